//! Reading objects that CPython writes as calls of a known global, for the
//! types whose `__reduce__` returns `(cls, args)` or `(cls, args, None,
//! listitems)`: `datetime.date`, `decimal.Decimal`, `collections.deque`, ...

use super::arena::{CallNode, Node, OpNode};
use super::decoder::{Decoder, Seq};
use crate::error::{ErrorKind, Result};

impl<'a> Decoder<'a> {
    /// The arguments of the call that built the object, if it was built by
    /// calling the global `module.name` (`REDUCE`), as CPython writes objects
    /// whose `__reduce__` returns `(cls, args)`. What was done to the object
    /// after the call (`BUILD`, appends, entries) is not looked at here; see
    /// [`Decoder::appended_items`].
    ///
    /// Another object built by a call is an
    /// [`UnexpectedGlobal`](ErrorKind::UnexpectedGlobal) error naming its
    /// class; any other object is a [`Type`](ErrorKind::Type) error.
    ///
    /// ```
    /// use pickle_core::{Decoder, FromPickle, Result};
    ///
    /// /// A `decimal.Decimal`, kept as its text.
    /// struct DecimalText(String);
    ///
    /// impl FromPickle for DecimalText {
    ///     fn from_pickle(d: Decoder<'_>) -> Result<Self> {
    ///         let mut args = d.call_args("decimal", "Decimal")?;
    ///         let text = args
    ///             .next_item()?
    ///             .ok_or_else(|| d.type_error("an instance of `decimal.Decimal` of one argument"))?;
    ///         Ok(DecimalText(text.decode_str()?.to_owned()))
    ///     }
    /// }
    ///
    /// // pickle.dumps(decimal.Decimal("1.50"), protocol=2) in CPython 3.11
    /// let data = b"\x80\x02cdecimal\nDecimal\nq\x00X\x04\x00\x00\x001.50q\x01\x85q\x02Rq\x03.";
    /// assert_eq!(pickle_core::from_slice::<DecimalText>(data)?.0, "1.50");
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn call_args(&self, module: &str, name: &str) -> Result<Seq<'a>> {
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

    /// The items appended (`APPEND`/`APPENDS`) to an object built by a call,
    /// in order, as CPython fills objects whose `__reduce__` returns
    /// `listitems` (`collections.deque`, list subclasses). An object that
    /// was also given a state or entries is a [`Type`](ErrorKind::Type)
    /// error, and so is anything that is no object built by a call.
    pub fn appended_items(&self) -> Result<Vec<Decoder<'a>>> {
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
