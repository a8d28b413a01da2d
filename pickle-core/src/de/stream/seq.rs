//! Lists, tuples, sets, frozensets and dicts, in the forms CPython writes.

use super::{Entry, StreamDecoder};
use crate::error::Result;
use crate::opcode::{effect_of_byte, Opcode, StackEffect};
use crate::ser::BATCH_SIZE;

/// Where a sequence's items come from.
///
/// The modes read CPython's shapes optimistically: items are values for as
/// long as values come, and the opcode that ends them must be the one the
/// mode expects, popping exactly the items read (a mark-based opcode pops
/// to the mark the mode read; `TUPLE2` pops two items, and two were read).
/// Every opcode read is thereby read for what it does, so the result is the
/// one the general reader builds; anything else makes the reader give up.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mode {
    /// Between batches of a list, set or dict: a batch (`MARK ... APPENDS`),
    /// a single item (`item APPEND`), or the end may come next.
    Between,
    /// Inside a batch: items until the batch's opcode.
    Batch,
    /// A single item, whose `APPEND` is at `at`.
    Single {
        at: usize,
    },
    /// Items of a marked region, until `TUPLE`, `LIST` or `FROZENSET`
    /// (only `LIST` when `list`).
    Marked {
        list: bool,
    },
    /// Items of a short tuple, `read` so far, until `TUPLE1`-`TUPLE3`.
    Short {
        read: usize,
    },
    Done,
}

/// What follows the items of a `set(list)` written as a call (before protocol 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tail {
    None,
    /// `TUPLE1` (or `TUPLE`, to the mark read when `marked`), then `REDUCE`.
    Call {
        marked: bool,
    },
}

pub(crate) struct StreamSeq<'a> {
    pub(super) d: StreamDecoder<'a>,
    pub(super) mode: Mode,
    /// The batch opcode and single-item opcode of a list (`APPENDS`,
    /// `APPEND`) or set (`ADDITEMS`, none).
    batch: (Opcode, Option<Opcode>),
    tail: Tail,
    /// Where the last item handed out started, to catch one not read.
    pub(super) last: Option<usize>,
    pub(super) len_hint: usize,
    /// Items handed out in the current batch.
    in_batch: usize,
}

const LIST_BATCH: (Opcode, Option<Opcode>) = (Opcode::Appends, Some(Opcode::Append));
const SET_BATCH: (Opcode, Option<Opcode>) = (Opcode::AddItems, None);
pub(super) const DICT_BATCH: (Opcode, Option<Opcode>) = (Opcode::SetItems, Some(Opcode::SetItem));

