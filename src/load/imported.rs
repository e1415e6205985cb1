//! Records written for other tools: decision records in adr-tools, log4brains and MADR form,
//! and a Keep a Changelog file turned into releases and change entries.

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::diag::{Diagnostic, Location};
use crate::import::adr::{self, AdrRelKind, AdrRelation};
use crate::import::changelog::{self, ChangelogRelease};
use crate::model::{Category, DateText, Document, Kind, RefText, RelKind};

/// Folder indexes and record templates that sit among imported records but are not records.
pub fn is_not_a_record(rel: &Path) -> bool {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    // A template's name has the word `template` and no record number (`adr-template`,
    // `template-minimal`, `0000-template`); `0012-use-templates-for-emails` is a record.
    let template = stem
        .split(['-', '_', '.', ' '])
        .any(|word| word == "template")
        && adr::number_from_stem(&stem).is_none_or(|n| n == 0);
    matches!(stem.as_str(), "index" | "_index" | "readme") || template
}

/// Adds relations found in status text or the body; `line_offset` is the file line of the
/// text's first line.
pub fn push_relations(doc: &mut Document, relations: Vec<AdrRelation>, line_offset: usize) {
    for rel in relations {
        let (kind, inverse) = match rel.kind {
            AdrRelKind::Supersedes => (RelKind::Supersedes, false),
            AdrRelKind::SupersededBy => (RelKind::Supersedes, true),
            AdrRelKind::Amends => (RelKind::Amends, false),
            AdrRelKind::AmendedBy => (RelKind::Amends, true),
            AdrRelKind::Extends => (RelKind::Extends, false),
            AdrRelKind::ExtendedBy => (RelKind::Extends, true),
            AdrRelKind::RelatesTo => (RelKind::RelatesTo, false),
        };
        doc.refs.push(RefText {
            kind,
            text: rel.target,
            label: rel.label,
            line: line_offset + rel.line.saturating_sub(1),
            col: 1,
            inverse,
            audiences: Vec::new(),
            defined_at: None,
            phrase: rel.phrase,
        });
    }
}

/// The 1-based column, in characters, of the link whose destination `written` (`](dest`)
/// closes in `line`: its `[`, or an image's `!`; the `]`'s where no `[` on the line opens it.
fn link_column(line: &str, written: &str) -> usize {
    let Some(close) = line.find(written) else {
        return 1;
    };
    let mut depth = 0usize;
    let mut open = close;
    for (at, c) in line[..close].char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' if depth == 0 => {
                open = at;
                break;
            }
            '[' => depth -= 1,
            _ => {}
        }
    }
    if line[..open].ends_with('!') && open < close {
        open -= 1;
    }
    line[..open].chars().count() + 1
}

