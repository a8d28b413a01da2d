//! The items of sequences and the entries of dicts, handed to serde's
//! visitors one at a time.

use ::serde::de::{self, DeserializeSeed, Visitor};

use super::de::Deserializer;
use crate::de::{key_label, Decoder, Kind, Map, Seq};
use crate::error::{Error, ErrorKind, Result};

/// The items of a `list`, `tuple`, `set` or `frozenset`.
pub(super) struct SeqAccess<'de, 'a> {
    de: Deserializer<'de, 'a>,
    seq: Seq<'a>,
    index: usize,
}

impl<'de, 'a> SeqAccess<'de, 'a> {
    /// Hands the items of `seq` to `v`, and checks that `v` took them all
    /// (the streaming reader also needs the end read).
    pub(super) fn visit<V: Visitor<'de>>(
        de: Deserializer<'de, 'a>,
        seq: Seq<'a>,
        v: V,
    ) -> Result<V::Value> {
        let mut access = SeqAccess { de, seq, index: 0 };
        let value = v.visit_seq(&mut access)?;
        if access.seq.next_item()?.is_some() {
            return Err(de.d.error(
                ErrorKind::Type,
                format!("expected {} items, found more", access.index),
            ));
        }
        Ok(value)
    }
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'de, '_> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(item) = self.seq.next_item()? else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(self.de.at(item))
            .map(Some)
            .map_err(|e| e.in_index(index))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.seq.len())
    }
}

/// The entries of a `dict` (or of a dict-like object).
pub(super) struct MapAccess<'de, 'a> {
    de: Deserializer<'de, 'a>,
    map: Map<'a>,
    /// The key and value of the entry whose key was handed out.
    entry: Option<(Decoder<'a>, Decoder<'a>)>,
    /// Whether the keys are a struct's field names (for error paths).
    fields: bool,
}

impl<'de, 'a> MapAccess<'de, 'a> {
    /// Hands the entries of `map` to `v`, and checks that `v` took them all.
    pub(super) fn visit<V: Visitor<'de>>(
        de: Deserializer<'de, 'a>,
        map: Map<'a>,
        fields: bool,
        v: V,
    ) -> Result<V::Value> {
        let mut access = MapAccess {
            de,
            map,
            entry: None,
            fields,
        };
        let value = v.visit_map(&mut access)?;
        if access.entry.is_some() || access.map.next_entry()?.is_some() {
            return Err(de
                .d
                .error(ErrorKind::Type, "a dict's entries were not all read"));
        }
        Ok(value)
    }

    /// Names the entry of `key` in the path of an error from its value.
    fn in_entry(&self, key: Decoder<'a>, error: Error) -> Error {
        if self.fields && key.kind() == Kind::Str {
            if let Ok(name) = key.decode_str() {
                return error.in_field(name.to_owned());
            }
        }
        error.in_key(key_label(&key))
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'de, '_> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((key, value)) = self.map.next_entry()? else {
            return Ok(None);
        };
        self.entry = Some((key, value));
        seed.deserialize(self.de.at(key)).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let Some((key, value)) = self.entry.take() else {
            return Err(Error::new(
                ErrorKind::Custom,
                "a dict value asked before its key",
            ));
        };
        seed.deserialize(self.de.at(value))
            .map_err(|e| self.in_entry(key, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.map.len())
    }
}
