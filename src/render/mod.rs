//! Turns site views into output files: Markdown bodies, templates, lists, feeds and indexes.
//! Pure: it reads no files and writes none; the caller hands it templates and takes files.

mod context;
mod engine;
mod feed;
mod lists;
pub mod markdown;
mod site_files;
mod views;

use anyhow::Context as _;
use bytes::Bytes;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::audience::{self, SiteView};
use crate::config::{Config, Home};
use crate::graph::{Graph, Target};
use crate::model::{Document, Kind};
use context::{ListCtx, ListsIndexCtx, NavItem, NotFoundCtx, PageCtx, SiteCtx, root_for};
use markdown::{LinkFate, LinkResolver};

pub use engine::Renderer;

/// Receives each output file: its path relative to the site root and its bytes.
pub type Emit<'a> = dyn Fn(&str, Bytes) -> anyhow::Result<()> + Sync + 'a;

/// A number as people write it: no trailing `.0`, at most two decimals.
pub fn format_number(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

/// Everything one site's rendering reads.
pub struct Input<'a> {
    pub config: &'a Config,
    pub docs: &'a [Document],
    pub graph: &'a Graph,
    pub view: &'a SiteView<'a>,
    pub today: Date,
    /// Theme and project static files, copied as they are.
    pub files: &'a [(String, std::borrow::Cow<'static, [u8]>)],
}

/// Renders every file of one site.
pub fn render_site(renderer: &Renderer, input: &Input<'_>, emit: &Emit<'_>) -> anyhow::Result<()> {
    let site = site_ctx(input);
    let clock = std::time::Instant::now();
    let out = Out {
        renderer,
        site: input.view.name,
        emit,
    };
    input.view.docs.par_iter().try_for_each(|doc| {
        let path = audience::page_path(&input.docs[doc.index]);
        let root = root_for(&path);
        let body = body_html(renderer, input, doc.index, &root);
        let body = std::str::from_utf8(&body).unwrap_or_default();
        out.page(
            &path,
            "page.html",
            &PageCtx {
                site: &site,
                root: &root,
                doc,
                body,
            },
        )
    })?;
    let t_pages = clock.elapsed();
    let facets = lists::facets(input.view);
    facets
        .par_iter()
        .flat_map(|f| f.pages.par_iter())
        .try_for_each(|list| {
            let root = root_for(&list.path);
            let ctx = ListCtx {
                site: &site,
                root: &root,
                title: list.title.clone(),
                description: None,
                items: list.items.clone(),
            };
            out.page(&list.path, "list.html", &ctx)
        })?;
    let groups = lists::index_groups(&facets);
    out.page(
        "lists/index.html",
        "lists.html",
        &ListsIndexCtx {
            site: &site,
            root: "../",
            groups,
        },
    )?;
    let t_lists = clock.elapsed();
    render_views(input, &site, &facets, &out)?;
    let t_views = clock.elapsed();
    let not_found_root = site_files::absolute_root(input);
    out.page(
        "404.html",
        "404.html",
        &NotFoundCtx {
            site: &site,
            root: &not_found_root,
        },
    )?;
    site_files::write_all(input, &facets, &out)?;
    if std::env::var_os("ALIGN_PROFILE").is_some() {
        eprintln!(
            "  pages {:?}, lists {:?}, views {:?}, files {:?}",
            t_pages,
            t_lists - t_pages,
            t_views - t_lists,
            clock.elapsed() - t_views
        );
    }
    for (path, bytes) in input.files {
        out.file(path, Bytes::copy_from_slice(bytes))?;
    }
    Ok(())
}

/// Where rendered pages go: through the engine (and its memo) to the emitter.
pub struct Out<'a> {
    renderer: &'a Renderer,
    site: &'a str,
    emit: &'a Emit<'a>,
}

impl Out<'_> {
    pub fn page<T: Serialize>(&self, path: &str, template: &str, ctx: &T) -> anyhow::Result<()> {
        let bytes = self
            .renderer
            .page(&format!("{}/{path}", self.site), template, ctx)?;
        (self.emit)(path, bytes).with_context(|| format!("writing {path}"))
    }

    /// Renders without emitting, for output written under more than one name.
    pub fn render<T: Serialize>(
        &self,
        key: &str,
        template: &str,
        ctx: &T,
    ) -> anyhow::Result<Bytes> {
        self.renderer
            .page(&format!("{}/{key}", self.site), template, ctx)
    }

    pub fn file(&self, path: &str, bytes: Bytes) -> anyhow::Result<()> {
        (self.emit)(path, bytes).with_context(|| format!("writing {path}"))
    }
}

/// The roadmap, release plan, changelog (with its feed) and decision log, and the home
/// page, which is one of them or a plain index.
/// A view to render, run on the rayon pool.
type Job<'a> = Box<dyn Fn() -> anyhow::Result<Bytes> + Sync + 'a>;

