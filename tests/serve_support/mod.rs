//! Shared helpers for the `align serve` tests: a project in a temp dir, the server as a
//! child process, a raw HTTP/1.1 client (so request paths reach the server exactly as
//! written) and a Server-Sent Events reader.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The date every server and build in these tests treats as today.
pub const TODAY: &str = "2026-11-23";
/// The longest any single wait may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The tag the server adds to HTML pages when reloading is on.
pub const RELOAD_TAG: &str = "<script src=\"/__align/reload.js\"></script>";
/// Text of files that must never be served.
pub const SECRET: &str = "TOP-SECRET-7f3a9c";
pub const OUTSIDE_SECRET: &str = "OUTSIDE-SECRET-d41e07";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_align")
}

pub const CONFIG: &str = r#"title = "T"
default_audience = ["team"]

[sites.team]
title = "Team plan"
audiences = ["team"]
home = "release-plan"

[sites.public]
title = "Public news"
audiences = ["public"]
home = "changelog"
public = true
"#;

pub const OBJECTIVE: &str = r#"+++
title = "Grow the user base"
id = "O-1"
period = "2026-Q4"
audience = ["team", "public"]

[[key_results]]
id = "kr1"
title = "Weekly users"
baseline = 0
target = 100
current = 40
+++
Why growth matters now.
"#;

pub const INITIATIVE: &str = r#"+++
title = "Alpha initiative"
horizon = "now"
drives = ["O-1#kr1"]
audience = ["team", "public"]
+++
Alpha moves [[O-1]] forward.
"#;

pub const RELEASE: &str = r#"+++
title = "Version 1.0"
version = "1.0.0"
date = "2026-10-01"
status = "released"
audience = ["team", "public"]
+++
The first release.
"#;

pub const CHANGE: &str = r#"+++
title = "Added the alpha flow"
release = "releases/r1"
category = "added"
audience = ["team", "public"]
+++
Alpha is available.
"#;

/// A team-only page; its body text is what the reload tests edit.
pub fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}\n")
}

/// A project folder inside a temp dir. Beside it, `outside/` holds a file the server must
/// never serve; the project root holds `secret.txt`, which is not part of any site either.
pub struct Project {
    _temp: tempfile::TempDir,
    root: PathBuf,
}

