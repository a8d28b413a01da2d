//! Opcode arguments, read as `pickletools`' argument descriptors read them.
//!
//! `pickletools` decodes arguments with its own readers (`read_decimalnl_short`,
//! `read_stringnl`, ...), built on Python's `int()`, `float()` and codecs
//! rather than on the C unpickler's parsers: `INT 017` is 17 here but 15 to
//! the unpickler, `FLOAT 1e999` is `inf` here but an error there, and `GLOBAL`
//! names go through `escape_decode`. These readers follow `pickletools`, since
//! the disassembly and `optimize` are compared to it. The error messages are
//! the readers' own (including the `strinq` spelling of `read_stringnl`).

use std::borrow::Cow;

use crate::de::source::{SliceSource, Source, Span};
use crate::error::ErrorKind;
use crate::opcode::arg::{self, Arg as RawArg, ArgError as ArgError0, Lengths};
use crate::opcode::{ArgKind, Opcode};
use crate::text::escape::{decode_raw_unicode_escape, decode_string_escape, EscapeError};
use crate::text::float::parse_float_bytes;
use crate::text::int::{parse_int_bytes, IntError, TextInt};
use crate::value::{BigInt, PyStr, MAX_STR_DIGITS};

use crate::text::repr::bytes_repr;

/// A decoded opcode argument.
#[derive(Debug)]
pub(super) enum Arg<'a> {
    /// The opcode takes no argument.
    None,
    /// An `int`.
    Int(TextInt),
    /// A `bool` (`INT`, `GET` or `PUT` with `00` or `01`).
    Bool(bool),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(Text<'a>),
    /// A `bytes`.
    Bytes(&'a [u8]),
    /// A `bytearray`.
    ByteArray(&'a [u8]),
}

/// The code points of a `str` argument.
#[derive(Debug)]
pub(super) enum Text<'a> {
    /// One code point per byte (`latin-1`, and the ASCII of `escape_decode`).
    Latin1(Cow<'a, [u8]>),
    /// UTF-8 or `raw-unicode-escape` text.
    Unicode(PyStr),
}

impl Arg<'_> {
    /// The argument as a memo key, as Python's dict sees it (`False == 0`).
    pub(super) fn memo_key(&self) -> Option<TextInt> {
        match self {
            Arg::Int(v) => Some(v.clone()),
            Arg::Bool(b) => Some(TextInt::Small(i64::from(*b))),
            _ => None,
        }
    }

    /// A lower bound on the length of the argument's `repr()` in bytes:
    /// each byte of text or data shows as at least one byte.
    pub(super) fn min_repr_len(&self) -> usize {
        match self {
            Arg::Str(Text::Latin1(bytes)) => bytes.len(),
            Arg::Str(Text::Unicode(text)) => text.as_bytes().len(),
            Arg::Bytes(bytes) | Arg::ByteArray(bytes) => bytes.len(),
            _ => 0,
        }
    }

    /// The argument as a small unsigned integer (`PROTO`'s protocol).
    pub(super) fn as_small(&self) -> Option<i64> {
        match self {
            Arg::Int(TextInt::Small(v)) => Some(*v),
            _ => None,
        }
    }
}

/// Why an argument could not be read.
#[derive(Debug)]
pub(super) struct ArgError {
    pub(super) kind: ErrorKind,
    pub(super) message: String,
}

fn truncated(message: String) -> ArgError {
    ArgError {
        kind: ErrorKind::Truncated,
        message,
    }
}

fn invalid(message: String) -> ArgError {
    ArgError {
        kind: ErrorKind::InvalidArgument,
        message,
    }
}

/// Reads the argument of `op` at `pos` of `data` (the byte after the
/// opcode): the one argument reader reads the bytes (with `pickletools`'
/// signed `string4`), and these readers give them `pickletools`' meaning
/// and its messages. Returns the argument and the position after it.
pub(super) fn read_arg(op: Opcode, data: &[u8], pos: usize) -> Result<(Arg<'_>, usize), ArgError> {
    let kind = op.arg();
    let mut src = SliceSource::at(data, pos);
    let raw = match arg::read(op, &mut src, usize::MAX, Lengths::Pickletools) {
        Ok(raw) => raw,
        // pickletools decodes a module line before it reads the name line.
        Err(ArgError0::NoNewline) if kind == ArgKind::StringNlNoEscapePair => {
            let mut first = SliceSource::at(data, pos);
            if let Ok(line) = first.line(usize::MAX) {
                read_stringnl(&data[line.start..line.start + line.len - 1], false)?;
            }
            return Err(read_error(kind, ArgError0::NoNewline));
        }
        Err(e) => return Err(read_error(kind, e)),
    };
    let end = src.pos() as usize;
    let bytes = |span: Span| span.of(data);
    let what = kind.name();
    let int = |v: i64| Arg::Int(TextInt::Small(v));
    let arg = match raw {
        RawArg::None => Arg::None,
        RawArg::Int(v) => int(v),
        RawArg::U64(v) => Arg::Int(unsigned(v)),
        RawArg::Float(v) => Arg::Float(v),
        RawArg::Counted(span) => match kind {
            ArgKind::Long1 | ArgKind::Long4 => Arg::Int(decode_long(bytes(span))),
            ArgKind::String1 | ArgKind::String4 => {
                Arg::Str(Text::Latin1(Cow::Borrowed(bytes(span))))
            }
            ArgKind::ByteArray8 => Arg::ByteArray(bytes(span)),
            ArgKind::UnicodeString1 | ArgKind::UnicodeString4 | ArgKind::UnicodeString8 => {
                utf8(bytes(span), what)?
            }
            _ => Arg::Bytes(bytes(span)),
        },
        RawArg::Line(span) => {
            let s = bytes(span);
            match kind {
                // pickletools' hack: protocol 0 writes True and False as `I01` and `I00`.
                ArgKind::DecimalNlShort if s == b"00" => Arg::Bool(false),
                ArgKind::DecimalNlShort if s == b"01" => Arg::Bool(true),
                ArgKind::DecimalNlShort => Arg::Int(python_int(s)?),
                ArgKind::DecimalNlLong => Arg::Int(python_int(s.strip_suffix(b"L").unwrap_or(s))?),
                ArgKind::FloatNl => match parse_float_bytes(s) {
                    Some(x) => Arg::Float(x),
                    None => {
                        return Err(invalid(format!(
                            "could not convert string to float: {}",
                            repr_of_bytes(s)
                        )))
                    }
                },
                ArgKind::StringNl => Arg::Str(read_stringnl(s, true)?),
                ArgKind::UnicodeStringNl => match decode_raw_unicode_escape(s) {
                    Ok(text) => Arg::Str(Text::Unicode(text)),
                    Err(EscapeError::OutOfRange) => {
                        return Err(invalid(
                            "raw-unicode-escape text has a \\Uxxxxxxxx escape out of range".into(),
                        ))
                    }
                    Err(_) => {
                        return Err(invalid(
                            "raw-unicode-escape text has a truncated \\uXXXX or \\UXXXXXXXX escape"
                                .into(),
                        ))
                    }
                },
                _ => Arg::Str(read_stringnl(s, false)?),
            }
        }
        RawArg::Lines(module, name) => {
            let module = latin1_bytes(read_stringnl(bytes(module), false)?);
            let name = latin1_bytes(read_stringnl(bytes(name), false)?);
            let mut pair = module.into_owned();
            pair.push(b' ');
            pair.extend_from_slice(&name);
            Arg::Str(Text::Latin1(Cow::Owned(pair)))
        }
    };
    Ok((arg, end))
}

/// `pickletools`' message for an argument that could not be read.
fn read_error(kind: ArgKind, e: ArgError0) -> ArgError {
    let what = kind.name();
    match e {
        // The reader of the fixed part that ran out: the argument itself,
        // or the length before a counted one.
        ArgError0::ShortFixed => {
            let reader = match (kind.fixed_len(), kind.length_prefix()) {
                (Some(_), _) => what,
                (_, Some(1)) => "uint1",
                (_, Some(8)) => "uint8",
                _ if matches!(kind, ArgKind::Long4 | ArgKind::String4) => "int4",
                _ => "uint4",
            };
            truncated(format!("not enough data in stream to read {reader}"))
        }
        ArgError0::ShortCounted { .. } if matches!(kind, ArgKind::Long1 | ArgKind::Long4) => {
            truncated(format!("not enough data in stream to read {what}"))
        }
        ArgError0::ShortCounted { need, have } => truncated(format!(
            "expected {need} bytes in a {what}, but only {have} remain"
        )),
        ArgError0::Negative(n) => invalid(format!("{what} byte count < 0: {n}")),
        ArgError0::TooLong(n) => ArgError {
            kind: ErrorKind::LengthLimit,
            message: format!("{what} byte count > sys.maxsize: {n}"),
        },
        ArgError0::NoNewline => {
            let reader = if kind == ArgKind::UnicodeStringNl {
                "unicodestringnl"
            } else {
                "stringnl"
            };
            truncated(format!("no newline found when trying to read {reader}"))
        }
        ArgError0::Source(e) => truncated(e.message().to_owned()),
    }
}

/// An unsigned value as an `int`, which may not fit an `i64`.
fn unsigned(v: u64) -> TextInt {
    match i64::try_from(v) {
        Ok(v) => TextInt::Small(v),
        Err(_) => TextInt::Big(BigInt::from(i128::from(v))),
    }
}

/// `pickle.decode_long`: two's complement, little-endian.
fn decode_long(data: &[u8]) -> TextInt {
    TextInt::from_big(BigInt::from_signed_bytes_le(data))
}

/// `str(data, 'utf-8', 'surrogatepass')`.
fn utf8<'a>(data: &[u8], what: &str) -> Result<Arg<'a>, ArgError> {
    PyStr::from_utf8_surrogatepass(data)
        .map(|text| Arg::Str(Text::Unicode(text)))
        .map_err(|e| {
            invalid(format!(
                "the {what} is not UTF-8 (with surrogates allowed) at byte {}",
                e.position
            ))
        })
}

/// `int(s)` on bytes: base 10, with the error messages of `_PyLong_FromBytes`.
fn python_int(s: &[u8]) -> Result<TextInt, ArgError> {
    parse_int_bytes(s).map_err(|e| match e {
        IntError::Invalid => {
            // CPython shows the repr of at most 200 bytes, cut to 200
            // characters (`%.200R`), which drops the closing quote.
            let mut shown = repr_of_bytes(&s[..s.len().min(200)]);
            shown.truncate(200);
            invalid(format!("invalid literal for int() with base 10: {shown}"))
        }
        IntError::TooManyDigits(n) => invalid(format!(
            "exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: \
             value has {n} digits"
        )),
    })
}

fn repr_of_bytes(s: &[u8]) -> String {
    let mut out = String::new();
    bytes_repr(s, &mut out);
    out
}

/// `read_stringnl(f, decode=True, stripquotes)`: a line, its quotes stripped
/// when `strip_quotes`, then `codecs.escape_decode` and `.decode("ascii")`.
fn read_stringnl(line: &[u8], strip_quotes: bool) -> Result<Text<'_>, ArgError> {
    let mut data = line;
    if strip_quotes {
        let quote = match data.first() {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(invalid(format!(
                    "no string quotes around {}",
                    repr_of_bytes(data)
                )))
            }
        };
        if !data.ends_with(&[quote]) {
            return Err(invalid(format!(
                "strinq quote {} not found at both ends of {}",
                repr_of_bytes(&[quote]),
                repr_of_bytes(data)
            )));
        }
        // A lone quote is both ends at once: Python's `data[1:-1]` is empty.
        data = data.get(1..data.len() - 1).unwrap_or_default();
    }
    let decoded = if data.contains(&b'\\') {
        match decode_string_escape(data) {
            Ok(decoded) => Cow::Owned(decoded),
            Err(EscapeError::BadHexEscape(at)) => {
                return Err(invalid(format!("invalid \\x escape at position {at}")))
            }
            Err(_) => return Err(invalid("trailing \\ in string".into())),
        }
    } else {
        Cow::Borrowed(data)
    };
    if let Some(at) = decoded.iter().position(|&b| b >= 0x80) {
        return Err(invalid(format!(
            "'ascii' codec can't decode byte {:#04x} in position {at}: ordinal not in range(128)",
            decoded[at]
        )));
    }
    Ok(Text::Latin1(decoded))
}

