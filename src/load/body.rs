//! Reads a document body once: its first heading, heading anchors, links to other
//! documents, and audience blocks.

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::model::{AudienceBlock, Heading, KeyResult, RefText, RelKind};

/// Markdown extensions align enables everywhere.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Byte offsets of line starts, for turning offsets into line numbers fast.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// Where 0-based line `line` starts; the end of the text for the empty line after a
    /// final newline, `None` past it.
    pub fn start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// 0-based line `line` of `text` (the text the index was made from) as
    /// [`str::lines`] gives it: without its line end, `None` past the last line.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = self.start(line).filter(|&start| start < text.len())?;
        let end = self.start(line + 1).map_or(text.len(), |next| next - 1);
        let raw = &text[start..end];
        Some(if end < text.len() {
            raw.strip_suffix('\r').unwrap_or(raw)
        } else {
            raw
        })
    }

    /// 0-based line and 1-based column, in characters of `text` (the text the index was
    /// made from), of a byte offset: where a finding's caret goes.
    pub fn locate_in(&self, text: &str, offset: usize) -> (usize, usize) {
        let (line, byte_col) = self.locate(offset);
        let start = self.starts[line];
        let col = text
            .get(start..offset)
            .map_or(byte_col, |before| before.chars().count() + 1);
        (line, col)
    }

    /// 0-based line and 1-based column (in bytes) of an offset.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        (line, offset - self.starts[line] + 1)
    }
}

/// What a body holds, found in one pass.
#[derive(Debug, Default)]
pub struct BodyFacts {
    pub headings: Vec<Heading>,
    /// Links that name other documents (relative `.md` paths and wiki links).
    pub refs: Vec<RefText>,
    /// Links and images to other local files.
    pub assets: Vec<RefText>,
    /// Links within the page (`[usage](#usage)`).
    pub fragments: Vec<RefText>,
    /// Ids the body gives elements of its page besides its headings: its footnotes'
    /// (`fn-` and the label) and the ids of raw HTML that the sanitiser keeps.
    pub ids: Vec<String>,
    /// Headings whose written id (`## Intro {#main}`) the page held already (an earlier
    /// heading's, the theme's, a key result's row): the id written, the anchor given in
    /// its place and the heading's file line.
    pub renamed: Vec<(String, String, usize)>,
}

/// Scans the body of a document with `key_results` on a page that also holds `page_ids`
/// ([`Anchors::beside`]); `first_line` is the file line of the body's first line.
pub fn scan(
    body: &str,
    first_line: usize,
    key_results: &[KeyResult],
    page_ids: &[String],
) -> BodyFacts {
    let index = LineIndex::new(body);
    let mut facts = BodyFacts::default();
    let mut heading: Option<(u8, Option<String>, String, usize)> = None;
    let mut anchors = Anchors::beside(key_results, page_ids);
    // Footnote labels, in the order they first come.
    let mut footnotes: Vec<String> = Vec::new();
    let mut labels: std::collections::HashSet<String> = std::collections::HashSet::new();
    // A footnote the site hides gives its page no id.
    let mut notes = crate::render::markdown::HiddenNotes::default();
    let mut link: Option<(String, bool, usize, String, Option<usize>)> = None;
    // Whether the link open is an embed (`![[X]]`), which an image's end closes.
    let mut embed = false;
    // Where a run of raw HTML (a block's lines together) starts and ends in the body: read
    // there, where its offsets are the body's, without copying it.
    let mut html: Option<(usize, usize)> = None;
    let mut events = Parser::new_ext(body, markdown_options()).into_offset_iter();
    // The line of a reference link's definition, which audience blocks may hold apart
    // from the link.
    let defined = |events: &pulldown_cmark::OffsetIter<'_>, link_type: LinkType, id: &str| {
        matches!(
            link_type,
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
        )
        .then(|| events.reference_definitions().get(id))
        .flatten()
        .map(|def| first_line + index.locate_in(body, def.span.start).0)
    };
    while let Some((event, range)) = events.next() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                let (start, _) = html.unwrap_or((range.start, range.end));
                html = Some((start, range.end));
                continue;
            }
            _ => {
                if let Some((start, end)) = html.take() {
                    raw_html_links(body, start..end, &index, first_line, &mut facts);
                }
            }
        }
        notes.see(&event);
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((
                    level_number(level),
                    id.map(|id| id.to_string()),
                    String::new(),
                    range.start,
                ))
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, text, offset)) = heading.take() {
                    let anchor = anchors.assign(id.as_deref(), &text);
                    if let Some(id) = id.as_deref().filter(|&id| id != anchor) {
                        let line = first_line + index.locate_in(body, offset).0;
                        facts.renamed.push((id.to_string(), anchor.clone(), line));
                    }
                    facts.headings.push(Heading {
                        anchor,
                        text,
                        level,
                        offset,
                        written: id,
                    });
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            }) => {
                let wiki_label = matches!(link_type, LinkType::WikiLink { has_pothole: true });
                let is_wiki = matches!(link_type, LinkType::WikiLink { .. });
                let defined_at = defined(&events, link_type, &id);
                if !is_wiki && (is_local_file(&dest_url) || is_site_file(&dest_url)) {
                    facts.assets.push(RefText {
                        defined_at,
                        ..asset(&index, body, first_line, &dest_url, range.start)
                    });
                }
                if !is_wiki && dest_url.len() > 1 && dest_url.starts_with('#') {
                    facts
                        .fragments
                        .push(asset(&index, body, first_line, &dest_url, range.start));
                }
                if is_wiki || is_document_link(&dest_url) {
                    link = Some((
                        wiki_target(&dest_url, wiki_label).to_string(),
                        !is_wiki || wiki_label,
                        range.start,
                        String::new(),
                        defined_at,
                    ));
                }
            }
            // An embed (`![[X]]`, as Obsidian writes it) names a document as a wiki link
            // does, and its page shows a link to it.
            Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                id,
                ..
            }) => {
                let defined_at = defined(&events, LinkType::WikiLink { has_pothole }, &id);
                link = Some((
                    wiki_target(&dest_url, has_pothole).to_string(),
                    has_pothole,
                    range.start,
                    String::new(),
                    defined_at,
                ));
                embed = true;
            }
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))
                if labels.insert(label.to_string()) =>
            {
                footnotes.push(label.to_string());
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            }) if is_local_file(&dest_url) || is_site_file(&dest_url) => {
                facts.assets.push(RefText {
                    defined_at: defined(&events, link_type, &id),
                    ..asset(&index, body, first_line, &dest_url, range.start)
                });
            }
            // An image of a document shows its description (no page is an image), but
            // names the document as a link does: one that is not there is an error.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            }) if is_document_link(&dest_url) => {
                let (line, col) = index.locate_in(body, range.start);
                facts.refs.push(RefText {
                    kind: RelKind::Mentions,
                    text: dest_url.to_string(),
                    label: None,
                    line: first_line + line,
                    col,
                    inverse: false,
                    audiences: Vec::new(),
                    defined_at: defined(&events, link_type, &id),
                    phrase: None,
                });
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image)
                if matches!(event, Event::End(TagEnd::Link)) || std::mem::take(&mut embed) =>
            {
                if let Some((dest, labelled, start, label, defined_at)) = link.take() {
                    let (line, col) = index.locate_in(body, start);
                    facts.refs.push(RefText {
                        kind: RelKind::Mentions,
                        text: dest,
                        label: labelled.then_some(label),
                        line: first_line + line,
                        col,
                        inverse: false,
                        audiences: Vec::new(),
                        defined_at,
                        phrase: None,
                    });
                }
            }
            Event::Text(text) | Event::Code(text) => {
                // A wiki link without a label shows its target's title, which differs by
                // site and may be hidden: no word of the heading's anchor.
                let shown_as_title = link.as_ref().is_some_and(|(_, labelled, ..)| !labelled);
                if let Some((_, _, t, _)) = heading.as_mut().filter(|_| !shown_as_title) {
                    t.push_str(&text);
                }
                if let Some((_, _, _, label, _)) = link.as_mut() {
                    label.push_str(&text);
                }
            }
            _ => {}
        }
    }
    if let Some((start, end)) = html.take() {
        raw_html_links(body, start..end, &index, first_line, &mut facts);
    }
    // A footnote's id is `fn-` and its label, numbered past the headings' anchors, as the
    // page gives it (`render::markdown`).
    let hidden = notes.hidden();
    let shown = |label: &String| !hidden.contains(&crate::render::markdown::footnote_key(label));
    for label in footnotes.into_iter().filter(shown) {
        facts.ids.push(anchors.assign(None, &format!("fn-{label}")));
    }
    facts
}

