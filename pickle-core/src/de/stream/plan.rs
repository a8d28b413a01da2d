//! A quick pass over the opcodes: which memo entries are ever read.
//!
//! CPython memoizes nearly every object it writes, but reads few of them
//! back (a class, the field names, shared objects). Knowing which ones
//! before decoding lets the reader keep only those, so that its memory
//! does not grow with the pickle: the decoded value is the only large thing.
//! The readers first guess instead (nothing is read back, corrected as
//! they go), which saves this pass (a tenth of a typed decode); the plan
//! decides when guessing costs more (see [`worth_restarting`]).

use super::arg::{end_of, memo_index};
use crate::opcode::{Opcode, FIXED_ARG, NO_OPCODE, SHORT_ARG, VARIABLE_ARG};

/// The memo indices that `GET`s of a pickle read.
pub(crate) struct Plan {
    /// A bitset: one bit per memo entry written before the last `GET`.
    read: Vec<u64>,
}

impl Plan {
    /// Walks the opcodes of the pickle at the start of `input` up to its
    /// `STOP`. `None` for anything the streaming reader leaves to the general
    /// one: an unknown opcode, an argument past the end, a memo index other
    /// than the next one (CPython writes entry `n` as the `n`th, and reads
    /// only entries written before), or a `GET` of an entry not yet written.
    pub(crate) fn of(input: &[u8]) -> Option<Plan> {
        let mut read: Vec<u64> = Vec::new();
        // Indices read by `BINGET` (below 256), the common `GET`, apart:
        // no bounds to check or vector to grow.
        let mut read_small = [0u64; 4];
        let mut written = 0usize;
        let mut pos = 0;
        loop {
            // An argument that runs past the end leaves `pos` there, and
            // the next read fails: no `STOP`, no plan.
            match STEPS[*input.get(pos)? as usize] {
                Step::Skip(n) => pos += n as usize,
                Step::Short => pos += 2 + *input.get(pos + 1)? as usize,
                Step::Variable => pos = end_of(input, pos, Opcode::from_byte(input[pos])?)?,
                Step::Memoize => {
                    written += 1;
                    pos += 1;
                }
                Step::Put => {
                    let (index, end) = memo_index(input, pos)?;
                    if index != written {
                        return None;
                    }
                    written += 1;
                    pos = end;
                }
                Step::BinGet => {
                    let index = *input.get(pos + 1)?;
                    if index as usize >= written {
                        return None;
                    }
                    read_small[index as usize / 64] |= 1 << (index % 64);
                    pos += 2;
                }
                Step::Get => {
                    let (index, end) = memo_index(input, pos)?;
                    if index >= written {
                        return None;
                    }
                    let word = index / 64;
                    if word >= read.len() {
                        read.resize(word + 1, 0);
                    }
                    read[word] |= 1 << (index % 64);
                    pos = end;
                }
                Step::Stop => {
                    let used = read_small
                        .iter()
                        .rposition(|&w| w != 0)
                        .map_or(0, |w| w + 1);
                    if read.len() < used {
                        read.resize(used, 0);
                    }
                    for (word, small) in read.iter_mut().zip(read_small) {
                        *word |= small;
                    }
                    return Some(Plan { read });
                }
                Step::Invalid => return None,
            }
        }
    }

    /// A guess: no entry is read but `indices`.
    pub(crate) fn guess(indices: &[usize]) -> Plan {
        let mut plan = Plan { read: Vec::new() };
        for &index in indices {
            let word = index / 64;
            if word >= plan.read.len() {
                plan.read.resize(word + 1, 0);
            }
            plan.read[word] |= 1 << (index % 64);
        }
        plan
    }

    /// Whether a `GET` reads the memo entry `index`.
    #[inline]
    pub(crate) fn is_read(&self, index: usize) -> bool {
        self.read
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// The read entries as a bitset: bit `i % 64` of word `i / 64` is
    /// entry `i`.
    pub(crate) fn words(&self) -> &[u64] {
        &self.read
    }
}

/// How many times a run may start again to keep a memo entry it did not
/// know a `GET` would read, before the reader makes the plan instead.
pub(crate) const MAX_RESTARTS: usize = 16;

/// Whether a run that kept a guessed set of memo entries, and missed one,
/// is worth starting again keeping that one too: after `restarts` restarts
/// that together read `wasted` bytes of an `input_len`-byte pickle. CPython
/// reads back the few entries it reads (a class, field names) from early
/// on, so a guess costs little and saves the plan's pass over the whole
/// input; a pickle that needs many restarts, or restarts late, gets the plan.
pub(crate) fn worth_restarting(restarts: usize, wasted: usize, input_len: usize) -> bool {
    restarts < MAX_RESTARTS && wasted <= input_len / 4
}

/// What the plan does at an opcode, by its byte.
#[derive(Clone, Copy)]
pub(super) enum Step {
    /// Steps over the opcode and its fixed-size argument: `n` bytes in all.
    Skip(u8),
    /// Steps over an argument of a one-byte length and that many bytes.
    Short,
    /// Steps over an argument whose size is in another form.
    Variable,
    Memoize,
    /// `PUT` in any of its forms.
    Put,
    /// `LONG_BINGET` or `GET`.
    Get,
    /// `BINGET`.
    BinGet,
    Stop,
    Invalid,
}

/// What the plan does at the opcode `byte`.
#[inline]
pub(super) fn step(byte: u8) -> Step {
    STEPS[byte as usize]
}

static STEPS: [Step; 256] = {
    let mut steps = [Step::Invalid; 256];
    let mut byte = 0;
    while byte < 256 {
        steps[byte] = match FIXED_ARG[byte] {
            NO_OPCODE => Step::Invalid,
            SHORT_ARG => Step::Short,
            VARIABLE_ARG => Step::Variable,
            n => Step::Skip(n + 1),
        };
        byte += 1;
    }
    steps[Opcode::Memoize as usize] = Step::Memoize;
    steps[Opcode::BinPut as usize] = Step::Put;
    steps[Opcode::LongBinPut as usize] = Step::Put;
    steps[Opcode::Put as usize] = Step::Put;
    steps[Opcode::BinGet as usize] = Step::BinGet;
    steps[Opcode::LongBinGet as usize] = Step::Get;
    steps[Opcode::Get as usize] = Step::Get;
    steps[Opcode::Stop as usize] = Step::Stop;
    steps
};
