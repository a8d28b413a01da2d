//! `num-bigint` integers as Python's `int` (feature `num-bigint`).
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`num_bigint::BigInt`] | `int` | any size, as CPython writes it (`LONG1`/`LONG4` at protocol 2 and above, text below, where CPython refuses more than 4300 digits) |
//! | [`num_bigint::BigUint`] | `int` | reading a negative `int` is an [`OutOfRange`](crate::ErrorKind::OutOfRange) error |
//!
//! ```
//! use num_bigint::BigInt;
//! use pickle_core::Protocol;
//!
//! let big = BigInt::from(-1) << 70u32;
//! let bytes = pickle_core::to_vec_with(&big, Protocol::V2)?;
//! // pickle.dumps(-2**70, protocol=2) in CPython 3.11
//! assert_eq!(bytes, b"\x80\x02\x8a\t\x00\x00\x00\x00\x00\x00\x00\x00\xc0.");
//! assert_eq!(pickle_core::from_slice::<BigInt>(&bytes)?, big);
//! # Ok::<(), pickle_core::Error>(())
//! ```

use num_bigint::{BigInt, BigUint, Sign};

use crate::de::Decoder;
use crate::error::{ErrorKind, Result};
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::value::BigInt as PyInt;
use crate::{FromPickle, Pickler, ToPickle};

impl ToPickle for BigInt {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_big_int(&PyInt::from_signed_bytes_le(&self.to_signed_bytes_le()))
    }
}

impl FromPickle for BigInt {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let v = d.decode_big_int()?;
        Ok(BigInt::from_signed_bytes_le(v.to_signed_bytes_le()))
    }
}

impl ToPickle for BigUint {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let mut bytes = self.to_bytes_le();
        // Two's complement: a set top bit needs a zero byte above it.
        if bytes.last().is_some_and(|b| b & 0x80 != 0) {
            bytes.push(0);
        }
        p.write_big_int(&PyInt::from_signed_bytes_le(&bytes))
    }
}

impl FromPickle for BigUint {
    /// From an `int` that is not negative.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let v = d.decode_big_int()?;
        let signed = BigInt::from_signed_bytes_le(v.to_signed_bytes_le());
        match signed.sign() {
            Sign::Minus => Err(d.error(
                ErrorKind::OutOfRange,
                format!(
                    "integer {} does not fit in `BigUint`",
                    shorten(&v.to_decimal())
                ),
            )),
            _ => Ok(signed.magnitude().clone()),
        }
    }
}

/// The first and last digits of a long number, for a message.
fn shorten(digits: &str) -> String {
    if digits.len() <= 40 {
        return digits.to_owned();
    }
    format!(
        "{}...{} ({} digits)",
        &digits[..20],
        &digits[digits.len() - 10..],
        digits.len() - usize::from(digits.starts_with('-'))
    )
}

/// `int`, for the generated Python classes.
impl PyType for BigInt {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::builtin("int")
    }
}

/// `int`, for the generated Python classes.
impl PyType for BigUint {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::builtin("int")
    }
}