/// The links in the raw HTML at `range` of the body: to documents (`href="other.md"`),
/// each a reference, resolved and shown or hidden as a Markdown link is; to local files
/// (`<img src="chart.png">`), each published beside the page as a Markdown image's is,
/// or reported missing. HTML comments hold none.
fn raw_html_links(
    body: &str,
    range: std::ops::Range<usize>,
    index: &LineIndex,
    first_line: usize,
    facts: &mut BodyFacts,
) {
    let (start, html) = (range.start, &body[range]);
    // Links written as Markdown in the text of an HTML block, which CommonMark leaves as
    // text: the sites show them as links, or hide them, as written anywhere else.
    for link in crate::render::markdown::raw_text_links(html) {
        let (line, col) = index.locate_in(body, start + link.span.start);
        facts.refs.push(RefText {
            kind: RelKind::Mentions,
            text: link.dest.to_string(),
            label: link.label.map(str::to_string),
            line: first_line + line,
            col,
            inverse: false,
            audiences: Vec::new(),
            defined_at: None,
            phrase: None,
        });
    }
    if !html.contains('=') {
        return;
    }
    for (at, dest) in crate::render::markdown::raw_links(html) {
        let dest = dest.as_ref();
        if is_document_link(dest) {
            facts
                .refs
                .push(asset(index, body, first_line, dest, start + at));
        } else if is_local_file(dest) {
            facts
                .assets
                .push(asset(index, body, first_line, dest, start + at));
        } else if dest.len() > 1 && dest.starts_with('#') {
            facts
                .fragments
                .push(asset(index, body, first_line, dest, start + at));
        }
    }
    facts.ids.extend(
        crate::render::markdown::raw_ids(html)
            .into_iter()
            .map(str::to_string),
    );
}

/// A mention of `dest` at byte `offset` of the body: a link to a file or a document.
fn asset(index: &LineIndex, body: &str, first_line: usize, dest: &str, offset: usize) -> RefText {
    let (line, col) = index.locate_in(body, offset);
    RefText {
        kind: RelKind::Mentions,
        text: dest.to_string(),
        label: None,
        line: first_line + line,
        col,
        inverse: false,
        audiences: Vec::new(),
        defined_at: None,
        phrase: None,
    }
}

/// Whether a body could hold a link, an image or a link reference definition: whether
/// it has `[[`, `](` or `]:` anywhere, or a tag with an `href`, `src` or `id`. One pass over
/// the brackets, which prose has few of, instead of one search of the whole body for each
/// pair, and one over the tags.
pub fn may_link(body: &str) -> bool {
    let bytes = body.as_bytes();
    memchr::memchr2_iter(b'[', b']', bytes).any(|at| {
        matches!(
            (bytes[at], bytes.get(at + 1)),
            (b'[', Some(b'[')) | (b']', Some(b'(' | b':'))
        )
    }) || may_hold_raw_link(bytes)
        // A heading's written id, which the page may hold already.
        || memchr::memmem::find(bytes, b"{#").is_some()
}

/// Whether raw HTML could link somewhere (`<a href=…>`, `<img src=…>`) or give an element
/// an id a link may name (`<div id="faq">`): prose has few `<`, and only those are
/// looked at.
fn may_hold_raw_link(bytes: &[u8]) -> bool {
    // From tag to tag, each byte looked at once, however long a tag's attributes run.
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + open;
        let end = memchr::memchr(b'>', &bytes[start..]).map_or(bytes.len(), |e| start + e);
        let tag = &bytes[start..end];
        let id = |w: &[u8]| {
            w[0].is_ascii_whitespace()
                && w[1..3].eq_ignore_ascii_case(b"id")
                && (w[3] == b'=' || w[3].is_ascii_whitespace())
        };
        if tag
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"ref") || w.eq_ignore_ascii_case(b"src"))
            || tag.windows(4).any(id)
        {
            return true;
        }
        at = end.max(start + 1);
        if at >= bytes.len() {
            break;
        }
    }
    false
}

/// The target of a wiki link with a label: in a table, whose cells `|` ends, the label
/// is written after `\|` (`[[O-1\|the objective]]`, as Obsidian writes it there), which
/// leaves the `\` on the target; no document's id or path ends in one.
pub fn wiki_target(dest: &str, labelled: bool) -> &str {
    match labelled {
        true => dest.strip_suffix('\\').unwrap_or(dest),
        false => dest,
    }
}

/// Reads `| [[O-1|label]] |` in a table as the labelled wiki link it is meant to be: the
/// `|` a cell would end at is escaped (`[[O-1\\|label]]`, as Obsidian asks it written
/// there). Left as it is, the cell would show `[[O-1`: a reference that may name a
/// document the site hides.
pub fn wiki_pipes_in_tables(body: &mut String) {
    if !may_cut_wiki_link(body) {
        return;
    }
    // Each pass mends the first pipe of each such cell; a label with pipes of its own
    // takes a pass each, and a cell that never closes its `[[` is left after a few.
    for _ in 0..8 {
        let mut edits = Vec::new();
        let mut cell: Option<String> = None;
        for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::TableCell) => cell = Some(String::new()),
                Event::Text(text) => {
                    if let Some(cell) = cell.as_mut() {
                        cell.push_str(&text);
                    }
                }
                Event::End(TagEnd::TableCell) => {
                    let open = cell.take().is_some_and(|text| {
                        text.rfind("[[")
                            .is_some_and(|at| !text[at..].contains("]]"))
                    });
                    let line_end = body[range.end..]
                        .find('\n')
                        .map_or(body.len(), |n| range.end + n);
                    let pipe = body[range.end..line_end].find('|').map(|n| range.end + n);
                    if let Some(pipe) = pipe.filter(|_| open) {
                        edits.push(pipe);
                    }
                }
                _ => {}
            }
        }
        if edits.is_empty() {
            return;
        }
        for at in edits.into_iter().rev() {
            body.insert(at, '\\');
        }
    }
}

/// Whether a line of what may be a table (from a line over a delimiter row, `|---|`, to
/// a blank line) holds a wiki link with a bare `|` (`[[O-1|label]]`): only such a body is
/// parsed again, looking for the cells it cuts. Most bodies with wiki links and tables
/// have neither in one line.
fn may_cut_wiki_link(body: &str) -> bool {
    if memchr::memmem::find(body.as_bytes(), b"[[").is_none() {
        return false;
    }
    let delimiter = |line: &str| {
        let line = line.trim();
        line.contains('|')
            && line.contains('-')
            && line
                .bytes()
                .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
    };
    let cut = |line: &str| {
        line.match_indices("[[").any(|(at, _)| {
            let rest = &line[at + 2..];
            let end = rest.find("]]").unwrap_or(rest.len());
            rest[..end]
                .match_indices('|')
                .any(|(bar, _)| !rest[..bar].ends_with('\\'))
        })
    };
    let mut lines = body.lines().peekable();
    let mut table = false;
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            table = false;
            continue;
        }
        table |= lines.peek().is_some_and(|next| delimiter(next));
        if table && cut(line) {
            return true;
        }
    }
    false
}

/// Reads `[[text]](url)` as CommonMark does, a link whose text is `[text]` (changelogs
/// credit people so: `[[@someone]](https://…)`), not as a wiki link followed by text in
/// brackets: the inner brackets are escaped. Code is left alone.
pub fn bracketed_link_texts(body: &mut String) {
    if memchr::memmem::find(body.as_bytes(), b"]](").is_none() {
        return;
    }
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        if let Event::Start(Tag::Link {
            link_type: LinkType::WikiLink { .. },
            ..
        }) = event
        {
            let source = &body[range.clone()];
            if source.starts_with("[[")
                && source.ends_with("]]")
                && body[range.end..].starts_with('(')
            {
                edits.push(range.start + 1);
                edits.push(range.end - 2);
            }
        }
    }
    for at in edits.into_iter().rev() {
        body.insert(at, '\\');
    }
}

/// The headings of the body of a document with `key_results` on a page that also holds
/// `page_ids`, and their anchors.
pub fn headings(body: &str, key_results: &[KeyResult], page_ids: &[String]) -> Vec<Heading> {
    scan(body, 1, key_results, page_ids).headings
}

/// The ids besides its headings' that a body of a document with `key_results` on a page
/// that also holds `page_ids` gives its page (see [`BodyFacts::ids`]).
pub fn body_ids(body: &str, key_results: &[KeyResult], page_ids: &[String]) -> Vec<String> {
    scan(body, 1, key_results, page_ids).ids
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Whether a link destination points at a Markdown file of the project.
pub fn is_document_link(dest: &str) -> bool {
    // `/decisions/0007.md` is read from the project's root, as code hosts read it;
    // `//host/x.md` names another host.
    if has_scheme(dest) || dest.starts_with('#') || dest.starts_with("//") {
        return false;
    }
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    path.ends_with(".md")
}

/// The rest of a path from `/` that leads from the site's root (`img/logo.png` of
/// `/img/logo.png`); `None` for anything else, and for `//host/…` and `/\\host/…`, which
/// browsers read as another host. Its `.` and `..` (`%2e` too) are resolved as a browser
/// resolves them, where `..` at the root stays there (`/../../logo.png` is `logo.png`):
/// made relative to a page, they would lead above the site's folder.
pub fn site_root_path(dest: &str) -> Option<std::borrow::Cow<'_, str>> {
    let rest = dest.strip_prefix('/')?;
    if rest.starts_with(['/', '\\']) {
        return None;
    }
    let (path, tail) = rest.split_at(rest.find(['#', '?']).unwrap_or(rest.len()));
    let dot = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let dots = |s: &str| {
        s == ".."
            || (s.len() <= 6 && {
                let lower = s.to_ascii_lowercase();
                matches!(lower.as_str(), ".%2e" | "%2e." | "%2e%2e")
            })
    };
    let segments = || path.split(['/', '\\']);
    if !segments().any(|s| dot(s) || dots(s)) {
        return Some(std::borrow::Cow::Borrowed(rest));
    }
    let last = segments().count() - 1;
    let mut kept: Vec<&str> = Vec::new();
    for (i, segment) in segments().enumerate() {
        if dots(segment) {
            kept.pop();
        } else if !dot(segment) {
            kept.push(segment);
            continue;
        }
        // `/pages/..` is the folder it leads to: `/`.
        if i == last {
            kept.push("");
        }
    }
    Some(std::borrow::Cow::Owned(kept.join("/") + tail))
}

