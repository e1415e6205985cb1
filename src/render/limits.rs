//! What one page's render may take. A project's own templates are code: a loop in one
//! that never ends would hang a build, and one that writes without end would use up the
//! machine's memory. A page's output may be at most [`Limits::bytes`] long: the engine's
//! writes past that fail, and the build fails with them, naming the template. A render may
//! take at most [`Limits::time`]: a render cannot be stopped from outside, so a watchdog
//! thread reports the page and its template and ends the process (see [`on_timeout`]).
//!
//! Both limits leave far more room than any project needs (the largest page the engine
//! renders for 100,000 documents, the decision log, is 17 MB, and no page of theirs takes
//! a second) and can be set from the environment:
//! `ALIGN_RENDER_TIMEOUT` (seconds) and `ALIGN_RENDER_MAX_MB` (megabytes).

use std::io;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

/// The limits on one page's render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub time: Duration,
    pub bytes: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        time: Duration::from_secs(60),
        bytes: 512 << 20,
    };

    /// The limits the environment sets, each by its variable, the defaults for the rest;
    /// with a warning for each value that is not a whole number above zero.
    fn from_env(var: impl Fn(&str) -> Option<String>) -> (Limits, Vec<String>) {
        let mut warnings = Vec::new();
        let mut read = |name: &str, unit: &str, default: u64| -> u64 {
            let Some(text) = var(name) else {
                return default;
            };
            match text.trim().parse::<u64>() {
                Ok(n) if n > 0 => n,
                _ => {
                    warnings.push(format!(
                        "warning: {name}={text:?} is not a whole number of {unit} above zero; the limit stays {default} {unit}"
                    ));
                    default
                }
            }
        };
        let seconds = read(TIMEOUT_VAR, "seconds", Limits::DEFAULT.time.as_secs());
        let megabytes = read(
            MAX_MB_VAR,
            "megabytes",
            (Limits::DEFAULT.bytes >> 20) as u64,
        );
        let limits = Limits {
            time: Duration::from_secs(seconds),
            bytes: usize::try_from(megabytes.saturating_mul(1 << 20)).unwrap_or(usize::MAX),
        };
        (limits, warnings)
    }
}

/// The environment variable for [`Limits::time`], in seconds.
pub const TIMEOUT_VAR: &str = "ALIGN_RENDER_TIMEOUT";
/// The environment variable for [`Limits::bytes`], in megabytes.
pub const MAX_MB_VAR: &str = "ALIGN_RENDER_MAX_MB";

/// This process's limits, read from the environment once (its warnings printed then).
pub fn limits() -> Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    *LIMITS.get_or_init(|| {
        let (limits, warnings) = Limits::from_env(|name| std::env::var(name).ok());
        for warning in warnings {
            crate::errln!("{warning}");
        }
        limits
    })
}

/// A page's output, which refuses to grow past a limit.
pub struct Capped<'a> {
    out: &'a mut Vec<u8>,
    limit: usize,
    /// Whether a write was refused.
    pub passed: bool,
}

impl<'a> Capped<'a> {
    pub fn new(out: &'a mut Vec<u8>, limit: usize) -> Self {
        Capped {
            out,
            limit,
            passed: false,
        }
    }
}

impl io::Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.out.len().saturating_add(buf.len()) > self.limit {
            self.passed = true;
            return Err(io::Error::other("the page's output passed its limit"));
        }
        self.out.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a timed-out render reports, and what happens then.
type Handler = Box<dyn Fn(&str) + Send + Sync>;

/// Who hears of a render that took too long: `serve` shows it over its pages before the
/// process ends; anything else prints it and exits with status 2, a template error's.
static ON_TIMEOUT: OnceLock<Handler> = OnceLock::new();

/// Sets what happens when a render takes longer than [`Limits::time`], in place of
/// printing the message and exiting with status 2. `handler` must end the process: the
/// render goes on. Only the first call counts.
pub fn on_timeout(handler: impl Fn(&str) + Send + Sync + 'static) {
    let _ = ON_TIMEOUT.set(Box::new(handler));
}

