//! The streaming backend of [`Decoder`](crate::Decoder): typed decoding
//! straight from the bytes, for the shapes CPython writes.
//!
//! The general reader runs the machine over the whole pickle before a typed
//! value is made from the arena, which costs time and memory in proportion
//! to the pickle. This reader instead walks the opcodes in order as the
//! target type asks for values, keeping only a few memo entries (see
//! `plan.rs`): the typed value is the only large thing built, and strings
//! are copied once, from the input into it.
//!
//! It reads what CPython writes: atoms, strings, bytes, lists, dicts, sets
//! and tuples in their batched forms, instances made by `NEWOBJ` or `REDUCE`
//! with their `BUILD` state, memo `GET`s of strings, numbers and globals.
//! Anything else (a `GET` of a container, an unknown attribute, a value read
//! out of order) makes it give up ("bail"): the caller's `FromPickle` then
//! runs once more, on the general reader. It only ever returns a value the
//! general reader would return too; an error the `FromPickle` returns is
//! kept (see `de/mod.rs`).
//!
//! A pickle is a stack program, so whether the value after an empty list is
//! its item or its next sibling can depend on what comes after it:
//! [`lookahead`] answers that by following stack heights, without building
//! anything. [`known`] remembers which memo entries are a class and its
//! field names, so that every instance after the first is read without
//! looking them up. A whole pickle read as a `Value` is built by the
//! machine (`de/value/`).

mod decoder;
mod global;
mod instance;
mod known;
mod lookahead;
mod map;
mod read;
mod seq;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

pub(crate) use instance::StreamInstance;
pub(crate) use map::StreamMap;
pub(crate) use seq::StreamSeq;

use super::options::Options;
use super::plan::{Checkpoints, Plan};
use crate::error::{Error, ErrorKind, Result};
use crate::hash::FxHasher;

/// What the memo holds for an index, as far as this reader needs it.
#[derive(Clone, Debug)]
pub(crate) enum Entry {
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

/// The reader's state. The handles (`StreamDecoder`) are `Copy` values
/// that a `FromPickle` passes around, so the state they share is in cells:
/// the read position and the memo count, read at every value; the rest
/// behind one `RefCell`.
pub(crate) struct Stream<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) opts: &'a Options<'a>,
    /// The next byte to read.
    pos: Cell<usize>,
    /// Memo entries written so far (what `MEMOIZE` uses as its index: every
    /// `PUT` must write the next one, so that no index is written twice).
    memo_len: Cell<usize>,
    /// Whether strings and atoms are kept as the plan says (see `plan.rs`).
    planned: Cell<bool>,
    bailed: Cell<bool>,
    /// Classes and field names matched to memo indices.
    known: RefCell<known::Known>,
    state: RefCell<State<'a>>,
}

/// What the reader keeps beside the position.
struct State<'a> {
    proto: u8,
    /// The memo entries kept: every global and enum member; strings and
    /// atoms that were found again or that the plan keeps. The input names
    /// the indices, but the reader admits only 0, 1, 2... in order, so a
    /// fast hash cannot be flooded.
    memo: HashMap<u32, Entry, BuildHasherDefault<FxHasher>>,
    checkpoints: Checkpoints,
    /// The plan, once walks have cost too much.
    plan: Option<Plan>,
    lookahead: lookahead::Cache,
    /// The text of memo entries below 256 that a `BINGET` read as a
    /// `str`, checked to be UTF-8 once (a dict's keys, fetched again for
    /// every dict of a list): entries are never written twice.
    texts: Vec<Option<&'a str>>,
}

/// Decodes a `T` from the pickle at the start of `input`, as `read` makes
/// it from the root object (`T::from_pickle`, or a closure); `None` where
/// the reader gave up or `read` failed, both left to the general reader
/// (an error here may be about a value the pickle goes on to discard).
pub(crate) fn decode<T, F>(input: &[u8], opts: &Options<'_>, read: &F) -> Option<T>
where
    F: Fn(crate::de::Decoder<'_>) -> Result<T>,
{
    if input.len() as u64 >= 1 << POS_BITS {
        return None;
    }
    let stream = Stream {
        input,
        opts,
        pos: Cell::new(0),
        memo_len: Cell::new(0),
        planned: Cell::new(false),
        bailed: Cell::new(false),
        known: RefCell::default(),
        state: RefCell::new(State {
            proto: 0,
            memo: HashMap::default(),
            checkpoints: Checkpoints::new(input.len()),
            plan: None,
            lookahead: lookahead::Cache::new(input.len()),
            texts: Vec::new(),
        }),
    };
    stream.past_frames();
    let root = StreamDecoder::new(&stream, stream.pos.get(), 0);
    let value = read(crate::de::Decoder::stream(root)).ok()?;
    let done = !stream.bailed.get() && stream.peek().ok() == Some(crate::opcode::Opcode::Stop);
    done.then_some(value)
}

impl Stream<'_> {
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
/// was stored in, and the processor stalled on the copy.
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
    /// [`MAX_STREAM_DEPTH`]; `pos` below `2^48`, which `decode` checks of
    /// the whole input).
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

    /// A handle for the value that starts where the stream is now, one
    /// level deeper. Always in line, as are the other handle methods: a
    /// call copied the handle through memory (4,494 -> 4,400 instructions
    /// per record of a typed decode, when measured).
    #[inline(always)]
    pub(crate) fn next(self) -> Result<StreamDecoder<'a>> {
        let depth = self.depth() + 1;
        if depth > self.s.opts.limits.max_depth || depth > MAX_STREAM_DEPTH {
            return Err(self.s.bail());
        }
        Ok(StreamDecoder::new(self.s, self.s.pos.get(), depth))
    }

    /// The value as a [`crate::Value`]. Only the whole pickle (the root,
    /// before anything is read) is built here, by the machine; a value
    /// inside would need this reader's memo, so it gives up.
    pub(crate) fn to_value(self) -> Result<crate::Value> {
        self.here()?;
        if self.depth() != 0 || self.s.memo_len.get() != 0 {
            return Err(self.s.bail());
        }
        match super::value::decode(self.s.input, self.s.opts) {
            Some((value, end)) => {
                // Past `STOP`: the driver checks for it.
                self.s.pos.set(end - 1);
                Ok(value)
            }
            None => Err(self.s.bail()),
        }
    }
}
