//! The general reader's builder: every object as a node of the arena, with
//! CPython's semantics and error messages for what its opcodes do to them
//! (`SETITEM` on a list sets an index, `APPEND` to a bytearray appends a
//! byte, `BUILD` on a plain value must set nothing, calls of well-known
//! constructors are folded into plain values).

use super::fold::{bytes_held, fold, Constructor};
use super::memo::Memo;
use super::{Arena, ByteArrayData, CallNode, Hashable, Node, NodeId, ObjectNode, OpNode};
use crate::de::machine::build::{Atom, Budget, Build, Call, Seq, Text};
use crate::de::machine::LINK_COST;
use crate::de::options::{Limits, PersistentLoad};
use crate::de::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{Buffer, Global};

/// What one node costs against the allocation limit, roughly.
pub(crate) const NODE_COST: usize = std::mem::size_of::<Node>() + 9;

pub(crate) struct ArenaBuilder {
    pub(crate) arena: Arena,
    stack: Vec<NodeId>,
    /// The most items the stack has held (each charged once).
    stack_high: usize,
    memo: Memo,
    budget: Budget,
    limits: Limits,
}

fn bad_op(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

impl ArenaBuilder {
    pub(crate) fn new(limits: Limits) -> ArenaBuilder {
        ArenaBuilder {
            arena: Arena::default(),
            stack: Vec::with_capacity(64),
            stack_high: 0,
            memo: Memo::default(),
            budget: Budget::new(limits.max_alloc),
            limits,
        }
    }

    /// Pushes `id` on the stack.
    fn push(&mut self, id: NodeId, at: u64) -> Result<()> {
        self.stack.push(id);
        if self.stack.len() > self.stack_high {
            self.stack_high = self.stack.len();
            self.budget.charge(LINK_COST, at)?;
        }
        Ok(())
    }

    /// Pushes a new node.
    fn push_node(&mut self, node: Node, at: u64) -> Result<()> {
        let id = self.node(node, at)?;
        self.push(id, at)
    }

    fn top(&self) -> NodeId {
        self.stack.last().copied().unwrap_or_default()
    }

    fn node(&mut self, node: Node, at: u64) -> Result<NodeId> {
        if self.arena.nodes.len() >= NodeId::MAX as usize - 1 {
            return Err(Error::at(
                ErrorKind::AllocLimit,
                at,
                "too many objects in one pickle",
            ));
        }
        self.budget.charge(NODE_COST, at)?;
        Ok(self.arena.push(node, at))
    }

    fn link(&mut self, ids: &[NodeId]) {
        for &id in ids {
            self.arena.link(id);
        }
    }

    fn text(&mut self, text: &Text<'_>) -> super::Text {
        match text {
            Text::Input(span, _) => super::Text::Input(*span),
            Text::Decoded(bytes) => self.arena.heap_text(bytes),
        }
    }

    /// The items as byte values, as `bytearray.extend` takes them.
    fn byte_values(&self, items: &[NodeId]) -> Result<Vec<u8>> {
        items
            .iter()
            .map(|&i| match self.arena.node(i) {
                Node::Int(v) if (0..=255).contains(v) => Ok(*v as u8),
                Node::Bool(b) => Ok(*b as u8),
                Node::Int(_) | Node::BigInt(_) => Err(bad_op("byte must be in range(0, 256)")),
                other => Err(bad_op(format!(
                    "`{}` object cannot be interpreted as an integer",
                    other.type_name()
                ))),
            })
            .collect()
    }

    /// `list[key]` or `bytearray[key]`: the index `key` names in `len` items.
    fn index(&self, key: NodeId, len: usize) -> Result<usize> {
        let i = match self.arena.node(key) {
            Node::Int(i) => *i,
            Node::Bool(b) => *b as i64,
            Node::BigInt(_) => return Err(bad_op("index out of range")),
            other => {
                return Err(bad_op(format!(
                    "indices must be integers or slices, not `{}`",
                    other.type_name()
                )))
            }
        };
        let i = if i < 0 { i + len as i64 } else { i };
        usize::try_from(i)
            .ok()
            .filter(|&i| i < len)
            .ok_or_else(|| bad_op("assignment index out of range"))
    }

    fn setitem(
        &mut self,
        target: NodeId,
        key: NodeId,
        value: NodeId,
        input: &[u8],
        at: u64,
    ) -> Result<()> {
        let len = match self.arena.node(target) {
            Node::List(items) => items.len(),
            Node::ByteArray(data) => self.arena.byte_array(input, data).len(),
            _ => 0,
        };
        let byte = match self.arena.node(target) {
            Node::ByteArray(_) => match self.byte_values(&[value])?[..] {
                [byte] => byte,
                _ => return Err(bad_op("byte must be in range(0, 256)")),
            },
            _ => 0,
        };
        match self.arena.node_mut(target) {
            Node::Dict(entries) => entries.push((key, value)),
            Node::Object(obj) => obj.ops.push(OpNode::SetItem(key, value)),
            Node::List(_) | Node::ByteArray(_) => {
                let i = self.index(key, len)?;
                match self.arena.node_mut(target) {
                    Node::List(items) => items[i] = value,
                    _ => self.own_byte_array(target, input, at)?[i] = byte,
                }
            }
            other => {
                return Err(bad_op(format!(
                    "`{}` object does not support item assignment",
                    other.type_name()
                )))
            }
        }
        Ok(())
    }

    /// The bytes of the `bytearray` node `id`, to be changed: copied out of
    /// the input the first time (and charged for).
    fn own_byte_array(&mut self, id: NodeId, input: &[u8], at: u64) -> Result<&mut Vec<u8>> {
        if let Node::ByteArray(ByteArrayData::Text(text)) = self.arena.node(id) {
            self.budget.charge(text.len(), at)?;
        }
        self.arena
            .own_byte_array(input, id)
            .ok_or_else(|| bad_op("expected a `bytearray`"))
    }

    /// A call of a well-known constructor of plain data, folded into the
    /// value it makes (see `fold.rs`), or `None` to keep the call.
    fn fold_call(
        &mut self,
        callable: NodeId,
        args: NodeId,
        input: &[u8],
        at: u64,
    ) -> Result<Option<Node>> {
        let Node::Global(g) = self.arena.node(callable) else {
            return Ok(None);
        };
        let Some(kind) = Constructor::of(&self.arena.globals[*g as usize]) else {
            return Ok(None);
        };
        let Node::Tuple(items, _) = self.arena.node(args) else {
            return Ok(None);
        };
        let items = items.clone();
        let node = fold(&mut self.arena, input, kind, &items);
        if let Some(node) = &node {
            self.budget.charge(bytes_held(node), at)?;
            if let Node::Set(items) | Node::FrozenSet(items) = node {
                self.budget.charge(items.len() * LINK_COST, at)?;
                let items = items.clone();
                self.link(&items);
            }
        }
        Ok(node)
    }
}

impl Build for ArenaBuilder {
    type Output = NodeId;

    fn budget(&mut self) -> &mut Budget {
        &mut self.budget
    }

    fn len(&self) -> usize {
        self.stack.len()
    }

    fn kind(&self, i: usize) -> Kind {
        self.arena.node(self.stack[i]).kind()
    }

    fn hashable(&self, i: usize) -> bool {
        self.arena.node(self.stack[i]).is_hashable()
    }

    fn str_bytes<'s>(&'s self, i: usize, input: &'s [u8]) -> Option<&'s [u8]> {
        match self.arena.node(self.stack[i]) {
            Node::Str(t) => Some(self.arena.text(input, *t)),
            _ => None,
        }
    }

    fn atom(&mut self, atom: Atom<'_>, at: u64) -> Result<()> {
        let node = match atom {
            Atom::None => Node::None,
            Atom::Bool(b) => Node::Bool(b),
            Atom::Int(i) => Node::Int(i),
            Atom::BigInt(text) => Node::BigInt(self.text(&text)),
            Atom::Float(f) => Node::Float(f),
            Atom::Str(text) => Node::Str(self.text(&text)),
            Atom::Utf8(span, _) => Node::Str(super::Text::Input(span)),
            Atom::Bytes(text) => Node::Bytes(self.text(&text)),
            Atom::ByteArray(text) => Node::ByteArray(ByteArrayData::Text(self.text(&text))),
        };
        self.push_node(node, at)
    }

    fn global(&mut self, global: Global, at: u64) -> Result<()> {
        let index = self.arena.add_global(global);
        self.push_node(Node::Global(index), at)
    }

    fn buffer(&mut self, buffer: crate::value::Buffer, at: u64) -> Result<()> {
        self.push_node(Node::Buffer(Box::new(buffer)), at)
    }

    fn seq(&mut self, kind: Seq, from: usize, at: u64) -> Result<()> {
        let items = self.stack.split_off(from);
        self.budget.charge(items.len() * LINK_COST, at)?;
        self.link(&items);
        let node = match kind {
            Seq::Tuple => {
                let hashable = items.iter().all(|&i| self.arena.node(i).is_hashable());
                Node::Tuple(items.into_boxed_slice(), Hashable(hashable))
            }
            Seq::List => Node::List(items),
            Seq::Set => Node::Set(items),
            Seq::FrozenSet => Node::FrozenSet(items),
        };
        self.push_node(node, at)
    }

    fn dict(&mut self, from: usize, at: u64) -> Result<()> {
        let items = self.stack.split_off(from);
        self.budget.charge(items.len() * LINK_COST, at)?;
        self.link(&items);
        let entries = items.chunks_exact(2).map(|kv| (kv[0], kv[1])).collect();
        self.push_node(Node::Dict(entries), at)
    }

    fn append(&mut self, from: usize, input: &[u8], at: u64) -> Result<()> {
        let items = self.stack.split_off(from);
        let target = self.top();
        self.link(&items);
        if let Node::ByteArray(_) = self.arena.node(target) {
            let ints = self.byte_values(&items)?;
            self.own_byte_array(target, input, at)?.extend(ints);
            return Ok(());
        }
        match self.arena.node_mut(target) {
            Node::List(list) => list.extend_from_slice(&items),
            Node::Object(obj) => obj.ops.extend(items.iter().map(|&i| OpNode::Append(i))),
            other => {
                let name = other.type_name();
                return Err(bad_op(format!("`{name}` object has no attribute `append`")));
            }
        }
        Ok(())
    }

    fn setitems(&mut self, from: usize, input: &[u8], at: u64) -> Result<()> {
        let items = self.stack.split_off(from);
        let target = self.top();
        self.link(&items);
        for pair in items.chunks_exact(2) {
            self.setitem(target, pair[0], pair[1], input, at)?;
        }
        Ok(())
    }

    fn additems(&mut self, from: usize) -> Result<()> {
        let items = self.stack.split_off(from);
        let target = self.top();
        self.link(&items);
        match self.arena.node_mut(target) {
            Node::Set(set) => set.extend_from_slice(&items),
            Node::Object(obj) => obj.ops.extend(items.iter().map(|&i| OpNode::Add(i))),
            other => {
                let name = other.type_name();
                return Err(bad_op(format!("`{name}` object has no attribute `add`")));
            }
        }
        Ok(())
    }

    fn call(&mut self, call: Call, from: usize, input: &[u8], at: u64) -> Result<()> {
        let items = self.stack.split_off(from);
        let call = match (call, &items[..]) {
            (Call::Reduce, &[callable, args]) => {
                if let Some(node) = self.fold_call(callable, args, input, at)? {
                    return self.push_node(node, at);
                }
                CallNode::Reduce(callable, args)
            }
            (Call::NewObj, &[cls, args]) => CallNode::NewObj(cls, args),
            (Call::NewObjEx, &[cls, args, kwargs]) => CallNode::NewObjEx(cls, args, kwargs),
            (Call::Inst(class), args) => CallNode::Inst(self.arena.add_global(class), args.into()),
            (Call::Obj, &[cls, ref args @ ..]) => CallNode::Obj(cls, args.into()),
            _ => return Err(bad_op("a call of the wrong number of items")),
        };
        self.link(&items);
        let object = ObjectNode {
            call,
            ops: Vec::new(),
        };
        self.push_node(Node::Object(Box::new(object)), at)
    }

    fn build(&mut self, at: u64) -> Result<()> {
        let state = self.stack.pop().unwrap_or_default();
        let inst = self.top();
        match self.arena.node(inst) {
            Node::Object(_) => {
                self.budget.charge(LINK_COST, at)?;
                self.link(&[state]);
                if let Node::Object(obj) = self.arena.node_mut(inst) {
                    obj.ops.push(OpNode::Build(state));
                }
                Ok(())
            }
            Node::Global(_) | Node::PersistentId(_) => Err(bad_op(
                "BUILD needs an instance, not a class or persistent object",
            )
            .with_offset(at)),
            // A plain value has no `__dict__` and no settable attributes, so
            // only a state that sets nothing is accepted, as in CPython.
            node => {
                let sets_nothing = match self.arena.node(state) {
                    Node::None => true,
                    Node::Tuple(items, _) if items.len() == 2 => {
                        matches!(self.arena.node(items[0]), Node::None)
                            && matches!(self.arena.node(items[1]), Node::Dict(d) if d.is_empty())
                    }
                    _ => false,
                };
                if sets_nothing {
                    return Ok(());
                }
                let name = node.type_name();
                Err(bad_op(format!("`{name}` object has no attribute `__dict__`")).with_offset(at))
            }
        }
    }

    fn readonly(&mut self, input: &[u8], at: u64) -> Result<()> {
        let top = self.top();
        if let Node::ByteArray(_) = self.arena.node(top) {
            let data = std::mem::take(self.own_byte_array(top, input, at)?);
            *self.arena.node_mut(top) = Node::Buffer(Box::new(Buffer::new(data, true)));
        } else if let Node::Buffer(b) = self.arena.node_mut(top) {
            b.readonly = true;
        }
        Ok(())
    }

    fn persistent(
        &mut self,
        load: Option<PersistentLoad<'_>>,
        input: &[u8],
        at: u64,
    ) -> Result<()> {
        let pid = self.stack.pop().unwrap_or_default();
        let Some(load) = load else {
            self.link(&[pid]);
            return self.push_node(Node::PersistentId(pid), at);
        };
        let pid_value = super::to_value::to_value(&self.arena, input, pid, &self.limits)
            .map_err(|e| e.with_offset(at))?;
        let value = load(&pid_value).map_err(|msg| Error::at(ErrorKind::PersistentId, at, msg))?;
        let (id, cost) =
            super::to_value::import_value(&mut self.arena, &value, at, self.budget.left())
                .map_err(|e| e.with_offset(at))?;
        self.budget.charge(cost, at)?;
        self.push(id, at)
    }

    fn dup(&mut self, at: u64) -> Result<()> {
        let top = self.top();
        self.push(top, at)
    }

    fn pop(&mut self, from: usize, _used: bool) -> Result<()> {
        self.stack.truncate(from);
        Ok(())
    }

    fn memo_put(&mut self, idx: Option<u64>, at: u64) -> Result<()> {
        let idx = idx.unwrap_or(self.memo.len() as u64);
        if self.memo.len() >= self.limits.max_memo && self.memo.get(idx).is_none() {
            return Err(Error::at(
                ErrorKind::MemoLimit,
                at,
                format!("more than {} memo entries", self.limits.max_memo),
            ));
        }
        let grown = self.memo.put(idx, self.top());
        self.budget.charge(grown, at)
    }

    fn memo_get(&mut self, idx: u64, at: u64) -> Result<bool> {
        match self.memo.get(idx) {
            Some(id) => self.push(id, at).map(|()| true),
            None => Ok(false),
        }
    }

    fn finish(&mut self, _clean: bool) -> Result<NodeId> {
        Ok(self.top())
    }
}
