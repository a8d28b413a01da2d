//! Python class stubs: the importable Python package whose classes match
//! the Rust types, generated from them.
//!
//! A pickle of `shop.models.Order` loads only where `shop.models` can be
//! imported. [`Stubs`] writes that module from the Rust types, with typed
//! classes, so the Python side cannot drift from the Rust side and a type
//! checker (`mypy --strict`) catches misuse on the Python side:
//!
//! ```no_run
//! # #[cfg(feature = "derive")]
//! # fn main() -> std::io::Result<()> {
//! use pickle_core::{stubs::Stubs, ToPickle};
//!
//! #[derive(ToPickle)]
//! #[pickle(module = "shop.models")]
//! struct Item {
//!     sku: String,
//!     qty: u32,
//! }
//!
//! #[derive(ToPickle)]
//! #[pickle(module = "shop.models")]
//! struct Order {
//!     id: i64,
//!     items: Vec<Item>,
//!     note: Option<String>,
//! }
//!
//! let mut stubs = Stubs::new();
//! stubs.add::<Order>(); // and Item, which Order's fields name
//! stubs.write_package("python".as_ref())?; // python/shop/__init__.py, python/shop/models.py
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "derive"))]
//! # fn main() {}
//! ```
//!
//! writes `python/shop/models.py`:
//!
//! ```python
//! from __future__ import annotations
//!
//! import dataclasses
//! import typing
//!
//!
//! @dataclasses.dataclass
//! class Item:
//!     """Rust: `my_crate::Item`."""
//!
//!     sku: str
//!     qty: int
//!
//!
//! @dataclasses.dataclass
//! class Order:
//!     """Rust: `my_crate::Order`."""
//!
//!     id: int
//!     items: typing.List[Item]
//!     note: typing.Optional[str] = None
//! ```
//!
//! (after a header comment saying it is generated, from which Rust types).
//!
//! # The classes
//!
//! Each kind of class ([`Repr`](crate::class::Repr)) becomes the Python
//! class that CPython pickles as the Rust type is written:
//!
//! | Rust | Python |
//! |---|---|
//! | a struct (default) | `@dataclasses.dataclass` |
//! | `slots` | a class with `__slots__`, `__init__`, `__eq__` and `__repr__` (Python 3.8 has no `@dataclass(slots=True)`) |
//! | `new_args` (tuple structs) | a `typing.NamedTuple` (fields `f0`, `f1`, ... unless renamed) |
//! | `reduce` | a dataclass whose `__reduce__` returns `(cls, (fields...))` |
//! | an enum of unit variants | an `enum.Enum` with the members' exact values |
//! | an enum with data | one class per variant, and a `typing.Union` of them named as the enum |
//! | `dict` | no class: `typing.Dict[str, typing.Any]` |
//! | `transparent` | no class: the field's type |
//!
//! Fields keep their order (the order of the pickled attributes or
//! arguments) and their Python names (`rename`, `rename_all`); skipped
//! fields are left out. Fields are required in the constructor, except a
//! trailing run of optional ones (`Option<T>`), which default to `None`.
//!
//! # Types
//!
//! A field's annotation is its Rust type's [`PyType`]: `int` for integers
//! and [`BigInt`](crate::BigInt), `float`, `bool`, `str` (also `char` and
//! [`PyStr`](crate::PyStr)), `bytes` ([`ByteBuf`](crate::ByteBuf) and
//! `#[pickle(bytes)]` fields), `bytearray` ([`ByteArray`](crate::ByteArray)),
//! `typing.List[T]` (`Vec`, `VecDeque`, arrays), `typing.Tuple[A, B]`,
//! `typing.Optional[T]`, `typing.Dict[K, V]`, `typing.Set[T]`, `typing.Any`
//! ([`Value`](crate::Value)), `None` (`()`), and the class of a derived
//! type. A field written `with = "module"` is `typing.Any` unless
//! `#[pickle(py_type = "...")]` gives its annotation as Python text, such
//! as `py_type = "float"` or `py_type = "datetime.timedelta"` (every
//! dotted name in it imports its module).
//!
//! A generic type is a generic class (`class Wrapper(typing.Generic[T])`)
//! when its fields use its parameters, and a field of type `Wrapper<i64>`
//! is `Wrapper[int]`. A `NamedTuple` cannot be generic before Python 3.11:
//! its fields of a parameter's type are `typing.Any`. Build instances of
//! generic classes as `Wrapper(...)`: `Wrapper[int](...)` records
//! `__orig_class__` on the instance, which then pickles differently.
//!
//! Types of other crates map to Python types by implementing [`PyType`];
//! a class from another module ([`TypeExpr::class`]) is imported where
//! it is named:
//!
//! ```
//! use pickle_core::stubs::{PyType, Registry, TypeExpr};
//!
//! struct NaiveDateTime; // a foreign type, written as a `datetime.datetime`
//!
//! impl PyType for NaiveDateTime {
//!     fn py_type(_: &mut Registry) -> TypeExpr {
//!         TypeExpr::class("datetime", "datetime")
//!     }
//! }
//! ```
//!
//! # Which types describe themselves
//!
//! `#[derive(ToPickle)]` implements [`PyType`]. A type that derives only
//! `FromPickle` derives [`PyType`](derive@crate::PyType) as well (with the
//! same `#[pickle(...)]` attributes) to be described; deriving it next to
//! `ToPickle` is a conflicting implementation.
//!
//! # Modules and imports
//!
//! One Python module per `module` path; every package on the way gets an
//! `__init__.py` (and the top-level package a `py.typed` marker, so type
//! checkers read the annotations of an installed copy). A class naming a
//! class of another generated module imports that module (`import
//! shop.common`) and names the class in full (`shop.common.Address`);
//! with `from __future__ import annotations`, such imports also work in
//! cycles between modules. The source runs on Python 3.8 and later.
//!
//! Classes, aliases, type variables and imported modules share a module's
//! namespace: a class named like a module it imports (`typing`, `enum`,
//! `dataclasses`, the root of another generated module) is an error, as
//! are names Python cannot define and two Rust types describing one class
//! differently. Nested classes (`name = "Outer.Inner"`) are not supported.

