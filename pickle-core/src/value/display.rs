//! `Display` for [`Value`]: text close to what Python's `repr` prints for the
//! object the value stands for.
//!
//! Plain data prints as `repr` prints it (`{'id': 7, 'tags': ['gift']}`,
//! `(1,)`, `b'\x00'`, `1e+16`, `frozenset({1})`). Python has no `repr` for
//! what a pickle would do, so globals and calls print as the Python
//! expression that does the same: a global as `module.name`, a call as
//! `module.name(args)`, an instance as `module.Class(field=value, ...)`,
//! and what cannot be folded into the call as a method applied to it
//! (`.__setstate__(state)`, `.extend([...])`, `.update({...})`).

use std::fmt;

use super::{BigInt, Buffer, Call, Object, Op, Value};
use crate::text::repr;

/// How many values one `Display` prints at most. A shared object prints in
/// full at each reference, as `repr` prints it, so a few bytes of pickle
/// that reference one list 2^60 times would print forever; past this many
/// values the text ends with `...`.
pub(super) const MAX_VALUES: usize = 1 << 20;

/// Python's `sys.int_info.str_digits_check_threshold`-like bound: an int
/// above this many bits prints in hex, which takes linear time (decimal
/// conversion is quadratic, and Python refuses it past 4300 digits).
const MAX_DECIMAL_BITS: usize = 4300 * 332 / 100;

impl fmt::Display for Value {
    /// Writes the value as Python's `repr` would write the object: plain
    /// data exactly as `repr` prints it; a global as `module.name`; a call
    /// as `module.name(args)`; an instance made as CPython makes plain ones
    /// as `module.Class(field=value, ...)`; what is done to an object after
    /// its call as a method on it (`.__setstate__(state)`, `.extend([...])`,
    /// `.update({...})`). A shared object prints in full at each reference,
    /// a cycle as `[...]`, `{...}` or `(...)`; past 2^20 values the text
    /// ends with `...`.
    ///
    /// ```
    /// use pickle_core::Value;
    ///
    /// let v = Value::Dict(vec![(Value::str("tags"), Value::Tuple(vec![Value::Float(1e16)]))]);
    /// assert_eq!(v.to_string(), "{'tags': (1e+16,)}");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut printer = Printer {
            out: f,
            left: MAX_VALUES,
        };
        match printer.value(self) {
            Err(_) if printer.left == 0 => printer.out.write_str("..."),
            done => done,
        }
    }
}

struct Printer<'f, 'o> {
    out: &'f mut fmt::Formatter<'o>,
    /// Values that may still be printed.
    left: usize,
}

impl Printer<'_, '_> {
    fn value(&mut self, v: &Value) -> fmt::Result {
        if self.left == 0 {
            // Stops the printing; `fmt` ends the text with `...`.
            return Err(fmt::Error);
        }
        self.left -= 1;
        match v {
            Value::None => self.out.write_str("None"),
            Value::Bool(true) => self.out.write_str("True"),
            Value::Bool(false) => self.out.write_str("False"),
            Value::Int(i) => write!(self.out, "{i}"),
            Value::BigInt(i) => self.big_int(i),
            Value::Float(x) => self.repr(|out| repr::float_repr(*x, out)),
            Value::Str(s) => self.repr(|out| repr::str_repr(s.code_points(), out)),
            Value::Bytes(b) => self.repr(|out| repr::bytes_repr(b, out)),
            Value::ByteArray(b) => self.repr(|out| repr::bytearray_repr(b, out)),
            Value::List(items) => self.items("[", items, "]"),
            Value::Tuple(items) => self.tuple(items),
            Value::Dict(entries) => self.dict(entries),
            Value::Set(items) if items.is_empty() => self.out.write_str("set()"),
            Value::Set(items) => self.items("{", items, "}"),
            Value::FrozenSet(items) if items.is_empty() => self.out.write_str("frozenset()"),
            Value::FrozenSet(items) => self.items("frozenset({", items, "})"),
            Value::Global(g) => write!(self.out, "{}.{}", g.module, g.name),
            Value::Object(o) => self.object(o),
            Value::Buffer(b) => self.buffer(b),
            Value::PersistentId(id) => {
                self.out.write_str("persistent_load(")?;
                self.value(id)?;
                self.out.write_str(")")
            }
            Value::Shared(inner) => self.value(inner),
            // As `repr` shows a container that holds itself.
            Value::Recursive(weak) => match weak.upgrade().as_deref().map(Value::resolve) {
                Some(Value::List(_)) => self.out.write_str("[...]"),
                Some(Value::Dict(_)) => self.out.write_str("{...}"),
                Some(Value::Tuple(_)) => self.out.write_str("(...)"),
                _ => self.out.write_str("..."),
            },
        }
    }

