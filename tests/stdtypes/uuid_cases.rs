//! Cases of the `uuid` feature (`Uuid`) and the Python expressions of the same
//! objects.

use super::{case, list, Case, Rng};
use uuid::Uuid;

pub fn all() -> Vec<Case> {
    let mut rng = Rng::new(0x5eed_0003);
    vec![
        case("uuid nil", "uuid.UUID(int=0)", Uuid::nil()),
        case("uuid max", "uuid.UUID(int=2**128 - 1)", Uuid::max()),
        case(
            "uuid",
            "uuid.UUID('12345678-1234-5678-1234-567812345678')",
            Uuid::from_u128(0x12345678_1234_5678_1234_567812345678),
        ),
        list(
            "uuids random",
            (0..60)
                .map(|i| {
                    let n = rng.u128() >> (i % 7 * 20);
                    (format!("uuid.UUID(int={n})"), Uuid::from_u128(n))
                })
                .collect(),
        ),
    ]
}
