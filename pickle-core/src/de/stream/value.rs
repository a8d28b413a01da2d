//! Atoms, strings and bytes.

use super::{Entry, StreamDecoder};
use crate::de::options::StringEncoding;
use crate::de::Kind;
use crate::error::{Error, Result};
use crate::opcode::Opcode;
use crate::text;
use crate::text::int::{IntOrBool, TextInt};
use crate::value::{BigInt, PyStr};

/// An integer read from the stream.
enum Int<'a> {
    Small(i64),
    /// Two's complement little-endian bytes of an int beyond `i64`.
    Big(&'a [u8]),
    Text(BigInt),
}

impl<'a> StreamDecoder<'a> {
    /// Any error ends streaming: the general reader gives the answer.
    #[cold]
    pub(crate) fn fail(self) -> Error {
        self.s.bail()
    }

    /// Consumes `len` bytes of a value and the memo stores after it.
    #[inline]
    fn took(self, len: usize, entry: impl FnOnce() -> Entry) -> Result<()> {
        self.s.skip(len);
        self.s.memo_stores(entry)
    }

    /// The Python type of the value, where its first opcode says it alone.
    pub(crate) fn kind(self) -> Kind {
        use Opcode as O;
        if self.here().is_err() {
            return Kind::None;
        }
        let Ok(op) = self.s.peek() else {
            return Kind::None;
        };
        match op {
            O::None => Kind::None,
            O::NewTrue | O::NewFalse => Kind::Bool,
            O::Int if !self.is_int() => Kind::Bool,
            O::Int | O::BinInt | O::BinInt1 | O::BinInt2 | O::Long | O::Long1 | O::Long4 => {
                Kind::Int
            }
            O::Float | O::BinFloat => Kind::Float,
            O::ShortBinBytes | O::BinBytes | O::BinBytes8 => Kind::Bytes,
            O::ByteArray8 => Kind::ByteArray,
            O::EmptyList => Kind::List,
            O::EmptyDict => Kind::Dict,
            O::EmptySet => Kind::Set,
            O::EmptyTuple => Kind::Tuple,
            // A string may be the module of a `STACK_GLOBAL` instead; then
            // whatever reads it as a string meets the name and the
            // `STACK_GLOBAL` where a value should follow, and gives up.
            O::ShortBinUnicode | O::BinUnicode | O::BinUnicode8 => Kind::Str,
            op => match self.s.get_at(op) {
                Ok(Some((Entry::None, _))) => Kind::None,
                Ok(Some((Entry::Bool(_), _))) => Kind::Bool,
                Ok(Some((Entry::Int(_), _))) => Kind::Int,
                Ok(Some((Entry::Float(_), _))) => Kind::Float,
                Ok(Some((Entry::Str { .. }, _))) => Kind::Str,
                Ok(Some((Entry::Bytes { .. }, _))) => Kind::Bytes,
                // A global may begin an object: the general reader tells.
                _ => {
                    self.fail();
                    Kind::None
                }
            },
        }
    }

    pub(crate) fn is_none(self) -> bool {
        if self.here().is_err() {
            return false;
        }
        match self.s.peek() {
            Ok(Opcode::None) => true,
            Ok(op) => matches!(self.s.get_at(op), Ok(Some((Entry::None, _)))),
            Err(_) => false,
        }
    }

    pub(crate) fn decode_none(self) -> Result<()> {
        self.here()?;
        match self.s.peek()? {
            Opcode::None => self.took(1, || Entry::None),
            op => match self.s.get_at(op)? {
                Some((Entry::None, len)) => self.took(len, || Entry::None),
                _ => Err(self.fail()),
            },
        }
    }

