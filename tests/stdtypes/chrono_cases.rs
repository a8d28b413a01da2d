//! Cases of the `chrono` feature (dates, times and durations) and the Python
//! expressions of the same objects.

use super::{case, list, write_only, Case, Rng};
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc,
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
