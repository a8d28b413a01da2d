//! Python writes, Rust reads: CPython's pickles of the standard types, at
//! protocols 0 to 5, decode to the equal Rust values (every shared case of
//! `stdtypes/mod.rs` that writing does not make lossy, and forms only
//! reading meets); values the Rust type cannot hold are errors of the right
//! kind, with the path to them.

mod common;
#[path = "stdtypes_read/features.rs"]
mod features;
mod stdtypes;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use pickle_core::{Deque, ErrorKind, FromPickle, FrozenSet, OrderedDict};

/// What reading a case must give, at every protocol.
enum Want {
    /// This value (its `Debug`); CPython loads the pickle too.
    Value(String),
    /// An error of this kind, at this path, with a message containing
    /// `message`; `cpython_loads` tells what CPython's `pickle.loads` does
    /// with the same pickle.
    Error {
        kind: ErrorKind,
        path: Option<&'static str>,
        message: &'static str,
        cpython_loads: bool,
    },
}

struct ReadCase {
    name: String,
    expr: String,
    decode: fn(&[u8]) -> pickle_core::Result<String>,
    want: Want,
}

fn decode<T: FromPickle + Debug>(data: &[u8]) -> pickle_core::Result<String> {
    pickle_core::from_slice::<T>(data).map(|v| format!("{v:?}"))
}

/// CPython's pickle of `expr` reads as `value`.
fn reads<T: FromPickle + Debug>(name: &str, expr: &str, value: T) -> ReadCase {
    ReadCase {
        name: name.to_owned(),
        expr: expr.to_owned(),
        decode: decode::<T>,
        want: Want::Value(format!("{value:?}")),
    }
}

/// CPython's pickle of `expr` is an error when read as `T`; CPython itself
/// loads it.
fn fails<T: FromPickle + Debug>(
    name: &str,
    expr: &str,
    kind: ErrorKind,
    path: Option<&'static str>,
    message: &'static str,
) -> ReadCase {
    ReadCase {
        name: name.to_owned(),
        expr: expr.to_owned(),
        decode: decode::<T>,
        want: Want::Error {
            kind,
            path,
            message,
            cpython_loads: true,
        },
    }
}

/// Like [`fails`], for a pickle that CPython refuses to load too.
fn both_refuse<T: FromPickle + Debug>(
    name: &str,
    expr: &str,
    kind: ErrorKind,
    path: Option<&'static str>,
    message: &'static str,
) -> ReadCase {
    let mut case = fails::<T>(name, expr, kind, path, message);
    if let Want::Error { cpython_loads, .. } = &mut case.want {
        *cpython_loads = false;
    }
    case
}

/// An IPv6 address with a scope id, which `Ipv6Addr` cannot hold: an error
/// where CPython's pickle keeps the scope id (its text), the address alone
/// where CPython drops it (its int), nothing where CPython cannot parse it.
fn ipv6_scope_id() -> Option<ReadCase> {
    let (name, expr) = ("ipv6 scope id", "ipaddress.IPv6Address('fe80::1%eth0')");
    match common::python_text("facts.py", &["ipv6_scope_id"], b"").trim() {
        "text" => Some(fails::<Ipv6Addr>(
            name,
            expr,
            ErrorKind::OutOfRange,
            None,
            "scope id",
        )),
        "int" => Some(reads(name, expr, "fe80::1".parse::<Ipv6Addr>().unwrap())),
        _ => None,
    }
}

