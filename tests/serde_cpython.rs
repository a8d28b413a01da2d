//! The serde bridge against CPython, both ways, at protocols 0-5: what it
//! writes for each case of the corpus is byte for byte what `pickle.dumps`
//! writes for the Python twin, and what CPython writes reads back equal.

mod common;
mod serde_cases;

use pickle_core::Protocol;

#[test]
fn rust_writes_what_cpython_writes() {
    let mut records = Vec::new();
    for case in serde_cases::all() {
        for protocol in Protocol::ALL {
            let bytes = (case.write)(protocol, common::python_version())
                .unwrap_or_else(|e| panic!("{} @ {protocol:?}: {e}", case.name));
            records.push(case.name.as_bytes().to_vec());
            records.push(vec![protocol.as_u8()]);
            records.push(bytes);
        }
    }
    let report = common::python_text(
        "serde_cases.py",
        &["check"],
        &common::write_records(&records),
    );
    assert!(report.ends_with(" 0 failures\n"), "{report}");
}

#[test]
fn rust_reads_what_cpython_writes() {
    let cases = serde_cases::all();
    let records = common::read_records(&common::python("serde_cases.py", &["write"], b""));
    assert_eq!(records.len(), cases.len() * 6 * 3);
    let mut failures = Vec::new();
    for record in records.chunks(3) {
        let name = std::str::from_utf8(&record[0]).expect("names are text");
        let case = cases.iter().find(|c| c.name == name).expect("a Rust case");
        if let Err(e) = (case.read)(&record[2]) {
            failures.push(format!("{name} @ protocol {}: {e}", record[1][0]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
