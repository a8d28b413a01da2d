//! The [`Decoder`] and its iterators: what a [`FromPickle`](crate::FromPickle)
//! implementation reads from.
//!
//! A `Decoder` stands for one object of the pickle. Its methods check the
//! object's Python type against what the Rust type expects and give an error
//! naming both, with the offset of the opcode that made the object; the path
//! to it (`Order.items[3].price`) is added as the error travels up.
//!
//! Behind a `Decoder` is one of two backends with the same methods: the
//! streaming reader (`stream/`), which reads values in order straight from
//! the input, or the general reader's objects (`node/`). Implementations
//! cannot tell them apart if they read each value once, in order, and read
//! a dict's key before its value; an implementation that does otherwise is
//! still correct, only slower (the streaming reader gives up, and the
//! general reader runs it again).

use super::node::{NodeDecoder, NodeInstance, NodeMap, NodeSeq};
use super::stream::{StreamDecoder, StreamInstance, StreamMap, StreamSeq};
use std::borrow::Cow;

use crate::class::ClassDesc;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{BigInt, Global, PyStr, Value};

/// The Python type of a decoded object, as [`Decoder::kind`](super::Decoder::kind) reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// `None`.
    None,
    /// `bool`.
    Bool,
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `str`.
    Str,
    /// `bytes`.
    Bytes,
    /// `bytearray`.
    ByteArray,
    /// `list`.
    List,
    /// `tuple`.
    Tuple,
    /// `dict`.
    Dict,
    /// `set`.
    Set,
    /// `frozenset`.
    FrozenSet,
    /// A global (class or function).
    Global,
    /// An object built by a call (`REDUCE`, `NEWOBJ`, ...).
    Object,
    /// An out-of-band buffer.
    Buffer,
    /// A kept persistent id.
    PersistentId,
}

impl Kind {
    /// The name of the Python type, for messages (`int`, `NoneType`, ...).
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Kind::None => "NoneType",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Str => "str",
            Kind::Bytes => "bytes",
            Kind::ByteArray => "bytearray",
            Kind::List => "list",
            Kind::Tuple => "tuple",
            Kind::Dict => "dict",
            Kind::Set => "set",
            Kind::FrozenSet => "frozenset",
            Kind::Global => "type",
            Kind::Object | Kind::PersistentId => "object",
            Kind::Buffer => "memoryview",
        }
    }
}

/// Calls the same method on the backend behind a handle: `each!(src, d =>
/// d.method())`, or with `wrap W` to wrap each backend's result in `W`'s
/// variant of the same name.
macro_rules! each {
    ($src:expr, $d:ident => $body:expr) => {
        match $src {
            Src::Node($d) => $body,
            Src::Stream($d) => $body,
        }
    };
    ($src:expr, $d:ident => $body:expr, wrap $w:ident) => {
        match $src {
            Src::Node($d) => $w::Node($body),
            Src::Stream($d) => $w::Stream($body),
        }
    };
}

/// A backend's handle, sequence, map or instance.
#[derive(Clone, Copy)]
enum Src<N, S> {
    Node(N),
    Stream(S),
}

/// One object of a pickle, for a [`FromPickle`](crate::FromPickle) implementation to read.
#[derive(Clone, Copy)]
pub struct Decoder<'a>(Src<NodeDecoder<'a>, StreamDecoder<'a>>);

impl std::fmt::Debug for Decoder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("offset", &self.offset())
            .finish()
    }
}

