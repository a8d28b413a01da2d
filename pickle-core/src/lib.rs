//! Python's pickle format for Rust.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod compat;
pub mod de;
pub mod dis;
pub mod error;
mod ext;
mod hash;
mod impls;
pub mod opcode;
mod protocol;
pub mod ser;
mod text;
mod value;

pub use de::{from_reader, from_slice, Decoder};
pub use dis::{dis, optimize};
pub use error::{Error, ErrorKind, Result};
pub use ext::Extensions;
pub use impls::{ByteArray, ByteBuf, Bytes};
pub use protocol::Protocol;
pub use ser::{to_vec, to_vec_with, to_writer, Pickler};
pub use value::{
    BigInt, Buffer, Call, CodePoints, Global, InvalidText, Object, Op, PyStr, Value, MAX_STR_DIGITS,
};

/// A Rust type that can be written as a pickle.
pub trait ToPickle {
    /// Writes `self` as one Python object.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()>;
}

/// A Rust type that can be read from a pickle.
pub trait FromPickle: Sized {
    /// Reads `Self` from one decoded object.
    fn from_pickle(d: Decoder<'_>) -> Result<Self>;
}
