//! The one-pass reader's containers and objects: what the opcodes that
//! fill, build or call do to the values on its stack.

use super::{Tree, MAX_KEY_ITEMS, PENDING};
use crate::compat;
use crate::de::fold::Constructor;
use crate::value::{Call, Global, Object, Op, PyStr, Value};

/// `v`, or what the `Arc` it stands for holds.
#[inline]
fn resolve(v: &Value) -> &Value {
    match v {
        Value::Shared(inner) => inner,
        v => v,
    }
}

/// Whether Python could hash `v` (as the general reader's
/// `Node::is_hashable` decides it); `false` also for tuples holding more
/// than [`MAX_KEY_ITEMS`] items in all, which makes the reader give up.
#[inline]
pub(super) fn hashable(v: &Value) -> bool {
    // Keys are nearly always text or numbers, shared or not.
    match resolve(v) {
        Value::Str(_) | Value::Int(_) => true,
        v => {
            let mut budget = MAX_KEY_ITEMS;
            hashable_in(v, &mut budget)
        }
    }
}

pub(super) fn hashable_in(v: &Value, budget: &mut usize) -> bool {
    match resolve(v) {
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::ByteArray(_) => false,
        Value::Tuple(items) => {
            if items.len() > *budget {
                return false;
            }
            *budget -= items.len();
            items.iter().all(|item| hashable_in(item, budget))
        }
        _ => true,
    }
}

/// Whether the general reader would accept `v` as what `REDUCE`, `NEWOBJ`
/// or `OBJ` calls.
#[inline]
fn callable(v: &Value) -> bool {
    matches!(
        resolve(v),
        Value::Global(_) | Value::Object(_) | Value::PersistentId(_)
    )
}

#[inline]
fn is_tuple(v: &Value) -> bool {
    matches!(resolve(v), Value::Tuple(_))
}

