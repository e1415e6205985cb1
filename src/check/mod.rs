//! `align check`: alignment rules that make drift visible. Each rule has an id, a default
//! severity and a paragraph in `docs/checks.md`; `align.toml`'s `[check.rules]` can raise,
//! lower or turn off any of them.

mod cycles;
mod decisions;
mod links;
mod okrs;
pub mod plans;
mod publishing;

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;

use crate::config::Config;
use crate::diag::{Diagnostic, Location, Severity};
use crate::graph::Graph;
use crate::model::Document;

/// A rule's id, its default severity and a one-line summary (the long form is in docs/checks.md).
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "broken-reference",
        severity: Severity::Error,
        summary: "a reference names no document, key result or heading",
    },
    Rule {
        id: "broken-anchor",
        severity: Severity::Warning,
        summary: "a link within a page names no heading, key result or id of that page",
    },
    Rule {
        id: "duplicate-id",
        severity: Severity::Error,
        summary: "two documents share an id or path id",
    },
    Rule {
        id: "case-clash",
        severity: Severity::Warning,
        summary: "two documents' pages differ only in case or in how accents are written, so one replaces the other where names ignore that",
    },
    Rule {
        id: "duplicate-number",
        severity: Severity::Warning,
        summary: "two decisions share a number, so their cited name leads to the first",
    },
    Rule {
        id: "duplicate-anchor",
        severity: Severity::Warning,
        summary: "a heading's written id (`{#id}`) is one its page holds already, so it is numbered",
    },
    Rule {
        id: "missing-file",
        severity: Severity::Warning,
        summary: "a link or image points at a local file that does not exist",
    },
    Rule {
        id: "shadowed-static-file",
        severity: Severity::Warning,
        summary: "a static file lies where a site writes a file of its own, so it is not copied there",
    },
    Rule {
        id: "unreadable-date",
        severity: Severity::Warning,
        summary: "an imported record's date could not be read and is kept as written",
    },
    Rule {
        id: "ambiguous-date",
        severity: Severity::Warning,
        summary: "an imported record's date reads as two different days; read day first",
    },
    Rule {
        id: "number-mismatch",
        severity: Severity::Warning,
        summary: "an imported record's title gives another number than its file name",
    },
    Rule {
        id: "unpublished-link",
        severity: Severity::Warning,
        summary: "an imported changelog links to a file of the repository that no site publishes",
    },
    Rule {
        id: "unread-changelog-entries",
        severity: Severity::Warning,
        summary: "bullets of an imported changelog stand under a heading that names no release",
    },
    Rule {
        id: "withheld-prose",
        severity: Severity::Warning,
        summary: "release prose of an imported changelog inside an audience block is left out",
    },
    Rule {
        id: "orphan-initiative",
        severity: Severity::Warning,
        summary: "an initiative drives no objective or key result",
    },
    Rule {
        id: "objective-without-key-results",
        severity: Severity::Warning,
        summary: "an objective has no key results",
    },
    Rule {
        id: "undriven-key-result",
        severity: Severity::Warning,
        summary: "no initiative drives a key result of an active objective",
    },
    Rule {
        id: "period-ended",
        severity: Severity::Warning,
        summary: "an active objective's period has ended",
    },
    Rule {
        id: "open-in-past-period",
        severity: Severity::Warning,
        summary: "an open initiative drives only objectives of ended periods",
    },
    Rule {
        id: "placeholder",
        severity: Severity::Warning,
        summary: "a document still holds a `TODO` placeholder",
    },
    Rule {
        id: "review-overdue",
        severity: Severity::Warning,
        summary: "a document's review_by date has passed",
    },
    Rule {
        id: "stale",
        severity: Severity::Warning,
        summary: "a document was not updated within the configured number of days",
    },
    Rule {
        id: "target-before-start",
        severity: Severity::Warning,
        summary: "an initiative's target date comes before its start",
    },
    Rule {
        id: "after-release",
        severity: Severity::Warning,
        summary: "an initiative targets a date after its release's date",
    },
    Rule {
        id: "release-overdue",
        severity: Severity::Warning,
        summary: "a release dated in the past is still planned",
    },
    Rule {
        id: "released-ahead-of-date",
        severity: Severity::Warning,
        summary: "a release marked released is dated after today",
    },
    Rule {
        id: "dependency-order",
        severity: Severity::Warning,
        summary: "an initiative ends after an initiative that depends on it starts",
    },
    Rule {
        id: "dependency-cycle",
        severity: Severity::Warning,
        summary: "initiatives depend on each other in a cycle",
    },
    Rule {
        id: "outside-period",
        severity: Severity::Warning,
        summary: "an initiative's dates lie outside its objective's period",
    },
    Rule {
        id: "superseded-without-successor",
        severity: Severity::Warning,
        summary: "a superseded decision has no accepted successor",
    },
    Rule {
        id: "decided-after-today",
        severity: Severity::Warning,
        summary: "a decided decision is dated after today",
    },
    Rule {
        id: "supersession-cycle",
        severity: Severity::Error,
        summary: "decisions supersede each other in a cycle",
    },
    Rule {
        id: "parent-cycle",
        severity: Severity::Warning,
        summary: "objectives or strategies are each other's parents in a cycle",
    },
    Rule {
        id: "supersedes-unaccepted",
        severity: Severity::Warning,
        summary: "a decision supersedes one that was never accepted",
    },
    Rule {
        id: "kr-target-equals-baseline",
        severity: Severity::Warning,
        summary: "a key result's target equals its baseline",
    },
    Rule {
        id: "kr-direction-mismatch",
        severity: Severity::Warning,
        summary: "a key result's direction goes against its baseline and target",
    },
    Rule {
        id: "kr-implausible-value",
        severity: Severity::Warning,
        summary: "a key result's value is outside any plausible range",
    },
    Rule {
        id: "confidence-out-of-range",
        severity: Severity::Error,
        summary: "a confidence is outside 0–1",
    },
    Rule {
        id: "checkin-outside-period",
        severity: Severity::Warning,
        summary: "a check-in is dated outside its objective's period",
    },
    Rule {
        id: "checkin-after-today",
        severity: Severity::Warning,
        summary: "a check-in is dated after today",
    },
    Rule {
        id: "too-many-key-results",
        severity: Severity::Warning,
        summary: "an objective has more than five key results",
    },
    Rule {
        id: "public-links-internal",
        severity: Severity::Warning,
        summary: "a public document references one its public site does not show",
    },
    Rule {
        id: "superseded-by-internal",
        severity: Severity::Warning,
        summary: "a public decision is superseded by one its public site does not show",
    },
    Rule {
        id: "empty-public-home",
        severity: Severity::Warning,
        summary: "a public site's home page would be empty",
    },
    Rule {
        id: "release-without-public-changes",
        severity: Severity::Warning,
        summary: "a public site shows a release that went out but none of its changes",
    },
    Rule {
        id: "unknown-audience",
        severity: Severity::Warning,
        summary: "an audience that no site lists, so nothing shows what it marks",
    },
    Rule {
        id: "raw-html-limits",
        severity: Severity::Warning,
        summary: "a body holds more raw HTML than align sanitises, so it is shown as text",
    },
    Rule {
        id: "duplicate-version",
        severity: Severity::Warning,
        summary: "two releases have the same version",
    },
    Rule {
        id: "release-date-order",
        severity: Severity::Warning,
        summary: "a release is dated after a higher version",
    },
    Rule {
        id: "change-without-category",
        severity: Severity::Warning,
        summary: "a change in a released release has no category",
    },
    Rule {
        id: "breaking-in-minor-release",
        severity: Severity::Warning,
        summary: "a breaking change ships in a minor or patch release of a semver product",
    },
];

