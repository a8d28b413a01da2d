//! Benchmarks pickle-core against serde-pickle and CPython, in one run, on
//! the same data, and prints a table.
//!
//! ```text
//! cargo run --release --example bench
//! ```
//!
//! CPython's numbers come from `python3` timing its own `pickle.dumps` and
//! `pickle.loads` (C implementation) on the equivalent objects
//! (`examples/python/bench_cpython.py`), which also writes the pickles that
//! both Rust decoders read. Each number is the best of `BENCH_REPEAT` runs
//! (default 5); a decode's time includes dropping what it built, as
//! `pickle.loads`'s does. Every encoder's output and every decoder's result
//! is checked before it is timed, and the checked values are dropped
//! before timing starts, so that they do not weigh on the allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use pickle_core::{ByteBuf, FromPickle, ToPickle, Value};

#[cfg(feature = "ndarray")]
mod arrays;
mod serde_bridge;

/// The record of the headline workload (a Python `@dataclass`).
#[derive(Clone, Debug, PartialEq, ToPickle, FromPickle, serde::Serialize, serde::Deserialize)]
#[pickle(module = "bench_models")]
struct Order {
    id: i64,
    customer: String,
    price: f64,
    tags: Vec<String>,
    note: Option<String>,
}

fn records() -> Vec<Order> {
    (0..200_000i64)
        .map(|i| Order {
            id: i,
            customer: format!("customer{}", i % 1000),
            price: i as f64 * 0.25,
            tags: vec![format!("t{}", i % 7), format!("u{}", i % 5)],
            note: (i % 3 == 0).then(|| format!("note {i}")),
        })
        .collect()
}

/// One line of the table.
struct Row {
    workload: &'static str,
    direction: &'static str,
    items: usize,
    /// The size of CPython's pickle.
    bytes: usize,
    ours: f64,
    serde: f64,
    cpython: f64,
}

/// Makes the rows of one workload: (direction, ours, serde-pickle's, CPython's).
fn row_of(
    workload: &'static str,
    items: usize,
    py: Python,
) -> impl Fn(&'static str, f64, f64, f64) -> Row {
    move |direction, ours, serde, cpython| Row {
        workload,
        direction,
        items,
        bytes: py.bytes,
        ours,
        serde,
        cpython,
    }
}

/// CPython's timings of one workload.
#[derive(Clone, Copy)]
struct Python {
    dumps: f64,
    loads: f64,
    bytes: usize,
}