/// The bytes of a `Text::Latin1` (what `read_stringnl` always returns).
fn latin1_bytes(text: Text<'_>) -> Cow<'_, [u8]> {
    match text {
        Text::Latin1(bytes) => bytes,
        Text::Unicode(text) => Cow::Owned(text.as_bytes().to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The argument of an opcode of `kind`, in `data` after the opcode byte.
    fn read(kind: ArgKind, data: &[u8]) -> Result<Arg<'_>, ArgError> {
        let op = Opcode::all()
            .find(|info| info.arg == kind)
            .expect("an opcode of the kind")
            .opcode;
        read_arg(op, data, 0).map(|(arg, _)| arg)
    }

    fn message(result: Result<Arg<'_>, ArgError>) -> String {
        result.expect_err("the argument is malformed").message
    }

    // The messages below are those pickletools' readers raise in CPython 3.11.

    #[test]
    fn counted_arguments_check_their_lengths() {
        assert_eq!(
            message(read(ArgKind::String4, b"\x00\x00\x00\x03abcdef")),
            "expected 50331648 bytes in a string4, but only 6 remain"
        );
        assert_eq!(
            message(read(ArgKind::String4, b"\xff\xff\xff\xff")),
            "string4 byte count < 0: -1"
        );
        assert_eq!(
            message(read(ArgKind::Long1, b"")),
            "not enough data in stream to read uint1"
        );
        assert_eq!(
            message(read(ArgKind::Bytes8, &[0xFF; 8])),
            "bytes8 byte count > sys.maxsize: 18446744073709551615"
        );
    }

    #[test]
    fn text_arguments_follow_python() {
        assert!(matches!(
            read(ArgKind::DecimalNlShort, b"01\n"),
            Ok(Arg::Bool(true))
        ));
        assert!(matches!(
            read(ArgKind::DecimalNlShort, b"017\n"),
            Ok(Arg::Int(TextInt::Small(17)))
        ));
        assert!(matches!(
            read(ArgKind::DecimalNlLong, b"5L\n"),
            Ok(Arg::Int(TextInt::Small(5)))
        ));
        assert_eq!(
            message(read(ArgKind::DecimalNlShort, b"1234L\n")),
            "invalid literal for int() with base 10: b'1234L'"
        );
        assert!(matches!(read(ArgKind::FloatNl, b"1e999\n"), Ok(Arg::Float(x)) if x.is_infinite()));
        assert_eq!(
            message(read(ArgKind::StringNl, b"abcd\n")),
            "no string quotes around b'abcd'"
        );
        assert_eq!(
            message(read(ArgKind::StringNl, b"'abcd\n")),
            "strinq quote b\"'\" not found at both ends of b\"'abcd\""
        );
        assert_eq!(
            message(read(ArgKind::StringNl, b"'abcd'")),
            "no newline found when trying to read stringnl"
        );
        match read(ArgKind::StringNl, b"'a\\n\\\\b\\x00c\\td'\n") {
            Ok(Arg::Str(Text::Latin1(text))) => assert_eq!(&text[..], b"a\n\\b\x00c\td"),
            other => panic!("unexpected {other:?}"),
        }
        match read(ArgKind::StringNlNoEscapePair, b"Queue\nEmpty\njunk") {
            Ok(Arg::Str(Text::Latin1(text))) => assert_eq!(&text[..], b"Queue Empty"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
