//! Asking the processor ahead for what serialising and making document views reads (see
//! [`crate::prefetch`]): lists and views show documents sorted by anything but where
//! their views are in memory, and links lead to documents anywhere.

use std::sync::OnceLock;

use super::{DocView, LinkTarget, LinkView, SiteView};
use crate::graph::Graph;
use crate::model::Document;
use crate::prefetch;

/// How many entries ahead of the one being serialised [`ahead_of`] asks for a view.
pub(super) const AHEAD: usize = 8;

/// What the serialisation of a document view reads, beyond the view itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// An [`super::Item`]'s strings.
    Item,
    /// A [`super::DecisionCard`]: the item, and the links of its why chains.
    Card,
    /// The whole view: its key results and its relations too.
    Doc,
}

/// [`ahead_of`] for a list of document views.
pub fn ahead<'d>(docs: &'d [&'d DocView], reads: Reads) -> impl Iterator<Item = &'d DocView> + 'd {
    ahead_of(docs, |doc| *doc, reads).copied()
}

/// The entries in order, asking the processor to start loading what serialising each
/// one's document view reads, in steps as the pointers to follow arrive: the view
/// `AHEAD` (8) entries before it is serialised, its strings and lists half as far
/// before, what those lists point to a quarter as far. Lists and views show documents
/// sorted by anything but where their views are in memory: at 100,000 documents the
/// views of a site (100 MB) and their links' targets are far larger than the
/// processor's caches, and each entry waited for memory in turn.
pub fn ahead_of<'d, T>(
    entries: &'d [T],
    view: impl Fn(&T) -> &DocView + 'd,
    reads: Reads,
) -> impl Iterator<Item = &'d T> + 'd {
    prefetch::in_order(
        entries,
        [AHEAD, AHEAD / 2, AHEAD / 4],
        move |step, entry| {
            let doc = view(entry);
            match step {
                0 => prefetch::all(std::slice::from_ref(doc)),
                1 => {
                    prefetch::line(doc.title.as_ptr());
                    prefetch::line(doc.url.as_ptr());
                    prefetch::texts([&doc.id, &doc.summary, &doc.status, &doc.date, &doc.team]);
                    // In `serve` the view's kept values are read instead of its fields.
                    if let Some(memo) = doc.memo.get() {
                        prefetch::line(&**memo);
                    }
                    if reads != Reads::Item {
                        for link in doc.why.iter().flatten() {
                            ask_for(&link.target, false);
                        }
                    }
                    if reads == Reads::Doc {
                        prefetch::all(&doc.key_results);
                        prefetch::all(&doc.relations);
                    }
                }
                _ => {
                    if reads != Reads::Item {
                        for link in doc.why.iter().flatten() {
                            ask_for(&link.target, true);
                        }
                    }
                    if reads == Reads::Doc {
                        for link in doc.relations.iter().flat_map(|g| &g.items) {
                            ask_for(&link.target, false);
                        }
                        for kr in &doc.key_results {
                            prefetch::line(kr.title.as_ptr());
                            prefetch::all(&kr.checkins);
                        }
                    }
                }
            }
        },
    )
}

/// Links in order, each one's target asked for `AHEAD` links before it is serialised
/// and the target's URL and title half as far before: the documents linked to most
/// (strategies, objectives, releases) list thousands of documents linking back, each
/// somewhere else in memory.
pub(super) fn links_ahead<S: serde::Serializer>(
    links: &[LinkView],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(prefetch::in_order(
        links,
        [AHEAD, AHEAD / 2],
        |step, link| ask_for(&link.target, step > 0),
    ))
}

/// Asks for a link's target; with `strings`, for what a link shows of it instead (its
/// URL and title), once the target itself was asked for a step before.
fn ask_for(target: &LinkTarget, strings: bool) {
    if strings {
        prefetch::line(target.url.as_ptr());
        prefetch::line(target.title.as_ptr());
    } else {
        prefetch::line(std::ptr::from_ref(target));
    }
}

/// Starts loading what making document `i`'s view reads first: its strings and the
/// lists of its edges.
pub(super) fn prefetch_doc(doc: &Document, graph: &Graph, i: usize) {
    prefetch::line(doc.title.as_ptr());
    prefetch::line(doc.path_id.as_ptr());
    prefetch::texts([&doc.id, &doc.summary, &doc.status, &doc.team]);
    for edges in [&graph.outgoing, &graph.incoming] {
        if let Some(edges) = edges.get(i) {
            prefetch::line(edges.as_ptr());
        }
    }
}

/// Starts loading document `i`'s edges (their lists were asked for a step before).
pub(super) fn prefetch_edges(graph: &Graph, i: usize) {
    for edges in [&graph.outgoing, &graph.incoming] {
        for &e in edges.get(i).into_iter().flatten() {
            if let Some(edge) = graph.edges.get(e) {
                prefetch::line(std::ptr::from_ref(edge));
            }
        }
    }
}

impl SiteView<'_> {
    /// Asks the processor to start loading what the page of document `doc` will read
    /// of other documents: the link targets of its relations, why chains and body links,
    /// scattered over a heap far larger than the caches in a large project (see
    /// [`ahead`]). Without `strings`, the targets themselves; with it, their URLs and
    /// titles, once the targets have been asked for a step before.
    pub fn prefetch_page(&self, graph: &Graph, doc: usize, strings: bool) {
        if let Some(view) = self.view(doc) {
            let links = view
                .relations
                .iter()
                .flat_map(|g| &g.items)
                .chain(view.why.iter().flatten());
            for link in links {
                ask_for(&link.target, strings);
            }
        }
        if let Some(links) = graph.links.get(doc) {
            for target in links.values() {
                if let Some(linked) = self.targets.get(target.doc).and_then(OnceLock::get) {
                    ask_for(linked, strings);
                }
            }
        }
    }

    /// Starts loading the link targets at the other ends of document `i`'s edges (the
    /// edges were asked for a step before).
    pub(super) fn prefetch_edge_targets(&self, graph: &Graph, i: usize) {
        let outgoing = graph.outgoing.get(i).into_iter().flatten();
        let incoming = graph.incoming.get(i).into_iter().flatten();
        for &e in outgoing.chain(incoming) {
            let Some(edge) = graph.edges.get(e) else {
                continue;
            };
            let other = if edge.from == i {
                edge.to.doc
            } else {
                edge.from
            };
            if let Some(linked) = self.targets.get(other).and_then(OnceLock::get) {
                ask_for(linked, false);
            }
        }
    }
}
