//! `chrono` dates, times and durations as Python's `datetime` objects
//! (feature `chrono`).
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`NaiveDateTime`] | naive `datetime.datetime` | reading refuses an aware datetime |
//! | [`DateTime<Utc>`] | aware `datetime.datetime`, `tzinfo=datetime.timezone.utc` | reading takes any `datetime.timezone` offset and converts to UTC; a naive datetime is refused |
//! | [`DateTime<FixedOffset>`] | aware `datetime.datetime`, `tzinfo=datetime.timezone(timedelta(seconds=offset))` | a zero offset is `datetime.timezone.utc`, as Python's `timezone(timedelta(0))` is; reading takes `datetime.timezone` only (not `zoneinfo` or `pytz` zones), with its name dropped |
//! | [`NaiveDate`] | `datetime.date` | |
//! | [`NaiveTime`] | naive `datetime.time` | reading refuses a `time` with a `tzinfo` |
//! | [`TimeDelta`] | `datetime.timedelta` | negative values as Python normalises them: `-1 s` is `timedelta(days=-1, seconds=86399)` |
//!
//! Written as CPython writes them: `cls(state)` with the packed state bytes
//! (`datetime.datetime(b'\x07\xe8...', tzinfo)`), and
//! `timedelta(days, seconds, microseconds)`. Reading also takes the
//! constructor's int arguments (`datetime.date(2024, 1, 15)`) and state
//! text from Python 2 pickles read as Latin-1.
//!
//! What Python cannot hold is refused when writing, as an
//! [`Unpicklable`](crate::ErrorKind::Unpicklable) error: years outside 1 to
//! 9999, leap seconds, offsets of a day or more, durations beyond 999999999
//! days. Nanoseconds below a microsecond are truncated (towards the past for
//! dates and times, towards zero for durations). Python's `fold` is not kept
//! (it is written as 0 and ignored when read). Reading gives
//! [`OutOfRange`](crate::ErrorKind::OutOfRange) errors for states CPython
//! would refuse too (year 0, month 13, hour 24) and for offsets with
//! microseconds, which `FixedOffset` cannot hold.
//!
//! Each `DateTime<FixedOffset>` with a non-zero offset writes a `timezone`
//! object of its own (as `datetime.fromisoformat` makes one per value);
//! `datetime.timezone.utc` is one object, written once per pickle and then
//! fetched from the memo.
//!
//! ```
//! use chrono::{DateTime, NaiveDate, Utc};
//! use pickle_core::Protocol;
//!
//! let when: DateTime<Utc> = NaiveDate::from_ymd_opt(2024, 1, 15)
//!     .and_then(|d| d.and_hms_micro_opt(10, 30, 45, 123_456))
//!     .map(|dt| dt.and_utc())
//!     .unwrap();
//! let bytes = pickle_core::to_vec_with(&when, Protocol::V4)?;
//! // pickle.dumps(datetime.datetime(2024, 1, 15, 10, 30, 45, 123456,
//! //     tzinfo=datetime.timezone.utc), protocol=4) in CPython 3.11
//! assert_eq!(
//!     bytes,
//!     &b"\x80\x04\x95W\x00\x00\x00\x00\x00\x00\x00\x8c\x08datetime\x94\x8c\x08datetime\x94\x93\x94C\n\x07\xe8\x01\x0f\n\x1e-\x01\xe2@\x94h\x00\x8c\x08timezone\x94\x93\x94h\x00\x8c\ttimedelta\x94\x93\x94K\x00K\x00K\x00\x87\x94R\x94\x85\x94R\x94\x86\x94R\x94."[..]
//! );
//! assert_eq!(pickle_core::from_slice::<DateTime<Utc>>(&bytes)?, when);
//! # Ok::<(), pickle_core::Error>(())
//! ```

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc,
};

use super::time::{read_timedelta, write_timedelta};
use crate::de::{Decoder, Kind};
use crate::error::{Error, ErrorKind, Result};
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{Bytes, FromPickle, Pickler, ToPickle};

