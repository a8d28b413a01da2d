//! The Rust side of `tests/python/shop/models.py`: one type per kind of
//! Python class, shared by `derive_write.rs` and `derive_read.rs`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use pickle_core::{FromPickle, ToPickle};

/// `@dataclass class Item`; also readable from the frozen `FrozenItem`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", alias = "shop.models.FrozenItem")]
pub struct Item {
    pub sku: String,
    pub qty: u32,
    pub price: f64,
}

/// `class Status(enum.Enum)`, members `NEW = 1`, `PAID = 2`, `SHIPPED = 3`.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "shop.models", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    New = 1,
    Paid,
    Shipped,
}

/// `@dataclass class Order`; also readable from `shop.legacy.Order`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", alias = "shop.legacy.Order")]
pub struct Order {
    pub id: i64,
    pub customer: String,
    pub price: f64,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub items: Vec<Item>,
    pub status: Status,
}

/// A plain class with `__init__` (`Repr::State`), renamed in Python, with
/// a renamed field, a field with an alias and a defaulted field.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(
    module = "shop.models",
    name = "CustomerV2",
    alias = "shop.legacy.Customer"
)]
pub struct Customer {
    pub name: String,
    #[pickle(rename = "emailAddress", alias = "email")]
    pub email: String,
    #[pickle(default)]
    pub vip: bool,
    #[pickle(skip)]
    pub cache: Vec<i64>,
}

/// `class Slotted` with `__slots__ = ("a", "b")`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", slots)]
pub struct Slotted {
    pub a: i64,
    pub b: String,
}

/// `@dataclass class Sample`: a field of every type the writer drafts
/// whole instances of (see `pickle_core::ser::Draft`), eight of them, the
/// most it drafts.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Sample {
    pub n: i64,
    pub label: String,
    pub ratio: f64,
    pub parts: Vec<Vec<String>>,
    pub ok: bool,
    pub big: u64,
    pub note: Option<String>,
    pub small: f32,
}

/// `Pair = namedtuple("Pair", ["left", "right"])`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", name = "Pair", new_args)]
pub struct Pair {
    pub left: i64,
    pub right: String,
}

/// `@dataclass class OneChar`: attribute names that are one character.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct OneChar {
    pub a: i64,
    pub s: String,
}

/// `@dataclass class Inner` nested in `class Outer`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", name = "Outer.Inner")]
pub struct Inner {
    pub v: i64,
}

/// `Coord = namedtuple("Coord", ["f0", "f1"])`: a tuple struct's fields are
/// `f0`, `f1` in Python.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Coord(pub f64, pub f64);

/// `class Money` whose `__reduce__` returns `(Money, (amount, currency))`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", reduce)]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

/// `class Mood(enum.Enum)` with str values.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "shop.models", rename_all = "UPPERCASE")]
pub enum Mood {
    #[pickle(value = "happy")]
    Happy,
    #[pickle(value = "sad")]
    Sad,
    #[pickle(rename = "MEH", value = "so so")]
    SoSo,
}

/// `class Priority(enum.IntEnum)`: implicit discriminants 0, 1, 2.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "shop.models", rename_all = "UPPERCASE")]
pub enum Priority {
    Low,
    High,
    Urgent,
}

/// One class per variant: `@dataclass Circle`, namedtuple `Square(f0)`,
/// `__slots__` `Rect`, and `Empty` with no attributes.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
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
    Empty,
}

/// `@dataclass class Profile` with camelCase attributes.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", rename_all = "camelCase")]
pub struct Profile {
    pub display_name: String,
    pub created_at: i64,
    pub mood: Mood,
    pub priority: Priority,
}

/// A plain dict.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(dict)]
pub struct Settings {
    pub theme: String,
    pub font_size: i64,
}

/// The same as its one field: an int.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[pickle(transparent)]
pub struct UserId(pub i64);

/// A generic class `Wrapper` with a `value`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", name = "Wrapper")]
pub struct Wrapper<T> {
    pub value: T,
    pub label: String,
}

/// `@dataclass class Blob` with bytes attributes.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Blob {
    #[pickle(bytes)]
    pub data: Vec<u8>,
    #[pickle(bytes)]
    pub digest: [u8; 4],
    #[pickle(bytes)]
    pub extra: Option<Box<[u8]>>,
}

/// A unit struct: `class Marker` instance with no attributes.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Marker;

/// Seconds as a float through `with = "seconds"`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Timed {
    pub label: String,
    #[pickle(with = "seconds")]
    pub elapsed: std::time::Duration,
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

/// Everything at once: instances in a dict, users by id.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Catalog {
    pub orders: BTreeMap<String, Order>,
    pub owners: BTreeMap<UserId, Customer>,
    pub shapes: Vec<Shape>,
    pub settings: Settings,
    pub boxed: Wrapper<Vec<Pair>>,
}

/// `Item` read strictly: an attribute that is not a field is an error.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", name = "Item", deny_unknown_fields)]
pub struct StrictItem {
    pub sku: String,
    pub qty: u32,
    pub price: f64,
}
pub mod cases;
