//! The crate's [`Error`] as serde's error type, with serde's complaints
//! sorted into the crate's [`ErrorKind`]s.

use std::fmt::Display;

use ::serde::de::{Expected, Unexpected};

use crate::error::{Error, ErrorKind};

impl ::serde::ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Error {
        Error::custom(msg)
    }
}

impl ::serde::de::Error for Error {
    fn custom<T: Display>(msg: T) -> Error {
        Error::custom(msg)
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
        Error::new(
            ErrorKind::Type,
            format!("expected {exp}, found {}", found(unexp)),
        )
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
        Error::new(
            ErrorKind::OutOfRange,
            format!("expected {exp}, found {}", found(unexp)),
        )
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Error {
        Error::new(
            ErrorKind::Type,
            format!("expected {exp}, found {len} items"),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Error {
        Error::new(
            ErrorKind::UnknownVariant,
            format!("unknown variant `{variant}`, expected {}", one_of(expected)),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Error {
        Error::new(
            ErrorKind::UnknownField,
            format!("unknown field `{field}`, expected {}", one_of(expected)),
        )
    }

    fn missing_field(field: &'static str) -> Error {
        Error::new(ErrorKind::MissingField, format!("missing field `{field}`"))
    }
}

/// What was found, in Python's terms where they differ from serde's.
fn found(unexp: Unexpected<'_>) -> String {
    match unexp {
        Unexpected::Unit => "None".to_owned(),
        Unexpected::Seq => "a sequence".to_owned(),
        Unexpected::Map => "a dict".to_owned(),
        other => other.to_string(),
    }
}

fn one_of(names: &[&str]) -> String {
    match names {
        [] => "none".to_owned(),
        [one] => format!("`{one}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}
