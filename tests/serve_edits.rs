//! `align serve` while the project changes: after every edit the served sites equal a clean
//! `align build` of the same files, a broken edit keeps the last good build, and the event
//! stream says what changed.

mod serve_support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serve_support::{
    CONFIG, Events, INITIATIVE, Project, Server, Update, build, built_files, encode_path, page,
    strip_reload,
};

/// How long the event stream must stay quiet before a rebuild burst counts as finished.
const QUIET: Duration = Duration::from_millis(250);

/// A small deterministic generator (Knuth's MMIX LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

const AUDIENCES: [Option<&str>; 4] = [
    None,
    Some("[\"team\"]"),
    Some("[\"public\"]"),
    Some("[\"team\", \"public\"]"),
];
const BLOCK_AUDIENCES: [&str; 3] = ["team", "public", "team, public"];

/// A generated document: a page (under `pages/` or `notes/`) or an initiative (under
/// `initiatives/` or `roadmap/`), linked to others by its short id so a move keeps links.
#[derive(Clone, Debug)]
struct Doc {
    id: String,
    path: String,
    initiative: bool,
    title: String,
    audience: usize,
    links: Vec<String>,
    block: Option<usize>,
    revision: u32,
    /// Lines of prose written before the links, so prose edits move them.
    padding: usize,
    /// The first link sits inside a team-only block.
    link_in_block: bool,
    /// An index into [`TAGS`], and one into [`STATUSES`] (initiatives only): fields that
    /// decide which list pages show the document.
    tag: Option<usize>,
    status: usize,
}

const TAGS: [&str; 2] = ["alpha", "beta"];
const STATUSES: [&str; 3] = ["planned", "in-progress", "shipped"];

impl Doc {
    fn text(&self) -> String {
        let mut text = format!("+++\ntitle = \"{}\"\nid = \"{}\"\n", self.title, self.id);
        if let Some(audience) = AUDIENCES[self.audience] {
            text.push_str(&format!("audience = {audience}\n"));
        }
        if self.initiative {
            text.push_str("horizon = \"next\"\ndrives = [\"O-1#kr1\"]\n");
            text.push_str(&format!("status = \"{}\"\n", STATUSES[self.status]));
        }
        if let Some(tag) = self.tag {
            text.push_str(&format!("tags = [\"{}\"]\n", TAGS[tag]));
        }
        text.push_str(&format!(
            "+++\nBody of {} at revision {}.\n",
            self.id, self.revision
        ));
        for line in 0..self.padding {
            text.push_str(&format!("More prose, line {line}.\n"));
        }
        for (n, link) in self.links.iter().enumerate() {
            if n == 0 && self.link_in_block {
                text.push_str(&format!(
                    "\n<!-- audience: team -->\nSee [[{link}]] for more.\n<!-- /audience -->\n"
                ));
            } else {
                text.push_str(&format!("\nSee [[{link}]] for more.\n"));
            }
        }
        if let Some(block) = self.block {
            text.push_str(&format!(
                "\n<!-- audience: {} -->\nOnly some readers see this note on {}.\n<!-- /audience -->\n",
                BLOCK_AUDIENCES[block], self.id
            ));
        }
        text
    }
}

/// The generated part of the project, next to the fixed files of [`Project::minimal`].
struct Model {
    docs: BTreeMap<String, Doc>,
    next_id: u32,
    team_title: u32,
    exec_site: bool,
    base_override: Option<u32>,
    card_override: Option<u32>,
    /// A template the theme calls through `partial()`, not `include`.
    items_override: Option<u32>,
    static_files: BTreeSet<String>,
    static_serial: u32,
}

impl Model {
    fn config(&self) -> String {
        let mut text = CONFIG.replace(
            "title = \"Team plan\"",
            &format!("title = \"Team plan {}\"", self.team_title),
        );
        if self.exec_site {
            text.push_str(
                "\n[sites.exec]\ntitle = \"Exec view\"\naudiences = [\"exec\", \"team\"]\nhome = \"roadmap\"\n",
            );
        }
        text
    }

    fn new_doc(&mut self, rng: &mut Lcg) -> Doc {
        self.next_id += 1;
        let n = self.next_id;
        let initiative = rng.below(3) == 0;
        let folder = if initiative {
            rng.pick(&["initiatives", "roadmap"])
        } else {
            rng.pick(&["pages", "notes"])
        };
        let mut links = Vec::new();
        if !self.docs.is_empty() && rng.below(2) == 0 {
            let ids: Vec<&String> = self.docs.keys().collect();
            links.push((*rng.pick(&ids)).clone());
        }
        Doc {
            id: format!("G-{n}"),
            path: format!("content/{folder}/doc-{n}.md"),
            initiative,
            title: format!("Generated {n}"),
            audience: rng.below(AUDIENCES.len()),
            links,
            block: None,
            revision: 0,
            padding: 0,
            link_in_block: false,
            tag: None,
            status: 0,
        }
    }
}

/// How many kinds of edit [`edit`] knows.
const EDIT_KINDS: usize = 16;

