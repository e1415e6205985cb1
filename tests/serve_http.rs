//! `align serve` over HTTP: routing, content types, revalidation, HEAD, compression, path
//! traversal, the live-reload script and `--no-reload`.

mod serve_support;

use std::time::Duration;

use serve_support::{
    CONFIG, OUTSIDE_SECRET, Project, RELOAD_TAG, SECRET, Server, built_files, contains,
    strip_reload,
};

fn served() -> (Project, Server) {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    (project, server)
}

#[test]
fn prints_the_address_and_every_site_on_localhost_by_default() {
    let (_project, server) = served();
    let port = server.port;
    assert_eq!(server.base, format!("http://127.0.0.1:{port}/"));
    server.wait_stdout(|l| l == format!("  team: http://127.0.0.1:{port}/team/"));
    server.wait_stdout(|l| l == format!("  public: http://127.0.0.1:{port}/public/"));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn explicit_bind_address_is_used() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &["--bind", "127.0.0.1"]);
    assert_eq!(server.base, format!("http://127.0.0.1:{}/", server.port));
    assert_eq!(server.get("/team/").status, 200);
}

#[test]
fn files_have_their_content_types() {
    let (_project, server) = served();
    for (path, expected) in [
        ("/team/", "text/html; charset=utf-8"),
        ("/team/index.html", "text/html; charset=utf-8"),
        ("/team/pages/p.html", "text/html; charset=utf-8"),
        ("/team/assets/style.css", "text/css; charset=utf-8"),
        ("/team/assets/search.js", "text/javascript; charset=utf-8"),
        ("/team/graph.json", "application/json"),
        ("/team/search-index.json", "application/json"),
        ("/team/sitemap.xml", "application/xml; charset=utf-8"),
        ("/team/feed.xml", "application/atom+xml; charset=utf-8"),
        ("/public/feed.xml", "application/atom+xml; charset=utf-8"),
        ("/team/robots.txt", "text/plain; charset=utf-8"),
        ("/__align/reload.js", "text/javascript; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(expected), "{path}");
        assert!(!response.body.is_empty(), "{path} is empty");
    }
    let css = server.get("/team/assets/style.css");
    assert_eq!(css.header("x-content-type-options"), Some("nosniff"));
    let feed = server.get("/public/feed.xml").text();
    assert!(feed.contains("<feed"), "not an Atom feed: {feed}");
    let sitemap = server.get("/team/sitemap.xml").text();
    assert!(sitemap.contains("<urlset"), "not a sitemap: {sitemap}");
    let graph: serde_json::Value =
        serde_json::from_slice(&server.get("/team/graph.json").body).expect("graph.json parses");
    assert_eq!(graph["site"], "team");
}

#[test]
fn matching_etag_gives_304() {
    let (_project, server) = served();
    for path in ["/team/pages/p.html", "/team/assets/style.css", "/team/"] {
        let first = server.get(path);
        assert_eq!(first.status, 200);
        // Weak: the same tag goes with the compressed and the plain bytes.
        let etag = first.header("etag").expect("an ETag").to_string();
        assert!(etag.starts_with("W/\"") && etag.ends_with('"'), "{etag}");
        assert_eq!(first.header("cache-control"), Some("no-cache"));

        let again = server.request("GET", path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));

        let listed = format!("\"nope\", {etag}");
        let again = server.request("GET", path, &[("If-None-Match", &listed)]);
        assert_eq!(again.status, 304, "{path} with a list of tags");

        let other = server.request("GET", path, &[("If-None-Match", "\"other\"")]);
        assert_eq!(other.status, 200, "{path}");
        assert_eq!(other.body, first.body);

        // The same tag written strong matches too (If-None-Match compares weakly).
        let strong = etag.trim_start_matches("W/");
        let again = server.request("GET", path, &[("If-None-Match", strong)]);
        assert_eq!(again.status, 304, "{path} with the tag written strong");
    }
}

