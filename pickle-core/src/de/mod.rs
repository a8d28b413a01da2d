//! Reading pickles: [`from_slice`], [`from_reader`] and their [`Options`].
//!
//! Reading runs CPython's unpickling machine on inert objects: nothing is
//! imported or called, every limit is checked before memory is reserved, and
//! every error carries the offset of the opcode that failed. The result is a
//! [`Value`](crate::Value) or, through [`FromPickle`], a typed Rust value.
//!
//! A [`FromPickle`] runs at most twice per pickle read from a slice: first
//! on values read straight from the bytes, and, only if that run does not
//! give the value (a shape that reader does not handle, or an error), once
//! more on the general reader's objects.

pub(crate) mod arena;
pub mod borrow;
mod decoder;
pub(crate) mod machine;
mod node;
mod options;
pub(crate) mod plan;
pub(crate) mod source;
mod stream;
mod value;

use std::io::Read;

pub(crate) use decoder::key_label;
pub use decoder::{Decoder, Instance, Kind, Map, Seq};
pub use options::{Limits, Options, PersistentIds, PersistentLoad, StringEncoding};

use crate::error::Result;
use crate::FromPickle;
use arena::builder::ArenaBuilder;
use machine::Machine;
use node::Ctx;
use source::{ReaderSource, SliceSource, Source};

impl Options<'_> {
    /// Reads one pickle from `bytes` (bytes after its `STOP` are ignored, as
    /// `pickle.loads` ignores them).
    ///
    /// `T::from_pickle` runs once on values read straight from the bytes;
    /// if that does not give the value, once more on the general reader's
    /// objects, whose result is returned. An error on the first run is
    /// not final: that reader meets each value before it knows what the
    /// pickle does with it (a later `POP` may discard it, a later opcode
    /// may make another object the one returned), so the error may be
    /// about an object the pickle does not return.
    pub fn from_slice<T: FromPickle>(&self, bytes: &[u8]) -> Result<T> {
        self.from_slice_with(bytes, T::from_pickle)
    }

    /// Reads one pickle from `bytes` as [`Options::from_slice`] does, with
    /// `read` in place of a [`FromPickle`] implementation: `read` makes the
    /// result from the pickle's root object. Like a `from_pickle`, it runs
    /// at most twice (where the streaming reader gives up or `read` fails
    /// on it, the general reader starts again), so it should have no other
    /// effect than its result.
    ///
    /// ```
    /// use pickle_core::de::Options;
    ///
    /// // pickle.dumps([1, 2, 3], protocol=2) in CPython 3.11
    /// let data = b"\x80\x02]q\x00(K\x01K\x02K\x03e.";
    /// let sum = Options::new().from_slice_with(data, |d| {
    ///     d.seq()?.decode_each(|item| item.decode_i64()).map(|v| v.iter().sum::<i64>())
    /// })?;
    /// assert_eq!(sum, 6);
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn from_slice_with<T, F>(&self, bytes: &[u8], read: F) -> Result<T>
    where
        F: Fn(Decoder<'_>) -> Result<T>,
    {
        match stream::decode(bytes, self, &read) {
            Some(value) => Ok(value),
            None => self.decode_general(bytes, read),
        }
    }

    /// Reads with the general reader only.
    pub(crate) fn decode_general<T, F>(&self, bytes: &[u8], read: F) -> Result<T>
    where
        F: FnOnce(Decoder<'_>) -> Result<T>,
    {
        let (arena, root) = self.run_machine(SliceSource::new(bytes))?;
        let ctx = Ctx::new(&arena, bytes, self.limits);
        read(Decoder::node(ctx.root(root)))
    }

    /// Reads one pickle from `reader`, leaving it just after the pickle's
    /// `STOP`, so that a stream of pickles can be read one after
    /// another, as repeated `pickle.load` calls do. Reads are small; wrap an
    /// unbuffered reader (a `File`, a socket) in a `BufReader`.
    pub fn from_reader<T: FromPickle, R: Read>(&self, reader: R) -> Result<T> {
        self.from_reader_with(reader, T::from_pickle)
    }

    /// Reads one pickle from `reader` as [`Options::from_reader`] does, with
    /// `read` in place of a [`FromPickle`] implementation (it runs once).
    pub fn from_reader_with<T, R, F>(&self, reader: R, read: F) -> Result<T>
    where
        R: Read,
        F: FnOnce(Decoder<'_>) -> Result<T>,
    {
        let mut machine = Machine::new(
            ReaderSource::new(reader),
            self,
            ArenaBuilder::new(self.limits),
        );
        let root = machine.run()?;
        let ctx = Ctx::new(&machine.b.arena, machine.src.data(), self.limits);
        read(Decoder::node(ctx.root(root)))
    }

    /// Runs the general machine over a pickle: its objects and root.
    fn run_machine<S: Source>(&self, src: S) -> Result<(arena::Arena, arena::NodeId)> {
        let mut machine = Machine::new(src, self, ArenaBuilder::new(self.limits));
        let root = machine.run()?;
        Ok((machine.b.arena, root))
    }
}

/// Where the first pickle in `bytes` ends (after its `STOP`), walking its
/// opcodes; `None` if it does not end there, or an opcode is not known.
#[cfg(feature = "serde")]
pub(crate) fn pickle_len(bytes: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        let op = crate::opcode::Opcode::from_byte(*bytes.get(pos)?)?;
        pos = crate::opcode::arg::read_at(op, bytes, pos + 1)?.1;
        if op == crate::opcode::Opcode::Stop {
            return Some(pos);
        }
    }
}

/// Reads with the streaming reader only; `None` where it gives up or
/// meets an error.
pub(crate) fn stream_only<T: FromPickle>(bytes: &[u8], opts: &Options<'_>) -> Option<T> {
    stream::decode(bytes, opts, &T::from_pickle)
}

/// Reads a `T` from one pickle in `bytes`, with the default [`Options`].
///
/// ```
/// // pickle.dumps([1, 2], protocol=5) in CPython 3.11
/// let v: Vec<i64> = pickle_core::from_slice(b"\x80\x05\x95\t\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02e.")?;
/// assert_eq!(v, [1, 2]);
/// # Ok::<(), pickle_core::Error>(())
/// ```
pub fn from_slice<T: FromPickle>(bytes: &[u8]) -> Result<T> {
    Options::new().from_slice(bytes)
}

/// Reads a `T` from one pickle in `reader`, with the default [`Options`];
/// see [`Options::from_reader`].
///
/// It reads exactly as far as the pickle goes, so pickles written one after
/// another (`pickle.dump` called repeatedly on one file) are read by calling
/// it in a loop. The stream's clean end, where no pickle begins, is an
/// [`ErrorKind::Eof`](crate::ErrorKind::Eof) error; a pickle cut short is
/// [`ErrorKind::Truncated`](crate::ErrorKind::Truncated):
///
/// ```
/// use pickle_core::ErrorKind;
///
/// // pickle.dump(1, f, 2); pickle.dump(2, f, 2) in CPython
/// let mut file: &[u8] = b"\x80\x02K\x01.\x80\x02K\x02.";
/// let mut read = Vec::new();
/// loop {
///     match pickle_core::from_reader::<i64, _>(&mut file) {
///         Ok(v) => read.push(v),
///         Err(e) if e.kind() == ErrorKind::Eof => break,
///         Err(e) => return Err(e),
///     }
/// }
/// assert_eq!(read, [1, 2]);
/// # Ok::<(), pickle_core::Error>(())
/// ```
pub fn from_reader<T: FromPickle, R: Read>(reader: R) -> Result<T> {
    Options::new().from_reader(reader)
}
