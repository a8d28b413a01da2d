//! serde-pickle 1.2's tests of its `Value` (its `test/mod.rs`,
//! `value_tests`), run against `pickle_core::serde::compat` with one change
//! of path. Where serde-pickle matched its own `Error` variants, the port
//! checks the error's kind; its QuickCheck round trip is a proptest one;
//! its test data is made by CPython at test time.
//!
//! serde-pickle is by Georg Brandl, under the MIT or Apache-2.0 licence, as
//! this crate is.

mod common;
#[macro_use]
mod serde_pickle_port;

use pickle_core::serde::compat as serde_pickle;

mod value_tests {
    use super::serde_pickle::{
        from_slice, to_vec, value_from_reader, value_from_slice, value_to_vec,
    };
    use super::serde_pickle::{DeOptions, Deserializer, HashableValue, SerOptions, Value};
    use num_bigint::BigInt;
    use pickle_core::ErrorKind;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs::File;
    use std::iter::FromIterator;

    // combinations of (python major, pickle proto) to test
    const TEST_CASES: &[(u32, u32)] = &[
        (2, 0),
        (2, 1),
        (2, 2),
        (3, 0),
        (3, 1),
        (3, 2),
        (3, 3),
        (3, 4),
        (3, 5),
    ];

    fn get_test_object(pyver: u32) -> Value {
        // Reproduces the test object of tests/python/serde_pickle_data.py.
        let longish = BigInt::from(10000000000u64) * BigInt::from(10000000000u64);
        let mut obj = pyobj!(d={
            n=None           => n=None,
            b=False          => t=(b=False, b=True),
            i=1000           => i=100000,
            ii=longish       => ii=longish,
            f=1.0            => f=1.0,
            bb=b"bytes"      => bb=b"bytes",
            s="string"       => s="string",
            fs=(i=0, i=42)   => fs=(i=0, i=42),
            t=(i=1, i=2)     => t=(i=1, i=2, i=3),
            t=()             => l=[
                l=[i=1, i=2, i=3],
                ss=(i=0, i=42),
                d={},
                bb=b"\x00\x55\xaa\xff"
            ]
        });
        // Unfortunately, __dict__ keys are strings and so are pickled
        // differently depending on major version.
        match &mut obj {
            Value::Dict(map) => {
                if pyver == 2 {
                    map.insert(hpyobj!(i = 7), pyobj!(d={bb=b"attr" => i=5}));
                } else {
                    map.insert(hpyobj!(i = 7), pyobj!(d={s="attr" => i=5}));
                    map.insert(hpyobj!(i = 8), pyobj!(t = (s = "abc", i = 10)));
                    map.insert(
                        hpyobj!(i = 9),
                        pyobj!(d={s="type" => s="abcd", s="quantity" => i=100}),
                    );
                    map.insert(hpyobj!(i = 42), pyobj!(t = (i = 30)));
                    map.insert(hpyobj!(i = 43), pyobj!(t = (i = 20)));
                }
            }
            _ => unreachable!(),
        }
        obj
    }

    #[test]
    fn unpickle_all() {
        let mut read = 0;
        for &(major, proto) in TEST_CASES {
            let path = crate::serde_pickle_port::data_dir()
                .join(format!("tests_py{major}_proto{proto}.pickle"));
            let Ok(file) = File::open(&path) else {
                assert_eq!(major, 2, "CPython 3 writes {path:?}");
                continue;
            };
            let comparison = get_test_object(major);
            let unpickled =
                value_from_reader(file, DeOptions::default().keep_restore_state()).unwrap();
            assert_eq!(unpickled, comparison, "py {major}, proto {proto}");
            read += 1;
        }
        assert!(read >= 6);
    }

    #[test]
    fn roundtrip() {
        let dict = get_test_object(2);
        let vec: Vec<_> = value_to_vec(&dict, Default::default()).unwrap();
        let tripped = value_from_slice(&vec, Default::default()).unwrap();
        assert_eq!(dict, tripped);
    }

