//! Finding a memo entry that the reader did not keep, when a `GET` reads it.
//!
//! The reader first guesses that no `GET` reads back anything (see
//! [`try_from_slice`](super::try_from_slice)). When one does, the entry was
//! written earlier in the input, where the reader went past it: walking the
//! opcodes again from a nearby memo write finds the value it memoized. A
//! string, bytes or a global is made into an entry as the reader would have
//! made it, so that a string that the pickle shares (an interned value, a
//! repeated key) costs a short walk, wherever it first appeared. Anything
//! else, or a walk past the budget, is a miss: the decoding starts again,
//! keeping that entry, or follows the plan.

use std::rc::Rc;

use super::plan::{step, Step};
use super::{Entry, Stream};
use crate::opcode::Opcode;

/// Every `MARK_EVERY`th memo write's position is kept, for the walks.
const MARK_EVERY: usize = 256;

/// Where the walks start from, and how far they may go.
pub(super) struct Walks {
    /// `marks[k]`: the position of memo write number `k * MARK_EVERY`.
    marks: Vec<usize>,
    /// The memo write the last walk ended at: its number and position (a
    /// pickle that reads back many entries in order walks each stretch once).
    last: (usize, usize),
    /// Bytes the walks may still go over: a quarter of the input in all,
    /// so that walking costs less than a restart would.
    budget: usize,
}

impl Walks {
    pub(super) fn new(input_len: usize) -> Walks {
        Walks {
            marks: Vec::new(),
            last: (0, 0),
            budget: input_len / 4 + 4096,
        }
    }
}

impl<'a> Stream<'a> {
    /// Notes where memo write number `index` is, if it is one that is marked.
    #[inline(always)]
    pub(super) fn mark(&self, index: usize, pos: usize) {
        if index % MARK_EVERY == 0 {
            self.note_mark(index, pos);
        }
    }

    #[cold]
    fn note_mark(&self, index: usize, pos: usize) {
        let mut walks = self.walks.borrow_mut();
        if walks.marks.len() == index / MARK_EVERY {
            walks.marks.push(pos);
        }
    }

    /// Memo entry `index`, written before the read position but not kept,
    /// found again and kept from now on; `None` if it is not a string,
    /// bytes or a global that the walk can make out.
    #[cold]
    pub(super) fn recover(&self, index: usize) -> Option<Entry> {
        if self.guess.is_none() || index >= self.memo_len.get() {
            return None;
        }
        let (values, write) = self.walk_to(index)?;
        let entry = self.entry_of(values, write)?;
        self.memo
            .borrow_mut()
            .insert(u32::try_from(index).ok()?, entry.clone());
        Some(entry)
    }

    /// The position of memo write number `index`, and those of the three
    /// opcodes before it that are not memo writes, frames or `PROTO` (the
    /// last is the value it memoizes), found by walking from a known memo
    /// write at least three before it (a global's module and name may each
    /// have one), or from the start.
    fn walk_to(&self, index: usize) -> Option<([usize; 3], usize)> {
        // The number of the next memo write at or after `pos`.
        let (mut number, mut pos, budget) = {
            let walks = self.walks.borrow();
            let mut from = (0, 0);
            if let Some(target) = index.checked_sub(3) {
                let k = target / MARK_EVERY;
                if let Some(&mark) = walks.marks.get(k) {
                    from = (k * MARK_EVERY, mark);
                }
                let (n, p) = walks.last;
                if n <= target && n > from.0 {
                    from = (n, p);
                }
            }
            (from.0, from.1, walks.budget)
        };
        let start = pos;
        let mut values = [usize::MAX; 3];
        loop {
            if pos - start > budget {
                // Spent: later misses restart instead of walking.
                self.walks.borrow_mut().budget = 0;
                return None;
            }
            let byte = *self.input.get(pos)?;
            let op = Opcode::from_byte(byte)?;
            match step(byte) {
                Step::Memoize | Step::Put => {
                    if number == index {
                        let mut walks = self.walks.borrow_mut();
                        walks.budget -= pos - start;
                        walks.last = (number, pos);
                        return Some((values, pos));
                    }
                    number += 1;
                }
                Step::Stop | Step::Invalid => return None,
                _ if matches!(op, Opcode::Frame | Opcode::Proto) => {}
                _ => values = [values[1], values[2], pos],
            }
            pos = super::arg::end_of(self.input, pos, op)?;
        }
    }

    /// The entry for the value memoized by the memo write at `write`: the
    /// last of `values`, right before it (with the two before that, for a
    /// `STACK_GLOBAL`). The reader makes the same entries as it reads.
    fn entry_of(&self, values: [usize; 3], write: usize) -> Option<Entry> {
        let [module_at, name_at, at] = values;
        let op = Opcode::from_byte(*self.input.get(at)?)?;
        let end = super::arg::end_of(self.input, at, op)?;
        if end != write {
            return None;
        }
        // The text or bytes after the opcode and its length.
        let payload = || {
            let start = at + 1 + op.arg().length_prefix()?;
            Some((start, end.checked_sub(start)?))
        };
        match op {
            Opcode::ShortBinUnicode | Opcode::BinUnicode | Opcode::BinUnicode8 => {
                let (start, len) = payload()?;
                Some(Entry::Str { start, len })
            }
            Opcode::ShortBinBytes | Opcode::BinBytes | Opcode::BinBytes8 => {
                let (start, len) = payload()?;
                Some(Entry::Bytes { start, len })
            }
            Opcode::Global => {
                let (module, name, _) = self.global_lines(at)?;
                Some(Entry::Global(Rc::new(self.renamed(module, name))))
            }
            Opcode::StackGlobal => {
                // `module name STACK_GLOBAL`, side by side (with their memo
                // writes), each a string or a `GET` of one.
                let (module, after_module) = self.peek_text(module_at)?;
                let (name, after_name) = self.peek_text(name_at)?;
                (after_module == name_at && after_name == at)
                    .then(|| Entry::Global(Rc::new(self.renamed(module, name))))
            }
            _ => None,
        }
    }
}
