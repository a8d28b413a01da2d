//! Reading at the read position: opcodes, arguments (through the one
//! argument reader), frames, and memo stores and fetches.

use std::rc::Rc;

use super::{Entry, Stream};
use crate::de::plan::{end_of, memo_index, walk_writes, Plan, CHECKPOINT_EVERY};
use crate::error::Result;
use crate::opcode::arg::{self, Arg};
use crate::opcode::{Opcode, StackEffect};

impl<'a> Stream<'a> {
    /// The opcode at the read position. `FRAME` and `PROTO` opcodes before
    /// it are read past (a frame only groups bytes that follow anyway).
    #[inline]
    pub(crate) fn peek(&self) -> Result<Opcode> {
        // `skip` reads past frames, so the opcode is usually right here.
        match self.op_at(self.pos.get()) {
            Some(Opcode::Frame | Opcode::Proto) | None => self.peek_past_frames(),
            Some(op) => Ok(op),
        }
    }

    #[cold]
    fn peek_past_frames(&self) -> Result<Opcode> {
        self.past_frames();
        // `past_frames` leaves an invalid `FRAME` or `PROTO` in place.
        match self.op_at(self.pos.get()) {
            Some(Opcode::Frame | Opcode::Proto) | None => Err(self.bail()),
            Some(op) => Ok(op),
        }
    }

