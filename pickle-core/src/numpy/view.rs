//! Reading arrays without copying their data: [`Views`].

use std::borrow::Cow;

use ndarray::{ArrayView, CowArray, Dimension};

use super::element::Element;
use super::read::{shape_error, ArrayParts};
use crate::de::borrow::reborrow;
use crate::de::{Decoder, Options};
use crate::error::Result;
use crate::Buffer;

/// Reads numpy arrays that borrow their data from a pickle's bytes and its
/// out-of-band buffers, where it can.
///
/// [`Views::array`] gives a [`CowArray`] that borrows the data when it lies
/// in the input or in one of the buffers, in the machine's byte order,
/// aligned for the element (and, for `bool`, holding only 0 and 1); an
/// owned array otherwise. An out-of-band buffer is an allocation of its
/// own, which the system allocator aligns (a `Vec<u8>` read from a file or
/// a socket, say); data in band lies where the pickle puts it, so an array
/// of `f32` there is borrowed only if it happens to start at a multiple of
/// 4 (in numpy's pickle of one array, it does not).
/// An [`ArcArray`](ndarray::ArcArray) written out of band and read with its
/// buffers makes no copy either way.
///
/// A pickle of one array reads with [`view_from_slice`] or
/// [`view_with_buffers`]; arrays inside other objects with [`Views::read`],
/// calling [`Views::array`] where they are:
///
/// ```
/// use ndarray::{ArcArray2, Array2, Ix2};
/// use pickle_core::{numpy::Views, ser};
///
/// let batch: Vec<ArcArray2<f32>> = vec![Array2::ones((2, 3)).into_shared(), Array2::zeros((4, 3)).into_shared()];
/// let (pickle, buffers) = ser::Options::new().out_of_band_buffers(true).to_vec_with_buffers(&batch)?;
/// // The buffers share the arrays' elements: nothing was copied.
/// assert_eq!(buffers[0].data.as_ptr(), batch[0].as_ptr().cast());
///
/// let views = Views::with_buffers(&pickle, &buffers);
/// let arrays = views.read(|d| d.seq()?.decode_each(|item| views.array::<f32, Ix2>(item)))?;
/// assert!(arrays.iter().all(|a| a.is_view()), "borrowed from the buffers");
/// assert_eq!(arrays[1], batch[1]);
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Views<'de> {
    input: &'de [u8],
    options: Options<'de>,
}

impl<'de> Views<'de> {
    /// Views into the pickle `input`, read with the default [`Options`].
    pub fn new(input: &'de [u8]) -> Views<'de> {
        Views::with_options(input, Options::new())
    }

    /// Views into the pickle `input` and its out-of-band `buffers`.
    pub fn with_buffers(input: &'de [u8], buffers: &'de [Buffer]) -> Views<'de> {
        Views::with_options(input, Options::new().buffers(buffers))
    }

    /// Views into the pickle `input` read with `options`, and into the
    /// out-of-band buffers they give.
    pub fn with_options(input: &'de [u8], options: Options<'de>) -> Views<'de> {
        Views { input, options }
    }

    /// Reads the pickle with `f` (see
    /// [`de::Options::from_slice_with`](crate::de::Options::from_slice_with):
    /// `f` may run twice), which calls [`Views::array`] on the arrays it finds.
    pub fn read<R>(&self, f: impl Fn(Decoder<'_>) -> Result<R>) -> Result<R> {
        self.options.from_slice_with(self.input, f)
    }

    /// The array `d` is, borrowing its data from the input or the buffers
    /// where it can (see [`Views`]); read as
    /// [`Array`](ndarray::Array)'s [`FromPickle`](crate::FromPickle) reads it.
    pub fn array<A: Element, D: Dimension>(&self, d: Decoder<'_>) -> Result<CowArray<'de, A, D>> {
        let parts = ArrayParts::read(&d)?;
        let shape = parts.shape_of::<A, D>(&d)?;
        let borrowed = match (&parts.data, parts.dtype.is_swapped()) {
            (Cow::Borrowed(data), false) => self.find(data),
            _ => None,
        };
        match borrowed.and_then(A::view_bytes) {
            Some(items) => Ok(ArrayView::from_shape(shape, items)
                .map_err(|e| shape_error(&d, e))?
                .into()),
            None => Ok(parts.to_array(&d)?.into()),
        }
    }

    /// `data` with the caller's lifetime, if it lies in the input or a buffer.
    fn find(&self, data: &[u8]) -> Option<&'de [u8]> {
        let buffers = self.options.buffers.unwrap_or_default();
        reborrow(self.input, data).or_else(|| buffers.iter().find_map(|b| reborrow(&b.data, data)))
    }
}

/// Reads a pickle of one numpy array, borrowing its data from `input`
/// where it can (see [`Views`]).
///
/// ```
/// use ndarray::{Array1, Ix1};
///
/// let a = Array1::from(vec![1u8, 2, 3]);
/// let bytes = pickle_core::to_vec(&a)?;
/// let view = pickle_core::numpy::view_from_slice::<u8, Ix1>(&bytes)?;
/// assert!(view.is_view());
/// assert_eq!(view, a);
/// # Ok::<(), pickle_core::Error>(())
/// ```
pub fn view_from_slice<A: Element, D: Dimension>(input: &[u8]) -> Result<CowArray<'_, A, D>> {
    let views = Views::new(input);
    views.read(|d| views.array(d))
}

/// Reads a pickle of one numpy array written with out-of-band `buffers`,
/// borrowing its data from them (or `input`) where it can (see [`Views`]).
pub fn view_with_buffers<'de, A: Element, D: Dimension>(
    input: &'de [u8],
    buffers: &'de [Buffer],
) -> Result<CowArray<'de, A, D>> {
    let views = Views::with_buffers(input, buffers);
    views.read(|d| views.array(d))
}
