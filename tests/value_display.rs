//! `Value`'s `Display` against CPython's `repr`, for every plain-data value
//! of the round-trip corpus (`tests/python/value_repr.py`).

mod common;

use pickle_core::Value;

#[test]
fn plain_data_displays_as_cpython_repr() {
    let records = common::read_records(&common::python("value_repr.py", &[], b""));
    assert!(records.len() >= 3 * 40, "the corpus has its plain values");
    let mut failures = Vec::new();
    for case in records.chunks(3) {
        let (name, pickle) = (String::from_utf8_lossy(&case[0]), &case[1]);
        let repr = String::from_utf8_lossy(&case[2]);
        let value: Value = pickle_core::from_slice(pickle).expect("CPython's pickle reads");
        let shown = value.to_string();
        if shown != repr {
            failures.push(format!(
                "{name}:\n  repr    {repr:.200}\n  Display {shown:.200}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
