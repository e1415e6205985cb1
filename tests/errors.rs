//! Every class of content and config error: the place it is reported at, the field or key
//! it names, the exit status, and that a build with errors writes nothing.

mod common;

use common::{CONFIG, Project};

/// Builds a project of one file and asserts it fails with exactly one error, at `place`,
/// naming each of `words`.
fn fails_at(path: &str, text: &str, place: &str, words: &[&str]) -> String {
    let project = Project::new().file(path, text);
    let run = project.build();
    run.expect(1);
    assert_eq!(run.errors().len(), 1, "{}", run.stderr());
    assert!(
        !project.path().join("out").exists(),
        "a build with errors writes nothing"
    );
    run.error_at(place, words)
}

#[test]
fn unknown_field_names_the_field_and_its_line() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\nsummary = \"s\"\ncolour = \"red\"\n+++\nBody.\n",
        "content/pages/a.md:4:1",
        &["unknown field `colour`"],
    );
}

#[test]
fn messages_speak_of_the_field_as_its_author_writes_it() {
    fails_at(
        "content/decisions/0009-x.md",
        "+++\ntitle = \"D\"\nnumber = 4294967296\nstatus = \"accepted\"\n+++\n",
        "content/decisions/0009-x.md:3:1",
        &["field `number`", "from 0 to 4294967295"],
    );
    fails_at(
        "content/changes/c.md",
        "+++\ntitle = \"C\"\ncategory = \"added\"\nrelease = 5\n+++\n",
        "content/changes/c.md:4:1",
        &["field `release`", "expected a reference"],
    );
    // One reference where there is room for one.
    for (path, text, field) in [
        (
            "content/changes/c.md",
            "+++\ntitle = \"C\"\ncategory = \"added\"\nrelease = [\"R-1\", \"R-2\"]\n+++\n",
            "release",
        ),
        (
            "content/changes/c.md",
            "+++\ntitle = \"C\"\ncategory = \"added\"\nimplements = [\"I-1\", \"I-2\"]\n+++\n",
            "implements",
        ),
        (
            "content/objectives/o.md",
            "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\nparent = [\"S-1\", \"S-2\"]\n+++\n",
            "parent",
        ),
    ] {
        let place = format!("{path}:4:1");
        fails_at(
            path,
            text,
            &place,
            &[&format!("field `{field}`"), "takes one reference, not 2"],
        );
    }
    let message = fails_at(
        "content/pages/y.md",
        "---\n: : :\n---\n# T\n",
        "content/pages/y.md:2:1",
        &["a key has no name"],
    );
    assert!(!message.contains("Option<"), "{message}");
    // A key written `null` is one of no name too, and the error says how to keep it.
    fails_at(
        "content/pages/y.md",
        "---\ntitle: T\nnull: 3\n---\n",
        "content/pages/y.md:3:1",
        &[
            "a key has no name",
            "a key written `null`",
            "quote the key (`\"null\": value`)",
        ],
    );
}

#[test]
fn a_key_written_twice_in_toml_is_named_however_deep() {
    for (text, place, said) in [
        (
            "+++\ntitle = \"C\"\n[extra]\nq = { r = { s = 1, s = 2 } }\n+++\n",
            "content/pages/a.md:4:20",
            "invalid TOML frontmatter: field `q`: duplicate key `s`",
        ),
        (
            "+++\ntitle = \"A\"\n[extra.b]\nc = 2\n[extra.b]\nd = 3\n+++\n",
            "content/pages/a.md:5:8",
            "invalid TOML frontmatter: duplicate key `b`",
        ),
        (
            "+++\ntitle = \"D\"\ntitle = \"E\"\n+++\n",
            "content/pages/a.md:3:1",
            "invalid TOML frontmatter: duplicate key `title`",
        ),
    ] {
        let found = fails_at("content/pages/a.md", text, place, &[said]);
        // A key is named once, not again as the field it is.
        assert!(!found.contains("field `title`"), "{found}");
    }
}

/// TOML stops reading keys nested past its limit, at no place of its own: the error is
/// the frontmatter's, at the line of its deepest key, and no field that happens to come
/// first is blamed.
#[test]
fn keys_nested_too_deep_for_toml_are_the_frontmatter_s_error() {
    let key = vec!["a"; 200].join(".");
    let text = format!("+++\ntitle = \"Deep\"\n[extra]\n{key} = 1\n+++\n");
    let found = fails_at(
        "content/pages/a.md",
        &text,
        "content/pages/a.md:4:1",
        &["invalid TOML frontmatter: keys or tables nested too deep"],
    );
    assert!(!found.contains("field `title`"), "{found}");
    // The same words for `align.toml`, whose error is the file's.
    let project = Project::new().config(&format!(
        "title = \"T\"\n\n[sites.team]\ntitle = \"Team\"\naudiences = [\"team\"]\n{key} = 1\n"
    ));
    let run = project.check();
    run.expect(2);
    run.error_at("align.toml:6:1", &["keys or tables nested too deep"]);
}

#[test]
fn a_tab_in_yaml_indentation_is_named_and_the_caret_stands_under_the_key() {
    let project = Project::new().file("content/pages/c.md", "---\ntitle: C\nextra:\n\tx: 1\n---\n");
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/pages/c.md:4:2",
        &["a tab indents this line: YAML indents with spaces only"],
    );
    // The tab is shown as four spaces, and the caret under the `x` after it.
    assert!(
        run.stderr().contains("4 |     x: 1\n  |     ^\n"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_caret_stands_under_its_character_after_wide_characters_and_combining_marks() {
    let project = Project::new().file(
        "content/pages/c.md",
        "---\ntitle: C\n---\n目标 q\u{301}\t[[O-NOPE]]\n",
    );
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/pages/c.md:4:7",
        &["broken link: `O-NOPE` names no document"],
    );
    // Two wide characters take four columns, `q` and its accent one (no letter composes
    // them), the tab four.
    assert!(
        run.stderr()
            .contains("4 | 目标 q\u{301}    [[O-NOPE]]\n  |           ^\n"),
        "{}",
        run.stderr()
    );
}

#[test]
fn frontmatter_below_a_blank_line_or_a_comment_fails_instead_of_being_shown_as_text() {
    // Read as text, its `audience` would be lost and the document shown to everyone.
    for (text, place) in [
        (
            "\n+++\ntitle = \"Plan\"\naudience = [\"exec\"]\n+++\nBoard only.\n",
            "content/pages/a.md:2:1",
        ),
        (
            "<!-- markdownlint-disable -->\n---\ntitle: Plan\naudience: [exec]\n---\nBoard only.\n",
            "content/pages/a.md:2:1",
        ),
    ] {
        fails_at(
            "content/pages/a.md",
            text,
            place,
            &["frontmatter must start on the first line"],
        );
    }
}

#[test]
fn a_fence_that_is_almost_one_fails_instead_of_being_shown_as_text() {
    // A zero-width space from a copy and paste, a second byte-order mark, `+++toml`, an
    // em dash an editor made of `---`, an empty frontmatter above the real one.
    for (text, place) in [
        (
            "\u{200B}+++\naudience = [\"exec\"]\n+++\n# Acquisition plan\n",
            "content/pages/a.md:1:1",
        ),
        (
            "\u{FEFF}\u{FEFF}+++\naudience = [\"exec\"]\n+++\n# Acquisition plan\n",
            "content/pages/a.md:1:1",
        ),
        (
            "+++toml\naudience = [\"exec\"]\n+++\n# Acquisition plan\n",
            "content/pages/a.md:1:1",
        ),
        (
            "\u{2014}\naudience: [exec]\n\u{2014}\n# Acquisition plan\n",
            "content/pages/a.md:1:1",
        ),
        (
            "+++\n+++\n+++\naudience = [\"exec\"]\n+++\n# Acquisition plan\n",
            "content/pages/a.md:3:1",
        ),
    ] {
        fails_at(
            "content/pages/a.md",
            text,
            place,
            &["looks like frontmatter"],
        );
    }
}

#[test]
fn markdown_by_another_name_is_said_not_to_be_a_document() {
    let project = Project::new()
        .file("content/pages/a.md", "# A\n\nA page.\n")
        .file("content/pages/notes.markdown", "# Notes\n\nNot read.\n")
        .file("content/pages/plan.MD", "# Plan\n\nNot read.\n")
        .file(
            "content/pages/chart.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        );
    let run = project.build();
    run.success();
    let warnings = run.warnings();
    for name in ["notes.markdown", "plan.MD"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(name) && w.contains("only files ending in `.md` are read")),
            "{name}: {warnings:#?}"
        );
    }
    assert!(
        !warnings.iter().any(|w| w.contains("chart.svg")),
        "{warnings:#?}"
    );
    assert!(!project.site("team").exists("pages/notes.html"));
}

#[test]
fn a_record_whose_body_says_its_audience_as_a_field_fails_instead_of_going_to_every_site() {
    for (line, key) in [
        ("- Audience: exec", "audience"),
        ("* **Visibility:** internal", "visibility"),
        ("Audiences: [exec]", "audiences"),
    ] {
        let project = Project::new().file(
            "content/decisions/0002-plan.md",
            &format!("# 2. Plan\n\n- Status: accepted\n{line}\n\n## Context\n\nSECRET\n"),
        );
        let run = project.build();
        run.expect(1);
        let errors = run.errors();
        assert!(
            errors.iter().any(
                |e| e.starts_with("content/decisions/0002-plan.md:4:1: error:")
                    && e.contains(&format!("the record's `{key}`"))
            ),
            "{line}: {errors:#?}"
        );
        assert!(!project.path().join("out").exists());
    }
    // Where the frontmatter says it, the line is the body's own words; and in a later
    // section a line is prose.
    let project = Project::new()
        .file(
            "content/decisions/0002-plan.md",
            "---\naudience: [exec]\n---\n# 2. Plan\n\n- Audience: exec\n",
        )
        .file(
            "content/decisions/0003-talk.md",
            "# 3. Talk\n\n## Context\n\nAudience: sales engineers.\n",
        );
    project.build().success();
    assert!(!project.site("team").exists("decisions/0002-plan.html"));
}

#[test]
fn an_audience_marker_over_several_lines_is_told_as_a_marker() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\n\n<!--\naudience: exec\n-->\nSecret.\n<!-- /audience -->\n",
        "content/pages/a.md:6:1",
        &[
            "in a comment opened on a line before it",
            "`<!-- audience: exec -->`",
        ],
    );
    // Below frontmatter, a line of its own is not said to need frontmatter.
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\n\naudience: exec\n",
        "content/pages/a.md:5:1",
        &["a document's audience is set in its frontmatter"],
    );
}

#[test]
fn frontmatter_read_as_text_fails_at_its_audience_line_however_its_fence_failed() {
    let audience = "audience = [\"exec\"]";
    let (text_line, near_fence) = (
        "this line sets `audience` but is read as text",
        "looks like frontmatter",
    );
    for (text, place, words) in [
        (
            format!("+++ # front matter\n{audience}\n+++\n# Plan A\n"),
            "content/pages/a.md:2:1",
            text_line,
        ),
        (
            "--- # yaml comment\naudience: [exec]\n---\n# Plan B\n".to_string(),
            "content/pages/a.md:2:1",
            text_line,
        ),
        (
            format!("\u{200B}\n+++\n{audience}\n+++\n# Plan C\n"),
            "content/pages/a.md:3:1",
            text_line,
        ),
        (
            format!("+++\ntitle = \"Plan I\"\n+++\n+++\n{audience}\n+++\n"),
            "content/pages/a.md:5:1",
            text_line,
        ),
        (
            format!("+ + +\n{audience}\n+ + +\n# Plan F\n"),
            "content/pages/a.md:1:1",
            near_fence,
        ),
        (
            format!("\u{00AD}+++\n{audience}\n+++\n# Plan E\n"),
            "content/pages/a.md:1:1",
            near_fence,
        ),
    ] {
        fails_at("content/pages/a.md", &text, place, &[words]);
    }
}

