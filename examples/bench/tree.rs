//! Workloads of nested dicts and lists: a `Value` tree of about 1M nodes
//! (each library encodes its own dynamic value of it), and a typed tree of
//! 45,000 dict-shaped items in a two-level dict of lists.

use std::collections::BTreeMap;

use pickle_core::{FromPickle, ToPickle};

use crate::cpython::Workload;
use crate::timing::Row;
use crate::typed;

/// `{"id": i, "vals": [i, i + 1, i + 2], "name": "n{i}"}` for 150,000 `i`.
pub fn value_rows(py: &Workload) -> Vec<Row> {
    vec![
        typed::value_encode_row("tree", py),
        typed::value_row("tree", py),
    ]
}

/// One item of the typed tree: a plain `dict` in Python.
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
#[pickle(dict)]
pub struct Item {
    id: i64,
    name: String,
    score: f64,
    tags: Vec<String>,
    counts: Vec<i64>,
    weights: Vec<f64>,
}

type DictTree = BTreeMap<String, BTreeMap<String, Vec<Item>>>;

/// 30 groups of 50 sections of 30 items (`bench_cpython.dict_tree`).
fn dict_tree() -> DictTree {
    let (groups, sections, items) = (30i64, 50i64, 30i64);
    (0..groups)
        .map(|g| {
            let group = (0..sections)
                .map(|s| {
                    let list = (0..items)
                        .map(|i| Item {
                            id: (g * sections + s) * items + i,
                            name: format!("item {g}.{s}.{i}"),
                            score: i as f64 * 0.5,
                            tags: vec![format!("t{}", i % 5), format!("u{}", i % 3)],
                            counts: vec![i, i + 1, i + 2],
                            weights: vec![i as f64 * 0.25, i as f64 * 0.125],
                        })
                        .collect();
                    (format!("section{s:02}"), list)
                })
                .collect();
            (format!("group{g:02}"), group)
        })
        .collect()
}

pub fn dict_tree_rows(py: &Workload) -> Vec<Row> {
    let data = dict_tree();
    let mut rows = typed::rows("dict tree", &data, py);
    rows.push(typed::value_encode_row("dict tree", py));
    rows
}
