//! HTTP for `serve`: maps request paths onto built files only (nothing on disk is ever
//! opened), with content types, ETag/Last-Modified revalidation, HEAD, compression, and
//! the live-reload script and event stream.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, Version, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt, stream};
use tokio_stream::wrappers::BroadcastStream;
use tower_http::compression::CompressionLayer;

use super::store::{Entry, Store, Update};

pub const RELOAD_JS: &str = include_str!("reload.js");
const RELOAD_TAG: &str = "<script src=\"/__align/reload.js\"></script>";

pub struct App {
    pub store: Arc<Store>,
    pub reload: bool,
    /// Served only to requests that name this machine (`localhost`, a loopback address)
    /// in their `Host`: set when the server listens on a loopback address, so that a web
    /// page whose name was made to lead to 127.0.0.1 (DNS rebinding) reads nothing.
    pub local_only: bool,
    /// Set when the server stops: event streams end.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .fallback(
            move |method: Method, version: Version, uri: Uri, headers: HeaderMap| {
                let app = app.clone();
                async move {
                    match request_host(version, &uri, &headers) {
                        Ok(host) => handle(&app, &method, host, &uri, &headers),
                        Err(message) => plain(StatusCode::BAD_REQUEST, message),
                    }
                }
            },
        )
        .layer(CompressionLayer::new())
}

/// The host a request is for: its target's when the target names one (`GET
/// http://host/path`, which wins over `Host`), else its `Host`'s; `None` for an HTTP/1.0
/// request without one. Two `Host`s, or none in HTTP/1.1, are a bad request, as HTTP
/// says: which one a check read would be a guess.
fn request_host<'r>(
    version: Version,
    uri: &'r Uri,
    headers: &'r HeaderMap,
) -> Result<Option<&'r str>, &'static str> {
    let mut hosts = headers.get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(_), Some(_)) => return Err("bad request: two Host headers"),
        (Some(host), None) => Some(host.to_str().map_err(|_| "bad request: Host")?),
        (None, _) if version >= Version::HTTP_11 => {
            return Err("bad request: no Host header");
        }
        (None, _) => None,
    };
    Ok(uri.authority().map(|a| a.as_str()).or(host))
}

