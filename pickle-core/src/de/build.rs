//! From the reader's nodes to a [`Value`], and back for values handed in by
//! a persistent-id loader.
//!
//! A node referenced by more than one container becomes a [`Value::Shared`]
//! built once; a reference back to a node still being built (a cycle)
//! becomes a [`Value::Recursive`]. Atoms (None, bools, numbers) are copied,
//! since Python does not memoize them either.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, Weak};

use super::arena::{Arena, ByteArrayData, CallNode, Node, NodeId, ObjectNode, OpNode};
use super::options::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::hash::FxHasher;
use crate::value::{BigInt, Call, Global, Object, Op, PyStr, Value};

enum State {
    Building(Weak<Value>),
    Built(Arc<Value>),
}

struct Builder<'a> {
    arena: &'a Arena,
    input: &'a [u8],
    root: NodeId,
    max_depth: usize,
    /// Keyed by arena index, which the reader assigns in order (the input
    /// does not choose it), so a fast hash is safe.
    shared: HashMap<NodeId, State, BuildHasherDefault<FxHasher>>,
}

/// Converts the subtree at `root` into a `Value`.
pub(crate) fn to_value(
    arena: &Arena,
    input: &[u8],
    root: NodeId,
    limits: &Limits,
) -> Result<Value> {
    let mut builder = Builder {
        arena,
        input,
        root,
        max_depth: limits.max_depth,
        shared: HashMap::default(),
    };
    builder.value(root, 0)
}

pub(crate) fn depth_error(depth: usize, offset: u64) -> Error {
    Error::at(
        ErrorKind::DepthLimit,
        offset,
        format!("value nests deeper than the depth limit of {depth}"),
    )
}

/// The children of a container node, in the order its value lists them.
enum Kids<'a> {
    Items(&'a [NodeId]),
    Entries(&'a [(NodeId, NodeId)]),
    Object(Vec<NodeId>),
}

impl Kids<'_> {
    fn len(&self) -> usize {
        match self {
            Kids::Items(items) => items.len(),
            Kids::Entries(entries) => entries.len() * 2,
            Kids::Object(ids) => ids.len(),
        }
    }

    fn get(&self, i: usize) -> NodeId {
        match self {
            Kids::Items(items) => items[i],
            Kids::Entries(entries) => {
                let (k, v) = entries[i / 2];
                if i % 2 == 0 {
                    k
                } else {
                    v
                }
            }
            Kids::Object(ids) => ids[i],
        }
    }
}

/// A container being built: its node, its depth, the values of the children so far.
struct Frame<'a> {
    id: NodeId,
    depth: usize,
    kids: Kids<'a>,
    built: Vec<Value>,
}

impl<'a> Builder<'a> {
    fn is_shared(&self, id: NodeId) -> bool {
        let refs = self.arena.refs[id as usize];
        !is_atom(self.arena.node(id)) && (refs >= 2 || (id == self.root && refs >= 1))
    }

    /// The value of node `id` at `depth`.
    ///
    /// Plain containers are built by a loop over an explicit stack, so that
    /// nesting costs heap, not call stack; only a shared node recurses, since
    /// `Arc::new_cyclic` must build it inside a closure so that references
    /// back to it (cycles) can hold a weak pointer to it.
    fn value(&mut self, id: NodeId, depth: usize) -> Result<Value> {
        if !self.is_shared(id) {
            return self.tree(id, depth);
        }
        match self.shared.get(&id) {
            Some(State::Built(arc)) => return Ok(Value::Shared(arc.clone())),
            Some(State::Building(weak)) => return Ok(Value::Recursive(weak.clone())),
            None => {}
        }
        let mut result = Ok(());
        let arc = Arc::new_cyclic(|weak| {
            self.shared.insert(id, State::Building(weak.clone()));
            self.tree(id, depth).unwrap_or_else(|e| {
                result = Err(e);
                Value::None
            })
        });
        result?;
        self.shared.insert(id, State::Built(arc.clone()));
        Ok(Value::Shared(arc))
    }

