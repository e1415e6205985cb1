//! Site quality of built output: every HTML page passes the Nu Html Checker, axe-core finds
//! no serious or critical accessibility violations in headless Chromium (light and dark
//! colour schemes), every local link and asset resolves, and every Atom feed and sitemap
//! is well-formed XML carrying what Atom and the sitemap protocol require.
//!
//! The projects checked are `content-example/` (or the project `$ALIGN_QUALITY_PROJECT`
//! names) and a starter written by `align init`, so output both with and without
//! `base_url` is covered.
//!
//! The external tools come from `.ci/install-quality-tools.sh`: Chromium, ChromeDriver,
//! Java and xmllint from Debian, vnu-jar and axe-core from npm under `$ALIGN_TOOLS`
//! (default `/opt/align-tools`). A test whose tool is missing prints
//! "skipped: <tool> not installed" and passes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TODAY: &str = "2026-11-23";
const ALIGN: &str = env!("CARGO_BIN_EXE_align");

// ---------------------------------------------------------------------------------------
// Projects and their built sites
// ---------------------------------------------------------------------------------------

/// A project built into a temp dir: `out/<site>/` per site.
struct Built {
    name: String,
    project: PathBuf,
    out: PathBuf,
    sites: Vec<String>,
    /// `base_url` from `align.toml`, without a trailing slash.
    base_url: Option<String>,
    _temp: tempfile::TempDir,
}

impl Built {
    fn site_dir(&self, site: &str) -> PathBuf {
        self.out.join(site)
    }

    /// The absolute URL of a site's root, ending in `/`, when `base_url` is set.
    fn site_url(&self, site: &str) -> Option<String> {
        self.base_url.as_ref().map(|base| format!("{base}/{site}/"))
    }

    /// A path under `out/` shown as `project: site/path`.
    fn show(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.out).unwrap_or(path);
        format!("{}: {}", self.name, relative.display())
    }
}

fn tools() -> PathBuf {
    std::env::var_os("ALIGN_TOOLS").map_or_else(|| PathBuf::from("/opt/align-tools"), PathBuf::from)
}

/// Skips a test whose tool is missing, unless `ALIGN_REQUIRE_TOOLS` is set (as `.ci/run`
/// sets it), where a missing tool is a failure rather than a silent pass.
fn skipped(tool: &str) {
    assert!(
        std::env::var_os("ALIGN_REQUIRE_TOOLS").is_none(),
        "{tool} is required (ALIGN_REQUIRE_TOOLS is set) but not installed"
    );
    eprintln!("skipped: {tool} not installed");
}

/// The project to check: `$ALIGN_QUALITY_PROJECT` when set, else `content-example/` when
/// it holds a project.
fn example_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ALIGN_QUALITY_PROJECT") {
        return Some(PathBuf::from(dir));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    dir.join("align.toml").is_file().then_some(dir)
}

