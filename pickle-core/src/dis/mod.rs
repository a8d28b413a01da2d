//! A symbolic disassembler and an optimizer for pickles, identical to
//! CPython's `pickletools.dis` and `pickletools.optimize`.
//!
//! [`dis`] returns, character for character, the text
//! `pickletools.dis(data)` prints in CPython 3.11: one line per opcode with
//! its offset, its byte, its name indented by the open marks, and its
//! argument as Python's `repr()` shows it, then the highest protocol among
//! the opcodes. [`Options`] takes `pickletools.dis`' `annotate` and
//! `indentlevel` parameters. [`optimize`] returns the bytes
//! `pickletools.optimize(data)` returns.
//!
//! Both read the pickle through the first `STOP` and ignore what follows.
//! Both are driven by [the opcode table](crate::opcode), and both decode
//! arguments as `pickletools`' argument readers do (Python's `int()`,
//! `float()` and codecs), which in a few corners differ from the unpickler:
//! `INT 017` is 17 here, 15 to the unpickler.
//!
//! Like `pickletools.dis`, the disassembler checks the pickle as it goes
//! (stack underflow, a slice opcode without a mark, a memo key stored twice
//! or read before it is stored, a missing `STOP`, a stack left non-empty)
//! and fails at the same opcode with the same message. When it fails,
//! [`DisError::partial_text`] holds what `pickletools.dis` had printed when it
//! raised, which may end in the middle of a line.
//!
//! ```
//! // pickle.dumps([1, 'two'], protocol=2) in CPython 3.11
//! let pickle = b"\x80\x02]q\x00(K\x01X\x03\x00\x00\x00twoq\x01e.";
//! let text = pickle_core::dis(pickle)?;
//! assert_eq!(
//!     text,
//!     "    0: \\x80 PROTO      2
//!     2: ]    EMPTY_LIST
//!     3: q    BINPUT     0
//!     5: (    MARK
//!     6: K        BININT1    1
//!     8: X        BINUNICODE 'two'
//!    16: q        BINPUT     1
//!    18: e        APPENDS    (MARK at 5)
//!    19: .    STOP
//! highest protocol among opcodes = 2
//! "
//! );
//! // No BINGET reads the memo, so both BINPUTs go.
//! assert_eq!(
//!     pickle_core::optimize(pickle)?,
//!     b"\x80\x02](K\x01X\x03\x00\x00\x00twoe."
//! );
//! # Ok::<(), pickle_core::Error>(())
//! ```

mod args;
mod listing;
mod ops;
mod optimize;

use std::fmt;

use crate::error::{Error, Result};

/// The default [`Options::max_output`]: 256 MiB of text.
pub const DEFAULT_MAX_OUTPUT: usize = 256 << 20;

/// Disassembles a pickle as `pickletools.dis(data)` does, with its default
/// arguments, and returns the text it prints.
///
/// On malformed input the error has the offset of the opcode at fault; use
/// [`Options::dis`] to also get the text printed before it.
///
/// ```
/// // pickle.dumps(None, protocol=0) in CPython 3.11
/// assert_eq!(
///     pickle_core::dis(b"N.")?,
///     "    0: N    NONE\n    1: .    STOP\nhighest protocol among opcodes = 0\n"
/// );
/// # Ok::<(), pickle_core::Error>(())
/// ```
pub fn dis(pickle: &[u8]) -> Result<String> {
    Options::new().dis(pickle).map_err(|e| e.error)
}

/// Optimizes a pickle as `pickletools.optimize(data)` does and returns the
/// same bytes: memo stores that no memo read uses are dropped, the others
/// renumbered from 0 (`MEMOIZE` at protocol 4 and above, `BINPUT` or
/// `LONG_BINPUT` at 1 to 3, `PUT` at 0) with their reads, and at protocol
/// 4 and above the opcodes are cut into frames anew.
///
/// The pickle is read through its first `STOP`; it fails where
/// `pickletools.optimize` raises: when an opcode or its argument is
/// malformed, the data ends before `STOP`, a `PROTO` names a protocol above
/// 5, or a binary protocol pickle reads a memo key before any store of it.
///
/// ```
/// // pickle.dumps({'a': (1, 2)}, protocol=4) in CPython 3.11
/// let pickle = b"\x80\x04\x95\x0e\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01K\x02\x86\x94s.";
/// // pickletools.optimize(pickle)
/// assert_eq!(
///     pickle_core::optimize(pickle)?,
///     b"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00}\x8c\x01aK\x01K\x02\x86s."
/// );
/// # Ok::<(), pickle_core::Error>(())
/// ```
pub fn optimize(pickle: &[u8]) -> Result<Vec<u8>> {
    optimize::optimize(pickle)
}

