//! Settings for reading: limits, Python 2 strings, persistent ids, extension
//! codes and out-of-band buffers.

use std::fmt;

use crate::ext::Extensions;
use crate::value::{Buffer, Value};

/// Bounds on what one decode may use. Every limit has its own
/// [`ErrorKind`](crate::ErrorKind), checked before memory is reserved.
///
/// The defaults let any honest pickle of a few GB through: CPython itself
/// cannot write values nested deeper than its recursion limit (1000).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How deep values may nest (containers in containers). Default 1000.
    pub max_depth: usize,
    /// How many memo entries the pickle may create. Default 2^26.
    pub max_memo: usize,
    /// How many marks may be open at once. Default 1000 (marks nest like values).
    pub max_marks: usize,
    /// How many bytes decoding may allocate in all: objects, text, stacks, and
    /// the input buffered from a reader. Default 16 GiB.
    pub max_alloc: usize,
    /// Typed decoding copies a shared object at every reference to it (a
    /// [`Value`] shares it instead). It may visit at most this many times as
    /// many objects as the pickle holds (and at least 2^20). Default 16.
    pub max_copies_factor: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 1000,
            max_memo: 1 << 26,
            max_marks: 1000,
            max_alloc: 16 << 30,
            max_copies_factor: 16,
        }
    }
}

impl Limits {
    /// The default limits.
    pub fn new() -> Limits {
        Limits::default()
    }

    /// Sets [`Limits::max_depth`].
    pub fn max_depth(mut self, n: usize) -> Limits {
        self.max_depth = n;
        self
    }

    /// Sets [`Limits::max_memo`].
    pub fn max_memo(mut self, n: usize) -> Limits {
        self.max_memo = n;
        self
    }

    /// Sets [`Limits::max_marks`].
    pub fn max_marks(mut self, n: usize) -> Limits {
        self.max_marks = n;
        self
    }

    /// Sets [`Limits::max_alloc`].
    pub fn max_alloc(mut self, n: usize) -> Limits {
        self.max_alloc = n;
        self
    }

    /// Sets [`Limits::max_copies_factor`].
    pub fn max_copies_factor(mut self, n: usize) -> Limits {
        self.max_copies_factor = n;
        self
    }
}

/// How to read Python 2 `str` objects (the `STRING`, `BINSTRING` and
/// `SHORT_BINSTRING` opcodes), like the `encoding` argument of
/// `pickle.loads`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StringEncoding {
    /// Decode as ASCII; anything else is an error (CPython's default).
    #[default]
    Ascii,
    /// Decode as Latin-1: every byte is a code point (`encoding='latin1'`).
    Latin1,
    /// Decode as UTF-8 (`encoding='utf-8'`).
    Utf8,
    /// Keep them as `bytes` (`encoding='bytes'`).
    Bytes,
}

/// A function that turns a persistent id into the object it stands for.
pub type PersistentLoad<'a> = &'a dyn Fn(&Value) -> Result<Value, String>;

/// What to do with persistent ids (`PERSID`, `BINPERSID`).
#[derive(Clone, Copy, Default)]
#[non_exhaustive]
pub enum PersistentIds<'a> {
    /// Refuse them, as CPython does without `persistent_load` (the default).
    #[default]
    Refuse,
    /// Keep each as [`Value::PersistentId`], so it can be inspected or
    /// written back unchanged.
    Keep,
    /// Replace each by what the function returns (CPython's `persistent_load`).
    Load(PersistentLoad<'a>),
}

impl fmt::Debug for PersistentIds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PersistentIds::Refuse => f.write_str("Refuse"),
            PersistentIds::Keep => f.write_str("Keep"),
            PersistentIds::Load(_) => f.write_str("Load(..)"),
        }
    }
}

/// Settings for reading.
///
/// ```
/// use pickle_core::de::{Limits, Options};
/// use pickle_core::Value;
///
/// let opts = Options::new().limits(Limits::new().max_depth(64));
/// let v: Value = opts.from_slice(b"\x80\x04K\x07.")?; // pickle.dumps(7, protocol=4)
/// assert_eq!(v, Value::Int(7));
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Options<'a> {
    pub(crate) limits: Limits,
    pub(crate) encoding: StringEncoding,
    pub(crate) fix_imports: bool,
    pub(crate) persistent_ids: PersistentIds<'a>,
    pub(crate) extensions: Option<&'a Extensions>,
    pub(crate) buffers: Option<&'a [Buffer]>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            encoding: StringEncoding::default(),
            fix_imports: true,
            persistent_ids: PersistentIds::default(),
            extensions: None,
            buffers: None,
        }
    }
}

impl<'a> Options<'a> {
    /// Default limits, ASCII Python 2 strings, Python 2 names mapped,
    /// persistent ids, extension codes and out-of-band buffers refused.
    pub fn new() -> Options<'a> {
        Options::default()
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets how Python 2 `str` objects are read.
    pub fn string_encoding(mut self, encoding: StringEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Whether to rename Python 2 globals at protocols below 3, as CPython
    /// does by default (`fix_imports=True`).
    pub fn fix_imports(mut self, yes: bool) -> Self {
        self.fix_imports = yes;
        self
    }

    /// Sets what to do with persistent ids.
    pub fn persistent_ids(mut self, ids: PersistentIds<'a>) -> Self {
        self.persistent_ids = ids;
        self
    }

    /// Supplies the extension registry for `EXT1/2/4`.
    pub fn extensions(mut self, extensions: &'a Extensions) -> Self {
        self.extensions = Some(extensions);
        self
    }

    /// Supplies the out-of-band buffers that `NEXT_BUFFER` takes, in order.
    /// What is read shares their bytes: nothing is copied, and nothing is
    /// charged to [`Limits::max_alloc`] for them.
    pub fn buffers(mut self, buffers: &'a [Buffer]) -> Self {
        self.buffers = Some(buffers);
        self
    }
}
