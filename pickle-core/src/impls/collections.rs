//! Sequences, maps, sets, tuples and `Option`.
//!
//! `Vec`, `VecDeque`, slices and arrays are Python lists; maps are dicts;
//! sets are sets; Rust tuples are Python tuples; `None` is `None`. Reading is
//! lenient where Python is: a sequence may come from a list, tuple, set or
//! frozenset, a map from a dict or a dict-like object (`OrderedDict`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};

use crate::de::{key_label, Decoder};
use crate::error::Result;
use crate::ser::{sorted, AttrName, Draft};
use crate::{FromPickle, Pickler, ToPickle};

impl<T: ToPickle> ToPickle for Option<T> {
    #[inline(always)]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        match self {
            Some(v) => v.to_pickle(p),
            None => p.write_none(),
        }
    }

    #[inline(always)]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        match self {
            Some(v) => v.to_pickle_after(name, p),
            None => p.none_after(name),
        }
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        match self {
            Some(v) => v.draft(name, d),
            None => d.none(name),
        }
    }
}

impl<T: FromPickle> FromPickle for Option<T> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        if d.is_none() {
            d.decode_none()?;
            Ok(None)
        } else {
            T::from_pickle(d).map(Some)
        }
    }
}

impl<T: ToPickle> ToPickle for [T] {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_slice(self)
    }

    #[inline]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.slice_after(name, self)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.list(name, self)
    }
}

impl<T: ToPickle> ToPickle for Vec<T> {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_slice(self)
    }

    #[inline]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.slice_after(name, self)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.list(name, self)
    }
}

impl<T: FromPickle> FromPickle for Vec<T> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        d.seq_each(T::from_pickle)
    }
}

impl<T: ToPickle> ToPickle for VecDeque<T> {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_list(self)
    }
}

impl<T: FromPickle> FromPickle for VecDeque<T> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        Vec::from_pickle(d).map(VecDeque::from)
    }
}

impl<T: ToPickle, const N: usize> ToPickle for [T; N] {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_slice(self)
    }

    #[inline]
    fn to_pickle_after(&self, name: AttrName, p: &mut Pickler<'_>) -> Result<()> {
        p.slice_after(name, self)
    }

    #[inline(always)]
    fn draft(&self, name: Option<AttrName>, d: &mut Draft<'_>) -> bool {
        d.list(name, self)
    }
}

impl<T: FromPickle, const N: usize> FromPickle for [T; N] {
    /// From a list or tuple of exactly `N` items.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let items = d.fixed_seq(N)?.decode_each(T::from_pickle)?;
        items
            .try_into()
            .map_err(|_| d.type_error(&format!("a sequence of {N}")))
    }
}

impl<K: ToPickle, V: ToPickle, S> ToPickle for HashMap<K, V, S> {
    /// In the map's order, which changes from run to run; sorted with
    /// [`ser::Options::sort_keys`](crate::ser::Options::sort_keys).
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        if p.sorts_keys() {
            return p.write_dict(sorted::by_key(self.iter(), |(k, _)| *k)?);
        }
        p.write_dict(self.iter())
    }
}

impl<K: FromPickle + Eq + Hash, V: FromPickle, S: BuildHasher + Default> FromPickle
    for HashMap<K, V, S>
{
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let mut entries = d.map()?;
        let mut out = HashMap::with_capacity_and_hasher(entries.len(), S::default());
        while let Some((k, v)) = entries.next_entry()? {
            let key = K::from_pickle(k)?;
            let value = V::from_pickle(v).map_err(|e| e.in_key(key_label(&k)))?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

impl<K: ToPickle, V: ToPickle> ToPickle for BTreeMap<K, V> {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_dict(self.iter())
    }
}

impl<K: FromPickle + Ord, V: FromPickle> FromPickle for BTreeMap<K, V> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let mut entries = d.map()?;
        let mut out = BTreeMap::new();
        while let Some((k, v)) = entries.next_entry()? {
            let key = K::from_pickle(k)?;
            let value = V::from_pickle(v).map_err(|e| e.in_key(key_label(&k)))?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

impl<T: ToPickle, S> ToPickle for HashSet<T, S> {
    /// In the set's order, which changes from run to run; sorted with
    /// [`ser::Options::sort_keys`](crate::ser::Options::sort_keys).
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        if p.sorts_keys() {
            return p.write_set(sorted::by_key(self.iter(), |item| *item)?);
        }
        p.write_set(self.iter())
    }
}

impl<T: FromPickle + Eq + Hash, S: BuildHasher + Default> FromPickle for HashSet<T, S> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        Ok(d.seq_each(T::from_pickle)?.into_iter().collect())
    }
}

impl<T: ToPickle> ToPickle for BTreeSet<T> {
    #[inline]
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_set(self.iter())
    }
}

impl<T: FromPickle + Ord> FromPickle for BTreeSet<T> {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        Ok(d.seq_each(T::from_pickle)?.into_iter().collect())
    }
}

macro_rules! tuples {
    ($($len:literal => ($($name:ident $idx:tt),+);)*) => {$(
        impl<$($name: ToPickle),+> ToPickle for ($($name,)+) {
            #[inline]
            fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
                p.write_tuple_of(&[$(&self.$idx as &dyn ToPickle),+])
            }
        }

        impl<$($name: FromPickle),+> FromPickle for ($($name,)+) {
            /// From a tuple (or list) of exactly this many items.
            fn from_pickle(d: Decoder<'_>) -> Result<Self> {
                let mut items = d.fixed_seq($len)?;
                let tuple = ($(
                    {
                        let item = items.next_item()?.ok_or_else(|| d.type_error(concat!("a tuple of ", $len)))?;
                        $name::from_pickle(item).map_err(|e| e.in_index($idx))?
                    },
                )+);
                // Reads the end of the tuple.
                match items.next_item()? {
                    None => Ok(tuple),
                    Some(_) => Err(d.type_error(concat!("a tuple of ", $len))),
                }
            }
        }
    )*};
}

tuples! {
    1 => (A 0);
    2 => (A 0, B 1);
    3 => (A 0, B 1, C 2);
    4 => (A 0, B 1, C 2, D 3);
    5 => (A 0, B 1, C 2, D 3, E 4);
    6 => (A 0, B 1, C 2, D 3, E 4, F 5);
    7 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    8 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    9 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    10 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    11 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    12 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
}
