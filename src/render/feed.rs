//! The Atom feed (RFC 4287) of released versions, for the changelog.

use serde::Serialize;

use super::Input;
use super::views::{ChangelogCtx, ChangelogRelease};

#[derive(Serialize)]
pub struct FeedCtx {
    pub title: String,
    pub id: String,
    pub updated: String,
    pub self_url: Option<String>,
    pub site_url: String,
    pub author: String,
    pub entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
pub struct FeedEntry {
    pub id: String,
    pub title: String,
    pub updated: String,
    pub url: String,
    /// HTML, escaped by the template as Atom's `type="html"` wants.
    pub content: String,
}

pub fn feed(input: &Input<'_>, changelog: &ChangelogCtx<'_>) -> FeedCtx {
    let site = input.view.name;
    let base = input.config.base_url().map(|b| format!("{b}/{site}/"));
    let absolute = |url: &str| match &base {
        Some(b) => format!("{b}{url}"),
        None => url.to_string(),
    };
    let id_for = |url: &str| match &base {
        Some(b) => format!("{b}{url}"),
        None => format!("urn:align:{site}:{url}"),
    };
    let entries: Vec<FeedEntry> = changelog
        .releases
        .iter()
        .map(|r| entry(r, &absolute, &id_for))
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| timestamp(&input.today.to_string()));
    FeedCtx {
        title: format!("{} — {}", input.config.title, input.view.config.title),
        id: id_for("feed.xml"),
        updated,
        self_url: base.as_ref().map(|b| format!("{b}feed.xml")),
        site_url: absolute("changelog.html"),
        author: input.config.title.clone(),
        entries,
    }
}

fn entry(
    release: &ChangelogRelease<'_>,
    absolute: &dyn Fn(&str) -> String,
    id_for: &dyn Fn(&str) -> String,
) -> FeedEntry {
    let doc = release.doc;
    let mut content = String::new();
    if let Some(summary) = &doc.summary {
        content.push_str(&format!("<p>{}</p>", escape(summary)));
    }
    for group in &release.groups {
        content.push_str(&format!("<h3>{}</h3><ul>", escape(&group.label)));
        for change in &group.items {
            let breaking = if change.breaking {
                "<strong>Breaking:</strong> "
            } else {
                ""
            };
            content.push_str(&format!("<li>{breaking}{}</li>", escape(&change.title)));
        }
        content.push_str("</ul>");
    }
    let title = match &doc.version {
        Some(v) if doc.title == *v => format!("Version {v}"),
        _ => doc.title.clone(),
    };
    FeedEntry {
        id: id_for(&doc.url),
        title,
        updated: timestamp(doc.date.as_deref().unwrap_or("1970-01-01")),
        url: absolute(&doc.url),
        content,
    }
}

/// An RFC 3339 timestamp for a day; dates that are not ISO fall back to the epoch.
fn timestamp(day: &str) -> String {
    match crate::load::parse_iso_date(day) {
        Some(d) => format!("{d}T00:00:00Z"),
        None => "1970-01-01T00:00:00Z".to_string(),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
