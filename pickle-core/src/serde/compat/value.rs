//! serde-pickle's `Value` and `HashableValue`: Python's built-in data with
//! sorted dicts and sets, as serde-pickle 1.x has them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ::serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use num_bigint::BigInt;

pub use super::{from_value, to_value};
use crate::error::{Error, ErrorKind, Result};

/// A Python value, as serde-pickle 1.x's `Value`.
///
/// Ints that fit an `i64` are [`Value::I64`], others [`Value::Int`]; dicts
/// and sets are sorted by [`HashableValue`]'s order, so the order of a
/// pickle's dict is not kept (the crate's own [`Value`](crate::Value) keeps
/// it, and much more).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `None`.
    None,
    /// A `bool`.
    Bool(bool),
    /// An `int` that fits an `i64`.
    I64(i64),
    /// An `int` that does not.
    Int(BigInt),
    /// A `float`.
    F64(f64),
    /// A `bytes` (or `bytearray`).
    Bytes(Vec<u8>),
    /// A `str`.
    String(String),
    /// A `list`.
    List(Vec<Value>),
    /// A `tuple`.
    Tuple(Vec<Value>),
    /// A `set`.
    Set(BTreeSet<HashableValue>),
    /// A `frozenset`.
    FrozenSet(BTreeSet<HashableValue>),
    /// A `dict`.
    Dict(BTreeMap<HashableValue, Value>),
}

/// A Python value that can be a dict key or a set item, as serde-pickle
/// 1.x's `HashableValue`.
///
/// Values are ordered first by kind (`None`, numbers, `bytes`, `str`,
/// `frozenset`, `tuple`), numbers by their value across `bool`, `int` and
/// `float` (so `1`, `1.0` and `True` are one key, as in Python).
#[derive(Clone, Debug)]
pub enum HashableValue {
    /// `None`.
    None,
    /// A `bool`.
    Bool(bool),
    /// An `int` that fits an `i64`.
    I64(i64),
    /// An `int` that does not.
    Int(BigInt),
    /// A `float`.
    F64(f64),
    /// A `bytes`.
    Bytes(Vec<u8>),
    /// A `str`.
    String(String),
    /// A `tuple`.
    Tuple(Vec<HashableValue>),
    /// A `frozenset`.
    FrozenSet(BTreeSet<HashableValue>),
}

impl Value {
    /// The value as a dict key or set item; an error for a list, set or
    /// dict (or a tuple holding one), which Python cannot hash either.
    pub fn into_hashable(self) -> Result<HashableValue> {
        Ok(match self {
            Value::None => HashableValue::None,
            Value::Bool(b) => HashableValue::Bool(b),
            Value::I64(i) => HashableValue::I64(i),
            Value::Int(i) => HashableValue::Int(i),
            Value::F64(f) => HashableValue::F64(f),
            Value::Bytes(b) => HashableValue::Bytes(b),
            Value::String(s) => HashableValue::String(s),
            Value::FrozenSet(s) => HashableValue::FrozenSet(s),
            Value::Tuple(items) => HashableValue::Tuple(
                items
                    .into_iter()
                    .map(Value::into_hashable)
                    .collect::<Result<_>>()?,
            ),
            Value::List(_) | Value::Set(_) | Value::Dict(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "dict key or set item not hashable",
                ))
            }
        })
    }
}

impl HashableValue {
    /// The value as a [`Value`].
    pub fn into_value(self) -> Value {
        match self {
            HashableValue::None => Value::None,
            HashableValue::Bool(b) => Value::Bool(b),
            HashableValue::I64(i) => Value::I64(i),
            HashableValue::Int(i) => Value::Int(i),
            HashableValue::F64(f) => Value::F64(f),
            HashableValue::Bytes(b) => Value::Bytes(b),
            HashableValue::String(s) => Value::String(s),
            HashableValue::FrozenSet(s) => Value::FrozenSet(s),
            HashableValue::Tuple(items) => {
                Value::Tuple(items.into_iter().map(HashableValue::into_value).collect())
            }
        }
    }

    /// The kinds in their order; numbers are one kind.
    fn rank(&self) -> u8 {
        match self {
            HashableValue::None => 0,
            HashableValue::Bool(_)
            | HashableValue::I64(_)
            | HashableValue::Int(_)
            | HashableValue::F64(_) => 1,
            HashableValue::Bytes(_) => 2,
            HashableValue::String(_) => 3,
            HashableValue::FrozenSet(_) => 4,
            HashableValue::Tuple(_) => 5,
        }
    }
}

/// A number, for comparing numbers of different kinds.
enum Number<'a> {
    Int(BigInt),
    Big(&'a BigInt),
    Float(f64),
}

impl HashableValue {
    fn number(&self) -> Option<Number<'_>> {
        Some(match self {
            HashableValue::Bool(b) => Number::Int(BigInt::from(u8::from(*b))),
            HashableValue::I64(i) => Number::Int(BigInt::from(*i)),
            HashableValue::Int(i) => Number::Big(i),
            HashableValue::F64(f) => Number::Float(*f),
            _ => return None,
        })
    }
}

