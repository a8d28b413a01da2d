//! The CPython version the writer writes for, and what that version changes
//! in the bytes.
//!
//! `pickle.dumps` of the same object differs between CPython versions in a
//! few places: the standard library's `__reduce__` methods changed, and so
//! did which strings are one object. Every such rule is decided here, once
//! per pickle, as a [`Dialect`]; the writer reads the dialect's flags.

/// A CPython version whose `pickle.dumps` the writer's output equals, as
/// [`ser::Options::python_version`](super::Options::python_version) sets it.
///
/// Versions from 3.8 to 3.13 are told apart where their pickles differ; an
/// earlier version writes as 3.8 does, a later one as 3.13 does.
///
/// ```
/// use pickle_core::ser::PythonVersion;
///
/// assert!(PythonVersion::new(3, 11, 2) < PythonVersion::latest(3, 11));
/// assert_eq!(PythonVersion::default(), PythonVersion::latest(3, 11));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion {
    major: u8,
    minor: u8,
    patch: u8,
}

impl PythonVersion {
    /// CPython `major.minor.patch`.
    pub const fn new(major: u8, minor: u8, patch: u8) -> PythonVersion {
        PythonVersion {
            major,
            minor,
            patch,
        }
    }

    /// The latest patch release of CPython `major.minor`: every release of
    /// that minor version from its last change to pickles on.
    pub const fn latest(major: u8, minor: u8) -> PythonVersion {
        PythonVersion::new(major, minor, u8::MAX)
    }

    /// The major version (3).
    pub const fn major(self) -> u8 {
        self.major
    }

    /// The minor version.
    pub const fn minor(self) -> u8 {
        self.minor
    }

    /// The patch level ([`u8::MAX`] for [`PythonVersion::latest`]).
    pub const fn patch(self) -> u8 {
        self.patch
    }

    /// Whether this is `major.minor` at patch level `from` or later.
    fn at_least(self, major: u8, minor: u8, from: u8) -> bool {
        self >= PythonVersion::new(major, minor, from)
    }

    /// Whether this is a release of `major.minor` from `first` to `last`.
    fn within(self, major: u8, minor: u8, first: u8, last: u8) -> bool {
        (self.major, self.minor) == (major, minor) && (first..=last).contains(&self.patch)
    }
}

impl Default for PythonVersion {
    /// CPython 3.11, from 3.11.7 on (what `pickle.dumps` of every 3.11
    /// release from 3.11.7 writes).
    fn default() -> Self {
        PythonVersion::latest(3, 11)
    }
}

impl std::fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.patch {
            u8::MAX => write!(f, "{}.{}", self.major, self.minor),
            patch => write!(f, "{}.{}.{patch}", self.major, self.minor),
        }
    }
}

/// What the target version changes in the bytes: each flag names one
/// difference between CPython versions, with the versions it holds for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dialect {
    /// `enum.Enum.__reduce_ex__` returns `getattr, (cls, name)` (3.11.0 to
    /// 3.11.4; the return to `cls, (value,)` was backported after 3.11.4)
    /// rather than `cls, (value,)`.
    pub(crate) enum_by_name: bool,
    /// `ipaddress.IPv6Address.__reduce__` gives the address's text, which
    /// keeps its scope id (3.11.7, 3.12.1 and 3.13 on), rather than its int.
    pub(crate) ipv6_as_text: bool,
    /// `str()` of an IPv4-mapped IPv6 address ends in the dotted IPv4 address,
    /// `::ffff:1.2.3.4` (3.13 on), rather than `::ffff:102:304`.
    pub(crate) ipv4_mapped_dotted: bool,
    /// `collections.deque` and `collections.defaultdict` are heap types whose
    /// `__module__` is a string of their own, so the module name is written
    /// again for each rather than fetched from the memo (3.12 on).
    pub(crate) collections_own_module_names: bool,
    /// Below protocol 4, a nested class is `getattr(Outer, 'Inner')` with
    /// `Outer` written by name and not memoized, nor is the argument tuple
    /// (3.13, and 3.12.5 on, where gh-82951 was backported).
    pub(crate) nested_by_name_only: bool,
    /// A one-character string below U+0100 made at run time is the same
    /// object as the interned name of that character (an attribute `a`): not
    /// in 3.11 and 3.12, whose single-character strings are static objects
    /// apart from the interned ones.
    pub(crate) one_char_names_shared: bool,
}

impl Dialect {
    /// The rules of `version`.
    pub(crate) fn of(version: PythonVersion) -> Dialect {
        let v = version;
        Dialect {
            enum_by_name: v.within(3, 11, 0, 4),
            ipv6_as_text: v.within(3, 11, 7, u8::MAX)
                || v.within(3, 12, 1, u8::MAX)
                || v.at_least(3, 13, 0),
            ipv4_mapped_dotted: v.at_least(3, 13, 0),
            collections_own_module_names: v.at_least(3, 12, 0),
            nested_by_name_only: v.within(3, 12, 5, u8::MAX) || v.at_least(3, 13, 0),
            one_char_names_shared: !v.at_least(3, 11, 0) || v.at_least(3, 13, 0),
        }
    }

    /// Whether the module name of the class `module.name` is an object of
    /// the class's own, not the interned module name other globals share.
    pub(crate) fn own_module_name(self, module: &str, name: &str) -> bool {
        self.collections_own_module_names
            && module == "collections"
            && matches!(name, "deque" | "defaultdict")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_release_and_latest_comes_last() {
        assert!(PythonVersion::new(3, 11, 4) < PythonVersion::new(3, 11, 5));
        assert!(PythonVersion::new(3, 11, 200) < PythonVersion::latest(3, 11));
        assert!(PythonVersion::latest(3, 11) < PythonVersion::new(3, 12, 0));
        assert_eq!(PythonVersion::new(3, 11, 2).to_string(), "3.11.2");
        assert_eq!(PythonVersion::latest(3, 13).to_string(), "3.13");
    }

    #[test]
    fn the_default_dialect_is_that_of_3_11_from_3_11_7_on() {
        let default = Dialect::of(PythonVersion::default());
        assert_eq!(default, Dialect::of(PythonVersion::new(3, 11, 7)));
        assert!(default.ipv6_as_text && !default.enum_by_name);
    }
}
