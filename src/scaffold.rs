//! `align new` and `align init`: a new document from its kind's template, and a starter
//! project that builds and checks clean.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::model::{Kind, Period};

/// The default folder of each kind under `content/`.
fn default_folder(kind: Kind) -> &'static str {
    match kind {
        Kind::Strategy => "strategy",
        Kind::Objective => "objectives",
        Kind::Initiative => "initiatives",
        Kind::Release => "releases",
        Kind::Decision => "decisions",
        Kind::Change => "changes",
        Kind::Page => "pages",
    }
}

/// The changelog category a change's title says by its first word, as changelogs word
/// their entries (`Fixed: crash on export`, `Remove the v1 API`); `added` else.
fn category_in(title: &str) -> &'static str {
    let title = compatible(title);
    let first = (title.split(|c: char| !c.is_alphanumeric()))
        .find(|word| !word.is_empty())
        .unwrap_or_default()
        .to_lowercase();
    match first.as_str() {
        "fix" | "fixed" | "fixes" | "resolve" | "resolved" => "fixed",
        "remove" | "removed" | "removes" | "drop" | "dropped" => "removed",
        "deprecate" | "deprecated" | "deprecates" => "deprecated",
        "security" => "security",
        "change" | "changed" | "changes" | "update" | "updated" | "rename" | "renamed"
        | "improve" | "improved" | "faster" => "changed",
        _ => "added",
    }
}

/// A file name from a title: lowercase ASCII letters, digits and dashes; a title in
/// another script (`日本市場への参入`) keeps its letters, lowercased, rather than become
/// `untitled`.
pub fn slugify(title: &str) -> String {
    let folded = crate::load::fold_accents(&compatible(title));
    let slug = crate::load::slug(&folded);
    let kept: String = if folded.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
        slug
    } else {
        (slug.chars())
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    let trimmed: String = kept
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    // At most 60 characters, cut at a word's end where there is one.
    let mut cut: String = trimmed.chars().take(60).collect();
    // Cut inside a word (the next character is no dash): back to the word's start.
    if cut.len() < trimmed.len() && !trimmed[cut.len()..].starts_with('-') {
        if let Some(end) = cut.rfind('-').filter(|&end| end >= 30) {
            cut.truncate(end);
        }
        cut.truncate(cut.trim_end_matches('-').len());
    }
    if cut.is_empty() {
        "untitled".to_string()
    } else {
        cut
    }
}

/// `text` with the compatibility forms of letters and digits as the plain ones
/// (NFKC): full-width `Ｆｉｘｅｄ１` as `Fixed1`, a ligature `ﬁ` as `fi`.
fn compatible(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.nfkc().collect()
}

/// Writes a new document; returns its path.
pub fn new_document(
    dir: &Path,
    kind: Kind,
    title: &str,
    today: Date,
) -> Result<PathBuf, crate::project::Failure> {
    // Composed as the documents are read, so the same title typed with its accents
    // apart is the same title.
    let title = &*crate::load::composed(title);
    // A title of an HTML comment alone (`<!-- audience: exec -->`) is read as empty, as
    // every comment in a title is left out.
    if crate::load::without_comments(title).trim().is_empty() {
        let message = format!(
            "the title is empty: `align new {} \"Title\"`",
            kind.as_str()
        );
        return Err(anyhow::anyhow!(message).into());
    }
    // A title is text: a wiki link in one would show the reference itself on every page
    // that lists the document (`check` says so of a title written by hand).
    if title.contains("[[") {
        let message = format!(
            "the title `{title}` holds a wiki link (`[[…]]`): a title is text; link to other documents in the body"
        );
        return Err(anyhow::anyhow!(message).into());
    }
    let config = crate::project::config_of(dir)?;
    Ok(write_document(dir, &config, kind, title, today)?)
}

