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


pub use bytes::{ByteArray, ByteBuf, Bytes};
pub use collections_py::{Deque, FrozenSet, OrderedDict};