/// Number, title, status, date, deciders, tags and relations from an imported record's body,
/// for whatever the frontmatter did not give.
/// `outside` is the body with its audience blocks blanked, when it has any: a record's
/// fields are read from what every site shows.
pub fn apply_body(
    doc: &mut Document,
    outside: Option<&str>,
    diags: &mut Vec<Diagnostic>,
    shown: &Path,
) {
    let found = adr::parse_adr_body(outside.unwrap_or(&doc.body));
    let first = doc.body_line;
    // Who may read a record is never guessed: a line that would say it in the body
    // (`- Audience: exec`, as the record's other fields are written) is read as text, and
    // the record would go to every site of the default audience.
    if doc.audience.is_none()
        && let Some((line, key)) = &found.audience_line
    {
        let loc = Location::new(shown, first + line.saturating_sub(1), 1);
        let message = format!(
            "this line says the record's `{key}`, but who may read a record is said only in its frontmatter: without it the record goes to every site of the default audience; add frontmatter that opens the file (`---` / `audience: [exec]` / `---`)"
        );
        diags.push(Diagnostic::error(loc, message));
    }
    if doc.number.is_none() {
        let stem = doc
            .source
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        // The file name's number, which no two records share, over the title's, which
        // a record copied from another may still have wrong.
        let from_file = stem.as_deref().and_then(adr::number_from_stem);
        doc.number = from_file.or(found.number);
        if let (Some(file), Some(titled), Some(title)) = (from_file, found.number, &found.title)
            && file != titled
        {
            let loc = Location::new(shown, first + title.line.saturating_sub(1), 1);
            let message = format!(
                "the title numbers this record {titled} and its file name {file}: {file} is used"
            );
            diags.push(Diagnostic::warning(loc, message).with_rule("number-mismatch"));
        }
    }
    if doc.title.is_empty()
        && let Some(title) = &found.title
    {
        // As a page's title heading reads: plain words, a link's text and never its
        // address, which may name a document a site hides.
        let mut labelless = Vec::new();
        doc.title = super::body::title_words(&title.value, &mut labelless);
        for reference in labelless {
            let loc = Location::new(shown, first + title.line.saturating_sub(1), 1);
            diags.push(Diagnostic::error(
                loc,
                super::labelless_in_title(&reference),
            ));
        }
    }
    // A line that says a field the page shows, and nothing else, is left out of the
    // body, as the title's heading is: `Date: 2017-06-30` beside the date the page's
    // fields give, a `## Status` section that holds the status its badge shows. Each is
    // made a comment of its length, so that every offset and line after it stays where
    // it was.
    let mut shown_elsewhere = Vec::new();
    let mut section = None;
    // The day the status says it was reached (`Accepted on 2021-03-01`): the date where
    // nothing else gives one.
    let mut status_day = None;
    if doc.status.is_none()
        && let Some(status) = &found.status
    {
        // A footnote's reference is no part of a field (`Status: Accepted[^vote]`).
        let value = super::body::without_footnote_references(&status.value);
        let (text, relations, day) = adr::read_status(&value, status.line);
        status_day = day;
        doc.status = Some(text);
        // Findings about the status stand at the line that says it.
        let line = first + status.line.saturating_sub(1);
        doc.field_lines.push(("status".into(), line));
        push_relations(doc, relations, first);
        shown_elsewhere.extend(&found.status_lines);
        section.clone_from(&found.status_section);
    }
    if doc.date.is_none()
        && let Some(date) = &found.date
    {
        let (day, warning) =
            adr::record_date(&super::body::without_footnote_references(&date.value));
        if let Some((rule, message)) = warning {
            let loc = Location::new(shown, first + date.line.saturating_sub(1), 1);
            diags.push(Diagnostic::warning(loc, message).with_rule(rule));
        }
        doc.date = Some(day);
        let line = first + date.line.saturating_sub(1);
        doc.field_lines.push(("date".into(), line));
        shown_elsewhere.extend(found.date_line);
    }
    if doc.date.is_none() {
        doc.date = status_day.map(crate::model::DateText::Date);
    }
    // People are fields, shown where the site shows people and only there (a public
    // site leaves them out): the lines that name them go, with the lines that go on
    // naming them, whether they are read or the frontmatter names the people.
    for (field, found) in [
        (&mut doc.deciders, found.deciders),
        (&mut doc.consulted, found.consulted),
        (&mut doc.informed, found.informed),
    ] {
        if field.is_empty() {
            *field = (found.into_iter())
                .map(|name| {
                    super::body::without_footnote_references(&name)
                        .trim()
                        .to_string()
                })
                .filter(|name| !name.is_empty())
                .collect();
        }
    }
    let people_lines = found.people_lines;
    if doc.tags.is_empty() {
        doc.tags = found.tags;
        shown_elsewhere.extend(found.tags_line);
    }
    push_relations(doc, found.relations, first);
    // Only a line that is a block of its own goes: a paragraph of one line, an item of
    // one line with nothing under it, a heading; never a line of code, of a table, of a
    // comment, or one that more words continue.
    let blocks = (!shown_elsewhere.is_empty()).then(|| LoneLines::of(&doc.body));
    let mut alone: Vec<usize> = shown_elsewhere
        .iter()
        .copied()
        .filter(|line| blocks.as_ref().is_some_and(|b| b.lines.contains(line)))
        .collect();
    // A paragraph of several such lines (`Status: Accepted` over `Date: 2017-06-30`, or
    // the same in a quote) goes whole, and so does a quote that holds nothing else. One
    // that says more loses the field lines it starts with, as a header above its words
    // (`Reviewed yearly by the board.`), unless a word in lower case goes on from them
    // (`Date: 2024-07-03` over `was when we chose`); a field line after its words is
    // part of what they say, and stays.
    let mut bare = Vec::new();
    for (lines, whole_quote) in blocks.iter().flat_map(|b| &b.paragraphs) {
        let said = |line: &usize| shown_elsewhere.contains(line) || people_lines.contains(line);
        let head: Vec<usize> = lines.clone().take_while(said).collect();
        let all = head.len() == lines.clone().count();
        let goes_on = !head.is_empty()
            && lines.clone().nth(head.len()).is_some_and(|next| {
                let text = doc.body.split('\n').nth(next - 1).unwrap_or_default();
                let words = text.trim_start().trim_start_matches(['>', ' ', '\t']);
                words.chars().next().is_some_and(char::is_lowercase)
            });
        if all || !goes_on {
            for line in head {
                if !alone.contains(&line) {
                    alone.push(line);
                }
            }
        }
        if all && *whole_quote {
            bare.extend(lines.clone());
        }
    }
    if let Some((lines, anchor)) = section {
        // A status section that holds an audience block stays whole: what the block
        // says under the heading is for the sites that show it. So does one whose
        // anchor another heading of the body has, in a block or by its `{#id}`.
        let (skip, take) = (lines.start() - 1, lines.clone().count());
        let read = |text| str::split(text, '\n').skip(skip).take(take);
        let in_blocks = outside.is_some_and(|outside| read(outside).ne(read(&doc.body)));
        let shared = blocks
            .as_ref()
            .is_none_or(|b| b.anchors.iter().filter(|a| **a == anchor).count() > 1);
        let whole = found.status_lines.iter().filter(|l| lines.contains(l));
        if in_blocks || shared || whole.clone().any(|line| !alone.contains(line)) {
            alone.retain(|line| !lines.contains(line));
        } else {
            // A link to the section leads to the page, whose header says the status.
            doc.left_out_anchors.push(anchor);
        }
    }
    let people_lines: Vec<usize> = (people_lines.into_iter())
        .filter(|line| !alone.contains(line))
        .collect();
    for line in alone.into_iter().chain(people_lines) {
        comment_out_line(&mut doc.body, line, bare.contains(&line));
    }
}

/// The lines (from 1) of a body that are each a block of their own at its top level or
/// in a top-level list: a paragraph of one line, a list item of one line with nothing
/// under it, a heading of one line; and the anchors of every heading, as the page gives
/// them.
struct LoneLines {
    lines: std::collections::HashSet<usize>,
    anchors: Vec<String>,
    /// The lines of each paragraph of several lines at the top level, and of each
    /// paragraph right in a top-level quote, with whether the quote holds nothing else.
    paragraphs: Vec<(std::ops::RangeInclusive<usize>, bool)>,
}

