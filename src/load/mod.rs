//! Walks `content/`, reads every Markdown file into a typed [`Document`], and collects every
//! problem as a diagnostic instead of stopping at the first.

mod body;
pub(crate) mod fields;
pub mod frontmatter;
mod imported;

pub use body::{
    Anchors, LineIndex, MAX_NESTING, Marker, NEAR_MISS, NEVER_CLOSED, NO_AUDIENCE, TOO_DEEP,
    UNMATCHED_CLOSE, audience_blocks, body_ids, bracketed_link_texts, has_scheme, headings,
    is_document_link, is_placeholder, list_key, markdown_options, marker as audience_marker,
    marker_like, plain_inline, site_root_path, slug, split_marker, starts_paragraph, wiki_target,
    without_comments,
};
pub use fields::parse_iso_date;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diag::{Diagnostic, Location};
use crate::model::{Document, Kind};

pub const CONTENT_DIR: &str = "content";

/// The documents of a project and what was wrong with them.
pub struct Loaded {
    pub docs: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
    /// The names (path id, and `id` when one is written) of the files that hold an
    /// error that kept them from being read, each with 0.
    pub unreadable: HashMap<String, usize>,
    /// A hash of the imported changelog's bytes, as read for its documents.
    pub changelog: Option<blake3::Hash>,
    /// The web address of the imported changelog's unreleased changes (see
    /// [`imported::Changelog::unreleased_link`]).
    pub unreleased_link: Option<String>,
}

/// Loads every document under `DIR/content/` plus any imported changelog.
pub fn load(dir: &Path, config: &Config) -> Loaded {
    let (files, mut diagnostics) = walk(dir);
    let results: Vec<(Option<Document>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|rel| load_file(dir, rel, config))
        .collect();
    finish(dir, config, &files, results, &mut diagnostics)
}

/// Files read in an earlier pass, reused while their size and modification time stay the
/// same. Documents are handed back after a build ([`Cache::restore`]) and moved into the
/// next load, so nothing is copied.
#[derive(Default)]
pub struct Cache {
    /// Per file: its stamp, whether it held a document, and its diagnostics.
    entries: HashMap<PathBuf, (Stamp, bool, Vec<Diagnostic>)>,
    parked: HashMap<PathBuf, Document>,
    /// Files read again by the last call (new or changed), relative to the project.
    pub changed: Vec<PathBuf>,
    /// Files gone since the call before.
    pub removed: Vec<PathBuf>,
    /// A hash of the imported changelog's bytes as the last call read them.
    changelog: Option<blake3::Hash>,
    /// Whether the last call found the imported changelog changed (or read it first).
    pub changelog_changed: bool,
    /// The ids of the project's own templates the documents were read beside: their
    /// headings' anchors step around them, so none is reused once they change.
    page_ids: std::sync::Arc<[String]>,
}

/// What tells a file read before from one to read again: its modification time and
/// length, and where the system gives them, which file it is (device and inode) and when
/// its inode last changed. A folder swapped for a copy of the same sizes and times
/// (`cp -a`, `rsync -a`, a tarball unpacked and moved into place) or a link pointed at
/// another file of the same size and time holds other files, which the first two alone
/// would take for the ones read.
type Stamp = (Option<SystemTime>, u64, [i64; 4]);

