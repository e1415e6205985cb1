//! Markdown to HTML for one site: links to documents are rewritten (or turned into plain
//! text when the site may not show their target), headings get anchors, raw HTML is
//! handled per the site's `raw_html` setting, and HTML comments never reach the output.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};

use crate::config::RawHtml;
use crate::graph::Target;
use crate::load::{has_scheme, markdown_options};
use crate::render::html_load::HtmlLoad;

/// Where a body link leads on this site.
#[derive(Clone, PartialEq)]
pub enum LinkFate {
    /// Shown: its URL relative to the page, and the target's title for unlabelled wiki links.
    Visible { href: String, title: String },
    /// The site may not show the target.
    Hidden,
}

/// Everything the renderer needs to know about one body's links.
pub struct LinkResolver<'a> {
    pub targets: &'a HashMap<String, Target>,
    pub fate: &'a dyn Fn(&Target) -> LinkFate,
    /// For a link within the page (`#risks`) to a heading of the document: the anchor the
    /// site's page gives it, `Some(None)` when the site does not show that heading;
    /// `None` when the fragment names no heading.
    pub own_anchor: Option<&'a OwnAnchor<'a>>,
    /// The key results of the document whose body this is: their rows' `kr-<id>` are no
    /// heading's anchor.
    pub key_results: &'a [crate::model::KeyResult],
    /// The ids the project's own templates write on the page, no heading's anchor either.
    pub page_ids: &'a [String],
    /// Local files the body links to that no site publishes, as written: a link to one is
    /// its text, an image of one its description.
    pub unpublished: &'a [String],
    /// The way from the page to its site's root (`../`), where a path from `/` leads.
    pub root: &'a str,
}

impl<'a> LinkResolver<'a> {
    /// For a page at the site's root that shows none of the documents in `targets`.
    fn hiding(targets: &'a HashMap<String, Target>) -> Self {
        fn hidden(_: &Target) -> LinkFate {
            LinkFate::Hidden
        }
        LinkResolver {
            targets,
            fate: &hidden,
            own_anchor: None,
            key_results: &[],
            page_ids: &[],
            unpublished: &[],
            root: "",
        }
    }

    /// Whether a link or image leads to a local file no site publishes.
    fn unpublished(&self, dest: &str) -> bool {
        self.unpublished.iter().any(|file| file == dest)
    }
}

/// See [`LinkResolver::own_anchor`].
pub type OwnAnchor<'a> = dyn Fn(&str) -> Option<Option<String>> + 'a;

pub const RESTRICTED: &str = "[restricted]";

/// Renders a (site-filtered) body to HTML.
pub fn render(body: &str, links: &LinkResolver<'_>, raw_html: RawHtml) -> String {
    html(
        Parser::new_ext(body, markdown_options()),
        body.len(),
        links,
        raw_html,
    )
}

/// A body parsed once, for the sites that show the same text with their own links.
pub struct Parsed<'a> {
    events: Vec<Event<'a>>,
    len: usize,
}

/// How many events to make room for at once, for a body of `len` bytes: bodies make about
/// one event for every 24 bytes and seldom more than one for every 16, so a vector this
/// large is not copied again and again as it grows.
fn events_for(len: usize) -> usize {
    len / 12 + 16
}

pub fn parse(body: &str) -> Parsed<'_> {
    let mut events = Vec::with_capacity(events_for(body.len()));
    events.extend(Parser::new_ext(body, markdown_options()));
    Parsed {
        events,
        len: body.len(),
    }
}

impl Parsed<'_> {
    /// The same HTML as [`render`] gives for the text this was parsed from.
    pub fn render(&self, links: &LinkResolver<'_>, raw_html: RawHtml) -> String {
        html(self.events.iter().cloned(), self.len, links, raw_html)
    }
}

fn html<'e>(
    events: impl Iterator<Item = Event<'e>>,
    len: usize,
    links: &LinkResolver<'_>,
    raw_html: RawHtml,
) -> String {
    let mut has_raw = false;
    let mut headings = Vec::new();
    let mut events = rewrite(events, events_for(len), links, &mut has_raw, &mut headings);
    // `escape` shows raw HTML as text, made so here, where the addresses are known; so is
    // raw HTML beyond what the sanitiser parses in linear time.
    let as_text = has_raw
        && (raw_html == RawHtml::Escape
            || raw_html == RawHtml::Sanitize && !HtmlLoad::of(&events).sanitisable());
    if has_raw {
        for event in &mut events {
            if let Event::Html(text) = event
                && let Some(resolved) = resolve_text_links(text, links, !as_text)
            {
                *event = Event::Html(resolved.into());
            }
        }
    }
    if as_text {
        escape_raw(&mut events, &raw_link_fates(links));
        has_raw = false;
    }
    if has_raw && raw_html == RawHtml::Sanitize {
        for event in &mut events {
            let filtered = match event {
                Event::Html(text) => filter_tags(text).map(|f| Event::Html(f.into())),
                Event::InlineHtml(text) => filter_tags(text).map(|f| Event::InlineHtml(f.into())),
                _ => None,
            };
            if let Some(filtered) = filtered {
                *event = filtered;
            }
        }
    }
    let events = add_heading_ids(events, &headings, links.key_results, links.page_ids);
    let mut html = String::with_capacity(len * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw && raw_html == RawHtml::Sanitize {
        html = sanitize(&html, raw_link_fates(links));
    }
    html
}

/// The tags GitHub's tag filter shows as text: HTML reads what follows them as their
/// content, not as markup, so the sanitiser, which removes them, would take with them
/// everything after one named in prose (`we fixed the <script> injection`), an unclosed one
/// to the end of the body.
const FILTERED_TAGS: [&str; 9] = [
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
];

/// `text` with the `<` of each opening or closing tag of [`FILTERED_TAGS`] written as
/// `&lt;`; `None` when it has none.
fn filter_tags(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    for (at, _) in text.match_indices('<') {
        let rest = &text[at + 1..];
        let name = rest.strip_prefix('/').unwrap_or(rest);
        let filtered = FILTERED_TAGS.iter().any(|tag| {
            name.get(..tag.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(tag))
                && name[tag.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/')
        });
        if filtered {
            out.push_str(&text[last..at]);
            out.push_str("&lt;");
            last = at + 1;
        }
    }
    (last > 0).then(|| out + &text[last..])
}

/// Where each link to a document that raw HTML may hold leads on this site: its URL, or
/// `None` when the site may not show it.
fn raw_link_fates(links: &LinkResolver<'_>) -> HashMap<String, Option<String>> {
    links
        .targets
        .iter()
        .filter(|(dest, _)| crate::load::is_document_link(dest))
        .map(|(dest, target)| {
            let href = match (links.fate)(target) {
                LinkFate::Visible { href, .. } => Some(href),
                LinkFate::Hidden => None,
            };
            (dest.clone(), href)
        })
        .collect()
}

/// A link written as Markdown in the text of raw HTML, which CommonMark leaves as text
/// (`<details>` and `See [[O-1]] or [the plan](plan.md)` on the lines after it): a wiki
/// link or embed, or a Markdown link to a document.
#[derive(Debug, PartialEq)]
pub struct TextLink<'h> {
    /// Where it is written: the byte range in the raw HTML.
    pub span: std::ops::Range<usize>,
    /// The reference as the loader records it: the wiki link's target, the link's path.
    pub dest: &'h str,
    /// The author's label (a wiki link's after its `|`, a Markdown link's text).
    pub label: Option<&'h str>,
}

/// The links of [`TextLink`] in raw HTML, outside its tags and comments, in order.
pub fn raw_text_links(html: &str) -> Vec<TextLink<'_>> {
    let mut found = Vec::new();
    if !html.contains("[[") && !html.contains("](") {
        return found;
    }
    let bytes = html.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'<' if html[at..].starts_with("<!--") => {
                at = html[at + 4..]
                    .find("-->")
                    .map_or(bytes.len(), |e| at + 4 + e + 3);
            }
            b'<' if bytes
                .get(at + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?')) =>
            {
                at = memchr::memchr(b'>', &bytes[at..]).map_or(bytes.len(), |e| at + e + 1);
            }
            b'[' => match text_link_at(html, at) {
                Some(link) => {
                    at = link.span.end;
                    found.push(link);
                }
                None => at += 1,
            },
            _ => at += 1,
        }
    }
    found
}

