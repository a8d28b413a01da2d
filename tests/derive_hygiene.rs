//! Generated code names everything by absolute path: it compiles where the
//! prelude's names are shadowed, under `unused_qualifications` and clippy's
//! pedantic lints (denied), and through a re-exporting crate path.
#![deny(unused_qualifications, missing_docs)]
#![deny(clippy::pedantic)]

/// Shadows every prelude name generated code might use unqualified.
#[allow(dead_code, non_camel_case_types, clippy::pedantic)]
mod shadowed {
    pub struct Result;
    pub struct Option;
    pub struct Ok;
    pub struct Err;
    pub struct Some;
    pub struct None;
    pub struct Vec;
    pub struct String;
    pub struct Box;
    pub struct Default;
    pub struct bool;
    pub struct usize;
    pub trait ToPickle {}
    pub trait FromPickle {}
    pub trait PyType {}
    pub struct Registry;
    pub struct TypeExpr;
    pub struct Pickler;
    pub struct Decoder;
    pub struct ClassDesc;
    pub mod core {}
    pub mod std {}
    pub mod pickle_core {}
}

/// The derives used inside a module where all of those names are shadowed.
mod user {
    #![allow(unused_imports)]
    use super::shadowed::*;

    /// A class with every kind of field.
    #[derive(::pickle_core::ToPickle, ::pickle_core::FromPickle, Debug, PartialEq)]
    #[pickle(module = "hygiene", name = "Thing")]
    pub struct Thing<T> {
        /// A generic field.
        pub value: T,
        /// An optional list.
        pub list: ::std::option::Option<::std::vec::Vec<i64>>,
        /// Bytes.
        #[pickle(bytes)]
        pub raw: ::std::vec::Vec<u8>,
        /// Defaulted.
        #[pickle(default)]
        pub count: u32,
        /// Skipped.
        #[pickle(skip)]
        pub cache: ::std::string::String,
        /// Through a `with` module.
        #[pickle(with = "crate::as_text")]
        pub text: i64,
    }

    /// A generic class with a where clause, and an older version of it
    /// (same class) without the defaulted fields.
    #[derive(::pickle_core::ToPickle, ::pickle_core::FromPickle, Debug, PartialEq)]
    #[pickle(module = "hygiene", name = "Bounded")]
    pub struct Bounded<T, U>
    where
        T: Clone,
    {
        /// Kept.
        pub value: T,
        /// From a function when missing.
        #[pickle(default = "crate::seven")]
        pub seven: i64,
        /// From `Default` when missing.
        #[pickle(default)]
        pub zero: U,
    }

    /// `Bounded` as an older program wrote it.
    #[derive(::pickle_core::ToPickle)]
    #[pickle(module = "hygiene", name = "Bounded")]
    pub struct BoundedV1 {
        /// The only field then.
        pub value: i64,
    }

    /// An enum of unit variants.
    #[derive(::pickle_core::ToPickle, ::pickle_core::FromPickle, Debug, PartialEq, Clone, Copy)]
    #[pickle(module = "hygiene")]
    pub enum Color {
        /// Red.
        Red = 1,
        /// Blue.
        #[pickle(value = "blue")]
        Blue,
    }

    /// An enum with data.
    #[derive(::pickle_core::ToPickle, ::pickle_core::FromPickle, Debug, PartialEq)]
    #[pickle(module = "hygiene", reduce)]
    pub enum Shape {
        /// A class with one field.
        Circle(f64),
        /// A class with named fields.
        #[pickle(slots)]
        Rect {
            /// Width.
            w: f64,
            /// Height.
            h: f64,
        },
        /// A class without fields.
        Empty,
    }

    /// A dict.
    #[derive(::pickle_core::ToPickle, ::pickle_core::FromPickle, Debug, PartialEq)]
    #[pickle(dict, deny_unknown_fields)]
    pub struct Map {
        /// A field.
        pub a: i64,
    }

    /// A wrapper.
    #[derive(::pickle_core::ToPickle, ::pickle_core::FromPickle, Debug, PartialEq)]
    #[pickle(transparent)]
    pub struct Id(pub i64);

