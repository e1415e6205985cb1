//! Decides, once per site and before anything is rendered, which documents, which parts of
//! their bodies and which of their fields the site may show. Templates only ever see the
//! [`DocView`]s made here, so they cannot reach what a site may not show.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::config::{Config, SiteConfig};
use crate::graph::{Graph, Node, Target};
use crate::model::{DateText, Document, KeyResult, Kind, RelKind};

mod ahead;

pub use ahead::{Reads, ahead, ahead_of};

/// One site's share of the project.
pub struct SiteView<'a> {
    pub name: &'a str,
    pub config: &'a SiteConfig,
    /// Per document index: whether the site shows it.
    shown: Vec<bool>,
    /// Per document index: its position in `docs`, when its view was made.
    position: Vec<Option<usize>>,
    /// The documents this site shows, in path id order, with only the fields it may show.
    pub docs: Vec<DocView>,
    /// Per document index: what links to it show, made for every shown document before
    /// the views (or, in a view made from an earlier one, on first use).
    targets: Vec<OnceLock<Arc<LinkTarget>>>,
    /// Made by [`SiteView::reusing`] when the site shows none of the edited documents and
    /// every view made again came out as before: nothing the site shows has changed.
    pub unchanged: bool,
    /// The site's documents grouped into list pages, made on first use; taken from the
    /// earlier view by [`SiteView::reusing`] when no document changed what they are
    /// grouped by.
    pub groupings: OnceLock<Arc<[Grouping]>>,
    /// The imported changelog's changes as the changelog page shows them, made on first
    /// use; taken from the earlier view by [`SiteView::reusing`] when none of them changed.
    pub change_lines: OnceLock<Arc<ChangeLines>>,
}

/// What every link to one document shows: kept apart from the document, so a link reads
/// a few words of a table instead of a whole document somewhere in a large heap.
#[derive(Debug)]
struct LinkTarget {
    url: String,
    title: String,
    kind: &'static str,
}

/// Documents grouped into list pages by one of their fields (see `render::lists`), by
/// their positions in a site view's `docs`.
pub struct Grouping {
    pub title: &'static str,
    pub pages: Vec<GroupPage>,
}

pub struct GroupPage {
    pub path: String,
    pub title: String,
    pub items: Vec<u32>,
}

/// Whether two views of a document group it into the same list pages: the fields
/// `render::lists::group` groups by.
fn groups_alike(a: &DocView, b: &DocView) -> bool {
    a.kind == b.kind
        && a.status == b.status
        && a.period == b.period
        && a.team == b.team
        && a.tags == b.tags
        && a.owners == b.owners
        && a.deciders == b.deciders
}

/// What a site view leaves for the next rebuild (see [`SiteView::reusing`]).
pub struct KeptView {
    pub docs: Vec<DocView>,
    pub groupings: Option<Arc<[Grouping]>>,
    /// Per document index: whether the site showed it.
    shown: Vec<bool>,
    change_lines: Option<Arc<ChangeLines>>,
}

/// The text of each change read from an imported changelog, by document index, rendered
/// for the changelog page and the feed (see [`ChangeItem`]).
pub type ChangeLines = std::collections::HashMap<usize, String>;

/// A link to a document (or a key result or heading of one). A view holds a dozen, and
/// the documents most linked to (strategies, objectives, releases) appear in thousands of
/// views: a link to a whole document is the site's one [`LinkTarget`] of it, shared by
/// count, and only a key result's or a heading's link has words of its own. Templates
/// see `title`, `url`, `kind` and `context` (for key results: the objective's title).
#[derive(Debug, Clone)]
pub struct LinkView {
    target: Arc<LinkTarget>,
    part: Option<Box<LinkPart>>,
}

/// What a link to a key result or a heading shows instead of its document's URL and title.
#[derive(Debug, Clone)]
struct LinkPart {
    url: String,
    /// A key result's title; a heading's link keeps its document's.
    title: Option<String>,
}

impl LinkView {
    /// Relative to the site root.
    pub fn url(&self) -> &str {
        self.part
            .as_ref()
            .map_or(&self.target.url, |part| &part.url)
    }

    pub fn title(&self) -> &str {
        match self.part.as_ref().and_then(|part| part.title.as_deref()) {
            Some(title) => title,
            None => &self.target.title,
        }
    }

    pub fn kind(&self) -> &'static str {
        self.target.kind
    }

    /// For key results: the objective they belong to.
    pub fn context(&self) -> Option<&str> {
        self.part
            .as_ref()
            .and_then(|part| part.title.as_ref())
            .map(|_| &*self.target.title)
    }
}

