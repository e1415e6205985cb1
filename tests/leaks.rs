//! Nothing a site may not show reaches any byte of it: canary strings are planted in every
//! place a document can hold something secret, and each is looked for in every file of
//! every site (pages, lists, search index, graph, sitemap, feed, assets). Each canary is
//! also looked for where it may appear, so a canary that reaches no site at all fails too.

mod common;

use common::{CONFIG, Project, Site};

/// Exec-only: a document the team and public sites may not show at all.
const HIDDEN_OBJECTIVE: &str = r#"+++
id = "CANARY-HIDDEN-ID-7f3a"
title = "CANARY-HIDDEN-TITLE-7f3a"
summary = "CANARY-HIDDEN-SUMMARY-7f3a"
audience = ["exec"]
status = "active"
period = "2031-Q2"
team = "canary-hidden-team-7f3a"
tags = ["canary-hidden-tag-7f3a"]
owners = ["CANARY-HIDDEN-OWNER-7f3a"]

[[key_results]]
id = "kr1"
title = "CANARY-HIDDEN-KR-7f3a"
baseline = 0
target = 10
current = 5
+++
CANARY-HIDDEN-BODY-7f3a

![chart](canary-hidden-image-7f3a.png)
"#;

const HIDDEN_INITIATIVE: &str = r#"+++
title = "CANARY-HIDDEN-INITIATIVE-7f3a"
audience = ["exec"]
status = "in-progress"
drives = ["O-VIS#kr1"]
+++
"#;

/// Team and public: people, numbers and extra fields the public site must leave out, a
/// public title and summary, comments, an exec-only block and links to hidden documents.
const VISIBLE_OBJECTIVE: &str = r#"+++
id = "O-VIS"
title = "CANARY-INTERNAL-TITLE-7f3a"
public_title = "Faster onboarding"
summary = "CANARY-INTERNAL-SUMMARY-7f3a"
public_summary = "We make setup quicker. <!-- CANARY-FIELD-COMMENT-7f3a -->"
audience = ["team", "public"]
owners = ["CANARY-OWNER-7f3a"]
period = "2026-Q4"
status = "active"

[extra]
budget = "CANARY-EXTRA-7f3a"

[[key_results]]
id = "kr1"
title = "Setup time"
baseline = 10
target = 20
current = 17.77
confidence = 0.593

[[key_results]]
id = "kr2"
title = "Activation rate"
baseline = 0
target = 100

[[key_results.checkins]]
date = 2026-10-01
value = 31.31
confidence = 0.427
note = "CANARY-CHECKIN-NOTE-7f3a"

[[key_results.checkins]]
date = 2026-11-01
value = 43.43
+++
Open text for everyone. <!-- CANARY-INLINE-COMMENT-7f3a -->

<!--
CANARY-BLOCK-COMMENT-7f3a
-->

<!-- audience: exec -->
CANARY-EXEC-BLOCK-7f3a

## Canary exec heading 7f3a
<!-- /audience -->

See [[CANARY-HIDDEN-ID-7f3a]], [[CANARY-HIDDEN-ID-7f3a|the board plan]] and [the hidden plan](canary-hidden-path-7f3a.md).
"#;

