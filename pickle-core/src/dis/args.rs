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

use crate::error::ErrorKind;
use crate::opcode::ArgKind;
use crate::text::escape::{decode_raw_unicode_escape, decode_string_escape, EscapeError};
use crate::text::float::parse_float_bytes;
use crate::text::int::{parse_int_bytes, IntError, TextInt};
use crate::value::{BigInt, PyStr, MAX_STR_DIGITS};

use super::repr::bytes_repr;

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

/// The bytes of a pickle from a position on, read as `io.BytesIO` reads.
pub(super) struct Cursor<'a> {
    data: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(data: &'a [u8], pos: usize) -> Cursor<'a> {
        Cursor { data, pos }
    }

    /// `f.read(n)`: up to `n` bytes, fewer at the end of the data. Never
    /// allocates, so a huge declared length costs nothing.
    fn read(&mut self, n: u64) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let n = usize::try_from(n).map_or(rest.len(), |n| n.min(rest.len()));
        self.pos += n;
        &rest[..n]
    }

    /// `f.readline()`: up to and including the next newline, or to the end.
    fn readline(&mut self) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let n = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        self.pos += n;
        &rest[..n]
    }

    /// `f.read(N)` that must return all `N` bytes (`read_uint1`, `read_float8`, ...).
    fn read_array<const N: usize>(&mut self, name: &str) -> Result<[u8; N], ArgError> {
        let data = self.read(N as u64);
        data.try_into()
            .map_err(|_| truncated(format!("not enough data in stream to read {name}")))
    }
}

/// Reads the argument of kind `kind` at the cursor.
pub(super) fn read_arg<'a>(kind: ArgKind, f: &mut Cursor<'a>) -> Result<Arg<'a>, ArgError> {
    let int = |v: i64| Ok(Arg::Int(TextInt::Small(v)));
    match kind {
        ArgKind::None => Ok(Arg::None),
        ArgKind::Uint1 => int(i64::from(read_uint1(f)?)),
        ArgKind::Uint2 => int(i64::from(u16::from_le_bytes(f.read_array("uint2")?))),
        ArgKind::Int4 => int(i64::from(read_int4(f)?)),
        ArgKind::Uint4 => int(i64::from(read_uint4(f)?)),
        ArgKind::Uint8 => Ok(Arg::Int(unsigned(read_uint8(f)?))),
        ArgKind::Float8 => Ok(Arg::Float(f64::from_be_bytes(f.read_array("float8")?))),
        ArgKind::Long1 => {
            let n = read_uint1(f)?;
            let data = f.read(u64::from(n));
            if data.len() != usize::from(n) {
                return Err(truncated("not enough data in stream to read long1".into()));
            }
            Ok(Arg::Int(decode_long(data)))
        }
        ArgKind::Long4 => {
            let n = non_negative(read_int4(f)?, "long4")?;
            let data = f.read(n);
            if data.len() as u64 != n {
                return Err(truncated("not enough data in stream to read long4".into()));
            }
            Ok(Arg::Int(decode_long(data)))
        }
        ArgKind::String1 => {
            let n = read_uint1(f)?;
            let data = counted(f, u64::from(n), "string1")?;
            Ok(Arg::Str(Text::Latin1(Cow::Borrowed(data))))
        }
        ArgKind::String4 => {
            let n = non_negative(read_int4(f)?, "string4")?;
            let data = counted(f, n, "string4")?;
            Ok(Arg::Str(Text::Latin1(Cow::Borrowed(data))))
        }
        ArgKind::Bytes1 => {
            let n = read_uint1(f)?;
            Ok(Arg::Bytes(counted(f, u64::from(n), "bytes1")?))
        }
        ArgKind::Bytes4 => {
            let n = read_uint4(f)?;
            Ok(Arg::Bytes(counted(f, u64::from(n), "bytes4")?))
        }
        ArgKind::Bytes8 => {
            let n = at_most_maxsize(read_uint8(f)?, "bytes8")?;
            Ok(Arg::Bytes(counted(f, n, "bytes8")?))
        }
        ArgKind::ByteArray8 => {
            let n = at_most_maxsize(read_uint8(f)?, "bytearray8")?;
            Ok(Arg::ByteArray(counted(f, n, "bytearray8")?))
        }
        ArgKind::UnicodeString1 => {
            let n = read_uint1(f)?;
            utf8(
                counted(f, u64::from(n), "unicodestring1")?,
                "unicodestring1",
            )
        }
        ArgKind::UnicodeString4 => {
            let n = read_uint4(f)?;
            utf8(
                counted(f, u64::from(n), "unicodestring4")?,
                "unicodestring4",
            )
        }
        ArgKind::UnicodeString8 => {
            let n = at_most_maxsize(read_uint8(f)?, "unicodestring8")?;
            utf8(counted(f, n, "unicodestring8")?, "unicodestring8")
        }
        ArgKind::DecimalNlShort => {
            let s = read_line(f, "stringnl")?;
            // pickletools' hack: protocol 0 writes True and False as `I01` and `I00`.
            match s {
                b"00" => Ok(Arg::Bool(false)),
                b"01" => Ok(Arg::Bool(true)),
                _ => Ok(Arg::Int(python_int(s)?)),
            }
        }
        ArgKind::DecimalNlLong => {
            let s = read_line(f, "stringnl")?;
            let s = s.strip_suffix(b"L").unwrap_or(s);
            Ok(Arg::Int(python_int(s)?))
        }
        ArgKind::FloatNl => {
            let s = read_line(f, "stringnl")?;
            match parse_float_bytes(s) {
                Some(x) => Ok(Arg::Float(x)),
                None => Err(invalid(format!(
                    "could not convert string to float: {}",
                    repr_of_bytes(s)
                ))),
            }
        }
        ArgKind::StringNl => Ok(Arg::Str(read_stringnl(f, true)?)),
        ArgKind::StringNlNoEscape => Ok(Arg::Str(read_stringnl(f, false)?)),
        ArgKind::StringNlNoEscapePair => {
            let module = latin1_bytes(read_stringnl(f, false)?);
            let name = latin1_bytes(read_stringnl(f, false)?);
            let mut pair = module.into_owned();
            pair.push(b' ');
            pair.extend_from_slice(&name);
            Ok(Arg::Str(Text::Latin1(Cow::Owned(pair))))
        }
        ArgKind::UnicodeStringNl => {
            let line = read_line(f, "unicodestringnl")?;
            match decode_raw_unicode_escape(line) {
                Ok(text) => Ok(Arg::Str(Text::Unicode(text))),
                Err(EscapeError::OutOfRange) => Err(invalid(
                    "raw-unicode-escape text has a \\Uxxxxxxxx escape out of range".into(),
                )),
                Err(_) => Err(invalid(
                    "raw-unicode-escape text has a truncated \\uXXXX or \\UXXXXXXXX escape".into(),
                )),
            }
        }
    }
}

