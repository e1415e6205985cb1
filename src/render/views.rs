//! The audience views: the exec roadmap, the team release plan, the public changelog with
//! its Atom feed, and the decision log. Built from site views only, like every page.

use std::collections::{BTreeMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use super::Input;
use super::context::{NavItem, SiteCtx};
use super::engine::Shared;
use super::lists::Facet;
use crate::audience::{ChangeItem, ChangeLines, DocView, SiteView};
use crate::graph::Graph;
use crate::model::{Category, Kind, Period, RelKind};

mod timeline;

pub use timeline::Timeline;

#[derive(Serialize)]
pub struct Pillar<'a> {
    pub strategy: Option<&'a DocView>,
    #[serde(serialize_with = "crate::audience::as_docs")]
    pub objectives: Vec<&'a DocView>,
}

/// At most this many cards per board column, timeline rows and risks; the rest are
/// counted and linked, so a large organisation's roadmap stays readable.
const VIEW_LIMIT: usize = 40;

#[derive(Serialize)]
pub struct Column<'a> {
    pub horizon: &'static str,
    pub label: &'static str,
    /// How many initiatives the column holds: those shown and the `more` past them.
    pub count: usize,
    pub more: usize,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub items: Vec<&'a DocView>,
}

#[derive(Serialize)]
pub struct Risk<'a> {
    #[serde(serialize_with = "crate::audience::as_item")]
    pub doc: &'a DocView,
    pub reasons: Vec<String>,
}

#[derive(Serialize)]
pub struct UndrivenKr<'a> {
    /// An item, not the whole objective: an objective with many undriven key results
    /// would be copied into the context once for each.
    #[serde(serialize_with = "crate::audience::as_item")]
    pub objective: &'a DocView,
    pub kr: crate::audience::KeyResultOf<'a>,
}

#[derive(Serialize)]
pub struct RoadmapCtx<'a> {
    pub site: &'a SiteCtx,
    pub root: &'a str,
    pub today: String,
    pub period: Option<String>,
    pub pillars: Vec<Shared<Pillar<'a>>>,
    pub board: Vec<Column<'a>>,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub shipped: Vec<&'a DocView>,
    pub timeline: Option<Timeline>,
    #[serde(serialize_with = "crate::audience::as_docs")]
    pub decisions: Vec<&'a DocView>,
    pub risks: Vec<Risk<'a>>,
    pub more_risks: usize,
    #[serde(serialize_with = "undriven_ahead")]
    pub undriven: Vec<UndrivenKr<'a>>,
}

/// The undriven key results, each objective's view asked for ahead (thousands of them
/// in a large project, in no order of where their objectives are in memory). Only the
/// objective's item is read, and one key result: asking for every key result of the
/// objective for each of them made an objective of 20,000 undriven key results
/// quadratic.
fn undriven_ahead<S: serde::Serializer>(
    undriven: &[UndrivenKr<'_>],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(crate::audience::ahead_of(
        undriven,
        |u| u.objective,
        crate::audience::Reads::Item,
    ))
}

#[derive(Serialize)]
pub struct ReleaseBlock<'a> {
    #[serde(serialize_with = "crate::audience::as_item")]
    pub doc: &'a DocView,
    /// Still planned past its date, on an internal site.
    pub late: bool,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub initiatives: Vec<&'a DocView>,
    /// Whether any initiative shows owners (public sites strip them).
    pub owners: bool,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub changes: Vec<&'a DocView>,
}

#[derive(Serialize)]
pub struct ReleasePlanCtx<'a> {
    pub site: &'a SiteCtx,
    pub root: &'a str,
    pub upcoming: Vec<Shared<ReleaseBlock<'a>>>,
    pub released: Vec<Shared<ReleaseBlock<'a>>>,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub unreleased_initiatives: Vec<&'a DocView>,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub unreleased_changes: Vec<&'a DocView>,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub decisions: Vec<&'a DocView>,
    pub decision_statuses: Vec<NavItem>,
    pub teams: Vec<NavItem>,
    pub owners: Vec<NavItem>,
}

#[derive(Serialize)]
pub struct CategoryGroup<'a> {
    pub label: String,
    #[serde(serialize_with = "crate::audience::as_change_items")]
    pub items: Vec<ChangeItem<'a>>,
}