fn run_align(args: &[&std::ffi::OsStr]) {
    let output = Command::new(ALIGN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run align");
    assert!(
        output.status.success(),
        "align {args:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Builds `project`, or a fresh `align init` starter when `project` is `None`.
fn build(project: Option<PathBuf>) -> Built {
    let temp = tempfile::tempdir().expect("temp dir");
    let name = project.as_ref().map_or_else(
        || "align init".to_string(),
        |dir| {
            dir.file_name()
                .unwrap_or(dir.as_os_str())
                .to_string_lossy()
                .into_owned()
        },
    );
    let project = project.unwrap_or_else(|| {
        let dir = temp.path().join("project");
        run_align(&[
            "init".as_ref(),
            dir.as_os_str(),
            "--today".as_ref(),
            TODAY.as_ref(),
        ]);
        dir
    });
    let out = temp.path().join("out");
    run_align(&[
        "build".as_ref(),
        project.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--today".as_ref(),
        TODAY.as_ref(),
    ]);
    let mut sites: Vec<String> = std::fs::read_dir(&out)
        .expect("the output folder")
        .map(|entry| entry.expect("a folder entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    sites.sort();
    assert!(!sites.is_empty(), "{name}: the build wrote no site");
    let config = std::fs::read_to_string(project.join("align.toml")).expect("align.toml");
    let config: toml::Table = toml::from_str(&config).expect("align.toml parses");
    let base_url = config
        .get("base_url")
        .and_then(|url| url.as_str())
        .map(|url| url.trim_end_matches('/').to_string());
    Built {
        name,
        project,
        out,
        sites,
        base_url,
        _temp: temp,
    }
}

/// Every project to check: the example, when present, and an `align init` starter.
fn projects() -> Vec<Built> {
    let mut all = Vec::new();
    if let Some(example) = example_dir() {
        all.push(build(Some(example)));
    }
    all.push(build(None));
    all
}

/// The richest project: the example, or the starter without it.
fn main_project() -> Built {
    build(example_dir())
}

/// Files under `dir` whose names end in `.{ext}`, sorted.
fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.expect("a readable output tree"))
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The first of `names` found on `PATH`.
fn program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Problems grouped by what is wrong, each with the first places it occurs.
fn grouped(problems: &BTreeMap<String, Vec<String>>) -> String {
    const SHOWN: usize = 12;
    let mut text = String::new();
    for (problem, places) in problems {
        text.push_str(&format!("{} × {problem}\n", places.len()));
        for place in places.iter().take(SHOWN) {
            text.push_str(&format!("    {place}\n"));
        }
        if places.len() > SHOWN {
            text.push_str(&format!("    … and {} more\n", places.len() - SHOWN));
        }
    }
    text
}

// ---------------------------------------------------------------------------------------
// The Nu Html Checker
// ---------------------------------------------------------------------------------------

#[test]
fn every_page_passes_the_nu_html_checker() {
    let jar = tools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !jar.is_file() {
        return skipped("vnu-jar");
    }
    let java_runs = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !java_runs {
        return skipped("java");
    }
    let started = Instant::now();
    let builds = projects();
    let mut files = Vec::new();
    for built in &builds {
        files.extend(files_with_ext(&built.out, "html"));
        files.extend(files_with_ext(&built.out, "css"));
    }
    let pages = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
        .count();
    assert!(pages > 0, "no HTML pages were built");
    // A page with two known errors, checked in the same run, shows the report is read.
    let control_dir = tempfile::tempdir().expect("temp dir");
    let control = control_dir.path().join("control.html");
    std::fs::write(&control, CONTROL_PAGE).unwrap();
    files.push(control.clone());

    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args([
            "--errors-only",
            "--also-check-css",
            "--exit-zero-always",
            "--stdout",
            "--format",
            "json",
        ])
        .args(&files)
        .stdin(Stdio::null())
        .output()
        .expect("run the Nu Html Checker");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the Nu Html Checker printed no JSON report ({e}):\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"]
        .as_array()
        .expect("a `messages` array in the report");

    // Grouped by message, each with every place it occurs.
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut control_errors = 0;
    for message in messages {
        if message["type"] == "info" {
            continue;
        }
        let url = message["url"].as_str().unwrap_or("?");
        let file = url.strip_prefix("file:").map_or_else(
            || url.to_string(),
            |path| percent_decode(path).unwrap_or_else(|_| path.to_string()),
        );
        let file = file.as_str();
        if Path::new(file) == control {
            control_errors += 1;
            continue;
        }
        let file = builds
            .iter()
            .find(|b| Path::new(file).starts_with(&b.out))
            .map_or_else(|| file.to_string(), |b| b.show(Path::new(file)));
        let line = message["firstLine"]
            .as_u64()
            .or(message["lastLine"].as_u64())
            .unwrap_or(0);
        let column = message["firstColumn"].as_u64().unwrap_or(0);
        let extract = message["extract"]
            .as_str()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let text = format!(
            "{} ({})",
            message["message"].as_str().unwrap_or("?"),
            message["type"].as_str().unwrap_or("?")
        );
        errors
            .entry(text)
            .or_default()
            .push(format!("{file}:{line}:{column}: {extract}"));
    }
    assert_eq!(
        control_errors,
        2,
        "the Nu Html Checker did not report the control page's two errors:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let count: usize = errors.values().map(Vec::len).sum();
    assert!(
        count == 0,
        "the Nu Html Checker found {count} errors in {pages} pages:\n{}",
        grouped(&errors)
    );
    eprintln!(
        "Nu Html Checker: {pages} pages and their CSS, no errors, in {:.1?}",
        started.elapsed()
    );
}

/// Valid except for an `img` without `alt` and a duplicate id.
const CONTROL_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Control</title></head>\n<body>\n<img src=\"a.png\">\n<p id=\"x\">One</p>\n<p id=\"x\">Two</p>\n</body>\n</html>\n";

// ---------------------------------------------------------------------------------------
// axe-core in headless Chromium
// ---------------------------------------------------------------------------------------

/// Runs axe and reduces its violations to what a report needs.
const RUN_AXE: &str = "const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(function (r) {
  done(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) {
      return {
        target: n.target.join(' '),
        html: n.html.replace(/\\s+/g, ' ').slice(0, 200),
        summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300),
      };
    })};
  }));
}).catch(function (e) { done({error: String(e)}); });";

/// What the page is, so an audit of the wrong or an unstyled page is caught.
const PAGE_STATE: &str = "return {
  url: location.href,
  title: document.title,
  sheets: document.styleSheets.length,
  dark: matchMedia('(prefers-color-scheme: dark)').matches,
};";

