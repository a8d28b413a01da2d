//! Instances of Python classes, written as CPython writes them.

mod shape;

use super::object::Origin;
use super::seq::BATCH_SIZE;
use super::Pickler;
use crate::class::{ClassDesc, Repr, STATE_INSTANCE_HEAD};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::ToPickle;

/// Writes one instance of a class field by field: what
/// [`Pickler::begin_instance`] returns.
///
/// Each field is written by a direct call to its type's
/// [`ToPickle::to_pickle`], so a derived `to_pickle` can inline the writing
/// of its fields. Call [`InstanceWriter::field`] once per field of the
/// class, in order, then [`InstanceWriter::end`].
///
/// ```
/// use pickle_core::class::{ClassDesc, FieldDesc, Repr};
/// use pickle_core::{Pickler, Result, ToPickle};
///
/// struct Point {
///     x: i64,
///     y: i64,
/// }
///
/// static POINT: ClassDesc = ClassDesc {
///     module: "geometry",
///     name: "Point",
///     repr: Repr::State,
///     fields: &[
///         FieldDesc { name: "x", aliases: &[], optional: false },
///         FieldDesc { name: "y", aliases: &[], optional: false },
///     ],
///     aliases: &[],
///     deny_unknown_fields: false,
///     members: &[],
/// };
///
/// impl ToPickle for Point {
///     fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
///         let mut w = p.begin_instance(&POINT)?;
///         w.field(&self.x)?;
///         w.field(&self.y)?;
///         w.end()
///     }
/// }
///
/// let bytes = pickle_core::to_vec(&Point { x: 1, y: 2 })?;
/// assert!(bytes.starts_with(b"\x80\x05\x95"));
/// # Ok::<(), pickle_core::Error>(())
/// ```
pub struct InstanceWriter<'p, 'w> {
    p: &'p mut Pickler<'w>,
    class: &'static ClassDesc,
    /// A plain dict of the fields, without a class (see
    /// [`Pickler::begin_field_dict`]).
    dict: bool,
    /// The class's slot in the memo's class cache (for its field names).
    slot: usize,
    /// The number of the next field.
    next: usize,
    step: Step,
}

/// The `BINGET` of an attribute name, in the steady state at protocol 4+:
/// what a draft writes before a field.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct AttrName {
    pub(crate) get: [u8; 2],
}

/// What [`InstanceWriter::field`] writes around a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Like [`Step::Steady`], with the field names' memo indices at hand
    /// (see `ClassMemo::short_names`).
    Packed(u64),
    /// Like [`Step::Entry`], after the steady-state prefix (see
    /// `Pickler::steady_prefix`): the end is `SETITEMS BUILD`.
    Steady,
    /// A state dict entry in a single batch: the field's name, the value.
    Entry,
    /// A state dict entry at protocol 0 (`SETITEM` after each) or in a dict
    /// of more than one batch (`MARK` and `SETITEMS` between batches).
    BatchedEntry,
    /// A constructor argument: the value alone.
    Item,
}

impl<'w> Pickler<'w> {
    /// Writes an instance of `class` whose field values are `fields`, in the
    /// order of `class.fields`, as CPython's `pickle.dumps` writes an instance
    /// of a class of that kind: the class is fetched from the memo after its
    /// first use, and so are the attribute names, which Python interns.
    ///
    /// [`Pickler::begin_instance`] writes the same bytes with a direct call
    /// per field instead of a `dyn ToPickle` one.
    ///
    /// `class` is `'static` (a `static`, as the derive makes, or a leaked
    /// description) because the writer remembers what it wrote of a class
    /// by the description's address.
    pub fn write_instance(
        &mut self,
        class: &'static ClassDesc,
        fields: &[&dyn ToPickle],
    ) -> Result<()> {
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
        let mut w = self.begin_instance(class)?;
        for value in fields {
            w.field(*value)?;
        }
        w.end()
    }

