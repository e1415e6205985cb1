//! What `serve` serves: every site's files in memory, the errors of the last rebuild, and
//! the channel that tells open pages to reload.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::SystemTime;

use bytes::Bytes;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::file_bytes::FileBytes;

/// One served file.
#[derive(Clone)]
pub struct Entry {
    pub bytes: FileBytes,
    /// Made on the first request that needs it: a rebuild that changes a 10 MB
    /// `graph.json` should not wait for its hash.
    etag: Arc<OnceLock<String>>,
    /// A file served in pieces, joined on the first request for it (the graph export and
    /// the search index, which a page may ask for on every reload).
    joined: Arc<OnceLock<Bytes>>,
    pub modified: SystemTime,
}

impl Entry {
    fn new(bytes: FileBytes, modified: SystemTime) -> Self {
        Entry {
            bytes,
            etag: Arc::default(),
            joined: Arc::default(),
            modified,
        }
    }

    /// The file's bytes in one buffer.
    pub fn body(&self) -> Bytes {
        match &self.bytes {
            FileBytes::Whole(bytes) => bytes.clone(),
            FileBytes::Pieces(_) => self.joined.get_or_init(|| self.bytes.to_bytes()).clone(),
        }
    }

    /// A strong validator: a hash of the bytes.
    pub fn etag(&self) -> &str {
        self.etag.get_or_init(|| {
            let mut hasher = blake3::Hasher::new();
            for piece in self.bytes.pieces() {
                hasher.update(piece);
            }
            format!("\"{}\"", &hasher.finalize().to_hex()[..32])
        })
    }
}

/// Sent to open pages after each rebuild.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Update {
    /// Errors of the last rebuild; while there are any, the last good build is served.
    pub errors: Vec<String>,
    /// URL paths whose bytes changed (`/team/index.html`).
    pub changed: Vec<String>,
    /// Every page may have changed: the page missed updates (more came at once than its
    /// stream holds).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
}

/// The entries pages published ahead replaced (`None` where there was none).
pub struct Replaced(Vec<(String, String, Option<Entry>)>);

/// What an incremental rebuild leaves as it was.
pub enum Keep {
    /// These pages of each site.
    Paths(HashMap<String, Vec<String>>),
    /// Every document page and linked file the rebuild did not emit; the site's own pages
    /// and files it did not emit are gone (a list nothing is on any more).
    Documents,
    /// Every page the rebuild did not emit.
    Everything,
    /// Every page the rebuild did not emit but these of each site, which are gone.
    AllBut(HashMap<String, Vec<String>>),
}

pub struct Store {
    sites: RwLock<BTreeMap<String, HashMap<String, Entry>>>,
    titles: RwLock<BTreeMap<String, String>>,
    /// Where each site is published, as the last good build's `align.toml` says.
    urls: RwLock<BTreeMap<String, String>>,
    errors: RwLock<Vec<String>>,
    updates: broadcast::Sender<Update>,
    /// The pages open in a browser (site, path), with how many event streams show each.
    open: Mutex<HashMap<(String, String), usize>>,
}

/// Paths of pages open in a browser, by site name.
pub type OpenPages = HashMap<String, HashSet<String>>;

/// A page open in a browser for as long as this lives (its event stream holds it).
pub struct OpenPage {
    store: Arc<Store>,
    key: (String, String),
}

