//! Benchmarks pickle-core against serde-pickle and CPython, in one run, on
//! the same data, and prints a table.
//!
//! ```text
//! cargo run --release --example bench
//! ```
//!
//! CPython's numbers come from `python3` timing its own `pickle.dumps` and
//! `pickle.loads` (C implementation) on the equivalent objects
//! (`examples/python/bench_cpython.py`); each number is the best of
//! `BENCH_REPEAT` runs (default 5).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use pickle_core::class::{ClassDesc, FieldDesc, Repr};
use pickle_core::{ByteBuf, Decoder, FromPickle, Pickler, ToPickle, Value};

/// The record of the headline workload (a Python `@dataclass`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Order {
    id: i64,
    customer: String,
    price: f64,
    tags: Vec<String>,
    note: Option<String>,
}

static ORDER: ClassDesc = ClassDesc {
    module: "bench_models",
    name: "Order",
    repr: Repr::State,
    fields: &[
        FieldDesc {
            name: "id",
            aliases: &[],
            optional: false,
        },
        FieldDesc {
            name: "customer",
            aliases: &[],
            optional: false,
        },
        FieldDesc {
            name: "price",
            aliases: &[],
            optional: false,
        },
        FieldDesc {
            name: "tags",
            aliases: &[],
            optional: false,
        },
        FieldDesc {
            name: "note",
            aliases: &[],
            optional: false,
        },
    ],
    aliases: &[],
    deny_unknown_fields: false,
    members: &[],
};

impl ToPickle for Order {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
        p.write_instance(
            &ORDER,
            &[
                &self.id,
                &self.customer,
                &self.price,
                &self.tags,
                &self.note,
            ],
        )
    }
}

impl FromPickle for Order {
    fn from_pickle(d: Decoder<'_>) -> pickle_core::Result<Self> {
        let mut inst = d.instance(&ORDER)?;
        let (mut id, mut customer, mut price, mut tags, mut note) = (None, None, None, None, None);
        while let Some((i, v)) = inst.next_field()? {
            match i {
                0 => id = Some(FromPickle::from_pickle(v)?),
                1 => customer = Some(FromPickle::from_pickle(v)?),
                2 => price = Some(FromPickle::from_pickle(v)?),
                3 => tags = Some(FromPickle::from_pickle(v)?),
                _ => note = Some(FromPickle::from_pickle(v)?),
            }
        }
        Ok(Order {
            id: id.ok_or_else(|| inst.missing(0))?,
            customer: customer.ok_or_else(|| inst.missing(1))?,
            price: price.ok_or_else(|| inst.missing(2))?,
            tags: tags.ok_or_else(|| inst.missing(3))?,
            note: note.ok_or_else(|| inst.missing(4))?,
        })
    }
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
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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

struct Row {
    workload: &'static str,
    direction: &'static str,
    items: usize,
    bytes: usize,
    ours: f64,
    serde: Option<f64>,
    cpython: f64,
}

fn cpython(dir: &Path) -> HashMap<String, (f64, f64, usize)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python/bench_cpython.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(dir)
        .env(
            "PYTHONPATH",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python"),
        )
        .env("BENCH_REPEAT", repeat().to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    // {"name": {"dumps": x, "loads": y, "bytes": n}, ...}: parse the flat numbers.
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
            fields[at..]
                .split([',', '}'])
                .next()
                .expect("number")
                .trim()
                .parse()
                .expect("a number")
        };
        results.insert(
            name.trim_matches('"').to_owned(),
            (num("dumps"), num("loads"), num("bytes") as usize),
        );
    }
    results
}

