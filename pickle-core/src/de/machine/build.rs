//! What the machine builds: the [`Build`] trait, and the budget that every
//! run charges its allocations to.
//!
//! The machine reads opcodes and their arguments, keeps the marks, checks
//! what CPython's unpickler checks, and asks a builder to make and change
//! objects. The builder keeps the stack, in whatever form suits what it
//! builds; the machine reads it only through [`Build::len`] and the
//! questions about an item at an index. Two builders exist: the arena
//! (`de/arena`), which keeps every object as a node with CPython's exact
//! semantics and is the reader of record, and the `Value` builder
//! (`de/value/`), which builds the final `Value`s in one pass and refuses
//! (returns an error) wherever it could not give exactly what the arena
//! would; its caller then runs the arena.

use crate::de::source::Span;
use crate::de::{Kind, PersistentLoad};
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

/// How a call-like opcode makes an object of the stack items from an index
/// up (checked by the machine: a callable, then a tuple of arguments, ...).
pub(crate) enum Call {
    /// `REDUCE`: a callable and a tuple.
    Reduce,
    /// `NEWOBJ`: a class and a tuple.
    NewObj,
    /// `NEWOBJ_EX`: a class, a tuple and a dict.
    NewObjEx,
    /// `INST`: the class by name; the items are the arguments.
    Inst(Global),
    /// `OBJ`: a class, then the arguments.
    Obj,
}

/// The machine's builder: keeps the stack, makes objects on it, fills
/// them, memoizes them. Its error ends the run; the `Value` builder uses
/// that to refuse what it cannot build.
pub(crate) trait Build {
    /// What a whole run makes.
    type Output;

    /// The budget this run charges (`Limits::max_alloc`).
    fn budget(&mut self) -> &mut Budget;
    /// How many items are on the stack.
    fn len(&self) -> usize;
    /// The Python type of item `i`.
    fn kind(&self, i: usize) -> Kind;
    /// Whether Python could hash item `i` (a dict key, a set item).
    fn hashable(&self, i: usize) -> bool;
    /// The UTF-8 text of item `i`, a `str` (`STACK_GLOBAL`'s names).
    fn str_bytes<'s>(&'s self, i: usize, input: &'s [u8]) -> Option<&'s [u8]>;

    /// Pushes an atom.
    fn atom(&mut self, atom: Atom<'_>, at: u64) -> Result<()>;
    /// Pushes a global, already renamed from Python 2 where that applies.
    fn global(&mut self, global: Global, at: u64) -> Result<()>;
    fn buffer(&mut self, buffer: Buffer, at: u64) -> Result<()>;
    /// Replaces the items from `from` up by a container of them.
    fn seq(&mut self, kind: Seq, from: usize, at: u64) -> Result<()>;
    /// Replaces the items from `from` up, in key, value order (keys checked
    /// hashable), by a dict of them.
    fn dict(&mut self, from: usize, at: u64) -> Result<()>;
    /// `APPEND`/`APPENDS`: the items from `from` up go into the list,
    /// bytearray or object below them.
    fn append(&mut self, from: usize, input: &[u8], at: u64) -> Result<()>;
    /// `SETITEM`/`SETITEMS` on a dict, object, list or bytearray (an even
    /// number of items; keys of a dict checked hashable).
    fn setitems(&mut self, from: usize, input: &[u8], at: u64) -> Result<()>;
    /// `ADDITEMS` to a set or object (items of a set checked).
    fn additems(&mut self, from: usize) -> Result<()>;
    /// Replaces the items from `from` up by the object `call` makes of them.
    fn call(&mut self, call: Call, from: usize, input: &[u8], at: u64) -> Result<()>;
    /// `BUILD`: the top item is the state of the one below it; an error
    /// where CPython fails.
    fn build(&mut self, at: u64) -> Result<()>;
    /// `READONLY_BUFFER` on the top item, a buffer, bytes or bytearray.
    fn readonly(&mut self, input: &[u8], at: u64) -> Result<()>;
    /// The top item is a persistent id: kept as data, or replaced by what
    /// `load` returns.
    fn persistent(&mut self, load: Option<PersistentLoad<'_>>, input: &[u8], at: u64)
        -> Result<()>;
    /// `DUP`.
    fn dup(&mut self, at: u64) -> Result<()>;
    /// Drops the items from `from` up: the names a `STACK_GLOBAL` used
    /// (`used`), or items `POP` and `POP_MARK` discard.
    fn pop(&mut self, from: usize, used: bool) -> Result<()>;

    /// `PUT idx` (or `MEMOIZE`, `idx` `None`) of the top item.
    fn memo_put(&mut self, idx: Option<u64>, at: u64) -> Result<()>;
    /// `GET idx`: pushes the entry; false if it was never written.
    fn memo_get(&mut self, idx: u64, at: u64) -> Result<bool>;

    /// The result of a run that ended at `STOP`, made of the top item;
    /// `clean` when nothing else was on the stack and no mark was open.
    fn finish(&mut self, clean: bool) -> Result<Self::Output>;
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
