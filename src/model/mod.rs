//! The documents of a project as plain data: kinds, fields, key results, periods. No I/O.

mod kind;
mod okr;
pub mod period;

pub use kind::{Category, Horizon, Kind, ever_accepted, release_shipped};
pub use okr::{Checkin, Direction, Health, KeyResult, hundredths, objective_score, shown_score};
pub use period::Period;

use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

/// A relation field in frontmatter (or in an imported record's body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelKind {
    Parent,
    Drives,
    DependsOn,
    Release,
    Supersedes,
    Amends,
    Extends,
    RelatesTo,
    Justifies,
    Implements,
    /// A link in the body.
    Mentions,
}

impl RelKind {
    pub fn field(self) -> &'static str {
        match self {
            RelKind::Parent => "parent",
            RelKind::Drives => "drives",
            RelKind::DependsOn => "depends_on",
            RelKind::Release => "release",
            RelKind::Supersedes => "supersedes",
            RelKind::Amends => "amends",
            RelKind::Extends => "extends",
            RelKind::RelatesTo => "relates_to",
            RelKind::Justifies => "justifies",
            RelKind::Implements => "implements",
            RelKind::Mentions => "links_to",
        }
    }

    /// The name of the same relation seen from its target.
    pub fn reverse(self) -> &'static str {
        match self {
            RelKind::Parent => "children",
            RelKind::Drives => "driven_by",
            RelKind::DependsOn => "blocks",
            RelKind::Release => "contains",
            RelKind::Supersedes => "superseded_by",
            RelKind::Amends => "amended_by",
            RelKind::Extends => "extended_by",
            RelKind::RelatesTo => "related_to",
            RelKind::Justifies => "justified_by",
            RelKind::Implements => "shipped_in",
            RelKind::Mentions => "referenced_by",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RelKind::Parent => "Parent",
            RelKind::Drives => "Drives",
            RelKind::DependsOn => "Depends on",
            RelKind::Release => "Release",
            RelKind::Supersedes => "Supersedes",
            RelKind::Amends => "Amends",
            RelKind::Extends => "Extends",
            RelKind::RelatesTo => "Relates to",
            RelKind::Justifies => "Justifies",
            RelKind::Implements => "Implements",
            RelKind::Mentions => "Links to",
        }
    }

    pub fn reverse_label(self) -> &'static str {
        match self {
            RelKind::Parent => "Children",
            RelKind::Drives => "Driven by",
            RelKind::DependsOn => "Blocks",
            RelKind::Release => "Contains",
            RelKind::Supersedes => "Superseded by",
            RelKind::Amends => "Amended by",
            RelKind::Extends => "Extended by",
            RelKind::RelatesTo => "Related to",
            RelKind::Justifies => "Justified by",
            RelKind::Implements => "Shipped in",
            RelKind::Mentions => "Referenced by",
        }
    }
}

/// A reference as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct RefText {
    pub kind: RelKind,
    pub text: String,
    /// The author's label, for body links.
    pub label: Option<String>,
    pub line: usize,
    pub col: usize,
    /// Written on the other end: `Superseded by X` in this record means X supersedes it.
    pub inverse: bool,
    /// For body links: the audience lists of the audience blocks around the link. A site
    /// sees the link only if it shares an audience with every one of them.
    pub audiences: Vec<Vec<String>>,
    /// For a reference link (`[text][label]`, `[label]`): the line of its definition
    /// (`[label]: dest`), whose audience blocks count too, since a site that hides the
    /// definition shows the link as plain text.
    pub defined_at: Option<usize>,
    /// For a relation an imported record names in its own words (adr-tools' custom links,
    /// `Clarified by [3. Title](0003-title.md)`): those words, which its page shows for
    /// the relation instead of the kind's name.
    pub phrase: Option<String>,
}