impl Serialize for LinkView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut link = serializer.serialize_struct("LinkView", 4)?;
        link.serialize_field("title", self.title())?;
        link.serialize_field("url", self.url())?;
        link.serialize_field("kind", self.kind())?;
        link.serialize_field("context", &self.context())?;
        link.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RelGroup {
    /// The relation's field name (`supersedes`), or the words a record names it with.
    pub key: Cow<'static, str>,
    pub label: Cow<'static, str>,
    #[serde(serialize_with = "ahead::links_ahead")]
    pub items: Vec<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckinView {
    pub date: String,
    pub value: f64,
    pub confidence: Option<f64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KrView {
    pub id: String,
    pub anchor: String,
    pub title: String,
    pub unit: Option<String>,
    pub direction: &'static str,
    pub baseline: f64,
    pub target: f64,
    pub current: Option<f64>,
    pub confidence: Option<f64>,
    pub progress: Option<f64>,
    pub progress_pct: Option<u32>,
    pub score: Option<f64>,
    pub health: Option<&'static str>,
    pub health_label: Option<&'static str>,
    pub checkins: Vec<CheckinView>,
    /// SVG polyline points of the check-in trend (80×20 box), when check-ins are shown.
    pub sparkline: Option<String>,
    #[serde(serialize_with = "ahead::links_ahead")]
    pub driven_by: Vec<LinkView>,
    /// Whether an initiative the site shows, and not cancelled, drives it.
    #[serde(skip)]
    pub moved: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlipView {
    pub date: String,
    pub target: String,
    pub reason: Option<String>,
}

/// A document as one site may show it.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    #[serde(skip)]
    pub index: usize,
    pub path_id: String,
    pub url: String,
    pub id: Option<String>,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub summary: Option<String>,
    /// The summary is the body's first paragraph (a release read from the imported
    /// changelog): its page shows it once, in the body.
    pub summary_in_body: bool,
    /// The effective status (a decision superseded by an accepted one is `superseded`).
    pub status: Option<String>,
    pub status_slug: Option<String>,
    pub owners: Vec<String>,
    pub team: Option<String>,
    pub tags: Vec<String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub review_by: Option<String>,
    pub horizon: Option<String>,
    pub period: Option<String>,
    pub level: Option<String>,
    pub objective_type: Option<String>,
    pub start: Option<String>,
    pub target: Option<String>,
    pub target_history: Vec<SlipView>,
    /// How many moves of the target put it later (see [`Document::slips`]).
    pub slips: usize,
    /// The target first planned, when the target is now later than it.
    pub slipped_from: Option<String>,
    /// Where the target stands against the first planned one, when it has moved:
    /// `later`, `earlier` or `same`.
    pub target_moved: Option<&'static str>,
    pub rationale: Option<String>,
    pub version: Option<String>,
    pub date: Option<String>,
    /// The date as a day, for ordering: none for a date kept as written because it reads
    /// as no day (`2024-02-31`), which would sort as text, ahead of real ones.
    #[serde(skip)]
    pub day: Option<jiff::civil::Date>,
    pub number: Option<u32>,
    pub deciders: Vec<String>,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
    pub category: Option<&'static str>,
    pub category_label: Option<String>,
    pub breaking: bool,
    pub key_results: Vec<KrView>,
    pub score: Option<f64>,
    pub score_pct: Option<u32>,
    pub health: Option<&'static str>,
    pub health_label: Option<&'static str>,
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
    pub relations: Vec<RelGroup>,
    pub why: Vec<Vec<LinkView>>,
    /// Whether any field of the list under a page's title is set (see
    /// [`DocView::lists_fields`]): a page with none skips the list, and the theme asks once
    /// instead of once per field (eighteen lookups on every plain page).
    pub has_fields: bool,
    /// An objective that an initiative the site shows drives as a whole, which counts for
    /// each of its key results (as `undriven-key-result` counts it).
    pub driven_whole: bool,
    /// Whether template values made of this view are kept with it (see
    /// [`for_template`]): in `serve`, where views outlive a rebuild.
    #[serde(skip)]
    pub keeps_values: bool,
    /// What the view makes of itself and keeps (see [`DocView::memo`]).
    #[serde(skip)]
    memo: std::sync::OnceLock<Box<Memo>>,
}

/// What a [`DocView`] makes of itself on first use and keeps: hashes for the render memo
/// of `serve`, and with [`DocView::keeps_values`] its template values and JSON entries.
/// Apart from the view, made only when first asked for: a build asks for none of it, and
/// kept inline it made each of a large project's hundreds of thousands of views 168 bytes
/// longer, every byte of them written.
#[derive(Debug, Clone, Default)]
pub struct Memo {
    /// A hash of [`DocView::item`] (see [`hashing_items`]).
    item_digest: std::sync::OnceLock<blake3::Hash>,
    /// A hash of the whole view (see [`hashing_items`]).
    doc_digest: std::sync::OnceLock<blake3::Hash>,
    item_value: std::sync::OnceLock<tera::Value>,
    value: std::sync::OnceLock<tera::Value>,
    /// The document's entries in the site's `graph.json` and `search-index.json`, kept
    /// with a view that keeps values, so that a rebuild serialises only the entries of
    /// views made again.
    pub graph_entry: std::sync::OnceLock<Box<[u8]>>,
    pub search_entry: std::sync::OnceLock<Box<[u8]>>,
}

/// The few fields lists show of a document; list pages carry thousands of these, so they
/// borrow from the [`DocView`] instead of copying it whole.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub id: Option<&'a str>,
    pub number: Option<u32>,
    pub status: Option<&'a str>,
    pub status_slug: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub date: Option<&'a str>,
    pub period: Option<&'a str>,
    pub team: Option<&'a str>,
    pub owners: &'a [String],
    pub target: Option<&'a str>,
    pub slipped_from: Option<&'a str>,
    pub health: Option<&'static str>,
    pub health_label: Option<&'static str>,
    pub category_label: Option<&'a str>,
    pub breaking: bool,
}

impl Item<'_> {
    const FIELDS: usize = 19;

    /// Writes the item's fields into a struct being serialised: an item's own, or a
    /// [`DecisionCard`]'s, which adds its own after them. Taken apart whole, so a field
    /// added to the item cannot be left out here.
    fn write_fields<S: serde::ser::SerializeStruct>(&self, out: &mut S) -> Result<(), S::Error> {
        let Item {
            title,
            url,
            kind,
            kind_label,
            id,
            number,
            status,
            status_slug,
            summary,
            date,
            period,
            team,
            owners,
            target,
            slipped_from,
            health,
            health_label,
            category_label,
            breaking,
        } = self;
        out.serialize_field("title", title)?;
        out.serialize_field("url", url)?;
        out.serialize_field("kind", kind)?;
        out.serialize_field("kind_label", kind_label)?;
        out.serialize_field("id", id)?;
        out.serialize_field("number", number)?;
        out.serialize_field("status", status)?;
        out.serialize_field("status_slug", status_slug)?;
        out.serialize_field("summary", summary)?;
        out.serialize_field("date", date)?;
        out.serialize_field("period", period)?;
        out.serialize_field("team", team)?;
        out.serialize_field("owners", owners)?;
        out.serialize_field("target", target)?;
        out.serialize_field("slipped_from", slipped_from)?;
        out.serialize_field("health", health)?;
        out.serialize_field("health_label", health_label)?;
        out.serialize_field("category_label", category_label)?;
        out.serialize_field("breaking", breaking)?;
        Ok(())
    }
}

impl Serialize for Item<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = serializer.serialize_struct("Item", Self::FIELDS)?;
        self.write_fields(&mut out)?;
        out.end()
    }
}

impl DocView {
    /// Whether any of the fields the default theme lists under a page's title
    /// (`_fields.html`) is set, as the template engine tells: a string that is not empty,
    /// a list that is not.
    fn lists_fields(&self) -> bool {
        let set = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.is_empty());
        let texts = [
            &self.team,
            &self.period,
            &self.level,
            &self.objective_type,
            &self.horizon,
            &self.start,
            &self.target,
            &self.version,
            &self.date,
            &self.created,
            &self.updated,
            &self.review_by,
        ];
        let lists = [
            &self.owners,
            &self.deciders,
            &self.consulted,
            &self.informed,
            &self.tags,
        ];
        texts.into_iter().any(set)
            || lists.into_iter().any(|list| !list.is_empty())
            || self.extra.as_ref().is_some_and(|extra| !extra.is_empty())
    }

    pub fn item(&self) -> Item<'_> {
        Item {
            title: &self.title,
            url: &self.url,
            kind: self.kind,
            kind_label: self.kind_label,
            id: self.id.as_deref(),
            number: self.number,
            status: self.status.as_deref(),
            status_slug: self.status_slug.as_deref(),
            summary: self.summary.as_deref(),
            date: self.date.as_deref(),
            period: self.period.as_deref(),
            team: self.team.as_deref(),
            owners: &self.owners,
            target: self.target.as_deref(),
            slipped_from: self.slipped_from.as_deref(),
            health: self.health,
            health_label: self.health_label,
            category_label: self.category_label.as_deref(),
            breaking: self.breaking,
        }
    }

    /// A hash of the fields lists show, made once per view: a view is never changed
    /// after it is made.
    fn item_hash(&self) -> blake3::Hash {
        *self
            .memo()
            .item_digest
            .get_or_init(|| view_digest(&self.item()))
    }

    /// A hash of every field of the view, made once per view; it stands for the whole
    /// document, and for its decision card, while a context is hashed.
    pub fn doc_hash(&self) -> blake3::Hash {
        *self.memo().doc_digest.get_or_init(|| view_digest(self))
    }

    /// What the view makes of itself and keeps, made at the first use.
    pub fn memo(&self) -> &Memo {
        self.memo.get_or_init(Box::default)
    }
}

/// A hash of `value` (a view's fields always serialise).
fn view_digest(value: &impl Serialize) -> blake3::Hash {
    crate::digest::digest(value).unwrap_or_else(|_| blake3::hash(&[]))
}

thread_local! {
    /// Set while the render memo hashes a template context.
    static HASHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (which serialises a template context to hash it) with every item standing
/// for itself by its [`DocView::item_hash`]: lists and views hold thousands of items, and
/// serialising each one again on every rebuild was most of the memo's work. The result
/// is a different serialisation, used for hashing only.
pub fn hashing_items<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            HASHING.set(self.0);
        }
    }
    let _reset = Reset(HASHING.replace(true));
    f()
}

