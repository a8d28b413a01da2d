//! `rust_decimal::Decimal` as Python's `decimal.Decimal` (feature
//! `rust_decimal`).
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`Decimal`] | `decimal.Decimal` | `Decimal(str)`, the text as Python's `str()` writes it, so the exponent is kept: `Decimal("-12.3400")` keeps its trailing zeros, `-0.00` its sign, and `0.0000001` is written `1E-7` as Python writes it |
//!
//! Reading keeps the exponent when `rust_decimal` can hold it (a 96-bit
//! coefficient and 0 to 28 decimal places). A value it can hold exactly
//! with another exponent is read with the exponent nearest to Python's
//! (`Decimal("1E+3")` reads as `1000`, equal in Python, and
//! `Decimal("1.000000000000000000000000000000")`, 30 places, as 28 places);
//! any other value, and `NaN`, `sNaN` and `Infinity`, is an
//! [`OutOfRange`](crate::ErrorKind::OutOfRange) error.
//!
//! ```
//! use pickle_core::Protocol;
//! use rust_decimal::Decimal;
//!
//! let price: Decimal = "-12.3400".parse().unwrap();
//! let bytes = pickle_core::to_vec_with(&price, Protocol::V2)?;
//! // pickle.dumps(decimal.Decimal("-12.3400"), protocol=2) in CPython 3.11
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02cdecimal\nDecimal\nq\x00X\x08\x00\x00\x00-12.3400q\x01\x85q\x02Rq\x03."
//! );
//! let back: Decimal = pickle_core::from_slice(&bytes)?;
//! assert_eq!(back.to_string(), "-12.3400");
//! # Ok::<(), pickle_core::Error>(())
//! ```

use rust_decimal::Decimal;

use crate::de::Decoder;
use crate::error::{ErrorKind, Result};
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{FromPickle, Pickler, ToPickle};

/// The largest coefficient, `2**96 - 1`.
const MAX_COEFFICIENT: u128 = (1 << 96) - 1;
/// The most decimal places.
const MAX_SCALE: i128 = 28;

/// `Decimal.__str__` of CPython (`_pydecimal` and `libmpdec` agree), for a
/// finite number: `digits` without leading zeros (or `"0"`), and `exp`.
fn python_text(negative: bool, digits: &str, exp: i64) -> String {
    let len = digits.len() as i64;
    let left = exp + len;
    let dot = if exp <= 0 && left > -6 { left } else { 1 };
    let mut out = String::with_capacity(digits.len() + 12);
    if negative {
        out.push('-');
    }
    if dot <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat('0').take((-dot) as usize));
        out.push_str(digits);
    } else if dot >= len {
        out.push_str(digits);
        out.extend(std::iter::repeat('0').take((dot - len) as usize));
    } else {
        out.push_str(&digits[..dot as usize]);
        out.push('.');
        out.push_str(&digits[dot as usize..]);
    }
    if left != dot {
        out.push_str(&format!("E{:+}", left - dot));
    }
    out
}

impl ToPickle for Decimal {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let digits = self.mantissa().unsigned_abs().to_string();
        let text = python_text(self.is_sign_negative(), &digits, -(self.scale() as i64));
        p.write_reduce("decimal", "Decimal", &[&text])
    }
}

/// A finite number as Python's `Decimal` constructor parses it.
struct Parsed<'t> {
    negative: bool,
    /// The coefficient's digits, possibly with leading zeros and a dot.
    int: &'t str,
    frac: &'t str,
    /// The exponent written after `E`, or `None` if it overflows an `i64`.
    exp: Option<i64>,
}

enum Text<'t> {
    Finite(Parsed<'t>),
    Special(&'static str),
    Invalid,
}

/// Python's grammar for `Decimal(str)`: surrounding whitespace, a sign,
/// digits with an optional dot and exponent, or `Inf`, `Infinity`, `NaN`,
/// `sNaN` (any case). Underscores, which Python allows between digits, do
/// not occur in the text CPython pickles and are refused.
fn parse(text: &str) -> Text<'_> {
    let text = text.trim_matches(|c: char| c.is_whitespace());
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Text::Special("Infinity");
    }
    let nan = lower.strip_prefix('s').unwrap_or(&lower);
    if let Some(diag) = nan.strip_prefix("nan") {
        if diag.bytes().all(|b| b.is_ascii_digit()) {
            return Text::Special("NaN");
        }
    }
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) || int.len() + frac.len() == 0 {
        return Text::Invalid;
    }
    let exp = match exp {
        None => Some(0),
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !digits(unsigned) {
                return Text::Invalid;
            }
            e.parse::<i64>().ok()
        }
    };
    Text::Finite(Parsed {
        negative,
        int,
        frac,
        exp,
    })
}

