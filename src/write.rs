//! The only place that writes the output tree. Each site is built in a temporary folder
//! beside its target and swapped in only when complete, so a failed build leaves the
//! previous output as it was. Marker files record what align created, and align never
//! deletes a folder it did not create.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::file_bytes::FileBytes;

/// Marks an output folder as align's, so a later build may replace what is in it.
pub const OUT_MARKER: &str = ".align-output";
/// Marks one site's folder inside it.
pub const SITE_MARKER: &str = ".align-site";
/// How the temporary folder a site is written into begins (`.align-tmp-team-Xy12`).
const TMP_PREFIX: &str = ".align-tmp-";
/// How the folder a site is moved aside to while the new one is moved in is named
/// (`.align-old-team`).
const OLD_PREFIX: &str = ".align-old-";

/// A checked output folder, locked against other builds into it while this one runs.
pub struct OutDir {
    path: PathBuf,
    /// The marker file, held locked until the build is done.
    _lock: Option<fs::File>,
}

/// Checks that `out` is safe to write (see [`check_out`]) and takes it for this build:
/// unless `quiet`, says so when it waits for another build into the same folder.
pub fn prepare(out: &Path, project: &Path, quiet: bool) -> anyhow::Result<OutDir> {
    let target = check_out(out, project)?;
    fs::create_dir_all(&target).with_context(|| format!("cannot create {}", out.display()))?;
    let marker = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(target.join(OUT_MARKER))
        .with_context(|| format!("cannot write to {}", out.display()))?;
    // A second build into the same folder waits for the first. Where the file system
    // cannot lock, builds go on unlocked, and leave what another may be writing alone.
    let locked = match marker.try_lock() {
        Ok(()) => true,
        Err(std::fs::TryLockError::WouldBlock) => {
            if !quiet {
                crate::errln!("waiting for another build into {} to finish", out.display());
            }
            marker.lock().is_ok()
        }
        Err(std::fs::TryLockError::Error(_)) => false,
    };
    marker
        .set_len(0)
        .and_then(|()| {
            (&marker).write_all(b"This folder is written by align; builds replace its sites.\n")
        })
        .with_context(|| format!("cannot write to {}", out.display()))?;
    if locked {
        remove_leftovers(&target);
    }
    Ok(OutDir {
        path: target,
        _lock: locked.then_some(marker),
    })
}

/// Checks that `out` is safe to write, before anything is read or written: not the
/// project, not `content/`, not a folder holding either or inside what the build reads,
/// and either empty or made by align. The folder as an absolute path.
pub fn check_out(out: &Path, project: &Path) -> anyhow::Result<PathBuf> {
    let project = absolute(project)?;
    // A folder the build reads may be a link to another (`content -> docs/plans`): the
    // output may not be where it leads, as `target` has its links followed too.
    let read = |input: &str| absolute(&project.join(input));
    // A link that leads nowhere (`public -> /var/www/site`, not made yet) cannot be made
    // into a folder: said as it is, not as the file system's "File exists".
    if let Some(link) = out.ancestors().find(|p| {
        p.symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
            && !p.exists()
    }) {
        let to = fs::read_link(link).unwrap_or_default();
        bail!(
            "cannot write output to {}: {} is a symbolic link to {}, which does not exist (make that folder, or name another output folder)",
            out.display(),
            link.display(),
            to.display()
        );
    }
    let target = absolute(out)?;
    if project.starts_with(&target) || read(crate::load::CONTENT_DIR)?.starts_with(&target) {
        bail!(
            "refusing to write output to {}: it is the project or holds its content",
            out.display()
        );
    }
    for input in [crate::load::CONTENT_DIR, "static", "templates"] {
        if target.starts_with(read(input)?) {
            bail!(
                "refusing to write output to {}: it is inside {input}/, which the build reads",
                out.display()
            );
        }
    }
    if target.exists() {
        if !target.is_dir() {
            bail!("output path {} exists and is not a folder", out.display());
        }
        let empty = fs::read_dir(&target)?.next().is_none();
        if !empty && !target.join(OUT_MARKER).exists() {
            bail!(
                "refusing to write into {}: it is not empty and was not made by align (no {OUT_MARKER} file)",
                out.display()
            );
        }
    }
    Ok(target)
}

/// Puts an output folder of align's back whole after a build that was stopped (see
/// [`remove_leftovers`]), before anything else is known about this build: one that fails
/// then leaves the last build's output as it was, as it says. Nothing is done while
/// another build holds the folder, or where it cannot be locked.
pub fn recover(out: &Path) {
    let Ok(marker) = fs::OpenOptions::new()
        .write(true)
        .open(out.join(OUT_MARKER))
    else {
        return;
    };
    if marker.try_lock().is_ok() {
        remove_leftovers(out);
    }
}

