//! The site-wide files: home page, sitemap, robots.txt, search index and graph export.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Serialize;

use super::context::{Loc, SiteCtx, SitemapCtx, SitemapIndexCtx, UrlEntry};
use super::lists::Facet;
use super::{Input, Out};
use crate::audience::DocView;
use crate::file_bytes::FileBytes;
use crate::model::Kind;

#[derive(Serialize)]
struct HomeSection<'a> {
    title: &'static str,
    url: String,
    count: usize,
    #[serde(serialize_with = "crate::audience::as_items")]
    items: Vec<&'a DocView>,
}

#[derive(Serialize)]
struct HomeCtx<'a> {
    site: &'a SiteCtx,
    root: &'a str,
    sections: Vec<HomeSection<'a>>,
}

const HOME_ITEMS: usize = 8;

pub fn home_ctx<'a>(input: &'a Input<'_>, site: &'a SiteCtx) -> impl Serialize + 'a {
    let sections = Kind::ALL
        .iter()
        .filter_map(|&kind| {
            let items: Vec<&DocView> = input.view.of_kind(kind).collect();
            (!items.is_empty()).then(|| HomeSection {
                title: kind.plural_label(),
                url: format!("lists/kind/{}.html", kind.as_str()),
                count: items.len(),
                items: items.into_iter().rev().take(HOME_ITEMS).collect(),
            })
        })
        .collect();
    HomeCtx {
        site,
        root: "",
        sections,
    }
}

/// Where the 404 page links lead: it is served at any depth, so relative links won't do.
/// The path of the site's URL (`/exec/` of `https://docs.example/exec/`), from the host's
/// root: on the published host and on any other that serves the site at the same path
/// (a staging host, a preview), where an address with the published host would load its
/// styles from elsewhere, which the page's Content-Security-Policy forbids.
pub fn absolute_root(input: &Input<'_>) -> String {
    match input.config.site_url(input.view.name) {
        Some(url) => crate::config::url_path(&url).to_string(),
        None => format!("/{}/", input.view.name),
    }
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    title: &'a str,
    url: &'a str,
    kind: &'a str,
    id: Option<&'a str>,
    status: Option<&'a str>,
    summary: Option<&'a str>,
    tags: &'a [String],
}

/// A document in the graph export: its fields as the site shows them; relations are the
/// `edges` (docs/graph-json.md documents the shape).
#[derive(Serialize)]
struct GraphDoc<'a> {
    path_id: &'a str,
    url: &'a str,
    id: Option<&'a str>,
    kind: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    status: Option<&'a str>,
    owners: &'a [String],
    team: Option<&'a str>,
    tags: &'a [String],
    created: Option<&'a str>,
    updated: Option<&'a str>,
    review_by: Option<&'a str>,
    horizon: Option<&'a str>,
    period: Option<&'a str>,
    level: Option<&'a str>,
    objective_type: Option<&'a str>,
    start: Option<&'a str>,
    target: Option<&'a str>,
    target_history: &'a [crate::audience::SlipView],
    rationale: Option<&'a str>,
    version: Option<&'a str>,
    date: Option<&'a str>,
    number: Option<u32>,
    deciders: &'a [String],
    consulted: &'a [String],
    informed: &'a [String],
    category: Option<&'a str>,
    category_label: Option<&'a str>,
    breaking: bool,
    key_results: &'a [crate::audience::KrView],
    score: Option<f64>,
    health: Option<&'a str>,
    extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