impl Project {
    /// An empty project folder (no `align.toml`).
    pub fn empty() -> Project {
        let temp = tempfile::tempdir().expect("temp dir");
        let root = temp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("project")).unwrap();
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(
            root.join("outside/secret.txt"),
            format!("{OUTSIDE_SECRET}\n"),
        )
        .unwrap();
        Project { _temp: temp, root }
    }

    /// Two sites (team, public), an objective, an initiative, a release, a change and a
    /// page linking to the initiative.
    pub fn minimal() -> Project {
        let project = Project::empty();
        project.write("align.toml", CONFIG);
        project.write("secret.txt", &format!("{SECRET}\n"));
        project.write("content/objectives/o.md", OBJECTIVE);
        project.write("content/initiatives/a.md", INITIATIVE);
        project.write("content/releases/r1.md", RELEASE);
        project.write("content/changes/c1.md", CHANGE);
        project.write(
            "content/pages/p.md",
            &page("Page P", "First body text. See [[initiatives/a]]."),
        );
        project
    }

    pub fn path(&self) -> PathBuf {
        self.root.join("project")
    }

    /// The folder beside the project holding `secret.txt` with [`OUTSIDE_SECRET`].
    pub fn outside(&self) -> PathBuf {
        self.root.join("outside")
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.file(rel)).unwrap()
    }

    /// Writes a file in place, creating its folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.file(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }

    /// Writes a file the way editors save: a temp file beside it, then a rename, so the
    /// watcher never sees it half written.
    pub fn save(&self, rel: &str, text: &str) {
        let path = self.file(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let temp = path.with_file_name(format!(
            "{}.tmp",
            path.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&temp, text).unwrap();
        std::fs::rename(&temp, &path).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.file(rel)).unwrap();
    }

    pub fn rename(&self, from: &str, to: &str) {
        let to = self.file(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(self.file(from), to).unwrap();
    }
}

/// `align build DIR --out OUT --today TODAY`; panics with its stderr when it fails.
pub fn build(dir: &Path, out: &Path) {
    let output = Command::new(bin())
        .arg("build")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(["--today", TODAY, "--quiet"])
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run align build");
    assert!(
        output.status.success(),
        "align build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file a build wrote, by URL path (`/team/pages/p.html`), without align's marker
/// files.
pub fn built_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name == ".align-output" || name == ".align-site" {
                continue;
            }
            let url = format!("{prefix}/{name}");
            if path.is_dir() {
                walk(&path, &url, files);
            } else {
                files.insert(url, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(out, "", &mut files);
    files
}

/// `align serve` running as a child process; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    /// The URL printed on the `serving at` line.
    pub base: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Serves `dir` on a free port with `--today TODAY` and the extra arguments.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut args = vec![dir.to_str().expect("a UTF-8 path")];
        args.extend_from_slice(extra);
        Server::start_in(Path::new("."), &args)
    }

    /// Runs `align serve ARGS --port 0 --today TODAY` from the folder `cwd`.
    pub fn start_in(cwd: &Path, args: &[&str]) -> Server {
        Server::start_with(cwd, args, &[])
    }

    /// [`Server::start_in`] with more environment variables.
    pub fn start_with(cwd: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Server {
        let mut child = Command::new(bin())
            .current_dir(cwd)
            .arg("serve")
            .args(args)
            .args(["--port", "0", "--today", TODAY])
            .env_remove("RUST_BACKTRACE")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start align serve");
        let stdout = collect_lines(child.stdout.take().unwrap());
        let stderr = collect_lines(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            port: 0,
            base: String::new(),
            stdout,
            stderr,
        };
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = server
                .stdout()
                .iter()
                .find_map(|l| l.strip_prefix("serving at ").map(str::to_string));
            if let Some(url) = found {
                let port = url
                    .trim_end_matches('/')
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| panic!("no port in `{url}`"));
                server.port = port;
                server.base = url;
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "align serve exited with {status} before serving:\n{}",
                    server.stderr().join("\n")
                );
            }
            assert!(
                Instant::now() < deadline,
                "align serve printed no `serving at` line in time; stderr:\n{}",
                server.stderr().join("\n")
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn stdout(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends Ctrl-C (SIGINT) and waits up to `timeout` for the server to exit.
    #[cfg(unix)]
    pub fn interrupt(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT {pid}");
        wait_for(timeout, || self.child.try_wait().ok().flatten())
    }

    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits up to `timeout` for the server to exit on its own.
    pub fn exited(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        wait_for(timeout, || self.child.try_wait().ok().flatten())
    }

    /// Waits until a stdout line satisfies `pred`.
    pub fn wait_stdout(&self, pred: impl Fn(&str) -> bool) -> String {
        let found = wait_for(TIMEOUT, || self.stdout().into_iter().find(|l| pred(l)));
        found.unwrap_or_else(|| panic!("stdout never had the line; got {:?}", self.stdout()))
    }

    /// Waits until at least `count` stderr lines satisfy `pred`.
    pub fn wait_stderr(&self, count: usize, pred: impl Fn(&str) -> bool) {
        let seen = wait_for(TIMEOUT, || {
            (self.stderr().iter().filter(|l| pred(l)).count() >= count).then_some(())
        });
        assert!(
            seen.is_some(),
            "stderr never had {count} such line(s); got:\n{}",
            self.stderr().join("\n")
        );
    }

    pub fn get(&self, path: &str) -> Response {
        request(self.port, "GET", path, &[])
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        request(self.port, method, path, headers)
    }

    pub fn events(&self) -> Events {
        Events::connect(self.port)
    }

    /// The event stream a browser tab showing `page` (`/team/roadmap.html`) opens.
    pub fn events_for(&self, page: &str) -> Events {
        Events::connect_to(
            self.port,
            &format!("/__align/events?page={}", encode_query(page)),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect_lines(pipe: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// Polls `f` every 10 ms until it returns `Some`, for at most `timeout`.
pub fn wait_for<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = f() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request over a fresh connection, with the target written exactly as given,
/// and `Host: 127.0.0.1:PORT` unless `headers` name another.
pub fn request(port: u16, method: &str, target: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        head.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("reading the response to {method} {target}: {e}"));
    parse_response(&raw, method == "HEAD")
        .unwrap_or_else(|| panic!("malformed response to {method} {target}: {raw:?}"))
}

fn parse_response(raw: &[u8], head: bool) -> Option<Response> {
    let end = find(raw, b"\r\n\r\n")?;
    let text = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = text.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if head || !chunked {
        rest.to_vec()
    } else {
        let mut body = Vec::new();
        let mut rest = rest;
        loop {
            let (size, after) = next_chunk(rest)?;
            let size = size?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&after[..size]);
            rest = after.get(size + 2..)?;
        }
        body
    };
    Some(Response {
        status,
        headers,
        body,
    })
}

/// Reads a chunk-size line: the size (`None` when the data is incomplete) and what follows.
fn next_chunk(raw: &[u8]) -> Option<(Option<usize>, &[u8])> {
    let line_end = find(raw, b"\r\n")?;
    let line = std::str::from_utf8(&raw[..line_end]).ok()?;
    let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
    let after = &raw[line_end + 2..];
    let complete = size == 0 || after.len() >= size + 2;
    Some((complete.then_some(size), after))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether `needle` occurs anywhere in `haystack`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    find(haystack, needle.as_bytes()).is_some()
}

/// A served HTML page with the reload tag removed; `None` unless it held it exactly once,
/// on its own line ending right before `</body>`.
pub fn strip_reload(html: &[u8]) -> Option<Vec<u8>> {
    let tag = format!("{RELOAD_TAG}\n");
    let at = find(html, tag.as_bytes())?;
    let rest = &html[at + tag.len()..];
    if find(rest, RELOAD_TAG.as_bytes()).is_some() || !rest.starts_with(b"</body>") {
        return None;
    }
    let mut out = html[..at].to_vec();
    out.extend_from_slice(rest);
    Some(out)
}

/// Percent-encodes a URL path, keeping `/`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A query value as JavaScript's `encodeURIComponent` writes it.
fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One `update` event of `/__align/events`.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub errors: Vec<String>,
    pub changed: Vec<String>,
}

/// A connection to `/__align/events`. It is subscribed once `connect` returns, so any
/// rebuild after that is reported on it.
pub struct Events {
    stream: TcpStream,
    raw: Vec<u8>,
    chunked: bool,
    data: String,
}

impl Events {
    pub fn connect(port: u16) -> Events {
        Events::connect_to(port, "/__align/events")
    }

    fn connect_to(port: u16, target: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
        stream
            .write_all(
                format!(
                    "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
                )
                .as_bytes(),
            )
            .unwrap();
        let mut events = Events {
            stream,
            raw: Vec::new(),
            chunked: false,
            data: String::new(),
        };
        let deadline = Instant::now() + TIMEOUT;
        let end = loop {
            if let Some(end) = find(&events.raw, b"\r\n\r\n") {
                break end;
            }
            assert!(
                events.pump(deadline),
                "no response headers from /__align/events"
            );
        };
        let head = String::from_utf8_lossy(&events.raw[..end]).to_ascii_lowercase();
        assert!(
            head.starts_with("http/1.1 200"),
            "/__align/events answered {head}"
        );
        assert!(
            head.contains("content-type: text/event-stream"),
            "/__align/events is not an event stream: {head}"
        );
        events.chunked = head.contains("transfer-encoding: chunked");
        events.raw.drain(..end + 4);
        events
    }

    /// Reads what arrived until `deadline`; false on timeout or a closed stream.
    fn pump(&mut self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        self.stream.set_read_timeout(Some(left)).unwrap();
        let mut buf = [0u8; 8192];
        match self.stream.read(&mut buf) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
        }
    }

    fn decode(&mut self) {
        if !self.chunked {
            self.data.push_str(&String::from_utf8_lossy(&self.raw));
            self.raw.clear();
            return;
        }
        while let Some((Some(size), after)) = next_chunk(&self.raw) {
            let chunk = String::from_utf8_lossy(&after[..size]).into_owned();
            let used = self.raw.len() - after.len() + size + 2;
            self.data.push_str(&chunk);
            self.raw.drain(..used.min(self.raw.len()));
            if size == 0 {
                break;
            }
        }
    }

    /// The next `update` event, or `None` when none came within `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Option<Update> {
        let deadline = Instant::now() + timeout;
        loop {
            self.decode();
            self.data = self.data.replace("\r\n", "\n");
            while let Some(end) = self.data.find("\n\n") {
                let block: String = self.data.drain(..end + 2).collect();
                if let Some(update) = parse_event(&block) {
                    return Some(update);
                }
            }
            if !self.pump(deadline) {
                return None;
            }
        }
    }

    /// The next update; panics after [`TIMEOUT`].
    pub fn expect(&mut self) -> Update {
        self.next(TIMEOUT)
            .expect("no update event within the timeout")
    }

    /// Every update of one rebuild burst: the first (waiting up to [`TIMEOUT`]), then any
    /// that follow until the stream has been quiet for `quiet`.
    pub fn settle(&mut self, quiet: Duration) -> Vec<Update> {
        let mut updates = vec![self.expect()];
        while let Some(update) = self.next(quiet) {
            updates.push(update);
        }
        updates
    }
}

fn parse_event(block: &str) -> Option<Update> {
    let mut name = "message";
    let mut data = Vec::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = value.trim();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value));
        }
    }
    if name != "update" {
        return None;
    }
    let json: serde_json::Value =
        serde_json::from_str(&data.join("\n")).expect("update data is JSON");
    let strings = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap_or_else(|| panic!("update without a `{key}` list: {json}"))
            .iter()
            .map(|v| v.as_str().expect("a string").to_string())
            .collect()
    };
    Some(Update {
        errors: strings("errors"),
        changed: strings("changed"),
    })
}
