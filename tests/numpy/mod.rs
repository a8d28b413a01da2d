//! Arrays of every element type, shape and layout that the numpy tests
//! write and read, and how numpy's side builds the equal arrays.
#![allow(dead_code)]

use std::fmt::Debug;

use ndarray::{s, Array, Array2, IxDyn, ShapeBuilder};
use pickle_core::numpy::Element;
use pickle_core::{FromPickle, Pickler, ToPickle};

/// The shapes every element type is tried with: 0-d, empty, 1-d, 2-d, 3-d.
pub const SHAPES: [&[usize]; 6] = [&[], &[0], &[5], &[0, 3], &[2, 3], &[2, 3, 4]];

/// An element type of the tests, with the values its arrays hold.
pub trait TestElement: Element + Debug + PartialEq {
    /// The element at C-order position `k`: varied, negative where the
    /// type allows, large where it can be.
    fn nth(k: usize) -> Self;
}

macro_rules! ints {
    ($($t:ty),*) => {$(
        impl TestElement for $t {
            fn nth(k: usize) -> Self {
                let v = (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 3;
                let v = v as $t;
                if k % 2 == 0 { v } else { v.wrapping_neg() }
            }
        }
    )*};
}
ints!(i8, i16, i32, i64, u8, u16, u32, u64);

impl TestElement for bool {
    fn nth(k: usize) -> Self {
        k % 3 == 0
    }
}

impl TestElement for f32 {
    fn nth(k: usize) -> Self {
        k as f32 * 0.5 - 3.25
    }
}

impl TestElement for f64 {
    fn nth(k: usize) -> Self {
        (k as f64 - 7.0) * 1e10 + 0.125
    }
}

#[cfg(feature = "num-complex")]
impl TestElement for num_complex::Complex<f32> {
    fn nth(k: usize) -> Self {
        num_complex::Complex::new(k as f32 * 0.5, -(k as f32) * 1.5)
    }
}

#[cfg(feature = "num-complex")]
impl TestElement for num_complex::Complex<f64> {
    fn nth(k: usize) -> Self {
        num_complex::Complex::new(k as f64 * 1e-3, 2.0 - k as f64)
    }
}

/// The array of `shape` holding `A::nth(0..)` in C order.
pub fn array<A: TestElement>(shape: &[usize]) -> Array<A, IxDyn> {
    let n = shape.iter().product();
    Array::from_shape_vec(IxDyn(shape), (0..n).map(A::nth).collect()).expect("shape")
}

/// The same array, Fortran-ordered.
pub fn fortran<A: TestElement>(shape: &[usize]) -> Array<A, IxDyn> {
    let c = array::<A>(shape);
    Array::from_shape_fn(IxDyn(shape).f(), |i| c[i])
}

/// `base.slice(s![..;-1, ..;2])` of a 3x4 base: neither C nor Fortran
/// contiguous, with a negative stride; numpy's `base[::-1, ::2]`.
pub struct Strided<A>(pub Array2<A>);

impl<A: TestElement> Strided<A> {
    pub fn new() -> Strided<A> {
        Strided(Array2::from_shape_fn((3, 4), |(i, j)| A::nth(i * 4 + j)))
    }
}

impl<A: TestElement> ToPickle for Strided<A>
where
    Array2<A>: ToPickle,
{
    fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
        self.0.slice(s![..;-1, ..;2]).to_pickle(p)
    }
}

/// How numpy's side builds one array: its dtype, shape, layout (`C`, `F`,
/// or `S` for `base[::-1, ::2]` of this base) and C-ordered bytes.
pub struct Spec {
    pub dtype: String,
    pub shape: Vec<usize>,
    pub layout: char,
    pub raw: Vec<u8>,
}

impl Spec {
    pub fn of<A: TestElement>(array: &Array<A, IxDyn>, layout: char) -> Spec {
        let items: Vec<A> = array.iter().copied().collect();
        Spec {
            dtype: A::DTYPE.type_string(),
            shape: array.shape().to_vec(),
            layout,
            raw: A::as_bytes(&items).to_vec(),
        }
    }

    /// As records for the Python scripts.
    pub fn records(&self) -> [Vec<u8>; 4] {
        let shape: Vec<String> = self.shape.iter().map(usize::to_string).collect();
        [
            self.dtype.clone().into_bytes(),
            shape.join(",").into_bytes(),
            self.layout.to_string().into_bytes(),
            self.raw.clone(),
        ]
    }
}

/// A value Rust writes and numpy's side builds too.
pub struct WriteCase {
    pub name: String,
    /// One array (or a list of them).
    pub single: bool,
    pub specs: Vec<Spec>,
    pub value: Box<dyn ToPickle>,
}

/// Every case of one element type: each shape in C order, the 2-d and 3-d
/// ones in Fortran order too, a strided view, and a list of three arrays
/// (which share one dtype object in numpy, and in the pickle).
pub fn write_cases<A: TestElement>() -> Vec<WriteCase>
where
    Array<A, IxDyn>: ToPickle,
    Array2<A>: ToPickle,
{
    let dtype = A::DTYPE.name();
    let mut cases = Vec::new();
    for shape in SHAPES {
        let c = array::<A>(shape);
        cases.push(WriteCase {
            name: format!("{dtype} {shape:?} C"),
            single: true,
            specs: vec![Spec::of(&c, 'C')],
            value: Box::new(c),
        });
        if shape.len() >= 2 {
            let f = fortran::<A>(shape);
            cases.push(WriteCase {
                name: format!("{dtype} {shape:?} F"),
                single: true,
                specs: vec![Spec::of(&f, 'F')],
                value: Box::new(f),
            });
        }
    }
    let strided = Strided::<A>::new();
    cases.push(WriteCase {
        name: format!("{dtype} strided"),
        single: true,
        specs: vec![Spec::of(&strided.0.clone().into_dyn(), 'S')],
        value: Box::new(strided),
    });
    let list: Vec<Array<A, IxDyn>> = [&[2, 3][..], &[5], &[]]
        .iter()
        .map(|s| array::<A>(s))
        .collect();
    cases.push(WriteCase {
        name: format!("{dtype} list"),
        single: false,
        specs: list.iter().map(|a| Spec::of(a, 'C')).collect(),
        value: Box::new(list),
    });
    cases
}

/// Calls `f` with the name of each element type of the tests and a
/// function of it, generic over the type.
#[macro_export]
macro_rules! for_each_element {
    ($f:ident ( $($args:expr),* )) => {{
        let mut all = Vec::new();
        all.extend($f::<bool>($($args),*));
        all.extend($f::<i8>($($args),*));
        all.extend($f::<i16>($($args),*));
        all.extend($f::<i32>($($args),*));
        all.extend($f::<i64>($($args),*));
        all.extend($f::<u8>($($args),*));
        all.extend($f::<u16>($($args),*));
        all.extend($f::<u32>($($args),*));
        all.extend($f::<u64>($($args),*));
        all.extend($f::<f32>($($args),*));
        all.extend($f::<f64>($($args),*));
        #[cfg(feature = "num-complex")]
        all.extend($f::<num_complex::Complex<f32>>($($args),*));
        #[cfg(feature = "num-complex")]
        all.extend($f::<num_complex::Complex<f64>>($($args),*));
        all
    }};
}

/// Reads `bytes` as an array of `A` of any dimension.
pub fn read_array<A: TestElement>(bytes: &[u8]) -> pickle_core::Result<Array<A, IxDyn>>
where
    Array<A, IxDyn>: FromPickle,
{
    pickle_core::from_slice(bytes)
}
