//! Lists, tuples, sets, frozensets and dicts, in the forms CPython writes.

use super::{Entry, StreamDecoder};
use crate::class::ClassDesc;
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
enum Mode {
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
    d: StreamDecoder<'a>,
    mode: Mode,
    /// The batch opcode and single-item opcode of a list (`APPENDS`,
    /// `APPEND`) or set (`ADDITEMS`, none).
    batch: (Opcode, Option<Opcode>),
    tail: Tail,
    /// Where the last item handed out started, to catch one not read.
    last: Option<usize>,
    len_hint: usize,
    /// Items handed out in the current batch.
    in_batch: usize,
}

const LIST_BATCH: (Opcode, Option<Opcode>) = (Opcode::Appends, Some(Opcode::Append));
const SET_BATCH: (Opcode, Option<Opcode>) = (Opcode::AddItems, None);
const DICT_BATCH: (Opcode, Option<Opcode>) = (Opcode::SetItems, Some(Opcode::SetItem));

impl<'a> StreamDecoder<'a> {
    /// A list, tuple, set or frozenset; with `len`, a tuple or list of
    /// exactly that many items (a Rust tuple or array). In line for the
    /// common case, a list of any length, so that its state is made in
    /// place rather than copied out of a call.
    #[inline(always)]
    pub(crate) fn seq(self, len: Option<usize>) -> Result<StreamSeq<'a>> {
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

    /// The name of the global that starts at the read position (`GLOBAL`,
    /// `STACK_GLOBAL` of two strings, or a `GET` of one), read past it and its
    /// memo stores; `None` if no global starts here.
    pub(crate) fn read_global(self) -> Result<Option<std::rc::Rc<(String, String)>>> {
        let s = self.s;
        let pos = s.pos();
        let op = s.peek()?;
        let global = match op {
            Opcode::Global => {
                let (module, name, end) = s.global_lines(pos).ok_or_else(|| self.fail())?;
                let global = s.renamed(module, name);
                s.skip(end - pos);
                global
            }
            Opcode::BinGet | Opcode::LongBinGet | Opcode::Get => match s.get_at(op)? {
                Some((Entry::Global(g), len)) => {
                    s.skip(len);
                    s.memo_stores(|| Entry::Global(g.clone()))?;
                    return Ok(Some(g));
                }
                Some((Entry::Str { .. }, _)) => self.stack_global()?,
                _ => return Ok(None),
            },
            Opcode::ShortBinUnicode | Opcode::BinUnicode | Opcode::BinUnicode8 => {
                self.stack_global()?
            }
            _ => return Ok(None),
        };
        let global = std::rc::Rc::new(global);
        s.memo_stores(|| Entry::Global(global.clone()))?;
        Ok(Some(global))
    }

    /// `module name STACK_GLOBAL`, the two strings possibly from the memo.
    fn stack_global(self) -> Result<(String, String)> {
        let s = self.s;
        let module = self.next()?.decode_str()?;
        let name = self.next()?.decode_str()?;
        if s.peek()? != Opcode::StackGlobal {
            return Err(self.fail());
        }
        s.skip(1);
        Ok(self.s.renamed(module, name))
    }
}