/// Applies one edit of the given kind (chosen pseudo-randomly) to the files; returns what
/// it did.
fn edit(project: &Project, model: &mut Model, rng: &mut Lcg, kind: usize) -> String {
    let ids: Vec<String> = model.docs.keys().cloned().collect();
    let any = |rng: &mut Lcg| rng.pick(&ids).clone();
    match kind {
        0 | 1 if !ids.is_empty() => {
            let id = any(rng);
            let doc = model.docs.get_mut(&id).unwrap();
            doc.title = format!("{} (retitled {})", doc.id, rng.below(1000));
            project.save(&doc.path, &doc.text());
            format!("retitle {id}")
        }
        2 if !ids.is_empty() => {
            let id = any(rng);
            let doc = model.docs.remove(&id).unwrap();
            let mut unlinked = Vec::new();
            for other in model.docs.values_mut() {
                if other.links.contains(&id) {
                    other.links.retain(|l| *l != id);
                    project.save(&other.path, &other.text());
                    unlinked.push(other.id.clone());
                }
            }
            project.remove(&doc.path);
            format!("delete {id} ({}), unlinking it from {unlinked:?}", doc.path)
        }
        3 if !ids.is_empty() => {
            let id = any(rng);
            let doc = model.docs.get_mut(&id).unwrap();
            let folders: &[&str] = if doc.initiative {
                &["initiatives", "roadmap"]
            } else {
                &["pages", "notes", "pages/sub"]
            };
            let to = format!(
                "content/{}/moved-{}-{}.md",
                rng.pick(folders),
                doc.id.to_lowercase(),
                rng.below(100)
            );
            let from = std::mem::replace(&mut doc.path, to.clone());
            project.rename(&from, &to);
            format!("move {from} to {to}")
        }
        4 if ids.len() >= 2 => {
            let from = any(rng);
            let to = any(rng);
            if from == to || model.docs[&from].links.contains(&to) {
                return add(project, model, rng);
            }
            let doc = model.docs.get_mut(&from).unwrap();
            doc.links.push(to.clone());
            project.save(&doc.path, &doc.text());
            format!("link {from} -> {to}")
        }
        5 if !ids.is_empty() => {
            let with: Vec<String> = ids
                .iter()
                .filter(|i| !model.docs[*i].links.is_empty())
                .cloned()
                .collect();
            if with.is_empty() {
                return add(project, model, rng);
            }
            let id = rng.pick(&with).clone();
            let doc = model.docs.get_mut(&id).unwrap();
            let gone = doc.links.remove(rng.below(doc.links.len()));
            project.save(&doc.path, &doc.text());
            format!("unlink {id} -> {gone}")
        }
        6 if !ids.is_empty() => {
            let id = any(rng);
            let doc = model.docs.get_mut(&id).unwrap();
            doc.audience = (doc.audience + 1 + rng.below(AUDIENCES.len() - 1)) % AUDIENCES.len();
            project.save(&doc.path, &doc.text());
            format!("audience of {id} to {:?}", AUDIENCES[doc.audience])
        }
        7 if !ids.is_empty() => {
            let id = any(rng);
            let doc = model.docs.get_mut(&id).unwrap();
            doc.block = match doc.block {
                Some(_) => None,
                None => Some(rng.below(BLOCK_AUDIENCES.len())),
            };
            doc.revision += 1;
            project.save(&doc.path, &doc.text());
            format!("audience block of {id}: {:?}", doc.block)
        }
        8 => template_edit(project, model, rng),
        9 => static_edit(project, model, rng),
        10 => {
            if rng.below(3) == 0 {
                model.exec_site = !model.exec_site;
            } else {
                model.team_title += 1;
            }
            project.save("align.toml", &model.config());
            format!(
                "config: team title {}, exec site {}",
                model.team_title, model.exec_site
            )
        }
        11 => {
            let current = rng.below(101);
            let title = format!("Grow the user base {}", rng.below(10));
            let text = serve_support::OBJECTIVE
                .replace("current = 40", &format!("current = {current}"))
                .replace("Grow the user base", &title);
            project.save("content/objectives/o.md", &text);
            format!("objective O-1: `{title}`, key result at {current}")
        }
        12 if !ids.is_empty() => {
            // Prose only, moving the links below it up or down.
            let id = any(rng);
            let doc = model.docs.get_mut(&id).unwrap();
            doc.revision += 1;
            doc.padding = rng.below(4);
            project.save(&doc.path, &doc.text());
            format!(
                "prose of {id}: revision {}, {} lines",
                doc.revision, doc.padding
            )
        }
        13 if !ids.is_empty() => {
            let id = any(rng);
            let doc = model.docs.get_mut(&id).unwrap();
            doc.link_in_block = !doc.link_in_block;
            project.save(&doc.path, &doc.text());
            format!("first link of {id} in a team block: {}", doc.link_in_block)
        }
        14 if !ids.is_empty() => {
            // Fields only: which tag and status lists show the document.
            let id = any(rng);
            let doc = model.docs.get_mut(&id).unwrap();
            doc.tag = match rng.below(TAGS.len() + 1) {
                0 => None,
                n => Some(n - 1),
            };
            doc.status = rng.below(STATUSES.len());
            project.save(&doc.path, &doc.text());
            format!("fields of {id}: tag {:?}, status {}", doc.tag, doc.status)
        }
        _ => add(project, model, rng),
    }
}

fn add(project: &Project, model: &mut Model, rng: &mut Lcg) -> String {
    let doc = model.new_doc(rng);
    project.save(&doc.path, &doc.text());
    let said = format!("add {} at {} linking {:?}", doc.id, doc.path, doc.links);
    model.docs.insert(doc.id.clone(), doc);
    said
}

fn theme_template(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes/default/templates")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn template_edit(project: &Project, model: &mut Model, rng: &mut Lcg) -> String {
    let (name, slot) = match rng.below(3) {
        0 => ("base.html", &mut model.base_override),
        1 => ("_card.html", &mut model.card_override),
        _ => ("_doc_items.html", &mut model.items_override),
    };
    let rel = format!("templates/{name}");
    if slot.is_some() && rng.below(3) == 0 {
        *slot = None;
        project.remove(&rel);
        return format!("remove override {rel}");
    }
    let version = slot.map_or(1, |v| v + 1);
    *slot = Some(version);
    let text = format!(
        "{}<!-- override {name} {version} -->\n",
        theme_template(name)
    );
    project.save(&rel, &text);
    format!("override {rel} version {version}")
}

