//! The scanner's only contact with the bytes: one opcode and its argument at
//! a time, sized by the opcode table's argument kinds, read the way one of
//! CPython's readers reads them.
//!
//! CPython reads frames two ways. `pickle.loads(bytes)` and `pickle.load` of
//! a buffered file ignore where a `FRAME` ends: an opcode may run on past it.
//! `pickle.load` of an unbuffered file or an `io.BytesIO` (no `peek`) drops
//! what is left of a frame when a read asks for more than that, and reads
//! the bytes after the frame instead. CPython's own pickler never writes an
//! opcode across a frame's end, so where a read does, the two readings run
//! different opcodes; the scanner reads both ([`Reading`]).

use std::ops::Range;

use crate::error::{Error, ErrorKind, Result};
use crate::opcode::{ArgKind, Opcode};
use crate::text::int::{self, IntOrBool, TextInt};

/// How frames are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reading {
    /// As `pickle.loads(bytes)`: frames are checked, then ignored.
    Contiguous,
    /// As `pickle.load` of an unbuffered file: a read that does not fit in
    /// the rest of the frame is served from the bytes after it.
    FrameCut,
}

/// How the text of a `str` argument is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Enc {
    /// UTF-8 (`SHORT_BINUNICODE`, `BINUNICODE`, `BINUNICODE8`).
    Utf8,
    /// A Python 2 `str`, decoded as ASCII as CPython does by default
    /// (`SHORT_BINSTRING`, `BINSTRING`, `PERSID`).
    Ascii,
    /// A quoted Python 2 literal with escapes (`STRING`).
    Quoted,
    /// `raw-unicode-escape` (`UNICODE`).
    RawUnicode,
}

/// A decoded argument. Text and bytes are spans of the input.
#[derive(Clone, Debug)]
pub(super) enum Arg {
    None,
    Int(i64),
    Bool,
    /// An integer too big for `i64`, or a float: data the scan does not track.
    Number,
    Bytes,
    Str(Range<usize>, Enc),
    /// `GLOBAL` and `INST`: module and name lines, without their newlines.
    Pair(Range<usize>, Range<usize>),
    /// `FRAME`'s length.
    Len(u64),
}

/// One opcode, where it starts, and its argument.
#[derive(Clone, Debug)]
pub(super) struct Op {
    pub(super) at: usize,
    pub(super) op: Opcode,
    pub(super) arg: Arg,
}

pub(super) struct Source<'a> {
    pub(super) input: &'a [u8],
    pub(super) pos: usize,
    pub(super) reading: Reading,
    /// The end of the frame being read, if any.
    frame_end: Option<usize>,
    /// The first place a read ran across a frame's end.
    pub(super) straddle: Option<usize>,
}