/// The new document's file, written where documents of its kind live.
fn write_document(
    dir: &Path,
    config: &crate::config::Config,
    kind: Kind,
    title: &str,
    today: Date,
) -> anyhow::Result<PathBuf> {
    let loaded = crate::load::load(dir, config);
    // A folder already holding this kind, judged by the folder mapping rather than by
    // documents that name their kind explicitly, so the new file gets its kind from where
    // it lives: one of align's own documents first, else of records from other tools
    // (an `adr/` folder of adr-tools records), so that a project keeps one folder.
    let held_by = |imported: bool| {
        loaded
            .docs
            .iter()
            .filter(|d| d.kind == kind && d.imported == imported)
            .filter_map(|d| config.kind_folder(&d.path_id))
            .find(|folder| config.kind_for_folder(folder) == kind)
    };
    // Else a folder `[folders]` gives the kind, else the kind's own folder, unless
    // `[folders]` gives that to another kind: then the file names its kind itself.
    let mapped = || {
        config
            .folders
            .iter()
            .find(|(_, k)| **k == kind)
            .map(|(folder, _)| folder.trim_matches('/'))
    };
    let folder = held_by(false)
        .or_else(|| held_by(true))
        .or_else(mapped)
        .map_or_else(|| default_folder(kind).to_string(), str::to_string);
    let named = config.kind_for_folder(&folder) != kind;
    let slug = slugify(title);
    let number = match kind {
        Kind::Decision => Some(next_number(dir, &folder, &loaded.docs)?),
        _ => None,
    };
    // Another title of the same file name (`Phase 1` and `Phase 2` cut to one, titles in
    // scripts a file name leaves out) gets the next free one (`-2`, `-3`, …); the same
    // title again is refused, as the document it would repeat is there.
    let folder_path = dir.join(crate::load::CONTENT_DIR).join(&folder);
    let titled = |d: &&crate::model::Document| d.title.trim().eq_ignore_ascii_case(title.trim());
    let same_title = |path: &Path| {
        (loaded.docs.iter())
            .filter(titled)
            .any(|d| dir.join(&d.source) == path)
    };
    // A numbered record's file name is new whatever its title: the same title is looked
    // for among the records themselves.
    if number.is_some()
        && let Some(twin) = (loaded.docs.iter())
            .filter(titled)
            .find(|d| d.kind == Kind::Decision)
    {
        bail!(
            "{} already exists, with that title: give the new decision a title of its own (it can name the one it replaces with `supersedes`)",
            dir.join(&twin.source).display()
        );
    }
    // A name another file has in another case (`FAQ.md` for `faq.md`) is taken too: on
    // file systems that ignore case, and on sites published to them, it is the same file.
    let names: std::collections::HashSet<String> = std::fs::read_dir(&folder_path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().to_lowercase())
        .collect();
    let taken = |path: &Path| {
        (path.file_name())
            .is_some_and(|name| names.contains(&name.to_string_lossy().to_lowercase()))
    };
    let mut path = PathBuf::new();
    for n in 1.. {
        let stem = match (number, n) {
            (Some(number), 1) => format!("{number:04}-{slug}"),
            (Some(number), n) => format!("{number:04}-{slug}-{n}"),
            (None, 1) => slug.clone(),
            (None, n) => format!("{slug}-{n}"),
        };
        path = folder_path.join(format!("{stem}.md"));
        if same_title(&path) {
            bail!("{} already exists, with that title", path.display());
        }
        if !taken(&path) {
            break;
        }
    }
    let mut text = template(kind, title, number, today);
    if named {
        text = text.replacen("+++\n", &format!("+++\nkind = \"{}\"\n", kind.as_str()), 1);
    }
    if !inside(dir, &folder_path) {
        bail!(
            "{} leads out of the project through a symlink, where align reads no documents: nothing was written",
            folder_path.display()
        );
    }
    write_new(&path, &text)?;
    Ok(path)
}

/// Whether `folder`, or the part of it that exists, is inside the project at `dir` once
/// symlinks are resolved, as the loader reads only what is.
fn inside(dir: &Path, folder: &Path) -> bool {
    let Ok(root) = dir.canonicalize() else {
        return false;
    };
    let existing = folder.ancestors().find(|a| a.exists());
    existing
        .and_then(|a| a.canonicalize().ok())
        .is_some_and(|real| real.starts_with(&root))
}

/// Writes a file the scaffolding makes, with the folders it goes in; errors name the path.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// One more than the highest decision number in use, by record or by file name.
fn next_number(dir: &Path, folder: &str, docs: &[crate::model::Document]) -> anyhow::Result<u32> {
    let from_docs = docs
        .iter()
        .filter(|d| d.kind == Kind::Decision)
        .filter_map(|d| d.number);
    let from_files = std::fs::read_dir(dir.join(crate::load::CONTENT_DIR).join(folder))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| crate::import::adr::number_from_stem(&e.file_name().to_string_lossy()));
    match from_docs.chain(from_files).max() {
        None => Ok(1),
        Some(n) => n.checked_add(1).with_context(|| {
            format!("decision {n} has the highest number there is; number the new decision by hand")
        }),
    }
}

