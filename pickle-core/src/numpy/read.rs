//! Reading arrays from what numpy pickles: the parts of an array
//! ([`ArrayParts`]), checked against each other, then an owned array.

use std::borrow::Cow;

use ndarray::{ArcArray, Array, Dimension, ShapeBuilder};

use super::dtype::{DType, DTypeKind};
use super::element::Element;
use super::is_numpy_function;
use crate::de::{Decoder, Kind};
use crate::error::{Error, ErrorKind, Result};
use crate::FromPickle;

/// numpy 2's limit on the number of dimensions (`NPY_MAXDIMS`).
const MAX_DIMS: usize = 64;

/// An array as a pickle gives it: checked to be consistent, not yet
/// converted to a Rust element type.
pub(crate) struct ArrayParts<'a> {
    pub(crate) dtype: DType,
    pub(crate) shape: Vec<usize>,
    /// Whether the data is in Fortran order.
    pub(crate) fortran: bool,
    /// Exactly the bytes of the elements: `dtype.itemsize` times the
    /// product of `shape`.
    pub(crate) data: Cow<'a, [u8]>,
}

impl<'a> ArrayParts<'a> {
    /// Reads the parts of a pickled `numpy.ndarray`: `_frombuffer(buffer,
    /// dtype, shape, order)` (protocol 5), or `_reconstruct(ndarray, (0,),
    /// b'b')` given the state `([1,] shape, dtype, is_fortran, data)`.
    pub(crate) fn read(d: &Decoder<'a>) -> Result<ArrayParts<'a>> {
        let expected = "a `numpy.ndarray`";
        let Some(callable) = d.class() else {
            return Err(d.type_error(expected));
        };
        let callable = callable.into_owned();
        let (module, name) = (callable.module.as_str(), callable.name.as_str());
        let (Some(module), Some(name)) = (module, name) else {
            return Err(d.type_error(expected));
        };
        if is_numpy_function(&callable, "numeric", "_frombuffer") {
            if d.state()?.is_some() {
                return Err(d.error(
                    ErrorKind::Type,
                    "expected an array made by `_frombuffer` alone, found one given a state",
                ));
            }
            let mut args = d.call_args(module, name)?;
            if args.len() != 4 {
                return Err(d.shape_error("`_frombuffer(buffer, dtype, shape, order)`"));
            }
            let mut next = || -> Result<Decoder<'a>> {
                args.next_item()?
                    .ok_or_else(|| d.shape_error("`_frombuffer(buffer, dtype, shape, order)`"))
            };
            let (buffer, dtype, shape, order) = (next()?, next()?, next()?, next()?);
            let dtype = read_dtype(&dtype)?;
            let fortran = match order.decode_str().map_err(|e| e.in_index(3))? {
                "C" => false,
                "F" => true,
                other => {
                    return Err(order.error(
                        ErrorKind::Type,
                        format!("expected the order `C` or `F`, found `{other}`"),
                    ))
                }
            };
            let shape = read_shape(&shape).map_err(|e| e.in_index(2))?;
            let data = Cow::Borrowed(buffer.decode_bytes().map_err(|e| e.in_index(0))?);
            return ArrayParts::checked(d, dtype, shape, fortran, data);
        }
        if !is_numpy_function(&callable, "multiarray", "_reconstruct") {
            return Err(d.error(
                ErrorKind::UnexpectedGlobal,
                format!("expected {expected}, found an instance of `{callable}`"),
            ));
        }
        let mut args = d.call_args(module, name)?;
        let class = args.next_item()?.and_then(|c| c.global().cloned());
        match class {
            Some(g) if g.is("numpy", "ndarray") => {}
            Some(g) => {
                return Err(d.error(
                    ErrorKind::UnexpectedGlobal,
                    format!("expected {expected}, found an instance of `{g}`"),
                ))
            }
            None => return Err(d.type_error("`_reconstruct` of `numpy.ndarray`")),
        }
        let state = d
            .state()?
            .ok_or_else(|| d.shape_error("a `numpy.ndarray` given its state"))?;
        read_state(d, &state)
    }

    /// The parts, once the data's length is checked against the shape.
    fn checked(
        d: &Decoder<'_>,
        dtype: DType,
        shape: Vec<usize>,
        fortran: bool,
        data: Cow<'a, [u8]>,
    ) -> Result<ArrayParts<'a>> {
        let shape_text = || {
            let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
            match dims.len() {
                1 => format!("({},)", dims[0]),
                _ => format!("({})", dims.join(", ")),
            }
        };
        // What numpy and `ndarray` both require: the product of the nonzero
        // dimensions, in bytes, fits in an `isize`.
        let nonzero = shape
            .iter()
            .filter(|&&n| n != 0)
            .try_fold(dtype.itemsize(), |acc, &n| acc.checked_mul(n))
            .filter(|&n| isize::try_from(n).is_ok());
        let Some(nonzero) = nonzero else {
            return Err(d.error(
                ErrorKind::OutOfRange,
                format!(
                    "an array of shape {} of `{dtype}` is too large",
                    shape_text()
                ),
            ));
        };
        let nbytes = if shape.contains(&0) { 0 } else { nonzero };
        if data.len() != nbytes {
            return Err(d.error(
                ErrorKind::Type,
                format!(
                    "array data of {} bytes, but an array of shape {} of `{dtype}` holds {nbytes}",
                    data.len(),
                    shape_text()
                ),
            ));
        }
        Ok(ArrayParts {
            dtype,
            shape,
            fortran,
            data,
        })
    }

    /// Checks that the elements are `A` and the dimensions `D`'s; the shape
    /// as `D`, in the data's order.
    pub(crate) fn shape_of<A: Element, D: Dimension>(
        &self,
        d: &Decoder<'_>,
    ) -> Result<ndarray::Shape<D>> {
        if !self.dtype.same_values(&A::DTYPE) {
            return Err(d.error(
                ErrorKind::Type,
                format!(
                    "expected an array of `{}`, found one of `{}`",
                    A::DTYPE.name(),
                    self.dtype
                ),
            ));
        }
        if D::NDIM.is_some_and(|n| n != self.shape.len()) {
            return Err(d.error(
                ErrorKind::Type,
                format!(
                    "expected a {}-d array, found a {}-d one",
                    D::NDIM.unwrap_or_default(),
                    self.shape.len()
                ),
            ));
        }
        let mut dim = D::zeros(self.shape.len());
        dim.slice_mut().copy_from_slice(&self.shape);
        Ok(dim.set_f(self.fortran))
    }

    /// An owned array of the elements, in the machine's byte order.
    pub(crate) fn to_array<A: Element, D: Dimension>(
        &self,
        d: &Decoder<'_>,
    ) -> Result<Array<A, D>> {
        let shape = self.shape_of::<A, D>(d)?;
        let items = A::from_bytes(&self.data, self.dtype.is_swapped());
        Array::from_shape_vec(shape, items).map_err(|e| shape_error(d, e))
    }
}

