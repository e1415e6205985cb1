//! `align build`: renders every selected site into a temporary folder, then swaps them all
//! into place.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, anyhow};
use bytes::Bytes;
use jiff::civil::Date;

use crate::audience::SiteView;
use crate::file_bytes::FileBytes;
use crate::project::{Failure, Project};
use crate::render::{self, Renderer};
use crate::{theme, write};

pub struct BuildOptions {
    pub out: PathBuf,
    /// Sites to build; empty means all.
    pub sites: Vec<String>,
    pub today: Date,
    /// Show a progress bar on a terminal (never in CI or when output is not a terminal).
    pub progress: bool,
}

pub struct BuildReport {
    pub sites: Vec<String>,
    pub files: usize,
    /// Sites of an earlier build that `align.toml` no longer lists, removed from the
    /// output (a full build only).
    pub removed: Vec<PathBuf>,
    /// Every site's document views, handed back rather than dropped: a caller about to
    /// exit may forget them (freeing 300,000 views one by one takes a tenth of a second).
    pub views: Option<KeptViews>,
}

/// Builds the project's sites; fails without touching the output on any content error.
pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildReport, Failure> {
    let ready = || -> Result<_, Failure> {
        if project.error_count() > 0 {
            return Err(Failure::Content(project.diagnostics.clone()));
        }
        let names = select_sites(project, &options.sites)?;
        let theme = theme::load(&project.dir)?;
        let renderer = Renderer::new(&theme.templates)?;
        Ok((names, theme, renderer))
    };
    // A build that fails before it writes still leaves the last build's output whole,
    // as it says, after one stopped midway (`write::prepare` does this for the others).
    let (names, theme, renderer) = ready().inspect_err(|_| write::recover(&options.out))?;
    let out = write::prepare(&options.out, &project.dir, !options.progress)?;
    let target = out.path().to_path_buf();
    let _discard = crate::render::limits::before_stop(move || write::discard(&target));
    let files = AtomicUsize::new(0);
    let bar = progress_bar(options.progress, project);
    let writers = names
        .iter()
        .map(|name| Ok((name.clone(), out.site(name)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Each written file finds its site's writer by name: in a map, for projects of many.
    let by_site: HashMap<&str, _> = writers.iter().map(|(n, w)| (n.as_str(), w)).collect();
    let views = render_sites(
        project,
        &renderer,
        &theme,
        &names,
        options.today,
        Selection::ALL,
        None,
        &|site, path, bytes| {
            let n = files.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(256) {
                bar.set_position(n as u64);
            }
            if crate::render::limits::stopping() {
                anyhow::bail!("the build is stopping");
            }
            let writer = by_site.get(site).context("unknown site")?;
            writer.write(path, &bytes).with_context(|| {
                let file = options.out.join(site).join(path);
                format!("cannot write {}", file.display())
            })
        },
    )?;
    bar.finish_and_clear();
    write::commit_all(writers.into_iter().map(|(_, writer)| writer).collect())?;
    // A site renamed or dropped in align.toml would otherwise stay published as it was,
    // whatever its documents have become since. A build of chosen sites leaves the
    // others alone.
    let removed = if options.sites.is_empty() {
        write::remove_stale_sites(out.path(), &project.config.sites)?
    } else {
        Vec::new()
    };
    Ok(BuildReport {
        sites: names,
        files: files.into_inner(),
        removed,
        views,
    })
}

/// What `check` finds in a project's theme files as `build` would: a template or static
/// file whose name is not UTF-8, an error in one of the project's own templates
/// (`templates/`) and, when the content has none, every error rendering every site meets
/// (a value a template names that is not there), rendered in memory and kept nowhere.
/// Rendering costs about what a build does; a project on the default theme, which its
/// own tests render, pays nothing. Failures only writing meets (a folder where a file
/// goes, a full disk) are not found.
pub fn check_templates(project: &Project, today: Date) -> Result<(), Failure> {
    theme::check_names(&project.dir)?;
    if !project.dir.join("templates").is_dir() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let theme = theme::load(&project.dir)?;
    let renderer = Renderer::new(&theme.templates)?;
    if project.error_count() == 0 {
        let names: Vec<String> = project.config.sites.keys().cloned().collect();
        let sink: &Sink<'_> = &|_, _, _| Ok(());
        render_sites(
            project,
            &renderer,
            &theme,
            &names,
            today,
            Selection::ALL,
            None,
            sink,
        )?;
    }
    if verbose() {
        crate::errln!(
            "checked the project's templates in {} ms",
            started.elapsed().as_millis()
        );
    }
    Ok(())
}

/// Receives every output file: site name, path in the site, bytes.
pub type Sink<'a> = dyn Fn(&str, &str, FileBytes) -> anyhow::Result<()> + Sync + 'a;

/// Which pages a render makes: document pages of the marked documents only (all when
/// `only` is `None`), and lists, views and site files or not; of these, the `first`
/// (by site name) before any other. `pages_done` is called once every document page
/// has been emitted.
#[derive(Clone, Copy)]
pub struct Selection<'a> {
    pub only: Option<&'a [bool]>,
    /// The documents whose files changed, among the marked ones: a site that shows none
    /// of them and whose views of the others came out the same is not rendered at all.
    pub edited: &'a [usize],
    pub aggregates: bool,
    /// By site name, the pages to make first (see [`render::Input::first`]).
    pub first: Option<&'a HashMap<String, HashSet<String>>>,
    pub pages_done: Option<&'a (dyn Fn() + Sync)>,
}

impl Selection<'_> {
    pub const ALL: Selection<'static> = Selection {
        only: None,
        edited: &[],
        aggregates: true,
        first: None,
        pages_done: None,
    };
}

