//! Rust writes, Python reads: native Rust values written with `ToPickle` at
//! every protocol must be byte-identical to what CPython's `pickle.dumps`
//! writes for the equivalent Python object, and load back equal.

mod common;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use pickle_core::{
    BigInt, ByteArray, ByteBuf, Bytes, Global, Pickler, Protocol, PyStr, ToPickle, Value,
};

/// A value written by a function, for the writer's lower-level calls.
struct Written(fn(&mut Pickler<'_>) -> pickle_core::Result<()>);

impl ToPickle for Written {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
        (self.0)(p)
    }
}

fn utc(p: &mut Pickler<'_>) -> pickle_core::Result<()> {
    let zero = Written(|p| p.write_reduce("datetime", "timedelta", &[&0, &0, &0]));
    p.write_singleton("datetime.timezone.utc", "datetime", "timezone", &[&zero])
}

/// Every case: a name the Python checker knows, and the Rust value.
fn cases() -> Vec<(&'static str, Box<dyn ToPickle>)> {
    let shared = Value::shared(Value::List(vec![Value::Int(1), Value::Int(2)]));
    vec![
        ("bool", Box::new(vec![true, false])),
        ("i8", Box::new(vec![i8::MIN, i8::MAX])),
        ("i16", Box::new(vec![i16::MIN, i16::MAX])),
        ("i32", Box::new(vec![i32::MIN, i32::MAX])),
        (
            "i64",
            Box::new(vec![i64::MIN, i64::MAX, 255, 256, 65535, 65536]),
        ),
        ("u8", Box::new(vec![0u8, 255])),
        ("u16", Box::new(vec![u16::MAX])),
        ("u32", Box::new(vec![u32::MAX])),
        ("u64", Box::new(vec![u64::MAX, 1 << 63])),
        ("usize", Box::new(vec![usize::MAX])),
        ("isize", Box::new(vec![isize::MIN])),
        ("i128", Box::new(vec![i128::MIN, i128::MAX])),
        ("u128", Box::new(vec![u128::MAX])),
        (
            "f64",
            Box::new(vec![
                0.0,
                -0.0,
                1.5,
                f64::INFINITY,
                f64::NEG_INFINITY,
                1e-310,
                1e16,
                0.1,
            ]),
        ),
        ("f32", Box::new(vec![0.5f32, f32::MAX])),
        ("char", Box::new(vec!['a', 'é', '😀'])),
        (
            "string",
            Box::new(vec![
                String::new(),
                "hello".to_owned(),
                "a\\b\n\0".to_owned(),
                "€".repeat(100),
            ]),
        ),
        // CPython keeps one object of "" and of each one-character string
        // below U+0100: the equal Python list holds each of them once.
        (
            "one-object strings",
            Box::new((
                [
                    "a", "a", "", "", "\u{e9}", "\u{e9}", "\u{100}", "\u{100}", "ab", "ab",
                ]
                .map(str::to_owned),
                ['x', 'x', '\u{ff}', '\u{ff}'],
                [PyStr::from("y"), PyStr::from("y")],
            )),
        ),
        // Every length the writer builds in registers (up to 16 bytes) and
        // past it, in one- to four-byte UTF-8.
        (
            "strings by length",
            Box::new(
                (0..=20)
                    .map(|n| "abcdefghijklmnopqrstuvwxyz"[..n].to_owned())
                    .chain((1..=9).map(|k| "\u{e9}".repeat(k)))
                    .chain((1..=6).map(|k| "\u{20ac}".repeat(k)))
                    .chain((1..=5).map(|k| "\u{1f600}".repeat(k)))
                    .collect::<Vec<String>>(),
            ),
        ),
        ("str 300", Box::new("s".repeat(300))),
        ("string 70k", Box::new("é".repeat(35000))),
        ("unit", Box::new(())),
        ("option", Box::new(vec![None, Some(5)])),
        ("vec empty", Box::new(Vec::<i32>::new())),
        ("vec 1", Box::new(vec![7])),
        ("vec 1000", Box::new((0..1000).collect::<Vec<i32>>())),
        ("vec 1001", Box::new((0..1001).collect::<Vec<i32>>())),
        ("vec 2000", Box::new((0..2000).collect::<Vec<i32>>())),
        ("vec 2500", Box::new((0..2500).collect::<Vec<i32>>())),
        ("vecdeque", Box::new(VecDeque::from([1, 2, 3]))),
        ("array", Box::new([1, 2, 3])),
        ("slice", Box::new(Box::<[i32]>::from([4, 5]))),
        ("nested vec", Box::new(vec![vec![1, 2], vec![], vec![3]])),
        ("tuple 1", Box::new((1,))),
        ("tuple 2", Box::new((1, "two"))),
        ("tuple 3", Box::new((1, 2, 3))),
        ("tuple 4", Box::new((1, 2, 3, 4))),
        ("tuple 12", Box::new((0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))),
        ("btreemap", Box::new(BTreeMap::from([("a", 1), ("b", 2)]))),
        (
            "hashmap one",
            Box::new(HashMap::from([("k".to_owned(), vec![1.5])])),
        ),
        (
            "btreemap 1000",
            Box::new((0..1000).map(|i| (i, i)).collect::<BTreeMap<i32, i32>>()),
        ),
        (
            "btreemap 1001",
            Box::new((0..1001).map(|i| (i, i)).collect::<BTreeMap<i32, i32>>()),
        ),
        ("btreeset", Box::new(BTreeSet::from([1, 2, 3]))),
        (
            "btreeset 1000",
            Box::new((0..1000).collect::<BTreeSet<i32>>()),
        ),
        ("hashset one", Box::new(HashSet::from([9]))),
        ("bytebuf", Box::new(ByteBuf(b"\x00\xffbytes".to_vec()))),
        ("bytebuf 300", Box::new(ByteBuf(vec![b'b'; 300]))),
        ("bytebuf 70k", Box::new(ByteBuf(vec![1; 70000]))),
        ("bytes", Box::new(Bytes(b"borrowed"))),
        ("bytearray", Box::new(ByteArray(b"\x00array".to_vec()))),
        ("bytearray empty", Box::new(ByteArray(Vec::new()))),
        ("boxed", Box::new(Box::new(vec![1, 2]))),
        (
            "rc arc cow",
            Box::new((
                Rc::new("rc"),
                Arc::new("arc".to_owned()),
                Cow::Borrowed("cow"),
            )),
        ),
        (
            "bigint",
            Box::new(vec![
                BigInt::from_digits(false, 2, format!("1{}", "0".repeat(200)).as_bytes()),
                BigInt::from_digits(true, 2, format!("1{}", "0".repeat(200)).as_bytes()),
            ]),
        ),
        (
            "shared value",
            Box::new(Value::List(vec![shared.clone(), shared])),
        ),
        (
            "reduce",
            Box::new(vec![
                Written(|p| p.write_reduce("decimal", "Decimal", &[&"-12.3400"])),
                Written(|p| p.write_reduce("decimal", "Decimal", &[&"-12.3400"])),
            ]),
        ),
        ("singleton", Box::new(vec![Written(utc), Written(utc)])),
        (
            "c function and types",
            Box::new(Value::List(vec![
                Value::Global(Global::new("builtins", "getattr")),
                Value::ByteArray(b"x".to_vec()),
                Value::Global(Global::new("builtins", "getattr")),
            ])),
        ),
        (
            "deep value",
            Box::new(Value::Dict(vec![(
                Value::str("k"),
                Value::Tuple(vec![
                    Value::FrozenSet(vec![Value::Int(1)]),
                    Value::Set(vec![Value::Int(2)]),
                    Value::ByteArray(b"x".to_vec()),
                ]),
            )])),
        ),
    ]
}

#[test]
fn native_values_are_byte_identical_to_cpython() {
    let mut records = Vec::new();
    for (name, value) in cases() {
        for protocol in Protocol::ALL {
            let bytes = common::to_vec(value.as_ref(), protocol)
                .unwrap_or_else(|e| panic!("`{name}` at protocol {protocol}: {e}"));
            records.extend([name.as_bytes().to_vec(), vec![protocol.as_u8()], bytes]);
        }
    }
    let report = common::python_text("check_native.py", &[], &common::write_records(&records));
    let total = cases().len() * 6;
    assert!(
        report.ends_with(&format!("{{\"total\": {total}, \"failures\": 0}}\n")),
        "native values differ from CPython:\n{report}"
    );
}

#[test]
fn an_int_beyond_the_digit_limit_is_refused_as_text_as_cpython_refuses_it() {
    // CPython: `pickle.dumps(int('f' * 4000, 16), 0)` raises ValueError (more
    // than 4300 decimal digits); protocol 2 writes it as LONG4.
    let huge = BigInt::from_digits(false, 16, "f".repeat(4000).as_bytes()).expect("hex digits");
    let err = common::to_vec(&huge, Protocol::V0).unwrap_err();
    assert_eq!(err.kind(), pickle_core::ErrorKind::Unpicklable);
    assert!(common::to_vec(&huge, Protocol::V2).is_ok());
}

/// Python 2.7 loads what protocols 0 to 2 write of the built-in values as
/// the CPython under test loads it (where Python 2.7 is installed).
#[test]
fn python27_loads_protocols_0_to_2_as_python3_does() {
    let mut records = Vec::new();
    for (name, value) in cases() {
        for protocol in [Protocol::V0, Protocol::V1, Protocol::V2] {
            let bytes = common::to_vec(value.as_ref(), protocol).expect("picklable");
            records.extend([
                name.as_bytes().to_vec(),
                protocol.as_u8().to_string().into_bytes(),
                bytes,
            ]);
        }
    }
    let compared = common::assert_python27_loads_as_python3_does(&records);
    eprintln!("{compared} pickles loaded alike by Python 2.7 and 3");
    assert!(
        compared == 0 || compared > 3 * 50,
        "only {compared} pickles compared"
    );
}
