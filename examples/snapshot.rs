//! Snapshot the disassembly of your value's pickle.
//!
//! A pickle is opaque bytes; its disassembly (the text CPython's
//! `pickletools.dis` prints, which `pickle_core::dis` reproduces exactly) is
//! something a reviewer can read. Keeping it as a snapshot makes every change
//! in how your type is pickled show up as a readable diff.
//!
//! Run it with `cargo run --example snapshot`. It prints the disassembly of an
//! `Order` at protocols 2 and 4, annotated, and what `optimize` does to it.
//!
//! To snapshot it in your own tests, install insta's command
//! (`cargo install cargo-insta`), add `insta = "1"` to your
//! `[dev-dependencies]` and write a test such as:
//!
//! ```ignore
//! #[test]
//! fn order_pickle_is_stable() {
//!     let options = pickle_core::ser::Options::new()
//!         .protocol(pickle_core::Protocol::V4)
//!         .sort_keys(true); // HashMap and HashSet fields in a fixed order
//!     let bytes = options.to_vec(&sample_order()).unwrap();
//!     // The snapshot lives in tests/snapshots/<test file>__order_p4.snap.
//!     insta::assert_snapshot!("order_p4", pickle_core::dis(&bytes).unwrap());
//! }
//! ```
//!
//! The first run fails and writes `tests/snapshots/..._order_p4.snap.new`;
//! review and accept it with `cargo insta review`, or run once with
//! `INSTA_UPDATE=always` to write the `.snap` directly, and commit the
//! `.snap` file. From then on the test fails when the disassembly changes.
//! In CI, set `CI=true` (or `INSTA_UPDATE=no`) so that insta never writes
//! snapshots and a mismatch fails the build.
//!
//! A `HashMap` or `HashSet` iterates in a different order in every run, and
//! its pickle follows that order: a snapshot of it fails at random unless
//! the pickle is written with `ser::Options::sort_keys(true)`, as above.
//!
//! To check that the text is what Python itself says, compare with
//! `python3 -c "import pickletools, sys; pickletools.dis(sys.stdin.buffer.read())" < order.pkl`.

use std::collections::HashMap;

use pickle_core::{ser::Options, Protocol, ToPickle};

/// `class Line` in the Python module `shop.models` (a dataclass).
#[derive(ToPickle)]
#[pickle(module = "shop.models")]
struct Line {
    item: String,
    quantity: u32,
    price: f64,
}

/// `class Order` in `shop.models`.
#[derive(ToPickle)]
#[pickle(module = "shop.models")]
struct Order {
    id: u64,
    customer: String,
    lines: Vec<Line>,
    paid: bool,
    /// Free-form labels: iterates in a different order in every run.
    labels: HashMap<String, String>,
}

fn sample_order() -> Order {
    let line = |item: &str, quantity, price| Line {
        item: item.to_owned(),
        quantity,
        price,
    };
    Order {
        id: 1042,
        customer: "Zoë".to_owned(),
        lines: vec![line("tea", 2, 3.5), line("scone", 1, 2.25)],
        paid: false,
        labels: [("channel", "web"), ("campaign", "spring")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let order = sample_order();
    for protocol in [Protocol::V2, Protocol::V4] {
        let bytes = Options::new()
            .protocol(protocol)
            .sort_keys(true)
            .to_vec(&order)?;
        println!("# protocol {}", protocol.as_u8());
        // What a snapshot test would store.
        print!("{}", pickle_core::dis(&bytes)?);
    }

    // The annotated form (pickletools.dis(data, annotate=1)) explains each opcode.
    let bytes = Options::new()
        .protocol(Protocol::V4)
        .sort_keys(true)
        .to_vec(&order)?;
    println!("# protocol 4, annotated");
    print!(
        "{}",
        pickle_core::dis::Options::new().annotate(1).dis(&bytes)?
    );

    // optimize drops memo stores nothing reads (pickletools.optimize).
    let optimized = pickle_core::optimize(&bytes)?;
    println!(
        "# optimized: {} bytes instead of {}",
        optimized.len(),
        bytes.len()
    );
    print!("{}", pickle_core::dis(&optimized)?);
    Ok(())
}
