//! A whole pickle as a [`Value`], built by the machine in one pass: each
//! container is allocated once, in its final form, and text is copied once,
//! from the input into it.
//!
//! The result must be exactly what the arena gives (`arena/to_value.rs`),
//! sharing included. There, a node that two containers refer to becomes one
//! [`Value::Shared`] at every reference, and so does the root if anything
//! refers to it; only memo `GET`s make such references. So here only the
//! memo entries that a `GET` reads are kept (which ones: `plan.rs`). A
//! read entry that nothing can change once it is memoized (text, bytes, big
//! ints, globals, tuples) becomes one `Arc` at every reference, the first
//! included; atoms are copied, as the arena copies them. At `STOP` the
//! count of each `Arc` says how many containers hold it: an entry held by
//! exactly one (its other references consumed by `STACK_GLOBAL`) would be a
//! plain value there, so the builder refuses it.
//!
//! A read entry that may still change after it is memoized (a list, dict,
//! set, instance) stays a plain value, marked *pending*, until it is first
//! read by a `GET` or taken into a container; only then does it become an
//! `Arc`, and any later change to it (through the memo, or a cycle back to
//! it) is refused, since the arena would show the change at every reference.
//!
//! The builder also refuses what is rare and would cost care to match:
//! duplicated or discarded stack items, buffers, loaded persistent ids,
//! calls the arena folds into plain values (`builtins.set(...)` below
//! protocol 4), anything near a limit. A refusal is an error; the caller
//! then reads the pickle with the arena, which has the last word.

use std::sync::Arc;
use std::vec::Drain;

use super::arena::builder::NODE_COST;
use super::arena::fold::Constructor;
use super::machine::build::{Atom, Budget, Build, Call, Seq};
use super::machine::LINK_COST;
use super::options::Options;
use super::plan::Plan;
use super::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{BigInt, Object, Op, PyStr, Value};

/// More than the arena charges against `Limits::max_alloc` per byte of
/// input: every opcode is at least a byte and makes at most one node, one
/// stack slot and one reference from a container. Pickles whose length
/// times this exceeds the limit are left to the arena, which may fail on
/// them; below it, this builder cannot exceed what the arena would allow.
pub(crate) const CHARGE_PER_BYTE: usize = 2 * (NODE_COST + 4 * LINK_COST);

/// How many items of nested tuples a hashability check looks at before
/// refusing: the arena knows each tuple's answer from when it was made,
/// and a key read back by `GET`s must not cost its size at every use.
const MAX_KEY_ITEMS: usize = 64;

/// [`Item::pending`] of an item that is no pending memo entry.
const NOT_PENDING: u32 = u32::MAX;

/// In [`ValueBuilder::map`]: no `GET` reads the entry.
const NOT_READ: u32 = u32::MAX;

/// A stack item: a value, how many containers deep it nests (0 for
/// atoms), and the memo slot it is pending in.
pub(crate) struct Item {
    value: Value,
    height: u32,
    pending: u32,
}

impl Default for Item {
    fn default() -> Item {
        Item::new(Value::None, 0)
    }
}

impl Item {
    #[inline]
    fn new(value: Value, height: u32) -> Item {
        Item {
            value,
            height,
            pending: NOT_PENDING,
        }
    }
}

/// A memo entry that a `GET` reads.
enum Slot {
    Empty,
    /// None, a bool or a number: each `GET` copies it.
    Atom(Value),
    /// A container that may still change, on the stack at this position.
    Pending(usize),
    /// A value that no longer changes, and how deep it nests.
    Shared(Arc<Value>, u32),
}