/// The `rust_decimal` value of a parsed number: its exponent if it fits,
/// else the nearest exponent that holds the value exactly.
fn to_decimal(n: &Parsed<'_>) -> Option<Decimal> {
    let all = n.int.bytes().chain(n.frac.bytes());
    let significant: Vec<u8> = all.skip_while(|&b| b == b'0').collect();
    // The exponent of the last digit written.
    let exp = n.exp.map(|e| e as i128 - n.frac.len() as i128);
    let mut value = if significant.is_empty() {
        // Zero: any exponent holds it; keep Python's as far as possible.
        let scale = exp.map_or(0, |e| (-e).clamp(0, MAX_SCALE));
        Decimal::try_from_i128_with_scale(0, scale as u32).ok()?
    } else {
        let exp = exp?;
        let zeros = significant.iter().rev().take_while(|&&b| b == b'0').count();
        let core = &significant[..significant.len() - zeros];
        if core.len() > 29 {
            return None;
        }
        let core: u128 = std::str::from_utf8(core).ok()?.parse().ok()?;
        // The value is `core * 10**k`; with `scale` places the
        // coefficient is `core * 10**(k + scale)`, which must be whole.
        let k = exp + zeros as i128;
        let lowest = (-k).max(0);
        if lowest > MAX_SCALE {
            return None;
        }
        let coefficient = |scale: i128| {
            let power = u32::try_from(k + scale).ok()?;
            10u128
                .checked_pow(power)
                .and_then(|p| core.checked_mul(p))
                .filter(|&c| c <= MAX_COEFFICIENT)
        };
        let mut scale = (-exp).clamp(lowest, MAX_SCALE);
        loop {
            if let Some(c) = coefficient(scale) {
                break Decimal::try_from_i128_with_scale(c as i128, scale as u32).ok()?;
            }
            if scale == lowest {
                return None;
            }
            scale -= 1;
        }
    };
    value.set_sign_negative(n.negative);
    Some(value)
}

impl FromPickle for Decimal {
    /// From a `decimal.Decimal` that `rust_decimal` holds exactly.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let mut args = d.call_args_alone("decimal", "Decimal")?;
        let text = match (args.next_item()?, args.len()) {
            (Some(arg), 0) => arg.decode_str().map_err(|e| e.in_index(0))?,
            _ => return Err(d.shape_error("an instance of `decimal.Decimal` of one argument")),
        };
        let shown = || {
            let mut s: String = text.chars().take(60).collect();
            if s.len() < text.len() {
                s.push_str("...");
            }
            s
        };
        match parse(text) {
            Text::Finite(n) => to_decimal(&n).ok_or_else(|| {
                d.error(
                    ErrorKind::OutOfRange,
                    format!(
                        "`decimal.Decimal` {} does not fit in `rust_decimal::Decimal` \
                         (a 96-bit coefficient with at most 28 decimal places)",
                        shown()
                    ),
                )
            }),
            Text::Special(what) => Err(d.error(
                ErrorKind::OutOfRange,
                format!("`decimal.Decimal` {what} has no `rust_decimal::Decimal` value"),
            )),
            Text::Invalid => Err(d.error(
                ErrorKind::OutOfRange,
                format!("{:?} is not the text of a `decimal.Decimal`", shown()),
            )),
        }
    }
}

/// `decimal.Decimal`, for the generated Python classes.
impl PyType for Decimal {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::class("decimal", "Decimal")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<String> {
        match parse(text) {
            Text::Finite(n) => to_decimal(&n).map(|d| {
                let digits = d.mantissa().unsigned_abs().to_string();
                python_text(d.is_sign_negative(), &digits, -(d.scale() as i64))
            }),
            _ => None,
        }
    }

    #[test]
    fn text_is_pythons() {
        // str(decimal.Decimal(s)) in CPython 3.11, for each s.
        for (text, python) in [
            ("-12.3400", "-12.3400"),
            ("0.0000001", "1E-7"),
            ("0.000001", "0.000001"),
            ("0.0000000", "0E-7"),
            ("-0.00", "-0.00"),
            ("1.23E-8", "1.23E-8"),
            ("100", "100"),
            (
                "7.9228162514264337593543950335",
                "7.9228162514264337593543950335",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
        ] {
            assert_eq!(read(text).as_deref(), Some(python), "{text}");
        }
    }

    #[test]
    fn exponents_are_kept_or_moved_without_loss() {
        assert_eq!(read("1E+3").as_deref(), Some("1000"));
        assert_eq!(read("0E+5").as_deref(), Some("0"));
        assert_eq!(read("0E-30").as_deref(), Some("0E-28"));
        assert_eq!(read("  +.5  ").as_deref(), Some("0.5"));
        assert_eq!(read("5.").as_deref(), Some("5"));
        assert_eq!(read("-.5e1").as_deref(), Some("-5"));
        assert_eq!(
            read("1.000000000000000000000000000000").as_deref(),
            Some("1.0000000000000000000000000000")
        );
        assert_eq!(read("1.000E-29"), None);
        assert_eq!(read("1e-29"), None);
        assert_eq!(read("79228162514264337593543950336"), None);
        assert_eq!(read("1E+29"), None);
        assert_eq!(read("1E+99999999999999999999"), None);
        assert_eq!(read(&format!("1{}", "0".repeat(100_000))), None);
        assert_eq!(read(&format!("0.{}1", "0".repeat(100_000))), None);
    }

    #[test]
    fn specials_and_junk_are_told_apart() {
        for special in ["NaN", "-Infinity", "inf", "sNaN12", "nan"] {
            assert!(matches!(parse(special), Text::Special(_)), "{special}");
        }
        for junk in [
            "", "1e", "e5", ".", "1.2.3", "1_000", "--1", "1e+-2", "0x10",
        ] {
            assert!(matches!(parse(junk), Text::Invalid), "{junk:?}");
        }
    }
}