mod names;
mod registry;
mod render;
mod types;

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

pub use registry::{Registry, TypeDesc, TypeShape};
pub use types::{PyType, TypeExpr, TypeParam};

use render::Mode;

/// The Python package of a set of Rust types: [`add`](Stubs::add) them,
/// then [`write_package`](Stubs::write_package), or get one module's
/// source with [`module_source`](Stubs::module_source).
#[derive(Debug, Default)]
pub struct Stubs {
    registry: Registry,
}

/// One generated file: its path under the output directory and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// The path, relative to the output directory (`shop/models.py`).
    pub path: PathBuf,
    /// The Python module it defines (`shop.models`); empty for `py.typed`.
    pub module: String,
    /// The file's text.
    pub text: String,
}

impl Stubs {
    /// No classes yet.
    pub fn new() -> Stubs {
        Stubs::default()
    }

    /// Adds the classes that `T` names: its own if it is a class, and
    /// recursively every class its fields name (`add::<Vec<Order>>()` adds
    /// `Order`'s).
    pub fn add<T: PyType + ?Sized>(&mut self) -> &mut Stubs {
        T::py_type(&mut self.registry);
        self
    }

    /// The modules that have classes, sorted (`shop.models`); the packages
    /// that hold them are not listed.
    pub fn modules(&self) -> Vec<String> {
        let modules: BTreeSet<&str> = self
            .registry
            .defs()
            .iter()
            .map(|d| d.module.as_str())
            .collect();
        modules.into_iter().map(str::to_owned).collect()
    }

    /// The Python source of `module` (a module with classes, or a package
    /// of such modules).
    pub fn module_source(&self, module: &str) -> io::Result<String> {
        self.module_text(module, Mode::Source)
    }

    /// The type stub (`.pyi`) of `module`: as
    /// [`module_source`](Stubs::module_source), with `...` for method
    /// bodies. For a Python module that is written by hand yet should be
    /// type-checked as the Rust types say.
    pub fn module_stub(&self, module: &str) -> io::Result<String> {
        self.module_text(module, Mode::Stub)
    }

    /// Every file of the package: a `.py` file per module, an
    /// `__init__.py` per package, and `py.typed` in each top-level package.
    pub fn files(&self) -> io::Result<Vec<File>> {
        self.all_files(Mode::Source)
    }

    /// Every file of the type stubs: a `.pyi` file per module and an
    /// `__init__.pyi` per package.
    pub fn stub_files(&self) -> io::Result<Vec<File>> {
        self.all_files(Mode::Stub)
    }

    /// Writes the package under `dir` (`dir/shop/__init__.py`,
    /// `dir/shop/models.py`, ...), creating directories as needed and
    /// replacing files of the same names; other files are left alone.
    pub fn write_package(&self, dir: &Path) -> io::Result<()> {
        write_files(dir, &self.files()?)
    }

    /// Writes the type stubs (`.pyi`) under `dir`, as
    /// [`write_package`](Stubs::write_package) writes the modules.
    pub fn write_stubs(&self, dir: &Path) -> io::Result<()> {
        write_files(dir, &self.stub_files()?)
    }

    fn module_text(&self, module: &str, mode: Mode) -> io::Result<String> {
        if !self.all_modules().contains(module) {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no generated module `{module}`"),
            ));
        }
        self.check()?;
        render::module(&self.registry, module, mode).map_err(invalid)
    }

    /// The modules with classes and every package above them.
    fn all_modules(&self) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        for m in self.modules() {
            let mut path = m.as_str();
            all.insert(m.clone());
            while let Some((parent, _)) = path.rsplit_once('.') {
                all.insert(parent.to_owned());
                path = parent;
            }
        }
        all
    }

    /// The errors found while adding types.
    fn check(&self) -> io::Result<()> {
        if self.registry.errors().is_empty() {
            return Ok(());
        }
        Err(invalid(self.registry.errors().to_vec()))
    }

    fn all_files(&self, mode: Mode) -> io::Result<Vec<File>> {
        self.check()?;
        let all = self.all_modules();
        let ext = match mode {
            Mode::Source => "py",
            Mode::Stub => "pyi",
        };
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for module in &all {
            let prefix = format!("{module}.");
            let package = all.iter().any(|m| m.starts_with(&prefix));
            let mut path: PathBuf = module.split('.').collect();
            if package {
                path.push(format!("__init__.{ext}"));
            } else {
                path.set_extension(ext);
            }
            match render::module(&self.registry, module, mode) {
                Ok(text) => files.push(File {
                    path,
                    module: module.clone(),
                    text,
                }),
                Err(e) => errors.extend(e),
            }
            if mode == Mode::Source && package && !module.contains('.') {
                files.push(File {
                    path: Path::new(module).join("py.typed"),
                    module: String::new(),
                    text: String::new(),
                });
            }
        }
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
        Ok(files)
    }
}

/// Writes each file under `dir`.
fn write_files(dir: &Path, files: &[File]) -> io::Result<()> {
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &f.text)?;
    }
    Ok(())
}

/// The problems found, as one error.
fn invalid(errors: Vec<String>) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("cannot generate the Python classes: {}", errors.join("; ")),
    )
}