#[test]
fn a_broken_reference_in_a_list_over_several_lines_is_told_at_its_own_line() {
    fails_at(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\nstatus = \"planned\"\ndepends_on = [\n  \"initiatives/i\",\n  \"initiatives/gone\",\n]\n+++\n",
        "content/initiatives/i.md:6:3",
        &["initiatives/gone"],
    );
    // YAML's list too, in an imported record (where a link to no record is a warning).
    let project = Project::new().file(
        "content/decisions/0003-x.md",
        "---\nstatus: accepted\nsupersedes:\n  - decisions/0001-a\n---\n# 3. X\n",
    );
    let run = project.build();
    run.success();
    assert!(
        run.warnings().iter().any(
            |w| w.contains("content/decisions/0003-x.md:4:5") && w.contains("decisions/0001-a")
        ),
        "{:#?}",
        run.warnings()
    );
}

#[test]
fn a_version_or_tag_written_as_a_fraction_must_be_quoted() {
    // `1.10` would read 1.1: a different version.
    fails_at(
        "content/releases/r.md",
        "+++\ntitle = \"R\"\nversion = 1.10\nstatus = \"released\"\n+++\n",
        "content/releases/r.md:3:1",
        &[
            "field `version`: expected a string, found the number 1.1",
            "write it in quotes",
        ],
    );
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ntags = [\"x\", 2.50]\n+++\n",
        "content/pages/a.md:3:1",
        &["field `tags`: expected a string, found the number 2.5"],
    );
    // A whole number has lost nothing.
    let project = Project::new().file(
        "content/releases/r.md",
        "+++\ntitle = \"R\"\nversion = 2\nstatus = \"released\"\n+++\n",
    );
    project.build().success();
}

#[test]
fn a_date_in_year_zero_is_out_of_range() {
    for front in [
        "+++\ntitle = \"A\"\nupdated = 0000-01-05\n+++\n",
        "---\ntitle: A\nupdated: 0000-01-05\n---\n",
    ] {
        fails_at(
            "content/pages/a.md",
            front,
            "content/pages/a.md:3:1",
            &[
                "field `updated`: `0000-01-05` is out of range: it is a day from 0001-01-01 to 9999-12-31",
            ],
        );
    }
}

#[test]
fn a_blank_owner_tag_or_team_is_an_error_not_a_list_page_with_no_name() {
    for (field, written, words) in [
        (
            "owners",
            "owners = [\"Ann\", \"\"]",
            "an owner cannot be empty",
        ),
        ("tags", "tags = [\" \"]", "a tag cannot be empty"),
        ("team", "team = \"  \"", "a team cannot be empty"),
        ("tags", "tags: ['']", "a tag cannot be empty"),
    ] {
        let text = if written.contains(':') {
            format!("---\ntitle: A\n{written}\n---\n")
        } else {
            format!("+++\ntitle = \"A\"\n{written}\n+++\n")
        };
        fails_at(
            "content/pages/a.md",
            &text,
            "content/pages/a.md:3:1",
            &[&format!("field `{field}`: {words}")],
        );
    }
}

#[test]
fn a_field_of_another_kind_says_whose_it_is() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ndrives = [\"x\"]\n+++\n",
        "content/pages/a.md:3:1",
        &["unknown field `drives`", "initiative"],
    );
}

#[test]
fn free_form_data_under_extra_is_no_error() {
    let project = Project::new().file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n[extra]\ncolour = \"red\"\n+++\n",
    );
    project.build().success();
}

#[test]
fn yaml_s_infinities_under_an_imported_record_s_own_keys_stay_as_written() {
    // A MADR record's keys that are not align's go to `extra`, as they are written.
    let project = Project::new().file(
        "content/decisions/0001-use-x.md",
        "---\nstatus: accepted\nbenchmark_ratio: .inf\nfloor: -.inf\nunknown: .nan\n---\n# Use X\n\nBody.\n",
    );
    project.build().success();
    let page = project.site("team").main("decisions/0001-use-x.html");
    for shown in [">.inf<", ">-.inf<", ">.nan<"] {
        assert!(page.contains(shown), "{shown} in {page}");
    }
}

#[test]
fn madr_template_prompts_left_in_the_people_fields_name_no_one() {
    let project = Project::new().file(
        "content/decisions/0001-use-x.md",
        "---\nstatus: accepted\ndate: {YYYY-MM-DD when the decision was last updated}\ndeciders: {list everyone involved in the decision}\nconsulted: [Ana]\ninformed: {list everyone who is kept up-to-date}\n---\n# Use X\n\nBody.\n",
    );
    let run = project.check();
    run.expect(0);
    let warnings = run.warnings();
    let d = "content/decisions/0001-use-x.md";
    for (line, field) in [(4, "deciders"), (6, "informed")] {
        let want = format!("{d}:{line}:1: warning: field `{field}`: `{{list everyone");
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&want) && w.ends_with("[placeholder]")),
            "{want} in {warnings:?}"
        );
    }
    project.build().success();
    let page = project.site("team").main("decisions/0001-use-x.html");
    assert!(
        page.contains("Ana") && !page.contains("list everyone"),
        "{page}"
    );
}

#[test]
fn an_id_spelling_a_decision_s_cited_name_otherwise_is_a_duplicate_id() {
    let project = Project::new()
        .file(
            "content/decisions/0001-a.md",
            "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nx\n",
        )
        .file(
            "content/pages/s.md",
            "+++\ntitle = \"S\"\n+++\n[[ADR_1]] [[ADR-1]]\n",
        );
    project.check().expect(0);
    for id in ["ADR_1", "adr-0001", "adr-1"] {
        let page = format!("+++\ntitle = \"R\"\nid = \"{id}\"\n+++\nx\n");
        project.write("content/pages/r.md", page.as_bytes());
        let run = project.check();
        run.expect(1);
        run.error_at(
            "content/pages/r.md:3:1",
            &[
                &format!("id `{id}` is how prose cites decision 1"),
                "[duplicate-id]",
            ],
        );
    }
    // Another number is no clash.
    project.write(
        "content/pages/r.md",
        b"+++\ntitle = \"R\"\nid = \"ADR_2\"\n+++\nx\n",
    );
    project.check().expect(0);
    // Where a page has the decision's name itself, another spelling is told against the
    // decision, by the name that still leads to it.
    project.write(
        "content/pages/r.md",
        b"+++\ntitle = \"R\"\nid = \"ADR-1\"\n+++\nx\n",
    );
    project.write(
        "content/pages/q.md",
        b"+++\ntitle = \"Q\"\nid = \"adr_0001\"\n+++\nx\n",
    );
    let run = project.check();
    run.error_at(
        "content/pages/q.md:3:1",
        &[
            "decision 1 (",
            "0001-a.md)",
            "links to `ADR-0001` the decision",
        ],
    );
}

#[test]
fn a_field_written_after_the_extra_table_is_an_error_not_free_form_data() {
    // TOML puts every key after `[extra]` into that table.
    fails_at(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\n\n[extra]\ncolour = \"red\"\nstatus = \"cancelled\"\n+++\n",
        "content/initiatives/i.md:6:1",
        &[
            "`status` is under `[extra]`",
            "write it above the `[extra]` line",
        ],
    );
}

#[test]
fn bad_date_names_the_field() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n\ncreated = \"March 3\"\n+++\n",
        "content/pages/a.md:4:1",
        &["field `created`", "`March 3` is not a date"],
    );
}

#[test]
fn bad_period_names_the_field() {
    fails_at(
        "content/objectives/o.md",
        "+++\ntitle = \"O\"\nperiod = \"2026-Q5\"\n+++\n",
        "content/objectives/o.md:3:1",
        &["field `period`", "`2026-Q5`"],
    );
}

#[test]
fn status_must_be_one_the_kind_allows() {
    let line = fails_at(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\nstatus = \"accepted\"\n+++\n",
        "content/initiatives/i.md:3:1",
        &["field `status`", "`accepted` is not one of"],
    );
    assert!(
        line.contains("in-progress"),
        "the allowed values are listed: {line}"
    );
    assert!(!line.contains("did you mean"), "{line}");
    // A value near one allowed is told the one it was near.
    for (written, meant) in [("in-progres", "in-progress"), ("Shipped", "shipped")] {
        fails_at(
            "content/initiatives/i.md",
            &format!("+++\ntitle = \"I\"\nstatus = \"{written}\"\n+++\n"),
            "content/initiatives/i.md:3:1",
            &[
                &format!("`{written}` is not one of"),
                &format!("(did you mean `{meant}`?)"),
            ],
        );
    }
}

#[test]
fn wrong_type_says_what_was_expected_and_found() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\nsummary = 42\n+++\n",
        "content/pages/a.md:3:1",
        &["field `summary`", "expected a string, found a number"],
    );
}

#[test]
fn wrong_field_inside_a_key_result_names_the_key_result() {
    let text = "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = \"ten\"\n+++\n";
    fails_at(
        "content/objectives/o.md",
        text,
        "content/objectives/o.md:8",
        &["field `key_results`", "key result `kr1`"],
    );
}

#[test]
fn wrong_field_inside_a_key_result_names_the_field_and_its_line() {
    let text = "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = \"ten\"\n+++\n";
    fails_at(
        "content/objectives/o.md",
        text,
        "content/objectives/o.md:8",
        &["key result `kr1`", "`target`"],
    );
}

#[test]
fn a_key_result_number_that_is_no_number_says_what_it_found() {
    for (value, found) in [
        ("inf", "`inf` is not a number align can work with"),
        ("-inf", "`-inf` is not a number align can work with"),
        ("nan", "`nan` is not a number align can work with"),
        ("-nan", "`-nan` is not a number align can work with"),
    ] {
        let text = format!(
            "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = {value}\n+++\n"
        );
        fails_at(
            "content/objectives/o.md",
            &text,
            "content/objectives/o.md:8",
            &["key result `kr1`", "field `target`", found],
        );
    }
}

