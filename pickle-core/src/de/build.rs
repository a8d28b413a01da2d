//! From the reader's nodes to a [`Value`], and back for values handed in by
//! a persistent-id loader.
//!
//! A node referenced by more than one container becomes a [`Value::Shared`]
//! built once; a reference back to a node still being built (a cycle)
//! becomes a [`Value::Recursive`]. Atoms (None, bools, numbers) are copied,
//! since Python does not memoize them either.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use super::arena::{Arena, CallNode, Node, NodeId, ObjectNode, OpNode};
use super::options::Limits;
use crate::error::{Error, ErrorKind, Result};
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
    shared: HashMap<NodeId, State>,
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
        shared: HashMap::new(),
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

impl Builder<'_> {
    fn is_shared(&self, id: NodeId) -> bool {
        let atom = matches!(
            self.arena.node(id),
            Node::None | Node::Bool(_) | Node::Int(_) | Node::Float(_)
        );
        let refs = self.arena.refs[id as usize];
        !atom && (refs >= 2 || (id == self.root && refs >= 1))
    }

    fn value(&mut self, id: NodeId, depth: usize) -> Result<Value> {
        if !self.is_shared(id) {
            return self.plain(id, depth);
        }
        match self.shared.get(&id) {
            Some(State::Built(arc)) => return Ok(Value::Shared(arc.clone())),
            Some(State::Building(weak)) => return Ok(Value::Recursive(weak.clone())),
            None => {}
        }
        let mut result = Ok(());
        let arc = Arc::new_cyclic(|weak| {
            self.shared.insert(id, State::Building(weak.clone()));
            self.plain(id, depth).unwrap_or_else(|e| {
                result = Err(e);
                Value::None
            })
        });
        result?;
        self.shared.insert(id, State::Built(arc.clone()));
        Ok(Value::Shared(arc))
    }

    fn values(&mut self, ids: &[NodeId], depth: usize) -> Result<Vec<Value>> {
        ids.iter().map(|&i| self.value(i, depth)).collect()
    }

    fn global(&self, index: u32) -> Global {
        self.arena.globals[index as usize].clone()
    }

    /// The value of one node, its children at `depth + 1`.
    fn plain(&mut self, id: NodeId, depth: usize) -> Result<Value> {
        let arena = self.arena;
        let input = self.input;
        let node = arena.node(id);
        let container = !matches!(
            node,
            Node::None
                | Node::Bool(_)
                | Node::Int(_)
                | Node::Float(_)
                | Node::BigInt(_)
                | Node::Str(_)
                | Node::Bytes(_)
                | Node::ByteArray(_)
                | Node::Global(_)
                | Node::Buffer(_)
        );
        if container && depth >= self.max_depth {
            return Err(depth_error(self.max_depth, arena.offset(id)));
        }
        let d = depth + 1;
        Ok(match node {
            Node::None => Value::None,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::Int(*i),
            Node::BigInt(t) => Value::from(BigInt::from_signed_bytes_le(arena.text(input, *t))),
            Node::Float(f) => Value::Float(*f),
            Node::Str(t) => Value::Str(
                PyStr::from_utf8_surrogatepass(arena.text(input, *t)).unwrap_or_default(),
            ),
            Node::Bytes(t) => Value::Bytes(arena.text(input, *t).to_vec()),
            Node::ByteArray(b) => Value::ByteArray(b.clone()),
            Node::List(items) => Value::List(self.values(items, d)?),
            Node::Tuple(items, _) => Value::Tuple(self.values(items, d)?),
            Node::Set(items) => Value::Set(self.values(items, d)?),
            Node::FrozenSet(items) => Value::FrozenSet(self.values(items, d)?),
            Node::Dict(entries) => Value::Dict(
                entries
                    .iter()
                    .map(|&(k, v)| Ok((self.value(k, d)?, self.value(v, d)?)))
                    .collect::<Result<_>>()?,
            ),
            Node::Global(g) => Value::Global(self.global(*g)),
            Node::Object(obj) => Value::Object(Box::new(self.object(obj, d)?)),
            Node::Buffer(b) => Value::Buffer((**b).clone()),
            Node::PersistentId(pid) => Value::PersistentId(Box::new(self.value(*pid, d)?)),
        })
    }

    fn object(&mut self, obj: &ObjectNode, d: usize) -> Result<Object> {
        let call = match &obj.call {
            CallNode::Reduce(c, a) => Call::Reduce {
                callable: self.value(*c, d)?,
                args: self.value(*a, d)?,
            },
            CallNode::NewObj(c, a) => Call::NewObj {
                cls: self.value(*c, d)?,
                args: self.value(*a, d)?,
            },
            CallNode::NewObjEx(c, a, k) => Call::NewObjEx {
                cls: self.value(*c, d)?,
                args: self.value(*a, d)?,
                kwargs: self.value(*k, d)?,
            },
            CallNode::Inst(g, args) => {
                let Global { module, name } = self.global(*g);
                Call::Inst {
                    module,
                    name,
                    args: self.values(args, d)?,
                }
            }
            CallNode::Obj(c, args) => Call::Obj {
                cls: self.value(*c, d)?,
                args: self.values(args, d)?,
            },
        };
        let ops = obj
            .ops
            .iter()
            .map(|op| {
                Ok(match *op {
                    OpNode::Build(s) => Op::Build(self.value(s, d)?),
                    OpNode::Append(v) => Op::Append(self.value(v, d)?),
                    OpNode::SetItem(k, v) => Op::SetItem(self.value(k, d)?, self.value(v, d)?),
                    OpNode::Add(v) => Op::Add(self.value(v, d)?),
                })
            })
            .collect::<Result<_>>()?;
        Ok(Object { call, ops })
    }
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
            Value::ByteArray(b) => Node::ByteArray(b.clone()),
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
            Node::ByteArray(b) => b.len(),
            _ => 0,
        };
        let id = self.add(node, bytes)?;
        self.arena.link(id);
        Ok(id)
    }
}
