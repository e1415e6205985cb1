//! Turns site views into output files: Markdown bodies, templates, lists, feeds and indexes.
//! Pure: it reads no files and writes none; the caller hands it templates and takes files.

mod context;
mod doc_page;
mod engine;
mod feed;
pub mod html_load;
pub mod limits;
mod lists;
pub mod markdown;
mod site_files;
mod views;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::OnceLock;

use anyhow::Context as _;
use bytes::Bytes;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::audience::{self, DocView, SiteView};
use crate::config::{Config, Home, RawHtml};
use crate::file_bytes::FileBytes;
use crate::graph::{Graph, Target};
use crate::import::changelog::without_breaking_mark;
use crate::model::{Document, Kind};
use context::{ListCtx, ListsIndexCtx, NavItem, NotFoundCtx, PageCtx, SiteCtx, SiteInfo, root_for};
use markdown::{LinkFate, LinkResolver};

pub use engine::{Pass, Renderer, TemplateError};

/// A number as it was written: every decimal the author gave (a target of `99.995` is
/// not `100`), no trailing `.0`; below a millionth, and past a quadrillion, in scientific
/// notation (`2.0e-9`, `1e308`), where a row of zeros says nothing.
pub fn format_number(x: f64) -> String {
    if x.abs() >= 1e15 {
        return format!("{x:e}");
    }
    if x == 0.0 {
        // `-0` is no number anyone writes.
        return "0".to_string();
    }
    if x.abs() < 1e-6 && x.is_finite() {
        return format!("{x:.1e}");
    }
    // The shortest text that reads back as the same number: what was written, as a key
    // result's values are read from the frontmatter and shown without arithmetic.
    format!("{x}")
}

/// A score as the 0.0–1.0 OKR scale writes it: two decimals (`0.20`, `1.00`), the
/// hundredth it was rounded down to.
pub fn format_score(x: f64) -> String {
    format!("{x:.2}")
}

/// Everything one site's rendering reads.
pub struct Input<'a> {
    pub config: &'a Config,
    pub docs: &'a [Document],
    pub graph: &'a Graph,
    pub view: &'a SiteView<'a>,
    pub today: Date,
    /// The web address of the imported changelog's unreleased changes.
    pub unreleased_link: Option<&'a str>,
    /// Theme and project static files, copied as they are (but see [`copied`]).
    pub files: &'a [(String, std::borrow::Cow<'static, [u8]>)],
    /// The files documents link to, which the sites that show them publish.
    pub assets: &'a [crate::project::Asset],
    /// The pages to make before any other: in `serve`, those open in a browser. Of the
    /// site's own (lists, views, site files) always; of document pages when every page
    /// is made.
    pub first: Option<&'a std::collections::HashSet<String>>,
}

/// Receives each output file of several sites: the site's index in the inputs, the path
/// relative to that site's root, and the bytes.
pub type SiteEmit<'a> = dyn Fn(usize, &str, FileBytes) -> anyhow::Result<()> + Sync + 'a;