pub(crate) struct ValueBuilder {
    budget: Budget,
    max_height: u32,
    max_memo: usize,
    /// The slot of each memo index up to the last one read, [`NOT_READ`]
    /// for the others.
    map: Vec<u32>,
    slots: Vec<Slot>,
    /// Memo entries written so far (`MEMOIZE`'s index).
    written: usize,
    /// A `GET` read this entry, written but not kept: a run keeping it
    /// would get further.
    pub(crate) missed: Option<usize>,
    /// Bytes of names copied into globals, which a `STACK_GLOBAL` of two
    /// memo `GET`s can make any number of for a few bytes of input: past
    /// the input's length, the arena (which charges them) takes over.
    copied: usize,
    input_len: usize,
}

/// The refusal: the arena reads the pickle instead.
#[cold]
fn refuse() -> Error {
    Error::new(ErrorKind::InvalidOperation, "left to the arena")
}

/// `v`, or what the `Arc` it stands for holds.
#[inline]
fn resolve(v: &Value) -> &Value {
    match v {
        Value::Shared(inner) => inner,
        v => v,
    }
}

fn hashable_in(v: &Value, budget: &mut usize) -> bool {
    match resolve(v) {
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::ByteArray(_) => false,
        Value::Tuple(items) => {
            if items.len() > *budget {
                return false;
            }
            *budget -= items.len();
            items.iter().all(|item| hashable_in(item, budget))
        }
        _ => true,
    }
}

impl ValueBuilder {
    /// A builder that keeps the memo entries `plan` says are read, if it
    /// may run on `input` at all (see [`CHARGE_PER_BYTE`]).
    pub(crate) fn new(input: &[u8], opts: &Options<'_>, plan: &Plan) -> Option<ValueBuilder> {
        let limits = &opts.limits;
        if input.len() >= u32::MAX as usize / 2
            || input.len().saturating_mul(CHARGE_PER_BYTE) > limits.max_alloc
        {
            return None;
        }
        let map = plan.slots(NOT_READ);
        let read = map.iter().filter(|&&slot| slot != NOT_READ).count();
        Some(ValueBuilder {
            budget: Budget::new(limits.max_alloc),
            max_height: u32::try_from(limits.max_depth)
                .unwrap_or(u32::MAX)
                .min(1 << 30),
            max_memo: limits.max_memo,
            map,
            slots: std::iter::repeat_with(|| Slot::Empty).take(read).collect(),
            written: 0,
            missed: None,
            copied: 0,
            input_len: input.len(),
        })
    }

    /// The value of an item taken into a container: a pending memo entry
    /// is final from now on.
    #[inline(always)]
    fn take(&mut self, item: Item) -> Result<(Value, u32)> {
        if item.pending == NOT_PENDING {
            return Ok((item.value, item.height));
        }
        self.take_pending(item)
    }

    #[cold]
    fn take_pending(&mut self, item: Item) -> Result<(Value, u32)> {
        let arc = Arc::new(item.value);
        let slot = self
            .slots
            .get_mut(item.pending as usize)
            .ok_or_else(refuse)?;
        *slot = Slot::Shared(Arc::clone(&arc), item.height);
        Ok((Value::Shared(arc), item.height))
    }