/// The link of [`raw_text_links`] that starts at `at` (a `[`), if one does; on one line.
fn text_link_at(html: &str, at: usize) -> Option<TextLink<'_>> {
    let rest = &html[at..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    if let Some(inner) = line.strip_prefix("[[") {
        let inner = &inner[..inner.find("]]")?];
        if inner.is_empty() || inner.contains(['[', ']']) {
            return None;
        }
        let (dest, label) = match inner.split_once('|') {
            Some((dest, label)) => (dest, Some(label)),
            None => (inner, None),
        };
        let embed = at > 0 && html.as_bytes()[at - 1] == b'!';
        let start = if embed { at - 1 } else { at };
        return (!dest.trim().is_empty()).then(|| TextLink {
            span: start..at + inner.len() + 4,
            dest,
            label,
        });
    }
    let close = line.find("](")?;
    let label = &line[1..close];
    if label.contains(['[', ']']) {
        return None;
    }
    let dest_start = close + 2;
    let dest_len = line[dest_start..].find(')')?;
    let dest = &line[dest_start..dest_start + dest_len];
    crate::load::is_document_link(dest).then(|| TextLink {
        span: at..at + dest_start + dest_len + 1,
        dest,
        label: Some(label),
    })
}

/// Each link of [`raw_text_links`] in raw HTML made what the site shows for it: a link
/// to the page it leads to (text only, when the raw HTML is shown as text), its label
/// or the target's title, or `[restricted]`, as for the same link written in Markdown.
fn resolve_text_links(html: &str, links: &LinkResolver<'_>, markup: bool) -> Option<String> {
    let found = raw_text_links(html);
    if found.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for link in found {
        out.push_str(&html[copied..link.span.start]);
        copied = link.span.end;
        let label = link.label.filter(|l| !l.trim().is_empty());
        let fate = links.targets.get(link.dest).map(|t| (links.fate)(t));
        match fate {
            Some(LinkFate::Visible { href, title }) => {
                let shown = match label {
                    Some(label) => label.to_string(),
                    None if markup => escape_text(&title),
                    None => title,
                };
                if markup {
                    out.push_str("<a href=\"");
                    out.push_str(&escape_text(&href));
                    out.push_str("\">");
                    out.push_str(&shown);
                    out.push_str("</a>");
                } else {
                    out.push_str(&shown);
                }
            }
            // A label says what the author wrote of it; a wiki link's target alone may
            // be a hidden document's id.
            _ => out.push_str(label.unwrap_or(RESTRICTED)),
        }
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// Text escaped for HTML, quotes included (it may stand in an attribute).
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The values of the `href` and `src` attributes in raw HTML, with their byte offsets,
/// outside comments, read as a browser reads them: `href="plan&#46;md"` is `plan.md`.
pub fn raw_links(html: &str) -> Vec<(usize, std::borrow::Cow<'_, str>)> {
    attributes(html, &[b"href", b"src"])
        .into_iter()
        .map(|a| {
            let value = match decode_entities(a.value) {
                std::borrow::Cow::Owned(decoded) => url_text(&decoded).into_owned().into(),
                std::borrow::Cow::Borrowed(value) => url_text(value),
            };
            (a.at, value)
        })
        .collect()
}

/// `html` without each `href` and `src` attribute (and the space before it) whose
/// address, read as a browser reads it, `drop` picks; and those addresses. `None` when
/// there is none.
pub fn without_addresses(html: &str, drop: impl Fn(&str) -> bool) -> Option<(String, Vec<String>)> {
    let mut kept = html.to_string();
    let mut dropped = Vec::new();
    for attribute in attributes(html, &[b"href", b"src"]).into_iter().rev() {
        let value = match decode_entities(attribute.value) {
            std::borrow::Cow::Owned(decoded) => url_text(&decoded).into_owned(),
            std::borrow::Cow::Borrowed(value) => url_text(value).into_owned(),
        };
        if drop(&value) {
            // The name follows a space (see `attributes`), which goes with it.
            kept.replace_range(attribute.span.start - 1..attribute.span.end, "");
            dropped.push(value);
        }
    }
    dropped.reverse();
    (!dropped.is_empty()).then_some((kept, dropped))
}

/// The tags whose `id` the sanitiser keeps (besides the anchors the renderer gives
/// headings): a link within the page can lead to those written in raw HTML.
pub const ID_TAGS: [&str; 9] = ["h1", "h2", "h3", "h4", "h5", "h6", "div", "sup", "li"];

/// The `id`s written in raw HTML on the tags of [`ID_TAGS`], outside comments.
pub fn raw_ids(html: &str) -> Vec<&str> {
    attributes(html, &[b"id"])
        .into_iter()
        .filter(|a| ID_TAGS.iter().any(|t| t.eq_ignore_ascii_case(a.tag)))
        .map(|a| a.value)
        .collect()
}

/// An attribute found in raw HTML: its value, where the value starts, and the name of the
/// tag it stands in.
struct Attribute<'h> {
    at: usize,
    value: &'h str,
    tag: &'h str,
    /// The whole attribute, name to the end of its value (its closing quote too).
    span: std::ops::Range<usize>,
}

/// The attributes of raw HTML with one of these names, outside comments.
fn attributes<'h>(html: &'h str, names: &[&[u8]]) -> Vec<Attribute<'h>> {
    let bytes = html.as_bytes();
    let at_word = |at: usize, word: &[u8]| {
        bytes
            .get(at..at + word.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(word))
    };
    let skip_space = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut found = Vec::new();
    let mut at = 0;
    // Where the name of the last tag opened starts.
    let mut tag = 0;
    while at < bytes.len() {
        if at_word(at, b"<!--") {
            at = memchr::memmem::find(&bytes[at + 4..], b"-->")
                .map_or(bytes.len(), |end| at + 7 + end);
            continue;
        }
        if bytes[at] == b'<' {
            tag = at + 1;
        }
        let name = (names.iter())
            .find(|name| at_word(at, name))
            .filter(|_| at > 0 && bytes[at - 1].is_ascii_whitespace());
        let Some(name) = name else {
            at += 1;
            continue;
        };
        let i = skip_space(at + name.len());
        if bytes.get(i) != Some(&b'=') {
            at = i.max(at + 1);
            continue;
        }
        let (from, to) = value_at(bytes, skip_space(i + 1));
        // Browsers drop spaces and control characters around an address, so they are no
        // part of it: `href=" hidden.md "` leads to `hidden.md`.
        let value = &html[from..to];
        let lead = value.len() - value.trim_start_matches(is_url_space).len();
        let tag_end = (bytes[tag..at].iter())
            .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
            .map_or(at, |e| tag + e);
        // Both ends of each are next to ASCII bytes, so on character boundaries.
        let quoted = bytes.get(to).is_some_and(|&b| b == b'"' || b == b'\'')
            && from > 0
            && bytes[from - 1] == bytes[to];
        found.push(Attribute {
            at: from + lead,
            value: value.trim_matches(is_url_space),
            tag: &html[tag..tag_end],
            span: at..to + usize::from(quoted),
        });
        at = to.max(at + 1);
    }
    found
}

