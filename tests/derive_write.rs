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
            let bytes = pickle_core::to_vec_with(&*case.value, protocol)
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
