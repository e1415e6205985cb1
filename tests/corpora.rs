//! Records written for other tools load unchanged: the real corpora under
//! `../shared/corpora/` (when present) and the repository's own fixture of every quirk.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const TODAY: &str = "2026-11-23";

fn corpora() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("corpus tests skipped: ../shared/corpora is not present");
        None
    }
}

const CONFIG: &str = r#"title = "Corpus"
default_audience = ["team"]

[sites.team]
title = "Team"
audiences = ["team"]
home = "release-plan"

[sites.public]
title = "Public"
audiences = ["public"]
home = "changelog"
public = true
"#;

/// A project in a temp dir holding copies of `files` under `content/decisions/`.
fn project_with(files: &[PathBuf], changelog: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let decisions = dir.path().join("content/decisions");
    std::fs::create_dir_all(&decisions).unwrap();
    for file in files {
        std::fs::copy(file, decisions.join(file.file_name().unwrap())).unwrap();
    }
    let mut config = CONFIG.to_string();
    if let Some(changelog) = changelog {
        std::fs::copy(changelog, dir.path().join("CHANGELOG.md")).unwrap();
        config.push_str("\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n");
    }
    std::fs::write(dir.path().join("align.toml"), config).unwrap();
    dir
}

fn md_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

struct Built {
    _out: tempfile::TempDir,
    graph: Value,
    stderr: String,
}

fn build(project: &Path) -> Built {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_align"))
        .args([
            "build",
            project.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--today",
            TODAY,
        ])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "build failed:\n{stderr}");
    let graph = std::fs::read(out.path().join("team/graph.json")).unwrap();
    Built {
        graph: serde_json::from_slice(&graph).unwrap(),
        _out: out,
        stderr,
    }
}

impl Built {
    fn docs(&self, kind: &str) -> Vec<&Value> {
        self.graph["documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == kind)
            .collect()
    }

    fn doc(&self, path_id: &str) -> &Value {
        self.graph["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path_id"] == path_id)
            .unwrap_or_else(|| panic!("no document {path_id}"))
    }

