//! Python's pickle format for Rust.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The compat name tables and the writer's memo keys are nested tuples on
// purpose (they mirror CPython's tables); clippy 1.95 flags them.

pub mod class;
mod compat;
pub mod de;
pub mod dis;
pub mod error;
mod ext;
mod hash;
mod impls;
pub mod opcode;
mod protocol;
pub mod scan;
pub mod ser;
#[cfg(feature = "serde")]
pub mod serde;
pub mod stubs;
mod text;
mod value;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(feature = "derive")]
pub mod derive_docs;

/// The README's examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "derive"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
pub mod types_docs;

/// Derives [`ToPickle`](trait@ToPickle): writes the type as an instance of a
/// Python class (or a dict, or its one field). Every attribute is described
/// in [`derive_docs`].
#[cfg(feature = "derive")]
pub use pickle_derive::ToPickle;

/// Derives [`FromPickle`](trait@FromPickle): reads the type from an instance
/// of the Python class it names, and of no other class. Every attribute is
/// described in [`derive_docs`].
#[cfg(feature = "derive")]
pub use pickle_derive::FromPickle;

/// Derives [`PyType`](trait@PyType) for a type that derives only
/// [`FromPickle`](trait@FromPickle), so that [`stubs::Stubs`] can generate
/// its Python class (`#[derive(ToPickle)]` already implements it; deriving
/// both is a conflict). Reads the same `#[pickle(...)]` attributes.
#[cfg(feature = "derive")]
pub use pickle_derive::PyType;

pub use de::{from_reader, from_slice, Decoder};
pub use dis::{dis, optimize};
pub use error::{Error, ErrorKind, Result};
pub use ext::Extensions;
pub use impls::{ByteArray, ByteBuf, Bytes, Deque, FrozenSet, OrderedDict};
pub use protocol::Protocol;
pub use scan::scan;
pub use ser::{to_vec, to_vec_with, to_writer, Pickler};
pub use stubs::PyType;
pub use value::{
    BigInt, Buffer, Call, CodePoints, Global, InvalidText, Object, Op, PyStr, Value, MAX_STR_DIGITS,
};

/// A Rust type that can be written as a pickle.
///
/// Implemented for the standard library's types and, with
/// `#[derive(ToPickle)]`, for your own as real Python classes (see
/// [`derive_docs`]).
pub trait ToPickle {
    /// Writes `self` as one Python object.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()>;

    /// Writes `name` (an attribute name fetched from the memo), then `self`
    /// as [`ToPickle::to_pickle`] does: how an [`ser::InstanceWriter`]
    /// writes a field in the steady state. Types written by one short
    /// opcode override it to write both at once; the default is always
    /// right, and there is no reason to call it or override it elsewhere.
    #[doc(hidden)]
    #[inline(always)]
    fn to_pickle_after(&self, name: ser::AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.write_attr_name(name)?;
        self.to_pickle(p)
    }

    /// Writes `name` (if any), then `self` as [`ToPickle::to_pickle`]
    /// would, into `draft`: how a derived `to_pickle` writes a whole
    /// instance in the steady state (see [`ser::Draft`]). Returns false when
    /// it cannot, having written anything; the instance is then written
    /// through the [`Pickler`]. The default always returns false: only the
    /// crate's common types and derived types have a drafted form, and
    /// there is no reason to override or call it elsewhere.
    #[doc(hidden)]
    #[inline(always)]
    fn draft(&self, name: Option<ser::AttrName>, draft: &mut ser::Draft<'_>) -> bool {
        let _ = (name, draft);
        false
    }
}

/// A Rust type that can be read from a pickle.
///
/// Implemented for the standard library's types and, with
/// `#[derive(FromPickle)]`, for your own (see [`derive_docs`]).
pub trait FromPickle: Sized {
    /// Reads `Self` from one decoded object.
    fn from_pickle(d: Decoder<'_>) -> Result<Self>;
}
