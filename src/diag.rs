//! Diagnostics: content errors and warnings with a source location, and how they are printed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::load::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in a source file; `line` and `col` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize, col: usize) -> Self {
        Location {
            path: path.into(),
            line: line.max(1),
            col: col.max(1),
        }
    }
}

/// Another place a diagnostic points at, such as the first of two duplicate ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The rule id for alignment checks; `None` for plain content errors.
    pub rule: Option<&'static str>,
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// Whether the text shows the line it points at: not for a file that was not read,
    /// such as a symlink to outside the project, whose text is not the project's to print.
    #[serde(skip)]
    pub quotes_source: bool,
}

impl Diagnostic {
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule: None,
            location,
            message: message.into(),
            help: None,
            related: Vec::new(),
            quotes_source: true,
        }
    }

    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(location, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// The diagnostic without the line it points at (see [`Diagnostic::quotes_source`]).
    pub fn without_source(mut self) -> Self {
        self.quotes_source = false;
        self
    }

    pub fn with_rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The first line, `path:line:col: error: message`, and the rule in brackets after
    /// the message when one reports it: `… warning: message [orphan-initiative]`.
    pub fn headline(&self) -> String {
        let loc = &self.location;
        let rule = self
            .rule
            .map(|rule| format!(" [{rule}]"))
            .unwrap_or_default();
        format!(
            "{}:{}:{}: {}: {}{rule}",
            loc.path.display(),
            loc.line,
            loc.col,
            self.severity.as_str(),
            self.message
        )
    }

    /// The headline, the offending source line with a caret, then help and related notes.
    pub fn render(&self) -> String {
        self.render_from(&mut Sources::default())
    }

    /// The same, reading the source line from `sources`: printing thousands of findings in
    /// one file reads and splits it once, not once for each.
    pub fn render_from(&self, sources: &mut Sources) -> String {
        let mut out = printable(&self.headline()).into_owned();
        out.push('\n');
        let quoted = self.quotes_source.then(|| {
            let loc = &self.location;
            sources.line(&loc.path, loc.line, loc.col)
        });
        if let Some((line, caret)) = quoted.flatten() {
            let number = self.location.line.to_string();
            let pad = " ".repeat(number.len());
            // A tab is shown as four spaces, so that the caret stands under the
            // character it points at whatever a terminal's tab stops are; a wide
            // character (`目`) takes two columns, a combining mark none, and a control
            // character, shown as `�`, one.
            const TAB: &str = "    ";
            let before: usize = (line.chars().take(caret)).map(shown_width).sum();
            let caret_pad = " ".repeat(before);
            let line = printable(&line).replace('\t', TAB);
            let _ = writeln!(out, "{pad} |\n{number} | {line}\n{pad} | {caret_pad}^");
        }
        for related in &self.related {
            let loc = &related.location;
            let _ = writeln!(
                out,
                "  = note: {}:{}:{}: {}",
                loc.path.display(),
                loc.line,
                loc.col,
                printable(&related.message)
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", printable(help));
        }
        out
    }
}

/// The columns a character of a quoted line takes on a terminal, as [`printable`] and the
/// tab's four spaces show it.
fn shown_width(c: char) -> usize {
    match c {
        '\t' => 4,
        c if hidden(c) => 1,
        c => unicode_width::UnicodeWidthChar::width(c).unwrap_or(0),
    }
}

/// Text for a terminal: each control character but a tab (an escape sequence written in a
/// field, a NUL, a line end in a file name) shown as `�`, one character for one, so a
/// caret under a quoted line stays in place; so is each mark of direction, which would
/// turn the rest of the line around on the screen (U+202E makes `abc` read `cba`), and each
/// space of no width, which would hide where a name differs from another.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let shown = text
        .chars()
        .map(|c| if hidden(c) { '\u{fffd}' } else { c })
        .collect();
    std::borrow::Cow::Owned(shown)
}

/// What [`printable`] shows as `�`.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// The files findings point into, each read once: its text, its lines counted as the
/// loader counts them (a lone CR ends a line too), and where each line starts.
#[derive(Default)]
pub struct Sources {
    files: std::collections::HashMap<PathBuf, Option<(String, LineIndex)>>,
    /// Where each character starts in the last long line quoted, by file and line:
    /// thousands of findings on one minified line find their place without counting the
    /// line's characters again for each.
    long_line: Option<(PathBuf, usize, Vec<usize>)>,
}

