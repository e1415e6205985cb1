//! `align check`, `align new` and `align init`.
//!
//! `tests/fixtures/check/clean/` is a small project that triggers no rule as of [`TODAY`].
//! Each rule has a case below: the clean project with one file written or edited, which
//! must trigger that rule exactly once, at the file and line that cause it, and no other
//! rule. Then severities from `[check.rules]`, the output formats and exit codes, `new`,
//! `init`, and the `content-example-drift/` demo.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The date every check in this file treats as today.
const TODAY: &str = "2026-11-23";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real binary in `cwd`.
fn align(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_align"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `align check . --today TODAY` in `dir`, plus extra arguments.
fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", ".", "--today", TODAY];
    args.extend_from_slice(extra);
    align(dir, &args)
}

/// The errors among [`findings`].
fn errors_found(dir: &Path) -> Vec<Value> {
    findings(dir)
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect()
}

/// Every finding of `align check --format json`.
fn findings(dir: &Path) -> Vec<Value> {
    let output = check(dir, &["--format", "json"]);
    serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "not a JSON array ({err}):\n{}\n{}",
            stdout(&output),
            stderr(&output)
        )
    })
}

fn rules_of(found: &[Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("(none)").to_string())
        .collect()
}

/// One change to the clean project; paths are relative to the project folder.
#[derive(Clone, Copy, Debug)]
enum Edit {
    /// Writes (or overwrites) a file.
    Write(&'static str, &'static str),
    /// Replaces text that must occur exactly once in a file.
    Replace(&'static str, &'static str, &'static str),
    /// Deletes a file.
    Remove(&'static str),
    /// Several edits, in order.
    All(&'static [Edit]),
}

/// The clean project's config, importing `CHANGELOG.md` from the project folder.
const IMPORT_CHANGELOG: Edit = Edit::Replace(
    "align.toml",
    "public = true\n",
    "public = true\n\n[import]\nchangelog = \"CHANGELOG.md\"\n",
);

impl Edit {
    fn apply(self, dir: &Path) {
        match self {
            Edit::Write(path, text) => {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            Edit::Replace(path, from, to) => {
                let path = dir.join(path);
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(
                    text.matches(from).count(),
                    1,
                    "`{from}` must occur once in {}",
                    path.display()
                );
                std::fs::write(path, text.replacen(from, to, 1)).unwrap();
            }
            Edit::Remove(path) => std::fs::remove_file(dir.join(path)).unwrap(),
            Edit::All(edits) => {
                for edit in edits {
                    edit.apply(dir);
                }
            }
        }
    }
}

/// A temp copy of `tests/fixtures/check/clean/` with the edits applied.
fn clean_with(edits: &[Edit]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&root().join("tests/fixtures/check/clean"), dir.path());
    for edit in edits {
        edit.apply(dir.path());
    }
    dir
}

// Paths of the clean project that the cases change.
const OBJECTIVE: &str = "content/objectives/activation-q4.md";
const CLOSED_OBJECTIVE: &str = "content/objectives/setup-q3.md";
const GUIDED_SETUP: &str = "content/initiatives/guided-setup.md";
const TRIAL_NUDGES: &str = "content/initiatives/trial-nudges.md";
const CSV_IMPORT: &str = "content/initiatives/csv-import.md";
const NEXT_RELEASE: &str = "content/releases/2-4-0.md";
const OLD_DECISION: &str = "content/decisions/0002-setup-in-onboarding-service.md";
const NEW_DECISION: &str = "content/decisions/0003-setup-state-on-account.md";
const PUBLIC_CHANGE: &str = "content/changes/csv-import.md";
const PAGE: &str = "content/pages/how-we-plan.md";

/// A rule, the change to the clean project that triggers it, and where the one finding
/// must point.
struct Case {
    rule: &'static str,
    edit: Edit,
    /// The finding's path ends with this.
    path: &'static str,
    line: u64,
    /// The other document involved: a `related` entry's path ends with it, or the message
    /// names it.
    other: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            rule: "broken-reference",
            edit: Edit::Replace(
                PAGE,
                "starting with [[ADR-0001]].",
                "starting with [[ADR-0001]]; see also [[ADR-0009]].",
            ),
            path: "content/pages/how-we-plan.md",
            line: 10,
            other: None,
        },
        Case {
            rule: "broken-anchor",
            edit: Edit::Write(
                "content/pages/glossary.md",
                "+++\ntitle = \"Glossary\"\nupdated = 2026-11-02\n+++\n\n## Activation\n\n<div id=\"faq\"></div>\n\nSee [activation](#activation), [the top](#main), the note[^n] and [its text](#fn-n), [the FAQ](#faq)\nand [retention](#retention).\n\n[^n]: A note.\n",
            ),
            path: "content/pages/glossary.md",
            line: 11,
            other: None,
        },
        Case {
            rule: "duplicate-anchor",
            // A heading's written id that the theme gives the page's main element.
            edit: Edit::Write(
                "content/pages/glossary.md",
                "+++\ntitle = \"Glossary\"\nupdated = 2026-11-02\n+++\n\n## Activation {#main}\n\nThe first week.\n",
            ),
            path: "content/pages/glossary.md",
            line: 6,
            other: None,
        },
        Case {
            rule: "raw-html-limits",
            edit: Edit::Write(
                "content/pages/export.md",
                Box::leak(
                    format!(
                        "+++\ntitle = \"Export\"\nupdated = 2026-11-02\n+++\n\nThe export, as the tool wrote it:\n\n{}\n",
                        "<div><b>".repeat(5_000)
                    )
                    .into_boxed_str(),
                ),
            ),
            path: "content/pages/export.md",
            line: 8,
            other: None,
        },
        Case {
            rule: "duplicate-id",
            edit: Edit::Write(
                "content/pages/glossary.md",
                "+++\nid = \"O-ACTIVATION\"\ntitle = \"Glossary\"\nupdated = 2026-11-02\n+++\n\n**Activation**: a new team schedules its first job.\n",
            ),
            path: "content/pages/glossary.md",
            line: 2,
            other: Some("objectives/activation-q4.md"),
        },
        Case {
            rule: "missing-file",
            edit: Edit::Replace(
                PAGE,
                "starting with [[ADR-0001]].\n",
                "starting with [[ADR-0001]].\n\n![The planning calendar](planning-calendar.png)\n",
            ),
            path: "content/pages/how-we-plan.md",
            line: 12,
            other: None,
        },
        Case {
            rule: "shadowed-static-file",
            edit: Edit::Write("static/robots.txt", "User-agent: *\nAllow: /\n"),
            path: "static/robots.txt",
            line: 1,
            other: None,
        },
        Case {
            rule: "unreadable-date",
            edit: Edit::Write(
                "content/decisions/0004-use-a-job-queue.md",
                "# 4. Use a job queue for reminder emails\n\nDate: the week after the launch\n\n## Status\n\nAccepted\n\n## Context\n\nReminder emails were sent from the web request.\n\n## Decision\n\nThey go through a job queue.\n",
            ),
            path: "content/decisions/0004-use-a-job-queue.md",
            line: 3,
            other: None,
        },
        Case {
            rule: "ambiguous-date",
            // 2 November or 11 February: read day first.
            edit: Edit::Write(
                "content/decisions/0004-use-a-job-queue.md",
                "# 4. Use a job queue for reminder emails\n\nDate: 02/11/2026\n\n## Status\n\nAccepted\n\n## Context\n\nReminder emails were sent from the web request.\n\n## Decision\n\nThey go through a job queue.\n",
            ),
            path: "content/decisions/0004-use-a-job-queue.md",
            line: 3,
            other: None,
        },
        Case {
            rule: "duplicate-number",
            // Written on another branch while record 3 was written on this one.
            edit: Edit::Write(
                "content/decisions/0003-send-digests-weekly.md",
                "# 3. Send digests weekly\n\nDate: 2026-10-02\n\n## Status\n\nAccepted\n\n## Context\n\nDaily digests went unread.\n\n## Decision\n\nThey go out on Mondays.\n",
            ),
            path: "content/decisions/0003-setup-state-on-account.md",
            line: 2,
            other: Some("content/decisions/0003-send-digests-weekly.md"),
        },
        Case {
            rule: "number-mismatch",
            // Copied from record 4, and its title still says so.
            edit: Edit::Write(
                "content/decisions/0014-send-digests-weekly.md",
                "# 4. Send digests weekly\n\nDate: 2026-10-02\n\n## Status\n\nAccepted\n\n## Context\n\nDaily digests went unread.\n\n## Decision\n\nThey go out on Mondays.\n",
            ),
            path: "content/decisions/0014-send-digests-weekly.md",
            line: 1,
            other: None,
        },
        Case {
            rule: "unpublished-link",
            // The changelog links to a file beside it in the repository.
            edit: Edit::All(&[
                IMPORT_CHANGELOG,
                Edit::Write(
                    "CHANGELOG.md",
                    "# Changelog\n\n## [2.5.0] - 2026-11-20\n\n### Added\n\n- Shortcuts for the board, listed in [the key guide](./KEYS.md).\n",
                ),
            ]),
            path: "CHANGELOG.md",
            line: 7,
            other: None,
        },
        Case {
            rule: "case-clash",
            // A copy of a page under a name that differs only in case.
            edit: Edit::Write(
                "content/pages/How-We-Plan.md",
                "+++\ntitle = \"How we plan, again\"\nupdated = 2026-11-02\n+++\n\nA copy.\n",
            ),
            path: "content/pages/How-We-Plan.md",
            line: 1,
            other: Some("pages/how-we-plan.md"),
        },
        Case {
            rule: "unread-changelog-entries",
            // Older entries under a heading that names no release.
            edit: Edit::All(&[
                IMPORT_CHANGELOG,
                Edit::Write(
                    "CHANGELOG.md",
                    "# Changelog\n\n## [2.5.0] - 2026-11-20\n\n### Added\n\n- Shortcuts for the board.\n\n## Older releases\n\n- The first board.\n",
                ),
            ]),
            path: "CHANGELOG.md",
            line: 11,
            other: None,
        },
        Case {
            rule: "withheld-prose",
            // The release's prose names a customer only the team may know.
            edit: Edit::All(&[
                IMPORT_CHANGELOG,
                Edit::Write(
                    "CHANGELOG.md",
                    "# Changelog\n\n## [2.5.0] - 2026-11-20\n\n<!-- audience: team -->\nBuilt for Acme's rollout.\n<!-- /audience -->\n\n### Added\n\n- Shortcuts for the board.\n",
                ),
            ]),
            path: "CHANGELOG.md",
            line: 6,
            other: None,
        },
        Case {
            rule: "orphan-initiative",
            edit: Edit::Write(
                "content/initiatives/dark-mode.md",
                "+++\nid = \"I-DARK-MODE\"\ntitle = \"Dark mode for the technician app\"\nstatus = \"planned\"\nhorizon = \"next\"\nowners = [\"Marek Novak\"]\nupdated = 2026-11-18\n+++\n\nTechnicians asked for it.\n",
            ),
            path: "content/initiatives/dark-mode.md",
            line: 1,
            other: None,
        },
        Case {
            rule: "objective-without-key-results",
            edit: Edit::Write(
                "content/objectives/partners-q4.md",
                "+++\nid = \"O-PARTNERS\"\ntitle = \"Partners build on our API\"\nstatus = \"active\"\nperiod = \"2026-Q4\"\nparent = \"S-GROWTH\"\nupdated = 2026-11-02\n+++\n\nWe will know it when we see it.\n",
            ),
            path: "content/objectives/partners-q4.md",
            line: 3,
            other: None,
        },
        Case {
            rule: "undriven-key-result",
            edit: Edit::Replace(
                OBJECTIVE,
                "value = 8.7\n",
                "value = 8.7\n\n[[key_results]]\nid = \"kr3\"\ntitle = \"Teams inviting a second dispatcher in week one\"\nunit = \"%\"\nbaseline = 20\ntarget = 40\n",
            ),
            path: "content/objectives/activation-q4.md",
            line: 44,
            other: None,
        },
        Case {
            rule: "period-ended",
            edit: Edit::Replace(
                CLOSED_OBJECTIVE,
                "status = \"closed\"",
                "status = \"active\"",
            ),
            path: "content/objectives/setup-q3.md",
            line: 4,
            other: None,
        },
        Case {
            rule: "open-in-past-period",
            edit: Edit::Replace(
                CSV_IMPORT,
                "status = \"shipped\"",
                "status = \"in-progress\"",
            ),
            path: "content/initiatives/csv-import.md",
            line: 8,
            other: Some("objectives/setup-q3.md"),
        },
        Case {
            rule: "review-overdue",
            edit: Edit::Replace(PAGE, "review_by = 2027-04-01", "review_by = 2026-11-01"),
            path: "content/pages/how-we-plan.md",
            line: 5,
            other: None,
        },
        Case {
            rule: "stale",
            // Not touched for seven months, and no review to come.
            edit: Edit::Replace(
                PAGE,
                "updated = 2026-10-01\nreview_by = 2027-04-01",
                "updated = 2026-04-30",
            ),
            path: "content/pages/how-we-plan.md",
            line: 4,
            other: None,
        },
        Case {
            rule: "after-release",
            // The release was pulled in; the initiative still targets the old date.
            edit: Edit::Replace(NEXT_RELEASE, "date = 2026-12-10", "date = 2026-12-01"),
            path: "content/initiatives/guided-setup.md",
            line: 7,
            other: Some("releases/2-4-0.md"),
        },
        Case {
            rule: "release-overdue",
            edit: Edit::Write(
                "content/releases/2-3-1.md",
                "+++\nid = \"R-2-3-1\"\ntitle = \"2.3.1\"\nversion = \"2.3.1\"\nstatus = \"planned\"\ndate = 2026-11-16\n+++\n\nImport fixes.\n",
            ),
            path: "content/releases/2-3-1.md",
            line: 6,
            other: None,
        },
        Case {
            rule: "released-ahead-of-date",
            edit: Edit::Replace(NEXT_RELEASE, "status = \"planned\"", "status = \"released\""),
            path: "content/releases/2-4-0.md",
            line: 6,
            other: None,
        },
        Case {
            rule: "dependency-order",
            edit: Edit::Replace(TRIAL_NUDGES, "start = 2026-12-07", "start = 2026-11-30"),
            path: "content/initiatives/trial-nudges.md",
            line: 9,
            other: Some("initiatives/guided-setup.md"),
        },
        Case {
            rule: "dependency-cycle",
            edit: Edit::Replace(
                TRIAL_NUDGES,
                "depends_on = [\"I-GUIDED-SETUP\"]",
                "depends_on = [\"I-TRIAL-NUDGES\"]",
            ),
            path: "content/initiatives/trial-nudges.md",
            line: 9,
            other: None,
        },
        Case {
            rule: "outside-period",
            edit: Edit::Replace(
                TRIAL_NUDGES,
                "start = 2026-12-07\ntarget = 2026-12-23",
                "start = 2027-01-11\ntarget = 2027-02-26",
            ),
            path: "content/initiatives/trial-nudges.md",
            line: 8,
            other: Some("objectives/activation-q4.md"),
        },
        Case {
            rule: "superseded-without-successor",
            edit: Edit::Replace(NEW_DECISION, "supersedes = [\"ADR-0002\"]\n", ""),
            path: "content/decisions/0002-setup-in-onboarding-service.md",
            line: 4,
            other: None,
        },
        Case {
            rule: "decided-after-today",
            // A year typed wrong: 2027 for 2026.
            edit: Edit::Replace(NEW_DECISION, "date = 2026-10-08", "date = 2027-10-08"),
            path: NEW_DECISION,
            line: 5,
            other: None,
        },
        Case {
            rule: "supersession-cycle",
            edit: Edit::Replace(
                OLD_DECISION,
                "status = \"superseded\"\n",
                "status = \"accepted\"\nsupersedes = [\"ADR-0003\"]\n",
            ),
            path: "content/decisions/0002-setup-in-onboarding-service.md",
            line: 5,
            other: Some("decisions/0003-setup-state-on-account.md"),
        },
        Case {
            rule: "parent-cycle",
            edit: Edit::Replace(
                OBJECTIVE,
                "parent = \"S-GROWTH\"",
                "parent = \"O-ACTIVATION#kr2\"",
            ),
            path: "content/objectives/activation-q4.md",
            line: 8,
            other: None,
        },
        Case {
            rule: "supersedes-unaccepted",
            edit: Edit::Replace(
                OLD_DECISION,
                "status = \"superseded\"",
                "status = \"rejected\"",
            ),
            path: "content/decisions/0003-setup-state-on-account.md",
            line: 7,
            other: Some("decisions/0002-setup-in-onboarding-service.md"),
        },
        Case {
            rule: "kr-target-equals-baseline",
            edit: Edit::Replace(
                OBJECTIVE,
                "baseline = 8\ntarget = 12",
                "baseline = 8\ntarget = 8",
            ),
            path: "content/objectives/activation-q4.md",
            line: 32,
            other: None,
        },
        Case {
            rule: "kr-direction-mismatch",
            // Conversion should go up.
            edit: Edit::Replace(
                OBJECTIVE,
                "unit = \"%\"\nbaseline = 8\ntarget = 12",
                "unit = \"%\"\ndirection = \"decrease\"\nbaseline = 8\ntarget = 12",
            ),
            path: "content/objectives/activation-q4.md",
            line: 32,
            other: None,
        },
        Case {
            rule: "kr-implausible-value",
            // 41 % typed as 410.
            edit: Edit::Replace(OBJECTIVE, "value = 41\n", "value = 410\n"),
            path: "content/objectives/activation-q4.md",
            // At the check-in's `value`, not its `date`.
            line: 28,
            other: None,
        },
        Case {
            rule: "confidence-out-of-range",
            // 60 % written as 6 instead of 0.6.
            edit: Edit::Replace(OBJECTIVE, "confidence = 0.6", "confidence = 6"),
            path: "content/objectives/activation-q4.md",
            // Its own line, not its key result's `id`.
            line: 20,
            other: None,
        },
        Case {
            rule: "checkin-outside-period",
            edit: Edit::Replace(OBJECTIVE, "date = 2026-10-14", "date = 2026-09-30"),
            path: "content/objectives/activation-q4.md",
            // The check-in's own `date` line, not its key result's.
            line: 23,
            other: None,
        },
        Case {
            rule: "checkin-after-today",
            // A month typed wrong: December for November.
            edit: Edit::Replace(OBJECTIVE, "date = 2026-11-11\nvalue = 41", "date = 2026-12-11\nvalue = 41"),
            path: "content/objectives/activation-q4.md",
            line: 27,
            other: None,
        },
        Case {
            rule: "too-many-key-results",
            edit: Edit::Write(CLOSED_OBJECTIVE, SIX_KEY_RESULTS),
            path: "content/objectives/setup-q3.md",
            line: 12,
            other: None,
        },
        Case {
            rule: "public-links-internal",
            edit: Edit::Replace(
                PUBLIC_CHANGE,
                "release = \"R-2-3\"\n",
                "release = \"R-2-3\"\nimplements = \"I-CSV-IMPORT\"\n",
            ),
            path: "content/changes/csv-import.md",
            line: 5,
            other: Some("initiatives/csv-import.md"),
        },
        Case {
            rule: "superseded-by-internal",
            // The old decision is public and says it is in force; what superseded it is not.
            edit: Edit::Replace(
                OLD_DECISION,
                "status = \"superseded\"",
                "status = \"accepted\"\naudience = [\"public\", \"team\"]",
            ),
            path: "content/decisions/0003-setup-state-on-account.md",
            line: 7,
            other: Some("decisions/0002-setup-in-onboarding-service.md"),
        },
        Case {
            rule: "release-without-public-changes",
            // 2.3.0 is public and went out; its one change is kept for the team.
            edit: Edit::Replace(
                PUBLIC_CHANGE,
                "audience = [\"public\", \"team\", \"exec\"]",
                "audience = [\"team\", \"exec\"]",
            ),
            path: "content/releases/2-3-0.md",
            line: 7,
            other: Some("changes/csv-import.md"),
        },
        Case {
            rule: "empty-public-home",
            // A public roadmap, but no initiative or objective is public.
            edit: Edit::Replace("align.toml", "home = \"changelog\"", "home = \"roadmap\""),
            path: "align.toml",
            line: 14,
            other: None,
        },
        Case {
            rule: "placeholder",
            // The owner `align new` leaves for the author to fill in.
            edit: Edit::Replace(PAGE, "owners = [\"Dana Ruiz\"]", "owners = [\"TODO\"]"),
            path: "content/pages/how-we-plan.md",
            line: 3,
            other: None,
        },
        Case {
            rule: "target-before-start",
            // The target typed as the first of the month instead of the 23rd.
            edit: Edit::Replace(TRIAL_NUDGES, "target = 2026-12-23", "target = 2026-12-01"),
            path: "content/initiatives/trial-nudges.md",
            line: 7,
            other: Some("initiatives/trial-nudges.md"),
        },
        Case {
            rule: "unknown-audience",
            // `leadership` is no site's audience; the page still reaches the team.
            edit: Edit::Replace(
                PAGE,
                "updated = 2026-10-01\n",
                "updated = 2026-10-01\naudience = [\"team\", \"leadership\"]\n",
            ),
            path: "content/pages/how-we-plan.md",
            line: 5,
            other: None,
        },
        Case {
            rule: "release-date-order",
            // 2.2.0 dated after 2.3.0: a month typed wrong.
            edit: Edit::Replace(
                "content/releases/2-2-0.md",
                "date = 2026-08-10",
                "date = 2026-10-10",
            ),
            path: "content/releases/2-2-0.md",
            line: 6,
            other: Some("releases/2-3-0.md"),
        },
        Case {
            rule: "duplicate-version",
            // A hotfix written as its own release under the version it fixes.
            edit: Edit::Write(
                "content/releases/2-2-0-hotfix.md",
                "+++\ntitle = \"2.2.0 hotfix\"\nversion = \"v2.2.0\"\nstatus = \"released\"\ndate = 2026-08-12\naudience = [\"public\", \"team\", \"exec\"]\n+++\n\nA fix for recurring jobs.\n",
            ),
            path: "content/releases/2-2-0-hotfix.md",
            line: 3,
            other: Some("releases/2-2-0.md"),
        },
        Case {
            rule: "change-without-category",
            edit: Edit::Replace(PUBLIC_CHANGE, "category = \"added\"\n", ""),
            path: "content/changes/csv-import.md",
            line: 3,
            other: Some("2.3.0"),
        },
        Case {
            rule: "breaking-in-minor-release",
            edit: Edit::Replace(
                PUBLIC_CHANGE,
                "category = \"added\"\n",
                "category = \"changed\"\nbreaking = true\n",
            ),
            path: "content/changes/csv-import.md",
            line: 4,
            other: Some("releases/2-3-0.md"),
        },
    ]
}

/// The closed Q3 objective with six key results (all met, so nothing else fires).
const SIX_KEY_RESULTS: &str = r#"+++
id = "O-SETUP-Q3"
title = "Importing customers takes minutes, not days"
status = "closed"
period = "2026-Q3"
level = "team"
type = "committed"
parent = "S-GROWTH"
owners = ["Ines Alvarez"]
updated = 2026-10-02

[[key_results]]
id = "kr1"
title = "Median time to import a customer list"
baseline = 240
target = 15
current = 12

[[key_results]]
id = "kr2"
title = "Imports that need support"
baseline = 40
target = 10
current = 9

[[key_results]]
id = "kr3"
title = "Columns matched automatically"
baseline = 50
target = 90
current = 92

[[key_results]]
id = "kr4"
title = "Spreadsheet formats supported"
baseline = 1
target = 3
current = 3

[[key_results]]
id = "kr5"
title = "Sites imported per customer"
baseline = 1
target = 4
current = 4

[[key_results]]
id = "kr6"
title = "Import error messages rewritten"
baseline = 0
target = 20
current = 20
+++

Six key results for one quarter's import work.
"#;

/// Whether the finding names `other` in a related entry's path or in its message.
fn names_other(finding: &Value, other: &str) -> bool {
    let related = finding["related"].as_array().into_iter().flatten();
    related
        .filter_map(|r| r["path"].as_str())
        .any(|p| p.ends_with(other))
        || finding["message"]
            .as_str()
            .is_some_and(|m| m.contains(other))
}

#[test]
fn the_clean_fixture_triggers_no_rule() {
    let dir = clean_with(&[]);
    assert_eq!(findings(dir.path()), Vec::<Value>::new());
    let output = check(dir.path(), &["--deny", "warnings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&output)
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(!stderr(&build).contains("warning"), "{}", stderr(&build));
}

#[test]
fn a_link_to_a_theme_section_the_page_does_not_have_is_broken() {
    let dir = clean_with(&[
        Edit::Write(
            "content/pages/faq.md",
            "+++\ntitle = \"FAQ\"\nupdated = 2026-11-02\n+++\n\n[a](#main) [b](#search-input) [c](#kr-heading) [d](#why-heading) [e](#slips-heading) [f](#rationale-heading) [g](#relations-heading)\n",
        ),
        // An objective with key results and a parent has those sections.
        Edit::Replace(
            OBJECTIVE,
            "first day easy.\n",
            "first day easy. See [the results](#kr-heading), [why](#why-heading) and [related work](#relations-heading).\n",
        ),
    ]);
    let mut broken: Vec<String> = findings(dir.path())
        .iter()
        .filter(|f| f["rule"] == "broken-anchor")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    broken.sort();
    // A page with no key results, schedule, rationale or relations has none of their
    // sections; the main element and the search box are on every page.
    let expected = [
        "kr-heading",
        "rationale-heading",
        "relations-heading",
        "slips-heading",
        "why-heading",
    ]
    .map(|id| format!("broken link: `#{id}` names no heading, key result or id of this page"));
    assert_eq!(broken, expected);
}

/// Writes the project's own `templates/page.html`: the default theme's, with `extra` at
/// the end of its article. Gives the templates folder.
fn page_template_with(dir: &Path, extra: &str) -> std::path::PathBuf {
    let default =
        std::fs::read_to_string(root().join("themes/default/templates/page.html")).unwrap();
    let page = default.replacen("</article>", &format!("{extra}</article>"), 1);
    assert_ne!(page, default);
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("page.html"), page).unwrap();
    templates
}

#[test]
fn a_link_within_a_page_may_lead_to_an_id_the_project_s_templates_write() {
    let dir = clean_with(&[Edit::Write(
        "content/pages/faq.md",
        "+++\ntitle = \"FAQ\"\nupdated = 2026-11-02\n+++\n\n[notes](#team-notes) [contact](#contact) [typo](#team-note) [made](#faq-notes)\n",
    )]);
    // The page template with a section of the project's own, which includes a template
    // the default theme does not have; a list's template is no part of a document's page,
    // and an id made from an expression cannot be known.
    let templates = page_template_with(
        dir.path(),
        "<aside id=\"team-notes\">{% include \"_notes.html\" %}</aside><p id=\"{{ \"faq\" }}-notes\"></p>",
    );
    std::fs::write(
        templates.join("_notes.html"),
        "<p id=\"contact\">Ask the team.</p>\n",
    )
    .unwrap();
    let list = std::fs::read_to_string(root().join("themes/default/templates/list.html")).unwrap();
    let list = list.replacen(
        "{% endblock %}",
        "<p id=\"team-note\"></p>{% endblock %}",
        1,
    );
    std::fs::write(templates.join("list.html"), list).unwrap();
    let broken: Vec<String> = findings(dir.path())
        .iter()
        .filter(|f| f["rule"] == "broken-anchor")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        broken,
        ["team-note", "faq-notes"].map(|id| format!(
            "broken link: `#{id}` names no heading, key result or id of this page"
        ))
    );
    // The page really holds the ids the check took it to.
    let build = align(
        dir.path(),
        &["build", ".", "--today", TODAY, "--out", "out"],
    );
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/faq.html")).unwrap();
    for id in ["team-notes", "contact", "faq-notes"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
    }
}

#[test]
fn a_heading_named_like_an_id_the_project_s_templates_write_is_numbered_past_it() {
    let dir = clean_with(&[
        Edit::Write(
            "content/pages/faq.md",
            "+++\ntitle = \"FAQ\"\nupdated = 2026-11-02\n+++\n\n## Team notes\n\nOurs.\n\n[ours](#team-notes-1) [theirs](#team-notes)\n",
        ),
        Edit::Write(
            "content/pages/help.md",
            "+++\ntitle = \"Help\"\nupdated = 2026-11-02\n+++\n\nSee [the notes](faq.md#team-notes-1), and [[pages/faq#team-notes|by their name]], written before the template took it.\n",
        ),
    ]);
    page_template_with(dir.path(), "<aside id=\"team-notes\">Ask the team.</aside>");
    let found = findings(dir.path());
    assert!(
        !found
            .iter()
            .any(|f| ["broken-anchor", "broken-link"]
                .contains(&f["rule"].as_str().unwrap_or_default())),
        "{found:?}"
    );
    let build = align(
        dir.path(),
        &["build", ".", "--today", TODAY, "--out", "out"],
    );
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/faq.html")).unwrap();
    // One element of each id: the template's aside, and the heading numbered past it.
    assert_eq!(html.matches("id=\"team-notes\"").count(), 1, "{html}");
    assert!(html.contains("<aside id=\"team-notes\">"), "{html}");
    assert_eq!(html.matches("id=\"team-notes-1\"").count(), 1, "{html}");
    assert!(html.contains("<h2 id=\"team-notes-1\">"), "{html}");
    assert!(html.contains("href=\"#team-notes-1\""), "{html}");
    let help = std::fs::read_to_string(dir.path().join("out/team/pages/help.html")).unwrap();
    assert!(help.contains("pages/faq.html#team-notes-1\""), "{help}");
    // The link by the heading's name follows it to the anchor it has now.
    assert!(
        help.contains("pages/faq.html#team-notes-1\">by their name</a>"),
        "{help}"
    );
}

#[test]
fn a_link_within_a_page_to_an_id_the_sanitiser_removes_is_broken() {
    let dir = clean_with(&[Edit::Write(
        "content/pages/faq.md",
        "+++\ntitle = \"FAQ\"\nupdated = 2026-11-02\n+++\n\n<a id=\"pricing\" name=\"pricing\"></a><span id=\"terms\"></span>\n\n`<div id=\"code\">`\n\n<li id=\"kept\">A</li>\n\n[a](#pricing) [b](#terms) [c](#code) [d](#kept)\n",
    )]);
    let anchors: Vec<String> = findings(dir.path())
        .iter()
        .filter(|f| f["rule"] == "broken-anchor")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(anchors.len(), 3, "{anchors:?}");
    for (id, broken) in [
        ("pricing", true),
        ("terms", true),
        ("code", true),
        ("kept", false),
    ] {
        assert_eq!(
            anchors.iter().any(|m| m.contains(&format!("`#{id}`"))),
            broken,
            "{id}: {anchors:?}"
        );
    }
}

#[test]
fn every_rule_has_a_case() {
    let ids: Vec<&str> = align::check::RULES.iter().map(|r| r.id).collect();
    let covered: Vec<&str> = cases().iter().map(|c| c.rule).collect();
    for id in &ids {
        assert!(covered.contains(id), "no case for rule `{id}`");
    }
    for rule in &covered {
        assert!(ids.contains(rule), "case for an unknown rule `{rule}`");
    }
    assert_eq!(ids.len(), covered.len(), "one case per rule");
}

#[test]
fn a_key_results_findings_stand_at_the_line_that_holds_their_value() {
    let dir = clean_with(&[
        // A check-in's confidence, a current value and a check-in a year ahead.
        Edit::Replace(OBJECTIVE, "value = 34\n", "value = 34\nconfidence = 7\n"),
        Edit::Replace(
            OBJECTIVE,
            "confidence = 0.5\n",
            "current = 910\nconfidence = 0.5\n",
        ),
        Edit::Replace(
            OBJECTIVE,
            "date = 2026-11-11\nvalue = 8.7",
            "date = 2027-11-11\nvalue = 8.7",
        ),
    ]);
    let found = findings(dir.path());
    let at = |rule: &str| -> Vec<u64> {
        (found.iter())
            .filter(|f| f["rule"] == rule)
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    // `confidence = 7` under the check-in dated at line 23.
    assert_eq!(at("confidence-out-of-range"), [25], "{found:#?}");
    // kr2's `current = 910`, written under its `confidence`'s old line.
    assert_eq!(at("kr-implausible-value"), [38], "{found:#?}");
    // A year ahead is outside the period, and told so once.
    assert_eq!(at("checkin-outside-period"), [42], "{found:#?}");
    assert_eq!(at("checkin-after-today"), Vec::<u64>::new(), "{found:#?}");
}

#[test]
fn a_key_results_last_check_in_may_come_in_the_month_after_its_period() {
    let at = |edits: &[Edit]| -> Vec<u64> {
        let found = findings(clean_with(edits).path());
        (found.iter())
            .filter(|f| f["rule"] == "checkin-outside-period")
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    let final_score = |date: &str| {
        Edit::Replace(
            CLOSED_OBJECTIVE,
            "date = 2026-09-29\nvalue = 12",
            String::leak(format!(
                "date = 2026-09-29\nvalue = 14\n\n[[key_results.checkins]]\ndate = {date}\nvalue = 12"
            )),
        )
    };
    // Q3's final score, recorded once September's figures are in.
    assert_eq!(at(&[final_score("2026-10-05")]), Vec::<u64>::new());
    assert_eq!(at(&[final_score("2026-10-31")]), Vec::<u64>::new());
    // Past a month, it measures another period.
    assert_eq!(at(&[final_score("2026-11-01")]), [26]);
    // Only the last check-in is the final score: one before it after the end is not.
    let both = [
        final_score("2026-10-09"),
        Edit::Replace(CLOSED_OBJECTIVE, "date = 2026-09-29", "date = 2026-10-02"),
    ];
    assert_eq!(at(&both), [22]);
}

#[test]
fn a_dependency_that_has_shipped_is_waited_for_no_more() {
    let case = cases()
        .into_iter()
        .find(|c| c.rule == "dependency-order")
        .unwrap();
    let rules = |edits: &[Edit]| -> Vec<String> {
        (findings(clean_with(edits).path()).iter())
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(rules(&[case.edit]).contains(&"dependency-order".to_string()));
    let shipped = Edit::Replace(
        GUIDED_SETUP,
        "status = \"in-progress\"",
        "status = \"shipped\"",
    );
    let found = rules(&[case.edit, shipped]);
    assert!(
        !found.contains(&"dependency-order".to_string()),
        "{found:?}"
    );
}

#[test]
fn an_imported_records_status_findings_stand_at_the_line_that_says_it() {
    let dir = clean_with(&[Edit::Write(
        "content/decisions/0004-use-a-job-queue.md",
        "# 4. Use a job queue for reminder emails\n\nDate: 2026-10-02\n\n## Status\n\nSuperseded\n\n## Context\n\nReminder emails were sent from the web request.\n",
    )]);
    let found = findings(dir.path());
    let at: Vec<(u64, u64)> = (found.iter())
        .filter(|f| f["rule"] == "superseded-without-successor")
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, [(7, 1)], "{found:#?}");
}

#[test]
fn a_public_records_status_naming_an_internal_successor_is_a_public_link_to_it() {
    let dir = clean_with(&[
        Edit::Write(
            "content/decisions/0004-use-a-job-queue.md",
            "---\nstatus: superseded by ADR-5\naudience: [public, team]\n---\n# 4. Use a job queue\n\nDate: 2026-10-02\n",
        ),
        Edit::Write(
            "content/decisions/0005-use-a-scheduler.md",
            "# 5. Use a scheduler\n\nDate: 2026-10-09\n\n## Status\n\nAccepted\n",
        ),
    ]);
    let found = findings(dir.path());
    let leaks: Vec<(&str, u64)> = (found.iter())
        .filter(|f| f["rule"] == "public-links-internal")
        .map(|f| (f["path"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        leaks,
        [("./content/decisions/0004-use-a-job-queue.md", 2)],
        "{found:#?}"
    );
    // Its own status says superseded: the public site shows it so, not as in force.
    assert!(
        found.iter().all(|f| f["rule"] != "superseded-by-internal"),
        "{found:#?}"
    );
}

#[test]
fn relations_in_a_circle_are_reported_once_with_the_whole_circle() {
    let dir = clean_with(&[
        Edit::Replace(
            GUIDED_SETUP,
            "release = \"R-2-4\"",
            "release = \"R-2-4\"\ndepends_on = [\"I-TRIAL-NUDGES\"]",
        ),
        Edit::Replace(
            OBJECTIVE,
            "parent = \"S-GROWTH\"",
            "parent = \"O-SETUP-Q3\"",
        ),
        Edit::Replace(
            CLOSED_OBJECTIVE,
            "parent = \"S-GROWTH\"",
            "parent = \"O-ACTIVATION#kr1\"",
        ),
        Edit::Replace(
            NEW_DECISION,
            "supersedes = [\"ADR-0002\"]",
            "supersedes = [\"ADR-0002\", \"ADR-0003\"]",
        ),
    ]);
    let found = findings(dir.path());
    // The dependency's dates cannot be put in order either; the circle is the finding.
    assert_eq!(
        rules_of(&found),
        ["supersession-cycle", "dependency-cycle", "parent-cycle"],
        "{found:#?}"
    );
    let (itself, dependencies, parents) = (&found[0], &found[1], &found[2]);
    assert_eq!(
        itself["message"],
        "decision `decisions/0003-setup-state-on-account` (Store setup progress on the account) supersedes itself"
    );
    assert_eq!(
        (
            itself["line"].as_u64(),
            itself["related"].as_array().map(Vec::len)
        ),
        (Some(7), Some(0))
    );
    assert_eq!(
        parents["message"],
        "objectives are each other's parents in a cycle: O-ACTIVATION (New teams schedule their first job on day one) → O-SETUP-Q3 (Importing customers takes minutes, not days); none of them traces to a strategy"
    );
    assert!(parents["path"].as_str().unwrap().ends_with(OBJECTIVE));
    assert_eq!(parents["line"], 8);
    assert!(names_other(parents, "objectives/setup-q3.md"));
    assert_eq!(
        dependencies["message"],
        "initiatives depend on each other in a cycle: I-GUIDED-SETUP (Guided setup checklist) → I-TRIAL-NUDGES (Trial nudges at the right moment); none of them can start before another has finished"
    );
    assert!(
        dependencies["path"]
            .as_str()
            .unwrap()
            .ends_with(GUIDED_SETUP)
    );
    assert_eq!(dependencies["line"], 10);
    assert!(names_other(dependencies, "initiatives/trial-nudges.md"));
}

#[test]
fn each_rule_fires_exactly_once_where_its_cause_is() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = clean_with(&[case.edit]);
        let found = findings(dir.path());
        let problem = if found.len() != 1 {
            Some(format!("{} findings ({:?})", found.len(), rules_of(&found)))
        } else {
            let f = &found[0];
            let default = align::check::RULES
                .iter()
                .find(|r| r.id == case.rule)
                .map(|r| r.severity.as_str());
            if f["rule"] != case.rule {
                Some(format!("rule {}", f["rule"]))
            } else if !f["path"].as_str().is_some_and(|p| p.ends_with(case.path)) {
                Some(format!("path {}", f["path"]))
            } else if f["line"] != case.line {
                Some(format!("line {}", f["line"]))
            } else if f["severity"].as_str() != default {
                Some(format!("severity {}", f["severity"]))
            } else if case.other.is_some_and(|other| !names_other(f, other)) {
                Some(format!("does not name {}", case.other.unwrap_or_default()))
            } else {
                None
            }
        };
        if let Some(problem) = problem {
            failures.push(format!(
                "{}: expected one finding at {}:{}; {problem}\n{found:#?}",
                case.rule, case.path, case.line
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn findings_carry_a_message_and_related_locations_in_the_other_file() {
    let case = cases()
        .into_iter()
        .find(|c| c.rule == "dependency-order")
        .unwrap();
    let dir = clean_with(&[case.edit]);
    let found = findings(dir.path());
    let f = &found[0];
    assert_eq!(
        f["message"],
        "initiative I-TRIAL-NUDGES (Trial nudges at the right moment) starts on 2026-11-30 but depends on I-GUIDED-SETUP (Guided setup checklist), which ends on 2026-12-04"
    );
    assert_eq!(
        f["column"], 15,
        "at the reference in `depends_on = [\"I-GUIDED-SETUP\"]`"
    );
    let related = &f["related"][0];
    assert_eq!(related["path"], "./content/initiatives/guided-setup.md");
    assert_eq!(related["line"], 7, "the dependency's `target` line");
    assert_eq!(related["column"], 1);
    assert!(related["message"].is_string());
}

/// Writes a released version and a breaking change in it.
fn add_breaking_release(dir: &Path, version: &str) {
    let slug = version.replace('.', "-");
    let audience = r#"audience = ["public", "team", "exec"]"#;
    let release = format!(
        "+++\nid = \"R-{slug}\"\ntitle = \"{version}\"\nversion = \"{version}\"\nstatus = \"released\"\ndate = 2026-10-01\n{audience}\n+++\n\nNotes.\n"
    );
    let change = format!(
        "+++\ntitle = \"Break in {version}\"\ncategory = \"changed\"\nbreaking = true\nrelease = \"R-{slug}\"\n{audience}\n+++\n\nGone.\n"
    );
    std::fs::write(dir.join(format!("content/releases/{slug}.md")), release).unwrap();
    std::fs::write(dir.join(format!("content/changes/break-{slug}.md")), change).unwrap();
}

#[test]
fn breaking_changes_are_judged_against_the_release_before_theirs() {
    // Beside 2.2.0, 2.3.0 and 2.4.0: a patch, a new major version, a minor one after it,
    // and a first release of its own major line.
    let dir = clean_with(&[]);
    for version in ["2.3.1", "3.0.0", "3.1.0", "0.9.0"] {
        add_breaking_release(dir.path(), version);
    }
    let found = findings(dir.path());
    let mut breaking: Vec<(String, String)> = found
        .iter()
        .filter(|f| f["rule"] == "breaking-in-minor-release")
        .map(|f| {
            let path = f["path"].as_str().unwrap_or_default();
            let message = f["message"].as_str().unwrap_or_default();
            let kind = if message.contains("a patch release") {
                "patch"
            } else if message.contains("a minor release") {
                "minor"
            } else {
                "other"
            };
            (
                path.rsplit('/').next().unwrap_or_default().to_string(),
                kind.to_string(),
            )
        })
        .collect();
    breaking.sort();
    assert_eq!(
        breaking,
        [
            ("break-2-3-1.md".to_string(), "patch".to_string()),
            ("break-3-1-0.md".to_string(), "minor".to_string()),
        ],
        "3.0.0 is a new major version and 0.9.0 a 0.x release: neither is reported\n{found:#?}"
    );
}

// --- [check] configuration -------------------------------------------------------------

/// The clean project with one orphan initiative (a warning by default).
fn with_orphan() -> tempfile::TempDir {
    let case = cases()
        .into_iter()
        .find(|c| c.rule == "orphan-initiative")
        .unwrap();
    clean_with(&[case.edit])
}

fn append_config(dir: &Path, text: &str) {
    let path = dir.join("align.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(path, format!("{config}\n{text}")).unwrap();
}

#[test]
fn a_rule_raised_to_error_fails_check_and_build() {
    let dir = with_orphan();
    assert_eq!(check(dir.path(), &[]).status.code(), Some(0));
    append_config(dir.path(), "[check.rules]\norphan-initiative = \"error\"\n");
    let found = findings(dir.path());
    assert_eq!(rules_of(&found), ["orphan-initiative"]);
    assert_eq!(found[0]["severity"], "error");
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(" [orphan-initiative]\n") && stderr(&output).contains(": error: "),
        "{}",
        stderr(&output)
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert!(
        !dir.path().join("public").exists(),
        "a failed build writes nothing"
    );
}

#[test]
fn an_objective_that_fails_to_load_leaves_its_initiatives_no_orphan_warning() {
    let dir = clean_with(&[Edit::Replace(
        OBJECTIVE,
        "status = \"active\"\n",
        "status = \"active\"\nbroken toml here\n",
    )]);
    let found = findings(dir.path());
    let rules = rules_of(&found);
    assert!(!rules.is_empty(), "the objective's own error");
    assert!(
        !rules.iter().any(|r| r == "orphan-initiative"),
        "its initiatives drive it, though it failed to load: {found:?}"
    );
}

#[test]
fn a_rule_turned_off_is_not_reported() {
    let dir = with_orphan();
    append_config(dir.path(), "[check.rules]\norphan-initiative = \"off\"\n");
    assert_eq!(findings(dir.path()), Vec::<Value>::new());
    assert_eq!(
        check(dir.path(), &["--deny", "warnings"]).status.code(),
        Some(0)
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert!(!stderr(&build).contains("orphan-initiative"));
}

#[test]
fn an_error_rule_lowered_to_warning_lets_the_build_pass() {
    let case = cases()
        .into_iter()
        .find(|c| c.rule == "confidence-out-of-range")
        .unwrap();
    let dir = clean_with(&[case.edit]);
    assert_eq!(check(dir.path(), &[]).status.code(), Some(1));
    append_config(
        dir.path(),
        "[check.rules]\nconfidence-out-of-range = \"warning\"\n",
    );
    let found = findings(dir.path());
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(check(dir.path(), &[]).status.code(), Some(0));
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
}

#[test]
fn an_unknown_rule_id_is_a_config_error_naming_key_and_line() {
    let dir = with_orphan();
    // align.toml of the clean project has 18 lines; the appended text starts at line 20.
    append_config(
        dir.path(),
        "[check]\nstale_after_days = 90\n\n[check.rules]\norphan-initiative = \"off\"\norphan-initiatives = \"off\"\n",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("orphan-initiatives"), "{text}");
    assert!(
        text.contains("align.toml:25:1: error: unknown rule `orphan-initiatives` in [check.rules]: did you mean `orphan-initiative`?"),
        "{text}"
    );
    assert_eq!(
        align(dir.path(), &["build", ".", "--today", TODAY])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        check(dir.path(), &["--format", "json"]).stdout,
        b"",
        "nothing on stdout"
    );
}

#[test]
fn an_unknown_rule_id_is_reported_at_its_own_line_not_at_a_comment() {
    let dir = with_orphan();
    append_config(
        dir.path(),
        "[check.rules]\n# stale: we review every quarter, see how-we-plan\nstale = \"warning\"\n",
    );
    let config = std::fs::read_to_string(dir.path().join("align.toml")).unwrap();
    let config = config.replace("stale = \"warning\"", "stal = \"off\"");
    std::fs::write(dir.path().join("align.toml"), &config).unwrap();
    let line = config
        .lines()
        .position(|l| l.starts_with("stal ="))
        .unwrap()
        + 1;
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(&format!("align.toml:{line}:1: error: unknown rule `stal`")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_settings_are_validated() {
    for (text, needle, line) in [
        ("[check]\nstale_days = 30\n", "stale_days", 21),
        ("[check.rules]\nstale = \"fatal\"\n", "fatal", 21),
    ] {
        let dir = clean_with(&[]);
        append_config(dir.path(), text);
        let output = check(dir.path(), &[]);
        assert_eq!(output.status.code(), Some(2), "{text}");
        let text = stderr(&output);
        assert!(text.contains(needle), "{text}");
        assert!(text.contains(&format!("align.toml:{line}:")), "{text}");
    }
}

#[test]
fn stale_after_days_sets_the_staleness_window() {
    // No review to come (which would put them on a review cycle instead).
    let dir = clean_with(&[
        Edit::Replace(PAGE, "review_by = 2027-04-01\n", ""),
        Edit::Replace(
            "content/strategy/self-serve-growth.md",
            "review_by = 2027-03-31\n",
            "",
        ),
    ]);
    // The page was updated on 2026-10-01, 53 days before TODAY.
    append_config(dir.path(), "[check]\nstale_after_days = 30\n");
    let found = findings(dir.path());
    let stale: Vec<&str> = found
        .iter()
        .filter(|f| f["rule"] == "stale")
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        stale.contains(&"./content/pages/how-we-plan.md"),
        "{found:#?}"
    );
    assert!(
        stale.contains(&"./content/strategy/self-serve-growth.md"),
        "{found:#?}"
    );
    assert!(
        found[0]["message"].as_str().unwrap().contains("30 days"),
        "{found:#?}"
    );
}

#[test]
fn a_document_never_updated_is_stale_from_its_creation_and_says_so() {
    let dir = clean_with(&[Edit::Replace(
        PAGE,
        "updated = 2026-10-01\nreview_by = 2027-04-01",
        "created = 2026-04-30",
    )]);
    let found = findings(dir.path());
    let stale: Vec<&str> = (found.iter())
        .filter(|f| f["rule"] == "stale")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        stale,
        [
            "`pages/how-we-plan` (How we plan) was created on 2026-04-30, more than 180 days ago, and has no `updated` date since"
        ],
        "{found:#?}"
    );
}

#[test]
fn a_staleness_window_past_the_calendars_end_makes_nothing_stale() {
    // The largest window there is: no date is that far away, so nothing goes stale (the
    // span once overflowed, and every document went stale, or the run panicked).
    for days in ["7304485", "4294967295"] {
        let dir = clean_with(&[]);
        append_config(dir.path(), &format!("[check]\nstale_after_days = {days}\n"));
        let found = findings(dir.path());
        assert!(found.iter().all(|f| f["rule"] != "stale"), "{found:#?}");
        let build = align(dir.path(), &["build", ".", "--today", TODAY]);
        assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    }
}

// --- formats and exit codes ------------------------------------------------------------

#[test]
fn deny_warnings_decides_the_exit_code() {
    let clean = clean_with(&[]);
    assert_eq!(check(clean.path(), &[]).status.code(), Some(0));
    assert_eq!(
        check(clean.path(), &["--deny", "warnings"]).status.code(),
        Some(0)
    );

    let warned = with_orphan();
    assert_eq!(check(warned.path(), &[]).status.code(), Some(0));
    // `--quiet` leaves out what does not fail the check, in every format.
    assert_eq!(
        stdout(&check(warned.path(), &["--format", "json", "-q"])),
        "[]\n"
    );
    assert_eq!(
        stdout(&check(warned.path(), &["--format", "github", "-q"])),
        ""
    );
    let denied = check(
        warned.path(),
        &["--format", "json", "-q", "--deny", "warnings"],
    );
    assert!(stdout(&denied).contains("orphan-initiative"));
    assert_eq!(
        check(warned.path(), &["--deny", "warnings"]).status.code(),
        Some(1)
    );
    for format in ["json", "github"] {
        assert_eq!(
            check(warned.path(), &["--format", format, "--deny", "warnings"])
                .status
                .code(),
            Some(1),
            "{format}"
        );
    }
    let build = align(warned.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "warnings never fail a build");
    assert!(
        stderr(&build).contains(" [orphan-initiative]\n"),
        "build prints the same warnings: {}",
        stderr(&build)
    );

    let case = cases()
        .into_iter()
        .find(|c| c.rule == "duplicate-id")
        .unwrap();
    let errored = clean_with(&[case.edit]);
    assert_eq!(check(errored.path(), &[]).status.code(), Some(1));
    assert_eq!(
        check(errored.path(), &["--deny", "warnings"]).status.code(),
        Some(1)
    );

    assert_eq!(
        check(clean.path(), &["--deny", "errors"]).status.code(),
        Some(2),
        "usage error"
    );
    assert_eq!(
        check(clean.path(), &["--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        align(clean.path(), &["check", ".", "--today", "23/11/2026"])
            .status
            .code(),
        Some(2)
    );
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        check(empty.path(), &[]).status.code(),
        Some(2),
        "no align.toml"
    );
}

#[test]
fn text_format_shows_the_place_the_source_line_notes_help_and_a_summary() {
    let case = cases()
        .into_iter()
        .find(|c| c.rule == "after-release")
        .unwrap();
    let dir = clean_with(&[case.edit, cases()[0].edit]);
    let output = check(dir.path(), &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a broken reference is an error"
    );
    assert_eq!(stdout(&output), "", "text goes to stderr");
    let text = stderr(&output);
    let expected = "./content/initiatives/guided-setup.md:7:1: warning: initiative I-GUIDED-SETUP (Guided setup checklist) targets 2026-12-04, after its release R-2-4 (2.4.0) on 2026-12-01 [after-release]\n  |\n7 | target = 2026-12-04\n  | ^\n  = note: ./content/releases/2-4-0.md:6:1: the release date\n";
    assert!(text.contains(expected), "{text}");
    assert!(
        text.contains("./content/pages/how-we-plan.md:10:"),
        "{text}"
    );
    assert!(text.contains(": error: "), "{text}");
    assert!(text.contains(" [broken-reference]\n"), "{text}");
    assert!(text.ends_with("1 error, 1 warning\n"), "{text}");

    let orphan = with_orphan();
    let text = stderr(&check(orphan.path(), &[]));
    assert!(
        text.contains("  = help: add `drives = [\"<objective id>#<kr id>\"]`\n"),
        "{text}"
    );
    assert!(text.ends_with("0 errors, 1 warning\n"), "{text}");
}

#[test]
fn github_format_prints_one_annotation_per_finding() {
    let case = cases()
        .into_iter()
        .find(|c| c.rule == "supersession-cycle")
        .unwrap();
    let dir = clean_with(&[case.edit, with_orphan_edit()]);
    let output = check(dir.path(), &["--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "", "annotations only, on stdout");
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0],
        "::error file=./content/decisions/0002-setup-in-onboarding-service.md,line=5,col=15,title=supersession-cycle::decisions supersede each other in a cycle: `decisions/0002-setup-in-onboarding-service` (Keep setup state in the onboarding service) → `decisions/0003-setup-state-on-account` (Store setup progress on the account)"
    );
    assert!(
        lines[1].starts_with(
            "::warning file=./content/initiatives/dark-mode.md,line=1,col=1,title=orphan-initiative::initiative I-DARK-MODE (Dark mode for the technician app) drives no objective"
        ),
        "{out}"
    );
}

#[test]
fn github_annotations_escape_the_file_name() {
    // A file name that holds `,`, `::` and a line end would otherwise forge an annotation.
    let dir = clean_with(&[]);
    let name = "x,y\n::warning file=README.md,line=1::forged.md";
    std::fs::write(
        dir.path().join("content/pages").join(name),
        "+++\ntitle = \"X\"\nowner = \"y\"\n+++\n",
    )
    .unwrap();
    let output = check(dir.path(), &["--format", "github"]);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].starts_with(
            "::error file=./content/pages/x%2Cy%0A%3A%3Awarning file=README.md%2Cline=1%3A%3Aforged.md,line=3,col=1,title=align::"
        ),
        "{out}"
    );
}

fn with_orphan_edit() -> Edit {
    cases()
        .into_iter()
        .find(|c| c.rule == "orphan-initiative")
        .unwrap()
        .edit
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = clean_with(&[with_orphan_edit()]);
    let output = check(dir.path(), &["--format", "json"]);
    assert_eq!(stderr(&output), "", "JSON only, on stdout");
    let found: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let keys: Vec<&str> = found[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "column", "help", "line", "message", "path", "related", "rule", "severity",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(
        stdout(&check(clean_with(&[]).path(), &["--format", "json"])).trim(),
        "[]"
    );
}

#[test]
fn json_output_is_stable() {
    // Run from the repository with a relative project path, so every path is stable.
    let output = align(
        root(),
        &[
            "check",
            "content-example-drift",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("drift_json", stdout(&output));
}

#[test]
fn the_docs_describe_every_rule_with_its_default_severity() {
    let docs = std::fs::read_to_string(root().join("docs/checks.md")).unwrap();
    for rule in align::check::RULES {
        let heading = format!(
            "### `{}`\n\nDefault: **{}**.",
            rule.id,
            rule.severity.as_str()
        );
        assert!(docs.contains(&heading), "docs/checks.md lacks `{heading}`");
        let section = docs.split(&heading).nth(1).unwrap();
        let section = section.split("\n### ").next().unwrap();
        assert!(
            section.contains(&format!(" [{}]\n", rule.id)),
            "docs/checks.md has no example message for `{}`",
            rule.id
        );
    }
    for needle in [
        "stale_after_days",
        "[check.rules]",
        "--format github --deny warnings",
        "| `related[].message` |",
    ] {
        assert!(docs.contains(needle), "docs/checks.md lacks `{needle}`");
    }
}

// --- the drift demo --------------------------------------------------------------------

#[test]
fn the_drift_demo_shows_what_check_finds() {
    let dir = root().join("content-example-drift");
    let found = findings(&dir);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for rule in rules_of(&found) {
        *counts.entry(rule).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        "after-release",
        "dependency-order",
        "orphan-initiative",
        "period-ended",
        "public-links-internal",
        "stale",
        "superseded-without-successor",
        "undriven-key-result",
    ]
    .into_iter()
    .map(|r| (r.to_string(), 1))
    .collect();
    assert_eq!(counts, expected, "{found:#?}");
    assert!(
        found.iter().all(|f| f["severity"] == "warning"),
        "{found:#?}"
    );
    let out = tempfile::tempdir().unwrap();
    let build = align(
        &dir,
        &[
            "build",
            ".",
            "--today",
            TODAY,
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
}

// --- align new -------------------------------------------------------------------------

/// `align new` in `dir`; returns the printed path.
fn new(dir: &Path, kind: &str, title: &str) -> Output {
    align(dir, &["new", kind, title, ".", "--today", TODAY])
}

/// Writes an accepted decision record with this number into `dir`.
fn write_decision(dir: &Path, file: &str, number: u32, title: &str) {
    let text = format!(
        "+++\nnumber = {number}\ntitle = \"{title}\"\nstatus = \"accepted\"\ndate = 2026-11-02\n+++\n\nWhy.\n"
    );
    std::fs::write(dir.join("content/decisions").join(file), text).unwrap();
}

#[cfg(unix)]
#[test]
fn new_writes_nothing_through_a_symlink_out_of_the_project() {
    let dir = clean_with(&[]);
    let outside = tempfile::tempdir().unwrap();
    let pages = dir.path().join("content/pages");
    std::fs::remove_dir_all(&pages).ok();
    std::os::unix::fs::symlink(outside.path(), &pages).unwrap();
    let run = new(dir.path(), "page", "Leaked");
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("leads out of the project through a symlink"),
        "{}",
        stderr(&run)
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // A folder linked within the project is written through, as the loader reads it.
    std::fs::remove_file(&pages).unwrap();
    std::fs::create_dir_all(dir.path().join("shared")).unwrap();
    std::os::unix::fs::symlink("../shared", &pages).unwrap();
    let run = new(dir.path(), "page", "Shared");
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(dir.path().join("shared/shared.md").is_file());
}

#[test]
fn new_decisions_take_the_number_after_the_highest_without_filling_gaps() {
    let dir = clean_with(&[
        Edit::Remove(NEW_DECISION),
        Edit::Replace(
            OLD_DECISION,
            "status = \"superseded\"",
            "status = \"accepted\"",
        ),
        Edit::Replace(GUIDED_SETUP, " The data model follows [[ADR-0003]].", ""),
        Edit::Write(
            "content/decisions/0007-move-to-postgres-16.md",
            "+++\nnumber = 7\ntitle = \"Move to Postgres 16\"\nstatus = \"accepted\"\ndate = 2026-11-02\n+++\n",
        ),
    ]);
    let output = new(dir.path(), "decision", "Adopt feature flags");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "./content/decisions/0008-adopt-feature-flags.md\n"
    );
    let text = std::fs::read_to_string(
        dir.path()
            .join("content/decisions/0008-adopt-feature-flags.md"),
    )
    .unwrap();
    assert!(text.contains("number = 8\n"), "{text}");
    assert!(text.contains("title = \"Adopt feature flags\"\n"), "{text}");
    assert!(
        !dir.path()
            .join("content/decisions/0003-adopt-feature-flags.md")
            .exists()
    );
    let output = new(dir.path(), "decision", "Adopt OpenTelemetry");
    assert_eq!(
        stdout(&output),
        "./content/decisions/0009-adopt-opentelemetry.md\n"
    );
    // Past the highest number there is, nothing is written.
    std::fs::write(
        dir.path().join("content/decisions/4294967295-last.md"),
        "+++\nnumber = 4294967295\ntitle = \"Last\"\nstatus = \"accepted\"\ndate = 2026-11-02\n+++\n",
    )
    .unwrap();
    let output = new(dir.path(), "decision", "One more");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("decision 4294967295 has the highest number there is"),
        "{}",
        stderr(&output)
    );
    assert!(
        !dir.path()
            .join("content/decisions/0000-one-more.md")
            .exists()
    );
}

#[test]
fn new_needs_a_title_and_a_project() {
    let dir = clean_with(&[]);
    // A comment alone is no title: every title leaves its comments out.
    for title in ["  ", "<!-- audience: exec -->"] {
        let output = new(dir.path(), "decision", title);
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            stderr(&output),
            "error: the title is empty: `align new decision \"Title\"`\n"
        );
    }
    assert!(
        !dir.path()
            .join("content/decisions/0004-untitled.md")
            .exists()
    );
    // A folder without align.toml: the config's own error, said once.
    let empty = tempfile::tempdir().unwrap();
    let output = new(empty.path(), "page", "Glossary");
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.starts_with("./align.toml:1:1: error: . has no align.toml, so it is not an align project: `align init .` makes one there"),
        "{text}"
    );
    assert_eq!(text.matches("error:").count(), 1, "{text}");
}

#[test]
fn an_empty_title_is_an_error_at_its_field() {
    let dir = clean_with(&[Edit::Write(
        "content/pages/glossary.md",
        "+++\ntitle = \" \"\nupdated = 2026-11-02\n+++\n\nTerms.\n",
    )]);
    let output = align(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("content/pages/glossary.md:2:1: error: `title` is empty"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn new_decisions_count_record_numbers_and_file_numbers() {
    // The record says 12 although its file is 0004-…: the next is 13.
    let dir = clean_with(&[]);
    write_decision(
        dir.path(),
        "0004-sunset-the-v1-api.md",
        12,
        "Sunset the v1 API",
    );
    let output = new(dir.path(), "decision", "Adopt feature flags");
    assert_eq!(
        stdout(&output),
        "./content/decisions/0013-adopt-feature-flags.md\n",
        "{}",
        stderr(&output)
    );
    // A file named 0020-… whose record says 5: the next is 21.
    let dir = clean_with(&[]);
    write_decision(dir.path(), "0020-pricing-by-seat.md", 5, "Pricing by seat");
    let output = new(dir.path(), "decision", "Adopt feature flags");
    assert_eq!(
        stdout(&output),
        "./content/decisions/0021-adopt-feature-flags.md\n",
        "{}",
        stderr(&output)
    );
}

#[test]
fn new_decisions_start_at_one_and_follow_the_existing_folder() {
    // A project with a config and no content yet.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/check/clean/align.toml"),
        dir.path().join("align.toml"),
    )
    .unwrap();
    let output = new(dir.path(), "decision", "Record decisions");
    assert_eq!(
        stdout(&output),
        "./content/decisions/0001-record-decisions.md\n",
        "{}",
        stderr(&output)
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));

    // Decisions kept in adr/ (a folder that maps to decisions) stay there.
    let dir = clean_with(&[]);
    std::fs::rename(
        dir.path().join("content/decisions"),
        dir.path().join("content/adr"),
    )
    .unwrap();
    let output = new(dir.path(), "decision", "Adopt feature flags");
    assert_eq!(
        stdout(&output),
        "./content/adr/0004-adopt-feature-flags.md\n",
        "{}",
        stderr(&output)
    );

    // So do they when adr/ holds only adr-tools records, without frontmatter.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/check/clean/align.toml"),
        dir.path().join("align.toml"),
    )
    .unwrap();
    let adr = dir.path().join("content/adr");
    std::fs::create_dir_all(&adr).unwrap();
    std::fs::write(
        adr.join("0001-record-architecture-decisions.md"),
        "# 1. Record architecture decisions\n\nDate: 2026-01-05\n\n## Status\n\nAccepted\n",
    )
    .unwrap();
    let output = new(dir.path(), "decision", "Use a queue");
    assert_eq!(
        stdout(&output),
        "./content/adr/0002-use-a-queue.md\n",
        "{}",
        stderr(&output)
    );
}

#[test]
fn new_writes_every_kind_in_a_form_build_accepts() {
    let dir = clean_with(&[]);
    let kinds = [
        (
            "strategy",
            "Own the small-crew market",
            "content/strategy/own-the-small-crew-market.md",
        ),
        (
            "objective",
            "Dispatchers trust the board",
            "content/objectives/dispatchers-trust-the-board.md",
        ),
        (
            "initiative",
            "Offline mode for technicians",
            "content/initiatives/offline-mode-for-technicians.md",
        ),
        ("release", "2.5.0", "content/releases/2-5-0.md"),
        (
            "decision",
            "Sync with CRDTs",
            "content/decisions/0004-sync-with-crdts.md",
        ),
        (
            "change",
            "Jobs can be duplicated",
            "content/changes/jobs-can-be-duplicated.md",
        ),
        (
            "page",
            "Café naïve glossary",
            "content/pages/cafe-naive-glossary.md",
        ),
    ];
    for (kind, title, path) in kinds {
        let output = new(dir.path(), kind, title);
        assert_eq!(output.status.code(), Some(0), "{kind}: {}", stderr(&output));
        assert_eq!(stdout(&output), format!("./{path}\n"), "{kind}");
        let text = std::fs::read_to_string(dir.path().join(path)).unwrap();
        assert!(text.starts_with("+++\n"), "{kind}: {text}");
        assert!(
            text.contains(&format!("title = \"{title}\"")),
            "{kind}: {text}"
        );
    }
    let errors = errors_found(dir.path());
    assert!(errors.is_empty(), "{errors:#?}");
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
}

#[test]
fn new_refuses_to_overwrite_and_rejects_unknown_kinds() {
    let dir = clean_with(&[]);
    let before = std::fs::read(dir.path().join(PAGE)).unwrap();
    let output = new(dir.path(), "page", "How we plan");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(dir.path().join(PAGE)).unwrap(), before);

    let output = new(dir.path(), "epic", "Something big");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown kind `epic`"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("content/epics").exists());

    let output = new(dir.path(), "initative", "Something big");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown kind `initative`: did you mean `initiative`?"),
        "{}",
        stderr(&output)
    );
}

// --- align init ------------------------------------------------------------------------

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn init_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let output = align(dir.path(), &["init", ".", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("align.toml"),
        "prints what it wrote"
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(!stderr(&build).contains("warning"), "{}", stderr(&build));
    let output = check(dir.path(), &["--deny", "warnings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn init_checks_clean_whatever_the_day() {
    for today in [
        "2026-01-01",
        "2026-03-31",
        "2026-06-15",
        "2026-09-30",
        "2026-12-31",
        "2028-02-29",
    ] {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            align(dir.path(), &["init", ".", "--today", today])
                .status
                .success()
        );
        let output = align(
            dir.path(),
            &["check", ".", "--today", today, "--format", "json"],
        );
        assert_eq!(stdout(&output).trim(), "[]", "{today}");
    }
}

#[test]
fn init_into_a_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    let output = align(dir.path(), &["init", "handbook", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(dir.path().join("handbook/align.toml").is_file());
    assert!(stdout(&output).contains("handbook/align.toml"));
    // `--quiet` prints only errors.
    let quiet = align(dir.path(), &["init", "other", "-q", "--today", TODAY]);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(dir.path().join("other/align.toml").is_file());
    assert_eq!((stdout(&quiet).as_str(), stderr(&quiet).as_str()), ("", ""));
    let output = align(
        dir.path(),
        &["check", "handbook", "--today", TODAY, "--deny", "warnings"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn init_names_the_path_it_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes"), "a file").unwrap();
    let output = align(dir.path(), &["init", "notes", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "error: notes is a file, not a folder\n");
    // A folder under that file cannot be made: the error says which.
    let output = align(dir.path(), &["init", "notes/handbook", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: cannot create notes/handbook"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_second_init_refuses_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        align(dir.path(), &["init", ".", "--today", TODAY])
            .status
            .success()
    );
    let before = tree(dir.path());
    let output = align(dir.path(), &["init", ".", "--today", "2027-05-01"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("align.toml"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn init_refuses_existing_content_but_not_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/notes")).unwrap();
    std::fs::write(dir.path().join("content/notes/mine.md"), "# Mine\n").unwrap();
    let before = tree(dir.path());
    let output = align(dir.path(), &["init", ".", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("content"), "{}", stderr(&output));
    assert_eq!(tree(dir.path()), before);
    assert!(!dir.path().join("align.toml").exists());

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let output = align(dir.path(), &["init", ".", "--today", TODAY]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

// --- findings that look wrong ----------------------------------------------------------

#[test]
fn a_decision_replaced_by_one_that_was_itself_replaced_has_a_successor() {
    let dir = clean_with(&[
        Edit::Replace(
            NEW_DECISION,
            "status = \"accepted\"",
            "status = \"superseded\"",
        ),
        Edit::Write(
            "content/decisions/0004-setup-progress-in-events.md",
            "+++\nnumber = 4\ntitle = \"Derive setup progress from account events\"\nstatus = \"accepted\"\ndate = 2026-11-12\ndeciders = [\"Marek Novak\"]\nsupersedes = [\"ADR-0003\"]\n+++\n\nThe column drifted from reality; events do not.\n",
        ),
    ]);
    assert_eq!(findings(dir.path()), Vec::<Value>::new());
}

#[test]
fn a_public_changelog_with_only_planned_releases_is_empty() {
    let dir = clean_with(&[
        Edit::Replace(
            "align.toml",
            "audiences = [\"public\"]",
            "audiences = [\"customers\"]",
        ),
        Edit::Replace(
            NEXT_RELEASE,
            "status = \"planned\"\n",
            "status = \"planned\"\naudience = [\"customers\", \"team\", \"exec\"]\n",
        ),
    ]);
    // The four documents that still name `public`, which no site lists now, are reported
    // as such; the site itself as empty.
    let mut rules = rules_of(&findings(dir.path()));
    rules.sort();
    assert_eq!(
        rules,
        [
            "empty-public-home",
            "unknown-audience",
            "unknown-audience",
            "unknown-audience",
            "unknown-audience"
        ]
    );
}

#[test]
fn unknown_audiences_are_reported_where_they_are_written_and_can_be_turned_off() {
    let edits = [
        Edit::Replace(
            "align.toml",
            "default_audience = [\"team\"]",
            "default_audience = [\"team\", \"staff\"]\n\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"customers\"]",
        ),
        Edit::Write(
            "CHANGELOG.md",
            "# Changelog\n\n## [0.1.0] - 2026-01-10\n\n### Added\n\n- First import.\n\n## [0.0.1] - 2026-01-02\n\n### Added\n\n- Earlier import.\n",
        ),
        Edit::Replace(
            PAGE,
            "starting with [[ADR-0001]].\n",
            "starting with [[ADR-0001]].\n\n<!-- audience: Exec -->\nBudget notes.\n<!-- /audience -->\n",
        ),
        // A record in another tool's format (YAML frontmatter) names its own audience.
        Edit::Write(
            "content/decisions/0004-keep-jobs-in-postgres.md",
            "---\ntitle: Keep jobs in Postgres\nstatus: accepted\ndate: 2026-11-01\naudience: [engineering]\n---\n\n## Context\n\nOne database is enough.\n",
        ),
    ];
    let dir = clean_with(&edits);
    let found: Vec<Value> = findings(dir.path())
        .into_iter()
        .filter(|f| f["rule"] == "unknown-audience")
        .collect();
    let at: Vec<(String, u64)> = found
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let path = path.trim_start_matches("./").to_string();
            (path, f["line"].as_u64().unwrap())
        })
        .collect();
    // One finding per place, none per record of the imported changelog.
    assert_eq!(
        at,
        [
            ("align.toml".to_string(), 2),
            ("align.toml".to_string(), 6),
            (
                "content/decisions/0004-keep-jobs-in-postgres.md".to_string(),
                5
            ),
            ("content/pages/how-we-plan.md".to_string(), 12),
        ],
        "{found:#?}"
    );
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`default_audience`: audience `staff` is listed by no site (the sites list exec, public, team); only the sites of the other audiences listed there show documents that name no audience",
            "`changelog_audience`: audience `customers` is listed by no site (the sites list exec, public, team), so no site shows the imported changelog",
            "audience `engineering` is listed by no site (the sites list exec, public, team), so no site shows `decisions/0004-keep-jobs-in-postgres` (Keep jobs in Postgres)",
            "audience `Exec` is listed by no site (the sites list exec, public, team), so no site shows the text of this audience block in `pages/how-we-plan` (How we plan)",
        ]
    );
    assert_eq!(
        found[3]["help"],
        "audience names are matched exactly: did you mean `exec`?"
    );
    assert!(
        found[1]["help"]
            .as_str()
            .unwrap()
            .contains("unknown-audience = \"off\""),
        "{found:#?}"
    );
    // Hiding on purpose: the rule turned off reports nothing, and the block stays hidden.
    let mut off = edits.to_vec();
    off.push(Edit::Replace(
        "align.toml",
        "public = true",
        "public = true\n\n[check.rules]\nunknown-audience = \"off\"",
    ));
    let dir = clean_with(&off);
    assert!(
        !rules_of(&findings(dir.path())).contains(&"unknown-audience".to_string()),
        "the rule is off"
    );
    let build = align(dir.path(), &["build", ".", "--today", TODAY]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    for entry in walkdir::WalkDir::new(dir.path().join("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("Budget notes"),
                "{} shows the hidden block",
                entry.path().display()
            );
        }
    }
}

#[test]
fn placeholders_are_reported_once_per_document_naming_where_they_are() {
    let dir = clean_with(&[
        Edit::Replace(
            PUBLIC_CHANGE,
            "release = \"R-2-3\"\n",
            "release = \"R-2-3\"\nsummary = \"TODO: in words a customer understands\"\n",
        ),
        Edit::Replace(
            PAGE,
            "starting with [[ADR-0001]].\n",
            "starting with [[ADR-0001]].\n\n## Cadence\n\n- TODO\n- TODOS are tracked elsewhere\n\n```\nTODO inside code is code\n```\nTODO: the review calendar.\n",
        ),
    ]);
    let found: Vec<Value> = findings(dir.path())
        .into_iter()
        .filter(|f| f["rule"] == "placeholder")
        .collect();
    let messages: Vec<(&str, u64)> = found
        .iter()
        .map(|f| (f["message"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "`changes/csv-import` (Import customers from a spreadsheet) still holds `TODO` placeholders: `summary`, and the public site `public` shows it",
                5
            ),
            (
                "`pages/how-we-plan` (How we plan) still holds `TODO` placeholders: 2 lines of the body",
                14
            ),
        ],
        "{found:#?}"
    );
    // Two public sites show it: both are named.
    let dir = clean_with(&[
        Edit::Replace(
            PUBLIC_CHANGE,
            "release = \"R-2-3\"\n",
            "release = \"R-2-3\"\nsummary = \"TODO\"\n",
        ),
        Edit::Replace(
            "align.toml",
            "public = true",
            "public = true\n\n[sites.press]\ntitle = \"Press\"\naudiences = [\"public\"]\nhome = \"changelog\"\npublic = true",
        ),
    ]);
    assert!(
        placeholder_message(dir.path())
            .ends_with("`summary`, and the public sites `press` and `public` show it")
    );
    // What `align new` writes is reported until it is filled in.
    let dir = clean_with(&[]);
    let written = new(dir.path(), "initiative", "Offline mode");
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(placeholder_message(dir.path()).ends_with(
        "still holds `TODO` placeholders: `owners`, `rationale` and 3 lines of the body"
    ));
}

/// The message of the one `placeholder` finding in the project at `dir`.
fn placeholder_message(dir: &Path) -> String {
    let found = findings(dir);
    let messages: Vec<&str> = found
        .iter()
        .filter(|f| f["rule"] == "placeholder")
        .filter_map(|f| f["message"].as_str())
        .collect();
    match messages.as_slice() {
        [one] => one.to_string(),
        _ => panic!("{found:#?}"),
    }
}

#[test]
fn an_empty_public_home_points_at_its_site() {
    let case = cases()
        .into_iter()
        .find(|c| c.rule == "empty-public-home")
        .unwrap();
    let dir = clean_with(&[case.edit]);
    let found = findings(dir.path());
    // [sites.public] is line 14; its `home` key is line 17.
    assert!(
        found[0]["line"] == 14 || found[0]["line"] == 17,
        "{found:#?}"
    );
}

#[test]
fn change_entries_never_go_stale() {
    let dir = clean_with(&[Edit::Write(
        "content/changes/faster-board.md",
        "+++\ntitle = \"The dispatch board loads twice as fast\"\ncategory = \"changed\"\nrelease = \"R-2-2\"\naudience = [\"public\", \"team\", \"exec\"]\ncreated = 2026-02-02\n+++\n\nLarge crews see their board in under a second.\n",
    )]);
    assert_eq!(findings(dir.path()), Vec::<Value>::new());
}

#[test]
fn a_cancelled_initiative_has_no_schedule_to_check() {
    let schedule_rules = |dir: &Path| -> Vec<String> {
        rules_of(&findings(dir))
            .into_iter()
            .filter(|r| r == "dependency-order" || r == "outside-period")
            .collect()
    };
    // Cancelled before it started, with the dates it had when it was planned too early…
    let dir = clean_with(&[Edit::Replace(
        TRIAL_NUDGES,
        "status = \"planned\"\nhorizon = \"next\"\nstart = 2026-12-07",
        "status = \"cancelled\"\nhorizon = \"next\"\nstart = 2026-11-30",
    )]);
    assert_eq!(schedule_rules(dir.path()), Vec::<String>::new());
    // …or once it had slipped into next year.
    let dir = clean_with(&[Edit::Replace(
        TRIAL_NUDGES,
        "status = \"planned\"\nhorizon = \"next\"\nstart = 2026-12-07\ntarget = 2026-12-23",
        "status = \"cancelled\"\nhorizon = \"next\"\nstart = 2027-01-11\ntarget = 2027-02-26",
    )]);
    assert_eq!(schedule_rules(dir.path()), Vec::<String>::new());
}

#[test]
fn new_writes_where_the_folder_gives_the_kind() {
    let dir = clean_with(&[Edit::Write(
        "content/growth/referrals.md",
        "+++\nkind = \"initiative\"\nid = \"I-REFERRALS\"\ntitle = \"Referral credits\"\nstatus = \"planned\"\nhorizon = \"later\"\ndrives = [\"O-ACTIVATION#kr2\"]\n+++\n\nA month free for each referred team.\n",
    )]);
    let output = new(dir.path(), "initiative", "Partner referrals");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let errors = errors_found(dir.path());
    assert!(errors.is_empty(), "{} wrote {errors:#?}", stdout(&output));
}

#[cfg(target_os = "linux")]
#[test]
fn findings_that_cannot_be_written_fail_the_check() {
    // A finding to write in each format (JSON writes `[]` for none).
    let dir = clean_with(&[Edit::Write(
        "content/pages/todo.md",
        "+++\ntitle = \"Notes\"\n+++\nTODO: write the notes\n",
    )]);
    for format in ["json", "github"] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_align"))
            .args(["check", ".", "--format", format, "--today", TODAY])
            .current_dir(dir.path())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}");
        assert!(
            stderr(&output).contains("cannot write the findings"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn new_gives_titles_of_one_file_name_names_of_their_own() {
    let dir = clean_with(&[]);
    let phase = |n: u32| {
        format!(
            "Migrate the billing service from the legacy monolith to the new platform: phase {n}"
        )
    };
    let mut written = Vec::new();
    for title in [
        phase(1),
        phase(2),
        "日本語".into(),
        "Привет мир".into(),
        "🚀".into(),
        "✨".into(),
    ] {
        let output = new(dir.path(), "initiative", &title);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{title}: {}",
            stderr(&output)
        );
        written.push(stdout(&output).trim().to_string());
    }
    assert_eq!(
        written,
        [
            "./content/initiatives/migrate-the-billing-service-from-the-legacy-monolith-to-the.md",
            "./content/initiatives/migrate-the-billing-service-from-the-legacy-monolith-to-the-2.md",
            // Another script keeps its letters; a title of none is untitled.
            "./content/initiatives/日本語.md",
            "./content/initiatives/привет-мир.md",
            "./content/initiatives/untitled.md",
            "./content/initiatives/untitled-2.md",
        ]
    );
    // The same title again would repeat a document that is there.
    let output = new(dir.path(), "initiative", &phase(2));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("already exists, with that title"),
        "{}",
        stderr(&output)
    );
    // A decision's number makes each file name new, so its title is what is compared.
    let first = new(dir.path(), "decision", "Adopt event sourcing");
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let again = new(dir.path(), "decision", "adopt event sourcing ");
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    let written = stdout(&first).trim().to_string();
    assert!(
        stderr(&again).contains(&format!("{written} already exists, with that title")),
        "{}",
        stderr(&again)
    );
    let errors = errors_found(dir.path());
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn new_takes_no_name_another_file_has_in_another_case_nor_a_title_with_a_wiki_link() {
    let dir = clean_with(&[]);
    std::fs::write(
        dir.path().join("content/pages/FAQ.md"),
        "+++\ntitle = \"Frequently asked\"\n+++\n",
    )
    .unwrap();
    let output = new(dir.path(), "page", "faq");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "./content/pages/faq-2.md");
    let rules = rules_of(&findings(dir.path()));
    assert!(!rules.iter().any(|r| r == "case-clash"), "{rules:?}");
    let output = new(dir.path(), "page", "See [[S-GROWTH]]");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("holds a wiki link"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("content/pages/see-s-growth.md").exists());
}

#[test]
fn names_that_differ_from_a_site_s_own_files_only_in_case_are_told_and_never_copied_over() {
    let dir = clean_with(&[]);
    std::fs::write(
        dir.path().join("content/Index.md"),
        "+++\ntitle = \"Index\"\n+++\nx\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    std::fs::write(
        dir.path().join("static/Robots.txt"),
        "User-agent: *\nAllow: /canary\n",
    )
    .unwrap();
    let found = findings(dir.path());
    let at = |file: &str, rule: &str| {
        found
            .iter()
            .any(|f| f["path"].as_str().is_some_and(|p| p.ends_with(file)) && f["rule"] == rule)
    };
    assert!(at("content/Index.md", "case-clash"), "{found:#?}");
    assert!(
        at("static/Robots.txt", "shadowed-static-file"),
        "{found:#?}"
    );
    let out = dir.path().join("out");
    let output = align(
        dir.path(),
        &["build", ".", "--out", "out", "--today", TODAY],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for site in ["exec", "team", "public"] {
        assert!(!out.join(site).join("Robots.txt").exists(), "{site}");
        let robots = std::fs::read_to_string(out.join(site).join("robots.txt")).unwrap();
        assert!(!robots.contains("canary"), "{site}: {robots}");
    }
}

#[test]
fn new_names_the_kind_where_folders_give_its_folder_to_another() {
    let dir = clean_with(&[]);
    // No initiative yet, and `initiatives/` holds pages.
    std::fs::remove_dir_all(dir.path().join("content/initiatives")).unwrap();
    let config = dir.path().join("align.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[folders]\ninitiatives = \"page\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("content/initiatives")).unwrap();
    std::fs::write(
        dir.path().join("content/initiatives/overview.md"),
        "# Overview\n",
    )
    .unwrap();
    let output = new(dir.path(), "initiative", "Faster sync");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let path = dir.path().join(stdout(&output).trim());
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.starts_with("+++\nkind = \"initiative\"\n"),
        "{written}"
    );
    // The fixture's references to the initiatives removed aside.
    let errors: Vec<Value> = errors_found(dir.path())
        .into_iter()
        .filter(|f| f.to_string().contains("faster-sync"))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn an_error_in_the_project_s_own_templates_fails_the_check_as_it_fails_the_build() {
    let dir = clean_with(&[]);
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let default =
        std::fs::read_to_string(root().join("themes/default/templates/page.html")).unwrap();
    // One that does not parse, one that names a value no page has, and a good one.
    let cases = [
        (
            "_broken.html",
            "{{ broken".to_string(),
            "templates/_broken.html:1:",
        ),
        (
            "page.html",
            default.replacen(
                "{% block content %}",
                "{% block content %}{{ doc.nonexistent.deep }}",
                1,
            ),
            "templates/page.html:",
        ),
    ];
    for (name, text, place) in cases {
        std::fs::write(templates.join(name), &text).unwrap();
        let checked = check(dir.path(), &[]);
        let built = align(
            dir.path(),
            &["build", ".", "--today", TODAY, "--out", "out"],
        );
        assert_eq!(built.status.code(), Some(2), "{name}: {}", stderr(&built));
        assert_eq!(
            checked.status.code(),
            Some(2),
            "{name}: {}",
            stderr(&checked)
        );
        assert!(
            stderr(&checked).contains(place),
            "{name}: {}",
            stderr(&checked)
        );
        // No count of the content's findings, which would read as a check that passed.
        let said = stderr(&checked);
        assert!(!said.contains("0 errors, "), "{name}: {said}");
        // A program reading the findings gets none, as for any error of exit status 2.
        for format in ["json", "github"] {
            let read = check(dir.path(), &["--format", format]);
            assert_eq!(read.status.code(), Some(2), "{name}: {format}");
            assert_eq!(stdout(&read), "", "{name}: {format}");
            assert!(stderr(&read).contains(place), "{name}: {format}");
        }
        std::fs::remove_file(templates.join(name)).unwrap();
    }
    page_template_with(dir.path(), "<aside>Ask the team.</aside>");
    let checked = check(dir.path(), &[]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
}

#[test]
fn a_cycle_of_includes_or_extends_is_placed_at_the_tag_that_closes_it() {
    let dir = clean_with(&[]);
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let cases = [
        (
            [
                ("_a.html", "<p>a</p>\n{% include \"_b.html\" %}\n"),
                ("_b.html", "<p>b</p>\n\n  {% include '_a.html' %}\n"),
            ],
            "templates/_b.html:3:6: error: Circular include",
        ),
        (
            [
                ("_a.html", "{% extends \"_b.html\" %}\n"),
                ("_b.html", "\n{% extends \"_a.html\" %}\n"),
            ],
            "templates/_b.html:2:4: error: Circular extend",
        ),
    ];
    for (files, place) in cases {
        for (name, text) in files {
            std::fs::write(templates.join(name), text).unwrap();
        }
        for command in ["check", "build"] {
            let ran = align(dir.path(), &[command, ".", "--today", TODAY]);
            assert_eq!(ran.status.code(), Some(2), "{}", stderr(&ran));
            assert!(stderr(&ran).contains(place), "{command}: {}", stderr(&ran));
        }
    }
}

#[test]
fn a_broken_reference_kept_as_a_warning_is_plain_text_on_the_page() {
    let dir = clean_with(&[Edit::Write(
        "content/pages/refs.md",
        "+++\ntitle = \"Refs\"\nupdated = 2026-11-02\n+++\n\nA [gone](../nothing.md), [an anchor](how-we-plan.md#nope) and <b>bold</b>.\n\nB [gone too](../nothing.md).\n",
    )]);
    let config = dir.path().join("align.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[check.rules]\nbroken-reference = \"warning\"\n"),
    )
    .unwrap();
    let build = align(
        dir.path(),
        &["build", ".", "--today", TODAY, "--out", "out"],
    );
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert_eq!(
        stderr(&build).matches("[broken-reference]").count(),
        3,
        "{}",
        stderr(&build)
    );
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/refs.html")).unwrap();
    // Text where nothing is published to lead to, whatever else the body holds.
    for text in ["A gone, an anchor and <b>bold</b>.", "B gone too."] {
        assert!(html.contains(text), "{text}: {html}");
    }
    assert!(!html.contains(".md"), "{html}");
}

#[test]
fn a_reference_to_an_id_two_documents_use_adds_no_error_of_its_own() {
    // Sorted first, the page takes every reference to the objective, which is not
    // reported again as of the wrong kind or without its key results.
    let dir = clean_with(&[Edit::Write(
        "content/aa/dup.md",
        "+++\nid = \"O-ACTIVATION\"\ntitle = \"Dup\"\n+++\nx\n",
    )]);
    let found = errors_found(dir.path());
    let errors: Vec<&str> = (found.iter())
        .map(|f| f["rule"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(errors, ["duplicate-id"], "{found:?}");
}

#[test]
fn verbose_says_what_each_stage_took() {
    let dir = clean_with(&[]);
    let quiet = check(dir.path(), &[]);
    assert!(
        !stderr(&quiet).contains("documents in"),
        "{}",
        stderr(&quiet)
    );
    let verbose = align(dir.path(), &["--verbose", "check", ".", "--today", TODAY]);
    assert_eq!(verbose.status.code(), Some(0), "{}", stderr(&verbose));
    let said = stderr(&verbose);
    let line = said
        .lines()
        .find(|l| l.starts_with("loaded "))
        .unwrap_or_else(|| panic!("{said}"));
    let documents = std::fs::read_dir(dir.path().join("content"))
        .unwrap()
        .map(|kind| std::fs::read_dir(kind.unwrap().path()).unwrap().count())
        .sum::<usize>();
    assert!(
        line.starts_with(&format!("loaded {documents} documents in ")),
        "{line}"
    );
    assert!(
        line.contains(" ms, checked in ") && line.ends_with(" ms"),
        "{line}"
    );
    // With templates of its own, the render that checks them too.
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/_note.html"), "<p>note</p>").unwrap();
    let verbose = align(dir.path(), &["-v", "check", ".", "--today", TODAY]);
    assert!(
        stderr(&verbose).contains("checked the project's templates in "),
        "{}",
        stderr(&verbose)
    );
}

#[test]
fn an_imported_changelog_s_release_date_that_names_no_day_is_unreadable() {
    // A release dated on a day no calendar has.
    let dir = clean_with(&[
        IMPORT_CHANGELOG,
        Edit::Write(
            "CHANGELOG.md",
            "# Changelog\n\n## [2.5.0] - 2026-13-45\n\n### Added\n\n- Shortcuts for the board.\n",
        ),
    ]);
    let found: Vec<(String, u64)> = findings(dir.path())
        .iter()
        .filter(|f| f["rule"] == "unreadable-date")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("./CHANGELOG.md".to_string(), 3)]);
}

#[test]
fn an_imported_changelog_s_release_date_read_one_of_two_ways_says_so() {
    // 2 March or February 3: read day first, as a record's date is. `2026-03-04` and
    // `25/03/2026` (only one reading) are no finding.
    let dir = clean_with(&[
        IMPORT_CHANGELOG,
        Edit::Write(
            "CHANGELOG.md",
            "# Changelog\n\n## [2.6.0] - 02/03/2026\n\n### Added\n\n- Shortcuts for the board.\n\n\
             ## [2.5.0] - 25/02/2026\n\n### Fixed\n\n- Dates.\n\n\
             ## [2.4.0] - 2026-01-04\n\n### Fixed\n\n- Times.\n",
        ),
    ]);
    let found = placed(dir.path(), "ambiguous-date");
    assert_eq!(
        found,
        [(
            "CHANGELOG.md".to_string(),
            3,
            "`02/03/2026` could be 2026-03-02 or 2026-02-03; read day first as 2026-03-02: write dates as YYYY-MM-DD to be sure".to_string()
        )]
    );
}

#[test]
fn an_empty_audience_setting_is_reported_once_at_the_setting() {
    // Every release and change of the changelog hidden: one finding, not one per entry.
    let dir = clean_with(&[
        Edit::Replace(
            "align.toml",
            "default_audience = [\"team\"]",
            "default_audience = []\n\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = []",
        ),
        Edit::Write(
            "CHANGELOG.md",
            "# Changelog\n\n## [0.1.0] - 2026-01-10\n\n### Added\n\n- First import.\n- Second.\n\n\
             <!-- audience: team -->\n- For the team.\n<!-- /audience -->\n\n\
             ## [0.0.1] - 2026-01-02\n\n### Added\n\n- Earlier import.\n",
        ),
    ]);
    let found = placed(dir.path(), "unknown-audience");
    assert_eq!(
        found,
        [
            (
                "align.toml".to_string(),
                2,
                "`default_audience` is empty, so no site shows documents that name no audience"
                    .to_string()
            ),
            (
                "align.toml".to_string(),
                6,
                "`changelog_audience` is empty, so no site shows the imported changelog"
                    .to_string()
            ),
        ]
    );
}

/// The findings of `rule`: each one's path (from the project folder), line and message.
fn placed(dir: &Path, rule: &str) -> Vec<(String, u64, String)> {
    findings(dir)
        .into_iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            (
                path.trim_start_matches("./").to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_path_from_the_root_to_nothing_on_the_site_is_a_missing_file() {
    let dir = clean_with(&[
        Edit::Write("static/img/calendar.svg", "<svg/>\n"),
        // A hidden file of `static/` is no file of the site: a build leaves it out.
        Edit::Write("static/img/.draft.svg", "<svg/>\n"),
        Edit::Replace(
            PAGE,
            "starting with [[ADR-0001]].\n",
            "starting with [[ADR-0001]].\n\n\
             ![Calendar](/img/calendar.svg) ![Style](/assets/style.css) [Roadmap](/roadmap.html)\n\
             [Home](/) [Lists](/lists/) [This page](/pages/how-we-plan.html#top) [Plan](/pages/how-we-plan.md)\n\
             [Elsewhere](//cdn.example/x.js)\n\n\
             ![Gone](/img/gone.svg) [Escape](/../../secret.txt) ![Draft](/img/.draft.svg)\n",
        ),
    ]);
    let found = placed(dir.path(), "missing-file");
    let lines: Vec<(u64, &str)> = found
        .iter()
        .map(|(path, line, message)| {
            assert_eq!(path, PAGE);
            (*line, message.split(':').next().unwrap())
        })
        .collect();
    assert_eq!(
        lines,
        [
            (16, "link to a missing file `/img/gone.svg`"),
            (16, "link to a missing file `/../../secret.txt`"),
            (16, "link to a missing file `/img/.draft.svg`"),
        ]
    );
}

#[test]
fn a_cycle_of_imported_records_is_placed_at_their_status_lines() {
    // adr-tools records that each say the other superseded them: the relation is written
    // in each one's status, which is where the finding and its next step point.
    let dir = clean_with(&[
        Edit::Write(
            "content/decisions/0007-use-a.md",
            "# 7. Use A\n\nDate: 2026-10-01\n\n## Status\n\nSuperseded by [8. Use B](0008-use-b.md)\n\n## Context\n\nOne.\n",
        ),
        Edit::Write(
            "content/decisions/0008-use-b.md",
            "# 8. Use B\n\nDate: 2026-10-02\n\n## Status\n\nSuperseded by [7. Use A](0007-use-a.md)\n\n## Context\n\nTwo.\n",
        ),
    ]);
    let found: Vec<Value> = findings(dir.path())
        .into_iter()
        .filter(|f| f["rule"] == "supersession-cycle")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    let place = |v: &Value| {
        (
            v["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("./")
                .to_string(),
            v["line"].as_u64().unwrap(),
        )
    };
    assert_eq!(
        place(&found[0]),
        ("content/decisions/0008-use-b.md".to_string(), 7)
    );
    assert_eq!(
        place(&found[0]["related"][0]),
        ("content/decisions/0007-use-a.md".to_string(), 7)
    );
}

#[test]
fn a_changelog_version_too_long_for_a_page_name_is_placed_at_its_heading() {
    let version = format!("1.0.0-{}", "a".repeat(300));
    let dir = clean_with(&[IMPORT_CHANGELOG]);
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        format!("# Changelog\n\n## [2.0.0] - 2026-02-01\n\n### Added\n\n- Short.\n\n## [{version}] - 2026-01-02\n\n### Added\n\n- Long one.\n"),
    )
    .unwrap();
    let errors: Vec<(String, u64)> = findings(dir.path())
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            assert!(
                f["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("the file name is too long for its page"),
                "{f}"
            );
            let path = f["path"].as_str().unwrap();
            (
                path.trim_start_matches("./").to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(errors, [("CHANGELOG.md".to_string(), 9)]);
}

#[test]
fn a_public_release_whose_changes_are_all_hidden_is_reported_as_the_site_shows_it() {
    let dir = clean_with(&[
        Edit::Replace(
            PUBLIC_CHANGE,
            "audience = [\"public\", \"team\", \"exec\"]",
            "audience = [\"team\", \"exec\"]",
        ),
        // A second change of 2.3.0, for the team only too.
        Edit::Write(
            "content/changes/import-preview.md",
            "+++\ntitle = \"Preview an import\"\ncategory = \"added\"\nrelease = \"R-2-3\"\naudience = [\"team\"]\n+++\n\nSee the rows before they are imported.\n",
        ),
        // A public release without any change is not reported: its summary may say it all.
        Edit::Write(
            "content/releases/2-3-1.md",
            "+++\nid = \"R-2-3-1\"\ntitle = \"2.3.1\"\nversion = \"2.3.1\"\nstatus = \"released\"\ndate = 2026-09-28\nsummary = \"Security updates of the libraries we use.\"\naudience = [\"public\", \"team\", \"exec\"]\n+++\n",
        ),
    ]);
    let found = findings(dir.path());
    assert_eq!(
        rules_of(&found),
        ["release-without-public-changes"],
        "{found:#?}"
    );
    assert_eq!(
        found[0]["message"],
        "release R-2-3 (2.3.0) went out, but the public site `public` shows none of its 2 changes, so that site's changelog says \"No changes listed.\" for it"
    );
    // What the message says is what the public changelog shows, and only there.
    let out = align(
        dir.path(),
        &["build", ".", "--today", TODAY, "--out", "out", "--quiet"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let public = std::fs::read_to_string(dir.path().join("out/public/index.html")).unwrap();
    let entry = &public[public.find("2.3.0</a>").unwrap()..];
    let entry = &entry[..entry.find("</section>").unwrap()];
    assert!(entry.contains("No changes listed."), "{entry}");
    assert!(!public.contains("Preview an import"));
    let team = std::fs::read_to_string(dir.path().join("out/team/changelog.html")).unwrap();
    assert!(team.contains("Preview an import"));
}

#[test]
fn footnotes_and_raw_html_ids_are_checked_by_the_ids_the_page_gives_them() {
    let dir = clean_with(&[
        Edit::Write(
            "content/pages/glossary.md",
            "+++\ntitle = \"Glossary\"\nupdated = 2026-11-02\n+++\n\n## Fn main\n\nA term[^main].\n\n<div id=\"faq\"></div>\n\n[^main]: Its note.\n\n[the heading](#fn-main) [the note](#fn-main-1) [the label](#main-note)\n",
        ),
        Edit::Write(
            "content/pages/faq.md",
            "+++\ntitle = \"FAQ\"\nupdated = 2026-11-02\n+++\n\nSee [the note](glossary.md#fn-main-1) and [the questions](glossary.md#faq).\n",
        ),
    ]);
    let found = findings(dir.path());
    assert_eq!(rules_of(&found), ["broken-anchor"], "{found:#?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("`#main-note`"),
        "{found:#?}"
    );
    // Remove the one bad link: the build writes the ids the check accepted.
    Edit::Replace("content/pages/glossary.md", " [the label](#main-note)", "").apply(dir.path());
    let out = align(
        dir.path(),
        &["build", ".", "--today", TODAY, "--out", "out", "--quiet"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.path().join("out/team/pages/glossary.html")).unwrap();
    for id in ["id=\"fn-main\"", "id=\"fn-main-1\"", "id=\"faq\""] {
        assert!(page.contains(id), "{id}: {page}");
    }
    let faq = std::fs::read_to_string(dir.path().join("out/team/pages/faq.html")).unwrap();
    assert!(
        faq.contains("href=\"../pages/glossary.html#fn-main-1\"")
            && faq.contains("href=\"../pages/glossary.html#faq\""),
        "{faq}"
    );
}

#[test]
fn records_of_two_folders_numbered_apart_are_told_to_be_cited_by_path_id() {
    let record = "# 3. Send digests weekly\n\nDate: 2026-10-02\n\n## Status\n\nAccepted\n\n## Context\n\nDaily digests went unread.\n\n## Decision\n\nThey go out on Mondays.\n";
    let dir = clean_with(&[Edit::Write(
        "content/decisions/adr/0003-send-digests-weekly.md",
        record,
    )]);
    let found = findings(dir.path());
    assert_eq!(rules_of(&found), ["duplicate-number"], "{found:#?}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("records of two folders are numbered apart, so cite this one by its path id, `decisions/adr/0003-send-digests-weekly`, or give it the next free number"),
        "{message}"
    );
    // In one folder, the advice is to renumber.
    let dir = clean_with(&[Edit::Write(
        "content/decisions/0003-send-digests-weekly.md",
        record,
    )]);
    let found = findings(dir.path());
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("; give this one the next free number"),
        "{found:#?}"
    );
}

#[test]
fn two_folders_numbered_apart_are_told_once_with_the_numbers_they_share() {
    let record = |n: u32, folder: &str| {
        Edit::Write(
            Box::leak(format!("content/decisions/{folder}/{n:04}-record-{folder}.md").into_boxed_str()),
            Box::leak(
                format!("# {n}. Record {n} of {folder}\n\nDate: 2026-10-02\n\n## Status\n\nAccepted\n\n## Context\n\nC.\n\n## Decision\n\nD.\n")
                    .into_boxed_str(),
            ),
        )
    };
    let edits: Vec<Edit> = [101, 102, 103, 105]
        .into_iter()
        .flat_map(|n| [record(n, "madr"), record(n, "nygard")])
        .chain([record(107, "nygard")])
        .collect();
    let dir = clean_with(&edits);
    let found = findings(dir.path());
    assert_eq!(rules_of(&found), ["duplicate-number"], "{found:#?}");
    assert_eq!(
        found[0]["message"].as_str().unwrap(),
        "the records of `decisions/nygard` and `decisions/madr` share 4 numbers (101–103, 105): `ADR-0101`, `ADR-101` and the like lead to the records of `decisions/madr`; the two folders are numbered apart, so cite the records of `decisions/nygard` by their path ids (`decisions/nygard/0101-record-nygard`), or renumber them"
    );
    assert!(
        found[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("content/decisions/nygard/0101-record-nygard.md"),
        "{found:#?}"
    );
    // Two of one number in the second folder clash there as well.
    let mut edits = edits;
    edits.push(Edit::Write(
        "content/decisions/nygard/0101-record-again.md",
        "# 101. Again\n\nDate: 2026-10-02\n\n## Status\n\nAccepted\n\n## Context\n\nC.\n\n## Decision\n\nD.\n",
    ));
    let found = findings(clean_with(&edits).path());
    assert_eq!(
        rules_of(&found),
        ["duplicate-number", "duplicate-number"],
        "{found:#?}"
    );
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(&"records `decisions/nygard/0101-record-again` and `decisions/nygard/0101-record-nygard` of one folder are both decision 101; give this one the next free number"),
        "{messages:#?}"
    );
}

#[test]
fn a_review_date_to_come_puts_a_document_on_a_review_cycle_instead_of_stale() {
    let written = |review: &str| {
        Edit::Replace(
            PAGE,
            "updated = 2026-10-01\nreview_by = 2027-04-01",
            Box::leak(format!("updated = 2025-11-01{review}").into_boxed_str()),
        )
    };
    // A year untouched, no review date: stale.
    let dir = clean_with(&[written("")]);
    assert_eq!(rules_of(&findings(dir.path())), ["stale"]);
    // With a review to come, nothing yet.
    let dir = clean_with(&[written("\nreview_by = 2026-12-14")]);
    assert_eq!(rules_of(&findings(dir.path())), Vec::<String>::new());
    // Once it passes, the review is overdue, and that alone is said.
    let dir = clean_with(&[written("\nreview_by = 2026-11-14")]);
    assert_eq!(rules_of(&findings(dir.path())), ["review-overdue"]);
}

/// `é` is one character or `e` and a combining accent (as macOS once wrote file names): a
/// link typed either way finds the file named the other way, and two files whose names
/// differ only so are a `case-clash`, as macOS reads them as one.
#[test]
fn accents_written_either_way_name_the_same_page() {
    let composed = "caf\u{e9}";
    let decomposed = "cafe\u{301}";
    let project = common::Project::new()
        .file(
            &format!("content/pages/{decomposed}.md"),
            "+++\ntitle = \"Coffee\"\n+++\nx\n",
        )
        .file(
            "content/pages/a.md",
            &format!("+++\ntitle = \"A\"\n+++\n[[pages/{composed}]] and [c]({composed}.md)\n"),
        );
    project.check().success();
    project.build().success();
    let page = project.site("team").main("pages/a.html");
    assert!(
        page.contains(r#"<a href="../pages/cafe%CC%81.html">Coffee</a> and <a href="../pages/cafe%CC%81.html">c</a>"#),
        "{page}"
    );
    project.write(
        &format!("content/pages/{composed}.md"),
        "+++\ntitle = \"Coffee again\"\n+++\ny\n",
    );
    let check = project.check();
    check.success();
    let warnings: Vec<String> = (check.warnings().into_iter())
        .filter(|w| !w.contains("empty-public-home"))
        .collect();
    assert!(
        warnings.len() == 1
            && warnings[0].contains("differ only in how their accents are written")
            && warnings[0].ends_with("[case-clash]"),
        "{}",
        check.stderr()
    );
}

/// A name is one name however its accents are typed: a team, an audience, an id and a
/// heading written with a combining accent (as macOS keyboards and file names give
/// them) are the same as the one letter, and a word's marks stay in its anchor.
#[test]
fn names_typed_with_accents_apart_are_one_name() {
    let config = common::CONFIG.replace(
        "audiences = [\"team\"]",
        "audiences = [\"team\", \"e\u{301}quipe\"]",
    );
    let page = |id: &str, team: &str, audience: &str| {
        format!(
            "+++\ntitle = \"T {id}\"\nid = \"{id}\"\nteam = \"{team}\"\naudience = [\"{audience}\"]\n+++\n## Cafe\u{301} Cre\u{300}me\n\n## हिन्दी भाषा\n\n[a](#café-crème) [b](#हिन्दी-भाषा)\n"
        )
    };
    let project = common::Project::new()
        .config(&config)
        .file(
            "content/pages/a.md",
            &page("P-1", "Caf\u{e9}", "\u{e9}quipe"),
        )
        .file(
            "content/pages/b.md",
            &page("P-2", "Cafe\u{301}", "e\u{301}quipe"),
        );
    let check = project.check();
    check.success();
    let warnings: Vec<String> = (check.warnings().into_iter())
        .filter(|w| !w.contains("empty-public-home"))
        .collect();
    assert_eq!(warnings, Vec::<String>::new(), "{}", check.stderr());
    project.build().success();
    let team = project.site("team");
    // Both pages are on the site that lists the audience, under one team page.
    assert!(team.exists("pages/a.html") && team.exists("pages/b.html"));
    let teams = team.read("lists/team/caf\u{e9}.html");
    assert!(
        teams.contains("T P-1") && teams.contains("T P-2"),
        "{teams}"
    );
    assert!(!team.exists("lists/team/cafe.html"));
    let body = team.main("pages/b.html");
    assert!(
        body.contains(r#"<h2 id="café-crème">Café Crème</h2>"#)
            && body.contains(r##"<a href="#caf%C3%A9-cr%C3%A8me">a</a>"##)
            && body.contains(r#"<h2 id="हिन्दी-भाषा">"#),
        "{body}"
    );
    // An id escaped apart in TOML is the other's id again.
    project.write(
        "content/pages/c.md",
        "+++\ntitle = \"C\"\nid = \"P-\\u00c9\"\n+++\nx\n",
    );
    project.write(
        "content/pages/d.md",
        "+++\ntitle = \"D\"\nid = \"P-E\\u0301\"\n+++\nx\n",
    );
    let check = project.check();
    assert!(
        check.stderr().contains("duplicate id `P-\u{c9}`"),
        "{}",
        check.stderr()
    );
}
