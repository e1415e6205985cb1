//! Splits a file into frontmatter and body, parses TOML (`+++`) or YAML (`---`) into one
//! value tree, and remembers the line each top-level key was written on.

use serde_json::{Map, Value};

use super::body::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

#[derive(Debug)]
pub struct Split<'a> {
    pub format: Option<Format>,
    /// The frontmatter text, without its fences.
    pub front: &'a str,
    /// Line of the first frontmatter line (1-based).
    pub front_line: usize,
    /// The rest of the text, after the closing fence: always its end.
    pub body: &'a str,
    /// Line of the first body line (1-based).
    pub body_line: usize,
}

/// A problem with the frontmatter, at a line of the file.
#[derive(Debug, PartialEq)]
pub struct FrontError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Splits normalised text (no BOM, `\n` line ends).
pub fn split(text: &str) -> Result<Split<'_>, FrontError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let fence = text[..first_end].trim_end();
    let format = match fence {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ => {
            // Frontmatter a line too low would be read as text, and its `audience` with it:
            // the document would go to every site of the default audience.
            if let Some(line) = late_frontmatter(text) {
                return Err(FrontError {
                    line,
                    col: 1,
                    message: "frontmatter must start on the first line of the file: move the \
                              blank lines or comments above it below it"
                        .into(),
                });
            }
            if let Some(line) = seeming_frontmatter(text, 1) {
                return Err(seeming_fence(line));
            }
            return Ok(Split {
                format: None,
                front: "",
                front_line: 1,
                body: text,
                body_line: 1,
            });
        }
    };
    let rest_start = (first_end + 1).min(text.len());
    match closing(text, rest_start, fence, 2) {
        // A second frontmatter under an empty one would be read as text, its `audience`
        // with it.
        Some((end, line, body_start)) if text[rest_start..end].trim().is_empty() => {
            match seeming_frontmatter(&text[body_start..], line + 1) {
                Some(second) => Err(seeming_fence(second)),
                None => Ok(Split {
                    format: Some(format),
                    front: "",
                    front_line: 2,
                    body: &text[body_start..],
                    body_line: line + 1,
                }),
            }
        }
        Some((end, line, body_start)) => Ok(Split {
            format: Some(format),
            front: &text[rest_start..end],
            front_line: 2,
            body: &text[body_start..],
            body_line: line + 1,
        }),
        None => Err(FrontError {
            line: 1,
            col: 1,
            message: format!("frontmatter opened with `{fence}` is never closed"),
        }),
    }
}

/// The fence closing frontmatter opened by `fence`, searched from `start` (at line
/// `line`): where the frontmatter ends, the fence's line and where the body starts.
fn closing(text: &str, start: usize, fence: &str, line: usize) -> Option<(usize, usize, usize)> {
    let mut offset = start;
    for (line, raw) in (line..).zip(text[start..].split_inclusive('\n')) {
        let trimmed = raw.trim_end();
        if trimmed == fence || (fence == "---" && trimmed == "...") {
            return Some((offset, line, (offset + raw.len()).min(text.len())));
        }
        offset += raw.len();
    }
    None
}

/// The line of a frontmatter fence that comes after blank lines or HTML comments at the
/// top of a file: `+++`, or `---` closed further down (else it is a thematic break).
fn late_frontmatter(text: &str) -> Option<usize> {
    let mut in_comment = false;
    let mut offset = 0;
    for (line, raw) in (1..).zip(text.split_inclusive('\n')) {
        offset += raw.len();
        let mut rest = raw.trim();
        if in_comment {
            let Some((_, after)) = rest.split_once("-->") else {
                continue;
            };
            in_comment = false;
            rest = after.trim();
        }
        while let Some(comment) = rest.strip_prefix("<!--") {
            match comment.split_once("-->") {
                Some((_, after)) => rest = after.trim(),
                None => {
                    in_comment = true;
                    rest = "";
                }
            }
        }
        match rest {
            "" => continue,
            "+++" => return Some(line),
            "---" => return closing(text, offset, "---", line + 1).map(|_| line),
            _ => return None,
        }
    }
    None
}

/// The error for a fence that is almost one (see [`seeming_frontmatter`]).
fn seeming_fence(line: usize) -> FrontError {
    FrontError {
        line,
        col: 1,
        message: "this looks like frontmatter but its fence is not `+++` or `---` alone on the \
                  file's first line, so it would be read as text and its `audience` lost: \
                  write the fence as `+++` (TOML) or `---` (YAML), with nothing else on its \
                  line and nothing above it"
            .into(),
    }
}

/// Whether a line is almost a frontmatter fence: three or more `+` or `-` (or what
/// editors turn them into: an em dash, an en dash, full-width signs), with invisible
/// characters around them or a word after them (`+++toml`, `--- yaml`).
fn fence_like(line: &str) -> bool {
    let visible: String = line.chars().filter(|&c| !invisible(c)).collect();
    let visible = visible.trim();
    let mut weight = 0;
    let mut rest = visible;
    while let Some(c) = rest.chars().next() {
        weight += match c {
            '+' | '-' | '\u{FF0B}' | '\u{FF0D}' | '\u{2212}' => 1,
            '\u{2013}' => 2,
            '\u{2014}' | '\u{2015}' => 3,
            _ => break,
        };
        rest = &rest[c.len_utf8()..];
    }
    weight >= 3 && rest.trim().chars().all(|c| c.is_ascii_alphabetic())
}