impl<'a> StreamDecoder<'a> {
    /// A list, tuple, set or frozenset; with `len`, a tuple or list of
    /// exactly that many items (a Rust tuple or array). In line for the
    /// common case, a list of any length, so that its state is made in
    /// place rather than copied out of a call.
    #[inline]
    pub(crate) fn seq(self) -> Result<StreamSeq<'a>> {
        self.seq_of(None)
    }

    /// A tuple or list of exactly `len` items (a Rust tuple or array).
    pub(crate) fn fixed_seq(self, len: usize) -> Result<StreamSeq<'a>> {
        self.seq_of(Some(len))
    }

    #[inline(always)]
    fn seq_of(self, len: Option<usize>) -> Result<StreamSeq<'a>> {
        let s = self.s;
        let pos = self.pos();
        if len.is_none()
            && s.pos() == pos
            && !s.bailed.get()
            && s.input.get(pos) == Some(&Opcode::EmptyList.byte())
        {
            s.skip(1);
            s.memo_stores(|| Entry::Other)?;
            return Ok(StreamSeq::new(self, Mode::Between, LIST_BATCH));
        }
        self.seq_in_general(len)
    }

    /// [`seq`](Self::seq) in general.
    #[inline(never)]
    fn seq_in_general(self, len: Option<usize>) -> Result<StreamSeq<'a>> {
        self.here()?;
        let s = self.s;
        let op = s.peek()?;
        if matches!(len, Some(1..=3))
            && s.protocol() >= 2
            && matches!(
                op,
                Opcode::EmptyList | Opcode::EmptySet | Opcode::EmptyTuple | Opcode::Mark
            )
            && matches!(
                s.op_at(s.made_at(s.pos())?),
                Some(Opcode::Tuple1 | Opcode::Tuple2 | Opcode::Tuple3)
            )
        {
            // The container may be the first item of a short tuple
            // (`[] None TUPLE2`) as well as the whole value: only the
            // types around it tell, so the general reader decides (a
            // guess here could end in a type error that is not one).
            return Err(self.fail());
        }
        let mut seq = StreamSeq::new(self, Mode::Done, LIST_BATCH);
        match op {
            Opcode::EmptyList | Opcode::EmptySet => {
                s.skip(1);
                s.memo_stores(|| Entry::Other)?;
                seq.mode = Mode::Between;
                if op == Opcode::EmptySet {
                    seq.batch = SET_BATCH;
                }
            }
            Opcode::EmptyTuple => {
                s.skip(1);
                s.memo_stores(|| Entry::Other)?;
            }
            Opcode::Mark => {
                s.skip(1);
                seq.mode = Mode::Marked { list: false };
            }
            Opcode::Global
            | Opcode::StackGlobal
            | Opcode::BinGet
            | Opcode::LongBinGet
            | Opcode::Get
            | Opcode::ShortBinUnicode
            | Opcode::BinUnicode
                if len.is_none() =>
            {
                seq.set_call()?;
            }
            // `TUPLE1`-`TUPLE3`: only a reader that knows the length can
            // tell the items of a short tuple from a value.
            _ if matches!(len, Some(1..=3)) && s.protocol() >= 2 => {
                seq.mode = Mode::Short { read: 0 };
            }
            _ => return Err(self.fail()),
        }
        if let Some(n) = len {
            seq.len_hint = n;
        }
        Ok(seq)
    }

    /// A tuple of one to three items built by `TUPLE1`-`TUPLE3`, of as many
    /// items as come before it.
    pub(crate) fn short_tuple(self) -> Result<StreamSeq<'a>> {
        self.here()?;
        if self.s.protocol() < 2 {
            return Err(self.fail());
        }
        Ok(StreamSeq::new(self, Mode::Short { read: 0 }, LIST_BATCH))
    }
}

