//! The order in which [`Options::sort_keys`](super::Options::sort_keys)
//! writes unordered collections: as Python's `sorted()` orders their keys
//! where it can, and by the keys' pickles after those.
//!
//! A key is pickled on its own and read back as a [`Value`], whose kind
//! decides how it compares: numbers by value (`True` is 1, an `int` and a
//! `float` compare as numbers), strings by code point, bytes by byte,
//! tuples item by item. Anything else (and numbers, strings, bytes and
//! tuples among each other, which `sorted()` refuses to compare) goes by
//! kind in that order, and the rest by the bytes of its pickle. That is a
//! total order, so the same keys always give the same bytes.

use std::cmp::Ordering;

use crate::error::Result;
use crate::value::{BigInt, PyStr, Value};
use crate::ToPickle;

/// `items` in the order of the keys `key` gives.
pub(crate) fn by_key<T, K: ToPickle + ?Sized>(
    items: impl Iterator<Item = T>,
    key: impl Fn(&T) -> &K,
) -> Result<Vec<T>> {
    let mut keyed = items
        .map(|item| Ok((SortKey::of(key(&item))?, item)))
        .collect::<Result<Vec<_>>>()?;
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, item)| item).collect())
}

/// A key as it sorts. The derived order compares the kind first (the order
/// of the variants), then within the kind.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Number(Number),
    Text(PyStr),
    Bytes(Vec<u8>),
    Tuple(Vec<SortKey>),
    Pickled(Vec<u8>),
}

impl SortKey {
    fn of<K: ToPickle + ?Sized>(key: &K) -> Result<SortKey> {
        let pickled = super::to_vec(key)?;
        let value: Value = crate::from_slice(&pickled)?;
        Ok(SortKey::of_value(&value).unwrap_or(SortKey::Pickled(pickled)))
    }

    /// The key of a value of a kind `sorted()` compares; `None` otherwise.
    fn of_value(value: &Value) -> Option<SortKey> {
        Some(match value.resolve() {
            Value::Bool(b) => SortKey::Number(Number::int(i128::from(*b))),
            Value::Int(i) => SortKey::Number(Number::int(i128::from(*i))),
            Value::BigInt(i) => SortKey::Number(Number::big(i)),
            Value::Float(x) => SortKey::Number(Number::float(*x)),
            Value::Str(s) => SortKey::Text(s.clone()),
            Value::Bytes(b) => SortKey::Bytes(b.clone()),
            Value::Tuple(items) => SortKey::Tuple(
                items
                    .iter()
                    .map(SortKey::of_value)
                    .collect::<Option<Vec<_>>>()?,
            ),
            _ => return None,
        })
    }
}

/// A number as it sorts: by its nearest `f64` (NaN after everything), then
/// ints before floats, then exactly. Comparing the nearest `f64`s first
/// keeps ints and floats in numeric order; the exact value then orders the
/// ints that round to the same `f64`.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Number {
    approx: TotalF64,
    is_float: bool,
    exact: Exact,
}

impl Number {
    fn int(i: i128) -> Number {
        Number {
            approx: TotalF64(i as f64),
            is_float: false,
            exact: Exact::Small(i),
        }
    }

    fn big(i: &BigInt) -> Number {
        if let Some(small) = i.to_i128() {
            return Number::int(small);
        }
        let (negative, limbs) = i.to_magnitude();
        let mut magnitude: Vec<u32> = limbs.into_iter().rev().skip_while(|&l| l == 0).collect();
        let approx = magnitude
            .iter()
            .fold(0f64, |acc, &l| acc * 4_294_967_296.0 + f64::from(l));
        let exact = if negative {
            // Larger magnitudes sort first among negative numbers.
            magnitude.iter_mut().for_each(|l| *l = !*l);
            Exact::Negative(std::cmp::Reverse(magnitude.len()), magnitude)
        } else {
            Exact::Positive(magnitude.len(), magnitude)
        };
        Number {
            approx: TotalF64(if negative { -approx } else { approx }),
            is_float: false,
            exact,
        }
    }

    fn float(x: f64) -> Number {
        Number {
            approx: TotalF64(x),
            is_float: true,
            exact: Exact::Small(0),
        }
    }
}

/// An int's exact value, in an order that matches its numeric order among
/// ints of the same variant (the `approx` field has told the variants
/// apart): small ones as `i128`, big ones by sign, length and limbs (most
/// significant first; complemented for negatives).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Exact {
    Negative(std::cmp::Reverse<usize>, Vec<u32>),
    Small(i128),
    Positive(usize, Vec<u32>),
}

/// An `f64` ordered by [`f64::total_cmp`], with every NaN last.
#[derive(PartialEq)]
struct TotalF64(f64);

impl Eq for TotalF64 {}

impl PartialOrd for TotalF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TotalF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        let key = |x: f64| (x.is_nan(), if x == 0.0 { 0.0 } else { x });
        let (a, b) = (key(self.0), key(other.0));
        a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted<K: ToPickle>(keys: Vec<K>) -> Vec<K> {
        by_key(keys.into_iter(), |k| k).unwrap()
    }

    #[test]
    fn numbers_sort_by_value_whatever_their_kind() {
        let big =
            BigInt::from_signed_bytes_le(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        let neg_big =
            BigInt::from_signed_bytes_le(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff]);
        let keys = vec![
            Value::Float(f64::NAN),
            Value::BigInt(big.clone()),
            Value::Float(2.5),
            Value::Int(-3),
            Value::Bool(true),
            Value::BigInt(neg_big.clone()),
            Value::Float(-0.0),
            Value::Int(0),
            Value::Float(f64::INFINITY),
        ];
        let shown: Vec<String> = sorted(keys).iter().map(Value::to_string).collect();
        assert_eq!(
            shown,
            [
                neg_big.to_string(),
                "-3".into(),
                "0".into(),
                "-0.0".into(),
                "True".into(),
                "2.5".into(),
                big.to_string(),
                "inf".into(),
                "nan".into()
            ]
        );
    }

    #[test]
    fn strings_tuples_and_the_rest_sort_by_kind_then_value() {
        let keys = vec![
            Value::None,
            Value::Tuple(vec![Value::str("a"), Value::Int(2)]),
            Value::str("é"),
            Value::Bytes(b"z".to_vec()),
            Value::str("b"),
            Value::Tuple(vec![Value::str("a"), Value::Int(1)]),
            Value::str("aa"),
            Value::Int(7),
        ];
        let shown: Vec<String> = sorted(keys).iter().map(Value::to_string).collect();
        assert_eq!(
            shown,
            ["7", "'aa'", "'b'", "'é'", "b'z'", "('a', 1)", "('a', 2)", "None"]
        );
    }
}
