//! Looking ahead: which opcode consumes a value, and where a mark is closed.
//!
//! Both questions are answered by following the stack heights from a
//! position on, using the stack effects of the opcode table, without
//! building anything. Marks closed on the way are remembered, so that a
//! region is walked again only if the cache had to be cleared.

use super::Stream;
use crate::error::Result;
use crate::opcode::{ArgKind, Opcode, StackItem};

/// What an opcode does to the stack, for the purpose of the scan.
#[derive(Clone, Copy)]
enum Effect {
    Mark,
    /// Pops to the top mark, then pushes `push` items; `in_place` when the
    /// item below the mark stays (`APPENDS`, `SETITEMS`, `ADDITEMS`).
    ToMark {
        push: usize,
        in_place: bool,
    },
    /// Pops `pop` items and pushes `push`.
    Pops {
        pop: usize,
        push: usize,
    },
    /// Pops `pop` items above a target that stays (`APPEND`, `BUILD`...).
    InPlace {
        pop: usize,
    },
    Pop,
    Dup,
    Stop,
}

fn effect(op: Opcode) -> Effect {
    let info = op.info();
    match op {
        Opcode::Mark => return Effect::Mark,
        Opcode::Pop => return Effect::Pop,
        Opcode::Dup => return Effect::Dup,
        Opcode::Stop => return Effect::Stop,
        _ => {}
    }
    if let Some(below) = info.stack_before.iter().position(|s| *s == StackItem::Mark) {
        return Effect::ToMark {
            push: info.stack_after.len() - below.min(info.stack_after.len()),
            in_place: below > 0,
        };
    }
    if op.modifies_in_place() {
        return Effect::InPlace {
            pop: info.stack_before.len().saturating_sub(1),
        };
    }
    Effect::Pops {
        pop: info.stack_before.len(),
        push: info.stack_after.len(),
    }
}

/// What a scan looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    /// The opcode that takes the value starting at the scan's start off the
    /// stack (an opcode that replaces it by a bigger value, such as `TUPLE1`,
    /// does not count: the scan follows the bigger value).
    Consumer,
    /// The first opcode that pops the value starting at the scan's start,
    /// whether or not it pushes a bigger value in its place.
    Wrapper,
    /// The opcode that pops to the mark the scan starts after.
    Closer,
}

impl<'a> Stream<'a> {
    /// The position after the opcode at `pos` and its argument.
    pub(crate) fn end_of(&self, pos: usize, op: Opcode) -> Result<usize> {
        let kind = op.arg();
        if let Some(n) = kind.fixed_len() {
            return Ok(pos + 1 + n);
        }
        if let Some(width) = kind.length_prefix() {
            let len = match kind {
                ArgKind::Long4 | ArgKind::String4 => {
                    let n = self.u32_at(pos + 1)? as i32;
                    usize::try_from(n).map_err(|_| self.bail())?
                }
                _ => self.len_at(pos + 1, width)?,
            };
            return Ok(pos + 1 + width + len);
        }
        let mut at = pos + 1;
        for _ in 0..kind.lines() {
            at += self.line_at(at)?.len() + 1;
        }
        Ok(at)
    }

    /// The position and opcode of what consumes the value that starts at
    /// `start` (an `APPEND` that appends it, the `TUPLE2` that takes it, ...).
    pub(crate) fn consumer(&self, start: usize) -> Result<(usize, Opcode)> {
        self.scan(start, Goal::Consumer)
    }

    /// The first opcode after `start` that meets `goal`.
    pub(crate) fn scan_to(&self, start: usize, goal: Goal) -> Result<(usize, Opcode)> {
        self.scan(start, goal)
    }

    /// The position and opcode of what closes the mark at `mark`.
    pub(crate) fn closer(&self, mark: usize) -> Result<(usize, Opcode)> {
        if let Some(&found) = self.closers.borrow().get(&mark) {
            return Ok(found);
        }
        self.scan(mark + 1, Goal::Closer)
    }

    fn remember(&self, mark: usize, closer: (usize, Opcode)) {
        let mut closers = self.closers.borrow_mut();
        if closers.len() >= 1 << 20 {
            closers.clear();
        }
        closers.insert(mark, closer);
    }

