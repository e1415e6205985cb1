//! Reads a Keep a Changelog `CHANGELOG.md` into releases, their sections and one entry per top-level bullet.

use jiff::civil::Date;

use super::adr::{Fence, atx_heading, closing, parse_loose_date};

#[derive(Debug, Clone, PartialEq)]
pub struct Changelog {
    pub releases: Vec<ChangelogRelease>,
    /// Every link reference definition line (`[1.0.0]: https://...`, `[@user]: https://...`) joined
    /// with "\n", to append to rendered entries so reference links resolve.
    pub link_defs: String,
    /// Lines of release prose inside an audience block, left out: a release's prose is
    /// its summary, which every site that shows the release shows.
    pub withheld: Vec<usize>,
    /// Lines of link reference definitions inside an audience block, left out: the
    /// definitions serve every entry and release on every site.
    pub withheld_defs: Vec<usize>,
    /// Audience markers that are wrong, each an error as in a document, by line: a
    /// comment that looks like a marker but is none (`<!-- audiences exec -->`, a marker
    /// within a bullet's line), a closing marker with no block open (a mistyped opening
    /// marker leaves its block shown to everyone), an opening marker never closed (what
    /// follows it stays with its audiences: fail closed).
    pub marker_errors: Vec<(usize, &'static str)>,
    /// Bullets under a `##` heading that is no release (`## Older releases`), which no
    /// release holds: the line of each such heading and of its first bullet.
    pub unread: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangelogRelease {
    /// None for Unreleased (any case, with or without brackets); a leading `v` is dropped.
    pub version: Option<String>,
    pub date: Option<Date>,
    /// The date as written, when present.
    pub date_raw: Option<String>,
    /// `[YANKED]` anywhere after the version.
    pub yanked: bool,
    /// Text after the date, e.g. "Tag Annotations" from `## [0.11] - 2020-12-20 - Tag Annotations`.
    pub suffix: Option<String>,
    /// The address the heading links its version to, as conventional-changelog writes
    /// it (`## [2.0.0](https://…/compare/v1.2.0...v2.0.0) (2021-01-01)`).
    pub link: Option<String>,
    /// 1-based line of the `## ` heading.
    pub line: usize,
    /// Markdown prose between the heading and the first `### ` section (trimmed; may be empty).
    pub intro: String,
    pub sections: Vec<ChangelogSection>,
    /// The audience blocks open at the heading, outermost first: only a site for an
    /// audience of each may show the release, or anything written under it.
    pub blocks: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangelogSection {
    /// As written: "Added", "Fixes", "Breaking Change", "Key binding notes"; "Changes" for
    /// bullets written directly under a release heading.
    pub name: String,
    /// The Keep a Changelog category this maps to, lowercase: "added", "changed", "deprecated",
    /// "removed", "fixed", "security". None for anything else.
    pub category: Option<&'static str>,
    pub line: usize,
    pub entries: Vec<ChangelogEntry>,
    /// The audience blocks open at the heading, outermost first: the section's name and
    /// entries are for their audiences only.
    pub blocks: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangelogEntry {
    /// Markdown of one top-level bullet (`-`, `*` or `+`), marker removed, continuation lines and
    /// nested bullets kept (dedented to where the bullet's text starts), trimmed. So that nothing written in
    /// a section is lost, a paragraph after a bullet stays with that bullet, and prose before the
    /// first bullet or under a `####` heading is an entry of its own.
    pub text: String,
    pub line: usize,
    /// The audience blocks the entry is written in, outermost first, with those around
    /// its release's and its section's headings: only a site for an audience of each may
    /// show it.
    pub blocks: Vec<Vec<String>>,
    /// Section named Breaking Change(s) / "BREAKING", or the entry starts with "BREAKING" / "**Breaking**".
    pub breaking: bool,
}

pub fn parse_changelog(text: &str) -> Changelog {
    let mut reader = Reader::default();
    for (index, raw) in text.split('\n').enumerate() {
        reader.line(raw.strip_suffix('\r').unwrap_or(raw), index + 1);
    }
    reader.finish()
}

#[derive(Debug, Default)]
struct Reader {
    releases: Vec<ChangelogRelease>,
    link_defs: Vec<String>,
    /// The open code fence and where its lines go.
    fence: Option<(Fence, Target)>,
    in_comment: bool,
    /// The words of the comment open over several lines, and its first line.
    comment: String,
    comment_line: usize,
    marker_errors: Vec<(usize, &'static str)>,
    /// A fence a marker or comment ended before its closing line (see
    /// [`Reader::end_fence`]).
    ended: Option<Fence>,
    /// The release being read; None before the first release and under headings that are not releases.
    open: Option<OpenRelease>,
    /// The audience blocks open at this line, outermost first.
    blocks: Vec<Vec<String>>,
    /// The line of each open block's marker.
    block_lines: Vec<usize>,
    /// Blocks open deeper than [`crate::load::MAX_NESTING`], an error: counted, not kept,
    /// so that what each entry keeps of the blocks around it stays small.
    too_deep: usize,
    withheld: Vec<usize>,
    withheld_defs: Vec<usize>,
    /// The line of the `##` heading read last when it is no release, until a bullet
    /// under it is reported.
    unread_under: Option<usize>,
    unread: Vec<(usize, usize)>,
}

/// Where a line of Markdown went, so the lines of a code fence follow its opening line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Entry,
    Intro,
    /// Release prose inside an audience block, left out.
    Withheld,
    Nowhere,
}

impl Reader {
    fn line(&mut self, text: &str, line: usize) {
        // A marker counts even where a fence seems open: a line that only looks like one
        // (indented four spaces, in a list item that has ended) opens no code, and the
        // text after it would be on every site. A marker meant as code in a changelog is
        // rare; it ends the fence here, and what it holds goes to its audiences alone.
        // So does a marker inside a comment over several lines, which ends the comment.
        if let Some(marker) = crate::load::audience_marker(text) {
            self.in_comment = false;
            self.comment.clear();
            self.end_fence();
            self.audience_marker(marker, line);
            return;
        }
        // A comment started where a fence seems open could hold a marker over several
        // lines: it ends the fence too.
        if self.fence.is_some() && text.trim_start().starts_with("<!--") {
            self.end_fence();
        }
        if let Some((fence, target)) = self.fence {
            if fence.closed_by(text) {
                self.fence = None;
            }
            self.fenced_line(text, target);
            return;
        }
        // Anything else that looks like a marker would show its block to everyone.
        if !self.in_comment && crate::load::marker_like(text) {
            self.marker_errors.push((line, crate::load::NEAR_MISS));
        }
        if self.skips_comment(text, line) {
            return;
        }
        if let Some((label, _)) = link_def(text) {
            if self.blocks.is_empty() {
                self.link_defs.push(text.trim().to_string());
            } else {
                // A link that names it reads as its text, as in a document's hidden block
                // (without a definition it would read as written, brackets and label too).
                // A footnote's (`[^1]: …`) is the placeholder every page leaves out, with
                // the references to it.
                let hidden = match label.starts_with('^') {
                    true => crate::audience::HIDDEN_FOOTNOTE,
                    false => crate::audience::HIDDEN_DEFINITION,
                };
                self.link_defs.push(format!("[{label}]: {hidden}"));
                self.withheld_defs.push(line);
            }
            return;
        }
        if let Some((level @ 1..=3, heading)) = atx_heading(text) {
            self.heading(level, heading, line);
            return;
        }
        let target = match &mut self.open {
            Some(open) => {
                let target = open.markdown_line(text, line, &self.blocks);
                if target == Target::Withheld {
                    self.withheld.push(line);
                }
                target
            }
            None => {
                // A numbered list is a list of entries too, as it is in a section.
                if (bullet(text).is_some() || numbered(text).is_some())
                    && let Some(heading) = self.unread_under.take()
                {
                    self.unread.push((heading, line));
                }
                Target::Nowhere
            }
        };
        if let Some(fence) = Fence::opened_by(text) {
            // The closing line of a fence a marker ended opens nothing.
            if self.ended.take().is_some_and(|ended| ended.closed_by(text)) {
                return;
            }
            self.fence = Some((fence, target));
        }
    }

    /// Ends the fence open, if any, before its closing line, which is then no opening one.
    fn end_fence(&mut self) {
        if let Some((fence, _)) = self.fence.take() {
            self.ended = Some(fence);
        }
    }

    /// An audience block opens or closes (its marker on `line`): the entry before it ends
    /// there, and what follows is for the block's audiences. A close with no block open
    /// closes nothing and is an error; a block never closed keeps what follows it for its
    /// audiences (fail closed), and is an error too.
    fn audience_marker(&mut self, marker: crate::load::Marker, line: usize) {
        if let Some(open) = &mut self.open {
            open.finish_entry();
        }
        match marker {
            crate::load::Marker::Open(audiences) => {
                // A block for no one would withhold its entries from every site unsaid.
                if audiences.is_empty() {
                    (self.marker_errors).push((line, crate::load::NO_AUDIENCE));
                }
                if self.blocks.len() == crate::load::MAX_NESTING {
                    if self.too_deep == 0 {
                        (self.marker_errors).push((line, crate::load::TOO_DEEP));
                    }
                    self.too_deep += 1;
                    return;
                }
                self.blocks.push(audiences);
                self.block_lines.push(line);
            }
            crate::load::Marker::Close => {
                if self.too_deep > 0 {
                    self.too_deep -= 1;
                    return;
                }
                if self.blocks.pop().is_none() {
                    (self.marker_errors).push((line, crate::load::UNMATCHED_CLOSE));
                }
                self.block_lines.pop();
            }
        }
    }

    fn fenced_line(&mut self, text: &str, target: Target) {
        let Some(open) = &mut self.open else {
            return;
        };
        match (target, &mut open.entry) {
            (Target::Entry, Some(entry)) => entry.text.push(dedent(text, entry.content_col)),
            (Target::Intro, _) => open.intro.push(text),
            _ => {}
        }
    }

    /// Skips whole-line HTML comments, such as the linter settings some changelogs end with.
    /// A marker written over several lines (`<!--`, `audience: exec`, `-->`) counts as one
    /// when it ends: what follows it is for its audiences (fail closed).
    fn skips_comment(&mut self, text: &str, line_number: usize) -> bool {
        if self.in_comment {
            let end = text.find("-->");
            self.comment.push(' ');
            self.comment.push_str(&text[..end.unwrap_or(text.len())]);
            if end.is_some() {
                self.in_comment = false;
                let comment = std::mem::take(&mut self.comment);
                let words: Vec<&str> = comment.split_whitespace().collect();
                let written = format!("<!-- {} -->", words.join(" "));
                match crate::load::audience_marker(&written) {
                    Some(marker) => self.audience_marker(marker, self.comment_line),
                    None if crate::load::split_marker(&comment) => {
                        (self.marker_errors).push((self.comment_line, crate::load::NEAR_MISS));
                    }
                    None => {}
                }
            }
            return true;
        }
        // As the renderer reads one: at most three spaces in (more is code, or part of
        // the text above), and ended by a `-->` anywhere after its `<!` (`<!-->` ends
        // where it starts).
        let line = text.trim_start();
        let indent = text.len() - line.len();
        let Some(rest) = line
            .strip_prefix("<!--")
            .filter(|_| indent <= 3 && !text[..indent].contains('\t'))
        else {
            return false;
        };
        match line[2..].find("-->") {
            None => {
                self.in_comment = true;
                self.comment = rest.to_string();
                self.comment_line = line_number;
                true
            }
            Some(end) => line[2 + end + 3..].trim().is_empty(),
        }
    }

    fn heading(&mut self, level: usize, text: &str, line: usize) {
        self.ended = None;
        // Keep a Changelog puts releases under `##`; conventional-changelog also puts major
        // releases under `#` and patch releases under `###`, beside its `### Features`
        // sections. Such a heading is a release when it is plainly one: a bracketed
        // version, or a version with a date.
        let release = parse_release_heading(text)
            .filter(|heading| level == 2 || heading.bracketed || heading.date.is_some());
        if level == 3 && release.is_none() {
            if let Some(open) = &mut self.open {
                open.start_section(text, line, &self.blocks);
            }
            return;
        }
        self.close_release();
        self.unread_under = (level == 2 && release.is_none()).then_some(line);
        self.open = release.map(|heading| OpenRelease::new(heading, line, &self.blocks));
    }

    fn close_release(&mut self) {
        if let Some(open) = self.open.take() {
            self.releases.push(open.finish());
        }
    }

    fn finish(mut self) -> Changelog {
        self.close_release();
        Changelog {
            releases: self.releases,
            link_defs: self.link_defs.join("\n"),
            withheld: self.withheld,
            withheld_defs: self.withheld_defs,
            marker_errors: {
                let mut errors = self.marker_errors;
                let unclosed = self.block_lines.into_iter();
                errors.extend(unclosed.map(|line| (line, crate::load::NEVER_CLOSED)));
                errors
            },
            unread: self.unread,
        }
    }
}

#[derive(Debug)]
struct OpenRelease {
    release: ChangelogRelease,
    intro: Block,
    /// A `### ` heading has been seen; before it, bullets go to an implicit section.
    in_section: bool,
    implicit: Option<usize>,
    /// Whether each section is a breaking-changes section, worked out once per heading.
    breaking_sections: Vec<bool>,
    entry: Option<EntryBuf>,
    after_blank: bool,
}

impl OpenRelease {
    fn new(heading: ReleaseHeading, line: usize, blocks: &[Vec<String>]) -> OpenRelease {
        let release = ChangelogRelease {
            version: heading.version,
            date: heading.date,
            date_raw: heading.date_raw,
            yanked: heading.yanked,
            suffix: heading.suffix,
            link: heading.link,
            line,
            intro: String::new(),
            sections: Vec::new(),
            blocks: blocks.to_vec(),
        };
        OpenRelease {
            release,
            intro: Block::default(),
            in_section: false,
            implicit: None,
            breaking_sections: Vec::new(),
            entry: None,
            after_blank: false,
        }
    }

    fn start_section(&mut self, name: &str, line: usize, blocks: &[Vec<String>]) {
        self.finish_entry();
        // `### Fixed:` is the section Fixed.
        let name = name.trim().trim_end_matches(':').trim_end();
        let category = category_of(name);
        self.breaking_sections.push(is_breaking_section(name));
        self.release.sections.push(ChangelogSection {
            name: name.to_string(),
            category,
            line,
            entries: Vec::new(),
            blocks: blocks.to_vec(),
        });
        self.in_section = true;
        self.after_blank = false;
    }

    /// Routes one line of Markdown that is not a release or section heading.
    fn markdown_line(&mut self, text: &str, line: usize, blocks: &[Vec<String>]) -> Target {
        if text.trim().is_empty() {
            self.blank();
            return Target::Nowhere;
        }
        let target = self.content_line(text, line, blocks);
        self.after_blank = false;
        target
    }

    fn blank(&mut self) {
        self.after_blank = true;
        if let Some(entry) = &mut self.entry {
            entry.text.blank();
        }
        if !self.in_section {
            self.intro.blank();
        }
    }

    fn content_line(&mut self, text: &str, line: usize, blocks: &[Vec<String>]) -> Target {
        let indent = indent_width(text);
        let nested = self
            .entry
            .as_ref()
            .is_some_and(|e| e.bullet && indent >= e.content_col);
        // In a section, a numbered list is a list of changes too, one per item.
        let item = bullet(text).or_else(|| self.in_section.then(|| numbered(text)).flatten());
        if let Some((marker_width, content)) = item {
            if nested {
                return self.continue_entry(text);
            }
            self.start_bullet(indent, marker_width, content, line, blocks);
            return Target::Entry;
        }
        if is_thematic_break(text) {
            self.finish_entry();
            return Target::Nowhere;
        }
        let heading = atx_heading(text).is_some();
        // In a section, a paragraph after a bullet (often a screenshot) belongs to that bullet;
        // before the first section it is release prose.
        let joins = !heading && (!self.after_blank || self.in_section);
        let continues = self.entry.as_ref().is_some_and(|e| {
            if e.bullet {
                indent >= e.content_col || joins
            } else {
                !heading
            }
        });
        if continues {
            return self.continue_entry(text);
        }
        self.finish_entry();
        if self.in_section {
            let mut entry = EntryBuf::prose(text, line, self.current_section());
            entry.blocks = blocks.to_vec();
            self.entry = Some(entry);
            Target::Entry
        } else if !blocks.is_empty() {
            Target::Withheld
        } else {
            self.intro.push(text);
            Target::Intro
        }
    }

    fn continue_entry(&mut self, text: &str) -> Target {
        if let Some(entry) = &mut self.entry {
            entry.push(text);
        }
        Target::Entry
    }

    fn start_bullet(
        &mut self,
        indent: usize,
        marker_width: usize,
        content: &str,
        line: usize,
        blocks: &[Vec<String>],
    ) {
        self.finish_entry();
        let section = if self.in_section {
            self.current_section()
        } else {
            self.implicit_section(line)
        };
        let mut text = Block::default();
        text.push(content);
        let content_col = indent + marker_width;
        self.entry = Some(EntryBuf {
            text,
            line,
            content_col,
            bullet: true,
            section,
            blocks: blocks.to_vec(),
        });
    }

    fn current_section(&self) -> usize {
        self.release.sections.len().saturating_sub(1)
    }

    /// The "Changes" section that holds bullets written directly under the release heading.
    fn implicit_section(&mut self, line: usize) -> usize {
        if let Some(index) = self.implicit {
            return index;
        }
        let section = ChangelogSection {
            name: "Changes".to_string(),
            category: None,
            line,
            entries: Vec::new(),
            blocks: Vec::new(),
        };
        self.release.sections.push(section);
        self.breaking_sections.push(false);
        let index = self.release.sections.len() - 1;
        self.implicit = Some(index);
        index
    }

    fn finish_entry(&mut self) {
        let Some(entry) = self.entry.take() else {
            return;
        };
        let text = entry.text.finish();
        let Some(section) = self.release.sections.get_mut(entry.section) else {
            return;
        };
        // A bullet of a comment alone (`- <!-- TODO -->`) says nothing to show.
        if !crate::load::without_comments(&text).trim().is_empty() {
            let in_breaking = self
                .breaking_sections
                .get(entry.section)
                .copied()
                .unwrap_or(false);
            let breaking = in_breaking || starts_breaking(&text);
            let blocks = [&self.release.blocks, &section.blocks, &entry.blocks]
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            section.entries.push(ChangelogEntry {
                text,
                line: entry.line,
                breaking,
                blocks,
            });
        }
    }

    fn finish(mut self) -> ChangelogRelease {
        self.finish_entry();
        self.release.intro = self.intro.finish();
        self.release
    }
}

/// Lines joined with newlines. Outside code, a run of blank lines is one paragraph break, kept
/// only between text, so runs split between intro and entries and leading or trailing blanks
/// need no second pass.
#[derive(Debug, Default)]
struct Block {
    text: String,
    blank: bool,
}

impl Block {
    fn push(&mut self, line: &str) {
        if !self.text.is_empty() {
            self.text.push_str(if self.blank { "\n\n" } else { "\n" });
        }
        self.blank = false;
        self.text.push_str(line);
    }

    fn blank(&mut self) {
        self.blank = !self.text.is_empty();
    }

    fn finish(self) -> String {
        self.text.trim().to_string()
    }
}

#[derive(Debug)]
struct EntryBuf {
    text: Block,
    line: usize,
    /// Where the bullet's text starts; lines indented this far belong to the bullet.
    content_col: usize,
    bullet: bool,
    section: usize,
    blocks: Vec<Vec<String>>,
}

impl EntryBuf {
    fn prose(text: &str, line: usize, section: usize) -> EntryBuf {
        let mut block = Block::default();
        block.push(text);
        EntryBuf {
            text: block,
            line,
            content_col: 0,
            bullet: false,
            section,
            blocks: Vec::new(),
        }
    }

    fn push(&mut self, text: &str) {
        if text.trim().is_empty() {
            self.text.blank();
        } else {
            // As CommonMark reads an item: its lines from where its text starts, so a
            // list or code nested under it is one there too, however far it is indented.
            self.text.push(dedent(text, self.content_col));
        }
    }
}

/// Leading whitespace width, a tab counting as four columns.
pub(crate) fn indent_width(text: &str) -> usize {
    text.chars()
        .map_while(|c| match c {
            ' ' => Some(1),
            '\t' => Some(4),
            _ => None,
        })
        .sum()
}

/// Removes up to `width` columns of leading whitespace.
fn dedent(text: &str, width: usize) -> &str {
    let mut removed = 0;
    for (i, c) in text.char_indices() {
        if removed >= width || !matches!(c, ' ' | '\t') {
            return &text[i..];
        }
        removed += if c == '\t' { 4 } else { 1 };
    }
    ""
}

/// A bullet list item: the width of marker and following spaces, and the item's first line.
pub(crate) fn bullet(text: &str) -> Option<(usize, &str)> {
    let trimmed = text.trim_start();
    let rest = trimmed.strip_prefix(['-', '*', '+'])?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) || is_thematic_break(text) {
        return None;
    }
    let content = rest.trim_start();
    let spaces = indent_width(rest);
    // Five or more spaces after the marker start indented code inside the item, not its text.
    let width = if content.is_empty() || spaces > 4 {
        2
    } else {
        1 + spaces
    };
    Some((width, content))
}

/// A numbered list item (`1. Fixed …`, `2) Fixed …`): the width of its number, marker and
/// the spaces after them, and the item's first line.
pub(crate) fn numbered(text: &str) -> Option<(usize, &str)> {
    let trimmed = text.trim_start();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&digits) {
        return None;
    }
    let rest = trimmed[digits..].strip_prefix(['.', ')'])?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let content = rest.trim_start();
    let spaces = indent_width(rest);
    let width = if content.is_empty() || spaces > 4 {
        digits + 2
    } else {
        digits + 1 + spaces
    };
    Some((width, content))
}

/// `---`, `* * *`, `___`: a separator, not a bullet.
fn is_thematic_break(text: &str) -> bool {
    let trimmed = text.trim();
    let Some(marker) = trimmed
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '*' | '_'))
    else {
        return false;
    };
    let count = trimmed.chars().filter(|&c| c == marker).count();
    count >= 3
        && trimmed
            .chars()
            .all(|c| c == marker || c == ' ' || c == '\t')
}