/// The pages audited in a site: the home, every other page at the site root (the audience
/// views), the richest page of each document kind, the list index and the richest list.
fn pages_to_audit(site_dir: &Path) -> Vec<String> {
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    let richest = |dir: &Path| {
        files_with_ext(dir, "html")
            .into_iter()
            .max_by_key(|path| (size(path), std::cmp::Reverse(path.clone())))
    };
    let relative = |path: &Path| {
        path.strip_prefix(site_dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut pages = vec![String::new()];
    let mut root: Vec<PathBuf> = std::fs::read_dir(site_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "html"))
        .filter(|path| !path.ends_with("index.html") && !path.ends_with("404.html"))
        .collect();
    root.sort();
    pages.extend(root.iter().map(|path| relative(path)));
    for kind in [
        "strategy",
        "objectives",
        "initiatives",
        "releases",
        "decisions",
        "changes",
        "pages",
    ] {
        if let Some(page) = richest(&site_dir.join(kind)) {
            pages.push(relative(&page));
        }
    }
    if site_dir.join("lists/index.html").is_file() {
        pages.push("lists/index.html".to_string());
    }
    if let Some(page) = richest(&site_dir.join("lists/kind")) {
        pages.push(relative(&page));
    }
    pages
}

#[test]
fn axe_finds_no_serious_or_critical_violations() {
    let Ok(axe) = std::fs::read_to_string(tools().join("node_modules/axe-core/axe.min.js")) else {
        return skipped("axe-core");
    };
    let Some(chromedriver) = program(&["chromedriver"]) else {
        return skipped("chromedriver");
    };
    let Some(chromium) = program(&["chromium", "chromium-browser", "google-chrome"]) else {
        return skipped("chromium");
    };
    let started = Instant::now();
    let built = main_project();
    let server = Server::start(&built.project);
    let driver = Driver::start(&chromedriver);
    // One browser per colour scheme, side by side.
    let results: Vec<Audits> = std::thread::scope(|scope| {
        let audits: Vec<_> = ["light", "dark"]
            .into_iter()
            .map(|scheme| {
                let (driver, chromium, built, base, axe) =
                    (&driver, &chromium, &built, &server.base, &axe);
                scope.spawn(move || audit_site_pages(driver, chromium, built, base, axe, scheme))
            })
            .collect();
        audits
            .into_iter()
            .map(|audit| {
                audit
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    });
    drop(driver);
    drop(server);
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (serious, violation, place) in results.iter().flat_map(|r| &r.violations) {
        let group = if *serious { &mut failures } else { &mut notes };
        group
            .entry(violation.clone())
            .or_default()
            .push(place.clone());
    }
    let audited: usize = results.iter().map(|r| r.audited).sum();
    if !notes.is_empty() {
        eprintln!("minor and moderate violations:\n{}", grouped(&notes));
    }
    let count: usize = failures.values().map(Vec::len).sum();
    assert!(
        count == 0,
        "axe found {count} serious or critical violations:\n{}",
        grouped(&failures)
    );
    eprintln!(
        "axe-core: {audited} page audits across {} sites, no serious or critical violations, in {:.1?}",
        built.sites.len(),
        started.elapsed()
    );
}

/// What one browser found: each violation (whether it is serious or critical, then
/// `id [impact] help`) with the page and node where it occurs, and the number of pages
/// audited.
struct Audits {
    violations: Vec<(bool, String, String)>,
    audited: usize,
}

/// Audits every site's [`pages_to_audit`] in a new browser that prefers `scheme`.
fn audit_site_pages(
    driver: &Driver,
    chromium: &Path,
    built: &Built,
    base: &str,
    axe: &str,
    scheme: &str,
) -> Audits {
    let profile = tempfile::tempdir().expect("temp dir");
    let session = driver.session(chromium, profile.path());
    session.call(
        "POST",
        "timeouts",
        &json!({"script": 60_000, "pageLoad": 30_000}),
    );
    session.call(
        "POST",
        "goog/cdp/execute",
        &json!({
            "cmd": "Emulation.setEmulatedMedia",
            "params": {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        }),
    );

    // A page with known violations shows that axe runs and its findings are read.
    session.open(AXE_CONTROL);
    let found = audit(&session, axe);
    let ids: BTreeSet<&str> = found.iter().filter_map(|v| v["id"].as_str()).collect();
    assert!(
        ids.contains("image-alt") && ids.contains("html-has-lang"),
        "axe did not report the control page's violations: {found:?}"
    );

    let mut audits = Audits {
        violations: Vec::new(),
        audited: 0,
    };
    for site in &built.sites {
        for page in pages_to_audit(&built.site_dir(site)) {
            let url = format!("{base}{site}/{page}");
            session.open(&url);
            let state = session.call(
                "POST",
                "execute/sync",
                &json!({"script": PAGE_STATE, "args": []}),
            );
            assert_eq!(state["url"], json!(url), "{state}");
            assert!(
                state["sheets"].as_u64().unwrap_or(0) > 0,
                "{url} loaded no stylesheet: {state}"
            );
            assert_eq!(state["dark"], json!(scheme == "dark"), "{url}: {state}");
            audits.audited += 1;
            for violation in audit(&session, axe) {
                let impact = violation["impact"].as_str().unwrap_or("?");
                let serious = matches!(impact, "serious" | "critical");
                let what = format!(
                    "{} [{impact}] {}",
                    violation["id"].as_str().unwrap_or("?"),
                    violation["help"].as_str().unwrap_or("")
                );
                for node in violation["nodes"].as_array().into_iter().flatten() {
                    let place = format!(
                        "{site}/{page} ({scheme}): {}  {}\n        {}",
                        node["target"].as_str().unwrap_or(""),
                        node["html"].as_str().unwrap_or(""),
                        node["summary"].as_str().unwrap_or("")
                    );
                    audits.violations.push((serious, what.clone(), place));
                }
            }
        }
    }
    audits
}

/// A page without `lang` and with an image without `alt`.
const AXE_CONTROL: &str =
    "data:text/html,<!DOCTYPE html><title>Control</title><main><img src=\"a.png\"></main>";

/// Injects axe into the open page and returns its violations.
fn audit(session: &Session, axe: &str) -> Vec<Value> {
    session.call("POST", "execute/sync", &json!({"script": axe, "args": []}));
    let violations = session.call(
        "POST",
        "execute/async",
        &json!({"script": RUN_AXE, "args": []}),
    );
    match violations {
        Value::Array(violations) => violations,
        other => panic!("axe failed: {other}"),
    }
}

/// `align serve --no-reload` on a free port, killed when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`
    base: String,
}

impl Server {
    fn start(project: &Path) -> Server {
        let mut child = Command::new(ALIGN)
            .arg("serve")
            .arg(project)
            .args(["--port", "0", "--no-reload", "--today", TODAY])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start align serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (lines, received) = mpsc::channel();
        // Reads every line so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    continue;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        let mut server = Server {
            child,
            base: String::new(),
        };
        while Instant::now() < deadline {
            match received.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => {
                    if let Some(url) = line.trim().strip_prefix("serving at ") {
                        server.base = url.trim().to_string();
                        if !server.base.ends_with('/') {
                            server.base.push('/');
                        }
                        return server;
                    }
                    seen.push(line);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(status)) = server.child.try_wait() {
                        panic!("align serve exited ({status}):\n{}", seen.join("\n"));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("align serve closed its output:\n{}", seen.join("\n"))
                }
            }
        }
        panic!(
            "align serve did not say where it serves:\n{}",
            seen.join("\n")
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ChromeDriver on a free port, spoken to over its W3C HTTP API; shut down when dropped.
struct Driver {
    child: Child,
    address: String,
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            child,
            address: format!("127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok((200, status)) = http(&driver.address, "GET", "/status", None)
                && status["value"]["ready"] == json!(true)
            {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A browser session: headless Chromium with a throwaway profile.
    fn session(&self, chromium: &Path, profile: &Path) -> Session<'_> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--no-first-run",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }}});
        let (status, reply) = http(&self.address, "POST", "/session", Some(&capabilities))
            .unwrap_or_else(|e| panic!("new WebDriver session: {e}"));
        assert_eq!(status, 200, "new WebDriver session: {reply}");
        let id = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {reply}"))
            .to_string();
        Session { driver: self, id }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(&self.address, "GET", "/shutdown", None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    /// Sends a session command (`command` is the path after `/session/{id}/`) and returns
    /// its `value`; panics with ChromeDriver's error otherwise.
    fn call(&self, method: &str, command: &str, body: &Value) -> Value {
        let path = format!("/session/{}/{command}", self.id);
        let (status, reply) = http(&self.driver.address, method, &path, Some(body))
            .unwrap_or_else(|e| panic!("{method} {command}: {e}"));
        assert_eq!(
            status,
            200,
            "{method} {command} failed: {}",
            truncate(&reply.to_string(), 2000)
        );
        reply["value"].clone()
    }

    /// Opens `url` and waits until it has loaded whole, its stylesheets too: ChromeDriver
    /// may answer as soon as the document is parsed (`readyState` "interactive").
    fn open(&self, url: &str) {
        self.call("POST", "url", &json!({ "url": url }));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let state = self.call(
                "POST",
                "execute/sync",
                &json!({"script": "return document.readyState;", "args": []}),
            );
            if state == json!("complete") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{url} did not finish loading: {state}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.id);
        let _ = http(&self.driver.address, "DELETE", &path, None);
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// One HTTP/1.1 request with a JSON body; the reply's status and JSON body.
fn http(
    address: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let mut stream = TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(180)))
        .map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send {method} {path}: {e}"))?;
    let failed = |e: std::io::Error| format!("read the reply to {method} {path}: {e}");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(failed)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no HTTP status in {line:?}"))?;
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        reader.read_line(&mut line).map_err(failed)?;
        let header = line.trim_end().to_ascii_lowercase();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("content-length:") {
            length = value.trim().parse::<usize>().ok();
        }
        if header.starts_with("transfer-encoding:") && header.contains("chunked") {
            chunked = true;
        }
    }
    let mut payload = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).map_err(failed)?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size =
                usize::from_str_radix(size, 16).map_err(|e| format!("chunk size {size:?}: {e}"))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).map_err(failed)?;
            if size == 0 {
                break;
            }
            payload.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = length {
        payload.resize(length, 0);
        reader.read_exact(&mut payload).map_err(failed)?;
    } else {
        reader.read_to_end(&mut payload).map_err(failed)?;
    }
    if payload.iter().all(u8::is_ascii_whitespace) {
        return Ok((status, Value::Null));
    }
    let value = serde_json::from_slice(&payload).map_err(|e| {
        format!(
            "reply to {method} {path} is not JSON ({e}): {}",
            truncate(&String::from_utf8_lossy(&payload), 500)
        )
    })?;
    Ok((status, value))
}

// ---------------------------------------------------------------------------------------
// Local links and assets
// ---------------------------------------------------------------------------------------

/// A start tag's name and attributes (entity-decoded values, lower-case names).
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Every start tag of an HTML document, skipping comments, doctypes, end tags and the
/// contents of `script` and `style`.
fn start_tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        at += offset + 1;
        let rest = &html[at..];
        if rest.starts_with("!--") {
            at += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        at += name_end;
        let mut attributes = Vec::new();
        loop {
            while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
                at += 1;
            }
            if at >= bytes.len() {
                break;
            }
            if bytes[at] == b'>' {
                at += 1;
                break;
            }
            let rest = &html[at..];
            let key_end = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
                .max(1);
            let key = rest[..key_end].to_ascii_lowercase();
            at += key_end;
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let mut value = String::new();
            if at < bytes.len() && bytes[at] == b'=' {
                at += 1;
                while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                let rest = &html[at..];
                if let Some(quote) = rest.chars().next().filter(|&c| c == '"' || c == '\'') {
                    let end = rest[1..].find(quote).map_or(rest.len(), |e| e + 1);
                    value = decode_entities(&rest[1..end]);
                    at += (end + 1).min(rest.len());
                } else {
                    let end = rest
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(rest.len());
                    value = decode_entities(&rest[..end]);
                    at += end;
                }
            }
            attributes.push((key, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            at += html[at..]
                .to_ascii_lowercase()
                .find(&close)
                .unwrap_or(html.len() - at);
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

/// Decodes the character references that appear in generated attribute values.
fn decode_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 12).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent escape in {text:?}"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{text:?} does not decode to UTF-8"))
}

/// Whether a URL starts with a scheme (`https:`, `mailto:`, `data:`, ...).
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The ids (and `a name`s) a page defines, for checking `#fragment`s.
fn anchors(html: &str) -> BTreeSet<String> {
    start_tags(html)
        .into_iter()
        .flat_map(|tag| {
            let is_a = tag.name == "a";
            tag.attributes
                .into_iter()
                .filter(move |(key, _)| key == "id" || (is_a && key == "name"))
                .map(|(_, value)| value)
        })
        .collect()
}

/// Resolves links against the output folder and remembers each target's anchors.
struct Links<'a> {
    built: &'a Built,
    site: &'a str,
    anchors: HashMap<PathBuf, BTreeSet<String>>,
}

impl Links<'_> {
    /// Checks one URL found in `from` (a file under the site); `Err` says what is wrong.
    /// URLs elsewhere on the web are not followed; URLs under the site's own absolute
    /// address are checked like relative ones.
    fn check(&mut self, from: &Path, url: &str) -> Result<(), String> {
        let url = url.trim();
        let site_dir = self.built.site_dir(self.site);
        let own = self.built.site_url(self.site).and_then(|site_url| {
            url.strip_prefix(&site_url)
                .or_else(|| (url == site_url.trim_end_matches('/')).then_some(""))
                .map(str::to_string)
        });
        let (base, path) = match own {
            Some(rest) => (site_dir.clone(), rest),
            None if url.starts_with("//") || has_scheme(url) => {
                if let Some(base) = &self.built.base_url
                    && url.starts_with(&format!("{base}/"))
                {
                    return Err("points into another site".to_string());
                }
                return Ok(());
            }
            None if url.starts_with('/') => (self.built.out.clone(), url[1..].to_string()),
            None => (
                from.parent().expect("a file has a folder").to_path_buf(),
                url.to_string(),
            ),
        };
        let (path, fragment) = match path.split_once('#') {
            Some((path, fragment)) => (path.to_string(), Some(fragment.to_string())),
            None => (path, None),
        };
        let path = path.split('?').next().unwrap_or("").to_string();
        let decoded = percent_decode(&path)?;
        let mut target = if path.is_empty() {
            from.to_path_buf()
        } else {
            let mut target = base;
            for component in Path::new(&decoded).components() {
                match component {
                    Component::Normal(part) => target.push(part),
                    Component::ParentDir => {
                        target.pop();
                    }
                    Component::CurDir => {}
                    Component::RootDir | Component::Prefix(_) => {
                        return Err("resolves to an absolute path".to_string());
                    }
                }
            }
            target
        };
        if !target.starts_with(&site_dir) {
            return Err(format!(
                "leaves the site (resolves to {})",
                self.built.show(&target)
            ));
        }
        if decoded.ends_with('/') || target.is_dir() {
            target.push("index.html");
        }
        if !target.is_file() {
            return Err(format!("no such file: {}", self.built.show(&target)));
        }
        let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
            return Ok(());
        };
        if target.extension().is_none_or(|e| e != "html") {
            return Ok(());
        }
        let fragment = percent_decode(&fragment)?;
        let ids = self.anchors.entry(target.clone()).or_insert_with(|| {
            anchors(&std::fs::read_to_string(&target).expect("a readable page"))
        });
        if ids.contains(&fragment) {
            Ok(())
        } else if target == from {
            Err(format!(
                "no element with id {fragment:?} in the page itself"
            ))
        } else {
            Err(format!(
                "no element with id {fragment:?} in {}",
                self.built.show(&target)
            ))
        }
    }
}