/// Removes the temporary site folders of this build, which is being stopped (a render
/// that took too long), from `out`, which it holds: the previous output stays as it was,
/// and nothing of this build is left beside it. Writers stop before this is called; the
/// one file each may still be writing is waited for once.
pub fn discard(out: &Path) {
    if !remove_temporary(out) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        remove_temporary(out);
    }
}

/// Removes the temporary site folders a build that was stopped (Ctrl-C, a cancelled job)
/// left in `out`; with the output folder locked, no other build is writing them.
fn remove_leftovers(out: &Path) {
    remove_temporary(out);
    finish_interrupted_swap(out);
}

/// Removes the temporary site folders in `out`; whether all of them went.
fn remove_temporary(out: &Path) -> bool {
    let Ok(entries) = fs::read_dir(out) else {
        return true;
    };
    let mut all = true;
    for entry in entries.flatten() {
        let temporary = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TMP_PREFIX))
            && entry.file_type().is_ok_and(|t| t.is_dir());
        if temporary {
            all &= fs::remove_dir_all(entry.path()).is_ok();
        }
    }
    all
}

/// Where a swap stopped part way (see [`commit_all`]) left the last build's sites aside,
/// as `.align-old-<site>`, puts the output back whole: when a site aside has nothing in
/// its place the new sites were not all in, so every site goes back as the last build
/// left it; when each has, the new build was complete, and what is aside goes.
fn finish_interrupted_swap(out: &Path) {
    let Ok(entries) = fs::read_dir(out) else {
        return;
    };
    let aside: Vec<(PathBuf, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry
                .file_name()
                .to_str()?
                .strip_prefix(OLD_PREFIX)?
                .to_string();
            let old = entry.path();
            let ours = !old.is_symlink() && old.join(SITE_MARKER).is_file();
            (!name.is_empty() && ours).then(|| (old, out.join(name)))
        })
        .collect();
    let complete = aside.iter().all(|(_, site)| site.exists());
    for (old, site) in aside {
        if complete {
            let _ = remove_tree(&old);
            continue;
        }
        if !site.is_symlink() && site.join(SITE_MARKER).is_file() {
            let _ = remove_tree(&site);
        }
        if !site.exists() {
            let _ = fs::rename(&old, &site);
        }
    }
}

/// Makes a path absolute without requiring it to exist (its existing ancestor is resolved).
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    use std::path::Component;
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    // Each folder that exists as it really is (links followed); past the first that does
    // not, the rest as folders would be made: `..` after a folder still to be made leads
    // back to the one before it (`P/new/../content` is `P/content`).
    let mut resolved = PathBuf::new();
    let mut real = true;
    for part in path.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => resolved.push(part),
            Component::CurDir => {}
            // What was resolved so far has no links left in it: its parent is its own.
            // Back in a folder that exists, what follows is real again (`new/../link`).
            Component::ParentDir => {
                resolved.pop();
                if !real && let Ok(canonical) = resolved.canonicalize() {
                    (resolved, real) = (canonical, true);
                }
            }
            Component::Normal(name) => {
                resolved.push(name);
                if real {
                    match resolved.canonicalize() {
                        Ok(canonical) => resolved = canonical,
                        Err(_) => real = false,
                    }
                }
            }
        }
    }
    Ok(resolved)
}

