//! List pages: per kind, status, team, tag, period and owner, and an index of them all.

use std::collections::HashMap;

use crate::audience::{DocView, SiteView};
use crate::load::slug;
use crate::model::Kind;

use super::context::{ListGroup, NavItem};

/// One list page: where it goes, its title and the documents on it.
pub struct ListPage<'a> {
    pub path: String,
    pub title: String,
    pub items: Vec<&'a DocView>,
}

/// A facet of documents (team, tag, …) and the list pages it yields.
pub struct Facet<'a> {
    pub title: &'static str,
    pub pages: Vec<ListPage<'a>>,
}

fn slug_or(text: &str) -> String {
    let s = slug(text);
    if s.is_empty() {
        "unnamed".to_string()
    } else {
        s
    }
}

/// Groups documents by the values `values` gives each (with `emit(qualifier, value)`);
/// each group becomes a page at `lists/<folder>/<key>.html`, where `name(qualifier, value)`
/// gives the key and the title. Values whose keys are the same share a page, titled by
/// the first. `name` runs once per distinct value, not once per document: a list of
/// thousands of documents has a handful of teams.
fn facet<'a>(
    view: &'a SiteView<'_>,
    title: &'static str,
    folder: &str,
    values: impl Fn(&'a DocView, &mut dyn FnMut(&'a str, &'a str)),
    name: impl Fn(&str, &str) -> (String, String),
) -> Facet<'a> {
    let mut groups: Vec<(String, String, Vec<&'a DocView>)> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_value: HashMap<(&'a str, &'a str), usize> = HashMap::new();
    for doc in &view.docs {
        values(doc, &mut |qualifier, value| {
            let group = *by_value.entry((qualifier, value)).or_insert_with(|| {
                let (key, label) = name(qualifier, value);
                *by_key.entry(key.clone()).or_insert_with(|| {
                    groups.push((key, label, Vec::new()));
                    groups.len() - 1
                })
            });
            groups[group].2.push(doc);
        });
    }
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let pages = groups
        .into_iter()
        .map(|(key, label, items)| ListPage {
            path: format!("lists/{folder}/{key}.html"),
            title: label,
            items,
        })
        .collect();
    Facet { title, pages }
}

fn plural(kind: &str) -> &'static str {
    Kind::parse(kind).unwrap_or_default().plural_label()
}

/// Every facet of a site, in the order the lists index shows them.
pub fn facets<'a>(view: &'a SiteView<'_>) -> Vec<Facet<'a>> {
    let mut all = vec![
        facet(
            view,
            "By kind",
            "kind",
            |d, emit| emit("", d.kind),
            |_, kind| (kind.to_string(), plural(kind).to_string()),
        ),
        facet(
            view,
            "By status",
            "status",
            |d, emit| {
                if let Some(status) = &d.status {
                    emit(d.kind, status);
                }
            },
            |kind, status| {
                (
                    format!("{kind}/{}", slug_or(status)),
                    format!("{}: {status}", plural(kind)),
                )
            },
        ),
        facet(
            view,
            "By period",
            "period",
            |d, emit| {
                if let Some(period) = &d.period {
                    emit("", period);
                }
            },
            |_, period| (period.to_string(), format!("Period {period}")),
        ),
        facet(
            view,
            "By team",
            "team",
            |d, emit| {
                if let Some(team) = &d.team {
                    emit("", team);
                }
            },
            |_, team| (slug_or(team), format!("Team {team}")),
        ),
        facet(
            view,
            "By tag",
            "tag",
            |d, emit| d.tags.iter().for_each(|t| emit("", t)),
            |_, tag| (slug_or(tag), format!("Tag: {tag}")),
        ),
    ];
    let mut owners = facet(
        view,
        "By owner",
        "owner",
        |d, emit| d.owners.iter().chain(&d.deciders).for_each(|o| emit("", o)),
        |_, owner| (slug_or(owner), owner.to_string()),
    );
    for page in &mut owners.pages {
        page.items.dedup_by_key(|d| d.index);
    }
    all.push(owners);
    all.retain(|f| !f.pages.is_empty());
    all
}

/// The lists index: a heading per facet with a link per page.
pub fn index_groups(facets: &[Facet<'_>]) -> Vec<ListGroup> {
    facets
        .iter()
        .map(|facet| ListGroup {
            title: facet.title.to_string(),
            links: facet
                .pages
                .iter()
                .map(|p| NavItem {
                    title: p.title.clone(),
                    url: crate::audience::encode_path(&p.path),
                    count: p.items.len(),
                })
                .collect(),
        })
        .collect()
}
