//! Memo planning: which memo entries a `GET` reads back, so that readers
//! keep only those.
//!
//! CPython memoizes nearly every object it writes and reads back few (a
//! class, the field names, shared objects). Keeping every entry would make
//! a reader's memory grow with the pickle; the decoded value should be the
//! only large thing. Three mechanisms, one policy each reader follows:
//!
//! - the [`Plan`]: one pass over the opcodes that finds the entries that
//!   `GET`s read (a tenth of a typed decode of many records);
//! - a guess instead of the plan: none is read back. A builder run (the
//!   `Value` builder, which must share exactly what the arena shares)
//!   that meets a `GET` of an entry it did not keep starts again keeping it,
//!   while restarts are few and early ([`with_restarts`]); then the plan
//!   decides;
//! - for the streaming reader, which never restarts (it runs the caller's
//!   `FromPickle`): a `GET` of an entry it did not keep finds the entry
//!   again by walking the opcodes from the nearest [`Checkpoints`] (every
//!   256th memo write's position); once walks have cost a quarter of the
//!   input, it makes the plan and keeps what it says from there on.

use crate::opcode::arg::{self, Arg};
use crate::opcode::{Opcode, FIXED_ARG, NO_OPCODE, SHORT_ARG, VARIABLE_ARG};
use crate::text::int::{parse_memo_index_line, TextInt};

/// The memo indices that `GET`s of a pickle read.
#[derive(Default)]
pub(crate) struct Plan {
    /// A bitset: bit `i % 64` of word `i / 64` is entry `i`.
    read: Vec<u64>,
}

impl Plan {
    /// Walks the opcodes of the pickle at the start of `input` up to its
    /// `STOP`. `None` for anything the planned readers leave to the arena:
    /// an unknown opcode, an argument past the end, a memo index other than
    /// the next one (CPython writes entry `n` as the `n`th, and reads only
    /// entries written before), or a `GET` of an entry not yet written.
    pub(crate) fn of(input: &[u8]) -> Option<Plan> {
        let mut plan = Plan::default();
        // Indices read by `BINGET` (below 256), the common `GET`, apart:
        // no bounds to check or vector to grow.
        let mut small = [0u64; 4];
        let mut written = 0usize;
        let mut pos = 0;
        loop {
            // An argument that runs past the end leaves `pos` there, and
            // the next read fails: no `STOP`, no plan.
            match STEPS[*input.get(pos)? as usize] {
                Step::Skip(n) => pos += n as usize,
                Step::Short => pos += 2 + *input.get(pos + 1)? as usize,
                Step::Variable => pos = end_of(input, pos)?,
                Step::Memoize => {
                    written += 1;
                    pos += 1;
                }
                Step::Put => {
                    let (index, end) = memo_index(input, pos)?;
                    if index != written {
                        return None;
                    }
                    written += 1;
                    pos = end;
                }
                Step::BinGet => {
                    let index = *input.get(pos + 1)?;
                    if index as usize >= written {
                        return None;
                    }
                    small[index as usize / 64] |= 1 << (index % 64);
                    pos += 2;
                }
                Step::Get => {
                    let (index, end) = memo_index(input, pos)?;
                    if index >= written {
                        return None;
                    }
                    plan.add(index);
                    pos = end;
                }
                Step::Stop => {
                    for (i, word) in small.into_iter().enumerate() {
                        for bit in 0..64 {
                            if word & (1 << bit) != 0 {
                                plan.add(i * 64 + bit);
                            }
                        }
                    }
                    return Some(plan);
                }
                Step::Invalid => return None,
            }
        }
    }

    /// A guess: no entry is read but `indices`.
    pub(crate) fn guess(indices: &[usize]) -> Plan {
        let mut plan = Plan::default();
        for &index in indices {
            plan.add(index);
        }
        plan
    }

    fn add(&mut self, index: usize) {
        let word = index / 64;
        if word >= self.read.len() {
            self.read.resize(word + 1, 0);
        }
        self.read[word] |= 1 << (index % 64);
    }

