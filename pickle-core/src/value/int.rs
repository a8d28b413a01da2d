//! `BigInt`: a Python `int` of any size.

use std::fmt;

/// A Python `int` of any size, stored as CPython's `LONG1` pickles it: two's
/// complement, little-endian, in as few bytes as the value needs.
///
/// [`Value`](crate::Value) keeps integers that fit an `i64` as
/// [`Value::Int`](crate::Value::Int) and only larger ones as `BigInt`; the
/// type itself can hold any value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BigInt {
    /// Minimal two's complement little-endian bytes; empty for zero.
    bytes: Box<[u8]>,
}

/// Python's default limit on digits in an int <-> decimal string conversion
/// (`sys.get_int_max_str_digits()`), which CPython 3.11 applies to the text
/// opcodes `INT` and `LONG` and to the `repr` protocol 0 writes.
pub const MAX_STR_DIGITS: usize = 4300;

/// The `i64` whose two's complement little-endian encoding is `bytes`
/// (empty means zero), for at most 8 bytes: how readers take the common
/// `LONG1` without making a `BigInt`.
pub(crate) fn i64_from_short_le(bytes: &[u8]) -> Option<i64> {
    if bytes.len() > 8 {
        return None;
    }
    let fill = if bytes.last().is_some_and(|b| b & 0x80 != 0) {
        0xFF
    } else {
        0
    };
    let mut buf = [fill; 8];
    buf[..bytes.len()].copy_from_slice(bytes);
    Some(i64::from_le_bytes(buf))
}

impl BigInt {
    /// The integer whose two's complement little-endian encoding is `bytes`
    /// (empty means zero), as the `LONG1` and `LONG4` opcodes carry it.
    pub fn from_signed_bytes_le(bytes: &[u8]) -> BigInt {
        BigInt {
            bytes: minimal(bytes).into(),
        }
    }

    /// The minimal two's complement little-endian encoding (CPython's
    /// `pickle.encode_long`); empty for zero.
    pub fn to_signed_bytes_le(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.bytes.last().is_some_and(|b| b & 0x80 != 0)
    }

    /// The value as an `i64`, if it fits.
    pub fn to_i64(&self) -> Option<i64> {
        self.to_i128().and_then(|v| i64::try_from(v).ok())
    }

    /// The value as an `i128`, if it fits.
    pub fn to_i128(&self) -> Option<i128> {
        if self.bytes.len() > 16 {
            return None;
        }
        let fill = if self.is_negative() { 0xFF } else { 0 };
        let mut buf = [fill; 16];
        buf[..self.bytes.len()].copy_from_slice(&self.bytes);
        Some(i128::from_le_bytes(buf))
    }

    /// The value as a `u128`, if it fits.
    pub fn to_u128(&self) -> Option<u128> {
        if self.is_negative() {
            return None;
        }
        let bytes = match self.bytes.split_last() {
            Some((0, rest)) => rest,
            _ => &self.bytes[..],
        };
        if bytes.len() > 16 {
            return None;
        }
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        Some(u128::from_le_bytes(buf))
    }

    /// Builds a value from digits in `radix` (2 to 36), most significant first.
    /// Returns `None` if a digit is out of range.
    pub fn from_digits(negative: bool, radix: u32, digits: &[u8]) -> Option<BigInt> {
        let mut magnitude: Vec<u32> = Vec::new();
        for &d in digits {
            let value = (d as char).to_digit(radix)?;
            mul_add(&mut magnitude, radix, value);
        }
        Some(BigInt::from_magnitude(negative, &magnitude))
    }

    /// Whether the decimal text of the value has more than `limit` digits
    /// (Python's int <-> str digit limit). Values far beyond the limit are
    /// rejected from their size alone, without a quadratic conversion.
    pub fn exceeds_decimal_digits(&self, limit: usize) -> bool {
        let bits = self.bytes.len().saturating_sub(1) * 8;
        // Every 10 bits hold at least 3 decimal digits.
        if bits / 10 * 3 > limit {
            return true;
        }
        self.to_decimal().trim_start_matches('-').len() > limit
    }

    fn from_magnitude(negative: bool, magnitude: &[u32]) -> BigInt {
        let mut bytes: Vec<u8> = magnitude.iter().flat_map(|l| l.to_le_bytes()).collect();
        bytes.push(0);
        if negative {
            // Two's complement: invert and add one.
            let mut carry = true;
            for b in bytes.iter_mut() {
                let (v, c) = (!*b).overflowing_add(carry as u8);
                *b = v;
                carry = c;
            }
        }
        BigInt::from_signed_bytes_le(&bytes)
    }

