//! Members of `enum.Enum` classes: `write_enum_member`.

use super::{Key, Pickler};
use crate::class::{interned_by_python, ClassDesc, MemberValue};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;

impl Pickler<'_> {
    /// Writes member `index` of the `enum.Enum` class `class`: `cls(value)`
    /// (or `getattr(cls, 'NAME')` for CPython 3.11.0 to 3.11.4), written
    /// once and fetched from the memo afterwards, since each member is one
    /// object in Python.
    pub fn write_enum_member(&mut self, class: &'static ClassDesc, index: usize) -> Result<()> {
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
        if self.dialect().enum_by_name {
            // `getattr(cls, 'NAME')`, as `Enum.__reduce_ex__` of 3.11.0 to 3.11.4 returns.
            self.reduce_with(("builtins", "getattr"), key, |p| {
                p.out.boundary()?;
                p.tuple_with(None, 2, |p, i| {
                    p.out.boundary()?;
                    match i {
                        0 => p.class_global(class),
                        _ => p.interned_str(member.name),
                    }
                })
            })?;
            self.memo.classes[slot].members[index] = self.lookup(member_key);
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
