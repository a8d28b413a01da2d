//! The argument reader: reads the argument that follows any opcode, as the
//! table's [`ArgKind`] describes it, from any [`Source`] (a slice or an
//! `io::Read`).
//!
//! It reads bytes, not meanings: a text argument comes back as its line, a
//! counted one as its bytes. The unpickler and `pickletools` interpret the
//! same bytes differently (`INT 017` is 15 to the one and 17 to the other),
//! so each interprets them itself (`text/` for the machine, `dis/args.rs`
//! for the disassembler). They also differ in one point of reading, which
//! [`Lengths`] chooses: whether `BINSTRING`'s 4-byte length is signed.

use crate::de::source::{Source, Span};
use crate::error::Error;

use super::{ArgKind, Opcode};

/// An opcode's argument, its bytes as spans of [`Source::data`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Arg {
    /// No argument.
    None,
    /// `uint1`, `uint2`, `int4` or `uint4`.
    Int(i64),
    /// `uint8` (`FRAME`'s length).
    U64(u64),
    /// `float8`.
    Float(f64),
    /// The bytes of a counted argument (`long1`, `string4`,
    /// `unicodestring1`, ...), after its length.
    Counted(Span),
    /// A line, without its newline (`decimalnl_short`, `stringnl`, ...).
    Line(Span),
    /// Two lines (`stringnl_noescape_pair`: a module and a name).
    Lines(Span, Span),
}

impl Arg {
    /// The integer of a fixed-width argument (0 for any other).
    #[inline]
    pub(crate) fn int(self) -> i64 {
        match self {
            Arg::Int(v) => v,
            _ => 0,
        }
    }

    /// The span of a counted argument or a line (empty for any other).
    #[inline]
    pub(crate) fn span(self) -> Span {
        match self {
            Arg::Counted(span) | Arg::Line(span) => span,
            _ => Span { start: 0, len: 0 },
        }
    }
}

/// Why an argument could not be read.
#[derive(Debug)]
pub(crate) enum ArgError {
    /// A fixed-width argument runs past the end of the input.
    ShortFixed,
    /// A counted argument declares `need` bytes where `have` remain (known
    /// of slices).
    ShortCounted { need: u64, have: usize },
    /// A signed length (`long4`, and `string4` as `pickletools` reads it)
    /// is negative.
    Negative(i64),
    /// A length beyond `isize::MAX` or the caller's budget.
    TooLong(u64),
    /// A line without a newline before the end of the input.
    NoNewline,
    /// The source's own error (truncated, over the allocation limit, I/O).
    Source(Error),
}

/// Whether a 4-byte length of a Python 2 string (`BINSTRING`) is signed:
/// `pickletools` reads it as `int4`, CPython's C unpickler as unsigned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lengths {
    Unpickler,
    Pickletools,
}

/// Reads the argument of `op` at the source's position. `budget` is how
/// much more a reader source may buffer.
///
/// Always in line: the machine calls it with a constant opcode in each of
/// its arms, where the table lookups and the match on the argument's kind
/// fold away (out of line, reading arguments was an eighth of a `Value`
/// decode of many records).
#[inline(always)]
pub(crate) fn read<S: Source>(
    op: Opcode,
    src: &mut S,
    budget: usize,
    lengths: Lengths,
) -> Result<Arg, ArgError> {
    let kind = op.arg();
    if let Some(n) = kind.fixed_len() {
        return fixed(kind, n, src, budget);
    }
    if let Some(width) = kind.length_prefix() {
        let raw = fixed_bytes(width, src, budget)?;
        let signed = matches!(kind, ArgKind::Long4)
            || (kind == ArgKind::String4 && lengths == Lengths::Pickletools);
        let n = if signed {
            let n = i64::from(raw as u32 as i32);
            if n < 0 {
                return Err(ArgError::Negative(n));
            }
            n as u64
        } else {
            raw
        };
        if n > isize::MAX as u64 || n > budget as u64 {
            return Err(ArgError::TooLong(n));
        }
        if let Some(have) = src.remaining() {
            if n > have as u64 {
                return Err(ArgError::ShortCounted { need: n, have });
            }
        }
        return src
            .take(n as usize, budget)
            .map(Arg::Counted)
            .map_err(ArgError::Source);
    }
    let first = line(src, budget)?;
    if kind.lines() == 2 {
        return Ok(Arg::Lines(first, line(src, budget)?));
    }
    Ok(Arg::Line(first))
}