#[test]
fn a_project_without_a_content_folder_says_what_is_there_instead() {
    let project = Project::new();
    let run = project.build();
    run.expect(1);
    assert!(
        run.stderr()
            .contains("content:1:1: error: the project has no content/ folder")
    );
    project.write("content", "notes");
    let run = project.build();
    run.expect(1);
    assert!(
        run.stderr().contains(
            "content:1:1: error: content is a file: the documents go in a folder named content/"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_wrong_value_inside_a_table_of_a_field_is_said_in_plain_words_at_its_line() {
    fails_at(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\nstatus = \"planned\"\ntarget = 2026-12-01\n\n[[target_history]]\ndate = 2026-01-01\ntarget = \"2026-11-31\"\n+++\n",
        "content/initiatives/i.md:8:1",
        &[
            "slip #1",
            "field `target`",
            "`2026-11-31` is no day of the calendar: November 2026 has 30 days",
        ],
    );
    let message = fails_at(
        "content/objectives/o.md",
        "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\nconfidence = \"high\"\n+++\n",
        "content/objectives/o.md:9:1",
        &[
            "field `confidence`",
            "expected a number, found the text \"high\"",
        ],
    );
    assert!(!message.contains("f64"), "{message}");
}

#[test]
fn a_key_result_without_an_id_is_placed_at_its_own_table() {
    let text = "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\n\n[[key_results]]\ntitle = \"L\"\nbaseline = 0\ntarget = 5\n+++\n";
    fails_at(
        "content/objectives/o.md",
        text,
        "content/objectives/o.md:10:1",
        &["key result #2: missing field `id`"],
    );
}

#[test]
fn a_key_result_needs_an_id_fit_for_links_and_a_title() {
    let kr = |id: &str, title: &str| {
        format!(
            "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"{id}\"\ntitle = \"{title}\"\nbaseline = 0\ntarget = 10\n+++\n"
        )
    };
    for id in ["", "k r#3"] {
        fails_at(
            "content/objectives/o.md",
            &kr(id, "K"),
            "content/objectives/o.md:5:1",
            &[&format!(
                "key result #1: `{id}` is not a valid id (no spaces or `#`)"
            )],
        );
    }
    fails_at(
        "content/objectives/o.md",
        &kr("kr1", "   "),
        "content/objectives/o.md:5:1",
        &["key result `kr1`: `title` is empty"],
    );
}

#[test]
fn a_key_result_s_bad_id_is_reported_beside_its_other_errors() {
    let text = "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"b c\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\ndirection = \"up\"\n+++\n";
    let project = Project::new().file("content/objectives/o.md", text);
    let run = project.check();
    run.expect(1);
    assert_eq!(run.errors().len(), 2, "{}", run.stderr());
    run.error_at("content/objectives/o.md:5:1", &["`b c` is not a valid id"]);
    run.error_at("content/objectives/o.md:9:1", &["field `direction`"]);
    // A bad id and an empty title: both.
    let text = "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"b c\"\ntitle = \" \"\nbaseline = 0\ntarget = 10\n+++\n";
    let project = Project::new().file("content/objectives/o.md", text);
    let run = project.check();
    run.expect(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 2, "{}", run.stderr());
    for words in ["`b c` is not a valid id", "key result #1: `title` is empty"] {
        assert!(
            errors
                .iter()
                .any(|e| e.contains("o.md:5:1") && e.contains(words)),
            "{words}: {errors:#?}"
        );
    }
}

#[test]
fn a_key_result_that_is_not_there_is_named_with_those_that_are() {
    let project = Project::new()
        .file(
            "content/objectives/retain.md",
            "+++\nid = \"O-RETAIN\"\ntitle = \"Retain\"\nperiod = \"2026-Q1\"\n\n[[key_results]]\nid = \"churn\"\ntitle = \"Churn\"\nbaseline = 5\ntarget = 3\n\n[[key_results]]\nid = \"nps\"\ntitle = \"NPS\"\nbaseline = 20\ntarget = 40\n+++\n",
        )
        .file(
            "content/initiatives/win-back.md",
            "+++\ntitle = \"Win back\"\ndrives = [\"O-RETAIN#kr1\"]\n+++\n",
        );
    let run = project.check();
    run.expect(1);
    assert!(
        run.errors().iter().any(|e| e.starts_with("content/initiatives/win-back.md:3:")
            && e.ends_with("`#kr1` is neither a key result nor a heading of `objectives/retain` (its key results: `#churn`, `#nps`) [broken-reference]")),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_misspelt_field_is_named_with_the_field_it_may_have_meant() {
    let project = Project::new().file(
        "content/objectives/o.md",
        "+++\ntitel = \"Grow\"\nperoid = \"2026-Q1\"\nstatus = \"active\"\nnotes = \"x\"\n+++\n",
    );
    let run = project.check();
    run.expect(1);
    let errors: Vec<String> = run.errors();
    assert_eq!(
        errors,
        [
            "content/objectives/o.md:2:1: error: unknown field `titel`: did you mean `title`? (free-form data goes under `extra`)",
            "content/objectives/o.md:3:1: error: unknown field `peroid`: did you mean `period`? (free-form data goes under `extra`)",
            "content/objectives/o.md:5:1: error: unknown field `notes` (put free-form data under `extra`)",
        ],
        "{}",
        run.stderr()
    );
}

#[test]
fn a_folder_named_almost_like_a_kind_folder_is_said_to_hold_pages() {
    let page = |title: &str| format!("+++\ntitle = \"{title}\"\n+++\n");
    let project = Project::new()
        .file("content/strategies/retain.md", &page("Retain"))
        .file("content/strategies/grow.md", &page("Grow"))
        .file("content/Decisions/0001-x.md", &page("X"))
        .file(
            "content/objective/q1.md",
            "+++\ntitle = \"Q1\"\nkind = \"objective\"\nperiod = \"2026-Q1\"\n+++\n",
        )
        .file("content/pages/a.md", &page("A"))
        .file("content/guides/b.md", &page("B"));
    let run = project.check();
    let stderr = run.stderr();
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("is not a kind folder"))
        .collect();
    assert_eq!(
        said,
        [
            "content/Decisions/0001-x.md:1:1: warning: `Decisions/` is not a kind folder, so its documents are pages: did you mean `decisions/`? (or set `kind = \"decision\"`, or map the folder under [folders] in align.toml)",
            "content/strategies/grow.md:1:1: warning: `strategies/` is not a kind folder, so its documents are pages: did you mean `strategy/`? (or set `kind = \"strategy\"`, or map the folder under [folders] in align.toml)",
        ]
        .map(|l| format!("./{l}")),
        "{stderr}"
    );
}

#[test]
fn yaml_words_like_yes_no_on_and_off_are_text() {
    let project = Project::new()
        .file(
            "content/decisions/0001-x.md",
            "---\nstatus: accepted\ndecision-makers: [Y, N]\n---\n# 1. On\n",
        )
        .file(
            "content/pages/on.md",
            "---\ntitle: On\ntags: [NO, SE, y]\nteam: off\nowners: [Yes]\n---\nBody.\n",
        );
    project.build().success();
    let page = project.site("team").main("pages/on.html");
    for shown in [">On<", ">NO<", ">SE<", ">y<", ">off<", ">Yes<"] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    // A field that is a boolean says what it found.
    let project = Project::new().file(
        "content/changes/c.md",
        "---\ntitle: C\nbreaking: yes\n---\n",
    );
    let run = project.check();
    run.expect(1);
    assert!(
        run.stderr().contains(
            "content/changes/c.md:3:1: error: field `breaking`: expected true or false, found the text `yes`"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn key_results_written_inline_and_dotted_keys_are_reported_at_their_own_line() {
    let krs = r#"[{id = "a", title = "A", baseline = 0, target = 1}, {id = "a", title = "C", baseline = 0, target = 1}, {title = "D", baseline = 0, target = 1}]"#;
    let text = format!(
        "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\nkey_results = {krs}\n\n\nsumary.text = \"typo\"\n\"sumry\".text = 1\n+++\nBody.\n\n\n\nMore.\n"
    );
    let project = Project::new().file("content/objectives/o.md", &text);
    let run = project.check();
    run.expect(1);
    let stderr = run.stderr();
    for line in [
        "content/objectives/o.md:4:1: error: duplicate key result id `a` in this objective",
        "content/objectives/o.md:4:1: error: field `key_results`: key result #3: missing field `id`",
        "content/objectives/o.md:7:1: error: unknown field `sumary`",
        "content/objectives/o.md:8:1: error: unknown field `sumry`",
    ] {
        assert!(stderr.contains(line), "{line}\n{stderr}");
    }
}

#[test]
fn a_duplicate_key_result_id_is_reported_beside_the_key_result_s_other_errors() {
    let text = "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"L\"\nbaseline = 0\ntarget = 5\nconfidence = \"high\"\n+++\n";
    let project = Project::new().file("content/objectives/o.md", text);
    let run = project.check();
    run.expect(1);
    let stderr = run.stderr();
    assert!(
        stderr.contains(
            "content/objectives/o.md:11:1: error: duplicate key result id `kr1` in this objective"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/objectives/o.md:15:1: error: field `key_results`: key result `kr1`: field `confidence`"),
        "{stderr}"
    );
}

#[test]
fn an_objective_whose_only_key_result_cannot_be_read_is_not_also_said_to_have_none() {
    let text = "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\nstatus = \"active\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\ndirection = \"sideways\"\n+++\n";
    let project = Project::new().file("content/objectives/o.md", text);
    let run = project.check();
    run.expect(1);
    assert!(run.stderr().contains("`direction`"), "{}", run.stderr());
    assert!(
        !run.stderr().contains("objective-without-key-results"),
        "{}",
        run.stderr()
    );
}

#[test]
fn bad_checkin_date_names_the_field_and_its_line() {
    let text = "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\n\n[[key_results.checkins]]\ndate = \"yesterday\"\nvalue = 3\n+++\n";
    fails_at(
        "content/objectives/o.md",
        text,
        "content/objectives/o.md:11",
        &[
            "key result `kr1`: check-in #1: field `date`: `yesterday` is not a date (dates are YYYY-MM-DD)",
        ],
    );
}

#[test]
fn bad_date_in_a_schedule_slip_names_the_slip_and_quotes_it() {
    let text = "+++\ntitle = \"I\"\n\n[[target_history]]\ndate = 2026-10-01\ntarget = \"2026-13-01\"\nreason = \"Scope grew\"\n+++\n";
    let found = fails_at(
        "content/initiatives/i.md",
        text,
        "content/initiatives/i.md:6",
        &[
            "field `target_history`: slip #1: field `target`: `2026-13-01` is no day of the calendar: there are 12 months",
        ],
    );
    assert!(!found.contains("failed to parse"), "{found}");
}

#[test]
fn every_error_in_a_key_result_is_reported_at_its_line() {
    let objective = "+++\nid = \"O\"\ntitle = \"O\"\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = \"forty\"\ntarget = 60\ncolour = \"red\"\n\n[[key_results.checkins]]\ndate = \"2026-13-01\"\nvalue = \"x\"\n\n[[key_results]]\nid = \"kr2\"\ntitle = \"L\"\nbaseline = 1\n+++\n";
    let initiative = "+++\ntitle = \"I\"\ndrives = [\"O#kr1\"]\n+++\n";
    let project = Project::new()
        .file("content/objectives/o.md", objective)
        .file("content/initiatives/i.md", initiative);
    let run = project.check();
    run.expect(1);
    let o = "content/objectives/o.md";
    run.error_at(&format!("{o}:9:1"), &["key result `kr1`: field `baseline`"]);
    run.error_at(
        &format!("{o}:11:1"),
        &["key result `kr1`: unknown field `colour`, expected one of"],
    );
    run.error_at(
        &format!("{o}:14:1"),
        &["field `date`: `2026-13-01` is no day of the calendar: there are 12 months"],
    );
    run.error_at(
        &format!("{o}:15:1"),
        &["key result `kr1`: check-in #1: field `value`"],
    );
    run.error_at(
        &format!("{o}:18:1"),
        &["key result `kr2`: missing field `target`"],
    );
    // A link to the unreadable key result is not broken besides: its errors say why.
    assert_eq!(run.errors().len(), 5, "{}", run.stderr());
    assert!(
        !run.warnings()
            .iter()
            .any(|w| w.contains("orphan-initiative")),
        "{}",
        run.stderr()
    );
}

#[test]
fn every_error_in_every_schedule_slip_is_reported_at_its_line() {
    let text = "+++\ntitle = \"I\"\n\n[[target_history]]\ndate = 2026-12-01\ntarget = 2026-12-20\nwho = \"x\"\n\n[[target_history]]\ndate = 2026-12-02\ntarget = \"soon\"\nwhy = \"y\"\n+++\n";
    let project = Project::new().file("content/initiatives/i.md", text);
    let run = project.check();
    run.expect(1);
    let i = "content/initiatives/i.md";
    run.error_at(
        &format!("{i}:7:1"),
        &["slip #1: unknown field `who`, expected one of `date`, `target`, `reason`"],
    );
    run.error_at(
        &format!("{i}:11:1"),
        &["slip #2: field `target`: `soon` is not a date"],
    );
    run.error_at(
        &format!("{i}:12:1"),
        &["slip #2: unknown field `why`, expected one of"],
    );
    assert_eq!(run.errors().len(), 3, "{}", run.stderr());
}

#[test]
fn every_error_in_inline_schedule_slips_is_reported_at_its_line() {
    // The form the docs show: a list of inline tables, over several lines.
    let text = "+++\ntitle = \"I\"\ntags = [\n  \"a\",\n]\ntarget_history = [\n  { date = 2026-10-01, target = 2026-11-01, reason = \"a\" },\n  { date = 2026-10-02, target = \"soon\", reason = \"b\" },\n  { date = 2026-10-03,\n    target = 2026-12-01, why = \"c\" },\n  { target = 2026-12-01 },\n]\n+++\n";
    let project = Project::new().file("content/initiatives/i.md", text);
    let run = project.check();
    run.expect(1);
    let i = "content/initiatives/i.md";
    run.error_at(
        &format!("{i}:8:1"),
        &["slip #2: field `target`: `soon` is not a date"],
    );
    run.error_at(
        &format!("{i}:10:1"),
        &["slip #3: unknown field `why`, expected one of"],
    );
    run.error_at(&format!("{i}:11:1"), &["slip #4: missing field `date`"]);
    assert_eq!(run.errors().len(), 3, "{}", run.stderr());
}

#[test]
fn a_reference_after_a_multi_line_list_of_lists_is_reported_at_its_own_line() {
    let text =
        "+++\ntitle = \"i\"\nowners = [\"a\"]\ntags = [\n  [\"y\"],\n]\ndrives = [\"a\"]\n+++\n";
    let project = Project::new().file("content/initiatives/i.md", text);
    let run = project.check();
    run.expect(1);
    let i = "content/initiatives/i.md";
    run.error_at(&format!("{i}:4:1"), &["field `tags`: expected a string"]);
    run.error_at(
        &format!("{i}:7:11"),
        &["field `drives`: `a` names no document"],
    );
}

#[test]
fn unclosed_toml_frontmatter() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n\nBody that never ends the frontmatter.\n",
        "content/pages/a.md:1:1",
        &["`+++` is never closed"],
    );
}

#[test]
fn unclosed_yaml_frontmatter() {
    fails_at(
        "content/pages/a.md",
        "---\ntitle: A\n",
        "content/pages/a.md:1:1",
        &["`---` is never closed"],
    );
}

#[test]
fn a_clash_with_the_imported_changelog_points_at_its_version_heading() {
    let project = Project::new()
        .config(&format!(
            "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"team\"]\n"
        ))
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n### Added\n- Thing\n",
        )
        .file(
            "content/changelog/v1.0.0.md",
            "+++\ntitle = \"x\"\nkind = \"page\"\n+++\n",
        );
    let run = project.check();
    run.expect(1);
    run.error_at(
        "CHANGELOG.md:5:1",
        &["duplicate path id `changelog/v1.0.0`"],
    );
}

#[test]
fn a_public_pages_link_to_an_internal_one_is_reported_where_the_public_site_shows_it() {
    let project = Project::new()
        .file("content/pages/internal.md", "+++\ntitle = \"Internal\"\n+++\n")
        .file(
            "content/pages/p1.md",
            "+++\ntitle = \"P1\"\naudience = [\"public\", \"team\"]\n+++\n<!-- audience: team -->\nTeam only: [[pages/internal]].\n<!-- /audience -->\n\nFor all: [[pages/internal]].\n",
        );
    let run = project.check();
    let stderr = run.stderr();
    let found: Vec<&str> = stderr
        .lines()
        .filter(|l| l.ends_with("[public-links-internal]"))
        .collect();
    assert_eq!(found.len(), 1, "{stderr}");
    assert!(found[0].contains("content/pages/p1.md:9:10:"), "{stderr}");
}

#[test]
fn an_internal_records_superseded_by_line_is_no_reference_of_the_public_successor() {
    let project = Project::new()
        .file(
            "content/decisions/0001-old.md",
            "# 1. Old internal\n\nDate: 2026-01-01\n\n## Status\n\nSuperseded by [2. New public](0002-new.md)\n",
        )
        .file(
            "content/decisions/0002-new.md",
            "+++\ntitle = \"New public\"\nstatus = \"accepted\"\naudience = [\"public\"]\n+++\n",
        );
    let run = project.check();
    assert!(
        !run.stderr().contains("public-links-internal"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_changes_review_date_is_kept_but_a_change_never_goes_stale() {
    let project = Project::new().file(
        "content/changes/c.md",
        "+++\ntitle = \"C\"\ncategory = \"added\"\nreview_by = 2026-01-01\nupdated = 2020-01-01\n+++\n",
    );
    let stderr = project.check().stderr();
    assert!(
        stderr.contains("content/changes/c.md:4:1: warning: `changes/c` (C) was due for review on 2026-01-01 [review-overdue]"),
        "{stderr}"
    );
    assert!(!stderr.contains("[stale]"), "{stderr}");
}

#[test]
fn a_version_written_twice_in_the_imported_changelog_is_one_warning() {
    let project = Project::new()
        .config(&format!(
            "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"team\"]\n"
        ))
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [1.1.0] - 2026-10-01\n### Added\n- One\n\n## 1.1.0 - 2026-10-02\n### Added\n- Two\n",
        )
        .file("content/pages/about.md", "+++\ntitle = \"About\"\n+++\n");
    let run = project.build();
    run.success();
    let stderr = run.stderr();
    assert!(
        stderr.contains("CHANGELOG.md:7:1: warning: release `changelog/v1.1.0~2` (1.1.0) has the same version as `changelog/v1.1.0` (1.1.0)"),
        "{stderr}"
    );
    let team = project.site("team");
    assert!(
        team.main("changelog.html").contains("Two") && team.main("changelog.html").contains("One")
    );
}

#[test]
fn an_initiative_with_only_a_start_or_a_target_outside_its_period_says_which() {
    let objective = "+++\nid = \"O\"\ntitle = \"O\"\nperiod = \"2026-Q4\"\nstatus = \"active\"\n\n[[key_results]]\nid = \"k\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\n+++\n";
    for (dates, said) in [
        (
            "start = 2027-01-11",
            "starts on 2027-01-11, outside the period 2026-Q4",
        ),
        (
            "target = 2026-09-30",
            "is due on 2026-09-30, outside the period 2026-Q4",
        ),
        // An end not set is open: the work may run into the period.
        ("start = 2026-09-15", ""),
        ("target = 2027-02-26", ""),
    ] {
        let project = Project::new()
            .file("content/objectives/o.md", objective)
            .file(
                "content/initiatives/i.md",
                &format!(
                    "+++\ntitle = \"I\"\nstatus = \"planned\"\n{dates}\ndrives = [\"O\"]\n+++\n"
                ),
            );
        let stderr = project.check().stderr();
        match said {
            "" => assert!(!stderr.contains("[outside-period]"), "{dates}: {stderr}"),
            said => assert!(stderr.contains(said), "{stderr}"),
        }
    }
}

#[test]
fn a_public_home_that_lists_unreleased_work_is_not_called_empty() {
    let change =
        "+++\ntitle = \"Unreleased change\"\ncategory = \"added\"\naudience = [\"public\"]\n+++\n";
    let config = common::CONFIG.replace(
        "home = \"changelog\"\npublic = true\n",
        "home = \"changelog\"\npublic = true\nshow_unreleased = true\n",
    );
    let project = Project::new()
        .config(&config)
        .file("content/changes/c.md", change);
    let stderr = project.check().stderr();
    assert!(!stderr.contains("[empty-public-home]"), "{stderr}");
    project.build().success();
    let home = project.site("public").main("index.html");
    assert!(home.contains("Unreleased change"), "{home}");
    // Without `show_unreleased` the changelog lists none of it: empty.
    let project = Project::new().file("content/changes/c.md", change);
    let stderr = project.check().stderr();
    assert!(stderr.contains("[empty-public-home]"), "{stderr}");
}

#[test]
fn a_public_changelog_with_only_planned_releases_says_so() {
    let project = Project::new().file(
        "content/releases/r.md",
        "+++\ntitle = \"R\"\nversion = \"1.0.0\"\nstatus = \"planned\"\naudience = [\"public\"]\n+++\n",
    );
    let stderr = project.check().stderr();
    assert!(
        stderr.contains("would be empty: none of its releases has gone out yet (a changelog lists released and yanked ones) [empty-public-home]"),
        "{stderr}"
    );
    // `show_unreleased` lists changes in no release, never a planned release.
    let config = common::CONFIG.replace(
        "home = \"changelog\"\npublic = true\n",
        "home = \"changelog\"\npublic = true\nshow_unreleased = true\n",
    );
    project.write("align.toml", &config);
    let stderr = project.check().stderr();
    assert!(
        stderr.contains("would be empty: none of its releases has gone out yet (a changelog lists released and yanked ones, and the changes in no release, of which it has none) [empty-public-home]"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_cannot_be_read_is_one_error_not_one_more_per_reference_to_it() {
    let project = Project::new()
        .file(
            "content/objectives/o.md",
            "+++\nid = \"O-1\"\ntitle = \"O\"\nreview_by = 2027-02-28 x\n+++\n",
        )
        .file(
            "content/initiatives/i.md",
            "+++\ntitle = \"I\"\ndrives = [\"O-1#kr1\"]\n+++\nSee [[objectives/o]], [o](../objectives/o.md) and [[nope]].\n",
        );
    let run = project.check();
    run.expect(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 2, "{}", run.stderr());
    run.error_at("content/objectives/o.md:4", &["invalid TOML frontmatter"]);
    // A reference to a document that does not exist at all is still an error.
    run.error_at("content/initiatives/i.md:5", &["`nope` names no document"]);
}

/// Frontmatter written in the other format than its fences mark, or YAML without the
/// space after a key's colon, is told so at its line.
#[test]
fn frontmatter_in_the_other_format_than_its_fences_is_told_so() {
    let project = Project::new()
        .file("content/pages/a.md", "---\ntitle = \"X\"\n---\nb\n")
        .file("content/pages/b.md", "---\n# note\ntitle:X4\n---\nb\n")
        .file("content/pages/c.md", "+++\ntitle: \"X\"\n+++\nb\n");
    let run = project.check();
    run.expect(1);
    assert_eq!(run.errors().len(), 3, "{}", run.stderr());
    run.error_at(
        "content/pages/a.md:2:1",
        &["this line is TOML", "goes between `+++` fences"],
    );
    run.error_at(
        "content/pages/b.md:3:1",
        &["a field needs a space after its `:`"],
    );
    run.error_at(
        "content/pages/c.md:2",
        &["this line is YAML", "goes between `---` fences"],
    );
}

/// A tab that indents a YAML line is told at that line, where the reader stopped a line
/// above it (the value it was reading went on there).
#[test]
fn a_tab_indenting_a_yaml_line_is_told_at_its_line() {
    let project = Project::new()
        .file(
            "content/pages/a.md",
            "---\ntitle: Tab page\nstatus: draft\n\ttags: [x]\n---\nb\n",
        )
        .file(
            "content/pages/b.md",
            "---\ntitle: T\ntags:\n\t- x\n---\nb\n",
        );
    let run = project.check();
    run.expect(1);
    assert_eq!(run.errors().len(), 2, "{}", run.stderr());
    run.error_at("content/pages/a.md:4:2", &["a tab indents this line"]);
    run.error_at("content/pages/b.md:4:2", &["a tab indents this line"]);
}

/// A key result's table of an unknown name (`[[key_results.checkin]]`, one letter short)
/// is told at its header, not at the key result's first line.
#[test]
fn a_key_results_table_of_an_unknown_name_is_told_at_its_header() {
    let project = Project::new().file(
        "content/objectives/o.md",
        "+++\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\n\n[[key_results.checkin]]\ndate = 2026-10-01\nvalue = 3\n+++\n",
    );
    let run = project.check();
    run.expect(1);
    run.error_at(
        "content/objectives/o.md:10:1",
        &["unknown field `checkin`: did you mean `checkins`?"],
    );
}

/// References mind case; one written in another case than the name it meant is told it.
#[test]
fn a_reference_in_another_case_is_told_the_name_it_meant() {
    let project = Project::new()
        .file(
            "content/objectives/activation.md",
            "+++\nid = \"O-ACT\"\ntitle = \"Activation\"\n+++\n",
        )
        .file("content/pages/how-we-plan.md", "+++\ntitle = \"How\"\n+++\n")
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\n+++\nSee [[o-act]], [[pages/How-We-Plan]],\n[plan](How-We-Plan.md) and [[nothing]].\n",
        );
    let run = project.check();
    run.expect(1);
    assert_eq!(run.errors().len(), 4, "{}", run.stderr());
    run.error_at(
        "content/pages/a.md:4:5",
        &["`o-act` names no document: did you mean `O-ACT`?"],
    );
    run.error_at(
        "content/pages/a.md:4:16",
        &["`pages/How-We-Plan` names no document: did you mean `pages/how-we-plan`?"],
    );
    run.error_at(
        "content/pages/a.md:5:1",
        &["`How-We-Plan.md` names no document: did you mean `pages/how-we-plan`?"],
    );
    let nothing = run.error_at("content/pages/a.md:5:28", &["`nothing` names no document"]);
    assert!(!nothing.contains("did you mean"), "{nothing}");
}

/// `[[#risks]]` is a heading of the page itself, but `[[ ]]` and `[[#]]` name nothing: no
/// link to the page itself.
#[test]
fn empty_wiki_links_are_broken_references() {
    let project = Project::new().file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\n## Risks\n\nSee [[ ]],\n[[#]] and [[#risks]].\n",
    );
    let run = project.check();
    run.expect(1);
    assert_eq!(run.errors().len(), 2, "{}", run.stderr());
    run.error_at(
        "content/pages/a.md:6:5",
        &["an empty reference names no document"],
    );
    run.error_at("content/pages/a.md:7:1", &["`#` names no document"]);
}

#[test]
fn a_local_link_in_release_prose_is_reported_at_its_own_line() {
    let project = Project::new()
        .config(&format!(
            "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"team\"]\n"
        ))
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [1.1.0] - 2026-10-01\n\n\nSee [keys](./KEYS.md).\n\n\nAnd ![demo](demo.gif).\n",
        );
    let run = project.check();
    let stderr = run.stderr();
    // At the link's `[`, an image's `!`.
    for at in ["CHANGELOG.md:6:5", "CHANGELOG.md:9:5"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.ends_with("[unpublished-link]") && l.contains(at)),
            "{at}: {stderr}"
        );
    }
}

/// Raw HTML's local address leads nowhere either: it is left out, the element kept.
#[test]
fn a_local_address_in_an_entrys_raw_html_is_left_out() {
    let project = Project::new()
        .config(&format!(
            "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"team\"]\n"
        ))
        .file(
            "CHANGELOG.md",
            "# Changelog\n\n## [1.1.0] - 2026-10-01\n\n### Added\n\n- Keys, see\n  <a href=\"docs/guide.html\">the guide</a> or <a href=\"https://x.test/g\">online</a>\n",
        )
        .file("content/pages/about.md", "+++\ntitle = \"About\"\n+++\nAbout.\n");
    let run = project.build();
    run.success();
    let stderr = run.stderr();
    assert!(
        stderr.lines().any(|l| l.contains("CHANGELOG.md:8:12:")
            && l.contains("`docs/guide.html`")
            && l.ends_with("[unpublished-link]")),
        "{stderr}"
    );
    let site = project.site("team");
    site.assert_nowhere("docs/guide.html");
    site.assert_somewhere("<a>the guide</a>");
    site.assert_somewhere("href=\"https://x.test/g\"");
}

#[test]
fn a_records_missing_successor_is_reported_once() {
    let project = Project::new().file(
        "content/decisions/0002-second.md",
        "# 2. Second\n\nDate: 2026-01-02\n\n## Status\n\nSuperseded by [3. Third](0003-third.md)\n",
    );
    let run = project.check();
    let stderr = run.stderr();
    assert_eq!(
        stderr.matches("`0003-third.md` names no document").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "0002-second.md:7:1: warning: superseded by: `0003-third.md` names no document"
        ),
        "{stderr}"
    );
}

#[test]
fn invalid_toml_points_at_the_bad_line_and_column() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\nowners = [\n+++\n",
        "content/pages/a.md:3:11",
        &["invalid TOML frontmatter"],
    );
    // A date TOML cannot read is its field's error, as a date in quotes would be, and
    // hides none of the file's other errors.
    let project = Project::new().file(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\nreview_by = 2027-02-30\nstatus = \"weird\"\ntarget_history = [{ date = 2026-13-01, target = 2026-12-01 }]\n+++\n",
    );
    let run = project.check();
    run.expect(1);
    run.error_at(
        "content/initiatives/i.md:3:1",
        &["field `review_by`: `2027-02-30` is no day of the calendar: February 2027 has 28 days"],
    );
    run.error_at("content/initiatives/i.md:4:1", &["field `status`: `weird`"]);
    run.error_at(
        "content/initiatives/i.md:5:1",
        &["slip #1: field `date`: `2026-13-01` is no day of the calendar"],
    );
    assert_eq!(run.errors().len(), 3, "{}", run.stderr());
}

#[test]
fn invalid_yaml_points_at_the_bad_line() {
    fails_at(
        "content/pages/a.md",
        "---\nsummary: fine\ntitle: [unclosed\n---\n",
        "content/pages/a.md:3",
        &["invalid YAML frontmatter"],
    );
}

#[test]
fn yaml_errors_speak_of_the_file_not_of_the_parser() {
    // The place is the file's line and column; the parser's own option for duplicate
    // keys and its frontmatter-relative place are not part of the message.
    let found = fails_at(
        "content/pages/a.md",
        "---\ntitle: A\ntitle: B\n---\n",
        "content/pages/a.md:3:1",
        &["invalid YAML frontmatter: duplicate mapping key: title"],
    );
    assert!(
        !found.contains("DuplicateKeyPolicy") && !found.contains("line 2"),
        "{found}"
    );
    fails_at(
        "content/pages/b.md",
        "---\ntitle: [A\nsummary: B\n---\n",
        "content/pages/b.md:3:8",
        &["invalid YAML frontmatter"],
    );
}

#[test]
fn a_document_without_title_or_heading() {
    fails_at(
        "content/pages/a.md",
        "Just a paragraph, no heading.\n",
        "content/pages/a.md:1:1",
        &["document has no title"],
    );
}

#[test]
fn a_heading_is_a_title() {
    Project::new()
        .file("content/pages/a.md", "\n# Title from heading\n\nText.\n")
        .build()
        .success();
}

#[test]
fn a_setext_heading_is_a_title_shown_once() {
    let project = Project::new().file(
        "content/pages/a.md",
        "\nTitle from setext\n=================\n\nText under it.\n",
    );
    project.build().success();
    let main = project.site("team").main("pages/a.html");
    assert!(
        main.contains("<h1 dir=\"auto\">Title from setext</h1>"),
        "{main}"
    );
    assert_eq!(main.matches("Title from setext").count(), 1, "{main}");
    assert!(main.contains("Text under it."), "{main}");
}

#[test]
fn a_heading_that_says_the_title_is_shown_once_however_it_is_written() {
    let project = Project::new()
        .file(
            "content/pages/code.md",
            "+++\ntitle = \"Adopt `jiff` for dates\"\n+++\n\n# Adopt `jiff` for dates\n\nText.\n",
        )
        .file(
            "content/pages/case.md",
            "---\ntitle: Same title\n---\n# Same  Title\n\nText.\n",
        )
        .file(
            "content/pages/other.md",
            "+++\ntitle = \"Use Postgres\"\n+++\n# Context\n\nText.\n",
        )
        .file(
            "content/pages/id.md",
            "# Title with id {#custom}\n\nText.\n",
        );
    project.build().success();
    let team = project.site("team");
    for (page, title, h1s) in [
        ("code", "Adopt `jiff` for dates", 1),
        ("case", "Same title", 1),
        ("other", "Use Postgres", 2),
        ("id", "Title with id", 1),
    ] {
        let main = team.main(&format!("pages/{page}.html"));
        assert!(
            main.contains(&format!("<h1 dir=\"auto\">{title}</h1>")),
            "{page}: {main}"
        );
        assert_eq!(main.matches("<h1").count(), h1s, "{page}: {main}");
        assert!(!main.contains("{#custom}"), "{main}");
    }
}

#[test]
fn lines_after_a_setext_title_keep_their_numbers() {
    // The title's two lines are blanked out of the body; the unclosed marker is still
    // reported on line 6 of the file.
    fails_at(
        "content/pages/a.md",
        "\nTitle from setext\n=================\n\nText.\n<!-- audience: team -->\nx\n",
        "content/pages/a.md:6:1",
        &["never closed"],
    );
}

#[test]
fn invalid_utf8_is_an_error_for_its_file() {
    let project = Project::new();
    project.write(
        "content/pages/a.md",
        b"+++\ntitle = \"A\"\n+++\n\nfine\n\xff\xfe broken\n",
    );
    let run = project.build();
    run.expect(1);
    let line = run
        .errors()
        .into_iter()
        .find(|l| l.starts_with("content/pages/a.md:"))
        .unwrap_or_else(|| panic!("{}", run.stderr()));
    assert!(line.contains("not valid UTF-8"), "{line}");
}

#[test]
fn invalid_utf8_points_at_the_bad_line() {
    let project = Project::new();
    project.write(
        "content/pages/a.md",
        b"+++\ntitle = \"A\"\n+++\n\nfine\n\xff\xfe broken\n",
    );
    project
        .build()
        .error_at("content/pages/a.md:6", &["not valid UTF-8"]);
    // Lines ended by a lone CR, or CRLF, are counted as the loader counts them, and the
    // column in characters.
    let mut bytes = "+++\rtitle = \"A\"\r+++\r\r\u{e9}t\u{e9} \r\n-\u{e9} "
        .as_bytes()
        .to_vec();
    bytes.push(0xff);
    project.write("content/pages/a.md", bytes);
    project
        .build()
        .error_at("content/pages/a.md:6:4", &["not valid UTF-8"]);
}

#[test]
fn a_changelog_that_is_not_utf8_points_at_its_bad_byte() {
    let project = Project::new().config(&format!(
        "{CONFIG}\n[import]\nchangelog = \"CHANGELOG.md\"\nchangelog_audience = [\"team\"]\n"
    ));
    project.write(
        "CHANGELOG.md",
        b"# Changelog\n\n## [1.0.0] - 2024-01-01\n### Added\n- one\n- caf\xe9\n",
    );
    let run = project.check();
    run.expect(1);
    run.error_at("CHANGELOG.md:6:6", &["changelog is not valid UTF-8 here"]);
}

#[test]
fn broken_reference_in_a_relation_field() {
    fails_at(
        "content/initiatives/i.md",
        "+++\ntitle = \"I\"\nstatus = \"planned\"\ndepends_on = [\"initiatives/ghost\"]\n+++\n",
        "content/initiatives/i.md:4",
        &[
            "field `depends_on`",
            "`initiatives/ghost` names no document",
        ],
    );
}

#[test]
fn a_relation_written_in_an_imported_status_is_named_as_written() {
    // MADR keeps "superseded by" in the status: there is no `supersedes` field to blame.
    let project = Project::new().file(
        "content/decisions/0002-other.md",
        "---\nstatus: \"superseded by ADR-0099\"\ndate: 2026-01-01\n---\n# 2. Other\n",
    );
    let run = project.check();
    run.expect(0);
    let warnings = run.warnings();
    assert!(
        warnings.iter().any(|w| w
            .contains("0002-other.md:2:1: warning: superseded by: `ADR-0099` names no document")),
        "{warnings:?}"
    );
    assert!(
        !run.stderr().contains("field `supersedes`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_imported_record_left_as_its_template_wrote_it_loads() {
    // MADR's template: keys left empty, and a date placeholder YAML reads as a table.
    let project = Project::new().file(
        "content/decisions/0001-use-x.md",
        "---\nstatus:\ndecision-makers:\ndate: {YYYY-MM-DD when the decision was last updated}\n---\n# Use X\n\nBody.\n",
    );
    let run = project.check();
    run.expect(0);
    assert!(
        run.warnings().iter().any(|w| w.contains(
            "0001-use-x.md:4:1: warning: field `date`: cannot read date `{YYYY-MM-DD when the decision was last updated}`; kept as written [unreadable-date]"
        )),
        "{}",
        run.stderr()
    );
    project.build().success();
    assert!(
        project
            .site("team")
            .main("decisions/0001-use-x.html")
            .contains("Use X")
    );
}

#[test]
fn broken_wiki_link_in_a_body() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\nIntro.\n\nSee also [[nowhere]].\n",
        "content/pages/a.md:6:10",
        &["broken link", "`nowhere` names no document"],
    );
}

#[test]
fn broken_markdown_link_in_a_body() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\n[the plan](../plans/missing.md) is gone.\n",
        "content/pages/a.md:4:1",
        &["broken link", "`../plans/missing.md` names no document"],
    );
}

#[test]
fn anchor_that_is_neither_key_result_nor_heading() {
    let project = Project::new()
        .file(
            "content/objectives/o.md",
            "+++\nid = \"O-1\"\ntitle = \"O\"\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"K\"\nbaseline = 0\ntarget = 1\n+++\n## Notes\n",
        )
        .file(
            "content/initiatives/i.md",
            "+++\ntitle = \"I\"\ndrives = [\"O-1#kr9\"]\n+++\nSee [[O-1#notes]] and [[O-1#kr1]] and [x](../objectives/o.md#nope).\n",
        );
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/initiatives/i.md:3",
        &[
            "field `drives`",
            "`#kr9` is neither a key result nor a heading",
        ],
    );
    run.error_at(
        "content/initiatives/i.md:5:39",
        &[
            "broken link",
            "`#nope` is neither a key result nor a heading",
        ],
    );
    assert_eq!(
        run.errors().len(),
        2,
        "a heading and a key result resolve: {}",
        run.stderr()
    );
}

