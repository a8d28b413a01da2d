//! One value of the stream, read for a `FromPickle`: its Python type,
//! atoms, strings, bytes, and the errors a `FromPickle` makes about it.

use super::{Entry, StreamDecoder};
use crate::de::node::decoder::exact_float;
use crate::de::options::StringEncoding;
use crate::de::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::arg::Arg;
use crate::opcode::Opcode;
use crate::text;
use crate::text::int::{IntOrBool, TextInt};
use crate::value::{i64_from_short_le, BigInt, PyStr};

/// An integer read from the stream.
enum Int<'a> {
    Small(i64),
    /// Two's complement little-endian bytes of an int beyond `i64`.
    Big(&'a [u8]),
    Text(BigInt),
}

impl<'a> StreamDecoder<'a> {
    /// Gives up: the general reader decides.
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

    /// The line argument of the text opcode `op` at the read position, with
    /// its newline (what the text parsers take), and its length in all.
    fn text_arg(self, op: Opcode) -> Result<(&'a [u8], usize)> {
        let pos = self.s.pos();
        match self.s.arg_at(op, pos)? {
            (Arg::Line(span), end) => {
                Ok((&self.s.input[span.start..=span.start + span.len], end - pos))
            }
            _ => Err(self.fail()),
        }
    }

    /// The offset of the opcode that made the value, as the general reader
    /// gives it (a value fetched from the memo is left to it).
    #[cold]
    pub(crate) fn offset(self) -> u64 {
        match self.s.op_at(self.pos()) {
            Some(Opcode::Get | Opcode::BinGet | Opcode::LongBinGet) | None => {
                self.fail();
                self.pos() as u64
            }
            _ => self.s.made_at(self.pos()).unwrap_or(self.pos()) as u64,
        }
    }

    /// An error about the value, at the offset of the opcode that made it.
    #[cold]
    pub(crate) fn error(
        self,
        kind: ErrorKind,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Error {
        Error::at(kind, self.offset(), message)
    }

    /// The error for a value of another Python type, where the opcode that
    /// made it names the type (else the general reader says it).
    #[cold]
    pub(crate) fn type_error(self, expected: &str) -> Error {
        self.mismatch(&[], expected)
    }

    /// [`type_error`](Self::type_error) when this reader could not read the
    /// value as one of `accepted`: where the value is one of them after all
    /// (in a form this reader leaves to the general one), it gives up.
    #[cold]
    fn mismatch(self, accepted: &[Kind], expected: &str) -> Error {
        use Opcode as O;
        let offset = self.offset();
        let found = match self.s.op_at(offset as usize) {
            Some(O::None) => Kind::None,
            Some(O::NewTrue | O::NewFalse) => Kind::Bool,
            Some(O::BinInt | O::BinInt1 | O::BinInt2 | O::Long | O::Long1 | O::Long4) => Kind::Int,
            Some(O::Float | O::BinFloat) => Kind::Float,
            Some(O::ShortBinUnicode | O::BinUnicode | O::BinUnicode8 | O::Unicode) => Kind::Str,
            Some(O::ShortBinBytes | O::BinBytes | O::BinBytes8) => Kind::Bytes,
            Some(O::ByteArray8) => Kind::ByteArray,
            Some(O::EmptyList | O::List) => Kind::List,
            Some(O::EmptyDict | O::Dict) => Kind::Dict,
            Some(O::EmptySet) => Kind::Set,
            Some(O::FrozenSet) => Kind::FrozenSet,
            Some(O::EmptyTuple | O::Tuple | O::Tuple1 | O::Tuple2 | O::Tuple3) => Kind::Tuple,
            _ => return self.fail(),
        };
        if accepted.contains(&found) {
            return self.fail();
        }
        Error::at(
            ErrorKind::Type,
            offset,
            format!("expected {expected}, found `{}`", found.type_name()),
        )
    }

    /// Globals, calls and the classes of objects are read by the general
    /// reader.
    pub(crate) fn global(self) -> Option<&'a crate::Global> {
        self.fail();
        None
    }