/// Reorders the items that `line` gives a line for (entries of one file, such as an
/// imported changelog's) by that line, each into a place one of them held; the others
/// keep their places.
pub fn in_written_order<T: Copy>(items: &mut [T], line: impl Fn(T) -> Option<usize>) {
    let places: Vec<usize> = (0..items.len())
        .filter(|&i| line(items[i]).is_some())
        .collect();
    let mut written: Vec<T> = places.iter().map(|&i| items[i]).collect();
    written.sort_by_key(|&item| line(item));
    for (place, item) in places.into_iter().zip(written) {
        items[place] = item;
    }
}

/// Whether a site with these audiences sees something inside these audience blocks.
pub fn blocks_allow(blocks: &[Vec<String>], site_audiences: &[String]) -> bool {
    blocks
        .iter()
        .all(|list| share_audience(list, site_audiences))
}

/// Whether two audience lists name an audience in common: compared pair by pair when
/// short, through a set of the shorter one when long (a document and a site of 40,000
/// audiences each took seconds).
pub fn share_audience(list: &[String], others: &[String]) -> bool {
    if list.len().saturating_mul(others.len()) <= 64 {
        return list.iter().any(|a| others.contains(a));
    }
    let (few, many) = if list.len() <= others.len() {
        (list, others)
    } else {
        (others, list)
    };
    let few: std::collections::HashSet<&str> = few.iter().map(String::as_str).collect();
    many.iter().any(|a| few.contains(a.as_str()))
}

/// What [`Document::site_anchor`] made for each set of audiences it was asked about.
/// A copy starts empty, since it may be given other headings or blocks.
#[derive(Debug)]
pub struct SiteMemo<T: ?Sized>(std::sync::Mutex<Vec<SiteMemoFor<T>>>);

type SiteMemoFor<T> = (Vec<String>, std::sync::Arc<T>);

/// The anchor each site gives a document's headings, `None` for those it hides.
pub type SiteAnchors = SiteMemo<[Option<Box<str>>]>;

impl<T: ?Sized> Default for SiteMemo<T> {
    fn default() -> Self {
        SiteMemo(std::sync::Mutex::default())
    }
}

impl<T: ?Sized> SiteMemo<T> {
    fn get(
        &self,
        audiences: &[String],
        make: impl FnOnce() -> std::sync::Arc<T>,
    ) -> std::sync::Arc<T> {
        let mut made = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, anchors)) = made.iter().find(|(a, _)| a == audiences) {
            return anchors.clone();
        }
        let anchors = make();
        made.push((audiences.to_vec(), anchors.clone()));
        anchors
    }
}

impl<T: ?Sized> Clone for SiteMemo<T> {
    fn clone(&self) -> Self {
        SiteMemo::default()
    }
}

/// A schedule slip of an initiative.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slip {
    pub date: Date,
    pub target: Date,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A date as written when it could not be read (imported records keep it).
#[derive(Debug, Clone, PartialEq)]
pub enum DateText {
    Date(Date),
    Raw(String),
    /// A day read with the words written after it, shown with them
    /// (`2021-01-31 (updated 2021-02-01)`, as an imported record may say it).
    Noted(Date, String),
}

impl DateText {
    pub fn date(&self) -> Option<Date> {
        match self {
            DateText::Date(d) | DateText::Noted(d, _) => Some(*d),
            DateText::Raw(_) => None,
        }
    }

    pub fn display(&self) -> String {
        match self {
            DateText::Date(d) => d.to_string(),
            DateText::Raw(s) => s.clone(),
            DateText::Noted(d, words) => format!("{d} {words}"),
        }
    }
}

/// A heading of the body, with the anchor it gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub anchor: String,
    pub text: String,
    pub level: u8,
    /// Where the heading starts in the body, in bytes.
    pub offset: usize,
    /// The id written on the heading (`## Rollout {#rollout}`), whatever anchor it took
    /// (`rollout-1` where the page holds `rollout` already).
    pub written: Option<String>,
}

