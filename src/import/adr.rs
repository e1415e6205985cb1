//! Reads decision records written for adr-tools, log4brains and MADR: number, title, status, date, deciders, tags and links to other records, from the Markdown body.

use jiff::civil::Date;

use crate::model::DateText;

/// A value found in the body, with its 1-based line number within the text given.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdrRelKind {
    Supersedes,
    SupersededBy,
    Amends,
    AmendedBy,
    Extends,
    ExtendedBy,
    RelatesTo,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdrRelation {
    pub kind: AdrRelKind,
    /// The link destination when written as a Markdown link (`0015-dns-infrastructure.md`),
    /// else the referenced text as written (`ADR-0057`, `0045`).
    pub target: String,
    /// The link text, when there is one.
    pub label: Option<String>,
    pub line: usize,
    /// The words of a link named by the team (`Clarified by`), for `RelatesTo`.
    pub phrase: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdrBody {
    /// From a first heading `# 12. Title` (also `# 12 Title`, `# ADR-012: Title`, `# ADR 12 - Title`).
    pub number: Option<u32>,
    /// The first `# ` heading's text without the number prefix; trimmed.
    pub title: Option<Located<String>>,
    /// The status as written, trimmed, relation text removed: "Accepted", "Pending",
    /// "Partly superseded", "Superseded", "on hold".
    pub status: Option<Located<String>>,
    /// Date text as written (`Date: 2017-03-12`, `- Date: ...`, `* Date: ...`, `Date: 12 March 2017`).
    pub date: Option<Located<String>>,
    /// `- Deciders: a, b` (also `Decision-makers:`), split on commas, trimmed; with the
    /// names of the lines that go on from it (see `people_lines`).
    pub deciders: Vec<String>,
    /// `- Consulted: a, b`, read as `deciders` is.
    pub consulted: Vec<String>,
    /// `- Informed: a, b`, read as `deciders` is.
    pub informed: Vec<String>,
    /// Every line (1-based in the body) of a people field (`Deciders:`, `Consulted:`,
    /// `Informed:`), read or not (the frontmatter may give the field), with the lines that
    /// go on naming people: a list under it (`- Deciders:` over `  - Ann`), and lines that
    /// carry on a list of names ended with a comma (`Deciders: Ann,` over `Bob`). A page
    /// shows people as fields, where the site shows people, and never in its body.
    pub people_lines: Vec<usize>,
    /// `- Tags: x, y`; split on commas, or on spaces when there is no comma (log4brains allows both).
    pub tags: Vec<String>,
    pub relations: Vec<AdrRelation>,
    /// The lines that say the status and nothing else, in plain words, which a page
    /// showing the status as a badge may leave out of the body: a `Status: Accepted`
    /// line, or a `## Status` section, heading and all, that holds one line, the status.
    pub status_lines: Vec<usize>,
    /// The `## Status` section in `status_lines`: its lines, heading to last, and its
    /// heading's anchor, which no other heading of the body has.
    pub status_section: Option<(std::ops::RangeInclusive<usize>, String)>,
    /// The line the date was read from, when it says the date in plain words only.
    pub date_line: Option<usize>,
    /// The line the tags were read from, when it says them in plain words only.
    pub tags_line: Option<usize>,
    /// The first line written as a field of who may read the record (`- Audience: exec`,
    /// `Visibility: internal`), and its key as written: no field, since only the
    /// frontmatter says who may read a record.
    pub audience_line: Option<(usize, String)>,
}

/// Reads a record body (the text after any frontmatter; may contain CRLF, lines with only a space).
pub fn parse_adr_body(body: &str) -> AdrBody {
    let mut reader = BodyReader::default();
    let mut held: Option<(&str, usize)> = None;
    let mut after_text = false;
    for (index, raw) in body.split('\n').enumerate() {
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        // A one-line paragraph over `===` or `---` is a setext heading, which only the
        // next line tells: the line waits for it.
        if let Some((title, at)) = held.take() {
            if let Some(level) = setext_level(text) {
                reader.setext_heading(level, title.trim(), at);
                after_text = false;
                continue;
            }
            reader.line(title, at);
        }
        let candidate = reader.outside_code() && paragraph_line(text);
        if candidate && !after_text {
            held = Some((text, index + 1));
        } else {
            reader.line(text, index + 1);
        }
        after_text = candidate;
    }
    if let Some((text, at)) = held {
        reader.line(text, at);
    }
    reader.finish(body.split('\n').count())
}

/// The level of the heading a setext underline (`===`, `---`) makes of the line above it.
fn setext_level(text: &str) -> Option<usize> {
    let indent = text.len() - text.trim_start_matches(' ').len();
    let marks = text.trim();
    let level = match marks.as_bytes().first()? {
        b'=' => 1,
        b'-' => 2,
        _ => return None,
    };
    (indent < 4 && marks.bytes().all(|b| b == marks.as_bytes()[0])).then_some(level)
}

/// A line that may be a paragraph's text, so a setext heading's: not indented as code,
/// not a fence, and starting a paragraph as a title's line does (see
/// [`crate::load::starts_paragraph`]; a numbered title, `9. Juliet`, is one).
fn paragraph_line(text: &str) -> bool {
    let indent = text.len() - text.trim_start_matches(' ').len();
    indent < 4
        && crate::load::starts_paragraph(text.trim(), true)
        && Fence::opened_by(text).is_none()
}

/// MADR / free status strings: "superseded by ADR-0057" -> ("superseded", [SupersededBy ADR-0057]);
/// "accepted; supersedes ADR-0045" -> ("accepted", [Supersedes ADR-0045]); "on hold" -> ("on hold", []).
/// The returned status is lowercased and trimmed. `line` is stored on the relations.
///
/// When the text only names relations that say nothing about this record's own status
/// ("amended by ADR-0003"), the returned status is empty. Last, the day the status says
/// it was reached (`Accepted on 2021-03-01`, see [`known_status`]): the record's date
/// where nothing else gives one.
pub fn read_status(status: &str, line: usize) -> (String, Vec<AdrRelation>, Option<Date>) {
    let split = split_status(strip_html_comments(status).trim(), line);
    let (text, said) = match split.status.is_empty() {
        true => (split.implied.unwrap_or_default(), false),
        false => (split.status, true),
    };
    let (status, day) = normal_status(&text);
    (status, split.relations, day.filter(|_| said))
}

/// A status align knows, in lowercase, also when Markdown dresses it (`**Accepted**`,
/// `* Accepted`, `> Accepted`) or a date goes with it (see [`known_status`]), with that
/// date; any other words kept as written (`Pending`, `Superseded in part by ADR 12`).
fn normal_status(text: &str) -> (String, Option<Date>) {
    let bare = bare_status(text);
    match known_status(&bare.to_lowercase()) {
        Some((word, day)) => (word.to_string(), day),
        None => (bare, None),
    }
}

/// Status text as a page reads it, without the Markdown around it: a link in the status
/// (`deprecated by [ADR-2](0002-x.md)`) shows its words, never its address, which may
/// name a document a site hides.
fn bare_status(text: &str) -> String {
    let plain = crate::load::plain_inline(text.trim());
    plain
        .trim()
        .trim_start_matches(['*', '-', '+', '>', ' '])
        .trim()
        .trim_matches(['*', '_', '`'])
        .trim()
        .to_string()
}

/// A status of a decision in lowercase words (`accepted`; `approved` is `accepted`),
/// alone or with the day it was reached, as records write it: `accepted (2019-03-04)`,
/// `accepted 2019-03-04`, `accepted - 2019-03-04`, `accepted on 2019-03-04`,
/// `accepted [2019-03-04]`, `2019-03-04 accepted`, `accepted.`. `None` for other words.
fn known_status(lower: &str) -> Option<(&'static str, Option<Date>)> {
    let lower = lower.trim().trim_end_matches('.').trim_end();
    let status = |word: &str| {
        let word = if word == "approved" { "accepted" } else { word };
        (crate::model::Kind::Decision.statuses().iter())
            .find(|known| **known == word)
            .copied()
    };
    let end = lower
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(lower.len());
    if let Some(word) = status(&lower[..end]) {
        let rest = lower[end..].trim_start_matches(['-', '–', '—', ':', ',', ' ']);
        if rest.is_empty() {
            return Some((word, None));
        }
        let rest = (["on ", "since ", "as of "].iter())
            .find_map(|p| rest.strip_prefix(p))
            .unwrap_or(rest);
        let inner = (rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')))
            .or_else(|| rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')))
            .unwrap_or(rest);
        return parse_loose_date(inner.trim()).map(|day| (word, Some(day)));
    }
    let (day, word) = lower.rsplit_once(' ')?;
    let day = day.trim_end_matches(['-', '–', '—', ':', ',', ' ']);
    Some((status(word)?, Some(parse_loose_date(day)?)))
}

/// Common date spellings: ISO `2017-03-12`, `2017/03/12`, `12 March 2017`, `12th March 2017`,
/// `March 12, 2017`, `Mar 12 2017`, `12.03.2017` (day first), `2017-3-5`. None when unreadable.
///
/// A year-last date with slashes is read day first too, unless only month first makes sense
/// (`03/25/2017`). A trailing time (`2017-03-12T10:00`, `2017-03-12 10:00`) is ignored.
pub fn parse_loose_date(s: &str) -> Option<Date> {
    let s = bare_date(s);
    if let Some(date) = numeric_date(s).or_else(|| worded_date(s)) {
        return Some(date);
    }
    let first = s.split_whitespace().next()?;
    numeric_date(first.split('T').next().unwrap_or(first))
}

/// An imported record's date as [`parse_loose_date`] reads it, kept as written when it
/// reads as no day; and the warning it is worth (`rule`, message) when it reads as no day
/// or as one of two.
pub fn record_date(written: &str) -> (DateText, Option<(&'static str, String)>) {
    let Some(day) = parse_loose_date(written) else {
        let message = format!("cannot read date `{written}`; kept as written");
        return (
            DateText::Raw(written.to_string()),
            Some(("unreadable-date", message)),
        );
    };
    let warning = other_reading(written, day).map(|other| {
        let message = format!(
            "`{written}` could be {day} or {other}; read day first as {day}: write dates as YYYY-MM-DD to be sure"
        );
        ("ambiguous-date", message)
    });
    // A date read from its first word keeps the words after it (`2021-01-31 (updated
    // 2021-02-01)`), but for a time of day (`2017-03-12 10:00`).
    let bare = bare_date(written);
    let whole = numeric_date(bare).or_else(|| worded_date(bare)).is_some();
    let words = (written.trim())
        .split_once(char::is_whitespace)
        .map(|(_, rest)| rest.trim());
    match words {
        Some(words)
            if !whole
                && !words.is_empty()
                && !words
                    .chars()
                    .all(|c| c.is_ascii_digit() || ":.+-Zz ".contains(c)) =>
        {
            (DateText::Noted(day, words.to_string()), warning)
        }
        _ => (DateText::Date(day), warning),
    }
}

/// A loosely written date without the brackets, quotes and Markdown marks around it.
fn bare_date(s: &str) -> &str {
    s.trim()
        .trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | '*' | '_' | '`' | '"' | '\''))
}

/// Leading number of a file stem: "0007-adopt-postgres" -> Some(7), "0038-mongo_replacement" -> Some(38);
/// date-prefixed log4brains stems like "20210315-use-x" or "2021-03-15-use-x" -> None; "index" -> None.
/// An `adr-` prefix is skipped ("adr-0007-x" -> Some(7)).
pub fn number_from_stem(stem: &str) -> Option<u32> {
    let rest = strip_adr_prefix(stem).unwrap_or(stem);
    let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, after) = rest.split_at(digits_len);
    if digits.is_empty() || after.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    if starts_with_date(digits, after) {
        return None;
    }
    digits.parse().ok()
}

/// Where in the body a line sits decides which lines may carry metadata: key lines count only
/// before the first section and inside a status section, so prose such as "Date: TBD" in the
/// consequences is not mistaken for the record's date.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Zone {
    #[default]
    Preamble,
    Status,
    Other,
}