#[test]
fn matching_last_modified_gives_304() {
    let (_project, server) = served();
    let first = server.get("/team/pages/p.html");
    let modified = first
        .header("last-modified")
        .expect("a Last-Modified")
        .to_string();
    assert!(modified.ends_with(" GMT"), "{modified}");
    let again = server.request(
        "GET",
        "/team/pages/p.html",
        &[("If-Modified-Since", &modified)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let old = server.request(
        "GET",
        "/team/pages/p.html",
        &[("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")],
    );
    assert_eq!(old.status, 200);
    assert_eq!(old.body, first.body);
}

#[test]
fn later_if_modified_since_gives_304() {
    let (_project, server) = served();
    let later = server.request(
        "GET",
        "/team/pages/p.html",
        &[("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT")],
    );
    assert_eq!(later.status, 304);
}

#[test]
fn head_has_the_headers_and_no_body() {
    let (_project, server) = served();
    for path in [
        "/team/pages/p.html",
        "/team/assets/style.css",
        "/team/graph.json",
    ] {
        let get = server.get(path);
        let head = server.request("HEAD", path, &[]);
        assert_eq!(head.status, 200, "{path}");
        assert!(head.body.is_empty(), "HEAD {path} sent a body");
        assert_eq!(head.header("content-type"), get.header("content-type"));
        assert_eq!(head.header("etag"), get.header("etag"));
        assert_eq!(head.header("last-modified"), get.header("last-modified"));
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str()),
            "{path}"
        );
    }
    // Compressed, HEAD says what GET sends: gzip, and no length of the uncompressed bytes.
    let gzip = [("Accept-Encoding", "gzip")];
    let get = server.request("GET", "/team/pages/p.html", &gzip);
    let head = server.request("HEAD", "/team/pages/p.html", &gzip);
    assert!(head.body.is_empty());
    assert_eq!(get.header("content-encoding"), Some("gzip"));
    assert_eq!(
        head.header("content-encoding"),
        get.header("content-encoding")
    );
    assert_eq!(head.header("vary"), get.header("vary"));
    assert_eq!(head.header("content-length"), get.header("content-length"));
    let missing = server.request("HEAD", "/team/nope.html", &[]);
    assert_eq!(missing.status, 404);
    assert!(missing.body.is_empty());
}

#[test]
fn on_a_loopback_address_only_requests_naming_this_machine_are_answered() {
    let (_project, server) = served();
    let port = server.port;
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LOCALHOST".to_string(),
        format!("preview.localhost:{port}"),
        format!("[::1]:{port}"),
        "127.8.9.10".to_string(),
    ] {
        let response = server.request("GET", "/team/pages/p.html", &[("Host", &host)]);
        assert_eq!(response.status, 200, "{host}");
    }
    // A page on a name made to lead here (DNS rebinding) reads nothing.
    for host in [
        format!("attacker.example:{port}"),
        "localhost.attacker.example".to_string(),
        "127.0.0.1.attacker.example".to_string(),
        format!("10.0.0.1:{port}"),
    ] {
        for path in ["/team/pages/p.html", "/", "/__align/events"] {
            let response = server.request("GET", path, &[("Host", &host)]);
            assert_eq!(response.status, 421, "{host} {path}");
            assert!(!contains(&response.body, "First body text"), "{host}");
        }
    }
    // Listening on every address is a choice to be reached by other names.
    let project = Project::minimal();
    let open = Server::start(&project.path(), &["--bind", "0.0.0.0"]);
    let response = open.request("GET", "/team/pages/p.html", &[("Host", "docs.example")]);
    assert_eq!(response.status, 200);
}