/// A part of the body restricted to some audiences.
#[derive(Debug, Clone, PartialEq)]
pub struct AudienceBlock {
    pub audiences: Vec<String>,
    /// Byte range of the whole block in the body, markers included.
    pub start: usize,
    pub end: usize,
    /// Byte ranges of the two marker lines, dropped for every audience.
    pub open_marker: (usize, usize),
    pub close_marker: (usize, usize),
}

/// One document: its identity, its typed fields and its body.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Relative to the project folder: `content/decisions/0007-adopt-postgres.md`.
    pub source: PathBuf,
    pub path_id: String,
    pub id: Option<String>,
    pub kind: Kind,
    pub title: String,
    /// Records in another tool's format: lenient fields, statuses kept as written.
    pub imported: bool,

    pub summary: Option<String>,
    pub status: Option<String>,
    pub owners: Vec<String>,
    pub team: Option<String>,
    pub tags: Vec<String>,
    pub audience: Option<Vec<String>>,
    pub created: Option<Date>,
    pub updated: Option<Date>,
    pub review_by: Option<Date>,
    pub public_title: Option<String>,
    pub public_summary: Option<String>,

    /// Free text for strategy (`2026-2028`), now/next/later for initiatives.
    pub horizon: Option<String>,
    pub period: Option<Period>,
    pub level: Option<String>,
    pub objective_type: Option<String>,
    pub key_results: Vec<KeyResult>,
    /// Some key results are written but could not be read (each is an error already).
    pub key_results_unread: bool,
    /// The ids of those key results: links to them are not broken, only unread.
    pub unread_key_results: Vec<String>,
    /// The anchors of headings left out of the body because the page's header says what
    /// their sections said (an imported record's `## Status`): a link to one leads to
    /// the page.
    pub left_out_anchors: Vec<String>,
    pub start: Option<Date>,
    pub target: Option<Date>,
    pub target_history: Vec<Slip>,
    pub rationale: Option<String>,
    pub version: Option<String>,
    pub date: Option<DateText>,
    pub number: Option<u32>,
    pub deciders: Vec<String>,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
    pub category: Option<Category>,
    /// A changelog section name that is not one of the standard categories, kept as written.
    pub category_text: Option<String>,
    pub breaking: bool,

    pub refs: Vec<RefText>,
    /// Links and images to local files that are not documents (`diagram.png`).
    pub assets: Vec<RefText>,
    /// Links within the document's own page (`[usage](#usage)`), and the ids its body
    /// gives elements besides its headings (footnotes' labels, raw HTML's ids the
    /// sanitiser keeps), for the `broken-anchor` rule.
    pub fragments: Vec<RefText>,
    pub body_ids: Vec<String>,
    /// Local files the body links to, as written, that no site publishes (missing, or
    /// outside `content/`): such a link is its text on a page, and such an image its
    /// description, instead of leading nowhere. Found when the project is put together.
    pub unpublished_files: Vec<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Line of each frontmatter field, for diagnostics.
    pub field_lines: Vec<(String, usize)>,

    pub body: String,
    /// Line in the source file where the body starts (1-based).
    pub body_line: usize,
    /// Headings with their anchors; read from the body when first asked for.
    pub headings: std::sync::OnceLock<Vec<Heading>>,
    /// The ids the project's own templates write on its page, which no heading's anchor
    /// takes (see [`crate::config::Config::page_ids`]); shared by every document.
    pub page_ids: std::sync::Arc<[String]>,
    /// The key results in the order of their ids and the headings in the order of their
    /// anchors, made when first looked up in, for documents with many (see [`find_by_key`]).
    pub kr_order: std::sync::OnceLock<Vec<u32>>,
    pub anchor_order: std::sync::OnceLock<Vec<u32>>,
    /// The anchors each site gives the headings, for documents with audience blocks (see
    /// [`Document::site_anchor`]).
    pub site_anchors: SiteAnchors,
    /// The footnotes' and raw HTML's ids each site's page has, for documents with
    /// audience blocks (see [`Document::site_anchor`]).
    pub site_ids: SiteMemo<[Box<str>]>,
    /// A hash of everything but the prose: frontmatter, links, files linked, and what the
    /// alignment rules read from the prose (its blocks' audiences, how many lines start
    /// with `TODO`). Two versions of a document with the same fingerprint differ only in
    /// what their own page shows.
    pub fingerprint: Option<blake3::Hash>,
    pub blocks: Vec<AudienceBlock>,
    /// 0-based lines of the body that start with a `TODO` placeholder, found while the
    /// body is read (see the `placeholder` rule).
    pub placeholder_lines: Vec<usize>,
    /// Whether the frontmatter holds `TODO` anywhere, found while it is read: the
    /// `placeholder` rule reads the fields of only such documents.
    pub todo_in_frontmatter: bool,
    /// Whether the body's raw HTML is more than the sanitiser parses in linear time
    /// (`render::html_load`), found while the body is read (see the `raw-html-limits`
    /// rule).
    pub html_past_bound: bool,
}

