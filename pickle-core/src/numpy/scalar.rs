//! numpy scalars, read by the Rust number types: numpy pickles
//! `numpy.float64(1.5)` as `numpy.core.multiarray.scalar(dtype, bytes)`.
//!
//! Each function here is what a number type's
//! [`FromPickle`](crate::FromPickle) falls back on when the object is no
//! Python number: given the error of that read, it returns the scalar's
//! value if the object is a numpy scalar of a kind the type takes, the
//! error otherwise.

use super::dtype::{DType, DTypeKind};
use super::is_numpy_function;
use crate::de::{Decoder, Kind};
use crate::error::{Error, ErrorKind, Result};
use crate::FromPickle;

/// The value of a numpy scalar of a number dtype.
enum Scalar {
    Bool(bool),
    Int(i128),
    /// A `float16`, `float32` or `float64`, exactly.
    Float(f64),
    // Read only by `complex_or` (feature `num-complex`).
    #[cfg_attr(not(feature = "num-complex"), allow(dead_code))]
    Complex(f64, f64),
}

/// The numpy scalar `d` is and its dtype, or `None` if `d` is no numpy scalar.
fn read(d: &Decoder<'_>) -> Option<Result<(Scalar, DType)>> {
    let global = d.class()?;
    if !is_numpy_function(&global, "multiarray", "scalar") {
        return None;
    }
    Some(read_scalar(
        d,
        global.module.as_str()?,
        global.name.as_str()?,
    ))
}

fn read_scalar(d: &Decoder<'_>, module: &str, name: &str) -> Result<(Scalar, DType)> {
    let expected = "`scalar(dtype, data)`";
    let mut args = d.call_args(module, name)?;
    if args.len() != 2 {
        return Err(d.shape_error(expected));
    }
    let dtype_arg = args.next_item()?.ok_or_else(|| d.shape_error(expected))?;
    let data_arg = args.next_item()?.ok_or_else(|| d.shape_error(expected))?;
    let dtype = DType::from_pickle(dtype_arg).map_err(|e| e.in_index(0))?;
    let unsupported = || {
        d.error(
            ErrorKind::Type,
            format!("a numpy scalar of `{dtype}` is not read as a number"),
        )
    };
    let kind = dtype.kind();
    if !matches!(
        kind,
        DTypeKind::Bool | DTypeKind::Int | DTypeKind::UInt | DTypeKind::Float | DTypeKind::Complex
    ) {
        return Err(unsupported());
    }
    let latin1;
    let data: &[u8] = match data_arg.kind() {
        // A Python 2 `str`, read as text: numpy encodes it as Latin-1.
        Kind::Str => {
            latin1 = super::read::latin1(&data_arg).map_err(|e| e.in_index(1))?;
            &latin1
        }
        _ => data_arg.decode_bytes().map_err(|e| e.in_index(1))?,
    };
    if data.len() != dtype.itemsize() {
        return Err(data_arg.error(
            ErrorKind::Type,
            format!(
                "a numpy scalar of `{dtype}` holds {} bytes, found {}",
                dtype.itemsize(),
                data.len()
            ),
        ));
    }
    // In the machine's order, most significant byte last (little-endian).
    let mut bytes = data.to_vec();
    if dtype.byte_order() == super::ByteOrder::Big {
        bytes.reverse();
        if kind == DTypeKind::Complex {
            // Each part is reversed on its own: put them back in order.
            let half = bytes.len() / 2;
            bytes.rotate_left(half);
        }
    }
    let scalar = match (kind, &bytes[..]) {
        (DTypeKind::Bool, [b]) => Scalar::Bool(*b != 0),
        (DTypeKind::Int, _) => Scalar::Int(signed(&bytes)),
        (DTypeKind::UInt, _) => Scalar::Int(unsigned(&bytes)),
        (DTypeKind::Float, _) => Scalar::Float(float(&bytes).ok_or_else(unsupported)?),
        (DTypeKind::Complex, _) => {
            let (re, im) = bytes.split_at(bytes.len() / 2);
            let part = |b: &[u8]| float(b).ok_or_else(unsupported);
            Scalar::Complex(part(re)?, part(im)?)
        }
        _ => return Err(unsupported()),
    };
    Ok((scalar, dtype))
}

/// A little-endian two's complement integer of at most 8 bytes.
fn signed(bytes: &[u8]) -> i128 {
    let negative = bytes.last().is_some_and(|b| b & 0x80 != 0);
    let mut wide = [if negative { 0xff } else { 0 }; 16];
    wide[..bytes.len()].copy_from_slice(bytes);
    i128::from_le_bytes(wide)
}

