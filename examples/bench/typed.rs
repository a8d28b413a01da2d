//! The rows of a workload of typed data, the same for every such workload:
//! encode, typed decode and `Value` decode, by every library, each result
//! checked before it is timed.

use pickle_core::Value;

use crate::cpython::Workload;
use crate::peers::{deser_pickle_peer as via_deser, serde_pickle_peer as via_serde, Data};
use crate::timing::{time, Peer, Row};

pub fn rows<T: Data>(workload: &'static str, data: &T, py: &Workload) -> Vec<Row> {
    check(workload, data, py);
    let pickle = &py.pickle[..];
    vec![
        Row::new(
            workload,
            "encode",
            time(|| pickle_core::to_vec(data).expect("encodes")),
        )
        .peer(Peer::SerdePickle, time(|| via_serde::to_vec(data)))
        .peer(Peer::DeserPickle, time(|| via_deser::to_vec(data)))
        .peer(Peer::CPython, py.dumps.clone()),
        Row::new(
            workload,
            "decode typed",
            time(|| pickle_core::from_slice::<T>(pickle).expect("decodes")),
        )
        .peer(
            Peer::SerdePickle,
            time(|| via_serde::from_slice::<T>(pickle)),
        )
        .peer(
            Peer::DeserPickle,
            time(|| via_deser::from_slice::<T>(pickle)),
        )
        .peer(Peer::CPython, py.loads.clone()),
        value_row(workload, py),
    ]
}

/// Every library's result, checked: our bytes are CPython's; the peers'
/// bytes read back (by the peer) to the data; every typed decode of
/// CPython's pickle is the data; every dynamic value converts to it.
fn check<T: Data>(workload: &str, data: &T, py: &Workload) {
    let pickle = &py.pickle[..];
    let ours = pickle_core::to_vec(data).expect("encodes");
    assert!(
        ours == pickle,
        "our encoding of `{workload}` is not CPython's"
    );
    assert!(pickle_core::from_slice::<T>(pickle).expect("decodes") == *data);
    assert!(via_serde::from_slice::<T>(&via_serde::to_vec(data)) == *data);
    assert!(via_serde::from_slice::<T>(pickle) == *data);
    assert!(via_deser::from_slice::<T>(&via_deser::to_vec(data)) == *data);
    assert!(via_deser::from_slice::<T>(pickle) == *data);
    let value: Value = pickle_core::from_slice(pickle).expect("decodes");
    assert!(pickle_core::to_vec(&value).expect("encodes") == pickle);
    let theirs = via_serde::value(pickle);
    assert!(serde_pickle::from_value::<T>(theirs).expect("converts") == *data);
    let theirs = via_deser::value(pickle);
    assert!(deser_value::from_value::<T>(&theirs).expect("converts") == *data);
}

/// Decoding into each library's dynamic value.
pub fn value_row(workload: &'static str, py: &Workload) -> Row {
    let pickle = &py.pickle[..];
    Row::new(
        workload,
        "decode Value",
        time(|| pickle_core::from_slice::<Value>(pickle).expect("decodes")),
    )
    .peer(Peer::SerdePickle, time(|| via_serde::value(pickle)))
    .peer(Peer::DeserPickle, time(|| via_deser::value(pickle)))
    .peer(Peer::CPython, py.loads.clone())
}

/// Encoding each library's dynamic value of the pickle.
pub fn value_encode_row(workload: &'static str, py: &Workload) -> Row {
    let pickle = &py.pickle[..];
    let ours: Value = pickle_core::from_slice(pickle).expect("decodes");
    assert!(pickle_core::to_vec(&ours).expect("encodes") == pickle);
    let serde_value = via_serde::value(pickle);
    let again = via_serde::value(&via_serde::value_to_vec(&serde_value));
    assert!(
        again == serde_value,
        "serde-pickle's value does not read back"
    );
    let deser_value = via_deser::value(pickle);
    let again = via_deser::value(&via_deser::value_to_vec(&deser_value));
    assert!(
        again == deser_value,
        "deser-pickle's value does not read back"
    );
    Row::new(
        workload,
        "encode Value",
        time(|| pickle_core::to_vec(&ours).expect("encodes")),
    )
    .peer(
        Peer::SerdePickle,
        time(|| via_serde::value_to_vec(&serde_value)),
    )
    .peer(
        Peer::DeserPickle,
        time(|| via_deser::value_to_vec(&deser_value)),
    )
    .peer(Peer::CPython, py.dumps.clone())
}