pub(crate) fn hashing() -> bool {
    HASHING.get()
}

/// An item as its hash, in [`hashing_items`].
struct ItemHash(blake3::Hash);

impl Serialize for ItemHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0.as_bytes())
    }
}

/// Serialises documents as [`Item`]s (for `#[serde(serialize_with)]`).
pub fn as_items<S: serde::Serializer>(docs: &[&DocView], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(ahead(docs, Reads::Item).map(TemplateItem))
}

/// An item for a template context (see [`for_template`]).
struct TemplateItem<'a>(&'a DocView);

impl Serialize for TemplateItem<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let doc = self.0;
        for_template(
            serializer,
            doc,
            DocView::item_hash,
            |m| &m.item_value,
            || doc.item(),
        )
    }
}

/// A whole document for a template context (see [`for_template`]).
struct TemplateDoc<'a>(&'a DocView);

impl Serialize for TemplateDoc<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let doc = self.0;
        for_template(serializer, doc, DocView::doc_hash, |m| &m.value, || doc)
    }
}

/// Serialises what a template context shows of `doc`: its hash while a context is hashed
/// (see [`hashing_items`]); else, when the view keeps values, the template value kept in
/// `kept`, made once per view. A rebuild in `serve` renders the lists and views that show
/// thousands of documents again, most of them unchanged: the template engine takes a made
/// value as it is (a reference count, not a copy), where making it again was most of the
/// time those pages took. Serialised anywhere else, a kept value writes the same fields.
fn for_template<S: serde::Serializer, T: Serialize>(
    serializer: S,
    doc: &DocView,
    hash: fn(&DocView) -> blake3::Hash,
    kept: fn(&Memo) -> &std::sync::OnceLock<tera::Value>,
    plain: impl FnOnce() -> T,
) -> Result<S::Ok, S::Error> {
    if hashing() {
        return ItemHash(hash(doc)).serialize(serializer);
    }
    if !doc.keeps_values {
        return plain().serialize(serializer);
    }
    kept(doc.memo())
        .get_or_init(|| tera::Value::from_serializable(&plain()))
        .serialize(serializer)
}

/// One of a document's key results in a template context (the `kr` of the roadmap's
/// undriven key results): while a context is hashed, the document's hash and the key
/// result's place, since the document's hash covers its key results; when the view keeps
/// values, the key result's value inside the document's kept value, a reference count
/// instead of a copy with every check-in made again on every rebuild.
pub struct KeyResultOf<'a>(pub &'a DocView, pub usize);

impl Serialize for KeyResultOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let KeyResultOf(doc, k) = *self;
        if hashing() {
            return (ItemHash(doc.doc_hash()), k).serialize(serializer);
        }
        if doc.keeps_values {
            let kept = doc
                .memo()
                .value
                .get_or_init(|| tera::Value::from_serializable(doc))
                .as_map()
                .and_then(|map| map.get(&tera::value::Key::Str("key_results")))
                .and_then(tera::Value::as_array)
                .and_then(|krs| krs.get(k));
            if let Some(kr) = kept {
                return kr.serialize(serializer);
            }
        }
        doc.key_results.get(k).serialize(serializer)
    }
}

/// An [`Item`] with what a decision's card adds: who decided, and what it serves.
pub struct DecisionCard<'a> {
    pub item: Item<'a>,
    pub deciders: &'a [String],
    pub why: &'a [Vec<LinkView>],
}

/// The item's fields and the card's in one struct, as a flattened item would write them
/// but without going through a map of keys made one by one.
impl Serialize for DecisionCard<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = serializer.serialize_struct("DecisionCard", Item::FIELDS + 2)?;
        self.item.write_fields(&mut out)?;
        out.serialize_field("deciders", self.deciders)?;
        out.serialize_field("why", self.why)?;
        out.end()
    }
}

/// A change as the changelog lists it: its [`Item`], and for a change read from an
/// imported changelog its text as written there (`html`: links, code and sub-lists,
/// rendered for the site), where its title is a line of plain words.
pub struct ChangeItem<'a> {
    pub doc: &'a DocView,
    pub html: Option<&'a str>,
}

impl Serialize for ChangeItem<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let Some(html) = self.html else {
            return TemplateItem(self.doc).serialize(serializer);
        };
        if hashing() {
            return (ItemHash(self.doc.item_hash()), html).serialize(serializer);
        }
        let mut out = serializer.serialize_struct("ChangeItem", Item::FIELDS + 1)?;
        self.doc.item().write_fields(&mut out)?;
        out.serialize_field("html", html)?;
        out.end()
    }
}

/// Serialises changes as [`ChangeItem`]s, each document's view asked for ahead of its
/// turn as [`as_items`] does.
pub fn as_change_items<S: serde::Serializer>(
    items: &[ChangeItem<'_>],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(ahead_of(items, |item| item.doc, Reads::Item))
}

/// Serialises decisions as [`DecisionCard`]s: the decision log shows every accepted one,
/// so they must not carry whole documents.
pub fn as_decision_cards<S: serde::Serializer>(
    docs: &[&DocView],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if hashing() {
        return serializer.collect_seq(docs.iter().map(|d| ItemHash(d.doc_hash())));
    }
    serializer.collect_seq(ahead(docs, Reads::Card).map(|d| DecisionCard {
        item: d.item(),
        deciders: &d.deciders,
        why: &d.why,
    }))
}

/// Serialises whole documents (for `#[serde(serialize_with)]`).
pub fn as_docs<S: serde::Serializer>(docs: &[&DocView], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(ahead(docs, Reads::Doc).map(TemplateDoc))
}

/// Serialises one document as an [`Item`].
pub fn as_item<S: serde::Serializer>(doc: &&DocView, serializer: S) -> Result<S::Ok, S::Error> {
    TemplateItem(doc).serialize(serializer)
}

/// Whether a site may show a document: its audience list (or the default one, except on
/// public sites, which only show documents that name one of their audiences themselves).
pub fn may_show(doc: &Document, site: &SiteConfig, default_audience: &[String]) -> bool {
    let list = match (&doc.audience, site.public) {
        (Some(list), _) => list.as_slice(),
        (None, false) => default_audience,
        (None, true) => return false,
    };
    crate::model::share_audience(list, &site.audiences)
}

/// The body with every audience block the site may not see cut out, and the markers of the
/// others removed.
pub fn body_for<'d>(doc: &'d Document, site: &SiteConfig) -> Cow<'d, str> {
    body_for_audiences(doc, &site.audiences)
}

/// [`body_for`] a site of these audiences.
pub fn body_for_audiences<'d>(doc: &'d Document, audiences: &[String]) -> Cow<'d, str> {
    if doc.blocks.is_empty() {
        return Cow::Borrowed(&doc.body);
    }
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for block in &doc.blocks {
        if crate::model::share_audience(&block.audiences, audiences) {
            cuts.push(block.open_marker);
            cuts.push(block.close_marker);
        } else {
            cuts.push((block.start, block.end));
        }
    }
    cuts.sort();
    let mut out = String::with_capacity(doc.body.len());
    let mut at = 0;
    for (start, end) in cuts {
        if start >= at {
            out.push_str(&doc.body[at..start]);
            // Keep one line end per cut so paragraphs around it stay apart.
            out.push('\n');
            hidden_definitions(&doc.body[start..end], &mut out);
        }
        at = at.max(end);
    }
    out.push_str(&doc.body[at.min(doc.body.len())..]);
    Cow::Owned(out)
}

