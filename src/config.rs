//! `align.toml`: the typed project configuration, its defaults and its validation.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Location, line_col};
use crate::model::Kind;

pub const CONFIG_FILE: &str = "align.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub base_url: Option<String>,
    /// Who may read a document that names no audience. When absent: the audiences of every
    /// site that is not public.
    #[serde(default)]
    pub default_audience: Option<Vec<String>>,
    /// The line of `default_audience` in align.toml, for diagnostics.
    #[serde(skip)]
    pub default_audience_line: usize,
    /// The period the exec roadmap shows; when absent, the latest period with active objectives.
    #[serde(default)]
    pub current_period: Option<String>,
    #[serde(default)]
    pub sites: BTreeMap<String, SiteConfig>,
    /// Extra folder → kind mappings, on top of the defaults.
    #[serde(default)]
    pub folders: BTreeMap<String, Kind>,
    #[serde(default)]
    pub import: ImportConfig,
    #[serde(default)]
    pub check: crate::check::CheckConfig,
    /// The ids the project's own templates write as they are on a document's page
    /// ([`crate::theme::project_page_ids`]): links within a page may lead to them, and no
    /// heading's anchor takes one. Read beside align.toml, since every document needs them.
    #[serde(skip)]
    pub page_ids: std::sync::Arc<[String]>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub audiences: Vec<String>,
    #[serde(default)]
    pub home: Home,
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub public_fields: Vec<String>,
    #[serde(default)]
    pub raw_html: Option<RawHtml>,
    /// Whether the changelog home lists changes not yet in a release.
    #[serde(default)]
    pub show_unreleased: bool,
    /// Where this site is published, when not at `base_url`/NAME/ (a site of its own
    /// at the root of a host).
    #[serde(default)]
    pub url: Option<String>,
    /// The line of this site's `[sites.NAME]` header in align.toml, for diagnostics.
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Home {
    Roadmap,
    ReleasePlan,
    Changelog,
    #[default]
    Index,
}

/// What happens to raw HTML written in a document body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Cleaned with ammonia: scripts, event handlers and dangerous URLs removed.
    Sanitize,
    /// Shown as text.
    Escape,
    /// Passed through unchanged (HTML comments are still dropped).
    Allow,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// A Keep a Changelog file, relative to the project folder.
    #[serde(default)]
    pub changelog: Option<PathBuf>,
    #[serde(default)]
    pub changelog_audience: Option<Vec<String>>,
    /// The line of `changelog_audience` in align.toml, for diagnostics.
    #[serde(skip)]
    pub changelog_audience_line: usize,
}

/// Fields a public site leaves out unless `public_fields` lists them.
pub const PRIVATE_FIELDS: &[&str] = &[
    "owners",
    "deciders",
    "consulted",
    "informed",
    "confidence",
    "current",
    "checkins",
    "extra",
];

/// Values computed from key results' `current` that `public_fields` may let through on
/// their own, without the values they are computed from.
pub const COMPUTED_FIELDS: &[&str] = &["progress", "score", "health"];

impl SiteConfig {
    /// Whether this site may show a value computed from `current`: `progress`, `score`
    /// or `health` ([`COMPUTED_FIELDS`]), listed itself or through `current`.
    pub fn shows_computed(&self, field: &str) -> bool {
        self.shows("current") || self.shows(field)
    }

    pub fn raw_html(&self) -> RawHtml {
        self.raw_html.unwrap_or(RawHtml::Sanitize)
    }

    /// Whether this site may show a field from [`PRIVATE_FIELDS`].
    pub fn shows(&self, field: &str) -> bool {
        !self.public || self.public_fields.iter().any(|f| f == field)
    }
}

impl Config {
    pub fn default_audience(&self) -> Vec<String> {
        if let Some(list) = &self.default_audience {
            return list.clone();
        }
        let mut all: Vec<String> = self
            .sites
            .values()
            .filter(|s| !s.public)
            .flat_map(|s| s.audiences.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// The kind a content folder maps to.
    pub fn kind_for_folder(&self, folder: &str) -> Kind {
        if let Some(kind) = self.folders.get(folder.trim_matches('/')) {
            return *kind;
        }
        Kind::from_folder(folder).unwrap_or(Kind::Page)
    }

    /// The folder that decides the kind of the document at `path_id` (`decisions/0001-x`):
    /// the deepest folder `[folders]` maps that holds it (`architecture/decisions`), else
    /// its first folder; `None` at the top of `content/`.
    pub fn kind_folder<'p>(&self, path_id: &'p str) -> Option<&'p str> {
        let mapped = self
            .folders
            .keys()
            .map(|key| key.trim_matches('/'))
            .filter(|key| {
                path_id
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|key| key.len());
        match mapped {
            Some(key) => Some(&path_id[..key.len()]),
            None => path_id.split_once('/').map(|(top, _)| top),
        }
    }

    /// The kind of a document at `path_id` that does not name one.
    pub fn kind_for_path(&self, path_id: &str) -> Kind {
        self.kind_folder(path_id)
            .map_or(Kind::Page, |folder| self.kind_for_folder(folder))
    }

    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref().map(|u| u.trim_end_matches('/'))
    }