/// The line (counted from `first`) of a fence that is almost one, opening frontmatter
/// at the top of `text` (after blank lines): a [`fence_like`] line, key lines (`key =`,
/// `key:`) and a closing one within the next hundred lines. Read as text, its `audience`
/// would be lost and the document shown to every site of the default audience.
fn seeming_frontmatter(text: &str, first: usize) -> Option<usize> {
    let mut lines = (first..)
        .zip(text.lines())
        .skip_while(|(_, l)| l.trim().is_empty());
    let (open, line) = lines.next()?;
    if !fence_like(line) {
        return None;
    }
    let mut keys = false;
    for (_, line) in lines.take(100) {
        if fence_like(line) {
            return keys.then_some(open);
        }
        let key = line
            .trim_start()
            .split(['=', ':'])
            .next()
            .unwrap_or_default()
            .trim();
        keys |= line.contains(['=', ':'])
            && !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '"' | '\''));
    }
    None
}

/// Characters that show nothing and are no space: joiners, marks of direction, fillers,
/// variation selectors, tags and the soft hyphen. Inside a word (`aud\u{AD}ience`) they
/// are not seen, but the word is no longer the one it reads as.
pub(crate) fn shows_nothing(c: char) -> bool {
    !c.is_whitespace() && (invisible(c) || matches!(c, '\u{E0000}'..='\u{E007F}'))
}

/// Characters that show nothing: spaces of every width, joiners, marks of direction,
/// fillers and the soft hyphen. A line of them looks blank, and around a fence or a key
/// they are not seen.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// The line (counted from `first`) of a line in a body that sets `audience` as
/// frontmatter does (`audience = [...]`, `audience: [...]`, `audience:` over a list),
/// outside code. Such a line is frontmatter read as text, whatever made its fence fail
/// (an invisible character, a word after the signs, a second frontmatter under the
/// first): the document's audience is lost, and it goes to every site of the default
/// audience.
pub fn audience_in_text(body: &str, first: usize) -> Option<(usize, bool)> {
    memchr::memmem::find(body.as_bytes(), b"audience")?;
    let mut fence = crate::import::adr::FencedCode::default();
    // Whether the last line that was not blank opened a comment (`<!--` alone).
    let mut comment_opened = false;
    for (number, line) in (first..).zip(body.lines()) {
        let opened = std::mem::replace(&mut comment_opened, false);
        if fence.holds(line) {
            continue;
        }
        if !line.contains("audience") {
            comment_opened = line.trim().ends_with("<!--") || (opened && line.trim().is_empty());
            continue;
        }
        // Read as shown: without the characters that show nothing.
        let shown: String = (line.chars())
            .filter(|&c| !invisible(c) || c == ' ' || c == '\t')
            .collect();
        if super::body::indent_columns(&shown) >= 4 {
            continue;
        }
        let key = shown.trim().trim_start_matches(['"', '\'']);
        let Some(rest) = key.strip_prefix("audience") else {
            continue;
        };
        let rest = rest.trim_start_matches(['"', '\'']).trim_start();
        if rest.starts_with('=') || rest.starts_with(':') {
            return Some((number, opened));
        }
    }
    None
}

/// Parses the frontmatter into a map; TOML dates become `YYYY-MM-DD` strings.
pub fn parse(split: &Split<'_>) -> Result<Map<String, Value>, FrontError> {
    match split.format {
        None => Ok(Map::new()),
        Some(Format::Toml) => parse_toml(split),
        Some(Format::Yaml) => parse_yaml(split),
    }
}

/// The line (from 0) of `front` whose dotted key or table header has the most parts, when
/// one has more than one.
pub(crate) fn deepest_key_line(front: &str) -> Option<usize> {
    let parts = |line: &str| {
        let line = line.trim_start();
        let key = match line.strip_prefix('[') {
            Some(header) => header.split(']').next().unwrap_or_default(),
            None => line.split('=').next().unwrap_or_default(),
        };
        key.matches('.').count()
    };
    let (line, most) = front
        .lines()
        .enumerate()
        .map(|(n, line)| (n, parts(line)))
        .fold(
            (0, 0),
            |best, this| if this.1 > best.1 { this } else { best },
        );
    (most > 0).then_some(line)
}

/// The bare key that starts at byte `at` of `text` (where TOML places a key written twice).
pub(crate) fn key_at(text: &str, at: usize) -> Option<String> {
    let key: String = (text.get(at..)?.chars())
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
        .collect();
    (!key.is_empty()).then_some(key)
}

