//! Reading an opcode's argument from the input, where it may be cut short:
//! `None` for an argument that runs past the end. The plan, the scan and
//! the reader all read arguments through these.

use crate::opcode::{ArgKind, Opcode, FIXED_ARG, NO_OPCODE, SHORT_ARG, VARIABLE_ARG};
use crate::text;
use crate::text::int::TextInt;

/// The memo index that the `GET` or `PUT` (of any form) at `pos` names, and
/// the position after it.
#[inline]
pub(crate) fn memo_index(input: &[u8], pos: usize) -> Option<(usize, usize)> {
    const BINGET: u8 = Opcode::BinGet.byte();
    const BINPUT: u8 = Opcode::BinPut.byte();
    const LONG_BINGET: u8 = Opcode::LongBinGet.byte();
    const LONG_BINPUT: u8 = Opcode::LongBinPut.byte();
    match *input.get(pos)? {
        BINGET | BINPUT => Some((*input.get(pos + 1)? as usize, pos + 2)),
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
#[inline]
pub(crate) fn end_of(input: &[u8], pos: usize, op: Opcode) -> Option<usize> {
    // Most opcodes: one table load says how long the argument is.
    let end = match FIXED_ARG[op.byte() as usize] {
        SHORT_ARG => pos + 2 + *input.get(pos + 1)? as usize,
        VARIABLE_ARG | NO_OPCODE => return end_of_variable(input, pos, op),
        n => pos + 1 + n as usize,
    };
    (end <= input.len()).then_some(end)
}

/// [`end_of`] for an argument whose size is not fixed or in one byte.
fn end_of_variable(input: &[u8], pos: usize, op: Opcode) -> Option<usize> {
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

pub(crate) fn u32_at(input: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(input.get(at..at + 4)?.try_into().ok()?))
}

/// The line that starts at `at`, without its newline.
pub(crate) fn line_at(input: &[u8], at: usize) -> Option<&[u8]> {
    let rest = input.get(at..)?;
    rest.iter().position(|&b| b == b'\n').map(|i| &rest[..i])
}
