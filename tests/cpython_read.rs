//! Python writes, Rust reads: a corpus of about 80 kinds of values pickled by
//! CPython at every protocol is decoded into `Value` and written back; CPython
//! must load the re-encoding as an equal object with the same sharing, and the
//! bytes must be identical to CPython's own.

mod common;

use pickle_core::{Protocol, Value};

#[test]
fn corpus_round_trips_through_value_byte_for_byte() {
    let records = common::read_records(&common::python("corpus.py", &[], b""));
    assert!(
        records.len() >= 75 * 6 * 3,
        "the corpus is smaller than expected"
    );
    let mut out = Vec::new();
    for case in records.chunks(3) {
        let (name, proto, original) = (&case[0], case[1][0], &case[2]);
        let protocol = Protocol::try_from(proto).expect("corpus protocols are 0-5");
        let ours = pickle_core::from_slice::<Value>(original)
            .and_then(|v| common::to_vec(&v, protocol))
            .unwrap_or_else(|e| format!("ERROR: {e}").into_bytes());
        out.extend([name.clone(), vec![proto], original.clone(), ours]);
    }
    let report = common::python_text("check_roundtrip.py", &[], &common::write_records(&out));
    let summary: Vec<&str> = report.lines().collect();
    let last = summary.last().expect("the checker prints a summary");
    let total = records.len() / 3;
    assert_eq!(
        *last,
        format!("{{\"total\": {total}, \"identical\": {total}, \"failures\": 0}}"),
        "round-trip failures:\n{report}"
    );
}
