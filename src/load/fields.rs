//! Turns the frontmatter value tree into typed document fields, one error per bad field.

use std::collections::HashMap;

use jiff::civil::Date;
use serde_json::{Map, Value};

use super::body::LineIndex;
use super::frontmatter::{Split, nested_line, nested_line_within};
use crate::import::adr;
use crate::model::{Category, DateText, Document, KeyResult, Kind, Period, RefText, RelKind, Slip};

/// Keys with which records written for a Jekyll site (MADR's own, with just-the-docs) place
/// themselves in that site's navigation: `parent: Decisions`, `nav_order: 13`. They say
/// nothing about the decision, and a page listing them under its fields would read as if
/// they did.
const SITE_KEYS: [&str; 8] = [
    "nav_order",
    "parent",
    "grand_parent",
    "has_children",
    "nav_exclude",
    "has_toc",
    "layout",
    "permalink",
];

/// A field problem at a line of the file.
#[derive(Debug)]
pub struct FieldIssue {
    pub line: usize,
    pub message: String,
    /// The rule of a warning; `None` for an error.
    pub warning: Option<&'static str>,
}

pub struct Fields<'a> {
    pub split: &'a Split<'a>,
    pub issues: Vec<FieldIssue>,
    /// The line of each top-level key, made on the first error: a frontmatter of
    /// thousands of unknown keys is an error at each of them.
    pub lines: Option<HashMap<String, usize>>,
    /// Where the frontmatter's lines start, made when a key result is first placed.
    pub lines_index: std::cell::OnceCell<LineIndex>,
    /// The lines of the `[[key_results]]` and `[[key_results.checkins]]` headers, found
    /// on the first error in a check-in: each later one reads them from here.
    pub tables: std::cell::OnceCell<(Vec<usize>, Vec<usize>)>,
    /// The document's `kind` field named no kind, and the folder's stands in: a field
    /// that kind lacks may be one of the kind meant, so it is not an error of its own.
    pub kind_in_doubt: bool,
}

const COMMON: &[&str] = &[
    "title",
    "id",
    "kind",
    "summary",
    "status",
    "owners",
    "team",
    "tags",
    "audience",
    "created",
    "updated",
    "review_by",
    "public_title",
    "public_summary",
    "extra",
];

