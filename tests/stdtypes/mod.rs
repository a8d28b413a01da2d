//! Cases shared by `stdtypes_write.rs` and `stdtypes_read.rs`: a Rust value
//! of a standard type and the Python expression of the same object, which
//! `tests/python/stdtypes.py` evaluates in CPython. Sections of the optional
//! features are compiled only with them.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use pickle_core::{ByteArray, Deque, FromPickle, FrozenSet, OrderedDict, ToPickle};

/// One Rust value and the Python expression of the same object.
pub struct Case {
    pub name: String,
    pub expr: String,
    pub value: Box<dyn ToPickle>,
    /// `Debug` of the value, to compare with what reading gives.
    pub want: String,
    /// Reads a pickle as the value's type and shows it with `Debug`.
    pub decode: fn(&[u8]) -> pickle_core::Result<String>,
    /// Writing loses something (nanoseconds), so reading CPython's pickle
    /// of `expr` does not give `value` back.
    pub write_only: bool,
}

fn decode<T: FromPickle + Debug>(data: &[u8]) -> pickle_core::Result<String> {
    pickle_core::from_slice::<T>(data).map(|v| format!("{v:?}"))
}

pub fn case<T: ToPickle + FromPickle + Debug + 'static>(
    name: impl Into<String>,
    expr: impl Into<String>,
    value: T,
) -> Case {
    Case {
        name: name.into(),
        expr: expr.into(),
        want: format!("{value:?}"),
        value: Box::new(value),
        decode: decode::<T>,
        write_only: false,
    }
}

/// A case whose Python object is what CPython makes of a lossy write.
pub fn write_only<T: ToPickle + FromPickle + Debug + 'static>(
    name: impl Into<String>,
    expr: impl Into<String>,
    value: T,
) -> Case {
    Case {
        write_only: true,
        ..case(name, expr, value)
    }
}

/// A list case: the values and the Python list of their expressions.
pub fn list<T: ToPickle + FromPickle + Debug + 'static>(
    name: impl Into<String>,
    items: Vec<(String, T)>,
) -> Case {
    let exprs: Vec<String> = items.iter().map(|(e, _)| e.clone()).collect();
    let values: Vec<T> = items.into_iter().map(|(_, v)| v).collect();
    case(name, format!("[{}]", exprs.join(", ")), values)
}

/// xorshift64*: the same values on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn u128(&mut self) -> u128 {
        (self.next() as u128) << 64 | self.next() as u128
    }
}

/// Every case of every enabled section.
pub fn all() -> Vec<Case> {
    #[allow(unused_mut)]
    let mut cases = std_cases();
    #[cfg(feature = "chrono")]
    cases.extend(chrono_cases::all());
    #[cfg(feature = "uuid")]
    cases.extend(uuid_cases::all());
    #[cfg(feature = "rust_decimal")]
    cases.extend(decimal_cases::all());
    #[cfg(feature = "num-bigint")]
    cases.extend(bigint_cases::all());
    #[cfg(feature = "num-complex")]
    cases.extend(complex_cases::all());
    #[cfg(feature = "indexmap")]
    cases.extend(indexmap_cases::all());
    #[cfg(all(
        feature = "chrono",
        feature = "uuid",
        feature = "rust_decimal",
        feature = "num-bigint",
        feature = "num-complex",
        feature = "indexmap"
    ))]
    cases.extend(payment::all());
    cases
}

// --- no feature -------------------------------------------------------------

/// `stdmodels.Event`: a dataclass with a field of each type that needs no feature.
#[derive(pickle_core::ToPickle, pickle_core::FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "stdmodels")]
pub struct Event {
    pub elapsed: Duration,
    pub host: Ipv4Addr,
    pub peer: IpAddr,
    pub recent: Deque<i64>,
    pub headers: OrderedDict<String, String>,
    pub flags: FrozenSet<BTreeSet<i64>>,
    pub raw: ByteArray,
}

pub fn event() -> (String, Event) {
    let expr = "stdmodels.Event(elapsed=timedelta(days=2, seconds=5, microseconds=7), \
                host=ipaddress.IPv4Address('10.0.0.1'), peer=ipaddress.IPv6Address('fe80::1'), \
                recent=deque([5, 6, 7], maxlen=4), \
                headers=OrderedDict([('content-type', 'text/plain'), ('accept', '*/*')]), \
                flags=frozenset([3, 4]), raw=bytearray(b'\\x00raw'))";
    let value = Event {
        elapsed: Duration::new(2 * 86400 + 5, 7000),
        host: Ipv4Addr::new(10, 0, 0, 1),
        peer: IpAddr::V6("fe80::1".parse().expect("address")),
        recent: Deque {
            items: [5, 6, 7].into(),
            maxlen: Some(4),
        },
        headers: OrderedDict(vec![
            ("content-type".into(), "text/plain".into()),
            ("accept".into(), "*/*".into()),
        ]),
        flags: FrozenSet(BTreeSet::from([3, 4])),
        raw: ByteArray(b"\x00raw".to_vec()),
    };
    (expr.to_owned(), value)
}