    /// The absolute URL of site `name`, ending in `/`: its own `url`, else
    /// `base_url`/NAME/; `None` when neither is set.
    pub fn site_url(&self, name: &str) -> Option<String> {
        let own = self.sites.get(name).and_then(|site| site.url.as_deref());
        match (own, self.base_url()) {
            (Some(url), _) => Some(format!("{}/", url.trim_end_matches('/'))),
            (None, Some(base)) => Some(format!("{base}/{name}/")),
            (None, None) => None,
        }
    }
}

/// The path of an absolute URL, from the host's root: `/docs/exec/` of
/// `https://example.com/docs/exec/`, `/` of `https://example.com`.
pub fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/", |at| &after_scheme[at..])
}

/// What is wrong with `url` as the address a site is published at, which its sitemap,
/// feed and 404 page write out as it is: `None` for `http(s)://HOST/PATH`, where PATH
/// holds only what a URL's path may hold unescaped and no `.` or `..` folder.
fn url_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Some("must start with http:// or https:// (in small letters)");
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host_char = |c: char| c.is_ascii_alphanumeric() || "-.:[]_".contains(c);
    if host.is_empty() || !host.chars().all(host_char) {
        return Some("must name a host after `://` (letters, digits, `-`, `.` and a `:port`)");
    }
    if path.contains(['?', '#']) {
        return Some(
            "has a query or fragment (`?`, `#`): pages are published under its path, which cannot hold them",
        );
    }
    let path_char = |c: char| c.is_ascii_alphanumeric() || "/-._~%!$&()*+,;=:@".contains(c);
    if !path.chars().all(path_char) {
        return Some(
            "has a character a URL's path cannot hold as it is (a space, a quote, `<`, `>`): write it %-escaped",
        );
    }
    if path
        .split('/')
        .any(|folder| folder == "." || folder == "..")
    {
        return Some("has a `.` or `..` folder in its path: write the path it leads to");
    }
    None
}

/// What is wrong with `dir` as a project folder before its align.toml is looked for:
/// it is not there, or it is a file (`align build docs/align.toml`).
pub fn not_a_folder(dir: &Path) -> Option<String> {
    if dir.is_dir() {
        None
    } else if dir.exists() {
        Some(format!(
            "{} is a file, not a folder: name the folder that holds align.toml",
            dir.display()
        ))
    } else {
        Some(format!(
            "there is no folder {}: name the folder that holds align.toml",
            dir.display()
        ))
    }
}

/// Reads and validates `DIR/align.toml`; errors are diagnostics pointing into it.
pub fn load(dir: &Path) -> Result<Config, Vec<Diagnostic>> {
    // In the order of the file's lines, as a document's findings are.
    load_unsorted(dir).map_err(|mut errors| {
        crate::diag::sort(&mut errors);
        errors
    })
}

