//! The [`Deserializer`]: serde's data model read from a [`Decoder`].

use ::serde::de::{self, IntoDeserializer, Visitor};

use super::access::{MapAccess, SeqAccess};
use super::compat::Lenient;
use super::enums::EnumAccess;
use super::object;
use crate::de::borrow::{reborrow, reborrow_str};
use crate::de::{Decoder, Kind};
use crate::error::{Error, ErrorKind, Result};
use crate::Value;

/// Reads serde's data model from one object of a pickle (see the
/// [module's mapping](super#mapping)).
///
/// [`from_slice`](super::from_slice) and its siblings make one; make one
/// yourself to read a serde value inside a hand-written
/// [`FromPickle`](crate::FromPickle) implementation. Strings and bytes
/// borrow (with lifetime `'de`) from `input` where they lie in it, which
/// they do when the decoder reads `input`; pass `&[]` to borrow nothing.
///
/// ```
/// use std::collections::BTreeMap;
///
/// use pickle_core::serde::Deserializer;
/// use pickle_core::{Decoder, FromPickle, Result};
/// use serde::Deserialize;
///
/// struct Counts(BTreeMap<String, i32>);
///
/// impl FromPickle for Counts {
///     fn from_pickle(d: Decoder<'_>) -> Result<Self> {
///         BTreeMap::deserialize(Deserializer::new(d, &[])).map(Counts)
///     }
/// }
///
/// // pickle.dumps({'a': 1}, protocol=2)
/// let counts: Counts = pickle_core::from_slice(b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s.")?;
/// assert_eq!(counts.0["a"], 1);
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Deserializer<'de, 'a> {
    pub(super) d: Decoder<'a>,
    input: &'de [u8],
    /// serde-pickle's leniencies, for its compatibility module.
    pub(super) lenient: Option<Lenient>,
}

impl<'de, 'a> Deserializer<'de, 'a> {
    /// A deserializer of the object `d` stands for, borrowing from `input`.
    pub fn new(d: Decoder<'a>, input: &'de [u8]) -> Deserializer<'de, 'a> {
        Deserializer {
            d,
            input,
            lenient: None,
        }
    }

    /// A deserializer of another object of the same pickle.
    #[inline]
    pub(super) fn at(&self, d: Decoder<'a>) -> Deserializer<'de, 'a> {
        Deserializer { d, ..*self }
    }

    /// Runs `read`, giving its error this object's offset unless it has an
    /// inner one. On the streaming reader an error gives up at once, so
    /// that no value comes of that run: the bridge reads one form and falls
    /// back to another, which that reader cannot always tell apart (a
    /// `bytes` read as a `str`, an enum's two forms).
    #[inline]
    fn here<T>(self, read: impl FnOnce(Self) -> Result<T>) -> Result<T> {
        let d = self.d;
        read(self).map_err(|e| d.or_give_up(e).with_offset(d.offset()))
    }

