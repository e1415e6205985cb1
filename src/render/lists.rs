//! List pages: per kind, status, team, tag, period and owner, and an index of them all.

use std::collections::BTreeMap;

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

/// Groups documents by a key; each group becomes a page at `lists/<folder>/<slug>.html`.
fn facet<'a, F>(view: &'a SiteView<'_>, title: &'static str, folder: &str, keys: F) -> Facet<'a>
where
    F: Fn(&'a DocView) -> Vec<(String, String)>,
{
    let mut groups: BTreeMap<String, (String, Vec<&'a DocView>)> = BTreeMap::new();
    for doc in &view.docs {
        for (key, label) in keys(doc) {
            groups
                .entry(key)
                .or_insert_with(|| (label, Vec::new()))
                .1
                .push(doc);
        }
    }
    let pages = groups
        .into_iter()
        .map(|(key, (label, items))| ListPage {
            path: format!("lists/{folder}/{key}.html"),
            title: label,
            items,
        })
        .collect();
    Facet { title, pages }
}

/// Every facet of a site, in the order the lists index shows them.
pub fn facets<'a>(view: &'a SiteView<'_>) -> Vec<Facet<'a>> {
    let mut all = vec![
        facet(view, "By kind", "kind", |d| {
            let kind = Kind::parse(d.kind).unwrap_or_default();
            vec![(d.kind.to_string(), kind.plural_label().to_string())]
        }),
        facet(view, "By status", "status", |d| match &d.status {
            Some(status) => vec![(
                format!("{}/{}", d.kind, slug_or(status)),
                format!(
                    "{}: {status}",
                    Kind::parse(d.kind).unwrap_or_default().plural_label()
                ),
            )],
            None => vec![],
        }),
        facet(view, "By period", "period", |d| {
            d.period
                .iter()
                .map(|p| (p.clone(), format!("Period {p}")))
                .collect()
        }),
        facet(view, "By team", "team", |d| {
            d.team
                .iter()
                .map(|t| (slug_or(t), format!("Team {t}")))
                .collect()
        }),
        facet(view, "By tag", "tag", |d| {
            d.tags
                .iter()
                .map(|t| (slug_or(t), format!("Tag: {t}")))
                .collect()
        }),
    ];
    let mut owners = facet(view, "By owner", "owner", |d| {
        d.owners
            .iter()
            .chain(&d.deciders)
            .map(|o| (slug_or(o), o.clone()))
            .collect()
    });
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
