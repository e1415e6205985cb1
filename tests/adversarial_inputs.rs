//! Hostile or broken input never panics or hangs: every run ends in a few seconds with
//! exit 0, 1 or 2 and no panic message.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = "title = \"T\"\ndefault_audience = [\"team\"]\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n";

/// A project made of `files` in a temp dir.
fn project<P: AsRef<Path>>(files: &[(P, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("align.toml"), CONFIG).unwrap();
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// Builds a project made of `files`; returns the exit code and stderr.
fn build<P: AsRef<Path>>(files: &[(P, Vec<u8>)]) -> (i32, String, tempfile::TempDir) {
    let dir = project(files);
    let (code, stderr) = run(dir.path());
    (code, stderr, dir)
}

fn run(dir: &Path) -> (i32, String) {
    let out = dir.join("out");
    let (dir, out) = (dir.to_str().unwrap(), out.to_str().unwrap());
    run_align(&["build", dir, "--out", out, "-q"])
}

/// Runs align with `args`; returns the exit code and stderr.
fn run_align(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_align"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read while it runs: a child that fills the pipe waits for a reader.
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut pipe, &mut stderr).unwrap();
        stderr
    });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stderr = reader.join().unwrap();
            let code = status.code().expect("exited, not killed by a signal");
            assert!(matches!(code, 0..=2), "exit {code}: {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            return (code, stderr);
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn page(body: &str) -> Vec<u8> {
    format!("+++\ntitle = \"P\"\n+++\n{body}").into_bytes()
}

#[test]
fn yaml_alias_bomb_is_bounded() {
    let mut yaml = String::from("---\nstatus: accepted\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        yaml.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    yaml.push_str("---\n# Bomb\n");
    let (code, stderr, _) = build(&[("content/decisions/0001-bomb.md", yaml.into_bytes())]);
    assert_eq!(code, 1, "{stderr}");
    // In the author's words, not the parser's (`budget breached: Nodes { .. }`).
    assert!(
        stderr.contains("0001-bomb.md:") && stderr.contains("error: invalid YAML frontmatter: the frontmatter is past what align reads safely: it expands to too many values"),
        "{stderr}"
    );
    assert!(!stderr.contains("budget"), "{stderr}");
}

#[test]
fn deep_nesting_in_frontmatter() {
    let toml = format!(
        "+++\ntitle = \"T\"\n[extra]\nx = {}1{}\n+++\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let yaml = format!(
        "---\nextra: {}1{}\n---\n# Deep\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (code, stderr, _) = build(&[
        ("content/pages/t.md", toml.into_bytes()),
        ("content/decisions/0001-d.md", yaml.into_bytes()),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("0001-d.md:2:")
            && stderr.contains(
                "past what align reads safely: its lists and tables are nested too deeply"
            ),
        "{stderr}"
    );
}

#[test]
fn huge_lines_and_deep_markdown() {
    let line = "word ".repeat(1_000_000);
    let quotes = format!("{}deep\n", "> ".repeat(20_000));
    let lists: String = (0..20_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    let (code, stderr, dir) = build(&[
        ("content/pages/line.md", page(&line)),
        ("content/pages/quotes.md", page(&quotes)),
        (
            "content/pages/lists.md",
            page(&lists[..lists.len().min(2_000_000)]),
        ),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("out/team/pages/line.html").exists());
}

#[test]
fn thousands_of_headings_of_one_title_get_their_anchors_in_moments() {
    // Each heading looked for its anchor among all before it, number by number: 5,000
    // took 42 s.
    let body = "## Notes\n\n".repeat(20_000) + "See [the last](#notes-19999).\n";
    let (code, stderr, dir) = build(&[("content/pages/log.md", page(&body))]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/log.html")).unwrap();
    assert!(html.contains("<h2 id=\"notes-19999\">"));
    assert_eq!(html.matches("<h2 id=\"notes").count(), 20_000);
}

#[test]
fn thousands_of_headings_and_links_in_audience_blocks_are_built_in_moments() {
    // Each link to a heading went through every heading before it and every block around
    // each (20,000 of each took minutes), and each link listed every block around it.
    let body: String = (0..20_000)
        .map(|n| format!("<!-- audience: team -->\n## Part {n}\n[here](#part-{n}) [[log#part-{n}]]\n<!-- /audience -->\n<!-- audience: exec -->\n## Part {n}\n<!-- /audience -->\n"))
        .collect();
    let (code, stderr, dir) = build(&[("content/pages/log.md", page(&body))]);
    assert_eq!(code, 0, "{stderr}");
    // The team site shows its own parts only, and numbers them so.
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/log.html")).unwrap();
    assert!(
        html.contains("<h2 id=\"part-19999\">Part 19999</h2>\n<p><a href=\"#part-19999\">here</a> <a href=\"../pages/log.html#part-19999\">P</a>"),
        "{}",
        &html[html.len().saturating_sub(800)..]
    );
    // Blocks nested deeper than sixteen are an error, said once, and found in moments.
    let nested = "<!-- audience: team -->\n## Deep\n[[log#deep]]\n".repeat(20_000)
        + &"<!-- /audience -->\n".repeat(20_000);
    let (code, stderr, _dir) = build(&[("content/pages/log.md", page(&nested))]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.matches("nest more than 16 deep").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_nul_byte_is_read_as_the_replacement_character_and_never_written() {
    let (code, stderr, dir) = build(&[(
        "content/pages/nul.md",
        b"+++\ntitle = \"Nul\"\n+++\nhello\0world\n".to_vec(),
    )]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read(dir.path().join("out/team/pages/nul.html")).unwrap();
    assert!(!html.contains(&0), "a NUL byte in the page");
    assert!(
        String::from_utf8(html)
            .unwrap()
            .contains("hello\u{fffd}world")
    );
}

#[test]
fn thousands_of_errors_in_one_file_are_printed_in_moments() {
    // Each finding read and split its whole file again to show its line, and each
    // unknown key looked for its line among all the keys: 50,000 took 30 s.
    let keys: String = (0..30_000).map(|n| format!("k{n} = 1\n")).collect();
    let text = format!("+++\ntitle = \"P\"\n{keys}+++\nBody.\n");
    let (code, stderr, _dir) = build(&[("content/pages/p.md", text.into_bytes())]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("error: unknown field").count(), 30_000);
    assert!(
        stderr.contains("p.md:30002:1: error: unknown field `k29999` (put free-form data under `extra`)\n      |\n30002 | k29999 = 1\n"),
        "{}",
        &stderr[stderr.len().saturating_sub(500)..]
    );
}

#[test]
fn an_objective_of_thousands_of_key_results_and_check_ins_is_read_in_moments() {
    // Each check-in's line was found by reading the frontmatter from its start once for
    // every check-in before it (2,000 took 51 s), each key result's line by reading it
    // from its start, and the roadmap asked for every key result of the objective once
    // for each of its undriven key results (20,000 took 16 s).
    let krs: String = (0..5_000)
        .map(|n| {
            format!("[[key_results]]\nid = \"k{n}\"\ntitle = \"K{n}\"\nbaseline = 0\ntarget = 1\n")
        })
        .collect();
    // The last key result's check-ins; the last of them dated before the period.
    let checkins: String = (0..5_000)
        .map(|n| {
            let date = if n == 4_999 {
                "2026-09-30"
            } else {
                "2026-11-01"
            };
            format!("[[key_results.checkins]]\ndate = {date}\nvalue = {n}\n")
        })
        .collect();
    let text = format!("+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\n{krs}{checkins}+++\nBody.\n");
    let files = [("content/objectives/o.md", text.into_bytes())];
    let (code, stderr, dir) = build(&files);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("out/team/objectives/o.html")).unwrap();
    assert!(page.contains("id=\"kr-k4999\""));
    let (code, stderr) = run_align(&[
        "check",
        dir.path().to_str().unwrap(),
        "--today",
        "2026-11-23",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("o.md:40002:1: warning: key result `k4999` of `objectives/o` (O): check-in on 2026-09-30 is outside the period 2026-Q4 [checkin-outside-period]"),
        "{stderr}"
    );
}

#[test]
fn odd_bytes_and_names() {
    let (code, stderr, dir) = build(&[
        (
            "content/pages/bom.md",
            b"\xef\xbb\xbf+++\r\ntitle = \"Bom\"\r\n+++\r\nbody\r\n".to_vec(),
        ),
        ("content/pages/é 文 name.md", page("unicode name")),
        ("content/pages/.hidden.md", page("never built")),
        ("content/pages/space name.md", page("spaces")),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let team = dir.path().join("out/team/pages");
    assert!(
        team.join("bom.html").exists()
            && team.join("é 文 name.html").exists()
            && team.join("space name.html").exists()
    );
    assert!(!team.join(".hidden.html").exists());
    let (code, stderr, _) = build(&[
        (
            "content/pages/bad.md",
            b"+++\ntitle = \"x\"\n+++\n\xff\xfe".to_vec(),
        ),
        ("content/pages/empty.md", Vec::new()),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("bad.md:4:1: error: file is not valid UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("empty.md:1:1: error: document has no title"),
        "{stderr}"
    );
}

#[test]
fn broken_config_exits_2() {
    for config in [&b""[..], b"\x00\x01\x02garbage\xff"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("align.toml"), config).unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        assert_eq!(run(dir.path()).0, 2);
    }
}

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_the_project() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "+++\ntitle = \"OUTSIDE-SECRET-42\"\n+++\n",
    )
    .unwrap();
    let (_, _, dir) = build(&[("content/pages/a.md", page("fine"))]);
    let pages = dir.path().join("content/pages");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), pages.join("leak.md")).unwrap();
    std::os::unix::fs::symlink(outside.path(), pages.join("shared")).unwrap();
    std::os::unix::fs::symlink(&pages, pages.join("loop")).unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 0, "{stderr}");
    // Both are named, and neither file's text is quoted in the report.
    let (_, found) = run_align(&["check", dir.path().to_str().unwrap()]);
    for link in ["leak.md", "shared"] {
        assert!(
            found.contains(&format!(
                "{link}:1:1: warning: symlink points outside the project; skipped"
            )),
            "{found}"
        );
    }
    assert!(!found.contains("OUTSIDE-SECRET-42"), "{found}");
    let out = dir.path().join("out/team");
    let mut stack = vec![out];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                assert!(!text.contains("OUTSIDE-SECRET-42"), "{}", path.display());
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinks_under_static_and_templates_are_named_and_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("key.txt"), "OUTSIDE-SECRET-43").unwrap();
    std::fs::write(outside.path().join("page.html"), "OUTSIDE-TEMPLATE-44").unwrap();
    let (_, _, dir) = build(&[
        ("content/pages/a.md", page("fine")),
        ("static/real.txt", b"mine".to_vec()),
    ]);
    let link = |from: &Path, to: &str| std::os::unix::fs::symlink(from, dir.path().join(to));
    link(&outside.path().join("key.txt"), "static/key.txt").unwrap();
    link(outside.path(), "static/shared").unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    link(&outside.path().join("page.html"), "templates/page.html").unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 0, "{stderr}");
    let (_, stderr) = run_align(&["check", dir.path().to_str().unwrap()]);
    for (link, said) in [
        (
            "static/key.txt",
            "static/ is not followed, so it is not published",
        ),
        (
            "static/shared",
            "static/ is not followed, so it is not published",
        ),
        (
            "templates/page.html",
            "templates/ is not followed, so the default theme's template of its name is used",
        ),
    ] {
        assert!(
            stderr.contains(&format!("{link}:1:1: warning: a symlink under {said}")),
            "{link}: {stderr}"
        );
    }
    let site = dir.path().join("out/team");
    assert_eq!(
        std::fs::read_to_string(site.join("real.txt")).unwrap(),
        "mine"
    );
    assert!(!site.join("key.txt").exists() && !site.join("shared").exists());
    let page = std::fs::read_to_string(site.join("pages/a.html")).unwrap();
    assert!(
        page.contains("<main") && !page.contains("OUTSIDE-TEMPLATE-44"),
        "{page}"
    );
    assert!(!stderr.contains("OUTSIDE-SECRET-43"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn content_as_a_symlink_is_read_inside_the_project_and_an_error_outside() {
    let (code, stderr, dir) = build(&[("content/pages/a.md", page("fine"))]);
    assert_eq!(code, 0, "{stderr}");
    let before = tree(&dir.path().join("out"));
    // Moved out of the project and linked in: every site would be published empty.
    let outside = tempfile::tempdir().unwrap();
    std::fs::rename(dir.path().join("content"), outside.path().join("plans")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("plans"), dir.path().join("content")).unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("content:1:1: error: content/ is a symlink that leads outside the project"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("plans"),
        "its target is not named: {stderr}"
    );
    assert!(
        tree(&dir.path().join("out")) == before,
        "the last output stays"
    );
    // Linked to a folder inside the project: read there.
    std::fs::remove_file(dir.path().join("content")).unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::rename(outside.path().join("plans"), dir.path().join("docs/plans")).unwrap();
    std::os::unix::fs::symlink("docs/plans", dir.path().join("content")).unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(dir.path().join("out/team/pages/a.html").exists());
}

#[cfg(unix)]
#[test]
fn a_symlink_back_to_the_project_reads_no_document_twice() {
    let (_, _, dir) = build(&[("content/pages/a.md", page("fine"))]);
    let pages = dir.path().join("content/pages");
    std::os::unix::fs::symlink(dir.path(), pages.join("up")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("content"), pages.join("again")).unwrap();
    let (code, found) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{found}");
    assert!(
        found.contains("pages/up:1:1: warning: symlink leads back to a folder holding content/"),
        "{found}"
    );
    assert!(
        found.contains("pages/again:1:1: warning: symlink loop; skipped"),
        "{found}"
    );
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 0, "{stderr}");
    let pages: Vec<_> = std::fs::read_dir(dir.path().join("out/team/pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(pages, ["a.html"]);
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_an_error_naming_the_file() {
    use std::os::unix::ffi::OsStrExt;
    let (_, _, dir) = build(&[("content/pages/a.md", page("fine"))]);
    let pages = dir.path().join("content/pages");
    // Two names that would both read `caf�` if guessed at.
    for name in [&b"caf\xe9.md"[..], &b"caf\xe8.md"[..]] {
        std::fs::write(pages.join(std::ffi::OsStr::from_bytes(name)), page("x")).unwrap();
    }
    let (code, found) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{found}");
    assert_eq!(
        found
            .matches(".md:1:1: error: the file's path is not valid UTF-8: rename it")
            .count(),
        2,
        "{found}"
    );
    assert!(!found.contains("duplicate path id"), "{found}");
}

#[cfg(unix)]
#[test]
fn a_static_file_whose_name_is_not_utf8_fails_the_build_instead_of_being_renamed() {
    use std::os::unix::ffi::OsStrExt;
    let (code, _, dir) = build(&[("content/pages/a.md", page("fine"))]);
    assert_eq!(code, 0);
    let before = std::fs::read(dir.path().join("out/team/pages/a.html")).unwrap();
    let files = dir.path().join("static/files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join(std::ffi::OsStr::from_bytes(b"caf\xe9.pdf")), "x").unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("static/files/caf") && stderr.contains("name is not valid UTF-8"),
        "{stderr}"
    );
    // The last output stays as it was.
    assert_eq!(
        std::fs::read(dir.path().join("out/team/pages/a.html")).unwrap(),
        before
    );
    assert!(!dir.path().join("out/team/files").exists());
    // `check` fails on it as `build` does.
    let (code, stderr) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("name is not valid UTF-8"), "{stderr}");
}

#[test]
fn a_linked_file_never_overwrites_a_page() {
    let (code, stderr, dir) = build(&[
        ("content/pages/a.md", page("See [the file](b.html).\n")),
        ("content/pages/b.md", page("The real page B.\n")),
        ("content/pages/b.html", b"<p>RAW FILE</p>".to_vec()),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "a.md:4:5: error: the linked file `b.html` would be published at pages/b.html"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("out/team").exists(), "nothing was written");
}

#[cfg(unix)]
#[test]
fn dangling_symlinks_and_unreadable_files_name_the_file() {
    let (_, _, dir) = build(&[("content/pages/a.md", page("fine"))]);
    let pages = dir.path().join("content/pages");
    std::os::unix::fs::symlink(pages.join("nowhere.md"), pages.join("gone.md")).unwrap();
    // Two links to each other lead nowhere either.
    std::os::unix::fs::symlink("l2.md", pages.join("l1.md")).unwrap();
    std::os::unix::fs::symlink("l1.md", pages.join("l2.md")).unwrap();
    // A hidden one is skipped unread and unsaid: Emacs marks a file it edits so.
    std::os::unix::fs::symlink("root@host.1234:1700000000", pages.join(".#a.md")).unwrap();
    std::os::unix::fs::symlink("nowhere", dir.path().join("content/.#b")).unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("out/team/pages/a.html").exists());
    let (_, found) = run_align(&["check", dir.path().to_str().unwrap()]);
    for (link, said) in [
        (
            "gone.md",
            "symlink to nothing: what it points to is not there; skipped",
        ),
        ("l1.md", "symlink loop; skipped"),
        ("l2.md", "symlink loop; skipped"),
    ] {
        assert!(
            found.contains(&format!("pages/{link}:1:1: warning: {said}\n")),
            "{link}: {found}"
        );
    }
    // Where the link points is not said: it may be outside the project.
    assert!(!found.contains("nowhere.md"), "{found}");
    assert!(!found.contains(".#"), "{found}");
    for link in ["l1.md", "l2.md"] {
        std::fs::remove_file(pages.join(link)).unwrap();
    }

    let locked = pages.join("locked.md");
    std::fs::write(&locked, page("locked")).unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("skipped the unreadable file: running as root, every file is readable");
        return;
    }
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("locked.md:1:1: error: cannot read"),
        "{stderr}"
    );
    // A folder that cannot be read fails the build too: its documents would be missing
    // from every site, and the last output stays as it was.
    std::fs::remove_file(&locked).unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 0, "{stderr}");
    let before = tree(&dir.path().join("out"));
    let folder = dir.path().join("content/locked");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("x.md"), page("x")).unwrap();
    std::fs::set_permissions(&folder, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let (code, stderr) = run(dir.path());
    std::fs::set_permissions(&folder, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("locked:1:1: error: cannot read"),
        "{stderr}"
    );
    assert_eq!(tree(&dir.path().join("out")), before);
}

#[test]
fn lone_carriage_returns_end_lines_in_errors_too() {
    // Found by the `document` fuzz target: an error's line counted lone CRs as line ends
    // while the quoted source line did not.
    let (code, stderr, _) = build(&[(
        "content/pages/old-mac.md",
        b"+++\rtitle = \"A\"\rtags = [\"a\" \"b\"]\r+++\rbody\r".to_vec(),
    )]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("old-mac.md:3:"), "{stderr}");
    assert!(stderr.contains("3 | tags = [\"a\" \"b\"]"), "{stderr}");
}

#[test]
fn documents_never_take_the_paths_a_site_writes_itself() {
    let (code, stderr, dir) = build(&[
        (
            "content/decisions.md",
            page("would replace the decision log"),
        ),
        (
            "content/lists/mine.md",
            page("would sit among the generated lists"),
        ),
        ("content/pages/fine.md", page("fine")),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("decisions.md:1:1: error: `decisions` would be written to decisions.html"),
        "{stderr}"
    );
    assert!(
        stderr.contains("mine.md:1:1: error: `lists/mine` would be written to lists/mine.html"),
        "{stderr}"
    );
    assert!(!dir.path().join("out/team").exists(), "nothing was written");
}

/// The `href`s of `html` that lead into `lists/`, resolved against the folder of the page.
fn list_links(page: &Path) -> Vec<std::path::PathBuf> {
    let html = std::fs::read_to_string(page).unwrap();
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.contains("lists/") && !href.ends_with("lists/index.html"))
        .map(|href| page.parent().unwrap().join(href))
        .collect()
}

#[test]
fn long_statuses_tags_and_teams_get_list_pages_a_file_system_can_hold() {
    let sentence = "superseded in part by the hosting decision of the platform team, and the rest of it is kept until the migration of every service is done and verified";
    let long_tag = "x".repeat(300);
    let nygard = format!(
        "# 1. Host on one platform\n\nDate: 2024-03-01\n\n## Status\n\n{sentence}\n\n## Context\n\nThree hosts.\n\n## Decision\n\nOne.\n"
    );
    let tagged = format!(
        "+++\ntitle = \"Tagged\"\nteam = \"{}\"\ntags = [\"{long_tag}\", \"{long_tag} y\"]\n+++\nBody.\n",
        "Platform ".repeat(40)
    );
    let (code, stderr, dir) = build(&[
        ("content/decisions/0001-host.md", nygard.into_bytes()),
        (
            "content/decisions/0002-odd.md",
            b"# 2. Odd status\n\n## Status\n\n??\n\n## Decision\n\nNone.\n".to_vec(),
        ),
        ("content/pages/tagged.md", tagged.into_bytes()),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let site = dir.path().join("out/team");
    let mut names = Vec::new();
    for folder in ["lists/status/decision", "lists/tag", "lists/team"] {
        for entry in std::fs::read_dir(site.join(folder)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(name.len() <= 105, "{folder}/{name}");
            names.push(format!("{folder}/{name}"));
        }
    }
    names.sort();
    // Two tags that start alike keep pages of their own.
    let tags: Vec<_> = names
        .iter()
        .filter(|n| n.starts_with("lists/tag/"))
        .collect();
    assert_eq!(tags.len(), 2, "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with(
            "lists/status/decision/superseded-in-part-by-the-hosting-decision-of-the-platform-team-and-the-rest-of-it-is-"
        )),
        "{names:?}"
    );
    // Every link to a list page leads to one that was written.
    let pages = [
        site.join("pages/tagged.html"),
        site.join("decisions.html"),
        site.join("decisions/0001-host.html"),
        site.join("decisions/0002-odd.html"),
    ];
    let links: Vec<_> = pages.iter().flat_map(|p| list_links(p)).collect();
    assert!(links.len() >= 5, "{links:?}");
    assert!(names.contains(&"lists/status/decision/u3f-3f.html".to_string()));
    for link in links {
        assert!(link.exists(), "{} leads nowhere", link.display());
    }
}

#[test]
fn a_file_name_too_long_for_its_page_is_an_error_that_names_the_file() {
    let stem = "a".repeat(252);
    let (code, stderr, dir) = build(&[
        (format!("content/pages/{stem}.md").as_str(), page("long")),
        ("content/pages/fine.md", page("fine")),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{stem}.md:1:1: error: the file name is too long for its page: `{stem}.html` would be 257 bytes, and file systems allow 255; shorten the name"
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("out/team").exists(), "nothing was written");
    // One byte shorter, the page fits.
    let stem = "a".repeat(250);
    let (code, stderr, dir) = build(&[(&format!("content/pages/{stem}.md"), page("long"))]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        dir.path()
            .join(format!("out/team/pages/{stem}.html"))
            .exists()
    );
}

/// Eighty decisions and eighty initiatives, each superseding or depending on the two
/// before it; the first decision names the last when `close_decisions`, the first
/// initiative the last when `close_initiatives`.
fn woven(close_decisions: bool, close_initiatives: bool) -> Vec<(String, Vec<u8>)> {
    let refs = |i: usize, close: bool, name: &dyn Fn(usize) -> String| {
        let mut refs: Vec<String> = (i.saturating_sub(2).max(1)..i).map(name).collect();
        if close && i == 1 {
            refs.push(name(80));
        }
        let quoted: Vec<String> = refs.iter().map(|r| format!("\"{r}\"")).collect();
        quoted.join(", ")
    };
    let mut files = Vec::new();
    for i in 1..=80usize {
        let supersedes = refs(i, close_decisions, &|j| format!("decisions/{j:04}-d"));
        let depends_on = refs(i, close_initiatives, &|j| format!("I-{j}"));
        files.push((
            format!("content/decisions/{i:04}-d.md"),
            format!("+++\ntitle = \"D{i}\"\nstatus = \"accepted\"\ndate = 2026-01-01\nsupersedes = [{supersedes}]\n+++\nBody.\n").into_bytes(),
        ));
        files.push((
            format!("content/initiatives/i{i}.md"),
            format!("+++\nid = \"I-{i}\"\ntitle = \"I{i}\"\nstatus = \"planned\"\ndepends_on = [{depends_on}]\n+++\nBody.\n").into_bytes(),
        ));
    }
    files
}

#[test]
fn relations_written_every_which_way_are_checked_in_moments() {
    // More paths than could ever be walked one by one (a cycle search that did took
    // longer than any timeout at sixty decisions), and no cycle among them.
    let build_woven = |decisions: bool, initiatives: bool| {
        let (code, stderr, _dir) = build(&woven(decisions, initiatives));
        (code, stderr)
    };
    let (code, stderr) = build_woven(false, false);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("cycle"), "{stderr}");
    // One cycle through all of them, found once.
    let (code, stderr) = build_woven(true, false);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.matches(" [supersession-cycle]\n").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("0001-d.md:5:15: error: decisions supersede each other in a cycle: `decisions/0001-d` (D1) → `decisions/0080-d` (D80) → `decisions/0078-d` (D78) → "),
        "{stderr}"
    );
    let (code, stderr) = build_woven(false, true);
    assert_eq!(code, 0, "{stderr}");
    let dir = project(&woven(false, true));
    let (code, stderr) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr.matches(" [dependency-cycle]\n").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("i1.md:5:15: warning: initiatives depend on each other in a cycle: I-1 (I1) → I-80 (I80) → I-78 (I78) → "),
        "{stderr}"
    );
}

#[test]
fn raw_html_that_would_make_the_sanitiser_quadratic_is_shown_as_text_in_moments() {
    // The sanitiser's HTML parser walks its open elements for most tags and opens every
    // formatting element left open again in each later block: 80,000 `<div>`s took 9 s,
    // and 5,000 `<div><b id=N></div>` made 3.2 GB of elements.
    // One value holding 200,000 `=` and as many `&`: shown as text, each is read once.
    let divs = format!(
        "<div title=\"{}\">{}",
        "=&".repeat(200_000),
        "<div>".repeat(200_000)
    );
    let reopened: String = (0..20_000)
        .map(|n| format!("<div><b id={n}></div>"))
        .collect();
    let deep = format!("{}x\n\n<b>raw</b>\n", "- ".repeat(100_000));
    let ordinary = "Some <b>bold</b> and <script>alert(1)</script> text.\n";
    // An imported changelog entry is a body too.
    let config = format!(
        "{CONFIG}[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"team\"]\n"
    );
    let changelog =
        format!("# Changelog\n\n## [1.0.0] - 2026-01-05\n\n### Added\n\n- Export {reopened}\n");
    let (code, stderr, dir) = build(&[
        ("align.toml", config.into_bytes()),
        ("CHANGELOG.md", changelog.into_bytes()),
        ("content/pages/divs.md", page(&divs)),
        ("content/pages/reopened.md", page(&reopened)),
        ("content/pages/deep.md", page(&deep)),
        ("content/pages/ordinary.md", page(ordinary)),
    ]);
    assert_eq!(code, 0, "{stderr}");
    for (page, shown) in [
        ("divs", "&lt;div&gt;&lt;div&gt;"),
        ("reopened", "&lt;div&gt;&lt;b id=19999&gt;&lt;/div&gt;"),
        ("deep", "&lt;b&gt;raw&lt;/b&gt;"),
    ] {
        let html = std::fs::read_to_string(dir.path().join(format!("out/team/pages/{page}.html")))
            .unwrap();
        assert!(html.contains(shown), "{page}");
        assert!(!html.contains("<b id="), "{page}");
    }
    let (_, found) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(found.matches(" [raw-html-limits]\n").count(), 4, "{found}");
    assert!(
        found.lines().any(|l| l.contains("CHANGELOG.md:7:1: warning: ") && l.ends_with(" [raw-html-limits]")),
        "{found}"
    );
    assert!(
        found
            .lines()
            .any(|l| l.contains("content/pages/deep.md:6:1: warning: ")
                && l.ends_with(" [raw-html-limits]")),
        "{found}"
    );
    // Within the limits raw HTML is still sanitised, not shown as text; a script, as
    // GitHub shows it, is text.
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/ordinary.html")).unwrap();
    assert!(
        html.contains("<b>bold</b>")
            && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; text.")
            && !html.contains("<script>alert"),
        "{html}"
    );
}

#[test]
fn a_page_linking_to_thousands_of_key_results_and_headings_is_linked_in_moments() {
    // Each link's key result and heading was looked for from the first, each new edge
    // compared with every edge of its page before it, and each key result's drivers
    // looked for among every edge into its objective: 40,000 such links took 5 s in a release build.
    let krs: String = (0..30_000)
        .map(|n| {
            format!("[[key_results]]\nid = \"k{n}\"\ntitle = \"K{n}\"\nbaseline = 0\ntarget = 1\n")
        })
        .collect();
    let objective =
        format!("+++\nid = \"O\"\ntitle = \"O\"\nperiod = \"2026-Q4\"\n{krs}+++\nBody\n");
    let links: String = (0..30_000)
        .map(|n| format!("## H{n}\n\n[[O#k{n}]] and [[p#h{n}]]\n\n"))
        .collect();
    let driver = "+++\ntitle = \"I\"\nstatus = \"planned\"\ndrives = [\"O#k29999\"]\n+++\nB\n";
    let (code, stderr, dir) = build(&[
        ("content/objectives/o.md", objective.into_bytes()),
        ("content/pages/p.md", page(&links)),
        ("content/initiatives/i.md", driver.as_bytes().to_vec()),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/p.html")).unwrap();
    assert!(html.contains("href=\"../objectives/o.html#kr-k29999\""));
    assert!(html.contains("href=\"../pages/p.html#h29999\""));
    let objective = std::fs::read_to_string(dir.path().join("out/team/objectives/o.html")).unwrap();
    // The initiative shows under the key result it drives, and under no other.
    let section = |kr: &str| {
        let start = objective.find(&format!("id=\"kr-{kr}\"")).unwrap();
        let rest = &objective[start + 1..];
        rest[..rest.find("id=\"kr-").unwrap_or(rest.len())].to_string()
    };
    assert!(section("k29999").contains("initiatives/i.html"));
    assert!(!section("k29998").contains("initiatives/i.html"));
    assert!(!section("k0").contains("initiatives/i.html"));
}

#[test]
fn thousands_of_audiences_on_a_site_and_a_document_are_matched_in_moments() {
    // Each of a document's audiences was looked for among all of a site's, in its list,
    // its audience blocks and the check: 40,000 on each side took 9 s, 80,000 took 44 s.
    let list = |prefix: &str, quote: &str| -> String {
        (0..50_000)
            .map(|n| format!("{quote}{prefix}{n}{quote}, "))
            .collect()
    };
    let text = format!(
        "+++\ntitle = \"P\"\naudience = [{}\"a49999\"]\n+++\n<!-- audience: {}a0 -->\nshown\n<!-- /audience -->\n",
        list("b", "\""),
        list("c", "")
    );
    let dir = project(&[("content/pages/p.md", text.into_bytes())]);
    let config = format!(
        "title = \"T\"\n[sites.team]\ntitle = \"Team\"\naudiences = [{}\"team\"]\n",
        list("a", "\"")
    );
    std::fs::write(dir.path().join("align.toml"), config).unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("out/team/pages/p.html")).unwrap();
    assert!(html.contains("shown"));
    let (_, found) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(found.matches(" [unknown-audience]\n").count(), 2);
    assert!(found.contains(
        "(the sites list a0, a1, a10, a100, a1000, a10000, a10001, a10002, a10003, a10004, a10005, a10006 and 49989 more)"
    ));
}

#[test]
fn a_project_of_thousands_of_sites_finds_each_site_s_line_in_moments() {
    // Each site's line in align.toml was looked for from the top: 8,000 sites took 3 s of
    // an 11 s build (and each written file looked for its site's writer among all).
    let dir = project(&[("content/pages/p.md", page("Body.\n"))]);
    let sites: String = (0..20_000)
        .map(|n| format!("[sites.s{n}]\ntitle = \"S{n}\"\naudiences = [\"team\"]\n"))
        .collect();
    let public = "[sites.out]\ntitle = \"Out\"\naudiences = [\"public\"]\npublic = true\n";
    let config = format!("{CONFIG}{sites}{public}");
    std::fs::write(dir.path().join("align.toml"), config).unwrap();
    // The public site's finding is at its own table, found among thousands.
    let (code, found) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{found}");
    assert!(
        found
            .lines()
            .any(|l| l.contains("align.toml:60006:1: warning: ")
                && l.ends_with(" [empty-public-home]")),
        "{found}"
    );
}

/// Every file under `dir` with its bytes, in path order.
fn tree(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_body_of_broken_links_is_told_in_moments() {
    // Each broken link asked every other reference of its body whether a relation on
    // its line said it already: 128,000 took 27 s.
    let links: String = (0..128_000).map(|n| format!("[r](x{n}.md)\n")).collect();
    let (code, stderr, _dir) = build(&[("content/pages/p.md", page(&links))]);
    assert_eq!(code, 1, "{}", &stderr[..stderr.len().min(500)]);
    assert_eq!(stderr.matches("error: broken link").count(), 128_000);
}

#[test]
fn a_file_too_large_to_read_is_an_error_naming_it() {
    let dir = project(&[("content/pages/small.md", page("Small."))]);
    let big = dir.path().join("content/pages/big.md");
    std::fs::write(&big, page("Big.")).unwrap();
    // Sparse: 600 MB that take no room, as a log saved as `.md` would take.
    std::fs::File::options()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(600 << 20)
        .unwrap();
    let (code, stderr) = run(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("big.md:1:1: error: cannot read file: it holds more than 16 MB, the most align reads from one file: split it\n  |\n1 | +++\n"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());
}

#[cfg(unix)]
#[test]
fn a_pipe_named_as_a_document_is_said_and_never_opened() {
    let dir = project(&[("content/pages/small.md", page("Small."))]);
    let fifo = dir.path().join("content/pages/fifo.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let (code, stderr) = run_align(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "fifo.md:1:1: warning: no regular file (a pipe, a socket or a device): not read; skipped"
        ),
        "{stderr}"
    );
    assert_eq!(run(dir.path()).0, 0);
    assert!(dir.path().join("out/team/pages/small.html").exists());
}
