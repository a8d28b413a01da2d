//! Borrowing decoded text from the input for as long as the input lives.
//!
//! A [`Decoder`](super::Decoder)'s strings and bytes live as long as the
//! decoder's reader, which is shorter than the input of
//! [`Options::from_slice`](super::Options::from_slice). Most of them are
//! slices of the input itself (the streaming reader reads nothing else, the
//! general reader keeps unescaped text where it was); [`reborrow`] finds
//! such a slice again in the input, with the input's lifetime, so that a
//! decoded value can keep it without a copy.

/// `part` as a slice of `outer`, with `outer`'s lifetime, when `part` lies
/// inside `outer` (same memory, not merely equal bytes); `None` otherwise,
/// such as for text the reader made (escaped or re-encoded strings) or read
/// from a stream.
///
/// ```
/// use pickle_core::de::borrow::reborrow;
///
/// let input = b"hello world".to_vec();
/// let part = &input[6..];
/// assert_eq!(reborrow(&input, part), Some(&b"world"[..]));
/// assert_eq!(reborrow(&input, b"world"), None); // equal bytes, other memory
/// ```
pub fn reborrow<'de>(outer: &'de [u8], part: &[u8]) -> Option<&'de [u8]> {
    // Addresses compared as numbers: no pointer is dereferenced, and the
    // result is a subslice of `outer`, so at worst it is `None`.
    let start = (part.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    outer.get(start..end)
}

/// [`reborrow`] for text: `part` as a `str` of `outer`'s lifetime.
#[cfg(feature = "serde")]
pub(crate) fn reborrow_str<'de>(outer: &'de [u8], part: &str) -> Option<&'de str> {
    // The bytes are `part`'s, so they are UTF-8; checking again is the
    // price of staying in safe code, and is quick for the short strings of
    // most fields.
    std::str::from_utf8(reborrow(outer, part.as_bytes())?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_slices_of_the_input_only() {
        let input = vec![1u8, 2, 3, 4, 5];
        assert_eq!(reborrow(&input, &input[1..3]), Some(&[2u8, 3][..]));
        assert_eq!(reborrow(&input, &input[..]), Some(&input[..]));
        assert_eq!(reborrow(&input, &input[5..]), Some(&[][..]));
        let copy = input.clone();
        assert_eq!(reborrow(&input, &copy[1..3]), None);
        // A slice that starts inside and ends outside is not inside.
        let (head, _) = input.split_at(2);
        assert_eq!(reborrow(head, &input[1..4]), None);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn finds_text_of_the_input_only() {
        assert_eq!(reborrow_str(b"abc", "bc"), None);
        let text = b"key: value";
        let inner = std::str::from_utf8(&text[5..]).unwrap();
        assert_eq!(reborrow_str(text, inner), Some("value"));
    }
}
