//! Watches the project for edits, ignoring editor temp and swap files, and groups a burst
//! of events (an editor's write-then-rename save) into one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::rebuild::Changes;

/// How long the project must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(25);
/// How long, once the one file a burst touched was closed after writing or renamed into
/// place: the save is complete, and waiting longer only delays the reload.
const SAVED: Duration = Duration::from_millis(3);
/// A rebuild starts at the latest this long after the first event of a burst.
const MAX_WAIT: Duration = Duration::from_millis(400);

pub struct ProjectWatcher {
    watcher: std::sync::Mutex<notify::RecommendedWatcher>,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    /// The project folder as given.
    dir: PathBuf,
    /// The project folder as resolved and as given.
    roots: Vec<PathBuf>,
    /// The imported changelog's absolute paths, as written and with links resolved: the
    /// one `align.toml` names now, which an edit to it may change.
    changelog: std::sync::Mutex<Vec<PathBuf>>,
    /// The symlinks under `content/` and where they lead in the project: an edit to a
    /// file they lead to is an edit to the documents read through them.
    links: std::sync::Mutex<Vec<ContentLink>>,
    /// Which folder is watched: the project's path may come to name another (the folder
    /// removed and cloned again, or moved away and another copied in), whose edits the
    /// watch of the old one never sees.
    watched: std::sync::Mutex<Option<FolderId>>,
    /// Whether an event said the watched folder itself went (removed, or moved away): a
    /// folder made again at its path may have its inode number too.
    root_went: std::sync::atomic::AtomicBool,
}

/// A folder's device and inode, which tell it from another at the same path.
type FolderId = (u64, u64);

fn folder_id(path: &Path) -> Option<FolderId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A symlink under `content/` that stays inside the project, both paths relative to it.
#[derive(Debug, PartialEq)]
struct ContentLink {
    /// Where it leads, with every link resolved.
    target: PathBuf,
    /// The link itself (`content/pages/shared.md`).
    link: PathBuf,
}

impl ProjectWatcher {
    pub fn new(dir: &Path, changelog: Option<PathBuf>) -> notify::Result<Self> {
        let (tx, events) = mpsc::channel();
        // Symlinks are not followed, as the build does not follow them out of the
        // project: one to `/` would have the whole file system watched. Those that lead
        // inside it lead to what the project's own watch already sees.
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut watcher = notify::RecommendedWatcher::new(tx, config)?;
        let resolved = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        // inotify reports paths as they were given, so keep both the given and the resolved
        // form of the project folder (they differ when it is reached through a symlink).
        // The given form without its `.` and `..` (`content/..`, which would make every
        // event's path look like one under `content/`), unless that leads elsewhere.
        let given = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let root = Path::new("/");
        let plain = (given.strip_prefix(root).ok())
            .and_then(crate::graph::normalise)
            .map(|rel| root.join(rel))
            .filter(|plain| plain.canonicalize().ok().as_ref() == Some(&resolved));
        let given = plain.unwrap_or_else(|| resolved.clone());
        watcher.watch(&given, RecursiveMode::Recursive)?;
        let links = std::sync::Mutex::new(content_links(&resolved));
        let this = ProjectWatcher {
            watcher: std::sync::Mutex::new(watcher),
            events,
            dir: dir.to_path_buf(),
            watched: std::sync::Mutex::new(folder_id(&given)),
            root_went: std::sync::atomic::AtomicBool::new(false),
            roots: vec![resolved, given],
            changelog: std::sync::Mutex::default(),
            links,
        };
        this.watch_changelog(changelog.as_deref())?;
        Ok(this)
    }

    /// Watches the changelog `align.toml` names (`[import] changelog`): its events
    /// rebuild from now on, and no longer those of one it named before (whose folder, if
    /// outside the project, stays watched: its events are ignored).
    fn watch_changelog(&self, changelog: Option<&Path>) -> notify::Result<()> {
        let [resolved, given] = [&self.roots[0], &self.roots[1]];
        // The changelog as events name it, however `align.toml` spells its path
        // (`./CHANGELOG.md`, `../CHANGELOG.md`); one outside the project is watched too.
        let files: Vec<PathBuf> = changelog
            .iter()
            .flat_map(|file| {
                // As events under the project name it; one outside is known by its real
                // path, whose folder is watched below.
                let lexical = crate::graph::normalise(file).map(|file| given.join(file));
                let real = given.join(file).canonicalize().ok();
                [lexical, real]
            })
            .flatten()
            .collect();
        let mut watcher = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
        for file in &files {
            let inside = [resolved, given].iter().any(|root| file.starts_with(root));
            if let (false, Some(parent)) = (inside, file.parent()) {
                watcher.watch(parent, RecursiveMode::NonRecursive)?;
            }
        }
        *self.changelog.lock().unwrap_or_else(|e| e.into_inner()) = files;
        Ok(())
    }

