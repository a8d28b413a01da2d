//! Python type annotations ([`TypeExpr`]), the trait that gives a Rust type
//! its annotation ([`PyType`]), and its implementations for the standard
//! library's types and this crate's own.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use super::Registry;
use crate::{BigInt, ByteArray, ByteBuf, Bytes, Global, PyStr, Value};

/// A Rust type's Python type: the annotation that the generated classes
/// give a field of this type.
///
/// `#[derive(ToPickle)]` (or `#[derive(PyType)]`) implements it for a type
/// mapped to a Python class: the annotation names the class, and
/// [`Registry::describe`] records the class, and every class its fields
/// name, for the [`Stubs`](super::Stubs) to render. For any other type,
/// implement it by returning the annotation, and import nothing by hand:
/// a class from another module ([`TypeExpr::class`]) is imported by each
/// generated module that names it.
///
/// ```
/// use pickle_core::stubs::{PyType, Registry, TypeExpr};
///
/// /// A timestamp written as a Python `datetime.datetime`.
/// struct Timestamp(i64);
///
/// impl PyType for Timestamp {
///     fn py_type(_: &mut Registry) -> TypeExpr {
///         TypeExpr::class("datetime", "datetime")
///     }
/// }
///
/// assert_eq!(TypeExpr::of::<Vec<Timestamp>>().to_string(), "typing.List[datetime.datetime]");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no Python type for the stub generator",
    label = "`{Self}` does not implement `PyType`",
    note = "`#[derive(ToPickle)]` implements it; a type that only derives `FromPickle` adds `#[derive(PyType)]`",
    note = "for another crate's types, enable the `pickle-core` feature named after that crate: `chrono`, `uuid`, `rust_decimal`, `num-bigint`, `num-complex`, `indexmap`"
)]
pub trait PyType {
    /// The annotation of this type; records in `registry` the classes that
    /// the annotation names and that are to be generated.
    fn py_type(registry: &mut Registry) -> TypeExpr;
}

/// A Python type annotation, such as `typing.List[shop.models.Item]`.
///
/// Built from the constructors below; rendered in a generated module as
/// Python 3.8 accepts it (`typing.List[int]`, not `list[int]`), with the
/// modules it names imported. Its [`Display`](std::fmt::Display) shows it
/// as written outside any generated module, every class fully qualified.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeExpr(pub(crate) Expr);

/// What a [`TypeExpr`] is; private so that variants can be added.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Expr {
    /// `typing.Any`.
    Any,
    /// `None`.
    None,
    /// A class: builtin (`int`), imported (`datetime.datetime`) or
    /// generated; `args` subscript it (`Wrapper[int]`).
    Class {
        module: Cow<'static, str>,
        name: Cow<'static, str>,
        args: Vec<TypeExpr>,
    },
    List(Box<TypeExpr>),
    Tuple(Vec<TypeExpr>),
    Dict(Box<TypeExpr>, Box<TypeExpr>),
    Set(Box<TypeExpr>),
    FrozenSet(Box<TypeExpr>),
    Optional(Box<TypeExpr>),
    Union(Vec<TypeExpr>),
    /// The type parameter at this index of the generic type being described.
    Param(usize),
    /// An annotation given as Python text (`#[pickle(py_type = "...")]`).
    Raw(Cow<'static, str>),
}

impl TypeExpr {
    /// The annotation of `T` on its own, with no classes recorded anywhere
    /// (for tests and messages).
    pub fn of<T: PyType + ?Sized>() -> TypeExpr {
        T::py_type(&mut Registry::default())
    }

    /// `typing.Any`: any object.
    pub fn any() -> TypeExpr {
        TypeExpr(Expr::Any)
    }

    /// `None`.
    pub fn none() -> TypeExpr {
        TypeExpr(Expr::None)
    }

    /// A builtin class by name: `int`, `float`, `complex`, `bool`, `str`,
    /// `bytes`, `bytearray`, `object`.
    pub fn builtin(name: &'static str) -> TypeExpr {
        TypeExpr::class("builtins", name)
    }

    /// The class `name` of `module` (`TypeExpr::class("decimal", "Decimal")`
    /// is `decimal.Decimal`); a generated module that names it imports
    /// `module`.
    pub fn class(
        module: impl Into<Cow<'static, str>>,
        name: impl Into<Cow<'static, str>>,
    ) -> TypeExpr {
        TypeExpr(Expr::Class {
            module: module.into(),
            name: name.into(),
            args: Vec::new(),
        })
    }

    /// A generic class subscripted: `collections.OrderedDict[str, int]`.
    /// Only for a [`class`](TypeExpr::class) (other annotations are
    /// returned unchanged).
    pub fn with_args(self, new_args: Vec<TypeExpr>) -> TypeExpr {
        match self.0 {
            Expr::Class { module, name, .. } => TypeExpr(Expr::Class {
                module,
                name,
                args: new_args,
            }),
            other => TypeExpr(other),
        }
    }

    /// `typing.List[item]`.
    pub fn list(item: TypeExpr) -> TypeExpr {
        TypeExpr(Expr::List(Box::new(item)))
    }

    /// `typing.Tuple[a, b, ...]`; `typing.Tuple[()]` for no items.
    pub fn tuple(items: Vec<TypeExpr>) -> TypeExpr {
        TypeExpr(Expr::Tuple(items))
    }

    /// `typing.Dict[key, value]`.
    pub fn dict(key: TypeExpr, value: TypeExpr) -> TypeExpr {
        TypeExpr(Expr::Dict(Box::new(key), Box::new(value)))
    }

