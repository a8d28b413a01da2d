//! `Value`: a lossless, inert tree of everything a pickle can hold.

mod debug;
mod display;
mod eq;
mod int;
mod string;

use std::sync::{Arc, Weak};

pub(crate) use int::i64_from_short_le;
pub use int::{BigInt, MAX_STR_DIGITS};
pub use string::{CodePoints, InvalidText, PyStr};

/// Any Python object a pickle can describe, decoded without executing anything.
///
/// `Value` is lossless: decoding a pickle into a `Value` and writing it back at
/// the same protocol gives a pickle that CPython loads as an equal object.
/// Dict order, list versus tuple, set versus frozenset, bytes versus
/// bytearray, integers of any size, float bits (`-0.0`, NaN payloads), strings
/// with lone surrogates, shared references and cycles all survive.
///
/// It is also inert: a global is a name ([`Global`]) and a call the pickle
/// would make in Python (`REDUCE`, `NEWOBJ`, `BUILD`, ...) is a record of that
/// call ([`Object`]), never an import or a call.
///
/// Sharing: an object the pickle references more than once (through the memo)
/// is a [`Value::Shared`], and every reference is a clone of the same `Arc`,
/// so a few bytes that reference one list 2^60 times decode in a few bytes of
/// memory. A reference from inside an object back to itself (a cycle) is a
/// [`Value::Recursive`], a weak pointer to the enclosing `Shared` node, so
/// cycles neither leak nor recurse forever.
///
/// Equality compares the trees values unfold to (through `Shared` nodes and
/// back-references), floats by their bits, in time proportional to the
/// nodes. `Debug` prints what a derive would, up to 2^20 values.
#[derive(Clone)]
#[non_exhaustive]
pub enum Value {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An `int` that fits an `i64`.
    Int(i64),
    /// An `int` that does not fit an `i64`.
    BigInt(BigInt),
    /// A `float`, bit for bit.
    Float(f64),
    /// A `str`.
    Str(PyStr),
    /// A `bytes`.
    Bytes(Vec<u8>),
    /// A `bytearray`.
    ByteArray(Vec<u8>),
    /// A `list`.
    List(Vec<Value>),
    /// A `tuple`.
    Tuple(Vec<Value>),
    /// A `dict`, its entries in insertion order, as the pickle wrote them.
    Dict(Vec<(Value, Value)>),
    /// A `set`, its items in the pickle's order.
    Set(Vec<Value>),
    /// A `frozenset`, its items in the pickle's order.
    FrozenSet(Vec<Value>),
    /// A global (a class or function) named by module and qualified name.
    Global(Global),
    /// An object the pickle would build by calling something in Python.
    Object(Box<Object>),
    /// An out-of-band buffer of protocol 5.
    Buffer(Buffer),
    /// A persistent id, kept as data (see [`PersistentIds::Keep`](crate::de::PersistentIds)).
    PersistentId(Box<Value>),
    /// An object referenced more than once.
    Shared(Arc<Value>),
    /// A reference back to an enclosing [`Value::Shared`] (a cycle).
    Recursive(Weak<Value>),
}

/// A global, such as a class, named as `module.qualname`.
///
/// Names are stored as Python 3 spells them: globals read from protocols
/// below 3 are renamed as CPython renames them (`__builtin__` is `builtins`),
/// and renamed back when written at those protocols.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Global {
    /// The module, such as `collections`.
    pub module: PyStr,
    /// The qualified name in the module, such as `OrderedDict`.
    pub name: PyStr,
}

impl Global {
    /// A global named `module.name`.
    pub fn new(module: impl Into<PyStr>, name: impl Into<PyStr>) -> Global {
        Global {
            module: module.into(),
            name: name.into(),
        }
    }

    /// Whether this is `module.name`.
    pub fn is(&self, module: &str, name: &str) -> bool {
        self.module == module && self.name == name
    }
}

impl std::fmt::Display for Global {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.module, self.name)
    }
}

/// An object the pickle would create by a call in Python, recorded instead of made.
///
/// `call` says how it is created; `ops` lists what the pickle does to it
/// afterwards, in order (`BUILD` with a state, `APPEND`s, `SETITEM`s, `ADDITEMS`).
#[derive(Clone)]
pub struct Object {
    /// How the object is created.
    pub call: Call,
    /// What is applied to it after creation, in pickle order.
    pub ops: Vec<Op>,
}