#[derive(Serialize)]
pub struct ChangelogRelease<'a> {
    #[serde(serialize_with = "crate::audience::as_item")]
    pub doc: &'a DocView,
    pub groups: Vec<CategoryGroup<'a>>,
    pub breaking: bool,
    /// The id of the release's heading, made of its version (`v2-0-0-rc-1`), so that a
    /// link to it keeps leading there as releases come: see [`release_anchors`].
    pub anchor: String,
}

#[derive(Serialize)]
pub struct ChangelogCtx<'a> {
    pub site: &'a SiteCtx,
    pub root: &'a str,
    pub releases: Vec<Shared<ChangelogRelease<'a>>>,
    pub unreleased: Option<Vec<CategoryGroup<'a>>>,
    /// Where the code host lists every change since the last release: the imported
    /// changelog's `[Unreleased]` link, on a site that shows unreleased changes.
    pub unreleased_link: Option<&'a str>,
}

#[derive(Serialize)]
pub struct DecisionsCtx<'a> {
    pub site: &'a SiteCtx,
    pub root: &'a str,
    #[serde(serialize_with = "crate::audience::as_decision_cards")]
    pub accepted: Vec<&'a DocView>,
    #[serde(serialize_with = "crate::audience::as_items")]
    pub all: Vec<&'a DocView>,
    pub statuses: Vec<NavItem>,
}

/// What the views read: the site's documents and the graph, for relations between them.
pub struct ViewData<'a> {
    pub view: &'a SiteView<'a>,
    pub graph: &'a Graph,
    pub config: &'a crate::config::Config,
    pub docs: &'a [crate::model::Document],
    pub today: Date,
    pub unreleased_link: Option<&'a str>,
}

impl<'a> ViewData<'a> {
    pub fn new(input: &'a Input<'a>) -> Self {
        ViewData {
            view: input.view,
            graph: input.graph,
            config: input.config,
            docs: input.docs,
            today: input.today,
            unreleased_link: input.unreleased_link,
        }
    }