const US_PER_SECOND: i128 = 1_000_000;

// --- writing ------------------------------------------------------------

fn date_state(date: &NaiveDate) -> Result<[u8; 4]> {
    let year = date.year();
    if !(1..=9999).contains(&year) {
        return Err(Error::new(
            ErrorKind::Unpicklable,
            format!("year {year} is out of range for Python's `datetime` (1 to 9999)"),
        ));
    }
    Ok([
        (year >> 8) as u8,
        year as u8,
        date.month() as u8,
        date.day() as u8,
    ])
}

fn time_state(time: &NaiveTime) -> Result<[u8; 6]> {
    let nanos = time.nanosecond();
    if nanos >= 1_000_000_000 {
        return Err(Error::new(
            ErrorKind::Unpicklable,
            format!("the leap second {time} has no Python `datetime` value"),
        ));
    }
    let us = nanos / 1000;
    Ok([
        time.hour() as u8,
        time.minute() as u8,
        time.second() as u8,
        (us >> 16) as u8,
        (us >> 8) as u8,
        us as u8,
    ])
}

fn datetime_state(dt: &NaiveDateTime) -> Result<[u8; 10]> {
    let mut state = [0; 10];
    state[..4].copy_from_slice(&date_state(&dt.date())?);
    state[4..].copy_from_slice(&time_state(&dt.time())?);
    Ok(state)
}

/// A `datetime.timedelta` of this many microseconds.
struct Delta(i128);

impl ToPickle for Delta {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        write_timedelta(p, self.0, "an offset")
    }
}

/// The `tzinfo` of an aware value: an offset in seconds east of UTC.
struct Zone(i32);

impl ToPickle for Zone {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        if self.0 == 0 {
            // `timezone(timedelta(0))` is this one object in Python.
            return p.write_singleton(
                "datetime.timezone.utc",
                "datetime",
                "timezone",
                &[&Delta(0)],
            );
        }
        p.write_reduce(
            "datetime",
            "timezone",
            &[&Delta(self.0 as i128 * US_PER_SECOND)],
        )
    }
}

impl ToPickle for NaiveDate {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_reduce("datetime", "date", &[&Bytes(&date_state(self)?)])
    }
}

impl ToPickle for NaiveTime {
    /// A naive `datetime.time`; nanoseconds below a microsecond are truncated.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_reduce("datetime", "time", &[&Bytes(&time_state(self)?)])
    }
}

impl ToPickle for NaiveDateTime {
    /// A naive `datetime.datetime`; nanoseconds below a microsecond are truncated.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_reduce("datetime", "datetime", &[&Bytes(&datetime_state(self)?)])
    }
}

impl ToPickle for DateTime<Utc> {
    /// An aware `datetime.datetime` with `tzinfo=datetime.timezone.utc`.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let state = datetime_state(&self.naive_utc())?;
        p.write_reduce("datetime", "datetime", &[&Bytes(&state), &Zone(0)])
    }
}

impl ToPickle for DateTime<FixedOffset> {
    /// An aware `datetime.datetime` with the local time and a
    /// `datetime.timezone` of the offset.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let state = datetime_state(&self.naive_local())?;
        let zone = Zone(self.offset().local_minus_utc());
        p.write_reduce("datetime", "datetime", &[&Bytes(&state), &zone])
    }
}

impl ToPickle for TimeDelta {
    /// A `datetime.timedelta`; nanoseconds below a microsecond are
    /// truncated towards zero.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let nanos = self.num_seconds() as i128 * 1_000_000_000 + self.subsec_nanos() as i128;
        write_timedelta(p, nanos / 1000, "`TimeDelta`")
    }
}

// --- reading ------------------------------------------------------------

/// What a `datetime` class's constructor was given: the packed state (how
/// CPython pickles) or ints, and the `tzinfo` if any.
struct Args<'a> {
    state: Option<Vec<u8>>,
    ints: Vec<i64>,
    tz: Option<Decoder<'a>>,
}