fn static_edit(project: &Project, model: &mut Model, rng: &mut Lcg) -> String {
    if !model.static_files.is_empty() && rng.below(3) == 0 {
        let files: Vec<String> = model.static_files.iter().cloned().collect();
        let rel = rng.pick(&files).clone();
        model.static_files.remove(&rel);
        project.remove(&rel);
        return format!("remove {rel}");
    }
    model.static_serial += 1;
    let serial = model.static_serial;
    let rel = match rng.below(3) {
        0 => "static/assets/extra.css".to_string(),
        1 => format!("static/files/note-{serial}.txt"),
        _ => format!("static/data-{serial}.json"),
    };
    project.save(&rel, &format!("{{\"static\": {serial}}}\n"));
    model.static_files.insert(rel.clone());
    format!("static file {rel} version {serial}")
}

/// Asserts the server serves what a clean `align build` of the project's files writes.
fn assert_serves_a_clean_build(server: &Server, project: &Project, step: &str) {
    let out = tempfile::tempdir().unwrap();
    build(&project.path(), out.path());
    assert_served_equals(server, &built_files(out.path()), step);
}

/// Asserts every file of a clean build is served with the same bytes (HTML pages without
/// the reload tag).
fn assert_served_equals(server: &Server, built: &BTreeMap<String, Vec<u8>>, step: &str) {
    let mut wrong = Vec::new();
    for (path, bytes) in built {
        let response = server.get(&encode_path(path));
        if response.status != 200 {
            wrong.push(format!("{path}: status {}", response.status));
            continue;
        }
        let body = if path.ends_with(".html") {
            match strip_reload(&response.body) {
                Some(body) => body,
                None => {
                    wrong.push(format!("{path}: no reload tag"));
                    continue;
                }
            }
        } else {
            response.body
        };
        if &body != bytes {
            wrong.push(format!("{path}: {}", first_difference(bytes, &body)));
        }
    }
    assert!(
        wrong.is_empty(),
        "after {step}, the served sites differ from a clean build:\n{}",
        wrong.join("\n")
    );
}

fn first_difference(built: &[u8], served: &[u8]) -> String {
    let at = built
        .iter()
        .zip(served)
        .position(|(a, b)| a != b)
        .unwrap_or(built.len().min(served.len()));
    let show = |bytes: &[u8]| {
        let start = at.saturating_sub(60);
        let end = (at + 60).min(bytes.len());
        String::from_utf8_lossy(&bytes[start.min(end)..end]).into_owned()
    };
    format!(
        "differs at byte {at} (built {} bytes, served {}):\n  built:  {:?}\n  served: {:?}",
        built.len(),
        served.len(),
        show(built),
        show(served)
    )
}