/// A path from the site's root that names no document: a file the site is to have.
fn is_site_file(dest: &str) -> bool {
    site_root_path(dest).is_some() && !is_document_link(dest)
}

/// A relative link to a file that is not a Markdown document.
fn is_local_file(dest: &str) -> bool {
    !dest.is_empty()
        && !has_scheme(dest)
        && !dest.starts_with(['#', '/'])
        && !is_document_link(dest)
}

/// `http:`, `mailto:`, `javascript:` ... anything with a URL scheme.
pub fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// The anchor of a heading: lowercase, runs of anything but letters and digits become `-`.
pub fn slug(text: &str) -> String {
    if text.is_ascii() {
        slug_ascii(text)
    } else {
        slug_chars(text)
    }
}

/// The longest name a list page keeps whole (in bytes). File systems allow 255 bytes for
/// a file name; an imported record's status can be a whole sentence, and a tag or an
/// owner anything at all.
pub const LIST_KEY_MAX: usize = 100;

/// The name of the list page of a value (a status, team, tag or owner): its [`slug`]; for
/// a value of no letters or digits (`🚀`, `??`), `u` and the code points of its
/// characters (`u1f680`), so that `🚀` and `🎉` get pages of their own; `unnamed` for
/// one of spaces only. A key longer than [`LIST_KEY_MAX`] bytes is cut and ends in eight
/// hex digits of its hash, so values that start alike still get pages of their own.
pub fn list_key(text: &str) -> String {
    let mut key = slug(text);
    if key.is_empty() {
        let points: Vec<String> = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| format!("{:x}", u32::from(c)))
            .collect();
        if points.is_empty() {
            return "unnamed".to_string();
        }
        key = format!("u{}", points.join("-"));
    }
    if key.len() <= LIST_KEY_MAX {
        return key;
    }
    let mut cut = LIST_KEY_MAX - 9;
    while !key.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = blake3::hash(key.as_bytes()).to_hex();
    format!("{}-{}", key[..cut].trim_end_matches('-'), &hash[..8])
}

/// Each byte as a slug keeps it: an ASCII letter or digit in lowercase, 0 for the rest.
const SLUG_BYTES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() {
            table[b] = byte.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// The slug of most headings and names: byte by byte, without decoding characters, each
/// byte looked up once in [`SLUG_BYTES`] (a body's headings are slugged on every page
/// that shows it).
fn slug_ascii(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut dash = false;
    for &b in text.as_bytes() {
        match SLUG_BYTES[usize::from(b)] {
            0 => dash = true,
            kept => {
                if dash && !out.is_empty() {
                    out.push(b'-');
                }
                dash = false;
                out.push(kept);
            }
        }
    }
    // Letters, digits and `-`, all ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// The slug of a text beyond ASCII, composed first ([`super::composed`]). A word's
/// combining marks are of it (the virama of `हिन्दी`, an accent typed apart), and the
/// joiners that shape a word in some scripts (U+200C, U+200D) are left out rather than
/// split it; each word is lowercased whole, so a Greek word ends in `ς`.
fn slug_chars(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    let text = super::composed(text);
    let mut out = String::with_capacity(text.len());
    let in_word = |c: char| c.is_alphanumeric() || is_combining_mark(c) || is_joiner(c);
    for word in text.split(|c: char| !in_word(c)) {
        // Marks or joiners alone are no word.
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        if !out.is_empty() {
            out.push('-');
        }
        let lower = word.to_lowercase();
        out.extend(lower.chars().filter(|&c| !is_joiner(c)));
    }
    out
}

/// The zero-width non-joiner and joiner, which shape letters inside a word.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}')
}

/// Gives a body's headings their anchors in order: an id written on the heading
/// (`## Rollout {#rollout}`) as it is, else the slug of its text (`section` when nothing is
/// left); either followed by `-1`, `-2`, … when an earlier heading took it or the page holds an
/// element of that id: one of the theme's ([`crate::theme::PAGE_IDS`]; `## Search
/// results` is `#search-results-1`, since the search box's results are
/// `#search-results`), one the project's own templates write
/// ([`crate::config::Config::page_ids`]) or a key result's row (`## KR activation` is
/// `#kr-activation-1` on the page of an objective with a key result `activation`). The
/// same for the anchors links are checked against and for the ids of the rendered page;
/// constant time a heading however many share a title (the template ids, a few, are
/// looked through).
#[derive(Default)]
pub struct Anchors<'k> {
    taken: Taken,
    /// The last number tried after each slug.
    numbered: ahash::AHashMap<String, usize>,
    /// The key results whose rows hold `kr-<id>` on the page.
    key_results: &'k [KeyResult],
    /// The ids the project's own templates write on the page.
    page_ids: &'k [String],
}

/// The anchors given so far: a list while a body has few headings (most have a handful,
/// and a list costs no hashing), a set past [`Taken::FEW`].
enum Taken {
    Few(Vec<String>),
    Many(ahash::AHashSet<String>),
}

impl Default for Taken {
    fn default() -> Self {
        Taken::Few(Vec::new())
    }
}

impl Taken {
    const FEW: usize = 32;

    /// Takes `anchor`; false if it was taken already.
    fn insert(&mut self, anchor: &str) -> bool {
        match self {
            Taken::Few(list) if list.iter().any(|a| a == anchor) => false,
            Taken::Few(list) if list.len() < Self::FEW => {
                list.push(anchor.to_string());
                true
            }
            Taken::Few(list) => {
                let mut set: ahash::AHashSet<String> = list.drain(..).collect();
                set.insert(anchor.to_string());
                *self = Taken::Many(set);
                true
            }
            Taken::Many(set) => set.insert(anchor.to_string()),
        }
    }
}

impl<'k> Anchors<'k> {
    /// For the body of a document with these key results, on a page whose templates also
    /// write `page_ids`.
    pub fn beside(key_results: &'k [KeyResult], page_ids: &'k [String]) -> Self {
        Anchors {
            key_results,
            page_ids,
            ..Anchors::default()
        }
    }

    /// Whether the page of a document with `key_results`, whose templates also write
    /// `page_ids`, holds an element of this id besides its headings, so that no heading
    /// takes it.
    pub fn held(key_results: &[KeyResult], page_ids: &[String], id: &str) -> bool {
        crate::theme::PAGE_IDS.contains(&id)
            || page_ids.iter().any(|known| known == id)
            || id
                .strip_prefix("kr-")
                .is_some_and(|kr| key_results.iter().any(|k| k.id == kr))
    }

    pub fn assign(&mut self, id: Option<&str>, text: &str) -> String {
        let mut base = match id {
            Some(id) => id.to_string(),
            None => slug(text),
        };
        if base.is_empty() {
            base = "section".to_string();
        }
        if !Self::held(self.key_results, self.page_ids, &base) && self.taken.insert(&base) {
            return base;
        }
        let n = self.numbered.entry(base.clone()).or_default();
        loop {
            *n += 1;
            let anchor = format!("{base}-{n}");
            if !Self::held(self.key_results, self.page_ids, &anchor) && self.taken.insert(&anchor) {
                return anchor;
            }
        }
    }
}

/// The first level-one heading outside code, ATX (`# Title`) or setext (`Title` over a
/// line of `=`): its text, the 0-based line its text is on, and the byte range of its
/// line or lines. Lines indented by four spaces or more are code, not headings. With
/// `numbered`, a numbered line over `=` is a heading too (`9. Title`, as adr-tools users
/// write a record's title), which CommonMark reads as a list item.
pub fn first_heading(
    body: &str,
    numbered: bool,
) -> Option<(String, usize, std::ops::Range<usize>)> {
    let mut fence = crate::import::adr::FencedCode::default();
    let mut offset = 0;
    // A one-line paragraph that a line of `=` right below would make a heading: its text,
    // line and start.
    let mut candidate: Option<(&str, usize, usize)> = None;
    let mut after_blank = true;
    for (i, raw) in body.split_inclusive('\n').enumerate() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        let indented = line.len() - trimmed.len() >= 4;
        let mut next = None;
        if fence.holds(trimmed) || indented {
            // Code, or the continuation of a paragraph: neither starts a heading.
        } else if let Some(text) = trimmed.strip_prefix("# ") {
            let text = without_attributes(text.trim().trim_end_matches('#').trim()).0;
            if !text.is_empty() {
                return Some((text.to_string(), i, offset..offset + raw.len()));
            }
        } else if !trimmed.is_empty() && trimmed.bytes().all(|b| b == b'=') {
            if let Some((text, line, start)) = candidate {
                let text = without_attributes(text).0;
                return Some((text.to_string(), line, start..offset + raw.len()));
            }
        } else if after_blank && starts_paragraph(trimmed, numbered) {
            next = Some((trimmed, i, offset));
        }
        candidate = next;
        after_blank = trimmed.is_empty();
        offset += raw.len();
    }
    None
}

