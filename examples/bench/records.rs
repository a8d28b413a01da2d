//! The headline workload: 200,000 records of a Python `@dataclass`, with
//! the floors any encoder and typed decoder of them must spend.

use std::collections::BTreeMap;

use pickle_core::{FromPickle, ToPickle};

use crate::cpython::Workload;
use crate::memory;
use crate::peers::{deser_pickle_peer as via_deser, serde_pickle_peer as via_serde};
use crate::timing::{time, Row};

/// The record (`bench_models.Order`, a `@dataclass`).
#[derive(
    Clone,
    Debug,
    PartialEq,
    ToPickle,
    FromPickle,
    serde::Serialize,
    serde::Deserialize,
    deser::Serialize,
    deser::Deserialize,
)]
#[pickle(module = "bench_models")]
pub struct Order {
    id: i64,
    customer: String,
    price: f64,
    tags: Vec<String>,
    note: Option<String>,
}

pub fn records() -> Vec<Order> {
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

/// The rows, and the notes on floors and memory printed under the table.
pub fn rows(py: &Workload) -> (Vec<Row>, Vec<String>) {
    let data = records();
    let rows = crate::typed::rows("records", &data, py);
    // What any typed decoder must spend at least: making and dropping the
    // same strings and vectors, without reading anything.
    let alloc_floor = time(|| data.clone());
    // What any encoder must spend at least: reading every field and string
    // and copying their bytes out, in no format.
    let copy_floor = time(|| copy_fields(&data, py.pickle.len()));
    drop(data);
    let mut notes = Vec::new();
    if let [encode, decode, _] = &rows[..] {
        notes.push(format!(
            "records: the typed decode takes {:.2}x its allocation floor (cloning the decoded \
             Vec<Order>: the same allocations and frees, no reading, {:.1} ms)",
            decode.ours.best / alloc_floor.best,
            alloc_floor.best * 1e3,
        ));
        notes.push(format!(
            "records: the encode takes {:.1} ms above its memory floor (copying every field \
             and string byte into one buffer, no format, {:.1} ms)",
            (encode.ours.best - copy_floor.best) * 1e3,
            copy_floor.best * 1e3,
        ));
    }
    notes.push(peak_heap(&py.pickle));
    (rows, notes)
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

/// The rows of the records as the values of a dict, by id (instances
/// written between keys, not one after another).
pub fn by_id_rows(py: &Workload) -> Vec<Row> {
    let data: BTreeMap<i64, Order> = records()
        .into_iter()
        .enumerate()
        .map(|(i, o)| (i as i64, o))
        .collect();
    crate::typed::rows("records by id", &data, py)
}

/// Peak heap of a typed decode beside what the result keeps, per library.
fn peak_heap(pickle: &[u8]) -> String {
    let mb = |n: usize| n as f64 / 1e6;
    let mut line = format!(
        "records: peak heap of a typed decode ({:.1} MB pickle):",
        mb(pickle.len())
    );
    let libraries: [(&str, &dyn Fn() -> Vec<Order>); 3] = [
        ("pickle-core", &|| {
            pickle_core::from_slice(pickle).expect("decodes")
        }),
        ("serde-pickle", &|| via_serde::from_slice(pickle)),
        ("deser-pickle", &|| via_deser::from_slice(pickle)),
    ];
    for (who, decode) in libraries {
        let (peak, kept) = memory::peak_and_kept(decode);
        line += &format!(" {who} {:.1} MB for {:.1} MB kept;", mb(peak), mb(kept));
    }
    line
}