impl<'a> GraphDoc<'a> {
    fn new(d: &'a DocView) -> Self {
        GraphDoc {
            path_id: &d.path_id,
            url: &d.url,
            id: d.id.as_deref(),
            kind: d.kind,
            title: &d.title,
            summary: d.summary.as_deref(),
            status: d.status.as_deref(),
            owners: &d.owners,
            team: d.team.as_deref(),
            tags: &d.tags,
            created: d.created.as_deref(),
            updated: d.updated.as_deref(),
            review_by: d.review_by.as_deref(),
            horizon: d.horizon.as_deref(),
            period: d.period.as_deref(),
            level: d.level.as_deref(),
            objective_type: d.objective_type.as_deref(),
            start: d.start.as_deref(),
            target: d.target.as_deref(),
            target_history: &d.target_history,
            rationale: d.rationale.as_deref(),
            version: d.version.as_deref(),
            date: d.date.as_deref(),
            number: d.number,
            deciders: &d.deciders,
            consulted: &d.consulted,
            informed: &d.informed,
            category: d.category,
            category_label: d.category_label.as_deref(),
            breaking: d.breaking,
            key_results: &d.key_results,
            score: d.score,
            health: d.health,
            extra: d.extra.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct GraphEdge<'a> {
    from: &'a str,
    to: &'a str,
    key_result: Option<&'a str>,
    relation: &'static str,
}

/// The graph export: `{"site", "title", "documents", "edges"}` as compact JSON.
fn graph_json(input: &Input<'_>, out: &Out<'_>) -> anyhow::Result<FileBytes> {
    let view = input.view;
    let mut json = Joined::new(out, view.docs.len() * 1024);
    json.buffer.extend_from_slice(b"{\"site\":");
    serde_json::to_writer(&mut json.buffer, view.name)?;
    json.buffer.extend_from_slice(b",\"title\":");
    serde_json::to_writer(&mut json.buffer, &view.config.title)?;
    json.buffer.extend_from_slice(b",\"documents\":[");
    let entries = Entries {
        key: "graph.json#documents",
        kept: |d| &d.memo().graph_entry,
        write: |d, json| serde_json::to_writer(json, &GraphDoc::new(d)),
    };
    entries.append(&mut json, input, out)?;
    json.buffer.extend_from_slice(b"],\"edges\":");
    json.push_kept(edges_json(input, out)?);
    json.buffer.push(b'}');
    Ok(json.finish())
}

/// A file joined from bytes written here and pieces kept in the memo: in `serve` the
/// kept pieces stay pieces of the file (see [`FileBytes`]); in a build, with nothing to
/// keep them for, everything is written into one buffer.
struct Joined {
    pieces: Option<Vec<Bytes>>,
    buffer: Vec<u8>,
}

impl Joined {
    fn new(out: &Out<'_>, capacity: usize) -> Self {
        if out.renderer.has_memo() {
            Joined {
                pieces: Some(Vec::new()),
                buffer: Vec::with_capacity(256),
            }
        } else {
            Joined {
                pieces: None,
                buffer: Vec::with_capacity(capacity),
            }
        }
    }

    fn push_kept(&mut self, kept: Bytes) {
        match &mut self.pieces {
            Some(pieces) => {
                if !self.buffer.is_empty() {
                    pieces.push(std::mem::take(&mut self.buffer).into());
                }
                pieces.push(kept);
            }
            None => self.buffer.extend_from_slice(&kept),
        }
    }

    fn finish(self) -> FileBytes {
        match self.pieces {
            Some(mut pieces) => {
                if !self.buffer.is_empty() {
                    pieces.push(self.buffer.into());
                }
                pieces.into()
            }
            None => self.buffer.into(),
        }
    }
}

/// How a site file lists every document: one JSON entry each, written by `write`; a
/// view that keeps values keeps its entry in `kept`.
struct Entries {
    /// Names the runs of entries in the memo, after the site's name.
    key: &'static str,
    kept: fn(&DocView) -> &std::sync::OnceLock<Box<[u8]>>,
    write: fn(&DocView, &mut Vec<u8>) -> serde_json::Result<()>,
}

/// Documents in a run of entries kept whole (see [`Entries::append`]).
const RUN: usize = 128;

impl Entries {
    /// Appends every document's entry, separated by commas. In `serve` (views keep
    /// values) each run of [`RUN`] documents is kept whole in the memo under the hashes
    /// of its views: an edit joins the run that holds the edited document again, and the
    /// file is made of a few long runs, kept as they are (see [`Joined`]), instead of
    /// thousands of small entries spread over the heap.
    fn append(&self, json: &mut Joined, input: &Input<'_>, out: &Out<'_>) -> anyhow::Result<()> {
        let docs = &input.view.docs;
        if !out.renderer.has_memo() {
            return self.join(&mut json.buffer, docs);
        }
        for (n, run) in docs.chunks(RUN).enumerate() {
            let mut hasher = blake3::Hasher::new();
            for doc in run {
                hasher.update(doc.doc_hash().as_bytes());
            }
            let key = format!("{}/{}#{n}", input.view.name, self.key);
            let joined = out.renderer.memoised(&key, hasher.finalize(), || {
                let mut part = Vec::with_capacity(run.len() * 1024);
                self.join(&mut part, run)?;
                Ok(part.into())
            })?;
            if n > 0 {
                json.buffer.push(b',');
            }
            json.push_kept(joined);
        }
        Ok(())
    }

    fn join(&self, json: &mut Vec<u8>, docs: &[DocView]) -> anyhow::Result<()> {
        for (n, doc) in docs.iter().enumerate() {
            if n > 0 {
                json.push(b',');
            }
            if !doc.keeps_values {
                (self.write)(doc, json)?;
                continue;
            }
            let kept = (self.kept)(doc);
            let entry = match kept.get() {
                Some(entry) => entry,
                None => {
                    let mut entry = Vec::new();
                    (self.write)(doc, &mut entry)?;
                    kept.get_or_init(|| entry.into_boxed_slice())
                }
            };
            json.extend_from_slice(entry);
        }
        Ok(())
    }
}

/// The search index: title, URL, kind, id, status, summary and tags of every document.
fn search_index(input: &Input<'_>, out: &Out<'_>) -> anyhow::Result<FileBytes> {
    let mut json = Joined::new(out, input.view.docs.len() * 160);
    json.buffer.push(b'[');
    let entries = Entries {
        key: "search-index.json",
        kept: |d| &d.memo().search_entry,
        write: |d, json| {
            let entry = SearchEntry {
                title: &d.title,
                url: &d.url,
                kind: d.kind_label,
                id: d.id.as_deref(),
                status: d.status.as_deref(),
                summary: d.summary.as_deref(),
                tags: &d.tags,
            };
            serde_json::to_writer(json, &entry)
        },
    };
    entries.append(&mut json, input, out)?;
    json.buffer.push(b']');
    Ok(json.finish())
}

/// Sitemap, robots.txt, search index and graph export.
pub fn write_all(input: &Input<'_>, facets: &[Facet<'_>], out: &Out<'_>) -> anyhow::Result<()> {
    let view = input.view;
    if out.wants("search-index.json") {
        out.file("search-index.json", search_index(input, out)?)?;
    }
    if out.wants("graph.json") {
        out.file("graph.json", graph_json(input, out)?)?;
    }
    // A long sitemap's parts are known by name only once its URLs are gathered.
    let wanted =
        out.wants_any(|path| path == "sitemap.xml" || crate::project::is_sitemap_part(path));
    if wanted {
        let prefix = input.config.site_url(view.name).unwrap_or_default();
        let urls = sitemap_urls(input, facets, &prefix);
        let parts = sitemap_parts(urls.len(), SITEMAP_URLS);
        if parts.is_empty() {
            out.page("sitemap.xml", "sitemap.xml", &SitemapCtx { urls: &urls })?;
        } else {
            for (name, range) in &parts {
                let urls = &urls[range.clone()];
                out.page(name, "sitemap.xml", &SitemapCtx { urls })?;
            }
            let sitemaps = parts
                .iter()
                .map(|(name, _)| Loc {
                    prefix: &prefix,
                    path: Cow::Borrowed(name),
                })
                .collect();
            out.page(
                "sitemap.xml",
                "sitemap-index.xml",
                &SitemapIndexCtx { sitemaps },
            )?;
        }
    }
    // A site for the organisation's own people asks crawlers to stay out (its pages say
    // `noindex` too, which counts wherever the site is published: crawlers read
    // robots.txt only at a host's root).
    let robots = match input.config.site_url(view.name) {
        _ if !view.config.public => "User-agent: *\nDisallow: /\n".to_string(),
        Some(url) => format!("User-agent: *\nAllow: /\nSitemap: {url}sitemap.xml\n"),
        None => "User-agent: *\nAllow: /\n".to_string(),
    };
    out.file("robots.txt", robots)
}

/// The edges both ends of which the site shows, as JSON. A graph keeps its edges and
/// what they show of their ends under one generation, so `serve` keeps them in the memo
/// under it: a fields edit that changes no link neither filters nor writes them again.
fn edges_json(input: &Input<'_>, out: &Out<'_>) -> anyhow::Result<Bytes> {
    let edges = || -> anyhow::Result<Bytes> {
        // Sized for every edge up front: grown from nothing, the list is copied again
        // and again.
        let mut edges: Vec<GraphEdge<'_>> = Vec::with_capacity(input.graph.edges.len());
        edges.extend(
            input
                .graph
                .edges
                .iter()
                .filter(|e| {
                    input.view.shows(e.from)
                        && input.view.shows(e.to.doc)
                        && e.shown_to(&input.view.config.audiences)
                })
                .map(|e| {
                    let to = &input.docs[e.to.doc];
                    GraphEdge {
                        from: &input.docs[e.from].path_id,
                        to: &to.path_id,
                        key_result: e
                            .to
                            .kr
                            .and_then(|k| to.key_results.get(k))
                            .map(|kr| kr.id.as_str()),
                        relation: e.kind.field(),
                    }
                }),
        );
        Ok(serde_json::to_vec(&edges)?.into())
    };
    let key = format!("{}/graph.json#edges", input.view.name);
    let generation = input.graph.generation.to_le_bytes();
    out.renderer
        .memoised(&key, blake3::hash(&generation), edges)
}

/// The most URLs one sitemap file names: the sitemap protocol's limit (with 50 MB, which
/// 50,000 of this site's URLs stay far below), past which search engines reject the file.
const SITEMAP_URLS: usize = 50_000;

/// The parts of a sitemap of `count` URLs, each a file name and the URLs it names, at most
/// `limit` each: none when one `sitemap.xml` holds them all; else `sitemap-1.xml`,
/// `sitemap-2.xml`, … in order, which `sitemap.xml` then lists as a sitemap index.
fn sitemap_parts(count: usize, limit: usize) -> Vec<(String, std::ops::Range<usize>)> {
    if count <= limit {
        return Vec::new();
    }
    (0..count)
        .step_by(limit)
        .enumerate()
        .map(|(n, start)| {
            (
                crate::project::sitemap_part(n + 1),
                start..(start + limit).min(count),
            )
        })
        .collect()
}

/// Every page of the site: home first, then the documents and the pages of every list.
fn sitemap_urls<'a>(
    input: &'a Input<'_>,
    facets: &'a [Facet<'_>],
    prefix: &'a str,
) -> Vec<UrlEntry<'a>> {
    let loc = |path| Loc { prefix, path };
    // The home page: the site's own URL, or its file where there is no URL to name.
    let home = if prefix.is_empty() { "index.html" } else { "" };
    let mut urls = vec![UrlEntry {
        loc: loc(Cow::Borrowed(home)),
        lastmod: None,
    }];
    // The views (a public site's roadmap and decision log among them), but the one the
    // home page is, and the index of lists.
    let home_view = input.view.config.home;
    let views = (super::VIEWS.iter())
        .filter(|(_, _, h)| *h != Some(home_view))
        .map(|(_, page, _)| *page)
        .chain(["lists/index.html"]);
    urls.extend(views.map(|page| UrlEntry {
        loc: loc(Cow::Borrowed(page)),
        lastmod: None,
    }));
    urls.extend(input.view.docs.iter().map(|d| UrlEntry {
        loc: loc(Cow::Borrowed(&d.url)),
        lastmod: d.updated.as_deref(),
    }));
    for list in facets.iter().flat_map(|f| &f.pages) {
        for page in 1..=list.pages() {
            urls.push(UrlEntry {
                loc: loc(Cow::Owned(list.page_url(page))),
                lastmod: None,
            });
        }
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::sitemap_parts;

    #[test]
    fn a_sitemap_goes_into_parts_of_at_most_the_limit_that_cover_every_url_once() {
        assert!(sitemap_parts(0, 3).is_empty());
        assert!(sitemap_parts(3, 3).is_empty());
        let parts = sitemap_parts(7, 3);
        let names: Vec<&str> = parts.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]);
        let ranges: Vec<_> = parts.iter().map(|(_, range)| range.clone()).collect();
        assert_eq!(ranges, [0..3, 3..6, 6..7]);
        assert_eq!(sitemap_parts(100_456, 50_000).len(), 3);
        assert_eq!(sitemap_parts(100_000, 50_000).len(), 2);
    }
}
