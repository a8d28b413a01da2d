//! The Rust types of the generated Python package `market` (modules
//! `market.models` and `market.common`, which import each other): every
//! representation, a data enum, generics, renamed, optional, list, tuple,
//! map, set, bytes and `with` fields, and a recursive class. Used by
//! `stubs.rs`; the Python objects of the cases are in
//! `tests/python/stubs_cases.py`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub mod cases;

use pickle_core::{ByteArray, ByteBuf, FromPickle, ToPickle};

/// `class Money` whose `__reduce__` returns `(Money, (amount, currency))`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.common", reduce)]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

/// A class with `__slots__`; `zip` is optional.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.common", slots)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub zip: Option<String>,
}

/// A NamedTuple with fields `f0`, `f1`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.common")]
pub struct Tag(pub String, pub u8);

/// An `enum.Enum` with int values.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "market.common", rename_all = "UPPERCASE")]
pub enum Level {
    Low = 1,
    High = 5,
}

/// An `enum.Enum` with str values, one of them needing escapes.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "market.common", rename_all = "UPPERCASE")]
pub enum Mood {
    #[pickle(value = "happy")]
    Happy,
    #[pickle(rename = "MEH", value = "so \"so\"\\")]
    Meh,
}

/// Names a class of `market.models`, which names classes of this module:
/// the two modules import each other.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.common")]
pub struct Audit {
    pub by: Option<Box<Customer>>,
    pub at: i64,
}

/// A plain dataclass renamed in Python, with renamed fields (`rename` and
/// `rename_all`), a defaulted and a skipped field.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.models", name = "Client", rename_all = "camelCase")]
pub struct Customer {
    pub name: String,
    #[pickle(rename = "emailAddress")]
    pub email: String,
    pub display_name: String,
    #[pickle(default)]
    pub vip: bool,
    #[pickle(skip)]
    pub cache: Vec<i64>,
    pub address: Option<Address>,
}

/// One class per variant, of every kind.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.models")]
pub enum Shape {
    Circle {
        radius: f64,
    },
    Square(f64),
    #[pickle(slots)]
    Rect {
        w: f64,
        h: f64,
    },
    #[pickle(reduce)]
    Poly {
        points: Vec<(f64, f64)>,
    },
    Empty,
}

/// A generic dataclass: `Wrapper(typing.Generic[T])`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.models")]
pub struct Wrapper<T> {
    pub value: T,
    pub label: String,
}

/// A generic NamedTuple, whose parameter is `typing.Any` in Python.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.models")]
pub struct Pair<T>(pub T, pub T);

/// A generic data enum: `Maybe = typing.Union[Just[T], Nothing]`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.models")]
pub enum Maybe<T> {
    Just { value: T },
    Nothing {},
}

/// A class that contains itself.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.models")]
pub struct Category {
    pub name: String,
    pub children: Vec<Category>,
}

/// A plain dict in Python.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(dict)]
pub struct Settings {
    pub theme: String,
    pub size: i64,
}

/// An int in Python.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[pickle(transparent)]
pub struct UserId(pub i64);

/// Everything at once.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "market.models")]
pub struct Order {
    pub id: UserId,
    pub customer: Customer,
    pub tags: Vec<Tag>,
    pub total: Money,
    pub ship_to: Option<Address>,
    pub dims: (f64, f64, i32),
    pub attrs: BTreeMap<String, i64>,
    pub owners: BTreeMap<UserId, String>,
    pub codes: BTreeSet<String>,
    pub level: Level,
    pub mood: Mood,
    pub shapes: Vec<Shape>,
    pub boxed: Wrapper<Vec<Tag>>,
    pub counted: Wrapper<i64>,
    pub pair: Pair<String>,
    pub maybe: Maybe<Money>,
    pub settings: Settings,
    #[pickle(bytes)]
    pub digest: Vec<u8>,
    pub blob: ByteBuf,
    pub buffer: ByteArray,
    #[pickle(with = "seconds", py_type = "float")]
    pub elapsed: Duration,
    #[pickle(with = "seconds")]
    pub waited: Duration,
    pub audit: Option<Audit>,
    pub category: Category,
    pub note: Option<String>,
    pub extra: Option<i64>,
}

/// `with` module: a `Duration` as a Python float of seconds.
pub mod seconds {
    use pickle_core::{Decoder, Pickler, Result};
    use std::time::Duration;

    pub fn to_pickle(d: &Duration, p: &mut Pickler<'_>) -> Result<()> {
        p.write_f64(d.as_secs_f64())
    }

    pub fn from_pickle(d: Decoder<'_>) -> Result<Duration> {
        let secs = d.decode_f64()?;
        Duration::try_from_secs_f64(secs).map_err(pickle_core::Error::custom)
    }
}
