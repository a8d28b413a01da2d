//! The writer's memo: which objects were already written, and at which index.
//!
//! CPython memoizes by object identity. Rust values have no identity, so the
//! writer keys the memo by what stands for identity in each case:
//! - a [`Value::Shared`](crate::Value::Shared) node, by the address of its `Arc`;
//! - an interned string (an attribute or module name), by its text, because
//!   CPython interns those, so equal names are the same object (in some
//!   versions a name of one character below U+0100 is the very object of
//!   that character that every such string is);
//! - a global (a class or function), by `module` and `name`;
//! - an enum member, by its class and member name;
//! - another singleton (`datetime.timezone.utc`), by a name the writer gives it.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::choose::one_object_str;
use crate::hash::FxHasher;

type Map<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// An enum member: its class's module and name, and the member's name.
type MemberKey = (Box<str>, Box<str>, Box<str>);

#[derive(Default)]
pub(crate) struct Memo {
    /// Number of entries: the next index to assign.
    len: u32,
    /// Whether an interned name of one character below U+0100 is the one
    /// object of that character (see `Dialect::one_char_names_shared`).
    one_char_names_shared: bool,
    by_address: Map<usize, u32>,
    interned: Map<Box<str>, u32>,
    globals: Map<Box<str>, Map<Box<str>, u32>>,
    members: Map<MemberKey, u32>,
    singletons: Map<Box<str>, u32>,
    /// `""` and the one-character strings CPython keeps one object of
    /// (see `choose::one_object_str`).
    one_object_strs: Map<u16, u32>,
    /// `b""` and the one-byte `bytes` (see `one_object_bytes` in `mod.rs`).
    one_object_bytes: Map<u16, u32>,
    /// Interned names given as `&'static str` (serde's field and variant
    /// names), by the address and length of their text, with their memo
    /// index: a small open-addressed cache in front of [`Memo::interned`],
    /// so that a struct's names are found without hashing them. A
    /// `'static` text never changes or goes away, so one address and length
    /// is one text for the whole run; two copies of a text are two entries
    /// with the same index.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    static_names: Box<[(usize, usize, u32)]>,
}

/// How many `'static` names [`Memo::static_name`] keeps at once (a power
/// of two).
#[cfg(feature = "serde")]
const STATIC_NAMES: usize = 128;

/// How many slots from its own a name may be found in.
#[cfg(feature = "serde")]
const STATIC_PROBES: usize = 8;