    fn big_int(&mut self, i: &BigInt) -> fmt::Result {
        if i.to_signed_bytes_le().len() * 8 > MAX_DECIMAL_BITS {
            let (negative, limbs) = i.to_magnitude();
            let sign = if negative { "-" } else { "" };
            let mut digits = limbs.iter().rev().skip_while(|&&l| l == 0);
            match digits.next() {
                Some(top) => write!(self.out, "{sign}{top:#x}")?,
                None => self.out.write_str("0")?,
            }
            digits.try_for_each(|l| write!(self.out, "{l:08x}"))
        } else {
            self.out.write_str(&i.to_decimal())
        }
    }

    /// Text from `text/repr.rs`, which `dis` shows too.
    fn repr(&mut self, write: impl FnOnce(&mut String)) -> fmt::Result {
        let mut text = String::new();
        write(&mut text);
        self.out.write_str(&text)
    }

    fn items(&mut self, open: &str, items: &[Value], close: &str) -> fmt::Result {
        self.out.write_str(open)?;
        self.list(items)?;
        self.out.write_str(close)
    }

    /// Items separated by commas, no brackets.
    fn list(&mut self, items: &[Value]) -> fmt::Result {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.write_str(", ")?;
            }
            self.value(item)?;
        }
        Ok(())
    }

    fn tuple(&mut self, items: &[Value]) -> fmt::Result {
        self.out.write_str("(")?;
        self.list(items)?;
        if items.len() == 1 {
            self.out.write_str(",")?;
        }
        self.out.write_str(")")
    }

    fn dict(&mut self, entries: &[(Value, Value)]) -> fmt::Result {
        self.out.write_str("{")?;
        self.entries(entries.iter().map(|(k, v)| (k, v)))?;
        self.out.write_str("}")
    }

    /// `key: value` pairs separated by commas, no braces.
    fn entries<'v>(
        &mut self,
        entries: impl Iterator<Item = (&'v Value, &'v Value)>,
    ) -> fmt::Result {
        for (i, (key, value)) in entries.enumerate() {
            if i > 0 {
                self.out.write_str(", ")?;
            }
            self.value(key)?;
            self.out.write_str(": ")?;
            self.value(value)?;
        }
        Ok(())
    }

    fn buffer(&mut self, b: &Buffer) -> fmt::Result {
        self.out.write_str("pickle.PickleBuffer(")?;
        if b.readonly {
            self.repr(|out| repr::bytes_repr(&b.data, out))?;
        } else {
            self.repr(|out| repr::bytearray_repr(&b.data, out))?;
        }
        self.out.write_str(")")
    }

    fn object(&mut self, o: &Object) -> fmt::Result {
        let mut ops = &o.ops[..];
        match instance_fields(o) {
            // An instance made as CPython makes plain ones: its state as keywords.
            Some((cls, fields)) => {
                ops = &ops[1..];
                self.value(cls)?;
                self.out.write_str("(")?;
                self.keywords(fields, false)?;
                self.out.write_str(")")?;
            }
            None => self.call(&o.call)?,
        }
        while let Some(op) = ops.first() {
            ops = self.op(ops, op)?;
        }
        Ok(())
    }

    fn call(&mut self, call: &Call) -> fmt::Result {
        match call {
            Call::Reduce { callable, args } => {
                self.value(callable)?;
                self.args(args, None)
            }
            Call::NewObj { cls, args } => {
                self.value(cls)?;
                self.args(args, None)
            }
            Call::NewObjEx { cls, args, kwargs } => {
                self.value(cls)?;
                self.args(args, Some(kwargs))
            }
            Call::Inst { module, name, args } => {
                write!(self.out, "{module}.{name}(")?;
                self.list(args)?;
                self.out.write_str(")")
            }
            Call::Obj { cls, args } => {
                self.value(cls)?;
                self.out.write_str("(")?;
                self.list(args)?;
                self.out.write_str(")")
            }
        }
    }

    /// `(a, b, k=v)`, or `(*args)` where the arguments are not a tuple.
    fn args(&mut self, args: &Value, kwargs: Option<&Value>) -> fmt::Result {
        self.out.write_str("(")?;
        let positional = match args.resolve() {
            Value::Tuple(items) => {
                self.list(items)?;
                !items.is_empty()
            }
            other => {
                self.out.write_str("*")?;
                self.value(other)?;
                true
            }
        };
        if let Some(kwargs) = kwargs {
            match kwargs.resolve() {
                Value::Dict(entries) if entries.is_empty() => {}
                Value::Dict(entries) if entries.iter().all(|(k, _)| is_name(k)) => {
                    self.keywords(entries, positional)?;
                }
                other => {
                    if positional {
                        self.out.write_str(", ")?;
                    }
                    self.out.write_str("**")?;
                    self.value(other)?;
                }
            }
        }
        self.out.write_str(")")
    }

    /// `name=value` pairs whose keys [`is_name`] has checked.
    fn keywords(&mut self, entries: &[(Value, Value)], after: bool) -> fmt::Result {
        for (i, (key, value)) in entries.iter().enumerate() {
            if after || i > 0 {
                self.out.write_str(", ")?;
            }
            if let Value::Str(name) = key.resolve() {
                write!(self.out, "{name}=")?;
            }
            self.value(value)?;
        }
        Ok(())
    }

    /// Prints `op` and the ops of its kind that follow it as one method
    /// call; returns the ops after them.
    fn op<'o>(&mut self, ops: &'o [Op], op: &'o Op) -> Result<&'o [Op], fmt::Error> {
        let run = ops
            .iter()
            .take_while(|o| std::mem::discriminant(*o) == std::mem::discriminant(op))
            .count();
        let (run, rest) = ops.split_at(run);
        match op {
            Op::Build(state) => {
                self.out.write_str(".__setstate__(")?;
                self.value(state)?;
                self.out.write_str(")")?;
                return Ok(&ops[1..]);
            }
            Op::Append(_) => {
                self.out.write_str(".extend([")?;
                let items = run.iter().filter_map(|o| match o {
                    Op::Append(v) => Some(v),
                    _ => None,
                });
                self.separated(items)?;
                self.out.write_str("])")?;
            }
            Op::Add(_) => {
                self.out.write_str(".update({")?;
                let items = run.iter().filter_map(|o| match o {
                    Op::Add(v) => Some(v),
                    _ => None,
                });
                self.separated(items)?;
                self.out.write_str("})")?;
            }
            Op::SetItem(..) => {
                self.out.write_str(".update({")?;
                self.entries(run.iter().filter_map(|o| match o {
                    Op::SetItem(k, v) => Some((k, v)),
                    _ => None,
                }))?;
                self.out.write_str("})")?;
            }
        }
        Ok(rest)
    }

    fn separated<'v>(&mut self, items: impl Iterator<Item = &'v Value>) -> fmt::Result {
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.out.write_str(", ")?;
            }
            self.value(item)?;
        }
        Ok(())
    }
}

