//! Typed template contexts: one struct per kind of page, built from site views only.

use serde::Serialize;

use crate::audience::DocView;

/// What every page knows about its site, made into a template value once: every page's
/// context holds it, and a build of 10,000 pages made the same dozen maps 10,000 times.
/// While a context is hashed (see [`crate::audience::hashing_items`]) it is serialised
/// field by field.
#[derive(Debug)]
pub struct SiteCtx {
    info: SiteInfo,
    value: std::sync::OnceLock<Option<tera::Value>>,
}

impl SiteCtx {
    pub fn new(info: SiteInfo) -> Self {
        SiteCtx {
            info,
            value: std::sync::OnceLock::new(),
        }
    }

    pub fn info(&self) -> &SiteInfo {
        &self.info
    }
}

impl Serialize for SiteCtx {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if crate::audience::hashing() {
            return self.info.serialize(serializer);
        }
        let value = self
            .value
            .get_or_init(|| tera::Value::try_from_serializable(&self.info).ok());
        match value {
            Some(value) => value.serialize(serializer),
            None => self.info.serialize(serializer),
        }
    }
}

/// The fields of a [`SiteCtx`].
#[derive(Debug, Serialize)]
pub struct SiteInfo {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub project: String,
    pub public: bool,
    pub nav: Vec<NavItem>,
    /// The name of the home page in the navigation: its view's name, or "Home".
    pub home_title: String,
    /// The audience views every site has, but the one that is the home page.
    pub views: Vec<NavItem>,
    /// Absolute URL of the site root when `base_url` is set.
    pub base_url: Option<String>,
    /// The columns of a key-result table this site can fill.
    pub kr_columns: KrColumns,
}

/// Which of a key-result table's columns of figures a site shows: a public site leaves
/// out those whose values `public_fields` does not let through, which every row would
/// show as "—".
#[derive(Debug, Clone, Copy, Serialize)]
pub struct KrColumns {
    /// `current` or `confidence`.
    pub current: bool,
    pub progress: bool,
    /// `health` or `score`.
    pub health: bool,
}

impl KrColumns {
    pub fn of(site: &crate::config::SiteConfig) -> Self {
        KrColumns {
            current: site.shows("current") || site.shows("confidence"),
            progress: site.shows_computed("progress"),
            health: site.shows_computed("health") || site.shows_computed("score"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub title: String,
    /// Relative to the site root.
    pub url: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct PageCtx<'a> {
    pub site: &'a SiteCtx,
    /// Prefix that leads from this page back to the site root (`../../`).
    pub root: &'a str,
    pub doc: &'a DocView,
    /// The body, rendered and filtered for this site.
    pub body: PageBody<'a>,
    /// What is late about the document today, as the checks find it: `review overdue`,
    /// `late` (a release still planned past its date); empty on public sites.
    pub overdue: Vec<&'static str>,
}

/// A page's body: its HTML, which templates print; hashed for the memo as the hash of what
/// made it (text, links, settings) when there is one, instead of its ten kilobytes again.
pub struct PageBody<'a> {
    pub html: &'a str,
    pub hash: Option<blake3::Hash>,
}

impl Serialize for PageBody<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.hash {
            Some(hash) if crate::audience::hashing() => serializer.serialize_bytes(hash.as_bytes()),
            // Marked safe, so that `{{ body }}` prints it without a filter copying it again.
            _ => tera::Value::safe_string(self.html).serialize(serializer),
        }
    }
}

#[derive(Serialize)]
pub struct ListCtx<'a> {
    pub site: &'a SiteCtx,
    pub root: &'a str,
    pub title: String,
    pub description: Option<String>,
    /// The documents on this page of the list.
    #[serde(serialize_with = "crate::audience::as_items")]
    pub items: &'a [&'a DocView],
    /// Whether every item is of one kind, which the list then need not repeat per item.
    pub one_kind: bool,
    /// Documents in the whole list, on every page.
    pub total: usize,
    /// This page's number, from 1, and the number of pages.
    pub page: usize,
    pub pages: usize,
    /// The pages before and after this one, relative to the site root.
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

#[derive(Serialize)]
pub struct ListGroup {
    pub title: String,
    pub links: Vec<NavItem>,
}

#[derive(Serialize)]
pub struct ListsIndexCtx<'a> {
    pub site: &'a SiteCtx,
    pub root: &'a str,
    pub groups: Vec<ListGroup>,
}

#[derive(Serialize)]
pub struct NotFoundCtx<'a> {
    pub site: &'a SiteCtx,
    pub root: &'a str,
}

/// A sitemap entry.
#[derive(Serialize)]
pub struct UrlEntry<'a> {
    pub loc: Loc<'a>,
    pub lastmod: Option<&'a str>,
}

/// A URL as the site's prefix and a page's path, joined only when serialised: a sitemap
/// holds one per page, and `serve` hashes the sitemap's context on every rebuild.
pub struct Loc<'a> {
    pub prefix: &'a str,
    pub path: std::borrow::Cow<'a, str>,
}

impl std::fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.prefix)?;
        f.write_str(&self.path)
    }
}

impl Serialize for Loc<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[derive(Serialize)]
pub struct SitemapCtx<'a> {
    pub urls: &'a [UrlEntry<'a>],
}

/// The index of a sitemap in parts: where each part is.
#[derive(Serialize)]
pub struct SitemapIndexCtx<'a> {
    pub sitemaps: Vec<Loc<'a>>,
}

/// The `../` prefix for a page at `path` (relative to the site root).
pub fn root_for(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_is_made_into_a_template_value_once_and_hashed_by_its_fields() {
        let site = SiteCtx::new(SiteInfo {
            name: "team".into(),
            title: "Team <site>".into(),
            description: None,
            project: "P".into(),
            public: false,
            kr_columns: KrColumns {
                current: true,
                progress: true,
                health: true,
            },
            nav: vec![NavItem {
                title: "Pages".into(),
                url: "lists/kind/page.html".into(),
                count: 2,
            }],
            home_title: "Home".into(),
            views: Vec::new(),
            base_url: None,
        });
        let first = tera::Value::from_serializable(&site);
        let again = tera::Value::from_serializable(&site);
        let (a, b) = (first.as_map().unwrap(), again.as_map().unwrap());
        assert!(std::ptr::eq(a, b), "the same value, not made again");
        assert_eq!(first, tera::Value::from_serializable(&site.info));
        let hashed = crate::audience::hashing_items(|| crate::digest::digest(&site)).unwrap();
        assert_eq!(hashed, crate::digest::digest(&site.info).unwrap());
    }
}
