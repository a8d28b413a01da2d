//! Lists, tuples, sets, frozensets and dicts, in the forms CPython writes.

use super::{Entry, StreamDecoder};
use crate::compat;
use crate::error::Result;
use crate::opcode::Opcode;

/// Where a sequence's items come from.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Between batches of a list or set: a batch (`MARK ... APPENDS`), a
    /// single item (`item APPEND`), or the end may come next.
    Between,
    /// Inside a batch: items until the batch's closing opcode at `closer`.
    Batch {
        closer: usize,
    },
    /// A single item, whose `APPEND` is at `at`.
    Single {
        at: usize,
    },
    /// Items of a marked region (`MARK ... TUPLE`), closed by `op` at `closer`.
    Marked {
        closer: usize,
        op: Opcode,
    },
    /// `left` more items, then `op` (`TUPLE1`-`TUPLE3`).
    Counted {
        left: usize,
        op: Opcode,
    },
    Done,
}

/// What follows the items of a `set(list)` written as a call (before protocol 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tail {
    None,
    /// `TUPLE1` (or the `TUPLE` of a marked tuple at `closer`), then `REDUCE`.
    Call {
        marked: Option<usize>,
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
}

const LIST_BATCH: (Opcode, Option<Opcode>) = (Opcode::Appends, Some(Opcode::Append));
const SET_BATCH: (Opcode, Option<Opcode>) = (Opcode::AddItems, None);

