//! "Today", for views and checks that depend on the date: `--today`, else
//! `SOURCE_DATE_EPOCH`, else the clock.

use anyhow::{Context as _, bail};
use jiff::civil::Date;
use std::num::IntErrorKind::{NegOverflow, PosOverflow};

pub fn resolve(flag: Option<&str>) -> anyhow::Result<Date> {
    if let Some(text) = flag {
        return crate::load::parse_iso_date(text)
            .ok_or_else(|| anyhow::anyhow!("--today {}", crate::load::fields::not_a_date(text)));
    }
    // Set but empty counts as unset, as `${SOURCE_DATE_EPOCH:-$(date +%s)}` reads it.
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        && !epoch.trim().is_empty()
    {
        // A whole number too large for any clock is out of range like one a little past.
        let seconds = match epoch.trim().parse::<i64>() {
            Ok(seconds) => Some(seconds),
            Err(err) if matches!(err.kind(), PosOverflow | NegOverflow) => None,
            Err(_) => bail!("SOURCE_DATE_EPOCH `{epoch}` is not a number of seconds"),
        };
        // The days `--today` can name, from 0001-01-01 on: a timestamp may reach further
        // (to 9999-12-31 in one zone or another) but names no day in all of them.
        let date = seconds
            .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok())
            .map(|ts| ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
            .filter(|date| date.year() >= 1);
        return date.with_context(|| {
            let first = jiff::civil::date(1, 1, 1).at(0, 0, 0, 0);
            let first = jiff::tz::TimeZone::UTC.to_timestamp(first);
            let first = first.map_or(0, |start| start.as_second());
            let last = jiff::Timestamp::MAX.as_second();
            format!(
                "SOURCE_DATE_EPOCH `{epoch}` is out of range: it is a number of seconds from {first} (0001-01-01) to {last} (9999-12-30)"
            )
        });
    }
    Ok(jiff::ZonedDateTime::now().date())
}
