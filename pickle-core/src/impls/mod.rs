//! [`ToPickle`](crate::ToPickle) and [`FromPickle`](crate::FromPickle) for
//! the standard library's types.

mod bytes;
mod collections;
mod primitives;
mod wrappers;

pub use bytes::{ByteArray, ByteBuf, Bytes};