/// The version a release's title names (`1.1.0`, `Release v2.3`, `4.0.0-rc.1 Spring`):
/// its first word of dot-separated numbers, with a leading `v` and a pre-release or build
/// suffix.
fn version_in(title: &str) -> Option<&str> {
    title.split_whitespace().find(|word| {
        let bare = word.strip_prefix(['v', 'V']).unwrap_or(word);
        let core = bare.split(['-', '+']).next().unwrap_or(bare);
        let parts: Vec<&str> = core.split('.').collect();
        parts.len() >= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `text` as a TOML basic string: quotes, backslashes and control characters escaped,
/// every other character as it is (Rust's own escaping writes `\u{301}`, which TOML
/// does not read, for a combining accent).
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn template(kind: Kind, title: &str, number: Option<u32>, today: Date) -> String {
    let review = today.checked_add(90.days()).unwrap_or(today);
    let quarter = Period::quarter_of(today);
    let common = format!(
        "title = {}\ncreated = {today}\nupdated = {today}\nreview_by = {review}\nowners = [\"TODO\"]\n",
        quote(title)
    );
    let (fields, body) = match kind {
        Kind::Strategy => (
            "status = \"draft\"\nhorizon = \"TODO: e.g. 2026-2028\"\nsummary = \"TODO: the bet this pillar makes, in one line\"\n".to_string(),
            "## Where we are\n\nTODO\n\n## Where we want to be\n\nTODO\n\n## How we will know\n\nTODO: the objectives that serve this pillar.\n",
        ),
        Kind::Objective => (
            format!(
                "status = \"draft\"\nperiod = \"{quarter}\"\nlevel = \"team\"\ntype = \"committed\"\n# parent = \"S-…\"\nsummary = \"TODO: the outcome, in one line\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"TODO: a measurable result\"\nunit = \"%\"\nbaseline = 0\ntarget = 100\n"
            ),
            "## Why this matters now\n\nTODO\n",
        ),
        Kind::Initiative => (
            format!("status = \"exploring\"\nhorizon = \"next\"\nstart = {today}\ntarget = {}\n# drives = [\"O-…#kr1\"]\n# release = \"…\"\nrationale = \"TODO: why this is prioritised now\"\n", quarter.end()),
            "## Problem\n\nTODO\n\n## Approach\n\nTODO\n\n## Out of scope\n\nTODO\n",
        ),
        Kind::Release => (
            format!(
                "status = \"planned\"\nversion = {}\ndate = {}\n",
                quote(version_in(title).unwrap_or("TODO")),
                today.checked_add(30.days()).unwrap_or(today)
            ),
            "## Highlights\n\nTODO\n",
        ),
        Kind::Decision => (
            format!("number = {}\nstatus = \"proposed\"\ndate = {today}\ndeciders = [\"TODO\"]\nconsulted = []\ninformed = []\n# justifies = [\"…\"]\n", number.unwrap_or(1)),
            "## Context and problem\n\nTODO\n\n## Options considered\n\n* TODO\n* TODO\n\n## Decision\n\nTODO\n\n## Consequences\n\nTODO\n",
        ),
        Kind::Change => (
            format!(
                "category = \"{}\"\n# release = \"…\"\n# implements = \"…\"\n",
                category_in(title)
            ),
            "TODO: what changed, in words a customer understands.\n",
        ),
        Kind::Page => (String::new(), "TODO\n"),
    };
    let common = if kind == Kind::Change || kind == Kind::Page {
        format!("title = {}\ncreated = {today}\n", quote(title))
    } else {
        common
    };
    format!("+++\n{common}{fields}+++\n\n{body}")
}

/// Writes a starter project into `dir`; refuses when one is already there.
pub fn init(dir: &Path, today: Date) -> anyhow::Result<Vec<PathBuf>> {
    if dir.join(crate::config::CONFIG_FILE).exists() {
        bail!(
            "{} already has an align.toml; not overwriting it",
            dir.display()
        );
    }
    if dir.exists() && !dir.is_dir() {
        bail!("{} is a file, not a folder", dir.display());
    }
    let content = dir.join(crate::load::CONTENT_DIR);
    if content.is_dir()
        && std::fs::read_dir(&content)
            .with_context(|| format!("cannot read {}", content.display()))?
            .next()
            .is_some()
    {
        bail!("{} already has content/; not overwriting it", dir.display());
    }
    let mut written = Vec::new();
    for (path, text) in starter(today) {
        let path = dir.join(path);
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

fn starter(today: Date) -> Vec<(&'static str, String)> {
    let quarter = Period::quarter_of(today);
    let shipped = today.checked_sub(14.days()).unwrap_or(today);
    let next_release = today.checked_add(60.days()).unwrap_or(today);
    let target = today
        .checked_add(45.days())
        .unwrap_or(today)
        .min(quarter.end());
    let review = today.checked_add(90.days()).unwrap_or(today);
    vec![
        ("align.toml", STARTER_CONFIG.to_string()),
        (
            "content/strategy/grow-with-our-customers.md",
            format!(
                "+++\nid = \"S-GROWTH\"\ntitle = \"Grow with our customers\"\nstatus = \"active\"\nhorizon = \"{}-{}\"\nowners = [\"Your Name\"]\nsummary = \"Win by making existing customers more successful.\"\nreview_by = {review}\nupdated = {today}\n+++\n\nWhy this pillar matters, and how we will know it is working.\n",
                today.year(),
                today.year() + 2
            ),
        ),
        (
            "content/objectives/activation.md",
            format!(
                "+++\nid = \"O-ACTIVATION\"\ntitle = \"New customers succeed in their first week\"\nstatus = \"active\"\nperiod = \"{quarter}\"\nlevel = \"company\"\ntype = \"committed\"\nparent = \"S-GROWTH\"\nowners = [\"Your Name\"]\nteam = \"Growth\"\nreview_by = {review}\nupdated = {today}\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"Share of new accounts active in week one\"\nunit = \"%\"\nbaseline = 40\ntarget = 60\nconfidence = 0.6\n\n[[key_results.checkins]]\ndate = {today}\nvalue = 44\nnote = \"First check-in\"\n+++\n\nWhat success looks like this quarter.\n"
            ),
        ),
        (
            "content/initiatives/guided-setup.md",
            format!(
                "+++\ntitle = \"Guided setup\"\nstatus = \"in-progress\"\nhorizon = \"now\"\nstart = {today}\ntarget = {target}\ndrives = [\"O-ACTIVATION#kr1\"]\nrelease = \"releases/1-0-0\"\nowners = [\"Your Name\"]\nteam = \"Growth\"\nrationale = \"Most new accounts stall during setup.\"\nreview_by = {review}\nupdated = {today}\n+++\n\nA checklist that walks new customers through their first day. See [[decisions/0001-record-decisions|how we decide]].\n"
            ),
        ),
        (
            "content/releases/0-9-0.md",
            format!(
                "+++\ntitle = \"0.9.0\"\nversion = \"0.9.0\"\nstatus = \"released\"\ndate = {shipped}\naudience = [\"public\", \"team\", \"exec\"]\n+++\n\nThe first public release.\n"
            ),
        ),
        (
            "content/releases/1-0-0.md",
            format!(
                "+++\ntitle = \"1.0.0\"\nversion = \"1.0.0\"\nstatus = \"planned\"\ndate = {next_release}\nreview_by = {review}\nupdated = {today}\n+++\n\nWhat we plan to ship next.\n"
            ),
        ),
        (
            "content/decisions/0001-record-decisions.md",
            format!(
                "+++\nnumber = 1\ntitle = \"Record decisions as documents\"\nstatus = \"accepted\"\ndate = {today}\ndeciders = [\"Your Name\"]\njustifies = [\"O-ACTIVATION\"]\nreview_by = {review}\nupdated = {today}\n+++\n\n## Context\n\nDecisions get lost in chat.\n\n## Decision\n\nWe write each one down here, with its reasons.\n\n## Consequences\n\nAnyone can see why things are the way they are.\n"
            ),
        ),
        (
            "content/changes/csv-export.md",
            format!(
                "+++\ntitle = \"Export your data to CSV\"\ncategory = \"added\"\nrelease = \"releases/0-9-0\"\naudience = [\"public\", \"team\", \"exec\"]\ncreated = {shipped}\n+++\n\nEvery list can now be downloaded as a CSV file.\n"
            ),
        ),
        (
            "content/pages/how-we-plan.md",
            format!(
                "+++\ntitle = \"How we plan\"\nupdated = {today}\nreview_by = {review}\n+++\n\nStrategy sets direction; objectives say what success looks like this quarter; initiatives are the bets that move key results. See [[O-ACTIVATION]].\n"
            ),
        ),
    ]
}

const STARTER_CONFIG: &str = r#"title = "Our product"
default_audience = ["team"]

[sites.exec]
title = "Executive roadmap"
audiences = ["exec", "team"]
home = "roadmap"

[sites.team]
title = "Release plan"
audiences = ["team"]
home = "release-plan"

[sites.public]
title = "What we are building"
audiences = ["public"]
home = "changelog"
public = true
public_fields = []
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_written_as_toml_reads_it_back() {
        for title in [
            "Cafe\u{301} menu",
            "हिंदी योजना",
            "a\u{200B}b\u{AD}c\u{FEFF}d\u{202E}e",
            "a\u{1}b\u{7F}c\u{85}d",
            "say \"hi\" \\ back\ttab\r\nline",
        ] {
            let line = format!("title = {}", quote(title));
            let read: toml::Table = toml::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(read["title"].as_str(), Some(title), "{line}");
        }
    }

    #[test]
    fn a_release_s_version_is_taken_from_its_title() {
        for (title, version) in [
            ("1.1.0", Some("1.1.0")),
            ("Release v2.3", Some("v2.3")),
            ("4.0.0-rc.1 Spring", Some("4.0.0-rc.1")),
            ("Spring launch", None),
            ("Team of 12", None),
        ] {
            assert_eq!(version_in(title), version, "{title}");
        }
        let today = Date::new(2026, 2, 10).unwrap();
        let text = template(Kind::Release, "Release 1.1.0", None, today);
        assert!(text.contains("\nversion = \"1.1.0\"\n"), "{text}");
        let text = template(Kind::Release, "Spring launch", None, today);
        assert!(text.contains("\nversion = \"TODO\"\n"), "{text}");
    }

    #[test]
    fn a_changes_category_is_the_one_its_title_starts_with() {
        for (title, category) in [
            ("Fixed: crash when exporting", "fixed"),
            ("fix the date picker", "fixed"),
            ("Remove the v1 API", "removed"),
            ("Deprecated: XML export", "deprecated"),
            ("Security: patch the session cookie", "security"),
            ("Improved search ranking", "changed"),
            ("Export to CSV", "added"),
            ("", "added"),
        ] {
            assert_eq!(category_in(title), category, "{title}");
        }
        let today = Date::new(2026, 2, 10).unwrap();
        let text = template(Kind::Change, "Fixed: crash on export", None, today);
        assert!(text.contains("\ncategory = \"fixed\"\n"), "{text}");
    }

    #[test]
    fn slugs_are_file_names_of_the_titles_words() {
        assert_eq!(slugify("Adopt Postgres 16!"), "adopt-postgres-16");
        assert_eq!(slugify("  "), "untitled");
        assert_eq!(slugify("Café / Naïve"), "cafe-naive");
        // Another script keeps its letters; what has none is still untitled.
        assert_eq!(slugify("日本市場への参入"), "日本市場への参入");
        assert_eq!(slugify("Q3: Ελληνικά Launch"), "q3-ελληνικά-launch");
        assert_eq!(slugify("🚀"), "untitled");
        // Every Latin letter with marks folds, not only Latin-1's; full-width forms too.
        assert_eq!(slugify("Straße über İstanbul"), "strasse-uber-istanbul");
        assert_eq!(slugify("Łódź Ąę Ğüzel Şehir ı"), "lodz-ae-guzel-sehir-i");
        assert_eq!(slugify("Tiếng Việt"), "tieng-viet");
        assert_eq!(slugify("Tie\u{302}\u{301}ng"), "tieng");
        assert_eq!(slugify("Ｆｉｘｅｄ： １２３"), "fixed-123");
        assert_eq!(category_in("Ｆｉｘｅｄ： export"), "fixed");
        // Indic scripts keep the marks of their words.
        assert_eq!(slugify("हिन्दी पृष्ठ नया"), "हिन्दी-पृष्ठ-नया");
        assert_eq!(slugify("தமிழ் பக்கம்"), "தமிழ்-பக்கம்");
        // Cut at a word's end, never ending in a dash.
        let long =
            "Migrate the billing service from the legacy monolith to the new platform: phase 1";
        assert_eq!(
            slugify(long),
            "migrate-the-billing-service-from-the-legacy-monolith-to-the"
        );
        assert_eq!(slugify(&"a".repeat(70)), "a".repeat(60));
        // Cut at a word's end already: the word stays.
        let at_end = format!("{} {}", "b".repeat(60), "c".repeat(5));
        assert_eq!(slugify(&at_end), "b".repeat(60));
        let words = format!("{} {} more", "b".repeat(40), "c".repeat(19));
        assert_eq!(
            slugify(&words),
            format!("{}-{}", "b".repeat(40), "c".repeat(19))
        );
    }
}