impl LoneLines {
    fn of(body: &str) -> LoneLines {
        use pulldown_cmark::{Event, Parser, Tag, TagEnd};
        let index = super::body::LineIndex::new(body);
        let line_of = |offset: usize| index.locate(offset).0 + 1;
        let one_line = |range: &std::ops::Range<usize>| {
            let text = body[range.clone()].trim_end_matches(['\n', '\r']);
            !text.contains(['\n', '\r'])
        };
        let last_line = |range: &std::ops::Range<usize>| {
            let text = body[range.clone()].trim_end();
            line_of(range.start + text.len().saturating_sub(1))
        };
        let mut lone = LoneLines {
            lines: Default::default(),
            anchors: Vec::new(),
            paragraphs: Vec::new(),
        };
        // In a top-level quote: how many blocks it holds, and the lines of its paragraph.
        let mut quote: Option<(usize, Option<std::ops::RangeInclusive<usize>>)> = None;
        // The open blocks, the item of one line while nothing but its words is in it,
        // and the heading being read with its id and words.
        let mut open: Vec<Tag<'_>> = Vec::new();
        let mut item: Option<usize> = None;
        let mut heading: Option<(Option<String>, String)> = None;
        for (event, range) in
            Parser::new_ext(body, super::body::markdown_options()).into_offset_iter()
        {
            match event {
                Event::Start(tag) => {
                    // A block inside an item makes it more than its line.
                    if !matches!(tag, Tag::Paragraph | Tag::Item) && !is_inline(&tag) {
                        item = None;
                    }
                    let top = open.iter().all(|t| matches!(t, Tag::List(_) | Tag::Item));
                    let depth = open.iter().filter(|t| matches!(t, Tag::List(_))).count();
                    let in_quote = matches!(open.as_slice(), [Tag::BlockQuote(_)]);
                    if let Some((blocks, paragraph)) = quote.as_mut().filter(|_| in_quote) {
                        *blocks += 1;
                        if tag == Tag::Paragraph {
                            *paragraph = Some(line_of(range.start)..=last_line(&range));
                        }
                    }
                    match &tag {
                        Tag::BlockQuote(_) if open.is_empty() => quote = Some((0, None)),
                        Tag::Paragraph if open.is_empty() && one_line(&range) => {
                            lone.lines.insert(line_of(range.start));
                        }
                        Tag::Paragraph if open.is_empty() => {
                            let lines = line_of(range.start)..=last_line(&range);
                            lone.paragraphs.push((lines, false));
                        }
                        Tag::Item if top && depth == 1 && one_line(&range) => {
                            item = Some(line_of(range.start));
                        }
                        Tag::Heading { id, .. } => {
                            let id = id.as_deref().map(str::to_string);
                            if open.is_empty() && one_line(&range) {
                                lone.lines.insert(line_of(range.start));
                            }
                            heading = Some((id, String::new()));
                        }
                        _ => {}
                    }
                    open.push(tag);
                }
                Event::End(end) => {
                    open.pop();
                    if open.is_empty()
                        && let Some((blocks, Some(lines))) = quote.take()
                    {
                        lone.paragraphs.push((lines, blocks == 1));
                    }
                    if end == TagEnd::Item
                        && let Some(line) = item.take()
                    {
                        lone.lines.insert(line);
                    }
                    if matches!(end, TagEnd::Heading(_))
                        && let Some((id, text)) = heading.take()
                    {
                        lone.anchors
                            .push(id.unwrap_or_else(|| crate::load::slug(&text)));
                    }
                }
                Event::Text(text) | Event::Code(text) => {
                    if let Some((_, words)) = &mut heading {
                        words.push_str(&text);
                    }
                }
                _ => {}
            }
        }
        lone
    }
}