fn std_cases() -> Vec<Case> {
    let mut rng = Rng::new(0x5eed_0001);
    let mut cases = vec![
        case("duration zero", "timedelta(0)", Duration::ZERO),
        case(
            "duration 1us",
            "timedelta(microseconds=1)",
            Duration::from_micros(1),
        ),
        case(
            "duration day+",
            "timedelta(days=1, seconds=3661, microseconds=500000)",
            Duration::from_millis(90_061_500),
        ),
        case(
            "duration max",
            "timedelta.max",
            Duration::new(999_999_999 * 86400 + 86399, 999_999_000),
        ),
        // CPython keeps one object of `b""` and of each one-byte `bytes`.
        list(
            "bytes of one object",
            [
                ("bytes([120])", &b"x"[..]),
                ("bytes([120])", b"x"),
                ("b''", b""),
                ("bytes(0)", b""),
                ("bytes([120, 121])", b"xy"),
                ("bytes([120, 121])", b"xy"),
            ]
            .iter()
            .map(|(e, v)| (e.to_string(), pickle_core::ByteBuf(v.to_vec())))
            .collect(),
        ),
        write_only(
            "duration nanos truncated",
            "timedelta(seconds=1, microseconds=2)",
            Duration::new(1, 2999),
        ),
        list(
            "durations random",
            (0..60)
                .map(|_| {
                    let secs = rng.below(999_999_999 * 86_400 + 86_400);
                    let us = rng.below(1_000_000) as u32;
                    (
                        format!("timedelta(seconds={secs}, microseconds={us})"),
                        Duration::new(secs, us * 1000),
                    )
                })
                .collect(),
        ),
        case(
            "ipv4 zero",
            "ipaddress.IPv4Address('0.0.0.0')",
            Ipv4Addr::UNSPECIFIED,
        ),
        case(
            "ipv4 localhost",
            "ipaddress.IPv4Address('127.0.0.1')",
            Ipv4Addr::LOCALHOST,
        ),
        case(
            "ipv4 broadcast",
            "ipaddress.IPv4Address('255.255.255.255')",
            Ipv4Addr::BROADCAST,
        ),
        list(
            "ipv4 random",
            (0..40)
                .map(|_| {
                    let n = rng.next() as u32;
                    (format!("ipaddress.IPv4Address({n})"), Ipv4Addr::from(n))
                })
                .collect(),
        ),
        case(
            "ipv6 zero",
            "ipaddress.IPv6Address('::')",
            Ipv6Addr::UNSPECIFIED,
        ),
        case(
            "ipv6 localhost",
            "ipaddress.IPv6Address('::1')",
            Ipv6Addr::LOCALHOST,
        ),
        case(
            "ipv6 mapped",
            "ipaddress.IPv6Address('::ffff:192.0.2.1')",
            "::ffff:192.0.2.1".parse::<Ipv6Addr>().expect("address"),
        ),
        list(
            "ipv6 random",
            (0..80)
                .map(|_| {
                    let mut segments = [0u16; 8];
                    for s in &mut segments {
                        if rng.below(5) < 3 {
                            *s = rng.next() as u16 >> rng.below(16);
                        }
                    }
                    let addr = Ipv6Addr::from(segments);
                    (format!("ipaddress.IPv6Address({})", u128::from(addr)), addr)
                })
                .collect(),
        ),
        case(
            "ipaddr both",
            "[ipaddress.IPv4Address('192.0.2.7'), ipaddress.IPv6Address('2001:db8::7')]",
            vec![
                IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)),
                IpAddr::V6("2001:db8::7".parse().expect("address")),
            ],
        ),
        case(
            "ordereddict empty",
            "OrderedDict()",
            OrderedDict::<String, i64>::default(),
        ),
        case(
            "ordereddict one",
            "OrderedDict([(1, 'one')])",
            OrderedDict(vec![(1i64, "one".to_owned())]),
        ),
        case(
            "ordereddict order",
            "OrderedDict([('zeta', 1), ('alpha', 2), ('mid', 3)])",
            OrderedDict(vec![
                ("zeta".to_owned(), 1i64),
                ("alpha".to_owned(), 2),
                ("mid".to_owned(), 3),
            ]),
        ),
        case(
            "ordereddict 1000",
            "OrderedDict((i, -i) for i in range(1000))",
            (0..1000i64).map(|i| (i, -i)).collect::<OrderedDict<_, _>>(),
        ),
        case(
            "ordereddict 1001",
            "OrderedDict((i, -i) for i in range(1001))",
            (0..1001i64).map(|i| (i, -i)).collect::<OrderedDict<_, _>>(),
        ),
        case(
            "ordereddict 2001",
            "OrderedDict((i, [i]) for i in range(2001))",
            (0..2001i64)
                .map(|i| (i, vec![i]))
                .collect::<OrderedDict<_, _>>(),
        ),
        case("deque empty", "deque()", Deque::<i64>::default()),
        case("deque one", "deque([1])", Deque::from(vec![1i64])),
        case(
            "deque three",
            "deque([1, 2, 3])",
            Deque::from(vec![1i64, 2, 3]),
        ),
        case(
            "deque maxlen",
            "deque([1, 2, 3], maxlen=5)",
            Deque {
                items: [1i64, 2, 3].into(),
                maxlen: Some(5),
            },
        ),
        case(
            "deque maxlen zero",
            "deque(maxlen=0)",
            Deque::<i64> {
                items: Default::default(),
                maxlen: Some(0),
            },
        ),
        case(
            "deque 1000",
            "deque(range(1000))",
            (0..1000i64).collect::<Deque<_>>(),
        ),
        case(
            "deque 1001",
            "deque(range(1001))",
            (0..1001i64).collect::<Deque<_>>(),
        ),
        case(
            "deque nested",
            "deque([deque(['a']), deque([], maxlen=1)])",
            Deque::from(vec![
                Deque::from(vec!["a".to_owned()]),
                Deque {
                    items: Default::default(),
                    maxlen: Some(1),
                },
            ]),
        ),
        case(
            "frozenset empty",
            "frozenset()",
            FrozenSet(BTreeSet::<i64>::new()),
        ),
        case(
            "frozenset two",
            "frozenset([1, 2])",
            FrozenSet(BTreeSet::from([1i64, 2])),
        ),
        case(
            "frozenset 1000",
            "frozenset(range(1000))",
            FrozenSet((0..1000i64).collect::<BTreeSet<_>>()),
        ),
        case(
            "frozenset vec",
            "frozenset([(1, 2), (3, 4)])",
            FrozenSet(vec![(1i64, 2i64), (3, 4)]),
        ),
    ];
    let (expr, value) = event();
    cases.push(case("derived event", expr, value));
    cases
}