/// The label and the destination of a link reference definition (`[1.0.0]: https://…`,
/// also `<https://…> "title"`), at most three spaces in.
pub fn link_def(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_start();
    if indent_width(text) > 3 {
        return None;
    }
    let end = closing(trimmed, b'[', b']').filter(|&end| end > 1)?;
    let rest = trimmed[end + 1..].strip_prefix(':')?.trim();
    Some((&trimmed[1..end], destination(rest)?))
}

/// A link's destination at the start of `text`: `<…>` (which may hold spaces) or the
/// first word, before any title.
fn destination(text: &str) -> Option<&str> {
    let text = text.trim_start();
    match text.strip_prefix('<') {
        Some(rest) => rest.split_once('>').map(|(dest, _)| dest),
        None => text.split_whitespace().next(),
    }
}

#[derive(Debug, Default, PartialEq)]
struct ReleaseHeading {
    /// Written `[1.0.0]` or `[Unreleased]`, as Keep a Changelog and its kin write them.
    bracketed: bool,
    version: Option<String>,
    date: Option<Date>,
    date_raw: Option<String>,
    yanked: bool,
    suffix: Option<String>,
    link: Option<String>,
}

/// A `## ` heading that names a release: a version or "Unreleased", bracketed or bare, then an
/// optional date and suffix. None for other headings.
fn parse_release_heading(text: &str) -> Option<ReleaseHeading> {
    let (mut token, mut rest) = split_version(text.trim())?;
    if token.eq_ignore_ascii_case("version") || token.eq_ignore_ascii_case("release") {
        (token, rest) = split_version(rest.trim())?;
    }
    let bracketed = text.trim_start().starts_with('[');
    // `[2.0.0](address)`: what lies between the version's `]` and the rest.
    let link = text
        .trim()
        .strip_suffix(rest)
        .and_then(|head| head.rsplit_once("]("))
        .and_then(|(_, inside)| inside.strip_suffix(')'))
        .and_then(destination)
        .map(str::to_string);
    let (rest, yanked) = take_yanked(rest);
    let (date, date_raw, suffix) = date_and_suffix(&rest);
    // A name in brackets with a date is a release however it is named (`[Sprint 14] -
    // 2024-02-02`), kept as written.
    let named = (bracketed && date.is_some() && !token.is_empty()).then(|| Some(token.to_string()));
    let version = version_of(token).or(named)?;
    Some(ReleaseHeading {
        bracketed,
        version,
        date,
        date_raw,
        yanked,
        suffix,
        link,
    })
}