/// Floats by value; a NaN after every number, and equal to itself, so
/// that the order is total.
fn float_cmp(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b)
        .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

fn int_float_cmp(i: &BigInt, f: f64) -> Ordering {
    if f.is_nan() {
        return Ordering::Less;
    }
    // Exact for every int a float can equal; beyond, only the sign matters.
    match to_f64(i) {
        Some(x) => float_cmp(x, f),
        None if i.sign() == num_bigint::Sign::Minus => Ordering::Less,
        None => Ordering::Greater,
    }
}

/// `i` as the nearest `f64`, when it is within the finite floats.
fn to_f64(i: &BigInt) -> Option<f64> {
    let x: f64 = match i64::try_from(i) {
        Ok(small) => small as f64,
        Err(_) => i.to_string().parse().ok()?,
    };
    x.is_finite().then_some(x)
}

fn number_cmp(a: &Number<'_>, b: &Number<'_>) -> Ordering {
    let int = |n: &Number<'_>| match n {
        Number::Int(i) => Some(i.clone()),
        Number::Big(i) => Some((*i).clone()),
        Number::Float(_) => None,
    };
    match (a, b) {
        (Number::Float(x), Number::Float(y)) => float_cmp(*x, *y),
        (Number::Float(x), other) => int_float_cmp(&int(other).unwrap_or_default(), *x).reverse(),
        (other, Number::Float(y)) => int_float_cmp(&int(other).unwrap_or_default(), *y),
        _ => int(a).cmp(&int(b)),
    }
}

impl Ord for HashableValue {
    fn cmp(&self, other: &HashableValue) -> Ordering {
        use HashableValue as H;
        if let (Some(a), Some(b)) = (self.number(), other.number()) {
            return number_cmp(&a, &b);
        }
        match (self, other) {
            (H::None, H::None) => Ordering::Equal,
            (H::Bytes(a), H::Bytes(b)) => a.cmp(b),
            (H::String(a), H::String(b)) => a.cmp(b),
            (H::FrozenSet(a), H::FrozenSet(b)) => a.cmp(b),
            (H::Tuple(a), H::Tuple(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for HashableValue {
    fn partial_cmp(&self, other: &HashableValue) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for HashableValue {
    fn eq(&self, other: &HashableValue) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for HashableValue {}

/// Items separated by `, ` between `open` and `close`; a tuple of one
/// item keeps its trailing comma.
fn items<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    open: &str,
    items: impl ExactSizeIterator<Item = T>,
    close: &str,
    one_comma: bool,
) -> fmt::Result {
    let len = items.len();
    f.write_str(open)?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    if len == 1 && one_comma {
        f.write_str(",")?;
    }
    f.write_str(close)
}

/// Python's spelling of a float, for a finite one written by Rust.
fn float(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    write!(f, "{}", crate::text::float::repr(x))
}

impl fmt::Display for Value {
    /// Much as Python's `repr` shows the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::I64(i) => write!(f, "{i}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::F64(x) => float(f, *x),
            Value::Bytes(b) => write!(f, "b{b:?}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(v) => items(f, "[", v.iter(), "]", false),
            Value::Tuple(v) => items(f, "(", v.iter(), ")", true),
            Value::Set(v) if v.is_empty() => f.write_str("set()"),
            Value::Set(v) => items(f, "{", v.iter(), "}", false),
            Value::FrozenSet(v) => items(f, "frozenset([", v.iter(), "])", false),
            Value::Dict(d) => {
                let entries = d.iter().map(|(k, v)| format!("{k}: {v}"));
                items(f, "{", entries.collect::<Vec<_>>().into_iter(), "}", false)
            }
        }
    }
}

impl fmt::Display for HashableValue {
    /// Much as Python's `repr` shows the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HashableValue::Tuple(v) => items(f, "(", v.iter(), ")", true),
            HashableValue::FrozenSet(v) => items(f, "frozenset([", v.iter(), "])", false),
            other => fmt::Display::fmt(&other.clone().into_value(), f),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    /// Reads any serde data: sequences as lists, maps as dicts.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for HashableValue {
    /// Reads any serde data a dict key can be: sequences as tuples.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<HashableValue, D::Error> {
        let value = d.deserialize_any(ValueVisitor)?;
        let value = match value {
            Value::List(items) => Value::Tuple(items),
            other => other,
        };
        value.into_hashable().map_err(de::Error::custom)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::None)
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::I64(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::Int(BigInt::from(v)), Value::I64))
    }

    fn visit_i128<E>(self, v: i128) -> std::result::Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::Int(BigInt::from(v)), Value::I64))
    }

    fn visit_u128<E>(self, v: u128) -> std::result::Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::Int(BigInt::from(v)), Value::I64))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::F64(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_bytes<E>(self, v: &[u8]) -> std::result::Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }

    fn visit_byte_buf<E>(self, v: Vec<u8>) -> std::result::Result<Value, E> {
        Ok(Value::Bytes(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut dict = BTreeMap::new();
        while let Some((key, value)) = map.next_entry()? {
            dict.insert(key, value);
        }
        Ok(Value::Dict(dict))
    }
}