fn stamp(path: &Path) -> Stamp {
    match std::fs::metadata(path) {
        Ok(meta) => (meta.modified().ok(), meta.len(), identity(&meta)),
        Err(_) => (None, 0, [0; 4]),
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> [i64; 4] {
    use std::os::unix::fs::MetadataExt as _;
    // Bit for bit: only equality is asked of them.
    [
        meta.dev() as i64,
        meta.ino() as i64,
        meta.ctime(),
        meta.ctime_nsec(),
    ]
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> [i64; 4] {
    [0; 4]
}

impl Cache {
    /// Takes back the documents of a finished build for the next load.
    pub fn restore(&mut self, docs: Vec<Document>) {
        for doc in docs {
            if self.entries.get(&doc.source).is_some_and(|e| e.1) {
                self.parked.insert(doc.source.clone(), doc);
            }
        }
    }

    fn reusable(&self, rel: &Path, stamp: &Stamp) -> bool {
        match self.entries.get(rel) {
            Some((old, held, _)) => {
                old == stamp && stamp.0.is_some() && (!held || self.parked.contains_key(rel))
            }
            None => false,
        }
    }
}

/// Like [`load`], but reads only files that changed since the last call with this cache.
pub fn load_cached(dir: &Path, config: &Config, cache: &mut Cache) -> Loaded {
    if cache.page_ids != config.page_ids {
        cache.entries.clear();
        cache.parked.clear();
        cache.page_ids = config.page_ids.clone();
    }
    let (files, mut diagnostics) = walk(dir);
    let stamps: Vec<Stamp> = files.par_iter().map(|rel| stamp(&dir.join(rel))).collect();
    let fresh: Vec<bool> = files
        .iter()
        .zip(&stamps)
        .map(|(rel, st)| !cache.reusable(rel, st))
        .collect();
    let mut read: Vec<Option<(Option<Document>, Vec<Diagnostic>)>> = files
        .par_iter()
        .zip(&fresh)
        .map(|(rel, fresh)| fresh.then(|| load_file(dir, rel, config)))
        .collect();
    let mut results = Vec::with_capacity(files.len());
    for (i, rel) in files.iter().enumerate() {
        results.push(match read[i].take() {
            Some(loaded) => loaded,
            None => (
                cache.parked.remove(rel),
                cache
                    .entries
                    .get(rel)
                    .map(|e| e.2.clone())
                    .unwrap_or_default(),
            ),
        });
    }
    cache.changed = files
        .iter()
        .zip(&fresh)
        .filter(|(_, f)| **f)
        .map(|(rel, _)| rel.clone())
        .collect();
    let current: std::collections::HashSet<&PathBuf> = files.iter().collect();
    cache.removed = cache
        .entries
        .keys()
        .filter(|k| !current.contains(k))
        .cloned()
        .collect();
    cache.entries = (files.iter().cloned())
        .zip(stamps)
        .zip(&results)
        .map(|((rel, stamp), (doc, diags))| (rel, (stamp, doc.is_some(), diags.clone())))
        .collect();
    cache.parked.clear();
    let loaded = finish(dir, config, &files, results, &mut diagnostics);
    // Imported again every time (it is one file, read in a few milliseconds), but only a
    // change to its bytes changes what its documents are.
    cache.changelog_changed = loaded.changelog.is_some() && loaded.changelog != cache.changelog;
    cache.changelog = loaded.changelog;
    loaded
}

fn finish(
    dir: &Path,
    config: &Config,
    files: &[PathBuf],
    mut results: Vec<(Option<Document>, Vec<Diagnostic>)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Loaded {
    let mut diagnostics = std::mem::take(diagnostics);
    let mut unreadable = HashMap::new();
    for (rel, (doc, diags)) in files.iter().zip(&mut results) {
        if doc.is_none() && diags.iter().any(Diagnostic::is_error) {
            unreadable.insert(path_id(rel), 0);
            if let Some(id) = written_id(&dir.join(rel)) {
                unreadable.insert(id, 0);
            }
        }
        diagnostics.append(diags);
    }
    // The documents stay where they were read into: a second list of them would be
    // fresh memory, written once more (114 MB at 100,000 documents).
    let mut docs: Vec<Document> = results.into_iter().filter_map(|(doc, _)| doc).collect();
    diagnostics.extend(near_kind_folders(dir, config, &docs));
    let mut changelog_hash = None;
    let mut unreleased_link = None;
    if let Some(changelog) = &config.import.changelog {
        let read = read_bounded(&dir.join(changelog));
        changelog_hash = Some(read.as_ref().map_or([0; 32].into(), |b| blake3::hash(b)));
        let imported = imported::changelog(dir, changelog, &read, config);
        docs.extend(imported.docs.into_iter().map(|doc| Document {
            page_ids: config.page_ids.clone(),
            ..doc
        }));
        diagnostics.extend(imported.diags);
        unreleased_link = imported.unreleased_link;
    }
    // In the order a reader counts: numbers in path ids as numbers (`2-9-1` before
    // `2-10-0`), which every list, index and site file keeps. The files are walked in
    // that order; only an imported changelog's documents, added after them, call for a
    // sort (a stable one: two documents of one path id keep the order they were read in).
    if !docs.is_sorted_by(|a, b| crate::model::natural_cmp(&a.path_id, &b.path_id).is_le()) {
        docs.sort_by_cached_key(|doc| crate::model::natural_key(&doc.path_id));
    }
    Loaded {
        docs,
        diagnostics,
        unreadable,
        changelog: changelog_hash,
        unreleased_link,
    }
}

/// A warning for each folder whose name is a kind folder's but for its number or case
/// (`strategies/`, `objective/`, `Decisions/`): by its name its documents are pages, which
/// no view shows as what they were meant to be, and nothing else would say so. Said once
/// per folder, at its first document that does not name its kind.
fn near_kind_folders(dir: &Path, config: &Config, docs: &[Document]) -> Vec<Diagnostic> {
    let singular = |name: &str| match name.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => name.strip_suffix('s').unwrap_or(name).to_string(),
    };
    let mut said = std::collections::HashSet::new();
    let mut out = Vec::new();
    for doc in docs.iter().filter(|d| d.kind == Kind::Page && !d.imported) {
        let Some(folder) = config.kind_folder(&doc.path_id) else {
            continue;
        };
        if config.folders.contains_key(folder)
            || doc.field_lines.iter().any(|(key, _)| key == "kind")
            || said.contains(folder)
        {
            continue;
        }
        let name = folder.to_lowercase();
        let Some(&(meant, kind)) = Kind::FOLDERS
            .iter()
            .find(|(known, _)| name == *known || singular(&name) == singular(known))
        else {
            continue;
        };
        said.insert(folder);
        let kind = kind.as_str();
        let message = format!(
            "`{folder}/` is not a kind folder, so its documents are pages: did you mean `{meant}/`? (or set `kind = \"{kind}\"`, or map the folder under [folders] in align.toml)"
        );
        let loc = Location::new(dir.join(&doc.source), 1, 1);
        out.push(Diagnostic::warning(loc, message).without_source());
    }
    out
}

/// The `id` a file that could not be read writes at the start of one of its lines
/// (`id = "O-1"`, `id: O-1`), for what references it by that name.
fn written_id(file: &Path) -> Option<String> {
    // A file that is not valid UTF-8 names its id all the same.
    let bytes = read_bounded(file).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines().take(200).find_map(|line| {
        let rest = line.strip_prefix("id")?.trim_start();
        let value = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))?;
        let id = value.trim().trim_matches(['"', '\'']).trim();
        (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
    })
}

/// Every `.md` file under `content/`, relative to the project, sorted. Hidden files and
/// folders (editor swap files, `.git`) are skipped; symlinks are followed only when they
/// stay inside the project.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let content = dir.join(CONTENT_DIR);
    let mut files = Vec::new();
    let mut diags = Vec::new();
    if !content.is_dir() {
        let loc = Location::new(dir.join(CONTENT_DIR), 1, 1);
        let message = match content.exists() {
            true => "content is a file: the documents go in a folder named content/",
            false => "the project has no content/ folder",
        };
        diags.push(Diagnostic::error(loc, message));
        return (files, diags);
    }
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    // `content/` itself a link out of the project: skipped as any such link is, it would
    // leave every site empty, and a build would publish that.
    if content.is_symlink() && matches!(symlink(&content, &root), Symlink::Outside) {
        let loc = Location::new(&content, 1, 1);
        let message = "content/ is a symlink that leads outside the project, whose files are never read: move the folder into the project, or make the folder that holds it the project";
        diags.push(Diagnostic::error(loc, message).without_source());
        return (files, diags);
    }
    let outside = std::cell::RefCell::new(Vec::new());
    let back = std::cell::RefCell::new(Vec::new());
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            // `content/` itself, a link to a folder in the project, is read where it leads.
            if e.depth() == 0 || !e.path_is_symlink() {
                return true;
            }
            let skipped = match symlink(e.path(), &root) {
                Symlink::Followed(_) => return true,
                Symlink::Outside => &outside,
                Symlink::Back => &back,
            };
            skipped.borrow_mut().push(e.path().to_path_buf());
            false
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(|| content.clone(), Path::to_path_buf);
                // A hidden name is skipped unread, whatever it is: Emacs marks a file it
                // edits with a symlink to nothing, `.#plan.md`.
                let hidden =
                    (path.file_name()).is_some_and(|n| n.to_string_lossy().starts_with('.'));
                if err.depth() > 0 && hidden {
                    continue;
                }
                let loc = Location::new(&path, 1, 1);
                // A folder or file that cannot be read would leave its documents out of
                // every site without a word: the build fails instead, and the last
                // output stays. A symlink loop holds nothing that is not read elsewhere,
                // and a symlink to nothing holds nothing.
                // So is a symlink in a loop of symlinks (`a` to `b`, `b` to `a`).
                let dangling = err
                    .io_error()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
                    || (path.is_symlink()
                        && path
                            .canonicalize()
                            .is_err_and(|e| e.kind() != std::io::ErrorKind::PermissionDenied));
                diags.push(if err.loop_ancestor().is_some() {
                    Diagnostic::warning(loc, "symlink loop; skipped").without_source()
                } else if dangling && path.is_symlink() {
                    // Where it points is not said: it may be outside the project. A link
                    // that cannot be followed but to nothing is in a loop of links.
                    let gone = path
                        .canonicalize()
                        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
                    let message = match gone {
                        true => "symlink to nothing: what it points to is not there; skipped",
                        false => "symlink loop; skipped",
                    };
                    Diagnostic::warning(loc, message).without_source()
                } else if dangling {
                    let message = format!("cannot read: {err}; skipped");
                    Diagnostic::warning(loc, message).without_source()
                } else {
                    let message = format!("cannot read: {err}");
                    Diagnostic::error(loc, message).without_source()
                });
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            // Markdown by another name (`x.MD`, `x.markdown`) is no document: said, so that
            // its page is not missed without a word.
            if entry.file_type().is_file() && is_markdown(entry.path()) {
                let loc = Location::new(entry.path(), 1, 1);
                let message = "a Markdown file that is not a document: only files ending in `.md` are read (rename it to publish it as a page)";
                diags.push(Diagnostic::warning(loc, message).without_source());
            }
            // A pipe, socket or device by a document's name is never opened (reading a
            // pipe waits for a writer), and said, so that no page goes missing unsaid.
            let special = !entry.file_type().is_file() && !entry.file_type().is_dir();
            if special && is_markdown(entry.path()) {
                let loc = Location::new(entry.path(), 1, 1);
                let message = "no regular file (a pipe, a socket or a device): not read; skipped";
                diags.push(Diagnostic::warning(loc, message).without_source());
            }
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(dir) {
            // A path id, a page's name and its links are text: a name that is not UTF-8
            // would be published under a name changed by guessing.
            if rel.to_str().is_none() {
                let loc = Location::new(entry.path(), 1, 1);
                let message = "the file's path is not valid UTF-8: rename it to publish it";
                diags.push(Diagnostic::error(loc, message).without_source());
                continue;
            }
            files.push(rel.to_path_buf());
        }
    }
    for path in outside.into_inner() {
        let loc = Location::new(path, 1, 1);
        diags.push(
            Diagnostic::warning(loc, "symlink points outside the project; skipped")
                .without_source(),
        );
    }
    for path in back.into_inner() {
        let loc = Location::new(path, 1, 1);
        let message = "symlink leads back to a folder holding content/, whose documents are read already; skipped";
        diags.push(Diagnostic::warning(loc, message).without_source());
    }
    // Sorted once, in the order documents are kept in: their path ids (one per file, as
    // every path is UTF-8 and ends in `.md`) with numbers as numbers (`2-9-1` before
    // `2-10-0`), each id's key made once, on every core. walkdir's sorting of each folder
    // by name took a name out of both paths for every comparison (2 % of a build of
    // 10,000 plain pages), and sorting the documents once read moved each of them (50 ms
    // at 100,000 documents, on one core).
    files.par_sort_by_cached_key(|rel| crate::model::natural_key(&path_id(rel)));
    (files, diags)
}