fn parse_toml(split: &Split<'_>) -> Result<Map<String, Value>, FrontError> {
    // A date TOML cannot read (`updated = 2026-13-01`) fails the whole table, which would
    // hide every other error of the file: read again with it in quotes, it is the text
    // the field's own reader says is no day of the calendar, beside the other findings.
    let mut front = std::borrow::Cow::Borrowed(split.front);
    let mut parsed = toml::from_str::<toml::Table>(&front);
    for _ in 0..64 {
        let Err(err) = &parsed else { break };
        let Some(quoted) = err
            .span()
            .and_then(|span| quote_bad_date(&front, err.message(), span.start))
        else {
            break;
        };
        front = std::borrow::Cow::Owned(quoted);
        parsed = toml::from_str::<toml::Table>(&front);
    }
    let table: toml::Table = parsed.map_err(|err| {
        // An error of no place (keys nested past TOML's limit) is the frontmatter's as a
        // whole: its opening `+++`, no field of it.
        let Some(span) = err.span() else {
            let message = crate::diag::plain_serde(err.message().trim()).replace('\n', " ");
            // Keys nested past TOML's limit: at the line whose key or table header has the
            // most parts (`extra.a.b.….z = 1`), else the opening `+++`.
            let line = deepest_key_line(&front)
                .map_or(split.front_line.saturating_sub(1).max(1), |n| {
                    split.front_line + n
                });
            return FrontError {
                line,
                col: 1,
                message: format!("invalid TOML frontmatter: {message}"),
            };
        };
        let (line, col) = crate::diag::line_col(&front, span.start);
        // The field whose value could not be read (`review_by = 2027-02-30`), named as
        // every other field error names it.
        let field = front
            .lines()
            .nth(line - 1)
            .and_then(|text| text.split_once('='))
            .map(|(key, _)| key.trim())
            .filter(|key| {
                !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            })
            .map(|key| format!("field `{key}`: "))
            .unwrap_or_default();
        let text = front.lines().nth(line - 1).unwrap_or_default();
        let mut message = toml_message(err.message().trim(), text);
        let mut field = field;
        // The key written twice, which may be deep in the field (`q = { s = 1, s = 2 }`).
        if message == "duplicate key"
            && let Some(key) = key_at(&front, span.start)
        {
            if field == format!("field `{key}`: ") {
                field.clear();
            }
            message = format!("duplicate key `{key}`");
        }
        FrontError {
            line: split.front_line + line - 1,
            col,
            message: format!(
                "invalid TOML frontmatter: {field}{message}{}",
                toml_hint(text)
            ),
        }
    })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| (k, toml_to_json(v)))
        .collect())
}

/// `front` with the date or time value at byte `at` in quotes, where the TOML reader's
/// `message` says it could not read it as one; `None` for any other error.
fn quote_bad_date(front: &str, message: &str, at: usize) -> Option<String> {
    let message = message.trim_start();
    if !(message.starts_with("invalid date") || message.starts_with("invalid time")) {
        return None;
    }
    let rest = front.get(at..)?;
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+')))
        .unwrap_or(rest.len());
    Some(format!(
        "{}\"{}\"{}",
        &front[..at],
        &rest[..len],
        &rest[len..]
    ))
}

/// The TOML reader's message in the author's words where it speaks of its own types
/// (`as i128`) or of a value left out.
fn toml_message(message: &str, line: &str) -> String {
    let value = line.split_once('=').map_or("", |(_, value)| value.trim());
    if line.contains('=') && value.is_empty() {
        return "no value after `=`: write one (text in quotes, `\"Growth\"`), or delete the line"
            .into();
    }
    if message.contains(" as i128") {
        let number = message.split('`').nth(1).unwrap_or(value);
        return format!(
            "the number {number} is too large: write it with a decimal point (`{number}.0`), or in quotes if it is a name"
        );
    }
    let mut message = message.replace('\n', " ");
    if message.starts_with("missing escaped value") || message.starts_with("invalid escape") {
        message.push_str(
            " (in double quotes a backslash starts an escape: write `\\\\` for one, or the value in single quotes)",
        );
    } else if message.starts_with("string values must be quoted") {
        message = "text must be in quotes (`\"…\"`)".into();
    }
    message
}

/// What a newcomer most likely wrote on a line TOML could not read, and how to write it:
/// curly quotes from a word processor, a date with slashes or dots, or a quote inside
/// quotes. Empty when the line is none of these.
fn toml_hint(line: &str) -> &'static str {
    let value = line.split_once('=').map_or("", |(_, value)| value.trim());
    let dated = |sep: char| {
        let parts: Vec<&str> = value.split(sep).collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && (parts[0].len() == 4 || parts[2].len() == 4)
    };
    // `title: "X"` between `+++` fences: YAML where TOML is read.
    let yaml_key = line.split_once(':').is_some_and(|(key, _)| {
        !line.contains('=')
            && !key.trim().is_empty()
            && (key.trim_start().chars()).all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
    });
    if yaml_key {
        " (this line is YAML, `key: value`, which goes between `---` fences; between `+++` fences fields are TOML, `key = value`)"
    } else if value.contains(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']) {
        " (the line has curly quotes: TOML reads only straight ones, `\"…\"`)"
    } else if dated('/') || dated('.') {
        " (a date is written `2026-05-01`, without quotes)"
    } else if value.starts_with('\'') && value.matches('\'').count() > 2
        || value.starts_with('"') && value.matches('"').count() > 2 && !value.contains("\\\"")
    {
        " (a quote inside a value: write the value in the other kind of quotes, or `\\\"` inside double ones)"
    } else {
        ""
    }
}

