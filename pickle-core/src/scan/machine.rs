//! The scanning machine: CPython's unpickling stack machine run on
//! [`Item`]s, which keep only what a judgement needs. Every import, call,
//! `BUILD`, persistent id and extension code goes to the [`Judge`] as it
//! happens; plain data is counted, never built.

use std::collections::HashMap;
use std::ops::Range;

use super::item::Item;
use super::judge::{After, Judge};
use super::source::{text, Arg, Enc, FramedSource, Op, Reading};
use crate::de::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::ext::Extensions;
use crate::opcode::Opcode;

/// The longest text kept as a possible name (a longer one, used as a name,
/// is dangerous by itself: no real module or class has one).
const MAX_TEXT: usize = 4 * super::MAX_NAME;

/// Why a run stopped.
pub(super) enum Stop {
    /// At `STOP`; the position after it.
    End(usize),
    /// After a `BUILD` that the judge says is followed by bytes that are not
    /// opcodes (joblib's arrays): the position after the `BUILD`.
    Splice(usize, After),
}

/// Memo entries per chunk of the dense memo.
const CHUNK: usize = 4096;

/// The memo: dense where indices are, sparse beyond. The dense part grows
/// by chunks, never by copying, so its peak is its size.
#[derive(Default)]
struct Memo {
    dense: Vec<Box<[Option<Item>; CHUNK]>>,
    sparse: HashMap<u64, Item>,
    count: usize,
}

impl Memo {
    fn slot(&mut self, index: usize) -> Option<&mut Option<Item>> {
        self.dense
            .get_mut(index / CHUNK)
            .map(|chunk| &mut chunk[index % CHUNK])
    }
}

pub(super) struct Machine<'a> {
    pub(super) src: FramedSource<'a>,
    stack: Vec<Item>,
    marks: Vec<usize>,
    memo: Memo,
    pub(super) proto: u8,
    limits: Limits,
    extensions: Option<&'a Extensions>,
    /// The stack height already charged to the budget.
    charged: usize,
}