/// Where an attribute's value starting at `i` (after its `=`) lies: inside its quotes, or
/// up to the next space or `>`.
fn value_at(bytes: &[u8], i: usize) -> (usize, usize) {
    match bytes.get(i) {
        Some(&quote @ (b'"' | b'\'')) => {
            let end = memchr::memchr(quote, &bytes[i + 1..]).map_or(bytes.len(), |e| i + 1 + e);
            (i + 1, end)
        }
        _ => {
            let end = bytes[i..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>')
                .map_or(bytes.len(), |e| i + e);
            (i, end)
        }
    }
}

/// Raw HTML shown as text, with the value of every attribute that names a document
/// (`href="plan.md"`, `cite='x&#46;md'`, entities read as a browser reads them) made the
/// address the site gives it, or `[restricted]` where the site may not show it: shown as
/// text, a hidden document's path would still be read.
fn escaped_with_addresses(html: &str, fates: &HashMap<String, Option<String>>) -> String {
    if !html.contains('=') {
        return html.to_string();
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    // Each `=` is looked at once, and none inside a value already read: linear however
    // many a value holds (`title="===…"`).
    let (mut copied, mut scanned) = (0, 0);
    for (at, _) in html.match_indices('=') {
        if at < scanned {
            continue;
        }
        let mut i = at + 1;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let (from, to) = value_at(bytes, i);
        scanned = to;
        let decoded = decode_entities(&html[from..to]);
        let value = url_text(&decoded);
        let shown = if crate::load::is_document_link(&value) {
            fates.get(value.as_ref()).cloned().flatten()
        } else {
            match paths_masked(&decoded, fates) {
                Some(masked) => Some(masked),
                None => continue,
            }
        };
        out.push_str(&html[copied..from]);
        out.push_str(shown.as_deref().unwrap_or(RESTRICTED));
        copied = to;
    }
    out.push_str(&html[copied..]);
    out
}

/// An attribute value that holds paths of documents among other words (`srcset="x.md
/// 2x"`, `style="background: url(x.md)"`) with each such path made the address the site
/// gives it, or `[restricted]`; `None` when it holds none. A path is any word ending in
/// `.md` in any case, percent-encoded or not, before a `#` or `?`, but for an address on
/// another host (`https://…`, `//…`).
fn paths_masked(value: &str, fates: &HashMap<String, Option<String>>) -> Option<String> {
    // A path ends in `.md`, or in `%2Emd`.
    if !value.contains(['.', '%']) {
        return None;
    }
    let is_separator = |c: char| c.is_whitespace() || "\"'(),;".contains(c);
    let is_path = |word: &str| {
        let word = crate::graph::percent_decode(word);
        let path = word.split(['#', '?']).next().unwrap_or_default();
        let elsewhere = path.contains("://") || path.starts_with("//");
        !elsewhere && path.len() > 3 && path.to_lowercase().ends_with(".md")
    };
    if !value.split(is_separator).any(is_path) {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while !rest.is_empty() {
        let end = rest.find(is_separator).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        match fates.get(word) {
            Some(Some(href)) => out.push_str(href),
            _ if is_path(word) => out.push_str(RESTRICTED),
            _ => out.push_str(word),
        }
        let gap = after.len() - after.trim_start_matches(is_separator).len();
        out.push_str(&after[..gap]);
        rest = &after[gap..];
    }
    Some(out)
}

/// Character references as a browser reads them in an attribute: `&#46;`, `&#x2e;`,
/// `&period;` and the five of XML, and a numeric one without its `;` (`&#46md`, which a
/// browser reads as `.md`). Others are left as written.
fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // A reference is short: its `;` is looked for among the next few bytes only.
        let end = rest.bytes().take(13).position(|b| b == b';');
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let code = match name.strip_prefix('#') {
                Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok(),
                Some(dec) => dec.parse().ok(),
                None => match name {
                    "amp" => Some(u32::from('&')),
                    "lt" => Some(u32::from('<')),
                    "gt" => Some(u32::from('>')),
                    "quot" => Some(u32::from('"')),
                    "apos" => Some(u32::from('\'')),
                    "period" => Some(u32::from('.')),
                    "sol" => Some(u32::from('/')),
                    "num" => Some(u32::from('#')),
                    _ => None,
                },
            };
            code.and_then(char::from_u32).map(|c| (c, end + 1))
        });
        let decoded = decoded.or_else(|| unterminated_reference(rest));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A numeric character reference without its `;` at the start of `text` (`&#46md`,
/// `&#x2Emd`): its character and its length.
fn unterminated_reference(text: &str) -> Option<(char, usize)> {
    let number = text.strip_prefix("&#")?;
    let (hex, digits) = match number.strip_prefix(['x', 'X']) {
        Some(hex) => (true, hex),
        None => (false, number),
    };
    let len = digits
        .bytes()
        .take_while(|b| match hex {
            true => b.is_ascii_hexdigit(),
            false => b.is_ascii_digit(),
        })
        .count();
    // Past seven digits no character is named (U+10FFFF is 1114111).
    if len == 0 || len > 7 {
        return None;
    }
    let code = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok()?;
    let prefix = text.len() - digits.len();
    Some((char::from_u32(code)?, prefix + len))
}

/// What a browser strips around an address: spaces and C0 control characters.
fn is_url_space(c: char) -> bool {
    c <= ' '
}

/// An attribute's value as the address a browser reads in it: without the spaces and
/// control characters around it, and without the tabs and line breaks within it, which
/// the URL parser drops (`secret.m&#10;d` leads to `secret.md`).
fn url_text(value: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = value.trim_matches(is_url_space);
    match trimmed.contains(['\t', '\n', '\r']) {
        true => trimmed.replace(['\t', '\n', '\r'], "").into(),
        false => trimmed.into(),
    }
}

/// The line (0-based, in the body) of a body's first raw HTML.
pub fn first_raw_html_line(body: &str) -> usize {
    let start = Parser::new_ext(body, markdown_options())
        .into_offset_iter()
        .find(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)))
        .map_or(0, |(_, range)| range.start);
    crate::load::LineIndex::new(body).locate(start).0
}

