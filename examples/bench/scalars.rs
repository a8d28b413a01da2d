//! Workloads of many small values of one type, and one large `bytes`.

use pickle_core::ByteBuf;

use crate::cpython::Workload;
use crate::peers::{deser_pickle_peer as via_deser, serde_pickle_peer as via_serde};
use crate::timing::{time, Peer, Row};
use crate::typed;

/// 1M small ints, 100k short strings, 1k lists of 50 floats.
pub fn rows(py: &impl Fn(&str) -> &'static Workload) -> Vec<Row> {
    let mut rows = Vec::new();
    let ints: Vec<i64> = (0..1_000_000).map(|i| i % 1000).collect();
    rows.extend(typed::rows("ints", &ints, py("ints")));
    drop(ints);
    let strings: Vec<String> = (0..100_000).map(|i| format!("s{i}")).collect();
    rows.extend(typed::rows("strings", &strings, py("strings")));
    drop(strings);
    let floats: Vec<Vec<f64>> = (0..1000)
        .map(|i| (0..50).map(|j| (i * 50 + j) as f64 + 0.5).collect())
        .collect();
    rows.extend(typed::rows("floats", &floats, py("floats")));
    rows
}

/// One 10 MiB `bytes`: serde-pickle has no bytes type of its own, so it
/// writes and reads its `Value::Bytes`; deser-pickle reads a `Vec<u8>` as
/// bytes.
pub fn bytes_rows(py: &Workload) -> Vec<Row> {
    let pickle = &py.pickle[..];
    let data = ByteBuf((0..10 * 1024 * 1024).map(|i| (i % 256) as u8).collect());
    assert!(pickle_core::to_vec(&data).expect("encodes") == pickle);
    assert!(pickle_core::from_slice::<ByteBuf>(pickle).expect("decodes") == data);
    let serde_value = serde_pickle::Value::Bytes(data.0.clone());
    assert!(via_serde::value(pickle) == serde_value);
    assert!(via_serde::value(&via_serde::value_to_vec(&serde_value)) == serde_value);
    assert!(via_deser::from_slice::<Vec<u8>>(pickle) == data.0);
    assert!(via_deser::from_slice::<Vec<u8>>(&via_deser::to_vec(&data.0)) == data.0);
    vec![
        Row::new(
            "bytes",
            "encode",
            time(|| pickle_core::to_vec(&data).expect("encodes")),
        )
        .peer(
            Peer::SerdePickle,
            time(|| via_serde::value_to_vec(&serde_value)),
        )
        .peer(Peer::DeserPickle, time(|| via_deser::to_vec(&data.0)))
        .peer(Peer::CPython, py.dumps.clone()),
        Row::new(
            "bytes",
            "decode typed",
            time(|| pickle_core::from_slice::<ByteBuf>(pickle).expect("decodes")),
        )
        .peer(Peer::SerdePickle, time(|| via_serde::value(pickle)))
        .peer(
            Peer::DeserPickle,
            time(|| via_deser::from_slice::<Vec<u8>>(pickle)),
        )
        .peer(Peer::CPython, py.loads.clone()),
        typed::value_row("bytes", py),
    ]
}
