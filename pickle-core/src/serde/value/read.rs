//! Reading a [`Value`] from its serde form.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Weak};

use ::serde::de::{self, DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};

use super::unhex;
use crate::serde::object;
use crate::value::{BigInt, Buffer, Call, Global, Object, Op, PyStr, Value, MAX_STR_DIGITS};

/// The shared objects read so far, by `$id`: being read (a `$ref` to one
/// is a cycle) or read.
type Ids = RefCell<HashMap<u64, Shared>>;

enum Shared {
    Reading(Weak<Value>),
    Read(Arc<Value>),
}

/// What `Value::deserialize` hands its deserializer: takes the object this
/// crate's deserializer read, or reads the serde form from another one.
pub(super) struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a pickle value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(object::take_answer::<Value>().unwrap_or(Value::None))
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let ids = RefCell::new(HashMap::new());
        Seed { ids: &ids }.deserialize(d)
    }
}

/// A value in its serde form, with the shared objects read so far.
#[derive(Clone, Copy)]
struct Seed<'i> {
    ids: &'i Ids,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a pickle value in its serde form")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::None)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::str(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        self.items(seq).map(Value::List)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Some(first) = map.next_key_seed(self)? else {
            return Ok(Value::Dict(Vec::new()));
        };
        let tagged = match first.as_str() {
            Some(tag) if tag.starts_with('$') => self.tagged(tag, &mut map)?,
            _ => None,
        };
        if let Some(value) = tagged {
            if map.next_key::<de::IgnoredAny>()?.is_some() {
                return Err(A::Error::custom(format!(
                    "a `{}` tag is the only key of its map",
                    first.as_str().unwrap_or_default()
                )));
            }
            return Ok(value);
        }
        // A plain map: a dict, with the first entry read already.
        let mut entries = vec![(first, map.next_value_seed(self)?)];
        while let Some(key) = map.next_key_seed(self)? {
            entries.push((key, map.next_value_seed(self)?));
        }
        Ok(Value::Dict(entries))
    }
}