/// TOML's `inf` and `nan` have no JSON number: they stay text as written, so that a field
/// that needs a number says what it found (`invalid type: string "inf"`), and `extra`
/// shows them as written instead of as nothing.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or_else(
            || {
                let sign = if f.is_sign_negative() { "-" } else { "" };
                let name = if f.is_nan() { "nan" } else { "inf" };
                Value::String(format!("{sign}{name}"))
            },
            Value::Number,
        ),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// The parser's message without what the diagnostic says already (`error: line 2 column
/// 5: `) or what is about the parser's own options (how to allow duplicate keys).
const TAB_INDENT: &str = "a tab indents this line: YAML indents with spaces only";

fn yaml_message(text: &str) -> String {
    let first = text.lines().next().unwrap_or("invalid YAML");
    let mut message = first.strip_prefix("error: ").unwrap_or(first);
    if let Some(rest) = message.strip_prefix("line ")
        && let Some((place, rest)) = rest.split_once(": ")
        && place.contains(" column ")
    {
        message = rest;
    }
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        return budget_message(breach);
    }
    if message.starts_with("recursion limit exceeded") {
        return budget_message("Depth");
    }
    let message = message
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(message);
    // The reader's advice to a Rust programmer (`; use Option<String>`) is not the
    // author's; a key read as null is one left without a name (`: value`).
    let message = message.split("; use Option<").next().unwrap_or(message);
    if message.contains("did not find expected '-' indicator") {
        return "this line stands among a list's items (`- …`) but is not one: start it with `- `, or indent it as the field the list belongs to".into();
    }
    if message.starts_with("tabs disallowed") || message.contains("found a tab") {
        return TAB_INDENT.into();
    }
    if message.starts_with("cannot deserialize null into string") {
        return "a key has no name: YAML reads a line starting with `:`, and a key written `null`, `Null`, `NULL` or `~`, as no name; write `name: value`, or quote the key (`\"null\": value`)".into();
    }
    message.trim().to_string()
}

/// What YAML's "mapping values are not allowed in this context" means at line `line`
/// (from 1) of `front`: a line indented under a field that has its value already, or a
/// value with `: ` in it.
fn misplaced_colon(front: &str, line: usize) -> String {
    let lines: Vec<&str> = front.lines().collect();
    let indent = |text: &str| text.len() - text.trim_start_matches(' ').len();
    let here = lines.get(line - 1).copied().unwrap_or_default();
    let above = lines[..(line - 1).min(lines.len())]
        .iter()
        .rev()
        .find(|text| !text.trim().is_empty() && !text.trim_start().starts_with('#'));
    let under_a_value = above.is_some_and(|above| {
        indent(here) > indent(above)
            && above
                .split_once(':')
                .is_some_and(|(_, value)| !value.trim().is_empty())
    });
    if under_a_value {
        "this line is indented under a field that has its value already: indent it as the field above is, or put that field's value on lines of its own".into()
    } else {
        "a value has `: ` in it, which YAML reads as a second key: write the value in quotes (`title: \"Plans: 2027\"`)".into()
    }
}

/// The reader's limits for hostile YAML (an alias bomb expands to billions of values), in
/// the author's words instead of the parser's (`budget breached: Nodes { nodes: 250001 }`).
fn budget_message(breach: &str) -> String {
    let name = breach.split([' ', '{']).next().unwrap_or_default();
    let what = match name {
        "Aliases" | "AliasAnchorRatio" | "Nodes" | "Events" => {
            "it expands to too many values (aliases such as `*name` repeat what they name)"
        }
        "Anchors" => "it has too many anchors (`&name`)",
        "Depth" => "its lists and tables are nested too deeply",
        "ScalarBytes" | "CommentBytes" | "InputBytes" => "it is too long",
        _ => "it is too large or too complex",
    };
    format!("the frontmatter is past what align reads safely: {what}")
}