#[test]
fn other_methods_are_refused() {
    let (_project, server) = served();
    for method in ["POST", "PUT", "DELETE"] {
        let response = server.request(method, "/team/pages/p.html", &[("Content-Length", "0")]);
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn gzip_when_accepted() {
    let (_project, server) = served();
    for path in ["/team/assets/style.css", "/team/pages/p.html"] {
        let plain = server.get(path);
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        let zipped = server.request("GET", path, &[("Accept-Encoding", "gzip")]);
        assert_eq!(zipped.status, 200);
        assert_eq!(zipped.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(zipped.header("content-type"), plain.header("content-type"));
        assert!(
            zipped.body.starts_with(&[0x1f, 0x8b]),
            "{path} is not gzip data"
        );
        assert_ne!(zipped.body, plain.body);
        if let Some(unzipped) = gunzip(&zipped.body) {
            assert_eq!(
                unzipped, plain.body,
                "{path} decompresses to the same bytes"
            );
        }
    }
}

/// Decompresses with the system's `gzip`, when there is one.
fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut child = std::process::Command::new("gzip")
        .arg("-dc")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(data).ok()?;
    let output = child.wait_with_output().ok()?;
    output.status.success().then_some(output.stdout)
}

/// Neither the project's config nor files beside or outside the sites appear in a body.
fn assert_no_leak(project: &Project, what: &str, body: &[u8]) {
    for secret in [SECRET, OUTSIDE_SECRET, "default_audience"] {
        assert!(!contains(body, secret), "{what} leaked `{secret}`");
    }
    let config = project.read("align.toml");
    assert!(!contains(body, &config), "{what} served align.toml");
}

#[test]
fn traversal_in_every_spelling_is_a_bad_request() {
    let (project, server) = served();
    assert_eq!(project.read("align.toml"), CONFIG);
    let targets = [
        "/team/../align.toml",
        "/team/../secret.txt",
        "/team/../../outside/secret.txt",
        "/../secret.txt",
        "/..",
        "/team/..",
        "/team/./pages/p.html",
        "/team/%2e%2e/align.toml",
        "/team/%2E%2E/secret.txt",
        "/team/.%2e/secret.txt",
        "/team/%2e./secret.txt",
        "/team/%2e%2e%2fsecret.txt",
        "/team/..%2fsecret.txt",
        "/team/..%2Fsecret.txt",
        "/team/pages%2f..%2f..%2fsecret.txt",
        "/team/..%5csecret.txt",
        "/team/..%5Csecret.txt",
        "/team/..\\secret.txt",
        "/team/pages\\..\\..\\secret.txt",
        "/team//secret.txt",
        "//secret.txt",
        "//team/index.html",
        "/team/pages//p.html",
        "/team/C:%5csecret.txt",
        "/team/%00",
        "/team/p.html%00.css",
        "/team/%zz",
        "/team/%2",
        "/__align/../secret.txt",
        "/__align/%2e%2e/align.toml",
        "http://127.0.0.1/team/../secret.txt",
    ];
    for target in targets {
        for method in ["GET", "HEAD"] {
            let response = server.request(method, target, &[]);
            assert_eq!(response.status, 400, "{method} {target}");
            assert_no_leak(&project, &format!("{method} {target}"), &response.body);
        }
    }
    // A drive letter: refused where there are drives; elsewhere `C:` is a name like any
    // other, looked up among the built files, and not found.
    for target in [
        "/team/C:/secret.txt",
        "/C:/secret.txt",
        "/team/c%3a/secret.txt",
    ] {
        let response = server.get(target);
        let status = if cfg!(windows) { 400 } else { 404 };
        assert_eq!(response.status, status, "{target}");
        assert_no_leak(&project, target, &response.body);
    }
}

#[test]
fn files_outside_the_sites_are_not_served() {
    let (project, server) = served();
    for target in [
        "/align.toml",
        "/secret.txt",
        "/team/align.toml",
        "/team/secret.txt",
        "/team/content/pages/p.md",
        "/team/pages/p.md",
        "/team/%252e%252e/secret.txt",
        "/team/...",
        "/team/.../secret.txt",
        "/content/pages/p.md",
        "/nosite/index.html",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert_no_leak(&project, target, &response.body);
    }
}

#[cfg(unix)]
#[test]
fn symlinks_in_static_do_not_reach_outside() {
    let project = Project::minimal();
    project.write("static/own.txt", "own static file\n");
    std::os::unix::fs::symlink(
        project.outside().join("secret.txt"),
        project.file("static/leak.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(project.outside(), project.file("static/outside")).unwrap();
    std::os::unix::fs::symlink(project.file("secret.txt"), project.file("static/root.txt"))
        .unwrap();
    let server = Server::start(&project.path(), &[]);
    assert_eq!(server.get("/team/own.txt").text(), "own static file\n");
    for target in [
        "/team/leak.txt",
        "/team/outside/secret.txt",
        "/team/root.txt",
        "/public/leak.txt",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert_no_leak(&project, target, &response.body);
    }
}

#[cfg(unix)]
#[test]
fn symlinked_content_assets_do_not_reach_outside() {
    let project = Project::minimal();
    std::os::unix::fs::symlink(
        project.outside().join("secret.txt"),
        project.file("content/pages/leak.txt"),
    )
    .unwrap();
    project.write(
        "content/pages/p.md",
        &serve_support::page("Page P", "See [the file](leak.txt)."),
    );
    let server = Server::start(&project.path(), &[]);
    let response = server.get("/team/pages/leak.txt");
    assert_no_leak(&project, "/team/pages/leak.txt", &response.body);
}

#[test]
fn site_without_slash_redirects() {
    let (_project, server) = served();
    for (target, location) in [("/team", "/team/"), ("/public", "/public/")] {
        let response = server.get(target);
        assert_eq!(response.status, 308, "{target}");
        assert_eq!(response.header("location"), Some(location));
    }
    assert_eq!(server.get("/team/").status, 200);
    // A folder of a site, whose address keeps the query.
    let response = server.get("/team/lists");
    assert_eq!(response.status, 308);
    assert_eq!(response.header("location"), Some("/team/lists/"));
    assert_eq!(server.get("/team/lists/").status, 200);
    let response = server.get("/team/lists?q=x");
    assert_eq!(response.header("location"), Some("/team/lists/?q=x"));
    // A name at the top that is no site (browsers ask for `/favicon.ico` on every page)
    // is not found, not moved.
    for name in ["/favicon.ico", "/robots.txt", "/a%20b"] {
        let response = server.get(name);
        assert_eq!(response.status, 404, "{name}");
        assert_eq!(response.header("location"), None, "{name}");
    }
}

#[test]
fn a_document_whose_file_name_holds_a_colon_is_served() {
    let project = Project::minimal();
    project.write(
        "content/pages/q3:review.md",
        "+++\ntitle = \"Q3 review\"\n+++\nHow the quarter went.\n",
    );
    let server = Server::start(&project.path(), &[]);
    let response = server.get("/team/pages/q3%3Areview.html");
    assert_eq!(response.status, 200);
    assert!(response.text().contains("How the quarter went."));
}

#[test]
fn unknown_files_get_the_site_404_page() {
    let (_project, server) = served();
    let page = server.get("/team/404.html");
    assert_eq!(page.status, 200);
    for target in [
        "/team/nope.html",
        "/team/pages/nope.html",
        "/team/deep/er/nope",
        "/team/pages/",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(response.body, page.body, "{target} is not the 404 page");
    }
    let public = server.get("/public/nope.html");
    assert_eq!(public.status, 404);
    assert_eq!(public.body, server.get("/public/404.html").body);
    let etag = page.header("etag").unwrap().to_string();
    let conditional = server.request("GET", "/team/nope.html", &[("If-None-Match", &etag)]);
    assert_eq!(conditional.status, 404, "a missing page is never 304");
    assert_eq!(server.get("/nosite/x.html").status, 404);
    // The server's own folder holds its reload script and event stream, and nothing else.
    assert_eq!(server.get("/__align/reload.js").status, 200);
    for target in ["/__align/x", "/__align/", "/__align/reload.js/x"] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert_eq!(response.body, b"not found", "{target}");
    }
}

#[test]
fn pages_hidden_from_a_site_are_404_there() {
    let (_project, server) = served();
    assert_eq!(server.get("/team/pages/p.html").status, 200);
    let hidden = server.get("/public/pages/p.html");
    assert_eq!(hidden.status, 404);
    assert!(!hidden.text().contains("First body text"));
}

#[test]
fn root_lists_the_sites() {
    let (_project, server) = served();
    let index = server.get("/");
    assert_eq!(index.status, 200);
    let html = index.text();
    for (href, title) in [("/team/", "Team plan"), ("/public/", "Public news")] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "no link to {href}: {html}"
        );
        assert!(html.contains(title), "no title {title}: {html}");
    }
}

#[test]
fn pages_get_the_reload_script_before_body_end() {
    let project = Project::minimal();
    let out = tempfile::tempdir().unwrap();
    serve_support::build(&project.path(), out.path());
    let built = built_files(out.path());
    let server = Server::start(&project.path(), &[]);
    for (path, bytes) in &built {
        let response = server.get(&serve_support::encode_path(path));
        assert_eq!(response.status, 200, "{path}");
        if path.ends_with(".html") {
            let stripped = strip_reload(&response.body)
                .unwrap_or_else(|| panic!("{path} has no single reload tag before </body>"));
            assert_eq!(&stripped, bytes, "{path}");
        } else {
            assert_eq!(&response.body, bytes, "{path}");
        }
    }
    let script = server.get("/__align/reload.js").text();
    assert!(script.contains("/__align/events"));
    assert!(script.contains("align-error-overlay"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_while_a_page_is_open() {
    let (_project, mut server) = served();
    let _open = server.events_for("/team/pages/p.html");
    let status = server.interrupt(Duration::from_secs(10));
    assert!(
        status.is_some_and(|s| s.success()),
        "still running, or failed: {status:?}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_while_a_client_never_finishes_its_request() {
    use std::io::Write as _;
    let (_project, mut server) = served();
    let mut stalled = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stalled.write_all(b"GET /team/ HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let status = server.interrupt(Duration::from_secs(10));
    assert!(
        status.is_some(),
        "still running with a request left unfinished"
    );
}

#[test]
fn a_date_that_is_not_one_is_a_usage_error() {
    let project = Project::minimal();
    let output = std::process::Command::new(serve_support::bin())
        .args(["serve", project.path().to_str().unwrap(), "--port", "0"])
        .args(["--today", "2026-13-01"])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--today `2026-13-01` is no day of the calendar: there are 12 months"),
        "{stderr}"
    );
}

#[test]
fn no_reload_with_a_broken_build_serves_nothing_and_fails() {
    let project = Project::minimal();
    project.write(
        "content/pages/secret.md",
        "+++\ntitle = \"Secret merger\"\naudience = [\"exec\"]\n+++\nSee [[NO-SUCH-DOC]].\n",
    );
    let output = std::process::Command::new(serve_support::bin())
        .args(["serve", project.path().to_str().unwrap(), "--port", "0"])
        .args(["--no-reload", "--today", serve_support::TODAY])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("NO-SUCH-DOC"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout).is_empty(),
        "nothing served"
    );
}

#[test]
fn no_reload_serves_the_build_as_is() {
    let project = Project::minimal();
    let out = tempfile::tempdir().unwrap();
    serve_support::build(&project.path(), out.path());
    let built = built_files(out.path());
    let server = Server::start(&project.path(), &["--no-reload"]);
    for (path, bytes) in &built {
        let response = server.get(&serve_support::encode_path(path));
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(&response.body, bytes, "{path} differs from the build");
        assert!(!contains(&response.body, RELOAD_TAG), "{path}");
    }
    let missing = server.get("/team/nope.html");
    assert_eq!(missing.status, 404);
    assert!(!contains(&missing.body, "__align"));
    assert_eq!(server.get("/__align/events").status, 404);
    assert_eq!(server.get("/__align/reload.js").status, 404);

    project.write(
        "content/pages/p.md",
        &serve_support::page("Page P", "Edited while not watching."),
    );
    std::thread::sleep(Duration::from_millis(600));
    let page = server.get("/team/pages/p.html");
    assert!(page.text().contains("First body text"));
    assert!(
        !server.stderr().iter().any(|l| l.contains("rebuilt")),
        "{:?}",
        server.stderr()
    );
}

#[test]
fn event_stream_is_server_sent_events() {
    let (_project, server) = served();
    let mut events = server.events();
    assert!(
        events.next(Duration::from_millis(200)).is_none(),
        "a good build sends nothing on connect"
    );
}

#[test]
fn the_404_page_links_back_to_this_server_not_the_published_site() {
    let project = Project::minimal();
    project.write(
        "align.toml",
        &format!("base_url = \"https://plans.example.com/docs\"\n{CONFIG}"),
    );
    let server = Server::start(&project.path(), &[]);
    let missing = server.get("/team/pages/deep/nope.html");
    assert_eq!(missing.status, 404);
    let text = missing.text();
    assert!(text.contains("href=\"/team/assets/"), "{text}");
    assert!(text.contains("href=\"/team/index.html\""), "{text}");
    assert!(!text.contains("plans.example.com"), "{text}");
    // The built file itself keeps its published links: by the published path.
    let out = tempfile::tempdir().unwrap();
    serve_support::build(&project.path(), out.path());
    let built = std::fs::read_to_string(out.path().join("team/404.html")).unwrap();
    assert!(built.contains("href=\"/docs/team/assets/"), "{built}");
    // After base_url changes, the 404 page still leads back to this server.
    let mut events = server.events();
    project.save(
        "align.toml",
        &format!("base_url = \"https://moved.example.com\"\n{CONFIG}"),
    );
    let _ = events.settle(Duration::from_millis(400));
    let moved = server.get("/team/pages/deep/nope.html").text();
    assert!(moved.contains("href=\"/team/assets/"), "{moved}");
    assert!(!moved.contains("moved.example.com"), "{moved}");
    // Hosted behind a proxy at the published address, the 404 page keeps its path.
    drop(server);
    project.write(
        "align.toml",
        &format!("base_url = \"https://plans.example.com/docs\"\n{CONFIG}"),
    );
    let hosted = Server::start(&project.path(), &["--no-reload"]);
    let missing = hosted.get("/team/pages/deep/nope.html");
    assert!(
        missing.text().contains("href=\"/docs/team/assets/"),
        "{}",
        missing.text()
    );
}

#[test]
fn a_port_in_use_is_said_at_once_before_anything_is_built() {
    let project = Project::minimal();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = std::process::Command::new(serve_support::bin())
        .args(["serve", project.path().to_str().unwrap(), "-p", &port])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let said = String::from_utf8_lossy(&run.stderr);
    // The one line saying why: no build ran, so no warning or timing came before it.
    assert_eq!(
        said.trim_end(),
        format!("error: cannot listen on 127.0.0.1:{port}: Address already in use (os error 98)"),
        "{said}"
    );
}

/// `--open` runs the system's opener; when there is none, or it finds no browser, the
/// server says so and goes on serving.
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn open_says_when_no_browser_opens_and_serves_on() {
    use std::os::unix::fs::PermissionsExt as _;

    let project = Project::minimal();
    let dir = project.path();
    let start = |path: &std::path::Path| {
        let args = [dir.to_str().unwrap(), "--open"];
        Server::start_with(
            std::path::Path::new("."),
            &args,
            &[("PATH", path.as_os_str())],
        )
    };
    let opener = |bin: &std::path::Path, script: &str| {
        let path = bin.join("xdg-open");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };

    // No opener at all.
    let empty = tempfile::tempdir().unwrap();
    let server = start(empty.path());
    server.wait_stderr(1, |l| {
        l.starts_with("warning: cannot open a browser (xdg-open cannot be run:")
            && l.ends_with(&format!("; open {} in one", server.base))
    });
    assert_eq!(server.get("/team/").status, 200);
    drop(server);

    // An opener that finds no browser (xdg-open exits with 3 then).
    let failing = tempfile::tempdir().unwrap();
    opener(failing.path(), "#!/bin/sh\nexit 3\n");
    let server = start(failing.path());
    server.wait_stderr(1, |l| {
        l.starts_with("warning: cannot open a browser (xdg-open exit status: 3)")
    });
    assert_eq!(server.get("/team/").status, 200);
    drop(server);

    // One that opens: it is given the server's address, and nothing is said. It gets
    // the system's transparent huge pages back, which the server turns off for itself.
    let working = tempfile::tempdir().unwrap();
    let asked = working.path().join("asked");
    let pages = working.path().join("pages");
    opener(
        working.path(),
        &format!(
            "#!/bin/sh\nwhile read -r line; do case $line in THP_enabled*) printf '%s\\n' \"$line\";; esac; done < /proc/self/status > '{}'\nprintf '%s' \"$1\" > '{}'\n",
            pages.display(),
            asked.display()
        ),
    );
    let server = start(working.path());
    let url = serve_support::wait_for(Duration::from_secs(10), || {
        std::fs::read_to_string(&asked)
            .ok()
            .filter(|u| !u.is_empty())
    });
    assert_eq!(url.as_deref(), Some(server.base.as_str()));
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid()));
    let status = status.unwrap_or_default();
    let own = status.lines().find(|l| l.starts_with("THP_enabled"));
    // Systems without `/proc` and kernels before 5.0 do not say; kernels without huge
    // pages say 0 for both.
    if let Some(own) =
        own.filter(|_| std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists())
    {
        assert_eq!(own, "THP_enabled:\t0");
        let opener_saw = std::fs::read_to_string(&pages).unwrap();
        assert_eq!(opener_saw.trim_end(), "THP_enabled:\t1");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !server.stderr().iter().any(|l| l.contains("cannot open")),
        "{:?}",
        server.stderr()
    );
}
