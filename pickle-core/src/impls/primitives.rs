//! Booleans, numbers, characters, strings, the unit type.

use std::borrow::Cow;

use crate::de::Decoder;
use crate::error::{ErrorKind, Result};
use crate::ser::{AttrName, Draft};
use crate::value::{BigInt, PyStr};
use crate::{FromPickle, Pickler, ToPickle};

// numpy scalars (`numpy.float64(1.5)`) are read as Python numbers are, with
// the feature `ndarray`: each read falls back on them when the object is no
// Python number.
#[cfg(feature = "ndarray")]
use crate::numpy::scalar::{bool_or, float_or, int_or};

#[cfg(not(feature = "ndarray"))]
#[inline(always)]
fn bool_or(_: &Decoder<'_>, err: crate::Error) -> Result<bool> {
    Err(err)
}

#[cfg(not(feature = "ndarray"))]
#[inline(always)]
fn int_or(_: &Decoder<'_>, err: crate::Error) -> Result<i128> {
    Err(err)
}

#[cfg(not(feature = "ndarray"))]
#[inline(always)]
fn float_or(_: &Decoder<'_>, err: crate::Error) -> Result<f64> {
    Err(err)
}

impl ToPickle for bool {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_bool(*self)
    }

    #[inline(always)]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.bool_after(name, *self)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.bool(name, *self)
    }
}

impl FromPickle for bool {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_bool().or_else(|e| bool_or(&d, e))
    }
}

/// The integer a numpy scalar holds (or `err`), as an integer type `name`.
#[cold]
#[inline(never)]
fn int_scalar<T: TryFrom<i128>>(d: &Decoder<'_>, err: crate::Error, name: &str) -> Result<T> {
    let v = int_or(d, err)?;
    T::try_from(v).map_err(|_| {
        d.error(
            ErrorKind::OutOfRange,
            format!("integer {v} does not fit in `{name}`"),
        )
    })
}

macro_rules! small_ints {
    ($($t:ty),*) => {$(
        impl ToPickle for $t {
            #[inline(always)]
            fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
                p.write_i64(*self as i64)
            }

            #[inline(always)]
            fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
                p.i64_after(name, *self as i64)
            }

            #[inline(always)]
            fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
                d.int(name, *self as i64)
            }
        }

        impl FromPickle for $t {
            fn from_pickle(d: Decoder<'_>) -> Result<Self> {
                let v = match d.decode_i64() {
                    Ok(v) => v,
                    // Out of line, so that the common path stays as small.
                    Err(e) => return int_scalar(&d, e, stringify!($t)),
                };
                <$t>::try_from(v).map_err(|_| {
                    d.error(ErrorKind::OutOfRange, format!("integer {v} does not fit in `{}`", stringify!($t)))
                })
            }
        }
    )*};
}
small_ints!(i8, i16, i32, i64, isize, u8, u16, u32);

macro_rules! wide_ints {
    ($($t:ty => $write:ident as $arg:ty, $to:ident);*) => {$(
        impl ToPickle for $t {
            #[inline]
            fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
                p.$write(*self as $arg)
            }

            #[inline]
            fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
                match i64::try_from(*self) {
                    Ok(v) => p.i64_after(name, v),
                    Err(_) => {
                        p.write_attr_name(name)?;
                        self.to_pickle(p)
                    }
                }
            }

            #[inline(always)]
            fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
                // Wider ints are left to the `Pickler`.
                i64::try_from(*self).is_ok_and(|v| d.int(name, v))
            }
        }

        impl FromPickle for $t {
            fn from_pickle(d: Decoder<'_>) -> Result<Self> {
                let v = match d.decode_big_int() {
                    Ok(v) => v,
                    Err(e) => BigInt::from(int_or(&d, e)?),
                };
                v.$to().and_then(|w| <$t>::try_from(w).ok()).ok_or_else(|| {
                    d.error(ErrorKind::OutOfRange, format!("integer {v} does not fit in `{}`", stringify!($t)))
                })
            }
        }
    )*};
}
wide_ints!(
    u64 => write_u64 as u64, to_u128;
    usize => write_u64 as u64, to_u128;
    i128 => write_i128 as i128, to_i128;
    u128 => write_u128 as u128, to_u128
);

impl ToPickle for BigInt {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_big_int(self)
    }
}

impl FromPickle for BigInt {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_big_int()
    }
}

impl ToPickle for f64 {
    #[inline(always)]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_f64(*self)
    }

    #[inline(always)]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.f64_after(name, *self)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.float(name, *self)
    }
}

impl FromPickle for f64 {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_f64().or_else(|e| float_or(&d, e))
    }
}

impl ToPickle for f32 {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_f64(*self as f64)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.float(name, *self as f64)
    }
}

impl FromPickle for f32 {
    /// Rounds the double to the nearest `f32`; a finite value beyond the
    /// range of `f32` is an error.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        narrow_f32(d.decode_f64().or_else(|e| float_or(&d, e))?, &d)
    }
}

/// `v` rounded to the nearest `f32`; a finite value beyond the range of
/// `f32` is an error about `d`.
pub(crate) fn narrow_f32(v: f64, d: &Decoder<'_>) -> Result<f32> {
    let narrow = v as f32;
    if narrow.is_infinite() && v.is_finite() {
        return Err(d.error(
            ErrorKind::OutOfRange,
            format!("float {v} does not fit in `f32`"),
        ));
    }
    Ok(narrow)
}

impl ToPickle for char {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_str(self.encode_utf8(&mut [0u8; 4]))
    }
}

impl FromPickle for char {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let s = d.decode_str()?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(d.error(
                ErrorKind::OutOfRange,
                format!(
                    "expected a str of one character, found one of {}",
                    s.chars().count()
                ),
            )),
        }
    }
}

impl ToPickle for str {
    #[inline(always)]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_str(self)
    }

    #[inline(always)]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.str_after(name, self)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.str(name, self)
    }
}

impl ToPickle for String {
    #[inline(always)]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_str(self)
    }

    #[inline(always)]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.str_after(name, self)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.str(name, self)
    }
}

impl FromPickle for String {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_str().map(str::to_owned)
    }
}

impl FromPickle for Box<str> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_str().map(Box::from)
    }
}

impl FromPickle for Cow<'static, str> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_str().map(|s| Cow::Owned(s.to_owned()))
    }
}

impl ToPickle for PyStr {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_py_str(self)
    }
}

impl FromPickle for PyStr {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_py_str()
    }
}

impl ToPickle for () {
    /// `None`, as serde writes the unit type.
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_none()
    }
}

impl FromPickle for () {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.decode_none()
    }
}