impl Sources {
    /// Line `line` (from 1) of `path`, shortened so a minified multi-megabyte line stays
    /// readable: its first 200 characters, or 200 around column `col` (from 1) after a
    /// `…`; and the caret's offset in characters. `None` when the file cannot be
    /// read or is shorter.
    fn line(&mut self, path: &Path, line: usize, col: usize) -> Option<(String, usize)> {
        let (text, lines) = self
            .files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                // A file too large to be read as a document shows its first lines.
                let bytes = crate::load::read_head(path, crate::load::MAX_FILE_BYTES).ok()?;
                let text = crate::load::normalise(&String::from_utf8_lossy(&bytes)).into_owned();
                let lines = LineIndex::new(&text);
                Some((text, lines))
            })
            .as_ref()?;
        let raw = lines.line(text, line.checked_sub(1)?)?;
        const SHOWN: usize = 200;
        if raw.len() <= SHOWN {
            // Columns count characters; a column past the line's end is at its end.
            let at = col.saturating_sub(1).min(raw.chars().count());
            return Some((raw.to_string(), at));
        }
        let cached = self
            .long_line
            .as_ref()
            .is_some_and(|(p, l, _)| p == path && *l == line);
        if !cached {
            let starts = raw.char_indices().map(|(at, _)| at).collect();
            self.long_line = Some((path.to_path_buf(), line, starts));
        }
        let starts = &self.long_line.as_ref()?.2;
        let byte = |char_at: usize| starts.get(char_at).copied().unwrap_or(raw.len());
        let at = col.saturating_sub(1).min(starts.len());
        if at < SHOWN {
            return Some((raw[..byte(SHOWN)].to_string(), at));
        }
        let from = at - SHOWN / 2;
        let window = &raw[byte(from)..byte(from + SHOWN)];
        Some((format!("…{window}"), at - from + 1))
    }
}

/// The findings that are warnings, not errors.
pub fn warnings(diags: &[Diagnostic]) -> impl Iterator<Item = &Diagnostic> {
    diags.iter().filter(|d| !d.is_error())
}

/// Sorts diagnostics by file and position so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let (x, y) = (&a.location, &b.location);
        by_bytes(&x.path, &y.path)
            .then(x.line.cmp(&y.line))
            .then(x.col.cmp(&y.col))
            .then(a.severity.cmp(&b.severity))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Paths in the order of their bytes: `Path`'s own ordering walks components and takes
/// names apart, which made sorting tens of thousands of diagnostics, or the files of a
/// project, a visible part of large builds.
pub fn by_bytes(a: &Path, b: &Path) -> std::cmp::Ordering {
    a.as_os_str()
        .as_encoded_bytes()
        .cmp(b.as_os_str().as_encoded_bytes())
}

/// Line and column (1-based, in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// A message of the readers of typed values (serde's) in the words the rest of align
/// uses: `expected a number, found the text "high"` for `invalid type: string "high",
/// expected f64`, `expected a table, found the number 1` for `invalid type: integer `1`,
/// expected struct KeyResult`, `unknown value` for `unknown variant`, and `keys or
/// tables nested too deep` for TOML's `recursion limit`.
pub fn plain_serde(message: &str) -> String {
    let expected = |what: &str| match what {
        "f64" | "f32" => "a number".to_string(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_string(),
        // The largest said too: `4294967296` is a whole number, 0 or more, but too large.
        "u8" => "a whole number from 0 to 255".to_string(),
        "u16" => "a whole number from 0 to 65535".to_string(),
        "u32" => format!("a whole number from 0 to {}", u32::MAX),
        "u64" | "usize" => format!("a whole number from 0 to {}", u64::MAX),
        "a sequence" => "a list".to_string(),
        "a map" => "a table".to_string(),
        what if what.starts_with("struct ") || what.starts_with("a map") => "a table".to_string(),
        what => what.to_string(),
    };
    let found = |what: &str| {
        let quoted = |rest: &str| rest.trim_matches('`').to_string();
        if let Some(rest) = what.strip_prefix("string ") {
            format!("the text {rest}")
        } else if let Some(rest) =
            (what.strip_prefix("integer ")).or_else(|| what.strip_prefix("floating point "))
        {
            format!("the number {}", quoted(rest))
        } else if let Some(rest) = what.strip_prefix("boolean ") {
            quoted(rest)
        } else {
            match what {
                "map" => "a table".to_string(),
                "sequence" => "a list".to_string(),
                "unit value" => "nothing".to_string(),
                what => what.to_string(),
            }
        }
    };
    let typed = (message.strip_prefix("invalid type: "))
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|rest| rest.rsplit_once(", expected "));
    if let Some((what, wanted)) = typed {
        return format!("expected {}, found {}", expected(wanted), found(what));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return format!("unknown value {rest}");
    }
    if let Some(plain) = unknown_field(message) {
        return plain;
    }
    // TOML's reader stops at keys or tables nested past its limit (`a.a.a.…`).
    if message == "recursion limit" {
        return "keys or tables nested too deep".to_string();
    }
    message.to_string()
}