/// Whether the body's first line with words is a `# heading`: one that may repeat the
/// title with other letters' case or with the title's Markdown written differently.
pub fn starts_with_title_heading(body: &str) -> bool {
    body.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.starts_with("# "))
}

/// Whether a heading's words (`heading`, as [`title_words`] reads them) say the title: the
/// same words, whatever the case, the spacing or the Markdown written in the `title` field
/// (`Adopt `jiff` for dates` is said by `# Adopt `jiff` for dates`).
pub fn same_title(heading: &str, title: &str) -> bool {
    if heading == title {
        return true;
    }
    let words = |text: &str| -> Vec<String> {
        plain_inline(text)
            .split_whitespace()
            .map(str::to_lowercase)
            .collect()
    };
    words(heading) == words(title)
}

/// Whether a line, not indented, starts a paragraph rather than another block (a list
/// item, a quote, a table row, HTML or a heading), whose line of `=` below would not make
/// it a setext heading; with `numbered`, a numbered line counts as a paragraph.
pub fn starts_paragraph(line: &str, numbered: bool) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    if matches!(first, '>' | '-' | '*' | '+' | '|' | '<' | '#' | '=') {
        return false;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    numbered || !(digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')')))
}

/// `TODO` at the start of a value, as a word: `TODO`, `TODO: why`, not `TODOS`.
pub fn is_placeholder(text: &str) -> bool {
    text.trim_start()
        .strip_prefix("TODO")
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// 0-based lines of the body that start with a placeholder, list markers aside, outside
/// fenced code.
pub fn placeholder_lines(body: &str) -> Vec<usize> {
    if !may_hold_placeholder(body.as_bytes()) {
        return Vec::new();
    }
    scan_placeholder_lines(body)
}

/// [`placeholder_lines`] without the quick test first.
fn scan_placeholder_lines(body: &str) -> Vec<usize> {
    let mut fence = crate::import::adr::FencedCode::default();
    let mut lines = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if fence.holds(trimmed) {
            continue;
        }
        // `- TODO`, `1. TODO`, `2) TODO`.
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let numbered = (1..=9).contains(&digits) && trimmed[digits..].starts_with(['.', ')']);
        let text = if numbered {
            trimmed[digits + 1..].trim_start()
        } else {
            trimmed
                .strip_prefix(['*', '-', '+'])
                .map_or(trimmed, str::trim_start)
        };
        if is_placeholder(text) {
            lines.push(i);
        }
    }
    lines
}

/// Whether some `TODO` starts a line, list markers and indentation aside: the quick test
/// every body gets while it is read. A scan for one byte is the cheapest there is, and
/// most bodies have few capital Ts.
fn may_hold_placeholder(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'T', bytes).any(|at| {
        bytes[at..].starts_with(b"TODO")
            && bytes[..at]
                .iter()
                .rev()
                .take_while(|&&b| b != b'\n')
                .all(|b| {
                    matches!(
                        b,
                        b' ' | b'\t' | b'*' | b'-' | b'+' | b'.' | b')' | b'0'..=b'9'
                    )
                })
    })
}

/// A misplaced audience marker.
#[derive(Debug, PartialEq)]
pub struct BlockError {
    /// 0-based line in the body.
    pub line: usize,
    pub message: String,
}

pub enum Marker {
    Open(Vec<String>),
    Close,
}

pub fn marker(line: &str) -> Option<Marker> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let lower = inner.to_lowercase();
    if lower.replace(' ', "") == "/audience" {
        return Some(Marker::Close);
    }
    let rest = lower
        .strip_prefix("audience")?
        .trim_start()
        .strip_prefix(':')?;
    let list = &inner[inner.len() - rest.len()..];
    let audiences = list
        .split(',')
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    Some(Marker::Open(audiences))
}

/// The body with the text of every audience block blanked out (each byte but line ends
/// made a space), so the same offsets and lines hold only what every site shows; `None`
/// when it has no block. What is read from the body as the document's own fields (the
/// title heading, an imported record's status, date, deciders and tags) is read from
/// this: a field is shown by every site that shows the document, and no block's text may
/// become one.
pub fn outside_blocks(body: &str) -> Option<String> {
    let blocks = audience_blocks(body).ok()?;
    if blocks.is_empty() {
        return None;
    }
    let mut bytes = body.as_bytes().to_vec();
    // Blocks nest, so each byte is blanked once, from the first block that holds it:
    // blanking every block whole would go over the innermost text once per block
    // around it.
    let mut ranges: Vec<(usize, usize)> = blocks.iter().map(|b| (b.start, b.end)).collect();
    ranges.sort_unstable();
    let mut blanked = 0;
    for (start, end) in ranges {
        for byte in &mut bytes[start.max(blanked)..end.max(blanked)] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
        blanked = blanked.max(end);
    }
    String::from_utf8(bytes).ok()
}

