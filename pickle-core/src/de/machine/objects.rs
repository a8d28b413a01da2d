//! The memo, globals, calls, `BUILD`, persistent ids, extension codes and
//! out-of-band buffers: what the machine checks before its builder acts.

use super::build::{Atom, Build, Call, Text};
use super::Machine;
use crate::compat;
use crate::de::options::PersistentIds;
use crate::de::source::{truncated, Source, Span};
use crate::de::Kind;
use crate::error::{ErrorKind, Result};
use crate::opcode::arg::Arg;
use crate::opcode::Opcode;
use crate::text::int::{parse_memo_index_line, TextInt};
use crate::value::{Global, PyStr};

impl<S: Source, B: Build> Machine<'_, '_, S, B> {
    /// Always in line, so that its argument's form is the constant one of
    /// the opcode's arm (see `arg::read`).
    #[inline(always)]
    pub(super) fn memo_get(&mut self, op: Opcode) -> Result<()> {
        let idx = if op == Opcode::Get {
            self.text_index(op, "GET")?
        } else {
            self.arg(op)?.int()
        };
        let found = match u64::try_from(idx) {
            Ok(i) => self.b.memo_get(i, self.at)?,
            Err(_) => false,
        };
        if !found {
            return Err(self.err(
                ErrorKind::MemoMissing,
                format!("memo value not found at index {idx}"),
            ));
        }
        Ok(())
    }

    pub(super) fn memo_put(&mut self, op: Opcode) -> Result<()> {
        // As CPython: the argument, then the stack, then the index's value.
        let arg = self.arg(op)?;
        self.need(1)?;
        let idx = match arg {
            Arg::Line(span) => self.parse_index(span, "PUT")?,
            arg => arg.int(),
        };
        if idx < 0 {
            return Err(self.invalid("negative PUT argument"));
        }
        self.b.memo_put(Some(idx as u64), self.at)
    }

    /// The index of a `GET` or `PUT` of protocol 0: a decimal line.
    fn text_index(&mut self, op: Opcode, what: &str) -> Result<i64> {
        let span = self.arg(op)?.span();
        self.parse_index(span, what)
    }

    fn parse_index(&self, span: Span, what: &str) -> Result<i64> {
        if span.len == 0 {
            return Err(truncated(self.at));
        }
        let line = &self.src.data()[span.start..span.start + span.len + 1];
        match parse_memo_index_line(line) {
            Ok(TextInt::Small(i)) => Ok(i),
            Ok(TextInt::Big(_)) => {
                Err(self.invalid("Python int too large to convert to C ssize_t"))
            }
            Err(e) => Err(self.int_error(e, what)),
        }
    }

    // --- globals ----------------------------------------------------------

    /// `find_class`: a global by name, renamed from Python 2 below protocol 3.
    fn global(&self, module: PyStr, name: PyStr) -> Global {
        if self.proto < 3 && self.opts.fix_imports {
            if let (Some(m), Some(n)) = (module.as_str(), name.as_str()) {
                if let Some((m3, n3)) = compat::to_python3(m, n) {
                    return Global::new(m3, n3);
                }
            }
        }
        Global { module, name }
    }

    fn push_global(&mut self, global: Global) -> Result<()> {
        self.b.global(global, self.at)
    }

    pub(super) fn load_global(&mut self) -> Result<()> {
        let Arg::Lines(module, name) = self.arg(Opcode::Global)? else {
            return Err(self.bad_op("GLOBAL takes two lines"));
        };
        let module = self.utf8_name(module)?;
        let name = self.utf8_name(name)?;
        let global = self.global(module, name);
        self.push_global(global)
    }

    pub(super) fn load_stack_global(&mut self) -> Result<()> {
        let from = self.need(2)?;
        let data = self.src.data();
        let (Some(m), Some(n)) = (
            self.b.str_bytes(from, data),
            self.b.str_bytes(from + 1, data),
        ) else {
            return Err(self.err(ErrorKind::InvalidOperation, "STACK_GLOBAL requires str"));
        };
        // The names are copied into the global (and into each `Value` made
        // of it), though the strings may be memo `GET`s of a few bytes:
        // charged before they are copied.
        let cost = m.len() + n.len();
        self.charge(cost)?;
        let data = self.src.data();
        let m = self.b.str_bytes(from, data).unwrap_or_default();
        let n = self.b.str_bytes(from + 1, data).unwrap_or_default();
        // `str` items hold validated surrogatepass UTF-8.
        let module = PyStr::from_utf8_surrogatepass(m).unwrap_or_default();
        let name = PyStr::from_utf8_surrogatepass(n).unwrap_or_default();
        let global = self.global(module, name);
        self.b.pop(from, true)?;
        self.push_global(global)
    }

    pub(super) fn load_extension(&mut self, code: i64) -> Result<()> {
        if code <= 0 {
            return Err(self.invalid("EXT specifies code <= 0"));
        }
        let known = self.opts.extensions.and_then(|ext| ext.global(code as u32));
        match known {
            Some(global) => {
                let global = self.global(global.module.clone(), global.name.clone());
                self.push_global(global)
            }
            None => Err(self.err(
                ErrorKind::Extension,
                format!("unregistered extension code {code}"),
            )),
        }
    }

