//! Writing pickles: the [`Pickler`] and the functions built on it.
//!
//! The output equals what CPython's `pickle.dumps(obj, protocol=N)` writes
//! for the equivalent object, byte for byte: the same opcode choices, the
//! same memo (`PUT`/`MEMOIZE` for every object CPython memoizes, `GET` for
//! an object written before), the same batching of 1000 items and the same
//! 64 KiB framing at protocols 4 and 5. Which CPython: 3.11 (from 3.11.7 on)
//! by default, any from 3.8 to 3.13 through [`Options::python_version`],
//! for the few objects whose pickles differ between versions (enum members,
//! IPv6 addresses, nested classes, ...: see [`PythonVersion`]).

mod choose;
mod class;
mod classes;
mod draft;
pub(crate) mod framer;
mod items;
mod member;
mod memo;
mod object;
mod options;
pub(crate) mod push;
mod seq;
pub(crate) mod sorted;
mod text;
mod value;
mod version;

pub(crate) use seq::BATCH_SIZE;
use version::Dialect;
pub use version::PythonVersion;

use std::borrow::Cow;
use std::io::Write;

use crate::error::{Error, ErrorKind, Result};
use crate::ext::Extensions;
use crate::opcode::Opcode;
use crate::protocol::Protocol;
use crate::value::{BigInt, Buffer, MAX_STR_DIGITS};
use crate::ToPickle;
pub use class::{AttrName, InstanceWriter};
use classes::Classes;
pub use draft::{Draft, DraftEnd};
use framer::Framer;
use memo::Memo;
pub use options::{Options, DEFAULT_MAX_DEPTH};
pub use seq::SeqKind;

/// Pickles `value` at protocol 5.
pub fn to_vec<T: ToPickle + ?Sized>(value: &T) -> Result<Vec<u8>> {
    Options::new().to_vec(value)
}

/// Pickles `value` at `protocol`.
pub fn to_vec_with<T: ToPickle + ?Sized>(value: &T, protocol: Protocol) -> Result<Vec<u8>> {
    Options::new().protocol(protocol).to_vec(value)
}

/// Pickles `value` at protocol 5 into `writer`.
pub fn to_writer<W: Write, T: ToPickle + ?Sized>(writer: W, value: &T) -> Result<()> {
    Options::new().to_writer(writer, value)
}

#[cold]
pub(crate) fn memo_full() -> Error {
    Error::new(ErrorKind::Unpicklable, "memo id too large for LONG_BINPUT")
}

/// What stands for an object's identity in the memo (see `memo.rs`).
#[derive(Clone, Copy)]
pub(crate) enum Key<'k> {
    Address(usize),
    Interned(&'k str),
    Global(&'k str, &'k str),
    Member(&'k str, &'k str, &'k str),
    Singleton(&'k str),
    /// A string of which CPython keeps one object (see [`one_object_str`]).
    OneObjectStr(u16),
    /// A `bytes` of which CPython keeps one object (see [`one_object_bytes`]).
    OneObjectBytes(u16),
}

/// For `b""` and the one-byte `bytes`, of each of which CPython keeps a
/// single object (as it does of the short strings, see [`one_object_str`]):
/// 0 for `b""`, the byte plus one for the others.
#[inline]
fn one_object_bytes(v: &[u8]) -> Option<Key<'static>> {
    match *v {
        [] => Some(Key::OneObjectBytes(0)),
        [b] => Some(Key::OneObjectBytes(u16::from(b) + 1)),
        _ => None,
    }
}

/// The pickle writer that [`ToPickle`] implementations write into.
///
/// Each `write_*` method writes one Python object, as one `save()` call of
/// CPython's pickler would. Objects CPython memoizes (strings, bytes,
/// containers, instances) are memoized here too; values written twice from
/// Rust are two objects, except where identity is known: interned names
/// ([`Pickler::write_interned_str`]), globals, enum members,
/// [`Value::Shared`](crate::Value::Shared) nodes, and `""` and the
/// one-character strings below U+0100, of which CPython keeps one object
/// each ([`Pickler::write_str`]).
pub struct Pickler<'w> {
    out: Framer<'w>,
    proto: u8,
    python: PythonVersion,
    dialect: Dialect,
    memo: Memo,
    classes: Classes,
    depth: usize,
    max_depth: usize,
    /// How many `Arc`s of a `Value` are being written (see `value.rs`).
    in_arc: u32,
    out_of_band: Option<Vec<Buffer>>,
    extensions: Option<Cow<'w, Extensions>>,
    /// The batches of the containers being written one item at a time
    /// (`push.rs`) that are not one batch, innermost last.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    open: Vec<push::Batch>,
    sort_keys: bool,
    #[cfg(feature = "ndarray")]
    numpy_names: crate::numpy::NumpyNames,
}

