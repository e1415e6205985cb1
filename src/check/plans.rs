//! Rules about initiatives and plans: orphans, ended periods, staleness and schedules.

use super::{Ctx, join_and};
use crate::diag::Diagnostic;
use crate::graph::Cycles;
use crate::model::{Document, Kind, RelKind};
use jiff::civil::Date;

pub fn orphans(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        // A `drives` written but not resolved (its objective failed to load, or is named
        // wrong) is reported as that: the initiative says why it is worth doing.
        if doc.kind == Kind::Initiative
            && ctx.status(i) != Some("cancelled")
            && ctx.graph.out_of(i, RelKind::Drives).next().is_none()
            && !doc.refs.iter().any(|r| r.kind == RelKind::Drives)
        {
            let message = format!(
                "initiative {} drives no objective or key result: nothing says why it is worth doing",
                ctx.name(i)
            );
            out.push(
                ctx.at("orphan-initiative", i, "drives", message)
                    .with_help("add `drives = [\"<objective id>#<kr id>\"]`"),
            );
        }
    }
    out
}

pub fn periods(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        match doc.kind {
            Kind::Objective if ctx.status(i) == Some("active") => {
                if let Some(period) = doc.period.filter(|p| p.end() < ctx.today) {
                    let message = format!(
                        "objective {} is still active but its period {period} ended on {}",
                        ctx.name(i),
                        period.end()
                    );
                    out.push(
                        ctx.at("period-ended", i, "status", message)
                            .with_help("close it (`status = \"closed\"`) and score it"),
                    );
                }
            }
            Kind::Initiative if ctx.is_open(i) => out.extend(open_in_past(ctx, i)),
            _ => {}
        }
    }
    out
}

fn open_in_past(ctx: &Ctx<'_>, i: usize) -> Option<Diagnostic> {
    let driven: Vec<usize> = ctx
        .graph
        .out_of(i, RelKind::Drives)
        .map(|e| e.to.doc)
        .collect();
    let ended = |o: &usize| ctx.docs[*o].period.is_some_and(|p| p.end() < ctx.today);
    if driven.is_empty() || !driven.iter().all(ended) {
        return None;
    }
    let objective = driven[0];
    let period = ctx.docs[objective].period?;
    let message = format!(
        "initiative {} is still {} but every objective it drives belongs to an ended period (e.g. {} in {period})",
        ctx.name(i),
        ctx.status(i).unwrap_or("open"),
        ctx.name(objective)
    );
    let diag = ctx.at("open-in-past-period", i, "drives", message);
    Some(ctx.related(diag, objective, "period", "the objective's period"))
}

/// Documents that still hold the `TODO` prompts `align new` writes (or any `TODO` in a
/// field or at the start of a body line): one finding per document, at the first of them,
/// naming every field that holds one and counting the body's lines.
pub fn placeholders(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let default = ctx.config.default_audience();
    let mut out = Vec::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        // Records in another tool's format are history, kept as they were written. A
        // field holds a placeholder only where the frontmatter spells `TODO`: the fields
        // of the others, scattered over the heap, are not read on every check.
        if doc.imported || (!doc.todo_in_frontmatter && doc.placeholder_lines.is_empty()) {
            continue;
        }
        // Not the title or tags, which `align new` never fills with a prompt and where
        // "TODO" is more likely a name ("TODO list conventions").
        let single = [
            ("summary", doc.summary.as_ref()),
            ("public_title", doc.public_title.as_ref()),
            ("public_summary", doc.public_summary.as_ref()),
            ("horizon", doc.horizon.as_ref()),
            ("rationale", doc.rationale.as_ref()),
            ("version", doc.version.as_ref()),
            ("team", doc.team.as_ref()),
        ];
        let lists = [
            ("owners", &doc.owners),
            ("deciders", &doc.deciders),
            ("consulted", &doc.consulted),
            ("informed", &doc.informed),
        ];
        // (line, what) of every placeholder found.
        let mut found: Vec<(usize, String)> = Vec::new();
        for (field, value) in single {
            if value.is_some_and(|v| crate::load::is_placeholder(v)) {
                found.push((doc.field_line(field), format!("`{field}`")));
            }
        }
        for (field, values) in lists {
            if values.iter().any(|v| crate::load::is_placeholder(v)) {
                found.push((doc.field_line(field), format!("`{field}`")));
            }
        }
        for kr in &doc.key_results {
            if crate::load::is_placeholder(&kr.title) {
                found.push((kr.line, format!("key result `{}`", kr.id)));
            }
        }
        let body = &doc.placeholder_lines;
        if let Some(&first) = body.first() {
            let lines = if body.len() == 1 { "line" } else { "lines" };
            found.push((
                doc.body_line + first,
                format!("{} {lines} of the body", body.len()),
            ));
        }
        found.sort_by_key(|(line, _)| *line);
        let Some(&(line, _)) = found.first() else {
            continue;
        };
        let places: Vec<String> = found.into_iter().map(|(_, what)| what).collect();
        let public: Vec<String> = ctx
            .config
            .sites
            .iter()
            .filter(|(_, site)| site.public && crate::audience::may_show(doc, site, &default))
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        let shown = match public.len() {
            0 => String::new(),
            1 => format!(", and the public site {} shows it", public[0]),
            _ => format!(", and the public sites {} show it", join_and(&public)),
        };
        let message = format!(
            "{} still holds `TODO` placeholders: {}{shown}",
            ctx.name(i),
            join_and(&places)
        );
        out.push(ctx.at_line("placeholder", i, line, message).with_help(
            "fill them in, or remove what does not apply (`align new` writes them as prompts)",
        ));
    }
    out
}

