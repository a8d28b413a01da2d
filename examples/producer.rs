//! Rust writes `shop.models.Order` instances; Python loads them as real
//! objects of its own classes.
//!
//! `cargo run --example producer` writes a list of orders to a temporary
//! file, generates the Python package `shop` (whose `shop/models.py`
//! defines the classes) from the Rust types into a temporary directory,
//! then runs `python3 examples/python/show_orders.py` on the file with that
//! directory on `PYTHONPATH`. It exits non-zero if Python fails.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[path = "shop/mod.rs"]
mod shop;

use shop::{Item, Order, Status};

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
    let scratch = std::env::temp_dir().join(format!("pickle-rs-producer-{}", std::process::id()));
    let status = run_python(&scratch, &bytes, orders.len());
    let _ = std::fs::remove_dir_all(&scratch);
    status
}

/// Writes the pickle and the generated package under `scratch`, then lets
/// Python load the one with the other.
fn run_python(scratch: &Path, bytes: &[u8], count: usize) -> ExitCode {
    let package: PathBuf = scratch.join("python");
    if let Err(e) = shop::stubs().write_package(&package) {
        eprintln!("cannot write the Python package: {e}");
        return ExitCode::FAILURE;
    }
    let path = scratch.join("orders.pickle");
    if let Err(e) = std::fs::write(&path, bytes) {
        eprintln!("cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {count} orders ({} bytes) to {}, and the package `shop` to {}",
        bytes.len(),
        path.display(),
        package.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join("show_orders.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(&path)
        .env("PYTHONPATH", &package)
        .status();
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
