//! Drafting: writing a whole instance into room beside the output, then
//! keeping it or dropping it.
//!
//! In the steady state of writing many instances of a class (protocol 4+,
//! the class and its attribute names in the memo), an instance is a few
//! fixed opcodes around its fields' values. Written through the
//! [`Pickler`], each of those small writes loads the output's length from
//! memory and stores it back, and the next write waits for that store: a
//! chain through memory as long as the instance. A [`Draft`] writes into
//! room the output keeps for drafts (see `Framer::draft_room`), keeping its
//! position in a register, and checks room with one comparison per write;
//! drafts kept one after another (the instances of a list) go to the output
//! together, in one copy. Whatever a draft cannot write
//! as CPython would (a value without a drafted form, a string CPython
//! shares, a class not yet in the memo, the end of the room) makes it give
//! up; the caller then writes the instance through the [`Pickler`].
//!
//! The room ends before the open frame's commit point, so no value starts
//! where CPython would commit the frame first: the bytes are the same as
//! the [`Pickler`]'s.

use super::choose;
use super::classes::Classes;
use super::{AttrName, Pickler, BATCH_SIZE};
use crate::class::{ClassDesc, Repr, STATE_INSTANCE_HEAD};
use crate::opcode::Opcode;

/// An instance being written into the room for drafts: what
/// [`Draftable::draft`](crate::__private::Draftable::draft) writes into.
/// Made by a derived `to_pickle`; not meant for other use.
#[doc(hidden)]
pub struct Draft<'a> {
    room: &'a mut [u8],
    /// How many bytes of `room` are written.
    pos: usize,
    /// How many objects were memoized (`MEMOIZE`s written).
    memos: u32,
    /// How many more containers may nest, within the writer's depth limit.
    depth_room: usize,
    classes: &'a mut Classes,
    /// The class whose drafts are counted.
    slot: usize,
}

/// How a draft ended, for [`Pickler::end_draft`].
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct DraftEnd {
    /// The bytes and objects kept (none if the draft gave up).
    len: usize,
    memos: u32,
    slot: usize,
    kept: bool,
}

/// The most room one draft takes: an instance and its nested values.
const ROOM: usize = 512;

impl Pickler<'_> {
    /// A draft for an instance of `class`, whose fields the caller writes
    /// with `Draftable::draft` and ends with [`Draft::end`] and
    /// [`Pickler::end_draft`]; `None` when drafting would not pay: below
    /// protocol 4, at the commit point of a frame, or when drafts of
    /// `class` were given up too often.
    ///
    /// Always in line: out of line, the draft it returns went through
    /// memory, and so did its position at every write after (84 -> 97
    /// million instructions for the bench's records, when measured).
    #[doc(hidden)]
    #[inline(always)]
    pub fn draft(&mut self, class: &'static ClassDesc) -> Option<Draft<'_>> {
        if self.proto < 4 || class.repr != Repr::State {
            return None;
        }
        let slot = self.classes.slot(class);
        let count = &mut self.classes.get(slot).drafts;
        if !count.pay() {
            return None;
        }
        count.tried += 1;
        let depth_room = self.max_depth.checked_sub(self.depth)?;
        // Every memoized object takes at least a byte.
        let room = self.memo.room().min(ROOM);
        Some(Draft {
            room: self.out.draft_room(room),
            pos: 0,
            memos: 0,
            depth_room,
            classes: &mut self.classes,
            slot,
        })
    }

    /// Ends a draft: keeps what it wrote (the output and the memo grow over
    /// it) or not. Returns whether it was kept.
    #[doc(hidden)]
    #[inline]
    pub fn end_draft(&mut self, end: DraftEnd) -> bool {
        let count = &mut self.classes.get(end.slot).drafts;
        count.kept += u64::from(end.kept);
        if end.kept {
            self.out.keep_draft(end.len);
            // The room was at most the memo's room, and each object took a byte.
            let _ = self.memo.reserve_indices(end.memos);
        }
        end.kept
    }
}

