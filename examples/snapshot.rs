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
//! To snapshot it in your own tests, add `insta = "1"` to your
//! `[dev-dependencies]` and write a test such as:
//!
//! ```ignore
//! #[test]
//! fn order_pickle_is_stable() {
//!     let bytes = pickle_core::to_vec_with(&sample_order(), pickle_core::Protocol::V4).unwrap();
//!     // The snapshot lives in tests/snapshots/<test file>__order_p4.snap.
//!     insta::assert_snapshot!("order_p4", pickle_core::dis(&bytes).unwrap());
//! }
//! ```
//!
//! The first run fails and writes `tests/snapshots/..._order_p4.snap.new`;
//! review and accept it with `cargo insta review` (from `cargo install
//! cargo-insta`), or run once with `INSTA_UPDATE=always` to write the `.snap`
//! directly, and commit the `.snap` file. From then on the test fails when the
//! disassembly changes. In CI, set `CI=true` (or `INSTA_UPDATE=no`) so that
//! insta never writes snapshots and a mismatch fails the build.
//!
//! To check that the text is what Python itself says, compare with
//! `python3 -c "import pickletools, sys; pickletools.dis(sys.stdin.buffer.read())" < order.pkl`.

use pickle_core::{Pickler, Protocol, ToPickle};

/// The user's type: pickled as a `dict`, as a Python service would expect it.
struct Order {
    id: u64,
    customer: String,
    lines: Vec<(String, u32, f64)>,
    paid: bool,
}

impl ToPickle for Order {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
        let lines: Vec<_> = self
            .lines
            .iter()
            .map(|(item, quantity, price)| (item.as_str(), *quantity, *price))
            .collect();
        let entries: [(&str, &dyn ToPickle); 4] = [
            ("id", &self.id),
            ("customer", &self.customer),
            ("lines", &lines),
            ("paid", &self.paid),
        ];
        p.write_dict(entries)
    }
}

fn sample_order() -> Order {
    Order {
        id: 1042,
        customer: "Zoë".to_owned(),
        lines: vec![("tea".to_owned(), 2, 3.5), ("scone".to_owned(), 1, 2.25)],
        paid: false,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let order = sample_order();
    for protocol in [Protocol::V2, Protocol::V4] {
        let bytes = pickle_core::to_vec_with(&order, protocol)?;
        println!("# protocol {}", protocol.as_u8());
        // What a snapshot test would store.
        print!("{}", pickle_core::dis(&bytes)?);
    }

    // The annotated form (pickletools.dis(data, annotate=1)) explains each opcode.
    let bytes = pickle_core::to_vec_with(&order, Protocol::V4)?;
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