    #[inline]
    pub(crate) fn op_at(&self, pos: usize) -> Option<Opcode> {
        self.input.get(pos).copied().and_then(Opcode::from_byte)
    }

    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.pos.get()
    }

    pub(crate) fn protocol(&self) -> u8 {
        self.state.borrow().proto
    }

    /// Moves the read position `n` bytes on (callers checked they exist),
    /// and past any `FRAME` and `PROTO` opcodes after them, so that a read
    /// position is always that of an opcode that matters.
    #[inline]
    pub(crate) fn skip(&self, n: usize) {
        const FRAME: u8 = Opcode::Frame.byte();
        const PROTO: u8 = Opcode::Proto.byte();
        let pos = self.pos.get() + n;
        self.pos.set(pos);
        if let Some(&(FRAME | PROTO)) = self.input.get(pos) {
            self.past_frames();
        }
    }

    /// Moves the read position past `FRAME` and `PROTO` opcodes. An invalid
    /// one is left in place, for `peek` to refuse.
    pub(crate) fn past_frames(&self) {
        let mut pos = self.pos.get();
        while let Some(next) = self.after_frame(pos) {
            if self.op_at(pos) == Some(Opcode::Proto) {
                self.state.borrow_mut().proto = self.input[pos + 1];
            }
            pos = next;
        }
        self.pos.set(pos);
    }

    /// The position after a valid `FRAME` or `PROTO` opcode at `pos`, if one
    /// is there. CPython commits frames between any two values, even
    /// between a dict key and its value.
    pub(crate) fn after_frame(&self, pos: usize) -> Option<usize> {
        match self.op_at(pos)? {
            op @ Opcode::Frame => match arg::read_at(op, self.input, pos + 1)? {
                (Arg::U64(n), end) => (n <= (self.input.len() - end) as u64).then_some(end),
                _ => None,
            },
            Opcode::Proto => (*self.input.get(pos + 1)? <= 5).then_some(pos + 2),
            _ => None,
        }
    }

    /// The argument of the opcode `op` at `pos`, and where the next opcode is.
    #[inline(always)]
    pub(crate) fn arg_at(&self, op: Opcode, pos: usize) -> Result<(Arg, usize)> {
        arg::read_at(op, self.input, pos + 1).ok_or_else(|| self.bail())
    }

    /// The bytes of a span of the input.
    #[inline]
    pub(crate) fn bytes(&self, span: crate::de::source::Span) -> &'a [u8] {
        span.of(self.input)
    }

    /// The position after the opcode at `pos` and its argument.
    #[inline]
    pub(crate) fn end_of(&self, pos: usize) -> Result<usize> {
        end_of(self.input, pos).ok_or_else(|| self.bail())
    }

    /// The module and name lines of the `GLOBAL` opcode at `at`, as text
    /// (before any renaming), and where the opcode after them is.
    pub(crate) fn global_lines(&self, at: usize) -> Option<(&'a str, &'a str, usize)> {
        match arg::read_at(Opcode::Global, self.input, at + 1)? {
            (Arg::Lines(module, name), end) => Some((
                std::str::from_utf8(self.bytes(module)).ok()?,
                std::str::from_utf8(self.bytes(name)).ok()?,
                end,
            )),
            _ => None,
        }
    }

    /// A global's name as CPython's `find_class` sees it (Python 2 names
    /// renamed below protocol 3, with `fix_imports`).
    pub(crate) fn renamed(&self, module: &str, name: &str) -> (String, String) {
        if self.protocol() < 3 && self.opts.fix_imports {
            if let Some((m, n)) = crate::compat::to_python3(module, name) {
                return (m.to_owned(), n.to_owned());
            }
        }
        (module.to_owned(), name.to_owned())
    }

    // --- memo stores ------------------------------------------------------

    /// Reads the memo stores that follow a value, keeping `entry` for each
    /// if the plan keeps it (once there is a plan; before, none is kept
    /// and a `GET` finds it again).
    #[inline]
    pub(crate) fn memo_stores(&self, entry: impl FnOnce() -> Entry) -> Result<()> {
        const MEMOIZE: u8 = Opcode::Memoize.byte();
        const BINPUT: u8 = Opcode::BinPut.byte();
        const LONG_BINPUT: u8 = Opcode::LongBinPut.byte();
        const PUT: u8 = Opcode::Put.byte();
        let pos = self.pos.get();
        match self.input.get(pos) {
            // One `MEMOIZE` of an entry no one keeps: CPython's common case.
            Some(&MEMOIZE)
                if !self.planned.get()
                    && !matches!(
                        self.input.get(pos + 1),
                        Some(&(MEMOIZE | BINPUT | LONG_BINPUT | PUT))
                    ) =>
            {
                let idx = self.memo_len.get();
                if idx >= self.opts.limits.max_memo {
                    return Err(self.bail());
                }
                self.memo_len.set(idx + 1);
                self.checkpoint(idx, pos);
                self.skip(1);
                Ok(())
            }
            Some(&(MEMOIZE | BINPUT | LONG_BINPUT | PUT)) => self.memo_stores_from(entry, false),
            _ => Ok(()),
        }
    }

    /// Reads the memo stores that follow a global or an enum member,
    /// keeping `entry` for each: they are few, and read back often.
    pub(crate) fn memo_keep(&self, entry: Entry) -> Result<()> {
        self.memo_stores_from(|| entry, true)
    }

    fn memo_stores_from(&self, entry: impl FnOnce() -> Entry, always: bool) -> Result<()> {
        let mut entry = Some(entry);
        let mut made: Option<Entry> = None;
        loop {
            let pos = self.pos.get();
            let (idx, end) = match self.op_at(pos) {
                Some(Opcode::Memoize) => (self.memo_len.get(), pos + 1),
                Some(Opcode::BinPut | Opcode::LongBinPut | Opcode::Put) => {
                    memo_index(self.input, pos).ok_or_else(|| self.bail())?
                }
                _ => return Ok(()),
            };
            // Entries are written in order, as CPython writes them.
            let count = self.memo_len.get() + 1;
            if idx != count - 1 || count > self.opts.limits.max_memo {
                return Err(self.bail());
            }
            self.memo_len.set(count);
            self.checkpoint(idx, pos);
            let keep = always
                || (self.planned.get()
                    && self
                        .state
                        .borrow()
                        .plan
                        .as_ref()
                        .is_some_and(|p| p.is_read(idx)));
            if keep {
                let made = made.get_or_insert_with(|| entry.take().map_or(Entry::Other, |f| f()));
                let key = u32::try_from(idx).map_err(|_| self.bail())?;
                self.state.borrow_mut().memo.insert(key, made.clone());
            }
            self.skip(end - pos);
        }
    }

    /// Notes where memo write number `index` is, if it is a checkpoint.
    #[inline]
    fn checkpoint(&self, index: usize, pos: usize) {
        if index % CHECKPOINT_EVERY == 0 {
            self.state.borrow_mut().checkpoints.note(index, pos);
        }
    }

    // --- memo fetches -----------------------------------------------------

    /// If the opcode at the read position is a memo `GET`, its entry and
    /// length; a `GET` of an entry that is neither kept nor found again
    /// makes the reader give up.
    #[inline]
    pub(crate) fn get_at(&self, op: Opcode) -> Result<Option<(Entry, usize)>> {
        if !matches!(op, Opcode::BinGet | Opcode::LongBinGet | Opcode::Get) {
            return Ok(None);
        }
        let pos = self.pos.get();
        let (idx, end) = memo_index(self.input, pos).ok_or_else(|| self.bail())?;
        match self.memo_entry(idx) {
            Some(entry) => Ok(Some((entry, end - pos))),
            None => Err(self.bail()),
        }
    }

    /// Memo entry `idx`, if it is kept or can be found again.
    #[inline]
    pub(crate) fn memo_entry(&self, idx: usize) -> Option<Entry> {
        let key = u32::try_from(idx).ok()?;
        let kept = self.state.borrow().memo.get(&key).cloned();
        kept.or_else(|| self.recover(idx))
    }

    /// Memo entry `idx`, written before the read position but not kept,
    /// found again and kept from now on: by a walk from a checkpoint while
    /// walks are cheap, then (once) by the plan, which also keeps every
    /// entry the plan reads that was written so far.
    #[cold]
    fn recover(&self, idx: usize) -> Option<Entry> {
        if idx >= self.memo_len.get() || self.planned.get() {
            return None;
        }
        let walked = self.state.borrow_mut().checkpoints.walk_to(self.input, idx);
        if let Some((values, write)) = walked {
            let entry = self.entry_of(values, write)?;
            let key = u32::try_from(idx).ok()?;
            self.state.borrow_mut().memo.insert(key, entry.clone());
            return Some(entry);
        }
        if !self.state.borrow().checkpoints.spent() {
            return None;
        }
        self.plan_and_catch_up()?;
        self.state
            .borrow()
            .memo
            .get(&u32::try_from(idx).ok()?)
            .cloned()
    }

    /// Makes the plan, keeps every entry it reads that was written before
    /// the read position, and follows it from now on.
    #[cold]
    fn plan_and_catch_up(&self) -> Option<()> {
        let plan = Plan::of(self.input)?;
        let end = self.memo_len.get();
        let mut found = Vec::new();
        walk_writes(self.input, (0, 0), usize::MAX, |number, values, write| {
            if number >= end {
                return false;
            }
            if plan.is_read(number) {
                found.push((number, values, write));
            }
            true
        });
        for (number, values, write) in found {
            let key = u32::try_from(number).ok()?;
            if self.state.borrow().memo.contains_key(&key) {
                continue;
            }
            if let Some(entry) = self.entry_of(values, write) {
                self.state.borrow_mut().memo.insert(key, entry);
            }
        }
        self.state.borrow_mut().plan = Some(plan);
        self.planned.set(true);
        Some(())
    }

    /// The entry for the value memoized by the memo write at `write`: the
    /// last of `values`, right before it (with the two before that, for a
    /// `STACK_GLOBAL`). The reader makes the same entries as it reads.
    fn entry_of(&self, values: [usize; 3], write: usize) -> Option<Entry> {
        let [module_at, name_at, at] = values;
        let op = self.op_at(at)?;
        let (arg, end) = arg::read_at(op, self.input, at + 1)?;
        if end != write {
            return None;
        }
        let span = arg.span();
        match (op, arg) {
            (Opcode::ShortBinUnicode | Opcode::BinUnicode | Opcode::BinUnicode8, _) => {
                Some(Entry::Str {
                    start: span.start,
                    len: span.len,
                })
            }
            (Opcode::ShortBinBytes | Opcode::BinBytes | Opcode::BinBytes8, _) => {
                Some(Entry::Bytes {
                    start: span.start,
                    len: span.len,
                })
            }
            (Opcode::BinInt | Opcode::BinInt1 | Opcode::BinInt2, Arg::Int(i)) => {
                Some(Entry::Int(i))
            }
            (Opcode::BinFloat, Arg::Float(f)) => Some(Entry::Float(f)),
            (Opcode::None, _) => Some(Entry::None),
            (Opcode::NewTrue | Opcode::NewFalse, _) => Some(Entry::Bool(op == Opcode::NewTrue)),
            (Opcode::Global, _) => {
                let (module, name, _) = self.global_lines(at)?;
                Some(Entry::Global(Rc::new(self.renamed(module, name))))
            }
            (Opcode::StackGlobal, _) => {
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

    /// The module and name of the global that starts at the read position,
    /// without reading it (no memo store is made).
    pub(crate) fn peek_global(&self) -> Option<(String, String)> {
        let pos = self.pos.get();
        let op = self.peek().ok()?;
        let (module, name) = match op {
            Opcode::Global => {
                let (module, name, _) = self.global_lines(pos)?;
                (module, name)
            }
            _ => {
                if let Ok(Some((Entry::Global(g), _))) = self.get_at(op) {
                    return Some((g.0.clone(), g.1.clone()));
                }
                // `module name STACK_GLOBAL`: two strings, each maybe memoized.
                let (module, at) = self.peek_text(pos)?;
                let (name, at) = self.peek_text(at)?;
                if self.op_at(at) != Some(Opcode::StackGlobal) {
                    return None;
                }
                (module, name)
            }
        };
        Some(self.renamed(module, name))
    }

    /// The string value at `at` (a string opcode or a `GET` of one) and
    /// where the opcode after it and its memo stores is.
    pub(super) fn peek_text(&self, at: usize) -> Option<(&'a str, usize)> {
        let op = self.op_at(at)?;
        let (start, len) = match op {
            Opcode::ShortBinUnicode | Opcode::BinUnicode | Opcode::BinUnicode8 => {
                let span = arg::read_at(op, self.input, at + 1)?.0.span();
                (span.start, span.len)
            }
            Opcode::BinGet | Opcode::LongBinGet => {
                let (idx, _) = memo_index(self.input, at)?;
                match self.memo_entry(idx) {
                    Some(Entry::Str { start, len }) => (start, len),
                    _ => return None,
                }
            }
            _ => return None,
        };
        let text = std::str::from_utf8(self.input.get(start..start.checked_add(len)?)?).ok()?;
        Some((text, self.after_atom(at)?))
    }

    /// Where the opcode after a value of one opcode (a string, a number, a
    /// memo `GET`...) at `at` and its memo stores is; `None` if no such
    /// value is at `at`.
    pub(crate) fn after_atom(&self, at: usize) -> Option<usize> {
        let op = self.op_at(at)?;
        if !matches!(op.stack_effect(), StackEffect::Pops { pop: 0, push: 1 }) {
            return None;
        }
        let mut at = end_of(self.input, at)?;
        while let Some(Opcode::Memoize | Opcode::BinPut | Opcode::LongBinPut | Opcode::Put) =
            self.op_at(at)
        {
            at = end_of(self.input, at)?;
        }
        while let Some(next) = self.after_frame(at) {
            at = next;
        }
        Some(at)
    }
}
