//! The [`Decoder`]: what a [`FromPickle`](crate::FromPickle) implementation reads from.
//!
//! A `Decoder` stands for one decoded object. Its methods check the object's
//! Python type against what the Rust type expects and give an error naming
//! both, with the offset of the opcode that made the object; the path to it
//! (`Order.items[3].price`) is added as the error travels up.

use std::borrow::Cow;
use std::cell::Cell;

use super::arena::{Arena, CallNode, Node, NodeId, ObjectNode, Text};
use super::build;
use super::options::Limits;
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

/// How many `getattr` steps [`NodeDecoder::name_of`] follows: classes are
/// not nested deeper in practice, and a bound keeps a hostile chain cheap.
const MAX_GETATTR_CHAIN: usize = 64;

/// Shared state of one typed decode.
pub(crate) struct Ctx<'a> {
    pub(crate) arena: &'a Arena,
    pub(crate) input: &'a [u8],
    pub(crate) limits: Limits,
    /// Objects visited so far, and how many may be: typed values copy a
    /// shared object at each reference, so this bounds the copies.
    visits: Cell<usize>,
    max_visits: usize,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(arena: &'a Arena, input: &'a [u8], limits: Limits) -> Ctx<'a> {
        let links: usize = arena.refs.iter().map(|&r| r as usize).sum();
        let graph = arena.nodes.len() + links;
        Ctx {
            arena,
            input,
            limits,
            visits: Cell::new(0),
            max_visits: graph.saturating_mul(limits.max_copies_factor).max(1 << 20),
        }
    }

    pub(crate) fn root(&'a self, id: NodeId) -> NodeDecoder<'a> {
        NodeDecoder {
            ctx: self,
            id,
            depth: 0,
        }
    }
}

/// One object of the general reader's result.
#[derive(Clone, Copy)]
pub(crate) struct NodeDecoder<'a> {
    ctx: &'a Ctx<'a>,
    id: NodeId,
    depth: usize,
}

impl std::fmt::Debug for NodeDecoder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("kind", &self.kind())
            .field("offset", &self.offset())
            .finish()
    }
}

