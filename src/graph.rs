//! Resolves references between documents, and computes what follows from them: reverse
//! relations, backlinks, the "why" chain, scores and effective statuses.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Location};
use crate::model::{Document, Kind, RefText, RelKind, objective_score};

/// What a reference points at: a document, maybe one of its key results or headings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub doc: usize,
    pub kr: Option<usize>,
    pub anchor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: Target,
    pub kind: RelKind,
    /// The document whose source holds the reference: `from`, or `to.doc` for a relation
    /// written on the other end (`implemented_by`).
    pub written_in: usize,
    /// Line and column in `written_in`'s source where the reference is written.
    pub line: usize,
    pub col: usize,
    /// Audience blocks around a body link (see [`RefText::audiences`]).
    pub audiences: Vec<Vec<String>>,
    /// The words the reference names the relation with (see [`RefText::phrase`]).
    pub phrase: Option<String>,
}

impl Edge {
    fn key(&self) -> EdgeKey {
        (self.from, self.to.doc, self.to.kr, self.kind)
    }

    /// The edge a reference written in document `written_in` makes to `target`: a
    /// relation written on the other end (`implemented_by`) leads from the target.
    /// `None` for a body link to the document itself.
    fn made(written_in: usize, reference: &RefText, target: Target) -> Option<Edge> {
        let (from, to) = match reference.inverse {
            true => (
                target.doc,
                Target {
                    doc: written_in,
                    kr: None,
                    anchor: None,
                },
            ),
            false => (written_in, target),
        };
        if from == to.doc && reference.kind == RelKind::Mentions {
            return None;
        }
        Some(Edge {
            from,
            to,
            kind: reference.kind,
            written_in,
            line: reference.line,
            col: reference.col,
            audiences: reference.audiences.clone(),
            phrase: reference.phrase.clone(),
        })
    }

    /// Another reference, written in `written_in`, that makes this same edge: the same
    /// link written outside any block makes the edge visible everywhere, and the edge is
    /// found there, so a finding about it points at the link every site shows, not at one
    /// inside a block.
    fn take_over(&mut self, written_in: usize, reference: &RefText) {
        if reference.audiences.is_empty() && !self.audiences.is_empty() {
            self.audiences.clear();
            (self.written_in, self.line, self.col) = (written_in, reference.line, reference.col);
        }
    }

    /// Whether a site with these audiences may know of this edge.
    pub fn shown_to(&self, site_audiences: &[String]) -> bool {
        crate::model::blocks_allow(&self.audiences, site_audiences)
    }
}

/// A step of a why chain: a document, or one key result of an objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub doc: usize,
    pub kr: Option<usize>,
}

/// Names to documents' places: hashed with aHash, as nothing is iterated in its order.
type Names = HashMap<String, usize, ahash::RandomState>;

#[derive(Debug, Default)]
pub struct Graph {
    keys: Names,
    /// Keys two documents answer to (each a `duplicate-id` error): a reference to one
    /// reaches the first, and says nothing of its own when that is not the document it
    /// meant (of the wrong kind, without the key result it names).
    ambiguous: HashMap<String, usize>,
    /// The keys with accents, each as composed characters (NFC): a file named on one
    /// system with `e` and a combining accent (NFD, as macOS wrote names) is still found
    /// by a link typed with `é`, and the other way round.
    composed: HashMap<String, usize>,
    /// The keys in lowercase, made at the first reference that names no document: one
    /// written in another case (`[[o-activation-q4]]`) is told the name it meant.
    lowercase: std::sync::OnceLock<HashMap<String, usize>>,
    pub edges: Vec<Edge>,
    /// Edge indexes by source document.
    pub outgoing: Vec<Vec<usize>>,
    /// Edge indexes by target document.
    pub incoming: Vec<Vec<usize>>,
    /// Per document: body link destination as written → its target.
    pub links: Vec<HashMap<String, Target>>,
    pub status: Vec<Option<String>>,
    pub scores: Vec<Option<f64>>,
    /// Per document, the index of the first edge its references made: edges are made
    /// document by document, so those of document `i` are `created[i]..created[i + 1]`.
    created: Vec<usize>,
    /// A number no other graph of this process has. A graph keeps its edges, and the
    /// ids and key results at their ends, under one number (an edit that would change
    /// them builds a new graph, or takes a new number with [`Graph::relink`]), so the
    /// number stands for all of them.
    pub generation: u64,
}

/// What makes an edge one: its ends (a key result or not) and its kind.
type EdgeKey = (usize, usize, Option<usize>, RelKind);

/// The edges of documents with many outgoing edges, by their ends and kind, so that
/// adding one more does not compare it with every edge before it (one page linking to
/// 20,000 documents or key results took seconds).
#[derive(Default)]
struct LongLists {
    edges: HashMap<EdgeKey, usize>,
}

impl LongLists {
    /// Outgoing edges past which a document's are looked up in the map.
    const FROM: usize = 32;
}

/// What [`Graph::cycles`] finds along one relation.
#[derive(Debug)]
pub struct Cycles {
    /// One cycle per group: the documents in the order the relation leads, from the
    /// group's first document in `docs`' order; the groups in that order too.
    pub cycles: Vec<Vec<usize>>,
    /// Per document, the group (its index in `cycles`) it belongs to, if any.
    pub group: Vec<Option<usize>>,
}

impl Cycles {
    /// Whether `a` and `b` lie on a cycle together.
    pub fn together(&self, a: usize, b: usize) -> bool {
        self.group[a].is_some() && self.group[a] == self.group[b]
    }
}

/// The next [`Graph::generation`].
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// One document's references, each resolved or why not.
type Resolved = Vec<Result<Target, String>>;

const MAX_CHAIN: usize = 12;
const MAX_CHAINS: usize = 8;

impl Graph {
    /// Builds the graph; every reference that resolves to nothing, or to the wrong kind,
    /// and every duplicate id is a diagnostic. `dir` prefixes paths in diagnostics.
    pub fn build(docs: &[Document], dir: &Path) -> (Graph, Vec<Diagnostic>) {
        Graph::build_around(docs, dir, &HashMap::new())
    }

    /// Like [`Graph::build`], with the names (path ids and ids) of documents that could
    /// not be read: a reference to one of them is no error of its own, since that file
    /// has its error already (one broken frontmatter would otherwise be reported again
    /// in every file that links to it).
    pub fn build_around(
        docs: &[Document],
        dir: &Path,
        unreadable: &HashMap<String, usize>,
    ) -> (Graph, Vec<Diagnostic>) {
        let mut graph = Graph {
            outgoing: vec![Vec::new(); docs.len()],
            generation: next_generation(),
            ..Graph::default()
        };
        let mut diags = graph.index(docs, dir);
        // Resolving reads the index only, so documents resolve in parallel, each with the
        // map of its body links; edges are added in document order, as before.
        use rayon::prelude::*;
        // What is wrong with each document's references is found there too.
        let resolved: Vec<(Resolved, HashMap<String, Target>, Vec<Diagnostic>)> = docs
            .par_iter()
            .enumerate()
            .map(|(from, doc)| {
                let (targets, links) = graph.resolve_refs(docs, from);
                let problems = graph.link_problems(doc, dir, unreadable, &targets);
                (targets, links, problems)
            })
            .collect();
        graph.links.reserve(docs.len());
        graph.created.reserve(docs.len() + 1);
        // A reference makes at most one edge: the edges are never moved to a larger place.
        graph
            .edges
            .reserve(docs.iter().map(|doc| doc.refs.len()).sum());
        let mut long = LongLists::default();
        for ((from, doc), (targets, links, problems)) in docs.iter().enumerate().zip(resolved) {
            graph.created.push(graph.edges.len());
            graph.links.push(links);
            diags.extend(problems);
            for (reference, target) in doc.refs.iter().zip(targets) {
                if let Ok(target) = target {
                    graph.add(from, reference, target, &mut long);
                }
            }
        }
        graph.created.push(graph.edges.len());
        graph.incoming = incoming(docs.len(), &graph.edges);
        graph.refresh(docs);
        (graph, diags)
    }

