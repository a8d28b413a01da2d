//! `PyStr`: a Python `str`, which may hold lone surrogates.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// A Python `str`.
///
/// Python strings are sequences of code points, and unlike Rust's `str` they
/// may contain lone surrogates (U+D800 to U+DFFF). Pickles carry them encoded
/// as UTF-8 with the `surrogatepass` error handler, and so does `PyStr`: it is
/// a plain `String` unless the text holds a surrogate, so that reading and
/// writing it back never loses a code point.
///
/// Text of up to 15 bytes made from a `&str`, a `char` or bytes (what the
/// readers make) is kept in place, without a heap allocation: most strings
/// in a pickle (keys, names, tags) are that short. `PyStr` is as large as a
/// `String` either way.
#[derive(Clone)]
pub struct PyStr(Repr);

/// The most bytes of text a [`PyStr`] keeps in place.
const INLINE: usize = 15;

#[derive(Clone)]
enum Repr {
    /// Valid UTF-8 (no surrogates) of at most [`INLINE`] bytes: `bytes[..len]`.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// Valid UTF-8 (no surrogates).
    Utf8(String),
    /// UTF-8 that encodes at least one surrogate code point.
    Surrogates(Box<[u8]>),
}

impl Repr {
    /// `text` in place if it fits, else in a `String`.
    fn of_str(text: &str) -> Repr {
        let len = text.len();
        if len <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..len].copy_from_slice(text.as_bytes());
            Repr::Inline {
                len: len as u8,
                bytes,
            }
        } else {
            Repr::Utf8(text.to_owned())
        }
    }
}

/// The position of the first byte that is not UTF-8 with `surrogatepass`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidText {
    /// Offset of the offending byte in the input.
    pub position: usize,
}

/// Length of an encoded surrogate at the start of `bytes` (3), or 0.
fn encoded_surrogate(bytes: &[u8]) -> usize {
    match bytes {
        [0xED, 0xA0..=0xBF, 0x80..=0xBF, ..] => 3,
        _ => 0,
    }
}

impl PyStr {
    /// Decodes UTF-8 in which surrogate code points may appear encoded as
    /// three bytes (what CPython writes for a `str` holding lone surrogates).
    pub fn from_utf8_surrogatepass(bytes: &[u8]) -> Result<PyStr, InvalidText> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(PyStr(Repr::of_str(s))),
            Err(_) => {
                validate_surrogatepass(bytes)?;
                Ok(PyStr(Repr::Surrogates(bytes.into())))
            }
        }
    }

    /// Builds a string from code points; `None` if one is above U+10FFFF.
    pub fn from_code_points(points: impl IntoIterator<Item = u32>) -> Option<PyStr> {
        let mut bytes = Vec::new();
        let mut surrogates = false;
        for cp in points {
            match char::from_u32(cp) {
                Some(c) => {
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                None if (0xD800..=0xDFFF).contains(&cp) => {
                    surrogates = true;
                    bytes.extend_from_slice(&[
                        0xE0 | (cp >> 12) as u8,
                        0x80 | ((cp >> 6) & 0x3F) as u8,
                        0x80 | (cp & 0x3F) as u8,
                    ]);
                }
                None => return None,
            }
        }
        Some(if surrogates {
            PyStr(Repr::Surrogates(bytes.into_boxed_slice()))
        } else {
            // Only whole chars were encoded above.
            PyStr::from(String::from_utf8(bytes).unwrap_or_default())
        })
    }

    /// The text as a Rust `str`, unless it holds a lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            // Always `Some`: only valid UTF-8 is kept in place (checked
            // again because this crate has no `unsafe` to skip it).
            Repr::Inline { len, bytes } => std::str::from_utf8(&bytes[..*len as usize]).ok(),
            Repr::Utf8(s) => Some(s),
            Repr::Surrogates(_) => None,
        }
    }

    /// The text encoded as UTF-8 with `surrogatepass`: exactly the bytes a
    /// `BINUNICODE` opcode carries.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..*len as usize],
            Repr::Utf8(s) => s.as_bytes(),
            Repr::Surrogates(b) => b,
        }
    }

    /// Whether the text holds a lone surrogate (and so is not a Rust `str`).
    pub fn has_surrogates(&self) -> bool {
        matches!(self.0, Repr::Surrogates(_))
    }

    /// The length in code points, as Python's `len()` counts.
    pub fn len(&self) -> usize {
        self.code_points().count()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }

    /// The code points, surrogates included.
    pub fn code_points(&self) -> CodePoints<'_> {
        CodePoints {
            bytes: self.as_bytes(),
        }
    }

    /// The text with every lone surrogate replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Inline { .. } => Cow::Borrowed(self.as_str().unwrap_or_default()),
            Repr::Utf8(s) => Cow::Borrowed(s),
            Repr::Surrogates(b) => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
        }
    }

    /// Converts into a `String`, or gives the string back if it holds a surrogate.
    pub fn into_string(self) -> Result<String, PyStr> {
        match self.0 {
            Repr::Inline { .. } => Ok(self.as_str().unwrap_or_default().to_owned()),
            Repr::Utf8(s) => Ok(s),
            repr @ Repr::Surrogates(_) => Err(PyStr(repr)),
        }
    }
}