fn changed_between(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> BTreeSet<String> {
    // Removed files are changes too: a page open on one reloads to the 404.
    let removed = before.keys().filter(|path| !after.contains_key(*path));
    after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .chain(removed)
        .cloned()
        .collect()
}

fn settle_without_errors(events: &mut Events, server: &Server, step: &str) -> Vec<Update> {
    let updates = events.settle(QUIET);
    let last = updates.last().unwrap();
    assert!(
        last.errors.is_empty(),
        "after {step} the rebuild failed: {:?}\nstderr:\n{}",
        last.errors,
        server.stderr().join("\n")
    );
    updates
}

#[test]
fn served_sites_equal_a_clean_build_after_every_edit() {
    let seed = std::env::var("SERVE_EDITS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_a119);
    eprintln!("seed {seed} (set SERVE_EDITS_SEED to replay another sequence)");
    let mut rng = Lcg(seed);
    let mut kinds: Vec<usize> = (0..EDIT_KINDS).collect();
    rng.shuffle(&mut kinds);
    kinds.extend((0..16).map(|_| rng.below(EDIT_KINDS)));
    run_sequence(seed, &kinds);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(4),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Any sequence of edits (shrunk to the shortest that fails) leaves the served sites
    /// equal to a clean build after every step.
    #[test]
    fn any_edit_sequence_serves_a_clean_build(
        seed in proptest::prelude::any::<u64>(),
        kinds in proptest::collection::vec(0..EDIT_KINDS, 1..10),
    ) {
        run_sequence(seed, &kinds);
    }
}

/// Applies the edits of `kinds` one by one (their details drawn from `seed`), comparing the
/// served sites with a clean build after each.
fn run_sequence(seed: u64, kinds: &[usize]) {
    let project = Project::minimal();
    let outs = tempfile::tempdir().unwrap();
    let mut rng = Lcg(seed);
    let mut model = Model {
        docs: BTreeMap::new(),
        next_id: 0,
        team_title: 0,
        exec_site: false,
        base_override: None,
        card_override: None,
        items_override: None,
        static_files: BTreeSet::new(),
        static_serial: 0,
    };
    project.write("align.toml", &model.config());
    for _ in 0..3 {
        let doc = model.new_doc(&mut rng);
        project.write(&doc.path, &doc.text());
        model.docs.insert(doc.id.clone(), doc);
    }

    let first_out = outs.path().join("step-0");
    build(&project.path(), &first_out);
    let mut previous = built_files(&first_out);
    let server = Server::start(&project.path(), &[]);
    assert_served_equals(&server, &previous, "the first build");
    let mut events = server.events();
    let mut ever_built: BTreeSet<String> = previous.keys().cloned().collect();
    let mut log = Vec::new();

    for (step, &kind) in kinds.iter().enumerate() {
        let step = step + 1;
        let did = edit(&project, &mut model, &mut rng, kind);
        let label = format!("step {step} ({did})");
        eprintln!("{label}");
        log.push(label.clone());
        let updates = settle_without_errors(&mut events, &server, &label);

        let out = outs.path().join(format!("step-{step}"));
        build(&project.path(), &out);
        let current = built_files(&out);
        assert_served_equals(&server, &current, &log.join("\n"));

        let expected = changed_between(&previous, &current);
        let reported: BTreeSet<String> = updates
            .iter()
            .flat_map(|u| u.changed.iter().cloned())
            .collect();
        let missing: Vec<&String> = expected.difference(&reported).collect();
        assert!(
            missing.is_empty(),
            "after {label}, changed files missing from the update: {missing:?}"
        );
        if updates.len() == 1 {
            assert_eq!(
                reported, expected,
                "after {label}, the update lists too much"
            );
        }

        let gone: Vec<&String> = ever_built
            .iter()
            .filter(|p| !current.contains_key(*p))
            .take(6)
            .collect();
        for path in gone {
            let response = server.get(&encode_path(path));
            assert_eq!(
                response.status, 404,
                "after {label}, {path} is gone from the build but still served"
            );
        }
        ever_built.extend(current.keys().cloned());

        let index = server.get("/").text();
        assert!(
            index.contains(&format!("Team plan {}", model.team_title)),
            "after {label}, / does not show the team site's title"
        );
        assert_eq!(
            index.contains("href=\"/exec/\""),
            model.exec_site,
            "after {label}, / lists the sites wrongly"
        );
        previous = current;
    }
    server.wait_stderr(1, |l| {
        l.starts_with("rebuilt in ")
            && l.contains(" ms after the first file event): ")
            && l.contains(" file(s) changed (")
            && l.ends_with(')')
    });
}

#[test]
fn an_edit_that_fails_to_render_leaves_nothing_of_itself_once_fixed() {
    // A page template that fails for a cancelled document only: loading and the rules
    // pass, the render fails.
    let project = Project::minimal();
    let failing = theme_template("page.html").replacen(
        "{% block content %}",
        "{% block content %}{% if doc.status == \"cancelled\" %}{{ no_such_variable }}{% endif %}",
        1,
    );
    project.write("templates/page.html", &failing);
    // Two pages far from the failing document: one linking to the other.
    project.write("content/pages/q.md", &page("Page Q", "Q body."));
    project.write("content/pages/z.md", &page("Page Z", "See [[pages/q]]."));
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let cancelled = INITIATIVE.replacen("+++\n", "+++\nstatus = \"cancelled\"\n", 1);
    project.save("content/initiatives/a.md", &cancelled);
    let failed = events.settle(QUIET);
    assert!(!failed.last().unwrap().errors.is_empty(), "{failed:?}");
    // Named as `build` names it, in the project's folder as given.
    let place = format!("{}/templates/page.html:", project.path().display());
    assert!(
        failed.last().unwrap().errors[0].starts_with(&place),
        "{failed:?}"
    );
    // While it fails, another document's title and the failing one's prose change.
    project.save("content/pages/q.md", &page("Page Q2", "Q body."));
    let failed = events.settle(QUIET);
    assert!(!failed.last().unwrap().errors.is_empty(), "{failed:?}");
    project.save(
        "content/initiatives/a.md",
        &cancelled.replace("forward", "onward"),
    );
    let failed = events.settle(QUIET);
    assert!(!failed.last().unwrap().errors.is_empty(), "{failed:?}");
    // Fixed: everything served is what a clean build writes.
    project.save(
        "content/initiatives/a.md",
        &INITIATIVE.replace("forward", "onward"),
    );
    settle_without_errors(&mut events, &server, "the fix");
    assert_serves_a_clean_build(&server, &project, "the fix");
}

#[test]
fn a_template_that_comes_to_write_a_heading_s_id_numbers_the_heading_past_it() {
    let project = Project::minimal();
    project.write(
        "content/pages/q.md",
        &page("Page Q", "## Team notes\n\nOurs.\n\n[ours](#team-notes)"),
    );
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let before = server.get("/team/pages/q.html").text();
    assert!(before.contains("<h2 id=\"team-notes\">"), "{before}");
    // The page template comes to write that id itself: the heading steps past it, and
    // the document, unchanged on disk, is not served as read beside the old template.
    let aside = theme_template("page.html").replacen(
        "</article>",
        "<aside id=\"team-notes\">Ask the team.</aside></article>",
        1,
    );
    project.save("templates/page.html", &aside);
    settle_without_errors(&mut events, &server, "the template's id");
    let after = server.get("/team/pages/q.html").text();
    assert!(after.contains("<h2 id=\"team-notes-1\">"), "{after}");
    assert_eq!(after.matches("id=\"team-notes\"").count(), 1, "{after}");
    assert_serves_a_clean_build(&server, &project, "the template's id");
    // Gone again: the heading has its own anchor back.
    project.remove("templates/page.html");
    settle_without_errors(&mut events, &server, "the template removed");
    let again = server.get("/team/pages/q.html").text();
    assert!(again.contains("<h2 id=\"team-notes\">"), "{again}");
    assert!(!again.contains("team-notes-1"), "{again}");
}

#[test]
fn a_linked_file_that_comes_turns_its_text_into_a_link() {
    let project = Project::minimal();
    project.write(
        "content/pages/q.md",
        &page("Page Q", "See [the calendar](calendar.txt)."),
    );
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let before = server.get("/team/pages/q.html").text();
    assert!(before.contains("See the calendar."), "{before}");
    project.save("content/pages/calendar.txt", "Q1: planning week\n");
    settle_without_errors(&mut events, &server, "the file added");
    let after = server.get("/team/pages/q.html").text();
    assert!(
        after.contains("<a href=\"calendar.txt\">the calendar</a>"),
        "{after}"
    );
    assert_eq!(server.get("/team/pages/calendar.txt").status, 200);
    assert_serves_a_clean_build(&server, &project, "the file added");
    // Gone again: text again.
    project.remove("content/pages/calendar.txt");
    settle_without_errors(&mut events, &server, "the file removed");
    let again = server.get("/team/pages/q.html").text();
    assert!(again.contains("See the calendar."), "{again}");
    // And no longer published: a file deleted, perhaps for what it showed, is gone.
    assert_eq!(server.get("/team/pages/calendar.txt").status, 404);
    // A prose edit, which takes the fast path that keeps the document's other facts, and
    // a title edit keep it text.
    for (title, how) in [("Page Q", "(prose edit)"), ("Page Q2", "(changed pages)")] {
        project.save(
            "content/pages/q.md",
            &page(title, "Reworded. See [the calendar](calendar.txt)."),
        );
        settle_without_errors(&mut events, &server, "an edit");
        server.wait_stderr(1, |l| l.ends_with(how));
        let edited = server.get("/team/pages/q.html").text();
        assert!(edited.contains("Reworded. See the calendar."), "{edited}");
        assert_serves_a_clean_build(&server, &project, title);
        assert_eq!(server.get("/team/pages/calendar.txt").status, 404);
    }
}

#[test]
fn a_project_named_through_its_content_folder_rebuilds_on_config_and_theme_edits() {
    let project = Project::minimal();
    let through = project.path().join("content/..");
    let server = Server::start(&through, &[]);
    let mut events = server.events();
    project.save("static/notes.txt", "served\n");
    settle_without_errors(&mut events, &server, "a static file added");
    assert_eq!(server.get("/team/notes.txt").text(), "served\n");
    assert_serves_a_clean_build(&server, &project, "a static file added");
    project.save(
        "templates/404.html",
        "<!DOCTYPE html><html><head><title>Lost</title></head><body>Nothing here.</body></html>\n",
    );
    settle_without_errors(&mut events, &server, "a template added");
    assert!(
        server
            .get("/team/404.html")
            .text()
            .contains("Nothing here.")
    );
    let config = project.read("align.toml");
    project.save(
        "align.toml",
        &config.replace("audiences = [\"team\"]", "audiences = [\"team\", \"exec\"]"),
    );
    settle_without_errors(&mut events, &server, "align.toml edited");
    assert_serves_a_clean_build(&server, &project, "align.toml edited");
}

#[test]
fn a_static_file_added_where_a_site_writes_is_left_out_as_a_build_leaves_it() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    project.save("static/index.html/a.txt", "under the home page\n");
    settle_without_errors(&mut events, &server, "a clashing static file added");
    assert_eq!(server.get("/team/index.html/a.txt").status, 404);
    assert_serves_a_clean_build(&server, &project, "a clashing static file added");
}

#[test]
fn broken_edit_keeps_the_last_good_build_until_fixed() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let good = server.get("/team/pages/p.html");
    assert!(good.text().contains("First body text"));

    project.save(
        "content/pages/p.md",
        "+++\ntitle = \"Page P\"\nstatus = \n+++\nBroken body text.\n",
    );
    let updates = events.settle(QUIET);
    let failed = updates.last().unwrap();
    assert!(failed.changed.is_empty(), "{failed:?}");
    assert!(
        failed.errors.iter().any(|e| {
            e.contains("content/pages/p.md:3:") && e.contains(": error") && e.contains("TOML")
        }),
        "no `path:line:col: error` for the broken file in {:?}",
        failed.errors
    );
    server.wait_stderr(1, |l| l.starts_with("rebuild failed"));
    server.wait_stderr(1, |l| l.contains("content/pages/p.md:3:"));

    let still = server.get("/team/pages/p.html");
    assert_eq!(still.status, 200);
    assert_eq!(still.body, good.body, "the last good page is not served");
    assert_eq!(server.get("/team/").status, 200);

    let mut late = server.events();
    let current = late.expect();
    assert_eq!(
        current.errors, failed.errors,
        "a page opened now is not told the build is broken"
    );

    project.save(
        "content/pages/p.md",
        &page("Page P", "Fixed body text. See [[initiatives/a]]."),
    );
    let updates = events.settle(QUIET);
    let fixed = updates.last().unwrap();
    assert!(fixed.errors.is_empty(), "{fixed:?}");
    let changed: Vec<&String> = updates.iter().flat_map(|u| &u.changed).collect();
    assert!(
        changed.iter().any(|c| *c == "/team/pages/p.html"),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|c| c.starts_with("/public/pages/")),
        "the team page is reported on the public site: {changed:?}"
    );
    let late_update = late.expect();
    assert!(late_update.errors.is_empty());
    let page_now = server.get("/team/pages/p.html").text();
    assert!(page_now.contains("Fixed body text"), "{page_now}");
    assert!(!page_now.contains("Broken body text"));
    server.wait_stderr(1, |l| l.starts_with("rebuilt in "));
    server.wait_stderr(1, |l| {
        l == "the errors are mended: every page is this build's"
    });
}