impl Fields<'_> {
    fn error(&mut self, doc: &Document, key: &str, message: String) {
        let lines = self.lines.get_or_insert_with(|| {
            let mut lines = HashMap::with_capacity(doc.field_lines.len());
            for (name, line) in &doc.field_lines {
                lines.entry(name.clone()).or_insert(*line);
            }
            lines
        });
        let line = lines.get(key).copied().unwrap_or(1);
        self.issues.push(FieldIssue {
            line,
            message,
            warning: None,
        });
    }

    fn warn(&mut self, rule: &'static str, line: usize, message: String) {
        self.issues.push(FieldIssue {
            line,
            message,
            warning: Some(rule),
        });
    }

    /// Applies every field of `map` to `doc` (whose kind is already set). An imported
    /// record's keys that align does not know go under `extra`, except those that place
    /// the record in another site generator's navigation ([`SITE_KEYS`]).
    pub fn apply(&mut self, doc: &mut Document, map: Map<String, Value>) {
        for (key, value) in map {
            // Who may read a record is never guessed: a key that means its audience but
            // is not `audience` (`Audience:`, `audiences:`, `audiance:`, `visibility:`),
            // or `audience:` left empty, would give it the default audience, shown on
            // sites it was not meant for.
            let nested = || match &value {
                Value::Object(inner) => inner.keys().find(|k| audience_like(k)).cloned(),
                _ => None,
            };
            let wrong = doc.imported
                && ((key != "audience" && audience_like(&key))
                    || (key == "audience" && value.is_null()));
            let under = doc.imported && !wrong && key != "audience" && nested().is_some();
            if wrong || under {
                let message = if key == "audience" {
                    "`audience` is empty: name the audiences that may read the record (`audience: [team]`), or remove the line".to_string()
                } else if under {
                    format!(
                        "`{key}` holds `{}`, which is read as no audience: write `audience` at the top of the frontmatter, or the record goes to the default audience",
                        nested().unwrap_or_default()
                    )
                } else {
                    format!(
                        "`{key}` is not a field: write `audience`, or the record goes to the default audience"
                    )
                };
                self.error(doc, &key, message);
                continue;
            }
            // An imported template's key left empty (`status:`) says nothing.
            if key == "kind" || (doc.imported && value.is_null()) {
                continue;
            }
            let known =
                COMMON.contains(&key.as_str()) || doc.kind.own_fields().contains(&key.as_str());
            if !known {
                if doc.imported && SITE_KEYS.contains(&key.as_str()) {
                    continue;
                }
                if doc.imported {
                    doc.extra.insert(key, value);
                } else if !self.kind_in_doubt {
                    let message = unknown_field_message(&key, doc.kind);
                    self.error(doc, &key, message);
                }
                continue;
            }
            if let Err(message) = self.apply_one(doc, &key, value) {
                self.error(doc, &key, format!("field `{key}`: {message}"));
            }
        }
        if !doc.imported {
            self.fields_under_extra(doc);
        }
    }

    /// A field of the document's kind written after the `[extra]` line, which TOML puts
    /// in that table: it would be free-form data, and the document would go without it
    /// (a `status = "cancelled"` there leaves the initiative as it was).
    fn fields_under_extra(&mut self, doc: &Document) {
        let misplaced: Vec<&String> = (doc.extra.keys())
            .filter(|k| COMMON.contains(&k.as_str()) || doc.kind.own_fields().contains(&k.as_str()))
            .filter(|k| *k != "extra")
            .collect();
        if misplaced.is_empty() {
            return;
        }
        let front = self
            .lines_index
            .get_or_init(|| LineIndex::new(self.split.front));
        let after = doc.field_line("extra");
        for key in misplaced {
            let line = nested_line(self.split, front, after, key).unwrap_or(after);
            self.issues.push(FieldIssue {
                line,
                message: format!(
                    "`{key}` is under `[extra]`, where it is free-form data and not the document's `{key}`: write it above the `[extra]` line"
                ),
                warning: None,
            });
        }
    }

    fn apply_one(&mut self, doc: &mut Document, key: &str, value: Value) -> Result<(), String> {
        match key {
            "title" => doc.title = string(value)?,
            "id" => doc.id = Some(short_id(value)?),
            "summary" => doc.summary = Some(string(value)?),
            "status" => self.status(doc, value)?,
            "owners" => doc.owners = names(value, "an owner")?,
            "team" => doc.team = Some(name(value, "a team")?),
            "tags" => doc.tags = names(value, "a tag")?,
            "audience" => doc.audience = Some(strings(value)?),
            "created" => doc.created = Some(date(value)?),
            "updated" => doc.updated = Some(date(value)?),
            "review_by" => doc.review_by = Some(date(value)?),
            "public_title" => doc.public_title = Some(string(value)?),
            "public_summary" => doc.public_summary = Some(string(value)?),
            "extra" => match value {
                Value::Object(map) => doc.extra = map,
                other => return Err(format!("expected a table, found {}", type_name(&other))),
            },
            "horizon" if doc.kind == Kind::Initiative => {
                let text = string(value)?;
                one_of(&text, &["now", "next", "later"])?;
                doc.horizon = Some(text);
            }
            "horizon" => doc.horizon = Some(string(value)?),
            "period" => doc.period = Some(period(value)?),
            "level" => doc.level = Some(choice(value, &["company", "org", "team"])?),
            "type" => doc.objective_type = Some(choice(value, &["committed", "aspirational"])?),
            "key_results" => {
                // Written but unreadable, whole or in part: the errors say so, and the
                // objective is not also reported as having none.
                let before = self.issues.len();
                let read = self.key_results(doc, value);
                doc.key_results_unread =
                    read.is_err() || self.issues[before..].iter().any(|i| i.warning.is_none());
                (doc.key_results, doc.unread_key_results) = read?;
            }
            "start" => doc.start = Some(date(value)?),
            "target" => doc.target = Some(date(value)?),
            "target_history" => {
                // In the order they were decided, however they are written: the first is
                // the original plan.
                let mut slips = self.slips(doc, value)?;
                slips.sort_by_key(|slip| slip.date);
                doc.target_history = slips;
            }
            "rationale" => doc.rationale = Some(string(value)?),
            "version" => doc.version = Some(scalar_string(value)?),
            "date" => doc.date = Some(self.date_text(doc, value)?),
            "number" => doc.number = Some(number(value)?),
            "deciders" | "decision-makers" => doc.deciders = self.people(doc, key, value)?,
            "consulted" => doc.consulted = self.people(doc, key, value)?,
            "informed" => doc.informed = self.people(doc, key, value)?,
            "category" => {
                let text = string(value)?;
                let list: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                one_of(&text, &list)?;
                doc.category = Category::parse(&text);
            }
            "breaking" => {
                doc.breaking = match value {
                    Value::Bool(breaking) => breaking,
                    Value::String(text) => {
                        return Err(format!("expected true or false, found the text `{text}`"));
                    }
                    _ => return Err("expected true or false".into()),
                }
            }
            _ => self.relation(doc, key, value)?,
        }
        Ok(())
    }

    fn status(&mut self, doc: &mut Document, value: Value) -> Result<(), String> {
        let allowed = doc.kind.statuses();
        // An imported record may list its status and its relations
        // (`status: [accepted, supersedes ADR-0003]`): read as one text, in clauses.
        let text = match value {
            Value::Array(items) if doc.imported && !items.is_empty() => {
                let parts: Result<Vec<String>, String> =
                    items.into_iter().map(scalar_string).collect();
                parts
                    .map_err(|err| format!("a status list holds only texts: {err}"))?
                    .join("; ")
            }
            value => scalar_string(value)?,
        };
        if doc.imported {
            let line = doc.field_line("status");
            let (status, relations, day) = adr::read_status(&text, line);
            super::imported::push_relations(doc, relations, 1);
            doc.status = Some(status);
            // `status: Accepted (2021-03-01)` dates the record that gives no `date` (a
            // `date` key after it still wins).
            if doc.date.is_none() {
                doc.date = day.map(crate::model::DateText::Date);
            }
            return Ok(());
        }
        if !allowed.is_empty() {
            one_of(&text, allowed)?;
        }
        doc.status = Some(text);
        Ok(())
    }

    /// The people a record names. MADR's template writes `deciders: {list everyone
    /// involved in the decision}`, which YAML reads as a table: in an imported record, a
    /// prompt left in names no one, and says so.
    fn people(&mut self, doc: &Document, key: &str, value: Value) -> Result<Vec<String>, String> {
        match value {
            Value::Object(_) if doc.imported => {
                self.warn(
                    "placeholder",
                    doc.field_line(key),
                    format!(
                        "field `{key}`: `{}` is the record template's prompt, not names: no one is listed",
                        yaml_flow(&value)
                    ),
                );
                Ok(Vec::new())
            }
            value => people(value),
        }
    }

    fn date_text(&mut self, doc: &Document, value: Value) -> Result<DateText, String> {
        if !doc.imported {
            return date(value).map(DateText::Date);
        }
        // MADR's template writes `date: {YYYY-MM-DD when the decision was last updated}`,
        // which YAML reads as a table: kept as written, like any date that cannot be read.
        let text = match value {
            Value::Object(_) | Value::Array(_) => yaml_flow(&value),
            value => scalar_string(value)?,
        };
        let (date, warning) = adr::record_date(&text);
        if let Some((rule, message)) = warning {
            self.warn(
                rule,
                doc.field_line("date"),
                format!("field `date`: {message}"),
            );
        }
        Ok(date)
    }

    /// The line of a value inside a key result, from the path serde gave (`target`,
    /// `checkins[1].date`: the second `date` after the key result's `id` line), and the
    /// field's name.
    fn nested_field(
        &self,
        line: usize,
        path: &[(String, Option<usize>)],
    ) -> (usize, Option<String>) {
        let Some((key, index)) = path.last() else {
            return (line, None);
        };
        // A field of the kth check-in: from the check-in before it (each has a `date`),
        // the first line that names the field, wherever in its table it stands.
        if let [.., (parent, Some(k)), (_, None)] = path
            && parent == "checkins"
        {
            let front = self
                .lines_index
                .get_or_init(|| LineIndex::new(self.split.front));
            // Written as `[[key_results.checkins]]` tables, the kth check-in is the kth
            // such table after the key result's line, up to the next table of either kind.
            let (results, checkins) = self.tables.get_or_init(|| {
                (
                    self.table_headers("key_results"),
                    self.table_headers("key_results.checkins"),
                )
            });
            let next_kr = results
                .iter()
                .copied()
                .find(|&at| at > line)
                .unwrap_or(usize::MAX);
            let tables: Vec<usize> = checkins
                .iter()
                .copied()
                .filter(|&at| at > line && at < next_kr)
                .collect();
            if let Some(&table) = tables.get(*k) {
                let end = tables.get(k + 1).copied().unwrap_or(next_kr);
                let at = nested_line(self.split, front, table, key)
                    .filter(|&at| at < end)
                    .unwrap_or(table);
                return (at, Some(key.clone()));
            }
            let mut from = line;
            for n in 0..*k {
                match nested_line(self.split, front, from + usize::from(n > 0), "date") {
                    Some(found) => from = found,
                    None => break,
                }
            }
            let start = if *k > 0 { from + 1 } else { from };
            // The check-in's own date, and the next one's: the field is between, or on
            // the check-in's line when it is written inline (`{ date = …, value = … }`).
            let own = nested_line(self.split, front, start, "date");
            let next = own.and_then(|own| nested_line(self.split, front, own + 1, "date"));
            let at = nested_line(self.split, front, start, key)
                .filter(|&at| next.is_none_or(|next| at < next))
                .or(own)
                .unwrap_or(line);
            return (at, Some(key.clone()));
        }
        let nth = match (index, path.len()) {
            (Some(_), _) | (None, 1) => 0,
            (None, n) => path[n - 2].1.unwrap_or(0),
        };
        let front = self
            .lines_index
            .get_or_init(|| LineIndex::new(self.split.front));
        let mut at = line;
        for n in 0..=nth {
            match nested_line(self.split, front, at + usize::from(n > 0), key) {
                Some(found) => at = found,
                None => return (line, Some(key.clone())),
            }
        }
        (at, Some(key.clone()))
    }

    /// The slips of `target_history` that could be read; each error of the others is an
    /// issue at its line.
    fn slips(&mut self, doc: &Document, value: Value) -> Result<Vec<Slip>, String> {
        let Value::Array(items) = value else {
            return Err(format!(
                "expected a list of slips, found {}",
                type_name(&value)
            ));
        };
        let base = doc.field_line("target_history");
        let headers = self.table_headers("target_history");
        let by_header = headers.len() == items.len();
        // Written inline (`[ { date = …, target = … }, … ]`), each slip from its `{`.
        let inline = super::frontmatter::inline_items(self.split, base);
        let inline = (!by_header && inline.len() == items.len()).then_some(inline);
        let mut slips = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match read_all::<Slip>(item, slip_placeholder) {
                Ok(slip) => slips.push(slip),
                Err(errors) => {
                    for (path, message) in errors {
                        let (at, field) = match headers.get(i) {
                            Some(&header) if by_header => {
                                let (at, field) = self.nested_field(header, &path);
                                (at.max(header), field)
                            }
                            _ if let Some(starts) = &inline => {
                                let start = starts[i];
                                let end = starts.get(i + 1).copied().unwrap_or(usize::MAX);
                                let field = path.last().map(|(key, _)| key.clone());
                                let at = field.as_deref().and_then(|key| {
                                    super::frontmatter::inline_key_line(self.split, start, end, key)
                                });
                                (at.unwrap_or(start), field)
                            }
                            _ => {
                                let mut path = path;
                                path.insert(0, (String::new(), Some(i)));
                                self.nested_field(base, &path)
                            }
                        };
                        // A missing field has no name of its own in the path, and an
                        // unknown field's message names it already.
                        let field = (field.filter(|f| !f.is_empty()))
                            .filter(|_| !message.starts_with("unknown field"))
                            .map(|f| format!("field `{f}`: "))
                            .unwrap_or_default();
                        self.issues.push(FieldIssue {
                            line: at,
                            message: format!(
                                "field `target_history`: slip #{}: {field}{message}",
                                i + 1
                            ),
                            warning: None,
                        });
                    }
                }
            }
        }
        Ok(slips)
    }

    /// The lines of TOML's `[[name]]` table headers, one for each item of the list `name`
    /// when it is written so.
    fn table_headers(&self, name: &str) -> Vec<usize> {
        if self.split.format != Some(super::frontmatter::Format::Toml) {
            return Vec::new();
        }
        let header = format!("[[{name}]]");
        self.split
            .front
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == header)
            .map(|(i, _)| self.split.front_line + i)
            .collect()
    }

    /// The key results that could be read, and the ids of those that could not.
    fn key_results(
        &mut self,
        doc: &Document,
        value: Value,
    ) -> Result<(Vec<KeyResult>, Vec<String>), String> {
        let Value::Array(items) = value else {
            return Err(format!(
                "expected a list of key results, found {}",
                type_name(&value)
            ));
        };
        let base = doc.field_line("key_results");
        let mut krs: Vec<KeyResult> = Vec::new();
        let mut unread = Vec::new();
        // Each key result's line, read or not, and which one each read key result is: the
        // next one's line bounds where its fields are looked for.
        let mut starts = Vec::new();
        let mut placed = Vec::new();
        let mut ids = std::collections::HashSet::new();
        let mut line = base;
        // Where the next key result's `id` is looked for: past the last one found. Key
        // results written inline on one line (`[{id = "a", …}, {id = "b", …}]`) have no
        // `id` at the start of a line, and all stand at the key's line.
        let mut from = base;
        // In TOML's `[[key_results]]` tables each key result starts at its own header, so
        // one without an `id` is placed there rather than at the next `id` found.
        let headers = self.table_headers("key_results");
        let by_header = headers.len() == items.len();
        for (i, item) in items.into_iter().enumerate() {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let front = self
                .lines_index
                .get_or_init(|| LineIndex::new(self.split.front));
            line = if by_header {
                let end = headers.get(i + 1).copied().unwrap_or(usize::MAX);
                nested_line(self.split, front, headers[i], "id")
                    .filter(|&at| at < end)
                    .unwrap_or(headers[i])
            } else {
                match nested_line(self.split, front, from, "id") {
                    Some(at) => {
                        from = at + 1;
                        at
                    }
                    None => line,
                }
            };
            starts.push(if by_header { headers[i] } else { line });
            // A second key result of one id is reported whether or not the rest of it
            // reads: its other errors do not hide the clash.
            let duplicate = !id.is_empty() && !ids.insert(id.clone());
            if duplicate {
                self.issues.push(FieldIssue {
                    line,
                    message: format!("duplicate key result id `{id}` in this objective"),
                    warning: None,
                });
            }
            // Its id goes into links (`O-1#kr1`) and its page anchor, its title into every
            // list of key results. Both are told whether or not the rest of it reads, so
            // that one run names every problem of a key result.
            let bad_id = item
                .get("id")
                .and_then(Value::as_str)
                .filter(|id| !is_valid_id(id))
                .map(str::to_string);
            if let Some(bad) = &bad_id {
                self.issues.push(FieldIssue {
                    line,
                    message: format!(
                        "field `key_results`: key result #{}: `{bad}` is not a valid id (no spaces or `#`)",
                        i + 1
                    ),
                    warning: None,
                });
            }
            let no_title = item
                .get("title")
                .and_then(Value::as_str)
                .is_some_and(|title| title.trim().is_empty());
            if no_title {
                let name = match &bad_id {
                    Some(_) => format!("#{}", i + 1),
                    None => format!("`{id}`"),
                };
                self.issues.push(FieldIssue {
                    line,
                    message: format!(
                        "field `key_results`: key result {name}: `title` is empty: say what the key result measures"
                    ),
                    warning: None,
                });
            }
            match read_all::<KeyResult>(item, placeholder) {
                // The first key result of that id stands.
                Ok(_) if duplicate => {}
                Ok(_) if bad_id.is_some() => {}
                Ok(kr) if no_title => unread.push(kr.id.clone()),
                Ok(mut kr) => {
                    kr.line = line;
                    // Each check-in's `date` after the one before, else the key result's line.
                    let mut at = Some(line);
                    for (n, checkin) in kr.checkins.iter_mut().enumerate() {
                        at = at.and_then(|at| {
                            nested_line(self.split, front, at + usize::from(n > 0), "date")
                        });
                        checkin.line = at.unwrap_or(line);
                    }
                    placed.push(i);
                    krs.push(kr);
                }
                Err(errors) => {
                    let name = if id.is_empty() {
                        format!("#{}", i + 1)
                    } else {
                        format!("`{id}`")
                    };
                    if !id.is_empty() {
                        unread.push(id.clone());
                    }
                    for (mut path, message) in errors {
                        // A check-in without a field it needs is told at its own table.
                        let missing = message
                            .strip_prefix("missing field `")
                            .and_then(|rest| rest.split('`').next())
                            .filter(
                                |_| matches!(path.last(), Some((k, Some(_))) if k == "checkins"),
                            );
                        if let Some(field) = missing {
                            path.push((field.to_string(), None));
                        }
                        let (at, field) = self.nested_field(line, &path);
                        // An unknown or missing field's message names it already.
                        let named = message.starts_with("unknown field") || missing.is_some();
                        let field = (field.filter(|_| !named))
                            .map(|f| format!("field `{f}`: "))
                            .unwrap_or_default();
                        let checkin = path
                            .iter()
                            .find_map(|(key, at)| at.filter(|_| key == "checkins"))
                            .map(|k| format!("check-in #{}: ", k + 1))
                            .unwrap_or_default();
                        let field = checkin + &field;
                        self.issues.push(FieldIssue {
                            line: at,
                            message: format!(
                                "field `key_results`: key result {name}: {field}{message}"
                            ),
                            warning: None,
                        });
                    }
                }
            }
        }
        let front = self
            .lines_index
            .get_or_init(|| LineIndex::new(self.split.front));
        for (kr, &item) in krs.iter_mut().zip(&placed) {
            let end = starts.get(item + 1).copied().unwrap_or(usize::MAX);
            place_values(self.split, front, kr, end);
        }
        Ok((krs, unread))
    }

    fn relation(&mut self, doc: &mut Document, key: &str, value: Value) -> Result<(), String> {
        let kind = match key {
            "parent" => RelKind::Parent,
            "drives" => RelKind::Drives,
            "depends_on" => RelKind::DependsOn,
            "release" => RelKind::Release,
            "supersedes" => RelKind::Supersedes,
            "amends" => RelKind::Amends,
            "relates_to" => RelKind::RelatesTo,
            "justifies" => RelKind::Justifies,
            "implements" => RelKind::Implements,
            _ => return Err("is not a field align knows".into()),
        };
        let line = doc.field_line(key);
        let texts = strings(value).map_err(|_| {
            "expected a reference (`\"O-1\"`, `\"objectives/activation\"`) or a list of them"
                .to_string()
        })?;
        // A document has one parent and is planned for one release, and a change delivers
        // one initiative: a second would be listed in two places at once.
        let one = match kind {
            RelKind::Parent => Some("a document has one parent"),
            RelKind::Release => Some("a document is planned for one release"),
            RelKind::Implements => Some("a change delivers one initiative"),
            _ => None,
        };
        if let Some(why) = one.filter(|_| texts.len() > 1) {
            // No kind with these fields has `relates_to`: the others go in the text.
            return Err(format!(
                "takes one reference, not {}: {why} (link the others in the text, as `[[ID]]`)",
                texts.len()
            ));
        }
        // Each reference where it is written, for a list over several lines: looked for
        // from the key's line on, each after the one before (a bounded search).
        let front: Vec<&str> = self.split.front.lines().collect();
        let mut from = line.saturating_sub(self.split.front_line);
        for text in texts {
            if text.trim().is_empty() {
                return Err("a reference cannot be empty".into());
            }
            let (mut at_line, mut col) = (line, 1);
            let end = front.len().min(from + 200);
            let forms = [format!("\"{text}\""), format!("'{text}'")];
            let found = (from..end).find_map(|i| {
                let written = front[i];
                let at = (forms.iter().map(String::as_str))
                    .chain([text.as_str()])
                    .find_map(|form| written.find(form))?;
                Some((i, written[..at].chars().count() + 1))
            });
            if let Some((i, column)) = found {
                from = i;
                at_line = self.split.front_line + i;
                col = column;
            }
            doc.refs.push(RefText {
                kind,
                text,
                label: None,
                line: at_line,
                col,
                inverse: false,
                audiences: Vec::new(),
                defined_at: None,
                phrase: None,
            });
        }
        Ok(())
    }
}

