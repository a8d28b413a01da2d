//! numpy arrays as the `ndarray` crate's arrays, numpy scalars as Rust
//! numbers, and numpy dtypes (feature `ndarray`).
//!
//! | Rust | Python |
//! |---|---|
//! | [`Array`], [`ArrayView`], [`ArcArray`], [`CowArray`] of an [`Element`] (any dimension) | `numpy.ndarray` |
//! | [`DType`] | `numpy.dtype` (without fields) |
//! | `bool`, integers, `f32`, `f64`, `Complex` (reading) | numpy scalars: `numpy.float64(1.5)`, `numpy.int64(7)`, ... |
//!
//! # Writing
//!
//! An array writes exactly what numpy's `pickle.dumps(array, protocol)`
//! writes for the equal array: below protocol 5,
//! `numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')` and the
//! state `(1, shape, dtype, is_fortran, data)` by `BUILD`; at protocol 5,
//! `numpy.core.numeric._frombuffer(PickleBuffer, dtype, shape, order)`, the
//! data in band as a `bytearray`, or out of band with
//! [`ser::Options::out_of_band_buffers`](crate::ser::Options::out_of_band_buffers).
//! A Fortran-ordered array is written in Fortran order (`is_fortran`,
//! `'F'`), as numpy writes its Fortran-ordered arrays; an array that is
//! neither C nor Fortran contiguous is written as its C-ordered copy by
//! `_reconstruct` at every protocol, as numpy does. The dtype is the
//! element's in the machine's byte order, written once per pickle and
//! fetched from the memo after that, as numpy's arrays share it; loaded,
//! the arrays are writable, as numpy's own are.
//!
//! Out of band, [`ser::Options::to_vec_with_buffers`](crate::ser::Options::to_vec_with_buffers)
//! returns the elements' bytes as a [`Buffer`](crate::Buffer) per array: an
//! [`ArcArray`]'s are shared with it, in constant time whatever its size
//! ([`Array::into_shared`](ndarray::Array::into_shared) makes one of an
//! `Array` without a copy); another array's are copied once.
//!
//! # numpy 1 and numpy 2 names
//!
//! numpy 2 moved its internals from `numpy.core` to `numpy._core` and
//! pickles arrays under the new names, which numpy 1 cannot load (numpy
//! 1.26 loads `numpy._core.multiarray._reconstruct`, not
//! `numpy._core.numeric._frombuffer`); numpy 2 loads the old names, which
//! is why [`NumpyNames::Numpy1`] is the default: a pickle of Rust's arrays
//! loads wherever numpy is, whatever its version, as the producer rarely
//! knows which numpy its consumers have. numpy 2 loads
//! `numpy.core.multiarray._reconstruct` (protocols 0-4) silently and
//! `numpy.core.numeric._frombuffer` (protocol 5) with a
//! `DeprecationWarning`, as it loads pickles that numpy 1 wrote; choose
//! [`NumpyNames::Numpy2`] with
//! [`ser::Options::numpy_names`](crate::ser::Options::numpy_names) when
//! every consumer has numpy 2, for the bytes numpy 2 writes and no warning.
//! Reading takes both.
//!
//! # Reading
//!
//! [`FromPickle`](crate::FromPickle) reads an [`Array`] (or an
//! [`ArcArray`]) from what any numpy version writes, at every protocol: C
//! and Fortran order, either byte order (swapped on reading), 0-d and
//! empty arrays, the data in band, out of band (with
//! [`de::Options::buffers`](crate::de::Options::buffers)) or as a Python 2
//! `str` (read with [`StringEncoding::Latin1`](crate::de::StringEncoding::Latin1),
//! as numpy asks). The dtype must be the element's, and the number of
//! dimensions the array type's (any, for [`IxDyn`](type@ndarray::IxDyn)).
//! Nothing is imported or executed; the shape is checked against the data
//! before anything is allocated, so a shape that overflows, a negative
//! dimension or data of another length is an error. An array of
//! `dtype=object` holds pickled Python objects: a typed read refuses it
//! (a [`Value`](crate::Value) read keeps it inert).
//!
//! [`Views`] reads arrays without copying their data: a [`CowArray`] that
//! borrows the pickle's bytes or the out-of-band buffers when the data is
//! in the machine's byte order and aligned for the element (an out-of-band
//! buffer is an allocation of its own, which the system allocator aligns;
//! data in band lies where the pickle puts it), and an owned array
//! otherwise.
//!
//! ```
//! use ndarray::{array, Array2};
//! use pickle_core::Protocol;
//!
//! let a: Array2<f32> = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
//! let bytes = pickle_core::to_vec_with(&a, Protocol::V5)?;
//! // pickle.dumps(numpy.array([[1, 2, 3], [4, 5, 6]], numpy.float32), 5) with numpy 1.26
//! assert_eq!(bytes, b"\x80\x05\x95\x8d\x00\x00\x00\x00\x00\x00\x00\x8c\x12numpy.core.numeric\x94\x8c\x0b_frombuffer\x94\x93\x94(\x96\x18\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80?\x00\x00\x00@\x00\x00@@\x00\x00\x80@\x00\x00\xa0@\x00\x00\xc0@\x94\x8c\x05numpy\x94\x8c\x05dtype\x94\x93\x94\x8c\x02f4\x94\x89\x88\x87\x94R\x94(K\x03\x8c\x01<\x94NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00t\x94bK\x02K\x03\x86\x94\x8c\x01C\x94t\x94R\x94.");
//! assert_eq!(pickle_core::from_slice::<Array2<f32>>(&bytes)?, a);
//! # Ok::<(), pickle_core::Error>(())
//! ```
//!
//! # Scalars
//!
//! numpy scalars (what `numpy.mean` returns, and what ends up in many
//! pickled dicts) are read by the Rust number types as Python numbers are:
//! `f64` and `f32` from a float or an integer scalar (an integer that a
//! double holds exactly), the integer types from an integer scalar that
//! fits, `bool` from `numpy.bool_`, `Complex` from any of them. `float128`
//! scalars are refused.
//!
//! # Python classes
//!
//! In the generated Python classes ([`stubs`](crate::stubs)), an array of
//! `f64` is annotated `numpy.typing.NDArray[numpy.float64]`, and so on for
//! each [`Element`].

