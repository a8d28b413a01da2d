//! Containers written one item at a time, for writers that are handed their
//! items one by one instead of all at once (the serde bridge), and the one
//! rule of where CPython's batches of items begin and end.

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
    kind: SeqKind,
    /// How many items there are, when known ahead.
    len: Option<usize>,
    /// How many items were written.
    done: usize,
    /// When the length is not known: where the first batch's `MARK` is, to
    /// take it back if the container turns out to hold a single item.
    first_mark: Option<super::framer::Mark>,
}

impl Batch {
    /// The batches of `len` items (or entries) of a container of `kind`;
    /// a length not known ahead is allowed for lists and dicts only.
    pub(crate) fn new(kind: SeqKind, len: Option<usize>) -> Batch {
        debug_assert!(len.is_some() || matches!(kind, SeqKind::List | SeqKind::Dict));
        Batch {
            kind,
            len,
            done: 0,
            first_mark: None,
        }
    }

    /// Whether the batch that item `index` belongs to is written as one
    /// item and `APPEND`/`SETITEM`, without `MARK`.
    fn single(&self, index: usize) -> bool {
        match self.kind {
            SeqKind::List | SeqKind::Dict => self.len == Some(1),
            SeqKind::ObjectItems | SeqKind::ObjectEntries => {
                let start = index - index % BATCH_SIZE;
                self.len.is_some_and(|len| len - start == 1)
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

fn too_many(len: usize) -> Error {
    Error::new(
        ErrorKind::Unpicklable,
        format!("a container gave more items than its length promised ({len})"),
    )
}

impl Pickler<'_> {
    /// Before item (or entry) number `b.done`: the `MARK` that opens a batch.
    #[inline]
    pub(crate) fn batch_item_start(&mut self, b: &mut Batch) -> Result<()> {
        if b.len.is_some_and(|len| b.done >= len) {
            return Err(too_many(b.done));
        }
        if b.one_at_a_time(self.proto) || b.done % BATCH_SIZE != 0 || b.single(b.done) {
            return Ok(());
        }
        if b.len.is_none() && b.done == 0 {
            b.first_mark = Some(self.out.mark());
        }
        self.out.op(Opcode::Mark);
        Ok(())
    }

    /// After item (or entry) number `b.done`: `APPEND`/`SETITEM` after a
    /// single item, the batch's `APPENDS`/`SETITEMS`/`ADDITEMS` after its
    /// last one.
    #[inline]
    pub(crate) fn batch_item_end(&mut self, b: &mut Batch) {
        let index = b.done;
        b.done += 1;
        if b.one_at_a_time(self.proto) || b.single(index) {
            self.out.op(b.kind.single_op());
        } else if b.done % BATCH_SIZE == 0 || Some(b.done) == b.len {
            self.out.op(b.kind.batch_op());
        }
    }

    /// After the last item: the end of a batch left open (when the length
    /// was not known), and the empty batch CPython's loops over a dict and
    /// a set write after a last batch of exactly 1000.
    pub(crate) fn batch_end(&mut self, b: Batch) -> Result<()> {
        if let Some(len) = b.len {
            if b.done != len {
                return Err(super::seq::too_short());
            }
        }
        if b.done == 0 || b.one_at_a_time(self.proto) || b.single(b.done - 1) {
            return Ok(());
        }
        if b.len.is_none() && b.done % BATCH_SIZE != 0 {
            // The last batch is still open.
            let first = b.first_mark.filter(|_| b.done == 1);
            if first.is_some_and(|mark| self.out.take_back(mark, Opcode::Mark.byte())) {
                // One item after all: `APPEND`/`SETITEM`, as for a length
                // known to be 1. (Where the `MARK` went out already, the
                // batch stays: it loads the same.)
                self.out.op(b.kind.single_op());
                return Ok(());
            }
            self.out.op(b.kind.batch_op());
        }
        if matches!(b.kind, SeqKind::Dict | SeqKind::Set) && b.done % BATCH_SIZE == 0 {
            self.out
                .write(&[Opcode::Mark.byte(), b.kind.batch_op().byte()]);
        }
        Ok(())
    }

    /// Starts a `list` of `len` items (if known), written one at a time
    /// with the [`Batch`] returned; [`Pickler::end_list`] ends it.
    pub(crate) fn begin_list(&mut self, len: Option<usize>) -> Result<Batch> {
        self.out.boundary()?;
        self.enter()?;
        if self.proto >= 1 {
            self.out.op(Opcode::EmptyList);
        } else {
            self.out.write(&[Opcode::Mark.byte(), Opcode::List.byte()]);
        }
        self.put(None)?;
        Ok(Batch::new(SeqKind::List, len))
    }

    /// Starts a `dict` of `len` entries (if known), as
    /// [`Pickler::begin_list`] starts a list.
    pub(crate) fn begin_dict(&mut self, len: Option<usize>) -> Result<Batch> {
        self.out.boundary()?;
        self.enter()?;
        if self.proto >= 1 {
            self.out.op(Opcode::EmptyDict);
        } else {
            self.out.write(&[Opcode::Mark.byte(), Opcode::Dict.byte()]);
        }
        self.put(None)?;
        Ok(Batch::new(SeqKind::Dict, len))
    }

    /// Ends a list or dict started by [`Pickler::begin_list`] or
    /// [`Pickler::begin_dict`].
    pub(crate) fn end_container(&mut self, b: Batch) -> Result<()> {
        self.batch_end(b)?;
        self.leave();
        Ok(())
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
