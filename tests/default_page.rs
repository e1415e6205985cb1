//! Document pages of the default theme are written without the template engine (see
//! `src/render/doc_page.rs`). Every page must be the very bytes `page.html` renders to:
//! each project here is built twice, once as it is and once with a `templates/page.html`
//! that is the theme's own plus a template comment, which sends every page through the
//! engine, and the two outputs must match file for file.

mod common;

use std::path::{Path, PathBuf};

use common::{Project, snapshot};

const THEME_PAGE: &str = include_str!("../themes/default/templates/page.html");

/// Builds `project` as it is and through the engine; asserts the two outputs match and
/// returns how many document pages they hold.
fn same_both_ways(project: &Path) -> usize {
    document_pages(&both_ways(project))
}

/// The document pages of an output.
fn document_pages(output: &[(PathBuf, Vec<u8>)]) -> usize {
    output
        .iter()
        .filter(|(p, bytes)| {
            p.extension().is_some_and(|e| e == "html")
                && bytes.windows(17).any(|w| w == b"<article class=\"d")
        })
        .count()
}

/// Builds `project` as it is and through the engine, asserts the two outputs match, and
/// returns the output.
fn both_ways(project: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let direct = Project::copy_of(project);
    let engine = Project::copy_of(project);
    engine.write(
        "templates/page.html",
        format!("{THEME_PAGE}{{# the same page, through the engine #}}"),
    );
    let build = |project: &Project| {
        project.build().success();
        snapshot(&project.path().join("out"))
    };
    let (a, b) = (build(&direct), build(&engine));
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the two builds wrote different files");
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        if x != y {
            let (x, y) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
            let at = x
                .char_indices()
                .zip(y.chars())
                .find(|((_, p), q)| p != q)
                .map_or(x.len().min(y.len()), |((i, _), _)| i);
            let from = x.floor_char_boundary(at.saturating_sub(120));
            panic!(
                "{} differs at byte {at}\n  written: {:?}\n  engine:  {:?}",
                path.display(),
                &x[from..x.ceil_char_boundary((at + 120).min(x.len()))],
                &y[from..y.ceil_char_boundary((at + 120).min(y.len()))],
            );
        }
    }
    a
}

#[test]
fn the_example_project_pages_are_the_engines() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let pages = same_both_ways(&example);
    assert!(pages > 150, "only {pages} document pages");
}

#[test]
fn imported_records_and_changelog_pages_are_the_engines() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imported");
    assert!(same_both_ways(&fixture) > 5);
}