#[test]
fn broken_config_keeps_the_last_good_build() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let good = server.get("/team/pages/p.html");
    project.save("align.toml", &format!("{CONFIG}\nbogus_key = 1\n"));
    let failed = events.settle(QUIET).pop().unwrap();
    assert!(
        failed.errors.iter().any(|e| e.contains("align.toml:")),
        "{failed:?}"
    );
    assert_eq!(server.get("/team/pages/p.html").body, good.body);
    project.save(
        "align.toml",
        &CONFIG.replace("Team plan", "Renamed team plan"),
    );
    let fixed = events.settle(QUIET).pop().unwrap();
    assert!(fixed.errors.is_empty(), "{fixed:?}");
    assert!(server.get("/").text().contains("Renamed team plan"));
    assert!(
        server
            .get("/team/pages/p.html")
            .text()
            .contains("Renamed team plan")
    );
}

#[test]
fn a_project_broken_at_start_shows_its_errors_then_recovers() {
    let project = Project::minimal();
    project.write(
        "content/pages/p.md",
        "+++\ntitle = \"Page P\"\nbogus = 1\n+++\nBroken.\n",
    );
    let server = Server::start(&project.path(), &[]);
    let response = server.get("/team/pages/p.html");
    assert_eq!(response.status, 503);
    let html = response.text();
    assert!(html.contains("data-align-error"), "{html}");
    assert!(html.contains("content/pages/p.md:3:"), "{html}");
    assert!(html.contains("bogus"), "{html}");
    assert!(html.contains(serve_support::RELOAD_TAG));
    // The address the server prints shows the same errors, not an empty list of sites.
    let index = server.get("/");
    assert_eq!(index.status, 503);
    assert_eq!(index.text(), html);

    let mut events = server.events();
    let first = events.expect();
    assert!(
        first
            .errors
            .iter()
            .any(|e| e.contains("content/pages/p.md:3:")),
        "{first:?}"
    );

    project.save("content/pages/p.md", &page("Page P", "Recovered body."));
    let updates = events.settle(QUIET);
    assert!(updates.last().unwrap().errors.is_empty());
    let response = server.get("/team/pages/p.html");
    assert_eq!(response.status, 200);
    assert!(response.text().contains("Recovered body."));
    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert!(
        index.text().contains("<a href=\"/team/\">"),
        "{}",
        index.text()
    );
}

