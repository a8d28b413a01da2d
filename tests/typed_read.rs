//! Typed decoding of CPython's pickles into standard Rust types, at every
//! protocol, and the errors (with offsets and paths) when types do not fit.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use pickle_core::{BigInt, ByteArray, ByteBuf, ErrorKind, FromPickle, FrozenSet, PyStr, Value};

/// The pickles of one fixture, one per protocol.
fn pickles(name: &str) -> Vec<Vec<u8>> {
    thread_local!(static ALL: Vec<Vec<u8>> = common::read_records(&common::python("typed_fixtures.py", &[], b"")));
    ALL.with(|all| {
        let found: Vec<Vec<u8>> = all
            .chunks(3)
            .filter(|r| r[0] == name.as_bytes())
            .map(|r| r[2].clone())
            .collect();
        assert_eq!(found.len(), 6, "fixture `{name}` at six protocols");
        found
    })
}

fn each<T: FromPickle + PartialEq + std::fmt::Debug>(name: &str, want: T) {
    for (proto, data) in pickles(name).iter().enumerate() {
        let got: T = pickle_core::from_slice(data)
            .unwrap_or_else(|e| panic!("`{name}` at protocol {proto}: {e}"));
        assert_eq!(got, want, "`{name}` at protocol {proto}");
    }
}

fn each_err<T: FromPickle + std::fmt::Debug>(name: &str, kind: ErrorKind, path: Option<&str>) {
    for (proto, data) in pickles(name).iter().enumerate() {
        let err = pickle_core::from_slice::<T>(data).unwrap_err();
        assert_eq!(err.kind(), kind, "`{name}` at protocol {proto}: {err}");
        assert_eq!(
            err.path().as_deref(),
            path,
            "`{name}` at protocol {proto}: {err}"
        );
        assert!(err.offset().is_some(), "`{name}`: errors carry an offset");
    }
}

#[test]
fn maps_sets_and_sequences() {
    let map = HashMap::from([("a".to_owned(), vec![1i64, 2]), ("b".to_owned(), vec![])]);
    each("map", map.clone());
    each("map", map.into_iter().collect::<BTreeMap<_, _>>());
    each("set", HashSet::from([1i64, 2, 3]));
    each("set", BTreeSet::from([1u8, 2, 3]));
    each("frozenset", BTreeSet::from([4i32, 5]));
    each(
        "ordereddict",
        BTreeMap::from([("y".to_owned(), 2i64), ("z".to_owned(), 1)]),
    );
    each("array", [1i32, 2, 3]);
    each("array", VecDeque::from([1u64, 2, 3]));
    each("shared", vec![vec![1i64, 2], vec![1, 2]]);
}

#[test]
fn scalars_tuples_and_bytes() {
    each("tuple", (1i32, "x".to_owned(), 2.5f64, None::<u8>, true));
    each("bytes", ByteBuf(vec![0, 255]));
    each("bytearray", ByteArray(b"ab".to_vec()));
    each("chars", vec!['a', 'é']);
    each("float from int", vec![1.0f64, 2.5]);
    each("none", None::<i64>);
    each("none", ());
    let big = BigInt::from_digits(false, 2, format!("1{}", "0".repeat(100)).as_bytes())
        .expect("binary digits");
    each("bigints", vec![big, BigInt::from(-5i64)]);
    each(
        "surrogate",
        PyStr::from_code_points([0x61, 0xD800]).expect("code points"),
    );
}

#[test]
fn mismatches_are_errors_with_offsets_and_paths() {
    each_err::<Vec<u8>>("u8 overflow", ErrorKind::OutOfRange, Some("[1]"));
    each_err::<[i32; 2]>("array", ErrorKind::Type, None);
    each_err::<HashMap<String, Vec<HashMap<String, f64>>>>(
        "nested error",
        ErrorKind::Type,
        Some("[\"items\"][1][\"price\"]"),
    );
    each_err::<String>("surrogate", ErrorKind::OutOfRange, None);
    each_err::<Vec<i64>>("global call", ErrorKind::UnexpectedGlobal, Some("[1]"));
    let err = pickle_core::from_slice::<Vec<i64>>(&pickles("global call")[4]).unwrap_err();
    assert!(
        err.to_string().contains("`posix.system`"),
        "names the global: {err}"
    );
}

/// The odd text arguments of `INT`, `LONG`, `FLOAT`, `STRING` and `UNICODE`
/// (NUL bytes, spaces, prefixes: see `agreement_inputs.py`) read as typed
/// values as `pickle.loads` reads them, and fail where it fails.
#[test]
fn text_arguments_read_as_pickle_loads_reads_them() {
    let records = common::read_records(&common::python("loads_outcomes.py", &["text"], b""));
    assert!(records.len() > 4 * 100, "expected the text-argument inputs");
    let mut wrong = Vec::new();
    for r in records.chunks(4) {
        let label = String::from_utf8_lossy(&r[0]);
        let (data, kind) = (&r[1][..], &r[2][..]);
        let value = String::from_utf8_lossy(&r[3]).into_owned();
        let ours = match kind {
            b"bool" => pickle_core::from_slice::<bool>(data)
                .map(|b| if b { "True" } else { "False" }.to_owned()),
            b"int" => pickle_core::from_slice::<BigInt>(data).map(|i| i.to_string()),
            b"float" => {
                pickle_core::from_slice::<f64>(data).map(|f| format!("{:016x}", f.to_bits()))
            }
            b"str" => pickle_core::from_slice::<String>(data),
            _ => {
                let loaded = [
                    pickle_core::from_slice::<BigInt>(data).is_ok(),
                    pickle_core::from_slice::<bool>(data).is_ok(),
                    pickle_core::from_slice::<f64>(data).is_ok(),
                    pickle_core::from_slice::<String>(data).is_ok(),
                ];
                if loaded.contains(&true) {
                    wrong.push(format!("{label}: CPython fails, a typed read does not"));
                }
                continue;
            }
        };
        match ours {
            Ok(v) if v == value => {}
            other => wrong.push(format!("{label}: CPython {value}, ours {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Sets and frozensets, with items added by `ADDITEMS` (which CPython
/// allows only on a `set`), read as `pickle.loads` reads them, and fail
/// where it fails.
#[test]
fn set_operations_read_as_pickle_loads_reads_them() {
    let records = common::read_records(&common::python("loads_outcomes.py", &["sets"], b""));
    assert!(records.len() >= 4 * 10, "expected the set-operation inputs");
    let mut wrong = Vec::new();
    for r in records.chunks(4) {
        let label = String::from_utf8_lossy(&r[0]);
        let (data, kind) = (&r[1][..], &r[2][..]);
        let value = String::from_utf8_lossy(&r[3]).into_owned();
        let sorted = |s: BTreeSet<i64>| s.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let reads = [
            pickle_core::from_slice::<BTreeSet<i64>>(data).map(sorted),
            pickle_core::from_slice::<FrozenSet<BTreeSet<i64>>>(data).map(|s| sorted(s.0)),
            pickle_core::from_slice::<Value>(data).map(|v| format!("{v:?}")),
        ];
        match kind {
            b"ints" => {
                for read in &reads[..2] {
                    if read.as_ref().ok() != Some(&value) {
                        wrong.push(format!("{label}: CPython {{{value}}}, ours {read:?}"));
                    }
                }
            }
            _ => {
                if let Some(read) = reads.iter().find(|r| r.is_ok()) {
                    wrong.push(format!("{label}: CPython fails, ours {read:?}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