#[test]
fn relation_to_the_wrong_kind() {
    let project = Project::new()
        .file("content/pages/p.md", "+++\ntitle = \"P\"\n+++\n")
        .file(
            "content/initiatives/i.md",
            "+++\ntitle = \"I\"\n\ndrives = [\"pages/p\"]\n+++\n",
        );
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/initiatives/i.md:4",
        &[
            "`drives` must name an objective or key result",
            "`pages/p` is a page",
        ],
    );
}

#[test]
fn relation_to_an_initiative_of_the_wrong_kind_reads_right() {
    let project = Project::new().file(
        "content/initiatives/i.md",
        "+++\nid = \"I-1\"\ntitle = \"I\"\ndrives = [\"I-1\"]\n+++\n",
    );
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/initiatives/i.md:4",
        &["`drives` must name an objective or key result, but `I-1` is an initiative"],
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let project = Project::new()
        .file(
            "content/pages/first.md",
            "+++\nid = \"X-1\"\ntitle = \"P\"\n+++\n",
        )
        .file(
            "content/pages/second.md",
            "+++\ntitle = \"Q\"\nid = \"X-1\"\n+++\n",
        );
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/pages/second.md:3",
        &["duplicate id `X-1`", "content/pages/first.md"],
    );
    assert!(
        run.stderr()
            .contains("content/pages/first.md:2:1: first used here"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_short_id_may_not_take_another_documents_path_id() {
    let project = Project::new()
        .file("content/pages/p.md", "+++\ntitle = \"P\"\n+++\n")
        .file(
            "content/pages/q.md",
            "+++\ntitle = \"Q\"\nid = \"pages/p\"\n+++\n",
        );
    let run = project.build();
    run.expect(1);
    run.error_at(
        "content/pages/q.md:3",
        &["duplicate id `pages/p`", "content/pages/p.md"],
    );
}

#[test]
fn unclosed_audience_block() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\nOpen text.\n\n<!-- audience: exec -->\nNever closed.\n",
        "content/pages/a.md:6:1",
        &["audience block is never closed"],
    );
}