#[derive(Debug, Default)]
struct BodyReader {
    body: AdrBody,
    zone: Zone,
    fence: FencedCode,
    in_comment: bool,
    /// "Superseded" from a lone `Superseded by [..](..)` line; a written status wins over it.
    implied: Option<Located<String>>,
    /// The first `## Status` section while it is read.
    section: Option<StatusSection>,
    /// Whether a `## Status` section was met already: only the first is left out.
    section_seen: bool,
    /// The anchors of the body's headings, and of how many headings each.
    anchors: std::collections::HashMap<String, usize>,
    /// The people field whose lines are being read.
    people: Option<PeopleRun>,
}

/// A people field's lines, from its key's line on (see `AdrBody::people_lines`).
#[derive(Debug)]
struct PeopleRun {
    /// Where its names go: `None` when the field was read before, or is not read.
    field: Option<People>,
    /// The indentation of the key's line (past any quote marks).
    indent: usize,
    /// Whether its value left names to the lines after it: empty, or ended with a comma.
    more: bool,
    /// Whether the key's value was empty: a list right under it names the people.
    empty: bool,
    /// Whether a blank line came since.
    blank: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum People {
    Deciders,
    Consulted,
    Informed,
}

/// The people field a line's key names (`Deciders`, `Decision-makers`, `Consulted`,
/// `Informed`), lowercased.
fn people_key(key: &str) -> Option<People> {
    match key {
        "deciders" | "decision-makers" | "decision makers" | "decision-maker(s)"
        | "decision maker(s)" => Some(People::Deciders),
        "consulted" => Some(People::Consulted),
        "informed" => Some(People::Informed),
        _ => None,
    }
}

/// A `## Status` section: its heading's line and level, the lines read from it, and
/// whether every line of it that is not blank was read.
#[derive(Debug)]
struct StatusSection {
    level: usize,
    start: usize,
    anchor: String,
    /// Whether the heading says the status (`## Status: Accepted`).
    said: bool,
    lines: Vec<usize>,
    whole: bool,
}

impl BodyReader {
    fn line(&mut self, text: &str, line: usize) {
        if self.skips_code_or_comment(text) {
            self.unread(text);
            return;
        }
        if self.people_line(text, line) {
            self.unread(text);
            return;
        }
        if let Some((level, heading)) = atx_heading(text) {
            self.heading(level, heading, line);
            return;
        }
        match self.zone {
            Zone::Preamble => {
                if self.meta_line(text, line) == Some(Read::Status) {
                    self.body.status_lines.push(line);
                }
            }
            // Indented as code (four spaces, a tab): an example, no status.
            Zone::Status if text.starts_with("    ") || text.starts_with('\t') => self.unread(text),
            Zone::Status => {
                let read = match self.meta_line(text, line) {
                    None => self.status_line(text, line),
                    // Another field's line (`Date:`) keeps the section: the frontmatter
                    // may give that field, and the line is then the body's own.
                    Some(read) => read == Read::Status,
                };
                match &mut self.section {
                    Some(_) if text.trim().is_empty() => {}
                    Some(section) if read => section.lines.push(line),
                    _ => self.unread(text),
                }
            }
            // A people field is a field wherever it stands, in any section: its names
            // are never left in the body, which a public site shows.
            Zone::Other => {
                if key_value(text).is_some_and(|(key, _)| people_key(&key).is_some()) {
                    self.meta_line(text, line);
                }
            }
        }
    }

    /// A line of the status section that was not read, so not shown elsewhere: the
    /// section stays in the body.
    fn unread(&mut self, text: &str) {
        if let Some(section) = &mut self.section
            && !text.trim().is_empty()
        {
            section.whole = false;
        }
    }

    /// Ends the status section being read at a heading of `level` (none at the body's
    /// end): when every line of it was read, it is a record of status lines. A heading
    /// under it (`### Notes` under `## Status`) is part of it, and unread.
    fn close_section(&mut self, level: Option<usize>, end: usize) {
        let Some(section) = self.section.take() else {
            return;
        };
        let under = level.is_some_and(|level| level > section.level);
        // The heading and the status, which the badge says: the heading itself, or the
        // one line under it.
        if section.whole && !under && section.lines.len() == 1 + usize::from(!section.said) {
            self.body.status_section = Some((section.start..=end, section.anchor));
            self.body.status_lines.extend(section.lines);
        }
    }

    /// Whether the next line starts outside fenced code and HTML comments.
    fn outside_code(&self) -> bool {
        !self.fence.is_open() && !self.in_comment
    }

    /// Consumes lines inside fenced code and HTML comments, which hold no metadata.
    fn skips_code_or_comment(&mut self, text: &str) -> bool {
        if self.fence.holds(text) {
            return true;
        }
        if self.in_comment {
            self.in_comment = !text.contains("-->");
            return true;
        }
        let trimmed = text.trim_start();
        if let Some(rest) = trimmed.strip_prefix("<!--") {
            self.in_comment = !rest.contains("-->");
            return rest
                .find("-->")
                .is_none_or(|end| rest[end + 3..].trim().is_empty());
        }
        // A comment opened after the line's words and left open (`See notes <!-- …`)
        // holds the lines after it: what it says is the author's note, never a field.
        if let Some(open) = text.rfind("<!--") {
            self.in_comment = !text[open..].contains("-->");
        }
        false
    }

    /// A setext heading (a line over `===` or `---`): read as the same heading written
    /// with `#`, but a `Status` section under one stays, as its underline would stay
    /// behind.
    fn setext_heading(&mut self, level: usize, text: &str, line: usize) {
        self.heading(level, text, line);
        if let Some(section) = self.section.as_mut().filter(|s| s.start == line) {
            section.whole = false;
        }
    }

    fn heading(&mut self, level: usize, text: &str, line: usize) {
        self.close_section(Some(level), line - 1);
        *self.anchors.entry(crate::load::slug(text)).or_default() += 1;
        if level == 1
            && self.body.title.is_none()
            && self.zone == Zone::Preamble
            && !text.is_empty()
        {
            let (number, title) = split_title_number(text);
            self.body.number = number;
            self.body.title = Some(Located {
                value: title.to_string(),
                line,
            });
            return;
        }
        let name = text.trim_end_matches(':').trim();
        // `## Status: Accepted`: the section's heading says it.
        if let Some((key, value)) = name.split_once(':')
            && key.trim().eq_ignore_ascii_case("status")
            && !value.trim().is_empty()
        {
            let read = self.status_text(value.trim(), line);
            self.open_section(level, line, text, read, true);
            self.zone = Zone::Status;
            return;
        }
        self.zone = if name.eq_ignore_ascii_case("status") {
            self.open_section(level, line, text, true, false);
            Zone::Status
        } else {
            Zone::Other
        };
    }

    /// Opens the first status section, at a heading that `said` the status or not.
    fn open_section(&mut self, level: usize, line: usize, text: &str, read: bool, said: bool) {
        if !std::mem::replace(&mut self.section_seen, true) {
            self.section = Some(StatusSection {
                level,
                start: line,
                anchor: crate::load::slug(text),
                said,
                lines: vec![line],
                whole: read,
            });
        }
    }