/// Every site's document views by site name, kept between rebuilds.
pub type KeptViews = Vec<(String, crate::audience::KeptView)>;

/// Renders the named sites of a project whose content has no errors. With `reuse` and
/// aggregates, the document views of an earlier render are taken for the documents the
/// selection does not mark (see [`SiteView::reusing`]); every site's views are handed
/// back when they are complete (with aggregates).
#[allow(clippy::too_many_arguments)]
pub fn render_sites(
    project: &Project,
    renderer: &Renderer,
    theme: &theme::Theme,
    names: &[String],
    today: Date,
    selection: Selection<'_>,
    reuse: Option<KeptViews>,
    sink: &Sink<'_>,
) -> anyhow::Result<Option<KeptViews>> {
    let Selection {
        only,
        edited,
        aggregates,
        first,
        pages_done,
    } = selection;
    let started = std::time::Instant::now();
    // The marked documents are the ones whose views may have changed.
    let (mut earlier, changed) = match (reuse, only) {
        (Some(views), Some(changed)) if aggregates => (views, Some(changed)),
        _ => (Vec::new(), None),
    };
    let kept: Vec<(&String, Option<crate::audience::KeptView>)> = names
        .iter()
        .map(|name| {
            let kept = earlier
                .iter()
                .position(|(n, _)| n == name)
                .map(|at| earlier.swap_remove(at).1);
            (name, kept)
        })
        .collect();
    // The sites' views are made side by side: each has passes over every document that
    // one thread makes.
    use rayon::prelude::*;
    let mut views: Vec<SiteView<'_>> = kept
        .into_par_iter()
        .map(|(name, kept)| {
            let (config, docs, graph) = (&project.config, &project.docs, &project.graph);
            match (kept, changed) {
                (Some(kept), Some(changed)) => {
                    SiteView::reusing(name, config, docs, graph, kept, changed, edited)
                }
                // Without aggregates only the marked documents' pages are rendered.
                _ => {
                    let only = if aggregates { None } else { only };
                    SiteView::new_for(name, config, docs, graph, only)
                }
            }
        })
        .collect();
    if renderer.has_memo() {
        views.iter_mut().for_each(SiteView::keep_values);
    }
    let viewed = started.elapsed();
    // A site nothing of which changed keeps every page it has: editing an internal
    // document leaves the public site alone.
    let rendered: Vec<usize> = (0..views.len()).filter(|&s| !views[s].unchanged).collect();
    let inputs: Vec<render::Input<'_>> = rendered
        .iter()
        .map(|&s| &views[s])
        .map(|view| render::Input {
            config: &project.config,
            docs: &project.docs,
            graph: &project.graph,
            view,
            today,
            unreleased_link: project.unreleased_link.as_deref(),
            files: &theme.files,
            assets: &project.assets,
            first: first.and_then(|first| first.get(view.name)),
        })
        .collect();
    let emit = |site: usize, path: &str, bytes| sink(&names[rendered[site]], path, bytes);
    render::render_all(renderer, &inputs, only, aggregates, &emit, pages_done)
        .context("rendering the sites")?;
    for &s in &rendered {
        let (name, view) = (&names[s], &views[s]);
        for (path, bytes) in site_assets(project, view)? {
            sink(name, &path, bytes.into())?;
        }
    }
    if verbose() {
        let shown: Vec<String> = names
            .iter()
            .zip(&views)
            .map(|(n, v)| format!("{n} {}", v.docs.len()))
            .collect();
        crate::errln!(
            "sites ({}): views in {} ms, rendered in {} ms",
            shown.join(", "),
            viewed.as_millis(),
            (started.elapsed() - viewed).as_millis()
        );
    }
    Ok(aggregates.then(|| {
        names
            .iter()
            .cloned()
            .zip(views.into_iter().map(SiteView::into_kept))
            .collect()
    }))
}