/// What `raw_html = "escape"` makes of raw HTML: text, which names no hidden document
/// (see [`escaped_with_addresses`]).
fn escape_raw(events: &mut [Event<'_>], fates: &HashMap<String, Option<String>>) {
    for event in events {
        if let Event::Html(text) | Event::InlineHtml(text) = event {
            *event = Event::Text(escaped_with_addresses(text, fates).into());
        }
    }
}

/// Whether sanitising `body`'s raw HTML would take more than linear time, so the sites
/// that sanitise show it as text: measured once, as the body is read.
pub fn past_html_bound(body: &str) -> bool {
    crate::render::html_load::may_hold_tags(body) && !html_load(body).sanitisable()
}

/// How much sanitising a body as written would cost (for `align check`: no audience block
/// left out; wiki links, which no site shows unresolved, counted as text).
pub fn html_load(body: &str) -> HtmlLoad {
    let targets = HashMap::new();
    let links = LinkResolver::hiding(&targets);
    let mut has_raw = false;
    let events = rewrite(
        Parser::new_ext(body, markdown_options()),
        events_for(body.len()),
        &links,
        &mut has_raw,
        &mut Vec::new(),
    );
    HtmlLoad::of(&events)
}

/// The events of a page's body: links lead where the site says, raw HTML is kept for
/// [`html`] to decide on. `headings` gets the words of each heading that its anchor is
/// made from: its text as written, but for wiki links without a label (and embeds),
/// which show their target's title, as each site gives it or hides it; so a heading has
/// the same anchor on every site, the one `load::scan` finds for the checks.
fn rewrite<'e>(
    events: impl Iterator<Item = Event<'e>>,
    capacity: usize,
    links: &LinkResolver<'_>,
    has_raw: &mut bool,
    headings: &mut Vec<String>,
) -> Vec<Event<'e>> {
    let mut out = Vec::with_capacity(capacity);
    let mut stack: Vec<OpenLink> = Vec::new();
    let mut heading: Option<String> = None;
    let mut html_block = String::new();
    let mut in_html_block = false;
    // For each open image once one of a file no site publishes is open: whether its tags
    // are kept (an image within its description is no longer one).
    let mut images: Vec<bool> = Vec::new();
    // Whether an embed (`![[X]]`) is open: shown as the wiki link it names, whose end
    // is the image's.
    let mut embed = false;
    for event in events {
        match &event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = heading.as_mut()
                    && !stack.iter().any(|open| open.unlabelled)
                {
                    heading.push_str(text);
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Image {
                link_type: link_type @ LinkType::WikiLink { has_pothole },
                dest_url,
                title,
                id,
            }) => {
                let dest_url = wiki_target(dest_url, has_pothole);
                let (start, keep, fill) = link_start(links, link_type, dest_url, title, id, true);
                out.extend(start);
                stack.push(OpenLink {
                    keep,
                    replaced: !has_pothole && fill.is_some(),
                    text_start: out.len(),
                    fill,
                    unlabelled: !has_pothole,
                });
                embed = true;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let unlabelled = matches!(link_type, LinkType::WikiLink { has_pothole: false });
                let dest_url = match link_type {
                    LinkType::WikiLink { has_pothole } => wiki_target(dest_url, has_pothole),
                    _ => dest_url,
                };
                let (start, keep, fill) = link_start(links, link_type, dest_url, title, id, wiki);
                out.extend(start);
                stack.push(OpenLink {
                    keep,
                    replaced: unlabelled && fill.is_some(),
                    text_start: out.len(),
                    fill,
                    unlabelled,
                });
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image)
                if matches!(event, Event::End(TagEnd::Link)) || std::mem::take(&mut embed) =>
            {
                if let Some(OpenLink {
                    keep,
                    text_start,
                    fill,
                    ..
                }) = stack.pop()
                {
                    // `[](hidden.md)` and `[[X]]` have no text of their own to show.
                    let empty = out[text_start..]
                        .iter()
                        .all(|e| matches!(e, Event::Text(t) if t.trim().is_empty()));
                    if empty && let Some(fill) = fill {
                        out.push(Event::Text(fill.into()));
                    }
                    if keep {
                        out.push(Event::End(TagEnd::Link));
                    }
                }
            }
            _ if stack.last().is_some_and(|open| open.replaced) => {}
            // An image of a file no site publishes, of a document (a page is no image,
            // and the path would name a document the site may hide) or of an address that
            // runs code (`javascript:`): its description, as text.
            Event::Start(Tag::Image { dest_url, .. })
                if links.unpublished(&dest_url)
                    || crate::load::is_document_link(&dest_url)
                    || !safe_url(&dest_url) =>
            {
                images.push(false);
            }
            Event::Start(Tag::Image { .. }) if !images.is_empty() => {
                images.push(true);
                out.push(event);
            }
            Event::End(TagEnd::Image) if !images.is_empty() => {
                if images.pop() == Some(true) {
                    out.push(event);
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Image {
                link_type,
                dest_url: from_site_root(&dest_url, links.root).map_or(dest_url, CowStr::from),
                title,
                id,
            })),
            Event::Start(Tag::HtmlBlock) => in_html_block = true,
            Event::End(TagEnd::HtmlBlock) => {
                in_html_block = false;
                let block = std::mem::take(&mut html_block);
                out.extend(raw(&block, has_raw, true));
            }
            Event::Html(text) if in_html_block => html_block.push_str(&text),
            Event::Html(text) | Event::InlineHtml(text) => out.extend(raw(&text, has_raw, false)),
            other => out.push(other),
        }
    }
    out
}