impl Tree<'_> {
    pub(super) fn tuple(&mut self, n: usize) -> Option<()> {
        let len = self.stack.len();
        if len < n || len - n < self.fence() {
            return None;
        }
        self.collect(len - n, Value::Tuple)
    }

    /// `APPEND` of the top item (`at` is its position).
    pub(super) fn extend(&mut self, at: usize) -> Option<()> {
        let (item, h) = self.pop()?;
        let height = h + 1;
        match self.stack.last_mut()? {
            Value::List(items) => items.push(item),
            Value::Object(obj) => obj.ops.push(Op::Append(item)),
            _ => return None,
        }
        self.raise(at - 1, height)
    }

    /// Makes the stack item at `at` at least `height` containers deep.
    #[inline]
    pub(super) fn raise(&mut self, at: usize, height: u32) -> Option<()> {
        let h = &mut self.heights[at];
        let raised = (*h & !PENDING).max(height);
        *h = raised | (*h & PENDING);
        (raised < self.max_height).then_some(())
    }

    /// Moves the stack items `at..` into a container at `at - 1` with
    /// `add`, which gives up (`None`) on anything but the right container.
    /// The container is taken off the stack meanwhile, so that it and the
    /// items can be borrowed at once.
    #[inline]
    pub(super) fn fill(
        &mut self,
        at: usize,
        add: impl FnOnce(&mut Value, std::vec::Drain<'_, Value>) -> Option<()>,
    ) -> Option<()> {
        let height = self.close(at, 0)?;
        let mut target = std::mem::replace(&mut self.stack[at - 1], Value::None);
        let done = add(&mut target, self.stack.drain(at..));
        self.stack[at - 1] = target;
        done?;
        self.raise(at - 1, height)
    }

    /// `APPENDS`: the items `x..` go into the list (or object) at `x - 1`.
    pub(super) fn appends(&mut self, x: usize) -> Option<()> {
        let len = self.stack.len();
        if x > len || x <= self.fence() {
            return None;
        }
        if x == len {
            return Some(());
        }
        self.fill(x, |target, items| {
            match target {
                Value::List(list) => {
                    // Most lists are filled by one batch: no room to spare.
                    if list.is_empty() {
                        list.reserve_exact(items.len());
                    }
                    list.extend(items);
                }
                Value::Object(obj) => obj.ops.extend(items.map(Op::Append)),
                _ => return None,
            }
            Some(())
        })
    }

    /// `SETITEMS`: the key and value pairs `x..` go into the dict (or
    /// object) at `x - 1`.
    pub(super) fn setitems(&mut self, x: usize) -> Option<()> {
        let len = self.stack.len();
        if x > len || x <= self.fence() {
            return None;
        }
        if x == len {
            return Some(());
        }
        if (len - x) % 2 != 0 {
            return None;
        }
        let is_dict = match &self.stack[x - 1] {
            Value::Dict(_) => {
                if !self.stack[x..].chunks_exact(2).all(|kv| hashable(&kv[0])) {
                    return None;
                }
                true
            }
            Value::Object(_) => false,
            _ => return None,
        };
        let height = self.close(x, 0)?;
        let n = (len - x) / 2;
        // Popped pair by pair from the top, then put back in order: cheaper
        // than draining, and the dict's entries are allocated once.
        let mut pairs = Vec::with_capacity(n);
        for _ in 0..n {
            let v = self.stack.pop()?;
            let k = self.stack.pop()?;
            pairs.push((k, v));
        }
        pairs.reverse();
        match &mut self.stack[x - 1] {
            Value::Dict(entries) if is_dict => {
                if entries.is_empty() {
                    *entries = pairs;
                } else {
                    entries.append(&mut pairs);
                }
            }
            Value::Object(obj) => obj
                .ops
                .extend(pairs.into_iter().map(|(k, v)| Op::SetItem(k, v))),
            _ => return None,
        }
        self.raise(x - 1, height)
    }

    /// `ADDITEMS`: the items `mark..` go into the set (or object) at `mark - 1`.
    pub(super) fn additems(&mut self, mark: usize) -> Option<()> {
        let len = self.stack.len();
        if mark > len || mark <= self.fence() {
            return None;
        }
        if mark == len {
            return Some(());
        }
        // Only a `set` takes items: a `frozenset` has no `add`.
        match &self.stack[mark - 1] {
            Value::Set(_) => {
                if !self.stack[mark..].iter().all(hashable) {
                    return None;
                }
            }
            Value::Object(_) => {}
            _ => return None,
        }
        self.fill(mark, |target, items| {
            match target {
                Value::Set(set) => set.extend(items),
                Value::Object(obj) => obj.ops.extend(items.map(Op::Add)),
                _ => return None,
            }
            Some(())
        })
    }

    /// `find_class`: renamed from Python 2 below protocol 3.
    pub(super) fn global(&self, module: PyStr, name: PyStr) -> Global {
        if self.proto < 3 && self.fix_imports {
            if let (Some(m), Some(n)) = (module.as_str(), name.as_str()) {
                if let Some((m3, n3)) = compat::to_python3(m, n) {
                    return Global::new(m3, n3);
                }
            }
        }
        Global { module, name }
    }

    pub(super) fn stack_global(&mut self) -> Option<()> {
        fn into_str(v: Value) -> Option<PyStr> {
            match v {
                Value::Str(s) => Some(s),
                Value::Shared(arc) => match &*arc {
                    Value::Str(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            }
        }
        let (name, _) = self.pop()?;
        let (module, _) = self.pop()?;
        let (module, name) = (into_str(module)?, into_str(name)?);
        self.copied = self.copied.checked_add(module.len() + name.len())?;
        if self.copied > self.input.len() {
            return None;
        }
        let global = self.global(module, name);
        self.push(Value::Global(global), 0);
        Some(())
    }

    pub(super) fn newobj(&mut self, with_kwargs: bool) -> Option<()> {
        let kwargs = if with_kwargs {
            let (kwargs, h) = self.pop()?;
            if !matches!(kwargs, Value::Dict(_)) {
                return None;
            }
            Some((kwargs, h))
        } else {
            None
        };
        let (args, h_args) = self.pop()?;
        let (cls, h_cls) = self.pop()?;
        if !callable(&cls) || !is_tuple(&args) {
            return None;
        }
        let mut height = h_args.max(h_cls);
        let call = match kwargs {
            Some((kwargs, h)) => {
                height = height.max(h);
                Call::NewObjEx { cls, args, kwargs }
            }
            None => Call::NewObj { cls, args },
        };
        self.object(call, height + 1)
    }

    pub(super) fn reduce(&mut self) -> Option<()> {
        let (args, h_args) = self.pop()?;
        let (callable_, h_callable) = self.pop()?;
        if !is_tuple(&args) || !callable(&callable_) {
            return None;
        }
        // The general reader folds these calls into plain values.
        if let Value::Global(g) = resolve(&callable_) {
            if Constructor::of(g).is_some() {
                return None;
            }
        }
        let call = Call::Reduce {
            callable: callable_,
            args,
        };
        self.object(call, h_args.max(h_callable) + 1)
    }

    pub(super) fn object(&mut self, call: Call, height: u32) -> Option<()> {
        if height >= self.max_height {
            return None;
        }
        let obj = Object {
            call,
            ops: Vec::new(),
        };
        self.push(Value::Object(Box::new(obj)), height);
        Some(())
    }

    pub(super) fn build(&mut self) -> Option<()> {
        if self.stack.len() < self.fence() + 2 {
            return None;
        }
        let (state, h) = self.pop()?;
        let at = self.stack.len() - 1;
        match self.stack.last_mut()? {
            Value::Object(obj) => {
                // Most objects get one BUILD and nothing else.
                obj.ops.reserve_exact(1);
                obj.ops.push(Op::Build(state));
            }
            _ => return None,
        }
        self.raise(at, h + 1)
    }
}
