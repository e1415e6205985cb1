//! Rebuilds in memory after a change, reusing what did not change: unchanged files are not
//! parsed again and pages whose inputs are unchanged are not rendered again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;

use super::store::Keep;
use crate::build::render_sites;
use crate::load;
use crate::model::RelKind;
use crate::project::{Failure, Project};
use crate::render::Renderer;
use crate::theme::{self, Theme};

/// What kind of file changed; decides how much is thrown away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub config: bool,
    pub theme: bool,
}

pub struct Rebuilder {
    /// What the last good build was made of, to tell what an edit can have changed.
    last: Option<Shape>,
    dir: PathBuf,
    today: Option<String>,
    cache: load::Cache,
    theme: Option<Theme>,
    renderer: Option<Renderer>,
}

/// A finished rebuild: every site's files, and the site titles.
pub struct Built {
    pub sites: BTreeMap<String, HashMap<String, Bytes>>,
    pub titles: BTreeMap<String, String>,
    pub warnings: Vec<String>,
    /// Pages left out of an incremental rebuild because they cannot have changed: the
    /// store keeps its old bytes for them. `None` for a full rebuild.
    pub keep: Option<Keep>,
}

/// The structure of a build: which documents exist with which kind and audience, and
/// who is linked to whom. Pages of every document depend on it through the navigation.
struct Shape {
    documents: HashMap<String, (crate::model::Kind, Option<Vec<String>>)>,
    neighbours: HashMap<String, Vec<String>>,
    fingerprints: HashMap<String, Option<blake3::Hash>>,
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
        Shape {
            documents,
            neighbours,
            fingerprints,
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
        }
    }

    /// Rebuilds every site; on failure returns every error as printable lines.
    pub fn rebuild(&mut self, changes: Changes) -> Result<Built, Vec<String>> {
        if changes.config {
            self.cache = load::Cache::default();
        }
        if changes.config || changes.theme {
            self.last = None;
        }
        if changes.theme || changes.config {
            self.theme = None;
        }
        self.build().map_err(|failure| match failure {
            Failure::Content(diags) | Failure::Config(diags) => diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.headline())
                .collect(),
            Failure::Usage(err) => vec![format!("error: {err:#}")],
        })
    }

    fn build(&mut self) -> Result<Built, Failure> {
        let clock = std::time::Instant::now();
        let today = crate::today::resolve(self.today.as_deref())?;
        let mut project = Project::open_cached(&self.dir, &mut self.cache)?;
        let opened = clock.elapsed();
        project.check(today);
        if std::env::var_os("ALIGN_PROFILE").is_some() {
            eprintln!(
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
        let scope = match &self.last {
            Some(last) => affected(&project, last, &shape, &self.cache),
            None => Scope::Full,
        };
        let (only, aggregates) = match &scope {
            Scope::Full => (None, true),
            Scope::Pages(marked) => (Some(marked.clone()), true),
            Scope::Prose(marked) => (Some(marked.clone()), false),
        };
        let collected: Mutex<BTreeMap<String, HashMap<String, Bytes>>> = Mutex::default();
        renderer.begin_pass();
        render_sites(
            &project,
            renderer,
            theme,
            &names,
            today,
            crate::build::Selection {
                only: only.as_deref(),
                aggregates,
            },
            &|site, path, bytes| {
                let mut sites = collected.lock().unwrap_or_else(|e| e.into_inner());
                sites
                    .entry(site.to_string())
                    .or_default()
                    .insert(path.to_string(), bytes);
                Ok(())
            },
        )?;
        renderer.end_pass();
        let titles = project
            .config
            .sites
            .iter()
            .map(|(n, s)| (n.clone(), s.title.clone()))
            .collect();
        let warnings = project.warnings().map(|d| d.headline()).collect();
        let keep = match scope {
            Scope::Full => None,
            Scope::Pages(marked) => Some(Keep::Paths(kept_pages(&project, &names, &marked))),
            Scope::Prose(_) => Some(Keep::Everything),
        };
        self.last = Some(shape);
        self.cache.restore(project.docs);
        Ok(Built {
            keep,
            sites: collected.into_inner().unwrap_or_else(|e| e.into_inner()),
            titles,
            warnings,
        })
    }
}

/// The documents whose pages an edit can have changed, or `None` when every page may have
/// (documents added, removed, or changing kind or audience change every page's navigation).
fn affected(project: &Project, last: &Shape, now: &Shape, cache: &load::Cache) -> Scope {
    if last.documents != now.documents || project.config.import.changelog.is_some() {
        return Scope::Full;
    }
    let docs = &project.docs;
    let changed: std::collections::HashSet<&PathBuf> = cache.changed.iter().collect();
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
    // Everything whose why chain passes through an edited document.
    let mut visited: Vec<bool> = docs.iter().map(|d| changed.contains(&d.source)).collect();
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
    Scope::Pages(marked)
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
