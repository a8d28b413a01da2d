//! Calls of well-known constructors of plain data, folded into plain values.
//!
//! Older protocols have no opcode for some built-in types, so CPython writes
//! them as calls: `builtins.set([...])` and `builtins.frozenset([...])` below
//! protocol 4, `builtins.bytearray(b'...')` below protocol 5,
//! `_codecs.encode('...', 'latin1')` and `builtins.bytes()` for `bytes` below
//! protocol 3. Reading them as the values they make keeps `Value` simple, and
//! writing the value back at the same protocol gives the same call again.
//! Only calls whose arguments make sense are folded; anything else stays a
//! record of the call, inert like every other.

use super::arena::{Arena, ByteArrayData, Node, NodeId, Text};
use super::source::Span;
use crate::value::{Global, PyStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Constructor {
    Set,
    FrozenSet,
    ByteArray,
    Bytes,
    CodecsEncode,
}

impl Constructor {
    pub(crate) fn of(g: &Global) -> Option<Constructor> {
        let module = g.module.as_str()?;
        let name = g.name.as_str()?;
        Some(match (module, name) {
            ("builtins", "set") => Constructor::Set,
            ("builtins", "frozenset") => Constructor::FrozenSet,
            ("builtins", "bytearray") => Constructor::ByteArray,
            ("builtins", "bytes") => Constructor::Bytes,
            ("_codecs", "encode") => Constructor::CodecsEncode,
            _ => return None,
        })
    }
}

/// Spellings of Latin-1 that Python's codec registry accepts and pickles use.
fn is_latin1(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().replace(['-', ' '], "_").as_str(),
        "latin1" | "latin_1" | "iso_8859_1" | "iso8859_1" | "l1" | "latin" | "cp819" | "8859"
    )
}

fn str_of(arena: &Arena, input: &[u8], id: NodeId) -> Option<PyStr> {
    match arena.node(id) {
        Node::Str(t) => PyStr::from_utf8_surrogatepass(arena.text(input, *t)).ok(),
        _ => None,
    }
}

/// `text.encode('latin-1')`, if every code point fits a byte.
fn latin1_bytes(text: &PyStr) -> Option<Vec<u8>> {
    text.code_points().map(|c| u8::try_from(c).ok()).collect()
}

/// The plain value a constructor call makes, or `None` to keep the call.
pub(crate) fn fold(
    arena: &mut Arena,
    input: &[u8],
    kind: Constructor,
    args: &[NodeId],
) -> Option<Node> {
    let empty = || Text::Input(Span { start: 0, len: 0 });
    match (kind, args) {
        (Constructor::Set, []) => Some(Node::Set(Vec::new())),
        (Constructor::FrozenSet, []) => Some(Node::FrozenSet(Vec::new())),
        (Constructor::Set | Constructor::FrozenSet, [items]) => {
            let items = match arena.node(*items) {
                Node::List(v) | Node::Set(v) | Node::FrozenSet(v) => v.clone(),
                Node::Tuple(v, _) => v.to_vec(),
                _ => return None,
            };
            if !items.iter().all(|&i| arena.node(i).is_hashable()) {
                return None;
            }
            Some(if kind == Constructor::Set {
                Node::Set(items)
            } else {
                Node::FrozenSet(items)
            })
        }
        (Constructor::ByteArray, []) => Some(Node::ByteArray(ByteArrayData::Owned(Vec::new()))),
        (Constructor::ByteArray, [data]) => match arena.node(*data) {
            // A new bytearray of the same bytes: shared until changed.
            Node::Bytes(t) => Some(Node::ByteArray(ByteArrayData::Text(*t))),
            Node::ByteArray(b) => Some(Node::ByteArray(b.clone())),
            _ => None,
        },
        (Constructor::ByteArray, [text, encoding]) => {
            // Python 2 and early Python 3: `bytearray(u'...', 'latin-1')`.
            if !is_latin1(str_of(arena, input, *encoding)?.as_str()?) {
                return None;
            }
            latin1_bytes(&str_of(arena, input, *text)?)
                .map(|bytes| Node::ByteArray(ByteArrayData::Owned(bytes)))
        }
        (Constructor::Bytes, []) => Some(Node::Bytes(empty())),
        (Constructor::CodecsEncode, [text, encoding]) => {
            if !is_latin1(str_of(arena, input, *encoding)?.as_str()?) {
                return None;
            }
            let bytes = latin1_bytes(&str_of(arena, input, *text)?)?;
            Some(Node::Bytes(arena.heap_text(&bytes)))
        }
        _ => None,
    }
}

/// How many bytes a folded node holds, for the allocation limit.
pub(crate) fn bytes_held(node: &Node) -> usize {
    match node {
        Node::ByteArray(ByteArrayData::Owned(b)) => b.len(),
        Node::Bytes(Text::Heap(span)) => span.len,
        _ => 0,
    }
}
