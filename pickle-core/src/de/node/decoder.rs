//! One object of the general reader's result (a node of the arena), read
//! for a `FromPickle`: the methods of [`Decoder`](crate::Decoder), each
//! checking the node's Python type.

use std::borrow::Cow;
use std::cell::Cell;

use super::seq::NodeSeq;
use crate::de::arena::to_value::{depth_error, to_value};
use crate::de::arena::{Arena, CallNode, Node, NodeId, ObjectNode, Text};
use crate::de::options::Limits;
use crate::de::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{BigInt, Global, PyStr, Value};

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

impl<'a> NodeDecoder<'a> {
    pub(crate) fn node(&self) -> &'a Node {
        self.ctx.arena.node(self.id)
    }

    pub(crate) fn ctx(&self) -> &'a Ctx<'a> {
        self.ctx
    }

    pub(crate) fn id(&self) -> NodeId {
        self.id
    }

    /// A decoder for a child object, one level deeper.
    pub(crate) fn child(&self, id: NodeId) -> Result<NodeDecoder<'a>> {
        let depth = self.depth + 1;
        if depth > self.ctx.limits.max_depth {
            return Err(depth_error(
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

    pub(crate) fn kind(&self) -> Kind {
        self.node().kind()
    }

    pub(crate) fn offset(&self) -> u64 {
        self.ctx.arena.offset(self.id)
    }

    pub(crate) fn error(
        &self,
        kind: ErrorKind,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Error {
        Error::at(kind, self.offset(), message)
    }

    /// "expected {expected}, found {what}"; a global, or an object made by
    /// calling one, is a global the target did not name: an
    /// [`UnexpectedGlobal`](ErrorKind::UnexpectedGlobal) error naming it.
    pub(crate) fn type_error(&self, expected: &str) -> Error {
        let (names_global, found) = self.found();
        let kind = match names_global {
            true => ErrorKind::UnexpectedGlobal,
            false => ErrorKind::Type,
        };
        self.error(kind, format!("expected {expected}, found {found}"))
    }

    /// A [`Type`](ErrorKind::Type) error worded as [`type_error`](Self::type_error)'s,
    /// for an object of the class the target names but not of a shape it reads.
    pub(crate) fn shape_error(&self, expected: &str) -> Error {
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

    pub(crate) fn is_none(&self) -> bool {
        matches!(self.node(), Node::None)
    }

    pub(crate) fn decode_none(&self) -> Result<()> {
        match self.node() {
            Node::None => Ok(()),
            _ => Err(self.type_error("None")),
        }
    }

    pub(crate) fn decode_bool(&self) -> Result<bool> {
        match self.node() {
            Node::Bool(b) => Ok(*b),
            _ => Err(self.type_error("a bool")),
        }
    }

    pub(crate) fn decode_i64(&self) -> Result<i64> {
        match self.node() {
            Node::Int(i) => Ok(*i),
            Node::BigInt(_) => Err(self.error(
                ErrorKind::OutOfRange,
                format!("integer {} does not fit in 64 bits", self.decode_big_int()?),
            )),
            _ => Err(self.type_error("an int")),
        }
    }

    pub(crate) fn decode_big_int(&self) -> Result<BigInt> {
        match self.node() {
            Node::Int(i) => Ok(BigInt::from(*i)),
            Node::BigInt(t) => Ok(BigInt::from_signed_bytes_le(self.text(*t))),
            _ => Err(self.type_error("an int")),
        }
    }

    pub(crate) fn decode_f64(&self) -> Result<f64> {
        match self.node() {
            Node::Float(f) => Ok(*f),
            Node::Int(i) => exact_float(*i).ok_or_else(|| {
                self.error(
                    ErrorKind::OutOfRange,
                    format!("integer {i} has no exact float value"),
                )
            }),
            Node::BigInt(_) => {
                Err(self.error(ErrorKind::OutOfRange, "integer has no exact float value"))
            }
            _ => Err(self.type_error("a float")),
        }
    }

    pub(crate) fn text(&self, t: Text) -> &'a [u8] {
        self.ctx.arena.text(self.ctx.input, t)
    }

    pub(crate) fn decode_str(&self) -> Result<&'a str> {
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

    pub(crate) fn decode_py_str(&self) -> Result<PyStr> {
        match self.node() {
            Node::Str(t) => Ok(PyStr::from_utf8_surrogatepass(self.text(*t)).unwrap_or_default()),
            _ => Err(self.type_error("a str")),
        }
    }

    pub(crate) fn decode_bytes(&self) -> Result<&'a [u8]> {
        match self.node() {
            Node::Bytes(t) => Ok(self.text(*t)),
            Node::ByteArray(b) => Ok(self.ctx.arena.byte_array(self.ctx.input, b)),
            Node::Buffer(b) => Ok(&b.data),
            _ => Err(self.type_error("bytes")),
        }
    }

    pub(crate) fn seq(&self) -> Result<NodeSeq<'a>> {
        match self.node() {
            Node::List(items) | Node::Set(items) | Node::FrozenSet(items) => {
                Ok(NodeSeq::new(*self, items))
            }
            Node::Tuple(items, _) => Ok(NodeSeq::new(*self, items)),
            _ => Err(self.type_error("a list, tuple or set")),
        }
    }

    pub(crate) fn fixed_seq(&self, len: usize) -> Result<NodeSeq<'a>> {
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
        Ok(NodeSeq::new(*self, items))
    }

    pub(crate) fn global(&self) -> Option<&'a Global> {
        match self.node() {
            Node::Global(g) => Some(&self.ctx.arena.globals[*g as usize]),
            _ => None,
        }
    }

    /// For an object built by a call, the class it is an instance of, as
    /// [`Object::class`](crate::Object::class) finds it, and also when the
    /// class is named by `getattr` (see [`NodeDecoder::name_of`]).
    pub(crate) fn class(&self) -> Option<Cow<'a, Global>> {
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

    pub(crate) fn to_value(self) -> Result<Value> {
        let mut limits = self.ctx.limits;
        limits.max_depth = limits.max_depth.saturating_sub(self.depth);
        to_value(self.ctx.arena, self.ctx.input, self.id, &limits)
    }

    /// How a key shows in an error path: its repr for strings and ints.
    pub(crate) fn key_label(&self) -> String {
        match self.node() {
            Node::Str(_) => match self.decode_str() {
                Ok(s) => format!("{s:?}"),
                Err(_) => "<str>".into(),
            },
            Node::Int(i) => i.to_string(),
            other => format!("<{}>", other.type_name()),
        }
    }
}

/// `i` as a float, if a double holds it exactly (as the general reader
/// and the streaming reader accept an int for a float).
pub(crate) fn exact_float(i: i64) -> Option<f64> {
    let f = i as f64;
    (f as i128 == i as i128 && f.abs() < 9.3e18).then_some(f)
}
