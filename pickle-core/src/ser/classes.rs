//! The writer's class cache: for each [`ClassDesc`] written, the memo
//! indices of its global, attribute names and enum members, so that many
//! instances of a class fetch them by position instead of hashing their
//! names each time; and how drafts of its instances fare.

use crate::class::ClassDesc;

/// What the writer knows of one class. Entries are only added to the memo,
/// never removed, so a found index stays valid.
pub(crate) struct ClassMemo {
    /// The description's address. The writer takes descriptions only as
    /// `&'static` (a `static`, or leaked), which are never freed, so one
    /// address is one description, with the same contents, for the whole run.
    desc: usize,
    pub(crate) global: Option<u32>,
    pub(crate) fields: Box<[Option<u32>]>,
    /// Once every field name is in the memo, for a class of at most 8
    /// fields whose names all have indices below 256: the indices, one byte
    /// each (field `i` in bits `8 * i..`), so that writing a name in the
    /// steady state is a shift and a 2-byte `BINGET`.
    pub(crate) short_names: Option<u64>,
    pub(crate) members: Box<[Option<u32>]>,
    /// How drafts of instances of the class fared.
    pub(crate) drafts: DraftCount,
}

impl ClassMemo {
    /// Sets [`ClassMemo::short_names`] if the names now allow it.
    pub(crate) fn pack_names(&mut self) {
        if self.fields.len() > 8 {
            return;
        }
        let mut packed = 0u64;
        for (i, idx) in self.fields.iter().enumerate() {
            match idx {
                Some(idx) if *idx < 256 => packed |= u64::from(*idx) << (8 * i),
                _ => return,
            }
        }
        self.short_names = Some(packed);
    }
}

/// How often drafts of one class were kept: once most are given up (a
/// field type without a drafted form), drafting stops paying.
#[derive(Clone, Copy, Default)]
pub(crate) struct DraftCount {
    pub(crate) tried: u64,
    pub(crate) kept: u64,
}

impl DraftCount {
    /// Whether to draft the next instance: the first 64 given up are free;
    /// after that, at most one in five may be.
    pub(crate) fn pay(self) -> bool {
        let given_up = self.tried - self.kept;
        given_up < 64 || given_up * 4 <= self.kept
    }
}

/// How many classes [`Classes::slot`] finds without a search.
const RECENT: usize = 4;

/// Every class written so far.
#[derive(Default)]
pub(crate) struct Classes {
    list: Vec<ClassMemo>,
    /// The slots of the classes used last, with their descriptions'
    /// addresses (0: none), newest first: an instance with a nested class
    /// or an enum member field uses two or three classes in turn.
    recent: [(usize, usize); RECENT],
}

impl Classes {
    /// The slot of `desc`, added on first use.
    #[inline]
    pub(crate) fn slot(&mut self, desc: &'static ClassDesc) -> usize {
        let addr = desc as *const ClassDesc as usize;
        for &(recent, slot) in &self.recent {
            if recent == addr {
                return slot;
            }
        }
        self.find(desc)
    }

    /// [`Classes::slot`] when `desc` is not one of the recent classes.
    #[inline(never)]
    fn find(&mut self, desc: &'static ClassDesc) -> usize {
        let addr = desc as *const ClassDesc as usize;
        let slot = match self.list.iter().position(|c| c.desc == addr) {
            Some(slot) => slot,
            None => {
                self.list.push(ClassMemo {
                    desc: addr,
                    global: None,
                    fields: vec![None; desc.fields.len()].into(),
                    short_names: None,
                    members: vec![None; desc.members.len()].into(),
                    drafts: DraftCount::default(),
                });
                self.list.len() - 1
            }
        };
        self.recent.rotate_right(1);
        self.recent[0] = (addr, slot);
        slot
    }

    /// The class in `slot`, found by [`Classes::slot`].
    #[inline]
    pub(crate) fn get(&mut self, slot: usize) -> &mut ClassMemo {
        &mut self.list[slot]
    }
}