impl<'a> NodeDecoder<'a> {
    pub(crate) fn node(&self) -> &'a Node {
        self.ctx.arena.node(self.id)
    }

    /// A decoder for a child object, one level deeper.
    pub(crate) fn child(&self, id: NodeId) -> Result<NodeDecoder<'a>> {
        let depth = self.depth + 1;
        if depth > self.ctx.limits.max_depth {
            return Err(build::depth_error(
                self.ctx.limits.max_depth,
                self.ctx.arena.offset(id),
            ));
        }
        let visits = self.ctx.visits.get() + 1;
        if visits > self.ctx.max_visits {
            return Err(Error::at(
                ErrorKind::AllocLimit,
                self.ctx.arena.offset(id),
                "typed decoding copies shared objects more often than the limit allows \
                 (raise `Limits::max_copies_factor`, or decode into `Value`, which shares them)",
            ));
        }
        self.ctx.visits.set(visits);
        Ok(NodeDecoder {
            ctx: self.ctx,
            id,
            depth,
        })
    }

    /// The Python type of the object.
    pub fn kind(&self) -> Kind {
        match self.node() {
            Node::None => Kind::None,
            Node::Bool(_) => Kind::Bool,
            Node::Int(_) | Node::BigInt(_) => Kind::Int,
            Node::Float(_) => Kind::Float,
            Node::Str(_) => Kind::Str,
            Node::Bytes(_) => Kind::Bytes,
            Node::ByteArray(_) => Kind::ByteArray,
            Node::List(_) => Kind::List,
            Node::Tuple(..) => Kind::Tuple,
            Node::Dict(_) => Kind::Dict,
            Node::Set(_) => Kind::Set,
            Node::FrozenSet(_) => Kind::FrozenSet,
            Node::Global(_) => Kind::Global,
            Node::Object(_) => Kind::Object,
            Node::Buffer(_) => Kind::Buffer,
            Node::PersistentId(_) => Kind::PersistentId,
        }
    }

    /// The byte offset of the opcode that created the object.
    pub fn offset(&self) -> u64 {
        self.ctx.arena.offset(self.id)
    }

    /// An error of `kind` about this object, at its offset.
    pub fn error(
        &self,
        kind: ErrorKind,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Error {
        Error::at(kind, self.offset(), message)
    }

    /// The error for an object of the wrong Python type: "expected
    /// {expected}, found `{python type}`". A global, or an object made by
    /// calling one, is a global the target did not name: an
    /// [`UnexpectedGlobal`](ErrorKind::UnexpectedGlobal) error that names it
    /// ("found a call of `posix.system`"), whatever the target expected.
    pub fn type_error(&self, expected: &str) -> Error {
        let (names_global, found) = self.found();
        let kind = match names_global {
            true => ErrorKind::UnexpectedGlobal,
            false => ErrorKind::Type,
        };
        self.error(kind, format!("expected {expected}, found {found}"))
    }

    /// The error for an object of the class the target names but not of a
    /// shape it reads (an enum member given a state, a `Decimal` of two
    /// arguments): a [`Type`](ErrorKind::Type) error worded as
    /// [`NodeDecoder::type_error`]'s.
    pub fn shape_error(&self, expected: &str) -> Error {
        let (_, found) = self.found();
        self.error(
            ErrorKind::Type,
            format!("expected {expected}, found {found}"),
        )
    }

    /// What the object is, for messages, and whether that names a global.
    fn found(&self) -> (bool, String) {
        match self.node() {
            Node::Global(g) => (
                true,
                format!("the global `{}`", self.ctx.arena.globals[*g as usize]),
            ),
            Node::Object(obj) => match (self.called(obj), self.class()) {
                (Some(callable), _) => (true, format!("a call of `{callable}`")),
                (None, Some(class)) => (true, format!("an instance of `{class}`")),
                (None, None) => (false, "an object".to_owned()),
            },
            other => (false, format!("`{}`", other.type_name())),
        }
    }

    /// The global that `obj` is the result of calling, where it is not a
    /// class's instance being made (`copyreg._reconstructor` of a class).
    fn called(&self, obj: &ObjectNode) -> Option<Cow<'a, Global>> {
        match &obj.call {
            CallNode::Reduce(callable, _) => {
                let callable = self.name_of(*callable)?;
                (!callable.is("copyreg", "_reconstructor")).then_some(callable)
            }
            _ => None,
        }
    }

    /// Whether the object is `None`.
    pub fn is_none(&self) -> bool {
        matches!(self.node(), Node::None)
    }

    /// The object as a `bool`.
    pub fn decode_bool(&self) -> Result<bool> {
        match self.node() {
            Node::Bool(b) => Ok(*b),
            _ => Err(self.type_error("a bool")),
        }
    }

    /// The object as an `i64`; an `int` that does not fit is an
    /// [`OutOfRange`](ErrorKind::OutOfRange) error.
    pub fn decode_i64(&self) -> Result<i64> {
        match self.node() {
            Node::Int(i) => Ok(*i),
            Node::BigInt(_) => Err(self.error(
                ErrorKind::OutOfRange,
                format!("integer {} does not fit in 64 bits", self.decode_big_int()?),
            )),
            _ => Err(self.type_error("an int")),
        }
    }

    /// The object as an `int` of any size.
    pub fn decode_big_int(&self) -> Result<BigInt> {
        match self.node() {
            Node::Int(i) => Ok(BigInt::from(*i)),
            Node::BigInt(t) => Ok(BigInt::from_signed_bytes_le(self.text(*t))),
            _ => Err(self.type_error("an int")),
        }
    }

    /// The object as an `f64`: a `float`, or an `int` that a double holds exactly.
    pub fn decode_f64(&self) -> Result<f64> {
        match self.node() {
            Node::Float(f) => Ok(*f),
            Node::Int(i) => {
                let f = *i as f64;
                if f as i128 == *i as i128 && f.abs() < 9.3e18 {
                    Ok(f)
                } else {
                    Err(self.error(
                        ErrorKind::OutOfRange,
                        format!("integer {i} has no exact float value"),
                    ))
                }
            }
            Node::BigInt(_) => {
                Err(self.error(ErrorKind::OutOfRange, "integer has no exact float value"))
            }
            _ => Err(self.type_error("a float")),
        }
    }

    pub(crate) fn text(&self, t: Text) -> &'a [u8] {
        self.ctx.arena.text(self.ctx.input, t)
    }

    /// The object as text, borrowed from the input where possible. A `str`
    /// holding a lone surrogate is an [`OutOfRange`](ErrorKind::OutOfRange)
    /// error (use [`Decoder::decode_py_str`]).
    pub fn decode_str(&self) -> Result<&'a str> {
        match self.node() {
            Node::Str(t) => std::str::from_utf8(self.text(*t)).map_err(|_| {
                self.error(
                    ErrorKind::OutOfRange,
                    "str holds a lone surrogate, which Rust strings cannot",
                )
            }),
            _ => Err(self.type_error("a str")),
        }
    }

    /// The object as a Python string, lone surrogates included.
    pub fn decode_py_str(&self) -> Result<PyStr> {
        match self.node() {
            Node::Str(t) => Ok(PyStr::from_utf8_surrogatepass(self.text(*t)).unwrap_or_default()),
            _ => Err(self.type_error("a str")),
        }
    }

    /// The bytes of a `bytes`, `bytearray` or buffer object.
    pub fn decode_bytes(&self) -> Result<&'a [u8]> {
        match self.node() {
            Node::Bytes(t) => Ok(self.text(*t)),
            Node::ByteArray(b) => Ok(self.ctx.arena.byte_array(self.ctx.input, b)),
            Node::Buffer(b) => Ok(&b.data),
            _ => Err(self.type_error("bytes")),
        }
    }

    /// The items of a `list`, `tuple`, `set` or `frozenset`.
    pub fn seq(&self) -> Result<NodeSeq<'a>> {
        match self.node() {
            Node::List(items) | Node::Set(items) | Node::FrozenSet(items) => Ok(self.seq_of(items)),
            Node::Tuple(items, _) => Ok(self.seq_of(items)),
            _ => Err(self.type_error("a list, tuple or set")),
        }
    }

    /// The items of a `tuple` or `list` of exactly `len` items (a Rust tuple or array).
    pub fn fixed_seq(&self, len: usize) -> Result<NodeSeq<'a>> {
        let items = match self.node() {
            Node::Tuple(items, _) => &items[..],
            Node::List(items) => &items[..],
            _ => return Err(self.type_error(&format!("a tuple of {len}"))),
        };
        if items.len() != len {
            return Err(self.error(
                ErrorKind::Type,
                format!("expected a tuple of {len}, found one of {}", items.len()),
            ));
        }
        Ok(self.seq_of(items))
    }

    fn seq_of(&self, items: &'a [NodeId]) -> NodeSeq<'a> {
        NodeSeq {
            parent: *self,
            items: items.iter(),
            index: 0,
        }
    }

    /// The global (class or function) the object is, if it is one.
    pub fn global(&self) -> Option<&'a Global> {
        match self.node() {
            Node::Global(g) => Some(&self.ctx.arena.globals[*g as usize]),
            _ => None,
        }
    }

    /// For an object built by a call, the class it is an instance of, as
    /// [`Object::class`](crate::Object::class) finds it, and also when the
    /// class is named by `getattr` (see [`NodeDecoder::name_of`]).
    pub fn class(&self) -> Option<Cow<'a, Global>> {
        let Node::Object(obj) = self.node() else {
            return None;
        };
        match &obj.call {
            CallNode::NewObj(cls, _) | CallNode::NewObjEx(cls, _, _) | CallNode::Obj(cls, _) => {
                self.name_of(*cls)
            }
            CallNode::Inst(g, _) => Some(Cow::Borrowed(&self.ctx.arena.globals[*g as usize])),
            CallNode::Reduce(callable, args) => {
                let callable = self.name_of(*callable)?;
                if callable.is("copyreg", "_reconstructor") {
                    match self.ctx.arena.node(*args) {
                        Node::Tuple(items, _) if items.len() == 3 => self.name_of(items[0]),
                        _ => None,
                    }
                } else {
                    Some(callable)
                }
            }
        }
    }

    /// The class or function that node `id` names: a global, or
    /// `getattr(named, 'attr')` of one, which is how CPython names a nested
    /// class below protocol 4 (`getattr(Outer, 'Inner')` is `Outer.Inner`).
    pub(crate) fn name_of(&self, id: NodeId) -> Option<Cow<'a, Global>> {
        let arena = self.ctx.arena;
        let mut attrs: Vec<&'a [u8]> = Vec::new();
        let mut id = id;
        loop {
            match arena.node(id) {
                Node::Global(g) => {
                    let global = &arena.globals[*g as usize];
                    if attrs.is_empty() {
                        return Some(Cow::Borrowed(global));
                    }
                    let mut name = global.name.as_bytes().to_vec();
                    for attr in attrs.iter().rev() {
                        name.push(b'.');
                        name.extend_from_slice(attr);
                    }
                    let name = PyStr::from_utf8_surrogatepass(&name).ok()?;
                    return Some(Cow::Owned(Global::new(global.module.clone(), name)));
                }
                Node::Object(obj) if obj.ops.is_empty() && attrs.len() < MAX_GETATTR_CHAIN => {
                    let CallNode::Reduce(callable, args) = obj.call else {
                        return None;
                    };
                    let getattr = matches!(arena.node(callable), Node::Global(g)
                        if arena.globals[*g as usize].is("builtins", "getattr"));
                    let Node::Tuple(items, _) = arena.node(args) else {
                        return None;
                    };
                    let (true, [parent, attr]) = (getattr, &items[..]) else {
                        return None;
                    };
                    let Node::Str(text) = arena.node(*attr) else {
                        return None;
                    };
                    attrs.push(self.text(*text));
                    id = *parent;
                }
                _ => return None,
            }
        }
    }

    /// The object as a [`Value`], with its sharing and cycles.
    pub fn value(self) -> Result<Value> {
        let mut limits = self.ctx.limits;
        limits.max_depth = limits.max_depth.saturating_sub(self.depth);
        build::to_value(self.ctx.arena, self.ctx.input, self.id, &limits)
    }

    pub(crate) fn ctx(&self) -> &'a Ctx<'a> {
        self.ctx
    }

    pub(crate) fn id(&self) -> NodeId {
        self.id
    }
}

/// The items of a sequence of the general reader's result.
pub(crate) struct NodeSeq<'a> {
    parent: NodeDecoder<'a>,
    items: std::slice::Iter<'a, NodeId>,
    index: usize,
}

impl<'a> NodeSeq<'a> {
    /// How many items are left.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The next item, or `None`. Use [`Seq::decode_each`] to also get the
    /// item's index into errors.
    pub fn next_item(&mut self) -> Result<Option<NodeDecoder<'a>>> {
        match self.items.next() {
            Some(&id) => {
                self.index += 1;
                self.parent.child(id).map(Some)
            }
            None => Ok(None),
        }
    }
}

/// How a key shows in an error path: its repr for strings and ints.
pub(crate) fn key_label(key: &NodeDecoder<'_>) -> String {
    match key.node() {
        Node::Str(_) => match key.decode_str() {
            Ok(s) => format!("{s:?}"),
            Err(_) => "<str>".into(),
        },
        Node::Int(i) => i.to_string(),
        other => format!("<{}>", other.type_name()),
    }
}
