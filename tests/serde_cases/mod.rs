//! The serde types the serde bridge's tests write and read, each value
//! under the name its Python twin has in `tests/python/serde_cases.py`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Debug;

use pickle_core::ser::PythonVersion;
use pickle_core::serde::compat;
use pickle_core::Protocol;
use serde::de::DeserializeOwned;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Order {
    pub id: u64,
    pub customer: String,
    pub price: f64,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub status: Status,
    pub lines: Vec<Line>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Line {
    pub sku: String,
    pub qty: u32,
    pub unit: Money,
}

/// A newtype struct: its value alone.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Money(pub i64);

/// A tuple struct: a tuple.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Point(pub i32, pub i32);

/// A unit struct: `None`.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Marker;

/// Every form of enum variant.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub enum Status {
    New,
    Paid(u64),
    Shipped(String, u32),
    Returned { reason: String, refund: Option<f64> },
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Numbers {
    pub small: i8,
    pub byte: u8,
    pub neg: i64,
    pub unsigned: u64,
    pub wide: i128,
    pub wider: u128,
    pub single: f32,
    pub double: f64,
    pub letter: char,
    pub yes: bool,
}

/// Maps whose keys are not strings.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Keys {
    pub by_id: BTreeMap<i64, String>,
    pub by_pair: BTreeMap<(i32, String), bool>,
    pub by_flag: BTreeMap<bool, Option<i32>>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Blob {
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub empty: Vec<u8>,
}

/// A struct with a one-letter field whose value is the same letter, and
/// the strings CPython keeps one object of.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Letters {
    pub x: String,
    pub s: Vec<String>,
}

/// Fields flattened into the struct's dict: serde writes it as a map of a
/// length it does not give ahead.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Flat {
    pub id: i64,
    #[serde(flatten)]
    pub rest: BTreeMap<String, i64>,
}

/// A sequence and a map of lengths serde does not give ahead.
#[derive(Debug, PartialEq, Clone, Deserialize)]
pub struct Unsized {
    pub items: Vec<i64>,
    pub entries: BTreeMap<i64, i64>,
}

impl Serialize for Unsized {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Items<'a>(&'a [i64]);
        impl Serialize for Items<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(None)?;
                for item in self.0 {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
        struct Entries<'a>(&'a BTreeMap<i64, i64>);
        impl Serialize for Entries<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(None)?;
                for (k, v) in self.0 {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("items", &Items(&self.items))?;
        map.serialize_entry("entries", &Entries(&self.entries))?;
        map.end()
    }
}

/// A record of most kinds of values, varying with `i` (shared and long
/// strings, bytes, enum variants with and without data): a list of them is
/// written in the steady state, its field names in the memo.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Record {
    pub id: i64,
    pub big: u64,
    pub name: String,
    pub score: f32,
    pub flag: bool,
    pub letter: char,
    pub tags: Vec<String>,
    pub pair: (i32, String),
    pub quad: (u8, u8, u8, u8),
    pub nothing: (),
    pub counts: BTreeMap<String, i32>,
    pub status: Status,
    pub line: Option<Line>,
    pub blob: Option<serde_bytes::ByteBuf>,
}

pub fn record(i: i64) -> Record {
    Record {
        id: match i % 6 {
            0 => i,
            1 => -i,
            2 => 255 + i,
            3 => 70_000 * i,
            4 => (1 << 40) + i,
            _ => i64::MIN + i,
        },
        big: if i % 13 == 5 {
            i64::MAX as u64 - i as u64
        } else {
            i as u64
        },
        name: match i % 7 {
            0 => String::new(),
            1 => "x".into(),
            2 => "é".into(),
            3 => format!("name {i}"),
            4 => "a".repeat(17),
            5 => "b".repeat(300),
            _ => "€".into(),
        },
        score: i as f32 * 0.5,
        flag: i % 2 == 0,
        letter: ['a', 'é', '€', '😀'][i as usize % 4],
        tags: (0..i % 3).map(|k| format!("t{k}")).collect(),
        pair: (i as i32 - 20, format!("p{i}")),
        quad: (i as u8, 1, 2, 3),
        nothing: (),
        counts: (0..i % 3).map(|k| (format!("k{k}"), k as i32)).collect(),
        status: if i % 7 == 3 {
            Status::Paid(i as u64)
        } else {
            Status::New
        },
        line: (i % 4 != 0).then(|| Line {
            sku: format!("S-{i}"),
            qty: i as u32,
            unit: Money(-i),
        }),
        blob: (i % 11 == 4).then(|| serde_bytes::ByteBuf::from(vec![i as u8; 3])),
    }
}