/// A link (or an embed) open while [`rewrite`] reads its text.
struct OpenLink {
    /// Whether its end tag is kept (the site shows where it leads).
    keep: bool,
    /// Whether its own text is left out: a wiki link without a label shows its target's
    /// title instead of the reference.
    replaced: bool,
    /// Where its text starts in the events written.
    text_start: usize,
    /// What stands for its text when it has none (the target's title, `[restricted]`).
    fill: Option<String>,
    /// Whether it is a wiki link or embed without a label.
    unlabelled: bool,
}

/// [`crate::load::wiki_target`], keeping the text borrowed where it is unchanged.
fn wiki_target(dest: CowStr<'_>, labelled: bool) -> CowStr<'_> {
    let target = crate::load::wiki_target(&dest, labelled);
    match target.len() == dest.len() {
        true => dest,
        false => target.to_string().into(),
    }
}

/// The events that open a link, whether its end tag is kept, and what stands for a label
/// left empty or left out (`[](other.md)`, `[[X]]`): the target's title, or
/// `[restricted]` where the site may not show it.
fn link_start<'e>(
    links: &LinkResolver<'_>,
    link_type: LinkType,
    dest_url: CowStr<'e>,
    title: CowStr<'e>,
    id: CowStr<'e>,
    wiki: bool,
) -> (Option<Event<'e>>, bool, Option<String>) {
    // A Markdown link names a document by its `.md` file only: `[t](O-1)` is a link to a
    // file called `O-1` (reported missing when there is none), even on a page whose wiki
    // link `[[O-1]]` names the document.
    let target = (wiki || crate::load::is_document_link(&dest_url))
        .then(|| links.targets.get(dest_url.as_ref()))
        .flatten();
    // A heading of the page: the anchor this site gives it, or text when the site leaves
    // the heading out (its anchor would say what the block holds).
    let own = match (target, dest_url.strip_prefix('#')) {
        (None, Some(fragment)) => links.own_anchor.and_then(|own| {
            // Percent-encoded as browsers copy it (`#%E6%97%A5`), it names the heading it
            // encodes, hidden or renumbered alike.
            match own(fragment) {
                Some(anchor) => Some(anchor).filter(|a| a.as_deref() != Some(fragment)),
                None if fragment.contains('%') => {
                    let decoded = crate::graph::percent_decode(fragment);
                    own(&decoded).filter(|a| a.as_deref() != Some(decoded.as_ref()))
                }
                None => None,
            }
        }),
        _ => None,
    };
    match own {
        Some(Some(anchor)) => {
            let start = Event::Start(Tag::Link {
                link_type,
                dest_url: format!("#{}", crate::audience::encode_path(&anchor)).into(),
                title,
                id,
            });
            return (Some(start), true, None);
        }
        Some(None) => return (None, false, None),
        None => {}
    }
    match target.map(|t| (links.fate)(t)) {
        Some(LinkFate::Visible {
            href,
            title: target_title,
        }) => {
            let start = Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: href.into(),
                title,
                id,
            });
            (Some(start), true, Some(target_title))
        }
        Some(LinkFate::Hidden) => (None, false, Some(RESTRICTED.to_string())),
        // Unresolved wiki links fail the build, or name no document by design (in an
        // imported changelog); never print their raw reference, which may be a hidden
        // document's id.
        None if wiki => (None, false, Some(RESTRICTED.to_string())),
        // A link to a Markdown file that is no document's page (kept where
        // `broken-reference` is a warning, and in records imported from other tools): its
        // text, as nothing is published there.
        None if crate::load::is_document_link(&dest_url)
            || !safe_url(&dest_url)
            || links.unpublished(&dest_url) =>
        {
            (None, false, None)
        }
        None => (
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url: from_site_root(&dest_url, links.root).map_or(dest_url, CowStr::from),
                title,
                id,
            })),
            true,
            None,
        ),
    }
}

/// A path from `/` (`/img/logo.png`, a file of `static/`) leads from the site's root, as
/// the paths of documents do (`/pages/a.md`): made relative to the page, since a site may
/// be published under any path (`https://plans.example/team/`). `None` for anything else,
/// and for `//host/…` and `/\host/…`, which browsers read as another host.
fn from_site_root(dest: &str, root: &str) -> Option<String> {
    let rest = crate::load::site_root_path(dest)?;
    // A folder (`/`, `/#top`, `/lists/`) is its `index.html`, which a server would send
    // for it, so that the link opens the page from disk too, not a listing of the folder.
    let path_end = rest.find(['#', '?']).unwrap_or(rest.len());
    let (path, tail) = rest.split_at(path_end);
    let index = if path.is_empty() || path.ends_with('/') {
        "index.html"
    } else {
        ""
    };
    // `./` on a page at the root, so that `/a:b.png` does not read as a scheme.
    let base = if root.is_empty() { "./" } else { root };
    Some(format!("{base}{path}{index}{tail}"))
}

/// Links with schemes that run code or embed data are dropped.
pub fn safe_url(url: &str) -> bool {
    if !has_scheme(url.trim()) {
        return true;
    }
    let lower = url.trim().to_ascii_lowercase();
    ["http:", "https:", "mailto:", "tel:", "ftp:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

/// Raw HTML without its comments, which never reach a page; what the site's `raw_html`
/// makes of it is decided once the whole body is read (see [`html`]).
fn raw<'e>(text: &str, has_raw: &mut bool, block: bool) -> Option<Event<'e>> {
    let kept = crate::import::adr::strip_html_comments(text);
    if kept.trim().is_empty() {
        return None;
    }
    *has_raw = true;
    Some(if block {
        Event::Html(kept.into())
    } else {
        Event::InlineHtml(kept.into())
    })
}

/// Gives each heading of `events` its anchor, made from its words in `headings` (one for
/// each heading, in order), and each footnote its id.
fn add_heading_ids<'e>(
    mut events: Vec<Event<'e>>,
    headings: &[String],
    key_results: &[crate::model::KeyResult],
    page_ids: &[String],
) -> Vec<Event<'e>> {
    let mut anchors = crate::load::Anchors::beside(key_results, page_ids);
    let mut footnotes = false;
    let mut words = headings.iter();
    for event in &mut events {
        let Event::Start(Tag::Heading { id, .. }) = event else {
            footnotes |= matches!(
                event,
                Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))
            );
            continue;
        };
        let text = words.next().map_or("", String::as_str);
        let given = anchors.assign(id.as_deref(), text);
        *id = Some(given.into());
    }
    if footnotes {
        drop_hidden_footnotes(&mut events);
        // A footnote's id is its label as written (`[^main]`), which the page's own ids
        // or a heading's anchor may hold: `fn-` and the label, made unique as a heading's
        // anchor is, after every heading has its own.
        let mut ids: HashMap<String, String> = HashMap::new();
        for event in &mut events {
            let (Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))) =
                event
            else {
                continue;
            };
            let id = ids
                .entry(label.to_string())
                .or_insert_with(|| anchors.assign(None, &format!("fn-{label}")));
            *label = id.clone().into();
        }
    }
    events
}

