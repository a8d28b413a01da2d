//! [`Options`]: the settings of a write, and the [`Pickler`] they make.

use std::borrow::Cow;
use std::io::Write;

use super::classes::Classes;
use super::framer::Framer;
use super::memo::Memo;
use super::version::{Dialect, PythonVersion};
use super::Pickler;
use crate::error::{Error, ErrorKind, Result};
use crate::ext::Extensions;
use crate::protocol::Protocol;
use crate::value::Buffer;
use crate::ToPickle;

/// How deep values may nest when writing, by default (CPython's default
/// recursion limit is 1000).
pub const DEFAULT_MAX_DEPTH: usize = 1000;

/// Settings for writing: protocol, the CPython version to write for, depth
/// limit, out-of-band buffers and extension codes.
///
/// ```
/// use pickle_core::{ser::Options, Protocol};
///
/// let bytes = Options::new().protocol(Protocol::V2).to_vec(&vec![1, 2, 3])?;
/// // pickle.dumps([1, 2, 3], protocol=2) in CPython 3.11
/// assert_eq!(bytes, b"\x80\x02]q\x00(K\x01K\x02K\x03e.");
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Options<'a> {
    protocol: Protocol,
    python: PythonVersion,
    max_depth: usize,
    out_of_band: bool,
    extensions: Option<&'a Extensions>,
    sort_keys: bool,
    #[cfg(feature = "ndarray")]
    numpy_names: crate::numpy::NumpyNames,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            protocol: Protocol::HIGHEST,
            python: PythonVersion::default(),
            max_depth: DEFAULT_MAX_DEPTH,
            out_of_band: false,
            extensions: None,
            sort_keys: false,
            #[cfg(feature = "ndarray")]
            numpy_names: crate::numpy::NumpyNames::default(),
        }
    }
}

