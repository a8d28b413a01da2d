//! serde-pickle 1.x's API, over this crate: switch by changing one path.
//!
//! ```
//! use pickle_core::serde::compat as serde_pickle;
//!
//! let data = vec![(1, "one".to_owned())];
//! let bytes = serde_pickle::to_vec(&data, serde_pickle::SerOptions::new())?;
//! // pickle.dumps([(1, 'one')], protocol=3)
//! assert_eq!(bytes, b"\x80\x03]q\x00K\x01X\x03\x00\x00\x00oneq\x01\x86q\x02a.");
//! let back: Vec<(i64, String)> = serde_pickle::from_slice(&bytes, serde_pickle::DeOptions::new())?;
//! assert_eq!(back, data);
//! # Ok::<(), pickle_core::Error>(())
//! ```
//!
//! The functions, options and types have serde-pickle's names and
//! signatures, and its behaviour, except where this crate does better and
//! says so (see `docs/serde.md` for the whole list):
//!
//! - The bytes are what CPython's `pickle.dumps` writes for the same data
//!   at protocol 3 (or 2, with [`SerOptions::proto_v2`]): with the memo,
//!   so a repeated field name is written once, not every time.
//! - Errors are the crate's [`Error`](crate::Error) (a kind, the byte
//!   offset, the path to the value), not serde-pickle's `Error` enum.
//! - Reading is this crate's reader: every protocol, strict limits, and
//!   dict-like objects (`collections.OrderedDict`) read as dicts.
//!
//! For protocol 5, zero-copy strings and the crate's own options, use
//! [`pickle_core::serde`](super) itself.

mod convert;
mod io;
pub mod value;

use std::borrow::Borrow;
use std::io::{Read, Write};

use ::serde::{Deserialize, Serialize};

pub(crate) use convert::Lenient;
pub use io::{Compound, Deserializer, Serializer};
pub use value::{HashableValue, Value};

use super::Deserializer as Native;
use crate::de::StringEncoding;
use crate::protocol::Protocol;
use crate::{Pickler, ToPickle};

/// The crate's error (serde-pickle's `Error` is an enum of its own).
pub type Error = crate::Error;

/// The protocols serde-pickle writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PickleProto {
    /// Protocol 2 (Python 2 and 3).
    V2,
    /// Protocol 3 (Python 3 only), the default.
    #[default]
    V3,
}

/// Options for writing, as serde-pickle's `SerOptions`.
#[derive(Clone, Debug, Default)]
pub struct SerOptions {
    proto: PickleProto,
    compat_enum_repr: bool,
}

impl SerOptions {
    /// Protocol 3, enums as `'Variant'` and `{'Variant': data}`.
    pub fn new() -> SerOptions {
        SerOptions::default()
    }

    /// Writes protocol 2.
    pub fn proto_v2(mut self) -> SerOptions {
        self.proto = PickleProto::V2;
        self
    }

    /// Writes enums as serde-pickle wrote them before 0.6: `('Variant',)`
    /// and `('Variant', data)`.
    pub fn compat_enum_repr(mut self) -> SerOptions {
        self.compat_enum_repr = true;
        self
    }

    fn protocol(&self) -> Protocol {
        match self.proto {
            PickleProto::V2 => Protocol::V2,
            PickleProto::V3 => Protocol::V3,
        }
    }
}

/// Options for reading, as serde-pickle's `DeOptions`.
#[derive(Clone, Debug, Default)]
pub struct DeOptions {
    decode_strings: bool,
    keep_restore_state: bool,
    replace_unresolved_globals: bool,
    replace_recursive_structures: bool,
}

impl DeOptions {
    /// Python 2 strings as bytes; objects as their state or an empty dict;
    /// globals not called and cycles are errors.
    pub fn new() -> DeOptions {
        DeOptions::default()
    }

    /// Reads Python 2 strings (`STRING` opcodes) as UTF-8 text.
    pub fn decode_strings(mut self) -> DeOptions {
        self.decode_strings = true;
        self
    }

    /// Reads an object of a Python class that has no state as the
    /// arguments it was made with, instead of an empty dict.
    pub fn keep_restore_state(mut self) -> DeOptions {
        self.keep_restore_state = true;
        self
    }

    /// Reads a global that is not called as `None` instead of failing.
    pub fn replace_unresolved_globals(mut self) -> DeOptions {
        self.replace_unresolved_globals = true;
        self
    }

    /// Reads a reference back into an object being read (a cycle) as
    /// `None` instead of failing.
    pub fn replace_recursive_structures(mut self) -> DeOptions {
        self.replace_recursive_structures = true;
        self
    }

    /// The reader's options.
    fn reader(&self) -> crate::de::Options<'static> {
        crate::de::Options::new().string_encoding(if self.decode_strings {
            StringEncoding::Utf8
        } else {
            StringEncoding::Bytes
        })
    }

    fn native<'de, 'a>(&self, d: crate::Decoder<'a>) -> Native<'de, 'a> {
        let mut de = Native::new(d, &[]);
        de.lenient = Some(Lenient::of(self));
        de
    }
}

/// A serde value written with serde-pickle's options.
struct Compat<'a, T: ?Sized> {
    value: &'a T,
    tuple_enums: bool,
}

