//! Python's `repr()` of `str`, `bytes`, `bytearray`, `int`, `float` and
//! `bool`: how `pickletools.dis` shows arguments, and how `Value`'s
//! `Display` shows plain data.
//!
//! Each function follows the CPython 3.11 C code it is named after, so that
//! the disassembly matches `pickletools` character for character.

use std::cmp::Ordering;
use std::fmt::Write;

use super::printable_table::NON_PRINTABLE;
use crate::text::int::TextInt;
use crate::value::MAX_STR_DIGITS;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `Py_UNICODE_ISPRINTABLE`: whether `str.isprintable()` holds for the
/// one-character string of code point `cp`.
pub(crate) fn is_printable(cp: u32) -> bool {
    NON_PRINTABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                Ordering::Less
            } else if lo > cp {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_err()
}

/// Appends `\x`, `\u` or `\U` and `digits` lowercase hex digits of `cp`.
fn push_hex_escape(out: &mut String, marker: char, cp: u32, digits: u32) {
    out.push('\\');
    out.push(marker);
    for k in (0..digits).rev() {
        out.push(HEX[((cp >> (4 * k)) & 0xF) as usize] as char);
    }
}

/// `unicode_repr`: the `repr()` of a `str` given by its code points.
///
/// Single quotes unless the text holds a `'` and no `"`; the chosen quote and
/// backslashes escaped; `\t`, `\n`, `\r` by name; other ASCII controls and
/// every non-printable code point as `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
pub(crate) fn str_repr<I>(points: I, out: &mut String)
where
    I: Iterator<Item = u32> + Clone,
{
    let (mut single, mut double) = (false, false);
    for cp in points.clone() {
        single |= cp == u32::from(b'\'');
        double |= cp == u32::from(b'"');
    }
    let quote = if single && !double { '"' } else { '\'' };
    out.push(quote);
    for cp in points {
        match char::from_u32(cp) {
            Some(c) if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            Some('\t') => out.push_str("\\t"),
            Some('\n') => out.push_str("\\n"),
            Some('\r') => out.push_str("\\r"),
            Some(c) if cp < 0x20 || cp == 0x7F => push_hex_escape(out, 'x', u32::from(c), 2),
            Some(c) if cp < 0x7F || is_printable(cp) => out.push(c),
            // Non-printable, or a lone surrogate (never printable).
            _ if cp <= 0xFF => push_hex_escape(out, 'x', cp, 2),
            _ if cp <= 0xFFFF => push_hex_escape(out, 'u', cp, 4),
            _ => push_hex_escape(out, 'U', cp, 8),
        }
    }
    out.push(quote);
}

/// The quote `repr()` of `bytes` and `bytearray` uses: double quotes only
/// when the data holds a `'` and no `"`.
fn bytes_quote(bytes: &[u8]) -> u8 {
    if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    }
}

/// The body of a bytes literal; `escaped` (the quote, and a backslash) get a
/// backslash.
fn push_bytes_body(bytes: &[u8], escaped: [u8; 2], out: &mut String) {
    for &b in bytes {
        match b {
            _ if escaped.contains(&b) => {
                out.push('\\');
                out.push(b as char);
            }
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7E => out.push(b as char),
            _ => push_hex_escape(out, 'x', u32::from(b), 2),
        }
    }
}

/// `PyBytes_Repr(obj, smartquotes=1)`: the `repr()` of a `bytes`.
pub(crate) fn bytes_repr(bytes: &[u8], out: &mut String) {
    let quote = bytes_quote(bytes);
    out.push('b');
    out.push(quote as char);
    push_bytes_body(bytes, [quote, b'\\'], out);
    out.push(quote as char);
}

/// `bytearray_repr`: the `repr()` of a `bytearray`. It picks its quote as
/// `bytes` does but always escapes `'`, even between double quotes
/// (`bytearray(b"it\'s")`).
pub(crate) fn bytearray_repr(bytes: &[u8], out: &mut String) {
    let quote = bytes_quote(bytes);
    out.push_str("bytearray(b");
    out.push(quote as char);
    push_bytes_body(bytes, [b'\'', b'\\'], out);
    out.push(quote as char);
    out.push(')');
}

/// The `repr()` of an `int` is refused: it has more decimal digits than
/// Python's int to str conversion limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooManyDigits;

/// `long_to_decimal_string`: the `repr()` of an `int`, refused as CPython
/// refuses it (`ValueError`) past [`MAX_STR_DIGITS`] digits, not counting the sign.
pub(crate) fn int_repr(v: &TextInt, out: &mut String) -> Result<(), TooManyDigits> {
    match v {
        TextInt::Small(i) => {
            // Writing to a String cannot fail.
            let _ = write!(out, "{i}");
        }
        TextInt::Big(big) => {
            if big.exceeds_decimal_digits(MAX_STR_DIGITS) {
                return Err(TooManyDigits);
            }
            out.push_str(&big.to_decimal());
        }
    }
    Ok(())
}

