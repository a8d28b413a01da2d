//! `#[derive(ToPickle, FromPickle)]`: Rust types as real, importable Python
//! classes, both ways.
//!
//! A derived type names a Python class (`#[pickle(module = "...")]`); its
//! values are written as CPython's `pickle.dumps` writes instances of that
//! class, byte for byte, at every protocol, so `pickle.load` in Python gives
//! real instances of the class. Reading accepts what CPython writes for that
//! class, and nothing else.
//!
//! ```
//! use pickle_core::{FromPickle, Protocol, ToPickle};
//!
//! // In Python: `@dataclass class Point: x: int; y: int` in module `geo`.
//! #[derive(ToPickle, FromPickle, Debug, PartialEq)]
//! #[pickle(module = "geo")]
//! struct Point {
//!     x: i64,
//!     y: i64,
//! }
//!
//! let bytes = pickle_core::to_vec_with(&Point { x: 1, y: 2 }, Protocol::V2)?;
//! // pickle.dumps(geo.Point(1, 2), protocol=2) in CPython 3.11
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02cgeo\nPoint\nq\x00)\x81q\x01}q\x02(X\x01\x00\x00\x00xq\x03K\x01X\x01\x00\x00\x00yq\x04K\x02ub."
//! );
//! assert_eq!(pickle_core::from_slice::<Point>(&bytes)?, Point { x: 1, y: 2 });
//! # Ok::<(), pickle_core::Error>(())
//! ```
//!
//! # Representations
//!
//! What CPython writes for an instance depends on what kind of class it is;
//! one container attribute picks the kind (at most one of them).
//!
//! | attribute | Python class | written as | default for |
//! |---|---|---|---|
//! | (none) | a plain class or `@dataclass` (also frozen) | `cls.__new__(cls)`, then `BUILD` with the instance dict; `copyreg._reconstructor` at protocols 0-1 | structs with named fields, unit structs, struct and unit variants |
//! | `slots` | a class with `__slots__` | like the above, with the state `(None, {slot: value})` | |
//! | `new_args` | a `namedtuple` | `cls.__new__(cls, *fields)` (`NEWOBJ`); `copyreg._reconstructor(cls, tuple, fields)` at protocols 0-1 | tuple structs and tuple variants |
//! | `reduce` | a class whose `__reduce__` returns `(cls, (fields...))` | `cls(*fields)` (`REDUCE`) | |
//! | `dict` | no class: a plain `dict` of the fields | `{name: value}` | |
//! | `transparent` | no class: the one field itself | the field | |
//! | (enum of unit variants) | an `enum.Enum` (or `IntEnum`) | `cls(value)` (`REDUCE`), each member written once and then fetched from the memo (`getattr(cls, 'NAME')` for CPython 3.11.0 to 3.11.4, which write members by name; reading takes both) | |
//!
//! CPython refuses to pickle `__slots__` classes at protocols 0 and 1; for
//! `slots` types this crate writes, at those protocols, a form that
//! CPython's unpickler loads into the right instance.
//!
//! A struct or enum needs `module` (it is a class), `dict` or
//! `transparent`; without any of them the derive fails with "missing
//! module".
//!
//! # Container attributes
//!
//! On the struct or enum. Keys combine in one attribute, as in serde:
//! `#[pickle(module = "shop.models", name = "Pair", new_args)]`.
//!
//! | attribute | meaning |
//! |---|---|
//! | `module = "shop.models"` | the module that defines the class (required for a class) |
//! | `name = "OrderV2"` | the class name in Python (default: the Rust name); a dotted name is a nested class |
//! | `slots` / `new_args` / `reduce` | the kind of class, see [Representations](#representations) |
//! | `dict` | a plain dict, no class |
//! | `transparent` | a wrapper of one field (other fields must be `skip`): written and read as that field |
//! | `alias = "shop.legacy.Order"` | another class (`module.Name`) accepted when reading; repeatable |
//! | `deny_unknown_fields` | reading: an attribute that is no field is an error (default: ignored) |
//! | `rename_all = "..."` | the Python names of the fields (of a struct, or of every variant of a data enum) or of the members (of an enum of unit variants): `lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE`, as serde applies them |
//! | `crate = "path"` | where `pickle_core` is, for crates that re-export it (default `::pickle_core`) |
//!
//! # Field attributes
//!
//! | attribute | meaning |
//! |---|---|
//! | `rename = "unitPrice"` | the attribute name in Python |
//! | `alias = "price"` | another attribute name accepted when reading; repeatable |
//! | `default` | reading: a missing attribute is `Default::default()` |
//! | `default = "path::to::fn"` | reading: a missing attribute is `path::to::fn()` |
//! | `skip` | neither written nor read; reading sets `Default::default()` (or the `default` function). The type must implement `Default` |
//! | `with = "module"` | written by `module::to_pickle(&T, &mut Pickler<'_>) -> Result<()>`, read by `module::from_pickle(Decoder<'_>) -> Result<T>` |
//! | `bytes` | a `Vec<u8>`, `[u8; N]`, `Box<[u8]>` (or an `Option` of one) written as Python `bytes` instead of a list of ints; reading accepts `bytes`, `bytearray` and buffers |
//! | `py_type = "datetime.timedelta"` | the field's annotation in the generated Python class ([`stubs`](crate::stubs)), as Python text; every dotted name in it imports its module. Without it a `with` field is `typing.Any`, any other field its type's [`PyType`](trait@crate::PyType) |
//!
//! A field is required when reading unless it has `default` (an
//! `Option<T>` field too: Python instances have every attribute their class
//! sets, `None` included).
//!
//! The Python names of the fields of a tuple struct or tuple variant are
//! `f0`, `f1`, ... (the field's index in Rust, skipped fields counted),
//! unless renamed. For `new_args` and `reduce` the fields are the
//! constructor's arguments, in order.
//!
//! # Enums
//!
//! An enum whose variants are all units is an `enum.Enum` class; a variant
//! is a member. Its value, what CPython pickles, is:
//!
//! - `#[pickle(value = "happy")]` (a `str`) or `#[pickle(value = 3)]` (an `int`) on the variant;
//! - else its explicit discriminant (`Red = 1`), which must be an integer literal;
//! - else its Rust discriminant: the previous variant's discriminant plus
//!   one, the first variant's being 0 (`value` does not change this count).
//!
//! The member name is the variant name, or `rename`/`name` on the variant,
//! or `rename_all` on the enum.
//!
//! ```
//! use pickle_core::{FromPickle, Protocol, ToPickle};
//!
//! // class Color(enum.Enum): RED = 1; GREEN = 2   (module `geo`)
//! #[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
//! #[pickle(module = "geo", rename_all = "UPPERCASE")]
//! enum Color {
//!     Red = 1,
//!     Green,
//! }
//!
//! let colors = vec![Color::Red, Color::Green, Color::Red];
//! let bytes = pickle_core::to_vec_with(&colors, Protocol::V2)?;
//! // pickle.dumps([Color.RED, Color.GREEN, Color.RED], protocol=2)
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02]q\x00(cgeo\nColor\nq\x01K\x01\x85q\x02Rq\x03h\x01K\x02\x85q\x04Rq\x05h\x03e."
//! );
//! assert_eq!(pickle_core::from_slice::<Vec<Color>>(&bytes)?, colors);
//! # Ok::<(), pickle_core::Error>(())
//! ```
//!
//! An enum with data is one class per variant, all in the enum's module:
//! the class is named after the variant (or `#[pickle(name = "...")]` on
//! it). Each variant has the enum's representation key if it has one, else
//! the default for its shape; a variant may set its own `slots`, `new_args`
//! or `reduce`. A unit variant is an instance without attributes. Reading
//! picks the variant by the class of the instance.
//!
//! | variant attribute | meaning |
//! |---|---|
//! | `rename = "RED"` / `name = "Circle"` | the member name (unit enums) or the class name (data enums) |
//! | `value = "happy"` / `value = 1` | the member's value (unit enums only) |
//! | `slots` / `new_args` / `reduce` | the variant class's kind (data enums) |
//! | `alias = "shop.legacy.Circle"` | another class accepted for the variant when reading (data enums) |
//! | `rename_all = "..."` | the Python names of the variant's fields (data enums) |
//!
//! # Dicts and wrappers
//!
//! ```
//! use pickle_core::{FromPickle, Protocol, ToPickle};
//!
//! #[derive(ToPickle, FromPickle, Debug, PartialEq)]
//! #[pickle(dict)]
//! struct Settings {
//!     theme: String,
//!     size: i64,
//! }
//!
//! #[derive(ToPickle, FromPickle, Debug, PartialEq)]
//! #[pickle(transparent)]
//! struct UserId(i64);
//!
//! let settings = Settings { theme: "dark".into(), size: 14 };
//! let bytes = pickle_core::to_vec_with(&settings, Protocol::V2)?;
//! // pickle.dumps({'theme': 'dark', 'size': 14}, protocol=2)
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02}q\x00(X\x05\x00\x00\x00themeq\x01X\x04\x00\x00\x00darkq\x02X\x04\x00\x00\x00sizeq\x03K\x0eu."
//! );
//! assert_eq!(pickle_core::to_vec(&UserId(7))?, pickle_core::to_vec(&7_i64)?);
//! # Ok::<(), pickle_core::Error>(())
//! ```
//!
//! # The Python classes, generated
//!
//! `#[derive(ToPickle)]` also implements [`PyType`](trait@crate::PyType):
//! the type describes its class (module, name, kind, fields with their
//! annotations, members), and [`stubs::Stubs`](crate::stubs::Stubs)
//! writes the Python package of the classes that a type names,
//! recursively, so Python imports exactly the classes Rust writes and
//! reads:
//!
//! ```no_run
//! # use pickle_core::ToPickle;
//! # #[derive(ToPickle)]
//! # #[pickle(module = "geo")]
//! # struct Point { x: i64, y: i64 }
//! let mut stubs = pickle_core::stubs::Stubs::new();
//! stubs.add::<Point>();
//! stubs.write_package("python".as_ref())?; // python/geo.py
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! A type that derives only `FromPickle` derives `PyType` too
//! (`#[derive(FromPickle, PyType)]`), to be described; next to `ToPickle`
//! that would be a second implementation. See [`stubs`](crate::stubs) for
//! what each kind of class becomes in Python.
//!
//! # Reading is an allowlist
//!
//! A typed decode accepts only the classes that the target type, and the
//! types inside it, name (with their aliases), and built-in data (numbers,
//! strings, bytes, lists, tuples, dicts, sets). Any other class or function
//! in the pickle is an [`UnexpectedGlobal`](crate::ErrorKind::UnexpectedGlobal)
//! error naming it (`posix.system`) with the byte offset of the opcode that
//! made the object; nothing is ever imported or called. Instances are
//! accepted in every shape CPython writes them (`NEWOBJ`,
//! `copyreg._reconstructor`, `REDUCE`, `INST`, `OBJ`), and Python 2 names
//! at protocols 0-2 (`copy_reg`, `__builtin__`) as CPython maps them.
//!
//! Errors inside a value carry the path to it, from the outermost class,
//! by Python names: `Order.items[3].price`. Two references to one Python
//! object decode into two equal Rust values.
//!
//! # Generics
//!
//! Type parameters used by fields get the bound their fields need
//! (`T: ToPickle` or `T: FromPickle`; `T: Default` for `skip` and `default`
//! fields); the type's own where clauses are kept. Each class description is
//! a `static` inside the generated function, shared by all instantiations.
//!
//! # Object identity
//!
//! CPython memoizes by identity: an object referenced twice is written once.
//! Derived values write each field as a new object, as serde does (two
//! `Rc` clones are two objects), except for attribute names, classes and
//! enum members, which are one object in Python too. CPython also keeps one
//! object of the empty string, of each one-character string below U+0100
//! and of `b''` and each one-byte `bytes`, so those are written once and
//! fetched from the memo after, as `pickle.dumps` does (and, in the
//! versions where a one-character value is the same object as an attribute
//! name of that letter, from that name's memo entry: see
//! [`ser::Options::python_version`](crate::ser::Options::python_version)).
//! So the bytes equal CPython's for objects that share nothing else.