/// Whether an imported record's key means who may read it without being `audience`
/// (compared as written, in any case, in full-width letters or with Cyrillic ones that
/// look Latin): `audiance`, `Audiences`, `target_audience`, `aud`, `visibility`, `readers`.
pub(crate) fn audience_like(key: &str) -> bool {
    let plain: String = key
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            'а' | 'А' => 'a',
            'е' | 'Е' => 'e',
            'о' | 'О' => 'o',
            'с' | 'С' => 'c',
            'р' | 'Р' => 'p',
            'х' | 'Х' => 'x',
            'у' => 'y',
            'і' | 'І' => 'i',
            'ԁ' => 'd',
            'ո' => 'n',
            'υ' => 'u',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    plain.contains("audience")
        || crate::diag::edit_distance(&plain, "audience") <= 2
        || [
            "aud",
            "visibility",
            "visible_to",
            "visible-to",
            "readers",
            "readership",
        ]
        .contains(&plain.as_str())
}

/// The field of a `kind` document that `key` most likely misspells (`titel`, `owner`,
/// `reviewby`): one or two letters away, and fewer than half of the field's.
pub fn nearest_field(key: &str, kind: Kind) -> Option<&'static str> {
    crate::diag::nearest(
        key,
        COMMON.iter().chain(kind.own_fields()).copied(),
        |field| 2.min(field.len() / 2),
    )
}