/// The destination given, on a site that hides it, to a link reference definition
/// (`[plan]: https://…`) written in an audience block: a link that names it reads as its
/// text there (`render::markdown::safe_url` refuses the scheme), where without a
/// definition it would read as written, brackets and label too (`[the plan][plan]`).
pub const HIDDEN_DEFINITION: &str = "align-hidden:";

/// The text given, on a site that hides it, to a footnote defined in an audience block
/// (`[^deal]: …`): the page drops the footnote and every reference to it
/// (`render::markdown`), where without a definition the reference would read as written,
/// its label too (`[^deal]`).
pub const HIDDEN_FOOTNOTE: &str = "align-hidden-footnote";

/// After a cut `text` (a block, or a marker line, which holds none), its link reference
/// definitions again, each leading to [`HIDDEN_DEFINITION`], and its footnotes' definitions,
/// each holding [`HIDDEN_FOOTNOTE`], between blank lines.
fn hidden_definitions(text: &str, out: &mut String) {
    if !text.contains("]:") {
        return;
    }
    let parser = pulldown_cmark::Parser::new_ext(text, crate::load::markdown_options());
    let mut define = |open: &str, label: &str, to: &str| {
        out.push('\n');
        out.push_str(open);
        out.push_str(&label.replace(['\n', '\r'], " "));
        out.push_str("]: ");
        out.push_str(to);
        out.push_str("\n\n");
    };
    for (label, _) in parser.reference_definitions().iter() {
        define("[", label, HIDDEN_DEFINITION);
    }
    if text.contains("[^") {
        for event in parser {
            if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::FootnoteDefinition(label)) =
                event
            {
                define("[^", &label, HIDDEN_FOOTNOTE);
            }
        }
    }
}

/// A document's page, relative to the site root, as written to disk.
pub fn page_path(doc: &Document) -> String {
    format!("{}.html", doc.path_id)
}

/// The same, percent-encoded for use in an `href`.
pub fn page_url(doc: &Document) -> String {
    encode_path(&page_path(doc))
}

pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl<'a> SiteView<'a> {
    pub fn new(name: &'a str, config: &'a Config, docs: &[Document], graph: &Graph) -> Self {
        SiteView::new_for(name, config, docs, graph, None)
    }

    /// A view holding [`DocView`]s only for the marked documents (all when `only` is
    /// `None`); what the site shows is still known for every document.
    pub fn new_for(
        name: &'a str,
        config: &'a Config,
        docs: &[Document],
        graph: &Graph,
        only: Option<&[bool]>,
    ) -> Self {
        SiteView::make(name, config, docs, graph, only, None)
    }

    /// A full view that takes the [`DocView`]s of an earlier view of the same site for
    /// every document not marked `changed`. The earlier view must have been made from the
    /// same documents with the same audiences (an edit to fields only); otherwise every
    /// view is made again. `edited` are the documents whose files changed (marked too,
    /// with the documents their change reaches).
    pub fn reusing(
        name: &'a str,
        config: &'a Config,
        docs: &[Document],
        graph: &Graph,
        earlier: KeptView,
        changed: &[bool],
        edited: &[usize],
    ) -> Self {
        SiteView::make(
            name,
            config,
            docs,
            graph,
            None,
            Some((earlier, changed, edited)),
        )
    }

    /// Lets every document view keep the template values made of it, for a view that
    /// outlives the render (see [`for_template`]).
    pub fn keep_values(&mut self) {
        for doc in &mut self.docs {
            doc.keeps_values = true;
        }
    }

    /// The document views and their groupings, to keep for [`SiteView::reusing`].
    pub fn into_kept(self) -> KeptView {
        KeptView {
            docs: self.docs,
            groupings: self.groupings.into_inner(),
            shown: self.shown,
            change_lines: self.change_lines.into_inner(),
        }
    }

    fn make(
        name: &'a str,
        config: &'a Config,
        docs: &[Document],
        graph: &Graph,
        only: Option<&[bool]>,
        earlier: Option<(KeptView, &[bool], &[usize])>,
    ) -> Self {
        let site = &config.sites[name];
        let default_audience = config.default_audience();
        let shown: Vec<bool> = match &earlier {
            // A document not marked is the document the earlier view was made from:
            // whether the site shows it is taken from that view, not read again.
            Some((kept, changed, _))
                if kept.shown.len() == docs.len() && changed.len() == docs.len() =>
            {
                (0..docs.len())
                    .map(|i| {
                        if changed[i] {
                            may_show(&docs[i], site, &default_audience)
                        } else {
                            kept.shown[i]
                        }
                    })
                    .collect()
            }
            _ => docs
                .iter()
                .map(|d| may_show(d, site, &default_audience))
                .collect(),
        };
        let wanted: Vec<usize> = (0..docs.len())
            .filter(|&i| shown[i] && only.is_none_or(|o| o.get(i).copied().unwrap_or(true)))
            .collect();
        let mut position = vec![None; docs.len()];
        for (n, &i) in wanted.iter().enumerate() {
            position[i] = Some(n);
        }
        let mut view = SiteView {
            name,
            config: site,
            shown,
            position,
            docs: Vec::new(),
            targets: (0..docs.len()).map(|_| OnceLock::new()).collect(),
            unchanged: false,
            groupings: OnceLock::new(),
            change_lines: OnceLock::new(),
        };
        use rayon::prelude::*;
        // The earlier view holds a view of each document it showed, in order: the same
        // documents shown means the same places.
        let earlier = earlier.filter(|(kept, changed, _)| {
            changed.len() == docs.len()
                && kept.shown == view.shown
                && kept.docs.len() == wanted.len()
        });
        view.docs = match earlier {
            Some((kept, changed, edited)) => {
                let KeptView {
                    docs: mut views,
                    groupings,
                    change_lines,
                    ..
                } = kept;
                // An imported change is made again only when something it links to
                // changed (the changelog itself is read whole when it changes).
                let lines_alike = !wanted
                    .iter()
                    .any(|&i| changed[i] && docs[i].imported && docs[i].kind == Kind::Change);
                if let Some(lines) = change_lines.filter(|_| lines_alike) {
                    let _ = view.change_lines.set(lines);
                }
                // In place: moving every kept view into a new vector took longer than
                // making the few changed ones.
                let made: Vec<(usize, DocView)> = wanted
                    .par_iter()
                    .enumerate()
                    .filter(|(_, i)| changed[**i])
                    .map(|(n, &i)| (n, view.doc_view(docs, graph, i)))
                    .collect();
                // An edited document's page shows its body too, which no view holds.
                let mut unchanged = edited.iter().all(|&i| !view.shows(i));
                let mut grouped_alike = true;
                for (n, doc) in made {
                    unchanged = unchanged && views[n].doc_hash() == doc.doc_hash();
                    grouped_alike = grouped_alike && groups_alike(&views[n], &doc);
                    views[n] = doc;
                }
                view.unchanged = unchanged;
                if let Some(groupings) = groupings.filter(|_| grouped_alike) {
                    let _ = view.groupings.set(groupings);
                }
                views
            }
            None => {
                // What links show is made first, in the documents' order: made on first
                // use, each would be made while reading a document far from the last.
                wanted.par_iter().for_each(|&i| {
                    view.target(docs, i);
                });
                // Each view starts loading what the next ones read: a document's
                // strings and edges are scattered over the heap.
                wanted
                    .par_iter()
                    .enumerate()
                    .map(|(n, &i)| {
                        crate::prefetch::ask_ahead(&wanted, n, &[3, 2, 1], |step, &j| match step {
                            0 => ahead::prefetch_doc(&docs[j], graph, j),
                            1 => ahead::prefetch_edges(graph, j),
                            _ => view.prefetch_edge_targets(graph, j),
                        });
                        view.doc_view(docs, graph, i)
                    })
                    .collect()
            }
        };
        view
    }

    pub fn shows(&self, doc: usize) -> bool {
        self.shown.get(doc).copied().unwrap_or(false)
    }

    /// The view of a document by its project index, when the site shows it.
    pub fn view(&self, doc: usize) -> Option<&DocView> {
        self.position
            .get(doc)
            .copied()
            .flatten()
            .map(|p| &self.docs[p])
    }

    /// The title this site uses for a document.
    pub fn title_of<'d>(&self, doc: &'d Document) -> &'d str {
        match (&doc.public_title, self.config.public) {
            (Some(title), true) => title,
            _ => &doc.title,
        }
    }

    /// What links to a document show, made on first use.
    fn target(&self, docs: &[Document], i: usize) -> &Arc<LinkTarget> {
        self.targets[i].get_or_init(|| {
            Arc::new(LinkTarget {
                url: page_url(&docs[i]),
                title: self.title_of(&docs[i]).to_string(),
                kind: docs[i].kind.as_str(),
            })
        })
    }

    /// A link to a reference target, or `None` when the site may not show it.
    pub fn link(&self, docs: &[Document], target: &Target) -> Option<LinkView> {
        if !self.shows(target.doc) {
            return None;
        }
        let linked = self.target(docs, target.doc);
        let kr = target.kr.and_then(|k| docs[target.doc].key_results.get(k));
        // A heading the site does not show, in an audience block of the document, is
        // left out of the link: its anchor would say what the block holds. One it shows
        // has the anchor the site's page gives it.
        let anchor = target
            .anchor
            .as_deref()
            .and_then(|a| docs[target.doc].site_anchor(a, &self.config.audiences));
        let part = (kr.is_some() || anchor.is_some()).then(|| {
            let mut url = linked.url.clone();
            if let Some(kr) = kr {
                url.push_str("#kr-");
                url.push_str(&kr.id);
            }
            if let Some(anchor) = anchor {
                url.push('#');
                url.push_str(&encode_path(&anchor));
            }
            Box::new(LinkPart {
                url,
                title: kr.map(|kr| kr.title.clone()),
            })
        });
        Some(LinkView {
            target: Arc::clone(linked),
            part,
        })
    }

    fn node_link(&self, docs: &[Document], node: Node) -> Option<LinkView> {
        self.link(
            docs,
            &Target {
                doc: node.doc,
                kr: node.kr,
                anchor: None,
            },
        )
    }

    fn doc_view(&self, docs: &[Document], graph: &Graph, i: usize) -> DocView {
        let doc = &docs[i];
        let mut driven_whole = false;
        let site = self.config;
        let public = site.public;
        let shows = |field: &str| site.shows(field);
        let people = |field: &str, list: &Vec<String>| {
            if shows(field) {
                list.clone()
            } else {
                Vec::new()
            }
        };
        let shown = graph.scores[i].map(crate::model::shown_score);
        let score = shown.filter(|_| site.shows_computed("score"));
        let health = shown
            .filter(|_| site.shows_computed("health"))
            .map(crate::model::Health::from_score);
        // A public title says the internal wording is not the public's: the internal
        // summary, in the same wording, stays off a public site unless a public one is
        // written too, and so do the rationale and the reasons the target moved, which
        // have no public counterpart.
        let internal_wording = public && doc.public_title.is_some();
        let summary = match (public, &doc.public_summary) {
            (true, Some(s)) => Some(s.clone()),
            _ if internal_wording => None,
            _ => doc.summary.clone(),
        };
        let status = self.status(docs, graph, i);
        let mut view = DocView {
            index: i,
            path_id: doc.path_id.clone(),
            url: page_url(doc),
            id: doc.id.clone(),
            kind: doc.kind.as_str(),
            kind_label: doc.kind.label(),
            title: self.title_of(doc).to_string(),
            summary,
            summary_in_body: doc.imported && doc.kind == Kind::Release,
            status: status.clone(),
            status_slug: status.as_deref().map(crate::load::list_key),
            owners: people("owners", &doc.owners),
            team: doc.team.clone(),
            tags: doc.tags.clone(),
            created: doc.created.map(|d| d.to_string()),
            updated: doc.updated.map(|d| d.to_string()),
            // When the team means to review it is its own process, not the public's.
            review_by: doc.review_by.filter(|_| !public).map(|d| d.to_string()),
            horizon: doc.horizon.clone(),
            period: doc.period.map(|p| p.to_string()),
            level: doc.level.clone(),
            objective_type: doc.objective_type.clone(),
            start: doc.start.map(|d| d.to_string()),
            target: doc.target.map(|d| d.to_string()),
            target_history: doc
                .target_history
                .iter()
                .map(|s| SlipView {
                    date: s.date.to_string(),
                    target: s.target.to_string(),
                    reason: s.reason.clone().filter(|_| !internal_wording),
                })
                .collect(),
            slips: doc.slips(),
            slipped_from: doc.slipped_from().map(|d| d.to_string()),
            target_moved: doc
                .target
                .zip(doc.target_history.first())
                .map(|(now, first)| match now.cmp(&first.target) {
                    std::cmp::Ordering::Greater => "later",
                    std::cmp::Ordering::Less => "earlier",
                    std::cmp::Ordering::Equal => "same",
                }),
            rationale: doc.rationale.clone().filter(|_| !internal_wording),
            version: doc.version.clone(),
            date: doc.date.as_ref().map(DateText::display),
            day: doc.date.as_ref().and_then(DateText::date),
            number: doc.number,
            deciders: people("deciders", &doc.deciders),
            consulted: people("consulted", &doc.consulted),
            informed: people("informed", &doc.informed),
            category: doc.category.map(|c| c.as_str()),
            // An imported section keeps the name it is written with (`Features`, read as
            // Added), as the changelog's readers know it.
            category_label: doc
                .category_text
                .clone()
                .or_else(|| doc.category.map(|c| c.label().to_string())),
            breaking: doc.breaking,
            key_results: {
                // The initiatives driving each key result, gathered in one pass over the
                // objective's edges rather than one for each of its key results.
                let mut drivers = vec![Vec::new(); doc.key_results.len()];
                // A cancelled initiative moves nothing (`undriven-key-result` counts so).
                let moving = |from: usize| graph.status[from].as_deref() != Some("cancelled");
                let mut moved = vec![false; doc.key_results.len()];
                for edge in graph.movers(docs, i) {
                    let shown = || {
                        self.node_link(
                            docs,
                            Node {
                                doc: edge.from,
                                kr: None,
                            },
                        )
                        .is_some()
                    };
                    match edge.to.kr {
                        Some(k) if k < drivers.len() => {
                            drivers[k].push(edge.from);
                            moved[k] = moved[k] || moving(edge.from) && shown();
                        }
                        Some(_) => {}
                        None => {
                            driven_whole = driven_whole || moving(edge.from) && shown();
                        }
                    }
                }
                doc.key_results
                    .iter()
                    .zip(&drivers)
                    .zip(moved)
                    .map(|((kr, drivers), moved)| self.kr_view(docs, kr, drivers, moved))
                    .collect()
            },
            score,
            score_pct: score.map(percent),
            health: health.map(|h| h.as_str()),
            health_label: health.map(|h| h.label()),
            extra: (shows("extra") && !doc.extra.is_empty()).then(|| doc.extra.clone()),
            relations: self.relations(docs, graph, i),
            why: self.why(docs, graph, i),
            has_fields: false,
            driven_whole,
            keeps_values: false,
            memo: std::sync::OnceLock::new(),
        };
        view.has_fields = view.lists_fields();
        view
    }

    /// A document's effective status as this site may show it: `superseded` only by an
    /// accepted decision the site shows too, so that a decision it hides does not show
    /// through; else the document's own status.
    fn status(&self, docs: &[Document], graph: &Graph, i: usize) -> Option<String> {
        // Superseded by decisions this site hides only: as its own status says.
        let mut superseders = graph.superseders(docs, i).peekable();
        if superseders.peek().is_some() && !superseders.any(|j| self.shows(j)) {
            return docs[i].status.clone();
        }
        graph.status[i].clone()
    }

    /// A document's why chains as this site may show them: each up to the first step the
    /// site does not show, since what a hidden document drives or serves is its own, and
    /// none that is the start of another (the chains that went on through a hidden step).
    fn why(&self, docs: &[Document], graph: &Graph, i: usize) -> Vec<Vec<LinkView>> {
        let chains: Vec<Vec<Node>> = graph
            .why(docs, i)
            .into_iter()
            .map(|chain| {
                let shown = chain.iter().take_while(|n| self.shows(n.doc)).count();
                chain[..shown].to_vec()
            })
            .collect();
        chains
            .iter()
            .enumerate()
            .filter(|&(at, chain)| {
                !chain.is_empty()
                    && !chains[..at].contains(chain)
                    && !chains
                        .iter()
                        .any(|other| other.len() > chain.len() && other.starts_with(chain))
            })
            .map(|(_, chain)| {
                chain
                    .iter()
                    .filter_map(|&n| self.node_link(docs, n))
                    .collect()
            })
            .collect()
    }

    /// A key result as a site shows it; `drivers` are the initiatives that drive it, and
    /// `moved` whether one the site shows, and not cancelled, does.
    fn kr_view(&self, docs: &[Document], kr: &KeyResult, drivers: &[usize], moved: bool) -> KrView {
        let shows_current = self.config.shows("current");
        let shows_confidence = self.config.shows("confidence");
        let exact = kr
            .progress()
            .filter(|_| self.config.shows_computed("progress"));
        let progress_pct = exact.map(percent);
        // Without the current value, progress is published no finer than the page shows
        // it, a whole percentage: its exact value and the baseline and target would give
        // the current value back.
        let progress = match shows_current {
            true => exact,
            false => progress_pct.map(|pct| f64::from(pct) / 100.0),
        };
        let health = kr.health().filter(|_| self.config.shows_computed("health"));
        let driven_by = drivers
            .iter()
            .filter_map(|&doc| self.node_link(docs, Node { doc, kr: None }))
            .collect();
        let shows_checkins = self.config.shows("checkins") && shows_current;
        KrView {
            sparkline: sparkline(kr).filter(|_| shows_checkins),
            id: kr.id.clone(),
            anchor: format!("kr-{}", kr.id),
            title: kr.title.clone(),
            unit: kr.unit.clone(),
            direction: match kr.direction {
                Some(crate::model::Direction::Decrease) => "decrease",
                _ if kr.target < kr.baseline => "decrease",
                _ => "increase",
            },
            baseline: kr.baseline,
            target: kr.target,
            current: kr.current_value().filter(|_| shows_current),
            confidence: kr.current_confidence().filter(|_| shows_confidence),
            progress,
            progress_pct,
            score: kr.score().filter(|_| self.config.shows_computed("score")),
            health: health.map(|h| h.as_str()),
            health_label: health.map(|h| h.label()),
            // The latest check-in is the current value: shown only with it.
            checkins: if shows_checkins {
                kr.sorted_checkins()
                    .into_iter()
                    .map(|c| CheckinView {
                        date: c.date.to_string(),
                        value: c.value,
                        confidence: c.confidence.filter(|_| shows_confidence),
                        note: c.note.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            driven_by,
            moved,
        }
    }

    /// Relations both ways, grouped by name, keeping only documents the site shows.
    fn relations(&self, docs: &[Document], graph: &Graph, i: usize) -> Vec<RelGroup> {
        let mut groups: Vec<RelGroup> = Vec::new();
        // Each end once in a group: an initiative driving two key results of an objective
        // drives it once as seen from there, and a page linking twice references once.
        let mut seen = std::collections::HashSet::new();
        let relates_to = RelKind::RelatesTo.field();
        // `key` names the relation (a document is listed once under it); `group` is the
        // heading it is listed under: the relation's own, or the words a record names it
        // with (adr-tools' `Clarifies`).
        let mut push = |key: &'static str,
                        group: (Cow<'static, str>, Cow<'static, str>),
                        (doc, kr): (usize, Option<usize>),
                        link: LinkView| {
            // One that relates to this one, which this one relates to already
            // (`Clarifies` and `Clarified by` in two records), is listed once: the
            // relation goes both ways.
            let both_ways =
                key == RelKind::RelatesTo.reverse() && seen.contains(&(relates_to, doc, kr));
            if both_ways || !seen.insert((key, doc, kr)) {
                return;
            }
            let (key, label) = group;
            match groups.iter_mut().find(|g| g.key == key) {
                Some(group) => group.items.push(link),
                None => groups.push(RelGroup {
                    key,
                    label,
                    items: vec![link],
                }),
            }
        };
        for &e in &graph.outgoing[i] {
            let edge = &graph.edges[e];
            if edge.kind == RelKind::Mentions {
                continue;
            }
            if let Some(link) = self.link(
                docs,
                &Target {
                    anchor: None,
                    ..edge.to.clone()
                },
            ) {
                let group = match &edge.phrase {
                    Some(words) => (Cow::Owned(words.to_lowercase()), Cow::Owned(words.clone())),
                    None => (edge.kind.field().into(), edge.kind.label().into()),
                };
                push(edge.kind.field(), group, (edge.to.doc, edge.to.kr), link);
            }
        }
        // An imported changelog's entries as it writes them (one in an audience block
        // among the others), as the changelog page lists them.
        let from_changelog = |e: usize| docs[graph.edges[e].from].changelog_line();
        let mut incoming = std::borrow::Cow::Borrowed(graph.incoming[i].as_slice());
        if incoming
            .iter()
            .filter(|&&e| from_changelog(e).is_some())
            .nth(1)
            .is_some()
        {
            crate::model::in_written_order(incoming.to_mut(), from_changelog);
        }
        for &e in incoming.iter() {
            let edge = &graph.edges[e];
            if !edge.shown_to(&self.config.audiences) {
                continue;
            }
            if let Some(link) = self.node_link(
                docs,
                Node {
                    doc: edge.from,
                    kr: None,
                },
            ) {
                let (key, label) = reverse_relation(edge.kind, &docs[edge.from]);
                push(key, (key.into(), label.into()), (edge.from, None), link);
            }
        }
        groups
    }

    /// Views of the visible documents of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &DocView> {
        self.docs.iter().filter(move |d| d.kind == kind.as_str())
    }
}

/// The key and label of a relation read from its other end. A record never accepted
/// does not supersede the one it names (see `Graph::superseders`): it is listed as a
/// rejected successor, or a proposed one (a draft, a proposal, a record without a status
/// or with one of its own, such as `Pending`), not under "Superseded by".
fn reverse_relation(kind: RelKind, from: &Document) -> (&'static str, &'static str) {
    // The other end's status is read for this relation only: most links to a document
    // are of other kinds, and each read is of a document elsewhere in the heap.
    if kind == RelKind::Supersedes {
        let status = from.status.as_deref();
        if status == Some("rejected") {
            return ("rejected_successor", "Rejected successor");
        }
        if !crate::model::ever_accepted(status) {
            return ("proposed_successor", "Proposed successor");
        }
    }
    (kind.reverse(), kind.reverse_label())
}

/// Check-in values as points in an 80×20 box, scaled between the lowest and highest of
/// baseline, target and values, so the target line sits at a fixed place.
fn sparkline(kr: &KeyResult) -> Option<String> {
    let checkins = kr.sorted_checkins();
    if checkins.is_empty() {
        return None;
    }
    let mut values: Vec<f64> = vec![kr.baseline];
    values.extend(checkins.iter().map(|c| c.value));
    let lo = values
        .iter()
        .chain([&kr.target])
        .copied()
        .fold(f64::INFINITY, f64::min);
    let hi = values
        .iter()
        .chain([&kr.target])
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = 80.0 / (values.len().saturating_sub(1).max(1)) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                19.0 - (v - lo) / span * 18.0
            )
        })
        .collect();
    Some(points.join(" "))
}

