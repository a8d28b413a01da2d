//! `Value` as a serde type, and derived classes inside serde types: through
//! the bridge they are the Python objects they are (checked against
//! CPython); through other formats, `Value`'s serde form, which is the JSON
//! of `pickle-inspect json` and reads back equal.

mod common;

use std::collections::BTreeMap;

use pickle_core::serde::Serde;
use pickle_core::{FromPickle, Protocol, ToPickle, Value};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Envelope {
    kind: String,
    payload: Value,
}

#[derive(ToPickle, FromPickle, Debug, PartialEq, Clone)]
#[pickle(module = "serde_objects")]
struct Item {
    sku: String,
    x: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Basket {
    owner: String,
    #[serde(with = "pickle_core::serde::object")]
    items: Vec<Item>,
    #[serde(with = "pickle_core::serde::object")]
    first: Item,
}

/// A serde type inside a derived class.
#[derive(ToPickle, FromPickle, Debug, PartialEq)]
#[pickle(module = "serde_objects")]
struct Holder {
    data: Serde<BTreeMap<String, Vec<i64>>>,
}

fn basket() -> Basket {
    let item = |sku: &str, x: &str| Item {
        sku: sku.into(),
        x: x.into(),
    };
    Basket {
        owner: "Ada".into(),
        items: vec![item("A1", "x"), item("B2", "xy")],
        first: item("C3", "x"),
    }
}

fn holder() -> Holder {
    Holder {
        data: Serde([("ab".to_owned(), vec![1, 2]), ("cd".to_owned(), vec![])].into()),
    }
}

/// CPython's pickles of the payload object, at protocols 0-5.
fn payloads() -> Vec<Vec<u8>> {
    let records = common::read_records(&common::python("serde_objects.py", &["payload"], b""));
    records.chunks(2).map(|r| r[1].clone()).collect()
}

fn check_in_python(records: Vec<Vec<u8>>) {
    let count = records.len() / 3;
    let report = common::python_text(
        "serde_objects.py",
        &["check"],
        &common::write_records(records),
    );
    assert_eq!(report, format!("{count} checked, 0 failures\n"));
}

#[test]
fn a_value_field_is_the_python_object_it_holds() {
    let mut records = Vec::new();
    for (protocol, payload) in Protocol::ALL.into_iter().zip(payloads()) {
        let payload: Value = pickle_core::from_slice(&payload).expect("CPython's payload");
        let envelope = Envelope {
            kind: "event".into(),
            payload,
        };
        let bytes = common::to_vec(&Serde(&envelope), protocol).expect("writes");
        let back: Envelope = pickle_core::serde::from_slice(&bytes).expect("reads");
        assert_eq!(back, envelope, "{protocol:?}");
        // Sharing is kept: the same list twice is one object.
        let items = back.payload.as_slice().expect("a list");
        assert!(
            matches!((&items[0], &items[1]), (Value::Shared(a), Value::Shared(b)) if std::sync::Arc::ptr_eq(a, b))
        );
        records.extend([b"envelope".to_vec(), vec![protocol.as_u8()], bytes]);
    }
    check_in_python(records);
}

#[test]
fn derived_classes_sit_in_serde_types_and_serde_types_in_derived_classes() {
    let mut records = Vec::new();
    for protocol in Protocol::ALL {
        let bytes = common::to_vec(&Serde(basket()), protocol).expect("writes");
        assert_eq!(
            pickle_core::serde::from_slice::<Basket>(&bytes).expect("reads"),
            basket()
        );
        records.extend([b"basket".to_vec(), vec![protocol.as_u8()], bytes]);
        let bytes = common::to_vec(&holder(), protocol).expect("writes");
        assert_eq!(
            pickle_core::from_slice::<Holder>(&bytes).expect("reads"),
            holder()
        );
        records.extend([b"holder".to_vec(), vec![protocol.as_u8()], bytes]);
    }
    check_in_python(records);
}

#[test]
fn other_formats_see_the_serde_form_and_give_it_back() {
    let json = serde_json::to_string(&basket()).expect("to JSON");
    assert!(
        json.contains(r#""$global":{"module":"serde_objects","name":"Item"}"#),
        "{json}"
    );
    let back: Basket = serde_json::from_str(&json).expect("from JSON");
    assert_eq!(back, basket());
    // Through serde-pickle's format too.
    let bytes = serde_pickle::to_vec(&basket(), Default::default()).expect("serde-pickle writes");
    let back: Basket = serde_pickle::from_slice(&bytes, Default::default()).expect("reads");
    assert_eq!(back, basket());
}

#[test]
fn values_round_trip_through_json() {
    let records = common::read_records(&common::python("corpus.py", &[], b""));
    let mut checked = 0;
    for r in records.chunks(3) {
        let label = String::from_utf8_lossy(&r[0]);
        let value: Value =
            pickle_core::from_slice(&r[2]).unwrap_or_else(|e| panic!("{label}: {e}"));
        let text = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{label}: {e}"));
        let back: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{label}: {e}"));
        // Floats are compared by their bits: a NaN's payload is not kept.
        if !has_nan(&value) {
            assert_eq!(back, value, "{label}: {text}");
        }
        checked += 1;
    }
    assert!(checked > 400, "only {checked} values");
}

fn has_nan(v: &Value) -> bool {
    match v {
        Value::Float(f) => f.is_nan(),
        Value::Shared(inner) => has_nan(inner),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) | Value::FrozenSet(items) => {
            items.iter().any(has_nan)
        }
        Value::Dict(entries) => entries.iter().any(|(k, v)| has_nan(k) || has_nan(v)),
        Value::Object(obj) => format!("{obj:?}").contains("NaN"),
        _ => false,
    }
}

#[test]
fn sharing_and_cycles_survive_json() {
    // l = [1]; l.append(l); [l, l]
    let value: Value =
        pickle_core::from_slice(b"\x80\x02]q\x00(]q\x01(K\x01h\x01eh\x01e.").unwrap();
    let text = serde_json::to_string(&value).unwrap();
    assert_eq!(text, r#"[{"$id":1,"value":[1,{"$ref":1}]},{"$ref":1}]"#);
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, value);
    assert_eq!(
        pickle_core::to_vec(&back).unwrap(),
        pickle_core::to_vec(&value).unwrap()
    );
}
