//! Python classes as Rust types describe them: one description per class,
//! read by the writer, the typed reader and the stub generator alike.
//!
//! `#[derive(ToPickle, FromPickle)]` builds a [`ClassDesc`] for each type
//! mapped to a Python class; the [`Pickler`](crate::Pickler) writes
//! instances from it as CPython writes instances of that kind of class, and
//! the [`Decoder`](crate::Decoder) reads them back, accepting only that class
//! (and its aliases).

use crate::opcode::Opcode;

/// How instances of a Python class are pickled: what the class's
/// `__reduce_ex__` returns, and so what CPython writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Repr {
    /// A plain class or `@dataclass`: `cls.__new__(cls)` (`NEWOBJ`), then
    /// `BUILD` with the instance dict. At protocols 0 and 1,
    /// `copyreg._reconstructor(cls, object, None)` instead of `NEWOBJ`.
    State,
    /// A class with `__slots__`: like [`Repr::State`], with the state
    /// `(None, {slot: value})`.
    Slots,
    /// A `namedtuple` (a tuple subclass with `__getnewargs__`):
    /// `cls.__new__(cls, *fields)` (`NEWOBJ`). At protocols 0 and 1,
    /// `copyreg._reconstructor(cls, tuple, fields)`.
    NewArgs,
    /// A class whose `__reduce__` returns `(cls, (fields...))`: `cls(*fields)` (`REDUCE`).
    Reduce,
    /// An `enum.Enum` member: `cls(value)` (`REDUCE`); one object per member.
    Enum,
}

/// One field of a class: a Python attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDesc {
    /// The attribute name in Python.
    pub name: &'static str,
    /// Other names accepted when reading.
    pub aliases: &'static [&'static str],
    /// Whether reading may leave it out (the Rust side has a default).
    pub optional: bool,
}

/// The value of an enum member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberValue {
    /// An `int` value (`RED = 1`).
    Int(i64),
    /// A `str` value (`HAPPY = "happy"`).
    Str(&'static str),
}

/// One member of an `enum.Enum` class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// The member name in Python (`RED`).
    pub name: &'static str,
    /// Its value.
    pub value: MemberValue,
}

/// A Python class: where it lives, how it pickles, its fields.
///
/// Built by `#[derive(ToPickle, FromPickle)]`; the fields are public so the
/// derive can build it as a `static`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassDesc {
    /// The module that defines the class (`shop.models`).
    pub module: &'static str,
    /// The class's qualified name in its module (`Order`).
    pub name: &'static str,
    /// How instances pickle.
    pub repr: Repr,
    /// The fields, in order (for [`Repr::NewArgs`] and [`Repr::Reduce`], the
    /// order of the constructor's arguments).
    pub fields: &'static [FieldDesc],
    /// Other classes (`module.Name`) accepted when reading, such as an old
    /// name of the class.
    pub aliases: &'static [&'static str],
    /// Whether reading refuses attributes that are not fields.
    pub deny_unknown_fields: bool,
    /// For [`Repr::Enum`], the members.
    pub members: &'static [Member],
}

impl ClassDesc {
    /// Whether `module.name` is this class or one of its aliases.
    pub fn accepts(&self, module: &str, name: &str) -> bool {
        (module == self.module && name == self.name)
            || self.aliases.iter().any(|alias| {
                alias
                    .rsplit_once('.')
                    .is_some_and(|(m, n)| m == module && n == name)
            })
    }

    /// The index of the field with Python name (or alias) `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.name == name || f.aliases.contains(&name))
    }

    /// `module.name`, for messages; just `name` for a description without
    /// a module (a `#[pickle(dict)]` type, which is no class).
    pub fn path(&self) -> String {
        if self.module.is_empty() {
            return self.name.to_owned();
        }
        format!("{}.{}", self.module, self.name)
    }
}

/// What CPython writes after the class of an instance of a plain class
/// (`Repr::State`) with attributes, at protocol 4 and above: `()`, `NEWOBJ`,
/// `MEMOIZE` (the instance), `{}`, `MEMOIZE` (its state), `MARK` (the
/// first batch of attributes). The writer writes it after the class's memo
/// `GET` from the second instance on, and the streaming reader recognizes
/// it there.
pub(crate) const STATE_INSTANCE_HEAD: [u8; 6] = [
    Opcode::EmptyTuple.byte(),
    Opcode::NewObj.byte(),
    Opcode::Memoize.byte(),
    Opcode::EmptyDict.byte(),
    Opcode::Memoize.byte(),
    Opcode::Mark.byte(),
];

/// Whether CPython's compiler interns a string constant with this text (it
/// interns constants made only of ASCII letters, digits and underscores).
pub(crate) fn interned_by_python(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
