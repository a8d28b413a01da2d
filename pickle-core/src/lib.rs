//! Python's pickle format for Rust: a byte-exact writer and a safe, lossless
//! reader for protocols 0-5.
//!
//! `#[derive(ToPickle)]` writes a Rust value as CPython's `pickle.dumps`
//! writes an instance of an importable Python class, byte for byte, so
//! `pickle.loads` in Python returns a real instance. `#[derive(FromPickle)]`
//! and the dynamic [`Value`] read what any CPython wrote, at any protocol,
//! without importing or calling anything.
//!
//! # Quick start
//!
//! ```
//! # #[cfg(feature = "derive")]
//! # fn main() -> Result<(), pickle_core::Error> {
//! use pickle_core::{FromPickle, ToPickle};
//!
//! // In Python: `@dataclass class Order` in module `shop.models`.
//! #[derive(ToPickle, FromPickle, Debug, PartialEq)]
//! #[pickle(module = "shop.models")]
//! struct Order {
//!     id: i64,
//!     customer: String,
//!     tags: Vec<String>,
//! }
//!
//! let order = Order { id: 7, customer: "Ada".into(), tags: vec!["gift".into()] };
//! let bytes = pickle_core::to_vec(&order)?; // what pickle.dumps(order, 5) writes
//! let back: Order = pickle_core::from_slice(&bytes)?; // accepts shop.models.Order only
//! assert_eq!(back, order);
//!
//! // Anything, untyped and inert: globals and calls are data.
//! let value: pickle_core::Value = pickle_core::from_slice(&bytes)?;
//! assert_eq!(value.to_string(), "shop.models.Order(id=7, customer='Ada', tags=['gift'])");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "derive"))]
//! # fn main() {}
//! ```
//!
//! # Three ways in
//!
//! - **Derive** ([`derive_docs`]): a struct or enum names a Python class
//!   (plain class or dataclass, `__slots__`, `namedtuple`, `__reduce__`,
//!   `enum.Enum`) or a dict. Writing gives CPython's bytes; reading is an
//!   allowlist: the classes the type names, and no other.
//! - **[`Value`]**: any pickle, read losslessly (dict order, big ints, float
//!   bits, lone surrogates, sharing and cycles) and written back; globals are
//!   [`Global`] names and calls are inert [`Object`] records. Its `Display`
//!   prints what Python's `repr` would.
//! - **[`Decoder`]** and [`Pickler`]: hand-written [`FromPickle`] and
//!   [`ToPickle`] implementations for shapes the derive does not cover (a
//!   class whose `__reduce__` is its own); the derive is written on them.
//!
//! Python's standard types (`datetime`, `Decimal`, `UUID`, `OrderedDict`,
//! `deque`, ...) map to the Rust types people use, some behind features named
//! after their crates: [`types_docs`] has the table.
//!
//! # And around them
//!
//! - [`stubs`] generates the typed Python package whose classes match the
//!   Rust types, so `pickle.loads` finds them and `mypy` checks their use.
//! - [`dis()`] and [`optimize()`] equal `pickletools.dis` and
//!   `pickletools.optimize`: snapshot the disassembly (with `insta`) to
//!   review what goes over the wire.
//! - [`scan()`] lists what a pickle would import and call if Python loaded
//!   it, without loading it.
//!
//! # Safety of reading
//!
//! Reading never executes anything: nothing is imported or called, in Rust
//! or in Python. Every resource is bounded ([`de::Limits`]: depth, marks,
//! memo, allocation), checked before memory is reserved; every error is an
//! [`Error`] with an [`ErrorKind`], the byte offset of the opcode and, for
//! typed reads, the path to the field (`Order.items[3].price`). The crate
//! forbids `unsafe` code. A [`Value`] written back and loaded by Python does
//! there whatever the original pickle did: forward pickles only from sources
//! you trust, or check them with [`scan()`] or a typed read first.
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
#[cfg(feature = "ndarray")]
pub mod numpy;
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

/// The guide's examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "derive"))]
#[doc = include_str!("../../docs/guide.md")]
struct GuideDoctests;

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
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written as a pickle",
    label = "`{Self}` does not implement `ToPickle`",
    note = "derive it for your own types; for another crate's types, enable the `pickle-core` feature named after that crate: `chrono`, `uuid`, `rust_decimal`, `num-bigint`, `num-complex`, `indexmap`, `ndarray`",
    note = "a type with serde's `Serialize` and `Deserialize` is written and read through `pickle_core::serde::Serde` (feature `serde`)",
    note = "a field of a type from elsewhere can also be written and read `with = \"module\"` functions (see `pickle_core::derive_docs`)"
)]
pub trait ToPickle {
    /// Writes `self` as one Python object.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()>;
}

/// A Rust type that can be read from a pickle.
///
/// Implemented for the standard library's types and, with
/// `#[derive(FromPickle)]`, for your own (see [`derive_docs`]).
///
/// When a pickle is read from a slice ([`from_slice`]), `from_pickle` runs
/// at most twice for it: first on values read straight from the bytes,
/// then, only if that run does not give the value, once more on the
/// general reader's objects, whose result is the read's. The first run
/// leaves to the second a shape its reader does not handle, values read
/// out of order, and any error: that reader meets each value before it
/// knows whether the pickle keeps it, so an error there may be about an
/// object the pickle goes on to discard. `from_pickle` should therefore
/// have no effects beyond building its result. Read from an `io::Read`
/// ([`from_reader`]), it runs once.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a pickle",
    label = "`{Self}` does not implement `FromPickle`",
    note = "derive it for your own types; for another crate's types, enable the `pickle-core` feature named after that crate: `chrono`, `uuid`, `rust_decimal`, `num-bigint`, `num-complex`, `indexmap`, `ndarray`",
    note = "a type with serde's `Serialize` and `Deserialize` is written and read through `pickle_core::serde::Serde` (feature `serde`)",
    note = "a field of a type from elsewhere can also be written and read `with = \"module\"` functions (see `pickle_core::derive_docs`)"
)]
pub trait FromPickle: Sized {
    /// Reads `Self` from one decoded object.
    fn from_pickle(d: Decoder<'_>) -> Result<Self>;
}
