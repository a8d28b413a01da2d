//! Writing a [`Value`] in its serde form.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use ::serde::ser::{SerializeMap, SerializeSeq, SerializeTuple};
use ::serde::{Serialize, Serializer};

use super::hex;
use crate::value::{Call, Global, Object, Op, PyStr, Value};

/// Writes `value` in its serde form (see the [module](super)).
pub(crate) fn serialize<S: Serializer>(value: &Value, s: S) -> Result<S::Ok, S::Error> {
    let ids = RefCell::new(HashMap::new());
    Tagged {
        v: value,
        ids: &ids,
    }
    .serialize(s)
}

/// The shared objects written so far, by address, with their `$id`.
type Ids = RefCell<HashMap<usize, u64>>;

/// A value in its serde form, numbering shared objects in `ids`.
#[derive(Clone, Copy)]
struct Tagged<'v, 'i> {
    v: &'v Value,
    ids: &'i Ids,
}

/// The largest magnitude written as a plain integer: what a double holds exactly.
const PLAIN_INT: u64 = 1 << 53;

impl Tagged<'_, '_> {
    fn of<'v>(&self, v: &'v Value) -> Tagged<'v, '_> {
        Tagged { v, ids: self.ids }
    }
}

/// `{tag: value}`.
fn tag<S: Serializer, T: Serialize + ?Sized>(
    s: S,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(1))?;
    map.serialize_entry(tag, value)?;
    map.end()
}

/// The items of a sequence, each in its serde form.
struct Items<'v, 'i> {
    items: &'v [Value],
    ids: &'i Ids,
}

impl Serialize for Items<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for v in self.items {
            seq.serialize_element(&Tagged { v, ids: self.ids })?;
        }
        seq.end()
    }
}

/// A key and a value, as a pair.
struct Pair<'v, 'i>(Tagged<'v, 'i>, Tagged<'v, 'i>);

impl Serialize for Pair<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut pair = s.serialize_tuple(2)?;
        pair.serialize_element(&self.0)?;
        pair.serialize_element(&self.1)?;
        pair.end()
    }
}

/// The entries of a dict, as pairs.
struct Entries<'v, 'i> {
    entries: &'v [(Value, Value)],
    ids: &'i Ids,
}

impl Serialize for Entries<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.entries.len()))?;
        for (k, v) in self.entries {
            let ids = self.ids;
            seq.serialize_element(&Pair(Tagged { v: k, ids }, Tagged { v, ids }))?;
        }
        seq.end()
    }
}

/// Text: a string, or its code points when it holds a lone surrogate.
struct Text<'v>(&'v PyStr);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_str() {
            Some(text) => s.serialize_str(text),
            None => tag(
                s,
                "$codepoints",
                &self.0.code_points().collect::<Vec<u32>>(),
            ),
        }
    }
}

/// `{"module": ..., "name": ...}`.
struct Name<'v>(&'v Global);

impl Serialize for Name<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("module", &Text(&self.0.module))?;
        map.serialize_entry("name", &Text(&self.0.name))?;
        map.end()
    }
}

/// `{"$global": {...}}`.
struct GlobalTag<'v>(&'v Global);

impl Serialize for GlobalTag<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        tag(s, "$global", &Name(self.0))
    }
}

/// An object's call and ops.
struct ObjectForm<'v, 'i> {
    obj: &'v Object,
    ids: &'i Ids,
}

impl Serialize for ObjectForm<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("call", &CallForm(self.obj, self.ids))?;
        map.serialize_entry("ops", &OpsForm(self.obj, self.ids))?;
        map.end()
    }
}

struct CallForm<'v, 'i>(&'v Object, &'i Ids);