// --- chrono -----------------------------------------------------------------

#[cfg(feature = "chrono")]
pub mod chrono_cases {
    use super::{case, list, write_only, Case, Rng};
    use chrono::{
        DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike,
        Utc,
    };

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    pub fn time(h: u32, m: u32, s: u32, us: u32) -> NaiveTime {
        NaiveTime::from_hms_micro_opt(h, m, s, us).expect("valid time")
    }

    pub fn date_expr(d: &NaiveDate) -> String {
        format!("date({}, {}, {})", d.year(), d.month(), d.day())
    }

    pub fn time_expr(t: &NaiveTime) -> String {
        format!(
            "time({}, {}, {}, {})",
            t.hour(),
            t.minute(),
            t.second(),
            t.nanosecond() / 1000
        )
    }

    /// `datetime.datetime(...)` with `tz` (Python source) as tzinfo.
    pub fn datetime_expr(dt: &NaiveDateTime, tz: &str) -> String {
        format!(
            "datetime.datetime({}, {}, {}, {}, {}, {}, {}, tzinfo={tz})",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
            dt.nanosecond() / 1000
        )
    }

    pub fn offset_expr(offset: &FixedOffset) -> String {
        match offset.local_minus_utc() {
            0 => "timezone.utc".to_owned(),
            s => format!("timezone(timedelta(seconds={s}))"),
        }
    }