/// What the loader does with a symlink under `content/` of the project at `root` (its
/// resolved path).
pub enum Symlink {
    /// Followed, to where it leads (every link resolved).
    Followed(PathBuf),
    /// Leads out of the project, or nowhere: neither read nor walked into.
    Outside,
    /// Leads back to `content/` or a folder holding it, whose documents would be read
    /// again under other paths: skipped.
    Back,
}

pub fn symlink(link: &Path, root: &Path) -> Symlink {
    let content = root.join(CONTENT_DIR);
    let content = content.canonicalize().unwrap_or(content);
    match link.canonicalize() {
        Ok(real) if !real.starts_with(root) => Symlink::Outside,
        Err(_) => Symlink::Outside,
        Ok(real) if content.starts_with(&real) => Symlink::Back,
        Ok(real) => Symlink::Followed(real),
    }
}

/// The path id of a file: its path under `content/` without `.md`, with `/` separators.
pub fn path_id(rel: &Path) -> String {
    let under = rel.strip_prefix(CONTENT_DIR).unwrap_or(rel);
    // Most paths are UTF-8 names joined by `/`, with nothing to drop: the id is their text
    // (a walk of 100,000 files makes each id twice, and resolving makes one per relative
    // link).
    if let Some(text) = under.to_str()
        && std::path::MAIN_SEPARATOR == '/'
        && text
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
    {
        return text.strip_suffix(".md").unwrap_or(text).to_string();
    }
    path_id_by_names(under)
}

/// [`path_id`] of any path under `content/`: its names, joined by `/`.
fn path_id_by_names(under: &Path) -> String {
    let parts: Vec<String> = under
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let joined = parts.join("/");
    joined.strip_suffix(".md").unwrap_or(&joined).to_string()
}

