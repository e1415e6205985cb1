//! A project written into a temp dir, the real `align` binary run on it, and ways to look
//! at what it printed and wrote: every file of a site, and whether a string reaches any
//! byte of them.

#![allow(dead_code)]

use std::path::{Component, Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The date every build and check in these tests treats as today.
pub const TODAY: &str = "2026-11-23";

/// Three sites: an exec roadmap, a team release plan and a public changelog.
pub const CONFIG: &str = r#"title = "Acme"
default_audience = ["team"]

[sites.exec]
title = "Exec roadmap"
audiences = ["exec", "team"]
home = "roadmap"

[sites.team]
title = "Team plan"
audiences = ["team"]
home = "release-plan"

[sites.public]
title = "Public changelog"
audiences = ["public"]
home = "changelog"
public = true
"#;

/// The site names of [`CONFIG`].
pub const SITES: [&str; 3] = ["exec", "team", "public"];

/// A project in a temp dir; paths are relative to its root.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A project holding [`CONFIG`] as its `align.toml` and nothing else.
    pub fn new() -> Self {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        project.write("align.toml", CONFIG);
        project
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Self {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(source.is_dir(), "no fixture {}", source.display());
        Project::copy_of(&source)
    }

    /// A copy of the project folder `source`.
    pub fn copy_of(source: &Path) -> Self {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(source, project.path());
        project
    }

    /// Replaces `align.toml`.
    pub fn config(self, text: &str) -> Self {
        self.write("align.toml", text);
        self
    }

    /// Adds a file.
    pub fn file(self, path: &str, text: &str) -> Self {
        self.write(path, text);
        self
    }

    /// Writes (or overwrites) a file, creating its folders.
    pub fn write(&self, path: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).unwrap();
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `align ARGS` in the project folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(self.path(), args)
    }

    /// Runs `align ARGS` in another folder.
    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> Run {
        let output = command(cwd, args).output().unwrap();
        Run { output }
    }

    /// Runs `align ARGS` in the project folder with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = self.command_with_env(args, env).output().unwrap();
        Run { output }
    }

    /// [`Project::run_with_env`], failing the test if the run takes longer than `limit`
    /// (the run is stopped then).
    pub fn run_within(
        &self,
        limit: std::time::Duration,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Run {
        let output = self
            .command_with_env(args, env)
            .timeout(limit)
            .output()
            .unwrap_or_else(|err| panic!("align {args:?}: {err}"));
        Run { output }
    }

    /// `align ARGS` in the project folder with extra environment variables, to run.
    fn command_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut command = command(self.path(), args);
        command.envs(env.iter().copied());
        command
    }

    /// `align build --out out --today TODAY`.
    pub fn build(&self) -> Run {
        self.build_into("out")
    }

    /// `align build --out OUT --today TODAY`, `out` relative to the project.
    pub fn build_into(&self, out: &str) -> Run {
        self.run(&["build", "--out", out, "--today", TODAY])
    }

    /// `align check --today TODAY`.
    pub fn check(&self) -> Run {
        self.run(&["check", "--today", TODAY])
    }

    /// A built site under `out/`.
    pub fn site(&self, name: &str) -> Site {
        self.site_in("out", name)
    }

    /// A built site under another output folder.
    pub fn site_in(&self, out: &str, name: &str) -> Site {
        Site {
            root: self.path().join(out).join(name),
        }
    }
}

/// The real binary, in `cwd`, with an environment that does not change what it prints.
fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::cargo_bin("align").unwrap();
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .env_remove("SOURCE_DATE_EPOCH");
    command
}

/// What a run of the binary printed and how it exited.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Asserts the exit status, showing stderr when it differs.
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code(), code, "exit status; stderr:\n{}", self.stderr());
        self
    }

    pub fn success(&self) -> &Self {
        self.expect(0)
    }

    /// The headline of every error (`path:line:col: error...: message`), with any `./`
    /// before the path dropped.
    pub fn errors(&self) -> Vec<String> {
        self.stderr()
            .lines()
            .filter(|l| is_headline(l, "error"))
            .map(|l| l.strip_prefix("./").unwrap_or(l).to_string())
            .collect()
    }

    /// The headline of every warning.
    pub fn warnings(&self) -> Vec<String> {
        self.stderr()
            .lines()
            .filter(|l| is_headline(l, "warning"))
            .map(|l| l.strip_prefix("./").unwrap_or(l).to_string())
            .collect()
    }

    /// Asserts that the run succeeded and that each of its warnings, if any, holds
    /// `words` (the one rule a test's project is expected to break).
    pub fn warns_only(&self, words: &str) -> &Self {
        self.success();
        let warnings = self.warnings();
        assert!(
            warnings.iter().all(|w| w.contains(words)),
            "warnings besides `{words}`:\n{}",
            self.stderr()
        );
        self
    }

    /// The one error at `place` (`path:line` or `path:line:col`); asserts its message
    /// holds every one of `words`.
    pub fn error_at(&self, place: &str, words: &[&str]) -> String {
        let prefix = format!("{place}:");
        let found: Vec<String> = self
            .errors()
            .into_iter()
            .filter(|l| l.starts_with(&prefix))
            .collect();
        let [line] = found.as_slice() else {
            panic!(
                "expected one error at {place}, found {}:\n{}",
                found.len(),
                self.stderr()
            );
        };
        for word in words {
            assert!(line.contains(word), "`{word}` missing from: {line}");
        }
        line.clone()
    }
}