    /// How each of document `from`'s references resolves (or why it does not), and the
    /// map of its body links to their targets.
    fn resolve_refs(&self, docs: &[Document], from: usize) -> (Resolved, HashMap<String, Target>) {
        let doc = &docs[from];
        let targets: Resolved = doc
            .refs
            .iter()
            .map(|reference| {
                let target = self.resolve(docs, from, &reference.text)?;
                check_kind(docs, doc.kind, reference, &target).map(|()| target)
            })
            .collect();
        let links = doc
            .refs
            .iter()
            .zip(&targets)
            .filter(|(reference, _)| reference.kind == RelKind::Mentions)
            .filter_map(|(reference, target)| {
                Some((reference.text.clone(), target.as_ref().ok()?.clone()))
            })
            .collect();
        (targets, links)
    }

    /// What is wrong with the references of `doc` that resolved to nothing, or to the
    /// wrong kind, as `targets` says.
    fn link_problems(
        &self,
        doc: &Document,
        dir: &Path,
        unreadable: &HashMap<String, usize>,
        targets: &[Result<Target, String>],
    ) -> Vec<Diagnostic> {
        // The relations' references by line and text, made at the first broken link
        // (a body of thousands of them asked each of the others).
        let relations: std::cell::OnceCell<HashSet<(usize, &str)>> = Default::default();
        let relation_at = |line: usize, text: &str| {
            relations
                .get_or_init(|| {
                    (doc.refs.iter())
                        .filter(|other| other.kind != RelKind::Mentions)
                        .map(|other| (other.line, other.text.as_str()))
                        .collect()
                })
                .contains(&(line, text))
        };
        let mut diags = Vec::new();
        for (reference, target) in doc.refs.iter().zip(targets) {
            let Err(message) = target else { continue };
            let named = || reference.text.split('#').next().unwrap_or_default().trim();
            match message {
                // A record's `Superseded by [3](0003-x.md)` is a relation and a body
                // link on one line: a target it lacks is said once, of the relation.
                _ if reference.kind == RelKind::Mentions
                    && relation_at(reference.line, &reference.text) => {}
                _ if !unreadable.is_empty()
                    && lookup_in(unreadable, &doc.source, named()).is_some() => {}
                // The key's two documents have their error already.
                _ if self.is_ambiguous(&doc.source, named()) => {}
                message => diags.push(ref_problem(doc, dir, reference, message.clone())),
            }
        }
        diags
    }

    /// Makes the body links of document `doc` again, in place, after an edit that kept
    /// everything else of it the graph reads (its path, id, kind, number, relations in
    /// their order, key results and headings): its references resolve again, and its
    /// body links' edges take the places a graph made from scratch would give them. Every
    /// other edge is kept, moved along by as many places as the document's edges grew or
    /// shrank. What is wrong with the document's references is returned; `None` when the
    /// graph was not made for these documents.
    pub fn relink(&mut self, docs: &[Document], dir: &Path, doc: usize) -> Option<Vec<Diagnostic>> {
        if self.created.len() != docs.len() + 1 || doc >= docs.len() {
            return None;
        }
        let (targets, links) = self.resolve_refs(docs, doc);
        let problems = self.link_problems(&docs[doc], dir, &HashMap::new(), &targets);
        let range = self.created[doc]..self.created[doc + 1];
        // The relations' edges the document made: each is made again by the same
        // reference, first of those that name it, and is kept as it is (a later document's
        // reference may have taken it over).
        let mut relations: HashMap<EdgeKey, Edge> = self.edges[range.clone()]
            .iter()
            .filter(|edge| edge.kind != RelKind::Mentions)
            .map(|edge| (edge.key(), edge.clone()))
            .collect();
        let mut made: Vec<Edge> = Vec::with_capacity(range.len() + 1);
        let mut body_links: HashMap<EdgeKey, usize> = HashMap::new();
        for (reference, target) in docs[doc].refs.iter().zip(targets) {
            let Ok(target) = target else { continue };
            let Some(edge) = Edge::made(doc, reference, target) else {
                continue;
            };
            if reference.kind != RelKind::Mentions {
                made.extend(relations.remove(&edge.key()));
                continue;
            }
            // A body link is never written on the other end: its edge leaves `doc`, and
            // no other document's reference makes or takes it.
            match body_links.get(&edge.key()) {
                Some(&at) => made[at].take_over(doc, reference),
                None => {
                    body_links.insert(edge.key(), made.len());
                    made.push(edge);
                }
            }
        }
        let (start, end) = (range.start, range.end);
        let moved = |e: usize| e + made.len() - (end - start);
        // Edge lists hold indexes in ascending order: those of the document's old edges go,
        // those after them move along, and the new ones are put in their places.
        for list in self.outgoing.iter_mut().chain(self.incoming.iter_mut()) {
            if list.last().is_some_and(|&e| e >= start) {
                list.retain_mut(|e| match *e {
                    e if e < start => true,
                    e if e < end => false,
                    _ => {
                        *e = moved(*e);
                        true
                    }
                });
            }
        }
        for created in &mut self.created[doc + 1..] {
            *created = moved(*created);
        }
        let count = made.len();
        self.edges.splice(range, made);
        for e in start..start + count {
            let (from, to) = (self.edges[e].from, self.edges[e].to.doc);
            for list in [&mut self.outgoing[from], &mut self.incoming[to]] {
                let at = list.partition_point(|&other| other < e);
                list.insert(at, e);
            }
        }
        self.links[doc] = links;
        self.generation = next_generation();
        Some(problems)
    }

    /// Recomputes what the graph derives from documents' fields rather than from their
    /// links: effective statuses and objective scores. Enough after an edit that kept
    /// every document's links, ids and key results.
    pub fn refresh(&mut self, docs: &[Document]) {
        self.status = docs
            .iter()
            .enumerate()
            .map(|(i, d)| self.effective_status(docs, i, d))
            .collect();
        self.scores = docs
            .iter()
            .map(|d| objective_score(&d.key_results))
            .collect();
    }

