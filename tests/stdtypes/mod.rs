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
pub mod chrono_cases;

// --- uuid -------------------------------------------------------------------

#[cfg(feature = "uuid")]
pub mod uuid_cases;

// --- rust_decimal -----------------------------------------------------------

#[cfg(feature = "rust_decimal")]
pub mod decimal_cases;

// --- num-bigint -------------------------------------------------------------

#[cfg(feature = "num-bigint")]
pub mod bigint_cases;

// --- num-complex ------------------------------------------------------------

#[cfg(feature = "num-complex")]
pub mod complex_cases;

// --- indexmap ---------------------------------------------------------------

#[cfg(feature = "indexmap")]
pub mod indexmap_cases;

// --- all features: a derived class --------------------------------------------

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "num-bigint",
    feature = "num-complex",
    feature = "indexmap"
))]
pub mod payment;