impl<'i> Seed<'i> {
    fn items<'de, A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Value>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(items)
    }

    /// The value of a tagged map whose first key is `tag`; `None` if `tag`
    /// is no tag (the map is a plain dict).
    fn tagged<'de, A: MapAccess<'de>>(
        self,
        tag: &str,
        map: &mut A,
    ) -> Result<Option<Value>, A::Error> {
        Ok(Some(match tag {
            "$int" => {
                let text: String = map.next_value()?;
                int(&text).ok_or_else(|| A::Error::custom(format!("`{text}` is no int")))?
            }
            "$float" => match map.next_value::<String>()?.as_str() {
                "nan" => Value::Float(f64::NAN),
                "inf" => Value::Float(f64::INFINITY),
                "-inf" => Value::Float(f64::NEG_INFINITY),
                other => return Err(A::Error::custom(format!("`{other}` is no float name"))),
            },
            "$codepoints" => {
                let points: Vec<u32> = map.next_value()?;
                Value::Str(
                    PyStr::from_code_points(points)
                        .ok_or_else(|| A::Error::custom("a code point is above U+10FFFF"))?,
                )
            }
            "$bytes" => Value::Bytes(bytes(map.next_value()?)?),
            "$bytearray" => Value::ByteArray(bytes(map.next_value()?)?),
            "$tuple" => Value::Tuple(map.next_value_seed(ItemsSeed(self))?),
            "$set" => Value::Set(map.next_value_seed(ItemsSeed(self))?),
            "$frozenset" => Value::FrozenSet(map.next_value_seed(ItemsSeed(self))?),
            "$dict" => Value::Dict(map.next_value_seed(EntriesSeed(self))?),
            "$global" => Value::Global(map.next_value_seed(NameSeed)?),
            "$object" => Value::from(map.next_value_seed(ObjectSeed(self))?),
            "$persistent_id" => Value::PersistentId(Box::new(map.next_value_seed(self)?)),
            "$buffer" => {
                let data = bytes(map.next_value()?)?;
                let readonly = match map.next_key::<String>()?.as_deref() {
                    Some("readonly") => map.next_value()?,
                    _ => {
                        return Err(A::Error::custom(
                            "a `$buffer` says whether it is `readonly`",
                        ))
                    }
                };
                return Ok(Some(Value::Buffer(Buffer::new(data, readonly))));
            }
            "$id" => return self.shared(map).map(Some),
            "$ref" => {
                let id: u64 = map.next_value()?;
                match self.ids.borrow().get(&id) {
                    Some(Shared::Read(arc)) => Value::Shared(Arc::clone(arc)),
                    Some(Shared::Reading(weak)) => Value::Recursive(weak.clone()),
                    None => return Err(A::Error::custom(format!("`$ref` {id} before its `$id`"))),
                }
            }
            _ => return Ok(None),
        }))
    }

    /// `{"$id": n, "value": v}` after its first key: `v`, shared, with
    /// `$ref`s to `n` inside it as references back to it.
    fn shared<'de, A: MapAccess<'de>>(self, map: &mut A) -> Result<Value, A::Error> {
        let id: u64 = map.next_value()?;
        if map.next_key::<String>()?.as_deref() != Some("value") {
            return Err(A::Error::custom("an `$id` is followed by its `value`"));
        }
        if self.ids.borrow().contains_key(&id) {
            return Err(A::Error::custom(format!("`$id` {id} given twice")));
        }
        let mut failed = None;
        let shared = Arc::new_cyclic(|weak| {
            self.ids
                .borrow_mut()
                .insert(id, Shared::Reading(weak.clone()));
            map.next_value_seed(self).unwrap_or_else(|e| {
                failed = Some(e);
                Value::None
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        self.ids
            .borrow_mut()
            .insert(id, Shared::Read(Arc::clone(&shared)));
        Ok(Value::Shared(shared))
    }
}

/// An int's decimal text, within Python's digit limit.
fn int(text: &str) -> Option<Value> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > MAX_STR_DIGITS {
        return None;
    }
    BigInt::from_digits(negative, 10, digits.as_bytes()).map(Value::from)
}

fn bytes<E: de::Error>(text: String) -> Result<Vec<u8>, E> {
    unhex(&text).ok_or_else(|| E::custom("bytes are pairs of hex digits"))
}

/// A sequence of values.
struct ItemsSeed<'i>(Seed<'i>);

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = Vec<Value>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Value>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = Vec<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence of values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<Value>, A::Error> {
        self.0.items(seq)
    }
}

/// A sequence of `[key, value]` pairs.
struct EntriesSeed<'i>(Seed<'i>);

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_> {
    type Value = Vec<(Value, Value)>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_> {
    type Value = Vec<(Value, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence of [key, value] pairs")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(pair) = seq.next_element_seed(PairSeed(self.0))? {
            entries.push(pair);
        }
        Ok(entries)
    }
}

/// A `[key, value]` pair.
struct PairSeed<'i>(Seed<'i>);

impl<'de> DeserializeSeed<'de> for PairSeed<'_> {
    type Value = (Value, Value);

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_tuple(2, self)
    }
}

impl<'de> Visitor<'de> for PairSeed<'_> {
    type Value = (Value, Value);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a [key, value] pair")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let key = seq.next_element_seed(self.0)?;
        let value = seq.next_element_seed(self.0)?;
        match (key, value, seq.next_element::<de::IgnoredAny>()?) {
            (Some(k), Some(v), None) => Ok((k, v)),
            _ => Err(A::Error::custom("expected a [key, value] pair")),
        }
    }
}

