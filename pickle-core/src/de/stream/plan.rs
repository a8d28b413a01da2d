//! A first, quick pass over the opcodes: which memo entries are ever read.
//!
//! CPython memoizes nearly every object it writes, but reads few of them
//! back (a class, the field names, shared objects). Knowing which ones
//! before decoding lets the reader keep only those, so that its memory
//! does not grow with the pickle: the decoded value is the only large thing.

use crate::opcode::{ArgKind, Opcode, FIXED_ARG, NO_OPCODE, SHORT_ARG, VARIABLE_ARG};
use crate::text;
use crate::text::int::TextInt;

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
                step @ (Step::Put | Step::BinPut) => {
                    let (index, end) = match step {
                        Step::BinPut => (*input.get(pos + 1)? as usize, pos + 2),
                        _ => memo_arg(input, pos)?,
                    };
                    if index != written {
                        return None;
                    }
                    written += 1;
                    pos = end;
                }
                step @ (Step::Get | Step::BinGet) => {
                    let (index, end) = match step {
                        Step::BinGet => (*input.get(pos + 1)? as usize, pos + 2),
                        _ => memo_arg(input, pos)?,
                    };
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
                Step::Stop => return Some(Plan { read }),
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
    /// `BINPUT`, the common `PUT` (a one-byte index).
    BinPut,
    Put,
    /// `BINGET`, the common `GET` (a one-byte index).
    BinGet,
    Get,
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
    steps[Opcode::BinPut as usize] = Step::BinPut;
    steps[Opcode::LongBinPut as usize] = Step::Put;
    steps[Opcode::Put as usize] = Step::Put;
    steps[Opcode::BinGet as usize] = Step::BinGet;
    steps[Opcode::LongBinGet as usize] = Step::Get;
    steps[Opcode::Get as usize] = Step::Get;
    steps[Opcode::Stop as usize] = Step::Stop;
    steps
};

/// The memo index that the `GET` or `PUT` at `pos` names, and the position
/// after it.
fn memo_arg(input: &[u8], pos: usize) -> Option<(usize, usize)> {
    const LONG_BINGET: u8 = Opcode::LongBinGet.byte();
    const LONG_BINPUT: u8 = Opcode::LongBinPut.byte();
    match input[pos] {
        LONG_BINGET | LONG_BINPUT => Some((u32_at(input, pos + 1)? as usize, pos + 5)),
        _ => {
            let line = line_at(input, pos + 1)?;
            match text::int::parse_memo_index_line(line) {
                Ok(TextInt::Small(i)) => Some((usize::try_from(i).ok()?, pos + line.len() + 2)),
                _ => None,
            }
        }
    }
}

/// The position after the opcode `op` at `pos` and its argument, if the
/// argument is within `input`.
pub(crate) fn end_of(input: &[u8], pos: usize, op: Opcode) -> Option<usize> {
    let kind = op.arg();
    if let Some(n) = kind.fixed_len() {
        let end = pos + 1 + n;
        return (end <= input.len()).then_some(end);
    }
    if let Some(width) = kind.length_prefix() {
        let len = match width {
            1 => *input.get(pos + 1)? as u64,
            4 if matches!(kind, ArgKind::Long4 | ArgKind::String4) => {
                u64::try_from(u32_at(input, pos + 1)? as i32).ok()?
            }
            4 => u64::from(u32_at(input, pos + 1)?),
            _ => {
                let b = input.get(pos + 1..pos + 9)?;
                u64::from_le_bytes(b.try_into().ok()?)
            }
        };
        let end = (pos as u64 + 1 + width as u64).checked_add(len)?;
        return (end <= input.len() as u64).then_some(end as usize);
    }
    let mut at = pos + 1;
    for _ in 0..kind.lines() {
        at += line_at(input, at)?.len() + 1;
    }
    Some(at)
}

fn u32_at(input: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(input.get(at..at + 4)?.try_into().ok()?))
}

/// The line that starts at `at`, without its newline.
fn line_at(input: &[u8], at: usize) -> Option<&[u8]> {
    let rest = input.get(at..)?;
    rest.iter().position(|&b| b == b'\n').map(|i| &rest[..i])
}
