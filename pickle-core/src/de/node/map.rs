//! Dicts, and dict-like objects built by calls, read as maps
//! ([`Decoder::map`](super::Decoder::map), on the general reader's objects).
//!
//! CPython writes a dict-like object as a call, then sets its entries with
//! `SETITEMS`, and some calls carry entries of their own: Python 2 writes
//! `OrderedDict([[k, v], ...])`, every version `Counter({...})`, protocols 0
//! and 1 `copyreg._reconstructor(cls, dict, {...})` for a dict subclass. A
//! map holds the entries of both, in that order. A call whose arguments are
//! not entries (or a state that is more than entries) is an error: dropping
//! it would lose data.

use super::decoder::NodeDecoder;
use crate::de::arena::{CallNode, Node, NodeId, ObjectNode, OpNode};
use crate::error::{ErrorKind, Result};

/// Entries passed to the call that built a dict-like object.
enum ArgEntries<'a> {
    /// A dict: `Counter({...})`, `_reconstructor(cls, dict, {...})`, ...
    Dict(std::slice::Iter<'a, (NodeId, NodeId)>),
    /// An iterable of `(key, value)` pairs (tuples, or lists in Python 2):
    /// `OrderedDict([...])`.
    Pairs(std::slice::Iter<'a, NodeId>),
}

enum MapEntries<'a> {
    Dict(std::slice::Iter<'a, (NodeId, NodeId)>),
    /// The call's entries, then those of its `SETITEM`s.
    Object(ArgEntries<'a>, std::slice::Iter<'a, OpNode>),
}

/// The entries of a dict of the general reader's result.
pub(crate) struct NodeMap<'a> {
    parent: NodeDecoder<'a>,
    entries: MapEntries<'a>,
}

impl<'a> NodeDecoder<'a> {
    /// The entries of a `dict`, or of a dict-like object built by a call
    /// (such as `collections.OrderedDict`, `Counter`, `defaultdict` or a
    /// dict subclass): those the call was given and those set after it.
    pub(crate) fn map(&self) -> Result<NodeMap<'a>> {
        let entries = match self.node() {
            Node::Dict(entries) => MapEntries::Dict(entries.iter()),
            Node::Object(obj) => {
                self.check_map_ops(obj)?;
                MapEntries::Object(self.arg_entries(obj)?, obj.ops.iter())
            }
            _ => return Err(self.type_error("a dict")),
        };
        Ok(NodeMap {
            parent: *self,
            entries,
        })
    }

    /// The entries that the call which built `obj` was given, for the
    /// calls CPython writes: no arguments at all (`OrderedDict()`,
    /// `cls.__new__(cls)`), the default factory of a `defaultdict`, or an
    /// argument that holds entries.
    fn arg_entries(&self, obj: &'a ObjectNode) -> Result<ArgEntries<'a>> {
        let arena = self.ctx().arena;
        let none = || ArgEntries::Dict([].iter());
        let tuple = |id: NodeId| match arena.node(id) {
            Node::Tuple(items, _) => &items[..],
            _ => &[],
        };
        let empty_kwargs = |id: NodeId| matches!(arena.node(id), Node::Dict(e) if e.is_empty());
        let (callable, args): (Option<NodeId>, &[NodeId]) = match &obj.call {
            CallNode::NewObj(_, args) => (None, tuple(*args)),
            CallNode::NewObjEx(_, args, kwargs) if empty_kwargs(*kwargs) => (None, tuple(*args)),
            CallNode::Inst(_, args) | CallNode::Obj(_, args) => (None, &args[..]),
            CallNode::Reduce(callable, args) => (Some(*callable), tuple(*args)),
            CallNode::NewObjEx(..) => return Err(self.not_entries()),
        };
        if args.is_empty() {
            return Ok(none());
        }
        let Some(callable) = callable.and_then(|c| self.name_of(c)) else {
            return Err(self.not_entries());
        };
        let is = |module, name| callable.is(module, name);
        let node = |id: NodeId| arena.node(id);
        match args {
            // `defaultdict(default_factory)`: a behaviour, not data.
            [_] if is("collections", "defaultdict") => Ok(none()),
            [arg] if is("collections", "OrderedDict") || is("collections", "Counter") => {
                match node(*arg) {
                    Node::Dict(entries) => Ok(ArgEntries::Dict(entries.iter())),
                    // `Counter(iterable)` would count the items: not entries.
                    Node::List(pairs) if is("collections", "OrderedDict") => {
                        Ok(ArgEntries::Pairs(pairs.iter()))
                    }
                    Node::Tuple(pairs, _) if is("collections", "OrderedDict") => {
                        Ok(ArgEntries::Pairs(pairs.iter()))
                    }
                    _ => Err(self.not_entries()),
                }
            }
            // A dict subclass below protocol 2: `_reconstructor(cls, dict, state)`.
            [_, base, state] if is("copyreg", "_reconstructor") => {
                let dict_base = self
                    .name_of(*base)
                    .is_some_and(|b| b.is("builtins", "dict"));
                match node(*state) {
                    Node::Dict(entries) if dict_base => Ok(ArgEntries::Dict(entries.iter())),
                    Node::None if dict_base => Ok(none()),
                    _ => Err(self.not_entries()),
                }
            }
            _ => Err(self.not_entries()),
        }
    }

    /// Entries set after the call are read; a state other than an empty
    /// one (attributes of a dict subclass) or appended items are not entries.
    fn check_map_ops(&self, obj: &ObjectNode) -> Result<()> {
        let arena = self.ctx().arena;
        for op in &obj.ops {
            match *op {
                OpNode::SetItem(..) => {}
                OpNode::Build(state) => match arena.node(state) {
                    Node::None => {}
                    Node::Dict(entries) if entries.is_empty() => {}
                    _ => {
                        let class = self.class().map_or("object".into(), |g| format!("`{g}`"));
                        return Err(self.child(state)?.error(
                            ErrorKind::Type,
                            format!(
                                "expected a dict, found a {class} with attributes besides its entries"
                            ),
                        ));
                    }
                },
                OpNode::Append(_) | OpNode::Add(_) => return Err(self.shape_error("a dict")),
            }
        }
        Ok(())
    }

    /// The error for a dict-like object built from arguments that are not its entries.
    fn not_entries(&self) -> crate::error::Error {
        let class = self.class().map_or("object".into(), |g| format!("`{g}`"));
        self.error(
            ErrorKind::Type,
            format!("expected a dict, found a {class} built from arguments that are no entries"),
        )
    }
}