impl<'a> StreamDecoder<'a> {
    /// A list, tuple, set or frozenset; with `len`, a tuple or list of
    /// exactly that many items (a Rust tuple or array).
    pub(crate) fn seq(&self, len: Option<usize>) -> Result<StreamSeq<'a>> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let op = s.peek()?;
        let mut seq = StreamSeq {
            d: *self,
            mode: Mode::Done,
            batch: LIST_BATCH,
            tail: Tail::None,
            last: None,
            len_hint: 0,
        };
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
                let (closer, close_op) = s.closer(pos)?;
                if !matches!(close_op, Opcode::Tuple | Opcode::List | Opcode::FrozenSet) {
                    return Err(self.fail());
                }
                s.skip(1);
                seq.mode = Mode::Marked {
                    closer,
                    op: close_op,
                };
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
            _ => {
                // `TUPLE1`-`TUPLE3`: only a reader that knows the length can
                // tell the items of a short tuple from a value.
                match len {
                    Some(n @ 1..=3) if s.protocol() >= 2 => {
                        let op = [Opcode::Tuple1, Opcode::Tuple2, Opcode::Tuple3][n - 1];
                        seq.mode = Mode::Counted { left: n, op };
                    }
                    _ => return Err(self.fail()),
                }
            }
        }
        if let Some(n) = len {
            seq.len_hint = n;
        }
        Ok(seq)
    }

    /// The name of the global that starts at the read position (`GLOBAL`,
    /// `STACK_GLOBAL` of two strings, or a `GET` of one), read past it and its
    /// memo stores; `None` if no global starts here.
    pub(crate) fn read_global(&self) -> Result<Option<std::rc::Rc<(String, String)>>> {
        let s = self.s;
        let pos = s.pos();
        let op = s.peek()?;
        let global = match op {
            Opcode::Global => {
                let module = s.line_at(pos + 1)?;
                let name = s.line_at(pos + 2 + module.len())?;
                let module = std::str::from_utf8(module).map_err(|_| self.fail())?;
                let name = std::str::from_utf8(name).map_err(|_| self.fail())?;
                let global = self.renamed(module, name);
                s.skip(module.len() + name.len() + 3);
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
    fn stack_global(&self) -> Result<(String, String)> {
        let s = self.s;
        let module = self.next()?.decode_str()?;
        let name = self.next()?.decode_str()?;
        if s.peek()? != Opcode::StackGlobal {
            return Err(self.fail());
        }
        s.skip(1);
        Ok(self.renamed(module, name))
    }

    /// A global's name as CPython's `find_class` sees it (Python 2 names renamed).
    fn renamed(&self, module: &str, name: &str) -> (String, String) {
        if self.s.protocol() < 3 && self.s.opts.fix_imports {
            if let Some((m, n)) = compat::to_python3(module, name) {
                return (m.to_owned(), n.to_owned());
            }
        }
        (module.to_owned(), name.to_owned())
    }
}

impl<'a> StreamSeq<'a> {
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
        let marked = if s.peek()? == Opcode::Mark {
            let mark = s.pos();
            let (closer, op) = s.closer(mark)?;
            if op != Opcode::Tuple {
                return Err(d.fail());
            }
            s.skip(1);
            Some(closer)
        } else {
            None
        };
        let list = d.next()?.seq(None)?;
        if !matches!(
            list.mode,
            Mode::Between
                | Mode::Marked {
                    op: Opcode::List,
                    ..
                }
        ) {
            return Err(d.fail());
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
            match self.mode {
                Mode::Done => return Ok(None),
                Mode::Marked { closer, op } if pos == closer => {
                    s.skip(s.end_of(pos, op)? - pos);
                    s.memo_stores(|| Entry::Other)?;
                    if op == Opcode::List {
                        self.mode = Mode::Between;
                        continue;
                    }
                    return self.finish();
                }
                Mode::Batch { closer } if pos == closer => {
                    s.skip(1);
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
                Mode::Counted { left: 0, op } => {
                    if s.peek()? != op {
                        return Err(d.fail());
                    }
                    s.skip(1);
                    s.memo_stores(|| Entry::Other)?;
                    return self.finish();
                }
                Mode::Counted { left, op } => self.mode = Mode::Counted { left: left - 1, op },
                Mode::Marked { closer, .. } | Mode::Batch { closer } => {
                    if pos > closer {
                        return Err(d.fail());
                    }
                }
                Mode::Between => {
                    let op = s.peek()?;
                    let pos = s.pos();
                    if op == Opcode::Mark {
                        let (closer, close_op) = s.closer(pos)?;
                        if close_op == self.batch.0 {
                            s.skip(1);
                            self.mode = Mode::Batch { closer };
                            continue;
                        }
                    }
                    let single = self.batch.1.filter(|_| is_value_start(op));
                    match single {
                        Some(append) if s.consumer(pos)?.1 == append => {
                            let (at, _) = s.consumer(pos)?;
                            self.mode = Mode::Single { at };
                        }
                        _ => return self.finish(),
                    }
                }
            }
            // An item starts here.
            if self.last == Some(pos) {
                // The previous item was handed out and not read.
                return Err(d.fail());
            }
            self.last = Some(pos);
            return d.next().map(Some);
        }
    }

    /// Reads what follows the items, if anything.
    fn finish(&mut self) -> Result<Option<StreamDecoder<'a>>> {
        let d = self.d;
        let s = d.s;
        self.mode = Mode::Done;
        if let Tail::Call { marked } = self.tail {
            self.tail = Tail::None;
            let want = if marked.is_some() {
                Opcode::Tuple
            } else {
                Opcode::Tuple1
            };
            if s.peek()? != want || marked.is_some_and(|closer| closer != s.pos()) {
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

/// Whether a value can start with this opcode.
pub(crate) fn is_value_start(op: Opcode) -> bool {
    let info = op.info();
    op == Opcode::Mark || (info.stack_before.is_empty() && !info.stack_after.is_empty())
}

/// A dict's entries: the key's decoder, then the value's, at its position.
pub(crate) struct StreamMap<'a> {
    items: StreamSeq<'a>,
}

impl<'a> StreamDecoder<'a> {
    /// A dict (`EMPTY_DICT` and batches of `SETITEMS`, or `MARK DICT`).
    pub(crate) fn map(&self) -> Result<StreamMap<'a>> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let mut items = StreamSeq {
            d: *self,
            mode: Mode::Between,
            batch: (Opcode::SetItems, Some(Opcode::SetItem)),
            tail: Tail::None,
            last: None,
            len_hint: 0,
        };
        match s.peek()? {
            Opcode::EmptyDict => {
                s.skip(1);
                s.memo_stores(|| Entry::Other)?;
            }
            Opcode::Mark => {
                let (closer, op) = s.closer(pos)?;
                if op != Opcode::Dict || closer != pos + 1 {
                    return Err(self.fail());
                }
                s.skip(2);
                s.memo_stores(|| Entry::Other)?;
            }
            _ => return Err(self.fail()),
        }
        items.mode = Mode::Between;
        Ok(StreamMap { items })
    }

    /// Where the value after a key that starts at `pos` begins: keys are
    /// atoms, strings or memo `GET`s, which end with their opcode.
    fn after_key(&self, pos: usize) -> Result<usize> {
        let s = self.s;
        let op = s.peek()?;
        let info = op.info();
        if !(info.stack_before.is_empty() && info.stack_after.len() == 1) || op == Opcode::Mark {
            return Err(self.fail());
        }
        let mut at = s.end_of(pos, op)?;
        while let Some(op) = s.input.get(at).copied().and_then(Opcode::from_byte) {
            match op {
                Opcode::Memoize | Opcode::BinPut | Opcode::LongBinPut | Opcode::Put => {
                    at = s.end_of(at, op)?
                }
                _ => break,
            }
        }
        while let Some(next) = s.after_frame(at) {
            at = next;
        }
        Ok(at)
    }
}

impl<'a> StreamMap<'a> {
    pub(crate) fn len(&self) -> usize {
        self.items.len_hint
    }

    /// The next key and value. The key must be read before the value.
    pub(crate) fn next_entry(&mut self) -> Result<Option<(StreamDecoder<'a>, StreamDecoder<'a>)>> {
        let Some(key) = self.items.next_item()? else {
            return Ok(None);
        };
        let value_pos = key.after_key(key.pos)?;
        // The value is the item after the key: it is not handed out as an item.
        self.items.last = Some(value_pos);
        let value = StreamDecoder {
            pos: value_pos,
            ..key
        };
        Ok(Some((key, value)))
    }
}