/// Whether a document of this (effective) status is done with: no review is due of it.
fn finished(status: Option<&str>) -> bool {
    matches!(
        status,
        Some(
            "closed"
                | "cancelled"
                | "retired"
                | "shipped"
                | "released"
                | "superseded"
                | "rejected"
                | "deprecated"
                | "yanked"
        )
    )
}

/// The day a document of `status` (its effective status on a site) was due for review,
/// when that has passed by `today` (`review-overdue`).
fn review_due(doc: &Document, status: Option<&str>, today: Date) -> Option<Date> {
    let due = doc.review_by.filter(|d| *d < today)?;
    (!doc.imported && !finished(status)).then_some(due)
}

/// The day a release of `status` was planned for, when it is still planned (without a
/// status, a release is planned, see the release plan) and that day has passed by `today`
/// (`release-overdue`).
pub fn release_late(doc: &Document, status: Option<&str>, today: Date) -> Option<Date> {
    if doc.kind != Kind::Release || crate::model::release_shipped(status) {
        return None;
    }
    doc.main_date().filter(|d| *d < today)
}

/// What a page's header says is late about a document of `status` by `today`, as the
/// checks find it: `review overdue`, `late` (a release still planned past its date).
pub fn overdue(doc: &Document, status: Option<&str>, today: Date) -> Vec<&'static str> {
    let review = review_due(doc, status, today).map(|_| "review overdue");
    let release = release_late(doc, status, today).map(|_| "late");
    review.into_iter().chain(release).collect()
}

pub fn staleness(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let days = i64::from(ctx.config.check.stale_after_days);
    // A window past the calendar's end (`stale_after_days = 4000000000`), or a limit past
    // it, is never reached: nothing goes stale.
    let window = jiff::Span::new().try_days(days).ok();
    for (i, doc) in ctx.docs.iter().enumerate() {
        if doc.imported || finished(ctx.status(i)) {
            continue;
        }
        if let Some(due) = review_due(doc, ctx.status(i), ctx.today) {
            let message = format!("{} was due for review on {due}", ctx.name(i));
            out.push(
                ctx.at("review-overdue", i, "review_by", message)
                    .with_help("review it, then move `review_by` forward"),
            );
            continue;
        }
        // A change records what happened; it does not go stale (a `review_by` written
        // on one is checked above). A document with a review date to come is on a
        // review cycle, which `review-overdue` watches instead.
        if doc.kind == Kind::Change || doc.review_by.is_some() {
            continue;
        }
        let (field, last) = match (doc.updated, doc.created) {
            (Some(u), _) => ("updated", u),
            (None, Some(c)) => ("created", c),
            _ => continue,
        };
        let limit = window.and_then(|span| last.checked_add(span).ok());
        if limit.is_some_and(|limit| limit < ctx.today) {
            let name = ctx.name(i);
            let message = match field {
                "updated" => {
                    format!("{name} was last updated on {last}, more than {days} days ago")
                }
                _ => format!(
                    "{name} was created on {last}, more than {days} days ago, and has no `updated` date since"
                ),
            };
            out.push(
                ctx.at("stale", i, field, message)
                    .with_help("review it and set `updated`, or raise [check] stale_after_days"),
            );
        }
    }
    out
}

