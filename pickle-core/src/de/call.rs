//! Reading objects that CPython writes as calls of a known global, for the
//! types whose `__reduce__` returns `(cls, args)` or `(cls, args, None,
//! listitems)`: `datetime.date`, `decimal.Decimal`, `collections.deque`, ...
//! ([`Decoder::call_args`](super::Decoder::call_args),
//! [`Decoder::state`](super::Decoder::state) and
//! [`Decoder::appended_items`](super::Decoder::appended_items), on the
//! general reader's objects).

use super::arena::{CallNode, Node, OpNode};
use super::decoder::{NodeDecoder, NodeSeq};
use crate::error::{ErrorKind, Result};

impl<'a> NodeDecoder<'a> {
    /// See [`Decoder::call_args`](super::Decoder::call_args).
    pub(crate) fn call_args(&self, module: &str, name: &str) -> Result<NodeSeq<'a>> {
        let arena = self.ctx().arena;
        let expected = || format!("an instance of `{module}.{name}`");
        if let Node::Object(obj) = arena.node(self.id()) {
            if let CallNode::Reduce(callable, args) = obj.call {
                if let Node::Global(g) = arena.node(callable) {
                    if arena.globals[*g as usize].is(module, name) {
                        return self.child(args)?.seq();
                    }
                }
            }
        }
        match self.class() {
            Some(g) if !g.is(module, name) => Err(self.error(
                ErrorKind::UnexpectedGlobal,
                format!("expected {}, found an instance of `{g}`", expected()),
            )),
            _ => Err(self.type_error(&expected())),
        }
    }

    /// See [`Decoder::state`](super::Decoder::state).
    pub(crate) fn state(&self) -> Result<Option<NodeDecoder<'a>>> {
        let Node::Object(obj) = self.ctx().arena.node(self.id()) else {
            return Err(self.type_error("an object built by a call"));
        };
        match obj.ops[..] {
            [] => Ok(None),
            [OpNode::Build(state)] => self.child(state).map(Some),
            _ => Err(self.error(
                ErrorKind::Type,
                "expected an object given at most one state, found one with more, \
                 or with appends or entries",
            )),
        }
    }

    /// [`call_args`](Self::call_args) of an object built by its call alone:
    /// one given a state, items or entries after the call (which CPython
    /// never writes for such objects, and which the Rust type could not
    /// hold) is a [`Type`](ErrorKind::Type) error.
    pub(crate) fn call_args_alone(&self, module: &str, name: &str) -> Result<NodeSeq<'a>> {
        let args = self.call_args(module, name)?;
        match self.ctx().arena.node(self.id()) {
            Node::Object(obj) if !obj.ops.is_empty() => Err(self.error(
                ErrorKind::Type,
                format!(
                    "expected an instance of `{module}.{name}` built by its arguments alone, \
                     found one given a state, items or entries after them"
                ),
            )),
            _ => Ok(args),
        }
    }

    /// See [`Decoder::appended_items`](super::Decoder::appended_items).
    pub(crate) fn appended_items(&self) -> Result<Vec<NodeDecoder<'a>>> {
        let Node::Object(obj) = self.ctx().arena.node(self.id()) else {
            return Err(self.type_error("an object filled by appends"));
        };
        if obj.ops.iter().any(|op| !matches!(op, OpNode::Append(_))) {
            return Err(self.error(
                ErrorKind::Type,
                "expected an object filled only by appends, found one with a state or entries",
            ));
        }
        obj.ops
            .iter()
            .filter_map(|op| match op {
                OpNode::Append(id) => Some(self.child(*id)),
                _ => None,
            })
            .collect()
    }
}
