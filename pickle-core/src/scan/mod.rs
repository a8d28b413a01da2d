//! A safe inspector: what a pickle would import and call if Python loaded it.
//!
//! [`scan`] runs the same reading machine as [`from_slice`](crate::from_slice)
//! (so it sees exactly the names and calls a load would, including names
//! built by `STACK_GLOBAL` from memoized strings and Python 2 names renamed
//! as CPython renames them) and lists, in pickle order, every global the
//! pickle imports, every call it makes (`REDUCE`, `NEWOBJ`, `NEWOBJ_EX`,
//! `INST`, `OBJ`, and `BUILD`, which may call `__setstate__`), every
//! extension code, persistent id and out-of-band buffer, each with its byte
//! offset and a [`Safety`] class. Nothing is imported or called.
//!
//! Reading stops at the first error, as a load does; what was seen up to
//! there is still reported, with the error: Python would already have run
//! those calls. Where a load needs the caller's help (persistent ids,
//! extension codes, out-of-band buffers), the scan reports the reference and
//! reads on.
//!
//! ```
//! use pickle_core::scan::{Action, Safety};
//!
//! // pickle.dumps(os.system, protocol=0) in CPython 3.11 on Linux
//! let report = pickle_core::scan(b"cposix\nsystem\np0\n.");
//! assert_eq!(report.verdict(), Safety::Dangerous);
//! let found = &report.findings[0];
//! assert_eq!((found.offset, found.action), (0, Action::Import));
//! assert_eq!(&*found.target, "posix.system");
//!
//! // pickle.dumps(collections.OrderedDict(a=1), protocol=2)
//! let report = pickle_core::scan(
//!     b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00aq\x02K\x01s.",
//! );
//! assert_eq!(report.verdict(), Safety::Safe);
//! assert!(report.is_complete());
//! ```

mod classify;
mod walk;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::de::{Limits, Options, PersistentIds};
use crate::error::Error;
use crate::ext::Extensions;
use crate::opcode::Opcode;
use crate::value::Global;

/// The longest global name (module and qualified name, in bytes) a
/// finding keeps and the scan classifies by its parts; a longer one is
/// [`Safety::Dangerous`] by itself. Real names are far shorter, and the bound
/// keeps a report's size proportional to the pickle's.
pub const MAX_NAME: usize = 256;

/// How safe one finding is, from plain data to dangerous; ordered, so the
/// worst of several is their maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Safety {
    /// A built-in constructor of plain data (`builtins.set`,
    /// `copyreg._reconstructor`, ...), or data the pickle carries.
    Data,
    /// A known-safe standard-library name (`datetime.datetime`,
    /// `collections.OrderedDict`, `decimal.Decimal`, ...).
    Safe,
    /// Not on the scanner's lists: a user or third-party class, a persistent
    /// id, anything the scanner cannot name. Harmless or not, only the code
    /// behind it can tell.
    Unknown,
    /// Runs code, commands or other pickles, touches files, processes or the
    /// network, or reaches into the interpreter (`os.system`,
    /// `builtins.eval`, `builtins.getattr` on an unknown object, ...).
    Dangerous,
}

impl Safety {
    /// A short lowercase label: `data`, `safe`, `unknown` or `dangerous`.
    pub fn label(self) -> &'static str {
        match self {
            Safety::Data => "data",
            Safety::Safe => "safe",
            Safety::Unknown => "unknown",
            Safety::Dangerous => "dangerous",
        }
    }
}

impl fmt::Display for Safety {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a pickle does at one offset, as Python would do it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Imports a global (`GLOBAL`, `STACK_GLOBAL`, `INST`, or an `EXT`
    /// code the registry resolves): `find_class(module, name)`.
    Import,
    /// Calls something to create an object (`REDUCE`, `NEWOBJ`,
    /// `NEWOBJ_EX`, `INST`, `OBJ`).
    Call,
    /// Sets an object's state (`BUILD`): calls its `__setstate__`, or sets
    /// its attributes.
    Build,
    /// An extension code the scan has no registry entry for: the loading
    /// process's `copyreg` registry decides which global it imports.
    Extension(i64),
    /// A persistent id: the loader's `persistent_load` decides what it is.
    PersistentId,
    /// An out-of-band buffer (`NEXT_BUFFER`): data the loader supplies.
    Buffer,
}

impl Action {
    /// A short lowercase label, such as `import` or `call`.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Import => "import",
            Action::Call => "call",
            Action::Build => "build",
            Action::Extension(_) => "extension",
            Action::PersistentId => "persistent id",
            Action::Buffer => "buffer",
        }
    }
}