    fn of_kind(&self, kind: Kind) -> Vec<&'a DocView> {
        self.view.of_kind(kind).collect()
    }

    /// Visible documents at the other end of edges of `kind` arriving at `doc`.
    fn incoming(&self, doc: usize, kind: RelKind) -> Vec<&'a DocView> {
        self.graph
            .into(doc, kind)
            .filter_map(|e| self.view.view(e.from))
            .collect()
    }

    /// Changes as the imported changelog writes them: its entries by their line there
    /// (one in an audience block stands among the others, not after them, where its
    /// name puts it), each in a place one of them held; other changes keep theirs.
    fn in_written_order(&self, changes: &mut [&'a DocView]) {
        crate::model::in_written_order(changes, |d| self.docs[d.index].changelog_line());
    }

    fn outgoing(&self, doc: usize, kind: RelKind) -> Vec<(&'a DocView, Option<usize>)> {
        self.graph
            .out_of(doc, kind)
            .filter_map(|e| self.view.view(e.to.doc).map(|v| (v, e.to.kr)))
            .collect()
    }

    /// The period the roadmap shows: configured, else the quarter of today when the site
    /// shows objectives for it (or for its half or year), else the latest period with
    /// active objectives, else the latest with any. A cancelled objective, which the
    /// roadmap leaves out, chooses no period.
    pub fn current_period(&self) -> Option<Period> {
        if let Some(p) = self
            .config
            .current_period
            .as_deref()
            .and_then(|p| p.parse().ok())
        {
            return Some(p);
        }
        let mut objectives = self.of_kind(Kind::Objective);
        objectives.retain(|o| o.status.as_deref() != Some("cancelled"));
        let quarter = Period::quarter_of(self.today);
        if objectives.iter().any(|o| {
            self.docs[o.index]
                .period
                .is_some_and(|p| covers(p, quarter))
        }) {
            return Some(quarter);
        }
        let latest = |active_only: bool| {
            objectives
                .iter()
                .filter(|o| !active_only || o.status.as_deref() == Some("active"))
                .filter_map(|o| self.docs[o.index].period)
                .max_by_key(|p| (p.end(), p.part))
        };
        latest(true).or_else(|| latest(false))
    }

    pub fn roadmap(&self, site: &'a SiteCtx, root: &'a str) -> RoadmapCtx<'a> {
        let period = self.current_period();
        // A cancelled objective is no part of the period's plan.
        let objectives: Vec<&DocView> = self
            .of_kind(Kind::Objective)
            .into_iter()
            .filter(|o| o.status.as_deref() != Some("cancelled"))
            .filter(|o| {
                period.is_some_and(|current| {
                    self.docs[o.index]
                        .period
                        .is_some_and(|p| covers(p, current))
                })
            })
            .collect();
        let initiatives = self.of_kind(Kind::Initiative);
        let mut decisions: Vec<&DocView> = self
            .of_kind(Kind::Decision)
            .into_iter()
            .filter(|d| d.status.as_deref() == Some("accepted"))
            // Recent: made by today. One dated later is in the decision log, not here.
            .filter(|d| d.day.is_none_or(|day| day <= self.today))
            .collect();
        decisions.sort_by(|a, b| b.day.cmp(&a.day).then(b.number.cmp(&a.number)));
        decisions.truncate(6);
        // Recently: targeted within the last 90 days (or later, shipped early). Work
        // shipped long ago, or with no target to say when, is not news.
        let since = (self.today.checked_sub(jiff::Span::new().days(90)))
            .unwrap_or(self.today)
            .to_string();
        let mut shipped: Vec<&DocView> = initiatives
            .iter()
            .copied()
            .filter(|d| d.status.as_deref() == Some("shipped"))
            .filter(|d| d.target.as_deref().is_some_and(|t| t >= since.as_str()))
            .collect();
        shipped.sort_by(|a, b| b.target.cmp(&a.target));
        shipped.truncate(6);
        // Risks are the plan's own weak spots, for the people who run it: a public site's
        // roadmap shows what is planned, not where the plan is thin.
        let internal = !self.view.config.public;
        let risks = if internal {
            self.risks(&initiatives, &objectives)
        } else {
            Vec::new()
        };
        RoadmapCtx {
            site,
            root,
            today: self.today.to_string(),
            period: period.map(|p| p.to_string()),
            pillars: self
                .pillars(&objectives)
                .into_iter()
                .map(Shared::new)
                .collect(),
            board: board(&initiatives),
            shipped,
            timeline: Timeline::build(self, &initiatives),
            decisions,
            more_risks: risks.len().saturating_sub(VIEW_LIMIT),
            risks: risks.into_iter().take(VIEW_LIMIT).collect(),
            // As the `undriven-key-result` rule has them: key results of active objectives
            // only; a draft, closed or cancelled objective is no plan to staff.
            undriven: (if internal { objectives.as_slice() } else { &[] })
                .iter()
                .filter(|o| o.status.as_deref() == Some("active") && !o.driven_whole)
                .flat_map(|o| {
                    o.key_results
                        .iter()
                        .enumerate()
                        .filter(|(_, kr)| !kr.moved)
                        .map(move |(k, _)| UndrivenKr {
                            objective: o,
                            kr: crate::audience::KeyResultOf(o, k),
                        })
                })
                .collect(),
        }
    }

    /// Objectives grouped under the strategy their why chain reaches: the pillars are the
    /// strategies under no other the site shows (a sub-strategy's objectives are its
    /// pillar's), less the draft and retired ones that hold no objective this period.
    fn pillars(&self, objectives: &[&'a DocView]) -> Vec<Pillar<'a>> {
        let strategies: Vec<&DocView> = self
            .of_kind(Kind::Strategy)
            .into_iter()
            .filter(|s| !s.why.iter().flatten().any(|link| link.kind() == "strategy"))
            .collect();
        let mut pillars: Vec<Pillar<'a>> = strategies
            .iter()
            .map(|s| Pillar {
                strategy: Some(s),
                objectives: Vec::new(),
            })
            .collect();
        let mut other = Vec::new();
        for objective in objectives {
            let reached = objective
                .why
                .iter()
                .filter_map(|chain| chain.last())
                .find(|link| link.kind() == "strategy")
                .and_then(|link| {
                    pillars
                        .iter()
                        .position(|p| p.strategy.is_some_and(|s| *s.url == *link.url()))
                });
            match reached {
                Some(i) => pillars[i].objectives.push(objective),
                None => other.push(*objective),
            }
        }
        pillars.retain(|p| {
            !p.objectives.is_empty()
                || !p
                    .strategy
                    .is_some_and(|s| matches!(s.status.as_deref(), Some("draft" | "retired")))
        });
        if !other.is_empty() {
            pillars.push(Pillar {
                strategy: None,
                objectives: other,
            });
        }
        pillars
    }

    /// Initiatives at risk; `objectives` are the roadmap's, those of the current period
    /// whose key results an initiative driving one off track puts at risk.
    fn risks(&self, initiatives: &[&'a DocView], objectives: &[&DocView]) -> Vec<Risk<'a>> {
        // Looked up once per relation: a list of them made the roadmap quadratic.
        let planned: HashSet<usize> = objectives.iter().map(|o| o.index).collect();
        let today = self.today.to_string();
        // Initiatives that wait on each other among those the site shows: a circle
        // through one it hides is none here (its place in it would name it).
        let cycles = (self.graph).cycles_among(RelKind::DependsOn, |d| self.view.view(d).is_some());
        initiatives
            .iter()
            .filter(|d| !matches!(d.status.as_deref(), Some("shipped" | "cancelled")))
            .filter_map(|d| {
                let reasons = self.risk_reasons(d, &planned, &today, &cycles);
                (!reasons.is_empty()).then_some(Risk { doc: d, reasons })
            })
            .collect()
    }

    /// Why `doc` is at risk; `planned` are the indexes of the roadmap's objectives, and
    /// `today` the date as `target`s are written.
    fn risk_reasons(
        &self,
        doc: &DocView,
        planned: &HashSet<usize>,
        today: &str,
        cycles: &crate::graph::Cycles,
    ) -> Vec<String> {
        let mut reasons = Vec::new();
        if doc.status.as_deref() == Some("on-hold") {
            reasons.push("on hold".to_string());
        }
        if let (Some(first), Some(now)) = (&doc.slipped_from, &doc.target) {
            reasons.push(format!(
                "slipped {}× (first planned for {first}, now {now})",
                doc.slips
            ));
        }
        if doc.target.as_deref().is_some_and(|t| t < today) {
            reasons.push(format!(
                "past its target date ({})",
                doc.target.as_deref().unwrap_or_default()
            ));
        }
        // Work that waits on itself through others never starts.
        if let Some(group) = cycles.group[doc.index] {
            let cycle = &cycles.cycles[group];
            // From this one round: `A → B → A` on A's row, `B → A → B` on B's; one of the
            // group off that circle waits on it all the same.
            let at = cycle.iter().position(|&d| d == doc.index);
            let from = at.unwrap_or_default();
            let titles: Vec<&str> = (cycle[from..].iter().chain(&cycle[..from]))
                .filter_map(|&d| self.view.view(d).map(|v| v.title.as_str()))
                .collect();
            let circle: Vec<String> = (titles.iter().chain(titles.first()))
                .map(|t| format!("“{t}”"))
                .collect();
            reasons.push(match (at, titles.len()) {
                (Some(_), 1) => "blocked: depends on itself".to_string(),
                (Some(_), _) => format!(
                    "blocked: its dependencies wait on each other ({})",
                    circle.join(" → ")
                ),
                (None, _) => format!(
                    "blocked: depends on work that waits on each other ({})",
                    circle.join(" → ")
                ),
            });
        }
        for (dep, _) in self.outgoing(doc.index, RelKind::DependsOn) {
            match dep.status.as_deref() {
                Some(status @ ("on-hold" | "cancelled")) => reasons.push(format!(
                    "blocked: depends on “{}”, which is {status}",
                    dep.title
                )),
                _ if dep.target.is_some() && doc.target.is_some() && dep.target > doc.target => {
                    reasons.push(format!(
                        "depends on “{}”, which targets a later date",
                        dep.title
                    ))
                }
                _ => {}
            }
        }
        // Off track counts in an active objective the roadmap shows, as `undriven` has them;
        // an initiative driving the whole objective drives each of its key results. Said
        // once, with every such key result.
        let mut off_track: Vec<&str> = Vec::new();
        for (objective, kr) in self.outgoing(doc.index, RelKind::Drives) {
            if !planned.contains(&objective.index) || objective.status.as_deref() != Some("active")
            {
                continue;
            }
            let driven = match kr {
                Some(k) => objective.key_results.get(k..=k).unwrap_or_default(),
                None => &objective.key_results,
            };
            for kr in driven.iter().filter(|kr| kr.health == Some("off-track")) {
                if !off_track.contains(&kr.title.as_str()) {
                    off_track.push(&kr.title);
                }
            }
        }
        match off_track.as_slice() {
            [] => {}
            [one] => reasons.push(format!("drives an off-track key result: {one}")),
            many => reasons.push(format!(
                "drives off-track key results: {}",
                crate::check::join_and(many)
            )),
        }
        reasons
    }

    pub fn release_plan(
        &self,
        site: &'a SiteCtx,
        root: &'a str,
        facets: &[Facet<'_>],
    ) -> ReleasePlanCtx<'a> {
        let block = |doc: &'a DocView| {
            // Cancelled work is no part of what the release brings, as it is no part of
            // the work not yet in a release.
            let initiatives: Vec<&DocView> = self
                .incoming(doc.index, RelKind::Release)
                .into_iter()
                .filter(|d| d.kind == "initiative" && d.status.as_deref() != Some("cancelled"))
                .collect();
            ReleaseBlock {
                doc,
                // Where the plan is late is for the people who run it.
                late: !self.view.config.public
                    && crate::check::plans::release_late(
                        &self.docs[doc.index],
                        doc.status.as_deref(),
                        self.today,
                    )
                    .is_some(),
                owners: initiatives.iter().any(|d| !d.owners.is_empty()),
                initiatives,
                // In the order a changelog lists them: by category, then as found.
                changes: {
                    let mut changes: Vec<&DocView> = self
                        .incoming(doc.index, RelKind::Release)
                        .into_iter()
                        .filter(|d| d.kind == "change")
                        .collect();
                    changes.sort_by_key(|d| {
                        d.category
                            .and_then(Category::parse)
                            .map_or(Category::ALL.len(), |c| c as usize)
                    });
                    changes
                },
            }
        };
        let releases = self.of_kind(Kind::Release);
        // A release without a status has not shipped: it is planned, here as on the
        // changelog, which shows released versions only.
        let shipped = |r: &&DocView| crate::model::release_shipped(r.status.as_deref());
        let mut upcoming: Vec<&DocView> =
            releases.iter().copied().filter(|r| !shipped(r)).collect();
        // Soonest first; releases of one date, and those without one (last), by version.
        upcoming
            .sort_by_cached_key(|r| (r.day.is_none(), r.day, version_key(r.version.as_deref())));
        let mut released: Vec<&DocView> = releases.iter().copied().filter(shipped).collect();
        sort_newest_first(&mut released);
        // In no release at all: work in a release the site hides has shipped all the same
        // (or will, with it), and is left out here rather than called unreleased.
        let no_release = |d: &&DocView| self.graph.in_no_release(d.index);
        let mut decisions = self.of_kind(Kind::Decision);
        decisions.sort_by(|a, b| b.number.cmp(&a.number).then(b.date.cmp(&a.date)));
        ReleasePlanCtx {
            site,
            root,
            upcoming: upcoming
                .into_iter()
                .map(|r| Shared::new(block(r)))
                .collect(),
            released: released
                .into_iter()
                .map(|r| Shared::new(block(r)))
                .collect(),
            unreleased_initiatives: self
                .of_kind(Kind::Initiative)
                .into_iter()
                .filter(|d| !matches!(d.status.as_deref(), Some("shipped" | "cancelled")))
                .filter(no_release)
                .collect(),
            unreleased_changes: self
                .of_kind(Kind::Change)
                .into_iter()
                .filter(no_release)
                .collect(),
            decisions,
            decision_statuses: facet_links(facets, "lists/status/decision/"),
            teams: facet_links(facets, "lists/team/"),
            owners: facet_links(facets, "lists/owner/"),
        }
    }

    pub fn changelog(
        &self,
        site: &'a SiteCtx,
        root: &'a str,
        lines: &'a ChangeLines,
    ) -> ChangelogCtx<'a> {
        let mut releases: Vec<&DocView> = self
            .of_kind(Kind::Release)
            .into_iter()
            .filter(|r| crate::model::release_shipped(r.status.as_deref()))
            .collect();
        sort_newest_first(&mut releases);
        let unreleased = self.view.config.show_unreleased.then(|| {
            let mut changes: Vec<&DocView> = self
                .of_kind(Kind::Change)
                .into_iter()
                .filter(|d| self.graph.in_no_release(d.index))
                .collect();
            self.in_written_order(&mut changes);
            group_by_category(changes, lines)
        });
        let anchors = release_anchors(&releases);
        ChangelogCtx {
            site,
            root,
            releases: releases
                .into_iter()
                .zip(anchors)
                .map(|(doc, anchor)| {
                    let mut changes = self
                        .incoming(doc.index, RelKind::Release)
                        .into_iter()
                        .filter(|d| d.kind == "change")
                        .collect::<Vec<_>>();
                    self.in_written_order(&mut changes);
                    let breaking = changes.iter().any(|c| c.breaking);
                    Shared::new(ChangelogRelease {
                        doc,
                        groups: group_by_category(changes, lines),
                        breaking,
                        anchor,
                    })
                })
                .collect(),
            unreleased_link: self.unreleased_link.filter(|_| unreleased.is_some()),
            unreleased,
        }
    }

    pub fn decisions(
        &self,
        site: &'a SiteCtx,
        root: &'a str,
        facets: &[Facet<'_>],
    ) -> DecisionsCtx<'a> {
        let mut all = self.of_kind(Kind::Decision);
        all.sort_by(|a, b| b.number.cmp(&a.number).then(b.date.cmp(&a.date)));
        DecisionsCtx {
            site,
            root,
            accepted: all
                .iter()
                .copied()
                .filter(|d| d.status.as_deref() == Some("accepted"))
                .collect(),
            all,
            statuses: facet_links(facets, "lists/status/decision/"),
        }
    }
}

/// Releases by date, newest first. An undated release goes where its version puts it:
/// with the newest dated release of a lower version (just before it), else last; ties by
/// version.
fn sort_newest_first(list: &mut [&DocView]) {
    // The dated releases by version, each with the newest date up to its version.
    let mut dated: Vec<(VersionKey, Date)> = list
        .iter()
        .filter_map(|r| Some((version_key(r.version.as_deref()), r.day?)))
        .collect();
    dated.sort();
    let mut newest = Date::MIN;
    for entry in &mut dated {
        newest = newest.max(entry.1);
        entry.1 = newest;
    }
    let mut keyed: Vec<(Option<Date>, VersionKey, usize)> = list
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let version = version_key(r.version.as_deref());
            let date = r.day.or_else(|| {
                let below = dated.partition_point(|(v, _)| *v < version);
                (!version.core.is_empty() && below > 0).then(|| dated[below - 1].1)
            });
            (date, version, i)
        })
        .collect();
    keyed.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    let sorted: Vec<&DocView> = keyed.iter().map(|&(_, _, i)| list[i]).collect();
    list.copy_from_slice(&sorted);
}

