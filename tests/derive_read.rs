//! Python -> Rust: objects written by CPython's `pickle.dumps` at protocols
//! 0 to 5 decode into the derived types; pickles naming other classes, or
//! with missing or mistyped fields, are refused with the path and offset.

mod common;
mod shop;

use std::collections::{BTreeMap, BTreeSet};

use pickle_core::{Error, ErrorKind, FromPickle};
use shop::cases::{case, customer, item, order, Case};
use shop::*;

/// The objects of `READ_CASES` in `cases.py`, only read.
fn read_only() -> Vec<Case> {
    let mut cases = shop::cases::sharing();
    cases.extend([
        case(
            "statuses_by_name",
            vec![Status::Shipped, Status::New, Status::Shipped],
        ),
        case("moods_by_name", (Mood::Happy, Mood::SoSo, Priority::Urgent)),
        case("shared_items", vec![item(1), item(1), item(1)]),
        case(
            "shared_orders",
            BTreeMap::from([
                ("aa".to_owned(), order(1, Status::Paid, 2, true)),
                ("bb".to_owned(), order(1, Status::Paid, 2, true)),
            ]),
        ),
        case("legacy_order", order(1, Status::New, 2, true)),
        case("frozen_item", item(1)),
        case(
            "legacy_customer",
            Customer {
                vip: false,
                ..customer(3)
            },
        ),
        case("item_with_color", item(1)),
        case(
            "strict_item",
            StrictItem {
                sku: "sku-1".into(),
                qty: 1,
                price: 1.25,
            },
        ),
        case(
            "wrapper_set",
            Wrapper {
                value: BTreeSet::from(["ab".to_owned(), "cd".to_owned()]),
                label: "set".into(),
            },
        ),
        case(
            "item_int_price",
            Item {
                price: 2.0,
                ..item(1)
            },
        ),
        case(
            "blob_bytearray",
            Blob {
                data: b"xyz".to_vec(),
                digest: [1, 2, 3, 4],
                extra: Some(b"ab".to_vec().into_boxed_slice()),
            },
        ),
        case(
            "pair_tuple_of_instances",
            (
                Pair {
                    left: 1,
                    right: "one".into(),
                },
                Coord(0.5, 1.5),
            ),
        ),
    ]);
    cases
}

#[test]
fn cpython_instances_decode_into_derived_types() {
    let cases: Vec<Case> = shop::cases::all().into_iter().chain(read_only()).collect();
    let records = common::read_records(&common::python("derive_read.py", &["good"], b""));
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for r in records.chunks(3) {
        let name = std::str::from_utf8(&r[0]).unwrap();
        let proto = std::str::from_utf8(&r[1]).unwrap();
        let case = cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no Rust case `{name}`"));
        seen.insert(name);
        if let Err(e) = (case.read)(&r[2]) {
            failures.push(format!("{name} at protocol {proto}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(seen.len(), cases.len(), "every case was written by CPython");
    // 3 cases hold `__slots__` classes, which CPython writes from protocol 2 on.
    assert_eq!(records.len() / 3, cases.len() * 6 - 3 * 2);
    eprintln!("{} CPython pickles decoded", records.len() / 3);
}

fn decode<T: FromPickle>(bytes: &[u8]) -> Result<(), Error> {
    pickle_core::from_slice::<T>(bytes).map(drop)
}

type Decode = fn(&[u8]) -> Result<(), Error>;

/// For each case of `shop/bad.py`: the target type, the error kind, the path.
fn expectations(name: &str) -> (Decode, ErrorKind, Option<&'static str>) {
    match name {
        "bad_price" => (
            decode::<Order>,
            ErrorKind::Type,
            Some("Order.items[3].price"),
        ),
        "system_call" => (decode::<Order>, ErrorKind::UnexpectedGlobal, None),
        "wrong_class" => (
            decode::<Vec<Item>>,
            ErrorKind::UnexpectedGlobal,
            Some("[1]"),
        ),
        "missing_price" => (decode::<Item>, ErrorKind::MissingField, Some("Item")),
        "big_qty" => (decode::<Item>, ErrorKind::OutOfRange, Some("Item.qty")),
        "unknown_member" => (decode::<Status>, ErrorKind::UnknownVariant, None),
        "unknown_member_name" => (decode::<Status>, ErrorKind::UnknownVariant, None),
        "item_with_entries" => (decode::<Item>, ErrorKind::Type, None),
        "member_with_state" => (decode::<Status>, ErrorKind::Type, None),
        "unknown_field" => (decode::<StrictItem>, ErrorKind::UnknownField, Some("Item")),
        // A bare global where a str is expected is a type error (as for
        // untyped targets); it names the global all the same.
        "global_note" => (
            decode::<Order>,
            ErrorKind::UnexpectedGlobal,
            Some("Order.note"),
        ),
        other => panic!("no expectation for `{other}`"),
    }
}

#[test]
fn refusals_name_the_class_the_path_and_the_offset() {
    let records = common::read_records(&common::python("derive_read.py", &["bad"], b""));
    let mut failures = Vec::new();
    for r in records.chunks(5) {
        let text = |i: usize| std::str::from_utf8(&r[i]).unwrap();
        let (name, proto, offset, part) = (text(0), text(1), text(3), text(4));
        let (decode, kind, path) = expectations(name);
        let err = match decode(&r[2]) {
            Ok(()) => {
                failures.push(format!("{name} at protocol {proto}: decoded"));
                continue;
            }
            Err(e) => e,
        };
        let offset: u64 = offset.parse().unwrap();
        if err.kind() != kind
            || err.path().as_deref() != path
            || err.offset() != Some(offset)
            || !err.message().contains(part)
        {
            failures.push(format!(
                "{name} at protocol {proto}: got {err:?} ({err}), expected {kind:?} at {path:?}, \
                 byte {offset}, with {part:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(records.len() / 5, 11 * 6);
}