impl<'a> Decoder<'a> {
    pub(crate) fn node(d: NodeDecoder<'a>) -> Decoder<'a> {
        Decoder(Src::Node(d))
    }

    pub(crate) fn stream(d: StreamDecoder<'a>) -> Decoder<'a> {
        Decoder(Src::Stream(d))
    }

    /// Whether the streaming reader is behind this decoder: then values
    /// must be read in order, each once, and where it cannot read one it
    /// gives up (the general reader then decodes the pickle again).
    #[cfg(feature = "serde")]
    #[inline]
    pub(crate) fn is_stream(&self) -> bool {
        matches!(self.0, Src::Stream(_))
    }

    /// `e`, or, on the streaming reader, giving up instead (the general
    /// reader then decodes the pickle again): for the serde bridge, whose
    /// reads try one form and then another, so that an error there may
    /// only mean a form the streaming reader does not tell apart.
    #[cfg(feature = "serde")]
    #[cold]
    pub(crate) fn or_give_up(&self, e: Error) -> Error {
        match self.0 {
            Src::Stream(d) => d.fail(),
            Src::Node(_) => e,
        }
    }

    /// The Python type of the object.
    pub fn kind(&self) -> Kind {
        each!(self.0, d => d.kind())
    }

    /// The byte offset of the opcode that created the object.
    pub fn offset(&self) -> u64 {
        each!(self.0, d => d.offset())
    }

    /// An error of `kind` about this object, at its offset.
    pub fn error(
        &self,
        kind: ErrorKind,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Error {
        each!(self.0, d => d.error(kind, message))
    }

    /// The error for an object of the wrong Python type: "expected
    /// {expected}, found `{python type}`". A global, or an object made by
    /// calling one, is a global the target did not name: an
    /// [`UnexpectedGlobal`](ErrorKind::UnexpectedGlobal) error that names it
    /// ("found a call of `posix.system`"), whatever the target expected.
    pub fn type_error(&self, expected: &str) -> Error {
        each!(self.0, d => d.type_error(expected))
    }

    /// The error for an object of the class the target names, but not of a
    /// shape it reads (say, called with arguments the type does not take): a
    /// [`Type`](ErrorKind::Type) error worded as [`Decoder::type_error`]'s.
    pub fn shape_error(&self, expected: &str) -> Error {
        match self.0 {
            Src::Node(d) => d.shape_error(expected),
            // What the object is, this reader leaves to the general one.
            Src::Stream(d) => d.fail(),
        }
    }

    /// Whether the object is `None`.
    #[inline]
    pub fn is_none(&self) -> bool {
        each!(self.0, d => d.is_none())
    }

    /// Reads a `None` (what `()` and `Option::None` are).
    #[inline]
    pub fn decode_none(&self) -> Result<()> {
        each!(self.0, d => d.decode_none())
    }

    /// The object as a `bool`.
    #[inline]
    pub fn decode_bool(&self) -> Result<bool> {
        each!(self.0, d => d.decode_bool())
    }

    /// The object as an `i64`; an `int` that does not fit is an
    /// [`OutOfRange`](ErrorKind::OutOfRange) error.
    #[inline]
    pub fn decode_i64(&self) -> Result<i64> {
        each!(self.0, d => d.decode_i64())
    }

    /// The object as an `int` of any size.
    pub fn decode_big_int(&self) -> Result<BigInt> {
        each!(self.0, d => d.decode_big_int())
    }

    /// The object as an `f64`: a `float`, or an `int` that a double holds exactly.
    #[inline]
    pub fn decode_f64(&self) -> Result<f64> {
        each!(self.0, d => d.decode_f64())
    }

    /// The object as text, borrowed from the input where possible. A `str`
    /// holding a lone surrogate is an [`OutOfRange`](ErrorKind::OutOfRange)
    /// error (use [`Decoder::decode_py_str`]).
    #[inline]
    pub fn decode_str(&self) -> Result<&'a str> {
        each!(self.0, d => d.decode_str())
    }

    /// The object as a Python string, lone surrogates included.
    pub fn decode_py_str(&self) -> Result<PyStr> {
        each!(self.0, d => d.decode_py_str())
    }

    /// The bytes of a `bytes`, `bytearray` or buffer object.
    #[inline]
    pub fn decode_bytes(&self) -> Result<&'a [u8]> {
        each!(self.0, d => d.decode_bytes())
    }

    /// The items of a `list`, `tuple`, `set` or `frozenset`.
    #[inline]
    pub fn seq(&self) -> Result<Seq<'a>> {
        Ok(Seq(each!(self.0, d => d.seq()?, wrap Src)))
    }