/// `[check]` in align.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// A document not updated for this many days is stale (needs `updated` or `created`).
    #[serde(default = "default_stale_days")]
    pub stale_after_days: u32,
    /// Rule id → `error`, `warning` or `off`.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            stale_after_days: default_stale_days(),
            rules: BTreeMap::new(),
        }
    }
}

fn default_stale_days() -> u32 {
    180
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// What every rule reads.
pub struct Ctx<'a> {
    pub dir: &'a Path,
    /// The local files documents link to, which the sites that show them publish.
    pub assets: &'a [crate::project::Asset],
    pub config: &'a Config,
    pub docs: &'a [Document],
    pub graph: &'a Graph,
    pub today: Date,
}

impl Ctx<'_> {
    /// A finding at the date of document `doc`, marked `status` (done: released, decided)
    /// but dated after today, when it is; `shows` says what lists it done already.
    fn done_ahead(
        &self,
        rule: &'static str,
        doc: usize,
        status: &str,
        shows: &str,
        help: &str,
    ) -> Option<Diagnostic> {
        let date = self.docs[doc]
            .main_date()
            .filter(|&date| date > self.today)?;
        let (name, today) = (self.name(doc), self.today);
        let message = format!(
            "{} {name} is {status}, but dated {date}, after today ({today}): {shows}, on that date",
            self.docs[doc].kind.as_str()
        );
        Some(self.at(rule, doc, "date", message).with_help(help))
    }

    /// A finding at a field of a document (its line, else the top of the file).
    fn at(&self, rule: &'static str, doc: usize, field: &str, message: String) -> Diagnostic {
        let d = &self.docs[doc];
        self.at_line(rule, doc, d.field_line(field), message)
    }

    /// At the place a reference is written (the document that holds it, which for a
    /// relation written on its other end is not the edge's source).
    fn at_edge(
        &self,
        rule: &'static str,
        edge: &crate::graph::Edge,
        message: String,
    ) -> Diagnostic {
        Diagnostic::warning(self.edge_location(edge), message).with_rule(rule)
    }

    /// Where a reference is written: in the document that holds it, at its line and column.
    fn edge_location(&self, edge: &crate::graph::Edge) -> Location {
        let path = self.dir.join(&self.docs[edge.written_in].source);
        Location::new(path, edge.line, edge.col)
    }

    fn at_line(&self, rule: &'static str, doc: usize, line: usize, message: String) -> Diagnostic {
        let location = Location::new(self.dir.join(&self.docs[doc].source), line, 1);
        Diagnostic::warning(location, message).with_rule(rule)
    }

    /// `diag` with the place a reference is written as related location.
    fn related_edge(&self, diag: Diagnostic, edge: &crate::graph::Edge, note: &str) -> Diagnostic {
        diag.with_related(self.edge_location(edge), note)
    }

    /// Adds "the other document" as a related location.
    fn related(&self, diag: Diagnostic, other: usize, field: &str, note: &str) -> Diagnostic {
        let d = &self.docs[other];
        let location = Location::new(self.dir.join(&d.source), d.field_line(field), 1);
        diag.with_related(location, note)
    }

    fn name(&self, doc: usize) -> String {
        let d = &self.docs[doc];
        match &d.id {
            Some(id) => format!("{id} ({})", d.title),
            None => format!("`{}` ({})", d.path_id, d.title),
        }
    }

    fn status(&self, doc: usize) -> Option<&str> {
        self.graph.status[doc].as_deref()
    }

    fn is_open(&self, doc: usize) -> bool {
        !matches!(self.status(doc), Some("shipped" | "cancelled"))
    }
}

