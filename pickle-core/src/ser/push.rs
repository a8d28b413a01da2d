//! Containers written one item at a time, for writers that are handed their
//! items one by one instead of all at once (the serde bridge), and the one
//! rule of where CPython's batches of items begin and end (which
//! `Pickler::batched` uses too).
// Only the serde bridge writes containers one item at a time.
#![cfg_attr(not(feature = "serde"), allow(dead_code))]

use super::framer::{Framer, Mark};
use super::seq::{SeqKind, BATCH_SIZE};
use super::Pickler;
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;

/// The batches of the items of one container: which opcodes go before and
/// after each item, as CPython's `batch_list_exact`, `batch_list`,
/// `batch_dict_exact`, `batch_dict` and `save_set` write them. The caller
/// calls [`Pickler::batch_item_start`] before each item (before a key, for
/// a dict), [`Pickler::batch_item_end`] after it (after the value), and
/// [`Pickler::batch_end`] after the last.
#[derive(Debug)]
pub(crate) struct Batch {
    /// How many items there are ([`UNKNOWN`] when not known ahead).
    len: usize,
    /// How many items were written.
    done: usize,
    /// When the length is not known: where the first batch's `MARK` is, to
    /// take it back if the container turns out to hold a single item.
    first_mark: Mark,
    /// Where the items start in the output (for reserving room ahead).
    start: usize,
    /// Of the batch being written: how many more items begin without an
    /// opcode (all but its first), and how many more end without one (all
    /// but its last), for [`Pickler::open_item_start`] and
    /// [`Pickler::open_item_end`] to count down in line.
    quiet_starts: usize,
    quiet_ends: usize,
    kind: SeqKind,
}

/// [`Batch::len`] of a container whose length is not known ahead.
const UNKNOWN: usize = usize::MAX;

impl Batch {
    /// The batches of `len` items (or entries) of a container of `kind`;
    /// a length not known ahead is allowed for lists and dicts only.
    pub(crate) fn new(kind: SeqKind, len: Option<usize>) -> Batch {
        debug_assert!(len.is_some() || matches!(kind, SeqKind::List | SeqKind::Dict));
        Batch {
            len: len.unwrap_or(UNKNOWN),
            done: 0,
            first_mark: Mark::NONE,
            start: 0,
            quiet_starts: 0,
            quiet_ends: 0,
            kind,
        }
    }

    fn known(&self) -> Option<usize> {
        (self.len != UNKNOWN).then_some(self.len)
    }

    /// Whether the batch that item `index` belongs to is written as one
    /// item and `APPEND`/`SETITEM`, without `MARK`.
    fn single(&self, index: usize) -> bool {
        match self.kind {
            SeqKind::List | SeqKind::Dict => self.len == 1,
            SeqKind::ObjectItems | SeqKind::ObjectEntries => {
                let start = index - index % BATCH_SIZE;
                self.known().is_some_and(|len| len - start == 1)
            }
            SeqKind::Set => false,
        }
    }

    /// Whether items go one at a time (protocol 0 has no batches; a set
    /// is only ever written this way at protocol 4 and above).
    fn one_at_a_time(&self, proto: u8) -> bool {
        proto == 0 && self.kind != SeqKind::Set
    }
}

/// How a container begun one item at a time is written: as one batch
/// (nothing between the items), or with its [`Batch`] kept by the pickler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Open {
    One,
    Batches,
}

#[cold]
fn not_open() -> Error {
    Error::new(ErrorKind::Unpicklable, "no container is being written")
}

#[cold]
fn too_many(len: usize) -> Error {
    Error::new(
        ErrorKind::Unpicklable,
        format!("a container gave more items than its length promised ({len})"),
    )
}

impl Batch {
    /// Before item (or entry) number `self.done`: the `MARK` that opens a
    /// batch.
    #[inline]
    fn item_start(&mut self, proto: u8, out: &mut Framer<'_>) -> Result<()> {
        if self.known().is_some_and(|len| self.done >= len) {
            return Err(too_many(self.done));
        }
        if self.one_at_a_time(proto) || self.done % BATCH_SIZE != 0 || self.single(self.done) {
            return Ok(());
        }
        if self.len == UNKNOWN && self.done == 0 {
            self.first_mark = out.mark();
        } else if self.done > 0 {
            // Room for the rest at the rate so far, as `write_slice` makes it.
            out.expect_more(self.start, self.done, self.known().unwrap_or(self.done));
        }
        out.op(Opcode::Mark);
        // The batch's items: up to 1000, as many as are left if known.
        let items = self
            .known()
            .map_or(BATCH_SIZE, |len| (len - self.done).min(BATCH_SIZE));
        self.quiet_starts = items - 1;
        self.quiet_ends = items - 1;
        Ok(())
    }

