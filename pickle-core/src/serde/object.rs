//! A [`ToPickle`]/[`FromPickle`] type (a derived class, a
//! [`Value`]) inside a serde type: `#[serde(with = "pickle_core::serde::object")]`.
//!
//! Through this crate's [`Serializer`] and
//! [`Deserializer`](super::Deserializer) the field is written and read by
//! its own `to_pickle` and `from_pickle`, in the same pickle (one memo, one
//! framing), so a derived class is a real instance of its Python class
//! inside the serde type's dicts and lists, and a type can move from serde
//! to the derive one at a time:
//!
//! ```
//! use pickle_core::{FromPickle, ToPickle};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(ToPickle, FromPickle, Debug, PartialEq)]
//! #[pickle(module = "shop.models")]
//! struct Item {
//!     sku: String,
//! }
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Basket {
//!     owner: String,
//!     #[serde(with = "pickle_core::serde::object")]
//!     items: Vec<Item>,
//! }
//!
//! let basket = Basket { owner: "Ada".into(), items: vec![Item { sku: "A1".into() }] };
//! let bytes = pickle_core::serde::to_vec(&basket)?;
//! // {'owner': 'Ada', 'items': [shop.models.Item(sku='A1')]} in Python
//! assert!(pickle_core::dis(&bytes)?.contains("STACK_GLOBAL"));
//! assert_eq!(pickle_core::serde::from_slice::<Basket>(&bytes)?, basket);
//! # Ok::<(), pickle_core::Error>(())
//! ```
//!
//! Through other serde formats (JSON, ...) the field is the
//! [`Value`]'s serde form of what its `to_pickle` writes (see
//! [`value`](super::value)), and reads back from it. Inside a type that
//! serde buffers before it reads it (`#[serde(flatten)]`, untagged and
//! internally tagged enums) the adapter cannot read: serde reads the
//! buffered data first, as plain data, and an object of a class is not
//! that (an error names it).
//!
//! # How it works
//!
//! serde lets a format see only serde's data model, so the adapter passes
//! the writer and the reader through a thread-local: the [`Serializer`],
//! meeting the adapter's private newtype name, parks the pickle being
//! written there for the field's `to_pickle` to continue; for reading, the
//! adapter leaves its `from_pickle` there for the
//! [`Deserializer`](super::Deserializer) to run on the object at hand.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use ::serde::de::{self, Visitor};
use ::serde::ser::{self, Serialize};

use super::ser::Serializer;
use crate::de::Decoder;
use crate::error::{Error, ErrorKind, Result};
use crate::{FromPickle, Pickler, ToPickle, Value};

/// The newtype name by which the adapter tells this crate's serializer and
/// deserializer that a [`ToPickle`]/[`FromPickle`] value is at hand.
pub(crate) const TOKEN: &str = "$pickle_core::serde::object";

/// What [`Serializer`] parks for the field's `to_pickle`.
struct Parked {
    pickler: Pickler<'static>,
    /// The error the field's `to_pickle` returned.
    error: Option<Error>,
}

/// Reads the object at hand as the requesting type, boxed.
type Request = Box<dyn for<'a> FnOnce(Decoder<'a>) -> Result<Box<dyn Any>>>;

thread_local! {
    static PARKED: Cell<Option<Parked>> = const { Cell::new(None) };
    static REQUEST: Cell<Option<Request>> = const { Cell::new(None) };
    static ANSWER: Cell<Option<Box<dyn Any>>> = const { Cell::new(None) };
}

/// Writes `value` with its own [`ToPickle`] implementation; for
/// `#[serde(with = "pickle_core::serde::object")]`.
pub fn serialize<T, S>(value: &T, serializer: S) -> std::result::Result<S::Ok, S::Error>
where
    T: ToPickle + ?Sized,
    S: ser::Serializer,
{
    serializer.serialize_newtype_struct(TOKEN, &ObjectPayload(value))
}

/// Reads a `T` with its own [`FromPickle`] implementation; for
/// `#[serde(with = "pickle_core::serde::object")]`.
pub fn deserialize<'de, T, D>(deserializer: D) -> std::result::Result<T, D::Error>
where
    T: FromPickle + 'static,
    D: de::Deserializer<'de>,
{
    let read: Request = Box::new(|d| T::from_pickle(d).map(|v| Box::new(v) as Box<dyn Any>));
    ask(read, deserializer, ObjectVisitor::<T>(PhantomData))
}

