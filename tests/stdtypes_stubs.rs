//! The stub generator with the standard types: fields of these types get
//! the annotations of their Python classes (`datetime.datetime`,
//! `decimal.Decimal`, `uuid.UUID`, ...), the generated module imports
//! their modules, passes `mypy --strict`, and its classes pickle in CPython
//! byte for byte as Rust writes them, at protocols 0 to 5.

mod common;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use pickle_core::stubs::{Stubs, TypeExpr};
use pickle_core::{ByteArray, Deque, FromPickle, FrozenSet, OrderedDict, Protocol, ToPickle};

/// `stdgen.Session`: a field of each type that needs no feature.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "stdgen")]
struct Session {
    elapsed: Duration,
    host: Ipv4Addr,
    peer: IpAddr,
    recent: Deque<i64>,
    headers: OrderedDict<String, String>,
    flags: FrozenSet<BTreeSet<i64>>,
    raw: ByteArray,
}

fn session() -> (&'static str, Session) {
    (
        "stdgen.Session(elapsed=timedelta(seconds=90), \
         host=ipaddress.IPv4Address('192.0.2.1'), peer=ipaddress.IPv6Address('2001:db8::1'), \
         recent=collections.deque([1, 2], maxlen=3), \
         headers=collections.OrderedDict([('accept', '*/*')]), \
         flags=frozenset([4]), raw=bytearray(b'xy'))",
        Session {
            elapsed: Duration::from_secs(90),
            host: Ipv4Addr::new(192, 0, 2, 1),
            peer: IpAddr::V6("2001:db8::1".parse().expect("address")),
            recent: Deque {
                items: [1, 2].into(),
                maxlen: Some(3),
            },
            headers: OrderedDict(vec![("accept".into(), "*/*".into())]),
            flags: FrozenSet(BTreeSet::from([4])),
            raw: ByteArray(b"xy".to_vec()),
        },
    )
}

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "num-bigint",
    feature = "num-complex",
    feature = "indexmap"
))]
mod invoice {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
    use indexmap::{IndexMap, IndexSet};
    use num_bigint::{BigInt, BigUint};
    use num_complex::Complex;
    use pickle_core::{FromPickle, ToPickle};
    use rust_decimal::Decimal;
    use uuid::Uuid;

    /// `stdgen.Invoice`: a field of each feature's types.
    #[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
    #[pickle(module = "stdgen")]
    pub struct Invoice {
        pub id: Uuid,
        pub amount: Decimal,
        pub issued: DateTime<Utc>,
        pub local: DateTime<FixedOffset>,
        pub due: NaiveDate,
        pub at: NaiveTime,
        pub naive: NaiveDateTime,
        pub grace: TimeDelta,
        pub big: BigInt,
        pub count: BigUint,
        pub z: Complex<f64>,
        pub meta: IndexMap<String, i64>,
        pub tags: IndexSet<i64>,
    }

    pub fn invoice() -> (&'static str, Invoice) {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).expect("date");
        let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("time");
        (
            "stdgen.Invoice(id=uuid.UUID(int=42), amount=Decimal('100.50'), \
             issued=datetime.datetime(2024, 3, 1, 12, tzinfo=timezone.utc), \
             local=datetime.datetime(2024, 3, 1, 12, tzinfo=timezone(timedelta(hours=-3))), \
             due=date(2024, 3, 1), at=time(12), naive=datetime.datetime(2024, 3, 1, 12), \
             grace=timedelta(days=30), big=-2**80, count=2**70, z=complex(1.0, 2.0), \
             meta={'net': 100}, tags={1})",
            Invoice {
                id: Uuid::from_u128(42),
                amount: "100.50".parse().expect("decimal"),
                issued: day.and_time(noon).and_utc(),
                local: day
                    .and_time(noon)
                    .and_local_timezone(FixedOffset::west_opt(3 * 3600).expect("offset"))
                    .single()
                    .expect("fixed offset"),
                due: day,
                at: noon,
                naive: day.and_time(noon),
                grace: TimeDelta::days(30),
                big: -(BigInt::from(1) << 80u32),
                count: BigUint::from(1u8) << 70u32,
                z: Complex::new(1.0, 2.0),
                meta: IndexMap::from([("net".to_owned(), 100)]),
                tags: IndexSet::from([1]),
            },
        )
    }
}

