//! A whole pickle as a [`Value`], in one pass, for the shapes CPython writes.
//!
//! The general reader makes a node for every object and then a `Value` of
//! every node: two allocations per container, and a graph as large as the
//! value kept alive until the end. This reader runs the same stack machine
//! with `Value`s on its stack, so each container is allocated once, in its
//! final form, and text is copied once, from the input into it.
//!
//! It must return exactly what the general reader returns, sharing
//! included. There, a node that two containers refer to becomes one
//! [`Value::Shared`] at every reference, and so does the root if anything
//! refers to it; only memo `GET`s make such references. So here only the
//! memo entries that a `GET` reads are kept (see [`decode`] for how it
//! knows which: a guess corrected by restarts, or the [`plan`](super::plan)).
//! A read entry that nothing can change once it
//! is memoized (text, bytes, big ints, globals, tuples) becomes one `Arc` at
//! every reference, the first included; atoms (None, bools, numbers) are
//! copied, as the general reader copies them. At `STOP` the count of each
//! `Arc` says how many containers hold it: an entry held by exactly one
//! (its other references consumed by `STACK_GLOBAL`) would be a plain value
//! there, so the reader gives up on it.
//!
//! A read entry that may still change after it is memoized (a list, dict,
//! set, instance: `BUILD`, `APPENDS` and the like fill it while it is on
//! the stack) stays a plain value, marked "pending", until it is first read
//! by a `GET` or taken off the stack into a container; only then does it
//! become an `Arc`, and any later change to it (through the memo, or a
//! cycle back to it) makes the reader give up, since the general reader
//! would show the change at every reference.
//!
//! It also gives up on anything else it does not handle or that would
//! make the general reader fail: a stack or mark underflow, an
//! unhashable key, a length past the end of the input, opcodes that discard
//! or duplicate stack items, the text opcodes of protocols 0 and 1,
//! persistent ids, out-of-band buffers, extension codes, calls that the
//! general reader folds into plain values (`builtins.set(...)` below
//! protocol 4), and anything near a limit. The general reader then decodes
//! the pickle and has the last word, errors included.

use std::sync::Arc;

use super::plan::{worth_restarting, Plan};
use crate::de::machine::{LINK_COST, NODE_COST};
use crate::de::options::{Options, StringEncoding};
use crate::opcode::Opcode;
use crate::value::{i64_from_short_le, BigInt, PyStr, Value};

mod memo;
mod objects;

use memo::{Memo, Slot, NOT_READ};
use objects::hashable;

/// More than the general reader charges against `Limits::max_alloc` per
/// byte of input. Every opcode is at least a byte, and makes at most one
/// node, one stack slot and one reference from a container to what it
/// pushed; marks, memo entries and decoded text cost less than that per
/// byte. Pickles whose length times this exceeds the limit are left to the
/// general reader, which may fail on them. It also bounds this reader's own
/// memory: a stack slot, a container's share or a copied byte is at most
/// about 70 bytes per byte of input.
const CHARGE_PER_BYTE: usize = 2 * (NODE_COST + 4 * LINK_COST);

/// How many items of nested tuples [`hashable`] looks at before giving up:
/// the general reader knows each tuple's answer from when it was made, and
/// a key read back by `GET`s must not cost its size at every use.
const MAX_KEY_ITEMS: usize = 64;

/// Set in a stack item's height while it is a pending memo entry (see the
/// module doc); heights themselves stay below [`MAX_HEIGHT`].
const PENDING: u32 = 1 << 31;

/// The highest depth limit this reader checks against; the general reader
/// reads pickles nested deeper.
const MAX_HEIGHT: u32 = 1 << 30;

