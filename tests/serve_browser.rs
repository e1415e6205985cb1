//! `align serve` in a real browser: headless Chromium, driven over WebDriver, reloads a
//! page by itself after an edit, shows a broken edit's errors over the page, and clears
//! them once the edit is fixed; and a site's search finds its documents when served, and
//! says why it cannot when the site is opened from disk. Skipped when chromedriver is not
//! installed.

mod serve_support;

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use serve_support::{INITIATIVE, Project, Server, TIMEOUT, build, page};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const OVERLAY: &str = "align-error-overlay";

/// chromedriver as a child process; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let up = serve_support::wait_for(TIMEOUT, || TcpStream::connect(("127.0.0.1", port)).ok());
        assert!(up.is_some(), "chromedriver did not listen on port {port}");
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        shutdown(&self.url);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asks chromedriver to end its sessions and quit, so no browser outlives a failed test.
fn shutdown(url: &str) {
    use std::io::{Read as _, Write as _};
    let Some(address) = url.strip_prefix("http://") else {
        return;
    };
    let Ok(mut stream) = TcpStream::connect(address) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /shutdown HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_ok() {
        let _ = stream.read_to_end(&mut Vec::new());
    }
}

async fn connect(driver: &Driver, profile: &Path) -> Client {
    let mut options = json!({
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if Path::new(CHROMIUM).exists() {
        options["binary"] = json!(CHROMIUM);
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session")
}

/// What the page shows: its body text, the overlay's text (null without one) and whether
/// this is still the document that set `window.__alignMarker`.
const STATE: &str = "return {
    text: document.body ? document.body.innerText : '',
    overlay: (document.getElementById(arguments[0]) || {}).innerText || null,
    marked: window.__alignMarker === true,
};";

async fn state(client: &Client) -> Option<Value> {
    client.execute(STATE, vec![json!(OVERLAY)]).await.ok()
}

/// Polls the page until `pred` holds for its state; panics with the last state after
/// [`TIMEOUT`].
async fn wait_until(client: &Client, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + TIMEOUT;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        if let Some(now) = state(client).await {
            if pred(&now) {
                return now;
            }
            last = now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}; the page was: {last:#}");
}

fn text_has(state: &Value, needle: &str) -> bool {
    state["text"].as_str().is_some_and(|t| t.contains(needle))
}

async fn mark(client: &Client) {
    client
        .execute("window.__alignMarker = true; return true;", vec![])
        .await
        .expect("set the marker");
}

fn run<F: Future<Output = ()>>(test: F) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(60), test)
            .await
            .expect("the browser test took over a minute");
    });
}

/// Whether chromedriver is there to run a browser test (required when
/// `ALIGN_REQUIRE_TOOLS` is set).
fn have_browser() -> bool {
    if Path::new(CHROMEDRIVER).exists() {
        return true;
    }
    assert!(
        std::env::var_os("ALIGN_REQUIRE_TOOLS").is_none(),
        "chromedriver is required (ALIGN_REQUIRE_TOOLS is set) but not installed"
    );
    eprintln!("skipped: chromedriver not installed");
    false
}

/// Opens `url` in a window of a phone's width.
async fn on_a_phone(client: &Client, url: &str) {
    client
        .set_window_size(375, 800)
        .await
        .expect("a phone's width");
    client.goto(url).await.expect("open the page");
}

/// Types `query` into the page's search box.
async fn search(client: &Client, query: &str) {
    client
        .find(fantoccini::Locator::Id("search-input"))
        .await
        .expect("the search box")
        .send_keys(query)
        .await
        .expect("type into the search box");
}

