//! `indexmap` maps and sets as Python's `dict` and `set`, in order (feature
//! `indexmap`).
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`IndexMap<K, V, S>`] | `dict` | entries written and read in order (a `dict` keeps insertion order); reading also takes a `collections.OrderedDict` or another dict-like object. A key given twice keeps its first place and its last value, as in Python |
//! | [`IndexSet<T, S>`] | `set` | items written in the set's order; reading keeps the pickle's order and also takes a `frozenset`, `list` or `tuple` |
//!
//! A Python `set` has no order of its own: the bytes equal CPython's when
//! the items are in the order CPython iterates the set.
//!
//! ```
//! use indexmap::IndexMap;
//! use pickle_core::Protocol;
//!
//! let map = IndexMap::from([("b".to_owned(), 1), ("a".to_owned(), 2)]);
//! let bytes = pickle_core::to_vec_with(&map, Protocol::V2)?;
//! // pickle.dumps({"b": 1, "a": 2}, protocol=2) in CPython 3.11
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02}q\x00(X\x01\x00\x00\x00bq\x01K\x01X\x01\x00\x00\x00aq\x02K\x02u."
//! );
//! let back: IndexMap<String, i64> = pickle_core::from_slice(&bytes)?;
//! assert_eq!(back.keys().collect::<Vec<_>>(), ["b", "a"]);
//! # Ok::<(), pickle_core::Error>(())
//! ```

use std::hash::{BuildHasher, Hash};

use indexmap::{IndexMap, IndexSet};

use crate::de::{key_label, Decoder};
use crate::error::Result;
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{FromPickle, Pickler, ToPickle};

impl<K: ToPickle, V: ToPickle, S> ToPickle for IndexMap<K, V, S> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_dict(self.iter())
    }
}

impl<K, V, S> FromPickle for IndexMap<K, V, S>
where
    K: FromPickle + Eq + Hash,
    V: FromPickle,
    S: BuildHasher + Default,
{
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let mut entries = d.map()?;
        let mut out = IndexMap::with_capacity_and_hasher(entries.len(), S::default());
        while let Some((k, v)) = entries.next_entry()? {
            let value = V::from_pickle(v).map_err(|e| e.in_key(key_label(&k)))?;
            out.insert(K::from_pickle(k)?, value);
        }
        Ok(out)
    }
}

impl<T: ToPickle, S> ToPickle for IndexSet<T, S> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_set(self.iter())
    }
}

impl<T, S> FromPickle for IndexSet<T, S>
where
    T: FromPickle + Eq + Hash,
    S: BuildHasher + Default,
{
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let items = d.seq_each(T::from_pickle)?;
        let mut out = IndexSet::with_capacity_and_hasher(items.len(), S::default());
        out.extend(items);
        Ok(out)
    }
}

/// `typing.Dict[K, V]`, for the generated Python classes.
impl<K: PyType, V: PyType, S> PyType for IndexMap<K, V, S> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        let key = K::py_type(registry);
        TypeExpr::dict(key, V::py_type(registry))
    }
}

/// `typing.Set[T]`, for the generated Python classes.
impl<T: PyType, S> PyType for IndexSet<T, S> {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::set(T::py_type(registry))
    }
}
