//! List pages: per kind, status, team, tag, period and owner, and an index of them all.

use std::sync::Arc;

use ahash::AHashMap as HashMap;

use crate::audience::{DocView, GroupPage, Grouping, SiteView};
use crate::load::list_key;
use crate::model::Kind;

use super::context::{ListGroup, NavItem};

/// One list: where its first page goes, its title and its documents.
pub struct ListPage<'a> {
    pub path: &'a str,
    pub title: &'a str,
    pub items: Vec<&'a DocView>,
}

/// Documents per list page. A longer list goes on in numbered pages beside its first:
/// `lists/kind/initiative.html`, then `lists/kind/initiative/2.html` and so on. A page of
/// thousands of entries is slow to open and to search in a browser, and its template
/// context would be made whole before the template reads it.
pub const PAGE_SIZE: usize = 500;

impl ListPage<'_> {
    /// How many pages the list takes: one at least, also when it is empty.
    pub fn pages(&self) -> usize {
        self.items.len().div_ceil(PAGE_SIZE).max(1)
    }

    /// The path of page `page` (from 1).
    pub fn page_path(&self, page: usize) -> String {
        if page <= 1 {
            return self.path.to_string();
        }
        let stem = self.path.strip_suffix(".html").unwrap_or(self.path);
        format!("{stem}/{page}.html")
    }

    /// The same, percent-encoded for use in an `href`.
    pub fn page_url(&self, page: usize) -> String {
        crate::audience::encode_path(&self.page_path(page))
    }

    /// A link to the list's first page, with the whole list's count.
    pub fn nav_item(&self) -> NavItem {
        NavItem {
            title: self.title.to_string(),
            url: self.page_url(1),
            count: self.items.len(),
        }
    }

    /// The documents on page `page` (from 1).
    pub fn page_items(&self, page: usize) -> &[&DocView] {
        let start = (page.max(1) - 1) * PAGE_SIZE;
        let end = (start + PAGE_SIZE).min(self.items.len());
        self.items.get(start..end).unwrap_or_default()
    }
}

/// A facet of documents (team, tag, …) and the list pages it yields.
pub struct Facet<'a> {
    pub title: &'static str,
    pub pages: Vec<ListPage<'a>>,
}

/// Groups documents by a value of theirs (a team, a tag, …); each group becomes a page
/// at `lists/<folder>/<key>.html`, where `name(qualifier, value)` gives the key and the
/// title. Values whose keys are the same share a page, titled by the first. `name` runs
/// once per distinct value, not once per document: thousands of documents have a handful
/// of teams.
struct Grouper<'a, F> {
    title: &'static str,
    folder: &'static str,
    name: F,
    groups: Vec<(String, String, Vec<u32>)>,
    by_key: HashMap<String, usize>,
    by_value: HashMap<(&'a str, &'a str), usize>,
}

impl<'a, F: Fn(&str, &str) -> (String, String)> Grouper<'a, F> {
    fn new(title: &'static str, folder: &'static str, name: F) -> Self {
        Grouper {
            title,
            folder,
            name,
            groups: Vec::new(),
            by_key: HashMap::new(),
            by_value: HashMap::new(),
        }
    }

    /// Adds the document at `position` in the view's documents.
    fn add(&mut self, position: u32, qualifier: &'a str, value: &'a str) {
        let Grouper {
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
        groups[group].2.push(position);
    }

    fn finish(self) -> Grouping {
        self.finish_by(|_| ())
    }

    /// The groups in the order of `order` of their keys, then of the keys alphabetically:
    /// a Latin letter with an accent beside the letter (`émile` between `adam` and `zoe`,
    /// not after `zoe`), then as written.
    fn finish_by<K: Ord>(self, order: impl Fn(&str) -> K) -> Grouping {
        let mut groups = self.groups;
        groups.sort_by_cached_key(|group| {
            let key = &group.0;
            let folded = (!key.is_ascii()).then(|| crate::load::fold_accents(key));
            let alphabetical = folded.unwrap_or_else(|| key.clone());
            (order(key), alphabetical, key.clone())
        });
        let pages = groups
            .into_iter()
            .map(|(key, title, items)| GroupPage {
                path: format!("lists/{}/{key}.html", self.folder),
                title,
                items,
            })
            .collect();
        Grouping {
            title: self.title,
            pages,
        }
    }
}

fn plural(kind: &str) -> &'static str {
    Kind::parse(kind).unwrap_or_default().plural_label()
}