/// The first of `items` whose key is `wanted`: looked for in order among a few, else by a
/// binary search in `order`, the items sorted by key when first needed, so that a document
/// holding thousands, each linked to, is not searched from its start for every link.
fn find_by_key<T>(
    items: &[T],
    key: impl Fn(&T) -> &str,
    order: &std::sync::OnceLock<Vec<u32>>,
    wanted: &str,
) -> Option<usize> {
    const FEW: usize = 16;
    if items.len() <= FEW {
        return items.iter().position(|item| key(item) == wanted);
    }
    let order = order.get_or_init(|| {
        let mut order: Vec<u32> = (0..items.len() as u32).collect();
        // Stable, so that the first of equal keys comes first, as in a search in order.
        order.sort_by(|&a, &b| key(&items[a as usize]).cmp(key(&items[b as usize])));
        order
    });
    let at = order.partition_point(|&i| key(&items[i as usize]) < wanted);
    order
        .get(at)
        .map(|&i| i as usize)
        .filter(|&i| key(&items[i]) == wanted)
}

/// Path ids in the order a reader counts them: runs of digits compared as numbers
/// (`changelog/v0.9.1` before `changelog/v0.10.0`, `releases/2-3-0` before
/// `releases/2-10-0`), everything else byte by byte; names equal so (`07` and `7`) by
/// their bytes, so that the order is total. It is the order of [`natural_bytes`].
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // Where the names part outside a number, or inside numbers of one width (zero-padded
    // ones), the order is that of their bytes, found without reading the numbers.
    let p = x.iter().zip(y).take_while(|(c, d)| c == d).count();
    let digit = |s: &[u8], at: usize| s.get(at).is_some_and(u8::is_ascii_digit);
    let run_end = |s: &[u8]| p + s[p..].iter().take_while(|c| c.is_ascii_digit()).count();
    let in_number = (p > 0 && digit(x, p - 1)) || digit(x, p) || digit(y, p);
    if !in_number || run_end(x) == run_end(y) {
        return x.cmp(y);
    }
    natural_bytes(a).cmp(natural_bytes(b))
}

/// The bytes of [`natural_bytes`], made once per name, so that a sort compares bytes
/// instead of reading numbers again.
pub fn natural_key(name: &str) -> Vec<u8> {
    natural_bytes(name).collect()
}