impl<'a> Source<'a> {
    pub(super) fn new(input: &'a [u8], pos: usize, reading: Reading) -> Source<'a> {
        Source {
            input,
            pos,
            reading,
            frame_end: None,
            straddle: None,
        }
    }

    /// The input ended inside an opcode: the error is where it ended.
    fn truncated(&self) -> Error {
        Error::at(
            ErrorKind::Truncated,
            self.input.len() as u64,
            "pickle data was truncated",
        )
    }

    /// Where a read of `n` bytes starts: inside the frame, or (cut reading)
    /// after it when the rest of the frame is too short.
    fn start_of_read(&mut self, fits: impl Fn(usize, usize) -> bool) -> usize {
        if let Some(end) = self.frame_end {
            if self.pos >= end {
                self.frame_end = None;
            } else if !fits(self.pos, end) {
                self.straddle.get_or_insert(self.pos);
                if self.reading == Reading::FrameCut {
                    self.pos = end;
                    self.frame_end = None;
                }
            }
        }
        self.pos
    }

    /// Reads `n` bytes; their span.
    fn take(&mut self, n: u64) -> Result<Range<usize>> {
        let start = self.start_of_read(|pos, end| (end - pos) as u64 >= n);
        let available = (self.input.len() - start) as u64;
        if n > available {
            return Err(self.truncated());
        }
        self.pos = start + n as usize;
        Ok(start..self.pos)
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N]> {
        let span = self.take(N as u64)?;
        Ok(self.input[span].try_into().expect("N bytes"))
    }

    /// Reads a line; its span without the newline.
    fn line(&mut self) -> Result<Range<usize>> {
        let input = self.input;
        let newline = |from: usize, to: usize| input[from..to].iter().position(|&b| b == b'\n');
        let start = self.start_of_read(|pos, end| newline(pos, end).is_some());
        match newline(start, self.input.len()) {
            Some(i) => {
                self.pos = start + i + 1;
                Ok(start..start + i)
            }
            None => Err(self.truncated()),
        }
    }

    /// A length prefix of `width` bytes; `signed` for the `int4` lengths.
    fn length(&mut self, width: usize, signed: bool, at: usize) -> Result<u64> {
        Ok(match width {
            1 => u64::from(self.fixed::<1>()?[0]),
            4 if signed => {
                let n = i32::from_le_bytes(self.fixed::<4>()?);
                u64::try_from(n).map_err(|_| {
                    Error::at(ErrorKind::InvalidArgument, at as u64, "negative byte count")
                })?
            }
            4 => u64::from(u32::from_le_bytes(self.fixed::<4>()?)),
            _ => u64::from_le_bytes(self.fixed::<8>()?),
        })
    }

    /// Goes on reading at `pos`, outside any frame (after bytes that a
    /// format puts between opcodes).
    pub(super) fn jump(&mut self, pos: usize) {
        self.pos = pos;
        self.frame_end = None;
    }

    /// Reads the next opcode and its argument.
    pub(super) fn next(&mut self) -> Result<Op> {
        let at = self.start_of_read(|pos, end| end > pos);
        let Some(&byte) = self.input.get(at) else {
            return Err(self.truncated());
        };
        let Some(op) = Opcode::from_byte(byte) else {
            return Err(Error::at(
                ErrorKind::InvalidOpcode,
                at as u64,
                format!("invalid load key, '\\x{byte:02x}'"),
            ));
        };
        self.pos = at + 1;
        let arg = self.arg(op, at)?;
        if op == Opcode::Frame {
            if let Arg::Len(n) = arg {
                self.enter_frame(n)?;
            }
        }
        Ok(Op { at, op, arg })
    }

    /// `FRAME n`: CPython reads the frame's `n` bytes, then rewinds.
    fn enter_frame(&mut self, n: u64) -> Result<()> {
        let span = self.take(n)?;
        self.pos = span.start;
        self.frame_end = Some(span.end);
        Ok(())
    }

    /// Decodes the argument of `op` by its kind in the opcode table.
    fn arg(&mut self, op: Opcode, at: usize) -> Result<Arg> {
        let kind = op.arg();
        if let Some(width) = kind.length_prefix() {
            let signed = matches!(kind, ArgKind::Long4 | ArgKind::String4);
            let n = self.length(width, signed, at)?;
            let span = self.take(n)?;
            return Ok(match kind {
                ArgKind::Long1 | ArgKind::Long4 => Arg::Number,
                ArgKind::String1 | ArgKind::String4 => Arg::Str(span, Enc::Ascii),
                ArgKind::UnicodeString1 | ArgKind::UnicodeString4 | ArgKind::UnicodeString8 => {
                    Arg::Str(span, Enc::Utf8)
                }
                _ => Arg::Bytes,
            });
        }
        Ok(match kind {
            ArgKind::None => Arg::None,
            ArgKind::Uint1 => Arg::Int(i64::from(self.fixed::<1>()?[0])),
            ArgKind::Uint2 => Arg::Int(i64::from(u16::from_le_bytes(self.fixed()?))),
            ArgKind::Int4 => Arg::Int(i64::from(i32::from_le_bytes(self.fixed()?))),
            ArgKind::Uint4 => Arg::Int(i64::from(u32::from_le_bytes(self.fixed()?))),
            ArgKind::Uint8 => Arg::Len(u64::from_le_bytes(self.fixed()?)),
            ArgKind::Float8 => {
                self.fixed::<8>()?;
                Arg::Number
            }
            ArgKind::DecimalNlShort | ArgKind::DecimalNlLong => {
                let span = self.line()?;
                // The integer parsers take the line with its newline.
                let line = &self.input[span.start..span.end + 1];
                let parsed = if op == Opcode::Int {
                    int::parse_int_line(line)
                } else if kind == ArgKind::DecimalNlLong {
                    int::parse_long_line(line).map(IntOrBool::Int)
                } else {
                    int::parse_memo_index_line(line).map(IntOrBool::Int)
                };
                match parsed {
                    Ok(IntOrBool::Bool(_)) => Arg::Bool,
                    Ok(IntOrBool::Int(TextInt::Small(i))) => Arg::Int(i),
                    Ok(IntOrBool::Int(TextInt::Big(_))) => Arg::Number,
                    Err(_) => {
                        return Err(Error::at(
                            ErrorKind::InvalidArgument,
                            at as u64,
                            format!("invalid literal for `{}`", op.name()),
                        ))
                    }
                }
            }
            ArgKind::FloatNl => {
                self.line()?;
                Arg::Number
            }
            ArgKind::StringNl => Arg::Str(self.line()?, Enc::Quoted),
            ArgKind::StringNlNoEscape => Arg::Str(self.line()?, Enc::Ascii),
            ArgKind::UnicodeStringNl => Arg::Str(self.line()?, Enc::RawUnicode),
            ArgKind::StringNlNoEscapePair => {
                let module = self.line()?;
                let name = self.line()?;
                Arg::Pair(module, name)
            }
            other => unreachable!("`{}` has a length prefix", other.name()),
        })
    }
}

/// The text of a `str` argument, if it decodes as CPython would decode it.
pub(super) fn text(input: &[u8], span: Range<usize>, enc: Enc) -> Option<String> {
    let bytes = input.get(span)?;
    match enc {
        Enc::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_owned),
        Enc::Ascii => bytes
            .is_ascii()
            .then(|| String::from_utf8_lossy(bytes).into_owned()),
        Enc::Quoted => {
            let n = bytes.len();
            let quoted = n >= 2 && bytes[0] == bytes[n - 1] && matches!(bytes[0], b'\'' | b'"');
            if !quoted {
                return None;
            }
            let decoded = crate::text::escape::decode_string_escape(&bytes[1..n - 1]).ok()?;
            decoded
                .is_ascii()
                .then(|| String::from_utf8_lossy(&decoded).into_owned())
        }
        Enc::RawUnicode => crate::text::escape::decode_raw_unicode_escape(bytes)
            .ok()?
            .into_string()
            .ok(),
    }
}

/// The span and encoding of the `str` argument of the opcode at `at`, as
/// the contiguous reading reads it.
pub(super) fn text_span_at(input: &[u8], at: usize) -> Option<(Range<usize>, Enc)> {
    match Source::new(input, at, Reading::Contiguous).next().ok()?.arg {
        Arg::Str(span, enc) => Some((span, enc)),
        _ => None,
    }
}

/// Re-reads the `str` argument of the opcode at `at`.
pub(super) fn text_at(input: &[u8], at: usize) -> Option<String> {
    let (span, enc) = text_span_at(input, at)?;
    text(input, span, enc)
}