    /// Blocks until a relevant burst of changes has settled, or until `date_moved`, asked
    /// each `every` while nothing happens, says the date has moved; `None` when watching
    /// stopped.
    pub fn next(&self, every: Duration, date_moved: &dyn Fn() -> bool) -> Option<Changes> {
        // While nothing happens, the project's path is looked at each second, and the
        // date each `every`.
        let tick = every.min(Duration::from_secs(1));
        let mut asked = Instant::now();
        loop {
            let first = match self.events.recv_timeout(tick) {
                Ok(event) => event,
                Err(mpsc::RecvTimeoutError::Timeout) if self.rewatch() => {
                    return Some(Changes {
                        config: true,
                        theme: true,
                        statics: true,
                        rescan: true,
                        first_event: Some(Instant::now()),
                        ..Changes::default()
                    });
                }
                Err(mpsc::RecvTimeoutError::Timeout) if asked.elapsed() >= every => {
                    asked = Instant::now();
                    if date_moved() {
                        return Some(Changes {
                            date: true,
                            first_event: Some(Instant::now()),
                            ..Changes::default()
                        });
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            };
            let saved = self.saved_file(&first);
            let Some(mut changes) = self.classify(first) else {
                continue;
            };
            let started = Instant::now();
            changes.first_event = Some(started);
            let mut saved = saved;
            let mut quiet = wait_after(&changes, saved.as_deref(), &self.roots[0]);
            loop {
                let left = MAX_WAIT.saturating_sub(started.elapsed());
                match self.events.recv_timeout(quiet.min(left)) {
                    Ok(event) => {
                        // The file saved last stays the burst's saved file until another
                        // change comes: an editor's backup or temporary file removed after
                        // the save (`a.md~`, `a.md___jb_old___`) does not make the burst
                        // wait longer, while a write to the saved file or another does.
                        let now_saved = self.saved_file(&event);
                        let more = self.classify(event);
                        let root = &self.roots[0];
                        let aside = |more: &Changes| {
                            more.paths
                                .iter()
                                .all(|p| gone_beside(saved.as_deref(), p, root))
                                && !(more.config || more.theme || more.statics || more.rescan)
                        };
                        if now_saved.is_some() || more.as_ref().is_some_and(|m| !aside(m)) {
                            saved = now_saved;
                        }
                        if let Some(more) = more {
                            changes.merge(more);
                        }
                        quiet = wait_after(&changes, saved.as_deref(), &self.roots[0]);
                        if left.is_zero() {
                            return Some(self.settled(changes));
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => return Some(self.settled(changes)),
                    Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                }
            }
        }
    }

    /// Whether the project's path names another folder than the one watched (see
    /// [`ProjectWatcher::watched`]), now watched instead: every file of it is new.
    fn rewatch(&self) -> bool {
        let given = &self.roots[1];
        let now = folder_id(given);
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        let went = self.root_went.load(std::sync::atomic::Ordering::Relaxed);
        if now.is_none() || (now == *watched && !went) {
            return false;
        }
        self.root_went
            .store(false, std::sync::atomic::Ordering::Relaxed);
        let mut watcher = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
        // The old folder's watch is gone with it, or watches a folder moved elsewhere.
        let _ = watcher.unwatch(given);
        if let Err(err) = watcher.watch(given, RecursiveMode::Recursive) {
            crate::errln!("warning: cannot watch {}: {err}", given.display());
            return false;
        }
        drop(watcher);
        *watched = now;
        drop(watched);
        *self.links.lock().unwrap_or_else(|e| e.into_inner()) = content_links(&self.roots[0]);
        if let Ok(config) = crate::config::load(&self.dir)
            && let Err(err) = self.watch_changelog(config.import.changelog.as_deref())
        {
            crate::errln!("warning: cannot watch the changelog align.toml names: {err}");
        }
        true
    }

    /// A burst's changes, once settled; the symlinks under `content/` are looked for
    /// again when the burst may have made, changed or removed one.
    fn settled(&self, changes: Changes) -> Changes {
        // `align.toml` may name another changelog now, or one for the first time.
        if changes.config
            && let Ok(config) = crate::config::load(&self.dir)
            && let Err(err) = self.watch_changelog(config.import.changelog.as_deref())
        {
            crate::errln!("warning: cannot watch the changelog align.toml names: {err}");
        }
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        let root = &self.roots[0];
        let touched = changes.rescan
            || changes.paths.iter().any(|path| {
                root.join(path).is_symlink() || links.iter().any(|l| path.starts_with(&l.link))
            });
        if touched {
            *links = content_links(root);
        }
        changes
    }

    /// The content file an event finishes writing: closed after writing, or renamed into
    /// place (an editor's write-then-rename save).
    fn saved_file(&self, event: &notify::Result<notify::Event>) -> Option<PathBuf> {
        use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
        let event = event.as_ref().ok()?;
        let done = matches!(
            event.kind,
            notify::EventKind::Access(AccessKind::Close(AccessMode::Write))
                | notify::EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
        );
        if !done {
            return None;
        }
        let changes = self.classify_path(event.paths.last()?)?;
        changes.paths.into_iter().next()
    }

    /// What an event means for the build, or `None` when it does not matter.
    fn classify(&self, event: notify::Result<notify::Event>) -> Option<Changes> {
        if let Ok(event) = &event
            && matches!(
                event.kind,
                notify::EventKind::Remove(_)
                    | notify::EventKind::Modify(notify::event::ModifyKind::Name(_))
            )
            && event.paths.iter().any(|p| self.roots.contains(p))
        {
            self.root_went
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let Ok(event) = event else {
            // The watcher lost track (queue overflow, a watch removed): look at everything.
            return Some(Changes {
                rescan: true,
                ..Changes::default()
            });
        };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return None;
        }
        let mut relevant: Option<Changes> = None;
        if event.need_rescan() {
            relevant = Some(Changes {
                rescan: true,
                ..Changes::default()
            });
        }
        for path in &event.paths {
            let Some(change) = self.classify_path(path) else {
                continue;
            };
            relevant.get_or_insert_with(Changes::default).merge(change);
        }
        relevant
    }

    fn classify_path(&self, path: &Path) -> Option<Changes> {
        if is_editor_noise(path) {
            return None;
        }
        let changelog = (self.changelog.lock().unwrap_or_else(|e| e.into_inner()))
            .iter()
            .any(|file| file == path);
        if changelog {
            return Some(Changes {
                rescan: true,
                ..Changes::default()
            });
        }
        let rel = self
            .roots
            .iter()
            .find_map(|root| path.strip_prefix(root).ok())?;
        let mut changes = self.classify_rel(rel);
        // The same file read under `content/` through a symlink.
        let links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        for link in links.iter() {
            if let Ok(rest) = rel.strip_prefix(&link.target) {
                let path = if rest.as_os_str().is_empty() {
                    link.link.clone()
                } else {
                    link.link.join(rest)
                };
                changes
                    .get_or_insert_with(Changes::default)
                    .paths
                    .insert(path);
            } else if link.target.starts_with(rel) {
                // A folder above where the link leads, moved, removed or swapped for a
                // copy (`mv shared.new shared`): every file the link reads may be another.
                changes.get_or_insert_with(Changes::default).rescan = true;
            }
        }
        changes
    }

    fn classify_rel(&self, rel: &Path) -> Option<Changes> {
        let top = rel.components().next()?.as_os_str().to_str()?;
        match top {
            "align.toml" => Some(Changes {
                config: true,
                ..Changes::default()
            }),
            "templates" => Some(Changes {
                theme: true,
                ..Changes::default()
            }),
            "static" => Some(Changes {
                statics: true,
                ..Changes::default()
            }),
            "content" => Some(Changes {
                paths: [rel.to_path_buf()].into(),
                ..Changes::default()
            }),
            _ => None,
        }
    }
}

/// Every symlink under the project's `content/` folder that the loader follows
/// ([`crate::load::symlink`]), as the project resolved `root` names them.
fn content_links(root: &Path) -> Vec<ContentLink> {
    // `content/` itself may be one, to a folder of the project (`content -> plans`).
    let content = root.join(crate::load::CONTENT_DIR);
    let itself = (content.is_symlink())
        .then(|| content.canonicalize().ok())
        .flatten()
        .and_then(|real| real.strip_prefix(root).ok().map(Path::to_path_buf))
        .map(|target| ContentLink {
            target,
            link: PathBuf::from(crate::load::CONTENT_DIR),
        });
    let within = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.depth() > 0 && e.path_is_symlink())
        .filter_map(|e| {
            let link = e.path().strip_prefix(root).ok()?.to_path_buf();
            let target = match crate::load::symlink(e.path(), root) {
                crate::load::Symlink::Followed(target) => {
                    target.strip_prefix(root).ok()?.to_path_buf()
                }
                // A link whose file is gone for now (moved away, or mid-save): where it
                // would lead, so that the file coming back is seen as the link's.
                crate::load::Symlink::Outside if !e.path().exists() => {
                    let written = std::fs::read_link(e.path()).ok()?;
                    let joined = match written.strip_prefix(root) {
                        Ok(inside) => inside.to_path_buf(),
                        Err(_) => link.parent()?.join(written),
                    };
                    crate::graph::normalise(&joined)?
                }
                _ => return None,
            };
            Some(ContentLink { target, link })
        });
    itself.into_iter().chain(within).collect()
}

/// How long to wait for more events: briefly once the only file the burst touched is
/// saved, else until the project is quiet (a save in progress, a branch switch, a
/// search-and-replace over many files, the config or the theme). A file already gone
/// beside the saved one is the temporary file it was written as and renamed from
/// (`sed -i`'s `sedXXXXXX`), not another file touched.
fn wait_after(changes: &Changes, saved: Option<&Path>, root: &Path) -> Duration {
    // A save through other files touches three at most: the file, the temporary file it
    // was written as and the old copy moved aside. More is a burst that is no one save,
    // and its files are not looked up one by one on every event.
    let only_that = changes.paths.len() <= 3
        && saved.is_some_and(|p| changes.paths.contains(p))
        && (changes.paths.iter())
            .all(|p| Some(p.as_path()) == saved || gone_beside(saved, p, root))
        && !changes.config
        && !changes.theme
        && !changes.statics
        && !changes.rescan;
    if only_that { SAVED } else { QUIET }
}

/// Whether `path` is gone from the folder of the file just `saved`: the temporary file it
/// was written as, or the old copy an editor moved aside and then removed.
fn gone_beside(saved: Option<&Path>, path: &Path, root: &Path) -> bool {
    saved.is_some_and(|saved| saved.parent() == path.parent() && saved != path)
        && std::fs::symlink_metadata(root.join(path)).is_err()
}

/// Swap, backup and temporary files editors write next to the real one.
pub fn is_editor_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || (name.starts_with('#') && name.ends_with('#') && name.len() > 1)
        || name.ends_with('~')
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".bak",
            ".part",
            ".crdownload",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_project_asks_after_the_date_until_it_moves() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let watcher = ProjectWatcher::new(dir.path(), None).unwrap();
        let asked = std::cell::Cell::new(0);
        let moved = || {
            asked.set(asked.get() + 1);
            asked.get() == 3
        };
        let changes = watcher.next(Duration::from_millis(5), &moved).unwrap();
        assert_eq!(asked.get(), 3, "asked each time the project was quiet");
        assert_eq!(
            (changes.date, changes.first_event.is_some()),
            (true, true),
            "{changes:?}"
        );
        assert_eq!(
            Changes {
                first_event: None,
                ..changes
            },
            Changes {
                date: true,
                ..Changes::default()
            },
            "nothing was edited"
        );
    }

    #[test]
    fn editor_noise_is_ignored() {
        for noise in [".x.md.swp", "x.md~", "4913", "#x.md#", ".#x.md", "x.md.tmp"] {
            assert!(is_editor_noise(Path::new(noise)), "{noise}");
        }
        assert!(!is_editor_noise(Path::new("content/x.md")));
        assert!(!is_editor_noise(Path::new("content/#x.md")));
    }

    #[test]
    fn a_burst_ends_soon_only_once_its_one_file_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/sub")).unwrap();
        for file in ["content/a.md", "content/b.md", "content/sub/c.md"] {
            std::fs::write(root.join(file), "x").unwrap();
        }
        let one = |path: &str| Changes {
            paths: [PathBuf::from(path)].into(),
            ..Changes::default()
        };
        let two = |a: &str, b: &str| {
            let mut two = one(a);
            two.merge(one(b));
            two
        };
        let a = Path::new("content/a.md");
        assert_eq!(wait_after(&one("content/a.md"), Some(a), root), SAVED);
        assert_eq!(
            wait_after(&one("content/a.md"), None, root),
            QUIET,
            "still writing"
        );
        assert_eq!(
            wait_after(&one("content/b.md"), Some(a), root),
            QUIET,
            "another file was closed"
        );
        let several = two("content/a.md", "content/b.md");
        assert_eq!(wait_after(&several, Some(a), root), QUIET, "several files");
        // Written as a temporary file beside it and renamed over it: one file saved.
        let renamed = two("content/a.md", "content/sedX1b2c3");
        assert_eq!(
            wait_after(&renamed, Some(a), root),
            SAVED,
            "a temporary file"
        );
        // A file gone from another folder, or one still there, is another file touched.
        let elsewhere = two("content/a.md", "content/sub/gone.md");
        assert_eq!(
            wait_after(&elsewhere, Some(a), root),
            QUIET,
            "gone elsewhere"
        );
        let kept = two("content/a.md", "content/sub/c.md");
        assert_eq!(wait_after(&kept, Some(a), root), QUIET, "still there");
        // Files removed beside it in a burst (a branch switched): no one save.
        let mut removed = two("content/a.md", "content/gone-1.md");
        removed.merge(two("content/gone-2.md", "content/gone-3.md"));
        assert_eq!(wait_after(&removed, Some(a), root), QUIET, "many gone");
        let mut config = one("content/a.md");
        config.config = true;
        assert_eq!(
            wait_after(&config, Some(a), root),
            QUIET,
            "the config changed too"
        );
    }
}
