//! Golden fixtures: pickles CPython wrote, committed under
//! `tests/fixtures/golden/` by the workspace's `tests/python/make_golden.py`,
//! with the CPython version in `VERSION`, the expected decoding of each in
//! `MANIFEST` and what `pickletools.dis` printed for each in `NAME.dis`.
//!
//! These need no Python: they check the reader, the disassembler and the
//! writer against what CPython wrote when the fixtures were made. (The
//! workspace's own tests check everything against the installed CPython,
//! and that these files are still what the script writes.)

mod golden_common;

use golden_common::{fixture, manifest};

use pickle_core::{Call, Op, Value};

/// Printable ASCII as is, every other code point (and `\`, `"`) as `\u{hex}`,
/// as `text()` in make_golden.py writes it.
fn text(points: impl Iterator<Item = u32>) -> String {
    points
        .map(|cp| match char::from_u32(cp) {
            Some(c) if (0x20..0x7F).contains(&cp) && c != '\\' && c != '"' => c.to_string(),
            _ => format!("\\u{{{cp:x}}}"),
        })
        .collect()
}

fn list(items: &[Value]) -> String {
    items.iter().map(describe).collect::<Vec<_>>().join(", ")
}

/// A `Value` in the notation of `describe()` in make_golden.py.
fn describe(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => format!("int({i})"),
        Value::BigInt(i) => format!("int({i})"),
        Value::Float(x) => format!("float({:016x})", x.to_bits()),
        Value::Str(s) => format!("str(\"{}\")", text(s.code_points())),
        Value::Bytes(b) => format!("bytes(\"{}\")", text(b.iter().map(|&b| u32::from(b)))),
        Value::ByteArray(b) => format!("bytearray(\"{}\")", text(b.iter().map(|&b| u32::from(b)))),
        Value::List(items) => format!("list[{}]", list(items)),
        Value::Tuple(items) => format!("tuple[{}]", list(items)),
        Value::Set(items) => format!("set[{}]", list(items)),
        Value::FrozenSet(items) => format!("frozenset[{}]", list(items)),
        Value::Dict(entries) => {
            let entries: Vec<_> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", describe(k), describe(v)))
                .collect();
            format!("dict{{{}}}", entries.join(", "))
        }
        Value::Global(g) => format!("global({}, {})", g.module, g.name),
        Value::Object(object) => {
            let call = match &object.call {
                Call::Reduce { callable, args } => {
                    format!("reduce({}, {})", describe(callable), describe(args))
                }
                Call::NewObj { cls, args } => {
                    format!("newobj({}, {})", describe(cls), describe(args))
                }
                Call::NewObjEx { cls, args, kwargs } => format!(
                    "newobj_ex({}, {}, {})",
                    describe(cls),
                    describe(args),
                    describe(kwargs)
                ),
                other => format!("{other:?}"),
            };
            let ops: Vec<_> = object
                .ops
                .iter()
                .map(|op| match op {
                    Op::Build(state) => format!("build({})", describe(state)),
                    Op::Append(item) => format!("append({})", describe(item)),
                    Op::SetItem(k, v) => format!("setitem({}, {})", describe(k), describe(v)),
                    Op::Add(item) => format!("add({})", describe(item)),
                    other => format!("{other:?}"),
                })
                .collect();
            if ops.is_empty() {
                call
            } else {
                format!("{call}.ops[{}]", ops.join(", "))
            }
        }
        Value::Shared(inner) => describe(inner),
        Value::Recursive(_) => "recursive".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn golden_pickles_decode_to_the_recorded_values() {
    let fixtures = manifest();
    assert!(fixtures.len() >= 8, "MANIFEST lists the fixtures");
    for (name, protocol, expected) in fixtures {
        let data = fixture(&format!("{name}.pkl"));
        let value: Value = pickle_core::from_slice(&data)
            .unwrap_or_else(|e| panic!("{name}.pkl (protocol {protocol}) does not decode: {e}"));
        assert_eq!(describe(&value), expected, "{name}.pkl decodes differently");
    }
}

#[test]
fn golden_pickles_disassemble_to_the_recorded_pickletools_text() {
    for (name, _, _) in manifest() {
        let data = fixture(&format!("{name}.pkl"));
        let expected = String::from_utf8(fixture(&format!("{name}.dis"))).unwrap();
        assert_eq!(pickle_core::dis(&data).unwrap(), expected, "{name}.dis");
    }
}

#[test]
fn golden_values_write_back_to_cpython_s_bytes() {
    // Values without instances: a `Value` read from CPython's pickle keeps
    // its sharing, and writes CPython's bytes again at the same protocol.
    let mut checked = 0;
    for (name, protocol, _) in manifest() {
        if !["scalars", "containers", "shared_recursive"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            continue;
        }
        let data = fixture(&format!("{name}.pkl"));
        let value: Value = pickle_core::from_slice(&data).unwrap();
        let protocol = pickle_core::Protocol::ALL[protocol.parse::<usize>().unwrap()];
        let written = pickle_core::to_vec_with(&value, protocol).unwrap();
        assert!(written == data, "{name}: written back differently");
        checked += 1;
    }
    assert!(checked >= 9, "{checked} value fixtures");
}