    fn any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.d.kind() {
            Kind::None => {
                self.d.decode_none()?;
                v.visit_unit()
            }
            Kind::Bool => v.visit_bool(self.d.decode_bool()?),
            Kind::Int => self.int(v, true),
            Kind::Float => v.visit_f64(self.d.decode_f64()?),
            Kind::Str => self.text(v, true),
            Kind::Bytes | Kind::ByteArray | Kind::Buffer => self.bytes(v, true),
            Kind::List | Kind::Tuple | Kind::Set | Kind::FrozenSet => {
                SeqAccess::visit(self, self.d.seq()?, v)
            }
            Kind::Dict => MapAccess::visit(self, self.d.map()?, false, v),
            Kind::Global | Kind::Object | Kind::PersistentId => self.foreign(v),
        }
    }

    /// An `int`: as an `i64` when it fits, else as the widest serde
    /// integer it fits; for a target of at most 64 bits (`wide` false),
    /// one beyond 64 bits is an error here.
    fn int<V: Visitor<'de>>(self, v: V, wide: bool) -> Result<V::Value> {
        if let Ok(i) = self.d.decode_i64() {
            return v.visit_i64(i);
        }
        let big = self.d.decode_big_int()?;
        let too_large = || {
            self.d.error(
                ErrorKind::OutOfRange,
                format!(
                    "integer {big} does not fit in {} bits",
                    if wide { 128 } else { 64 }
                ),
            )
        };
        if let Some(u) = big.to_u128() {
            return match u64::try_from(u) {
                Ok(u) => v.visit_u64(u),
                Err(_) if wide => v.visit_u128(u),
                Err(_) => Err(too_large()),
            };
        }
        match big.to_i128() {
            Some(i) if wide => v.visit_i128(i),
            _ => Err(too_large()),
        }
    }

    /// A `str`, borrowed from the input when `borrow` and it lies there.
    fn text<V: Visitor<'de>>(self, v: V, borrow: bool) -> Result<V::Value> {
        let text = self.d.decode_str()?;
        match borrow.then(|| reborrow_str(self.input, text)).flatten() {
            Some(text) => v.visit_borrowed_str(text),
            None => v.visit_str(text),
        }
    }

    /// A `str` (borrowed when `borrow` and it lies in the input), or, for
    /// anything else, what [`Deserializer::any`] makes of it. The text is
    /// read first, without asking for the kind, which the reader would
    /// otherwise find out twice (as for a memo `GET` of the text).
    #[inline(always)]
    fn str_or_any<V: Visitor<'de>>(self, v: V, borrow: bool) -> Result<V::Value> {
        let text = match self.d.decode_str() {
            Ok(text) => text,
            // The streaming reader gives up at once; the general reader
            // tells a `str` it refuses (a lone surrogate) from the rest.
            Err(e) if self.d.is_stream() || self.d.kind() == Kind::Str => return Err(e),
            Err(_) => return self.any(v),
        };
        match borrow.then(|| reborrow_str(self.input, text)).flatten() {
            Some(text) => v.visit_borrowed_str(text),
            None => v.visit_str(text),
        }
    }

    /// A `bytes`, `bytearray` or buffer, borrowed when `borrow` and it lies
    /// in the input.
    fn bytes<V: Visitor<'de>>(self, v: V, borrow: bool) -> Result<V::Value> {
        let bytes = self.d.decode_bytes()?;
        match borrow.then(|| reborrow(self.input, bytes)).flatten() {
            Some(bytes) => v.visit_borrowed_bytes(bytes),
            None => v.visit_bytes(bytes),
        }
    }

    /// A global, an object built by a call, or a persistent id: an error,
    /// unless serde-pickle's leniency stands them in by plain data.
    fn foreign<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        let Some(lenient) = self.lenient else {
            return Err(self
                .d
                .type_error("plain data (a serde type names no Python class)"));
        };
        let plain = lenient.stand_in(self.d.to_value()?)?;
        self.read_value(&plain, v)
    }

    /// Reads `value` (plain data) as this deserializer would read it from
    /// a pickle: from its pickle, by the general reader, borrowing nothing.
    fn read_value<V: Visitor<'de>>(self, value: &Value, v: V) -> Result<V::Value> {
        let bytes = crate::to_vec(value)?;
        crate::de::Options::new().decode_general(&bytes, |d| {
            de::Deserializer::deserialize_any(
                Deserializer {
                    d,
                    input: &[],
                    lenient: self.lenient,
                },
                v,
            )
        })
    }

    /// Whether a `dict`-like object (built by a call, filled by `SETITEM`s)
    /// reads as a map: `collections.OrderedDict` and `defaultdict`, whose
    /// entries are all their data.
    fn is_dict_like(&self) -> bool {
        self.d.class().is_some_and(|c| {
            c.is("collections", "OrderedDict") || c.is("collections", "defaultdict")
        })
    }

    fn map<V: Visitor<'de>>(self, v: V, fields: bool) -> Result<V::Value> {
        match self.d.kind() {
            Kind::Dict => MapAccess::visit(self, self.d.map()?, fields, v),
            Kind::Object if !self.d.is_stream() && self.is_dict_like() => {
                MapAccess::visit(self, self.d.map()?, fields, v)
            }
            _ => self.any(v),
        }
    }

    /// The items of the value, which an unread value may not skip in the
    /// streaming reader.
    fn skip(self) -> Result<()> {
        match self.d.kind() {
            Kind::None => self.d.decode_none(),
            Kind::Bool => self.d.decode_bool().map(drop),
            Kind::Int => self.d.decode_big_int().map(drop),
            Kind::Float => self.d.decode_f64().map(drop),
            Kind::Str => self.d.decode_py_str().map(drop),
            Kind::Bytes | Kind::ByteArray | Kind::Buffer => self.d.decode_bytes().map(drop),
            Kind::List | Kind::Tuple | Kind::Set | Kind::FrozenSet => {
                let mut seq = self.d.seq()?;
                while let Some(item) = seq.next_item()? {
                    self.at(item).skip()?;
                }
                Ok(())
            }
            Kind::Dict => {
                let mut map = self.d.map()?;
                while let Some((key, value)) = map.next_entry()? {
                    self.at(key).skip()?;
                    self.at(value).skip()?;
                }
                Ok(())
            }
            // The streaming reader gives up on these; the general reader
            // needs no skipping.
            Kind::Global | Kind::Object | Kind::PersistentId => {
                Err(self.d.error(ErrorKind::Type, "not skipped"))
            }
        }
    }
}