/// A little-endian unsigned integer of at most 8 bytes.
fn unsigned(bytes: &[u8]) -> i128 {
    let mut wide = [0; 16];
    wide[..bytes.len()].copy_from_slice(bytes);
    i128::from_le_bytes(wide)
}

/// A little-endian IEEE float of 2, 4 or 8 bytes, exactly as an `f64`.
fn float(bytes: &[u8]) -> Option<f64> {
    Some(match *bytes {
        [a, b] => half_to_f64(u16::from_le_bytes([a, b])),
        [a, b, c, d] => f64::from(f32::from_le_bytes([a, b, c, d])),
        [a, b, c, d, e, f, g, h] => f64::from_le_bytes([a, b, c, d, e, f, g, h]),
        // `float128` (the x87 extended type) has no exact `f64`.
        _ => return None,
    })
}

/// An IEEE half-precision float, exactly.
fn half_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f64::from(bits & 0x3ff);
    match exponent {
        0 => sign * fraction * 2f64.powi(-24),
        0x1f if fraction == 0.0 => sign * f64::INFINITY,
        0x1f => f64::NAN.copysign(sign),
        _ => sign * (1.0 + fraction / 1024.0) * 2f64.powi(exponent - 15),
    }
}

/// `err`, unless `d` is a numpy scalar; then its value through `get`, or a
/// [`Type`](ErrorKind::Type) error naming `expected` and the scalar's type.
fn or_scalar<T>(
    d: &Decoder<'_>,
    err: Error,
    expected: &str,
    get: impl FnOnce(&Scalar) -> Option<T>,
) -> Result<T> {
    let (scalar, dtype) = match read(d) {
        None => return Err(err),
        Some(read) => read?,
    };
    get(&scalar).ok_or_else(|| {
        d.error(
            ErrorKind::Type,
            format!("expected {expected}, found a numpy scalar of `{dtype}`"),
        )
    })
}

/// For `bool`: a `numpy.bool_`.
#[cold]
pub(crate) fn bool_or(d: &Decoder<'_>, err: Error) -> Result<bool> {
    or_scalar(d, err, "a bool", |s| match *s {
        Scalar::Bool(b) => Some(b),
        _ => None,
    })
}

/// For the integer types: an integer scalar.
#[cold]
pub(crate) fn int_or(d: &Decoder<'_>, err: Error) -> Result<i128> {
    or_scalar(d, err, "an int", |s| match *s {
        Scalar::Int(i) => Some(i),
        _ => None,
    })
}

/// For `f64` and `f32`: a float scalar, or an integer scalar that a double
/// holds exactly (as a Python `int` is read).
#[cold]
pub(crate) fn float_or(d: &Decoder<'_>, err: Error) -> Result<f64> {
    or_scalar(d, err, "a float", |s| match *s {
        Scalar::Float(f) => Some(f),
        Scalar::Int(i) => Some(i as f64).filter(|f| *f as i128 == i && f.abs() < 9.3e18),
        _ => None,
    })
}

/// For `Complex`: a complex, float or integer scalar (its imaginary part 0).
#[cfg(feature = "num-complex")]
#[cold]
pub(crate) fn complex_or(d: &Decoder<'_>, err: Error) -> Result<(f64, f64)> {
    or_scalar(d, err, "a complex", |s| match *s {
        Scalar::Complex(re, im) => Some((re, im)),
        Scalar::Float(f) => Some((f, 0.0)),
        Scalar::Int(i) => Some((i as f64, 0.0)).filter(|(f, _)| *f as i128 == i),
        Scalar::Bool(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::{half_to_f64, signed, unsigned};

    #[test]
    fn halves_and_integers_are_exact() {
        assert_eq!(half_to_f64(0x3c00), 1.0);
        assert_eq!(half_to_f64(0xc000), -2.0);
        assert_eq!(half_to_f64(0x0001), 2f64.powi(-24));
        assert_eq!(half_to_f64(0x7bff), 65504.0);
        assert_eq!(half_to_f64(0xfc00), f64::NEG_INFINITY);
        assert!(half_to_f64(0x7e00).is_nan());
        assert_eq!(signed(&[0xff]), -1);
        assert_eq!(signed(&[0, 0x80]), -32768);
        assert_eq!(unsigned(&[0xff; 8]), i128::from(u64::MAX));
    }
}