impl<'a> StreamSeq<'a> {
    /// The items of the container `d`, read from `mode` on, closed by
    /// `batch`'s opcodes.
    #[inline(always)]
    fn new(d: StreamDecoder<'a>, mode: Mode, batch: (Opcode, Option<Opcode>)) -> StreamSeq<'a> {
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
        let mut list = d.next()?.seq(None)?;
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
    /// the last of a list or dict: CPython writes their items in batches of
    /// 1000, so a shorter one not followed by another batch is the last
    /// (without this, a dict followed by a sibling, as in a list of dicts,
    /// would be told from an entry after its batch only by scanning the
    /// sibling). Another writer's item after it (`item APPEND`, `key value
    /// SETITEM`) cannot be misread: whatever reads the item as the next
    /// value then meets an `APPEND` or `SETITEM`, which nothing but this
    /// container takes, and gives up.
    #[inline(always)]
    fn last_batch(&self, next: u8) -> bool {
        (self.batch == LIST_BATCH || self.batch == DICT_BATCH)
            && self.in_batch < BATCH_SIZE
            && next != Opcode::Mark.byte()
    }

    /// How many items a batch that starts at `pos` holds, if they are a
    /// few values of one opcode each (strings, numbers, memo `GET`s) that
    /// end with the batch's opcode: so that a short list of them is made
    /// with room for as many as it holds (a vector grown item by item
    /// starts with room for four). 0 for anything else.
    fn short_batch_len(&self, pos: usize) -> usize {
        const MOST: usize = 8;
        const SHORT_STR: u8 = Opcode::ShortBinUnicode.byte();
        const MEMOIZE: u8 = Opcode::Memoize.byte();
        let s = self.d.s;
        let mut at = pos;
        for n in 0..=MOST {
            let next = match *s.input.get(at..at + 2).unwrap_or_default() {
                [op, _] if op == self.batch.0.byte() => return n,
                // The common item, a short string and its `MEMOIZE`, in line.
                [SHORT_STR, len] => {
                    let end = at + 2 + len as usize;
                    end + usize::from(s.input.get(end) == Some(&MEMOIZE))
                }
                _ => match s.after_atom(at) {
                    Some(next) => next,
                    None => return 0,
                },
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

/// Whether `byte` is a memo store opcode.
fn is_memo_store(byte: u8) -> bool {
    matches!(
        Opcode::from_byte(byte),
        Some(Opcode::Memoize | Opcode::BinPut | Opcode::LongBinPut | Opcode::Put)
    )
}

/// Whether a value can start with this opcode.
#[inline]
pub(crate) fn is_value_start(op: Opcode) -> bool {
    op.stack_effect().starts_value()
}

/// A dict's entries: the key's decoder, then the value's, at its position.
pub(crate) struct StreamMap<'a> {
    items: StreamSeq<'a>,
    /// Where the key of the last entry handed out starts.
    last_key: usize,
}

impl<'a> StreamDecoder<'a> {
    /// A dict (`EMPTY_DICT` and batches of `SETITEMS`, or `MARK DICT`).
    pub(crate) fn map(self) -> Result<StreamMap<'a>> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let mut items = StreamSeq::new(self, Mode::Between, DICT_BATCH);
        match s.peek()? {
            Opcode::EmptyDict => {
                s.skip(1);
                s.memo_stores(|| Entry::Other)?;
            }
            Opcode::Mark if s.input.get(pos + 1) == Some(&Opcode::Dict.byte()) => {
                s.skip(2);
                s.memo_stores(|| Entry::Other)?;
            }
            _ => return Err(self.fail()),
        }
        items.mode = Mode::Between;
        Ok(StreamMap { items, last_key: 0 })
    }

    /// The entries of a dict whose first batch's `MARK` was just read
    /// (`self` stands for the dict).
    pub(crate) fn map_in_batch(self) -> StreamMap<'a> {
        StreamMap {
            items: StreamSeq::new(self, Mode::Batch, DICT_BATCH),
            last_key: 0,
        }
    }

    /// Where the value after a key that starts at `pos` begins: keys are
    /// atoms, strings or memo `GET`s, which end with their opcode.
    fn after_key(self, pos: usize) -> Result<usize> {
        self.s.after_atom(pos).ok_or_else(|| self.fail())
    }
}

impl<'a> StreamMap<'a> {
    pub(crate) fn len(&self) -> usize {
        self.items.len_hint
    }

    /// The next entry whose key is a name (a string, compared as bytes), read,
    /// and the value after it.
    pub(crate) fn next_named(&mut self) -> Result<Option<(&'a [u8], StreamDecoder<'a>)>> {
        let Some(key) = self.items.next_item()? else {
            return Ok(None);
        };
        let name = key.decode_name()?;
        self.last_key = key.pos();
        // The value is the item after the key: it is not handed out as an item.
        let value = key.s.pos();
        self.items.last = Some(value);
        Ok(Some((name, key.at(value))))
    }

    /// The memo index of the last key handed out, if it was a one-byte `GET`.
    pub(crate) fn last_key_index(&self) -> Option<u8> {
        let input = self.items.d.s.input;
        match *input.get(self.last_key..self.last_key + 2)? {
            [op, index] if op == Opcode::BinGet.byte() => Some(index),
            _ => None,
        }
    }

    /// Inside a batch, the next entry if its key is a one-byte `GET` of a
    /// name already matched to a field of `class` (see `known.rs`): the
    /// field's index and the value's decoder. `None`, having read nothing,
    /// for anything else, which [`next_named`](Self::next_named) reads.
    /// What `next_named` checks holds here too: the previous value was
    /// read, and the key is a whole value (no memo store follows it).
    #[inline]
    pub(crate) fn next_known_field(
        &mut self,
        class: &ClassDesc,
    ) -> Option<(usize, StreamDecoder<'a>)> {
        let items = &mut self.items;
        let s = items.d.s;
        let pos = s.pos();
        if !matches!(items.mode, Mode::Batch) || items.last == Some(pos) {
            return None;
        }
        let [op, index, after] = *s.input.get(pos..pos + 3)? else {
            return None;
        };
        if op != Opcode::BinGet.byte() || is_memo_store(after) {
            return None;
        }
        let field = s.known.borrow().field(index, class)?;
        let key = items.d.next().ok()?;
        s.skip(2);
        let value = s.pos();
        items.last = Some(value);
        self.last_key = pos;
        Some((field, key.at(value)))
    }

    /// Reads the `SETITEMS` that ends a batch and the `then` after it, when
    /// both come next, side by side; whether it did.
    #[inline]
    pub(crate) fn end_batch_then(&mut self, then: Opcode) -> bool {
        let items = &mut self.items;
        let s = items.d.s;
        let pos = s.pos();
        let ends = matches!(items.mode, Mode::Batch)
            && s.input.get(pos..pos + 2) == Some(&[Opcode::SetItems.byte(), then.byte()]);
        if ends {
            s.skip(2);
            items.mode = Mode::Done;
        }
        ends
    }

    /// The next key and value. The key must be read before the value.
    pub(crate) fn next_entry(&mut self) -> Result<Option<(StreamDecoder<'a>, StreamDecoder<'a>)>> {
        let Some(key) = self.items.next_item()? else {
            return Ok(None);
        };
        let value_pos = key.after_key(key.pos())?;
        // The value is the item after the key: it is not handed out as an item.
        self.items.last = Some(value_pos);
        let value = key.at(value_pos);
        Ok(Some((key, value)))
    }
}
