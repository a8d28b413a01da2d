//! [`Compound`]: a list, tuple, dict or struct that the [`Serializer`]
//! writes item by item.

use ::serde::ser::{self, Serialize};

use super::ser::Serializer;
use crate::error::{Error, ErrorKind, Result};
use crate::Pickler;

/// What encloses a container: nothing, or the dict or tuple of an enum
/// variant whose data it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outer {
    None = 0,
    /// A dict written as one batch.
    Dict = 1,
    /// A dict whose batch the pickler keeps (protocol 0).
    DictBatches = 2,
    Tuple = 3,
}

/// Which container a [`Compound`] writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A list of one batch.
    OneList = 0,
    /// A dict of one batch.
    OneDict = 1,
    /// A list or dict whose batches the pickler keeps.
    Batches = 2,
    Tuple = 3,
}

/// Everything a [`Compound`] knows but its pickler, in one word, so that a
/// `Compound` is two words, passed and returned in registers (copied through
/// memory field by field, a `Compound` of a few more fields stalled the
/// processor at every end of a struct): the items written (low 32 bits), the
/// length (24 bits above), then the [`Shape`], the [`Outer`] and whether
/// enums are serde-pickle's compat ones.
#[derive(Clone, Copy)]
pub(crate) struct Form(u64);

/// The longest tuple a [`Form`] counts (a list or dict of one batch is
/// shorter than 1000).
const MAX_TUPLE: usize = (1 << 24) - 1;

impl Form {
    #[inline(always)]
    pub(crate) fn new(shape: Shape, len: usize, outer: Outer, tuple_enums: bool) -> Result<Form> {
        if len > MAX_TUPLE {
            return Err(too_long(len));
        }
        let flags = shape as u64 | (outer as u64) << 2 | u64::from(tuple_enums) << 4;
        Ok(Form((len as u64) << 32 | flags << 56))
    }

    #[inline(always)]
    fn done(self) -> usize {
        (self.0 & 0xffff_ffff) as usize
    }

    #[inline(always)]
    fn len(self) -> usize {
        (self.0 >> 32 & 0xff_ffff) as usize
    }

    #[inline(always)]
    fn shape(self) -> Shape {
        match self.0 >> 56 & 3 {
            0 => Shape::OneList,
            1 => Shape::OneDict,
            2 => Shape::Batches,
            _ => Shape::Tuple,
        }
    }

    #[inline(always)]
    fn outer(self) -> Outer {
        match self.0 >> 58 & 3 {
            0 => Outer::None,
            1 => Outer::Dict,
            2 => Outer::DictBatches,
            _ => Outer::Tuple,
        }
    }

    /// Whether the shape is [`Shape::Batches`] or [`Shape::Tuple`] (whose
    /// items need more than counting), in one test.
    #[inline(always)]
    fn special(self) -> bool {
        self.0 & 1 << 57 != 0
    }

    #[inline(always)]
    fn tuple_enums(self) -> bool {
        self.0 >> 60 & 1 == 1
    }

    /// Counts an item (the length is checked at the end, and before an
    /// item of a tuple, so the count never reaches the bits above it).
    #[inline(always)]
    fn count(&mut self) {
        self.0 += 1;
    }
}

/// A list, tuple, dict or struct being written, item by item; for a
/// variant's data, with what encloses it.
pub struct Compound<'p, 'w> {
    p: &'p mut Pickler<'w>,
    form: Form,
}

impl<'p, 'w> Compound<'p, 'w> {
    /// A container being written into `p`, as `form` says.
    #[inline(always)]
    pub(crate) fn new(p: &'p mut Pickler<'w>, form: Form) -> Compound<'p, 'w> {
        Compound { p, form }
    }

    /// The serializer of an item.
    #[inline(always)]
    fn ser(&mut self) -> Serializer<'_, 'w> {
        Serializer {
            p: self.p,
            tuple_enums: self.form.tuple_enums(),
        }
    }

    #[inline]
    fn end(self) -> Result<()> {
        self.finish().map(drop)
    }

    /// Ends the container (and the variant around it), handing back the
    /// pickler.
    #[inline(always)]
    pub(crate) fn finish(self) -> Result<&'p mut Pickler<'w>> {
        let Compound { p, form } = self;
        let (len, done) = (form.len(), form.done());
        match form.shape() {
            Shape::OneList => p.end_one(false, len, done)?,
            Shape::OneDict => p.end_one(true, len, done)?,
            Shape::Batches => p.end_open()?,
            Shape::Tuple => {
                if done != len {
                    return Err(wrong_length(len, done));
                }
                p.end_tuple(len)?;
            }
        }
        let mut ser = Serializer {
            p,
            tuple_enums: form.tuple_enums(),
        };
        ser.end_variant(form.outer())?;
        Ok(ser.p)
    }

    /// Before an item, or a key and its value: nothing for a list or dict
    /// of one batch (tested in line), else what its shape needs.
    #[inline(always)]
    fn start(&mut self) -> Result<()> {
        if !self.form.special() {
            return Ok(());
        }
        match self.form.shape() {
            Shape::Batches => self.p.open_item_start(),
            _ if self.form.done() == self.form.len() => {
                Err(wrong_length(self.form.len(), self.form.done() + 1))
            }
            _ => Ok(()),
        }
    }

    /// After an item, or a key and its value.
    #[inline(always)]
    fn stop(&mut self) -> Result<()> {
        self.form.count();
        if self.form.special() && self.form.shape() == Shape::Batches {
            return self.p.open_item_end();
        }
        Ok(())
    }

    #[inline(always)]
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.start()?;
        value.serialize(self.ser())?;
        self.stop()
    }

    #[inline(always)]
    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.start()?;
        key.serialize(self.ser())
    }

    #[inline(always)]
    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(self.ser())?;
        self.stop()
    }

    #[inline(always)]
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<()> {
        self.start()?;
        self.p.write_static_name(name)?;
        value.serialize(self.ser())?;
        self.stop()
    }
}

#[cold]
fn too_long(len: usize) -> Error {
    Error::new(
        ErrorKind::Unpicklable,
        format!("a tuple of {len} items is more than the {MAX_TUPLE} this writer counts"),
    )
}

#[cold]
fn wrong_length(len: usize, done: usize) -> Error {
    Error::new(
        ErrorKind::Unpicklable,
        format!("a tuple of {len} items was given {done}"),
    )
}

/// serde's traits of items (`$method(value)`, written by `Compound::item`)
/// and of named fields (`$method(name, value)`, by `Compound::field`).
macro_rules! compound {
    ($($trait:ident::$method:ident($($name:ident)?) => $write:ident;)*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;

            #[inline]
            fn $method<T: Serialize + ?Sized>(
                &mut self,
                $($name: &'static str,)?
                value: &T,
            ) -> Result<()> {
                self.$write($($name,)? value)
            }

            fn end(self) -> Result<()> {
                Compound::end(self)
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element() => item;
    SerializeTuple::serialize_element() => item;
    SerializeTupleStruct::serialize_field() => item;
    SerializeTupleVariant::serialize_field() => item;
    SerializeStruct::serialize_field(name) => field;
    SerializeStructVariant::serialize_field(name) => field;
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key(key)
    }

    #[inline]
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.value(value)
    }

    fn end(self) -> Result<()> {
        Compound::end(self)
    }
}
