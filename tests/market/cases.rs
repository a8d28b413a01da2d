//! The Rust values of `tests/python/stubs_cases.py`, case by case.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use pickle_core::{ByteArray, ByteBuf};

use crate::common::case::{case, Case};

use super::*;

pub fn money() -> Money {
    Money {
        amount: 1999,
        currency: "EUR".into(),
    }
}

pub fn address(zip: bool) -> Address {
    Address {
        street: "Main St 1".into(),
        city: "Springfield".into(),
        zip: zip.then(|| "12345".into()),
    }
}

pub fn customer() -> Customer {
    Customer {
        name: "Ada".into(),
        email: "ada@example.com".into(),
        display_name: "Ada L.".into(),
        vip: true,
        cache: Vec::new(),
        address: Some(address(true)),
    }
}

pub fn shapes() -> Vec<Shape> {
    vec![
        Shape::Circle { radius: 1.5 },
        Shape::Square(2.0),
        Shape::Rect { w: 3.0, h: 4.0 },
        Shape::Poly {
            points: vec![(0.0, 0.0), (1.0, 0.5)],
        },
        Shape::Empty,
    ]
}

fn leaf(name: &str, children: Vec<Category>) -> Category {
    Category {
        name: name.into(),
        children,
    }
}

pub fn category() -> Category {
    leaf(
        "root",
        vec![
            leaf("leaf", vec![]),
            leaf("branch", vec![leaf("twig", vec![])]),
        ],
    )
}

fn tag(name: &str, n: u8) -> Tag {
    Tag(name.into(), n)
}

pub fn order() -> Order {
    Order {
        id: UserId(42),
        customer: customer(),
        tags: vec![tag("red", 3), tag("big", 200)],
        total: money(),
        ship_to: Some(address(false)),
        dims: (1.5, 2.25, -3),
        attrs: BTreeMap::from([("height".into(), 10), ("width".into(), 20)]),
        owners: BTreeMap::from([
            (UserId(7), "seven".into()),
            (UserId(42), "forty-two".into()),
        ]),
        codes: BTreeSet::from(["A1".into()]),
        level: Level::High,
        mood: Mood::Meh,
        shapes: shapes(),
        boxed: Wrapper {
            value: vec![tag("in", 1)],
            label: "boxed tags".into(),
        },
        counted: Wrapper {
            value: 12,
            label: "count".into(),
        },
        pair: Pair("left".into(), "right".into()),
        maybe: Maybe::Just {
            value: Money {
                amount: 5,
                currency: "USD".into(),
            },
        },
        settings: Settings {
            theme: "dark".into(),
            size: 14,
        },
        digest: vec![0, 1, 0xfe, 0xff],
        blob: ByteBuf(b"blob".to_vec()),
        buffer: ByteArray(b"buf".to_vec()),
        elapsed: Duration::from_millis(1500),
        waited: Duration::from_millis(250),
        audit: Some(Audit {
            by: Some(Box::new(customer())),
            at: 1_700_000_000,
        }),
        category: category(),
        note: None,
        extra: Some(7),
    }
}

/// Every case, in the order of `CASES` in `stubs_cases.py`.
pub fn all() -> Vec<Case> {
    vec![
        case("money", money()),
        case("address", address(true)),
        case("address_no_zip", address(false)),
        case("tag", tag("red", 3)),
        case("levels", vec![Level::Low, Level::High, Level::Low]),
        case("moods", vec![Mood::Happy, Mood::Meh]),
        case("customer", customer()),
        case("shapes", shapes()),
        case(
            "wrapper",
            Wrapper {
                value: vec![tag("in", 1), tag("out", 2)],
                label: "tags".into(),
            },
        ),
        case("pair", Pair::<String>("left".into(), "right".into())),
        case(
            "maybes",
            vec![
                Maybe::Just { value: 5_i64 },
                Maybe::Nothing {},
                Maybe::Just { value: -7 },
            ],
        ),
        case("category", category()),
        case(
            "audit",
            Audit {
                by: Some(Box::new(customer())),
                at: 5,
            },
        ),
        case("order", order()),
    ]
}
