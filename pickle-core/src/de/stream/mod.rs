//! Typed decoding straight from the bytes, for the shapes CPython writes.
//!
//! The general reader ([`super::machine`]) builds every object of a pickle
//! before a typed value is made from them, which costs time and memory in
//! proportion to the whole pickle. This reader instead walks the opcodes in
//! order as the target type asks for values, keeping only a memo of the
//! strings, numbers and globals it has seen: the typed value is the only
//! large thing built, and strings are copied once, from the input into it.
//!
//! It understands what CPython writes: atoms, strings, bytes, lists, dicts,
//! sets and tuples in their batched forms, class instances made by
//! `NEWOBJ` or `REDUCE` with their `BUILD` state, memo `GET`s of strings,
//! numbers and globals. Anything else (a `GET` of a container, protocol 0
//! escapes, an unknown attribute, a value that is later changed through the
//! memo) makes it give up ("bail"), and the pickle is decoded again by the
//! general reader, which also gives every error its final form: this reader
//! only ever returns a value the general reader would return too.
//!
//! A pickle is a stack program, so whether the value after an empty list is
//! its item or its next sibling depends on what comes after it. The
//! [`scan`] module answers that by following stack heights ahead of the
//! decoder, without building anything.
//!
//! Many instances of one class are the common large pickle: [`known`]
//! remembers which memo entries are the class and its field names, so that
//! every instance after the first is read without looking them up again.
//!
//! A whole pickle read as a [`Value`](crate::Value) is the exception: no
//! type asks for its parts, so [`tree`] runs the stack machine itself, on
//! `Value`s, under the same rule (give up on anything doubtful).

mod arg;
mod class;
mod known;
mod plan;
mod read;
mod recover;
mod scan;
mod seq;
mod tree;
mod value;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

#[cfg(feature = "serde")]
pub(crate) use arg::end_of;
pub(crate) use class::StreamInstance;
pub(crate) use seq::{StreamMap, StreamSeq};

use super::options::Options;
use crate::error::{Error, ErrorKind, Result};
use crate::hash::FxHasher;

/// What the memo holds for an index, as far as this reader needs it.
#[derive(Clone, Debug)]
pub(crate) enum Entry {
    /// `None`.
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text at `input[start..start + len]`.
    Str {
        start: usize,
        len: usize,
    },
    /// Bytes at `input[start..start + len]`.
    Bytes {
        start: usize,
        len: usize,
    },
    /// A global: its module and name (after Python 2 renaming).
    Global(Rc<(String, String)>),
    /// Member `member` of the enum class whose description is at address `class`.
    Member {
        class: usize,
        member: usize,
    },
    /// Anything else: a `GET` of it makes the reader give up.
    Other,
}

pub(crate) struct Stream<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) opts: &'a Options<'a>,
    /// The next byte to read.
    pos: Cell<usize>,
    proto: Cell<u8>,
    /// The memo entries that a `GET` reads later, as guessed, found again
    /// (see [`recover`]) or planned (see [`plan`]). The input names the
    /// indices, but the reader admits only 0, 1, 2... in order, so a fast
    /// hash cannot be flooded; nor can `closers`, keyed by positions.
    memo: RefCell<HashMap<u32, Entry, BuildHasherDefault<FxHasher>>>,
    /// Memo entries written so far (what `MEMOIZE` uses as its index: the
    /// reader checks that every `PUT` writes the next one, so that no index
    /// is written twice).
    memo_len: Cell<usize>,
    /// Made only when guessing which entries are read fails (see
    /// [`try_from_slice`]), for a typed value as for a whole `Value` (see
    /// [`tree`]).
    plan: OnceCell<Option<plan::Plan>>,
    /// The entries this run keeps: a guess, or `None` to follow the plan.
    guess: Option<plan::Plan>,
    /// A memo entry that a `GET` read, that the guess did not keep, and
    /// that could not be found again (see [`recover`]).
    missed: Cell<Option<usize>>,
    /// Where memo writes are, to find entries not kept (see [`recover`]).
    walks: RefCell<recover::Walks>,
    /// Where the mark at a position is closed, as scans found out.
    closers: RefCell<HashMap<usize, (usize, crate::opcode::Opcode), BuildHasherDefault<FxHasher>>>,
    /// Classes and field names matched to memo indices (see [`known`]).
    known: RefCell<known::Known>,
    /// The text of memo entries below 256 that a `BINGET` read as a
    /// `str`, checked to be UTF-8 once (a dict's keys, fetched again for
    /// every dict of a list): entries are never written twice.
    texts: RefCell<Vec<Option<&'a str>>>,
    /// Opcodes scanned ahead so far, and how many may be.
    work: Cell<usize>,
    max_work: usize,
    bailed: Cell<bool>,
}