/// serde's `unknown field `hom`, expected one of `title`, `home`` as `unknown field
/// `hom`: did you mean `home`?` when one known field is a typo away (at most two edits,
/// fewer than half the field's letters, as for a document's own fields); the list of
/// known fields stays when none is near.
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (written, known) = rest.split_once("`, expected ")?;
    let known = known.strip_prefix("one of ").unwrap_or(known);
    let names = known
        .split(", ")
        .map(|name| name.strip_prefix('`')?.strip_suffix('`'));
    let names: Option<Vec<&str>> = names.collect();
    let near = nearest(written, names?, |name| 2.min(name.len() / 2))?;
    Some(format!("unknown field `{written}`: did you mean `{near}`?"))
}

pub fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The known name nearest to `written` (a typo of it), if one is near enough: at most
/// `most(name)` edits away, the first of the nearest when several are.
pub fn nearest<'n>(
    written: &str,
    known: impl IntoIterator<Item = &'n str>,
    most: impl Fn(&str) -> usize,
) -> Option<&'n str> {
    known
        .into_iter()
        .map(|name| (edit_distance(written, name), name))
        .filter(|&(distance, name)| distance <= most(name))
        .min()
        .map(|(_, name)| name)
}

/// How many characters must be inserted, removed or replaced, or two side by side swapped,
/// to turn `a` into `b`: how near a name written is to one known, to say "did you mean"
/// (`titel` is one swap from `title`, and two replacements from `sites`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: the one before the last, for a swap, the last and this one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swap_of_two_letters_side_by_side_is_one_edit() {
        for (a, b, distance) in [
            ("titel", "title", 1),
            ("titel", "sites", 2),
            ("audeince", "audience", 1),
            ("home", "home", 0),
            ("", "ab", 2),
            ("ab", "", 2),
            ("ab", "ba", 1),
            ("abc", "ca", 3),
        ] {
            assert_eq!(edit_distance(a, b), distance, "{a} {b}");
        }
        assert_eq!(
            unknown_field("unknown field `titel`, expected one of `sites`, `title`").as_deref(),
            Some("unknown field `titel`: did you mean `title`?")
        );
    }

    #[test]
    fn serde_messages_read_in_plain_words() {
        for (said, plain) in [
            (
                "invalid type: string \"high\", expected f64",
                "expected a number, found the text \"high\"",
            ),
            (
                "invalid value: integer `-5`, expected u32",
                "expected a whole number from 0 to 4294967295, found the number -5",
            ),
            (
                "unknown field `hom`, expected one of `title`, `home`, `public`",
                "unknown field `hom`: did you mean `home`?",
            ),
            (
                "unknown field `direcion`, expected one of `id`, `direction`",
                "unknown field `direcion`: did you mean `direction`?",
            ),
            (
                "unknown field `x`, expected one of `id`, `title`",
                "unknown field `x`, expected one of `id`, `title`",
            ),
            (
                "unknown field `noet`, expected `note`",
                "unknown field `noet`: did you mean `note`?",
            ),
            (
                "unknown field `zz`, there are no fields",
                "unknown field `zz`, there are no fields",
            ),
            (
                "invalid type: integer `1`, expected struct KeyResult",
                "expected a table, found the number 1",
            ),
            (
                "invalid type: map, expected a sequence",
                "expected a list, found a table",
            ),
            (
                "invalid type: boolean `true`, expected a string",
                "expected a string, found true",
            ),
            (
                "unknown variant `up`, expected `increase` or `decrease`",
                "unknown value `up`, expected `increase` or `decrease`",
            ),
            ("missing field `id`", "missing field `id`"),
        ] {
            assert_eq!(plain_serde(said), plain, "{said}");
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2));
        assert_eq!(line_col(text, 100), (3, 3));
    }

    #[test]
    fn headline_has_rule_when_set() {
        let d = Diagnostic::warning(Location::new("a.md", 3, 2), "stale").with_rule("stale");
        assert_eq!(d.headline(), "a.md:3:2: warning: stale [stale]");
    }

    #[test]
    fn source_lines_count_lone_carriage_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old-mac.md");
        std::fs::write(&path, "one\rtwo\r\nthree\rfour").unwrap();
        let mut sources = Sources::default();
        let mut line = |n| sources.line(&path, n, 1).map(|(text, _)| text);
        assert_eq!(line(3).as_deref(), Some("three"));
        assert_eq!(line(4).as_deref(), Some("four"));
        assert_eq!(line(5), None);
    }

    #[test]
    fn a_long_line_is_shown_around_its_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("minified.md");
        let line = format!("{}é[[nowhere]]{}", "ab".repeat(5_000), "c".repeat(5_000));
        std::fs::write(&path, &line).unwrap();
        // Column 10,002 is the `[` after 10,000 letters and the `é`.
        let d = Diagnostic::error(Location::new(&path, 1, 10_002), "broken link");
        let text = d.render();
        let lines: Vec<&str> = text.lines().collect();
        let (shown, caret) = (lines[2], lines[3]);
        let at = caret.chars().position(|c| c == '^').unwrap();
        let under: String = shown.chars().skip(at).take(11).collect();
        assert_eq!(under, "[[nowhere]]", "{text}");
        assert!(shown.starts_with("1 | …"), "{shown}");
        assert!(shown.chars().count() < 220, "{shown}");
        // Near the start, the line's first 200 characters and no mark.
        let d = Diagnostic::error(Location::new(&path, 1, 3), "here");
        let text = d.render();
        assert!(text.contains("1 | abab"), "{text}");
        assert!(text.contains("  |   ^"), "{text}");
        // Findings read from one `Sources` share the line's character positions, and each
        // is shown around its own column.
        let mut sources = Sources::default();
        for col in [10_002, 3, 10_002] {
            let d = Diagnostic::error(Location::new(&path, 1, col), "here");
            let reused = d.render_from(&mut sources);
            assert_eq!(reused, d.render(), "column {col}");
        }
    }

    #[test]
    fn marks_of_direction_and_spaces_of_no_width_are_shown_not_obeyed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a\u{202E}b.md");
        std::fs::write(&path, "See [[o\u{200B}k]] and \u{2067}[[no]].\n").unwrap();
        let d = Diagnostic::error(Location::new(&path, 1, 18), "`o\u{200B}k` names nothing");
        let text = d.render();
        let shown: &[char] = &['\u{202E}', '\u{200B}', '\u{2067}'];
        assert!(!text.contains(shown), "{text:?}");
        assert!(text.contains("a\u{fffd}b.md:1:18"), "{text}");
        assert!(text.contains("`o\u{fffd}k` names nothing"), "{text}");
        // The caret stands under the `[[` of `[[no]]`: each mark takes one column.
        let lines: Vec<&str> = text.lines().collect();
        let at = lines[3].chars().position(|c| c == '^').unwrap();
        let under: String = lines[2].chars().skip(at).take(6).collect();
        assert_eq!(under, "[[no]]", "{text}");
    }

    #[test]
    fn source_lines_are_the_lines_a_line_iterator_gives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "\n\nb",
            "a\n\n",
            "\u{feff}x\ny\n",
            "é\nü",
        ] {
            std::fs::write(&path, text).unwrap();
            let mut sources = Sources::default();
            let text = text.trim_start_matches('\u{feff}');
            for n in 0..5usize {
                let expected = n.checked_sub(1).and_then(|i| text.lines().nth(i));
                assert_eq!(
                    sources.line(&path, n, 1).map(|(line, _)| line).as_deref(),
                    expected,
                    "{text:?} line {n}"
                );
            }
        }
    }
}