fn unknown_field_message(key: &str, kind: Kind) -> String {
    let owners: Vec<&str> = Kind::ALL
        .iter()
        .filter(|k| k.own_fields().contains(&key))
        .map(|k| k.as_str())
        .collect();
    match owners.as_slice() {
        [] => match nearest_field(key, kind) {
            Some(field) => format!(
                "unknown field `{key}`: did you mean `{field}`? (free-form data goes under `extra`)"
            ),
            None => format!("unknown field `{key}` (put free-form data under `extra`)"),
        },
        [one] => format!(
            "unknown field `{key}` for {}: `{key}` is a field of {one} documents",
            with_article(kind.as_str())
        ),
        [some @ .., last] => format!(
            "unknown field `{key}` for {}: `{key}` is a field of {} and {last} documents",
            with_article(kind.as_str()),
            some.join(", ")
        ),
    }
}

/// `a release`, `an initiative`, `an objective`.
fn with_article(noun: &str) -> String {
    match noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        true => format!("an {noun}"),
        false => format!("a {noun}"),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

fn string(value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(super::composed_owned(s)),
        other => Err(format!("expected a string, found {}", type_name(&other))),
    }
}

/// A name a list page is made for (a team): blank, it would be a page with no name.
fn name(value: Value, what: &str) -> Result<String, String> {
    let text = string(value)?;
    if text.trim().is_empty() {
        return Err(format!(
            "{what} cannot be empty: write its name, or remove the field"
        ));
    }
    Ok(text)
}