/// How to disassemble: `pickletools.dis`' `annotate` and `indentlevel`
/// parameters, and a limit on the size of the text.
///
/// ```
/// use pickle_core::dis::Options;
///
/// // pickletools.dis(b"(K\x01l.", annotate=1, indentlevel=2) in CPython 3.11
/// let text = Options::new().annotate(1).indent_level(2).dis(b"(K\x01l.")?;
/// assert_eq!(
///     text,
///     "    0: (    MARK Push markobject onto the stack.
///     1: K      BININT1    1 Push a one-byte unsigned integer.
///     3: l      LIST       (MARK at 0) Build a list out of the topmost stack slice, after markobject.
///     4: .    STOP                     Stop the unpickling machine.
/// highest protocol among opcodes = 1
/// "
/// );
/// # Ok::<(), pickle_core::dis::DisError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    pub(crate) indent_level: usize,
    pub(crate) annotate: usize,
    pub(crate) max_output: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            indent_level: 4,
            annotate: 0,
            max_output: DEFAULT_MAX_OUTPUT,
        }
    }
}

impl Options {
    /// `pickletools.dis`' defaults: indent by 4 blanks per mark, no annotations,
    /// and at most [`DEFAULT_MAX_OUTPUT`] bytes of text.
    pub fn new() -> Options {
        Options::default()
    }

    /// The number of blanks by which each open mark indents the opcode names
    /// (`indentlevel`, default 4).
    pub fn indent_level(mut self, blanks: usize) -> Self {
        self.indent_level = blanks;
        self
    }

    /// Adds the first line of each opcode's `pickletools` doc to its line,
    /// starting near `column` (`annotate`; 0, the default, adds none). As in
    /// `pickletools`, annotations line up with the previous one until it sits
    /// beyond column 50.
    pub fn annotate(mut self, column: usize) -> Self {
        self.annotate = column;
        self
    }

    /// The most text to produce, in bytes. `pickletools` has no such limit;
    /// it keeps a pickle of nested marks, whose indentation grows with the
    /// square of its length, from taking all memory. Past the limit the
    /// disassembly fails with [`ErrorKind::AllocLimit`](crate::ErrorKind::AllocLimit),
    /// and the partial text holds the whole lines that fit.
    pub fn max_output(mut self, bytes: usize) -> Self {
        self.max_output = bytes;
        self
    }

    /// Disassembles `pickle` as `pickletools.dis(pickle, annotate=...,
    /// indentlevel=...)` does and returns the text it prints.
    ///
    /// On failure the [`DisError`] holds the error, with the offset of the
    /// opcode at fault, and the text printed up to the failure.
    ///
    /// ```
    /// use pickle_core::{dis::Options, ErrorKind};
    ///
    /// // APPENDS takes a list below its mark, and there is none.
    /// let err = Options::new().dis(b"(K\x01e.").unwrap_err();
    /// assert_eq!(err.error.kind(), ErrorKind::StackUnderflow);
    /// assert_eq!(err.error.offset(), Some(3));
    /// assert_eq!(err.error.message(), "tries to pop 1 items from stack with only 0 items");
    /// // What pickletools.dis(b"(K\x01e.") prints before it raises ValueError.
    /// assert_eq!(
    ///     err.partial_text,
    ///     "    0: (    MARK\n    1: K        BININT1    1\n    3: e        APPENDS    (MARK at 0)\n"
    /// );
    /// ```
    pub fn dis(&self, pickle: &[u8]) -> Result<String, DisError> {
        let mut text = String::new();
        match listing::disassemble(pickle, self, &mut text) {
            Ok(()) => Ok(text),
            Err(error) => Err(DisError {
                error,
                partial_text: text,
            }),
        }
    }
}

/// A disassembly that failed: the error and the text produced before it.
#[derive(Debug)]
#[non_exhaustive]
pub struct DisError {
    /// What went wrong, with the offset of the opcode at fault.
    pub error: Error,
    /// The text `pickletools.dis` prints before it raises the same error. It
    /// ends in the middle of a line (after the offset) when `pickletools`
    /// fails while formatting the line, as for an integer argument too long
    /// for `repr()`.
    pub partial_text: String,
}

impl fmt::Display for DisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for DisError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<DisError> for Error {
    fn from(e: DisError) -> Error {
        e.error
    }
}