/// Renders every file of every site in `inputs`. Document pages are rendered document by
/// document across sites, so a body is parsed and rendered once however many sites show
/// it (unless what its links show differs between sites). With `only`, document pages are
/// rendered just for the documents marked; without `aggregates`, nothing but those pages.
/// `pages_done` is called once every document page has been emitted.
pub fn render_all(
    renderer: &Renderer,
    inputs: &[Input<'_>],
    only: Option<&[bool]>,
    aggregates: bool,
    emit: &SiteEmit<'_>,
    pages_done: Option<&(dyn Fn() + Sync)>,
) -> anyhow::Result<()> {
    let sites: Vec<SiteCtx> = inputs.iter().map(site_ctx).collect();
    let outs: Vec<Emitter<'_>> = (0..inputs.len())
        .map(|s| Emitter { site: s, emit })
        .collect();
    let count = inputs.first().map_or(0, |i| i.docs.len());
    // Hashing a body is worth it only when another site or a later rebuild can reuse it.
    let share = inputs.len() > 1 || renderer.has_memo();
    // When every page is made while some are open in a browser (a document added in
    // `serve`), the open documents' pages come before the others.
    let open_first = match only {
        None => open_documents(inputs),
        Some(_) => Vec::new(),
    };
    let pages = || {
        for &doc in &open_first {
            document_pages(renderer, inputs, &sites, &outs, doc, share)?;
        }
        // In pieces of at most 64 documents: the other core joins in whenever it is done
        // with a long list or view, instead of waiting while this one renders a quarter of
        // the documents in one unsplit run (a second on one core at 100,000 documents).
        let done = (0..count)
            .into_par_iter()
            .with_max_len(64)
            .try_for_each(|doc| {
                if only.is_some_and(|only| !only.get(doc).copied().unwrap_or(true))
                    || open_first.binary_search(&doc).is_ok()
                {
                    return Ok(());
                }
                document_pages(renderer, inputs, &sites, &outs, doc, share)
            });
        if let (Ok(()), Some(pages_done)) = (&done, pages_done) {
            pages_done();
        }
        done
    };
    // A site's facets are made once, by whichever of the two passes below asks first.
    let facets: Vec<OnceLock<Vec<lists::Facet<'_>>>> =
        inputs.iter().map(|_| OnceLock::new()).collect();
    let rest = |first: bool| {
        if !aggregates {
            return Ok(());
        }
        inputs.par_iter().enumerate().try_for_each(|(s, input)| {
            let open = input.first.filter(|wanted| !wanted.is_empty());
            let (wanted, skip) = match (first, open) {
                (true, Some(open)) => (Some(open), None),
                (true, None) => return Ok(()),
                // What the first pass makes, it makes whole: the other pass leaves it.
                (false, open) => (None, open),
            };
            let out = Out {
                renderer,
                site: input.view.name,
                emit: &outs[s],
                wanted,
                skip,
            };
            let facets = facets[s].get_or_init(|| lists::facets(input.view));
            render_site_pages(input, &sites[s], facets, &out)
        })
    };
    // The pages wanted first, on one core while the other starts on all the rest: a
    // core left idle would cost more than the facets waited for.
    let rest = || {
        if inputs.iter().all(|i| i.first.is_none_or(|f| f.is_empty())) {
            return rest(false);
        }
        let (first, all) = rayon::join(|| rest(true), || rest(false));
        first.and(all)
    };
    // In a whole build the aggregate pages start first: a long list or view is one
    // template render that cannot be split, and document pages fill the other core
    // around it instead of leaving a core idle at the end. When only a few documents'
    // pages are made (an edit in `serve`), those come first: they are the pages being
    // looked at, and they are done long before the lists.
    if only.is_some() {
        let (pages, rest) = rayon::join(pages, rest);
        return rest.and(pages);
    }
    let (rest, pages) = rayon::join(rest, pages);
    rest.and(pages)
}

/// The documents, in order, whose page on some site is among that site's `first`.
fn open_documents(inputs: &[Input<'_>]) -> Vec<usize> {
    let mut open: Vec<usize> = inputs
        .iter()
        .filter_map(|input| Some((input.docs, input.first?)))
        .flat_map(|(docs, first)| {
            first
                .iter()
                .filter_map(|p| crate::project::page_of(docs, p))
        })
        .collect();
    open.sort_unstable();
    open.dedup();
    open
}

/// Every site's page of document `doc`. A body is parsed once, however many sites show
/// the same text; a site whose links lead elsewhere renders it again from the same events.
fn document_pages(
    renderer: &Renderer,
    inputs: &[Input<'_>],
    sites: &[SiteCtx],
    outs: &[Emitter<'_>],
    doc: usize,
    share: bool,
) -> anyhow::Result<()> {
    // The next documents are most often this thread's next ones (documents go in runs
    // of up to 64): what their pages read of other documents starts loading now, while
    // this one renders, in two steps (the targets, then what they point to).
    for input in inputs {
        input.view.prefetch_page(input.graph, doc + 2, false);
        input.view.prefetch_page(input.graph, doc + 1, true);
    }
    let shown: Vec<(usize, &DocView)> = inputs
        .iter()
        .enumerate()
        .filter_map(|(s, input)| Some((s, input.view.view(doc)?)))
        .collect();
    let texts: Vec<Cow<'_, str>> = shown
        .iter()
        .map(|&(s, _)| audience::body_for(&inputs[s].docs[doc], inputs[s].view.config))
        .collect();
    let parsed: Vec<OnceCell<markdown::Parsed<'_>>> =
        texts.iter().map(|_| OnceCell::new()).collect();
    let mut bodies: Vec<Rendered<'_>> = Vec::new();
    for (k, &(s, view)) in shown.iter().enumerate() {
        let input = &inputs[s];
        let path = audience::page_path(&input.docs[doc]);
        let root = root_for(&path);
        let text = &texts[k];
        // The first site with the same text: most sites show the document's own body
        // (the same bytes at the same address), which is equal without reading it.
        let same = texts[..k]
            .iter()
            .position(|t| std::ptr::eq(t.as_ref(), text.as_ref()) || t == text)
            .unwrap_or(k);
        let body = Body {
            text,
            // One site alone streams the parser into the renderer.
            parsed: (shown.len() > 1).then(|| &parsed[same]),
        };
        let (body, hash) = body_html(
            renderer,
            input,
            doc,
            &root,
            body,
            share.then_some(&mut bodies),
        )?;
        let out = Out {
            renderer,
            site: input.view.name,
            emit: &outs[s],
            wanted: None,
            skip: None,
        };
        out.doc_page(
            &path,
            &PageCtx {
                site: &sites[s],
                root: &root,
                doc: view,
                body: context::PageBody {
                    html: std::str::from_utf8(&body).unwrap_or_default(),
                    hash,
                },
                // Where the plan is late is for the people who run it, as the roadmap's
                // risks are.
                overdue: match input.view.config.public {
                    true => Vec::new(),
                    false => {
                        let status = view.status.as_deref();
                        crate::check::plans::overdue(&input.docs[doc], status, input.today)
                    }
                },
            },
        )?;
    }
    Ok(())
}

/// Emits into one site of a multi-site render.
struct Emitter<'a> {
    site: usize,
    emit: &'a SiteEmit<'a>,
}

impl Emitter<'_> {
    fn send(&self, path: &str, bytes: FileBytes) -> anyhow::Result<()> {
        (self.emit)(self.site, path, bytes)
    }
}

/// Everything of a site but its document pages: lists, views, 404, site files, assets.
/// The site files (search index, graph export, sitemap) are made beside the pages: each
/// is one long run that cannot be split, and left for last it kept a core idle.
fn render_site_pages(
    input: &Input<'_>,
    site: &SiteCtx,
    facets: &[lists::Facet<'_>],
    out: &Out<'_>,
) -> anyhow::Result<()> {
    let (pages, files) = rayon::join(
        || list_and_view_pages(input, site, facets, out),
        || {
            site_files::write_all(input, facets, out)?;
            let shows = |doc: usize| input.view.shows(doc);
            let linked = (input.assets.iter())
                .filter(|(doc, _, blocks)| {
                    shows(*doc) && crate::model::blocks_allow(blocks, &input.view.config.audiences)
                })
                .map(|(doc, path, _)| (*doc, path.as_str()));
            let writes = crate::project::SiteWrites::new(input.docs, shows, linked);
            let copied = |path: &str| writes.clash(path).is_none();
            for (path, bytes) in input.files.iter().filter(|(path, _)| copied(path)) {
                out.file(path, Bytes::copy_from_slice(bytes))?;
            }
            Ok(())
        },
    );
    pages.and(files)
}

fn list_and_view_pages(
    input: &Input<'_>,
    site: &SiteCtx,
    facets: &[lists::Facet<'_>],
    out: &Out<'_>,
) -> anyhow::Result<()> {
    facets
        .par_iter()
        .flat_map(|f| f.pages.par_iter())
        .flat_map_iter(|list| {
            // Whether the whole list is of one kind, asked once however many pages it has.
            let one_kind = list.items.windows(2).all(|w| w[0].kind == w[1].kind);
            (1..=list.pages()).map(move |page| (list, one_kind, page))
        })
        .map(|(list, one_kind, page)| (list, one_kind, page, list.page_path(page)))
        .filter(|(.., path)| out.wants(path))
        .try_for_each(|(list, one_kind, page, path)| {
            let root = root_for(&path);
            let url = |page| list.page_url(page);
            let pages = list.pages();
            let ctx = ListCtx {
                site,
                root: &root,
                title: list.title.to_string(),
                description: None,
                one_kind,
                items: list.page_items(page),
                total: list.items.len(),
                page,
                pages,
                prev_url: (page > 1).then(|| url(page - 1)),
                next_url: (page < pages).then(|| url(page + 1)),
            };
            out.page(&path, "list.html", &ctx)
        })?;
    if out.wants("lists/index.html") {
        out.page(
            "lists/index.html",
            "lists.html",
            &ListsIndexCtx {
                site,
                root: "../",
                groups: lists::index_groups(facets),
            },
        )?;
    }
    render_views(input, site, facets, out)?;
    let not_found_root = site_files::absolute_root(input);
    out.page(
        "404.html",
        "404.html",
        &NotFoundCtx {
            site,
            root: &not_found_root,
        },
    )
}

/// Where rendered pages go: through the engine (and its memo) to the emitter.
pub struct Out<'a> {
    renderer: &'a Renderer,
    site: &'a str,
    emit: &'a Emitter<'a>,
    /// The only paths to make, when not all of them.
    wanted: Option<&'a std::collections::HashSet<String>>,
    /// Paths not to make: another pass makes them.
    skip: Option<&'a std::collections::HashSet<String>>,
}

impl Out<'_> {
    /// Whether `path` is to be made; callers ask before building a costly context.
    pub fn wants(&self, path: &str) -> bool {
        self.wanted.is_none_or(|wanted| wanted.contains(path))
            && self.skip.is_none_or(|skip| !skip.contains(path))
    }

    /// Whether any path `names` accepts may be wanted, for files whose names are known
    /// only once their context is made (every one of them is asked again by [`Out::page`]).
    pub fn wants_any(&self, names: impl Fn(&str) -> bool) -> bool {
        self.wanted
            .is_none_or(|wanted| wanted.iter().any(|path| names(path) && self.wants(path)))
    }

    pub fn page<T: Serialize>(&self, path: &str, template: &str, ctx: &T) -> anyhow::Result<()> {
        self.emit_made(path, |key| self.renderer.page(key, template, ctx))
    }

    /// A document's page (`page.html`).
    pub fn doc_page(&self, path: &str, ctx: &PageCtx<'_>) -> anyhow::Result<()> {
        self.emit_made(path, |key| self.renderer.doc_page(key, ctx))
    }

    /// Emits what `make` makes for `path` under its memo key (site and path), if `path`
    /// is wanted.
    fn emit_made(
        &self,
        path: &str,
        make: impl FnOnce(&str) -> anyhow::Result<Bytes>,
    ) -> anyhow::Result<()> {
        if !self.wants(path) {
            return Ok(());
        }
        let bytes = make(&format!("{}/{path}", self.site))
            .map_err(|err| rendering(err, self.site, path))?;
        self.emit
            .send(path, bytes.into())
            .with_context(|| format!("writing {path}"))
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
            .map_err(|err| rendering(err, self.site, key))
    }

    pub fn file(&self, path: &str, bytes: impl Into<FileBytes>) -> anyhow::Result<()> {
        if !self.wants(path) {
            return Ok(());
        }
        self.emit
            .send(path, bytes.into())
            .with_context(|| format!("writing {path}"))
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
    let home_view = VIEWS
        .iter()
        .find(|(_, _, h)| *h == Some(home))
        .map(|(_, url, _)| *url);
    let wanted =
        |path: &str| out.wants(path) || (Some(path) == home_view && out.wants("index.html"));
    let none = audience::ChangeLines::new();
    let lines = if wanted("changelog.html") || wanted("feed.xml") {
        input
            .view
            .change_lines
            .get_or_init(|| std::sync::Arc::new(change_lines(input)))
    } else {
        &none
    };
    // The changelog and its feed show the same releases: made once, for whichever asks
    // first.
    let changelog_ctx = std::sync::OnceLock::new();
    let changelog = || changelog_ctx.get_or_init(|| data.changelog(site, "", lines));
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
            Box::new(|| out.render("changelog.html", "changelog.html", changelog())),
        ),
        (
            "feed.xml",
            Box::new(|| {
                out.render("feed.xml", "feed.xml", &feed::feed(input, changelog()))
                    .map(feed::xml_safe)
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
        .filter(|(path, _)| wanted(path))
        .map(|(path, job)| Ok((*path, job()?)))
        .collect::<anyhow::Result<_>>()?;
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

/// The text of each change of the imported changelog the site shows, as its page shows it
/// but from the site's root (see [`audience::ChangeLines`]): a bullet of one paragraph without
/// the paragraph around it, so that it reads as a line of the list it stands in.
fn change_lines(input: &Input<'_>) -> audience::ChangeLines {
    input
        .view
        .docs
        .par_iter()
        .filter(|d| d.kind == "change" && input.docs[d.index].imported)
        .filter_map(|d| {
            let text = audience::body_for(&input.docs[d.index], input.view.config);
            let html = body_alone(input, d.index, "", &text);
            let html = std::str::from_utf8(&html).ok()?.trim_end();
            let line = match html
                .strip_prefix("<p>")
                .and_then(|h| h.strip_suffix("</p>"))
            {
                Some(inner) if !inner.contains("<p") && !inner.contains("</p>") => inner,
                _ => html,
            };
            // Its `Breaking:` is left to the badge, as in its title.
            let unmarked = |text| without_breaking_mark(text).filter(|t| !t.is_empty());
            let line = match (d.breaking, line.strip_prefix("<p>")) {
                (false, _) => line.to_string(),
                (true, Some(first)) => format!("<p>{}", unmarked(first).unwrap_or(first)),
                (true, None) => unmarked(line).unwrap_or(line).to_string(),
            };
            (!line.is_empty()).then_some((d.index, line))
        })
        .collect()
}

/// Where a link to `target` leads from a page at `root` of the input's site, if anywhere.
fn link_fate<'i>(input: &'i Input<'_>, root: &'i str) -> impl Fn(&Target) -> LinkFate + 'i {
    move |target| match input.view.link(input.docs, target) {
        Some(link) => LinkFate::Visible {
            href: format!("{root}{}", link.url()),
            title: link.title().to_string(),
        },
        None => LinkFate::Hidden,
    }
}

/// The anchor the site gives a heading of document `doc`, for links within its page:
/// `None` when the document has no such heading, `Some(None)` when the site hides it.
/// A footnote or an element of raw HTML is hidden as a heading is, where another
/// audience's block holds it: its id would say what the block holds. A fragment that
/// names the document itself (its title's heading, a `## Status` section its header
/// says) leads to the top of the page, an empty anchor.
fn own_anchor<'i>(
    input: &'i Input<'_>,
    doc: usize,
) -> impl Fn(&str) -> Option<Option<String>> + 'i {
    let document = &input.docs[doc];
    move |fragment| {
        if document.has_anchor(fragment) || document.body_ids.iter().any(|id| id == fragment) {
            return Some(
                document
                    .site_anchor(fragment, &input.view.config.audiences)
                    .map(Cow::into_owned),
            );
        }
        document
            .fragment_is_itself(fragment)
            .then(|| Some(String::new()))
    }
}

/// Document `doc`'s body `text` rendered for the input's site from a page at `root`,
/// kept nowhere and shared with nothing.
fn body_alone(input: &Input<'_>, doc: usize, root: &str, text: &str) -> Bytes {
    let fate = link_fate(input, root);
    let own_anchor = own_anchor(input, doc);
    let resolver = LinkResolver {
        targets: &input.graph.links[doc],
        fate: &fate,
        own_anchor: Some(&own_anchor),
        key_results: &input.docs[doc].key_results,
        page_ids: &input.docs[doc].page_ids,
        unpublished: &input.docs[doc].unpublished_files,
        root,
    };
    Bytes::from(markdown::render(
        text,
        &resolver,
        input.view.config.raw_html(),
    ))
}

/// A document's body text for one site, and where its parse is kept when other sites
/// show the same text.
struct Body<'t> {
    text: &'t str,
    parsed: Option<&'t OnceCell<markdown::Parsed<'t>>>,
}

/// A body rendered for one site: its text, how raw HTML was treated and where each of
/// its links led, by destination.
struct Rendered<'t> {
    text: &'t str,
    raw_html: RawHtml,
    fates: Vec<(&'t String, &'t Target, LinkFate)>,
    html: Bytes,
    /// The memo's hash of what made it, in `serve`.
    hash: Option<blake3::Hash>,
}

