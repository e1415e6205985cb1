//! Rules about objectives and key results.

use super::Ctx;
use crate::diag::Diagnostic;
use crate::model::{Checkin, Direction, KeyResult, Kind, Period};
use jiff::ToSpan;
use jiff::civil::Date;

const MAX_KEY_RESULTS: usize = 5;
/// How long after its period a key result's final check-in may come: the figures of a
/// quarter are in a few weeks after it ends.
const CLOSING_DAYS: i32 = 31;

pub fn structure(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        if doc.kind != Kind::Objective || matches!(ctx.status(i), Some("cancelled" | "draft")) {
            continue;
        }
        // Key results written but unreadable are errors of their own.
        if doc.key_results.is_empty() && !doc.key_results_unread {
            let message = format!(
                "objective {} has no key results: nothing says how success is measured",
                ctx.name(i)
            );
            out.push(
                ctx.at("objective-without-key-results", i, "title", message)
                    .with_help("add a [[key_results]] table"),
            );
            continue;
        }
        if doc.key_results.len() > MAX_KEY_RESULTS {
            let message = format!(
                "objective {} has {} key results; more than {MAX_KEY_RESULTS} dilutes focus",
                ctx.name(i),
                doc.key_results.len()
            );
            out.push(ctx.at("too-many-key-results", i, "key_results", message));
        }
        // An objective whose period ended is reported by `period-ended` instead.
        let ended = doc.period.is_some_and(|p| p.end() < ctx.today);
        if ctx.status(i) == Some("active") && !ended {
            out.extend(undriven(ctx, i));
        }
    }
    out
}

/// Key results no initiative drives; an initiative driving the whole objective counts for all.
fn undriven(ctx: &Ctx<'_>, i: usize) -> Vec<Diagnostic> {
    // A cancelled initiative, or objective a key result is cascaded to, moves nothing.
    let driving: Vec<Option<usize>> = ctx
        .graph
        .movers(ctx.docs, i)
        .filter(|e| ctx.status(e.from) != Some("cancelled"))
        .map(|e| e.to.kr)
        .collect();
    if driving.contains(&None) {
        return Vec::new();
    }
    let doc = &ctx.docs[i];
    doc.key_results
        .iter()
        .enumerate()
        .filter(|(k, _)| !driving.contains(&Some(*k)))
        .map(|(_, kr)| {
            let message = format!(
                "key result `{}` of {} (\"{}\") has no initiative driving it",
                kr.id,
                ctx.name(i),
                kr.title
            );
            ctx.at_line("undriven-key-result", i, kr.line, message)
                .with_help(format!(
                    "add `drives = [\"{}#{}\"]` to the initiative that moves it",
                    doc.id.as_deref().unwrap_or(&doc.path_id),
                    kr.id
                ))
        })
        .collect()
}

pub fn sanity(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let num = crate::render::format_number;
    for (i, doc) in ctx.docs.iter().enumerate() {
        for kr in &doc.key_results {
            let line = kr.line;
            let name = format!("key result `{}` of {}", kr.id, ctx.name(i));
            if kr.target == kr.baseline {
                out.push(ctx.at_line(
                    "kr-target-equals-baseline",
                    i,
                    line,
                    format!(
                        "{name}: target equals baseline ({}), so progress cannot be measured",
                        num(kr.target)
                    ),
                ));
            }
            // Progress runs from baseline to target whatever the direction says: a
            // direction against them is a typo in one or the other.
            let against = match kr.direction {
                Some(Direction::Decrease) if kr.target > kr.baseline => Some(("decrease", "above")),
                Some(Direction::Increase) if kr.target < kr.baseline => Some(("increase", "below")),
                _ => None,
            };
            if let Some((direction, way)) = against {
                out.push(ctx.at_line(
                    "kr-direction-mismatch",
                    i,
                    line,
                    format!(
                        "{name}: direction is `{direction}`, but the target ({}) is {way} the baseline ({}): progress is measured from baseline to target",
                        num(kr.target),
                        num(kr.baseline)
                    ),
                ));
            }
            // A check-in's finding stands at the check-in, and says which one it is.
            let at = |checkin: Option<&Checkin>, own: fn(&Checkin) -> usize, kr_line: usize| {
                match checkin {
                    Some(c) => (own(c).max(line), format!("{name}: check-in on {}", c.date)),
                    None => (kr_line.max(line), name.clone()),
                }
            };
            if let Some((value, checkin, far)) = implausible(kr) {
                let (place, what) = at(checkin, |c| c.value_line, kr.current_line);
                let message = if far {
                    format!(
                        "{what}: value {} is far outside the range from baseline {} to target {}",
                        num(value),
                        num(kr.baseline),
                        num(kr.target)
                    )
                } else {
                    format!(
                        "{what}: value {} % is outside 0–100 %, where its baseline and target are",
                        num(value)
                    )
                };
                out.push(ctx.at_line("kr-implausible-value", i, place, message));
            }
            let confidences = (kr.confidence.map(|c| (c, None)).into_iter()).chain(
                kr.checkins
                    .iter()
                    .filter_map(|c| Some((c.confidence?, Some(c)))),
            );
            for (confidence, checkin) in confidences.filter(|(c, _)| !(0.0..=1.0).contains(c)) {
                let (place, what) = at(checkin, |c| c.confidence_line, kr.confidence_line);
                out.push(ctx.at_line(
                    "confidence-out-of-range",
                    i,
                    place,
                    format!("{what}: confidence {} is outside 0–1", num(confidence)),
                ));
            }
            // A check-in outside its period measures another quarter, but for the final
            // score, recorded once the period's figures are in (as `period-ended` asks):
            // the key result's last check-in, up to a month after the end. One dated after
            // today has its date typed wrong (a month or a year), as a check-in records a
            // value already measured, and would stand as the current value.
            let last = kr.checkins.iter().map(|c| c.date).max();
            let outside = |period: &Period, date: Date| {
                let closing = Some(date) == last
                    && date > period.end()
                    && date <= period.end().saturating_add(CLOSING_DAYS.days());
                !period.contains(date) && !closing
            };
            for checkin in &kr.checkins {
                let (rule, message) = match doc.period.filter(|p| outside(p, checkin.date)) {
                    Some(period) => (
                        "checkin-outside-period",
                        format!("is outside the period {period}"),
                    ),
                    None if checkin.date > ctx.today => (
                        "checkin-after-today",
                        format!(
                            "is dated after today ({}): a check-in records a value already measured",
                            ctx.today
                        ),
                    ),
                    None => continue,
                };
                let message = format!("{name}: check-in on {} {message}", checkin.date);
                out.push(ctx.at_line(rule, i, checkin.line.max(line), message));
            }
        }
    }
    out
}