/// What [`natural_cmp`] compares: each run of digits is a mark (`0`, which sorts against
/// any other byte as a digit does), its length without leading zeros and those digits;
/// every other byte is itself; the name after a zero byte breaks ties.
fn natural_bytes(name: &str) -> impl Iterator<Item = u8> + '_ {
    let bytes = name.as_bytes();
    let mut at = 0;
    let runs = std::iter::from_fn(move || {
        let start = at;
        let digits = bytes.get(start)?.is_ascii_digit();
        at += bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit() == digits)
            .count();
        let run = &bytes[start..at];
        Some(if digits {
            let number = &run[run.iter().take_while(|&&b| b == b'0').count()..];
            let length = u32::try_from(number.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes();
            let [a, b, c, d] = length;
            (Some([b'0', a, b, c, d]), number)
        } else {
            (None, run)
        })
    });
    runs.flat_map(|(mark, run)| mark.into_iter().flatten().chain(run.iter().copied()))
        .chain(std::iter::once(0))
        .chain(bytes.iter().copied())
}

impl Document {
    /// How many of the moves in `target_history` put the target later: an entry's
    /// `target` is the date it replaced, and the date that replaced it is the next entry's
    /// `target`, or `target` for the last. A date brought forward is no slip.
    pub fn slips(&self) -> usize {
        let history = &self.target_history;
        (0..history.len())
            .filter(|&at| {
                let next = history.get(at + 1).map(|s| s.target).or(self.target);
                next.is_some_and(|next| next > history[at].target)
            })
            .count()
    }

    /// The target first planned, when the target is now later than it.
    pub fn slipped_from(&self) -> Option<Date> {
        let first = self.target_history.first()?.target;
        (self.target? > first).then_some(first)
    }

    /// The line a frontmatter field was written on, else where the document starts.
    pub fn field_line(&self, field: &str) -> usize {
        self.field_lines
            .iter()
            .find(|(name, _)| name == field)
            .map_or_else(|| self.top_line(), |(_, line)| *line)
    }

    /// For an entry of the imported changelog, its line there (the changelog's order);
    /// `None` for any other document.
    pub fn changelog_line(&self) -> Option<usize> {
        (self.imported && self.kind == Kind::Change).then(|| self.top_line())
    }

    /// Where the document starts in its file: the first line, or for a release or change
    /// read from the imported changelog, its heading or bullet there.
    pub fn top_line(&self) -> usize {
        match self.kind {
            Kind::Release if self.imported => self.body_line.saturating_sub(1).max(1),
            Kind::Change if self.imported => self.body_line.max(1),
            _ => 1,
        }
    }

    pub fn key_result(&self, id: &str) -> Option<usize> {
        find_by_key(&self.key_results, |kr| &kr.id, &self.kr_order, id)
    }