/// Which footnotes a site hides, from a body's events seen in order: those defined
/// only as [`crate::audience::HIDDEN_FOOTNOTE`], the placeholder a hidden block's note
/// leaves, where the text shown defines no note of the same label.
#[derive(Default)]
pub struct HiddenNotes {
    /// The definition being read: its label, the index of its start, and whether its
    /// paragraph opened.
    open: Option<(String, usize, bool)>,
    seen: usize,
    /// Each placeholder's start and label.
    placeholders: Vec<(usize, String)>,
    shown: Vec<String>,
}

impl HiddenNotes {
    pub fn see(&mut self, event: &Event<'_>) {
        let at = self.seen;
        self.seen += 1;
        self.open = match (event, self.open.take()) {
            (Event::Start(Tag::FootnoteDefinition(label)), before) => {
                self.shown.extend(before.map(|(label, ..)| label));
                Some((label.to_string(), at, false))
            }
            (Event::Start(Tag::Paragraph), Some((label, start, false))) => {
                Some((label, start, true))
            }
            (Event::Text(text), Some((label, start, true)))
                if text.as_ref() == crate::audience::HIDDEN_FOOTNOTE =>
            {
                self.placeholders.push((start, label));
                None
            }
            (_, before) => {
                self.shown.extend(before.map(|(label, ..)| label));
                None
            }
        };
    }

    /// The hidden footnotes' labels, as [`footnote_key`] gives them: looked up once per
    /// reference, so a set, however many notes a body has.
    pub fn hidden(&self) -> std::collections::HashSet<String> {
        let shown: std::collections::HashSet<String> =
            self.shown.iter().map(|label| footnote_key(label)).collect();
        (self.placeholders.iter())
            .map(|(_, label)| footnote_key(label))
            .filter(|key| !shown.contains(key))
            .collect()
    }
}

/// A footnote's label as references match it: in any case, its spaces as one
/// (`[^A  B]` names `[^a b]`).
pub fn footnote_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `events` without the footnotes a site hides ([`HiddenNotes`]): their placeholder
/// definitions, and the references to them.
fn drop_hidden_footnotes(events: &mut Vec<Event<'_>>) {
    let mut notes = HiddenNotes::default();
    events.iter().for_each(|event| notes.see(event));
    if notes.placeholders.is_empty() {
        return;
    }
    let hidden = notes.hidden();
    // The placeholders' starts, in the order the events come: each is met in turn.
    let mut starts = notes.placeholders.iter().map(|(at, _)| *at).peekable();
    let mut skipping = false;
    let mut at = 0;
    events.retain(|event| {
        let keep = match event {
            Event::FootnoteReference(label) => !hidden.contains(&footnote_key(label)),
            Event::Start(Tag::FootnoteDefinition(_)) if starts.next_if_eq(&at).is_some() => {
                skipping = true;
                false
            }
            Event::End(TagEnd::FootnoteDefinition) if skipping => {
                skipping = false;
                false
            }
            _ => !skipping,
        };
        at += 1;
        keep
    });
}