impl<'a> StreamSeq<'a> {
    /// The items of the container `d`, read from `mode` on, closed by
    /// `batch`'s opcodes.
    #[inline(always)]
    pub(super) fn new(
        d: StreamDecoder<'a>,
        mode: Mode,
        batch: (Opcode, Option<Opcode>),
    ) -> StreamSeq<'a> {
        StreamSeq {
            d,
            mode,
            batch,
            tail: Tail::None,
            last: None,
            len_hint: 0,
            in_batch: 0,
        }
    }

    /// `builtins.set(list)` or `builtins.frozenset(list)`, as protocols below 4 write sets.
    fn set_call(&mut self) -> Result<()> {
        let d = self.d;
        let s = d.s;
        let Some(global) = d.read_global()? else {
            return Err(d.fail());
        };
        if !(global.0 == "builtins" && matches!(global.1.as_str(), "set" | "frozenset")) {
            return Err(d.fail());
        }
        let marked = s.peek()? == Opcode::Mark;
        if marked {
            s.skip(1);
        }
        let mut list = d.next()?.seq()?;
        match list.mode {
            Mode::Between => {}
            Mode::Marked { .. } => list.mode = Mode::Marked { list: true },
            _ => return Err(d.fail()),
        }
        self.mode = list.mode;
        self.tail = Tail::Call { marked };
        Ok(())
    }

    /// A hint of how many items are left (0 when finding out would mean scanning ahead).
    pub(crate) fn len(&self) -> usize {
        self.len_hint
    }

    /// The next item, or `None` after the closing opcodes are read.
    pub(crate) fn next_item(&mut self) -> Result<Option<StreamDecoder<'a>>> {
        let d = self.d;
        let s = d.s;
        loop {
            let pos = s.pos();
            let op = s.peek()?;
            match self.mode {
                Mode::Done => return Ok(None),
                Mode::Batch if op == self.batch.0 => {
                    s.skip(1);
                    if self.last_batch(s.peek()?.byte()) {
                        return self.finish();
                    }
                    self.mode = Mode::Between;
                    continue;
                }
                Mode::Single { at } => {
                    if pos != at {
                        return Err(d.fail());
                    }
                    s.skip(1);
                    self.mode = Mode::Between;
                    continue;
                }
                Mode::Marked { list }
                    if matches!(op, Opcode::List | Opcode::Tuple | Opcode::FrozenSet) =>
                {
                    if list && op != Opcode::List {
                        return Err(d.fail());
                    }
                    s.skip(1);
                    s.memo_stores(|| Entry::Other)?;
                    if op == Opcode::List {
                        self.mode = Mode::Between;
                        continue;
                    }
                    return self.finish();
                }
                Mode::Short { read } => {
                    let n = match op {
                        Opcode::Tuple1 => 1,
                        Opcode::Tuple2 => 2,
                        Opcode::Tuple3 => 3,
                        _ if read < 3 && is_value_start(op) => {
                            self.mode = Mode::Short { read: read + 1 };
                            return self.item(pos);
                        }
                        _ => return Err(d.fail()),
                    };
                    if n != read || (self.len_hint != 0 && self.len_hint != n) {
                        return Err(d.fail());
                    }
                    s.skip(1);
                    s.memo_stores(|| Entry::Other)?;
                    return self.finish();
                }
                Mode::Batch | Mode::Marked { .. } => {
                    if !is_value_start(op) {
                        return Err(d.fail());
                    }
                }
                Mode::Between => {
                    if op == Opcode::Mark {
                        // A batch, as CPython writes one after a container;
                        // if the mark was another value's, its closing opcode
                        // is not the batch's, and the reader gives up there.
                        s.skip(1);
                        self.mode = Mode::Batch;
                        self.in_batch = 0;
                        continue;
                    }
                    match self.single(pos, op)? {
                        Some(at) => self.mode = Mode::Single { at },
                        None => return self.finish(),
                    }
                }
            }
            return self.item(pos);
        }
    }

    /// Decodes every remaining item with `f` into a vector, adding the
    /// item's index to the path of an error: [`next_item`](Self::next_item)
    /// in a loop, with its common case, the next item of a batch, in line.
    pub(crate) fn decode_each<T>(
        mut self,
        mut f: impl FnMut(StreamDecoder<'a>) -> Result<T>,
    ) -> Result<Vec<T>> {
        const MARK: u8 = Opcode::Mark.byte();
        const APPENDS: u8 = Opcode::Appends.byte();
        const FRAME: u8 = Opcode::Frame.byte();
        const PROTO: u8 = Opcode::Proto.byte();
        let s = self.d.s;
        let mut out = Vec::with_capacity(self.len());
        loop {
            let mut pos = s.pos();
            // A list's first batch opening and its last closing, as CPython
            // writes them, in line (as `next_item` reads them).
            if self.batch == LIST_BATCH && matches!(self.tail, Tail::None) {
                match (self.mode, s.input.get(pos..pos + 2)) {
                    (Mode::Between, Some(&[MARK, _])) => {
                        s.skip(1);
                        pos = s.pos();
                        self.mode = Mode::Batch;
                        self.in_batch = 0;
                    }
                    // (A `FRAME` after the batch is left to `next_item`.)
                    (Mode::Batch, Some(&[APPENDS, next]))
                        if !matches!(next, FRAME | PROTO) && self.last_batch(next) =>
                    {
                        s.skip(1);
                        self.mode = Mode::Done;
                        return Ok(out);
                    }
                    _ => {}
                }
            }
            let in_line = matches!(self.mode, Mode::Batch)
                && self.last != Some(pos)
                && s.input
                    .get(pos)
                    .is_some_and(|&op| effect_of_byte(op).starts_value());
            let item = if in_line {
                self.last = Some(pos);
                self.in_batch += 1;
                self.d.next()?
            } else {
                match self.next_item()? {
                    Some(item) => item,
                    None => return Ok(out),
                }
            };
            let index = out.len();
            if index == 0 {
                // CPython writes a list of one item with `APPEND`.
                match self.mode {
                    Mode::Batch => out.reserve_exact(self.short_batch_len(item.pos())),
                    Mode::Single { .. } => out.reserve_exact(1),
                    _ => {}
                }
            }
            out.push(f(item).map_err(|e| e.in_index(index))?);
        }
    }

    /// Whether the batch that just ended, followed by the opcode `next`, is
    /// the last of its list, dict or set: CPython writes items in batches
    /// of 1000, so a shorter one not followed by another batch is the last.
    /// Another writer's item after it (`item APPEND`, `key value SETITEM`)
    /// cannot be misread: whatever reads the item as the next value then
    /// meets an `APPEND` or `SETITEM`, which nothing but this container
    /// takes, and gives up.
    #[inline(always)]
    fn last_batch(&self, next: u8) -> bool {
        self.in_batch < BATCH_SIZE && next != Opcode::Mark.byte()
    }

    /// How many items a batch that starts at `pos` holds, if they are
    /// values of one opcode each (strings, numbers, memo `GET`s) that end
    /// with the batch's opcode: so that a list of them is made with room
    /// for as many as it holds (a vector grown item by item starts with
    /// room for four, and a list of 50 floats grew five times). 0 for
    /// anything else. Numbers and short strings are stepped over in line,
    /// for a whole batch, by sizes the opcode table gives as constants
    /// (looked up in its byte-indexed `FIXED_ARG`, each step waited on a
    /// load: measured a fifth slower for lists of floats); others are
    /// found by `after_atom`, for a few.
    fn short_batch_len(&self, pos: usize) -> usize {
        const MOST_FOUND: usize = 8;
        const SHORT_STR: u8 = Opcode::ShortBinUnicode.byte();
        const MEMOIZE: u8 = Opcode::Memoize.byte();
        const BINFLOAT: u8 = Opcode::BinFloat.byte();
        const BININT1: u8 = Opcode::BinInt1.byte();
        const BININT2: u8 = Opcode::BinInt2.byte();
        const BININT: u8 = Opcode::BinInt.byte();
        const BINFLOAT_LEN: usize = whole_len(Opcode::BinFloat);
        const BININT1_LEN: usize = whole_len(Opcode::BinInt1);
        const BININT2_LEN: usize = whole_len(Opcode::BinInt2);
        const BININT_LEN: usize = whole_len(Opcode::BinInt);
        let s = self.d.s;
        let mut at = pos;
        let mut found = 0;
        for n in 0..=BATCH_SIZE {
            let next = match *s.input.get(at..at + 2).unwrap_or_default() {
                [op, _] if op == self.batch.0.byte() => return n,
                [SHORT_STR, len] => {
                    let end = at + 2 + len as usize;
                    end + usize::from(s.input.get(end) == Some(&MEMOIZE))
                }
                [BINFLOAT, _] => at + BINFLOAT_LEN,
                [BININT1, _] => at + BININT1_LEN,
                [BININT2, _] => at + BININT2_LEN,
                [BININT, _] => at + BININT_LEN,
                _ if found == MOST_FOUND => return 0,
                _ => {
                    found += 1;
                    match s.after_atom(at) {
                        Some(next) => next,
                        None => return 0,
                    }
                }
            };
            at = next;
        }
        0
    }

    /// Hands out the item that starts at `pos`.
    fn item(&mut self, pos: usize) -> Result<Option<StreamDecoder<'a>>> {
        if self.last == Some(pos) {
            // The previous item was handed out and not read.
            return Err(self.d.fail());
        }
        self.last = Some(pos);
        self.in_batch += 1;
        self.d.next().map(Some)
    }

    /// Between batches, at a value starting with `op` at `pos`: where its
    /// single-item opcode (`APPEND`, `SETITEM`) is, if the value is an item
    /// of this container, or `None` if it is a value after the container.
    fn single(&self, pos: usize, op: Opcode) -> Result<Option<usize>> {
        let s = self.d.s;
        let Some(single) = self.batch.1.filter(|_| is_value_start(op)) else {
            return Ok(None);
        };
        // Most items are one opcode (a string, a number, a memo `GET`):
        // the opcode after the item (or after a key and its value) tells.
        let atoms = if single == Opcode::SetItem { 2 } else { 1 };
        let mut at = pos;
        for _ in 0..atoms {
            match s.after_atom(at) {
                Some(next) => at = next,
                None => return self.single_by_scan(pos, single),
            }
        }
        match s.input.get(at).copied().and_then(Opcode::from_byte) {
            Some(next) if next == single => Ok(Some(at)),
            // An opcode that takes the container off the stack, or the
            // value with it: the value is not an item.
            Some(next) if ends_container(next) => Ok(None),
            _ => {
                // A sibling after the container, such as the next key and
                // value of the dict that holds it: up to two more atoms,
                // then an opcode that pops to a mark. No mark was pushed
                // since the container, so that takes the container too.
                for _ in 0..2 {
                    match s.after_atom(at) {
                        Some(next) => at = next,
                        None => break,
                    }
                    let op = s.input.get(at).copied().and_then(Opcode::from_byte);
                    if op.is_some_and(|op| {
                        matches!(
                            op.stack_effect(),
                            StackEffect::ToMark { .. } | StackEffect::Stop
                        )
                    }) {
                        return Ok(None);
                    }
                }
                self.single_by_scan(pos, single)
            }
        }
    }

    /// [`single`](Self::single) for an item of more than one opcode: where
    /// the opcode that takes it is, found by following the stack ahead.
    fn single_by_scan(&self, pos: usize, single: Opcode) -> Result<Option<usize>> {
        let (at, op) = self.d.s.consumer(pos)?;
        Ok((op == single).then_some(at))
    }

    /// Reads what follows the items, if anything.
    fn finish(&mut self) -> Result<Option<StreamDecoder<'a>>> {
        let d = self.d;
        let s = d.s;
        self.mode = Mode::Done;
        if let Tail::Call { marked } = self.tail {
            self.tail = Tail::None;
            let want = if marked {
                Opcode::Tuple
            } else {
                Opcode::Tuple1
            };
            if s.peek()? != want {
                return Err(d.fail());
            }
            s.skip(1);
            s.memo_stores(|| Entry::Other)?;
            if s.peek()? != Opcode::Reduce {
                return Err(d.fail());
            }
            s.skip(1);
            s.memo_stores(|| Entry::Other)?;
        }
        Ok(None)
    }
}

