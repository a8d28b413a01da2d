//! Integers in text: C's `strtol` and CPython's `PyLong_FromString`.

use super::{c_string, is_space};
use crate::value::{BigInt, MAX_STR_DIGITS};

/// An integer parsed from text.
///
/// `Small` holds every value that fits an `i64`, so that equal integers are
/// equal (and hash alike) whatever their source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TextInt {
    Small(i64),
    Big(BigInt),
}

impl TextInt {
    pub(crate) fn from_big(v: BigInt) -> TextInt {
        match v.to_i64() {
            Some(i) => TextInt::Small(i),
            None => TextInt::Big(v),
        }
    }
}

/// Why text is not an integer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IntError {
    /// Not an integer literal (`ValueError: invalid literal for int()`).
    Invalid,
    /// More decimal digits than Python's int <-> str conversion limit.
    TooManyDigits(usize),
}

/// What the `INT` opcode reads: an int, or a bool for `00`/`01`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IntOrBool {
    Int(TextInt),
    Bool(bool),
}

/// Parses the line of an `INT` opcode (newline included) as CPython's
/// `load_int` does: C `strtol` with base 0, falling back to
/// `PyLong_FromString` with base 0 when `strtol` overflows or stops early.
/// A three-byte line holding 0 or 1 is a bool (`I00`/`I01` is how protocol 0
/// writes `False`/`True`).
pub(crate) fn parse_int_line(line: &[u8]) -> Result<IntOrBool, IntError> {
    if line.len() < 2 {
        // `load_int` refuses a line without text before its newline.
        return Err(IntError::Invalid);
    }
    let s = c_string(line);
    if let Some((value, end)) = strtol(s) {
        if matches!(s.get(end), None | Some(b'\n')) {
            if line.len() == 3 && (value == 0 || value == 1) {
                return Ok(IntOrBool::Bool(value == 1));
            }
            return Ok(IntOrBool::Int(TextInt::Small(value)));
        }
    }
    py_long_from_string(s, 0).map(IntOrBool::Int)
}

/// Parses the line of a `LONG` opcode: an optional `L` before the newline is
/// dropped, then `PyLong_FromString` with base 0.
pub(crate) fn parse_long_line(line: &[u8]) -> Result<TextInt, IntError> {
    let len = line.len();
    let text = if len >= 2 && line[len - 2] == b'L' {
        &line[..len - 2]
    } else {
        line
    };
    py_long_from_string(c_string(text), 0)
}

/// Parses the line of a `GET` or `PUT` opcode: `PyLong_FromString` with base 10.
pub(crate) fn parse_memo_index_line(line: &[u8]) -> Result<TextInt, IntError> {
    py_long_from_string(c_string(line), 10)
}

/// Python's `int(b"...")`, which `pickletools` uses to read the arguments
/// of `INT`, `LONG`, `GET` and `PUT`: `PyLong_FromString` with base 10 on all
/// of the bytes, so that, unlike in the C parsers, a NUL does not end the text
/// but makes it invalid.
pub(crate) fn parse_int_bytes(s: &[u8]) -> Result<TextInt, IntError> {
    if s.contains(&0) {
        return Err(IntError::Invalid);
    }
    py_long_from_string(s, 10)
}

/// C's `strtol(s, &end, 0)` on a 64-bit `long`: `None` on overflow (ERANGE);
/// otherwise the value and where parsing stopped. Without digits, that is
/// 0 and the start of `s`, as in C: `load_int` then takes an empty text (a
/// line that starts with a NUL) for 0.
fn strtol(s: &[u8]) -> Option<(i64, usize)> {
    let mut i = 0;
    while s.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let radix = if s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        i += 2;
        16
    } else if s.get(i) == Some(&b'0') {
        8
    } else {
        10
    };
    let start = i;
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&b| (b as char).to_digit(radix)) {
        match magnitude
            .checked_mul(radix as u64)
            .and_then(|m| m.checked_add(d as u64))
        {
            Some(m) => magnitude = m,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return Some((0, 0));
    }
    let limit = if negative {
        1u64 << 63
    } else {
        i64::MAX as u64
    };
    if overflow || magnitude > limit {
        return None;
    }
    let value = if negative {
        (magnitude as i64).wrapping_neg()
    } else {
        magnitude as i64
    };
    Some((value, i))
}

