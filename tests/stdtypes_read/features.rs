//! What reading meets beyond the shared cases, for the types of each
//! optional feature: other forms CPython writes, and values the Rust type
//! cannot hold.

// Which of the imports are used depends on the features enabled.
#![allow(unused_imports)]

use std::collections::BTreeMap;

use pickle_core::ErrorKind;

use super::{both_refuse, fails, reads, stdtypes, ReadCase};

/// Every case of every enabled feature.
pub fn all() -> Vec<ReadCase> {
    #[allow(unused_mut)]
    let mut cases = Vec::new();
    #[cfg(feature = "chrono")]
    cases.extend(chrono_extras());
    #[cfg(feature = "uuid")]
    cases.extend(uuid_extras());
    #[cfg(feature = "rust_decimal")]
    cases.extend(decimal_extras());
    #[cfg(feature = "num-bigint")]
    cases.extend(bigint_extras());
    #[cfg(feature = "num-complex")]
    cases.extend(complex_extras());
    #[cfg(feature = "indexmap")]
    cases.extend(indexmap_extras());
    #[cfg(all(
        feature = "chrono",
        feature = "uuid",
        feature = "rust_decimal",
        feature = "num-bigint",
        feature = "num-complex",
        feature = "indexmap"
    ))]
    cases.extend(payment_extras());
    cases
}

#[cfg(feature = "chrono")]
fn chrono_extras() -> Vec<ReadCase> {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
    use stdtypes::chrono_cases::{date, time};

    let at = |offset: i32| {
        date(2024, 1, 15)
            .and_time(time(10, 30, 0, 0))
            .and_local_timezone(FixedOffset::east_opt(offset).expect("offset"))
            .single()
            .expect("fixed offset")
    };
    vec![
        reads(
            "date from ints",
            "stdmodels.Raw(date, 2024, 1, 15)",
            date(2024, 1, 15),
        ),
        reads(
            "date from latin-1 text",
            "stdmodels.Raw(date, '\\x07\\xe8\\x01\\x0f')",
            date(2024, 1, 15),
        ),
        reads(
            "datetime from ints with tzinfo",
            "stdmodels.Raw(datetime.datetime, 2024, 1, 15, 10, 30, 0, 0, \
             timezone(timedelta(hours=1)))",
            at(3600),
        ),
        reads("time from ints", "stdmodels.Raw(time, 10, 30)", time(10, 30, 0, 0)),
        reads(
            "datetime fold is dropped",
            "datetime.datetime(2024, 11, 3, 1, 30, fold=1)",
            date(2024, 11, 3).and_time(time(1, 30, 0, 0)),
        ),
        reads(
            "time fold is dropped",
            "time(1, 30, fold=1)",
            time(1, 30, 0, 0),
        ),
        reads(
            "aware datetime converted to utc",
            "datetime.datetime(2024, 1, 15, 12, 30, tzinfo=timezone(timedelta(hours=2)))",
            date(2024, 1, 15).and_time(time(10, 30, 0, 0)).and_utc(),
        ),
        reads(
            "utc as fixed offset",
            "datetime.datetime(2024, 1, 15, 10, 30, tzinfo=timezone.utc)",
            at(0),
        ),
        reads(
            "named timezone",
            "datetime.datetime(2024, 1, 15, 10, 30, tzinfo=timezone(timedelta(hours=-1), 'X'))",
            at(-3600),
        ),
        reads(
            "negative timedelta",
            "timedelta(days=-1, seconds=5)",
            TimeDelta::seconds(5 - 86400),
        ),
        fails::<NaiveDate>(
            "date of year 0",
            "stdmodels.Raw(date, b'\\x00\\x00\\x01\\x01')",
            ErrorKind::OutOfRange,
            None,
            "year 0 is out of range (1 to 9999)",
        ),
        fails::<Vec<NaiveDate>>(
            "year 0 in a list",
            "[date(2024, 1, 1), stdmodels.Raw(date, b'\\x00\\x00\\x01\\x01')]",
            ErrorKind::OutOfRange,
            Some("[1]"),
            "year 0 is out of range (1 to 9999)",
        ),
        fails::<NaiveDateTime>(
            "datetime of year 0",
            "stdmodels.Raw(datetime.datetime, b'\\x00\\x00\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00')",
            ErrorKind::OutOfRange,
            None,
            "year 0 is out of range (1 to 9999)",
        ),
        both_refuse::<NaiveDateTime>(
            "datetime of month 13",
            "stdmodels.Raw(datetime.datetime, 2024, 13, 1)",
            ErrorKind::OutOfRange,
            None,
            "month 13 is out of range (1 to 12)",
        ),
        both_refuse::<NaiveDate>(
            "date of february 29 2023",
            "stdmodels.Raw(date, 2023, 2, 29)",
            ErrorKind::OutOfRange,
            None,
            "day 29 is out of range for 2023-02",
        ),
        both_refuse::<NaiveTime>(
            "time of hour 24",
            "stdmodels.Raw(time, 24)",
            ErrorKind::OutOfRange,
            None,
            "hour 24 is out of range (0 to 23)",
        ),
        both_refuse::<NaiveDate>(
            "date state of 3 bytes",
            "stdmodels.Raw(date, b'\\x07\\xe8\\x01')",
            ErrorKind::Type,
            None,
            "expected a `datetime.date` state of 4 bytes, found 3",
        ),
        fails::<DateTime<Utc>>(
            "naive into utc",
            "datetime.datetime(2024, 1, 15)",
            ErrorKind::Type,
            None,
            "expected an aware `datetime.datetime`, found a naive one",
        ),
        fails::<NaiveDateTime>(
            "aware into naive",
            "datetime.datetime(2024, 1, 15, tzinfo=timezone.utc)",
            ErrorKind::Type,
            None,
            "expected a naive `datetime.datetime`, found an aware one",
        ),
        fails::<NaiveTime>(
            "aware time into naive",
            "time(1, tzinfo=timezone.utc)",
            ErrorKind::Type,
            None,
            "expected a naive `datetime.time`, found an aware one",
        ),
        fails::<DateTime<FixedOffset>>(
            "tzinfo that is no timezone",
            "datetime.datetime(2024, 1, 15, tzinfo=stdmodels.Zone())",
            ErrorKind::UnexpectedGlobal,
            Some("tzinfo"),
            "expected an instance of `datetime.timezone`, found an instance of `stdmodels.Zone`",
        ),
        fails::<Vec<DateTime<Utc>>>(
            "offset of a microsecond",
            "[datetime.datetime(2024, 1, 15, tzinfo=timezone(timedelta(microseconds=1)))]",
            ErrorKind::OutOfRange,
            Some("[0].tzinfo"),
            "a `datetime.timezone` offset of 1 microseconds does not fit in `FixedOffset`",
        ),
        fails::<NaiveDate>(
            "date from datetime",
            "datetime.datetime(2024, 1, 15)",
            ErrorKind::UnexpectedGlobal,
            None,
            "expected an instance of `datetime.date`, found an instance of `datetime.datetime`",
        ),
        fails::<TimeDelta>(
            "timedelta from float arguments",
            "stdmodels.Raw(timedelta, 1.5)",
            ErrorKind::Type,
            Some("[0]"),
            "expected an int, found `float`",
        ),
    ]
}

