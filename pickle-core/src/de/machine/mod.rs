//! The unpickling machine: a stack, a mark stack and a memo, as in CPython,
//! one arm per opcode, generic over what it builds ([`Build`]).
//!
//! Each opcode does what CPython's `_pickle.c` does with it, on inert
//! objects: a global is a name, a call is a record. Where CPython fails on
//! input (a stack underflow, a missing mark, an unhashable dict key,
//! `NEWOBJ` of something that is not a class) the machine fails with the
//! same reason and the opcode's offset. Arguments are read by the one
//! argument reader (`opcode/arg.rs`), each where CPython reads it.

pub(crate) mod build;
mod objects;
mod text;

use build::{Atom, Build, Seq, Text};

use super::options::Options;
use super::source::{truncated, Source, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::arg::{self, Arg, ArgError, Lengths};
use crate::opcode::Opcode;

/// What one stack slot, or one reference from a container, costs against
/// the allocation limit.
pub(crate) const LINK_COST: usize = 4;

/// The machine: the input, the builder (which keeps the stack), the marks.
pub(crate) struct Machine<'o, 'b, S, B> {
    pub(crate) src: S,
    pub(crate) b: B,
    /// The stack length at each open mark.
    marks: Vec<usize>,
    /// The topmost of `marks`, 0 if none: items below it cannot be popped.
    fence: usize,
    pub(crate) proto: u8,
    opts: &'o Options<'b>,
    next_buffer: usize,
    /// Offset of the opcode being run.
    at: u64,
}

impl<'o, 'b, S: Source, B: Build> Machine<'o, 'b, S, B> {
    pub(crate) fn new(src: S, opts: &'o Options<'b>, builder: B) -> Self {
        Machine {
            src,
            b: builder,
            marks: Vec::new(),
            fence: 0,
            proto: 0,
            opts,
            next_buffer: 0,
            at: 0,
        }
    }

    // --- errors ---------------------------------------------------------

    fn err(&self, kind: ErrorKind, message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
        Error::at(kind, self.at, message)
    }

    fn invalid(&self, message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
        self.err(ErrorKind::InvalidArgument, message)
    }

    fn bad_op(&self, message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
        self.err(ErrorKind::InvalidOperation, message)
    }

    fn charge(&mut self, bytes: usize) -> Result<()> {
        let at = self.at;
        self.b.budget().charge(bytes, at)
    }

    // --- the stack ------------------------------------------------------

    /// Items below the topmost mark cannot be popped.
    #[inline]
    fn fence(&self) -> usize {
        self.fence
    }

    #[cold]
    fn underflow(&self) -> Error {
        if self.marks.is_empty() {
            self.err(ErrorKind::StackUnderflow, "unpickling stack underflow")
        } else {
            self.err(ErrorKind::Mark, "unexpected MARK found")
        }
    }

    /// Fails unless `n` items are above the topmost mark; the index of the
    /// lowest of them.
    #[inline]
    fn need(&self, n: usize) -> Result<usize> {
        match self.b.len().checked_sub(n) {
            Some(from) if from >= self.fence() => Ok(from),
            _ => Err(self.underflow()),
        }
    }

    /// Pops the topmost mark; the stack length it recorded.
    fn marker(&mut self) -> Result<usize> {
        let mark = self.marks.pop();
        self.fence = self.marks.last().copied().unwrap_or(0);
        mark.ok_or_else(|| self.err(ErrorKind::Mark, "could not find MARK"))
    }

    #[inline]
    fn push_atom(&mut self, atom: Atom<'_>) -> Result<()> {
        self.b.atom(atom, self.at)
    }

    /// `BININT1`, `BININT2` or `BININT`, and the ones right after it: CPython
    /// writes a list of small ints as a run of them, read here without a
    /// dispatch per opcode.
    #[inline(always)]
    fn load_small_int(&mut self, mut op: Opcode) -> Result<()> {
        loop {
            // One call per form, so that each reads a constant form.
            let v = match op {
                Opcode::BinInt1 => self.arg(Opcode::BinInt1)?.int(),
                Opcode::BinInt2 => self.arg(Opcode::BinInt2)?.int(),
                _ => self.arg(Opcode::BinInt)?.int(),
            };
            self.b.atom(Atom::Int(v), self.at)?;
            match self.src.peek_byte().and_then(Opcode::from_byte) {
                Some(next @ (Opcode::BinInt1 | Opcode::BinInt2 | Opcode::BinInt)) => {
                    self.at = self.src.pos();
                    self.src.next_byte()?;
                    op = next;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Fails unless the items from `from` up, every `step`th, are hashable.
    fn check_hashable(&self, from: usize, step: usize) -> Result<()> {
        let mut i = from;
        while i < self.b.len() {
            if !self.b.hashable(i) {
                let name = self.b.kind(i).type_name();
                return Err(self.bad_op(format!("unhashable type: `{name}`")));
            }
            i += step;
        }
        Ok(())
    }

    // --- arguments ------------------------------------------------------

    /// The argument of `op`, read where CPython reads it. Always in line,
    /// for the reason `arg::read` is.
    #[inline(always)]
    fn arg(&mut self, op: Opcode) -> Result<Arg> {
        let budget = self.b.budget().left();
        match arg::read(op, &mut self.src, budget, Lengths::Unpickler) {
            Ok(arg) => Ok(arg),
            Err(e) => Err(self.arg_error(e)),
        }
    }

    #[cold]
    fn arg_error(&self, e: ArgError) -> Error {
        match e {
            // The input ended inside the argument: where it ended.
            ArgError::ShortFixed | ArgError::NoNewline | ArgError::ShortCounted { .. } => {
                truncated(self.src.data().len() as u64)
            }
            ArgError::Negative(_) => self.invalid("LONG pickle has negative byte count"),
            ArgError::TooLong(n) => self.err(
                ErrorKind::LengthLimit,
                format!("a declared length of {n} bytes exceeds the allocation limit"),
            ),
            ArgError::Source(e) => e,
        }
    }

    /// A counted argument, as text of the input.
    #[inline(always)]
    fn counted(&mut self, op: Opcode) -> Result<Span> {
        Ok(self.arg(op)?.span())
    }

    // --- the loop ---------------------------------------------------------

    /// Runs to `STOP`; returns what the builder made of the pickle.
    pub(crate) fn run(&mut self) -> Result<B::Output> {
        loop {
            self.at = self.src.pos();
            let Some(byte) = self.src.next_byte()? else {
                return Err(match self.at {
                    0 => self.err(ErrorKind::Eof, "no pickle before the end of input"),
                    _ => self.err(ErrorKind::Truncated, "pickle data was truncated"),
                });
            };
            let Some(op) = Opcode::from_byte(byte) else {
                return Err(self.invalid_opcode(byte));
            };
            if op == Opcode::Stop {
                let top = self.need(1)?;
                return self.b.finish(top == 0 && self.marks.is_empty());
            }
            self.step(op)?;
        }
    }

    #[cold]
    fn invalid_opcode(&self, byte: u8) -> Error {
        let shown = if (0x20..=0x7e).contains(&byte) && byte != b'\'' && byte != b'\\' {
            format!("'{}'", byte as char)
        } else {
            format!("'\\x{byte:02x}'")
        };
        self.err(
            ErrorKind::InvalidOpcode,
            format!("invalid load key, {shown}"),
        )
    }

    #[inline(always)]
    fn step(&mut self, op: Opcode) -> Result<()> {
        use Opcode as O;
        match op {
            O::Stop => return Err(self.bad_op("STOP is handled by the loop")),
            O::Mark => {
                if self.marks.len() >= self.opts.limits.max_marks {
                    return Err(self.err(
                        ErrorKind::MarkLimit,
                        format!(
                            "more than {} marks open at once",
                            self.opts.limits.max_marks
                        ),
                    ));
                }
                self.charge(std::mem::size_of::<usize>())?;
                self.marks.push(self.b.len());
                self.fence = self.b.len();
            }
            O::Pop => {
                if self.marks.last() == Some(&self.b.len()) {
                    self.marker()?;
                } else {
                    let top = self.need(1)?;
                    self.b.pop(top, false)?;
                }
            }
            O::PopMark => {
                let mark = self.marker()?;
                self.b.pop(mark, false)?;
            }
            O::Dup => {
                self.need(1)?;
                self.b.dup(self.at)?;
            }

            // Atoms.
            O::None => self.push_atom(Atom::None)?,
            O::NewTrue => self.push_atom(Atom::Bool(true))?,
            O::NewFalse => self.push_atom(Atom::Bool(false))?,
            // One arm per opcode: the argument's form is a constant in each.
            O::BinInt1 => self.load_small_int(O::BinInt1)?,
            O::BinInt2 => self.load_small_int(O::BinInt2)?,
            O::BinInt => self.load_small_int(O::BinInt)?,
            O::Int => self.load_int()?,
            O::Long => self.load_long()?,
            O::Long1 | O::Long4 => {
                let span = self.counted(op)?;
                self.load_counted_long(span)?;
            }
            O::Float => self.load_float()?,
            O::BinFloat => {
                let Arg::Float(v) = self.arg(O::BinFloat)? else {
                    return Err(self.bad_op("a float8 argument"));
                };
                self.push_atom(Atom::Float(v))?;
            }

            // Strings and bytes.
            O::String => self.load_string()?,
            O::BinString | O::ShortBinString => {
                let span = self.counted(op)?;
                self.push_py2_str(span, None)?;
            }
            O::Unicode => self.load_unicode()?,
            O::ShortBinUnicode => {
                let span = self.counted(O::ShortBinUnicode)?;
                self.load_binunicode(span)?;
            }
            O::BinUnicode | O::BinUnicode8 => {
                let span = self.counted(op)?;
                self.load_binunicode(span)?;
            }
            O::ShortBinBytes | O::BinBytes | O::BinBytes8 => {
                let span = self.counted(op)?;
                let data = self.src.data();
                self.b.atom(Atom::Bytes(Text::Input(span, data)), self.at)?;
            }
            O::ByteArray8 => {
                // Charged if it is changed, when the arena copies it.
                let span = self.counted(op)?;
                let data = self.src.data();
                self.b
                    .atom(Atom::ByteArray(Text::Input(span, data)), self.at)?;
            }
            O::NextBuffer => self.load_next_buffer()?,
            O::ReadonlyBuffer => self.load_readonly_buffer()?,

            // Containers.
            O::EmptyTuple => self.b.seq(Seq::Tuple, self.b.len(), self.at)?,
            O::Tuple1 | O::Tuple2 | O::Tuple3 => {
                let from = self.need(usize::from(op.byte() - O::Tuple1.byte() + 1))?;
                self.b.seq(Seq::Tuple, from, self.at)?;
            }
            O::Tuple => {
                let mark = self.marker()?;
                self.b.seq(Seq::Tuple, mark, self.at)?;
            }
            O::EmptyList => self.b.seq(Seq::List, self.b.len(), self.at)?,
            O::EmptySet => self.b.seq(Seq::Set, self.b.len(), self.at)?,
            O::EmptyDict => self.b.dict(self.b.len(), self.at)?,
            O::List => {
                let mark = self.marker()?;
                self.b.seq(Seq::List, mark, self.at)?;
            }
            O::Dict => {
                let mark = self.marker()?;
                let len = self.b.len();
                if (len - mark) % 2 != 0 {
                    return Err(self.invalid("odd number of items for DICT"));
                }
                self.check_hashable(mark, 2)?;
                self.b.dict(mark, self.at)?;
            }
            O::FrozenSet => {
                let mark = self.marker()?;
                self.check_hashable(mark, 1)?;
                self.b.seq(Seq::FrozenSet, mark, self.at)?;
            }
            O::Append => {
                let from = self.need(2)?;
                self.fill(Fill::Append, from + 1)?;
            }
            O::Appends => {
                let mark = self.marker()?;
                self.fill(Fill::Append, mark)?;
            }
            O::SetItem => self.fill(Fill::SetItems, self.b.len().wrapping_sub(2))?,
            O::SetItems => {
                let mark = self.marker()?;
                self.fill(Fill::SetItems, mark)?;
            }
            O::AddItems => {
                let mark = self.marker()?;
                self.fill(Fill::AddItems, mark)?;
            }

            // Memo.
            O::BinGet => self.memo_get(O::BinGet)?,
            O::Get | O::LongBinGet => self.memo_get(op)?,
            O::Put | O::BinPut | O::LongBinPut => self.memo_put(op)?,
            O::Memoize => {
                self.need(1)?;
                self.b.memo_put(None, self.at)?;
            }

            // Globals and objects.
            O::Global => self.load_global()?,
            O::StackGlobal => self.load_stack_global()?,
            O::Inst => self.load_inst()?,
            O::Obj => self.load_obj()?,
            O::NewObj => self.load_newobj(false)?,
            O::NewObjEx => self.load_newobj(true)?,
            O::Reduce => self.load_reduce()?,
            O::Build => self.load_build()?,
            O::Ext1 | O::Ext2 | O::Ext4 => {
                let code = self.arg(op)?.int();
                self.load_extension(code)?;
            }
            O::PersId => self.load_persid()?,
            O::BinPersId => {
                self.refuse_persistent_ids()?;
                self.need(1)?;
                self.persistent()?;
            }

            // Framing and protocol.
            O::Proto => {
                let p = self.arg(op)?.int();
                if p > 5 {
                    return Err(self.err(
                        ErrorKind::UnsupportedProtocol,
                        format!("unsupported pickle protocol: {p}"),
                    ));
                }
                self.proto = p as u8;
            }
            O::Frame => {
                let Arg::U64(n) = self.arg(op)? else {
                    return Err(self.bad_op("a uint8 argument"));
                };
                let budget = self.b.budget().left();
                if n > isize::MAX as u64 || n > budget as u64 {
                    return Err(self.arg_error(ArgError::TooLong(n)));
                }
                self.src.ensure(n as usize, budget)?;
            }
        }
        Ok(())
    }

    /// `APPEND(S)`, `SETITEM(S)` or `ADDITEMS`: the items from `x` up go
    /// into the object at `x - 1`.
    fn fill(&mut self, how: Fill, x: usize) -> Result<()> {
        let len = self.b.len();
        if x > len || x <= self.fence() {
            return Err(self.underflow());
        }
        if x == len {
            return Ok(());
        }
        match (how, self.b.kind(x - 1)) {
            (Fill::Append, Kind::List | Kind::ByteArray | Kind::Object) => {}
            (Fill::SetItems, _) if (len - x) % 2 != 0 => {
                return Err(self.invalid("odd number of items for SETITEMS"))
            }
            (Fill::SetItems, Kind::Dict) => self.check_hashable(x, 2)?,
            (Fill::SetItems, Kind::Object | Kind::List | Kind::ByteArray) => {}
            // Only a `set` takes items: a `frozenset` has no `add` (CPython's
            // `load_additems` checks `PySet_Check`, which a frozenset fails).
            (Fill::AddItems, Kind::Set) => self.check_hashable(x, 1)?,
            (Fill::AddItems, Kind::Object) => {}
            (how, kind) => return Err(self.cannot_fill(how, kind)),
        }
        self.charge((len - x) * LINK_COST)?;
        let (input, at) = (self.src.data(), self.at);
        let done = match how {
            Fill::Append => self.b.append(x, input, at),
            Fill::SetItems => self.b.setitems(x, input, at),
            Fill::AddItems => self.b.additems(x),
        };
        done.map_err(|e| e.with_offset(self.at))
    }

    #[cold]
    fn cannot_fill(&self, how: Fill, kind: Kind) -> Error {
        let name = kind.type_name();
        self.bad_op(match how {
            Fill::Append => format!("`{name}` object has no attribute `append`"),
            Fill::SetItems => format!("`{name}` object does not support item assignment"),
            Fill::AddItems => format!("`{name}` object has no attribute `add`"),
        })
    }
}

use crate::de::Kind;

/// How [`Machine::fill`] fills an object.
#[derive(Clone, Copy)]
enum Fill {
    Append,
    SetItems,
    AddItems,
}
