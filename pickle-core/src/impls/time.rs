//! `std::time::Duration` as Python's `datetime.timedelta`, and the
//! `timedelta` reading and writing that the `chrono` mapping shares.
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`Duration`] | `datetime.timedelta` | written as CPython writes it, `timedelta(days, seconds, microseconds)`; nanoseconds below a microsecond are truncated; more than 999999999 days is an error. Reading a negative `timedelta` is an [`OutOfRange`](crate::ErrorKind::OutOfRange) error |
//!
//! ```
//! use std::time::Duration;
//! use pickle_core::Protocol;
//!
//! let bytes = pickle_core::to_vec_with(&Duration::from_millis(90_061_500), Protocol::V2)?;
//! // pickle.dumps(datetime.timedelta(days=1, seconds=3661, microseconds=500000), protocol=2)
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02cdatetime\ntimedelta\nq\x00K\x01MM\x0eJ \xa1\x07\x00\x87q\x01Rq\x02."
//! );
//! assert_eq!(pickle_core::from_slice::<Duration>(&bytes)?, Duration::from_millis(90_061_500));
//! # Ok::<(), pickle_core::Error>(())
//! ```

use std::time::Duration;

use crate::de::Decoder;
use crate::error::{Error, ErrorKind, Result};
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{FromPickle, Pickler, ToPickle};

/// `timedelta.max.days`; `timedelta.min.days` is its negation.
const MAX_DAYS: i128 = 999_999_999;
const US_PER_SECOND: i128 = 1_000_000;
const US_PER_DAY: i128 = 86_400 * US_PER_SECOND;

/// Writes `datetime.timedelta` of `total_us` microseconds, normalised as
/// Python normalises it (`days` may be negative, `0 <= seconds < 86400`,
/// `0 <= microseconds < 1000000`); `what` names the Rust value in the error
/// for a value beyond Python's range.
pub(crate) fn write_timedelta(p: &mut Pickler<'_>, total_us: i128, what: &str) -> Result<()> {
    let days = total_us.div_euclid(US_PER_DAY);
    let rest = total_us.rem_euclid(US_PER_DAY);
    if !(-MAX_DAYS..=MAX_DAYS).contains(&days) {
        return Err(Error::new(
            ErrorKind::Unpicklable,
            format!(
                "{what} of {days} days is out of range for Python's `datetime.timedelta` \
                 (at most 999999999 days either way)"
            ),
        ));
    }
    let (days, seconds, micros) = (
        days as i64,
        (rest / US_PER_SECOND) as i64,
        (rest % US_PER_SECOND) as i64,
    );
    p.write_reduce("datetime", "timedelta", &[&days, &seconds, &micros])
}

/// The positional arguments of `timedelta(days, seconds, microseconds,
/// milliseconds, minutes, hours, weeks)`, in microseconds.
const ARG_US: [i128; 7] = [
    US_PER_DAY,
    US_PER_SECOND,
    1,
    1000,
    60 * US_PER_SECOND,
    3600 * US_PER_SECOND,
    7 * US_PER_DAY,
];

/// Reads a `datetime.timedelta` as its total number of microseconds, after
/// Python's normalisation and range check.
pub(crate) fn read_timedelta(d: &Decoder<'_>) -> Result<i128> {
    let mut args = d.call_args_alone("datetime", "timedelta")?;
    if args.len() > ARG_US.len() {
        return Err(d.error(
            ErrorKind::Type,
            format!(
                "`datetime.timedelta` takes at most 7 arguments, found {}",
                args.len()
            ),
        ));
    }
    let mut total: i128 = 0;
    let mut index = 0;
    while let Some(arg) = args.next_item()? {
        // Seven products of an i64 and a factor below 2^40 fit an i128.
        total += arg.decode_i64().map_err(|e| e.in_index(index))? as i128 * ARG_US[index];
        index += 1;
    }
    let days = total.div_euclid(US_PER_DAY);
    if !(-MAX_DAYS..=MAX_DAYS).contains(&days) {
        return Err(d.error(
            ErrorKind::OutOfRange,
            format!(
                "`datetime.timedelta` of {days} days is out of range \
                 (at most 999999999 days either way)"
            ),
        ));
    }
    Ok(total)
}

impl ToPickle for Duration {
    /// `datetime.timedelta`; nanoseconds below a microsecond are truncated.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let total = self.as_secs() as i128 * US_PER_SECOND + self.subsec_micros() as i128;
        write_timedelta(p, total, "`Duration`")
    }
}

/// `datetime.timedelta`, for the generated Python classes.
impl PyType for Duration {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::class("datetime", "timedelta")
    }
}

impl FromPickle for Duration {
    /// From a `datetime.timedelta` that is not negative.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let total = read_timedelta(&d)?;
        if total < 0 {
            return Err(d.error(
                ErrorKind::OutOfRange,
                "a negative `datetime.timedelta` does not fit in `Duration`",
            ));
        }
        let secs = (total / US_PER_SECOND) as u64;
        let nanos = (total % US_PER_SECOND) as u32 * 1000;
        Ok(Duration::new(secs, nanos))
    }
}