    /// Starts writing an instance of `class`, as [`Pickler::write_instance`]
    /// does: everything up to the first field's value is written here, the
    /// fields and the rest by the returned [`InstanceWriter`].
    #[inline]
    pub fn begin_instance<'p>(
        &'p mut self,
        class: &'static ClassDesc,
    ) -> Result<InstanceWriter<'p, 'w>> {
        self.out.boundary()?;
        let (slot, step) = match self.steady_prefix(class) {
            Some(slot) => match self.classes.get(slot).short_names {
                Some(names) => (slot, Step::Packed(names)),
                None => (slot, Step::Steady),
            },
            None => self.instance_prefix(class)?,
        };
        Ok(InstanceWriter {
            p: self,
            class,
            dict: false,
            slot,
            next: 0,
            step,
        })
    }

    /// Starts writing a plain `dict` of the fields of `class` by their
    /// Python names (how `#[pickle(dict)]` types are written), as
    /// [`Pickler::write_field_dict`] does: the names are interned, so fetched
    /// from the memo after their first use. `class` only describes the
    /// fields (its `module` is empty); no class is written.
    #[inline]
    pub fn begin_field_dict<'p>(
        &'p mut self,
        class: &'static ClassDesc,
    ) -> Result<InstanceWriter<'p, 'w>> {
        self.out.boundary()?;
        let slot = self.classes.slot(class);
        let len = class.fields.len();
        let step = if self.proto >= 4
            && (2..BATCH_SIZE).contains(&len)
            && self.depth < self.max_depth
            && self.memo.reserve_indices(1).is_some()
        {
            // The steady state: the head of a dict of one batch at once.
            self.depth += 1;
            let head = [Opcode::EmptyDict, Opcode::Memoize, Opcode::Mark];
            self.out.write(&head.map(Opcode::byte));
            match self.classes.get(slot).short_names {
                Some(names) => Step::Packed(names),
                None => Step::Steady,
            }
        } else {
            self.dict_prefix(len)?;
            self.entry_step(len)
        };
        Ok(InstanceWriter {
            p: self,
            class,
            dict: true,
            slot,
            next: 0,
            step,
        })
    }

    /// The steady state of writing many instances of one class at protocol
    /// 4+: the class is in the memo (and, from the second instance on, so
    /// are its attribute names), so everything up to the first attribute
    /// name is the same few bytes each time, written at once. Returns `None` (nothing written) when that does not
    /// hold yet, when a frame could end inside those bytes, or when the
    /// general path has an error to report.
    #[inline]
    fn steady_prefix(&mut self, class: &'static ClassDesc) -> Option<usize> {
        const PREFIX: usize = 11; // the longest form below
        if self.proto < 4
            || class.repr != Repr::State
            || !(2..BATCH_SIZE).contains(&class.fields.len())
            || !self.out.fits_in_frame(PREFIX)
            // The instance and its state dict nest two deep.
            || self.depth + 2 > self.max_depth
        {
            return None;
        }
        let slot = self.classes.slot(class);
        let cls = self.classes.get(slot).global?;
        // The instance and its state dict.
        self.memo.reserve_indices(2)?;
        self.depth += 2;
        // The class, `()`, NEWOBJ, MEMOIZE, `{}`, MEMOIZE, MARK: fixed-size
        // writes, which compile to a few stores.
        if cls < 256 {
            let [a, b, c, d, e, f] = STATE_INSTANCE_HEAD;
            self.out
                .write(&[Opcode::BinGet.byte(), cls as u8, a, b, c, d, e, f]);
        } else {
            let [i0, i1, i2, i3] = cls.to_le_bytes();
            self.out.write(&[Opcode::LongBinGet.byte(), i0, i1, i2, i3]);
            self.out.write(&STATE_INSTANCE_HEAD);
        }
        Some(slot)
    }

    /// The class itself, fetched from the memo by its slot after the first time.
    pub(super) fn class_global(&mut self, class: &'static ClassDesc) -> Result<()> {
        let slot = self.classes.slot(class);
        if let Some(idx) = self.classes.get(slot).global {
            self.write_get(idx);
            return Ok(());
        }
        self.global(class.module, class.name, Origin::Python)?;
        // `None` when the class was written as an extension code, which is not memoized.
        self.classes.get(slot).global = self.memo.global(class.module, class.name);
        Ok(())
    }

    /// Attribute name `i` of `class` (interned: the same object in every instance).
    #[inline(always)]
    fn field_name(&mut self, class: &'static ClassDesc, slot: usize, i: usize) -> Result<()> {
        // The steady state, inline: a name fetched by `BINGET`.
        if let Some(&Some(idx)) = self.classes.get(slot).fields.get(i) {
            if idx < 256 && self.proto >= 1 {
                self.out.write(&[Opcode::BinGet.byte(), idx as u8]);
                return Ok(());
            }
        }
        self.field_name_slow(class, slot, i)
    }

    #[inline(never)]
    fn field_name_slow(&mut self, class: &'static ClassDesc, slot: usize, i: usize) -> Result<()> {
        if let Some(idx) = self.classes.get(slot).fields[i] {
            self.write_get(idx);
            return Ok(());
        }
        let name = class.fields[i].name;
        self.interned_str(name)?;
        let idx = self.interned_index(name);
        let class_memo = self.classes.get(slot);
        class_memo.fields[i] = idx;
        class_memo.pack_names();
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
}