/// Whether a tag is inline (emphasis, a link), which leaves its block one block.
fn is_inline(tag: &pulldown_cmark::Tag<'_>) -> bool {
    use pulldown_cmark::Tag;
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

/// Turns the `line`th line (1-based) of `text` into an HTML comment of its length (no
/// site shows comments), its line end kept. The comment starts where the line's words did,
/// after its list marker: in a list (`- Status: …`, `- Deciders: …`, `- Date: …`) it
/// continues the item before it, where a blank line would part the items and spread the
/// list out; never four columns in or more, where a comment after another would be code
/// (`  - Ann` under `- Deciders:`). A line too short for a comment becomes spaces.
fn comment_out_line(text: &mut String, line: usize, bare: bool) {
    let index = super::body::LineIndex::new(text);
    let at = line.saturating_sub(1);
    let (Some(start), Some(written)) = (index.start(at), index.line(text, at)) else {
        return;
    };
    let len = written.len();
    // A quote's markers stay, so that the quote goes on around the comment, unless the
    // quote goes whole (`bare`).
    let words = match bare {
        true => written.trim_start(),
        false => adr::unquoted(written).trim_start(),
    };
    let quoted = &written[..len - words.len()];
    let marker = words
        .strip_prefix(['-', '*', '+'])
        .filter(|rest| rest.starts_with(' '))
        .map_or(0, |rest| 1 + (rest.len() - rest.trim_start().len()));
    // The quote's markers as written, then the comment's indentation in spaces.
    let quote_end = quoted.rfind('>').map_or(0, |at| at + 1);
    let columns: usize = (quoted[quote_end..].chars())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let head = format!(
        "{}{}",
        &quoted[..quote_end],
        " ".repeat((columns + marker).min(3))
    );
    let kept = if len >= head.len() + "<!---->".len() {
        format!("{head}<!--{}-->", " ".repeat(len - head.len() - 7))
    } else {
        " ".repeat(len)
    };
    text.replace_range(start..start + len, &kept);
}

/// What the Keep a Changelog file named in `align.toml` holds.
#[derive(Default)]
pub struct Changelog {
    /// Its releases and change entries.
    pub docs: Vec<Document>,
    pub diags: Vec<Diagnostic>,
    /// The web address its `[Unreleased]` link definition gives (on a code host, every
    /// change since the last release), which closes the changelog's Unreleased section.
    pub unreleased_link: Option<String>,
}

/// Releases and change entries from the Keep a Changelog file named in `align.toml`.
pub fn changelog(
    dir: &Path,
    file: &Path,
    read: &std::io::Result<Vec<u8>>,
    config: &Config,
) -> Changelog {
    let shown = dir.join(file);
    let text = match read.as_ref().map(|bytes| std::str::from_utf8(bytes)) {
        Ok(Ok(text)) => super::normalise(text).into_owned(),
        Ok(Err(err)) => {
            let bytes = read.as_deref().unwrap_or_default();
            let at = super::not_utf8(&shown, bytes, err);
            return Changelog {
                diags: vec![Diagnostic::error(
                    at,
                    "changelog is not valid UTF-8 here: save it as UTF-8",
                )],
                ..Changelog::default()
            };
        }
        Err(err) => {
            let message = format!(
                "cannot read the changelog named in align.toml ([import] changelog): {err}"
            );
            return Changelog {
                diags: vec![Diagnostic::error(Location::new(&shown, 1, 1), message)],
                ..Changelog::default()
            };
        }
    };
    let parsed = changelog::parse_changelog(&text);
    let audience = config.import.changelog_audience.clone();
    let mut diags = Vec::new();
    for &line in &parsed.withheld {
        let loc = Location::new(&shown, line, 1);
        let message = "release prose inside an audience block is left out: a release's prose is its summary, which every site showing the release shows (write it in a bullet, which becomes a change for the block's audiences)";
        diags.push(Diagnostic::warning(loc, message).with_rule("withheld-prose"));
    }
    for &(heading, line) in &parsed.unread {
        let loc = Location::new(&shown, line, 1);
        let message = format!(
            "the entries under the heading on line {heading} are not read: it names no release (a release's heading is `## [1.2.0] - 2024-01-31`, `## [Unreleased]` or a name in brackets with a date)"
        );
        diags.push(Diagnostic::warning(loc, message).with_rule("unread-changelog-entries"));
    }
    for &(line, message) in &parsed.marker_errors {
        diags.push(Diagnostic::error(Location::new(&shown, line, 1), message));
    }
    for &line in &parsed.withheld_defs {
        let loc = Location::new(&shown, line, 1);
        let message = "a link definition inside an audience block is left out: the changelog's link definitions serve every release and change on every site (write the address in the link itself)";
        diags.push(Diagnostic::warning(loc, message).with_rule("withheld-prose"));
    }
    // Links to files of the repository lead nowhere on a site: they become their text.
    let lines: Vec<&str> = text.lines().collect();
    let unpublished = |body: &mut String, first: usize, diags: &mut Vec<Diagnostic>| {
        for (line, dest) in local_links_as_text(body) {
            // The text was joined from the file's lines with blank runs closed up, so the
            // link stands on that line of the file or a little further: it is looked for
            // there, among the next lines (a bounded search, however long the file).
            let written = format!("]({dest}");
            let from = first + line;
            // A raw HTML address (`href="docs/guide.html"`) is looked for as it is.
            let found = (from..from + 200)
                .find_map(|n| Some((n, lines.get(n - 1).filter(|l| l.contains(&written))?)))
                .map(|(at, line)| (at, link_column(line, &written)))
                .or_else(|| {
                    (from..from + 200).find_map(|n| {
                        let line = lines.get(n - 1)?;
                        let column = line[..line.find(dest.as_str())?].chars().count() + 1;
                        Some((n, column))
                    })
                });
            let loc = match found {
                Some((at, column)) => Location::new(&shown, at, column),
                None => Location::new(&shown, from, 1),
            };
            let message = format!(
                "the changelog links to `{dest}`, a file of the repository that no site publishes: shown as text (write the link as a web address to keep it)"
            );
            diags.push(Diagnostic::warning(loc, message).with_rule("unpublished-link"));
        }
    };
    // An empty `changelog_audience` hides everything, said once at the setting (the
    // `unknown-audience` rule) rather than once per entry here.
    let hides_all = audience.as_ref().is_some_and(Vec::is_empty);
    let no_audience = |line: usize, what: &str, diags: &mut Vec<Diagnostic>| {
        if hides_all {
            return;
        }
        let loc = Location::new(&shown, line, 1);
        let message = format!(
            "the audience blocks around this {what} share no audience with `changelog_audience`, so no site shows it"
        );
        diags.push(Diagnostic::warning(loc, message).with_rule("unknown-audience"));
    };
    let mut docs = Vec::new();
    // A version written twice (a release edited back in, or two Unreleased sections)
    // loads as two releases, the later one's pages under `~2` (no version holds a `~`):
    // the changelog is read as it is, and `duplicate-version` says what is wrong with it.
    let mut folders: HashMap<String, usize> = HashMap::new();
    let own = sorted(
        audience
            .clone()
            .unwrap_or_else(|| config.default_audience()),
    );
    for release in &parsed.releases {
        let folder = release_folder(release);
        let seen = folders.entry(folder.clone()).or_default();
        *seen += 1;
        let folder = match *seen {
            1 => folder,
            n => format!("{folder}~{n}"),
        };
        match (release.date, &release.date_raw) {
            (None, Some(written)) => {
                // Shown as written, and left out of what is ordered or dated by day.
                let loc = Location::new(&shown, release.line, 1);
                let message = format!(
                    "cannot read the release date `{written}`; kept as written (write dates as YYYY-MM-DD)"
                );
                diags.push(Diagnostic::warning(loc, message).with_rule("unreadable-date"));
            }
            // `02/03/2024`, read day first as a record's date is, and said so: the date
            // orders the changelog and the feed.
            (Some(_), Some(written)) => {
                if let (_, Some((rule @ "ambiguous-date", message))) = adr::record_date(written) {
                    let loc = Location::new(&shown, release.line, 1);
                    diags.push(Diagnostic::warning(loc, message).with_rule(rule));
                }
            }
            _ => {}
        }
        let release_audience = entry_audience(audience.as_ref(), &release.blocks, config);
        if release.version.is_some() && release_audience.as_ref().is_some_and(Vec::is_empty) {
            no_audience(release.line, "release", &mut diags);
        }
        let release_doc = release.version.as_ref().map(|version| {
            let mut doc = release_document(file, &folder, version, release, release_audience);
            // The summary reads the prose as the page does (see the entries' titles).
            let prose = as_read(&release.intro, &parsed.link_defs);
            doc.summary = Some(first_paragraph(&prose, 280)).filter(|s| !s.is_empty());
            unpublished(&mut doc.body, doc.body_line, &mut diags);
            // The changelog's link for the version (`[1.2.0]: …/compare/v1.1.0...v1.2.0`)
            // closes the release's page.
            // Or the heading's own (`## [1.2.0](…/compare/v1.1.0...v1.2.0)`).
            let own = release.link.as_deref().filter(|url| is_web(url));
            if let Some(url) = version_link(&parsed.link_defs, version).or(own) {
                doc.body.push_str(&format!(
                    "\n\n[Every change in {version}]({})\n",
                    link_url(url)
                ));
            }
            // A footnote defined in one of the changelog's audience blocks is left out
            // with its references, in the release's prose too (see the entries').
            let hidden = crate::audience::HIDDEN_FOOTNOTE;
            for line in (parsed.link_defs.lines()).filter(|line| line.ends_with(hidden)) {
                doc.body.push_str(&format!("\n\n{line}\n"));
            }
            doc
        });
        let release_ref = release_doc.as_ref().map(|d| d.path_id.clone());
        docs.extend(release_doc);
        // Changes are numbered in turn among those of one audience: a site that shows
        // some of a release's changes sees no gap where those it hides would stand, and
        // names no audience but its own (`v1.2.0/001`, `v1.2.0/team-001`).
        let mut numbers: HashMap<Option<Vec<String>>, usize> = HashMap::new();
        for section in &release.sections {
            for entry in &section.entries {
                let seen_by = entry_audience(audience.as_ref(), &entry.blocks, config);
                if seen_by.as_ref().is_some_and(Vec::is_empty) {
                    no_audience(entry.line, "change", &mut diags);
                }
                // Among the changelog's own audience's, or those of a narrower one.
                let seen = sorted(seen_by.clone().unwrap_or_else(|| own.clone()));
                let narrower = (seen != own).then_some(seen);
                let n = numbers.entry(narrower.clone()).or_default();
                *n += 1;
                let path_id = match narrower {
                    None => format!("{folder}/{n:03}"),
                    Some(names) if names.is_empty() => format!("{folder}/none-{n:03}"),
                    Some(names) => format!("{folder}/{}-{n:03}", audience_key(&names, config)),
                };
                // The title reads the entry as its page does: reference links resolved
                // (`[@ann]` with `[@ann]: https://…` at the bottom reads `@ann`) and a
                // link whose text is in brackets a link (`[[@ann]](https://…)`).
                let mut body = as_read(&entry.text, &parsed.link_defs);
                let title = entry_title(&body, entry.breaking);
                unpublished(&mut body, entry.line, &mut diags);
                let mut doc = Document {
                    source: file.to_path_buf(),
                    path_id,
                    kind: Kind::Change,
                    title,
                    imported: true,
                    audience: seen_by,
                    category: section.category.and_then(Category::parse),
                    category_text: Some(section.name.clone()).filter(|n| !n.is_empty()),
                    breaking: entry.breaking,
                    body,
                    body_line: entry.line,
                    ..Document::default()
                };
                doc.html_past_bound = crate::render::markdown::past_html_bound(&doc.body);
                if let Some(target) = &release_ref {
                    doc.refs.push(RefText {
                        kind: RelKind::Release,
                        text: target.clone(),
                        label: None,
                        line: entry.line,
                        col: 1,
                        inverse: false,
                        audiences: Vec::new(),
                        defined_at: None,
                        phrase: None,
                    });
                }
                docs.push(doc);
            }
        }
    }
    Changelog {
        docs,
        diags,
        unreleased_link: version_link(&parsed.link_defs, "Unreleased").map(str::to_string),
    }
}

/// Text of the changelog as a page reads it: its reference links with the changelog's
/// definitions, and a link whose text is in brackets (`[[@ann]](https://…)`) a link.
fn as_read(text: &str, defs: &str) -> String {
    let mut text = join_link_defs(text, defs);
    crate::load::bracketed_link_texts(&mut text);
    crate::load::body::wiki_pipes_in_tables(&mut text);
    text
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names.dedup();
    names
}

/// Audience names as a part of a path: one name as it is, anything but letters, digits,
/// `-` and `_` made `-` (`team`); several, which a site showing the change need not all
/// hold (`team, exec` on the team site), by a hash of them (`a3f09c2e`), so that no page
/// names an audience its site does not have. The hash is keyed with every audience
/// `align.toml` names, which no site shows whole, so that a name guessed cannot be
/// checked against it. Names are matched exactly, so no two lists share one unless their
/// names differ only in those characters.
fn audience_key(names: &[String], config: &Config) -> String {
    if let [_, _, ..] = names {
        let mut known: Vec<&String> = (config.sites.values())
            .flat_map(|site| &site.audiences)
            .chain(config.default_audience.iter().flatten())
            .chain(config.import.changelog_audience.iter().flatten())
            .collect();
        known.sort_unstable();
        known.dedup();
        let mut hasher = blake3::Hasher::new();
        for name in known {
            hasher.update(name.as_bytes()).update(b"\n");
        }
        hasher.update(b"\0").update(names.join("\n").as_bytes());
        return format!("a{}", &hasher.finalize().to_hex()[..8]);
    }
    let safe = |name: &String| -> String {
        name.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    names.iter().map(safe).collect::<Vec<_>>().join("+")
}

/// Who may see a change entry: the changelog's audience, narrowed to the audiences of
/// each audience block the entry is written in.
fn entry_audience(
    audience: Option<&Vec<String>>,
    blocks: &[Vec<String>],
    config: &Config,
) -> Option<Vec<String>> {
    if blocks.is_empty() {
        return audience.cloned();
    }
    let mut shown = audience
        .cloned()
        .unwrap_or_else(|| config.default_audience());
    for block in blocks {
        shown.retain(|a| block.contains(a));
    }
    Some(shown)
}

/// Turns the inline links and images of a changelog entry that lead to local files
/// (`[config](./KEY_CONFIG.md)`, `![demo](assets/demo.gif)`) into their text: they name
/// files beside the changelog in its repository, which no site publishes, so on a page
/// they would lead nowhere. Each one's line in the text (0-based) and address.
fn local_links_as_text(body: &mut String) -> Vec<(usize, String)> {
    use pulldown_cmark::{Event, LinkType, Parser, Tag};
    if !body.contains("](") && !body.contains('<') {
        return Vec::new();
    }
    let local = |dest: &str| {
        !dest.is_empty() && !crate::load::has_scheme(dest) && !dest.starts_with(['#', '/'])
    };
    let mut found = Vec::new();
    // Raw HTML's addresses (`<a href="docs/guide.html">`): the attribute goes, and the
    // element stays, a link to nowhere no more.
    let mut raw: Vec<(std::ops::Range<usize>, String, Vec<String>)> = Vec::new();
    for (event, range) in Parser::new_ext(body, crate::load::markdown_options()).into_offset_iter()
    {
        // Inside a link that goes (`[<a href="x.html">x</a>](x.md)`), with its text.
        let in_link = |found: &[(std::ops::Range<usize>, _, _)]| {
            found
                .last()
                .is_some_and(|(outer, _, _)| range.start < outer.end)
        };
        if let Event::Html(html) | Event::InlineHtml(html) = &event
            && !in_link(&found)
            && html.contains('=')
            && let Some((kept, dropped)) = crate::render::markdown::without_addresses(html, local)
            && body.get(range.clone()) == Some(html.as_ref())
        {
            raw.push((range, kept, dropped));
            continue;
        }
        let (Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            ..
        })) = event
        else {
            continue;
        };
        let source = &body[range.clone()];
        let inline = link_type == LinkType::Inline && source.ends_with(')');
        let label_start = source.find('[').map(|at| at + 1);
        let label_end = label_start.and_then(|start| closing_bracket(source, start));
        // An image inside a link is the link's text, and goes with it.
        if let (true, true, Some(start), Some(end)) =
            (inline, local(&dest_url), label_start, label_end)
            && start <= end
            && !in_link(&found)
        {
            found.push((range, start..end, dest_url.to_string()));
        }
    }
    let mut edits: Vec<(std::ops::Range<usize>, String, Vec<String>)> = found
        .into_iter()
        .map(|(range, label, dest)| {
            let text = &body[range.clone()][label];
            // Raw HTML in the text loses its local addresses too.
            match crate::render::markdown::without_addresses(text, local) {
                Some((kept, more)) => (range, kept, [vec![dest], more].concat()),
                None => (range, text.to_string(), vec![dest]),
            }
        })
        .collect();
    edits.extend(raw);
    edits.sort_by_key(|edit| edit.0.start);
    // Each edit's line, counted on from the one before: thousands of links stay linear.
    let (mut line, mut counted) = (0, 0);
    let lines: Vec<usize> = (edits.iter())
        .map(|(range, ..)| {
            line += body[counted..range.start].matches('\n').count();
            counted = range.start;
            line
        })
        .collect();
    let mut dropped = Vec::new();
    // From the last, so that the earlier ranges still hold.
    for ((range, text, dests), line) in edits.into_iter().zip(lines).rev() {
        body.replace_range(range, &text);
        dropped.extend(dests.into_iter().rev().map(|dest| (line, dest)));
    }
    dropped.reverse();
    dropped
}

