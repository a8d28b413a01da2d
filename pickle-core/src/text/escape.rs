//! String escapes: `PyBytes_DecodeEscape` (the `STRING` opcode) and the
//! `raw-unicode-escape` codec (the `UNICODE` opcode).

use crate::value::PyStr;

/// Why an escaped string was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum EscapeError {
    /// A backslash at the very end (`ValueError: Trailing \ in string`).
    TrailingBackslash,
    /// `\x` without two hex digits, at this position.
    BadHexEscape(usize),
    /// A truncated `\u`/`\U` escape.
    TruncatedUnicode,
    /// A `\U` escape above U+10FFFF.
    OutOfRange,
}

/// Decodes the body of a quoted Python 2 string literal as CPython's
/// `PyBytes_DecodeEscape` does (unknown escapes are kept with their backslash).
pub(crate) fn decode_string_escape(s: &[u8]) -> Result<Vec<u8>, EscapeError> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = s.get(i) else {
            return Err(EscapeError::TrailingBackslash);
        };
        i += 1;
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b'v' => out.push(0x0b),
            b'a' => out.push(0x07),
            b'0'..=b'7' => {
                let mut value = (e - b'0') as u32;
                for _ in 0..2 {
                    match s.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = (value << 3) + (d - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // CPython stores the value in a char: values above 0o377 wrap.
                out.push(value as u8);
            }
            b'x' => {
                let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
                match (hex(s.get(i)), hex(s.get(i + 1))) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 2;
                    }
                    _ => return Err(EscapeError::BadHexEscape(i - 2)),
                }
            }
            _ => {
                out.push(b'\\');
                i -= 1;
            }
        }
    }
    Ok(out)
}

/// Decodes `raw-unicode-escape`: bytes are Latin-1 code points, except
/// `\uXXXX` and `\UXXXXXXXX`; any other backslash pair is kept as it is.
pub(crate) fn decode_raw_unicode_escape(s: &[u8]) -> Result<PyStr, EscapeError> {
    let mut points = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c != b'\\' || i >= s.len() {
            points.push(c as u32);
            continue;
        }
        let e = s[i];
        i += 1;
        let count = match e {
            b'u' => 4,
            b'U' => 8,
            _ => {
                points.push(b'\\' as u32);
                points.push(e as u32);
                continue;
            }
        };
        let mut value: u32 = 0;
        for _ in 0..count {
            let digit = s
                .get(i)
                .and_then(|&b| (b as char).to_digit(16))
                .ok_or(EscapeError::TruncatedUnicode)?;
            value = (value << 4) | digit;
            i += 1;
        }
        if value > 0x10FFFF {
            return Err(EscapeError::OutOfRange);
        }
        points.push(value);
    }
    PyStr::from_code_points(points).ok_or(EscapeError::OutOfRange)
}

/// Encodes a string for the `UNICODE` opcode as CPython's pickler does:
/// `raw-unicode-escape`, with backslash, NUL, newline, carriage return and
/// `\x1a` also escaped so that the line stays one line.
pub(crate) fn encode_raw_unicode_escape(s: &PyStr, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if let Some(text) = s.as_str() {
        if text
            .bytes()
            .all(|b| b < 0x80 && !matches!(b, b'\\' | 0 | b'\n' | b'\r' | 0x1a))
        {
            out.extend_from_slice(text.as_bytes());
            return;
        }
    }
    for cp in s.code_points() {
        if cp >= 0x10000 {
            out.extend_from_slice(b"\\U");
            out.extend((0..8).rev().map(|k| HEX[((cp >> (4 * k)) & 0xF) as usize]));
        } else if cp >= 256 || matches!(cp, 0x5c | 0 | 0x0a | 0x0d | 0x1a) {
            out.extend_from_slice(b"\\u");
            out.extend((0..4).rev().map(|k| HEX[((cp >> (4 * k)) & 0xF) as usize]));
        } else {
            out.push(cp as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_escapes() {
        assert_eq!(
            decode_string_escape(br"a\nb\x41\101\q"),
            Ok(b"a\nbAA\\q".to_vec())
        );
        assert_eq!(decode_string_escape(br"\777"), Ok(vec![0xff]));
        assert_eq!(
            decode_string_escape(br"ab\"),
            Err(EscapeError::TrailingBackslash)
        );
        assert_eq!(
            decode_string_escape(br"\x4"),
            Err(EscapeError::BadHexEscape(0))
        );
    }

    #[test]
    fn raw_unicode_escape_round_trip() {
        let s = PyStr::from_code_points([0x41, 0x5c, 0x0a, 0xe9, 0x20ac, 0x1d11e, 0xd800]).unwrap();
        let mut out = Vec::new();
        encode_raw_unicode_escape(&s, &mut out);
        assert_eq!(
            out,
            b"A\\u005c\\u000a\xe9\\u20ac\\U0001d11e\\ud800".to_vec()
        );
        assert_eq!(decode_raw_unicode_escape(&out), Ok(s));
        assert_eq!(
            decode_raw_unicode_escape(br"\\u0041").unwrap().as_str(),
            Some(r"\\u0041")
        );
        assert_eq!(
            decode_raw_unicode_escape(br"\u00"),
            Err(EscapeError::TruncatedUnicode)
        );
    }
}
