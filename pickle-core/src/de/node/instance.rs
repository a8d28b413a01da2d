//! Reading instances of Python classes into typed Rust values.
//!
//! An instance is accepted in any of the shapes CPython writes (`NEWOBJ`,
//! `copyreg._reconstructor`, `REDUCE`, `INST`, `OBJ`), but only if its class
//! is the one the Rust type names, or one of its aliases: typed decoding is an
//! allowlist. Its fields come from the constructor's arguments (by position)
//! and from the state given to `BUILD` (by name: the instance dict and the
//! slots dict; or by position, for a list state).

use super::decoder::NodeDecoder;
use super::seq::NodeSeq;
use crate::class::{ClassDesc, MemberValue};
use crate::de::arena::{CallNode, Node, NodeId, ObjectNode, OpNode};
use crate::error::{Error, ErrorKind, Result};

/// The fields of one instance of the general reader's result.
pub(crate) struct NodeInstance<'a> {
    decoder: NodeDecoder<'a>,
    class: &'static ClassDesc,
    positional: Vec<NodeId>,
    named: Vec<(NodeId, NodeId)>,
    next_positional: usize,
    next_named: usize,
}

impl<'a> NodeDecoder<'a> {
    fn arena_node(&self, id: NodeId) -> &'a Node {
        self.ctx().arena.node(id)
    }

    /// The object as an instance of `class` (or of one of its aliases); any
    /// other class is an [`UnexpectedGlobal`](ErrorKind::UnexpectedGlobal) error.
    pub(crate) fn instance(&self, class: &'static ClassDesc) -> Result<NodeInstance<'a>> {
        let obj = self.object_of(class)?;
        let mut positional = Vec::new();
        let mut named = Vec::new();
        let args = |id: NodeId| match self.arena_node(id) {
            Node::Tuple(items, _) => items.to_vec(),
            _ => Vec::new(),
        };
        match &obj.call {
            CallNode::NewObj(_, a) => positional = args(*a),
            CallNode::NewObjEx(_, a, kwargs) => {
                positional = args(*a);
                if let Node::Dict(entries) = self.arena_node(*kwargs) {
                    named.extend_from_slice(entries);
                }
            }
            CallNode::Inst(_, a) | CallNode::Obj(_, a) => positional = a.to_vec(),
            CallNode::Reduce(callable, a) => {
                let reconstructor = matches!(self.arena_node(*callable), Node::Global(_))
                    && self
                        .child(*callable)?
                        .global()
                        .is_some_and(|g| g.is("copyreg", "_reconstructor"));
                let items = args(*a);
                if reconstructor {
                    // `_reconstructor(cls, base, state)`: a tuple base carries the fields.
                    if let Some(&state) = items.get(2) {
                        positional = args(state);
                    }
                } else {
                    positional = items;
                }
            }
        }
        for op in &obj.ops {
            let OpNode::Build(state) = *op else {
                // Items or entries (a list or dict subclass): no fields hold them.
                return Err(self.error(
                    ErrorKind::Type,
                    format!(
                        "expected an instance of `{}`, found one given items or entries",
                        class.path()
                    ),
                ));
            };
            self.state_fields(class, state, &mut positional, &mut named)?;
        }
        Ok(NodeInstance {
            decoder: *self,
            class,
            positional,
            named,
            next_positional: 0,
            next_named: 0,
        })
    }

    /// The object as a plain `dict` of the fields of `class`, by their
    /// Python names (how `#[pickle(dict)]` types are read): the entries are
    /// given by [`Instance::next_field`] as an instance's attributes are,
    /// with the same aliases, the same handling of unknown keys, and the
    /// same errors. `class` is only a description here (its `module` is
    /// empty); no class is involved.
    pub(crate) fn field_dict(&self, class: &'static ClassDesc) -> Result<NodeInstance<'a>> {
        let Node::Dict(entries) = self.arena_node(self.id()) else {
            return Err(self.type_error(&format!("a dict of the fields of `{}`", class.path())));
        };
        Ok(NodeInstance {
            decoder: *self,
            class,
            positional: Vec::new(),
            named: entries.clone(),
            next_positional: 0,
            next_named: 0,
        })
    }

    /// The object record, if the object is an instance of `class`.
    fn object_of(&self, class: &'static ClassDesc) -> Result<&'a ObjectNode> {
        let expected = || format!("an instance of `{}`", class.path());
        let Node::Object(obj) = self.arena_node(self.id()) else {
            return Err(self.type_error(&expected()));
        };
        match self.class() {
            Some(g)
                if g.module
                    .as_str()
                    .zip(g.name.as_str())
                    .is_some_and(|(m, n)| class.accepts(m, n)) =>
            {
                Ok(obj)
            }
            Some(g) => Err(self.error(
                ErrorKind::UnexpectedGlobal,
                format!("expected {}, found an instance of `{g}`", expected()),
            )),
            None => Err(self.type_error(&expected())),
        }
    }

    /// Adds the fields a `BUILD` state carries.
    fn state_fields(
        &self,
        class: &ClassDesc,
        state: NodeId,
        positional: &mut Vec<NodeId>,
        named: &mut Vec<(NodeId, NodeId)>,
    ) -> Result<()> {
        let dict = |id: NodeId| match self.arena_node(id) {
            Node::Dict(entries) => Some(entries),
            _ => None,
        };
        match self.arena_node(state) {
            Node::None => {}
            Node::Dict(entries) => named.extend_from_slice(entries),
            // `(instance dict or None, slots dict)`.
            Node::Tuple(items, _)
                if items.len() == 2
                    && (matches!(self.arena_node(items[0]), Node::None)
                        || dict(items[0]).is_some())
                    && dict(items[1]).is_some() =>
            {
                for &part in items.iter() {
                    if let Some(entries) = dict(part) {
                        named.extend_from_slice(entries);
                    }
                }
            }
            // A list of field values (frozen `slots=True` dataclasses).
            Node::List(items) => *positional = items.clone(),
            other => {
                return Err(self.child(state)?.error(
                    ErrorKind::Type,
                    format!(
                        "the state of a `{}` is a `{}`, not a dict of its attributes",
                        class.path(),
                        other.type_name()
                    ),
                ))
            }
        }
        Ok(())
    }

    /// The member of the `enum.Enum` class `class` that the object is: its
    /// index in `class.members`.
    pub(crate) fn enum_member(&self, class: &'static ClassDesc) -> Result<usize> {
        if let Some(member) = self.member_by_name(class)? {
            return Ok(member);
        }
        let obj = self.object_of(class)?;
        let value = match &obj.call {
            // A member is its class called with its value, and nothing else.
            _ if !obj.ops.is_empty() => {
                return Err(self.shape_error(&format!("a member of `{}`", class.path())))
            }
            CallNode::Reduce(_, args) => match self.arena_node(*args) {
                Node::Tuple(items, _) if items.len() == 1 => items[0],
                _ => return Err(self.shape_error(&format!("a member of `{}`", class.path()))),
            },
            _ => return Err(self.shape_error(&format!("a member of `{}`", class.path()))),
        };
        let value = self.child(value)?;
        let found = class.members.iter().position(|m| match m.value {
            MemberValue::Int(i) => value.decode_i64().ok() == Some(i),
            MemberValue::Str(s) => value.decode_str().ok() == Some(s),
        });
        found.ok_or_else(|| {
            let shown = value
                .decode_i64()
                .map(|i| i.to_string())
                .or_else(|_| value.decode_str().map(|s| format!("{s:?}")))
                .unwrap_or_else(|_| "value".into());
            value.error(
                ErrorKind::UnknownVariant,
                format!("{shown} is not a member of `{}`", class.path()),
            )
        })
    }

    /// The member that the object names as `getattr(cls, 'NAME')`, which is
    /// how CPython 3.11.0 to 3.11.3 pickle every member of an `enum.Enum`
    /// (and later versions those of enums that opt in with
    /// `enum.pickle_by_enum_name`); `None` for an object of another shape.
    /// A name that is no member of `class` is an
    /// [`UnknownVariant`](ErrorKind::UnknownVariant) error naming it.
    fn member_by_name(&self, class: &'static ClassDesc) -> Result<Option<usize>> {
        let Node::Object(obj) = self.arena_node(self.id()) else {
            return Ok(None);
        };
        let CallNode::Reduce(callable, args) = obj.call else {
            return Ok(None);
        };
        let by_name = self
            .name_of(callable)
            .is_some_and(|g| g.is("builtins", "getattr"));
        let Node::Tuple(items, _) = self.arena_node(args) else {
            return Ok(None);
        };
        let (true, [cls, name]) = (by_name && obj.ops.is_empty(), &items[..]) else {
            return Ok(None);
        };
        let Some(cls) = self.name_of(*cls) else {
            return Ok(None);
        };
        if !cls
            .module
            .as_str()
            .zip(cls.name.as_str())
            .is_some_and(|(m, n)| class.accepts(m, n))
        {
            return Err(self.error(
                ErrorKind::UnexpectedGlobal,
                format!(
                    "expected a member of `{}`, found one of `{cls}`",
                    class.path()
                ),
            ));
        }
        let name = self.child(*name)?;
        let text = name.decode_str()?;
        match class.members.iter().position(|m| m.name == text) {
            Some(member) => Ok(Some(member)),
            None => Err(name.error(
                ErrorKind::UnknownVariant,
                format!("`{text}` is not a member of `{}`", class.path()),
            )),
        }
    }

    /// Which of `classes` the object is an instance of (for an enum whose
    /// variants are classes): the index of the first class that accepts it.
    pub(crate) fn variant(&self, classes: &[&'static ClassDesc]) -> Result<usize> {
        let names = || {
            classes
                .iter()
                .map(|c| format!("`{}`", c.path()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(g) = self.class() else {
            return Err(self.type_error(&format!("an instance of one of {}", names())));
        };
        let (Some(m), Some(n)) = (g.module.as_str(), g.name.as_str()) else {
            return Err(self.type_error(&format!("an instance of one of {}", names())));
        };
        classes.iter().position(|c| c.accepts(m, n)).ok_or_else(|| {
            self.error(
                ErrorKind::UnexpectedGlobal,
                format!(
                    "expected an instance of one of {}, found an instance of `{g}`",
                    names()
                ),
            )
        })
    }
}

/// Objects that CPython writes as calls of a known global, for the types
/// whose `__reduce__` returns `(cls, args)` or `(cls, args, None,
/// listitems)`: `datetime.date`, `decimal.Decimal`, `collections.deque`.
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

    /// See [`Decoder::state`](crate::Decoder::state).
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

impl<'a> NodeInstance<'a> {
    /// The next field the pickle gives, as its index in the class's fields
    /// and its value. Attributes that are not fields are skipped, or are an
    /// [`UnknownField`](ErrorKind::UnknownField) error for a class with
    /// `deny_unknown_fields`. A field given twice is given twice (the later
    /// one wins in Python).
    pub(crate) fn next_field(&mut self) -> Result<Option<(usize, NodeDecoder<'a>)>> {
        while let Some(&id) = self.positional.get(self.next_positional) {
            let index = self.next_positional;
            self.next_positional += 1;
            if index < self.class.fields.len() {
                return Ok(Some((index, self.decoder.child(id)?)));
            }
            if self.class.deny_unknown_fields {
                return Err(self.decoder.child(id)?.error(
                    ErrorKind::UnknownField,
                    format!(
                        "`{}` takes {} fields, found more",
                        self.class.path(),
                        self.class.fields.len()
                    ),
                ));
            }
        }
        while let Some(&(key, value)) = self.named.get(self.next_named) {
            self.next_named += 1;
            let key = self.decoder.child(key)?;
            let index = match key.decode_str() {
                Ok(name) => self.field_named(name),
                Err(_) => None,
            };
            match index {
                Some(index) => return Ok(Some((index, self.decoder.child(value)?))),
                None if self.class.deny_unknown_fields => {
                    let name = key.decode_str().unwrap_or("?");
                    return Err(key.error(
                        ErrorKind::UnknownField,
                        format!("unknown field `{name}` of `{}`", self.class.path()),
                    ));
                }
                None => {}
            }
        }
        Ok(None)
    }

    /// Field lookup by name; attributes usually come in field order, so the
    /// field after the previous one is tried first.
    fn field_named(&self, name: &str) -> Option<usize> {
        let fields = self.class.fields;
        let hint = self.next_named.saturating_sub(1);
        if fields.get(hint).is_some_and(|f| f.name == name) {
            return Some(hint);
        }
        self.class.field_index(name)
    }

    /// The error for a required field the pickle does not give.
    pub(crate) fn missing(&self, field: usize) -> Error {
        let name = self.class.fields.get(field).map_or("?", |f| f.name);
        self.decoder.error(
            ErrorKind::MissingField,
            format!("missing field `{name}` of `{}`", self.class.path()),
        )
    }

    /// The class being read.
    pub(crate) fn class(&self) -> &'static ClassDesc {
        self.class
    }
}