/// Raw HTML made safe; links to documents in it (`href="other.md"`) lead where `fates`
/// says, and lose their address when the site may not show the document or the link
/// names none.
fn sanitize(html: &str, fates: HashMap<String, Option<String>>) -> String {
    let mut builder = ammonia::Builder::default();
    builder.attribute_filter(move |_, _, value| {
        // Every attribute that names a document, not only those that hold an address:
        // `<q cite="…">`, `<video poster="…">` or `<a title="…">` would name a hidden
        // document as well as `href` does; so does a path among other words
        // (`title="see plan.md"`, `srcset`, `style`), masked as the escaped form masks it.
        let address = url_text(value);
        if crate::load::is_document_link(&address) {
            return fates
                .get(address.as_ref())
                .cloned()
                .flatten()
                .map(Into::into);
        }
        // A value that was one path and nothing else goes, as an `href` naming a hidden
        // document does: `href="[restricted]"` would be a link to nowhere.
        match paths_masked(value, &fates) {
            Some(masked) if masked == RESTRICTED => None,
            Some(masked) => Some(masked.into()),
            None => Some(value.into()),
        }
    });
    for tag in ID_TAGS {
        builder.add_tag_attributes(tag, &["id"]);
    }
    builder
        .add_tag_attributes("code", &["class"])
        .add_tag_attributes("div", &["class"])
        .add_tag_attributes("sup", &["class"])
        .add_tags(&["input"])
        .add_tag_attributes("input", &["type", "checked", "disabled"])
        .add_tag_attributes("th", &["style"])
        .add_tag_attributes("td", &["style"])
        .link_rel(None);
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_among_other_words_of_a_value_are_masked_one_by_one() {
        let fates = HashMap::from([
            ("shown.md".to_string(), Some("shown.html".to_string())),
            ("hidden.md".to_string(), None),
        ]);
        let html = "<img srcset=\"shown.md 1x, hidden.md 2x, unknown.MD?v=2 3x, a.png 4x, https://e.com/a.md 5x\" data-x=\"notes.md.txt, readme\">";
        assert_eq!(
            escaped_with_addresses(html, &fates),
            "<img srcset=\"shown.html 1x, [restricted] 2x, [restricted] 3x, a.png 4x, https://e.com/a.md 5x\" data-x=\"notes.md.txt, readme\">"
        );
        assert_eq!(paths_masked("a b", &fates), None);
        assert_eq!(
            paths_masked("x:url(hidden%2emd)", &fates).as_deref(),
            Some("x:url([restricted])")
        );
    }

    #[test]
    fn markdown_links_in_raw_html_text_are_found_outside_tags_and_comments() {
        let html = "<details title=\"[[T]]\"><!-- [[C]] -->\nSee [[O-1]], ![[O-2|two]], [plan](a/b.md#x) and [site](https://e.com/x.md), [[ ]] [[a\nb]]</details>";
        let found: Vec<(&str, &str, Option<&str>)> = raw_text_links(html)
            .into_iter()
            .map(|l| (&html[l.span], l.dest, l.label))
            .collect();
        assert_eq!(
            found,
            [
                ("[[O-1]]", "O-1", None),
                ("![[O-2|two]]", "O-2", Some("two")),
                ("[plan](a/b.md#x)", "a/b.md#x", Some("plan")),
            ]
        );
    }

    #[test]
    fn a_value_that_was_one_hidden_path_goes_with_its_attribute() {
        // `.MD` is no document link, but a path all the same: masked, and nothing is left.
        let kept = sanitize(
            "<a href=\"tgt.MD\" title=\"see tgt.MD\">x</a>",
            HashMap::new(),
        );
        assert_eq!(kept, "<a title=\"see [restricted]\">x</a>");
    }

    #[test]
    fn raw_ids_are_those_the_sanitiser_keeps() {
        let html = "<div id=\"a\"><a id=\"b\" name=\"c\"></a><!-- <h2 id=\"d\"> --><H3 class=x id='e'>x</H3><li/ id=f><sup\nid=g></sup></div>";
        assert_eq!(raw_ids(html), ["a", "e", "f", "g"]);
        let kept = sanitize(html, HashMap::new());
        for id in raw_ids(html) {
            assert!(kept.contains(&format!("id=\"{id}\"")), "{id}: {kept}");
        }
        assert!(
            !kept.contains("id=\"b\"") && !kept.contains("name="),
            "{kept}"
        );
    }

    #[test]
    fn references_and_addresses_are_read_as_a_browser_reads_them() {
        for (written, read) in [
            ("a&#46;md", "a.md"),
            ("a&#46md", "a.md"),
            ("a&#x2Emd", "a.md"),
            ("a&#0046;md", "a.md"),
            ("a&#46md;x", "a.md;x"),
            ("a&#99999999;b", "a&#99999999;b"),
            ("a&#;b", "a&#;b"),
            ("a&unknown;b", "a&unknown;b"),
        ] {
            assert_eq!(decode_entities(written), read, "{written}");
        }
        assert_eq!(url_text(" a.m\td\n "), "a.md");
        assert_eq!(url_text("a b.md"), "a b.md");
    }

    #[test]
    fn raw_links_are_the_href_and_src_values_outside_comments() {
        let html = "<a href=\"a.md\" title='x'><img SRC = 'b é.md'><!-- <a href=\"c.md\"> -->\n<a data-href=\"d.md\" href=e.md>é</a><a href=";
        let values: Vec<String> = raw_links(html).into_iter().map(|(_, v)| v.into()).collect();
        assert_eq!(values, ["a.md", "b é.md", "e.md", ""]);
        let (at, value) = raw_links(html).remove(0);
        assert_eq!(&html[at..at + value.len()], "a.md");
        // Entities as a browser reads them, spaces they hold dropped as around any address.
        let values: Vec<String> = raw_links("<a href='&#32;x&#46;md'><img src=\"a&amp;b.png\">")
            .into_iter()
            .map(|(_, v)| v.into())
            .collect();
        assert_eq!(values, ["x.md", "a&b.png"]);
    }

    fn render_with(body: &str, visible: bool, mode: RawHtml) -> String {
        with_links(visible, |links| render(body, links, mode))
    }

    fn with_links<R>(visible: bool, f: impl FnOnce(&LinkResolver<'_>) -> R) -> R {
        let mut targets = HashMap::new();
        for dest in ["X", "../d/x.md", "X|label"] {
            targets.insert(
                dest.to_string(),
                Target {
                    doc: 1,
                    kr: None,
                    anchor: None,
                },
            );
        }
        let fate = move |_: &Target| {
            if visible {
                LinkFate::Visible {
                    href: "../d/x.html".into(),
                    title: "Hidden Title".into(),
                }
            } else {
                LinkFate::Hidden
            }
        };
        f(&LinkResolver {
            targets: &targets,
            fate: &fate,
            own_anchor: None,
            key_results: &[],
            page_ids: &[],
            unpublished: &[],
            root: "../",
        })
    }

    #[test]
    fn paths_from_the_root_lead_from_the_site_s_root() {
        let body = "![logo](/img/logo.png \"Logo\") [guide](/files/guide.pdf?v=2#intro) \
                    [home](/) [top](/#top) [other host](//cdn.example/x.js) [odd](/\\host/x) \
                    [doc](../d/x.md) [out](https://example.com/a)\n";
        let html = with_links(true, |links| render(body, links, RawHtml::Sanitize));
        for expected in [
            "<img src=\"../img/logo.png\" alt=\"logo\" title=\"Logo\" />",
            "href=\"../files/guide.pdf?v=2#intro\"",
            "href=\"../index.html\">home",
            "href=\"../index.html#top\">top",
            "href=\"//cdn.example/x.js\"",
            "href=\"/%5Chost/x\"",
            "href=\"../d/x.html\"",
            "href=\"https://example.com/a\"",
        ] {
            assert!(html.contains(expected), "{expected}: {html}");
        }
        // A page at the site's root.
        let targets = HashMap::new();
        let links = LinkResolver::hiding(&targets);
        let html = render(
            "![logo](/img/logo.png) [home](/)\n",
            &links,
            RawHtml::Sanitize,
        );
        assert!(html.contains("src=\"./img/logo.png\""), "{html}");
        assert!(html.contains("href=\"./index.html\""), "{html}");
        // Any folder is its `index.html`, so that the link opens from disk too.
        let html = render(
            "[top](/#top) [q](/?q=1) [lists](/lists/) [x](/lists/x/#a)\n",
            &links,
            RawHtml::Sanitize,
        );
        for expected in [
            "href=\"./index.html#top\"",
            "href=\"./index.html?q=1\"",
            "href=\"./lists/index.html\"",
            "href=\"./lists/x/index.html#a\"",
        ] {
            assert!(html.contains(expected), "{expected}: {html}");
        }
    }

    #[test]
    fn a_body_parsed_once_renders_for_every_site_as_if_parsed_for_each() {
        let body = "# Plan\n\nSee [[X]], [[X|the plan]], [doc](../d/x.md) and \
                    [out](https://example.com).\n\n## Plan\n\n<div>raw <b>html</b></div>\n\n\
                    Inline <span>tag</span> <!-- note -->, `code` and\n\n\
                    | a | b |\n|---|---|\n| [[X]] | <i>x</i> |\n";
        let parsed = parse(body);
        for visible in [true, false] {
            for mode in [RawHtml::Escape, RawHtml::Sanitize, RawHtml::Allow] {
                let fresh = render_with(body, visible, mode);
                let again = with_links(visible, |links| parsed.render(links, mode));
                assert_eq!(again, fresh, "visible {visible}, {mode:?}");
                // The events are not used up: every site renders from the same parse.
                let third = with_links(visible, |links| parsed.render(links, mode));
                assert_eq!(third, fresh);
            }
        }
        assert!(
            with_links(false, |links| parsed.render(links, RawHtml::Escape))
                .contains("[restricted]")
        );
    }

    #[test]
    fn hidden_links_become_text() {
        let html = render_with(
            "See [[X]], [[X|the plan]] and [doc](../d/x.md).",
            false,
            RawHtml::Sanitize,
        );
        assert_eq!(html, "<p>See [restricted], the plan and doc.</p>\n");
        // A link with no text of its own shows what a wiki link without one would.
        let html = render_with("See [](../d/x.md).", false, RawHtml::Sanitize);
        assert_eq!(html, "<p>See [restricted].</p>\n");
        let html = render_with("See [](../d/x.md).", true, RawHtml::Sanitize);
        assert_eq!(
            html,
            "<p>See <a href=\"../d/x.html\">Hidden Title</a>.</p>\n"
        );
    }

    #[test]
    fn visible_links_are_rewritten_and_titled() {
        let html = render_with("See [[X]] and [doc](../d/x.md).", true, RawHtml::Sanitize);
        assert_eq!(
            html,
            "<p>See <a href=\"../d/x.html\">Hidden Title</a> and <a href=\"../d/x.html\">doc</a>.</p>\n"
        );
    }

    #[test]
    fn comments_never_reach_output() {
        let html = render_with(
            "a <!-- secret --> b\n\n<!--\nsecret too\n-->\n\nc",
            true,
            RawHtml::Allow,
        );
        assert!(!html.contains("secret"), "{html}");
    }

    #[test]
    fn a_tag_named_in_prose_shows_as_text_with_all_that_follows_it() {
        let body = "We fixed the <script> injection in **titles**.\n\nA <TEXTAREA rows=2> grows, <b>bold</b> stays.\n\n<Style>\n\nLast </script> paragraph, <scripts> and <titled> are other tags.\n";
        let html = render_with(body, true, RawHtml::Sanitize);
        for shown in [
            "<p>We fixed the &lt;script&gt; injection in <strong>titles</strong>.</p>",
            "<p>A &lt;TEXTAREA rows=2&gt; grows, <b>bold</b> stays.</p>",
            // A block that opens with one runs to its closing tag, as in CommonMark: to
            // the end here, its text kept.
            "&lt;Style&gt;\n\nLast &lt;/script&gt; paragraph,  and  are other tags.",
        ] {
            assert!(html.contains(shown), "{shown}\n{html}");
        }
        assert_eq!(filter_tags("a <b> c"), None);
        assert_eq!(
            filter_tags("<iframe/><xmp>é</XMP><plaintext"),
            Some("&lt;iframe/>&lt;xmp>é&lt;/XMP>&lt;plaintext".into())
        );
    }

    #[test]
    fn scripts_and_js_urls_are_removed() {
        let html = render_with(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
            true,
            RawHtml::Sanitize,
        );
        // An image of an address that runs code is its description.
        let image = render_with("![the chart](javascript:alert(8))", true, RawHtml::Sanitize);
        assert_eq!(image.trim(), "<p>the chart</p>", "{image}");
        // The script shows as text, as GitHub shows it; nothing runs.
        assert!(
            !html.contains("<script")
                && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && !html.contains("javascript")
                && !html.contains("onerror"),
            "{html}"
        );
        let escaped = render_with("<b>hi</b>", true, RawHtml::Escape);
        assert!(escaped.contains("&lt;b&gt;"), "{escaped}");
    }

    #[test]
    fn raw_html_shown_as_text_names_no_hidden_document() {
        let body = "See <a href=\"../d/x.md\" title=' ../d/x.md '>a</a>, <q cite=../d/x&#46;md>b</q>, <img src=\"../d/y&period;md\"> and <a href=\"https://e.com/z.md?q=1\">c</a>.\n";
        let hidden = render_with(body, false, RawHtml::Escape);
        assert!(
            !hidden.contains("x.md") && !hidden.contains("x&") && !hidden.contains("y&"),
            "{hidden}"
        );
        assert_eq!(hidden.matches("[restricted]").count(), 4, "{hidden}");
        assert!(
            hidden.contains("&lt;a href=\"https://e.com/z.md?q=1\"&gt;"),
            "{hidden}"
        );
        // Shown, a document's address is the one its page has on the site.
        let shown = render_with(body, true, RawHtml::Escape);
        assert!(shown.contains("href=\"../d/x.html\""), "{shown}");
        assert!(!shown.contains("x.md"), "{shown}");
        // Past the sanitiser's bound the same text is shown, as `escape` shows it.
        let past = format!("{body}\n{}", "<div>".repeat(9000));
        let fallback = render_with(&past, false, RawHtml::Sanitize);
        assert!(
            fallback.contains("&lt;a href=\"[restricted]\""),
            "{fallback}"
        );
        assert!(!fallback.contains("x.md"), "{fallback}");
        // Sanitised, an attribute that only names a document goes too.
        let sanitised = render_with(body, false, RawHtml::Sanitize);
        assert!(
            !sanitised.contains("x.md") && !sanitised.contains("title="),
            "{sanitised}"
        );
    }

    #[test]
    fn headings_get_unique_ids() {
        let html = render_with("## A b\n\n## A b\n", true, RawHtml::Sanitize);
        assert!(
            html.contains("<h2 id=\"a-b\">") && html.contains("<h2 id=\"a-b-1\">"),
            "{html}"
        );
    }

    #[test]
    fn footnotes_get_ids_of_their_own_beside_the_page_s_and_the_headings() {
        let body =
            "## Fn main\n\nSee[^main], [^1] and[^main] again.\n\n[^main]: A note.\n[^1]: One.\n";
        let targets = HashMap::new();
        let page_ids = ["main".to_string(), "fn-1".to_string()];
        let links = LinkResolver {
            page_ids: &page_ids,
            ..LinkResolver::hiding(&targets)
        };
        let html = render(body, &links, RawHtml::Sanitize);
        assert!(html.contains("<h2 id=\"fn-main\">"), "{html}");
        assert_eq!(html.matches("href=\"#fn-main-1\"").count(), 2, "{html}");
        assert!(html.contains("id=\"fn-main-1\"><sup"), "{html}");
        assert!(html.contains("href=\"#fn-1-1\""), "{html}");
        assert!(html.contains("id=\"fn-1-1\"><sup"), "{html}");
        assert!(
            !html.contains("id=\"main\"") && !html.contains("\"#main\""),
            "{html}"
        );
    }
}
