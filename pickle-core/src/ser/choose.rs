//! The opcodes CPython picks for an int, a `str`, a `bytes` and a memo
//! index, in one place: the [`Pickler`](super::Pickler) and drafts write what these say.
//!
//! Each form comes as a fixed-size array and how many of its bytes count,
//! so that a writer copies the whole array (a few stores) and keeps the
//! prefix, instead of a copy whose length depends on the value.

use crate::opcode::Opcode;

/// An int as CPython writes it in binary: `BININT1`, `BININT2` or `BININT`
/// (protocol 1 and above) in the 32-bit range, else `LONG1` (protocol 2
/// and above) with the fewest two's-complement bytes. `None` where it is
/// text (`INT`, `LONG`): protocol 0, or beyond 32 bits at protocol 1.
///
/// The bytes are built in a register and returned as one: assembled byte
/// by byte in memory and read back whole, they stalled the processor.
#[inline]
pub(crate) fn int(v: i64, proto: u8) -> Option<([u8; 16], usize)> {
    if proto == 0 {
        return None;
    }
    let (code, len) = match i32::try_from(v) {
        Ok(small) if small as u32 > 0xffff => (op(Opcode::BinInt) | (small as u32 as u128) << 8, 5),
        Ok(small) if small as u32 > 0xff => (op(Opcode::BinInt2) | (small as u128) << 8, 3),
        Ok(small) => (op(Opcode::BinInt1) | (small as u128) << 8, 2),
        Err(_) if proto >= 2 => {
            let n = long1_len(v);
            let code = op(Opcode::Long1) | (n as u128) << 8 | (v as u64 as u128) << 16;
            (code, n + 2)
        }
        Err(_) => return None,
    };
    Some((code.to_le_bytes(), len))
}

fn op(op: Opcode) -> u128 {
    u128::from(op.byte())
}

/// How many little-endian two's-complement bytes `v` takes, at fewest
/// (five to eight outside the 32-bit range).
fn long1_len(v: i64) -> usize {
    // Bits beyond the sign that the value needs, then a sign bit.
    let bits = 65
        - if v < 0 {
            v.leading_ones()
        } else {
            v.leading_zeros()
        } as usize;
    bits.div_ceil(8)
}

/// The header of a string of `len` UTF-8 bytes at protocol 1 and above:
/// `SHORT_BINUNICODE` (protocol 4 and above, up to 255 bytes), `BINUNICODE`
/// (up to 4 GiB), `BINUNICODE8` (protocol 4 and above). `None` for a
/// string longer than 4 GiB below protocol 4.
#[inline]
pub(crate) fn str_header(len: usize, proto: u8) -> Option<([u8; 9], usize)> {
    counted(
        len,
        proto,
        [
            Opcode::ShortBinUnicode,
            Opcode::BinUnicode,
            Opcode::BinUnicode8,
        ],
    )
}

/// The header of a `bytes` of `len` bytes at protocol 3 and above:
/// `SHORT_BINBYTES`, `BINBYTES`, `BINBYTES8` (protocol 4 and above).
#[inline]
pub(crate) fn bytes_header(len: usize, proto: u8) -> Option<([u8; 9], usize)> {
    let ops = [Opcode::ShortBinBytes, Opcode::BinBytes, Opcode::BinBytes8];
    // `SHORT_BINBYTES` is as old as `BINBYTES` (protocol 3).
    counted(len, proto.max(4), ops).filter(|_| proto >= 4 || len <= 0xffff_ffff)
}

/// A counted argument's header: the short form up to 255 bytes (from
/// protocol 4), the 4-byte form, the 8-byte form (from protocol 4).
#[inline]
fn counted(len: usize, proto: u8, [short, four, eight]: [Opcode; 3]) -> Option<([u8; 9], usize)> {
    let mut out = [0; 9];
    if len <= 0xff && proto >= 4 {
        out[..2].copy_from_slice(&[short.byte(), len as u8]);
        return Some((out, 2));
    }
    if let Ok(len) = u32::try_from(len) {
        out[0] = four.byte();
        out[1..5].copy_from_slice(&len.to_le_bytes());
        return Some((out, 5));
    }
    if proto < 4 {
        return None;
    }
    out[0] = eight.byte();
    out[1..9].copy_from_slice(&(len as u64).to_le_bytes());
    Some((out, 9))
}

