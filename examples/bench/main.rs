//! Benchmarks pickle-core against serde-pickle, deser-pickle and CPython,
//! in one run, on the same data, and prints a table.
//!
//! ```text
//! BENCH_REPEAT=15 cargo run --release --example bench
//! ```
//!
//! CPython's numbers come from `python3` timing its own `pickle.dumps` and
//! `pickle.loads` (C implementation) on the equivalent objects
//! (`examples/python/bench_cpython.py`), which also writes the pickles
//! that the Rust decoders read. Every measurement is `BENCH_REPEAT` runs
//! (default 5), reported as the best with the median and worst of ours
//! beside it; a decode's time includes dropping what it built, as
//! `pickle.loads`'s does. Every library's output and result is checked
//! before it is timed (see `typed.rs`).
//!
//! One module per workload family; timing and the table are in
//! `timing.rs`, the peers behind one interface in `peers.rs`.

#[cfg(feature = "ndarray")]
mod arrays;
mod cpython;
mod memory;
mod peers;
mod records;
mod scalars;
mod serde_bridge;
mod timing;
mod tree;
mod typed;

/// For `arrays.rs`, which times in its own way.
#[cfg(feature = "ndarray")]
use timing::repeat;

fn main() {
    let dir = std::env::temp_dir().join(format!("pickle-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    eprintln!("timing CPython...");
    let workloads: &'static _ = Box::leak(Box::new(cpython::run(&dir)));
    let py = |name: &str| -> &'static cpython::Workload {
        workloads
            .get(name)
            .unwrap_or_else(|| panic!("CPython ran `{name}`"))
    };
    let mut rows = Vec::new();
    eprintln!("records...");
    let (records, notes) = records::rows(py("records"));
    rows.extend(records);
    rows.extend(records::by_id_rows(py("records_by_id")));
    eprintln!("ints, strings, floats, bytes...");
    rows.extend(scalars::rows(&py));
    rows.extend(scalars::bytes_rows(py("bytes")));
    eprintln!("trees...");
    rows.extend(tree::value_rows(py("tree")));
    rows.extend(tree::dict_tree_rows(py("dict_tree")));
    timing::print_table(&rows);
    for note in notes {
        println!("\n{note}");
    }
    serde_bridge::print(&py("records").pickle);
    #[cfg(feature = "ndarray")]
    arrays::run(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}