fn main() {
    let dir = std::env::temp_dir().join(format!("pickle-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    eprintln!("timing CPython...");
    let py = cpython(&dir);
    let read =
        |name: &str| std::fs::read(dir.join(format!("{name}.pkl"))).expect("CPython's pickle");
    let de = || {
        serde_pickle::DeOptions::new()
            .keep_restore_state()
            .replace_unresolved_globals()
    };
    let ser = serde_pickle::SerOptions::new;
    let mut rows = Vec::new();

    eprintln!("records...");
    let orders = records();
    let cpython_records = read("records");
    let ours = pickle_core::to_vec(&orders).expect("encodes");
    assert!(
        ours == cpython_records,
        "our encoding of the records differs from CPython's"
    );
    let decoded: Vec<Order> = pickle_core::from_slice(&cpython_records).expect("decodes");
    assert!(decoded == orders, "decoded records differ");
    let serde_decoded: Vec<Order> =
        serde_pickle::from_slice(&cpython_records, de()).expect("serde-pickle decodes");
    assert!(serde_decoded == orders);
    let (dumps, loads, size) = py["records"];
    rows.push(Row {
        workload: "records",
        direction: "encode",
        items: orders.len(),
        bytes: size,
        ours: best(|| pickle_core::to_vec(&orders).expect("encodes")),
        serde: Some(best(|| {
            serde_pickle::to_vec(&orders, ser()).expect("encodes")
        })),
        cpython: dumps,
    });
    rows.push(Row {
        workload: "records",
        direction: "decode typed",
        items: orders.len(),
        bytes: size,
        ours: best(|| pickle_core::from_slice::<Vec<Order>>(&cpython_records).expect("decodes")),
        serde: Some(best(|| {
            serde_pickle::from_slice::<Vec<Order>>(&cpython_records, de()).expect("decodes")
        })),
        cpython: loads,
    });
    rows.push(Row {
        workload: "records",
        direction: "decode Value",
        items: orders.len(),
        bytes: size,
        ours: best(|| pickle_core::from_slice::<Value>(&cpython_records).expect("decodes")),
        serde: Some(best(|| {
            serde_pickle::value_from_slice(&cpython_records, de()).expect("decodes")
        })),
        cpython: loads,
    });

    eprintln!("ints, strings, bytes, tree...");
    let ints: Vec<i64> = (0..1_000_000).map(|i| i % 1000).collect();
    let strings: Vec<String> = (0..100_000).map(|i| format!("s{i}")).collect();
    let bytes = ByteBuf((0..10 * 1024 * 1024).map(|i| (i % 256) as u8).collect());
    for (workload, items, encode_ours, encode_serde, pickle, typed_ours, typed_serde) in [
        (
            "ints",
            ints.len(),
            best(|| pickle_core::to_vec(&ints).expect("encodes")),
            best(|| serde_pickle::to_vec(&ints, ser()).expect("encodes")),
            read("ints"),
            Box::new(|d: &[u8]| best(|| pickle_core::from_slice::<Vec<i64>>(d).expect("decodes")))
                as Box<dyn Fn(&[u8]) -> f64>,
            Box::new(|d: &[u8]| {
                best(|| serde_pickle::from_slice::<Vec<i64>>(d, de()).expect("decodes"))
            }) as Box<dyn Fn(&[u8]) -> f64>,
        ),
        (
            "strings",
            strings.len(),
            best(|| pickle_core::to_vec(&strings).expect("encodes")),
            best(|| serde_pickle::to_vec(&strings, ser()).expect("encodes")),
            read("strings"),
            Box::new(|d: &[u8]| {
                best(|| pickle_core::from_slice::<Vec<String>>(d).expect("decodes"))
            }),
            Box::new(|d: &[u8]| {
                best(|| serde_pickle::from_slice::<Vec<String>>(d, de()).expect("decodes"))
            }),
        ),
        (
            "bytes",
            1,
            best(|| pickle_core::to_vec(&bytes).expect("encodes")),
            best(|| serde_pickle::value_to_vec(&serde_bytes_of(&bytes.0), ser()).expect("encodes")),
            read("bytes"),
            Box::new(|d: &[u8]| best(|| pickle_core::from_slice::<ByteBuf>(d).expect("decodes"))),
            Box::new(|d: &[u8]| best(|| serde_pickle::value_from_slice(d, de()).expect("decodes"))),
        ),
    ] {
        let (dumps, loads, size) = py[workload];
        rows.push(Row {
            workload,
            direction: "encode",
            items,
            bytes: size,
            ours: encode_ours,
            serde: Some(encode_serde),
            cpython: dumps,
        });
        rows.push(Row {
            workload,
            direction: "decode typed",
            items,
            bytes: size,
            ours: typed_ours(&pickle),
            serde: Some(typed_serde(&pickle)),
            cpython: loads,
        });
        rows.push(Row {
            workload,
            direction: "decode Value",
            items,
            bytes: size,
            ours: best(|| pickle_core::from_slice::<Value>(&pickle).expect("decodes")),
            serde: Some(best(|| {
                serde_pickle::value_from_slice(&pickle, de()).expect("decodes")
            })),
            cpython: loads,
        });
    }
    let tree_pickle = read("tree");
    let tree: Value = pickle_core::from_slice(&tree_pickle).expect("decodes");
    assert!(
        pickle_core::to_vec(&tree).expect("encodes") == tree_pickle,
        "tree re-encoding differs"
    );
    let serde_tree = serde_pickle::value_from_slice(&tree_pickle, de()).expect("decodes");
    let (dumps, loads, size) = py["tree"];
    rows.push(Row {
        workload: "tree",
        direction: "encode Value",
        items: 1_050_000,
        bytes: size,
        ours: best(|| pickle_core::to_vec(&tree).expect("encodes")),
        serde: Some(best(|| {
            serde_pickle::value_to_vec(&serde_tree, ser()).expect("encodes")
        })),
        cpython: dumps,
    });
    rows.push(Row {
        workload: "tree",
        direction: "decode Value",
        items: 1_050_000,
        bytes: size,
        ours: best(|| pickle_core::from_slice::<Value>(&tree_pickle).expect("decodes")),
        serde: Some(best(|| {
            serde_pickle::value_from_slice(&tree_pickle, de()).expect("decodes")
        })),
        cpython: loads,
    });

    print_table(&rows);
    print_memory(&cpython_records);
    let _ = std::fs::remove_dir_all(&dir);
}

fn serde_bytes_of(b: &[u8]) -> serde_pickle::Value {
    serde_pickle::Value::Bytes(b.to_vec())
}

fn print_table(rows: &[Row]) {
    println!("| workload | direction | pickle-core | serde-pickle | CPython | vs serde-pickle | vs CPython | MB/s (ours) | items/s (ours) |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let serde = r.serde.map_or("-".to_owned(), |s| format!("{s:.4} s"));
        let vs_serde = r
            .serde
            .map_or("-".to_owned(), |s| format!("{:.1}x", s / r.ours));
        println!(
            "| {} | {} | {:.4} s | {} | {:.4} s | {} | {:.1}x | {:.0} | {:.2e} |",
            r.workload,
            r.direction,
            r.ours,
            serde,
            r.cpython,
            vs_serde,
            r.cpython / r.ours,
            r.bytes as f64 / r.ours / 1e6,
            r.items as f64 / r.ours,
        );
    }
}

/// Peak heap of a typed decode of the records, beside what the result keeps.
fn print_memory(pickle: &[u8]) {
    // Only what is allocated and freed while counting is counted, so start
    // from zero: LIVE counts the decode's own allocations.
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let decoded: Vec<Order> = pickle_core::from_slice(pickle).expect("decodes");
    COUNTING.store(false, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    let kept = LIVE.load(Ordering::Relaxed);
    println!(
        "\ntyped decode of the records ({:.1} MB pickle): peak {:.1} MB, of which the decoded Vec<Order> keeps {:.1} MB (overhead {:.1} MB)",
        pickle.len() as f64 / 1e6,
        peak as f64 / 1e6,
        kept as f64 / 1e6,
        (peak - kept) as f64 / 1e6,
    );
    drop(decoded);
}