fn std_extras() -> Vec<ReadCase> {
    let (event_expr, _) = stdtypes::event();
    let mut cases = vec![
        fails::<Duration>(
            "negative duration",
            "timedelta(microseconds=-1)",
            ErrorKind::OutOfRange,
            None,
            "a negative `datetime.timedelta` does not fit in `Duration`",
        ),
        fails::<Vec<Duration>>(
            "negative duration in a list",
            "[timedelta(1), timedelta(days=-2)]",
            ErrorKind::OutOfRange,
            Some("[1]"),
            "negative",
        ),
        reads(
            "timedelta of seven arguments",
            "stdmodels.Raw(timedelta, 1, 2, 3, 4, 5, 6, 7)",
            Duration::new(7 * 7 * 86400 + 86400 + 6 * 3600 + 5 * 60 + 2, 4_003_000),
        ),
        fails::<Ipv4Addr>(
            "ipv4 from ipv6",
            "ipaddress.IPv6Address('::1')",
            ErrorKind::UnexpectedGlobal,
            None,
            "expected an instance of `ipaddress.IPv4Address`, found an instance of `ipaddress.IPv6Address`",
        ),
        fails::<IpAddr>(
            "ipaddr from str",
            "'10.0.0.1'",
            ErrorKind::Type,
            None,
            "expected an `ipaddress.IPv4Address` or `ipaddress.IPv6Address`, found `str`",
        ),
        both_refuse::<Ipv6Addr>(
            "ipv6 from junk text",
            "stdmodels.Raw(ipaddress.IPv6Address, '1::2::3')",
            ErrorKind::OutOfRange,
            None,
            "\"1::2::3\" is not the text of an `ipaddress.IPv6Address`",
        ),
        reads(
            "ipv6 from int",
            "stdmodels.Raw(ipaddress.IPv6Address, 1)",
            Ipv6Addr::LOCALHOST,
        ),
        reads(
            "ipv4 from str",
            "stdmodels.Raw(ipaddress.IPv4Address, '10.1.2.3')",
            Ipv4Addr::new(10, 1, 2, 3),
        ),
        reads(
            "ordereddict from dict",
            "{'b': 1, 'a': 2}",
            OrderedDict(vec![("b".to_owned(), 1i64), ("a".to_owned(), 2)]),
        ),
        reads(
            "ordereddict as btreemap",
            "OrderedDict([('b', 1), ('a', 2)])",
            BTreeMap::from([("a".to_owned(), 2i64), ("b".to_owned(), 1)]),
        ),
        fails::<OrderedDict<String, i64>>(
            "ordereddict from defaultdict",
            "collections.defaultdict(int, {'a': 1})",
            ErrorKind::UnexpectedGlobal,
            None,
            "expected an instance of `collections.OrderedDict`, found an instance of `collections.defaultdict`",
        ),
        fails::<OrderedDict<String, i64>>(
            "ordereddict bad value",
            "OrderedDict([('a', 1), ('b', 'x')])",
            ErrorKind::Type,
            Some("[\"b\"]"),
            "expected an int, found `str`",
        ),
        reads("deque from list", "[1, 2]", Deque::from(vec![1i64, 2])),
        reads(
            "deque beyond maxlen keeps the last items",
            "stdmodels.Raw(deque, (), 2, items=[1, 2, 3])",
            Deque {
                items: [2i64, 3].into(),
                maxlen: Some(2),
            },
        ),
        reads(
            "deque with initial items",
            "stdmodels.Raw(deque, [1, 2], None, items=[3])",
            Deque::from(vec![1i64, 2, 3]),
        ),
        fails::<Deque<i64>>(
            "deque bad item",
            "deque([1, 'x'])",
            ErrorKind::Type,
            Some("[1]"),
            "expected an int, found `str`",
        ),
        fails::<Deque<i64>>(
            "deque from list subclass",
            "collections.UserList([1])",
            ErrorKind::UnexpectedGlobal,
            None,
            "expected an instance of `collections.deque`",
        ),
        reads(
            "frozenset from set",
            "{1, 2}",
            FrozenSet(BTreeSet::from([1i64, 2])),
        ),
        fails::<stdtypes::Event>(
            "event with a bad deque item",
            &event_expr.replace("deque([5, 6, 7], maxlen=4)", "deque([5, 'six'])"),
            ErrorKind::Type,
            Some("Event.recent[1]"),
            "expected an int, found `str`",
        ),
        fails::<stdtypes::Event>(
            "event with an ipv6 host",
            &event_expr.replace("IPv4Address('10.0.0.1')", "IPv6Address('::2')"),
            ErrorKind::UnexpectedGlobal,
            Some("Event.host"),
            "found an instance of `ipaddress.IPv6Address`",
        ),
    ];
    cases.extend(ipv6_scope_id());
    cases
}