impl InstanceWriter<'_, '_> {
    /// Writes the next field's value (with its attribute name, for a class
    /// whose state is a dict).
    #[inline(always)]
    pub fn field<T: ToPickle + ?Sized>(&mut self, value: &T) -> Result<()> {
        let i = self.next;
        if i >= self.class.fields.len() {
            return Err(miscount(self.class, None));
        }
        self.next = i + 1;
        // What goes before the value; one call of `to_pickle` below, so that
        // it is inlined once.
        match self.step {
            Step::Packed(names) => {
                let get = [Opcode::BinGet.byte(), (names >> (8 * i)) as u8];
                self.p.write_attr_name(AttrName { get })?;
            }
            Step::Steady | Step::Entry => {
                self.p.out.boundary()?;
                self.p.field_name(self.class, self.slot, i)?;
            }
            Step::BatchedEntry => return self.p.batched_entry(self.class, self.slot, i, value),
            Step::Item => {}
        }
        value.to_pickle(self.p)
    }

    /// Writes what follows the last field.
    #[inline(always)]
    pub fn end(self) -> Result<()> {
        if self.next != self.class.fields.len() {
            return Err(miscount(self.class, Some(self.next)));
        }
        let p = self.p;
        match (self.step, self.dict) {
            (Step::Steady | Step::Packed(_), false) => {
                p.out
                    .write(&[Opcode::SetItems.byte(), Opcode::Build.byte()]);
                p.depth -= 2;
            }
            (Step::Steady | Step::Packed(_), true) => {
                p.out.op(Opcode::SetItems);
                p.depth -= 1;
            }
            (_, true) => p.dict_suffix(self.class.fields.len()),
            (_, false) => p.instance_suffix(self.class)?,
        }
        Ok(())
    }
}

impl Pickler<'_> {
    /// An entry of a state dict written at protocol 0 or in several batches,
    /// as `batched` writes it.
    #[inline(never)]
    fn batched_entry<T: ToPickle + ?Sized>(
        &mut self,
        class: &'static ClassDesc,
        slot: usize,
        i: usize,
        value: &T,
    ) -> Result<()> {
        if self.proto >= 1 && i > 0 && i % BATCH_SIZE == 0 {
            self.out.op(Opcode::Mark);
        }
        self.out.boundary()?;
        self.field_name(class, slot, i)?;
        value.to_pickle(self)?;
        if self.proto == 0 {
            self.out.op(Opcode::SetItem);
        } else if (i + 1) % BATCH_SIZE == 0 && i + 1 < class.fields.len() {
            self.out.op(Opcode::SetItems);
        }
        Ok(())
    }
}

/// The error for `given` values of `class` (`None`: more than it has fields).
#[cold]
fn miscount(class: &'static ClassDesc, given: Option<usize>) -> Error {
    let len = class.fields.len();
    let given = match given {
        Some(n) => n.to_string(),
        None => format!("more than {len}"),
    };
    Error::new(
        ErrorKind::Unpicklable,
        format!(
            "`{}` has {len} fields, {given} values were given",
            class.path()
        ),
    )
}