/// One site being written; nothing is visible at its final place until [`SiteWriter::commit`].
pub struct SiteWriter {
    tmp: tempfile::TempDir,
    target: PathBuf,
    /// Folders already created, so each is made once however many files it holds.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl OutDir {
    pub fn site(&self, name: &str) -> anyhow::Result<SiteWriter> {
        let target = self.path.join(name);
        let found = fs::symlink_metadata(&target).ok().map(|m| m.file_type());
        if found.is_some_and(|t| t.is_symlink()) {
            bail!(
                "refusing to replace {}: it is a symbolic link, and a site's folder is replaced whole (build with --out into a folder of its own instead)",
                target.display()
            );
        }
        if found.is_some_and(|t| !t.is_dir()) {
            bail!(
                "refusing to replace {}: it is a file, not a site's folder",
                target.display()
            );
        }
        if target.exists()
            && !target.join(SITE_MARKER).exists()
            && fs::read_dir(&target)?.next().is_some()
        {
            bail!(
                "refusing to replace {}: it was not made by align (no {SITE_MARKER} file)",
                target.display()
            );
        }
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{name}-"))
            .tempdir_in(&self.path)
            .with_context(|| {
                format!(
                    "cannot create a temporary folder in {}",
                    self.path.display()
                )
            })?;
        Ok(SiteWriter {
            tmp,
            target,
            made: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl SiteWriter {
    /// Writes one file at a path relative to the site root.
    pub fn write(&self, rel: &str, bytes: &FileBytes) -> io::Result<()> {
        let path = self.tmp.path().join(safe_relative(rel)?);
        if let Some(parent) = path.parent() {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(parent) {
                fs::create_dir_all(parent)?;
                made.insert(parent.to_path_buf());
            }
        }
        match bytes {
            FileBytes::Whole(bytes) => fs::write(path, bytes),
            FileBytes::Pieces(pieces) => {
                let mut file = fs::File::create(path)?;
                pieces.iter().try_for_each(|piece| file.write_all(piece))
            }
        }
    }

    /// Swaps the finished site into place.
    pub fn commit(self) -> anyhow::Result<()> {
        commit_all(vec![self])
    }
}

/// Swaps every finished site into place, all or none: should moving one fail, the sites
/// already moved go back, so the output holds either the last build's sites or this one's,
/// never some of each.
pub fn commit_all(writers: Vec<SiteWriter>) -> anyhow::Result<()> {
    swap_all(writers, &|from, to| fs::rename(from, to))
}

/// [`commit_all`] with the rename it uses, which tests make fail.
fn swap_all(
    writers: Vec<SiteWriter>,
    rename: &dyn Fn(&Path, &Path) -> io::Result<()>,
) -> anyhow::Result<()> {
    struct Swap {
        tmp: PathBuf,
        target: PathBuf,
        old: PathBuf,
        had_old: bool,
    }
    let mut swaps = Vec::new();
    for writer in writers {
        fs::write(writer.tmp.path().join(SITE_MARKER), "")?;
        let old = writer.target.with_file_name(format!(
            "{OLD_PREFIX}{}",
            writer
                .target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        swaps.push(Swap {
            tmp: writer.tmp.keep(),
            target: writer.target,
            old,
            had_old: false,
        });
    }
    // Puts every site back as the last build left it: the first `moved_in` new sites
    // out, the old ones back in, and every temporary folder gone.
    let roll_back = |swaps: &[Swap], moved_in: usize| {
        for (j, swap) in swaps.iter().enumerate() {
            if j < moved_in {
                let _ = fs::remove_dir_all(&swap.target);
            }
            if swap.had_old {
                let _ = rename(&swap.old, &swap.target);
            }
            let _ = fs::remove_dir_all(&swap.tmp);
        }
    };
    // The last build's sites aside first, so that none is replaced unless all can be.
    for k in 0..swaps.len() {
        match move_aside(&swaps[k].target, &swaps[k].old, rename) {
            Ok(had_old) => swaps[k].had_old = had_old,
            Err(err) => {
                roll_back(&swaps, 0);
                return Err(err);
            }
        }
    }
    for (k, swap) in swaps.iter().enumerate() {
        if let Err(err) = rename(&swap.tmp, &swap.target) {
            roll_back(&swaps, k);
            return Err(err).with_context(|| {
                format!("cannot move the new site into {}", swap.target.display())
            });
        }
    }
    for swap in swaps.iter().filter(|s| s.had_old) {
        remove_tree(&swap.old).with_context(|| format!("cannot remove {}", swap.old.display()))?;
    }
    Ok(())
}

/// Moves a site folder to `old` (removing what an earlier failure left there); false when
/// there is no site to move.
fn move_aside(
    target: &Path,
    old: &Path,
    rename: &dyn Fn(&Path, &Path) -> io::Result<()>,
) -> anyhow::Result<bool> {
    if old.exists() {
        fs::remove_dir_all(old)?;
    }
    if !target.exists() {
        return Ok(false);
    }
    rename(target, old).with_context(|| format!("cannot move {} aside", target.display()))?;
    Ok(true)
}

/// Removes the sites an earlier build wrote into `out` (folders holding the
/// [`SITE_MARKER`]) whose names `sites` no longer has; the folders removed.
pub fn remove_stale_sites<V>(
    out: &Path,
    sites: &std::collections::BTreeMap<String, V>,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(out)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let ours = !path.is_symlink() && path.join(SITE_MARKER).is_file();
        if ours && !name.starts_with('.') && !sites.contains_key(name) {
            remove_tree(&path).with_context(|| format!("cannot remove {}", path.display()))?;
            removed.push(path);
        }
    }
    removed.sort();
    Ok(removed)
}

/// Removes a folder tree, its top-level entries in parallel (old sites hold many files).
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    // Never what a link leads to: only the link goes.
    if dir.is_symlink() {
        return fs::remove_file(dir);
    }
    let entries: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    })?;
    fs::remove_dir(dir)
}

/// Rejects paths that could climb out of the site folder.
fn safe_relative(rel: &str) -> io::Result<&Path> {
    let path = Path::new(rel);
    let ok = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if ok && !rel.is_empty() {
        Ok(path)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unsafe output path `{rel}`"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_project_and_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p");
        fs::create_dir_all(project.join("content")).unwrap();
        assert!(prepare(&project, &project, true).is_err());
        assert!(prepare(&project.join("content"), &project, true).is_err());
        assert!(prepare(dir.path(), &project, true).is_err());
        let foreign = dir.path().join("docs");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(prepare(&foreign, &project, true).is_err());
        assert!(foreign.join("keep.txt").exists());
        assert!(prepare(&dir.path().join("out"), &project, true).is_ok());
    }

    #[test]
    fn a_swap_that_fails_puts_every_site_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = prepare(&dir.path().join("out"), &dir.path().join("p"), true).unwrap();
        let build = |text: &str| {
            ["exec", "team", "public"]
                .iter()
                .map(|name| {
                    let site = out.site(name).unwrap();
                    site.write("index.html", &FileBytes::from(text.as_bytes().to_vec()))
                        .unwrap();
                    site
                })
                .collect::<Vec<_>>()
        };
        commit_all(build("first")).unwrap();
        let read = |name: &str| {
            fs::read_to_string(dir.path().join("out").join(name).join("index.html")).unwrap()
        };
        // Moving the second site aside fails, then moving the second new site in.
        for fails in [".align-old-team", "team"] {
            let rename = |from: &Path, to: &Path| {
                if to.file_name().is_some_and(|n| n == fails)
                    && (fails != "team" || from.to_string_lossy().contains(TMP_PREFIX))
                {
                    return Err(io::Error::other("refused"));
                }
                fs::rename(from, to)
            };
            assert!(swap_all(build("second"), &rename).is_err());
            for name in ["exec", "team", "public"] {
                assert_eq!(read(name), "first", "{fails}: {name}");
            }
            let mut left: Vec<String> = fs::read_dir(dir.path().join("out"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            left.sort();
            assert_eq!(left, [".align-output", "exec", "public", "team"], "{fails}");
        }
        commit_all(build("third")).unwrap();
        assert_eq!(read("team"), "third");
    }

    #[test]
    fn the_next_build_finishes_or_undoes_a_swap_that_was_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let sites = ["exec", "team", "public"];
        let read = |name: &str| fs::read_to_string(root.join(name).join("index.html")).ok();
        let write = |name: &str, text: &str| {
            fs::create_dir_all(root.join(name)).unwrap();
            fs::write(root.join(name).join("index.html"), text).unwrap();
            fs::write(root.join(name).join(SITE_MARKER), "").unwrap();
        };
        let aside = |name: &str| {
            fs::rename(root.join(name), root.join(format!("{OLD_PREFIX}{name}"))).unwrap()
        };
        let names = || {
            let mut names: Vec<String> = fs::read_dir(&root)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let whole = [".align-output", "exec", "public", "team"];
        // Stopped while moving the last build's sites aside, then while moving the new
        // ones in: every site goes back as the last build left it.
        for moved_in in [0, 1] {
            drop(prepare(&root, &dir.path().join("p"), true).unwrap());
            for name in sites {
                write(name, "first");
            }
            aside("exec");
            aside("public");
            if moved_in == 1 {
                write("exec", "second");
            }
            drop(prepare(&root, &dir.path().join("p"), true).unwrap());
            assert_eq!(names(), whole, "{moved_in}");
            for name in sites {
                assert_eq!(read(name).as_deref(), Some("first"), "{moved_in}: {name}");
            }
        }
        // Stopped while removing what was aside: the new build was whole, and stays.
        aside("team");
        write("team", "second");
        drop(prepare(&root, &dir.path().join("p"), true).unwrap());
        assert_eq!(names(), whole);
        assert_eq!(read("team").as_deref(), Some("second"));
    }

    #[test]
    fn swap_replaces_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = prepare(&dir.path().join("out"), &dir.path().join("p"), true).unwrap();
        let first = out.site("team").unwrap();
        first
            .write("a/old.html", &FileBytes::from(b"old".to_vec()))
            .unwrap();
        first.commit().unwrap();
        let second = out.site("team").unwrap();
        second
            .write("new.html", &FileBytes::from(b"new".to_vec()))
            .unwrap();
        second.commit().unwrap();
        let site = dir.path().join("out/team");
        assert!(site.join("new.html").exists());
        assert!(!site.join("a/old.html").exists());
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
    }
}