impl Rendered<'_> {
    /// Whether a body with these inputs renders the same: the targets are where the
    /// fates came from, not what the render depends on.
    fn renders_as(
        &self,
        text: &str,
        raw_html: RawHtml,
        fates: &[(&String, &Target, LinkFate)],
    ) -> bool {
        self.text == text
            && self.raw_html == raw_html
            && self.fates.len() == fates.len()
            && self
                .fates
                .iter()
                .zip(fates)
                .all(|(a, b)| a.0 == b.0 && a.2 == b.2)
    }
}

/// A document's body for this site, with links resolved from a page at `root`. A body
/// depends on its filtered text, the site's raw HTML setting and where each of its links
/// leads: `bodies` holds those already rendered for other sites, and in `serve` the memo
/// holds those of earlier rebuilds under a hash of all three. Each link's fate is found
/// once, for the comparison and the render alike.
fn body_html<'t>(
    renderer: &Renderer,
    input: &Input<'t>,
    doc: usize,
    root: &str,
    body: Body<'t>,
    bodies: Option<&mut Vec<Rendered<'t>>>,
) -> anyhow::Result<(Bytes, Option<blake3::Hash>)> {
    let Body { text, parsed } = body;
    let Some(bodies) = bodies else {
        // Shared with nothing: one site, whose body no other site parsed.
        return Ok((body_alone(input, doc, root, text), None));
    };
    let view = input.view;
    let fate = link_fate(input, root);
    let links = &input.graph.links[doc];
    let own_anchor = own_anchor(input, doc);
    let raw_html = view.config.raw_html();
    let render = |fate: &dyn Fn(&Target) -> LinkFate| {
        let resolver = LinkResolver {
            targets: links,
            fate,
            own_anchor: Some(&own_anchor),
            key_results: &input.docs[doc].key_results,
            page_ids: &input.docs[doc].page_ids,
            unpublished: &input.docs[doc].unpublished_files,
            root,
        };
        Bytes::from(match parsed {
            Some(cell) => cell
                .get_or_init(|| markdown::parse(text))
                .render(&resolver, raw_html),
            None => markdown::render(text, &resolver, raw_html),
        })
    };
    let mut fates: Vec<(&String, &Target, LinkFate)> = links
        .iter()
        .map(|(dest, target)| (dest, target, fate(target)))
        .collect();
    fates.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if let Some(done) = bodies.iter().find(|b| b.renders_as(text, raw_html, &fates)) {
        return Ok((done.html.clone(), done.hash));
    }
    // The render asks by target: the fates found above, by the target's address.
    let mut by_target: Vec<(*const Target, usize)> = fates
        .iter()
        .enumerate()
        .map(|(n, (_, target, _))| (std::ptr::from_ref(*target), n))
        .collect();
    by_target.sort_unstable();
    let known = |target: &Target| {
        let at = by_target.binary_search_by_key(&std::ptr::from_ref(target), |(t, _)| *t);
        match at {
            Ok(at) => fates[by_target[at].1].2.clone(),
            Err(_) => fate(target),
        }
    };
    let (html, hash) = if renderer.has_memo() {
        let mut hasher = blake3::Hasher::new();
        hasher.update(text.as_bytes());
        hasher.update(&[raw_html as u8]);
        // Paths from `/` lead from the page to the site's root.
        hasher.update(root.as_bytes());
        hasher.update(&[0]);
        // Headings leave their key results' row ids alone (`kr-<id>`), and the ids the
        // project's own templates write; links to files no site publishes are their text.
        let document = &input.docs[doc];
        let mut list = |items: &mut dyn Iterator<Item = &str>| {
            for item in items {
                hasher.update(item.as_bytes());
                hasher.update(&[0]);
            }
            hasher.update(&[0]);
        };
        list(&mut document.key_results.iter().map(|kr| kr.id.as_str()));
        list(&mut document.page_ids.iter().map(String::as_str));
        list(&mut document.unpublished_files.iter().map(String::as_str));
        for (dest, _, fate) in &fates {
            hasher.update(dest.as_bytes());
            match fate {
                LinkFate::Visible { href, title } => {
                    hasher.update(href.as_bytes());
                    hasher.update(&[0]);
                    hasher.update(title.as_bytes());
                }
                LinkFate::Hidden => {
                    hasher.update(b"\0hidden");
                }
            }
            hasher.update(&[0]);
        }
        let key = format!("{}/{}#body", view.name, input.docs[doc].path_id);
        let hash = hasher.finalize();
        (
            renderer.memoised(&key, hash, || Ok(render(&known)))?,
            Some(hash),
        )
    } else {
        (render(&known), None)
    };
    bodies.push(Rendered {
        text,
        raw_html,
        fates,
        html: html.clone(),
        hash,
    });
    Ok((html, hash))
}

