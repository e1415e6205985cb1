//! `align build` end to end: every class of content error with its place, leaks, output
//! safety and determinism, on small projects written into temp dirs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CONFIG: &str = r#"title = "T"
default_audience = ["team"]

[sites.exec]
title = "Exec"
audiences = ["exec", "team"]
home = "roadmap"

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

/// A project in a temp dir; files are written relative to its root.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Self {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        project.file("align.toml", CONFIG);
        project
    }

    fn file(&self, path: &str, text: &str) -> &Self {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_align"))
            .args(args)
            .current_dir(self.path())
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap()
    }

    /// Builds into `out` (relative to the project).
    fn build(&self, out: &str) -> Output {
        self.run(&["build", ".", "--out", out, "--today", "2026-11-23"])
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Every file under a folder, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

fn site_contains(dir: &Path, needle: &str) -> bool {
    files(dir).iter().any(|f| {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        String::from_utf8_lossy(&bytes).contains(needle)
    })
}

/// Asserts exit 1 and a `path:line` error whose message contains `words`.
fn assert_error(project: &Project, place: &str, words: &str) {
    let output = project.build("out");
    let text = stderr(&output);
    assert_eq!(code(&output), 1, "{text}");
    let line = text
        .lines()
        .find(|l| l.contains(place) && l.contains("error"))
        .unwrap_or_else(|| panic!("no error at {place} in:\n{text}"));
    assert!(line.contains(words), "{line}");
    assert!(
        !project.path().join("out").exists(),
        "nothing is written on errors"
    );
}

#[test]
fn unknown_field_names_field_and_line() {
    let p = Project::new();
    p.file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ncolour = \"red\"\n+++\nx\n",
    );
    assert_error(&p, "content/pages/a.md:3:1", "unknown field `colour`");
}

#[test]
fn bad_date_bad_enum_and_wrong_type() {
    let p = Project::new();
    p.file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ncreated = \"March 3\"\n+++\n",
    );
    p.file(
        "content/initiatives/b.md",
        "+++\ntitle = \"B\"\nstatus = \"done\"\n+++\n",
    );
    p.file("content/pages/c.md", "+++\ntitle = 42\n+++\n");
    let output = p.build("out");
    let text = stderr(&output);
    assert_eq!(code(&output), 1);
    assert!(
        text.contains("content/pages/a.md:3:1: error: field `created`: `March 3` is not a date"),
        "{text}"
    );
    assert!(
        text.contains("content/initiatives/b.md:3:1: error: field `status`: `done` is not one of"),
        "{text}"
    );
    assert!(
        text.contains(
            "content/pages/c.md:2:1: error: field `title`: expected a string, found a number"
        ),
        "{text}"
    );
    assert!(
        text.contains("error: build failed with 3 errors"),
        "every error is reported: {text}"
    );
}

#[test]
fn errors_show_the_offending_line() {
    let p = Project::new();
    p.file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ncolour = \"red\"\n+++\n",
    );
    let text = stderr(&p.build("out"));
    assert!(text.contains("3 | colour = \"red\""), "{text}");
}

#[test]
fn unclosed_frontmatter_and_missing_title() {
    let p = Project::new();
    p.file("content/pages/a.md", "+++\ntitle = \"A\"\n");
    p.file("content/pages/b.md", "no heading here\n");
    let text = stderr(&p.build("out"));
    assert!(
        text.contains(
            "content/pages/a.md:1:1: error: frontmatter opened with `+++` is never closed"
        ),
        "{text}"
    );
    assert!(
        text.contains("content/pages/b.md:1:1: error: document has no title"),
        "{text}"
    );
}