/// One thing the pickle would do in Python.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The byte offset of the opcode that does it.
    pub offset: u64,
    /// That opcode.
    pub opcode: Opcode,
    /// What it does.
    pub action: Action,
    /// What it acts on, for people: `posix.system`, `builtins.getattr ->
    /// mod.Outer.Inner`, `persistent id "storage/0"`. Shared between the
    /// findings of one object, and cut to a few hundred characters.
    pub target: Arc<str>,
    /// The global acted on, when the scan can name it (through `getattr`
    /// chains too: `getattr(mod.Outer, 'Inner')` is `mod.Outer.Inner`). For
    /// `copyreg._reconstructor(cls, base, state)`, the class `cls`.
    /// Names longer than [`MAX_NAME`] bytes are not kept (and are
    /// dangerous: no real module or class has one).
    pub global: Option<Arc<Global>>,
    /// How safe it is.
    pub safety: Safety,
    /// Why, in a few words.
    pub reason: Cow<'static, str>,
}

/// Everything a pickle would import and call, in pickle order; see [`scan`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Report {
    /// The findings, by offset.
    pub findings: Vec<Finding>,
    /// Why reading stopped before the pickle's `STOP`, if it did. Findings
    /// before it stand (Python runs calls as it reads); what comes after it
    /// was not seen.
    pub error: Option<Error>,
    /// The protocol the pickle declared (its last `PROTO`), or 0.
    pub protocol: u8,
}

impl Report {
    /// The worst safety of all findings; [`Safety::Data`] for a pickle of
    /// plain values. A pickle that could not be read to its end is at least
    /// [`Safety::Unknown`]: what follows the error was not seen.
    pub fn verdict(&self) -> Safety {
        let worst = self
            .findings
            .iter()
            .map(|f| f.safety)
            .max()
            .unwrap_or(Safety::Data);
        if self.error.is_some() {
            worst.max(Safety::Unknown)
        } else {
            worst
        }
    }

    /// Whether the whole pickle was read (no [`Report::error`]).
    pub fn is_complete(&self) -> bool {
        self.error.is_none()
    }

    /// The findings of a given safety.
    pub fn with_safety(&self, safety: Safety) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.safety == safety)
    }
}

/// Settings of a scan: reading limits, and the extension registry to
/// resolve `EXT` codes with.
#[derive(Clone, Debug, Default)]
pub struct Scanner<'a> {
    limits: Limits,
    extensions: Option<&'a Extensions>,
}

impl<'a> Scanner<'a> {
    /// Default limits, no extension registry.
    pub fn new() -> Scanner<'a> {
        Scanner::default()
    }

    /// Sets the reading limits (the same as decoding's, see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Resolves `EXT1/2/4` codes with `extensions`, as a loader that
    /// registered them would; unregistered codes are still reported.
    pub fn extensions(mut self, extensions: &'a Extensions) -> Self {
        self.extensions = Some(extensions);
        self
    }

    /// Scans one pickle in `bytes` (bytes after its `STOP` are ignored, as
    /// `pickle.loads` ignores them). Never fails: a read error is part of
    /// the [`Report`].
    pub fn scan(&self, bytes: &[u8]) -> Report {
        let mut opts = Options::new()
            .limits(self.limits)
            .persistent_ids(PersistentIds::Keep);
        if let Some(extensions) = self.extensions {
            opts = opts.extensions(extensions);
        }
        walk::scan(bytes, &opts)
    }
}

/// Lists what the pickle in `bytes` would import and call in Python, with
/// the default limits; see the [module documentation](self) and
/// [`Scanner`].
pub fn scan(bytes: &[u8]) -> Report {
    Scanner::new().scan(bytes)
}