struct Tree<'a> {
    input: &'a [u8],
    /// The next byte to read.
    pos: usize,
    proto: u8,
    fix_imports: bool,
    encoding: StringEncoding,
    /// A container nesting this many levels deep makes the reader give up
    /// (the general reader's depth limit).
    max_height: u32,
    max_memo: usize,
    max_marks: usize,
    stack: Vec<Value>,
    /// For each stack item, how many containers deep it nests (0 for atoms),
    /// with [`PENDING`] set for a pending memo entry.
    heights: Vec<u32>,
    /// The pending memo entries, by stack position and memo slot, in the
    /// order they were memoized. An entry whose item is no longer pending
    /// (read by a `GET` since) stays until the stack shrinks below it; of
    /// the entries above a position, only those after the last entry below
    /// it can be live, since an item is memoized on top of the stack.
    pending: Vec<(usize, usize)>,
    /// The stack length at each open mark.
    marks: Vec<usize>,
    /// The stack length at the topmost open mark, 0 if none: items below
    /// it cannot be popped.
    fence: usize,
    memo: Memo,
    /// Memo entries written so far (`MEMOIZE`'s index).
    written: usize,
    /// Set when a `GET` read an entry that was written but not kept: the
    /// run must start again, keeping it.
    missed: Option<usize>,
    /// Bytes of memoized strings copied into globals: a `STACK_GLOBAL` of
    /// two memo `GET`s copies any length for a few bytes of input, outside
    /// the charge per input byte. Past the input's length, the general
    /// reader (which charges each copy against `max_alloc`) takes over.
    copied: usize,
}

/// Decodes the pickle at the start of `input` into a `Value`; also returns
/// the position of its `STOP`. `None` where it gives up.
///
/// Which memo entries to keep is first guessed: none. A `GET` of an entry
/// that was not kept starts the run again, keeping it, while that is
/// [worth it](worth_restarting); then the plan decides (`plan`).
pub(crate) fn decode<'p>(
    input: &[u8],
    opts: &Options<'_>,
    plan: impl FnOnce() -> Option<&'p Plan>,
) -> Option<(Value, usize)> {
    let limits = &opts.limits;
    if input.len() >= u32::MAX as usize / 2
        || input.len().saturating_mul(CHARGE_PER_BYTE) > limits.max_alloc
    {
        return None;
    }
    let mut map = Vec::new();
    let mut wasted = 0usize;
    for restarts in 0.. {
        let mut tree = Tree::new(input, opts, map);
        if let Some(root) = tree.run() {
            return Some((root, tree.pos - 1));
        }
        let index = tree.missed?;
        wasted += tree.pos;
        if !worth_restarting(restarts, wasted, input.len()) {
            break;
        }
        map = std::mem::take(&mut tree.memo.map);
        let read = map.iter().filter(|&&slot| slot != NOT_READ).count();
        if map.len() <= index {
            map.resize(index + 1, NOT_READ);
        }
        map[index] = u32::try_from(read).ok()?;
    }
    let mut tree = Tree::new(input, opts, Memo::map_of(plan()?));
    let root = tree.run()?;
    Some((root, tree.pos - 1))
}

impl<'a> Tree<'a> {
    fn new(input: &'a [u8], opts: &Options<'_>, map: Vec<u32>) -> Tree<'a> {
        let limits = &opts.limits;
        Tree {
            input,
            pos: 0,
            proto: 0,
            fix_imports: opts.fix_imports,
            encoding: opts.encoding,
            max_height: u32::try_from(limits.max_depth)
                .unwrap_or(MAX_HEIGHT)
                .min(MAX_HEIGHT),
            max_memo: limits.max_memo,
            max_marks: limits.max_marks,
            stack: Vec::with_capacity(64),
            heights: Vec::with_capacity(64),
            pending: Vec::new(),
            marks: Vec::new(),
            fence: 0,
            memo: Memo::new(map),
            written: 0,
            missed: None,
            copied: 0,
        }
    }
}

/// A `str` from UTF-8 in which surrogates may be encoded (`surrogatepass`).
#[inline]
fn text(bytes: &[u8]) -> Option<Value> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(Value::Str(PyStr::from(s))),
        Err(_) => PyStr::from_utf8_surrogatepass(bytes).ok().map(Value::Str),
    }
}

impl<'a> Tree<'a> {
    // --- input ----------------------------------------------------------