/// Text without its HTML comments (see [`crate::import::adr::strip_html_comments`]), its
/// spaces closed up: a title read from a heading, where a comment is a note to the writer,
/// never shown.
pub fn without_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memmem::find(text.as_bytes(), b"<!--").is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let kept = crate::import::adr::strip_html_comments(text);
    // `Title <!-- note --> end` reads `Title end`.
    std::borrow::Cow::Owned(kept.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A title read from a heading as a page shows it: plain words, its comments left out,
/// a link's text and never its address (which may name a document a site hides), a wiki
/// link's label; the reference of each wiki link without one goes to `labelless`, and
/// stands in the words.
pub fn title_words(heading: &str, labelless: &mut Vec<String>) -> String {
    let text = without_comments(without_attributes(heading).0);
    let text = without_footnote_references(&text);
    let text = wiki_as_words(&text, true, &mut |reference| {
        labelless.push(reference.to_string());
        reference.to_string()
    });
    plain_inline(&text).into_owned()
}

/// `text` without its footnote references (`Plan[^deal]`) outside code spans: a title is
/// words, and read alone its reference would show its label, which may be a note's that
/// a site hides.
pub(crate) fn without_footnote_references(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("[^") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut code = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            code = !code;
        } else if !code
            && let Some(label) = rest.strip_prefix("[^")
            && let Some(end) = label.find(']')
            && end > 0
            && !label[..end].contains(['[', '\n'])
        {
            rest = &label[end + 1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// A heading's text without the attributes written at its end (`Title {#adr-7 .wide}`),
/// which the page makes its element's id and classes, and the id among them.
pub fn without_attributes(heading: &str) -> (&str, Option<&str>) {
    let trimmed = heading.trim_end();
    let Some(open) = trimmed.strip_suffix('}').and_then(|rest| rest.rfind('{')) else {
        return (heading, None);
    };
    let inner = &trimmed[open + 1..trimmed.len() - 1];
    let attribute = |word: &str| word.starts_with(['#', '.']) || word.contains('=');
    if inner.trim().is_empty() || !inner.split_whitespace().all(attribute) {
        return (heading, None);
    }
    let id = inner
        .split_whitespace()
        .find_map(|word| word.strip_prefix('#'));
    (trimmed[..open].trim_end(), id.filter(|id| !id.is_empty()))
}

/// Wiki links in text shown as it is written, such as a title: `[[ref|label]]` reads its
/// label, and `[[ref]]`, which has no words of its own, reads what `labelless` gives
/// for its reference. Which title a reference would show depends on the site, and a
/// title is the same on every site. In `markdown` a code span keeps `[[x]]` as written
/// and `[[x]](url)` is a link; a field's plain text has neither.
pub fn wiki_as_words<'t>(
    text: &'t str,
    markdown: bool,
    labelless: &mut dyn FnMut(&str) -> String,
) -> std::borrow::Cow<'t, str> {
    if !text.contains("[[") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        // A code span before it holds text as written, `[[x]]` included.
        if let Some(tick) = rest[..start].find('`').filter(|_| markdown) {
            let end = code_span_end(rest, tick);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let Some(len) = rest[start + 2..].find("]]") else {
            break;
        };
        let inner = &rest[start + 2..start + 2 + len];
        // `[[@ann]](https://…)` is a link whose text is `[@ann]`, as CommonMark reads it.
        if markdown && rest[start + 2 + len + 2..].starts_with('(') {
            out.push_str(&rest[..start + 2 + len + 2]);
            rest = &rest[start + 2 + len + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        match inner.split_once('|') {
            Some((_, label)) => out.push_str(label.trim()),
            None => out.push_str(&labelless(inner.trim())),
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Markdown links to documents in a field's plain text read as their label:
/// `[the plan](plan.md)` reads `the plan`, and `![chart](plan.md)` `chart`. A field is
/// text, the same on every site, so the path, which may name a document a site does not
/// show, is never shown. Other links (`[site](https://…)`) stay as written.
pub fn document_links_as_words(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("](") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    // `text[done..]` is still to be written; `from` is where the next `](` is looked for.
    let (mut done, mut from) = (0, 0);
    // The next `)` at or after `from`, found once and kept while it lies ahead, so
    // that many `](` before one `)` are not each searched to it: linear in the field.
    let mut close: Option<usize> = None;
    while let Some(at) = text[from..].find("](") {
        let middle = from + at;
        from = middle + 2;
        if close.is_none_or(|c| c < from) {
            close = text[from..].find(')').map(|c| from + c);
        }
        let Some(close) = close else { break };
        // The label opens at the last `[` before it, with no `]` between (a search that
        // stops at the `]` of the `](` before, however many come); an address is short.
        let Some(open) = text[done..middle]
            .rfind(['[', ']'])
            .map(|o| done + o)
            .filter(|&o| text.as_bytes()[o] == b'[')
        else {
            continue;
        };
        const LONGEST: usize = 2048;
        if close - middle > LONGEST {
            continue;
        }
        let label = &text[open + 1..middle];
        let inside = text[middle + 2..close].trim();
        let dest = inside.split_whitespace().next().unwrap_or_default();
        let dest = dest
            .strip_prefix('<')
            .and_then(|d| d.strip_suffix('>'))
            .unwrap_or(dest);
        if !is_document_link(dest) {
            continue;
        }
        let start = if open > done && text.as_bytes()[open - 1] == b'!' {
            open - 1
        } else {
            open
        };
        out.push_str(&text[done..start]);
        out.push_str(label.trim());
        done = close + 1;
        from = done;
    }
    out.push_str(&text[done..]);
    std::borrow::Cow::Owned(out)
}

/// Where the code span that the run of backticks at byte `tick` opens ends: past the
/// next run of as many backticks, or past the opening run when none closes it (its
/// backticks are then text), as CommonMark reads them.
pub fn code_span_end(text: &str, tick: usize) -> usize {
    let bytes = text.as_bytes();
    let ticks = |from: usize| bytes[from..].iter().take_while(|&&b| b == b'`').count();
    let run = ticks(tick);
    let mut at = tick + run;
    while let Some(next) = memchr::memchr(b'`', &bytes[at..]) {
        let start = at + next;
        let len = ticks(start);
        if len == run {
            return start + len;
        }
        at = start + len;
    }
    tick + run
}

#[cfg(test)]
mod wiki_words_tests {
    use super::wiki_as_words;

    #[test]
    fn document_links_in_a_field_read_as_their_label() {
        let read = |text: &str| super::document_links_as_words(text).into_owned();
        assert_eq!(
            read("See [the plan](../initiatives/hidden.md) and ![a chart](x.md#kr1 \"t\")."),
            "See the plan and a chart."
        );
        assert_eq!(
            read("[site](https://example.com) stays"),
            "[site](https://example.com) stays"
        );
        assert_eq!(read("odd ](x.md) and [a](b"), "odd ](x.md) and [a](b");
        assert_eq!(read("[<x.md>](<y.md>)"), "<x.md>");
        assert_eq!(read("no links"), "no links");
        assert_eq!(read("[a](x.md)[b](y.md) [c](z.md)"), "ab c");
        // Linear however many `](` wait for one `)` far ahead, or stand without a `[`.
        for many in [
            format!("{})", "[x](".repeat(200_000)),
            format!("{})", "](".repeat(200_000)),
        ] {
            let started = std::time::Instant::now();
            assert_eq!(read(&many), many);
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
        }
    }

    #[test]
    fn wiki_links_read_as_words_but_in_code_and_before_a_destination() {
        let mut seen = Vec::new();
        let text = "See [[a|the plan]], `[[code]]`, [[@ann]](https://x) and [[b]] ` [[c|odd]]";
        let words = wiki_as_words(text, true, &mut |r| {
            seen.push(r.to_string());
            format!("<{r}>")
        });
        assert_eq!(
            words,
            "See the plan, `[[code]]`, [[@ann]](https://x) and <b> ` odd"
        );
        assert_eq!(seen, ["b"]);
        // A field's plain text has no code spans and no destinations.
        seen.clear();
        let words = wiki_as_words(text, false, &mut |r| {
            seen.push(r.to_string());
            format!("<{r}>")
        });
        assert_eq!(
            words,
            "See the plan, `<code>`, <@ann>(https://x) and <b> ` odd"
        );
        assert_eq!(seen, ["code", "@ann", "b"]);
    }

    #[test]
    fn a_code_span_closes_at_a_run_of_as_many_backticks() {
        use super::code_span_end;
        assert_eq!(code_span_end("a `b` c", 2), 5);
        assert_eq!(code_span_end("``a`b``c", 0), 7);
        assert_eq!(code_span_end("`a``b`", 0), 6);
        assert_eq!(code_span_end("``a` b", 0), 2);
    }
}

/// A line of inline Markdown as a page reads it: `` `jiff` `` reads `jiff`, `*new*`
/// reads `new`, `[the plan](plan.md)` reads `the plan`; tags and comments are dropped
/// and spaces closed up. Read as a heading's text, so `1. Title` stays a title, not a list.
pub fn plain_inline(text: &str) -> std::borrow::Cow<'_, str> {
    use pulldown_cmark::{Event, Parser, TagEnd};
    if !text.bytes().any(|b| b"[]`*_<>\\&~!".contains(&b)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let heading = format!("# {}", text.replace('\n', " "));
    let mut plain = String::with_capacity(text.len());
    for event in Parser::new_ext(&heading, crate::load::markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => plain.push_str(&t),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    std::borrow::Cow::Owned(plain.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Finds `<!-- audience: a, b -->` … `<!-- /audience -->` blocks; fails closed on any
/// unclosed or unmatched marker. A marker in code is code, shown as written: fenced code
/// is followed line by line, and where that would take a marker for code, the body's
/// code blocks are taken from the Markdown parser the pages are rendered with, since a
/// line that only looks like a fence (indented four spaces, inside an HTML block, in a
/// list item that has ended) opens none, and the block after it would be on every site.
pub fn audience_blocks(body: &str) -> Result<Vec<AudienceBlock>, Vec<BlockError>> {
    // Every marker, and every near miss, is an HTML comment, or was meant as one (see
    // [`marker_like`]): a `!` after `<` or `＜`, looked for in one pass.
    let bytes = body.as_bytes();
    let opened = |at: usize| bytes[..at].ends_with(b"<") || bytes[..at].ends_with("＜".as_bytes());
    if !memchr::memchr_iter(b'!', bytes).any(opened) {
        return Ok(Vec::new());
    }
    let mut fence = crate::import::adr::FencedCode::default();
    let mut code_marker = false;
    let found = blocks_in(body, |trimmed, _| {
        let code = fence.holds(trimmed);
        // A comment started in what may be no code could hold a marker over several lines.
        code_marker |= code && (marker_like(trimmed) || trimmed.starts_with("<!--"));
        code
    });
    if !code_marker {
        return found;
    }
    let code = code_ranges(body);
    blocks_in(body, |_, at| {
        let i = code.partition_point(|r| r.end <= at);
        code.get(i).is_some_and(|r| r.contains(&at))
    })
}

/// Whether the words of a comment written over several lines start as a marker's
/// (`audience: exec`, `/audience`): the block it means to open or close would be on
/// every site.
pub fn split_marker(words: &str) -> bool {
    let words = words.trim_start().trim_start_matches('/').trim_start();
    words.len() >= 8 && words.as_bytes()[..8].eq_ignore_ascii_case(b"audience")
}

/// The columns a line's leading spaces and tabs take, a tab reaching the next multiple
/// of four, as CommonMark counts them.
pub(crate) fn indent_columns(line: &str) -> usize {
    let mut columns = 0;
    for b in line.bytes() {
        match b {
            b' ' => columns += 1,
            b'\t' => columns = columns / 4 * 4 + 4,
            _ => break,
        }
    }
    columns
}

/// What a comment that looks like an audience marker but is none is told, in a document
/// or an imported changelog.
pub const NEAR_MISS: &str = "this looks like an audience marker but is not one: write `<!-- audience: a, b -->` or `<!-- /audience -->` alone on its line";

/// What a closing marker with no block open is told, in a document or a changelog.
pub const UNMATCHED_CLOSE: &str = "`<!-- /audience -->` closes no open audience block";
pub const NO_AUDIENCE: &str = "audience block names no audience";

/// How deep audience blocks may nest. A block inside a block is for the audiences both
/// share, so a few levels say all there is to say; a limit keeps what is worked out for
/// each link and heading, from every block around it, small.
pub const MAX_NESTING: usize = 16;

/// What the opening marker of a block nested deeper than [`MAX_NESTING`] is told, in a
/// document or a changelog.
pub const TOO_DEEP: &str = "audience blocks nest more than 16 deep here: a block inside another is for the audiences both share, so write the audiences this text is for on fewer blocks";

/// What an opening marker never closed is told, in a document or a changelog.
pub const NEVER_CLOSED: &str = "audience block is never closed with `<!-- /audience -->`";

/// Whether a line is an audience marker or looks like one.
pub fn marker_like(trimmed: &str) -> bool {
    // A comment, or what was meant as one but shows as text (`<!– audience: team –>`
    // with dashes a keyboard made long, `＜!-- … --＞` in full-width signs).
    let comment = trimmed.contains("<!--");
    if !comment && !trimmed.contains("<!") && !trimmed.contains("＜!") {
        return false;
    }
    // As it shows: a character that shows nothing inside the word (`aud\u{AD}ience`)
    // would hide it from the comparisons below, and the block from no one.
    let shown: std::borrow::Cow<'_, str> = if trimmed.chars().any(super::frontmatter::shows_nothing)
    {
        trimmed
            .chars()
            .filter(|&c| !super::frontmatter::shows_nothing(c))
            .collect()
    } else {
        trimmed.into()
    };
    let lower = shown.to_lowercase();
    if lower.contains("audience") {
        return true;
    }
    if !comment {
        return false;
    }
    // A comment whose first word is `audience` misspelled (`<!-- audiance: exec -->`,
    // `<!-- audi-ence: exec -->`, `<!-- audi&#101;nce: exec -->`, and the same
    // `<!-- /audiance -->`): written the same way at both ends, the block would be shown
    // to everyone without a closing marker left over to tell. The word runs to the first
    // space or colon; its letters are compared.
    let Some(at) = shown.find("<!--") else {
        return false;
    };
    let words = shown[at + 4..]
        .trim_start()
        .trim_start_matches('/')
        .trim_start();
    let word: String = words
        .chars()
        .take_while(|&c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '&' | '#' | ';'))
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let distance = crate::diag::edit_distance(&word, "audience");
    // Three letters off, where the word starts as `audience` does (`audnc`).
    (5..=11).contains(&word.chars().count())
        && (distance <= 2 || (distance == 3 && word.starts_with("aud")))
}

/// The byte ranges of a text's fenced code blocks, in order, as the renderer reads them.
/// An indented code block is left out: a marker indented four spaces, which a list item
/// ended a line too early makes code, still opens or closes its block (the text it would
/// hide is hidden), as the quick pass above reads it too.
fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::CodeBlockKind;
    Parser::new_ext(text, markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| {
            matches!(
                event,
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_)))
            )
            .then_some(range)
        })
        .collect()
}

/// [`audience_blocks`] with `is_code` telling, for each line trimmed and the offset of its
/// first character that is not a space, whether it is code.
fn blocks_in(
    body: &str,
    mut is_code: impl FnMut(&str, usize) -> bool,
) -> Result<Vec<AudienceBlock>, Vec<BlockError>> {
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    let mut open: Vec<(usize, Vec<String>, (usize, usize))> = Vec::new();
    // A comment over several lines: its first line, and its words so far.
    let mut comment: Option<(usize, String)> = None;
    let mut offset = 0;
    for (i, raw) in body.split_inclusive('\n').enumerate() {
        let span = (offset, offset + raw.len());
        offset += raw.len();
        let trimmed = raw.trim();
        if let Some((line, words)) = &mut comment {
            // The renderer reads a marker here as part of the comment: the block it means
            // to open or close would be on every site.
            if marker_like(trimmed) {
                errors.push(BlockError {
                    line: i,
                    message: "an audience marker inside an HTML comment is no marker: close the comment (`-->`) on a line before it".into(),
                });
            }
            let end = trimmed.find("-->");
            words.push(' ');
            words.push_str(&trimmed[..end.unwrap_or(trimmed.len())]);
            if end.is_some() {
                if split_marker(words) {
                    errors.push(BlockError {
                        line: *line,
                        message: "an audience marker over several lines is no marker: write `<!-- audience: a, b -->` or `<!-- /audience -->` alone on one line".into(),
                    });
                }
                comment = None;
            }
            continue;
        }
        let first = span.0 + (raw.len() - raw.trim_start().len());
        if is_code(trimmed, first) {
            continue;
        }
        // A comment over several lines, as the renderer reads one: a line of its own that
        // starts it, indented three spaces at most (more is code, or the paragraph above),
        // with no `-->` anywhere on it (`<!-->` and `<!--->` end where they start).
        if let Some(rest) = trimmed.strip_prefix("<!--")
            && !trimmed.contains("-->")
            && indent_columns(raw) <= 3
        {
            comment = Some((i, rest.to_string()));
            continue;
        }
        match marker(trimmed) {
            Some(Marker::Open(audiences)) => {
                // Still a block, so that its closing marker closes it and is no error too.
                if audiences.is_empty() {
                    errors.push(BlockError {
                        line: i,
                        message: NO_AUDIENCE.into(),
                    });
                }
                if open.len() == MAX_NESTING {
                    errors.push(BlockError {
                        line: i,
                        message: TOO_DEEP.into(),
                    });
                }
                open.push((i, audiences, span));
            }
            Some(Marker::Close) => match open.pop() {
                Some((_, audiences, open_marker)) => blocks.push(AudienceBlock {
                    audiences,
                    start: open_marker.0,
                    end: span.1,
                    open_marker,
                    close_marker: span,
                }),
                None => errors.push(BlockError {
                    line: i,
                    message: UNMATCHED_CLOSE.into(),
                }),
            },
            // Anything that looks like a marker but is not one would silently show the
            // block to everyone: fail closed.
            None if marker_like(trimmed) => errors.push(BlockError {
                line: i,
                message: NEAR_MISS.into(),
            }),
            None => {}
        }
    }
    for (line, _, _) in open {
        errors.push(BlockError {
            line,
            message: NEVER_CLOSED.into(),
        });
    }
    if errors.is_empty() {
        blocks.sort_by_key(|b| b.start);
        Ok(blocks)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_the_root_resolve_dots_as_browsers_do_and_stay_at_the_root() {
        for (dest, rest) in [
            ("/img/logo.png", Some("img/logo.png")),
            ("/", Some("")),
            ("/../../x", Some("x")),
            ("/a/./b/../c?v=1#top", Some("a/c?v=1#top")),
            ("/%2E%2e/x", Some("x")),
            ("/a/..", Some("")),
            ("/a/b/.", Some("a/b/")),
            ("/..\\..\\x", Some("x")),
            ("/a/...", Some("a/...")),
            ("/a/#../..", Some("a/#../..")),
            ("//host/x", None),
            ("/\\host/x", None),
            ("x/../y", None),
        ] {
            assert_eq!(site_root_path(dest).as_deref(), rest, "{dest}");
        }
    }

    #[test]
    fn slugs_like_code_hosts() {
        assert_eq!(slug("Quarterly review"), "quarterly-review");
        assert_eq!(slug("  Décision: 2.0 / v3!"), "décision-2-0-v3");
    }

    #[test]
    fn slugs_keep_the_marks_of_a_word() {
        // The virama and the vowel signs are of the word (they split it before).
        assert_eq!(slug("हिन्दी भाषा"), "हिन्दी-भाषा");
        assert_eq!(slug("தமிழ் மொழி"), "தமிழ்-மொழி");
        // An accent typed apart is composed: the same anchor as the letter's.
        assert_eq!(slug("Cafe\u{301} Cre\u{300}me"), "café-crème");
        assert_eq!(slug("Cafe\u{301} Cre\u{300}me"), slug("Café Crème"));
        // A word is lowercased whole: Greek's final sigma.
        assert_eq!(slug("ΣΟΦΟΣ ΛΟΓΟΣ"), "σοφος-λογος");
        // Joiners shape a word and are not kept; marks alone are no word.
        assert_eq!(slug("می\u{200c}خواهم"), "میخواهم");
        assert_eq!(slug("a \u{301} b"), "a-b");
    }

    #[test]
    fn an_index_gives_the_lines_a_line_iterator_gives() {
        for text in ["", "\n", "a", "a\n", "\n\nb", "a\r\nb\r", "a\n\n", "é\nü"] {
            let index = LineIndex::new(text);
            for n in 0..5 {
                assert_eq!(
                    index.line(text, n),
                    text.lines().nth(n),
                    "{text:?} line {n}"
                );
            }
        }
    }

    #[test]
    fn anchors_keep_written_ids_and_number_the_rest() {
        let mut anchors = Anchors::default();
        let given: Vec<String> = [
            (None, "A"),
            (Some("a-1"), "Written"),
            (None, "A"),
            (None, "a 1"),
            (None, "?"),
            (None, ""),
            (Some("custom"), "A"),
            (None, "custom"),
        ]
        .into_iter()
        .map(|(id, text)| anchors.assign(id, text))
        .collect();
        assert_eq!(
            given,
            [
                "a",
                "a-1",
                "a-2",
                "a-1-1",
                "section",
                "section-1",
                "custom",
                "custom-1"
            ]
        );
        // Past the few a list holds, a set keeps the same anchors.
        let mut many = Anchors::default();
        let given: Vec<String> = (0..40).map(|_| many.assign(None, "A")).collect();
        let expected: Vec<String> = std::iter::once("a".to_string())
            .chain((1..40).map(|n| format!("a-{n}")))
            .collect();
        assert_eq!(given, expected);
        // A written id taken already is numbered as a slug is.
        assert_eq!(many.assign(Some("a-7"), "x"), "a-7-1");
        assert_eq!(many.assign(None, "a 7"), "a-7-2");
        assert_eq!(many.assign(Some("b"), "x"), "b");
    }

    #[test]
    fn a_heading_never_takes_an_id_the_theme_s_page_holds() {
        let mut anchors = Anchors::default();
        let given: Vec<String> = ["Search results", "Main", "Search results", "Why"]
            .into_iter()
            .map(|text| anchors.assign(None, text))
            .collect();
        assert_eq!(
            given,
            ["search-results-1", "main-1", "search-results-2", "why"]
        );
        // An id the author writes is theirs to choose, but for one the page holds.
        assert_eq!(anchors.assign(Some("main"), "Main"), "main-2");
        assert_eq!(anchors.assign(Some("rollout"), "Main"), "rollout");
        // Beside key results, their rows' ids too, numbered or not.
        let krs: Vec<KeyResult> = ["a", "a-1"]
            .iter()
            .map(|id| {
                toml::from_str(&format!(
                    "id = \"{id}\"\ntitle = \"T\"\nbaseline = 0\ntarget = 1"
                ))
                .unwrap()
            })
            .collect();
        let mut anchors = Anchors::beside(&krs, &[]);
        let given: Vec<String> = ["KR a", "KR a", "KR b"]
            .into_iter()
            .map(|text| anchors.assign(None, text))
            .collect();
        assert_eq!(given, ["kr-a-2", "kr-a-3", "kr-b"]);
        // Beside the ids the project's own templates write, theirs as well.
        let page_ids = ["team-notes".to_string(), "team-notes-1".to_string()];
        let mut anchors = Anchors::beside(&[], &page_ids);
        let given: Vec<String> = ["Team notes", "Team notes", "Main", "Notes"]
            .into_iter()
            .map(|text| anchors.assign(None, text))
            .collect();
        assert_eq!(given, ["team-notes-2", "team-notes-3", "main-1", "notes"]);
        assert!(Anchors::held(&[], &page_ids, "team-notes-1"));
        assert!(!Anchors::held(&[], &page_ids, "notes"));
    }

    #[test]
    fn list_keys_are_slugs_short_enough_for_a_file_name() {
        assert_eq!(list_key("Platform Team"), "platform-team");
        assert_eq!(list_key("?!"), "u3f-21");
        assert_eq!(list_key("🚀"), "u1f680");
        assert_ne!(list_key("🚀"), list_key("🎉"));
        assert_eq!(list_key(" "), "unnamed");
        assert!(list_key(&"🚀".repeat(40)).len() <= LIST_KEY_MAX);
        let whole = "a".repeat(LIST_KEY_MAX);
        assert_eq!(list_key(&whole), whole);
        let long = list_key(&"a".repeat(LIST_KEY_MAX + 1));
        assert_eq!(long.len(), LIST_KEY_MAX);
        assert!(long.starts_with(&"a".repeat(91)) && long.as_bytes()[91] == b'-');
        assert_ne!(long, list_key(&"a".repeat(LIST_KEY_MAX + 2)));
        // Cut between characters, and without a dash before the hash's own.
        let accents = list_key(&"é".repeat(80));
        assert!(accents.len() <= LIST_KEY_MAX && accents.starts_with(&"é".repeat(45)));
        let words = list_key(&"ab ".repeat(60));
        assert!(!words.contains("--"), "{words}");
        assert_eq!(list_key(&"AB ".repeat(60)), words);
    }

    proptest::proptest! {
        #[test]
        fn an_ascii_slug_is_the_slug_by_characters(text in "[ -~]{0,40}") {
            proptest::prop_assert_eq!(slug(&text), slug_chars(&text));
        }

        #[test]
        fn may_link_finds_every_pair_that_opens_a_link(text in "[a\\[\\](): é\n]{0,40}") {
            let expected = text.contains("[[") || text.contains("](") || text.contains("]:");
            proptest::prop_assert_eq!(may_link(&text), expected);
        }
    }

    #[test]
    fn only_a_table_s_wiki_link_with_a_bare_pipe_is_looked_at_again() {
        let table = "| a | b |\n|---|---|\n";
        assert!(may_cut_wiki_link(&format!("{table}| [[x|y]] | z |\n")));
        assert!(may_cut_wiki_link("| [[x|y]] | b |\n|---|---|\n"));
        // Escaped, outside a table, or after the blank line that ends it.
        assert!(!may_cut_wiki_link(&format!("{table}| [[x\\|y]] | z |\n")));
        assert!(!may_cut_wiki_link("See [[x|y]] | and more.\n"));
        assert!(!may_cut_wiki_link(&format!(
            "{table}| a | b |\n\nSee [[x|y]].\n"
        )));
        let mut body = format!("{table}| [[x|y]] | z |\n");
        wiki_pipes_in_tables(&mut body);
        assert_eq!(body, format!("{table}| [[x\\|y]] | z |\n"));
    }

    #[test]
    fn may_link_reads_pairs_at_either_end() {
        assert!(may_link("[[a"));
        assert!(may_link("x]("));
        assert!(may_link("x]:"));
        assert!(!may_link("a ] [ ]"));
        assert!(!may_link("a]"));
        assert!(!may_link("]é("));
        // An element's id, which a link from another page may name.
        assert!(may_link("<div id=\"faq\">x</div>"));
        assert!(may_link("<div\nID = faq>x</div>"));
        assert!(!may_link("<div hidden width=2>x</div>"));
    }

    #[test]
    fn finds_links_and_headings_with_lines() {
        let body = "intro\n\n## Context\n\nSee [[ADR-1]] and [[a|label]] and [x](../b.md#h) and [web](https://x.y/a.md).\n## Context\n";
        let facts = scan(body, 10, &[], &[]);
        let anchors: Vec<_> = facts.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, ["context", "context-1"]);
        let refs: Vec<_> = facts
            .refs
            .iter()
            .map(|r| (r.text.as_str(), r.label.as_deref(), r.line))
            .collect();
        assert_eq!(
            refs,
            [
                ("ADR-1", None, 14),
                ("a", Some("label"), 14),
                ("../b.md#h", Some("x"), 14)
            ]
        );
    }

    #[test]
    fn audience_blocks_nest_and_fail_closed() {
        let body = "a\n<!-- audience: exec, team -->\nsecret\n<!-- audience: exec -->\nmore\n<!-- /audience -->\n<!-- /audience -->\n";
        let blocks = audience_blocks(body).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].audiences, ["exec", "team"]);
        assert!(audience_blocks("<!-- audience: exec -->\nx\n").is_err());
        let err = audience_blocks("x\n<!-- /audience -->\n").unwrap_err();
        assert_eq!(err[0].line, 1);
        // A block for no one is one error; its closing marker closes it.
        let err = audience_blocks("<!-- audience: -->\nx\n<!-- /audience -->\n").unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!((err[0].line, err[0].message.as_str()), (0, NO_AUDIENCE));
    }

    #[test]
    fn audience_blocks_nest_sixteen_deep_at_most() {
        let nested = |n: usize| {
            "<!-- audience: team -->\n".repeat(n) + "x\n" + &"<!-- /audience -->\n".repeat(n)
        };
        assert_eq!(audience_blocks(&nested(MAX_NESTING)).unwrap().len(), 16);
        // Said once, at the first block too deep.
        let errors = audience_blocks(&nested(100)).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].message.as_str()), (16, TOO_DEEP));
        // Blocks one after another are no deeper than one.
        let apart = "<!-- audience: team -->\nx\n<!-- /audience -->\n".repeat(100);
        assert_eq!(audience_blocks(&apart).unwrap().len(), 100);
    }

    #[test]
    fn the_text_outside_nested_blocks_keeps_its_offsets() {
        let body = "a\n<!-- audience: team -->\nb\n<!-- audience: exec -->\nc\n<!-- /audience -->\nd\n<!-- /audience -->\ne\n<!-- audience: team -->\nf\n<!-- /audience -->\n";
        let outside = outside_blocks(body).unwrap();
        assert_eq!(outside.len(), body.len());
        let kept: Vec<&str> = outside.split_whitespace().collect();
        assert_eq!(kept, ["a", "e"]);
        assert_eq!(outside.lines().count(), body.lines().count());
    }

    /// Asserts the body's audience blocks fail with an error saying `words`; its line.
    fn fails_saying(body: &str, words: &str) -> usize {
        let errors = audience_blocks(body).unwrap_err();
        let found = errors.iter().find(|e| e.message.contains(words));
        found.unwrap_or_else(|| panic!("{body:?}: {errors:?}")).line
    }

    #[test]
    fn near_miss_markers_fail_closed() {
        let blocks = audience_blocks("<!--Audience:Exec-->\nx\n<!-- /AUDIENCE -->\n").unwrap();
        assert_eq!(blocks[0].audiences, ["Exec"]);
        assert!(audience_blocks("> <!-- audience: exec -->\nx\n").is_err());
        assert!(audience_blocks("<!-- audiences exec -->\nx\n").is_err());
        // Misspelled the same way at both ends: no closing marker is left over to tell.
        assert!(audience_blocks("<!-- audiance: exec -->\nx\n<!-- /audiance -->\n").is_err());
        assert!(audience_blocks("<!-- Audeince: exec -->\nx\n").is_err());
        // A character that shows nothing inside the word, a sign or an entity in it, three
        // letters off: each at both ends, the block would go to everyone.
        for word in [
            "aud\u{AD}ience",
            "audi\u{200D}ence",
            "au\u{E0061}dience",
            "audi-ence",
            "audi&#101;nce",
            "audnc",
        ] {
            let body = format!("<!-- {word}: exec -->\nx\n<!-- /{word} -->\n");
            assert!(audience_blocks(&body).is_err(), "{word}");
        }
        // Meant as a comment, shown as text: `<!–` with a long dash, full-width signs.
        assert!(audience_blocks("<!– audience: exec –>\nx\n<!– /audience –>\n").is_err());
        assert!(audience_blocks("＜!-- audience: exec --＞\nx\n＜!-- /audience --＞\n").is_err());
        // Comments of other words are comments.
        assert!(
            audience_blocks("<!-- audit: 2026 -->\n<!-- markdownlint-disable -->\nx\n").is_ok()
        );
        for other in [
            "<!-- audio: on -->",
            "<!-- TODO: ask legal -->",
            "<!DOCTYPE html>",
        ] {
            assert!(audience_blocks(&format!("{other}\nx\n")).is_ok(), "{other}");
        }
        // A marker over several lines is no marker to the renderer either.
        for split in [
            "<!--\naudience: exec\n-->\nx\n",
            "<!--\n  Audience: exec -->\nx\n",
            "<!-- audience: exec -->\nx\n<!--\n/audience\n-->\n",
        ] {
            fails_saying(split, "over several lines");
        }
        // Other comments over several lines are comments.
        let note = "<!--\nNote: check the audience of this.\n-->\nx\n";
        assert_eq!(audience_blocks(note).unwrap(), vec![]);
        // A marker the renderer reads as part of a comment is an error.
        let inside = "<!--\nnote\n<!-- audience: exec -->\nsecret\n<!-- /audience -->\n";
        assert_eq!(fails_saying(inside, "inside an HTML comment"), 2);
        // `<!-->` and `<!--->` end where they start, and an indented `<!--` starts no
        // comment: none hides the markers after it.
        for before in ["<!-->\n", "<!--->\n", "    <!--\n\n", "\t<!--\n\n"] {
            let body =
                format!("{before}<!-- audience: exec -->\nsecret\n{before}<!-- /audience -->\n");
            let blocks = audience_blocks(&body).unwrap_or_else(|e| panic!("{before:?}: {e:?}"));
            assert_eq!(blocks.len(), 1, "{before:?}");
            assert!(
                body[blocks[0].start..blocks[0].end].contains("secret"),
                "{before:?}"
            );
        }
    }

    #[test]
    fn markers_inside_code_are_text() {
        let body = "```\n<!-- audience: exec -->\n```\n";
        assert_eq!(audience_blocks(body).unwrap(), vec![]);
    }

    #[test]
    fn a_line_that_only_looks_like_a_fence_hides_no_marker() {
        let block = "<!-- audience: exec -->\nsecret\n<!-- /audience -->\n";
        for before in [
            // Indented four spaces: indented code, which ends at the blank line.
            "Run it:\n\n    ~~~~\n    echo hi\n\n",
            // Inside an HTML block and inside a comment: no code at all.
            "<div>\n```\n</div>\n\n",
            "<!--\n```\n-->\n\n",
            // In a list item, which the paragraph after it ends.
            "- item\n  ```\n  code\n\nAfter.\n\n",
        ] {
            let body = format!("{before}{block}");
            let blocks = audience_blocks(&body).unwrap_or_else(|e| panic!("{before:?}: {e:?}"));
            assert_eq!(blocks.len(), 1, "{before:?}");
            assert_eq!(&body[blocks[0].start..blocks[0].end], block, "{before:?}");
        }
        // A marker over several lines after a seeming fence is one as well.
        let body = "Run it:\n\n    ```\n<!--\naudience: exec\n-->\nsecret\n<!--\n/audience\n-->\n";
        fails_saying(body, "over several lines");
        // A marker in a fence the parser reads as one stays text; one indented four
        // spaces is a marker all the same, whether a fence elsewhere asked for the parser
        // or not: the text it would hide is hidden.
        let body = "```\n<!-- audience: exec -->\n```\n\n    <!-- /audience -->\n";
        fails_saying(body, UNMATCHED_CLOSE);
        let indented =
            "Para.\n\n    <!-- audience: team -->\n    code\n\nsecret\n\n    <!-- /audience -->\n";
        for body in [
            indented.to_string(),
            format!("```\n<!-- x -->\n```\n\n{indented}"),
        ] {
            let blocks = audience_blocks(&body).unwrap_or_else(|e| panic!("{body:?}: {e:?}"));
            assert_eq!(blocks.len(), 1, "{body:?}");
            assert!(
                body[blocks[0].start..blocks[0].end].contains("secret"),
                "{body:?}"
            );
        }
    }

    #[test]
    fn outside_blocks_keeps_offsets_and_blanks_what_blocks_hold() {
        let body = "Open.\n<!-- audience: exec -->\n# Secret é\n<!-- /audience -->\n# Shown\n";
        let outside = outside_blocks(body).unwrap();
        assert_eq!(outside.len(), body.len());
        assert_eq!(outside.lines().count(), body.lines().count());
        assert!(!outside.contains("Secret") && !outside.contains("audience"));
        assert_eq!(first_heading(&outside, false).unwrap().0, "Shown");
        assert_eq!(outside_blocks("# Plain\n"), None);
    }

    #[test]
    fn comments_leave_titles() {
        assert_eq!(without_comments("Plain title"), "Plain title");
        assert_eq!(without_comments("Title <!-- note --> end"), "Title end");
        assert_eq!(without_comments("A<!--x-->B <!-- never closed"), "AB");
    }

    #[test]
    fn first_heading_skips_code() {
        let (title, line, _) =
            first_heading("```\n# not\n```\n\n# 3. Real title\n", false).unwrap();
        assert_eq!((title.as_str(), line), ("3. Real title", 4));
        // Indented code is code too.
        let (title, ..) =
            first_heading("Intro.\n\n    # not a heading\n\n# Real\n", false).unwrap();
        assert_eq!(title, "Real");
    }

    proptest::proptest! {
        #[test]
        fn the_quick_test_turns_away_no_placeholder(
            text in "(TODO|TODOS|T|O|D| |\t|\\*|-|\\+|1\\.|2\\)|\n|```|````|a|é){0,14}"
        ) {
            proptest::prop_assert_eq!(placeholder_lines(&text), scan_placeholder_lines(&text));
        }
    }

    #[test]
    fn placeholders_start_lines_outside_code() {
        let body = "Intro.\n\nTODO\n\n* TODO: list\n- TODOS\n  TODO: indented\n```\nTODO\n```\nNot TODO here.\n";
        assert_eq!(placeholder_lines(body), [2, 4, 6]);
        assert!(placeholder_lines("No placeholders. Today is Tuesday.\n").is_empty());
        // A numbered list's item; code in a longer fence, whose ``` lines do not close it.
        let body = "1. TODO: first step\n2) TODO\n10. Done\n````markdown\n```\nTODO in code\n```\n````\nTODO after\n";
        assert_eq!(placeholder_lines(body), [0, 1, 8]);
    }

    #[test]
    fn a_link_whose_text_is_in_brackets_is_no_wiki_link() {
        let mut body = "By [[@ann]](https://e.com), see [[X]] and `[[y]](z)`.\n".to_string();
        bracketed_link_texts(&mut body);
        assert_eq!(
            body,
            "By [\\[@ann\\]](https://e.com), see [[X]] and `[[y]](z)`.\n"
        );
        let facts = scan(&body, 1, &[], &[]);
        let refs: Vec<&str> = facts.refs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(refs, ["X"]);
    }

    #[test]
    fn first_heading_reads_setext_titles() {
        let body = "\nUse Postgres for jobs\n=====================\n\nContext.\n";
        let (title, line, range) = first_heading(body, false).unwrap();
        assert_eq!((title.as_str(), line), ("Use Postgres for jobs", 1));
        assert_eq!(
            &body[range],
            "Use Postgres for jobs\n=====================\n"
        );
        // Whichever comes first, ATX or setext.
        let (title, ..) = first_heading("First\n===\n\n# Second\n", false).unwrap();
        assert_eq!(title, "First");
        // Not a heading: a line of `=` under the second line of a paragraph, under a list
        // item or a quote, or alone; and a level-two underline.
        for body in [
            "Two lines\nof text\n===\n",
            "- item\n===\n",
            "> quote\n===\n",
            "1. step\n===\n",
            "===\n",
            "Section\n-------\n",
            "```\nTitle\n===\n```\n",
        ] {
            assert_eq!(first_heading(body, false), None, "{body:?}");
        }
        // An imported record's numbered title.
        let (title, line, range) = first_heading("9. Juliet\n===\n\nText.\n", true).unwrap();
        assert_eq!((title.as_str(), line, range), ("9. Juliet", 0, 0..14));
        assert_eq!(first_heading("- item\n===\n", true), None);
    }
}
