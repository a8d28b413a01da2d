//! A first, quick pass over the opcodes: which memo entries are ever read.
//!
//! CPython memoizes nearly every object it writes, but reads few of them
//! back (a class, the field names, shared objects). Knowing which ones
//! before decoding lets the reader keep only those, so that its memory
//! does not grow with the pickle: the decoded value is the only large thing.

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

/// What the plan does at an opcode, by its byte.
#[derive(Clone, Copy)]
enum Step {
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