impl<T: Serialize + ?Sized> ToPickle for Compat<'_, T> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let mut ser = super::Serializer::new(p);
        ser.tuple_enums = self.tuple_enums;
        self.value.serialize(ser)
    }
}

/// Pickles `value` as serde-pickle's `to_vec` does, in CPython's bytes.
pub fn to_vec<T: Serialize + ?Sized>(value: &T, options: SerOptions) -> Result<Vec<u8>> {
    let compat = Compat {
        value,
        tuple_enums: options.compat_enum_repr,
    };
    crate::to_vec_with(&compat, options.protocol())
}

/// Pickles `value` into `writer`, as serde-pickle's `to_writer` does.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(
    writer: &mut W,
    value: &T,
    options: SerOptions,
) -> Result<()> {
    let compat = Compat {
        value,
        tuple_enums: options.compat_enum_repr,
    };
    crate::ser::Options::new()
        .protocol(options.protocol())
        .to_writer(writer, &compat)
}

/// Pickles a [`Value`] (dicts and sets in their sorted order).
pub fn value_to_vec(value: &Value, options: SerOptions) -> Result<Vec<u8>> {
    crate::to_vec_with(&crate::Value::from(value), options.protocol())
}

/// Pickles a [`Value`] into `writer`.
pub fn value_to_writer<W: Write>(writer: &mut W, value: &Value, options: SerOptions) -> Result<()> {
    crate::ser::Options::new()
        .protocol(options.protocol())
        .to_writer(writer, &crate::Value::from(value))
}

/// Reads a `T` from `v`, which must hold one pickle and nothing after it.
pub fn from_slice<'de, T: Deserialize<'de>>(v: &[u8], options: DeOptions) -> Result<T> {
    check_ends(v)?;
    if options.replace_recursive_structures {
        // Cycles are cut where serde-pickle's values cut them.
        return from_value(value_from_slice(v, options)?);
    }
    options
        .reader()
        .from_slice_with(v, |d| T::deserialize(options.native(d)))
}

/// Reads a `T` from the one pickle `rdr` holds (bytes after it are an error).
pub fn from_reader<'de, R: Read, T: Deserialize<'de>>(mut rdr: R, options: DeOptions) -> Result<T> {
    if options.replace_recursive_structures {
        return from_value(value_from_reader(rdr, options)?);
    }
    let value = options
        .reader()
        .from_reader_with(&mut rdr, |d| T::deserialize(options.native(d)))?;
    io::check_drained(&mut rdr)?;
    Ok(value)
}

/// Reads a `T` from bytes given one at a time (serde-pickle takes the
/// items of `iter-read`; this takes any bytes or references to bytes).
pub fn from_iter<'de, I, T>(it: I, options: DeOptions) -> Result<T>
where
    I: IntoIterator,
    I::Item: Borrow<u8>,
    T: Deserialize<'de>,
{
    let bytes: Vec<u8> = it.into_iter().map(|b| *b.borrow()).collect();
    from_slice(&bytes, options)
}

/// Reads the [`Value`] of the one pickle in `v`.
pub fn value_from_slice(v: &[u8], options: DeOptions) -> Result<Value> {
    check_ends(v)?;
    let value: crate::Value = options.reader().from_slice(v)?;
    Lenient::of(&options).to_compat(&value)
}

/// Reads the [`Value`] of the one pickle `rdr` holds.
pub fn value_from_reader<R: Read>(mut rdr: R, options: DeOptions) -> Result<Value> {
    let value: crate::Value = options.reader().from_reader(&mut rdr)?;
    io::check_drained(&mut rdr)?;
    Lenient::of(&options).to_compat(&value)
}

/// Reads the [`Value`] of bytes given one at a time.
pub fn value_from_iter<I>(it: I, options: DeOptions) -> Result<Value>
where
    I: IntoIterator,
    I::Item: Borrow<u8>,
{
    let bytes: Vec<u8> = it.into_iter().map(|b| *b.borrow()).collect();
    value_from_slice(&bytes, options)
}

/// The [`Value`] `value` serializes to (what reading its pickle gives).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    value_from_slice(&to_vec(value, SerOptions::new())?, DeOptions::new())
}

/// Reads a `T` from a [`Value`] (as from its pickle).
pub fn from_value<'de, T: Deserialize<'de>>(value: Value) -> Result<T> {
    let bytes = value_to_vec(&value, SerOptions::new())?;
    crate::de::Options::new().from_slice_with(&bytes, |d| T::deserialize(Native::new(d, &[])))
}

/// An error if `v` holds more than one pickle.
fn check_ends(v: &[u8]) -> Result<()> {
    match crate::de::pickle_len(v) {
        Some(end) if end < v.len() => Err(io::trailing_bytes(end)),
        _ => Ok(()),
    }
}

/// serde-pickle's `ser` module.
pub mod ser {
    pub use super::{
        to_vec, to_writer, value_to_vec, value_to_writer, PickleProto, SerOptions, Serializer,
    };
}

/// serde-pickle's `de` module.
pub mod de {
    pub use super::{
        from_iter, from_reader, from_slice, value_from_iter, value_from_reader, value_from_slice,
        DeOptions, Deserializer,
    };
}

/// serde-pickle's `error` module: the crate's error.
pub mod error {
    pub use super::{Error, Result};
}

/// The result of the compatibility functions.
pub type Result<T> = crate::error::Result<T>;