/// The ids of the changelog's release headings: `v` and the version's slug without its
/// own `v` (`v1.2.0` and `1.2.0` both `v1-2-0`), or the page's name for a release
/// without one; numbered as a heading's anchor is when a version comes twice (which
/// `align check` reports).
fn release_anchors(releases: &[&DocView]) -> Vec<String> {
    let mut anchors = crate::load::Anchors::beside(&[], &[]);
    releases
        .iter()
        .map(|doc| {
            let version = doc.version.as_deref().unwrap_or_default();
            let name = match version.trim_start_matches(['v', 'V']) {
                "" => doc.path_id.as_str(),
                bare => bare,
            };
            anchors.assign(None, &format!("v{name}"))
        })
        .collect()
}

/// A version in the order of its precedence: its numeric parts, so `0.10` sorts after
/// `0.9`, then, as semver has it, a pre-release (`2.0.0-rc.1`) before its release, and
/// pre-releases by their dot-separated parts (numbers by value, before words). Build
/// metadata (`+build.5`) is left out. Only a version whose core has a dot (`2.0.0-rc.1`)
/// has a pre-release: `2024-01-15` is all core.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct VersionKey {
    core: Vec<u64>,
    /// Whether it is a release, not a pre-release: a release comes after.
    release: bool,
    pre: Vec<PreRelease>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PreRelease {
    Number(u64),
    Word(String),
}

