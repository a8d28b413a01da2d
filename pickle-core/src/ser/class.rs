//! Instances of Python classes, written as CPython writes them.

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
                self.global(class.module, class.name, true)?;
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
        if self.proto >= 2 {
            self.out.boundary()?;
            self.global(class.module, class.name, true)?;
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

    /// `namedtuple`: `cls.__new__(cls, *fields)`, or below protocol 2
    /// `copyreg._reconstructor(cls, tuple, fields)`.
    fn newargs_instance(&mut self, class: &ClassDesc, fields: &[&dyn ToPickle]) -> Result<()> {
        let values = |p: &mut Self| -> Result<()> {
            p.out.boundary()?;
            p.tuple_with(None, fields.len(), |p, i| fields[i].to_pickle(p))
        };
        if self.proto >= 2 {
            self.out.boundary()?;
            self.global(class.module, class.name, true)?;
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
                p.global(class.module, class.name, true)
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
        self.dict_with(None, fields.len(), |p, i| {
            p.out.boundary()?;
            p.interned_str(class.fields[i].name)?;
            fields[i].to_pickle(p)
        })
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
        let key = Some(Key::Member(class.module, class.name, member.name));
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.out.boundary()?;
        self.global(class.module, class.name, true)?;
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
        self.put(key)
    }
}
