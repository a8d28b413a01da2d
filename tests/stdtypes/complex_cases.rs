//! Cases of the `num-complex` feature (`Complex`) and the Python expressions of
//! the same objects.

use super::{case, list, Case, Rng};
use num_complex::Complex;

/// A float by its bits, so the Python side has exactly the same value.
pub fn float_expr(x: f64) -> String {
    format!("f64({})", x.to_bits())
}

pub fn expr(z: &Complex<f64>) -> String {
    format!("complex({}, {})", float_expr(z.re), float_expr(z.im))
}

pub fn all() -> Vec<Case> {
    let mut rng = Rng::new(0x5eed_0006);
    let specials = [
        Complex::new(1.5, -2.0),
        Complex::new(0.0, 0.0),
        Complex::new(-0.0, 0.0),
        Complex::new(0.0, -0.0),
        Complex::new(f64::INFINITY, f64::NEG_INFINITY),
        Complex::new(f64::NAN, 1.0),
        Complex::new(f64::MIN_POSITIVE, f64::MAX),
        Complex::new(5e-324, 0.1),
    ];
    vec![
        case("complex", "complex(1.5, -2.0)", Complex::new(1.5, -2.0)),
        list(
            "complex specials",
            specials.iter().map(|z| (expr(z), *z)).collect(),
        ),
        list(
            "complex random",
            (0..60)
                .map(|_| {
                    let z = Complex::new(f64::from_bits(rng.next()), f64::from_bits(rng.next()));
                    (expr(&z), z)
                })
                .collect(),
        ),
        case(
            "complex f32",
            "complex(0.5, -1.25)",
            Complex::<f32>::new(0.5, -1.25),
        ),
    ]
}
