//! Wrappers for Python containers that no Rust collection stands for:
//! `collections.OrderedDict`, `collections.deque` and `frozenset` (and, in
//! `bytes.rs`, [`ByteArray`](crate::ByteArray) for `bytearray`).
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`OrderedDict<K, V>`] | `collections.OrderedDict` | entries in order; reading also takes a `dict` |
//! | [`Deque<T>`] | `collections.deque` | with its `maxlen`; reading also takes a `list` or `tuple` |
//! | [`FrozenSet<S>`] | `frozenset` | any set type (`BTreeSet`, `HashSet`, or a `Vec` for order as given); reading also takes a `set`, `list` or `tuple` |
//! | [`ByteArray`](crate::ByteArray) | `bytearray` | reading also takes `bytes` |

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};

use crate::de::{key_label, Decoder, Kind};
use crate::error::{Error, ErrorKind, Result};
use crate::ser::sorted;
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{FromPickle, Pickler, ToPickle};

/// A `collections.OrderedDict`: entries in the order they were inserted.
///
/// The entries are a plain `Vec` of pairs, so any key type works and the
/// order is what it is; written as CPython writes an `OrderedDict`
/// (`OrderedDict()`, then the entries set on it). Reading gives the entries
/// in the order of the pickle (CPython never writes a key twice); it also
/// reads a plain `dict`. With the `indexmap` feature,
/// `indexmap::IndexMap` reads from an `OrderedDict` too, but writes a `dict`.
///
/// ```
/// use pickle_core::{OrderedDict, Protocol};
///
/// let od = OrderedDict(vec![("b".to_owned(), 1), ("a".to_owned(), 2)]);
/// let bytes = pickle_core::to_vec_with(&od, Protocol::V2)?;
/// // pickle.dumps(collections.OrderedDict([("b", 1), ("a", 2)]), protocol=2) in CPython 3.11
/// assert_eq!(
///     bytes,
///     b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(X\x01\x00\x00\x00bq\x02K\x01X\x01\x00\x00\x00aq\x03K\x02u."
/// );
/// assert_eq!(pickle_core::from_slice::<OrderedDict<String, i64>>(&bytes)?, od);
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderedDict<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for OrderedDict<K, V> {
    fn default() -> Self {
        OrderedDict(Vec::new())
    }
}

impl<K, V> Deref for OrderedDict<K, V> {
    type Target = Vec<(K, V)>;
    fn deref(&self) -> &Vec<(K, V)> {
        &self.0
    }
}

impl<K, V> DerefMut for OrderedDict<K, V> {
    fn deref_mut(&mut self) -> &mut Vec<(K, V)> {
        &mut self.0
    }
}

impl<K, V> FromIterator<(K, V)> for OrderedDict<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        OrderedDict(iter.into_iter().collect())
    }
}

impl<K, V> IntoIterator for OrderedDict<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K: ToPickle, V: ToPickle> ToPickle for OrderedDict<K, V> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let entries = self.0.iter().map(|(k, v)| (k, v));
        p.write_reduce_dict_items("collections", "OrderedDict", &[], entries)
    }
}

impl<K: FromPickle, V: FromPickle> FromPickle for OrderedDict<K, V> {
    /// From a `collections.OrderedDict` or a `dict`, in the pickle's order.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        if d.kind() == Kind::Object {
            // Check the class: `map()` takes any object filled by SETITEMs.
            d.call_args("collections", "OrderedDict")?;
        }
        let mut entries = d.map()?;
        let mut out = Vec::with_capacity(entries.len());
        while let Some((k, v)) = entries.next_entry()? {
            let value = V::from_pickle(v).map_err(|e| e.in_key(key_label(&k)))?;
            out.push((K::from_pickle(k)?, value));
        }
        Ok(OrderedDict(out))
    }
}

/// A `collections.deque`: its items, and its `maxlen` (`None` for a deque
/// without a bound).
///
/// Written as CPython writes a deque: `deque()` (or `deque((), maxlen)`),
/// then the items appended. Writing a deque that holds more than `maxlen`
/// items is an error (Python's deque never does). Reading keeps the last
/// `maxlen` items, as Python's deque does when items are appended beyond
/// its bound; a `list` or `tuple` reads as a deque without a bound.
///
/// ```
/// use std::collections::VecDeque;
/// use pickle_core::{Deque, Protocol};
///
/// let deque = Deque { items: VecDeque::from([1, 2, 3]), maxlen: Some(5) };
/// let bytes = pickle_core::to_vec_with(&deque, Protocol::V2)?;
/// // pickle.dumps(collections.deque([1, 2, 3], maxlen=5), protocol=2) in CPython 3.11
/// assert_eq!(
///     bytes,
///     b"\x80\x02ccollections\ndeque\nq\x00)K\x05\x86q\x01Rq\x02(K\x01K\x02K\x03e."
/// );
/// assert_eq!(pickle_core::from_slice::<Deque<i64>>(&bytes)?, deque);
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Deque<T> {
    /// The items, first to last.
    pub items: VecDeque<T>,
    /// The most items the deque holds, or `None` for no bound.
    pub maxlen: Option<usize>,
}

impl<T> Default for Deque<T> {
    fn default() -> Self {
        Deque {
            items: VecDeque::new(),
            maxlen: None,
        }
    }
}

impl<T> From<VecDeque<T>> for Deque<T> {
    /// A deque without a bound.
    fn from(items: VecDeque<T>) -> Self {
        Deque {
            items,
            maxlen: None,
        }
    }
}

