//! The [`Serializer`]: serde's data model written through the [`Pickler`].

use ::serde::ser::{self, Serialize};

use super::compound::{Compound, Form, Outer, Shape};
use super::object;
use crate::error::{Error, Result};
use crate::ser::push::Open;
use crate::Pickler;

/// Writes serde's data model into a [`Pickler`], as CPython pickles the
/// equivalent Python data (see the [module's mapping](super#mapping)).
///
/// [`to_vec`](super::to_vec) and its siblings make one; make one yourself
/// to write a serde value inside a hand-written
/// [`ToPickle`](crate::ToPickle) implementation:
///
/// ```
/// use std::collections::BTreeMap;
///
/// use pickle_core::serde::Serializer;
/// use pickle_core::{Pickler, Result, ToPickle};
/// use serde::Serialize;
///
/// /// Counts, written as a dict.
/// struct Counts(BTreeMap<String, i32>);
///
/// impl ToPickle for Counts {
///     fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
///         self.0.serialize(Serializer::new(p))
///     }
/// }
///
/// let counts = Counts([("a".to_owned(), 1)].into_iter().collect());
/// let bytes = pickle_core::to_vec_with(&counts, pickle_core::Protocol::V2)?;
/// // pickle.dumps({'a': 1}, protocol=2)
/// assert_eq!(bytes, b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s.");
/// # Ok::<(), pickle_core::Error>(())
/// ```
///
/// serde's `Serializer` is implemented for the value, not for a reference
/// to it: it is a handle on the `Pickler`, passed on by value as the
/// writing goes down the value.
pub struct Serializer<'p, 'w> {
    pub(crate) p: &'p mut Pickler<'w>,
    /// serde-pickle's "compat" enums: tuples instead of dicts.
    pub(crate) tuple_enums: bool,
}

impl<'p, 'w> Serializer<'p, 'w> {
    /// A serializer that writes into `pickler`.
    pub fn new(pickler: &'p mut Pickler<'w>) -> Serializer<'p, 'w> {
        Serializer {
            p: pickler,
            tuple_enums: false,
        }
    }

    /// A handle on the same pickler, for a value inside this one.
    #[inline]
    fn reborrow(&mut self) -> Serializer<'_, 'w> {
        Serializer {
            p: self.p,
            tuple_enums: self.tuple_enums,
        }
    }

    /// A variant's name: interned, as the names of a Python program are.
    fn name(&mut self, name: &'static str) -> Result<()> {
        self.p.write_static_name(name)
    }

    /// The start of an enum variant with data: `{'Variant': ` (or, for
    /// serde-pickle's compat enums, `('Variant', `).
    fn begin_variant(&mut self, variant: &'static str) -> Result<Outer> {
        if self.tuple_enums {
            self.p.begin_tuple(2)?;
            self.name(variant)?;
            return Ok(Outer::Tuple);
        }
        let open = self.p.begin_entry_dict()?;
        self.name(variant)?;
        Ok(match open {
            Open::One => Outer::Dict,
            Open::Batches => Outer::DictBatches,
        })
    }

    /// The end of what [`Serializer::begin_variant`] began.
    #[inline]
    pub(crate) fn end_variant(&mut self, outer: Outer) -> Result<()> {
        match outer {
            Outer::None => Ok(()),
            Outer::Dict => self.p.end_entry_dict(Open::One),
            Outer::DictBatches => self.p.end_entry_dict(Open::Batches),
            Outer::Tuple => self.p.end_tuple(2),
        }
    }

    /// A list or dict begun as `open`, of `len` items, inside `outer`.
    #[inline(always)]
    fn container(
        self,
        open: Open,
        dict: bool,
        len: Option<usize>,
        outer: Outer,
    ) -> Result<Compound<'p, 'w>> {
        let shape = match open {
            Open::One => {
                if dict {
                    Shape::OneDict
                } else {
                    Shape::OneList
                }
            }
            Open::Batches => Shape::Batches,
        };
        // One batch is fewer than 1000 items; the pickler counts the rest.
        let len = match open {
            Open::One => len.unwrap_or(0),
            Open::Batches => 0,
        };
        let form = Form::new(shape, len, outer, self.tuple_enums)?;
        Ok(Compound::new(self.p, form))
    }
}

impl<'p, 'w> ser::Serializer for Serializer<'p, 'w> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'p, 'w>;
    type SerializeTuple = Compound<'p, 'w>;
    type SerializeTupleStruct = Compound<'p, 'w>;
    type SerializeTupleVariant = Compound<'p, 'w>;
    type SerializeMap = Compound<'p, 'w>;
    type SerializeStruct = Compound<'p, 'w>;
    type SerializeStructVariant = Compound<'p, 'w>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<()> {
        self.p.write_bool(v)
    }

    #[inline]
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.p.write_i64(v.into())
    }

    #[inline]
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.p.write_i64(v.into())
    }

    #[inline]
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.p.write_i64(v.into())
    }

    #[inline]
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.p.write_i64(v)
    }

    fn serialize_i128(self, v: i128) -> Result<()> {
        self.p.write_i128(v)
    }

    #[inline]
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.p.write_i64(v.into())
    }

    #[inline]
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.p.write_i64(v.into())
    }

    #[inline]
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.p.write_i64(v.into())
    }

    #[inline]
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.p.write_u64(v)
    }

    fn serialize_u128(self, v: u128) -> Result<()> {
        self.p.write_u128(v)
    }

    #[inline]
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.p.write_f64(v.into())
    }

    #[inline]
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.p.write_f64(v)
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.p.write_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<()> {
        self.p.write_str(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.p.write_bytes(v)
    }

    #[inline]
    fn serialize_none(self) -> Result<()> {
        self.p.write_none()
    }

    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<()> {
        self.p.write_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.p.write_none()
    }

    fn serialize_unit_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        if self.tuple_enums {
            self.p.begin_tuple(1)?;
            self.name(variant)?;
            return self.p.end_tuple(1);
        }
        self.name(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if name == object::TOKEN {
            return object::write(self, value);
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        let outer = self.begin_variant(variant)?;
        value.serialize(self.reborrow())?;
        self.end_variant(outer)
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        let open = self.p.begin_list(len)?;
        self.container(open, false, len, Outer::None)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        let form = Form::new(Shape::Tuple, len, Outer::None, self.tuple_enums)?;
        self.p.begin_tuple(len)?;
        Ok(Compound::new(self.p, form))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        self.serialize_tuple(len)
    }

    fn serialize_tuple_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        // serde-pickle writes the fields as a list.
        let outer = self.begin_variant(variant)?;
        let open = self.p.begin_list(Some(len))?;
        self.container(open, false, Some(len), outer)
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        let open = self.p.begin_dict(len)?;
        self.container(open, true, len, Outer::None)
    }

    #[inline]
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeStruct> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        let outer = self.begin_variant(variant)?;
        let open = self.p.begin_dict(Some(len))?;
        self.container(open, true, Some(len), outer)
    }
}