/// A datetime class: its name, the length of its state, and its int
/// arguments (required, at most) before `tzinfo` (if it takes one).
struct Class {
    name: &'static str,
    state_len: usize,
    required: usize,
    ints: usize,
    tz: bool,
}

const DATE: Class = Class {
    name: "date",
    state_len: 4,
    required: 3,
    ints: 3,
    tz: false,
};
const TIME: Class = Class {
    name: "time",
    state_len: 6,
    required: 0,
    ints: 4,
    tz: true,
};
const DATETIME: Class = Class {
    name: "datetime",
    state_len: 10,
    required: 3,
    ints: 7,
    tz: true,
};

/// The bytes of a state: `bytes`, or a `str` of code points below 256 (a
/// Python 2 `str` read as Latin-1, which CPython's constructors accept).
fn state_bytes(arg: &Decoder<'_>) -> Result<Option<Vec<u8>>> {
    match arg.kind() {
        Kind::Bytes | Kind::ByteArray | Kind::Buffer => Ok(Some(arg.decode_bytes()?.to_vec())),
        Kind::Str => {
            let text = arg.decode_py_str()?;
            let latin1: Option<Vec<u8>> =
                text.code_points().map(|c| u8::try_from(c).ok()).collect();
            latin1.map(Some).ok_or_else(|| {
                arg.error(
                    ErrorKind::Type,
                    "expected a `datetime` state, found a `str` beyond Latin-1",
                )
            })
        }
        _ => Ok(None),
    }
}

fn read_args<'a>(d: &Decoder<'a>, class: &Class) -> Result<Args<'a>> {
    let mut args = d.call_args_alone("datetime", class.name)?;
    let mut all = Vec::with_capacity(args.len());
    while let Some(arg) = args.next_item()? {
        all.push(arg);
    }
    let path = format!("datetime.{}", class.name);
    let Some(first) = all.first() else {
        return Err(d.shape_error(&format!("an instance of `{path}` with arguments")));
    };
    if let Some(state) = state_bytes(first).map_err(|e| e.in_index(0))? {
        if all.len() > 1 + usize::from(class.tz) {
            return Err(d.error(
                ErrorKind::Type,
                format!(
                    "expected a `{path}` state and {}, found {} arguments",
                    if class.tz {
                        "a `tzinfo`"
                    } else {
                        "nothing else"
                    },
                    all.len()
                ),
            ));
        }
        if state.len() != class.state_len {
            return Err(first.error(
                ErrorKind::Type,
                format!(
                    "expected a `{path}` state of {} bytes, found {}",
                    class.state_len,
                    state.len()
                ),
            ));
        }
        return Ok(Args {
            state: Some(state),
            ints: Vec::new(),
            tz: all.get(1).copied(),
        });
    }
    let most = class.ints + usize::from(class.tz);
    if all.len() < class.required || all.len() > most {
        return Err(d.error(
            ErrorKind::Type,
            format!(
                "expected a `{path}` state or {} to {most} arguments, found {}",
                class.required,
                all.len()
            ),
        ));
    }
    let mut ints = Vec::with_capacity(class.ints);
    for (i, arg) in all.iter().take(class.ints).enumerate() {
        ints.push(arg.decode_i64().map_err(|e| e.in_index(i))?);
    }
    Ok(Args {
        state: None,
        ints,
        tz: all.get(class.ints).copied(),
    })
}

fn range_error(d: &Decoder<'_>, what: &str, value: i64, range: &str) -> Error {
    d.error(
        ErrorKind::OutOfRange,
        format!("{what} {value} is out of range ({range})"),
    )
}

/// Checks a component against `range` and narrows it.
fn component(d: &Decoder<'_>, what: &str, value: i64, max: u32, range: &str) -> Result<u32> {
    u32::try_from(value)
        .ok()
        .filter(|&v| v <= max)
        .ok_or_else(|| range_error(d, what, value, range))
}

