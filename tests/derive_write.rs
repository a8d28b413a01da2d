//! Rust -> Python: values of derived types, written at protocols 0 to 5,
//! load in CPython as real instances of the classes they name, equal to
//! the objects of `tests/python/shop/cases.py`, and their bytes equal what
//! CPython writes for those objects.

mod common;
mod shop;

use pickle_core::Protocol;

/// The cases whose classes CPython refuses to write at protocols 0 and 1
/// (`__slots__` without `__getstate__`): there only the load is checked.
const SLOTS: &[&str] = &["slotted", "shapes", "catalog"];

#[test]
fn cpython_loads_derived_values_and_writes_the_same_bytes() {
    let cases = shop::cases::all();
    let mut records: Vec<Vec<u8>> = Vec::new();
    for case in &cases {
        for protocol in Protocol::ALL {
            let bytes = common::to_vec(&*case.value, protocol)
                .unwrap_or_else(|e| panic!("{} at {protocol:?}: {e}", case.name));
            records.push(case.name.as_bytes().to_vec());
            records.push((protocol as u8).to_string().into_bytes());
            records.push(bytes);
        }
    }
    let report = common::python_text("derive_write.py", &[], &common::write_records(&records));
    let (mut checked, mut identical, mut load_only) = (0, 0, 0);
    let mut failures = Vec::new();
    for line in report.lines() {
        checked += 1;
        let field = |key: &str| {
            line.split(&format!("\"{key}\": "))
                .nth(1)
                .and_then(|rest| rest.split([',', '}']).next())
                .unwrap_or("")
                .to_owned()
        };
        let (name, proto) = (field("case"), field("proto"));
        if line.contains("\"error\"") || field("equal") != "true" {
            failures.push(line.to_owned());
            continue;
        }
        match field("identical").as_str() {
            "true" => identical += 1,
            "null" if proto == "0" || proto == "1" => {
                assert!(SLOTS.contains(&name.trim_matches('"')), "{line}");
                load_only += 1;
            }
            _ => failures.push(line.to_owned()),
        }
    }
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
    assert_eq!(checked, cases.len() * Protocol::ALL.len());
    assert_eq!(load_only, SLOTS.len() * 2);
    assert_eq!(identical, checked - load_only);
    eprintln!(
        "{checked} pickles loaded as the right instances, {identical} byte-identical to CPython"
    );
}

/// Orders written after a string of `k` bytes, for every `k` in a range
/// longer than a record, so that the first frame is committed at every kind
/// of place inside a record (before an attribute name written with its
/// value, inside a list, before a nested instance...).
#[test]
fn frames_commit_where_cpython_commits_them_at_every_offset() {
    let orders: Vec<shop::Order> = shop::cases::bulk_orders().into_iter().take(600).collect();
    let mut records: Vec<Vec<u8>> = Vec::new();
    for k in 2..=200usize {
        let value = ("p".repeat(k), &orders);
        for protocol in [Protocol::V4, Protocol::V5] {
            let bytes = common::to_vec(&value, protocol).expect("orders are picklable");
            assert!(bytes.len() > 64 * 1024);
            records.push(k.to_string().into_bytes());
            records.push((protocol as u8).to_string().into_bytes());
            records.push(bytes);
        }
    }
    let count = records.len() / 3;
    common::assert_python_ok_for_each("frame_shift.py", &records, count);
}

/// Instances written whole into the buffer's spare room (protocol 4+, see
/// `pickle_core::ser::Draft`) come out the same when the writer streams
/// frame by frame, reusing that room after each flush.
#[test]
fn streamed_instances_equal_the_buffered_ones() {
    let samples: Vec<shop::Sample> = (0..3000).map(shop::cases::sample).collect();
    let orders = shop::cases::bulk_orders();
    for protocol in [Protocol::V4, Protocol::V5] {
        for value in [&samples as &dyn pickle_core::ToPickle, &orders] {
            let mut streamed = Vec::new();
            pickle_core::ser::Options::new()
                .protocol(protocol)
                .to_writer(&mut streamed, value)
                .expect("writes");
            let buffered = pickle_core::to_vec_with(value, protocol).expect("writes");
            assert!(buffered.len() > 3 * 64 * 1024);
            assert!(streamed == buffered, "{protocol:?}");
        }
    }
}

/// The depth limit holds the same for instances written whole (protocol
/// 5) as for those written value by value (protocol 3). In each value, the
/// first instance is written value by value (its class is not in the memo
/// yet) and the second whole, nested deeper than the first: by its place
/// (an item in a list), or by its fields (a sample's `parts` and a part).
#[test]
fn instances_written_whole_keep_the_depth_limit() {
    use shop::cases::{item, sample};
    let by_place = (item(0), vec![item(1)]);
    let by_fields = vec![sample(0), sample(19)];
    let least = |value: &dyn pickle_core::ToPickle, protocol: Protocol| {
        (0..10)
            .find(|&depth| {
                pickle_core::ser::Options::new()
                    .protocol(protocol)
                    .max_depth(depth)
                    .to_vec(value)
                    .is_ok()
            })
            .expect("some depth is enough")
    };
    // The second instance is the deeper: without it, less depth is enough.
    assert!(least(&by_place.0, Protocol::V3) < least(&by_place, Protocol::V3));
    assert!(least(&&by_fields[..1], Protocol::V3) < least(&by_fields, Protocol::V3));
    for value in [&by_place as &dyn pickle_core::ToPickle, &by_fields] {
        assert_eq!(least(value, Protocol::V5), least(value, Protocol::V3));
    }
}
