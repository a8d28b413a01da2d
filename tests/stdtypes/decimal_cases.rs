//! Cases of the `rust_decimal` feature (`Decimal`) and the Python expressions
//! of the same objects.

use super::{case, list, Case, Rng};
use rust_decimal::Decimal;

/// `Decimal((sign, digits, exponent))`: built from parts, not from text.
pub fn expr(d: &Decimal) -> String {
    let digits: Vec<String> = d
        .mantissa()
        .unsigned_abs()
        .to_string()
        .chars()
        .map(|c| c.to_string())
        .collect();
    format!(
        "Decimal(({}, ({},), -{}))",
        u8::from(d.is_sign_negative()),
        digits.join(", "),
        d.scale()
    )
}

fn dec(text: &str) -> (String, Decimal) {
    let d: Decimal = text.parse().expect("decimal text");
    (expr(&d), d)
}

pub fn all() -> Vec<Case> {
    let mut rng = Rng::new(0x5eed_0004);
    let mut negative_zero = Decimal::new(0, 2);
    negative_zero.set_sign_negative(true);
    let mut cases = vec![
        case(
            "decimal trailing zeros",
            "Decimal('-12.3400')",
            "-12.3400".parse::<Decimal>().expect("decimal"),
        ),
        case("decimal negative zero", "Decimal('-0.00')", negative_zero),
        case(
            "decimal small exponent",
            "Decimal('1E-7')",
            Decimal::new(1, 7),
        ),
        case(
            "decimal zero 28 places",
            "Decimal('0E-28')",
            Decimal::new(0, 28),
        ),
        case("decimal max", "Decimal(2**96 - 1)", Decimal::MAX),
        case("decimal min", "Decimal(-(2**96 - 1))", Decimal::MIN),
        case(
            "decimal 28 places",
            "Decimal('7.9228162514264337593543950335')",
            Decimal::from_i128_with_scale((1 << 96) - 1, 28),
        ),
    ];
    let (e, v): (Vec<String>, Vec<Decimal>) = [
        "0",
        "1",
        "-1",
        "0.1",
        "100",
        "1.000",
        "0.000001",
        "0.0000001",
        "123.456e-3",
    ]
    .iter()
    .map(|t| dec(t))
    .unzip();
    cases.push(case("decimals small", format!("[{}]", e.join(", ")), v));
    cases.push(list(
        "decimals random",
        (0..300)
            .map(|_| {
                let bits = 1 + rng.below(96);
                let mantissa = (rng.u128() >> (128 - bits)) as i128;
                let scale = rng.below(29) as u32;
                let mut d = Decimal::from_i128_with_scale(mantissa, scale);
                d.set_sign_negative(rng.below(2) == 1);
                (expr(&d), d)
            })
            .collect(),
    ));
    cases
}