    pub(crate) fn class(self) -> Option<std::borrow::Cow<'a, crate::Global>> {
        self.fail();
        None
    }

    pub(crate) fn call_args(self, _module: &str, _name: &str) -> Result<super::StreamSeq<'a>> {
        Err(self.fail())
    }

    pub(crate) fn call_args_alone(self, _m: &str, _n: &str) -> Result<super::StreamSeq<'a>> {
        Err(self.fail())
    }

    pub(crate) fn state(self) -> Result<Option<StreamDecoder<'a>>> {
        Err(self.fail())
    }

    pub(crate) fn appended_items(self) -> Result<Vec<StreamDecoder<'a>>> {
        Err(self.fail())
    }

    /// How a key shows in an error path: its repr for strings and ints.
    #[cold]
    pub(crate) fn key_label(self) -> String {
        let (s, pos) = (self.s, self.pos());
        if let Some((text, _)) = s.peek_text(pos) {
            return format!("{text:?}");
        }
        if let Some(op @ (Opcode::BinInt | Opcode::BinInt1 | Opcode::BinInt2)) = s.op_at(pos) {
            if let Ok((Arg::Int(i), _)) = s.arg_at(op, pos) {
                return i.to_string();
            }
        }
        self.fail();
        String::new()
    }

    /// The Python type of the value, where its first opcode says it alone.
    /// Whether the string here is the module of a `STACK_GLOBAL`.
    fn starts_global(self) -> bool {
        let s = self.s;
        let after = |at| s.after_atom(at);
        after(self.pos()).and_then(after).and_then(|at| s.op_at(at)) == Some(Opcode::StackGlobal)
    }

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
            // Unless it is the module of a `STACK_GLOBAL` (a string, or a
            // `GET` of one, then the opcode): an error the caller returns
            // on this kind is kept, so the kind must be the object's.
            O::ShortBinUnicode | O::BinUnicode | O::BinUnicode8 if !self.starts_global() => {
                Kind::Str
            }
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
                _ => Err(self.mismatch(&[Kind::None], "None")),
            },
        }
    }

    pub(crate) fn decode_bool(self) -> Result<bool> {
        self.here()?;
        let (v, len) = match self.s.peek()? {
            Opcode::NewTrue => (true, 1),
            Opcode::NewFalse => (false, 1),
            Opcode::Int => {
                let (line, len) = self.text_arg(Opcode::Int)?;
                match text::int::parse_int_line(line) {
                    Ok(IntOrBool::Bool(b)) => (b, len),
                    _ => return Err(self.fail()),
                }
            }
            op => match self.s.get_at(op)? {
                Some((Entry::Bool(b), len)) => (b, len),
                _ => return Err(self.mismatch(&[Kind::Bool], "a bool")),
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
        // The common cases first, read in place: `BININT1`, `BININT2`,
        // `BININT` (the argument reader reads the same bytes; in place,
        // the value stays in a register).
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
        let (v, len) = match s.peek()? {
            op @ (Opcode::Long1 | Opcode::Long4) => {
                let (arg, end) = s.arg_at(op, pos)?;
                let bytes = s.bytes(arg.span());
                (small_or_big(bytes), end - pos)
            }
            op @ (Opcode::Int | Opcode::Long) => {
                let (line, len) = self.text_arg(op)?;
                let parsed = if op == Opcode::Int {
                    match text::int::parse_int_line(line) {
                        Ok(IntOrBool::Int(v)) => v,
                        _ => return Err(self.fail()),
                    }
                } else {
                    text::int::parse_long_line(line).map_err(|_| self.fail())?
                };
                let v = match parsed {
                    TextInt::Small(i) => Int::Small(i),
                    TextInt::Big(b) => Int::Text(b),
                };
                (v, len)
            }
            op => match s.get_at(op)? {
                Some((Entry::Int(i), len)) => (Int::Small(i), len),
                _ => return Err(self.mismatch(&[Kind::Int], "an int")),
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
            Ok(Opcode::Int) => !matches!(self.text_arg(Opcode::Int), Ok((b"00\n" | b"01\n", _))),
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
        match s.peek()? {
            Opcode::BinFloat => {
                let (Arg::Float(v), _) = s.arg_at(Opcode::BinFloat, s.pos())? else {
                    return Err(self.fail());
                };
                self.took(9, || Entry::Float(v))?;
                Ok(v)
            }
            Opcode::Float => {
                let (line, len) = self.text_arg(Opcode::Float)?;
                let v = text::float::parse_line(line).map_err(|_| self.fail())?;
                self.took(len, || Entry::Float(v))?;
                Ok(v)
            }
            op => {
                if let Some((Entry::Float(v), len)) = s.get_at(op)? {
                    self.took(len, || Entry::Float(v))?;
                    return Ok(v);
                }
                if !self.is_int() {
                    return Err(self.mismatch(&[Kind::Float, Kind::Int], "a float"));
                }
                // An int that a double holds exactly, as the general reader accepts.
                exact_float(self.decode_i64()?).ok_or_else(|| self.fail())
            }
        }
    }

    /// The text of a string value: where it is in the input, its length and
    /// the length of its opcode. Anything else is a type error when the
    /// caller `expected` a string, else the reader gives up.
    fn text(self, expected: Option<&str>) -> Result<(usize, usize, usize)> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let op = s.peek()?;
        let span = match op {
            Opcode::ShortBinUnicode | Opcode::BinUnicode | Opcode::BinUnicode8 => {
                s.arg_at(op, pos)?.0.span()
            }
            Opcode::ShortBinString | Opcode::BinString
                if matches!(
                    s.opts.encoding,
                    StringEncoding::Ascii | StringEncoding::Utf8
                ) =>
            {
                let span = s.arg_at(op, pos)?.0.span();
                // Python 2 strings: only the ASCII ones read the same in both encodings.
                if !s.bytes(span).is_ascii() {
                    return Err(self.fail());
                }
                span
            }
            op => match s.get_at(op)? {
                Some((Entry::Str { start, len }, oplen)) => return Ok((start, len, oplen)),
                _ => {
                    return Err(
                        expected.map_or_else(|| self.fail(), |e| self.mismatch(&[Kind::Str], e))
                    )
                }
            },
        };
        Ok((span.start, span.len, span.start + span.len - pos))
    }

    pub(crate) fn decode_str(self) -> Result<&'a str> {
        // The common case first: a `SHORT_BINUNICODE` right here.
        let s = self.s;
        if let Some(&[op, len]) = s.input.get(self.pos()..self.pos() + 2) {
            let start = self.pos() + 2;
            let len = len as usize;
            if op == Opcode::ShortBinUnicode.byte() && s.pos() == self.pos() && !s.bailed.get() {
                let bytes = s.input.get(start..start + len).ok_or_else(|| self.fail())?;
                let text = std::str::from_utf8(bytes).map_err(|_| self.fail())?;
                self.took(2 + len, || Entry::Str { start, len })?;
                return Ok(text);
            }
        }
        if let Some(text) = self.text_of_get() {
            return Ok(text);
        }
        let (start, len, oplen) = self.text(Some("a str"))?;
        let text =
            std::str::from_utf8(&self.s.input[start..start + len]).map_err(|_| self.fail())?;
        self.took(oplen, || Entry::Str { start, len })?;
        if let [op, index] = *s.input.get(self.pos()..self.pos() + 2).unwrap_or_default() {
            if op == Opcode::BinGet.byte() {
                let mut state = s.state.borrow_mut();
                let texts = &mut state.texts;
                if texts.is_empty() {
                    texts.resize(256, None);
                }
                texts[usize::from(index)] = Some(text);
            }
        }
        Ok(text)
    }

    /// The text a `BINGET` here fetches, if an earlier `BINGET` of the same
    /// entry read it as text (see `State::texts`).
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
            .state
            .borrow()
            .texts
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
        let (start, len, oplen) = self.text(None)?;
        self.took(oplen, || Entry::Str { start, len })?;
        Ok(&self.s.input[start..start + len])
    }

    pub(crate) fn decode_py_str(self) -> Result<PyStr> {
        let (start, len, oplen) = self.text(Some("a str"))?;
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
        match op {
            Opcode::ShortBinBytes | Opcode::BinBytes | Opcode::BinBytes8 | Opcode::ByteArray8 => {
                let (arg, end) = s.arg_at(op, pos)?;
                let (start, len) = (arg.span().start, arg.span().len);
                // A bytearray is mutable: a later `GET` of it is not followed.
                let keep = op != Opcode::ByteArray8;
                self.took(end - pos, || {
                    if keep {
                        Entry::Bytes { start, len }
                    } else {
                        Entry::Other
                    }
                })?;
                Ok(&s.input[start..start + len])
            }
            op => match s.get_at(op)? {
                Some((Entry::Bytes { start, len }, oplen)) => {
                    self.took(oplen, || Entry::Bytes { start, len })?;
                    Ok(&s.input[start..start + len])
                }
                _ => Err(self.mismatch(&[Kind::Bytes, Kind::ByteArray, Kind::Buffer], "bytes")),
            },
        }
    }
}

/// An int from `LONG1`/`LONG4` bytes: an `i64` when it fits.
fn small_or_big(bytes: &[u8]) -> Int<'_> {
    if let Some(i) = i64_from_short_le(bytes) {
        return Int::Small(i);
    }
    match BigInt::from_signed_bytes_le(bytes).to_i64() {
        Some(i) => Int::Small(i),
        None => Int::Big(bytes),
    }
}