/// The audience views every site has: their name, their page, and the `home` setting
/// that makes one of them the home page.
pub(crate) const VIEWS: [(&str, &str, Option<Home>); 4] = [
    ("Roadmap", "roadmap.html", Some(Home::Roadmap)),
    ("Release plan", "release-plan.html", Some(Home::ReleasePlan)),
    ("Changelog", "changelog.html", Some(Home::Changelog)),
    ("Decision log", "decisions.html", None),
];

fn site_ctx(input: &Input<'_>) -> SiteCtx {
    let view = input.view;
    let home = view.config.home;
    let home_title = VIEWS
        .iter()
        .find(|(_, _, h)| *h == Some(home))
        .map_or("Home", |(title, _, _)| title)
        .to_string();
    // The home page is its view: the navigation names it once.
    let views = VIEWS
        .into_iter()
        .filter(|(_, _, h)| *h != Some(home))
        .map(|(title, url, _)| NavItem {
            title: title.to_string(),
            url: url.to_string(),
            count: 0,
        })
        .collect();
    let mut nav = Vec::new();
    for kind in Kind::ALL {
        let count = (0..input.docs.len())
            .filter(|&i| view.shows(i) && input.docs[i].kind == kind)
            .count();
        if count > 0 {
            nav.push(NavItem {
                title: kind.plural_label().to_string(),
                url: format!("lists/kind/{}.html", kind.as_str()),
                count,
            });
        }
    }
    SiteCtx::new(SiteInfo {
        name: view.name.to_string(),
        title: view.config.title.clone(),
        description: view.config.description.clone(),
        project: input.config.title.clone(),
        public: view.config.public,
        nav,
        home_title,
        views,
        base_url: input.config.site_url(view.name),
        kr_columns: context::KrColumns::of(view.config),
    })
}

/// A template's error with the page it was rendering: a value that most documents leave
/// out (`doc.extra.epic`) fails on one of them, which the template's line does not name.
fn rendering(err: anyhow::Error, site: &str, path: &str) -> anyhow::Error {
    match err.downcast::<TemplateError>() {
        Ok(TemplateError(text)) => TemplateError(format!(
            "{text}\n  = note: rendering `{path}` of site `{site}`"
        ))
        .into(),
        Err(err) => err,
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_read_as_written_and_huge_ones_stay_finite() {
        let cases = [
            (40.0, "40"),
            (0.125, "0.125"),
            (99.995, "99.995"),
            (1.0049, "1.0049"),
            (0.004, "0.004"),
            (-0.0123, "-0.0123"),
            (0.05, "0.05"),
            (0.0999, "0.0999"),
            (-0.0, "0"),
            (2e-9, "2.0e-9"),
            (-2.5, "-2.5"),
            (1e14, "100000000000000"),
            (1e308, "1e308"),
            (-1e308, "-1e308"),
            (f64::MAX, "1.7976931348623157e308"),
        ];
        for (x, shown) in cases {
            assert_eq!(format_number(x), shown, "{x}");
        }
    }
}
