//! Rebuilds in memory after a change, reusing what did not change: unchanged files are not
//! parsed again and pages whose inputs are unchanged are not rendered again.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::store::{Keep, OpenPages};
use crate::build::{KeptViews, Selection, render_sites};
use crate::file_bytes::FileBytes;
use crate::load;
use crate::model::{Document, RelKind};
use crate::project::{Failure, Project};
use crate::render::{Pass, Renderer};
use crate::theme::{self, Theme};

/// What changed; decides how much is thrown away.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub config: bool,
    /// A template under `templates/`.
    pub theme: bool,
    /// A file under `static/`.
    pub statics: bool,
    /// Something the watcher cannot name file by file (a lost event queue, the imported
    /// changelog): every file is looked at again.
    pub rescan: bool,
    /// Files under `content/` that events named, relative to the project.
    pub paths: BTreeSet<PathBuf>,
    /// The date moved (past midnight, without `--today`): nothing was edited, but what
    /// depends on the date (the current period, risks, staleness) may have changed.
    pub date: bool,
    /// When the first event of the burst arrived.
    pub first_event: Option<std::time::Instant>,
}

impl Changes {
    pub fn merge(&mut self, other: Changes) {
        self.config |= other.config;
        self.theme |= other.theme;
        self.statics |= other.statics;
        self.rescan |= other.rescan;
        self.paths.extend(other.paths);
        self.date |= other.date;
    }
}

/// An edited file read again: its document's index and its new document and diagnostics.
struct Edited {
    index: usize,
    new: Document,
    diags: Vec<crate::diag::Diagnostic>,
}

/// The fast paths read the edited files one by one; a burst larger than this (a
/// branch switch, a search-and-replace) is left to the full path, which reads in parallel.
const FAST_PATH_LIMIT: usize = 64;

pub struct Rebuilder {
    /// What the last good build was made of, to tell what an edit can have changed.
    last: Option<Last>,
    dir: PathBuf,
    today: Option<String>,
    cache: load::Cache,
    theme: Option<Theme>,
    renderer: Option<Renderer>,
    /// Whether the last rebuild rendered everything it set out to with the templates
    /// loaded now. Pages go ahead of a rebuild (see [`Early`]) only then: a template just
    /// saved, or one that failed on some page, may fail on a page still to come, and open
    /// pages would reload as if the rebuild had succeeded.
    proven: bool,
}

/// The last good build: its project (documents, graph, checked diagnostics) is kept so that
/// an edit to prose alone swaps one document in and renders its pages, nothing else.
struct Last {
    shape: Shape,
    project: Project,
    /// The diagnostics of loading and linking, before the alignment rules ran: a fields
    /// edit keeps these and runs the rules again.
    linked: Vec<crate::diag::Diagnostic>,
    /// Every site's document views, when the last render made them all: a fields edit
    /// makes only those of the documents it marks again.
    views: Option<KeptViews>,
    today: jiff::civil::Date,
    warnings: Warnings,
    /// Document index by source path.
    sources: HashMap<PathBuf, usize>,
}

impl Last {
    /// Whether `rel` (a path in the project) is gone and was nothing the last build read
    /// or reported: a file that came and went between two builds, as an editor's
    /// temporary file does when it is saved under another name and renamed over the
    /// document (`sed -i`, and editors that save that way). Its coming and going changes
    /// nothing.
    fn came_and_went(&self, dir: &Path, rel: &Path) -> bool {
        if std::fs::symlink_metadata(dir.join(rel)).is_ok()
            || self.sources.keys().any(|source| source.starts_with(rel))
        {
            return false;
        }
        let linked = rel.strip_prefix(load::CONTENT_DIR).is_ok_and(|inner| {
            let assets = self.project.assets.iter();
            assets
                .map(|(_, path, _)| Path::new(path))
                .any(|path| path.starts_with(inner))
        });
        let file = dir.join(rel);
        let diagnostics = self.project.diagnostics.iter().chain(&self.linked);
        let reported = diagnostics
            .flat_map(|d| std::iter::once(&d.location).chain(d.related.iter().map(|r| &r.location)))
            .any(|location| location.path.starts_with(&file));
        !linked && !reported
    }
}

/// What a rebuild renders first and where it hands it: the pages of the documents an edit
/// changed, and the pages open in a browser (lists, views and site files; document pages
/// too when every page is rendered).
pub struct Early<'a> {
    pub open: OpenPages,
    pub hand: &'a mut (dyn FnMut(Built) + Send),
}

/// Hands a rebuild's pages over ahead of the rest of it. When only the marked documents'
/// pages are made, they go together once they are all rendered; when every page is made
/// (a document added or removed), each open document page goes as soon as it is rendered.
/// Each list, view or site file open in a browser goes as soon as it is. Nothing goes
/// before the rules have run without an error.
struct Ahead<'a> {
    open: OpenPages,
    hand: Mutex<&'a mut (dyn FnMut(Built) + Send)>,
    titles: BTreeMap<String, String>,
    /// What went ahead already: the render makes open pages first, then all of them.
    handed: Mutex<BTreeSet<(String, String)>>,
    gate: Mutex<Gate>,
    /// The document pages rendered so far; `None` once they went over (linked files come
    /// after them, and are not pages anyone is looking at).
    pages: Mutex<Option<Sites>>,
    /// When the document pages go over together, how they are logged; else each open one
    /// goes on its own.
    together: Option<&'static str>,
}

/// Whether hand-overs may go: held back while the rules run, dropped if they find an error.
enum Gate {
    Waiting(Vec<Built>),
    Open,
    Closed,
}

impl<'a> Ahead<'a> {
    /// With `together`, the document pages go over together once all are rendered, logged
    /// as it says; without, each open one goes on its own.
    fn new(
        Early { open, hand }: Early<'a>,
        titles: BTreeMap<String, String>,
        gate: Gate,
        together: Option<&'static str>,
    ) -> Self {
        Ahead {
            open,
            hand: Mutex::new(hand),
            titles,
            handed: Mutex::default(),
            gate: Mutex::new(gate),
            pages: Mutex::new(together.map(|_| Sites::new())),
            together,
        }
    }

    fn offer(&self, site: &str, path: &str, bytes: &FileBytes) {
        if self.together.is_some() && !crate::project::site_writes(path) {
            let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(pages) = pages.as_mut() {
                pages
                    .entry(site.to_string())
                    .or_default()
                    .insert(path.to_string(), bytes.clone());
                return;
            }
        }
        let open = self
            .open
            .get(site)
            .is_some_and(|paths| paths.contains(path));
        if !open {
            return;
        }
        let first = self
            .handed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((site.to_string(), path.to_string()));
        if first {
            let page = HashMap::from([(path.to_string(), bytes.clone())]);
            self.give(BTreeMap::from([(site.to_string(), page)]), OPEN_PAGE);
        }
    }

    /// Every document page is rendered: they go over together.
    fn pages_done(&self) {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.give(pages.unwrap_or_default(), self.together.unwrap_or_default());
    }

    fn give(&self, sites: Sites, how: &'static str) {
        let built = Built {
            sites,
            titles: self.titles.clone(),
            // Published ahead, pages keep the addresses the rebuild will set.
            urls: BTreeMap::new(),
            warnings: Warnings::default(),
            keep: Some(Keep::Everything),
            how,
        };
        let mut gate = self.gate.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *gate {
            Gate::Waiting(held) => held.push(built),
            Gate::Open => (self.hand.lock().unwrap_or_else(|e| e.into_inner()))(built),
            Gate::Closed => {}
        }
    }

    /// The rules have run: what was held goes over, unless they found an error.
    fn open_gate(&self, ok: bool) {
        let mut gate = self.gate.lock().unwrap_or_else(|e| e.into_inner());
        let held = std::mem::replace(&mut *gate, if ok { Gate::Open } else { Gate::Closed });
        if let (true, Gate::Waiting(held)) = (ok, held) {
            let mut hand = self.hand.lock().unwrap_or_else(|e| e.into_inner());
            for built in held {
                hand(built);
            }
        }
    }
}

/// How a list, view or site file open in a browser and handed over ahead is logged.
pub const OPEN_PAGE: &str = "open page";

/// A build's warnings as printable headlines, shared between the rebuilder and the log.
pub type Warnings = std::sync::Arc<[String]>;

/// The headlines of a project's warnings; thousands in a large project, so made on every
/// core.
fn warning_lines(diagnostics: &[crate::diag::Diagnostic]) -> Warnings {
    use rayon::prelude::*;
    let warnings: Vec<_> = crate::diag::warnings(diagnostics).collect();
    warnings
        .par_iter()
        .map(|d| d.headline())
        .collect::<Vec<_>>()
        .into()
}

/// The headlines of `diagnostics`' warnings, where `last` were those of `before`. A
/// finding the same as the one in its place before keeps its line; the same findings give
/// the same `Arc`, which the log compares by pointer instead of line by line. An edit
/// changes a few findings of thousands, and comparing them is cheaper than writing lines.
fn warning_lines_since(
    diagnostics: &[crate::diag::Diagnostic],
    before: &[crate::diag::Diagnostic],
    last: &Warnings,
) -> Warnings {
    use rayon::prelude::*;
    let now: Vec<_> = crate::diag::warnings(diagnostics).collect();
    let then: Vec<_> = crate::diag::warnings(before).collect();
    if now.len() != then.len() || then.len() != last.len() {
        return warning_lines(diagnostics);
    }
    let written: Vec<Option<String>> = now
        .par_iter()
        .zip(then)
        .map(|(d, was)| (*d != was).then(|| d.headline()))
        .collect();
    if written.iter().all(Option::is_none) {
        return last.clone();
    }
    written
        .into_iter()
        .zip(&**last)
        .map(|(line, kept)| line.unwrap_or_else(|| kept.clone()))
        .collect::<Vec<_>>()
        .into()
}

/// A finished rebuild: every site's files, and the site titles.
pub struct Built {
    pub sites: BTreeMap<String, HashMap<String, FileBytes>>,
    pub titles: BTreeMap<String, String>,
    /// Where each site is published (`base_url`/NAME/, or its own `url`).
    pub urls: BTreeMap<String, String>,
    pub warnings: Warnings,
    /// Pages left out of an incremental rebuild because they cannot have changed: the
    /// store keeps its old bytes for them. `None` for a full rebuild.
    pub keep: Option<Keep>,
    /// Which way the rebuild went, for the log: `prose edit`, `fields edit`, `static
    /// files`, `changed pages` or `full`.
    pub how: &'static str,
}

/// The structure of a build: which documents exist with which kind and audience, and
/// who is linked to whom. Pages of every document depend on it through the navigation.
struct Shape {
    documents: HashMap<String, (crate::model::Kind, Option<Vec<String>>)>,
    neighbours: HashMap<String, Vec<String>>,
    fingerprints: HashMap<String, Option<blake3::Hash>>,
    /// The documents that link to files no site publishes, and those files: a page shows
    /// such a link as text, and as a link once the file comes.
    unpublished: HashMap<String, Vec<String>>,
}

/// How much of the sites a rebuild renders.
enum Scope {
    /// Everything.
    Full,
    /// The pages of the marked documents, and every list, view and site file.
    Pages(Vec<bool>),
    /// Only the pages of the marked documents: their prose changed and nothing else.
    Prose(Vec<bool>),
}