#[test]
fn search_finds_documents_over_http_and_says_why_not_from_disk() {
    if !have_browser() {
        return;
    }
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let out = tempfile::tempdir().unwrap();
    build(&project.path(), out.path());
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    run(async {
        let client = connect(&driver, profile.path()).await;
        client
            .goto(&format!("{}team/index.html", server.base))
            .await
            .expect("open the served site");
        search(&client, "page p").await;
        // The release plan names no page: "Page P" is the result.
        let found = wait_until(&client, "a search result", |s| text_has(s, "Page P")).await;
        assert!(!text_has(&found, "Search needs"), "{found:#}");
        // A result's link reads its title, then what it is, apart.
        let name = client
            .execute(
                "return document.querySelector('#search-results a').textContent;",
                vec![],
            )
            .await
            .expect("read the result's link");
        assert!(
            name.as_str().is_some_and(|n| n.starts_with("Page P, Page")),
            "{name}"
        );
        let file = format!("file://{}", out.path().join("team/index.html").display());
        client.goto(&file).await.expect("open the site from disk");
        search(&client, "page p").await;
        wait_until(&client, "the search box saying why it cannot search", |s| {
            text_has(s, "Search needs the site served over HTTP")
        })
        .await;
        client.close().await.expect("close the browser");
    });
    drop(server);
}

/// Search reads past accents and case: "resume" finds "Résumé", as does "RE\u{301}SUME".
#[test]
fn search_reads_past_accents_and_case() {
    if !have_browser() {
        return;
    }
    let project = Project::minimal();
    project.save(
        "content/pages/r.md",
        &page("Résumé review", "Twice a year."),
    );
    let server = Server::start(&project.path(), &[]);
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    run(async {
        let client = connect(&driver, profile.path()).await;
        client
            .goto(&format!("{}team/index.html", server.base))
            .await
            .expect("open the served site");
        for query in ["resume", "RE\u{301}SUME revi"] {
            client
                .find(fantoccini::Locator::Id("search-input"))
                .await
                .expect("the search box")
                .clear()
                .await
                .expect("clear the search box");
            search(&client, query).await;
            let deadline = Instant::now() + TIMEOUT;
            let mut results = Value::Null;
            while Instant::now() < deadline {
                results = client
                    .execute(
                        "return document.getElementById('search-results').textContent;",
                        vec![],
                    )
                    .await
                    .expect("read the results");
                if results
                    .as_str()
                    .is_some_and(|r| r.contains("Résumé review"))
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(
                results
                    .as_str()
                    .is_some_and(|r| r.contains("Résumé review")),
                "{query:?}: {results}"
            );
        }
        client.close().await.expect("close the browser");
    });
    drop(server);
}

#[test]
fn a_long_unbroken_word_does_not_widen_a_phone_s_page() {
    if !have_browser() {
        return;
    }
    let project = Project::minimal();
    let word = "com.example.platform.dispatch.scheduling.internal.RecurringJobInvalidationCoordinatorFactory";
    project.save(
        "content/pages/p.md",
        &page(
            word,
            &format!("See {word} and https://example.com/{word}/{word}."),
        ),
    );
    let server = Server::start(&project.path(), &[]);
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    run(async {
        let client = connect(&driver, profile.path()).await;
        on_a_phone(&client, &format!("{}team/pages/p.html", server.base)).await;
        wait_until(&client, "the page", |s| text_has(s, "RecurringJob")).await;
        let widths = client
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
                vec![],
            )
            .await
            .expect("read the page's widths");
        let [scroll, client_width] = [0, 1].map(|i| widths[i].as_u64().unwrap_or_default());
        assert!(
            scroll <= client_width && client_width > 0,
            "the page scrolls sideways: {widths}"
        );
        client.close().await.expect("close the browser");
    });
    drop(server);
}

#[test]
fn search_results_fit_a_phone_s_screen_and_close_when_the_reader_clicks_elsewhere() {
    if !have_browser() {
        return;
    }
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    run(async {
        let client = connect(&driver, profile.path()).await;
        on_a_phone(&client, &format!("{}team/index.html", server.base)).await;
        search(&client, "page p").await;
        wait_until(&client, "a search result", |s| text_has(s, "Page P")).await;
        let place = client
            .execute(
                "const r = document.getElementById('search-results').getBoundingClientRect();
                 return [r.left, r.right, document.documentElement.clientWidth];",
                vec![],
            )
            .await
            .expect("read where the results are");
        let [left, right, width] = [0, 1, 2].map(|i| place[i].as_f64().unwrap_or(-1.0));
        assert!(
            left >= 0.0 && right <= width && width > 0.0,
            "the results stand off the screen: {place}"
        );
        client
            .find(fantoccini::Locator::Css("h1"))
            .await
            .expect("the page's heading")
            .click()
            .await
            .expect("click the page's heading");
        let hidden = client
            .execute(
                "return document.getElementById('search-results').hidden;",
                vec![],
            )
            .await
            .expect("read whether the results are hidden");
        assert_eq!(hidden, Value::Bool(true), "the results stay open");
        client.close().await.expect("close the browser");
    });
    drop(server);
}