impl<T> From<Vec<T>> for Deque<T> {
    /// A deque without a bound.
    fn from(items: Vec<T>) -> Self {
        Deque::from(VecDeque::from(items))
    }
}

impl<T> FromIterator<T> for Deque<T> {
    /// A deque without a bound.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Deque::from(iter.into_iter().collect::<VecDeque<T>>())
    }
}

/// The empty tuple, as the first argument of `deque((), maxlen)`.
struct EmptyTuple;

impl ToPickle for EmptyTuple {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_tuple_of(&[])
    }
}

impl<T: ToPickle> ToPickle for Deque<T> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        match self.maxlen {
            None => p.write_reduce_list_items("collections", "deque", &[], &self.items),
            Some(maxlen) if self.items.len() > maxlen => Err(Error::new(
                ErrorKind::Unpicklable,
                format!(
                    "`Deque` holds {} items, more than its `maxlen` of {maxlen}",
                    self.items.len()
                ),
            )),
            Some(maxlen) => {
                let maxlen = maxlen as u64;
                p.write_reduce_list_items(
                    "collections",
                    "deque",
                    &[&EmptyTuple, &maxlen],
                    &self.items,
                )
            }
        }
    }
}

impl<T: FromPickle> FromPickle for Deque<T> {
    /// From a `collections.deque`, or a `list` or `tuple`.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        if d.kind() != Kind::Object {
            let items = d.seq_each(T::from_pickle)?;
            return Ok(Deque::from(items));
        }
        // `deque(iterable=(), maxlen=None)`, then the appended items.
        let mut args = d.call_args("collections", "deque")?;
        if args.len() > 2 {
            return Err(d.error(
                ErrorKind::Type,
                format!(
                    "`collections.deque` takes at most 2 arguments, found {}",
                    args.len()
                ),
            ));
        }
        let mut items = Vec::new();
        if let Some(initial) = args.next_item()? {
            items = initial
                .seq()
                .map_err(|e| e.in_index(0))?
                .decode_each(T::from_pickle)?;
        }
        let maxlen = match args.next_item()? {
            Some(m) => Option::<usize>::from_pickle(m).map_err(|e| e.in_index(1))?,
            None => None,
        };
        let first_appended = items.len();
        for (i, item) in d.appended_items()?.into_iter().enumerate() {
            items.push(T::from_pickle(item).map_err(|e| e.in_index(first_appended + i))?);
        }
        let mut items = VecDeque::from(items);
        if let Some(maxlen) = maxlen {
            let extra = items.len().saturating_sub(maxlen);
            items.drain(..extra);
        }
        Ok(Deque { items, maxlen })
    }
}

/// A `frozenset` of the items of `S`, any collection: `BTreeSet`,
/// `HashSet`, or a `Vec` to keep the items in the order given.
///
/// ```
/// use std::collections::BTreeSet;
/// use pickle_core::{FrozenSet, Protocol};
///
/// let set = FrozenSet(BTreeSet::from([1, 2]));
/// let bytes = pickle_core::to_vec_with(&set, Protocol::V4)?;
/// // pickle.dumps(frozenset([1, 2]), protocol=4) in CPython 3.11
/// assert_eq!(bytes, b"\x80\x04\x95\x08\x00\x00\x00\x00\x00\x00\x00(K\x01K\x02\x91\x94.");
/// assert_eq!(pickle_core::from_slice::<FrozenSet<BTreeSet<i64>>>(&bytes)?, set);
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrozenSet<S>(pub S);

impl<S> Deref for FrozenSet<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.0
    }
}

impl<S> DerefMut for FrozenSet<S> {
    fn deref_mut(&mut self) -> &mut S {
        &mut self.0
    }
}

impl<S> ToPickle for FrozenSet<S>
where
    for<'a> &'a S: IntoIterator,
    for<'a> <&'a S as IntoIterator>::IntoIter: ExactSizeIterator,
    for<'a> <&'a S as IntoIterator>::Item: ToPickle,
{
    /// In the collection's order; sorted with
    /// [`ser::Options::sort_keys`](crate::ser::Options::sort_keys), as a
    /// `frozenset` has no order of its own.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        if p.sorts_keys() {
            return p.write_frozenset(sorted::by_key((&self.0).into_iter(), |item| item)?);
        }
        p.write_frozenset(&self.0)
    }
}

impl<S, T> FromPickle for FrozenSet<S>
where
    S: IntoIterator<Item = T> + FromIterator<T>,
    T: FromPickle,
{
    /// From a `frozenset`, `set`, `list` or `tuple`.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        Ok(FrozenSet(d.seq_each(T::from_pickle)?.into_iter().collect()))
    }
}

/// `typing.OrderedDict[K, V]` (subscriptable at run time from Python 3.7.2
/// on, unlike `collections.OrderedDict` before 3.9), for the generated
/// Python classes.
impl<K: PyType, V: PyType> PyType for OrderedDict<K, V> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        let key = K::py_type(registry);
        let value = V::py_type(registry);
        TypeExpr::class("typing", "OrderedDict").with_args(vec![key, value])
    }
}

/// `typing.Deque[T]`, for the generated Python classes.
impl<T: PyType> PyType for Deque<T> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::class("typing", "Deque").with_args(vec![T::py_type(registry)])
    }
}

/// `typing.FrozenSet[T]`, for the generated Python classes.
impl<S, T> PyType for FrozenSet<S>
where
    S: IntoIterator<Item = T>,
    T: PyType,
{
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::frozenset(T::py_type(registry))
    }
}
