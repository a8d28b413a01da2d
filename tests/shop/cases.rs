//! The Rust values of `tests/python/shop/cases.py`, case by case: written
//! by `derive_write.rs`, expected by `derive_read.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

pub use crate::common::case::{case, Case};

use super::*;

pub fn item(n: u32) -> Item {
    Item {
        sku: format!("sku-{n}"),
        qty: n,
        price: f64::from(n) + 0.25,
    }
}

pub fn order(n: i64, status: Status, items: u32, note: bool) -> Order {
    Order {
        id: n,
        customer: format!("customer {n}"),
        price: n as f64 * 10.5,
        tags: vec!["gift".into(), format!("tag{n}")],
        note: note.then(|| format!("note {n}")),
        items: (0..items).map(|i| item(n as u32 * 100 + i)).collect(),
        status,
    }
}

pub fn customer(n: i64) -> Customer {
    Customer {
        name: format!("name {n}"),
        email: format!("user{n}@example.com"),
        vip: n % 2 == 0,
        cache: Vec::new(),
    }
}

pub fn settings() -> Settings {
    Settings {
        theme: "dark".into(),
        font_size: 14,
    }
}

pub fn catalog() -> Catalog {
    Catalog {
        orders: BTreeMap::from([
            ("first".to_owned(), order(1, Status::Paid, 2, true)),
            ("second".to_owned(), order(2, Status::Paid, 2, false)),
        ]),
        owners: BTreeMap::from([(UserId(7), customer(7)), (UserId(42), customer(42))]),
        shapes: vec![
            Shape::Circle { radius: 1.5 },
            Shape::Square(2.0),
            Shape::Rect { w: 3.0, h: 4.0 },
            Shape::Empty,
        ],
        settings: settings(),
        boxed: Wrapper {
            value: vec![
                Pair {
                    left: 1,
                    right: "one".into(),
                },
                Pair {
                    left: 2,
                    right: "two".into(),
                },
            ],
            label: "pairs".into(),
        },
    }
}

/// Every case of `CASES` in `cases.py`.
pub fn all() -> Vec<Case> {
    vec![
        case("item", item(1)),
        case("order", order(1, Status::New, 2, true)),
        case(
            "order_empty",
            Order {
                id: 5,
                customer: "nobody".into(),
                price: 0.0,
                tags: vec![],
                note: None,
                items: vec![],
                status: Status::Shipped,
            },
        ),
        case(
            "orders",
            vec![
                order(1, Status::Paid, 2, true),
                order(2, Status::Paid, 2, true),
                order(3, Status::New, 2, true),
            ],
        ),
        case("customer", customer(3)),
        case(
            "slotted",
            Slotted {
                a: -5,
                b: "slots".into(),
            },
        ),
        case(
            "pairs_by_length",
            (0..18)
                .map(|n| "abcdefghijklmnopq"[..n].to_owned())
                .chain((1..9).map(|k| "\u{e9}".repeat(k)))
                .chain((1..6).map(|k| "\u{20ac}".repeat(k)))
                .chain((1..5).map(|k| "\u{1f600}".repeat(k)))
                .enumerate()
                .map(|(left, right)| Pair {
                    left: left as i64,
                    right,
                })
                .collect::<Vec<_>>(),
        ),
        case(
            "pairs_one_object",
            [(1, "x"), (2, "x"), (3, ""), (4, "")].map(|(left, right)| Pair {
                left,
                right: right.into(),
            }),
        ),
        case(
            "one_char_values",
            (
                "a".to_owned(),
                vec![
                    OneChar {
                        a: 1,
                        s: "a".into(),
                    },
                    OneChar {
                        a: 2,
                        s: "s".into(),
                    },
                ],
            ),
        ),
        case("nested", vec![Inner { v: 4 }, Inner { v: 5 }]),
        case(
            "pair",
            Pair {
                left: 10,
                right: "ten".into(),
            },
        ),
        case("coord", Coord(1.5, -2.5)),
        case(
            "money",
            Money {
                amount: 1999,
                currency: "EUR".into(),
            },
        ),
        case(
            "moods",
            vec![Mood::Happy, Mood::Sad, Mood::SoSo, Mood::Happy, Mood::SoSo],
        ),
        case(
            "priorities",
            vec![
                Priority::Urgent,
                Priority::Low,
                Priority::High,
                Priority::Low,
            ],
        ),
        case(
            "statuses",
            vec![Status::Shipped, Status::New, Status::Shipped],
        ),
        case(
            "shapes",
            vec![
                Shape::Circle { radius: 1.0 },
                Shape::Square(2.0),
                Shape::Rect { w: 3.0, h: 4.0 },
                Shape::Empty,
                Shape::Circle { radius: 5.0 },
                Shape::Empty,
            ],
        ),
        case(
            "profile",
            Profile {
                display_name: "Ada L.".into(),
                created_at: 1_700_000_000,
                mood: Mood::SoSo,
                priority: Priority::High,
            },
        ),
        case("settings", settings()),
        case("user_ids", vec![UserId(1), UserId(1 << 40), UserId(-3)]),
        case(
            "wrapper_int",
            Wrapper {
                value: 7_i64,
                label: "seven".into(),
            },
        ),
        case(
            "blobs",
            vec![
                Blob {
                    data: (0..=255).collect(),
                    digest: [0, 255, 16, 128],
                    extra: Some(vec![1, 2, 3].into_boxed_slice()),
                },
                Blob {
                    data: b"ab".repeat(300),
                    digest: [9, 8, 7, 6],
                    extra: None,
                },
            ],
        ),
        case("marker", vec![Marker, Marker]),
        case(
            "timed",
            Timed {
                label: "boot".into(),
                elapsed: Duration::from_millis(1250),
            },
        ),
        case("catalog", catalog()),
        case("optional_items", vec![Some(item(1)), None, Some(item(2))]),
        case(
            "items_by_sku",
            BTreeMap::from([("sku-a".to_owned(), item(1)), ("sku-b".to_owned(), item(2))]),
        ),
        case("many_items", (0..2500).map(item).collect::<Vec<_>>()),
        case("bulk_orders", bulk_orders()),
        case("bulk_orders_late", (padding(300), bulk_orders())),
        case("samples", (0..3000).map(sample).collect::<Vec<_>>()),
    ]
}

