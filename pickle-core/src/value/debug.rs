//! `Debug` for [`Value`] and the types that hold values: what
//! `#[derive(Debug)]` would print, within the budget `Display` has.
//!
//! A shared object prints in full at each reference, so a few hundred bytes
//! of pickle that reference one list 2^60 times would print forever and
//! fill memory with the text; past [`MAX_VALUES`] values, each value not
//! yet printed is `...`. The budget is one per top-level `{:?}`, shared by
//! every value below it, `Object`s, `Call`s and `Op`s included.

use std::cell::Cell;
use std::fmt;

use super::display::MAX_VALUES;
use super::{Call, Object, Op, Value};

/// An item to print, and the budget of the whole print.
struct Limited<'a, T: ?Sized> {
    item: &'a T,
    left: &'a Cell<usize>,
}

impl<'a, T: ?Sized> Limited<'a, T> {
    /// `item`, printed against the same budget.
    fn of<U: ?Sized>(&self, item: &'a U) -> Limited<'a, U> {
        Limited {
            item,
            left: self.left,
        }
    }
}

/// Prints `item` with a budget of its own.
fn print<T: ?Sized>(item: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result
where
    for<'a> Limited<'a, T>: fmt::Debug,
{
    let left = Cell::new(MAX_VALUES);
    fmt::Debug::fmt(&Limited { item, left: &left }, f)
}

/// `Debug` for types that print their values within a budget of their own.
macro_rules! debug_within_budget {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                print(self, f)
            }
        }
    )*};
}
debug_within_budget!(Value, Object, Call, Op);

impl fmt::Debug for Limited<'_, Value> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let left = self.left.get();
        if left == 0 {
            return f.write_str("...");
        }
        self.left.set(left - 1);
        let tuple = |name: &str, field: &dyn fmt::Debug, f: &mut fmt::Formatter<'_>| {
            f.debug_tuple(name).field(field).finish()
        };
        match self.item {
            Value::None => f.write_str("None"),
            Value::Bool(v) => tuple("Bool", v, f),
            Value::Int(v) => tuple("Int", v, f),
            Value::BigInt(v) => tuple("BigInt", v, f),
            Value::Float(v) => tuple("Float", v, f),
            Value::Str(v) => tuple("Str", v, f),
            Value::Bytes(v) => tuple("Bytes", v, f),
            Value::ByteArray(v) => tuple("ByteArray", v, f),
            Value::List(items) => tuple("List", &self.of(&items[..]), f),
            Value::Tuple(items) => tuple("Tuple", &self.of(&items[..]), f),
            Value::Dict(pairs) => tuple("Dict", &self.of(&pairs[..]), f),
            Value::Set(items) => tuple("Set", &self.of(&items[..]), f),
            Value::FrozenSet(items) => tuple("FrozenSet", &self.of(&items[..]), f),
            Value::Global(v) => tuple("Global", v, f),
            Value::Object(v) => tuple("Object", &self.of(&**v), f),
            Value::Buffer(v) => tuple("Buffer", v, f),
            Value::PersistentId(v) => tuple("PersistentId", &self.of(&**v), f),
            Value::Shared(v) => tuple("Shared", &self.of(&**v), f),
            Value::Recursive(v) => tuple("Recursive", v, f),
        }
    }
}

impl fmt::Debug for Limited<'_, [Value]> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.item.iter().map(|v| self.of(v)))
            .finish()
    }
}

impl fmt::Debug for Limited<'_, [(Value, Value)]> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.item.iter().map(|(k, v)| (self.of(k), self.of(v))))
            .finish()
    }
}

impl fmt::Debug for Limited<'_, Object> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Object")
            .field("call", &self.of(&self.item.call))
            .field("ops", &self.of(&self.item.ops[..]))
            .finish()
    }
}

impl fmt::Debug for Limited<'_, Call> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Call::Reduce { callable, args } => f
                .debug_struct("Reduce")
                .field("callable", &self.of(callable))
                .field("args", &self.of(args))
                .finish(),
            Call::NewObj { cls, args } => f
                .debug_struct("NewObj")
                .field("cls", &self.of(cls))
                .field("args", &self.of(args))
                .finish(),
            Call::NewObjEx { cls, args, kwargs } => f
                .debug_struct("NewObjEx")
                .field("cls", &self.of(cls))
                .field("args", &self.of(args))
                .field("kwargs", &self.of(kwargs))
                .finish(),
            Call::Inst { module, name, args } => f
                .debug_struct("Inst")
                .field("module", module)
                .field("name", name)
                .field("args", &self.of(&args[..]))
                .finish(),
            Call::Obj { cls, args } => f
                .debug_struct("Obj")
                .field("cls", &self.of(cls))
                .field("args", &self.of(&args[..]))
                .finish(),
        }
    }
}

impl fmt::Debug for Limited<'_, [Op]> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.item.iter().map(|op| self.of(op)))
            .finish()
    }
}

impl fmt::Debug for Limited<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Op::Build(v) => f.debug_tuple("Build").field(&self.of(v)).finish(),
            Op::Append(v) => f.debug_tuple("Append").field(&self.of(v)).finish(),
            Op::SetItem(k, v) => f
                .debug_tuple("SetItem")
                .field(&self.of(k))
                .field(&self.of(v))
                .finish(),
            Op::Add(v) => f.debug_tuple("Add").field(&self.of(v)).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::value::Global;

    /// What `#[derive(Debug)]` printed for these types, before the budget.
    #[test]
    fn prints_as_derive_does() {
        let object = Object {
            call: Call::NewObj {
                cls: Value::Global(Global::new("m", "C")),
                args: Value::Tuple(vec![]),
            },
            ops: vec![Op::Build(Value::Dict(vec![(
                Value::str("x"),
                Value::Shared(Arc::new(Value::List(vec![Value::Int(1), Value::None]))),
            )]))],
        };
        let text = format!("{:?}", Value::Object(Box::new(object)));
        assert_eq!(
            text,
            "Object(Object { call: NewObj { cls: Global(Global { module: \"m\", name: \"C\" }), \
             args: Tuple([]) }, ops: [Build(Dict([(Str(\"x\"), Shared(List([Int(1), None])))]))] })"
        );
    }

    #[test]
    fn a_dag_prints_within_the_budget() {
        // Each list holds the previous one twice: 2^60 leaves.
        let mut v = Value::List(vec![]);
        for _ in 0..60 {
            let shared = Value::Shared(Arc::new(v));
            v = Value::List(vec![shared.clone(), shared]);
        }
        let text = format!("{v:?}");
        assert!(text.len() < 32 * MAX_VALUES, "{} bytes", text.len());
        assert!(
            text.starts_with("List([Shared(List([Shared(List(["),
            "{}",
            &text[..40]
        );
        assert!(
            text.ends_with(", ...])), ...])"),
            "{}",
            &text[text.len() - 40..]
        );
    }
}