#[test]
fn an_audience_block_for_no_one_is_one_error() {
    // Its closing marker closes it: one error, at the opening one.
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\nText.\n<!-- audience: -->\nFor no one.\n<!-- /audience -->\n",
        "content/pages/a.md:5:1",
        &["audience block names no audience"],
    );
}

#[test]
fn wrong_key_results_are_one_error_not_also_an_objective_without_any() {
    let project = Project::new().file(
        "content/objectives/o.md",
        "+++\nid = \"O-1\"\ntitle = \"Obj\"\nkey_results = \"lots\"\n+++\nBody.\n",
    );
    let run = project.check();
    run.expect(1);
    assert_eq!(run.errors().len(), 1, "{}", run.stderr());
    assert!(
        !run.stderr().contains("objective-without-key-results"),
        "{}",
        run.stderr()
    );
    run.error_at(
        "content/objectives/o.md:4:1",
        &[
            "key_results",
            "expected a list of key results, found a string",
        ],
    );
}

#[test]
fn unmatched_audience_close() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\nText.\n<!-- /audience -->\n",
        "content/pages/a.md:5:1",
        &["closes no open audience block"],
    );
}

#[test]
fn errors_quote_the_offending_line() {
    let project = Project::new().file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ncolour = \"red\"\n+++\n",
    );
    let stderr = project.build().stderr();
    assert!(stderr.contains("3 | colour = \"red\""), "{stderr}");
}