/// The linked files of the documents a site shows, each once.
fn site_assets(project: &Project, view: &SiteView<'_>) -> anyhow::Result<Vec<(String, Bytes)>> {
    let mut paths: Vec<&str> = project
        .assets
        .iter()
        .filter(|(doc, _, blocks)| {
            view.shows(*doc) && crate::model::blocks_allow(blocks, &view.config.audiences)
        })
        .map(|(_, path, _)| path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| {
            let file = project.dir.join(crate::load::CONTENT_DIR).join(path);
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            Ok((path.to_string(), Bytes::from(bytes)))
        })
        .collect()
}

/// The sites `wanted` names (every site when it names none); a name align.toml does not
/// have is a usage error.
pub fn select_sites(project: &Project, wanted: &[String]) -> Result<Vec<String>, Failure> {
    let all: Vec<String> = project.config.sites.keys().cloned().collect();
    if wanted.is_empty() {
        return Ok(all);
    }
    for name in wanted {
        if !all.contains(name) {
            return Err(Failure::Usage(anyhow!(
                "no site named `{name}` in align.toml (sites: {})",
                all.join(", ")
            )));
        }
    }
    Ok(all.into_iter().filter(|n| wanted.contains(n)).collect())
}

/// `--verbose` sets this for the whole run.
pub static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// A bar counting written files against an estimate (a page per document per site, and
/// a few dozen more). Hidden when not wanted; indicatif also hides it when stderr is not
/// a terminal.
fn progress_bar(wanted: bool, project: &Project) -> indicatif::ProgressBar {
    let ci = std::env::var_os("CI").is_some();
    if !wanted || ci || project.docs.len() < 2000 {
        return indicatif::ProgressBar::hidden();
    }
    let estimate = (project.docs.len() * project.config.sites.len()) as u64;
    let bar = indicatif::ProgressBar::new(estimate);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} writing {pos}/{len} files {wide_bar} {elapsed}",
    ) {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_first_pages_come_before_every_other_list_and_view_and_only_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/pages")).unwrap();
        std::fs::write(
            dir.path().join("align.toml"),
            "title = \"T\"\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("content/pages/a.md"),
            "+++\ntitle = \"A\"\nid = \"P-1\"\ntags = [\"x\"]\n+++\nText.\n",
        )
        .unwrap();
        let project = Project::open(dir.path()).unwrap();
        let theme = theme::load(dir.path()).unwrap();
        let renderer = Renderer::new(&theme.templates).unwrap();
        let names = ["team".to_string()];
        let first = HashMap::from([(
            "team".to_string(),
            HashSet::from([
                "lists/tag/x.html".to_string(),
                "release-plan.html".to_string(),
            ]),
        )]);
        let selection = Selection {
            first: Some(&first),
            ..Selection::ALL
        };
        let emitted = Mutex::new(Vec::new());
        // One thread: the order of a parallel render is otherwise the scheduler's.
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| {
                render_sites(
                    &project,
                    &renderer,
                    &theme,
                    &names,
                    Date::constant(2026, 11, 24),
                    selection,
                    None,
                    &|_, path, _| {
                        emitted.lock().unwrap().push(path.to_string());
                        Ok(())
                    },
                )
            })
            .unwrap();
        let emitted = emitted.into_inner().unwrap();
        let own: Vec<&str> = emitted
            .iter()
            .map(String::as_str)
            .filter(|p| crate::project::site_writes(p))
            .collect();
        let mut leading = own[..2].to_vec();
        leading.sort();
        assert_eq!(
            leading,
            ["lists/tag/x.html", "release-plan.html"],
            "{own:?}"
        );
        for path in [
            "lists/tag/x.html",
            "release-plan.html",
            "roadmap.html",
            "graph.json",
        ] {
            let times = own.iter().filter(|p| **p == path).count();
            assert_eq!(times, 1, "{path} in {own:?}");
        }
    }
}