fn load_unsorted(dir: &Path) -> Result<Config, Vec<Diagnostic>> {
    let path = dir.join(CONFIG_FILE);
    let shown = dir.join(CONFIG_FILE);
    let text = match std::fs::read(&path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        // Where the first byte that is no UTF-8 is, as a document's is said.
        Ok(Err(err)) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let (line, col) = crate::diag::line_col(&before, before.len());
            let message = "align.toml is not valid UTF-8 here: save it as UTF-8".to_string();
            return Err(vec![Diagnostic::error(
                Location::new(shown, line, col),
                message,
            )]);
        }
        Err(_) if let Some(message) = not_a_folder(dir) => {
            return Err(vec![Diagnostic::error(Location::new(shown, 1, 1), message)]);
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && dir.is_dir() => {
            let message = format!(
                "{} has no align.toml, so it is not an align project: `align init {}` makes one there, or name the folder that holds align.toml",
                dir.display(),
                dir.display()
            );
            return Err(vec![Diagnostic::error(Location::new(shown, 1, 1), message)]);
        }
        Err(err) => {
            let message = format!("cannot read {}: {err}", path.display());
            return Err(vec![Diagnostic::error(Location::new(shown, 1, 1), message)]);
        }
    };
    // Names composed as documents' are, so an audience or a site typed with its accents
    // apart matches the documents' (which are read composed).
    let text = crate::load::composed_owned(text);
    let mut config = from_text(&text, &shown)?;
    let lines = ConfigLines::new(&text);
    for (name, site) in &mut config.sites {
        site.line = lines.find(&format!("[sites.{name}]"), None).0;
    }
    config.default_audience_line = lines.find("default_audience", None).0;
    config.page_ids = crate::theme::project_page_ids(dir).into();
    config.import.changelog_audience_line = lines.find("changelog_audience", Some("[import]")).0;
    let mut errors = validate(&config, &lines, &shown);
    if let Some(file) = &config.import.changelog
        && !dir.join(file).is_file()
    {
        let (line, col) = lines.find("changelog", Some("[import]"));
        let message = if dir.join(file).is_dir() {
            format!(
                "[import] changelog: `{}` is a folder: name the changelog file in it, such as `{}`",
                file.display(),
                file.join("CHANGELOG.md").display()
            )
        } else if dir.join(file).exists() {
            format!(
                "[import] changelog: `{}` is no regular file (a device, a pipe or a socket): name the changelog file",
                file.display()
            )
        } else {
            format!(
                "[import] changelog: there is no file `{}` (the path is relative to the project folder)",
                file.display()
            )
        };
        errors.push(Diagnostic::error(Location::new(&shown, line, col), message));
    }
    if config.import.changelog.is_none() && config.import.changelog_audience.is_some() {
        let line = config.import.changelog_audience_line;
        let message = "[import] changelog_audience without `changelog`: name the changelog to import, or remove the line";
        errors.push(Diagnostic::error(Location::new(&shown, line, 1), message));
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// Reads align.toml's text. An unknown key, or a key with a value of the wrong type, is
/// reported, left out and the text read again, so that one run names every such key
/// instead of one per run; a required key that is missing is reported and given a
/// stand-in on a line of its own, for the same reason. Any other error ends the reading.
fn from_text(text: &str, shown: &Path) -> Result<Config, Vec<Diagnostic>> {
    let mut text = Cow::Borrowed(text);
    let mut errors: Vec<Diagnostic> = Vec::new();
    // The lines of the stand-ins, in the text as it is now: the lines after them are
    // one further down than in the file.
    let mut inserted: Vec<usize> = Vec::new();
    // A key left out for a wrong value of no type a stand-in can take: a required key
    // missing after that is guesswork.
    let mut left_out = false;
    loop {
        let err = match toml::from_str::<Config>(&text) {
            Ok(config) if errors.is_empty() => return Ok(config),
            Ok(_) => break,
            Err(err) => err,
        };
        // Keys nested past TOML's limit have no place of their own: the line of the deepest.
        let deepest = || crate::load::frontmatter::deepest_key_line(&text).map_or(1, |n| n + 1);
        let (line, col) = err
            .span()
            .map_or((deepest(), 1), |s| line_col(&text, s.start));
        if inserted.contains(&line) {
            break;
        }
        let line = line - inserted.iter().filter(|&&at| at < line).count();
        if let Some(field) = missing_field(err.message()) {
            if !left_out {
                let message = format!("missing field `{field}`");
                errors.push(Diagnostic::error(Location::new(shown, line, col), message));
            }
            match err.span().and_then(|s| with_field(&text, s.start, field)) {
                Some((rest, at)) if errors.len() < 100 && inserted.len() < 100 => {
                    inserted
                        .iter_mut()
                        .filter(|l| **l >= at)
                        .for_each(|l| *l += 1);
                    inserted.push(at);
                    text = Cow::Owned(rest);
                    continue;
                }
                _ => break,
            }
        }
        let raw = err.message().trim();
        let mut message = crate::diag::plain_serde(raw).replace('\n', " ");
        if raw == "duplicate key"
            && let Some(key) =
                (err.span()).and_then(|s| crate::load::frontmatter::key_at(&text, s.start))
        {
            message = format!("duplicate key `{key}`: it is written twice here; keep one");
        }
        let help = (err.span()).and_then(|s| misplaced_key(&text, s.start, raw));
        if let Some(help) = help.filter(|_| !message.contains("did you mean")) {
            message = format!("{message}: {help}");
        }
        // A setting of a few words (`"error"`, `"warning"`, `"off"`) given another type.
        if raw == "wanted string or table"
            && let Some(span) = err.span()
        {
            let written = text[span.clone()].trim();
            message = format!("expected one of its words in quotes, found `{written}`");
        }
        let wrong_value = raw.starts_with("invalid ")
            || raw.starts_with("unknown variant")
            || raw.starts_with("wanted ");
        if wrong_value && let Some(key) = err.span().and_then(|s| key_before(&text, s.start)) {
            message = format!("{key}: {message}");
        }
        errors.push(Diagnostic::error(Location::new(shown, line, col), message));
        // Read on past an unknown key, or a key's wrong value, for the next one.
        let unknown = err.message().starts_with("unknown field");
        match err
            .span()
            .filter(|_| (unknown || wrong_value) && errors.len() < 100)
        {
            Some(span) => match without_key(&text, span.start, placeholder(err.message())) {
                Some(rest) => {
                    left_out |= wrong_value && placeholder(err.message()).is_none();
                    text = Cow::Owned(rest)
                }
                None => break,
            },
            None => break,
        }
    }
    errors.sort_by_key(|d| (d.location.line, d.location.col));
    Err(errors)
}

/// Where an unknown key (at byte `at`) belongs, or the name it is most likely meant as:
/// each site's fields go under its `[sites.NAME]`, a site's home page is its `home`, and
/// the sites' address is `base_url`.
fn misplaced_key(text: &str, at: usize, message: &str) -> Option<&'static str> {
    let key = message.strip_prefix("unknown field `")?.split('`').next()?;
    let table = (text[..at].lines().rev())
        .map(str::trim)
        .find(|line| line.starts_with('[') && line.ends_with(']'));
    let in_a_site = table.is_some_and(|t| t.starts_with("[sites."));
    Some(match (table, key) {
        (_, "homepage" | "home_page" | "index" | "landing") if in_a_site => {
            "a site's first page is its `home` (`home = \"roadmap\"`)"
        }
        (Some(_), _) => return None,
        (
            None,
            "home" | "audiences" | "public" | "public_fields" | "raw_html" | "show_unreleased",
        ) => "it is a site's field: write it under the `[sites.NAME]` of each site it is for",
        (None, "homepage" | "home_page" | "index" | "landing") => {
            "a site's first page is its `home`, under its `[sites.NAME]` (`home = \"roadmap\"`)"
        }
        (None, "url" | "baseurl" | "baseURL" | "base-url" | "site_url") => {
            "the sites' address is `base_url` (`base_url = \"https://example.com\"`)"
        }
        (None, "audience") => {
            "the audience of documents that name none is `default_audience`; a site's audiences are its `audiences`, under its `[sites.NAME]`"
        }
        _ => return None,
    })
}

/// The key whose value starts at byte `at`, written `key = ` before it on its line, with
/// the table it is in: `` `public` in [sites.public] ``, for a message that names only the
/// value's type.
fn key_before(text: &str, at: usize) -> Option<String> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let key = text[start..at].trim_end().strip_suffix('=')?.trim();
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.\"' ".contains(c);
    if key.is_empty() || !key.chars().all(plain) {
        return None;
    }
    let table = text[..start].lines().rev().find_map(|line| {
        let line = line.trim();
        (line.starts_with('[') && line.ends_with(']')).then_some(line)
    });
    Some(match table {
        Some(table) => format!("`{key}` in {table}"),
        None => format!("`{key}`"),
    })
}