/// The most bytes align reads from one document or the imported changelog: ten times
/// the longest changelogs of large projects. Parsing takes memory many times a file's
/// size (each bracket of `[a](` repeated is a node of the Markdown tree), and a file of
/// gigabytes (a log saved as `.md`) would end the build for want of memory, where this
/// says which file it is.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// A file's first `limit` bytes, or all of a shorter one.
pub fn read_head(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |meta| meta.len());
    let mut bytes = Vec::with_capacity(size.min(limit) as usize);
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A file's bytes, or an error when it holds more than [`MAX_FILE_BYTES`].
pub fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    let bytes = read_head(path, MAX_FILE_BYTES + 1)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let message = format!(
            "it holds more than {} MB, the most align reads from one file: split it",
            MAX_FILE_BYTES >> 20
        );
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            message,
        ));
    }
    Ok(bytes)
}

/// Reads one file. `None` when the file is not a document (a folder index of imported
/// records, a record template) or is unreadable.
pub fn load_file(dir: &Path, rel: &Path, config: &Config) -> (Option<Document>, Vec<Diagnostic>) {
    let shown = dir.join(rel);
    let bytes = match read_bounded(&shown) {
        Ok(bytes) => bytes,
        Err(err) => {
            let diag = Diagnostic::error(
                Location::new(&shown, 1, 1),
                format!("cannot read file: {err}"),
            );
            return (None, vec![diag]);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let message = "file is not valid UTF-8 here: save it as UTF-8".to_string();
            let at = not_utf8(&shown, err.as_bytes(), err.utf8_error());
            return (None, vec![Diagnostic::error(at, message)]);
        }
    };
    read_text(&shown, rel, text, config)
}

/// Where in file `shown` its first byte that is not UTF-8 stands: lines as the loader
/// counts them (a lone CR ends one too), columns in characters, as what comes before the
/// bad byte is valid.
pub(crate) fn not_utf8(shown: &Path, bytes: &[u8], err: std::str::Utf8Error) -> Location {
    let before = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
    let before = normalise(before);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    Location::new(shown, line, col)
}

/// Reads one document from text already in memory, as [`load_file`] does from disk: the
/// entry point for fuzzing the whole loader (frontmatter, fields, body, audience blocks).
pub fn load_text(rel: &Path, text: &str, config: &Config) -> (Option<Document>, Vec<Diagnostic>) {
    read_text(rel, rel, text.to_string(), config)
}

/// The document in `text`, with diagnostics pointing at `shown`.
fn read_text(
    shown: &Path,
    rel: &Path,
    text: String,
    config: &Config,
) -> (Option<Document>, Vec<Diagnostic>) {
    let text = match normalise(&text) {
        Cow::Borrowed(same) if same.len() == text.len() => text,
        changed => changed.into_owned(),
    };
    let mut reader = DocReader {
        shown,
        diags: Vec::new(),
    };
    let doc = reader.read(rel, text, config);
    (doc, reader.diags)
}

/// What the document's fields and body were read from, as a hash: `hasher` holds its
/// frontmatter's text.
fn fingerprint(doc: &Document, mut hasher: blake3::Hasher) -> blake3::Hash {
    hasher.update(doc.title.as_bytes());
    // Imported records take their fields from the body, so all of it counts, and the
    // fields read from it: the lines that say them stay in the body only as comments of
    // their length (`Status: accepted` edited to `rejected` leaves the body the same).
    if doc.imported {
        hasher.update(doc.body.as_bytes());
        let fields = (
            &doc.status,
            &doc.date,
            doc.number,
            (&doc.deciders, &doc.consulted, &doc.informed),
            &doc.tags,
        );
        hasher.update(format!("{fields:?}").as_bytes());
    }
    // What a link within the page may lead to besides headings (the `broken-anchor` rule).
    for id in &doc.body_ids {
        hasher.update(id.as_bytes());
        hasher.update(&[5]);
    }
    for r in doc.refs.iter().chain(&doc.assets).chain(&doc.fragments) {
        hasher.update(r.text.as_bytes());
        hasher.update(&[0]);
        hasher.update(r.label.as_deref().unwrap_or_default().as_bytes());
        hasher.update(&[0]);
        hasher.update(r.phrase.as_deref().unwrap_or_default().as_bytes());
        hasher.update(&[u8::from(r.inverse), r.kind as u8, 0]);
        // A link moved into or out of an audience block changes who may see the edge.
        for list in &r.audiences {
            for audience in list {
                hasher.update(audience.as_bytes());
                hasher.update(&[1]);
            }
            hasher.update(&[2]);
        }
        hasher.update(&[3]);
    }
    // A site numbers only the headings it shows, so the anchors links to this document
    // get on each site depend on the audience blocks around its headings too.
    let headings = if doc.blocks.is_empty() {
        doc.headings.get().map(Vec::as_slice)
    } else {
        Some(doc.headings())
    };
    let headings = headings.unwrap_or_default();
    // Which blocks stand around each heading, as the order in which the blocks open and
    // close and the headings come (a block holds a heading at its first byte, not one at
    // its end): linear in both, where listing every heading's blocks is not when blocks
    // nest thousands deep.
    let mut marks: Vec<(usize, u8, usize)> = Vec::with_capacity(headings.len());
    for (i, block) in doc.blocks.iter().enumerate() {
        marks.extend([(block.start, 0, i), (block.end, 1, i)]);
    }
    marks.extend(headings.iter().enumerate().map(|(i, h)| (h.offset, 2, i)));
    if !doc.blocks.is_empty() {
        marks.sort_unstable();
    }
    for (_, mark, i) in marks {
        hasher.update(&[mark]);
        match mark {
            2 => hasher.update(headings[i].anchor.as_bytes()),
            _ => hasher.update(&(i as u64).to_le_bytes()),
        };
        hasher.update(&[4]);
    }
    // What the alignment rules read from the prose (`unknown-audience`, `placeholder`,
    // `raw-html-limits`): an edit that changes it needs them run again, which an edit to
    // prose alone does not.
    for block in &doc.blocks {
        for audience in &block.audiences {
            hasher.update(audience.as_bytes());
            hasher.update(&[1]);
        }
        hasher.update(&[2]);
    }
    hasher.update(&doc.placeholder_lines.len().to_le_bytes());
    hasher.update(&[u8::from(doc.html_past_bound)]);
    hasher.finalize()
}