fn parse_yaml(split: &Split<'_>) -> Result<Map<String, Value>, FrontError> {
    if split.front.trim().is_empty() {
        return Ok(Map::new());
    }
    // YAML 1.2's booleans, `true` and `false` only: under YAML 1.1's, `no`, `on`, `Y` and
    // `off` would be booleans, and a country code, a team called "On" or initials in a
    // list of deciders would fail as fields of text.
    // `.inf` and `.nan` have no JSON number: they stay text as written, as TOML's do.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
    };
    let value: Value =
        serde_saphyr::from_str_with_options(split.front, options).map_err(|err| {
            let (line, col) = err
                .location()
                .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
            let mut message = yaml_message(&err.to_string());
            if message.starts_with("mapping values are not allowed") {
                message = misplaced_colon(split.front, line.max(1));
            }
            // The reader may stop at the line before a tab-indented one (the value it was
            // reading goes on there): at the first line a tab indents, from that one on.
            let (line, col) = match (split.front.lines().enumerate())
                .skip(line.max(1) - 1)
                .find(|(_, text)| text.starts_with(' ') || text.starts_with('\t'))
                .filter(|(_, text)| text.trim_start_matches(' ').starts_with('\t'))
            {
                Some((n, text)) if message == TAB_INDENT => {
                    // Under the key after the tab, as the reader's own message has it.
                    let key = text.trim_start_matches([' ', '\t']);
                    (n + 1, text[..text.len() - key.len()].chars().count() + 1)
                }
                _ => (line, col),
            };
            FrontError {
                line: split.front_line + line.max(1) - 1,
                col: col.max(1),
                message: format!("invalid YAML frontmatter: {message}"),
            }
        })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(not_fields(split)),
    }
}

/// What YAML frontmatter that is no fields at all (one text, a list) is told: at its
/// first line, and what that line was likely meant to be.
fn not_fields(split: &Split<'_>) -> FrontError {
    let first = (split.front.lines().enumerate())
        .find(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'));
    let Some((n, line)) = first else {
        return FrontError {
            line: split.front_line,
            col: 1,
            message:
                "frontmatter must be fields, each `key = value` in TOML or `key: value` in YAML"
                    .into(),
        };
    };
    let key = |sep: char| {
        line.split_once(sep).is_some_and(|(key, _)| {
            let key = key.trim();
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
        })
    };
    let message = if key('=') {
        "this line is TOML, `key = value`, which goes between `+++` fences; between `---` fences fields are YAML, `key: value`"
    } else if key(':') {
        "a field needs a space after its `:` (`title: Plans`): without one, YAML reads the line as text"
    } else {
        "frontmatter must be fields, each `key = value` in TOML or `key: value` in YAML"
    };
    FrontError {
        line: split.front_line + n,
        col: 1,
        message: message.into(),
    }
}

/// The line of each top-level key, in file order.
pub fn key_lines(split: &Split<'_>) -> Vec<(String, usize)> {
    let mut lines = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut in_table = false;
    // The delimiter of a TOML multi-line string open at this line: its lines are text,
    // however much they look like `key = value`.
    let mut in_string: Option<&str> = None;
    // How many TOML arrays and inline tables are open at this line: its lines are their
    // items (`  ["a", "b"],` is no table header).
    let mut open = 0usize;
    for (i, raw) in split.front.lines().enumerate() {
        let line = split.front_line + i;
        if split.format == Some(Format::Toml) {
            if let Some(delim) = in_string {
                if raw.matches(delim).count() % 2 == 1 {
                    in_string = None;
                }
                continue;
            }
            in_string = ["\"\"\"", "'''"]
                .into_iter()
                .find(|delim| raw.matches(delim).count() % 2 == 1);
            if open > 0 {
                open = open.saturating_add_signed(bracket_balance(raw));
                continue;
            }
            if let Some((_, value)) = raw.split_once('=')
                && !raw.trim_start().starts_with(['[', '#'])
            {
                open = bracket_balance(value).max(0).unsigned_abs();
            }
        }
        let trimmed = raw.trim_start();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let key = match split.format {
            Some(Format::Toml) if trimmed.starts_with('[') => {
                in_table = true;
                let name = trimmed.trim_start_matches('[');
                name.split(['.', ']']).next().map(unquote)
            }
            // A dotted key (`summary.text = …`) sets the field its first part names.
            Some(Format::Toml) if !in_table => trimmed.split_once('=').map(|(k, _)| first_part(k)),
            Some(Format::Yaml) if raw.len() == trimmed.len() && !trimmed.starts_with('-') => {
                trimmed.split_once(':').map(|(k, _)| unquote(k))
            }
            _ => None,
        };
        if let Some(key) = key
            && seen.insert(key.clone())
        {
            lines.push((key, line));
        }
    }
    lines
}

/// How many more TOML arrays and inline tables a line opens than it closes, outside its
/// strings and comment; a multi-line string it opens ends the count.
fn bracket_balance(line: &str) -> isize {
    let mut balance = 0;
    toml_brackets(line, |c| {
        balance += if matches!(c, '[' | '{') { 1 } else { -1 };
        true
    });
    balance
}

/// Calls `each` with every bracket (`[`, `{`, `]`, `}`) of a TOML line that stands outside
/// its strings and comment, in order, until it returns `false`; a string the line leaves
/// open (a multi-line one) ends the line.
fn toml_brackets(line: &str, mut each: impl FnMut(char) -> bool) {
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        rest = match c {
            '[' | '{' | ']' | '}' if !each(c) => return,
            '#' => return,
            '"' | '\'' => {
                let triple = if c == '"' { "\"\"\"" } else { "'''" };
                let end = match rest.strip_prefix(triple) {
                    Some(inner) => inner.find(triple).map(|end| &inner[end + 3..]),
                    None => string_end(after, c).map(|end| &after[end..]),
                };
                match end {
                    Some(end) => end,
                    None => return,
                }
            }
            _ => after,
        };
    }
}

