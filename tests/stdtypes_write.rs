//! Rust writes, Python reads: values of the standard types (std, and each
//! optional feature's crate when enabled) written at protocols 0 to 5 must
//! be byte-identical to `pickle.dumps` of the same Python object, and load
//! in CPython equal to it (same types, same tzinfo, same Decimal text).

mod common;
mod stdtypes;

use pickle_core::{ErrorKind, Protocol};

#[test]
fn standard_types_are_byte_identical_to_cpython() {
    let cases = stdtypes::all();
    let mut records: Vec<Vec<u8>> = Vec::new();
    for case in &cases {
        for protocol in Protocol::ALL {
            let bytes = common::to_vec(&*case.value, protocol)
                .unwrap_or_else(|e| panic!("`{}` at protocol {protocol}: {e}", case.name));
            records.extend([
                case.name.clone().into_bytes(),
                case.expr.clone().into_bytes(),
                protocol.as_u8().to_string().into_bytes(),
                bytes,
            ]);
        }
    }
    let report = common::python_text("stdtypes.py", &["check"], &common::write_records(&records));
    let summary = report.lines().last().unwrap_or_default();
    let total = cases.len() * Protocol::ALL.len();
    assert_eq!(
        summary,
        format!("{{\"total\": {total}, \"identical\": {total}, \"equal\": {total}}}"),
        "pickles that differ from CPython's or load differently:\n{report}"
    );
    eprintln!(
        "{} cases x {} protocols: {total} pickles byte-identical to CPython and loaded equal",
        cases.len(),
        Protocol::ALL.len()
    );
}

/// Values Python cannot hold are refused at every protocol, not written wrong.
#[test]
fn values_python_cannot_hold_are_refused() {
    use std::collections::VecDeque;
    use std::time::Duration;

    use pickle_core::{Deque, ToPickle};

    let refused: Vec<(&str, Box<dyn ToPickle>)> = vec![
        ("duration beyond timedelta.max", Box::new(Duration::MAX)),
        (
            "duration one day too long",
            Box::new(Duration::from_secs(1_000_000_000 * 86400)),
        ),
        (
            "deque beyond maxlen",
            Box::new(Deque {
                items: VecDeque::from([1, 2, 3]),
                maxlen: Some(2),
            }),
        ),
    ];
    for (name, value) in &refused {
        for protocol in Protocol::ALL {
            let err = common::to_vec(&**value, protocol).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unpicklable, "{name}: {err}");
            assert!(err.message().contains('`'), "{name}: names the type: {err}");
        }
    }
}

#[cfg(feature = "chrono")]
#[test]
fn dates_python_cannot_hold_are_refused() {
    use chrono::{NaiveDate, NaiveTime, TimeDelta};
    use pickle_core::ToPickle;

    let leap = NaiveTime::from_hms_milli_opt(23, 59, 59, 1500).expect("a leap second");
    let refused: Vec<(&str, Box<dyn ToPickle>, &str)> = vec![
        (
            "year 0",
            Box::new(NaiveDate::from_ymd_opt(0, 1, 1).expect("date")),
            "year 0 is out of range for Python's `datetime` (1 to 9999)",
        ),
        (
            "year 10000 in a list",
            Box::new(vec![NaiveDate::from_ymd_opt(10000, 1, 1).expect("date")]),
            "year 10000 is out of range for Python's `datetime` (1 to 9999)",
        ),
        (
            "year -1 datetime",
            Box::new(
                NaiveDate::from_ymd_opt(-1, 1, 1)
                    .expect("date")
                    .and_hms_opt(0, 0, 0)
                    .expect("time")
                    .and_utc(),
            ),
            "year -1 is out of range for Python's `datetime` (1 to 9999)",
        ),
        (
            "leap second",
            Box::new(leap),
            "the leap second 23:59:60.500 has no Python `datetime` value",
        ),
        (
            "timedelta beyond timedelta.max",
            Box::new(TimeDelta::days(1_000_000_000)),
            "`TimeDelta` of 1000000000 days is out of range for Python's `datetime.timedelta` \
             (at most 999999999 days either way)",
        ),
        (
            "timedelta below timedelta.min",
            Box::new(TimeDelta::days(-999_999_999) - TimeDelta::microseconds(1)),
            "`TimeDelta` of -1000000000 days is out of range for Python's `datetime.timedelta` \
             (at most 999999999 days either way)",
        ),
    ];
    for (name, value, message) in &refused {
        for protocol in Protocol::ALL {
            let err = common::to_vec(&**value, protocol).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unpicklable, "{name}: {err}");
            assert_eq!(err.message(), *message, "{name}");
        }
    }
}

#[cfg(feature = "num-bigint")]
#[test]
fn an_int_beyond_the_digit_limit_is_refused_as_text_as_cpython_refuses_it() {
    // CPython: pickle.dumps(2**20000, 0) raises ValueError (6021 decimal
    // digits, more than 4300); protocol 2 writes it as LONG4.
    let huge = num_bigint::BigInt::from(1) << 20000u32;
    for protocol in [Protocol::V0, Protocol::V1] {
        let err = common::to_vec(&huge, protocol).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unpicklable);
    }
    let data = common::to_vec(&huge, Protocol::V2).expect("LONG4");
    let back: num_bigint::BigInt = pickle_core::from_slice(&data).expect("reads back");
    assert_eq!(back, huge);
}

/// Python 2.7 loads what protocols 0 to 2 write of the standard types it
/// has (not `ipaddress` or `datetime.timezone`) as the CPython under test
/// loads it (where Python 2.7 is installed).
#[test]
fn python27_loads_protocols_0_to_2_as_python3_does() {
    let mut records = Vec::new();
    for case in stdtypes::all() {
        for protocol in [Protocol::V0, Protocol::V1, Protocol::V2] {
            let bytes = common::to_vec(&*case.value, protocol).expect("picklable");
            records.extend([
                case.name.as_bytes().to_vec(),
                protocol.as_u8().to_string().into_bytes(),
                bytes,
            ]);
        }
    }
    let compared = common::assert_python27_loads_as_python3_does(&records);
    eprintln!("{compared} pickles loaded alike by Python 2.7 and 3");
    assert!(
        compared == 0 || compared > 3 * 20,
        "only {compared} pickles compared"
    );
}
