//! Containers: lists, tuples, dicts, sets, frozensets, and the batching of
//! their items in runs of 1000, exactly as CPython's `batch_list_exact`,
//! `batch_list`, `batch_dict_exact`, `batch_dict` and `save_set` do it.

use super::push::Batch;
use super::{Key, Pickler};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::ToPickle;

/// Items per `APPENDS`/`SETITEMS`/`ADDITEMS` batch (`BATCHSIZE`).
pub(crate) const BATCH_SIZE: usize = 1000;

/// Which CPython routine's batching rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqKind {
    /// Items of a plain `list` (`batch_list_exact`): one item is `APPEND`ed,
    /// more go in `MARK ... APPENDS` batches.
    List,
    /// Entries of a plain `dict` (`batch_dict_exact`).
    Dict,
    /// Items appended to an object built by `REDUCE`/`NEWOBJ`
    /// (`batch_list`): a batch of one item is `APPEND`ed.
    ObjectItems,
    /// Entries set on an object built by `REDUCE`/`NEWOBJ` (`batch_dict`).
    ObjectEntries,
    /// Items of a `set` at protocol 4+ (`save_set`): always `MARK ... ADDITEMS`.
    Set,
}

impl SeqKind {
    fn is_dict(self) -> bool {
        matches!(self, SeqKind::Dict | SeqKind::ObjectEntries)
    }

    pub(super) fn single_op(self) -> Opcode {
        if self.is_dict() {
            Opcode::SetItem
        } else {
            Opcode::Append
        }
    }

    pub(super) fn batch_op(self) -> Opcode {
        match self {
            SeqKind::List | SeqKind::ObjectItems => Opcode::Appends,
            SeqKind::Dict | SeqKind::ObjectEntries => Opcode::SetItems,
            SeqKind::Set => Opcode::AddItems,
        }
    }
}

pub(super) fn too_short() -> Error {
    Error::new(
        ErrorKind::Unpicklable,
        "iterator yielded fewer items than its length promised",
    )
}