    fn random_date(rng: &mut Rng) -> NaiveDate {
        loop {
            let y = 1 + rng.below(9999) as i32;
            let m = 1 + rng.below(12) as u32;
            let d = 1 + rng.below(31) as u32;
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                return date;
            }
        }
    }

    fn random_time(rng: &mut Rng) -> NaiveTime {
        time(
            rng.below(24) as u32,
            rng.below(60) as u32,
            rng.below(60) as u32,
            rng.below(1_000_000) as u32,
        )
    }

    pub fn all() -> Vec<Case> {
        let mut rng = Rng::new(0x5eed_0002);
        let dt = date(2024, 1, 15).and_time(time(10, 30, 45, 123_456));
        let plus2 = FixedOffset::east_opt(7200).expect("offset");
        let minus5 = FixedOffset::west_opt(5 * 3600).expect("offset");
        let odd = FixedOffset::east_opt(5 * 3600 + 30 * 60 + 7).expect("offset");
        let extreme = FixedOffset::west_opt(86399).expect("offset");
        let zero = FixedOffset::east_opt(0).expect("offset");
        let at = |offset: FixedOffset| {
            dt.and_local_timezone(offset)
                .single()
                .expect("fixed offsets map one to one")
        };
        let mut cases = vec![
            case("date", "date(2024, 1, 15)", date(2024, 1, 15)),
            case("date min", "date.min", date(1, 1, 1)),
            case("date max", "date.max", date(9999, 12, 31)),
            case("date leap", "date(2000, 2, 29)", date(2000, 2, 29)),
            list(
                "dates random",
                (0..150)
                    .map(|_| {
                        let d = random_date(&mut rng);
                        (date_expr(&d), d)
                    })
                    .collect(),
            ),
            case("time midnight", "time()", time(0, 0, 0, 0)),
            case("time", "time(10, 30, 45, 5)", time(10, 30, 45, 5)),
            case("time max", "time.max", time(23, 59, 59, 999_999)),
            write_only(
                "time nanos truncated",
                "time(1, 2, 3, 4)",
                NaiveTime::from_hms_nano_opt(1, 2, 3, 4999).expect("time"),
            ),
            list(
                "times random",
                (0..100)
                    .map(|_| {
                        let t = random_time(&mut rng);
                        (time_expr(&t), t)
                    })
                    .collect(),
            ),
            case(
                "naive datetime",
                "datetime.datetime(2024, 1, 15, 10, 30, 45, 123456)",
                dt,
            ),
            case(
                "naive datetime min",
                "datetime.datetime.min",
                date(1, 1, 1).and_time(time(0, 0, 0, 0)),
            ),
            case(
                "naive datetime max",
                "datetime.datetime.max",
                date(9999, 12, 31).and_time(time(23, 59, 59, 999_999)),
            ),
            list(
                "naive datetimes random",
                (0..150)
                    .map(|_| {
                        let dt = random_date(&mut rng).and_time(random_time(&mut rng));
                        (datetime_expr(&dt, "None"), dt)
                    })
                    .collect(),
            ),
            case(
                "utc datetime",
                "datetime.datetime(2024, 1, 15, 10, 30, 45, 123456, tzinfo=timezone.utc)",
                dt.and_utc(),
            ),
            list(
                "utc datetimes random",
                (0..100)
                    .map(|_| {
                        let dt = random_date(&mut rng).and_time(random_time(&mut rng));
                        (datetime_expr(&dt, "timezone.utc"), dt.and_utc())
                    })
                    .collect::<Vec<(String, DateTime<Utc>)>>(),
            ),
            case(
                "offset +02:00",
                datetime_expr(&dt, "timezone(timedelta(hours=2))"),
                at(plus2),
            ),
            case(
                "offset -05:00",
                datetime_expr(&dt, "timezone(-timedelta(hours=5))"),
                at(minus5),
            ),
            case(
                "offset +05:30:07",
                datetime_expr(&dt, "timezone(timedelta(hours=5, minutes=30, seconds=7))"),
                at(odd),
            ),
            case(
                "offset -23:59:59",
                datetime_expr(&dt, "timezone(timedelta(seconds=-86399))"),
                at(extreme),
            ),
            case(
                "offset zero is utc",
                datetime_expr(&dt, "timezone(timedelta(0))"),
                at(zero),
            ),
            list(
                "offsets random",
                (0..100)
                    .map(|_| {
                        let local = random_date(&mut rng).and_time(random_time(&mut rng));
                        let secs = rng.below(2 * 86399 + 1) as i32 - 86399;
                        let secs = if rng.below(4) == 0 { 0 } else { secs };
                        let offset = FixedOffset::east_opt(secs).expect("offset");
                        let value = local
                            .and_local_timezone(offset)
                            .single()
                            .expect("fixed offsets map one to one");
                        (datetime_expr(&local, &offset_expr(&offset)), value)
                    })
                    .collect::<Vec<(String, DateTime<FixedOffset>)>>(),
            ),
            case("timedelta zero", "timedelta(0)", TimeDelta::zero()),
            case(
                "timedelta -1us",
                "timedelta(microseconds=-1)",
                TimeDelta::microseconds(-1),
            ),
            case(
                "timedelta -1s",
                "timedelta(days=-1, seconds=86399)",
                TimeDelta::seconds(-1),
            ),
            case(
                "timedelta max",
                "timedelta.max",
                TimeDelta::days(999_999_999) + TimeDelta::microseconds(86_399_999_999),
            ),
            case(
                "timedelta min",
                "timedelta.min",
                TimeDelta::days(-999_999_999),
            ),
            write_only(
                "timedelta nanos truncated",
                "[timedelta(microseconds=-1), timedelta(0), timedelta(microseconds=1)]",
                vec![
                    TimeDelta::nanoseconds(-1999),
                    TimeDelta::nanoseconds(-999),
                    TimeDelta::nanoseconds(1999),
                ],
            ),
            list(
                "timedeltas random",
                (0..150)
                    .map(|_| {
                        let span = 999_999_999 * 86_400;
                        let secs = rng.below(2 * span) as i64 - span as i64;
                        let secs = secs >> rng.below(40);
                        let us = rng.below(1_000_000) as u32;
                        (
                            format!("timedelta(seconds={secs}, microseconds={us})"),
                            TimeDelta::new(secs, us * 1000).expect("in range"),
                        )
                    })
                    .collect(),
            ),
        ];
        // The tzinfo of two UTC datetimes is one object: the second is a memo GET.
        let second = date(2025, 6, 1).and_time(time(0, 0, 0, 0));
        cases.push(case(
            "utc shared",
            format!(
                "[{}, {}]",
                datetime_expr(&dt, "timezone.utc"),
                datetime_expr(&second, "timezone.utc")
            ),
            vec![dt.and_utc(), second.and_utc()],
        ));
        cases
    }
}

