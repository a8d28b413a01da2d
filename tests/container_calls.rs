//! Containers that CPython writes as calls, read as typed values: Python 2's
//! `OrderedDict([[k, v], ...])`, `Counter({...})`, `deque([...])` and
//! `copy_reg._reconstructor(cls, dict, {...})` hold their contents in the
//! call's arguments, Python 3's fill the result with `SETITEMS`/`APPENDS`
//! (or, for `Counter`, also pass a dict). Each pickle, from the `python3`
//! under test and from Python 2.7 where it is installed, must read as what
//! that `python3` loads from it; shapes holding what the Rust type cannot
//! (attributes of a dict subclass, items appended to a `timedelta`) must be
//! refused, not read without it.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pickle_core::{Deque, FrozenSet, OrderedDict};

/// The cases of `container_calls.py`: (name, kind, protocol, pickle), from
/// `python3` and, where there is one, Python 2.7.
fn pickles() -> Vec<Vec<u8>> {
    let mut records = common::read_records(&common::python("container_calls.py", &["dump"], b""));
    if let Some(py2) = common::python2() {
        let py2_records = common::read_records(&common::run_python(
            &py2,
            "container_calls.py",
            &["dump"],
            b"",
        ));
        assert!(
            py2_records.len() >= 4 * 15 * 3,
            "every case at protocols 0-2"
        );
        for r in py2_records.chunks(4) {
            let label = format!("{} (Python 2.7)", String::from_utf8_lossy(&r[0]));
            records.extend([label.into_bytes(), r[1].clone(), r[2].clone(), r[3].clone()]);
        }
    }
    records
}

type Entries = Vec<(String, i64)>;

/// Reads `data` as each Rust type that stands for the `kind` of container,
/// and compares with `plain`, what CPython loaded from it as plain data.
fn check(kind: &[u8], data: &[u8], plain: &[u8]) -> Result<(), String> {
    let brief = |text: &str| text.chars().take(200).collect::<String>();
    let read = |what: &str, result: Result<String, pickle_core::Error>, expected: &str| match result
    {
        Ok(got) if got == expected => Ok(()),
        Ok(got) => Err(format!(
            "as {what}: {}, CPython {}",
            brief(&got),
            brief(expected)
        )),
        Err(e) => Err(format!("as {what}: {e}, CPython {}", brief(expected))),
    };
    let shown = |v: &dyn std::fmt::Debug| format!("{v:?}");
    match kind {
        b"ordereddict" | b"dictlike" => {
            let pairs: Entries = pickle_core::from_slice(plain).map_err(|e| e.to_string())?;
            if kind == b"ordereddict" {
                let got = pickle_core::from_slice::<OrderedDict<String, i64>>(data);
                read("OrderedDict", got.map(|m| shown(&m.0)), &shown(&pairs))?;
            }
            let sorted: BTreeMap<String, i64> = pairs.iter().cloned().collect();
            let got = pickle_core::from_slice::<BTreeMap<String, i64>>(data);
            read("BTreeMap", got.map(|m| shown(&m)), &shown(&sorted))?;
            let got = pickle_core::from_slice::<HashMap<String, i64>>(data);
            let got = got.map(|m| shown(&m.into_iter().collect::<BTreeMap<_, _>>()));
            read("HashMap", got, &shown(&sorted))
        }
        b"deque" => {
            let (items, maxlen): (Vec<i64>, Option<usize>) =
                pickle_core::from_slice(plain).map_err(|e| e.to_string())?;
            let expected = Deque {
                items: items.into(),
                maxlen,
            };
            let got = pickle_core::from_slice::<Deque<i64>>(data);
            read("Deque", got.map(|d| shown(&d)), &shown(&expected))
        }
        b"set" => {
            let items: Vec<i64> = pickle_core::from_slice(plain).map_err(|e| e.to_string())?;
            let expected: BTreeSet<i64> = items.into_iter().collect();
            let got = pickle_core::from_slice::<BTreeSet<i64>>(data);
            read("BTreeSet", got.map(|s| shown(&s)), &shown(&expected))?;
            let got = pickle_core::from_slice::<FrozenSet<BTreeSet<i64>>>(data);
            read("FrozenSet", got.map(|s| shown(&s.0)), &shown(&expected))
        }
        other => Err(format!("unknown kind {}", String::from_utf8_lossy(other))),
    }
}

/// For a shape that holds what the Rust types of `kind` cannot: every one
/// of them refuses it. `cpython` says what CPython does with it.
fn check_refused(kind: &[u8], data: &[u8], cpython: &[u8]) -> Result<(), String> {
    let cpython: String = pickle_core::from_slice(cpython).map_err(|e| e.to_string())?;
    let reads: Vec<(&str, bool)> = match kind {
        b"ordereddict" | b"dictlike" => vec![
            (
                "OrderedDict",
                pickle_core::from_slice::<OrderedDict<String, i64>>(data).is_ok(),
            ),
            (
                "BTreeMap",
                pickle_core::from_slice::<BTreeMap<String, i64>>(data).is_ok(),
            ),
        ],
        b"timedelta" => vec![(
            "Duration",
            pickle_core::from_slice::<std::time::Duration>(data).is_ok(),
        )],
        b"ipv4" => vec![(
            "Ipv4Addr",
            pickle_core::from_slice::<std::net::Ipv4Addr>(data).is_ok(),
        )],
        other => return Err(format!("unknown kind {}", String::from_utf8_lossy(other))),
    };
    match reads.iter().find(|(_, ok)| *ok) {
        Some((what, _)) => Err(format!("read as {what}, not refused ({cpython})")),
        None => Ok(()),
    }
}

#[test]
fn containers_read_as_cpython_loads_them_from_python_3_and_2() {
    let records = pickles();
    let plain = common::read_records(&common::python(
        "container_calls.py",
        &["plain"],
        &common::write_records(&records),
    ));
    assert_eq!(plain.len() / 3, records.len() / 4);
    let mut failures = Vec::new();
    for (r, p) in records.chunks(4).zip(plain.chunks(3)) {
        let (name, kind, proto) = (
            String::from_utf8_lossy(&r[0]),
            &r[1],
            String::from_utf8_lossy(&r[2]),
        );
        let result = match kind.strip_prefix(b"refused ") {
            Some(kind) => check_refused(kind, &r[3], &p[2]),
            None => check(kind, &r[3], &p[2]),
        };
        if let Err(e) = result {
            failures.push(format!("{name} at protocol {proto}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
