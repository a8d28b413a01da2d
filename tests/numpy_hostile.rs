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
