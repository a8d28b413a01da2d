//! The unpickling machine: a stack, a mark stack and a memo, as in CPython.
//!
//! Each opcode does what CPython's `_pickle.c` does with it, on inert nodes:
//! a global is a name, a call is a record. Where CPython fails on input (a
//! stack underflow, a missing mark, an unhashable dict key, `NEWOBJ` of
//! something that is not a class) the machine fails with the same reason and
//! the opcode's offset. Nothing is imported or called.

use super::arena::{
    Arena, ByteArrayData, CallNode, Hashable, Node, NodeId, ObjectNode, OpNode, Text,
};
use super::memo::Memo;
use super::options::{Options, PersistentIds, StringEncoding};
use super::source::{truncated, Source, Span};
use crate::compat;
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::text::int::{IntOrBool, TextInt};
use crate::text::{self, escape::EscapeError, float::FloatError, int::IntError};
use crate::value::{BigInt, Buffer, Global, PyStr, MAX_STR_DIGITS};

/// What one node costs against the allocation limit, roughly.
pub(crate) const NODE_COST: usize = std::mem::size_of::<Node>() + 9;
/// What one reference from a container costs.
pub(crate) const LINK_COST: usize = std::mem::size_of::<NodeId>();

/// What [`crate::scan`] needs to know of a run that the arena does not keep.
///
/// With it, the machine also stands in for what only the loading process
/// could supply, so that a scan reads on where a load would need the
/// caller's help: an extension code the registry lacks becomes a placeholder
/// global (listed in `extensions`), and `NEXT_BUFFER` without buffers an
/// empty buffer.
#[derive(Default)]
pub(crate) struct Inspection {
    /// Each `BUILD` applied to an object: its offset, the object, the state.
    pub(crate) builds: Vec<(u64, NodeId, NodeId)>,
    /// Each call folded into a plain value (`builtins.set([...])`): its
    /// offset and the global called.
    pub(crate) folded: Vec<(u64, NodeId)>,
    /// Placeholder globals for extension codes, with their codes.
    pub(crate) extensions: Vec<(NodeId, i64)>,
}

pub(crate) struct Machine<'o, 'b, S> {
    pub(crate) src: S,
    pub(crate) arena: Arena,
    /// Scan mode: `Some` records what `Inspection` lists.
    pub(crate) inspection: Option<Inspection>,
    stack: Vec<NodeId>,
    marks: Vec<usize>,
    memo: Memo,
    pub(crate) proto: u8,
    opts: &'o Options<'b>,
    next_buffer: usize,
    /// Bytes charged against `max_alloc` so far.
    used: usize,
    stack_high: usize,
    /// Offset of the opcode being run.
    at: u64,
}

impl<'o, 'b, S: Source> Machine<'o, 'b, S> {
    pub(crate) fn new(src: S, opts: &'o Options<'b>) -> Self {
        Machine {
            src,
            arena: Arena::default(),
            inspection: None,
            stack: Vec::with_capacity(64),
            marks: Vec::new(),
            memo: Memo::default(),
            proto: 0,
            opts,
            next_buffer: 0,
            used: 0,
            stack_high: 0,
            at: 0,
        }
    }

    // --- errors and budget ---------------------------------------------

    fn err(&self, kind: ErrorKind, message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
        Error::at(kind, self.at, message)
    }

    fn invalid(&self, message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
        self.err(ErrorKind::InvalidArgument, message)
    }

    fn bad_op(&self, message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
        self.err(ErrorKind::InvalidOperation, message)
    }

