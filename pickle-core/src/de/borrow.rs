//! Re-borrowing bytes that a decode handed out with the lifetime of the
//! caller's input: [`reborrow`].

/// `part` as a slice of `outer`, with `outer`'s lifetime, if `part` lies
/// inside `outer` in memory; `None` otherwise.
///
/// What a [`Decoder`](crate::Decoder) hands out (the bytes of a `bytes`
/// object, of a `bytearray`, of an out-of-band buffer) lives as long as the
/// decode, but it is often a slice of the caller's own input or buffers,
/// which live longer. The check is by address, in safe code: a result is
/// always the very bytes of `part`, and a part copied elsewhere gives `None`.
///
/// ```
/// use pickle_core::de::borrow::reborrow;
///
/// let input = b"abcdef".to_vec();
/// let inner = &input[2..4];
/// assert_eq!(reborrow(&input, inner), Some(&b"cd"[..]));
/// let copy = inner.to_vec();
/// assert_eq!(reborrow(&input, &copy), None);
/// ```
pub fn reborrow<'de>(outer: &'de [u8], part: &[u8]) -> Option<&'de [u8]> {
    let start = (part.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    outer.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::reborrow;

    #[test]
    fn finds_parts_inside_and_refuses_parts_outside() {
        let data = [0u8, 1, 2, 3, 4, 5, 6, 7];
        let (left, right) = data.split_at(4);
        assert_eq!(reborrow(&data, &data), Some(&data[..]));
        assert_eq!(reborrow(&data, &data[8..]), Some(&[][..]));
        assert_eq!(reborrow(left, &data[1..3]), Some(&[1, 2][..]));
        // Starts inside, ends outside.
        assert_eq!(reborrow(left, &data[3..5]), None);
        // Entirely after, or before.
        assert_eq!(reborrow(left, right), None);
        assert_eq!(reborrow(right, left), None);
        let elsewhere = data.to_vec();
        assert_eq!(reborrow(&data, &elsewhere), None);
    }
}