fn repeat() -> usize {
    std::env::var("BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

/// Best wall time of `repeat()` runs, in seconds.
fn best<T>(mut f: impl FnMut() -> T) -> f64 {
    (0..repeat())
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn serde_de() -> serde_pickle::DeOptions {
    serde_pickle::DeOptions::new()
        .keep_restore_state()
        .replace_unresolved_globals()
}

fn serde_ser() -> serde_pickle::SerOptions {
    serde_pickle::SerOptions::new()
}

/// Encode, typed decode and `Value` decode of one workload of typed data.
fn typed_rows<T>(
    workload: &'static str,
    data: &T,
    items: usize,
    pickle: &[u8],
    py: Python,
) -> Vec<Row>
where
    T: ToPickle + FromPickle + serde::Serialize + serde::de::DeserializeOwned + PartialEq,
{
    {
        let ours = pickle_core::to_vec(data).expect("encodes");
        assert!(
            ours == pickle,
            "our encoding of `{workload}` differs from CPython's"
        );
        let decoded: T = pickle_core::from_slice(pickle).expect("decodes");
        assert!(decoded == *data, "our decoding of `{workload}` differs");
        let decoded: T =
            serde_pickle::from_slice(pickle, serde_de()).expect("serde-pickle decodes");
        assert!(
            decoded == *data,
            "serde-pickle's decoding of `{workload}` differs"
        );
    }
    let row = row_of(workload, items, py);
    vec![
        row(
            "encode",
            best(|| pickle_core::to_vec(data).expect("encodes")),
            best(|| serde_pickle::to_vec(data, serde_ser()).expect("encodes")),
            py.dumps,
        ),
        row(
            "decode typed",
            best(|| pickle_core::from_slice::<T>(pickle).expect("decodes")),
            best(|| serde_pickle::from_slice::<T>(pickle, serde_de()).expect("decodes")),
            py.loads,
        ),
        value_row(workload, items, pickle, py),
    ]
}

/// Decoding into the dynamic value of each library.
fn value_row(workload: &'static str, items: usize, pickle: &[u8], py: Python) -> Row {
    row_of(workload, items, py)(
        "decode Value",
        best(|| pickle_core::from_slice::<Value>(pickle).expect("decodes")),
        best(|| serde_pickle::value_from_slice(pickle, serde_de()).expect("decodes")),
        py.loads,
    )
}

/// The 10 MB `bytes` value: serde-pickle has no bytes type of its own, so
/// its side encodes and decodes its `Value::Bytes`.
fn bytes_rows(pickle: &[u8], py: Python) -> Vec<Row> {
    let data = ByteBuf((0..10 * 1024 * 1024).map(|i| (i % 256) as u8).collect());
    assert!(pickle_core::to_vec(&data).expect("encodes") == pickle);
    assert!(pickle_core::from_slice::<ByteBuf>(pickle).expect("decodes") == data);
    let serde_value = serde_pickle::Value::Bytes(data.0.clone());
    let row = row_of("bytes", 1, py);
    vec![
        row(
            "encode",
            best(|| pickle_core::to_vec(&data).expect("encodes")),
            best(|| serde_pickle::value_to_vec(&serde_value, serde_ser()).expect("encodes")),
            py.dumps,
        ),
        row(
            "decode typed",
            best(|| pickle_core::from_slice::<ByteBuf>(pickle).expect("decodes")),
            best(|| serde_pickle::value_from_slice(pickle, serde_de()).expect("decodes")),
            py.loads,
        ),
        value_row("bytes", 1, pickle, py),
    ]
}

/// The nested dict/list tree: both sides encode their own `Value` of it.
fn tree_rows(pickle: &[u8], py: Python) -> Vec<Row> {
    const NODES: usize = 1_050_000;
    let ours: Value = pickle_core::from_slice(pickle).expect("decodes");
    assert!(
        pickle_core::to_vec(&ours).expect("encodes") == pickle,
        "tree re-encoding differs"
    );
    let theirs = serde_pickle::value_from_slice(pickle, serde_de()).expect("decodes");
    vec![
        row_of("tree", NODES, py)(
            "encode Value",
            best(|| pickle_core::to_vec(&ours).expect("encodes")),
            best(|| serde_pickle::value_to_vec(&theirs, serde_ser()).expect("encodes")),
            py.dumps,
        ),
        value_row("tree", NODES, pickle, py),
    ]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("pickle-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    eprintln!("timing CPython...");
    let py = cpython(&dir);
    let read =
        |name: &str| std::fs::read(dir.join(format!("{name}.pkl"))).expect("CPython's pickle");
    let mut rows = Vec::new();

    eprintln!("records...");
    let pickle = read("records");
    let data = records();
    rows.extend(typed_rows(
        "records",
        &data,
        data.len(),
        &pickle,
        py["records"],
    ));
    // What any typed decoder of the records must spend at least: making
    // and dropping the same strings and vectors, without reading anything.
    let floor = best(|| data.clone());
    // What any encoder of them must spend at least: reading every field
    // and string and copying their bytes out, in no format.
    let copy_floor = best(|| copy_fields(&data, pickle.len()));
    drop(data);
    let memory = Memory::of_records(&pickle);

    eprintln!("ints, strings, bytes, tree...");
    let ints: Vec<i64> = (0..1_000_000).map(|i| i % 1000).collect();
    rows.extend(typed_rows(
        "ints",
        &ints,
        ints.len(),
        &read("ints"),
        py["ints"],
    ));
    drop(ints);
    let strings: Vec<String> = (0..100_000).map(|i| format!("s{i}")).collect();
    rows.extend(typed_rows(
        "strings",
        &strings,
        strings.len(),
        &read("strings"),
        py["strings"],
    ));
    drop(strings);
    rows.extend(bytes_rows(&read("bytes"), py["bytes"]));
    rows.extend(tree_rows(&read("tree"), py["tree"]));

    print_table(&rows);
    print_floor(floor, &rows);
    print_copy_floor(copy_floor, &rows);
    memory.print();
    serde_bridge::print(&read("records"));
    #[cfg(feature = "ndarray")]
    arrays::run(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `examples/python/bench_cpython.py`, which writes the pickles into
/// `dir` and prints its timings as JSON.
fn cpython(dir: &Path) -> HashMap<String, Python> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python");
    let out = Command::new("python3")
        .arg(here.join("bench_cpython.py"))
        .arg(dir)
        .env("PYTHONPATH", &here)
        .env("BENCH_REPEAT", repeat().to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    // {"name": {"dumps": x, "loads": y, "bytes": n}, ...}: the flat numbers.
    let mut results = HashMap::new();
    for part in text
        .trim()
        .trim_start_matches('{')
        .split("}, ")
        .map(|p| p.trim_end_matches("}}"))
    {
        let (name, fields) = part.split_once(": {").expect("name and fields");
        let num = |key: &str| -> f64 {
            let at = fields.find(&format!("\"{key}\": ")).expect("field") + key.len() + 4;
            let number = fields[at..].split([',', '}']).next().expect("number");
            number.trim().parse().expect("a number")
        };
        let timings = Python {
            dumps: num("dumps"),
            loads: num("loads"),
            bytes: num("bytes") as usize,
        };
        results.insert(name.trim_matches('"').to_owned(), timings);
    }
    results
}

fn print_table(rows: &[Row]) {
    println!("| workload | direction | pickle-core | serde-pickle | CPython | vs serde-pickle | vs CPython | MB/s (ours) | items/s (ours) |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {:.4} s | {:.4} s | {:.4} s | {:.1}x | {:.1}x | {:.0} | {:.2e} |",
            r.workload,
            r.direction,
            r.ours,
            r.serde,
            r.cpython,
            r.serde / r.ours,
            r.cpython / r.ours,
            r.bytes as f64 / r.ours / 1e6,
            r.items as f64 / r.ours,
        );
    }
}

/// The records' fields and the bytes of their strings, one after another,
/// into a buffer of `capacity` bytes.
fn copy_fields(data: &[Order], capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    for order in data {
        out.extend_from_slice(&order.id.to_le_bytes());
        out.extend_from_slice(order.customer.as_bytes());
        out.extend_from_slice(&order.price.to_le_bytes());
        for tag in &order.tags {
            out.extend_from_slice(tag.as_bytes());
        }
        if let Some(note) = &order.note {
            out.extend_from_slice(note.as_bytes());
        }
    }
    out
}

/// The row of the records' `direction`.
fn records_row<'r>(rows: &'r [Row], direction: &str) -> Option<&'r Row> {
    rows.iter()
        .find(|r| r.workload == "records" && r.direction == direction)
}

/// The memory floor of the records' encode, beside the encoders' times.
fn print_copy_floor(floor: f64, rows: &[Row]) {
    let Some(encode) = records_row(rows, "encode") else {
        return;
    };
    println!(
        "\nmemory floor of an encode of the records: copying their fields and the \
         bytes of their strings into one buffer (reading the same memory, no format) \
         takes {floor:.4} s; pickle-core takes {:.4} s (floor + {:.4} s), serde-pickle \
         {:.4} s (floor + {:.4} s); 2x serde-pickle would be {:.4} s",
        encode.ours,
        encode.ours - floor,
        encode.serde,
        encode.serde - floor,
        encode.serde / 2.0,
    );
}

/// The allocation floor of the records' typed decode, beside the decoders' times.
fn print_floor(floor: f64, rows: &[Row]) {
    let Some(decode) = records_row(rows, "decode typed") else {
        return;
    };
    println!(
        "\nallocation floor of a typed decode of the records: cloning the decoded \
         Vec<Order> (the same allocations and frees, no reading) takes {floor:.4} s; \
         pickle-core takes {:.4} s ({:.1}x the floor), serde-pickle {:.4} s ({:.1}x); \
         10x serde-pickle would be {:.4} s",
        decode.ours,
        decode.ours / floor,
        decode.serde,
        decode.serde / floor,
        decode.serde / 10.0,
    );
}

/// Counts heap bytes, for the peak memory of a decode; off while timing, so
/// that counting does not slow down what is timed.
struct Counting;
static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to `System` unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !COUNTING.load(Ordering::Relaxed) {
        } else if new_size > layout.size() {
            let grown = new_size - layout.size();
            let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak heap of a typed decode of the records, beside what the result
/// keeps, for both Rust decoders, in bytes: (peak, kept).
struct Memory {
    pickle: usize,
    ours: (usize, usize),
    serde: (usize, usize),
}

impl Memory {
    fn of_records(pickle: &[u8]) -> Memory {
        Memory {
            pickle: pickle.len(),
            ours: counted(|| pickle_core::from_slice::<Vec<Order>>(pickle).expect("decodes")),
            serde: counted(|| {
                serde_pickle::from_slice::<Vec<Order>>(pickle, serde_de()).expect("decodes")
            }),
        }
    }

    fn print(&self) {
        let mb = |n: usize| n as f64 / 1e6;
        println!(
            "\npeak heap of a typed decode of the records ({:.1} MB pickle):",
            mb(self.pickle)
        );
        for (who, (peak, kept)) in [("pickle-core", self.ours), ("serde-pickle", self.serde)] {
            println!(
                "- {who}: peak {:.1} MB, of which the decoded Vec<Order> keeps {:.1} MB (overhead {:.1} MB)",
                mb(peak),
                mb(kept),
                mb(peak - kept),
            );
        }
    }
}

/// The peak and the final heap bytes allocated while `f` runs, keeping its result.
fn counted<T>(f: impl FnOnce() -> T) -> (usize, usize) {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let result = f();
    COUNTING.store(false, Ordering::Relaxed);
    let counts = (PEAK.load(Ordering::Relaxed), LIVE.load(Ordering::Relaxed));
    drop(result);
    counts
}
