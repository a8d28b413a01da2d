//! What the scanning machine keeps of each value: not the value, only what
//! a judgement needs (a name, a short text, who made an object, the first
//! items of a tuple that holds such things), in eight bytes.
//!
//! Plain data is one [`Item::Data`], whatever its size, so a pickle of
//! millions of dicts costs one item per memo entry, and the state of a scan
//! stays well under the size of its input.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::value::Global;

/// The id of a name in [`Tables::names`]; [`NO_NAME`] for none.
pub(super) type NameId = u32;
pub(super) const NO_NAME: NameId = u32::MAX;

/// The most items of a tuple the scan keeps (the arguments it reads are
/// the first few: `getattr(obj, name)`, `_reconstructor(cls, base,
/// state)`, a torch storage's persistent id of five or six).
pub(super) const TUPLE_ITEMS: usize = 8;

/// One value on the machine's stack or in its memo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Item {
    /// Plain data the scan does not follow (numbers, bytes, lists, sets,
    /// long text, tuples of plain data).
    Data,
    None,
    Int(i32),
    /// A `str` that could be a name: the offset of the opcode that pushed
    /// it, re-read when the text is needed.
    Text(u32),
    /// A `str` whose opcode starts beyond 4 GiB or was read across a frame:
    /// an index into [`Tables::far_texts`].
    FarText(u32),
    /// A `str` too long to be a module or class name.
    LongText,
    /// A global (imported, or reached by `getattr`).
    Global(NameId),
    /// What a call returned; the name of the callee or class, if known.
    Object(NameId),
    /// A tuple holding names, objects or other tracked tuples: an index
    /// into [`Tables::tuples`].
    Tuple(u32),
    /// A dict (its id; [`Tables::dunder_dicts`] lists those with a key
    /// that changes how Python treats an object).
    Dict(u32),
    /// What a persistent id became: the id's item kept as a tuple index.
    Persistent(u32),
    /// An extension code the scan has no registry entry for.
    Extension,
}

// The memo holds one per entry: its size is the scan's memory.
const _: () = assert!(std::mem::size_of::<Option<Item>>() == 8);

impl Item {
    /// Whether a tuple holding this item must keep it.
    fn is_tracked(self) -> bool {
        matches!(
            self,
            Item::Global(_)
                | Item::Object(_)
                | Item::Tuple(_)
                | Item::Persistent(_)
                | Item::Extension
        )
    }
}

/// One interned name.
pub(super) struct Name {
    pub(super) global: Arc<Global>,
    /// `module.name`, for people.
    pub(super) text: Arc<str>,
    /// Whether this is `builtins.getattr` (any spelling).
    pub(super) getattr: bool,
    /// Whether a `getattr` was used other than as a call that names an
    /// attribute (stored, passed, returned).
    pub(super) escaped: bool,
}

/// What a scan keeps across the pickles of one stream.
#[derive(Default)]
pub(super) struct Tables {
    pub(super) names: Vec<Name>,
    ids: HashMap<(Box<str>, Box<str>), NameId>,
    /// Each tracked tuple's first items and its length.
    pub(super) tuples: Vec<(u32, u8, u32)>,
    pub(super) tuple_items: Vec<Item>,
    pub(super) far_texts: Vec<String>,
    pub(super) next_dict: u32,
    pub(super) dunder_dicts: std::collections::HashSet<u32>,
    /// Bytes the tables hold, charged against the allocation limit.
    pub(super) used: usize,
    pub(super) budget: usize,
}

impl Tables {
    pub(super) fn new(budget: usize) -> Tables {
        Tables {
            budget,
            ..Tables::default()
        }
    }

    /// Accounts for `bytes` more of the scan's memory.
    pub(super) fn charge(&mut self, bytes: usize, at: usize) -> Result<()> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.budget {
            return Err(Error::at(
                ErrorKind::AllocLimit,
                at as u64,
                format!("scanning needs more than the {} bytes allowed", self.budget),
            ));
        }
        Ok(())
    }

    pub(super) fn intern(&mut self, module: &str, name: &str, at: usize) -> Result<NameId> {
        if let Some(&id) = self.ids.get(&(module.into(), name.into())) {
            return Ok(id);
        }
        self.charge(2 * (module.len() + name.len()) + 128, at)?;
        let global = Global::new(module, name);
        let (m3, n3) = crate::compat::to_python3(module, name).unwrap_or((module, name));
        let id = self.names.len() as NameId;
        self.names.push(Name {
            text: format!("{module}.{name}").into(),
            getattr: (m3, n3) == ("builtins", "getattr"),
            global: Arc::new(global),
            escaped: false,
        });
        self.ids.insert((module.into(), name.into()), id);
        Ok(id)
    }

    /// A tuple of `items`: tracked if it holds anything a judgement reads.
    pub(super) fn tuple(&mut self, items: &[Item], at: usize) -> Result<Item> {
        for &item in items {
            self.sink(item);
        }
        let dunder = |i: &Item| matches!(i, Item::Dict(d) if self.dunder_dicts.contains(d));
        if !items.iter().any(|i| i.is_tracked() || dunder(i)) {
            return Ok(Item::Data);
        }
        let kept = &items[..items.len().min(TUPLE_ITEMS)];
        self.charge(12 + 8 * kept.len(), at)?;
        let start = self.tuple_items.len() as u32;
        self.tuple_items.extend_from_slice(kept);
        let id = self.tuples.len() as u32;
        self.tuples.push((
            start,
            kept.len() as u8,
            items.len().min(u32::MAX as usize) as u32,
        ));
        Ok(Item::Tuple(id))
    }

    /// The kept items of a tuple item and its full length; `None` for
    /// anything else.
    pub(super) fn tuple_of(&self, item: Item) -> Option<(&[Item], usize)> {
        let Item::Tuple(id) = item else { return None };
        let &(start, kept, len) = self.tuples.get(id as usize)?;
        let start = start as usize;
        Some((
            &self.tuple_items[start..start + kept as usize],
            len as usize,
        ))
    }

    pub(super) fn new_dict(&mut self) -> Item {
        let id = self.next_dict;
        self.next_dict = self.next_dict.wrapping_add(1);
        Item::Dict(id)
    }

    /// Notes that `item` is stored or passed somewhere: a `getattr` that
    /// is can be called later on anything.
    pub(super) fn sink(&mut self, item: Item) {
        if let Item::Global(id) = item {
            if let Some(name) = self.names.get_mut(id as usize) {
                if name.getattr {
                    name.escaped = true;
                }
            }
        }
    }
}
