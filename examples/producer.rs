//! Rust writes `shop.models.Order` instances; Python loads them as real
//! objects of its own classes.
//!
//! `cargo run --example producer` writes a list of orders to a temporary
//! file, then runs `python3 examples/python/show_orders.py` on it with
//! `examples/python` (where `shop/models.py` defines the classes) on
//! `PYTHONPATH`. It exits non-zero if Python fails.

use std::path::Path;
use std::process::{Command, ExitCode};

use pickle_core::{FromPickle, ToPickle};

/// `class Status(enum.Enum)`: `NEW = 1`, `PAID = 2`, `SHIPPED = 3`.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "shop.models", rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    New = 1,
    Paid,
    Shipped,
}

/// `@dataclass class Item`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
struct Item {
    sku: String,
    qty: u32,
    price: f64,
}

/// `@dataclass class Order`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
struct Order {
    id: i64,
    customer: String,
    price: f64,
    tags: Vec<String>,
    note: Option<String>,
    items: Vec<Item>,
    status: Status,
}

fn orders() -> Vec<Order> {
    vec![
        Order {
            id: 1,
            customer: "Ada".into(),
            price: 31.5,
            tags: vec!["gift".into(), "express".into()],
            note: Some("leave at the door".into()),
            items: vec![
                Item {
                    sku: "tea-01".into(),
                    qty: 3,
                    price: 4.5,
                },
                Item {
                    sku: "mug-07".into(),
                    qty: 2,
                    price: 9.0,
                },
            ],
            status: Status::Paid,
        },
        Order {
            id: 2,
            customer: "Grace".into(),
            price: 12.0,
            tags: vec![],
            note: None,
            items: vec![Item {
                sku: "pen-42".into(),
                qty: 6,
                price: 2.0,
            }],
            status: Status::New,
        },
        Order {
            id: 3,
            customer: "Linus".into(),
            price: 99.99,
            tags: vec!["bulk".into()],
            note: None,
            items: vec![],
            status: Status::Shipped,
        },
    ]
}

fn main() -> ExitCode {
    let orders = orders();
    let bytes = match pickle_core::to_vec(&orders) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("cannot pickle the orders: {e}");
            return ExitCode::FAILURE;
        }
    };
    // What Rust writes, Rust reads back.
    match pickle_core::from_slice::<Vec<Order>>(&bytes) {
        Ok(back) if back == orders => {}
        other => {
            eprintln!("the orders do not read back: {other:?}");
            return ExitCode::FAILURE;
        }
    }
    let path = std::env::temp_dir().join(format!("pickle-rs-orders-{}.pickle", std::process::id()));
    if let Err(e) = std::fs::write(&path, &bytes) {
        eprintln!("cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {} orders ({} bytes) to {}",
        orders.len(),
        bytes.len(),
        path.display()
    );
    let python = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("python");
    let status = Command::new("python3")
        .arg(python.join("show_orders.py"))
        .arg(&path)
        .env("PYTHONPATH", &python)
        .status();
    let _ = std::fs::remove_file(&path);
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => {
            eprintln!("python3 failed: {s}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cannot run python3: {e}");
            ExitCode::FAILURE
        }
    }
}