/// Names a list page is made for each (owners, tags): none may be blank.
fn names(value: Value, what: &str) -> Result<Vec<String>, String> {
    let items = strings(value)?;
    if items.iter().any(|item| item.trim().is_empty()) {
        return Err(format!(
            "{what} cannot be empty: write its name, or remove the empty one"
        ));
    }
    Ok(items)
}

/// Strings, and whole numbers as text (`period = 2026`, `id = 7`). A number with a
/// fraction is not read as text: it has lost what was written (`version = 1.10` reads
/// 1.1), so it must be quoted.
fn scalar_string(value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(super::composed_owned(s)),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        Value::Number(n) => Err(format!(
            "expected a string, found the number {n}: a number drops what it does not need (`1.10` reads 1.1), so write it in quotes, as written"
        )),
        other => Err(format!("expected a string, found {}", type_name(&other))),
    }
}

fn short_id(value: Value) -> Result<String, String> {
    let id = scalar_string(value)?;
    if !is_valid_id(&id) {
        if id.trim().is_empty() {
            return Err("an id cannot be empty".into());
        }
        return Err(format!("`{id}` is not a valid id (no spaces or `#`)"));
    }
    Ok(id)
}

/// Whether `id` can stand in a reference (`O-1`, `O-1#kr1`): not empty, no spaces, no `#`.
fn is_valid_id(id: &str) -> bool {
    !id.trim().is_empty() && !id.contains('#') && !id.chars().any(char::is_whitespace)
}