/// The argument of `op` at `pos` of `input` (the byte after the opcode),
/// and the position after it; `None` if it runs past the end.
#[inline(always)]
pub(crate) fn read_at(op: Opcode, input: &[u8], pos: usize) -> Option<(Arg, usize)> {
    let mut src = crate::de::source::SliceSource::at(input, pos);
    let arg = read(op, &mut src, usize::MAX, Lengths::Unpickler).ok()?;
    Some((arg, src.pos() as usize))
}

#[inline(always)]
fn fixed<S: Source>(kind: ArgKind, n: usize, src: &mut S, budget: usize) -> Result<Arg, ArgError> {
    if n == 0 {
        return Ok(Arg::None);
    }
    let raw = fixed_bytes(n, src, budget)?;
    Ok(match kind {
        ArgKind::Int4 => Arg::Int(i64::from(raw as u32 as i32)),
        ArgKind::Uint8 => Arg::U64(raw),
        ArgKind::Float8 => Arg::Float(f64::from_bits(raw.swap_bytes())),
        _ => Arg::Int(raw as i64),
    })
}

/// `n` (1, 2, 4 or 8) bytes as a little-endian unsigned integer, read
/// whole (copied into a buffer and read back, they stalled the processor).
#[inline(always)]
fn fixed_bytes<S: Source>(n: usize, src: &mut S, budget: usize) -> Result<u64, ArgError> {
    let span = src.take(n, budget).map_err(|e| match src.remaining() {
        Some(_) => ArgError::ShortFixed,
        None => ArgError::Source(e),
    })?;
    Ok(match *span.of(src.data()) {
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_le_bytes([a, b])),
        [a, b, c, d] => u64::from(u32::from_le_bytes([a, b, c, d])),
        [a, b, c, d, e, f, g, h] => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
        _ => 0,
    })
}

fn line<S: Source>(src: &mut S, budget: usize) -> Result<Span, ArgError> {
    let span = src.line(budget).map_err(|e| match src.remaining() {
        Some(_) => ArgError::NoNewline,
        None => ArgError::Source(e),
    })?;
    Ok(Span {
        start: span.start,
        len: span.len - 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(op: Opcode, bytes: &[u8]) -> Option<(Arg, usize)> {
        read_at(op, bytes, 1)
    }

    #[test]
    fn reads_every_form_of_argument() {
        assert_eq!(at(Opcode::BinInt1, b"K\x07"), Some((Arg::Int(7), 2)));
        assert_eq!(
            at(Opcode::BinInt, b"J\xff\xff\xff\xff"),
            Some((Arg::Int(-1), 5))
        );
        assert_eq!(
            at(Opcode::BinFloat, b"G?\xf0\x00\x00\x00\x00\x00\x00"),
            Some((Arg::Float(1.0), 9))
        );
        let span = |start, len| Span { start, len };
        assert_eq!(
            at(Opcode::Long1, b"\x8a\x02\xff\x00"),
            Some((Arg::Counted(span(2, 2)), 4))
        );
        assert_eq!(at(Opcode::Int, b"I12\n"), Some((Arg::Line(span(1, 2)), 4)));
        assert_eq!(
            at(Opcode::Global, b"cos\nsystem\n"),
            Some((Arg::Lines(span(1, 2), span(4, 6)), 11))
        );
        assert_eq!(at(Opcode::Stop, b"."), Some((Arg::None, 1)));
    }

    #[test]
    fn reports_arguments_cut_short() {
        let mut src = crate::de::source::SliceSource::at(b"\x8b\xff\xff\xff\xff", 1);
        let negative = read(Opcode::Long4, &mut src, usize::MAX, Lengths::Unpickler);
        assert!(matches!(negative, Err(ArgError::Negative(-1))));
        let mut src = crate::de::source::SliceSource::at(b"T\xff\xff\xff\xff", 1);
        let unsigned = read(Opcode::BinString, &mut src, usize::MAX, Lengths::Unpickler);
        assert!(matches!(
            unsigned,
            Err(ArgError::ShortCounted {
                need: 0xffff_ffff,
                have: 0
            })
        ));
        assert_eq!(at(Opcode::BinInt, b"J\x00"), None);
        assert_eq!(at(Opcode::Int, b"I12"), None);
    }
}
