//! Writing a [`Value`] back, with its sharing and cycles.

use super::object::Origin;
use super::seq::SeqKind;
use super::{Key, Pickler};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use std::sync::Weak;

use crate::value::{BigInt, Call, Global, Object, Op, Value};
use crate::ToPickle;

impl ToPickle for Value {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.out.boundary()?;
        p.value(self)
    }
}

impl Pickler<'_> {
    /// Writes `v`.
    ///
    /// The identity of a compound value in the memo is its address: the tree
    /// does not move while it is written, every reference to a shared node
    /// reaches the same `Arc` contents, and a node written again while it is
    /// still being written (a tuple that contains itself through a list) is
    /// recognised, as CPython recognises the same object.
    fn value(&mut self, v: &Value) -> Result<()> {
        match v {
            Value::None => self.none(),
            Value::Bool(b) => self.bool_value(*b),
            Value::Int(i) => self.int(*i),
            Value::Float(f) => self.float_value(*f),
            Value::Shared(inner) => self.value(inner),
            Value::List(_) | Value::Tuple(_) | Value::Dict(_) => self.container(v),
            _ => self.other(v),
        }
    }

    /// Lists, tuples and dicts: the containers deep values nest through.
    ///
    /// The functions on the recursion path of nested values keep few
    /// temporaries: an unoptimized build gives every temporary of every
    /// match arm its own stack slot.
    #[inline(never)]
    fn container(&mut self, v: &Value) -> Result<()> {
        let key = Some(Key::Address(v as *const Value as usize));
        match v {
            Value::List(items) => self.list_with(key, items.len(), |p, i| p.item(&items[i])),
            Value::Tuple(items) => self.tuple_with(key, items.len(), |p, i| p.item(&items[i])),
            Value::Dict(entries) => self.dict_with(key, entries.len(), |p, i| {
                p.item(&entries[i].0)?;
                p.item(&entries[i].1)
            }),
            _ => self.other(v),
        }
    }

    /// Every value that is not an atom, a list, a tuple or a dict.
    #[inline(never)]
    fn other(&mut self, v: &Value) -> Result<()> {
        let key = Some(Key::Address(v as *const Value as usize));
        match v {
            Value::BigInt(b) => self.big_int(b),
            Value::Str(s) => self.py_str(s, key),
            Value::Bytes(b) => self.bytes(b, key),
            Value::ByteArray(b) => self.bytearray(b, key),
            Value::Set(items) => self.value_set(items, key),
            Value::FrozenSet(items) => self.value_frozenset(items, key),
            Value::Global(g) => self.value_global(g),
            Value::Object(obj) => self.object(obj, key),
            Value::Buffer(b) => self.buffer(&b.data, b.readonly, || b.data.clone(), key),
            Value::PersistentId(pid) => self.persistent_id(pid),
            Value::Recursive(weak) => self.recursive(weak),
            _ => self.value(v),
        }
    }

    fn none(&mut self) -> Result<()> {
        self.out.op(Opcode::None);
        Ok(())
    }

    fn bool_value(&mut self, b: bool) -> Result<()> {
        self.bool(b);
        Ok(())
    }

    fn float_value(&mut self, f: f64) -> Result<()> {
        self.float(f);
        Ok(())
    }

    fn big_int(&mut self, b: &BigInt) -> Result<()> {
        match b.to_i64() {
            Some(i) => self.int(i),
            None => self.long_bytes(b),
        }
    }

    #[inline(never)]
    fn value_set(&mut self, items: &[Value], key: Option<Key<'_>>) -> Result<()> {
        self.set_with(key, items.len(), |p, i| p.item(&items[i]))
    }

    #[inline(never)]
    fn value_frozenset(&mut self, items: &[Value], key: Option<Key<'_>>) -> Result<()> {
        self.frozenset_with(key, items.len(), |p, i| p.item(&items[i]))
    }

    #[inline(never)]
    fn value_global(&mut self, g: &Global) -> Result<()> {
        match (g.module.as_str(), g.name.as_str()) {
            (Some(module), Some(name)) => {
                self.global(module, name, Origin::of_global(module, name))
            }
            _ => Err(Error::new(
                ErrorKind::Unpicklable,
                format!("can't pickle global `{g}` whose name holds a lone surrogate"),
            )),
        }
    }

    #[inline(never)]
    fn recursive(&mut self, weak: &Weak<Value>) -> Result<()> {
        let inner = weak.upgrade().ok_or_else(|| {
            Error::new(
                ErrorKind::Unpicklable,
                "a recursive reference outlived its target",
            )
        })?;
        self.value(&inner)
    }

    /// One item of a container: a `save()` of its own.
    fn item(&mut self, v: &Value) -> Result<()> {
        self.out.boundary()?;
        self.value(v)
    }

    fn persistent_id(&mut self, pid: &Value) -> Result<()> {
        if self.proto >= 1 {
            self.item(pid)?;
            self.out.op(Opcode::BinPersId);
            return Ok(());
        }
        match pid.as_str() {
            Some(text) if text.is_ascii() && !text.contains('\n') => {
                self.out.op(Opcode::PersId);
                self.out.write(text.as_bytes());
                self.out.byte(b'\n');
                Ok(())
            }
            _ => Err(Error::new(
                ErrorKind::Unpicklable,
                "persistent IDs in protocol 0 must be ASCII strings",
            )),
        }
    }

    /// `save_reduce` for a recorded object: the creating call, the memo,
    /// then the recorded operations, batched as CPython batches them.
    fn object(&mut self, obj: &Object, key: Option<Key<'_>>) -> Result<()> {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        if self.proto < 4 && self.dialect.nested_by_name_only {
            if let Some((module, name)) = nested_class(obj) {
                // What CPython 3.13 writes for a nested class it finds by
                // name: the same calls, with the outer class not memoized.
                return self.global(&module, &name, Origin::Python);
            }
        }
        self.enter()?;
        self.call(&obj.call)?;
        if let Some(idx) = key.and_then(|k| self.lookup(k)) {
            self.out.op(Opcode::Pop);
            self.write_get(idx);
            self.leave();
            return Ok(());
        }
        self.put(key)?;
        let mut ops = &obj.ops[..];
        while let Some(first) = ops.first() {
            let run = ops
                .iter()
                .take_while(|op| std::mem::discriminant(*op) == std::mem::discriminant(first))
                .count();
            let (batch, rest) = ops.split_at(run);
            ops = rest;
            match first {
                Op::Build(_) => {
                    for op in batch {
                        if let Op::Build(state) = op {
                            self.item(state)?;
                            self.out.op(Opcode::Build);
                        }
                    }
                }
                Op::Append(_) => {
                    self.batched(SeqKind::ObjectItems, batch.len(), |p, i| match &batch[i] {
                        Op::Append(v) => p.item(v),
                        _ => Ok(()),
                    })?
                }
                Op::SetItem(..) => self.batched(SeqKind::ObjectEntries, batch.len(), |p, i| {
                    match &batch[i] {
                        Op::SetItem(k, v) => {
                            p.item(k)?;
                            p.item(v)
                        }
                        _ => Ok(()),
                    }
                })?,
                Op::Add(_) => {
                    if self.proto < 4 {
                        return Err(Error::new(
                            ErrorKind::Unpicklable,
                            "ADDITEMS needs protocol 4",
                        ));
                    }
                    self.batched(SeqKind::Set, batch.len(), |p, i| match &batch[i] {
                        Op::Add(v) => p.item(v),
                        _ => Ok(()),
                    })?
                }
            }
        }
        self.leave();
        Ok(())
    }

    fn call(&mut self, call: &Call) -> Result<()> {
        let needs = |p: &Self, proto: u8, op: &str| -> Result<()> {
            if p.proto < proto {
                return Err(Error::new(
                    ErrorKind::Unpicklable,
                    format!("`{op}` needs protocol {proto}, not {}", p.proto),
                ));
            }
            Ok(())
        };
        match call {
            Call::Reduce { callable, args } => {
                self.item(callable)?;
                self.item(args)?;
                self.out.op(Opcode::Reduce);
            }
            Call::NewObj { cls, args } => {
                needs(self, 2, "NEWOBJ")?;
                self.item(cls)?;
                self.item(args)?;
                self.out.op(Opcode::NewObj);
            }
            Call::NewObjEx { cls, args, kwargs } => {
                needs(self, 4, "NEWOBJ_EX")?;
                self.item(cls)?;
                self.item(args)?;
                self.item(kwargs)?;
                self.out.op(Opcode::NewObjEx);
            }
            Call::Inst { module, name, args } => {
                let (Some(module), Some(name)) = (module.as_str(), name.as_str()) else {
                    return Err(Error::new(
                        ErrorKind::Unpicklable,
                        "INST names must be text",
                    ));
                };
                // Each name is a line that readers (CPython's too) decode as
                // ASCII and refuse when empty.
                let bad = |s: &str| s.is_empty() || s.contains('\n') || !s.is_ascii();
                if bad(module) || bad(name) {
                    return Err(Error::new(
                        ErrorKind::Unpicklable,
                        "INST names must be non-empty ASCII without a newline",
                    ));
                }
                self.out.op(Opcode::Mark);
                for arg in args {
                    self.item(arg)?;
                }
                self.out.write(format!("i{module}\n{name}\n").as_bytes());
            }
            Call::Obj { cls, args } => {
                needs(self, 1, "OBJ")?;
                self.out.op(Opcode::Mark);
                self.item(cls)?;
                for arg in args {
                    self.item(arg)?;
                }
                self.out.op(Opcode::Obj);
            }
        }
        Ok(())
    }
}

/// The `module` and qualified name of a nested class that `obj` names as
/// `getattr(getattr(Outer, 'Middle'), 'Inner')` does, written by name: the
/// outer class not memoized (no other reference shares it), and nothing done
/// to the result.
fn nested_class(obj: &Object) -> Option<(String, String)> {
    let Call::Reduce { callable, args } = &obj.call else {
        return None;
    };
    let Value::Global(getattr) = callable.resolve() else {
        return None;
    };
    let Value::Tuple(items) = args.resolve() else {
        return None;
    };
    let ([parent, attr], true) = (
        &items[..],
        obj.ops.is_empty() && getattr.is("builtins", "getattr"),
    ) else {
        return None;
    };
    let attr = attr.as_str()?;
    let (module, outer) = match parent {
        Value::Global(g) => (g.module.as_str()?.to_owned(), g.name.as_str()?.to_owned()),
        Value::Object(inner) => nested_class(inner)?,
        _ => return None,
    };
    Some((module, format!("{outer}.{attr}")))
}
