//! Which Rust type is which Python type: the standard library's types, the
//! wrappers of this crate, and the crates of the optional features.
//!
//! Every mapping writes what CPython 3.11's `pickle.dumps` writes for the
//! Python object, byte for byte, at protocols 0 to 5 (or what another
//! CPython's writes, as [`ser::Options::python_version`](crate::ser::Options::python_version)
//! says), and reads what every CPython from 3.8 on and Python 2.7 write
//! (the tests check both against the CPythons they find).
//!
//! # Without features
//!
//! | Rust | Python |
//! |---|---|
//! | `bool` | `bool` |
//! | `i8` ... `i128`, `u8` ... `u128`, `isize`, `usize`, [`BigInt`](crate::BigInt) | `int` |
//! | `f64`, `f32` | `float` |
//! | `String`, `str`, `char`, [`PyStr`](crate::PyStr) | `str` |
//! | `()`, `Option::None` | `None` |
//! | `Vec<T>`, `VecDeque<T>`, `[T]`, `[T; N]` | `list` |
//! | `(A, B, ...)` | `tuple` |
//! | `HashMap`, `BTreeMap` | `dict` (reading also takes a `collections.OrderedDict`) |
//! | `HashSet`, `BTreeSet` | `set` |
//! | [`Bytes`](crate::Bytes), [`ByteBuf`](crate::ByteBuf) | `bytes` |
//! | [`ByteArray`](crate::ByteArray) | `bytearray` |
//! | [`OrderedDict<K, V>`](crate::OrderedDict) | `collections.OrderedDict`, in order |
//! | [`Deque<T>`](crate::Deque) | `collections.deque`, with its `maxlen` |
//! | [`FrozenSet<S>`](crate::FrozenSet) | `frozenset` of the items of any collection `S` |
//! | `std::time::Duration` | `datetime.timedelta` (not negative) |
//! | `std::net::Ipv4Addr`, `Ipv6Addr`, `IpAddr` | `ipaddress.IPv4Address`, `ipaddress.IPv6Address` |
//! | [`Value`](crate::Value) | any object |
//!
//! # Optional features
//!
//! Each feature is named after its crate and enables the mappings of that
//! crate's types.
//!
//! | feature | Rust | Python |
//! |---|---|---|
//! | `chrono` | `NaiveDateTime` | naive `datetime.datetime` |
//! | `chrono` | `DateTime<Utc>` | aware `datetime.datetime`, `tzinfo=datetime.timezone.utc` |
//! | `chrono` | `DateTime<FixedOffset>` | aware `datetime.datetime`, `tzinfo=datetime.timezone(offset)` (`timezone.utc` for a zero offset) |
//! | `chrono` | `NaiveDate` | `datetime.date` |
//! | `chrono` | `NaiveTime` | naive `datetime.time` |
//! | `chrono` | `TimeDelta` | `datetime.timedelta` (negative values as Python normalises them) |
//! | `uuid` | `Uuid` | `uuid.UUID` |
//! | `rust_decimal` | `Decimal` | `decimal.Decimal`, keeping the exponent (`Decimal("-12.3400")`) |
//! | `num-bigint` | `BigInt`, `BigUint` | `int` of any size |
//! | `num-complex` | `Complex<f64>`, `Complex<f32>` | `complex` |
//! | `indexmap` | `IndexMap`, `IndexSet` | `dict`, `set`, in order |
//! | `ndarray` | `Array`, `ArrayView`, `ArcArray`, `CowArray` of `bool`, integers, floats, `Complex` | `numpy.ndarray`, as numpy pickles it (the module `numpy`, with the feature, has the rules) |
//! | `ndarray` | `bool`, integers, `f32`, `f64`, `Complex` (reading) | numpy scalars (`numpy.float64(1.5)`), as well as Python's numbers |
//!
//! # What is lossy, and what is refused
//!
//! Writing:
//!
//! - nanoseconds below a microsecond are truncated (`Duration`, `TimeDelta`
//!   towards zero; `NaiveTime`, `NaiveDateTime`, `DateTime` towards the past);
//! - refused with [`ErrorKind::Unpicklable`](crate::ErrorKind::Unpicklable):
//!   years outside 1 to 9999, leap seconds, `timedelta`s beyond 999999999
//!   days either way, a [`Deque`](crate::Deque) holding more than its `maxlen`.
//!
//! Reading, as [`ErrorKind::OutOfRange`](crate::ErrorKind::OutOfRange)
//! errors with the path to the value:
//!
//! - a `decimal.Decimal` that `rust_decimal` cannot hold exactly (a 96-bit
//!   coefficient, 0 to 28 decimal places), and `NaN`, `sNaN`, `Infinity`. An
//!   exponent it cannot keep but whose value it holds is moved
//!   (`Decimal("1E+3")` reads as `1000`, equal in Python);
//! - dates and times outside Python's range (year 0, month 13, hour 24),
//!   even where CPython's unpickler, which does not check the pickled
//!   state, would make such an object;
//! - a `datetime.timezone` offset with microseconds (`FixedOffset` holds
//!   seconds); a negative `timedelta` as `Duration`; a negative `int` as
//!   `BigUint`; an `IPv6Address` with a scope id (`fe80::1%eth0`).
//!
//! Reading drops what the Rust type has no place for: `fold`, the name of
//! a `datetime.timezone`, the offset of a datetime read as `DateTime<Utc>`
//! (the time is converted to UTC), `uuid.UUID.is_safe`. A naive datetime
//! is not read as an aware one, nor the other way round ([`ErrorKind::Type`](crate::ErrorKind::Type));
//! `tzinfo`s other than `datetime.timezone` (`zoneinfo`, `pytz`) are refused
//! ([`ErrorKind::UnexpectedGlobal`](crate::ErrorKind::UnexpectedGlobal)).
//!
//! # In generated Python classes
//!
//! For [`stubs`](crate::stubs), each type above is annotated as its Python
//! class, and the generated module imports that class's module:
//! `datetime.timedelta` (`Duration`, `TimeDelta`), `datetime.datetime`,
//! `datetime.date`, `datetime.time`, `decimal.Decimal`, `uuid.UUID`,
//! `ipaddress.IPv4Address`, `ipaddress.IPv6Address` (`IpAddr` is their
//! `typing.Union`), `int` (`num-bigint`), `complex`, `typing.Dict` and
//! `typing.Set` (`IndexMap`, `IndexSet`), `typing.OrderedDict[K, V]`,
//! `typing.Deque[T]` and `typing.FrozenSet[T]` (the wrappers; the `typing`
//! aliases, which Python 3.8 can subscript).
//!
//! # Identity
//!
//! `datetime.timezone.utc` is one object in Python: a pickle holding it
//! twice has it once and fetches it from the memo, and so does this
//! crate's. Every other value is a new object, as in a Python value built
//! afresh (each `DateTime<FixedOffset>` has a `timezone` of its own, as
//! `datetime.fromisoformat` gives).
//!
#![cfg_attr(
    feature = "derive",
    doc = r#"
# In derived classes

These types are fields like any other:

```
use std::time::Duration;
use pickle_core::{FromPickle, Protocol, ToPickle};

// In Python: `@dataclass class Job: timeout: datetime.timedelta` in module `jobs`.
#[derive(ToPickle, FromPickle, Debug, PartialEq)]
#[pickle(module = "jobs")]
struct Job {
    timeout: Duration,
}

let job = Job { timeout: Duration::from_secs(90) };
let bytes = pickle_core::to_vec_with(&job, Protocol::V2)?;
// pickle.dumps(jobs.Job(timeout=datetime.timedelta(seconds=90)), protocol=2) in CPython 3.11
assert_eq!(
    bytes,
    b"\x80\x02cjobs\nJob\nq\x00)\x81q\x01}q\x02X\x07\x00\x00\x00timeoutq\x03cdatetime\ntimedelta\nq\x04K\x00KZK\x00\x87q\x05Rq\x06sb."
);
assert_eq!(pickle_core::from_slice::<Job>(&bytes)?, job);
# Ok::<(), pickle_core::Error>(())
```
"#
)]