    /// Whether a `GET` reads the memo entry `index`.
    #[inline]
    pub(crate) fn is_read(&self, index: usize) -> bool {
        self.read
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// For each memo index up to the last read one, the number of the read
    /// entry it is (0, 1, 2...), or `not_read`.
    pub(crate) fn slots(&self, not_read: u32) -> Vec<u32> {
        let last = self
            .read
            .iter()
            .rposition(|&w| w != 0)
            .map_or(0, |i| i * 64 + 64 - self.read[i].leading_zeros() as usize);
        let mut next = 0u32;
        (0..last)
            .map(|index| {
                if self.is_read(index) {
                    next += 1;
                    next - 1
                } else {
                    not_read
                }
            })
            .collect()
    }
}

/// How a builder run that keeps the entries of a [`Plan`] ended.
pub(crate) enum Run<T> {
    Done(T),
    /// A `GET` read entry `index`, not kept; the run had read `pos` bytes.
    Missed {
        index: usize,
        pos: usize,
    },
    GaveUp,
}

/// How many times a run may start again to keep a memo entry it did not
/// know a `GET` would read, before the plan decides instead.
const MAX_RESTARTS: usize = 16;

/// Runs `run` on a guess, starting again with each entry it missed while
/// that is worth it: CPython reads back the few entries it reads (a class,
/// field names) from early on, so a guess costs little and saves the
/// plan's pass over the whole input; a pickle that needs many restarts, or
/// restarts late, gets the plan.
pub(crate) fn with_restarts<T>(input: &[u8], mut run: impl FnMut(&Plan) -> Run<T>) -> Option<T> {
    let mut kept = Vec::new();
    let mut wasted = 0usize;
    while kept.len() < MAX_RESTARTS && wasted <= input.len() / 4 {
        match run(&Plan::guess(&kept)) {
            Run::Done(value) => return Some(value),
            Run::Missed { index, pos } => {
                kept.push(index);
                wasted += pos;
            }
            Run::GaveUp => return None,
        }
    }
    match run(&Plan::of(input)?) {
        Run::Done(value) => Some(value),
        _ => None,
    }
}

/// Every [`CHECKPOINT_EVERY`]th memo write's position, for walks that find
/// an entry again, and how far walks may still go.
pub(crate) struct Checkpoints {
    /// `at[k]`: the position of memo write number `k * CHECKPOINT_EVERY`.
    at: Vec<usize>,
    /// The memo write the last walk ended at: its number and position (a
    /// pickle that reads back many entries in order walks each stretch once).
    last: (usize, usize),
    /// Bytes walks may still go over: a quarter of the input in all, so
    /// that walking costs less than the plan's pass would.
    budget: usize,
}

/// How often a memo write's position is noted.
pub(crate) const CHECKPOINT_EVERY: usize = 256;

impl Checkpoints {
    pub(crate) fn new(input_len: usize) -> Checkpoints {
        Checkpoints {
            at: Vec::new(),
            last: (0, 0),
            budget: input_len / 4 + 4096,
        }
    }

    /// Notes where memo write number `index` (a multiple of
    /// [`CHECKPOINT_EVERY`]) is.
    pub(crate) fn note(&mut self, index: usize, pos: usize) {
        if self.at.len() == index / CHECKPOINT_EVERY {
            self.at.push(pos);
        }
    }

    /// Whether walks have spent their budget.
    pub(crate) fn spent(&self) -> bool {
        self.budget == 0
    }

