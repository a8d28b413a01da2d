//! Property tests on stable Rust (`proptest`): arbitrary values round-trip
//! through `to_vec_with`/`from_slice` at every protocol that can write them,
//! and no input (arbitrary bytes, or real pickles mutated) makes reading or
//! scanning panic.
//!
//! Generated values avoid the documented normalizations of reading, so that
//! the round trip is exact: no calls of the constructors reading folds into
//! values (`builtins.set(...)` and the like), no dotted global names (below
//! protocol 4 they are written as `getattr` calls), no Python 2 names, and
//! no NaN payloads (protocol 0 writes floats as text). In-band buffers read
//! back as bytes; out-of-band ones are checked separately.

use std::sync::Arc;

use proptest::prelude::*;

use pickle_core::de::{Options, PersistentIds};
use pickle_core::ser::Options as WriteOptions;
use pickle_core::{Buffer, Call, ErrorKind, Global, Object, Op, Protocol, PyStr, Value};

/// Names of globals: plain identifiers in made-up modules, some non-ASCII.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Z][a-z0-9_]{0,6}",
        1 => "[A-Z]é[a-z]{0,3}",
    ]
}

fn global() -> impl Strategy<Value = Global> {
    (
        prop_oneof![Just("mod"), Just("shop.models"), Just("pkg.sub")],
        name(),
    )
        .prop_map(|(m, n)| Global::new(m, n))
}

fn text() -> impl Strategy<Value = PyStr> {
    prop_oneof![
        4 => any::<String>().prop_map(PyStr::from),
        1 => proptest::collection::vec(
            prop_oneof![0u32..0x80, 0xd800u32..0xe000, 0x80u32..0x11_0000],
            0..8,
        )
        .prop_map(|points| PyStr::from_code_points(points).unwrap_or_default()),
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => any::<f64>().prop_filter("a NaN payload", |f| !f.is_nan()),
        1 => Just(f64::NAN),
        1 => Just(-0.0),
    ]
}

/// Values that can be dict keys and set items.
fn hashable() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        proptest::collection::vec(any::<u8>(), 9..24)
            .prop_map(|b| Value::int_from_signed_bytes_le(&b)),
        float().prop_map(Value::Float),
        text().prop_map(Value::Str),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
        global().prop_map(Value::Global),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Tuple),
            proptest::collection::vec(inner, 0..3).prop_map(Value::FrozenSet),
        ]
    })
}

fn object(inner: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    let args = proptest::collection::vec(inner.clone(), 0..3);
    let call = prop_oneof![
        (global(), args.clone()).prop_map(|(g, a)| Call::Reduce {
            callable: Value::Global(g),
            args: Value::Tuple(a),
        }),
        (global(), args.clone()).prop_map(|(g, a)| Call::NewObj {
            cls: Value::Global(g),
            args: Value::Tuple(a),
        }),
        (
            global(),
            args.clone(),
            proptest::collection::vec(("[a-z]{1,4}", inner.clone()), 0..2)
        )
            .prop_map(|(g, a, kw)| Call::NewObjEx {
                cls: Value::Global(g),
                args: Value::Tuple(a),
                kwargs: Value::Dict(kw.into_iter().map(|(k, v)| (Value::str(k), v)).collect()),
            }),
        ("[a-z]{1,5}", "[A-Z][a-z]{0,5}", args.clone()).prop_map(|(m, n, a)| Call::Inst {
            module: m.into(),
            name: n.into(),
            args: a,
        }),
        (global(), args).prop_map(|(g, a)| Call::Obj {
            cls: Value::Global(g),
            args: a,
        }),
    ];
    let op = prop_oneof![
        inner.clone().prop_map(Op::Build),
        inner.clone().prop_map(Op::Append),
        (hashable(), inner).prop_map(|(k, v)| Op::SetItem(k, v)),
        hashable().prop_map(Op::Add),
    ];
    (call, proptest::collection::vec(op, 0..3))
        .prop_map(|(call, ops)| Value::Object(Box::new(Object { call, ops })))
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        hashable(),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(Value::ByteArray),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Tuple),
            proptest::collection::vec((hashable(), inner.clone()), 0..4).prop_map(Value::Dict),
            proptest::collection::vec(hashable(), 0..4).prop_map(Value::Set),
            object(inner.clone().boxed()),
            // One object referenced twice: shared in the memo.
            inner.clone().prop_map(|v| {
                // (An already shared value is shared as it is:
                // `Shared(Shared(..))` is a shape reading never produces.)
                let shared = match v {
                    Value::Shared(_) => v,
                    v => Value::shared(v),
                };
                Value::List(vec![shared.clone(), shared])
            }),
            "[a-z0-9]{1,6}".prop_map(|pid| Value::PersistentId(Box::new(Value::str(pid)))),
            // Cycles: a list, a dict and a tuple (through a list) that contain themselves.
            (inner.clone(), 0..3u8).prop_map(|(v, shape)| {
                Value::Shared(Arc::new_cyclic(move |me| {
                    let me = Value::Recursive(me.clone());
                    match shape {
                        0 => Value::List(vec![v, me]),
                        1 => Value::Dict(vec![(Value::Int(0), v), (Value::Int(1), me)]),
                        _ => Value::Tuple(vec![v, Value::List(vec![me])]),
                    }
                }))
            }),
        ]
    })
}