/// Whether a request's host is this machine by a name no other can take: `localhost` (or
/// a name under it) or a loopback address, any port. A request without one (HTTP/1.0)
/// comes from no browser.
fn names_this_machine(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    // `user@host` in a target's authority names the host after the `@`.
    let host = host.rsplit('@').next().unwrap_or(host);
    let name = match host.strip_prefix('[') {
        // `[::1]:3000`
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Index,
    ReloadScript,
    Events,
    /// A site's folder (or what may be one) asked for without its slash: the name.
    Redirect(String),
    File {
        site: String,
        path: String,
    },
    /// A path that tries to leave the served tree, or is malformed.
    Bad,
    /// A path under the server's own `/__align/` that names none of its files.
    Missing,
}

/// Decodes and checks a raw request path. Traversal in any spelling is refused here, and
/// files are then looked up by name among built files, never on disk.
pub fn route(raw: &str) -> Route {
    if !raw.starts_with('/') || raw.contains('\\') || raw.contains("//") {
        return Route::Bad;
    }
    let mut segments = Vec::new();
    for part in raw[1..].split('/') {
        let Some(decoded) = decode(part) else {
            return Route::Bad;
        };
        // A `:` names a drive only where there are drives: elsewhere it is a character a
        // document's file name may hold (`pages/q3:review.md`), and files are looked up
        // among built ones, never on disk.
        let unsafe_segment = decoded == "."
            || decoded == ".."
            || decoded.contains(['/', '\\', '\0'])
            || (cfg!(windows) && decoded.contains(':'));
        if unsafe_segment {
            return Route::Bad;
        }
        segments.push(decoded);
    }
    match segments.as_slice() {
        [] => Route::Index,
        [only] if only.is_empty() => Route::Index,
        [first, rest @ ..] if first == crate::config::RESERVED_SITE => match rest {
            [name] if name == "reload.js" => Route::ReloadScript,
            [name] if name == "events" => Route::Events,
            _ => Route::Missing,
        },
        [site] => Route::Redirect(site.clone()),
        [site, rest @ ..] => {
            let mut path = rest.join("/");
            if path.is_empty() || path.ends_with('/') {
                path.push_str("index.html");
            }
            Route::File {
                site: site.clone(),
                path,
            }
        }
    }
}

fn decode(part: &str) -> Option<String> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn handle(
    app: &App,
    method: &Method,
    host: Option<&str>,
    uri: &Uri,
    headers: &HeaderMap,
) -> Response {
    if app.local_only && !names_this_machine(host) {
        return plain(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only requests to localhost or a loopback address",
        );
    }
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match route(uri.path()) {
        Route::Bad => plain(StatusCode::BAD_REQUEST, "bad request"),
        Route::Index => index(app),
        Route::ReloadScript if app.reload => typed(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            RELOAD_JS.into(),
        ),
        Route::Events if app.reload => events(
            app.store.clone(),
            uri.query().and_then(open_page),
            app.stop.clone(),
        )
        .into_response(),
        Route::ReloadScript | Route::Events | Route::Missing => {
            plain(StatusCode::NOT_FOUND, "not found")
        }
        // A site's folder asked for without its slash; any other name at the top
        // (`/favicon.ico`, which browsers ask for on every page) is no site.
        // Before a first good build no site is served yet: the name may well be one, and
        // its folder shows the errors.
        Route::Redirect(site) if app.store.has_site(&site) => redirect(&with_slash(uri)),
        // Only for now: once the project builds, a name that is no site is not found,
        // and a browser must not remember the move.
        Route::Redirect(_) if app.store.is_empty() => {
            let mut response = redirect(&with_slash(uri));
            *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
            response
        }
        Route::Redirect(_) => plain(StatusCode::NOT_FOUND, "not found"),
        Route::File { site, path } => {
            // A folder asked for without its slash, as static hosts answer it.
            let folder = format!("{path}/index.html");
            if app.store.get(&site, &path).is_none() && app.store.get(&site, &folder).is_some() {
                return redirect(&with_slash(uri));
            }
            file(app, &site, &path, headers)
        }
    }
}

/// The address a folder asked for without its slash moves to: the path as the client
/// wrote it, still percent-encoded, with the slash added, and the query kept
/// (`/team/lists?q=x` to `/team/lists/?q=x`).
fn with_slash(uri: &Uri) -> String {
    match uri.query() {
        Some(query) => format!("{}/?{query}", uri.path()),
        None => format!("{}/", uri.path()),
    }
}

fn redirect(to: &str) -> Response {
    let mut response = plain(StatusCode::PERMANENT_REDIRECT, "moved");
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn file(app: &App, site: &str, path: &str, headers: &HeaderMap) -> Response {
    if !app.store.has_site(site) {
        let errors = app.store.errors();
        if !errors.is_empty() {
            return error_page(&errors);
        }
        return plain(StatusCode::NOT_FOUND, "not found");
    }
    let (status, entry, path) = match app.store.get(site, path) {
        Some(entry) => (StatusCode::OK, entry, path),
        None => match app.store.get(site, "404.html") {
            Some(entry) => (StatusCode::NOT_FOUND, entry, "404.html"),
            None => return plain(StatusCode::NOT_FOUND, "not found"),
        },
    };
    let last_modified = http_date(entry.modified);
    if status == StatusCode::OK && not_modified(headers, &entry, &last_modified) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        set_validators(response.headers_mut(), &entry, &last_modified);
        return response;
    }
    // HTML in another encoding (a static page of long ago) is not said to be UTF-8: the
    // browser reads its own `<meta charset>` instead.
    let kind = match content_type(path) {
        "text/html; charset=utf-8" if std::str::from_utf8(&entry.body()).is_err() => "text/html",
        kind => kind,
    };
    // The 404 page links absolutely to where the site is published (it is served at any
    // depth); in preview those links lead back to this server. Hosted behind a proxy
    // (`--no-reload`), the published address is the right one.
    let published = (app.reload && status == StatusCode::NOT_FOUND)
        .then(|| app.store.site_url(site))
        .flatten()
        .map(|url| crate::config::url_path(&url).to_string());
    let bytes = match published {
        Some(published) => local_links(&entry.body(), &published, site),
        _ => entry.body(),
    };
    let body = if app.reload && kind.starts_with("text/html") {
        inject(&bytes)
    } else {
        bytes
    };
    // A HEAD request gets the GET response, compressed alike, whose body the server then
    // leaves out: its headers are the ones a GET gets.
    let mut response = typed(status, kind, body);
    let headers = response.headers_mut();
    set_validators(headers, &entry, &last_modified);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The 404 page with its links from the published site's path (`/docs/exec/`) turned
/// into links to the same site on this server (`/exec/`).
/// Only the attributes that start with that path change (`href="/docs/exec/…"`), not
/// text, and nothing when the paths are the same.
fn local_links(html: &bytes::Bytes, published: &str, site: &str) -> bytes::Bytes {
    let here = format!("/{site}/");
    if published == here {
        return html.clone();
    }
    let from = format!("=\"{published}");
    match std::str::from_utf8(html) {
        Ok(text) if text.contains(&from) => {
            bytes::Bytes::from(text.replace(&from, &format!("=\"{here}")))
        }
        _ => html.clone(),
    }
}

fn not_modified(headers: &HeaderMap, entry: &Entry, last_modified: &str) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        // Weak comparison, as RFC 9110 asks of If-None-Match: a proxy that compresses
        // marks the tag weak (`W/"…"`).
        return tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == entry.etag());
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|since| {
            since == last_modified
                || parse_http_date(since).is_some_and(|s| s >= seconds(entry.modified))
        })
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as Unix seconds.
fn parse_http_date(text: &str) -> Option<i64> {
    let parsed = jiff::fmt::strtime::parse("%a, %d %b %Y %H:%M:%S GMT", text).ok()?;
    let datetime = parsed.to_datetime().ok()?;
    Some(
        datetime
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp()
            .as_second(),
    )
}

