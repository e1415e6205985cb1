//! Turns site views into output files: Markdown bodies, templates, lists, feeds and indexes.
//! Pure: it reads no files and writes none; the caller hands it templates and takes files.

mod context;
mod feed;
mod lists;
pub mod markdown;
mod site_files;
mod views;

use anyhow::Context as _;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Kwargs, State, Tera};

use crate::audience::{self, SiteView};
use crate::config::{Config, Home};
use crate::graph::{Graph, Target};
use crate::model::{Document, Kind};
use context::{ListCtx, ListsIndexCtx, NavItem, NotFoundCtx, PageCtx, SiteCtx, root_for};
use markdown::{LinkFate, LinkResolver};

/// Receives each output file: its path relative to the site root and its bytes.
pub type Emit<'a> = dyn Fn(&str, &[u8]) -> anyhow::Result<()> + Sync + 'a;

/// Compiled templates.
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    pub fn new(templates: &[(String, String)]) -> anyhow::Result<Self> {
        let mut tera = Tera::new();
        tera.register_filter("num", |x: f64, _: Kwargs, _: &State| format_number(x));
        tera.register_filter("slug", |x: &str, _: Kwargs, _: &State| {
            let s = crate::load::slug(x);
            if s.is_empty() {
                "unnamed".to_string()
            } else {
                s
            }
        });
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|err| anyhow::anyhow!("template error: {err}"))?;
        Ok(Renderer { tera })
    }

    fn render<T: Serialize>(&self, template: &str, ctx: &T) -> anyhow::Result<String> {
        let context = tera::Context::from_serialize(ctx)
            .map_err(|err| anyhow::anyhow!("template context for {template}: {err}"))?;
        self.tera
            .render(template, &context)
            .map_err(|err| anyhow::anyhow!("rendering {template}: {err:?}"))
    }
}

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
    pub live_reload: bool,
    /// Theme and project static files, copied as they are.
    pub files: &'a [(String, std::borrow::Cow<'static, [u8]>)],
}

/// Renders every file of one site.
pub fn render_site(renderer: &Renderer, input: &Input<'_>, emit: &Emit<'_>) -> anyhow::Result<()> {
    let site = site_ctx(input);
    input.view.docs.par_iter().try_for_each(|doc| {
        let path = audience::page_path(&input.docs[doc.index]);
        let root = root_for(&path);
        let body = body_html(input, doc.index, &root);
        let html = renderer.render(
            "page.html",
            &PageCtx {
                site: &site,
                root: &root,
                doc,
                body: &body,
            },
        )?;
        emit(&path, html.as_bytes()).with_context(|| format!("writing {path}"))
    })?;
    let facets = lists::facets(input.view);
    facets
        .par_iter()
        .flat_map(|f| f.pages.par_iter())
        .try_for_each(|page| {
            let root = root_for(&page.path);
            let ctx = ListCtx {
                site: &site,
                root: &root,
                title: page.title.clone(),
                description: None,
                items: page.items.clone(),
            };
            emit(&page.path, renderer.render("list.html", &ctx)?.as_bytes())
        })?;
    let groups = lists::index_groups(&facets);
    let index = ListsIndexCtx {
        site: &site,
        root: "../",
        groups,
    };
    emit(
        "lists/index.html",
        renderer.render("lists.html", &index)?.as_bytes(),
    )?;
    render_views(renderer, input, &site, &facets, emit)?;
    let not_found_root = site_files::absolute_root(input);
    emit(
        "404.html",
        renderer
            .render(
                "404.html",
                &NotFoundCtx {
                    site: &site,
                    root: &not_found_root,
                },
            )?
            .as_bytes(),
    )?;
    site_files::write_all(renderer, input, &facets, emit)?;
    for (path, bytes) in input.files {
        emit(path, bytes)?;
    }
    Ok(())
}

/// The roadmap, release plan, changelog (with its feed) and decision log, and the home
/// page, which is one of them or a plain index.
fn render_views(
    renderer: &Renderer,
    input: &Input<'_>,
    site: &SiteCtx,
    facets: &[lists::Facet<'_>],
    emit: &Emit<'_>,
) -> anyhow::Result<()> {
    let data = views::ViewData::new(input);
    let roadmap = renderer.render("roadmap.html", &data.roadmap(site, ""))?;
    let plan = renderer.render("release-plan.html", &data.release_plan(site, "", facets))?;
    let changelog_ctx = data.changelog(site, "");
    let changelog = renderer.render("changelog.html", &changelog_ctx)?;
    let feed = renderer.render("feed.xml", &feed::feed(input, &changelog_ctx))?;
    let decisions = renderer.render("decisions.html", &data.decisions(site, "", facets))?;
    let home = match input.view.config.home {
        Home::Roadmap => roadmap.clone(),
        Home::ReleasePlan => plan.clone(),
        Home::Changelog => changelog.clone(),
        Home::Index => site_files::home(renderer, input, site)?,
    };
    emit("index.html", home.as_bytes())?;
    emit("roadmap.html", roadmap.as_bytes())?;
    emit("release-plan.html", plan.as_bytes())?;
    emit("changelog.html", changelog.as_bytes())?;
    emit("feed.xml", feed.as_bytes())?;
    emit("decisions.html", decisions.as_bytes())
}

/// A document's body for this site, with links resolved from a page at `root`.
fn body_html(input: &Input<'_>, doc: usize, root: &str) -> String {
    let view = input.view;
    let fate = |target: &Target| match view.link(input.docs, target) {
        Some(link) => LinkFate::Visible {
            href: format!("{root}{}", link.url),
            title: link.title,
        },
        None => LinkFate::Hidden,
    };
    let resolver = LinkResolver {
        targets: &input.graph.links[doc],
        fate: &fate,
    };
    let body = audience::body_for(&input.docs[doc], view.config);
    markdown::render(&body, &resolver, view.config.raw_html())
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
        live_reload: input.live_reload,
    }
}