    /// The anchor that a site for `audiences` gives the heading with this anchor, or `None`
    /// when an audience block it stands in leaves the site out. A site's page numbers only
    /// the headings it shows, so a heading that repeats the title of a hidden one before it
    /// (`risks-1` where all are shown) is `risks` there: the link must say so, and a
    /// number would tell that a hidden heading of that title exists.
    pub fn site_anchor<'a>(
        &self,
        anchor: &'a str,
        audiences: &[String],
    ) -> Option<std::borrow::Cow<'a, str>> {
        if self.blocks.is_empty() {
            return Some(std::borrow::Cow::Borrowed(anchor));
        }
        let headings = self.headings();
        let Some(at) = find_by_key(headings, |h| &h.anchor, &self.anchor_order, anchor) else {
            // A footnote or an element of raw HTML: where the site's page has it, which
            // is where its block is shown.
            let shown = self.body_ids.iter().any(|id| id == anchor)
                && (self.site_ids)
                    .get(audiences, || {
                        let text = crate::audience::body_for_audiences(self, audiences);
                        crate::load::body_ids(&text, &self.key_results, &self.page_ids)
                            .into_iter()
                            .map(String::into_boxed_str)
                            .collect()
                    })
                    .iter()
                    .any(|id| **id == *anchor);
            return shown.then_some(std::borrow::Cow::Borrowed(anchor));
        };
        let anchors = self
            .site_anchors
            .get(audiences, || self.make_site_anchors(audiences));
        match anchors[at].as_deref()? {
            same if same == anchor => Some(std::borrow::Cow::Borrowed(anchor)),
            other => Some(std::borrow::Cow::Owned(other.to_string())),
        }
    }

    /// The anchor a site for `audiences` gives each heading, `None` for those it hides, in
    /// one pass over the headings and the blocks: linking to every heading of a body with
    /// thousands of both would otherwise go through them all once per link.
    fn make_site_anchors(&self, audiences: &[String]) -> std::sync::Arc<[Option<Box<str>>]> {
        let headings = self.headings();
        // The blocks that leave the site out, as where each opens and closes: a heading
        // is hidden while more have opened than closed before it.
        let mut edges: Vec<(usize, bool)> = (self.blocks.iter())
            .filter(|b| !share_audience(&b.audiences, audiences))
            .flat_map(|b| [(b.start, true), (b.end, false)])
            .collect();
        edges.sort_unstable();
        let mut by_offset: Vec<usize> = (0..headings.len()).collect();
        by_offset.sort_by_key(|&i| headings[i].offset);
        let mut hidden = vec![false; headings.len()];
        let (mut open, mut next) = (0usize, 0);
        for i in by_offset {
            while let Some(&(_, opens)) = edges.get(next).filter(|e| e.0 <= headings[i].offset) {
                if opens {
                    open += 1;
                } else {
                    open = open.saturating_sub(1);
                }
                next += 1;
            }
            hidden[i] = open > 0;
        }
        // A site's page numbers only the headings it shows, so once one is hidden those
        // after it are numbered again among the shown.
        let mut numbered = crate::load::Anchors::beside(&self.key_results, &self.page_ids);
        let mut hidden_before = false;
        let mut out = Vec::with_capacity(headings.len());
        for (h, hidden) in headings.iter().zip(hidden) {
            if hidden {
                hidden_before = true;
                out.push(None);
                continue;
            }
            let written = h.written.as_deref();
            let assigned = numbered.assign(written, &h.text);
            out.push(Some(match hidden_before {
                true => assigned.into_boxed_str(),
                false => h.anchor.as_str().into(),
            }));
        }
        out.into()
    }

    /// Whether `fragment` names the document itself: the anchor of its title's heading,
    /// which its page shows as its title (records link
    /// `[6. Foxtrot](0006-foxtrot.md#6-foxtrot)`), or a key result written but unreadable,
    /// whose own error says what is wrong with it.
    pub fn fragment_is_itself(&self, fragment: &str) -> bool {
        fragment == crate::load::slug(&self.title)
            || self.unread_key_results.iter().any(|id| id == fragment)
            // `key_results` unreadable as a whole (`key_results = 5`): its error says so,
            // and no link to one of them is said to be broken besides.
            || (self.key_results_unread
                && self.key_results.is_empty()
                && self.unread_key_results.is_empty())
            || self
                .left_out_anchors
                .iter()
                .any(|anchor| anchor == fragment)
            || self
                .number
                .is_some_and(|n| fragment == crate::load::slug(&format!("{n}. {}", self.title)))
    }

    /// The body's headings and their anchors, read once.
    pub fn headings(&self) -> &[Heading] {
        self.headings
            .get_or_init(|| crate::load::headings(&self.body, &self.key_results, &self.page_ids))
    }

    /// Whether a heading of the body has this anchor.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        let headings = self.headings();
        find_by_key(headings, |h| &h.anchor, &self.anchor_order, anchor).is_some()
    }

    pub fn horizon_enum(&self) -> Option<Horizon> {
        self.horizon.as_deref().and_then(Horizon::parse)
    }

    /// The decision date, release date, or start, whichever this kind has.
    pub fn main_date(&self) -> Option<Date> {
        self.date.as_ref().and_then(DateText::date)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn natural_order_counts_numbers_as_numbers() {
        let mut ids = vec![
            "changelog/v0.10.0",
            "changelog/v0.2.2",
            "changelog/v0.9.1",
            "changelog/v0.2.10",
            "releases/2-10-0",
            "releases/2-3-0",
            "decisions/0002-b",
            "decisions/0010-a",
            "decisions/2-c",
            "pages/a",
            "pages/a1",
            "pages/ab",
        ];
        ids.sort_by(|a, b| super::natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "changelog/v0.2.2",
                "changelog/v0.2.10",
                "changelog/v0.9.1",
                "changelog/v0.10.0",
                "decisions/0002-b",
                "decisions/2-c",
                "decisions/0010-a",
                "pages/a",
                "pages/a1",
                "pages/ab",
                "releases/2-3-0",
                "releases/2-10-0",
            ]
        );
        // Zero-padded names keep the order of their bytes.
        assert!(super::natural_cmp("page-000009", "page-000010").is_lt());
        assert!(super::natural_cmp("x07", "x7").is_lt());
        assert!(super::natural_cmp("x7", "x07").is_gt());
        assert!(super::natural_cmp("", "a").is_lt());
        // The comparison's shortcut for names that part outside numbers, or inside
        // numbers of one width, orders as the key does.
        let names = [
            "", "a", "a1", "a01", "a10", "a9", "a-1", "a.1", "a 1", "ab", "b", "0", "00", "007",
            "7", "x7y", "x07y", "x7", "x17", "x71", "x7a", "x70", "v0.10.0", "v0.9.1", "p~2", "p2",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    super::natural_cmp(a, b),
                    super::natural_key(a).cmp(&super::natural_key(b)),
                    "{a:?} {b:?}"
                );
            }
        }
        // Sorting by the key made once gives the same order.
        let mut keyed = ids.clone();
        keyed.reverse();
        keyed.sort_by_cached_key(|id| super::natural_key(id));
        assert_eq!(keyed, ids);
    }

    use super::*;

    #[test]
    fn lookups_by_key_find_the_first_match_among_few_or_many() {
        for n in [3usize, 16, 17, 500] {
            let mut items: Vec<String> = (0..n).map(|i| format!("k{}", n - i)).collect();
            items.push("k1".into());
            let order = std::sync::OnceLock::new();
            let find = |key: &str| find_by_key(&items, |s| s.as_str(), &order, key);
            assert_eq!(find("k1"), Some(n - 1), "{n}: the first of two equal keys");
            assert_eq!(find(&format!("k{n}")), Some(0));
            assert_eq!(find("k0"), None);
            assert_eq!(find("zz"), None);
            assert_eq!(order.get().is_some(), n + 1 > 16, "{n}");
        }
    }

    #[test]
    fn audience_lists_short_or_long_share_a_name_only_when_they_do() {
        let names = |prefix: &str, n: usize| -> Vec<String> {
            (0..n).map(|i| format!("{prefix}{i}")).collect()
        };
        for (n, m) in [(1, 1), (3, 5), (1, 1000), (1000, 1), (2000, 3000)] {
            let (a, b) = (names("a", n), names("b", m));
            assert!(!share_audience(&a, &b), "{n} {m}");
            let mut with = b.clone();
            with.insert(m / 2, a[n - 1].clone());
            assert!(
                share_audience(&a, &with) && share_audience(&with, &a),
                "{n} {m}"
            );
        }
        assert!(!share_audience(&[], &names("a", 100)));
    }

    #[test]
    fn a_body_of_many_headings_knows_its_anchors() {
        let body: String = (0..100).map(|i| format!("## Part {i}\n\n")).collect();
        let doc = Document {
            body: body + "## Part 7\n",
            ..Document::default()
        };
        assert!(doc.has_anchor("part-0") && doc.has_anchor("part-99"));
        assert!(doc.has_anchor("part-7-1"));
        assert!(!doc.has_anchor("part-100") && !doc.has_anchor(""));
    }
}
