//! The scanner's only contact with the bytes: one opcode and its argument at
//! a time, read by the opcode table's argument reader the way one of
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

use crate::de::source::{truncated, Source, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::arg::{self, ArgError, Lengths};
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

/// The bytes of the input, read as [`Reading`] says frames are read. The
/// opcode table's argument reader (`opcode/arg.rs`) reads from it, as it
/// reads from the unpickler's sources.
pub(super) struct FramedSource<'a> {
    pub(super) input: &'a [u8],
    pub(super) pos: usize,
    pub(super) reading: Reading,
    /// The end of the frame being read, if any.
    frame_end: Option<usize>,
    /// The first place a read ran across a frame's end.
    pub(super) straddle: Option<usize>,
}

impl<'a> FramedSource<'a> {
    pub(super) fn new(input: &'a [u8], pos: usize, reading: Reading) -> FramedSource<'a> {
        FramedSource {
            input,
            pos,
            reading,
            frame_end: None,
            straddle: None,
        }
    }

    /// The input ended inside an opcode: the error is where it ended.
    fn truncated(&self) -> Error {
        truncated(self.input.len() as u64)
    }

    /// Where a read starts: inside the frame, or (cut reading) after it when
    /// `fits(pos, end)` says the rest of the frame is too short.
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

    /// Goes on reading at `pos`, outside any frame (after bytes that a
    /// format puts between opcodes).
    pub(super) fn jump(&mut self, pos: usize) {
        self.pos = pos;
        self.frame_end = None;
    }

    /// Reads the next opcode and its argument.
    pub(super) fn next(&mut self) -> Result<Op> {
        let Some(byte) = self.next_byte()? else {
            return Err(self.truncated());
        };
        let at = self.pos - 1;
        let Some(op) = Opcode::from_byte(byte) else {
            return Err(Error::at(
                ErrorKind::InvalidOpcode,
                at as u64,
                format!("invalid load key, '\\x{byte:02x}'"),
            ));
        };
        let arg = match arg::read(op, self, usize::MAX, Lengths::Unpickler) {
            Ok(arg) => self.classify(op, arg, at)?,
            Err(ArgError::Negative(_)) => {
                return Err(Error::at(
                    ErrorKind::InvalidArgument,
                    at as u64,
                    "negative byte count",
                ))
            }
            Err(ArgError::Source(e)) => return Err(e),
            Err(_) => return Err(self.truncated()),
        };
        if let Arg::Len(n) = arg {
            // `FRAME n`: CPython reads the frame's `n` bytes, then rewinds.
            self.ensure(n.try_into().unwrap_or(usize::MAX), usize::MAX)?;
            self.frame_end = Some(self.pos + n as usize);
        }
        Ok(Op { at, op, arg })
    }

    /// What the scan keeps of the argument of `op` (at `at`).
    fn classify(&self, op: Opcode, arg: arg::Arg, at: usize) -> Result<Arg> {
        let kind = op.arg();
        let range = |span: Span| span.start..span.start + span.len;
        Ok(match arg {
            arg::Arg::None => Arg::None,
            arg::Arg::Int(v) => Arg::Int(v),
            arg::Arg::U64(n) => Arg::Len(n),
            arg::Arg::Float(_) => Arg::Number,
            arg::Arg::Counted(span) => match kind {
                ArgKind::Long1 | ArgKind::Long4 => Arg::Number,
                ArgKind::String1 | ArgKind::String4 => Arg::Str(range(span), Enc::Ascii),
                ArgKind::UnicodeString1 | ArgKind::UnicodeString4 | ArgKind::UnicodeString8 => {
                    Arg::Str(range(span), Enc::Utf8)
                }
                _ => Arg::Bytes,
            },
            arg::Arg::Line(span) => match kind {
                ArgKind::DecimalNlShort | ArgKind::DecimalNlLong => {
                    // The integer parsers take the line with its newline.
                    let line = &self.input[span.start..span.start + span.len + 1];
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
                ArgKind::StringNl => Arg::Str(range(span), Enc::Quoted),
                ArgKind::StringNlNoEscape => Arg::Str(range(span), Enc::Ascii),
                ArgKind::UnicodeStringNl => Arg::Str(range(span), Enc::RawUnicode),
                // `FloatNl`.
                _ => Arg::Number,
            },
            arg::Arg::Lines(module, name) => Arg::Pair(range(module), range(name)),
        })
    }
}

impl Source for FramedSource<'_> {
    fn pos(&self) -> u64 {
        self.pos as u64
    }

    fn next_byte(&mut self) -> Result<Option<u8>> {
        let at = self.start_of_read(|pos, end| end > pos);
        let byte = self.input.get(at).copied();
        self.pos += usize::from(byte.is_some());
        Ok(byte)
    }

    fn take(&mut self, n: usize, _budget: usize) -> Result<Span> {
        let start = self.start_of_read(|pos, end| end - pos >= n);
        if n > self.input.len().saturating_sub(start) {
            return Err(self.truncated());
        }
        self.pos = start + n;
        Ok(Span { start, len: n })
    }

    /// The bytes up to and including the next newline.
    fn line(&mut self, _budget: usize) -> Result<Span> {
        let input = self.input;
        let newline = |from: usize, to: usize| input[from..to].iter().position(|&b| b == b'\n');
        let start = self.start_of_read(|pos, end| newline(pos, end).is_some());
        match newline(start, input.len()) {
            Some(i) => {
                self.pos = start + i + 1;
                Ok(Span { start, len: i + 1 })
            }
            None => Err(self.truncated()),
        }
    }

    /// Checks that the next `n` bytes are there, reading none.
    fn ensure(&mut self, n: usize, budget: usize) -> Result<()> {
        let span = self.take(n, budget)?;
        self.pos = span.start;
        Ok(())
    }

    fn data(&self) -> &[u8] {
        self.input
    }

    fn remaining(&self) -> Option<usize> {
        Some(self.input.len().saturating_sub(self.pos))
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
    match FramedSource::new(input, at, Reading::Contiguous)
        .next()
        .ok()?
        .arg
    {
        Arg::Str(span, enc) => Some((span, enc)),
        _ => None,
    }
}

/// Re-reads the `str` argument of the opcode at `at`.
pub(super) fn text_at(input: &[u8], at: usize) -> Option<String> {
    let (span, enc) = text_span_at(input, at)?;
    text(input, span, enc)
}