/// The required key a message says is missing (`missing field `title``).
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// `text` with a stand-in for the required key `field` that is missing from the table
/// whose header starts at byte `at` (or from the top of the file, for the project's own
/// `title`), on a line of its own after the header, with that line's number; `None` for
/// a key that has no stand-in or a table that has no header to write it under.
fn with_field(text: &str, at: usize, field: &str) -> Option<(String, usize)> {
    let value = match field {
        "title" => "\"\"",
        "audiences" => "[]",
        _ => return None,
    };
    let root_lacks_it = || {
        toml::de::DeTable::parse(text)
            .is_ok_and(|table| !table.get_ref().keys().any(|k| k.get_ref() == field))
    };
    let at = if at == 0 && field == "title" && root_lacks_it() {
        0
    } else if text[at..].starts_with('[') && !text[at..].starts_with("[[") {
        at + text[at..].find('\n')? + 1
    } else {
        return None;
    };
    let line = text[..at].bytes().filter(|&b| b == b'\n').count() + 1;
    let rest = format!("{}{field} = {value}\n{}", &text[..at], &text[at..]);
    Some((rest, line))
}

/// A value of the type a wrong value's message expects (`invalid type: string "x",
/// expected a sequence`), to stand in for it: the key stays, so a key that must be there
/// is not missing, and the keys after it are read too.
fn placeholder(message: &str) -> Option<&'static str> {
    let expected = message.split("expected ").nth(1)?.trim();
    Some(match expected {
        "a sequence" => "[]",
        "a string" => "\"\"",
        "a boolean" => "false",
        "a map" | "a table" => "{}",
        e if e.starts_with("struct ") || e.starts_with("a map") => "{}",
        e if e.starts_with('u') || e.starts_with('i') || e.contains("integer") => "0",
        e if e.starts_with('f') || e.contains("float") => "0.0",
        _ => return None,
    })
}

/// `text` with the value of the key that starts at byte `at` (or the value itself) made
/// `placeholder`, or without one the key and its value blanked out, line ends kept (so
/// every other place keeps its line); `None` unless the key holds a value written after
/// it (not a table of its own) and the rest still reads as TOML.
fn without_key(text: &str, at: usize, placeholder: Option<&str>) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    // The key and its value, found by where either starts.
    fn entry(table: &DeTable<'_>, at: usize) -> Option<(usize, usize, usize)> {
        table.iter().find_map(|(key, value)| {
            let here = key.span().start == at || value.span().start == at;
            match value.get_ref() {
                DeValue::Table(_) if here => None,
                _ if here => Some((key.span().start, value.span().start, value.span().end)),
                DeValue::Table(inner) => entry(inner, at),
                _ => None,
            }
        })
    }
    let table = DeTable::parse(text).ok()?;
    let (key, value, end) = entry(table.get_ref(), at)?;
    let start = if placeholder.is_some() { value } else { key };
    let mut bytes = text.as_bytes().to_vec();
    for byte in bytes.get_mut(start..end)? {
        if !matches!(*byte, b'\n' | b'\r') {
            *byte = b' ';
        }
    }
    // A placeholder longer than the value moves what follows it on its line: a column
    // or two, on a line that already holds an error.
    if let Some(placeholder) = placeholder {
        let fits = placeholder.len().min(end - value);
        bytes[value..value + fits].copy_from_slice(&placeholder.as_bytes()[..fits]);
        let rest = &placeholder.as_bytes()[fits..];
        bytes.splice(value + fits..value + fits, rest.iter().copied());
    }
    let rest = String::from_utf8(bytes).ok()?;
    DeTable::parse(&rest).is_ok().then_some(rest)
}