    /// Walks to memo write number `index`: its position, and those of the
    /// three opcodes before it that are not memo writes, frames or `PROTO`
    /// (the last is the value it memoizes; a `STACK_GLOBAL`'s module and
    /// name may be the two before). Starts from a checkpoint at least three
    /// writes before it, or from the start. `None` past the budget (which
    /// is then spent) or if the walk fails.
    pub(crate) fn walk_to(&mut self, input: &[u8], index: usize) -> Option<([usize; 3], usize)> {
        let mut from = (0, 0);
        if let Some(target) = index.checked_sub(3) {
            let k = target / CHECKPOINT_EVERY;
            if let Some(&pos) = self.at.get(k) {
                from = (k * CHECKPOINT_EVERY, pos);
            }
            let (n, p) = self.last;
            if n <= target && n > from.0 {
                from = (n, p);
            }
        }
        let mut found = None;
        let walked = walk_writes(input, from, self.budget, |number, values, write| {
            if number == index {
                found = Some((values, write));
            }
            number < index
        });
        match (walked, found) {
            (Walk::Stopped(end), Some(found)) => {
                self.budget -= end - from.1;
                self.last = (index, found.1);
                Some(found)
            }
            (Walk::OverLimit, _) => {
                self.budget = 0;
                None
            }
            _ => None,
        }
    }
}

/// How [`walk_writes`] ended.
pub(crate) enum Walk {
    /// `each` said to stop, at this position.
    Stopped(usize),
    OverLimit,
    /// At `STOP`, or at an opcode that does not read.
    Ended,
}

/// Walks the opcodes from memo write number `from.0` at position `from.1`,
/// calling `each(number, values, write)` at every memo write with the
/// positions of the three opcodes before it that are not memo writes,
/// frames or `PROTO`, while `each` returns true and the walk has gone over
/// at most `limit` bytes.
pub(crate) fn walk_writes(
    input: &[u8],
    from: (usize, usize),
    limit: usize,
    mut each: impl FnMut(usize, [usize; 3], usize) -> bool,
) -> Walk {
    let (mut number, start) = from;
    let mut pos = start;
    let mut values = [usize::MAX; 3];
    loop {
        if pos - start > limit {
            return Walk::OverLimit;
        }
        let Some(op) = input.get(pos).copied().and_then(Opcode::from_byte) else {
            return Walk::Ended;
        };
        match op {
            Opcode::Memoize | Opcode::Put | Opcode::BinPut | Opcode::LongBinPut => {
                if !each(number, values, pos) {
                    return Walk::Stopped(pos);
                }
                number += 1;
            }
            Opcode::Stop => return Walk::Ended,
            Opcode::Frame | Opcode::Proto => {}
            _ => values = [values[1], values[2], pos],
        }
        match end_of(input, pos) {
            Some(end) => pos = end,
            None => return Walk::Ended,
        }
    }
}

/// The position after the opcode at `pos` and its argument, if the
/// argument is within `input`.
#[inline]
pub(crate) fn end_of(input: &[u8], pos: usize) -> Option<usize> {
    let byte = *input.get(pos)?;
    // Most opcodes: one table load says how long the argument is.
    let end = match FIXED_ARG[byte as usize] {
        NO_OPCODE => return None,
        SHORT_ARG => pos + 2 + *input.get(pos + 1)? as usize,
        VARIABLE_ARG => return Some(arg::read_at(Opcode::from_byte(byte)?, input, pos + 1)?.1),
        n => pos + 1 + n as usize,
    };
    (end <= input.len()).then_some(end)
}

/// The memo index that the `GET` or `PUT` (of any form) at `pos` names,
/// and the position after it.
#[inline]
pub(crate) fn memo_index(input: &[u8], pos: usize) -> Option<(usize, usize)> {
    let op = Opcode::from_byte(*input.get(pos)?)?;
    match arg::read_at(op, input, pos + 1)? {
        (Arg::Int(i), end) => Some((usize::try_from(i).ok()?, end)),
        (Arg::Line(span), end) => {
            // The parser expects the line with its newline.
            let line = input.get(span.start..=span.start + span.len)?;
            match parse_memo_index_line(line) {
                Ok(TextInt::Small(i)) => Some((usize::try_from(i).ok()?, end)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What the plan does at an opcode, by its byte.
#[derive(Clone, Copy)]
enum Step {
    /// Steps over the opcode and its fixed-size argument: `n` bytes in all.
    Skip(u8),
    /// Steps over an argument of a one-byte length and that many bytes.
    Short,
    /// Steps over an argument whose size is in another form.
    Variable,
    Memoize,
    /// `PUT` in any of its forms.
    Put,
    /// `LONG_BINGET` or `GET`.
    Get,
    /// `BINGET`.
    BinGet,
    Stop,
    Invalid,
}

static STEPS: [Step; 256] = {
    let mut steps = [Step::Invalid; 256];
    let mut byte = 0;
    while byte < 256 {
        steps[byte] = match FIXED_ARG[byte] {
            NO_OPCODE => Step::Invalid,
            SHORT_ARG => Step::Short,
            VARIABLE_ARG => Step::Variable,
            n => Step::Skip(n + 1),
        };
        byte += 1;
    }
    steps[Opcode::Memoize as usize] = Step::Memoize;
    steps[Opcode::BinPut as usize] = Step::Put;
    steps[Opcode::LongBinPut as usize] = Step::Put;
    steps[Opcode::Put as usize] = Step::Put;
    steps[Opcode::BinGet as usize] = Step::BinGet;
    steps[Opcode::LongBinGet as usize] = Step::Get;
    steps[Opcode::Get as usize] = Step::Get;
    steps[Opcode::Stop as usize] = Step::Stop;
    steps
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_the_entries_gets_read() {
        // pickle.dumps([s, s], protocol=2) for a str s: entry 1 is read.
        let plan = Plan::of(b"\x80\x02]q\x00(X\x02\x00\x00\x00abq\x01h\x01e.").expect("a plan");
        assert!(plan.is_read(1) && !plan.is_read(0));
        assert_eq!(plan.slots(u32::MAX), [u32::MAX, 0]);
        // A `GET` of an entry not written yet: no plan.
        assert!(Plan::of(b"h\x00.").is_none());
    }

    #[test]
    fn walks_to_a_memo_write() {
        let input = b"\x80\x04\x8c\x01a\x94\x8c\x01b\x94\x8c\x01c\x94.";
        let mut checkpoints = Checkpoints::new(input.len());
        let (values, write) = checkpoints.walk_to(input, 1).expect("found");
        assert_eq!((values[2], write), (6, 9));
    }
}