    /// Pages of the documents related to `path_id` by `key`: a relation field
    /// (`supersedes`) read forwards, or its reverse (`superseded_by`) read backwards.
    fn related(&self, path_id: &str, key: &str) -> Vec<String> {
        let reverse = [("superseded_by", "supersedes"), ("amended_by", "amends")];
        let (relation, backwards) = match reverse.iter().find(|(r, _)| *r == key) {
            Some((_, forward)) => (*forward, true),
            None => (key, false),
        };
        self.graph["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["relation"] == relation)
            .filter_map(|e| {
                let (here, there) = if backwards {
                    (&e["to"], &e["from"])
                } else {
                    (&e["from"], &e["to"])
                };
                (here == path_id).then(|| format!("{}.html", there.as_str().unwrap()))
            })
            .collect()
    }
}

#[test]
fn nygard_records_build_with_relations_both_ways() {
    let Some(corpora) = corpora() else { return };
    let project = project_with(&md_files(&corpora.join("nygard")), None);
    let built = build(project.path());
    assert_eq!(built.docs("decision").len(), 38);
    let dns = built.doc("decisions/0004-dns-definitions-for-hosts-and-services");
    assert_eq!(dns["title"], "DNS definitions for hosts and services");
    assert_eq!(dns["number"], 4);
    assert_eq!(dns["status"], "superseded");
    assert_eq!(dns["date"], "2017-07-14");
    assert_eq!(
        built.related(
            "decisions/0004-dns-definitions-for-hosts-and-services",
            "superseded_by"
        ),
        ["decisions/0015-dns-infrastructure.html"]
    );
    assert_eq!(
        built.related("decisions/0015-dns-infrastructure", "supersedes"),
        ["decisions/0004-dns-definitions-for-hosts-and-services.html"]
    );
    assert_eq!(
        built.related("decisions/0010-terraform-directory-structure", "amended_by"),
        ["decisions/0017-terraform-data-structure.html"]
    );
    assert_eq!(
        built.related("decisions/0017-terraform-data-structure", "amends"),
        ["decisions/0010-terraform-directory-structure.html"]
    );
    assert_eq!(
        built.doc("decisions/0003-aws-networking-outline")["status"],
        "Partly superseded",
        "free words are kept as written"
    );
    assert_eq!(
        built.doc("decisions/0001-record-architecture-decisions")["status"],
        "accepted"
    );
    // The title says 3 although the file is 0033: the file name's number is used, with
    // a warning.
    assert_eq!(built.doc("decisions/0033-ip-ranges")["number"], 33);
    assert!(
        built.stderr.contains(
            "0033-ip-ranges.md:1:1: warning: the title numbers this record 3 and its file name 33: 33 is used [number-mismatch]"
        ),
        "{}",
        built.stderr
    );
    assert_eq!(
        built.doc("decisions/0038-mongo_replacement_by_documentdb")["kind"],
        "decision"
    );
    assert!(
        built.stderr.contains("warning: link to a missing file"),
        "{}",
        built.stderr
    );
}

#[test]
fn madr_records_build_and_skip_index_and_template() {
    let Some(corpora) = corpora() else { return };
    let project = project_with(&md_files(&corpora.join("madr")), None);
    let built = build(project.path());
    let decisions = built.docs("decision");
    assert_eq!(
        decisions.len(),
        19,
        "index.md and adr-template.md are not records"
    );
    let first = built.doc("decisions/0000-use-markdown-architectural-decision-records");
    assert_eq!(
        first["title"],
        "Use Markdown Architectural Decision Records"
    );
    assert_eq!(first["number"], 0);
    // Jekyll's navigation keys say nothing about the decision: no field shows them.
    assert!(first["extra"].get("nav_order").is_none(), "{first}");
    assert!(first["extra"].get("parent").is_none(), "{first}");
    assert_eq!(
        built.doc("decisions/0003-provide-own-madr-tools")["status"],
        "on hold"
    );
}

#[test]
fn keep_a_changelog_files_become_releases_and_changes() {
    let Some(corpora) = corpora() else { return };
    let dir = corpora.join("keepachangelog");
    let gitui = project_with(&[], Some(&dir.join("gitui-org-gitui.CHANGELOG.md")));
    let built = build(gitui.path());
    let releases = built.docs("release");
    assert_eq!(releases.len(), 45, "every version but Unreleased");
    // 0.11.0 is dated 2021-12-20, between 0.10.1 (2020-09-01) and 0.12.0 (2021-03-03):
    // a year typed wrong, and the one release out of order.
    let out_of_order: Vec<&str> = (built.stderr.lines())
        .filter(|l| l.ends_with("[release-date-order]"))
        .collect();
    assert_eq!(out_of_order.len(), 1, "{}", built.stderr);
    assert!(
        out_of_order[0].contains("`changelog/v0.11.0` (0.11.0) is dated 2021-12-20, after the higher version `changelog/v0.12.0` (0.12.0), dated 2021-03-03"),
        "{}",
        built.stderr
    );
    // The changelog shows each entry as written: its links, code and sub-list, and a
    // link to the entry's own page.
    let public = std::fs::read_to_string(built._out.path().join("public/changelog.html")).unwrap();
    assert!(
        public.contains(r#"<li>add fetch/update command all remote branches (<a href="https://github.com/gitui-org/gitui/issues/998">#998</a>) <a class="permalink" href="changelog/v0.19/005.html""#),
        "{public}"
    );
    assert!(
        public.contains("<li>The format of <code>theme.ron</code> has changed: you only specify the colors etc. that should differ from their default value</li>"),
        "{public}"
    );
    let build_meta = built.doc("changelog/v0.26.0+1");
    assert_eq!(build_meta["version"], "0.26.0+1");
    let tagged = built.doc("changelog/v0.20");
    assert_eq!(tagged["title"], "0.20 — Tag Annotations");
    assert_eq!(tagged["date"], "2022-01-25");
    let changes = built.docs("change");
    assert!(
        changes
            .iter()
            .any(|c| c["category_label"] == "Key binding notes")
    );
    assert!(changes.iter().any(|c| c["category"] == "fixed"));
    assert!(changes.iter().any(|c| c["breaking"] == true));
    // `[[@user]](…)` credits are links, not references to hidden documents.
    let pages = walkdir::WalkDir::new(built._out.path().join("team/changelog"));
    let credited = pages
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap())
        .filter(|page| {
            page.contains(r#"<a href="https://github.com/bc-universe">[@bc-universe]</a>"#)
        })
        .count();
    assert!(credited > 0, "no page credits @bc-universe by a link");
    // Titles read them so too, in every list, the feed and the search index.
    let index = std::fs::read_to_string(built._out.path().join("team/search-index.json")).unwrap();
    assert!(!index.contains("restricted"), "{index}");
    assert!(
        index.contains(
            "list changes in commit message inside external editor [@bc-universe] (#1420)"
        ),
        "{index}"
    );

    let madr = project_with(&[], Some(&dir.join("adr-madr.CHANGELOG.md")));
    let built = build(madr.path());
    let four = built.doc("changelog/v4.0.0");
    assert_eq!(four["date"], "2024-09-17", "EN DASH before the date");
    assert_eq!(four["status"], "released");
    assert!(built.doc("changelog/v3.0.0-beta.2")["version"] == "3.0.0-beta.2");

    let kac = project_with(
        &[],
        Some(&dir.join("olivierlacan-keep-a-changelog.CHANGELOG.md")),
    );
    let built = build(kac.path());
    assert_eq!(built.doc("changelog/v1.1.0")["date"], "2019-02-15");
    let public = std::fs::read_to_string(built._out.path().join("public/changelog.html")).unwrap();
    assert!(
        public.contains("1.1.0"),
        "imported releases appear on the public changelog"
    );
    // A bullet wrapped over two lines is one title; the changelog shows it as written,
    // its `**Breaking:**` left to the badge; a release's opening prose is its summary.
    let index =
        std::fs::read_to_string(built._out.path().join("public/search-index.json")).unwrap();
    assert!(
        index.contains(
            r#"Retired the tagline \"Don't let your friends dump git logs into changelogs\""#
        ),
        "{index}"
    );
    assert!(
        public.contains("<span class=\"breaking\">Breaking</span> Retired the tagline \"Don't let your friends dump git logs into\nchangelogs\" for"),
        "{public}"
    );
    assert!(
        public.contains("2.0.0 is the first major revision of Keep a Changelog."),
        "{public}"
    );
    // Reference links (`[@mpbzh]`, defined at the bottom) read as their text in titles,
    // and link on the changelog.
    assert!(
        index.contains("German translation from @mpbzh & @Art4."),
        "{index}"
    );
    assert!(
        public.contains(r#"German translation from <a href="https://github.com/mpbzh">@mpbzh</a> &amp; <a href="https://github.com/Art4">@Art4</a>."#),
        "{public}"
    );
    // A release's page shows its prose once: the summary is its first paragraph.
    let two =
        std::fs::read_to_string(built._out.path().join("public/changelog/v2.0.0.html")).unwrap();
    assert_eq!(
        two.matches("2.0.0 is the first major revision").count(),
        1,
        "{two}"
    );
    // A release's page links to its changes by the changelog's own reference link.
    let release =
        std::fs::read_to_string(built._out.path().join("public/changelog/v1.1.0.html")).unwrap();
    assert!(
        release.contains(r#"<a href="https://github.com/olivierlacan/keep-a-changelog/compare/v1.0.0...v1.1.0">Every change in 1.1.0</a>"#),
        "{release}"
    );
    let feed = std::fs::read_to_string(built._out.path().join("public/feed.xml")).unwrap();
    assert!(
        !feed.contains("Breaking:&lt;/strong&gt; Breaking"),
        "{feed}"
    );
}

#[test]
fn repository_fixture_covers_every_quirk() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imported");
    let built = build(&fixture);
    // adr-tools with CRLF and a long-form date
    let first = built.doc("decisions/0001-record-architecture-decisions");
    assert_eq!(
        (first["number"].as_u64(), first["date"].as_str()),
        (Some(1), Some("2017-03-12"))
    );
    assert_eq!(
        built.related("decisions/0001-record-architecture-decisions", "amended_by"),
        ["decisions/0003-use-madr.html"]
    );
    // an unreadable date is kept as written, with a warning naming the line
    assert_eq!(
        built.doc("decisions/0002-use-postgres")["date"],
        "sometime in spring"
    );
    assert!(
        built
            .stderr
            .contains("0002-use-postgres.md:3:1: warning: cannot read date"),
        "{}",
        built.stderr
    );
    // log4brains lines, date-prefixed file name
    let managed = built.doc("decisions/20210315-managed-database");
    assert_eq!(managed["status"], "accepted");
    assert_eq!(
        managed["tags"],
        serde_json::json!(["database", "operations"])
    );
    assert_eq!(
        managed["deciders"],
        serde_json::json!(["Ana Ruiz", "Bo Chen"])
    );
    assert_eq!(
        built.related("decisions/20210315-managed-database", "supersedes"),
        ["decisions/0002-use-postgres.html"]
    );
    // MADR status carrying a relation to `ADR-0005`; decision-makers as one string
    assert_eq!(
        built.doc("decisions/0003-use-madr")["deciders"],
        serde_json::json!(["Ana Ruiz", "Bo Chen"])
    );
    assert_eq!(
        built.doc("decisions/0005-write-docs-in-wiki")["status"],
        "superseded"
    );
    // Keys align does not know are kept under `extra`; Jekyll's navigation keys are not.
    let extra = &built.doc("decisions/0003-use-madr")["extra"];
    assert_eq!(
        extra,
        &serde_json::json!({"review-board": "Architecture guild"})
    );
    // folder index and template are not records
    assert_eq!(built.docs("decision").len(), 5);
    // changelog quirks
    let yanked = built.doc("changelog/v1.0.1");
    assert_eq!(
        (yanked["status"].as_str(), yanked["date"].as_str()),
        (Some("yanked"), Some("2023-01-15"))
    );
    // The feed marks it as the changelog does: not to be installed.
    let feed = std::fs::read_to_string(built._out.path().join("public/feed.xml")).unwrap();
    let titles: Vec<&str> = feed
        .match_indices("<title>")
        .map(|(at, tag)| {
            let rest = &feed[at + tag.len()..];
            &rest[..rest.find("</title>").unwrap()]
        })
        .filter(|title| title.contains("1.0.1") || title.contains("1.0.0"))
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("1.0.1") && t.ends_with(" [YANKED]")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .all(|t| t.contains("1.0.1") || !t.contains("YANKED")),
        "{titles:?}"
    );
    assert_eq!(
        built.doc("changelog/v1.0.0")["status"],
        "released",
        "a version without a date still shipped"
    );
    assert_eq!(built.doc("changelog/v2.0.0-beta.1")["date"], "2024-02-01");
    assert_eq!(
        built.doc("changelog/v1.1.0+build.7")["title"],
        "1.1.0+build.7 — Summer release"
    );
    assert_eq!(
        built.doc("changelog/v1.1.0+build.7/002")["category_label"],
        "Key binding notes"
    );
    assert_eq!(built.doc("changelog/v2.0.0-beta.1/001")["breaking"], true);
    assert_eq!(built.doc("changelog/unreleased/001")["title"], "Dark mode");
    assert_eq!(built.docs("release").len(), 4);
}
