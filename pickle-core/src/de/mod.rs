//! Reading pickles: [`from_slice`], [`from_reader`] and their [`Options`].
//!
//! Reading runs CPython's unpickling machine on inert objects: nothing is
//! imported or called, every limit is checked before memory is reserved, and
//! every error carries the offset of the opcode that failed. The result is a
//! [`Value`](crate::Value) or, through [`FromPickle`], a typed Rust value.
//!
//! A [`FromPickle`] runs at most twice per pickle read from a slice: first
//! on values read straight from the bytes, and, only if that reader meets a
//! shape it does not handle, once more on the general reader's objects.

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
use stream::Outcome;

impl Options<'_> {
    /// Reads one pickle from `bytes` (bytes after its `STOP` are ignored, as
    /// `pickle.loads` ignores them).
    ///
    /// `T::from_pickle` runs once on values read straight from the bytes;
    /// if that reader gives up, once more on the general reader's objects.
    /// An error it returns the first time is the result (once the rest of
    /// the pickle is known to read, so that a malformed pickle reports
    /// what the general reader finds).
    pub fn from_slice<T: FromPickle>(&self, bytes: &[u8]) -> Result<T> {
        match stream::decode(bytes, self) {
            Outcome::Value(value) => Ok(value),
            Outcome::Error(e) => {
                self.run_machine(SliceSource::new(bytes))?;
                Err(e)
            }
            Outcome::GaveUp => self.decode_general(bytes),
        }
    }

    /// Reads one pickle from `bytes` with `f` instead of a
    /// [`FromPickle`] type, so that what `f` returns may borrow from `bytes`
    /// or from the [`buffers`](Options::buffers): `f` captures them, and
    /// [`borrow::reborrow`] gives the bytes a [`Decoder`] hands out their
    /// lifetime. `f` runs once, on the general reader's objects.
    ///
    /// ```
    /// use pickle_core::de::{borrow::reborrow, Options};
    ///
    /// // pickle.dumps([b"abc", b"de"], protocol=5) in CPython 3.11
    /// let input = b"\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00]\x94(C\x03abc\x94C\x02de\x94e.";
    /// let parts: Vec<&[u8]> = Options::new().from_slice_with(input, |d| {
    ///     d.seq()?.decode_each(|item| {
    ///         let bytes = item.decode_bytes()?;
    ///         Ok(reborrow(input, bytes).expect("`bytes` objects are read in place"))
    ///     })
    /// })?;
    /// assert_eq!(parts, [&b"abc"[..], b"de"]);
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn from_slice_with<R>(
        &self,
        bytes: &[u8],
        f: impl FnOnce(Decoder<'_>) -> Result<R>,
    ) -> Result<R> {
        let (arena, root) = self.run_machine(SliceSource::new(bytes))?;
        let ctx = Ctx::new(&arena, bytes, self.limits);
        f(Decoder::node(ctx.root(root)))
    }

    /// Reads with the general reader only.
    pub(crate) fn decode_general<T: FromPickle>(&self, bytes: &[u8]) -> Result<T> {
        self.from_slice_with(bytes, T::from_pickle)
    }

    /// Reads one pickle from `reader`, leaving it just after the pickle's
    /// `STOP`, so that pickles written one after another load one after
    /// another, as repeated `pickle.load` calls do. Reads are small; wrap an
    /// unbuffered reader (a `File`, a socket) in a `BufReader`.
    pub fn from_reader<T: FromPickle, R: Read>(&self, reader: R) -> Result<T> {
        let mut machine = Machine::new(
            ReaderSource::new(reader),
            self,
            ArenaBuilder::new(self.limits),
        );
        let root = machine.run()?;
        let ctx = Ctx::new(&machine.b.arena, machine.src.data(), self.limits);
        T::from_pickle(Decoder::node(ctx.root(root)))
    }

    /// Runs the general machine over a pickle: its objects and root.
    fn run_machine<S: Source>(&self, src: S) -> Result<(arena::Arena, arena::NodeId)> {
        let mut machine = Machine::new(src, self, ArenaBuilder::new(self.limits));
        let root = machine.run()?;
        Ok((machine.b.arena, root))
    }
}

/// Reads with the streaming reader only; `None` where it gives up or
/// meets an error.
pub(crate) fn stream_only<T: FromPickle>(bytes: &[u8], opts: &Options<'_>) -> Option<T> {
    match stream::decode(bytes, opts) {
        Outcome::Value(value) => Some(value),
        _ => None,
    }
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
pub fn from_reader<T: FromPickle, R: Read>(reader: R) -> Result<T> {
    Options::new().from_reader(reader)
}