fn version_key(version: Option<&str>) -> VersionKey {
    let version = version.unwrap_or_default();
    let version = version.split('+').next().unwrap_or_default();
    let numbers = |text: &str| -> Vec<u64> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter_map(|p| p.parse().ok())
            .collect()
    };
    let semver = version.split_once('-').filter(|(core, pre)| {
        let core = core.trim_start_matches(['v', 'V']);
        core.contains('.')
            && core.chars().all(|c| c.is_ascii_digit() || c == '.')
            && !pre.is_empty()
    });
    match semver {
        Some((core, pre)) => VersionKey {
            core: numbers(core),
            release: false,
            pre: pre
                .split('.')
                .map(|part| match part.parse() {
                    Ok(n) if part.bytes().all(|b| b.is_ascii_digit()) => PreRelease::Number(n),
                    _ => PreRelease::Word(part.to_ascii_lowercase()),
                })
                .collect(),
        },
        None => VersionKey {
            core: numbers(version),
            release: true,
            pre: Vec::new(),
        },
    }
}

fn board<'a>(initiatives: &[&'a DocView]) -> Vec<Column<'a>> {
    let open: Vec<&DocView> = initiatives
        .iter()
        .copied()
        .filter(|d| !matches!(d.status.as_deref(), Some("shipped" | "cancelled")))
        .collect();
    let column = |horizon: &'static str, label: &'static str, items: Vec<&'a DocView>| Column {
        horizon,
        label,
        count: items.len(),
        more: items.len().saturating_sub(VIEW_LIMIT),
        items: items.into_iter().take(VIEW_LIMIT).collect(),
    };
    let mut columns: Vec<Column<'a>> = [("now", "Now"), ("next", "Next"), ("later", "Later")]
        .into_iter()
        .map(|(horizon, label)| {
            let items = open
                .iter()
                .copied()
                .filter(|d| d.horizon.as_deref() == Some(horizon))
                .collect();
            column(horizon, label, items)
        })
        .collect();
    let unscheduled: Vec<&DocView> = open
        .iter()
        .copied()
        .filter(|d| !matches!(d.horizon.as_deref(), Some("now" | "next" | "later")))
        .collect();
    if !unscheduled.is_empty() {
        columns.push(column("unscheduled", "Unscheduled", unscheduled));
    }
    columns
}