    /// Builds node `id` and its unshared descendants with an explicit stack.
    fn tree(&mut self, id: NodeId, depth: usize) -> Result<Value> {
        let mut stack = match self.leaf_or_frame(id, depth)? {
            Ok(value) => return Ok(value),
            Err(frame) => vec![frame],
        };
        loop {
            let Some(top) = stack.last_mut() else {
                return Ok(Value::None);
            };
            if top.built.len() < top.kids.len() {
                let child = top.kids.get(top.built.len());
                let child_depth = top.depth + 1;
                if self.is_shared(child) {
                    let value = self.value(child, child_depth)?;
                    if let Some(top) = stack.last_mut() {
                        top.built.push(value);
                    }
                    continue;
                }
                match self.leaf_or_frame(child, child_depth)? {
                    Ok(value) => {
                        if let Some(top) = stack.last_mut() {
                            top.built.push(value);
                        }
                    }
                    Err(frame) => stack.push(frame),
                }
                continue;
            }
            let frame = stack
                .pop()
                .unwrap_or_else(|| unreachable!("the loop checked the top"));
            let value = self.assemble(frame);
            match stack.last_mut() {
                Some(parent) => parent.built.push(value),
                None => return Ok(value),
            }
        }
    }

    /// A node's value if it has no children; else a frame to build it in.
    fn leaf_or_frame(
        &self,
        id: NodeId,
        depth: usize,
    ) -> Result<std::result::Result<Value, Frame<'a>>> {
        let arena: &'a Arena = self.arena;
        let input = self.input;
        let kids = match arena.node(id) {
            Node::None => return Ok(Ok(Value::None)),
            Node::Bool(b) => return Ok(Ok(Value::Bool(*b))),
            Node::Int(i) => return Ok(Ok(Value::Int(*i))),
            Node::BigInt(t) => {
                return Ok(Ok(Value::from(BigInt::from_signed_bytes_le(
                    arena.text(input, *t),
                ))))
            }
            Node::Float(f) => return Ok(Ok(Value::Float(*f))),
            Node::Str(t) => {
                return Ok(Ok(Value::Str(
                    PyStr::from_utf8_surrogatepass(arena.text(input, *t)).unwrap_or_default(),
                )))
            }
            Node::Bytes(t) => return Ok(Ok(Value::Bytes(arena.text(input, *t).to_vec()))),
            Node::ByteArray(b) => {
                return Ok(Ok(Value::ByteArray(arena.byte_array(input, b).to_vec())))
            }
            Node::Global(g) => return Ok(Ok(Value::Global(arena.globals[*g as usize].clone()))),
            Node::Buffer(b) => return Ok(Ok(Value::Buffer((**b).clone()))),
            Node::List(items) | Node::Set(items) | Node::FrozenSet(items) => Kids::Items(items),
            Node::Tuple(items, _) => Kids::Items(items),
            Node::Dict(entries) => Kids::Entries(entries),
            Node::PersistentId(pid) => Kids::Object(vec![*pid]),
            Node::Object(obj) => Kids::Object(object_kids(obj)),
        };
        if depth >= self.max_depth {
            return Err(depth_error(self.max_depth, arena.offset(id)));
        }
        let built = Vec::with_capacity(kids.len());
        Ok(Err(Frame {
            id,
            depth,
            kids,
            built,
        }))
    }

    /// The value of a container, from the values of its children.
    fn assemble(&self, frame: Frame<'_>) -> Value {
        // A sequence's children are its items, in order: the vector of
        // built children becomes the value's.
        match self.arena.node(frame.id) {
            Node::List(_) => return Value::List(frame.built),
            Node::Tuple(..) => return Value::Tuple(frame.built),
            Node::Set(_) => return Value::Set(frame.built),
            Node::FrozenSet(_) => return Value::FrozenSet(frame.built),
            _ => {}
        }
        let mut kids = frame.built.into_iter();
        let mut next = || kids.next().unwrap_or(Value::None);
        match self.arena.node(frame.id) {
            Node::Dict(entries) => {
                Value::Dict((0..entries.len()).map(|_| (next(), next())).collect())
            }
            Node::PersistentId(_) => Value::PersistentId(Box::new(next())),
            Node::Object(obj) => Value::Object(Box::new(self.object(obj, &mut next))),
            _ => Value::None,
        }
    }

    fn object(&self, obj: &ObjectNode, next: &mut impl FnMut() -> Value) -> Object {
        let call = match &obj.call {
            CallNode::Reduce(..) => Call::Reduce {
                callable: next(),
                args: next(),
            },
            CallNode::NewObj(..) => Call::NewObj {
                cls: next(),
                args: next(),
            },
            CallNode::NewObjEx(..) => Call::NewObjEx {
                cls: next(),
                args: next(),
                kwargs: next(),
            },
            CallNode::Inst(g, args) => {
                let Global { module, name } = self.arena.globals[*g as usize].clone();
                Call::Inst {
                    module,
                    name,
                    args: (0..args.len()).map(|_| next()).collect(),
                }
            }
            CallNode::Obj(_, args) => Call::Obj {
                cls: next(),
                args: (0..args.len()).map(|_| next()).collect(),
            },
        };
        let ops = obj
            .ops
            .iter()
            .map(|op| match op {
                OpNode::Build(_) => Op::Build(next()),
                OpNode::Append(_) => Op::Append(next()),
                OpNode::SetItem(..) => Op::SetItem(next(), next()),
                OpNode::Add(_) => Op::Add(next()),
            })
            .collect();
        Object { call, ops }
    }
}