/// Every facet of a site, in the order the lists index shows them. The documents are
/// grouped once per view, or not at all when the view took its groupings from an earlier
/// one (an edit that changed no document's groups): each list page is then its kept
/// positions in the view's documents.
pub fn facets<'a>(view: &'a SiteView<'_>) -> Vec<Facet<'a>> {
    let groupings = view.groupings.get_or_init(|| group(view));
    groupings
        .iter()
        .map(|grouping| Facet {
            title: grouping.title,
            pages: grouping
                .pages
                .iter()
                .map(|page| ListPage {
                    path: &page.path,
                    title: &page.title,
                    items: page.items.iter().map(|&n| &view.docs[n as usize]).collect(),
                })
                .collect(),
        })
        .collect()
}

/// Groups a view's documents by every facet. One pass over the documents feeds them all:
/// each document is read once, not once per facet. The fields read here are those
/// `audience::groups_alike` compares.
fn group(view: &SiteView<'_>) -> Arc<[Grouping]> {
    let mut kinds = Grouper::new("By kind", "kind", |_, kind| {
        (kind.to_string(), plural(kind).to_string())
    });
    let mut statuses = Grouper::new("By status", "status", |kind, status| {
        (
            format!("{kind}/{}", list_key(status)),
            format!("{}: {status}", plural(kind)),
        )
    });
    let mut periods = Grouper::new("By period", "period", |_, period| {
        (period.to_string(), format!("Period {period}"))
    });
    let mut teams = Grouper::new("By team", "team", |_, team| {
        (list_key(team), format!("Team {team}"))
    });
    let mut tags = Grouper::new("By tag", "tag", |_, tag| {
        (list_key(tag), format!("Tag: {tag}"))
    });
    let mut owners = Grouper::new("By owner", "owner", |_, owner| {
        (list_key(owner), owner.to_string())
    });
    // Each list in the order of the documents: their path ids, numbers counted as
    // numbers (`changelog/v0.9.1` before `changelog/v0.10.0`), as loading sorts them.
    for (n, doc) in view.docs.iter().enumerate() {
        let n = n as u32;
        kinds.add(n, "", doc.kind);
        if let Some(status) = &doc.status {
            statuses.add(n, doc.kind, status);
        }
        if let Some(period) = &doc.period {
            periods.add(n, "", period);
        }
        if let Some(team) = &doc.team {
            teams.add(n, "", team);
        }
        for tag in &doc.tags {
            tags.add(n, "", tag);
        }
        for owner in doc.owners.iter().chain(&doc.deciders) {
            owners.add(n, "", owner);
        }
    }
    let mut owners = owners.finish();
    for page in &mut owners.pages {
        page.items.dedup();
    }
    let mut all = vec![
        kinds.finish(),
        statuses.finish(),
        // In time: by start, a longer period before those it holds (2026, 2026-H1,
        // 2026-Q1, 2026-Q2, 2026-H2, …), not as text (2026-H2 before 2026-Q1).
        periods.finish_by(|key| {
            key.parse::<crate::model::Period>()
                .ok()
                .map(|p| (p.start(), std::cmp::Reverse(p.end())))
        }),
        teams.finish(),
        tags.finish(),
        owners,
    ];
    all.retain(|f| !f.pages.is_empty());
    all.into()
}

/// The lists index: a heading per facet with a link per page.
pub fn index_groups(facets: &[Facet<'_>]) -> Vec<ListGroup> {
    facets
        .iter()
        .map(|facet| ListGroup {
            title: facet.title.to_string(),
            links: facet.pages.iter().map(ListPage::nav_item).collect(),
        })
        .collect()
}
