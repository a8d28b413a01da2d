//! serde-pickle's `Serializer` and `Deserializer` types, for code that
//! drives them itself.

use std::io::{Read, Write};

use ::serde::de::{self, Visitor};
use ::serde::ser::{self, Serialize};

use super::{DeOptions, Lenient, SerOptions, Value};
use crate::error::{Error, ErrorKind, Result};
use crate::serde::Compound as NativeCompound;
use crate::serde::{Deserializer as Native, Serializer as NativeSerializer};
use crate::Pickler;

/// serde-pickle's `Serializer`: each value serialized into it is written
/// to the writer without the `PROTO` and `STOP` around it, as serde-pickle
/// writes it (its `to_writer` adds them); one memo serves every value.
pub struct Serializer<W: Write> {
    writer: W,
    pickler: Pickler<'static>,
    tuple_enums: bool,
}

impl<W: Write> Serializer<W> {
    /// A serializer into `writer`.
    pub fn new(writer: W, options: SerOptions) -> Serializer<W> {
        Serializer {
            writer,
            pickler: Pickler::unframed(options.protocol()),
            tuple_enums: options.compat_enum_repr,
        }
    }

    /// The writer.
    pub fn into_inner(self) -> W {
        self.writer
    }

    fn native(&mut self) -> NativeSerializer<'_, 'static> {
        let mut ser = NativeSerializer::new(&mut self.pickler);
        ser.tuple_enums = self.tuple_enums;
        ser
    }

    /// Writes a whole value with `write`, then sends it on.
    fn whole(
        &mut self,
        write: impl FnOnce(NativeSerializer<'_, 'static>) -> Result<()>,
    ) -> Result<()> {
        write(self.native())?;
        send(&mut self.writer, &mut self.pickler)
    }

    /// Starts a container with `begin`; its end sends it on.
    fn begin<'a>(
        &'a mut self,
        begin: impl FnOnce(NativeSerializer<'a, 'static>) -> Result<NativeCompound<'a, 'static>>,
    ) -> Result<Compound<'a, W>> {
        let mut ser = NativeSerializer::new(&mut self.pickler);
        ser.tuple_enums = self.tuple_enums;
        Ok(Compound {
            inner: begin(ser)?,
            writer: &mut self.writer,
        })
    }
}

/// Sends what `pickler` wrote to `writer`.
fn send<W: Write>(writer: &mut W, pickler: &mut Pickler<'static>) -> Result<()> {
    writer.write_all(&pickler.take_output()).map_err(Error::io)
}

/// A container being written by serde-pickle's `Serializer`.
pub struct Compound<'a, W: Write> {
    inner: NativeCompound<'a, 'static>,
    writer: &'a mut W,
}

impl<W: Write> Compound<'_, W> {
    fn end(self) -> Result<()> {
        let pickler = self.inner.finish()?;
        send(self.writer, pickler)
    }
}

macro_rules! whole {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method(self, $($arg: $ty),*) -> Result<()> {
            self.whole(|ser| ser::Serializer::$method(ser, $($arg),*))
        }
    )*};
}

macro_rules! begin {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method(self, $($arg: $ty),*) -> Result<Compound<'a, W>> {
            self.begin(|ser| ser::Serializer::$method(ser, $($arg),*))
        }
    )*};
}

impl<'a, W: Write> ser::Serializer for &'a mut Serializer<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    whole! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_i128(v: i128);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_u128(v: u128);
        serialize_f32(v: f32);
        serialize_f64(v: f64);
        serialize_char(v: char);
        serialize_str(v: &str);
        serialize_bytes(v: &[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        self.whole(|ser| ser::Serializer::serialize_some(ser, value))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        self.whole(|ser| ser::Serializer::serialize_newtype_struct(ser, name, value))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.whole(|ser| {
            ser::Serializer::serialize_newtype_variant(ser, name, index, variant, value)
        })
    }

    begin! {
        serialize_seq(len: Option<usize>);
        serialize_tuple(len: usize);
        serialize_tuple_struct(name: &'static str, len: usize);
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize);
        serialize_map(len: Option<usize>);
        serialize_struct(name: &'static str, len: usize);
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize);
    }
}

macro_rules! compound {
    ($($trait:ident::$method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        impl<W: Write> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, $($arg: $ty,)* value: &T) -> Result<()> {
                ser::$trait::$method(&mut self.inner, $($arg,)* value)
            }

            fn end(self) -> Result<()> {
                Compound::end(self)
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element();
    SerializeTuple::serialize_element();
    SerializeTupleStruct::serialize_field();
    SerializeTupleVariant::serialize_field();
    SerializeStruct::serialize_field(name: &'static str);
    SerializeStructVariant::serialize_field(name: &'static str);
}

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        ser::SerializeMap::serialize_key(&mut self.inner, key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeMap::serialize_value(&mut self.inner, value)
    }

    fn end(self) -> Result<()> {
        Compound::end(self)
    }
}

/// serde-pickle's `Deserializer`: each value deserialized from it is read
/// from the next pickle of the reader.
pub struct Deserializer<R: Read> {
    rdr: R,
    options: DeOptions,
}

impl<R: Read> Deserializer<R> {
    /// A deserializer of the pickles `rdr` holds.
    pub fn new(rdr: R, options: DeOptions) -> Deserializer<R> {
        Deserializer { rdr, options }
    }

    /// Does nothing: each pickle is read with a memo of its own, which is
    /// what serde-pickle's `reset_memo` is for.
    pub fn reset_memo(&mut self) {}

    /// Reads the [`Value`] of the next pickle.
    pub fn deserialize_value(&mut self) -> Result<Value> {
        let value: crate::Value = self.options.reader().from_reader(&mut self.rdr)?;
        Lenient::of(&self.options).to_compat(&value)
    }

    /// An error unless the reader is at its end.
    pub fn end(&mut self) -> Result<()> {
        check_drained(&mut self.rdr)
    }

    fn read<'de, T>(&mut self, read: impl FnOnce(Native<'de, '_>) -> Result<T>) -> Result<T> {
        let options = &self.options;
        options
            .reader()
            .from_reader_with(&mut self.rdr, |d| read(options.native(d)))
    }
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* v: V) -> Result<V::Value> {
            self.read(|de| de::Deserializer::$method(de, $($arg,)* v))
        }
    )*};
}

impl<'de, R: Read> de::Deserializer<'de> for &mut Deserializer<R> {
    type Error = Error;

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }
}

/// An error unless `rdr` is at its end, as serde-pickle checks after a pickle.
pub(super) fn check_drained<R: Read>(rdr: &mut R) -> Result<()> {
    let mut byte = [0u8];
    loop {
        return match rdr.read(&mut byte) {
            Ok(0) => Ok(()),
            Ok(_) => Err(trailing_bytes_here()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => Err(Error::io(e)),
        };
    }
}

/// The error for bytes after the one pickle, at `offset`.
pub(super) fn trailing_bytes(offset: usize) -> Error {
    trailing_bytes_here().with_offset(offset as u64)
}

fn trailing_bytes_here() -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        "trailing bytes after the pickle (serde-pickle's functions read one pickle and nothing more)",
    )
}