/// `ndarray` refusing a shape the checks above let through.
pub(crate) fn shape_error(d: &Decoder<'_>, e: ndarray::ShapeError) -> Error {
    d.error(ErrorKind::OutOfRange, format!("array shape refused: {e}"))
}

/// The dtype of an array; `dtype=object` is refused here, before its data
/// (a list of Python objects) is looked at.
fn read_dtype(d: &Decoder<'_>) -> Result<DType> {
    let dtype = DType::from_pickle(*d)?;
    if dtype.kind() == DTypeKind::Object {
        return Err(d.error(
            ErrorKind::Type,
            "an array of `dtype=object` holds pickled Python objects, which a typed read \
             does not load (read it as a `Value`)",
        ));
    }
    Ok(dtype)
}

/// A shape: a tuple of non-negative ints (numpy takes a list too).
fn read_shape(d: &Decoder<'_>) -> Result<Vec<usize>> {
    let mut seq = d.seq()?;
    let mut shape = Vec::with_capacity(seq.len().min(MAX_DIMS));
    while let Some(item) = seq.next_item()? {
        if shape.len() == MAX_DIMS {
            return Err(d.error(
                ErrorKind::OutOfRange,
                format!("an array of more than {MAX_DIMS} dimensions"),
            ));
        }
        let n = item.decode_i64().map_err(|e| e.in_index(shape.len()))?;
        let n = usize::try_from(n).map_err(|_| {
            item.error(
                ErrorKind::OutOfRange,
                format!("negative dimension {n} in an array's shape"),
            )
        })?;
        shape.push(n);
    }
    Ok(shape)
}

/// The state numpy's `ndarray.__setstate__` takes: `(version, shape, dtype,
/// is_fortran, data)` of version 1, or the same without the version.
fn read_state<'a>(d: &Decoder<'a>, state: &Decoder<'a>) -> Result<ArrayParts<'a>> {
    let expected = "an array state `(1, shape, dtype, is_fortran, data)`";
    let items = super::items(state, 5, expected)?;
    let (first, shape, dtype, fortran, data) = match items[..] {
        [version, shape, dtype, fortran, data] => {
            match version.decode_i64()? {
                0 | 1 => {}
                v => {
                    return Err(version.error(
                        ErrorKind::Type,
                        format!("version {v} of the `numpy.ndarray` state is not supported"),
                    ))
                }
            }
            (1, shape, dtype, fortran, data)
        }
        [shape, dtype, fortran, data] => (0, shape, dtype, fortran, data),
        _ => return Err(state.type_error(expected)),
    };
    let dtype = read_dtype(&dtype).map_err(|e| e.in_index(first + 1))?;
    let shape_dims = read_shape(&shape).map_err(|e| e.in_index(first))?;
    // `is_fortran` is parsed as a C int: a bool or an int.
    let fortran = match fortran.kind() {
        Kind::Bool => fortran.decode_bool()?,
        _ => fortran.decode_i64().map_err(|e| e.in_index(first + 2))? != 0,
    };
    let data = match data.kind() {
        // A Python 2 `str`, read as text: numpy encodes it as Latin-1.
        Kind::Str => Cow::Owned(latin1(&data).map_err(|e| e.in_index(first + 3))?),
        _ => Cow::Borrowed(data.decode_bytes().map_err(|e| e.in_index(first + 3))?),
    };
    ArrayParts::checked(d, dtype, shape_dims, fortran, data)
}

/// The bytes of a `str` of code points below 256 (numpy's data as a Python
/// 2 `str`, read as text).
pub(crate) fn latin1(d: &Decoder<'_>) -> Result<Vec<u8>> {
    let text = d.decode_py_str()?;
    text.code_points()
        .map(|c| {
            u8::try_from(c).map_err(|_| {
                d.error(
                    ErrorKind::OutOfRange,
                    "numpy data as a `str` holds a code point beyond Latin-1",
                )
            })
        })
        .collect()
}

impl<A: Element, D: Dimension> FromPickle for Array<A, D> {
    /// From a pickled `numpy.ndarray` of `A`'s dtype (either byte order) and
    /// `D`'s number of dimensions (see the
    /// [module documentation](super#reading)).
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        ArrayParts::read(&d)?.to_array(&d)
    }
}

impl<A: Element, D: Dimension> FromPickle for ArcArray<A, D> {
    /// As [`Array`] reads it.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        Ok(Array::from_pickle(d)?.into_shared())
    }
}
