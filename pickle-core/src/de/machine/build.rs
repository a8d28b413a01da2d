//! What the machine builds: the [`Build`] trait, and the budget that every
//! run charges its allocations to.
//!
//! The machine reads opcodes, checks what CPython's unpickler checks, and
//! asks a builder to make and change objects. Two builders exist: the
//! arena (`de/arena`), which keeps every object as a node with CPython's
//! exact semantics and is the reader of record, and the `Value` builder
//! (`de/value.rs`), which builds the final `Value`s in one pass and
//! refuses (returns an error) wherever it could not give exactly what the
//! arena would; its caller then runs the arena.

use std::vec::Drain;

use crate::de::source::Span;
use crate::de::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{Buffer, Global};

/// Bytes the machine hands to a builder: a span of the input, which a
/// builder may keep by reference, or bytes it decoded.
#[derive(Clone, Copy)]
pub(crate) enum Text<'d> {
    Input(Span, &'d [u8]),
    Decoded(&'d [u8]),
}

impl Text<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Text::Input(span, data) => span.of(data),
            Text::Decoded(bytes) => bytes,
        }
    }
}

/// An object made by one opcode, without children (and without anything
/// to drop: globals and buffers have methods of their own).
#[derive(Clone, Copy)]
pub(crate) enum Atom<'d> {
    None,
    Bool(bool),
    Int(i64),
    /// An int beyond `i64`: its minimal two's complement little-endian bytes.
    BigInt(Text<'d>),
    Float(f64),
    /// UTF-8 with lone surrogates (`surrogatepass`), validated, or decoded.
    Str(Text<'d>),
    /// Valid UTF-8 of the input (the common `str`): its span, and as text.
    Utf8(Span, &'d str),
    Bytes(Text<'d>),
    ByteArray(Text<'d>),
}

/// Containers made from stack items.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seq {
    Tuple,
    List,
    Set,
    FrozenSet,
}

/// What a call-like opcode made an object with (its items are moved in).
pub(crate) enum Call<I> {
    Reduce(I, I),
    NewObj(I, I),
    NewObjEx(I, I, I),
    /// `INST`: the class by name, the arguments.
    Inst(Global, Vec<I>),
    Obj(I, Vec<I>),
}

/// The machine's builder: makes objects, fills them, memoizes them.
///
/// Items on the machine's stack are `Item`s. A builder's error ends the
/// run; the `Value` builder uses that to refuse what it cannot build.
pub(crate) trait Build {
    /// A stack item.
    type Item: Default;
    /// What a whole run makes.
    type Output;

    /// The budget this run charges (`Limits::max_alloc`).
    fn budget(&mut self) -> &mut Budget;
    /// Whether the run stands in for what only the loading process has
    /// (the scanner: unknown extension codes, missing buffers).
    fn inspecting(&self) -> bool {
        false
    }

    /// The Python type of an item.
    fn kind(&self, item: &Self::Item) -> Kind;
    /// Whether Python could hash the item (a dict key, a set item).
    fn hashable(&self, item: &Self::Item) -> bool;
    /// The UTF-8 text of a `str` item (`STACK_GLOBAL`'s names).
    fn str_bytes<'s>(&'s self, item: &'s Self::Item, input: &'s [u8]) -> Option<&'s [u8]>;

    fn atom(&mut self, atom: Atom<'_>, at: u64) -> Result<Self::Item>;
    /// A global, already renamed from Python 2 where that applies.
    fn global(&mut self, global: Global, at: u64) -> Result<Self::Item>;
    fn buffer(&mut self, buffer: Buffer, at: u64) -> Result<Self::Item>;
    fn seq(&mut self, kind: Seq, items: Drain<'_, Self::Item>, at: u64) -> Result<Self::Item>;
    /// A dict of the items, in key, value order (keys checked hashable).
    fn dict(&mut self, items: Drain<'_, Self::Item>, at: u64) -> Result<Self::Item>;
    /// `APPEND`/`APPENDS` to a list, bytearray or object.
    fn append(&mut self, target: &mut Self::Item, items: Drain<'_, Self::Item>) -> Result<()>;
    /// `SETITEM`/`SETITEMS` on a dict, object, list or bytearray (an even
    /// number of items; keys of a dict checked hashable).
    fn setitems(&mut self, target: &mut Self::Item, items: Drain<'_, Self::Item>) -> Result<()>;
    /// `ADDITEMS` to a set, frozenset or object (items of a set checked).
    fn additems(&mut self, target: &mut Self::Item, items: Drain<'_, Self::Item>) -> Result<()>;
    /// An object made by a call (checked: a callable, a tuple of arguments).
    fn call(&mut self, call: Call<Self::Item>, input: &[u8], at: u64) -> Result<Self::Item>;
    /// `BUILD`: `state` applied to `target`, or an error where CPython fails.
    fn build(&mut self, target: &mut Self::Item, state: Self::Item, at: u64) -> Result<()>;
    /// `READONLY_BUFFER` on a buffer, bytes or bytearray item.
    fn readonly(&mut self, item: &mut Self::Item) -> Result<()>;
    /// A persistent id kept as data, or replaced by what `load` returns.
    fn persistent(
        &mut self,
        pid: Self::Item,
        load: Option<crate::de::PersistentLoad<'_>>,
        input: &[u8],
        at: u64,
    ) -> Result<Self::Item>;
    /// `DUP`.
    fn dup(&mut self, item: &Self::Item) -> Result<Self::Item>;
    /// Items dropped from the stack (`POP`, `POP_MARK`).
    fn discard(&mut self, items: Drain<'_, Self::Item>) -> Result<()>;
    /// A global standing for an extension code the registry lacks (only
    /// when [`inspecting`](Build::inspecting)).
    fn unknown_extension(&mut self, code: i64, at: u64) -> Result<Self::Item>;

    /// `PUT idx` (or `MEMOIZE`, `idx` `None`) of the top of `stack`.
    fn memo_put(&mut self, idx: Option<u64>, stack: &mut [Self::Item], at: u64) -> Result<()>;
    /// `GET idx`; `None` if the entry was never written.
    fn memo_get(&mut self, idx: u64, stack: &mut [Self::Item]) -> Result<Option<Self::Item>>;

    /// The result of a run that ended at `STOP` with `root`; `clean` when
    /// nothing else was on the stack and no mark was open.
    fn finish(&mut self, root: Self::Item, clean: bool) -> Result<Self::Output>;
}

/// What a run may still allocate (`Limits::max_alloc`), charged before the
/// allocation is made.
pub(crate) struct Budget {
    used: usize,
    max: usize,
}

impl Budget {
    pub(crate) fn new(max: usize) -> Budget {
        Budget { used: 0, max }
    }

    /// Charges `bytes`; an [`AllocLimit`](ErrorKind::AllocLimit) error at
    /// `at` past the limit.
    #[inline]
    pub(crate) fn charge(&mut self, bytes: usize, at: u64) -> Result<()> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.max {
            return Err(self.exceeded(at));
        }
        Ok(())
    }

    #[cold]
    fn exceeded(&self, at: u64) -> Error {
        Error::at(
            ErrorKind::AllocLimit,
            at,
            format!(
                "decoding would allocate more than the limit of {} bytes",
                self.max
            ),
        )
    }

    /// How much more may be allocated.
    #[inline]
    pub(crate) fn left(&self) -> usize {
        self.max.saturating_sub(self.used)
    }
}
