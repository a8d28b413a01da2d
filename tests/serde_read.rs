//! Reading serde types from what CPython writes: lenient where Python data
//! demands it, strict where leniency would lose data, zero-copy where the
//! pickle holds text as it is, and the same through both readers.

mod common;
mod serde_cases;

use std::borrow::Cow;
use std::collections::BTreeMap;

use pickle_core::ser::PythonVersion;
use pickle_core::serde::{from_slice, Serde};
use pickle_core::{ErrorKind, Protocol, Value};
use serde::Deserialize;
use serde_cases::Status;

/// CPython's pickles of the shapes of `tests/python/serde_shapes.py`, by
/// name, at protocols 0-5.
fn shapes() -> BTreeMap<String, Vec<Vec<u8>>> {
    let records = common::read_records(&common::python("serde_shapes.py", &[], b""));
    let mut out: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for record in records.chunks(3) {
        let name = String::from_utf8(record[0].clone()).expect("names are text");
        out.entry(name).or_default().push(record[2].clone());
    }
    out
}

/// Reads every protocol's pickle of `name` as a `T` and compares with `expected`.
fn reads_as<T>(shapes: &BTreeMap<String, Vec<Vec<u8>>>, name: &str, expected: T)
where
    T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    for (proto, bytes) in shapes[name].iter().enumerate() {
        match from_slice::<T>(bytes) {
            Ok(v) => assert_eq!(v, expected, "{name} @ protocol {proto}"),
            Err(e) => panic!("{name} @ protocol {proto}: {e}"),
        }
    }
}

/// Reads every protocol's pickle of `name` as a `T`: an error of `kind`
/// at an offset, with `path` (if any).
fn refuses<T>(
    shapes: &BTreeMap<String, Vec<Vec<u8>>>,
    name: &str,
    kind: ErrorKind,
    path: Option<&str>,
) where
    T: for<'de> Deserialize<'de> + std::fmt::Debug,
{
    for (proto, bytes) in shapes[name].iter().enumerate() {
        let err = from_slice::<T>(bytes).expect_err(name);
        assert_eq!(err.kind(), kind, "{name} @ protocol {proto}: {err}");
        assert!(
            err.offset().is_some(),
            "{name} @ protocol {proto}: no offset in {err}"
        );
        assert_eq!(
            err.path().as_deref(),
            path,
            "{name} @ protocol {proto}: {err}"
        );
    }
}

#[test]
fn sequences_read_from_tuples_sets_and_bytes() {
    let shapes = shapes();
    reads_as(&shapes, "tuple_as_vec", vec![1i64, 2, 3]);
    reads_as(&shapes, "set_as_vec", vec![7i64]);
    reads_as(&shapes, "frozenset_as_vec", vec![8i64]);
    reads_as(&shapes, "list_as_tuple", (1i64, 2i64));
    reads_as(&shapes, "bytes_as_vec", vec![0u8, 1]);
    reads_as(
        &shapes,
        "bytearray_as_bytes",
        serde_bytes::ByteBuf::from(vec![0u8, 1]),
    );
}

#[test]
fn maps_read_from_dict_like_objects() {
    let shapes = shapes();
    let expected: BTreeMap<String, i64> = [("b".into(), 1), ("a".into(), 2)].into();
    reads_as(&shapes, "ordered_dict", expected);
}

#[test]
fn scalars_read_where_python_data_holds_them_exactly() {
    let shapes = shapes();
    reads_as(&shapes, "int_as_float", 3.0f64);
    reads_as(&shapes, "bytes_as_string", "abc".to_owned());
}

#[test]
fn enums_read_in_both_of_serde_pickles_forms() {
    let shapes = shapes();
    reads_as(&shapes, "compat_unit", Status::New);
    reads_as(&shapes, "compat_newtype", Status::Paid(3));
    let shipped = Status::Shipped("DHL".into(), 2);
    reads_as(&shapes, "compat_tuple_list", shipped.clone());
    reads_as(&shapes, "compat_tuple_tuple", shipped.clone());
    reads_as(&shapes, "dict_tuple_variant", shipped);
    reads_as(
        &shapes,
        "compat_struct",
        Status::Returned {
            reason: "late".into(),
            refund: None,
        },
    );
    reads_as(&shapes, "unit_variant_none", Status::New);
}