/// Whether a line is a diagnostic headline of `severity`: `...: error: ...`.
fn is_headline(line: &str, severity: &str) -> bool {
    line.contains(&format!(": {severity}: "))
}

/// One site folder of a build.
pub struct Site {
    pub root: PathBuf,
}

impl Site {
    /// A file as text; panics with the file list when it is missing.
    pub fn read(&self, path: &str) -> String {
        match std::fs::read(self.root.join(path)) {
            Ok(bytes) => String::from_utf8(bytes).unwrap(),
            Err(err) => panic!(
                "{path}: {err}; the site holds:\n{}",
                self.files().join("\n")
            ),
        }
    }

    /// The `<main>` element of an HTML page.
    pub fn main(&self, path: &str) -> String {
        let page = self.read(path);
        let start = page.find("<main").expect("no <main>");
        let end = page.find("</main>").expect("no </main>") + "</main>".len();
        page[start..end].to_string()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.root.join(path).is_file()
    }

    /// Every file of the site, relative and `/`-separated, sorted; hidden files included.
    pub fn files(&self) -> Vec<String> {
        files(&self.root)
            .into_iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect()
    }

    /// The files whose name or bytes hold `needle`.
    pub fn files_holding(&self, needle: &str) -> Vec<String> {
        self.files()
            .into_iter()
            .filter(|f| {
                let bytes = std::fs::read(self.root.join(f)).unwrap();
                f.contains(needle) || contains(&bytes, needle.as_bytes())
            })
            .collect()
    }

    /// Asserts `needle` is in no file name and no byte of any file of the site.
    pub fn assert_nowhere(&self, needle: &str) {
        let holding = self.files_holding(needle);
        assert!(
            holding.is_empty(),
            "`{needle}` reached {}: {holding:?}",
            self.root.display()
        );
    }

    /// Asserts `needle` is in at least one file of the site.
    pub fn assert_somewhere(&self, needle: &str) {
        assert!(
            !self.files_holding(needle).is_empty(),
            "`{needle}` is in no file of {}",
            self.root.display()
        );
    }

    /// Asserts every local `href` and `src` of every HTML page leads to a file of the
    /// output, and every `#fragment` to an `id` in it; returns how many links it checked.
    pub fn assert_links_resolve(&self) -> usize {
        self.files()
            .iter()
            .filter(|f| f.ends_with(".html"))
            .map(|f| self.assert_page_links_resolve(f))
            .sum()
    }

    /// The same for one page. Links starting with `/` are resolved from the output folder
    /// (the parent of the site), as a server at the site's path would.
    pub fn assert_page_links_resolve(&self, file: &str) -> usize {
        let page = self.read(file);
        let page_dir = Path::new(file).parent().unwrap_or(Path::new(""));
        let out = self.root.parent().unwrap();
        let mut checked = 0;
        for value in attribute_values(&page) {
            let value = value.replace("&amp;", "&");
            let external = ["http:", "https:", "mailto:", "tel:", "data:"]
                .iter()
                .any(|s| value.starts_with(s));
            if value.is_empty() || value.starts_with('#') || external {
                continue;
            }
            checked += 1;
            let (path, fragment) = value.split_once('#').unwrap_or((&value, ""));
            let decoded = percent_decode(path.split('?').next().unwrap());
            let target = match decoded.strip_prefix('/') {
                Some(absolute) => normalise(&out.join(absolute)),
                None => normalise(&self.root.join(page_dir).join(&decoded)),
            };
            let place = format!("{}/{file}: `{value}`", self.root.display());
            assert!(target.is_file(), "{place} leads to no file");
            if !fragment.is_empty() {
                let id = format!("id=\"{}\"", percent_decode(fragment));
                let html = std::fs::read_to_string(&target).unwrap();
                assert!(html.contains(&id), "{place}: no {id} in the target");
            }
        }
        checked
    }
}

/// The values of every `href="..."` and `src="..."` in a page.
fn attribute_values(html: &str) -> Vec<String> {
    let mut values = Vec::new();
    for attribute in [" href=\"", " src=\""] {
        for part in html.split(attribute).skip(1) {
            if let Some(end) = part.find('"') {
                values.push(part[..end].to_string());
            }
        }
    }
    values
}

/// Decodes `%XX` escapes of a URL path.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = text
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// Resolves `.` and `..` without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under a folder, relative, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
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

/// Every file under a folder with its bytes, for comparing whole trees.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

/// Copies every file of a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for rel in files(from) {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), target).unwrap();
    }
}
