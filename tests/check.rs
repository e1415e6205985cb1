//! `align check`: a clean starter project triggers no rule, and each rule fires exactly
//! once on a small change to it; severities, formats and exit codes; `new` and `init`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const TODAY: &str = "2026-11-23";

fn align(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_align"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

/// A starter project (from `align init`) with some files added or replaced.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        align(dir.path(), &["init", ".", "--today", TODAY])
            .status
            .success()
    );
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn findings(dir: &Path) -> Vec<Value> {
    let output = align(dir, &["check", ".", "--today", TODAY, "--format", "json"]);
    serde_json::from_slice::<Vec<Value>>(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)))
}

const INITIATIVE: &str = "+++\ntitle = \"Extra\"\nstatus = \"planned\"\nhorizon = \"next\"\nstart = 2026-11-24\ntarget = 2026-12-20\ndrives = [\"O-ACTIVATION#kr1\"]\nupdated = 2026-11-23\n";

/// (rule, file, text, path suffix and line the finding must point at)
fn cases() -> Vec<(&'static str, &'static str, String, &'static str, u64)> {
    let objective = |extra: &str, krs: &str| {
        format!(
            "+++\nid = \"O-X\"\ntitle = \"X\"\nstatus = \"active\"\nperiod = \"2026-Q4\"\nparent = \"S-GROWTH\"\nupdated = 2026-11-23\n{extra}{krs}+++\n"
        )
    };
    let kr = |id: &str, fields: &str| {
        format!(
            "\n[[key_results]]\nid = \"{id}\"\ntitle = \"K {id}\"\nbaseline = 0\ntarget = 10\n{fields}"
        )
    };
    let driven = format!(
        "{}drives = [\"O-X\"]\n+++\n",
        INITIATIVE.replace("drives = [\"O-ACTIVATION#kr1\"]\n", "")
    );
    vec![
        ("orphan-initiative", "content/initiatives/extra.md", format!("{}+++\n", INITIATIVE.replace("drives = [\"O-ACTIVATION#kr1\"]\n", "")), "initiatives/extra.md", 1),
        ("objective-without-key-results", "content/objectives/x.md", objective("", ""), "objectives/x.md", 3),
        ("undriven-key-result", "content/objectives/x.md", objective("", &kr("kr1", "")), "objectives/x.md", 10),
        ("period-ended", "content/objectives/x.md", objective("", &kr("kr1", "")).replace("2026-Q4", "2026-Q2"), "objectives/x.md", 4),
        ("review-overdue", "content/pages/old.md", "+++\ntitle = \"Old\"\nreview_by = 2026-11-01\n+++\n".into(), "pages/old.md", 3),
        ("stale", "content/pages/old.md", "+++\ntitle = \"Old\"\nupdated = 2025-01-01\n+++\n".into(), "pages/old.md", 3),
        ("after-release", "content/initiatives/extra.md", format!("{INITIATIVE}release = \"releases/0-9-0\"\n+++\n"), "initiatives/extra.md", 6),
        ("release-overdue", "content/releases/0-9-5.md", "+++\ntitle = \"0.9.5\"\nversion = \"0.9.5\"\nstatus = \"planned\"\ndate = 2026-11-01\n+++\n".into(), "releases/0-9-5.md", 5),
        ("dependency-order", "content/initiatives/extra.md", format!("{INITIATIVE}depends_on = [\"initiatives/guided-setup\"]\n+++\n"), "initiatives/extra.md", 9),
        ("outside-period", "content/initiatives/extra.md", INITIATIVE.replace("2026-11-24", "2027-02-01").replace("2026-12-20", "2027-03-01") + "+++\n", "initiatives/extra.md", 7),
        ("superseded-without-successor", "content/decisions/0002-old.md", "+++\nnumber = 2\ntitle = \"Old\"\nstatus = \"superseded\"\ndate = 2026-11-01\n+++\n".into(), "decisions/0002-old.md", 4),
        ("supersedes-unaccepted", "content/decisions/0002-new.md", "+++\nnumber = 2\ntitle = \"New\"\nstatus = \"accepted\"\ndate = 2026-11-01\nsupersedes = [\"decisions/0003-idea\"]\n+++\n".into(), "decisions/0002-new.md", 6),
        ("kr-target-equals-baseline", "content/objectives/x.md", objective("", &kr("kr1", "").replace("target = 10", "target = 0")), "objectives/x.md", 10),
        ("kr-implausible-value", "content/objectives/x.md", objective("", &kr("kr1", "current = 5000\n")), "objectives/x.md", 10),
        ("confidence-out-of-range", "content/objectives/x.md", objective("", &kr("kr1", "confidence = 1.5\n")), "objectives/x.md", 10),
        ("checkin-outside-period", "content/objectives/x.md", objective("", &kr("kr1", "\n[[key_results.checkins]]\ndate = 2026-05-01\nvalue = 3\n")), "objectives/x.md", 10),
        ("too-many-key-results", "content/objectives/x.md", objective("", &(1..=6).map(|i| kr(&format!("kr{i}"), "")).collect::<String>()), "objectives/x.md", 9),
        ("public-links-internal", "content/changes/csv-export.md", "+++\ntitle = \"Export your data to CSV\"\ncategory = \"added\"\nrelease = \"releases/0-9-0\"\naudience = [\"public\", \"team\", \"exec\"]\n+++\n\nSee [[O-ACTIVATION]].\n".into(), "changes/csv-export.md", 8),
        ("change-without-category", "content/changes/nocat.md", "+++\ntitle = \"No category\"\nrelease = \"releases/0-9-0\"\n+++\n".into(), "changes/nocat.md", 3),
        ("missing-file", "content/pages/pic.md", "+++\ntitle = \"Pic\"\n+++\n\n![chart](chart.png)\n".into(), "pages/pic.md", 5),
        ("open-in-past-period", "content/objectives/x.md", objective("", &kr("kr1", "")).replace("2026-Q4", "2026-Q2").replace("status = \"active\"", "status = \"closed\""), "initiatives/old-work.md", 5),
        ("supersession-cycle", "content/decisions/0002-a.md", "+++\nnumber = 2\ntitle = \"A\"\nstatus = \"accepted\"\ndate = 2026-11-01\nsupersedes = [\"decisions/0003-b\"]\n+++\n".into(), "decisions/0002-a.md", 6),
        ("breaking-in-minor-release", "content/releases/2-1-0.md", "+++\ntitle = \"2.1.0\"\nversion = \"2.1.0\"\nstatus = \"released\"\ndate = 2026-11-20\n+++\n".into(), "changes/breaking.md", 4),
        ("duplicate-id", "content/pages/dup2.md", "+++\nid = \"X-DUP\"\ntitle = \"Dup\"\n+++\n".into(), "pages/dup2.md", 2),
        ("broken-reference", "content/pages/link.md", "+++\ntitle = \"Link\"\n+++\n\nSee [[nothing-here]].\n".into(), "pages/link.md", 5),
    ]
    .into_iter()
    .chain(std::iter::once(("undriven-key-result-is-silent-when-driven", "content/initiatives/drives-x.md", driven, "", 0)))
    .collect()
}

