//! Drafting: writing whole instances into room past the output, then
//! keeping them or dropping them.
//!
//! In the steady state of writing many instances of a class (protocol 4+,
//! the class and its attribute names in the memo), an instance is a few
//! fixed opcodes around its fields' values. Written through the
//! [`Pickler`], each of those small writes loads the output's length from
//! memory and stores it back, and the next write waits for that store: a
//! chain through memory as long as the instance. A [`Draft`] writes into
//! zeroed room appended past the output, keeping its position in a
//! register, and checks room with one comparison per write. Whatever a
//! draft cannot write as CPython would (a value without a drafted form, a
//! string CPython shares, a class not yet in the memo, the end of the
//! room) makes it give up; the room is cut off again, and the caller
//! writes the instance through the [`Pickler`] as before.
//!
//! The room ends before the open frame's commit point, so no value starts
//! where CPython would commit the frame first: the bytes are the same as
//! the [`Pickler`]'s.

use super::class::AttrName;
use super::framer::short_str_into;
use super::memo::Memo;
use super::{one_object_str, Pickler, BATCH_SIZE};
use crate::class::{ClassDesc, Repr, STATE_INSTANCE_HEAD};
use crate::error::Result;
use crate::opcode::Opcode;
use crate::ToPickle;

/// Instances being written into room past the output: what
/// [`ToPickle::draft`] writes into. Made by the derived `to_pickle` (for
/// one instance) and the writer of a list's items (for a run of them); not
/// meant for other use.
#[doc(hidden)]
pub struct Draft<'a> {
    /// The room: zeroed bytes appended to the output.
    room: &'a mut [u8],
    /// How many bytes of `room` are written.
    pos: usize,
    /// How many objects were memoized (`MEMOIZE`s written).
    memos: u32,
    /// How many more containers may nest, within the writer's depth limit.
    depth_room: usize,
    memo: &'a mut Memo,
    /// Where the room starts in the output, and the memo slot of the
    /// outermost class, whose drafts are counted (`None` for a run).
    start: usize,
    slot: Option<usize>,
}

/// How a draft ended, for [`Pickler::end_draft`].
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct DraftEnd {
    start: usize,
    /// The bytes and objects kept (none if the draft gave up).
    len: usize,
    memos: u32,
    slot: Option<usize>,
    kept: bool,
}

/// The room of one instance's draft.
const INSTANCE_ROOM: usize = 256;
/// The least and the most room of a run's draft: twice what the last run
/// wrote, in between.
const RUN_ROOM: (usize, usize) = (1024, 64 * 1024);