#[cfg(feature = "uuid")]
fn uuid_extras() -> Vec<ReadCase> {
    use uuid::Uuid;
    vec![
        reads(
            "uuid with is_safe",
            "uuid.UUID(int=5, is_safe=uuid.SafeUUID.safe)",
            Uuid::from_u128(5),
        ),
        fails::<Vec<Uuid>>(
            "uuid int beyond 128 bits",
            "[uuid.UUID(int=1), stdmodels.uuid_with_int(2**128)]",
            ErrorKind::OutOfRange,
            Some("[1].int"),
            "integer 340282366920938463463374607431768211456 does not fit in `u128`",
        ),
        fails::<Uuid>(
            "uuid from str",
            "'12345678-1234-5678-1234-567812345678'",
            ErrorKind::Type,
            None,
            "expected an instance of `uuid.UUID`, found `str`",
        ),
    ]
}

#[cfg(feature = "rust_decimal")]
fn decimal_extras() -> Vec<ReadCase> {
    use rust_decimal::Decimal;
    let dec = |s: &str| s.parse::<Decimal>().expect("decimal");
    vec![
        reads(
            "decimal positive exponent",
            "Decimal('1.5E+3')",
            dec("1500"),
        ),
        reads(
            "decimal 30 places",
            "Decimal('1.000000000000000000000000000000')",
            dec("1.0000000000000000000000000000"),
        ),
        reads(
            "decimal scientific",
            "Decimal('-1.23E-8')",
            dec("-0.0000000123"),
        ),
        reads(
            "decimal text python accepts",
            "stdmodels.Raw(Decimal, ' +.5 ')",
            dec("0.5"),
        ),
        both_refuse::<Decimal>(
            "decimal from junk text",
            "stdmodels.Raw(Decimal, '1.2.3')",
            ErrorKind::OutOfRange,
            None,
            "\"1.2.3\" is not the text of a `decimal.Decimal`",
        ),
        fails::<Decimal>(
            "decimal nan",
            "Decimal('NaN')",
            ErrorKind::OutOfRange,
            None,
            "`decimal.Decimal` NaN has no `rust_decimal::Decimal` value",
        ),
        fails::<Decimal>(
            "decimal snan",
            "Decimal('-sNaN1')",
            ErrorKind::OutOfRange,
            None,
            "`decimal.Decimal` NaN has no `rust_decimal::Decimal` value",
        ),
        fails::<Decimal>(
            "decimal infinity",
            "Decimal('-Infinity')",
            ErrorKind::OutOfRange,
            None,
            "`decimal.Decimal` Infinity has no `rust_decimal::Decimal` value",
        ),
        fails::<Decimal>(
            "decimal too large",
            "Decimal('1E+40')",
            ErrorKind::OutOfRange,
            None,
            "`decimal.Decimal` 1E+40 does not fit in `rust_decimal::Decimal`",
        ),
        fails::<BTreeMap<String, Decimal>>(
            "decimal too precise",
            "{'price': Decimal('1E-29')}",
            ErrorKind::OutOfRange,
            Some("[\"price\"]"),
            "`decimal.Decimal` 1E-29 does not fit in `rust_decimal::Decimal`",
        ),
        fails::<Decimal>(
            "decimal from float",
            "1.5",
            ErrorKind::Type,
            None,
            "expected an instance of `decimal.Decimal`, found `float`",
        ),
    ]
}

