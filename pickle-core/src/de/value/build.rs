//! The machine's opcodes, as [`ValueBuilder`] carries them out on `Value`s.

use std::sync::Arc;

use crate::de::arena::fold::Constructor;
use crate::de::machine::build::{Atom, Budget, Build, Call, Seq};
use crate::de::options::PersistentLoad;
use crate::de::Kind;
use crate::error::Result;
use crate::value::{BigInt, Buffer, Global, Object, Op, PyStr, Value};

use super::{hashable_in, refuse, resolve, Slot, ValueBuilder, MAX_KEY_ITEMS, NOT_READ, PENDING};

/// `atom`, `memo_put` and `memo_get` are always in line: they are what most
/// opcodes do, and out of line each cost 2-3% of a `Value` decode of many
/// records or a tree of dicts (callgrind; see docs/performance.md).
impl Build for ValueBuilder {
    type Output = Value;

    fn budget(&mut self) -> &mut Budget {
        &mut self.budget
    }

    fn len(&self) -> usize {
        self.stack.len()
    }

    #[inline]
    fn kind(&self, i: usize) -> Kind {
        match resolve(&self.stack[i]) {
            Value::None => Kind::None,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) | Value::BigInt(_) => Kind::Int,
            Value::Float(_) => Kind::Float,
            Value::Str(_) => Kind::Str,
            Value::Bytes(_) => Kind::Bytes,
            Value::ByteArray(_) => Kind::ByteArray,
            Value::List(_) => Kind::List,
            Value::Tuple(_) => Kind::Tuple,
            Value::Dict(_) => Kind::Dict,
            Value::Set(_) => Kind::Set,
            Value::FrozenSet(_) => Kind::FrozenSet,
            Value::Global(_) => Kind::Global,
            Value::Buffer(_) => Kind::Buffer,
            Value::PersistentId(_) => Kind::PersistentId,
            _ => Kind::Object,
        }
    }

    #[inline]
    fn hashable(&self, i: usize) -> bool {
        // Keys are nearly always text or numbers, shared or not.
        match resolve(&self.stack[i]) {
            Value::Str(_) | Value::Int(_) => true,
            v => hashable_in(v, &mut MAX_KEY_ITEMS.clone()),
        }
    }

    fn str_bytes<'s>(&'s self, i: usize, _input: &'s [u8]) -> Option<&'s [u8]> {
        match resolve(&self.stack[i]) {
            Value::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    #[inline(always)]
    fn atom(&mut self, atom: Atom<'_>, _at: u64) -> Result<()> {
        let value = match atom {
            Atom::None => Value::None,
            Atom::Bool(b) => Value::Bool(b),
            Atom::Int(i) => Value::Int(i),
            Atom::Float(f) => Value::Float(f),
            Atom::Utf8(_, text) => Value::Str(PyStr::from(text)),
            Atom::Str(text) => {
                let bytes = text.bytes();
                Value::Str(match std::str::from_utf8(bytes) {
                    Ok(s) => PyStr::from(s),
                    Err(_) => PyStr::from_utf8_surrogatepass(bytes).map_err(|_| refuse())?,
                })
            }
            Atom::Bytes(text) => Value::Bytes(text.bytes().to_vec()),
            Atom::BigInt(text) => Value::from(BigInt::from_signed_bytes_le(text.bytes())),
            Atom::ByteArray(text) => Value::ByteArray(text.bytes().to_vec()),
        };
        self.push(value, 0)
    }

    fn global(&mut self, global: Global, _at: u64) -> Result<()> {
        self.copied += global.module.len() + global.name.len();
        if self.copied > self.input_len {
            return Err(refuse());
        }
        self.push(Value::Global(global), 0)
    }

    fn buffer(&mut self, _buffer: Buffer, _at: u64) -> Result<()> {
        Err(refuse())
    }

    #[inline]
    fn seq(&mut self, kind: Seq, from: usize, _at: u64) -> Result<()> {
        let height = self.close(from, 1)?;
        let items = self.stack.split_off(from);
        let value = match kind {
            Seq::Tuple => Value::Tuple(items),
            Seq::List => Value::List(items),
            Seq::Set => Value::Set(items),
            Seq::FrozenSet => Value::FrozenSet(items),
        };
        self.push(value, height)
    }

    #[inline]
    fn dict(&mut self, from: usize, _at: u64) -> Result<()> {
        let height = self.close(from, 1)?;
        let entries = self.pairs(from);
        self.push(Value::Dict(entries), height)
    }

    #[inline]
    fn append(&mut self, from: usize, _input: &[u8], _at: u64) -> Result<()> {
        let height = self.close(from, 0)?;
        // Taken off the stack meanwhile, to be filled from it.
        let mut target = std::mem::replace(&mut self.stack[from - 1], Value::None);
        let items = self.stack.drain(from..);
        match &mut target {
            Value::List(list) => {
                // Most lists are filled by one batch: no room to spare.
                if list.is_empty() {
                    list.reserve_exact(items.len());
                }
                list.extend(items);
            }
            Value::Object(obj) => obj.ops.extend(items.map(Op::Append)),
            _ => {
                drop(items);
                self.stack[from - 1] = target;
                return Err(refuse());
            }
        }
        self.stack[from - 1] = target;
        self.raise(from - 1, height)
    }

    #[inline]
    fn setitems(&mut self, from: usize, _input: &[u8], _at: u64) -> Result<()> {
        if !matches!(self.stack[from - 1], Value::Dict(_) | Value::Object(_)) {
            return Err(refuse());
        }
        let height = self.close(from, 0)?;
        let mut pairs = self.pairs(from);
        match self.stack.last_mut() {
            Some(Value::Dict(entries)) if entries.is_empty() => *entries = pairs,
            Some(Value::Dict(entries)) => entries.append(&mut pairs),
            Some(Value::Object(obj)) => obj
                .ops
                .extend(pairs.into_iter().map(|(k, v)| Op::SetItem(k, v))),
            _ => return Err(refuse()),
        }
        self.raise(from - 1, height)
    }

    fn additems(&mut self, from: usize) -> Result<()> {
        // Only a `set` takes items: a `frozenset` has no `add`.
        if !matches!(self.stack[from - 1], Value::Set(_) | Value::Object(_)) {
            return Err(refuse());
        }
        let height = self.close(from, 0)?;
        let items = self.stack.split_off(from);
        match self.stack.last_mut() {
            Some(Value::Set(set)) => set.extend(items),
            Some(Value::Object(obj)) => obj.ops.extend(items.into_iter().map(Op::Add)),
            _ => return Err(refuse()),
        }
        self.raise(from - 1, height)
    }

    fn call(&mut self, call: Call, from: usize, _input: &[u8], _at: u64) -> Result<()> {
        if let Call::Reduce = call {
            // The arena folds these calls into plain values.
            if let Value::Global(g) = resolve(&self.stack[from]) {
                if Constructor::of(g).is_some() {
                    return Err(refuse());
                }
            }
        }
        let height = self.close(from, 1)?;
        let mut pop = || self.stack.pop().unwrap_or(Value::None);
        let call = match call {
            Call::Reduce => {
                let args = pop();
                crate::value::Call::Reduce {
                    callable: pop(),
                    args,
                }
            }
            Call::NewObj => {
                let args = pop();
                crate::value::Call::NewObj { cls: pop(), args }
            }
            Call::NewObjEx => {
                let (kwargs, args) = (pop(), pop());
                crate::value::Call::NewObjEx {
                    cls: pop(),
                    args,
                    kwargs,
                }
            }
            Call::Inst(class) => crate::value::Call::Inst {
                module: class.module,
                name: class.name,
                args: self.stack.split_off(from),
            },
            Call::Obj => {
                let args = self.stack.split_off(from + 1);
                crate::value::Call::Obj {
                    cls: self.stack.pop().unwrap_or(Value::None),
                    args,
                }
            }
        };
        let object = Object {
            call,
            ops: Vec::new(),
        };
        self.push(Value::Object(Box::new(object)), height)
    }

    fn build(&mut self, _at: u64) -> Result<()> {
        let top = self.stack.len() - 1;
        if !matches!(self.stack[top - 1], Value::Object(_)) {
            return Err(refuse());
        }
        let height = self.close(top, 0)?;
        let state = self.stack.pop().unwrap_or(Value::None);
        if let Some(Value::Object(obj)) = self.stack.last_mut() {
            // Most objects get one BUILD and nothing else.
            obj.ops.reserve_exact(1);
            obj.ops.push(Op::Build(state));
        }
        self.raise(top - 1, height)
    }

    fn readonly(&mut self, _input: &[u8], _at: u64) -> Result<()> {
        Err(refuse())
    }

    fn persistent(
        &mut self,
        load: Option<PersistentLoad<'_>>,
        _input: &[u8],
        _at: u64,
    ) -> Result<()> {
        if load.is_some() {
            return Err(refuse());
        }
        let height = self.close(self.stack.len() - 1, 1)?;
        let pid = self.stack.pop().unwrap_or(Value::None);
        self.push(Value::PersistentId(Box::new(pid)), height)
    }

    fn dup(&mut self, _at: u64) -> Result<()> {
        Err(refuse())
    }

    fn pop(&mut self, from: usize, used: bool) -> Result<()> {
        // Only the names a `STACK_GLOBAL` used: see the module doc.
        if !used {
            return Err(refuse());
        }
        self.close(from, 0)?;
        self.stack.truncate(from);
        Ok(())
    }

    #[inline(always)]
    fn memo_put(&mut self, idx: Option<u64>, _at: u64) -> Result<()> {
        let index = self.written;
        if idx.is_some_and(|i| i != index as u64) || index >= self.max_memo {
            return Err(refuse());
        }
        self.written += 1;
        // Most entries are never read: nothing to keep.
        let Some(&slot) = self.map.get(index).filter(|&&s| s != NOT_READ) else {
            return Ok(());
        };
        let pos = self.stack.len() - 1;
        let height = self.heights[pos];
        if height & PENDING != 0 {
            return Err(refuse());
        }
        let top = &mut self.stack[pos];
        let entry = match top {
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                Slot::Atom(top.clone())
            }
            Value::Str(_)
            | Value::Bytes(_)
            | Value::BigInt(_)
            | Value::Global(_)
            | Value::Tuple(_) => {
                let arc = Arc::new(std::mem::replace(top, Value::None));
                *top = Value::Shared(Arc::clone(&arc));
                Slot::Shared(arc, height)
            }
            Value::List(_)
            | Value::Dict(_)
            | Value::Set(_)
            | Value::FrozenSet(_)
            | Value::Object(_) => {
                self.heights[pos] |= PENDING;
                self.pending.push((pos, slot as usize));
                Slot::Pending(pos)
            }
            // Memoized twice, or not kept here.
            _ => return Err(refuse()),
        };
        self.slots[slot as usize] = entry;
        Ok(())
    }

    #[inline(always)]
    fn memo_get(&mut self, idx: u64, _at: u64) -> Result<bool> {
        let index = usize::try_from(idx).map_err(|_| refuse())?;
        let Some(&slot) = self.map.get(index).filter(|&&s| s != NOT_READ) else {
            return Err(self.miss(index));
        };
        let slot = slot as usize;
        if let Slot::Pending(pos) = self.slots[slot] {
            self.freeze(pos, slot)?;
        }
        let (value, height) = match &self.slots[slot] {
            Slot::Shared(arc, h) => (Value::Shared(Arc::clone(arc)), *h),
            Slot::Atom(v) => (v.clone(), 0),
            _ => return Err(refuse()),
        };
        self.push(value, height).map(|()| true)
    }

    fn finish(&mut self, clean: bool) -> Result<Value> {
        // Containers are checked against the depth limit as they grow; an
        // empty one only here, at the root.
        if !clean || self.heights[0] & !PENDING >= self.max_height {
            return Err(refuse());
        }
        let root = self.stack.pop().unwrap_or(Value::None);
        let root_arc = match &root {
            Value::Shared(arc) => Some(Arc::as_ptr(arc)),
            _ => None,
        };
        for slot in &self.slots {
            if let Slot::Shared(arc, _) = slot {
                // One count is the memo's own, one the root's if it is the root.
                let is_root = root_arc == Some(Arc::as_ptr(arc));
                let held = Arc::strong_count(arc) - 1 - usize::from(is_root);
                if held == 1 && !is_root {
                    return Err(refuse());
                }
            }
        }
        self.slots.clear();
        Ok(match root {
            // Nothing else refers to the root: the arena does not share it.
            Value::Shared(arc) => Arc::try_unwrap(arc).unwrap_or_else(Value::Shared),
            root => root,
        })
    }
}
