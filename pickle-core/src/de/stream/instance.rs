//! Class instances and enum members, as CPython writes them at protocol 2+.

use std::rc::Rc;

use super::{Entry, StreamDecoder};
use super::{StreamMap, StreamSeq};
use crate::class::{ClassDesc, MemberValue, STATE_INSTANCE_HEAD};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;

/// Where the next fields come from.
enum Phase<'a> {
    /// The constructor's arguments, by position; then `op` builds the object.
    Args {
        items: StreamSeq<'a>,
        index: usize,
    },
    /// The state given to `BUILD`: dicts of attributes (one, or two for
    /// `(dict, slots)` and `(None, slots)`).
    State {
        map: StreamMap<'a>,
        /// The state is a `TUPLE2` of two items (`None` or a dict, then slots).
        tuple: bool,
        /// `map` is the second dict, of slots.
        slots: bool,
    },
    /// A plain dict of attributes (`#[pickle(dict)]`).
    Dict {
        map: StreamMap<'a>,
    },
    Done,
}

pub(crate) struct StreamInstance<'a> {
    d: StreamDecoder<'a>,
    class: &'static ClassDesc,
    phase: Phase<'a>,
    /// The field after the previous one, tried first when matching a name.
    hint: usize,
    /// Where the opcode that made the object (`NEWOBJ`, `REDUCE`, or the
    /// dict's) is, once read: the offset of its errors.
    made: Option<usize>,
}

impl<'a> StreamDecoder<'a> {
    /// The class the object at the read position is an instance of, read
    /// and checked against `class`.
    fn class_of(self, class: &'static ClassDesc) -> Result<Rc<(String, String)>> {
        self.here()?;
        let s = self.s;
        // A one-byte `GET` of the global itself (not of a string that
        // starts a `STACK_GLOBAL`) is remembered once accepted.
        let get = match s.input.get(self.pos()..self.pos() + 2) {
            Some(&[op, index]) if op == Opcode::BinGet.byte() => {
                matches!(s.get_at(Opcode::BinGet)?, Some((Entry::Global(_), _))).then_some(index)
            }
            _ => None,
        };
        let Some(global) = self.read_global()? else {
            return Err(self.fail());
        };
        if !class.accepts(&global.0, &global.1) {
            return Err(self.fail());
        }
        if let Some(index) = get {
            s.known.borrow_mut().learn_class(index, class);
        }
        Ok(global)
    }

    /// An instance of `class` in the shape CPython writes for each instance
    /// after the first, at protocol 4 and above, when its class was already
    /// matched at that memo index (see `known.rs`):
    /// `BINGET cls, EMPTY_TUPLE, NEWOBJ, MEMOIZE, EMPTY_DICT, MEMOIZE, MARK`,
    /// side by side, then the state's first batch of entries. The same
    /// opcodes are read as [`instance`](Self::instance) reads, with the
    /// same memo stores; `None`, having read nothing, for anything else.
    #[inline(always)]
    fn known_instance(self, class: &'static ClassDesc) -> Result<Option<StreamInstance<'a>>> {
        let s = self.s;
        let pos = self.pos();
        // A class without fields has no state to expect (see `after_args`).
        if class.fields.is_empty() || s.pos() != pos {
            return Ok(None);
        }
        let Some(&[op, index, ref rest @ ..]) = s.input.get(pos..pos + 8) else {
            return Ok(None);
        };
        if op != Opcode::BinGet.byte()
            || *rest != STATE_INSTANCE_HEAD
            || !s.known.borrow().is_class(index, class)
        {
            return Ok(None);
        }
        // The arguments' and the state's decoders are one level down.
        let state = self.next()?;
        s.pos.set(pos + 4);
        s.memo_stores(|| Entry::Other)?;
        s.pos.set(pos + 6);
        s.memo_stores(|| Entry::Other)?;
        s.skip(1);
        Ok(Some(StreamInstance {
            d: self,
            class,
            phase: Phase::State {
                map: state.at(pos + 5).map_in_batch(),
                tuple: false,
                slots: false,
            },
            hint: 0,
            made: Some(pos + 3),
        }))
    }

    /// The argument tuple of a constructor call, as a sequence of its items.
    fn constructor_args(self) -> Result<StreamSeq<'a>> {
        match self.s.peek()? {
            Opcode::EmptyTuple | Opcode::Mark => self.next()?.seq(),
            // `TUPLE1`-`TUPLE3`, which must take as many arguments as come.
            op if super::seq::is_value_start(op) => self.next()?.short_tuple(),
            _ => Err(self.fail()),
        }
    }