#[test]
fn the_starter_project_is_clean() {
    let dir = project(&[]);
    assert_eq!(findings(dir.path()), Vec::<Value>::new());
    assert!(
        align(
            dir.path(),
            &["check", ".", "--today", TODAY, "--deny", "warnings"]
        )
        .status
        .success()
    );
}

#[test]
fn each_rule_fires_exactly_once_where_the_cause_is() {
    let mut failures = Vec::new();
    let driver = cases()
        .into_iter()
        .find(|c| c.0.ends_with("is-silent-when-driven"))
        .unwrap()
        .2;
    for (rule, path, text, at, line) in cases() {
        if rule.ends_with("is-silent-when-driven") {
            continue;
        }
        let mut files = vec![(path, text.as_str())];
        let needs_driver = path.ends_with("objectives/x.md")
            && !matches!(
                rule,
                "undriven-key-result" | "period-ended" | "open-in-past-period"
            );
        if needs_driver {
            files.push(("content/initiatives/drives-x.md", driver.as_str()));
        }
        let extra_idea =
            "+++\nnumber = 3\ntitle = \"Idea\"\nstatus = \"proposed\"\ndate = 2026-10-01\n+++\n";
        if rule == "supersedes-unaccepted" {
            files.push(("content/decisions/0003-idea.md", extra_idea));
        }
        let cycle_b = "+++\nnumber = 3\ntitle = \"B\"\nstatus = \"accepted\"\ndate = 2026-11-01\nsupersedes = [\"decisions/0002-a\"]\n+++\n";
        if rule == "supersession-cycle" {
            files.push(("content/decisions/0003-b.md", cycle_b));
        }
        let earlier = "+++\ntitle = \"2.0.0\"\nversion = \"2.0.0\"\nstatus = \"released\"\ndate = 2026-11-01\n+++\n";
        let breaking = "+++\ntitle = \"Breaking\"\ncategory = \"removed\"\nbreaking = true\nrelease = \"releases/2-1-0\"\n+++\n";
        if rule == "breaking-in-minor-release" {
            files.push(("content/releases/2-0-0.md", earlier));
            files.push(("content/changes/breaking.md", breaking));
        }
        let old_work = "+++\ntitle = \"Old work\"\nstatus = \"in-progress\"\nhorizon = \"now\"\ndrives = [\"O-X#kr1\"]\n+++\n";
        if rule == "duplicate-id" {
            files.push((
                "content/pages/dup.md",
                "+++\nid = \"X-DUP\"\ntitle = \"First\"\n+++\n",
            ));
        }
        if rule == "open-in-past-period" {
            files.push(("content/initiatives/old-work.md", old_work));
        }
        let dir = project(&files);
        let found = findings(dir.path());
        let ok = found.len() == 1
            && found[0]["rule"] == rule
            && found[0]["path"].as_str().is_some_and(|p| p.ends_with(at))
            && found[0]["line"] == line;
        if !ok {
            failures.push(format!(
                "{rule}: expected one finding at {at}:{line}, got {found:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn findings_name_the_other_document() {
    let (_, path, text, _, _) = cases()
        .into_iter()
        .find(|c| c.0 == "after-release")
        .unwrap();
    let dir = project(&[(path, &text)]);
    let found = findings(dir.path());
    assert!(
        found[0]["message"].as_str().unwrap().contains("0.9.0"),
        "{found:#?}"
    );
    assert!(
        found[0]["related"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("releases/0-9-0.md")
    );
}

#[test]
fn severities_can_be_raised_lowered_or_turned_off() {
    let (_, path, text, _, _) = cases()
        .into_iter()
        .find(|c| c.0 == "orphan-initiative")
        .unwrap();
    let dir = project(&[(path, &text)]);
    assert!(
        align(dir.path(), &["check", ".", "--today", TODAY])
            .status
            .success(),
        "a warning alone passes"
    );
    assert_eq!(
        align(
            dir.path(),
            &["check", ".", "--today", TODAY, "--deny", "warnings"]
        )
        .status
        .code(),
        Some(1)
    );
    let config = std::fs::read_to_string(dir.path().join("align.toml")).unwrap();
    std::fs::write(
        dir.path().join("align.toml"),
        format!("{config}\n[check.rules]\norphan-initiative = \"error\"\n"),
    )
    .unwrap();
    assert_eq!(
        align(dir.path(), &["check", ".", "--today", TODAY])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        align(dir.path(), &["build", ".", "--today", TODAY])
            .status
            .code(),
        Some(1),
        "build fails on errors"
    );
    std::fs::write(
        dir.path().join("align.toml"),
        format!("{config}\n[check.rules]\norphan-initiative = \"off\"\n"),
    )
    .unwrap();
    assert_eq!(findings(dir.path()), Vec::<Value>::new());
    std::fs::write(
        dir.path().join("align.toml"),
        format!("{config}\n[check.rules]\nno-such-rule = \"off\"\n"),
    )
    .unwrap();
    let output = align(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown rule `no-such-rule`"));
}

#[test]
fn github_and_text_formats() {
    let (_, path, text, _, _) = cases()
        .into_iter()
        .find(|c| c.0 == "orphan-initiative")
        .unwrap();
    let dir = project(&[(path, &text)]);
    let github = align(
        dir.path(),
        &["check", ".", "--today", TODAY, "--format", "github"],
    );
    let line = String::from_utf8_lossy(&github.stdout).into_owned();
    assert!(line.starts_with("::warning file=./content/initiatives/extra.md,line=1,col=1,title=orphan-initiative::initiative"), "{line}");
    let text = align(dir.path(), &["check", ".", "--today", TODAY]);
    let stderr = String::from_utf8_lossy(&text.stderr).into_owned();
    assert!(
        stderr.contains("./content/initiatives/extra.md:1:1: warning[orphan-initiative]: "),
        "{stderr}"
    );
    assert!(stderr.contains("= help: add `drives"), "{stderr}");
    assert!(
        stderr.trim_end().ends_with("0 errors, 1 warning"),
        "{stderr}"
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert!(build.status.success());
    assert!(
        String::from_utf8_lossy(&build.stderr).contains("warning[orphan-initiative]"),
        "build prints the same warnings"
    );
}

#[test]
fn new_numbers_decisions_after_the_highest_and_every_kind_builds() {
    let dir = project(&[
        (
            "content/decisions/0002-b.md",
            "+++\nnumber = 2\ntitle = \"B\"\nstatus = \"accepted\"\ndate = 2026-11-01\n+++\n",
        ),
        (
            "content/decisions/0007-g.md",
            "+++\nnumber = 12\ntitle = \"G\"\nstatus = \"accepted\"\ndate = 2026-11-01\n+++\n",
        ),
    ]);
    let output = align(
        dir.path(),
        &[
            "new",
            "decision",
            "Adopt Postgres 16",
            ".",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "./content/decisions/0013-adopt-postgres-16.md"
    );
    for kind in [
        "strategy",
        "objective",
        "initiative",
        "release",
        "change",
        "page",
    ] {
        let output = align(
            dir.path(),
            &["new", kind, &format!("A new {kind}"), ".", "--today", TODAY],
        );
        assert!(
            output.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let again = align(
        dir.path(),
        &["new", "page", "A new page", ".", "--today", TODAY],
    );
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing file is not overwritten"
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

#[test]
fn init_refuses_an_existing_project() {
    let dir = project(&[]);
    let before = std::fs::read(dir.path().join("align.toml")).unwrap();
    let output = align(dir.path(), &["init", ".", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("align.toml")).unwrap(),
        before
    );
    assert!(
        align(dir.path(), &["build", ".", "--today", TODAY])
            .status
            .success()
    );
}

#[test]
fn the_drift_demo_shows_what_check_finds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example-drift");
    let found = findings(&dir);
    let mut rules: Vec<&str> = found.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        [
            "after-release",
            "dependency-order",
            "orphan-initiative",
            "period-ended",
            "public-links-internal",
            "review-overdue",
            "superseded-without-successor",
            "undriven-key-result"
        ]
    );
    assert!(
        found.iter().all(|f| f["severity"] == "warning"),
        "the demo still builds"
    );
}

#[test]
fn json_output_is_stable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example-drift");
    let output = align(&dir, &["check", ".", "--today", TODAY, "--format", "json"]);
    insta::assert_snapshot!("drift_json", String::from_utf8_lossy(&output.stdout));
}