fn is_atom(node: &Node) -> bool {
    matches!(
        node,
        Node::None | Node::Bool(_) | Node::Int(_) | Node::Float(_)
    )
}

/// The child nodes of an object, in the order [`Builder::object`] takes them.
fn object_kids(obj: &ObjectNode) -> Vec<NodeId> {
    let mut ids = Vec::new();
    match &obj.call {
        CallNode::Reduce(c, a) | CallNode::NewObj(c, a) => ids.extend([*c, *a]),
        CallNode::NewObjEx(c, a, k) => ids.extend([*c, *a, *k]),
        CallNode::Inst(_, args) => ids.extend_from_slice(args),
        CallNode::Obj(c, args) => {
            ids.push(*c);
            ids.extend_from_slice(args);
        }
    }
    for op in &obj.ops {
        match *op {
            OpNode::Build(v) | OpNode::Append(v) | OpNode::Add(v) => ids.push(v),
            OpNode::SetItem(k, v) => ids.extend([k, v]),
        }
    }
    ids
}

/// Adds a `Value` (from a persistent-id loader) to the arena; returns its
/// node and roughly how many bytes it took. Shared nodes stay shared.
pub(crate) fn import_value(
    arena: &mut Arena,
    value: &Value,
    offset: u64,
    budget: usize,
) -> Result<(NodeId, usize)> {
    let mut importer = Importer {
        arena,
        offset,
        budget,
        cost: 0,
        seen: HashMap::new(),
    };
    let id = importer.import(value, 0)?;
    Ok((id, importer.cost))
}

struct Importer<'a> {
    arena: &'a mut Arena,
    offset: u64,
    budget: usize,
    cost: usize,
    seen: HashMap<usize, NodeId>,
}