/// CPython's `PyLong_FromString(s, NULL, base)` for base 0 or 10: optional
/// whitespace and sign, a `0x`/`0o`/`0b` prefix (base 0 only), digits with
/// single underscores between them, optional trailing whitespace, nothing else.
pub(crate) fn py_long_from_string(s: &[u8], base: u32) -> Result<TextInt, IntError> {
    let mut i = 0;
    while s.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut radix = base;
    let mut after_prefix = false;
    if base == 0 {
        radix = 10;
        if s.get(i) == Some(&b'0') {
            match s.get(i + 1).map(u8::to_ascii_lowercase) {
                Some(b'x') => radix = 16,
                Some(b'o') => radix = 8,
                Some(b'b') => radix = 2,
                _ => {}
            }
            if radix != 10 {
                i += 2;
                after_prefix = true;
            }
        }
    }
    // Digits, with single underscores between them (and right after a prefix).
    let mut digits = Vec::new();
    let mut prev_underscore = false;
    while let Some(&b) = s.get(i) {
        if b == b'_' {
            if prev_underscore || (digits.is_empty() && !after_prefix) {
                return Err(IntError::Invalid);
            }
            prev_underscore = true;
        } else if (b as char).is_digit(radix) {
            digits.push(b);
            prev_underscore = false;
        } else {
            break;
        }
        i += 1;
    }
    if digits.is_empty() || prev_underscore {
        return Err(IntError::Invalid);
    }
    // CPython checks the digit limit right after scanning the digits, before
    // it looks at what follows them: `9...9x` with too many digits fails on
    // the limit, not as an invalid literal.
    if !radix.is_power_of_two() && digits.len() > MAX_STR_DIGITS {
        return Err(IntError::TooManyDigits(digits.len()));
    }
    // In base 0, a decimal literal may not have leading zeros unless it is zero.
    if base == 0 && radix == 10 && digits[0] == b'0' && digits.iter().any(|&d| d != b'0') {
        return Err(IntError::Invalid);
    }
    while s.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    if i != s.len() {
        return Err(IntError::Invalid);
    }
    if digits.len() <= 18 && radix == 10 || digits.len() <= 15 {
        let magnitude = digits.iter().fold(0i64, |acc, &d| {
            acc * radix as i64 + (d as char).to_digit(radix).unwrap_or(0) as i64
        });
        return Ok(TextInt::Small(if negative {
            -magnitude
        } else {
            magnitude
        }));
    }
    BigInt::from_digits(negative, radix, &digits)
        .map(TextInt::from_big)
        .ok_or(IntError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(v: i64) -> Result<IntOrBool, IntError> {
        Ok(IntOrBool::Int(TextInt::Small(v)))
    }

    #[test]
    fn int_opcode_follows_load_int() {
        assert_eq!(parse_int_line(b"12\n"), small(12));
        assert_eq!(parse_int_line(b"-7\n"), small(-7));
        assert_eq!(parse_int_line(b"01\n"), Ok(IntOrBool::Bool(true)));
        assert_eq!(parse_int_line(b"00\n"), Ok(IntOrBool::Bool(false)));
        assert_eq!(parse_int_line(b"1\n"), small(1));
        // strtol with base 0 reads a leading 0 as octal.
        assert_eq!(parse_int_line(b"017\n"), small(15));
        assert_eq!(parse_int_line(b"0x1f\n"), small(31));
        // Underscores stop strtol; PyLong_FromString accepts them.
        assert_eq!(parse_int_line(b"1_000\n"), small(1000));
        assert_eq!(parse_int_line(b"12L\n"), Err(IntError::Invalid));
        let big = parse_int_line(b"18446744073709551616\n").unwrap();
        assert_eq!(big, IntOrBool::Int(TextInt::Big(BigInt::from(1u128 << 64))));
    }

    #[test]
    fn long_opcode_takes_an_optional_l() {
        assert_eq!(parse_long_line(b"5L\n"), Ok(TextInt::Small(5)));
        assert_eq!(parse_long_line(b"5\n"), Ok(TextInt::Small(5)));
        assert_eq!(parse_long_line(b"05L\n"), Err(IntError::Invalid));
        let many = format!("{}\n", "9".repeat(4301));
        assert_eq!(
            parse_long_line(many.as_bytes()),
            Err(IntError::TooManyDigits(4301))
        );
    }

    #[test]
    fn int_of_bytes_is_base_10_and_refuses_nul() {
        // int(b" 017 "), int(b"1_000") and int(b"-5") in CPython 3.11.
        assert_eq!(parse_int_bytes(b" 017 "), Ok(TextInt::Small(17)));
        assert_eq!(parse_int_bytes(b"1_000"), Ok(TextInt::Small(1000)));
        assert_eq!(parse_int_bytes(b"-5"), Ok(TextInt::Small(-5)));
        // int(b"1\x002") and int(b"0x10") raise ValueError.
        assert_eq!(parse_int_bytes(b"1\x002"), Err(IntError::Invalid));
        assert_eq!(parse_int_bytes(b"0x10"), Err(IntError::Invalid));
        // int(b"9" * 4301 + b"x") fails on the digit limit, not the `x`.
        let mut many = vec![b'9'; 4301];
        many.push(b'x');
        assert_eq!(parse_int_bytes(&many), Err(IntError::TooManyDigits(4301)));
    }

    #[test]
    fn memo_index_is_base_10() {
        assert_eq!(parse_memo_index_line(b"007\n"), Ok(TextInt::Small(7)));
        assert_eq!(parse_memo_index_line(b"0x7\n"), Err(IntError::Invalid));
    }
}