    /// Follows stack heights from `start` until `goal` is met. Heights are
    /// counted from the start; the value the scan looks after is the item at
    /// height 0. Anything that would be an error in CPython makes it give up.
    fn scan(&self, start: usize, goal: Goal) -> Result<(usize, Opcode)> {
        // Open marks: their position and the height below them. A closer scan
        // starts just after its mark, at height 0.
        let mut marks: Vec<(usize, usize)> = Vec::new();
        if goal == Goal::Closer {
            marks.push((start - 1, 0));
        }
        let consumer = goal != Goal::Closer;
        let mut height = 0usize;
        let mut pos = start;
        loop {
            let work = self.work.get() + 1;
            if work > self.max_work {
                return Err(self.bail());
            }
            self.work.set(work);
            let op = self
                .input
                .get(pos)
                .copied()
                .and_then(Opcode::from_byte)
                .ok_or_else(|| self.bail())?;
            let found = (pos, op);
            // Items above the top open mark (what an opcode may pop).
            let floor = marks.last().map_or(0, |m| m.1);
            let above = height - floor;
            // With no open mark, an opcode that pops every item and leaves none
            // takes the value off the stack. One that pops it and pushes a
            // result in its place (`TUPLE1`, `REDUCE`) only makes it part of a
            // bigger value, which the scan goes on following.
            let takes_value = |pops: usize, pushes: usize| {
                consumer
                    && marks.is_empty()
                    && height >= 1
                    && pops >= height
                    && (goal == Goal::Wrapper || height + pushes <= pops)
            };
            match effect(op) {
                Effect::Mark => {
                    let cached = self.closers.borrow().get(&pos).copied();
                    if let Some((closer, close_op)) = cached {
                        let Effect::ToMark { push, in_place } = effect(close_op) else {
                            return Err(self.bail());
                        };
                        if in_place && above == 0 {
                            // A batch for an object below the scanned region.
                            return if consumer && marks.is_empty() {
                                Ok(found)
                            } else {
                                Err(self.bail())
                            };
                        }
                        height += push;
                        pos = self.end_of(closer, close_op)?;
                        continue;
                    }
                    marks.push((pos, height));
                }
                Effect::ToMark { push, in_place } => {
                    let Some((mark, below)) = marks.pop() else {
                        // It pops to a mark set before the value began.
                        return if consumer && height >= 1 {
                            Ok(found)
                        } else {
                            Err(self.bail())
                        };
                    };
                    self.remember(mark, found);
                    if goal == Goal::Closer && marks.is_empty() {
                        return Ok(found);
                    }
                    let below_floor = marks.last().map_or(0, |m| m.1);
                    if in_place && below == below_floor {
                        // The target is below the region: a batch for it.
                        return if consumer && marks.is_empty() {
                            Ok(found)
                        } else {
                            Err(self.bail())
                        };
                    }
                    height = below + if in_place { 0 } else { push };
                }
                Effect::Pops { pop, push } => {
                    if takes_value(pop, push) {
                        return Ok(found);
                    }
                    if pop > above {
                        return Err(self.bail());
                    }
                    height = height - pop + push;
                }
                Effect::InPlace { pop } => {
                    if takes_value(pop, 0) {
                        return Ok(found);
                    }
                    if pop + 1 > above {
                        return Err(self.bail());
                    }
                    height -= pop;
                }
                Effect::Pop => {
                    if marks.last().is_some_and(|m| m.1 == height) {
                        let (mark, _) = marks.pop().unwrap_or_default();
                        if goal == Goal::Closer && marks.is_empty() {
                            self.remember(mark, found);
                            return Ok(found);
                        }
                    } else if takes_value(1, 0) {
                        return Ok(found);
                    } else if above == 0 {
                        return Err(self.bail());
                    } else {
                        height -= 1;
                    }
                }
                Effect::Dup => {
                    if above == 0 {
                        return Err(self.bail());
                    }
                    height += 1;
                }
                Effect::Stop => {
                    return if consumer && marks.is_empty() && height >= 1 {
                        Ok(found)
                    } else {
                        Err(self.bail())
                    };
                }
            }
            pos = self.end_of(pos, op)?;
        }
    }
}