    /// The object as an instance of `class`. In line, for the common case
    /// of an instance of a known class (its result is then made in place,
    /// not copied out of a call).
    #[inline(always)]
    pub(crate) fn instance(self, class: &'static ClassDesc) -> Result<StreamInstance<'a>> {
        if let Some(instance) = self.known_instance(class)? {
            return Ok(instance);
        }
        self.instance_in_general(class)
    }

    /// [`instance`](Self::instance) of a class not known yet.
    #[inline(always)]
    fn instance_in_general(self, class: &'static ClassDesc) -> Result<StreamInstance<'a>> {
        self.class_of(class)?;
        let items = self.constructor_args()?;
        Ok(StreamInstance {
            d: self,
            class,
            phase: Phase::Args { items, index: 0 },
            hint: 0,
            made: None,
        })
    }

    /// A plain dict of the fields of `class`.
    pub(crate) fn field_dict(self, class: &'static ClassDesc) -> Result<StreamInstance<'a>> {
        // `EMPTY_DICT`, or `MARK DICT`.
        let made = self.pos() + usize::from(self.s.op_at(self.pos()) == Some(Opcode::Mark));
        let map = self.map()?;
        Ok(StreamInstance {
            d: self,
            class,
            phase: Phase::Dict { map },
            hint: 0,
            made: Some(made),
        })
    }

    /// The member of the `enum.Enum` class `class` that the object is.
    pub(crate) fn enum_member(self, class: &'static ClassDesc) -> Result<usize> {
        self.here()?;
        let s = self.s;
        // A member is one object: after its first use it is a memo `GET`.
        let op = s.peek()?;
        if let Some((Entry::Member { class: c, member }, len)) = s.get_at(op)? {
            if c != class as *const ClassDesc as usize {
                return Err(self.fail());
            }
            s.skip(len);
            s.memo_keep(Entry::Member { class: c, member })?;
            return Ok(member);
        }
        let by_name = s
            .peek_global()
            .is_some_and(|(m, n)| m == "builtins" && n == "getattr");
        if by_name {
            self.read_global()?.ok_or_else(|| self.fail())?;
        } else {
            self.class_of(class)?;
        }
        let mut items = self.constructor_args()?;
        let value = items.next_item()?.ok_or_else(|| self.fail())?;
        // `getattr(cls, 'NAME')` names a member, as CPython 3.11.0 to 3.11.4
        // write every member; `cls(value)` gives it by its value, which is
        // read once, then compared with every member's.
        let member = if by_name {
            value.class_of(class)?;
            let name = items.next_item()?.ok_or_else(|| self.fail())?;
            let text = name.decode_str()?;
            class.members.iter().position(|m| m.name == text)
        } else if value.is_int() {
            let int = value.decode_i64()?;
            let mut members = class.members.iter();
            members.position(|m| matches!(m.value, MemberValue::Int(i) if i == int))
        } else {
            let text = value.decode_str()?;
            let mut members = class.members.iter();
            members.position(|m| matches!(m.value, MemberValue::Str(t) if t == text))
        };
        let member = member.ok_or_else(|| self.fail())?;
        if items.next_item()?.is_some() || s.peek()? != Opcode::Reduce {
            return Err(self.fail());
        }
        s.skip(1);
        s.memo_keep(Entry::Member {
            class: class as *const ClassDesc as usize,
            member,
        })?;
        Ok(member)
    }

    /// Which of `classes` the object is an instance of; reads nothing.
    pub(crate) fn variant(self, classes: &[&'static ClassDesc]) -> Result<usize> {
        self.here()?;
        let (module, name) = self.s.peek_global().ok_or_else(|| self.fail())?;
        classes
            .iter()
            .position(|c| c.accepts(&module, &name))
            .ok_or_else(|| self.fail())
    }
}

impl<'a> StreamInstance<'a> {
    /// The next field: its index in the class's fields, and its value.
    #[inline(always)]
    pub(crate) fn next_field(&mut self) -> Result<Option<(usize, StreamDecoder<'a>)>> {
        // A known field name, as in every instance after the first, and
        // the end of a state dict of one batch (`SETITEMS BUILD`), in line.
        if let Phase::State { map, tuple, slots } = &mut self.phase {
            if let Some(found) = map.next_known_field(self.class) {
                return Ok(Some(found));
            }
            if !*tuple && !*slots && map.end_batch_then(Opcode::Build) {
                self.phase = Phase::Done;
                return Ok(None);
            }
        }
        self.next_field_in_general()
    }

    /// [`next_field`](Self::next_field) when the field is not a known one.
    #[inline(never)]
    pub(crate) fn next_field_in_general(&mut self) -> Result<Option<(usize, StreamDecoder<'a>)>> {
        let d = self.d;
        loop {
            match &mut self.phase {
                Phase::Args { items, index } => {
                    if let Some(item) = items.next_item()? {
                        let i = *index;
                        *index += 1;
                        if i >= self.class.fields.len() {
                            return Err(d.fail());
                        }
                        return Ok(Some((i, item)));
                    }
                    self.after_args()?;
                }
                Phase::State { map, tuple, slots } => {
                    if !*tuple && !*slots && map.end_batch_then(Opcode::Build) {
                        // One dict of state, then `BUILD`: as `after_dict` reads it.
                        self.phase = Phase::Done;
                        continue;
                    }
                    let next = map.next_named()?;
                    return self.named_field(next);
                }
                Phase::Dict { map } => {
                    let next = map.next_named()?;
                    return self.named_field(next);
                }
                Phase::Done => return Ok(None),
            }
        }
    }

    /// The field of an entry of the state or dict of attributes, or what
    /// comes after them when there are no more.
    fn named_field(
        &mut self,
        entry: Option<(&'a [u8], StreamDecoder<'a>)>,
    ) -> Result<Option<(usize, StreamDecoder<'a>)>> {
        let d = self.d;
        let Some((name, value)) = entry else {
            self.after_dict()?;
            return self.next_field();
        };
        // A name that matches a field's is that field's (and valid UTF-8);
        // any other makes the reader give up.
        let index = self.field_named(name).ok_or_else(|| d.fail())?;
        let key = match &self.phase {
            Phase::State { map, .. } | Phase::Dict { map } => map.last_key_index(),
            _ => None,
        };
        if let Some(key) = key {
            d.s.known.borrow_mut().learn_field(key, self.class, index);
        }
        self.hint = index + 1;
        Ok(Some((index, value)))
    }

    fn field_named(&self, name: &[u8]) -> Option<usize> {
        let fields = self.class.fields;
        if fields
            .get(self.hint)
            .is_some_and(|f| f.name.as_bytes() == name)
        {
            return Some(self.hint);
        }
        self.class.field_index(std::str::from_utf8(name).ok()?)
    }

    /// After the arguments: the opcode that builds the object, its memo
    /// stores, and the state, if a `BUILD` follows.
    fn after_args(&mut self) -> Result<()> {
        let d = self.d;
        let s = d.s;
        match s.peek()? {
            Opcode::NewObj | Opcode::Reduce => {
                self.made = Some(s.pos());
                s.skip(1);
            }
            _ => return Err(d.fail()),
        }
        s.memo_stores(|| Entry::Other)?;
        self.phase = Phase::Done;
        let pos = s.pos();
        let op = s.peek()?;
        // The state: a dict, or `(None or dict, slots dict)` as `TUPLE2`.
        // CPython writes one after the object whenever it has attributes,
        // so a dict there is read as the state; if it was a value after the
        // object instead, no `BUILD` follows it and the reader gives up. A
        // class without fields has no state to expect: the scan tells.
        let state = match op {
            Opcode::EmptyDict | Opcode::None if !self.class.fields.is_empty() => true,
            op if super::seq::is_value_start(op) => s.consumer(pos)?.1 == Opcode::Build,
            _ => false,
        };
        if !state {
            return Ok(());
        }
        let tuple = op == Opcode::None;
        if tuple {
            s.skip(1);
            s.memo_stores(|| Entry::None)?;
        }
        self.phase = Phase::State {
            map: d.next()?.map()?,
            tuple,
            // After `None`, the dict is the second item, of slots.
            slots: tuple,
        };
        Ok(())
    }

    /// After a dict of attributes: the next one, or the end of the state.
    fn after_dict(&mut self) -> Result<()> {
        let d = self.d;
        let s = d.s;
        let Phase::State { tuple, slots, .. } = std::mem::replace(&mut self.phase, Phase::Done)
        else {
            return Ok(());
        };
        let op = s.peek()?;
        if !slots && op == Opcode::EmptyDict {
            // `(dict, slots)`: the second dict, then `TUPLE2` takes both.
            self.phase = Phase::State {
                map: d.next()?.map()?,
                tuple: true,
                slots: true,
            };
            return Ok(());
        }
        if tuple {
            if op != Opcode::Tuple2 {
                return Err(d.fail());
            }
            s.skip(1);
            s.memo_stores(|| Entry::Other)?;
        }
        if s.peek()? != Opcode::Build {
            return Err(d.fail());
        }
        s.skip(1);
        Ok(())
    }

    pub(crate) fn class(&self) -> &'static ClassDesc {
        self.class
    }

    /// The error for a required field the pickle does not give.
    #[cold]
    pub(crate) fn missing(&self, field: usize) -> Error {
        let Some(made) = self.made else {
            return self.d.fail();
        };
        let name = self.class.fields.get(field).map_or("?", |f| f.name);
        Error::at(
            ErrorKind::MissingField,
            made as u64,
            format!("missing field `{name}` of `{}`", self.class.path()),
        )
    }
}
