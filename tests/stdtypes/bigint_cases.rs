//! Cases of the `num-bigint` feature (`BigInt` and `BigUint`) and the Python
//! expressions of the same objects.

use super::{case, list, Case, Rng};
use num_bigint::{BigInt, BigUint};

pub fn expr(v: &BigInt) -> String {
    format!("int('{}', 16)", v.to_str_radix(16))
}

fn pow2(n: u32) -> BigInt {
    BigInt::from(1) << n
}

pub fn all() -> Vec<Case> {
    let mut rng = Rng::new(0x5eed_0005);
    let edges: Vec<BigInt> = [0u32, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 2039, 2040]
        .iter()
        .flat_map(|&n| {
            let p = pow2(n);
            [p.clone(), -p.clone(), p.clone() - 1, -p - 1]
        })
        .chain([BigInt::from(0)])
        .collect();
    vec![
        list(
            "bigint edges",
            edges.into_iter().map(|v| (expr(&v), v)).collect(),
        ),
        list(
            "bigints random",
            (0..80)
                .map(|_| {
                    let len = 1 + rng.below(400) as usize;
                    let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                    let v = BigInt::from_signed_bytes_le(&bytes);
                    (expr(&v), v)
                })
                .collect(),
        ),
        case(
            "biguint",
            "[0, 255, 2**64, 2**1000 - 1]",
            vec![
                BigUint::from(0u8),
                BigUint::from(255u8),
                BigUint::from(1u8) << 64u32,
                (BigUint::from(1u8) << 1000u32) - 1u8,
            ],
        ),
    ]
}