#[test]
fn open_page_reloads_shows_errors_and_recovers() {
    if !have_browser() {
        return;
    }
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let url = format!("{}team/pages/p.html", server.base);

    run(async {
        let client = connect(&driver, profile.path()).await;
        client.goto(&url).await.expect("open the page");
        let first = wait_until(&client, "the first page", |s| {
            text_has(s, "First body text")
        })
        .await;
        assert!(first["overlay"].is_null(), "{first:#}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        mark(&client).await;

        project.save(
            "content/pages/p.md",
            &page("Page P", "Second body text. See [[initiatives/a]]."),
        );
        let second = wait_until(&client, "the edited text", |s| {
            text_has(s, "Second body text")
        })
        .await;
        assert_eq!(second["marked"], json!(false), "the page did not reload");
        tokio::time::sleep(Duration::from_millis(300)).await;
        mark(&client).await;

        project.save(
            "content/pages/p.md",
            "+++\ntitle = \"Page P\"\nstatus = \n+++\nBroken body text.\n",
        );
        let broken = wait_until(&client, "the error overlay", |s| {
            s["overlay"]
                .as_str()
                .is_some_and(|o| o.contains("content/pages/p.md:3:"))
        })
        .await;
        let overlay = broken["overlay"].as_str().unwrap();
        assert!(overlay.contains("error"), "{overlay}");
        assert!(text_has(&broken, "Second body text"), "{broken:#}");
        assert!(!text_has(&broken, "Broken body text"), "{broken:#}");
        assert_eq!(
            broken["marked"],
            json!(true),
            "the page reloaded on a broken edit"
        );

        project.save(
            "content/pages/p.md",
            &page("Page P", "Fixed body text. See [[initiatives/a]]."),
        );
        let fixed = wait_until(&client, "the fixed text without the overlay", |s| {
            s["overlay"].is_null() && text_has(s, "Fixed body text")
        })
        .await;
        assert_eq!(fixed["marked"], json!(false), "the page did not reload");

        // A view open in the tab is rendered ahead of the rest of a fields edit: the tab
        // told the server which page it shows.
        let roadmap = format!("{}team/roadmap.html", server.base);
        client.goto(&roadmap).await.expect("open the roadmap");
        wait_until(&client, "the roadmap", |s| text_has(s, "Alpha initiative")).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        project.save(
            "content/initiatives/a.md",
            &INITIATIVE.replace("Alpha initiative", "Alpha initiative, renamed"),
        );
        wait_until(&client, "the renamed initiative on the roadmap", |s| {
            text_has(s, "Alpha initiative, renamed")
        })
        .await;
        server.wait_stderr(1, |l| {
            l.starts_with("open page in ") && l.ends_with("(/team/roadmap.html)")
        });

        // A stylesheet saved: the open page reloads with it, and no page is rendered.
        tokio::time::sleep(Duration::from_millis(300)).await;
        mark(&client).await;
        project.save("static/assets/style.css", "body { color: rgb(1, 2, 3); }\n");
        wait_until(&client, "the page reloaded with the new stylesheet", |s| {
            s["marked"] == json!(false) && text_has(s, "Alpha initiative, renamed")
        })
        .await;
        let color = client
            .execute("return getComputedStyle(document.body).color;", vec![])
            .await
            .expect("read the page's colour");
        assert_eq!(color, json!("rgb(1, 2, 3)"));
        server.wait_stderr(1, |l| {
            l.starts_with("rebuilt in ") && l.ends_with("(static files)")
        });
        client.close().await.expect("close the browser");
    });
    drop(server);
}