impl Importer<'_> {
    fn add(&mut self, node: Node, bytes: usize) -> Result<NodeId> {
        self.cost += std::mem::size_of::<Node>() + bytes;
        if self.cost > self.budget {
            return Err(Error::new(
                ErrorKind::AllocLimit,
                "a persistent object exceeds the allocation limit",
            ));
        }
        Ok(self.arena.push(node, self.offset))
    }

    fn all(&mut self, items: &[Value], depth: usize) -> Result<Vec<NodeId>> {
        items.iter().map(|v| self.import(v, depth + 1)).collect()
    }

    fn import(&mut self, value: &Value, depth: usize) -> Result<NodeId> {
        if depth > 1000 {
            return Err(depth_error(1000, self.offset));
        }
        let node = match value {
            Value::Shared(inner) => {
                let addr = Arc::as_ptr(inner) as usize;
                if let Some(&id) = self.seen.get(&addr) {
                    self.arena.link(id);
                    return Ok(id);
                }
                let id = self.import(inner, depth)?;
                self.seen.insert(addr, id);
                return Ok(id);
            }
            Value::Recursive(weak) => {
                return self
                    .seen
                    .get(&(weak.as_ptr() as usize))
                    .copied()
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::PersistentId,
                            "a persistent object holds a cycle through a plain value",
                        )
                    });
            }
            Value::None => Node::None,
            Value::Bool(b) => Node::Bool(*b),
            Value::Int(i) => Node::Int(*i),
            Value::BigInt(b) => Node::BigInt(self.arena.heap_text(b.to_signed_bytes_le())),
            Value::Float(f) => Node::Float(*f),
            Value::Str(s) => Node::Str(self.arena.heap_text(s.as_bytes())),
            Value::Bytes(b) => Node::Bytes(self.arena.heap_text(b)),
            Value::ByteArray(b) => Node::ByteArray(ByteArrayData::Owned(b.clone())),
            Value::List(items) => Node::List(self.all(items, depth)?),
            Value::Tuple(items) => {
                let ids = self.all(items, depth)?;
                let hashable = ids.iter().all(|&i| self.arena.node(i).is_hashable());
                Node::Tuple(ids.into_boxed_slice(), super::arena::Hashable(hashable))
            }
            Value::Set(items) => Node::Set(self.all(items, depth)?),
            Value::FrozenSet(items) => Node::FrozenSet(self.all(items, depth)?),
            Value::Dict(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    out.push((self.import(k, depth + 1)?, self.import(v, depth + 1)?));
                }
                Node::Dict(out)
            }
            Value::Global(g) => Node::Global(self.arena.add_global(g.clone())),
            Value::Buffer(b) => Node::Buffer(Box::new(b.clone())),
            Value::PersistentId(pid) => Node::PersistentId(self.import(pid, depth + 1)?),
            Value::Object(obj) => {
                let d = depth + 1;
                let call = match &obj.call {
                    Call::Reduce { callable, args } => {
                        CallNode::Reduce(self.import(callable, d)?, self.import(args, d)?)
                    }
                    Call::NewObj { cls, args } => {
                        CallNode::NewObj(self.import(cls, d)?, self.import(args, d)?)
                    }
                    Call::NewObjEx { cls, args, kwargs } => CallNode::NewObjEx(
                        self.import(cls, d)?,
                        self.import(args, d)?,
                        self.import(kwargs, d)?,
                    ),
                    Call::Inst { module, name, args } => {
                        let g = self.arena.add_global(Global {
                            module: module.clone(),
                            name: name.clone(),
                        });
                        CallNode::Inst(g, self.all(args, depth)?.into_boxed_slice())
                    }
                    Call::Obj { cls, args } => CallNode::Obj(
                        self.import(cls, d)?,
                        self.all(args, depth)?.into_boxed_slice(),
                    ),
                };
                let mut ops = Vec::with_capacity(obj.ops.len());
                for op in &obj.ops {
                    ops.push(match op {
                        Op::Build(s) => OpNode::Build(self.import(s, d)?),
                        Op::Append(v) => OpNode::Append(self.import(v, d)?),
                        Op::SetItem(k, v) => {
                            OpNode::SetItem(self.import(k, d)?, self.import(v, d)?)
                        }
                        Op::Add(v) => OpNode::Add(self.import(v, d)?),
                    });
                }
                Node::Object(Box::new(ObjectNode { call, ops }))
            }
        };
        let bytes = match &node {
            Node::ByteArray(ByteArrayData::Owned(b)) => b.len(),
            _ => 0,
        };
        let id = self.add(node, bytes)?;
        self.arena.link(id);
        Ok(id)
    }
}
