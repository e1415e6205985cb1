//! What a built page shows: relations both ways and the why chain, heading anchors, links
//! rewritten to pages that exist, effective statuses, key-result figures, list pages, and
//! every local link of every site leading to a file (and anchor) that exists.

mod common;

use common::Project;

fn project() -> Project {
    Project::new()
        .file(
            "content/strategy/grow.md",
            "+++\nid = \"S-GROW\"\ntitle = \"Grow the base\"\naudience = [\"team\", \"public\"]\n+++\nWhy we grow.\n",
        )
        .file(
            "content/objectives/activation.md",
            r#"+++
id = "O-ACT"
title = "Activation objective"
period = "2026-Q4"
status = "active"
parent = "S-GROW"
team = "Growth Team"
tags = ["Onboarding"]
owners = ["Dana Ruiz"]
audience = ["team", "public"]

[[key_results]]
id = "kr1"
title = "Weekly actives"
baseline = 10
target = 20
current = 15

[[key_results]]
id = "kr2"
title = "Activation rate"
unit = "%"
baseline = 0
target = 100

[[key_results.checkins]]
date = 2026-11-01
value = 80

[[key_results.checkins]]
date = 2026-10-01
value = 20

[[key_results]]
id = "kr3"
title = "Setup minutes"
direction = "decrease"
baseline = 72
target = 24
current = 60
+++
## Quarterly review

Driven by [[I-CHK]]; see also [the page](../pages/été.md) and [docs](https://example.com/guide.md).

## Quarterly review

Second one.
"#,
        )
        .file(
            "content/initiatives/2026/setup checklist.md",
            "+++\nid = \"I-CHK\"\ntitle = \"Setup checklist\"\nstatus = \"in-progress\"\nhorizon = \"now\"\ndrives = [\"O-ACT#kr1\"]\nrelease = \"releases/3-0\"\naudience = [\"team\", \"public\"]\n+++\nSee [[O-ACT]], [[O-ACT#kr2]] and [the review](../../objectives/activation.md#quarterly-review).\n",
        )
        .file(
            "content/pages/été.md",
            "+++\ntitle = \"Summer notes\"\naudience = [\"team\", \"public\"]\n+++\nBack to [[O-ACT|the objective]].\n",
        )
        .file(
            "content/releases/3-0.md",
            "+++\ntitle = \"3.0\"\nversion = \"3.0\"\nstatus = \"released\"\ndate = 2026-11-10\naudience = [\"team\", \"public\"]\n+++\n",
        )
        .file(
            "content/changes/checklist.md",
            "+++\ntitle = \"A setup checklist\"\ncategory = \"added\"\nrelease = \"releases/3-0\"\nimplements = \"I-CHK\"\naudience = [\"team\", \"public\"]\n+++\n",
        )
        .file(
            "content/decisions/0001-mysql.md",
            "+++\nnumber = 1\ntitle = \"Use MySQL\"\nstatus = \"accepted\"\n+++\n",
        )
        .file(
            "content/decisions/0002-postgres.md",
            "+++\nnumber = 2\ntitle = \"Use Postgres\"\nstatus = \"accepted\"\nsupersedes = [\"decisions/0001-mysql\"]\njustifies = [\"I-CHK\"]\n+++\n",
        )
        .file(
            "content/decisions/0003-redis.md",
            "+++\nnumber = 3\ntitle = \"Use Redis\"\nstatus = \"accepted\"\n+++\n",
        )
        .file(
            "content/decisions/0004-memcached.md",
            "+++\nnumber = 4\ntitle = \"Use Memcached\"\nstatus = \"proposed\"\nsupersedes = [\"decisions/0003-redis\"]\n+++\n",
        )
}

fn built() -> Project {
    let project = project();
    project.build().success();
    project
}

/// The titles of the links listed under a relation label on a page.
fn relation(page: &str, label: &str) -> Vec<String> {
    let Some(start) = page.find(&format!("<dt>{label}</dt>")) else {
        return Vec::new();
    };
    let rest = &page[start + label.len() + 9..];
    let end = rest
        .find("<dt>")
        .or_else(|| rest.find("</dl>"))
        .unwrap_or(rest.len());
    rest[..end]
        .split("<dd>")
        .skip(1)
        .map(|dd| link_text(dd).unwrap_or_default())
        .collect()
}

/// The text of the first link in an HTML fragment.
fn link_text(html: &str) -> Option<String> {
    let open = html.find("<a ")?;
    let text_start = open + html[open..].find('>')? + 1;
    let text_end = text_start + html[text_start..].find("</a>")?;
    Some(html[text_start..text_end].to_string())
}

/// An objective of `period` and `status` with one key result, `kr1` ("Measure of ID",
/// 0 to 10), and any `more` lines it takes (`current = 1`).
fn objective(id: &str, period: &str, status: &str, more: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"Objective {id}\"\nperiod = \"{period}\"\nstatus = \"{status}\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"Measure of {id}\"\nbaseline = 0\ntarget = 10\n{more}+++\n"
    )
}

/// The `<tr>` of a key result in an objective page.
fn kr_row(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("<tr id=\"kr-{id}\">"))
        .unwrap_or_else(|| panic!("no row for {id}"));
    let end = start + page[start..].find("</tr>").unwrap();
    page[start..end].to_string()
}

