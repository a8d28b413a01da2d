//! joblib's arrays. `joblib.dump` writes each numpy array as a
//! `joblib.numpy_pickle.NumpyArrayWrapper` (class, shape, order, dtype),
//! and right after the wrapper's `BUILD`, outside any frame, the array
//! itself: a padding-length byte and that much padding when the wrapper has
//! `numpy_array_alignment_bytes`, then the raw bytes; or, for an array of
//! objects, a whole pickle of it, which joblib loads with its own
//! unpickler. The wrapper's state says which and how long, so the scan
//! decodes it: the pickle read so far (without the arrays already skipped),
//! closed with `STOP`, holds the wrapper on top of its stack.

use std::ops::Range;

use crate::de::{Options, PersistentIds};
use crate::error::{Error, ErrorKind, Result};
use crate::value::Value;

/// What follows a wrapper's `BUILD`.
pub(super) enum Array {
    Raw(Layout),
    /// A pickle of an object array.
    Objects,
}

/// The bytes of a raw array.
pub(super) struct Layout {
    bytes: u64,
    aligned: bool,
}

impl Layout {
    /// Where the array that starts at `at` ends.
    pub(super) fn end(&self, input: &[u8], at: usize) -> Result<usize> {
        let short = || {
            Error::at(
                ErrorKind::Truncated,
                at as u64,
                "a joblib array runs past the end of the input",
            )
        };
        let mut pos = at as u64;
        if self.aligned {
            let padding = *input.get(at).ok_or_else(short)?;
            pos += 1 + u64::from(padding);
        }
        let end = pos.checked_add(self.bytes).ok_or_else(short)?;
        if end > input.len() as u64 {
            return Err(short());
        }
        Ok(end as usize)
    }
}

fn bad(at: usize, what: &str) -> Error {
    Error::at(
        ErrorKind::InvalidOperation,
        at as u64,
        format!("a joblib array wrapper whose {what} the scan cannot read"),
    )
}

/// Reads the wrapper whose `BUILD` ends at `build_end` in the pickle that
/// starts at `start`, where `splices` are the arrays already skipped.
pub(super) fn wrapper(
    input: &[u8],
    start: usize,
    build_end: usize,
    splices: &[Range<usize>],
) -> Result<Array> {
    let mut bytes = Vec::new();
    let mut from = start;
    for s in splices {
        bytes.extend_from_slice(&input[from..s.start]);
        from = s.end;
    }
    bytes.extend_from_slice(&input[from..build_end]);
    bytes.push(b'.');
    let value: Value = Options::new()
        .persistent_ids(PersistentIds::Keep)
        .from_slice(&bytes)
        .map_err(|e| bad(build_end, &format!("state (`{e}`)")))?;
    let wrapper = value
        .resolve()
        .as_object()
        .ok_or_else(|| bad(build_end, "object"))?;
    let state = wrapper.state().ok_or_else(|| bad(build_end, "state"))?;
    let get = |key: &str| state.resolve().get(key).map(Value::resolve);
    let mut count: u64 = 1;
    for dim in get("shape")
        .and_then(Value::as_slice)
        .ok_or_else(|| bad(build_end, "shape"))?
    {
        let n = dim.resolve().as_i64().and_then(|n| u64::try_from(n).ok());
        count = n
            .and_then(|n| count.checked_mul(n))
            .ok_or_else(|| bad(build_end, "shape"))?;
    }
    let dtype = get("dtype")
        .and_then(Value::as_object)
        .ok_or_else(|| bad(build_end, "dtype"))?;
    let (object, itemsize) = dtype_layout(dtype).ok_or_else(|| bad(build_end, "dtype"))?;
    if object {
        return Ok(Array::Objects);
    }
    let aligned = get("numpy_array_alignment_bytes").is_some_and(|v| !v.is_none());
    let bytes = count
        .checked_mul(itemsize)
        .ok_or_else(|| bad(build_end, "size"))?;
    Ok(Array::Raw(Layout { bytes, aligned }))
}

/// Whether a pickled `numpy.dtype` holds objects, and its item size:
/// `dtype('f8', False, True)` with the state `(3, '<', None, names,
/// fields, elsize, alignment, flags)`; `elsize` is -1 where the type string
/// says it.
fn dtype_layout(dtype: &crate::value::Object) -> Option<(bool, u64)> {
    let typestr = dtype.args()?.first()?.resolve().as_str()?;
    let state = dtype.state()?.resolve().as_slice()?;
    let elsize = state.get(5)?.resolve().as_i64()?;
    let flags = state.get(7)?.resolve().as_i64()?;
    // NPY_ITEM_REFCOUNT: the items are Python objects.
    if typestr.starts_with('O') || flags & 1 != 0 {
        return Some((true, 0));
    }
    if elsize > 0 {
        return Some((false, elsize as u64));
    }
    let digits: String = typestr
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .collect();
    digits.parse().ok().map(|n| (false, n))
}