/// The lines of a key result's own `confidence` and `current`, and of each check-in's
/// `confidence` and `value`, where they are written: looked for where it or its check-in starts, up
/// to where the next one does (`end`, the next key result's), else told at that start.
fn place_values(split: &Split<'_>, front: &LineIndex, kr: &mut KeyResult, end: usize) {
    // Only so many lines: a search for a value not found stops where the next key
    // result or check-in starts, so thousands of them are placed in linear time.
    let within = |from: usize, to: usize, key: &str| {
        let lines = to.saturating_sub(from).max(1);
        nested_line_within(split, front, from, lines, key).unwrap_or(from)
    };
    let checkins_from = (kr.checkins.first().map(|c| c.line))
        .filter(|&at| at > kr.line)
        .unwrap_or(end);
    if kr.confidence.is_some() {
        kr.confidence_line = within(kr.line, checkins_from, "confidence");
    }
    if kr.current.is_some() {
        kr.current_line = within(kr.line, checkins_from, "current");
    }
    let starts: Vec<usize> = kr.checkins.iter().map(|c| c.line).collect();
    for (n, checkin) in kr.checkins.iter_mut().enumerate() {
        let next = (starts.get(n + 1).copied())
            .filter(|&at| at > checkin.line)
            .unwrap_or(end);
        if checkin.confidence.is_some() {
            checkin.confidence_line = within(checkin.line, next, "confidence");
        }
        checkin.value_line = within(checkin.line, next, "value");
    }
}

