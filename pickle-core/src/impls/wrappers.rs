//! Pointers and references: written and read as what they point to.
//!
//! `Rc` and `Arc` are written by value, as serde writes them: two clones of
//! one `Rc` become two Python objects. To write one object referenced twice,
//! use [`Value::Shared`](crate::Value::Shared).

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use crate::__private::Draftable;
use crate::de::Decoder;
use crate::error::Result;
use crate::ser::{AttrName, Draft};
use crate::value::{Global, Value};
use crate::{FromPickle, Pickler, ToPickle};

impl<T: ToPickle + ?Sized> ToPickle for &T {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        (**self).to_pickle(p)
    }
}

impl<T: Draftable + ?Sized> Draftable for &T {
    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        (**self).draft(name, d)
    }
}

impl<T: ToPickle + ?Sized> ToPickle for &mut T {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        (**self).to_pickle(p)
    }
}

macro_rules! pointers {
    ($($ptr:ident),*) => {$(
        impl<T: ToPickle + ?Sized> ToPickle for $ptr<T> {
            #[inline]
            fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
                (**self).to_pickle(p)
            }
        }

        impl<T: Draftable + ?Sized> Draftable for $ptr<T> {
            #[inline(always)]
            fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
                (**self).draft(name, d)
            }
        }

        impl<T: FromPickle> FromPickle for $ptr<T> {
            fn from_pickle(d: Decoder<'_>) -> Result<Self> {
                T::from_pickle(d).map($ptr::new)
            }
        }
    )*};
}
pointers!(Box, Rc, Arc);

impl<T: ToPickle + ToOwned + ?Sized> ToPickle for Cow<'_, T> {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        (**self).to_pickle(p)
    }
}

impl FromPickle for Value {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.to_value()
    }
}

impl ToPickle for Global {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        Value::Global(self.clone()).to_pickle(p)
    }
}

impl FromPickle for Global {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.global().cloned().ok_or_else(|| d.type_error("a global"))
    }
}
