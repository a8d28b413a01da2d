//! Python class stubs: the package generated from the Rust types of
//! `tests/market/` imports in CPython, passes `mypy --strict`, loads what
//! Rust writes as instances of its classes (which CPython writes back
//! byte for byte), and its instances, built in Python, decode into the
//! Rust types. Snapshots of the generated source are in `snapshots/`.

mod common;
mod market;

/// The producer example's types, whose Python side is generated too.
#[path = "../examples/shop/mod.rs"]
#[allow(dead_code)]
mod example_shop;

use std::process::Command;

use pickle_core::stubs::{Stubs, TypeExpr};
use pickle_core::{FromPickle, Protocol, PyType, ToPickle};

/// The package of `market::Order`, which names every class of `market`.
fn stubs() -> Stubs {
    let mut stubs = Stubs::new();
    stubs.add::<market::Order>();
    stubs
}

#[test]
fn cpython_and_rust_agree_through_the_generated_classes() {
    let dir = common::scratch_dir("stubs_roundtrip");
    stubs().write_package(&dir).unwrap();
    let cases = market::cases::all();
    let mut records: Vec<Vec<u8>> = Vec::new();
    for case in &cases {
        for protocol in Protocol::ALL {
            let bytes = common::to_vec(&*case.value, protocol)
                .unwrap_or_else(|e| panic!("{} at {protocol:?}: {e}", case.name));
            records.push(case.name.as_bytes().to_vec());
            records.push((protocol as u8).to_string().into_bytes());
            records.push(bytes);
        }
    }
    let dir_arg = dir.to_str().unwrap();
    let out = common::python(
        "stubs_check.py",
        &[dir_arg],
        &common::write_records(&records),
    );
    let out = common::read_records(&out);
    let report = String::from_utf8(out[0].clone()).unwrap();

    // Rust -> Python: every pickle loads as the case's objects, of the
    // generated classes, and CPython writes them back byte for byte (slots
    // classes too, at every protocol: they define `__getstate__`).
    let bad: Vec<&str> = report
        .lines()
        .filter(|l| !(l.contains("\"equal\": true") && l.contains("\"identical\": true")))
        .collect();
    assert!(bad.is_empty(), "mismatches:\n{}", bad.join("\n"));
    assert_eq!(report.lines().count(), cases.len() * Protocol::ALL.len());

    // Python -> Rust: CPython's pickles of objects built with the
    // generated constructors decode into the expected Rust values.
    let mut failures = Vec::new();
    let mut decoded = 0;
    for triple in out[1..].chunks(3) {
        let name = std::str::from_utf8(&triple[0]).unwrap();
        let case = cases.iter().find(|c| c.name == name).unwrap();
        match (case.read)(&triple[2]) {
            Ok(()) => decoded += 1,
            Err(e) => failures.push(format!(
                "{name} at protocol {}: {e}",
                String::from_utf8_lossy(&triple[1])
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(decoded, cases.len() * Protocol::ALL.len());
    eprintln!(
        "{} Rust pickles loaded and rewritten identically by CPython, {decoded} CPython pickles decoded by Rust",
        cases.len() * Protocol::ALL.len()
    );
}

/// `mypy --strict` for Python 3.10, the oldest that mypy checks for (the
/// package's own floor is checked by running it: `oldest_pythons_run_the_package`),
/// or `None` where the type checks run with another interpreter.
fn mypy() -> Option<Command> {
    let mut cmd = common::mypy()?;
    cmd.args(["--python-version", "3.10"]);
    Some(cmd)
}

#[test]
fn mypy_strict_accepts_the_package_and_catches_misuse() {
    let Some(mut mypy_package) = mypy() else {
        return;
    };
    let dir = common::scratch_dir("stubs_mypy");
    let (py, pyi) = (dir.join("py"), dir.join("pyi"));
    let stubs = stubs();
    stubs.write_package(&py).unwrap();
    stubs.write_stubs(&pyi).unwrap();
    let cases = common::python_dir().join("stubs_cases.py");
    let misuse = common::python_dir().join("stubs_misuse.py");

    // The package, the cases (which use every class) and the misuses: the
    // only errors are the misuses, one on each marked line.
    let out = mypy_package
        .current_dir(&py)
        .env("MYPYPATH", &py)
        .arg("market")
        .arg(&cases)
        .arg(&misuse)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "mypy should find the misuses, and only them:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let misuse_text = std::fs::read_to_string(&misuse).unwrap();
    let expected: Vec<usize> = misuse_text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.ends_with("# error"))
        .map(|(i, _)| i + 1)
        .collect();
    let mut reported: Vec<usize> = Vec::new();
    for line in text.lines().filter(|l| l.contains(": error: ")) {
        let (file, rest) = line.split_once(".py:").unwrap_or(("", ""));
        assert!(
            file.ends_with("stubs_misuse"),
            "mypy --strict rejects the generated package or its use:\n{text}"
        );
        reported.push(rest.split(':').next().unwrap().parse().unwrap());
    }
    reported.dedup();
    assert_eq!(reported, expected, "mypy output:\n{text}");

    // The `.pyi` stubs type the same code as the package.
    let out = mypy()
        .expect("mypy ran above")
        .current_dir(&pyi)
        .env("MYPYPATH", &pyi)
        .arg("market")
        .arg(&cases)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mypy --strict on the .pyi stubs:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The generated package imports and loads Rust's pickles on the oldest
/// Pythons it supports, 3.7 and 3.8 (the tests run it on later ones).
#[test]
fn oldest_pythons_run_the_package() {
    let dir = common::scratch_dir("stubs_oldest");
    stubs().write_package(&dir).unwrap();
    let cases = market::cases::all();
    // Python 3.7 has protocols 0 to 4.
    for (minor, protocols) in [("3.7", &Protocol::ALL[..5]), ("3.8", &Protocol::ALL[..])] {
        let Some(python) = common::python_of_version(minor) else {
            eprintln!(
                "notice: python{minor} not found: the package's run on it is not checked here"
            );
            continue;
        };
        let mut records: Vec<Vec<u8>> = Vec::new();
        for case in &cases {
            for &protocol in protocols {
                records.push(case.name.as_bytes().to_vec());
                records.push((protocol as u8).to_string().into_bytes());
                records.push(pickle_core::to_vec_with(&*case.value, protocol).unwrap());
            }
        }
        let out = common::run_python(
            &python,
            "stubs_check.py",
            &[dir.to_str().unwrap(), "--load-only"],
            &common::write_records(&records),
        );
        let out = common::read_records(&out);
        let report = String::from_utf8(out[0].clone()).unwrap();
        assert_eq!(
            report
                .lines()
                .filter(|l| l.contains("\"equal\": true"))
                .count(),
            cases.len() * protocols.len(),
            "python{minor}: {report}"
        );
    }
}

#[test]
fn snapshots_of_the_generated_source() {
    let stubs = stubs();
    assert_eq!(stubs.modules(), ["market.common", "market.models"]);
    insta::assert_snapshot!(
        "market_models",
        stubs.module_source("market.models").unwrap()
    );
    insta::assert_snapshot!(
        "market_common",
        stubs.module_source("market.common").unwrap()
    );
    insta::assert_snapshot!("market_package", stubs.module_source("market").unwrap());
    insta::assert_snapshot!(
        "market_common_pyi",
        stubs.module_stub("market.common").unwrap()
    );
    insta::assert_snapshot!(
        "example_shop_models",
        example_shop::stubs().module_source("shop.models").unwrap()
    );
    let paths: Vec<String> = stubs
        .files()
        .unwrap()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "market/__init__.py",
            "market/py.typed",
            "market/common.py",
            "market/models.py"
        ]
    );
}

#[test]
fn annotations_of_std_types() {
    use std::collections::{BTreeMap, HashSet, VecDeque};
    let cases = [
        (TypeExpr::of::<i128>(), "int"),
        (TypeExpr::of::<pickle_core::BigInt>(), "int"),
        (TypeExpr::of::<f32>(), "float"),
        (TypeExpr::of::<char>(), "str"),
        (TypeExpr::of::<pickle_core::PyStr>(), "str"),
        (TypeExpr::of::<()>(), "None"),
        (TypeExpr::of::<pickle_core::ByteArray>(), "bytearray"),
        (TypeExpr::of::<pickle_core::Value>(), "typing.Any"),
        (TypeExpr::of::<Vec<u8>>(), "typing.List[int]"),
        (
            TypeExpr::of::<VecDeque<[bool; 2]>>(),
            "typing.List[typing.List[bool]]",
        ),
        (
            TypeExpr::of::<BTreeMap<String, Option<Option<u8>>>>(),
            "typing.Dict[str, typing.Optional[int]]",
        ),
        (TypeExpr::of::<HashSet<Box<str>>>(), "typing.Set[str]"),
        (
            TypeExpr::of::<(i8, (), f64)>(),
            "typing.Tuple[int, None, float]",
        ),
        (
            TypeExpr::of::<Vec<market::Wrapper<market::Tag>>>(),
            "typing.List[market.models.Wrapper[market.common.Tag]]",
        ),
        (
            TypeExpr::of::<market::Settings>(),
            "typing.Dict[str, typing.Any]",
        ),
        (TypeExpr::of::<market::UserId>(), "int"),
        (
            TypeExpr::union(vec![
                TypeExpr::class("decimal", "Decimal"),
                TypeExpr::tuple(vec![]),
                TypeExpr::frozenset(TypeExpr::builtin("int")),
            ]),
            "typing.Union[decimal.Decimal, typing.Tuple[()], typing.FrozenSet[int]]",
        ),
        (
            TypeExpr::class("collections", "OrderedDict").with_args(vec![
                TypeExpr::builtin("str"),
                TypeExpr::raw("datetime.date"),
            ]),
            "collections.OrderedDict[str, datetime.date]",
        ),
    ];
    for (expr, text) in cases {
        assert_eq!(expr.to_string(), text);
    }
}

/// A type of another crate, mapped to a class that needs an import.
struct Timestamp;

impl PyType for Timestamp {
    fn py_type(_: &mut pickle_core::stubs::Registry) -> TypeExpr {
        TypeExpr::class("datetime", "datetime")
    }
}

/// Read only: described by `#[derive(PyType)]`, with a foreign type.
#[derive(FromPickle, PyType)]
#[pickle(module = "events.log")]
#[allow(dead_code)]
struct Event {
    #[pickle(skip)]
    at: Option<Box<Timestamp>>,
    #[pickle(with = "market::seconds", py_type = "datetime.timedelta")]
    took: std::time::Duration,
}

/// A second class of the module, added through a hand-written `PyType`.
#[derive(ToPickle)]
#[pickle(module = "events.log", slots)]
struct Stamp {
    events: Vec<u8>,
}

/// No class, yet its field's class is part of the package.
#[derive(ToPickle)]
#[pickle(dict)]
struct Envelope {
    stamp: Option<Stamp>,
}

#[test]
fn a_dict_type_pulls_in_the_classes_of_its_fields() {
    let mut stubs = Stubs::new();
    stubs.add::<Envelope>();
    assert_eq!(stubs.modules(), ["events.log"]);
    assert_eq!(
        TypeExpr::of::<Envelope>().to_string(),
        "typing.Dict[str, typing.Any]"
    );
}

#[test]
fn foreign_types_import_their_modules() {
    struct Stamped;
    impl PyType for Stamped {
        fn py_type(registry: &mut pickle_core::stubs::Registry) -> TypeExpr {
            let _ = Stamp::py_type(registry);
            TypeExpr::list(TypeExpr::optional(Timestamp::py_type(registry)))
        }
    }
    let mut stubs = Stubs::new();
    stubs.add::<Event>().add::<Stamped>();
    let text = stubs.module_source("events.log").unwrap();
    assert!(text.contains("\nimport datetime\n"), "{text}");
    assert!(text.contains("    took: datetime.timedelta\n"), "{text}");
    assert!(text.contains("class Stamp:\n"), "{text}");
    assert_eq!(
        TypeExpr::of::<Stamped>().to_string(),
        "typing.List[typing.Optional[datetime.datetime]]"
    );
}

/// Types whose classes Python cannot have, or that disagree.
mod bad {
    use pickle_core::ToPickle;

    /// `market.common.Money`, described differently from `market::Money`.
    #[derive(ToPickle)]
    #[pickle(module = "market.common", name = "Money", reduce)]
    pub struct OtherMoney {
        pub amount: String,
        pub currency: String,
    }

    /// `market.common.Money` again, described the same way: no conflict.
    #[derive(ToPickle)]
    #[pickle(module = "market.common", name = "Money", reduce, deny_unknown_fields)]
    pub struct SameMoney {
        pub amount: i64,
        pub currency: String,
    }

    /// A class named like a module its module imports.
    #[derive(ToPickle)]
    #[pickle(module = "clash", name = "typing")]
    pub struct Typing {
        pub items: Vec<i64>,
    }

    /// A field named by a keyword.
    #[derive(ToPickle)]
    #[pickle(module = "clash.keyword")]
    pub struct Keyword {
        #[pickle(rename = "class")]
        pub class_name: String,
    }

    /// A NamedTuple field starting with `_`.
    #[derive(ToPickle)]
    #[pickle(module = "clash.tuple", new_args)]
    pub struct Private {
        #[pickle(rename = "_hidden")]
        pub hidden: i64,
    }

    /// An annotation that is not one.
    #[derive(ToPickle)]
    #[pickle(module = "clash.annotation")]
    pub struct Unbalanced {
        #[pickle(py_type = "typing.List[int")]
        pub items: Vec<i64>,
    }

    /// A nested class.
    #[derive(ToPickle)]
    #[pickle(module = "clash.nested", name = "Outer.Inner")]
    pub struct Nested;
}

#[test]
fn impossible_classes_are_errors() {
    let error = |stubs: &Stubs| stubs.files().unwrap_err().to_string();

    let mut same = stubs();
    same.add::<bad::SameMoney>();
    assert!(same.files().is_ok());

    let mut differ = stubs();
    differ.add::<bad::OtherMoney>();
    let e = error(&differ);
    assert!(
        e.contains("`market.common.Money` is described differently by `stubs::market::Money` and `stubs::bad::OtherMoney`"),
        "{e}"
    );
    assert!(differ.module_source("market.common").is_err());

    for (stubs, message) in [
        (
            Stubs::new().add::<bad::Typing>().to_owned_stubs(),
            "`typing` names two things in `clash`",
        ),
        (
            Stubs::new().add::<bad::Keyword>().to_owned_stubs(),
            "field `class` of `clash.keyword.Keyword` is no Python identifier",
        ),
        (
            Stubs::new().add::<bad::Private>().to_owned_stubs(),
            "field `_hidden` of `clash.tuple.Private` starts with `_`",
        ),
        (
            Stubs::new().add::<bad::Unbalanced>().to_owned_stubs(),
            "`typing.List[int` is no one-line Python annotation",
        ),
        (
            Stubs::new().add::<bad::Nested>().to_owned_stubs(),
            "`clash.nested.Outer.Inner` is no class name the stub generator can define",
        ),
    ] {
        let e = error(&stubs);
        assert!(e.starts_with("cannot generate the Python classes: "), "{e}");
        assert!(e.contains(message), "{e}");
    }
    let missing = stubs().module_source("market.nothing").unwrap_err();
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(missing.to_string(), "no generated module `market.nothing`");
}

/// `Stubs::add` returns `&mut Stubs`; the error cases above want one by value.
trait ToOwnedStubs {
    fn to_owned_stubs(&mut self) -> Stubs;
}

impl ToOwnedStubs for Stubs {
    fn to_owned_stubs(&mut self) -> Stubs {
        std::mem::take(self)
    }
}