/// The distance from baseline to target, but at least a tenth of the values themselves (a
/// rating from 4.5 to 4.6 may well fall to 3.2), up to 1: a share from 0.31 to 0.55 typed
/// as 4.1 is found.
fn span(kr: &KeyResult) -> f64 {
    let size = kr.baseline.abs().max(kr.target.abs());
    (kr.target - kr.baseline).abs().max((size / 10.0).min(1.0))
}

/// A value more than ten spans away from the baseline–target range, or a percentage outside
/// 0–100 where the baseline and target are inside it (a retention target of 120 % may well
/// be reached).
/// The first value of a key result (its `current`, else a check-in's) far outside any
/// plausible range, with the check-in that holds it, and whether it is far from the range
/// (else a percentage outside 0–100).
fn implausible(kr: &KeyResult) -> Option<(f64, Option<&Checkin>, bool)> {
    let span = span(kr);
    let (lo, hi) = (kr.baseline.min(kr.target), kr.baseline.max(kr.target));
    let percent = kr.unit.as_deref() == Some("%") && lo >= 0.0 && hi <= 100.0;
    (kr.current.map(|v| (v, None)).into_iter())
        .chain(kr.checkins.iter().map(|c| (c.value, Some(c))))
        .find_map(|(v, checkin)| {
            let far = v < lo - 10.0 * span || v > hi + 10.0 * span;
            (far || (percent && !(0.0..=100.0).contains(&v))).then_some((v, checkin, far))
        })
}

#[cfg(test)]
mod tests {
    use super::implausible;
    use crate::model::KeyResult;

    fn kr(baseline: f64, target: f64, current: f64) -> KeyResult {
        KeyResult {
            id: "k".into(),
            title: "K".into(),
            unit: None,
            direction: None,
            baseline,
            target,
            current: Some(current),
            confidence: None,
            checkins: Vec::new(),
            line: 1,
            confidence_line: 1,
            current_line: 1,
        }
    }

    #[test]
    fn a_value_ten_distances_out_is_implausible_however_small_the_numbers() {
        // A share typed as a percentage; a rating's fall; counts and large numbers.
        let value = |kr: KeyResult| implausible(&kr).map(|(v, ..)| v);
        assert_eq!(value(kr(0.31, 0.55, 4.1)), Some(4.1));
        assert_eq!(value(kr(0.31, 0.55, 0.6)), None);
        assert_eq!(value(kr(4.5, 4.6, 3.2)), None);
        assert_eq!(value(kr(2.0, 3.0, 12.0)), None);
        assert_eq!(value(kr(2.0, 3.0, 14.0)), Some(14.0));
        assert_eq!(value(kr(1000.0, 1010.0, 1200.0)), Some(1200.0));
    }

    #[test]
    fn a_percentage_past_100_is_implausible_only_where_its_range_is_within_0_to_100() {
        let value = |baseline, target, current| {
            let kr = KeyResult {
                unit: Some("%".into()),
                ..kr(baseline, target, current)
            };
            implausible(&kr).map(|(v, _, far)| (v, far))
        };
        // Near the range, so told as a percentage past 100; far from it, as far.
        assert_eq!(value(20.0, 40.0, 101.0), Some((101.0, false)));
        assert_eq!(value(20.0, 40.0, 410.0), Some((410.0, true)));
        assert_eq!(value(20.0, 40.0, -1.0), Some((-1.0, false)));
        // Net revenue retention from 105 % to 120 %.
        assert_eq!(value(105.0, 120.0, 112.0), None);
        assert_eq!(value(105.0, 120.0, 99.0), None);
    }
}