impl<'a> Machine<'a> {
    pub(super) fn new(
        input: &'a [u8],
        start: usize,
        reading: Reading,
        limits: Limits,
        extensions: Option<&'a Extensions>,
    ) -> Machine<'a> {
        Machine {
            src: FramedSource::new(input, start, reading),
            stack: Vec::new(),
            marks: Vec::new(),
            memo: Memo::default(),
            proto: 0,
            limits,
            extensions,
            charged: 0,
        }
    }

    /// The module and name lines of `GLOBAL` or `INST` as text of `enc`, or
    /// the error `message` at `at`.
    fn names(
        &self,
        at: usize,
        module: &Range<usize>,
        name: &Range<usize>,
        enc: Enc,
        message: &'static str,
    ) -> Result<(String, String)> {
        let input = self.src.input;
        match (
            text(input, module.clone(), enc),
            text(input, name.clone(), enc),
        ) {
            (Some(module), Some(name)) => Ok((module, name)),
            _ => Err(Self::err(at, ErrorKind::InvalidArgument, message)),
        }
    }

    fn err(
        at: usize,
        kind: ErrorKind,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Error {
        Error::at(kind, at as u64, message)
    }

    fn floor(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self, at: usize) -> Result<Item> {
        if self.stack.len() <= self.floor() {
            return Err(Self::err(
                at,
                ErrorKind::StackUnderflow,
                "unpickling stack underflow",
            ));
        }
        Ok(self.stack.pop().expect("above the floor"))
    }

    fn top(&self, at: usize) -> Result<Item> {
        if self.stack.len() <= self.floor() {
            return Err(Self::err(
                at,
                ErrorKind::StackUnderflow,
                "unpickling stack underflow",
            ));
        }
        Ok(*self.stack.last().expect("above the floor"))
    }

    fn push(&mut self, item: Item, judge: &mut Judge) -> Result<()> {
        self.stack.push(item);
        if self.stack.len() > self.charged {
            let more = self.stack.len().max(64) - self.charged;
            judge.tables.charge(more * 8, self.src.pos)?;
            self.charged += more;
        }
        Ok(())
    }

    /// Pops the top mark: where the items above it start. The caller reads
    /// them and truncates the stack there.
    fn mark(&mut self, at: usize) -> Result<usize> {
        self.marks
            .pop()
            .ok_or_else(|| Self::err(at, ErrorKind::Mark, "could not find MARK"))
    }

    /// Pops to the top mark: the items above it.
    fn pop_to_mark(&mut self, at: usize) -> Result<Vec<Item>> {
        let mark = self.mark(at)?;
        Ok(self.stack.split_off(mark))
    }

    /// Pops to the top mark, handing each item above it to `judge` as
    /// stored in a container.
    fn sink_to_mark(&mut self, at: usize, judge: &mut Judge) -> Result<()> {
        let mark = self.mark(at)?;
        for &item in &self.stack[mark..] {
            judge.tables.sink(item);
        }
        self.stack.truncate(mark);
        Ok(())
    }

    fn memo_get(&self, index: i64, at: usize) -> Result<Item> {
        let found = u64::try_from(index)
            .ok()
            .and_then(|i| match usize::try_from(i) {
                Ok(u) if u / CHUNK < self.memo.dense.len() => self.memo.dense[u / CHUNK][u % CHUNK],
                _ => self.memo.sparse.get(&i).copied(),
            });
        found.ok_or_else(|| {
            Self::err(
                at,
                ErrorKind::MemoMissing,
                format!("Memo value not found at index {index}"),
            )
        })
    }

    fn memo_put(&mut self, index: i64, at: usize, judge: &mut Judge) -> Result<()> {
        let item = self.top(at)?;
        let Ok(index) = u64::try_from(index) else {
            return Err(Self::err(
                at,
                ErrorKind::InvalidArgument,
                "negative PUT argument",
            ));
        };
        let fresh = match usize::try_from(index) {
            Ok(i) if i / CHUNK < self.memo.dense.len() => self
                .memo
                .slot(i)
                .is_some_and(|slot| slot.replace(item).is_none()),
            // Grow densely only as far as the entries so far justify, so a
            // few far indices cannot make the memo big.
            Ok(i) if i <= 2 * self.memo.count + CHUNK => {
                while self.memo.dense.len() <= i / CHUNK {
                    judge.tables.charge(CHUNK * 8, at)?;
                    self.memo.dense.push(Box::new([None; CHUNK]));
                }
                self.memo
                    .slot(i)
                    .is_some_and(|slot| slot.replace(item).is_none())
            }
            _ => {
                judge.tables.charge(32, at)?;
                self.memo.sparse.insert(index, item).is_none()
            }
        };
        if fresh {
            self.memo.count += 1;
            if self.memo.count > self.limits.max_memo {
                return Err(Self::err(
                    at,
                    ErrorKind::MemoLimit,
                    format!("more than {} memo entries", self.limits.max_memo),
                ));
            }
        }
        Ok(())
    }

    /// The item of a `str` argument.
    fn text_item(
        &self,
        op: &Op,
        span: std::ops::Range<usize>,
        enc: Enc,
        judge: &mut Judge,
    ) -> Result<Item> {
        if span.len() > MAX_TEXT {
            return Ok(Item::LongText);
        }
        let straddled = self.src.straddle.is_some_and(|s| s >= op.at);
        match u32::try_from(op.at) {
            Ok(at) if self.src_reading_is_contiguous() && !straddled => Ok(Item::Text(at)),
            _ => {
                let Some(text) = text(self.src.input, span, enc) else {
                    return Ok(Item::Data);
                };
                judge.tables.charge(text.len() + 24, op.at)?;
                judge.tables.far_texts.push(text);
                Ok(Item::FarText(judge.tables.far_texts.len() as u32 - 1))
            }
        }
    }

    fn src_reading_is_contiguous(&self) -> bool {
        self.src.reading == Reading::Contiguous
    }

    /// Runs to `STOP` (or to a splice), reporting to `judge`.
    pub(super) fn run(&mut self, judge: &mut Judge) -> Result<Stop> {
        loop {
            let op = self.src.next()?;
            let at = op.at;
            judge.at(at, op.op);
            use Opcode as O;
            match op.op {
                O::Stop => {
                    let result = self.pop(at)?;
                    judge.tables.sink(result);
                    return Ok(Stop::End(self.src.pos));
                }
                O::Mark => {
                    if self.marks.len() >= self.limits.max_marks {
                        return Err(Self::err(
                            at,
                            ErrorKind::MarkLimit,
                            format!("more than {} marks open at once", self.limits.max_marks),
                        ));
                    }
                    self.marks.push(self.stack.len());
                }
                O::Pop => {
                    if self.marks.last() == Some(&self.stack.len()) {
                        self.marks.pop();
                    } else {
                        self.pop(at)?;
                    }
                }
                O::PopMark => {
                    let mark = self.mark(at)?;
                    self.stack.truncate(mark);
                }
                O::Dup => {
                    let top = self.top(at)?;
                    self.push(top, judge)?;
                }
                O::Proto => {
                    if let Arg::Int(p) = op.arg {
                        if p > 5 {
                            return Err(Self::err(
                                at,
                                ErrorKind::UnsupportedProtocol,
                                format!("unsupported pickle protocol: {p}"),
                            ));
                        }
                        self.proto = p as u8;
                    }
                }
                O::Frame => {}
                O::Get | O::BinGet | O::LongBinGet => {
                    let index = match op.arg {
                        Arg::Int(i) => i,
                        _ => {
                            return Err(Self::err(
                                at,
                                ErrorKind::InvalidArgument,
                                "memo index out of range",
                            ))
                        }
                    };
                    let item = self.memo_get(index, at)?;
                    self.push(item, judge)?;
                }
                O::Put | O::BinPut | O::LongBinPut => {
                    let index = match op.arg {
                        Arg::Int(i) => i,
                        _ => {
                            return Err(Self::err(
                                at,
                                ErrorKind::InvalidArgument,
                                "memo index out of range",
                            ))
                        }
                    };
                    self.memo_put(index, at, judge)?;
                }
                O::Memoize => {
                    let index = self.memo.count as i64;
                    self.memo_put(index, at, judge)?;
                }
                _ => {
                    if let Some(stop) = self.step(op, judge)? {
                        return Ok(stop);
                    }
                }
            }
        }
    }

    /// Everything but control, memo and framing opcodes.
    fn step(&mut self, op: Op, judge: &mut Judge) -> Result<Option<Stop>> {
        use Opcode as O;
        let at = op.at;
        let item = match (op.op, &op.arg) {
            (O::None, _) => Item::None,
            (O::Int | O::BinInt | O::BinInt1 | O::BinInt2 | O::Long, Arg::Int(i)) => {
                i32::try_from(*i).map_or(Item::Data, Item::Int)
            }
            (_, Arg::Str(span, enc)) if op.op != O::PersId => {
                self.text_item(&op, span.clone(), *enc, judge)?
            }
            (O::NextBuffer, _) => {
                judge.buffer();
                Item::Data
            }
            (O::ReadonlyBuffer, _) => {
                self.top(at)?;
                return Ok(None);
            }
            (O::EmptyTuple | O::EmptyList | O::EmptySet, _) => Item::Data,
            (O::EmptyDict, _) => judge.tables.new_dict(),
            (O::Tuple1 | O::Tuple2 | O::Tuple3, _) => {
                let n = op.op as usize - O::Tuple1 as usize + 1;
                let mut items = [Item::Data; 3];
                for slot in items[..n].iter_mut().rev() {
                    *slot = self.pop(at)?;
                }
                judge.tables.tuple(&items[..n], at)?
            }
            (O::Tuple, _) => {
                let mark = self.mark(at)?;
                let tuple = judge.tables.tuple(&self.stack[mark..], at)?;
                self.stack.truncate(mark);
                tuple
            }
            (O::List | O::FrozenSet, _) => {
                self.sink_to_mark(at, judge)?;
                Item::Data
            }
            (O::Dict, _) => {
                let mark = self.mark(at)?;
                let dict = judge.tables.new_dict();
                set_items(dict, &self.stack[mark..], at, judge)?;
                self.stack.truncate(mark);
                dict
            }
            (O::Append, _) => {
                let value = self.pop(at)?;
                self.top(at)?;
                judge.tables.sink(value);
                return Ok(None);
            }
            (O::Appends | O::AddItems, _) => {
                self.sink_to_mark(at, judge)?;
                self.top(at)?;
                return Ok(None);
            }
            (O::SetItem, _) => {
                let value = self.pop(at)?;
                let key = self.pop(at)?;
                let target = self.top(at)?;
                set_items(target, &[key, value], at, judge)?;
                return Ok(None);
            }
            (O::SetItems, _) => {
                let mark = self.mark(at)?;
                let target = match mark.checked_sub(1) {
                    Some(below) if below >= self.floor() => self.stack[below],
                    _ => {
                        return Err(Self::err(
                            at,
                            ErrorKind::StackUnderflow,
                            "unpickling stack underflow",
                        ))
                    }
                };
                set_items(target, &self.stack[mark..], at, judge)?;
                self.stack.truncate(mark);
                return Ok(None);
            }
            (O::Global, Arg::Pair(module, name)) => {
                let (module, name) = self.names(
                    at,
                    module,
                    name,
                    Enc::Utf8,
                    "a GLOBAL name that is not UTF-8",
                )?;
                judge.import(&module, &name)?
            }
            (O::StackGlobal, _) => {
                let name = self.pop(at)?;
                let module = self.pop(at)?;
                judge.stack_global(module, name)?
            }
            (O::Inst, Arg::Pair(module, name)) => {
                let (module, name) = self.names(
                    at,
                    module,
                    name,
                    Enc::Ascii,
                    "an INST name that is not ASCII",
                )?;
                let class = judge.import(&module, &name)?;
                let args = self.pop_to_mark(at)?;
                let args = judge.tables.tuple(&args, at)?;
                judge.call(class, args)?
            }
            (O::Obj, _) => {
                let mut items = self.pop_to_mark(at)?;
                if items.is_empty() {
                    return Err(Self::err(
                        at,
                        ErrorKind::StackUnderflow,
                        "unpickling stack underflow",
                    ));
                }
                let class = items.remove(0);
                let args = judge.tables.tuple(&items, at)?;
                judge.call(class, args)?
            }
            (O::NewObj | O::NewObjEx, _) => {
                if op.op == O::NewObjEx {
                    let kwargs = self.pop(at)?;
                    judge.tables.sink(kwargs);
                }
                let args = self.pop(at)?;
                let class = self.pop(at)?;
                judge.tables.sink(args);
                judge.new_object(class)?
            }
            (O::Reduce, _) => {
                let args = self.pop(at)?;
                let callable = self.pop(at)?;
                judge.call(callable, args)?
            }
            (O::Build, _) => {
                let state = self.pop(at)?;
                let target = self.top(at)?;
                if let Some(after) = judge.build(target, state)? {
                    return Ok(Some(Stop::Splice(self.src.pos, after)));
                }
                return Ok(None);
            }
            (O::Ext1 | O::Ext2 | O::Ext4, Arg::Int(code)) => {
                judge.extension(*code, self.extensions)?
            }
            (O::PersId, Arg::Str(span, enc)) => {
                let pid = self.text_item(&op, span.clone(), *enc, judge)?;
                judge.persistent_id(pid)?;
                Item::Persistent(u32::MAX)
            }
            (O::BinPersId, _) => {
                let pid = self.pop(at)?;
                judge.persistent_id(pid)?;
                match pid {
                    Item::Tuple(t) => Item::Persistent(t),
                    _ => Item::Persistent(u32::MAX),
                }
            }
            // Numbers, bytes and everything else of plain data.
            _ => Item::Data,
        };
        self.push(item, judge)?;
        Ok(None)
    }
}

/// Adds `key, value` pairs to `target`; notes dunder keys of dicts.
fn set_items(target: Item, items: &[Item], at: usize, judge: &mut Judge) -> Result<()> {
    if items.len() % 2 != 0 {
        return Err(Machine::err(
            at,
            ErrorKind::InvalidOperation,
            "odd number of items for SETITEMS",
        ));
    }
    for pair in items.chunks(2) {
        judge.tables.sink(pair[0]);
        judge.tables.sink(pair[1]);
        if let Item::Dict(id) = target {
            if judge.is_dunder(pair[0]) {
                judge.tables.dunder_dicts.insert(id);
            }
        }
    }
    Ok(())
}
