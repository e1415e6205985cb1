//! `align build`: renders every selected site into a temporary folder, then swaps them all
//! into place.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, anyhow};
use jiff::civil::Date;

use crate::audience::SiteView;
use crate::project::{Failure, Project};
use crate::render::{self, Renderer};
use crate::{theme, write};

pub struct BuildOptions {
    pub out: PathBuf,
    /// Sites to build; empty means all.
    pub sites: Vec<String>,
    pub today: Date,
    pub live_reload: bool,
}

pub struct BuildReport {
    pub sites: Vec<String>,
    pub files: usize,
}

/// Builds the project's sites; fails without touching the output on any content error.
pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildReport, Failure> {
    if project.error_count() > 0 {
        return Err(Failure::Content(project.diagnostics.clone()));
    }
    let names = select_sites(project, &options.sites)?;
    let theme = theme::load(&project.dir)?;
    let renderer = Renderer::new(&theme.templates)?;
    let out = write::prepare(&options.out, &project.dir)?;
    let files = AtomicUsize::new(0);
    let mut writers = Vec::new();
    for name in &names {
        let view = SiteView::new(name, &project.config, &project.docs, &project.graph);
        let writer = out.site(name)?;
        let input = render::Input {
            config: &project.config,
            docs: &project.docs,
            graph: &project.graph,
            view: &view,
            today: options.today,
            files: &theme.files,
        };
        render::render_site(&renderer, &input, &|path, bytes| {
            files.fetch_add(1, Ordering::Relaxed);
            writer
                .write(path, &bytes)
                .with_context(|| format!("cannot write {path}"))
        })
        .with_context(|| format!("building site `{name}`"))?;
        writers.push(writer);
    }
    for writer in writers {
        writer.commit()?;
    }
    Ok(BuildReport {
        sites: names,
        files: files.into_inner(),
    })
}

fn select_sites(project: &Project, wanted: &[String]) -> Result<Vec<String>, Failure> {
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