    // --- objects ----------------------------------------------------------

    fn is_callable(&self, i: usize) -> bool {
        matches!(
            self.b.kind(i),
            Kind::Global | Kind::Object | Kind::PersistentId
        )
    }

    fn push_call(&mut self, call: Call, from: usize) -> Result<()> {
        self.b.call(call, from, self.src.data(), self.at)
    }

    pub(super) fn load_inst(&mut self) -> Result<()> {
        let mark = self.marker()?;
        let Arg::Lines(module, name) = self.arg(Opcode::Inst)? else {
            return Err(self.bad_op("INST takes two lines"));
        };
        let module = self.ascii_name(module)?;
        let name = self.ascii_name(name)?;
        let class = self.global(module, name);
        self.charge((self.b.len() - mark) * super::LINK_COST)?;
        self.push_call(Call::Inst(class), mark)
    }

    pub(super) fn load_obj(&mut self) -> Result<()> {
        let mark = self.marker()?;
        if self.b.len() < mark + 1 || mark < self.fence() {
            return Err(self.underflow());
        }
        if !self.is_callable(mark) {
            let name = self.b.kind(mark).type_name();
            return Err(self.bad_op(format!("`{name}` object is not callable")));
        }
        self.charge((self.b.len() - mark) * super::LINK_COST)?;
        self.push_call(Call::Obj, mark)
    }

    pub(super) fn load_newobj(&mut self, with_kwargs: bool) -> Result<()> {
        let opname = if with_kwargs { "NEWOBJ_EX" } else { "NEWOBJ" };
        let from = self.need(2 + usize::from(with_kwargs))?;
        let (cls, args) = (from, from + 1);
        // A call's result may be a class (`getattr(Outer, 'Inner')` names a
        // nested class before protocol 4), so only plain values are refused.
        if !self.is_callable(cls) {
            let name = self.b.kind(cls).type_name();
            return Err(self.bad_op(format!(
                "{opname} class argument must be a type, not `{name}`"
            )));
        }
        let kind = self.b.kind(args);
        if kind != Kind::Tuple {
            let name = kind.type_name();
            return Err(self.bad_op(format!(
                "{opname} args argument must be a tuple, not `{name}`"
            )));
        }
        let call = if with_kwargs {
            let kind = self.b.kind(from + 2);
            if kind != Kind::Dict {
                let name = kind.type_name();
                return Err(self.bad_op(format!(
                    "{opname} kwargs argument must be a dict, not `{name}`"
                )));
            }
            Call::NewObjEx
        } else {
            Call::NewObj
        };
        self.charge(3 * super::LINK_COST)?;
        self.push_call(call, from)
    }

    pub(super) fn load_reduce(&mut self) -> Result<()> {
        let from = self.need(2)?;
        if self.b.kind(from + 1) != Kind::Tuple {
            return Err(self.bad_op("argument list must be a tuple"));
        }
        if !self.is_callable(from) {
            let name = self.b.kind(from).type_name();
            return Err(self.bad_op(format!("`{name}` object is not callable")));
        }
        self.charge(2 * super::LINK_COST)?;
        self.push_call(Call::Reduce, from)
    }

    pub(super) fn load_build(&mut self) -> Result<()> {
        self.need(2)?;
        self.b.build(self.at)
    }

    // --- persistent ids ---------------------------------------------------

    pub(super) fn refuse_persistent_ids(&self) -> Result<()> {
        if matches!(self.opts.persistent_ids, PersistentIds::Refuse) {
            return Err(self.err(
                ErrorKind::PersistentId,
                "a load persistent id instruction was encountered, but no persistent_load function was specified",
            ));
        }
        Ok(())
    }

    pub(super) fn load_persid(&mut self) -> Result<()> {
        self.refuse_persistent_ids()?;
        let span = self.arg(Opcode::PersId)?.span();
        if !span.of(self.src.data()).is_ascii() {
            return Err(self.err(
                ErrorKind::PersistentId,
                "persistent IDs in protocol 0 must be ASCII strings",
            ));
        }
        self.b
            .atom(Atom::Str(Text::Input(span, self.src.data())), self.at)?;
        self.persistent()
    }

    /// The top item is a persistent id.
    pub(super) fn persistent(&mut self) -> Result<()> {
        let load = match self.opts.persistent_ids {
            PersistentIds::Refuse => return self.refuse_persistent_ids(),
            PersistentIds::Keep => None,
            PersistentIds::Load(load) => Some(load),
        };
        self.charge(super::LINK_COST)?;
        self.b.persistent(load, self.src.data(), self.at)
    }

    // --- buffers ----------------------------------------------------------

    pub(super) fn load_next_buffer(&mut self) -> Result<()> {
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
        self.b.buffer(buffer.clone(), self.at)
    }

    pub(super) fn load_readonly_buffer(&mut self) -> Result<()> {
        let top = self.need(1)?;
        match self.b.kind(top) {
            Kind::Buffer | Kind::Bytes | Kind::ByteArray => {
                self.b.readonly(self.src.data(), self.at)
            }
            other => {
                let name = other.type_name();
                Err(self.bad_op(format!(
                    "memoryview: a bytes-like object is required, not `{name}`"
                )))
            }
        }
    }
}