impl Shape {
    fn of(project: &Project) -> Shape {
        let docs = &project.docs;
        let mut neighbours: HashMap<String, Vec<String>> = HashMap::new();
        for edge in &project.graph.edges {
            let (from, to) = (&docs[edge.from].path_id, &docs[edge.to.doc].path_id);
            neighbours.entry(from.clone()).or_default().push(to.clone());
            neighbours.entry(to.clone()).or_default().push(from.clone());
        }
        let documents = docs
            .iter()
            .map(|d| (d.path_id.clone(), (d.kind, d.audience.clone())))
            .collect();
        let fingerprints = docs
            .iter()
            .map(|d| (d.path_id.clone(), d.fingerprint))
            .collect();
        let unpublished = docs
            .iter()
            .filter(|d| !d.unpublished_files.is_empty())
            .map(|d| (d.path_id.clone(), d.unpublished_files.clone()))
            .collect();
        Shape {
            documents,
            neighbours,
            fingerprints,
            unpublished,
        }
    }
}

impl Rebuilder {
    pub fn new(dir: &Path, today: Option<String>) -> Self {
        Rebuilder {
            last: None,
            dir: dir.to_path_buf(),
            today,
            cache: load::Cache::default(),
            theme: None,
            renderer: None,
            proven: false,
        }
    }

    /// The date the last good build was made for, when the date is now another: every
    /// page must be made again. `None` after a failed build, whose next rebuild starts
    /// from the files anyway, and while `--today` or `SOURCE_DATE_EPOCH` fixes the date.
    pub fn date_moved(&self) -> Option<jiff::civil::Date> {
        let last = self.last.as_ref()?;
        let today = crate::today::resolve(self.today.as_deref()).ok()?;
        (today != last.today).then_some(today)
    }

    /// Rebuilds every site; on failure returns every error as printable lines.
    pub fn rebuild(&mut self, changes: Changes) -> Result<Built, Vec<String>> {
        self.rebuild_early(changes, None)
    }

    /// Like [`Rebuilder::rebuild`], but hands pages to `early` (with [`Keep::Everything`])
    /// before it renders the rest: the pages of the documents an edit changed, together,
    /// and each list, view, site file or document page open in a browser as soon as it is
    /// rendered. The pages people are looking at reload as soon as they are ready, the
    /// rest when everything is. A prose edit comes whole: it is done as soon.
    pub fn rebuild_early(
        &mut self,
        changes: Changes,
        early: Option<Early<'_>>,
    ) -> Result<Built, Vec<String>> {
        if changes.theme || changes.config {
            self.proven = false;
        }
        let early = early.filter(|_| self.proven);
        let built = self.rebuild_from(changes, early);
        self.proven = built.is_ok();
        built
    }

    fn rebuild_from(
        &mut self,
        changes: Changes,
        mut early: Option<Early<'_>>,
    ) -> Result<Built, Vec<String>> {
        if changes.statics
            && !changes.config
            && !changes.theme
            && !changes.rescan
            && changes.paths.is_empty()
        {
            match self.statics_edit() {
                Ok(Some(built)) => return Ok(built),
                Ok(None) => {}
                Err(failure) => return Err(failure_lines(failure, &self.dir)),
            }
        }
        let theme = changes.theme || changes.statics;
        if !changes.config
            && !theme
            && !changes.rescan
            && !changes.paths.is_empty()
            && changes.paths.len() <= FAST_PATH_LIMIT
        {
            match self.fast_paths(&changes.paths, &mut early) {
                Ok(Some(built)) => return Ok(built),
                Ok(None) => {}
                Err(failure) => {
                    // The kept project may have taken in the edit before its pages
                    // failed to render, and nothing of it was published: the next
                    // rebuild starts again from the files, whole.
                    self.last = None;
                    return Err(failure_lines(failure, &self.dir));
                }
            }
        }
        let mut shape = None;
        if let Some(last) = self.last.take() {
            self.cache.restore(last.project.docs);
            if !(changes.config || theme) {
                shape = Some((last.shape, last.today));
            }
        }
        if changes.config {
            self.cache = load::Cache::default();
        }
        if theme || changes.config {
            self.theme = None;
        }
        let dir = self.dir.clone();
        self.build(shape, early)
            .map_err(|failure| failure_lines(failure, &dir))
    }