impl<'a> Options<'a> {
    /// Protocol 5, for CPython 3.11 (3.11.7 and later), depth limit 1000,
    /// buffers in-band, no extension codes.
    pub fn new() -> Options<'a> {
        Options::default()
    }

    /// Sets the protocol.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// Writes what `pickle.dumps` of the latest release of CPython
    /// `major.minor` writes (the default is 3.11, from 3.11.7 on). Versions
    /// differ for a few objects: enum members (by name in 3.11.0 to 3.11.4),
    /// `ipaddress.IPv6Address` (an int before 3.11.7 and 3.12.1, then its
    /// text; IPv4-mapped ones dotted from 3.13), nested classes below
    /// protocol 4 (written by name alone from 3.13, and 3.12.5), the module
    /// name of `collections.deque` (written again from 3.12), and
    /// one-character strings equal to an attribute name (one object before
    /// 3.11 and from 3.13). The protocol is set apart: a version below 3.8
    /// has no protocol 5, and its pickles are written as 3.8 writes them.
    ///
    /// ```
    /// use std::net::Ipv6Addr;
    /// use pickle_core::{ser::Options, Protocol};
    ///
    /// let localhost = Ipv6Addr::LOCALHOST;
    /// let v2 = |major, minor| Options::new().protocol(Protocol::V2).python_version(major, minor);
    /// // pickle.dumps(ipaddress.IPv6Address("::1"), protocol=2) in CPython 3.10 and 3.12
    /// assert_eq!(
    ///     v2(3, 10).to_vec(&localhost)?,
    ///     b"\x80\x02cipaddress\nIPv6Address\nq\x00K\x01\x85q\x01Rq\x02."
    /// );
    /// assert_eq!(
    ///     v2(3, 12).to_vec(&localhost)?,
    ///     b"\x80\x02cipaddress\nIPv6Address\nq\x00X\x03\x00\x00\x00::1q\x01\x85q\x02Rq\x03."
    /// );
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn python_version(self, major: u8, minor: u8) -> Self {
        self.python(PythonVersion::latest(major, minor))
    }

    /// Like [`Options::python_version`], for one patch release: CPython
    /// changed what it writes within 3.11 and 3.12 (Debian 12's `python3`
    /// is 3.11.2, which writes enum members by name).
    pub fn python_version_patch(self, major: u8, minor: u8, patch: u8) -> Self {
        self.python(PythonVersion::new(major, minor, patch))
    }

    /// Sets the CPython version to write for, as a [`PythonVersion`].
    pub fn python(mut self, version: PythonVersion) -> Self {
        self.python = version;
        self
    }

    /// Sets how deep values may nest before writing fails with
    /// [`ErrorKind::RecursionLimit`].
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Writes [`Value::Buffer`](crate::Value::Buffer)s out-of-band
    /// (`NEXT_BUFFER`, protocol 5), as CPython does when `buffer_callback`
    /// returns a false value; [`Options::to_vec_with_buffers`] returns them.
    pub fn out_of_band_buffers(mut self, yes: bool) -> Self {
        self.out_of_band = yes;
        self
    }

    /// Writes globals registered in `extensions` as `EXT1/2/4` codes
    /// (protocol 2 and above), as CPython does for `copyreg` extensions.
    pub fn extensions(mut self, extensions: &'a Extensions) -> Self {
        self.extensions = Some(extensions);
        self
    }

    /// Writes `HashMap`s and `HashSet`s in sorted order, so that the same
    /// value always gives the same bytes (for snapshot tests: their own
    /// order changes from run to run). Keys sort as Python's `sorted()`
    /// sorts them: numbers by value, strings by code point, bytes by byte,
    /// tuples item by item; keys of other kinds, or of kinds Python cannot
    /// compare with each other, after those, by their pickled bytes. Other
    /// types keep their own order (`BTreeMap`'s, `IndexMap`'s, a `Vec`'s).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use pickle_core::{ser::Options, Protocol};
    ///
    /// let counts: HashMap<&str, i64> = [("b", 2), ("a", 1), ("c", 3)].into();
    /// let sorted = Options::new().protocol(Protocol::V2).sort_keys(true);
    /// // pickle.dumps({"a": 1, "b": 2, "c": 3}, protocol=2) in CPython
    /// assert_eq!(
    ///     sorted.to_vec(&counts)?,
    ///     b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01K\x01X\x01\x00\x00\x00bq\x02K\x02X\x01\x00\x00\x00cq\x03K\x03u."
    /// );
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn sort_keys(mut self, yes: bool) -> Self {
        self.sort_keys = yes;
        self
    }

    /// Sets the module names under which numpy arrays and dtypes are
    /// written (feature `ndarray`; see [`NumpyNames`](crate::numpy::NumpyNames)).
    #[cfg(feature = "ndarray")]
    pub fn numpy_names(mut self, names: crate::numpy::NumpyNames) -> Self {
        self.numpy_names = names;
        self
    }

    /// Pickles `value` into a new vector.
    pub fn to_vec<T: ToPickle + ?Sized>(&self, value: &T) -> Result<Vec<u8>> {
        Ok(self.to_vec_with_buffers(value)?.0)
    }

    /// Pickles `value` and returns the out-of-band buffers too, in order.
    pub fn to_vec_with_buffers<T: ToPickle + ?Sized>(
        &self,
        value: &T,
    ) -> Result<(Vec<u8>, Vec<Buffer>)> {
        let mut pickler = self.pickler(None)?;
        pickler.dump(value)?;
        let buffers = pickler.out_of_band.take().unwrap_or_default();
        Ok((pickler.out.finish()?, buffers))
    }

    /// Pickles `value` into `writer`, flushing each 64 KiB frame as it is done.
    pub fn to_writer<W: Write, T: ToPickle + ?Sized>(
        &self,
        mut writer: W,
        value: &T,
    ) -> Result<()> {
        let mut pickler = self.pickler(Some(&mut writer))?;
        pickler.dump(value)?;
        pickler.out.finish()?;
        Ok(())
    }

    fn pickler<'w>(&self, sink: Option<&'w mut dyn Write>) -> Result<Pickler<'w>>
    where
        'a: 'w,
    {
        if self.out_of_band && self.protocol < Protocol::V5 {
            return Err(Error::new(
                ErrorKind::Unpicklable,
                "out-of-band buffers need protocol 5",
            ));
        }
        let dialect = Dialect::of(self.python);
        Ok(Pickler {
            out: Framer::new(sink),
            proto: self.protocol.as_u8(),
            python: self.python,
            dialect,
            memo: Memo::new(dialect.one_char_names_shared),
            classes: Classes::default(),
            depth: 0,
            max_depth: self.max_depth,
            in_arc: 0,
            out_of_band: self.out_of_band.then(Vec::new),
            extensions: self.extensions.map(Cow::Borrowed),
            open: Vec::new(),
            sort_keys: self.sort_keys,
            #[cfg(feature = "ndarray")]
            numpy_names: self.numpy_names,
        })
    }
}
