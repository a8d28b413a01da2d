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
            let byte = *input.get(pos)?;
            let fixed = FIXED_ARG[byte as usize];
            if fixed == NO_OPCODE {
                return None;
            }
            let end = match fixed {
                SHORT_ARG => pos + 2 + *input.get(pos + 1)? as usize,
                VARIABLE_ARG => end_of(input, pos, Opcode::from_byte(byte)?)?,
                _ => pos + 1 + fixed as usize,
            };
            if end > input.len() {
                return None;
            }
            const MEMOIZE: u8 = Opcode::Memoize.byte();
            const BINPUT: u8 = Opcode::BinPut.byte();
            const LONG_BINPUT: u8 = Opcode::LongBinPut.byte();
            const PUT: u8 = Opcode::Put.byte();
            const BINGET: u8 = Opcode::BinGet.byte();
            const LONG_BINGET: u8 = Opcode::LongBinGet.byte();
            const GET: u8 = Opcode::Get.byte();
            const STOP: u8 = Opcode::Stop.byte();
            match byte {
                MEMOIZE => written += 1,
                BINPUT | LONG_BINPUT | PUT => {
                    if memo_index(input, pos, byte)? != written {
                        return None;
                    }
                    written += 1;
                }
                BINGET | LONG_BINGET | GET => {
                    let index = memo_index(input, pos, byte)?;
                    if index >= written {
                        return None;
                    }
                    let word = index / 64;
                    if word >= read.len() {
                        read.resize(word + 1, 0);
                    }
                    read[word] |= 1 << (index % 64);
                }
                STOP => return Some(Plan { read }),
                _ => {}
            }
            pos = end;
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

/// The memo index a `GET` or `PUT` at `pos` names.
fn memo_index(input: &[u8], pos: usize, op: u8) -> Option<usize> {
    const BINGET: u8 = Opcode::BinGet.byte();
    const BINPUT: u8 = Opcode::BinPut.byte();
    const LONG_BINGET: u8 = Opcode::LongBinGet.byte();
    const LONG_BINPUT: u8 = Opcode::LongBinPut.byte();
    match op {
        BINGET | BINPUT => Some(*input.get(pos + 1)? as usize),
        LONG_BINGET | LONG_BINPUT => Some(u32_at(input, pos + 1)? as usize),
        _ => match text::int::parse_memo_index_line(line_at(input, pos + 1)?) {
            Ok(TextInt::Small(i)) => usize::try_from(i).ok(),
            _ => None,
        },
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