impl Pickler<'_> {
    /// Writes `len` items (or key/value entries) of a container whose empty
    /// form is already on the stack, calling `item(self, i)` to write item `i`.
    ///
    /// The batches are [`Batch`]'s, which follow CPython's loops exactly,
    /// including their quirks: the loops over a dict and a set stop only
    /// after a batch shorter than 1000, so a multiple of 1000 items ends
    /// with an empty `MARK SETITEMS`/`ADDITEMS`.
    pub(crate) fn batched<F>(&mut self, kind: SeqKind, len: usize, mut item: F) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        if len == 0 {
            return Ok(());
        }
        if self.proto >= 1 && len < BATCH_SIZE && matches!(kind, SeqKind::List | SeqKind::Dict) {
            // One batch, the common case, without the general loop's bookkeeping.
            let single = len == 1;
            if !single {
                self.out.op(Opcode::Mark);
            }
            for i in 0..len {
                item(self, i)?;
            }
            self.out.op(if single {
                kind.single_op()
            } else {
                kind.batch_op()
            });
            return Ok(());
        }
        let mut batch = Batch::new(kind, Some(len));
        for i in 0..len {
            self.batch_item_start(&mut batch)?;
            item(self, i)?;
            self.batch_item_end(&mut batch);
        }
        self.batch_end(batch)
    }

    /// Writes a `list` of the items.
    pub fn write_list<I>(&mut self, items: I) -> Result<()>
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
        I::Item: ToPickle,
    {
        let mut items = items.into_iter();
        self.out.boundary()?;
        self.list_with(None, items.len(), |p, _| {
            items.next().ok_or_else(too_short)?.to_pickle(p)
        })
    }

    /// Writes a `list` of the items of a slice (what `Vec<T>` and `[T]`
    /// write): like [`Pickler::write_list`], with the common case at
    /// protocol 4+ (a single batch) inline.
    #[inline]
    pub fn write_slice<T: ToPickle>(&mut self, items: &[T]) -> Result<()> {
        self.out.boundary()?;
        if self.slice_in_one_batch(items.len()) {
            self.list_head(items.len());
            return self.slice_items(items);
        }
        if self.proto >= 1 {
            return self.slice_in_batches(items);
        }
        self.list_with(None, items.len(), |p, i| items[i].to_pickle(p))
    }

    /// `list_with` for a slice at protocols 1 and above, with the batches
    /// of `batch_list_exact` as plain loops over chunks.
    #[inline(never)]
    fn slice_in_batches<T: ToPickle>(&mut self, items: &[T]) -> Result<()> {
        self.enter()?;
        self.out.op(Opcode::EmptyList);
        self.put(None)?;
        if let [item] = items {
            item.to_pickle(self)?;
            self.out.op(Opcode::Append);
        } else {
            let start = self.out.buffered();
            let mut done = 0;
            for batch in items.chunks(BATCH_SIZE) {
                self.out.op(Opcode::Mark);
                for item in batch {
                    item.to_pickle(self)?;
                }
                self.out.op(Opcode::Appends);
                done += batch.len();
                self.out.expect_more(start, done, items.len());
            }
        }
        self.leave();
        Ok(())
    }

    /// The head of a list of `len` items written in one batch:
    /// `EMPTY_LIST MEMOIZE`, and `MARK` unless a single `APPEND` will follow.
    #[inline]
    fn list_head(&mut self, len: usize) {
        let [a, b, c] = [
            Opcode::EmptyList.byte(),
            Opcode::Memoize.byte(),
            Opcode::Mark.byte(),
        ];
        if len > 1 {
            self.out.write(&[a, b, c]);
        } else {
            self.out.write(&[a, b]);
        }
    }

    /// Whether a list of `len` items is written by the fast path of
    /// [`Pickler::write_slice`]: protocol 4+, a single batch, room to nest.
    /// If so, the list's memo index is taken: the caller writes
    /// `EMPTY_LIST MEMOIZE`, `MARK` if `len > 1`, then calls
    /// [`Pickler::slice_items`].
    #[inline(always)]
    fn slice_in_one_batch(&mut self, len: usize) -> bool {
        self.proto >= 4
            && len < BATCH_SIZE
            && self.depth < self.max_depth
            && self.memo.reserve_indices(1).is_some()
    }

    /// The items of a list in one batch (`batch_list_exact`), after the
    /// head [`Pickler::slice_in_one_batch`] describes.
    #[inline]
    fn slice_items<T: ToPickle>(&mut self, items: &[T]) -> Result<()> {
        self.depth += 1;
        match items {
            [] => {}
            [item] => {
                item.to_pickle(self)?;
                self.out.op(Opcode::Append);
            }
            _ => {
                for item in items {
                    item.to_pickle(self)?;
                }
                self.out.op(Opcode::Appends);
            }
        }
        self.depth -= 1;
        Ok(())
    }

    #[inline]
    pub(crate) fn list_with<F>(&mut self, key: Option<Key<'_>>, len: usize, item: F) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.enter()?;
        if self.proto >= 1 {
            self.out.op(Opcode::EmptyList);
        } else {
            self.out.write(&[Opcode::Mark.byte(), Opcode::List.byte()]);
        }
        self.put(key)?;
        self.batched(SeqKind::List, len, item)?;
        self.leave();
        Ok(())
    }

    /// Writes a `tuple` of the items.
    pub fn write_tuple<I>(&mut self, items: I) -> Result<()>
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
        I::Item: ToPickle,
    {
        let mut items = items.into_iter();
        self.out.boundary()?;
        self.tuple_with(None, items.len(), |p, _| {
            items.next().ok_or_else(too_short)?.to_pickle(p)
        })
    }

    /// Writes a `tuple` of values of different types, such as a Rust tuple.
    pub fn write_tuple_of(&mut self, items: &[&dyn ToPickle]) -> Result<()> {
        self.out.boundary()?;
        self.tuple_with(None, items.len(), |p, i| items[i].to_pickle(p))
    }

    /// `()`: not memoized, as CPython writes the empty tuple (one object).
    pub(crate) fn empty_tuple(&mut self) {
        if self.proto >= 1 {
            self.out.op(Opcode::EmptyTuple);
        } else {
            self.out.write(&[Opcode::Mark.byte(), Opcode::Tuple.byte()]);
        }
    }

    /// `save_tuple`, including its handling of a tuple that contains itself
    /// (possible only for shared values): if writing the items memoized the
    /// tuple, the items are popped and the tuple fetched from the memo.
    pub(crate) fn tuple_with<F>(
        &mut self,
        key: Option<Key<'_>>,
        len: usize,
        mut item: F,
    ) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        if len == 0 {
            self.empty_tuple();
            return Ok(());
        }
        self.enter()?;
        let small = len <= 3 && self.proto >= 2;
        if !small {
            self.out.op(Opcode::Mark);
        }
        for i in 0..len {
            item(self, i)?;
        }
        self.leave();
        if let Some(idx) = key.and_then(|k| self.lookup(k)) {
            // The tuple was reached from inside itself and written there.
            if small {
                for _ in 0..len {
                    self.out.op(Opcode::Pop);
                }
            } else if self.proto >= 1 {
                self.out.op(Opcode::PopMark);
            } else {
                for _ in 0..=len {
                    self.out.op(Opcode::Pop);
                }
            }
            self.write_get(idx);
            return Ok(());
        }
        let op = match (small, len) {
            (true, 1) => Opcode::Tuple1,
            (true, 2) => Opcode::Tuple2,
            (true, 3) => Opcode::Tuple3,
            _ => Opcode::Tuple,
        };
        self.out.op(op);
        self.put(key)
    }

    /// Writes a `dict` of the entries, in order.
    pub fn write_dict<I, K, V>(&mut self, entries: I) -> Result<()>
    where
        I: IntoIterator<Item = (K, V)>,
        I::IntoIter: ExactSizeIterator,
        K: ToPickle,
        V: ToPickle,
    {
        let mut entries = entries.into_iter();
        self.out.boundary()?;
        self.dict_with(None, entries.len(), |p, _| {
            let (k, v) = entries.next().ok_or_else(too_short)?;
            k.to_pickle(p)?;
            v.to_pickle(p)
        })
    }

    /// Writes a `dict` whose entry `i` is written by `entry(self, i)` (key, then value).
    pub(crate) fn dict_with<F>(&mut self, key: Option<Key<'_>>, len: usize, entry: F) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.enter()?;
        if self.proto >= 1 {
            self.out.op(Opcode::EmptyDict);
        } else {
            self.out.write(&[Opcode::Mark.byte(), Opcode::Dict.byte()]);
        }
        self.put(key)?;
        self.batched(SeqKind::Dict, len, entry)?;
        self.leave();
        Ok(())
    }

    /// Writes a `set` of the items.
    pub fn write_set<I>(&mut self, items: I) -> Result<()>
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
        I::Item: ToPickle,
    {
        let mut items = items.into_iter();
        self.out.boundary()?;
        self.set_with(None, items.len(), |p, _| {
            items.next().ok_or_else(too_short)?.to_pickle(p)
        })
    }

    pub(crate) fn set_with<F>(&mut self, key: Option<Key<'_>>, len: usize, item: F) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        if self.proto < 4 {
            return self.set_as_call("set", key, len, item);
        }
        self.enter()?;
        self.out.op(Opcode::EmptySet);
        self.put(key)?;
        self.batched(SeqKind::Set, len, item)?;
        self.leave();
        Ok(())
    }

    /// A set or frozenset below protocol 4, where it has no opcodes:
    /// `builtins.set(list)` or `builtins.frozenset(list)`, as `save_reduce`
    /// writes it.
    fn set_as_call<F>(
        &mut self,
        class: &'static str,
        key: Option<Key<'_>>,
        len: usize,
        mut item: F,
    ) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        self.reduce_with(("builtins", class), key, |p| {
            p.out.boundary()?;
            p.tuple_with(None, 1, |p, _| {
                p.out.boundary()?;
                p.list_with(None, len, &mut item)
            })
        })
    }

    /// Writes a `frozenset` of the items.
    pub fn write_frozenset<I>(&mut self, items: I) -> Result<()>
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
        I::Item: ToPickle,
    {
        let mut items = items.into_iter();
        self.out.boundary()?;
        self.frozenset_with(None, items.len(), |p, _| {
            items.next().ok_or_else(too_short)?.to_pickle(p)
        })
    }

    pub(crate) fn frozenset_with<F>(
        &mut self,
        key: Option<Key<'_>>,
        len: usize,
        mut item: F,
    ) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        if self.proto < 4 {
            return self.set_as_call("frozenset", key, len, item);
        }
        self.enter()?;
        self.out.op(Opcode::Mark);
        for i in 0..len {
            item(self, i)?;
        }
        self.leave();
        if let Some(idx) = key.and_then(|k| self.lookup(k)) {
            self.out.op(Opcode::PopMark);
            self.write_get(idx);
            return Ok(());
        }
        self.out.op(Opcode::FrozenSet);
        self.put(key)
    }
}