#[test]
fn a_configuration_broken_at_start_is_shown_and_a_name_that_is_no_site_is_not_moved_for_good() {
    let project = Project::minimal();
    let good = project.read("align.toml");
    project.write("align.toml", "garbage = [\n");
    let server = Server::start(&project.path(), &[]);
    let index = server.get("/");
    assert_eq!(index.status, 503);
    assert!(index.text().contains("align.toml:1:"), "{}", index.text());
    // Before a first good build any name may be a site's, but a browser must not
    // remember the move: once the project builds, `/nothing` is no site.
    let moved = server.get("/nothing");
    assert_eq!(moved.status, 307);
    assert_eq!(moved.header("location"), Some("/nothing/"));
    let mut events = server.events();
    events.expect();
    project.save("align.toml", &good);
    let updates = events.settle(QUIET);
    assert!(updates.last().unwrap().errors.is_empty(), "{updates:?}");
    assert_eq!(server.get("/team/pages/p.html").status, 200);
    assert_eq!(server.get("/nothing").status, 404);
    // The sites' addresses, which the broken file could not give at start, once it can.
    let line = server.wait_stdout(|l| l.trim_start().starts_with("team: http://"));
    assert!(line.trim_end().ends_with("/team/"), "{line}");
    assert_eq!(
        server
            .stdout()
            .iter()
            .filter(|l| l.starts_with("serving at "))
            .count(),
        2,
        "{:?}",
        server.stdout()
    );
    // A site added later gets its address printed too.
    project.save(
        "align.toml",
        &format!("{good}\n[sites.board]\ntitle = \"Board\"\naudiences = [\"team\"]\n"),
    );
    server.wait_stdout(|l| l.trim_start().starts_with("board: http://"));
}

#[test]
fn changed_files_get_new_validators_and_unchanged_keep_theirs() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let page_before = server.get("/team/pages/p.html");
    let css_before = server.get("/team/assets/style.css");
    let page_tag = page_before.header("etag").unwrap().to_string();
    let css_tag = css_before.header("etag").unwrap().to_string();

    project.save(
        "content/pages/p.md",
        &page("Page P", "Second body text. See [[initiatives/a]]."),
    );
    events.settle(QUIET);

    let page_after = server.request("GET", "/team/pages/p.html", &[("If-None-Match", &page_tag)]);
    assert_eq!(page_after.status, 200, "a changed page answered 304");
    assert!(page_after.text().contains("Second body text"));
    assert_ne!(page_after.header("etag"), Some(page_tag.as_str()));

    let css_after = server.request(
        "GET",
        "/team/assets/style.css",
        &[("If-None-Match", &css_tag)],
    );
    assert_eq!(css_after.status, 304, "an unchanged file lost its ETag");
    assert_eq!(
        css_after.header("last-modified"),
        css_before.header("last-modified")
    );
}

#[test]
fn a_view_open_in_a_browser_reloads_ahead_of_the_rest_of_a_fields_edit() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut roadmap_tab = server.events_for("/team/roadmap.html");
    project.save(
        "content/initiatives/a.md",
        &INITIATIVE.replace("Alpha initiative", "Alpha initiative, renamed"),
    );
    let updates = roadmap_tab.settle(QUIET);
    let alone = updates
        .iter()
        .position(|u| u.changed == ["/team/roadmap.html"])
        .unwrap_or_else(|| panic!("the open roadmap never came alone: {updates:?}"));
    assert!(
        updates[alone + 1..]
            .iter()
            .any(|u| u.changed.iter().any(|p| p.contains("/lists/"))),
        "the lists came after the open roadmap: {updates:?}"
    );
    assert!(
        updates
            .iter()
            .filter(|u| u.changed.iter().any(|p| p == "/team/roadmap.html"))
            .count()
            == 1,
        "the roadmap reloads once: {updates:?}"
    );
    assert!(
        server
            .get("/team/roadmap.html")
            .text()
            .contains("Alpha initiative, renamed")
    );
    server.wait_stderr(1, |l| {
        l.starts_with("open page in ") && l.ends_with("1 file(s) changed (/team/roadmap.html)")
    });
    assert_serves_a_clean_build(&server, &project, "after the open roadmap");
}

