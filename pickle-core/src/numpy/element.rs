//! The Rust types that numpy arrays hold, and their dtypes: [`Element`].

use std::mem::size_of;

use super::dtype::{DType, DTypeKind};

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that a numpy array's elements can be read into and written
/// from, one for each numpy dtype it stands for.
///
/// | Rust | dtype | numpy scalar |
/// |---|---|---|
/// | `bool` | `bool` (`'?'`) | `numpy.bool_` |
/// | `i8`, `i16`, `i32`, `i64` | `int8` ... `int64` | `numpy.int8` ... |
/// | `u8`, `u16`, `u32`, `u64` | `uint8` ... `uint64` | `numpy.uint8` ... |
/// | `f32`, `f64` | `float32`, `float64` | `numpy.float32`, `numpy.float64` |
/// | `Complex<f32>`, `Complex<f64>` (feature `num-complex`) | `complex64`, `complex128` | `numpy.complex64`, `numpy.complex128` |
///
/// Implemented for these types only (the trait is sealed).
pub trait Element: Copy + Send + Sync + 'static + sealed::Sealed {
    /// The dtype of arrays of this type, in the machine's byte order.
    const DTYPE: DType;

    /// The numpy scalar class of the dtype, in module `numpy`.
    #[doc(hidden)]
    const SCALAR_CLASS: &'static str;

    /// The elements' bytes, as they are in memory.
    #[doc(hidden)]
    fn as_bytes(items: &[Self]) -> &[u8];

    /// `bytes` as elements in the machine's byte order, without a copy, if
    /// they are aligned for `Self` and every element is a valid value.
    #[doc(hidden)]
    fn view_bytes(bytes: &[u8]) -> Option<&[Self]>;

    /// `bytes` copied into elements; `swap` when they are in the other byte
    /// order. A trailing part of an element is ignored (callers check lengths).
    #[doc(hidden)]
    fn from_bytes(bytes: &[u8], swap: bool) -> Vec<Self>;
}

/// Copies `bytes` into a new vector of `T`, applying `swap` to each element
/// if asked: one pass at memory speed (the loop is vectorized), aligned
/// whatever `bytes` is, and without zeroing the vector first (which costs
/// as much as the copy where the allocator reuses memory).
fn pod_from_bytes<T: bytemuck::Pod>(bytes: &[u8], swap: Option<fn(T) -> T>) -> Vec<T> {
    let items = bytes.chunks_exact(size_of::<T>());
    match swap {
        None => items.map(bytemuck::pod_read_unaligned).collect(),
        Some(swap) => items
            .map(|b| swap(bytemuck::pod_read_unaligned(b)))
            .collect(),
    }
}

/// Numbers: any bytes are a valid value.
macro_rules! numbers {
    ($($t:ty => $kind:ident, $class:literal, $swap:expr);* $(;)?) => {$(
        impl sealed::Sealed for $t {}

        impl Element for $t {
            const DTYPE: DType = DType::native(DTypeKind::$kind, size_of::<$t>());
            const SCALAR_CLASS: &'static str = $class;

            #[inline]
            fn as_bytes(items: &[Self]) -> &[u8] {
                bytemuck::cast_slice(items)
            }

            #[inline]
            fn view_bytes(bytes: &[u8]) -> Option<&[Self]> {
                bytemuck::try_cast_slice(bytes).ok()
            }

            fn from_bytes(bytes: &[u8], swap: bool) -> Vec<Self> {
                let swap_one: fn($t) -> $t = $swap;
                pod_from_bytes(bytes, swap.then_some(swap_one))
            }
        }
    )*};
}

numbers! {
    i8 => Int, "int8", |v| v;
    i16 => Int, "int16", i16::swap_bytes;
    i32 => Int, "int32", i32::swap_bytes;
    i64 => Int, "int64", i64::swap_bytes;
    u8 => UInt, "uint8", |v| v;
    u16 => UInt, "uint16", u16::swap_bytes;
    u32 => UInt, "uint32", u32::swap_bytes;
    u64 => UInt, "uint64", u64::swap_bytes;
    f32 => Float, "float32", |v| f32::from_bits(v.to_bits().swap_bytes());
    f64 => Float, "float64", |v| f64::from_bits(v.to_bits().swap_bytes());
}

#[cfg(feature = "num-complex")]
numbers! {
    num_complex::Complex<f32> => Complex, "complex64", |v| num_complex::Complex::new(
        f32::from_bits(v.re.to_bits().swap_bytes()),
        f32::from_bits(v.im.to_bits().swap_bytes()),
    );
    num_complex::Complex<f64> => Complex, "complex128", |v| num_complex::Complex::new(
        f64::from_bits(v.re.to_bits().swap_bytes()),
        f64::from_bits(v.im.to_bits().swap_bytes()),
    );
}

impl sealed::Sealed for bool {}

/// numpy's `bool` is one byte, 0 or 1 as numpy writes it; any other byte
/// (which numpy treats as true) is read as `true`, in a copy.
impl Element for bool {
    const DTYPE: DType = DType::native(DTypeKind::Bool, 1);
    const SCALAR_CLASS: &'static str = "bool_";

    #[inline]
    fn as_bytes(items: &[Self]) -> &[u8] {
        bytemuck::cast_slice(items)
    }

    fn view_bytes(bytes: &[u8]) -> Option<&[Self]> {
        bytemuck::checked::try_cast_slice(bytes).ok()
    }

    fn from_bytes(bytes: &[u8], _swap: bool) -> Vec<Self> {
        bytes.iter().map(|&b| b != 0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Element;

    #[test]
    fn bytes_round_trip_and_swap() {
        let values = [1.5f64, -0.0, f64::MAX];
        let bytes = f64::as_bytes(&values);
        assert_eq!(f64::from_bytes(bytes, false), values);
        let swapped: Vec<u8> = bytes
            .chunks(8)
            .flat_map(|c| c.iter().rev().copied())
            .collect();
        assert_eq!(f64::from_bytes(&swapped, true), values);
        assert_eq!(i16::from_bytes(&[1, 2, 3], true), [0x0102]);
        assert_eq!(bool::from_bytes(&[0, 1, 2], false), [false, true, true]);
        assert_eq!(bool::view_bytes(&[0, 1]), Some(&[false, true][..]));
        assert_eq!(bool::view_bytes(&[0, 2]), None);
    }
}