    /// The fast path for static files alone (a stylesheet saved): they are read again and
    /// those that changed are served, and no page is rendered, since pages name them by
    /// path only. `None` when a template changed too, or a file that changed, came or went
    /// is where a site writes a page, a linked file or a file of its own.
    fn statics_edit(&mut self) -> Result<Option<Built>, Failure> {
        let (Some(last), Some(theme)) = (&self.last, &self.theme) else {
            return Ok(None);
        };
        let new = theme::load(&self.dir)?;
        if new.templates != theme.templates {
            return Ok(None);
        }
        // Only the files that changed, came or went: one unchanged where a site writes its
        // own stays out as it was.
        let old: HashMap<&str, &[u8]> = theme
            .files
            .iter()
            .map(|(p, b)| (p.as_str(), &b[..]))
            .collect();
        let changed: Vec<&(String, std::borrow::Cow<'static, [u8]>)> = new
            .files
            .iter()
            .filter(|(path, bytes)| old.get(path.as_str()) != Some(&&bytes[..]))
            .collect();
        let kept: HashSet<&str> = new.files.iter().map(|(p, _)| p.as_str()).collect();
        let gone: Vec<String> = old
            .keys()
            .filter(|path| !kept.contains(*path))
            .map(ToString::to_string)
            .collect();
        // A file that came or went may be the one a link from `/` names: whether that link
        // leads anywhere is a finding of the project's, made again on the full path.
        let came = changed
            .iter()
            .any(|(path, _)| !old.contains_key(path.as_str()));
        let from_root = |doc: &crate::model::Document| {
            (doc.assets.iter()).any(|link| crate::load::site_root_path(&link.text).is_some())
        };
        if (came || !gone.is_empty()) && last.project.docs.iter().any(from_root) {
            return Ok(None);
        }
        let linked: HashSet<&str> = last.project.assets.iter().map(|a| a.1.as_str()).collect();
        // What clashes on any site makes the sites again, which leave it out where it does.
        let linked_files = last
            .project
            .assets
            .iter()
            .map(|(doc, path, _)| (*doc, path.as_str()));
        let writes = crate::project::SiteWrites::new(&last.project.docs, |_| true, linked_files);
        let clash = |path: &str| writes.clash(path).is_some() || linked.contains(path);
        if changed.iter().any(|(path, _)| clash(path)) || gone.iter().any(|path| clash(path)) {
            return Ok(None);
        }
        let files: HashMap<String, FileBytes> = changed
            .into_iter()
            .map(|(path, bytes)| (path.clone(), bytes::Bytes::copy_from_slice(bytes).into()))
            .collect();
        let names = last.project.config.sites.keys();
        let built = Built {
            sites: names.clone().map(|n| (n.clone(), files.clone())).collect(),
            keep: Some(Keep::AllBut(
                names.map(|n| (n.clone(), gone.clone())).collect(),
            )),
            titles: titles(&last.project),
            urls: urls(&last.project),
            warnings: last.warnings.clone(),
            how: "static files",
        };
        self.theme = Some(new);
        Ok(Some(built))
    }

    /// Reads the edited files again and tries the prose path, then the fields path. `None`
    /// when neither applies: a file is new, gone, imported or unreadable, or the date moved.
    /// `early` is left for the full path unless the fields path rendered with it.
    fn fast_paths(
        &mut self,
        paths: &BTreeSet<PathBuf>,
        early: &mut Option<Early<'_>>,
    ) -> Result<Option<Built>, Failure> {
        let Some(last) = &self.last else {
            return Ok(None);
        };
        if crate::today::resolve(self.today.as_deref())? != last.today {
            return Ok(None);
        }
        let mut edited = Vec::new();
        for rel in paths
            .iter()
            .filter(|rel| !last.came_and_went(&self.dir, rel))
        {
            let Some(&i) = last.sources.get(rel) else {
                return Ok(None);
            };
            if last.project.docs[i].imported {
                return Ok(None);
            }
            let (Some(mut new), diags) = load::load_file(&self.dir, rel, &last.project.config)
            else {
                return Ok(None);
            };
            // The fast paths take only edits that keep the document's links, and so the
            // files they name that no site publishes.
            new.unpublished_files = last.project.docs[i].unpublished_files.clone();
            edited.push(Edited {
                index: i,
                new,
                diags,
            });
        }
        if let Some(built) = self.prose_edit(&mut edited)? {
            return Ok(Some(built));
        }
        self.fields_edit(edited, early)
    }

    /// The fast path for the most common edit: prose changed in documents whose
    /// frontmatter, links, link positions' order, headings and audience blocks around
    /// links did not. The kept project takes the new documents, diagnostics move with the
    /// lines they point at, and only those documents' pages are rendered. `None` when the
    /// edit is anything else (the full path then finds out what it changed).
    fn prose_edit(&mut self, edited: &mut [Edited]) -> Result<Option<Built>, Failure> {
        let (Some(last), Some(theme), Some(renderer)) =
            (&mut self.last, &self.theme, &self.renderer)
        else {
            return Ok(None);
        };
        let today = last.today;
        let mut swaps = Vec::new();
        for Edited { index, new, diags } in edited.iter_mut() {
            let (i, old) = (*index, &last.project.docs[*index]);
            // Problems found while reading come from the frontmatter (unchanged, so the
            // same as before) unless they sit in the body.
            if diags
                .iter()
                .any(|d| d.is_error() || d.location.line >= new.body_line)
            {
                return Ok(None);
            }
            if new.fingerprint.is_none()
                || new.fingerprint != old.fingerprint
                || new.body_line != old.body_line
                || anchors(old) != anchors(new)
            {
                return Ok(None);
            }
            let Some(moves) = moved_lines(old, new) else {
                return Ok(None);
            };
            swaps.push((i, new, moves));
        }
        // Every diagnostic in an edited file's body must point at a link that moved with
        // it; anything else means the edit may have changed more than prose.
        let project = &mut last.project;
        let mut remapped = false;
        for (i, _, moves) in &swaps {
            let doc = &project.docs[*i];
            let file = self.dir.join(&doc.source);
            let locations = project.diagnostics.iter().flat_map(|d| {
                std::iter::once(&d.location).chain(d.related.iter().map(|r| &r.location))
            });
            for location in locations {
                if location.path == file
                    && location.line >= doc.body_line
                    && !moves.contains(location.line)
                {
                    return Ok(None);
                }
            }
            for edge in &project.graph.edges {
                if edge.written_in == *i && edge.line >= doc.body_line && !moves.contains(edge.line)
                {
                    return Ok(None);
                }
            }
            remapped |= moves.moved();
        }
        for (i, new, moves) in swaps
            .iter_mut()
            .map(|(i, new, moves)| (*i, std::mem::take(&mut **new), moves))
        {
            let file = self.dir.join(&new.source);
            let body_line = new.body_line;
            for diag in project.diagnostics.iter_mut().chain(&mut last.linked) {
                let locations = std::iter::once(&mut diag.location)
                    .chain(diag.related.iter_mut().map(|r| &mut r.location));
                for location in locations {
                    if location.path == file && location.line >= body_line {
                        moves.apply(location);
                    }
                }
            }
            for edge in &mut project.graph.edges {
                if edge.written_in == i && edge.line >= body_line {
                    let mut at = crate::diag::Location::new(&file, edge.line, edge.col);
                    moves.apply(&mut at);
                    (edge.line, edge.col) = (at.line, at.col);
                }
            }
            project.docs[i] = new;
        }
        if remapped {
            last.warnings = warning_lines(&project.diagnostics);
        }
        let mut marked = vec![false; project.docs.len()];
        for (i, _, _) in &swaps {
            marked[*i] = true;
        }
        let names: Vec<String> = project.config.sites.keys().cloned().collect();
        let selection = Selection {
            only: Some(&marked),
            aggregates: false,
            ..Selection::ALL
        };
        let (sites, _) = render(
            &last.project,
            theme,
            renderer,
            &names,
            today,
            selection,
            None,
            None,
        )?;
        Ok(Some(Built {
            sites,
            titles: titles(&last.project),
            urls: urls(&last.project),
            warnings: last.warnings.clone(),
            keep: Some(Keep::Everything),
            how: "prose edit",
        }))
    }

    /// The fast path for an edit to fields: documents that kept their ids, kind, audience,
    /// relations, linked files, key results and headings, so the graph keeps its edges. The
    /// kept project takes the new documents, the graph recomputes statuses and scores, the
    /// alignment rules run again, and the edited documents' pages, their neighbours' and
    /// every list, view and site file are rendered. An edit that changed only the links
    /// of a body to other documents (a link added to the prose) makes those documents'
    /// body-link edges again in the graph (see [`crate::graph::Graph::relink`]), and
    /// renders the documents at both ends of the links before and after, unless linking
    /// finds something wrong in the edited ones. `None` when the edit is anything else,
    /// or when it leaves errors (the full path then reports them).
    fn fields_edit(
        &mut self,
        edited: Vec<Edited>,
        early: &mut Option<Early<'_>>,
    ) -> Result<Option<Built>, Failure> {
        let (Some(last), Some(theme), Some(renderer)) =
            (&mut self.last, &self.theme, &self.renderer)
        else {
            return Ok(None);
        };
        let today = last.today;
        let mut swaps = Vec::new();
        // Whether a link in an edited body changed: its edges are then made again.
        let mut relink = false;
        for Edited { index, new, diags } in edited {
            let kept = edges_kept(&last.project.docs[index], &new);
            if !diags.is_empty() || kept.is_none() {
                return Ok(None);
            }
            relink |= kept == Some(false);
            swaps.push((index, new));
        }
        // Diagnostics of loading and linking are kept as they are, so none may concern an
        // edited file.
        let files: Vec<PathBuf> = swaps
            .iter()
            .map(|(i, _)| self.dir.join(&last.project.docs[*i].source))
            .collect();
        let concerns_edited = last.linked.iter().any(|d| {
            std::iter::once(&d.location)
                .chain(d.related.iter().map(|r| &r.location))
                .any(|l| files.contains(&l.path))
        });
        if concerns_edited {
            return Ok(None);
        }
        let project = &mut last.project;
        let mut marked = vec![false; project.docs.len()];
        let mut seeds = Vec::new();
        for (i, new) in swaps {
            // An edge keeps the place of the reference that made it, wherever it moved:
            // the relations are the same, in the same order, and so are the body links
            // unless they changed, when their edges are made again below.
            let places = [false, true].map(|relations| places(&project.docs[i], &new, relations));
            for edge in &mut project.graph.edges {
                if edge.written_in == i
                    && let Some(&place) = places[usize::from(edge.kind != RelKind::Mentions)]
                        .get(&(edge.line, edge.col))
                {
                    (edge.line, edge.col) = place;
                }
            }
            project.docs[i] = new;
            marked[i] = true;
            seeds.push(i);
        }
        if relink {
            // The documents the edited ones linked to show them as linking no more.
            for &i in &seeds {
                mark_ends(&project.graph, i, &mut marked);
            }
            let clock = std::time::Instant::now();
            for &i in &seeds {
                // A link to nothing in an edited document takes the full path, which
                // reports it; what linking found in the others is kept in `linked`.
                match project.graph.relink(&project.docs, &self.dir, i) {
                    Some(found) if found.is_empty() => {}
                    _ => return Ok(None),
                }
            }
            if std::env::var_os("ALIGN_PROFILE").is_some() {
                crate::errln!("  fields edit: links made again in {:?}", clock.elapsed());
            }
        }
        project.graph.refresh(&project.docs);
        for &i in &seeds {
            mark_ends(&project.graph, i, &mut marked);
        }
        if relink {
            // The documents at the links' ends before and after list their neighbours
            // anew, for the next rebuild to compare with.
            let neighbours = &mut last.shape.neighbours;
            for (i, doc) in project.docs.iter().enumerate().filter(|(i, _)| marked[*i]) {
                neighbours.insert(doc.path_id.clone(), neighbours_of(project, i));
            }
        }
        mark_dependents(project, &mut marked, seeds.clone());
        let names: Vec<String> = project.config.sites.keys().cloned().collect();
        let ahead = early.take().map(|early| {
            let together = Some("fields edit, lists and views follow");
            Ahead::new(early, titles(project), Gate::Waiting(Vec::new()), together)
        });
        let pages_done = || {
            if let Some(ahead) = &ahead {
                ahead.pages_done();
            }
        };
        // The document views of every unmarked document are still right: only marked
        // documents' fields, relations and why chains can have changed.
        let selection = Selection {
            only: Some(&marked),
            edited: &seeds,
            aggregates: true,
            first: ahead.as_ref().map(|ahead| &ahead.open),
            pages_done: Some(&pages_done),
        };
        // The rules run while everything renders: neither reads what the other makes,
        // and nothing is handed over before the rules found no error. Their findings are
        // recorded and the warnings formatted on the rules' side too, beside the render
        // instead of after it.
        let (shared, linked, reuse) = (&*project, &last.linked, last.views.take());
        let last_warnings = &last.warnings;
        let ((diagnostics, warnings), rendered) = rayon::join(
            || {
                // The findings come at the levels `[check.rules]` sets.
                let found = shared.rule_findings(today);
                if let Some(ahead) = &ahead {
                    ahead.open_gate(!found.iter().any(crate::diag::Diagnostic::is_error));
                }
                let diagnostics = shared.recorded(found, linked.clone());
                let warnings =
                    warning_lines_since(&diagnostics, &shared.diagnostics, last_warnings);
                (diagnostics, warnings)
            },
            || {
                render(
                    shared,
                    theme,
                    renderer,
                    &names,
                    today,
                    selection,
                    reuse,
                    ahead.as_ref(),
                )
            },
        );
        project.diagnostics = diagnostics;
        if project.error_count() > 0 {
            return Ok(None);
        }
        let (sites, views) = rendered?;
        for &i in &seeds {
            let doc = &project.docs[i];
            last.shape
                .fingerprints
                .insert(doc.path_id.clone(), doc.fingerprint);
        }
        last.views = views;
        last.warnings = warnings;
        // The documents and what each site shows are the same: every page not rendered
        // is still right, and only a list can be gone.
        Ok(Some(Built {
            keep: Some(Keep::Documents),
            sites,
            titles: titles(project),
            urls: urls(project),
            warnings: last.warnings.clone(),
            how: "fields edit",
        }))
    }

    /// Builds the project; with the last build's shape and date, only what an edit
    /// reaches is rendered again.
    fn build(
        &mut self,
        last: Option<(Shape, jiff::civil::Date)>,
        early: Option<Early<'_>>,
    ) -> Result<Built, Failure> {
        let clock = std::time::Instant::now();
        let today = crate::today::resolve(self.today.as_deref())?;
        // Once the date has moved (no `--today`, past midnight), what depends on it (the
        // current period, risks, staleness) may have changed on any page: all is made again.
        let last_shape = last
            .filter(|(_, day)| *day == today)
            .map(|(shape, _)| shape);
        let mut project = Project::open_cached(&self.dir, &mut self.cache)?;
        let opened = clock.elapsed();
        let linked = project.diagnostics.clone();
        project.check(today);
        if std::env::var_os("ALIGN_PROFILE").is_some() {
            crate::errln!(
                "  rebuild: opened in {opened:?}, checked in {:?}",
                clock.elapsed() - opened
            );
        }
        if project.error_count() > 0 {
            return Err(Failure::Content(project.diagnostics));
        }
        if self.theme.is_none() {
            let theme = theme::load(&self.dir)?;
            let mut renderer = Renderer::with_memo(&theme.templates)?;
            if let Some(old) = self.renderer.take() {
                renderer.adopt_memo(old);
            }
            self.renderer = Some(renderer);
            self.theme = Some(theme);
        }
        let (Some(theme), Some(renderer)) = (&self.theme, &self.renderer) else {
            unreachable!("theme and renderer are set together above");
        };
        let names: Vec<String> = project.config.sites.keys().cloned().collect();
        let shape = Shape::of(&project);
        let scope = match &last_shape {
            Some(last) => affected(&project, last, &shape, &self.cache),
            None => Scope::Full,
        };
        let (only, aggregates) = match &scope {
            Scope::Full => (None, true),
            Scope::Pages(marked) => (Some(marked.as_slice()), true),
            Scope::Prose(marked) => (Some(marked.as_slice()), false),
        };
        // The rules have run without an error: what is ready may go at once. Prose alone
        // renders a few pages, done as soon as they would be handed over.
        let ahead = early.filter(|_| aggregates).map(|early| {
            let together = only.map(|_| "changed pages, lists and views follow");
            Ahead::new(early, titles(&project), Gate::Open, together)
        });
        let pages_done = || {
            if let Some(ahead) = &ahead {
                ahead.pages_done();
            }
        };
        let selection = Selection {
            only,
            aggregates,
            first: ahead.as_ref().map(|ahead| &ahead.open),
            pages_done: only
                .and(ahead.as_ref())
                .map(|_| &pages_done as &(dyn Fn() + Sync)),
            ..Selection::ALL
        };
        let (sites, views) = render(
            &project,
            theme,
            renderer,
            &names,
            today,
            selection,
            None,
            ahead.as_ref(),
        )?;
        let warnings = warning_lines(&project.diagnostics);
        let (keep, how) = match scope {
            Scope::Full => (None, "full"),
            Scope::Pages(marked) => (
                Some(Keep::Paths(kept_pages(&project, &names, &marked))),
                "changed pages",
            ),
            Scope::Prose(_) => (Some(Keep::Everything), "changed pages"),
        };
        let built = Built {
            how,
            keep,
            sites,
            titles: titles(&project),
            urls: urls(&project),
            warnings: warnings.clone(),
        };
        let sources = project
            .docs
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.imported)
            .map(|(i, d)| (d.source.clone(), i))
            .collect();
        self.last = Some(Last {
            shape,
            project,
            linked,
            views,
            today,
            warnings,
            sources,
        });
        Ok(built)
    }
}

/// One line per error, each named with the project's folder as given, as `build` names it.
fn failure_lines(failure: Failure, dir: &std::path::Path) -> Vec<String> {
    match failure {
        Failure::Content(diags) | Failure::Config(diags) => diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.headline())
            .collect(),
        // The overlay shows one line per error: the headline, without the source lines.
        Failure::Usage(err) => {
            let message = crate::project::usage_message(&err, dir);
            vec![message.lines().next().unwrap_or_default().to_string()]
        }
    }
}

fn urls(project: &Project) -> BTreeMap<String, String> {
    let config = &project.config;
    config
        .sites
        .keys()
        .filter_map(|name| Some((name.clone(), config.site_url(name)?)))
        .collect()
}

fn titles(project: &Project) -> BTreeMap<String, String> {
    project
        .config
        .sites
        .iter()
        .map(|(n, s)| (n.clone(), s.title.clone()))
        .collect()
}

type Sites = BTreeMap<String, HashMap<String, FileBytes>>;