/// Changes in Keep a Changelog order, then sections that are not one of its categories.
fn group_by_category<'a>(
    changes: Vec<&'a DocView>,
    lines: &'a ChangeLines,
) -> Vec<CategoryGroup<'a>> {
    let item = |doc: &'a DocView| ChangeItem {
        doc,
        html: lines.get(&doc.index).map(String::as_str),
    };
    let mut groups: Vec<CategoryGroup<'_>> = Category::ALL
        .iter()
        .map(|c| {
            let items: Vec<ChangeItem<'a>> = changes
                .iter()
                .copied()
                .filter(|d| d.category == Some(c.as_str()))
                .map(item)
                .collect();
            // In the category's place, under the name its changes are written under
            // (`Features`) when they share one, else the category's own.
            let written = items.first().and_then(|i| i.doc.category_label.as_deref());
            let shared = items
                .iter()
                .all(|i| i.doc.category_label.as_deref() == written);
            CategoryGroup {
                label: written
                    .filter(|_| shared)
                    .map_or_else(|| c.label().to_string(), str::to_string),
                items,
            }
        })
        .collect();
    let mut others: BTreeMap<String, Vec<ChangeItem<'a>>> = BTreeMap::new();
    for change in changes.iter().copied().filter(|d| d.category.is_none()) {
        let label = change
            .category_label
            .clone()
            .unwrap_or_else(|| "Other".to_string());
        others.entry(label).or_default().push(item(change));
    }
    groups.extend(
        others
            .into_iter()
            .map(|(label, items)| CategoryGroup { label, items }),
    );
    groups.retain(|g| !g.items.is_empty());
    groups
}

fn facet_links(facets: &[Facet<'_>], prefix: &str) -> Vec<NavItem> {
    facets
        .iter()
        .flat_map(|f| &f.pages)
        .filter(|p| p.path.starts_with(prefix))
        .map(super::lists::ListPage::nav_item)
        .collect()
}

/// Whether period `outer` holds all of `inner`: a year its quarters, a half its two.
fn covers(outer: Period, inner: Period) -> bool {
    outer.start() <= inner.start() && inner.end() <= outer.end()
}

#[cfg(test)]
mod tests {
    use super::version_key;

    #[test]
    fn versions_sort_by_semver_precedence() {
        let ascending = [
            "0.9",
            "0.10",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "v1.0.0",
            "1.0.1+build.5",
            "2.0.0-RC.1",
            "2.0.0",
        ];
        for pair in ascending.windows(2) {
            assert!(
                version_key(Some(pair[0])) < version_key(Some(pair[1])),
                "{} before {}",
                pair[0],
                pair[1]
            );
        }
        // A date as a version has no pre-release: its parts are all numbers.
        assert!(version_key(Some("2024-01-15")) < version_key(Some("2024-02-01")));
        assert!(version_key(Some("2024")) < version_key(Some("2024-01-15")));
    }
}
