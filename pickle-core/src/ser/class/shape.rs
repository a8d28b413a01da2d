//! What comes around an instance's fields, by the class's [`Repr`]: the
//! class and its construction before them, the state or the call after.

use super::Step;
use crate::class::{ClassDesc, Repr};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::ser::object::Origin;
use crate::ser::{Pickler, BATCH_SIZE};

impl Pickler<'_> {
    /// Everything up to the first field of an instance, in the general case.
    #[inline(never)]
    pub(super) fn instance_prefix(&mut self, class: &'static ClassDesc) -> Result<(usize, Step)> {
        if class.repr == Repr::Enum {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                format!(
                    "`{}` is an enum: write its members with `write_enum_member`",
                    class.path()
                ),
            ));
        }
        self.enter()?;
        let slot = self.classes.slot(class);
        let len = class.fields.len();
        let step = match class.repr {
            Repr::State | Repr::Slots => {
                self.stateful_prefix(class)?;
                self.entry_step(len)
            }
            Repr::NewArgs => {
                if self.proto >= 2 {
                    self.out.boundary()?;
                    self.class_global(class)?;
                    self.out.boundary()?;
                } else {
                    self.reconstructor_start(class, ("builtins", "tuple"))?;
                    self.out.boundary()?;
                }
                self.tuple_start(len)?;
                Step::Item
            }
            Repr::Reduce | Repr::Enum => {
                self.out.boundary()?;
                self.class_global(class)?;
                self.out.boundary()?;
                self.tuple_start(len)?;
                Step::Item
            }
        };
        Ok((slot, step))
    }

    /// `copyreg.__newobj__` at protocol 2+, `copyreg._reconstructor` below,
    /// then the start of the state: the instance dict, or `(None, slots)`.
    pub(super) fn stateful_prefix(&mut self, class: &'static ClassDesc) -> Result<()> {
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
        let len = class.fields.len();
        if len == 0 {
            // An instance without attributes has no state (`__getstate__` is None).
            return Ok(());
        }
        self.out.boundary()?;
        if class.repr == Repr::Slots {
            // `tuple_with` for `(None, {...})`, up to the dict.
            self.enter()?;
            if self.proto < 2 {
                self.out.op(Opcode::Mark);
            }
            self.out.boundary()?;
            self.out.op(Opcode::None);
            self.out.boundary()?;
        }
        self.dict_prefix(len)
    }

    /// `dict_with`, or the single batch of `batch_dict_exact`, up to the
    /// first of `len` entries.
    pub(super) fn dict_prefix(&mut self, len: usize) -> Result<()> {
        self.enter()?;
        if self.proto >= 1 {
            self.out.op(Opcode::EmptyDict);
        } else {
            self.out.write(&[Opcode::Mark.byte(), Opcode::Dict.byte()]);
        }
        self.put(None)?;
        if self.proto >= 1 && len > 1 {
            self.out.op(Opcode::Mark);
        }
        Ok(())
    }

    /// How the entries after [`Pickler::dict_prefix`] are written.
    pub(super) fn entry_step(&self, len: usize) -> Step {
        if self.proto == 0 || len > BATCH_SIZE {
            Step::BatchedEntry
        } else {
            Step::Entry
        }
    }

    /// The end of what [`Pickler::dict_prefix`] began.
    pub(super) fn dict_suffix(&mut self, len: usize) {
        if self.proto >= 1 && len > 0 {
            self.out.op(if len == 1 {
                Opcode::SetItem
            } else {
                Opcode::SetItems
            });
            if len % BATCH_SIZE == 0 {
                // CPython's loop over a dict ends with an empty batch after a full one.
                self.out
                    .write(&[Opcode::Mark.byte(), Opcode::SetItems.byte()]);
            }
        }
        self.leave();
    }

    /// The end of what [`Pickler::stateful_prefix`] began.
    pub(super) fn stateful_suffix(&mut self, class: &'static ClassDesc) -> Result<()> {
        let len = class.fields.len();
        if len == 0 {
            return Ok(());
        }
        self.dict_suffix(len);
        if class.repr == Repr::Slots {
            self.leave();
            self.out.op(if self.proto >= 2 {
                Opcode::Tuple2
            } else {
                Opcode::Tuple
            });
            self.put(None)?;
        }
        self.out.op(Opcode::Build);
        Ok(())
    }

    /// `save_tuple` of `len` constructor arguments, up to the first one.
    pub(super) fn tuple_start(&mut self, len: usize) -> Result<()> {
        if len == 0 {
            self.empty_tuple();
            return Ok(());
        }
        self.enter()?;
        if !(len <= 3 && self.proto >= 2) {
            self.out.op(Opcode::Mark);
        }
        Ok(())
    }

    /// The end of what [`Pickler::tuple_start`] began.
    pub(super) fn tuple_end(&mut self, len: usize) -> Result<()> {
        if len == 0 {
            return Ok(());
        }
        self.leave();
        let op = match (self.proto >= 2, len) {
            (true, 1) => Opcode::Tuple1,
            (true, 2) => Opcode::Tuple2,
            (true, 3) => Opcode::Tuple3,
            _ => Opcode::Tuple,
        };
        self.out.op(op);
        self.put(None)
    }

    /// `copyreg._reconstructor(cls, base, state)` and `REDUCE` (not memoized).
    pub(super) fn reconstructor<F>(
        &mut self,
        class: &'static ClassDesc,
        base: (&str, &str),
        state: F,
    ) -> Result<()>
    where
        F: FnOnce(&mut Self) -> Result<()>,
    {
        self.reconstructor_start(class, base)?;
        state(self)?;
        self.reconstructor_end()
    }

    /// [`Pickler::reconstructor`] up to the state.
    pub(super) fn reconstructor_start(
        &mut self,
        class: &'static ClassDesc,
        base: (&str, &str),
    ) -> Result<()> {
        self.out.boundary()?;
        self.global("copyreg", "_reconstructor", Origin::Python)?;
        self.out.boundary()?;
        // `tuple_with` of three items, below protocol 2: never the short form.
        self.enter()?;
        self.out.op(Opcode::Mark);
        self.out.boundary()?;
        self.class_global(class)?;
        self.out.boundary()?;
        self.global(base.0, base.1, Origin::CType)
    }

    /// [`Pickler::reconstructor`] after the state.
    pub(super) fn reconstructor_end(&mut self) -> Result<()> {
        self.leave();
        self.out.op(Opcode::Tuple);
        self.put(None)?;
        self.out.op(Opcode::Reduce);
        Ok(())
    }

    /// What follows the last field of an instance, in the general case.
    #[inline(never)]
    pub(super) fn instance_suffix(&mut self, class: &'static ClassDesc) -> Result<()> {
        let len = class.fields.len();
        match class.repr {
            Repr::State | Repr::Slots => self.stateful_suffix(class)?,
            Repr::NewArgs => {
                self.tuple_end(len)?;
                if self.proto >= 2 {
                    self.out.op(Opcode::NewObj);
                } else {
                    self.reconstructor_end()?;
                }
                self.put(None)?;
            }
            Repr::Reduce | Repr::Enum => {
                self.tuple_end(len)?;
                self.out.op(Opcode::Reduce);
                self.put(None)?;
            }
        }
        self.leave();
        Ok(())
    }
}