    #[inline]
    fn charge(&mut self, bytes: usize) -> Result<()> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.opts.limits.max_alloc {
            return Err(self.err(
                ErrorKind::AllocLimit,
                format!(
                    "decoding would allocate more than the limit of {} bytes",
                    self.opts.limits.max_alloc
                ),
            ));
        }
        Ok(())
    }

    fn budget(&self) -> usize {
        self.opts.limits.max_alloc.saturating_sub(self.used)
    }

    // --- stack ------------------------------------------------------------

    #[inline]
    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn underflow(&self) -> Error {
        if self.marks.is_empty() {
            self.err(ErrorKind::StackUnderflow, "unpickling stack underflow")
        } else {
            self.err(ErrorKind::Mark, "unexpected MARK found")
        }
    }

    #[inline]
    fn push(&mut self, id: NodeId) -> Result<()> {
        self.stack.push(id);
        if self.stack.len() > self.stack_high {
            self.stack_high = self.stack.len();
            self.charge(LINK_COST)?;
        }
        Ok(())
    }

    #[inline]
    fn pop(&mut self) -> Result<NodeId> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        self.stack.pop().ok_or_else(|| self.underflow())
    }

    #[inline]
    fn top(&self) -> Result<NodeId> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        self.stack.last().copied().ok_or_else(|| self.underflow())
    }

    /// Pops the topmost mark and returns the stack length it recorded.
    fn marker(&mut self) -> Result<usize> {
        self.marks
            .pop()
            .ok_or_else(|| self.err(ErrorKind::Mark, "could not find MARK"))
    }

    #[inline]
    fn new_node(&mut self, node: Node) -> Result<NodeId> {
        if self.arena.nodes.len() >= NodeId::MAX as usize - 1 {
            return Err(self.err(ErrorKind::AllocLimit, "too many objects in one pickle"));
        }
        self.charge(NODE_COST)?;
        Ok(self.arena.push(node, self.at))
    }

    #[inline]
    fn push_node(&mut self, node: Node) -> Result<()> {
        let id = self.new_node(node)?;
        self.push(id)
    }

    /// Records that a container or object now refers to each of `ids`.
    fn link_all(&mut self, ids: &[NodeId]) -> Result<()> {
        self.charge(ids.len() * LINK_COST)?;
        for &id in ids {
            self.arena.link(id);
        }
        Ok(())
    }

    fn check_hashable(&self, id: NodeId) -> Result<()> {
        let node = self.arena.node(id);
        if node.is_hashable() {
            Ok(())
        } else {
            Err(self.bad_op(format!("unhashable type: `{}`", node.type_name())))
        }
    }

    // --- input ----------------------------------------------------------

    #[inline]
    fn take(&mut self, n: usize) -> Result<Span> {
        let budget = self.budget();
        self.src.take(n, budget)
    }

    #[inline]
    fn fixed<const N: usize>(&mut self) -> Result<[u8; N]> {
        let span = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(span.of(self.src.data()));
        Ok(out)
    }

    fn line(&mut self) -> Result<Span> {
        let budget = self.budget();
        self.src.line(budget)
    }

    /// A line of at least two bytes (text and newline), as most text opcodes need.
    fn line2(&mut self) -> Result<Span> {
        let span = self.line()?;
        if span.len < 2 {
            return Err(truncated(self.at));
        }
        Ok(span)
    }

    fn bytes_of(&self, span: Span) -> &[u8] {
        span.of(self.src.data())
    }

    /// A length field of `width` bytes, unsigned little-endian (`calc_binsize`),
    /// checked against the allocation limit before anything is read.
    fn length(&mut self, width: usize) -> Result<usize> {
        let span = self.take(width)?;
        let mut buf = [0u8; 8];
        buf[..width].copy_from_slice(self.bytes_of(span));
        let n = u64::from_le_bytes(buf);
        if n > isize::MAX as u64 || n as usize > self.budget() {
            return Err(self.err(
                ErrorKind::LengthLimit,
                format!("a declared length of {n} bytes exceeds the allocation limit"),
            ));
        }
        Ok(n as usize)
    }

    // --- the loop ---------------------------------------------------------

    /// Runs to `STOP`; returns the root node.
    pub(crate) fn run(&mut self) -> Result<NodeId> {
        loop {
            self.at = self.src.pos();
            let Some(byte) = self.src.next_byte()? else {
                return Err(match self.at {
                    0 => self.err(ErrorKind::Eof, "no pickle before the end of input"),
                    _ => self.err(ErrorKind::Truncated, "pickle data was truncated"),
                });
            };
            let Some(op) = Opcode::from_byte(byte) else {
                let shown = if (0x20..=0x7e).contains(&byte) && byte != b'\'' && byte != b'\\' {
                    format!("'{}'", byte as char)
                } else {
                    format!("'\\x{byte:02x}'")
                };
                return Err(self.err(
                    ErrorKind::InvalidOpcode,
                    format!("invalid load key, {shown}"),
                ));
            };
            if op == Opcode::Stop {
                return self.pop();
            }
            self.step(op)?;
        }
    }

    fn step(&mut self, op: Opcode) -> Result<()> {
        use Opcode as O;
        match op {
            O::Stop => unreachable!("handled by run"),
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
                self.marks.push(self.stack.len());
            }
            O::Pop => {
                if self.marks.last() == Some(&self.stack.len()) {
                    self.marks.pop();
                } else {
                    self.pop()?;
                }
            }
            O::PopMark => {
                let mark = self.marker()?;
                self.stack.truncate(mark);
            }
            O::Dup => {
                let top = self.top()?;
                self.push(top)?;
            }

            // Atoms.
            O::None => self.push_node(Node::None)?,
            O::NewTrue => self.push_node(Node::Bool(true))?,
            O::NewFalse => self.push_node(Node::Bool(false))?,
            O::BinInt => {
                let v = i32::from_le_bytes(self.fixed::<4>()?);
                self.push_node(Node::Int(v as i64))?;
            }
            O::BinInt1 => {
                let [b] = self.fixed::<1>()?;
                self.push_node(Node::Int(b as i64))?;
            }
            O::BinInt2 => {
                let v = u16::from_le_bytes(self.fixed::<2>()?);
                self.push_node(Node::Int(v as i64))?;
            }
            O::Int => self.load_int()?,
            O::Long => self.load_long()?,
            O::Long1 => {
                let [n] = self.fixed::<1>()?;
                self.load_counted_long(n as usize)?;
            }
            O::Long4 => {
                let n = i32::from_le_bytes(self.fixed::<4>()?);
                if n < 0 {
                    return Err(self.invalid("LONG pickle has negative byte count"));
                }
                if n as usize > self.budget() {
                    return Err(self.err(
                        ErrorKind::LengthLimit,
                        "a declared length exceeds the allocation limit",
                    ));
                }
                self.load_counted_long(n as usize)?;
            }
            O::Float => self.load_float()?,
            O::BinFloat => {
                let v = f64::from_bits(u64::from_be_bytes(self.fixed::<8>()?));
                self.push_node(Node::Float(v))?;
            }

            // Strings and bytes.
            O::String => self.load_string()?,
            O::BinString => {
                let n = self.length(4)?;
                self.load_binstring(n)?;
            }
            O::ShortBinString => {
                let n = self.length(1)?;
                self.load_binstring(n)?;
            }
            O::Unicode => self.load_unicode()?,
            O::ShortBinUnicode => {
                let n = self.length(1)?;
                self.load_binunicode(n)?;
            }
            O::BinUnicode => {
                let n = self.length(4)?;
                self.load_binunicode(n)?;
            }
            O::BinUnicode8 => {
                let n = self.length(8)?;
                self.load_binunicode(n)?;
            }
            O::ShortBinBytes => {
                let n = self.length(1)?;
                self.load_bytes(n)?;
            }
            O::BinBytes => {
                let n = self.length(4)?;
                self.load_bytes(n)?;
            }
            O::BinBytes8 => {
                let n = self.length(8)?;
                self.load_bytes(n)?;
            }
            O::ByteArray8 => {
                let n = self.length(8)?;
                let span = self.take(n)?;
                self.push_node(Node::ByteArray(ByteArrayData::Text(Text::Input(span))))?;
            }
            O::NextBuffer => self.load_next_buffer()?,
            O::ReadonlyBuffer => self.load_readonly_buffer()?,

            // Containers.
            O::EmptyTuple => self.load_counted_tuple(0)?,
            O::Tuple1 => self.load_counted_tuple(1)?,
            O::Tuple2 => self.load_counted_tuple(2)?,
            O::Tuple3 => self.load_counted_tuple(3)?,
            O::Tuple => {
                let mark = self.marker()?;
                let n = self.stack.len() - mark;
                self.load_counted_tuple(n)?;
            }
            O::EmptyList => self.push_node(Node::List(Vec::new()))?,
            O::EmptyDict => self.push_node(Node::Dict(Vec::new()))?,
            O::EmptySet => self.push_node(Node::Set(Vec::new()))?,
            O::List => {
                let mark = self.marker()?;
                let items = self.stack.split_off(mark);
                self.link_all(&items)?;
                self.push_node(Node::List(items))?;
            }
            O::Dict => self.load_dict()?,
            O::FrozenSet => {
                let mark = self.marker()?;
                let items = self.stack.split_off(mark);
                for &item in &items {
                    self.check_hashable(item)?;
                }
                self.link_all(&items)?;
                self.push_node(Node::FrozenSet(items))?;
            }
            O::Append => {
                if self.stack.len() <= self.fence() + 1 {
                    return Err(self.underflow());
                }
                self.do_append(self.stack.len() - 1)?;
            }
            O::Appends => {
                let mark = self.marker()?;
                self.do_append(mark)?;
            }
            O::SetItem => {
                let x = self.stack.len().wrapping_sub(2);
                self.do_setitems(x)?;
            }
            O::SetItems => {
                let mark = self.marker()?;
                self.do_setitems(mark)?;
            }
            O::AddItems => self.load_additems()?,

            // Memo.
            O::Get => {
                let span = self.line2()?;
                let idx = match text::int::parse_memo_index_line(self.bytes_of(span)) {
                    Ok(TextInt::Small(i)) => i,
                    Ok(TextInt::Big(_)) => {
                        return Err(self.invalid("Python int too large to convert to C ssize_t"))
                    }
                    Err(e) => return Err(self.int_error(e, "GET")),
                };
                self.memo_get(idx)?;
            }
            O::BinGet => {
                let [i] = self.fixed::<1>()?;
                self.memo_get(i as i64)?;
            }
            O::LongBinGet => {
                let i = u32::from_le_bytes(self.fixed::<4>()?);
                self.memo_get(i as i64)?;
            }
            O::Put => {
                let span = self.line2()?;
                let top = self.top()?;
                let idx = match text::int::parse_memo_index_line(self.bytes_of(span)) {
                    Ok(TextInt::Small(i)) => i,
                    Ok(TextInt::Big(_)) => {
                        return Err(self.invalid("Python int too large to convert to C ssize_t"))
                    }
                    Err(e) => return Err(self.int_error(e, "PUT")),
                };
                if idx < 0 {
                    return Err(self.invalid("negative PUT argument"));
                }
                self.memo_put(idx as u64, top)?;
            }
            O::BinPut => {
                let [i] = self.fixed::<1>()?;
                let top = self.top()?;
                self.memo_put(i as u64, top)?;
            }
            O::LongBinPut => {
                let i = u32::from_le_bytes(self.fixed::<4>()?);
                let top = self.top()?;
                self.memo_put(i as u64, top)?;
            }
            O::Memoize => {
                let top = self.top()?;
                let idx = self.memo.len() as u64;
                self.memo_put(idx, top)?;
            }

            // Globals and objects.
            O::Global => {
                let module = self.line2()?;
                let module = self.utf8_name(module)?;
                let name = self.line2()?;
                let name = self.utf8_name(name)?;
                self.push_global(module, name)?;
            }
            O::StackGlobal => {
                let name = self.pop()?;
                let module = self.pop()?;
                let (Node::Str(m), Node::Str(n)) = (self.arena.node(module), self.arena.node(name))
                else {
                    return Err(self.err(ErrorKind::InvalidOperation, "STACK_GLOBAL requires str"));
                };
                let (m, n) = (*m, *n);
                // The names are copied into the global (and into each
                // `Value` made of it), though the strings may be memo `GET`s
                // of a few bytes: charged before they are copied.
                self.charge(m.len() + n.len())?;
                let module = self.py_str(m);
                let name = self.py_str(n);
                self.push_global(module, name)?;
            }
            O::Inst => self.load_inst()?,
            O::Obj => self.load_obj()?,
            O::NewObj => self.load_newobj(false)?,
            O::NewObjEx => self.load_newobj(true)?,
            O::Reduce => self.load_reduce()?,
            O::Build => self.load_build()?,
            O::Ext1 => {
                let [b] = self.fixed::<1>()?;
                self.load_extension(b as i64)?;
            }
            O::Ext2 => {
                let v = u16::from_le_bytes(self.fixed::<2>()?);
                self.load_extension(v as i64)?;
            }
            O::Ext4 => {
                let v = i32::from_le_bytes(self.fixed::<4>()?);
                self.load_extension(v as i64)?;
            }
            O::PersId => self.load_persid()?,
            O::BinPersId => self.load_binpersid()?,

            // Framing and protocol.
            O::Proto => {
                let [p] = self.fixed::<1>()?;
                if p > 5 {
                    return Err(self.err(
                        ErrorKind::UnsupportedProtocol,
                        format!("unsupported pickle protocol: {p}"),
                    ));
                }
                self.proto = p;
            }
            O::Frame => {
                let n = self.length(8)?;
                let budget = self.budget();
                self.src.ensure(n, budget)?;
            }
        }
        Ok(())
    }

    // --- numbers --------------------------------------------------------

    fn int_error(&self, e: IntError, what: &str) -> Error {
        match e {
            IntError::Invalid => self.invalid(format!("invalid literal for `{what}`")),
            IntError::TooManyDigits(n) => self.invalid(format!(
                "exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value has {n} digits"
            )),
        }
    }

    fn push_int(&mut self, v: TextInt) -> Result<()> {
        match v {
            TextInt::Small(i) => self.push_node(Node::Int(i)),
            TextInt::Big(b) => {
                let text = self.arena.heap_text(b.to_signed_bytes_le());
                self.charge(b.to_signed_bytes_le().len())?;
                self.push_node(Node::BigInt(text))
            }
        }
    }

    fn load_int(&mut self) -> Result<()> {
        let span = self.line2()?;
        match text::int::parse_int_line(self.bytes_of(span)) {
            Ok(IntOrBool::Bool(b)) => self.push_node(Node::Bool(b)),
            Ok(IntOrBool::Int(v)) => self.push_int(v),
            Err(_) => Err(self.invalid("could not convert string to int")),
        }
    }

    fn load_long(&mut self) -> Result<()> {
        let span = self.line2()?;
        match text::int::parse_long_line(self.bytes_of(span)) {
            Ok(v) => self.push_int(v),
            Err(e) => Err(self.int_error(e, "LONG")),
        }
    }

    fn load_counted_long(&mut self, n: usize) -> Result<()> {
        let span = self.take(n)?;
        let bytes = self.bytes_of(span);
        if let Some(i) = crate::value::i64_from_short_le(bytes) {
            return self.push_node(Node::Int(i));
        }
        let value = BigInt::from_signed_bytes_le(bytes);
        match value.to_i64() {
            Some(i) => self.push_node(Node::Int(i)),
            None if value.to_signed_bytes_le().len() == n => {
                self.push_node(Node::BigInt(Text::Input(span)))
            }
            None => {
                // Redundant sign bytes: keep the minimal form.
                let text = self.arena.heap_text(value.to_signed_bytes_le());
                self.push_node(Node::BigInt(text))
            }
        }
    }

    fn load_float(&mut self) -> Result<()> {
        let span = self.line2()?;
        match text::float::parse_line(self.bytes_of(span)) {
            Ok(v) => self.push_node(Node::Float(v)),
            Err(FloatError::Invalid) => Err(self.invalid("could not convert string to float")),
            Err(FloatError::Overflow) => Err(self.invalid("value too large to convert to float")),
        }
    }

    // --- text -----------------------------------------------------------

    /// A Python 2 `str` in `bytes`, decoded as the options say.
    fn push_py2_str(&mut self, bytes: Text) -> Result<()> {
        let raw = self.arena.text(self.src.data(), bytes);
        match self.opts.encoding {
            StringEncoding::Bytes => self.push_node(Node::Bytes(bytes)),
            StringEncoding::Ascii => match raw.iter().position(|b| !b.is_ascii()) {
                None => self.push_node(Node::Str(bytes)),
                Some(pos) => Err(self.invalid(format!(
                    "'ascii' codec can't decode byte 0x{:02x} in position {pos}: ordinal not in range(128)",
                    raw[pos]
                ))),
            },
            StringEncoding::Utf8 => match std::str::from_utf8(raw) {
                Ok(_) => self.push_node(Node::Str(bytes)),
                Err(e) => Err(self.invalid(format!(
                    "'utf-8' codec can't decode byte in position {}",
                    e.valid_up_to()
                ))),
            },
            StringEncoding::Latin1 => {
                if raw.is_ascii() {
                    return self.push_node(Node::Str(bytes));
                }
                let utf8: String = raw.iter().map(|&b| b as char).collect();
                self.charge(utf8.len())?;
                let text = self.arena.heap_text(utf8.as_bytes());
                self.push_node(Node::Str(text))
            }
        }
    }

    fn load_string(&mut self) -> Result<()> {
        let span = self.line()?;
        let line = self.bytes_of(span);
        let body = &line[..line.len() - 1];
        let n = body.len();
        if !(n >= 2 && body[0] == body[n - 1] && (body[0] == b'\'' || body[0] == b'"')) {
            return Err(self.invalid("the STRING opcode argument must be quoted"));
        }
        let decoded = match text::escape::decode_string_escape(&body[1..n - 1]) {
            Ok(d) => d,
            Err(EscapeError::TrailingBackslash) => {
                return Err(self.invalid("Trailing \\ in string"))
            }
            Err(EscapeError::BadHexEscape(pos)) => {
                return Err(self.invalid(format!("invalid \\x escape at position {pos}")))
            }
            Err(_) => return Err(self.invalid("invalid escape in STRING")),
        };
        self.charge(decoded.len())?;
        let text = self.arena.heap_text(&decoded);
        self.push_py2_str(text)
    }

    fn load_binstring(&mut self, n: usize) -> Result<()> {
        let span = self.take(n)?;
        self.push_py2_str(Text::Input(span))
    }

    fn load_unicode(&mut self) -> Result<()> {
        let span = self.line()?;
        let line = self.bytes_of(span);
        let body = &line[..line.len() - 1];
        if !body.contains(&b'\\') && body.is_ascii() {
            return self.push_node(Node::Str(Text::Input(Span {
                start: span.start,
                len: span.len - 1,
            })));
        }
        let decoded = match text::escape::decode_raw_unicode_escape(body) {
            Ok(s) => s,
            Err(EscapeError::TruncatedUnicode) => {
                return Err(self.invalid(
                    "'rawunicodeescape' codec can't decode bytes: truncated \\uXXXX escape",
                ))
            }
            Err(_) => {
                return Err(self.invalid(
                    "'rawunicodeescape' codec can't decode bytes: \\Uxxxxxxxx out of range",
                ))
            }
        };
        self.charge(decoded.as_bytes().len())?;
        let text = self.arena.heap_text(decoded.as_bytes());
        self.push_node(Node::Str(text))
    }

    fn load_binunicode(&mut self, n: usize) -> Result<()> {
        let span = self.take(n)?;
        let bytes = self.bytes_of(span);
        if std::str::from_utf8(bytes).is_err() {
            if let Err(bad) = PyStr::from_utf8_surrogatepass(bytes) {
                return Err(self.invalid(format!(
                    "'utf-8' codec can't decode byte 0x{:02x} in position {}",
                    bytes[bad.position], bad.position
                )));
            }
        }
        self.push_node(Node::Str(Text::Input(span)))
    }

    fn load_bytes(&mut self, n: usize) -> Result<()> {
        let span = self.take(n)?;
        self.push_node(Node::Bytes(Text::Input(span)))
    }

    /// The text of a name line (without its newline), decoded as UTF-8.
    fn utf8_name(&self, span: Span) -> Result<PyStr> {
        let bytes = &self.bytes_of(span)[..span.len - 1];
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(PyStr::from(s)),
            Err(e) => Err(self.invalid(format!(
                "'utf-8' codec can't decode byte in position {}",
                e.valid_up_to()
            ))),
        }
    }

    pub(crate) fn py_str(&self, text: Text) -> PyStr {
        // Str nodes hold validated surrogatepass UTF-8.
        PyStr::from_utf8_surrogatepass(self.arena.text(self.src.data(), text)).unwrap_or_default()
    }

    // --- buffers --------------------------------------------------------

    fn load_next_buffer(&mut self) -> Result<()> {
        if self.opts.buffers.is_none() && self.inspection.is_some() {
            // The buffer's bytes are the loading process's, not the pickle's.
            return self.push_node(Node::Buffer(Box::new(Buffer::new(Vec::new(), false))));
        }
        let Some(buffers) = self.opts.buffers else {
            return Err(self.err(
                ErrorKind::Buffer,
                "pickle stream refers to out-of-band data but no buffers were given",
            ));
        };
        let Some(buffer) = buffers.get(self.next_buffer) else {
            return Err(self.err(ErrorKind::Buffer, "not enough out-of-band buffers"));
        };
        self.next_buffer += 1;
        // Shared with the caller's buffer, not copied: nothing to charge.
        self.push_node(Node::Buffer(Box::new(buffer.clone())))
    }

    fn load_readonly_buffer(&mut self) -> Result<()> {
        let top = self.top()?;
        if let Node::ByteArray(_) = self.arena.node(top) {
            let data = std::mem::take(self.own_byte_array(top)?);
            *self.arena.node_mut(top) = Node::Buffer(Box::new(Buffer::new(data, true)));
            return Ok(());
        }
        match self.arena.node_mut(top) {
            Node::Buffer(b) => b.readonly = true,
            Node::Bytes(_) => {}
            other => {
                let name = other.type_name();
                return Err(self.bad_op(format!(
                    "memoryview: a bytes-like object is required, not `{name}`"
                )));
            }
        }
        Ok(())
    }

    /// The bytes of the `bytearray` node `id`, to be changed: copied out of
    /// the input the first time (and charged for).
    fn own_byte_array(&mut self, id: NodeId) -> Result<&mut Vec<u8>> {
        if let Node::ByteArray(ByteArrayData::Text(text)) = self.arena.node(id) {
            self.charge(text.len())?;
        }
        let not_one = self.bad_op("expected a `bytearray`");
        let input = self.src.data();
        self.arena.own_byte_array(input, id).ok_or(not_one)
    }

    // --- containers -----------------------------------------------------

    fn load_counted_tuple(&mut self, n: usize) -> Result<()> {
        if self.stack.len() < n || self.stack.len() - n < self.fence() {
            return Err(self.underflow());
        }
        let items: Box<[NodeId]> = self
            .stack
            .split_off(self.stack.len() - n)
            .into_boxed_slice();
        let hashable = items.iter().all(|&i| self.arena.node(i).is_hashable());
        self.link_all(&items)?;
        self.push_node(Node::Tuple(items, Hashable(hashable)))
    }

    fn load_dict(&mut self) -> Result<()> {
        let mark = self.marker()?;
        let items = self.stack.split_off(mark);
        if items.len() % 2 != 0 {
            return Err(self.invalid("odd number of items for DICT"));
        }
        let mut entries = Vec::with_capacity(items.len() / 2);
        for pair in items.chunks_exact(2) {
            self.check_hashable(pair[0])?;
            entries.push((pair[0], pair[1]));
        }
        self.link_all(&items)?;
        self.push_node(Node::Dict(entries))
    }

    /// `do_append`: appends `stack[x..]` to `stack[x - 1]`.
    fn do_append(&mut self, x: usize) -> Result<()> {
        let len = self.stack.len();
        if x > len || x <= self.fence() {
            return Err(self.underflow());
        }
        if x == len {
            return Ok(());
        }
        let target = self.stack[x - 1];
        let items = self.stack.split_off(x);
        self.link_all(&items)?;
        if let Node::ByteArray(_) = self.arena.node(target) {
            let ints = self.byte_values(&items)?;
            self.own_byte_array(target)?.extend(ints);
            return Ok(());
        }
        match self.arena.node_mut(target) {
            Node::List(list) => list.extend_from_slice(&items),
            Node::Object(obj) => obj.ops.extend(items.iter().map(|&i| OpNode::Append(i))),
            other => {
                let name = other.type_name();
                return Err(self.bad_op(format!("`{name}` object has no attribute `append`")));
            }
        }
        Ok(())
    }

    /// The items as byte values, as `bytearray.extend` takes them.
    fn byte_values(&self, items: &[NodeId]) -> Result<Vec<u8>> {
        items
            .iter()
            .map(|&i| match self.arena.node(i) {
                Node::Int(v) if (0..=255).contains(v) => Ok(*v as u8),
                Node::Bool(b) => Ok(*b as u8),
                Node::Int(_) | Node::BigInt(_) => Err(self.bad_op("byte must be in range(0, 256)")),
                other => Err(self.bad_op(format!(
                    "`{}` object cannot be interpreted as an integer",
                    other.type_name()
                ))),
            })
            .collect()
    }

    /// `do_setitems`: sets the key/value pairs `stack[x..]` on `stack[x - 1]`.
    fn do_setitems(&mut self, x: usize) -> Result<()> {
        let len = self.stack.len();
        if x > len || x <= self.fence() {
            return Err(self.underflow());
        }
        if x == len {
            return Ok(());
        }
        if (len - x) % 2 != 0 {
            return Err(self.invalid("odd number of items for SETITEMS"));
        }
        let target = self.stack[x - 1];
        let items = self.stack.split_off(x);
        self.link_all(&items)?;
        for pair in items.chunks_exact(2) {
            self.setitem(target, pair[0], pair[1])?;
        }
        Ok(())
    }

    fn setitem(&mut self, target: NodeId, key: NodeId, value: NodeId) -> Result<()> {
        let index_of = |m: &Self, len: usize| -> Result<usize> {
            let i = match m.arena.node(key) {
                Node::Int(i) => *i,
                Node::Bool(b) => *b as i64,
                Node::BigInt(_) => return Err(m.bad_op("index out of range")),
                other => {
                    return Err(m.bad_op(format!(
                        "indices must be integers or slices, not `{}`",
                        other.type_name()
                    )))
                }
            };
            let i = if i < 0 { i + len as i64 } else { i };
            usize::try_from(i)
                .ok()
                .filter(|&i| i < len)
                .ok_or_else(|| m.bad_op("assignment index out of range"))
        };
        match self.arena.node(target) {
            Node::Dict(_) => {
                self.check_hashable(key)?;
                if let Node::Dict(entries) = self.arena.node_mut(target) {
                    entries.push((key, value));
                }
            }
            Node::Object(_) => {
                if let Node::Object(obj) = self.arena.node_mut(target) {
                    obj.ops.push(OpNode::SetItem(key, value));
                }
            }
            Node::List(items) => {
                let i = index_of(self, items.len())?;
                if let Node::List(items) = self.arena.node_mut(target) {
                    items[i] = value;
                }
            }
            Node::ByteArray(data) => {
                let len = self.arena.byte_array(self.src.data(), data).len();
                let i = index_of(self, len)?;
                let [byte] = self.byte_values(&[value])?[..] else {
                    return Err(self.bad_op("byte must be in range(0, 256)"));
                };
                self.own_byte_array(target)?[i] = byte;
            }
            other => {
                return Err(self.bad_op(format!(
                    "`{}` object does not support item assignment",
                    other.type_name()
                )))
            }
        }
        Ok(())
    }

    fn load_additems(&mut self) -> Result<()> {
        let mark = self.marker()?;
        let len = self.stack.len();
        if mark > len || mark <= self.fence() {
            return Err(self.underflow());
        }
        if mark == len {
            return Ok(());
        }
        let target = self.stack[mark - 1];
        let items = self.stack.split_off(mark);
        // Only a `set` takes items: a `frozenset` has no `add` (CPython's
        // `load_additems` checks `PySet_Check`, which a frozenset fails).
        if matches!(self.arena.node(target), Node::Set(_)) {
            for &item in &items {
                self.check_hashable(item)?;
            }
        }
        self.link_all(&items)?;
        match self.arena.node_mut(target) {
            Node::Set(set) => set.extend_from_slice(&items),
            Node::Object(obj) => obj.ops.extend(items.iter().map(|&i| OpNode::Add(i))),
            other => {
                let name = other.type_name();
                return Err(self.bad_op(format!("`{name}` object has no attribute `add`")));
            }
        }
        Ok(())
    }

    // --- memo -----------------------------------------------------------

    fn memo_get(&mut self, idx: i64) -> Result<()> {
        let found = u64::try_from(idx).ok().and_then(|i| self.memo.get(i));
        match found {
            Some(id) => self.push(id),
            None => Err(self.err(
                ErrorKind::MemoMissing,
                format!("memo value not found at index {idx}"),
            )),
        }
    }

    fn memo_put(&mut self, idx: u64, id: NodeId) -> Result<()> {
        if self.memo.len() >= self.opts.limits.max_memo && self.memo.get(idx).is_none() {
            return Err(self.err(
                ErrorKind::MemoLimit,
                format!("more than {} memo entries", self.opts.limits.max_memo),
            ));
        }
        let grown = self.memo.put(idx, id);
        self.charge(grown)
    }

    // --- globals and objects -------------------------------------------

    /// `find_class`: a global by name, renamed from Python 2 at protocols below 3.
    fn global_index(&mut self, module: PyStr, name: PyStr) -> u32 {
        let mut global = Global { module, name };
        if self.proto < 3 && self.opts.fix_imports {
            if let (Some(m), Some(n)) = (global.module.as_str(), global.name.as_str()) {
                if let Some((m3, n3)) = compat::to_python3(m, n) {
                    global = Global::new(m3, n3);
                }
            }
        }
        self.arena.add_global(global)
    }

    fn push_global(&mut self, module: PyStr, name: PyStr) -> Result<()> {
        let index = self.global_index(module, name);
        self.push_node(Node::Global(index))
    }

    fn load_extension(&mut self, code: i64) -> Result<()> {
        if code <= 0 {
            return Err(self.invalid("EXT specifies code <= 0"));
        }
        let known = self
            .opts
            .extensions
            .and_then(|ext| ext.global(code as u32))
            .cloned();
        if known.is_none() && self.inspection.is_some() {
            // Only the loading process knows what the code stands for.
            let index = self
                .arena
                .add_global(Global::new("<extension>", code.to_string()));
            let id = self.new_node(Node::Global(index))?;
            if let Some(inspection) = &mut self.inspection {
                inspection.extensions.push((id, code));
            }
            return self.push(id);
        }
        let global = known.ok_or_else(|| {
            self.err(
                ErrorKind::Extension,
                format!("unregistered extension code {code}"),
            )
        })?;
        self.push_global(global.module, global.name)
    }

    /// Whether Python could call the object (used for `REDUCE` and `OBJ`).
    fn is_callable(&self, id: NodeId) -> bool {
        matches!(
            self.arena.node(id),
            Node::Global(_) | Node::Object(_) | Node::PersistentId(_)
        )
    }

    fn push_object(&mut self, call: CallNode) -> Result<()> {
        self.push_node(Node::Object(Box::new(ObjectNode {
            call,
            ops: Vec::new(),
        })))
    }

    fn load_inst(&mut self) -> Result<()> {
        let mark = self.marker()?;
        let module = self.line2()?;
        let module = self.ascii_name(module)?;
        let name = self.line2()?;
        let name = self.ascii_name(name)?;
        let class = self.global_index(module, name);
        let args = self.stack.split_off(mark);
        self.link_all(&args)?;
        self.push_object(CallNode::Inst(class, args.into_boxed_slice()))
    }

    fn ascii_name(&self, span: Span) -> Result<PyStr> {
        let bytes = &self.bytes_of(span)[..span.len - 1];
        match bytes.iter().position(|b| !b.is_ascii()) {
            None => Ok(PyStr::from(std::str::from_utf8(bytes).unwrap_or_default())),
            Some(pos) => Err(self.invalid(format!(
                "'ascii' codec can't decode byte 0x{:02x} in position {pos}",
                bytes[pos]
            ))),
        }
    }

    fn load_obj(&mut self) -> Result<()> {
        let mark = self.marker()?;
        if self.stack.len() < mark + 1 {
            return Err(self.underflow());
        }
        let args = self.stack.split_off(mark + 1);
        let cls = self.pop()?;
        if !self.is_callable(cls) {
            let name = self.arena.node(cls).type_name();
            return Err(self.bad_op(format!("`{name}` object is not callable")));
        }
        self.link_all(&args)?;
        self.link_all(&[cls])?;
        self.push_object(CallNode::Obj(cls, args.into_boxed_slice()))
    }

    fn load_newobj(&mut self, with_kwargs: bool) -> Result<()> {
        let opname = if with_kwargs { "NEWOBJ_EX" } else { "NEWOBJ" };
        let kwargs = if with_kwargs { Some(self.pop()?) } else { None };
        let args = self.pop()?;
        let cls = self.pop()?;
        // A call's result may be a class (`getattr(Outer, 'Inner')` names a
        // nested class before protocol 4), so only plain values are refused.
        if !self.is_callable(cls) {
            let name = self.arena.node(cls).type_name();
            return Err(self.bad_op(format!(
                "{opname} class argument must be a type, not `{name}`"
            )));
        }
        if !matches!(self.arena.node(args), Node::Tuple(..)) {
            let name = self.arena.node(args).type_name();
            return Err(self.bad_op(format!(
                "{opname} args argument must be a tuple, not `{name}`"
            )));
        }
        let call = match kwargs {
            Some(kwargs) => {
                if !matches!(self.arena.node(kwargs), Node::Dict(_)) {
                    let name = self.arena.node(kwargs).type_name();
                    return Err(self.bad_op(format!(
                        "{opname} kwargs argument must be a dict, not `{name}`"
                    )));
                }
                self.link_all(&[cls, args, kwargs])?;
                CallNode::NewObjEx(cls, args, kwargs)
            }
            None => {
                self.link_all(&[cls, args])?;
                CallNode::NewObj(cls, args)
            }
        };
        self.push_object(call)
    }

    fn load_reduce(&mut self) -> Result<()> {
        let args = self.pop()?;
        let callable = self.pop()?;
        if !matches!(self.arena.node(args), Node::Tuple(..)) {
            return Err(self.bad_op("argument list must be a tuple"));
        }
        if !self.is_callable(callable) {
            let name = self.arena.node(callable).type_name();
            return Err(self.bad_op(format!("`{name}` object is not callable")));
        }
        if let Some(node) = self.fold_reduce(callable, args)? {
            if let Some(inspection) = &mut self.inspection {
                inspection.folded.push((self.at, callable));
            }
            return self.push_node(node);
        }
        self.link_all(&[callable, args])?;
        self.push_object(CallNode::Reduce(callable, args))
    }

    /// Calls of well-known constructors of plain data become plain values
    /// (see `fold.rs`); anything else stays a record of the call.
    fn fold_reduce(&mut self, callable: NodeId, args: NodeId) -> Result<Option<Node>> {
        let Node::Global(g) = self.arena.node(callable) else {
            return Ok(None);
        };
        let g = &self.arena.globals[*g as usize];
        let Some(kind) = super::fold::Constructor::of(g) else {
            return Ok(None);
        };
        let Node::Tuple(items, _) = self.arena.node(args) else {
            return Ok(None);
        };
        let items = items.clone();
        let node = super::fold::fold(&mut self.arena, self.src.data(), kind, &items);
        if let Some(node) = &node {
            self.charge(super::fold::bytes_held(node))?;
            if let Node::Set(items) | Node::FrozenSet(items) = node {
                let items = items.clone();
                self.link_all(&items)?;
            }
        }
        Ok(node)
    }

    fn load_build(&mut self) -> Result<()> {
        if self.stack.len() < self.fence() + 2 {
            return Err(self.underflow());
        }
        let state = self.pop()?;
        let inst = self.top()?;
        match self.arena.node(inst) {
            Node::Object(_) => {
                self.link_all(&[state])?;
                if let Node::Object(obj) = self.arena.node_mut(inst) {
                    obj.ops.push(OpNode::Build(state));
                }
                if let Some(inspection) = &mut self.inspection {
                    inspection.builds.push((self.at, inst, state));
                }
                Ok(())
            }
            Node::Global(_) | Node::PersistentId(_) => {
                Err(self.bad_op("BUILD needs an instance, not a class or persistent object"))
            }
            // A plain value has no `__dict__` and no settable attributes, so
            // only a state that sets nothing is accepted, as in CPython.
            _ => {
                let sets_nothing = match self.arena.node(state) {
                    Node::None => true,
                    Node::Tuple(items, _) if items.len() == 2 => {
                        matches!(self.arena.node(items[0]), Node::None)
                            && matches!(self.arena.node(items[1]), Node::Dict(d) if d.is_empty())
                    }
                    _ => false,
                };
                if sets_nothing {
                    Ok(())
                } else {
                    let name = self.arena.node(inst).type_name();
                    Err(self.bad_op(format!("`{name}` object has no attribute `__dict__`")))
                }
            }
        }
    }

    fn load_persid(&mut self) -> Result<()> {
        self.refuse_persistent_ids()?;
        let span = self.line()?;
        let bytes = &self.bytes_of(span)[..span.len - 1];
        if !bytes.is_ascii() {
            return Err(self.err(
                ErrorKind::PersistentId,
                "persistent IDs in protocol 0 must be ASCII strings",
            ));
        }
        let pid = self.new_node(Node::Str(Text::Input(Span {
            start: span.start,
            len: span.len - 1,
        })))?;
        self.persistent(pid)
    }

    fn load_binpersid(&mut self) -> Result<()> {
        self.refuse_persistent_ids()?;
        let pid = self.pop()?;
        self.persistent(pid)
    }

    fn refuse_persistent_ids(&self) -> Result<()> {
        if matches!(self.opts.persistent_ids, PersistentIds::Refuse) {
            return Err(self.err(
                ErrorKind::PersistentId,
                "a load persistent id instruction was encountered, but no persistent_load function was specified",
            ));
        }
        Ok(())
    }

    fn persistent(&mut self, pid: NodeId) -> Result<()> {
        match self.opts.persistent_ids {
            PersistentIds::Refuse => self.refuse_persistent_ids(),
            PersistentIds::Keep => {
                self.link_all(&[pid])?;
                self.push_node(Node::PersistentId(pid))
            }
            PersistentIds::Load(load) => {
                let pid_value =
                    super::build::to_value(&self.arena, self.src.data(), pid, &self.opts.limits)
                        .map_err(|e| e.with_offset(self.at))?;
                let value =
                    load(&pid_value).map_err(|msg| self.err(ErrorKind::PersistentId, msg))?;
                let budget = self.budget();
                let (id, cost) =
                    super::build::import_value(&mut self.arena, &value, self.at, budget)
                        .map_err(|e| e.with_offset(self.at))?;
                self.charge(cost)?;
                self.push(id)
            }
        }
    }
}