fn make_date(d: &Decoder<'_>, year: i64, month: i64, day: i64) -> Result<NaiveDate> {
    if !(1..=9999).contains(&year) {
        return Err(range_error(d, "year", year, "1 to 9999"));
    }
    if !(1..=12).contains(&month) {
        return Err(range_error(d, "month", month, "1 to 12"));
    }
    let day_u32 = u32::try_from(day).unwrap_or(0);
    NaiveDate::from_ymd_opt(year as i32, month as u32, day_u32).ok_or_else(|| {
        d.error(
            ErrorKind::OutOfRange,
            format!("day {day} is out of range for {year:04}-{month:02}"),
        )
    })
}

fn make_time(d: &Decoder<'_>, parts: [i64; 4]) -> Result<NaiveTime> {
    let hour = component(d, "hour", parts[0], 23, "0 to 23")?;
    let minute = component(d, "minute", parts[1], 59, "0 to 59")?;
    let second = component(d, "second", parts[2], 59, "0 to 59")?;
    let micro = component(d, "microsecond", parts[3], 999_999, "0 to 999999")?;
    NaiveTime::from_hms_micro_opt(hour, minute, second, micro)
        .ok_or_else(|| d.error(ErrorKind::OutOfRange, "invalid time"))
}

/// `[hour, minute, second, microsecond]` from a packed time state, without
/// the `fold` bit.
fn time_of_state(s: &[u8]) -> [i64; 4] {
    let us = (s[3] as i64) << 16 | (s[4] as i64) << 8 | s[5] as i64;
    [(s[0] & 0x7f) as i64, s[1] as i64, s[2] as i64, us]
}

/// The int arguments from `from` on, each defaulting to 0.
fn ints_from(ints: &[i64], from: usize) -> [i64; 4] {
    let mut out = [0; 4];
    for (slot, v) in out.iter_mut().zip(ints.iter().skip(from)) {
        *slot = *v;
    }
    out
}

fn read_date(d: &Decoder<'_>) -> Result<NaiveDate> {
    let args = read_args(d, &DATE)?;
    match args.state {
        Some(s) => make_date(
            d,
            (s[0] as i64) << 8 | s[1] as i64,
            s[2] as i64,
            s[3] as i64,
        ),
        None => make_date(d, args.ints[0], args.ints[1], args.ints[2]),
    }
}

/// A `datetime.time` and its `tzinfo`.
fn read_time<'a>(d: &Decoder<'a>) -> Result<(NaiveTime, Option<Decoder<'a>>)> {
    let args = read_args(d, &TIME)?;
    let parts = match &args.state {
        Some(s) => time_of_state(s),
        None => ints_from(&args.ints, 0),
    };
    Ok((make_time(d, parts)?, args.tz))
}

/// A `datetime.datetime` (its wall time) and its `tzinfo`.
fn read_datetime<'a>(d: &Decoder<'a>) -> Result<(NaiveDateTime, Option<Decoder<'a>>)> {
    let args = read_args(d, &DATETIME)?;
    let (date, time) = match &args.state {
        // The `fold` bit rides on the month.
        Some(s) => (
            make_date(
                d,
                (s[0] as i64) << 8 | s[1] as i64,
                (s[2] & 0x7f) as i64,
                s[3] as i64,
            )?,
            make_time(d, time_of_state(&s[4..]))?,
        ),
        None => (
            make_date(d, args.ints[0], args.ints[1], args.ints[2])?,
            make_time(d, ints_from(&args.ints, 3))?,
        ),
    };
    Ok((date.and_time(time), args.tz))
}