/// How an [`Object`] is created.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Call {
    /// `REDUCE`: `callable(*args)`.
    Reduce {
        /// What is called, usually a [`Value::Global`].
        callable: Value,
        /// The argument tuple.
        args: Value,
    },
    /// `NEWOBJ`: `cls.__new__(cls, *args)`.
    NewObj {
        /// The class.
        cls: Value,
        /// The argument tuple.
        args: Value,
    },
    /// `NEWOBJ_EX`: `cls.__new__(cls, *args, **kwargs)`.
    NewObjEx {
        /// The class.
        cls: Value,
        /// The argument tuple.
        args: Value,
        /// The keyword arguments (a dict).
        kwargs: Value,
    },
    /// `INST` (protocol 0): `module.name(*args)`.
    Inst {
        /// The class's module.
        module: PyStr,
        /// The class's name.
        name: PyStr,
        /// The arguments.
        args: Vec<Value>,
    },
    /// `OBJ` (protocol 1): `cls(*args)`.
    Obj {
        /// The class.
        cls: Value,
        /// The arguments.
        args: Vec<Value>,
    },
}

/// Something a pickle does to an [`Object`] after creating it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// `BUILD`: set the state (`__setstate__`, or update `__dict__`).
    Build(Value),
    /// `APPEND`/`APPENDS`: `obj.append(item)` (or `extend`).
    Append(Value),
    /// `SETITEM`/`SETITEMS`: `obj[key] = value`.
    SetItem(Value, Value),
    /// `ADDITEMS`: `obj.add(item)`.
    Add(Value),
}

/// An out-of-band buffer (`NEXT_BUFFER`, protocol 5).
///
/// Its bytes are a [`bytes::Bytes`], which clones by sharing: the buffers
/// given to [`de::Options::buffers`](crate::de::Options::buffers) are read
/// into a [`Value`] (or a typed value's borrowed parts) without a copy, and
/// [`ser::Options::to_vec_with_buffers`](crate::ser::Options::to_vec_with_buffers)
/// hands out what a value shares (an `ndarray::ArcArray`'s elements, a
/// `Value`'s buffer) without a copy either. Any `Vec<u8>` converts into one
/// without a copy.
///
/// ```
/// use pickle_core::Buffer;
///
/// let buffer = Buffer::new(vec![1, 2, 3], false);
/// assert_eq!(&buffer.data[..], [1, 2, 3]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buffer {
    /// The buffer's bytes.
    pub data: bytes::Bytes,
    /// Whether `READONLY_BUFFER` made it read-only.
    pub readonly: bool,
}

impl Buffer {
    /// A buffer of `data` (a `Vec<u8>`, a `bytes::Bytes`, a `&'static [u8]`...).
    pub fn new(data: impl Into<bytes::Bytes>, readonly: bool) -> Buffer {
        Buffer {
            data: data.into(),
            readonly,
        }
    }
}

impl Object {
    /// The class this object is an instance of, when the pickle says so in
    /// one of the ways CPython writes instances: `NEWOBJ`/`NEWOBJ_EX` of a
    /// global, `copyreg._reconstructor(cls, base, state)`, `INST`, `OBJ`, or
    /// `REDUCE` of a global with an argument tuple (as `__reduce__` classes
    /// and enums write themselves).
    pub fn class(&self) -> Option<Global> {
        fn global(v: &Value) -> Option<Global> {
            match v.resolve() {
                Value::Global(g) => Some(g.clone()),
                _ => None,
            }
        }
        match &self.call {
            Call::NewObj { cls, .. } | Call::NewObjEx { cls, .. } | Call::Obj { cls, .. } => {
                global(cls)
            }
            Call::Inst { module, name, .. } => Some(Global {
                module: module.clone(),
                name: name.clone(),
            }),
            Call::Reduce { callable, args } => {
                let callable = global(callable)?;
                if callable.is("copyreg", "_reconstructor") {
                    match args.resolve() {
                        Value::Tuple(items) if items.len() == 3 => global(&items[0]),
                        _ => None,
                    }
                } else {
                    Some(callable)
                }
            }
        }
    }

