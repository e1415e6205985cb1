//! "Today", for views and checks that depend on the date: `--today`, else
//! `SOURCE_DATE_EPOCH`, else the clock.

use anyhow::{Context as _, bail};
use jiff::civil::Date;

pub fn resolve(flag: Option<&str>) -> anyhow::Result<Date> {
    if let Some(text) = flag {
        return crate::load::parse_iso_date(text)
            .with_context(|| format!("--today `{text}` is not a date (expected YYYY-MM-DD)"));
    }
    // Set but empty counts as unset, as `${SOURCE_DATE_EPOCH:-$(date +%s)}` reads it.
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        && !epoch.trim().is_empty()
    {
        let Ok(seconds) = epoch.trim().parse::<i64>() else {
            bail!("SOURCE_DATE_EPOCH `{epoch}` is not a number of seconds");
        };
        let ts =
            jiff::Timestamp::from_second(seconds).context("SOURCE_DATE_EPOCH is out of range")?;
        return Ok(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::ZonedDateTime::now().date())
}
