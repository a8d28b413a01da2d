//! [`ToPickle`](crate::ToPickle) and [`FromPickle`](crate::FromPickle) for
//! the standard library's types, for wrappers of Python containers, and,
//! with the features named after them, for the crates that stand for
//! Python's standard types (each file's documentation has its table).

mod bytes;
mod collections;
mod collections_py;
mod net;
mod primitives;
mod time;
mod wrappers;

#[cfg(feature = "num-bigint")]
mod bigint;
#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "num-complex")]
mod complex;
#[cfg(feature = "rust_decimal")]
mod decimal;
#[cfg(feature = "indexmap")]
mod indexmap;
#[cfg(feature = "uuid")]
mod uuid;

pub use bytes::{ByteArray, ByteBuf, Bytes};
pub use collections_py::{Deque, FrozenSet, OrderedDict};