#[test]
fn real_corpora_pages_are_the_engines() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if !corpora.is_dir() {
        eprintln!("skipped: ../shared/corpora is not present");
        return;
    }
    let project = Project::new();
    let mut records = 0;
    for flavour in ["madr", "nygard"] {
        for entry in walkdir::WalkDir::new(corpora.join(flavour)) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "md")
                && path.file_name().is_some_and(|n| n != "README.md")
            {
                let name = format!(
                    "content/decisions/{flavour}-{}",
                    entry.file_name().to_string_lossy()
                );
                project.write(&name, std::fs::read(path).unwrap());
                records += 1;
            }
        }
    }
    let changelog = walkdir::WalkDir::new(corpora.join("keepachangelog"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"));
    let mut config = common::CONFIG.to_string();
    if let Some(changelog) = changelog {
        project.write("CHANGELOG.md", std::fs::read(changelog).unwrap());
        config.push_str("\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n");
    }
    project.write("align.toml", config);
    assert!(records > 10, "only {records} records");
    assert!(same_both_ways(project.path()) > records);
}

/// Every field the page shows, in every shape, with text that needs escaping.
#[test]
fn every_field_and_odd_value_is_written_as_the_engine_writes_it() {
    let config = r#"title = "Acme & <Co>"
default_audience = ["team"]

[sites.team]
title = "Acme & <Co>"
audiences = ["team"]
home = "release-plan"

[sites.public]
title = "Public \"news\""
audiences = ["public"]
home = "changelog"
public = true
public_fields = ["owners", "deciders", "consulted", "informed", "confidence", "current", "checkins", "extra", "progress", "score", "health"]

[sites.scores]
title = "Scores"
audiences = ["public"]
public = true
public_fields = ["score"]

[sites.bars]
title = "Bars"
audiences = ["public"]
public = true
public_fields = ["confidence", "progress"]
"#;
    let project = Project::new()
        .config(config)
        .file(
            "content/strategy/s.md",
            r#"+++
id = "S-1"
title = "Win <small> teams & 'shops'"
horizon = "2027"
audience = ["team", "public"]
+++
Strategy with *markup* & an ampersand.
"#,
        )
        .file(
            "content/objectives/o.md",
            r#"+++
id = "O-1"
title = "Acme & <Co>"
summary = "Summary with \"quotes\" & <tags>"
period = "2026-Q4"
level = "company"
type = "aspirational"
status = "active"
parent = "S-1"
owners = ["Zoë O'Neil", "<script>", "A & B"]
team = "Growth & Co"
tags = ["on'boarding", "x<y", "ünïcode"]
audience = ["team", "public"]
created = 2026-01-02
updated = 2026-11-15
review_by = 2026-12-20
extra = { epic = "PAY-<88>", pilot_customers = 14, ratio = 0.25, whole = 3.0, on = true, off = false, list = ["a\"b", 2, true], table = { k = "v&w", n = 1 }, when = 2026-05-01 }

[[key_results]]
id = "kr1"
title = "Time <to> first job"
unit = "hours & minutes"
direction = "decrease"
baseline = 72
target = 24
confidence = 0.6

[[key_results.checkins]]
date = 2026-10-15
value = 60
note = "Sample jobs <b>on</b> the board"

[[key_results.checkins]]
date = 2026-11-10
value = 41.256
confidence = 0.6

[[key_results.checkins]]
date = 2026-11-12
value = 40
confidence = 0.7
note = "Both"

[[key_results]]
id = 'k&r"2'
title = "No unit, no check-ins"
baseline = 0
target = 1000000000000000000

[[key_results]]
id = "kr3"
title = "Check-ins without a current value shown"
unit = "%"
baseline = 8
target = 12
current = 9

[[key_results.checkins]]
date = 2026-10-15
value = -8.5
+++
Objective body.
"#,
        )
        .file(
            "content/initiatives/i.md",
            r#"+++
id = "I-1"
title = "Public \"news\""
summary = "Initiative summary"
status = "in-progress"
horizon = "now"
start = 2026-10-01
target = 2026-12-05
drives = ["O-1#kr1", "O-1#kr3", 'O-1#k&r"2']
rationale = "Because <reasons> & 'more'"
owners = ["Dana"]
audience = ["team", "public"]
target_history = [{ date = 2026-10-20, target = 2026-11-20, reason = "Redesign & <retest>" }, { date = 2026-10-01, target = 2026-11-01 }]
+++
Body linking [[O-1#kr1]] and [[S-1]].
"#,
        )
        // Late twice: its review and its date have passed, and it is still planned.
        .file(
            "content/releases/late.md",
            "+++\ntitle = \"Late & <due>\"\nversion = \"0.9.0\"\nstatus = \"planned\"\ndate = 2026-11-01\nreview_by = 2026-11-02\naudience = [\"team\", \"public\"]\n+++\n",
        )
        .file(
            "content/initiatives/earlier.md",
            r#"+++
id = "I-2"
title = "Moved earlier"
status = "planned"
target = 2026-10-05
drives = "O-1"
audience = ["team"]
target_history = [{ date = 2026-09-20, target = 2026-11-20 }]
+++
"#,
        )
        .file(
            "content/initiatives/same.md",
            r#"+++
id = "I-3"
title = "Back on the first date"
status = "shipped"
target = 2026-11-20
drives = "O-1"
audience = ["team"]
target_history = [{ date = 2026-09-20, target = 2026-11-20 }, { date = 2026-10-20, target = 2026-12-20 }]
+++
"#,
        )
        .file(
            "content/decisions/0001-x.md",
            r#"+++
title = "Use <Postgres> & 'friends'"
status = "accepted"
date = 2026-03-01
deciders = ["A & B", "C<D>"]
consulted = ["E"]
informed = ["F", "G"]
tags = ["db"]
audience = ["team", "public"]
+++
Why we chose it.
"#,
        )
        .file(
            "content/decisions/0002-y.md",
            r#"---
title: "Supersedes the first"
status: proposed
date: 2026-04-01
supersedes: decisions/0001-x
extra:
  nothing: null
  nested:
    - [1, 2]
    - {a: "b"}
audience: [team]
---
YAML record.
"#,
        )
        .file(
            "content/releases/r.md",
            r#"+++
id = "R-1"
title = "Acme 1.0 & more"
version = "1.0.0"
date = 2026-11-01
status = "released"
audience = ["team", "public"]
+++
Release notes.
"#,
        )
        .file(
            "content/changes/c.md",
            r#"+++
title = "Breaking <change>"
implements = "I-1"
category = "changed"
breaking = true
release = "R-1"
audience = ["team", "public"]
+++
A change.
"#,
        )
        .file(
            "content/pages/p.md",
            "+++\ntitle = \"Plain & simple\"\naudience = [\"team\", \"public\"]\n+++\n# Heading\n\nText.\n",
        );
    let output = both_ways(project.path());
    let pages = document_pages(&output);
    assert!(pages >= 12, "only {pages} document pages");
    // A public site's key-result table has the columns its `public_fields` can fill.
    let header = |site: &str| {
        let (_, page) = output
            .iter()
            .find(|(p, _)| p.ends_with(format!("{site}/objectives/o.html")))
            .unwrap_or_else(|| panic!("no objective page on {site}"));
        let page = String::from_utf8_lossy(page);
        let at = page
            .find("<thead><tr><th scope=\"col\">Key result")
            .unwrap();
        page[at..at + page[at..].find("</thead>").unwrap()].replace("<th scope=\"col\">", " ")
    };
    let all = "<thead><tr> Key result</th> Baseline</th> Target</th> Current</th> Progress</th> Health</th></tr>";
    assert_eq!(header("team"), all);
    assert_eq!(header("public"), all);
    assert_eq!(
        header("scores"),
        "<thead><tr> Key result</th> Baseline</th> Target</th> Health</th></tr>"
    );
    assert_eq!(
        header("bars"),
        "<thead><tr> Key result</th> Baseline</th> Target</th> Current</th> Progress</th></tr>"
    );
    // What the pages hold, so that no shape above went untested by being left out.
    let text: String = output
        .iter()
        .map(|(_, bytes)| String::from_utf8_lossy(bytes))
        .collect();
    for shown in [
        "<title>Acme &amp; &lt;Co&gt; · Acme &amp; &lt;Co&gt;</title>",
        "<meta name=\"robots\" content=\"noindex\">",
        " · public site",
        "<span class=\"slipped\">(slipped 2×, first planned 2026-11-01)</span>",
        "(moved earlier, first planned 2026-11-20)",
        "<span class=\"meta\">(as first planned)</span>",
        "Redesign &amp; &lt;retest&gt;",
        "Check-ins: Time &lt;to&gt; first job",
        "confidence 0.6</span>",
        "<span class=\"meta\"> · confidence 0.7</span>",
        "Because &lt;reasons&gt; &amp; &#39;more&#39;",
        "<dt>epic</dt><dd>PAY-&lt;88&gt;</dd>",
        "<dt>pilot_customers</dt><dd>14</dd>",
        "<dt>ratio</dt><dd>0.25</dd>",
        "<dt>on</dt><dd>true</dd>",
        "<dt>list</dt><dd>[&quot;a\\&quot;b&quot;, 2, true]</dd>",
        "<dt>nothing</dt><dd></dd>",
        "Deciders</dt><dd>A &amp; B, C&lt;D&gt;</dd>",
        "<span class=\"breaking\">breaking change</span>",
        "key result of Acme &amp; &lt;Co&gt;",
        "<span class=\"kind-tag\">key result</span>",
        // A key result's address ends in its id, escaped like any value.
        "<dd><a href=\"../objectives/o.html#kr-k&amp;r&quot;2\">No unit, no check-ins</a>",
        "<tr id=\"kr-k&amp;r&quot;2\">",
        "lists/owner/",
        "<a class=\"tag\" href=\"",
    ] {
        let word: String = shown
            .chars()
            .skip(shown.chars().count() / 2)
            .take(6)
            .collect();
        let near: Vec<&str> = text.lines().filter(|l| l.contains(&word)).take(8).collect();
        assert!(
            text.contains(shown),
            "no page shows {shown:?}; near: {near:#?}"
        );
    }
}