#[derive(Deserialize, Debug, PartialEq)]
struct Order {
    id: i64,
}

#[test]
fn what_would_lose_data_is_an_error_with_offset_and_path() {
    let shapes = shapes();
    // A class is data only a type that names it accepts.
    refuses::<Order>(
        &shapes,
        "dataclass",
        ErrorKind::UnexpectedGlobal,
        Some("Order"),
    );
    refuses::<i64>(&shapes, "big_int", ErrorKind::OutOfRange, None);
    refuses::<u64>(&shapes, "big_int", ErrorKind::OutOfRange, None);
    refuses::<i64>(&shapes, "float_as_int", ErrorKind::Type, None);
    refuses::<String>(&shapes, "surrogate", ErrorKind::OutOfRange, None);
    refuses::<Status>(&shapes, "two_entry_enum", ErrorKind::Type, Some("Status"));
    refuses::<Status>(
        &shapes,
        "unit_variant_with_data",
        ErrorKind::Type,
        Some("Status"),
    );
    refuses::<Vec<Order>>(&shapes, "bad_field", ErrorKind::Type, Some("Order[1].id"));
    refuses::<Vec<Order>>(&shapes, "tuple_as_vec", ErrorKind::Type, Some("Order[0]"));
    // The same int fits wider types.
    reads_as(&shapes, "big_int", 1u128 << 64);
    reads_as(&shapes, "big_int", 1i128 << 64);
}

#[derive(Deserialize, Debug)]
struct Text<'a> {
    name: &'a str,
    #[serde(borrow)]
    cow: Cow<'a, str>,
    #[serde(borrow)]
    list: Vec<&'a str>,
}

#[derive(Deserialize, Debug)]
struct Raw<'a> {
    #[serde(with = "serde_bytes")]
    raw: &'a [u8],
}

/// The same, read by the general reader: serde buffers flattened fields
/// before it reads them, which the streaming reader does not follow.
#[derive(Deserialize, Debug)]
struct Buffered<'a> {
    #[serde(borrow, flatten)]
    text: Text<'a>,
}

#[derive(Deserialize, Debug)]
struct BufferedRaw<'a> {
    #[serde(borrow, flatten)]
    raw: Raw<'a>,
}

fn inside(input: &[u8], part: &[u8]) -> bool {
    let range = input.as_ptr_range();
    range.contains(&part.as_ptr()) && part.as_ptr_range().end <= range.end
}

fn check_text(input: &[u8], t: &Text<'_>, label: &str) {
    assert_eq!((t.name, &*t.cow), ("Ada", "cow"), "{label}");
    assert_eq!(t.list, ["x", "yz"], "{label}");
    assert!(
        matches!(t.cow, Cow::Borrowed(_)),
        "{label}: the Cow was copied"
    );
    for part in [t.name, &t.cow, t.list[1]] {
        assert!(
            inside(input, part.as_bytes()),
            "{label}: {part:?} is not in the input"
        );
    }
}

#[test]
fn str_and_bytes_borrow_from_the_input() {
    let shapes = shapes();
    for (proto, bytes) in shapes["borrowed"].iter().enumerate().skip(1) {
        let label = format!("protocol {proto}");
        let text: Text<'_> = from_slice(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        check_text(bytes, &text, &label);
        let buffered: Buffered<'_> = from_slice(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        check_text(bytes, &buffered.text, &format!("{label}, general reader"));
        if proto < 3 {
            // Below protocol 3, `bytes` is a call that makes them from
            // text: the reader's own bytes, which cannot be borrowed.
            let err = from_slice::<Raw<'_>>(bytes).expect_err("bytes made by a call");
            assert_eq!(err.kind(), ErrorKind::Type, "{label}: {err}");
            assert_eq!(err.path().as_deref(), Some("Raw.raw"), "{label}");
            continue;
        }
        let raw: Raw<'_> = from_slice(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        let buffered: BufferedRaw<'_> =
            from_slice(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        for part in [raw.raw, buffered.raw.raw] {
            assert_eq!(part, b"\x00\x01", "{label}");
            assert!(
                inside(bytes, part),
                "{label}: the bytes are not in the input"
            );
        }
    }
    // Protocol 0 text without escapes lies in the input as it is.
    let text: Text<'_> = from_slice(&shapes["borrowed"][0]).expect("protocol 0");
    check_text(&shapes["borrowed"][0], &text, "protocol 0");
    // Escaped text is the reader's: a `&str` cannot borrow it, a `Cow` copies.
    #[derive(Deserialize)]
    struct Copied<'a> {
        #[serde(borrow)]
        cow: Cow<'a, str>,
    }
    #[derive(Deserialize, Debug)]
    struct Borrows<'a> {
        #[serde(rename = "cow")]
        _cow: &'a str,
    }
    for (proto, bytes) in shapes["escaped"].iter().enumerate() {
        let copied: Copied<'_> = from_slice(bytes).expect("a Cow reads any text");
        assert_eq!(copied.cow, "\u{20ac}uro\\");
        assert_eq!(
            matches!(copied.cow, Cow::Owned(_)),
            proto == 0,
            "protocol {proto}"
        );
        if proto == 0 {
            let err = from_slice::<Borrows<'_>>(bytes).expect_err("escaped text");
            assert_eq!(err.kind(), ErrorKind::Type, "{err}");
        }
    }
}