/// An editor that saves by writing a temporary file beside the document and renaming it
/// over the document (`sed -i`, and editors that save that way) gets the rebuild of a save
/// in place: the temporary file came and went, and changed nothing.
#[test]
fn a_save_renamed_over_the_document_rebuilds_as_a_save_in_place() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let save_by_rename = |text: &str| {
        let temporary = project.file("content/initiatives/sedX1b2c3");
        std::fs::write(&temporary, text).unwrap();
        std::fs::rename(&temporary, project.file("content/initiatives/a.md")).unwrap();
    };
    let retitled = INITIATIVE.replace("Alpha initiative", "Alpha, saved by rename");
    save_by_rename(&retitled);
    let update = events.expect();
    assert!(
        (update.changed.iter()).any(|p| p == "/team/initiatives/a.html"),
        "{update:?}"
    );
    server.wait_stderr(1, |l| {
        l.starts_with("rebuilt in ") && l.ends_with("file(s) changed (fields edit)")
    });
    save_by_rename(&retitled.replace("forward.", "forward, faster."));
    server.wait_stderr(1, |l| {
        l.starts_with("rebuilt in ") && l.ends_with("file(s) changed (prose edit)")
    });
    assert!(
        (server.get("/team/initiatives/a.html").text()).contains("forward, faster."),
        "the edit is served"
    );
    // The old copy moved aside first and removed after (vim's and Emacs' backups), or a
    // temporary file renamed over it with the old copy moved aside (JetBrains' editors).
    let doc = project.file("content/initiatives/a.md");
    let aside = project.file("content/initiatives/a.md~");
    std::fs::rename(&doc, &aside).unwrap();
    std::fs::write(
        &doc,
        retitled.replace("Alpha, saved", "Alpha, backed up and saved"),
    )
    .unwrap();
    std::fs::remove_file(&aside).unwrap();
    let fields_edit = |l: &str| l.starts_with("rebuilt in ") && l.ends_with("(fields edit)");
    server.wait_stderr(2, fields_edit);
    let (temporary, old) = (
        project.file("content/initiatives/a.md___jb_tmp___"),
        project.file("content/initiatives/a.md___jb_old___"),
    );
    std::fs::write(
        &temporary,
        retitled.replace("Alpha, saved", "Alpha, safely saved"),
    )
    .unwrap();
    std::fs::rename(&doc, &old).unwrap();
    std::fs::rename(&temporary, &doc).unwrap();
    std::fs::remove_file(&old).unwrap();
    server.wait_stderr(3, fields_edit);
    assert!(
        (server.get("/team/initiatives/a.html").text()).contains("Alpha, safely saved"),
        "the last save is served"
    );
    assert!(
        !server.stderr().iter().any(|l| l.contains("(changed pages")),
        "{:?}",
        server.stderr()
    );
    assert_serves_a_clean_build(&server, &project, "after saves renamed over the document");
}

#[test]
fn files_outside_the_watched_folders_and_editor_noise_do_not_rebuild() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    project.write("secret.txt", "changed\n");
    project.write("README.md", "# Notes\n");
    project.write("notes/draft.md", "+++\ntitle = \"Draft\"\n+++\nx\n");
    project.write("content/pages/.p.md.swp", "swap");
    project.write("content/pages/p.md~", "backup");
    project.write("content/pages/#p.md#", "autosave");
    project.write("content/pages/4913", "probe");
    assert!(
        events.next(Duration::from_millis(500)).is_none(),
        "a rebuild was triggered by a file that is not part of the project"
    );
    project.write("content/pages/p.md", &page("Page P", "Edited in place."));
    let update = events.expect();
    assert!(update.changed.contains(&"/team/pages/p.html".to_string()));
}

#[test]
fn new_folders_and_their_documents_are_picked_up() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    project.write(
        "content/deep/er/new.md",
        &page("Deep new page", "Deep body."),
    );
    let _ = events.settle(QUIET);
    let response = server.get("/team/deep/er/new.html");
    assert_eq!(response.status, 200);
    assert!(response.text().contains("Deep body."));
    project.write("content/deep/er/new.md", &page("Deep new page", "Deeper."));
    assert!(shows_once_settled(
        &mut events,
        &server,
        "/team/deep/er/new.html",
        "Deeper."
    ));
}

#[test]
fn a_template_the_theme_calls_through_partial_is_picked_up_when_overridden() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let page = "/team/lists/kind/page.html";
    for version in 1..=2 {
        let text = format!(
            "{}<!-- items override {version} -->\n",
            theme_template("_doc_items.html")
        );
        project.save("templates/_doc_items.html", &text);
        assert!(
            shows_once_settled(
                &mut events,
                &server,
                page,
                &format!("items override {version}")
            ),
            "version {version}: {}",
            server.get(page).text()
        );
    }
    project.remove("templates/_doc_items.html");
    let _ = events.settle(QUIET);
    assert!(!server.get(page).text().contains("items override"));
}

#[test]
fn a_changelog_named_in_align_toml_while_serving_is_watched() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let import = |file: &str| {
        format!("{CONFIG}\n[import]\nchangelog = \"{file}\"\nchangelog_audience = [\"team\"]\n")
    };
    let changelog =
        |text: &str| format!("# Changelog\n\n## [7.0.0] - 2026-10-01\n### Added\n- {text}\n");
    project.save("CHANGELOG.md", &changelog("Seven v1."));
    project.save("align.toml", &import("CHANGELOG.md"));
    let page = "/team/changelog/v7.0.0/001.html";
    assert!(shows_once_settled(&mut events, &server, page, "Seven v1."));
    project.save("CHANGELOG.md", &changelog("Seven v2."));
    assert!(
        shows_once_settled(&mut events, &server, page, "Seven v2."),
        "{}",
        server.get(page).text()
    );
    // Named anew: the new file is watched.
    project.save("docs/HISTORY.md", &changelog("History v1."));
    project.save("align.toml", &import("docs/HISTORY.md"));
    assert!(shows_once_settled(
        &mut events,
        &server,
        page,
        "History v1."
    ));
    project.save("docs/HISTORY.md", &changelog("History v2."));
    assert!(
        shows_once_settled(&mut events, &server, page, "History v2."),
        "{}",
        server.get(page).text()
    );
}

/// The pages the rebuilds `events` report changed, once they have settled.
fn changed_once_settled(events: &mut Events) -> Vec<String> {
    (events.settle(QUIET).into_iter())
        .flat_map(|update| update.changed)
        .collect()
}

/// Whether `page` holds `text` once the rebuilds `events` report have settled.
fn shows_once_settled(events: &mut Events, server: &Server, page: &str, text: &str) -> bool {
    let _ = events.settle(QUIET);
    server.get(page).text().contains(text)
}

#[test]
fn a_page_removed_by_an_edit_is_announced_so_its_open_tab_reloads() {
    let project = Project::minimal();
    let server = Server::start(&project.path(), &[]);
    assert_eq!(server.get("/team/pages/p.html").status, 200);
    let mut events = server.events();
    project.remove("content/pages/p.md");
    let changed = changed_once_settled(&mut events);
    assert!(
        changed.iter().any(|path| path == "/team/pages/p.html"),
        "{changed:?}"
    );
    assert_eq!(server.get("/team/pages/p.html").status, 404);
}