    pub(crate) fn decode_bool(self) -> Result<bool> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let (v, len) = match s.peek()? {
            Opcode::NewTrue => (true, 1),
            Opcode::NewFalse => (false, 1),
            Opcode::Int => {
                let line = s.line_at(pos + 1)?;
                let mut full = line.to_vec();
                full.push(b'\n');
                match text::int::parse_int_line(&full) {
                    Ok(IntOrBool::Bool(b)) => (b, line.len() + 2),
                    _ => return Err(self.fail()),
                }
            }
            op => match s.get_at(op)? {
                Some((Entry::Bool(b), len)) => (b, len),
                _ => return Err(self.fail()),
            },
        };
        self.took(len, || Entry::Bool(v))?;
        Ok(v)
    }

    fn int(self) -> Result<Int<'a>> {
        const BININT1: u8 = Opcode::BinInt1.byte();
        const BININT2: u8 = Opcode::BinInt2.byte();
        const BININT: u8 = Opcode::BinInt.byte();
        let s = self.s;
        let pos = self.pos();
        // The common cases first, read in place: `BININT1`, `BININT2`, `BININT`.
        if s.pos() == pos && !s.bailed.get() {
            let small = match *s.input.get(pos..).unwrap_or_default() {
                [BININT1, b, ..] => Some((i64::from(b), 2)),
                [BININT2, b0, b1, ..] => Some((i64::from(u16::from_le_bytes([b0, b1])), 3)),
                [BININT, b0, b1, b2, b3, ..] => {
                    Some((i64::from(i32::from_le_bytes([b0, b1, b2, b3])), 5))
                }
                _ => None,
            };
            if let Some((v, len)) = small {
                self.took(len, || Entry::Int(v))?;
                return Ok(Int::Small(v));
            }
        }
        self.here()?;
        let pos = s.pos();
        // `BININT*` were read above, or are cut short (and give up below).
        let (v, len) = match s.peek()? {
            Opcode::Long1 => {
                let n = s.u8_at(pos + 1)? as usize;
                let bytes = s.slice_at(pos + 2, n)?;
                (small_or_big(bytes), n + 2)
            }
            Opcode::Long4 => {
                let n = usize::try_from(s.u32_at(pos + 1)? as i32).map_err(|_| self.fail())?;
                let bytes = s.slice_at(pos + 5, n)?;
                (small_or_big(bytes), n + 5)
            }
            op @ (Opcode::Int | Opcode::Long) => {
                let line = s.line_at(pos + 1)?;
                let mut full = line.to_vec();
                full.push(b'\n');
                let parsed = if op == Opcode::Int {
                    match text::int::parse_int_line(&full) {
                        Ok(IntOrBool::Int(v)) => v,
                        _ => return Err(self.fail()),
                    }
                } else {
                    text::int::parse_long_line(&full).map_err(|_| self.fail())?
                };
                let v = match parsed {
                    TextInt::Small(i) => Int::Small(i),
                    TextInt::Big(b) => Int::Text(b),
                };
                (v, line.len() + 2)
            }
            op => match s.get_at(op)? {
                Some((Entry::Int(i), len)) => (Int::Small(i), len),
                _ => return Err(self.fail()),
            },
        };
        let entry = match &v {
            Int::Small(i) => Entry::Int(*i),
            _ => Entry::Other,
        };
        self.took(len, || entry)?;
        Ok(v)
    }

    /// Whether an int (or a memo `GET` of one) starts here.
    pub(crate) fn is_int(self) -> bool {
        match self.s.peek() {
            Ok(
                Opcode::BinInt
                | Opcode::BinInt1
                | Opcode::BinInt2
                | Opcode::Long1
                | Opcode::Long4
                | Opcode::Long,
            ) => true,
            Ok(Opcode::Int) => !matches!(self.s.line_at(self.s.pos() + 1), Ok(b"00" | b"01")),
            Ok(op) => matches!(self.s.get_at(op), Ok(Some((Entry::Int(_), _)))),
            Err(_) => false,
        }
    }

    pub(crate) fn decode_i64(self) -> Result<i64> {
        match self.int()? {
            Int::Small(i) => Ok(i),
            _ => Err(self.fail()),
        }
    }

    pub(crate) fn decode_big_int(self) -> Result<BigInt> {
        Ok(match self.int()? {
            Int::Small(i) => BigInt::from(i),
            Int::Big(bytes) => BigInt::from_signed_bytes_le(bytes),
            Int::Text(b) => b,
        })
    }

    pub(crate) fn decode_f64(self) -> Result<f64> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        match s.peek()? {
            Opcode::BinFloat => {
                let b = s.slice_at(pos + 1, 8)?;
                let mut buf = [0u8; 8];
                buf.copy_from_slice(b);
                let v = f64::from_bits(u64::from_be_bytes(buf));
                self.took(9, || Entry::Float(v))?;
                Ok(v)
            }
            Opcode::Float => {
                let line = s.line_at(pos + 1)?;
                let mut full = line.to_vec();
                full.push(b'\n');
                let v = text::float::parse_line(&full).map_err(|_| self.fail())?;
                self.took(line.len() + 2, || Entry::Float(v))?;
                Ok(v)
            }
            op => {
                if let Some((Entry::Float(v), len)) = s.get_at(op)? {
                    self.took(len, || Entry::Float(v))?;
                    return Ok(v);
                }
                // An int that a double holds exactly, as the general reader accepts.
                let i = self.decode_i64()?;
                let f = i as f64;
                if f as i128 == i as i128 && f.abs() < 9.3e18 {
                    Ok(f)
                } else {
                    Err(self.fail())
                }
            }
        }
    }

    /// The text of a string value: where it is in the input, its length and
    /// the length of its opcode, or `None` when it is not a plain string.
    fn text(self) -> Result<(usize, usize, usize)> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let op = s.peek()?;
        let (start, len) = match op {
            Opcode::ShortBinUnicode => (pos + 2, s.u8_at(pos + 1)? as usize),
            Opcode::BinUnicode => (pos + 5, s.len_at(pos + 1, 4)?),
            Opcode::BinUnicode8 => (pos + 9, s.len_at(pos + 1, 8)?),
            Opcode::ShortBinString | Opcode::BinString
                if matches!(
                    s.opts.encoding,
                    StringEncoding::Ascii | StringEncoding::Utf8
                ) =>
            {
                let (start, len) = if op == Opcode::ShortBinString {
                    (pos + 2, s.u8_at(pos + 1)? as usize)
                } else {
                    (pos + 5, s.len_at(pos + 1, 4)?)
                };
                // Python 2 strings: only the ASCII ones read the same in both encodings.
                if !s.slice_at(start, len)?.is_ascii() {
                    return Err(self.fail());
                }
                (start, len)
            }
            op => match s.get_at(op)? {
                Some((Entry::Str { start, len, .. }, oplen)) => return Ok((start, len, oplen)),
                _ => return Err(self.fail()),
            },
        };
        s.slice_at(start, len)?;
        Ok((start, len, start + len - pos))
    }

    pub(crate) fn decode_str(self) -> Result<&'a str> {
        // The common case first: a `SHORT_BINUNICODE` right here.
        let s = self.s;
        if let Some(&[op, len]) = s.input.get(self.pos()..self.pos() + 2) {
            let start = self.pos() + 2;
            let len = len as usize;
            if op == Opcode::ShortBinUnicode.byte() && s.pos() == self.pos() && !s.bailed.get() {
                let bytes = s.slice_at(start, len)?;
                let text = std::str::from_utf8(bytes).map_err(|_| self.fail())?;
                self.took(2 + len, || Entry::Str { start, len })?;
                return Ok(text);
            }
        }
        if let Some(text) = self.text_of_get() {
            return Ok(text);
        }
        let (start, len, oplen) = self.text()?;
        let text =
            std::str::from_utf8(&self.s.input[start..start + len]).map_err(|_| self.fail())?;
        self.took(oplen, || Entry::Str { start, len })?;
        if let [op, index] = *s.input.get(self.pos()..self.pos() + 2).unwrap_or_default() {
            if op == Opcode::BinGet.byte() {
                let mut texts = s.texts.borrow_mut();
                if texts.is_empty() {
                    texts.resize(256, None);
                }
                texts[usize::from(index)] = Some(text);
            }
        }
        Ok(text)
    }

    /// The text a `BINGET` here fetches, if an earlier `BINGET` of the same
    /// entry read it as text (see `Stream::texts`).
    #[inline]
    fn text_of_get(self) -> Option<&'a str> {
        let s = self.s;
        let pos = self.pos();
        let &[op, index] = s.input.get(pos..pos + 2)? else {
            return None;
        };
        if op != Opcode::BinGet.byte() || s.pos() != pos || s.bailed.get() {
            return None;
        }
        let text = s
            .texts
            .borrow()
            .get(usize::from(index))
            .copied()
            .flatten()?;
        // A `GET` is followed by no memo store (`took` checks it the same).
        let start = text.as_ptr() as usize - s.input.as_ptr() as usize;
        let len = text.len();
        self.took(2, || Entry::Str { start, len }).ok()?;
        Some(text)
    }

    /// The bytes of a string value, not checked to be UTF-8: for comparing
    /// with known names, which are.
    pub(crate) fn decode_name(self) -> Result<&'a [u8]> {
        let (start, len, oplen) = self.text()?;
        self.took(oplen, || Entry::Str { start, len })?;
        Ok(&self.s.input[start..start + len])
    }

    pub(crate) fn decode_py_str(self) -> Result<PyStr> {
        let (start, len, oplen) = self.text()?;
        let text = PyStr::from_utf8_surrogatepass(&self.s.input[start..start + len])
            .map_err(|_| self.fail())?;
        self.took(oplen, || Entry::Str { start, len })?;
        Ok(text)
    }

    pub(crate) fn decode_bytes(self) -> Result<&'a [u8]> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let op = s.peek()?;
        let (start, len, entry) = match op {
            Opcode::ShortBinBytes => (pos + 2, s.u8_at(pos + 1)? as usize, true),
            Opcode::BinBytes => (pos + 5, s.len_at(pos + 1, 4)?, true),
            Opcode::BinBytes8 => (pos + 9, s.len_at(pos + 1, 8)?, true),
            // A bytearray is mutable: a later GET of it is not followed.
            Opcode::ByteArray8 => (pos + 9, s.len_at(pos + 1, 8)?, false),
            op => match s.get_at(op)? {
                Some((Entry::Bytes { start, len }, oplen)) => {
                    self.took(oplen, || Entry::Bytes { start, len })?;
                    return Ok(&s.input[start..start + len]);
                }
                _ => return Err(self.fail()),
            },
        };
        let bytes = s.slice_at(start, len)?;
        self.took(start + len - pos, || {
            if entry {
                Entry::Bytes { start, len }
            } else {
                Entry::Other
            }
        })?;
        Ok(bytes)
    }
}

/// An int from `LONG1`/`LONG4` bytes: an `i64` when it fits.
fn small_or_big(bytes: &[u8]) -> Int<'_> {
    if let Some(i) = crate::value::i64_from_short_le(bytes) {
        return Int::Small(i);
    }
    match BigInt::from_signed_bytes_le(bytes).to_i64() {
        Some(i) => Int::Small(i),
        None => Int::Big(bytes),
    }
}