fn read_uint1(f: &mut Cursor<'_>) -> Result<u8, ArgError> {
    Ok(f.read_array::<1>("uint1")?[0])
}

fn read_int4(f: &mut Cursor<'_>) -> Result<i32, ArgError> {
    Ok(i32::from_le_bytes(f.read_array("int4")?))
}

fn read_uint4(f: &mut Cursor<'_>) -> Result<u32, ArgError> {
    Ok(u32::from_le_bytes(f.read_array("uint4")?))
}

fn read_uint8(f: &mut Cursor<'_>) -> Result<u64, ArgError> {
    Ok(u64::from_le_bytes(f.read_array("uint8")?))
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

/// The signed count of `string4` and `long4`, which must not be negative.
fn non_negative(n: i32, what: &str) -> Result<u64, ArgError> {
    u64::try_from(n).map_err(|_| invalid(format!("{what} byte count < 0: {n}")))
}

/// The 8-byte counts, which Python refuses above `sys.maxsize`.
fn at_most_maxsize(n: u64, what: &str) -> Result<u64, ArgError> {
    if n > i64::MAX as u64 {
        return Err(ArgError {
            kind: ErrorKind::LengthLimit,
            message: format!("{what} byte count > sys.maxsize: {n}"),
        });
    }
    Ok(n)
}

/// `n` bytes of a counted argument, all of which must be there.
fn counted<'a>(f: &mut Cursor<'a>, n: u64, what: &str) -> Result<&'a [u8], ArgError> {
    let data = f.read(n);
    if data.len() as u64 != n {
        return Err(truncated(format!(
            "expected {n} bytes in a {what}, but only {} remain",
            data.len()
        )));
    }
    Ok(data)
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

/// A line without its newline; `what` names the reader in the error.
fn read_line<'a>(f: &mut Cursor<'a>, what: &str) -> Result<&'a [u8], ArgError> {
    match f.readline().strip_suffix(b"\n") {
        Some(line) => Ok(line),
        None => Err(truncated(format!(
            "no newline found when trying to read {what}"
        ))),
    }
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
fn read_stringnl<'a>(f: &mut Cursor<'a>, strip_quotes: bool) -> Result<Text<'a>, ArgError> {
    let mut data = read_line(f, "stringnl")?;
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

    fn read(kind: ArgKind, data: &[u8]) -> Result<Arg<'_>, ArgError> {
        read_arg(kind, &mut Cursor::new(data, 0))
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