    /// `self.seq()?.decode_each(f)`, without handing the streaming
    /// reader's state from one to the other (a copy the processor stalls on).
    #[inline]
    pub(crate) fn seq_each<T>(
        &self,
        mut f: impl FnMut(Decoder<'a>) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self.0 {
            Src::Stream(d) => d.seq()?.decode_each(|item| f(Decoder::stream(item))),
            Src::Node(_) => self.seq()?.decode_each(f),
        }
    }

    /// The items of a `tuple` or `list` of exactly `len` items (a Rust tuple or array).
    #[inline]
    pub fn fixed_seq(&self, len: usize) -> Result<Seq<'a>> {
        Ok(Seq(each!(self.0, d => d.fixed_seq(len)?, wrap Src)))
    }

    /// The entries of a `dict`, or of a dict-like object built by a call
    /// (such as `collections.OrderedDict`, `Counter`, `defaultdict` or a dict
    /// subclass): the entries the call was given (Python 2's
    /// `OrderedDict([[k, v], ...])`, `Counter({...})`), then those set after
    /// it. A call with other arguments, or an object with attributes besides
    /// its entries, is a [`Type`](ErrorKind::Type) error rather than a map
    /// that lacks them. The default factory of a `defaultdict` is not an
    /// entry, and is not kept.
    #[inline]
    pub fn map(&self) -> Result<Map<'a>> {
        Ok(Map(each!(self.0, d => d.map()?, wrap Src)))
    }

    /// The global (class or function) the object is, if it is one.
    pub fn global(&self) -> Option<&'a Global> {
        each!(self.0, d => d.global())
    }

    /// For an object built by a call, the class it is an instance of, as
    /// [`Object::class`](crate::Object::class) finds it; also a nested class
    /// that the pickle names by `getattr(Outer, 'Inner')`, as CPython does
    /// below protocol 4, which is `Outer.Inner` here.
    pub fn class(&self) -> Option<Cow<'a, Global>> {
        each!(self.0, d => d.class())
    }

    /// The object as a [`Value`], with its sharing and cycles.
    pub fn to_value(&self) -> Result<Value> {
        each!(self.0, d => d.to_value())
    }

    /// The arguments of the call that built the object, if it was built by
    /// calling the global `module.name` (`REDUCE`), as CPython writes objects
    /// whose `__reduce__` returns `(cls, args)`. What was done to the object
    /// after the call (`BUILD`, appends, entries) is not looked at here; see
    /// [`Decoder::appended_items`].
    ///
    /// Another object built by a call is an
    /// [`UnexpectedGlobal`](ErrorKind::UnexpectedGlobal) error naming its
    /// class; any other object is a [`Type`](ErrorKind::Type) error.
    ///
    /// ```
    /// use pickle_core::{Decoder, FromPickle, Result};
    ///
    /// /// A `decimal.Decimal`, kept as its text.
    /// struct DecimalText(String);
    ///
    /// impl FromPickle for DecimalText {
    ///     fn from_pickle(d: Decoder<'_>) -> Result<Self> {
    ///         let mut args = d.call_args("decimal", "Decimal")?;
    ///         let text = args
    ///             .next_item()?
    ///             .ok_or_else(|| d.type_error("an instance of `decimal.Decimal` of one argument"))?;
    ///         Ok(DecimalText(text.decode_str()?.to_owned()))
    ///     }
    /// }
    ///
    /// // pickle.dumps(decimal.Decimal("1.50"), protocol=2) in CPython 3.11
    /// let data = b"\x80\x02cdecimal\nDecimal\nq\x00X\x04\x00\x00\x001.50q\x01\x85q\x02Rq\x03.";
    /// assert_eq!(pickle_core::from_slice::<DecimalText>(data)?.0, "1.50");
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn call_args(&self, module: &str, name: &str) -> Result<Seq<'a>> {
        Ok(Seq(
            each!(self.0, d => d.call_args(module, name)?, wrap Src),
        ))
    }

    /// The state that `BUILD` gave an object built by a call (what Python
    /// passes to its `__setstate__`), or `None` if it was given none, as
    /// CPython writes objects whose `__reduce__` returns `(callable, args,
    /// state)`. An object given more than one state, or appends or entries,
    /// is a [`Type`](ErrorKind::Type) error, and so is anything that is no
    /// object built by a call.
    ///
    /// ```
    /// use pickle_core::{Decoder, FromPickle, Result};
    ///
    /// /// What `functools.partial(f, 1, 2)` holds in its state: the function and arguments.
    /// struct PartialArgs(Vec<i64>);
    ///
    /// impl FromPickle for PartialArgs {
    ///     fn from_pickle(d: Decoder<'_>) -> Result<Self> {
    ///         d.call_args("functools", "partial")?;
    ///         let state = d.state()?.ok_or_else(|| d.type_error("a `functools.partial` with a state"))?;
    ///         // (func, args, keywords, dict)
    ///         let mut parts = state.fixed_seq(4)?;
    ///         parts.next_item()?;
    ///         let args = parts.next_item()?.ok_or_else(|| d.type_error("arguments"))?;
    ///         Ok(PartialArgs(Vec::from_pickle(args)?))
    ///     }
    /// }
    ///
    /// // pickle.dumps(functools.partial(operator.add, 1, 2), protocol=2) in CPython 3.11
    /// let data = b"\x80\x02cfunctools\npartial\nq\x00c_operator\nadd\nq\x01\x85q\x02Rq\x03(h\x01K\x01K\x02\x86q\x04}q\x05Ntq\x06b.";
    /// assert_eq!(pickle_core::from_slice::<PartialArgs>(data)?.0, [1, 2]);
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn state(&self) -> Result<Option<Decoder<'a>>> {
        Ok(each!(self.0, d => d.state()?.map(|d| Decoder(Src::from(d)))))
    }

    /// [`Decoder::call_args`] of an object that nothing was done to after
    /// the call: a state, items or entries after it are an error.
    pub(crate) fn call_args_alone(&self, module: &str, name: &str) -> Result<Seq<'a>> {
        Ok(Seq(
            each!(self.0, d => d.call_args_alone(module, name)?, wrap Src),
        ))
    }

    /// The items appended (`APPEND`/`APPENDS`) to an object built by a call,
    /// in order, as CPython fills objects whose `__reduce__` returns
    /// `listitems` (`collections.deque`, list subclasses). An object that
    /// was also given a state or entries is a [`Type`](ErrorKind::Type)
    /// error, and so is anything that is no object built by a call.
    pub fn appended_items(&self) -> Result<Vec<Decoder<'a>>> {
        each!(self.0, d => Ok(d
            .appended_items()?
            .into_iter()
            .map(|d| Decoder(Src::from(d)))
            .collect()))
    }

    /// The object as an instance of `class` (or of one of its aliases); any
    /// other class is an [`UnexpectedGlobal`](ErrorKind::UnexpectedGlobal) error.
    #[inline]
    pub fn instance(&self, class: &'static ClassDesc) -> Result<Instance<'a>> {
        Ok(Instance(each!(self.0, d => d.instance(class)?, wrap Src)))
    }

    /// The object as a plain `dict` of the fields of `class` (how
    /// `#[pickle(dict)]` types are read).
    #[inline]
    pub fn field_dict(&self, class: &'static ClassDesc) -> Result<Instance<'a>> {
        Ok(Instance(each!(self.0, d => d.field_dict(class)?, wrap Src)))
    }

    /// The member of the `enum.Enum` class `class` that the object is: its
    /// index in `class.members`.
    #[inline]
    pub fn enum_member(&self, class: &'static ClassDesc) -> Result<usize> {
        each!(self.0, d => d.enum_member(class))
    }

    /// Which of `classes` the object is an instance of (for an enum whose
    /// variants are classes): the index of the first class that accepts it.
    pub fn variant(&self, classes: &[&'static ClassDesc]) -> Result<usize> {
        each!(self.0, d => d.variant(classes))
    }
}

/// The items of a sequence, each a [`Decoder`]; see [`Decoder::seq`].
pub struct Seq<'a>(Src<NodeSeq<'a>, StreamSeq<'a>>);

impl<'a> Seq<'a> {
    /// How many items are left; for a sequence read as a stream, a hint
    /// (possibly 0) when counting would mean reading ahead.
    pub fn len(&self) -> usize {
        each!(&self.0, s => s.len())
    }

    /// Whether [`Seq::len`] is 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next item, or `None`. Use [`Seq::decode_each`] to also get the
    /// item's index into errors.
    #[inline]
    pub fn next_item(&mut self) -> Result<Option<Decoder<'a>>> {
        Ok(each!(&mut self.0, s => s.next_item()?.map(|d| Decoder(Src::from(d)))))
    }

    /// Decodes every remaining item with `f`, adding the item's index to
    /// the path of any error.
    pub fn decode_each<T>(self, mut f: impl FnMut(Decoder<'a>) -> Result<T>) -> Result<Vec<T>> {
        match self.0 {
            Src::Stream(s) => s.decode_each(|item| f(Decoder::stream(item))),
            Src::Node(mut s) => {
                let mut out = Vec::with_capacity(s.len());
                while let Some(item) = s.next_item()? {
                    let index = out.len();
                    out.push(f(Decoder::node(item)).map_err(|e| e.in_index(index))?);
                }
                Ok(out)
            }
        }
    }
}

/// The entries of a dict, each a key and a value [`Decoder`]; see [`Decoder::map`].
pub struct Map<'a>(Src<NodeMap<'a>, StreamMap<'a>>);

impl<'a> Map<'a> {
    /// How many entries are left; a hint, as for [`Seq::len`].
    pub fn len(&self) -> usize {
        each!(&self.0, m => m.len())
    }

    /// Whether [`Map::len`] is 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next key and value, or `None`. Read the key before the value.
    #[inline]
    pub fn next_entry(&mut self) -> Result<Option<(Decoder<'a>, Decoder<'a>)>> {
        Ok(each!(&mut self.0, m => m
            .next_entry()?
            .map(|(k, v)| (Decoder(Src::from(k)), Decoder(Src::from(v))))))
    }
}

/// The fields of one instance, as they appear in the pickle; see [`Decoder::instance`].
pub struct Instance<'a>(Src<NodeInstance<'a>, StreamInstance<'a>>);

impl<'a> Instance<'a> {
    /// The next field the pickle gives, as its index in the class's fields
    /// and its value. Attributes that are not fields are skipped, or are an
    /// [`UnknownField`](ErrorKind::UnknownField) error for a class with
    /// `deny_unknown_fields`. A field given twice is given twice (the later
    /// one wins in Python).
    #[inline(always)]
    pub fn next_field(&mut self) -> Result<Option<(usize, Decoder<'a>)>> {
        Ok(each!(&mut self.0, i => i.next_field()?.map(|(n, d)| (n, Decoder(Src::from(d))))))
    }

    /// The error for a required field the pickle does not give.
    pub fn missing(&self, field: usize) -> Error {
        each!(&self.0, i => i.missing(field))
    }

    /// The class being read.
    pub fn class(&self) -> &'static ClassDesc {
        each!(&self.0, i => i.class())
    }
}

impl<'a> From<NodeDecoder<'a>> for Src<NodeDecoder<'a>, StreamDecoder<'a>> {
    fn from(d: NodeDecoder<'a>) -> Self {
        Src::Node(d)
    }
}

impl<'a> From<StreamDecoder<'a>> for Src<NodeDecoder<'a>, StreamDecoder<'a>> {
    fn from(d: StreamDecoder<'a>) -> Self {
        Src::Stream(d)
    }
}

/// How a key shows in an error path: its repr for strings and ints.
pub(crate) fn key_label(key: &Decoder<'_>) -> String {
    each!(key.0, d => d.key_label())
}
