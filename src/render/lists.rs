//! List pages: per kind, status, team, tag, period and owner, and an index of them all.

use ahash::AHashMap as HashMap;

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

/// Groups documents by a value of theirs (a team, a tag, …); each group becomes a page
/// at `lists/<folder>/<key>.html`, where `name(qualifier, value)` gives the key and the
/// title. Values whose keys are the same share a page, titled by the first. `name` runs
/// once per distinct value, not once per document: thousands of documents have a handful
/// of teams.
struct Grouping<'a, F> {
    title: &'static str,
    folder: &'static str,
    name: F,
    groups: Vec<(String, String, Vec<&'a DocView>)>,
    by_key: HashMap<String, usize>,
    by_value: HashMap<(&'a str, &'a str), usize>,
}

impl<'a, F: Fn(&str, &str) -> (String, String)> Grouping<'a, F> {
    fn new(title: &'static str, folder: &'static str, name: F) -> Self {
        Grouping {
            title,
            folder,
            name,
            groups: Vec::new(),
            by_key: HashMap::new(),
            by_value: HashMap::new(),
        }
    }

    fn add(&mut self, doc: &'a DocView, qualifier: &'a str, value: &'a str) {
        let Grouping {
            name,
            groups,
            by_key,
            by_value,
            ..
        } = self;
        let group = *by_value.entry((qualifier, value)).or_insert_with(|| {
            let (key, label) = name(qualifier, value);
            *by_key.entry(key.clone()).or_insert_with(|| {
                groups.push((key, label, Vec::new()));
                groups.len() - 1
            })
        });
        groups[group].2.push(doc);
    }

    fn finish(self) -> Facet<'a> {
        let mut groups = self.groups;
        groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let pages = groups
            .into_iter()
            .map(|(key, label, items)| ListPage {
                path: format!("lists/{}/{key}.html", self.folder),
                title: label,
                items,
            })
            .collect();
        Facet {
            title: self.title,
            pages,
        }
    }
}

fn plural(kind: &str) -> &'static str {
    Kind::parse(kind).unwrap_or_default().plural_label()
}

/// Every facet of a site, in the order the lists index shows them. One pass over the
/// documents feeds them all: each document is read once, not once per facet.
pub fn facets<'a>(view: &'a SiteView<'_>) -> Vec<Facet<'a>> {
    let mut kinds = Grouping::new("By kind", "kind", |_, kind| {
        (kind.to_string(), plural(kind).to_string())
    });
    let mut statuses = Grouping::new("By status", "status", |kind, status| {
        (
            format!("{kind}/{}", slug_or(status)),
            format!("{}: {status}", plural(kind)),
        )
    });
    let mut periods = Grouping::new("By period", "period", |_, period| {
        (period.to_string(), format!("Period {period}"))
    });
    let mut teams = Grouping::new("By team", "team", |_, team| {
        (slug_or(team), format!("Team {team}"))
    });
    let mut tags = Grouping::new("By tag", "tag", |_, tag| {
        (slug_or(tag), format!("Tag: {tag}"))
    });
    let mut owners = Grouping::new("By owner", "owner", |_, owner| {
        (slug_or(owner), owner.to_string())
    });
    for doc in &view.docs {
        kinds.add(doc, "", doc.kind);
        if let Some(status) = &doc.status {
            statuses.add(doc, doc.kind, status);
        }
        if let Some(period) = &doc.period {
            periods.add(doc, "", period);
        }
        if let Some(team) = &doc.team {
            teams.add(doc, "", team);
        }
        for tag in &doc.tags {
            tags.add(doc, "", tag);
        }
        for owner in doc.owners.iter().chain(&doc.deciders) {
            owners.add(doc, "", owner);
        }
    }
    let mut owners = owners.finish();
    for page in &mut owners.pages {
        page.items.dedup_by_key(|d| d.index);
    }
    let mut all = vec![
        kinds.finish(),
        statuses.finish(),
        periods.finish(),
        teams.finish(),
        tags.finish(),
        owners,
    ];
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