/// `{"module": ..., "name": ...}`.
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Global;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Global, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NameSeed {
    type Value = Global;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a global's module and name")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Global, A::Error> {
        let (mut module, mut name) = (None, None);
        let ids = RefCell::new(HashMap::new());
        while let Some(key) = map.next_key::<String>()? {
            let text = match map.next_value_seed(Seed { ids: &ids })? {
                Value::Str(text) => text,
                _ => return Err(A::Error::custom("a global's names are strings")),
            };
            match key.as_str() {
                "module" => module = Some(text),
                "name" => name = Some(text),
                other => return Err(A::Error::unknown_field(other, &["module", "name"])),
            }
        }
        match (module, name) {
            (Some(module), Some(name)) => Ok(Global { module, name }),
            _ => Err(A::Error::custom("a global has a `module` and a `name`")),
        }
    }
}

/// `{"call": {...}, "ops": [...]}`.
struct ObjectSeed<'i>(Seed<'i>);

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Object;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Object, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Object;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object's call and ops")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let (mut call, mut ops) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "call" => call = Some(call_of(map.next_value_seed(self.0)?)?),
                "ops" => ops = Some(map.next_value_seed(ItemsSeed(self.0))?),
                other => return Err(A::Error::unknown_field(other, &["call", "ops"])),
            }
        }
        let call = call.ok_or_else(|| A::Error::missing_field("call"))?;
        let ops = ops.unwrap_or_default();
        let ops = ops.into_iter().map(op_of).collect::<Result<_, _>>()?;
        Ok(Object { call, ops })
    }
}

/// The call of an object, from the dict its serde form reads as.
fn call_of<E: de::Error>(form: Value) -> Result<Call, E> {
    let entries = match form {
        Value::Dict(entries) => entries,
        _ => return Err(E::custom("an object's call is a map")),
    };
    let get = |name: &str| {
        let at = entries.iter().position(|(k, _)| k.as_str() == Some(name));
        at.map(|i| entries[i].1.clone())
            .ok_or_else(|| E::missing_field(field_name(name)))
    };
    let kind = get("kind")?;
    let list = |v: Value| match v {
        Value::List(items) => Ok(items),
        _ => Err(E::custom("an object's arguments are a sequence")),
    };
    Ok(match kind.as_str() {
        Some("reduce") => Call::Reduce {
            callable: get("callable")?,
            args: get("args")?,
        },
        Some("newobj") => Call::NewObj {
            cls: get("cls")?,
            args: get("args")?,
        },
        Some("newobj_ex") => Call::NewObjEx {
            cls: get("cls")?,
            args: get("args")?,
            kwargs: get("kwargs")?,
        },
        Some("inst") => match get("cls")? {
            Value::Global(g) => Call::Inst {
                module: g.module,
                name: g.name,
                args: list(get("args")?)?,
            },
            _ => return Err(E::custom("an `inst` call's class is a global")),
        },
        Some("obj") => Call::Obj {
            cls: get("cls")?,
            args: list(get("args")?)?,
        },
        _ => {
            return Err(E::custom(
                "an object's call kind is one of `reduce`, `newobj`, `newobj_ex`, `inst`, `obj`",
            ))
        }
    })
}

/// The names `call_of` asks for, as `'static` strings for serde's errors.
fn field_name(name: &str) -> &'static str {
    ["kind", "callable", "args", "cls", "kwargs"]
        .into_iter()
        .find(|n| *n == name)
        .unwrap_or("call")
}

/// An op of an object, from the one-entry dict its serde form reads as.
fn op_of<E: de::Error>(form: Value) -> Result<Op, E> {
    let mut entries = match form {
        Value::Dict(entries) if entries.len() == 1 => entries,
        _ => return Err(E::custom("an object's op is a map of one entry")),
    };
    let (name, value) = entries.remove(0);
    Ok(match (name.as_str(), value) {
        (Some("build"), state) => Op::Build(state),
        (Some("append"), item) => Op::Append(item),
        (Some("add"), item) => Op::Add(item),
        (Some("setitem"), Value::List(mut pair)) if pair.len() == 2 => {
            let value = pair.remove(1);
            Op::SetItem(pair.remove(0), value)
        }
        _ => {
            return Err(E::custom(
                "an object's op is `build`, `append`, `setitem` or `add`",
            ))
        }
    })
}