pub fn order() -> Order {
    Order {
        id: 7,
        customer: "Ada Lovelace".into(),
        price: 12.5,
        tags: vec!["gift".into(), "vip".into()],
        note: None,
        status: Status::Paid(1250),
        lines: vec![
            Line {
                sku: "A-1".into(),
                qty: 2,
                unit: Money(500),
            },
            Line {
                sku: "B-22".into(),
                qty: 1,
                unit: Money(250),
            },
        ],
    }
}

pub fn numbers() -> Numbers {
    Numbers {
        small: -128,
        byte: 255,
        neg: i64::MIN,
        unsigned: u64::MAX,
        wide: i128::MIN,
        wider: u128::MAX,
        single: 0.1,
        double: -0.0,
        letter: 'é',
        yes: true,
    }
}

pub fn keys() -> Keys {
    Keys {
        by_id: [
            (1, "one".into()),
            (-2, "minus two".into()),
            (300, "a".into()),
        ]
        .into(),
        by_pair: [((1, "a".into()), true), ((1, "b".into()), false)].into(),
        by_flag: [(false, None), (true, Some(-1))].into(),
    }
}

/// Reads a pickle and compares it with a case's value.
pub type Check = Box<dyn Fn(&[u8]) -> Result<(), String>>;

/// Writes a case's value with serde-pickle's options: what `to_vec` and
/// `to_writer` wrote.
pub type CompatWrite = Box<dyn Fn(compat::SerOptions) -> pickle_core::Result<(Vec<u8>, Vec<u8>)>>;

/// Writes and reads one value of type `T`.
pub struct Case {
    pub name: &'static str,
    /// Writes the value at a protocol, as a CPython version writes it.
    pub write: Box<dyn Fn(Protocol, PythonVersion) -> pickle_core::Result<Vec<u8>>>,
    /// Reads a pickle and compares it with the value.
    pub read: Check,
    /// Writes the value with serde-pickle, at protocol 3 (or 2).
    pub serde_pickle_write: Box<dyn Fn(bool) -> Vec<u8>>,
    /// Reads a pickle with serde-pickle and compares it with the value.
    pub serde_pickle_read: Check,
    /// Writes the value with the compatibility module's `to_vec` and
    /// `to_writer`.
    pub compat_write: CompatWrite,
    /// Reads a pickle with the compatibility module's `from_slice` and
    /// `from_reader` and compares it with the value.
    pub compat_read: Check,
}