#[test]
fn an_imported_changelog_is_watched_however_its_path_is_written() {
    for written in ["./CHANGELOG.md", "../shared/CHANGELOG.md"] {
        let project = Project::minimal();
        let file = project.path().join(written);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let changelog = |entry: &str| {
            format!("# Changelog\n\n## [1.0.0] - 2026-11-01\n\n### Added\n- {entry}\n")
        };
        std::fs::write(&file, changelog("First entry")).unwrap();
        let config = format!(
            "{CONFIG}\n[import]\nchangelog = \"{written}\"\nchangelog_audience = [\"team\"]\n"
        );
        project.write("align.toml", &config);
        let server = Server::start(&project.path(), &[]);
        assert!(
            server
                .get("/team/changelog.html")
                .text()
                .contains("First entry")
        );
        let mut events = server.events();
        std::fs::write(&file, changelog("Second entry")).unwrap();
        let _ = events.settle(QUIET);
        assert!(
            server
                .get("/team/changelog.html")
                .text()
                .contains("Second entry"),
            "{written}"
        );
    }
}

#[test]
fn serving_the_current_folder_rebuilds() {
    let project = Project::minimal();
    let server = Server::start_in(&project.path(), &[]);
    assert_eq!(server.get("/team/pages/p.html").status, 200);
    let mut events = server.events();
    project.save("content/pages/p.md", &page("Page P", "Edited from here."));
    let update = events.expect();
    assert!(update.errors.is_empty(), "{update:?}");
    assert!(
        server
            .get("/team/pages/p.html")
            .text()
            .contains("Edited from here.")
    );
}

#[cfg(unix)]
#[test]
fn project_reached_through_a_symlink_rebuilds() {
    let project = Project::minimal();
    let link = project.outside().join("link");
    std::os::unix::fs::symlink(project.path(), &link).unwrap();
    let server = Server::start(&link, &[]);
    let mut events = server.events();
    project.save("content/pages/p.md", &page("Page P", "Edited via link."));
    let update = events.next(Duration::from_secs(3));
    assert!(update.is_some(), "no rebuild after an edit");
    assert!(
        server
            .get("/team/pages/p.html")
            .text()
            .contains("Edited via link.")
    );
}

#[cfg(unix)]
#[test]
fn content_linked_to_a_folder_of_the_project_rebuilds_on_its_edits() {
    let project = Project::minimal();
    std::fs::rename(project.file("content"), project.file("plans")).unwrap();
    std::os::unix::fs::symlink("plans", project.file("content")).unwrap();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    project.save(
        "plans/pages/p.md",
        &page("Page P", "Edited where content/ leads."),
    );
    assert!(shows_once_settled(
        &mut events,
        &server,
        "/team/pages/p.html",
        "Edited where content/ leads."
    ));
}

#[cfg(unix)]
#[test]
fn an_edit_to_the_target_of_a_content_symlink_rebuilds_the_linked_page() {
    let project = Project::minimal();
    let link = |target: &str, at: &str| {
        std::os::unix::fs::symlink(target, project.file(at)).unwrap();
    };
    // A file kept elsewhere in the project, a folder of them, and a second name for a
    // document of `content/` itself.
    project.write("shared/linked.md", &page("Linked page", "Shared body."));
    project.write("teamdocs/notes.md", &page("Team notes", "Notes body."));
    link("../../shared/linked.md", "content/pages/linked.md");
    link("../teamdocs", "content/teamdocs");
    link("p.md", "content/pages/alias.md");
    let server = Server::start(&project.path(), &[]);
    for (page_path, text) in [
        ("/team/pages/linked.html", "Shared body."),
        ("/team/teamdocs/notes.html", "Notes body."),
        ("/team/pages/alias.html", "First body text."),
    ] {
        assert!(server.get(page_path).text().contains(text), "{page_path}");
    }
    let mut events = server.events();
    for (file, page_path, body) in [
        (
            "shared/linked.md",
            "/team/pages/linked.html",
            "Shared, edited.",
        ),
        (
            "teamdocs/notes.md",
            "/team/teamdocs/notes.html",
            "Notes, edited.",
        ),
        (
            "content/pages/p.md",
            "/team/pages/alias.html",
            "Edited under its first name.",
        ),
    ] {
        project.save(file, &page("Edited", body));
        let changed = changed_once_settled(&mut events);
        assert!(
            changed.iter().any(|p| p == page_path),
            "{file}: {changed:?}"
        );
        assert!(server.get(page_path).text().contains(body), "{file}");
    }
    // A link made while serving is followed from then on.
    project.write("shared/later.md", &page("Later page", "Later body."));
    link("../../shared/later.md", "content/pages/later.md");
    let later = "/team/pages/later.html";
    assert!(shows_once_settled(
        &mut events,
        &server,
        later,
        "Later body."
    ));
    project.save("shared/later.md", &page("Later page", "Later, edited."));
    assert!(shows_once_settled(
        &mut events,
        &server,
        later,
        "Later, edited."
    ));
    // The file a link leads to moved away (the page goes) and back (it comes back), as
    // a branch switch or a slow editor's save does.
    let (file, away) = (
        project.file("shared/later.md"),
        project.file("later.md.away"),
    );
    std::fs::rename(&file, &away).unwrap();
    let _ = events.settle(QUIET);
    assert_eq!(server.get(later).status, 404);
    std::fs::rename(&away, &file).unwrap();
    assert!(
        shows_once_settled(&mut events, &server, later, "Later, edited."),
        "the page did not come back"
    );
    project.save("shared/later.md", &page("Later page", "Later, again."));
    assert!(shows_once_settled(
        &mut events,
        &server,
        later,
        "Later, again."
    ));
}