/// A memo index in binary (protocol 1 and above), as `get` or `put` is
/// `[BINGET, LONG_BINGET]` or `[BINPUT, LONG_BINPUT]`: the one-byte form
/// below 256, else the four-byte one.
#[inline]
pub(crate) fn memo(idx: u32, [short, long]: [Opcode; 2]) -> ([u8; 5], usize) {
    let [a, b, c, d] = idx.to_le_bytes();
    match u8::try_from(idx) {
        Ok(idx) => ([short.byte(), idx, 0, 0, 0], 2),
        Err(_) => ([long.byte(), a, b, c, d], 5),
    }
}

/// `GET`'s binary forms, for [`memo`].
pub(crate) const GET: [Opcode; 2] = [Opcode::BinGet, Opcode::LongBinGet];

/// `PUT`'s binary forms, for [`memo`].
pub(crate) const PUT: [Opcode; 2] = [Opcode::BinPut, Opcode::LongBinPut];

/// For `""` and the one-character strings of code points below 256, of
/// each of which CPython keeps a single object (every such string made at
/// run time, by slicing, decoding or `chr`, is that object), a number that
/// names it: 0 for `""`, the code point plus one for the others. So a
/// Python object equal to a Rust value holds each of them once, and
/// `pickle.dumps` writes the second one as a memo `GET`.
#[inline]
pub(crate) fn one_object_str(v: &str) -> Option<u16> {
    match *v.as_bytes() {
        [] => Some(0),
        [b] if b < 0x80 => Some(u16::from(b) + 1),
        // U+0080 to U+00FF in UTF-8.
        [lead @ (0xC2 | 0xC3), cont] => {
            Some((u16::from(lead & 0x1F) << 6 | u16::from(cont & 0x3F)) + 1)
        }
        _ => None,
    }
}

/// Whether a string is written whole by one fixed form, `SHORT_BINUNICODE`,
/// the text and `MEMOIZE` (protocol 4 and above): at most 255 bytes, and
/// not one CPython keeps one object of (those are shared through the memo).
#[inline]
pub(crate) fn short_str(v: &str, proto: u8) -> bool {
    proto >= 4 && v.len() <= 0xff && (v.len() > 2 || one_object_str(v).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_take_the_fewest_bytes() {
        assert_eq!(
            int(255, 2).map(|(b, n)| b[..n].to_vec()),
            Some(vec![b'K', 255])
        );
        assert_eq!(int(-1, 2).map(|(_, n)| n), Some(5));
        assert_eq!(int(1 << 40, 2).map(|(b, n)| (b[0], n)), Some((0x8a, 8)));
        assert_eq!(
            int(-(1 << 40), 2).map(|(b, n)| b[..n].to_vec()),
            Some(vec![0x8a, 6, 0, 0, 0, 0, 0, 0xff])
        );
        assert_eq!(int(i64::MIN, 2).map(|(_, n)| n), Some(10));
        assert_eq!(int(1 << 40, 1), None);
        assert_eq!(int(1, 0), None);
    }

    #[test]
    fn counted_headers_follow_the_protocol() {
        assert_eq!(
            str_header(3, 4).map(|(b, n)| b[..n].to_vec()),
            Some(vec![0x8c, 3])
        );
        assert_eq!(str_header(3, 3).map(|(_, n)| n), Some(5));
        assert_eq!(bytes_header(3, 3).map(|(b, n)| (b[0], n)), Some((b'C', 2)));
        assert_eq!(str_header(1 << 32, 3), None);
    }
}
