//! Pickles that look like numpy's but lie (written by CPython's pickler,
//! `tests/python/numpy_hostile.py`): shapes that overflow, negative or too
//! many dimensions, data of another length than shape and dtype say, dtype
//! names that are no dtype, subclasses and other globals, object arrays.
//! Each is a typed error with an offset, for owned arrays and views alike,
//! allocating no more than the input; a `Value` read keeps each, inert.
#![cfg(feature = "ndarray")]

mod common;

use ndarray::{Array, CowArray, IxDyn};
use pickle_core::numpy::Views;
use pickle_core::{ErrorKind, Value};

/// What a refused read may allocate: the general reader's objects for
/// these small pickles, and no array.
const MAX_BYTES: usize = 64 << 10;

fn kind_of(name: &str) -> ErrorKind {
    match name {
        "OutOfRange" => ErrorKind::OutOfRange,
        "Type" => ErrorKind::Type,
        "UnexpectedGlobal" => ErrorKind::UnexpectedGlobal,
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn lying_arrays_are_typed_errors_within_the_input() {
    let _alone = common::memory::exclusive();
    let records = common::read_records(&common::python("numpy_hostile.py", &[], b""));
    assert!(records.len() >= 3 * 50, "{} records", records.len());
    for case in records.chunks(3) {
        let name = String::from_utf8_lossy(&case[0]);
        let kind = kind_of(&String::from_utf8_lossy(&case[1]));
        let data = &case[2];
        let (owned, peak) = common::memory::peak_during(|| {
            pickle_core::from_slice::<Array<f64, IxDyn>>(data).map(drop)
        });
        let err = owned.expect_err(&name);
        assert_eq!(err.kind(), kind, "{name}: {err}");
        assert!(err.offset().is_some(), "{name}: {err} has no offset");
        assert!(peak < MAX_BYTES, "{name}: allocated {peak} bytes");

        let views = Views::new(data);
        let (viewed, peak) = common::memory::peak_during(|| {
            views
                .read(|d| views.array::<f64, IxDyn>(d))
                .map(|a: CowArray<'_, f64, IxDyn>| drop(a))
        });
        assert_eq!(viewed.expect_err(&name).kind(), kind, "{name}: view");
        assert!(peak < MAX_BYTES, "{name}: the view allocated {peak} bytes");

        let value = pickle_core::from_slice::<Value>(data);
        assert!(value.is_ok(), "{name}: as a Value: {value:?}");
    }
}

/// numpy's own pickles, truncated and with bytes changed: every read
/// (owned arrays of several element types and dimensions, views, dtypes,
/// scalars) returns a value or an error with an offset; none panics.
#[test]
fn mutated_numpy_pickles_never_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/numpy/python3.11.7-numpy1.26.4.records");
    let records = common::read_records(&std::fs::read(path).expect("the fixture"));
    // Every pickle of the fixture: the records that start with `\x80` or
    // `(` (protocol 0 and 1 pickles of arrays start with `c` or `(`).
    let pickles: Vec<&Vec<u8>> = records
        .iter()
        .filter(|r| r.len() > 16 && matches!(r[0], 0x80 | b'(' | b'c') && r.ends_with(b"."))
        .collect();
    assert!(pickles.len() > 300, "{} pickles", pickles.len());
    let mut reads = 0;
    for pickle in pickles {
        let stride = (pickle.len() / 40).max(1);
        for at in (0..pickle.len()).step_by(stride) {
            let mut variants = vec![pickle[..at].to_vec()];
            for byte in [0x00, 0xff, pickle[at] ^ 0x01, pickle[at].wrapping_add(0x10)] {
                let mut changed = pickle.clone();
                changed[at] = byte;
                variants.push(changed);
            }
            for data in &variants {
                read_every_way(data);
                reads += 1;
            }
        }
    }
    eprintln!("{reads} mutated pickles read every way without a panic");
}

fn read_every_way(data: &[u8]) {
    fn check<T>(r: pickle_core::Result<T>) {
        if let Err(e) = r {
            assert!(
                e.offset().is_some() || e.kind() == ErrorKind::Truncated,
                "{e}"
            );
        }
    }
    check(pickle_core::from_slice::<Array<f64, IxDyn>>(data));
    check(pickle_core::from_slice::<Array<i32, ndarray::Ix2>>(data));
    check(pickle_core::from_slice::<Array<bool, IxDyn>>(data));
    check(pickle_core::from_slice::<Array<u8, ndarray::Ix1>>(data));
    check(pickle_core::from_slice::<pickle_core::numpy::DType>(data));
    check(pickle_core::from_slice::<f64>(data));
    check(pickle_core::from_slice::<i64>(data));
    let views = Views::new(data);
    check(views.read(|d| views.array::<f32, IxDyn>(d)).map(drop));
}
