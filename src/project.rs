//! A loaded project: its configuration, documents, graph and every diagnostic found on
//! the way. `build`, `check` and `serve` all start here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::diag::{self, Diagnostic, Location};
use crate::graph::Graph;
use crate::load;
use crate::model::Document;

/// Why a command failed; decides the exit status.
#[derive(Debug)]
pub enum Failure {
    /// Content errors (exit 1); every diagnostic, warnings included.
    Content(Vec<Diagnostic>),
    /// Errors in `align.toml` (exit 2).
    Config(Vec<Diagnostic>),
    /// Usage, I/O or template problems (exit 2).
    Usage(anyhow::Error),
}

/// How a usage, I/O or template error reads: a template error with its place as
/// `DIR/templates/NAME:LINE:COL: error: …` (the project folder `dir` as given, as content
/// errors name their files) and the source line, anything else as `error: …` with its
/// causes.
pub fn usage_message(err: &anyhow::Error, dir: &Path) -> String {
    match err.downcast_ref::<crate::render::TemplateError>() {
        Some(located) if located.0.starts_with("templates/") => {
            let mut folder = dir.to_string_lossy().into_owned();
            if !folder.is_empty() && !folder.ends_with('/') {
                folder.push('/');
            }
            // A template the project does not have is the default theme's: it fails on
            // what one of the project's own templates, which it builds on, no longer gives.
            let own: Vec<String> = std::fs::read_dir(dir.join("templates"))
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|name| name.ends_with(".html"))
                .collect();
            let mut theme = false;
            let mut lines: Vec<String> = located
                .0
                .lines()
                .map(|line| {
                    let name = line
                        .strip_prefix("templates/")
                        .filter(|_| line.contains(": error: "))
                        .and_then(|rest| rest.split(':').next());
                    match name {
                        Some(name) if own.iter().any(|o| o == name) => format!("{folder}{line}"),
                        Some(_) => {
                            theme = true;
                            format!("(default theme) {line}")
                        }
                        None => line.to_string(),
                    }
                })
                .collect();
            if theme {
                let mut own = own;
                own.sort();
                lines.push(format!(
                    "  = help: the project's own templates ({}) take the place of the theme's of those names; the theme's templates above build on them and need what they no longer give (docs/theming.md)",
                    own.join(", ")
                ));
            }
            lines.join("\n")
        }
        _ => format!("error: {err:#}"),
    }
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Self {
        Failure::Usage(err)
    }
}

/// A linked local file: the document linking it, its path under `content/`, and the
/// audience blocks the link sits in.
pub type Asset = (usize, String, Vec<Vec<String>>);

pub struct Project {
    pub dir: PathBuf,
    pub config: Config,
    pub docs: Vec<Document>,
    pub graph: Graph,
    /// Errors and warnings, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
    /// Local files documents link to (images, attachments): the document and the file's
    /// path under `content/`. Each site publishes those of the documents it shows.
    pub assets: Vec<Asset>,
    /// The web address of the imported changelog's unreleased changes, from its
    /// `[Unreleased]` link definition.
    pub unreleased_link: Option<String>,
}

/// Files every site writes itself, by path from the site root: no document page and no
/// linked file may take them.
const SITE_FILES: &[&str] = &[
    "index.html",
    "404.html",
    "search.html",
    "roadmap.html",
    "release-plan.html",
    "changelog.html",
    "decisions.html",
    "search-index.json",
    "graph.json",
    "sitemap.xml",
    "robots.txt",
    "feed.xml",
    ".align-site",
];
const SITE_FOLDERS: &[&str] = &["lists/", "assets/"];

/// The longest file name (in bytes) common file systems allow. A page's name is its file's
/// with `.html` for `.md`, two bytes longer.
const NAME_MAX: usize = 255;

/// Whether the site writes `rel` (relative to the site root) for its own pages and files:
/// the files above, anything in the folders above, and the parts of a sitemap too long for
/// one file.
pub fn site_writes(rel: &str) -> bool {
    SITE_FILES.contains(&rel)
        || SITE_FOLDERS.iter().any(|f| rel.starts_with(f))
        || is_sitemap_part(rel)
}

/// Whether `rel` is where every site writes a view, list or site file of its own, which a
/// static file does not take (`assets/` is the static files' own folder).
pub fn site_owns(rel: &str) -> bool {
    site_writes(rel) && !rel.starts_with("assets/")
}

