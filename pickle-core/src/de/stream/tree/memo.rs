//! The one-pass reader's memo: the entries a `GET` reads, kept as the
//! general reader would share them (see the module doc of `tree`).

use std::sync::Arc;

use super::{Tree, PENDING};
use crate::de::stream::plan::Plan;
use crate::value::Value;

/// A memo entry that a `GET` reads.
pub(super) enum Slot {
    /// Not written yet.
    Empty,
    /// None, a bool or a number: each `GET` copies it.
    Atom(Value),
    /// An object that may still change, on the stack at this position.
    Pending(usize),
    /// An object that no longer changes, and how many containers deep it nests.
    Shared(Arc<Value>, u32),
}

/// The read entries, stored densely, and where each memo index's is.
pub(super) struct Memo {
    /// The slot of each memo index up to the last one read, [`NOT_READ`]
    /// for the others (4 bytes an entry, as the general reader's memo).
    pub(super) map: Vec<u32>,
    pub(super) slots: Vec<Slot>,
}

/// In [`Memo::map`]: no `GET` reads the entry.
pub(super) const NOT_READ: u32 = u32::MAX;

impl Memo {
    /// A memo that keeps the entries that `map` gives a slot.
    pub(super) fn new(map: Vec<u32>) -> Memo {
        let read = map.iter().filter(|&&slot| slot != NOT_READ).count();
        let slots = std::iter::repeat_with(|| Slot::Empty).take(read).collect();
        Memo { map, slots }
    }

    /// The map of the entries that the plan's `GET`s read.
    pub(super) fn map_of(plan: &Plan) -> Vec<u32> {
        let words = plan.words();
        let last = words
            .iter()
            .rposition(|&w| w != 0)
            .map_or(0, |i| i * 64 + 64 - words[i].leading_zeros() as usize);
        let mut map = Vec::with_capacity(last);
        let mut read = 0u32;
        for index in 0..last {
            if words[index / 64] & (1 << (index % 64)) != 0 {
                map.push(read);
                read += 1;
            } else {
                map.push(NOT_READ);
            }
        }
        map
    }

    /// The slot of entry `index`, if a `GET` reads it.
    #[inline]
    pub(super) fn slot(&self, index: usize) -> Option<usize> {
        match self.map.get(index) {
            Some(&slot) if slot != NOT_READ => Some(slot as usize),
            _ => None,
        }
    }
}

impl Tree<'_> {
    /// Memoizes the top item as entry `written`.
    #[inline(always)]
    pub(super) fn memoize(&mut self) -> Option<()> {
        if self.stack.len() <= self.fence() || self.written >= self.max_memo {
            return None;
        }
        let index = self.written;
        self.written += 1;
        match self.memo.slot(index) {
            // Most entries are never read: nothing to keep.
            None => Some(()),
            Some(slot) => self.keep(slot),
        }
    }

    /// Keeps the top item in memo slot `slot`, for the `GET`s that read it.
    pub(super) fn keep(&mut self, slot: usize) -> Option<()> {
        let height = *self.heights.last()?;
        if height & PENDING != 0 {
            return None;
        }
        let top = self.stack.last_mut()?;
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
                let top = self.stack.len() - 1;
                self.heights[top] |= PENDING;
                self.pending.push((top, slot));
                Slot::Pending(top)
            }
            // Memoized twice, or not handled here.
            _ => return None,
        };
        self.memo.slots[slot] = entry;
        Some(())
    }

    #[inline(always)]
    pub(super) fn get(&mut self, index: usize) -> Option<()> {
        let Some(slot) = self.memo.slot(index) else {
            return self.miss(index);
        };
        let (value, height) = match &self.memo.slots[slot] {
            Slot::Shared(arc, h) => (Value::Shared(Arc::clone(arc)), *h),
            Slot::Atom(v) => (v.clone(), 0),
            Slot::Pending(pos) => return self.get_pending(*pos, slot),
            Slot::Empty => return None,
        };
        self.push(value, height);
        Some(())
    }

    /// `GET` of an entry not kept: if it was written, the run must start
    /// again, keeping it.
    #[cold]
    pub(super) fn miss(&mut self, index: usize) -> Option<()> {
        if index < self.written {
            self.missed = Some(index);
        }
        None
    }

    /// `GET` of a pending entry: it is final from now on.
    #[cold]
    pub(super) fn get_pending(&mut self, pos: usize, slot: usize) -> Option<()> {
        self.freeze(pos, slot)?;
        match &self.memo.slots[slot] {
            Slot::Shared(arc, h) => {
                let (value, height) = (Value::Shared(Arc::clone(arc)), *h);
                self.push(value, height);
                Some(())
            }
            _ => None,
        }
    }

    /// Freezes the pending memo entries at stack positions `at..`, which
    /// are about to leave the stack: they are final from now on. Each entry
    /// of [`Tree::pending`] is looked at once in all.
    #[cold]
    pub(super) fn release(&mut self, at: usize) -> Option<()> {
        while let Some(&(pos, slot)) = self.pending.last() {
            if pos < at {
                break;
            }
            self.pending.pop();
            if self.heights.get(pos).is_some_and(|&h| h & PENDING != 0) {
                self.freeze(pos, slot)?;
            }
        }
        Some(())
    }

    /// Makes the pending memo entry at stack position `pos`, in memo slot
    /// `slot`, an `Arc`.
    #[cold]
    pub(super) fn freeze(&mut self, pos: usize, slot: usize) -> Option<()> {
        let h = self.heights.get_mut(pos)?;
        if *h & PENDING == 0 {
            return None;
        }
        let height = *h & !PENDING;
        *h = height;
        let item = &mut self.stack[pos];
        let arc = Arc::new(std::mem::replace(item, Value::None));
        *item = Value::Shared(Arc::clone(&arc));
        self.memo.slots[slot] = Slot::Shared(arc, height);
        Some(())
    }
}