/// Renders the selected pages of every site into memory; with aggregates, also hands back
/// every site's document views (taking those of unmarked documents from `reuse`).
#[allow(clippy::too_many_arguments)]
fn render(
    project: &Project,
    theme: &Theme,
    renderer: &Renderer,
    names: &[String],
    today: jiff::civil::Date,
    selection: Selection<'_>,
    reuse: Option<KeptViews>,
    ahead: Option<&Ahead<'_>>,
) -> Result<(Sites, Option<KeptViews>), Failure> {
    let collected: Mutex<Sites> = Mutex::default();
    // Only a pass that sees every page (or every list and view) may drop what the memo
    // holds of them.
    let pass = Pass {
        pages: selection.only.is_none(),
        lists: selection.aggregates,
    };
    renderer.begin_pass(pass);
    let views = render_sites(
        project,
        renderer,
        theme,
        names,
        today,
        selection,
        reuse,
        &|site, path, bytes| {
            if let Some(ahead) = ahead {
                ahead.offer(site, path, &bytes);
            }
            let mut sites = collected.lock().unwrap_or_else(|e| e.into_inner());
            sites
                .entry(site.to_string())
                .or_default()
                .insert(path.to_string(), bytes);
            Ok(())
        },
    )?;
    renderer.end_pass(pass);
    let sites = collected.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok((sites, views))
}

/// Where each link of `old` sits in `new`, for documents whose links are the same in the
/// same order: by line, and by line and column. `None` when one line of `old` would go to
/// two lines.
fn moved_lines(old: &Document, new: &Document) -> Option<Moves> {
    let before = old.refs.iter().chain(&old.assets).chain(&old.fragments);
    let after = new.refs.iter().chain(&new.assets).chain(&new.fragments);
    let mut moves = Moves::default();
    for (a, b) in before.zip(after) {
        if *moves.lines.entry(a.line).or_insert(b.line) != b.line {
            return None;
        }
        moves.places.insert((a.line, a.col), (b.line, b.col));
    }
    Some(moves)
}

#[derive(Default)]
struct Moves {
    lines: HashMap<usize, usize>,
    places: HashMap<(usize, usize), (usize, usize)>,
}

impl Moves {
    fn contains(&self, line: usize) -> bool {
        self.lines.contains_key(&line)
    }

    /// Moves a location in the edited file's body along with the link it points at.
    fn apply(&self, location: &mut crate::diag::Location) {
        if let Some(&(line, col)) = self.places.get(&(location.line, location.col)) {
            location.line = line;
            location.col = col;
        } else if let Some(&line) = self.lines.get(&location.line) {
            location.line = line;
        }
    }

    fn moved(&self) -> bool {
        self.lines.iter().any(|(from, to)| from != to)
            || self.places.iter().any(|(from, to)| from != to)
    }
}

/// The heading anchors of a document, which other documents may link to, each with the
/// audience blocks it stands in (which decide the anchor each site gives it).
fn anchors(doc: &Document) -> Vec<(&str, Vec<usize>)> {
    doc.headings()
        .iter()
        .map(|h| {
            let blocks = (doc.blocks.iter().enumerate())
                .filter(|(_, b)| (b.start..b.end).contains(&h.offset))
                .map(|(i, _)| i)
                .collect();
            (h.anchor.as_str(), blocks)
        })
        .collect()
}

/// The documents whose pages an edit can have changed, or `None` when every page may have
/// (documents added, removed, or changing kind or audience change every page's navigation).
fn affected(project: &Project, last: &Shape, now: &Shape, cache: &load::Cache) -> Scope {
    if last.documents != now.documents {
        return Scope::Full;
    }
    let docs = &project.docs;
    let mut changed: std::collections::HashSet<&PathBuf> = cache.changed.iter().collect();
    // An edited changelog that still makes the same documents (a bullet's wording, a
    // date): each of them may have changed, as if its own file had.
    if cache.changelog_changed
        && let Some(changelog) = &project.config.import.changelog
    {
        changed.insert(changelog);
    }
    let index: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.path_id.as_str(), i))
        .collect();
    let mut marked = vec![false; docs.len()];
    let mut queue: Vec<usize> = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if changed.contains(&doc.source) {
            marked[i] = true;
            queue.push(i);
        }
    }
    // A linked file that went (deleted, or now a link out of the project) is published no
    // more: made again whole, the sites leave it out, where kept pages would keep it. It
    // went if its document links as it did (the same fingerprint) and it was published
    // then; a link being typed to a file not there yet changes the fingerprint.
    let gone = now.unpublished.iter().any(|(path_id, files)| {
        let before = last.unpublished.get(path_id);
        last.fingerprints.get(path_id) == now.fingerprints.get(path_id)
            && files.iter().any(|f| before.is_none_or(|b| !b.contains(f)))
    });
    if gone {
        return Scope::Full;
    }
    // A linked file that came turns text on its document's pages into a link: their pages
    // are rendered again, as for prose.
    let linking = last.unpublished.keys().chain(now.unpublished.keys());
    for path_id in linking {
        if last.unpublished.get(path_id) != now.unpublished.get(path_id)
            && let Some(&i) = index.get(path_id.as_str())
        {
            marked[i] = true;
        }
    }
    let prose_only = queue.iter().all(|&i| {
        let doc = &docs[i];
        doc.fingerprint.is_some() && last.fingerprints.get(&doc.path_id) == Some(&doc.fingerprint)
    });
    if prose_only {
        return Scope::Prose(marked);
    }
    // Direct neighbours, before and after the edit: their relations and links show the
    // edited document's title, status and visibility.
    for &seed in &queue.clone() {
        let path_id = docs[seed].path_id.as_str();
        let around = last
            .neighbours
            .get(path_id)
            .into_iter()
            .chain(now.neighbours.get(path_id))
            .flatten();
        for neighbour in around {
            if let Some(&i) = index.get(neighbour.as_str()) {
                marked[i] = true;
            }
        }
    }
    mark_dependents(project, &mut marked, queue);
    Scope::Pages(marked)
}

/// Marks the documents at the other end of every edge of document `doc`.
fn mark_ends(graph: &crate::graph::Graph, doc: usize, marked: &mut [bool]) {
    for &e in graph.outgoing[doc].iter().chain(&graph.incoming[doc]) {
        let edge = &graph.edges[e];
        marked[edge.from] = true;
        marked[edge.to.doc] = true;
    }
}

/// The path ids of the documents at the other end of each of document `doc`'s edges, as
/// [`Shape::of`] lists them (in another order, which no one reads).
fn neighbours_of(project: &Project, doc: usize) -> Vec<String> {
    let graph = &project.graph;
    let targets = graph.outgoing[doc].iter().map(|&e| graph.edges[e].to.doc);
    let sources = graph.incoming[doc].iter().map(|&e| graph.edges[e].from);
    (targets.chain(sources))
        .map(|other| project.docs[other].path_id.clone())
        .collect()
}

/// Marks everything whose why chain passes through one of the `edited` documents.
fn mark_dependents(project: &Project, marked: &mut [bool], edited: Vec<usize>) {
    let mut visited = vec![false; project.docs.len()];
    for &doc in &edited {
        visited[doc] = true;
    }
    let mut queue = edited;
    while let Some(doc) = queue.pop() {
        for &e in &project.graph.incoming[doc] {
            let edge = &project.graph.edges[e];
            let up = matches!(
                edge.kind,
                RelKind::Drives | RelKind::Parent | RelKind::Justifies | RelKind::Implements
            );
            if up && !visited[edge.from] {
                visited[edge.from] = true;
                marked[edge.from] = true;
                queue.push(edge.from);
            }
        }
    }
}

/// Whether an edited document keeps every edge of the graph (`Some(true)`: the same ids,
/// kind and audience, the same references, by text, kind, direction and audience blocks,
/// in the same order, wherever they moved, and the same linked files, key results and
/// heading anchors), or all but its links from the body to other documents
/// (`Some(false)`: a link added, removed or pointed elsewhere in the prose), or less
/// (`None`).
fn edges_kept(old: &Document, new: &Document) -> Option<bool> {
    use crate::model::RefText;
    let same = |x: &RefText, y: &RefText| {
        x.kind == y.kind
            && x.text == y.text
            && x.inverse == y.inverse
            && x.audiences == y.audiences
            && x.phrase == y.phrase
    };
    let same_refs = |a: &[RefText], b: &[RefText]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
    };
    fn relations(doc: &Document) -> Vec<&RefText> {
        (doc.refs.iter())
            .filter(|r| r.kind != RelKind::Mentions)
            .collect()
    }
    let (was, now) = (relations(old), relations(new));
    let kept = old.path_id == new.path_id
        && old.id == new.id
        && old.kind == new.kind
        && old.number == new.number
        && old.audience == new.audience
        && was.len() == now.len()
        && was.iter().zip(&now).all(|(x, y)| same(x, y))
        && same_refs(&old.assets, &new.assets)
        && old
            .key_results
            .iter()
            .map(|k| &k.id)
            .eq(new.key_results.iter().map(|k| &k.id))
        && anchors(old) == anchors(new);
    kept.then(|| same_refs(&old.refs, &new.refs))
}

/// Where each reference of one class (relations, or body links) of `old` is written in
/// `new`, taken in their order: (line, column) before and after.
fn places(
    old: &Document,
    new: &Document,
    relations: bool,
) -> HashMap<(usize, usize), (usize, usize)> {
    let of = |doc: &Document| {
        let refs = doc.refs.iter();
        refs.filter(move |r| (r.kind != RelKind::Mentions) == relations)
            .map(|r| (r.line, r.col))
            .collect::<Vec<_>>()
    };
    of(old).into_iter().zip(of(new)).collect()
}