    /// The positional arguments of the creating call, when they are a tuple.
    pub fn args(&self) -> Option<&[Value]> {
        let args = match &self.call {
            Call::Reduce { args, .. } | Call::NewObj { args, .. } | Call::NewObjEx { args, .. } => {
                args
            }
            Call::Inst { args, .. } | Call::Obj { args, .. } => return Some(args),
        };
        match args.resolve() {
            Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The state of the last `BUILD`, if any.
    pub fn state(&self) -> Option<&Value> {
        self.ops.iter().rev().find_map(|op| match op {
            Op::Build(state) => Some(state),
            _ => None,
        })
    }
}

impl Value {
    /// A `str` value.
    pub fn str(s: impl Into<PyStr>) -> Value {
        Value::Str(s.into())
    }

    /// An `int` from two's complement little-endian bytes, kept as
    /// [`Value::Int`] when it fits an `i64`.
    pub fn int_from_signed_bytes_le(bytes: &[u8]) -> Value {
        Value::from(BigInt::from_signed_bytes_le(bytes))
    }

    /// A global `module.name`.
    pub fn global(module: impl Into<PyStr>, name: impl Into<PyStr>) -> Value {
        Value::Global(Global::new(module, name))
    }

    /// Wraps the value so that every clone of the result refers to the same
    /// object (written once, then fetched from the memo).
    pub fn shared(value: Value) -> Value {
        Value::Shared(Arc::new(value))
    }

    /// The value itself, or the value a [`Value::Shared`] refers to.
    ///
    /// A [`Value::Recursive`] is returned unchanged (following it would loop).
    pub fn resolve(&self) -> &Value {
        let mut v = self;
        while let Value::Shared(inner) = v {
            v = inner;
        }
        v
    }

    /// The Python type name of the value (`int`, `str`, `list`, ...), or
    /// `object` for an [`Object`] and a persistent id.
    pub fn type_name(&self) -> &'static str {
        match self.resolve() {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::ByteArray(_) => "bytearray",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::FrozenSet(_) => "frozenset",
            Value::Global(_) => "global",
            Value::Buffer(_) => "buffer",
            Value::Object(_) | Value::PersistentId(_) | Value::Recursive(_) => "object",
            Value::Shared(_) => unreachable!("resolve follows shared values"),
        }
    }

    /// Whether the value is `None`.
    pub fn is_none(&self) -> bool {
        matches!(self.resolve(), Value::None)
    }

    /// The value as a `bool`, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.resolve() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as an `i64`, if it is an `int` that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self.resolve() {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as an `f64`, if it is a `float`.
    pub fn as_f64(&self) -> Option<f64> {
        match self.resolve() {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The value as text, if it is a `str` without lone surrogates.
    pub fn as_str(&self) -> Option<&str> {
        match self.resolve() {
            Value::Str(s) => s.as_str(),
            _ => None,
        }
    }

    /// The bytes of a `bytes` or `bytearray` value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self.resolve() {
            Value::Bytes(b) | Value::ByteArray(b) => Some(b),
            _ => None,
        }
    }

    /// The items of a `list` or `tuple`.
    pub fn as_slice(&self) -> Option<&[Value]> {
        match self.resolve() {
            Value::List(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a `dict`.
    pub fn as_dict(&self) -> Option<&[(Value, Value)]> {
        match self.resolve() {
            Value::Dict(entries) => Some(entries),
            _ => None,
        }
    }

    /// The object record, if the value is an [`Object`].
    pub fn as_object(&self) -> Option<&Object> {
        match self.resolve() {
            Value::Object(obj) => Some(obj),
            _ => None,
        }
    }

    /// In a `dict`, the value of the `str` key `key` (the last such entry, as
    /// Python keeps the last value written for a key).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_dict()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }
}

impl From<BigInt> for Value {
    fn from(v: BigInt) -> Value {
        match v.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(v),
        }
    }
}

macro_rules! from_small_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(v as i64)
            }
        }
    )*};
}
from_small_int!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! from_wide_int {
    ($($t:ty => $wide:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                match i64::try_from(v) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::BigInt(BigInt::from(v as $wide)),
                }
            }
        }
    )*};
}
from_wide_int!(u64 => u128, usize => u128, isize => i128, i128 => i128, u128 => u128);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Value {
        Value::Float(v as f64)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Str(v.into())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(v.into())
    }
}

impl From<PyStr> for Value {
    fn from(v: PyStr) -> Value {
        Value::Str(v)
    }
}

impl From<Global> for Value {
    fn from(v: Global) -> Value {
        Value::Global(v)
    }
}

impl From<Object> for Value {
    fn from(v: Object) -> Value {
        Value::Object(Box::new(v))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::None, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    /// A `list`.
    fn from(v: Vec<T>) -> Value {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}

impl<K: Into<Value>, V: Into<Value>> FromIterator<(K, V)> for Value {
    /// A `dict`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Value {
        Value::Dict(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}