    #[test]
    fn recursive() {
        for proto in &[0, 1, 2, 3, 4, 5] {
            let path = crate::serde_pickle_port::data_dir()
                .join(format!("test_recursive_proto{proto}.pickle"));
            let file = File::open(&path).unwrap();
            // serde-pickle: `Err(Error::Syntax(ErrorCode::Recursive))`.
            match value_from_reader(file, Default::default()) {
                Err(e) if e.message().contains("recursive") => {}
                other => panic!("wrong/no error returned for recursive structure: {other:?}"),
            }

            let replace_opt = DeOptions::default().replace_recursive_structures();
            let file = File::open(&path).unwrap();
            assert_eq!(
                value_from_reader(file, replace_opt).unwrap(),
                Value::List(vec![Value::Tuple(vec![Value::List(vec![Value::None])])])
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Random bytes that do not end in `STOP` are never a pickle (and
        /// never a panic).
        #[test]
        fn fuzzing(stream in proptest::collection::vec(any::<u8>(), 1000)) {
            prop_assume!(*stream.last().unwrap() != b'.');
            prop_assert!(value_from_slice(&stream, Default::default()).is_err());
        }

        #[test]
        fn qc_roundtrip(original in value(1)) {
            let vec: Vec<_> = value_to_vec(&original, Default::default()).unwrap();
            let tripped = value_from_slice(&vec, Default::default()).unwrap();
            prop_assert_eq!(original, tripped);
        }
    }

    /// serde-pickle's QuickCheck values: ints beyond 64 bits as big ints,
    /// floats without NaN (which equals nothing, itself included).
    fn value(depth: u32) -> BoxedStrategy<Value> {
        let leaf = prop_oneof![
            Just(Value::None),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::I64),
            big_int().prop_map(Value::Int),
            float().prop_map(Value::F64),
            any::<Vec<u8>>().prop_map(Value::Bytes),
            any::<String>().prop_map(Value::String),
        ];
        if depth == 0 {
            return leaf.boxed();
        }
        let inner = value(depth - 1);
        let key = hashable(depth - 1);
        prop_oneof![
            leaf,
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::List),
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Tuple),
            proptest::collection::btree_set(key.clone(), 0..8).prop_map(Value::Set),
            proptest::collection::btree_set(key.clone(), 0..8).prop_map(Value::FrozenSet),
            proptest::collection::btree_map(key, inner, 0..8).prop_map(Value::Dict),
        ]
        .boxed()
    }

    fn hashable(depth: u32) -> BoxedStrategy<HashableValue> {
        let leaf = prop_oneof![
            Just(HashableValue::None),
            any::<bool>().prop_map(HashableValue::Bool),
            any::<i64>().prop_map(HashableValue::I64),
            big_int().prop_map(HashableValue::Int),
            float().prop_map(HashableValue::F64),
            any::<Vec<u8>>().prop_map(HashableValue::Bytes),
            any::<String>().prop_map(HashableValue::String),
        ];
        if depth == 0 {
            return leaf.boxed();
        }
        let inner = hashable(depth - 1);
        prop_oneof![
            leaf,
            proptest::collection::vec(inner.clone(), 0..8).prop_map(HashableValue::Tuple),
            proptest::collection::btree_set(inner, 0..8).prop_map(HashableValue::FrozenSet),
        ]
        .boxed()
    }

    fn big_int() -> impl Strategy<Value = BigInt> {
        (any::<bool>(), any::<i64>()).prop_map(|(negative, offset)| {
            let bound = if negative { i64::MIN } else { i64::MAX };
            BigInt::from(2) * BigInt::from(bound) + BigInt::from(offset)
        })
    }

    fn float() -> impl Strategy<Value = f64> {
        any::<f64>().prop_filter("NaN equals nothing", |f| !f.is_nan())
    }

    #[test]
    fn roundtrip_json() {
        let original: serde_json::Value = serde_json::from_str(
            r#"[
            {"null": null,
             "false": false,
             "true": true,
             "int": -1238571,
             "float": 1.5e10,
             "list": [false, 5, "true", 3.8]
            }
        ]"#,
        )
        .unwrap();
        let vec: Vec<_> = to_vec(&original, Default::default()).unwrap();
        let tripped: serde_json::Value = from_slice(&vec, Default::default()).unwrap();
        assert_eq!(original, tripped);
    }

    #[test]
    fn bytestring_v2_py3_roundtrip() {
        let original = Value::Bytes(b"123\xff\xfe".to_vec());
        let vec: Vec<_> = value_to_vec(&original, SerOptions::new().proto_v2()).unwrap();
        // Python 3 default deserializer attempts to decode strings
        let mut de = Deserializer::new(vec.as_slice(), DeOptions::new().decode_strings());
        let tripped: Value = de.deserialize_value().unwrap();
        assert_eq!(original, tripped);
        de.end().unwrap();
    }

    #[test]
    fn unresolvable_global() {
        let data = std::fs::read(
            crate::serde_pickle_port::data_dir().join("test_unresolvable_global.pickle"),
        )
        .unwrap();
        let err = value_from_slice(&data, Default::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedGlobal, "{err}");
        let val = value_from_slice(&data, DeOptions::new().replace_unresolved_globals()).unwrap();
        assert_eq!(val, Value::None);
        let serde_val: serde_json::Value =
            from_slice(&data, DeOptions::new().replace_unresolved_globals()).unwrap();
        assert_eq!(serde_val, serde_json::Value::Null);
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let mut data = value_to_vec(&Value::I64(1), Default::default()).unwrap();
        data.push(0);
        assert!(value_from_slice(&data, Default::default()).is_err());
        assert!(from_slice::<i64>(&data, Default::default()).is_err());
        assert!(value_from_reader(data.as_slice(), Default::default()).is_err());
    }
}