/// The class and the attributes of an object made the way CPython makes an
/// instance of a plain class (`cls.__new__(cls)` or
/// `copyreg._reconstructor(cls, object, None)`, then one `BUILD` of a dict
/// of attribute names, or of `(None or dict, slots dict)`), so that it can
/// print as `module.Class(name=value, ...)`.
fn instance_fields(o: &Object) -> Option<(&Value, &[(Value, Value)])> {
    let cls = match &o.call {
        Call::NewObj { cls, args } if is_empty_tuple(args) => cls,
        Call::Reduce { callable, args } => match (callable.resolve(), args.resolve()) {
            (Value::Global(g), Value::Tuple(a))
                if g.is("copyreg", "_reconstructor")
                    && a.len() == 3
                    && matches!(a[1].resolve(), Value::Global(b) if b.is("builtins", "object"))
                    && matches!(a[2], Value::None) =>
            {
                &a[0]
            }
            _ => return None,
        },
        _ => return None,
    };
    let Some(Op::Build(state)) = o.ops.first() else {
        return None;
    };
    let fields = match state.resolve() {
        Value::Dict(entries) => entries,
        // `(None, slots)`: an instance with `__slots__` only.
        Value::Tuple(pair) if pair.len() == 2 && matches!(pair[0], Value::None) => {
            match pair[1].resolve() {
                Value::Dict(entries) => entries,
                _ => return None,
            }
        }
        _ => return None,
    };
    fields
        .iter()
        .all(|(k, _)| is_name(k))
        .then_some((cls, fields.as_slice()))
}

