//! Rebuilds in memory after a change, reusing what did not change: unchanged files are not
//! parsed again and pages whose inputs are unchanged are not rendered again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;

use crate::build::render_sites;
use crate::load;
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
}

impl Rebuilder {
    pub fn new(dir: &Path, today: Option<String>) -> Self {
        Rebuilder {
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
        let collected: Mutex<BTreeMap<String, HashMap<String, Bytes>>> = Mutex::default();
        renderer.begin_pass();
        render_sites(
            &project,
            renderer,
            theme,
            &names,
            today,
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
        Ok(Built {
            sites: collected.into_inner().unwrap_or_else(|e| e.into_inner()),
            titles,
            warnings,
        })
    }
}
