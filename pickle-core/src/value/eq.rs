//! Structural equality of values, defined through sharing and cycles.
//!
//! Two values are equal when they unfold to the same tree, possibly
//! infinite: the same shape and the same data, floats compared by their
//! bits, with sharing and back-references transparent (`Shared(x)` equals
//! `x`, and a [`Value::Recursive`] stands for the node it points to).
//!
//! Nodes behind `Shared` and `Recursive` are compared as states of two
//! automata are (Hopcroft and Karp): a pair is merged into one class before
//! its contents are compared, and a pair already in one class is taken as
//! equal. That is sound because the answer is a conjunction: if any pair
//! differs, so do the values. Each merge joins two classes, so the nodes'
//! contents are compared a bounded number of times: comparing two DAGs (a
//! few hundred bytes of pickle can describe 2^60 leaves), cyclic or not,
//! takes time in proportion to their nodes, not to their unfolded trees.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use super::{Call, Object, Op, Value};
use crate::hash::FxHasher;

/// The classes of nodes (by address) assumed or found equal so far: a
/// union-find, each node mapped to its parent (a root maps to nothing).
/// Addresses are the values' own, not the input's, so a fast hash is safe.
#[derive(Default)]
struct Cmp {
    parent: HashMap<*const Value, *const Value, BuildHasherDefault<FxHasher>>,
}

impl Cmp {
    fn find(&mut self, mut node: *const Value) -> *const Value {
        while let Some(&up) = self.parent.get(&node) {
            // Path halving: point each node passed at its grandparent.
            if let Some(&upper) = self.parent.get(&up) {
                self.parent.insert(node, upper);
            }
            node = up;
        }
        node
    }

    /// Joins the classes of `a` and `b`; false if they were one already.
    fn union(&mut self, a: *const Value, b: *const Value) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        self.parent.insert(ra, rb);
        true
    }
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

/// What a value stands for: itself, or the node behind a `Shared` or a
/// `Recursive` (held while it is compared).
enum Node<'a> {
    Plain(&'a Value),
    Shared(Arc<Value>),
}

impl Node<'_> {
    fn value(&self) -> &Value {
        match self {
            Node::Plain(v) => v,
            Node::Shared(v) => v,
        }
    }
}

/// The node `v` stands for; `None` for a back-reference whose node is gone.
fn node(v: &Value) -> Option<Node<'_>> {
    match v {
        Value::Shared(inner) => Some(Node::Shared(Arc::clone(inner))),
        Value::Recursive(weak) => weak.upgrade().map(Node::Shared),
        other => Some(Node::Plain(other)),
    }
}

fn values_eq(a: &Value, b: &Value, cmp: &mut Cmp) -> bool {
    use Value as V;
    match (a, b) {
        (V::Shared(x), V::Shared(y)) if Arc::ptr_eq(x, y) => true,
        (V::Shared(_) | V::Recursive(_), _) | (_, V::Shared(_) | V::Recursive(_)) => {
            let (Some(na), Some(nb)) = (node(a), node(b)) else {
                // A back-reference whose node is gone is equal to itself.
                return matches!((a, b), (V::Recursive(x), V::Recursive(y)) if x.ptr_eq(y));
            };
            let (va, vb) = (na.value(), nb.value());
            !cmp.union(va, vb) || values_eq(va, vb, cmp)
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
        | (V::FrozenSet(x), V::FrozenSet(y)) => slices_eq(x, y, cmp),
        (V::Dict(x), V::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| values_eq(ka, kb, cmp) && values_eq(va, vb, cmp))
        }
        (V::Global(x), V::Global(y)) => x == y,
        (V::Object(x), V::Object(y)) => objects_eq(x, y, cmp),
        (V::Buffer(x), V::Buffer(y)) => x == y,
        (V::PersistentId(x), V::PersistentId(y)) => values_eq(x, y, cmp),
        _ => false,
    }
}

fn slices_eq(a: &[Value], b: &[Value], cmp: &mut Cmp) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| values_eq(x, y, cmp))
}

fn objects_eq(a: &Object, b: &Object, cmp: &mut Cmp) -> bool {
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
            values_eq(c1, c2, cmp) && values_eq(a1, a2, cmp)
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
        ) => values_eq(c1, c2, cmp) && values_eq(a1, a2, cmp) && values_eq(k1, k2, cmp),
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
        ) => m1 == m2 && n1 == n2 && slices_eq(a1, a2, cmp),
        (Call::Obj { cls: c1, args: a1 }, Call::Obj { cls: c2, args: a2 }) => {
            values_eq(c1, c2, cmp) && slices_eq(a1, a2, cmp)
        }
        _ => false,
    };
    calls_eq
        && a.ops.len() == b.ops.len()
        && a.ops.iter().zip(&b.ops).all(|pair| match pair {
            (Op::Build(x), Op::Build(y))
            | (Op::Append(x), Op::Append(y))
            | (Op::Add(x), Op::Add(y)) => values_eq(x, y, cmp),
            (Op::SetItem(k1, v1), Op::SetItem(k2, v2)) => {
                values_eq(k1, k2, cmp) && values_eq(v1, v2, cmp)
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
    fn cycles_compare_by_what_they_unfold_to() {
        assert_eq!(cyclic_list(), cyclic_list());
        let other = Value::Shared(Arc::new_cyclic(|weak| {
            Value::List(vec![Value::Int(2), Value::Recursive(weak.clone())])
        }));
        assert_ne!(cyclic_list(), other);
        // m = [1, [1, m]] unfolds to the same [1, [1, [1, ...]]] as l.
        let twice = Value::Shared(Arc::new_cyclic(|weak| {
            Value::List(vec![
                Value::Int(1),
                Value::List(vec![Value::Int(1), Value::Recursive(weak.clone())]),
            ])
        }));
        assert_eq!(cyclic_list(), twice);
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
    fn dags_inside_a_cycle_compare_in_linear_time() {
        // Found by fuzzing: each list holds the previous one twice and the
        // root, which holds the last; every level refers back to the root.
        let mut data = b"\x80\x02]q\x00".to_vec();
        for i in 0..60u8 {
            data.extend_from_slice(&[b'(', b'h', i, b'h', i, b'h', 0, b'l', b'q', i + 1, b'0']);
        }
        data.extend_from_slice(&[b'h', 0, b'h', 60, b'a', b'.']);
        let a: Value = crate::from_slice(&data).unwrap();
        let b: Value = crate::from_slice(&data).unwrap();
        assert_eq!(a, b);
        // The root's last item changed from the top list to the one below.
        let last = data.len() - 3;
        data[last] = 59;
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