/// The offset of a `tzinfo` that is not `None`: a `datetime.timezone`.
fn read_offset(tz: &Decoder<'_>) -> Result<FixedOffset> {
    let inner = || -> Result<FixedOffset> {
        // `timezone(offset, name=None)`.
        let mut args = tz.call_args_alone("datetime", "timezone")?;
        let offset = match (args.next_item()?, args.len()) {
            (Some(offset), 0 | 1) => offset,
            _ => {
                return Err(tz.shape_error("a `datetime.timezone` of an offset and at most a name"))
            }
        };
        let us = read_timedelta(&offset).map_err(|e| e.in_index(0))?;
        if us % US_PER_SECOND != 0 {
            return Err(offset.error(
                ErrorKind::OutOfRange,
                format!(
                    "a `datetime.timezone` offset of {us} microseconds does not fit in \
                     `FixedOffset`, which holds whole seconds"
                ),
            ));
        }
        i32::try_from(us / US_PER_SECOND)
            .ok()
            .and_then(FixedOffset::east_opt)
            .ok_or_else(|| {
                offset.error(
                    ErrorKind::OutOfRange,
                    format!(
                        "a `datetime.timezone` offset of {} seconds is out of range \
                         (less than a day either way)",
                        us / US_PER_SECOND
                    ),
                )
            })
    };
    inner().map_err(|e| e.in_field("tzinfo"))
}

fn naive_only(d: &Decoder<'_>, tz: Option<Decoder<'_>>, class: &str) -> Result<()> {
    match tz {
        Some(tz) if !tz.is_none() => Err(d.error(
            ErrorKind::Type,
            format!("expected a naive `datetime.{class}`, found an aware one"),
        )),
        _ => Ok(()),
    }
}

impl FromPickle for NaiveDate {
    /// From a `datetime.date` (not a `datetime.datetime`).
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        read_date(&d)
    }
}

impl FromPickle for NaiveTime {
    /// From a `datetime.time` without a `tzinfo`.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let (time, tz) = read_time(&d)?;
        naive_only(&d, tz, "time")?;
        Ok(time)
    }
}

impl FromPickle for NaiveDateTime {
    /// From a naive `datetime.datetime`.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let (dt, tz) = read_datetime(&d)?;
        naive_only(&d, tz, "datetime")?;
        Ok(dt)
    }
}

impl FromPickle for DateTime<FixedOffset> {
    /// From an aware `datetime.datetime` whose `tzinfo` is a `datetime.timezone`.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let (local, tz) = read_datetime(&d)?;
        let tz = tz.filter(|tz| !tz.is_none()).ok_or_else(|| {
            d.error(
                ErrorKind::Type,
                "expected an aware `datetime.datetime`, found a naive one",
            )
        })?;
        let offset = read_offset(&tz)?;
        local
            .and_local_timezone(offset)
            .single()
            .ok_or_else(|| d.error(ErrorKind::OutOfRange, "datetime out of range"))
    }
}

impl FromPickle for DateTime<Utc> {
    /// From an aware `datetime.datetime` whose `tzinfo` is a
    /// `datetime.timezone` (of any offset: the time is converted to UTC).
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        DateTime::<FixedOffset>::from_pickle(d).map(|dt| dt.with_timezone(&Utc))
    }
}

impl FromPickle for TimeDelta {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let us = read_timedelta(&d)?;
        let secs = us.div_euclid(US_PER_SECOND) as i64;
        let nanos = us.rem_euclid(US_PER_SECOND) as u32 * 1000;
        TimeDelta::new(secs, nanos)
            .ok_or_else(|| d.error(ErrorKind::OutOfRange, "`datetime.timedelta` out of range"))
    }
}

// --- the generated Python classes -------------------------------------------

macro_rules! py_types {
    ($($t:ty => $name:literal),*) => {$(
        #[doc = concat!("`datetime.", $name, "`, for the generated Python classes.")]
        impl PyType for $t {
            fn py_type(_: &mut Registry) -> TypeExpr {
                TypeExpr::class("datetime", $name)
            }
        }
    )*};
}
py_types!(
    NaiveDateTime => "datetime",
    DateTime<Utc> => "datetime",
    DateTime<FixedOffset> => "datetime",
    NaiveDate => "date",
    NaiveTime => "time",
    TimeDelta => "timedelta"
);
