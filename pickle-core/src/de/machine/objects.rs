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
use crate::value::{Buffer, Global, PyStr};

impl<S: Source, B: Build> Machine<'_, '_, S, B> {
    pub(super) fn memo_get(&mut self, op: Opcode) -> Result<()> {
        let idx = if op == Opcode::Get {
            self.text_index(op, "GET")?
        } else {
            self.arg(op)?.int()
        };
        let found = match u64::try_from(idx) {
            Ok(i) => self.b.memo_get(i, &mut self.stack)?,
            Err(_) => None,
        };
        match found {
            Some(item) => self.push(item),
            None => Err(self.err(
                ErrorKind::MemoMissing,
                format!("memo value not found at index {idx}"),
            )),
        }
    }

    pub(super) fn memo_put(&mut self, op: Opcode) -> Result<()> {
        // As CPython: the argument, then the stack, then the index's value.
        let arg = self.arg(op)?;
        let top = self.top()?;
        let idx = match arg {
            Arg::Line(span) => self.parse_index(span, "PUT")?,
            arg => arg.int(),
        };
        if idx < 0 {
            return Err(self.invalid("negative PUT argument"));
        }
        self.b
            .memo_put(Some(idx as u64), &mut self.stack[..=top], self.at)
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
        let item = self.b.global(global, self.at)?;
        self.push(item)
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
        let name = self.pop()?;
        let module = self.pop()?;
        let data = self.src.data();
        let (Some(m), Some(n)) = (
            self.b.str_bytes(&module, data),
            self.b.str_bytes(&name, data),
        ) else {
            return Err(self.err(ErrorKind::InvalidOperation, "STACK_GLOBAL requires str"));
        };
        // The names are copied into the global (and into each `Value` made
        // of it), though the strings may be memo `GET`s of a few bytes:
        // charged before they are copied.
        let cost = m.len() + n.len();
        self.charge(cost)?;
        let data = self.src.data();
        let m = self.b.str_bytes(&module, data).unwrap_or_default();
        let n = self.b.str_bytes(&name, data).unwrap_or_default();
        // `str` items hold validated surrogatepass UTF-8.
        let module = PyStr::from_utf8_surrogatepass(m).unwrap_or_default();
        let name = PyStr::from_utf8_surrogatepass(n).unwrap_or_default();
        let global = self.global(module, name);
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
            // Only the loading process knows what the code stands for.
            None if self.b.inspecting() => {
                let item = self.b.unknown_extension(code, self.at)?;
                self.push(item)
            }
            None => Err(self.err(
                ErrorKind::Extension,
                format!("unregistered extension code {code}"),
            )),
        }
    }

    // --- objects ----------------------------------------------------------

    fn is_callable(&self, item: &B::Item) -> bool {
        matches!(
            self.b.kind(item),
            Kind::Global | Kind::Object | Kind::PersistentId
        )
    }

    fn push_call(&mut self, call: Call<B::Item>) -> Result<()> {
        let item = self.b.call(call, self.src.data(), self.at)?;
        self.push(item)
    }

    pub(super) fn load_inst(&mut self) -> Result<()> {
        let mark = self.marker()?;
        let Arg::Lines(module, name) = self.arg(Opcode::Inst)? else {
            return Err(self.bad_op("INST takes two lines"));
        };
        let module = self.ascii_name(module)?;
        let name = self.ascii_name(name)?;
        let class = self.global(module, name);
        let args: Vec<_> = self.items(mark).collect();
        self.charge(args.len() * super::LINK_COST)?;
        self.push_call(Call::Inst(class, args))
    }

    pub(super) fn load_obj(&mut self) -> Result<()> {
        let mark = self.marker()?;
        if self.stack.len() < mark + 1 {
            return Err(self.underflow());
        }
        let args: Vec<_> = self.items(mark + 1).collect();
        let cls = self.pop()?;
        if !self.is_callable(&cls) {
            let name = self.b.kind(&cls).type_name();
            return Err(self.bad_op(format!("`{name}` object is not callable")));
        }
        self.charge((args.len() + 1) * super::LINK_COST)?;
        self.push_call(Call::Obj(cls, args))
    }

    pub(super) fn load_newobj(&mut self, with_kwargs: bool) -> Result<()> {
        let opname = if with_kwargs { "NEWOBJ_EX" } else { "NEWOBJ" };
        let kwargs = if with_kwargs { Some(self.pop()?) } else { None };
        let args = self.pop()?;
        let cls = self.pop()?;
        // A call's result may be a class (`getattr(Outer, 'Inner')` names a
        // nested class before protocol 4), so only plain values are refused.
        if !self.is_callable(&cls) {
            let name = self.b.kind(&cls).type_name();
            return Err(self.bad_op(format!(
                "{opname} class argument must be a type, not `{name}`"
            )));
        }
        let kind = self.b.kind(&args);
        if kind != Kind::Tuple {
            let name = kind.type_name();
            return Err(self.bad_op(format!(
                "{opname} args argument must be a tuple, not `{name}`"
            )));
        }
        let call = match kwargs {
            Some(kwargs) => {
                let kind = self.b.kind(&kwargs);
                if kind != Kind::Dict {
                    let name = kind.type_name();
                    return Err(self.bad_op(format!(
                        "{opname} kwargs argument must be a dict, not `{name}`"
                    )));
                }
                Call::NewObjEx(cls, args, kwargs)
            }
            None => Call::NewObj(cls, args),
        };
        self.charge(3 * super::LINK_COST)?;
        self.push_call(call)
    }

    pub(super) fn load_reduce(&mut self) -> Result<()> {
        let args = self.pop()?;
        let callable = self.pop()?;
        if self.b.kind(&args) != Kind::Tuple {
            return Err(self.bad_op("argument list must be a tuple"));
        }
        if !self.is_callable(&callable) {
            let name = self.b.kind(&callable).type_name();
            return Err(self.bad_op(format!("`{name}` object is not callable")));
        }
        self.charge(2 * super::LINK_COST)?;
        self.push_call(Call::Reduce(callable, args))
    }

    pub(super) fn load_build(&mut self) -> Result<()> {
        if self.stack.len() < self.fence() + 2 {
            return Err(self.underflow());
        }
        let state = self.pop()?;
        let top = self.top()?;
        let at = self.at;
        let mut target = std::mem::take(&mut self.stack[top]);
        let done = self.b.build(&mut target, state, at);
        self.stack[top] = target;
        done
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
        let pid = self
            .b
            .atom(Atom::Str(Text::Input(span, self.src.data())), self.at)?;
        self.persistent(pid)
    }

    pub(super) fn persistent(&mut self, pid: B::Item) -> Result<()> {
        let load = match self.opts.persistent_ids {
            PersistentIds::Refuse => return self.refuse_persistent_ids(),
            PersistentIds::Keep => None,
            PersistentIds::Load(load) => Some(load),
        };
        self.charge(super::LINK_COST)?;
        let item = self.b.persistent(pid, load, self.src.data(), self.at)?;
        self.push(item)
    }

    // --- buffers ----------------------------------------------------------

    pub(super) fn load_next_buffer(&mut self) -> Result<()> {
        let buffer = match self.opts.buffers {
            Some(buffers) => match buffers.get(self.next_buffer) {
                Some(buffer) => buffer.clone(),
                None => return Err(self.err(ErrorKind::Buffer, "not enough out-of-band buffers")),
            },
            // The buffer's bytes are the loading process's, not the pickle's.
            None if self.b.inspecting() => Buffer {
                data: Vec::new(),
                readonly: false,
            },
            None => {
                return Err(self.err(
                    ErrorKind::Buffer,
                    "pickle stream refers to out-of-band data but no buffers were given",
                ))
            }
        };
        self.next_buffer += usize::from(self.opts.buffers.is_some());
        self.charge(buffer.data.len())?;
        let item = self.b.buffer(buffer, self.at)?;
        self.push(item)
    }

    pub(super) fn load_readonly_buffer(&mut self) -> Result<()> {
        let top = self.top()?;
        match self.b.kind(&self.stack[top]) {
            Kind::Buffer | Kind::Bytes | Kind::ByteArray => self.b.readonly(&mut self.stack[top]),
            other => {
                let name = other.type_name();
                Err(self.bad_op(format!(
                    "memoryview: a bytes-like object is required, not `{name}`"
                )))
            }
        }
    }
}