    /// Whether `text` goes on from the people field being read (see
    /// `AdrBody::people_lines`): then its line is one of the field's, and its names the
    /// field's when the field is read. Ends the field at any other line but a blank one.
    fn people_line(&mut self, text: &str, line: usize) -> bool {
        let Some(run) = self.people.as_mut() else {
            return false;
        };
        let words = unquoted(text);
        if words.trim().is_empty() {
            run.blank = true;
            return false;
        }
        let indent = crate::import::changelog::indent_width(words);
        let item = list_item(words.trim_start());
        let nested = indent > run.indent;
        let goes_on = key_value(text).is_none()
            && match item {
                Some(_) => nested || (run.empty && indent == run.indent),
                None => run.more && (nested || !run.blank) || nested && run.empty,
            };
        if !goes_on || atx_heading(text).is_some() {
            self.people = None;
            return false;
        }
        let value = item.unwrap_or(words.trim());
        run.more = value.trim_end().ends_with(',') || (run.empty && item.is_some());
        let field = run.field;
        self.body.people_lines.push(line);
        let names = names(value.trim().trim_end_matches(',').trim());
        match field {
            Some(People::Deciders) => self.body.deciders.extend(names),
            Some(People::Consulted) => self.body.consulted.extend(names),
            Some(People::Informed) => self.body.informed.extend(names),
            None => {}
        }
        true
    }

    /// Reads `- Status: x`, `* Date: y`, `**Deciders:** a, b` and the like; `None` when the
    /// line is not one of the known keys, else what its value became.
    fn meta_line(&mut self, text: &str, line: usize) -> Option<Read> {
        // Indented as code (four spaces, a tab): an example, not the record's field.
        if text.starts_with("    ") || text.starts_with('\t') {
            return None;
        }
        let (key, value) = key_value(text)?;
        if crate::load::fields::audience_like(&key) {
            self.body.audience_line.get_or_insert((line, key));
            return Some(Read::Unused);
        }
        let value = strip_html_comments(value);
        // Not what a comment left open on the line says.
        let value = value.split("<!--").next().unwrap_or_default().trim();
        let used = match key.as_str() {
            "status" => {
                return Some(if self.status_text(value, line) {
                    Read::Status
                } else {
                    Read::Unused
                });
            }
            "date" => {
                let first = set_once(&mut self.body.date, value, line);
                if first && plain(value) {
                    self.body.date_line = Some(line);
                }
                first
            }
            "tags" => {
                let first = self.body.tags.is_empty();
                if first {
                    self.body.tags = split_list(value, true);
                    self.body.tags_line = plain(value).then_some(line);
                }
                first
            }
            key => self.people_field(people_key(key)?, value, text, line),
        };
        Some(if used { Read::Field } else { Read::Unused })
    }

    /// Reads a people field's line (`Deciders: a, b`), the first of its field's, and opens
    /// the run of lines that may go on naming people; whether it was the first.
    fn people_field(&mut self, people: People, value: &str, text: &str, line: usize) -> bool {
        let slot = match people {
            People::Deciders => &mut self.body.deciders,
            People::Consulted => &mut self.body.consulted,
            People::Informed => &mut self.body.informed,
        };
        let first = slot.is_empty();
        let listed = value.trim().trim_end_matches(',').trim();
        if first {
            *slot = names(listed);
        }
        self.body.people_lines.push(line);
        let words = unquoted(text);
        self.people = Some(PeopleRun {
            field: first.then_some(people),
            indent: crate::import::changelog::indent_width(words),
            more: value.trim().is_empty() || value.trim_end().ends_with(','),
            empty: value.trim().is_empty(),
            blank: false,
        });
        first
    }

    /// Reads a line of the status section; whether it says the record's status and
    /// nothing else (see [`BodyReader::status_text`]).
    fn status_line(&mut self, text: &str, line: usize) -> bool {
        let text = strip_html_comments(text);
        let text = text.trim();
        if text.is_empty() {
            return true;
        }
        // A table's row or a link's definition says no status in words a badge could
        // show (`| Accepted |`, `[1]: https://…`): it stays, and is not read.
        if text.starts_with('|') || reference_definition(text) {
            return false;
        }
        // A relation's line stays: the page lists the relation only where the record it
        // names is found and shown, and its words may say more than the list does.
        if let Some(relation) = custom_link_relation(text, line) {
            self.body.relations.push(relation);
            // `Deprecated by [2. X](…)`, `Rejected in favour of […](…)`: a phrase that
            // starts with a status says the record's own.
            let word = text
                .split(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or_default()
                .to_lowercase();
            if crate::model::Kind::Decision
                .statuses()
                .contains(&word.as_str())
            {
                set_once(&mut self.body.status, &word, line);
            }
            return false;
        }
        // After a lone `Superseded by …` line, which says the status, the section's
        // prose is prose: only relations are read from it.
        if self.implied.is_some() && self.body.status.is_none() {
            self.body
                .relations
                .extend(split_status(text, line).relations);
            return false;
        }
        self.status_text(text, line)
    }

    /// Reads status text; whether it says the record's status and nothing else: plain
    /// words (no link, emphasis or markup), no relation, no day, the first status read
    /// and all of the text (`Accepted`, `Partly superseded`; not `Accepted (2019-03-04)`
    /// or `Accepted 2019-03-04`).
    fn status_text(&mut self, text: &str, line: usize) -> bool {
        let split = split_status(text, line);
        let alone = split.relations.is_empty()
            && plain(text)
            && !text.contains(|c: char| c.is_ascii_digit());
        self.body.relations.extend(split.relations);
        if !split.status.is_empty() {
            let set = set_once(&mut self.body.status, &split.status, line);
            set && alone && split.status.eq_ignore_ascii_case(text.trim())
        } else {
            if let Some(word) = split.implied {
                set_once(&mut self.implied, &word, line);
            }
            false
        }
    }

    fn finish(mut self, lines: usize) -> AdrBody {
        self.close_section(None, lines);
        // Left out, a heading whose anchor another heading shares would hand its anchor
        // on to that one, and the links written to it would lead there.
        if let Some((range, anchor)) = &self.body.status_section
            && self.anchors.get(anchor).copied().unwrap_or(0) > 1
        {
            let range = range.clone();
            self.body.status_lines.retain(|line| !range.contains(line));
            self.body.status_section = None;
        }
        if self.body.status.is_none() {
            self.body.status = self.implied;
        }
        self.body
    }
}

/// Whether a line defines a link's reference (`[adr-2]: 0002-x.md`).
fn reference_definition(text: &str) -> bool {
    closing(text, b'[', b']').is_some_and(|end| text[end + 1..].starts_with(':'))
}

/// Whether a field's words are plain: no Markdown or HTML that would say more than the
/// field shows (a link's address, emphasis, a footnote, a quote, a table's cell).
fn plain(text: &str) -> bool {
    !text.trim().is_empty()
        && !text.contains([
            '[', ']', '(', ')', '*', '_', '~', '`', '<', '>', '|', '^', '#', '!', '\\', '&', '{',
        ])
}

/// What a line of a known key (`Status:`, `Date:`, …) became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// The record's status.
    Status,
    /// Another field of the record.
    Field,
    /// Nothing: the key was given before.
    Unused,
}

/// Sets `slot` unless it is set or `value` is empty; whether it did.
fn set_once(slot: &mut Option<Located<String>>, value: &str, line: usize) -> bool {
    let set = slot.is_none() && !value.is_empty();
    if set {
        *slot = Some(Located {
            value: value.to_string(),
            line,
        });
    }
    set
}

/// An opening code fence: its character and length, which the closing fence must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fence {
    marker: u8,
    len: usize,
}

impl Fence {
    pub(crate) fn opened_by(text: &str) -> Option<Fence> {
        let trimmed = text.trim_start();
        let marker = *trimmed.as_bytes().first()?;
        if marker != b'`' && marker != b'~' {
            return None;
        }
        let len = trimmed.bytes().take_while(|&b| b == marker).count();
        // A backtick in the info string means inline code, not a fence.
        let info_ok = marker == b'~' || !trimmed.as_bytes()[len..].contains(&b'`');
        (len >= 3 && info_ok).then_some(Fence { marker, len })
    }

    pub(crate) fn closed_by(self, text: &str) -> bool {
        let trimmed = text.trim();
        trimmed.len() >= self.len && trimmed.bytes().all(|b| b == self.marker)
    }
}

/// Fenced code, followed line by line.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FencedCode(Option<Fence>);

impl FencedCode {
    /// Whether a line belongs to fenced code, fences included. As CommonMark has it, a
    /// fence is closed only by a run of its own character at least as long, with nothing
    /// after it: a ```` ```` ```` fence holds ```` ``` ```` lines (a Markdown example
    /// with code in it).
    pub(crate) fn holds(&mut self, text: &str) -> bool {
        match self.0 {
            Some(open) => {
                if open.closed_by(text) {
                    self.0 = None;
                }
                true
            }
            None => {
                self.0 = Fence::opened_by(text);
                self.0.is_some()
            }
        }
    }

    pub(crate) fn is_open(self) -> bool {
        self.0.is_some()
    }
}

/// An ATX heading: level and text, closing `#`s removed.
pub(crate) fn atx_heading(text: &str) -> Option<(usize, &str)> {
    let indent = text.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &text[indent..];
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    let after = &rest[level..];
    if !(1..=6).contains(&level) || !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let inner = after.trim();
    let without_closing = inner.trim_end_matches('#');
    let closing_ok = without_closing.is_empty() || without_closing.ends_with([' ', '\t']);
    Some((
        level,
        if closing_ok {
            without_closing.trim_end()
        } else {
            inner
        },
    ))
}

