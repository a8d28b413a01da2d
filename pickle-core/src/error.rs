//! The one error type of the crate.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, in categories a caller can act on.
///
/// Every limit has its own kind, so a service can tell a hostile input from a
/// malformed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended before the pickle did.
    Truncated,
    /// The input ended before a pickle began: the clean end of a stream of
    /// pickles read one after another with [`from_reader`](crate::from_reader),
    /// where CPython's `pickle.load` raises `EOFError`.
    Eof,
    /// A byte that is not an opcode of protocols 0 to 5.
    InvalidOpcode,
    /// An opcode's argument is malformed (a bad text integer, float, escape, or encoding).
    InvalidArgument,
    /// An opcode needs more stack items than there are above the topmost mark.
    StackUnderflow,
    /// An opcode needs a mark and there is none, or a mark is left where an object is needed.
    Mark,
    /// A memo `GET` of an index that was never `PUT`.
    MemoMissing,
    /// A `PROTO` opcode names a protocol above 5.
    UnsupportedProtocol,
    /// An opcode applied to an object that cannot take it, where CPython would
    /// fail too (appending to a dict, an unhashable dict key, `NEWOBJ` of a non-class).
    InvalidOperation,
    /// A persistent id with no handler, or the handler refused it.
    PersistentId,
    /// An extension code (`EXT1/2/4`) that the registry does not know.
    Extension,
    /// An out-of-band buffer (`NEXT_BUFFER`) that was not supplied.
    Buffer,
    /// The value nests deeper than the configured depth limit.
    DepthLimit,
    /// The memo would hold more entries than the configured limit.
    MemoLimit,
    /// The mark stack would hold more marks than the configured limit.
    MarkLimit,
    /// Decoding would allocate more than the configured allocation limit.
    AllocLimit,
    /// A declared length (of a string, bytes, big integer or frame) exceeds the
    /// remaining input or the allocation limit.
    LengthLimit,
    /// Typed decoding: the value has another Python type than the target expects.
    Type,
    /// Typed decoding: the value does not fit the target (integer overflow, a char from a long string).
    OutOfRange,
    /// Typed decoding: a required field is missing.
    MissingField,
    /// Typed decoding: a field the target does not know, with `deny_unknown_fields`.
    UnknownField,
    /// Typed decoding: a global (class or function) that the target type does not name.
    UnexpectedGlobal,
    /// Typed decoding: an enum value that matches no variant.
    UnknownVariant,
    /// Writing: the value cannot be written at the chosen protocol, or not at all.
    Unpicklable,
    /// Writing: the value nests deeper than the writer's depth limit.
    RecursionLimit,
    /// An I/O error of the underlying reader or writer.
    Io,
    /// An error raised by user code (a `with` module or a hand-written impl).
    Custom,
}

/// One step of the path from the decoded root to the value that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Field(Cow<'static, str>),
    Index(usize),
    Key(String),
}

/// An error of reading, writing or typed decoding.
///
/// It carries a [`kind`](Error::kind), a message, the byte offset of the
/// opcode that failed (when the input had one) and, for typed decoding, the
/// path to the failing value (`Order.items[3].price`).
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    offset: Option<u64>,
    root: Option<Cow<'static, str>>,
    path: Vec<Segment>,
    io: Option<std::io::Error>,
}

impl Error {
    /// A new error of `kind` with `message` (lowercase, no trailing period).
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            offset: None,
            root: None,
            path: Vec::new(),
            io: None,
        }))
    }

    /// A [`Custom`](ErrorKind::Custom) error, for `with` modules and hand-written impls.
    pub fn custom(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Custom, message.to_string())
    }

    pub(crate) fn at(kind: ErrorKind, offset: u64, message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(kind, message).with_offset(offset)
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message, without offset or path.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The byte offset of the opcode that failed, if the error came from input.
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }

    /// The path to the value that failed in typed decoding, such as
    /// `Order.items[3].price`, or `None` when the error is not inside a value.
    pub fn path(&self) -> Option<String> {
        if self.0.root.is_none() && self.0.path.is_empty() {
            return None;
        }
        let mut out = String::new();
        if let Some(root) = &self.0.root {
            out.push_str(root);
        }
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Field(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                Segment::Key(key) => {
                    out.push('[');
                    out.push_str(key);
                    out.push(']');
                }
            }
        }
        Some(out)
    }

    /// Sets the byte offset unless one is already known (the innermost offset wins).
    #[must_use]
    pub fn with_offset(mut self, offset: u64) -> Error {
        if self.0.offset.is_none() {
            self.0.offset = Some(offset);
        }
        self
    }

    /// Records that the error happened inside field `name` (paths are built
    /// from the inside out, as the error travels up).
    #[must_use]
    pub fn in_field(mut self, name: impl Into<Cow<'static, str>>) -> Error {
        self.0.path.push(Segment::Field(name.into()));
        self
    }

    /// Records that the error happened at index `index` of a sequence.
    #[must_use]
    pub fn in_index(mut self, index: usize) -> Error {
        self.0.path.push(Segment::Index(index));
        self
    }

    /// Records that the error happened at the value of map key `key` (shown as Python's repr would).
    #[must_use]
    pub fn in_key(mut self, key: impl Into<String>) -> Error {
        self.0.path.push(Segment::Key(key.into()));
        self
    }

    /// Names the type the path starts from (`Order` in `Order.items[3].price`).
    /// An outer type replaces the name an inner one set.
    #[must_use]
    pub fn in_type(mut self, name: &'static str) -> Error {
        self.0.root = Some(Cow::Borrowed(name));
        self
    }

    pub(crate) fn io(err: std::io::Error) -> Error {
        let mut error = Error::new(ErrorKind::Io, err.to_string());
        error.0.io = Some(err);
        error
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        if let Some(path) = self.path() {
            write!(f, " at `{path}`")?;
        }
        if let Some(offset) = self.0.offset {
            if self.0.root.is_some() || !self.0.path.is_empty() {
                write!(f, " (byte {offset})")?;
            } else {
                write!(f, " at byte {offset}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("offset", &self.0.offset)
            .field("path", &self.path())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.io.as_ref().map(|e| e as _)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::io(err)
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_path_and_offset() {
        let err = Error::new(ErrorKind::Type, "expected a float, found a str")
            .with_offset(120)
            .in_field("price")
            .in_index(3)
            .in_field("items")
            .in_type("Item")
            .in_type("Order");
        assert_eq!(err.path().as_deref(), Some("Order.items[3].price"));
        assert_eq!(
            err.to_string(),
            "expected a float, found a str at `Order.items[3].price` (byte 120)"
        );
        let plain = Error::at(ErrorKind::Truncated, 7, "pickle data was truncated");
        assert_eq!(plain.to_string(), "pickle data was truncated at byte 7");
        assert_eq!(plain.path(), None);
    }

    #[test]
    fn innermost_offset_wins() {
        let err = Error::at(ErrorKind::Type, 5, "x").with_offset(9);
        assert_eq!(err.offset(), Some(5));
    }
}