    #[inline]
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let bytes = self.input.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }

    #[inline]
    fn fixed<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    #[inline]
    fn byte(&mut self) -> Option<u8> {
        let b = *self.input.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// A length of `width` bytes, unsigned little-endian; only lengths that
    /// the rest of the input holds (the general reader reports the others).
    #[inline]
    fn length(&mut self, width: usize) -> Option<usize> {
        let raw = self.take(width)?;
        let mut buf = [0u8; 8];
        buf[..width].copy_from_slice(raw);
        let n = usize::try_from(u64::from_le_bytes(buf)).ok()?;
        (n <= self.input.len() - self.pos).then_some(n)
    }

    /// A name line of `GLOBAL`: text up to a newline, at least one byte, UTF-8.
    fn name_line(&mut self) -> Option<PyStr> {
        let rest = self.input.get(self.pos..)?;
        let len = rest.iter().position(|&b| b == b'\n')?;
        if len == 0 {
            return None;
        }
        let name = std::str::from_utf8(&rest[..len]).ok()?;
        self.pos += len + 1;
        Some(PyStr::from(name))
    }

    // --- the stack ------------------------------------------------------

    #[inline]
    fn fence(&self) -> usize {
        self.fence
    }

    #[inline]
    fn push(&mut self, value: Value, height: u32) {
        self.stack.push(value);
        self.heights.push(height);
    }

    /// Pops the top item, if it is above the topmost mark.
    #[inline]
    fn pop(&mut self) -> Option<(Value, u32)> {
        let top = self.stack.len().checked_sub(1)?;
        if top < self.fence() {
            return None;
        }
        if self.heights[top] & PENDING != 0 {
            self.release(top)?;
        }
        Some((self.stack.pop()?, self.heights.pop()?))
    }

    /// The height of a container holding the items `at..` of the stack,
    /// which it is about to take, whose heights it forgets; `None` at the
    /// depth limit.
    #[inline]
    fn close(&mut self, at: usize, floor: u32) -> Option<u32> {
        let mut height = self.heights[at..]
            .iter()
            .fold(floor, |h, &item| h.max(item + 1));
        if height > PENDING {
            self.release(at)?;
            height = self.heights[at..]
                .iter()
                .fold(floor, |h, &item| h.max(item + 1));
        }
        self.heights.truncate(at);
        (height < self.max_height).then_some(height)
    }

    /// Pops the topmost mark; the stack length it recorded.
    #[inline]
    fn marker(&mut self) -> Option<usize> {
        let mark = self.marks.pop()?;
        self.fence = self.marks.last().copied().unwrap_or(0);
        Some(mark)
    }

    /// Pushes a container made of the stack items `at..`.
    #[inline]
    fn collect(&mut self, at: usize, make: impl FnOnce(Vec<Value>) -> Value) -> Option<()> {
        let height = self.close(at, 1)?;
        let items = self.stack.split_off(at);
        self.push(make(items), height);
        Some(())
    }

    // --- the loop -------------------------------------------------------

    fn run(&mut self) -> Option<Value> {
        use Opcode as O;
        loop {
            let op = Opcode::from_byte(self.byte()?)?;
            match op {
                O::Stop => return self.stop(),
                O::Proto => {
                    let p = self.byte()?;
                    if p > 5 {
                        return None;
                    }
                    self.proto = p;
                }
                O::Frame => {
                    self.length(8)?;
                }
                O::Mark => {
                    if self.marks.len() >= self.max_marks {
                        return None;
                    }
                    self.marks.push(self.stack.len());
                    self.fence = self.stack.len();
                }

                // Atoms.
                O::None => self.push(Value::None, 0),
                O::NewTrue => self.push(Value::Bool(true), 0),
                O::NewFalse => self.push(Value::Bool(false), 0),
                O::BinInt | O::BinInt1 | O::BinInt2 => self.ints()?,
                O::Long1 => {
                    let n = self.byte()?;
                    self.long(n.into())?;
                }
                O::Long4 => {
                    let n = usize::try_from(i32::from_le_bytes(self.fixed::<4>()?)).ok()?;
                    self.long(n)?;
                }
                O::BinFloat => {
                    let v = f64::from_bits(u64::from_be_bytes(self.fixed::<8>()?));
                    self.push(Value::Float(v), 0);
                }

                // Text and bytes.
                O::ShortBinUnicode => {
                    let n = self.length(1)?;
                    let v = text(self.take(n)?)?;
                    self.push(v, 0);
                }
                O::BinUnicode => {
                    let n = self.length(4)?;
                    let v = text(self.take(n)?)?;
                    self.push(v, 0);
                }
                O::BinUnicode8 => {
                    let n = self.length(8)?;
                    let v = text(self.take(n)?)?;
                    self.push(v, 0);
                }
                O::ShortBinBytes => {
                    let n = self.length(1)?;
                    let v = Value::Bytes(self.take(n)?.to_vec());
                    self.push(v, 0);
                }
                O::BinBytes => {
                    let n = self.length(4)?;
                    let v = Value::Bytes(self.take(n)?.to_vec());
                    self.push(v, 0);
                }
                O::BinBytes8 => {
                    let n = self.length(8)?;
                    let v = Value::Bytes(self.take(n)?.to_vec());
                    self.push(v, 0);
                }
                O::ByteArray8 => {
                    let n = self.length(8)?;
                    let v = Value::ByteArray(self.take(n)?.to_vec());
                    self.push(v, 0);
                }
                O::ShortBinString => {
                    let n = self.length(1)?;
                    self.py2_str(n)?;
                }
                O::BinString => {
                    let n = self.length(4)?;
                    self.py2_str(n)?;
                }

                // Containers.
                O::EmptyTuple => self.push(Value::Tuple(Vec::new()), 1),
                O::Tuple1 => self.tuple(1)?,
                O::Tuple2 => self.tuple(2)?,
                O::Tuple3 => self.tuple(3)?,
                O::Tuple => {
                    let mark = self.marker()?;
                    self.collect(mark, Value::Tuple)?;
                }
                O::EmptyList => self.push(Value::List(Vec::new()), 1),
                O::EmptyDict => self.push(Value::Dict(Vec::new()), 1),
                O::EmptySet => self.push(Value::Set(Vec::new()), 1),
                O::List => {
                    let mark = self.marker()?;
                    self.collect(mark, Value::List)?;
                }
                O::Dict => {
                    let mark = self.marker()?;
                    let items = &self.stack[mark..];
                    if items.len() % 2 != 0 || !items.chunks_exact(2).all(|kv| hashable(&kv[0])) {
                        return None;
                    }
                    self.collect(mark, |items| {
                        let mut entries = Vec::with_capacity(items.len() / 2);
                        let mut items = items.into_iter();
                        while let (Some(k), Some(v)) = (items.next(), items.next()) {
                            entries.push((k, v));
                        }
                        Value::Dict(entries)
                    })?;
                }
                O::FrozenSet => {
                    let mark = self.marker()?;
                    if !self.stack[mark..].iter().all(hashable) {
                        return None;
                    }
                    self.collect(mark, Value::FrozenSet)?;
                }
                O::Append => {
                    if self.stack.len() <= self.fence() + 1 {
                        return None;
                    }
                    self.extend(self.stack.len() - 1)?;
                }
                O::Appends => {
                    let mark = self.marker()?;
                    self.appends(mark)?;
                }
                O::SetItem => self.setitems(self.stack.len().wrapping_sub(2))?,
                O::SetItems => {
                    let mark = self.marker()?;
                    self.setitems(mark)?;
                }
                O::AddItems => {
                    let mark = self.marker()?;
                    self.additems(mark)?;
                }

                // Memo.
                O::Memoize => self.memoize()?,
                O::BinPut => {
                    let index = self.byte()?;
                    if usize::from(index) != self.written {
                        return None;
                    }
                    self.memoize()?;
                }
                O::LongBinPut => {
                    let index = u32::from_le_bytes(self.fixed::<4>()?);
                    if usize::try_from(index).ok()? != self.written {
                        return None;
                    }
                    self.memoize()?;
                }
                O::BinGet => {
                    let index = self.byte()?;
                    self.get(index.into())?;
                }
                O::LongBinGet => {
                    let index = u32::from_le_bytes(self.fixed::<4>()?);
                    self.get(usize::try_from(index).ok()?)?;
                }

                // Globals and objects.
                O::Global => {
                    let module = self.name_line()?;
                    let name = self.name_line()?;
                    let global = self.global(module, name);
                    self.push(Value::Global(global), 0);
                }
                O::StackGlobal => self.stack_global()?,
                O::NewObj => self.newobj(false)?,
                O::NewObjEx => self.newobj(true)?,
                O::Reduce => self.reduce()?,
                O::Build => self.build()?,

                // Left to the general reader: protocol 0 and 1 text forms,
                // stack manipulation, persistent ids, extension codes,
                // buffers, and the rest.
                _ => return None,
            }
        }
    }

    /// A run of `BININT`, `BININT1` and `BININT2` opcodes (the first one's
    /// byte just read), as CPython writes a list of small ints: one loop
    /// over the input, not a dispatch per opcode.
    fn ints(&mut self) -> Option<()> {
        const BININT: u8 = Opcode::BinInt.byte();
        const BININT1: u8 = Opcode::BinInt1.byte();
        const BININT2: u8 = Opcode::BinInt2.byte();
        let input = self.input;
        let mut pos = self.pos - 1;
        loop {
            let (v, next) = match input.get(pos) {
                Some(&BININT1) => (i64::from(*input.get(pos + 1)?), pos + 2),
                Some(&BININT2) => {
                    let b = input.get(pos + 1..pos + 3)?;
                    (i64::from(u16::from_le_bytes([b[0], b[1]])), pos + 3)
                }
                Some(&BININT) => {
                    let b = input.get(pos + 1..pos + 5)?;
                    (
                        i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                        pos + 5,
                    )
                }
                _ => break,
            };
            self.stack.push(Value::Int(v));
            self.heights.push(0);
            pos = next;
        }
        self.pos = pos;
        Some(())
    }

    /// `STOP` with exactly one value on the stack and no mark open; checks
    /// the sharing of the memo's `Arc`s (see the module doc).
    fn stop(&mut self) -> Option<Value> {
        if !self.marks.is_empty() || self.stack.len() != 1 {
            return None;
        }
        // Containers are checked against the depth limit as they grow; an
        // empty one only here, at the root.
        if self.heights.first().is_some_and(|&h| h >= self.max_height) {
            return None;
        }
        let root = self.stack.pop()?;
        let root_arc = match &root {
            Value::Shared(arc) => Some(Arc::as_ptr(arc)),
            _ => None,
        };
        for slot in &self.memo.slots {
            if let Slot::Shared(arc, _) = slot {
                // One count is the memo's own, one the root's if it is the root.
                let is_root = root_arc == Some(Arc::as_ptr(arc));
                let held = Arc::strong_count(arc) - 1 - usize::from(is_root);
                if held == 1 && !is_root {
                    return None;
                }
            }
        }
        self.memo.slots.clear();
        match root {
            // Nothing else refers to the root: the general reader does not share it.
            Value::Shared(arc) => Some(Arc::try_unwrap(arc).unwrap_or_else(Value::Shared)),
            root => Some(root),
        }
    }

    fn long(&mut self, n: usize) -> Option<()> {
        if n > self.input.len() - self.pos {
            return None;
        }
        let bytes = self.take(n)?;
        let v = match i64_from_short_le(bytes) {
            Some(i) => Value::Int(i),
            None => Value::from(BigInt::from_signed_bytes_le(bytes)),
        };
        self.push(v, 0);
        Some(())
    }

    /// A Python 2 `str` of `n` bytes, decoded as the options say.
    fn py2_str(&mut self, n: usize) -> Option<()> {
        let raw = self.take(n)?;
        let v = match self.encoding {
            StringEncoding::Bytes => Value::Bytes(raw.to_vec()),
            StringEncoding::Ascii if raw.is_ascii() => text(raw)?,
            StringEncoding::Utf8 => Value::Str(PyStr::from(std::str::from_utf8(raw).ok()?)),
            StringEncoding::Latin1 => Value::Str(PyStr::from(
                raw.iter().map(|&b| b as char).collect::<String>(),
            )),
            StringEncoding::Ascii => return None,
        };
        self.push(v, 0);
        Some(())
    }
}
