//! The serde bridge and serde-pickle 1.x: what serde-pickle writes reads
//! back through the bridge to the same value and the other way round, and
//! `pickle_core::serde::compat` writes CPython's bytes under serde-pickle's
//! function names and options. (serde-pickle's own test suite, ported to
//! the compatibility module, is in `serde_pickle_structs.rs` and
//! `serde_pickle_values.rs`.)

mod common;
mod serde_cases;

use pickle_core::ser::PythonVersion;
use pickle_core::serde::compat;
use pickle_core::Protocol;
use serde_cases::Status;

/// Cases serde-pickle cannot take part in: it has no 128-bit integers
/// (it refuses to write them, and reads no int beyond 64 bits into one),
/// nor a `u64` above `i64::MAX`.
const BEYOND_SERDE_PICKLE: &[&str] = &["numbers", "wide_u64s"];

/// Cases serde-pickle cannot read below protocol 3: an empty `bytes` is
/// `bytes()` there, as CPython writes it, a call serde-pickle does not know.
const EMPTY_BYTES: &[&str] = &["blob"];

#[test]
fn serde_pickle_reads_what_the_bridge_writes() {
    let mut failures = Vec::new();
    for case in serde_cases::all() {
        if BEYOND_SERDE_PICKLE.contains(&case.name) {
            continue;
        }
        for protocol in Protocol::ALL {
            if protocol < Protocol::V3 && EMPTY_BYTES.contains(&case.name) {
                continue;
            }
            let bytes = (case.write)(protocol, PythonVersion::default()).expect("writes");
            if let Err(e) = (case.serde_pickle_read)(&bytes) {
                failures.push(format!("{} @ {protocol:?}: {e}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_bridge_reads_what_serde_pickle_writes() {
    let mut failures = Vec::new();
    for case in serde_cases::all() {
        if BEYOND_SERDE_PICKLE.contains(&case.name) {
            continue;
        }
        for v2 in [false, true] {
            let bytes = (case.serde_pickle_write)(v2);
            if let Err(e) = (case.read)(&bytes) {
                failures.push(format!(
                    "{} (protocol {}): {e}",
                    case.name,
                    3 - u8::from(v2)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn enums_in_serde_pickles_compat_form_read_both_ways() {
    let statuses = vec![
        Status::New,
        Status::Paid(3),
        Status::Shipped("DHL".into(), 2),
        Status::Returned {
            reason: "late".into(),
            refund: Some(1.5),
        },
    ];
    let theirs = serde_pickle::SerOptions::new().compat_enum_repr();
    let bytes = serde_pickle::to_vec(&statuses, theirs).expect("serde-pickle writes");
    let ours: Vec<Status> = pickle_core::serde::from_slice(&bytes).expect("the bridge reads");
    assert_eq!(ours, statuses);
    let bytes = compat::to_vec(&statuses, compat::SerOptions::new().compat_enum_repr())
        .expect("compat writes");
    let theirs: Vec<Status> = serde_pickle::from_slice(&bytes, serde_pickle::DeOptions::new())
        .expect("serde-pickle reads");
    assert_eq!(theirs, statuses);
}

#[test]
fn compat_writes_what_cpython_writes_and_reads_it() {
    for case in serde_cases::all() {
        for (options, protocol) in [
            (compat::SerOptions::new(), Protocol::V3),
            (compat::SerOptions::new().proto_v2(), Protocol::V2),
        ] {
            // The bridge's bytes are CPython's (serde_cpython.rs).
            let ours = (case.write)(protocol, PythonVersion::default()).expect("the bridge writes");
            let (by_vec, by_writer) = (case.compat_write)(options).expect("compat writes");
            assert_eq!(by_vec, ours, "{} @ {protocol:?}", case.name);
            assert_eq!(
                by_writer, ours,
                "{} @ {protocol:?} into a writer",
                case.name
            );
            (case.compat_read)(&ours)
                .unwrap_or_else(|e| panic!("{} @ {protocol:?}: {e}", case.name));
        }
    }
    // serde-pickle's compat enums, against their Python twins.
    let mut records = Vec::new();
    for (name, value) in [
        ("compat_status_new", Status::New),
        ("compat_status_paid", Status::Paid(3)),
        ("compat_status_shipped", Status::Shipped("DHL".into(), 2)),
        (
            "compat_status_returned",
            Status::Returned {
                reason: "too big".into(),
                refund: Some(9.5),
            },
        ),
    ] {
        for (options, protocol) in [
            (compat::SerOptions::new(), 3u8),
            (compat::SerOptions::new().proto_v2(), 2),
        ] {
            let bytes = compat::to_vec(&value, options.compat_enum_repr()).expect("writes");
            records.extend([name.as_bytes().to_vec(), vec![protocol], bytes]);
        }
    }
    let report = common::python_text(
        "serde_cases.py",
        &["check"],
        &common::write_records(&records),
    );
    assert_eq!(report, "8 checked, 0 failures\n");
}
