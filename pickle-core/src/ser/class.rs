//! Instances of Python classes, written as CPython writes them.

use super::seq::BATCH_SIZE;
use super::{Key, Pickler};
use crate::class::{interned_by_python, ClassDesc, MemberValue, Repr};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::ToPickle;

impl Pickler<'_> {
    /// Writes an instance of `class` whose field values are `fields`, in the
    /// order of `class.fields`, as CPython's `pickle.dumps` writes an instance
    /// of a class of that kind: the class is fetched from the memo after its
    /// first use, and so are the attribute names, which Python interns.
    pub fn write_instance(&mut self, class: &ClassDesc, fields: &[&dyn ToPickle]) -> Result<()> {
        if fields.len() != class.fields.len() {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                format!(
                    "`{}` has {} fields, {} values were given",
                    class.path(),
                    class.fields.len(),
                    fields.len()
                ),
            ));
        }
        self.out.boundary()?;
        self.enter()?;
        match class.repr {
            Repr::State | Repr::Slots => self.stateful_instance(class, fields)?,
            Repr::NewArgs => self.newargs_instance(class, fields)?,
            Repr::Reduce => {
                self.out.boundary()?;
                self.class_global(class)?;
                self.out.boundary()?;
                self.tuple_with(None, fields.len(), |p, i| fields[i].to_pickle(p))?;
                self.out.op(Opcode::Reduce);
                self.put(None)?;
            }
            Repr::Enum => {
                return Err(Error::new(
                    ErrorKind::Unpicklable,
                    format!(
                        "`{}` is an enum: write its members with `write_enum_member`",
                        class.path()
                    ),
                ))
            }
        }
        self.leave();
        Ok(())
    }

    /// `copyreg.__newobj__` at protocol 2+, `copyreg._reconstructor` below,
    /// then the state: the instance dict, or `(None, slots)`.
    fn stateful_instance(&mut self, class: &ClassDesc, fields: &[&dyn ToPickle]) -> Result<()> {
        if self.proto >= 4 && class.repr == Repr::State && self.cached_instance(class, fields)? {
            return Ok(());
        }
        if self.proto >= 2 {
            self.out.boundary()?;
            self.class_global(class)?;
            self.out.boundary()?;
            self.out.op(Opcode::EmptyTuple);
            self.out.op(Opcode::NewObj);
        } else {
            // CPython refuses `__slots__` classes at protocols 0 and 1; this
            // is the form its unpickler loads for them all the same.
            self.reconstructor(class, ("builtins", "object"), |p| {
                p.out.boundary()?;
                p.out.op(Opcode::None);
                Ok(())
            })?;
        }
        self.put(None)?;
        if fields.is_empty() {
            // An instance without attributes has no state (`__getstate__` is None).
            return Ok(());
        }
        self.out.boundary()?;
        if class.repr == Repr::Slots {
            self.tuple_with(None, 2, |p, i| {
                p.out.boundary()?;
                if i == 0 {
                    p.out.op(Opcode::None);
                    Ok(())
                } else {
                    p.attribute_dict(class, fields)
                }
            })?;
        } else {
            self.attribute_dict(class, fields)?;
        }
        self.out.op(Opcode::Build);
        Ok(())
    }

    /// The steady state of writing many instances of one class at protocol
    /// 4+: the class and its attribute names are in the memo, so everything
    /// up to the first value is the same few bytes each time, written at
    /// once. Returns `false` (nothing written) when that does not hold yet, or
    /// when a frame could end inside those bytes.
    fn cached_instance(&mut self, class: &ClassDesc, fields: &[&dyn ToPickle]) -> Result<bool> {
        const PREFIX: usize = 11; // the longest form below
        if !(2..BATCH_SIZE).contains(&fields.len()) || !self.out.fits_in_frame(PREFIX) {
            return Ok(false);
        }
        let slot = self.memo.class_slot(class);
        let Some(cls) = self.memo.classes[slot].global else {
            return Ok(false);
        };
        self.memo.next_index().ok_or_else(super::memo_full)?;
        self.memo.next_index().ok_or_else(super::memo_full)?;
        // The class, `()`, NEWOBJ, MEMOIZE, `{}`, MEMOIZE, MARK: fixed-size
        // writes, which compile to a few stores.
        const TAIL: [u8; 6] = [
            Opcode::EmptyTuple.byte(),
            Opcode::NewObj.byte(),
            Opcode::Memoize.byte(),
            Opcode::EmptyDict.byte(),
            Opcode::Memoize.byte(),
            Opcode::Mark.byte(),
        ];
        if cls < 256 {
            let [a, b, c, d, e, f] = TAIL;
            self.out
                .write(&[Opcode::BinGet.byte(), cls as u8, a, b, c, d, e, f]);
        } else {
            let [i0, i1, i2, i3] = cls.to_le_bytes();
            self.out.write(&[Opcode::LongBinGet.byte(), i0, i1, i2, i3]);
            self.out.write(&TAIL);
        }
        self.enter()?;
        for (i, value) in fields.iter().enumerate() {
            self.out.boundary()?;
            self.field_name(class, slot, i)?;
            value.to_pickle(self)?;
        }
        self.leave();
        self.out
            .write(&[Opcode::SetItems.byte(), Opcode::Build.byte()]);
        Ok(true)
    }

    /// `namedtuple`: `cls.__new__(cls, *fields)`, or below protocol 2
    /// `copyreg._reconstructor(cls, tuple, fields)`.
    fn newargs_instance(&mut self, class: &ClassDesc, fields: &[&dyn ToPickle]) -> Result<()> {
        let values = |p: &mut Self| -> Result<()> {
            p.out.boundary()?;
            p.tuple_with(None, fields.len(), |p, i| fields[i].to_pickle(p))
        };
        if self.proto >= 2 {
            self.out.boundary()?;
            self.class_global(class)?;
            values(self)?;
            self.out.op(Opcode::NewObj);
        } else {
            self.reconstructor(class, ("builtins", "tuple"), values)?;
        }
        self.put(None)
    }

    /// `copyreg._reconstructor(cls, base, state)` and `REDUCE` (not memoized).
    fn reconstructor<F>(&mut self, class: &ClassDesc, base: (&str, &str), state: F) -> Result<()>
    where
        F: FnOnce(&mut Self) -> Result<()>,
    {
        self.out.boundary()?;
        self.global("copyreg", "_reconstructor", false)?;
        self.out.boundary()?;
        let mut state = Some(state);
        self.tuple_with(None, 3, |p, i| match i {
            0 => {
                p.out.boundary()?;
                p.class_global(class)
            }
            1 => {
                p.out.boundary()?;
                p.global(base.0, base.1, false)
            }
            _ => match state.take() {
                Some(state) => state(p),
                None => Ok(()),
            },
        })?;
        self.out.op(Opcode::Reduce);
        Ok(())
    }

    /// A dict of the fields by their (interned) Python names.
    fn attribute_dict(&mut self, class: &ClassDesc, fields: &[&dyn ToPickle]) -> Result<()> {
        if self.proto == 0 || fields.len() > BATCH_SIZE {
            return self.dict_with(None, fields.len(), |p, i| {
                let slot = p.memo.class_slot(class);
                p.out.boundary()?;
                p.field_name(class, slot, i)?;
                fields[i].to_pickle(p)
            });
        }
        // The common case, inline: `EMPTY_DICT`, memo, one batch (as
        // `batch_dict_exact` writes up to 1000 entries).
        self.enter()?;
        self.out.op(Opcode::EmptyDict);
        self.put(None)?;
        let single = fields.len() == 1;
        if !single {
            self.out.op(Opcode::Mark);
        }
        let slot = self.memo.class_slot(class);
        for (i, value) in fields.iter().enumerate() {
            self.out.boundary()?;
            self.field_name(class, slot, i)?;
            value.to_pickle(self)?;
        }
        self.out.op(if single {
            Opcode::SetItem
        } else {
            Opcode::SetItems
        });
        if fields.len() == BATCH_SIZE {
            // CPython's loop over a dict ends with an empty batch after a full one.
            self.out
                .write(&[Opcode::Mark.byte(), Opcode::SetItems.byte()]);
        }
        self.leave();
        Ok(())
    }

    /// The class itself, fetched from the memo by its slot after the first time.
    fn class_global(&mut self, class: &ClassDesc) -> Result<()> {
        let slot = self.memo.class_slot(class);
        if let Some(idx) = self.memo.classes[slot].global {
            self.write_get(idx);
            return Ok(());
        }
        self.global(class.module, class.name, true)?;
        // `None` when the class was written as an extension code, which is not memoized.
        self.memo.classes[slot].global = self.memo.global(class.module, class.name);
        Ok(())
    }

    /// Attribute name `i` of `class` (interned: the same object in every instance).
    #[inline]
    fn field_name(&mut self, class: &ClassDesc, slot: usize, i: usize) -> Result<()> {
        if let Some(idx) = self.memo.classes[slot].fields[i] {
            self.write_get(idx);
            return Ok(());
        }
        let name = class.fields[i].name;
        self.interned_str(name)?;
        self.memo.classes[slot].fields[i] = self.memo.interned(name);
        Ok(())
    }

    /// Writes a plain `dict` from field names (interned, as Python interns
    /// identifiers) to values: how `#[pickle(dict)]` types are written.
    pub fn write_field_dict(&mut self, names: &[&str], values: &[&dyn ToPickle]) -> Result<()> {
        if names.len() != values.len() {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                "field names and values differ in number",
            ));
        }
        self.out.boundary()?;
        self.dict_with(None, names.len(), |p, i| {
            p.out.boundary()?;
            p.interned_str(names[i])?;
            values[i].to_pickle(p)
        })
    }

    /// Writes member `index` of the `enum.Enum` class `class`: `cls(value)`,
    /// written once and fetched from the memo afterwards, since each member
    /// is one object in Python.
    pub fn write_enum_member(&mut self, class: &ClassDesc, index: usize) -> Result<()> {
        let member = class.members.get(index).ok_or_else(|| {
            Error::new(
                ErrorKind::Unpicklable,
                format!("`{}` has no member number {index}", class.path()),
            )
        })?;
        self.out.boundary()?;
        let slot = self.memo.class_slot(class);
        if let Some(idx) = self.memo.classes[slot].members[index] {
            self.write_get(idx);
            return Ok(());
        }
        let member_key = Key::Member(class.module, class.name, member.name);
        let key = Some(member_key);
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.out.boundary()?;
        self.class_global(class)?;
        self.out.boundary()?;
        self.tuple_with(None, 1, |p, _| {
            p.out.boundary()?;
            match member.value {
                MemberValue::Int(v) => p.int(v),
                MemberValue::Str(s) if interned_by_python(s) => p.interned_str(s),
                MemberValue::Str(s) => {
                    p.str_bytes(s.as_bytes(), None)?;
                    p.put(None)
                }
            }
        })?;
        self.out.op(Opcode::Reduce);
        self.put(key)?;
        self.memo.classes[slot].members[index] = self.lookup(member_key);
        Ok(())
    }
}