#[test]
fn values_inside_serde_types_are_read_whole() {
    let shapes = shapes();
    #[derive(Deserialize)]
    struct Holder {
        name: Value,
        list: Value,
    }
    for bytes in &shapes["borrowed"] {
        let h: Holder = from_slice(bytes).expect("values");
        assert_eq!(h.name, Value::from("Ada"));
        assert_eq!(h.list, Value::from(vec!["x", "yz"]));
    }
}

#[test]
fn streaming_and_general_readers_agree() {
    let records = common::read_records(&common::python("serde_cases.py", &["write"], b""));
    let mut streamed = 0;
    for record in records.chunks(3) {
        let name = std::str::from_utf8(&record[0]).expect("names are text");
        let bytes = &record[2];
        let agree = agreement(name, bytes);
        match agree {
            Ok(true) => streamed += 1,
            Ok(false) => {}
            Err(e) => panic!("{name} @ protocol {}: {e}", record[1][0]),
        }
    }
    // The records CPython writes at protocols 2-5 are the streaming reader's.
    assert!(streamed >= 4 * 20, "only {streamed} pickles streamed");
}

/// Decodes `bytes` as the case `name`'s type with both readers: whether
/// the streaming reader read it, or how they disagree.
fn agreement(name: &str, bytes: &[u8]) -> Result<bool, String> {
    fn both<T>(bytes: &[u8]) -> Result<bool, String>
    where
        T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
    {
        let general = pickle_core::__private::decode_general::<Serde<T>>(bytes)
            .map_err(|e| format!("general reader: {e}"))?;
        match pickle_core::__private::decode_streaming::<Serde<T>>(bytes) {
            None => Ok(false),
            Some(s) if s == general => Ok(true),
            Some(s) => Err(format!("streaming read {:?}, general {:?}", s.0, general.0)),
        }
    }
    match name {
        "order" => both::<serde_cases::Order>(bytes),
        "orders" => both::<Vec<serde_cases::Order>>(bytes),
        n if n.starts_with("status") => {
            both::<Vec<Status>>(bytes).or_else(|_| both::<Status>(bytes))
        }
        "numbers" => both::<serde_cases::Numbers>(bytes),
        "keys" => both::<serde_cases::Keys>(bytes),
        "blob" => both::<serde_cases::Blob>(bytes),
        "letters" => both::<serde_cases::Letters>(bytes),
        "flat" | "flat_one" => both::<serde_cases::Flat>(bytes),
        n if n.starts_with("unsized") => both::<serde_cases::Unsized>(bytes),
        n if n.starts_with("list_") => both::<Vec<i64>>(bytes),
        n if n.starts_with("dict_") => both::<BTreeMap<i64, i64>>(bytes),
        _ => both::<Value>(bytes),
    }
}

#[test]
fn every_protocol_reads_the_corpus_as_written() {
    for case in serde_cases::all() {
        for protocol in Protocol::ALL {
            let bytes = (case.write)(protocol, PythonVersion::default()).expect("writes");
            (case.read)(&bytes).unwrap_or_else(|e| panic!("{} @ {protocol:?}: {e}", case.name));
        }
    }
}