/// Pages of documents not marked: the store keeps them as they are.
fn kept_pages(project: &Project, names: &[String], only: &[bool]) -> HashMap<String, Vec<String>> {
    let default = project.config.default_audience();
    names
        .iter()
        .map(|name| {
            let site = &project.config.sites[name];
            let pages = project
                .docs
                .iter()
                .zip(only)
                .filter(|(doc, marked)| !**marked && crate::audience::may_show(doc, site, &default))
                .map(|(doc, _)| crate::audience::page_path(doc))
                .collect();
            (name.clone(), pages)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::store::Store;

    const CONFIG: &str = "title = \"T\"\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n\n[sites.public]\ntitle = \"Public\"\naudiences = [\"public\"]\npublic = true\n";
    const HIDDEN: &str = "+++\ntitle = \"Hidden plan\"\nid = \"P-2\"\n+++\nInternal.\n";

    fn public(prose: &str) -> String {
        format!(
            "+++\ntitle = \"Open page\"\nid = \"P-1\"\naudience = [\"public\", \"team\"]\n+++\nIntro.\n{prose}\nSee [[P-2]] for the plan.\n"
        )
    }

    fn project(prose: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/pages")).unwrap();
        std::fs::write(dir.path().join("align.toml"), CONFIG).unwrap();
        std::fs::write(dir.path().join("content/pages/hidden.md"), HIDDEN).unwrap();
        std::fs::write(dir.path().join("content/pages/open.md"), public(prose)).unwrap();
        dir
    }

    fn full() -> Changes {
        Changes {
            config: true,
            theme: true,
            ..Changes::default()
        }
    }

    /// An event naming one edited file.
    fn changed(path: &str) -> Changes {
        Changes {
            paths: BTreeSet::from([PathBuf::from(path)]),
            ..Changes::default()
        }
    }

    /// A rebuilder of `dir` after its first build, and that build.
    fn started(dir: &Path) -> (Rebuilder, Built) {
        let mut rebuilder = Rebuilder::new(dir, Some("2026-11-24".to_string()));
        let first = rebuilder.rebuild(full()).unwrap();
        (rebuilder, first)
    }

    /// Renders every site from scratch, as a clean start of `serve` would.
    fn fresh(dir: &Path) -> Built {
        started(dir).1
    }

    fn edit(rebuilder: &mut Rebuilder, path: &str) -> Built {
        rebuilder.rebuild(changed(path)).unwrap()
    }

    /// An edit of `path` that hands what goes ahead to `hand`, with `open` pages in tabs.
    fn edit_early(
        rebuilder: &mut Rebuilder,
        path: &str,
        open: OpenPages,
        hand: &mut (dyn FnMut(Built) + Send),
    ) -> Result<Built, Vec<String>> {
        rebuilder.rebuild_early(changed(path), Some(Early { open, hand }))
    }

    #[test]
    fn once_the_date_moves_every_page_is_made_again() {
        let dir = project("Prose.");
        let (mut rebuilder, _) = started(dir.path());
        assert_eq!(rebuilder.date_moved(), None, "the date of the last build");
        let unchanged = rebuilder
            .rebuild(Changes {
                date: true,
                ..Changes::default()
            })
            .unwrap();
        assert_eq!(
            unchanged.how, "changed pages",
            "the same date: nothing to do"
        );
        rebuilder.today = Some("2026-11-25".to_string());
        assert_eq!(
            rebuilder.date_moved(),
            Some(jiff::civil::date(2026, 11, 25))
        );
        let built = rebuilder
            .rebuild(Changes {
                date: true,
                ..Changes::default()
            })
            .unwrap();
        assert_eq!((built.how, built.keep.is_none()), ("full", true));
        assert_eq!(rebuilder.date_moved(), None, "made for the new date");
    }

    #[test]
    fn warning_lines_are_written_again_only_for_findings_that_changed() {
        use crate::diag::{Diagnostic, Location};
        let found = |messages: &[&str]| -> Vec<Diagnostic> {
            messages
                .iter()
                .enumerate()
                .map(|(n, m)| Diagnostic::warning(Location::new("a.md", n + 1, 1), *m))
                .collect()
        };
        let before = found(&["one", "two", "three"]);
        let last = warning_lines(&before);
        let same = warning_lines_since(&found(&["one", "two", "three"]), &before, &last);
        assert!(
            std::sync::Arc::ptr_eq(&same, &last),
            "the same findings, the same lines"
        );
        let changed = found(&["one", "2", "three"]);
        let lines = warning_lines_since(&changed, &before, &last);
        assert_eq!(lines, warning_lines(&changed));
        assert_eq!(&*lines[1], "a.md:2:1: warning: 2");
        let more = found(&["one", "two", "three", "four"]);
        assert_eq!(
            warning_lines_since(&more, &before, &last),
            warning_lines(&more)
        );
        let mut with_error = found(&["one", "two"]);
        with_error.push(Diagnostic::error(Location::new("b.md", 1, 1), "bad"));
        let lines = warning_lines_since(&with_error, &before, &last);
        assert_eq!(lines, warning_lines(&with_error));
        assert_eq!(lines.len(), 2, "errors are not warnings");
    }

    #[test]
    fn a_prose_edit_renders_one_page_and_moves_its_warnings() {
        let dir = project("");
        let (mut rebuilder, first) = started(dir.path());
        assert!(
            first.warnings[0].contains("open.md:8:"),
            "{:?}",
            first.warnings
        );

        std::fs::write(
            dir.path().join("content/pages/open.md"),
            public("Two more\nlines of prose.\n"),
        )
        .unwrap();
        let edited = edit(&mut rebuilder, "content/pages/open.md");
        assert!(
            matches!(edited.keep, Some(Keep::Everything)),
            "the fast path ran"
        );
        let pages: Vec<&String> = edited.sites.values().flat_map(|s| s.keys()).collect();
        assert_eq!(
            pages.len(),
            2,
            "only the edited page, on both sites: {pages:?}"
        );

        let fresh = fresh(dir.path());
        assert_eq!(edited.warnings, fresh.warnings);
        assert!(
            edited.warnings[0].contains("open.md:10:"),
            "{:?}",
            edited.warnings
        );
        assert_rendered_as_fresh(&edited, &fresh);
    }

    #[test]
    fn prose_that_the_rules_read_takes_the_path_that_runs_them() {
        let dir = project("");
        let (mut rebuilder, first) = started(dir.path());
        let findings = |built: &Built| {
            built
                .warnings
                .iter()
                .filter(|w| {
                    ["[placeholder]", "[unknown-audience]", "[raw-html-limits]"]
                        .iter()
                        .any(|rule| w.contains(rule))
                })
                .count()
        };
        assert_eq!(findings(&first), 0, "{:?}", first.warnings);
        let mut write = |prose: &str| {
            std::fs::write(dir.path().join("content/pages/open.md"), public(prose)).unwrap();
            let edited = edit(&mut rebuilder, "content/pages/open.md");
            assert_eq!(edited.warnings, fresh(dir.path()).warnings);
            edited
        };
        // Each from prose the rules find nothing in: a `TODO` line, a block for an
        // audience no site lists, raw HTML past what the sanitiser parses in linear time.
        let hostile = format!("Exported:\n\n{}\n", "<div><b>".repeat(5_000));
        for prose in [
            "TODO: say why.\n",
            "<!-- audience: board -->\nNumbers.\n<!-- /audience -->\n",
            &hostile,
        ] {
            let edited = write(prose);
            assert_ne!(edited.how, "prose edit");
            assert!(findings(&edited) > 0, "{:?}", edited.warnings);
            // And back: the findings go as they came.
            let edited = write("");
            assert_eq!(findings(&edited), 0, "{:?}", edited.warnings);
        }
        // The ids a link within the page may lead to: one taken away breaks the link.
        let broken = |built: &Built| built.warnings.iter().any(|w| w.contains("[broken-anchor]"));
        let with_id = "<div id=\"faq\"></div>\n\nSee [the FAQ](#faq).\n";
        assert!(!broken(&write(with_id)));
        let edited = write("<div></div>\n\nSee [the FAQ](#faq).\n");
        assert_ne!(edited.how, "prose edit");
        assert!(broken(&edited), "{:?}", edited.warnings);
        assert!(!broken(&write(with_id)));
    }

    #[test]
    fn an_edit_beyond_prose_takes_the_full_path() {
        let dir = project("");
        let (mut rebuilder, _) = started(dir.path());
        // The link moves into a team-only block: who may see the edge changes.
        let text = public("").replace(
            "See [[P-2]] for the plan.\n",
            "<!-- audience: team -->\nSee [[P-2]] for the plan.\n<!-- /audience -->\n",
        );
        std::fs::write(dir.path().join("content/pages/open.md"), text).unwrap();
        let edited = edit(&mut rebuilder, "content/pages/open.md");
        assert!(!matches!(edited.keep, Some(Keep::Everything)));
        assert!(edited.warnings.is_empty(), "{:?}", edited.warnings);
    }

    #[test]
    fn a_heading_moved_into_a_block_renumbers_the_links_to_it_on_sites_without_the_block() {
        let dir = project("");
        let target = |first: &str| {
            format!(
                "+++\ntitle = \"Hidden plan\"\nid = \"P-2\"\naudience = [\"public\", \"team\"]\n+++\n{first}## Risks\n\nOpen risks.\n"
            )
        };
        let write_target = |first: &str| {
            std::fs::write(dir.path().join("content/pages/hidden.md"), target(first)).unwrap();
        };
        write_target("<!-- audience: team -->\nFirst.\n<!-- /audience -->\n\n## Risks\n\n");
        let linking = public("").replace("[[P-2]]", "[[P-2#risks-1]]");
        std::fs::write(dir.path().join("content/pages/open.md"), linking).unwrap();
        let (mut rebuilder, first) = started(dir.path());
        let link = |built: &Built, site: &str| {
            let page = text(&built.sites[site]["pages/open.html"]);
            let at = page.find("hidden.html").expect("a link to the plan");
            page[at..at + page[at..].find('"').unwrap()].to_string()
        };
        assert_eq!(link(&first, "public"), "hidden.html#risks-1");
        let store = serving(first);
        // The block takes in the first heading, with the same audiences as before: only
        // the team sees that heading now, the public page numbers the second as its
        // first, and so must the link.
        write_target("<!-- audience: team -->\nFirst.\n\n## Risks\n<!-- /audience -->\n\n");
        let edited = edit(&mut rebuilder, "content/pages/hidden.md");
        let fresh = fresh(dir.path());
        assert_eq!(link(&fresh, "public"), "hidden.html#risks");
        assert_eq!(link(&fresh, "team"), "hidden.html#risks-1");
        assert_serves_fresh(&store, &edited, &fresh);
    }

    /// What went ahead and what the rebuild then served are what a fresh build makes.
    fn assert_all_as_fresh(dir: &Path, store: &Store, handed: &[Built], built: &Built) {
        let fresh = fresh(dir);
        for early in handed {
            assert_rendered_as_fresh(early, &fresh);
        }
        assert_serves_fresh(store, built, &fresh);
    }

    /// Every file a rebuild rendered has the bytes of a fresh build.
    fn assert_rendered_as_fresh(built: &Built, fresh: &Built) {
        for (site, files) in &built.sites {
            for (path, bytes) in files {
                assert_eq!(bytes, &fresh.sites[site][path], "{site}/{path}");
            }
        }
    }

    /// A served or built file as text.
    fn text(bytes: &FileBytes) -> String {
        String::from_utf8(bytes.to_bytes().to_vec()).unwrap()
    }

    /// The two-page project after its first build, and a store serving that build.
    fn served_project() -> (tempfile::TempDir, Rebuilder, Store) {
        let dir = project("");
        let (rebuilder, first) = started(dir.path());
        (dir, rebuilder, serving(first))
    }

    /// Gives the team-only page a new title.
    fn retitle_hidden(dir: &Path) {
        let retitled = HIDDEN.replace("Hidden plan", "Hidden plan, second draft");
        std::fs::write(dir.join("content/pages/hidden.md"), retitled).unwrap();
    }

    /// A store serving `first`, as the server does after its first build.
    fn serving(first: Built) -> Store {
        let store = Store::default();
        store.publish(first.sites, first.titles, None);
        store
    }

    /// Publishes `edited` as the server does; the store then serves every file of the
    /// fresh build with its bytes, and no other file.
    fn assert_serves_fresh(store: &Store, edited: &Built, fresh: &Built) {
        store.publish(
            edited.sites.clone(),
            edited.titles.clone(),
            edited.keep.as_ref(),
        );
        for (site, files) in &fresh.sites {
            for (path, bytes) in files {
                let served = store
                    .get(site, path)
                    .unwrap_or_else(|| panic!("{site}/{path} neither rendered nor kept"));
                assert_eq!(&served.bytes, bytes, "{site}/{path}");
            }
            let mut served = store.paths(site);
            served.retain(|path| !files.contains_key(path));
            assert!(served.is_empty(), "{site} serves more: {served:?}");
        }
        assert_eq!(edited.warnings, fresh.warnings);
    }

    #[test]
    fn a_fields_edit_renders_the_document_its_neighbours_and_the_aggregates() {
        let (dir, mut rebuilder, store) = served_project();
        retitle_hidden(dir.path());
        let edited = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(edited.how, "fields edit");
        let team = &edited.sites["team"];
        let open = text(&team["pages/open.html"]);
        assert!(
            open.contains("Hidden plan, second draft"),
            "the neighbour shows the new title"
        );
        assert!(team.contains_key("lists/kind/page.html"));
        assert!(team.contains_key("search-index.json"));
        let graph = text(&team["graph.json"]);
        assert!(graph.contains("\"title\":\"Hidden plan, second draft\""));
        assert!(graph.contains("\"title\":\"Open page\""), "a kept entry");
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
    }

    /// A link added above a relation written in the body moves the relation's reference
    /// down a line: its edge follows it there, and is not given the new link's place.
    #[test]
    fn a_relations_edge_keeps_its_references_place_when_a_link_is_added_above_it() {
        let reference = |kind, line| crate::model::RefText {
            kind,
            text: "decisions/d1".into(),
            label: None,
            line,
            col: 1,
            inverse: false,
            audiences: Vec::new(),
            defined_at: None,
            phrase: None,
        };
        let old = Document {
            refs: vec![
                reference(RelKind::Supersedes, 5),
                reference(RelKind::Mentions, 5),
            ],
            ..Document::default()
        };
        let new = Document {
            refs: vec![
                reference(RelKind::Mentions, 5),
                reference(RelKind::Supersedes, 6),
                reference(RelKind::Mentions, 6),
            ],
            ..Document::default()
        };
        assert_eq!(places(&old, &new, true), HashMap::from([((5, 1), (6, 1))]));
        assert_eq!(places(&old, &new, false), HashMap::from([((5, 1), (5, 1))]));
    }

    /// A link in the prose added, pointed elsewhere and removed: its edges are made again
    /// in the graph in memory, the pages at both ends of the link before and after are rendered, and
    /// each step serves what a fresh build makes. Later edits that take the project path
    /// compare with what the links have become.
    #[test]
    fn a_link_in_the_prose_added_moved_and_removed_is_a_fields_edit() {
        let (dir, mut rebuilder, store) = served_project();
        let third = "+++\ntitle = \"Third page\"\nid = \"P-3\"\n+++\nMore.\n";
        std::fs::write(dir.path().join("content/pages/third.md"), third).unwrap();
        let added = rebuilder
            .rebuild(changed("content/pages/third.md"))
            .unwrap();
        assert_serves_fresh(&store, &added, &fresh(dir.path()));
        let hidden = |prose: &str| HIDDEN.replace("Internal.", prose);
        let path = dir.path().join("content/pages/hidden.md");
        for (prose, linked, unlinked) in [
            ("Internal; see [[P-3]].", Some("pages/third.html"), None),
            (
                "Internal; see [[P-1]].",
                Some("pages/open.html"),
                Some("pages/third.html"),
            ),
            ("Internal.", None, Some("pages/open.html")),
        ] {
            std::fs::write(&path, hidden(prose)).unwrap();
            let edited = edit(&mut rebuilder, "content/pages/hidden.md");
            assert_eq!(edited.how, "fields edit", "{prose}");
            let team = &edited.sites["team"];
            for page in linked.iter().chain(&unlinked) {
                assert!(team.contains_key(*page), "{prose}: {page} rendered again");
            }
            if let Some(page) = linked {
                assert!(text(&team[page]).contains("Hidden plan"), "{prose}: {page}");
            }
            assert_serves_fresh(&store, &edited, &fresh(dir.path()));
        }
        // A link to nothing is the project path's to report.
        std::fs::write(&path, hidden("Internal; see [[P-9]].")).unwrap();
        assert!(
            rebuilder
                .rebuild(changed("content/pages/hidden.md"))
                .is_err()
        );
        std::fs::write(&path, hidden("Internal.")).unwrap();
        let mended = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_serves_fresh(&store, &mended, &fresh(dir.path()));
        std::fs::write(&path, hidden("Internal; see [[P-3]].")).unwrap();
        let relinked = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(relinked.how, "fields edit");
        assert_serves_fresh(&store, &relinked, &fresh(dir.path()));
        // The link removed on the project path (a new heading with it): the page it led
        // to, linked since a fields edit, is rendered without it.
        std::fs::write(&path, hidden("Internal.\n\n## Next\n\nLater.")).unwrap();
        let unlinked = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(unlinked.how, "changed pages");
        assert!(unlinked.sites["team"].contains_key("pages/third.html"));
        assert_serves_fresh(&store, &unlinked, &fresh(dir.path()));
    }

    #[test]
    fn an_imported_record_s_status_or_date_edited_to_words_of_its_length_matches_a_fresh_build() {
        let (dir, mut rebuilder, store) = served_project();
        let record = "content/decisions/0014-use-log4brains.md";
        std::fs::create_dir_all(dir.path().join("content/decisions")).unwrap();
        let write = |status: &str, date: &str| {
            let text = format!(
                "---\naudience: [team]\n---\n# Use log4brains\n\n- Status: {status}\n- Date: {date}\n- Deciders: Ann, Bob\n\n## Context\n\nText.\n"
            );
            std::fs::write(dir.path().join(record), text).unwrap();
        };
        write("accepted", "2026-11-02");
        let added = edit(&mut rebuilder, record);
        store.publish(added.sites, added.titles, added.keep.as_ref());
        // The lines that say them stay in the body as comments of their length: the body
        // is the same, the fields are not.
        for (status, date) in [("rejected", "2026-11-02"), ("rejected", "2026-11-05")] {
            write(status, date);
            let edited = edit(&mut rebuilder, record);
            let log = text(&edited.sites["team"]["decisions.html"]);
            assert!(log.contains(&format!("status-{status}")), "{log}");
            assert_serves_fresh(&store, &edited, &fresh(dir.path()));
        }
    }

    #[test]
    fn a_folder_swapped_for_files_of_the_same_sizes_and_times_is_read_again() {
        let (dir, mut rebuilder, store) = served_project();
        let write = |folder: &str, audience: &str, word: &str| {
            let folder = dir.path().join(folder);
            std::fs::create_dir_all(&folder).unwrap();
            let text = format!("+++\ntitle = \"Swap\"\naudience = [\"{audience}\"]\n+++\n{word}\n");
            std::fs::write(folder.join("s.md"), text).unwrap();
            let file = std::fs::File::options()
                .write(true)
                .open(folder.join("s.md"))
                .unwrap();
            file.set_modified(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_620_000_000),
            )
            .unwrap();
        };
        write("content/swap", "public", "SWAPDDDD");
        let added = edit(&mut rebuilder, "content/swap/s.md");
        store.publish(added.sites, added.titles, added.keep.as_ref());
        assert!(store.get("public", "swap/s.html").is_some());
        // As `cp -a` and a rename put a copy in place: the same length and time.
        write("content/swap.new", "team  ", "SWAPEEEE");
        std::fs::rename(dir.path().join("content/swap"), dir.path().join("swap.old")).unwrap();
        std::fs::rename(
            dir.path().join("content/swap.new"),
            dir.path().join("content/swap"),
        )
        .unwrap();
        let swapped = rebuilder
            .rebuild(Changes {
                rescan: true,
                ..Changes::default()
            })
            .unwrap();
        assert_serves_fresh(&store, &swapped, &fresh(dir.path()));
        assert!(store.get("public", "swap/s.html").is_none());
    }

    #[test]
    fn edits_beside_an_imported_changelog_take_the_fast_paths_until_it_changes() {
        let dir = project("");
        let config = format!(
            "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n"
        );
        std::fs::write(dir.path().join("align.toml"), config).unwrap();
        let changelog = dir.path().join("CHANGELOG.md");
        let entry = "- Faster `sync` ([#7](https://git.example/7))\n";
        std::fs::write(
            &changelog,
            format!("# Changelog\n\n## [1.0.0] - 2026-11-01\n\n### Added\n\n{entry}"),
        )
        .unwrap();
        let (mut rebuilder, first) = started(dir.path());
        let store = serving(first);
        let line = r#"<li>Faster <code>sync</code> (<a href="https://git.example/7">#7</a>) <a class="permalink""#;
        retitle_hidden(dir.path());
        let edited = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(edited.how, "fields edit");
        assert!(text(&edited.sites["team"]["changelog.html"]).contains(line));
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
        // A link added: its edge made in the graph in memory, and only the
        // pages the edit reaches rendered, while the changelog stays as it was.
        std::fs::write(
            dir.path().join("content/pages/open.md"),
            public("Also [[P-2|the plan]]."),
        )
        .unwrap();
        let linked = edit(&mut rebuilder, "content/pages/open.md");
        assert_eq!(linked.how, "fields edit");
        assert_serves_fresh(&store, &linked, &fresh(dir.path()));
        // The changelog edited: every page again, with the new entry.
        std::fs::write(
            &changelog,
            format!("# Changelog\n\n## [1.0.0] - 2026-11-01\n\n### Added\n\n{entry}- Dark mode\n"),
        )
        .unwrap();
        let rescan = Changes {
            rescan: true,
            ..Changes::default()
        };
        let reread = rebuilder.rebuild(rescan.clone()).unwrap();
        assert_eq!(reread.how, "full", "a new entry is a new document");
        assert!(
            text(&reread.sites["public"]["changelog.html"])
                .contains("<li>Dark mode <a class=\"permalink\"")
        );
        assert_serves_fresh(&store, &reread, &fresh(dir.path()));
        // An entry reworded: the same documents, so only theirs and the aggregates.
        std::fs::write(&changelog, format!("# Changelog\n\n## [1.0.0] - 2026-11-01\n\n### Added\n\n{entry}- Dark mode everywhere\n")).unwrap();
        let reworded = rebuilder.rebuild(rescan).unwrap();
        assert_eq!(reworded.how, "changed pages");
        assert!(!reworded.sites["team"].contains_key("pages/open.html"));
        assert!(
            text(&reworded.sites["public"]["changelog.html"])
                .contains("<li>Dark mode everywhere <a")
        );
        assert_serves_fresh(&store, &reworded, &fresh(dir.path()));
    }

    #[test]
    fn a_fields_edit_leaves_alone_a_site_that_shows_nothing_it_changed() {
        let (dir, mut rebuilder, store) = served_project();
        // Only the team sees the hidden plan; the public page that links to it is marked
        // with it, but its public view shows no link to it and comes out the same.
        retitle_hidden(dir.path());
        let edited = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(edited.how, "fields edit");
        assert!(edited.sites.contains_key("team"));
        assert!(
            !edited.sites.contains_key("public"),
            "nothing of the public site is rendered: {:?}",
            edited
                .sites
                .get("public")
                .map(|s| s.keys().collect::<Vec<_>>())
        );
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));

        // An edit of the page both sites show renders both.
        let retitled = public("").replace("Open page", "Open page, revised");
        std::fs::write(dir.path().join("content/pages/open.md"), retitled).unwrap();
        let edited = edit(&mut rebuilder, "content/pages/open.md");
        assert_eq!(edited.how, "fields edit");
        let public = text(&edited.sites["public"]["pages/open.html"]);
        assert!(public.contains("Open page, revised"));
        assert!(edited.sites["public"].contains_key("lists/kind/page.html"));
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
    }

    #[test]
    fn a_fields_edit_among_hundreds_of_documents_writes_the_site_files_as_a_fresh_build() {
        let dir = project("");
        for n in 0..300 {
            std::fs::write(
                dir.path().join(format!("content/pages/p{n:03}.md")),
                format!("+++\ntitle = \"Page {n}\"\nid = \"Q-{n}\"\n+++\nSee [[P-1]].\n"),
            )
            .unwrap();
        }
        let (mut rebuilder, first) = started(dir.path());
        let store = serving(first);
        // Entries are kept in runs of documents: edit one in the middle of a later run,
        // then one in the first.
        for (n, title) in [(200, "Page two hundred"), (3, "Page three")] {
            std::fs::write(
                dir.path().join(format!("content/pages/p{n:03}.md")),
                format!("+++\ntitle = \"{title}\"\nid = \"Q-{n}\"\n+++\nSee [[P-1]].\n"),
            )
            .unwrap();
            let before = store.get("team", "graph.json").unwrap().bytes;
            let edited = edit(&mut rebuilder, &format!("content/pages/p{n:03}.md"));
            assert_eq!(edited.how, "fields edit");
            // The runs the edit did not touch are the buffers served before, not copies.
            let after = &edited.sites["team"]["graph.json"];
            let kept = after
                .pieces()
                .iter()
                .filter(|p| p.len() > 1000)
                .filter(|p| before.pieces().iter().any(|b| b.as_ptr() == p.as_ptr()))
                .count();
            assert!(
                kept >= 1,
                "{title}: {} pieces, none kept",
                after.pieces().len()
            );
            let graph = text(&edited.sites["team"]["graph.json"]);
            assert!(graph.contains(&format!("\"title\":\"{title}\"")), "{title}");
            let index = text(&edited.sites["team"]["search-index.json"]);
            assert!(index.contains(&format!("\"title\":\"{title}\"")), "{title}");
            assert_serves_fresh(&store, &edited, &fresh(dir.path()));
        }
    }

    /// The list groupings the rebuilder keeps for the team site.
    fn team_groupings(rebuilder: &Rebuilder) -> std::sync::Arc<[crate::audience::Grouping]> {
        let views = rebuilder.last.as_ref().unwrap().views.as_ref().unwrap();
        let (_, team) = views.iter().find(|(name, _)| name == "team").unwrap();
        team.groupings.clone().expect("the lists were grouped")
    }

    #[test]
    fn a_fields_edit_groups_the_lists_again_only_when_a_group_changes() {
        let (dir, mut rebuilder, store) = served_project();
        let first = team_groupings(&rebuilder);
        retitle_hidden(dir.path());
        let edited = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(edited.how, "fields edit");
        let retitled = team_groupings(&rebuilder);
        assert!(
            std::sync::Arc::ptr_eq(&first, &retitled),
            "a new title changes no group"
        );
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
        let tagged = HIDDEN.replace("id = \"P-2\"", "id = \"P-2\"\ntags = [\"fresh\"]");
        std::fs::write(dir.path().join("content/pages/hidden.md"), tagged).unwrap();
        let edited = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(edited.how, "fields edit");
        assert!(!std::sync::Arc::ptr_eq(
            &retitled,
            &team_groupings(&rebuilder)
        ));
        assert!(edited.sites["team"].contains_key("lists/tag/fresh.html"));
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
    }

    #[test]
    fn a_fields_edit_that_empties_a_list_leaves_it_out() {
        let dir = project("");
        let tagged = HIDDEN.replace("id = \"P-2\"", "id = \"P-2\"\ntags = [\"only-here\"]");
        std::fs::write(dir.path().join("content/pages/hidden.md"), &tagged).unwrap();
        let (mut rebuilder, first) = started(dir.path());
        assert!(first.sites["team"].contains_key("lists/tag/only-here.html"));
        let store = serving(first);
        std::fs::write(dir.path().join("content/pages/hidden.md"), HIDDEN).unwrap();
        let edited = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_eq!(edited.how, "fields edit");
        assert!(!edited.sites["team"].contains_key("lists/tag/only-here.html"));
        assert!(
            matches!(edited.keep, Some(Keep::Documents)),
            "the store drops the site's own files not built again"
        );
        assert!(crate::project::site_writes("lists/tag/only-here.html"));
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
    }

    #[test]
    fn a_fields_edit_that_shortens_a_paged_list_drops_its_last_page() {
        let dir = project("");
        let page = |n: usize, tags: &str| {
            format!("+++\ntitle = \"Note {n}\"\ntags = [{tags}]\n+++\nText.\n")
        };
        for n in 0..501 {
            let path = dir.path().join(format!("content/pages/n{n:03}.md"));
            std::fs::write(path, page(n, "\"many\"")).unwrap();
        }
        let (mut rebuilder, first) = started(dir.path());
        assert!(first.sites["team"].contains_key("lists/tag/many/2.html"));
        let store = serving(first);
        std::fs::write(dir.path().join("content/pages/n007.md"), page(7, "")).unwrap();
        let edited = edit(&mut rebuilder, "content/pages/n007.md");
        assert_eq!(edited.how, "fields edit");
        let list = text(&edited.sites["team"]["lists/tag/many.html"]);
        assert!(list.contains("500 documents</p>"), "{list}");
        assert!(!edited.sites["team"].contains_key("lists/tag/many/2.html"));
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
        assert!(store.get("team", "lists/tag/many/2.html").is_none());
    }

    #[test]
    fn a_fields_edit_hands_over_its_pages_before_the_lists_and_views() {
        let (dir, mut rebuilder, store) = served_project();
        retitle_hidden(dir.path());
        let mut first = Vec::new();
        let edited = edit_early(
            &mut rebuilder,
            "content/pages/hidden.md",
            OpenPages::new(),
            &mut |built: Built| first.push(built),
        )
        .unwrap();
        let [early] = first.as_slice() else {
            panic!("one early hand-over, not {}", first.len());
        };
        assert!(matches!(early.keep, Some(Keep::Everything)));
        let team = &early.sites["team"];
        let mut paths: Vec<&String> = team.keys().collect();
        paths.sort();
        assert_eq!(
            paths,
            ["pages/hidden.html", "pages/open.html"],
            "the edited page and its neighbour's, nothing else"
        );
        let hidden = text(&team["pages/hidden.html"]);
        assert!(hidden.contains("Hidden plan, second draft"));
        assert!(
            early
                .sites
                .get("public")
                .is_none_or(|s| !s.contains_key("pages/hidden.html")),
            "a page goes only to the sites that show it"
        );
        // The whole rebuild that follows is the same as without the early hand-over.
        assert_eq!(edited.how, "fields edit");
        let fresh = fresh(dir.path());
        assert_serves_fresh(&store, &edited, &fresh);
        assert_rendered_as_fresh(early, &fresh);
    }

    #[test]
    fn lists_and_views_open_in_a_browser_go_ahead_of_the_rest_one_by_one() {
        let (dir, mut rebuilder, store) = served_project();
        retitle_hidden(dir.path());
        let open = |paths: &[&str]| paths.iter().map(|p| p.to_string()).collect();
        let open = OpenPages::from([
            (
                "team".to_string(),
                open(&["lists/kind/page.html", "roadmap.html", "pages/hidden.html"]),
            ),
            ("public".to_string(), open(&["lists/kind/page.html"])),
        ]);
        let mut handed = Vec::new();
        let edited = edit_early(
            &mut rebuilder,
            "content/pages/hidden.md",
            open,
            &mut |built: Built| handed.push(built),
        )
        .unwrap();
        // The edited pages and the open ones are rendered side by side: either may go first.
        let (open_pages, pages): (Vec<&Built>, Vec<&Built>) =
            handed.iter().partition(|built| built.how == OPEN_PAGE);
        assert_eq!(pages.len(), 1, "the edited pages go together");
        assert_eq!(pages[0].how, "fields edit, lists and views follow");
        let mut seen: Vec<(String, String)> = open_pages
            .iter()
            .map(|built| the_open_page(built))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("team".to_string(), "lists/kind/page.html".to_string()),
                ("team".to_string(), "roadmap.html".to_string()),
            ],
            "each open list and view once; the open document page went with the first; \
             the public site does not show the edited page, so its open list stays as it is"
        );
        let list = text(
            open_pages
                .iter()
                .find_map(|b| b.sites.get("team")?.get("lists/kind/page.html"))
                .unwrap(),
        );
        assert!(list.contains("Hidden plan, second draft"), "{list}");
        assert_eq!(edited.how, "fields edit");
        assert_all_as_fresh(dir.path(), &store, &handed, &edited);
    }

    #[test]
    fn nothing_goes_ahead_of_a_rebuild_until_its_templates_rendered_a_whole_one() {
        let (dir, mut rebuilder, _store) = served_project();
        let open = || open_in_team(&["pages/open.html", "lists/kind/page.html"]);
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        // A list template that fails on every list, where document pages render.
        std::fs::write(templates.join("list.html"), "{{ nothing.here }}").unwrap();
        let theme = Changes {
            theme: true,
            ..Changes::default()
        };
        let mut handed = Vec::new();
        let failed = rebuilder.rebuild_early(
            theme.clone(),
            Some(Early {
                open: open(),
                hand: &mut |built: Built| handed.push(built.how),
            }),
        );
        assert!(failed.is_err());
        assert!(
            handed.is_empty(),
            "went ahead of a failed rebuild: {handed:?}"
        );
        // An edit while the template still fails hands nothing over either.
        std::fs::write(
            dir.path().join("content/pages/open.md"),
            public("New words."),
        )
        .unwrap();
        let failed = edit_early(
            &mut rebuilder,
            "content/pages/open.md",
            open(),
            &mut |built| handed.push(built.how),
        );
        assert!(failed.is_err());
        assert!(
            handed.is_empty(),
            "went ahead of a failed rebuild: {handed:?}"
        );
        // Mended, the whole rebuild goes at once; the edit after it goes ahead again.
        std::fs::remove_file(templates.join("list.html")).unwrap();
        let mended = rebuilder.rebuild_early(
            theme,
            Some(Early {
                open: open(),
                hand: &mut |built: Built| handed.push(built.how),
            }),
        );
        assert_eq!(mended.unwrap().how, "full");
        assert!(handed.is_empty(), "{handed:?}");
        retitle_hidden(dir.path());
        edit_early(
            &mut rebuilder,
            "content/pages/hidden.md",
            open(),
            &mut |built| handed.push(built.how),
        )
        .unwrap();
        assert!(!handed.is_empty(), "a proven rebuild hands its pages ahead");
    }

    /// The one page an open page's hand-over holds, as (site, path).
    fn the_open_page(built: &Built) -> (String, String) {
        assert_eq!(built.how, OPEN_PAGE);
        assert!(matches!(built.keep, Some(Keep::Everything)));
        let files: Vec<(&String, &String)> = built
            .sites
            .iter()
            .flat_map(|(site, files)| files.keys().map(move |path| (site, path)))
            .collect();
        let [(site, path)] = files.as_slice() else {
            panic!("one page per hand-over, not {files:?}");
        };
        (site.to_string(), path.to_string())
    }

    fn open_in_team(paths: &[&str]) -> OpenPages {
        let paths = paths.iter().map(ToString::to_string).collect();
        OpenPages::from([("team".to_string(), paths)])
    }

    #[test]
    fn a_new_document_hands_over_each_open_page_as_soon_as_it_is_rendered() {
        let (dir, mut rebuilder, store) = served_project();
        std::fs::write(
            dir.path().join("content/pages/new.md"),
            "+++\ntitle = \"Brand new page\"\n+++\nFresh.\n",
        )
        .unwrap();
        let mut handed = Vec::new();
        let built = edit_early(
            &mut rebuilder,
            "content/pages/new.md",
            open_in_team(&["lists/kind/page.html", "pages/open.html"]),
            &mut |built: Built| handed.push(built),
        )
        .unwrap();
        assert_eq!(built.how, "full", "a new document renders every page");
        let mut seen: Vec<(String, String)> = handed.iter().map(the_open_page).collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("team".to_string(), "lists/kind/page.html".to_string()),
                ("team".to_string(), "pages/open.html".to_string()),
            ],
            "each open page once, a document's as well as a list's"
        );
        let list = handed
            .iter()
            .find_map(|built| built.sites["team"].get("lists/kind/page.html"))
            .unwrap();
        assert!(text(list).contains("Brand new page"), "{}", text(list));
        assert_all_as_fresh(dir.path(), &store, &handed, &built);
    }

    #[test]
    fn an_edit_that_adds_a_link_hands_over_its_pages_before_the_lists_and_views() {
        let (dir, mut rebuilder, store) = served_project();
        // A new title, a new heading and a new link: the heading's anchor is new, so no
        // fields edit.
        let related = HIDDEN
            .replace("Hidden plan", "Hidden plan, linked")
            .replace("Internal.", "Internal.\n\n## Next\n\nSee [[P-1]].");
        std::fs::write(dir.path().join("content/pages/hidden.md"), related).unwrap();
        let mut handed = Vec::new();
        let edited = edit_early(
            &mut rebuilder,
            "content/pages/hidden.md",
            open_in_team(&["roadmap.html"]),
            &mut |built: Built| handed.push(built),
        )
        .unwrap();
        assert_eq!(edited.how, "changed pages");
        let (open_pages, pages): (Vec<&Built>, Vec<&Built>) =
            handed.iter().partition(|built| built.how == OPEN_PAGE);
        let [pages] = pages.as_slice() else {
            panic!("the edited pages go together, once: {}", pages.len());
        };
        assert_eq!(pages.how, "changed pages, lists and views follow");
        let hidden = text(&pages.sites["team"]["pages/hidden.html"]);
        assert!(hidden.contains("Hidden plan, linked"), "{hidden}");
        let seen: Vec<(String, String)> = open_pages.iter().map(|b| the_open_page(b)).collect();
        assert_eq!(seen, [("team".to_string(), "roadmap.html".to_string())]);
        assert_all_as_fresh(dir.path(), &store, &handed, &edited);
    }

    #[test]
    fn a_key_result_renamed_like_a_heading_moves_the_heading_s_anchor() {
        let dir = project("");
        let objective = |kr: &str| {
            format!(
                "+++\ntitle = \"Grow\"\nid = \"O-1\"\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"{kr}\"\ntitle = \"Rate\"\nbaseline = 0\ntarget = 1\n+++\n## KR activation\n\nWhy.\n"
            )
        };
        std::fs::create_dir_all(dir.path().join("content/objectives")).unwrap();
        let path = dir.path().join("content/objectives/grow.md");
        std::fs::write(&path, objective("rate")).unwrap();
        let (mut rebuilder, first) = started(dir.path());
        let store = serving(first);
        std::fs::write(&path, objective("activation")).unwrap();
        let edited = edit(&mut rebuilder, "content/objectives/grow.md");
        let page = text(&edited.sites["team"]["objectives/grow.html"]);
        assert!(
            page.contains(r#"<h2 id="kr-activation-1">KR activation</h2>"#),
            "the same body, rendered again beside the new row id: {page}"
        );
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
    }

    /// What the watcher reports when files under `static/` were saved, added or removed.
    fn statics_saved() -> Changes {
        Changes {
            statics: true,
            ..Changes::default()
        }
    }

    #[test]
    fn a_static_file_saved_alone_is_served_without_rendering_a_page() {
        let (dir, mut rebuilder, store) = served_project();
        let css = dir.path().join("static/assets/extra.css");
        std::fs::create_dir_all(css.parent().unwrap()).unwrap();
        std::fs::write(&css, "body { color: teal; }\n").unwrap();
        let saved = rebuilder.rebuild(statics_saved()).unwrap();
        assert_eq!(saved.how, "static files");
        for (site, files) in &saved.sites {
            assert!(
                files.keys().all(|path| path.starts_with("assets/")),
                "{site}: no page is rendered: {:?}",
                files.keys().collect::<Vec<_>>()
            );
            assert_eq!(text(&files["assets/extra.css"]), "body { color: teal; }\n");
        }
        assert_serves_fresh(&store, &saved, &fresh(dir.path()));
        // Removed: gone from every site.
        std::fs::remove_file(&css).unwrap();
        let removed = rebuilder.rebuild(statics_saved()).unwrap();
        assert_eq!(removed.how, "static files");
        assert_serves_fresh(&store, &removed, &fresh(dir.path()));
        assert!(store.get("team", "assets/extra.css").is_none());
        // A static file where a site writes a page of its own: the full path decides.
        std::fs::write(dir.path().join("static/roadmap.html"), "<p>mine</p>\n").unwrap();
        let clash = rebuilder.rebuild(statics_saved()).unwrap();
        assert_eq!(clash.how, "full");
        assert_serves_fresh(&store, &clash, &fresh(dir.path()));
        // It stays out of the next stylesheet's save, which takes the fast path again.
        std::fs::write(&css, "body { color: navy; }\n").unwrap();
        let again = rebuilder.rebuild(statics_saved()).unwrap();
        assert_eq!(again.how, "static files");
        assert_eq!(
            again.sites["team"].keys().collect::<Vec<_>>(),
            ["assets/extra.css"],
            "only what changed"
        );
        assert_serves_fresh(&store, &again, &fresh(dir.path()));
    }

    #[test]
    fn a_static_file_that_comes_or_goes_is_found_by_the_links_from_the_root_that_name_it() {
        let (dir, mut rebuilder, store) = served_project();
        let doc = dir.path().join("content/pages/logo.md");
        std::fs::write(
            &doc,
            "+++\ntitle = \"Logo\"\n+++\n\n![The logo](/img/logo.png)\n",
        )
        .unwrap();
        let missing = |built: &Built| {
            built
                .warnings
                .iter()
                .filter(|w| w.contains("missing file `/img/logo.png`"))
                .count()
        };
        let added = edit(&mut rebuilder, "content/pages/logo.md");
        assert_eq!(missing(&added), 1, "{:?}", added.warnings);
        let logo = dir.path().join("static/img/logo.png");
        std::fs::create_dir_all(logo.parent().unwrap()).unwrap();
        std::fs::write(&logo, b"\x89PNG").unwrap();
        let came = rebuilder.rebuild(statics_saved()).unwrap();
        assert_eq!(missing(&came), 0, "{:?}", came.warnings);
        assert_serves_fresh(&store, &came, &fresh(dir.path()));
        assert!(store.get("team", "img/logo.png").is_some());
        // Saved again, it is a file that changed, not one that came: the fast path.
        std::fs::write(&logo, b"\x89PNG again").unwrap();
        let saved = rebuilder.rebuild(statics_saved()).unwrap();
        assert_eq!(saved.how, "static files");
        assert_eq!(missing(&saved), 0, "{:?}", saved.warnings);
        std::fs::remove_file(&logo).unwrap();
        let gone = rebuilder.rebuild(statics_saved()).unwrap();
        assert_eq!(missing(&gone), 1, "{:?}", gone.warnings);
        assert_serves_fresh(&store, &gone, &fresh(dir.path()));
    }

    #[test]
    fn a_prose_edit_comes_whole_even_when_asked_for_early_pages() {
        let dir = project("");
        let (mut rebuilder, _) = started(dir.path());
        std::fs::write(
            dir.path().join("content/pages/open.md"),
            public("More prose.\n"),
        )
        .unwrap();
        let mut early = 0;
        let edited = edit_early(
            &mut rebuilder,
            "content/pages/open.md",
            OpenPages::new(),
            &mut |_: Built| early += 1,
        )
        .unwrap();
        assert_eq!(edited.how, "prose edit");
        assert_eq!(early, 0);
    }

    #[test]
    fn a_fields_edit_that_changes_a_status_or_a_rule_finding_matches_a_fresh_build() {
        let dir = project("");
        let decision = |status: &str| {
            format!(
                "+++\ntitle = \"Use queues\"\nid = \"D-1\"\nstatus = \"{status}\"\nsupersedes = \"D-0\"\ndate = 2026-01-02\n+++\nWhy.\n"
            )
        };
        std::fs::create_dir_all(dir.path().join("content/decisions")).unwrap();
        std::fs::write(
            dir.path().join("content/decisions/d0.md"),
            "+++\ntitle = \"Use cron\"\nid = \"D-0\"\nstatus = \"accepted\"\ndate = 2025-01-02\n+++\nWhy.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("content/decisions/d1.md"),
            decision("proposed"),
        )
        .unwrap();
        let (mut rebuilder, first) = started(dir.path());
        let store = serving(first);
        // Accepting D-1 supersedes D-0: another document's status changes with it.
        std::fs::write(
            dir.path().join("content/decisions/d1.md"),
            decision("accepted"),
        )
        .unwrap();
        let edited = edit(&mut rebuilder, "content/decisions/d1.md");
        assert_eq!(edited.how, "fields edit");
        let old = text(&edited.sites["team"]["decisions/d0.html"]);
        assert!(old.contains("superseded"), "D-0 is superseded now");
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
        // Back to proposed: a decision superseding an accepted one is fine either way,
        // and D-0 is in force again.
        std::fs::write(
            dir.path().join("content/decisions/d1.md"),
            decision("proposed"),
        )
        .unwrap();
        let edited = edit(&mut rebuilder, "content/decisions/d1.md");
        assert_eq!(edited.how, "fields edit");
        assert_serves_fresh(&store, &edited, &fresh(dir.path()));
    }

    #[test]
    fn a_fields_edit_that_adds_an_error_takes_the_full_path_and_fails() {
        let dir = project("");
        let config = format!("{CONFIG}\n[check.rules]\nstale = \"error\"\n");
        std::fs::write(dir.path().join("align.toml"), config).unwrap();
        let (mut rebuilder, first) = started(dir.path());
        let store = serving(first);
        let stale = HIDDEN.replace("id = \"P-2\"\n", "id = \"P-2\"\nupdated = 2020-01-01\n");
        std::fs::write(dir.path().join("content/pages/hidden.md"), stale).unwrap();
        let mut handed = 0;
        let errors = edit_early(
            &mut rebuilder,
            "content/pages/hidden.md",
            OpenPages::new(),
            &mut |_: Built| handed += 1,
        )
        .err()
        .expect("the stale page is an error");
        assert!(errors.iter().any(|e| e.contains("hidden.md")), "{errors:?}");
        assert_eq!(
            handed, 0,
            "pages rendered beside the rules are not handed over"
        );
        // Fixed again: the next edit builds, and matches a fresh build.
        std::fs::write(dir.path().join("content/pages/hidden.md"), HIDDEN).unwrap();
        let fixed = edit(&mut rebuilder, "content/pages/hidden.md");
        assert_serves_fresh(&store, &fixed, &fresh(dir.path()));
    }

    #[test]
    fn a_prose_edit_on_a_link_line_moves_its_warning_column() {
        let dir = project("");
        let page = |lead: &str| {
            format!("+++\ntitle = \"Notes\"\n+++\n{lead}[the diagram](missing.png) here.\n")
        };
        std::fs::write(dir.path().join("content/pages/notes.md"), page("See ")).unwrap();
        let (mut rebuilder, first) = started(dir.path());
        assert!(
            first.warnings.iter().any(|w| w.contains("notes.md:4:5:")),
            "{:?}",
            first.warnings
        );
        std::fs::write(
            dir.path().join("content/pages/notes.md"),
            page("Please see "),
        )
        .unwrap();
        let edited = edit(&mut rebuilder, "content/pages/notes.md");
        assert!(
            matches!(edited.keep, Some(Keep::Everything)),
            "the fast path ran"
        );
        let fresh = fresh(dir.path());
        assert_eq!(edited.warnings, fresh.warnings);
        assert!(
            edited.warnings.iter().any(|w| w.contains("notes.md:4:12:")),
            "{:?}",
            edited.warnings
        );
    }
}