impl Pickler<'_> {
    /// A draft for an instance of `class`, whose fields the caller writes
    /// with [`ToPickle::draft`] and ends with [`Draft::end`] and
    /// [`Pickler::end_draft`]; `None` when drafting would not pay: below
    /// protocol 4, at the commit point of a frame, or when drafts of
    /// `class` were given up too often.
    #[doc(hidden)]
    #[inline(always)]
    pub fn draft(&mut self, class: &'static ClassDesc) -> Option<Draft<'_>> {
        if self.proto < 4 || class.repr != Repr::State {
            return None;
        }
        let slot = self.memo.class_slot(class);
        if !self.memo.classes[slot].drafts.pay() {
            return None;
        }
        self.memo.classes[slot].drafts.tried += 1;
        self.draft_in(Some(slot), INSTANCE_ROOM)
    }

    /// A draft in `room` bytes past the output (fewer at the end of a
    /// frame or of the memo), counted for the class in `slot` if any. The
    /// caller checked the protocol (4+).
    #[inline(always)]
    fn draft_in(&mut self, slot: Option<usize>, room: usize) -> Option<Draft<'_>> {
        let depth_room = self.max_depth.checked_sub(self.depth)?;
        // Every memoized object takes at least a byte.
        let room = room.min(self.memo.room());
        let (room, start) = self.out.draft_room(room)?;
        Some(Draft {
            room,
            pos: 0,
            memos: 0,
            depth_room,
            memo: &mut self.memo,
            start,
            slot,
        })
    }

    /// Ends a draft: keeps what it wrote (the output and the memo grow
    /// over it) or cuts its room off again. Returns whether it was kept.
    #[doc(hidden)]
    #[inline(always)]
    pub fn end_draft(&mut self, end: DraftEnd) -> bool {
        self.out.end_draft(end.start + end.len);
        // The room was at most the memo's room, and each object took a byte.
        let _ = self.memo.reserve_indices(end.memos);
        if let Some(class) = end.slot.and_then(|slot| self.memo.classes.get_mut(slot)) {
            class.drafts.kept += u64::from(end.kept);
        }
        end.kept
    }

    /// Writes `items`, each as [`ToPickle::to_pickle`] does (the items of
    /// a list's batch): runs of them are drafted together, an item that
    /// cannot be is written through the `Pickler`. When runs keep giving
    /// up at their first item (a type without a drafted form), tries again
    /// only once in 64 items. `last_run` is how many bytes the last run
    /// wrote (kept from batch to batch), for the room of the next.
    #[inline(always)]
    pub(crate) fn items_drafted<T: ToPickle>(
        &mut self,
        items: &[T],
        last_run: &mut usize,
    ) -> Result<()> {
        let mut rest = items;
        let mut empty_runs = 0;
        while !rest.is_empty() {
            let drafting =
                self.proto >= 4 && (empty_runs < 8 || empty_runs * 64 <= items.len() - rest.len());
            let room = (2 * *last_run).clamp(RUN_ROOM.0, RUN_ROOM.1);
            let draft = if drafting {
                self.draft_in(None, room)
            } else {
                None
            };
            let done = match draft {
                Some(mut draft) => {
                    let done = draft.items(rest);
                    let end = draft.end(true);
                    *last_run = end.len;
                    self.end_draft(end);
                    done
                }
                None => 0,
            };
            if done == 0 {
                empty_runs += 1;
            }
            rest = &rest[done..];
            if let [item, tail @ ..] = rest {
                item.to_pickle(self)?;
                rest = tail;
            }
        }
        Ok(())
    }
}