/// A list of strings; a single string counts as a list of one.
fn strings(value: Value) -> Result<Vec<String>, String> {
    match value {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items.into_iter().map(scalar_string).collect(),
        other => Err(format!(
            "expected a list of strings, found {}",
            type_name(&other)
        )),
    }
}

/// Like [`strings`], but one comma-separated string is split (MADR writes `decision-makers` so).
fn people(value: Value) -> Result<Vec<String>, String> {
    // Names in one string, as decision records write them (`Alice, [Bob](…)`): each in
    // its words.
    if let Value::String(s) = &value {
        return Ok(crate::import::adr::names(s));
    }
    strings(value)
}

fn choice(value: Value, allowed: &[&str]) -> Result<String, String> {
    let text = string(value)?;
    one_of(&text, allowed)?;
    Ok(text)
}

fn one_of(text: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&text) {
        Ok(())
    } else {
        let meant = crate::diag::nearest(&text.to_lowercase(), allowed.iter().copied(), |_| 2)
            .map(|meant| format!(" (did you mean `{meant}`?)"))
            .unwrap_or_default();
        Err(format!(
            "`{text}` is not one of: {}{meant}",
            allowed.join(", ")
        ))
    }
}

pub fn date(value: Value) -> Result<Date, String> {
    let text = match value {
        Value::String(text) => text,
        other => {
            return Err(format!(
                "expected a date such as 2026-10-01, found {}",
                type_name(&other)
            ));
        }
    };
    parse_iso_date(&text).ok_or_else(|| not_a_date(&text))
}

/// Why `text` is no date: a day the calendar does not have (`2026-02-30`), or text that
/// is not written `YYYY-MM-DD`.
pub fn not_a_date(text: &str) -> String {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str| {
        let digits = s.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| s.parse::<i16>().ok()).flatten()
    };
    if let [y, m, d] = parts.as_slice()
        && (y.len(), m.len(), d.len()) == (4, 2, 2)
        && let (Some(year), Some(month), Some(_)) = (number(y), number(m), number(d))
    {
        if year == 0 {
            return format!("`{text}` is out of range: it is a day from 0001-01-01 to 9999-12-31");
        }
        let month_name = |m: i8| jiff::civil::date(2000, m, 1).strftime("%B").to_string();
        return match i8::try_from(month).ok().filter(|m| (1..=12).contains(m)) {
            Some(m) => match jiff::civil::Date::new(year, m, 1) {
                Ok(first) => format!(
                    "`{text}` is no day of the calendar: {} {year} has {} days",
                    month_name(m),
                    first.days_in_month()
                ),
                Err(_) => format!("`{text}` is no day of the calendar"),
            },
            None => format!("`{text}` is no day of the calendar: there are 12 months"),
        };
    }
    format!("`{text}` is not a date (dates are YYYY-MM-DD)")
}

/// A day written `YYYY-MM-DD`, from 0001-01-01 to 9999-12-31: year 0 is a typo, and names no
/// day `--today` could.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-';
    if !shaped {
        return None;
    }
    text.parse().ok().filter(|date: &Date| date.year() >= 1)
}

fn period(value: Value) -> Result<Period, String> {
    let text = scalar_string(value)?;
    text.parse()
        .map_err(|_| format!("`{text}` is not a period (expected 2026-Q1, 2026-H1 or 2026)"))
}

fn number(value: Value) -> Result<u32, String> {
    match &value {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        format!(
            "expected a whole number from 0 to {}, found {value}",
            u32::MAX
        )
    })
}

/// A `T` read from `item`; else every error in it, not only the first: each value found
/// wrong is mended (`placeholder` gives a value of the type a field needs; a field
/// without one is removed) and the item read again.
fn read_all<T: serde::de::DeserializeOwned>(
    mut item: Value,
    placeholder: fn(&str) -> Option<Value>,
) -> Result<T, Vec<(FieldPath, String)>> {
    let mut errors = Vec::new();
    // Each round mends one value, so this many rounds cover every value it may have.
    for _ in 0..64 {
        match typed_at::<T>(item.clone()) {
            Ok(read) if errors.is_empty() => return Ok(read),
            Ok(_) => break,
            Err((path, message)) => {
                let mended = mend(&mut item, &path, &message, placeholder);
                errors.push((path, crate::diag::plain_serde(&message)));
                if !mended {
                    break;
                }
            }
        }
    }
    Err(errors)
}

