//! Writing arrays as numpy pickles them (`ndarray.__reduce_ex__`).

use ndarray::{ArcArray, ArrayBase, ArrayView, Data, Dimension};

use super::element::Element;
use crate::error::Result;
use crate::{Pickler, Protocol, ToPickle};

/// How an array's elements lie in memory, as numpy's flags tell it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// C-contiguous (numpy checks it first: an array that is both is `C`).
    C,
    /// Fortran-contiguous and not C-contiguous.
    F,
    /// Neither: written as a C-ordered copy.
    Strided,
}

impl Layout {
    fn of<A, D: Dimension>(view: &ArrayView<'_, A, D>) -> Layout {
        if view.is_standard_layout() {
            Layout::C
        } else if view.t().is_standard_layout() {
            Layout::F
        } else {
            Layout::Strided
        }
    }
}

/// The elements' bytes shared with an [`ArcArray`], for an out-of-band buffer.
struct SharedElements<A, D>(ArcArray<A, D>);

impl<A: Element, D: Dimension> AsRef<[u8]> for SharedElements<A, D> {
    fn as_ref(&self) -> &[u8] {
        // Made only of contiguous arrays (see `write_array`).
        A::as_bytes(self.0.as_slice_memory_order().unwrap_or_default())
    }
}

/// A `pickle.PickleBuffer` over an array's elements.
struct PickleBufferOf<'a> {
    data: &'a [u8],
    share: &'a dyn Fn() -> bytes::Bytes,
}

impl ToPickle for PickleBufferOf<'_> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_pickle_buffer(self.data, false, self.share)
    }
}

/// The shape as the tuple numpy writes.
struct Shape<'a>(&'a [usize]);

impl ToPickle for Shape<'_> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_tuple(self.0)
    }
}

/// `data` as `bytes`.
struct BytesOf<'a>(&'a [u8]);

impl ToPickle for BytesOf<'_> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_bytes(self.0)
    }
}

/// `numpy.ndarray`, the class `_reconstruct` makes an instance of.
struct NdArrayClass;

impl ToPickle for NdArrayClass {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_global("numpy", "ndarray")
    }
}

/// Writes `view` as numpy writes the equal array; `share` gives its
/// elements' bytes for an out-of-band buffer (called only then, and only
/// for a contiguous array).
fn write_array<A: Element, D: Dimension>(
    p: &mut Pickler<'_>,
    view: ArrayView<'_, A, D>,
    share: &dyn Fn() -> bytes::Bytes,
) -> Result<()> {
    let layout = Layout::of(&view);
    let shape = Shape(view.shape());
    let names = p.numpy_names();
    let contiguous = match layout {
        Layout::Strided => None,
        _ => view.as_slice_memory_order(),
    };
    if let (true, Some(items)) = (p.protocol() >= Protocol::V5, contiguous) {
        // `_frombuffer(PickleBuffer(a), a.dtype, a.shape, order)`; for a
        // Fortran-ordered array numpy buffers its transpose, whose bytes are
        // the array's memory.
        let buffer = PickleBufferOf {
            data: A::as_bytes(items),
            share,
        };
        let order = if layout == Layout::F { "F" } else { "C" };
        return p.write_reduce(
            names.numeric(),
            "_frombuffer",
            &[&buffer, &A::DTYPE, &shape, &order],
        );
    }
    // `_reconstruct(ndarray, (0,), b'b')`, then `(1, shape, dtype,
    // is_fortran, a.tobytes('A'))` by `BUILD`.
    let copy: Vec<A>;
    let items = match contiguous {
        Some(items) => items,
        None => {
            copy = view.iter().copied().collect();
            &copy
        }
    };
    let state = (
        1,
        &shape,
        A::DTYPE,
        layout == Layout::F,
        BytesOf(A::as_bytes(items)),
    );
    p.write_reduce_with_state(
        None,
        names.multiarray(),
        "_reconstruct",
        &[&NdArrayClass, &(0,), &BytesOf(b"b")],
        &state,
    )
}

impl<A, S, D> ToPickle for ArrayBase<S, D>
where
    A: Element,
    S: Data<Elem = A>,
    D: Dimension + 'static,
{
    /// As numpy's `pickle.dumps` writes the equal array (see the
    /// [module documentation](super#writing)).
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let share = || bytes::Bytes::from_owner(SharedElements(self.to_shared()));
        write_array(p, self.view(), &share)
    }
}