/// Rounded down as the score is: 69 % for 0.696, at risk, not 70 %.
fn percent(value: f64) -> u32 {
    crate::model::hundredths(value).clamp(0.0, 100.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(audiences: &[&str], public: bool) -> SiteConfig {
        SiteConfig {
            title: "s".into(),
            description: None,
            audiences: audiences.iter().map(|s| s.to_string()).collect(),
            home: Default::default(),
            public,
            public_fields: vec![],
            raw_html: None,
            show_unreleased: false,
            url: None,
            line: 0,
        }
    }

    /// A project folder whose one site, `team`, shows the audience `team`, and its config.
    fn team_config() -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("align.toml"),
            "title = \"T\"\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n",
        )
        .unwrap();
        let config = crate::config::load(dir.path()).unwrap();
        (dir, config)
    }

    /// A key result from 0 to 10.
    fn key_result(id: &str, title: &str, current: Option<f64>) -> crate::model::KeyResult {
        crate::model::KeyResult {
            id: id.into(),
            title: title.into(),
            unit: None,
            direction: None,
            baseline: 0.0,
            target: 10.0,
            current,
            confidence: None,
            checkins: Vec::new(),
            line: 1,
            confidence_line: 1,
            current_line: 1,
        }
    }

    /// The document views of a site `team` showing `doc`.
    fn team_views(doc: Document) -> Vec<DocView> {
        let (dir, config) = team_config();
        let docs = vec![Document {
            audience: Some(vec!["team".into()]),
            ..doc
        }];
        let (graph, _) = Graph::build(&docs, dir.path());
        SiteView::new("team", &config, &docs, &graph)
            .into_kept()
            .docs
    }

    /// `has_fields` follows the default theme's `_fields.html`: true exactly when the
    /// template lists something, for each field it lists.
    #[test]
    fn has_fields_is_true_exactly_when_the_theme_lists_a_field() {
        #[derive(Serialize)]
        struct Ctx<'a> {
            doc: &'a DocView,
            root: &'a str,
        }
        let theme = crate::theme::load(std::path::Path::new("no-such-project")).unwrap();
        let renderer = crate::render::Renderer::new(&theme.templates).unwrap();
        let listed = |doc: &DocView| {
            let html = renderer
                .render("_fields.html", &Ctx { doc, root: "" })
                .unwrap();
            html.contains("<dt>")
        };
        let plain = views_of("A").remove(0);
        assert!(!plain.lists_fields() && !listed(&plain));
        let text = || Some("x".to_string());
        let list = || vec!["x".to_string()];
        type Set = fn(&mut DocView, Option<String>, Vec<String>);
        let fields: [(&str, Set); 18] = [
            ("owners", |d, _, l| d.owners = l),
            ("team", |d, t, _| d.team = t),
            ("period", |d, t, _| d.period = t),
            ("level", |d, t, _| d.level = t),
            ("objective_type", |d, t, _| d.objective_type = t),
            ("horizon", |d, t, _| d.horizon = t),
            ("start", |d, t, _| d.start = t),
            ("target", |d, t, _| d.target = t),
            ("version", |d, t, _| d.version = t),
            ("date", |d, t, _| d.date = t),
            ("deciders", |d, _, l| d.deciders = l),
            ("consulted", |d, _, l| d.consulted = l),
            ("informed", |d, _, l| d.informed = l),
            ("tags", |d, _, l| d.tags = l),
            ("created", |d, t, _| d.created = t),
            ("updated", |d, t, _| d.updated = t),
            ("review_by", |d, t, _| d.review_by = t),
            ("extra", |d, t, _| {
                d.extra = t.map(|t| serde_json::Map::from_iter([(t, "y".into())]));
            }),
        ];
        for (name, set) in fields {
            let mut doc = plain.clone();
            set(&mut doc, text(), list());
            assert!(doc.lists_fields() && listed(&doc), "{name}");
            // An empty string is not set, for the engine or for the flag.
            let mut empty = plain.clone();
            set(&mut empty, Some(String::new()), Vec::new());
            assert_eq!(empty.lists_fields(), listed(&empty), "{name} empty");
        }
    }

    /// The document views of one site showing a page titled `title`.
    fn views_of(title: &str) -> Vec<DocView> {
        team_views(Document {
            path_id: "pages/a".into(),
            title: title.into(),
            ..Document::default()
        })
    }

    #[derive(Serialize)]
    struct ListOf<'a> {
        #[serde(serialize_with = "as_items")]
        items: Vec<&'a DocView>,
        #[serde(serialize_with = "as_item")]
        first: &'a DocView,
        #[serde(serialize_with = "as_docs")]
        whole: Vec<&'a DocView>,
    }

    fn list_of(views: &[DocView]) -> ListOf<'_> {
        ListOf {
            items: views.iter().collect(),
            first: &views[0],
            whole: views.iter().collect(),
        }
    }

    fn json(views: &[DocView]) -> String {
        serde_json::to_string(&list_of(views)).unwrap()
    }

    fn objective_views(kr_titles: &[&str]) -> Vec<DocView> {
        let key_results = kr_titles
            .iter()
            .enumerate()
            .map(|(n, title)| key_result(&format!("kr{n}"), title, Some(n as f64)))
            .collect();
        team_views(Document {
            path_id: "objectives/o".into(),
            title: "O".into(),
            kind: crate::model::Kind::Objective,
            key_results,
            ..Document::default()
        })
    }

    #[test]
    fn a_key_result_of_a_kept_view_is_the_one_a_fresh_view_makes() {
        let made = objective_views(&["First", "Second"]);
        let mut kept = objective_views(&["First", "Second"]);
        kept.iter_mut().for_each(|d| d.keeps_values = true);
        for k in 0..2 {
            let fresh = tera::Value::from_serializable(&KeyResultOf(&made[0], k)).to_string();
            assert!(fresh.contains(["First", "Second"][k]), "{fresh}");
            let from_kept = tera::Value::from_serializable(&KeyResultOf(&kept[0], k)).to_string();
            assert_eq!(from_kept, fresh);
        }
        assert!(
            kept[0].memo().value.get().is_some(),
            "taken from the document's kept value"
        );
        let hash = |views: &[DocView], k| {
            hashing_items(|| crate::digest::digest(&KeyResultOf(&views[0], k)).unwrap())
        };
        assert_ne!(hash(&kept, 0), hash(&kept, 1), "the place counts");
        assert_ne!(
            hash(&objective_views(&["First", "Second"]), 1),
            hash(&objective_views(&["First", "Changed"]), 1),
            "the document's hash covers its key results"
        );
    }

    #[test]
    fn kept_template_values_are_the_items_and_documents_they_stand_for() {
        let made = views_of("Alpha");
        let mut kept = views_of("Alpha");
        kept.iter_mut().for_each(|d| d.keeps_values = true);
        let template =
            |views: &[DocView]| tera::Value::from_serializable(&list_of(views)).to_string();
        let expected = template(&made);
        assert!(expected.contains("Alpha"), "{expected}");
        assert_eq!(template(&kept), expected, "the values are made");
        let memo = kept[0].memo();
        assert!(memo.item_value.get().is_some() && memo.value.get().is_some());
        assert!(made[0].memo.get().is_none(), "a view that keeps nothing");
        assert_eq!(template(&kept), expected, "the kept values are taken");
        assert_eq!(
            json(&kept),
            json(&made),
            "and written as the fields elsewhere"
        );
        assert_eq!(
            hashing_items(|| json(&kept)),
            hashing_items(|| json(&made)),
            "and hashed by the fields"
        );
    }

    #[test]
    fn items_hash_by_their_fields_only_while_a_context_is_hashed() {
        let alpha = views_of("Alpha");
        let plain = json(&alpha);
        assert!(plain.contains("\"title\":\"Alpha\""), "{plain}");
        let hashed = hashing_items(|| json(&alpha));
        let parsed: serde_json::Value = serde_json::from_str(&hashed).unwrap();
        let items = format!("{} {}", parsed["items"], parsed["first"]);
        assert!(!items.contains("Alpha"), "{items}");
        assert!(
            !parsed["whole"].to_string().contains("Alpha"),
            "whole documents stand for themselves by a hash too"
        );
        let bytes: Vec<serde_json::Value> = alpha[0]
            .item_hash()
            .as_bytes()
            .iter()
            .map(|&b| b.into())
            .collect();
        assert_eq!(parsed["items"][0], serde_json::Value::Array(bytes));
        assert_eq!(
            json(&alpha),
            plain,
            "items serialise whole again afterwards"
        );
        assert_eq!(hashing_items(|| json(&views_of("Alpha"))), hashed);
        assert_ne!(hashing_items(|| json(&views_of("Beta"))), hashed);
    }

    #[test]
    fn links_to_a_document_share_its_target_and_parts_of_it_show_their_own_words() {
        let (dir, config) = team_config();
        let docs = vec![Document {
            path_id: "objectives/o k".into(),
            title: "Speed".into(),
            kind: crate::model::Kind::Objective,
            audience: Some(vec!["team".into()]),
            key_results: vec![key_result("kr1", "Faster pages", None)],
            ..Document::default()
        }];
        let (graph, _) = Graph::build(&docs, dir.path());
        let view = SiteView::new("team", &config, &docs, &graph);
        let to = |kr: Option<usize>, anchor: Option<&str>| {
            view.link(
                &docs,
                &Target {
                    doc: 0,
                    kr,
                    anchor: anchor.map(str::to_string),
                },
            )
            .unwrap()
        };
        let (whole, again) = (to(None, None), to(None, None));
        assert!(Arc::ptr_eq(&whole.target, &again.target));
        let fields = |link: &LinkView| serde_json::to_value(link).unwrap();
        assert_eq!(
            fields(&whole),
            serde_json::json!({"title": "Speed", "url": "objectives/o%20k.html", "kind": "objective", "context": null})
        );
        assert_eq!(
            fields(&to(Some(0), None)),
            serde_json::json!({"title": "Faster pages", "url": "objectives/o%20k.html#kr-kr1", "kind": "objective", "context": "Speed"})
        );
        assert_eq!(
            fields(&to(None, Some("next steps"))),
            serde_json::json!({"title": "Speed", "url": "objectives/o%20k.html#next%20steps", "kind": "objective", "context": null})
        );
        assert_eq!(
            fields(&to(Some(0), Some("h"))),
            serde_json::json!({"title": "Faster pages", "url": "objectives/o%20k.html#kr-kr1#h", "kind": "objective", "context": "Speed"})
        );
    }

    #[test]
    fn public_sites_are_default_deny() {
        let doc = Document::default();
        let default = vec!["public".to_string()];
        assert!(!may_show(&doc, &site(&["public"], true), &default));
        assert!(may_show(&doc, &site(&["public"], false), &default));
        let doc = Document {
            audience: Some(vec!["public".into()]),
            ..Document::default()
        };
        assert!(may_show(&doc, &site(&["public"], true), &default));
    }

    #[test]
    fn hidden_blocks_are_cut_and_markers_dropped() {
        let body = "a\n<!-- audience: exec -->\nsecret\n<!-- /audience -->\nb\n";
        let blocks = crate::load::audience_blocks(body).unwrap();
        let doc = Document {
            body: body.into(),
            blocks,
            ..Document::default()
        };
        let team = body_for(&doc, &site(&["team"], false));
        assert!(!team.contains("secret") && team.contains('a') && team.contains('b'));
        let exec = body_for(&doc, &site(&["exec"], false));
        assert!(exec.contains("secret") && !exec.contains("audience"));
    }

    #[test]
    fn a_decision_card_is_its_item_then_who_decided_and_why() {
        let views = team_views(Document {
            path_id: "decisions/d".into(),
            kind: Kind::Decision,
            title: "Use Postgres".into(),
            number: Some(7),
            deciders: vec!["Ana".into()],
            ..Document::default()
        });
        let view = &views[0];
        let keys = |value: serde_json::Value| -> Vec<String> {
            value.as_object().unwrap().keys().cloned().collect()
        };
        let item = keys(serde_json::to_value(view.item()).unwrap());
        assert_eq!(item.len(), Item::FIELDS);
        let card = serde_json::to_value(DecisionCard {
            item: view.item(),
            deciders: &view.deciders,
            why: &view.why,
        })
        .unwrap();
        assert_eq!(card["title"], "Use Postgres");
        assert_eq!(card["number"], 7);
        assert_eq!(card["deciders"], serde_json::json!(["Ana"]));
        let mut expected = item;
        expected.extend(["deciders".to_string(), "why".to_string()]);
        let mut card = keys(card);
        card.sort();
        expected.sort();
        assert_eq!(card, expected);
    }

    #[test]
    fn asking_ahead_serialises_every_entry_once_in_order() {
        let one = views_of("A").remove(0);
        use ahead::AHEAD;
        for count in [0, 1, AHEAD - 1, AHEAD, 3 * AHEAD + 1] {
            let views: Vec<DocView> = (0..count)
                .map(|n| DocView {
                    title: format!("doc {n}"),
                    ..one.clone()
                })
                .collect();
            let refs: Vec<&DocView> = views.iter().collect();
            for reads in [Reads::Item, Reads::Card, Reads::Doc] {
                let titles: Vec<&str> = ahead(&refs, reads).map(|d| d.title.as_str()).collect();
                let expected: Vec<String> = (0..count).map(|n| format!("doc {n}")).collect();
                assert_eq!(titles, expected);
            }
            let pairs: Vec<(usize, &DocView)> = refs.iter().copied().enumerate().collect();
            let order: Vec<usize> = ahead_of(&pairs, |(_, d)| d, Reads::Doc)
                .map(|(n, _)| *n)
                .collect();
            assert_eq!(order, (0..count).collect::<Vec<_>>());
        }
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("a b/é.html"), "a%20b/%C3%A9.html");
    }
}