/// Why writing `v` at `protocol` may fail: a feature the protocol lacks.
fn needs_newer_protocol(v: &Value, protocol: Protocol) -> bool {
    let text = format!("{v:?}");
    let p = protocol.as_u8();
    (p < 4 && (text.contains("Add(") || text.contains("NewObjEx")))
        || (p < 2 && text.contains("NewObj"))
        || (p < 1 && text.contains("Obj {"))
        || (p < 3 && !text.is_ascii() && text.contains("Global"))
}

fn read(bytes: &[u8]) -> pickle_core::Result<Value> {
    Options::new()
        .persistent_ids(PersistentIds::Keep)
        .from_slice(bytes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn values_round_trip_at_every_protocol(v in value()) {
        for protocol in Protocol::ALL {
            match pickle_core::to_vec_with(&v, protocol) {
                Ok(bytes) => {
                    let back = read(&bytes)
                        .unwrap_or_else(|e| panic!("{protocol:?}: {e}\n{v:?}\n{bytes:?}"));
                    prop_assert_eq!(&back, &v, "at {:?}", protocol);
                }
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::Unpicklable, "{}", e);
                    prop_assert!(needs_newer_protocol(&v, protocol), "{:?}: {}\n{:?}", protocol, e, v);
                }
            }
        }
    }

    #[test]
    fn buffers_round_trip_out_of_band_and_are_refused_before_protocol_5(
        data in proptest::collection::vec(any::<u8>(), 0..64),
        readonly in any::<bool>(),
    ) {
        let v = Value::List(vec![Value::Buffer(Buffer::new(data, readonly)), Value::Int(1)]);
        for protocol in &Protocol::ALL[..5] {
            let err = pickle_core::to_vec_with(&v, *protocol).unwrap_err();
            prop_assert_eq!(err.kind(), ErrorKind::Unpicklable);
        }
        let (bytes, buffers) = WriteOptions::new()
            .out_of_band_buffers(true)
            .to_vec_with_buffers(&v)
            .expect("protocol 5 writes buffers out of band");
        let back: Value = Options::new().buffers(&buffers).from_slice(&bytes).expect("reads back");
        prop_assert_eq!(back, v);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = pickle_core::from_slice::<Value>(&data);
        let _ = pickle_core::from_reader::<Value, _>(&data[..]);
        let _ = pickle_core::from_slice::<Vec<(String, Option<f64>)>>(&data);
        let _ = pickle_core::scan(&data);
    }

    #[test]
    fn mutated_pickles_never_panic(
        v in value(),
        protocol in 0u8..6,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..6),
    ) {
        let protocol = Protocol::ALL[usize::from(protocol)];
        let Ok(mut data) = pickle_core::to_vec_with(&v, protocol) else {
            return Ok(());
        };
        for (at, byte, how) in edits {
            let i = at.index(data.len().max(1));
            match how {
                0 if i < data.len() => data[i] = byte,
                1 => data.insert(i.min(data.len()), byte),
                2 if i < data.len() => {
                    data.remove(i);
                }
                _ => data.truncate(i),
            }
        }
        let _ = read(&data);
        let _ = pickle_core::from_reader::<Value, _>(&data[..]);
        let _ = pickle_core::scan(&data);
    }
}

/// Found writing the generators: `INST` names were written as UTF-8 or
/// empty, which no reader accepts; now writing refuses them.
#[test]
fn inst_names_must_be_readable_lines() {
    for (module, name) in [("modé", "A"), ("mod", ""), ("", "A"), ("m\nx", "A")] {
        let v = Value::Object(Box::new(Object {
            call: Call::Inst {
                module: module.into(),
                name: name.into(),
                args: Vec::new(),
            },
            ops: Vec::new(),
        }));
        let err = pickle_core::to_vec_with(&v, Protocol::V0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unpicklable, "{module:?} {name:?}");
    }
}