/// Drops a BOM, turns CRLF (and lone CR) line ends into `\n` and NUL into U+FFFD, as
/// CommonMark reads it (no page may hold a NUL byte), and composes accents ([`composed`]).
pub fn normalise(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match composed(text) {
        Cow::Borrowed(text) => line_ends(text),
        Cow::Owned(text) => Cow::Owned(line_ends(&text).into_owned()),
    }
}

/// `text` in Unicode's composed form (NFC): a letter and a combining accent typed
/// apart (`e` and U+0301, as macOS writes names) as the one letter (`é`), so an id, a
/// team, an audience or a heading is the same name however its accents were typed.
/// Borrowed when it is so already, as every ASCII text is.
pub fn composed(text: &str) -> Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization as _, is_nfc_quick};
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// [`composed`] of a text owned: kept as it is when composed already. A string field's
/// value is composed so too, since the text around it is, but an escape (`"E\u0301"`) can
/// still write an accent apart, and an id, a team or an audience must be one name
/// however it is written.
pub fn composed_owned(text: String) -> String {
    match composed(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(text) => text,
    }
}

/// Latin letters with diacritics as their base letters, as file names and
/// alphabetical order want them: any
/// letter that is an ASCII letter and combining marks (`é`, `ş`, `ế`, `İ`), and the
/// letters of their own that are written for one or two (`ß` as `ss`, `ł` as `l`).
/// Letters of other scripts stay as they are.
pub fn fold_accents(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let own = match c.to_lowercase().next().unwrap_or(c) {
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            'ø' => "o",
            'ł' | 'ŀ' => "l",
            'đ' | 'ð' => "d",
            'þ' => "th",
            'ı' => "i",
            'ħ' => "h",
            'ŧ' => "t",
            _ => "",
        };
        if !own.is_empty() {
            out.push_str(own);
            continue;
        }
        let mut parts = std::iter::once(c).nfd();
        match parts.next() {
            Some(base) if base.is_ascii_alphanumeric() && parts.all(is_combining_mark) => {
                out.push(base);
            }
            _ => out.push(c),
        }
    }
    out
}

/// [`normalise`]'s line ends and NULs.
fn line_ends(text: &str) -> Cow<'_, str> {
    // One pass over the text finds both, where most texts have neither.
    let Some(first) = memchr::memchr2(b'\r', 0, text.as_bytes()) else {
        return Cow::Borrowed(text);
    };
    // Neither is before `first`, and replacing either leaves the text before it as it was.
    let mut text = Cow::Borrowed(text);
    if memchr::memchr(b'\r', &text.as_bytes()[first..]).is_some() {
        text = Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"));
    }
    if memchr::memchr(0, &text.as_bytes()[first..]).is_some() {
        text = Cow::Owned(text.replace('\0', "\u{fffd}"));
    }
    text
}

/// A title or summary written over several lines (`"""` in TOML, `|` in YAML) as the one
/// line it is shown as: each line break, with the spaces around it, one space.
fn one_line(text: &mut String) {
    if text.contains(['\n', '\r']) {
        let lines = text
            .lines()
            .map(|line| line.trim_matches([' ', '\t', '\r']));
        *text = lines
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
    }
}

/// What an audience marker in `field` (`` `summary` ``, or "the frontmatter") is told.
fn marker_in_field(field: &str) -> String {
    format!(
        "{field} holds an audience marker, which marks no block in the frontmatter: a field is shown whole on every site that shows the document; for public sites write `public_title` or `public_summary`, and put text for some audiences in the body, in an audience block"
    )
}

/// The HTML comments in `text`, each from its `<!--` to its `-->` (or to the end, for
/// one never closed).
fn comments(text: &str) -> impl Iterator<Item = &str> {
    placed_comments(text).map(|(_, comment)| comment)
}

/// [`comments`], each with where it starts in `text`.
fn placed_comments(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text[from..].find("<!--")?;
        let end = (text[start + 4..].find("-->")).map_or(text.len(), |end| start + 4 + end + 3);
        from = end;
        Some((start, &text[start..end]))
    })
}

struct DocReader<'a> {
    shown: &'a Path,
    diags: Vec<Diagnostic>,
}

