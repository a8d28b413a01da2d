//! Structural equality of values, defined through cycles.
//!
//! Two values are equal when they have the same shape and the same data, floats
//! compared by their bits. Sharing is transparent (`Shared(x)` equals `x`), and
//! two back-references ([`Value::Recursive`]) are equal when they point to the
//! enclosing shared nodes at the same position on the way down, so two
//! decodings of the same cyclic pickle compare equal without looping. A
//! back-reference reached from outside the node it points to (through
//! another shared node built inside that one) is followed, as a shared node.
//!
//! A pair of shared nodes found equal without looking above itself on the
//! way down is remembered, so comparing two DAGs (a few hundred bytes of
//! pickle can describe 2^60 leaves) takes time in proportion to their nodes,
//! not to their unfolded trees.

use std::collections::HashSet;
use std::sync::Arc;

use super::{Call, Object, Op, Value};

/// The state of one comparison.
#[derive(Default)]
struct Cmp {
    /// The shared nodes entered on the way down, one pair per level (null
    /// where only one side was shared).
    path: Vec<(*const Value, *const Value)>,
    /// Pairs of shared nodes already found equal, whatever the path above.
    equal: HashSet<(*const Value, *const Value)>,
    /// The lowest path level a back-reference resolved to since it was last
    /// reset: what the comparison in progress depends on above itself.
    low: usize,
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        values_eq(self, other, &mut Cmp::default())
    }
}

impl Eq for Value {}

impl PartialEq for Object {
    fn eq(&self, other: &Object) -> bool {
        objects_eq(self, other, &mut Cmp::default())
    }
}

impl Eq for Object {}

type Path = Cmp;

/// Compares `inner_a` and `inner_b`, the contents of the shared nodes (or
/// plain values, null) `pa` and `pb`, one level down the path.
fn enter(
    pa: *const Value,
    pb: *const Value,
    inner_a: &Value,
    inner_b: &Value,
    cmp: &mut Cmp,
) -> bool {
    let both = !pa.is_null() && !pb.is_null();
    if both && cmp.equal.contains(&(pa, pb)) {
        return true;
    }
    let level = cmp.path.len();
    let outer_low = std::mem::replace(&mut cmp.low, usize::MAX);
    cmp.path.push((pa, pb));
    let equal = values_eq(inner_a, inner_b, cmp);
    cmp.path.pop();
    if equal && both && cmp.low >= level {
        cmp.equal.insert((pa, pb));
    }
    cmp.low = cmp.low.min(outer_low);
    equal
}

fn values_eq(a: &Value, b: &Value, path: &mut Path) -> bool {
    use Value as V;
    match (a, b) {
        (V::Shared(x), V::Shared(y)) if Arc::ptr_eq(x, y) => true,
        (V::Shared(_), _) | (_, V::Shared(_)) => {
            let (pa, inner_a) = unshare(a);
            let (pb, inner_b) = unshare(b);
            enter(pa, pb, inner_a, inner_b, path)
        }
        (V::Recursive(x), V::Recursive(y)) => {
            let ia = path.path.iter().rposition(|(pa, _)| *pa == x.as_ptr());
            let ib = path.path.iter().rposition(|(_, pb)| *pb == y.as_ptr());
            match (ia, ib) {
                (Some(i), Some(j)) => {
                    path.low = path.low.min(i.min(j));
                    i == j
                }
                (None, None) if x.ptr_eq(y) => true,
                // Reached from outside its target: compare the targets.
                (None, None) => match (x.upgrade(), y.upgrade()) {
                    (Some(ta), Some(tb)) => {
                        enter(Arc::as_ptr(&ta), Arc::as_ptr(&tb), &ta, &tb, path)
                    }
                    _ => false,
                },
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

    /// `l = [t]; t = (l,)`, and a list holding `l` and `t`: `t` is also
    /// reached from outside `l`, so its back-reference to `l` is followed.
    fn list_and_tuple_of_each_other() -> Value {
        let mut tuple = None;
        let list = Arc::new_cyclic(|weak| {
            let t = Arc::new(Value::Tuple(vec![Value::Recursive(weak.clone())]));
            tuple = Some(t.clone());
            Value::List(vec![Value::Shared(t)])
        });
        let tuple = tuple.unwrap_or_else(|| Arc::new(Value::None));
        Value::List(vec![Value::Shared(list), Value::Shared(tuple)])
    }

    #[test]
    fn back_references_reached_from_outside_are_followed() {
        // Found by fuzzing: two decodings of one pickle compared unequal.
        assert_eq!(
            list_and_tuple_of_each_other(),
            list_and_tuple_of_each_other()
        );
        // pickle.dumps of the same shape, decoded twice.
        let data = b"\x80\x02]q\x00(]q\x01h\x01\x85q\x02ah\x02e.";
        let a: Value = crate::from_slice(data).unwrap();
        let b: Value = crate::from_slice(data).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn dags_compare_in_linear_time() {
        // Each list holds the previous one twice: 2^60 leaves.
        let mut data = b"\x80\x02]q\x00".to_vec();
        for i in 0..60u8 {
            data.extend_from_slice(&[b'(', b'h', i, b'h', i, b'l', b'q', i + 1, b'0']);
        }
        data.extend_from_slice(&[b'h', 60, b'.']);
        let a: Value = crate::from_slice(&data).unwrap();
        let b: Value = crate::from_slice(&data).unwrap();
        assert_eq!(a, b);
        // One leaf changed: still found, still fast.
        let last = data.len() - 3;
        data.insert(last, b'N');
        data.insert(last, b'a');
        data.swap(last, last + 1);
        let c: Value = crate::from_slice(&data).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn sharing_is_transparent_and_floats_compare_by_bits() {
        assert_eq!(Value::shared(Value::Int(3)), Value::Int(3));
        assert_eq!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_ne!(Value::Float(0.0), Value::Float(-0.0));
        assert_ne!(Value::List(vec![]), Value::Tuple(vec![]));
    }
}