#[test]
fn an_initiative_page_shows_its_why_chain() {
    let p = built();
    let page = p.site("team").main("initiatives/2026/setup checklist.html");
    let chain_start = page.find("<ol class=\"chain\">").expect("a why chain");
    let chain = &page[chain_start..chain_start + page[chain_start..].find("</ol>").unwrap()];
    let steps: Vec<&str> = chain.split("<li>").skip(1).collect();
    assert_eq!(steps.len(), 3, "{chain}");
    assert!(
        steps[0].contains(r#"href="../../objectives/activation.html#kr-kr1""#)
            && steps[0].contains("key result</span> Weekly actives"),
        "{}",
        steps[0]
    );
    assert!(
        steps[1].contains(r#"href="../../objectives/activation.html""#)
            && steps[1].contains("objective</span> Activation objective"),
        "{}",
        steps[1]
    );
    assert!(
        steps[2].contains(r#"href="../../strategy/grow.html""#)
            && steps[2].contains("strategy</span> Grow the base"),
        "{}",
        steps[2]
    );
}

#[test]
fn a_page_without_fields_or_badges_has_no_empty_list_for_them() {
    let p = built();
    let team = p.site("team");
    let notes = team.main("pages/été.html");
    assert!(
        !notes.contains("class=\"fields\"") && !notes.contains("class=\"badges\""),
        "{notes}"
    );
    let objective = team.main("objectives/activation.html");
    let fields = &objective[objective
        .find("<dl class=\"fields\">")
        .expect("a field list")..];
    let fields = &fields[..fields.find("</dl>").unwrap()];
    for shown in ["Owners", "Team", "Period", "Tags"] {
        assert!(
            fields.contains(&format!("<dt>{shown}</dt>")),
            "{shown}: {fields}"
        );
    }
    assert!(
        objective.contains(
            "<p class=\"badges\">\n      <span class=\"status status-active\">active</span>"
        ),
        "{objective}"
    );
}

#[test]
fn an_empty_board_column_says_so_without_an_empty_list() {
    let p = built();
    let roadmap = p.site("exec").main("roadmap.html");
    let next = &roadmap[roadmap.find("id=\"col-next\"").expect("a next column")..];
    let next = &next[..next.find("</section>").unwrap()];
    assert!(
        next.contains("Nothing here.") && !next.contains("<ul"),
        "{next}"
    );
    assert!(!roadmap.contains("<ul class=\"cards\"></ul>"), "{roadmap}");
    let now = &roadmap[roadmap.find("id=\"col-now\"").expect("a now column")..];
    assert!(now[..now.find("</section>").unwrap()].contains("<ul class=\"cards\"><li"));
}

#[test]
fn relations_show_both_ways() {
    let p = built();
    let team = p.site("team");
    let objective = team.main("objectives/activation.html");
    assert_eq!(relation(&objective, "Parent"), ["Grow the base"]);
    assert_eq!(relation(&objective, "Driven by"), ["Setup checklist"]);
    assert!(
        kr_row(&objective, "kr1").contains(
            r#"driven by <a href="../initiatives/2026/setup%20checklist.html">Setup checklist</a>"#
        ),
        "{objective}"
    );
    assert!(kr_row(&objective, "kr2").find("driven by").is_none());
    let strategy = team.main("strategy/grow.html");
    assert_eq!(relation(&strategy, "Children"), ["Activation objective"]);
    let initiative = team.main("initiatives/2026/setup checklist.html");
    assert_eq!(relation(&initiative, "Drives"), ["Weekly actives"]);
    assert_eq!(relation(&initiative, "Release"), ["3.0"]);
    assert_eq!(relation(&initiative, "Shipped in"), ["A setup checklist"]);
    assert_eq!(relation(&initiative, "Justified by"), ["Use Postgres"]);
    let release = team.main("releases/3-0.html");
    let mut contains = relation(&release, "Contains");
    contains.sort();
    assert_eq!(contains, ["A setup checklist", "Setup checklist"]);
}

#[test]
fn body_links_leave_backlinks() {
    let p = built();
    let page = p.site("team").main("pages/été.html");
    assert_eq!(relation(&page, "Referenced by"), ["Activation objective"]);
    let initiative = p.site("team").main("initiatives/2026/setup checklist.html");
    assert_eq!(
        relation(&initiative, "Referenced by"),
        ["Activation objective"]
    );
}

#[test]
fn headings_get_unique_anchors() {
    let p = built();
    let page = p.site("team").main("objectives/activation.html");
    assert!(
        page.contains(r#"<h2 id="quarterly-review">Quarterly review</h2>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<h2 id="quarterly-review-1">Quarterly review</h2>"#),
        "{page}"
    );
}

#[test]
fn an_id_written_on_a_heading_is_its_anchor_for_links_and_on_the_page() {
    let p = Project::new()
        .file(
            "content/pages/plan.md",
            "+++\ntitle = \"Plan\"\n+++\n## Rollout plan {#rollout}\n\n## Rollout plan\n\n## Risks\n\n## Risks\n",
        )
        .file(
            "content/pages/notes.md",
            "+++\ntitle = \"Notes\"\n+++\nSee [[pages/plan#rollout]], [[pages/plan#rollout-plan]] and [the second risks](plan.md#risks-1).\n",
        );
    p.build().success();
    let site = p.site("team");
    let plan = site.main("pages/plan.html");
    for id in ["rollout", "rollout-plan", "risks", "risks-1"] {
        assert!(plan.contains(&format!("<h2 id=\"{id}\">")), "{id}: {plan}");
    }
    let notes = site.main("pages/notes.html");
    for href in [
        "plan.html#rollout\"",
        "plan.html#rollout-plan\"",
        "plan.html#risks-1\"",
    ] {
        assert!(notes.contains(href), "{href}: {notes}");
    }
    // The text's slug of a heading with an id of its own is no anchor.
    p.write(
        "content/pages/notes.md",
        "+++\ntitle = \"Notes\"\n+++\nSee [[pages/plan#rollout-plan-1]].\n",
    );
    p.build().expect(1).error_at(
        "content/pages/notes.md:4:5",
        &["`#rollout-plan-1` is neither a key result nor a heading of `pages/plan`"],
    );
}

/// A written id the page holds already (the theme's `main`, a key result's row, an
/// earlier heading's) is numbered as a slug would be, so no page holds an id twice, and
/// links to the numbered one lead to its heading.
#[test]
fn a_written_id_the_page_holds_already_is_numbered() {
    let p = Project::new()
        .file(
            "content/objectives/o.md",
            "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 1\n+++\n## Intro {#main}\n\n## Y {#dup}\n\n## Z {#dup}\n\n## Row {#kr-kr1}\n",
        )
        .file(
            "content/pages/notes.md",
            "+++\ntitle = \"Notes\"\n+++\nSee [[objectives/o#dup-1]] and [[objectives/o#main-1]].\n",
        );
    let run = p.build();
    run.success();
    let renamed: Vec<String> = (run.warnings().into_iter())
        .filter(|w| w.ends_with("[duplicate-anchor]"))
        .collect();
    assert_eq!(renamed.len(), 3, "{}", run.stderr());
    let site = p.site("team");
    let page = site.read("objectives/o.html");
    for id in ["main", "dup", "kr-kr1"] {
        assert_eq!(
            page.matches(&format!(" id=\"{id}\"")).count(),
            1,
            "{id}: {page}"
        );
    }
    for heading in [
        r#"<h2 id="main-1">Intro</h2>"#,
        r#"<h2 id="dup">Y</h2>"#,
        r#"<h2 id="dup-1">Z</h2>"#,
        r#"<h2 id="kr-kr1-1">Row</h2>"#,
    ] {
        assert!(page.contains(heading), "{heading}: {page}");
    }
    let notes = site.main("pages/notes.html");
    assert!(
        notes.contains("o.html#dup-1\"") && notes.contains("o.html#main-1\""),
        "{notes}"
    );
}

/// An anchor percent-encoded, as code hosts and browsers copy it, names its heading.
#[test]
fn a_percent_encoded_anchor_names_its_heading() {
    let p = Project::new()
        .file(
            "content/pages/odd.md",
            "+++\ntitle = \"Odd\"\n+++\n## 日本語\n\n## Café\n",
        )
        .file(
            "content/pages/l.md",
            "+++\ntitle = \"L\"\n+++\n[a](odd.md#%E6%97%A5%E6%9C%AC%E8%AA%9E) [[pages/odd#caf%C3%A9]] [c](#%E6%97%A5)\n\n## 日\n",
        );
    let run = p.build();
    run.success();
    assert!(!run.stderr().contains("broken"), "{}", run.stderr());
    let page = p.site("team").main("pages/l.html");
    assert!(
        page.contains(r#"href="../pages/odd.html#%E6%97%A5%E6%9C%AC%E8%AA%9E""#)
            && page.contains(r#"href="../pages/odd.html#caf%C3%A9""#),
        "{page}"
    );
    // One that encodes no heading is still broken.
    p.write(
        "content/pages/l.md",
        "+++\ntitle = \"L\"\n+++\n[a](odd.md#caf%C3%A8)\n",
    );
    p.build().expect(1).error_at(
        "content/pages/l.md:4:1",
        &["is neither a key result nor a heading of `pages/odd`"],
    );
}

#[test]
fn a_heading_named_like_an_element_of_the_page_gets_an_id_of_its_own() {
    let p = Project::new()
        .file(
            "content/pages/search.md",
            "+++\ntitle = \"Search\"\n+++\n## Main\n\n## Search results\n\nSee [the results](#search-results-1) and [[pages/search#main-1]].\n",
        );
    let built = p.build();
    built.success();
    let about_the_page: Vec<String> = built
        .warnings()
        .into_iter()
        .filter(|w| w.contains("search.md"))
        .collect();
    assert_eq!(about_the_page, Vec::<String>::new());
    let page = p.site("team").read("pages/search.html");
    // The search box's list and the main element keep their ids, once on the page.
    for id in ["search-results", "main"] {
        assert_eq!(
            page.matches(&format!(" id=\"{id}\"")).count(),
            1,
            "{id}: {page}"
        );
    }
    assert!(page.contains(r#"<h2 id="main-1">Main</h2>"#), "{page}");
    assert!(
        page.contains(r#"<h2 id="search-results-1">Search results</h2>"#),
        "{page}"
    );
    assert!(page.contains(r##"href="#search-results-1""##), "{page}");
    assert!(page.contains(r##"search.html#main-1""##), "{page}");
    // A link written to the heading by its name follows it to its anchor.
    p.write(
        "content/pages/notes.md",
        "+++\ntitle = \"Notes\"\n+++\nSee [[pages/search#main|the main part]].\n",
    );
    p.build().success();
    let notes = p.site("team").main("pages/notes.html");
    assert!(
        notes.contains(r#"<a href="../pages/search.html#main-1">the main part</a>"#),
        "{notes}"
    );
}

#[test]
fn a_heading_named_like_a_key_result_s_row_leaves_it_its_id() {
    let p = Project::new().file(
        "content/objectives/grow.md",
        "+++\nid = \"O-GROW\"\ntitle = \"Grow\"\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"activation\"\ntitle = \"Activation rate\"\nbaseline = 10\ntarget = 20\n+++\n## KR activation\n\nWhy this one: see [the row](#kr-activation) and [this section](#kr-activation-1).\n",
    );
    let built = p.build();
    built.success();
    let about_the_page: Vec<String> = built
        .warnings()
        .into_iter()
        .filter(|w| w.contains("grow.md"))
        .collect();
    assert_eq!(about_the_page, Vec::<String>::new());
    let page = p.site("team").read("objectives/grow.html");
    assert_eq!(page.matches(" id=\"kr-activation\"").count(), 1, "{page}");
    assert!(
        page.contains(r#"<h2 id="kr-activation-1">KR activation</h2>"#),
        "{page}"
    );
}

#[test]
fn a_heading_repeating_a_hidden_ones_title_is_linked_by_the_anchor_its_site_gives_it() {
    let p = Project::new()
        .file(
            "content/pages/plan.md",
            "+++\ntitle = \"Plan\"\naudience = [\"team\", \"public\"]\n+++\n<!-- audience: exec -->\n## Risks\n\nThe board's risks.\n<!-- /audience -->\n\n## Risks\n\nEveryone's risks.\n",
        )
        .file(
            "content/pages/notes.md",
            "+++\ntitle = \"Notes\"\naudience = [\"team\", \"public\"]\n+++\nSee [[pages/plan#risks-1|everyone's risks]] and [the board's](plan.md#risks).\n",
        );
    p.build().success();
    let exec = p.site("exec");
    let notes = exec.main("pages/notes.html");
    assert!(
        notes.contains(r#"href="../pages/plan.html#risks-1""#),
        "{notes}"
    );
    assert!(
        notes.contains(r#"href="../pages/plan.html#risks""#),
        "{notes}"
    );
    for site in ["team", "public"] {
        let site = p.site(site);
        // The page numbers only the heading it shows, and the link follows it; a
        // `-1` would tell that a hidden heading of the same title stands before it.
        let plan = site.main("pages/plan.html");
        assert!(plan.contains(r#"<h2 id="risks">Risks</h2>"#), "{plan}");
        let notes = site.main("pages/notes.html");
        assert!(
            notes.contains(r#"<a href="../pages/plan.html#risks">everyone's risks</a>"#),
            "{notes}"
        );
        assert!(
            notes.contains(r#"<a href="../pages/plan.html">the board's</a>"#),
            "{notes}"
        );
        site.assert_nowhere("risks-1");
        site.assert_links_resolve();
    }
    exec.assert_links_resolve();
}

#[test]
fn wiki_and_markdown_links_become_relative_page_urls() {
    let p = built();
    let team = p.site("team");
    let initiative = team.main("initiatives/2026/setup checklist.html");
    assert!(
        initiative.contains(
            r#"See <a href="../../objectives/activation.html">Activation objective</a>, <a href="../../objectives/activation.html#kr-kr2">Activation rate</a> and <a href="../../objectives/activation.html#quarterly-review">the review</a>."#
        ),
        "{initiative}"
    );
    let objective = team.main("objectives/activation.html");
    assert!(
        objective.contains(
            r#"Driven by <a href="../initiatives/2026/setup%20checklist.html">Setup checklist</a>; see also <a href="../pages/%C3%A9t%C3%A9.html">the page</a>"#
        ),
        "{objective}"
    );
    let summer = team.main("pages/été.html");
    assert!(
        summer.contains(r#"Back to <a href="../objectives/activation.html">the objective</a>."#),
        "{summer}"
    );
}

#[test]
fn a_markdown_link_to_an_id_is_a_file_link_even_beside_a_wiki_link_to_it() {
    let project = Project::new().file(
        "content/pages/ids.md",
        "+++\ntitle = \"Ids\"\n+++\nWiki [[O-ACT]], Markdown [by id](O-ACT), [by file](../objectives/activation.md).\n",
    )
    .file(
        "content/objectives/activation.md",
        "+++\nid = \"O-ACT\"\ntitle = \"Activation\"\n+++\n",
    );
    let check = project.check();
    assert!(
        check
            .stderr()
            .contains("content/pages/ids.md:4:26: warning: link to a missing file `O-ACT`"),
        "{}",
        check.stderr()
    );
    project.build().success();
    let page = project.site("team").main("pages/ids.html");
    assert!(
        page.contains("Wiki <a href=\"../objectives/activation.html\">Activation</a>, Markdown by id, <a href=\"../objectives/activation.html\">by file</a>."),
        "{page}"
    );
}

/// In a table, whose cells `|` ends, a wiki link's label comes after `\|`, as Obsidian
/// writes it there.
#[test]
fn a_labelled_wiki_link_in_a_table_cell_names_its_target() {
    let project = Project::new()
        .file(
            "content/pages/table.md",
            "+++\ntitle = \"Table\"\n+++\n| Doc | Note |\n|---|---|\n| [[O-ACT\\|the objective]] | x |\n| [[objectives/activation#kr1\\|its result]] | [[O-ACT]] |\n\nOutside: [[O-ACT\\|again]].\n",
        )
        .file(
            "content/objectives/activation.md",
            "+++\nid = \"O-ACT\"\ntitle = \"Activation\"\n[[key_results]]\nid = \"kr1\"\ntitle = \"Rate\"\nbaseline = 1\ntarget = 2\n+++\n",
        );
    project.check().warns_only("empty-public-home");
    project.build().success();
    let page = project.site("team").main("pages/table.html");
    assert!(
        page.contains(r#"<td><a href="../objectives/activation.html">the objective</a></td><td>x</td>"#)
            && page.contains(r#"<td><a href="../objectives/activation.html#kr-kr1">its result</a></td><td><a href="../objectives/activation.html">Activation</a></td>"#)
            && page.contains(r#"Outside: <a href="../objectives/activation.html">again</a>."#),
        "{page}"
    );
}

/// A key result's row is `#kr-<id>` on its objective's page: a link copied from the
/// browser names it so, and leads where `#<id>` does.
#[test]
fn a_key_result_is_named_by_its_id_or_by_its_row_s_anchor() {
    let project = Project::new()
        .file(
            "content/pages/links.md",
            "+++\ntitle = \"Links\"\n+++\n[[O-ACT#kr-kr1]], [[O-ACT#kr1|by id]] and [row](../objectives/activation.md#kr-kr1).\n",
        )
        .file(
            "content/objectives/activation.md",
            "+++\nid = \"O-ACT\"\ntitle = \"Activation\"\n[[key_results]]\nid = \"kr1\"\ntitle = \"Rate\"\nbaseline = 1\ntarget = 2\n+++\n",
        );
    project.check().warns_only("empty-public-home");
    project.build().success();
    let page = project.site("team").main("pages/links.html");
    assert!(
        page.contains(r#"<a href="../objectives/activation.html#kr-kr1">Rate</a>, <a href="../objectives/activation.html#kr-kr1">by id</a> and <a href="../objectives/activation.html#kr-kr1">row</a>."#),
        "{page}"
    );
}

/// An element's id in raw HTML is an anchor another page may link to, also in a body
/// that links nowhere itself.
#[test]
fn a_raw_html_id_of_a_body_without_links_is_an_anchor() {
    let project = Project::new()
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\n+++\n<div id=\"faq\">Questions</div>\n\n## Head\n",
        )
        .file(
            "content/pages/b.md",
            "+++\ntitle = \"B\"\n+++\n[the questions](a.md#faq)\n",
        );
    project.check().warns_only("empty-public-home");
    project.build().success();
    let b = project.site("team").main("pages/b.html");
    assert!(
        b.contains(r#"<a href="../pages/a.html#faq">the questions</a>"#),
        "{b}"
    );
}

/// Raw HTML's addresses are read as a browser reads them: `&#46;` is a `.`, so
/// `guided-setup&#46;md` is the document, and `pic&#46;png` the file beside the page.
#[test]
fn raw_html_addresses_with_character_references_name_what_they_say() {
    let project = Project::new()
        .config("title = \"T\"\ndefault_audience = [\"team\"]\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n")
        .file(
            "content/pages/raw.md",
            "+++\ntitle = \"Raw\"\n+++\nRaw: <a href=\"../objectives/activation&#46;md\">it</a> and <img src=\"pic&#x2E;png\">.\n",
        )
        .file("content/pages/pic.png", "png")
        .file(
            "content/objectives/activation.md",
            "+++\nid = \"O-ACT\"\ntitle = \"Activation\"\n+++\n",
        );
    project.check().warns_only("has no key results");
    project.build().success();
    let site = project.site("team");
    let page = site.main("pages/raw.html");
    assert!(
        page.contains(
            r#"Raw: <a href="../objectives/activation.html">it</a> and <img src="pic.png">."#
        ),
        "{page}"
    );
    assert_eq!(site.read("pages/pic.png"), "png");
    // One that names no document is the error it would be written plainly.
    project.write(
        "content/pages/raw.md",
        "+++\ntitle = \"Raw\"\n+++\n<a href=\"nothing&period;md\">n</a>\n",
    );
    project.check().expect(1).error_at(
        "content/pages/raw.md:4:10",
        &["`nothing.md` names no document"],
    );
}

#[test]
fn external_links_pass_through_untouched() {
    let p = built();
    let page = p.site("team").main("objectives/activation.html");
    assert!(
        page.contains(r#"<a href="https://example.com/guide.md">docs</a>"#),
        "{page}"
    );
}

#[test]
fn a_decision_superseded_by_an_accepted_one_is_superseded() {
    let p = built();
    let team = p.site("team");
    let old = team.main("decisions/0001-mysql.html");
    assert!(
        old.contains(r#"<span class="status status-superseded">superseded</span>"#),
        "{old}"
    );
    assert_eq!(relation(&old, "Superseded by"), ["Use Postgres"]);
    let new = team.main("decisions/0002-postgres.html");
    assert!(new.contains(r#"<span class="status status-accepted">accepted</span>"#));
    assert_eq!(relation(&new, "Supersedes"), ["Use MySQL"]);
    let list = team.read("lists/status/decision/superseded.html");
    assert!(list.contains("Use MySQL") && !list.contains("Use Postgres"));
}

#[test]
fn a_proposal_does_not_supersede_an_accepted_decision() {
    let p = built();
    let redis = p.site("team").main("decisions/0003-redis.html");
    assert!(
        redis.contains(r#"<span class="status status-accepted">accepted</span>"#),
        "{redis}"
    );
    // Named on the page, but not as what superseded it.
    assert_eq!(relation(&redis, "Superseded by"), Vec::<String>::new());
    assert_eq!(relation(&redis, "Proposed successor"), ["Use Memcached"]);
    let memcached = p.site("team").main("decisions/0004-memcached.html");
    assert_eq!(relation(&memcached, "Supersedes"), ["Use Redis"]);
}

#[test]
fn a_rejected_record_is_listed_as_a_rejected_successor() {
    let project = Project::new()
        .file(
            "content/decisions/0001-rest.md",
            "+++\ntitle = \"Use REST\"\nstatus = \"accepted\"\n+++\n",
        )
        .file(
            "content/decisions/0002-graphql.md",
            "+++\ntitle = \"Use GraphQL\"\nstatus = \"rejected\"\nsupersedes = [\"decisions/0001-rest\"]\n+++\n",
        )
        .file(
            "content/decisions/0003-grpc.md",
            "+++\ntitle = \"Use gRPC\"\nstatus = \"accepted\"\nsupersedes = [\"decisions/0001-rest\"]\n+++\n",
        );
    project.build().success();
    let rest = project.site("team").main("decisions/0001-rest.html");
    assert!(
        rest.contains(r#"<span class="status status-superseded">superseded</span>"#),
        "{rest}"
    );
    assert_eq!(relation(&rest, "Superseded by"), ["Use gRPC"]);
    assert_eq!(relation(&rest, "Rejected successor"), ["Use GraphQL"]);
}

/// Only a record accepted (once: superseded or deprecated since) supersedes: one whose
/// status is its own words (`Pending`) is a proposed successor, and the record it names
/// stays in force. A status with the day it was reached is that status, and dates the
/// record.
#[test]
fn a_successor_never_accepted_is_proposed_and_a_status_may_carry_its_day() {
    let project = Project::new()
        .file(
            "content/decisions/0001-old.md",
            "# 1. Old\n\n## Status\n\nAccepted\n\n## Context\n\nx\n",
        )
        .file(
            "content/decisions/0002-pending.md",
            "# 2. Pending\n\n## Status\n\nPending\n\nSupersedes [1. Old](0001-old.md)\n",
        )
        .file(
            "content/decisions/0003-dated.md",
            "# 3. Dated\n\n## Status\n\nAccepted on 2021-03-01\n\n## Context\n\ny\n",
        )
        .file(
            "content/decisions/0005-last.md",
            "# 5. Last\n\n## Status\n\nAccepted\n\nSupersedes [4. Later](0004-later.md)\n",
        )
        .file(
            "content/decisions/0004-later.md",
            "---\nstatus: \"Superseded (2021-05-02); supersedes ADR-0003\"\n---\n# 4. Later\n",
        );
    project.build().success();
    let team = project.site("team");
    let old = team.main("decisions/0001-old.html");
    assert!(
        old.contains(r#"<span class="status status-accepted">accepted</span>"#),
        "{old}"
    );
    assert_eq!(relation(&old, "Superseded by"), Vec::<String>::new());
    assert_eq!(relation(&old, "Proposed successor"), ["Pending"]);
    // Dated by its status, the day kept in its section; superseded by a record that
    // was superseded in its turn, which still replaced it.
    let dated = team.main("decisions/0003-dated.html");
    assert!(
        dated.contains("<dt>Date</dt><dd>2021-03-01</dd>")
            && dated.contains(r#"<span class="status status-superseded">superseded</span>"#)
            && dated.contains("Accepted on 2021-03-01"),
        "{dated}"
    );
    assert_eq!(relation(&dated, "Superseded by"), ["Later"]);
    let later = team.main("decisions/0004-later.html");
    assert!(
        later.contains("<dt>Date</dt><dd>2021-05-02</dd>"),
        "{later}"
    );
}

/// An imported record's status given as a list is its status and relations, in clauses.
#[test]
fn an_imported_status_given_as_a_list_is_read_in_clauses() {
    let project = Project::new()
        .file(
            "content/decisions/0001-old.md",
            "---\nstatus: accepted\n---\n# 1. Old\n",
        )
        .file(
            "content/decisions/0002-new.md",
            "---\nstatus:\n  - Accepted\n  - supersedes ADR-0001\n---\n# 2. New\n",
        );
    project.check().warns_only("empty-public-home");
    project.build().success();
    let new = project.site("team").main("decisions/0002-new.html");
    assert!(
        new.contains(r#"<span class="status status-accepted">accepted</span>"#),
        "{new}"
    );
    assert_eq!(relation(&new, "Supersedes"), ["Old"]);
}

#[test]
fn key_results_show_progress_score_and_health() {
    let p = built();
    let page = p.site("team").main("objectives/activation.html");
    let expected = [
        (
            "kr1",
            "<td data-label=\"Current\">15</td>",
            " 50%",
            "health-at-risk\">at risk · 0.50<",
        ),
        (
            "kr2",
            "<td data-label=\"Current\">80 %</td>",
            " 80%",
            "health-on-track\">on track · 0.80<",
        ),
        (
            "kr3",
            "<td data-label=\"Current\">60</td>",
            " 25%",
            "health-off-track\">off track · 0.25<",
        ),
    ];
    for (id, current, progress, health) in expected {
        let row = kr_row(&page, id);
        for part in [current, progress, health] {
            assert!(row.contains(part), "{id}: `{part}` missing from {row}");
        }
    }
    // (0.5 + 0.8 + 0.25) / 3 = 0.5166…, shown rounded down.
    assert!(
        page.contains("<span class=\"health health-at-risk\">at risk · score 0.51</span>"),
        "the objective scores the mean of its key results: {page}"
    );
}

#[test]
fn an_objective_page_lists_its_check_ins_oldest_first_where_they_may_be_shown() {
    let p = project().file(
        "content/objectives/retention.md",
        r#"+++
id = "O-RET"
title = "Retention objective"
period = "2026-Q4"
audience = ["team", "public"]

[[key_results]]
id = "kr1"
title = "Churned crews"
unit = "crews"
baseline = 40
target = 10

[[key_results.checkins]]
date = 2026-11-20
value = 25
confidence = 0.7

[[key_results.checkins]]
date = 2026-10-05
value = 35
note = "Exit survey <live>"

[[key_results]]
id = "kr2"
title = "Not yet measured"
baseline = 0
target = 1
+++
"#,
    );
    p.build().success();
    let page = p.site("team").main("objectives/retention.html");
    let start = page.find("<details class=\"checkins\">").expect(&page);
    let history = &page[start..start + page[start..].find("</details>").unwrap()];
    assert!(
        history.contains("<summary>Check-ins: Churned crews</summary>"),
        "{history}"
    );
    let rows: Vec<&str> = history.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 2, "{history}");
    for (row, date, value, note) in [
        (
            rows[0],
            "2026-10-05",
            "35 crews",
            "Exit survey &lt;live&gt;",
        ),
        (rows[1], "2026-11-20", "25 crews", "confidence 0.7"),
    ] {
        for part in [date, value, note] {
            assert!(row.contains(part), "`{part}` missing from {row}");
        }
    }
    // One history: the key result without check-ins has none.
    assert_eq!(page.matches("class=\"checkins\"").count(), 1, "{page}");
    // The roadmap's trend describes every point it draws, the baseline first.
    let roadmap = p.site("exec").main("roadmap.html");
    assert!(
        roadmap.contains("<title>Check-in trend: baseline 40, 2026-10-05 35, 2026-11-20 25</title><polyline points=\"0.0,1.0 40.0,"),
        "{roadmap}"
    );
    // A public site shows no check-in unless `public_fields` lists them.
    let public = p.site("public").main("objectives/retention.html");
    assert!(
        !public.contains("checkins") && !public.contains("Exit survey"),
        "{public}"
    );
    // Listed alone, `checkins` shows no value: the latest check-in is the current one.
    for (fields, shown) in [("\"checkins\"", false), ("\"checkins\", \"current\"", true)] {
        p.write(
            "align.toml",
            common::CONFIG.replace(
                "public = true",
                &format!("public = true\npublic_fields = [{fields}]"),
            ),
        );
        p.build().success();
        let public = p.site("public").main("objectives/retention.html");
        assert_eq!(
            public.contains("Exit survey &lt;live&gt;"),
            shown,
            "{fields}: {public}"
        );
        assert!(
            !public.contains("confidence 0.7"),
            "confidence stays unlisted: {public}"
        );
        // Nor does any other file of the site, `graph.json` and templates' values included.
        if !shown {
            p.site("public").assert_nowhere("Exit survey");
        }
    }
}

#[test]
fn list_pages_group_documents_by_each_facet() {
    let p = built();
    let team = p.site("team");
    let lists = [
        ("lists/kind/objective.html", "Activation objective"),
        ("lists/kind/decision.html", "Use Memcached"),
        (
            "lists/status/initiative/in-progress.html",
            "Setup checklist",
        ),
        ("lists/status/decision/proposed.html", "Use Memcached"),
        ("lists/team/growth-team.html", "Activation objective"),
        ("lists/tag/onboarding.html", "Activation objective"),
        ("lists/period/2026-Q4.html", "Activation objective"),
        ("lists/owner/dana-ruiz.html", "Activation objective"),
    ];
    let index = team.read("lists/index.html");
    for (path, title) in lists {
        assert!(team.read(path).contains(title), "{path} lists {title}");
        assert!(
            index.contains(&format!("href=\"../{path}\"")),
            "lists/index.html links {path}"
        );
    }
    assert!(
        !team
            .read("lists/kind/objective.html")
            .contains("Setup checklist"),
        "a kind list holds only its kind"
    );
}

/// A title or summary written over several lines is the one line it is shown as.
#[test]
fn a_title_or_summary_over_several_lines_is_one_line() {
    let project = Project::new().file(
        "content/pages/p.md",
        "+++\ntitle = \"\"\"\nTwo\n  lines\"\"\"\nsummary = \"\"\"\nFirst.\n\nSecond.\n\"\"\"\n+++\nBody.\n",
    );
    project.build().success();
    let team = project.site("team");
    let page = team.main("pages/p.html");
    assert!(page.contains(">Two lines</h1>"), "{page}");
    let index = team.read("search-index.json");
    assert!(
        index.contains("\"Two lines\"") && index.contains("\"First. Second.\""),
        "{index}"
    );
}

/// Owners are listed alphabetically, an accented letter beside its base letter.
#[test]
fn the_lists_index_orders_names_alphabetically_past_accents() {
    let page = |title: &str, owner: &str| {
        format!("+++\ntitle = \"{title}\"\nowners = [\"{owner}\"]\n+++\n")
    };
    let project = Project::new()
        .file("content/pages/a.md", &page("A", "Zoe Ng"))
        .file("content/pages/b.md", &page("B", "Émile Roy"))
        .file("content/pages/c.md", &page("C", "Adam Li"))
        .file("content/pages/d.md", &page("D", "Erin Fox"));
    project.build().success();
    let index = project.site("team").main("lists/index.html");
    let at = |name: &str| {
        index
            .find(name)
            .unwrap_or_else(|| panic!("{name}: {index}"))
    };
    assert!(
        at("Adam Li") < at("Émile Roy")
            && at("Émile Roy") < at("Erin Fox")
            && at("Erin Fox") < at("Zoe Ng"),
        "{index}"
    );
}

#[test]
fn tags_of_no_letters_get_pages_of_their_own() {
    let page =
        |title: &str, tag: &str| format!("+++\ntitle = \"{title}\"\ntags = [\"{tag}\"]\n+++\n");
    let project = Project::new()
        .file("content/pages/launch.md", &page("Launch notes", "🚀"))
        .file("content/pages/party.md", &page("Party notes", "🎉"));
    project.build().success();
    let team = project.site("team");
    let rocket = team.main("lists/tag/u1f680.html");
    let party = team.main("lists/tag/u1f389.html");
    assert!(
        rocket.contains("Tag: 🚀")
            && rocket.contains("Launch notes")
            && !rocket.contains("Party notes"),
        "{rocket}"
    );
    assert!(
        party.contains("Tag: 🎉")
            && party.contains("Party notes")
            && !party.contains("Launch notes"),
        "{party}"
    );
}

#[test]
fn search_index_graph_and_sitemap_name_pages_that_exist() {
    let p = built();
    for name in common::SITES {
        let site = p.site(name);
        let index: serde_json::Value =
            serde_json::from_str(&site.read("search-index.json")).unwrap();
        for entry in index.as_array().unwrap() {
            let url = entry["url"].as_str().unwrap();
            assert!(site.exists(&common::percent_decode(url)), "{name}: {url}");
        }
        let sitemap = site.read("sitemap.xml");
        for loc in sitemap.split("<loc>").skip(1) {
            let url = &loc[..loc.find("</loc>").unwrap()];
            // Without base_url every entry names a file, the home page too.
            assert!(site.exists(&common::percent_decode(url)), "{name}: {url:?}");
        }
    }
    let graph: serde_json::Value =
        serde_json::from_str(&p.site("team").read("graph.json")).unwrap();
    let edge = serde_json::json!({
        "from": "initiatives/2026/setup checklist",
        "to": "objectives/activation",
        "key_result": "kr1",
        "relation": "drives",
    });
    assert!(
        graph["edges"].as_array().unwrap().contains(&edge),
        "{graph:#}"
    );
}

#[test]
fn every_local_link_of_every_site_resolves() {
    let p = built();
    for name in common::SITES {
        assert!(p.site(name).assert_links_resolve() > 0, "{name}");
    }
}

#[test]
fn files_raw_html_links_are_published_or_reported_missing() {
    let p = Project::new()
        .file(
            "content/pages/raw.md",
            "+++\ntitle = \"Raw\"\n+++\n<img src=\"img/raw.png\" alt=\"r\">\n\n<IMG SRC=\"img/missing.png\" alt=\"m\">\n\n<a href=\"nofile.pdf\">pdf</a>\n",
        )
        .file("content/pages/img/raw.png", "png");
    let run = p.build();
    run.success();
    assert!(p.site("team").exists("pages/img/raw.png"));
    for (at, file) in [("6:11", "img/missing.png"), ("8:10", "nofile.pdf")] {
        assert!(
            run.warnings()
                .iter()
                .any(|w| w.contains(&format!("content/pages/raw.md:{at}"))
                    && w.contains(&format!("link to a missing file `{file}` [missing-file]"))),
            "{:?}",
            run.warnings()
        );
    }
}

#[test]
fn odd_file_names_link_and_resolve() {
    let p = Project::new()
        .file(
            "content/pages/100% done.md",
            "+++\ntitle = \"Hundred\"\n+++\nSee [[pages/q&a]], [[pages/Ünïcode Name#héllo-wörld]] and [u](%C3%9Cn%C3%AFcode%20Name.md).\n\n![c](img/chart.png) ![s](../shared/s.png) ![sp](<img/my chart.png>)\n",
        )
        .file("content/pages/q&a.md", "# Q&A\n\n[[pages/100% done]]\n")
        .file(
            "content/pages/Ünïcode Name.md",
            "# Unicode\n\n## Héllo wörld\n\n[[pages/100% done|back]]\n",
        )
        .file("content/pages/img/chart.png", "png")
        .file("content/pages/img/my chart.png", "png")
        .file("content/shared/s.png", "png");
    p.build().success();
    let team = p.site("team");
    let page = team.main("pages/100% done.html");
    assert!(
        page.contains(r#"<a href="../pages/q%26a.html">Q&amp;A</a>"#)
            && page
                .contains(r#"href="../pages/%C3%9Cn%C3%AFcode%20Name.html#h%C3%A9llo-w%C3%B6rld""#),
        "{page}"
    );
    for file in [
        "pages/img/chart.png",
        "pages/img/my chart.png",
        "shared/s.png",
    ] {
        assert!(team.exists(file), "{file}");
    }
    assert!(
        !p.site("public").exists("pages/img/chart.png"),
        "files follow the documents that link them"
    );
    for name in common::SITES {
        p.site(name).assert_links_resolve();
    }
}

#[test]
fn the_link_checker_catches_a_broken_link() {
    let p = built();
    let site = p.site("team");
    std::fs::write(
        site.root.join("broken.html"),
        r#"<a href="pages/missing.html">x</a>"#,
    )
    .unwrap();
    std::fs::write(
        site.root.join("anchor.html"),
        r##"<a href="strategy/grow.html#nowhere">x</a>"##,
    )
    .unwrap();
    for file in ["broken.html", "anchor.html"] {
        let caught = std::panic::catch_unwind(|| site.assert_page_links_resolve(file));
        assert!(caught.is_err(), "{file} passed the link checker");
    }
}

#[test]
fn a_decision_why_chain_runs_through_what_it_justifies() {
    let p = built();
    let page = p.site("team").main("decisions/0002-postgres.html");
    let chain_start = page.find("<ol class=\"chain\">").expect("a why chain");
    let chain = &page[chain_start..chain_start + page[chain_start..].find("</ol>").unwrap()];
    let titles: Vec<String> = chain.split("<li>").skip(1).filter_map(link_text).collect();
    assert_eq!(
        titles,
        [
            "<span class=\"kind-tag\">initiative</span> Setup checklist",
            "<span class=\"kind-tag\">key result</span> Weekly actives",
            "<span class=\"kind-tag\">objective</span> Activation objective",
            "<span class=\"kind-tag\">strategy</span> Grow the base",
        ]
    );
}

#[test]
fn each_home_is_its_sites_view() {
    let p = built();
    for (name, view) in [
        ("exec", "roadmap.html"),
        ("team", "release-plan.html"),
        ("public", "changelog.html"),
    ] {
        let site = p.site(name);
        assert_eq!(site.read("index.html"), site.read(view), "{name}");
    }
    let changelog = p.site("public").main("index.html");
    assert!(
        changelog.contains("3.0") && changelog.contains("A setup checklist"),
        "{changelog}"
    );
}

/// The text of a page's `<title>`.
fn title_of(page: &str) -> &str {
    let start = page.find("<title>").expect("a <title>") + "<title>".len();
    &page[start..start + page[start..].find("</title>").unwrap()]
}

#[test]
fn page_titles_name_the_page_the_site_and_the_project_once_each() {
    let titles = |p: &Project, pages: &[(&str, &str)]| -> Vec<String> {
        pages
            .iter()
            .map(|(site, page)| title_of(&p.site(site).read(page)).to_string())
            .collect()
    };
    // A home names its site; a view, a document or a list names itself first.
    let p = built();
    assert_eq!(
        titles(
            &p,
            &[
                ("exec", "index.html"),
                ("exec", "decisions.html"),
                ("team", "objectives/activation.html"),
                ("exec", "404.html"),
            ]
        ),
        [
            "Roadmap · Exec roadmap · Acme",
            "Decision log · Exec roadmap · Acme",
            "Activation objective · Team plan · Acme",
            "Page not found · Exec roadmap · Acme",
        ]
    );
    // A site named after its home view, or after the project, is not named twice.
    let p = Project::new()
        .config(
            &common::CONFIG
                .replace("\"Team plan\"", "\"Release plan\"")
                .replace("\"Public changelog\"", "\"Acme\""),
        )
        .file(
            "content/objectives/activation.md",
            "+++\nid = \"O-ACT\"\ntitle = \"Acme\"\naudience = [\"team\", \"public\"]\n+++\n",
        );
    p.build().success();
    assert_eq!(
        titles(
            &p,
            &[
                ("team", "index.html"),
                ("team", "roadmap.html"),
                ("public", "changelog.html"),
                ("team", "objectives/activation.html"),
            ]
        ),
        [
            "Release plan · Acme",
            "Roadmap · Release plan · Acme",
            "Changelog · Acme",
            "Acme · Release plan · Acme",
        ]
    );
}

#[test]
fn a_record_s_lines_read_into_fields_leave_its_list_as_tight_as_it_was() {
    for (marker, other) in [("-", "Story: T-1"), ("*", "Story: T-1")] {
        let project = Project::new().file(
            "content/decisions/0001-use-log4brains.md",
            &format!(
                "# Use Log4brains\n\n{marker} Status: accepted\n{marker} Deciders: Alice Doe, Bob Roe\n{marker} {other}\n{marker} Date: 2020-01-01\n{marker} Tags: doc, process\n\n## Context\n\nText.\n"
            ),
        );
        project.build().success();
        let page = project
            .site("team")
            .main("decisions/0001-use-log4brains.html");
        assert!(
            page.contains("<dt>Deciders</dt><dd>Alice Doe, Bob Roe</dd>")
                && page.contains("<dt>Date</dt><dd>2020-01-01</dd>")
                && page.contains(r#"<span class="status status-accepted">accepted</span>"#)
                && page.contains("lists/tag/process.html"),
            "{page}"
        );
        // What became the record's fields is shown there only: of the list, the one
        // line that is no field stays, a list item as it was.
        let list = &page[page.find("<ul>").expect("the record's list")..];
        let list = &list[..list.find("</ul>").unwrap()];
        assert_eq!(list, "<ul>\n<li>Story: T-1</li>\n", "{page}");
        assert_eq!(page.matches("<ul>").count(), 1, "{page}");
        for shown in [
            "Status: accepted",
            "Date: 2020",
            "Tags: doc",
            "Alice Doe, Bob Roe</li>",
        ] {
            assert!(!page.contains(shown), "{shown}: {page}");
        }
    }
}

/// Some templates write a record's fields in a quote under its title, or as lines of one
/// paragraph: read as the same fields, and left out of the body where they say only
/// those; a quote or paragraph that says more keeps what is not a field.
#[test]
fn a_record_s_fields_in_a_quote_or_one_paragraph_are_its_fields() {
    let project = Project::new()
        .file(
            "content/decisions/0001-quoted.md",
            "---\naudience: [public, team]\n---\n# 1. Quoted\n\n> Status: Accepted\n> Date: 2021-03-04\n> **Deciders:** Ann Doe, Bob Roe\n\n## Context\n\nC.\n",
        )
        .file(
            "content/decisions/0002-more.md",
            "---\naudience: [public, team]\n---\n# 2. More\n\n> Status: Proposed\n> Deciders: Cy Poe\n> We may revisit this.\n\n## Context\n\nC.\n",
        )
        .file(
            "content/decisions/0003-paragraph.md",
            "# 3. Paragraph\n\nStatus: Rejected\nDate: 2022-01-01\nTags: infra\n\n## Context\n\nC.\n",
        )
        .file(
            "content/decisions/0004-header.md",
            "# 4. Header\n\nDate: 2021-06-01\nStatus: Accepted\nReviewed yearly by the board.\n\n## Context\n\nC.\n",
        );
    project.build().success();
    let team = project.site("team");
    let body = |page: &str| {
        let page = team.main(page);
        let start = page.find("<div class=\"body\"").expect("a body");
        (page[start..].to_string(), page)
    };
    let (quoted, page) = body("decisions/0001-quoted.html");
    assert!(
        page.contains(r#"<span class="status status-accepted">accepted</span>"#)
            && page.contains("<dt>Date</dt><dd>2021-03-04</dd>")
            && page.contains("<dt>Deciders</dt><dd>Ann Doe, Bob Roe</dd>")
            && !quoted.contains("blockquote")
            && !quoted.contains("Ann Doe"),
        "{page}"
    );
    let (more, page) = body("decisions/0002-more.html");
    assert!(
        page.contains(r#"<span class="status status-proposed">proposed</span>"#)
            && page.contains("<dt>Deciders</dt><dd>Cy Poe</dd>")
            // The field lines it starts with go, as a header above its words.
            && more.contains("<blockquote>\n<p>We may revisit this.</p>\n</blockquote>")
            && !more.contains("Cy Poe"),
        "{page}"
    );
    let (paragraph, page) = body("decisions/0003-paragraph.html");
    assert!(
        page.contains(r#"<span class="status status-rejected">rejected</span>"#)
            && page.contains("<dt>Date</dt><dd>2022-01-01</dd>")
            && page.contains("lists/tag/infra.html")
            && !paragraph.contains("Status:")
            && !paragraph.contains("Tags:"),
        "{page}"
    );
    let (header, page) = body("decisions/0004-header.html");
    assert!(
        page.contains("<dt>Date</dt><dd>2021-06-01</dd>")
            && header.contains("<p>Reviewed yearly by the board.</p>")
            && !header.contains("Status:")
            && !header.contains("Date:"),
        "{page}"
    );
    // The public site, which shows no people, shows none of them in a body either.
    let public = project.site("public");
    let shown = public.main("decisions/0002-more.html");
    assert!(shown.contains("We may revisit this."), "{shown}");
    public.assert_nowhere("Ann Doe");
    public.assert_nowhere("Cy Poe");
}

#[test]
fn a_record_s_status_and_date_are_shown_once_where_the_body_says_only_them() {
    let status = r#"<h2 id="status">Status</h2>"#;
    let cases = [
        // adr-tools' own: the date line and the status section are the header's.
        (
            "# 2. Nygard\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n## Context\n\nC.\n",
            false,
            false,
        ),
        (
            "# 2. Heading\n\n## Status: Accepted\n\n## Context\n\nC.\n",
            false,
            false,
        ),
        // A section that says more than the status keeps it all: a relation, which the
        // page lists only where the record it names is shown, prose, a second status,
        // a subheading, an audience block, emphasis.
        (
            "# 2. Related\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\nSupersedes [1. Old](0001-old.md)\n\n## Context\n\nC.\n",
            true,
            false,
        ),
        (
            "# 2. Prose\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\nWe will revisit in Q3.\n\n## Context\n\nC.\n",
            true,
            false,
        ),
        (
            "# 2. Two\n\n## Status\n\nAccepted\n\nDeprecated\n\n## Context\n\nC.\n",
            true,
            false,
        ),
        (
            "# 2. Sub\n\n## Status\n\nAccepted\n\n### Notes\n\nN.\n\n## Context\n\nC.\n",
            true,
            false,
        ),
        (
            "# 2. Block\n\n## Status\n\nAccepted\n\n<!-- audience: team -->\nFor the team.\n<!-- /audience -->\n\n## Context\n\nC.\n",
            true,
            false,
        ),
        // A status the frontmatter gives is the page's: the body's is its own words.
        (
            "---\nstatus: deprecated\ndate: 2021-05-05\n---\n# 2. Front\n\nDate: 2020-01-02\n\n## Status\n\nAccepted\n\n## Context\n\nC.\n",
            true,
            true,
        ),
    ];
    for (text, keeps_status, keeps_date) in cases {
        let project = Project::new()
            .file(
                "content/decisions/0001-old.md",
                "# 1. Old\n\n## Status\n\nSuperseded\n",
            )
            .file("content/decisions/0002-record.md", text);
        project.build().success();
        let page = project.site("team").main("decisions/0002-record.html");
        let body = &page[page.find(r#"<div class="body""#).unwrap()..];
        assert_eq!(body.contains(status), keeps_status, "{text}\n{body}");
        assert_eq!(
            body.contains("<p>Accepted</p>"),
            keeps_status,
            "{text}\n{body}"
        );
        assert_eq!(
            body.contains("Date: 2020-01-02"),
            keeps_date,
            "{text}\n{body}"
        );
        assert!(body.contains(r#"<h2 id="context">Context</h2>"#), "{body}");
        assert!(!page.contains("<!--"), "{page}");
    }
    // A link written to the section left out leads to the record's page, whose header
    // says the status; a heading of the same name keeps the section, so that no link
    // changes its place.
    let project = Project::new()
        .file("content/decisions/0001-old.md", "# 1. Old\n\n## Status\n\nSuperseded\n")
        .file("content/decisions/0002-record.md", cases[0].0)
        .file(
            "content/decisions/0003-twice.md",
            "# 3. Twice\n\n## Status\n\nAccepted\n\n## Context\n\n## Status\n\nRolled out to 40 %.\n",
        )
        .file(
            "content/pages/notes.md",
            "+++\ntitle = \"Notes\"\n+++\nSee [its status](../decisions/0002-record.md#status) and [the rollout](../decisions/0003-twice.md#status-1).\n",
        );
    let run = project.check();
    run.expect(0);
    assert!(!run.stderr().contains("broken"), "{}", run.stderr());
    project.build().success();
    let site = project.site("team");
    let notes = site.main("pages/notes.html");
    assert!(
        notes.contains(r#"<a href="../decisions/0002-record.html">its status</a>"#)
            && notes.contains(r#"<a href="../decisions/0003-twice.html#status-1">the rollout</a>"#),
        "{notes}"
    );
    let page = site.main("decisions/0002-record.html");
    assert!(page.contains("<dt>Date</dt><dd>2020-01-02</dd>"), "{page}");
    let twice = site.main("decisions/0003-twice.html");
    assert!(
        twice.contains(status) && twice.contains(r#"<h2 id="status-1">Status</h2>"#),
        "{twice}"
    );
}

#[test]
fn a_record_s_line_that_more_text_continues_stays_with_all_it_says() {
    for (text, kept) in [
        (
            "# 1. Nested\n\n- Status: accepted\n  - re-confirmed at the 2021 review\n- Date: 2020-06-02\n\n## Context\n\nC.\n",
            "<li>Status: accepted\n<ul>\n<li>re-confirmed at the 2021 review</li>",
        ),
        (
            "# 1. Continued\n\n* Status: accepted\n  pending legal sign-off.\n* Date: 2020-06-03\n\n## Context\n\nC.\n",
            "<li>Status: accepted\npending legal sign-off.</li>",
        ),
        (
            "# 1. Under\n\n- Metadata\n  - Status: accepted\n  - Date: 2020-01-02\n- Owner: Dana\n",
            "<li>Status: accepted</li>\n<li>Date: 2020-01-02</li>",
        ),
        (
            "---\ntitle: Use Postgres\n---\n# 1. Use PostgreSQL for all storage, the audit log too\n\nText.\n",
            "<h1 id=\"1-use-postgresql-for-all-storage-the-audit-log-too\">",
        ),
    ] {
        let project = Project::new().file("content/decisions/0001-record.md", text);
        project.build().success();
        let page = project.site("team").main("decisions/0001-record.html");
        let body = &page[page.find(r#"<div class="body""#).unwrap()..];
        assert!(body.contains(kept), "{text}\n{body}");
    }
}

#[test]
fn a_record_s_fields_are_never_read_from_its_comments_or_code_nor_its_words_cut() {
    let public = "---\naudience: [public, team]\n---\n";
    let project = Project::new()
        .file(
            "content/decisions/0001-comment.md",
            &format!("{public}# 1. Comment\n\nSee notes <!-- private notes:\nDeciders: Ann\nTags: x SECRET-Z\nsalary band SECRET-200k\n-->\n\n## Context\n\nC.\n"),
        )
        .file(
            "content/decisions/0002-code.md",
            &format!("{public}# 2. Code\n\n    Date: 2024-07-02\n    Deciders: Ann\n\nSome intro\nDate: 2024-07-03\nmore words.\n\n* Status: accepted\n\n  Accepted after the second vote.\n* Tags: db\n"),
        )
        .file(
            "content/decisions/0003-anchors.md",
            &format!("{public}# 3. Anchors {{#adr-3}}\n\n<!-- audience: team -->\n## Status\nBoard: frozen.\n<!-- /audience -->\n\n## Status\n\nAccepted\n\n## Rollout {{#status-2}}\n"),
        )
        .file(
            "content/pages/links.md",
            "+++\ntitle = \"Links\"\naudience = [\"public\", \"team\"]\n+++\n[a](../decisions/0003-anchors.md#status-1) [b](../decisions/0003-anchors.md#adr-3)\n",
        );
    project.build().success();
    let out = project.path().join("out");
    let all = |site: &str| {
        let mut text = String::new();
        for page in ["decisions/0001-comment.html", "decisions/0002-code.html"] {
            text += &std::fs::read_to_string(out.join(site).join(page)).unwrap();
        }
        text
    };
    for site in ["public", "team"] {
        let text = all(site);
        assert!(
            !text.contains("SECRET") && !text.contains("&lt;!--"),
            "{site}: {text}"
        );
        assert!(!text.contains("<dt>Deciders</dt>"), "{site}: {text}");
    }
    let code = project.site("team").main("decisions/0002-code.html");
    for kept in [
        "<pre><code>Date: 2024-07-02\nDeciders: Ann\n</code></pre>",
        "<p>Some intro\nDate: 2024-07-03\nmore words.</p>",
        "<li>\n<p>Status: accepted</p>\n<p>Accepted after the second vote.</p>\n</li>",
    ] {
        assert!(code.contains(kept), "{kept}: {code}");
    }
    // The status section the team's block shares its anchor with stays, and the links
    // to it and to the title's id lead where they were written to.
    let anchors = project.site("team").main("decisions/0003-anchors.html");
    assert!(
        anchors.contains(r#"<h2 id="status-1">Status</h2>"#)
            && anchors.contains(r#"<h1 dir="auto">Anchors</h1>"#),
        "{anchors}"
    );
    let links = project.site("team").main("pages/links.html");
    assert!(
        links.contains(r#"href="../decisions/0003-anchors.html#status-1""#)
            && links.contains(r#"<a href="../decisions/0003-anchors.html">b</a>"#),
        "{links}"
    );
}

#[test]
fn a_record_s_fields_read_from_markdown_show_their_words_and_its_own_links_lead_to_it() {
    let public = "---\naudience: [public, team]\n---\n";
    let project = Project::new()
        .file(
            "content/decisions/0001-quoted.md",
            &format!("{public}# 1. Quoted\n\n## Status\n\n> Accepted\n\n## Context\n\nC.\n"),
        )
        .file(
            "content/decisions/0002-people.md",
            &format!("{public}# 2. People\n\n* Status: accepted\n* Deciders: [Alice](https://example.com/alice), **Bob**, [Carol, Dan](https://example.com/cd)\n* Tags: `api`, db\n\n## Context\n\nC.\n"),
        )
        .file(
            "content/decisions/0004-madr.md",
            "---\nstatus: accepted\naudience: [public, team]\ndecision-makers: \"[Eve](https://example.com/e), **Finn**\"\n---\n# People in MADR\n",
        )
        .file(
            "content/decisions/0003-within.md",
            &format!("{public}# 3. Within\n\nDate: 2024-01-05\n\n## Status\n\nAccepted\n\n## Context\n\nSee [status](#status), [title](#3-within) and [context](#context).\n"),
        );
    project.build().success();
    let team = project.site("team");
    // A quoted status is the status, and its quote stays in the body.
    let quoted = team.main("decisions/0001-quoted.html");
    assert!(
        quoted.contains(r#"<span class="status status-accepted">accepted</span>"#)
            && quoted.contains("<blockquote>\n<p>Accepted</p>\n</blockquote>")
            && !quoted.contains("&gt; Accepted"),
        "{quoted}"
    );
    // People and tags are their words: no link's address, no emphasis, no comma of a
    // link's words taken for a second name.
    let people = team.main("decisions/0002-people.html");
    assert!(
        people.contains("<dt>Deciders</dt><dd>Alice, Bob, Carol, Dan</dd>")
            && people.contains("lists/tag/api.html")
            && !people.contains("example.com")
            && !people.contains("**"),
        "{people}"
    );
    let madr = team.main("decisions/0004-madr.html");
    assert!(
        madr.contains("<dt>Deciders</dt><dd>Eve, Finn</dd>"),
        "{madr}"
    );
    assert_eq!(
        project
            .site("public")
            .main("decisions/0002-people.html")
            .matches("Alice")
            .count(),
        0,
        "a public site shows no people"
    );
    // A link within the page to the section its header says, or to its title, leads
    // to the top of the page; one to a heading still there, to the heading.
    let within = team.main("decisions/0003-within.html");
    assert!(
        within.contains(r##"<a href="#">status</a>"##)
            && within.contains(r##"<a href="#">title</a>"##)
            && within.contains(r##"<a href="#context">context</a>"##)
            && !within.contains(r#"id="status""#),
        "{within}"
    );
}

#[test]
fn imported_records_render() {
    let p = Project::fixture("imported");
    p.build().success();
    let team = p.site("team");
    let madr = team.main("decisions/0003-use-madr.html");
    assert!(
        madr.contains("<dt>Deciders</dt><dd>Ana Ruiz, Bo Chen</dd>"),
        "MADR's decision-makers are the deciders: {madr}"
    );
    // Its own extra key is shown; the keys that place it in a Jekyll site's navigation
    // are not.
    assert!(
        madr.contains("<dt>review-board</dt><dd>Architecture guild</dd>")
            && !madr.contains("nav_order"),
        "{madr}"
    );
    assert!(!team.exists("decisions/index.html") && !team.exists("decisions/adr-template.html"));
    p.site("public").assert_links_resolve();
    p.site("public").assert_nowhere("Ana Ruiz");
}

#[test]
fn sites_that_treat_raw_html_differently_render_the_same_body_each_their_way() {
    let config = "title = \"T\"\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n\n\
                  [sites.plain]\ntitle = \"Plain\"\naudiences = [\"team\"]\nraw_html = \"escape\"\n\n\
                  [sites.open]\ntitle = \"Open\"\naudiences = [\"team\"]\nraw_html = \"allow\"\n";
    let project = Project::new().config(config).file(
        "content/pages/p.md",
        "+++\ntitle = \"P\"\naudience = [\"team\"]\n+++\nSome <kbd>raw</kbd> and <span onclick=\"x()\">more</span>.\n",
    );
    project.build().success();
    let team = project.site("team").main("pages/p.html");
    assert!(team.contains("<kbd>raw</kbd>"), "{team}");
    assert!(!team.contains("onclick"), "sanitised: {team}");
    let plain = project.site("plain").main("pages/p.html");
    assert!(
        plain.contains("&lt;kbd&gt;raw&lt;/kbd&gt;"),
        "escaped: {plain}"
    );
    let open = project.site("open").main("pages/p.html");
    assert!(open.contains("onclick=\"x()\""), "allowed: {open}");
}

#[test]
fn a_long_list_goes_on_in_numbered_pages_that_link_to_each_other() {
    let mut project = Project::new();
    for n in 0..1001 {
        project = project.file(
            &format!("content/pages/p{n:04}.md"),
            &format!("+++\ntitle = \"Note {n:04}\"\ntags = [\"many\"]\n+++\nText.\n"),
        );
    }
    project.build().success();
    let team = project.site("team");
    let pages = [
        "lists/tag/many.html",
        "lists/tag/many/2.html",
        "lists/tag/many/3.html",
    ];
    assert!(!team.exists("lists/tag/many/4.html"));
    let mut shown = Vec::new();
    for (n, path) in pages.iter().enumerate() {
        let main = team.main(path);
        assert!(
            main.contains(&format!("1001 documents · page {} of 3", n + 1)),
            "{path}: {main}"
        );
        let root = "../".repeat(path.matches('/').count());
        let prev = n.checked_sub(1).map(|p| pages[p]);
        let next = pages.get(n + 1);
        for (rel, target) in [("prev", prev), ("next", next.copied())] {
            let link = target.map(|t| format!(r#"<a href="{root}{t}" rel="{rel}">"#));
            match link {
                Some(link) => assert!(main.contains(&link), "{path} lacks {link}: {main}"),
                None => assert!(!main.contains(&format!(r#"rel="{rel}""#)), "{path}"),
            }
        }
        shown.extend(
            main.split("<li class=\"doc-item")
                .skip(1)
                .map(|item| item[item.find("Note ").unwrap()..][..9].to_string()),
        );
    }
    let expected: Vec<String> = (0..1001).map(|n| format!("Note {n:04}")).collect();
    assert_eq!(
        shown, expected,
        "every document once, in order, across the pages"
    );
    let sitemap = team.read("sitemap.xml");
    for path in pages {
        assert!(
            sitemap.contains(&format!("<loc>{path}</loc>")),
            "{path} in {sitemap}"
        );
    }
    let index = team.main("lists/index.html");
    assert!(index.contains("many.html"), "{index}");
    assert!(team.assert_links_resolve() > 0);
}

#[test]
fn a_sitemap_of_more_than_50000_pages_goes_into_parts_that_an_index_lists() {
    // Three tags of its own make each note four pages: 12,600 notes, over 50,400 pages.
    let mut project = Project::new().config(
        "title = \"Acme\"\nbase_url = \"https://docs.example\"\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n",
    );
    for n in 0..12_600 {
        project = project.file(
            &format!("content/pages/p{n:05}.md"),
            &format!(
                "+++\ntitle = \"Note {n}\"\ntags = [\"a{n}\", \"b{n}\", \"c{n}\"]\n+++\nText.\n"
            ),
        );
    }
    project.build().success();
    let team = project.site("team");
    let base = "https://docs.example/team/";
    let index = team.read("sitemap.xml");
    assert!(index.contains("<sitemapindex "), "{index}");
    let locs = |text: &str| -> Vec<String> {
        text.split("<loc>")
            .skip(1)
            .map(|rest| rest[..rest.find("</loc>").unwrap()].to_string())
            .collect()
    };
    let parts = locs(&index);
    assert_eq!(
        parts,
        [
            format!("{base}sitemap-1.xml"),
            format!("{base}sitemap-2.xml")
        ]
    );
    assert!(!team.exists("sitemap-3.xml"));
    let first = locs(&team.read("sitemap-1.xml"));
    let second = locs(&team.read("sitemap-2.xml"));
    assert_eq!(
        first.len(),
        50_000,
        "the protocol's limit fills the first part"
    );
    assert!(!second.is_empty());
    let mut pages: Vec<String> = first.into_iter().chain(second).collect();
    assert_eq!(pages[0], base, "the home page first");
    let count = pages.len();
    pages.sort();
    pages.dedup();
    assert_eq!(pages.len(), count, "no page twice");
    for page in &pages[1..] {
        let path = page.strip_prefix(base).unwrap_or_else(|| panic!("{page}"));
        assert!(team.exists(path), "{page} is not a page of the site");
    }
    for n in [0, 6_000, 12_599] {
        for page in [
            format!("pages/p{n:05}.html"),
            format!("lists/tag/c{n}.html"),
        ] {
            assert!(
                pages.contains(&format!("{base}{page}")),
                "{page} missing from the sitemap"
            );
        }
    }
    // The team's site asks crawlers to stay out; a public one names its sitemap (below).
    assert_eq!(team.read("robots.txt"), "User-agent: *\nDisallow: /\n");
    assert!(
        team.read("index.html")
            .contains(r#"<meta name="robots" content="noindex">"#)
    );
}

#[test]
fn the_roadmap_shows_the_objectives_of_todays_quarter_with_its_half_and_year() {
    let mut project = Project::new();
    for (id, period) in [
        ("Q3", "2026-Q3"),
        ("Q4", "2026-Q4"),
        ("H2", "2026-H2"),
        ("YEAR", "2026"),
        ("NEXT", "2027-Q1"),
    ] {
        project = project.file(
            &format!("content/objectives/{}.md", id.to_lowercase()),
            &objective(id, period, "active", ""),
        );
    }
    let roadmap = |today: &str| {
        project
            .run(&["build", "--out", today, "--today", today])
            .success();
        project.site_in(today, "exec").main("roadmap.html")
    };
    let shown = |html: &str| -> Vec<&str> {
        ["Q3", "Q4", "H2", "YEAR", "NEXT"]
            .into_iter()
            .filter(|id| html.contains(&format!("Objective {id}<")))
            .collect()
    };
    let summer = roadmap("2026-08-01");
    assert!(summer.contains("2026-Q3"), "{summer}");
    assert_eq!(shown(&summer), ["Q3", "H2", "YEAR"]);
    let autumn = roadmap("2026-11-23");
    assert_eq!(shown(&autumn), ["Q4", "H2", "YEAR"]);
    // A quarter without objectives: the latest period that has active ones.
    let later = roadmap("2027-05-01");
    assert_eq!(shown(&later), ["NEXT"]);
}

#[test]
fn the_roadmaps_undriven_key_results_count_an_initiative_driving_the_whole_objective() {
    let project = Project::new()
        .file("content/objectives/whole.md", &objective("WHOLE", "2026-Q4", "active", ""))
        .file("content/objectives/none.md", &objective("NONE", "2026-Q4", "active", ""))
        .file(
            "content/initiatives/i.md",
            "+++\ntitle = \"I\"\nstatus = \"planned\"\ndrives = [\"WHOLE\"]\n+++\n",
        )
        .file(
            "content/initiatives/hidden.md",
            "+++\ntitle = \"H\"\nstatus = \"planned\"\naudience = [\"exec\"]\ndrives = [\"NONE\"]\n+++\n",
        )
        .file("content/objectives/dropped.md", &objective("DROPPED", "2026-Q4", "active", ""))
        .file(
            "content/initiatives/cancelled.md",
            "+++\ntitle = \"C\"\nstatus = \"cancelled\"\ndrives = [\"DROPPED#kr1\"]\n+++\n",
        );
    let run = project.build();
    run.success();
    // As `align check` counts them: WHOLE's key result is driven, NONE's only by an
    // initiative the team site does not show, DROPPED's only by a cancelled one.
    let stderr = run.stderr();
    let found: Vec<&str> = (stderr.lines())
        .filter(|l| l.ends_with("[undriven-key-result]"))
        .collect();
    assert!(found.len() == 1 && found[0].contains("DROPPED"), "{stderr}");
    let undriven = |site: &str| {
        let roadmap = project.site(site).main("roadmap.html");
        ["WHOLE", "NONE", "DROPPED"]
            .into_iter()
            .filter(|id| {
                roadmap.contains(&format!(
                    "Measure of {id}</a> (Objective {id}) has no initiative"
                ))
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(undriven("exec"), ["DROPPED"]);
    assert_eq!(undriven("team"), ["NONE", "DROPPED"]);
}

#[test]
fn the_roadmap_counts_only_active_objectives_as_work_to_staff_and_leaves_cancelled_ones_out() {
    let mut project = Project::new();
    for (id, status) in [
        ("ACTIVE", "active"),
        ("DRAFT", "draft"),
        ("CLOSED", "closed"),
        ("CANCELLED", "cancelled"),
    ] {
        project = project.file(
            &format!("content/objectives/{}.md", id.to_lowercase()),
            &objective(id, "2026-Q4", status, ""),
        );
    }
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    let undriven: Vec<&str> = ["ACTIVE", "DRAFT", "CLOSED", "CANCELLED"]
        .into_iter()
        .filter(|id| {
            roadmap.contains(&format!(
                "Measure of {id}</a> (Objective {id}) has no initiative"
            ))
        })
        .collect();
    assert_eq!(undriven, ["ACTIVE"], "{roadmap}");
    // The period's objectives: a cancelled one is no part of the plan.
    for (id, shown) in [
        ("ACTIVE", true),
        ("DRAFT", true),
        ("CLOSED", true),
        ("CANCELLED", false),
    ] {
        assert_eq!(
            roadmap.contains(&format!(">Objective {id}<")),
            shown,
            "{id}: {roadmap}"
        );
    }
}

#[test]
fn a_decision_without_a_number_takes_its_file_names() {
    let project = Project::new()
        .file(
            "content/decisions/0007-use-postgres.md",
            "+++\ntitle = \"Use Postgres\"\nstatus = \"accepted\"\ndate = 2026-10-01\n+++\n",
        )
        .file(
            "content/pages/p.md",
            "+++\ntitle = \"P\"\n+++\nSee [[ADR-7]] and [[ADR-0007|the record]].\n",
        );
    project.build().success();
    let team = project.site("team");
    let page = team.main("pages/p.html");
    assert!(
        page.contains(r#"<a href="../decisions/0007-use-postgres.html">Use Postgres</a>"#)
            && page.contains(r#"<a href="../decisions/0007-use-postgres.html">the record</a>"#),
        "{page}"
    );
    assert!(
        team.main("decisions.html")
            .contains(r#"<span class="num">7.</span>"#)
    );
}

#[test]
fn a_document_related_twice_in_one_way_is_listed_once() {
    let project = Project::new()
        .file(
            "content/objectives/o.md",
            "+++\nid = \"O-1\"\ntitle = \"Objective one\"\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"First\"\nbaseline = 0\ntarget = 10\n\n[[key_results]]\nid = \"kr2\"\ntitle = \"Second\"\nbaseline = 0\ntarget = 10\n+++\n",
        )
        .file(
            "content/initiatives/i.md",
            "+++\nid = \"I-1\"\ntitle = \"Both measures\"\ndrives = [\"O-1#kr1\", \"O-1#kr2\"]\n+++\nSee [[O-1]] and again [[O-1#kr2]].\n",
        );
    project.build().success();
    let team = project.site("team");
    let objective = team.main("objectives/o.html");
    let relations = &objective[objective.find("relations-heading").unwrap()..];
    // Driven by the initiative, and referenced by it: each once.
    assert_eq!(
        relations.matches(">Both measures</a>").count(),
        2,
        "{relations}"
    );
    assert!(relations.contains("Driven by") && relations.contains("Referenced by"));
    // From the initiative, each key result it drives is its own relation.
    let initiative = team.main("initiatives/i.html");
    let drives = &initiative[initiative.find("relations-heading").unwrap()..];
    assert!(
        drives.contains("#kr-kr1\">") && drives.contains("#kr-kr2\">"),
        "{drives}"
    );
}

/// Each text between `open` and the next `close` after it.
fn between<'t>(text: &'t str, open: &str, close: &str) -> Vec<&'t str> {
    text.split(open)
        .skip(1)
        .map(|part| &part[..part.find(close).unwrap()])
        .collect()
}

/// A project that imports `CHANGELOG.md` for the public and team sites.
fn importing_changelog() -> Project {
    Project::new().config(&format!(
        "{}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n",
        common::CONFIG
    ))
}

#[test]
fn an_entry_in_an_audience_block_keeps_its_place_among_the_changelog_s_entries() {
    let project = importing_changelog()
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [Unreleased]\n### Added\n- Alpha\n<!-- audience: team -->\n- Beta\n<!-- /audience -->\n- Gamma\n\n## [1.0.0] - 2026-01-01\n### Fixed\n- First\n<!-- audience: team -->\n- Second\n<!-- /audience -->\n- Third\n",
        )
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    project.build().success();
    let config = common::CONFIG.replace(
        "home = \"release-plan\"\n",
        "home = \"release-plan\"\nshow_unreleased = true\n",
    );
    let team = project.site("team");
    let order = |text: &str, words: &[&str]| {
        let at: Vec<usize> = words.iter().map(|w| text.find(w).expect(w)).collect();
        at.windows(2).all(|w| w[0] < w[1])
    };
    let changelog = team.main("changelog.html");
    assert!(
        order(&changelog, &["First", "Second", "Third"]),
        "{changelog}"
    );
    let feed = team.read("feed.xml");
    assert!(order(&feed, &["First", "Second", "Third"]), "{feed}");
    let release = team.main("changelog/v1.0.0.html");
    assert!(order(&release, &["First", "Second", "Third"]), "{release}");
    // The unreleased section, where a site lists it.
    project.write("align.toml", format!(
        "{config}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n"
    ));
    project.build().success();
    let changelog = project.site("team").main("changelog.html");
    assert!(
        order(&changelog, &["Alpha", "Beta", "Gamma"]),
        "{changelog}"
    );
}

#[test]
fn a_release_s_heading_in_the_changelog_is_named_by_its_version() {
    let release = |version: &str, date: &str| {
        format!(
            "+++\ntitle = \"Release {version}\"\nversion = \"{version}\"\nstatus = \"released\"\ndate = {date}\n+++\n"
        )
    };
    let project = Project::new()
        .file("content/releases/a.md", &release("v1.0.0", "2026-01-05"))
        .file(
            "content/releases/b.md",
            &release("2.0.0-rc.1", "2026-02-01"),
        )
        // The same version twice (which the check reports) still gives two ids.
        .file("content/releases/c.md", &release("1.0.0", "2026-01-04"))
        .file(
            "content/releases/d.md",
            "+++\ntitle = \"Spring\"\nstatus = \"released\"\ndate = 2026-03-01\n+++\n",
        );
    project.build().success();
    let changelog = project.site("team").main("changelog.html");
    let ids = between(&changelog, "<h2 id=\"", "\"");
    assert_eq!(
        ids,
        ["vreleases-d", "v2-0-0-rc-1", "v1-0-0", "v1-0-0-1"],
        "{changelog}"
    );
    assert!(
        changelog.contains("aria-labelledby=\"v2-0-0-rc-1\""),
        "{changelog}"
    );
}

#[test]
fn an_imported_section_keeps_the_name_it_is_written_with_in_its_category_s_place() {
    let project = importing_changelog()
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [2.0.0] - 2024-02-01\n### Bug Fixes\n- b\n### Features\n- a\n### Breaking Changes\n- c\n\n## [1.0.0] - 2024-01-01\n### Features\n- d\n### Added\n- e\n",
        )
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    project.build().success();
    let changelog = project.site("team").main("changelog.html");
    let headings = between(&changelog, "<h3>", "</h3>");
    // Two names for Added in one release: the category's own.
    assert_eq!(
        headings,
        ["Features", "Breaking Changes", "Bug Fixes", "Added"],
        "{changelog}"
    );
}

/// A numbered list in a section is a list of changes, one per item, as a bulleted one
/// is; a release's summary reads its first paragraph in words, past a table, and a
/// numbered list under a release heading stays its prose.
#[test]
fn numbered_changes_are_changes_and_a_summary_is_words() {
    let project = importing_changelog()
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [2.0.0] - 2024-02-01\n\nUpgrade steps:\n\n1. stop\n2. start\n\n### Fixed\n\n1. first numbered fix\n2. second numbered fix\n\n- Fixed the bug.\n1. numbered entry one\n\n## [1.0.0] - 2024-01-01\n\n| Area | Status |\n|---|---|\n| API | stable |\n\nStable release.\n\n### Added\n\n- Things\n",
        )
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    project.build().success();
    let team = project.site("team");
    let titles: Vec<String> = (1..=4)
        .map(|n| {
            let page = team.main(&format!("changelog/v2.0.0/{n:03}.html"));
            between(&page, "<h1 dir=\"auto\">", "</h1>")[0].to_string()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "first numbered fix",
            "second numbered fix",
            "Fixed the bug.",
            "numbered entry one"
        ]
    );
    assert!(!team.exists("changelog/v2.0.0/005.html"));
    let changelog = team.main("changelog.html");
    assert!(
        changelog.contains("<p>Stable release.</p>")
            && changelog.contains("<p>Upgrade steps:</p>")
            && !changelog.contains("| Area"),
        "{changelog}"
    );
    let release = team.main("changelog/v2.0.0.html");
    assert!(release.contains("<li>stop</li>"), "{release}");
}

#[test]
fn the_unreleased_section_ends_with_the_changelog_s_unreleased_link() {
    let config = common::CONFIG.replace(
        "home = \"release-plan\"\n",
        "home = \"release-plan\"\nshow_unreleased = true\n",
    );
    let project = Project::new()
        .config(&format!(
            "{config}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"public\", \"team\"]\n"
        ))
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [Unreleased]\n### Added\n- Dark mode\n\n## [1.0.0] - 2024-01-01\n### Added\n- First\n\n[unreleased]: https://example.com/compare/v1.0.0...HEAD\n[1.0.0]: https://example.com/releases/v1.0.0\n",
        )
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    project.build().success();
    let team = project.site("team").main("changelog.html");
    let unreleased = &team[team.find("id=\"v-unreleased\"").expect(&team)..];
    let unreleased = &unreleased[..unreleased.find("</section>").unwrap()];
    assert!(unreleased.contains("Dark mode"), "{unreleased}");
    assert!(
        unreleased.contains(r#"<a href="https://example.com/compare/v1.0.0...HEAD">Every change since the last release</a>"#),
        "{unreleased}"
    );
    // A site that lists no unreleased changes has no section to close.
    let public = project.site("public").main("changelog.html");
    assert!(!public.contains("compare/v1.0.0...HEAD"), "{public}");
    // A definition that is no web address is no link.
    project.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n### Added\n- Dark mode\n\n[Unreleased]: ./NOTES.md\n",
    );
    project.build().success();
    let team = project.site("team").main("changelog.html");
    assert!(team.contains("Dark mode"), "{team}");
    assert!(!team.contains("Every change since"), "{team}");
}

#[test]
fn work_in_a_release_the_site_hides_is_not_called_unreleased() {
    let config = common::CONFIG.replace(
        "home = \"release-plan\"\n",
        "home = \"release-plan\"\nshow_unreleased = true\n",
    );
    let project = Project::new()
        .config(&config)
        .file(
            "content/releases/r1.md",
            "+++\nid = \"R1\"\ntitle = \"Release 1.0.0\"\nversion = \"1.0.0\"\nstatus = \"released\"\ndate = 2026-10-01\naudience = [\"exec\"]\n+++\n",
        )
        .file(
            "content/changes/fix.md",
            "+++\ntitle = \"Shipped fix\"\nrelease = \"R1\"\ncategory = \"fixed\"\naudience = [\"exec\", \"team\"]\n+++\n",
        )
        .file(
            "content/changes/open.md",
            "+++\ntitle = \"Open change\"\ncategory = \"added\"\n+++\n",
        )
        .file(
            "content/initiatives/work.md",
            "+++\ntitle = \"Shipped work\"\nstatus = \"in-progress\"\nrelease = \"R1\"\naudience = [\"exec\", \"team\"]\n+++\n",
        );
    project.build().success();
    let team = project.site("team");
    for page in ["changelog.html", "release-plan.html"] {
        let html = team.main(page);
        assert!(!html.contains("Shipped"), "{page}: {html}");
        assert!(html.contains("Open change"), "{page}: {html}");
    }
    // The site that shows the release shows the work in it.
    let exec = project.site("exec").main("release-plan.html");
    assert!(
        exec.contains("Shipped fix") && exec.contains("Shipped work"),
        "{exec}"
    );
}

/// A breaking change is marked so wherever it is listed: under "Not yet in a release" on
/// the release plan, and on the lists, as under its release.
#[test]
fn a_breaking_change_is_marked_wherever_it_is_listed() {
    let project = Project::new().file(
        "content/changes/tokens.md",
        "+++\ntitle = \"Tokens expire\"\ncategory = \"changed\"\nbreaking = true\n+++\n",
    );
    project.build().success();
    let team = project.site("team");
    for page in ["release-plan.html", "lists/kind/change.html"] {
        let html = team.main(page);
        let item = &html[html.find("Tokens expire").expect(page)..];
        assert!(
            item[..item.find("</li>").unwrap()]
                .contains("<span class=\"breaking\">breaking</span>"),
            "{page}: {html}"
        );
    }
}

/// Cancelled work is no part of a release's scope on the release plan, as it is no part
/// of the work not yet in a release; its own page still names the release.
#[test]
fn cancelled_work_is_no_part_of_a_releases_scope() {
    let initiative = |title: &str, status: &str| {
        format!("+++\ntitle = \"{title}\"\nstatus = \"{status}\"\nrelease = \"R1\"\n+++\n")
    };
    let project = Project::new()
        .file(
            "content/releases/r1.md",
            "+++\nid = \"R1\"\ntitle = \"Release 1.0.0\"\nversion = \"1.0.0\"\ndate = 2026-12-10\n+++\n",
        )
        .file("content/initiatives/kept.md", &initiative("Kept work", "in-progress"))
        .file("content/initiatives/dropped.md", &initiative("Dropped work", "cancelled"));
    project.build().success();
    let team = project.site("team");
    let plan = team.main("release-plan.html");
    assert!(
        plan.contains("Kept work") && !plan.contains("Dropped work"),
        "{plan}"
    );
    let page = team.main("initiatives/dropped.html");
    assert!(page.contains("Release 1.0.0"), "{page}");
}

#[test]
fn a_tag_named_in_a_change_keeps_the_words_after_it_on_the_changelog_and_in_the_feed() {
    let project = importing_changelog()
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [2.0.1] - 2024-02-01\n### Security\n- Escape <script> in comment titles\n- Resize the <textarea> when the window **shrinks**\n",
        )
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    project.build().success();
    let public = project.site("public");
    let changelog = public.main("changelog.html");
    let feed = public.read("feed.xml");
    for (shown, escaped_again) in [
        (
            "Escape &lt;script&gt; in comment titles",
            "Escape &amp;lt;script&amp;gt; in comment titles",
        ),
        (
            "Resize the &lt;textarea&gt; when the window <strong>shrinks</strong>",
            "Resize the &amp;lt;textarea&amp;gt; when the window &lt;strong&gt;shrinks&lt;/strong&gt;",
        ),
    ] {
        assert!(changelog.contains(shown), "{shown}\n{changelog}");
        assert!(feed.contains(escaped_again), "{escaped_again}\n{feed}");
    }
}

#[test]
fn a_date_that_reads_as_no_day_sorts_as_none() {
    let project = importing_changelog()
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [2.0.0] - 2024-02-01\n- new\n\n## [1.0.0] - 2024-02-31\n- old\n\n## [0.9.0] - 2024-01-01\n- older\n",
        )
        .file(
            "content/decisions/0001-c.md",
            "# 1. Unreadable\n\nDate: the week after launch\n\n## Status\n\nAccepted\n",
        )
        .file(
            "content/decisions/0002-b.md",
            "# 2. Newest real\n\nDate: 2025-12-01\n\n## Status\n\nAccepted\n",
        );
    project.build().success();
    let team = project.site("team");
    let changelog = team.main("changelog.html");
    let at = |v: &str| changelog.find(&format!("id=\"{v}\"")).unwrap_or(usize::MAX);
    assert!(
        at("v2-0-0") < at("v1-0-0") && at("v1-0-0") < at("v0-9-0"),
        "{changelog}"
    );
    let roadmap = project.site("exec").main("roadmap.html");
    let (newest, unreadable) = (roadmap.find("Newest real"), roadmap.find("Unreadable"));
    assert!(newest.is_some() && newest < unreadable, "{roadmap}");
}

#[test]
fn a_release_without_a_date_stands_where_its_version_puts_it() {
    let release = |version: &str, date: Option<&str>| {
        let date = date.map(|d| format!("date = {d}\n")).unwrap_or_default();
        format!(
            "+++\ntitle = \"{version}\"\nversion = \"{version}\"\nstatus = \"released\"\n{date}+++\n"
        )
    };
    let project = Project::new()
        .file(
            "content/releases/a.md",
            &release("1.0.0", Some("2026-01-05")),
        )
        .file("content/releases/b.md", &release("1.1.0", None))
        .file(
            "content/releases/c.md",
            &release("1.2.0", Some("2026-06-01")),
        )
        .file("content/releases/d.md", &release("0.9.0", None));
    project.build().success();
    let team = project.site("team");
    let changelog = team.main("changelog.html");
    let at = |v: &str| changelog.find(&format!(">{v}<")).unwrap_or(usize::MAX);
    assert!(
        at("1.2.0") < at("1.1.0") && at("1.1.0") < at("1.0.0") && at("1.0.0") < at("0.9.0"),
        "{changelog}"
    );
    // In the feed, the undated release takes the date of the older one it comes before,
    // and the one older than every dated release the date of the release before it.
    let feed = team.read("feed.xml");
    assert!(!feed.contains("1970"), "{feed}");
    let updated: Vec<&str> = feed
        .split("<entry>")
        .skip(1)
        .map(|e| {
            let from = e.find("<updated>").unwrap() + 9;
            &e[from..from + 20]
        })
        .collect();
    assert_eq!(
        updated,
        [
            "2026-06-01T00:00:00Z",
            "2026-01-05T00:00:00Z",
            "2026-01-05T00:00:00Z",
            "2026-01-05T00:00:00Z"
        ],
        "{feed}"
    );
}

#[test]
fn a_link_to_the_anchor_of_a_records_title_links_the_record() {
    // adr-tools writes `[6. Foxtrot](0006-foxtrot.md#6-foxtrot)`: the anchor of the title's
    // heading, which the page shows as its title, not as a heading of its body.
    let project = Project::new()
        .file(
            "content/decisions/0006-foxtrot.md",
            "# 6. Foxtrot\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n",
        )
        .file(
            "content/decisions/0007-golf.md",
            "# 7. Golf\n\nDate: 2020-02-01\n\n## Status\n\nAccepted\n\nSupersedes [6. Foxtrot](0006-foxtrot.md#6-foxtrot)\n\n## Context\n\nAfter [the first](0006-foxtrot.md#foxtrot).\n",
        );
    let check = project.check();
    check.expect(0);
    assert!(!check.stderr().contains("foxtrot`"), "{}", check.stderr());
    project.build().success();
    let team = project.site("team");
    assert!(
        team.main("decisions/0006-foxtrot.html")
            .contains("status-superseded")
    );
    let golf = team.main("decisions/0007-golf.html");
    assert!(
        golf.contains(r#"<a href="../decisions/0006-foxtrot.html">the first</a>"#),
        "{golf}"
    );
}

#[test]
fn a_record_written_with_setext_headings_is_read() {
    let project = Project::new().file(
        "content/decisions/0009-juliet.md",
        "9. Juliet\n=========\n\nDate: 2016-05-01\n\nStatus\n------\n\nRejected\n\nContext\n-------\n\nWe need *this*.\n",
    );
    project.check().expect(0);
    project.build().success();
    let page = project.site("team").main("decisions/0009-juliet.html");
    assert!(page.contains("<h1 dir=\"auto\">Juliet</h1>"), "{page}");
    assert!(page.contains("No. 9"), "{page}");
    assert!(page.contains(r#"class="status status-rejected""#), "{page}");
    assert!(page.contains("2016-05-01"), "{page}");
    // The title is the page's, not a list item of its body.
    assert!(!page.contains("<ol") && !page.contains("===="), "{page}");
    assert!(page.contains("<em>this</em>"), "{page}");
}

#[test]
fn a_link_whose_text_is_in_brackets_is_a_link_not_a_restricted_reference() {
    let project = Project::new().file(
        "content/pages/thanks.md",
        "+++\ntitle = \"Thanks\"\n+++\nThanks [[@ann]](https://example.com/ann).\n",
    );
    project.check().expect(0);
    project.build().success();
    let page = project.site("team").main("pages/thanks.html");
    assert!(
        page.contains(r#"<a href="https://example.com/ann">[@ann]</a>"#),
        "{page}"
    );
    assert!(!page.contains("restricted"), "{page}");
}

#[test]
fn a_folder_mapped_below_the_top_of_content_gives_its_kind() {
    let config = format!(
        "{}\n[folders]\n\"architecture/decisions\" = \"decision\"\n",
        common::CONFIG
    );
    let project = Project::new().config(&config).file(
        "content/architecture/decisions/0003-use-queues.md",
        "# 3. Use queues\n\nDate: 2024-02-01\n\n## Status\n\nAccepted\n",
    );
    project.check().expect(0);
    project.build().success();
    let page = project
        .site("team")
        .main("architecture/decisions/0003-use-queues.html");
    assert!(page.contains("kind-decision"), "{page}");
    assert!(page.contains(r#"class="status status-accepted""#), "{page}");
    assert!(page.contains("No. 3"), "{page}");
}

#[test]
fn a_site_published_at_its_own_address_uses_it_in_feed_sitemap_robots_and_404() {
    let project = Project::new()
        .config(
            "title = \"Acme\"\nbase_url = \"https://docs.example\"\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n\n[sites.public]\ntitle = \"News\"\naudiences = [\"public\"]\npublic = true\nurl = \"https://news.example/\"\n",
        )
        .file(
            "content/pages/p.md",
            "+++\ntitle = \"P\"\naudience = [\"team\", \"public\"]\n+++\nText.\n",
        );
    project.build().success();
    let public = project.site("public");
    assert!(
        public
            .read("sitemap.xml")
            .contains("<loc>https://news.example/pages/p.html</loc>")
    );
    assert!(
        public
            .read("robots.txt")
            .contains("Sitemap: https://news.example/sitemap.xml")
    );
    assert!(public.read("feed.xml").contains("https://news.example/"));
    // The 404 page, served at any depth, links from the host's root by the site's path:
    // on a preview or staging host too, where the published host's styles would not load.
    let not_found = public.read("404.html");
    assert!(
        not_found.contains(r#"href="/assets/style.css""#)
            && !not_found.contains("news.example/assets"),
        "{not_found}"
    );
    assert!(!public.read("index.html").contains("noindex"));
    // Every view is in the sitemap but the one the home page is.
    let sitemap = public.read("sitemap.xml");
    for view in [
        "roadmap.html",
        "release-plan.html",
        "changelog.html",
        "decisions.html",
        "lists/index.html",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://news.example/{view}</loc>")),
            "{view}: {sitemap}"
        );
    }
    // The other site stays under base_url.
    let team = project.site("team");
    assert!(
        team.read("sitemap.xml")
            .contains("<loc>https://docs.example/team/pages/p.html</loc>")
    );
    assert!(!team.read("sitemap.xml").contains("news.example"));
}

#[test]
fn a_record_about_templates_is_a_record_and_a_template_is_not() {
    let record = "# 1. Use templates for emails\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n";
    let project = Project::new()
        .file(
            "content/decisions/0001-use-jinja-templates-for-emails.md",
            record,
        )
        .file(
            "content/decisions/adr-template.md",
            "# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n",
        );
    project.check().expect(0);
    project.build().success();
    let team = project.site("team");
    assert!(team.exists("decisions/0001-use-jinja-templates-for-emails.html"));
    assert!(!team.exists("decisions/adr-template.html"));
    // `--verbose` says which files it left out, and why.
    let run = project.run(&["check", ".", "--verbose"]);
    let said = run.stderr();
    let skipped: Vec<&str> = said.lines().filter(|l| l.starts_with("skipped ")).collect();
    assert_eq!(skipped.len(), 1, "{said}");
    assert!(
        skipped[0].contains("adr-template.md: a folder index or a record template"),
        "{said}"
    );
}

#[test]
fn a_release_without_a_status_is_planned_on_every_view() {
    let project = Project::new()
        .file(
            "content/releases/1-0.md",
            "+++\ntitle = \"One\"\nversion = \"1.0.0\"\ndate = 2026-01-01\naudience = [\"public\", \"team\"]\n+++\n",
        )
        .file(
            "content/changes/c.md",
            "+++\ntitle = \"Export to CSV\"\ncategory = \"added\"\nrelease = \"releases/1-0\"\naudience = [\"public\", \"team\"]\n+++\n",
        );
    let run = project.build();
    run.success();
    // Its date has passed: the plan is out of date, and said so.
    assert!(
        run.warnings()
            .iter()
            .any(|w| w.contains("has no status, so it counts as planned")
                && w.ends_with("[release-overdue]")),
        "{:?}",
        run.warnings()
    );
    let plan = project.site("team").main("release-plan.html");
    let (upcoming, released) = plan.split_once("id=\"released-heading\"").unwrap();
    assert!(upcoming.contains("href=\"releases/1-0.html\""), "{plan}");
    assert!(!released.contains("releases/1-0.html"), "{plan}");
    // And its card says so, as a card with the status written would.
    assert!(
        upcoming.contains("One</a> <span class=\"status status-planned\">planned</span>"),
        "{plan}"
    );
    // Not shipped: the changelog and its feed do not list it as released.
    let public = project.site("public");
    assert!(public.exists("releases/1-0.html"));
    assert!(!public.main("changelog.html").contains("releases/1-0.html"));
    assert!(!public.read("feed.xml").contains("releases/1-0.html"));
    // Planned on its own page, in the status lists, graph.json and search too.
    let team = project.site("team");
    let page = team.main("releases/1-0.html");
    assert!(
        page.contains("<span class=\"status status-planned\">planned</span>"),
        "{page}"
    );
    let listed = team.read("lists/status/release/planned.html");
    assert!(listed.contains("releases/1-0.html"), "{listed}");
    let graph: serde_json::Value = serde_json::from_str(&team.read("graph.json")).unwrap();
    let release = (graph["documents"].as_array().unwrap().iter())
        .find(|d| d["path_id"] == "releases/1-0")
        .unwrap();
    assert_eq!(release["status"], "planned", "{release:#}");
    assert!(
        team.read("search-index.json")
            .contains("\"status\":\"planned\"")
    );
}

#[test]
fn the_original_plan_is_the_earliest_decided_slip_however_the_history_is_written() {
    let initiative = |history: &str| {
        format!(
            "+++\ntitle = \"Board\"\nstatus = \"in-progress\"\ntarget = 2026-12-01\ntarget_history = [{history}]\n+++\n"
        )
    };
    let first = "{ date = 2026-10-19, target = 2026-11-06, reason = \"first\" }";
    let second = "{ date = 2026-11-02, target = 2026-11-20, reason = \"second\" }";
    for history in [format!("{first}, {second}"), format!("{second}, {first}")] {
        let project = Project::new().file("content/initiatives/board.md", &initiative(&history));
        project.build().success();
        let roadmap = project.site("exec").main("roadmap.html");
        assert!(
            roadmap.contains("slipped 2× (first planned for 2026-11-06, now 2026-12-01)"),
            "{history}: {roadmap}"
        );
    }
}

#[test]
fn a_target_brought_forward_is_no_slip() {
    let initiative = |target: &str, history: &str| {
        format!(
            "+++\ntitle = \"Board\"\nstatus = \"in-progress\"\nstart = 2026-10-01\ntarget = {target}\ntarget_history = [{history}]\n+++\n"
        )
    };
    let earlier = "{ date = 2026-10-19, target = 2026-12-20, reason = \"scope cut\" }";
    let project = Project::new().file(
        "content/initiatives/board.md",
        &initiative("2026-12-01", earlier),
    );
    project.build().success();
    let exec = project.site("exec");
    let roadmap = exec.main("roadmap.html");
    assert!(
        !roadmap.contains("slipped 1×") && !roadmap.contains("slipped from"),
        "{roadmap}"
    );
    let page = exec.main("initiatives/board.html");
    assert!(
        page.contains("(moved earlier, first planned 2026-12-20)"),
        "{page}"
    );
    // Later, then brought forward part of the way back: one slip, still later than planned.
    let later = "{ date = 2026-10-05, target = 2026-11-10, reason = \"later\" }";
    let back = "{ date = 2026-10-19, target = 2026-12-20, reason = \"back\" }";
    let project = Project::new().file(
        "content/initiatives/board.md",
        &initiative("2026-12-01", &format!("{later}, {back}")),
    );
    project.build().success();
    let exec = project.site("exec");
    let roadmap = exec.main("roadmap.html");
    assert!(
        roadmap.contains("slipped 1× (first planned for 2026-11-10, now 2026-12-01)"),
        "{roadmap}"
    );
    assert!(roadmap.contains("slipped from 2026-11-10"), "{roadmap}");
    let page = exec.main("initiatives/board.html");
    assert!(
        page.contains("(slipped 1×, first planned 2026-11-10)"),
        "{page}"
    );
    // Later, then brought forward past the first plan: earlier than planned, no slip shown.
    let later = "{ date = 2026-10-05, target = 2026-12-01, reason = \"later\" }";
    let back = "{ date = 2026-10-20, target = 2026-12-31, reason = \"back\" }";
    let project = Project::new().file(
        "content/initiatives/board.md",
        &initiative("2026-11-25", &format!("{later}, {back}")),
    );
    project.build().success();
    let page = project.site("exec").main("initiatives/board.html");
    assert!(
        page.contains(
            "2026-11-25 <span class=\"slipped\">(moved earlier, first planned 2026-12-01)</span>"
        ),
        "{page}"
    );
    // A plan confirmed again: as first planned, neither slipped nor moved.
    let again = "{ date = 2026-10-10, target = 2026-12-10, reason = \"re-confirmed\" }";
    let project = Project::new().file(
        "content/initiatives/board.md",
        &initiative("2026-12-10", again),
    );
    project.build().success();
    let page = project.site("exec").main("initiatives/board.html");
    assert!(
        page.contains("2026-12-10 <span class=\"meta\">(as first planned)</span>"),
        "{page}"
    );
    assert!(
        !page.contains("moved earlier") && !page.contains("slipped"),
        "{page}"
    );
}

#[test]
fn the_timeline_leaves_out_initiatives_dated_outside_its_quarters() {
    let initiative = |title: &str, start: &str, target: &str| {
        format!(
            "+++\ntitle = \"{title}\"\nstatus = \"planned\"\nstart = {start}\ntarget = {target}\n+++\n"
        )
    };
    let project = Project::new()
        .file(
            "content/initiatives/early.md",
            &initiative("Long ago", "2024-01-08", "2024-03-20"),
        )
        .file(
            "content/initiatives/now.md",
            &initiative("Right now", "2026-10-01", "2026-12-15"),
        )
        .file(
            "content/initiatives/late.md",
            &initiative("Far ahead", "2028-10-02", "2028-12-18"),
        );
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    let start = roadmap.find("<figure class=\"timeline\">").expect(&roadmap);
    let timeline = &roadmap[start..start + roadmap[start..].find("</figure>").unwrap()];
    assert!(timeline.contains("Right now"), "{timeline}");
    assert!(
        !timeline.contains("Long ago") && !timeline.contains("Far ahead"),
        "{timeline}"
    );
    assert!(
        timeline.contains("2 initiatives are dated outside these quarters and not drawn."),
        "{timeline}"
    );
}

#[test]
fn a_control_character_in_a_title_leaves_the_feed_well_formed() {
    let project = Project::new()
        .file(
            "content/releases/1-0.md",
            "+++\ntitle = \"One \\u0007 bell\"\nversion = \"1.0.0\"\nstatus = \"released\"\ndate = 2026-11-01\naudience = [\"public\"]\n+++\n",
        )
        .file(
            "content/changes/c.md",
            "+++\ntitle = \"Colours \\u001b[31mred\"\ncategory = \"added\"\nrelease = \"releases/1-0\"\naudience = [\"public\"]\n+++\n",
        );
    project.build().success();
    let feed = project.site("public").read("feed.xml");
    assert!(
        !feed.contains(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        "{feed:?}"
    );
    assert!(feed.contains("Colours \u{FFFD}[31mred"), "{feed}");
}

/// The roadmap's section of this id, up to its end.
fn roadmap_section(roadmap: &str, heading: &str) -> String {
    let start = roadmap
        .find(&format!("aria-labelledby=\"{heading}\""))
        .unwrap_or_else(|| panic!("no {heading}: {roadmap}"));
    let end = start + roadmap[start..].find("</section>").unwrap();
    roadmap[start..end].to_string()
}

#[test]
fn recent_decisions_are_those_made_by_today() {
    let decision = |n: u32, title: &str, date: &str| {
        format!(
            "+++\nnumber = {n}\ntitle = \"{title}\"\nstatus = \"accepted\"\ndate = {date}\n+++\n"
        )
    };
    let project = Project::new()
        .file(
            "content/decisions/0001-made.md",
            &decision(1, "Made last week", "2026-11-16"),
        )
        .file(
            "content/decisions/0002-today.md",
            &decision(2, "Made today", "2026-11-23"),
        )
        .file(
            "content/decisions/0003-later.md",
            &decision(3, "Dated next month", "2026-12-20"),
        );
    project.build().success();
    let recent = roadmap_section(
        &project.site("exec").main("roadmap.html"),
        "decisions-heading",
    );
    assert!(
        recent.contains("Made last week") && recent.contains("Made today"),
        "{recent}"
    );
    assert!(!recent.contains("Dated next month"), "{recent}");
    let log = project.site("exec").main("decisions.html");
    assert!(log.contains("Dated next month"), "{log}");
}

#[test]
fn pillars_are_the_top_strategies_with_their_sub_strategies_objectives() {
    let strategy = |id: &str, title: &str, more: &str| {
        format!("+++\nid = \"{id}\"\ntitle = \"{title}\"\n{more}+++\n")
    };
    let project = Project::new()
        .file(
            "content/strategy/pillar.md",
            &strategy("S", "Main pillar", "status = \"active\"\n"),
        )
        .file(
            "content/strategy/sub.md",
            &strategy("S-SUB", "Sub strategy", "parent = \"S\"\n"),
        )
        .file(
            "content/strategy/old.md",
            &strategy("S-OLD", "Retired pillar", "status = \"retired\"\n"),
        )
        .file(
            "content/objectives/o.md",
            "+++\nid = \"O\"\ntitle = \"Faster onboarding\"\nperiod = \"2026-Q4\"\nstatus = \"active\"\nparent = \"S-SUB\"\n+++\n",
        );
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    let pillars = roadmap_section(&roadmap, "pillars-heading");
    assert_eq!(pillars.matches("class=\"pillar\"").count(), 1, "{pillars}");
    assert!(pillars.contains("Main pillar") && pillars.contains("Faster onboarding"));
    assert!(!pillars.contains("Sub strategy") && !pillars.contains("Retired pillar"));
    assert!(!pillars.contains("No objectives this period"), "{pillars}");
}

/// The roadmap leaves cancelled objectives out, so one chooses no period: the roadmap
/// shows the latest period with objectives it shows, not an empty quarter; and a
/// period with none says so.
#[test]
fn a_cancelled_objective_chooses_no_period_for_the_roadmap() {
    let project = Project::new()
        .file(
            "content/objectives/gone.md",
            &objective("GONE", "2026-Q4", "cancelled", ""),
        )
        .file(
            "content/objectives/past.md",
            &objective("PAST", "2026-Q3", "active", ""),
        );
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    assert!(
        roadmap.contains("Objectives for 2026-Q3")
            && roadmap.contains("Objective PAST")
            && !roadmap.contains("Objective GONE"),
        "{roadmap}"
    );
    project.write(
        "align.toml",
        format!("current_period = \"2027-Q1\"\n{}", common::CONFIG),
    );
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    let objectives = roadmap_section(&roadmap, "pillars-heading");
    assert!(
        objectives.contains("Strategy and objectives · 2027-Q1")
            && objectives.contains("No objectives this period."),
        "{roadmap}"
    );
}

/// An initiative that drives several off-track key results is at risk for all of them,
/// said once.
#[test]
fn a_risk_names_every_off_track_key_result_in_one_reason() {
    let project = Project::new()
        .file(
            "content/objectives/o.md",
            "+++\nid = \"O-1\"\ntitle = \"O\"\nperiod = \"2026-Q4\"\nstatus = \"active\"\n\n[[key_results]]\nid = \"a\"\ntitle = \"Alpha\"\nbaseline = 0\ntarget = 10\ncurrent = 1\n\n[[key_results]]\nid = \"b\"\ntitle = \"Beta\"\nbaseline = 0\ntarget = 10\ncurrent = 2\n+++\n",
        )
        .file(
            "content/initiatives/i.md",
            "+++\ntitle = \"Drives both\"\nstatus = \"in-progress\"\ndrives = [\"O-1\"]\n+++\n",
        );
    project.build().success();
    let risks = roadmap_section(&project.site("exec").main("roadmap.html"), "risks-heading");
    assert!(
        risks.contains("Drives both</a>: drives off-track key results: Alpha and Beta")
            && risks.matches("off-track").count() == 1,
        "{risks}"
    );
}

/// Two records that name each other (adr-tools' `Clarifies` and `Clarified by`) list
/// each other once, each under the words it names the link with, not also as related
/// back (the relation goes both ways); the link in the body is a reference besides, as
/// any is. A record named from one end only is related back under the plain name.
#[test]
fn records_that_name_each_other_list_each_other_once_under_their_own_words() {
    let project = Project::new()
        .file(
            "content/decisions/0043-base.md",
            "# 43. Base\n\nDate: 2019-01-01\n\n## Status\n\nAccepted\n\nClarified by [44. Clarify](0044-clarify.md)\n\n## Context\n\nx\n",
        )
        .file(
            "content/decisions/0044-clarify.md",
            "# 44. Clarify\n\nDate: 2019-01-02\n\n## Status\n\nAccepted\n\nClarifies [43. Base](0043-base.md)\n\n## Context\n\nx\n",
        )
        .file(
            "content/decisions/0045-refine.md",
            "# 45. Refine\n\nDate: 2019-01-03\n\n## Status\n\nAccepted\n\nRefines  the [43. Base](0043-base.md)\n\n## Context\n\nx\n",
        );
    project.build().success();
    let team = project.site("team");
    let relations = |page: &str| {
        let html = team.main(&format!("decisions/{page}.html"));
        html[html.find("Relations").expect(page)..].to_string()
    };
    for (page, other, words) in [
        ("0044-clarify", "Base", "Clarifies"),
        ("0043-base", "Clarify", "Clarified by"),
    ] {
        let relations = relations(page);
        assert!(
            relations.contains(&format!("<dt>{words}</dt>")),
            "{relations}"
        );
        assert!(!relations.contains(">Relates to<"), "{relations}");
        assert_eq!(
            relations.matches(&format!(">{other}<")).count(),
            2,
            "{relations}"
        );
    }
    let refine = relations("0045-refine");
    assert!(refine.contains("<dt>Refines the</dt>"), "{refine}");
    let base = relations("0043-base");
    let related = &base[base.find("<dt>Related to</dt>").expect(&base)..];
    assert!(related.contains(">Refine<"), "{base}");
}

/// "Recently shipped" is the work targeted within the last 90 days: work shipped long
/// ago, or with no target to say when, is not news.
#[test]
fn recently_shipped_is_the_last_ninety_days() {
    let shipped = |title: &str, target: &str| {
        format!("+++\ntitle = \"{title}\"\nstatus = \"shipped\"\n{target}+++\n")
    };
    let project = Project::new()
        .file(
            "content/initiatives/new.md",
            &shipped("Fresh work", "target = 2026-09-10\n"),
        )
        .file(
            "content/initiatives/old.md",
            &shipped("Old work", "target = 2019-03-01\n"),
        )
        .file("content/initiatives/none.md", &shipped("Undated work", ""));
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    let line = &roadmap[roadmap.find("Recently shipped").expect("the line")..];
    let line = &line[..line.find("</p>").unwrap()];
    assert!(
        line.contains("Fresh work") && !line.contains("Old work") && !line.contains("Undated"),
        "{line}"
    );
}

/// Initiatives that wait on each other are blocked: said on each, from its own place in
/// the circle, where the site shows every step of it; a site that hides one says nothing
/// of the circle.
#[test]
fn initiatives_that_wait_on_each_other_are_blocked_risks() {
    let initiative = |id: &str, on: &str, audience: &str| {
        format!(
            "+++\nid = \"{id}\"\ntitle = \"Work {id}\"\nstatus = \"planned\"\nhorizon = \"now\"\ndepends_on = [\"{on}\"]\naudience = [{audience}]\n+++\n"
        )
    };
    let project = Project::new()
        .file(
            "content/initiatives/x.md",
            &initiative("X", "Y", "\"exec\", \"team\""),
        )
        .file(
            "content/initiatives/y.md",
            &initiative("Y", "Z", "\"exec\", \"team\""),
        )
        .file(
            "content/initiatives/z.md",
            &initiative("Z", "X", "\"exec\""),
        )
        .file(
            "content/initiatives/s.md",
            &initiative("S", "S", "\"exec\", \"team\""),
        );
    project.build().success();
    let risks = roadmap_section(&project.site("exec").main("roadmap.html"), "risks-heading");
    for said in [
        "Work X</a>: blocked: its dependencies wait on each other (“Work X” → “Work Y” → “Work Z” → “Work X”)",
        "Work Y</a>: blocked: its dependencies wait on each other (“Work Y” → “Work Z” → “Work X” → “Work Y”)",
        "Work S</a>: blocked: depends on itself",
    ] {
        assert!(risks.contains(said), "{said}\n{risks}");
    }
    // The team site does not show Z: no circle there names it, or says there is one.
    let team = project.site("team");
    team.assert_nowhere("Work Z");
    team.assert_nowhere("wait on each other");
}

/// Circles that share initiatives: a site finds those among what it shows, so one
/// through a hidden initiative hides none that the site shows whole.
#[test]
fn a_site_finds_the_circles_among_the_initiatives_it_shows() {
    let initiative = |id: &str, on: &str, audience: &str| {
        format!(
            "+++\nid = \"{id}\"\ntitle = \"Work {id}\"\nstatus = \"planned\"\ndepends_on = [{on}]\naudience = [{audience}]\n+++\n"
        )
    };
    let project = Project::new()
        .file(
            "content/initiatives/x.md",
            &initiative("X", "\"Z\", \"Y\"", "\"exec\", \"team\""),
        )
        .file(
            "content/initiatives/y.md",
            &initiative("Y", "\"X\"", "\"exec\", \"team\""),
        )
        .file(
            "content/initiatives/z.md",
            &initiative("Z", "\"X\"", "\"exec\""),
        );
    project.build().success();
    let team = roadmap_section(&project.site("team").main("roadmap.html"), "risks-heading");
    for said in [
        "Work X</a>: blocked: its dependencies wait on each other (“Work X” → “Work Y” → “Work X”)",
        "Work Y</a>: blocked: its dependencies wait on each other (“Work Y” → “Work X” → “Work Y”)",
    ] {
        assert!(team.contains(said), "{said}\n{team}");
    }
    project.site("team").assert_nowhere("Work Z");
    // The exec site shows all three, each blocked.
    let exec = roadmap_section(&project.site("exec").main("roadmap.html"), "risks-heading");
    assert_eq!(exec.matches("blocked:").count(), 3, "{exec}");
}

/// What the checks find late is said where the plan is read: a page whose review has
/// passed, a release still planned past its date, on internal sites; a public site says
/// nothing of it.
#[test]
fn a_review_or_release_past_its_date_is_marked_late_where_the_plan_is_read() {
    let project = Project::new()
        .file(
            "content/pages/plan.md",
            "+++\ntitle = \"Plan\"\nreview_by = 2026-11-01\naudience = [\"team\", \"public\"]\n+++\nx\n",
        )
        .file(
            "content/pages/fresh.md",
            "+++\ntitle = \"Fresh\"\nreview_by = 2027-01-01\n+++\nx\n",
        )
        .file(
            "content/releases/late.md",
            "+++\ntitle = \"Late one\"\nversion = \"0.9.0\"\ndate = 2026-11-01\naudience = [\"team\", \"public\"]\n+++\n",
        )
        .file(
            "content/releases/done.md",
            "+++\ntitle = \"Done one\"\nversion = \"0.8.0\"\nstatus = \"released\"\ndate = 2026-10-01\n+++\n",
        );
    let check = project.check();
    let warnings = check.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("[review-overdue]") && w.contains("plan.md"))
            && warnings
                .iter()
                .any(|w| w.contains("[release-overdue]") && w.contains("late.md")),
        "{}",
        check.stderr()
    );
    project.build().success();
    let team = project.site("team");
    let overdue = r#"<span class="overdue">review overdue</span>"#;
    assert!(team.main("pages/plan.html").contains(overdue));
    assert!(!team.main("pages/fresh.html").contains("overdue"));
    assert!(
        team.main("releases/late.html")
            .contains(r#"<span class="overdue">late</span>"#)
    );
    assert!(!team.main("releases/done.html").contains("overdue"));
    let plan = team.main("release-plan.html");
    let late = &plan[plan.find("Late one").expect("the late release")..];
    assert!(
        late[..late.find("</h3>").unwrap()].contains(r#"<span class="overdue">late</span>"#),
        "{plan}"
    );
    let done = &plan[plan.find("Done one").expect("the released one")..];
    assert!(
        !done[..done.find("</h3>").unwrap()].contains("overdue"),
        "{plan}"
    );
    project.site("public").assert_nowhere("class=\"overdue\"");
    assert!(project.site("public").exists("pages/plan.html"));
}

#[test]
fn risks_count_off_track_key_results_of_the_period_s_active_objectives_however_driven() {
    let initiative = |title: &str, drives: &str| {
        format!(
            "+++\ntitle = \"{title}\"\nstatus = \"in-progress\"\ndrives = [\"{drives}\"]\n+++\n"
        )
    };
    let project = Project::new()
        .file(
            "content/objectives/now.md",
            &objective("NOW", "2026-Q4", "active", "current = 1\n"),
        )
        .file(
            "content/objectives/gone.md",
            &objective("GONE", "2026-Q4", "cancelled", "current = 1\n"),
        )
        .file(
            "content/objectives/past.md",
            &objective("PAST", "2026-Q1", "active", "current = 1\n"),
        )
        .file(
            "content/initiatives/whole.md",
            &initiative("Drives it whole", "NOW"),
        )
        .file(
            "content/initiatives/one.md",
            &initiative("Drives the metric", "NOW#kr1"),
        )
        .file(
            "content/initiatives/gone.md",
            &initiative("Drives a cancelled one", "GONE#kr1"),
        )
        .file(
            "content/initiatives/past.md",
            &initiative("Drives a past one", "PAST"),
        )
        // 0.396 of the way: under 0.4, off track, though it is 0.4 to one decimal.
        .file(
            "content/objectives/edge.md",
            &objective("EDGE", "2026-Q4", "active", "current = 3.96\n"),
        )
        .file(
            "content/initiatives/edge.md",
            &initiative("Drives the edge", "EDGE#kr1"),
        );
    project.build().success();
    let edge = kr_row(&project.site("exec").main("objectives/edge.html"), "kr1");
    assert!(
        edge.contains(" 39%") && edge.contains("health-off-track\">off track · 0.39<"),
        "{edge}"
    );
    let roadmap = project.site("exec").main("roadmap.html");
    let risks = roadmap_section(&roadmap, "risks-heading");
    for title in ["Drives it whole", "Drives the metric", "Drives the edge"] {
        assert!(
            risks.contains(&format!(
                "{title}</a>: drives an off-track key result: Measure of "
            )),
            "{title}: {risks}"
        );
    }
    for title in ["Drives a cancelled one", "Drives a past one"] {
        assert!(!risks.contains(title), "{title}: {risks}");
    }
}

#[test]
fn a_release_comes_before_its_release_candidates_of_the_same_day() {
    let release = |version: &str| {
        format!(
            "+++\ntitle = \"{version}\"\nversion = \"{version}\"\nstatus = \"released\"\ndate = 2026-04-01\naudience = [\"public\"]\n+++\n"
        )
    };
    // Named so that path order puts the candidates first.
    let project = Project::new()
        .file("content/releases/a.md", &release("2.0.0-rc.1"))
        .file("content/releases/b.md", &release("2.0.0-alpha"))
        .file("content/releases/z.md", &release("2.0.0"));
    project.build().success();
    let public = project.site("public");
    for (page, marks) in [
        (
            "changelog.html",
            ["releases/z.html", "releases/a.html", "releases/b.html"],
        ),
        (
            "feed.xml",
            ["releases/z.html", "releases/a.html", "releases/b.html"],
        ),
    ] {
        let text = public.read(page);
        let at: Vec<usize> = marks
            .iter()
            .map(|m| {
                text.find(m)
                    .unwrap_or_else(|| panic!("{m} in {page}: {text}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{page}: {text}");
    }
}

#[test]
fn a_release_s_changes_come_in_the_order_a_changelog_lists_them() {
    let change = |category: &str| {
        format!(
            "+++\ntitle = \"A {category} change\"\ncategory = \"{category}\"\nrelease = \"releases/4-0\"\n+++\n"
        )
    };
    let mut project = Project::new().file(
        "content/releases/4-0.md",
        "+++\ntitle = \"4.0\"\nversion = \"4.0.0\"\nstatus = \"released\"\ndate = 2026-10-01\n+++\n",
    );
    // Named so that path order mixes the categories.
    for (name, category) in [
        ("a", "fixed"),
        ("b", "added"),
        ("c", "security"),
        ("d", "added"),
        ("e", "removed"),
    ] {
        project = project.file(&format!("content/changes/{name}.md"), &change(category));
    }
    project.build().success();
    let plan = project.site("team").main("release-plan.html");
    let order = texts_after(&plan, "<span class=\"category\">", "<");
    assert_eq!(
        order,
        ["Added", "Added", "Removed", "Fixed", "Security"],
        "{plan}"
    );
}

#[test]
fn the_lists_of_periods_come_in_time_a_longer_period_before_those_it_holds() {
    let mut project = Project::new();
    for (n, period) in [
        "2026-Q4", "2026-H2", "2026", "2026-Q1", "2026-H1", "2025-Q4",
    ]
    .into_iter()
    .enumerate()
    {
        project = project.file(
            &format!("content/objectives/o{n}.md"),
            &format!("+++\ntitle = \"O{n}\"\nperiod = \"{period}\"\nstatus = \"draft\"\n+++\n"),
        );
    }
    project.build().success();
    let index = project.site("team").main("lists/index.html");
    let order = texts_after(&index, "lists/period/", ".html");
    assert_eq!(
        order,
        [
            "2025-Q4", "2026", "2026-H1", "2026-Q1", "2026-H2", "2026-Q4"
        ],
        "{index}"
    );
}

/// The text after each `prefix` in `html`, up to the `end` that follows it.
fn texts_after<'h>(html: &'h str, prefix: &str, end: &str) -> Vec<&'h str> {
    html.match_indices(prefix)
        .map(|(at, _)| {
            let rest = &html[at + prefix.len()..];
            &rest[..rest.find(end).unwrap()]
        })
        .collect()
}

#[test]
fn a_link_or_image_of_a_file_no_site_publishes_is_its_text() {
    let project = Project::new().file(
        "content/pages/plan.md",
        "+++\ntitle = \"Plan\"\n+++\nSee [the calendar](calendar.png), [the module](../../infra/main.tf) and ![a chart of the quarter](chart.png).\n\n![here](here.png)\n",
    );
    project.write("content/pages/here.png", b"\x89PNG");
    let run = project.build();
    run.success();
    assert_eq!(
        run.warnings()
            .iter()
            .filter(|w| w.ends_with("[missing-file]"))
            .count(),
        3,
        "{:?}",
        run.warnings()
    );
    let page = project.site("team").main("pages/plan.html");
    assert!(
        page.contains("See the calendar, the module and a chart of the quarter."),
        "{page}"
    );
    for gone in ["calendar.png", "main.tf", "chart.png"] {
        assert!(!page.contains(gone), "{gone}: {page}");
    }
    // A file that is there is linked as ever.
    assert!(
        page.contains("<img src=\"here.png\" alt=\"here\""),
        "{page}"
    );
    project
        .site("team")
        .assert_page_links_resolve("pages/plan.html");
}

#[test]
fn lists_count_the_numbers_in_path_ids_as_numbers() {
    let release = |version: &str| {
        format!(
            "+++\ntitle = \"Release {version}\"\nversion = \"{version}\"\nstatus = \"released\"\n+++\n"
        )
    };
    let p = Project::new()
        .file("content/releases/2-10-0.md", &release("2.10.0"))
        .file("content/releases/2-3-0.md", &release("2.3.0"))
        .file("content/releases/2-9-1.md", &release("2.9.1"))
        .file("content/releases/10-0-0.md", &release("10.0.0"));
    p.build().success();
    let site = p.site("team");
    for list in [
        "lists/kind/release.html",
        "lists/status/release/released.html",
    ] {
        let page = site.main(list);
        let at = |title: &str| {
            page.find(&format!(">{title}<"))
                .unwrap_or_else(|| panic!("{title} in {list}: {page}"))
        };
        let order = [
            at("Release 2.3.0"),
            at("Release 2.9.1"),
            at("Release 2.10.0"),
            at("Release 10.0.0"),
        ];
        assert!(order.is_sorted(), "{list}: {page}");
    }
}

#[test]
fn a_timeline_of_more_rows_than_it_draws_keeps_those_due_soonest_and_says_so() {
    let mut project = Project::new();
    let day = jiff::civil::date(2026, 11, 24);
    for n in 0..41 {
        let target = day.checked_add(jiff::Span::new().days(n)).unwrap();
        project = project.file(
            &format!("content/initiatives/i{n:02}.md"),
            &format!(
                "+++\ntitle = \"Init {n:02}\"\nstatus = \"in-progress\"\nhorizon = \"now\"\nstart = 2026-10-01\ntarget = {target}\n+++\n"
            ),
        );
    }
    let project = project.file(
        "content/initiatives/done.md",
        "+++\ntitle = \"Shipped one\"\nstatus = \"shipped\"\nhorizon = \"now\"\nstart = 2026-10-01\ntarget = 2026-11-20\n+++\n",
    );
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    let start = roadmap.find("<figure class=\"timeline\">").expect(&roadmap);
    let timeline = &roadmap[start..start + roadmap[start..].find("</figure>").unwrap()];
    // Open work due soonest is drawn; the last due and the shipped one are left out.
    assert_eq!(timeline.matches("<g class=\"row").count(), 40, "{timeline}");
    assert!(timeline.contains("Init 00") && timeline.contains("Init 39"));
    assert!(!timeline.contains("Init 40") && !timeline.contains("Shipped one"));
    assert!(
        timeline.contains("2 more initiatives are dated within them; the chart draws the 40 whose targets are nearest today, open work first"),
        "{timeline}"
    );
    // The board's column counts every open initiative of its horizon, not the cards shown.
    assert!(
        roadmap.contains("<h3 id=\"col-now\">Now <span class=\"count\">41</span></h3>"),
        "{roadmap}"
    );
    assert!(roadmap.contains("and 1 more in"), "{roadmap}");
}

#[test]
fn upcoming_releases_of_one_date_or_of_none_are_in_version_order() {
    let release = |version: &str, date: Option<&str>| {
        let date = date.map(|d| format!("date = {d}\n")).unwrap_or_default();
        format!(
            "+++\ntitle = \"Release {version}\"\nversion = \"{version}\"\nstatus = \"planned\"\n{date}+++\n"
        )
    };
    let p = Project::new()
        .file(
            "content/releases/a.md",
            &release("5.0.0", Some("2026-12-01")),
        )
        .file(
            "content/releases/b.md",
            &release("4.9.0", Some("2026-12-01")),
        )
        .file(
            "content/releases/c.md",
            &release("4.10.0", Some("2026-12-01")),
        )
        .file("content/releases/d.md", &release("6.0.0", None))
        .file("content/releases/e.md", &release("5.5.0", None))
        .file(
            "content/releases/f.md",
            &release("4.8.0", Some("2026-11-30")),
        );
    p.build().success();
    let plan = p.site("team").main("release-plan.html");
    let at = |title: &str| {
        plan.find(&format!(">Release {title}<"))
            .unwrap_or_else(|| panic!("{title}: {plan}"))
    };
    let order = ["4.8.0", "4.9.0", "4.10.0", "5.0.0", "5.5.0", "6.0.0"].map(at);
    assert!(order.is_sorted(), "{plan}");
}

#[test]
fn a_key_result_cascaded_to_an_objective_of_its_own_is_carried_by_it() {
    let objective = |id: &str, period: &str, parent: &str, krs: &[&str]| {
        let krs: String = krs
            .iter()
            .map(|kr| format!("\n[[key_results]]\nid = \"{kr}\"\ntitle = \"KR {kr}\"\nbaseline = 0\ntarget = 10\ncurrent = 5\n"))
            .collect();
        format!(
            "+++\nid = \"{id}\"\ntitle = \"Objective {id}\"\nperiod = \"{period}\"\nstatus = \"active\"\n{parent}{krs}+++\n"
        )
    };
    let p = Project::new()
        .file(
            "content/objectives/parent.md",
            &objective("O-P", "2026", "", &["pk", "pk2"]),
        )
        .file(
            "content/objectives/child.md",
            &objective("O-C", "2026-Q4", "parent = \"O-P#pk\"\n", &["ck"]),
        )
        .file(
            "content/initiatives/work.md",
            "+++\ntitle = \"Work\"\nstatus = \"in-progress\"\ndrives = [\"O-C#ck\"]\n+++\n",
        );
    let warnings = p.check().warnings();
    let undriven: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("[undriven-key-result]"))
        .collect();
    assert_eq!(undriven.len(), 1, "{warnings:#?}");
    assert!(undriven[0].contains("key result `pk2`"), "{warnings:#?}");
    p.build().success();
    let roadmap = p.site("exec").main("roadmap.html");
    let risk = |kr: &str| format!("#kr-{kr}\">KR {kr}</a> (Objective O-P) has no initiative");
    assert!(roadmap.contains(&risk("pk2")), "{roadmap}");
    assert!(!roadmap.contains(&risk("pk")), "{roadmap}");
    // A cancelled child carries nothing.
    p.write(
        "content/objectives/child.md",
        objective("O-C", "2026-Q4", "parent = \"O-P#pk\"\n", &["ck"])
            .replace("status = \"active\"", "status = \"cancelled\""),
    );
    let warnings = p.check().warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("key result `pk` of O-P")),
        "{warnings:#?}"
    );
}

#[test]
fn a_key_result_s_confidence_shows_beside_its_current_value_on_internal_sites() {
    let p = Project::new().file(
        "content/objectives/o.md",
        "+++\nid = \"O-1\"\ntitle = \"Grow\"\nperiod = \"2026-Q4\"\nstatus = \"active\"\naudience = [\"team\", \"public\"]\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"Users\"\nbaseline = 0\ntarget = 100\ncurrent = 40\nconfidence = 0.6\n+++\n",
    );
    p.build().success();
    let team = p.site("team").main("objectives/o.html");
    assert!(
        team.contains("40<span class=\"meta confidence\"> · confidence 0.6</span>"),
        "{team}"
    );
    // A public site leaves it out, as it leaves out the current value.
    p.site("public").assert_nowhere("confidence 0.6");
}

/// A card, a decision log entry and a progress bar say only what they have: no separator
/// before nothing, no empty line of meta, no class naming no band.
#[test]
fn what_a_document_lacks_leaves_no_separator_or_empty_element() {
    let config = common::CONFIG.replace(
        "home = \"changelog\"\npublic = true",
        "home = \"changelog\"\npublic = true\npublic_fields = [\"progress\"]",
    );
    let project = Project::new()
        .config(&config)
        .file(
            "content/initiatives/solo.md",
            "+++\ntitle = \"Solo work\"\nstatus = \"in-progress\"\nhorizon = \"now\"\ntarget = 2026-12-01\n+++\n",
        )
        .file(
            "content/initiatives/owned.md",
            "+++\ntitle = \"Owned work\"\nstatus = \"in-progress\"\nhorizon = \"now\"\nowners = [\"Ann\"]\n+++\n",
        )
        .file(
            "content/decisions/0001-undated.md",
            "+++\ntitle = \"Undated\"\nstatus = \"accepted\"\ndeciders = [\"Dee\"]\naudience = [\"team\", \"public\"]\n+++\n",
        )
        .file(
            "content/objectives/o.md",
            "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\nstatus = \"active\"\naudience = [\"team\", \"public\"]\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\ncurrent = 5\n+++\n",
        );
    project.build().success();
    let roadmap = project.site("exec").main("roadmap.html");
    assert!(
        roadmap.contains("in-progress</span> target 2026-12-01</div>")
            && roadmap.contains("in-progress</span> Ann</div>")
            && !roadmap.contains("</span>  · "),
        "{roadmap}"
    );
    let decisions = project.site("team").main("decisions.html");
    assert!(
        decisions.contains("<p class=\"meta\">Decided by Dee</p>"),
        "{decisions}"
    );
    let public = project.site("public");
    let log = public.main("decisions.html");
    assert!(!log.contains("<p class=\"meta\"> "), "{log}");
    let page = public.main("objectives/o.html");
    assert!(
        page.contains("<rect class=\"bar-fill\" width=\"50\"") && !page.contains("health-"),
        "{page}"
    );
}

#[test]
fn a_version_linked_in_its_release_heading_closes_the_release_page_with_that_link() {
    // conventional-changelog links each heading's version to its comparison.
    let project = importing_changelog()
        .file("content/pages/about.md", "+++\ntitle = \"About\"\n+++\nAbout us.\n")
        .file(
        "CHANGELOG.md",
        "# Changelog\n\n## [2.0.0](https://git.example/x/compare/v1.2.0...v2.0.0) (2021-01-01)\n\n### Features\n\n- Big thing\n\n### [1.2.1](<https://git.example/x/compare/v1.2.0...v1.2.1> \"diff\") (2020-12-01)\n\n### Bug Fixes\n\n- Small fix\n\n## [1.0.0] - 2020-01-01\n\n### Added\n\n- First\n\n[1.0.0]: <https://git.example/x/tree/v1.0.0 first> \"T\"\n",
    );
    project.build().success();
    let public = project.site("public");
    for (version, address) in [
        ("2.0.0", "compare/v1.2.0...v2.0.0"),
        ("1.2.1", "compare/v1.2.0...v1.2.1"),
        // A destination in `<…>` may hold spaces.
        ("1.0.0", "tree/v1.0.0%20first"),
    ] {
        let page = public.main(&format!("changelog/v{version}.html"));
        assert!(
            page.contains(&format!(
                "<a href=\"https://git.example/x/{address}\">Every change in {version}</a>"
            )),
            "{page}"
        );
    }
}
