//! The reader's working memory: every object the pickle creates, as a node.
//!
//! Nodes refer to each other by index, so a memo `GET` shares a node instead
//! of copying it, cycles are just indices, and nothing here recurses or is
//! freed one by one. Text is a span of the input (or of `heap` when it had to
//! be decoded), so strings are not copied until the caller asks for them.

use std::collections::HashMap;

use super::source::Span;
use crate::value::{Buffer, Global};

pub(crate) type NodeId = u32;

/// Where the bytes of a string or bytes node live.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Text {
    /// In the input.
    Input(Span),
    /// In [`Arena::heap`] (decoded from an escaped or re-encoded form).
    Heap(Span),
}

impl Text {
    /// The length of the text, in bytes.
    pub(crate) fn len(self) -> usize {
        match self {
            Text::Input(span) | Text::Heap(span) => span.len,
        }
    }
}

#[derive(Debug)]
pub(crate) enum Node {
    None,
    Bool(bool),
    Int(i64),
    /// Minimal two's complement little-endian bytes of an int beyond `i64`.
    BigInt(Text),
    Float(f64),
    /// UTF-8 with `surrogatepass` (validated).
    Str(Text),
    Bytes(Text),
    ByteArray(ByteArrayData),
    List(Vec<NodeId>),
    Tuple(Box<[NodeId]>, Hashable),
    Dict(Vec<(NodeId, NodeId)>),
    Set(Vec<NodeId>),
    FrozenSet(Vec<NodeId>),
    /// An index into [`Arena::globals`].
    Global(u32),
    Object(Box<ObjectNode>),
    Buffer(Box<Buffer>),
    /// A persistent id kept as data.
    PersistentId(NodeId),
}

/// The bytes of a `bytearray` node: where `BYTEARRAY8` or `bytearray(b'...')`
/// found them, so that reading a large one copies nothing, until an
/// `APPEND` or `SETITEM` changes them (see [`Arena::own_byte_array`]).
#[derive(Clone, Debug)]
pub(crate) enum ByteArrayData {
    Text(Text),
    Owned(Vec<u8>),
}

/// Whether a tuple can be a dict key or set item (all its items can).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hashable(pub(crate) bool);

#[derive(Debug)]
pub(crate) struct ObjectNode {
    pub(crate) call: CallNode,
    pub(crate) ops: Vec<OpNode>,
}

#[derive(Debug)]
pub(crate) enum CallNode {
    Reduce(NodeId, NodeId),
    NewObj(NodeId, NodeId),
    NewObjEx(NodeId, NodeId, NodeId),
    /// `INST`: the class (an index into [`Arena::globals`]) and arguments.
    Inst(u32, Box<[NodeId]>),
    Obj(NodeId, Box<[NodeId]>),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum OpNode {
    Build(NodeId),
    Append(NodeId),
    SetItem(NodeId, NodeId),
    Add(NodeId),
}

impl Node {
    /// The Python type name, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Node::None => "NoneType",
            Node::Bool(_) => "bool",
            Node::Int(_) | Node::BigInt(_) => "int",
            Node::Float(_) => "float",
            Node::Str(_) => "str",
            Node::Bytes(_) => "bytes",
            Node::ByteArray(_) => "bytearray",
            Node::List(_) => "list",
            Node::Tuple(..) => "tuple",
            Node::Dict(_) => "dict",
            Node::Set(_) => "set",
            Node::FrozenSet(_) => "frozenset",
            Node::Global(_) => "type",
            Node::Object(_) | Node::PersistentId(_) => "object",
            Node::Buffer(_) => "memoryview",
        }
    }

    /// Whether Python could hash it (as a dict key or set item). Objects built
    /// by calls are taken to be hashable, as instances are by default.
    pub(crate) fn is_hashable(&self) -> bool {
        match self {
            Node::List(_) | Node::Dict(_) | Node::Set(_) | Node::ByteArray(_) => false,
            Node::Tuple(_, Hashable(h)) => *h,
            _ => true,
        }
    }
}

#[derive(Default)]
pub(crate) struct Arena {
    pub(crate) nodes: Vec<Node>,
    /// The byte offset of the opcode that created each node.
    pub(crate) offsets: Vec<u64>,
    /// How many containers or objects refer to each node (saturating).
    pub(crate) refs: Vec<u8>,
    /// Bytes of decoded text.
    pub(crate) heap: Vec<u8>,
    pub(crate) globals: Vec<Global>,
    global_index: HashMap<Global, u32>,
}

impl Arena {
    #[inline]
    pub(crate) fn push(&mut self, node: Node, offset: u64) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        self.offsets.push(offset);
        self.refs.push(0);
        id
    }

    #[inline]
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    #[inline]
    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id as usize]
    }

    #[inline]
    pub(crate) fn offset(&self, id: NodeId) -> u64 {
        self.offsets[id as usize]
    }

    /// Records one more reference from a container or object to `id`.
    #[inline]
    pub(crate) fn link(&mut self, id: NodeId) {
        let r = &mut self.refs[id as usize];
        *r = r.saturating_add(1);
    }

    /// The bytes of a text, given the input it may point into.
    #[inline]
    pub(crate) fn text<'a>(&'a self, input: &'a [u8], text: Text) -> &'a [u8] {
        match text {
            Text::Input(span) => span.of(input),
            Text::Heap(span) => span.of(&self.heap),
        }
    }

    /// The bytes of a `bytearray` node, given the input they may point into.
    #[inline]
    pub(crate) fn byte_array<'a>(&'a self, input: &'a [u8], data: &'a ByteArrayData) -> &'a [u8] {
        match data {
            ByteArrayData::Text(text) => self.text(input, *text),
            ByteArrayData::Owned(bytes) => bytes,
        }
    }

    /// The bytes of the `bytearray` node `id`, copied into the node first if
    /// they are still where the pickle had them, to be changed; `None` if
    /// `id` is no `bytearray`.
    pub(crate) fn own_byte_array(&mut self, input: &[u8], id: NodeId) -> Option<&mut Vec<u8>> {
        let Node::ByteArray(data) = &mut self.nodes[id as usize] else {
            return None;
        };
        if let ByteArrayData::Text(text) = *data {
            let bytes = match text {
                Text::Input(span) => span.of(input),
                Text::Heap(span) => span.of(&self.heap),
            };
            *data = ByteArrayData::Owned(bytes.to_vec());
        }
        match data {
            ByteArrayData::Owned(bytes) => Some(bytes),
            ByteArrayData::Text(_) => None,
        }
    }

    /// Stores decoded bytes in the heap.
    pub(crate) fn heap_text(&mut self, bytes: &[u8]) -> Text {
        let span = Span {
            start: self.heap.len(),
            len: bytes.len(),
        };
        self.heap.extend_from_slice(bytes);
        Text::Heap(span)
    }

    /// The index of `global` in [`Arena::globals`], adding it if new.
    pub(crate) fn add_global(&mut self, global: Global) -> u32 {
        if let Some(&i) = self.global_index.get(&global) {
            return i;
        }
        let i = self.globals.len() as u32;
        self.globals.push(global.clone());
        self.global_index.insert(global, i);
        i
    }
}