/// `a`, `a and b`, `a, b and c`: names in a finding's message, or a view's.
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// Runs every rule and applies the configured severities.
pub fn run(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let rules: [fn(&Ctx<'_>) -> Vec<Diagnostic>; 15] = [
        plans::orphans,
        okrs::structure,
        plans::periods,
        plans::staleness,
        plans::placeholders,
        plans::schedule,
        decisions::lifecycle,
        cycles::cycles,
        okrs::sanity,
        publishing::leaks,
        publishing::audiences,
        publishing::changelog,
        publishing::raw_html,
        links::own_anchors,
        publishing::shadowed_statics,
    ];
    // The rules are independent; their findings keep this order.
    let found: Vec<Diagnostic> = rules
        .par_iter()
        .map(|rule| rule(ctx))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    apply_levels(found, &ctx.config.check)
}

/// Sets each diagnostic's severity from `[check.rules]`, dropping rules turned off. Also
/// applies to rule-tagged diagnostics from loading (broken references, duplicate ids).
pub fn apply_levels(diags: Vec<Diagnostic>, config: &CheckConfig) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter_map(|mut d| {
            let Some(rule) = d.rule else { return Some(d) };
            let default = RULES
                .iter()
                .find(|r| r.id == rule)
                .map_or(d.severity, |r| r.severity);
            d.severity = match config.rules.get(rule) {
                Some(Level::Off) => return None,
                Some(Level::Error) => Severity::Error,
                Some(Level::Warning) => Severity::Warning,
                None if d.severity == Severity::Error => Severity::Error,
                None => default,
            };
            Some(d)
        })
        .collect()
}

/// Unknown rule ids in `[check.rules]`, for config validation.
pub fn unknown_rules(config: &CheckConfig) -> Vec<String> {
    config
        .rules
        .keys()
        .filter(|k| !RULES.iter().any(|r| r.id == k.as_str()))
        .cloned()
        .collect()
}

/// The rule whose id is nearest to `written` (a typo of it), if one is near enough.
pub fn nearest_rule(written: &str) -> Option<&'static str> {
    crate::diag::nearest(written, RULES.iter().map(|rule| rule.id), |id| {
        2.max(id.len() / 4)
    })
}

/// The stable JSON shape of a diagnostic (documented in docs/checks.md).
#[derive(serde::Serialize)]
pub struct JsonDiagnostic<'a> {
    pub rule: Option<&'a str>,
    pub severity: &'a str,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub related: Vec<JsonRelated<'a>>,
}

#[derive(serde::Serialize)]
pub struct JsonRelated<'a> {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
}

pub fn to_json(diags: &[Diagnostic]) -> String {
    let list: Vec<JsonDiagnostic<'_>> = diags
        .iter()
        .map(|d| JsonDiagnostic {
            rule: d.rule,
            severity: d.severity.as_str(),
            path: d.location.path.display().to_string(),
            line: d.location.line,
            column: d.location.col,
            message: &d.message,
            help: d.help.as_deref(),
            related: d
                .related
                .iter()
                .map(|r| JsonRelated {
                    path: r.location.path.display().to_string(),
                    line: r.location.line,
                    column: r.location.col,
                    message: &r.message,
                })
                .collect(),
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_string())
}