    /// After item (or entry) number `self.done`: `APPEND`/`SETITEM` after
    /// a single item, the batch's `APPENDS`/`SETITEMS`/`ADDITEMS` after its
    /// last one.
    #[inline]
    fn item_end(&mut self, proto: u8, out: &mut Framer<'_>) {
        let index = self.done;
        self.done += 1;
        if self.one_at_a_time(proto) || self.single(index) {
            out.op(self.kind.single_op());
        } else if self.done % BATCH_SIZE == 0 || self.done == self.len {
            out.op(self.kind.batch_op());
        }
    }

    /// After the last item: the end of a batch left open (when the length
    /// was not known), and the empty batch CPython's loops over a dict and
    /// a set write after a last batch of exactly 1000.
    fn end(self, proto: u8, out: &mut Framer<'_>) -> Result<()> {
        if self.known().is_some_and(|len| self.done != len) {
            return Err(super::seq::too_short());
        }
        if self.done == 0 || self.one_at_a_time(proto) || self.single(self.done - 1) {
            return Ok(());
        }
        if self.len == UNKNOWN && self.done % BATCH_SIZE != 0 {
            // The last batch is still open.
            if self.done == 1 && out.take_back(self.first_mark, Opcode::Mark.byte()) {
                // One item after all: `APPEND`/`SETITEM`, as for a length
                // known to be 1. (Where the `MARK` went out already, the
                // batch stays: it loads the same.)
                out.op(self.kind.single_op());
                return Ok(());
            }
            out.op(self.kind.batch_op());
        }
        if matches!(self.kind, SeqKind::Dict | SeqKind::Set) && self.done % BATCH_SIZE == 0 {
            out.write(&[Opcode::Mark.byte(), self.kind.batch_op().byte()]);
        }
        Ok(())
    }
}

