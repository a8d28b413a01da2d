//! Arguments read as CPython's unpickler reads them: numbers and strings
//! in the text forms of protocol 0, counted big ints, Python 2 strings,
//! UTF-8 checks, and names of globals.

use super::build::{Atom, Build, Text};
use super::Machine;
use crate::de::options::StringEncoding;
use crate::de::source::{truncated, Source, Span};
use crate::error::{Error, Result};
use crate::opcode::Opcode;
use crate::text::escape::{decode_raw_unicode_escape, decode_string_escape, EscapeError};
use crate::text::float::{parse_line, FloatError};
use crate::text::int::{parse_int_line, parse_long_line, IntError, IntOrBool, TextInt};
use crate::value::{i64_from_short_le, BigInt, PyStr, MAX_STR_DIGITS};

impl<S: Source, B: Build> Machine<'_, '_, S, B> {
    /// The line of a text argument with its newline, which CPython's
    /// parsers see; an empty line is cut short, as in CPython.
    pub(super) fn text_line(&mut self, op: Opcode) -> Result<Span> {
        let span = self.arg(op)?.span();
        if span.len == 0 {
            return Err(truncated(self.at));
        }
        Ok(Span {
            start: span.start,
            len: span.len + 1,
        })
    }

    pub(super) fn int_error(&self, e: IntError, what: &str) -> Error {
        match e {
            IntError::Invalid => self.invalid(format!("invalid literal for `{what}`")),
            IntError::TooManyDigits(n) => self.invalid(format!(
                "exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value has {n} digits"
            )),
        }
    }

    fn push_int(&mut self, v: TextInt) -> Result<()> {
        match v {
            TextInt::Small(i) => self.push_atom(Atom::Int(i)),
            TextInt::Big(b) => {
                let bytes = b.to_signed_bytes_le();
                self.charge(bytes.len())?;
                self.push_atom(Atom::BigInt(Text::Decoded(bytes)))
            }
        }
    }

    pub(super) fn load_int(&mut self) -> Result<()> {
        let span = self.text_line(Opcode::Int)?;
        match parse_int_line(span.of(self.src.data())) {
            Ok(IntOrBool::Bool(b)) => self.push_atom(Atom::Bool(b)),
            Ok(IntOrBool::Int(v)) => self.push_int(v),
            Err(_) => Err(self.invalid("could not convert string to int")),
        }
    }

    pub(super) fn load_long(&mut self) -> Result<()> {
        let span = self.text_line(Opcode::Long)?;
        match parse_long_line(span.of(self.src.data())) {
            Ok(v) => self.push_int(v),
            Err(e) => Err(self.int_error(e, "LONG")),
        }
    }

    /// `LONG1`/`LONG4`: an `i64` where it fits, else the minimal bytes.
    pub(super) fn load_counted_long(&mut self, span: Span) -> Result<()> {
        let bytes = span.of(self.src.data());
        if let Some(i) = i64_from_short_le(bytes) {
            return self.push_atom(Atom::Int(i));
        }
        let value = BigInt::from_signed_bytes_le(bytes);
        let text = match value.to_i64() {
            Some(i) => return self.push_atom(Atom::Int(i)),
            None if value.to_signed_bytes_le().len() == span.len => {
                Text::Input(span, self.src.data())
            }
            // Redundant sign bytes: keep the minimal form.
            None => Text::Decoded(value.to_signed_bytes_le()),
        };
        self.b.atom(Atom::BigInt(text), self.at)
    }

    pub(super) fn load_float(&mut self) -> Result<()> {
        let span = self.text_line(Opcode::Float)?;
        match parse_line(span.of(self.src.data())) {
            Ok(v) => self.push_atom(Atom::Float(v)),
            Err(FloatError::Invalid) => Err(self.invalid("could not convert string to float")),
            Err(FloatError::Overflow) => Err(self.invalid("value too large to convert to float")),
        }
    }