    /// The values of `items`, and the height of a container holding them.
    fn take_all(&mut self, items: Drain<'_, Item>, floor: u32) -> Result<(Vec<Value>, u32)> {
        let mut height = floor;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let (value, h) = self.take(item)?;
            height = height.max(h + 1);
            out.push(value);
        }
        Ok((out, height))
    }

    /// The values of `items` in pairs, each given to `add`, and the height
    /// of a container holding them (at least `floor`).
    #[inline(always)]
    fn pairs(
        &mut self,
        mut items: Drain<'_, Item>,
        floor: u32,
        mut add: impl FnMut(Value, Value),
    ) -> Result<u32> {
        let mut height = floor;
        while let (Some(k), Some(v)) = (items.next(), items.next()) {
            let (k, hk) = self.take(k)?;
            let (v, hv) = self.take(v)?;
            height = height.max(hk.max(hv) + 1);
            add(k, v);
        }
        Ok(height)
    }

    /// An item of `value` nesting `height` deep, unless that is at the limit.
    #[inline(always)]
    fn item(&self, value: Value, height: u32) -> Result<Item> {
        if height >= self.max_height {
            return Err(refuse());
        }
        Ok(Item::new(value, height))
    }

    /// Raises `target` to hold something `height` deep.
    #[inline(always)]
    fn raise(&self, target: &mut Item, height: u32) -> Result<()> {
        target.height = target.height.max(height);
        if target.height >= self.max_height {
            return Err(refuse());
        }
        Ok(())
    }

    /// A `GET` of entry `index`, not kept: if it was written, a run that
    /// keeps it would get further.
    #[cold]
    fn miss(&mut self, index: usize) -> Error {
        if index < self.written {
            self.missed = Some(index);
        }
        refuse()
    }

    /// Makes the pending entry at `stack[pos]`, in `slot`, an `Arc`.
    #[cold]
    fn freeze(&mut self, stack: &mut [Item], pos: usize, slot: usize) -> Result<()> {
        let item = stack.get_mut(pos).ok_or_else(refuse)?;
        if item.pending as usize != slot {
            return Err(refuse());
        }
        item.pending = NOT_PENDING;
        let arc = Arc::new(std::mem::replace(&mut item.value, Value::None));
        item.value = Value::Shared(Arc::clone(&arc));
        self.slots[slot] = Slot::Shared(arc, item.height);
        Ok(())
    }
}

impl Build for ValueBuilder {
    type Item = Item;
    type Output = Value;

    fn budget(&mut self) -> &mut Budget {
        &mut self.budget
    }