    /// Sign and magnitude (little-endian 32-bit limbs).
    pub(crate) fn to_magnitude(&self) -> (bool, Vec<u32>) {
        let negative = self.is_negative();
        let mut bytes = self.bytes.to_vec();
        if negative {
            let mut carry = true;
            for b in bytes.iter_mut() {
                let (v, c) = (!*b).overflowing_add(carry as u8);
                *b = v;
                carry = c;
            }
        }
        let limbs = bytes
            .chunks(4)
            .map(|c| {
                let mut buf = [0u8; 4];
                buf[..c.len()].copy_from_slice(c);
                u32::from_le_bytes(buf)
            })
            .collect();
        (negative, limbs)
    }

    /// The decimal text of the value, as Python's `repr` writes it (no digit limit).
    pub fn to_decimal(&self) -> String {
        let (negative, mut magnitude) = self.to_magnitude();
        let mut chunks = Vec::new();
        while magnitude.iter().any(|&l| l != 0) {
            chunks.push(div_rem(&mut magnitude, 1_000_000_000));
        }
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        match chunks.split_last() {
            None => out.push('0'),
            Some((first, rest)) => {
                out.push_str(&first.to_string());
                for chunk in rest.iter().rev() {
                    out.push_str(&format!("{chunk:09}"));
                }
            }
        }
        out
    }
}

/// Strips redundant sign bytes from a two's complement little-endian encoding.
fn minimal(bytes: &[u8]) -> &[u8] {
    let mut len = bytes.len();
    while len > 0 {
        let top = bytes[len - 1];
        let below_sign = if len >= 2 { bytes[len - 2] & 0x80 } else { 0 };
        let redundant =
            (top == 0 && below_sign == 0) || (top == 0xFF && len >= 2 && below_sign != 0);
        if !redundant {
            break;
        }
        len -= 1;
    }
    &bytes[..len]
}

/// `magnitude = magnitude * mul + add`.
fn mul_add(magnitude: &mut Vec<u32>, mul: u32, add: u32) {
    let mut carry = add as u64;
    for limb in magnitude.iter_mut() {
        let v = *limb as u64 * mul as u64 + carry;
        *limb = v as u32;
        carry = v >> 32;
    }
    if carry != 0 {
        magnitude.push(carry as u32);
    }
}

/// Divides the magnitude in place, returning the remainder.
fn div_rem(magnitude: &mut Vec<u32>, div: u32) -> u32 {
    let mut rem = 0u64;
    for limb in magnitude.iter_mut().rev() {
        let v = (rem << 32) | *limb as u64;
        *limb = (v / div as u64) as u32;
        rem = v % div as u64;
    }
    while magnitude.last() == Some(&0) {
        magnitude.pop();
    }
    rem as u32
}

impl From<i64> for BigInt {
    fn from(v: i64) -> BigInt {
        BigInt::from_signed_bytes_le(&v.to_le_bytes())
    }
}

impl From<i128> for BigInt {
    fn from(v: i128) -> BigInt {
        BigInt::from_signed_bytes_le(&v.to_le_bytes())
    }
}

impl From<u128> for BigInt {
    fn from(v: u128) -> BigInt {
        let mut bytes = v.to_le_bytes().to_vec();
        bytes.push(0);
        BigInt::from_signed_bytes_le(&bytes)
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal())
    }
}

impl fmt::Debug for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_cpython_encode_long() {
        // The doctest values of pickle.encode_long.
        let cases: [(i64, &[u8]); 7] = [
            (0, b""),
            (255, b"\xff\x00"),
            (32767, b"\xff\x7f"),
            (-256, b"\x00\xff"),
            (-32768, b"\x00\x80"),
            (-128, b"\x80"),
            (127, b"\x7f"),
        ];
        for (v, bytes) in cases {
            assert_eq!(BigInt::from(v).to_signed_bytes_le(), bytes, "{v}");
            assert_eq!(BigInt::from_signed_bytes_le(bytes).to_i64(), Some(v));
        }
    }

    #[test]
    fn decimal_round_trip() {
        for text in [
            "0",
            "1",
            "-1",
            "18446744073709551616",
            "-340282366920938463463374607431768211457",
        ] {
            let (neg, digits) = match text.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, text),
            };
            let v = BigInt::from_digits(neg, 10, digits.as_bytes()).unwrap();
            assert_eq!(v.to_decimal(), text);
        }
        assert_eq!(BigInt::from(u128::MAX).to_u128(), Some(u128::MAX));
        assert_eq!(BigInt::from(i128::MIN).to_i128(), Some(i128::MIN));
        assert_eq!(BigInt::from(-1i64).to_u128(), None);
    }
}