/// Where a one-line TOML string closed by `quote` ends in `text` (just past the quote);
/// basic strings (`"`) skip escaped characters.
fn string_end(text: &str, quote: char) -> Option<usize> {
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' && quote == '"' {
            chars.next();
        } else if c == quote {
            return Some(i + 1);
        }
    }
    None
}

/// The lines on which each inline table item (`{ … }`) of the TOML array set at line
/// `field` begins: `target_history = [ { date = … }, { … } ]`, written over one line or
/// many. Empty when the value is no array of inline tables.
pub fn inline_items(split: &Split<'_>, field: usize) -> Vec<usize> {
    let mut items = Vec::new();
    if split.format != Some(Format::Toml) || field < split.front_line {
        return items;
    }
    let mut depth = 0usize;
    let lines = split
        .front
        .lines()
        .enumerate()
        .skip(field - split.front_line);
    for (n, raw) in lines {
        let line = split.front_line + n;
        let text = match (line == field, raw.split_once('=')) {
            (true, Some((_, value))) => value,
            (true, None) => return items,
            (false, _) => raw,
        };
        // Until the array closes: each `{` straight inside it starts an item.
        toml_brackets(text, |c| {
            if c == '{' && depth == 1 {
                items.push(line);
            }
            if matches!(c, '[' | '{') {
                depth += 1;
            } else {
                depth = depth.saturating_sub(1);
            }
            depth > 0
        });
        if depth == 0 {
            return items;
        }
    }
    items
}

/// The line among `from..to` (1-based, of the file) where `key = ` is written, at a
/// line's start or after `{` or `,` (an inline table's field).
pub fn inline_key_line(split: &Split<'_>, from: usize, to: usize, key: &str) -> Option<usize> {
    let skip = from.checked_sub(split.front_line)?;
    let lines = split.front.lines().enumerate().skip(skip);
    lines
        .take_while(|(n, _)| n + split.front_line < to)
        .find(|(_, raw)| {
            raw.match_indices(key).any(|(at, _)| {
                let before = raw[..at].trim_end();
                let starts = before.is_empty() || before.ends_with(['{', ',']);
                starts && raw[at + key.len()..].trim_start().starts_with('=')
            })
        })
        .map(|(n, _)| n + split.front_line)
}

/// The first part of a TOML key that may be dotted: `a` of `a.b`, `a.b` of `"a.b".c`.
fn first_part(key: &str) -> String {
    let key = key.trim_start();
    match key.chars().next() {
        Some(quote @ ('"' | '\'')) => key[1..].split(quote).next().unwrap_or_default().into(),
        _ => key.split('.').next().unwrap_or(key).trim().into(),
    }
}

fn unquote(key: &str) -> String {
    key.trim().trim_matches(['"', '\'']).to_string()
}

/// The line of `key` nested somewhere from the line `after` on (for key-result fields).
/// `lines` indexes the frontmatter: the search begins at `after` instead of reading every
/// line before it again, so finding each of thousands of check-ins in turn is linear.
pub fn nested_line(split: &Split<'_>, lines: &LineIndex, after: usize, key: &str) -> Option<usize> {
    nested_line_within(split, lines, after, usize::MAX, key)
}