/// The folder `align serve` keeps for its reload script and event stream, which no site
/// may take as its name.
pub const RESERVED_SITE: &str = "__align";

fn validate(config: &Config, lines: &ConfigLines<'_>, shown: &Path) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut error = |needle: &str, section: Option<&str>, message: String| {
        let (line, col) = lines.find(needle, section);
        errors.push(Diagnostic::error(Location::new(shown, line, col), message));
    };
    if config.sites.is_empty() {
        error(
            "",
            None,
            "align.toml defines no site: add a [sites.NAME] table".into(),
        );
    }
    // Every page's title and header name the project and its site.
    if config.title.trim().is_empty() {
        let message = "`title` cannot be empty: every page's title and header name the project";
        error("title", None, message.into());
    }
    for (name, site) in &config.sites {
        let header = format!("[sites.{name}]");
        if site.title.trim().is_empty() {
            let message = format!(
                "`title` in [sites.{name}] cannot be empty: every page's title and header name the site"
            );
            error("title", Some(&header), message);
        }
        if !is_safe_name(name) {
            error(
                &header,
                None,
                format!("site name `{name}` must use only a-z, 0-9, `-` and `_`"),
            );
        } else if name == RESERVED_SITE {
            error(
                &header,
                None,
                format!("site name `{name}` is kept for `align serve`'s own files: choose another"),
            );
        }
        if site.audiences.is_empty() {
            error(&header, None, format!("site `{name}` lists no audiences"));
        }
        for field in &site.public_fields {
            if !PRIVATE_FIELDS.contains(&field.as_str())
                && !COMPUTED_FIELDS.contains(&field.as_str())
            {
                let known = [PRIVATE_FIELDS, COMPUTED_FIELDS].concat().join(", ");
                error(
                    "public_fields",
                    Some(&header),
                    format!(
                        "unknown field `{field}` in public_fields of site `{name}` (known: {known})"
                    ),
                );
            }
        }
    }
    if let Some(url) = &config.base_url
        && let Some(problem) = url_problem(url)
    {
        error("base_url", None, format!("base_url `{url}` {problem}"));
    }
    for (name, site) in &config.sites {
        if let Some(url) = &site.url
            && let Some(problem) = url_problem(url)
        {
            let header = format!("[sites.{name}]");
            error(
                "url",
                Some(&header),
                format!("url `{url}` of site `{name}` {problem}"),
            );
        }
    }
    // Two sites published at one address would overwrite each other there, and their
    // sitemaps and feeds would name each other's pages.
    let mut published: BTreeMap<String, &str> = BTreeMap::new();
    for name in config.sites.keys() {
        let Some(url) = config.site_url(name) else {
            continue;
        };
        if let Some(first) = published.insert(url.clone(), name) {
            let header = format!("[sites.{name}]");
            let (needle, section) = match config.sites[name].url {
                Some(_) => ("url", Some(header.as_str())),
                None => (header.as_str(), None),
            };
            error(
                needle,
                section,
                format!("site `{name}` is published at {url}, where site `{first}` is"),
            );
        }
    }
    for folder in config.folders.keys() {
        let plain = folder
            .trim_matches('/')
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
        if !plain || folder.starts_with('/') {
            // An empty key is found as it is written.
            let needle = if folder.is_empty() { "\"\"" } else { folder };
            error(
                needle,
                Some("[folders]"),
                format!(
                    "`{folder}` in [folders] is not a folder under content/: write its path from there, such as `architecture/decisions`"
                ),
            );
        }
    }
    if let Some(period) = &config.current_period
        && period.parse::<crate::model::Period>().is_err()
    {
        error(
            "current_period",
            None,
            format!("current_period `{period}` is not a period such as 2026-Q1, 2026-H1 or 2026"),
        );
    }
    for rule in crate::check::unknown_rules(&config.check) {
        error(
            &rule,
            Some("[check.rules]"),
            match crate::check::nearest_rule(&rule) {
                Some(near) => format!(
                    "unknown rule `{rule}` in [check.rules]: did you mean `{near}`? (docs/checks.md lists every rule)"
                ),
                None => format!(
                    "unknown rule `{rule}` in [check.rules] (docs/checks.md lists every rule)"
                ),
            },
        );
    }
    errors
}

fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// align.toml's lines, and the line of each table header, found in one pass (a project of
/// thousands of sites looked for each one's header from the top).
struct ConfigLines<'t> {
    lines: Vec<&'t str>,
    /// `[header]` (up to its first `]`, without quotes or spaces around its parts, as
    /// [`header_key`] writes it) → its first line's index.
    headers: HashMap<Cow<'t, str>, usize>,
}

