//! Between the crate's [`Value`](crate::Value) and serde-pickle's, and
//! serde-pickle's way with objects of Python classes.

use std::collections::{BTreeMap, BTreeSet};

use num_bigint::BigInt;

use super::value::{HashableValue, Value};
use super::DeOptions;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{BigInt as PyInt, Call, Object, Op, PyStr};
use crate::Value as Core;

/// serde-pickle's leniencies when reading: what stands for an object of a
/// Python class, a bare global, or a reference back into an object being
/// read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Lenient {
    keep_restore_state: bool,
    replace_unresolved_globals: bool,
    replace_recursive_structures: bool,
}

impl Lenient {
    pub(crate) fn of(options: &DeOptions) -> Lenient {
        Lenient {
            keep_restore_state: options.keep_restore_state,
            replace_unresolved_globals: options.replace_unresolved_globals,
            replace_recursive_structures: options.replace_recursive_structures,
        }
    }

    /// Plain data for a global, an object, or a persistent id, as
    /// serde-pickle reads them: an object is the state its `BUILD` gave it;
    /// without one, its arguments (with `keep_restore_state`) or an empty
    /// dict; a dict-like or list-like object is its entries or items; a
    /// global that is not called is `None` with
    /// `replace_unresolved_globals`, else an error.
    pub(crate) fn stand_in(self, value: Core) -> Result<Core> {
        match value {
            Core::Shared(inner) => self.stand_in(inner.as_ref().clone()),
            Core::Object(obj) => self.object(*obj),
            Core::Global(g) => self.unresolved(&g.to_string()),
            Core::PersistentId(_) => Err(Error::new(
                ErrorKind::PersistentId,
                "a persistent id stands for an object only its application knows",
            )),
            other => Ok(other),
        }
    }

    fn unresolved(self, name: &str) -> Result<Core> {
        if self.replace_unresolved_globals {
            return Ok(Core::None);
        }
        Err(Error::new(
            ErrorKind::UnexpectedGlobal,
            format!("unresolved global reference `{name}`"),
        ))
    }

    fn object(self, obj: Object) -> Result<Core> {
        if let Some(state) = obj.state() {
            return Ok(state.clone());
        }
        if obj.ops.iter().any(|op| matches!(op, Op::SetItem(..))) {
            let entries = obj.ops.into_iter().filter_map(|op| match op {
                Op::SetItem(k, v) => Some((k, v)),
                _ => None,
            });
            return Ok(Core::Dict(entries.collect()));
        }
        if obj.ops.iter().any(|op| matches!(op, Op::Append(_))) {
            let items = obj.ops.into_iter().filter_map(|op| match op {
                Op::Append(item) => Some(item),
                _ => None,
            });
            return Ok(Core::List(items.collect()));
        }
        let args = match obj.call {
            Call::NewObj { args, .. } => args,
            Call::NewObjEx { args, kwargs, .. } => Core::Tuple(vec![args, kwargs]),
            Call::Inst { args, .. } | Call::Obj { args, .. } => Core::Tuple(args),
            Call::Reduce { callable, args } => match callable.resolve() {
                Core::Global(g) if g.is("builtins", "bytearray") => {
                    // Python 2's `bytearray(u'...', 'latin-1')`, its
                    // encoding a Python 2 string the reader kept as bytes
                    // (which CPython refuses with `encoding='bytes'`).
                    if let Some(bytes) = latin1_text(args.resolve()) {
                        return Ok(Core::Bytes(bytes));
                    }
                    return self.unresolved(&g.to_string());
                }
                Core::Global(g) if g.is("copyreg", "_reconstructor") => {
                    // `(cls, base, state)`: the state is what is kept.
                    match args.resolve() {
                        Core::Tuple(items) if items.len() == 3 && self.keep_restore_state => {
                            return Ok(items[2].clone());
                        }
                        _ => Core::Dict(Vec::new()),
                    }
                }
                Core::Global(g) if !self.keep_restore_state => {
                    return self.unresolved(&g.to_string())
                }
                _ => match args.resolve() {
                    Core::Tuple(items) => Core::Tuple(items.clone()),
                    other => other.clone(),
                },
            },
        };
        Ok(if self.keep_restore_state {
            args
        } else {
            Core::Dict(Vec::new())
        })
    }