fn seconds(time: std::time::SystemTime) -> i64 {
    jiff::Timestamp::try_from(time).map_or(0, |t| t.as_second())
}

fn set_validators(headers: &mut HeaderMap, entry: &Entry, last_modified: &str) {
    // Weak: the server sends the same bytes compressed or not, under one tag, and a strong
    // tag names one representation's bytes exactly.
    if let Ok(value) = HeaderValue::from_str(&format!("W/{}", entry.etag())) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(last_modified) {
        headers.insert(header::LAST_MODIFIED, value);
    }
}

fn http_date(time: std::time::SystemTime) -> String {
    let ts = jiff::Timestamp::try_from(time).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Adds the reload script before `</body>`. A page that is not UTF-8 (a static file in
/// another encoding) is served as it is, without one, rather than with its text changed.
fn inject(html: &bytes::Bytes) -> bytes::Bytes {
    let Ok(text) = std::str::from_utf8(html) else {
        return html.clone();
    };
    match text.rfind("</body>") {
        Some(at) => format!("{}{RELOAD_TAG}\n{}", &text[..at], &text[at..]).into(),
        None => format!("{text}{RELOAD_TAG}").into(),
    }
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match (path, ext.as_str()) {
        (p, _) if p.ends_with("feed.xml") => "application/atom+xml; charset=utf-8",
        (_, "html" | "htm") => "text/html; charset=utf-8",
        (_, "css") => "text/css; charset=utf-8",
        (_, "js" | "mjs") => "text/javascript; charset=utf-8",
        (_, "json") => "application/json",
        (_, "xml") => "application/xml; charset=utf-8",
        (_, "txt" | "md") => "text/plain; charset=utf-8",
        (_, "svg") => "image/svg+xml",
        (_, "png") => "image/png",
        (_, "jpg" | "jpeg") => "image/jpeg",
        (_, "gif") => "image/gif",
        (_, "webp") => "image/webp",
        (_, "ico") => "image/x-icon",
        (_, "woff2") => "font/woff2",
        (_, "woff") => "font/woff",
        (_, "pdf") => "application/pdf",
        (_, "wasm") => "application/wasm",
        (_, "avif") => "image/avif",
        (_, "csv") => "text/csv; charset=utf-8",
        (_, "mp4") => "video/mp4",
        (_, "webm") => "video/webm",
        _ => "application/octet-stream",
    }
}

fn typed(status: StatusCode, kind: &'static str, body: bytes::Bytes) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    typed(
        status,
        "text/plain; charset=utf-8",
        bytes::Bytes::from_static(text.as_bytes()),
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

fn index(app: &App) -> Response {
    // Before a first good build there is no site to list: the errors are the news.
    if app.store.is_empty() {
        let errors = app.store.errors();
        if !errors.is_empty() {
            return error_page(&errors);
        }
    }
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>align serve</title></head><body><main><h1>Sites</h1><ul>",
    );
    for (name, title) in app.store.sites() {
        html.push_str(&format!(
            "<li><a href=\"/{0}/\">{1}</a> <code>/{0}/</code></li>",
            escape(&name),
            escape(&title)
        ));
    }
    html.push_str("</ul></main></body></html>\n");
    typed(StatusCode::OK, "text/html; charset=utf-8", html.into())
}

/// Shown while no build has succeeded yet.
fn error_page(errors: &[String]) -> Response {
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body data-align-error=\"1\"><main><h1>The build failed</h1><ul>",
    );
    for line in errors {
        html.push_str(&format!("<li><code>{}</code></li>", escape(line)));
    }
    html.push_str(&format!("</ul><p>Fix the files above; this page reloads by itself.</p></main>{RELOAD_TAG}</body></html>\n"));
    typed(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/html; charset=utf-8",
        html.into(),
    )
}

/// The page an event stream's query names (`?page=/team/roadmap.html`, as the browser has
/// it in its address bar), routed as a request for it would be.
fn open_page(query: &str) -> Option<(String, String)> {
    let raw = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .filter(|raw| raw.len() <= 2048)?;
    match route(&decode(raw)?) {
        Route::File { site, path } => Some((site, path)),
        _ => None,
    }
}

/// Resolves once the server is told to stop: open event streams end then, so that they
/// do not hold the server open.
async fn stopped(mut stop: tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// Tells the page that opened it what each rebuild changed; while it is open, a rebuild
/// renders that page ahead of the rest (see [`Store::open`]).
fn events(
    store: Arc<Store>,
    page: Option<(String, String)>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let open = page.map(|(site, path)| store.open(&site, &path));
    let current = Update {
        errors: store.errors(),
        ..Update::default()
    };
    let first = stream::iter((!current.errors.is_empty()).then_some(current));
    // A page that missed updates (more came at once than its stream holds) reloads.
    let later = BroadcastStream::new(store.subscribe()).map(|update| {
        update.unwrap_or_else(|_| Update {
            all: true,
            ..Update::default()
        })
    });
    let stream = first
        .chain(later)
        .take_until(stopped(stop))
        .map(move |update| {
            // The page stays open for as long as its stream lives.
            let _open = &open;
            let data = serde_json::to_string(&update).unwrap_or_else(|_| "{}".into());
            Ok(Event::default().event("update").data(data))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_no_other_machine_can_take_are_this_machine() {
        let named = |host: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(host) = host {
                headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
            }
            let uri = Uri::from_static("/");
            names_this_machine(request_host(Version::HTTP_10, &uri, &headers).unwrap())
        };
        for here in [
            "localhost",
            "localhost.",
            "a.localhost:1",
            "127.0.0.1:80",
            "[::1]",
            "[::1]:3000",
        ] {
            assert!(named(Some(here)), "{here}");
        }
        for other in [
            "example.com",
            "localhost:x",
            "localhost.example",
            "[::2]:80",
            "0.0.0.0",
            "10.1.2.3",
        ] {
            assert!(!named(Some(other)), "{other}");
        }
        assert!(named(None));
    }

    #[test]
    fn files_a_site_may_hold_are_served_as_what_they_are() {
        for (path, kind) in [
            ("site/app.wasm", "application/wasm"),
            ("site/img/a.AVIF", "image/avif"),
            ("site/data.csv", "text/csv; charset=utf-8"),
            ("site/demo.mp4", "video/mp4"),
            ("site/feed.xml", "application/atom+xml; charset=utf-8"),
            ("site/unknown.bin", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), kind, "{path}");
        }
    }

    #[test]
    fn the_target_s_host_wins_and_two_hosts_or_none_in_http_1_1_are_bad() {
        let local = HeaderValue::from_static("localhost");
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, local.clone());
        let absolute = Uri::from_static("http://evil.example/exec/");
        let host = request_host(Version::HTTP_11, &absolute, &headers).unwrap();
        assert_eq!(host, Some("evil.example"));
        assert!(!names_this_machine(host));
        let relative = Uri::from_static("/exec/");
        assert_eq!(
            request_host(Version::HTTP_11, &relative, &headers),
            Ok(Some("localhost"))
        );
        headers.append(header::HOST, HeaderValue::from_static("evil.example"));
        assert!(request_host(Version::HTTP_11, &relative, &headers).is_err());
        let none = HeaderMap::new();
        assert!(request_host(Version::HTTP_11, &relative, &none).is_err());
        assert_eq!(request_host(Version::HTTP_10, &relative, &none), Ok(None));
    }

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for raw in [
            "/team/../secret",
            "/team/%2e%2e/secret",
            "/team/%2E%2E/x",
            "/team/a%2fb",
            "/team/a%5cb",
            "/team/a\\b",
            "/team//etc/passwd",
            "//etc/passwd",
            "/team/%00",
            "relative",
        ] {
            assert_eq!(route(raw), Route::Bad, "{raw}");
        }
        // A drive where there are drives; elsewhere a character of a file's name.
        let drive = route("/team/C:/x");
        if cfg!(windows) {
            assert_eq!(drive, Route::Bad);
        } else {
            let (site, path) = ("team".into(), "C:/x".into());
            assert_eq!(drive, Route::File { site, path });
        }
    }

    #[test]
    fn a_page_that_is_not_utf8_is_served_as_it_is() {
        let latin1 = bytes::Bytes::from_static(b"<html><body>caf\xe9</body></html>");
        assert_eq!(inject(&latin1), latin1);
    }

    #[test]
    fn routes_files_and_folders() {
        assert_eq!(route("/"), Route::Index);
        assert_eq!(route("/team"), Route::Redirect("team".into()));
        assert_eq!(
            route("/team/"),
            Route::File {
                site: "team".into(),
                path: "index.html".into()
            }
        );
        assert_eq!(
            route("/team/a%20b/c.html"),
            Route::File {
                site: "team".into(),
                path: "a b/c.html".into()
            }
        );
        assert_eq!(route("/__align/events"), Route::Events);
        // The server's own folder holds two files; anything else there is not found.
        assert_eq!(route("/__align/x"), Route::Missing);
        assert_eq!(route("/__align/"), Route::Missing);
        assert_eq!(route("/__align/events/x"), Route::Missing);
        assert_eq!(route("/__align/%2e%2e"), Route::Bad);
    }

    #[test]
    fn the_404_pages_links_lead_back_to_this_server_and_its_text_stays() {
        let page = |text: &str| bytes::Bytes::from(text.to_string());
        let html = page(r#"<link href="/docs/exec/assets/s.css"><p>See /docs/exec/ and </p>"#);
        assert_eq!(
            local_links(&html, "/docs/exec/", "exec"),
            page(r#"<link href="/exec/assets/s.css"><p>See /docs/exec/ and </p>"#)
        );
        // A site at a host's root: only addresses from the root change.
        let html = page(r#"<a href="/index.html">home</a></p>"#);
        assert_eq!(
            local_links(&html, "/", "exec"),
            page(r#"<a href="/exec/index.html">home</a></p>"#)
        );
        let same = page(r#"<a href="/exec/index.html">"#);
        assert_eq!(local_links(&same, "/exec/", "exec"), same);
    }

    #[test]
    fn an_event_stream_names_its_page_as_the_address_bar_has_it() {
        let page = |site: &str, path: &str| Some((site.to_string(), path.to_string()));
        assert_eq!(
            open_page("page=%2Fteam%2Froadmap.html"),
            page("team", "roadmap.html")
        );
        assert_eq!(open_page("page=%2Fteam%2F"), page("team", "index.html"));
        assert_eq!(
            open_page("x=1&page=%2Fteam%2Flists%2Ftag%2Fa%2520b.html"),
            page("team", "lists/tag/a b.html")
        );
        for query in ["", "page=", "page=%2F", "page=%2Fteam%2F..%2Fx", "page=%zz"] {
            assert_eq!(open_page(query), None, "{query}");
        }
        let long = format!("page=%2Fteam%2F{}.html", "a".repeat(2048));
        assert_eq!(open_page(&long), None, "longer than 2 KB");
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        let out = inject(&bytes::Bytes::from_static(b"<html><body>x</body></html>"));
        assert_eq!(
            &out[..],
            format!("<html><body>x{RELOAD_TAG}\n</body></html>").as_bytes()
        );
    }
}