/// The package of every type above that the features allow.
fn stubs() -> Stubs {
    let mut stubs = Stubs::new();
    stubs.add::<Session>();
    #[cfg(all(
        feature = "chrono",
        feature = "uuid",
        feature = "rust_decimal",
        feature = "num-bigint",
        feature = "num-complex",
        feature = "indexmap"
    ))]
    stubs.add::<invoice::Invoice>();
    stubs
}

#[test]
fn standard_types_annotate_as_their_python_classes() {
    let cases = [
        (TypeExpr::of::<Duration>(), "datetime.timedelta"),
        (TypeExpr::of::<Ipv4Addr>(), "ipaddress.IPv4Address"),
        (TypeExpr::of::<Ipv6Addr>(), "ipaddress.IPv6Address"),
        (
            TypeExpr::of::<IpAddr>(),
            "typing.Union[ipaddress.IPv4Address, ipaddress.IPv6Address]",
        ),
        (TypeExpr::of::<Deque<u8>>(), "typing.Deque[int]"),
        (
            TypeExpr::of::<OrderedDict<String, Vec<f64>>>(),
            "typing.OrderedDict[str, typing.List[float]]",
        ),
        (
            TypeExpr::of::<FrozenSet<BTreeSet<String>>>(),
            "typing.FrozenSet[str]",
        ),
        (
            TypeExpr::of::<FrozenSet<Vec<i64>>>(),
            "typing.FrozenSet[int]",
        ),
    ];
    for (expr, text) in cases {
        assert_eq!(expr.to_string(), text);
    }
}

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "num-bigint",
    feature = "num-complex",
    feature = "indexmap"
))]
#[test]
fn feature_types_annotate_as_their_python_classes() {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
    let cases = [
        (TypeExpr::of::<NaiveDateTime>(), "datetime.datetime"),
        (TypeExpr::of::<DateTime<Utc>>(), "datetime.datetime"),
        (TypeExpr::of::<DateTime<FixedOffset>>(), "datetime.datetime"),
        (TypeExpr::of::<NaiveDate>(), "datetime.date"),
        (TypeExpr::of::<NaiveTime>(), "datetime.time"),
        (TypeExpr::of::<TimeDelta>(), "datetime.timedelta"),
        (TypeExpr::of::<uuid::Uuid>(), "uuid.UUID"),
        (TypeExpr::of::<rust_decimal::Decimal>(), "decimal.Decimal"),
        (TypeExpr::of::<num_bigint::BigInt>(), "int"),
        (TypeExpr::of::<num_bigint::BigUint>(), "int"),
        (TypeExpr::of::<num_complex::Complex<f64>>(), "complex"),
        (TypeExpr::of::<num_complex::Complex<f32>>(), "complex"),
        (
            TypeExpr::of::<indexmap::IndexMap<String, rust_decimal::Decimal>>(),
            "typing.Dict[str, decimal.Decimal]",
        ),
        (
            TypeExpr::of::<indexmap::IndexSet<uuid::Uuid>>(),
            "typing.Set[uuid.UUID]",
        ),
    ];
    for (expr, text) in cases {
        assert_eq!(expr.to_string(), text);
    }
}

