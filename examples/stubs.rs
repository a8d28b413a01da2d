//! Writes the Python package of the producer example's types.
//!
//! `cargo run --example stubs -- DIR` writes `DIR/shop/__init__.py`,
//! `DIR/shop/models.py` and `DIR/shop/py.typed`, generated from the Rust
//! types in `examples/shop/mod.rs`; without `DIR` it prints
//! `shop/models.py`. Put `DIR` on Python's path (or ship it as a package)
//! wherever the pickles are loaded.

#[path = "shop/mod.rs"]
mod shop;

use std::process::ExitCode;

fn main() -> ExitCode {
    let stubs = shop::stubs();
    let result = match std::env::args_os().nth(1) {
        Some(dir) => stubs.write_package(dir.as_ref()).map(|()| {
            println!("wrote the package `shop` under {}", dir.to_string_lossy());
        }),
        None => stubs
            .module_source("shop.models")
            .map(|text| print!("{text}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot generate the Python classes: {e}");
            ExitCode::FAILURE
        }
    }
}