impl Pickler<'_> {
    /// Before item (or entry) number `b.done` of `b`: see [`Batch`].
    #[inline]
    pub(crate) fn batch_item_start(&mut self, b: &mut Batch) -> Result<()> {
        b.item_start(self.proto, &mut self.out)
    }

    /// After an item (or entry) of `b`: see [`Batch`].
    #[inline]
    pub(crate) fn batch_item_end(&mut self, b: &mut Batch) {
        b.item_end(self.proto, &mut self.out);
    }

    /// After the last item of `b`: see [`Batch`].
    pub(crate) fn batch_end(&mut self, b: Batch) -> Result<()> {
        b.end(self.proto, &mut self.out)
    }

    /// Starts a `list` of `len` items (if known), written one at a time:
    /// [`Open::One`] when they are known to be one batch (then nothing
    /// goes between them, and [`Pickler::end_one`] ends the list), else
    /// [`Open::Batches`], whose [`Batch`] the pickler keeps
    /// ([`Pickler::open_item_start`], [`Pickler::open_item_end`],
    /// [`Pickler::end_open`]).
    #[inline]
    pub(crate) fn begin_list(&mut self, len: Option<usize>) -> Result<Open> {
        self.begin_container(SeqKind::List, Opcode::EmptyList, Opcode::List, len)
    }

    /// Starts a `dict` of `len` entries (if known), as
    /// [`Pickler::begin_list`] starts a list.
    #[inline]
    pub(crate) fn begin_dict(&mut self, len: Option<usize>) -> Result<Open> {
        self.begin_container(SeqKind::Dict, Opcode::EmptyDict, Opcode::Dict, len)
    }

    /// `EMPTY_LIST`/`EMPTY_DICT` (`MARK LIST`/`MARK DICT` at protocol 0),
    /// memoized, then, when the items are known to be one batch of more
    /// than one, its `MARK`.
    #[inline(always)]
    fn begin_container(
        &mut self,
        kind: SeqKind,
        empty: Opcode,
        marked: Opcode,
        len: Option<usize>,
    ) -> Result<Open> {
        let n = len.unwrap_or(UNKNOWN);
        // The common case, in line: protocol 4+, one batch, room to nest.
        if self.proto >= 4
            && n < BATCH_SIZE
            && self.depth < self.max_depth
            && self.out.fits_in_frame(3)
            && self.memo.reserve_indices(1).is_some()
        {
            self.depth += 1;
            // Fixed-size writes (a slice of either length is a `memcpy` call).
            let (empty, memoize) = (empty.byte(), Opcode::Memoize.byte());
            if n > 1 {
                self.out.write(&[empty, memoize, Opcode::Mark.byte()]);
            } else {
                self.out.write(&[empty, memoize]);
            }
            return Ok(Open::One);
        }
        self.out.boundary()?;
        self.enter()?;
        if self.proto >= 1 {
            self.out.op(empty);
        } else {
            self.out.write(&[Opcode::Mark.byte(), marked.byte()]);
        }
        self.put(None)?;
        if n < BATCH_SIZE && self.proto >= 1 {
            if n > 1 {
                self.out.op(Opcode::Mark);
            }
            return Ok(Open::One);
        }
        let mut b = Batch::new(kind, len);
        b.start = self.out.buffered();
        self.open.push(b);
        Ok(Open::Batches)
    }

    /// Ends a list or dict of `len` items (`done` of them written) that
    /// [`Pickler::begin_list`] or [`Pickler::begin_dict`] found to be one
    /// batch.
    #[inline]
    pub(crate) fn end_one(&mut self, dict: bool, len: usize, done: usize) -> Result<()> {
        if done != len {
            return Err(super::seq::too_short());
        }
        let kind = if dict { SeqKind::Dict } else { SeqKind::List };
        match done {
            0 => {}
            1 => self.out.op(kind.single_op()),
            _ => self.out.op(kind.batch_op()),
        }
        self.leave();
        Ok(())
    }

    /// Before an item of the innermost container begun as [`Open::Batches`].
    #[inline(always)]
    pub(crate) fn open_item_start(&mut self) -> Result<()> {
        // Inside a batch (the common case, in line), nothing is written.
        match self.open.last_mut() {
            Some(b) if b.quiet_starts > 0 => {
                b.quiet_starts -= 1;
                Ok(())
            }
            _ => self.open_item_start_in_general(),
        }
    }

    #[inline(never)]
    fn open_item_start_in_general(&mut self) -> Result<()> {
        let b = self.open.last_mut().ok_or_else(not_open)?;
        b.item_start(self.proto, &mut self.out)
    }

    /// After an item of the innermost container begun as [`Open::Batches`].
    #[inline(always)]
    pub(crate) fn open_item_end(&mut self) -> Result<()> {
        match self.open.last_mut() {
            // Not the batch's last item: nothing is written.
            Some(b) if b.quiet_ends > 0 => {
                b.quiet_ends -= 1;
                b.done += 1;
                Ok(())
            }
            _ => self.open_item_end_in_general(),
        }
    }

    #[inline(never)]
    fn open_item_end_in_general(&mut self) -> Result<()> {
        let b = self.open.last_mut().ok_or_else(not_open)?;
        b.item_end(self.proto, &mut self.out);
        Ok(())
    }

    /// Ends the innermost container begun as [`Open::Batches`].
    pub(crate) fn end_open(&mut self) -> Result<()> {
        let b = self.open.pop().ok_or_else(not_open)?;
        self.batch_end(b)?;
        self.leave();
        Ok(())
    }

    /// Starts a `dict` of one entry, whose key and value the caller writes
    /// next; [`Pickler::end_entry_dict`] ends it.
    #[inline]
    pub(crate) fn begin_entry_dict(&mut self) -> Result<Open> {
        let open = self.begin_dict(Some(1))?;
        if open == Open::Batches {
            self.open_item_start()?;
        }
        Ok(open)
    }

    /// Ends a dict begun by [`Pickler::begin_entry_dict`], which said `open`.
    #[inline]
    pub(crate) fn end_entry_dict(&mut self, open: Open) -> Result<()> {
        match open {
            Open::One => self.end_one(true, 1, 1),
            Open::Batches => {
                self.open_item_end()?;
                self.end_open()
            }
        }
    }

    /// Starts a `tuple` of `len` items, written one at a time (each with
    /// its own `write_*`) and ended by [`Pickler::end_tuple`].
    pub(crate) fn begin_tuple(&mut self, len: usize) -> Result<()> {
        self.out.boundary()?;
        if len == 0 {
            return Ok(());
        }
        self.enter()?;
        if !(len <= 3 && self.proto >= 2) {
            self.out.op(Opcode::Mark);
        }
        Ok(())
    }

    /// Ends a tuple of `len` items started by [`Pickler::begin_tuple`],
    /// memoizing it as `save_tuple` does (the empty tuple is one object,
    /// not memoized).
    pub(crate) fn end_tuple(&mut self, len: usize) -> Result<()> {
        if len == 0 {
            self.empty_tuple();
            return Ok(());
        }
        self.leave();
        let op = match (len, self.proto >= 2) {
            (1, true) => Opcode::Tuple1,
            (2, true) => Opcode::Tuple2,
            (3, true) => Opcode::Tuple3,
            _ => Opcode::Tuple,
        };
        self.out.op(op);
        self.put(None)
    }
}