impl Drop for OpenPage {
    fn drop(&mut self) {
        let mut open = self.store.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl Default for Store {
    fn default() -> Self {
        Store {
            sites: RwLock::default(),
            titles: RwLock::default(),
            urls: RwLock::default(),
            errors: RwLock::default(),
            updates: broadcast::channel(64).0,
            open: Mutex::default(),
        }
    }
}

impl Store {
    pub fn get(&self, site: &str, path: &str) -> Option<Entry> {
        let sites = self.sites.read().unwrap_or_else(|e| e.into_inner());
        sites.get(site)?.get(path).cloned()
    }

    /// Every path a site serves.
    #[cfg(test)]
    pub fn paths(&self, site: &str) -> Vec<String> {
        let sites = self.sites.read().unwrap_or_else(|e| e.into_inner());
        sites
            .get(site)
            .map(|files| files.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether no site is served yet (the project has not built since the server started).
    pub fn is_empty(&self) -> bool {
        self.sites
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    pub fn has_site(&self, site: &str) -> bool {
        self.sites
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(site)
    }

    /// Where site `name` is published, if `align.toml` says.
    pub fn site_url(&self, name: &str) -> Option<String> {
        let urls = self.urls.read().unwrap_or_else(|e| e.into_inner());
        urls.get(name).cloned()
    }

    /// Sets where each site is published, after a good build.
    pub fn set_urls(&self, urls: BTreeMap<String, String>) {
        *self.urls.write().unwrap_or_else(|e| e.into_inner()) = urls;
    }

    /// Site names and titles, for the index at `/`.
    pub fn sites(&self) -> Vec<(String, String)> {
        let titles = self.titles.read().unwrap_or_else(|e| e.into_inner());
        titles.iter().map(|(n, t)| (n.clone(), t.clone())).collect()
    }

    pub fn errors(&self) -> Vec<String> {
        self.errors
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Update> {
        self.updates.subscribe()
    }

    /// Notes that a browser shows `path` of `site` until the returned guard is dropped.
    pub fn open(self: &Arc<Self>, site: &str, path: &str) -> OpenPage {
        let key = (site.to_string(), path.to_string());
        *self
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.clone())
            .or_default() += 1;
        OpenPage {
            store: self.clone(),
            key,
        }
    }

    /// The pages open in a browser now, by site.
    pub fn open_pages(&self) -> OpenPages {
        let mut pages = OpenPages::new();
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        for (site, path) in open.keys() {
            pages.entry(site.clone()).or_default().insert(path.clone());
        }
        pages
    }

    /// Replaces every site with a new build, keeping the `keep` paths of the old one when the
    /// build did not emit them; returns the URL paths whose bytes changed.
    pub fn publish(
        &self,
        built: BTreeMap<String, HashMap<String, FileBytes>>,
        titles: BTreeMap<String, String>,
        keep: Option<&Keep>,
    ) -> Vec<String> {
        let now = SystemTime::now();
        // Which files differ from those served is found first, on every core and while
        // pages are still served: comparing a 10 MB graph export byte by byte was the
        // longest step of a rebuild's last stretch.
        let changed_files: HashSet<(&str, &str)> = {
            use rayon::prelude::*;
            let sites = self.sites.read().unwrap_or_else(|e| e.into_inner());
            let files: Vec<(&str, &str, &FileBytes)> = built
                .iter()
                .flat_map(|(site, files)| {
                    files
                        .iter()
                        .map(move |(path, bytes)| (site.as_str(), path.as_str(), bytes))
                })
                .collect();
            files
                .par_iter()
                .filter(|&&(site, path, bytes)| {
                    let served = sites.get(site).and_then(|entries| entries.get(path));
                    // A page the memo gave back is the very same bytes.
                    served.is_none_or(|e| !e.bytes.same(bytes) && e.bytes != *bytes)
                })
                .map(|&(site, path, _)| (site, path))
                .collect()
        };
        let mut sites = self.sites.write().unwrap_or_else(|e| e.into_inner());
        // Removed files are changes too: a page open on one reloads to the 404.
        let mut changed = Vec::new();
        // Updated in place: most pages are usually unchanged or kept, and copying them
        // into new maps took longer than rendering the pages that changed, while readers
        // waited on the lock.
        if keep.is_none() {
            sites.retain(|name, entries| {
                let kept = built.contains_key(name);
                if !kept {
                    changed.extend(entries.keys().map(|path| format!("/{name}/{path}")));
                }
                kept
            });
        }
        for (site, files) in &built {
            let entries = sites.entry(site.clone()).or_default();
            // The paths `keep` names: kept, or gone.
            let listed: HashSet<&str> = match keep {
                Some(Keep::Paths(listed) | Keep::AllBut(listed)) => listed
                    .get(site)
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect(),
                _ => HashSet::new(),
            };
            let stays = |path: &String| match keep {
                Some(Keep::Everything | Keep::AllBut(_)) => true,
                Some(Keep::Paths(_)) => files.contains_key(path) || listed.contains(path.as_str()),
                // Document pages first: most entries are, and a prefix test is cheaper
                // than a lookup.
                Some(Keep::Documents) => {
                    !crate::project::site_writes(path) || files.contains_key(path)
                }
                None => files.contains_key(path),
            };
            match keep {
                Some(Keep::Everything) => {}
                // Few to remove, among every page of the site.
                Some(Keep::AllBut(_)) => {
                    for path in &listed {
                        if !files.contains_key(*path) && entries.remove(*path).is_some() {
                            changed.push(format!("/{site}/{path}"));
                        }
                    }
                }
                _ => entries.retain(|path, _| {
                    let stays = stays(path);
                    if !stays {
                        changed.push(format!("/{site}/{path}"));
                    }
                    stays
                }),
            }
            for (path, bytes) in files {
                if changed_files.contains(&(site.as_str(), path.as_str())) {
                    changed.push(format!("/{site}/{path}"));
                    // A second later than the bytes it replaces at least: validators
                    // are whole seconds, and a page rebuilt twice in one second would
                    // otherwise pass for unmodified since the first.
                    let modified = entries
                        .get(path)
                        .map(|old| old.modified + std::time::Duration::from_secs(1))
                        .filter(|&next| next > now)
                        .unwrap_or(now);
                    entries.insert(path.clone(), Entry::new(bytes.clone(), modified));
                }
            }
        }
        *self.titles.write().unwrap_or_else(|e| e.into_inner()) = titles;
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = Vec::new();
        changed.sort();
        let _ = self.updates.send(Update {
            changed: changed.clone(),
            ..Update::default()
        });
        changed
    }

    /// Publishes pages ahead of the rest of their rebuild, keeping everything else; what
    /// they replaced is handed back, for [`Store::restore`] should the rest fail.
    pub fn publish_ahead(
        &self,
        built: BTreeMap<String, HashMap<String, FileBytes>>,
        titles: BTreeMap<String, String>,
    ) -> (Vec<String>, Replaced) {
        let replaced = {
            let sites = self.sites.read().unwrap_or_else(|e| e.into_inner());
            built
                .iter()
                .flat_map(|(site, files)| {
                    let old = sites.get(site);
                    files.keys().map(move |path| {
                        let entry = old.and_then(|entries| entries.get(path)).cloned();
                        (site.clone(), path.clone(), entry)
                    })
                })
                .collect()
        };
        let changed = self.publish(built, titles, Some(&Keep::Everything));
        (changed, Replaced(replaced))
    }

    /// Puts back what pages published ahead replaced, so that the last good build is
    /// served whole again, and tells open pages.
    pub fn restore(&self, replaced: Replaced) {
        let mut changed = Vec::new();
        {
            let mut sites = self.sites.write().unwrap_or_else(|e| e.into_inner());
            for (site, path, entry) in replaced.0 {
                let entries = sites.entry(site.clone()).or_default();
                match entry {
                    Some(entry) => entries.insert(path.clone(), entry),
                    None => entries.remove(&path),
                };
                changed.push(format!("/{site}/{path}"));
            }
        }
        changed.sort();
        let _ = self.updates.send(Update {
            changed,
            ..Update::default()
        });
    }

    /// Keeps the last good build and tells open pages what is wrong.
    pub fn fail(&self, errors: Vec<String>) {
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = errors.clone();
        let _ = self.updates.send(Update {
            errors,
            ..Update::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> BTreeMap<String, HashMap<String, FileBytes>> {
        let files = files
            .iter()
            .map(|(p, b)| (p.to_string(), FileBytes::from(b.to_string())))
            .collect();
        BTreeMap::from([("team".to_string(), files)])
    }

    fn paths(store: &Store) -> Vec<String> {
        let sites = store.sites.read().unwrap();
        let mut paths: Vec<String> = sites["team"].keys().cloned().collect();
        paths.sort();
        paths
    }

    #[test]
    fn a_file_in_pieces_is_joined_once_and_hashed_as_its_bytes() {
        let store = Store::default();
        let pieces: FileBytes = vec![Bytes::from_static(b"[1,"), Bytes::from_static(b"2]")].into();
        let built = BTreeMap::from([(
            "team".to_string(),
            HashMap::from([("graph.json".to_string(), pieces)]),
        )]);
        store.publish(built, BTreeMap::new(), None);
        let entry = store.get("team", "graph.json").unwrap();
        let body = entry.body();
        assert_eq!(body, "[1,2]");
        assert_eq!(entry.body().as_ptr(), body.as_ptr(), "joined once");
        let whole = Entry::new(FileBytes::from(b"[1,2]".to_vec()), entry.modified);
        assert_eq!(entry.etag(), whole.etag());
    }

    #[test]
    fn a_page_is_open_while_an_event_stream_holds_it() {
        let store = Arc::new(Store::default());
        let first = store.open("team", "roadmap.html");
        let second = store.open("team", "roadmap.html");
        let list = store.open("public", "lists/tag/x.html");
        let open = |store: &Store| {
            let mut pages: Vec<(String, String)> = store
                .open_pages()
                .into_iter()
                .flat_map(|(site, paths)| paths.into_iter().map(move |p| (site.clone(), p)))
                .collect();
            pages.sort();
            pages
        };
        let page = |site: &str, path: &str| (site.to_string(), path.to_string());
        assert_eq!(
            open(&store),
            [
                page("public", "lists/tag/x.html"),
                page("team", "roadmap.html")
            ]
        );
        drop(first);
        assert_eq!(
            open(&store),
            [
                page("public", "lists/tag/x.html"),
                page("team", "roadmap.html")
            ],
            "another tab still shows it"
        );
        drop(second);
        drop(list);
        assert!(open(&store).is_empty());
    }

    #[test]
    fn pages_published_ahead_can_be_taken_back() {
        let store = Store::default();
        store.publish(
            site(&[("pages/a.html", "A"), ("roadmap.html", "R")]),
            BTreeMap::new(),
            None,
        );
        let etag = store
            .get("team", "pages/a.html")
            .unwrap()
            .etag()
            .to_string();
        let mut updates = store.subscribe();
        let (changed, replaced) = store.publish_ahead(
            site(&[("pages/a.html", "A2"), ("pages/new.html", "N")]),
            BTreeMap::new(),
        );
        assert_eq!(changed, ["/team/pages/a.html", "/team/pages/new.html"]);
        assert_eq!(
            paths(&store),
            ["pages/a.html", "pages/new.html", "roadmap.html"]
        );
        store.restore(replaced);
        assert_eq!(paths(&store), ["pages/a.html", "roadmap.html"]);
        let a = store.get("team", "pages/a.html").unwrap();
        assert_eq!(
            (a.bytes.to_bytes(), a.etag()),
            (bytes::Bytes::from("A"), etag.as_str())
        );
        let _ahead = updates.try_recv().unwrap();
        let back = updates.try_recv().unwrap();
        assert_eq!(
            back.changed,
            ["/team/pages/a.html", "/team/pages/new.html"],
            "open pages reload to the last good build"
        );
    }

    #[test]
    fn kept_documents_stay_and_the_site_files_not_built_again_go() {
        let store = Store::default();
        let first = site(&[
            ("pages/a.html", "A"),
            ("lists/tag/x.html", "X"),
            ("lists/tag/y.html", "Y"),
            ("roadmap.html", "R"),
        ]);
        store.publish(first, BTreeMap::new(), None);
        let same = store.get("team", "lists/tag/y.html").unwrap().bytes;
        let changed = store.publish(
            BTreeMap::from([(
                "team".to_string(),
                HashMap::from([
                    ("lists/tag/y.html".to_string(), same),
                    (
                        "roadmap.html".to_string(),
                        FileBytes::from("R2".to_string()),
                    ),
                ]),
            )]),
            BTreeMap::new(),
            Some(&Keep::Documents),
        );
        assert_eq!(
            paths(&store),
            ["lists/tag/y.html", "pages/a.html", "roadmap.html"],
            "the document page stays, the list nothing is on goes"
        );
        // The list that went is a change too: a page open on it reloads to the 404.
        assert_eq!(changed, ["/team/lists/tag/x.html", "/team/roadmap.html"]);
    }

    #[test]
    fn a_file_rebuilt_within_a_second_is_modified_a_second_later() {
        let store = Store::default();
        store.publish(site(&[("a.html", "A")]), BTreeMap::new(), None);
        let first = store.get("team", "a.html").unwrap().modified;
        store.publish(site(&[("a.html", "A2")]), BTreeMap::new(), None);
        let second = store.get("team", "a.html").unwrap().modified;
        let whole = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        assert!(whole(second) > whole(first), "{first:?} then {second:?}");
    }

    #[test]
    fn an_etag_is_a_hash_of_the_bytes() {
        let store = Store::default();
        store.publish(
            site(&[("a.html", "A"), ("b.html", "B")]),
            BTreeMap::new(),
            None,
        );
        let a = store.get("team", "a.html").unwrap();
        assert_ne!(a.etag(), store.get("team", "b.html").unwrap().etag());
        store.publish(site(&[("a.html", "A2")]), BTreeMap::new(), None);
        assert_ne!(store.get("team", "a.html").unwrap().etag(), a.etag());
        store.publish(site(&[("a.html", "A")]), BTreeMap::new(), None);
        assert_eq!(store.get("team", "a.html").unwrap().etag(), a.etag());
    }

    #[test]
    fn kept_paths_stay_and_what_was_neither_kept_nor_built_goes() {
        let store = Store::default();
        let first = site(&[("a.html", "A"), ("b.html", "B"), ("lists/x.html", "X")]);
        store.publish(first, BTreeMap::new(), None);
        let etag = store.get("team", "a.html").unwrap().etag().to_string();
        let keep = Keep::Paths(HashMap::from([(
            "team".to_string(),
            vec!["a.html".to_string()],
        )]));
        let changed = store.publish(
            site(&[("lists/y.html", "Y"), ("b.html", "B")]),
            BTreeMap::new(),
            Some(&keep),
        );
        assert_eq!(paths(&store), ["a.html", "b.html", "lists/y.html"]);
        assert_eq!(
            changed,
            ["/team/lists/x.html", "/team/lists/y.html"],
            "b.html kept its bytes, lists/x.html went"
        );
        assert_eq!(store.get("team", "a.html").unwrap().etag(), etag);
    }

    #[test]
    fn a_full_build_replaces_every_site_and_keeps_validators_of_unchanged_files() {
        let store = Store::default();
        let mut first = site(&[("a.html", "A"), ("b.html", "B")]);
        first.insert("exec".to_string(), HashMap::new());
        store.publish(first, BTreeMap::new(), None);
        let etag = store.get("team", "a.html").unwrap().etag().to_string();
        let changed = store.publish(
            site(&[("a.html", "A"), ("c.html", "C")]),
            BTreeMap::new(),
            None,
        );
        assert_eq!(paths(&store), ["a.html", "c.html"]);
        assert_eq!(changed, ["/team/b.html", "/team/c.html"]);
        assert_eq!(store.get("team", "a.html").unwrap().etag(), etag);
        assert!(
            !store.has_site("exec"),
            "a site the build no longer has is gone"
        );
    }
}