impl<'a> NodeMap<'a> {
    /// How many entries are left (an upper bound for dict-like objects).
    pub(crate) fn len(&self) -> usize {
        match &self.entries {
            MapEntries::Dict(it) => it.len(),
            MapEntries::Object(ArgEntries::Dict(args), ops) => args.len() + ops.len(),
            MapEntries::Object(ArgEntries::Pairs(args), ops) => args.len() + ops.len(),
        }
    }

    /// The next key and value, or `None`.
    pub(crate) fn next_entry(&mut self) -> Result<Option<(NodeDecoder<'a>, NodeDecoder<'a>)>> {
        let pair = match &mut self.entries {
            MapEntries::Dict(it) | MapEntries::Object(ArgEntries::Dict(it), _) if it.len() > 0 => {
                it.next().copied()
            }
            MapEntries::Object(ArgEntries::Pairs(it), _) if it.len() > 0 => match it.next() {
                Some(&pair) => Some(self.pair(pair)?),
                None => None,
            },
            MapEntries::Dict(_) => None,
            MapEntries::Object(_, ops) => ops.find_map(|op| match op {
                OpNode::SetItem(k, v) => Some((*k, *v)),
                _ => None,
            }),
        };
        match pair {
            Some((k, v)) => Ok(Some((self.parent.child(k)?, self.parent.child(v)?))),
            None => Ok(None),
        }
    }

    /// The key and value of an item of `OrderedDict(pairs)`.
    fn pair(&self, id: NodeId) -> Result<(NodeId, NodeId)> {
        match self.parent.ctx().arena.node(id) {
            Node::Tuple(kv, _) if kv.len() == 2 => Ok((kv[0], kv[1])),
            Node::List(kv) if kv.len() == 2 => Ok((kv[0], kv[1])),
            _ => Err(self.parent.child(id)?.type_error("a (key, value) pair")),
        }
    }
}