/// A value a key result, check-in or slip needs, of the type it needs.
fn placeholder(field: &str) -> Option<Value> {
    match field {
        "id" | "title" => Some(Value::from("x")),
        "baseline" | "target" | "value" => Some(Value::from(0)),
        "date" => Some(Value::from("2000-01-01")),
        _ => None,
    }
}

/// [`placeholder`] for a slip, whose `target` is a date.
fn slip_placeholder(field: &str) -> Option<Value> {
    match field {
        "date" | "target" => Some(Value::from("2000-01-01")),
        _ => None,
    }
}

/// Puts a placeholder in place of the value at `path` that `message` says is wrong, or
/// removes the value when it may be left out; false when there is nothing to mend.
fn mend(
    item: &mut Value,
    path: &FieldPath,
    message: &str,
    placeholder: fn(&str) -> Option<Value>,
) -> bool {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    // The table holding the value, and the value's key in it.
    let (steps, key) = match (missing, path.split_last()) {
        (Some(field), _) => (&path[..], field),
        (None, Some(((key, None), steps))) if !key.is_empty() => (steps, key.as_str()),
        // A check-in that is not a table: a placeholder check-in in its place keeps the
        // others where they are.
        (None, Some(((key, Some(index)), []))) if key == "checkins" => {
            let checkin = serde_json::json!({ "date": "2000-01-01", "value": 0 });
            return match item.get_mut(key).and_then(|list| list.get_mut(*index)) {
                Some(slot) if *slot != checkin => {
                    *slot = checkin;
                    true
                }
                _ => false,
            };
        }
        _ => return false,
    };
    let mut table = Some(item);
    for (step, index) in steps {
        if !step.is_empty() {
            table = table.and_then(|t| t.get_mut(step));
        }
        if let Some(index) = index {
            table = table.and_then(|t| t.get_mut(*index));
        }
    }
    let Some(Value::Object(table)) = table else {
        return false;
    };
    if message.starts_with("unknown field") {
        return table.remove(key).is_some();
    }
    match placeholder(key) {
        Some(value) if table.get(key) != Some(&value) => {
            table.insert(key.to_string(), value);
            true
        }
        Some(_) => false,
        None => table.remove(key).is_some(),
    }
}

/// Where a value sits in a field: (key, list index) steps.
type FieldPath = Vec<(String, Option<usize>)>;

/// `value` read as a `T`; else the path of the value that failed (`checkins[1].date`), as
/// (key, list index) steps, and what is wrong with it.
fn typed_at<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, (FieldPath, String)> {
    // Read from a borrow, so the value is still there to quote when a date is wrong.
    serde_path_to_error::deserialize(&value).map_err(|err| {
        let mut path: FieldPath = Vec::new();
        for segment in err.path().iter() {
            match segment {
                serde_path_to_error::Segment::Map { key } => path.push((key.clone(), None)),
                // A list inside a list, or the value itself a list: a step without a key.
                serde_path_to_error::Segment::Seq { index } => match path.last_mut() {
                    Some(last) if last.1.is_none() => last.1 = Some(*index),
                    _ => path.push((String::new(), Some(*index))),
                },
                _ => {}
            }
        }
        let text = err.into_inner().to_string();
        // What was written there, to quote it.
        let mut at = Some(&value);
        for (key, index) in &path {
            if !key.is_empty() {
                at = at.and_then(|v| v.get(key));
            }
            if let Some(i) = index {
                at = at.and_then(|v| v.get(i));
            }
        }
        let written = at.and_then(Value::as_str);
        let is_date = path.last().is_some_and(|(key, _)| key == "date");
        // Dates from jiff get a friendlier wording that quotes what was written; a key the
        // table does not have (`date` on a key result) is said as such, whatever its name.
        let text = if text.starts_with("unknown field") {
            text
        } else if text.contains("civil date")
            || text.contains("failed to parse")
            || text.contains("parsed date is not valid")
            || (is_date && written.is_some())
        {
            match written {
                Some(written) => not_a_date(written),
                None => format!("{text} (dates are YYYY-MM-DD)"),
            }
        } else if let (Some(written @ ("nan" | "-nan" | "inf" | "-inf")), true) =
            (written, text.contains("expected f64"))
        {
            // TOML's `nan` and `inf`, which no progress can be worked out from.
            format!("`{written}` is not a number align can work with: write a finite number")
        } else {
            text
        };
        (path, text)
    })
}

/// A table or list as YAML's flow style writes it (`{YYYY-MM-DD when…}`): how a template's
/// placeholder read as one is shown again.
fn yaml_flow(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| match v {
                    Value::Null => k.clone(),
                    v => format!("{k}: {}", yaml_flow(v)),
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(yaml_flow).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