#[test]
fn every_local_link_and_asset_resolves() {
    let started = Instant::now();
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0usize;
    for built in projects() {
        for site in &built.sites {
            let site_dir = built.site_dir(site);
            let mut links = Links {
                built: &built,
                site,
                anchors: HashMap::new(),
            };
            let mut report = |from: &Path, what: &str, url: &str, result: Result<(), String>| {
                if let Err(problem) = result {
                    problems
                        .entry(format!("{what}: {problem}"))
                        .or_default()
                        .push(format!("{}: {url:?}", built.show(from)));
                }
            };
            for page in files_with_ext(&site_dir, "html") {
                let html = std::fs::read_to_string(&page).expect("a readable page");
                for tag in start_tags(&html) {
                    for (key, value) in &tag.attributes {
                        if !matches!(key.as_str(), "href" | "src" | "poster" | "action") {
                            continue;
                        }
                        checked += 1;
                        let result = links.check(&page, value);
                        report(&page, &format!("<{} {key}>", tag.name), value, result);
                    }
                }
            }
            // Sitemap and feed URLs and the search index's page URLs.
            for file in ["sitemap.xml", "feed.xml"] {
                let path = site_dir.join(file);
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let root =
                    parse_xml(&text).unwrap_or_else(|e| panic!("{}: {e}", built.show(&path)));
                let mut urls = Vec::new();
                root.walk(&mut |element| {
                    if element.name == "loc" {
                        urls.push(("<loc>".to_string(), element.text.trim().to_string()));
                    }
                    if element.name == "link"
                        && let Some(href) = element.attribute("href")
                    {
                        urls.push(("<link href>".to_string(), href.to_string()));
                    }
                });
                for (what, url) in urls {
                    checked += 1;
                    let result = links.check(&path, &url);
                    report(&path, &what, &url, result);
                }
            }
            let index = site_dir.join("search-index.json");
            if let Ok(text) = std::fs::read_to_string(&index) {
                let entries: Value = serde_json::from_str(&text).expect("the search index is JSON");
                for entry in entries.as_array().expect("the search index is an array") {
                    let url = entry["url"].as_str().unwrap_or("");
                    checked += 1;
                    let result = if url.is_empty() || has_scheme(url) || url.starts_with('/') {
                        Err("not a URL relative to the site root".to_string())
                    } else {
                        links.check(&site_dir.join("search-index.json"), url)
                    };
                    report(&index, "url", url, result);
                }
            }
        }
    }
    let broken: usize = problems.values().map(Vec::len).sum();
    assert!(
        broken == 0,
        "{broken} of {checked} links do not resolve:\n{}",
        grouped(&problems)
    );
    eprintln!(
        "links: {checked} links and assets resolve, in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn the_link_checker_catches_what_does_not_resolve() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("out");
    let site = out.join("s");
    std::fs::create_dir_all(site.join("a b")).unwrap();
    std::fs::create_dir_all(out.join("other")).unwrap();
    std::fs::write(site.join("index.html"), "<h1 id=\"top\">Top</h1>").unwrap();
    std::fs::write(site.join("a b/page.html"), "<p id='p'>P</p>").unwrap();
    std::fs::write(out.join("other/index.html"), "").unwrap();
    let page = site.join("index.html");
    let built = Built {
        name: "fixture".to_string(),
        project: temp.path().to_path_buf(),
        out,
        sites: vec!["s".to_string()],
        base_url: Some("https://example.org".to_string()),
        _temp: temp,
    };
    let mut links = Links {
        built: &built,
        site: "s",
        anchors: HashMap::new(),
    };
    for good in [
        "a%20b/page.html",
        "a b/page.html#p",
        "#top",
        "#",
        "./",
        "?q=1",
        "index.html?x=1#top",
        "https://example.org/s/a%20b/page.html#p",
        "https://example.org/s",
        "https://elsewhere.example/x",
        "mailto:someone@example.org",
    ] {
        assert_eq!(links.check(&page, good), Ok(()), "{good}");
    }
    for bad in [
        "missing.html",
        "a%20b/page.html#nope",
        "#nope",
        "../other/index.html",
        "../../escape.html",
        "/other/index.html",
        "https://example.org/other/",
        "https://example.org/s/missing.html",
        "a%zz.html",
    ] {
        assert!(links.check(&page, bad).is_err(), "accepted {bad:?}");
    }

    let tags = start_tags(
        "<!-- <a href=\"c\"> --><a class=x href=\"p?a=1&amp;b=2\">t</a><script>let s = '<img src=q>';</script><IMG SRC='i.png' alt>",
    );
    let found: Vec<(&str, &str, &str)> = tags
        .iter()
        .flat_map(|t| {
            t.attributes
                .iter()
                .map(move |(k, v)| (t.name.as_str(), k.as_str(), v.as_str()))
        })
        .collect();
    assert_eq!(
        found,
        [
            ("a", "class", "x"),
            ("a", "href", "p?a=1&b=2"),
            ("img", "src", "i.png"),
            ("img", "alt", "")
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Feeds and sitemaps
// ---------------------------------------------------------------------------------------

/// An XML element: its name as written (prefix included), attributes and child elements,
/// and its character data (text and CDATA of this element alone, entities decoded).
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn walk(&self, visit: &mut impl FnMut(&Element)) {
        visit(self);
        for child in &self.children {
            child.walk(visit);
        }
    }
}

/// A well-formedness-checking XML parser for what feeds and sitemaps use: a declaration,
/// comments, processing instructions, elements, attributes, character and entity
/// references and CDATA. No DTDs.
fn parse_xml(text: &str) -> Result<Element, String> {
    let mut parser = XmlParser { text, at: 0 };
    parser.document()
}

/// Whether XML 1.0 allows the character in a document.
fn xml_char(c: char) -> bool {
    (c >= ' ' || matches!(c, '\t' | '\n' | '\r')) && c != '\u{fffe}' && c != '\u{ffff}'
}

struct XmlParser<'a> {
    text: &'a str,
    at: usize,
}

impl XmlParser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn error(&self, message: impl std::fmt::Display) -> String {
        let before = &self.text[..self.at];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
        format!("{line}:{column}: {message}")
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self.rest().starts_with(literal) {
            self.at += literal.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, literal: &str) -> Result<(), String> {
        if self.eat(literal) {
            Ok(())
        } else {
            Err(self.error(format!("expected {literal:?}")))
        }
    }

    fn whitespace(&mut self) -> bool {
        let start = self.at;
        let skipped = self
            .rest()
            .find(|c: char| !matches!(c, ' ' | '\t' | '\n' | '\r'))
            .unwrap_or(self.rest().len());
        self.at += skipped;
        self.at > start
    }

    /// Text up to `end`, which is consumed; `end` must occur.
    fn until(&mut self, end: &str, what: &str) -> Result<&str, String> {
        let start = self.at;
        let Some(length) = self.rest().find(end) else {
            return Err(self.error(format!("unterminated {what}")));
        };
        self.at += length + end.len();
        Ok(&self.text[start..start + length])
    }

    fn name(&mut self) -> Result<String, String> {
        let start_char = |c: char| c.is_alphabetic() || c == '_' || c == ':' || !c.is_ascii();
        let name_char = |c: char| start_char(c) || c.is_ascii_digit() || c == '-' || c == '.';
        if !self.rest().starts_with(start_char) {
            return Err(self.error("expected a name"));
        }
        let length = self
            .rest()
            .find(|c: char| !name_char(c))
            .unwrap_or(self.rest().len());
        let name = self.rest()[..length].to_string();
        self.at += length;
        Ok(name)
    }

    fn document(&mut self) -> Result<Element, String> {
        if let Some(bad) = self.text.char_indices().find(|&(_, c)| !xml_char(c)) {
            self.at = bad.0;
            return Err(self.error(format!("character {:?} is not allowed in XML", bad.1)));
        }
        self.eat("\u{feff}");
        if self.rest().starts_with("<?xml") {
            let declaration = self.until("?>", "XML declaration")?;
            if !declaration.contains("version=") {
                return Err(self.error("the XML declaration lacks a version"));
            }
        }
        self.misc()?;
        if self.rest().starts_with("<!DOCTYPE") {
            return Err(self.error("unexpected DOCTYPE"));
        }
        let root = self.element()?;
        self.misc()?;
        if !self.rest().is_empty() {
            return Err(self.error("content after the root element"));
        }
        Ok(root)
    }

    /// Whitespace, comments and processing instructions outside the root element.
    fn misc(&mut self) -> Result<(), String> {
        loop {
            if self.whitespace() {
                continue;
            }
            if self.rest().starts_with("<!--") {
                self.comment()?;
            } else if self.rest().starts_with("<?") {
                self.at += 2;
                if self.rest().to_ascii_lowercase().starts_with("xml") {
                    return Err(self.error("an XML declaration that is not at the start"));
                }
                self.until("?>", "processing instruction")?;
            } else {
                return Ok(());
            }
        }
    }

    fn comment(&mut self) -> Result<(), String> {
        self.expect("<!--")?;
        let body = self.until("-->", "comment")?;
        if body.contains("--") || body.ends_with('-') {
            return Err(self.error("\"--\" inside a comment"));
        }
        Ok(())
    }

    /// A reference after `&`, decoded.
    fn reference(&mut self) -> Result<char, String> {
        let Some(end) = self.rest().find(';').filter(|&end| end <= 10) else {
            return Err(self.error("an unterminated entity reference"));
        };
        let name = self.rest()[..end].to_string();
        let c = match name.as_str() {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let number = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(decimal) = name.strip_prefix('#') {
                    decimal.parse().ok()
                } else {
                    return Err(self.error(format!("undefined entity &{name};")));
                };
                number.and_then(char::from_u32).filter(|&c| xml_char(c))
            }
        };
        let Some(c) = c else {
            return Err(self.error(format!("&{name}; is not a valid character")));
        };
        self.at += end + 1;
        Ok(c)
    }

    fn element(&mut self) -> Result<Element, String> {
        self.expect("<")?;
        let mut element = Element {
            name: self.name()?,
            ..Element::default()
        };
        loop {
            let spaced = self.whitespace();
            if self.eat("/>") {
                return Ok(element);
            }
            if self.eat(">") {
                break;
            }
            if !spaced {
                return Err(self.error("expected whitespace, \">\" or \"/>\" in a start tag"));
            }
            let key = self.name()?;
            self.whitespace();
            self.expect("=")?;
            self.whitespace();
            let quote = if self.eat("\"") {
                '"'
            } else if self.eat("'") {
                '\''
            } else {
                return Err(self.error("an unquoted attribute value"));
            };
            let mut value = String::new();
            loop {
                let Some(c) = self.rest().chars().next() else {
                    return Err(self.error("an unterminated attribute value"));
                };
                self.at += c.len_utf8();
                match c {
                    c if c == quote => break,
                    '<' => return Err(self.error("\"<\" in an attribute value")),
                    '&' => value.push(self.reference()?),
                    c => value.push(c),
                }
            }
            if element.attribute(&key).is_some() {
                return Err(self.error(format!("attribute {key} given twice")));
            }
            element.attributes.push((key, value));
        }
        loop {
            let Some(c) = self.rest().chars().next() else {
                return Err(self.error(format!("<{}> is never closed", element.name)));
            };
            if self.rest().starts_with("</") {
                self.at += 2;
                let name = self.name()?;
                if name != element.name {
                    return Err(self.error(format!("</{name}> closes <{}>", element.name)));
                }
                self.whitespace();
                self.expect(">")?;
                return Ok(element);
            } else if self.rest().starts_with("<!--") {
                self.comment()?;
            } else if self.rest().starts_with("<![CDATA[") {
                self.at += "<![CDATA[".len();
                let data = self.until("]]>", "CDATA section")?.to_string();
                element.text.push_str(&data);
            } else if self.rest().starts_with("<?") {
                self.at += 2;
                self.until("?>", "processing instruction")?;
            } else if c == '<' {
                element.children.push(self.element()?);
            } else if c == '&' {
                self.at += 1;
                let decoded = self.reference()?;
                element.text.push(decoded);
            } else {
                if self.rest().starts_with("]]>") {
                    return Err(self.error("\"]]>\" in text"));
                }
                self.at += c.len_utf8();
                element.text.push(c);
            }
        }
    }
}

/// Problems with one Atom feed, checked against RFC 4287's required elements.
fn feed_problems(built: &Built, site: &str, text: &str) -> Vec<String> {
    let root = match parse_xml(text) {
        Ok(root) => root,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    let mut problems = Vec::new();
    if root.name != "feed" || root.attribute("xmlns") != Some("http://www.w3.org/2005/Atom") {
        problems.push(format!(
            "the root is <{}> xmlns={:?}, not an Atom <feed>",
            root.name,
            root.attribute("xmlns")
        ));
        return problems;
    }
    let site_url = built.site_url(site);
    let absolute = |what: &str, url: &str, problems: &mut Vec<String>| {
        if let Some(site_url) = &site_url
            && !url.starts_with(site_url.as_str())
        {
            problems.push(format!("{what} {url:?} is not under {site_url}"));
        }
    };
    let is_iri = |id: &str| has_scheme(id) && !id.contains(char::is_whitespace);
    let required = |parent: &Element, what: &str, problems: &mut Vec<String>| -> Option<String> {
        let mut found = parent.children_named(what);
        let first = found.next();
        if found.next().is_some() {
            problems.push(format!("<{}> has more than one <{what}>", parent.name));
        }
        match first.map(|e| e.text.trim().to_string()) {
            Some(value) if !value.is_empty() => Some(value),
            _ => {
                problems.push(format!("<{}> lacks a non-empty <{what}>", parent.name));
                None
            }
        }
    };
    let timestamp = |what: &str, value: &str, problems: &mut Vec<String>| match value
        .parse::<jiff::Timestamp>()
    {
        Ok(timestamp) => Some(timestamp),
        Err(e) => {
            problems.push(format!(
                "{what} {value:?} is not an RFC 3339 date-time: {e}"
            ));
            None
        }
    };
    let check_links = |parent: &Element, needs_alternate: bool, problems: &mut Vec<String>| {
        let mut alternates = 0;
        for link in parent.children_named("link") {
            let Some(href) = link.attribute("href") else {
                problems.push(format!("a <link> in <{}> lacks href", parent.name));
                continue;
            };
            absolute(&format!("<link href> in <{}>", parent.name), href, problems);
            if link.attribute("rel").unwrap_or("alternate") == "alternate" {
                alternates += 1;
            }
        }
        if needs_alternate && alternates == 0 {
            problems.push(format!("<{}> has no alternate link", parent.name));
        }
    };

    if let Some(id) = required(&root, "id", &mut problems) {
        if !is_iri(&id) {
            problems.push(format!("feed id {id:?} is not an IRI"));
        }
        absolute("feed id", &id, &mut problems);
    }
    required(&root, "title", &mut problems);
    let updated = required(&root, "updated", &mut problems)
        .and_then(|u| timestamp("feed updated", &u, &mut problems));
    check_links(&root, false, &mut problems);
    let feed_has_author = root
        .child("author")
        .is_some_and(|a| a.child("name").is_some_and(|n| !n.text.trim().is_empty()));

    let mut ids = BTreeSet::new();
    let mut latest = None;
    for (n, entry) in root.children_named("entry").enumerate() {
        let mut entry_problems = Vec::new();
        if let Some(id) = required(entry, "id", &mut entry_problems) {
            if !is_iri(&id) {
                entry_problems.push(format!("id {id:?} is not an IRI"));
            }
            absolute("id", &id, &mut entry_problems);
            if !ids.insert(id.clone()) {
                entry_problems.push(format!("id {id:?} is used by an earlier entry"));
            }
        }
        required(entry, "title", &mut entry_problems);
        if let Some(updated) = required(entry, "updated", &mut entry_problems)
            .and_then(|u| timestamp("updated", &u, &mut entry_problems))
        {
            latest = latest.max(Some(updated));
        }
        check_links(entry, entry.child("content").is_none(), &mut entry_problems);
        if !feed_has_author && entry.child("author").is_none() {
            entry_problems.push("no author, and the feed has none".to_string());
        }
        if let Some(content) = entry.child("content")
            && content.attribute("type").is_some_and(|t| t == "xhtml")
            && content.children.len() != 1
        {
            entry_problems.push("xhtml content is not a single div".to_string());
        }
        problems.extend(
            entry_problems
                .into_iter()
                .map(|p| format!("entry {}: {p}", n + 1)),
        );
    }
    if let (Some(updated), Some(latest)) = (updated, latest)
        && updated < latest
    {
        problems.push(format!(
            "feed updated {updated} is older than its newest entry ({latest})"
        ));
    }
    problems
}

fn sitemap_problems(built: &Built, site: &str, text: &str) -> Vec<String> {
    let root = match parse_xml(text) {
        Ok(root) => root,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    if root.name != "urlset"
        || root.attribute("xmlns") != Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    {
        return vec![format!(
            "the root is <{}>, not a sitemap <urlset>",
            root.name
        )];
    }
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for url in root.children_named("url") {
        let Some(loc) = url.child("loc").map(|l| l.text.trim().to_string()) else {
            problems.push("a <url> without <loc>".to_string());
            continue;
        };
        if let Some(site_url) = built.site_url(site)
            && !loc.starts_with(&site_url)
        {
            problems.push(format!("<loc> {loc:?} is not under {site_url}"));
        }
        if !seen.insert(loc.clone()) {
            problems.push(format!("<loc> {loc:?} is listed twice"));
        }
    }
    if seen.is_empty() {
        problems.push("no <url> entries".to_string());
    }
    problems
}

#[test]
fn feeds_and_sitemaps_are_well_formed_and_complete() {
    let started = Instant::now();
    let xmllint = program(&["xmllint"]);
    if xmllint.is_none() {
        eprintln!("skipped: xmllint not installed (the built-in XML check still runs)");
    }
    let mut problems = Vec::new();
    let mut feeds = 0;
    for built in projects() {
        for site in &built.sites {
            let site_dir = built.site_dir(site);
            let feed = site_dir.join("feed.xml");
            let sitemap = site_dir.join("sitemap.xml");
            let Ok(feed_text) = std::fs::read_to_string(&feed) else {
                problems.push(format!("{}: missing", built.show(&feed)));
                continue;
            };
            feeds += 1;
            for problem in feed_problems(&built, site, &feed_text) {
                problems.push(format!("{}: {problem}", built.show(&feed)));
            }
            match std::fs::read_to_string(&sitemap) {
                Ok(text) => {
                    for problem in sitemap_problems(&built, site, &text) {
                        problems.push(format!("{}: {problem}", built.show(&sitemap)));
                    }
                }
                Err(_) => problems.push(format!("{}: missing", built.show(&sitemap))),
            }
            if let Some(xmllint) = &xmllint {
                let output = Command::new(xmllint)
                    .args(["--noout", "--nonet"])
                    .arg(&feed)
                    .arg(&sitemap)
                    .output()
                    .expect("run xmllint");
                if !output.status.success() {
                    problems.push(format!(
                        "{}: xmllint: {}",
                        built.show(&site_dir),
                        String::from_utf8_lossy(&output.stderr)
                    ));
                }
            }
        }
    }
    assert!(feeds > 0, "no feed was built");
    assert!(
        problems.is_empty(),
        "feed and sitemap problems:\n{}",
        problems.join("\n")
    );
    eprintln!(
        "feeds: {feeds} feeds and sitemaps, in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn the_xml_checker_rejects_what_is_not_well_formed() {
    for bad in [
        "",
        "<a>",
        "<a></b>",
        "<a><b></a></b>",
        "<a x=1/>",
        "<a x='1' x='2'/>",
        "<a>&nbsp;</a>",
        "<a>&#0;</a>",
        "<a>x]]>y</a>",
        "<a/><b/>",
        "<a><!-- x -- y --></a>",
        "<a>\u{1}</a>",
        "text<a/>",
        "<a b='<'/>",
        "<a/> <?xml version='1.0'?>",
    ] {
        assert!(parse_xml(bad).is_err(), "accepted {bad:?}");
    }
    let good = "<?xml version=\"1.0\"?>\n<!-- c --><f xmlns=\"u\"><e a='&amp;&#x41;'>x &lt; <![CDATA[<y>]]></e><g/></f>\n";
    let root = parse_xml(good).expect("well-formed");
    assert_eq!(root.name, "f");
    assert_eq!(root.children[0].attribute("a"), Some("&A"));
    assert_eq!(root.children[0].text, "x < <y>");
    assert_eq!(root.children[1].name, "g");
}