fn all_cases() -> Vec<ReadCase> {
    let mut cases: Vec<ReadCase> = stdtypes::all()
        .into_iter()
        .filter(|c| !c.write_only)
        .map(|c| ReadCase {
            name: c.name,
            expr: c.expr,
            decode: c.decode,
            want: Want::Value(c.want),
        })
        .collect();
    cases.extend(std_extras());
    cases.extend(features::all());
    cases
}

/// CPython's pickles of every case's Python expression: per case, six
/// records of four (one per protocol), as `stdtypes.py dump` writes them.
fn cpython_pickles(cases: &[ReadCase]) -> Vec<Vec<u8>> {
    let mut input = Vec::new();
    for case in cases {
        input.push(case.name.as_bytes().to_vec());
        input.push(case.expr.as_bytes().to_vec());
    }
    common::read_records(&common::python(
        "stdtypes.py",
        &["dump"],
        &common::write_records(&input),
    ))
}

#[test]
fn cpython_pickles_of_standard_types_read_as_rust_values() {
    let cases = all_cases();
    let records = cpython_pickles(&cases);
    assert_eq!(records.len(), cases.len() * 6 * 4, "six pickles per case");
    let (mut values, mut errors, mut failures) = (0, 0, Vec::new());
    for (case, pickles) in cases.iter().zip(records.chunks(6 * 4)) {
        for record in pickles.chunks(4) {
            assert_eq!(record[0], case.name.as_bytes());
            let (proto, data, outcome) = (
                String::from_utf8_lossy(&record[1]),
                &record[2],
                String::from_utf8_lossy(&record[3]),
            );
            let at = format!("`{}` at protocol {proto}", case.name);
            let got = (case.decode)(data);
            match (&case.want, got) {
                (Want::Value(want), Ok(got)) if *want == got && outcome == "ok" => values += 1,
                (Want::Value(want), got) => failures.push(format!(
                    "{at}: want {want}, got {got:?} (CPython: {outcome})"
                )),
                (
                    Want::Error {
                        kind,
                        path,
                        message,
                        cpython_loads,
                    },
                    Err(err),
                ) if err.kind() == *kind
                    && err.path().as_deref() == *path
                    && err.message().contains(message)
                    && err.offset().is_some()
                    && (outcome == "ok") == *cpython_loads =>
                {
                    errors += 1
                }
                (
                    Want::Error {
                        kind,
                        path,
                        message,
                        ..
                    },
                    got,
                ) => failures.push(format!(
                    "{at}: want a {kind:?} error at {path:?} containing {message:?}, got {got:?} \
                     (CPython: {outcome})"
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{} cases x 6 protocols: {values} CPython pickles read as the equal Rust value, \
         {errors} refused with the expected error and path",
        cases.len()
    );
}

/// Every reader meets every other case's pickle, and mutated and cut
/// pickles: it gives a value or an error, never a panic.
#[test]
fn readers_never_panic_on_other_or_mutated_pickles() {
    let cases = all_cases();
    let records = cpython_pickles(&cases);
    // Protocols 0 and 5 of each case: the text and the framed binary forms.
    let pickles: Vec<&[u8]> = records
        .chunks(4)
        .filter(|r| r[1] == b"0" || r[1] == b"5")
        .map(|r| &r[2][..])
        .collect();
    let mut rng = stdtypes::Rng::new(0x5eed_00ff);
    let (mut decoded, mut refused) = (0, 0);
    for case in &cases {
        for data in &pickles {
            match (case.decode)(data) {
                Ok(_) => decoded += 1,
                Err(_) => refused += 1,
            }
        }
        for data in pickles.iter().step_by(7) {
            for _ in 0..8 {
                let mut bad = data.to_vec();
                for _ in 0..1 + rng.below(3) {
                    let i = rng.below(bad.len() as u64) as usize;
                    bad[i] = rng.next() as u8;
                }
                if rng.below(4) == 0 {
                    bad.truncate(rng.below(bad.len() as u64) as usize);
                }
                match (case.decode)(&bad) {
                    Ok(_) => decoded += 1,
                    Err(_) => refused += 1,
                }
            }
        }
    }
    assert!(decoded > 0 && refused > 0);
    eprintln!("{decoded} foreign or mutated pickles decoded, {refused} refused, none panicked");
}
