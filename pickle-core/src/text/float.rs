//! Floats: `repr` as CPython writes it, and `PyOS_string_to_double` as it reads.

/// Python's `repr(x)` of a float (`'r'` format with a `.0` for integral values),
/// which the `FLOAT` opcode carries.
pub(crate) fn repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as Python's
    // dtoa mode 0 does: "d.ddde<exp>". When two strings of that length are
    // equally close to `x`, dtoa picks the even last digit and Rust may not
    // (2.50000762939453125 is 2.5000076293945312 in Python); Rust's exact
    // formatting to the same number of digits rounds half to even, so take
    // it whenever it still reads back as `x`.
    let shortest = format!("{:e}", x.abs());
    let digit_count =
        shortest.find('e').unwrap_or(shortest.len()) - usize::from(shortest.contains('.'));
    let rounded = format!("{:.*e}", digit_count.saturating_sub(1), x.abs());
    let sci = if rounded.parse::<f64>() == Ok(x.abs()) {
        rounded
    } else {
        shortest
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    // Position of the decimal point relative to the first digit.
    let decpt = exp + 1;
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    if decpt <= -4 || decpt > 16 {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", e.abs()));
    } else if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat('0').take((-decpt) as usize));
        out.push_str(&digits);
    } else {
        let decpt = decpt as usize;
        if digits.len() > decpt {
            out.push_str(&digits[..decpt]);
            out.push('.');
            out.push_str(&digits[decpt..]);
        } else {
            out.push_str(&digits);
            out.extend(std::iter::repeat('0').take(decpt - digits.len()));
            out.push_str(".0");
        }
    }
    out
}

/// Why a `FLOAT` argument was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FloatError {
    /// Not a float literal (`ValueError: could not convert string to float`).
    Invalid,
    /// Too large for a double (`OverflowError`).
    Overflow,
}

/// Parses the argument of a `FLOAT` opcode as CPython's `load_float` does:
/// `PyOS_string_to_double` on the line as a C string, which must then end at
/// the newline.
pub(crate) fn parse_line(line: &[u8]) -> Result<f64, FloatError> {
    let s = super::c_string(line);
    let (value, end) = ascii_strtod(s)?;
    match s.get(end) {
        None | Some(b'\n') => Ok(value),
        Some(_) => Err(FloatError::Invalid),
    }
}