/// Whether `op`, right after a container and one value, takes the
/// container off the stack (it pops to a mark below it, or pops both), so
/// that the value cannot be an item of the container.
fn ends_container(op: Opcode) -> bool {
    match op.stack_effect() {
        StackEffect::ToMark { .. } | StackEffect::Stop => true,
        StackEffect::Pops { pop, .. } => pop >= 2,
        _ => false,
    }
}

/// The length of `op` with its argument, of a fixed size in the opcode
/// table. Used for constants only: an opcode whose argument has no fixed
/// size fails the build, not a read.
const fn whole_len(op: Opcode) -> usize {
    match op.arg().fixed_len() {
        Some(n) => 1 + n,
        None => panic!("the opcode's argument has no fixed size"),
    }
}

/// Whether a value can start with this opcode.
#[inline]
pub(crate) fn is_value_start(op: Opcode) -> bool {
    op.stack_effect().starts_value()
}

#[cfg(test)]
mod tests {
    /// A list read whole is made with room for its items, not grown to
    /// twice their number.
    #[test]
    fn lists_of_one_batch_are_made_to_size() {
        let floats: Vec<Vec<f64>> = vec![(0..50).map(f64::from).collect(); 3];
        let ints: Vec<i64> = (-300..700).collect();
        let names: Vec<String> = (0..37).map(|i| format!("name {i}")).collect();
        let read: Vec<Vec<f64>> = crate::from_slice(&crate::to_vec(&floats).unwrap()).unwrap();
        assert_eq!(read, floats);
        assert!(read.iter().all(|v| v.capacity() == 50));
        let read: Vec<i64> = crate::from_slice(&crate::to_vec(&ints).unwrap()).unwrap();
        assert_eq!((read.capacity(), &read), (1000, &ints));
        let read: Vec<String> = crate::from_slice(&crate::to_vec(&names).unwrap()).unwrap();
        assert_eq!((read.capacity(), &read), (37, &names));
    }
}
