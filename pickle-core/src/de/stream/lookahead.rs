//! Looking ahead: which opcode consumes a value, and which made it.
//!
//! Most shapes are read without looking ahead (see [`super::seq`]); this is
//! for the few where the opcode after a value decides what the value is,
//! and the value is longer than one opcode (a list's single item that is an
//! object, say), and for errors, which carry the offset of the opcode that
//! made the value, as the general reader's do. The questions are answered
//! by following the stack heights from a position on, using the stack
//! effects of the opcode table, without building anything. Marks closed on
//! the way are remembered (a bounded cache), so that a nested question does
//! not walk the same region again.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::Stream;
use crate::error::Result;
use crate::hash::FxHasher;
use crate::opcode::{effect_of_byte, Opcode, StackEffect};

/// How many closers a stream remembers at most before it forgets them all.
const MAX_REMEMBERED: usize = 4096;

/// What lookahead remembers between questions, and how much more it may
/// walk (eight opcodes per byte of input in all).
pub(super) struct Cache {
    /// Where the mark at a position is closed, and by which opcode (keyed
    /// by positions, which the reader chooses: a fast hash is safe).
    closers: HashMap<usize, (usize, Opcode), BuildHasherDefault<FxHasher>>,
    work: usize,
    max_work: usize,
}

impl Cache {
    pub(super) fn new(input_len: usize) -> Cache {
        Cache {
            closers: HashMap::default(),
            work: 0,
            max_work: input_len.saturating_mul(8).saturating_add(4096),
        }
    }
}

impl<'a> Stream<'a> {
    /// The position and opcode of what consumes the value at `start`.
    pub(crate) fn consumer(&self, start: usize) -> Result<(usize, Opcode)> {
        self.follow(start).map(|(consumer, _)| consumer)
    }

    /// The offset of the opcode that made the value at `start` (the last
    /// one before its consumer that pushed it anew: `NEWOBJ` for an
    /// instance, `TUPLE2` for a pair), as the general reader gives objects.
    pub(crate) fn made_at(&self, start: usize) -> Result<usize> {
        self.follow(start).map(|(_, made)| made)
    }

    /// The position and opcode of what consumes the value that starts at
    /// `start` (an `APPEND` that appends it, the `TUPLE2` that takes it, ...):
    /// the first opcode that takes it off the stack. One that pops it and
    /// pushes a result in its place (`TUPLE1`, `REDUCE`) only makes it part
    /// of a bigger value, which the walk goes on following; such an opcode,
    /// or the first push, made the value. Heights are counted from the
    /// start; the value followed is the item at height 0. Anything that
    /// would be an error in CPython makes it give up.
    fn follow(&self, start: usize) -> Result<((usize, Opcode), usize)> {
        // Open marks: their position and the height below them.
        let mut marks: Vec<(usize, usize)> = Vec::new();
        let mut height = 0usize;
        let mut made = start;
        let mut pos = start;
        loop {
            {
                let mut state = self.state.borrow_mut();
                let cache = &mut state.lookahead;
                cache.work += 1;
                if cache.work > cache.max_work {
                    drop(state);
                    return Err(self.bail());
                }
            }
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
                    let cached = self.state.borrow().lookahead.closers.get(&pos).copied();
                    if let Some((closer, close_op)) = cached {
                        let StackEffect::ToMark { push, in_place } = close_op.stack_effect() else {
                            return Err(self.bail());
                        };
                        if in_place && above == 0 {
                            // A batch for an object below the scanned region.
                            return if marks.is_empty() {
                                Ok((found, made))
                            } else {
                                Err(self.bail())
                            };
                        }
                        if height == 0 && push > 0 && !in_place {
                            made = closer;
                        }
                        height += usize::from(push);
                        pos = self.end_of(closer)?;
                        continue;
                    }
                    marks.push((pos, height));
                }
                StackEffect::ToMark { push, in_place } => {
                    let Some((mark, below)) = marks.pop() else {
                        // It pops to a mark set before the value began.
                        return if height >= 1 {
                            Ok((found, made))
                        } else {
                            Err(self.bail())
                        };
                    };
                    self.remember(mark, found);
                    let below_floor = marks.last().map_or(0, |m| m.1);
                    if in_place && below == below_floor {
                        // The target is below the region: a batch for it.
                        return if marks.is_empty() {
                            Ok((found, made))
                        } else {
                            Err(self.bail())
                        };
                    }
                    if below == 0 && push > 0 && !in_place {
                        made = pos;
                    }
                    height = below + if in_place { 0 } else { usize::from(push) };
                }
                StackEffect::Pops { pop, push } => {
                    let (pop, push) = (usize::from(pop), usize::from(push));
                    if takes_value(pop, push) {
                        return Ok((found, made));
                    }
                    if pop > above {
                        return Err(self.bail());
                    }
                    if pop >= height && push > 0 {
                        made = pos;
                    }
                    height = height - pop + push;
                }
                StackEffect::InPlace { pop } => {
                    let pop = usize::from(pop);
                    if takes_value(pop, 0) {
                        return Ok((found, made));
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
                        return Ok((found, made));
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
                        Ok((found, made))
                    } else {
                        Err(self.bail())
                    };
                }
            }
            pos = self.end_of(pos)?;
        }
    }

    fn remember(&self, mark: usize, closer: (usize, Opcode)) {
        let closers = &mut self.state.borrow_mut().lookahead.closers;
        // A cache, not a record: bounded, so that memory stays constant.
        if closers.len() >= MAX_REMEMBERED {
            closers.clear();
        }
        closers.insert(mark, closer);
    }
}