#[cfg(feature = "num-bigint")]
fn bigint_extras() -> Vec<ReadCase> {
    use num_bigint::{BigInt, BigUint};
    vec![
        fails::<BigUint>(
            "biguint from negative",
            "-2**70",
            ErrorKind::OutOfRange,
            None,
            "integer -1180591620717411303424 does not fit in `BigUint`",
        ),
        fails::<BigInt>(
            "bigint from float",
            "2.0",
            ErrorKind::Type,
            None,
            "expected an int, found `float`",
        ),
    ]
}

#[cfg(feature = "num-complex")]
fn complex_extras() -> Vec<ReadCase> {
    use num_complex::Complex;
    vec![
        reads("complex from float", "2.5", Complex::<f64>::new(2.5, 0.0)),
        reads(
            "complex of one argument",
            "stdmodels.Raw(complex, 1.5)",
            Complex::<f64>::new(1.5, 0.0),
        ),
        fails::<Complex<f64>>(
            "complex from text",
            "stdmodels.Raw(complex, '1+2j')",
            ErrorKind::Type,
            Some("[0]"),
            "expected a float, found `str`",
        ),
        fails::<Complex<f32>>(
            "complex f32 overflow",
            "complex(1e300, 0)",
            ErrorKind::OutOfRange,
            Some("[0]"),
            "does not fit in `f32`",
        ),
    ]
}

#[cfg(feature = "indexmap")]
fn indexmap_extras() -> Vec<ReadCase> {
    use indexmap::{IndexMap, IndexSet};
    vec![
        reads(
            "indexmap from ordereddict",
            "OrderedDict([('z', 1), ('a', 2)])",
            IndexMap::from([("z".to_owned(), 1i64), ("a".to_owned(), 2)]),
        ),
        reads(
            "indexset from frozenset",
            "frozenset([3])",
            IndexSet::from([3i64]),
        ),
        fails::<IndexMap<String, i64>>(
            "indexmap bad value",
            "{'a': 1, 'b': None}",
            ErrorKind::Type,
            Some("[\"b\"]"),
            "expected an int, found `NoneType`",
        ),
    ]
}

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "num-bigint",
    feature = "num-complex",
    feature = "indexmap"
))]
fn payment_extras() -> Vec<ReadCase> {
    use stdtypes::payment::{expr_with_amount, Payment};
    vec![
        fails::<Payment>(
            "payment amount nan",
            &expr_with_amount("Decimal('NaN')"),
            ErrorKind::OutOfRange,
            Some("Payment.amount"),
            "`decimal.Decimal` NaN has no `rust_decimal::Decimal` value",
        ),
        fails::<Payment>(
            "payment created naive",
            &expr_with_amount("Decimal(1)").replacen(", tzinfo=timezone.utc", "", 1),
            ErrorKind::Type,
            Some("Payment.created"),
            "expected an aware `datetime.datetime`, found a naive one",
        ),
        fails::<Payment>(
            "payment booked year 0",
            &expr_with_amount("Decimal(1)").replace(
                "booked=date(2024, 1, 15)",
                "booked=stdmodels.Raw(date, b'\\x00\\x00\\x01\\x01')",
            ),
            ErrorKind::OutOfRange,
            Some("Payment.booked"),
            "year 0 is out of range (1 to 9999)",
        ),
    ]
}
