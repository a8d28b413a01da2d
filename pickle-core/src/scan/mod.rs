//! A safe inspector: what a stream of pickles would import and call if
//! Python loaded it, judged by a [`Policy`].
//!
//! [`scan`] reads every pickle in its input, one after another to the end
//! of the bytes (as a loop of `pickle.load` does, and as the legacy
//! `torch.save` format writes several), with a stack machine that follows
//! CPython's opcode by opcode but keeps only what a judgement needs: the
//! names a pickle imports (by `GLOBAL`, `STACK_GLOBAL` from memoized
//! strings, `INST`, extension codes, `getattr`), what it calls (`REDUCE`,
//! `NEWOBJ`, `NEWOBJ_EX`, `INST`, `OBJ`), whose state it sets (`BUILD`),
//! its persistent ids and out-of-band buffers. Plain data is skipped, not
//! built, so a scan's memory stays a fraction of its input. Nothing is
//! imported or called.
//!
//! Each [`Finding`] says what happens at a byte offset and how safe it is:
//! [`Safety::Data`] and [`Safety::Safe`] pass, [`Safety::Unknown`] (not on
//! the allowlist) and [`Safety::Dangerous`] (a known gadget, or a shape no
//! honest pickle has) do not; see [`Report::passes`]. Bytes that cannot be
//! read as pickles fail too: a scanner that cannot read something cannot
//! vouch for it. The structural rules:
//!
//! - `BUILD` on a global sets attributes of a module or class (it can
//!   replace `torch._utils._rebuild_tensor` with `eval`): dangerous;
//! - `STACK_GLOBAL` whose names are results of calls hides what it
//!   imports: dangerous;
//! - a call of what another call returned, a `getattr` that escapes (is
//!   stored, passed or returned rather than called on a name): dangerous;
//! - an opcode that runs across the end of a `FRAME`: `pickle.loads` and
//!   `pickle.load` of an unbuffered file read different opcodes. Dangerous,
//!   and both readings are scanned;
//! - joblib's arrays (raw bytes after a `NumpyArrayWrapper`'s `BUILD`, or
//!   a pickle of an object array) and the legacy `torch.save` format's raw
//!   storages after its pickles are read as such; any other bytes after a
//!   pickle must be a pickle.
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
//! // pickle.dumps(collections.OrderedDict(a=1), protocol=2), then the same
//! // with a call of `os.system` appended: every pickle of a stream is read.
//! let safe = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00aq\x02K\x01s.";
//! assert!(pickle_core::scan(safe).passes());
//! let mut stream = safe.to_vec();
//! stream.extend_from_slice(b"cposix\nsystem\n(S'true'\ntR.");
//! let report = pickle_core::scan(&stream);
//! assert_eq!(report.verdict(), Safety::Dangerous);
//! assert_eq!(report.pickles.len(), 2);
//! ```

mod findings;
mod item;
mod joblib;
mod judge;
mod machine;
mod policy;
mod source;
mod stream;
mod torch;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

pub use policy::{Policy, Profile};

use crate::de::Limits;
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
    /// `NEWOBJ_EX`, `INST`, `OBJ`), or instantiates a class.
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
    /// Bytes that could not be read: a pickle that stops short or breaks,
    /// bytes after a pickle that are not one, a container or member that
    /// cannot be opened.
    Unreadable,
    /// Bytes that CPython's readers read differently (an opcode across the
    /// end of a `FRAME`).
    Ambiguous,
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
            Action::Unreadable => "unreadable",
            Action::Ambiguous => "ambiguous",
        }
    }
}

/// One thing the pickle would do in Python (or could not be read), with
/// how often it does it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The byte offset of the (first) opcode that does it.
    pub offset: u64,
    /// The byte offset where its pickle starts in the input.
    pub pickle: u64,
    /// That opcode; `None` for what no opcode does ([`Action::Unreadable`],
    /// [`Action::Ambiguous`]).
    pub opcode: Option<Opcode>,
    /// What it does.
    pub action: Action,
    /// What it acts on, for people: `posix.system`, `builtins.getattr ->
    /// mod.Outer.Inner`, `state of sklearn.tree._classes.DecisionTreeClassifier`.
    pub target: Arc<str>,
    /// The global acted on, when the scan can name it (through `getattr`
    /// chains too: `getattr(mod.Outer, 'Inner')` is `mod.Outer.Inner`).
    pub global: Option<Arc<Global>>,
    /// How safe it is.
    pub safety: Safety,
    /// Why, in a few words.
    pub reason: Cow<'static, str>,
    /// How many times the pickle does the same (from `offset` on).
    pub count: u64,
}

/// Everything a stream of pickles would import and call, by offset; see
/// [`scan`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Report {
    /// The findings, by offset.
    pub findings: Vec<Finding>,
    /// Why reading stopped before the end of the input, if it did.
    /// Findings before it stand (Python runs calls as it reads); what comes
    /// after it was not seen. It is also an [`Action::Unreadable`] finding.
    pub error: Option<Error>,
    /// The protocol the first pickle declared (its last `PROTO`), or 0.
    pub protocol: u8,
    /// Where each pickle read lies in the input (a pickle that broke ends
    /// where reading stopped).
    pub pickles: Vec<Range<u64>>,
}

impl Report {
    /// The worst safety of all findings; [`Safety::Data`] for plain values.
    /// Input that could not be read to its end is at least
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

    /// Whether the input passes the gate: read to its end, and nothing
    /// worse than [`Safety::Safe`] in it.
    pub fn passes(&self) -> bool {
        self.verdict() <= Safety::Safe
    }

    /// Whether the whole input was read (no [`Report::error`]).
    pub fn is_complete(&self) -> bool {
        self.error.is_none()
    }

    /// The findings of a given safety.
    pub fn with_safety(&self, safety: Safety) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.safety == safety)
    }
}

/// Settings of a scan: the policy, reading limits, and the extension
/// registry to resolve `EXT` codes with.
#[derive(Clone, Debug, Default)]
pub struct Scanner<'a> {
    limits: Limits,
    extensions: Option<&'a Extensions>,
    policy: Option<&'a Policy>,
}

impl<'a> Scanner<'a> {
    /// The default [`Policy`] and limits, no extension registry.
    pub fn new() -> Scanner<'a> {
        Scanner::default()
    }

    /// Sets the reading limits. A scan keeps far less than decoding does;
    /// what it keeps counts against [`Limits::max_alloc`], and the memo
    /// against [`Limits::max_memo`].
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

    /// Judges names by `policy` instead of [`Policy::new`].
    pub fn policy(mut self, policy: &'a Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Scans every pickle in `bytes`, to the end. Never fails: what cannot
    /// be read is part of the [`Report`].
    pub fn scan(&self, bytes: &[u8]) -> Report {
        let default;
        let policy = match self.policy {
            Some(p) => p,
            None => {
                default = Policy::new();
                &default
            }
        };
        stream::scan(bytes, policy, self.limits, self.extensions)
    }
}

/// Lists what the pickles in `bytes` would import and call in Python, judged
/// by the default [`Policy`]; see the [module documentation](self) and
/// [`Scanner`].
pub fn scan(bytes: &[u8]) -> Report {
    Scanner::new().scan(bytes)
}