    fn kind(&self, item: &Item) -> Kind {
        match resolve(&item.value) {
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
    fn hashable(&self, item: &Item) -> bool {
        // Keys are nearly always text or numbers, shared or not.
        match resolve(&item.value) {
            Value::Str(_) | Value::Int(_) => true,
            v => hashable_in(v, &mut MAX_KEY_ITEMS.clone()),
        }
    }

    fn str_bytes<'s>(&'s self, item: &'s Item, _input: &'s [u8]) -> Option<&'s [u8]> {
        match resolve(&item.value) {
            Value::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    #[inline(always)]
    fn atom(&mut self, atom: Atom<'_>, _at: u64) -> Result<Item> {
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
        Ok(Item::new(value, 0))
    }

    fn global(&mut self, global: crate::value::Global, _at: u64) -> Result<Item> {
        self.copied += global.module.len() + global.name.len();
        if self.copied > self.input_len {
            return Err(refuse());
        }
        Ok(Item::new(Value::Global(global), 0))
    }

    fn buffer(&mut self, _buffer: crate::value::Buffer, _at: u64) -> Result<Item> {
        Err(refuse())
    }

    #[inline(always)]
    fn seq(&mut self, kind: Seq, items: Drain<'_, Item>, _at: u64) -> Result<Item> {
        let (values, height) = self.take_all(items, 1)?;
        let value = match kind {
            Seq::Tuple => Value::Tuple(values),
            Seq::List => Value::List(values),
            Seq::Set => Value::Set(values),
            Seq::FrozenSet => Value::FrozenSet(values),
        };
        self.item(value, height)
    }

    #[inline(always)]
    fn dict(&mut self, items: Drain<'_, Item>, _at: u64) -> Result<Item> {
        let mut entries = Vec::with_capacity(items.len() / 2);
        let height = self.pairs(items, 1, |k, v| entries.push((k, v)))?;
        self.item(Value::Dict(entries), height)
    }

    #[inline(always)]
    fn append(&mut self, target: &mut Item, items: Drain<'_, Item>) -> Result<()> {
        let mut height = 0;
        match &mut target.value {
            Value::List(list) => {
                // Most lists are filled by one batch: no room to spare.
                if list.is_empty() {
                    list.reserve_exact(items.len());
                }
                for item in items {
                    let (value, h) = self.take(item)?;
                    height = height.max(h + 1);
                    list.push(value);
                }
            }
            Value::Object(obj) => {
                let (values, h) = self.take_all(items, 0)?;
                height = h;
                obj.ops.extend(values.into_iter().map(Op::Append));
            }
            _ => return Err(refuse()),
        }
        self.raise(target, height)
    }

    #[inline(always)]
    fn setitems(&mut self, target: &mut Item, items: Drain<'_, Item>) -> Result<()> {
        let height = match &mut target.value {
            Value::Dict(entries) => {
                // Most dicts are filled by one batch: no room to spare.
                if entries.is_empty() {
                    entries.reserve_exact(items.len() / 2);
                }
                self.pairs(items, 0, |k, v| entries.push((k, v)))?
            }
            Value::Object(obj) => self.pairs(items, 0, |k, v| obj.ops.push(Op::SetItem(k, v)))?,
            _ => return Err(refuse()),
        };
        self.raise(target, height)
    }

    #[inline(always)]
    fn additems(&mut self, target: &mut Item, items: Drain<'_, Item>) -> Result<()> {
        let (values, height) = self.take_all(items, 0)?;
        match &mut target.value {
            Value::Set(set) | Value::FrozenSet(set) => set.extend(values),
            Value::Object(obj) => obj.ops.extend(values.into_iter().map(Op::Add)),
            _ => return Err(refuse()),
        }
        self.raise(target, height)
    }

    #[inline(always)]
    fn call(&mut self, call: Call<Item>, _input: &[u8], _at: u64) -> Result<Item> {
        let mut height = 0;
        let mut take = |this: &mut Self, item: Item| -> Result<Value> {
            let (value, h) = this.take(item)?;
            height = height.max(h);
            Ok(value)
        };
        let call = match call {
            Call::Reduce(callable, args) => {
                // The arena folds these calls into plain values.
                if let Value::Global(g) = resolve(&callable.value) {
                    if Constructor::of(g).is_some() {
                        return Err(refuse());
                    }
                }
                crate::value::Call::Reduce {
                    callable: take(self, callable)?,
                    args: take(self, args)?,
                }
            }
            Call::NewObj(cls, args) => crate::value::Call::NewObj {
                cls: take(self, cls)?,
                args: take(self, args)?,
            },
            Call::NewObjEx(cls, args, kwargs) => crate::value::Call::NewObjEx {
                cls: take(self, cls)?,
                args: take(self, args)?,
                kwargs: take(self, kwargs)?,
            },
            Call::Inst(class, args) => crate::value::Call::Inst {
                module: class.module,
                name: class.name,
                args: args
                    .into_iter()
                    .map(|item| take(self, item))
                    .collect::<Result<_>>()?,
            },
            Call::Obj(cls, args) => crate::value::Call::Obj {
                cls: take(self, cls)?,
                args: args
                    .into_iter()
                    .map(|item| take(self, item))
                    .collect::<Result<_>>()?,
            },
        };
        let object = Object {
            call,
            ops: Vec::new(),
        };
        self.item(Value::Object(Box::new(object)), height + 1)
    }

    #[inline(always)]
    fn build(&mut self, target: &mut Item, state: Item, _at: u64) -> Result<()> {
        let (state, h) = self.take(state)?;
        match &mut target.value {
            Value::Object(obj) => {
                // Most objects get one BUILD and nothing else.
                obj.ops.reserve_exact(1);
                obj.ops.push(Op::Build(state));
            }
            _ => return Err(refuse()),
        }
        self.raise(target, h + 1)
    }

    fn readonly(&mut self, _item: &mut Item) -> Result<()> {
        Err(refuse())
    }

    fn persistent(
        &mut self,
        pid: Item,
        load: Option<crate::de::PersistentLoad<'_>>,
        _input: &[u8],
        _at: u64,
    ) -> Result<Item> {
        if load.is_some() {
            return Err(refuse());
        }
        let (value, h) = self.take(pid)?;
        self.item(Value::PersistentId(Box::new(value)), h + 1)
    }

    fn dup(&mut self, _item: &Item) -> Result<Item> {
        Err(refuse())
    }

    fn discard(&mut self, _items: Drain<'_, Item>) -> Result<()> {
        Err(refuse())
    }

    fn unknown_extension(&mut self, _code: i64, _at: u64) -> Result<Item> {
        Err(refuse())
    }

    #[inline(always)]
    fn memo_put(&mut self, idx: Option<u64>, stack: &mut [Item], _at: u64) -> Result<()> {
        let index = self.written;
        if idx.is_some_and(|i| i != index as u64) || index >= self.max_memo {
            return Err(refuse());
        }
        self.written += 1;
        // Most entries are never read: nothing to keep.
        let Some(&slot) = self.map.get(index).filter(|&&s| s != NOT_READ) else {
            return Ok(());
        };
        let pos = stack.len() - 1;
        let top = &mut stack[pos];
        if top.pending != NOT_PENDING {
            return Err(refuse());
        }
        let entry = match &mut top.value {
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                Slot::Atom(top.value.clone())
            }
            Value::Str(_)
            | Value::Bytes(_)
            | Value::BigInt(_)
            | Value::Global(_)
            | Value::Tuple(_) => {
                let arc = Arc::new(std::mem::replace(&mut top.value, Value::None));
                top.value = Value::Shared(Arc::clone(&arc));
                Slot::Shared(arc, top.height)
            }
            Value::List(_)
            | Value::Dict(_)
            | Value::Set(_)
            | Value::FrozenSet(_)
            | Value::Object(_) => {
                top.pending = slot;
                Slot::Pending(pos)
            }
            // Memoized twice, or not kept here.
            _ => return Err(refuse()),
        };
        self.slots[slot as usize] = entry;
        Ok(())
    }

    #[inline(always)]
    fn memo_get(&mut self, idx: u64, stack: &mut [Item]) -> Result<Option<Item>> {
        let index = usize::try_from(idx).map_err(|_| refuse())?;
        let Some(&slot) = self.map.get(index).filter(|&&s| s != NOT_READ) else {
            return Err(self.miss(index));
        };
        let slot = slot as usize;
        Ok(Some(match &self.slots[slot] {
            Slot::Shared(arc, h) => Item::new(Value::Shared(Arc::clone(arc)), *h),
            Slot::Atom(v) => Item::new(v.clone(), 0),
            &Slot::Pending(pos) => {
                self.freeze(stack, pos, slot)?;
                return self.memo_get(idx, stack);
            }
            Slot::Empty => return Err(refuse()),
        }))
    }

    fn finish(&mut self, root: Item, clean: bool) -> Result<Value> {
        // Containers are checked against the depth limit as they grow; an
        // empty one only here, at the root.
        if !clean || root.height >= self.max_height || root.pending != NOT_PENDING {
            return Err(refuse());
        }
        let root = root.value;
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

/// The whole pickle at the start of `input` as a `Value`, and the position
/// after its `STOP`; `None` where the builder refused (the arena decides).
pub(crate) fn decode(input: &[u8], opts: &Options<'_>) -> Option<(Value, usize)> {
    use super::machine::Machine;
    use super::plan::{with_restarts, Run};
    use super::source::{SliceSource, Source};
    with_restarts(input, |plan| {
        let Some(builder) = ValueBuilder::new(input, opts, plan) else {
            return Run::GaveUp;
        };
        let mut machine = Machine::new(SliceSource::new(input), opts, builder);
        let result = machine.run();
        let pos = machine.src.pos() as usize;
        match (result, machine.b.missed) {
            (Ok(value), _) => Run::Done((value, pos)),
            (Err(_), Some(index)) => Run::Missed { index, pos },
            (Err(_), None) => Run::GaveUp,
        }
    })
}