    /// `typing.Set[item]`.
    pub fn set(item: TypeExpr) -> TypeExpr {
        TypeExpr(Expr::Set(Box::new(item)))
    }

    /// `typing.FrozenSet[item]`.
    pub fn frozenset(item: TypeExpr) -> TypeExpr {
        TypeExpr(Expr::FrozenSet(Box::new(item)))
    }

    /// `typing.Optional[inner]` (an optional annotation stays as it is).
    pub fn optional(inner: TypeExpr) -> TypeExpr {
        if inner.is_optional() {
            return inner;
        }
        TypeExpr(Expr::Optional(Box::new(inner)))
    }

    /// `typing.Union[a, b, ...]`; a union of one annotation is that one.
    pub fn union(mut members: Vec<TypeExpr>) -> TypeExpr {
        if members.len() == 1 {
            return members.remove(0);
        }
        TypeExpr(Expr::Union(members))
    }

    /// An annotation written as Python text, such as `"datetime.date"` or
    /// `"typing.Dict[str, decimal.Decimal]"`: used as it is, and every
    /// dotted name in it (`datetime.date`) imports its module (`datetime`).
    pub fn raw(text: impl Into<Cow<'static, str>>) -> TypeExpr {
        TypeExpr(Expr::Raw(text.into()))
    }

    /// The type parameter at `index` of the generic type being described.
    pub(crate) fn param(index: usize) -> TypeExpr {
        TypeExpr(Expr::Param(index))
    }

    /// Whether the annotation admits `None` at its top level.
    pub(crate) fn is_optional(&self) -> bool {
        matches!(self.0, Expr::Optional(_) | Expr::None)
    }
}

impl std::fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&super::render::standalone(self))
    }
}

/// Stands for a type parameter of a generic type while the derive describes
/// its class: `Wrapper<T>`'s field `value: T` is described as
/// `value: TypeParam<0>`, which renders as the Python `TypeVar` `T`.
///
/// It implements the common derivable traits so that field types such as
/// `BTreeSet<T>` stay well-formed with it in place of `T`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeParam<const N: usize>;

impl<const N: usize> PyType for TypeParam<N> {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::param(N)
    }
}

macro_rules! builtin {
    ($name:literal: $($t:ty),*) => {$(
        impl PyType for $t {
            fn py_type(_: &mut Registry) -> TypeExpr {
                TypeExpr::builtin($name)
            }
        }
    )*};
}
builtin!("int": i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, BigInt);
builtin!("float": f32, f64);
builtin!("bool": bool);
builtin!("str": str, String, char, PyStr);
builtin!("bytes": ByteBuf, Bytes<'_>);
builtin!("bytearray": ByteArray);

/// `None`, as it is written.
impl PyType for () {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::none()
    }
}

/// Any object: a [`Value`] holds whatever the pickle holds.
impl PyType for Value {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::any()
    }
}

/// A class or function, which the annotations here do not narrow.
impl PyType for Global {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::any()
    }
}

macro_rules! transparent {
    ($($t:ty),*) => {$(
        impl<T: PyType + ?Sized> PyType for $t {
            fn py_type(registry: &mut Registry) -> TypeExpr {
                T::py_type(registry)
            }
        }
    )*};
}
transparent!(&T, &mut T, Box<T>, Rc<T>, Arc<T>);

impl<T: PyType + ToOwned + ?Sized> PyType for Cow<'_, T> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        T::py_type(registry)
    }
}

impl<T: PyType> PyType for Option<T> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::optional(T::py_type(registry))
    }
}

macro_rules! list {
    ($($t:ty),*) => {$(
        impl<T: PyType> PyType for $t {
            fn py_type(registry: &mut Registry) -> TypeExpr {
                TypeExpr::list(T::py_type(registry))
            }
        }
    )*};
}
list!([T], Vec<T>, VecDeque<T>);

impl<T: PyType, const N: usize> PyType for [T; N] {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::list(T::py_type(registry))
    }
}

impl<K: PyType, V: PyType, S> PyType for HashMap<K, V, S> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        let key = K::py_type(registry);
        TypeExpr::dict(key, V::py_type(registry))
    }
}

impl<K: PyType, V: PyType> PyType for BTreeMap<K, V> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        let key = K::py_type(registry);
        TypeExpr::dict(key, V::py_type(registry))
    }
}

impl<T: PyType, S> PyType for HashSet<T, S> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::set(T::py_type(registry))
    }
}

impl<T: PyType> PyType for BTreeSet<T> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::set(T::py_type(registry))
    }
}

macro_rules! tuples {
    ($(($($name:ident),+);)*) => {$(
        impl<$($name: PyType),+> PyType for ($($name,)+) {
            fn py_type(registry: &mut Registry) -> TypeExpr {
                TypeExpr::tuple(vec![$($name::py_type(registry)),+])
            }
        }
    )*};
}
tuples! {
    (A);
    (A, B);
    (A, B, C);
    (A, B, C, D);
    (A, B, C, D, E);
    (A, B, C, D, E, F);
    (A, B, C, D, E, F, G);
    (A, B, C, D, E, F, G, H);
    (A, B, C, D, E, F, G, H, I);
    (A, B, C, D, E, F, G, H, I, J);
    (A, B, C, D, E, F, G, H, I, J, K);
    (A, B, C, D, E, F, G, H, I, J, K, L);
}