/// Decodes a `T` from `input` with this reader, as `read` makes it from the
/// root object; `None` if it gave up or met an error (the general reader
/// then decodes it, and reports any error). `read` may run more than once.
///
/// Which memo entries to keep is first guessed: none. A `GET` of an entry
/// that was not kept finds it again (see [`recover`]) or, failing that,
/// starts the decoding again keeping it, while that is [worth
/// it](plan::worth_restarting); then the plan decides.
pub(crate) fn try_from_slice<T, F>(input: &[u8], opts: &Options<'_>, read: &F) -> Option<T>
where
    F: Fn(crate::de::Decoder<'_>) -> Result<T>,
{
    if input.len() as u64 >= 1 << POS_BITS {
        return None;
    }
    let mut kept = Vec::new();
    let mut wasted = 0usize;
    while plan::worth_restarting(kept.len(), wasted, input.len()) {
        let stream = Stream::new(input, opts, Some(plan::Plan::guess(&kept)));
        if let Some(value) = stream.decode(read) {
            return Some(value);
        }
        kept.push(stream.missed.get()?);
        wasted += stream.pos.get();
    }
    Stream::new(input, opts, None).decode(read)
}

impl<'a> Stream<'a> {
    fn new(input: &'a [u8], opts: &'a Options<'a>, guess: Option<plan::Plan>) -> Stream<'a> {
        Stream {
            input,
            opts,
            pos: Cell::new(0),
            proto: Cell::new(0),
            memo: RefCell::new(HashMap::default()),
            memo_len: Cell::new(0),
            plan: OnceCell::new(),
            guess,
            missed: Cell::new(None),
            walks: RefCell::new(recover::Walks::new(input.len())),
            closers: RefCell::new(HashMap::default()),
            known: RefCell::default(),
            texts: RefCell::default(),
            work: Cell::new(0),
            max_work: input.len().saturating_mul(8).saturating_add(4096),
            bailed: Cell::new(false),
        }
    }

    /// The whole pickle as a `T`, as `read` makes it, if this reader reads it.
    fn decode<T, F>(&'a self, read: &F) -> Option<T>
    where
        F: Fn(crate::de::Decoder<'_>) -> Result<T>,
    {
        self.past_frames();
        let value = read(self.root()).ok()?;
        let at_stop = self.peek().ok() == Some(crate::opcode::Opcode::Stop);
        (at_stop && !self.bailed.get()).then_some(value)
    }

    fn root(&'a self) -> crate::de::Decoder<'a> {
        crate::de::Decoder::stream(StreamDecoder::new(self, self.pos.get(), 0))
    }

    /// Which memo entries a `GET` reads; the reader gives up on a pickle
    /// that has no plan.
    pub(crate) fn plan(&self) -> Result<&plan::Plan> {
        let plan = self.plan.get_or_init(|| plan::Plan::of(self.input));
        plan.as_ref().ok_or_else(|| self.bail())
    }

    /// Whether to keep memo entry `index`: as guessed, or as planned.
    #[inline(always)]
    pub(crate) fn keeps(&self, index: usize) -> Result<bool> {
        match &self.guess {
            Some(guess) => Ok(guess.is_read(index)),
            None => Ok(self.plan()?.is_read(index)),
        }
    }

    /// Gives up: marks the stream so that its result is not used, and returns
    /// an error to unwind with.
    #[cold]
    pub(crate) fn bail(&self) -> Error {
        self.bailed.set(true);
        Error::at(
            ErrorKind::InvalidOperation,
            self.pos.get() as u64,
            "pickle shape not handled by the streaming reader",
        )
    }
}

/// One value of the stream, not yet read: the value that starts at
/// [`pos`](Self::pos), [`depth`](Self::depth) containers deep.
///
/// Two words, so that it is passed and returned in registers: as three,
/// each call copied it through memory in pieces of another size than it
/// was stored in, and the processor stalled on the copy (a tenth of a
/// typed decode of many records).
#[derive(Clone, Copy)]
pub(crate) struct StreamDecoder<'a> {
    pub(crate) s: &'a Stream<'a>,
    /// The position in the low [`POS_BITS`] bits, the depth above them.
    at: u64,
}

/// Bits of [`StreamDecoder::at`] that hold the position: inputs of
/// `2^48` bytes (256 TiB) or more are left to the general reader.
const POS_BITS: u32 = 48;
/// The deepest value this reader reads; deeper ones are left to the
/// general reader, whatever the depth limit.
const MAX_STREAM_DEPTH: usize = (1 << (64 - POS_BITS)) - 1;

impl<'a> StreamDecoder<'a> {
    /// The handle of the value at `pos`, `depth` containers deep (at most
    /// [`MAX_STREAM_DEPTH`]; `pos` below `2^48`, which `try_from_slice`
    /// checks of the whole input).
    #[inline(always)]
    pub(crate) fn new(s: &'a Stream<'a>, pos: usize, depth: usize) -> StreamDecoder<'a> {
        StreamDecoder {
            s,
            at: pos as u64 | (depth as u64) << POS_BITS,
        }
    }

    /// Where the value starts.
    #[inline(always)]
    pub(crate) fn pos(self) -> usize {
        (self.at & ((1 << POS_BITS) - 1)) as usize
    }

    /// How many containers deep the value is.
    #[inline(always)]
    pub(crate) fn depth(self) -> usize {
        (self.at >> POS_BITS) as usize
    }

    /// The handle of the value at `pos`, as deep as this one.
    #[inline(always)]
    pub(crate) fn at(self, pos: usize) -> StreamDecoder<'a> {
        StreamDecoder::new(self.s, pos, self.depth())
    }

    /// Checks that this handle still stands for the next value (it was not
    /// read already, and the value before it was read whole).
    #[inline]
    pub(crate) fn here(self) -> Result<()> {
        if self.s.bailed.get() || self.s.pos.get() != self.pos() {
            return Err(self.s.bail());
        }
        Ok(())
    }

    /// A handle for the value that starts where the stream is now, one level deeper.
    #[inline(always)]
    pub(crate) fn next(self) -> Result<StreamDecoder<'a>> {
        let depth = self.depth() + 1;
        if depth > self.s.opts.limits.max_depth || depth > MAX_STREAM_DEPTH {
            return Err(self.s.bail());
        }
        Ok(StreamDecoder::new(self.s, self.s.pos.get(), depth))
    }

    pub(crate) fn offset(self) -> u64 {
        self.pos() as u64
    }

    /// The value as a [`crate::Value`]. Only the whole pickle (the root,
    /// before anything is read) is built here, in one pass (see [`tree`]);
    /// a value inside would need this reader's memo, so it gives up.
    pub(crate) fn decode_value(self) -> Result<crate::Value> {
        self.here()?;
        if self.depth() != 0 || self.s.memo_len.get() != 0 {
            return Err(self.s.bail());
        }
        let plan = || self.s.plan().ok();
        match tree::decode(self.s.input, self.s.opts, plan) {
            Some((value, stop)) => {
                self.s.pos.set(stop);
                Ok(value)
            }
            None => Err(self.s.bail()),
        }
    }
}
