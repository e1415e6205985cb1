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
    /// Always set once the feed is made (see [`feed`]).
    pub updated: Option<String>,
    pub url: String,
    /// HTML, escaped by the template as Atom's `type="html"` wants.
    pub content: String,
}

pub fn feed(input: &Input<'_>, changelog: &ChangelogCtx<'_>) -> FeedCtx {
    let site = input.view.name;
    let base = input.config.site_url(site);
    let absolute = |url: &str| match &base {
        Some(b) => format!("{b}{url}"),
        None => url.to_string(),
    };
    // Without an address an id is made of names: the project's too, so that two
    // projects' feeds, read in one reader, do not share ids.
    let project = crate::load::slug(&input.config.title);
    let id_for = |url: &str| match &base {
        Some(b) => format!("{b}{url}"),
        None => format!("urn:align:{project}:{site}:{url}"),
    };
    let mut entries: Vec<FeedEntry> = changelog
        .releases
        .iter()
        .map(|r| entry(r, &absolute, &id_for))
        .collect();
    let updated = entries
        .iter()
        .filter_map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| timestamp(&input.today.to_string()));
    // A release without a date takes the date of the next older one that has one (the
    // changelog lists it just before that one), else of the next newer one, else the
    // feed's.
    let mut older: Vec<Option<String>> = vec![None; entries.len()];
    let mut last = None;
    for (i, entry) in entries.iter().enumerate().rev() {
        last = entry.updated.clone().or(last);
        older[i] = last.clone();
    }
    let mut newer = None;
    for (entry, older) in entries.iter_mut().zip(older) {
        if entry.updated.is_none() {
            entry.updated = Some(older.or_else(|| newer.clone()).unwrap_or(updated.clone()));
        }
        newer.clone_from(&entry.updated);
    }
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
        content.push_str("<p>");
        escape_into(&mut content, summary);
        content.push_str("</p>");
    }
    for group in &release.groups {
        content.push_str("<h3>");
        escape_into(&mut content, &group.label);
        content.push_str("</h3><ul>");
        for change in &group.items {
            content.push_str("<li>");
            if change.doc.breaking {
                content.push_str("<strong>Breaking:</strong> ");
            }
            // Its links lead from the site's root, where the feed is too.
            match change.html {
                Some(html) => content.push_str(html),
                None => escape_into(&mut content, &change.doc.title),
            }
            content.push_str("</li>");
        }
        content.push_str("</ul>");
    }
    let mut title = match &doc.version {
        // `Version 1.2.0`, but `Sprint 14` as it is.
        Some(v) if doc.title == *v && v.starts_with(|c: char| c.is_ascii_digit()) => {
            format!("Version {v}")
        }
        _ => doc.title.clone(),
    };
    // As the changelog marks it: a reader of the feed must not install it.
    if doc.status.as_deref() == Some("yanked") {
        title.push_str(" [YANKED]");
    }
    FeedEntry {
        id: id_for(&doc.url),
        title,
        updated: doc
            .date
            .as_deref()
            .and_then(crate::load::parse_iso_date)
            .map(|d| format!("{d}T00:00:00Z")),
        url: absolute(&doc.url),
        content,
    }
}

/// An RFC 3339 timestamp for an ISO day.
fn timestamp(day: &str) -> String {
    format!("{day}T00:00:00Z")
}

/// Appends `text` with `&<>"'` escaped.
fn escape_into(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(out, text);
}

/// The feed's bytes with each character XML 1.0 does not allow (a control character but a
/// tab or line end, U+FFFE, U+FFFF) as U+FFFD: one such character in a title, written by
/// hand or copied from a terminal, made the whole feed unreadable to feed readers.
pub fn xml_safe(bytes: bytes::Bytes) -> bytes::Bytes {
    let banned = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    let clean = |b: &u8| *b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r');
    if bytes.iter().all(clean) && memchr::memmem::find(&bytes, b"\xEF\xBF").is_none() {
        return bytes;
    }
    let text = String::from_utf8_lossy(&bytes);
    let safe: String = text
        .chars()
        .map(|c| if banned(c) { '\u{FFFD}' } else { c })
        .collect();
    bytes::Bytes::from(safe)
}

#[cfg(test)]
mod tests {
    #[test]
    fn characters_xml_forbids_become_replacement_characters() {
        let feed = super::xml_safe(bytes::Bytes::from(
            "<t>a\u{1b}[31mb\u{1}c\u{FFFF}d\te\u{FFFD}</t>\n",
        ));
        assert_eq!(
            &feed[..],
            "<t>a\u{FFFD}[31mb\u{FFFD}c\u{FFFD}d\te\u{FFFD}</t>\n".as_bytes()
        );
        let clean = bytes::Bytes::from_static("<t>é ✓</t>".as_bytes());
        assert_eq!(super::xml_safe(clean.clone()).as_ptr(), clean.as_ptr());
    }

    #[test]
    fn escapes_markup_and_quotes_and_keeps_the_rest() {
        let mut out = String::from("<p>");
        super::escape_into(&mut out, "Fix <b> & \"quotes\" it's — naïve");
        assert_eq!(
            out,
            "<p>Fix &lt;b&gt; &amp; &quot;quotes&quot; it&#39;s — naïve"
        );
    }
}