    /// Only read, so described by `#[derive(PyType)]`.
    #[derive(::pickle_core::FromPickle, ::pickle_core::PyType, Debug, PartialEq)]
    #[pickle(module = "hygiene", name = "ReadOnly", slots)]
    pub struct ReadOnly<T> {
        /// A generic list.
        pub items: ::std::vec::Vec<T>,
        /// Through a `with` module, with its Python type.
        #[pickle(with = "crate::as_text", py_type = "str")]
        pub text: i64,
    }

    /// A unit struct through the `crate = "..."` path.
    #[derive(::pickle_core::ToPickle, ::pickle_core::FromPickle, Debug, PartialEq)]
    #[pickle(module = "hygiene", crate = "crate::reexport::pickle")]
    pub struct Unit;
}

/// A crate that re-exports `pickle_core` under another path.
mod reexport {
    pub use pickle_core as pickle;
}

/// The default of `Bounded::seven`.
fn seven() -> i64 {
    7
}

/// `with` module: an int written as its decimal text.
mod as_text {
    use pickle_core::{Decoder, Error, Pickler, Result};

    #[allow(clippy::trivially_copy_pass_by_ref)]
    pub fn to_pickle(v: &i64, p: &mut Pickler<'_>) -> Result<()> {
        p.write_str(&v.to_string())
    }

    pub fn from_pickle(d: Decoder<'_>) -> Result<i64> {
        d.decode_str()?.parse().map_err(Error::custom)
    }
}

#[test]
fn shadowed_prelude_and_lints_round_trip() {
    use user::{Color, Id, Map, Shape, Thing, Unit};

    let thing = Thing {
        value: Color::Blue,
        list: Some(vec![1, 2]),
        raw: b"raw".to_vec(),
        count: 3,
        cache: String::new(),
        text: -12,
    };
    let bytes = pickle_core::to_vec(&thing).unwrap();
    assert_eq!(
        pickle_core::from_slice::<Thing<Color>>(&bytes).unwrap(),
        thing
    );
    let shapes = vec![
        Shape::Circle(1.0),
        Shape::Rect { w: 1.0, h: 2.0 },
        Shape::Empty,
    ];
    let bytes = pickle_core::to_vec(&shapes).unwrap();
    assert_eq!(
        pickle_core::from_slice::<Vec<Shape>>(&bytes).unwrap(),
        shapes
    );
    let old = pickle_core::to_vec(&user::BoundedV1 { value: 3 }).unwrap();
    let bounded: user::Bounded<i64, i64> = pickle_core::from_slice(&old).unwrap();
    assert_eq!((bounded.value, bounded.seven, bounded.zero), (3, 7, 0));
    let bytes = pickle_core::to_vec(&(Map { a: 1 }, Id(5), Unit, Color::Red)).unwrap();
    let back: (Map, Id, Unit, Color) = pickle_core::from_slice(&bytes).unwrap();
    assert_eq!(back, (Map { a: 1 }, Id(5), Unit, Color::Red));
}

#[test]
fn shadowed_prelude_stubs() {
    use user::{Bounded, Color, Id, Map, ReadOnly, Shape, Thing, Unit};

    let mut stubs = pickle_core::stubs::Stubs::new();
    stubs
        .add::<Thing<Color>>()
        .add::<Bounded<i64, u8>>()
        .add::<Vec<Shape>>()
        .add::<ReadOnly<f64>>()
        .add::<(Map, Id, Unit)>();
    let text = stubs.module_source("hygiene").unwrap();
    for class in [
        "class Thing(typing.Generic[T]):",
        "class Bounded(typing.Generic[T, U]):",
        "class Color(enum.Enum):",
        "class Circle:",
        "Shape = typing.Union[Circle, Rect, Empty]",
        "class ReadOnly(typing.Generic[T]):",
        "class Unit:",
    ] {
        assert!(text.contains(class), "{class} in:\n{text}");
    }
    assert!(text.contains("    text: str\n"), "{text}");
}