/// Sample `n` of `samples`: ints of every width the writer drafts (one to
/// eight bytes) and past it, strings of 0 to 300 bytes (the one-object
/// ones, one- to three-byte UTF-8, past `SHORT_BINUNICODE`), lists of 0 to
/// 3 lists, `None` or not.
pub fn sample(n: i64) -> Sample {
    let label = match n % 11 {
        0 => String::new(),
        1 => "x".into(),
        2 => "\u{e9}".into(),
        3 => "\u{20ac}".into(),
        _ => "abcdefghij".repeat(31)[..(n * 37 % 301) as usize].to_owned(),
    };
    Sample {
        n: match n % 5 {
            0 => n,
            1 => -n,
            2 => n << 33,
            3 => -(n << 40) - 1,
            _ => i64::MAX - n,
        },
        label,
        ratio: n as f64 * 0.5 - 7.25,
        parts: (0..n % 4)
            .map(|i| (0..n % 3).map(|j| format!("p{n}_{i}_{j}")).collect())
            .collect(),
        ok: n % 2 == 0,
        big: if n % 3 == 0 {
            u64::MAX - n as u64
        } else {
            n as u64
        },
        note: (n % 3 != 1).then(|| format!("note {n}")),
        small: n as f32 * 0.5,
    }
}

/// Orders of varying sizes, more than 64 KiB of them at every protocol, so
/// that frames (protocol 4+) are committed inside records at various
/// places: the steady state of the instance writer, with names fetched by
/// `BINGET`.
pub fn bulk_orders() -> Vec<Order> {
    const STATUSES: [Status; 3] = [Status::New, Status::Paid, Status::Shipped];
    (0..1500)
        .map(|n| {
            let mut o = order(n, STATUSES[n as usize % 3], n as u32 % 4, n % 3 != 0);
            o.tags.truncate(n as usize % 3);
            o
        })
        .collect()
}

/// The objects of `orders_sharing` in `cases.py`: `n` orders whose
/// customers are `customers` strings in turn (in Python, as many objects,
/// shared: memo `GET`s); with `late`, one more order, whose customer is
/// the first order's.
pub fn orders_sharing(customers: i64, n: i64, late: bool) -> Vec<Order> {
    let order_of = |k: i64, c: i64| Order {
        customer: format!("customer {c}"),
        ..order(k, Status::New, 0, false)
    };
    let mut orders: Vec<Order> = (0..n).map(|k| order_of(k, k % customers)).collect();
    if late {
        orders.push(order_of(n, 0));
    }
    orders
}

/// The cases of `names_then_shuffled`, `orders_late_member` and
/// `orders_sharing` in `cases.py` (only read: Rust strings are not shared
/// objects).
pub fn sharing() -> Vec<Case> {
    let late_member: Vec<Order> = (0..2002)
        .map(|k| {
            order(
                k,
                if k >= 2000 {
                    Status::Shipped
                } else {
                    Status::New
                },
                0,
                false,
            )
        })
        .collect();
    let names: Vec<String> = (0..3000).map(|i| format!("name {i}")).collect();
    let scattered = (0..3000).map(|i| names[i * 7919 % 3000].clone());
    let names_then_shuffled: Vec<String> = names.iter().cloned().chain(scattered).collect();
    vec![
        case("names_then_shuffled", names_then_shuffled),
        case("orders_late_member", late_member),
        case("orders_sharing_few", orders_sharing(3, 300, false)),
        case("orders_sharing_many", orders_sharing(40, 300, false)),
        case("orders_sharing_late", orders_sharing(2000, 2000, true)),
    ]
}

/// Distinct strings written first, so that the classes and attribute
/// names of what follows get memo indices of 256 and more (`LONG_BINGET`).
pub fn padding(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("pad{i}")).collect()
}