impl DocReader<'_> {
    fn error(&mut self, line: usize, col: usize, message: impl Into<String>) {
        let loc = Location::new(self.shown, line, col);
        self.diags.push(Diagnostic::error(loc, message));
    }

    /// Fields shown as text (`title`, `summary` and their public versions, `rationale`,
    /// key results' titles and check-in notes, the reasons of `target_history`) read the
    /// labels of their wiki links (`[[S-GROWTH|our strategy]]` reads `our strategy`), as a
    /// title heading does; a wiki link without a label is an error, since the text is
    /// the same on every site and the reference may name a document a site does not show.
    /// HTML comments in them are left out, as in a body.
    fn text_fields_as_words(&mut self, doc: &mut Document, find_markers: bool) {
        // Each wiki link without a label: the field, its line when not the field's own,
        // and the reference.
        let mut unlabelled: Vec<(&str, Option<usize>, String)> = Vec::new();
        // Each field that holds an audience marker: its name and line.
        let mut marked: Vec<(&str, Option<usize>)> = Vec::new();
        let mut as_words = |name: &'static str, line: Option<usize>, text: &mut String| {
            // A comment is a note to the writer, in a field as in a body: never shown. An
            // audience marker among them marks no block: the words between two would be
            // shown on every site that shows the document.
            if text.contains("<!--") {
                // One written with escapes (`\u003c!--`), which the frontmatter's text
                // does not show.
                if find_markers && comments(text).any(body::marker_like) {
                    marked.push((name, line));
                }
                *text = body::without_comments(text).into_owned();
            }
            // A Markdown link to a document reads as its label, never its path.
            if text.contains("](")
                && let std::borrow::Cow::Owned(words) = body::document_links_as_words(text)
            {
                *text = words;
            }
            // Most fields have no wiki link: nothing more to do.
            if !text.contains("[[") {
                return;
            }
            let words = body::wiki_as_words(text, false, &mut |reference| {
                unlabelled.push((name, line, reference.to_string()));
                crate::render::markdown::RESTRICTED.to_string()
            });
            *text = words.into_owned();
        };
        as_words("title", None, &mut doc.title);
        one_line(&mut doc.title);
        for (name, text) in [
            ("summary", &mut doc.summary),
            ("public_title", &mut doc.public_title),
            ("public_summary", &mut doc.public_summary),
            ("rationale", &mut doc.rationale),
        ] {
            if let Some(text) = text {
                as_words(name, None, text);
                if name != "rationale" {
                    one_line(text);
                }
            }
        }
        for reason in doc
            .target_history
            .iter_mut()
            .filter_map(|s| s.reason.as_mut())
        {
            as_words("target_history", None, reason);
        }
        for kr in &mut doc.key_results {
            as_words("key_results", Some(kr.line), &mut kr.title);
            one_line(&mut kr.title);
            for checkin in &mut kr.checkins {
                if let Some(note) = &mut checkin.note {
                    as_words("checkins", Some(checkin.line), note);
                }
            }
        }
        // Names: a comment in one would be shown as written, on its page and its list's.
        let names = (doc.team.iter().map(|team| ("team", team)))
            .chain(doc.tags.iter().map(|tag| ("tags", tag)))
            .chain(doc.status.iter().map(|status| ("status", status)));
        let mut named: Vec<&str> = Vec::new();
        for (name, text) in names {
            if text.contains("<!--") && !named.contains(&name) {
                named.push(name);
            }
        }
        for name in named {
            let message = format!(
                "`{name}` holds an HTML comment, which a name would show as written: remove it (a note to the writer can go on a line of its own in the frontmatter, as a `#` comment)"
            );
            self.error(doc.field_line(name), 1, message);
        }
        for (name, line) in marked {
            let line = line.unwrap_or_else(|| doc.field_line(name));
            self.error(line, 1, marker_in_field(&format!("`{name}`")));
        }
        for (name, line, reference) in unlabelled {
            let line = line.unwrap_or_else(|| doc.field_line(name));
            let message = format!(
                "`{name}` names `[[{reference}]]` without a label: the field reads the same on every site, and which title the link would show depends on the site; write `[[{reference}|the words to show]]`, or the words alone"
            );
            self.error(line, 1, message);
        }
    }

    /// The document in `text`, whose memory becomes its body's: a project's bodies are
    /// most of what loading keeps, and copying each into memory of its own faulted in as
    /// many fresh pages again.
    fn read(&mut self, rel: &Path, mut text: String, config: &Config) -> Option<Document> {
        let split = match frontmatter::split(&text) {
            Ok(split) => split,
            Err(err) => {
                self.error(err.line, err.col, err.message);
                return None;
            }
        };
        let map = match frontmatter::parse(&split) {
            Ok(map) => map,
            Err(err) => {
                self.error(err.line, err.col, err.message);
                return None;
            }
        };
        if let Some((line, in_comment)) = frontmatter::audience_in_text(split.body, split.body_line)
        {
            let message = if in_comment {
                "this line sets `audience` in a comment opened on a line before it, which marks no block: an audience marker is one line, `<!-- audience: exec -->`, and the text after this one would go to every site that shows the document"
            } else if split.format.is_some() {
                "this line sets `audience` but is read as text: a document's audience is set in its frontmatter, and a part of its body's by an audience block (`<!-- audience: exec -->` … `<!-- /audience -->`); a line meant as text can go in a code block"
            } else {
                "this line sets `audience` but is read as text, so the document would go to every site of the default audience: frontmatter must open the file, with `+++` or `---` alone on the first line and nothing invisible around it (a line meant as text can go in a code block)"
            };
            self.error(line, 1, message.to_string());
            return None;
        }
        // An audience marker in the frontmatter marks no block: whatever field holds it is
        // shown whole on every site that shows the document, the words between two
        // included. Looked for as written, in every field (a status, a unit, `extra`).
        let field_lines = frontmatter::key_lines(&split);
        let mut marked = false;
        let mut said = 0;
        // Lines counted on from the last marker found, so that thousands stay linear.
        let (mut counted, mut line) = (0, split.front_line);
        for (at, _) in placed_comments(split.front).filter(|(_, c)| body::marker_like(c)) {
            marked = true;
            line += split.front[counted..at].matches('\n').count();
            counted = at;
            // An opening and a closing marker on one line: said once.
            if line == said {
                continue;
            }
            said = line;
            let field = (field_lines.iter())
                .take_while(|(_, key_line)| *key_line <= line)
                .last()
                .map_or_else(
                    || "the frontmatter".to_string(),
                    |(key, _)| format!("`{key}`"),
                );
            self.error(line, 1, marker_in_field(&field));
        }
        let mut doc = Document {
            source: rel.to_path_buf(),
            path_id: path_id(rel),
            field_lines,
            page_ids: config.page_ids.clone(),
            ..Document::default()
        };
        let (kind, kind_in_doubt) = self.kind(&doc, &map, config);
        doc.kind = kind;
        doc.imported =
            doc.kind == Kind::Decision && split.format != Some(frontmatter::Format::Toml);
        if doc.imported && imported::is_not_a_record(rel) {
            if crate::build::VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
                crate::errln!(
                    "skipped {}: a folder index or a record template among decision records, not a record",
                    self.shown.display()
                );
            }
            return None;
        }
        let mut fields = fields::Fields {
            split: &split,
            issues: Vec::new(),
            lines: None,
            lines_index: Default::default(),
            tables: Default::default(),
            kind_in_doubt,
        };
        fields.apply(&mut doc, map);
        for issue in fields.issues {
            let loc = Location::new(self.shown, issue.line, 1);
            self.diags.push(match issue.warning {
                Some(rule) => Diagnostic::warning(loc, issue.message).with_rule(rule),
                None => Diagnostic::error(loc, issue.message),
            });
        }
        self.text_fields_as_words(&mut doc, !marked);
        doc.todo_in_frontmatter = memchr::memmem::find(split.front.as_bytes(), b"TODO").is_some();
        let mut printed = blake3::Hasher::new();
        printed.update(split.front.as_bytes());
        doc.body_line = split.body_line;
        let start = text.len() - split.body.len();
        debug_assert!(std::ptr::eq(split.body, &text[start..]));
        text.drain(..start);
        doc.body = text;
        body::bracketed_link_texts(&mut doc.body);
        body::wiki_pipes_in_tables(&mut doc.body);
        // Fields read from the body come from outside its audience blocks.
        let outside = body::outside_blocks(&doc.body);
        if doc.imported {
            imported::apply_body(&mut doc, outside.as_deref(), &mut self.diags, self.shown);
        } else if doc.kind == Kind::Decision && doc.number.is_none() {
            // `0007-use-postgres.md` is decision 7, as `align new` numbers it and as an
            // imported record's file name numbers it.
            doc.number = (doc.source.file_stem())
                .and_then(|stem| crate::import::adr::number_from_stem(&stem.to_string_lossy()));
        }
        self.title(&mut doc, outside.as_deref());
        self.body(&mut doc);
        doc.fingerprint = Some(fingerprint(&doc, printed));
        Some(doc)
    }

    /// The document's kind, and whether it is in doubt: a `kind` field that names no kind
    /// is an error, and the folder's kind stands in so that the rest of the file is still
    /// read and checked.
    fn kind(
        &mut self,
        doc: &Document,
        map: &serde_json::Map<String, serde_json::Value>,
        config: &Config,
    ) -> (Kind, bool) {
        let by_folder = || config.kind_for_path(&doc.path_id);
        let Some(value) = map.get("kind") else {
            return (by_folder(), false);
        };
        if let Some(kind) = value.as_str().and_then(Kind::parse) {
            return (kind, false);
        }
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        let message = match value.as_str() {
            Some(text) => {
                // `Initiative`, `initiatives`, `inititive`: the kind meant.
                let lower = text.trim().to_lowercase();
                let lower = lower.strip_suffix('s').unwrap_or(&lower);
                let meant = crate::diag::nearest(lower, names.iter().copied(), |_| 2)
                    .map(|kind| format!(" (did you mean `{kind}`?)"))
                    .unwrap_or_default();
                format!(
                    "field `kind`: `{text}` is not one of: {}{meant}",
                    names.join(", ")
                )
            }
            None => format!(
                "field `kind`: expected a string, found {value}: write one of {}",
                names.join(", ")
            ),
        };
        self.error(doc.field_line("kind"), 1, message);
        (by_folder(), true)
    }

    /// Title from frontmatter, else from the first `# heading`; a heading that repeats the
    /// title is blanked out of the body (keeping line numbers) so pages don't show it twice.
    /// The title from the first `# heading` outside audience blocks (`outside`, the body
    /// with them blanked, when it has any), and that heading out of the body when it is
    /// the title.
    fn title(&mut self, doc: &mut Document, outside: Option<&str>) {
        // With a title already set, only a heading that repeats it matters: most bodies
        // do not contain it at all, and need no scan.
        if !doc.title.trim().is_empty()
            && !doc.imported
            && memchr::memmem::find(doc.body.as_bytes(), doc.title.as_bytes()).is_none()
            && !body::starts_with_title_heading(&doc.body)
        {
            return;
        }
        let mut labelless = Vec::new();
        let mut id = None;
        let heading = body::first_heading(outside.unwrap_or(&doc.body), doc.imported)
            .map(|(text, line, range)| {
                // The id written on the heading, which the text read leaves out.
                let first = doc.body[range.clone()].lines().next().unwrap_or_default();
                let first = first.trim().trim_end_matches('#').trim_end();
                id = body::without_attributes(first).1.map(str::to_string);
                (body::title_words(&text, &mut labelless), line, range)
            })
            .filter(|(text, ..)| !text.is_empty());
        if let Some((text, line, range)) = &heading
            && (doc.title.is_empty()
                || body::same_title(text, &doc.title)
                // A record's title read from its heading (`# 5. Use PostgreSQL`); one
                // the frontmatter gives in other words leaves the heading in the body.
                || (doc.imported && !doc.field_lines.iter().any(|(k, _)| k == "title")))
        {
            if doc.title.is_empty() {
                doc.title = text.clone();
                for reference in labelless {
                    self.error(doc.body_line + line, 1, labelless_in_title(&reference));
                }
            }
            // As many line ends as the heading had (two for a setext heading), so the
            // lines after it keep their numbers.
            let lines = doc.body[range.clone()].matches('\n').count().max(1);
            doc.body.replace_range(range.clone(), &"\n".repeat(lines));
            // A link to the heading by the id written on it leads to the page, whose
            // title it is.
            doc.left_out_anchors.extend(id);
        }
        if !doc.title.trim().is_empty() {
            return;
        }
        let in_block = outside.is_some() && body::first_heading(&doc.body, doc.imported).is_some();
        // A `titel` or `Title` is an unknown field already, whose error names `title`.
        let misspelt = doc
            .field_lines
            .iter()
            .any(|(k, _)| k != "title" && fields::nearest_field(k, doc.kind) == Some("title"));
        match doc.field_lines.iter().find(|(k, _)| k == "title") {
            None if misspelt => {}
            None if in_block => self.error(1, 1, "document has no title: its `# heading` is inside an audience block, which not every site shows; set `title` in the frontmatter or write the heading outside the block"),
            None => self.error(1, 1, "document has no title: set `title` in the frontmatter or start the body with a `# heading`"),
            // A `title` field of the wrong type has its own error already.
            Some(&(_, line)) if !self.diags.iter().any(|d| d.location.line == line) => {
                self.error(line, 1, "`title` is empty: write the document's title, or remove the field and start the body with a `# heading`");
            }
            Some(_) => {}
        }
    }

    fn body(&mut self, doc: &mut Document) {
        // Found here, where the body was just read, rather than by the rule, which would
        // read every body again from memory on every check.
        if !doc.imported {
            doc.placeholder_lines = body::placeholder_lines(&doc.body);
        }
        doc.html_past_bound = crate::render::markdown::past_html_bound(&doc.body);
        match body::audience_blocks(&doc.body) {
            Ok(blocks) => doc.blocks = blocks,
            Err(errors) => {
                for err in errors {
                    self.error(doc.body_line + err.line, 1, err.message);
                }
            }
        }
        // Most of the cost of loading is this parse; a body with no link syntax at all
        // has nothing to find, and its headings are read only if something links to one.
        if body::may_link(&doc.body) {
            let mut facts = body::scan(&doc.body, doc.body_line, &doc.key_results, &doc.page_ids);
            let _ = doc.headings.set(facts.headings);
            mark_blocks(doc, &mut facts.refs);
            mark_blocks(doc, &mut facts.assets);
            doc.refs.extend(facts.refs);
            doc.assets = facts.assets;
            doc.fragments = facts.fragments;
            doc.body_ids = facts.ids;
            for (written, given, line) in facts.renamed {
                let message = format!(
                    "the heading's id `{written}` is one the page holds already (an earlier heading's, a key result's row or the theme's), so the heading is `#{given}`, and a link to `#{written}` leads elsewhere: give the heading an id of its own"
                );
                let loc = Location::new(self.shown, line, 1);
                self.diags
                    .push(Diagnostic::warning(loc, message).with_rule("duplicate-anchor"));
            }
        }
    }
}