impl Memo {
    /// Where the search for `name` in [`Memo::static_names`] starts.
    #[cfg(feature = "serde")]
    #[inline]
    fn static_slot(name: &'static str) -> usize {
        // Names lie a few bytes apart, a struct's often side by side: a
        // multiplicative (Fibonacci) hash spreads them over the table. The
        // address's low bits, folded, put two names of one struct in one
        // slot of a direct-mapped table, depending on where the linker
        // placed them, and the two evicted each other at every record.
        let addr = name.as_ptr() as u64;
        let bits = STATIC_NAMES.trailing_zeros();
        (addr.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
    }

    /// The memo index of the interned name `name`, if it was recorded by
    /// [`Memo::set_static_name`].
    #[cfg(feature = "serde")]
    #[inline]
    pub(crate) fn static_name(&self, name: &'static str) -> Option<u32> {
        let home = Memo::static_slot(name);
        let key = (name.as_ptr() as usize, name.len());
        (0..STATIC_PROBES).find_map(|probe| {
            let &(addr, len, idx) = self.static_names.get((home + probe) % STATIC_NAMES)?;
            ((addr, len) == key).then_some(idx)
        })
    }

    /// Records that the interned name `name` is at memo index `idx`: in
    /// the first free slot of its probes, else in its own.
    #[cfg(feature = "serde")]
    #[inline]
    pub(crate) fn set_static_name(&mut self, name: &'static str, idx: u32) {
        if self.static_names.is_empty() {
            self.static_names = vec![(0, 0, 0); STATIC_NAMES].into();
        }
        let home = Memo::static_slot(name);
        let slot = (0..STATIC_PROBES)
            .map(|probe| (home + probe) % STATIC_NAMES)
            .find(|&slot| self.static_names[slot].0 == 0)
            .unwrap_or(home);
        self.static_names[slot] = (name.as_ptr() as usize, name.len(), idx);
    }

    /// An empty memo; `one_char_names_shared` as the target version has it.
    pub(crate) fn new(one_char_names_shared: bool) -> Memo {
        Memo {
            one_char_names_shared,
            ..Memo::default()
        }
    }

    /// Assigns the next `n` indices at once (to objects memoized with
    /// `MEMOIZE`, which names no index); `None` if they do not fit.
    #[inline]
    pub(crate) fn reserve_indices(&mut self, n: u32) -> Option<()> {
        self.len = self.len.checked_add(n)?;
        Some(())
    }

    /// How many more indices can be assigned.
    #[inline]
    pub(crate) fn room(&self) -> usize {
        (u32::MAX - self.len) as usize
    }

    /// Assigns the next index.
    #[inline]
    pub(crate) fn next_index(&mut self) -> Option<u32> {
        let idx = self.len;
        self.len = self.len.checked_add(1)?;
        Some(idx)
    }

    pub(crate) fn address(&self, addr: usize) -> Option<u32> {
        self.by_address.get(&addr).copied()
    }

    pub(crate) fn set_address(&mut self, addr: usize, idx: u32) {
        self.by_address.insert(addr, idx);
    }

    /// An interned string. Where the target version makes the interned
    /// name of one character below U+0100 the very object every such
    /// string is (`one_char_names_shared`), the attribute name `a` and a
    /// value `"a"` share one entry, that of [`Memo::one_object_str`].
    pub(crate) fn interned(&self, text: &str) -> Option<u32> {
        match self.shared_one_char(text) {
            Some(id) => self.one_object_str(id),
            None => self.interned.get(text).copied(),
        }
    }

    pub(crate) fn set_interned(&mut self, text: &str, idx: u32) {
        match self.shared_one_char(text) {
            Some(id) => self.set_one_object_str(id, idx),
            None => {
                self.interned.insert(text.into(), idx);
            }
        }
    }

    /// The one-object string that the interned `text` is, if it is one.
    fn shared_one_char(&self, text: &str) -> Option<u16> {
        self.one_char_names_shared
            .then(|| one_object_str(text))
            .flatten()
    }

    pub(crate) fn global(&self, module: &str, name: &str) -> Option<u32> {
        self.globals.get(module)?.get(name).copied()
    }

    pub(crate) fn set_global(&mut self, module: &str, name: &str, idx: u32) {
        self.globals
            .entry(module.into())
            .or_default()
            .insert(name.into(), idx);
    }

    pub(crate) fn member(&self, module: &str, name: &str, member: &str) -> Option<u32> {
        // Enum members are few; a tuple key built per lookup keeps this simple.
        self.members
            .get(&(module.into(), name.into(), member.into()))
            .copied()
    }

    pub(crate) fn singleton(&self, identity: &str) -> Option<u32> {
        self.singletons.get(identity).copied()
    }

    pub(crate) fn set_singleton(&mut self, identity: &str, idx: u32) {
        self.singletons.insert(identity.into(), idx);
    }

    pub(crate) fn one_object_str(&self, id: u16) -> Option<u32> {
        self.one_object_strs.get(&id).copied()
    }

    pub(crate) fn set_one_object_str(&mut self, id: u16, idx: u32) {
        self.one_object_strs.insert(id, idx);
    }

    pub(crate) fn one_object_bytes(&self, id: u16) -> Option<u32> {
        self.one_object_bytes.get(&id).copied()
    }

    pub(crate) fn set_one_object_bytes(&mut self, id: u16, idx: u32) {
        self.one_object_bytes.insert(id, idx);
    }

    pub(crate) fn set_member(&mut self, module: &str, name: &str, member: &str, idx: u32) {
        self.members
            .insert((module.into(), name.into(), member.into()), idx);
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::Memo;

    /// Names as serde's derive leaves them: `'static` texts side by side.
    const NAMES: [&str; 12] = [
        "id", "customer", "price", "tags", "note", "status", "a", "b", "c", "d", "e", "f",
    ];

    #[test]
    fn a_structs_names_are_all_found_again() {
        let mut memo = Memo::new(true);
        for (idx, name) in NAMES.iter().enumerate() {
            memo.set_static_name(name, idx as u32);
        }
        for (idx, name) in NAMES.iter().enumerate() {
            assert_eq!(memo.static_name(name), Some(idx as u32), "{name}");
        }
    }

    #[test]
    fn a_name_is_found_at_its_own_index_or_not_at_all() {
        // More names than the cache keeps: some are evicted, none is found
        // with another's index.
        let names: Vec<&'static str> = (0..500)
            .map(|i| &*Box::leak(format!("field{i}").into_boxed_str()))
            .collect();
        let mut memo = Memo::new(true);
        for (idx, name) in names.iter().enumerate() {
            memo.set_static_name(name, idx as u32);
        }
        let found = names
            .iter()
            .enumerate()
            .filter(|&(idx, name)| match memo.static_name(name) {
                Some(found) => {
                    assert_eq!(found, idx as u32, "{name}");
                    true
                }
                None => false,
            })
            .count();
        assert!((1..=super::STATIC_NAMES).contains(&found), "{found}");
    }
}
