//! The quarter timeline: initiatives as bars between start and target, drawn as SVG on the
//! server so it needs no JavaScript. Slipped targets show the first planned date too.

use jiff::civil::Date;
use serde::Serialize;

use super::ViewData;
use crate::audience::DocView;
use crate::model::Period;

const LABEL_WIDTH: f64 = 230.0;
const CHART_WIDTH: f64 = 640.0;
const ROW: f64 = 28.0;
const TOP: f64 = 30.0;
const MAX_QUARTERS: i32 = 8;

#[derive(Serialize)]
pub struct Timeline {
    pub width: f64,
    pub height: f64,
    pub label_width: f64,
    pub quarters: Vec<QuarterMark>,
    pub rows: Vec<Row>,
    pub today_x: Option<f64>,
    /// Initiatives dated wholly before or after the quarters shown, left out of the chart
    /// rather than drawn at its edge as if they fell in its first or last quarter.
    pub outside: usize,
    /// Initiatives within the quarters shown but past the rows the chart keeps.
    pub more: usize,
}

#[derive(Serialize)]
pub struct QuarterMark {
    pub x: f64,
    pub width: f64,
    pub label: String,
}

#[derive(Serialize)]
pub struct Row {
    pub y: f64,
    pub text_y: f64,
    pub x: f64,
    pub width: f64,
    pub title: String,
    pub url: String,
    pub status: String,
    pub start: Option<String>,
    pub target: Option<String>,
    pub slipped_from: Option<String>,
    pub slipped_x: Option<f64>,
}

impl Timeline {
    pub fn build(data: &ViewData<'_>, initiatives: &[&DocView]) -> Option<Timeline> {
        let dated: Vec<(&DocView, Date, Date)> = initiatives
            .iter()
            .filter(|d| d.status.as_deref() != Some("cancelled"))
            .filter_map(|d| {
                let doc = &data.docs[d.index];
                let start = doc.start.or(doc.target)?;
                let end = doc.target.unwrap_or(start).max(start);
                Some((*d, start, end))
            })
            .collect();
        if dated.is_empty() {
            return None;
        }
        let count = dated.len();
        let first = Period::quarter_of(dated.iter().map(|d| d.1).min()?);
        let last = Period::quarter_of(dated.iter().map(|d| d.2).max()?);
        let (from, to) = clamp_range(first, last, Period::quarter_of(data.today));
        let (range_start, range_end) = (from.start(), to.end());
        let days = (range_end - range_start).get_days().max(1) as f64;
        let x_of = |d: Date| {
            let clamped = d.clamp(range_start, range_end);
            LABEL_WIDTH + (clamped - range_start).get_days() as f64 / days * CHART_WIDTH
        };
        let mut sorted = dated;
        sorted.retain(|&(_, start, end)| end >= range_start && start <= range_end);
        let outside = count - sorted.len();
        // The chart keeps a readable number of rows: open work first, then shipped; each
        // by how near its target is to today, due soonest or just past it first.
        let today = data.today;
        sorted.sort_by_cached_key(|d| {
            (
                matches!(d.0.status.as_deref(), Some("shipped")),
                d.2.duration_since(today).as_secs().unsigned_abs(),
                d.1,
            )
        });
        let more = sorted.len().saturating_sub(super::VIEW_LIMIT);
        sorted.truncate(super::VIEW_LIMIT);
        sorted.sort_by_key(|d| (d.1, d.2));
        let rows: Vec<Row> = sorted
            .iter()
            .enumerate()
            .map(|(i, (doc, start, end))| {
                let y = TOP + i as f64 * ROW;
                let slipped = data.docs[doc.index].slipped_from();
                Row {
                    y: y + 6.0,
                    text_y: y + 18.0,
                    x: x_of(*start),
                    width: (x_of(*end) - x_of(*start)).max(4.0),
                    title: doc.title.clone(),
                    url: doc.url.clone(),
                    status: doc.status_slug.clone().unwrap_or_default(),
                    start: doc.start.clone(),
                    target: doc.target.clone(),
                    slipped_from: slipped.map(|d| d.to_string()),
                    // A first plan outside the quarters shown has no place on them.
                    slipped_x: slipped
                        .filter(|d| (range_start..=range_end).contains(d))
                        .map(x_of),
                }
            })
            .collect();
        let quarters = quarters(from, to)
            .into_iter()
            .map(|q| QuarterMark {
                x: x_of(q.start()),
                width: x_of(q.end()) - x_of(q.start()),
                label: q.to_string(),
            })
            .collect();
        let today_x = (range_start..=range_end)
            .contains(&data.today)
            .then(|| x_of(data.today));
        Some(Timeline {
            width: LABEL_WIDTH + CHART_WIDTH + 10.0,
            height: TOP + rows.len() as f64 * ROW + 10.0,
            label_width: LABEL_WIDTH,
            quarters,
            rows,
            today_x,
            outside,
            more,
        })
    }
}

fn index(q: Period) -> i32 {
    let part = match q.part {
        crate::model::period::Part::Quarter(n) => n as i32,
        _ => 1,
    };
    q.year as i32 * 4 + part - 1
}

fn from_index(i: i32) -> Period {
    Period {
        year: (i.div_euclid(4)) as i16,
        part: crate::model::period::Part::Quarter((i.rem_euclid(4) + 1) as u8),
    }
}

/// At most [`MAX_QUARTERS`], keeping today in view when the plan spans longer.
fn clamp_range(first: Period, last: Period, today: Period) -> (Period, Period) {
    let (a, b, t) = (index(first), index(last), index(today));
    if b - a < MAX_QUARTERS {
        return (first, last);
    }
    let start = (t - 2).clamp(a, b - MAX_QUARTERS + 1);
    (from_index(start), from_index(start + MAX_QUARTERS - 1))
}

fn quarters(from: Period, to: Period) -> Vec<Period> {
    (index(from)..=index(to)).map(from_index).collect()
}