#[test]
fn the_generated_module_imports_the_modules_it_names() {
    let source = stubs().module_source("stdgen").unwrap();
    let mut expected = vec![
        "import datetime\n",
        "import ipaddress\n",
        "import typing\n",
        "    elapsed: datetime.timedelta\n",
        "    host: ipaddress.IPv4Address\n",
        "    peer: typing.Union[ipaddress.IPv4Address, ipaddress.IPv6Address]\n",
        "    recent: typing.Deque[int]\n",
        "    headers: typing.OrderedDict[str, str]\n",
        "    flags: typing.FrozenSet[int]\n",
        "    raw: bytearray\n",
    ];
    if cfg!(all(
        feature = "chrono",
        feature = "uuid",
        feature = "rust_decimal",
        feature = "num-bigint",
        feature = "num-complex",
        feature = "indexmap"
    )) {
        expected.extend([
            "import decimal\n",
            "import uuid\n",
            "    id: uuid.UUID\n",
            "    amount: decimal.Decimal\n",
            "    issued: datetime.datetime\n",
            "    local: datetime.datetime\n",
            "    due: datetime.date\n",
            "    at: datetime.time\n",
            "    grace: datetime.timedelta\n",
            "    big: int\n",
            "    z: complex\n",
            "    meta: typing.Dict[str, int]\n",
            "    tags: typing.Set[int]\n",
        ]);
    }
    for line in expected {
        assert!(source.contains(line), "missing {line:?} in:\n{source}");
    }
}

#[test]
fn cpython_pickles_the_generated_classes_as_rust_does() {
    let dir = common::scratch_dir("stdtypes_stubs");
    stubs().write_package(&dir).unwrap();
    let mut cases: Vec<(&str, &str, Box<dyn ToPickle>)> = Vec::new();
    let (expr, value) = session();
    cases.push(("session", expr, Box::new(value)));
    #[cfg(all(
        feature = "chrono",
        feature = "uuid",
        feature = "rust_decimal",
        feature = "num-bigint",
        feature = "num-complex",
        feature = "indexmap"
    ))]
    {
        let (expr, value) = invoice::invoice();
        cases.push(("invoice", expr, Box::new(value)));
    }
    let mut records: Vec<Vec<u8>> = Vec::new();
    for (name, expr, value) in &cases {
        for protocol in Protocol::ALL {
            let bytes = common::to_vec(&**value, protocol).unwrap();
            records.extend([
                name.as_bytes().to_vec(),
                expr.as_bytes().to_vec(),
                protocol.as_u8().to_string().into_bytes(),
                bytes,
            ]);
        }
    }
    let report = common::python_text(
        "stdtypes_stubs.py",
        &[dir.to_str().unwrap()],
        &common::write_records(&records),
    );
    let total = cases.len() * Protocol::ALL.len();
    assert_eq!(
        report.lines().last().unwrap_or_default(),
        format!("{{\"total\": {total}, \"identical\": {total}}}"),
        "{report}"
    );

    // And back: the Rust values read from what Rust wrote are the same.
    let (_, value) = session();
    let bytes = pickle_core::to_vec(&value).unwrap();
    assert_eq!(pickle_core::from_slice::<Session>(&bytes).unwrap(), value);
}

#[test]
fn mypy_strict_accepts_the_generated_module() {
    let mypy = || {
        common::mypy().map(|mut cmd| {
            cmd.args(["--python-version", "3.10"]);
            cmd
        })
    };
    let Some(mut mypy_module) = mypy() else {
        return;
    };
    let dir = common::scratch_dir("stdtypes_stubs_mypy");
    stubs().write_package(&dir).unwrap();
    let out = mypy_module
        .current_dir(&dir)
        .args(["-p", "stdgen"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mypy --strict:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // A timedelta field used as a datetime is caught: the annotations are real.
    std::fs::write(
        dir.join("misuse.py"),
        "import datetime\nimport stdgen\n\n\n\
         def started(s: stdgen.Session) -> datetime.datetime:\n    return s.elapsed\n",
    )
    .unwrap();
    let out = mypy()
        .expect("mypy ran above")
        .current_dir(&dir)
        .arg("misuse.py")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("misuse.py:6: error: Incompatible return value type (got \"timedelta\", expected \"datetime\")"),
        "mypy should catch the misuse:\n{text}"
    );
}
