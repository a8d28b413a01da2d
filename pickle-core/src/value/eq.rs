//! Structural equality of values, defined through cycles.
//!
//! Two values are equal when they have the same shape and the same data, floats
//! compared by their bits. Sharing is transparent (`Shared(x)` equals `x`), and
//! two back-references ([`Value::Recursive`]) are equal when they point to the
//! enclosing shared nodes at the same position on the way down, so two
//! decodings of the same cyclic pickle compare equal without looping.

use std::sync::Arc;

use super::{Call, Object, Op, Value};

/// The shared nodes entered on the way down, one pair per level (null where
/// only one side was shared).
type Path = Vec<(*const Value, *const Value)>;

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        values_eq(self, other, &mut Vec::new())
    }
}

impl Eq for Value {}

impl PartialEq for Object {
    fn eq(&self, other: &Object) -> bool {
        objects_eq(self, other, &mut Vec::new())
    }
}

impl Eq for Object {}

fn values_eq(a: &Value, b: &Value, path: &mut Path) -> bool {
    use Value as V;
    match (a, b) {
        (V::Shared(x), V::Shared(y)) if Arc::ptr_eq(x, y) => true,
        (V::Shared(_), _) | (_, V::Shared(_)) => {
            let (pa, inner_a) = unshare(a);
            let (pb, inner_b) = unshare(b);
            path.push((pa, pb));
            let equal = values_eq(inner_a, inner_b, path);
            path.pop();
            equal
        }
        (V::Recursive(x), V::Recursive(y)) => {
            let ia = path.iter().rposition(|(pa, _)| *pa == x.as_ptr());
            let ib = path.iter().rposition(|(_, pb)| *pb == y.as_ptr());
            match (ia, ib) {
                (Some(i), Some(j)) => i == j,
                (None, None) => x.ptr_eq(y),
                _ => false,
            }
        }
        (V::None, V::None) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Int(x), V::Int(y)) => x == y,
        (V::BigInt(x), V::BigInt(y)) => x == y,
        (V::Int(x), V::BigInt(y)) | (V::BigInt(y), V::Int(x)) => y.to_i64() == Some(*x),
        (V::Float(x), V::Float(y)) => x.to_bits() == y.to_bits(),
        (V::Str(x), V::Str(y)) => x == y,
        (V::Bytes(x), V::Bytes(y)) | (V::ByteArray(x), V::ByteArray(y)) => x == y,
        (V::List(x), V::List(y))
        | (V::Tuple(x), V::Tuple(y))
        | (V::Set(x), V::Set(y))
        | (V::FrozenSet(x), V::FrozenSet(y)) => slices_eq(x, y, path),
        (V::Dict(x), V::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| values_eq(ka, kb, path) && values_eq(va, vb, path))
        }
        (V::Global(x), V::Global(y)) => x == y,
        (V::Object(x), V::Object(y)) => objects_eq(x, y, path),
        (V::Buffer(x), V::Buffer(y)) => x == y,
        (V::PersistentId(x), V::PersistentId(y)) => values_eq(x, y, path),
        _ => false,
    }
}

fn unshare(v: &Value) -> (*const Value, &Value) {
    match v {
        Value::Shared(inner) => (Arc::as_ptr(inner), inner),
        other => (std::ptr::null(), other),
    }
}

fn slices_eq(a: &[Value], b: &[Value], path: &mut Path) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| values_eq(x, y, path))
}

fn objects_eq(a: &Object, b: &Object, path: &mut Path) -> bool {
    let calls_eq = match (&a.call, &b.call) {
        (
            Call::Reduce {
                callable: c1,
                args: a1,
            },
            Call::Reduce {
                callable: c2,
                args: a2,
            },
        )
        | (Call::NewObj { cls: c1, args: a1 }, Call::NewObj { cls: c2, args: a2 }) => {
            values_eq(c1, c2, path) && values_eq(a1, a2, path)
        }
        (
            Call::NewObjEx {
                cls: c1,
                args: a1,
                kwargs: k1,
            },
            Call::NewObjEx {
                cls: c2,
                args: a2,
                kwargs: k2,
            },
        ) => values_eq(c1, c2, path) && values_eq(a1, a2, path) && values_eq(k1, k2, path),
        (
            Call::Inst {
                module: m1,
                name: n1,
                args: a1,
            },
            Call::Inst {
                module: m2,
                name: n2,
                args: a2,
            },
        ) => m1 == m2 && n1 == n2 && slices_eq(a1, a2, path),
        (Call::Obj { cls: c1, args: a1 }, Call::Obj { cls: c2, args: a2 }) => {
            values_eq(c1, c2, path) && slices_eq(a1, a2, path)
        }
        _ => false,
    };
    calls_eq
        && a.ops.len() == b.ops.len()
        && a.ops.iter().zip(&b.ops).all(|pair| match pair {
            (Op::Build(x), Op::Build(y))
            | (Op::Append(x), Op::Append(y))
            | (Op::Add(x), Op::Add(y)) => values_eq(x, y, path),
            (Op::SetItem(k1, v1), Op::SetItem(k2, v2)) => {
                values_eq(k1, k2, path) && values_eq(v1, v2, path)
            }
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cyclic_list() -> Value {
        // l = [1, l]
        Value::Shared(Arc::new_cyclic(|weak| {
            Value::List(vec![Value::Int(1), Value::Recursive(weak.clone())])
        }))
    }

    #[test]
    fn cycles_compare_by_position() {
        assert_eq!(cyclic_list(), cyclic_list());
        let other = Value::Shared(Arc::new_cyclic(|weak| {
            Value::List(vec![Value::Int(2), Value::Recursive(weak.clone())])
        }));
        assert_ne!(cyclic_list(), other);
    }

    #[test]
    fn sharing_is_transparent_and_floats_compare_by_bits() {
        assert_eq!(Value::shared(Value::Int(3)), Value::Int(3));
        assert_eq!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_ne!(Value::Float(0.0), Value::Float(-0.0));
        assert_ne!(Value::List(vec![]), Value::Tuple(vec![]));
    }
}
