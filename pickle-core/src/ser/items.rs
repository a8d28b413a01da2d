//! Objects built by a call and then filled: the `listitems` and `dictitems`
//! parts of a `__reduce__` tuple (`collections.deque`, `collections.OrderedDict`).

use super::seq::{too_short, SeqKind};
use super::Pickler;
use crate::error::Result;
use crate::ToPickle;

impl Pickler<'_> {
    /// Writes `module.name(*args)` and then appends `items` to it, as CPython
    /// writes an object whose `__reduce__` returns `(cls, args, None,
    /// iter(items))`, such as `collections.deque`: the object is memoized
    /// after `REDUCE`, then the items follow in `APPEND`/`APPENDS` batches of
    /// 1000 (`batch_list`). Like [`Pickler::write_reduce`], the class name is
    /// not interned (a class implemented in C).
    ///
    /// ```
    /// use pickle_core::{to_vec_with, Pickler, Protocol, ToPickle};
    ///
    /// struct Queue(Vec<i64>);
    ///
    /// impl ToPickle for Queue {
    ///     fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
    ///         p.write_reduce_list_items("collections", "deque", &[], &self.0)
    ///     }
    /// }
    ///
    /// // pickle.dumps(collections.deque([1, 2]), protocol=2) in CPython 3.11
    /// assert_eq!(
    ///     to_vec_with(&Queue(vec![1, 2]), Protocol::V2)?,
    ///     b"\x80\x02ccollections\ndeque\nq\x00)Rq\x01(K\x01K\x02e."
    /// );
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn write_reduce_list_items<I>(
        &mut self,
        module: &str,
        name: &str,
        args: &[&dyn ToPickle],
        items: I,
    ) -> Result<()>
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
        I::Item: ToPickle,
    {
        let mut items = items.into_iter();
        self.write_reduce(module, name, args)?;
        self.enter()?;
        self.batched(SeqKind::ObjectItems, items.len(), |p, _| {
            items.next().ok_or_else(too_short)?.to_pickle(p)
        })?;
        self.leave();
        Ok(())
    }

    /// Writes `module.name(*args)` and then sets `entries` on it, as CPython
    /// writes an object whose `__reduce__` returns `(cls, args, None, None,
    /// iter(entries))`, such as `collections.OrderedDict`: the object is
    /// memoized after `REDUCE`, then the entries follow in
    /// `SETITEM`/`SETITEMS` batches of 1000 (`batch_dict`).
    ///
    /// ```
    /// use pickle_core::{to_vec_with, Pickler, Protocol, ToPickle};
    ///
    /// struct Ordered(Vec<(i64, i64)>);
    ///
    /// impl ToPickle for Ordered {
    ///     fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
    ///         let entries = self.0.iter().map(|(k, v)| (k, v));
    ///         p.write_reduce_dict_items("collections", "OrderedDict", &[], entries)
    ///     }
    /// }
    ///
    /// // pickle.dumps(collections.OrderedDict([(1, 2), (3, 4)]), protocol=2) in CPython 3.11
    /// assert_eq!(
    ///     to_vec_with(&Ordered(vec![(1, 2), (3, 4)]), Protocol::V2)?,
    ///     b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(K\x01K\x02K\x03K\x04u."
    /// );
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn write_reduce_dict_items<I, K, V>(
        &mut self,
        module: &str,
        name: &str,
        args: &[&dyn ToPickle],
        entries: I,
    ) -> Result<()>
    where
        I: IntoIterator<Item = (K, V)>,
        I::IntoIter: ExactSizeIterator,
        K: ToPickle,
        V: ToPickle,
    {
        let mut entries = entries.into_iter();
        self.write_reduce(module, name, args)?;
        self.enter()?;
        self.batched(SeqKind::ObjectEntries, entries.len(), |p, _| {
            let (k, v) = entries.next().ok_or_else(too_short)?;
            k.to_pickle(p)?;
            v.to_pickle(p)
        })?;
        self.leave();
        Ok(())
    }
}