fn is_empty_tuple(v: &Value) -> bool {
    matches!(v.resolve(), Value::Tuple(items) if items.is_empty())
}

/// Whether `v` is a `str` that can be written as a keyword argument.
fn is_name(v: &Value) -> bool {
    let Value::Str(s) = v.resolve() else {
        return false;
    };
    let Some(s) = s.as_str() else {
        return false;
    };
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Global;

    fn inst(cls: &str, fields: Vec<(&str, Value)>) -> Value {
        let (module, name) = cls.rsplit_once('.').unwrap();
        Value::Object(Box::new(Object {
            call: Call::NewObj {
                cls: Value::Global(Global::new(module, name)),
                args: Value::Tuple(vec![]),
            },
            ops: vec![Op::Build(Value::Dict(
                fields
                    .into_iter()
                    .map(|(k, v)| (Value::str(k), v))
                    .collect(),
            ))],
        }))
    }

    #[test]
    fn instances_print_as_constructor_calls() {
        let order = inst(
            "shop.models.Order",
            vec![
                ("id", Value::Int(7)),
                ("tags", Value::List(vec![Value::str("gift")])),
            ],
        );
        assert_eq!(order.to_string(), "shop.models.Order(id=7, tags=['gift'])");
    }

    #[test]
    fn calls_print_as_the_call_the_pickle_makes() {
        let call = Value::Object(Box::new(Object {
            call: Call::Reduce {
                callable: Value::global("posix", "system"),
                args: Value::Tuple(vec![Value::str("ls")]),
            },
            ops: vec![],
        }));
        assert_eq!(call.to_string(), "posix.system('ls')");
        let odict = Value::Object(Box::new(Object {
            call: Call::Reduce {
                callable: Value::global("collections", "OrderedDict"),
                args: Value::Tuple(vec![]),
            },
            ops: vec![
                Op::SetItem(Value::str("a"), Value::Int(1)),
                Op::SetItem(Value::str("b"), Value::Int(2)),
                Op::Build(Value::None),
            ],
        }));
        assert_eq!(
            odict.to_string(),
            "collections.OrderedDict().update({'a': 1, 'b': 2}).__setstate__(None)"
        );
    }

    #[test]
    fn printing_a_huge_dag_stops() {
        let mut v = Value::List(vec![]);
        for _ in 0..64 {
            let shared = Value::shared(v);
            v = Value::List(vec![shared.clone(), shared]);
        }
        let text = v.to_string();
        assert!(text.ends_with("..."), "{}", &text[text.len() - 20..]);
        assert!(text.len() < 8 * MAX_VALUES);
    }

    #[test]
    fn floats_print_as_repr() {
        let cases = [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.5e16, "1.5e+16"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (1e-300, "1e-300"),
            (f64::MAX, "1.7976931348623157e+308"),
        ];
        for (x, repr) in cases {
            assert_eq!(Value::Float(x).to_string(), repr, "{x:e}");
        }
    }
}