const VISIBLE_INITIATIVE: &str = r#"+++
title = "Guided setup"
audience = ["team", "public"]
status = "in-progress"
drives = ["O-VIS#kr1", "CANARY-HIDDEN-ID-7f3a#kr1"]
+++
Read [[O-VIS]] and [[O-VIS#kr1]], [[O-VIS#canary-exec-heading-7f3a]] and
[its plan](../objectives/visible.md#canary-exec-heading-7f3a).

In raw HTML: <a href="../objectives/canary-hidden-path-7f3a.md">the board's plan</a> and
<a href='../objectives/visible.md'>ours</a>, <q cite="../objectives/canary-hidden-path-7f3a.md">quoted</q>
and <a href="../objectives/canary-hidden-path-7f3a&#46;md">encoded</a>.

<details><summary>More</summary>
Also [[CANARY-HIDDEN-ID-7f3a]], [the board's own plan](../objectives/canary-hidden-path-7f3a.md) and [[O-VIS|our objective]].
</details>
"#;

const DECISION: &str = r#"+++
title = "Use Postgres"
status = "accepted"
audience = ["team", "public"]
deciders = ["CANARY-DECIDER-7f3a"]
consulted = ["CANARY-CONSULTED-7f3a"]
informed = ["CANARY-INFORMED-7f3a"]
+++
"#;

fn leak_project() -> Project {
    let project = Project::new()
        .file(
            "content/objectives/canary-hidden-path-7f3a.md",
            HIDDEN_OBJECTIVE,
        )
        .file(
            "content/initiatives/canary-hidden-initiative-7f3a.md",
            HIDDEN_INITIATIVE,
        )
        .file("content/objectives/visible.md", VISIBLE_OBJECTIVE)
        .file("content/initiatives/guided-setup.md", VISIBLE_INITIATIVE)
        .file("content/decisions/0001-use-postgres.md", DECISION)
        .file(
            "content/releases/1-0.md",
            "+++\ntitle = \"1.0\"\nversion = \"1.0\"\nstatus = \"released\"\ndate = 2026-11-01\naudience = [\"public\", \"team\"]\n+++\n",
        )
        .file(
            "content/changes/setup.md",
            "+++\ntitle = \"Setup is guided\"\ncategory = \"added\"\nrelease = \"releases/1-0\"\naudience = [\"public\", \"team\"]\n+++\n",
        );
    project.write(
        "content/objectives/canary-hidden-image-7f3a.png",
        b"\x89PNG CANARY-HIDDEN-IMAGE-BYTES-7f3a",
    );
    project.build().success();
    project
}

/// Asserts each canary reaches no byte of the `denied` sites and some file of `allowed`.
fn assert_confined(project: &Project, canaries: &[&str], allowed: &str, denied: &[&str]) {
    for canary in canaries {
        for site in denied {
            project.site(site).assert_nowhere(canary);
        }
        project.site(allowed).assert_somewhere(canary);
    }
}

#[test]
fn a_hidden_document_reaches_no_byte_of_sites_that_may_not_show_it() {
    let project = leak_project();
    assert_confined(
        &project,
        &[
            "CANARY-HIDDEN-TITLE-7f3a",
            "CANARY-HIDDEN-ID-7f3a",
            "canary-hidden-path-7f3a",
            "CANARY-HIDDEN-SUMMARY-7f3a",
            "CANARY-HIDDEN-BODY-7f3a",
            "CANARY-HIDDEN-KR-7f3a",
            "CANARY-HIDDEN-OWNER-7f3a",
            "canary-hidden-team-7f3a",
            "canary-hidden-tag-7f3a",
            "2031-Q2",
            "CANARY-HIDDEN-INITIATIVE-7f3a",
            "canary-hidden-initiative-7f3a",
            "canary-hidden-image-7f3a",
            "CANARY-HIDDEN-IMAGE-BYTES-7f3a",
        ],
        "exec",
        &["team", "public"],
    );
}

#[test]
fn links_in_raw_html_lead_to_pages_and_lose_the_address_of_hidden_ones() {
    let project = leak_project();
    for site in ["team", "public"] {
        let page = project.site(site).main("initiatives/guided-setup.html");
        assert!(page.contains("<a>the board's plan</a>"), "{site}: {page}");
        assert!(
            page.contains(r#"<a href="../objectives/visible.html">ours</a>"#),
            "{site}: {page}"
        );
    }
    let exec = project.site("exec").main("initiatives/guided-setup.html");
    assert!(
        exec.contains(
            r#"<a href="../objectives/canary-hidden-path-7f3a.html">the board's plan</a>"#
        ),
        "{exec}"
    );
}

#[test]
fn links_written_as_markdown_inside_an_html_block_are_links_or_hidden_as_anywhere() {
    let project = leak_project();
    let ours = r#"<a href="../objectives/visible.html">our objective</a>"#;
    for site in ["team", "public"] {
        let page = project.site(site).main("initiatives/guided-setup.html");
        let want = format!("Also [restricted], the board's own plan and {ours}.");
        assert!(page.contains(&want), "{site}: {page}");
    }
    let exec = project.site("exec").main("initiatives/guided-setup.html");
    let hidden = r#"<a href="../objectives/canary-hidden-path-7f3a.html">"#;
    let want = format!(
        "Also {hidden}CANARY-HIDDEN-TITLE-7f3a</a>, {hidden}the board's own plan</a> and {ours}."
    );
    assert!(exec.contains(&want), "{exec}");
    // Found by the checks as a link anywhere else is: the public page names a hidden
    // one, and a reference to no document is broken.
    let status = "+++\ntitle = \"Status\"\naudience = [\"public\", \"team\"]\n+++\n<details><summary>More</summary>\nSee [[I-ZETA]] <!-- [[IN-A-COMMENT]] --> and [[NO-SUCH-DOC]].\n</details>\n";
    let project = Project::new()
        .file(
            "content/initiatives/zeta.md",
            "+++\nid = \"I-ZETA\"\ntitle = \"Zeta\"\n+++\n",
        )
        .file("content/pages/status.md", status);
    let run = project.check();
    run.expect(1);
    run.error_at(
        "content/pages/status.md:6:46",
        &["`NO-SUCH-DOC` names no document", "[broken-reference]"],
    );
    assert_eq!(run.errors().len(), 1, "{}", run.stderr());
    assert!(
        run.warnings().iter().any(|w| {
            w.starts_with("content/pages/status.md:6:5:") && w.contains("[public-links-internal]")
        }),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_exec_block_stays_on_sites_of_its_audience() {
    let project = leak_project();
    assert_confined(
        &project,
        // Links to a heading of the block leave out its anchor where the block is not shown.
        &["CANARY-EXEC-BLOCK-7f3a", "canary-exec-heading-7f3a"],
        "exec",
        &["team", "public"],
    );
    let team = project.site("team").read("objectives/visible.html");
    assert!(
        team.contains("Open text for everyone."),
        "the rest of the body stays"
    );
}

#[test]
fn people_and_internal_numbers_stay_off_the_public_site() {
    let project = leak_project();
    assert_confined(
        &project,
        &[
            "CANARY-OWNER-7f3a",
            "CANARY-DECIDER-7f3a",
            "CANARY-CONSULTED-7f3a",
            "CANARY-INFORMED-7f3a",
            "CANARY-EXTRA-7f3a",
            "CANARY-CHECKIN-NOTE-7f3a",
            "17.77",
            "31.31",
            "43.43",
            "0.593",
            "0.427",
        ],
        "team",
        &["public"],
    );
}

#[test]
fn progress_score_and_health_stay_off_the_public_site() {
    let project = leak_project();
    let team = project.site("team").main("objectives/visible.html");
    assert!(
        team.contains("77%") && team.contains("on track · 0.77"),
        "{team}"
    );
    let public = project.site("public").main("objectives/visible.html");
    assert!(
        public.contains("Setup time"),
        "the key result itself is shown: {public}"
    );
    for computed in ["77%", "43%", "on track", "at risk", "off track", "score"] {
        assert!(!public.contains(computed), "`{computed}` in: {public}");
    }
    let graph = project.site("public").read("graph.json");
    for field in ["\"progress\":0", "\"score\":0", "\"health\":\""] {
        assert!(!graph.contains(field), "`{field}` in the public graph");
    }
}

#[test]
fn public_title_and_summary_replace_the_internal_ones() {
    let project = leak_project();
    assert_confined(
        &project,
        &["CANARY-INTERNAL-TITLE-7f3a", "CANARY-INTERNAL-SUMMARY-7f3a"],
        "team",
        &["public"],
    );
    let public = project.site("public");
    assert!(
        public
            .read("objectives/visible.html")
            .contains("<h1 dir=\"auto\">Faster onboarding</h1>")
    );
    let initiative = public.read("initiatives/guided-setup.html");
    assert!(
        initiative.contains(">Faster onboarding</a>"),
        "wiki links show the public title: {initiative}"
    );
    assert!(
        public
            .read("search-index.json")
            .contains("We make setup quicker.")
    );
}

/// An audience marker in a field marks no block: the field is shown whole wherever its
/// document is, so the build fails at the field instead of publishing the words between
/// two. A comment in a name would be shown as written: an error too.
#[test]
fn an_audience_marker_in_a_field_fails_the_build_instead_of_publishing_the_block() {
    let block = "<!-- audience: team -->CANARY-FIELD-BLOCK-7f3a<!-- /audience -->";
    let fields = [
        (
            "summary",
            format!("summary = \"Public words. {block}\"\n"),
            4,
        ),
        (
            "public_title",
            format!("public_title = \"\"\"\nT\n{block}\n\"\"\"\n"),
            6,
        ),
        ("summary", format!("summary = '''{block}'''\n"), 4),
        (
            "key_results",
            format!(
                "[[key_results]]\nid = \"kr1\"\ntitle = \"{block}\"\nbaseline = 0\ntarget = 1\nunit = \"%\"\n"
            ),
            6,
        ),
        // Written with escapes, a marker the frontmatter's text does not show.
        (
            "summary",
            "summary = \"\\u003c!-- audience: team --\\u003eCANARY-FIELD-BLOCK-7f3a\"\n".into(),
            4,
        ),
        // Any field: a unit, the owners, `extra`.
        ("owners", format!("owners = [\"Ann {block}\"]\n"), 4),
        ("extra", format!("[extra]\nnote = \"{block}\"\n"), 5),
        (
            "team",
            "team = \"Growth <!-- CANARY-FIELD-TEAM-7f3a -->\"\n".into(),
            4,
        ),
        (
            "tags",
            "tags = [\"a\", \"<!-- CANARY-FIELD-TAG-7f3a -->b\"]\n".into(),
            4,
        ),
    ];
    for (name, field, line) in fields {
        let project = Project::new().file(
            "content/objectives/o.md",
            &format!("+++\ntitle = \"O\"\naudience = [\"public\", \"team\"]\n{field}+++\nBody.\n"),
        );
        let run = project.build();
        run.expect(1);
        run.error_at(
            &format!("content/objectives/o.md:{line}"),
            &[&format!("`{name}` holds")],
        );
        assert!(
            !project.path().join("out").exists(),
            "{name}: nothing is written"
        );
    }
}

/// A link within the page to a hidden heading is text however its anchor is written,
/// percent-encoded too; a written id repeated after a hidden one is numbered among what
/// the site shows, and links to it follow.
#[test]
fn percent_encoded_and_written_anchors_of_hidden_headings_are_not_published() {
    let project = Project::new()
        .file(
            "content/pages/plan.md",
            "+++\ntitle = \"Plan\"\naudience = [\"public\", \"exec\"]\n+++\n\
             <!-- audience: exec -->\n## 秘密 CANARY-ANCHOR-7f3a\n\n## Ident {#ident}\n<!-- /audience -->\n\n\
             ## Ident {#ident}\n\n[a](#%E7%A7%98%E5%AF%86-canary-anchor-7f3a) [e](#ident-1)\n",
        )
        .file(
            "content/pages/other.md",
            "+++\ntitle = \"Other\"\naudience = [\"public\", \"exec\"]\n+++\n[x](plan.md#ident-1)\n",
        );
    project.build().success();
    let public = project.site("public");
    public.assert_nowhere("CANARY-ANCHOR");
    public.assert_nowhere("%E7%A7%98");
    public.assert_nowhere("ident-1");
    let plan = public.main("pages/plan.html");
    assert!(
        plan.contains("id=\"ident\"") && plan.contains("href=\"#ident\""),
        "{plan}"
    );
    assert!(
        public
            .main("pages/other.html")
            .contains("plan.html#ident\""),
        "{}",
        public.main("pages/other.html")
    );
    // The site that shows the block keeps every link as written.
    let exec = project.site("exec").main("pages/plan.html");
    assert!(
        exec.contains("href=\"#ident-1\"") && exec.contains("%E7%A7%98"),
        "{exec}"
    );
}

/// A decision record's status, read as records write it (comments such as MADR's
/// `<!-- optional -->` left out), holds no audience block either: in YAML, in a list or a
/// block scalar, the build fails at the marker.
#[test]
fn an_audience_marker_in_a_records_status_fails_the_build() {
    for (status, line) in [
        (
            "status: \"Accepted <!-- audience: exec --> CANARY-STATUS-7f3a <!-- /audience -->\"\n",
            2,
        ),
        (
            "status: [proposed, \"on hold <!-- audience: exec --> CANARY-STATUS-7f3a <!-- /audience -->\"]\n",
            2,
        ),
        (
            "status: |\n  On hold\n  <!-- audience: exec -->\n  CANARY-STATUS-7f3a\n  <!-- /audience -->\n",
            4,
        ),
    ] {
        let project = Project::new().file(
            "content/decisions/0001-a.md",
            &format!("---\n{status}audience: [public]\n---\n# 1. A\n\nWhy.\n"),
        );
        let run = project.build();
        run.expect(1);
        run.error_at(
            &format!("content/decisions/0001-a.md:{line}"),
            &["`status` holds an audience marker"],
        );
        assert!(!project.path().join("out").exists(), "{status}");
    }
}

/// A public title alone: the internal summary, rationale and slip reasons, written in the
/// wording the public title replaces, are no public site's either.
#[test]
fn a_public_title_without_a_public_summary_leaves_the_summary_off_public_sites() {
    let project = Project::new()
        .file(
            "content/initiatives/renewal.md",
            "+++\ntitle = \"Win back CANARY-CUSTOMER-4b2e\"\npublic_title = \"Easier renewals\"\nsummary = \"Stop CANARY-CUSTOMER-4b2e churning\"\nrationale = \"CANARY-RATIONALE-4b2e\"\ntarget = 2026-12-20\ntarget_history = [{ date = 2026-11-02, target = 2026-12-01, reason = \"CANARY-SLIP-4b2e\" }]\naudience = [\"public\", \"team\"]\nstatus = \"planned\"\n+++\nx\n",
        )
        .file(
            "content/initiatives/plain.md",
            "+++\ntitle = \"Dark mode\"\nsummary = \"Themes for the night shift\"\naudience = [\"public\", \"team\"]\nstatus = \"planned\"\n+++\nx\n",
        );
    project.build().success();
    let public = project.site("public");
    public.assert_nowhere("CANARY-CUSTOMER-4b2e");
    assert!(
        public
            .read("initiatives/renewal.html")
            .contains("Easier renewals")
    );
    // Without a public title, the summary is the public's as the title is.
    assert!(
        public
            .read("initiatives/plain.html")
            .contains("Themes for the night shift")
    );
    // Nor the rationale and the reasons the target moved, which have no public wording.
    public.assert_nowhere("CANARY-RATIONALE-4b2e");
    public.assert_nowhere("CANARY-SLIP-4b2e");
    let renewal = public.read("initiatives/renewal.html");
    assert!(renewal.contains("<del>2026-12-01</del>"), "{renewal}");
    let team = project.site("team").read("initiatives/renewal.html");
    assert!(
        team.contains("Stop CANARY-CUSTOMER-4b2e churning")
            && team.contains("CANARY-RATIONALE-4b2e")
            && team.contains("CANARY-SLIP-4b2e"),
        "{team}"
    );
}

/// A reference link whose definition is in a block the site hides reads as its text
/// there: not as written, brackets and the definition's label around it.
#[test]
fn a_reference_link_defined_in_a_hidden_block_is_its_text() {
    let project = Project::new().file(
        "content/pages/refs.md",
        "+++\ntitle = \"Refs\"\naudience = [\"public\", \"team\"]\n+++\n\nSee [the plan][CANARY-LABEL-5d1c], [CANARY-SHORT-5d1c] and [Full][].\n\n<!-- audience: team -->\n[canary-label-5d1c]: https://internal.example.com/CANARY-URL-5d1c\n[canary-short-5d1c]: https://internal.example.com/b\n[full]: https://internal.example.com/c \"CANARY-TITLE-5d1c\"\n<!-- /audience -->\n\nEnd.\n",
    );
    project.build().success();
    let public = project.site("public");
    let page = public.main("pages/refs.html");
    assert!(
        page.contains("<p>See the plan, CANARY-SHORT-5d1c and Full.</p>"),
        "{page}"
    );
    for canary in [
        "CANARY-LABEL-5d1c",
        "CANARY-URL-5d1c",
        "CANARY-TITLE-5d1c",
        "align-hidden",
    ] {
        public.assert_nowhere(canary);
    }
    let team = project.site("team").main("pages/refs.html");
    assert!(
        team.contains("<a href=\"https://internal.example.com/CANARY-URL-5d1c\">the plan</a>"),
        "{team}"
    );
}

#[test]
fn a_footnote_defined_in_a_hidden_block_leaves_no_reference() {
    let project = Project::new().file(
        "content/pages/notes.md",
        "+++\ntitle = \"Notes\"\naudience = [\"public\", \"team\"]\n+++\n\nRevenue grew.[^canary-deal-8e2f] See [the note](#fn-canary-deal-8e2f). More.[^two]\n\n<!-- audience: team -->\n[^canary-deal-8e2f]: CANARY-TEXT-8e2f closed.\n<!-- /audience -->\n\n[^two]: Shown to all.\n",
    );
    project.build().success();
    let public = project.site("public");
    let page = public.main("pages/notes.html");
    assert!(
        page.contains("<p>Revenue grew. See the note. More.<sup class=\"footnote-reference\"><a href=\"#fn-two\">1</a></sup></p>"),
        "{page}"
    );
    for canary in ["canary-deal-8e2f", "CANARY-TEXT-8e2f", "align-hidden"] {
        public.assert_nowhere(canary);
    }
    let team = project.site("team").main("pages/notes.html");
    assert!(
        team.contains("<a href=\"#fn-canary-deal-8e2f\">1</a>")
            && team.contains("CANARY-TEXT-8e2f closed."),
        "{team}"
    );
    // A reference names its note in any case, its spaces as one.
    let project = Project::new().file(
        "content/pages/notes.md",
        "+++\ntitle = \"Notes\"\naudience = [\"public\", \"team\"]\n+++\n\nRef [^CANARY-UP-8e2f] and [^canary  spaced-8e2f] end.\n\n<!-- audience: team -->\n[^canary-up-8e2f]: one\n[^Canary Spaced-8e2f]: two\n<!-- /audience -->\n",
    );
    project.build().success();
    let page = project.site("public").main("pages/notes.html");
    assert!(page.contains("<p>Ref  and  end.</p>"), "{page}");
    for canary in ["canary-up-8e2f", "spaced-8e2f", "align-hidden"] {
        project.site("public").assert_nowhere(canary);
    }
    // A label the shown text defines as well keeps its reference and that definition.
    let project = Project::new().file(
        "content/pages/notes.md",
        "+++\ntitle = \"Notes\"\naudience = [\"public\", \"team\"]\n+++\n\nRef [^dup] end.\n\n[^dup]: Shown to all.\n\n<!-- audience: team -->\n[^dup]: CANARY-DUP-8e2f\n<!-- /audience -->\n",
    );
    project.build().success();
    let page = project.site("public").main("pages/notes.html");
    assert!(
        page.contains("<a href=\"#fn-dup\">1</a>") && page.contains("Shown to all."),
        "{page}"
    );
    project.site("public").assert_nowhere("CANARY-DUP-8e2f");
}

#[test]
fn html_comments_reach_no_site() {
    let project = leak_project();
    for site in common::SITES {
        let site = project.site(site);
        site.assert_nowhere("CANARY-INLINE-COMMENT-7f3a");
        site.assert_nowhere("CANARY-BLOCK-COMMENT-7f3a");
        site.assert_nowhere("CANARY-FIELD-COMMENT-7f3a");
        site.assert_nowhere("<!-- audience");
    }
}

#[test]
fn links_to_hidden_documents_become_plain_text() {
    let project = leak_project();
    for name in ["team", "public"] {
        let page = project.site(name).read("objectives/visible.html");
        assert!(
            page.contains("See [restricted], the board plan and the hidden plan."),
            "{name}: {page}"
        );
    }
    let exec = project.site("exec").read("objectives/visible.html");
    assert!(
        exec.contains(
            r#"See <a href="../objectives/canary-hidden-path-7f3a.html">CANARY-HIDDEN-TITLE-7f3a</a>, <a href="../objectives/canary-hidden-path-7f3a.html">the board plan</a> and <a href="../objectives/canary-hidden-path-7f3a.html">the hidden plan</a>."#
        ),
        "{exec}"
    );
}

#[test]
fn an_image_of_a_document_shows_its_description_and_never_the_path() {
    // A page is no image, and the path of one a site hides would name it there.
    let project = Project::new()
        .file(
            "content/objectives/canary-hidden-path-7f3a.md",
            HIDDEN_OBJECTIVE,
        )
        .file(
            "content/pages/pictures.md",
            "+++\ntitle = \"Pictures\"\naudience = [\"team\", \"public\", \"exec\"]\n+++\n\n![one](../objectives/canary-hidden-path-7f3a.md) ![two](/objectives/canary-hidden-path-7f3a.md) ![three][r] ![four](../objectives/canary-hidden-path-7f3a.md#kr1)\n[![five](../objectives/canary-hidden-path-7f3a.md)](../objectives/canary-hidden-path-7f3a.md)\n\n[r]: ../objectives/canary-hidden-path-7f3a.md\n",
        );
    project.build().success();
    for name in ["team", "public"] {
        let site = project.site(name);
        site.assert_nowhere("canary-hidden-path-7f3a");
        let page = site.main("pages/pictures.html");
        assert!(
            page.contains("<p>one two three four\nfive</p>"),
            "{name}: {page}"
        );
    }
    // Where the document is shown, the image is its description too, in a link to it.
    let exec = project.site("exec").main("pages/pictures.html");
    assert!(!exec.contains("<img"), "{exec}");
    assert!(
        exec.contains(r#"<a href="../objectives/canary-hidden-path-7f3a.html">five</a>"#),
        "{exec}"
    );
    // It names the document as a link does: one that is not there is an error.
    project.write(
        "content/pages/pictures.md",
        "+++\ntitle = \"Pictures\"\n+++\n![gone](gone.md)\n",
    );
    let run = project.build();
    run.expect(1);
    assert!(
        run.stderr()
            .contains("pictures.md:4:1: error: broken link: `gone.md` names no document"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_markdown_link_in_a_text_field_reads_as_its_label() {
    let project = Project::new()
        .file(
            "content/objectives/canary-hidden-path-7f3a.md",
            HIDDEN_OBJECTIVE,
        )
        .file(
            "content/objectives/shown.md",
            "+++\ntitle = \"Grow [with the plan](canary-hidden-path-7f3a.md)\"\nsummary = \"Read [the plan](canary-hidden-path-7f3a.md#kr1) or [the site](https://example.com).\"\naudience = [\"team\", \"public\", \"exec\"]\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"As ![the chart](./canary-hidden-path-7f3a.md) says\"\nbaseline = 0\ntarget = 10\n+++\n",
        );
    project.build().success();
    for name in ["team", "public", "exec"] {
        let site = project.site(name);
        site.assert_nowhere("canary-hidden-path-7f3a.md");
        let page = site.main("objectives/shown.html");
        for words in [
            "Grow with the plan",
            "Read the plan or [the site](https://example.com).",
            "As the chart says",
        ] {
            assert!(page.contains(words), "{name}: {words}: {page}");
        }
    }
}

#[test]
fn relations_to_hidden_documents_are_left_out() {
    let project = leak_project();
    let team = project.site("team");
    let initiative = team.main("initiatives/guided-setup.html");
    assert!(
        initiative.contains(r#"<a href="../objectives/visible.html#kr-kr1">Setup time</a>"#),
        "{initiative}"
    );
    let objective = team.main("objectives/visible.html");
    assert!(
        objective.contains(
            "driven by <a href=\"../initiatives/guided-setup.html\">Guided setup</a></span>"
        ),
        "only the visible initiative drives the key result: {objective}"
    );
}

/// Documents the public site shows, related through documents it hides: an initiative
/// that a public change implements, an objective a public one serves, a decision that
/// supersedes a public one.
fn hidden_links_project() -> Project {
    let project = Project::new()
        .file(
            "content/strategy/s.md",
            "+++\nid = \"S-P\"\ntitle = \"Public strategy\"\naudience = [\"public\", \"exec\"]\n+++\n",
        )
        .file(
            "content/objectives/p.md",
            "+++\nid = \"O-P\"\ntitle = \"Public objective\"\nperiod = \"2026-Q4\"\nparent = \"S-P\"\naudience = [\"public\", \"exec\"]\n\n[[key_results]]\nid = \"k1\"\ntitle = \"Public key result\"\nbaseline = 0\ntarget = 10\n+++\n",
        )
        .file(
            "content/objectives/h.md",
            "+++\nid = \"O-H\"\ntitle = \"Hidden objective\"\nperiod = \"2026-Q4\"\nparent = \"S-P\"\naudience = [\"exec\"]\n\n[[key_results]]\nid = \"kh\"\ntitle = \"Hidden key result\"\nbaseline = 0\ntarget = 10\n+++\n",
        )
        .file(
            "content/objectives/q.md",
            "+++\nid = \"O-Q\"\ntitle = \"Public objective under a hidden one\"\nperiod = \"2026-Q4\"\nparent = \"O-H#kh\"\naudience = [\"public\", \"exec\"]\n\n[[key_results]]\nid = \"q1\"\ntitle = \"Q one\"\nbaseline = 0\ntarget = 10\n+++\n",
        )
        .file(
            "content/initiatives/h.md",
            "+++\nid = \"I-H\"\ntitle = \"Hidden initiative\"\nstatus = \"in-progress\"\ndrives = [\"O-P#k1\"]\naudience = [\"exec\"]\n+++\n",
        )
        .file(
            "content/changes/c.md",
            "+++\ntitle = \"Public change\"\ncategory = \"added\"\nimplements = \"I-H\"\naudience = [\"public\", \"exec\"]\n+++\n",
        )
        .file(
            "content/decisions/0001-public.md",
            "+++\ntitle = \"Public decision\"\nstatus = \"accepted\"\ndate = 2026-10-01\naudience = [\"public\", \"exec\"]\n+++\n",
        )
        .file(
            "content/decisions/0002-hidden.md",
            "+++\ntitle = \"Hidden decision\"\nstatus = \"accepted\"\ndate = 2026-11-01\nsupersedes = [\"decisions/0001-public\"]\naudience = [\"exec\"]\n+++\n",
        );
    project.build().success();
    project
}

#[test]
fn why_chains_stop_at_the_first_document_a_site_hides() {
    let project = hidden_links_project();
    let (exec, public) = (project.site("exec"), project.site("public"));
    // The exec site shows every step: the change serves the key result through the
    // initiative, and the objective under the hidden one reaches the strategy.
    let change = exec.main("changes/c.html");
    assert!(
        change.contains("Hidden initiative") && change.contains("Public key result"),
        "{change}"
    );
    assert!(exec.main("objectives/q.html").contains("Public strategy"));
    // The public site hides the initiative and the hidden objective, and with them what
    // they serve: the public change and objective have no why chain there at all.
    for page in ["changes/c.html", "objectives/q.html"] {
        let html = public.main(page);
        assert!(!html.contains(r#"class="chain""#), "{page}: {html}");
        assert!(!html.contains("Public key result"), "{page}: {html}");
        assert!(!html.contains("Public strategy"), "{page}: {html}");
    }
    // The public roadmap has no risks panel: where the plan is thin is for the people
    // who run it. The exec roadmap sees the initiative.
    let roadmap = public.main("roadmap.html");
    assert!(
        !roadmap.contains("has no initiative") && !roadmap.contains("Risks"),
        "{roadmap}"
    );
    assert!(
        !exec
            .main("roadmap.html")
            .contains("(Public objective) has no initiative")
    );
    // A chain that is all visible is still shown.
    let objective = public.main("objectives/p.html");
    assert!(
        objective.contains(r#"class="chain""#) && objective.contains("Public strategy"),
        "{objective}"
    );
}

#[test]
fn a_decision_a_site_hides_does_not_make_a_public_one_superseded() {
    let project = hidden_links_project();
    let exec = project.site("exec");
    assert!(
        exec.main("decisions/0001-public.html")
            .contains("status-superseded")
    );
    let public = project.site("public");
    let decision = public.main("decisions/0001-public.html");
    assert!(decision.contains("status-accepted"), "{decision}");
    // Nowhere else either (the search index, the graph export, a status list), but for
    // the theme's style for the status.
    assert_eq!(public.files_holding("superseded"), ["assets/style.css"]);
    assert!(public.main("decisions.html").contains("Public decision"));
    // `align check` says why the public site shows it as accepted.
    let check = project.check();
    let warning = check
        .warnings()
        .into_iter()
        .find(|w| w.ends_with(" [superseded-by-internal]"))
        .unwrap_or_else(|| panic!("{}", check.stderr()));
    assert!(
        warning.contains("content/decisions/0002-hidden.md:5:1")
            && warning.contains("so that site shows it as accepted"),
        "{warning}"
    );
}

#[test]
fn default_audience_never_makes_a_document_public() {
    let config = CONFIG.replace(
        "default_audience = [\"team\"]",
        "default_audience = [\"team\", \"public\"]",
    );
    let project = Project::new()
        .config(&config)
        .file(
            "content/pages/internal.md",
            "+++\ntitle = \"CANARY-DEFAULT-7f3a\"\n+++\nCANARY-DEFAULT-BODY-7f3a\n",
        )
        .file(
            "content/pages/news.md",
            "+++\ntitle = \"News\"\naudience = [\"public\"]\n+++\nSee [[pages/internal]].\n",
        );
    project.build().success();
    assert_confined(
        &project,
        &["CANARY-DEFAULT-7f3a", "CANARY-DEFAULT-BODY-7f3a"],
        "team",
        &["public"],
    );
    let news = project.site("public").read("pages/news.html");
    assert!(news.contains("See [restricted]."), "{news}");
}

/// The visible objective and the hidden one, built with the public site's `public_fields`.
fn built_with_public_fields(fields: &str) -> Project {
    let config = format!("{CONFIG}public_fields = {fields}\n");
    let project = Project::new()
        .config(&config)
        .file("content/objectives/visible.md", VISIBLE_OBJECTIVE)
        .file(
            "content/objectives/canary-hidden-path-7f3a.md",
            HIDDEN_OBJECTIVE,
        );
    project.build().success();
    project
}

#[test]
fn public_fields_let_only_the_named_fields_through() {
    let project = built_with_public_fields(r#"["owners", "extra"]"#);
    let public = project.site("public");
    public.assert_somewhere("CANARY-OWNER-7f3a");
    public.assert_somewhere("CANARY-EXTRA-7f3a");
    public.assert_nowhere("CANARY-CHECKIN-NOTE-7f3a");
    public.assert_nowhere("17.77");
}

#[test]
fn public_fields_can_publish_scores_without_the_values_behind_them() {
    let project = built_with_public_fields(r#"["score", "health"]"#);
    let page = project.site("public").main("objectives/visible.html");
    // kr1: 10 → 20, now 17.77: score 0.77, on track.
    assert!(page.contains("on track · 0.77"), "{page}");
    for private in ["17.77", "77%", "31.31", "43.43", "0.593"] {
        assert!(!page.contains(private), "`{private}` in: {page}");
    }
    project.site("public").assert_nowhere("17.77");
    // Either one alone.
    for (fields, shown, left_out) in [
        (r#"["health"]"#, ">on track</span>", "0.77"),
        (r#"["score"]"#, ">0.77</span>", "on track"),
    ] {
        let page = built_with_public_fields(fields)
            .site("public")
            .main("objectives/visible.html");
        assert!(
            page.contains(shown) && !page.contains(left_out),
            "{fields}: {page}"
        );
    }
    // Progress alone is as fine as the page shows it: its exact value (0.777) and the
    // public baseline and target would give 17.77 back.
    let project = built_with_public_fields(r#"["progress"]"#);
    let graph = project.site("public").read("graph.json");
    assert!(graph.contains("\"progress\":0.77,"), "{graph}");
    project.site("public").assert_nowhere("0.777");
    let page = project.site("public").main("objectives/visible.html");
    assert!(page.contains("> 77%</td>"), "{page}");
}

#[test]
fn a_site_shows_no_document_outside_its_audiences() {
    let project = leak_project();
    let expected = [
        ("exec", true, true),
        ("team", false, true),
        ("public", false, true),
    ];
    for (name, hidden, visible) in expected {
        let site: Site = project.site(name);
        assert_eq!(
            site.exists("objectives/canary-hidden-path-7f3a.html"),
            hidden,
            "{name}"
        );
        assert_eq!(site.exists("objectives/visible.html"), visible, "{name}");
    }
    assert!(!project.site("public").exists("pages/internal.html"));
}

/// A team document whose exec-only block links to another document and shows an image.
fn exec_block_project() -> Project {
    let project = Project::new()
        .file(
            "content/pages/plan.md",
            "+++\ntitle = \"Plan\"\n+++\nOpen text.\n\n<!-- audience: exec -->\nBoard only: see [[pages/budget]].\n\n![chart](canary-board-chart-7f3a.png)\n<!-- /audience -->\n",
        )
        .file(
            "content/pages/budget.md",
            "+++\ntitle = \"Budget\"\n+++\nNumbers.\n",
        );
    project.write(
        "content/pages/canary-board-chart-7f3a.png",
        b"\x89PNG CANARY-BOARD-CHART-BYTES-7f3a",
    );
    project.build().success();
    project
}

#[test]
fn a_file_linked_only_from_an_exec_block_stays_off_the_team_site() {
    let project = exec_block_project();
    assert_confined(
        &project,
        &["canary-board-chart-7f3a", "CANARY-BOARD-CHART-BYTES-7f3a"],
        "exec",
        &["team"],
    );
}

#[test]
fn a_link_inside_an_exec_block_leaves_no_backlink_on_the_team_site() {
    let project = exec_block_project();
    let exec = project.site("exec").main("pages/budget.html");
    assert!(exec.contains("Referenced by"), "{exec}");
    let team = project.site("team");
    let budget = team.main("pages/budget.html");
    assert!(!budget.contains("pages/plan.html"), "{budget}");
    let graph: serde_json::Value = serde_json::from_str(&team.read("graph.json")).unwrap();
    assert_eq!(graph["edges"], serde_json::json!([]), "{graph:#}");
}

#[test]
fn a_reference_link_whose_definition_is_in_an_exec_block_shows_only_where_both_are() {
    // The link outside the block, its definition inside: a site that hides the block
    // shows `[forecast]` as text, so it may not publish the file nor record the link.
    let project = Project::new()
        .file(
            "content/pages/plan.md",
            "+++\ntitle = \"Plan\"\n+++\nSee the [forecast], the [budget] and ![chart][c].\n\n<!-- audience: exec -->\n[forecast]: canary-forecast-7f3a.pdf\n[budget]: budget.md\n[c]: canary-chart-7f3a.png\n<!-- /audience -->\n",
        )
        .file("content/pages/budget.md", "+++\ntitle = \"Budget\"\n+++\nNumbers.\n");
    project.write(
        "content/pages/canary-forecast-7f3a.pdf",
        "CANARY-FORECAST-BYTES-7f3a",
    );
    project.write(
        "content/pages/canary-chart-7f3a.png",
        "CANARY-CHART-BYTES-7f3a",
    );
    project.build().success();
    assert_confined(
        &project,
        &[
            "canary-forecast-7f3a",
            "CANARY-FORECAST-BYTES-7f3a",
            "canary-chart-7f3a",
            "CANARY-CHART-BYTES-7f3a",
        ],
        "exec",
        &["team"],
    );
    let team = project.site("team");
    assert!(!team.main("pages/budget.html").contains("pages/plan.html"));
    let graph: serde_json::Value = serde_json::from_str(&team.read("graph.json")).unwrap();
    assert_eq!(graph["edges"], serde_json::json!([]), "{graph:#}");
    let exec = project.site("exec");
    assert!(
        exec.main("pages/plan.html")
            .contains("href=\"canary-forecast-7f3a.pdf\"")
    );
    assert!(exec.main("pages/budget.html").contains("pages/plan.html"));
}

#[test]
fn a_markdown_file_is_never_published_as_a_linked_file() {
    // Links that are not read as links to a document, since they do not end in `.md` as
    // written, yet name a document's source: the file would go out whole, frontmatter,
    // owners and blocks.
    let hidden = "+++\ntitle = \"Board plan\"\naudience = [\"exec\"]\nowners = [\"CANARY-SOURCE-OWNER-7f3a\"]\n+++\nCANARY-SOURCE-BODY-7f3a\n";
    let links = [
        "[a](../initiatives/board%2Emd)",
        "[a](../initiatives/board.m%64)",
        "[a](../initiatives/board.md/)",
        // Where file names differ by case, the same file; here, a missing one.
        "[a](../initiatives/board.MD)",
        "<a href=\"../initiatives/board%2emd\">a</a>",
        "![a](chart.png)",
    ];
    for link in links {
        let project = Project::new()
            .file("content/initiatives/board.md", hidden)
            .file(
                "content/pages/open.md",
                &format!(
                    "+++\ntitle = \"Open\"\naudience = [\"public\", \"team\"]\n+++\nSee {link}.\n"
                ),
            );
        std::os::unix::fs::symlink(
            project.path().join("content/initiatives/board.md"),
            project.path().join("content/pages/chart.png"),
        )
        .unwrap();
        let run = project.build();
        if link.ends_with(".MD)") {
            run.success();
            for site in ["team", "public"] {
                project
                    .site(site)
                    .assert_nowhere("CANARY-SOURCE-OWNER-7f3a");
                project.site(site).assert_nowhere("CANARY-SOURCE-BODY-7f3a");
            }
            continue;
        }
        run.expect(1)
            .error_at("content/pages/open.md:5", &["links to a Markdown file"]);
        assert!(!project.path().join("out").exists(), "{link}");
        project.check().expect(1);
    }
    // Markdown by another extension is no document, yet as much a source.
    for name in ["notes.markdown", "notes.MKD", "notes.mdown"] {
        let project = Project::new()
            .file(&format!("content/initiatives/{name}"), hidden)
            .file(
                "content/pages/open.md",
                &format!("+++\ntitle = \"Open\"\naudience = [\"public\", \"team\"]\n+++\nSee [a](../initiatives/{name}).\n"),
            );
        project
            .build()
            .expect(1)
            .error_at("content/pages/open.md:5", &["links to a Markdown file"]);
        assert!(!project.path().join("out").exists(), "{name}");
    }
}

#[test]
fn a_line_that_only_looks_like_a_fence_shows_no_block_to_everyone() {
    let block = "<!-- audience: exec -->\n## CANARY-FENCE-HEADING-7f3a\nCANARY-FENCE-TEXT-7f3a\n<!-- /audience -->\n";
    for (name, before) in [
        ("indented", "Run `x`:\n\n    ~~~~\n    echo hi\n\n"),
        ("html", "<div>\n```\n</div>\n\n"),
        ("comment", "<!--\n```\n-->\n\n"),
        ("item", "- item\n  ```\n  code\n\nAfter.\n\n"),
    ] {
        let project = Project::new()
            .file(
                &format!("content/pages/{name}.md"),
                &format!("+++\ntitle = \"Open\"\naudience = [\"public\", \"team\", \"exec\"]\n+++\n{before}{block}"),
            )
            .config(&format!(
                "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\", \"exec\"]\n"
            ));
        project.write(
            "CHANGELOG.md",
            "# Changelog\n\n## [2.0.0] - 2026-03-01\n\nOpen prose.\n\n    ```\n<!-- audience: exec -->\nCANARY-CHANGELOG-PROSE-7f3a\n<!-- /audience -->\n\n### Added\n\n- Open thing\n  ```\n<!-- audience: exec -->\n- CANARY-CHANGELOG-ENTRY-7f3a\n<!-- /audience -->\n- Open again\n<!--\naudience: exec\n-->\n- CANARY-CHANGELOG-SPLIT-7f3a\n<!--\n/audience\n-->\n",
        );
        project.build().success();
        assert_confined(
            &project,
            &["CANARY-FENCE-TEXT-7f3a", "canary-fence-heading-7f3a"],
            "exec",
            &["team", "public"],
        );
        assert_confined(
            &project,
            &["CANARY-CHANGELOG-ENTRY-7f3a", "CANARY-CHANGELOG-SPLIT-7f3a"],
            "exec",
            &["team", "public"],
        );
        for site in common::SITES {
            project
                .site(site)
                .assert_nowhere("CANARY-CHANGELOG-PROSE-7f3a");
        }
    }
}

#[test]
fn an_imported_record_s_audience_is_never_guessed() {
    for (field, line) in [
        ("audiences: [exec]", "audiences"),
        ("Audience: [exec]", "Audience"),
        ("audience:", "audience"),
        ("audiance: [exec]", "audiance"),
        ("audence: [exec]", "audence"),
        ("visibility: [exec]", "visibility"),
        ("aud: [exec]", "aud"),
        ("target_audience: [exec]", "target_audience"),
        (
            "\u{0430}udi\u{0435}n\u{0441}e: [exec]",
            "\u{0430}udi\u{0435}n\u{0441}e",
        ),
        (
            "\u{FF41}\u{FF55}\u{FF44}\u{FF49}\u{FF45}\u{FF4E}\u{FF43}\u{FF45}: [exec]",
            "\u{FF41}\u{FF55}\u{FF44}\u{FF49}\u{FF45}\u{FF4E}\u{FF43}\u{FF45}",
        ),
        ("meta:\n  audience: [exec]", "meta"),
    ] {
        let record = format!(
            "---\nstatus: accepted\n{field}\n---\n# 4. Queue the reminders\n\nCANARY-RECORD-7f3a\n"
        );
        let project = Project::new().file("content/decisions/0004-queue.md", &record);
        let run = project.build();
        let error = run
            .expect(1)
            .error_at("content/decisions/0004-queue.md:3", &[&format!("`{line}`")]);
        assert!(error.contains("audience"), "{error}");
        assert!(!project.path().join("out").exists(), "{field}");
    }
    // Written as align reads it, the record keeps to its audience.
    let project = Project::new().file(
        "content/decisions/0004-queue.md",
        "---\nstatus: accepted\naudience: [exec]\n---\n# 4. Queue the reminders\n\nCANARY-RECORD-7f3a\n",
    );
    project.build().success();
    assert_confined(
        &project,
        &["CANARY-RECORD-7f3a"],
        "exec",
        &["team", "public"],
    );
}

#[test]
fn a_wiki_link_in_a_text_field_never_shows_its_reference() {
    let hidden = "+++\ntitle = \"Board plan\"\naudience = [\"exec\"]\n+++\n";
    let open = |summary: &str| {
        format!(
            "+++\ntitle = \"Open\"\naudience = [\"public\", \"team\"]\nsummary = \"{summary}\"\npublic_summary = \"{summary}\"\n+++\nBody.\n"
        )
    };
    let project = Project::new()
        .file("content/initiatives/canary-board-path-7f3a.md", hidden)
        .file(
            "content/pages/open.md",
            &open("See [[initiatives/canary-board-path-7f3a]]."),
        );
    let run = project.build();
    run.expect(1);
    for line in [4, 5] {
        let place = format!("content/pages/open.md:{line}:1");
        run.error_at(&place, &["without a label"]);
    }
    // The same in every field shown as text, in code or not: fields are no Markdown.
    project.write(
        "content/pages/open.md",
        open("See [[initiatives/canary-board-path-7f3a|the board's plan]]."),
    );
    project.write(
        "content/initiatives/open.md",
        "+++\ntitle = \"Open work\"\naudience = [\"public\", \"team\"]\nrationale = \"As `[[initiatives/canary-board-path-7f3a]]` asks\"\ntarget = 2026-12-01\ntarget_history = [{ date = 2026-10-01, target = 2026-11-01, reason = \"[[initiatives/canary-board-path-7f3a]](x)\" }]\n+++\n",
    );
    let run = project.build();
    run.expect(1);
    for line in [4, 6] {
        let place = format!("content/initiatives/open.md:{line}:1");
        run.error_at(&place, &["without a label"]);
    }
    project.remove("content/initiatives/open.md");
    // With a label, the label is the text, on every site and in every file.
    project.build().success();
    for site in ["team", "public"] {
        let site = project.site(site);
        site.assert_nowhere("canary-board-path-7f3a");
        assert!(
            site.read("search-index.json")
                .contains("See the board's plan."),
            "{}",
            site.read("search-index.json")
        );
    }
}

#[test]
fn a_near_miss_audience_marker_fails_closed() {
    let variants = [
        "<!-- Audience: exec -->\nCANARY-NEAR-MISS-7f3a\n<!-- /Audience -->\n",
        "<!-- audience : exec -->\nCANARY-NEAR-MISS-7f3a\n<!-- / audience -->\n",
        "> <!-- audience: exec -->\n> CANARY-NEAR-MISS-7f3a\n> <!-- /audience -->\n",
        "<!--\naudience: exec\n-->\nCANARY-NEAR-MISS-7f3a\n<!--\n/audience\n-->\n",
    ];
    for block in variants {
        let project = Project::new().file(
            "content/pages/plan.md",
            &format!("+++\ntitle = \"Plan\"\n+++\nOpen.\n\n{block}"),
        );
        let run = project.build();
        if run.code() == 0 {
            project.site("team").assert_nowhere("CANARY-NEAR-MISS-7f3a");
        } else {
            run.expect(1);
        }
    }
}

#[test]
fn text_in_an_audience_block_never_becomes_a_field_every_site_shows() {
    // A record's status, date and tags, read from its body, and a page's title heading:
    // fields are shown by every site that shows the document, so none is read from a
    // block.
    let record = "---\naudience: [public, team]\n---\n# 4. Queue the reminders\n\n<!-- audience: exec -->\n* Status: rejected\n* Date: 1999-12-31\n* Tags: canary-block-tag-7f3a\n<!-- /audience -->\n* Status: accepted\n* Date: 2026-10-01\n\nThe queue.\n";
    let project = Project::new()
        .file("content/decisions/0004-queue.md", record)
        .file(
            "content/pages/a.md",
            "+++\naudience = [\"public\", \"team\"]\n+++\n<!-- audience: exec -->\n# CANARY-BLOCK-TITLE-7f3a\n<!-- /audience -->\n\nOpen text.\n",
        );
    project.build().expect(1).error_at(
        "content/pages/a.md:1:1",
        &["document has no title", "audience block"],
    );
    project.write(
        "content/pages/a.md",
        "---\naudience: [public, team]\n---\n# Open title <!-- CANARY-TITLE-COMMENT-7f3a -->\n\n<!-- audience: exec -->\nCANARY-BLOCK-TEXT-7f3a\n<!-- /audience -->\n",
    );
    project.build().success();
    for site in ["team", "public"] {
        let site = project.site(site);
        let page = site.main("decisions/0004-queue.html");
        assert!(page.contains("status-accepted"), "{page}");
        assert!(
            page.contains("2026-10-01") && !page.contains("1999"),
            "{page}"
        );
        assert!(!page.contains("rejected"), "{page}");
        for canary in ["canary-block-tag-7f3a", "CANARY-BLOCK-TEXT-7f3a"] {
            site.assert_nowhere(canary);
        }
        assert!(
            site.main("pages/a.html")
                .contains("<h1 dir=\"auto\">Open title</h1>")
        );
    }
    let exec = project.site("exec");
    exec.assert_somewhere("CANARY-BLOCK-TEXT-7f3a");
    exec.assert_somewhere("canary-block-tag-7f3a");
    for site in common::SITES {
        project
            .site(site)
            .assert_nowhere("CANARY-TITLE-COMMENT-7f3a");
    }
}

/// A project importing `CHANGELOG.md` (`changelog`) for the public and the team.
fn changelog_project(changelog: &str) -> Project {
    Project::new()
        .config(&format!(
            "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n"
        ))
        .file("content/pages/about.md", "+++\ntitle = \"About\"\n+++\nAbout us.\n")
        .file("CHANGELOG.md", changelog)
}

#[test]
fn an_imported_change_of_several_audiences_names_none_in_its_path() {
    // The team site would learn of the exec audience from `exec+team-001.html`.
    let project = Project::new()
        .config(&format!(
            "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\", \"exec\"]\n"
        ))
        .file("content/pages/about.md", "+++\ntitle = \"About\"\n+++\nAbout us.\n")
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [1.1.0] - 2026-03-01\n\n### Added\n\n<!-- audience: team, exec -->\n- Internal thing\n<!-- /audience -->\n- Public thing\n",
        );
    project.build().success();
    let team = project.site("team");
    team.assert_nowhere("exec");
    assert!(
        team.files()
            .iter()
            .any(|f| f.starts_with("changelog/v1.1.0/a") && f.ends_with("-001.html")),
        "{:?}",
        team.files()
    );
    // Nor can a name guessed be checked against the hash: it is keyed with every audience
    // of align.toml.
    let guessed = format!("a{}", &blake3::hash(b"exec\nteam").to_hex()[..8]);
    team.assert_nowhere(&guessed);
}

#[test]
fn an_imported_changelogs_audience_blocks_keep_their_text_to_their_audiences() {
    let project = changelog_project(
        "# Changelog\n\n## [1.1.0] - 2026-03-01\n\nOpening prose.\n<!-- audience: team -->\nCANARY-RELEASE-PROSE-7f3a\n<!-- /audience -->\n\n### Added\n\n- Public thing\n<!-- audience: team -->\n- CANARY-TEAM-BULLET-7f3a\n  continued CANARY-TEAM-MORE-7f3a\n<!-- /audience -->\n- Another <!-- CANARY-ENTRY-COMMENT-7f3a --> thing\n",
    );
    let run = project.build();
    run.success();
    assert!(
        run.warnings()
            .iter()
            .any(|w| w.contains("CHANGELOG.md:7:1") && w.contains("[withheld-prose]")),
        "{:?}",
        run.warnings()
    );
    assert_confined(
        &project,
        &["CANARY-TEAM-BULLET-7f3a", "CANARY-TEAM-MORE-7f3a"],
        "team",
        &["public"],
    );
    for site in common::SITES {
        let site = project.site(site);
        site.assert_nowhere("CANARY-RELEASE-PROSE-7f3a");
        site.assert_nowhere("CANARY-ENTRY-COMMENT-7f3a");
    }
    // The changelog shows each entry as written, its comment left out as on its page.
    let public = project.site("public").main("changelog.html");
    assert!(
        public.contains("<li>Public thing <a class=\"permalink\"")
            && public.contains("<li>Another  thing <a class=\"permalink\""),
        "{public}"
    );
    let feed = project.site("public").read("feed.xml");
    assert!(
        feed.contains("&lt;li&gt;Another  thing&lt;/li&gt;"),
        "{feed}"
    );
    assert!(public.contains("Opening prose."), "{public}");
    // The public site's changes are numbered without a gap where the team's stands.
    let site = project.site("public");
    assert!(site.exists("changelog/v1.1.0/001.html") && site.exists("changelog/v1.1.0/002.html"));
    assert!(!site.exists("changelog/v1.1.0/003.html"));
    assert!(
        project
            .site("team")
            .exists("changelog/v1.1.0/team-001.html")
    );
    // A block for an audience the changelog's own does not hold: no site shows its
    // changes, and the warning says so.
    project.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [1.1.0] - 2026-03-01\n\n### Added\n\n<!-- audience: exec -->\n- CANARY-EXEC-BULLET-7f3a\n<!-- /audience -->\n- Public thing\n",
    );
    let run = project.build();
    run.success();
    assert!(
        run.warnings().iter().any(|w| w.contains("CHANGELOG.md:8:1")
            && w.contains("share no audience with `changelog_audience`, so no site shows it")),
        "{:?}",
        run.warnings()
    );
    for site in common::SITES {
        project.site(site).assert_nowhere("CANARY-EXEC-BULLET-7f3a");
    }
}

#[test]
fn headings_and_link_definitions_in_an_imported_changelogs_blocks_stay_with_their_audiences() {
    let project = changelog_project(
        "# Changelog\n\n<!-- audience: team -->\n## [2.0.0-canaryver7f3a] - 2026-09-01\n### Added\n- Team-only entry\n<!-- /audience -->\n- CANARY-UNDER-TEAM-RELEASE-7f3a\n\n## [1.1.0] - 2026-08-01\n### Added\n- Public add, see [the diff][1.1.0]\n<!-- audience: team -->\n- Team-only add\n### CANARY-SECTION-7f3a\n- Team-only entry in its own section\n<!-- /audience -->\n- CANARY-UNDER-TEAM-SECTION-7f3a\n\n<!-- audience: team -->\n[1.1.0]: https://git.example/compare/CANARY-COMPARE-7f3a\n<!-- /audience -->\n",
    );
    let run = project.build();
    run.success();
    // What is written under a heading in a block is for the block's audiences, after the
    // block closes too: the release, the section's name and their changes.
    assert_confined(
        &project,
        &[
            "canaryver7f3a",
            "CANARY-UNDER-TEAM-RELEASE-7f3a",
            "CANARY-SECTION-7f3a",
            "CANARY-UNDER-TEAM-SECTION-7f3a",
        ],
        "team",
        &["public"],
    );
    // A link definition in a block would serve every site: it is left out, with a word.
    for site in common::SITES {
        project.site(site).assert_nowhere("CANARY-COMPARE-7f3a");
    }
    assert!(
        run.warnings()
            .iter()
            .any(|w| w.contains("CHANGELOG.md:21:1")
                && w.contains("link definition inside an audience block")),
        "{:?}",
        run.warnings()
    );
    // A link that names it reads as its text, not as written (`[the diff][1.1.0]`).
    let public = project.site("public").main("changelog.html");
    assert!(
        public.contains("Public add, see the diff") && public.contains("1.1.0"),
        "{public}"
    );
    for site in common::SITES {
        project.site(site).assert_nowhere("[the diff]");
        project.site(site).assert_nowhere("align-hidden");
    }
}

#[test]
fn deciders_read_from_an_imported_records_body_stay_off_the_public_site() {
    let project = Project::new().file(
        "content/decisions/0001-use-postgres.md",
        "---\naudience: [public, team]\n---\n# Use PostgreSQL\n\n* Status: accepted\n* Deciders: CANARY-DECIDER-7f3a, Raj\n* Date: 2026-01-03\n\n## Context\n\nWe need a database.\n",
    );
    project.build().success();
    // The line is the field now: shown where deciders are, as a field.
    let team = project
        .site("team")
        .main("decisions/0001-use-postgres.html");
    assert!(
        team.contains("<dt>Deciders</dt><dd>CANARY-DECIDER-7f3a, Raj</dd>"),
        "{team}"
    );
    assert_eq!(team.matches("CANARY-DECIDER-7f3a").count(), 1, "{team}");
    project.site("public").assert_nowhere("CANARY-DECIDER-7f3a");
    let public = project
        .site("public")
        .main("decisions/0001-use-postgres.html");
    assert!(public.contains("We need a database."), "{public}");
}

#[test]
fn an_imported_record_s_title_and_status_name_no_hidden_document() {
    let project = Project::new()
        .file(
            "content/decisions/0002-canary-path-7f3a.md",
            "---\nstatus: accepted\naudience: [exec]\n---\n# Secret merger\n",
        )
        .file(
            "content/decisions/0001-pub.md",
            "---\nstatus: accepted\naudience: [public, team]\n---\n# Follow-up to [the plan](0002-canary-path-7f3a.md) and `x`\n",
        )
        .file(
            "content/decisions/0003-pub.md",
            "---\naudience: [public, team]\n---\n# Public one\n\n* Status: deprecated by [ADR-0002](0002-canary-path-7f3a.md)\n",
        )
        .file(
            "content/decisions/0004-pub.md",
            "# 4. Nygard\n\n<!-- audience: public, team -->\n\n## Status\n\nDeprecated by [the other one](0002-canary-path-7f3a.md)\n\n<!-- /audience -->\n",
        );
    project.build().success();
    for site in ["public", "team"] {
        project.site(site).assert_nowhere("canary-path-7f3a");
    }
    let team = project.site("team");
    let page = team.main("decisions/0001-pub.html");
    assert!(
        page.contains("<h1 dir=\"auto\">Follow-up to the plan and x</h1>"),
        "{page}"
    );
    let graph = team.read("graph.json");
    assert!(
        graph.contains("\"status\":\"deprecated by ADR-0002\""),
        "{graph}"
    );
}

#[test]
fn raw_html_shown_as_text_names_no_hidden_document() {
    let page = "+++\ntitle = \"Page\"\naudience = [\"public\", \"team\"]\n+++\nSee <a href=\"canary-path-7f3a.md\" title=\"canary-path-7f3a.md\">the plan</a> and <q cite=\"canary-path-7f3a&#46;md\">this</q>.\n\n<img alt=\"x\" srcset=\"canary-path-7f3a.md 2x, a.png 1x\" style=\"background: url('Canary-Path-7f3a%2EMD#top')\">\n";
    let hidden = "+++\ntitle = \"Internal\"\naudience = [\"exec\"]\n+++\n";
    // Shown as text on the site's word, and past the sanitiser's bound on its own.
    let escape = CONFIG.replace("public = true", "public = true\nraw_html = \"escape\"");
    let past = format!("{page}\n{}\n", "<div>".repeat(9000));
    for (config, body) in [(escape.as_str(), page.to_string()), (CONFIG, past)] {
        let project = Project::new()
            .config(config)
            .file("content/pages/page.md", &body)
            .file("content/pages/canary-path-7f3a.md", hidden);
        project.build().success();
        let public = project.site("public");
        public.assert_nowhere("canary-path-7f3a");
        let shown = public.main("pages/page.html");
        assert!(
            shown.contains("&lt;a href=\"[restricted]\" title=\"[restricted]\"&gt;the plan"),
            "{shown}"
        );
        // Paths among other words of a value are masked one by one.
        assert!(
            shown.contains(
                "srcset=\"[restricted] 2x, a.png 1x\" style=\"background: url('[restricted]')\""
            ),
            "{shown}"
        );
    }
}

/// An imported record's people are fields, which a public site leaves out: the names a
/// `Deciders:` line leaves to the lines after it (a list under it, a list of names ended
/// with a comma) go with it, and so does a `Deciders:`, `Consulted:` or `Informed:` line
/// whose field the frontmatter gives, or that stands in any section of the record.
#[test]
fn people_named_over_several_lines_of_a_record_stay_off_public_sites() {
    let record = |n: u32, fields: &str| {
        format!(
            "---\naudience: [public, team]\n---\n# {n}. R{n}\n\n{fields}\n\n## Context\n\nContext {n}.\n"
        )
    };
    let project = Project::new()
        .file(
            "content/decisions/0001-a.md",
            &record(1, "- Status: accepted\n- Deciders:\n  - CANARY-PEOPLE-1\n  - CANARY-PEOPLE-2\n- Date: 2020-01-01"),
        )
        .file(
            "content/decisions/0002-b.md",
            &record(2, "Deciders: CANARY-PEOPLE-3,\nCANARY-PEOPLE-4\n\nStatus: accepted"),
        )
        .file(
            "content/decisions/0003-c.md",
            &record(3, "> Status: accepted\n> **Deciders:** CANARY-PEOPLE-5,\n> CANARY-PEOPLE-6"),
        )
        .file(
            "content/decisions/0004-d.md",
            &record(4, "* Status: accepted\n* Deciders: CANARY-PEOPLE-7,\n  CANARY-PEOPLE-8\n* Date: 2020-02-02"),
        )
        .file(
            "content/decisions/0005-e.md",
            "---\naudience: [public, team]\ndeciders: [Alice Example]\n---\n# 5. E\n\nStatus: accepted\n\nDeciders: CANARY-PEOPLE-9\n\nConsulted: CANARY-PEOPLE-10\n\nInformed:\n- CANARY-PEOPLE-11\n\nProse stays.\n",
        )
        // Under a later section's heading, as some records write them.
        .file(
            "content/decisions/0006-f.md",
            "---\naudience: [public, team]\n---\n# 6. F\n\n## Status\n\nAccepted\n\n## Context\n\nDeciders: CANARY-PEOPLE-12, CANARY-PEOPLE-13\n\nWe need a database.\n\n## Decision Makers\n\n- Informed: CANARY-PEOPLE-14\n\n    Deciders: an example, indented as code\n",
        );
    project.build().success();
    project.site("public").assert_nowhere("CANARY-PEOPLE");
    let team = project.site("team");
    for (page, names) in [
        ("0001-a", "CANARY-PEOPLE-1, CANARY-PEOPLE-2"),
        ("0002-b", "CANARY-PEOPLE-3, CANARY-PEOPLE-4"),
        ("0003-c", "CANARY-PEOPLE-5, CANARY-PEOPLE-6"),
        ("0004-d", "CANARY-PEOPLE-7, CANARY-PEOPLE-8"),
    ] {
        let page = team.main(&format!("decisions/{page}.html"));
        let body = &page[page.find("<div class=\"body\"").expect("a body")..];
        assert!(
            page.contains(&format!("<dt>Deciders</dt><dd>{names}</dd>"))
                && !body.contains("CANARY-PEOPLE")
                && !body.contains("<pre>"),
            "{page}"
        );
    }
    let five = team.main("decisions/0005-e.html");
    assert!(
        five.contains("<dt>Deciders</dt><dd>Alice Example</dd>")
            && five.contains("<dt>Consulted</dt><dd>CANARY-PEOPLE-10</dd>")
            && five.contains("<dt>Informed</dt><dd>CANARY-PEOPLE-11</dd>")
            && five.contains("<p>Prose stays.</p>")
            && !five.contains("CANARY-PEOPLE-9"),
        "{five}"
    );
    let six = team.main("decisions/0006-f.html");
    assert!(
        six.contains("<dt>Deciders</dt><dd>CANARY-PEOPLE-12, CANARY-PEOPLE-13</dd>")
            && six.contains("<dt>Informed</dt><dd>CANARY-PEOPLE-14</dd>")
            && six.contains("<p>We need a database.</p>")
            && six.contains("Deciders: an example, indented as code"),
        "{six}"
    );
}

/// A labelled wiki link in a table cell written with a bare `|` (`[[X|label]]`, where a
/// table wants `\|`) is the link it is meant to be, not a cell showing `[[X`.
#[test]
fn a_wiki_link_cut_by_a_table_s_pipe_shows_no_reference() {
    let project = Project::new()
        .file(
            "content/pages/hidden.md",
            "+++\nid = \"CANARY-CELL-ID-4e1d\"\ntitle = \"CANARY-CELL-TITLE-4e1d\"\naudience = [\"team\"]\n+++\nx\n",
        )
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\naudience = [\"public\", \"team\"]\n+++\n| Doc | Note |\n|---|---|\n| [[CANARY-CELL-ID-4e1d|the plan]] | x |\n| y | [[CANARY-CELL-ID-4e1d|its|parts]] |\n",
        );
    project.build().success();
    project.site("public").assert_nowhere("CANARY-CELL");
    let public = project.site("public").main("pages/a.html");
    assert!(
        public.contains("<td>the plan</td><td>x</td>") && public.contains("<td>its|parts</td>"),
        "{public}"
    );
    let team = project.site("team").main("pages/a.html");
    assert!(
        team.contains(r#"<td><a href="../pages/hidden.html">the plan</a></td><td>x</td>"#),
        "{team}"
    );
}

/// A hidden document's path in raw HTML however a browser reads it: among other words
/// of any attribute, with a tab or a line break within it (which the URL parser drops),
/// in capitals, or with a numeric reference that lacks its `;`; on sanitised and on
/// escaped sites alike.
#[test]
fn raw_html_names_no_hidden_document_however_its_path_is_written() {
    let page = "+++\ntitle = \"Page\"\naudience = [\"public\", \"team\"]\n+++\n<span title=\"see canary-path-9b2c.md now\">a</span> <a href=\"canary-path-9b2c.m&#10;d\">b</a> <a href=\"canary-path-9b2c.m\td\">c</a> <a href=\"CANARY-PATH-9B2C.MD\">d</a> <a href=\"canary-path-9b2c&#46md\">e</a> <a href=\"shown&#46md\">f</a>\n";
    let hidden = "+++\ntitle = \"Internal\"\naudience = [\"exec\"]\n+++\n";
    let shown = "+++\ntitle = \"Shown\"\naudience = [\"public\", \"team\"]\n+++\n";
    let escape = CONFIG.replace("public = true", "public = true\nraw_html = \"escape\"");
    for config in [CONFIG, escape.as_str()] {
        let project = Project::new()
            .config(config)
            .file("content/pages/page.md", page)
            .file("content/pages/canary-path-9b2c.md", hidden)
            .file("content/pages/shown.md", shown);
        project.build().success();
        let public = project.site("public");
        public.assert_nowhere("canary-path-9b2c");
        public.assert_nowhere("CANARY-PATH-9B2C");
        // The reference without its `;` still leads where a browser goes.
        let page = public.main("pages/page.html");
        assert!(page.contains("shown.html"), "{page}");
    }
}

#[test]
fn a_title_heading_reads_as_plain_words_and_names_no_hidden_document() {
    let hidden = "+++\nid = \"P-CANARY-ID-7f3a\"\ntitle = \"Internal\"\naudience = [\"exec\"]\n+++\n## Canary heading 7f3a\n";
    let project = Project::new()
        .file("content/pages/canary-path-7f3a.md", hidden)
        .file(
            "content/pages/a.md",
            "+++\naudience = [\"public\", \"team\"]\n+++\n# Notes on [the plan](canary-path-7f3a.md#canary-heading-7f3a), `jiff` and <a href=\"canary-path-7f3a.md\">x</a>\n\nText.\n",
        )
        .file(
            "content/pages/b.md",
            "+++\naudience = [\"public\", \"team\"]\n+++\n# Working with [[P-CANARY-ID-7f3a|the board]]\n",
        )
        // A heading that is not the title (the field is) is the body's, linked per site.
        .file(
            "content/pages/c.md",
            "+++\ntitle = \"C\"\naudience = [\"public\", \"team\"]\n+++\n# About [[P-CANARY-ID-7f3a]] and `[[code]]`\n",
        );
    project.build().success();
    for site in ["public", "team"] {
        let site = project.site(site);
        for canary in [
            "canary-path-7f3a",
            "P-CANARY-ID-7f3a",
            "canary-heading-7f3a",
        ] {
            site.assert_nowhere(canary);
        }
        assert!(
            site.main("pages/a.html")
                .contains("<h1 dir=\"auto\">Notes on the plan, jiff and x</h1>")
        );
        assert!(
            site.main("pages/b.html")
                .contains("<h1 dir=\"auto\">Working with the board</h1>")
        );
    }
    // Without a label the words would depend on the site: an error at the heading.
    project.write(
        "content/pages/b.md",
        "+++\naudience = [\"public\", \"team\"]\n+++\n# Working with [[P-CANARY-ID-7f3a]]\n",
    );
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/pages/b.md:4:1",
        &["the title heading names `[[P-CANARY-ID-7f3a]]` without a label"],
    );
}

#[test]
fn an_imported_changelogs_wiki_links_and_local_links_name_no_document() {
    let project = changelog_project(
        "# Changelog\n\n## [1.0.0] - 2026-08-01\nHighlights: see [[P-CANARY-ID-7f3a]] and [notes](content/pages/canary-path-7f3a.md).\n\n### Added\n- Faster sync, designed in [[P-CANARY-ID-7f3a]] and [[P-CANARY-ID-7f3a|the plan]]\n",
    )
    .file(
        "content/pages/canary-path-7f3a.md",
        "+++\nid = \"P-CANARY-ID-7f3a\"\ntitle = \"Internal\"\naudience = [\"team\"]\n+++\n",
    );
    let run = project.build();
    run.success();
    let public = project.site("public");
    for canary in ["canary-path-7f3a", "P-CANARY-ID-7f3a"] {
        public.assert_nowhere(canary);
    }
    let changelog = public.main("changelog.html");
    assert!(
        changelog.contains("Faster sync, designed in [restricted] and the plan")
            && changelog.contains("Highlights: see [restricted] and notes."),
        "{changelog}"
    );
    assert!(
        run.warnings()
            .iter()
            .any(|w| w.contains("CHANGELOG.md:4:42")
                && w.contains("links to `content/pages/canary-path-7f3a.md`")),
        "{:?}",
        run.warnings()
    );
}

#[test]
fn links_within_a_page_and_unusual_spellings_keep_hidden_headings_and_paths_off_a_site() {
    let project = Project::new()
        .file(
            "content/initiatives/canary-deal-path-7f3a.md",
            "+++\ntitle = \"Deal\"\naudience = [\"team\"]\n+++\nThe deal.\n",
        )
        .file(
            "content/pages/p.md",
            "+++\ntitle = \"P\"\naudience = [\"public\", \"team\"]\n+++\n<!-- audience: team -->\n## Deal {#canary-deal-anchor-7f3a}\n\n## Risks\n<!-- /audience -->\n\n## Risks\n\n[a](#canary-deal-anchor-7f3a) [b](#risks-1) <a href=\"  ../initiatives/canary-deal-path-7f3a.md  \">c</a> [d](/initiatives/canary-deal-path-7f3a.md) [e](/content/initiatives/canary-deal-path-7f3a.md)\n",
        );
    project.build().success();
    let public = project.site("public");
    let page = public.main("pages/p.html");
    assert!(
        page.contains(r##"<p>a <a href="#risks">b</a> <a>c</a> d e</p>"##),
        "{page}"
    );
    for canary in [
        "canary-deal-anchor-7f3a",
        "canary-deal-path-7f3a",
        "risks-1",
    ] {
        public.assert_nowhere(canary);
    }
    let team = project.site("team").main("pages/p.html");
    for link in [
        r##"<a href="#canary-deal-anchor-7f3a">a</a>"##,
        r##"<a href="#risks-1">b</a>"##,
        r#"<a href="../initiatives/canary-deal-path-7f3a.html">c</a>"#,
        r#"<a href="../initiatives/canary-deal-path-7f3a.html">d</a>"#,
        r#"<a href="../initiatives/canary-deal-path-7f3a.html">e</a>"#,
    ] {
        assert!(team.contains(link), "{link}: {team}");
    }
    // A rooted path to no document is a broken reference, as a relative one is.
    project.write(
        "content/pages/q.md",
        "+++\ntitle = \"Q\"\n+++\nSee [gone](/pages/gone.md).\n",
    );
    project.build().expect(1).error_at(
        "content/pages/q.md:4:5",
        &["`/pages/gone.md` names no document"],
    );
}

#[test]
fn an_audience_block_for_no_one_in_an_imported_changelog_is_an_error() {
    // Its entries would be on no site, without a word.
    let project = changelog_project(
        "# Changelog\n\n## [1.1.0] - 2026-11-20\n\n### Added\n\n- Dark mode\n<!-- audience: -->\n- CANARY-DEAL-7f3a\n<!-- /audience -->\n",
    );
    let run = project.build();
    run.expect(1);
    assert_eq!(run.errors().len(), 1, "{}", run.stderr());
    run.error_at("CHANGELOG.md:8:1", &["audience block names no audience"]);
    assert!(!project.path().join("out").exists());
}

#[test]
fn a_mistyped_or_missing_marker_in_an_imported_changelog_fails_closed() {
    // The opening marker misspelled is a plain comment: its closing one closes nothing.
    for opening in ["<!-- audiance: exec -->", "<!-- exec only -->", ""] {
        let project = changelog_project(&format!(
            "# Changelog\n\n## [1.1.0] - 2026-11-20\n\n### Added\n\n- Dark mode\n{opening}\n- CANARY-DEAL-7f3a\n<!-- /audience -->\n"
        ));
        let run = project.build();
        run.expect(1);
        run.error_at("CHANGELOG.md:10:1", &["closes no open audience block"]);
        assert!(!project.path().join("out").exists(), "{opening}");
    }
    // A block never closed keeps what follows it for its audiences, and says so.
    let project = changelog_project(
        "# Changelog\n\n## [1.1.0] - 2026-11-20\n\n### Added\n\n- Dark mode\n<!-- audience: exec -->\n- CANARY-DEAL-7f3a\n",
    );
    let run = project.build();
    run.expect(1);
    run.error_at("CHANGELOG.md:8:1", &["never closed"]);
}

#[test]
fn a_near_miss_audience_marker_in_an_imported_changelog_fails_closed() {
    // The word as a plural, and misspelled the same way at both ends.
    for (open, close) in [
        ("audiences: team", "/audiences"),
        ("audiance: exec", "/audiance"),
    ] {
        let project = changelog_project(&format!(
            "# Changelog\n\n## [1.1.0] - 2026-03-01\n\n### Added\n\n- Public thing\n<!-- {open} -->\n- CANARY-NEAR-MISS-ENTRY-7f3a\n<!-- {close} -->\n"
        ));
        let run = project.build();
        run.expect(1);
        for line in [8, 10] {
            run.error_at(
                &format!("CHANGELOG.md:{line}:1"),
                &["looks like an audience marker"],
            );
        }
        assert!(!project.path().join("out").exists());
    }
}

#[test]
fn embeds_and_links_to_ids_another_audience_s_block_holds_say_nothing_of_them() {
    let project = Project::new()
        .file(
            "content/pages/hidden.md",
            "+++\nid = \"CANARY-EMBED-ID-7f3a\"\ntitle = \"CANARY-EMBED-TITLE-7f3a\"\naudience = [\"team\"]\n+++\nx\n",
        )
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\naudience = [\"public\", \"team\"]\n+++\nSee [note](#fn-canary-note-7f3a) and [box](#canary-box-7f3a), [faq](#faq).\n\nEmbeds: ![[CANARY-EMBED-ID-7f3a]], ![[hidden.md]] and [[CANARY-EMBED-ID-7f3a|]].\n\n<!-- audience: team -->\nInternal claim.[^canary-note-7f3a]\n\n<div id=\"canary-box-7f3a\">x</div>\n\n[^canary-note-7f3a]: The board's note.\n<!-- /audience -->\n\n<div id=\"faq\">FAQ</div>\n",
        );
    project.write(
        "content/pages/b.md",
        "+++\ntitle = \"B\"\naudience = [\"public\", \"team\"]\n+++\n[n](a.md#fn-canary-note-7f3a) [x](a.md#canary-box-7f3a) [f](a.md#faq) [[pages/a#faq|wiki faq]]\n",
    );
    let run = project.build();
    run.success();
    for canary in [
        "CANARY-EMBED-ID-7f3a",
        "CANARY-EMBED-TITLE-7f3a",
        "hidden.md",
        "canary-note-7f3a",
        "canary-box-7f3a",
    ] {
        project.site("public").assert_nowhere(canary);
    }
    let public = project.site("public").main("pages/a.html");
    assert!(
        public.contains("See note and box, <a href=\"#faq\">faq</a>.")
            && public.contains("Embeds: [restricted], [restricted] and [restricted]."),
        "{public}"
    );
    // The team's page shows the embeds as links to the page, titled, and keeps the
    // links within the page.
    let team = project.site("team").main("pages/a.html");
    let link = r#"<a href="../pages/hidden.html">CANARY-EMBED-TITLE-7f3a</a>"#;
    assert!(
        team.matches(link).count() == 3
            && team.contains(r##"<a href="#fn-canary-note-7f3a">note</a>"##)
            && team.contains(r##"<a href="#canary-box-7f3a">box</a>"##),
        "{team}"
    );
    // Another document's links keep the anchors of the ids the site's page has.
    let from = |site: &str| project.site(site).main("pages/b.html");
    let b = from("public");
    assert!(
        b.contains(r#"<a href="../pages/a.html">n</a> <a href="../pages/a.html">x</a>"#)
            && b.contains(r##"<a href="../pages/a.html#faq">f</a> <a href="../pages/a.html#faq">wiki faq</a>"##),
        "{b}"
    );
    let b = from("team");
    assert!(
        b.contains(r##"<a href="../pages/a.html#fn-canary-note-7f3a">n</a> <a href="../pages/a.html#canary-box-7f3a">x</a> <a href="../pages/a.html#faq">f</a>"##),
        "{b}"
    );
}

/// A heading's anchor is made from its words as written, without the title a wiki link
/// shows: the same anchor on every site, the one `check` knows, and never the hidden
/// document's id, title or the `[restricted]` that stands for it.
#[test]
fn a_heading_holding_a_wiki_link_has_one_anchor_on_every_site() {
    let project = Project::new()
        .file(
            "content/pages/hidden.md",
            "+++\nid = \"CANARY-HEADING-ID-5c1e\"\ntitle = \"CANARY-HEADING-TITLE-5c1e\"\naudience = [\"team\"]\n+++\nx\n",
        )
        .file(
            "content/pages/shown.md",
            "+++\ntitle = \"Internal name\"\npublic_title = \"Public name\"\naudience = [\"public\", \"team\"]\n+++\nx\n",
        )
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\naudience = [\"public\", \"team\"]\n+++\n## About [[CANARY-HEADING-ID-5c1e]]\n\n## Beside [[pages/shown]]\n\n## Under ![[pages/shown]] and [[pages/hidden|the plan]]\n\nSee [about](#about), [beside](#beside) and [under](#under-and-the-plan).\n",
        )
        .file(
            "content/pages/b.md",
            "+++\ntitle = \"B\"\naudience = [\"public\", \"team\"]\n+++\n[a](a.md#about) [[pages/a#beside|b]] [c](a.md#under-and-the-plan)\n",
        );
    let check = project.check();
    check.success();
    // Only the two links to the team's document, not shown on the public site.
    let warnings = check.warnings();
    assert!(
        warnings.len() == 2 && warnings.iter().all(|w| !w.contains("anchor")),
        "{}",
        check.stderr()
    );
    project.build().success();
    project.site("public").assert_nowhere("CANARY-HEADING");
    for site in ["public", "team"] {
        let a = project.site(site).main("pages/a.html");
        for id in ["about", "beside", "under-and-the-plan"] {
            assert!(
                a.contains(&format!(" id=\"{id}\"")) && a.contains(&format!("href=\"#{id}\"")),
                "{site}: {id}: {a}"
            );
        }
        assert!(
            !a.contains("id=\"about-") && !a.contains("id=\"beside-"),
            "{site}: {a}"
        );
        let b = project.site(site).main("pages/b.html");
        assert!(
            b.contains(r##"<a href="../pages/a.html#about">a</a> <a href="../pages/a.html#beside">b</a> <a href="../pages/a.html#under-and-the-plan">c</a>"##),
            "{site}: {b}"
        );
    }
}

/// When the team means to review a document is its own process: a public site shows no
/// `review_by`, on the page or in graph.json.
#[test]
fn a_public_site_shows_no_review_date() {
    let project = Project::new().file(
        "content/pages/p.md",
        "+++\ntitle = \"P\"\naudience = [\"public\", \"team\"]\nreview_by = 2027-03-17\n+++\nText.\n",
    );
    project.build().success();
    project.site("public").assert_nowhere("2027-03-17");
    let team = project.site("team");
    assert!(team.main("pages/p.html").contains("2027-03-17"));
    assert!(
        team.read("graph.json")
            .contains("\"review_by\":\"2027-03-17\"")
    );
}

/// A marker whose word holds a character that shows nothing (a soft hyphen, a joiner) at
/// both ends reads as `audience` but is none: the build fails rather than show the block
/// to everyone, in a document and in an imported changelog alike.
#[test]
fn a_marker_with_an_invisible_character_in_its_word_fails_the_build() {
    let config = format!(
        "{}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n",
        common::CONFIG
    );
    let project = Project::new()
        .config(&config)
        .file(
            "content/pages/p.md",
            "+++\ntitle = \"P\"\naudience = [\"public\", \"team\"]\n+++\n\n<!-- aud\u{AD}ience: team -->\nCANARY-SHY-9e2f\n<!-- /aud\u{AD}ience -->\n",
        )
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [1.0.0] - 2026-10-01\n\n### Added\n\n<!-- audi\u{200D}ence: team -->\n- CANARY-ZWJ-9e2f\n<!-- /audi\u{200D}ence -->\n- Export\n",
        );
    let run = project.build();
    run.expect(1);
    run.error_at("content/pages/p.md:6:1", &["looks like an audience marker"]);
    run.error_at("CHANGELOG.md:7:1", &["looks like an audience marker"]);
    assert!(!project.path().join("out").exists());
}

#[test]
fn a_footnote_defined_in_an_imported_changelog_s_block_adds_nothing_to_any_entry() {
    let project = changelog_project(
        "# Changelog\n\n## [1.0.0] - 2021-01-01\n\nA big release[^rel].\n\n### Added\n- Entry one[^e1]\n- Entry two\n<!-- audience: team -->\n[^e1]: CANARY-NOTE-3b7c hidden footnote\n[^rel]: CANARY-REL-3b7c\n<!-- /audience -->\n",
    );
    project.build().success();
    // No note, no placeholder, and no reference to it, in the entries, their titles and
    // the release's prose.
    for site in common::SITES {
        for gone in [
            "CANARY-NOTE-3b7c",
            "CANARY-REL-3b7c",
            "align-hidden",
            "footnote-definition",
            "[^e1]",
            "[^rel]",
        ] {
            project.site(site).assert_nowhere(gone);
        }
    }
    let two = project.site("public").main("changelog/v1.0.0/002.html");
    assert!(two.contains("<p>Entry two</p>"), "{two}");
    let one = project.site("public").main("changelog/v1.0.0/001.html");
    assert!(one.contains("<p>Entry one</p>"), "{one}");
    let release = project.site("public").main("changelog/v1.0.0.html");
    assert!(release.contains("<p>A big release.</p>"), "{release}");
}

#[test]
fn a_title_heading_s_footnote_reference_is_no_part_of_the_title() {
    let project = Project::new().file(
        "content/pages/plan.md",
        "---\naudience: [public, team]\n---\n# Plan[^canary-deal-5e1a]\n\nText.\n\n<!-- audience: team -->\n[^canary-deal-5e1a]: The deal.\n<!-- /audience -->\n",
    );
    project.build().success();
    let public = project.site("public");
    public.assert_nowhere("canary-deal-5e1a");
    let page = public.read("pages/plan.html");
    assert!(page.contains("<h1 dir=\"auto\">Plan</h1>"), "{page}");
}

#[test]
fn a_footnote_reference_in_an_imported_record_s_field_line_is_no_part_of_the_field() {
    let project = Project::new().file(
        "content/decisions/0003-z.md",
        "---\naudience: [public, team]\n---\n# 3. Z\n\nStatus: Accepted[^canary-s-9d0b]\nDeciders: Ann[^canary-d-9d0b], Bob\nDate: 2021-01-05[^canary-t-9d0b]\n\n## Context\n\nC.\n\n<!-- audience: team -->\n[^canary-s-9d0b]: why\n[^canary-d-9d0b]: who\n[^canary-t-9d0b]: when\n<!-- /audience -->\n",
    );
    project.build().success();
    let public = project.site("public");
    public.assert_nowhere("canary-s-9d0b");
    public.assert_nowhere("canary-t-9d0b");
    public.assert_nowhere("canary-d-9d0b");
    let page = public.main("decisions/0003-z.html");
    assert!(
        page.contains("status-accepted\">accepted") && page.contains("<dt>Date</dt><dd>2021-01-05"),
        "{page}"
    );
    let team = project.site("team").main("decisions/0003-z.html");
    assert!(
        team.contains("<dt>Deciders</dt><dd>Ann, Bob</dd>"),
        "{team}"
    );
}

/// A hidden file or folder in `content/` (`.env`, `.git/config`), linked from a public
/// page or reached through a symlink, is never published: the link is its text, with a
/// warning. An editor's copy of a document (`plan.md~`, `#plan.md#`, `plan.md.bak`) holds
/// its source, frontmatter and audience blocks too: linking one fails the build, as
/// linking a Markdown file to publish does.
#[test]
fn hidden_files_and_copies_of_sources_are_never_published() {
    let page = "+++\ntitle = \"Open\"\naudience = [\"public\", \"team\", \"exec\"]\n+++\n";
    let project = Project::new()
        .file("content/.git/config", "token CANARY-GIT-7f3a\n")
        .file("content/pages/.env", "DB_PASSWORD=CANARY-ENV-7f3a\n")
        .file("content/pages/.hid/img.png", "CANARY-HIDDEN-DIR-7f3a\n")
        .file(
            "content/pages/open.md",
            &format!("{page}See [config](../.git/config), [env](.env) and ![h](.hid/img.png).\n"),
        );
    #[cfg(unix)]
    std::os::unix::fs::symlink(".env", project.path().join("content/pages/env.txt")).unwrap();
    project.write(
        "content/pages/open.md",
        format!(
            "{page}See [config](../.git/config), [env](.env), ![h](.hid/img.png) and [t](env.txt).\n"
        ),
    );
    let run = project.build();
    run.success();
    let hidden: Vec<String> = (run.warnings().into_iter())
        .filter(|w| w.contains("link to the hidden file"))
        .collect();
    assert_eq!(hidden.len(), 4, "{}", run.stderr());
    for site in common::SITES {
        let site = project.site(site);
        for canary in [
            "CANARY-GIT-7f3a",
            "CANARY-ENV-7f3a",
            "CANARY-HIDDEN-DIR-7f3a",
        ] {
            site.assert_nowhere(canary);
        }
        let body = site.main("pages/open.html");
        assert!(body.contains("See config, env, h and t."), "{body}");
    }
    // Editor copies of a document's source.
    for copy in ["open.md~", "#open.md#", "open.md.bak", "open.MD.orig"] {
        project.write(&format!("content/pages/{copy}"), "CANARY-COPY-7f3a\n");
        let link = copy.replace('#', "%23");
        project.write(
            "content/pages/linker.md",
            format!("+++\ntitle = \"Linker\"\n+++\n[copy]({link})\n"),
        );
        let run = project.build();
        run.expect(1);
        run.error_at(
            "content/pages/linker.md:4:1",
            &["links to a Markdown file (or an editor's copy of one) as a file to publish"],
        );
        project.remove(&format!("content/pages/{copy}"));
    }
}