#[test]
fn broken_references_in_fields_and_bodies() {
    let p = Project::new();
    p.file("content/objectives/o.md", "+++\nid = \"O-1\"\ntitle = \"O\"\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 1\n+++\n## Notes\n");
    p.file(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\ndrives = [\"O-1#kr9\"]\n+++\n\nSee [[nowhere]] and [x](../objectives/o.md#nope) and [[O-1#notes]].\n",
    );
    let text = stderr(&p.build("out"));
    assert!(
        text.contains(
            "content/initiatives/i.md:3:1: error[broken-reference]: field `drives`: `O-1#kr9`"
        ),
        "{text}"
    );
    assert!(text.contains("content/initiatives/i.md:6:5: error[broken-reference]: broken link: `nowhere` names no document"), "{text}");
    assert!(
        text.contains("`#nope` is neither a key result nor a heading"),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.contains("error") && l.contains("#notes")),
        "a heading anchor resolves: {text}"
    );
}

#[test]
fn wrong_target_kind_and_duplicate_ids() {
    let p = Project::new();
    p.file(
        "content/pages/p.md",
        "+++\nid = \"X\"\ntitle = \"P\"\n+++\n",
    );
    p.file(
        "content/pages/q.md",
        "+++\nid = \"X\"\ntitle = \"Q\"\n+++\n",
    );
    p.file(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\ndrives = [\"pages/p\"]\n+++\n",
    );
    let text = stderr(&p.build("out"));
    assert!(
        text.contains("must name an objective or key result, but `pages/p` is a page"),
        "{text}"
    );
    let duplicate = text
        .lines()
        .find(|l| l.contains("duplicate id `X`"))
        .unwrap();
    assert!(
        duplicate.contains("content/pages/q.md:2:1") && duplicate.contains("content/pages/p.md"),
        "{duplicate}"
    );
}

#[test]
fn audience_markers_fail_closed() {
    let p = Project::new();
    p.file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\nx\n<!-- audience: exec -->\nsecret\n",
    );
    p.file(
        "content/pages/b.md",
        "+++\ntitle = \"B\"\n+++\n<!-- /audience -->\n",
    );
    let text = stderr(&p.build("out"));
    assert!(
        text.contains("content/pages/a.md:5:1: error: audience block is never closed"),
        "{text}"
    );
    assert!(
        text.contains(
            "content/pages/b.md:4:1: error: `<!-- /audience -->` closes no open audience block"
        ),
        "{text}"
    );
}

#[test]
fn config_errors_exit_2_with_key_and_line() {
    let p = Project::new();
    p.file(
        "align.toml",
        &format!(
            "{CONFIG}\n[sites.extra]\ntitle = \"E\"\naudiences = [\"team\"]\nhoem = \"roadmap\"\n"
        ),
    );
    let output = p.build("out");
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("align.toml:23:1: error: unknown field `hoem`"),
        "{}",
        stderr(&output)
    );
    let p = leak_project();
    let output = p.run(&["build", ".", "--site", "nope"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("no site named `nope`"));
}

fn leak_project() -> Project {
    let p = Project::new();
    p.file(
        "content/objectives/hidden-canary-path.md",
        "+++\nid = \"CANARY-ID\"\ntitle = \"CANARY-HIDDEN-TITLE\"\nsummary = \"CANARY-SUMMARY\"\naudience = [\"exec\"]\n+++\nCANARY-HIDDEN-BODY\n",
    );
    p.file(
        "content/objectives/visible.md",
        "+++\nid = \"O-V\"\ntitle = \"Visible objective\"\npublic_title = \"Public objective\"\nowners = [\"CANARY-OWNER\"]\naudience = [\"public\", \"team\"]\n[extra]\nbudget = \"CANARY-EXTRA\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"Reach\"\nbaseline = 0\ntarget = 100\ncurrent = 4242.5\nconfidence = 0.123456\n\n[[key_results.checkins]]\ndate = 2026-11-01\nvalue = 37.77\nnote = \"CANARY-NOTE\"\n+++\nOpen text. <!-- CANARY-COMMENT -->\n\n<!-- audience: exec -->\nCANARY-BLOCK\n<!-- /audience -->\n\nSee [[CANARY-ID]], [[CANARY-ID|a labelled link]] and [rel](hidden-canary-path.md).\n",
    );
    p
}

