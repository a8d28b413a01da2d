//! Looking ahead: which opcode consumes a value.
//!
//! Most shapes are read without looking ahead (see [`super::seq`]); this is
//! for the few where the opcode after a value decides what the value is,
//! and the value is longer than one opcode (a list's single item that is an
//! object, say). The question is answered by following the stack heights
//! from a position on, using the stack effects of the opcode table, without
//! building anything. Marks closed on the way are remembered (a bounded
//! cache), so that a nested question does not walk the same region again.

use super::Stream;
use crate::error::Result;
use crate::opcode::{effect_of_byte, Opcode, StackEffect};

/// How many closers a stream remembers at most before it forgets them all.
const MAX_REMEMBERED: usize = 4096;

impl<'a> Stream<'a> {
    /// The position after the opcode at `pos` and its argument.
    #[inline]
    pub(crate) fn end_of(&self, pos: usize, op: Opcode) -> Result<usize> {
        super::arg::end_of(self.input, pos, op).ok_or_else(|| self.bail())
    }

    /// The position and opcode of what consumes the value that starts at
    /// `start` (an `APPEND` that appends it, the `TUPLE2` that takes it, ...):
    /// the first opcode that takes it off the stack. One that pops it and
    /// pushes a result in its place (`TUPLE1`, `REDUCE`) only makes it part
    /// of a bigger value, which the scan goes on following. Heights are
    /// counted from the start; the value followed is the item at height 0.
    /// Anything that would be an error in CPython makes it give up.
    pub(crate) fn consumer(&self, start: usize) -> Result<(usize, Opcode)> {
        // Open marks: their position and the height below them.
        let mut marks: Vec<(usize, usize)> = Vec::new();
        let mut height = 0usize;
        let mut pos = start;
        loop {
            let work = self.work.get() + 1;
            if work > self.max_work {
                return Err(self.bail());
            }
            self.work.set(work);
            let byte = self.input.get(pos).copied().ok_or_else(|| self.bail())?;
            let effect = effect_of_byte(byte);
            let op = match Opcode::from_byte(byte) {
                Some(op) if effect != StackEffect::Invalid => op,
                _ => return Err(self.bail()),
            };
            let found = (pos, op);
            // Items above the top open mark (what an opcode may pop).
            let floor = marks.last().map_or(0, |m| m.1);
            let above = height - floor;
            // With no open mark, an opcode that pops every item and leaves
            // none of its own in their place takes the value off the stack.
            let takes_value = |pops: usize, pushes: usize| {
                marks.is_empty() && height >= 1 && pops >= height && height + pushes <= pops
            };
            match effect {
                StackEffect::Invalid => return Err(self.bail()),
                StackEffect::Mark => {
                    let cached = self.closers.borrow().get(&pos).copied();
                    if let Some((closer, close_op)) = cached {
                        let StackEffect::ToMark { push, in_place } = close_op.stack_effect() else {
                            return Err(self.bail());
                        };
                        if in_place && above == 0 {
                            // A batch for an object below the scanned region.
                            return if marks.is_empty() {
                                Ok(found)
                            } else {
                                Err(self.bail())
                            };
                        }
                        height += usize::from(push);
                        pos = self.end_of(closer, close_op)?;
                        continue;
                    }
                    marks.push((pos, height));
                }
                StackEffect::ToMark { push, in_place } => {
                    let Some((mark, below)) = marks.pop() else {
                        // It pops to a mark set before the value began.
                        return if height >= 1 {
                            Ok(found)
                        } else {
                            Err(self.bail())
                        };
                    };
                    self.remember(mark, found);
                    let below_floor = marks.last().map_or(0, |m| m.1);
                    if in_place && below == below_floor {
                        // The target is below the region: a batch for it.
                        return if marks.is_empty() {
                            Ok(found)
                        } else {
                            Err(self.bail())
                        };
                    }
                    height = below + if in_place { 0 } else { usize::from(push) };
                }
                StackEffect::Pops { pop, push } => {
                    let (pop, push) = (usize::from(pop), usize::from(push));
                    if takes_value(pop, push) {
                        return Ok(found);
                    }
                    if pop > above {
                        return Err(self.bail());
                    }
                    height = height - pop + push;
                }
                StackEffect::InPlace { pop } => {
                    let pop = usize::from(pop);
                    if takes_value(pop, 0) {
                        return Ok(found);
                    }
                    if pop + 1 > above {
                        return Err(self.bail());
                    }
                    height -= pop;
                }
                StackEffect::Pop => {
                    if marks.last().is_some_and(|m| m.1 == height) {
                        marks.pop();
                    } else if takes_value(1, 0) {
                        return Ok(found);
                    } else if above == 0 {
                        return Err(self.bail());
                    } else {
                        height -= 1;
                    }
                }
                StackEffect::Dup => {
                    if above == 0 {
                        return Err(self.bail());
                    }
                    height += 1;
                }
                StackEffect::Stop => {
                    return if marks.is_empty() && height >= 1 {
                        Ok(found)
                    } else {
                        Err(self.bail())
                    };
                }
            }
            pos = self.end_of(pos, op)?;
        }
    }

    fn remember(&self, mark: usize, closer: (usize, Opcode)) {
        let mut closers = self.closers.borrow_mut();
        // A cache, not a record: bounded, so that memory stays constant.
        if closers.len() >= MAX_REMEMBERED {
            closers.clear();
        }
        closers.insert(mark, closer);
    }
}
