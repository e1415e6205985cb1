//! `align serve`: builds every site in memory, serves them, and rebuilds what an edit
//! touches, telling open pages to reload.

mod http;
mod idle;
mod rebuild;
mod store;
mod watch;

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;

use crate::project::Failure;
pub use http::{Route, content_type, route};
use rebuild::{Built, Changes, Rebuilder};
use store::Store;

pub struct ServeOptions {
    pub dir: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    /// Watch, rebuild and inject the reload script; off for hosting a finished build.
    pub reload: bool,
    pub today: Option<String>,
    pub quiet: bool,
}

/// Serves until stopped; the exit status is 1 when `--no-reload` has no good build to
/// serve, as `build` would have failed.
pub fn serve(options: ServeOptions) -> Result<i32, Failure> {
    // A date that is not one is a usage error, as in `build`, not a broken build.
    crate::today::resolve(options.today.as_deref()).map_err(Failure::Usage)?;
    // A folder that is not there has nothing to watch: said before any address is.
    if let Some(message) = crate::config::not_a_folder(&options.dir) {
        return Err(Failure::Usage(anyhow::anyhow!(message)));
    }
    // A configuration that cannot be read is shown as any other error while watching,
    // and the first rebuild says it; without watching nothing would ever fix it. A
    // folder without align.toml, named by mistake (`align serve docs`), is an error to
    // exit on, as in `build` and `check`, not a server showing it on every page.
    let config = match crate::config::load(&options.dir) {
        Ok(config) => Some(config),
        Err(_) if options.reload && options.dir.join(crate::config::CONFIG_FILE).exists() => None,
        Err(err) => return Err(Failure::Config(err)),
    };
    // Bound before the first build, so that a port in use is said at once, not after
    // every site is built and its warnings printed.
    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address)
        .with_context(|| format!("cannot listen on {address}"))?;
    let store = Arc::new(Store::default());
    stop_on_timeout(Arc::clone(&store));
    let mut rebuilder = Rebuilder::new(&options.dir, options.today.clone());
    let started = Instant::now();
    let mut warnings = rebuild::Warnings::default();
    match rebuilder.rebuild(Changes {
        config: true,
        theme: true,
        ..Changes::default()
    }) {
        Ok(built) => {
            print_warnings(&built.warnings, options.quiet);
            warnings = built.warnings;
            store.set_urls(built.urls);
            store.publish(built.sites, built.titles, built.keep.as_ref());
            if !options.quiet {
                crate::errln!("built in {} ms", started.elapsed().as_millis());
            }
        }
        Err(errors) => {
            for line in &errors {
                crate::errln!("{line}");
            }
            // Without watching, nothing would ever fix it; and a hosted site must not
            // show its errors.
            if !options.reload {
                return Ok(1);
            }
            store.fail(errors);
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    runtime.block_on(run(options, listener, config, store, (rebuilder, warnings)))?;
    Ok(0)
}

async fn run(
    options: ServeOptions,
    listener: std::net::TcpListener,
    config: Option<crate::config::Config>,
    store: Arc<Store>,
    (rebuilder, warnings): (Rebuilder, rebuild::Warnings),
) -> Result<(), Failure> {
    listener
        .set_nonblocking(true)
        .context("cannot listen without blocking")?;
    let listener =
        tokio::net::TcpListener::from_std(listener).context("cannot listen in the runtime")?;
    let local = listener.local_addr().context("no local address")?;
    let base = format!("http://{local}/");
    let sites: Vec<String> = config
        .iter()
        .flat_map(|c| c.sites.keys().cloned())
        .collect();
    print_sites(&base, &sites);
    if options.open {
        open_browser(&base);
    }
    if options.reload {
        let changelog = config.and_then(|config| config.import.changelog);
        let watcher = watch::ProjectWatcher::new(&options.dir, changelog)
            .context("cannot watch the project")?;
        let store = store.clone();
        let quiet = options.quiet;
        let printed = (base, sites);
        std::thread::spawn(move || {
            watch_loop(watcher, rebuilder, &store, quiet, warnings, printed);
        });
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut signal = stopped.clone();
    let app = Arc::new(http::App {
        store,
        reload: options.reload,
        local_only: options.bind.is_loopback(),
        stop: stopped,
    });
    let listener = idle::Listener {
        tcp: listener,
        idle: idle::IDLE,
    };
    let server = axum::serve(listener, http::router(app)).with_graceful_shutdown(async move {
        let _ = tokio::signal::ctrl_c().await;
        // Open pages' event streams end, or they would keep the server waiting.
        let _ = stop.send(true);
    });
    // A client that never finishes its request would keep a graceful stop waiting for
    // ever: two seconds after Ctrl-C the server stops whatever is still open.
    let cut_off = async move {
        let _ = signal.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    };
    tokio::select! {
        served = std::future::IntoFuture::into_future(server) => served.context("server stopped")?,
        () = cut_off => {}
    }
    Ok(())
}

/// A render that takes too long cannot be stopped (a loop in a template that never ends):
/// the server says so on the terminal and over every open page, and then stops, as it
/// could rebuild nothing more.
fn stop_on_timeout(store: Arc<Store>) {
    crate::render::limits::on_timeout(move |message| {
        const STOPS: &str = "align serve stops: mend the template, then start it again";
        crate::errln!("{message}");
        crate::errln!("{STOPS}");
        store.fail(vec![message.to_string(), STOPS.to_string()]);
        // Time for the open pages' event streams to carry it.
        std::thread::sleep(std::time::Duration::from_secs(1));
        std::process::exit(2);
    });
}

/// How often a server with nothing to rebuild looks whether the date has moved.
const CLOCK: std::time::Duration = std::time::Duration::from_secs(30);

/// The server's address and each site's under it, on stdout.
fn print_sites(base: &str, sites: &[String]) {
    crate::outln!("serving at {base}");
    for name in sites {
        crate::outln!("  {name}: {base}{name}/");
    }
    let _ = std::io::stdout().flush();
}

/// Rebuilds on every change until the watcher ends. `printed` is the server's address
/// and the sites whose addresses were printed: when a change to `align.toml` gives
/// other sites (or the first, after one broken at start), their addresses are printed
/// again.
fn watch_loop(
    watcher: watch::ProjectWatcher,
    mut rebuilder: Rebuilder,
    store: &Store,
    quiet: bool,
    mut last_warnings: rebuild::Warnings,
    (base, mut printed): (String, Vec<String>),
) {
    let mut failed = false;
    while let Some(changes) = watcher.next(CLOCK, &|| rebuilder.date_moved().is_some()) {
        let started = Instant::now();
        if let (true, Some(today), false) = (changes.date, rebuilder.date_moved(), quiet) {
            crate::errln!("the date is now {today}: every page is made again");
        }
        let first_event = changes.first_event.unwrap_or(started);
        let log_at = |at: Instant, done: &str, changed: usize, how: &str| {
            if !quiet {
                crate::errln!(
                    "{done} in {} ms ({} ms after the first file event): {changed} file(s) changed ({how})",
                    (at - started).as_millis(),
                    (at - first_event).as_millis(),
                );
            }
        };
        let log =
            |done: &str, changed: usize, how: &str| log_at(Instant::now(), done, changed, how);
        let mut ahead = Vec::new();
        let mut early = |built: Built| {
            let (changed, replaced) = store.publish_ahead(built.sites, built.titles);
            match built.how {
                rebuild::OPEN_PAGE if changed.is_empty() => {}
                rebuild::OPEN_PAGE => log("open page", changed.len(), &changed.join(", ")),
                how => log("pages", changed.len(), how),
            }
            ahead.push(replaced);
        };
        let early = rebuild::Early {
            open: store.open_pages(),
            hand: &mut early,
        };
        let result = rebuilder.rebuild_early(changes, Some(early));
        match result {
            Ok(built) => {
                if !built.titles.keys().eq(printed.iter()) {
                    printed = built.titles.keys().cloned().collect();
                    print_sites(&base, &printed);
                }
                // Published first: open pages reload while the log is written.
                store.set_urls(built.urls);
                let changed = store.publish(built.sites, built.titles, built.keep.as_ref());
                let published = Instant::now();
                // Equal `Arc`s compare by pointer first: a rebuild that kept the warnings
                // costs nothing here.
                if built.warnings != last_warnings {
                    print_warnings(&new_lines(&last_warnings, &built.warnings), quiet);
                }
                last_warnings = built.warnings;
                log_at(published, "rebuilt", changed.len(), built.how);
                // Pages the failed build left as they were may come out the same: "0 file(s)
                // changed" would read as if the fix had not been seen.
                if std::mem::take(&mut failed) && !quiet {
                    crate::errln!("the errors are mended: every page is this build's");
                }
            }
            Err(errors) => {
                // Pages published ahead of a rebuild that failed go back to the last good
                // build's.
                for replaced in ahead.into_iter().rev() {
                    store.restore(replaced);
                }
                // Before any good build, every page is the error page.
                let serving = match store.is_empty() {
                    true => "no build has succeeded yet",
                    false => "still serving the last good build",
                };
                crate::errln!(
                    "rebuild failed in {} ms; {serving}:",
                    started.elapsed().as_millis()
                );
                for line in &errors {
                    crate::errln!("{line}");
                }
                store.fail(errors);
                failed = true;
            }
        }
    }
}

/// Warnings that were not there before, so each rebuild reports only what it changed.
fn new_lines(before: &[String], now: &[String]) -> Vec<String> {
    let before: std::collections::HashSet<&String> = before.iter().collect();
    now.iter()
        .filter(|w| !before.contains(w))
        .cloned()
        .collect()
}

fn print_warnings(warnings: &[String], quiet: bool) {
    if !quiet {
        for line in warnings {
            crate::errln!("{line}");
        }
    }
}

/// The allocator turns transparent huge pages off for align's own process (see
/// `main.rs`), and programs started from it would inherit that: the opener, and the
/// browser it may start, get the system's setting back.
#[cfg(target_os = "linux")]
fn huge_pages_as_the_system_sets(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt as _;
    // SAFETY: runs in the child between fork and exec, where only async-signal-safe
    // calls may be made: `prctl` is one system call that allocates nothing and takes no
    // lock. Its unused arguments must be zero, as `unsigned long`s.
    unsafe {
        command.pre_exec(|| {
            let zero: libc::c_ulong = 0;
            libc::prctl(libc::PR_SET_THP_DISABLE, zero, zero, zero, zero);
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn huge_pages_as_the_system_sets(_: &mut std::process::Command) {}

/// Asks the system to show `url` in a browser. When it cannot, says so: whoever asked for
/// `--open` would otherwise wait for a window that never comes.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut command = std::process::Command::new(opener);
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    huge_pages_as_the_system_sets(&mut command);
    let child = command.spawn();
    match child {
        Err(err) => cannot_open(opener, &format!("cannot be run: {err}"), url),
        // It returns once the browser has the page, or fails to find one; the server
        // does not wait for it.
        Ok(mut child) => {
            let url = url.to_string();
            std::thread::spawn(move || {
                if let Ok(status) = child.wait()
                    && !status.success()
                {
                    cannot_open(opener, &status.to_string(), &url);
                }
            });
        }
    }
}

fn cannot_open(opener: &str, why: &str, url: &str) {
    crate::errln!("warning: cannot open a browser ({opener} {why}); open {url} in one");
}