/// Where the `]` closing a link's text that starts at `start` stands: brackets nest,
/// and escaped ones and those in code spans do not count. The destination may hold
/// brackets too (`[text]([#66](https://…))`), so the last `](` is not the one.
fn closing_bracket(source: &str, start: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 1;
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 1,
            b'`' => {
                at = crate::load::body::code_span_end(source, at);
                continue;
            }
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

fn release_folder(release: &ChangelogRelease) -> String {
    match &release.version {
        Some(version) => {
            let safe: String = version
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || ".-_+".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            format!("changelog/v{safe}")
        }
        None => "changelog/unreleased".to_string(),
    }
}

fn release_document(
    file: &Path,
    folder: &str,
    version: &str,
    release: &ChangelogRelease,
    audience: Option<Vec<String>>,
) -> Document {
    let title = match &release.suffix {
        Some(suffix) => format!("{version} — {suffix}"),
        None => version.to_string(),
    };
    // A version listed in a changelog has shipped, dated or not; `Unreleased` is kept apart.
    let status = if release.yanked { "yanked" } else { "released" };
    Document {
        source: file.to_path_buf(),
        path_id: folder.to_string(),
        kind: Kind::Release,
        title,
        imported: true,
        status: Some(status.to_string()),
        version: Some(version.to_string()),
        date: release
            .date
            .map(DateText::Date)
            .or_else(|| release.date_raw.clone().map(DateText::Raw)),
        audience,
        // The changelog and the feed show a release's summary under its heading.
        summary: Some(first_paragraph(&release.intro, 280)).filter(|s| !s.is_empty()),
        body: release.intro.clone(),
        body_line: release.line + 1,
        ..Document::default()
    }
}

/// An address as a Markdown link's destination: its spaces and angle brackets, which a
/// destination written in `<…>` may hold, encoded.
fn link_url(url: &str) -> String {
    url.replace(' ', "%20")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

/// Whether a changelog's link is to a web address, the only kind a version's is.
fn is_web(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The address a changelog's reference links give `version` (`[1.2.0]: https://…`, also
/// written `[v1.2.0]`), when it is a web address.
fn version_link<'d>(defs: &'d str, version: &str) -> Option<&'d str> {
    defs.lines()
        .filter_map(changelog::link_def)
        .find_map(|(label, url)| {
            let label = label.trim();
            let named = label.eq_ignore_ascii_case(version)
                || label
                    .strip_prefix(['v', 'V'])
                    .is_some_and(|l| l.eq_ignore_ascii_case(version));
            (named && is_web(url)).then_some(url)
        })
}

/// A change entry's title: the text of its first paragraph (see [`first_paragraph`]),
/// shortened to 90 characters; `Change` when it has none. A breaking change's
/// `Breaking:` is left to its badge.
fn entry_title(text: &str, breaking: bool) -> String {
    let plain = first_paragraph(text, 90);
    let title = match breaking {
        true => crate::import::changelog::without_breaking_mark(&plain).unwrap_or(&plain),
        false => &plain,
    };
    if title.is_empty() {
        "Change".to_string()
    } else {
        title.to_string()
    }
}

/// The text of the first paragraph of `text`, a bullet wrapped over lines included, as
/// read once its Markdown is rendered (`Dropped Node 8 ([#40](…))` reads
/// `Dropped Node 8 (#40)`, `` `foo_bar` `` reads `foo_bar`), or of a first list, its
/// items apart; past `max` characters, cut with `…`. A table is no paragraph: one that
/// comes first is passed over.
fn first_paragraph(text: &str, max: usize) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    // A changelog's wiki links lead nowhere (it is no document of the project): a title
    // or summary reads the label, else `[restricted]`, as the entry's page shows them,
    // never the reference.
    let text = crate::load::body::wiki_as_words(text, true, &mut |_| {
        crate::render::markdown::RESTRICTED.into()
    });
    let mut plain = String::new();
    // A table's cells, and a footnote's note (the changelog's definitions follow every
    // text read here), are no part of it.
    let mut table = false;
    let mut note = false;
    // An image's description is no word of the sentence beside it (`**Discard changes**
    // ![discard-changes](shot.png)` reads `Discard changes`): it stands in only for a
    // paragraph of images alone.
    let mut image = 0usize;
    let mut described = String::new();
    for event in Parser::new_ext(&text, crate::load::markdown_options()) {
        match event {
            Event::Start(Tag::Table(_)) => table = true,
            Event::End(TagEnd::Table) => table = false,
            Event::Start(Tag::FootnoteDefinition(_)) => note = true,
            Event::End(TagEnd::FootnoteDefinition) => note = false,
            _ if table || note => {}
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => {
                image = image.saturating_sub(1);
                described.push(' ');
            }
            Event::Text(t) | Event::Code(t) if image > 0 => described.push_str(&t),
            Event::Text(t) | Event::Code(t) => plain.push_str(&t),
            Event::End(TagEnd::Item) => plain.push(' '),
            Event::End(TagEnd::List(_)) => break,
            // Tags and comments are no part of the text a title or summary reads
            // (`<kbd>Ctrl</kbd>` reads `Ctrl`; a comment is a note to the writer).
            Event::InlineHtml(_) | Event::Html(_) => {}
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    if plain.trim().is_empty() {
        plain = described;
    }
    // `Another <!-- note --> thing` reads `Another thing`.
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain = plain.as_str();
    if plain.chars().count() > max {
        // At the last space that leaves the most of it, not inside a word; a word
        // longer than half of it is cut where it must be.
        let cut: String = plain.chars().take(max).collect();
        let words = match cut.rfind(' ') {
            Some(at) if cut[..at].chars().count() >= max / 2 => &cut[..at],
            _ => {
                let end = cut.char_indices().nth(max.saturating_sub(1));
                &cut[..end.map_or(cut.len(), |(at, _)| at)]
            }
        };
        format!("{}…", words.trim_end_matches([' ', ',', ';', ':', '-']))
    } else {
        plain.to_string()
    }
}

fn join_link_defs(text: &str, defs: &str) -> String {
    if defs.is_empty() {
        text.to_string()
    } else {
        format!("{text}\n\n{defs}\n")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{entry_title, is_not_a_record, link_column, local_links_as_text, version_link};

    #[test]
    fn a_links_column_is_its_opening_bracket_s() {
        assert_eq!(link_column("See [keys](./KEYS.md).", "](./KEYS.md"), 5);
        assert_eq!(link_column("And ![demo](demo.gif)", "](demo.gif"), 5);
        // Brackets in the text, and characters before it counted as characters.
        assert_eq!(link_column("é [a [b] c](x.md)", "](x.md"), 3);
        // A link whose `[` is on an earlier line: at its `]`.
        assert_eq!(link_column("guide](x.md)", "](x.md"), 6);
        assert_eq!(link_column("nothing here", "](x.md"), 1);
    }

    #[test]
    fn local_links_of_a_changelog_entry_become_their_text() {
        let mut body = "Keys in [the config](./KEY_CONFIG.md), see [#12](https://x/12)\n![demo](assets/d.gif) and [![x](a.png)](b.md) [é](#top)\n".to_string();
        let dropped = local_links_as_text(&mut body);
        assert_eq!(
            body,
            "Keys in the config, see [#12](https://x/12)\ndemo and ![x](a.png) [é](#top)\n"
        );
        let dropped: Vec<(usize, &str)> = dropped.iter().map(|(l, d)| (*l, d.as_str())).collect();
        assert_eq!(
            dropped,
            [(0, "./KEY_CONFIG.md"), (1, "assets/d.gif"), (1, "b.md")]
        );
        // A destination that holds brackets of its own: the text ends at its own `]`.
        let mut body = "switch [in `a]`->`mio`]([#66](https://x/66)) now".to_string();
        local_links_as_text(&mut body);
        assert_eq!(body, "switch in `a]`->`mio` now");
    }

    #[test]
    fn local_addresses_in_a_changelog_entrys_raw_html_are_dropped() {
        let mut body = "See <a href=\"docs/guide.html\">the guide</a>, <a href='https://x/y'>y</a>\n\
            and <a href=#top>top</a>.\n\n<p><img alt=\"d\" src = \"assets/d.gif\"> <a title=\"t\" HREF=\"../x.md\">x</a></p>\n"
            .to_string();
        let dropped = local_links_as_text(&mut body);
        assert_eq!(
            body,
            "See <a>the guide</a>, <a href='https://x/y'>y</a>\n\
            and <a href=#top>top</a>.\n\n<p><img alt=\"d\"> <a title=\"t\">x</a></p>\n"
        );
        let dropped: Vec<(usize, &str)> = dropped.iter().map(|(l, d)| (*l, d.as_str())).collect();
        assert_eq!(
            dropped,
            [(0, "docs/guide.html"), (3, "assets/d.gif"), (3, "../x.md")]
        );
        // Mixed with Markdown links, each in its place, and inside one's text.
        let mut body = "[a](a.md) <a href=\"b.md\">b</a> [c](c.md) [<img src=\"d.png\"> d](e.md) f"
            .to_string();
        let dropped = local_links_as_text(&mut body);
        assert_eq!(body, "a <a>b</a> c <img> d f");
        let dests: Vec<&str> = dropped.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(dests, ["a.md", "b.md", "c.md", "e.md", "d.png"]);
    }

    #[test]
    fn an_images_description_is_no_word_of_a_title_beside_words() {
        let title = entry_title(
            "**discard changes on checkout** ![discard-changes-on-checkout](assets/x.png)",
            false,
        );
        assert_eq!(title, "discard changes on checkout");
        // A paragraph of an image alone reads its description.
        assert_eq!(entry_title("![New logo](logo.png)", false), "New logo");
    }

    #[test]
    fn a_titles_reference_links_and_bracketed_credits_read_as_on_the_page() {
        let defs = "[@ann]: https://x/ann";
        let text = super::as_read("Thanks to [@ann] and [[@bo]](https://x/bo)", defs);
        assert_eq!(entry_title(&text, false), "Thanks to @ann and [@bo]");
    }

    #[test]
    fn a_shortened_title_or_summary_ends_at_a_word() {
        let text = "Retired the tagline \"Don't let your friends dump git logs into changelogs\" for good, and more.";
        let title = super::first_paragraph(text, 60);
        assert_eq!(
            title,
            "Retired the tagline \"Don't let your friends dump git logs…"
        );
        assert!(title.chars().count() <= 60);
        // A space right after the last whole word that fits keeps that word.
        assert_eq!(super::first_paragraph("abcd efgh ijkl", 10), "abcd efgh…");
        // A word longer than half of it is cut where it must be.
        let long = format!("a {}", "x".repeat(40));
        assert_eq!(
            super::first_paragraph(&long, 10),
            format!("a {}…", "x".repeat(7))
        );
        // Short enough: as it is.
        assert_eq!(super::first_paragraph("Fixed it.", 10), "Fixed it.");
    }

    #[test]
    fn a_version_is_linked_by_its_reference_definition() {
        let defs = "[unreleased]: https://x/compare/v1.1.0...HEAD\n[1.1.0]: https://x/compare/v1.0.0...v1.1.0\n[v1.0.0]: https://x/releases/v1.0.0 \"Title\"\n[0.9]: ./local.md";
        assert_eq!(
            version_link(defs, "1.1.0"),
            Some("https://x/compare/v1.0.0...v1.1.0")
        );
        assert_eq!(
            version_link(defs, "1.0.0"),
            Some("https://x/releases/v1.0.0")
        );
        assert_eq!(version_link(defs, "0.9"), None);
        assert_eq!(version_link(defs, "2.0"), None);
    }

    #[test]
    fn templates_and_indexes_are_not_records_but_records_about_templates_are() {
        for name in [
            "index.md",
            "README.md",
            "adr-template.md",
            "adr-template-bare-minimal.md",
            "template.md",
            "0000-template.md",
        ] {
            assert!(is_not_a_record(Path::new(name)), "{name}");
        }
        for name in [
            "0001-use-jinja-templates-for-emails.md",
            "0007-template-engine.md",
            "0003-pick-a-templating-language.md",
        ] {
            assert!(!is_not_a_record(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn an_entry_title_is_its_first_line_as_text() {
        assert_eq!(
            entry_title(
                "Dropped Node 8 ([#40](https://example.com/40))\n\nMore.",
                false
            ),
            "Dropped Node 8 (#40)"
        );
        assert_eq!(
            entry_title("**Breaking:** the `foo_bar` option is gone", false),
            "Breaking: the foo_bar option is gone"
        );
        assert_eq!(
            entry_title("**Breaking:** the `foo_bar` option is gone", true),
            "the foo_bar option is gone"
        );
        // A bullet wrapped over lines is one title; its sub-list is not.
        assert_eq!(
            entry_title(
                "Retired the tagline \"Don't let your friends dump git logs into\nchangelogs.\"\n- a detail\n",
                false
            ),
            "Retired the tagline \"Don't let your friends dump git logs into changelogs.\""
        );
        assert_eq!(
            entry_title("snake_case names stay whole", false),
            "snake_case names stay whole"
        );
        assert_eq!(entry_title("", false), "Change");
        let long = entry_title(&"word ".repeat(40), false);
        assert_eq!(long.chars().count(), 90, "{long}");
        assert!(long.ends_with(" word…"), "{long}");
    }
}
