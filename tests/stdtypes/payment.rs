//! `stdmodels.Payment`: a derived class with a field of every feature's types.

use super::chrono_cases::{date, time};
use super::{case, Case};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use indexmap::{IndexMap, IndexSet};
use num_complex::Complex;
use rust_decimal::Decimal;
use uuid::Uuid;

/// `stdmodels.Payment`: a dataclass with a field of each feature's types.
#[derive(pickle_core::ToPickle, pickle_core::FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "stdmodels")]
pub struct Payment {
    pub id: Uuid,
    pub amount: Decimal,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub local: DateTime<FixedOffset>,
    pub booked: NaiveDate,
    pub at: NaiveTime,
    pub naive: NaiveDateTime,
    pub grace: TimeDelta,
    pub big: num_bigint::BigInt,
    pub z: Complex<f64>,
    pub meta: IndexMap<String, i64>,
    pub tags: IndexSet<i64>,
}

/// The Python expression of a `Payment`, with `amount` given as Python source.
pub fn expr_with_amount(amount: &str) -> String {
    format!(
        "stdmodels.Payment(id=uuid.UUID(int=7), amount={amount}, \
         created=datetime.datetime(2024, 1, 15, 10, 30, tzinfo=timezone.utc), \
         updated=datetime.datetime(2024, 1, 16, 0, 0, 1, tzinfo=timezone.utc), \
         local=datetime.datetime(2024, 1, 15, 12, 30, tzinfo=timezone(timedelta(hours=2))), \
         booked=date(2024, 1, 15), at=time(9, 15), \
         naive=datetime.datetime(1999, 12, 31, 23, 59, 59, 999999), \
         grace=timedelta(days=-3, seconds=7), big=-2**100, z=complex(0.5, -1.0), \
         meta={{'second': 2, 'first': 1}}, tags={{9, 7, 8}})"
    )
}

pub fn value() -> Payment {
    let plus2 = FixedOffset::east_opt(7200).expect("offset");
    Payment {
        id: Uuid::from_u128(7),
        amount: "19.990".parse().expect("decimal"),
        created: date(2024, 1, 15).and_time(time(10, 30, 0, 0)).and_utc(),
        updated: date(2024, 1, 16).and_time(time(0, 0, 1, 0)).and_utc(),
        local: date(2024, 1, 15)
            .and_time(time(12, 30, 0, 0))
            .and_local_timezone(plus2)
            .single()
            .expect("fixed offset"),
        booked: date(2024, 1, 15),
        at: time(9, 15, 0, 0),
        naive: date(1999, 12, 31).and_time(time(23, 59, 59, 999_999)),
        grace: TimeDelta::days(-3) + TimeDelta::seconds(7),
        big: -(num_bigint::BigInt::from(1) << 100u32),
        z: Complex::new(0.5, -1.0),
        meta: IndexMap::from([("second".to_owned(), 2), ("first".to_owned(), 1)]),
        // CPython iterates {9, 7, 8} as 8, 9, 7 (hash modulo 8).
        tags: IndexSet::from([8, 9, 7]),
    }
}

pub fn all() -> Vec<Case> {
    vec![case(
        "derived payment",
        expr_with_amount("Decimal('19.990')"),
        value(),
    )]
}
