//! `ser::Options::sort_keys`: the same `HashMap` or `HashSet` gives the same
//! bytes in every run, equal to CPython's pickle of the dict with its keys
//! in `sorted()` order.

mod common;

use std::collections::{HashMap, HashSet};

use pickle_core::{ser::Options, FrozenSet, Protocol, ToPickle, Value};

fn sorted_options(protocol: Protocol) -> Options<'static> {
    Options::new()
        .protocol(protocol)
        .python(common::python_version())
        .sort_keys(true)
}

fn text_map() -> HashMap<String, i64> {
    [
        "zeta",
        "alpha",
        "é",
        "Beta",
        "a",
        "",
        "beta",
        "日本",
        "z\u{1F600}",
    ]
    .into_iter()
    .enumerate()
    .map(|(i, k)| (k.to_owned(), i as i64))
    .collect()
}

fn int_map() -> HashMap<i64, String> {
    [5, -1, 1 << 40, 0, 300, -(1 << 33), 7]
        .into_iter()
        .map(|k| (k, format!("v{k}")))
        .collect()
}

#[test]
fn sorted_maps_are_what_cpython_writes_for_the_sorted_dict() {
    let mut lines = String::new();
    let mut ours = Vec::new();
    for protocol in Protocol::ALL {
        let opts = sorted_options(protocol);
        let (text, ints) = (text_map(), int_map());
        for (bytes, value) in [
            (opts.to_vec(&text).unwrap(), as_value(&text)),
            (opts.to_vec(&ints).unwrap(), as_value(&ints)),
        ] {
            lines += &format!("{}\t{value}\n", protocol.as_u8());
            ours.push(bytes);
        }
    }
    let theirs = common::read_records(&common::python("sorted_dumps.py", &[], lines.as_bytes()));
    assert_eq!(theirs.len(), ours.len());
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a, b, "case {i}:\n{}", lines.lines().nth(i).unwrap());
    }
}

#[test]
fn every_instance_of_an_unordered_collection_writes_the_same_bytes() {
    // Each HashMap/HashSet has its own random hasher, so each iterates in
    // its own order: without sorting, these differ from one another.
    let set = |n: i64| (0..n).map(|i| format!("k{i}")).collect::<HashSet<_>>();
    let opts = sorted_options(Protocol::V5);
    let first = opts
        .to_vec(&(text_map(), set(40), FrozenSet(set(40))))
        .unwrap();
    let unsorted_differ = (0..8).any(|_| {
        pickle_core::to_vec(&(text_map(), set(40))).unwrap()
            != pickle_core::to_vec(&(text_map(), set(40))).unwrap()
    });
    assert!(unsorted_differ, "hash maps iterate in different orders");
    for _ in 0..8 {
        assert_eq!(
            opts.to_vec(&(text_map(), set(40), FrozenSet(set(40))))
                .unwrap(),
            first
        );
    }
    // And they read back as the same collections.
    let loaded: (
        HashMap<String, i64>,
        HashSet<String>,
        FrozenSet<HashSet<String>>,
    ) = pickle_core::from_slice(&first).unwrap();
    assert_eq!((loaded.0, loaded.1), (text_map(), set(40)));
}

/// `value` as a `Value`, which displays as the Python literal
/// `sorted_dumps.py` reads.
fn as_value<T: ToPickle>(value: &T) -> Value {
    pickle_core::from_slice(&pickle_core::to_vec(value).unwrap()).unwrap()
}
