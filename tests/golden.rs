//! Golden fixtures: pickles CPython wrote, committed under
//! `tests/fixtures/golden/` by `tests/python/make_golden.py`, with the
//! CPython version in `VERSION`, the expected decoding of each in `MANIFEST`
//! and what `pickletools.dis` printed for each in `NAME.dis`.
//!
//! Unlike the other tests, these need no Python to check the reader and the
//! disassembler; one test reruns the script (when the installed CPython is
//! the recorded one) to check that the committed files are what it writes.

mod common;

use std::path::{Path, PathBuf};

use pickle_core::{Call, Op, Value};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

/// One line of `MANIFEST`: name, protocol, expected description.
fn manifest() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(golden_dir().join("MANIFEST")).expect("MANIFEST exists");
    text.lines()
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let mut next = || {
                fields
                    .next()
                    .expect("three tab-separated fields")
                    .to_owned()
            };
            (next(), next(), next())
        })
        .collect()
}

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
        let data = std::fs::read(golden_dir().join(format!("{name}.pkl"))).unwrap();
        let value: Value = pickle_core::from_slice(&data)
            .unwrap_or_else(|e| panic!("{name}.pkl (protocol {protocol}) does not decode: {e}"));
        assert_eq!(describe(&value), expected, "{name}.pkl decodes differently");
    }
}

#[test]
fn golden_pickles_disassemble_to_the_recorded_pickletools_text() {
    for (name, _, _) in manifest() {
        let data = std::fs::read(golden_dir().join(format!("{name}.pkl"))).unwrap();
        let expected = std::fs::read_to_string(golden_dir().join(format!("{name}.dis"))).unwrap();
        assert_eq!(pickle_core::dis(&data).unwrap(), expected, "{name}.dis");
    }
}

#[test]
fn golden_fixtures_are_what_make_golden_writes() {
    let recorded = std::fs::read_to_string(golden_dir().join("VERSION")).unwrap();
    let installed = common::python_text("make_golden.py", &["--version-only"], b"");
    if recorded != installed {
        eprintln!(
            "skipping: fixtures were made by {}, python3 is {}",
            recorded.trim(),
            installed.trim()
        );
        return;
    }
    let scratch = common::scratch_dir("golden");
    let out = scratch.to_str().unwrap();
    common::python("make_golden.py", &["--out", out], b"");
    let mut names: Vec<_> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let mut regenerated: Vec<_> = std::fs::read_dir(&scratch)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    regenerated.sort();
    assert_eq!(names, regenerated, "make_golden.py writes other files");
    for name in names {
        let committed = std::fs::read(golden_dir().join(&name)).unwrap();
        let fresh = std::fs::read(scratch.join(&name)).unwrap();
        assert!(
            committed == fresh,
            "{name:?} differs from what make_golden.py writes now"
        );
    }
}
