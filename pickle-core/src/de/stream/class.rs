//! Class instances and enum members, as CPython writes them at protocol 2+.

use std::rc::Rc;

use super::seq::{StreamMap, StreamSeq};
use super::{Entry, StreamDecoder};
use crate::class::{ClassDesc, MemberValue};
use crate::error::Result;
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
}

impl<'a> StreamDecoder<'a> {
    /// The class the object at the read position is an instance of, read
    /// and checked against `class`.
    fn class_of(&self, class: &'static ClassDesc) -> Result<Rc<(String, String)>> {
        self.here()?;
        let Some(global) = self.read_global()? else {
            return Err(self.fail());
        };
        if !class.accepts(&global.0, &global.1) {
            return Err(self.fail());
        }
        Ok(global)
    }

    /// The argument tuple of a constructor call, as a sequence of its items.
    fn call_args(&self) -> Result<StreamSeq<'a>> {
        match self.s.peek()? {
            Opcode::EmptyTuple | Opcode::Mark => self.next()?.seq(None),
            // `TUPLE1`-`TUPLE3`, which must take as many arguments as come.
            op if super::seq::is_value_start(op) => self.next()?.short_tuple(),
            _ => Err(self.fail()),
        }
    }

    /// The object as an instance of `class`.
    pub(crate) fn instance(&self, class: &'static ClassDesc) -> Result<StreamInstance<'a>> {
        self.class_of(class)?;
        let items = self.call_args()?;
        Ok(StreamInstance {
            d: *self,
            class,
            phase: Phase::Args { items, index: 0 },
            hint: 0,
        })
    }

    /// A plain dict of the fields of `class`.
    pub(crate) fn field_dict(&self, class: &'static ClassDesc) -> Result<StreamInstance<'a>> {
        let map = self.map()?;
        Ok(StreamInstance {
            d: *self,
            class,
            phase: Phase::Dict { map },
            hint: 0,
        })
    }

    /// The member of the `enum.Enum` class `class` that the object is.
    pub(crate) fn enum_member(&self, class: &'static ClassDesc) -> Result<usize> {
        self.here()?;
        let s = self.s;
        // A member is one object: after its first use it is a memo `GET`.
        let op = s.peek()?;
        if let Some((Entry::Member { class: c, member }, len)) = s.get_at(op)? {
            if c != class as *const ClassDesc as usize {
                return Err(self.fail());
            }
            s.skip(len);
            s.memo_stores(|| Entry::Member { class: c, member })?;
            return Ok(member);
        }
        self.class_of(class)?;
        let mut items = self.call_args()?;
        let value = items.next_item()?.ok_or_else(|| self.fail())?;
        // The value is read once, then compared with every member's.
        let member = if value.is_int() {
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
        let class_addr = class as *const ClassDesc as usize;
        s.memo_stores(|| Entry::Member {
            class: class_addr,
            member,
        })?;
        Ok(member)
    }

    /// Which of `classes` the object is an instance of; reads nothing.
    pub(crate) fn variant(&self, classes: &[&'static ClassDesc]) -> Result<usize> {
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
    pub(crate) fn next_field(&mut self) -> Result<Option<(usize, StreamDecoder<'a>)>> {
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
                Phase::State { map, .. } | Phase::Dict { map } => match map.next_named()? {
                    Some((name, value)) => {
                        // A name that matches a field's is that field's
                        // (and valid UTF-8); any other makes the reader give up.
                        let index = self.field_named(name).ok_or_else(|| d.fail())?;
                        self.hint = index + 1;
                        return Ok(Some((index, value)));
                    }
                    None => self.after_dict()?,
                },
                Phase::Done => return Ok(None),
            }
        }
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
            Opcode::NewObj | Opcode::Reduce => s.skip(1),
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

    pub(crate) fn fail(&self) -> crate::error::Error {
        self.d.fail()
    }
}
