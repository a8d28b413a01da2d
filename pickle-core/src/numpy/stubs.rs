//! The annotation of arrays in the generated Python classes.

use ndarray::{ArrayBase, Dimension, RawData};

use super::element::Element;
use crate::stubs::{PyType, Registry, TypeExpr};

/// `numpy.typing.NDArray[numpy.float64]` (and so on for each element type).
impl<A, S, D> PyType for ArrayBase<S, D>
where
    A: Element,
    S: RawData<Elem = A>,
    D: Dimension,
{
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::class("numpy.typing", "NDArray")
            .with_args(vec![TypeExpr::class("numpy", A::SCALAR_CLASS)])
    }
}