/// [`nested_line`] among the `count` lines from line `after` on.
pub fn nested_line_within(
    split: &Split<'_>,
    lines: &LineIndex,
    after: usize,
    count: usize,
    key: &str,
) -> Option<usize> {
    let skip = after.saturating_sub(split.front_line);
    let from = lines.start(skip)?;
    split.front[from..]
        .lines()
        .take(count)
        .position(|raw| {
            let t = raw.trim_start().trim_start_matches(['-', ' ', '{', '[']);
            // Or a TOML table of that name (`[[key_results.checkins]]`).
            let table = || {
                raw.trim_start().starts_with('[')
                    && t.split_once(']')
                        .is_some_and(|(name, _)| name.rsplit('.').next() == Some(key))
            };
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
                || table()
        })
        .map(|i| split.front_line + skip + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toml_value_written_as_a_newcomer_might_gets_a_hint() {
        let message = |front: &str| {
            let text = format!("+++\ntitle = \"T\"\n{front}\n+++\n");
            parse(&split(&text).unwrap()).unwrap_err().message
        };
        for (front, hint) in [
            (
                "review_by = 2026/05/01",
                "(a date is written `2026-05-01`, without quotes)",
            ),
            (
                "review_by = 01.05.2026",
                "(a date is written `2026-05-01`, without quotes)",
            ),
            (
                "summary = \u{201c}Dark mode\u{201d}",
                "(the line has curly quotes",
            ),
            ("summary = 'It's dark'", "(a quote inside a value"),
            ("summary = \"Say \"hi\"\"", "(a quote inside a value"),
        ] {
            let found = message(front);
            assert!(
                found.starts_with("invalid TOML frontmatter: field `") && found.contains(hint),
                "{front}: {found}"
            );
        }
        // A version is no date, and a value TOML reads needs no hint.
        assert!(!message("version = 1.2.3").contains("a date is written"));
        assert!(!message("owners = [Pat PM]").contains(" (a"));
    }

    #[test]
    fn what_the_readers_say_in_their_own_terms_is_said_in_the_author_s() {
        let message = |text: &str| parse(&split(text).unwrap()).unwrap_err().message;
        let toml = |front: &str| message(&format!("+++\ntitle = \"T\"\n{front}\n+++\n"));
        for (front, said) in [
            ("team = ", "field `team`: no value after `=`: write one"),
            (
                "team = Growth",
                "field `team`: text must be in quotes (`\"…\"`)",
            ),
            (
                "extra = { n = 99999999999999999999999 }",
                "the number 99999999999999999999999 is too large: write it with a decimal point",
            ),
            (
                "summary = \"C:\\qa\"",
                "(in double quotes a backslash starts an escape: write `\\\\` for one",
            ),
        ] {
            let found = toml(front);
            assert!(found.contains(said), "{front}: {found}");
            assert!(
                !found.contains("i128") && !found.contains("literal string"),
                "{found}"
            );
        }
        let yaml = |front: &str| message(&format!("---\ntitle: T\n{front}\n---\n"));
        assert!(
            yaml("summary: Plans: 2027").contains("a value has `: ` in it, which YAML reads as a second key: write the value in quotes"),
            "{}",
            yaml("summary: Plans: 2027")
        );
        assert!(
            yaml("team: Growth\n  owners: Dana")
                .contains("this line is indented under a field that has its value already"),
            "{}",
            yaml("team: Growth\n  owners: Dana")
        );
        assert!(
            yaml("owners:\n  - Dana\n  team: x")
                .contains("this line stands among a list's items (`- …`) but is not one"),
            "{}",
            yaml("owners:\n  - Dana\n  team: x")
        );
    }

    #[test]
    fn splits_toml_and_counts_lines() {
        let s = split("+++\ntitle = \"A\"\n+++\nbody\n").unwrap();
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(s.front, "title = \"A\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_frontmatter_is_an_error() {
        assert!(split("---\ntitle: x\n").is_err());
    }

    #[test]
    fn frontmatter_below_blank_lines_or_comments_is_an_error_at_its_fence() {
        let cases = [
            ("\n+++\ntitle = \"A\"\n+++\nbody\n", 2),
            ("<!-- lint -->\n---\ntitle: A\n---\nbody\n", 2),
            ("<!--\nlicence\n-->\n\n+++\n", 5),
            ("<!-- a --> <!-- b -->\n  ---\ntitle: A\n...\n", 2),
        ];
        for (text, line) in cases {
            let err = split(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.message.contains("first line"), "{}", err.message);
        }
        // A thematic break nothing closes, or a fence after text, is the body's own.
        for text in ["\n---\n# Title\n", "# Title\n\n+++\nx\n+++\n", "<!-- x\n"] {
            let s = split(text).unwrap();
            assert_eq!((s.format, s.body), (None, text));
        }
    }

    #[test]
    fn a_fence_that_is_almost_one_is_an_error_where_it_stands() {
        let front = "audience = [\"exec\"]\n";
        for (text, line) in [
            (format!("\u{200B}+++\n{front}+++\n# Plan\n"), 1),
            (format!("\u{FEFF}+++\n{front}+++\n# Plan\n"), 1),
            (format!("++++\n{front}++++\n# Plan\n"), 1),
            (format!("+++toml\n{front}+++\n# Plan\n"), 1),
            ("--- yaml\naudience: [exec]\n---\n# Plan\n".to_string(), 1),
            (
                "\u{2014}\naudience: [exec]\n\u{2014}\n# Plan\n".to_string(),
                1,
            ),
            (
                format!("\u{FF0B}\u{FF0B}\u{FF0B}\n{front}\u{FF0B}\u{FF0B}\u{FF0B}\n"),
                1,
            ),
            (format!("+++\n+++\n+++\n{front}+++\n# Plan\n"), 3),
            (
                "+++\n+++\n\n\u{200B}---\naudience: [exec]\n---\n".to_string(),
                4,
            ),
        ] {
            let err = split(&text).expect_err(&text);
            assert_eq!(err.line, line, "{text:?}");
            assert!(
                err.message.contains("looks like frontmatter"),
                "{}",
                err.message
            );
        }
        // A rule at the top of a page, or between paragraphs, is no fence.
        for text in [
            "----\nSome text.\n----\n",
            "---\n---\nA page: with a colon.\n",
            "\u{2014}\nQuote: yes\n",
            "+++\ntitle = \"T\"\n+++\n----\nText.\n----\n",
        ] {
            assert!(split(text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn a_line_setting_the_audience_in_a_body_is_found_outside_code() {
        let found = |body: &str| audience_in_text(body, 10);
        for (body, line) in [
            ("+++ # front\naudience = [\"exec\"]\n+++\n# Plan\n", 11),
            ("\u{00AD}+++\naudience = [\"exec\"]\n", 11),
            ("# Plan\n\n+++\naudience: [exec]\n+++\n", 13),
            ("\u{200B}audience = [\"exec\"]\n", 10),
            ("audience:\n  - exec\n", 10),
            ("\"audience\" = [\"exec\"]\n", 10),
        ] {
            assert_eq!(found(body), Some((line, false)), "{body:?}");
        }
        // A marker written over several lines: in a comment opened before it.
        assert_eq!(found("<!--\naudience: exec\n-->\n"), Some((11, true)));
        assert_eq!(
            found("Text <!--\n\naudience: exec\n-->\n"),
            Some((12, true))
        );
        assert_eq!(found("<!-- x -->\naudience: exec\n"), Some((11, false)));
        for body in [
            "Who reads it: the audience: leaders.\n",
            "```toml\naudience = [\"exec\"]\n```\n",
            "~~~~\naudience: [exec]\n~~~~\n",
            "    audience = [\"exec\"]\n",
            "\taudience = [\"exec\"]\n",
            "- `audience = [\"exec\"]` limits a page\n",
            "Audience: executives\n",
            "audiences are listed in align.toml\n",
        ] {
            assert_eq!(found(body), None, "{body:?}");
        }
    }

    #[test]
    fn no_frontmatter_is_all_body() {
        let s = split("# Title\n").unwrap();
        assert_eq!(s.format, None);
        assert_eq!(s.body, "# Title\n");
    }

    #[test]
    fn key_lines_skip_the_lines_of_multi_line_strings() {
        let front = "title = \"t\"\nsummary = \"\"\"\nowner = x\nstatus = \"y\"\n\"\"\"\nnote = '''a'''\nstatus = \"bogus\"\nowner = \"z\"\n";
        let split = Split {
            format: Some(Format::Toml),
            front,
            front_line: 2,
            body: "",
            body_line: 12,
        };
        let lines = key_lines(&split);
        let line = |key: &str| lines.iter().find(|(k, _)| k == key).map(|(_, l)| *l);
        assert_eq!(line("summary"), Some(3));
        assert_eq!(line("note"), Some(7));
        assert_eq!(line("status"), Some(8));
        assert_eq!(line("owner"), Some(9));
    }

    #[test]
    fn key_lines_skip_the_items_of_multi_line_arrays_and_tables() {
        let text = "+++\ntitle = \"i\" # [\ntags = [\n  [\"y\"],\n  \"]\", # ]\n]\nx = { a = [\n  1 ] }\ndrives = [\"a\"]\n+++\n";
        let split = split(text).unwrap();
        let keys = key_lines(&split);
        let names: Vec<(&str, usize)> = keys.iter().map(|(k, l)| (k.as_str(), *l)).collect();
        assert_eq!(names, [("title", 2), ("tags", 3), ("x", 7), ("drives", 9)]);
    }

    #[test]
    fn key_lines_skip_nested_toml_tables() {
        let s = split("+++\ntitle = \"A\"\n[[key_results]]\nid = \"kr1\"\n[extra]\nfoo = 1\n+++\n")
            .unwrap();
        let keys = key_lines(&s);
        assert_eq!(
            keys,
            vec![
                ("title".into(), 2),
                ("key_results".into(), 3),
                ("extra".into(), 5)
            ]
        );
        let lines = LineIndex::new(s.front);
        assert_eq!(nested_line(&s, &lines, 3, "id"), Some(4));
        assert_eq!(nested_line(&s, &lines, 5, "id"), None);
        assert_eq!(nested_line(&s, &lines, 40, "id"), None);
    }

    #[test]
    fn yaml_dates_and_lists_parse() {
        let s = split("---\nstatus: accepted\ndate: 2024-01-02\ndecision-makers: [a, b]\n---\n")
            .unwrap();
        let map = parse(&s).unwrap();
        assert_eq!(map["date"], Value::String("2024-01-02".into()));
        assert_eq!(key_lines(&s)[2], ("decision-makers".into(), 4));
    }

    #[test]
    fn a_tab_that_indents_yaml_is_told_in_the_author_s_words() {
        let s = split("---\ntitle: C\nextra:\n\tx: 1\n---\n").unwrap();
        let err = parse(&s).unwrap_err();
        assert_eq!(err.line, 4);
        assert_eq!(
            err.message,
            "invalid YAML frontmatter: a tab indents this line: YAML indents with spaces only"
        );
    }

    #[test]
    fn a_yaml_key_without_a_name_is_told_in_the_author_s_words() {
        let s = split("---\n: : :\n---\n").unwrap();
        let err = parse(&s).unwrap_err();
        assert_eq!((err.line, err.col), (2, 1));
        assert!(err.message.contains("a key has no name"), "{}", err.message);
        assert!(!err.message.contains("Option<"), "{}", err.message);
    }

    #[test]
    fn toml_dates_become_strings() {
        let s = split("+++\ncreated = 2026-01-02\n+++\n").unwrap();
        assert_eq!(
            parse(&s).unwrap()["created"],
            Value::String("2026-01-02".into())
        );
    }
}