impl Serialize for CallForm<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ids = self.1;
        let t = |v| Tagged { v, ids };
        let mut map = s.serialize_map(None)?;
        match &self.0.call {
            Call::Reduce { callable, args } => {
                map.serialize_entry("kind", "reduce")?;
                map.serialize_entry("callable", &t(callable))?;
                map.serialize_entry("args", &t(args))?;
            }
            Call::NewObj { cls, args } => {
                map.serialize_entry("kind", "newobj")?;
                map.serialize_entry("cls", &t(cls))?;
                map.serialize_entry("args", &t(args))?;
            }
            Call::NewObjEx { cls, args, kwargs } => {
                map.serialize_entry("kind", "newobj_ex")?;
                map.serialize_entry("cls", &t(cls))?;
                map.serialize_entry("args", &t(args))?;
                map.serialize_entry("kwargs", &t(kwargs))?;
            }
            Call::Inst { module, name, args } => {
                map.serialize_entry("kind", "inst")?;
                let global = Global::new(module.clone(), name.clone());
                map.serialize_entry("cls", &GlobalTag(&global))?;
                map.serialize_entry("args", &Items { items: args, ids })?;
            }
            Call::Obj { cls, args } => {
                map.serialize_entry("kind", "obj")?;
                map.serialize_entry("cls", &t(cls))?;
                map.serialize_entry("args", &Items { items: args, ids })?;
            }
        }
        map.end()
    }
}

struct OpsForm<'v, 'i>(&'v Object, &'i Ids);

impl Serialize for OpsForm<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ids = self.1;
        let t = |v| Tagged { v, ids };
        let mut seq = s.serialize_seq(Some(self.0.ops.len()))?;
        for op in &self.0.ops {
            match op {
                Op::Build(state) => seq.serialize_element(&OneEntry("build", t(state)))?,
                Op::Append(item) => seq.serialize_element(&OneEntry("append", t(item)))?,
                Op::SetItem(k, v) => {
                    seq.serialize_element(&OneEntry("setitem", Pair(t(k), t(v))))?
                }
                Op::Add(item) => seq.serialize_element(&OneEntry("add", t(item)))?,
            }
        }
        seq.end()
    }
}

/// `{name: value}`.
struct OneEntry<T>(&'static str, T);

impl<T: Serialize> Serialize for OneEntry<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        tag(s, self.0, &self.1)
    }
}

impl Serialize for Tagged<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ids = self.ids;
        match self.v {
            Value::None => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) if i.unsigned_abs() <= PLAIN_INT => s.serialize_i64(*i),
            Value::Int(i) => tag(s, "$int", &i.to_string()),
            Value::BigInt(b) => tag(s, "$int", &b.to_string()),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(f) => {
                let name = match (f.is_nan(), *f > 0.0) {
                    (true, _) => "nan",
                    (false, true) => "inf",
                    (false, false) => "-inf",
                };
                tag(s, "$float", name)
            }
            Value::Str(text) => Text(text).serialize(s),
            Value::Bytes(b) => tag(s, "$bytes", &hex(b)),
            Value::ByteArray(b) => tag(s, "$bytearray", &hex(b)),
            Value::List(items) => Items { items, ids }.serialize(s),
            Value::Tuple(items) => tag(s, "$tuple", &Items { items, ids }),
            Value::Set(items) => tag(s, "$set", &Items { items, ids }),
            Value::FrozenSet(items) => tag(s, "$frozenset", &Items { items, ids }),
            Value::Dict(entries) => tag(s, "$dict", &Entries { entries, ids }),
            Value::Global(g) => GlobalTag(g).serialize(s),
            Value::Object(obj) => tag(s, "$object", &ObjectForm { obj, ids }),
            Value::Buffer(b) => {
                let mut map = s.serialize_map(Some(2))?;
                map.serialize_entry("$buffer", &hex(&b.data))?;
                map.serialize_entry("readonly", &b.readonly)?;
                map.end()
            }
            Value::PersistentId(pid) => tag(s, "$persistent_id", &self.of(pid)),
            Value::Shared(inner) => {
                let addr = Arc::as_ptr(inner) as usize;
                let seen = ids.borrow().get(&addr).copied();
                if let Some(id) = seen {
                    return tag(s, "$ref", &id);
                }
                let id = ids.borrow().len() as u64 + 1;
                ids.borrow_mut().insert(addr, id);
                let mut map = s.serialize_map(Some(2))?;
                map.serialize_entry("$id", &id)?;
                map.serialize_entry("value", &self.of(inner))?;
                map.end()
            }
            // Only reachable from inside its target, which has an id.
            Value::Recursive(weak) => {
                let id = ids.borrow().get(&(weak.as_ptr() as usize)).copied();
                tag(s, "$ref", &id)
            }
        }
    }
}