fn render_views(
    input: &Input<'_>,
    site: &SiteCtx,
    facets: &[lists::Facet<'_>],
    out: &Out<'_>,
) -> anyhow::Result<()> {
    let data = views::ViewData::new(input);
    let home = input.view.config.home;
    // Each view renders once, in parallel; the home page reuses the bytes of its view.
    let jobs: Vec<(&str, Job<'_>)> = vec![
        (
            "roadmap.html",
            Box::new(|| out.render("roadmap.html", "roadmap.html", &data.roadmap(site, ""))),
        ),
        (
            "release-plan.html",
            Box::new(|| {
                out.render(
                    "release-plan.html",
                    "release-plan.html",
                    &data.release_plan(site, "", facets),
                )
            }),
        ),
        (
            "changelog.html",
            Box::new(|| {
                out.render(
                    "changelog.html",
                    "changelog.html",
                    &data.changelog(site, ""),
                )
            }),
        ),
        (
            "feed.xml",
            Box::new(|| {
                out.render(
                    "feed.xml",
                    "feed.xml",
                    &feed::feed(input, &data.changelog(site, "")),
                )
            }),
        ),
        (
            "decisions.html",
            Box::new(|| {
                out.render(
                    "decisions.html",
                    "decisions.html",
                    &data.decisions(site, "", facets),
                )
            }),
        ),
    ];
    let rendered: Vec<(&str, Bytes)> = jobs
        .par_iter()
        .map(|(path, job)| Ok((*path, job()?)))
        .collect::<anyhow::Result<_>>()?;
    let home_view = match home {
        Home::Roadmap => Some("roadmap.html"),
        Home::ReleasePlan => Some("release-plan.html"),
        Home::Changelog => Some("changelog.html"),
        Home::Index => None,
    };
    for (path, bytes) in rendered {
        if Some(path) == home_view {
            out.file("index.html", bytes.clone())?;
        }
        out.file(path, bytes)?;
    }
    if home_view.is_none() {
        out.page(
            "index.html",
            "home.html",
            &site_files::home_ctx(input, site),
        )?;
    }
    Ok(())
}

/// A document's body for this site, with links resolved from a page at `root`. Memoised
/// on the filtered body text and where each of its links leads.
fn body_html(renderer: &Renderer, input: &Input<'_>, doc: usize, root: &str) -> Bytes {
    let view = input.view;
    let fate = |target: &Target| match view.link(input.docs, target) {
        Some(link) => LinkFate::Visible {
            href: format!("{root}{}", link.url),
            title: link.title,
        },
        None => LinkFate::Hidden,
    };
    let links = &input.graph.links[doc];
    let body = audience::body_for(&input.docs[doc], view.config);
    let mut hasher = blake3::Hasher::new();
    hasher.update(body.as_bytes());
    hasher.update(&[view.config.raw_html() as u8]);
    let mut dests: Vec<&String> = links.keys().collect();
    dests.sort_unstable();
    for dest in dests {
        hasher.update(dest.as_bytes());
        match fate(&links[dest]) {
            LinkFate::Visible { href, title } => {
                hasher.update(href.as_bytes());
                hasher.update(title.as_bytes());
            }
            LinkFate::Hidden => {
                hasher.update(b"\0hidden");
            }
        }
    }
    let key = format!("{}/{}#body", view.name, input.docs[doc].path_id);
    renderer.memoised(&key, hasher.finalize(), || {
        let resolver = LinkResolver {
            targets: links,
            fate: &fate,
        };
        Bytes::from(markdown::render(&body, &resolver, view.config.raw_html()))
    })
}

fn site_ctx(input: &Input<'_>) -> SiteCtx {
    let view = input.view;
    let views = [
        ("Roadmap", "roadmap.html"),
        ("Release plan", "release-plan.html"),
        ("Changelog", "changelog.html"),
        ("Decisions", "decisions.html"),
    ];
    let views = views
        .into_iter()
        .map(|(title, url)| NavItem {
            title: title.to_string(),
            url: url.to_string(),
            count: 0,
        })
        .collect();
    let mut nav = Vec::new();
    for kind in Kind::ALL {
        let count = view.of_kind(kind).count();
        if count > 0 {
            nav.push(NavItem {
                title: kind.plural_label().to_string(),
                url: format!("lists/kind/{}.html", kind.as_str()),
                count,
            });
        }
    }
    SiteCtx {
        name: view.name.to_string(),
        title: view.config.title.clone(),
        description: view.config.description.clone(),
        project: input.config.title.clone(),
        public: view.config.public,
        nav,
        views,
        base_url: input
            .config
            .base_url()
            .map(|b| format!("{b}/{}/", view.name)),
    }
}