impl<'de> de::Deserializer<'de> for Deserializer<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| de.any(v))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| match de.d.kind() {
            Kind::Bool => v.visit_bool(de.d.decode_bool()?),
            _ => de.any(v),
        })
    }

    fn deserialize_i8<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    /// An `i128` or `u128`.
    fn deserialize_i128<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| match de.d.kind() {
            Kind::Int => de.int(v, true),
            _ => de.any(v),
        })
    }

    fn deserialize_u128<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i128(v)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    #[inline]
    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| match de.d.kind() {
            Kind::Int => de.int(v, false),
            _ => de.any(v),
        })
    }

    fn deserialize_u8<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_i64(v)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_f64(v)
    }

    #[inline]
    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| match de.d.kind() {
            // An int a double holds exactly reads as a float, as for `f64`.
            Kind::Float | Kind::Int => v.visit_f64(de.d.decode_f64()?),
            _ => de.any(v),
        })
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_string(v)
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| de.str_or_any(v, true))
    }

    /// Owned text: the visitor copies it, so it is not looked for in the
    /// input.
    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| de.str_or_any(v, false))
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| match de.d.kind() {
            Kind::Bytes | Kind::ByteArray | Kind::Buffer => de.bytes(v, true),
            _ => de.any(v),
        })
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| match de.d.kind() {
            Kind::Bytes | Kind::ByteArray | Kind::Buffer => de.bytes(v, false),
            _ => de.any(v),
        })
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        if self.d.is_none() {
            return self.here(|de| {
                de.d.decode_none()?;
                v.visit_none()
            });
        }
        v.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| match de.d.kind() {
            Kind::None => {
                de.d.decode_none()?;
                v.visit_unit()
            }
            _ => de.any(v),
        })
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        if name == object::TOKEN {
            return self.here(|de| {
                if !object::answer(de.d)? {
                    return v.visit_newtype_struct(de);
                }
                let result = v.visit_unit();
                object::forget_answer();
                result
            });
        }
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| {
            if de.d.is_stream() {
                // The first opcode of a tuple is its first item's: no kind
                // to look at; what is no sequence makes the reader give up.
                return SeqAccess::visit(de, de.d.seq()?, v);
            }
            match de.d.kind() {
                Kind::List | Kind::Tuple | Kind::Set | Kind::FrozenSet => {
                    SeqAccess::visit(de, de.d.seq()?, v)
                }
                // `bytes` as the sequence of its byte values.
                Kind::Bytes | Kind::ByteArray | Kind::Buffer => {
                    let bytes = de.d.decode_bytes()?;
                    let items = bytes.iter().copied().map(u8::into_deserializer);
                    de::value::SeqDeserializer::<_, Error>::new(items).deserialize_any(v)
                }
                _ => de.any(v),
            }
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value> {
        self.here(|de| SeqAccess::visit(de, de.d.fixed_seq(len)?, v))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| de.map(v, false))
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        self.here(|de| de.map(v, true)).map_err(|e| e.in_type(name))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        self.here(|de| v.visit_enum(EnumAccess::new(de)))
            .map_err(|e| e.in_type(name))
    }

    /// A field or variant name: matched, not kept, so not looked for in
    /// the input.
    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.here(|de| de.str_or_any(v, false))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        if self.d.is_stream() {
            self.here(Deserializer::skip)?;
        }
        v.visit_unit()
    }
}