/// The `repr()` of a `float`.
pub(crate) fn float_repr(x: f64, out: &mut String) {
    out.push_str(&crate::text::float::repr(x));
}

/// The `repr()` of a `bool`.
pub(crate) fn bool_repr(b: bool, out: &mut String) {
    out.push_str(if b { "True" } else { "False" });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::BigInt;

    fn str_of(points: &[u32]) -> String {
        let mut out = String::new();
        str_repr(points.iter().copied(), &mut out);
        out
    }

    fn bytes_of(bytes: &[u8]) -> String {
        let mut out = String::new();
        bytes_repr(bytes, &mut out);
        out
    }

    fn bytearray_of(bytes: &[u8]) -> String {
        let mut out = String::new();
        bytearray_repr(bytes, &mut out);
        out
    }

    fn points(s: &str) -> Vec<u32> {
        s.chars().map(u32::from).collect()
    }

    // Every expected text below was printed by `repr()` in CPython 3.11.7
    // (tests/dis.rs also compares whole disassemblies, which render every
    // code point, with pickletools at test time).

    #[test]
    fn str_quotes_and_escapes() {
        assert_eq!(str_of(&points("abc")), "'abc'");
        assert_eq!(str_of(&points("it's")), "\"it's\"");
        assert_eq!(str_of(&points("'\"")), "'\\'\"'");
        assert_eq!(str_of(&points("say \"hi\"")), "'say \"hi\"'");
        assert_eq!(
            str_of(&points("a\\b\t\n\r\0\x1f\x7f")),
            "'a\\\\b\\t\\n\\r\\x00\\x1f\\x7f'"
        );
        assert_eq!(str_of(&[]), "''");
    }

    #[test]
    fn str_non_ascii_follows_isprintable() {
        // repr('\x80\xa0\xad\xe9\u2028\u20ac\U0001f600\ud800\U000e0001\uffff')
        let text = [
            0x80, 0xA0, 0xAD, 0xE9, 0x2028, 0x20AC, 0x1F600, 0xD800, 0xE0001, 0xFFFF,
        ];
        assert_eq!(
            str_of(&text),
            "'\\x80\\xa0\\xad\u{e9}\\u2028\u{20ac}\u{1f600}\\ud800\\U000e0001\\uffff'"
        );
        assert!(is_printable(u32::from(b' ')));
        assert!(!is_printable(0x10FFFF));
    }

    #[test]
    fn bytes_and_bytearray() {
        assert_eq!(bytes_of(b""), "b''");
        assert_eq!(bytes_of(b"it's"), "b\"it's\"");
        assert_eq!(bytes_of(b"'\""), "b'\\'\"'");
        assert_eq!(
            bytes_of(b"\x00\t\n\r\\\x7f\x80\xff~ "),
            "b'\\x00\\t\\n\\r\\\\\\x7f\\x80\\xff~ '"
        );
        assert_eq!(bytearray_of(b"it's"), "bytearray(b\"it\\'s\")");
        assert_eq!(bytearray_of(b"a\"b"), "bytearray(b'a\"b')");
        assert_eq!(bytearray_of(b""), "bytearray(b'')");
    }

    #[test]
    fn ints_floats_bools() {
        let mut out = String::new();
        int_repr(&TextInt::Small(i64::MIN), &mut out).unwrap();
        assert_eq!(out, "-9223372036854775808");
        // repr(-(2**64)) is '-18446744073709551616'.
        let mut out = String::new();
        let big = BigInt::from(-(1i128 << 64));
        int_repr(&TextInt::Big(big), &mut out).unwrap();
        assert_eq!(out, "-18446744073709551616");
        // repr(10**4300) raises ValueError; repr(-(10**4300 - 1)) does not.
        let digits = |n: usize| vec![b'9'; n];
        let limit = BigInt::from_digits(true, 10, &digits(4300)).unwrap();
        assert!(int_repr(&TextInt::Big(limit), &mut String::new()).is_ok());
        let over = BigInt::from_digits(false, 10, &digits(4301)).unwrap();
        assert_eq!(
            int_repr(&TextInt::Big(over), &mut String::new()),
            Err(TooManyDigits)
        );
        let mut out = String::new();
        float_repr(-0.0, &mut out);
        out.push(' ');
        float_repr(f64::NAN, &mut out);
        out.push(' ');
        bool_repr(true, &mut out);
        assert_eq!(out, "-0.0 nan True");
    }
}
