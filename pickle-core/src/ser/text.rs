//! Strings, bytes, bytearrays and buffers, as `save_str`, `save_bytes`,
//! `save_bytearray` and `save_picklebuffer` write them; the opcodes from
//! `choose.rs`.

use super::{choose, Key, Pickler};
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::text::escape::encode_raw_unicode_escape;
use crate::value::{Buffer, PyStr};

impl Pickler<'_> {
    /// Writes a `str` (a new object, memoized as CPython memoizes every
    /// string), except that `""` and one-character strings of code points
    /// below 256, of which CPython keeps one object each, are fetched from
    /// the memo after their first time.
    // Always in line: called out of line from a list's loop, it saved and
    // restored five registers per string, and a list of 100,000 short
    // strings took a third longer to write (0.33 against 0.25 ms).
    #[inline(always)]
    pub fn write_str(&mut self, v: &str) -> Result<()> {
        self.out.boundary()?;
        // The common case, in line: `SHORT_BINUNICODE`, the text, `MEMOIZE`.
        if choose::short_str(v, self.proto) && self.memo.reserve_indices(1).is_some() {
            self.out.short_str(v.as_bytes());
            return Ok(());
        }
        self.str_slow(v)
    }

    #[inline(never)]
    fn str_slow(&mut self, v: &str) -> Result<()> {
        let key = choose::one_object_str(v).map(Key::OneObjectStr);
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.str_bytes(v.as_bytes(), None)?;
        self.put(key)
    }

    /// Writes a `str` that may hold lone surrogates (shared as
    /// [`write_str`](Self::write_str) shares strings).
    pub fn write_py_str(&mut self, v: &PyStr) -> Result<()> {
        self.out.boundary()?;
        // Only strings of up to 2 bytes can be one of those objects.
        let short = Some(v.as_bytes()).filter(|b| b.len() <= 2);
        let key = short
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(choose::one_object_str)
            .map(Key::OneObjectStr);
        self.py_str(v, key)
    }

    /// Writes an interned `str`, such as an attribute or module name: like
    /// CPython, where equal names are one object, the second time the same
    /// text is written it is fetched from the memo.
    pub fn write_interned_str(&mut self, v: &str) -> Result<()> {
        self.out.boundary()?;
        self.interned_str(v)
    }

    pub(crate) fn interned_str(&mut self, v: &str) -> Result<()> {
        let key = Key::Interned(v);
        if self.get_if_memoized(Some(key)) {
            return Ok(());
        }
        self.str_bytes(v.as_bytes(), None)?;
        self.put(Some(key))
    }

    /// Writes an interned name whose text is `'static` (serde's field and
    /// variant names), as [`Pickler::write_interned_str`] writes it: found
    /// again by the text's address, without hashing it, once written.
    #[cfg(feature = "serde")]
    #[inline(always)]
    pub(crate) fn write_static_name(&mut self, v: &'static str) -> Result<()> {
        // The steady state, in line: a `BINGET` (no frame can end here).
        if let Some(idx) = self.memo.static_name(v) {
            if idx < 256 && self.proto >= 1 && self.out.fits_in_frame(2) {
                self.out.write(&[Opcode::BinGet.byte(), idx as u8]);
                return Ok(());
            }
        }
        self.static_name_slow(v)
    }

    #[cfg(feature = "serde")]
    #[inline(never)]
    fn static_name_slow(&mut self, v: &'static str) -> Result<()> {
        self.out.boundary()?;
        if let Some(idx) = self.memo.static_name(v) {
            self.write_get(idx);
            return Ok(());
        }
        self.interned_str(v)?;
        if let Some(idx) = self.interned_index(v) {
            self.memo.set_static_name(v, idx);
        }
        Ok(())
    }

    /// The memo index of the interned string `v`, if it was written.
    pub(crate) fn interned_index(&self, v: &str) -> Option<u32> {
        self.lookup(Key::Interned(v))
    }

    pub(crate) fn py_str(&mut self, v: &PyStr, key: Option<Key<'_>>) -> Result<()> {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.str_bytes(v.as_bytes(), Some(v))?;
        self.put(key)
    }

    /// The string opcode for UTF-8 (surrogatepass) `bytes`; `text` is needed
    /// only at protocol 0, to escape code points.
    pub(crate) fn str_bytes(&mut self, bytes: &[u8], text: Option<&PyStr>) -> Result<()> {
        if self.proto == 0 {
            let owned;
            let text = match text {
                Some(t) => t,
                None => {
                    owned = PyStr::from_utf8_surrogatepass(bytes).map_err(|_| {
                        Error::new(ErrorKind::Unpicklable, "string is not valid UTF-8")
                    })?;
                    &owned
                }
            };
            let mut line = vec![Opcode::Unicode.byte()];
            encode_raw_unicode_escape(text, &mut line);
            line.push(b'\n');
            self.out.write(&line);
            return Ok(());
        }
        let Some((header, len)) = choose::str_header(bytes.len(), self.proto) else {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                "serializing a string larger than 4 GiB requires pickle protocol 4 or higher",
            ));
        };
        self.out.write_payload(&header[..len], bytes)
    }

    /// Writes a `bytes` object (a new object, memoized), except that `b""`
    /// and the one-byte `bytes`, of which CPython keeps one object each, are
    /// fetched from the memo after their first time.
    pub fn write_bytes(&mut self, v: &[u8]) -> Result<()> {
        self.out.boundary()?;
        self.bytes(v, super::one_object_bytes(v))
    }

    pub(crate) fn bytes(&mut self, v: &[u8], key: Option<Key<'_>>) -> Result<()> {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        if self.proto < 3 {
            // Protocols without a bytes opcode: `_codecs.encode(latin1_text, 'latin1')`,
            // or `bytes()` when empty, through `save_reduce`.
            return self.reduce_builtin_bytes(v, key);
        }
        let Some((header, len)) = choose::bytes_header(v.len(), self.proto) else {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                "serializing a bytes object larger than 4 GiB requires pickle protocol 4 or higher",
            ));
        };
        self.out.write_payload(&header[..len], v)?;
        self.put(key)
    }

    /// Writes a `bytearray` (a new object, memoized).
    pub fn write_bytearray(&mut self, v: &[u8]) -> Result<()> {
        self.out.boundary()?;
        self.bytearray(v, None)
    }

    pub(crate) fn bytearray(&mut self, v: &[u8], key: Option<Key<'_>>) -> Result<()> {
        if self.get_if_memoized(key) {
            return Ok(());
        }
        if self.proto < 5 {
            return self.reduce_builtin_bytearray(v, key);
        }
        let mut header = [0u8; 9];
        header[0] = Opcode::ByteArray8.byte();
        header[1..9].copy_from_slice(&(v.len() as u64).to_le_bytes());
        self.out.write_payload(&header, v)?;
        self.put(key)
    }

    /// Writes a `pickle.PickleBuffer` over `data`, as CPython's
    /// `save_picklebuffer` does (protocol 5; an error below it): in band as a
    /// `bytearray` (as `bytes` if `readonly`), or, when the options ask for
    /// out-of-band buffers, as `NEXT_BUFFER` (and `READONLY_BUFFER`), handing
    /// the caller of [`Options::to_vec_with_buffers`](super::Options::to_vec_with_buffers)
    /// the bytes that `share` returns, which must equal `data`. `share` is
    /// called only then: give bytes that share `data`'s memory where the
    /// value can (an `Arc`'s contents, a [`Buffer`]'s bytes), or a copy of it.
    ///
    /// ```
    /// use pickle_core::ser::Options;
    /// use pickle_core::{Pickler, ToPickle};
    ///
    /// /// Samples that Python receives as a `bytearray`, out of band if asked.
    /// struct Samples(bytes::Bytes);
    ///
    /// impl ToPickle for Samples {
    ///     fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
    ///         p.write_pickle_buffer(&self.0, false, || self.0.clone())
    ///     }
    /// }
    ///
    /// let samples = Samples(bytes::Bytes::from(vec![1, 2, 3]));
    /// let (pickle, buffers) = Options::new().out_of_band_buffers(true).to_vec_with_buffers(&samples)?;
    /// // pickle.dumps(pickle.PickleBuffer(bytearray(b"\x01\x02\x03")), 5, buffer_callback=...)
    /// assert_eq!(pickle, b"\x80\x05\x97.");
    /// assert_eq!(buffers[0].data.as_ptr(), samples.0.as_ptr()); // shared, not copied
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn write_pickle_buffer(
        &mut self,
        data: &[u8],
        readonly: bool,
        share: impl FnOnce() -> bytes::Bytes,
    ) -> Result<()> {
        self.out.boundary()?;
        self.buffer(data, readonly, share, None)
    }

    /// [`Pickler::write_pickle_buffer`], for a buffer memoized under `key`.
    pub(crate) fn buffer(
        &mut self,
        data: &[u8],
        readonly: bool,
        share: impl FnOnce() -> bytes::Bytes,
        key: Option<Key<'_>>,
    ) -> Result<()> {
        if self.proto < 5 {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                "PickleBuffer can only be pickled with protocol >= 5",
            ));
        }
        if self.get_if_memoized(key) {
            return Ok(());
        }
        match self.out_of_band.as_mut() {
            Some(buffers) => {
                buffers.push(Buffer {
                    data: share(),
                    readonly,
                });
                self.out.op(Opcode::NextBuffer);
                if readonly {
                    self.out.op(Opcode::ReadonlyBuffer);
                }
                Ok(())
            }
            None if readonly => self.bytes(data, key),
            None => self.bytearray(data, key),
        }
    }
}
