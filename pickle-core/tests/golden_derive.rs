//! Derived types against the golden fixtures: each writes, at every
//! protocol, the bytes CPython wrote for the equal instance of the Python
//! class (`tests/python/make_golden.py`'s `Plain`, `Point`, `Pair`, `Color`
//! and `Slotted`, in `__main__`), and reads them back. No Python needed.
#![cfg(feature = "derive")]

mod golden_common;

use golden_common::{fixture, manifest};
use pickle_core::{FromPickle, Protocol, ToPickle};

/// `class Plain` (attributes set in `__init__`).
#[derive(ToPickle, FromPickle, Debug, PartialEq)]
#[pickle(module = "__main__")]
struct Plain {
    name: String,
    sizes: Vec<i64>,
}

/// `@dataclass class Point`.
#[derive(ToPickle, FromPickle, Debug, PartialEq)]
#[pickle(module = "__main__")]
struct Point {
    x: i64,
    y: f64,
}

/// `Pair = namedtuple("Pair", "left right")`.
#[derive(ToPickle, FromPickle, Debug, PartialEq)]
#[pickle(module = "__main__", new_args)]
struct Pair {
    left: String,
    right: String,
}

/// `class Color(enum.Enum): RED = 1`.
#[derive(ToPickle, FromPickle, Debug, PartialEq)]
#[pickle(module = "__main__", rename_all = "SCREAMING_SNAKE_CASE")]
enum Color {
    Red = 1,
}

/// `class Slotted: __slots__ = ("a", "b")`.
#[derive(ToPickle, FromPickle, Debug, PartialEq)]
#[pickle(module = "__main__", slots)]
struct Slotted {
    a: i64,
    b: String,
}

/// Writes `value` at the protocol of each fixture named `{stem}_p{N}`,
/// compares with CPython's bytes and reads them back; returns how many.
fn check<T: ToPickle + FromPickle + PartialEq + std::fmt::Debug>(stem: &str, value: &T) -> usize {
    let mut checked = 0;
    for (name, protocol, _) in manifest() {
        let Some(n) = name
            .strip_prefix(stem)
            .and_then(|rest| rest.strip_prefix("_p"))
        else {
            continue;
        };
        assert_eq!(n, protocol, "{name} is named after its protocol");
        let protocol = Protocol::ALL[protocol.parse::<usize>().unwrap()];
        let cpython = fixture(&format!("{name}.pkl"));
        let ours = pickle_core::to_vec_with(value, protocol).unwrap();
        assert!(
            ours == cpython,
            "{name}: ours\n{}\nCPython's\n{}",
            pickle_core::dis(&ours).unwrap(),
            pickle_core::dis(&cpython).unwrap()
        );
        assert_eq!(
            &pickle_core::from_slice::<T>(&cpython).unwrap(),
            value,
            "{name}"
        );
        checked += 1;
    }
    checked
}

#[test]
fn derived_instances_write_cpython_s_bytes_at_every_protocol() {
    let plain = Plain {
        name: "plain".into(),
        sizes: vec![1, 2],
    };
    let pair = Pair {
        left: "l".into(),
        right: "r".into(),
    };
    let slotted = Slotted {
        a: 1,
        b: "bee".into(),
    };
    assert_eq!(check("plain", &plain), 6);
    assert_eq!(check("point", &Point { x: 1, y: 2.5 }), 6);
    assert_eq!(check("pair", &pair), 6);
    assert_eq!(check("color", &Color::Red), 6);
    assert_eq!(check("slotted", &slotted), 4);
}