// --- uuid -------------------------------------------------------------------

#[cfg(feature = "uuid")]
pub mod uuid_cases {
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
}

// --- rust_decimal -----------------------------------------------------------

#[cfg(feature = "rust_decimal")]
pub mod decimal_cases {
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
}

// --- num-bigint -------------------------------------------------------------

#[cfg(feature = "num-bigint")]
pub mod bigint_cases {
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
}

// --- num-complex ------------------------------------------------------------

#[cfg(feature = "num-complex")]
pub mod complex_cases {
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
                        let z =
                            Complex::new(f64::from_bits(rng.next()), f64::from_bits(rng.next()));
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
}

// --- indexmap ---------------------------------------------------------------

#[cfg(feature = "indexmap")]
pub mod indexmap_cases {
    use super::{case, Case};
    use indexmap::{IndexMap, IndexSet};

    pub fn all() -> Vec<Case> {
        vec![
            case("indexmap empty", "{}", IndexMap::<String, i64>::new()),
            case(
                "indexmap order",
                "{'zeta': [1], 'alpha': [2], 'mid': [3]}",
                IndexMap::from([
                    ("zeta".to_owned(), vec![1i64]),
                    ("alpha".to_owned(), vec![2]),
                    ("mid".to_owned(), vec![3]),
                ]),
            ),
            case(
                "indexmap 1000",
                "{i: str(i) for i in range(999, -1, -1)}",
                (0..1000i64)
                    .rev()
                    .map(|i| (i, i.to_string()))
                    .collect::<IndexMap<_, _>>(),
            ),
            case(
                "indexmap 1001",
                "{-i: i for i in range(1001)}",
                (0..1001i64).map(|i| (-i, i)).collect::<IndexMap<_, _>>(),
            ),
            case("indexset empty", "set()", IndexSet::<i64>::new()),
            case("indexset", "{1, 2, 3}", IndexSet::<i64>::from([1, 2, 3])),
            case(
                "indexset 1000",
                "set(range(1000))",
                (0..1000i64).collect::<IndexSet<_>>(),
            ),
            case(
                "indexset 1001",
                "set(range(1001))",
                (0..1001i64).collect::<IndexSet<_>>(),
            ),
        ]
    }
}

// --- all features: a derived class --------------------------------------------

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "num-bigint",
    feature = "num-complex",
    feature = "indexmap"
))]
pub mod payment {
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
}