pub fn schedule(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Initiatives that wait for each other get `dependency-cycle`; no order of dates
    // could satisfy them.
    let cycles = ctx.graph.cycles(RelKind::DependsOn);
    for (i, doc) in ctx.docs.iter().enumerate() {
        match doc.kind {
            Kind::Initiative => {
                out.extend(target_before_start(ctx, i));
                out.extend(after_release(ctx, i));
                out.extend(dependency_order(ctx, i, &cycles));
                out.extend(outside_period(ctx, i));
            }
            Kind::Release => {
                if let Some(date) = release_late(doc, ctx.status(i), ctx.today) {
                    let still = match doc.status {
                        Some(_) => "is still planned",
                        None => "has no status, so it counts as planned",
                    };
                    let message = format!(
                        "release {} is dated {date}, which has passed, but {still}",
                        ctx.name(i)
                    );
                    out.push(
                        ctx.at("release-overdue", i, "date", message)
                            .with_help("mark it released, or move its date"),
                    );
                }
                // Released, but on a day still to come: the changelog and its feed have it
                // already, under that day.
                let status = ctx.status(i);
                if crate::model::release_shipped(status) {
                    out.extend(ctx.done_ahead(
                        "released-ahead-of-date",
                        i,
                        &format!("marked {}", status.unwrap_or_default()),
                        "the changelog and its feed list it already",
                        "correct the date, or keep it planned until it ships",
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// Dates written the wrong way round: the timeline can only draw such an initiative as a
/// point at its start, and every rule that reads its span reads nonsense.
fn target_before_start(ctx: &Ctx<'_>, i: usize) -> Option<Diagnostic> {
    let doc = &ctx.docs[i];
    let (start, target) = (doc.start?, doc.target?);
    if target >= start {
        return None;
    }
    let message = format!(
        "initiative {} targets {target}, before its start on {start}",
        ctx.name(i)
    );
    let diag = ctx
        .at("target-before-start", i, "target", message)
        .with_help("swap the two dates, or correct the one that is wrong");
    Some(ctx.related(diag, i, "start", "its start"))
}

fn after_release(ctx: &Ctx<'_>, i: usize) -> Option<Diagnostic> {
    let target = ctx.docs[i].target?;
    let edge = ctx.graph.out_of(i, RelKind::Release).next()?;
    let release_date = ctx.docs[edge.to.doc].main_date()?;
    if target <= release_date || !ctx.is_open(i) {
        return None;
    }
    let message = format!(
        "initiative {} targets {target}, after its release {} on {release_date}",
        ctx.name(i),
        ctx.name(edge.to.doc)
    );
    Some(ctx.related(
        ctx.at("after-release", i, "target", message),
        edge.to.doc,
        "date",
        "the release date",
    ))
}

/// `i` depends on `dep`: `dep` must end before `i` starts, unless it has ended already
/// (shipped, whatever its target said) or will not (cancelled).
fn dependency_order(ctx: &Ctx<'_>, i: usize, cycles: &Cycles) -> Vec<Diagnostic> {
    let Some(start) = ctx.docs[i].start.filter(|_| ctx.is_open(i)) else {
        return Vec::new();
    };
    ctx.graph
        .out_of(i, RelKind::DependsOn)
        .filter_map(|edge| {
            let dep = edge.to.doc;
            if !ctx.is_open(dep) || cycles.together(i, dep) {
                return None;
            }
            let end = ctx.docs[dep].target.filter(|t| *t > start)?;
            let message = format!(
                "initiative {} starts on {start} but depends on {}, which ends on {end}",
                ctx.name(i),
                ctx.name(dep)
            );
            let diag = ctx.at_edge("dependency-order", edge, message);
            Some(ctx.related(diag, dep, "target", "the dependency's target"))
        })
        .collect()
}

fn outside_period(ctx: &Ctx<'_>, i: usize) -> Vec<Diagnostic> {
    let doc = &ctx.docs[i];
    if !ctx.is_open(i) {
        return Vec::new();
    }
    if doc.start.is_none() && doc.target.is_none() {
        return Vec::new();
    }
    // A date not set leaves that end open: work that has started and has no target yet
    // may run into the period, as may work due after it whose start is not set.
    let from = doc.start.unwrap_or(jiff::civil::Date::MIN);
    let to = doc.target.unwrap_or(jiff::civil::Date::MAX);
    let mut seen = Vec::new();
    ctx.graph
        .out_of(i, RelKind::Drives)
        .filter_map(|edge| {
            let objective = edge.to.doc;
            if seen.contains(&objective) {
                return None;
            }
            seen.push(objective);
            let period = ctx.docs[objective].period?;
            if to >= period.start() && from <= period.end() {
                return None;
            }
            let when = match (doc.start, doc.target) {
                (Some(_), Some(_)) => format!("runs {from} to {to}"),
                (Some(_), None) => format!("starts on {from}"),
                _ => format!("is due on {to}"),
            };
            let message = format!(
                "initiative {} {when}, outside the period {period} of the objective it drives, {}",
                ctx.name(i),
                ctx.name(objective)
            );
            let diag = ctx.at_edge("outside-period", edge, message);
            Some(ctx.related(diag, objective, "period", "the objective's period"))
        })
        .collect()
}