    /// serde-pickle's `Value` of the crate's: objects stood in for, shared
    /// values copied, dicts and sets sorted.
    pub(crate) fn to_compat(self, value: &Core) -> Result<Value> {
        Ok(match value {
            Core::None => Value::None,
            Core::Bool(b) => Value::Bool(*b),
            Core::Int(i) => Value::I64(*i),
            Core::BigInt(b) => Value::Int(BigInt::from_signed_bytes_le(b.to_signed_bytes_le())),
            Core::Float(f) => Value::F64(*f),
            Core::Str(s) => Value::String(text(s)?),
            Core::Bytes(b) | Core::ByteArray(b) => Value::Bytes(b.clone()),
            Core::Buffer(b) => Value::Bytes(b.data.to_vec()),
            Core::List(items) => Value::List(self.all(items)?),
            Core::Tuple(items) => Value::Tuple(self.all(items)?),
            Core::Set(items) => Value::Set(self.hashable(items)?),
            Core::FrozenSet(items) => Value::FrozenSet(self.hashable(items)?),
            Core::Dict(entries) => {
                let mut dict = BTreeMap::new();
                for (k, v) in entries {
                    dict.insert(self.to_compat(k)?.into_hashable()?, self.to_compat(v)?);
                }
                Value::Dict(dict)
            }
            Core::Shared(inner) => self.to_compat(inner)?,
            Core::Recursive(_) if self.replace_recursive_structures => Value::None,
            Core::Recursive(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "recursive structure found (serde-pickle's values cannot hold a cycle)",
                ))
            }
            other => self.to_compat(&self.stand_in(other.clone())?)?,
        })
    }

    fn all(self, items: &[Core]) -> Result<Vec<Value>> {
        items.iter().map(|v| self.to_compat(v)).collect()
    }

    fn hashable(self, items: &[Core]) -> Result<BTreeSet<HashableValue>> {
        items
            .iter()
            .map(|v| self.to_compat(v)?.into_hashable())
            .collect()
    }
}

/// The bytes of `(text, encoding)` arguments, `text` of code points below 256.
fn latin1_text(args: &Core) -> Option<Vec<u8>> {
    match args {
        Core::Tuple(items) if items.len() == 2 => match items[0].resolve() {
            Core::Str(text) => text.code_points().map(|c| u8::try_from(c).ok()).collect(),
            _ => None,
        },
        _ => None,
    }
}

fn text(s: &PyStr) -> Result<String> {
    s.as_str().map(str::to_owned).ok_or_else(|| {
        Error::new(
            ErrorKind::OutOfRange,
            "str holds a lone surrogate, which Rust strings cannot",
        )
    })
}

/// The crate's `Value` of serde-pickle's: dicts and sets in their sorted
/// order.
pub(crate) fn to_core(value: &Value) -> Core {
    match value {
        Value::None => Core::None,
        Value::Bool(b) => Core::Bool(*b),
        Value::I64(i) => Core::Int(*i),
        Value::Int(i) => Core::from(PyInt::from_signed_bytes_le(&i.to_signed_bytes_le())),
        Value::F64(f) => Core::Float(*f),
        Value::Bytes(b) => Core::Bytes(b.clone()),
        Value::String(s) => Core::str(s.as_str()),
        Value::List(items) => Core::List(items.iter().map(to_core).collect()),
        Value::Tuple(items) => Core::Tuple(items.iter().map(to_core).collect()),
        Value::Set(items) => Core::Set(items.iter().map(hashable_to_core).collect()),
        Value::FrozenSet(items) => Core::FrozenSet(items.iter().map(hashable_to_core).collect()),
        Value::Dict(entries) => Core::Dict(
            entries
                .iter()
                .map(|(k, v)| (hashable_to_core(k), to_core(v)))
                .collect(),
        ),
    }
}

fn hashable_to_core(value: &HashableValue) -> Core {
    to_core(&value.clone().into_value())
}

impl From<&Value> for Core {
    /// The same data (dicts and sets in their sorted order).
    fn from(value: &Value) -> Core {
        to_core(value)
    }
}

impl From<Value> for Core {
    /// The same data (dicts and sets in their sorted order).
    fn from(value: Value) -> Core {
        to_core(&value)
    }
}

impl TryFrom<&Core> for Value {
    type Error = Error;

    /// The same data, where serde-pickle's `Value` can hold it: shared
    /// values copied, objects of Python classes stood in for by their
    /// state as serde-pickle reads them (see
    /// [`compat::value_from_slice`](super::value_from_slice)); a cycle or
    /// a bare global is an error.
    fn try_from(value: &Core) -> Result<Value> {
        Lenient::default().to_compat(value)
    }
}

impl TryFrom<Core> for Value {
    type Error = Error;

    /// As `TryFrom<&Value>`.
    fn try_from(value: Core) -> Result<Value> {
        Value::try_from(&value)
    }
}