/// Splits `12. Title`, `12 Title`, `ADR-012: Title`, `ADR 12 - Title` into number and title.
fn split_title_number(text: &str) -> (Option<u32>, &str) {
    let text = text.trim();
    let adr_rest = strip_adr_prefix(text);
    let rest = adr_rest.unwrap_or(text);
    let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Ok(number) = rest[..digits_len].parse::<u32>() else {
        return (None, text);
    };
    let after = &rest[digits_len..];
    let title = match after.chars().next() {
        Some('.' | ':' | ')')
            if after[1..].starts_with(char::is_whitespace) || adr_rest.is_some() =>
        {
            &after[1..]
        }
        Some('-') if adr_rest.is_some() => &after[1..],
        Some(c) if c.is_whitespace() => after,
        _ => return (None, text),
    };
    let title = title.trim_start();
    let title = ["- ", "– ", "— ", ": "]
        .iter()
        .find_map(|sep| title.strip_prefix(sep))
        .unwrap_or(title)
        .trim();
    if title.is_empty() {
        (None, text)
    } else {
        (Some(number), title)
    }
}

/// The text after a leading `ADR`, `ADR-`, `ADR_` or `ADR ` when a digit follows.
fn strip_adr_prefix(text: &str) -> Option<&str> {
    let head = text.as_bytes().get(..3)?;
    if !head.eq_ignore_ascii_case(b"adr") {
        return None;
    }
    let rest = text[3..].trim_start_matches(['-', '_', ' ', '#']);
    rest.starts_with(|c: char| c.is_ascii_digit())
        .then_some(rest)
}

/// `8` digits that read as a date (`20210315`), or `2021` followed by `-03-15`.
fn starts_with_date(digits: &str, after: &str) -> bool {
    let plausible = |y: &str, m: &str, d: &str| {
        let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else {
            return false;
        };
        y >= 1900 && Date::new(y, m, d).is_ok()
    };
    if let (Some(y), Some(m), Some(d)) = (digits.get(..4), digits.get(4..6), digits.get(6..8)) {
        return plausible(y, m, d);
    }
    let b = after.as_bytes();
    let dashed = digits.len() == 4
        && b.len() >= 6
        && matches!(b[0], b'-' | b'_')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && matches!(b[3], b'-' | b'_')
        && b[4..6].iter().all(u8::is_ascii_digit);
    dashed && plausible(digits, &after[1..3], &after[4..6])
}

/// A line without the quote marks it starts with (`> > Ann` is `Ann`).
pub(crate) fn unquoted(text: &str) -> &str {
    let mut rest = text;
    while let Some(quoted) = rest.trim_start().strip_prefix('>') {
        rest = quoted.strip_prefix(' ').unwrap_or(quoted);
    }
    rest
}

/// A list item's words (`- Ann`, `* Ann`, `1. Ann`), `None` for a line that starts none:
/// the changelog's reading of list items.
fn list_item(text: &str) -> Option<&str> {
    use crate::import::changelog::{bullet, numbered};
    bullet(text)
        .or_else(|| numbered(text))
        .map(|(_, words)| words.trim())
}

/// `- Key: value`, `* **Key:** value`, `Key: value`, each in a quote or not
/// (`> Status: Accepted`, as some templates write the fields under the title); the key
/// lowercased.
fn key_value(text: &str) -> Option<(String, &str)> {
    let trimmed = unquoted(text).trim_start();
    let unbulleted = ["- ", "* ", "+ "]
        .iter()
        .find_map(|marker| trimmed.strip_prefix(marker))
        .unwrap_or(trimmed);
    // A full-width colon (`Deciders：`, as a CJK keyboard types it) says the same.
    let colon = unbulleted.find([':', '：'])?;
    let key = unbulleted[..colon].trim().trim_matches(['*', '_']).trim();
    if key.is_empty() || key.len() > 24 {
        return None;
    }
    let after = colon + unbulleted[colon..].chars().next().map_or(1, char::len_utf8);
    let value = unbulleted[after..].trim_start_matches(['*', '_']);
    Some((key.to_ascii_lowercase(), value))
}

/// The names a list of people written on one line holds (`Alice, [Bob](…)`), each in
/// its words.
pub(crate) fn names(value: &str) -> Vec<String> {
    split_list(value, false)
}