/// The error for a wiki link without a label in a title heading.
fn labelless_in_title(reference: &str) -> String {
    format!(
        "the title heading names `[[{reference}]]` without a label: a title reads the same on every site, and which title the link would show depends on the site; write `[[{reference}|the words to show]]`, or the words alone"
    )
}

/// Records, for each body link, the audience blocks it is written in.
fn mark_blocks(doc: &Document, refs: &mut [crate::model::RefText]) {
    if doc.blocks.is_empty() {
        return;
    }
    let index = LineIndex::new(&doc.body);
    let spans: Vec<(usize, usize, &Vec<String>)> = doc
        .blocks
        .iter()
        .map(|b| {
            (
                index.locate(b.start).0,
                index.locate(b.end.saturating_sub(1)).0,
                &b.audiences,
            )
        })
        .collect();
    // Blocks nest (in start order, each inside the one before it that has not ended):
    // the blocks around a line are the last to start at or before it that holds it, and
    // the blocks around that one, a few at most (see `MAX_NESTING`).
    let mut open: Vec<usize> = Vec::new();
    let parents: Vec<Option<usize>> = (spans.iter().enumerate())
        .map(|(i, &(start, _, _))| {
            while open.last().is_some_and(|&last| spans[last].1 < start) {
                open.pop();
            }
            let parent = open.last().copied();
            open.push(i);
            parent
        })
        .collect();
    let around = |line: usize, found: &mut Vec<usize>| {
        let mut block = spans.partition_point(|s| s.0 <= line).checked_sub(1);
        while let Some(b) = block {
            if spans[b].1 >= line {
                found.push(b);
            }
            block = parents[b];
        }
    };
    // A reference link shows where both it and its definition are shown.
    for r in refs {
        let mut found = Vec::new();
        for line in [Some(r.line), r.defined_at].into_iter().flatten() {
            around(line.saturating_sub(doc.body_line), &mut found);
        }
        found.sort_unstable();
        found.dedup();
        r.audiences = found.iter().map(|&b| spans[b].2.clone()).collect();
    }
}