/// A table header as align.toml's lines are looked up by: `[sites."Bad Name"]` and
/// `[ sites . team ]` as `[sites.Bad Name]` and `[sites.team]`.
fn header_key(header: &str) -> Cow<'_, str> {
    if !header.contains(['"', '\'', ' ', '\t']) {
        return Cow::Borrowed(header);
    }
    let parts: Vec<String> = header
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split('.')
        .map(|part| part.trim().trim_matches(['"', '\'']).to_string())
        .collect();
    Cow::Owned(format!("[{}]", parts.join(".")))
}

impl<'t> ConfigLines<'t> {
    fn new(text: &'t str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let mut headers = HashMap::new();
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim_start();
            if let Some(end) = line.starts_with('[').then(|| line.find(']')).flatten() {
                headers.entry(header_key(&line[..=end])).or_insert(i);
            }
        }
        ConfigLines { lines, headers }
    }

    /// Line and column of the first line that starts with `needle` (a table header or a
    /// key), looking only after the `section` header when one is given and skipping
    /// comments; else the section header, else the top of the file.
    fn find(&self, needle: &str, section: Option<&str>) -> (usize, usize) {
        if needle.is_empty() {
            return (1, 1);
        }
        let at = |i: usize| {
            let line = self.lines[i];
            (i + 1, line.len() - line.trim_start().len() + 1)
        };
        if needle.starts_with('[') {
            return self.headers.get(needle).map_or((1, 1), |&i| at(i));
        }
        let from = match section {
            Some(header) => match self.headers.get(header) {
                Some(&i) => i,
                None => return (1, 1),
            },
            None => 0,
        };
        let starts = |line: &str, prefix: &str| {
            let line = line.trim_start();
            line.starts_with(prefix)
                && (line[prefix.len()..].trim_start().starts_with(['=', '.'])
                    || line[prefix.len()..].starts_with('"'))
        };
        let quoted = format!("\"{needle}\"");
        self.lines[from..]
            .iter()
            .position(|l| starts(l, needle) || starts(l, &quoted))
            .map(|i| from + i)
            .or(section.map(|_| from))
            .map_or((1, 1), at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), text).unwrap();
        load(dir.path())
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let errs = parse(
            "title = \"x\"\n\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\ncolour = 1\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].location.line, 6);
        assert!(errs[0].message.contains("colour"), "{}", errs[0].message);
    }

    #[test]
    fn a_site_s_field_written_above_the_sites_says_where_it_goes() {
        let errs = parse(
            "title = \"x\"\nhomepage = \"roadmap\"\naudiences = [\"team\"]\nurl = \"https://x\"\n\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\nhomepage = 1\n",
        )
        .unwrap_err();
        let said: Vec<(usize, &str)> = (errs.iter())
            .map(|e| (e.location.line, e.message.as_str()))
            .collect();
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(
            said[0].1.ends_with(
                "a site's first page is its `home`, under its `[sites.NAME]` (`home = \"roadmap\"`)"
            ),
            "{said:?}"
        );
        assert!(
            said[1].1.ends_with(
                "it is a site's field: write it under the `[sites.NAME]` of each site it is for"
            ),
            "{said:?}"
        );
        assert!(
            said[2].1.ends_with(
                "the sites' address is `base_url` (`base_url = \"https://example.com\"`)"
            ),
            "{said:?}"
        );
        // Within a site's table, only where it is differs.
        assert_eq!(said[3].0, 9, "{said:?}");
        assert!(
            said[3]
                .1
                .ends_with("a site's first page is its `home` (`home = \"roadmap\"`)"),
            "{said:?}"
        );
    }

    #[test]
    fn every_unknown_key_is_named_in_one_run_in_the_order_written() {
        let errs = parse(
            "title = \"x\"\ncolour = [\n  1,\n]\n\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\nfoo = 1\n[sites.b]\ntitle = \"B\"\naudiences = [\"team\"]\nhome = \"roadmap\"\nbar = { x = 1 }\n[check]\nstale_after = 3\n",
        )
        .unwrap_err();
        let found: Vec<(usize, usize, &str)> = errs
            .iter()
            .map(|e| {
                (
                    e.location.line,
                    e.location.col,
                    &e.message[..e.message.find(',').unwrap()],
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (2, 1, "unknown field `colour`"),
                (9, 1, "unknown field `foo`"),
                (14, 1, "unknown field `bar`"),
                (16, 1, "unknown field `stale_after`"),
            ]
        );
        // A word's setting given another type names its key too.
        let errs = parse(
            "title = \"x\"\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\n[check.rules]\nstale = true\n",
        )
        .unwrap_err();
        assert_eq!(
            errs[0].message,
            "`stale` in [check.rules]: expected one of its words in quotes, found `true`"
        );
        // A wrong value is named, and reading goes on past it; the key it leaves out is
        // not reported missing.
        let errs = parse(
            "title = \"x\"\ncolour = 2\n[sites.a]\ntitle = \"A\"\naudiences = \"team\"\n[check]\nstale_after = 3\n[check.rules]\nstale = \"loud\"\n",
        )
        .unwrap_err();
        let found: Vec<(usize, &str)> = errs
            .iter()
            .map(|e| {
                (
                    e.location.line,
                    e.message.split(':').next().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    2,
                    "unknown field `colour`, expected one of `title`, `description`, `base_url`, `default_audience`, `current_period`, `sites`, `folders`, `import`, `check`"
                ),
                (5, "`audiences` in [sites.a]"),
                (
                    7,
                    "unknown field `stale_after`, expected `stale_after_days` or `rules`"
                ),
                (9, "`stale` in [check.rules]"),
            ],
            "{errs:?}"
        );
        assert!(
            !errs.iter().any(|e| e.message.contains("missing field")),
            "{errs:?}"
        );
        // A required key missing is named, and the keys after it are read too, at the
        // lines they are written on.
        let errs = parse(
            "colour = 2\n[sites.a]\naudiences = [\"team\"]\nfoo = 1\n[sites.b]\ntitle = \"B\"\nbar = 2\n[sites.c]\ntitel = \"C\"\naudiences = []\n",
        )
        .unwrap_err();
        let found: Vec<(usize, String)> = (errs.iter())
            .map(|e| (e.location.line, e.message.chars().take(24).collect()))
            .collect();
        assert_eq!(
            found,
            [
                (1, "missing field `title`".into()),
                (1, "unknown field `colour`, ".into()),
                (2, "missing field `title`".into()),
                (4, "unknown field `foo`, exp".into()),
                (5, "missing field `audiences".into()),
                (7, "unknown field `bar`, exp".into()),
                (8, "missing field `title`".into()),
                (9, "unknown field `titel`: d".into()),
            ],
            "{errs:?}"
        );
        // A key left out that then is missing ends the reading there.
        let errs = parse("title = 1\ncolour = 2\n").unwrap_err();
        assert!(
            errs[0]
                .message
                .contains("expected a string, found the number 1"),
            "{errs:?}"
        );
    }

    #[test]
    fn a_blank_title_of_the_project_or_a_site_is_an_error_at_its_line() {
        let errs = parse("title = \"  \"\n[sites.a]\naudiences = [\"team\"]\ntitle = \"\"\n[sites.b]\ntitle = \"B\"\naudiences = [\"team\"]\n").unwrap_err();
        let said: Vec<(usize, &str)> = (errs.iter())
            .map(|e| (e.location.line, e.message.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                (
                    1,
                    "`title` cannot be empty: every page's title and header name the project"
                ),
                (
                    4,
                    "`title` in [sites.a] cannot be empty: every page's title and header name the site"
                ),
            ]
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_key_and_table() {
        let message = |text: &str| parse(text).unwrap_err()[0].message.clone();
        assert_eq!(
            message("title = 1\n"),
            "`title`: expected a string, found the number 1"
        );
        assert_eq!(
            message(
                "title = \"x\"\n[sites.p]\ntitle = \"P\"\naudiences = [\"public\"]\npublic = \"yes\"\n"
            ),
            "`public` in [sites.p]: expected a boolean, found the text \"yes\""
        );
        assert_eq!(
            message("title = \"x\"\n[folders]\nbets = \"epic\"\n")
                .split(':')
                .next(),
            Some("`bets` in [folders]")
        );
        // A wrong value of a key that must be there stands in as one of its type, so the
        // keys after it, and unknown ones, are named in the same run.
        let all = |text: &str| -> Vec<(usize, String)> {
            let errors = parse(text).unwrap_err();
            (errors.iter())
                .map(|d| {
                    (
                        d.location.line,
                        d.message.split(':').next().unwrap().to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(
            all("title = 1\n[sites.team]\ntitle = \"a\"\naudiences = \"x\"\n"),
            [
                (1, "`title`".into()),
                (4, "`audiences` in [sites.team]".into())
            ]
        );
        let said = all("titel = 5\ntitle = \"T\"\n[sites.team]\ntitle = 4\naudiences = [\"t\"]\n");
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].1.starts_with("unknown field `titel`"), "{said:?}");
        assert_eq!(said[1], (4, "`title` in [sites.team]".into()));
    }

    #[test]
    fn default_audience_falls_back_to_internal_sites() {
        let config = parse(
            "title = \"x\"\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\", \"exec\"]\n[sites.p]\ntitle = \"P\"\naudiences = [\"public\"]\npublic = true\n",
        )
        .unwrap();
        assert_eq!(config.default_audience(), vec!["exec", "team"]);
    }

    #[test]
    fn addresses_that_pages_cannot_be_published_under_are_errors() {
        let errors = |head: &str, site: &str| -> Vec<(usize, String)> {
            let text = format!(
                "title = \"x\"\n{head}\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\n{site}\n[sites.b]\ntitle = \"B\"\naudiences = [\"team\"]\nurl = \"https://b.example/docs/\"\n"
            );
            parse(&text).err().map_or_else(Vec::new, |errs| {
                errs.into_iter()
                    .map(|e| (e.location.line, e.message))
                    .collect()
            })
        };
        for good in [
            "https://plans.example",
            "http://localhost:8080/docs/",
            "https://plans.example/a-b_c/~x/%20y/",
        ] {
            assert_eq!(errors(&format!("base_url = \"{good}\""), ""), [], "{good}");
        }
        for (bad, problem) in [
            ("HTTPS://x.example/", "must start with http:// or https://"),
            ("https://", "must name a host"),
            ("https:///docs", "must name a host"),
            ("https://x.example/a b/", "has a character a URL"),
            ("https://x.example/<script>/", "has a character a URL"),
            ("https://x.example/a?b=1#frag", "has a query or fragment"),
            ("https://x.example/a/../b", "has a `.` or `..` folder"),
        ] {
            let found = errors(&format!("base_url = \"{bad}\""), "");
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert_eq!(found[0].0, 2, "{bad}");
            assert!(
                found[0]
                    .1
                    .starts_with(&format!("base_url `{bad}` {problem}")),
                "{found:?}"
            );
            let found = errors("", &format!("url = \"{bad}\""));
            assert_eq!(found[0].0, 6, "{bad}: {found:?}");
            assert!(
                found[0]
                    .1
                    .starts_with(&format!("url `{bad}` of site `a` {problem}")),
                "{found:?}"
            );
        }
        // Two sites at one address, by their own `url` or by `base_url`/NAME/.
        assert_eq!(
            errors("", "url = \"https://b.example/docs\""),
            [(
                10,
                "site `b` is published at https://b.example/docs/, where site `a` is".into()
            )]
        );
        assert_eq!(
            errors(
                "base_url = \"https://b.example\"",
                "url = \"https://b.example/b/\""
            ),
            []
        );
        assert_eq!(
            errors("base_url = \"https://b.example\"\n[sites.docs]\ntitle = \"D\"\naudiences = [\"team\"]", "")
                .len(),
            1
        );
    }

    #[test]
    fn an_import_says_what_is_wrong_with_its_changelog() {
        let errs = |import: &str| -> Vec<(usize, String)> {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("notes")).unwrap();
            let text = format!(
                "title = \"x\"\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\n[import]\n{import}\n"
            );
            std::fs::write(dir.path().join(CONFIG_FILE), text).unwrap();
            load(dir.path())
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.location.line, e.message))
                .collect()
        };
        assert_eq!(
            errs("changelog = \"notes\""),
            [(6, "[import] changelog: `notes` is a folder: name the changelog file in it, such as `notes/CHANGELOG.md`".into())]
        );
        assert_eq!(
            errs("changelog = \"/dev/null\""),
            [(6, "[import] changelog: `/dev/null` is no regular file (a device, a pipe or a socket): name the changelog file".into())]
        );
        assert_eq!(
            errs("changelog = \"CHANGES.md\""),
            [(6, "[import] changelog: there is no file `CHANGES.md` (the path is relative to the project folder)".into())]
        );
        assert_eq!(
            errs("\nchangelog_audience = [\"public\"]"),
            [(7, "[import] changelog_audience without `changelog`: name the changelog to import, or remove the line".into())]
        );
    }

    #[test]
    fn a_folder_without_align_toml_is_named_with_what_makes_it_a_project() {
        let dir = tempfile::tempdir().unwrap();
        let errs = load(dir.path()).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].message.ends_with(&format!(
                "has no align.toml, so it is not an align project: `align init {}` makes one there, or name the folder that holds align.toml",
                dir.path().display()
            )),
            "{}",
            errs[0].message
        );
        // A folder that is not there is another matter.
        let gone = load(&dir.path().join("gone")).unwrap_err();
        assert!(
            gone[0].message.starts_with("there is no folder "),
            "{}",
            gone[0].message
        );
    }

    #[test]
    fn folders_must_be_paths_under_content() {
        for bad in ["../x", "", "/abs", "a/../b", "a//b", "./a"] {
            let errs = parse(&format!(
                "title = \"x\"\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\n[folders]\n\"{bad}\" = \"decision\"\n"
            ))
            .unwrap_err();
            assert_eq!(errs.len(), 1, "{bad}: {errs:?}");
            assert_eq!(errs[0].location.line, 6, "{bad}");
            assert!(
                errs[0].message.starts_with(&format!(
                    "`{bad}` in [folders] is not a folder under content/"
                )),
                "{errs:?}"
            );
        }
        let config = parse("title = \"x\"\n[sites.a]\ntitle = \"A\"\naudiences = [\"team\"]\n[folders]\n\"architecture/decisions\" = \"decision\"\nbets = \"initiative\"\n").unwrap();
        assert_eq!(config.folders.len(), 2);
    }

    #[test]
    fn bad_public_field_is_an_error() {
        let errs = parse("title = \"x\"\n[sites.p]\ntitle = \"P\"\naudiences = [\"public\"]\npublic = true\npublic_fields = [\"salary\"]\n")
            .unwrap_err();
        assert_eq!(errs[0].location.line, 6);
    }
}