mod dtype;
mod element;
mod read;
pub(crate) mod scalar;
mod stubs;
mod view;
mod write;

pub use dtype::{ByteOrder, DType, DTypeKind};
pub use element::Element;
pub use view::{view_from_slice, view_with_buffers, Views};

#[cfg(doc)]
use ndarray::{ArcArray, Array, ArrayView, CowArray};

/// The module names under which numpy arrays are written: numpy 1's
/// (`numpy.core`), the default, or numpy 2's (`numpy._core`); see the
/// [module documentation](self#numpy-1-and-numpy-2-names) for why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NumpyNames {
    /// `numpy.core.multiarray._reconstruct` and
    /// `numpy.core.numeric._frombuffer`, as numpy 1.x writes them: loads on
    /// numpy 1.x and 2.x.
    #[default]
    Numpy1,
    /// `numpy._core.multiarray._reconstruct` and
    /// `numpy._core.numeric._frombuffer`, as numpy 2.x writes them: loads on
    /// numpy 2.x (and, below protocol 5, on numpy 1.26).
    Numpy2,
}

impl NumpyNames {
    /// The module of `_reconstruct` and `scalar`.
    fn multiarray(self) -> &'static str {
        match self {
            NumpyNames::Numpy1 => "numpy.core.multiarray",
            NumpyNames::Numpy2 => "numpy._core.multiarray",
        }
    }

    /// The module of `_frombuffer`.
    fn numeric(self) -> &'static str {
        match self {
            NumpyNames::Numpy1 => "numpy.core.numeric",
            NumpyNames::Numpy2 => "numpy._core.numeric",
        }
    }
}

/// The items of the tuple (or list) `d`, if it has at most `max`; else a
/// [`Type`](crate::ErrorKind::Type) error naming what was `expected`.
fn items<'a>(
    d: &crate::Decoder<'a>,
    max: usize,
    expected: &str,
) -> crate::Result<Vec<crate::Decoder<'a>>> {
    let mut seq = d.seq()?;
    let mut items = Vec::with_capacity(max);
    while let Some(item) = seq.next_item()? {
        if items.len() == max {
            return Err(d.type_error(expected));
        }
        items.push(item);
    }
    Ok(items)
}

/// Whether `module.name` is numpy's function `name` of its module `sub`
/// (`multiarray`, `numeric`) under either generation's names.
fn is_numpy_function(global: &crate::Global, sub: &str, name: &str) -> bool {
    [NumpyNames::Numpy1, NumpyNames::Numpy2]
        .iter()
        .any(|names| {
            let module = match sub {
                "numeric" => names.numeric(),
                _ => names.multiarray(),
            };
            global.is(module, name)
        })
}
