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

mod build;

use std::sync::Arc;

use super::arena::builder::NODE_COST;
use super::machine::build::Budget;
use super::machine::LINK_COST;
use super::options::Options;
use super::plan::Plan;
use crate::error::{Error, ErrorKind, Result};
use crate::value::Value;

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

/// Set in a stack item's height while it is a pending memo entry.
const PENDING: u32 = 1 << 31;

/// In [`ValueBuilder::map`]: no `GET` reads the entry.
const NOT_READ: u32 = u32::MAX;

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
    /// The stack, and how many containers deep each item nests (0 for
    /// atoms), with [`PENDING`] set while it is a pending memo entry.
    /// (Kept apart: moved about as pairs, items were stored in one size
    /// and read back in another, and the processor stalled on each.)
    stack: Vec<Value>,
    heights: Vec<u32>,
    /// The pending memo entries, by stack position and slot, in the order
    /// they were memoized; an entry frozen since stays until the stack
    /// shrinks below it.
    pending: Vec<(usize, usize)>,
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
            stack: Vec::with_capacity(64),
            heights: Vec::with_capacity(64),
            pending: Vec::new(),
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

    #[inline]
    fn push(&mut self, value: Value, height: u32) -> Result<()> {
        self.stack.push(value);
        self.heights.push(height);
        Ok(())
    }

    /// The height of a container holding the items `from..`, which it is
    /// about to take: pending memo entries among them are final from now
    /// on. Refused at the depth limit.
    #[inline]
    fn close(&mut self, from: usize, floor: u32) -> Result<u32> {
        let fold = |heights: &[u32]| heights.iter().fold(floor, |h, &item| h.max(item + 1));
        let mut height = fold(&self.heights[from..]);
        if height > PENDING {
            self.release(from)?;
            height = fold(&self.heights[from..]);
        }
        self.heights.truncate(from);
        if height >= self.max_height {
            return Err(refuse());
        }
        Ok(height)
    }

    /// Raises item `i` to hold something `height` deep.
    #[inline]
    fn raise(&mut self, i: usize, height: u32) -> Result<()> {
        let h = &mut self.heights[i];
        let raised = (*h & !PENDING).max(height);
        *h = raised | (*h & PENDING);
        if raised >= self.max_height {
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

    /// Freezes the pending entries at stack positions `from..`, which are
    /// about to leave the stack. Each entry of `pending` is looked at once.
    #[cold]
    fn release(&mut self, from: usize) -> Result<()> {
        while let Some(&(pos, slot)) = self.pending.last() {
            if pos < from {
                break;
            }
            self.pending.pop();
            if self.heights.get(pos).is_some_and(|&h| h & PENDING != 0) {
                self.freeze(pos, slot)?;
            }
        }
        Ok(())
    }

    /// Makes the pending entry at stack position `pos`, in `slot`, an `Arc`.
    #[cold]
    fn freeze(&mut self, pos: usize, slot: usize) -> Result<()> {
        if !matches!(self.slots.get(slot), Some(&Slot::Pending(p)) if p == pos) {
            return Err(refuse());
        }
        let h = &mut self.heights[pos];
        *h &= !PENDING;
        let item = &mut self.stack[pos];
        let arc = Arc::new(std::mem::replace(item, Value::None));
        *item = Value::Shared(Arc::clone(&arc));
        self.slots[slot] = Slot::Shared(arc, *h);
        Ok(())
    }

    /// The pairs of items `from..`, taken off the stack in order.
    #[inline]
    fn pairs(&mut self, from: usize) -> Vec<(Value, Value)> {
        // Popped pair by pair from the top, then put back in order: cheaper
        // than draining.
        let n = (self.stack.len() - from) / 2;
        let mut pairs = Vec::with_capacity(n);
        for _ in 0..n {
            let (Some(v), Some(k)) = (self.stack.pop(), self.stack.pop()) else {
                break;
            };
            pairs.push((k, v));
        }
        pairs.reverse();
        pairs
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
