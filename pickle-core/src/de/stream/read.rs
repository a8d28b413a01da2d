//! Reading opcodes, their arguments, and memo stores.

use super::{arg, Entry, Stream};
use crate::error::Result;
use crate::opcode::{Opcode, StackEffect};

impl<'a> Stream<'a> {
    /// The opcode at the read position. `FRAME` and `PROTO` opcodes before
    /// it are read past (a frame only groups bytes that follow anyway).
    #[inline]
    pub(crate) fn peek(&self) -> Result<Opcode> {
        // `skip` reads past frames, so the opcode is usually right here.
        match self
            .input
            .get(self.pos.get())
            .copied()
            .and_then(Opcode::from_byte)
        {
            Some(Opcode::Frame | Opcode::Proto) | None => self.peek_past_frames(),
            Some(op) => Ok(op),
        }
    }

    #[cold]
    fn peek_past_frames(&self) -> Result<Opcode> {
        self.past_frames();
        // `past_frames` leaves an invalid `FRAME` or `PROTO` in place.
        match self
            .input
            .get(self.pos.get())
            .copied()
            .and_then(Opcode::from_byte)
        {
            Some(Opcode::Frame | Opcode::Proto) | None => Err(self.bail()),
            Some(op) => Ok(op),
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos.get()
    }

    pub(crate) fn protocol(&self) -> u8 {
        self.proto.get()
    }

    /// Moves the read position `n` bytes on (callers checked they exist),
    /// and past any `FRAME` and `PROTO` opcodes after them, so that a read
    /// position is always that of an opcode that matters.
    #[inline(always)]
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
            if let Some(Opcode::Proto) = self.input.get(pos).copied().and_then(Opcode::from_byte) {
                self.proto.set(self.input[pos + 1]);
            }
            pos = next;
        }
        self.pos.set(pos);
    }

    /// The position after a valid `FRAME` or `PROTO` opcode at `pos`, if one is there.
    /// CPython commits frames between any two values, even between a dict
    /// key and its value.
    pub(crate) fn after_frame(&self, pos: usize) -> Option<usize> {
        match self.input.get(pos).copied().and_then(Opcode::from_byte)? {
            Opcode::Frame => {
                let b = self.input.get(pos + 1..pos + 9)?;
                let mut buf = [0u8; 8];
                buf.copy_from_slice(b);
                (u64::from_le_bytes(buf) <= (self.input.len() - pos - 9) as u64).then_some(pos + 9)
            }
            Opcode::Proto => (*self.input.get(pos + 1)? <= 5).then_some(pos + 2),
            _ => None,
        }
    }

    #[inline]
    pub(crate) fn u8_at(&self, at: usize) -> Result<u8> {
        self.input.get(at).copied().ok_or_else(|| self.bail())
    }

    #[inline]
    pub(crate) fn slice_at(&self, at: usize, len: usize) -> Result<&'a [u8]> {
        at.checked_add(len)
            .and_then(|end| self.input.get(at..end))
            .ok_or_else(|| self.bail())
    }

    #[inline]
    pub(crate) fn u32_at(&self, at: usize) -> Result<u32> {
        let b = self.slice_at(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    #[inline]
    pub(crate) fn u64_at(&self, at: usize) -> Result<u64> {
        let b = self.slice_at(at, 8)?;
        let mut buf = [0u8; 8];
        buf.copy_from_slice(b);
        Ok(u64::from_le_bytes(buf))
    }

    /// The line that starts at `at`, without its newline.
    pub(crate) fn line_at(&self, at: usize) -> Result<&'a [u8]> {
        arg::line_at(self.input, at).ok_or_else(|| self.bail())
    }

    /// The module and name lines of the `GLOBAL` opcode at `at`, as text
    /// (before any renaming), and where the opcode after them is.
    pub(crate) fn global_lines(&self, at: usize) -> Option<(&'a str, &'a str, usize)> {
        let module = arg::line_at(self.input, at + 1)?;
        let name = arg::line_at(self.input, at + 2 + module.len())?;
        let end = at + 3 + module.len() + name.len();
        Some((
            std::str::from_utf8(module).ok()?,
            std::str::from_utf8(name).ok()?,
            end,
        ))
    }

    /// The length field of `width` bytes at `at`, as a `usize` that fits the input.
    #[inline]
    pub(crate) fn len_at(&self, at: usize, width: usize) -> Result<usize> {
        let n = match width {
            1 => self.u8_at(at)? as u64,
            4 => self.u32_at(at)? as u64,
            _ => self.u64_at(at)?,
        };
        if n > self.input.len() as u64 {
            return Err(self.bail());
        }
        Ok(n as usize)
    }

    /// Reads the memo stores that follow a value, storing `entry` for each.
    #[inline(always)]
    pub(crate) fn memo_stores(&self, entry: impl FnOnce() -> Entry) -> Result<()> {
        const MEMOIZE: u8 = Opcode::Memoize.byte();
        const BINPUT: u8 = Opcode::BinPut.byte();
        const LONG_BINPUT: u8 = Opcode::LongBinPut.byte();
        const PUT: u8 = Opcode::Put.byte();
        let pos = self.pos.get();
        match self.input.get(pos) {
            // One `MEMOIZE` of an entry no `GET` reads: CPython's common case.
            Some(&MEMOIZE)
                if !matches!(
                    self.input.get(pos + 1),
                    Some(&(MEMOIZE | BINPUT | LONG_BINPUT | PUT))
                ) =>
            {
                let idx = self.memo_len.get();
                if idx >= self.opts.limits.max_memo || self.keeps(idx)? {
                    return self.memo_stores_from(entry);
                }
                self.memo_len.set(idx + 1);
                self.mark(idx, pos);
                self.skip(1);
                Ok(())
            }
            Some(&(MEMOIZE | BINPUT | LONG_BINPUT | PUT)) => self.memo_stores_from(entry),
            _ => Ok(()),
        }
    }

    /// [`memo_stores`](Self::memo_stores) in general.
    fn memo_stores_from(&self, entry: impl FnOnce() -> Entry) -> Result<()> {
        let mut entry = Some(entry);
        let mut made: Option<Entry> = None;
        loop {
            let pos = self.pos.get();
            let (idx, end) = match self.input.get(pos).copied().and_then(Opcode::from_byte) {
                Some(Opcode::Memoize) => (self.memo_len.get(), pos + 1),
                Some(Opcode::BinPut | Opcode::LongBinPut | Opcode::Put) => {
                    arg::memo_index(self.input, pos).ok_or_else(|| self.bail())?
                }
                _ => return Ok(()),
            };
            // Entries are written in order, as CPython writes them (the
            // plan checks this of the whole pickle, a guess as it goes).
            let count = self.memo_len.get() + 1;
            if idx != count - 1 || count > self.opts.limits.max_memo {
                return Err(self.bail());
            }
            self.memo_len.set(count);
            self.mark(idx, pos);
            // Only entries that a `GET` reads later are kept.
            if self.keeps(idx)? {
                let made = made.get_or_insert_with(|| entry.take().map_or(Entry::Other, |f| f()));
                // `is_read` holds only for indices that fit a `u32`.
                self.memo.borrow_mut().insert(idx as u32, made.clone());
            }
            self.skip(end - pos);
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
                if self.input.get(at).copied().and_then(Opcode::from_byte)
                    != Some(Opcode::StackGlobal)
                {
                    return None;
                }
                (module, name)
            }
        };
        Some(self.renamed(module, name))
    }

    /// A global's name as CPython's `find_class` sees it (Python 2 names
    /// renamed below protocol 3, with `fix_imports`).
    pub(crate) fn renamed(&self, module: &str, name: &str) -> (String, String) {
        if self.proto.get() < 3 && self.opts.fix_imports {
            if let Some((m, n)) = crate::compat::to_python3(module, name) {
                return (m.to_owned(), n.to_owned());
            }
        }
        (module.to_owned(), name.to_owned())
    }

    /// The string value at `at` (a string opcode or a `GET` of one) and
    /// where the opcode after it and its memo stores is.
    pub(super) fn peek_text(&self, at: usize) -> Option<(&'a str, usize)> {
        let op = self.input.get(at).copied().and_then(Opcode::from_byte)?;
        let (start, len) = match op {
            Opcode::ShortBinUnicode => (at + 2, self.u8_at(at + 1).ok()? as usize),
            Opcode::BinUnicode => (at + 5, self.u32_at(at + 1).ok()? as usize),
            Opcode::BinGet | Opcode::LongBinGet => {
                let (idx, _) = arg::memo_index(self.input, at)?;
                match self.memo_entry(idx) {
                    Some(Entry::Str { start, len, .. }) => (start, len),
                    _ => return None,
                }
            }
            _ => return None,
        };
        let text = std::str::from_utf8(self.input.get(start..start.checked_add(len)?)?).ok()?;
        Some((text, self.after_atom(at)?))
    }

    /// Where the opcode after a value of one opcode (a string, a number, a
    /// memo `GET`...) at `at` and its memo stores is; `None` if no such value
    /// is at `at`.
    pub(crate) fn after_atom(&self, at: usize) -> Option<usize> {
        let op = self.input.get(at).copied().and_then(Opcode::from_byte)?;
        if !matches!(op.stack_effect(), StackEffect::Pops { pop: 0, push: 1 }) {
            return None;
        }
        let mut at = self.end_of(at, op).ok()?;
        while let Some(op) = self.input.get(at).copied().and_then(Opcode::from_byte) {
            match op {
                Opcode::Memoize | Opcode::BinPut | Opcode::LongBinPut | Opcode::Put => {
                    at = self.end_of(at, op).ok()?;
                }
                _ => break,
            }
        }
        while let Some(next) = self.after_frame(at) {
            at = next;
        }
        Some(at)
    }

    /// If the opcode at the read position is a memo `GET`, its entry and length.
    #[inline]
    pub(crate) fn get_at(&self, op: Opcode) -> Result<Option<(Entry, usize)>> {
        if !matches!(op, Opcode::BinGet | Opcode::LongBinGet | Opcode::Get) {
            return Ok(None);
        }
        let pos = self.pos.get();
        let (idx, end) = arg::memo_index(self.input, pos).ok_or_else(|| self.bail())?;
        let len = end - pos;
        match self.memo_entry(idx) {
            Some(entry) => Ok(Some((entry, len))),
            None => Err(self.miss(idx)),
        }
    }

    /// Gives up at a `GET` of entry `idx`, which was not kept: if it was
    /// written, a guess missed it, and the decoding may start again.
    #[cold]
    fn miss(&self, idx: usize) -> crate::Error {
        if self.guess.is_some() && idx < self.memo_len.get() {
            self.missed.set(Some(idx));
        }
        self.bail()
    }

    /// The memo entry `idx`, if it was written and is kept, or can be
    /// found again (see `recover.rs`).
    #[inline]
    fn memo_entry(&self, idx: usize) -> Option<Entry> {
        let kept = self.memo.borrow().get(&u32::try_from(idx).ok()?).cloned();
        kept.or_else(|| self.recover(idx))
    }
}