/// Splits a people or tag list; `[..]` around the whole list is dropped.
fn split_list(value: &str, spaces_too: bool) -> Vec<String> {
    let inner = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .filter(|v| !v.contains("]("))
        .unwrap_or(value);
    let parts: Vec<&str> = if spaces_too && !inner.contains(',') {
        inner.split_whitespace().collect()
    } else {
        top_level_pieces(inner)
    };
    // Each as a page would read it: a link (`[Alice](https://…)`) gives its words, never
    // its address, and emphasis gives its words.
    parts
        .into_iter()
        .map(|part| crate::load::plain_inline(part.trim()).trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `value` split at the commas outside brackets and parentheses, so that a link's words
/// or address (`[Carol, Dan](…)`) stay whole.
fn top_level_pieces(value: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in value.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                pieces.push(&value[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    pieces.push(&value[start..]);
    pieces
}

/// Removes `<!-- .. -->` comments (MADR's `<!-- optional -->` markers, authors' notes);
/// an unclosed comment swallows the rest, as a browser would.
pub fn strip_html_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Relation phrases, longest first where one begins another; "superceded", a spelling
/// records often have, is read as meant.
const PHRASES: [(&str, AdrRelKind); 12] = [
    ("superseded by", AdrRelKind::SupersededBy),
    ("supersedes", AdrRelKind::Supersedes),
    ("superceded by", AdrRelKind::SupersededBy),
    ("supercedes", AdrRelKind::Supersedes),
    ("replaced by", AdrRelKind::SupersededBy),
    ("replaces", AdrRelKind::Supersedes),
    ("amended by", AdrRelKind::AmendedBy),
    ("amends", AdrRelKind::Amends),
    ("extended by", AdrRelKind::ExtendedBy),
    ("extends", AdrRelKind::Extends),
    ("relates to", AdrRelKind::RelatesTo),
    ("related to", AdrRelKind::RelatesTo),
];

/// The relation phrase a text starts with, and the phrase's length in bytes.
fn relation_phrase(text: &str) -> Option<(AdrRelKind, usize)> {
    let bytes = text.as_bytes();
    PHRASES.iter().find_map(|&(phrase, kind)| {
        let head = bytes.get(..phrase.len())?;
        let boundary = bytes
            .get(phrase.len())
            .is_none_or(|b| !b.is_ascii_alphanumeric());
        (head.eq_ignore_ascii_case(phrase.as_bytes()) && boundary).then_some((kind, phrase.len()))
    })
}

#[derive(Debug, Default)]
struct StatusSplit {
    /// The status words as written, relation clauses removed.
    status: String,
    relations: Vec<AdrRelation>,
    /// The status a `superseded by` clause implies when no status word is written.
    implied: Option<String>,
}

/// Splits "accepted; supersedes ADR-0045" into the status words and the relations. Clauses are
/// separated by `;` or `,` outside brackets; after a relation clause, further clauses that look
/// like references ("supersedes ADR-1, ADR-2") are more targets of the same relation.
fn split_status(text: &str, line: usize) -> StatusSplit {
    let mut split = StatusSplit::default();
    let mut current: Option<AdrRelKind> = None;
    for (separator, piece) in clauses(text) {
        let piece = piece.trim();
        let unjoined = strip_and(piece);
        if let Some((kind, len)) = relation_phrase(unjoined) {
            current = Some(kind);
            if kind == AdrRelKind::SupersededBy && split.implied.is_none() {
                split.implied = Some(implied_word(&unjoined[..len]));
            }
            push_targets(&mut split.relations, kind, &unjoined[len..], line);
        } else if let Some(kind) = current.filter(|_| looks_like_reference(piece)) {
            push_targets(&mut split.relations, kind, piece, line);
        } else if !piece.is_empty() {
            if !split.status.is_empty() {
                split.status.push(separator);
                split.status.push(' ');
            }
            split.status.push_str(piece);
        }
    }
    split
}

/// "Superseded" as written for `Superseded by`; other phrases imply the plain word.
fn implied_word(phrase: &str) -> String {
    match phrase.split_whitespace().next() {
        Some(word) if word.eq_ignore_ascii_case("superseded") => word.to_string(),
        _ => "superseded".to_string(),
    }
}

/// Pieces of `text` between `;` and `,` outside brackets and parentheses, each with the
/// separator that came before it.
fn clauses(text: &str) -> Vec<(char, &str)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut separator = ',';
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            ';' | ',' if depth == 0 => {
                out.push((separator, &text[start..i]));
                separator = c;
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((separator, &text[start..]));
    out
}

fn looks_like_reference(piece: &str) -> bool {
    let piece = strip_and(piece);
    piece.starts_with('[') || piece.bytes().any(|b| b.is_ascii_digit()) || piece.ends_with(".md")
}

fn strip_and(piece: &str) -> &str {
    let piece = piece.trim();
    let bytes = piece.as_bytes();
    if bytes
        .get(..4)
        .is_some_and(|h| h.eq_ignore_ascii_case(b"and "))
    {
        return piece[4..].trim_start();
    }
    piece.strip_prefix("& ").map_or(piece, str::trim_start)
}

/// Adds each target in "ADR-1 and [ADR-2](0002-x.md)".
fn push_targets(relations: &mut Vec<AdrRelation>, kind: AdrRelKind, rest: &str, line: usize) {
    let rest = rest.trim_start().trim_start_matches(':');
    for part in split_and(rest) {
        if let Some((target, label)) = target_of(part) {
            relations.push(AdrRelation {
                kind,
                target,
                label,
                line,
                phrase: None,
            });
        }
    }
}

/// Splits on ` and ` / ` & ` outside brackets.
fn split_and(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth = depth.saturating_sub(1),
            // A space inside a separator just taken belongs to that separator.
            b' ' if depth == 0 && i >= start => {
                let word = [&b" and "[..], &b" & "[..]].into_iter().find(|w| {
                    bytes
                        .get(i..i + w.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(w))
                });
                if let Some(word) = word {
                    out.push(&text[start..i]);
                    start = i + word.len();
                }
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// The target of one reference: a Markdown link's destination and text, the inside of `[..]`,
/// or the first word when it carries a number ("ADR-0057 since May"), else the text as written.
fn target_of(part: &str) -> Option<(String, Option<String>)> {
    let part = strip_and(part);
    if let Some(link) = parse_link(part) {
        return Some((link.dest.to_string(), Some(link.label.trim().to_string())));
    }
    let unbracketed = part
        .strip_prefix('[')
        .and_then(|p| p.find(']').map(|end| &p[..end]))
        .map_or(part, |inner| inner.trim_start_matches('['));
    let first = unbracketed.split_whitespace().next()?;
    let chosen = if first.bytes().any(|b| b.is_ascii_digit()) {
        first
    } else {
        unbracketed
    };
    let cleaned = chosen
        .trim()
        .trim_end_matches(['.', ')', ';', ','])
        .trim_matches(['`', '"', '\'', '*', '_']);
    (!cleaned.is_empty()).then(|| (cleaned.to_string(), None))
}

struct Link<'a> {
    label: &'a str,
    dest: &'a str,
    /// Byte length of the whole `[label](dest)`.
    len: usize,
}

/// A Markdown inline link at the start of `text`.
fn parse_link(text: &str) -> Option<Link<'_>> {
    let label_end = closing(text, b'[', b']')?;
    let after = &text[label_end + 1..];
    let dest_end = closing(after, b'(', b')')?;
    let inner = after[1..dest_end].trim();
    let dest = match inner.strip_prefix('<') {
        Some(rest) => &rest[..rest.find('>')?],
        None => inner.split_whitespace().next()?,
    };
    Some(Link {
        label: &text[1..label_end],
        dest,
        len: label_end + 1 + dest_end + 1,
    })
}

/// Index of the bracket closing the one `text` starts with; backslash escapes respected.
pub(crate) fn closing(text: &str, open: u8, close: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&open) {
        return None;
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// adr-tools lets teams name their own links (`adr new -l "3:Clarifies:Clarified by"`), which
/// appear in the status section as `Clarified by [3. Title](0003-title.md)`; those relate records
/// without a more specific kind, under the team's words.
fn custom_link_relation(text: &str, line: usize) -> Option<AdrRelation> {
    let open = text.find('[')?;
    let words = text[..open].trim();
    let word_count = words.split_whitespace().count();
    let wordy = words
        .chars()
        .all(|c| c.is_alphabetic() || c.is_whitespace() || c == '-');
    if word_count == 0 || word_count > 4 || !wordy || relation_phrase(words).is_some() {
        return None;
    }
    let link = parse_link(&text[open..])?;
    let trailing = text[open + link.len..].trim().trim_end_matches('.');
    let local = !link.dest.contains("://") && !link.dest.starts_with('#') && !link.dest.is_empty();
    (trailing.is_empty() && local).then(|| AdrRelation {
        kind: AdrRelKind::RelatesTo,
        target: link.dest.to_string(),
        label: Some(link.label.trim().to_string()),
        line,
        phrase: Some(words.split_whitespace().collect::<Vec<_>>().join(" ")),
    })
}

/// `2017-03-12`, `2017/3/5`, `12.03.2017`, `12/03/2017`.
fn numeric_date(s: &str) -> Option<Date> {
    let (separator, [a, b, c]) = numeric_parts(s)?;
    let [x, y, z] = [a, b, c].map(small_number);
    let (x, y, z) = (x?, y?, z?);
    let (year, month, day) = match (a.len(), c.len()) {
        (4, 1..=2) => (x, y, z),
        (1..=2, 4) if separator == '/' && y > 12 && x <= 12 => (z, x, y),
        (1..=2, 4) => (z, y, x),
        _ => return None,
    };
    make_date(year, month, day)
}

/// A numeric date's separator (`-`, `/` or `.`) and its three parts.
fn numeric_parts(s: &str) -> Option<(char, [&str; 3])> {
    let separator = s.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(separator, '-' | '/' | '.') {
        return None;
    }
    let mut parts = s.split(separator);
    let three = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some((separator, three))
}

/// The other day a year-last numeric date read as `day` could be, when its first two
/// numbers could each be the month (`09/01/2019`: 9 January, or September 1).
fn other_reading(written: &str, day: Date) -> Option<Date> {
    let s = bare_date(written);
    let (separator, [a, b, c]) = numeric_parts(s.split_whitespace().next().unwrap_or(s))?;
    let (x, y) = (small_number(a)?, small_number(b)?);
    // Dots are written day first wherever they are written (`01.02.2021`, as German and
    // most of Europe write dates): only slashes and dashes are read month first too.
    if separator == '.' || c.len() != 4 || x > 12 || y > 12 {
        return None;
    }
    make_date(small_number(c)?, x, y).filter(|&other| other != day)
}

/// One to four ASCII digits.
fn small_number(s: &str) -> Option<u16> {
    let ok = (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if ok { s.parse().ok() } else { None }
}

fn make_date(year: u16, month: u16, day: u16) -> Option<Date> {
    let year = i16::try_from(year).ok()?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    Date::new(year, month, day).ok()
}

/// `12 March 2017`, `12th March 2017`, `March 12, 2017`, `Mar 12 2017`, `Monday, 12 Mar. 2017`.
fn worded_date(s: &str) -> Option<Date> {
    let (mut year, mut month, mut day) = (None, None, None);
    let tokens = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty());
    for (count, token) in tokens.enumerate() {
        if count >= 5 {
            return None;
        }
        let token = token.trim_end_matches('.');
        let digits = strip_ordinal(token);
        match (digits.len(), small_number(digits)) {
            (4, Some(n)) if year.is_none() => year = Some(n),
            (1..=2, Some(n)) if day.is_none() => day = Some(n),
            (_, Some(_)) => return None,
            (_, None) => match month_number(token) {
                Some(n) if month.is_none() => month = Some(n),
                Some(_) => return None,
                None if is_weekday(token) => {}
                None => return None,
            },
        }
    }
    make_date(year?, month?, day?)
}

/// `12th` -> `12`; other text unchanged.
fn strip_ordinal(token: &str) -> &str {
    ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| {
            let head = token.strip_suffix(suffix)?;
            (!head.is_empty() && head.bytes().all(|b| b.is_ascii_digit())).then_some(head)
        })
        .unwrap_or(token)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month's number from its English name or an abbreviation of at least three letters.
fn month_number(token: &str) -> Option<u16> {
    if token.len() < 3 || token.len() > 9 {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    let index = MONTHS.iter().position(|name| name.starts_with(&lower))?;
    u16::try_from(index + 1).ok()
}

fn is_weekday(token: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let lower = token.to_ascii_lowercase();
    (3..=9).contains(&lower.len()) && DAYS.iter().any(|day| day.starts_with(&lower))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn date(y: i16, m: i8, d: i8) -> Option<Date> {
        Some(Date::new(y, m, d).unwrap())
    }

    fn located(value: &str, line: usize) -> Option<Located<String>> {
        Some(Located {
            value: value.to_string(),
            line,
        })
    }

    fn rel(kind: AdrRelKind, target: &str, label: Option<&str>, line: usize) -> AdrRelation {
        AdrRelation {
            kind,
            target: target.to_string(),
            label: label.map(String::from),
            line,
            phrase: None,
        }
    }

    const NYGARD: &str = "# 10. Terraform directory structure\n\nDate: 2017-07-04\n\n## Status\n\nAccepted\n\n\
        Amended by [17. Terraform Data Structure](0017-terraform-data-structure.md)\n\n## Context\n\nWe need structure.\n";

    #[test]
    fn nygard_record_gives_number_title_date_status_and_relations() {
        let body = parse_adr_body(NYGARD);
        assert_eq!(body.number, Some(10));
        assert_eq!(body.title, located("Terraform directory structure", 1));
        assert_eq!(body.date, located("2017-07-04", 3));
        assert_eq!(body.status, located("Accepted", 7));
        let amended = rel(
            AdrRelKind::AmendedBy,
            "0017-terraform-data-structure.md",
            Some("17. Terraform Data Structure"),
            9,
        );
        assert_eq!(body.relations, vec![amended]);
        assert!(body.deciders.is_empty() && body.tags.is_empty());
    }

    #[test]
    fn lines_that_say_only_the_status_are_found_with_their_section() {
        let section = |lines: std::ops::RangeInclusive<usize>| Some((lines, "status".into()));
        let body =
            parse_adr_body("# 1. X\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\n## Context\n");
        assert_eq!(body.status_lines, [5, 7]);
        assert_eq!(body.status_section, section(5..=8));
        assert_eq!(body.date_line, Some(3));
        let body =
            parse_adr_body("# 1. X\n\n- Status: accepted\n- Tags: a b\n\n## Status\n\nDraft\n");
        // The first status is the record's; the section of a second says more.
        assert_eq!((body.status_lines, body.tags_line), (vec![3], Some(4)));
        assert_eq!(body.status_section, None);
        for kept in [
            NYGARD,
            "# 1. X\n\n## Status\n\nAccepted\n\nWe may revisit it.\n",
            "# 1. X\n\n## Status\n\nAccepted\n\n### Notes\n\nN.\n",
            "# 1. X\n\n## Status\n\nAccepted\n\n```\ncode\n```\n",
            "# 1. X\n\n## Status\n\nAccepted\nDate: 2020-01-01\n",
            "# 1. X\n\n## Status\n\n**Accepted**\n",
            "# 1. X\n\n## Status\n\nAccepted (2019-03-04)\n",
            "# 1. X\n\nStatus\n------\n\nAccepted\n",
            "# 1. X\n\n## Status\n\nAccepted\n\n## Context\n\n## Status\n\nLater.\n",
        ] {
            let body = parse_adr_body(kept);
            assert!(body.status.unwrap().value.contains("ccepted"), "{kept}");
            assert!(
                body.status_lines.is_empty(),
                "{kept}: {:?}",
                body.status_lines
            );
            assert_eq!(body.status_section, None, "{kept}");
        }
        let body = parse_adr_body("# 1. X\n\n## Status: Accepted\n\n## Context\n\nC.\n");
        let said = Some((3..=4, "status-accepted".to_string()));
        assert_eq!((body.status_lines, body.status_section), (vec![3], said));
        let body = parse_adr_body("# 1. X\n\nDate: [2020-01-01](x.md)\nTags: *a*\n");
        assert_eq!((body.date_line, body.tags_line), (None, None));
    }

    #[test]
    fn crlf_and_space_only_blank_lines_read_the_same() {
        let crlf = NYGARD.replace("\n\n", "\n \n").replace('\n', "\r\n");
        assert_eq!(parse_adr_body(&crlf), parse_adr_body(NYGARD));
    }

    #[test]
    fn superceded_as_records_often_spell_it_is_read_as_superseded() {
        let body = parse_adr_body("# 2. Old\n\n## Status\n\nSuperceded by [5. New](0005-new.md)\n");
        assert_eq!(body.status, located("superseded", 5));
        let expected = rel(AdrRelKind::SupersededBy, "0005-new.md", Some("5. New"), 5);
        assert_eq!(body.relations, vec![expected]);
        let (status, relations, _) = read_status("Accepted; supercedes ADR-3", 1);
        assert_eq!(status, "accepted");
        assert_eq!(relations[0].kind, AdrRelKind::Supersedes);
    }

    #[test]
    fn lone_superseded_by_line_gives_superseded_status() {
        let body = parse_adr_body(
            "# 4. DNS\n\n## Status\n\nSuperseded by [DNS Infrastructure](0015-dns-infrastructure.md)\n",
        );
        assert_eq!(body.status, located("Superseded", 5));
        let expected = rel(
            AdrRelKind::SupersededBy,
            "0015-dns-infrastructure.md",
            Some("DNS Infrastructure"),
            5,
        );
        assert_eq!(body.relations, vec![expected]);
    }

    #[test]
    fn lone_amends_or_amended_by_lines_leave_status_unset() {
        let body = parse_adr_body("# 17. X\n\n## Status\n\nAmends [10. Y](0010-y.md)\n");
        assert_eq!(body.status, None);
        assert_eq!(
            body.relations,
            vec![rel(AdrRelKind::Amends, "0010-y.md", Some("10. Y"), 5)]
        );
        let body = parse_adr_body(
            "## Status\n\nAmended by [17. X](0017-x.md)\nExtended by [18. Z](0018-z.md)\n",
        );
        assert_eq!(body.status, None);
        let kinds: Vec<AdrRelKind> = body.relations.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, vec![AdrRelKind::AmendedBy, AdrRelKind::ExtendedBy]);
    }

    #[test]
    fn extends_and_supersedes_lines_after_a_status() {
        let text = "## Status\n\nProposed\n\nExtends [3. Base](0003-base.md)\nSupersedes [1. Old](0001-old.md)\n";
        let body = parse_adr_body(text);
        assert_eq!(body.status, located("Proposed", 3));
        assert_eq!(
            body.relations,
            vec![
                rel(AdrRelKind::Extends, "0003-base.md", Some("3. Base"), 5),
                rel(AdrRelKind::Supersedes, "0001-old.md", Some("1. Old"), 6),
            ]
        );
    }

    #[test]
    fn free_status_words_are_kept_as_written() {
        for word in [
            "Pending",
            "Proposed",
            "Approved",
            "Partly superseded",
            "on hold",
        ] {
            let body = parse_adr_body(&format!("# 3. X\n\n## Status\n\n{word}\n"));
            assert_eq!(body.status, located(word, 5), "{word}");
            assert!(body.relations.is_empty(), "{word}");
        }
    }

    #[test]
    fn a_status_with_the_day_it_was_reached_is_that_status_and_day() {
        let day = |text: &str| read_status(text, 1).2.map(|d| d.to_string());
        for text in [
            "Accepted (2021-03-01)",
            "Accepted 2021-03-01",
            "Accepted - 2021-03-01",
            "accepted on 2021-03-01",
            "Accepted [2021-03-01]",
            "2021-03-01 Accepted",
            "**Accepted**, 2021-03-01",
            "Approved 1 March 2021",
            "Accepted 2021-03-01; supersedes ADR-0003",
        ] {
            assert_eq!(read_status(text, 1).0, "accepted", "{text}");
            assert_eq!(day(text).as_deref(), Some("2021-03-01"), "{text}");
        }
        for (text, status) in [
            ("Accepted.", "accepted"),
            ("Rejected", "rejected"),
            ("Accepted, pending review", "Accepted, pending review"),
            ("Accepted 2021", "Accepted 2021"),
            ("Pending 2021-03-01", "Pending 2021-03-01"),
        ] {
            assert_eq!(read_status(text, 1).0, status, "{text}");
            assert_eq!(day(text), None, "{text}");
        }
    }

    #[test]
    fn a_status_indented_as_code_is_no_status() {
        for indent in ["    ", "\t"] {
            let body = parse_adr_body(&format!("# 3. X\n\n## Status\n\n{indent}Accepted\n"));
            assert_eq!(body.status, None, "{indent:?}");
            assert_eq!(body.status_section, None, "{indent:?}");
        }
    }

    #[test]
    fn a_date_keeps_the_words_written_after_it() {
        let shown = |s: &str| {
            let (date, _) = record_date(s);
            (date.date().map(|d| d.to_string()), date.display())
        };
        let day = Some("2021-01-31".to_string());
        assert_eq!(
            shown("2021-01-31 (updated 2021-02-01)"),
            (day.clone(), "2021-01-31 (updated 2021-02-01)".to_string())
        );
        for plain in [
            "2021-01-31",
            "2021-01-31 10:00",
            "2021-01-31T10:00",
            "31 January 2021",
        ] {
            assert_eq!(
                shown(plain),
                (day.clone(), "2021-01-31".to_string()),
                "{plain}"
            );
        }
    }

    #[test]
    fn a_date_that_reads_two_ways_says_how_it_was_read() {
        let read = |s: &str| {
            record_date(s)
                .1
                .map(|(rule, message)| format!("{rule}: {message}"))
        };
        let found = read("02/11/2026").unwrap();
        assert!(
            found.contains(
                "ambiguous-date: `02/11/2026` could be 2026-11-02 or 2026-02-11; read day first as 2026-11-02"
            ),
            "{found}"
        );
        assert!(read("09-01-2019").is_some());
        // One way only: a number past 12, the same number twice, the year first, or dots,
        // which are written day first.
        for one_way in [
            "09.01.2019",
            "25/03/2026",
            "03/25/2026",
            "05/05/2026",
            "2026/02/11",
            "2026-02-11",
        ] {
            assert_eq!(read(one_way), None, "{one_way}");
        }
        assert_eq!(
            read("soon").as_deref(),
            Some("unreadable-date: cannot read date `soon`; kept as written")
        );
    }

    #[test]
    fn a_status_heading_may_say_the_status() {
        let body = parse_adr_body("# 10. Kilo\n\n## Status: Accepted\n\n## Context\n\nx\n");
        assert_eq!(body.status, located("Accepted", 3));
        // A section named `Status:` alone is the usual section.
        let body = parse_adr_body("## Status:\n\nProposed\n");
        assert_eq!(body.status, located("Proposed", 3));
    }

    #[test]
    fn first_status_line_wins_and_later_prose_is_ignored() {
        let body = parse_adr_body("## Status\n\nAccepted\n\nWe agreed on this in May.\n");
        assert_eq!(body.status, located("Accepted", 3));
    }

    #[test]
    fn status_line_with_status_and_relation_is_split() {
        let body = parse_adr_body("## Status\n\nAccepted; supersedes ADR-0045\n");
        assert_eq!(body.status, located("Accepted", 3));
        assert_eq!(
            body.relations,
            vec![rel(AdrRelKind::Supersedes, "ADR-0045", None, 3)]
        );
    }

    #[test]
    fn custom_adr_tools_link_names_relate_records() {
        let body = parse_adr_body("## Status\n\nAccepted\n\nClarified by [5. Y](0005-y.md)\n");
        assert_eq!(body.status, located("Accepted", 3));
        let clarified = AdrRelation {
            phrase: Some("Clarified by".to_string()),
            ..rel(AdrRelKind::RelatesTo, "0005-y.md", Some("5. Y"), 5)
        };
        assert_eq!(body.relations, vec![clarified]);
    }

    #[test]
    fn title_number_spellings() {
        let cases = [
            ("# 12. Use Rust", Some(12), "Use Rust"),
            ("# 12 Use Rust", Some(12), "Use Rust"),
            ("# ADR-012: Use Rust", Some(12), "Use Rust"),
            ("# ADR 12 - Use Rust", Some(12), "Use Rust"),
            ("# adr-7. Use Rust", Some(7), "Use Rust"),
            ("# 3: Use Rust #", Some(3), "Use Rust"),
            ("# Use Rust", None, "Use Rust"),
            ("# 12-factor apps", None, "12-factor apps"),
            ("# 3.5 inch drives", None, "3.5 inch drives"),
            ("# 12.", None, "12."),
            ("# 99999999999 Big", None, "99999999999 Big"),
        ];
        for (heading, number, title) in cases {
            let body = parse_adr_body(heading);
            assert_eq!(body.number, number, "{heading}");
            assert_eq!(body.title, located(title, 1), "{heading}");
        }
    }

    #[test]
    fn prose_after_a_superseded_by_line_is_not_the_status() {
        let body = parse_adr_body(
            "# 4. Fourth\n\n## Status\n\nSuperseded by [9. Gone](0009-gone.md)\n\nSee the RFC.\n",
        );
        assert_eq!(body.status, located("Superseded", 5));
        assert_eq!(body.relations.len(), 1);
    }

    #[test]
    fn setext_headings_are_headings() {
        let text = "9. Juliet\n=========\n\nDate: 2016-05-01\n\nStatus\n------\n\nAccepted\n\nContext\n-------\n\nSome text\nover two lines\n---\n";
        let body = parse_adr_body(text);
        assert_eq!(body.number, Some(9));
        assert_eq!(body.title, located("Juliet", 1));
        assert_eq!(body.date, located("2016-05-01", 4));
        assert_eq!(body.status, located("Accepted", 9));
        // An empty status section: the next section's name is not taken for the status.
        let body = parse_adr_body("Title\n=====\n\nStatus\n------\n\nContext\n-------\n\nx\n");
        assert_eq!(body.title, located("Title", 1));
        assert_eq!(body.status, None);
        // A rule after a blank line, a list item or a key line is no underline.
        let body = parse_adr_body("# 1. A\n\nStatus: Accepted\n---\n\n- Date: 2020-01-02\n---\n");
        assert_eq!(body.status, located("Accepted", 3));
        assert_eq!(body.date, located("2020-01-02", 6));
        let body = parse_adr_body("```\nNot a title\n===\n```\n");
        assert_eq!(body.title, None);
    }

    #[test]
    fn only_the_first_level_one_heading_is_the_title() {
        let body = parse_adr_body("Intro line\n\n## Context\n\n# Later\n");
        assert_eq!(body.title, None);
        let body = parse_adr_body("# First\n\n# Second\n");
        assert_eq!(body.title, located("First", 1));
        assert_eq!(parse_adr_body("#NoSpace\n").title, None);
    }

    #[test]
    fn headings_inside_fences_are_not_headings() {
        let text = "```markdown\n# Not the title\n## Status\nRejected\n```\n~~~\n# Also not\n~~~\n# 2. Real title\n\n## Status\n\nAccepted\n";
        let body = parse_adr_body(text);
        assert_eq!(body.title, located("Real title", 9));
        assert_eq!(body.number, Some(2));
        assert_eq!(body.status, located("Accepted", 13));
    }

    #[test]
    fn html_comment_lines_are_skipped() {
        let text = "<!-- markdownlint-disable-next-line MD025 -->\n<!--\n# Hidden\n-->\n# Shown\n";
        assert_eq!(parse_adr_body(text).title, located("Shown", 5));
    }

    #[test]
    fn log4brains_list_lines() {
        let text = "# Use X\n\n- Status: superseded by [ADR-0005](0005-use-x.md) <!-- optional -->\n- Deciders: Alice, Bob , \n\
            - Date: 2021-03-15\n- Tags: backend, data\n\nTechnical Story: PROJ-12\n\n## Context and Problem Statement\n\nDate: later\n";
        let body = parse_adr_body(text);
        assert_eq!(body.status, located("superseded", 3));
        assert_eq!(
            body.relations,
            vec![rel(
                AdrRelKind::SupersededBy,
                "0005-use-x.md",
                Some("ADR-0005"),
                3
            )]
        );
        assert_eq!(body.deciders, vec!["Alice", "Bob"]);
        assert_eq!(body.date, located("2021-03-15", 5));
        assert_eq!(body.tags, vec!["backend", "data"]);
        assert_eq!(body.number, None);
    }

    #[test]
    fn madr2_asterisk_lines_and_decision_makers() {
        let text = "# Title\n\n* Status: accepted\n* Decision-makers: Ann\n* Date: 12 March 2017\n* Tags: ux api\n";
        let body = parse_adr_body(text);
        assert_eq!(body.status, located("accepted", 3));
        assert_eq!(body.deciders, vec!["Ann"]);
        assert_eq!(body.date, located("12 March 2017", 5));
        assert_eq!(body.tags, vec!["ux", "api"]);
        assert_eq!(
            parse_loose_date(&body.date.unwrap().value),
            date(2017, 3, 12)
        );
    }

    #[test]
    fn bold_keys_and_bracketed_lists() {
        let body = parse_adr_body("Status: Accepted\nDeciders： 佐藤, 鈴木\n");
        assert_eq!(body.deciders, vec!["佐藤", "鈴木"]);
        let body = parse_adr_body("**Status:** Accepted\n**Deciders**: [Ann, Bo]\n");
        assert_eq!(body.status, located("Accepted", 1));
        assert_eq!(body.deciders, vec!["Ann", "Bo"]);
    }

    #[test]
    fn madr_status_section_says_accepted() {
        let body = parse_adr_body(
            "# Choose a database\n\n## Status\n\nAccepted\n\n## Context and Problem Statement\n\nAccepted?\n",
        );
        assert_eq!(body.status, located("Accepted", 5));
    }

    #[test]
    fn a_status_section_s_tables_and_link_definitions_say_no_status() {
        let body = parse_adr_body(
            "# X\n\n## Status\n\n| Accepted |\n|---|\n\n[1]: https://example.com \"Rejected\"\n\nProposed\n",
        );
        assert_eq!(body.status, located("Proposed", 10));
        assert!(body.status_section.is_none());
        // A status in brackets is still a status.
        let body = parse_adr_body("# X\n\n## Status\n\n[Accepted]\n");
        assert_eq!(body.status, located("[Accepted]", 5));
    }

    #[test]
    fn key_lines_in_a_status_section_count_but_not_in_other_sections() {
        let body = parse_adr_body(
            "# X\n\n## Status\n\nAccepted\nDate: 2020-01-02\n\n## Notes\n\nTags: nope\n",
        );
        assert_eq!(body.date, located("2020-01-02", 6));
        assert!(body.tags.is_empty());
    }

    #[test]
    fn status_text_relations() {
        let (status, relations, _) = read_status("superseded by ADR-0057", 4);
        assert_eq!(status, "superseded");
        assert_eq!(
            relations,
            vec![rel(AdrRelKind::SupersededBy, "ADR-0057", None, 4)]
        );
        let (status, relations, _) = read_status("accepted; supersedes ADR-0045", 2);
        assert_eq!(status, "accepted");
        assert_eq!(
            relations,
            vec![rel(AdrRelKind::Supersedes, "ADR-0045", None, 2)]
        );
        assert_eq!(
            read_status("on hold", 1),
            ("on hold".to_string(), vec![], None)
        );
        assert_eq!(
            read_status("  Accepted  ", 1),
            ("accepted".to_string(), vec![], None)
        );
        assert_eq!(
            read_status("Partly superseded", 1),
            ("Partly superseded".to_string(), vec![], None)
        );
    }

    #[test]
    fn status_text_with_links_lists_and_colons() {
        let (status, relations, _) = read_status("Superseded by [ADR-0005](0005-use-x.md)", 1);
        assert_eq!(status, "superseded");
        assert_eq!(
            relations,
            vec![rel(
                AdrRelKind::SupersededBy,
                "0005-use-x.md",
                Some("ADR-0005"),
                1
            )]
        );
        let (_, relations, _) = read_status(
            "accepted, supersedes ADR-1, ADR-2 and [ADR-3](0003-c.md)",
            1,
        );
        let targets: Vec<&str> = relations.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(targets, vec!["ADR-1", "ADR-2", "0003-c.md"]);
        let (status, relations, _) = read_status("Superseded by: ADR-12 (in May)", 1);
        assert_eq!(
            (status.as_str(), relations[0].target.as_str()),
            ("superseded", "ADR-12")
        );
        let (status, relations, _) =
            read_status("accepted; amends 0045; relates to [x](0007-x.md)", 1);
        assert_eq!(status, "accepted");
        let kinds: Vec<AdrRelKind> = relations.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, vec![AdrRelKind::Amends, AdrRelKind::RelatesTo]);
        assert_eq!(relations[0].target, "0045");
    }

    #[test]
    fn status_text_edge_cases() {
        assert_eq!(read_status("amended by ADR-3", 1).0, "");
        assert_eq!(read_status("Accepted <!-- optional -->", 1).0, "accepted");
        assert_eq!(
            read_status("accepted, but pending review", 1).0,
            "accepted, but pending review"
        );
        assert_eq!(read_status("superseded by ADR-3; on hold", 1).0, "on hold");
        assert_eq!(
            read_status("supersedesX", 1),
            ("supersedesX".to_string(), vec![], None)
        );
        // Markdown around a known status, or a date after it; other words as written.
        for written in [
            "**Accepted**",
            "* Accepted",
            "Accepted (2019-03-04)",
            "ACCEPTED",
            "**Accepted** (2019-03-04)",
            "*Accepted* (2019-03-04)",
            "Approved",
            "**Approved** (2019-03-04)",
        ] {
            assert_eq!(read_status(written, 1).0, "accepted", "{written}");
        }
        assert_eq!(read_status("Pending", 1).0, "Pending");
        // A link in words kept as written shows its text, never its address.
        assert_eq!(
            read_status("deprecated by [ADR-2](0002-secret.md)", 1).0,
            "deprecated by ADR-2"
        );
        assert_eq!(
            read_status("Superseded in part by ADR 12", 1).0,
            "Superseded in part by ADR 12"
        );
        assert_eq!(
            read_status("superseded by [ADR-0005]", 1).1[0].target,
            "ADR-0005"
        );
        assert_eq!(read_status("replaced by ADR-9", 1).0, "superseded");
        assert_eq!(read_status("", 1), (String::new(), vec![], None));
        assert_eq!(read_status("supersedes", 1), ("".to_string(), vec![], None));
    }

    #[test]
    fn a_custom_link_that_starts_with_a_status_says_the_record_s_own() {
        for (written, status) in [
            ("Deprecated by [1. Target](0001-t.md)", "deprecated"),
            ("Rejected in favour of [1. Target](0001-t.md)", "rejected"),
        ] {
            let body = parse_adr_body(&format!("# 2. Old\n\n## Status\n\n{written}\n"));
            assert_eq!(body.status, located(status, 5), "{written}");
            assert_eq!(body.relations.len(), 1, "{written}");
            assert_eq!(body.relations[0].kind, AdrRelKind::RelatesTo);
        }
        let body = parse_adr_body("# 2. Old\n\n## Status\n\nClarified by [1. T](0001-t.md)\n");
        assert_eq!(body.status, None);
    }

    #[test]
    fn loose_dates() {
        let march_12 = date(2017, 3, 12);
        for text in [
            "2017-03-12",
            "2017/03/12",
            "12 March 2017",
            "12th March 2017",
            "March 12, 2017",
            "Mar 12 2017",
            "12.03.2017",
            "12/03/2017",
            "03/12/2017 ",
            " [2017-03-12] ",
            "2017-03-12T10:00:00Z",
            "2017-03-12 (revised)",
            "Sunday, 12 Mar. 2017",
            "12 mar 2017",
        ] {
            let expected = if text.trim() == "03/12/2017" {
                date(2017, 12, 3)
            } else {
                march_12
            };
            assert_eq!(parse_loose_date(text), expected, "{text}");
        }
        assert_eq!(parse_loose_date("2017-3-5"), date(2017, 3, 5));
        assert_eq!(parse_loose_date("03/25/2017"), date(2017, 3, 25));
        assert_eq!(parse_loose_date("Sept 1st, 2020"), date(2020, 9, 1));
    }

    #[test]
    fn unreadable_dates() {
        for text in [
            "",
            "soon",
            "2017-02-30",
            "13.13.2017",
            "2017-03",
            "12 Foo 2017",
            "12 March",
            "1 2 3 4 5 6",
            "{YYYY-MM-DD}",
            "١٢ March 2017",
        ] {
            assert_eq!(parse_loose_date(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_from_file_stems() {
        assert_eq!(number_from_stem("0007-adopt-postgres"), Some(7));
        assert_eq!(number_from_stem("0038-mongo_replacement"), Some(38));
        assert_eq!(
            number_from_stem("0038-mongo_replacement_by_documentdb"),
            Some(38)
        );
        assert_eq!(number_from_stem("0007"), Some(7));
        assert_eq!(number_from_stem("adr-0012-x"), Some(12));
        assert_eq!(number_from_stem("2021-use-x"), Some(2021));
        assert_eq!(number_from_stem("20210315-use-x"), None);
        assert_eq!(number_from_stem("2021-03-15-use-x"), None);
        assert_eq!(number_from_stem("index"), None);
        assert_eq!(number_from_stem("3d-printing"), None);
        assert_eq!(number_from_stem("99999999999-x"), None);
        assert_eq!(number_from_stem(""), None);
        assert_eq!(number_from_stem("٣-x"), None);
    }

    #[test]
    fn never_panics_on_any_prefix_of_awkward_text() {
        let text = "# ADR-١٢: Ünïcode 🥳\r\n## Status\n Superseded by [x](y) ; supersedes [[a, b](c\n* Status: ] [ ( and & , ;\n\
            - Date: 12th Sept\u{2013} 2017\n```\n~~~~\n**Status:**\n<!-- <!-- -->\n- Tags: ,,, \n# 1.\u{a0}Title\n Clarified by [é](ü.md).";
        for (i, _) in text.char_indices() {
            let prefix = &text[..i];
            let _ = parse_adr_body(prefix);
            let _ = read_status(prefix, 1);
            let _ = parse_loose_date(prefix);
            let _ = number_from_stem(prefix);
        }
    }

    #[test]
    fn huge_inputs_stay_fast() {
        let start = std::time::Instant::now();
        let long_line = format!(
            "## Status\n\n{}\n",
            "supersedes [a](b), and ".repeat(200_000)
        );
        assert_eq!(parse_adr_body(&long_line).relations.len(), 200_000);
        let brackets = format!("## Status\n\nAccepted {}\n", "[".repeat(2_000_000));
        let _ = parse_adr_body(&brackets);
        let _ = read_status(&"superseded by ADR-1 and ".repeat(100_000), 1);
        let _ = parse_loose_date(&"12 ".repeat(1_000_000));
        let many_lines = "- Status: accepted\n## Status\nAmends [1. A](0001-a.md)\n```\n# x\n```\n"
            .repeat(20_000);
        assert_eq!(parse_adr_body(&many_lines).relations.len(), 20_000);
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    }

    fn corpora() -> Option<PathBuf> {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora"));
        if dir.is_dir() {
            return Some(dir.to_path_buf());
        }
        eprintln!("skipping: no corpora at {}", dir.display());
        None
    }

    fn read_records(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "md"))
            .map(|path| {
                (
                    path.file_stem().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&path).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    fn after_frontmatter(text: &str) -> &str {
        text.strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map_or(text, |(_, body)| body)
    }

    #[test]
    fn nygard_corpus() {
        let Some(dir) = corpora() else {
            return;
        };
        let records = read_records(&dir.join("nygard"));
        assert_eq!(records.len(), 38);
        let mut relation_count = 0;
        for (stem, text) in &records {
            let body = parse_adr_body(text);
            assert!(
                body.title.is_some() && body.number.is_some() && body.status.is_some(),
                "{stem}"
            );
            assert!(
                parse_loose_date(&body.date.clone().unwrap().value).is_some(),
                "{stem}"
            );
            assert!(number_from_stem(stem).is_some(), "{stem}");
            relation_count += body.relations.len();
        }
        assert_eq!(relation_count, 3);
        let find = |prefix: &str| {
            let (_, text) = records
                .iter()
                .find(|(stem, _)| stem.starts_with(prefix))
                .unwrap();
            parse_adr_body(text)
        };
        let r15 = find("0015");
        assert_eq!(r15.status, located("Accepted", 7));
        assert_eq!(r15.date.unwrap().value, "2018-03-06");
        let r3 = find("0003");
        assert_eq!(r3.status, located("Partly superseded", 7));
        assert!(r3.relations.is_empty(), "0033 says so only in prose");
        let r4 = find("0004");
        assert_eq!(r4.status, located("Superseded", 7));
        assert_eq!(
            r4.relations,
            vec![rel(
                AdrRelKind::SupersededBy,
                "0015-dns-infrastructure.md",
                Some("DNS Infrastructure"),
                7
            )]
        );
        let r10 = find("0010");
        assert_eq!(
            r10.relations,
            vec![rel(
                AdrRelKind::AmendedBy,
                "0017-terraform-data-structure.md",
                Some("17. Terraform Data Structure"),
                9
            )]
        );
        let r17 = find("0017");
        assert_eq!(r17.status, located("Accepted", 7));
        assert_eq!(r17.relations[0].kind, AdrRelKind::Amends);
        assert_eq!(
            r17.relations[0].target,
            "0010-terraform-directory-structure.md"
        );
        assert!(find("0016").relations.is_empty());
        assert_eq!(find("0033").number, Some(3));
        assert_eq!(find("0036").status.unwrap().value, "Proposed");
        assert_eq!(find("0038").status.unwrap().value, "Approved");
        assert_eq!(find("0006").status.unwrap().value, "Pending");
        assert_eq!(
            number_from_stem("0038-mongo_replacement_by_documentdb"),
            Some(38)
        );
    }

    #[test]
    fn madr_corpus() {
        let Some(dir) = corpora() else {
            return;
        };
        let records = read_records(&dir.join("madr"));
        assert_eq!(records.len(), 21);
        for (stem, text) in records.iter().filter(|(stem, _)| stem.starts_with('0')) {
            let body = parse_adr_body(after_frontmatter(text));
            assert!(body.title.is_some(), "{stem}");
            assert_eq!(body.number, None, "{stem}");
            assert_eq!(
                body.status, None,
                "{stem}: the fenced examples are not metadata"
            );
            assert!(body.relations.is_empty(), "{stem}");
            assert!(number_from_stem(stem).is_some_and(|n| n < 19), "{stem}");
        }
        let (_, tools) = records
            .iter()
            .find(|(stem, _)| stem.starts_with("0003"))
            .unwrap();
        assert_eq!(
            parse_adr_body(after_frontmatter(tools)).title,
            located("Write Own MADR Tooling", 1)
        );
        assert!(tools.contains("status: on hold"));
        assert_eq!(
            read_status("on hold", 4),
            ("on hold".to_string(), vec![], None)
        );
        let (_, template) = records
            .iter()
            .find(|(stem, _)| stem == "adr-template")
            .unwrap();
        let title = parse_adr_body(after_frontmatter(template)).title.unwrap();
        assert!(title.value.starts_with("{short title"));
        assert_eq!(number_from_stem("adr-template"), None);
        assert_eq!(number_from_stem("index"), None);
    }
}