/// `path:line:col` of each error a run printed.
fn error_places(run: &common::Run) -> Vec<String> {
    run.errors()
        .iter()
        .map(|l| l.split(": ").next().unwrap().to_string())
        .collect()
}

#[test]
fn every_error_in_every_file_is_reported_in_one_run() {
    let project = Project::new()
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\ncolour = 1\nshade = 2\n+++\n",
        )
        .file(
            "content/pages/b.md",
            "+++\ntitle = \"B\"\ncreated = \"soon\"\n+++\n[[missing]]\n",
        )
        .file(
            "content/initiatives/c.md",
            "+++\ntitle = \"C\"\nstatus = \"done\"\n+++\n",
        )
        .file("content/pages/d.md", "no title\n")
        .file("content/pages/e.md", "+++\ntitle = \"E\"\n");
    let run = project.build();
    run.expect(1);
    let places = error_places(&run);
    assert_eq!(
        places,
        [
            "content/initiatives/c.md:3:1",
            "content/pages/a.md:3:1",
            "content/pages/a.md:4:1",
            "content/pages/b.md:3:1",
            "content/pages/b.md:5:1",
            "content/pages/d.md:1:1",
            "content/pages/e.md:1:1",
        ],
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains(
            "build failed with 7 errors; nothing was written, and any earlier output is as it was"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_kind_that_is_no_kind_does_not_hide_the_files_other_errors() {
    // The folder's kind stands in: the bad id and the broken link are reported too, and
    // `drives`, a field of the kind probably meant, is not an error of its own.
    let project = Project::new().file(
        "content/pages/b.md",
        "+++\ntitle = \"B\"\nid = \"has space\"\nkind = \"initiativ\"\ndrives = [\"O-1\"]\n+++\nSee [[missing]].\n",
    );
    let run = project.check();
    run.expect(1);
    let places = error_places(&run);
    assert_eq!(
        places,
        [
            "content/pages/b.md:3:1",
            "content/pages/b.md:4:1",
            "content/pages/b.md:7:5",
        ],
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains(
            "field `kind`: `initiativ` is not one of: strategy, objective, initiative, release, decision, change, page (did you mean `initiative`?)"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_failed_build_prints_each_diagnostic_once() {
    let project = Project::new()
        .file(
            "content/initiatives/orphan.md",
            "+++\ntitle = \"Orphan\"\nstatus = \"planned\"\n+++\n",
        )
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\ncolour = 1\n+++\n",
        );
    let run = project.build();
    run.expect(1);
    let warnings = run.warnings();
    let mut unique = warnings.clone();
    unique.sort();
    unique.dedup();
    assert!(!warnings.is_empty(), "{}", run.stderr());
    assert_eq!(warnings.len(), unique.len(), "{}", run.stderr());
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let project = Project::new()
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\ncolour = 1\n+++\n",
        )
        .file(
            "content/pages/b.md",
            "+++\ntitle = \"B\"\n+++\n[[missing]]\n",
        );
    let run = project.check();
    run.expect(1);
    run.error_at("content/pages/a.md:3:1", &["unknown field `colour`"]);
    run.error_at("content/pages/b.md:4:1", &["`missing` names no document"]);
    assert!(run.stderr().contains("2 errors"), "{}", run.stderr());
    assert!(!project.path().join("public").exists());
}

#[test]
fn check_as_json_gives_path_line_and_column() {
    let project = Project::new().file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ncolour = 1\n+++\n",
    );
    let run = project.run(&["check", "--format", "json", "--today", common::TODAY]);
    run.expect(1);
    let list: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let errors: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{list:#}");
    assert!(
        errors[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("content/pages/a.md")
    );
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["column"], 1);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`")
    );
}

#[test]
fn check_for_github_writes_annotations() {
    let project = Project::new().file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\ncolour = 1\n+++\n",
    );
    let run = project.run(&["check", "--format", "github", "--today", common::TODAY]);
    run.expect(1);
    let line = run
        .stdout()
        .lines()
        .find(|l| l.starts_with("::error "))
        .map(String::from)
        .unwrap_or_else(|| panic!("{}", run.stdout()));
    assert!(
        line.contains("content/pages/a.md,line=3,col=1") && line.contains("unknown field `colour`"),
        "{line}"
    );
}

#[test]
fn check_denies_warnings_when_asked() {
    let project = Project::new().file(
        "content/initiatives/orphan.md",
        "+++\ntitle = \"Orphan\"\nstatus = \"planned\"\n+++\n",
    );
    project.check().success();
    let run = project.run(&["check", "--deny", "warnings", "--today", common::TODAY]);
    run.expect(1);
    assert!(!run.warnings().is_empty(), "{}", run.stderr());
}

/// The default config with one more site whose table holds `line`; returns the config
/// and the line number `line` lands on.
fn config_with_site_line(line: &str) -> (String, usize) {
    let config =
        format!("{CONFIG}\n[sites.extra]\ntitle = \"Extra\"\naudiences = [\"team\"]\n{line}\n");
    let number = config.lines().position(|l| l == line).unwrap() + 1;
    (config, number)
}

fn config_fails_at(config: &str, line: usize, words: &[&str]) {
    let project = Project::new()
        .config(config)
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    let run = project.build();
    run.expect(2);
    let place = format!("align.toml:{line}:");
    let found = run
        .errors()
        .into_iter()
        .find(|l| l.starts_with(&place))
        .unwrap_or_else(|| panic!("no error at {place}:\n{}", run.stderr()));
    for word in words {
        assert!(found.contains(word), "`{word}` missing from: {found}");
    }
    assert!(!project.path().join("out").exists());
}

#[test]
fn a_changelog_to_import_that_is_not_there_is_a_config_error_at_its_line() {
    let config = format!("{CONFIG}\n[import]\nchangelog = \"CHANGES.md\"\n");
    let line = config.lines().count();
    config_fails_at(&config, line, &["[import] changelog", "`CHANGES.md`"]);
}

#[test]
fn unknown_site_key_names_the_key_and_line() {
    let (config, line) = config_with_site_line("hoem = \"roadmap\"");
    config_fails_at(
        &config,
        line,
        &["unknown field `hoem`: did you mean `home`?"],
    );
}

#[test]
fn unknown_top_level_key_names_the_key_and_line() {
    let config = format!("colour = \"red\"\n{CONFIG}");
    config_fails_at(&config, 1, &["unknown field `colour`"]);
}

#[test]
fn unknown_home_view_names_the_line() {
    let (config, line) = config_with_site_line("home = \"dashboard\"");
    config_fails_at(&config, line, &["dashboard", "roadmap"]);
}

#[test]
fn unknown_public_field_names_the_field() {
    let (config, line) = config_with_site_line("public_fields = [\"salary\"]");
    config_fails_at(&config, line, &["`salary`", "public_fields"]);
}

#[test]
fn a_quoted_site_name_is_found_at_its_own_table() {
    let config = format!(
        "{CONFIG}\n[ sites . \"Board Room\" ]\ntitle = \"Board\"\naudiences = [\"exec\"]\n"
    );
    let line = config
        .lines()
        .position(|l| l.contains("Board Room"))
        .unwrap()
        + 1;
    config_fails_at(&config, line, &["site name `Board Room`"]);
    // The name `align serve` keeps for its own files.
    let config = format!("{CONFIG}\n[sites.__align]\ntitle = \"Clash\"\naudiences = [\"team\"]\n");
    let line = config.lines().position(|l| l.contains("__align")).unwrap() + 1;
    config_fails_at(
        &config,
        line,
        &["site name `__align` is kept for `align serve`"],
    );
}

#[test]
fn invalid_config_toml_names_the_line() {
    let config = format!("{CONFIG}\n[sites.extra]\ntitle = \"Extra\n");
    let line = config.lines().count();
    config_fails_at(&config, line, &[]);
}

#[test]
fn missing_config_is_a_usage_error() {
    let project = Project::new().file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    project.remove("align.toml");
    let run = project.build();
    run.expect(2);
    assert!(run.stderr().contains("align.toml"), "{}", run.stderr());
}

#[test]
fn config_errors_quote_the_projects_own_config() {
    let (config, line) = config_with_site_line("hoem = \"roadmap\"");
    let project = Project::new()
        .config(&config)
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    let elsewhere = Project::new();
    let dir = project.path().to_str().unwrap();
    let run = project.run_in(elsewhere.path(), &["build", dir, "--today", common::TODAY]);
    run.expect(2);
    let quoted = format!("{line} | hoem = \"roadmap\"");
    assert!(run.stderr().contains(&quoted), "{}", run.stderr());
}

#[test]
fn unknown_site_is_a_usage_error() {
    // The project has warnings (an initiative that drives nothing, a public home with
    // nothing to show); a mistyped site name is reported alone, before any of them.
    let project = Project::new()
        .file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n")
        .file("content/initiatives/i.md", "+++\ntitle = \"I\"\n+++\n");
    let run = project.run(&["build", "--out", "out", "--site", "board"]);
    run.expect(2);
    let stderr = run.stderr();
    assert_eq!(
        stderr.trim_end(),
        "error: no site named `board` in align.toml (sites: exec, public, team)"
    );
    assert!(!project.path().join("out/exec").exists());
}

#[test]
fn check_quiet_prints_only_what_fails_it() {
    // An error (a broken link) and a warning (an initiative that drives nothing).
    let project = Project::new()
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\n+++\nSee [[nowhere]].\n",
        )
        .file("content/initiatives/i.md", "+++\ntitle = \"I\"\n+++\n");
    let run = project.run(&["check", "-q", "--today", common::TODAY]);
    run.expect(1);
    let stderr = run.stderr();
    assert!(
        run.errors()
            .iter()
            .any(|e| e.contains("a.md:4:5: error: ") && e.ends_with(" [broken-reference]")),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(!stderr.contains("1 error"), "{stderr}");
    // Denied warnings fail the check too, so they are printed.
    project.remove("content/pages/a.md");
    let run = project.run(&[
        "check",
        "-q",
        "--deny",
        "warnings",
        "--today",
        common::TODAY,
    ]);
    run.expect(1);
    assert!(
        run.warnings()
            .iter()
            .any(|w| w.ends_with(" [orphan-initiative]")),
        "{}",
        run.stderr()
    );
    // Without them, a quiet check of a project with warnings prints nothing.
    let run = project.run(&["check", "-q", "--today", common::TODAY]);
    run.expect(0);
    assert_eq!(run.stderr(), "");
}

#[test]
fn bad_today_is_a_usage_error() {
    let project = Project::new().file("content/pages/a.md", "+++\ntitle = \"A\"\n+++\n");
    let run = project.run(&["build", "--today", "2026-13-01"]);
    run.expect(2);
    assert!(
        run.stderr().contains("--today `2026-13-01`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn output_to_a_closed_pipe_is_dropped_and_the_exit_status_still_tells() {
    // `align check | head`: the reader is gone before anything is written.
    let project = Project::new().file(
        "content/pages/a.md",
        "+++\ntitle = \"A\"\n+++\nSee [[missing]] and TODO.\n",
    );
    for (args, code) in [
        (&["check", "--today", "2026-11-23"][..], 1),
        (
            &["check", "--format", "json", "--today", "2026-11-23"][..],
            1,
        ),
        (&["build", "--out", "out", "--today", "2026-11-23"][..], 1),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("align"))
            .args(args)
            .current_dir(project.path())
            .env_remove("RUST_BACKTRACE")
            .stdout(writer.try_clone().unwrap())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn columns_count_characters_and_control_characters_are_not_printed() {
    let project = Project::new()
        .file(
            "content/pages/a.md",
            "+++\ntitle = \"A\"\n+++\nsee [[nope]] and éé [[nope2]]\n",
        )
        .file(
            "content/initiatives/i.md",
            "+++\ntitle = \"I\"\nstatus = \"\\u001b[31mRED\\u0007\"\n+++\n",
        );
    let run = project.build();
    run.expect(1);
    let stderr = run.stderr();
    // The status as written, without the escape sequence a terminal would act on.
    assert!(
        stderr.contains("`\u{fffd}[31mRED\u{fffd}` is not one of"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    // `[[nope2]]` starts at the 21st character of its line (the 23rd byte), and the
    // caret stands under it.
    assert!(
        stderr.contains("content/pages/a.md:4:21: error:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("4 | see [[nope]] and éé [[nope2]]\n  |                     ^"),
        "{stderr}"
    );
}

#[test]
fn an_error_in_a_later_check_in_is_reported_at_its_own_line() {
    let objective = |checkins: &str| {
        format!(
            "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"k\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\n{checkins}+++\n"
        )
    };
    fails_at(
        "content/objectives/o.md",
        &objective(
            "\n[[key_results.checkins]]\ndate = 2026-10-01\nvalue = 1\n\n[[key_results.checkins]]\ndate = 2026-10-08\nconfidance = 0.5\nvalue = 2\n",
        ),
        "content/objectives/o.md:17:1",
        &["key result `k`: check-in #2: unknown field `confidance`: did you mean `confidence`?"],
    );
    fails_at(
        "content/objectives/o.md",
        &objective(
            "checkins = [\n  { date = 2026-10-01, value = 1 },\n  { date = 2026-10-08, value = \"x\" },\n]\n",
        ),
        "content/objectives/o.md:12:1",
        &["key result `k`: check-in #2: field `value`"],
    );
    // A check-in without its value is told at its own table, or its own line.
    fails_at(
        "content/objectives/o.md",
        &objective(
            "\n[[key_results.checkins]]\ndate = 2026-10-01\nvalue = 1\n\n[[key_results.checkins]]\ndate = 2026-10-08\n",
        ),
        "content/objectives/o.md:15:1",
        &["key result `k`: check-in #2: missing field `value`"],
    );
    fails_at(
        "content/objectives/o.md",
        &objective(
            "checkins = [\n  { date = 2026-10-01, value = 1 },\n  { date = 2026-10-08 },\n]\n",
        ),
        "content/objectives/o.md:12:1",
        &["key result `k`: check-in #2: missing field `value`"],
    );
    // A key a key result does not have is unknown, whatever its name (`date`).
    fails_at(
        "content/objectives/o.md",
        &objective("date = 2026-10-15\n"),
        "content/objectives/o.md:10:1",
        &["key result `k`: unknown field `date`, expected one of"],
    );
    // A field before the check-in's date, in the table of the second check-in.
    fails_at(
        "content/objectives/o.md",
        &objective(
            "\n[[key_results.checkins]]\ndate = 2026-10-01\nvalue = 1\n\n[[key_results.checkins]]\nconfidance = 0.5\ndate = 2026-10-08\nvalue = 2\n",
        ),
        "content/objectives/o.md:16:1",
        &["check-in #2: unknown field `confidance`: did you mean `confidence`?"],
    );
    // The same field in the check-in before, where it is right: the error is at the
    // second check-in's own.
    fails_at(
        "content/objectives/o.md",
        &objective(
            "\n[[key_results.checkins]]\ndate = 2026-10-01\nvalue = 1\nconfidence = 0.5\n\n[[key_results.checkins]]\ndate = 2026-10-08\nvalue = 2\nconfidence = \"high\"\n",
        ),
        "content/objectives/o.md:19:1",
        &[
            "key result `k`: check-in #2: field `confidence`",
            "\"high\"",
        ],
    );
}

#[test]
fn a_misspelt_field_of_a_key_result_or_setting_names_the_field_meant() {
    let text = "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"k\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\ndirecion = \"decrease\"\n+++\n";
    let project = Project::new().file("content/objectives/o.md", text);
    let run = project.check();
    run.error_at(
        "content/objectives/o.md:10:1",
        &["field `key_results`: key result `k`: unknown field `direcion`: did you mean `direction`?"],
    );
    // The field is named once, not again before the message.
    assert!(
        !run.stderr().contains(": field `direcion`"),
        "{}",
        run.stderr()
    );
    // Nothing near: the fields there are, as serde lists them.
    let config = format!("colour = \"red\"\n{CONFIG}");
    config_fails_at(
        &config,
        1,
        &["unknown field `colour`, expected one of `title`, `description`"],
    );
}

#[test]
fn a_key_inside_a_multi_line_string_is_not_the_field() {
    fails_at(
        "content/pages/a.md",
        "+++\ntitle = \"t\"\nsummary = \"\"\"\nowner = x\n\"\"\"\n# owner = 1\nowner = \"y\"\n+++\n",
        "content/pages/a.md:7:1",
        &["unknown field `owner`"],
    );
}

#[test]
fn an_id_that_is_a_decisions_cited_name_is_a_duplicate() {
    // `[[ADR-7]]` would reach the page, `[[ADR-0007]]` the decision.
    let project = Project::new()
        .file(
            "content/pages/p.md",
            "+++\ntitle = \"P\"\nid = \"ADR-7\"\n+++\n",
        )
        .file(
            "content/decisions/0007-use-queues.md",
            "+++\ntitle = \"Use queues\"\nnumber = 7\nstatus = \"accepted\"\ndate = 2026-10-01\n+++\n",
        );
    // Told at the id to change, the page's.
    project.build().expect(1).error_at(
        "content/pages/p.md:3:1",
        &[
            "id `ADR-7` is how decision 7 (",
            "give this document another id",
            "[duplicate-id]",
        ],
    );
}

#[test]
fn a_decision_whose_id_cites_its_own_number_takes_both_spellings_of_it() {
    // An imported record of the same number beside it: both spellings of the citation
    // lead to the decision whose id says it, and the two numbers are a warning.
    let project = Project::new()
        .file(
            "content/decisions/0002-use-postgres.md",
            "+++\nid = \"ADR-0002\"\ntitle = \"Use PostgreSQL\"\nstatus = \"accepted\"\ndate = 2026-10-01\n+++\n",
        )
        .file(
            "content/decisions/madr/0002-no-numbers-in-headings.md",
            "# No numbers in headings\n\n## Status\n\nAccepted\n",
        )
        .file(
            "content/pages/p.md",
            "+++\ntitle = \"P\"\n+++\nA [[ADR-2]] B [[ADR-0002]] C [[ADR 2]]\n",
        );
    let run = project.build();
    run.success();
    assert!(
        run.warnings().iter().any(|w| w.contains(
            "records `decisions/0002-use-postgres` and `decisions/madr/0002-no-numbers-in-headings` are both decision 2"
        ) && w.ends_with("[duplicate-number]")),
        "{:?}",
        run.warnings()
    );
    let page = project.site("team").main("pages/p.html");
    assert_eq!(
        page.matches("href=\"../decisions/0002-use-postgres.html\"")
            .count(),
        3,
        "{page}"
    );
}

#[test]
fn a_kind_or_slip_written_wrong_says_what_was_found_and_what_is_missing() {
    fails_at(
        "content/pages/p.md",
        "+++\ntitle = \"P\"\nkind = 1.5\n+++\n",
        "content/pages/p.md:3:1",
        &["field `kind`: expected a string, found 1.5: write one of strategy,"],
    );
    let initiative = "+++\ntitle = \"I\"\nstart = 2026-10-01\ntarget = 2026-12-01\ntarget_history = [{ target = 2026-11-01 }]\n+++\n";
    let message = fails_at(
        "content/initiatives/i.md",
        initiative,
        "content/initiatives/i.md:5:1",
        &["field `target_history`: slip #1: missing field `date`"],
    );
    assert!(!message.contains("field ``"), "{message}");
}

#[test]
fn an_empty_audience_is_a_warning_that_no_site_shows_the_document() {
    let project = Project::new().file(
        "content/pages/p.md",
        "+++\ntitle = \"P\"\naudience = []\n+++\nText.\n",
    );
    let run = project.build();
    run.success();
    let warnings = run.warnings();
    assert!(
        warnings.iter().any(|w| w.contains(
            "content/pages/p.md:3:1: warning: the `audience` of `pages/p` (P) is empty, so no site shows it [unknown-audience]"
        )),
        "{warnings:?}"
    );
    for site in common::SITES {
        assert!(!project.site(site).exists("pages/p.html"), "{site}");
    }
}

#[test]
fn a_check_in_date_that_is_no_date_is_quoted() {
    let text = "+++\ntitle = \"O\"\nperiod = \"2026-Q4\"\n\n[[key_results]]\nid = \"k\"\ntitle = \"K\"\nbaseline = 0\ntarget = 10\n\n[[key_results.checkins]]\ndate = \"x\"\nvalue = 1\n+++\n";
    fails_at(
        "content/objectives/o.md",
        text,
        "content/objectives/o.md:12:1",
        &["field `date`: `x` is not a date (dates are YYYY-MM-DD)"],
    );
}

/// A build that errors stop says the findings `check` says, in its order: by file and
/// line, errors and warnings together.
#[test]
fn a_failed_build_says_the_findings_in_check_s_order() {
    let project = Project::new()
        .file(
            "content/changes/c.md",
            "+++\ntitle = \"C\"\ncategory = \"bugfix\"\nrelease = \"R-1\"\n+++\n",
        )
        .file(
            "content/releases/r.md",
            "+++\nid = \"R-1\"\ntitle = \"R\"\nversion = \"1.0.0\"\nstatus = \"released\"\ndate = 2026-01-01\n+++\n",
        )
        .file(
            "content/initiatives/i.md",
            "+++\ntitle = \"I\"\nstart = 2026-13-01\n+++\n",
        );
    let headlines = |run: &common::Run| -> Vec<String> {
        let mut lines: Vec<String> = run.errors();
        lines.extend(run.warnings());
        let stderr = run.stderr();
        lines.sort_by_key(|line| stderr.find(line.as_str()));
        lines
    };
    let check = project.check();
    check.expect(1);
    let build = project.build();
    build.expect(1);
    assert!(headlines(&check).len() >= 2, "{}", check.stderr());
    assert_eq!(headlines(&build), headlines(&check), "{}", build.stderr());
    assert!(
        build
            .stderr()
            .ends_with("nothing was written, and any earlier output is as it was\n"),
        "{}",
        build.stderr()
    );
}

/// A date's mistakes in the words of dates: the kind of value a date field wants, a day
/// the calendar does not have, and the article of the kind that has no such field.
#[test]
fn a_date_s_mistakes_are_said_as_dates() {
    for (text, words) in [
        (
            "+++\ntitle = \"I\"\nstart = 20261001\n+++\n",
            "field `start`: expected a date such as 2026-10-01, found a number",
        ),
        (
            "+++\ntitle = \"I\"\nstart = \"2026-02-30\"\n+++\n",
            "`2026-02-30` is no day of the calendar: February 2026 has 28 days",
        ),
        (
            "---\ntitle: I\nstart: 2028-02-30\n---\n",
            "`2028-02-30` is no day of the calendar: February 2028 has 29 days",
        ),
        (
            "+++\ntitle = \"I\"\nperiod = \"2026-Q4\"\n+++\n",
            "unknown field `period` for an initiative: `period` is a field of objective documents",
        ),
        (
            "+++\ntitle = \"I\"\nid = \"\"\n+++\n",
            "an id cannot be empty",
        ),
    ] {
        fails_at(
            "content/initiatives/i.md",
            text,
            "content/initiatives/i.md:3",
            &[words],
        );
    }
    let project = Project::new();
    let run = project.run(&["check", "--today", "2026-02-29"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains("--today `2026-02-29` is no day of the calendar: February 2026 has 28 days"),
        "{}",
        run.stderr()
    );
}

/// `align.toml` read as a document is: a byte that is no UTF-8 is said where it is; a
/// folder that is not there is said so; a negative whole number in words.
#[test]
fn align_toml_s_own_mistakes_are_said_where_they_are() {
    let project = Project::new();
    let config = format!("{}\n# caf\u{e9}\n", common::CONFIG).replace('\u{e9}', "");
    let mut bytes = config.into_bytes();
    bytes.insert(bytes.len() - 1, 0xE9);
    project.write("align.toml", &bytes);
    let lines = common::CONFIG.lines().count() + 2;
    let run = project.check();
    run.expect(2);
    run.error_at(
        &format!("align.toml:{lines}:6"),
        &["align.toml is not valid UTF-8 here: save it as UTF-8"],
    );
    let missing = project.path().join("nowhere");
    let run = project.run(&["check", missing.to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains(&format!("there is no folder {}", missing.display())),
        "{}",
        run.stderr()
    );
    project.write(
        "align.toml",
        format!("{}\n[check]\nstale_after_days = -5\n", common::CONFIG),
    );
    let run = project.check();
    run.expect(2);
    assert!(
        run.stderr()
            .contains("expected a whole number from 0 to 4294967295, found the number -5"),
        "{}",
        run.stderr()
    );
    // Too large, it says the bound it passed.
    project.write(
        "align.toml",
        format!(
            "{}\n[check]\nstale_after_days = 4294967296\n",
            common::CONFIG
        ),
    );
    let run = project.check();
    run.expect(2);
    assert!(
        run.stderr()
            .contains("expected a whole number from 0 to 4294967295, found the number 4294967296"),
        "{}",
        run.stderr()
    );
}

/// A key or a table written twice in `align.toml` is named, as in a frontmatter.
#[test]
fn a_key_written_twice_in_align_toml_is_named() {
    let project = Project::new().config(&format!(
        "{}\n[sites.team]\ntitle = \"Again\"\n",
        common::CONFIG
    ));
    let run = project.check();
    run.expect(2);
    assert!(
        run.stderr()
            .contains("error: duplicate key `team`: it is written twice here; keep one"),
        "{}",
        run.stderr()
    );
}

/// One mistake is said once, at its file: a file that is not UTF-8, or key results that
/// cannot be read at all, do not also make every link to them a broken one.
#[test]
fn an_unreadable_file_or_field_is_said_once_not_at_every_link() {
    let project = Project::new()
        .file(
            "content/objectives/o.md",
            "+++\nid = \"O-1\"\ntitle = \"O\"\nkey_results = 5\n+++\n",
        )
        .file(
            "content/initiatives/a.md",
            "+++\ntitle = \"A\"\ndrives = [\"O-1#kr1\"]\n+++\nSee [[O-1#kr2]] and [[I-B]].\n",
        );
    let mut bad = b"+++\nid = \"I-B\"\ntitle = \"B\"\n+++\ncaf".to_vec();
    bad.extend([0xE9, b'\n']);
    project.write("content/initiatives/b.md", &bad);
    let run = project.check();
    run.expect(1);
    assert_eq!(run.errors().len(), 2, "{}", run.stderr());
    run.error_at("content/objectives/o.md:4", &["key_results"]);
    run.error_at(
        "content/initiatives/b.md:5:4",
        &["file is not valid UTF-8 here: save it as UTF-8"],
    );
}

#[test]
fn serving_a_folder_that_is_not_there_says_so_before_any_address() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("align"))
        .args(["serve", "-p", "0"])
        .arg(&missing)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stdout.contains("serving at"), "{stdout}");
    assert!(
        stderr.contains(&format!("there is no folder {}", missing.display())),
        "{stderr}"
    );
}

#[test]
fn serving_a_folder_without_align_toml_exits_as_build_does() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("align"))
            .args(args)
            .arg(dir.path())
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap()
    };
    let (serve, build) = (run(&["serve", "-p", "0"]), run(&["build"]));
    assert_eq!(serve.status.code(), Some(2));
    assert_eq!(build.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&serve.stdout);
    assert!(!stdout.contains("serving at"), "{stdout}");
    let stderr = String::from_utf8_lossy(&serve.stderr);
    assert!(
        stderr.contains("has no align.toml, so it is not an align project"),
        "{stderr}"
    );
    assert_eq!(stderr, String::from_utf8_lossy(&build.stderr));
}