impl Draft<'_> {
    /// Ends the draft, keeping what it wrote or not, for
    /// [`Pickler::end_draft`].
    #[doc(hidden)]
    #[inline(always)]
    pub fn end(self, keep: bool) -> DraftEnd {
        DraftEnd {
            start: self.start,
            len: if keep { self.pos } else { 0 },
            memos: if keep { self.memos } else { 0 },
            slot: self.slot,
            kept: keep,
        }
    }

    /// Drafts the leading `items` (each as [`ToPickle::to_pickle`] writes
    /// it, with no name) until one cannot be; returns how many were.
    /// Nothing of that one is kept.
    #[inline(always)]
    pub(crate) fn items<T: ToPickle>(&mut self, items: &[T]) -> usize {
        for (i, item) in items.iter().enumerate() {
            let (pos, memos, depth_room) = (self.pos, self.memos, self.depth_room);
            if !item.draft(None, self) {
                (self.pos, self.memos, self.depth_room) = (pos, memos, depth_room);
                return i;
            }
        }
        items.len()
    }

    /// Writes `bytes`; false if they do not fit.
    #[inline(always)]
    fn put<const N: usize>(&mut self, bytes: [u8; N]) -> bool {
        self.put_first(bytes, N)
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

    /// `name`, then an int, as `Pickler::write_i64` writes it at protocol 2+.
    #[inline(always)]
    pub(crate) fn int(&mut self, name: Option<AttrName>, v: i64) -> bool {
        if !self.name(name) {
            return false;
        }
        let Ok(small) = i32::try_from(v) else {
            return self.long1(v);
        };
        let [b0, b1, b2, b3] = small.to_le_bytes();
        if b2 != 0 || b3 != 0 {
            self.put([Opcode::BinInt.byte(), b0, b1, b2, b3])
        } else if b1 != 0 {
            self.put([Opcode::BinInt2.byte(), b0, b1])
        } else {
            self.put([Opcode::BinInt1.byte(), b0])
        }
    }

    /// `LONG1` and the fewest little-endian two's-complement bytes of `v`
    /// (five to eight: `v` is outside the 32-bit range).
    #[inline(always)]
    fn long1(&mut self, v: i64) -> bool {
        let (n, bytes) = long1_bytes(v);
        self.put_first(bytes, n)
    }

    /// `name`, then a float.
    #[inline(always)]
    pub(crate) fn float(&mut self, name: Option<AttrName>, v: f64) -> bool {
        let [b0, b1, b2, b3, b4, b5, b6, b7] = v.to_bits().to_be_bytes();
        self.name(name) && self.put([Opcode::BinFloat.byte(), b0, b1, b2, b3, b4, b5, b6, b7])
    }

    /// `name`, then a `str` of at most 255 bytes, memoized. A string that
    /// CPython keeps one object of (`""`, one character below U+0100) is
    /// shared through the memo, which a draft does not change: left to the
    /// [`Pickler`].
    #[inline(always)]
    pub(crate) fn str(&mut self, name: Option<AttrName>, v: &str) -> bool {
        if v.len() > 0xff || (v.len() <= 2 && one_object_str(v).is_some()) {
            return false;
        }
        let prefix: &[u8] = match &name {
            Some(name) => &name.get,
            None => &[],
        };
        let Some(room) = self.room.get_mut(self.pos..) else {
            return false;
        };
        match short_str_into(room, prefix, v.as_bytes()) {
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
    pub(crate) fn list<T: ToPickle>(&mut self, name: Option<AttrName>, items: &[T]) -> bool {
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
    /// each field with [`ToPickle::draft`], then [`Draft::end_instance`].
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
        let slot = self.memo.class_slot(class);
        let class_memo = &self.memo.classes[slot];
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
        let slot = self.memo.class_slot(class);
        let Some(&Some(idx)) = self.memo.classes[slot].members.get(index) else {
            return false;
        };
        if !self.name(name) {
            return false;
        }
        match u8::try_from(idx) {
            Ok(idx) => self.put([Opcode::BinGet.byte(), idx]),
            Err(_) => {
                let [a, b, c, d] = idx.to_le_bytes();
                self.put([Opcode::LongBinGet.byte(), a, b, c, d])
            }
        }
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

/// `LONG1`, the length and the fewest little-endian two's-complement
/// bytes of `v`, padded to 10 bytes, and how many of them count. Not in
/// line: a call that took the [`Draft`] would keep it in memory.
#[inline(never)]
fn long1_bytes(v: i64) -> (usize, [u8; 10]) {
    let bytes = v.to_le_bytes();
    let mut n = 8;
    // Drop a top byte that only repeats the sign of the one below.
    while n > 1 && {
        let (top, below) = (bytes[n - 1], bytes[n - 2] & 0x80);
        (top == 0 && below == 0) || (top == 0xFF && below != 0)
    } {
        n -= 1;
    }
    let mut out = [0; 10];
    out[0] = Opcode::Long1.byte();
    out[1] = n as u8;
    out[2..].copy_from_slice(&bytes);
    (n + 2, out)
}

/// How often drafts of one class were kept: once most are given up (a
/// field type without a drafted form), drafting stops paying.
#[derive(Clone, Copy, Default)]
pub(crate) struct DraftCount {
    tried: u64,
    kept: u64,
}

impl DraftCount {
    /// Whether to draft the next instance: the first 64 given up are free;
    /// after that, at most one in five may be.
    fn pay(self) -> bool {
        let given_up = self.tried - self.kept;
        given_up < 64 || given_up * 4 <= self.kept
    }
}