impl Draft<'_> {
    /// Ends the draft, keeping what it wrote or not, for
    /// [`Pickler::end_draft`].
    #[doc(hidden)]
    #[inline]
    pub fn end(self, keep: bool) -> DraftEnd {
        DraftEnd {
            len: self.pos,
            memos: self.memos,
            slot: self.slot,
            kept: keep,
        }
    }

    /// Writes `bytes` (all of them, in one fixed-size copy) and keeps the
    /// first `keep`; false if they do not fit.
    #[inline(always)]
    fn put_first<const N: usize>(&mut self, bytes: [u8; N], keep: usize) -> bool {
        match self.room.get_mut(self.pos..self.pos + N) {
            Some(room) => {
                room.copy_from_slice(&bytes);
                self.pos += keep;
                true
            }
            None => false,
        }
    }

    /// Writes `bytes`; false if they do not fit.
    #[inline(always)]
    fn put<const N: usize>(&mut self, bytes: [u8; N]) -> bool {
        self.put_first(bytes, N)
    }

    /// Writes `name` if there is one.
    #[inline(always)]
    fn name(&mut self, name: Option<AttrName>) -> bool {
        match name {
            Some(name) => self.put(name.get),
            None => true,
        }
    }

    /// `name`, then `None`.
    #[inline(always)]
    pub(crate) fn none(&mut self, name: Option<AttrName>) -> bool {
        self.name(name) && self.put([Opcode::None.byte()])
    }

    /// `name`, then a `bool`.
    #[inline(always)]
    pub(crate) fn bool(&mut self, name: Option<AttrName>, v: bool) -> bool {
        let op = if v { Opcode::NewTrue } else { Opcode::NewFalse };
        self.name(name) && self.put([op.byte()])
    }

    /// `name`, then an int (`choose::int` at protocol 4+).
    #[inline(always)]
    pub(crate) fn int(&mut self, name: Option<AttrName>, v: i64) -> bool {
        let Some((bytes, len)) = choose::int(v, 4) else {
            return false;
        };
        self.name(name) && self.put_first(bytes, len)
    }

    /// `name`, then a float.
    #[inline(always)]
    pub(crate) fn float(&mut self, name: Option<AttrName>, v: f64) -> bool {
        let [b0, b1, b2, b3, b4, b5, b6, b7] = v.to_bits().to_be_bytes();
        self.name(name) && self.put([Opcode::BinFloat.byte(), b0, b1, b2, b3, b4, b5, b6, b7])
    }

    /// `name`, then a `str` written whole (see `choose::short_str`); a
    /// string CPython shares through the memo is left to the [`Pickler`].
    #[inline(always)]
    pub(crate) fn str(&mut self, name: Option<AttrName>, v: &str) -> bool {
        if !choose::short_str(v, 4) {
            return false;
        }
        let prefix: &[u8] = match &name {
            Some(name) => &name.get,
            None => &[],
        };
        let Some(room) = self.room.get_mut(self.pos..) else {
            return false;
        };
        match super::framer::short_str_into(room, prefix, v.as_bytes()) {
            Some(written) => {
                self.pos += written;
                self.memos += 1;
                true
            }
            None => false,
        }
    }

    /// `name`, then a list of `items`, in one batch, as
    /// `Pickler::write_slice` writes it.
    #[inline(always)]
    pub(crate) fn list<T: crate::__private::Draftable>(
        &mut self,
        name: Option<AttrName>,
        items: &[T],
    ) -> bool {
        if items.len() >= BATCH_SIZE || self.depth_room == 0 || !self.name(name) {
            return false;
        }
        let [list, memoize, mark] = [
            Opcode::EmptyList.byte(),
            Opcode::Memoize.byte(),
            Opcode::Mark.byte(),
        ];
        self.memos += 1;
        self.depth_room -= 1;
        let written = match items {
            [] => self.put([list, memoize]),
            [item] => {
                self.put([list, memoize])
                    && item.draft(None, self)
                    && self.put([Opcode::Append.byte()])
            }
            _ => 'items: {
                if !self.put([list, memoize, mark]) {
                    break 'items false;
                }
                // A loop, not `Iterator::all`: its closure was not inlined,
                // and the position went through memory.
                for item in items {
                    if !item.draft(None, self) {
                        break 'items false;
                    }
                }
                self.put([Opcode::Appends.byte()])
            }
        };
        self.depth_room += 1;
        written
    }

    /// `name`, then the start of an instance of `class` in the steady state
    /// (see `Pickler::steady_prefix`): its class and attribute names in the
    /// memo, at indices below 256. Returns the names' indices (field `i`'s
    /// in bits `8 * i..`), for [`Draft::field_name`]. The caller writes
    /// each field with `Draftable::draft`, then [`Draft::end_instance`].
    #[doc(hidden)]
    #[inline(always)]
    pub fn begin_instance(
        &mut self,
        name: Option<AttrName>,
        class: &'static ClassDesc,
    ) -> Option<u64> {
        if class.repr != Repr::State || self.depth_room < 2 {
            return None;
        }
        let slot = self.classes.slot(class);
        let class_memo = self.classes.get(slot);
        let (Some(cls), Some(names)) = (class_memo.global, class_memo.short_names) else {
            return None;
        };
        let cls = u8::try_from(cls).ok()?;
        if !(2..BATCH_SIZE).contains(&class.fields.len()) || !self.name(name) {
            return None;
        }
        let [a, b, c, d, e, f] = STATE_INSTANCE_HEAD;
        if !self.put([Opcode::BinGet.byte(), cls, a, b, c, d, e, f]) {
            return None;
        }
        self.memos += 2;
        self.depth_room -= 2;
        Some(names)
    }

    /// `name`, then the start of a plain dict of the fields of `class` (see
    /// `Pickler::begin_field_dict`), once their names are in the memo at
    /// indices below 256. Returns the names' indices, as
    /// [`Draft::begin_instance`] does; the caller ends with
    /// [`Draft::end_field_dict`].
    #[doc(hidden)]
    #[inline(always)]
    pub fn begin_field_dict(
        &mut self,
        name: Option<AttrName>,
        class: &'static ClassDesc,
    ) -> Option<u64> {
        let slot = self.classes.slot(class);
        let names = self.classes.get(slot).short_names?;
        if self.depth_room == 0 || !(2..BATCH_SIZE).contains(&class.fields.len()) {
            return None;
        }
        let head = [Opcode::EmptyDict, Opcode::Memoize, Opcode::Mark];
        if !(self.name(name) && self.put(head.map(Opcode::byte))) {
            return None;
        }
        self.memos += 1;
        self.depth_room -= 1;
        Some(names)
    }

    /// Ends a dict that [`Draft::begin_field_dict`] started.
    #[doc(hidden)]
    #[inline(always)]
    pub fn end_field_dict(&mut self) -> bool {
        self.depth_room += 1;
        self.put([Opcode::SetItems.byte()])
    }

    /// `name`, then member `index` of the enum `class`, once it is in the
    /// memo (it is one object in Python: written once, fetched after).
    #[doc(hidden)]
    #[inline(always)]
    pub fn enum_member(
        &mut self,
        name: Option<AttrName>,
        class: &'static ClassDesc,
        index: usize,
    ) -> bool {
        let slot = self.classes.slot(class);
        let Some(&Some(idx)) = self.classes.get(slot).members.get(index) else {
            return false;
        };
        if !self.name(name) {
            return false;
        }
        let (get, len) = choose::memo(idx, choose::GET);
        self.put_first(get, len)
    }

    /// The `BINGET` of field `i`'s name, from what [`Draft::begin_instance`]
    /// returned.
    #[doc(hidden)]
    #[inline(always)]
    pub fn field_name(names: u64, i: usize) -> Option<AttrName> {
        Some(AttrName {
            get: [Opcode::BinGet.byte(), (names >> (8 * i)) as u8],
        })
    }

    /// Ends an instance that [`Draft::begin_instance`] started.
    #[doc(hidden)]
    #[inline(always)]
    pub fn end_instance(&mut self) -> bool {
        self.depth_room += 2;
        self.put([Opcode::SetItems.byte(), Opcode::Build.byte()])
    }
}