/// Whether a path names a Markdown file: `.md` in any case (as a file system that ignores
/// case finds `x.MD` at `x.md`), or another extension Markdown goes by (`.markdown`,
/// `.mkd`, …), whose frontmatter and audience blocks a published copy would show as well.
pub fn is_markdown(path: &Path) -> bool {
    let name = path.to_string_lossy();
    let name = name.trim_end_matches(['/', '\\']);
    let Some((_, extension)) = name.rsplit_once('.') else {
        return false;
    };
    MARKDOWN_EXTENSIONS
        .iter()
        .any(|known| extension.eq_ignore_ascii_case(known))
}

/// The extensions Markdown files go by. Only `.md` files are documents.
pub const MARKDOWN_EXTENSIONS: [&str; 10] = [
    "md", "markdown", "mdown", "mkd", "mkdn", "mdwn", "mdtxt", "mdtext", "mdx", "rmd",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_use_slashes_and_drop_md() {
        assert_eq!(
            path_id(Path::new("content/decisions/0001-x.md")),
            "decisions/0001-x"
        );
        assert_eq!(path_id(Path::new("content/a b/é.md")), "a b/é");
    }

    #[test]
    fn a_path_id_is_its_path_s_names_however_the_path_is_written() {
        for rel in [
            "content/decisions/0001-x.md",
            "content/a.md",
            "a.md",
            "content/a//b.md",
            "content/./a.md",
            "content/a/./b.md",
            "content/a/../b.md",
            "/content/a.md",
            "content/a/",
            "content/",
            "",
            "content/a.md/",
            "content/.md",
            "content/x.markdown",
        ] {
            let (short, long) = both_ways(rel);
            assert_eq!(short, long, "{rel}");
        }
    }

    /// [`path_id`] of `rel`, and what the long way makes of the same path.
    fn both_ways(rel: &str) -> (String, String) {
        let rel = Path::new(rel);
        let under = rel.strip_prefix(CONTENT_DIR).unwrap_or(rel);
        (path_id(rel), path_id_by_names(under))
    }

    proptest::proptest! {
        /// Any path written of names, separators, dots and `.md`: the short way and the
        /// long one give the same id.
        #[test]
        fn a_path_id_is_the_same_either_way(parts in proptest::collection::vec(
            proptest::sample::select(vec!["a", "b c", "é", "/", ".", "..", ".md", "content", "0001-x.md"]),
            0..8,
        )) {
            let (short, long) = both_ways(&parts.concat());
            proptest::prop_assert_eq!(short, long);
        }
    }

    #[test]
    fn normalise_drops_bom_and_crlf() {
        assert_eq!(normalise("\u{feff}a\r\nb\rc"), "a\nb\nc");
        assert_eq!(normalise("a\0b\r\n"), "a\u{fffd}b\n");
        assert!(matches!(normalise("plain\n"), Cow::Borrowed("plain\n")));
    }
}
