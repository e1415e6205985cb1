//! The default theme's document page, written straight from the page's context.
//!
//! A project that does not override any of the templates a document page is made with
//! ([`crate::theme::PAGE_TEMPLATES`]) gets its pages from this writer instead of the
//! template engine. It writes the bytes `page.html` renders to, byte for byte: the same
//! text between the same values, escaped as the engine escapes them, under the same
//! conditions. The templates stay what the theme documents and what an override starts
//! from; the writer only saves each page the work of making its context into template
//! values and interpreting the templates: about a seventh of a build of plain pages, a
//! fifth of one of three sites (`bench/README.md`).
//!
//! A page the writer cannot show as the templates would (an unknown shape of value) is
//! left to the engine: [`write`] answers `None`. `tests/default_page.rs` builds projects both
//! ways and compares every file, so a change to one of those templates that is not made
//! here too fails the tests.

use std::fmt::Write as _;

use super::context::{KrColumns, PageCtx, SiteInfo};
use crate::audience::{DocView, KrView, LinkView};

/// The page of `ctx`, or `None` for a page only the template engine can make.
pub fn write(ctx: &PageCtx<'_>, size: usize) -> Option<String> {
    let mut page = Page {
        out: String::with_capacity(size),
        root: ctx.root,
        overdue: &ctx.overdue,
    };
    page.base(ctx.site.info(), ctx.doc, ctx.body.html)?;
    Some(page.out)
}

struct Page<'a> {
    out: String,
    root: &'a str,
    overdue: &'a [&'static str],
}