impl<'w> Pickler<'w> {
    /// The protocol being written.
    pub fn protocol(&self) -> Protocol {
        // `proto` always comes from a `Protocol`.
        Protocol::ALL[self.proto as usize]
    }

    /// A writer at `protocol` that writes nothing of its own (no `PROTO`,
    /// no frames, no `STOP`): each value written into it is the body of a
    /// pickle, for writers that put the pickle together themselves (the
    /// serde bridge's serde-pickle `Serializer`), taken with
    /// [`Pickler::take_output`].
    #[cfg(feature = "serde")]
    pub(crate) fn unframed(protocol: Protocol) -> Pickler<'static> {
        Pickler {
            out: Framer::new(None),
            proto: protocol.as_u8(),
            python: PythonVersion::default(),
            dialect: Dialect::of(PythonVersion::default()),
            memo: Memo::new(Dialect::of(PythonVersion::default()).one_char_names_shared),
            classes: Classes::default(),
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
            in_arc: 0,
            out_of_band: None,
            extensions: None,
            open: Vec::new(),
            sort_keys: false,
            #[cfg(feature = "ndarray")]
            numpy_names: crate::numpy::NumpyNames::default(),
        }
    }

    /// What was written since the last call (of a writer made by
    /// [`Pickler::unframed`]).
    #[cfg(feature = "serde")]
    pub(crate) fn take_output(&mut self) -> Vec<u8> {
        self.out.take_unframed()
    }

    /// Moves the state of the pickle being written (output, memo, depth,
    /// settings) into a `Pickler` of its own, which goes on writing the same
    /// pickle where one of this one's lifetime cannot go (the serde bridge
    /// hands it through a thread-local); [`Pickler::unpark`] takes it back.
    /// The parked writer holds on to its output instead of sending it to
    /// this one's stream, and holds its own copy of the extension registry.
    #[cfg(feature = "serde")]
    pub(crate) fn park(&mut self) -> Pickler<'static> {
        Pickler {
            out: self.out.park(),
            proto: self.proto,
            python: self.python,
            dialect: self.dialect,
            memo: std::mem::take(&mut self.memo),
            classes: std::mem::take(&mut self.classes),
            depth: self.depth,
            max_depth: self.max_depth,
            in_arc: self.in_arc,
            out_of_band: self.out_of_band.take(),
            extensions: self
                .extensions
                .as_ref()
                .map(|ext| Cow::Owned(ext.as_ref().clone())),
            open: std::mem::take(&mut self.open),
            sort_keys: self.sort_keys,
            #[cfg(feature = "ndarray")]
            numpy_names: self.numpy_names,
        }
    }

    /// Takes back the state [`Pickler::park`] moved out, with what was
    /// written meanwhile.
    #[cfg(feature = "serde")]
    pub(crate) fn unpark(&mut self, parked: Pickler<'static>) {
        self.out.unpark(parked.out);
        self.memo = parked.memo;
        self.classes = parked.classes;
        self.depth = parked.depth;
        self.in_arc = parked.in_arc;
        self.out_of_band = parked.out_of_band;
        self.open = parked.open;
    }

    /// Whether unordered collections are written sorted (see
    /// [`Options::sort_keys`]).
    pub fn sorts_keys(&self) -> bool {
        self.sort_keys
    }

    /// The module names numpy arrays are written under (feature `ndarray`;
    /// see [`Options::numpy_names`]).
    #[cfg(feature = "ndarray")]
    pub fn numpy_names(&self) -> crate::numpy::NumpyNames {
        self.numpy_names
    }

    /// The CPython version whose `pickle.dumps` is being written (see
    /// [`Options::python_version`]).
    pub fn python_version(&self) -> PythonVersion {
        self.python
    }

    /// What the CPython version changes in the bytes.
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn dump<T: ToPickle + ?Sized>(&mut self, value: &T) -> Result<()> {
        if self.proto >= 2 {
            self.out.write(&[Opcode::Proto.byte(), self.proto]);
        }
        if self.proto >= 4 {
            self.out.start_framing();
        }
        value.to_pickle(self)?;
        self.out.op(Opcode::Stop);
        Ok(())
    }

    // --- memo -----------------------------------------------------------

    fn lookup(&self, key: Key<'_>) -> Option<u32> {
        match key {
            Key::Address(a) => self.memo.address(a),
            Key::Interned(s) => self.memo.interned(s),
            Key::Global(m, n) => self.memo.global(m, n),
            Key::Member(m, n, v) => self.memo.member(m, n, v),
            Key::Singleton(s) => self.memo.singleton(s),
            Key::OneObjectStr(c) => self.memo.one_object_str(c),
            Key::OneObjectBytes(b) => self.memo.one_object_bytes(b),
        }
    }

    /// Writes a `GET` if the object behind `key` was written before.
    #[inline]
    fn get_if_memoized(&mut self, key: Option<Key<'_>>) -> bool {
        match key.and_then(|k| self.lookup(k)) {
            Some(idx) => {
                self.write_get(idx);
                true
            }
            None => false,
        }
    }

    /// Memoizes the object on top of the stack (`memo_put`).
    #[inline]
    fn put(&mut self, key: Option<Key<'_>>) -> Result<()> {
        let Some(idx) = self.memo.next_index() else {
            return Err(memo_full());
        };
        if let Some(key) = key {
            self.record(key, idx);
        }
        if self.proto >= 4 {
            self.out.op(Opcode::Memoize);
        } else {
            self.write_put(idx);
        }
        Ok(())
    }

    fn record(&mut self, key: Key<'_>, idx: u32) {
        match key {
            Key::Address(a) => self.memo.set_address(a, idx),
            Key::Interned(s) => self.memo.set_interned(s, idx),
            Key::Global(m, n) => self.memo.set_global(m, n, idx),
            Key::Member(m, n, v) => self.memo.set_member(m, n, v, idx),
            Key::Singleton(s) => self.memo.set_singleton(s, idx),
            Key::OneObjectStr(c) => self.memo.set_one_object_str(c, idx),
            Key::OneObjectBytes(b) => self.memo.set_one_object_bytes(b, idx),
        }
    }

    /// `PUT` before protocol 4.
    fn write_put(&mut self, idx: u32) {
        self.write_memo_op(idx, choose::PUT, 'p');
    }

    #[inline]
    fn write_get(&mut self, idx: u32) {
        self.write_memo_op(idx, choose::GET, 'g');
    }

    /// A memo opcode: its binary forms (see [`choose::memo`]), or at
    /// protocol 0 its text form, `text` and the index on a line.
    #[inline]
    fn write_memo_op(&mut self, idx: u32, binary: [Opcode; 2], text: char) {
        if self.proto >= 1 {
            let (bytes, len) = choose::memo(idx, binary);
            self.out.write_first(bytes, len);
        } else {
            self.out.write(format!("{text}{idx}\n").as_bytes());
        }
    }

    #[inline]
    fn enter(&mut self) -> Result<()> {
        if self.depth >= self.max_depth {
            return Err(self.recursion_error());
        }
        self.depth += 1;
        Ok(())
    }

    #[cold]
    fn recursion_error(&self) -> Error {
        Error::new(
            ErrorKind::RecursionLimit,
            format!(
                "maximum recursion depth ({}) exceeded while pickling an object",
                self.max_depth
            ),
        )
    }

    #[inline]
    fn leave(&mut self) {
        self.depth -= 1;
    }

    // --- atoms ----------------------------------------------------------

    /// Writes `None`.
    #[inline]
    pub fn write_none(&mut self) -> Result<()> {
        self.out.boundary()?;
        self.out.op(Opcode::None);
        Ok(())
    }

    /// Writes the `GET` of an attribute name (the steady state of an
    /// instance; see [`InstanceWriter`]).
    #[inline]
    pub(crate) fn write_attr_name(&mut self, name: AttrName) -> Result<()> {
        self.out.boundary()?;
        self.out.write(&name.get);
        Ok(())
    }

    /// Writes a `bool`.
    #[inline]
    pub fn write_bool(&mut self, v: bool) -> Result<()> {
        self.out.boundary()?;
        self.bool(v);
        Ok(())
    }

    fn bool(&mut self, v: bool) {
        if self.proto >= 2 {
            self.out
                .op(if v { Opcode::NewTrue } else { Opcode::NewFalse });
        } else {
            self.out.write(if v { b"I01\n" } else { b"I00\n" });
        }
    }

    /// Writes an `int`.
    #[inline(always)]
    pub fn write_i64(&mut self, v: i64) -> Result<()> {
        self.out.boundary()?;
        self.int(v)
    }

    #[inline]
    fn int(&mut self, v: i64) -> Result<()> {
        match choose::int(v, self.proto) {
            Some((bytes, len)) => {
                self.out.write_first(bytes, len);
                Ok(())
            }
            None => self.int_text(v),
        }
    }

    /// An int as text: `INT` at protocol 0, `LONG` beyond 32 bits at 1.
    #[inline(never)]
    fn int_text(&mut self, v: i64) -> Result<()> {
        if self.proto == 0 && i32::try_from(v).is_ok() {
            self.out.write(format!("I{v}\n").as_bytes());
            return Ok(());
        }
        self.long_bytes(&BigInt::from(v))
    }

    /// Writes an `int` of any size.
    pub fn write_big_int(&mut self, v: &BigInt) -> Result<()> {
        self.out.boundary()?;
        match v.to_i64() {
            Some(small) => self.int(small),
            None => self.long_bytes(v),
        }
    }

    /// Writes an `int` from a `u64`.
    pub fn write_u64(&mut self, v: u64) -> Result<()> {
        match i64::try_from(v) {
            Ok(small) => self.write_i64(small),
            Err(_) => self.write_big_int(&BigInt::from(v as u128)),
        }
    }

    /// Writes an `int` from an `i128`.
    pub fn write_i128(&mut self, v: i128) -> Result<()> {
        match i64::try_from(v) {
            Ok(small) => self.write_i64(small),
            Err(_) => self.write_big_int(&BigInt::from(v)),
        }
    }

    /// Writes an `int` from a `u128`.
    pub fn write_u128(&mut self, v: u128) -> Result<()> {
        match i64::try_from(v) {
            Ok(small) => self.write_i64(small),
            Err(_) => self.write_big_int(&BigInt::from(v)),
        }
    }

    /// An int outside the 32-bit range: `LONG1`/`LONG4` at protocol 2 and
    /// above, else its decimal text (`LONG`).
    fn long_bytes(&mut self, v: &BigInt) -> Result<()> {
        let bytes = v.to_signed_bytes_le();
        if self.proto >= 2 {
            if bytes.len() < 256 {
                self.out.write(&[Opcode::Long1.byte(), bytes.len() as u8]);
            } else {
                let len = u32::try_from(bytes.len())
                    .ok()
                    .filter(|&n| n <= 0x7fff_ffff)
                    .ok_or_else(|| Error::new(ErrorKind::Unpicklable, "int too large to pickle"))?;
                self.out.op(Opcode::Long4);
                self.out.write(&len.to_le_bytes());
            }
            self.out.write(bytes);
            return Ok(());
        }
        if v.exceeds_decimal_digits(MAX_STR_DIGITS) {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                format!(
                    "an int of more than {MAX_STR_DIGITS} decimal digits cannot be written at protocol {} \
                     (Python's int to str conversion limit)",
                    self.proto
                ),
            ));
        }
        self.out.op(Opcode::Long);
        self.out.write(v.to_decimal().as_bytes());
        self.out.write(b"L\n");
        Ok(())
    }

    /// Writes a `float`.
    #[inline]
    pub fn write_f64(&mut self, v: f64) -> Result<()> {
        self.out.boundary()?;
        self.float(v);
        Ok(())
    }

    #[inline]
    pub(crate) fn float(&mut self, f: f64) {
        if self.proto >= 1 {
            let [b0, b1, b2, b3, b4, b5, b6, b7] = f.to_bits().to_be_bytes();
            self.out
                .write(&[Opcode::BinFloat.byte(), b0, b1, b2, b3, b4, b5, b6, b7]);
        } else {
            self.float_text(f);
        }
    }

    /// `FLOAT`: the float's repr, at protocol 0.
    #[inline(never)]
    fn float_text(&mut self, f: f64) {
        self.out.op(Opcode::Float);
        self.out.write(crate::text::float::repr(f).as_bytes());
        self.out.byte(b'\n');
    }
}