/// What a site writes where a static file at `rel` would go, so that it is not copied.
#[derive(Debug, PartialEq)]
pub enum Clash {
    /// A view, list or site file of the site's own, at `rel` or at a folder above it.
    Owned(String),
    /// The page of this document, at `rel` or at a folder above it.
    Page(usize, String),
    /// The page of this document goes under a folder named `rel`.
    Folder(usize),
    /// A file this document links to goes under a folder named `rel`.
    LinkedFolder(usize),
    /// A file this document links to, at `rel` or at a folder above it.
    Linked(usize, String),
    /// The site's own files go under a folder named `rel` (`lists`, `assets`).
    OwnFolder,
}

/// Where a site writes pages of its own, made once per site so that each static file is
/// looked up by its folders, however many documents there are.
pub struct SiteWrites<'d> {
    /// The documents the site shows, by page path (without `.html`).
    pages: HashMap<&'d str, usize>,
    /// Each folder a page the site shows goes under, with one such document.
    folders: HashMap<&'d str, usize>,
    /// Each folder a file the site publishes for a document's link goes under, with the
    /// document.
    linked_folders: HashMap<&'d str, usize>,
    /// Each file the site publishes for a document's link, with the document.
    linked: HashMap<&'d str, usize>,
}

impl<'d> SiteWrites<'d> {
    /// The pages of the documents `shows` says the site shows (for `check`, any site), and
    /// the files of `linked` ((document, path) of each file the site publishes for a link).
    pub fn new(
        docs: &'d [Document],
        shows: impl Fn(usize) -> bool,
        linked: impl Iterator<Item = (usize, &'d str)>,
    ) -> Self {
        let above = |path: &'d str| path.match_indices('/').map(move |(at, _)| &path[..at]);
        let mut pages = HashMap::new();
        let mut folders = HashMap::new();
        for (i, doc) in docs.iter().enumerate().filter(|&(i, _)| shows(i)) {
            let id = doc.path_id.as_str();
            pages.entry(id).or_insert(i);
            for folder in above(id) {
                folders.entry(folder).or_insert(i);
            }
        }
        let mut linked_folders = HashMap::new();
        let mut files = HashMap::new();
        for (doc, path) in linked {
            files.entry(path).or_insert(doc);
            for folder in above(path) {
                linked_folders.entry(folder).or_insert(doc);
            }
        }
        SiteWrites {
            pages,
            folders,
            linked_folders,
            linked: files,
        }
    }

    /// Whether the site writes a file of its own where a static file at `rel` goes, or
    /// at a folder above it (`index.html/a.txt`), or writes into a folder named `rel`.
    /// Either way the static file is not copied: which of the two came last would be
    /// chance, and a file where a folder must be fails the write.
    pub fn clash(&self, rel: &str) -> Option<Clash> {
        let above = rel.match_indices('/').map(|(at, _)| &rel[..at]);
        for path in above.chain([rel]) {
            if site_owns(path) {
                return Some(Clash::Owned(path.to_string()));
            }
            // `Robots.txt`, `INDEX.html`: the site's own file where file names ignore case
            // (macOS, Windows, some hosts), where the copy would replace it.
            let folded = path.to_lowercase();
            if folded != path && site_owns(&folded) {
                return Some(Clash::Owned(folded));
            }
            let page = path.strip_suffix(".html").and_then(|id| self.pages.get(id));
            if let Some(&doc) = page {
                return Some(Clash::Page(doc, path.to_string()));
            }
            if let Some(&doc) = self.linked.get(path) {
                return Some(Clash::Linked(doc, path.to_string()));
            }
        }
        if SITE_FOLDERS
            .iter()
            .any(|f| f.strip_suffix('/') == Some(rel))
        {
            return Some(Clash::OwnFolder);
        }
        (self.folders.get(rel).map(|&doc| Clash::Folder(doc))).or_else(|| {
            self.linked_folders
                .get(rel)
                .map(|&doc| Clash::LinkedFolder(doc))
        })
    }
}

/// The document whose page is at `rel` (`pages/a.html` is `pages/a`'s).
pub fn page_of(docs: &[Document], rel: &str) -> Option<usize> {
    let path_id = rel.strip_suffix(".html")?;
    docs.iter().position(|doc| doc.path_id == path_id)
}

/// Part `n` (from 1) of a sitemap too long for one file: `sitemap-1.xml`, `sitemap-2.xml`, …
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// Whether `rel` is a name [`sitemap_part`] gives.
pub fn is_sitemap_part(rel: &str) -> bool {
    rel.strip_prefix("sitemap-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The configuration of the project in `dir`. A folder that is not there, or a file named
/// as one, is a usage error: no place in a file to point at.
pub fn config_of(dir: &Path) -> Result<Config, Failure> {
    if let Some(message) = config::not_a_folder(dir) {
        return Err(Failure::Usage(anyhow::anyhow!(message)));
    }
    config::load(dir).map_err(Failure::Config)
}

impl Project {
    /// Loads and cross-links a project. Content problems are kept in `diagnostics`; only a
    /// broken `align.toml` fails here.
    pub fn open(dir: &Path) -> Result<Project, Failure> {
        let config = config_of(dir)?;
        let loaded = load::load(dir, &config);
        Ok(Project::assemble(dir, config, loaded))
    }

    /// Like [`Project::open`], reading only files changed since the cache was last used.
    pub fn open_cached(dir: &Path, cache: &mut load::Cache) -> Result<Project, Failure> {
        let config = config::load(dir).map_err(Failure::Config)?;
        let loaded = load::load_cached(dir, &config, cache);
        Ok(Project::assemble(dir, config, loaded))
    }

    fn assemble(dir: &Path, config: Config, loaded: load::Loaded) -> Project {
        let (graph, graph_diags) = Graph::build_around(&loaded.docs, dir, &loaded.unreadable);
        let mut diagnostics = loaded.diagnostics;
        diagnostics.extend(graph_diags);
        diagnostics.extend(unwritable_pages(dir, &loaded.docs));
        let (assets, asset_diags, unpublished) = assets(dir, &loaded.docs);
        diagnostics.extend(asset_diags);
        diagnostics.extend(crate::theme::skipped_links(dir));
        diag::sort(&mut diagnostics);
        let mut docs = loaded.docs;
        // Documents reused from an earlier load (in `serve`) bring the earlier list.
        for doc in &mut docs {
            doc.unpublished_files.clear();
        }
        for (i, text) in unpublished {
            docs[i].unpublished_files.push(text);
        }
        Project {
            dir: dir.to_path_buf(),
            config,
            docs,
            graph,
            diagnostics,
            assets,
            unreleased_link: loaded.unreleased_link,
        }
    }

    /// Runs the alignment rules as of `today` and applies `[check.rules]` severities to
    /// every diagnostic.
    pub fn check(&mut self, today: jiff::civil::Date) {
        let found = self.rule_findings(today);
        self.record(found);
    }

    /// What the alignment rules find, without recording it: [`Project::check`] in two
    /// halves, for callers that do something else meanwhile.
    pub fn rule_findings(&self, today: jiff::civil::Date) -> Vec<Diagnostic> {
        let ctx = crate::check::Ctx {
            dir: &self.dir,
            assets: &self.assets,
            config: &self.config,
            docs: &self.docs,
            graph: &self.graph,
            today,
        };
        crate::check::run(&ctx)
    }

    /// Adds the rules' findings to the diagnostics, at the levels `[check.rules]` sets.
    pub fn record(&mut self, found: Vec<Diagnostic>) {
        let earlier = std::mem::take(&mut self.diagnostics);
        self.diagnostics = self.recorded(found, earlier);
    }

    /// The rules' findings and `earlier` diagnostics together, at the levels
    /// `[check.rules]` sets and in report order: what [`Project::record`] records.
    pub fn recorded(
        &self,
        mut found: Vec<Diagnostic>,
        earlier: Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        found.extend(earlier);
        let mut all = crate::check::apply_levels(found, &self.config.check);
        diag::sort(&mut all);
        all
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        diag::warnings(&self.diagnostics)
    }
}

/// Documents whose page no build could write: one that would land on a file every site
/// writes itself, or one whose name leaves no room for `.html`. Reported where the
/// document starts: the top of its file, whose name makes the page's, or for a release or
/// change of the imported changelog its heading or entry, whose version does.
fn unwritable_pages(dir: &Path, docs: &[Document]) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    docs.par_iter()
        .filter_map(|d| {
            let page = crate::audience::page_path(d);
            let name = page.rsplit('/').next().unwrap_or_default();
            let message = if site_writes(&page) {
                format!(
                    "`{}` would be written to {page}, which every site uses for its own pages; rename or move the file",
                    d.path_id
                )
            } else if page.bytes().any(|b| b.is_ascii_uppercase()) && site_writes(&page.to_lowercase()) {
                // Where file names ignore case (macOS, Windows, some hosts) the page would
                // replace the view or home page it differs from only in case.
                let message = format!(
                    "the page of `{}`, {page}, differs only in case from {}, which every site writes itself: where file names ignore case (macOS, Windows, some hosts) one replaces the other; rename or move the file",
                    d.path_id,
                    page.to_lowercase()
                );
                let location = Location::new(dir.join(&d.source), d.top_line(), 1);
                return Some(Diagnostic::warning(location, message).with_rule("case-clash"));
            } else if name.len() > NAME_MAX {
                format!(
                    "the file name is too long for its page: `{name}` would be {} bytes, and file systems allow {NAME_MAX}; shorten the name",
                    name.len()
                )
            } else {
                return None;
            };
            let location = Location::new(dir.join(&d.source), d.top_line(), 1);
            Some(Diagnostic::error(location, message))
        })
        .collect()
}

/// Finds the local files documents link to; a missing one is a warning (records written
/// elsewhere often link to files that were not copied along), and is given back with its
/// document, as written, with those outside `content/`.
fn assets(dir: &Path, docs: &[Document]) -> (Vec<Asset>, Vec<Diagnostic>, Vec<(usize, String)>) {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    let mut unpublished = Vec::new();
    // A linked file must not land where a page or a site file is written. The set of
    // page paths is made only once a document links a file.
    let pages: std::cell::OnceCell<std::collections::HashSet<String>> = Default::default();
    let taken = |rel: &str| {
        site_writes(rel)
            || pages
                .get_or_init(|| docs.iter().map(crate::audience::page_path).collect())
                .contains(rel)
    };
    // The static files, read once a document links to one from `/`.
    let statics: std::cell::OnceCell<std::collections::HashSet<String>> = Default::default();
    for (i, doc) in docs.iter().enumerate() {
        for link in &doc.assets {
            if let Some(rest) = load::site_root_path(&link.text) {
                let static_file = |name: &str| {
                    statics
                        .get_or_init(|| crate::theme::static_names(dir))
                        .contains(name)
                };
                if !on_every_site(dir, &rest, &|name| static_file(name) || taken(name)) {
                    let location = Location::new(dir.join(&doc.source), link.line, link.col);
                    let message = format!(
                        "link to a missing file `{}`: a path from `/` leads from the site's root, and no file of `static/` or of the site is there",
                        link.text
                    );
                    diags.push(Diagnostic::warning(location, message).with_rule("missing-file"));
                }
                continue;
            }
            let path = link.text.split(['#', '?']).next().unwrap_or_default();
            let decoded = crate::graph::percent_decode(path);
            let joined = doc.source.parent().unwrap_or(Path::new("")).join(&*decoded);
            let location = Location::new(dir.join(&doc.source), link.line, link.col);
            let published = crate::graph::normalise(&joined)
                .and_then(|p| {
                    p.strip_prefix(load::CONTENT_DIR)
                        .ok()
                        .map(Path::to_path_buf)
                })
                .filter(|p| p.components().count() > 0);
            let real = published.as_deref().and_then(|rel| in_content(dir, rel));
            match published {
                // A hidden file or one in a hidden folder (`.env`, `../.git/config`), as
                // written or where a symlink leads, is left out as `content/` leaves them
                // out: shown as its text, never published.
                Some(rel)
                    if real
                        .as_deref()
                        .is_some_and(|real| is_hidden(dir, &rel, real)) =>
                {
                    let message = format!(
                        "link to the hidden file `{}`: no site publishes a file or folder whose name starts with `.` (`.git`, `.env`), so the link is shown as its text",
                        link.text
                    );
                    diags.push(Diagnostic::warning(location, message).with_rule("missing-file"));
                    unpublished.push((i, link.text.clone()));
                }
                Some(rel) if real.is_some() => {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    // Written so that it is not read as a link to a document (`x%2Emd`,
                    // `x.md/`, a symlink named `x.png`): the file would go out whole, with
                    // its frontmatter and every audience block.
                    if real.as_deref().is_some_and(is_markdown_or_copy)
                        || is_markdown_or_copy(Path::new(&*decoded))
                    {
                        diags.push(Diagnostic::error(
                            location,
                            format!(
                                "`{}` links to a Markdown file (or an editor's copy of one) as a file to publish: its source would go out whole, frontmatter and audience blocks too; link to its document as `….md`, written plainly",
                                link.text
                            ),
                        ));
                        continue;
                    }
                    // A file the build could not read fails it: said here, at the link.
                    if let Some(Err(err)) = real.as_deref().map(std::fs::File::open) {
                        diags.push(Diagnostic::error(
                            location,
                            format!("cannot read the linked file `{}`: {err}", link.text),
                        ));
                        continue;
                    }
                    if taken(&rel) {
                        diags.push(Diagnostic::error(
                            location,
                            format!(
                                "the linked file `{}` would be published at {rel}, where the site writes a page of its own; rename or move the file",
                                link.text
                            ),
                        ));
                        continue;
                    }
                    found.push((i, rel, link.audiences.clone()));
                }
                _ => {
                    let message = match published {
                        Some(_) => format!("link to a missing file `{}`", link.text),
                        None => format!(
                            "link to `{}` points outside content/; the file is not published",
                            link.text
                        ),
                    };
                    diags.push(Diagnostic::warning(location, message).with_rule("missing-file"));
                    unpublished.push((i, link.text.clone()));
                }
            }
        }
    }
    (found, diags, unpublished)
}

/// Whether every site has something at `rest` of a path from its root (`img/logo.png`
/// of `/img/logo.png`): a static file or a page or file the site writes (`given`), a file
/// under `content/`, or a folder (`/`, `/lists/`).
fn on_every_site(dir: &Path, rest: &str, given: &dyn Fn(&str) -> bool) -> bool {
    let path = rest.split(['#', '?']).next().unwrap_or_default();
    let decoded = crate::graph::percent_decode(path);
    if decoded.is_empty() || decoded.ends_with('/') {
        return true;
    }
    let Some(rel) = crate::graph::normalise(Path::new(&*decoded)) else {
        return false;
    };
    let name = rel.to_string_lossy().replace('\\', "/");
    given(&name) || in_content(dir, &rel).is_some()
}

/// Whether a linked file is hidden: a name in `rel` (its path under `content/` as
/// linked) or in where it leads (`real`, symlinks resolved) starts with `.`.
fn is_hidden(dir: &Path, rel: &Path, real: &Path) -> bool {
    let dotted = |path: &Path| {
        path.components().any(|part| {
            matches!(part, std::path::Component::Normal(name) if name.to_string_lossy().starts_with('.'))
        })
    };
    let content = dir.join(load::CONTENT_DIR).canonicalize();
    dotted(rel) || content.is_ok_and(|root| real.strip_prefix(root).is_ok_and(dotted))
}

/// Whether `path` is a Markdown file ([`load::is_markdown`]) or an editor's copy of one
/// (`plan.md~`, `#plan.md#`, `plan.md.bak`, `plan.md.orig`): either holds a document's
/// source, frontmatter and audience blocks too.
fn is_markdown_or_copy(path: &Path) -> bool {
    if load::is_markdown(path) {
        return true;
    }
    let name = (path.file_name()).map_or_else(Default::default, |name| name.to_string_lossy());
    let name = name.trim_matches(['~', '#']);
    let copy = name.rsplit_once('.').and_then(|(stem, extension)| {
        let backup = [
            "bak", "backup", "orig", "old", "save", "swp", "swo", "tmp", "rej",
        ];
        (backup
            .iter()
            .any(|known| extension.eq_ignore_ascii_case(known)))
        .then_some(stem)
    });
    load::is_markdown(Path::new(name))
        || copy.is_some_and(|stem| load::is_markdown(Path::new(stem)))
}

/// Where a linked file is, once symlinks are resolved, if it is a file inside `content/`:
/// a symlink that leads out of the project is never published.
fn in_content(dir: &Path, rel: &Path) -> Option<std::path::PathBuf> {
    let content = dir.join(load::CONTENT_DIR);
    let (Ok(root), Ok(real)) = (content.canonicalize(), content.join(rel).canonicalize()) else {
        return None;
    };
    (real.starts_with(root) && real.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::site_writes;

    #[test]
    fn a_site_writes_its_own_files_and_folders_and_no_document_page() {
        for own in [
            "index.html",
            "graph.json",
            ".align-site",
            "lists/kind/page.html",
            "lists/index.html",
            "assets/style.css",
            "sitemap-1.xml",
            "sitemap-12.xml",
        ] {
            assert!(site_writes(own), "{own}");
        }
        for other in [
            "pages/open.html",
            "initiatives/i0.html",
            "lists",
            "listsx/a.html",
            "pages/lists/a.html",
            "pages/index.html",
            "roadmap.htm",
            "sitemap-.xml",
            "sitemap-a.xml",
            "sitemap-1.xml.html",
            "pages/sitemap-1.xml",
        ] {
            assert!(!site_writes(other), "{other}");
        }
    }
}
