//! The Rust peers, serde-pickle and deser-pickle, behind one interface:
//! each encodes and decodes the same Rust types (their own derives) and
//! decodes into its own dynamic value.

use pickle_core::{FromPickle, ToPickle};

/// A type every library in the bench reads and writes.
pub trait Data:
    ToPickle
    + FromPickle
    + serde::Serialize
    + serde::de::DeserializeOwned
    + deser::Serialize
    + for<'de> deser::Deserialize<'de>
    + PartialEq
{
}

impl<T> Data for T where
    T: ToPickle
        + FromPickle
        + serde::Serialize
        + serde::de::DeserializeOwned
        + deser::Serialize
        + for<'de> deser::Deserialize<'de>
        + PartialEq
{
}

pub mod serde_pickle_peer {
    pub fn de() -> serde_pickle::DeOptions {
        serde_pickle::DeOptions::new()
            .keep_restore_state()
            .replace_unresolved_globals()
    }

    pub fn to_vec<T: serde::Serialize>(v: &T) -> Vec<u8> {
        serde_pickle::to_vec(v, serde_pickle::SerOptions::new()).expect("serde-pickle encodes")
    }

    pub fn from_slice<T: serde::de::DeserializeOwned>(b: &[u8]) -> T {
        serde_pickle::from_slice(b, de()).expect("serde-pickle decodes")
    }

    pub fn value(b: &[u8]) -> serde_pickle::Value {
        serde_pickle::value_from_slice(b, de()).expect("serde-pickle decodes a value")
    }

    pub fn value_to_vec(v: &serde_pickle::Value) -> Vec<u8> {
        serde_pickle::value_to_vec(v, serde_pickle::SerOptions::new())
            .expect("serde-pickle encodes a value")
    }
}

pub mod deser_pickle_peer {
    pub fn to_vec<T: deser::Serialize>(v: &T) -> Vec<u8> {
        deser_pickle::to_vec(v).expect("deser-pickle encodes")
    }

    pub fn from_slice<T: for<'de> deser::Deserialize<'de>>(b: &[u8]) -> T {
        deser_pickle::from_slice(b).expect("deser-pickle decodes")
    }

    pub fn value(b: &[u8]) -> deser_value::Value {
        deser_pickle::from_slice(b).expect("deser-pickle decodes a value")
    }

    pub fn value_to_vec(v: &deser_value::Value) -> Vec<u8> {
        deser_pickle::to_vec(v).expect("deser-pickle encodes a value")
    }
}