    /// A Python 2 `str` (`span` of the input, or decoded `bytes`), as the
    /// options say to read it.
    pub(super) fn push_py2_str(&mut self, span: Span, decoded: Option<Vec<u8>>) -> Result<()> {
        let raw = match &decoded {
            Some(bytes) => &bytes[..],
            None => span.of(self.src.data()),
        };
        let latin1 = match self.opts.encoding {
            StringEncoding::Bytes => None,
            StringEncoding::Ascii => match raw.iter().position(|b| !b.is_ascii()) {
                None => None,
                Some(pos) => {
                    return Err(self.invalid(format!(
                        "'ascii' codec can't decode byte 0x{:02x} in position {pos}: ordinal not in range(128)",
                        raw[pos]
                    )))
                }
            },
            StringEncoding::Utf8 => match std::str::from_utf8(raw) {
                Ok(_) => None,
                Err(e) => {
                    return Err(self.invalid(format!(
                        "'utf-8' codec can't decode byte in position {}",
                        e.valid_up_to()
                    )))
                }
            },
            StringEncoding::Latin1 if raw.is_ascii() => None,
            StringEncoding::Latin1 => Some(raw.iter().map(|&b| b as char).collect::<String>()),
        };
        if let Some(utf8) = &latin1 {
            self.charge(utf8.len())?;
        }
        let data = self.src.data();
        let text = match (&latin1, &decoded) {
            (Some(utf8), _) => Text::Decoded(utf8.as_bytes()),
            (None, Some(bytes)) => Text::Decoded(bytes),
            (None, None) => Text::Input(span, data),
        };
        let atom = if self.opts.encoding == StringEncoding::Bytes {
            Atom::Bytes(text)
        } else {
            Atom::Str(text)
        };
        self.b.atom(atom, self.at)
    }

    pub(super) fn load_string(&mut self) -> Result<()> {
        let span = self.arg(Opcode::String)?.span();
        let body = span.of(self.src.data());
        let n = body.len();
        if !(n >= 2 && body[0] == body[n - 1] && (body[0] == b'\'' || body[0] == b'"')) {
            return Err(self.invalid("the STRING opcode argument must be quoted"));
        }
        let decoded = match decode_string_escape(&body[1..n - 1]) {
            Ok(d) => d,
            Err(EscapeError::TrailingBackslash) => {
                return Err(self.invalid("Trailing \\ in string"))
            }
            Err(EscapeError::BadHexEscape(pos)) => {
                return Err(self.invalid(format!("invalid \\x escape at position {pos}")))
            }
            Err(_) => return Err(self.invalid("invalid escape in STRING")),
        };
        self.charge(decoded.len())?;
        self.push_py2_str(span, Some(decoded))
    }

    pub(super) fn load_unicode(&mut self) -> Result<()> {
        let span = self.arg(Opcode::Unicode)?.span();
        let body = span.of(self.src.data());
        if !body.contains(&b'\\') && body.is_ascii() {
            return self
                .b
                .atom(Atom::Str(Text::Input(span, self.src.data())), self.at);
        }
        let decoded = match decode_raw_unicode_escape(body) {
            Ok(s) => s,
            Err(EscapeError::TruncatedUnicode) => {
                return Err(self.invalid(
                    "'rawunicodeescape' codec can't decode bytes: truncated \\uXXXX escape",
                ))
            }
            Err(_) => {
                return Err(self.invalid(
                    "'rawunicodeescape' codec can't decode bytes: \\Uxxxxxxxx out of range",
                ))
            }
        };
        self.charge(decoded.as_bytes().len())?;
        self.push_atom(Atom::Str(Text::Decoded(decoded.as_bytes())))
    }

    /// UTF-8 text, lone surrogates allowed (`surrogatepass`).
    #[inline]
    pub(super) fn load_binunicode(&mut self, span: Span) -> Result<()> {
        let data = self.src.data();
        let bytes = span.of(data);
        let atom = match std::str::from_utf8(bytes) {
            Ok(text) => Atom::Utf8(span, text),
            Err(_) => match PyStr::from_utf8_surrogatepass(bytes) {
                Ok(_) => Atom::Str(Text::Input(span, data)),
                Err(bad) => {
                    return Err(self.invalid(format!(
                        "'utf-8' codec can't decode byte 0x{:02x} in position {}",
                        bytes[bad.position], bad.position
                    )))
                }
            },
        };
        self.b.atom(atom, self.at)
    }

    /// A name line of `GLOBAL` (without its newline), as UTF-8; an empty
    /// one is cut short, as in CPython.
    pub(super) fn utf8_name(&self, span: Span) -> Result<PyStr> {
        if span.len == 0 {
            return Err(truncated(self.at));
        }
        match std::str::from_utf8(span.of(self.src.data())) {
            Ok(s) => Ok(PyStr::from(s)),
            Err(e) => Err(self.invalid(format!(
                "'utf-8' codec can't decode byte in position {}",
                e.valid_up_to()
            ))),
        }
    }

    /// A name line of `INST`, as ASCII.
    pub(super) fn ascii_name(&self, span: Span) -> Result<PyStr> {
        if span.len == 0 {
            return Err(truncated(self.at));
        }
        let bytes = span.of(self.src.data());
        match bytes.iter().position(|b| !b.is_ascii()) {
            None => Ok(PyStr::from(std::str::from_utf8(bytes).unwrap_or_default())),
            Some(pos) => Err(self.invalid(format!(
                "'ascii' codec can't decode byte 0x{:02x} in position {pos}",
                bytes[pos]
            ))),
        }
    }
}