/// What is undone before a render that took too long ends the process, by number.
type Cleanup = Box<dyn Fn() + Send + Sync>;
static CLEANUPS: Mutex<Vec<(u64, Cleanup)>> = Mutex::new(Vec::new());
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs `cleanup` (a build's temporary folders removed) if a render takes too long while
/// the returned value is held.
pub fn before_stop(cleanup: impl Fn() + Send + Sync + 'static) -> BeforeStop {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    lock(&CLEANUPS).push((id, Box::new(cleanup)));
    BeforeStop(id)
}

/// Keeps a cleanup of [`before_stop`] until dropped.
pub struct BeforeStop(u64);

impl Drop for BeforeStop {
    fn drop(&mut self) {
        lock(&CLEANUPS).retain(|(id, _)| *id != self.0);
    }
}

/// Whether the process is ending for a render that took too long: writers stop writing,
/// so that what they wrote can be removed.
pub fn stopping() -> bool {
    STOPPING.load(std::sync::atomic::Ordering::Relaxed)
}

/// One thread's render under way: when it began, and which page and template it is.
#[derive(Default)]
struct Slot {
    running: Mutex<Option<(Instant, String)>>,
}

/// Every rendering thread's slot, looked at by the watchdog.
static SLOTS: Mutex<Vec<Weak<Slot>>> = Mutex::new(Vec::new());

thread_local! {
    static SLOT: Arc<Slot> = {
        let slot = Arc::new(Slot::default());
        let mut slots = lock(&SLOTS);
        slots.retain(|s| s.strong_count() > 0);
        slots.push(Arc::downgrade(&slot));
        drop(slots);
        watchdog();
        slot
    };
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `render`, the render of `what` (a page and its template), under the watchdog. A
/// render inside another on the same thread counts as part of it.
pub fn timed<R>(what: impl FnOnce() -> String, render: impl FnOnce() -> R) -> R {
    struct Done(Option<Arc<Slot>>);
    impl Drop for Done {
        fn drop(&mut self) {
            if let Some(slot) = &self.0 {
                *lock(&slot.running) = None;
            }
        }
    }
    let slot = SLOT.with(Arc::clone);
    let outer = {
        let mut running = lock(&slot.running);
        let outer = running.is_none();
        if outer {
            *running = Some((Instant::now(), what()));
        }
        outer
    };
    let _done = Done(outer.then_some(slot));
    render()
}

/// Starts the thread that looks at every render under way, once.
fn watchdog() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let limit = limits().time;
        let every = (limit / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
        let spawned = std::thread::Builder::new()
            .name("render-watchdog".to_string())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    if let Some(what) = overdue(limit) {
                        timed_out(&what, limit);
                    }
                }
            });
        // Without the thread, renders are not timed; they still are bounded in size.
        drop(spawned);
    });
}

/// The first render under way for longer than `limit`, if any.
fn overdue(limit: Duration) -> Option<String> {
    let slots: Vec<Arc<Slot>> = lock(&SLOTS).iter().filter_map(Weak::upgrade).collect();
    slots.iter().find_map(|slot| {
        let running = lock(&slot.running);
        let (started, what) = running.as_ref()?;
        (started.elapsed() > limit).then(|| what.clone())
    })
}

fn timed_out(what: &str, limit: Duration) {
    let message = format!(
        "error: rendering {what} has taken more than {} s: does a loop in the template never end? ({TIMEOUT_VAR} sets the limit in seconds)",
        limit.as_secs()
    );
    match ON_TIMEOUT.get() {
        Some(handler) => handler(&message),
        None => {
            crate::errln!("{message}");
            STOPPING.store(true, std::sync::atomic::Ordering::Relaxed);
            for (_, cleanup) in lock(&CLEANUPS).iter() {
                cleanup();
            }
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn the_output_takes_writes_up_to_its_limit_and_refuses_the_one_past_it() {
        let mut out = Vec::new();
        let mut capped = Capped::new(&mut out, 10);
        capped.write_all(b"0123").unwrap();
        capped.write_all(b"456789").unwrap();
        assert!(!capped.passed);
        assert!(capped.write_all(b"x").is_err());
        assert!(capped.passed);
        assert_eq!(out, b"0123456789");
    }

    #[test]
    fn limits_come_from_the_environment_and_bad_values_keep_the_default() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Limits::from_env(env(&[])), (Limits::DEFAULT, Vec::new()));
        let (limits, warnings) = Limits::from_env(env(&[(TIMEOUT_VAR, "3"), (MAX_MB_VAR, " 2 ")]));
        assert_eq!(limits.time, Duration::from_secs(3));
        assert_eq!(limits.bytes, 2 << 20);
        assert!(warnings.is_empty());
        let (limits, warnings) = Limits::from_env(env(&[(TIMEOUT_VAR, "0"), (MAX_MB_VAR, "lots")]));
        assert_eq!(limits, Limits::DEFAULT);
        assert_eq!(
            warnings,
            [
                "warning: ALIGN_RENDER_TIMEOUT=\"0\" is not a whole number of seconds above zero; the limit stays 60 seconds",
                "warning: ALIGN_RENDER_MAX_MB=\"lots\" is not a whole number of megabytes above zero; the limit stays 512 megabytes",
            ]
        );
    }

    #[test]
    fn a_render_inside_another_leaves_the_outer_one_timed() {
        timed(
            || "outer".to_string(),
            || {
                timed(|| "inner".to_string(), || ());
                let running = SLOT.with(|slot| lock(&slot.running).as_ref().map(|r| r.1.clone()));
                assert_eq!(running.as_deref(), Some("outer"));
            },
        );
        assert!(SLOT.with(|slot| lock(&slot.running).is_none()));
    }
}