/// Python's `float(b"...")`, which `pickletools` uses to read a `FLOAT`
/// argument: underscores between digits are dropped, surrounding whitespace
/// is skipped, and a literal too large for a double is an infinity (only
/// `PyOS_string_to_double` with an overflow exception refuses it). `None`
/// when CPython raises `ValueError`.
pub(crate) fn parse_float_bytes(s: &[u8]) -> Option<f64> {
    let without_underscores;
    let mut s = s;
    if s.contains(&b'_') {
        without_underscores = remove_underscores(s)?;
        s = &without_underscores;
    }
    // `float_from_string_inner`: strip whitespace, then the literal must
    // reach the end (a NUL, which ends the C string, makes it fall short).
    let start = s.iter().position(|&b| !super::is_space(b))?;
    let end = s
        .iter()
        .rposition(|&b| !super::is_space(b))
        .map_or(start, |i| i + 1);
    let text = &s[start..end];
    match ascii_strtod(text) {
        Ok((value, used)) if used == text.len() => Some(value),
        Err(FloatError::Overflow) => {
            // The literal was a whole decimal number (else it would be
            // `Invalid`); check it spans the text before taking the infinity.
            let literal_len = decimal_literal_len(text);
            (literal_len == text.len()).then(|| {
                if text.first() == Some(&b'-') {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            })
        }
        _ => None,
    }
}

/// `_Py_string_to_number_with_underscores`: drops underscores that sit
/// between two digits; `None` if any other underscore is present.
fn remove_underscores(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut prev = 0u8;
    for &b in s {
        if b == b'_' {
            if !prev.is_ascii_digit() {
                return None;
            }
        } else {
            if prev == b'_' && !b.is_ascii_digit() {
                return None;
            }
            out.push(b);
        }
        prev = b;
    }
    (prev != b'_').then_some(out)
}

/// `_PyOS_ascii_strtod`: a decimal literal (`_Py_dg_strtod`, which skips no
/// whitespace), or else `inf`/`infinity`/`nan`. Returns the value and the end.
fn ascii_strtod(s: &[u8]) -> Result<(f64, usize), FloatError> {
    let i = decimal_literal_len(s);
    if i == 0 {
        return parse_inf_or_nan(s);
    }
    let text = std::str::from_utf8(&s[..i]).map_err(|_| FloatError::Invalid)?;
    let value = parse_decimal(text)?;
    Ok((value, i))
}

/// The length of the decimal literal `_Py_dg_strtod` reads at the start of
/// `s` (sign, digits with an optional point, an exponent only if it has
/// digits), or 0 when there are no digits.
fn decimal_literal_len(s: &[u8]) -> usize {
    let mut i = 0;
    if matches!(s.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while s.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if s.get(i) == Some(&b'.') {
        let frac_start = i + 1;
        let mut j = frac_start;
        while s.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        digits += j - frac_start;
        if digits > 0 {
            i = j;
        }
    }
    if digits == 0 {
        return 0;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_start = j;
        while s.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    i
}

/// Correctly rounded conversion of a validated decimal literal.
fn parse_decimal(text: &str) -> Result<f64, FloatError> {
    // Rust's parser rounds correctly, as dtoa does. An exponent too long for
    // it is clamped to one that still overflows or underflows.
    let value: f64 = match text.parse() {
        Ok(v) => v,
        Err(_) => clamp_exponent(text)
            .parse()
            .map_err(|_| FloatError::Invalid)?,
    };
    if value.is_infinite() {
        return Err(FloatError::Overflow);
    }
    Ok(value)
}

/// Rewrites an exponent of absurd length to one that still over/underflows.
fn clamp_exponent(text: &str) -> String {
    match text.find(['e', 'E']) {
        Some(pos) => {
            let (mantissa, exp) = text.split_at(pos);
            let exp = &exp[1..];
            let negative = exp.starts_with('-');
            format!("{mantissa}e{}99999", if negative { "-" } else { "" })
        }
        None => text.into(),
    }
}

/// `_Py_parse_inf_or_nan`: an optional sign, then `inf`, `infinity` or `nan`
/// in any case.
fn parse_inf_or_nan(s: &[u8]) -> Result<(f64, usize), FloatError> {
    let (negative, start) = match s.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let rest = &s[start..];
    let starts =
        |word: &[u8]| rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word);
    let (value, len) = if starts(b"infinity") {
        (f64::INFINITY, 8)
    } else if starts(b"inf") {
        (f64::INFINITY, 3)
    } else if starts(b"nan") {
        (f64::NAN, 3)
    } else {
        return Err(FloatError::Invalid);
    };
    Ok((if negative { -value } else { value }, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python_for_known_values() {
        // Each pair was printed by `repr` in CPython 3.11.
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.5, "1.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456789.125, "123456789.125"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (0.1, "0.1"),
            // 2.5 + 2**-17 is 2.50000762939453125 exactly, halfway between
            // two 17-digit strings: Python takes the even one.
            (2.5 + 1.0 / 131072.0, "2.5000076293945312"),
        ];
        for (x, text) in cases {
            assert_eq!(repr(x), text);
        }
    }

    #[test]
    fn parses_like_python_float_of_bytes() {
        // float(b" 1_0.5 "), float(b"1e500"), float(b"-1e500"), float(b"-nan")
        // and float(b"1e-500") in CPython 3.11.
        assert_eq!(parse_float_bytes(b" 1_0.5 "), Some(10.5));
        assert_eq!(parse_float_bytes(b"1e500"), Some(f64::INFINITY));
        assert_eq!(parse_float_bytes(b"-1e500"), Some(f64::NEG_INFINITY));
        assert!(parse_float_bytes(b"-nan").unwrap().is_nan());
        assert_eq!(parse_float_bytes(b"1e-500"), Some(0.0));
        // Each of these raises ValueError.
        for bad in [
            &b"abc"[..],
            b"1\x002",
            b"",
            b"  ",
            b"1__0",
            b"in_f",
            b"1_",
            b"_1",
            b"1e500x",
        ] {
            assert_eq!(parse_float_bytes(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parses_like_pyos_string_to_double() {
        assert_eq!(parse_line(b"1.5\n"), Ok(1.5));
        assert_eq!(parse_line(b"-inf\n"), Ok(f64::NEG_INFINITY));
        assert!(parse_line(b"nan\n").unwrap().is_nan());
        assert_eq!(parse_line(b"1e500\n"), Err(FloatError::Overflow));
        assert_eq!(parse_line(b"1e-500\n"), Ok(0.0));
        assert_eq!(parse_line(b"1.5x\n"), Err(FloatError::Invalid));
        assert_eq!(parse_line(b"1.5\0junk\n"), Ok(1.5));
        assert_eq!(parse_line(b" 1.5\n"), Err(FloatError::Invalid));
        assert_eq!(parse_line(b"\n"), Err(FloatError::Invalid));
    }
}