/// The version text and what follows it: `[1.0.0](url) - ...`, `[1.0.0] - ...`, `1.0.0 - ...`.
fn split_version(text: &str) -> Option<(&str, &str)> {
    if let Some(end) = closing(text, b'[', b']') {
        let after = &text[end + 1..];
        let skip = closing(after, b'(', b')')
            .or_else(|| closing(after, b'[', b']'))
            .map_or(0, |e| e + 1);
        return Some((text[1..end].trim(), &after[skip..]));
    }
    let end = text
        .find(|c: char| c.is_whitespace() || c == '–' || c == '—')
        .unwrap_or(text.len());
    let token = &text[..end];
    (!token.is_empty()).then(|| (token.trim_end_matches(':'), &text[end..]))
}

/// Some(None) for Unreleased, Some(version) for text starting with a digit (after an optional `v`).
fn version_of(token: &str) -> Option<Option<String>> {
    let token = token.trim().trim_matches('`');
    if token.eq_ignore_ascii_case("unreleased") {
        return Some(None);
    }
    let bare = token
        .strip_prefix(['v', 'V'])
        .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(token);
    bare.starts_with(|c: char| c.is_ascii_digit())
        .then(|| Some(bare.to_string()))
}

/// Removes `[YANKED]` or `(yanked)` (any case), a bare `YANKED`, or `yanked` in any case
/// as the heading's last part (`## 1.0.1 - 2024-01-01 - yanked`); a word of a title
/// (`Yanked the old API`) stays.
fn take_yanked(rest: &str) -> (String, bool) {
    let lower = rest.to_ascii_lowercase();
    if let Some(start) = lower.find("[yanked]").or_else(|| lower.find("(yanked)")) {
        return (format!("{} {}", &rest[..start], &rest[start + 8..]), true);
    }
    let last_part = (SEPARATORS.iter()).find_map(|sep| {
        let (head, tail) = rest.trim_end().rsplit_once(sep)?;
        tail.trim().eq_ignore_ascii_case("yanked").then_some(head)
    });
    if let Some(head) = last_part {
        return (head.to_string(), true);
    }
    let bare = rest.match_indices("YANKED").find(|&(start, _)| {
        let before = rest[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = rest[start + 6..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        before && after
    });
    match bare {
        Some((start, _)) => (format!("{} {}", &rest[..start], &rest[start + 6..]), true),
        None => (rest.to_string(), false),
    }
}

const SEPARATORS: [&str; 5] = [" - ", " – ", " — ", " | ", " / "];

/// A release's date, the date as written, and the heading text after the date.
type DateParts = (Option<Date>, Option<String>, Option<String>);

/// Date parts from what follows the version: `- 2020-12-20 - Tag Annotations`, `– 2024-09-17`,
/// `(2020-01-01)`, `- 12 March 2017`.
fn date_and_suffix(rest: &str) -> DateParts {
    let rest = rest
        .trim()
        .trim_start_matches(['-', '–', '—', ':', '|', '/'])
        .trim();
    if rest.is_empty() {
        return (None, None, None);
    }
    let (head, tail) = split_at_separator(rest);
    let head = head.trim().trim_matches(['(', ')', '[', ']']).trim();
    if let Some(date) = parse_loose_date(head) {
        return (Some(date), Some(head.to_string()), tail.map(String::from));
    }
    if let Some(parts) = date_then_words(head, tail) {
        return parts;
    }
    // Something like `2020-13-45` was meant as a date; keep it so it can be reported as written.
    if head.starts_with(|c: char| c.is_ascii_digit()) {
        return (None, Some(head.to_string()), tail.map(String::from));
    }
    (None, None, Some(rest.to_string()))
}

/// Splits at the first ` - `, ` – `, ` — `, ` | ` or ` / `.
fn split_at_separator(rest: &str) -> (&str, Option<&str>) {
    let split = SEPARATORS
        .iter()
        .filter_map(|sep| rest.find(sep).map(|i| (i, sep.len())))
        .min();
    let (head, tail) = match split {
        Some((i, len)) => (&rest[..i], Some(&rest[i + len..])),
        None => (rest, None),
    };
    (head, tail.map(str::trim).filter(|t| !t.is_empty()))
}

/// `2020-01-01 Launch`: a date whose following words join the suffix.
fn date_then_words(head: &str, tail: Option<&str>) -> Option<DateParts> {
    let first = head.split_whitespace().next()?;
    let first_clean = first.trim_matches(['(', ')', '[', ']', ',']);
    let date = parse_loose_date(first_clean)?;
    let words = head[first.len()..]
        .trim()
        .trim_start_matches(['-', '–', '—', ':'])
        .trim();
    let suffix: Vec<&str> = [Some(words).filter(|w| !w.is_empty()), tail]
        .into_iter()
        .flatten()
        .collect();
    let suffix = (!suffix.is_empty()).then(|| suffix.join(" - "));
    Some((Some(date), Some(first_clean.to_string()), suffix))
}

/// Lowercase name without decoration: `🐛 Bug Fixes:` -> `bug fixes`.
fn normalize_section(name: &str) -> String {
    let lower = name.to_lowercase();
    let core = lower
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(['*', '_', ':', ' ', '\t']);
    core.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn category_of(name: &str) -> Option<&'static str> {
    let name = normalize_section(name);
    let category = match name.as_str() {
        "added" | "add" | "new" | "features" | "new features" => "added",
        "changed" | "change" | "changes" => "changed",
        "deprecated" | "deprecations" => "deprecated",
        "removed" | "remove" | "removals" => "removed",
        "fixed" | "fix" | "fixes" | "bug fixes" | "bugfixes" | "bugfix" | "bug fix" => "fixed",
        "security" | "security fixes" => "security",
        _ if is_breaking_section(&name) => "changed",
        _ => return None,
    };
    Some(category)
}

/// Breaking, Breaking Change, Breaking Changes, Breaking Change(s), BREAKING.
fn is_breaking_section(name: &str) -> bool {
    let name = normalize_section(name);
    name == "breaking"
        || name
            .strip_prefix("breaking change")
            .is_some_and(|r| matches!(r, "" | "s" | "(s)"))
}

/// `BREAKING: ...`, `**Breaking:** ...`, `[breaking] ...`, `Breaking: ...`,
/// `Breaking change: ...`, after a sign such as `⚠️` too.
fn starts_breaking(text: &str) -> bool {
    // A warning sign or an emoji before the mark.
    let text = text.trim_start_matches(|c: char| {
        !c.is_alphanumeric() && !c.is_ascii_punctuation() || c.is_whitespace()
    });
    if text.starts_with("BREAKING") {
        return true;
    }
    // In words, in any case, with its colon (`Breaking news` is no mark).
    let marked = |mark: &str| {
        (text.as_bytes().get(..mark.len()))
            .is_some_and(|head| head.eq_ignore_ascii_case(mark.as_bytes()))
    };
    if ["breaking:", "breaking change:", "breaking changes:"]
        .into_iter()
        .any(marked)
    {
        return true;
    }
    let decorated = ["**", "__", "*", "_", "["]
        .iter()
        .find_map(|p| text.strip_prefix(p));
    decorated.is_some_and(|rest| {
        rest.as_bytes()
            .get(..8)
            .is_some_and(|h| h.eq_ignore_ascii_case(b"breaking"))
    })
}

/// What follows the mark a breaking change starts with, when it starts with one:
/// `Breaking:`, `BREAKING CHANGE:` or `[breaking]` as plain text, or in the HTML it
/// renders to (`<strong>Breaking:</strong>`, `<em>Breaking</em>:`). A mark without its
/// colon is part of the text (`Breaking news`); the rest may be empty.
pub fn without_breaking_mark(text: &str) -> Option<&str> {
    if text
        .get(..10)
        .is_some_and(|head| head.eq_ignore_ascii_case("[breaking]"))
    {
        return Some(text[10..].trim_start());
    }
    for (open, close) in [("<strong>", "</strong>"), ("<em>", "</em>"), ("", "")] {
        let Some(rest) = text.strip_prefix(open) else {
            continue;
        };
        for word in ["breaking changes", "breaking change", "breaking"] {
            if !rest
                .get(..word.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(word))
            {
                continue;
            }
            let after = &rest[word.len()..];
            // The colon inside the emphasis, or after it.
            let unmarked = (after.strip_prefix(':').and_then(|a| a.strip_prefix(close)))
                .or_else(|| after.strip_prefix(close).and_then(|a| a.strip_prefix(':')));
            if let Some(unmarked) = unmarked {
                return Some(unmarked.trim_start());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_breaking_changes_mark_is_found_in_text_and_in_html() {
        let cases = [
            (
                "<strong>Breaking:</strong> the <code>x</code> option is gone",
                Some("the <code>x</code> option is gone"),
            ),
            ("<strong>BREAKING</strong>: renamed", Some("renamed")),
            ("<em>Breaking change</em>: renamed", Some("renamed")),
            ("BREAKING CHANGE: renamed", Some("renamed")),
            ("Breaking changes: renamed", Some("renamed")),
            ("[breaking] renamed", Some("renamed")),
            ("Breaking:", Some("")),
            // Without a colon the word is part of the text.
            ("<strong>Breaking</strong> renamed", None),
            ("Breakingly fast", None),
            ("Breaking news", None),
        ];
        for (text, rest) in cases {
            assert_eq!(without_breaking_mark(text), rest, "{text}");
        }
    }

    fn date(y: i16, m: i8, d: i8) -> Option<Date> {
        Some(Date::new(y, m, d).unwrap())
    }

    fn only_release(text: &str) -> ChangelogRelease {
        let mut releases = parse_changelog(text).releases;
        assert_eq!(releases.len(), 1, "{text}");
        releases.remove(0)
    }

    fn texts(section: &ChangelogSection) -> Vec<&str> {
        section.entries.iter().map(|e| e.text.as_str()).collect()
    }

    const CANONICAL: &str = "# Changelog\n\nAll notable changes to this project will be documented in this file.\n\n\
        ## [Unreleased]\n\n### Added\n- Dark mode\n\n## [1.2.3] - 2020-01-01\n\n### Added\n\n- New thing\n- Other thing\n\n\
        ### Fixed\n\n- A crash\n\n[Unreleased]: https://example.com/compare/v1.2.3...HEAD\n[1.2.3]: https://example.com/releases/v1.2.3\n";

    #[test]
    fn conventional_changelog_levels_hold_releases_too() {
        // standard-version: majors under `#`, minors under `##`, patches under `###`, and
        // the sections under `###` as well.
        let text = "# Changelog\n\n# [2.0.0](https://x/compare/v1.1.0...v2.0.0) (2021-04-01)\n\n\
            ### Features\n\n* new API\n\n## [1.1.0](https://x) (2021-03-20)\n\n### Bug Fixes\n\n* a crash\n\n\
            ### [1.0.1](https://x) (2021-03-15)\n\n### Bug Fixes\n\n* a typo\n\n### 1.0 notes\n\n* kept\n";
        let log = parse_changelog(text);
        let versions: Vec<_> = log.releases.iter().map(|r| r.version.as_deref()).collect();
        assert_eq!(versions, [Some("2.0.0"), Some("1.1.0"), Some("1.0.1")]);
        assert_eq!(log.releases[0].date, date(2021, 4, 1));
        assert_eq!(log.releases[2].date, date(2021, 3, 15));
        assert_eq!(texts(&log.releases[0].sections[0]), ["new API"]);
        // A `###` heading with neither brackets nor a date stays a section.
        let names: Vec<_> = log.releases[2]
            .sections
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["Bug Fixes", "1.0 notes"]);
        // A `#` heading that is no release still ends the one before.
        let log = parse_changelog("## [1.0.0] - 2020-01-01\n- a\n# Older history\n- b\n");
        assert_eq!(log.releases.len(), 1);
        assert_eq!(texts(&log.releases[0].sections[0]), ["a"]);
    }

    #[test]
    fn a_slash_before_the_date() {
        let release = only_release("## 2.0.0 / 2019-11-01\n");
        assert_eq!(release.version.as_deref(), Some("2.0.0"));
        assert_eq!(release.date, date(2019, 11, 1));
        assert_eq!(release.suffix, None);
    }

    #[test]
    fn canonical_changelog() {
        let log = parse_changelog(CANONICAL);
        assert_eq!(log.releases.len(), 2);
        let unreleased = &log.releases[0];
        assert_eq!(
            (
                unreleased.version.as_deref(),
                unreleased.date,
                unreleased.line
            ),
            (None, None, 5)
        );
        assert_eq!(texts(&unreleased.sections[0]), vec!["Dark mode"]);
        let release = &log.releases[1];
        assert_eq!(release.version.as_deref(), Some("1.2.3"));
        assert_eq!(release.date, date(2020, 1, 1));
        assert_eq!(release.date_raw.as_deref(), Some("2020-01-01"));
        assert_eq!(
            (release.yanked, release.suffix.as_deref(), release.line),
            (false, None, 10)
        );
        assert_eq!(release.intro, "");
        let names: Vec<(&str, Option<&str>, usize)> = release
            .sections
            .iter()
            .map(|s| (s.name.as_str(), s.category, s.line))
            .collect();
        assert_eq!(
            names,
            vec![("Added", Some("added"), 12), ("Fixed", Some("fixed"), 17)]
        );
        assert_eq!(
            texts(&release.sections[0]),
            vec!["New thing", "Other thing"]
        );
        assert_eq!(release.sections[0].entries[1].line, 15);
        assert!(!release.sections[1].entries[0].breaking);
        let defs = "[Unreleased]: https://example.com/compare/v1.2.3...HEAD\n[1.2.3]: https://example.com/releases/v1.2.3";
        assert_eq!(log.link_defs, defs);
    }

    #[test]
    fn blocks_nested_past_sixteen_are_one_error_and_keep_their_pairs() {
        let text = "# Changelog\n\n## [1.0.0] - 2024-01-01\n### Added\n".to_string()
            + &"<!-- audience: team -->\n- Thing\n".repeat(40)
            + &"<!-- /audience -->\n".repeat(40)
            + "- Last\n";
        let log = parse_changelog(&text);
        // Said once, at the seventeenth marker, with every close matched.
        assert_eq!(log.marker_errors, [(37, crate::load::TOO_DEEP)]);
        let last = log.releases[0].sections[0].entries.last().unwrap();
        assert_eq!((last.text.as_str(), last.blocks.len()), ("Last", 0));
    }

    #[test]
    fn crlf_reads_the_same() {
        assert_eq!(
            parse_changelog(&CANONICAL.replace('\n', "\r\n")),
            parse_changelog(CANONICAL)
        );
    }

    #[test]
    fn en_and_em_dashes_before_the_date() {
        let en = only_release("## [4.0.0] \u{2013} 2024-09-17\n");
        assert_eq!(
            (en.version.as_deref(), en.date),
            (Some("4.0.0"), date(2024, 9, 17))
        );
        let em = only_release("## [4.0.0] \u{2014} 2024-09-17 \u{2014} Big one\n");
        assert_eq!(
            (em.date, em.suffix.as_deref()),
            (date(2024, 9, 17), Some("Big one"))
        );
        let tight = only_release("## 4.0.0\u{2013}2024-09-17\n");
        assert_eq!(
            (tight.version.as_deref(), tight.date),
            (Some("4.0.0"), date(2024, 9, 17))
        );
    }

    #[test]
    fn bare_and_two_part_versions() {
        let release = only_release("## 0.11 - 2020-12-20\n");
        assert_eq!(
            (release.version.as_deref(), release.date),
            (Some("0.11"), date(2020, 12, 20))
        );
        let release = only_release("## Version 2.0 - 2020-12-20\n");
        assert_eq!(release.version.as_deref(), Some("2.0"));
    }

    #[test]
    fn unreleased_spellings() {
        for heading in [
            "## [Unreleased]",
            "## [unreleased]",
            "## Unreleased",
            "## UNRELEASED",
            "## [Unreleased] - TBD",
        ] {
            let release = only_release(heading);
            assert_eq!((release.version, release.date), (None, None), "{heading}");
        }
        assert_eq!(
            only_release("## [Unreleased] - TBD").suffix.as_deref(),
            Some("TBD")
        );
    }

    #[test]
    fn versions_without_dates_prereleases_and_build_metadata() {
        let log = parse_changelog(
            "## [2.0.0]\n## 4.0.0-beta\n## [3.0.0-beta.2] - 2022-05-25\n## [0.26.0+1] - 2024-04-14\n",
        );
        let versions: Vec<Option<&str>> =
            log.releases.iter().map(|r| r.version.as_deref()).collect();
        assert_eq!(
            versions,
            vec![
                Some("2.0.0"),
                Some("4.0.0-beta"),
                Some("3.0.0-beta.2"),
                Some("0.26.0+1")
            ]
        );
        assert_eq!(
            (log.releases[0].date, log.releases[0].date_raw.as_deref()),
            (None, None)
        );
        assert_eq!(log.releases[1].date, None);
        assert_eq!(log.releases[3].date, date(2024, 4, 14));
    }

    #[test]
    fn leading_v_is_dropped() {
        assert_eq!(
            only_release("## v1.2.3 - 2020-01-01").version.as_deref(),
            Some("1.2.3")
        );
        assert_eq!(
            only_release("## [V1.2.3]").version.as_deref(),
            Some("1.2.3")
        );
        assert_eq!(
            only_release("## [1.0.0](https://x.test/v1.0.0) - 2020-01-02")
                .version
                .as_deref(),
            Some("1.0.0")
        );
    }

    #[test]
    fn yanked_releases() {
        let release = only_release("## [0.0.5] - 2014-12-13 [YANKED]\n");
        assert!(release.yanked);
        assert_eq!((release.date, release.suffix), (date(2014, 12, 13), None));
        assert!(only_release("## 1.0.0 [yanked]").yanked);
        assert!(only_release("## [1.0.0] - 2020-01-01 - YANKED").yanked);
        let release = only_release("## [1.0.2] - 2024-01-02 (yanked)");
        assert!(release.yanked);
        assert_eq!((release.date, release.suffix), (date(2024, 1, 2), None));
        let release = only_release("## 1.0.1 - 2024-01-01 - yanked");
        assert!(release.yanked);
        assert_eq!((release.date, release.suffix), (date(2024, 1, 1), None));
        let kept = only_release("## [1.0.0] - 2020-01-01 - Yanked the old API");
        assert!(!kept.yanked);
        let kept = only_release("## [1.0.0] - 2020-01-01 - Unyanked fixes");
        assert!(!kept.yanked);
        assert_eq!(kept.suffix.as_deref(), Some("Unyanked fixes"));
    }

    #[test]
    fn a_name_in_brackets_with_a_date_is_a_release_and_other_bullets_are_reported() {
        let text = "# Changelog\n\n- intro bullet\n\n## [Sprint 14] - 2024-02-02\n### Fixed\n- a\n\n## Older releases\n\nSome prose.\n- b\n- c\n\n## [Later]\n- d\n\n## [1.0.0] - 2024-01-01\n- e\n";
        let changelog = parse_changelog(text);
        let versions: Vec<Option<&str>> = (changelog.releases.iter())
            .map(|r| r.version.as_deref())
            .collect();
        assert_eq!(versions, [Some("Sprint 14"), Some("1.0.0")]);
        // Once per heading, at its first bullet; the intro's list is no release's.
        assert_eq!(changelog.unread, [(9, 12), (15, 16)]);
        // A numbered list is entries too.
        let changelog =
            parse_changelog("# Changelog\n\n## Older releases\n\n1. lost\n2. also lost\n");
        assert_eq!(changelog.unread, [(3, 5)]);
    }

    #[test]
    fn heading_suffixes_keep_emoji() {
        let release = only_release("## [0.11] - 2020-12-20 - Tag Annotations\n");
        assert_eq!(release.suffix.as_deref(), Some("Tag Annotations"));
        let release = only_release("## [0.13.0] - 2021-03-15 - Happy Birthday GitUI 🥳\n");
        assert_eq!(release.suffix.as_deref(), Some("Happy Birthday GitUI 🥳"));
        let release = only_release("## 1.0.0 (2020-01-01) Launch\n");
        assert_eq!(
            (release.date, release.suffix.as_deref()),
            (date(2020, 1, 1), Some("Launch"))
        );
    }

    #[test]
    fn unreadable_dates_are_kept_raw() {
        let release = only_release("## [1.0.0] - 2020-13-45\n");
        assert_eq!(
            (release.date, release.date_raw.as_deref()),
            (None, Some("2020-13-45"))
        );
        let release = only_release("## [1.0.0] - 12 March 2017\n");
        assert_eq!(
            (release.date, release.date_raw.as_deref()),
            (date(2017, 3, 12), Some("12 March 2017"))
        );
    }

    #[test]
    fn prose_before_sections_is_the_intro() {
        let text = "## [2.0.0] - 2026-06-07\n\n2.0.0 is the first major revision.\nIt breaks the guidance.\n\n\
            **note:** see below\n![shot](assets/shot.png)\n\n### Added\n\n- Guidance\n";
        let release = only_release(text);
        let intro = "2.0.0 is the first major revision.\nIt breaks the guidance.\n\n**note:** see below\n![shot](assets/shot.png)";
        assert_eq!(release.intro, intro);
        assert_eq!(texts(&release.sections[0]), vec!["Guidance"]);
    }

    #[test]
    fn bullets_mix_markers_and_keep_nesting_and_continuations() {
        let text = "## 1.0.0\n### Added\n* star\n- dash\n+ plus\n- parent\n  - child one\n    continued child\n  - child two\n\
            - lazy\ncontinuation\n - indented\n   more\n- images ![shot](assets/a.png) inline\n";
        let release = only_release(text);
        let expected = vec![
            "star",
            "dash",
            "plus",
            "parent\n- child one\n  continued child\n- child two",
            "lazy\ncontinuation",
            "indented\nmore",
            "images ![shot](assets/a.png) inline",
        ];
        assert_eq!(texts(&release.sections[0]), expected);
        let lines: Vec<usize> = release.sections[0].entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 10, 12, 14]);
    }

    #[test]
    fn a_bullets_lines_are_read_from_where_its_text_starts() {
        // Four spaces or a tab nest a list under `- `, as CommonMark reads it; code under
        // a bullet is code of the bullet's, not text with its backticks.
        let text = "## 1.0.0\n### Added\n- parent:\n    - child\n\t- tabbed child\n-   wide marker\n    - child of wide\n- code:\n\n  ```rust\n  let x = 1;\n  ```\n";
        let release = only_release(text);
        assert_eq!(
            texts(&release.sections[0]),
            vec![
                "parent:\n  - child\n- tabbed child",
                "wide marker\n- child of wide",
                "code:\n\n```rust\nlet x = 1;\n```",
            ]
        );
    }

    #[test]
    fn blank_lines_inside_a_bullet_and_paragraphs_after_it() {
        let text = "## 1.0.0\n### Added\n- push\n\n  second paragraph\n\n![push](assets/push.gif)\n\n- next\n";
        let release = only_release(text);
        assert_eq!(
            texts(&release.sections[0]),
            vec![
                "push\n\nsecond paragraph\n\n![push](assets/push.gif)",
                "next"
            ]
        );
    }

    #[test]
    fn prose_in_a_section_is_its_own_entry() {
        let text = "## 0.19\n### Breaking Change\nHave you used it?\nIt changed:\n* one\n* two\n\n### Breaking Changes\n\n\
            #### Theme file format\n\nThemes changed.\n\nSee docs.\n\n#### Key bindings\n\nKeys changed.\n";
        let release = only_release(text);
        assert_eq!(
            texts(&release.sections[0]),
            vec!["Have you used it?\nIt changed:", "one", "two"]
        );
        let expected = vec![
            "#### Theme file format\n\nThemes changed.\n\nSee docs.",
            "#### Key bindings\n\nKeys changed.",
        ];
        assert_eq!(texts(&release.sections[1]), expected);
        assert!(
            release
                .sections
                .iter()
                .flat_map(|s| &s.entries)
                .all(|e| e.breaking)
        );
    }

    #[test]
    fn bullets_right_under_a_version_go_to_changes() {
        let text = "## [1.0.0] - 2020-01-01\nFirst release.\n\n- one\n- two\n\nMore prose.\n";
        let release = only_release(text);
        assert_eq!(release.intro, "First release.\n\nMore prose.");
        assert_eq!(release.sections.len(), 1);
        let section = &release.sections[0];
        assert_eq!(
            (section.name.as_str(), section.category, section.line),
            ("Changes", None, 4)
        );
        assert_eq!(texts(section), vec!["one", "two"]);
    }

    #[test]
    fn section_categories() {
        let cases = [
            ("Added", Some("added")),
            ("ADDED", Some("added")),
            ("Changed", Some("changed")),
            ("Deprecated", Some("deprecated")),
            ("Removed", Some("removed")),
            ("Fixed", Some("fixed")),
            ("Security", Some("security")),
            ("Fixes", Some("fixed")),
            ("Fix", Some("fixed")),
            ("Bug fixes", Some("fixed")),
            ("Bugfixes", Some("fixed")),
            ("🐛 Bug Fixes:", Some("fixed")),
            ("Breaking Change", Some("changed")),
            ("Breaking Changes", Some("changed")),
            ("BREAKING", Some("changed")),
            ("Key binding notes", None),
            ("Internal", None),
            ("Fixed stuff", None),
        ];
        for (name, category) in cases {
            let release = only_release(&format!("## 1.0.0\n### {name}\n- x\n"));
            assert_eq!(release.sections[0].name, name.trim_end_matches(':'));
            assert_eq!(release.sections[0].category, category, "{name}");
        }
    }

    #[test]
    fn a_bullet_of_a_comment_alone_is_no_change() {
        let release =
            only_release("## 1.0.0\n### Added\n- <!-- TODO -->\n- real <!-- note -->\n-\n");
        assert_eq!(texts(&release.sections[0]), vec!["real <!-- note -->"]);
    }

    #[test]
    fn breaking_entries() {
        let text = "## 1.0.0\n### Changed\n- BREAKING: new config\n- **Breaking:** renamed\n- [breaking] dropped\n\
            - breaking the loop is faster\n- Nothing special\n- Breaking: plain\n- \u{26a0}\u{fe0f} BREAKING: signed\n\
            - Breaking change: worded\n- Breaking news\n### Breaking Changes:\n- anything here\n";
        let release = only_release(text);
        let flags: Vec<bool> = release
            .sections
            .iter()
            .flat_map(|s| &s.entries)
            .map(|e| e.breaking)
            .collect();
        assert_eq!(
            flags,
            vec![
                true, true, true, false, false, true, true, true, false, true
            ]
        );
        // A section's name ends before its colon.
        assert_eq!(release.sections[1].name, "Breaking Changes");
    }

    #[test]
    fn link_definitions_anywhere_are_collected() {
        let text = "# Changelog\n[keep]: https://keepachangelog.com\n## 1.0.0\n### Added\n- thanks [@ann]\n\n\
            [@ann]: https://github.com/ann\n   [1.0.0]: <https://x.test> \"title\"\n[not a def]\n[empty]:\n";
        let log = parse_changelog(text);
        let defs = "[keep]: https://keepachangelog.com\n[@ann]: https://github.com/ann\n[1.0.0]: <https://x.test> \"title\"";
        assert_eq!(log.link_defs, defs);
        assert_eq!(
            texts(&log.releases[0].sections[0]),
            vec!["thanks [@ann]\n\n[not a def]\n[empty]:"]
        );
    }

    #[test]
    fn html_comments_are_ignored() {
        let text = "## 1.0.0\n\nFirst release.\n\n[1.0.0]: https://x.test\n\n<!-- markdownlint-disable-file MD013 MD024 -->\n\
            ## 0.9.0\n### Added\n- kept <!-- inline stays -->\n<!--\n- hidden\n-->\n- shown\n";
        let log = parse_changelog(text);
        assert_eq!(log.releases[0].intro, "First release.");
        assert_eq!(
            texts(&log.releases[1].sections[0]),
            vec!["kept <!-- inline stays -->", "shown"]
        );
    }

    #[test]
    fn title_intro_and_other_headings_are_not_releases() {
        let text = "# Changelog\n\nIntro text.\n- not an entry\n\n## About\n- ignored\n\n## [1.0.0]\n- kept\n\n# Older\n- also ignored\n";
        let log = parse_changelog(text);
        assert_eq!(log.releases.len(), 1);
        assert_eq!(texts(&log.releases[0].sections[0]), vec!["kept"]);
    }

    #[test]
    fn fences_hide_headings_and_stay_in_their_entry() {
        let text = "## 1.0.0\n### Changed\n- config moved:\n  ```toml\n  ## not a release\n\n  [a]: b\n  ```\n- next\n\
            ```\n## also not\n```\n";
        let log = parse_changelog(text);
        assert_eq!(log.releases.len(), 1);
        let entries = texts(&log.releases[0].sections[0]);
        assert_eq!(
            entries,
            vec![
                "config moved:\n```toml\n## not a release\n\n[a]: b\n```",
                "next\n```\n## also not\n```"
            ]
        );
        assert_eq!(log.link_defs, "");
    }

    #[test]
    fn blank_lines_inside_code_are_kept_and_outside_collapse() {
        let text = "## 1.0.0\n### Added\n- example:\n\n\n  ```\n  a\n\n\n  b\n  ```\n";
        let release = only_release(text);
        assert_eq!(
            texts(&release.sections[0]),
            vec!["example:\n\n```\na\n\n\nb\n```"]
        );
    }

    #[test]
    fn thematic_breaks_are_not_bullets() {
        let release = only_release("## 1.0.0\n### Added\n- a\n\n- - -\n***\n* b\n");
        assert_eq!(texts(&release.sections[0]), vec!["a", "b"]);
    }

    #[test]
    fn audience_blocks_keep_entries_to_their_audiences_and_withhold_release_prose() {
        let log = parse_changelog(
            "## [1.0.0]\nOpen.\n<!-- audience: team -->\nHidden prose.\n<!-- /audience -->\n### Added\n- open\n<!-- audience: team, exec -->\n- inner\n  more\n<!-- audience: exec -->\n- innermost\n<!-- /audience -->\n<!-- /audience -->\n- after\n",
        );
        assert_eq!(log.withheld, [4]);
        let release = &log.releases[0];
        assert_eq!(release.intro, "Open.");
        let entries: Vec<(&str, Vec<Vec<String>>)> = release.sections[0]
            .entries
            .iter()
            .map(|e| (e.text.as_str(), e.blocks.clone()))
            .collect();
        let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            entries,
            [
                ("open", vec![]),
                ("inner\nmore", vec![list(&["team", "exec"])]),
                ("innermost", vec![list(&["team", "exec"]), list(&["exec"])]),
                ("after", vec![]),
            ]
        );
    }

    #[test]
    fn a_marker_counts_where_a_fence_only_seems_open() {
        // An indented line of backticks in release prose, and one in an entry whose list
        // item ended: neither opens code, and the blocks after them keep to their
        // audiences.
        let log = parse_changelog(
            "## [2.0.0]\nOpen.\n\n    ```\n<!-- audience: exec -->\nHidden prose.\n<!-- /audience -->\n### Added\n- open\n  ```\n<!-- audience: exec -->\n- hidden entry\n<!-- /audience -->\n- after\n",
        );
        assert_eq!(log.withheld, [6]);
        let release = &log.releases[0];
        assert!(!release.intro.contains("Hidden"), "{}", release.intro);
        let entries: Vec<(&str, Vec<Vec<String>>)> = release.sections[0]
            .entries
            .iter()
            .map(|e| (e.text.as_str(), e.blocks.clone()))
            .collect();
        assert_eq!(
            entries,
            [
                ("open\n```", vec![]),
                ("hidden entry", vec![vec!["exec".to_string()]]),
                ("after", vec![]),
            ]
        );
        // A marker written over several lines is one.
        let log = parse_changelog(
            "## [2.0.0]\n### Added\n- open\n<!--\n  audience: exec\n-->\n- hidden\n<!--\n/audience\n-->\n- after\n",
        );
        let blocks: Vec<usize> = log.releases[0].sections[0]
            .entries
            .iter()
            .map(|e| e.blocks.len())
            .collect();
        assert_eq!(blocks, [0, 1, 0]);
        let blocks_of = |log: &Changelog| -> Vec<(String, usize)> {
            log.releases
                .iter()
                .flat_map(|r| &r.sections)
                .flat_map(|s| &s.entries)
                .map(|e| (e.text.clone(), e.blocks.len()))
                .collect()
        };
        let entry = |text: &str, blocks: usize| (text.to_string(), blocks);
        // `<!-->` ends where it starts, and an indented `<!--` starts no comment: neither
        // hides the markers after it.
        for before in ["<!-->", "<!--->", "    <!--"] {
            let log = parse_changelog(&format!(
                "## [2.0.0]\n### Added\n- open\n\n{before}\n<!-- audience: exec -->\n- hidden\n<!-- /audience -->\n- after\n"
            ));
            let found = blocks_of(&log);
            assert!(found.contains(&entry("hidden", 1)), "{before:?}: {found:?}");
            assert!(
                !found
                    .iter()
                    .any(|(t, _)| t.contains("hidden") && !t.ends_with("hidden")),
                "{before:?}: {found:?}"
            );
        }
        // A marker inside a comment, or a comment over several lines inside a seeming
        // fence, is read as a marker.
        for text in [
            "## [2.0.0]\n### Added\n- open\n<!--\nnote\n<!-- audience: exec -->\n- hidden\n<!-- /audience -->\n- after\n",
            "## [2.0.0]\n### Added\n- open\n    ```\n<!--\naudience: exec\n-->\n- hidden\n<!--\n/audience\n-->\n- after\n",
        ] {
            let found = blocks_of(&parse_changelog(text));
            assert!(found.contains(&entry("hidden", 1)), "{text:?}: {found:?}");
            assert!(found.contains(&entry("after", 0)), "{text:?}: {found:?}");
        }
        // A marker that ends a real fence leaves its closing line no opening one: the
        // releases after it are read.
        let log = parse_changelog(
            "## [2.0.0]\n### Added\n- open\n  ```\n<!-- audience: exec -->\n- hidden\n<!-- /audience -->\n  ```\n## [1.0.0]\n### Fixed\n- earlier\n",
        );
        assert_eq!(log.releases.len(), 2, "{log:?}");
        assert_eq!(log.releases[1].sections[0].entries[0].text, "earlier");
    }

    #[test]
    fn a_comment_that_only_looks_like_a_marker_is_a_near_miss() {
        let log = parse_changelog(
            "## [2.0.0]\n### Added\n<!-- audiences: exec -->\n- a <!-- audience: exec -->\n<!--\n  audience exec\n-->\n<!--\nNote for the audience.\n-->\n<!-- linter: off -->\n- b\n",
        );
        let lines: Vec<usize> = log.marker_errors.iter().map(|e| e.0).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(
            log.marker_errors
                .iter()
                .all(|e| e.1 == crate::load::NEAR_MISS)
        );
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        assert_eq!(
            parse_changelog(""),
            Changelog {
                releases: vec![],
                link_defs: String::new(),
                withheld: vec![],
                withheld_defs: vec![],
                marker_errors: vec![],
                unread: vec![],
            }
        );
        let release = only_release("## [1.0.0]\n### \n-\n- \n");
        assert_eq!(release.sections[0].name, "");
        assert!(release.sections[0].entries.is_empty());
        assert!(
            parse_changelog("## \n## [\n## []\n## v\n")
                .releases
                .is_empty()
        );
    }

    #[test]
    fn never_panics_on_any_prefix_of_awkward_text() {
        let text = "# Changelog\r\n## [1.0.0\u{2013}] \u{2014} 2020-1-1 [YANKED] \u{2013} 🥳\n### Ünreleased\n\t- tab\n  * ü\n\
            ```\n## x\n~~~\n<!-- a\n--> b\n[é]: ü\n## v\n## [ü](é) (2020-02-30)\n- **Breaking\n+ [\n#### h\n";
        for (i, _) in text.char_indices() {
            let _ = parse_changelog(&text[..i]);
        }
    }

    #[test]
    fn huge_inputs_stay_fast() {
        let start = std::time::Instant::now();
        let long = format!(
            "## [1.0.0] - 2020-01-01 {}\n### Added\n- {}\n",
            "- x ".repeat(500_000),
            "[(".repeat(1_000_000)
        );
        assert_eq!(parse_changelog(&long).releases.len(), 1);
        let many =
            "## [1.0.0] - 2020-01-01\n### Fixed\n- a\n  b\n\n[x]: y\n<!-- c -->\n".repeat(15_000);
        let log = parse_changelog(&many);
        assert_eq!(log.releases.len(), 15_000);
        let one_entry = format!("## 1.0\n- a\n{}", "  more\n\n".repeat(100_000));
        assert_eq!(
            parse_changelog(&one_entry).releases[0].sections[0]
                .entries
                .len(),
            1
        );
        let wide_section = format!(
            "## 1.0\n### {}\n{}",
            "Breaking ".repeat(300_000),
            "- a\n".repeat(100_000)
        );
        let release = &parse_changelog(&wide_section).releases[0];
        assert!(release.sections[0].entries.iter().all(|e| !e.breaking));
        let blanks = format!("## 1.0\n{}- a\n", "\n".repeat(100_000));
        assert_eq!(
            parse_changelog(&blanks).releases[0].sections[0].entries[0].line,
            100_002
        );
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    }

    fn corpus(name: &str) -> Option<Changelog> {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpora/keepachangelog"
        ));
        if !dir.is_dir() {
            eprintln!("skipping: no corpora at {}", dir.display());
            return None;
        }
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        Some(parse_changelog(&text))
    }

    #[test]
    fn madr_changelog_corpus() {
        let Some(log) = corpus("adr-madr.CHANGELOG.md") else {
            return;
        };
        assert_eq!(log.releases.len(), 20);
        assert_eq!(log.releases[0].version, None, "lowercase [unreleased]");
        let first = &log.releases[1];
        assert_eq!(
            (first.version.as_deref(), first.date, first.line),
            (Some("4.0.0"), date(2024, 9, 17), 14)
        );
        assert_eq!(log.releases[2].version.as_deref(), Some("4.0.0-beta"));
        assert_eq!(log.releases[5].version.as_deref(), Some("3.0.0-beta"));
        assert!(log.releases.iter().skip(1).all(|r| r.date.is_some()));
        let added = &log.releases[2].sections[0];
        assert_eq!(added.entries.len(), 2);
        assert!(
            added.entries[0]
                .text
                .contains("\n- [`adr-template-bare.md`]")
        );
        let last = log.releases.last().unwrap();
        assert_eq!(
            (last.version.as_deref(), last.intro.as_str()),
            (
                Some("1.0.0"),
                "First release of Markdown Architectural Decision Records."
            )
        );
        assert!(last.sections.is_empty());
        assert_eq!(log.link_defs.lines().count(), 20);
        assert!(
            log.link_defs
                .starts_with("[unreleased]: https://github.com/adr/madr/compare/4.0.0...develop")
        );
    }

    #[test]
    fn keep_a_changelog_corpus() {
        let Some(log) = corpus("olivierlacan-keep-a-changelog.CHANGELOG.md") else {
            return;
        };
        assert_eq!(log.releases.len(), 17);
        assert_eq!(
            (
                log.releases[0].version.as_deref(),
                log.releases[0].sections.len()
            ),
            (None, 0)
        );
        let major = &log.releases[1];
        assert_eq!(
            (major.version.as_deref(), major.date),
            (Some("2.0.0"), date(2026, 6, 7))
        );
        assert!(major.intro.starts_with("2.0.0 is the first major revision"));
        let breaking = major
            .sections
            .iter()
            .flat_map(|s| &s.entries)
            .filter(|e| e.breaking)
            .count();
        assert_eq!(breaking, 3);
        assert_eq!(major.sections[0].entries[0].text.matches("\n- ").count(), 6);
        assert_eq!(
            log.releases.last().unwrap().version.as_deref(),
            Some("0.0.1")
        );
        assert_eq!(log.link_defs.lines().count(), 38);
        assert!(
            log.link_defs
                .contains("[@tylerfortune8]: https://github.com/tylerfortune8")
        );
    }

    #[test]
    fn gitui_changelog_corpus() {
        let Some(log) = corpus("gitui-org-gitui.CHANGELOG.md") else {
            return;
        };
        assert_eq!(log.releases.len(), 46);
        let unreleased = &log.releases[0];
        assert_eq!(unreleased.version, None);
        let fixes = &unreleased.sections[2];
        assert_eq!(
            (fixes.name.as_str(), fixes.category, fixes.entries.len()),
            ("Fixes", Some("fixed"), 3)
        );
        let find = |version: &str| {
            log.releases
                .iter()
                .find(|r| r.version.as_deref() == Some(version))
                .unwrap()
        };
        let tags = find("0.20");
        assert_eq!(
            (tags.date, tags.suffix.as_deref()),
            (date(2022, 1, 25), Some("Tag Annotations"))
        );
        assert_eq!(tags.sections[2].name, "Key binding notes");
        assert_eq!(tags.sections[2].category, None);
        assert!(
            tags.intro
                .contains("![tag-annotation](assets/tag-annotation.gif)")
        );
        assert_eq!(
            find("0.13.0").suffix.as_deref(),
            Some("Happy Birthday GitUI 🥳")
        );
        assert_eq!(find("0.19").suffix.as_deref(), Some("Bare Repo Support"));
        assert_eq!(find("0.26.0+1").date, date(2024, 4, 14));
        assert_eq!(find("0.16.1").sections[2].name, "Internal");
        let push = &find("0.11.0").sections[0].entries[0];
        assert!(push.text.ends_with("\n\n![push](assets/push.gif)"));
        let breaking_sections: Vec<&ChangelogSection> = log
            .releases
            .iter()
            .flat_map(|r| &r.sections)
            .filter(|s| s.name.starts_with("Breaking"))
            .collect();
        assert_eq!(breaking_sections.len(), 7);
        assert!(
            breaking_sections
                .iter()
                .all(|s| s.category == Some("changed") && s.entries.iter().all(|e| e.breaking))
        );
        assert!(log.releases.iter().skip(1).all(|r| r.date.is_some()));
        assert_eq!(log.link_defs, "");
    }
}
