//! `num-complex` numbers as Python's `complex` (feature `num-complex`).
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`Complex<f64>`] | `complex` | `complex(real, imag)` (`REDUCE`), as CPython writes it |
//! | [`Complex<f32>`] | `complex` | written as doubles; reading rounds each part to the nearest `f32` (a finite part beyond `f32` is an error) |
//!
//! Reading also takes a `float` or `int` (as Python's `complex(x)` does):
//! its imaginary part is zero.
//!
//! ```
//! use num_complex::Complex;
//! use pickle_core::Protocol;
//!
//! let z = Complex::new(1.5, -2.0);
//! let bytes = pickle_core::to_vec_with(&z, Protocol::V2)?;
//! // pickle.dumps(complex(1.5, -2.0), protocol=2) in CPython 3.11
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02c__builtin__\ncomplex\nq\x00G?\xf8\x00\x00\x00\x00\x00\x00G\xc0\x00\x00\x00\x00\x00\x00\x00\x86q\x01Rq\x02."
//! );
//! assert_eq!(pickle_core::from_slice::<Complex<f64>>(&bytes)?, z);
//! # Ok::<(), pickle_core::Error>(())
//! ```

use num_complex::Complex;

use crate::de::{Decoder, Kind};
use crate::error::{ErrorKind, Result};
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{FromPickle, Pickler, ToPickle};

/// A part of a complex number: `f64`, or `f32`, rounded to.
trait Part: FromPickle + Default {
    #[cfg_attr(not(feature = "ndarray"), allow(dead_code))]
    fn narrow(v: f64, d: &Decoder<'_>) -> Result<Self>;
}

impl Part for f64 {
    fn narrow(v: f64, _: &Decoder<'_>) -> Result<Self> {
        Ok(v)
    }
}

impl Part for f32 {
    fn narrow(v: f64, d: &Decoder<'_>) -> Result<Self> {
        super::primitives::narrow_f32(v, d)
    }
}

/// A numpy scalar (feature `ndarray`), else the error of reading a `complex`.
fn numpy_scalar<T: Part>(d: &Decoder<'_>, err: crate::Error) -> Result<Complex<T>> {
    #[cfg(feature = "ndarray")]
    {
        let (re, im) = crate::numpy::scalar::complex_or(d, err)?;
        Ok(Complex::new(T::narrow(re, d)?, T::narrow(im, d)?))
    }
    #[cfg(not(feature = "ndarray"))]
    {
        let _ = d;
        Err(err)
    }
}

fn read_parts<T: Part>(d: &Decoder<'_>) -> Result<Complex<T>> {
    if matches!(d.kind(), Kind::Float | Kind::Int) {
        return Ok(Complex::new(T::from_pickle(*d)?, T::default()));
    }
    // `complex(real=0, imag=0)`.
    let mut args = match d.call_args_alone("builtins", "complex") {
        Ok(args) => args,
        Err(e) => return numpy_scalar(d, e),
    };
    if args.len() > 2 {
        return Err(d.error(
            ErrorKind::Type,
            format!("`complex` takes at most 2 arguments, found {}", args.len()),
        ));
    }
    let mut parts = [T::default(), T::default()];
    for (i, part) in parts.iter_mut().enumerate() {
        if let Some(arg) = args.next_item()? {
            *part = T::from_pickle(arg).map_err(|e| e.in_index(i))?;
        }
    }
    let [re, im] = parts;
    Ok(Complex::new(re, im))
}

impl ToPickle for Complex<f64> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_reduce("builtins", "complex", &[&self.re, &self.im])
    }
}

impl FromPickle for Complex<f64> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        read_parts(&d)
    }
}

impl ToPickle for Complex<f32> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_reduce("builtins", "complex", &[&self.re, &self.im])
    }
}

impl FromPickle for Complex<f32> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        read_parts(&d)
    }
}

/// `complex`, for the generated Python classes.
impl PyType for Complex<f64> {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::builtin("complex")
    }
}

/// `complex`, for the generated Python classes.
impl PyType for Complex<f32> {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::builtin("complex")
    }
}