pub fn case<T>(name: &'static str, value: T) -> Case
where
    T: Serialize + DeserializeOwned + PartialEq + Debug + 'static,
{
    let value = std::rc::Rc::new(value);
    let (w, r, sw, sr, cw) = (
        value.clone(),
        value.clone(),
        value.clone(),
        value.clone(),
        value.clone(),
    );
    let cr = value;
    Case {
        name,
        write: Box::new(move |protocol, python| {
            pickle_core::ser::Options::new()
                .protocol(protocol)
                .python(python)
                .to_vec(&pickle_core::serde::Serde(&*w))
        }),
        read: Box::new(
            move |bytes| match pickle_core::serde::from_slice::<T>(bytes) {
                Ok(v) if v == *r => Ok(()),
                Ok(v) => Err(format!("read {v:?}, expected {r:?}")),
                Err(e) => Err(format!("error: {e}")),
            },
        ),
        serde_pickle_write: Box::new(move |v2| {
            let options = serde_pickle::SerOptions::new();
            let options = if v2 { options.proto_v2() } else { options };
            serde_pickle::to_vec(&*sw, options).expect("serde-pickle writes")
        }),
        serde_pickle_read: Box::new(move |bytes| {
            match serde_pickle::from_slice::<T>(bytes, serde_pickle::DeOptions::new()) {
                Ok(v) if v == *sr => Ok(()),
                Ok(v) => Err(format!("serde-pickle read {v:?}, expected {sr:?}")),
                Err(e) => Err(format!("serde-pickle error: {e}")),
            }
        }),
        compat_write: Box::new(move |options| {
            let by_vec = compat::to_vec(&*cw, options.clone())?;
            let mut by_writer = Vec::new();
            compat::to_writer(&mut by_writer, &*cw, options)?;
            Ok((by_vec, by_writer))
        }),
        compat_read: Box::new(move |bytes| {
            let by_slice: T = compat::from_slice(bytes, compat::DeOptions::new())
                .map_err(|e| format!("compat from_slice: {e}"))?;
            let by_reader: T = compat::from_reader(bytes, compat::DeOptions::new())
                .map_err(|e| format!("compat from_reader: {e}"))?;
            match (by_slice == *cr, by_reader == *cr) {
                (true, true) => Ok(()),
                _ => Err(format!(
                    "compat read {by_slice:?} and {by_reader:?}, expected {cr:?}"
                )),
            }
        }),
    }
}

/// The corpus: every case has a twin of the same name in
/// `tests/python/serde_cases.py`.
pub fn all() -> Vec<Case> {
    let long_list: Vec<i64> = (0..2000).collect();
    vec![
        case("order", order()),
        case("orders", vec![order(), order()]),
        case("records", (0..40).map(record).collect::<Vec<_>>()),
        // Over 1000 items (batches) and many frames.
        case("records_3000", (0..3000).map(record).collect::<Vec<_>>()),
        case(
            "records_by_id",
            (0..40).map(|i| (i, record(i))).collect::<BTreeMap<_, _>>(),
        ),
        case(
            "wide_u64s",
            vec![(0u64, 1u64), (u64::MAX, 2), (3, u64::MAX)],
        ),
        case("status_new", Status::New),
        case("status_paid", Status::Paid(3)),
        case("status_shipped", Status::Shipped("DHL".into(), 2)),
        case(
            "status_returned",
            Status::Returned {
                reason: "too big".into(),
                refund: Some(9.5),
            },
        ),
        case("statuses", vec![Status::New, Status::New, Status::Paid(1)]),
        case("numbers", numbers()),
        case("keys", keys()),
        case(
            "blob",
            Blob {
                data: vec![0, 1, 0xff],
                empty: vec![],
            },
        ),
        case(
            "letters",
            Letters {
                x: "x".into(),
                s: vec![
                    "s".into(),
                    "".into(),
                    "".into(),
                    "é".into(),
                    "é".into(),
                    "xy".into(),
                    "xy".into(),
                ],
            },
        ),
        case("point", Point(-1, 70000)),
        case("marker", Marker),
        case("unit", ()),
        case("money", Money(-5)),
        case("some_none", (Some(1u8), None::<u8>, Some(Some(2u8)))),
        case("tuple4", (1u8, "two".to_owned(), 3.0f64, [4u8, 5])),
        case(
            "empty",
            (Vec::<i64>::new(), BTreeMap::<String, i64>::new(), ()),
        ),
        case("list_1000", long_list[..1000].to_vec()),
        case("list_1001", long_list[..1001].to_vec()),
        case("list_2000", long_list.clone()),
        case(
            "dict_1000",
            (0..1000i64).map(|i| (i, -i)).collect::<BTreeMap<_, _>>(),
        ),
        case(
            "dict_1001",
            (0..1001i64).map(|i| (i, -i)).collect::<BTreeMap<_, _>>(),
        ),
        case("big_text", "é".repeat(40_000)),
        case(
            "big_bytes_in_list",
            vec![
                serde_bytes::ByteBuf::from(vec![7u8; 70_000]),
                serde_bytes::ByteBuf::from(vec![1u8]),
            ],
        ),
        case(
            "flat",
            Flat {
                id: 1,
                rest: [("b".to_owned(), 2), ("c".to_owned(), 3)].into(),
            },
        ),
        case(
            "flat_one",
            Flat {
                id: 1,
                rest: BTreeMap::new(),
            },
        ),
        case(
            "unsized",
            Unsized {
                items: vec![1, 2],
                entries: [(1, 2), (3, 4)].into(),
            },
        ),
        case(
            "unsized_one",
            Unsized {
                items: vec![1],
                entries: [(1, 2)].into(),
            },
        ),
        case(
            "unsized_none",
            Unsized {
                items: vec![],
                entries: BTreeMap::new(),
            },
        ),
        case(
            "unsized_1000",
            Unsized {
                items: long_list[..1000].to_vec(),
                entries: (0..1000).map(|i| (i, i)).collect(),
            },
        ),
        case(
            "unsized_2001",
            Unsized {
                items: (0..2001).collect(),
                entries: (0..2001).map(|i| (i, i)).collect(),
            },
        ),
    ]
}