impl Page<'_> {
    /// Text of the template, as it is.
    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// A value, escaped as the engine escapes it.
    fn esc(&mut self, text: &str) {
        let _ = pulldown_cmark_escape::escape_html(&mut self.out, text);
    }

    fn int(&mut self, n: impl std::fmt::Display) {
        let _ = write!(self.out, "{n}");
    }

    /// `{{ x | num }}`.
    fn num(&mut self, x: f64) {
        let text = super::format_number(x);
        self.esc(&text);
    }

    /// `{{ root }}`, then the template's text after it.
    fn link(&mut self, text: &str) {
        let root = self.root;
        self.esc(root);
        self.raw(text);
    }

    /// `{{ root }}{{ url }}`: a value, escaped as every value is (a key result's address
    /// ends in its id, which may hold `&` or `"`).
    fn url(&mut self, url: &str) {
        let root = self.root;
        self.esc(root);
        self.esc(url);
    }

    /// `base.html`, with `page.html`'s blocks.
    fn base(&mut self, site: &SiteInfo, doc: &DocView, body: &str) -> Option<()> {
        self.raw(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; \
             script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"generator\" content=\"align\">",
        );
        if !site.public {
            self.raw("\n<meta name=\"robots\" content=\"noindex\">");
        }
        self.raw("\n<title>");
        self.esc(&doc.title);
        if site.title != doc.title && site.title != site.project {
            self.raw(" · ");
            self.esc(&site.title);
        }
        self.raw(" · ");
        self.esc(&site.project);
        self.raw("</title>\n<link rel=\"icon\" href=\"");
        self.link("assets/icon.svg\" type=\"image/svg+xml\">\n<link rel=\"stylesheet\" href=\"");
        self.link("assets/style.css\">\n<link rel=\"stylesheet\" href=\"");
        self.link(
            "assets/print.css\" media=\"print\">\n\
             <link rel=\"alternate\" type=\"application/atom+xml\" title=\"",
        );
        self.esc(&site.title);
        self.raw(": releases\" href=\"");
        self.link("feed.xml\">\n\n</head>\n<body data-root=\"");
        self.link("\">\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n");
        self.header(site);
        self.raw("\n<main id=\"main\" class=\"wrap\">\n");
        self.content(doc, body, site.kr_columns)?;
        self.raw("\n</main>\n<footer class=\"site-footer\">\n  <div class=\"wrap\">");
        self.esc(&site.project);
        self.raw(" · ");
        self.esc(&site.title);
        if site.public {
            self.raw(" · public site");
        }
        self.raw(" · <a href=\"");
        self.link("sitemap.xml\">Sitemap</a> · <a href=\"");
        self.link("graph.json\">Graph (JSON)</a></div>\n</footer>\n<script src=\"");
        self.link("assets/search.js\" defer></script>\n</body>\n</html>\n");
        Some(())
    }

    /// `_header.html`.
    fn header(&mut self, site: &SiteInfo) {
        self.raw("<header class=\"site-header\">\n  <div class=\"wrap header-row\">\n    <a class=\"brand\" href=\"");
        self.link("index.html\"><span class=\"brand-project\">");
        self.esc(&site.project);
        self.raw("</span> <span class=\"brand-site\">");
        self.esc(&site.title);
        self.raw(
            "</span></a>\n    <form class=\"search\" role=\"search\">\n      \
             <label for=\"search-input\" class=\"visually-hidden\">Search this site</label>\n      \
             <input id=\"search-input\" name=\"q\" type=\"search\" placeholder=\"Search…\" \
             autocomplete=\"off\" aria-controls=\"search-results\">\n      \
             <ul id=\"search-results\" class=\"search-results\" aria-live=\"polite\" hidden></ul>\n    \
             </form>\n  </div>\n  <nav class=\"wrap site-nav\" aria-label=\"Site\">\n    <ul>\n      \
             <li><a href=\"",
        );
        self.link("index.html\">");
        self.esc(&site.home_title);
        self.raw("</a></li>\n      ");
        for item in &site.views {
            self.raw("<li><a href=\"");
            self.url(&item.url);
            self.raw("\">");
            self.esc(&item.title);
            self.raw("</a></li>\n      ");
        }
        self.raw("      ");
        for item in &site.nav {
            self.raw("<li><a href=\"");
            self.url(&item.url);
            self.raw("\">");
            self.esc(&item.title);
            self.raw(" <span class=\"count\">");
            self.int(item.count);
            self.raw("</span></a></li>\n      ");
        }
        self.raw("<li><a href=\"");
        self.link("lists/index.html\">All lists</a></li>\n    </ul>\n  </nav>\n</header>");
    }

    /// `page.html`'s content block.
    fn content(&mut self, doc: &DocView, body: &str, columns: KrColumns) -> Option<()> {
        self.raw("\n<article class=\"doc kind-");
        self.esc(doc.kind);
        self.raw("\">\n  <header class=\"doc-header\">\n    <p class=\"eyebrow\"><a href=\"");
        self.link("lists/kind/");
        self.esc(doc.kind);
        self.raw(".html\">");
        self.esc(doc.kind_label);
        self.raw("</a>");
        if let Some(id) = truthy(&doc.id) {
            self.raw(" · <span class=\"doc-id\">");
            self.esc(id);
            self.raw("</span>");
        }
        if let Some(number) = doc.number {
            self.raw(" · No. ");
            self.int(number);
        }
        self.raw("</p>\n    <h1 dir=\"auto\">");
        self.esc(&doc.title);
        self.raw("</h1>\n    ");
        let status = truthy(&doc.status);
        let category = truthy(&doc.category_label);
        let health = truthy_str(doc.health);
        let late = !self.overdue.is_empty();
        if status.is_some() || health.is_some() || doc.breaking || category.is_some() || late {
            self.raw("<p class=\"badges\">\n      ");
            if let Some(status) = status {
                self.raw("<span class=\"status status-");
                self.esc(doc.status_slug.as_deref().unwrap_or_default());
                self.raw("\">");
                self.esc(status);
                self.raw("</span>");
            }
            self.raw("\n      ");
            self.health(doc.health, doc.health_label, doc.score, "score ");
            self.raw("\n      ");
            if doc.breaking {
                self.raw("<span class=\"breaking\">breaking change</span>");
            }
            self.raw("\n      ");
            if let Some(category) = category {
                self.raw("<span class=\"category\">");
                self.esc(category);
                self.raw("</span>");
            }
            for late in self.overdue {
                self.raw("<span class=\"overdue\">");
                self.esc(late);
                self.raw("</span>");
            }
            self.raw("\n    </p>");
        }
        self.raw("\n    ");
        if let Some(summary) = truthy(&doc.summary)
            && !doc.summary_in_body
        {
            self.raw("<p class=\"lede\">");
            self.esc(summary);
            self.raw("</p>");
        }
        self.raw("\n  </header>\n  ");
        if doc.has_fields {
            self.fields(doc)?;
        }
        self.raw("\n  ");
        if !doc.why.is_empty() {
            self.raw(
                "\n  <section class=\"why\" aria-labelledby=\"why-heading\">\n    \
                 <h2 id=\"why-heading\">Why</h2>\n    ",
            );
            for chain in &doc.why {
                self.raw("<ol class=\"chain\">");
                for link in chain {
                    self.raw("<li><a href=\"");
                    self.url(link.url());
                    self.raw("\"><span class=\"kind-tag\">");
                    if truthy_str(link.context()).is_some() {
                        self.raw("key result");
                    } else {
                        self.esc(link.kind());
                    }
                    self.raw("</span> ");
                    self.esc(link.title());
                    self.raw("</a></li>");
                }
                self.raw("</ol>\n    ");
            }
            self.raw("\n  </section>\n  ");
        }
        self.raw("\n  ");
        if !doc.key_results.is_empty() {
            self.key_results(&doc.key_results, columns);
        }
        self.raw("\n  ");
        if !doc.target_history.is_empty() {
            self.raw(
                "\n  <section aria-labelledby=\"slips-heading\">\n    \
                 <h2 id=\"slips-heading\">Schedule changes</h2>\n    \
                 <table class=\"slips\"><thead><tr><th scope=\"col\">Decided</th>\
                 <th scope=\"col\">Previous target</th><th scope=\"col\">Reason</th></tr></thead>\n    \
                 <tbody>",
            );
            for slip in &doc.target_history {
                self.raw("<tr><td class=\"date\">");
                self.esc(&slip.date);
                self.raw("</td><td class=\"date\"><del>");
                self.esc(&slip.target);
                self.raw("</del></td><td>");
                self.esc(slip.reason.as_deref().unwrap_or_default());
                self.raw("</td></tr>");
            }
            self.raw("</tbody></table>\n  </section>\n  ");
        }
        self.raw("\n  ");
        if let Some(rationale) = truthy(&doc.rationale) {
            self.raw(
                "<section aria-labelledby=\"rationale-heading\">\
                 <h2 id=\"rationale-heading\">Why it was prioritised</h2><p>",
            );
            self.esc(rationale);
            self.raw("</p></section>");
        }
        self.raw("\n  <div class=\"body\" dir=\"auto\">\n");
        self.raw(body);
        self.raw("\n  </div>\n  ");
        if !doc.relations.is_empty() {
            self.raw(
                "\n  <section class=\"relations\" aria-labelledby=\"relations-heading\">\n    \
                 <h2 id=\"relations-heading\">Relations</h2>\n    <dl>\n    ",
            );
            for group in &doc.relations {
                self.raw("<dt>");
                self.esc(&group.label);
                self.raw("</dt>");
                for link in &group.items {
                    self.raw("<dd><a href=\"");
                    self.url(link.url());
                    self.raw("\">");
                    self.esc(link.title());
                    self.raw("</a> <span class=\"meta\">");
                    match truthy_str(link.context()) {
                        Some(context) => {
                            self.raw("key result of ");
                            self.esc(context);
                        }
                        None => self.esc(link.kind()),
                    }
                    self.raw("</span></dd>");
                }
                self.raw("\n    ");
            }
            self.raw("\n    </dl>\n  </section>\n  ");
        }
        self.raw("\n</article>\n");
        Some(())
    }

    /// A health badge's inside: `{% if health or (score is not none) %}…{% endif %}`, with
    /// `label` before the score (`score ` on a page, nothing in a key result's row).
    fn health(
        &mut self,
        health: Option<&str>,
        health_label: Option<&str>,
        score: Option<f64>,
        label: &str,
    ) -> bool {
        let health = truthy_str(health);
        if health.is_none() && score.is_none() {
            return false;
        }
        self.raw("<span class=\"health");
        if let Some(health) = health {
            self.raw(" health-");
            self.esc(health);
        }
        self.raw("\">");
        if health.is_some() {
            self.esc(health_label.unwrap_or_default());
            if score.is_some() {
                self.raw(" · ");
            }
        }
        if let Some(score) = score {
            self.raw(label);
            self.esc(&super::format_score(score));
        }
        self.raw("</span>");
        true
    }

    /// `_fields.html`.
    fn fields(&mut self, doc: &DocView) -> Option<()> {
        self.raw("<dl class=\"fields\">\n  ");
        if !doc.owners.is_empty() {
            self.raw("<div><dt>Owners</dt><dd>");
            for (i, owner) in doc.owners.iter().enumerate() {
                self.raw("<a href=\"");
                self.link("lists/owner/");
                self.esc(&crate::load::list_key(owner));
                self.raw(".html\">");
                self.esc(owner);
                self.raw("</a>");
                if i + 1 < doc.owners.len() {
                    self.raw(", ");
                }
            }
            self.raw("</dd></div>");
        }
        self.raw("\n  ");
        if let Some(team) = truthy(&doc.team) {
            self.raw("<div><dt>Team</dt><dd><a href=\"");
            self.link("lists/team/");
            self.esc(&crate::load::list_key(team));
            self.raw(".html\">");
            self.esc(team);
            self.raw("</a></dd></div>");
        }
        self.raw("\n  ");
        if let Some(period) = truthy(&doc.period) {
            self.raw("<div><dt>Period</dt><dd><a href=\"");
            self.link("lists/period/");
            self.esc(period);
            self.raw(".html\">");
            self.esc(period);
            self.raw("</a></dd></div>");
        }
        self.raw("\n  ");
        self.field("Level", &doc.level);
        self.field("Type", &doc.objective_type);
        self.field("Horizon", &doc.horizon);
        self.field("Start", &doc.start);
        if let Some(target) = truthy(&doc.target) {
            self.raw("<div><dt>Target</dt><dd>");
            self.esc(target);
            let first = doc.target_history.first().map(|slip| slip.target.as_str());
            match doc.target_moved {
                Some("later") => {
                    self.raw(" <span class=\"slipped\">(slipped ");
                    self.int(doc.slips);
                    self.raw("×, first planned ");
                    self.esc(first?);
                    self.raw(")</span>");
                }
                Some("earlier") => {
                    self.raw(" <span class=\"slipped\">(moved earlier, first planned ");
                    self.esc(first?);
                    self.raw(")</span>");
                }
                Some("same") => self.raw(" <span class=\"meta\">(as first planned)</span>"),
                _ => {}
            }
            self.raw("</dd></div>");
        }
        self.raw("\n  ");
        self.field("Version", &doc.version);
        self.field("Date", &doc.date);
        self.names("Deciders", &doc.deciders);
        self.names("Consulted", &doc.consulted);
        self.names("Informed", &doc.informed);
        if !doc.tags.is_empty() {
            self.raw("<div><dt>Tags</dt><dd>");
            for tag in &doc.tags {
                self.raw("<a class=\"tag\" href=\"");
                self.link("lists/tag/");
                self.esc(&crate::load::list_key(tag));
                self.raw(".html\">");
                self.esc(tag);
                self.raw("</a> ");
            }
            self.raw("</dd></div>");
        }
        self.raw("\n  ");
        self.field("Created", &doc.created);
        self.field("Updated", &doc.updated);
        self.field("Review by", &doc.review_by);
        if let Some(extra) = doc.extra.as_ref().filter(|extra| !extra.is_empty()) {
            for (key, value) in extra {
                self.raw("<div><dt>");
                self.esc(key);
                self.raw("</dt><dd>");
                self.extra_value(value)?;
                self.raw("</dd></div>");
            }
        }
        self.raw("\n</dl>\n");
        Some(())
    }

    /// `{% if doc.x %}<div><dt>Label</dt><dd>{{ doc.x }}</dd></div>{% endif %}` and the
    /// line's end.
    fn field(&mut self, label: &str, value: &Option<String>) {
        if let Some(value) = truthy(value) {
            self.raw("<div><dt>");
            self.raw(label);
            self.raw("</dt><dd>");
            self.esc(value);
            self.raw("</dd></div>");
        }
        self.raw("\n  ");
    }

    /// A list of names, `| join(sep=", ")`.
    fn names(&mut self, label: &str, names: &[String]) {
        if !names.is_empty() {
            self.raw("<div><dt>");
            self.raw(label);
            self.raw("</dt><dd>");
            for (i, name) in names.iter().enumerate() {
                if i > 0 {
                    self.raw(", ");
                }
                self.esc(name);
            }
            self.raw("</dd></div>");
        }
        self.raw("\n  ");
    }

    /// A field of the document's own, printed as the engine prints its value: text and
    /// numbers, and lists and tables in the engine's own notation.
    fn extra_value(&mut self, value: &serde_json::Value) -> Option<()> {
        match value {
            serde_json::Value::String(text) => self.esc(text),
            serde_json::Value::Bool(b) => self.raw(if *b { "true" } else { "false" }),
            serde_json::Value::Null => {}
            _ => {
                let value = tera::Value::try_from_serializable(value).ok()?;
                self.esc(&value.to_string());
            }
        }
        Some(())
    }

    /// A key result's bar and percentage in its table, or "—".
    fn progress_cell(&mut self, kr: &KrView) {
        match kr.progress_pct {
            Some(pct) => {
                self.raw(
                    "<svg class=\"bar\" width=\"100\" height=\"10\" role=\"img\" aria-label=\"",
                );
                self.int(pct);
                self.raw("% of the way\"><title>");
                self.int(pct);
                self.raw(
                    "%</title><rect class=\"bar-bg\" width=\"100\" height=\"10\" rx=\"2\"/>\
                     <rect class=\"bar-fill",
                );
                if let Some(health) = kr.health {
                    self.raw(" health-");
                    self.esc(health);
                }
                self.raw("\" width=\"");
                self.int(pct);
                self.raw("\" height=\"10\" rx=\"2\"/></svg> ");
                self.int(pct);
                self.raw("%");
            }
            None => self.raw("—"),
        }
    }

    /// `_key_results.html`.
    fn key_results(&mut self, krs: &[KrView], columns: KrColumns) {
        self.raw(
            "<section class=\"key-results\" aria-labelledby=\"kr-heading\">\n  \
             <h2 id=\"kr-heading\">Key results</h2>\n  <table class=\"kr-table\">\n    \
             <thead><tr><th scope=\"col\">Key result</th><th scope=\"col\">Baseline</th>\
             <th scope=\"col\">Target</th>",
        );
        if columns.current {
            self.raw("<th scope=\"col\">Current</th>");
        }
        if columns.progress {
            self.raw("<th scope=\"col\">Progress</th>");
        }
        if columns.health {
            self.raw("<th scope=\"col\">Health</th>");
        }
        self.raw("</tr></thead>\n    <tbody>\n    ");
        for kr in krs {
            self.raw("\n      <tr id=\"");
            self.esc(&kr.anchor);
            self.raw("\">\n        <th scope=\"row\">");
            self.esc(&kr.title);
            if !kr.driven_by.is_empty() {
                self.raw("<span class=\"meta driven\"> · driven by ");
                self.links(&kr.driven_by);
                self.raw("</span>");
            }
            self.raw("</th>\n        <td data-label=\"Baseline\">");
            self.num(kr.baseline);
            self.unit(kr);
            self.raw("</td>\n        <td data-label=\"Target\">");
            self.num(kr.target);
            self.unit(kr);
            self.raw("</td>");
            if columns.current {
                self.raw("\n        <td data-label=\"Current\">");
                match kr.current {
                    Some(current) => {
                        self.num(current);
                        self.unit(kr);
                    }
                    None => self.raw("—"),
                }
                if let Some(confidence) = kr.confidence {
                    self.raw("<span class=\"meta confidence\"> · confidence ");
                    self.num(confidence);
                    self.raw("</span>");
                }
                self.raw("</td>");
            }
            if columns.progress {
                self.raw("\n        <td data-label=\"Progress\">");
                self.progress_cell(kr);
                self.raw("</td>");
            }
            if columns.health {
                self.raw("\n        <td data-label=\"Health\">");
                if !self.health(kr.health, kr.health_label, kr.score, "") {
                    self.raw("—");
                }
                self.raw("</td>");
            }
            self.raw("\n      </tr>\n    ");
        }
        self.raw("\n    </tbody>\n  </table>\n  ");
        for kr in krs {
            if !kr.checkins.is_empty() && kr.current.is_some() {
                self.raw("\n  <details class=\"checkins\">\n    <summary>Check-ins: ");
                self.esc(&kr.title);
                self.raw(
                    "</summary>\n    <table>\n      <thead><tr><th scope=\"col\">Date</th>\
                     <th scope=\"col\">Value</th><th scope=\"col\">Note</th></tr></thead>\n      \
                     <tbody>\n      ",
                );
                for checkin in &kr.checkins {
                    self.raw("\n        <tr><td class=\"date\"><time datetime=\"");
                    self.esc(&checkin.date);
                    self.raw("\">");
                    self.esc(&checkin.date);
                    self.raw("</time></td><td>");
                    self.num(checkin.value);
                    self.unit(kr);
                    self.raw("</td><td>");
                    let note = truthy(&checkin.note);
                    if let Some(note) = note {
                        self.esc(note);
                    }
                    if let Some(confidence) = checkin.confidence {
                        self.raw("<span class=\"meta\">");
                        if note.is_some() {
                            self.raw(" · ");
                        }
                        self.raw("confidence ");
                        self.num(confidence);
                        self.raw("</span>");
                    }
                    self.raw("</td></tr>\n      ");
                }
                self.raw("\n      </tbody>\n    </table>\n  </details>\n  ");
            }
        }
        self.raw("\n</section>\n");
    }

    /// `{% if kr.unit %} {{ kr.unit }}{% endif %}`.
    fn unit(&mut self, kr: &KrView) {
        if let Some(unit) = truthy(&kr.unit) {
            self.raw(" ");
            self.esc(unit);
        }
    }

    /// Links separated by commas.
    fn links(&mut self, links: &[LinkView]) {
        for (i, link) in links.iter().enumerate() {
            self.raw("<a href=\"");
            self.url(link.url());
            self.raw("\">");
            self.esc(link.title());
            self.raw("</a>");
            if i + 1 < links.len() {
                self.raw(", ");
            }
        }
    }
}

/// A text the templates test with `{% if %}`: set and not empty.
fn truthy(value: &Option<String>) -> Option<&str> {
    truthy_str(value.as_deref())
}

fn truthy_str(value: Option<&str>) -> Option<&str> {
    value.filter(|text| !text.is_empty())
}
