//! The Rust types of the Python module `shop.models`, shared by the
//! `producer` and `stubs` examples. The Python module itself is generated
//! from them (`pickle_core::stubs`), never written by hand.

use pickle_core::{FromPickle, ToPickle};

/// `class Status(enum.Enum)`: `NEW = 1`, `PAID = 2`, `SHIPPED = 3`.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "shop.models", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    New = 1,
    Paid,
    Shipped,
}

/// `@dataclass class Item`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Item {
    pub sku: String,
    pub qty: u32,
    pub price: f64,
}

/// `@dataclass class Order`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Order {
    pub id: i64,
    pub customer: String,
    pub price: f64,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub items: Vec<Item>,
    pub status: Status,
}

/// The package of these classes: `shop/__init__.py`, `shop/models.py`.
pub fn stubs() -> pickle_core::stubs::Stubs {
    let mut stubs = pickle_core::stubs::Stubs::new();
    stubs.add::<Order>();
    stubs
}
