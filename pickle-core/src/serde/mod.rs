//! Every `serde::Serialize` and `serde::Deserialize` type as a pickle (feature
//! `serde`).
//!
//! The [`Serializer`] writes through the crate's [`Pickler`], so the bytes
//! are what CPython's `pickle.dumps` writes for the equivalent Python data at
//! every protocol (memo, batches of 1000, 64 KiB frames included); the
//! [`Deserializer`] reads through the crate's readers, so strings and bytes
//! borrow from the input where they can, and nothing in the pickle is
//! imported or called.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Order<'a> {
//!     id: u64,
//!     customer: &'a str, // borrowed from the pickle
//!     tags: Vec<String>,
//! }
//!
//! let order = Order { id: 7, customer: "Ada", tags: vec!["gift".into()] };
//! let bytes = pickle_core::serde::to_vec(&order)?;
//! // pickle.dumps({'id': 7, 'customer': 'Ada', 'tags': ['gift']}, protocol=5)
//! assert_eq!(
//!     bytes,
//!     b"\x80\x05\x95.\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x02id\x94K\x07\
//!       \x8c\x08customer\x94\x8c\x03Ada\x94\x8c\x04tags\x94]\x94\x8c\x04gift\x94au."
//! );
//! let back: Order = pickle_core::serde::from_slice(&bytes)?;
//! assert_eq!(back, order);
//! # Ok::<(), pickle_core::Error>(())
//! ```
//!
//! # Mapping
//!
//! | serde | Python (written) | also read from |
//! |---|---|---|
//! | `bool` | `bool` | |
//! | `i8`...`i128`, `u8`...`u128` | `int` | |
//! | `f32`, `f64` | `float` | an `int` a double holds exactly |
//! | `char`, `str`, `String` | `str` | `bytes`, when the visitor takes them; Python 2 `str` per [`de::Options::string_encoding`](crate::de::Options::string_encoding) |
//! | bytes (`serde_bytes`) | `bytes` | `bytearray`, a protocol 5 buffer |
//! | `Option` | `None` or the value | |
//! | `()`, unit struct | `None` | |
//! | newtype struct | its value | |
//! | sequence (`Vec`, sets) | `list` | `tuple`, `set`, `frozenset`; `bytes` into a sequence of `u8` |
//! | tuple, tuple struct, array | `tuple` | a `list` of the same length |
//! | map, struct | `dict`, in order | a dict-like object filled by `SETITEM`s (`collections.OrderedDict`) |
//! | unit variant | `'Variant'` | `('Variant',)` |
//! | newtype variant | `{'Variant': value}` | `('Variant', value)` |
//! | tuple variant | `{'Variant': [a, b]}` | `('Variant', [a, b])`, either with a tuple |
//! | struct variant | `{'Variant': {'x': a}}` | `('Variant', {'x': a})` |
//!
//! Enums are written as serde-pickle writes them by default, and read in
//! both of its forms, so data written by one reads with the other.
//! Struct field names and variant names are written as Python interned
//! strings (fetched from the memo after their first use, as CPython writes
//! a dict whose keys are the same string object); other strings are new
//! objects each time.
//!
//! Reading is strict where leniency would lose data silently: an `int` too
//! large for the target, a `str` with a lone surrogate read as a Rust
//! string, a `dict` of more than one entry read as an enum, an object of a
//! Python class (a class is data only a type that names it may accept; use
//! [`object`] for those) are errors with the offset of the opcode and the
//! path to the value (`Order.items[3].price`).
//!
//! [`Value`](crate::Value) has its own mapping, lossless through any serde
//! format (see [`value`]), and a type with [`ToPickle`]/[`FromPickle`]
//! (derived classes) sits in a serde type through [`object`].
//!
//! [`Pickler`]: crate::Pickler

mod access;
pub mod compat;
mod compound;
mod de;
mod enums;
mod error;
pub mod object;
mod ser;
pub mod value;

use std::io::{Read, Write};

use ::serde::de::DeserializeOwned;
use ::serde::{Deserialize, Serialize};

pub use compound::Compound;
pub use de::Deserializer;
pub use ser::Serializer;

use crate::error::Result;
use crate::protocol::Protocol;
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{Decoder, FromPickle, Pickler, ToPickle};

/// A serde type as a [`ToPickle`] and [`FromPickle`] type: how to write and
/// read serde types with the crate's options, or to hold one in a derived
/// class (whose generated stub annotates it as `typing.Any`).
///
/// ```
/// use pickle_core::serde::Serde;
/// use pickle_core::{ser, Protocol};
///
/// let bytes = ser::Options::new().protocol(Protocol::V2).to_vec(&Serde(vec![(1, "a")]))?;
/// // pickle.dumps([(1, 'a')], protocol=2)
/// assert_eq!(bytes, b"\x80\x02]q\x00K\x01X\x01\x00\x00\x00aq\x01\x86q\x02a.");
/// let Serde(back): Serde<Vec<(i64, String)>> = pickle_core::from_slice(&bytes)?;
/// assert_eq!(back, [(1, "a".to_owned())]);
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Serde<T>(pub T);

impl<T: Serialize> ToPickle for Serde<T> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        self.0.serialize(Serializer::new(p))
    }
}

impl<T: DeserializeOwned> FromPickle for Serde<T> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        T::deserialize(Deserializer::new(d, &[])).map(Serde)
    }
}

impl<T> PyType for Serde<T> {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::any()
    }
}

/// Pickles `value` at protocol 5, as CPython pickles the equivalent data.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    crate::to_vec(&Serde(value))
}

/// Pickles `value` at `protocol`.
pub fn to_vec_with<T: Serialize + ?Sized>(value: &T, protocol: Protocol) -> Result<Vec<u8>> {
    crate::to_vec_with(&Serde(value), protocol)
}

/// Pickles `value` at protocol 5 into `writer`, each 64 KiB frame as it is done.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> Result<()> {
    crate::to_writer(writer, &Serde(value))
}

/// Reads a `T` from one pickle in `bytes`; its `&str` and `&[u8]` fields
/// borrow from `bytes` where the pickle holds them as they are (`str` as
/// UTF-8, `bytes`), and `Cow` fields borrow there too
/// (`#[serde(borrow)]`). Bytes after the pickle's `STOP` are ignored, as
/// `pickle.loads` ignores them.
pub fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T> {
    from_slice_with(bytes, &crate::de::Options::new())
}

/// [`from_slice`] with the reader's options (limits, Python 2 strings,
/// persistent ids, ...).
pub fn from_slice_with<'de, T: Deserialize<'de>>(
    bytes: &'de [u8],
    options: &crate::de::Options<'_>,
) -> Result<T> {
    options.from_slice_with(bytes, |d| T::deserialize(Deserializer::new(d, bytes)))
}

/// Reads a `T` from one pickle in `reader`, leaving the reader just after
/// the pickle (see [`crate::from_reader`]).
pub fn from_reader<R: Read, T: DeserializeOwned>(reader: R) -> Result<T> {
    from_reader_with(reader, &crate::de::Options::new())
}

/// [`from_reader`] with the reader's options.
pub fn from_reader_with<R: Read, T: DeserializeOwned>(
    reader: R,
    options: &crate::de::Options<'_>,
) -> Result<T> {
    options.from_reader_with(reader, |d| T::deserialize(Deserializer::new(d, &[])))
}