fn validate_surrogatepass(bytes: &[u8]) -> Result<(), InvalidText> {
    let mut pos = 0;
    while pos < bytes.len() {
        match std::str::from_utf8(&bytes[pos..]) {
            Ok(_) => return Ok(()),
            Err(e) => {
                let bad = pos + e.valid_up_to();
                let n = encoded_surrogate(&bytes[bad..]);
                if n == 0 {
                    return Err(InvalidText { position: bad });
                }
                pos = bad + n;
            }
        }
    }
    Ok(())
}

/// Iterator over the code points of a [`PyStr`].
#[derive(Clone, Debug)]
pub struct CodePoints<'a> {
    bytes: &'a [u8],
}

impl Iterator for CodePoints<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let (&first, rest) = self.bytes.split_first()?;
        let (len, init) = match first {
            0x00..=0x7F => (1, first as u32),
            0xC0..=0xDF => (2, (first & 0x1F) as u32),
            0xE0..=0xEF => (3, (first & 0x0F) as u32),
            _ => (4, (first & 0x07) as u32),
        };
        let cp = rest[..len - 1]
            .iter()
            .fold(init, |acc, &b| (acc << 6) | (b & 0x3F) as u32);
        self.bytes = &rest[len - 1..];
        Some(cp)
    }
}

// Equal text is equal whether it is kept in place or not: compared and
// hashed as the bytes (which also say whether it holds a surrogate).
impl PartialEq for PyStr {
    fn eq(&self, other: &PyStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for PyStr {}

impl std::hash::Hash for PyStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialOrd for PyStr {
    fn partial_cmp(&self, other: &PyStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PyStr {
    /// Code point order, as Python compares strings (UTF-8, surrogates
    /// included, sorts bytewise in code point order).
    fn cmp(&self, other: &PyStr) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Default for PyStr {
    fn default() -> PyStr {
        PyStr(Repr::of_str(""))
    }
}

impl From<String> for PyStr {
    fn from(s: String) -> PyStr {
        PyStr(Repr::Utf8(s))
    }
}

impl From<&str> for PyStr {
    fn from(s: &str) -> PyStr {
        PyStr(Repr::of_str(s))
    }
}

impl From<char> for PyStr {
    fn from(c: char) -> PyStr {
        PyStr(Repr::of_str(c.encode_utf8(&mut [0; 4])))
    }
}

impl PartialEq<str> for PyStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for PyStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl fmt::Display for PyStr {
    /// The text, with lone surrogates shown as U+FFFD.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

impl fmt::Debug for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Inline { .. } | Repr::Utf8(_) => {
                fmt::Debug::fmt(self.as_str().unwrap_or_default(), f)
            }
            Repr::Surrogates(_) => {
                f.write_str("\"")?;
                for cp in self.code_points() {
                    match char::from_u32(cp) {
                        Some(c) => write!(f, "{}", c.escape_debug())?,
                        None => write!(f, "\\u{{{cp:x}}}")?,
                    }
                }
                f.write_str("\"")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lone_surrogates() {
        let bytes = b"a\xed\xa0\x80b";
        let s = PyStr::from_utf8_surrogatepass(bytes).unwrap();
        assert!(s.has_surrogates());
        assert_eq!(s.as_bytes(), bytes);
        assert_eq!(
            s.code_points().collect::<Vec<_>>(),
            vec![0x61, 0xD800, 0x62]
        );
        assert_eq!(s.len(), 3);
        assert_eq!(PyStr::from_code_points([0x61, 0xD800, 0x62]), Some(s));
    }

    #[test]
    fn rejects_what_surrogatepass_rejects() {
        assert_eq!(
            PyStr::from_utf8_surrogatepass(b"ab\xff"),
            Err(InvalidText { position: 2 })
        );
        assert!(PyStr::from_utf8_surrogatepass(b"\xed\xa0").is_err());
        assert!(PyStr::from_code_points([0x110000]).is_none());
    }

    #[test]
    fn text_kept_in_place_equals_the_same_text_in_a_string() {
        use std::collections::hash_map::DefaultHasher;
        use std::hash::{Hash, Hasher};
        let hash = |s: &PyStr| {
            let mut h = DefaultHasher::new();
            s.hash(&mut h);
            h.finish()
        };
        for text in [
            "",
            "a",
            "é€",
            "fifteen bytes!!",
            "sixteen bytes!!!",
            "𝄞 and more text",
        ] {
            let short = PyStr::from(text);
            let long = PyStr::from(text.to_owned());
            assert_eq!(
                matches!(short.0, Repr::Inline { .. }),
                text.len() <= INLINE,
                "{text:?}"
            );
            assert!(matches!(long.0, Repr::Utf8(_)));
            assert_eq!(short, long);
            assert_eq!(hash(&short), hash(&long));
            assert_eq!(short.cmp(&long), Ordering::Equal);
            assert_eq!(short.as_str(), Some(text));
            assert_eq!(short.as_bytes(), text.as_bytes());
            assert_eq!(format!("{short:?}"), format!("{text:?}"));
            assert_eq!(short.to_string(), text);
            assert_eq!(short.clone().into_string(), Ok(text.to_owned()));
            assert_eq!(PyStr::from_utf8_surrogatepass(text.as_bytes()), Ok(short));
        }
        assert_eq!(PyStr::from('€').as_str(), Some("€"));
        assert_ne!(PyStr::from("ab"), PyStr::from("abc".to_owned()));
    }

    #[test]
    fn plain_text_is_a_string() {
        let s = PyStr::from_utf8_surrogatepass("héllo €𝄞".as_bytes()).unwrap();
        assert_eq!(s.as_str(), Some("héllo €𝄞"));
        assert_eq!(s.len(), 8);
    }
}