#[test]
fn nothing_hidden_reaches_any_byte_of_a_site_that_may_not_show_it() {
    let p = leak_project();
    assert_eq!(code(&p.build("out")), 0, "{}", stderr(&p.build("out")));
    let out = p.path().join("out");
    for canary in [
        "CANARY-HIDDEN-TITLE",
        "CANARY-ID",
        "hidden-canary-path",
        "CANARY-SUMMARY",
        "CANARY-HIDDEN-BODY",
        "CANARY-BLOCK",
    ] {
        assert!(
            !site_contains(&out.join("team"), canary),
            "{canary} leaked into team"
        );
        assert!(
            !site_contains(&out.join("public"), canary),
            "{canary} leaked into public"
        );
        assert!(
            site_contains(&out.join("exec"), canary),
            "{canary} must reach exec"
        );
    }
    for canary in [
        "CANARY-OWNER",
        "CANARY-EXTRA",
        "CANARY-NOTE",
        "4242.5",
        "37.77",
        "0.123456",
        "Visible objective",
    ] {
        assert!(
            !site_contains(&out.join("public"), canary),
            "{canary} leaked into public"
        );
        assert!(
            site_contains(&out.join("team"), canary),
            "{canary} must reach team"
        );
    }
    assert!(site_contains(&out.join("public"), "Public objective"));
    for site in ["exec", "team", "public"] {
        assert!(
            !site_contains(&out.join(site), "CANARY-COMMENT"),
            "comments reach no site"
        );
    }
    let team = std::fs::read_to_string(out.join("team/objectives/visible.html")).unwrap();
    assert!(
        team.contains("See [restricted], a labelled link and rel."),
        "{team}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let p = leak_project();
    assert_eq!(code(&p.build("one")), 0);
    assert_eq!(code(&p.build("two")), 0);
    let (one, two) = (p.path().join("one"), p.path().join("two"));
    assert_eq!(files(&one), files(&two));
    for file in files(&one) {
        assert_eq!(
            std::fs::read(one.join(&file)).unwrap(),
            std::fs::read(two.join(&file)).unwrap(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let p = leak_project();
    assert_eq!(code(&p.build("out")), 0);
    let out = p.path().join("out");
    let before: Vec<(PathBuf, Vec<u8>)> = files(&out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect();
    p.file("content/pages/broken.md", "+++\ntitle = \n+++\n");
    assert_eq!(code(&p.build("out")), 1);
    let after: Vec<(PathBuf, Vec<u8>)> = files(&out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn out_is_refused_where_it_could_destroy_work() {
    let p = leak_project();
    for out in [".", "content", ".."] {
        let output = p.run(&["build", ".", "--out", out]);
        assert_eq!(code(&output), 2, "--out {out}: {}", stderr(&output));
    }
    p.file("mine/keep.txt", "precious");
    let output = p.run(&["build", ".", "--out", "mine"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("was not made by align"));
    assert_eq!(
        std::fs::read_to_string(p.path().join("mine/keep.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn one_site_and_removed_pages() {
    let p = leak_project();
    p.file("content/pages/gone.md", "+++\ntitle = \"Gone soon\"\n+++\n");
    assert_eq!(
        code(&p.run(&["build", ".", "--out", "out", "--site", "team"])),
        0
    );
    assert!(p.path().join("out/team/pages/gone.html").exists());
    assert!(!p.path().join("out/exec").exists());
    std::fs::remove_file(p.path().join("content/pages/gone.md")).unwrap();
    assert_eq!(code(&p.build("out")), 0);
    assert!(!p.path().join("out/team/pages/gone.html").exists());
    assert!(p.path().join("out/exec/index.html").exists());
}