/// Leaves `read` for this crate's deserializer, then lets `deserializer`
/// answer `visitor` (which takes the answer, if any).
pub(crate) fn ask<'de, D, V>(
    read: Request,
    deserializer: D,
    visitor: V,
) -> std::result::Result<V::Value, D::Error>
where
    D: de::Deserializer<'de>,
    V: Visitor<'de>,
{
    REQUEST.with(|slot| slot.set(Some(read)));
    let result = deserializer.deserialize_newtype_struct(TOKEN, visitor);
    // A request no reader took (another format) must not wait for the next.
    REQUEST.with(Cell::take);
    result
}

/// For this crate's deserializer, at the adapter's newtype: runs the
/// waiting request on `d` and leaves its answer for the visitor; `false`
/// if there is no request.
pub(crate) fn answer(d: Decoder<'_>) -> Result<bool> {
    let Some(read) = REQUEST.with(Cell::take) else {
        return Ok(false);
    };
    let value = read(d)?;
    ANSWER.with(|slot| slot.set(Some(value)));
    Ok(true)
}

/// Drops an answer the visitor did not take.
pub(crate) fn forget_answer() {
    ANSWER.with(Cell::take);
}

/// The answer left by [`answer`], if it is a `T`.
pub(crate) fn take_answer<T: 'static>() -> Option<T> {
    let answer = ANSWER.with(Cell::take)?;
    answer.downcast::<T>().ok().map(|b| *b)
}

/// For this crate's serializer, at the adapter's newtype: parks the
/// pickle, lets `value` (the adapter's payload) write into it, and takes
/// it back.
pub(crate) fn write<T: Serialize + ?Sized>(ser: Serializer<'_, '_>, value: &T) -> Result<()> {
    let pickler = ser.p.park();
    PARKED.with(|slot| {
        slot.set(Some(Parked {
            pickler,
            error: None,
        }))
    });
    let probed = value.serialize(Probe);
    let Some(parked) = PARKED.with(Cell::take) else {
        // Only a payload that panicked midway could have kept it.
        return Err(misuse());
    };
    ser.p.unpark(parked.pickler);
    match parked.error {
        Some(error) => Err(error),
        None => probed,
    }
}

/// Writes `value` into the parked pickle, if one is parked.
fn write_parked<T: ToPickle + ?Sized>(value: &T) -> bool {
    let Some(mut parked) = PARKED.with(Cell::take) else {
        return false;
    };
    parked.error = value.to_pickle(&mut parked.pickler).err();
    PARKED.with(|slot| slot.set(Some(parked)));
    true
}

/// What the adapter hands the serializer.
struct ObjectPayload<'a, T: ?Sized>(&'a T);

impl<T: ToPickle + ?Sized> Serialize for ObjectPayload<'_, T> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if write_parked(self.0) {
            return s.serialize_unit();
        }
        // Another format: the value as the `Value` it pickles to.
        let value = value_of(self.0).map_err(ser::Error::custom)?;
        super::value::serialize(&value, s)
    }
}

/// Writes a [`Value`] as [`serialize`] writes a `ToPickle` value, with the
/// `Value`'s own serde form for other formats.
pub(crate) fn serialize_value<S: ser::Serializer>(
    value: &Value,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_newtype_struct(TOKEN, &ValuePayload(value))
}

struct ValuePayload<'a>(&'a Value);

impl Serialize for ValuePayload<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if write_parked(self.0) {
            return s.serialize_unit();
        }
        super::value::serialize(self.0, s)
    }
}

/// The value `value` pickles to.
fn value_of<T: ToPickle + ?Sized>(value: &T) -> Result<Value> {
    crate::from_slice(&crate::to_vec(value)?)
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromPickle + 'static> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a pickled object")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<T, E> {
        take_answer::<T>().ok_or_else(|| E::custom(misuse()))
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<T, D::Error> {
        // Another format: the `Value` the object was written as.
        let value: Value = de::Deserialize::deserialize(d)?;
        let bytes = crate::to_vec(&value).map_err(de::Error::custom)?;
        crate::from_slice(&bytes).map_err(de::Error::custom)
    }
}

fn misuse() -> Error {
    Error::new(
        ErrorKind::Custom,
        "the object adapter's payload was not written or read by its own serializer",
    )
}

/// The serializer the payload is handed in this crate's serializer: it
/// accepts the payload's "done" (a unit), nothing else.
struct Probe;

macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<()> {
            Err(misuse())
        }
    )*};
}

impl ser::Serializer for Probe {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_unit(self) -> Result<()> {
        Ok(())
    }

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<()> {
        Err(misuse())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<()> {
        Err(misuse())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        Err(misuse())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(misuse())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(misuse())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(misuse())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(misuse())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(misuse())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(misuse())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(misuse())
    }
}