    fn index(&mut self, docs: &[Document], dir: &Path) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        // A path id each, an id for most, and for decisions their citations.
        self.keys.reserve(2 * docs.len());
        for (i, doc) in docs.iter().enumerate() {
            if let Some(&first) = self.keys.get(&doc.path_id) {
                diags.push(duplicate(docs, dir, first, i, &doc.path_id, "path id"));
                self.ambiguous.insert(doc.path_id.clone(), first);
            }
            self.keys.insert(doc.path_id.clone(), i);
        }
        // Pages whose paths differ only in case (`pages/FAQ`, `pages/faq`) or in how
        // their accents are written (`é`, or `e` and a combining accent): one replaces
        // the other where file names ignore case or that. Only paths with capitals or
        // accents are folded; the rest are found by their own path among the keys.
        let mut folded: HashMap<String, usize> = HashMap::new();
        for (i, doc) in docs.iter().enumerate() {
            if doc.path_id.is_ascii() && !doc.path_id.bytes().any(|b| b.is_ascii_uppercase()) {
                continue;
            }
            let key = doc.path_id.to_lowercase();
            let key = if key.is_ascii() { key } else { composed(&key) };
            match self.keys.get(&key).or_else(|| folded.get(&key)) {
                Some(&first) if first != i => diags.push(case_clash(docs, dir, first, i)),
                _ => {
                    folded.insert(key, i);
                }
            }
        }
        for (i, doc) in docs.iter().enumerate() {
            let Some(id) = &doc.id else { continue };
            match self.keys.get(id) {
                Some(&first) if first != i => {
                    diags.push(duplicate(docs, dir, first, i, id, "id"));
                    self.ambiguous.insert(id.clone(), first);
                }
                _ => {
                    self.keys.insert(id.clone(), i);
                }
            }
        }
        // A decision whose id is one way of citing its own number (`ADR-0007` for number
        // 7) is cited the other way too (`ADR-7`): both lead to it, whatever else has
        // that number.
        for (i, doc) in docs.iter().enumerate() {
            if let (Kind::Decision, Some(id), Some(n)) = (doc.kind, &doc.id, doc.number) {
                let names = citations(n);
                if names.contains(id) {
                    for name in names {
                        self.keys.entry(name).or_insert(i);
                    }
                }
            }
        }
        // Imported records are often cited as `ADR-0007`; give them that name when free.
        // Another document whose own id is that name would take the record's links: both
        // are named, as for any id used twice, unless it is a decision of that number,
        // which is cited so by right (two records of one number, as below).
        // Records of one number in two folders, each numbered on its own: said once for
        // the two folders (see [`numbered_apart`]).
        let mut apart: Vec<(usize, usize, u32)> = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            if let (Kind::Decision, None, Some(n)) = (doc.kind, &doc.id, doc.number) {
                for (k, name) in citations(n).into_iter().enumerate() {
                    let Some(&other) = self.keys.get(&name) else {
                        self.keys.insert(name, i);
                        continue;
                    };
                    let numbered = docs[other].number == Some(n);
                    if docs[other].id.as_deref() == Some(name.as_str()) && !numbered {
                        let message = format!(
                            "id `{name}` is how decision {n} ({}) is cited: links to `{name}` would reach this document, not the decision; give this document another id",
                            dir.join(&docs[i].source).display()
                        );
                        diags.push(clash(docs, dir, i, other, &name, message));
                    } else if numbered && k == 0 {
                        // Two records of one number, as parallel branches of adr-tools
                        // make them: its cited name leads to the first (said once).
                        if folder(&docs[other]) == folder(doc) {
                            diags.push(same_number(docs, dir, other, i, n));
                        } else {
                            apart.push((other, i, n));
                        }
                    }
                }
            }
        }
        diags.extend(numbered_apart(docs, dir, &apart));
        // An id that is a decision's number as prose writes it (`ADR_7`, `adr-0007`) takes
        // the links written so, which otherwise lead to that decision (`ADR-7`).
        for (i, doc) in docs.iter().enumerate() {
            let Some(id) = &doc.id else { continue };
            let Some(n) = adr_number(id) else { continue };
            let cited = citations(n);
            if cited.contains(id) {
                continue;
            }
            // The decision the cited name leads to; a page whose own id is that name is
            // told apart, where the decision's name is given out.
            let Some((other, name)) = cited.iter().rev().find_map(|key| {
                let &doc = self.keys.get(key)?;
                (docs[doc].kind == Kind::Decision && docs[doc].number == Some(n))
                    .then_some((doc, key.clone()))
            }) else {
                continue;
            };
            if other != i && self.keys.get(id) == Some(&i) {
                let message = format!(
                    "id `{id}` is how prose cites decision {n} ({}): links to `{id}` would reach this document, and links to `{}` the decision; give it another id",
                    dir.join(&docs[other].source).display(),
                    name,
                );
                diags.push(clash(docs, dir, other, i, id, message));
            }
        }
        for (i, doc) in docs.iter().enumerate() {
            for key in std::iter::once(&doc.path_id).chain(&doc.id) {
                if !key.is_ascii() {
                    self.composed.entry(composed(key)).or_insert(i);
                }
            }
        }
        diags
    }

    /// Adds the edge `reference` makes, or gives it to the edge it duplicates; the
    /// edges into each document are listed once every edge is made (see [`incoming`]).
    fn add(&mut self, from: usize, reference: &RefText, target: Target, long: &mut LongLists) {
        let Some(edge) = Edge::made(from, reference, target) else {
            return;
        };
        let (key, from) = (edge.key(), edge.from);
        let duplicate = if self.outgoing[from].len() < LongLists::FROM {
            self.outgoing[from]
                .iter()
                .copied()
                .find(|&e| self.edges[e].key() == key)
        } else {
            long.edges.get(&key).copied()
        };
        if let Some(e) = duplicate {
            self.edges[e].take_over(edge.written_in, reference);
            return;
        }
        let index = self.edges.len();
        self.edges.push(edge);
        self.outgoing[from].push(index);
        // From its `FROM`th edge on, a document's edges are found in the map.
        let outgoing = &self.outgoing[from];
        if outgoing.len() == LongLists::FROM {
            long.edges
                .extend(outgoing.iter().map(|&e| (self.edges[e].key(), e)));
        } else if outgoing.len() > LongLists::FROM {
            long.edges.insert(key, index);
        }
    }

    /// Whether `path`, written in `source`, names a key two documents answer to.
    fn is_ambiguous(&self, source: &Path, path: &str) -> bool {
        !self.ambiguous.is_empty() && lookup_in(&self.ambiguous, source, path).is_some()
    }

    /// Finds the document a reference names: short id, path id, or a path relative to the
    /// referring file, with an optional `#kr-id` or `#heading-anchor`.
    pub fn resolve(&self, docs: &[Document], from: usize, text: &str) -> Result<Target, String> {
        let (path, fragment) = match text.split_once('#') {
            Some((p, f)) => (p.trim(), Some(f.trim())),
            None => (text.trim(), None),
        };
        let doc = if path.is_empty() {
            // `[[#risks]]` is a heading of the document itself; `[[ ]]` and `[[#]]` name
            // nothing at all.
            if fragment.is_none_or(str::is_empty) {
                return Err(match text.trim() {
                    "" => "an empty reference names no document".to_string(),
                    _ => format!("`{text}` names no document"),
                });
            }
            from
        } else {
            let source = &docs[from].source;
            self.lookup(source, path)
                .ok_or_else(|| match self.in_other_case(source, path) {
                    Some(meant) => {
                        let doc = &docs[meant];
                        let name = (doc.id.as_deref())
                            .filter(|id| id.to_lowercase() == path.to_lowercase())
                            .unwrap_or(&doc.path_id);
                        format!("`{text}` names no document: did you mean `{name}`?")
                    }
                    None => format!("`{text}` names no document"),
                })?
        };
        let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
            return Ok(Target {
                doc,
                kr: None,
                anchor: None,
            });
        };
        let target = &docs[doc];
        // An anchor as code hosts and browsers write it, percent-encoded
        // (`#%E6%97%A5%E6%9C%AC` for `#日本`), names the heading it encodes.
        let decoded;
        let fragment = if fragment.contains('%')
            && !target.has_anchor(fragment)
            && !target.body_ids.iter().any(|id| id == fragment)
        {
            decoded = percent_decode(fragment);
            &*decoded
        } else {
            fragment
        };
        // `#kr1`, or the anchor its row has on the page (`#kr-kr1`), as a link copied from
        // a browser names it.
        let kr = (target.key_result(fragment))
            .or_else(|| target.key_result(fragment.strip_prefix("kr-")?));
        if let Some(kr) = kr {
            return Ok(Target {
                doc,
                kr: Some(kr),
                anchor: None,
            });
        }
        if target.has_anchor(fragment) {
            return Ok(Target {
                doc,
                kr: None,
                anchor: Some(fragment.to_string()),
            });
        }
        // A footnote or an element of the page's raw HTML.
        if target.body_ids.iter().any(|id| id == fragment) {
            return Ok(Target {
                doc,
                kr: None,
                anchor: Some(fragment.to_string()),
            });
        }
        if target.fragment_is_itself(fragment) {
            return Ok(Target {
                doc,
                kr: None,
                anchor: None,
            });
        }
        // A heading named like an element the page holds itself is numbered past it, and
        // a link to it by its name follows it there: a template that comes to write such
        // an id moves the heading's anchor, and the links written to it stay good.
        let numbered = format!("{fragment}-1");
        let held = crate::load::Anchors::held(&target.key_results, &target.page_ids, fragment);
        if held && target.has_anchor(&numbered) {
            return Ok(Target {
                doc,
                kr: None,
                anchor: Some(numbered),
            });
        }
        // The key results it has, which a `drives` or a link most likely meant.
        let krs: Vec<String> = target
            .key_results
            .iter()
            .take(8)
            .map(|kr| format!("`#{}`", kr.id))
            .collect();
        let has = match krs.len() {
            0 => String::new(),
            n if n < target.key_results.len() => {
                format!(" (its key results: {}, …)", krs.join(", "))
            }
            _ => format!(" (its key results: {})", krs.join(", ")),
        };
        Err(format!(
            "`{text}`: `#{fragment}` is neither a key result nor a heading of `{}`{has}",
            target.path_id
        ))
    }

    fn lookup(&self, source: &Path, path: &str) -> Option<usize> {
        lookup_in(&self.keys, source, path).or_else(|| {
            let written = source.to_str().unwrap_or_default();
            let plain = path.is_ascii() && written.is_ascii();
            (!plain && !self.composed.is_empty()).then(|| {
                let source = composed(written);
                lookup_in(&self.composed, Path::new(&source), &composed(path))
            })?
        })
    }

    /// The document `path` names when case is not minded: a reference written in
    /// another case than its name (references mind case, as ids and file names do).
    fn in_other_case(&self, source: &Path, path: &str) -> Option<usize> {
        let lowercase = self.lowercase.get_or_init(|| {
            let mut lowercase: HashMap<String, usize> = HashMap::new();
            for (key, &doc) in &self.keys {
                // The first document, as the keys are not in order.
                let first = lowercase.entry(key.to_lowercase()).or_insert(doc);
                *first = (*first).min(doc);
            }
            lowercase
        });
        let source = source.to_str()?.to_lowercase();
        lookup_in(lowercase, Path::new(&source), &path.to_lowercase())
    }

    fn effective_status(&self, docs: &[Document], i: usize, doc: &Document) -> Option<String> {
        if doc.kind == Kind::Decision && self.superseders(docs, i).next().is_some() {
            return Some("superseded".to_string());
        }
        // A release without a status has not shipped: it is planned, on every view.
        if doc.kind == Kind::Release && doc.status.is_none() {
            return Some("planned".to_string());
        }
        doc.status.clone()
    }

    /// The decisions that supersede document `i`, accepted ones (or accepted once, see
    /// [`crate::model::ever_accepted`]): what makes it `superseded`.
    pub fn superseders<'g>(
        &'g self,
        docs: &'g [Document],
        i: usize,
    ) -> impl Iterator<Item = usize> + 'g {
        self.into(i, RelKind::Supersedes)
            .filter(|edge| crate::model::ever_accepted(docs[edge.from].status.as_deref()))
            .map(|edge| edge.from)
    }

    /// The chains from a document up to the strategy it serves:
    /// initiative → key result → objective → … → strategy.
    pub fn why(&self, docs: &[Document], start: usize) -> Vec<Vec<Node>> {
        let mut chains = Vec::new();
        let mut path = vec![Node {
            doc: start,
            kr: None,
        }];
        self.walk_up(docs, &mut path, &mut chains);
        chains
            .into_iter()
            .map(|mut chain: Vec<Node>| {
                chain.remove(0);
                chain
            })
            .filter(|chain| !chain.is_empty())
            .collect()
    }

    fn walk_up(&self, docs: &[Document], path: &mut Vec<Node>, chains: &mut Vec<Vec<Node>>) {
        if chains.len() >= MAX_CHAINS {
            return;
        }
        let Some(&here) = path.last() else { return };
        let next = self.up(docs, here);
        if next.is_empty() || path.len() > MAX_CHAIN {
            chains.push(path.clone());
            return;
        }
        for node in next {
            if path.contains(&node) {
                chains.push(path.clone());
                continue;
            }
            path.push(node);
            self.walk_up(docs, path, chains);
            path.pop();
        }
    }

    /// One step up the why chain.
    fn up(&self, docs: &[Document], node: Node) -> Vec<Node> {
        if node.kr.is_some() {
            return vec![Node {
                doc: node.doc,
                kr: None,
            }];
        }
        let kind = match docs[node.doc].kind {
            Kind::Initiative => RelKind::Drives,
            Kind::Objective | Kind::Strategy => RelKind::Parent,
            Kind::Decision => RelKind::Justifies,
            Kind::Change => RelKind::Implements,
            Kind::Release | Kind::Page => return Vec::new(),
        };
        self.outgoing[node.doc]
            .iter()
            .map(|&e| &self.edges[e])
            .filter(|e| e.kind == kind)
            .map(|e| Node {
                doc: e.to.doc,
                kr: e.to.kr,
            })
            .collect()
    }

    /// The groups of documents that reach each other along `kind` (a strongly connected
    /// component of more than one document, or a document that names itself), each with
    /// its shortest cycle from its first document. Tarjan's algorithm without recursion,
    /// linear in the edges, so that relations written every which way (each decision
    /// superseding the two before it) cost no more than a chain.
    pub fn cycles(&self, kind: RelKind) -> Cycles {
        self.cycles_among(kind, |_| true)
    }

    /// [`Graph::cycles`] among the documents `keep` keeps only (those a site shows): a
    /// cycle through any other is none here.
    pub fn cycles_among(&self, kind: RelKind, keep: impl Fn(usize) -> bool) -> Cycles {
        const UNSEEN: usize = usize::MAX;
        let n = self.outgoing.len();
        // The relation's targets of each document, side by side: `targets[starts[v]..starts[v + 1]]`.
        let mut starts = Vec::with_capacity(n + 1);
        let mut targets = Vec::new();
        for v in 0..n {
            starts.push(targets.len());
            if keep(v) {
                targets.extend(self.out_of(v, kind).map(|e| e.to.doc).filter(|&w| keep(w)));
            }
        }
        starts.push(targets.len());
        let next = |v: usize| &targets[starts[v]..starts[v + 1]];

        let mut index = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut group = vec![UNSEEN; n];
        let mut stack = Vec::new();
        let mut counter = 0;
        let mut found: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        for root in 0..n {
            if index[root] != UNSEEN || next(root).is_empty() {
                continue;
            }
            index[root] = counter;
            low[root] = counter;
            counter += 1;
            stack.push(root);
            // Each frame: a document and how many of its targets were taken.
            let mut frames = vec![(root, 0)];
            while let Some(frame) = frames.last_mut() {
                let (v, taken) = *frame;
                if let Some(&w) = next(v).get(taken) {
                    frame.1 += 1;
                    if index[w] == UNSEEN {
                        index[w] = counter;
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        frames.push((w, 0));
                    } else if group[w] == UNSEEN {
                        // Still on the stack: part of the group being found.
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                frames.pop();
                if let Some(&(u, _)) = frames.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut members = Vec::new();
                    while let Some(w) = stack.pop() {
                        group[w] = v;
                        members.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if members.len() > 1 || next(v).contains(&v) {
                        let first = members.iter().copied().min().unwrap_or(v);
                        let cycle = shortest_cycle(first, |u| next(u), |u| group[u] == v);
                        found.push((cycle, members));
                    }
                }
            }
        }
        found.sort_unstable();
        let mut cycles = Cycles {
            cycles: Vec::with_capacity(found.len()),
            group: vec![None; n],
        };
        for (g, (cycle, members)) in found.into_iter().enumerate() {
            for member in members {
                cycles.group[member] = Some(g);
            }
            cycles.cycles.push(cycle);
        }
        cycles
    }

    /// Whether `doc` is in no release at all: unreleased work. One in a release a site
    /// hides is not (it has shipped, or will, with that release).
    pub fn in_no_release(&self, doc: usize) -> bool {
        self.out_of(doc, RelKind::Release).next().is_none()
    }

    /// Edges leaving a document of one kind.
    pub fn out_of(&self, doc: usize, kind: RelKind) -> impl Iterator<Item = &Edge> {
        self.outgoing[doc]
            .iter()
            .map(|&e| &self.edges[e])
            .filter(move |e| e.kind == kind)
    }

    /// What moves objective `i`'s key results: the initiatives that drive it (a key
    /// result, or the whole objective without one), and the objectives a key result of it
    /// is cascaded to (`parent = "O-1#kr2"`), which carry that key result. Cancelled
    /// ones are among them; each caller leaves them out.
    pub fn movers<'g>(&'g self, docs: &'g [Document], i: usize) -> impl Iterator<Item = &'g Edge> {
        let cascaded = self
            .into(i, RelKind::Parent)
            .filter(|e| docs[e.from].kind == Kind::Objective && e.to.kr.is_some());
        self.into(i, RelKind::Drives).chain(cascaded)
    }

    /// Edges arriving at a document of one kind.
    pub fn into(&self, doc: usize, kind: RelKind) -> impl Iterator<Item = &Edge> {
        self.incoming[doc]
            .iter()
            .map(|&e| &self.edges[e])
            .filter(move |e| e.kind == kind)
    }
}

/// The edges into each of `count` documents, in the order of `edges`: each list made at
/// its full length at once, instead of growing one edge at a time in lists spread over
/// the heap.
fn incoming(count: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    let mut lengths = vec![0usize; count];
    for edge in edges {
        lengths[edge.to.doc] += 1;
    }
    let mut incoming: Vec<Vec<usize>> = lengths.into_iter().map(Vec::with_capacity).collect();
    for (e, edge) in edges.iter().enumerate() {
        incoming[edge.to.doc].push(e);
    }
    incoming
}

/// [`Graph::lookup`] in `keys`: the index, or the names of documents that could not be
/// read.
fn lookup_in<S: std::hash::BuildHasher>(
    keys: &HashMap<String, usize, S>,
    source: &Path,
    path: &str,
) -> Option<usize> {
    if let Some(&doc) = keys.get(path) {
        return Some(doc);
    }
    let decoded = percent_decode(path);
    let bare = decoded.strip_suffix(".md").unwrap_or(&decoded);
    if let Some(&doc) = keys.get(bare) {
        return Some(doc);
    }
    if let Some(n) = adr_number(bare)
        && let Some(&doc) = citations(n).iter().rev().find_map(|key| keys.get(key))
    {
        return Some(doc);
    }
    // From the project's root (`/content/pages/a.md`), as code hosts read it, or from
    // `content/` (`/pages/a.md`), as the site's own paths go; `..` at the root stays
    // there, as a browser reads it (`/../pages/a.md`).
    if decoded.starts_with('/') {
        let rooted = crate::load::site_root_path(&decoded)?;
        let id = crate::load::path_id(&normalise(Path::new(rooted.as_ref()))?);
        return keys.get(&id).copied();
    }
    let joined = normalise(&source.parent().unwrap_or(Path::new("")).join(&*decoded))?;
    let id = crate::load::path_id(&joined);
    keys.get(&id).copied()
}

/// Which kinds a relation field of a document of kind `from` may point at.
fn check_kind(
    docs: &[Document],
    from: Kind,
    reference: &RefText,
    target: &Target,
) -> Result<(), String> {
    use Kind::*;
    let to = &docs[target.doc];
    let is_kr = target.kr.is_some();
    let ok = match reference.kind {
        RelKind::Drives => to.kind == Objective,
        // A strategy's parent is the strategy it refines; an objective's, what it serves.
        RelKind::Parent if from == Strategy => to.kind == Strategy && !is_kr,
        RelKind::Parent => {
            matches!(to.kind, Strategy | Objective) && (!is_kr || to.kind == Objective)
        }
        RelKind::DependsOn | RelKind::Implements => to.kind == Initiative && !is_kr,
        RelKind::Release => to.kind == Release,
        RelKind::Supersedes | RelKind::Amends | RelKind::Extends => to.kind == Decision,
        RelKind::Justifies => matches!(to.kind, Initiative | Objective | Strategy),
        RelKind::RelatesTo | RelKind::Mentions => true,
    };
    if ok {
        return Ok(());
    }
    let wanted = match reference.kind {
        RelKind::Drives => "an objective or key result",
        RelKind::Parent if from == Strategy => "another strategy",
        RelKind::Parent => "a strategy, objective or key result",
        RelKind::DependsOn | RelKind::Implements => "an initiative",
        RelKind::Release => "a release",
        RelKind::Justifies => "an initiative, objective or strategy",
        _ => "a decision",
    };
    let kind = to.kind.as_str();
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Err(format!(
        "`{}` must name {wanted}, but `{}` is {article} {kind}",
        reference.kind.field(),
        reference.text,
    ))
}

/// The names decision `n` is cited by when it has no id of its own: `ADR-0007`, then
/// `ADR-7`.
fn citations(n: u32) -> [String; 2] {
    [format!("ADR-{n:04}"), format!("ADR-{n}")]
}

/// The number in a record's name as prose writes it: `ADR 7`, `adr_0007`, `ADR-12`.
fn adr_number(text: &str) -> Option<u32> {
    let prefix = text.get(..3)?;
    if !prefix.eq_ignore_ascii_case("adr") {
        return None;
    }
    text[3..].trim_start_matches([' ', '_', '-']).parse().ok()
}

fn ref_problem(doc: &Document, dir: &Path, reference: &RefText, message: String) -> Diagnostic {
    let location = Location::new(dir.join(&doc.source), reference.line, reference.col);
    let message = match reference.kind {
        RelKind::Mentions => format!("broken link: {message}"),
        // Written on this record as the other end's relation (`superseded by ADR-0099` in
        // its status), not as a field of its own.
        kind if reference.inverse => format!("{}: {message}", kind.reverse().replace('_', " ")),
        kind => format!("field `{}`: {message}", kind.field()),
    };
    // Other tools' records keep their history as written: a dangling link there is a warning.
    if doc.imported {
        Diagnostic::warning(location, message)
    } else {
        Diagnostic::error(location, message).with_rule("broken-reference")
    }
}

fn duplicate(
    docs: &[Document],
    dir: &Path,
    first: usize,
    second: usize,
    key: &str,
    what: &str,
) -> Diagnostic {
    let message = format!(
        "duplicate {what} `{key}`: also used by {}",
        dir.join(&docs[first].source).display()
    );
    clash(docs, dir, first, second, key, message)
}

/// The folder of a document's path id (`decisions/madr` of `decisions/madr/0007-x`).
fn folder(doc: &Document) -> Option<&Path> {
    Path::new(&doc.path_id).parent()
}

/// A `duplicate-number` warning: decision `second` has the number of decision `first`,
/// whose cited name (`ADR-0007`) links to it alone.
fn same_number(docs: &[Document], dir: &Path, first: usize, second: usize, n: u32) -> Diagnostic {
    let (a, b) = (&docs[first], &docs[second]);
    // Two folders of records, each numbered on its own (as when two tools' records are
    // read side by side), keep their numbers: the other is cited by its path id.
    let advice = if folder(a) == folder(b) {
        "give this one the next free number".to_string()
    } else {
        format!(
            "records of two folders are numbered apart, so cite this one by its path id, `{}`, or give it the next free number",
            b.path_id
        )
    };
    let message = format!(
        "records `{}` and `{}` are both decision {n}: `ADR-{n:04}` and `ADR-{n}` lead to the first; {advice}",
        a.path_id, b.path_id
    );
    number_clash(docs, dir, first, second, message)
}

fn number_clash(
    docs: &[Document],
    dir: &Path,
    first: usize,
    second: usize,
    message: String,
) -> Diagnostic {
    let (a, b) = (&docs[first], &docs[second]);
    let line = |doc: &Document| doc.field_line("number");
    Diagnostic::warning(Location::new(dir.join(&b.source), line(b), 1), message)
        .with_rule("duplicate-number")
        .with_related(
            Location::new(dir.join(&a.source), line(a), 1),
            "numbered here first",
        )
}

/// The `duplicate-number` warnings of records numbered in two folders each on its own
/// (`(first, second, number)`, the first of each number holding its cited name): one for
/// each two folders, at the lowest number they share, rather than one for every number
/// (two tools' records read side by side share most of theirs).
fn numbered_apart(
    docs: &[Document],
    dir: &Path,
    clashes: &[(usize, usize, u32)],
) -> Vec<Diagnostic> {
    let folders =
        |&(first, second, _): &(usize, usize, u32)| (folder(&docs[first]), folder(&docs[second]));
    let mut sorted = clashes.to_vec();
    sorted.sort_by(|a, b| (folders(a), a.2).cmp(&(folders(b), b.2)));
    sorted
        .chunk_by(|a, b| folders(a) == folders(b))
        .flat_map(|list| {
            let mut numbers: Vec<u32> = list.iter().map(|&(_, _, n)| n).collect();
            numbers.dedup();
            if numbers.len() == 1 {
                let one = |&(first, second, n): &(usize, usize, u32)| {
                    same_number(docs, dir, first, second, n)
                };
                return list.iter().map(one).collect();
            }
            // Two records of one number in the second folder clash there too, as
            // records of one folder do.
            let within = list.windows(2).filter(|pair| pair[0].2 == pair[1].2);
            let within: Vec<Diagnostic> = within
                .map(|pair| {
                    let ((_, a, n), (_, b, _)) = (pair[0], pair[1]);
                    let message = format!(
                        "records `{}` and `{}` of one folder are both decision {n}; give this one the next free number",
                        docs[a].path_id, docs[b].path_id
                    );
                    number_clash(docs, dir, a, b, message)
                })
                .collect();
            let (first, second, n) = list[0];
            let show = |doc: usize| {
                folder(&docs[doc]).map_or(String::new(), |f| f.display().to_string())
            };
            let message = format!(
                "the records of `{}` and `{}` share {} numbers ({}): `ADR-{n:04}`, `ADR-{n}` and the like lead to the records of `{}`; the two folders are numbered apart, so cite the records of `{}` by their path ids (`{}`), or renumber them",
                show(second),
                show(first),
                numbers.len(),
                number_ranges(&numbers),
                show(first),
                show(second),
                docs[second].path_id,
            );
            let mut found = vec![number_clash(docs, dir, first, second, message)];
            found.extend(within);
            found
        })
        .collect()
}

/// Sorted numbers, each once, as runs: `1–3, 7, 9–10`.
fn number_ranges(numbers: &[u32]) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &n in numbers {
        match runs.last_mut() {
            Some((_, end)) if n == *end + 1 => *end = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` with its characters composed (NFC): `e` and a combining acute accent as `é`.
fn composed(text: &str) -> String {
    crate::load::composed(text).into_owned()
}

/// A `case-clash` warning: the path ids of `first` and `second` differ only in case.
fn case_clash(docs: &[Document], dir: &Path, first: usize, second: usize) -> Diagnostic {
    let (a, b) = (&docs[first], &docs[second]);
    let message = if a.path_id.to_lowercase() == b.path_id.to_lowercase() {
        format!(
            "the pages of {} and {} differ only in case: where file names ignore case (macOS, Windows, some hosts) one replaces the other; rename one",
            b.path_id, a.path_id
        )
    } else {
        format!(
            "the pages of {} and {} differ only in how their accents are written (one letter, or a letter and a combining accent): where file names ignore that (macOS) one replaces the other; rename one",
            b.path_id, a.path_id
        )
    };
    Diagnostic::warning(Location::new(dir.join(&b.source), b.top_line(), 1), message)
        .with_rule("case-clash")
        .with_related(
            Location::new(dir.join(&a.source), a.top_line(), 1),
            "the other",
        )
}

/// A `duplicate-id` error: document `second` answers to `key`, which document `first`
/// took already; each is placed at its `id` field when that is the name they share.
fn clash(
    docs: &[Document],
    dir: &Path,
    first: usize,
    second: usize,
    key: &str,
    message: String,
) -> Diagnostic {
    let line = |doc: &Document| {
        if doc.id.as_deref() == Some(key) {
            doc.field_line("id")
        } else {
            doc.top_line()
        }
    };
    let (a, b) = (&docs[first], &docs[second]);
    Diagnostic::error(Location::new(dir.join(&b.source), line(b), 1), message)
        .with_rule("duplicate-id")
        .with_related(
            Location::new(dir.join(&a.source), line(a), 1),
            "first used here",
        )
}

/// Resolves `.` and `..` without touching the disk; `None` when it climbs out of the project.
pub fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

pub fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('%') {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// The shortest cycle from `first` back to itself through documents `inside` holds, by
/// breadth-first search; `first` must lie on one.
fn shortest_cycle<'a>(
    first: usize,
    next: impl Fn(usize) -> &'a [usize],
    inside: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let mut came_from: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([first]);
    while let Some(u) = queue.pop_front() {
        for &w in next(u) {
            if w == first {
                // Back from `u` to `first`, which no document was reached from.
                let mut cycle = vec![u];
                while let Some(&before) = came_from.get(&cycle[cycle.len() - 1]) {
                    cycle.push(before);
                }
                cycle.reverse();
                return cycle;
            }
            if inside(w) && !came_from.contains_key(&w) {
                came_from.insert(w, u);
                queue.push_back(w);
            }
        }
    }
    vec![first]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, kind: Kind, id: Option<&str>) -> Document {
        Document {
            source: PathBuf::from(format!("content/{path}.md")),
            path_id: path.to_string(),
            id: id.map(String::from),
            kind,
            title: path.to_string(),
            ..Document::default()
        }
    }

    fn reference(kind: RelKind, text: &str) -> RefText {
        RefText {
            kind,
            text: text.into(),
            label: None,
            line: 3,
            col: 1,
            inverse: false,
            audiences: Vec::new(),
            defined_at: None,
            phrase: None,
        }
    }

    /// Decisions `d0`, `d1`, … where `d{i}` supersedes each `d{j}` of `edges[i]`.
    fn superseding(edges: &[&[usize]]) -> Graph {
        let mut docs: Vec<Document> = (0..edges.len())
            .map(|i| doc(&format!("decisions/d{i}"), Kind::Decision, None))
            .collect();
        for (i, targets) in edges.iter().enumerate() {
            for j in targets.iter() {
                let text = format!("decisions/d{j}");
                docs[i].refs.push(reference(RelKind::Supersedes, &text));
            }
        }
        let (graph, diags) = Graph::build(&docs, Path::new("p"));
        assert!(diags.is_empty(), "{diags:?}");
        graph
    }

    /// A document's body links made again in place, one edit after another, give the
    /// graph made from scratch: every edge in its place, with its position and audiences,
    /// the edge lists, the body links' map, and what is wrong with the document's links.
    #[test]
    fn body_links_made_again_in_place_are_those_made_from_scratch() {
        let at = |mut r: RefText, line: usize| {
            r.line = line;
            r
        };
        let mention = |text: &str, line: usize| at(reference(RelKind::Mentions, text), line);
        let inverse = |text: &str, line: usize| RefText {
            inverse: true,
            ..at(reference(RelKind::Supersedes, text), line)
        };
        let in_block = |text: &str, line: usize| RefText {
            audiences: vec![vec!["team".to_string()]],
            ..mention(text, line)
        };
        let mut docs: Vec<Document> = (0..6)
            .map(|i| doc(&format!("decisions/d{i}"), Kind::Decision, None))
            .collect();
        docs[0].refs = vec![mention("decisions/d1", 4)];
        // A relation written in a block, which the other end's reference, outside any,
        // takes over.
        let in_block_relation = RefText {
            audiences: vec![vec!["team".to_string()]],
            ..at(reference(RelKind::Supersedes, "decisions/d2"), 2)
        };
        docs[1].refs = vec![in_block_relation.clone(), mention("decisions/d9", 5)];
        docs[2].refs = vec![
            mention("decisions/d0", 6),
            inverse("decisions/d3", 7),
            inverse("decisions/d1", 8),
        ];
        docs[3].refs = vec![
            in_block("decisions/d2", 8),
            mention("decisions/d2", 9),
            in_block("decisions/d4", 10),
        ];
        docs[4].refs = vec![mention("decisions/d3", 11), in_block("decisions/d3", 12)];
        let dir = Path::new("p");
        let (mut graph, _) = Graph::build(&docs, dir);
        let edits: Vec<(usize, Vec<RefText>)> = vec![
            // More links, one of them to itself and one twice, around a relation.
            (
                2,
                vec![
                    mention("decisions/d5", 3),
                    inverse("decisions/d3", 7),
                    inverse("decisions/d1", 8),
                    mention("decisions/d1", 8),
                    mention("decisions/d5", 9),
                    mention("decisions/d2", 10),
                ],
            ),
            // Fewer: the first document's only link gone.
            (0, vec![]),
            // A link before the relation, and the link to nothing kept.
            (
                1,
                vec![
                    mention("decisions/d4", 1),
                    in_block_relation,
                    mention("decisions/d9", 5),
                ],
            ),
            // The link inside a block first, then outside it; then the other way round.
            (
                3,
                vec![
                    mention("decisions/d2", 8),
                    in_block("decisions/d2", 9),
                    mention("decisions/d4", 10),
                ],
            ),
            (
                5,
                vec![in_block("decisions/d0", 2), mention("decisions/d0", 3)],
            ),
            (
                2,
                vec![inverse("decisions/d3", 7), inverse("decisions/d1", 8)],
            ),
        ];
        for (doc, refs) in edits {
            docs[doc].refs = refs;
            let generation = graph.generation;
            let found = graph
                .relink(&docs, dir, doc)
                .expect("made for these documents");
            let (scratch, expected) = Graph::build(&docs, dir);
            assert_eq!(graph.edges, scratch.edges, "after editing d{doc}");
            assert_eq!(graph.outgoing, scratch.outgoing, "after editing d{doc}");
            assert_eq!(graph.incoming, scratch.incoming, "after editing d{doc}");
            assert_eq!(graph.links, scratch.links, "after editing d{doc}");
            assert_eq!(graph.created, scratch.created, "after editing d{doc}");
            assert_ne!(graph.generation, generation);
            let source = &docs[doc].source;
            let own: Vec<String> = (expected.iter())
                .filter(|d| d.location.path == dir.join(source))
                .map(|d| d.message.clone())
                .collect();
            let found: Vec<String> = found.iter().map(|d| d.message.clone()).collect();
            assert_eq!(found, own, "after editing d{doc}");
        }
        assert_eq!(graph.relink(&docs[..5], dir, 1).map(|_| ()), None);
    }

    #[test]
    fn a_record_named_as_prose_names_it_is_found() {
        let mut numbered = doc("decisions/0007-golf", Kind::Decision, None);
        numbered.number = Some(7);
        let with_id = doc("decisions/0012-lima", Kind::Decision, Some("ADR-0012"));
        let mut citing = doc("decisions/0013-mike", Kind::Decision, None);
        for text in ["ADR 7", "adr_0007", "ADR 12", "ADR-12", "ADR 99"] {
            citing.refs.push(reference(RelKind::Supersedes, text));
        }
        let docs = [numbered, with_id, citing];
        let (graph, diags) = Graph::build(&docs, Path::new("p"));
        let targets: Vec<usize> = graph
            .out_of(2, RelKind::Supersedes)
            .map(|e| e.to.doc)
            .collect();
        assert_eq!(targets, [0, 1]);
        // `ADR 99` names nothing, and says so.
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.contains("`ADR 99` names no document"),
            "{diags:?}"
        );
    }

    #[test]
    fn cycles_are_found_once_each_shortest_from_their_first_document() {
        let cycles = |edges: &[&[usize]]| superseding(edges).cycles(RelKind::Supersedes).cycles;
        assert_eq!(cycles(&[&[0]]), [vec![0]]);
        assert_eq!(cycles(&[&[1], &[0], &[0]]), [vec![0, 1]]);
        // 0 → 1 → 2 → 0 and the shorter 0 → 2 → 0.
        assert_eq!(cycles(&[&[1, 2], &[2], &[0]]), [vec![0, 2]]);
        assert_eq!(
            cycles(&[&[], &[2], &[3], &[1], &[4], &[4]]),
            [vec![1, 2, 3], vec![4]]
        );
        assert!(
            superseding(&[&[1], &[0]])
                .cycles(RelKind::DependsOn)
                .cycles
                .is_empty()
        );
        // 1 → 2 → 3 → 1 holds 1, 2 and 3, though 4 leads into it.
        let found = superseding(&[&[], &[2], &[3], &[1], &[1]]).cycles(RelKind::Supersedes);
        assert_eq!(found.group, [None, Some(0), Some(0), Some(0), None]);
        assert!(found.together(1, 3) && !found.together(4, 1) && !found.together(0, 0));
    }

    #[test]
    fn cycles_cost_no_more_than_the_edges_however_they_are_written() {
        // Each decision supersedes the two before it: 2^n paths, no cycle.
        let edges: Vec<Vec<usize>> = (0..2000).map(|i| (i.max(2) - 2..i).collect()).collect();
        let edges: Vec<&[usize]> = edges.iter().map(Vec::as_slice).collect();
        assert!(
            superseding(&edges)
                .cycles(RelKind::Supersedes)
                .cycles
                .is_empty()
        );
        // The same with the first superseding the last: one cycle through all of them.
        let mut looped: Vec<Vec<usize>> = edges.iter().map(|e| e.to_vec()).collect();
        looped[0].push(1999);
        let looped: Vec<&[usize]> = looped.iter().map(Vec::as_slice).collect();
        let found = superseding(&looped).cycles(RelKind::Supersedes);
        let cycles = found.cycles;
        assert_eq!(cycles.len(), 1);
        assert!(found.group.iter().all(|g| *g == Some(0)));
        assert_eq!(cycles[0][..2], [0, 1999]);
    }

    #[test]
    fn resolves_every_reference_form() {
        let mut docs = vec![
            doc("decisions/0001-a", Kind::Decision, Some("ADR-1")),
            doc("initiatives/b", Kind::Initiative, None),
        ];
        docs[1]
            .refs
            .push(reference(RelKind::Mentions, "../decisions/0001-a.md"));
        docs[1].refs.push(reference(RelKind::Mentions, "ADR-1"));
        docs[1]
            .refs
            .push(reference(RelKind::Mentions, "decisions/0001-a"));
        let (graph, diags) = Graph::build(&docs, Path::new("p"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(graph.links[1].len(), 3);
        assert!(graph.links[1].values().all(|t| t.doc == 0));
        assert_eq!(
            graph.incoming[0].len(),
            1,
            "one backlink despite three links"
        );
    }

    #[test]
    fn a_document_with_many_links_gets_one_edge_per_target_and_kind() {
        // Past `LongLists::FROM` edges the duplicates are found in a map, not by a scan.
        let mut docs: Vec<Document> = (0..100)
            .map(|i| doc(&format!("pages/p{i}"), Kind::Page, None))
            .collect();
        docs.push(doc("initiatives/i", Kind::Initiative, None));
        for round in 0..3 {
            for i in 0..100 {
                let kind = if round == 1 && i % 2 == 0 {
                    RelKind::RelatesTo
                } else {
                    RelKind::Mentions
                };
                docs[100].refs.push(reference(kind, &format!("pages/p{i}")));
            }
        }
        let mut audienced = reference(RelKind::Mentions, "pages/p99");
        audienced.audiences = vec![vec!["exec".to_string()]];
        docs[100].refs.insert(0, audienced);
        let (graph, diags) = Graph::build(&docs, Path::new("p"));
        assert!(diags.is_empty(), "{diags:?}");
        let graph = &graph;
        assert_eq!(graph.outgoing[100].len(), 150);
        for i in 0..100 {
            let kinds: Vec<RelKind> = graph.into(i, RelKind::Mentions).map(|e| e.kind).collect();
            assert_eq!(kinds, [RelKind::Mentions], "p{i}");
            assert_eq!(
                graph.into(i, RelKind::RelatesTo).count(),
                usize::from(i % 2 == 0)
            );
        }
        // The link written outside any block, seen after the map took over, still makes
        // the first edge to p99 visible everywhere.
        let edge = graph.into(99, RelKind::Mentions).next().unwrap();
        assert!(edge.audiences.is_empty());
    }

    #[test]
    fn broken_and_wrong_kind_references_are_errors() {
        let mut docs = vec![
            doc("initiatives/a", Kind::Initiative, None),
            doc("pages/p", Kind::Page, None),
        ];
        docs[0].refs.push(reference(RelKind::Drives, "nope"));
        docs[0].refs.push(reference(RelKind::Drives, "pages/p"));
        let (_, diags) = Graph::build(&docs, Path::new("p"));
        assert_eq!(diags.len(), 2);
        assert!(diags[0].message.contains("`nope` names no document"));
        assert!(diags[1].message.contains("must name an objective"));
        assert_eq!(diags[0].location.line, 3);
    }

    #[test]
    fn a_strategys_parent_is_another_strategy_and_an_objectives_may_be_either() {
        let mut docs = vec![
            doc("objectives/o", Kind::Objective, None),
            doc("strategy/a", Kind::Strategy, None),
            doc("strategy/b", Kind::Strategy, None),
        ];
        docs[1]
            .refs
            .push(reference(RelKind::Parent, "objectives/o"));
        docs[2].refs.push(reference(RelKind::Parent, "strategy/a"));
        docs[0].refs.push(reference(RelKind::Parent, "strategy/b"));
        let (_, diags) = Graph::build(&docs, Path::new("p"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(
            diags[0].location.path,
            PathBuf::from("p/content/strategy/a.md")
        );
        assert!(
            diags[0].message.contains(
                "`parent` must name another strategy, but `objectives/o` is an objective"
            ),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let docs = vec![
            doc("a", Kind::Page, Some("X")),
            doc("b", Kind::Page, Some("X")),
        ];
        let (_, diags) = Graph::build(&docs, Path::new("p"));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("p/content/a.md"));
        assert_eq!(diags[0].location.path, PathBuf::from("p/content/b.md"));
    }

    #[test]
    fn accepted_successor_supersedes() {
        let mut docs = vec![
            doc("d/1", Kind::Decision, None),
            doc("d/2", Kind::Decision, None),
        ];
        docs[0].status = Some("accepted".into());
        docs[1].status = Some("accepted".into());
        docs[1].refs.push(reference(RelKind::Supersedes, "d/1"));
        let (graph, _) = Graph::build(&docs, Path::new("p"));
        assert_eq!(graph.status[0].as_deref(), Some("superseded"));
        assert_eq!(graph.status[1].as_deref(), Some("accepted"));
    }

    #[test]
    fn why_chain_climbs_to_strategy() {
        let mut docs = vec![
            doc("s", Kind::Strategy, None),
            doc("o", Kind::Objective, None),
            doc("i", Kind::Initiative, None),
        ];
        docs[1].key_results = vec![crate::model::KeyResult {
            id: "kr1".into(),
            title: "k".into(),
            unit: None,
            direction: None,
            baseline: 0.0,
            target: 1.0,
            current: None,
            confidence: None,
            checkins: vec![],
            line: 0,
            confidence_line: 0,
            current_line: 0,
        }];
        docs[1].refs.push(reference(RelKind::Parent, "s"));
        docs[2].refs.push(reference(RelKind::Drives, "o#kr1"));
        let (graph, diags) = Graph::build(&docs, Path::new("p"));
        assert!(diags.is_empty(), "{diags:?}");
        let chains = graph.why(&docs, 2);
        assert_eq!(
            chains,
            vec![vec![
                Node {
                    doc: 1,
                    kr: Some(0)
                },
                Node { doc: 1, kr: None },
                Node { doc: 0, kr: None }
            ]]
        );
    }
}
