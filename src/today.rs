//! "Today", for views and checks that depend on the date: `--today`, else
//! `SOURCE_DATE_EPOCH`, else the clock.

use anyhow::{Context as _, bail};
use jiff::civil::Date;
use std::num::IntErrorKind::{NegOverflow, PosOverflow};

/// Seconds in a day, as `SOURCE_DATE_EPOCH` counts them (no leap seconds).
const DAY: i64 = 86_400;

/// The day `SOURCE_DATE_EPOCH` counts from.
const EPOCH: Date = Date::constant(1970, 1, 1);

/// The seconds from [`EPOCH`] to the start of `date`.
fn epoch_seconds(date: Date) -> i64 {
    i64::from(EPOCH.until(date).map_or(0, |span| span.get_days())) * DAY
}

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
        // The days `--today` can name, 0001-01-01 to 9999-12-31: the UTC day of the
        // second, counted in whole days from 1970-01-01.
        let date = seconds
            .and_then(|seconds| jiff::Span::new().try_days(seconds.div_euclid(DAY)).ok())
            .and_then(|days| EPOCH.checked_add(days).ok())
            .filter(|date| date.year() >= 1);
        return date.with_context(|| {
            let (first, last) = (epoch_seconds(Date::constant(1, 1, 1)), epoch_seconds(Date::MAX) + DAY - 1);
            format!(
                "SOURCE_DATE_EPOCH `{epoch}` is out of range: it is a number of seconds from {first} (0001-01-01) to {last} (9999-12-31)"
            )
        });
    }
    Ok(jiff::ZonedDateTime::now().date())
}
