//! The output tree: identical input and date give identical bytes, a failed build changes
//! nothing, `--out` never lands on work it could destroy, `--site` builds only what is
//! named, and pages of deleted documents go away.

mod common;

use common::{Project, TODAY, snapshot};

/// A small project whose exec roadmap depends on the date (a target in the past is a risk).
fn project() -> Project {
    Project::new()
        .file(
            "content/objectives/growth.md",
            "+++\nid = \"O-1\"\ntitle = \"Grow\"\nperiod = \"2026-Q4\"\nstatus = \"active\"\naudience = [\"team\", \"public\"]\n\n[[key_results]]\nid = \"kr1\"\ntitle = \"Users\"\nbaseline = 0\ntarget = 100\ncurrent = 40\n+++\n## Plan\n",
        )
        .file(
            "content/initiatives/onboarding.md",
            "+++\ntitle = \"Onboarding\"\nstatus = \"in-progress\"\nhorizon = \"now\"\nstart = 2026-10-01\ntarget = 2026-12-15\ndrives = [\"O-1#kr1\"]\nextra = { squad = \"b\", epic = \"PLAT-1\", tier = 2, region = \"eu\", budget = 3, pilot = \"yes\" }\n+++\nSee [[O-1#plan]].\n",
        )
        .file(
            "content/releases/2-0.md",
            "+++\ntitle = \"2.0\"\nversion = \"2.0\"\nstatus = \"released\"\ndate = 2026-11-02\naudience = [\"public\", \"team\"]\n+++\n",
        )
        .file(
            "content/changes/faster.md",
            "+++\ntitle = \"Faster search\"\ncategory = \"changed\"\nrelease = \"releases/2-0\"\naudience = [\"public\", \"team\"]\n+++\n",
        )
        .file("content/pages/handbook.md", "# Handbook\n\nHow we work.\n")
}

fn same_tree(a: &std::path::Path, b: &std::path::Path) {
    let (a, b) = (snapshot(a), snapshot(b));
    let names =
        |s: &[(std::path::PathBuf, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the same files");
    for ((name, one), (_, two)) in a.iter().zip(&b) {
        assert!(one == two, "{} differs", name.display());
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let p = project();
    p.build_into("one").success();
    p.build_into("two").success();
    same_tree(&p.path().join("one"), &p.path().join("two"));
    // Fields a template walks as a map come in one order, whatever the process's hash
    // seed (six fields in a random order would differ between two builds almost always).
    let page = p.site_in("one", "team").read("initiatives/onboarding.html");
    let at = |key: &str| page.find(&format!("<dt>{key}</dt>")).expect(key);
    let keys = ["budget", "epic", "pilot", "region", "squad", "tier"];
    assert!(keys.windows(2).all(|w| at(w[0]) < at(w[1])), "{page}");
}

/// The `shadowed-static-file` warnings of a run, sorted.
fn shadowed(run: &common::Run) -> Vec<String> {
    let mut shadowed: Vec<String> = run
        .warnings()
        .into_iter()
        .filter(|w| w.contains("[shadowed-static-file]"))
        .collect();
    shadowed.sort();
    shadowed
}

#[test]
fn a_static_file_where_the_site_writes_its_own_is_left_out() {
    let p = project()
        .file("static/roadmap.html", "<p>mine</p>\n")
        .file("static/robots.txt", "User-agent: *\nAllow: /\n")
        .file("static/pages/handbook.html", "<p>my handbook</p>\n")
        .file("static/files/handbook.pdf", "%PDF-1.4\n")
        .file("static/assets/extra.css", "body { color: teal; }\n")
        .file(
            "content/pages/links.md",
            "# Links\n\n[The plan](plan.pdf) and ![the flow](img/flow.svg)\n",
        )
        .file("content/pages/plan.pdf", "%PDF linked\n")
        .file("static/pages/plan.pdf", "%PDF static\n")
        .file("content/pages/img/flow.svg", "<svg/>\n")
        .file(
            "static/pages/img/flow.svg/notes.txt",
            "under a linked file\n",
        );
    // Both ways every time: rendered in parallel, which came last would be chance.
    for out in ["one", "two", "three"] {
        let built = p.build_into(out);
        built.success();
        let shadowed = shadowed(&built);
        assert_eq!(shadowed.len(), 5, "{shadowed:#?}");
        let expected = [
            "`static/pages/handbook.html` is not copied: it is the page of `pages/handbook` (Handbook) on the sites that show it",
            "`static/pages/img/flow.svg/notes.txt` is not copied: `pages/links` links to `content/pages/img/flow.svg`, which the sites that show it publish there (a file where this needs a folder)",
            "`static/pages/plan.pdf` is not copied: `pages/links` links to `content/pages/plan.pdf`",
            "`static/roadmap.html` is not copied: every site writes `roadmap.html` itself",
            "`static/robots.txt` is not copied: every site writes `robots.txt` itself",
        ];
        for (found, expected) in shadowed.iter().zip(expected) {
            assert!(found.contains(expected), "{shadowed:#?}");
        }
        let site = p.site_in(out, "team");
        assert!(site.read("roadmap.html").contains("<h1>Roadmap</h1>"));
        assert!(
            site.read("robots.txt").contains("Disallow: /"),
            "the site's own"
        );
        assert!(site.read("pages/handbook.html").contains("How we work."));
        assert_eq!(site.read("files/handbook.pdf"), "%PDF-1.4\n");
        assert_eq!(site.read("assets/extra.css"), "body { color: teal; }\n");
        assert_eq!(site.read("pages/plan.pdf"), "%PDF linked\n");
        assert_eq!(site.read("pages/img/flow.svg"), "<svg/>\n");
    }
    same_tree(&p.path().join("one"), &p.path().join("three"));
}

#[test]
fn a_path_from_the_root_leads_from_the_site_s_root_at_any_depth() {
    // The site may be published under any path (`https://plans.example/team/`), so
    // `/img/logo.svg` is made relative to each page.
    let p = project().file("static/img/logo.svg", "<svg/>\n").file(
        "content/pages/teams/guide.md",
        "# Guide\n\n![Logo](/img/logo.svg) [Home](/) [Handbook](/pages/handbook.md)\n",
    );
    p.build().success();
    let site = p.site("team");
    let page = site.main("pages/teams/guide.html");
    assert!(
        page.contains("<img src=\"../../img/logo.svg\" alt=\"Logo\" />"),
        "{page}"
    );
    // The home's file, which a server sends for the folder and a browser opens from disk.
    assert!(
        page.contains("<a href=\"../../index.html\">Home</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"../../pages/handbook.html\">Handbook</a>"),
        "{page}"
    );
    // Where the page's address and the relative path lead.
    assert_eq!(site.read("img/logo.svg"), "<svg/>\n");
}

/// `..` at the root stays there, as a browser resolves `/../x`: a link made relative to
/// the page never leads above the site's folder, into whatever is published beside it.
#[test]
fn a_path_from_the_root_never_leads_above_the_site() {
    let p = project().file("static/logo.svg", "<svg/>\n").file(
        "content/pages/teams/guide.md",
        "# Guide\n\n[a](/../../logo.svg) [b](/%2E%2e/./logo.svg#top) [c](/pages/..) [d](/../x) [e](/../../pages/teams/guide.md)\n",
    );
    let check = p.check();
    check.success();
    let warnings = check.warnings();
    assert!(
        warnings.len() == 1 && warnings[0].contains("missing file `/../x`"),
        "{}",
        check.stderr()
    );
    p.build().success();
    let page = p.site("team").main("pages/teams/guide.html");
    assert!(
        page.contains(r#"<a href="../../logo.svg">a</a> <a href="../../logo.svg#top">b</a> <a href="../../index.html">c</a> <a href="../../x">d</a> <a href="../../pages/teams/guide.html">e</a>"#),
        "{page}"
    );
}

#[test]
fn a_page_template_prints_the_body_with_or_without_safe() {
    // The body is HTML marked safe: the default theme prints `{{ body }}`, a project's
    // template written with `| safe` gets the same, and `| escape_html | safe` shows its
    // source.
    let p = project().file(
        "content/pages/notes.md",
        "# Notes\n\nSome *emphasis* & more.\n",
    );
    for (template, expected) in [
        (
            "<main>{{ body }}</main>",
            "<main><p>Some <em>emphasis</em> &amp; more.</p>\n</main>",
        ),
        (
            "<main>{{ body | safe }}</main>",
            "<main><p>Some <em>emphasis</em> &amp; more.</p>\n</main>",
        ),
        (
            "<main>{{ body | escape_html | safe }}</main>",
            "<main>&lt;p&gt;Some &lt;em&gt;emphasis&lt;/em&gt; &amp;amp; more.&lt;/p&gt;\n</main>",
        ),
    ] {
        p.write("templates/page.html", template);
        p.build().success();
        assert_eq!(
            p.site("team").read("pages/notes.html"),
            expected,
            "{template}"
        );
    }
}

#[test]
fn a_static_file_where_the_site_writes_a_file_or_a_folder_is_left_out() {
    let p = project()
        .file("static/index.html/a.txt", "under the home page\n")
        .file("static/pages/handbook.html/b.txt", "under a page\n")
        .file("static/initiatives", "a file where pages go\n")
        .file("static/lists", "a file where lists go\n")
        .file(
            "static/pages/img",
            "a file where a linked file's folder goes\n",
        )
        .file(
            "content/pages/diagrams.md",
            "# Diagrams\n\n![The flow](img/flow.svg)\n",
        )
        .file(
            "content/pages/img/flow.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        )
        .file("static/files/c.txt", "fine\n");
    let built = p.build();
    built.success();
    let shadowed = shadowed(&built);
    let expected = [
        "`static/index.html/a.txt` is not copied: every site writes `index.html` itself, a file where this needs a folder",
        "`static/initiatives` is not copied: the sites that show `initiatives/onboarding` (Onboarding) write its page into a folder `initiatives`",
        "`static/lists` is not copied: every site writes its own files into `lists/`",
        "`static/pages/handbook.html/b.txt` is not copied: it goes under the page of `pages/handbook` (Handbook) on the sites that show it (`pages/handbook.html`), a file where this needs a folder",
        "`static/pages/img` is not copied: `pages/diagrams` links to a file under `content/pages/img/`, which the sites that show it publish there",
    ];
    assert_eq!(shadowed.len(), expected.len(), "{shadowed:#?}");
    for (found, expected) in shadowed.iter().zip(expected) {
        assert!(found.contains(expected), "{found}\n{expected}");
    }
    let site = p.site("team");
    assert!(site.read("index.html").contains("<html"));
    assert!(
        site.read("initiatives/onboarding.html")
            .contains("Onboarding")
    );
    assert!(site.read("lists/index.html").contains("<html"));
    assert!(site.read("pages/img/flow.svg").contains("<svg"));
    assert_eq!(site.read("files/c.txt"), "fine\n");
}

#[test]
fn source_date_epoch_stands_for_today() {
    let p = project();
    p.build_into("flag").success();
    p.run_with_env(
        &["build", "--out", "epoch"],
        &[("SOURCE_DATE_EPOCH", "1795435200")],
    )
    .success();
    same_tree(&p.path().join("flag"), &p.path().join("epoch"));
    p.run(&["build", "--out", "later", "--today", "2027-03-01"])
        .success();
    let roadmap = |out: &str| p.site_in(out, "exec").read("roadmap.html");
    assert_ne!(
        roadmap("flag"),
        roadmap("later"),
        "the roadmap depends on the date"
    );
    assert!(roadmap("later").contains("past its target date"));
}

#[test]
fn an_empty_source_date_epoch_counts_as_unset_and_a_bad_one_is_a_usage_error() {
    let p = project();
    // Without `--today` and with the variable empty, today is the clock's: the build runs.
    let empty = p.run_with_env(&["build", "--out", "empty"], &[("SOURCE_DATE_EPOCH", " ")]);
    empty.success();
    assert!(p.path().join("empty/exec/roadmap.html").is_file());
    let bad = p.run_with_env(&["build", "--out", "bad"], &[("SOURCE_DATE_EPOCH", "soon")]);
    assert_eq!(bad.code(), 2, "{}", bad.stderr());
    assert!(
        bad.stderr()
            .contains("SOURCE_DATE_EPOCH `soon` is not a number of seconds"),
        "{}",
        bad.stderr()
    );
    assert!(!p.path().join("bad").exists());
    // A number of seconds that names no day `--today` could: said in the tool's words.
    for seconds in [
        "253402300800",
        "-62135596801",
        "99999999999999999",
        "99999999999999999999",
        "-99999999999999999999",
    ] {
        let far = p.run_with_env(
            &["build", "--out", "far"],
            &[("SOURCE_DATE_EPOCH", seconds)],
        );
        assert_eq!(far.code(), 2, "{seconds}: {}", far.stderr());
        assert!(
            far.stderr().contains(&format!(
                "SOURCE_DATE_EPOCH `{seconds}` is out of range: it is a number of seconds from -62135596800 (0001-01-01) to 253402300799 (9999-12-31)"
            )),
            "{}",
            far.stderr()
        );
        assert!(!far.stderr().contains("parameter"), "{}", far.stderr());
    }
    // The last second of 9999-12-31 is that day, as `--today 9999-12-31` is.
    let last = p.run_with_env(
        &["build", "--out", "last"],
        &[("SOURCE_DATE_EPOCH", "253402300799")],
    );
    assert_eq!(last.code(), 0, "{}", last.stderr());
    // `--today` names the same days, from the first of year 1.
    let zero = p.run(&["build", "--out", "zero", "--today", "0000-01-01"]);
    assert_eq!(zero.code(), 2, "{}", zero.stderr());
    assert!(
        zero.stderr().contains(
            "--today `0000-01-01` is out of range: it is a day from 0001-01-01 to 9999-12-31"
        ),
        "{}",
        zero.stderr()
    );
    assert!(!p.path().join("zero").exists());
    p.run(&["build", "--out", "first", "--today", "0001-01-01"])
        .success();
}

#[test]
fn quiet_and_verbose_together_are_a_usage_error() {
    let p = project();
    for args in [
        &["build", "--out", "out", "-q", "-v"][..],
        &["-q", "build", "--out", "out", "-v"],
        &["--verbose", "build", "--quiet", "--out", "out"],
    ] {
        let run = p.run(args);
        assert_eq!(run.code(), 2, "{args:?}");
        assert!(
            run.stderr().contains("cannot be used together"),
            "{}",
            run.stderr()
        );
        assert!(!p.path().join("out").exists());
    }
}

#[test]
fn output_does_not_depend_on_where_the_project_is() {
    let p = project();
    p.build_into("relative").success();
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = p.path().to_str().unwrap();
    let out = p.path().join("absolute");
    p.run_in(
        elsewhere.path(),
        &[
            "build",
            dir,
            "--out",
            out.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    )
    .success();
    same_tree(&p.path().join("relative"), &out);
    for site in common::SITES {
        p.site_in("relative", site).assert_nowhere(dir);
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    let before = snapshot(&out);
    p.write(
        "content/initiatives/onboarding.md",
        "+++\ntitle = \"Onboarding\"\nstatus = \"someday\"\n+++\n",
    );
    p.write("content/pages/new.md", "+++\ntitle = \"New\"\n+++\n");
    p.build().expect(1);
    assert!(snapshot(&out) == before, "the output changed");
}

/// A build stopped (Ctrl-C, a killed job) after moving two sites aside and the new exec
/// site in, before the new public site.
fn stop_while_swapping(out: &std::path::Path) {
    std::fs::rename(out.join("exec"), out.join(".align-old-exec")).unwrap();
    std::fs::rename(out.join("public"), out.join(".align-old-public")).unwrap();
    std::fs::create_dir(out.join("exec")).unwrap();
    std::fs::write(out.join("exec/.align-site"), "").unwrap();
    std::fs::write(out.join("exec/index.html"), "half of a build").unwrap();
}

#[test]
fn a_build_after_one_stopped_while_swapping_puts_the_last_sites_back_even_when_it_fails() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    let before = snapshot(&out);
    stop_while_swapping(&out);
    // The next build fails on its content, and says the output is as it was: it is.
    p.write(
        "content/initiatives/onboarding.md",
        "+++\ntitle = \"Onboarding\"\nstatus = \"someday\"\n+++\n",
    );
    let failed = p.build();
    failed.expect(1);
    assert!(failed.stderr().contains("any earlier output is as it was"));
    assert!(snapshot(&out) == before, "the last build's sites are back");
    // So does one that fails on `align.toml`, or on a site it does not have.
    let config = std::fs::read_to_string(p.path().join("align.toml")).unwrap();
    for (config, site) in [("[sites.team\n", None), (config.as_str(), Some("nope"))] {
        stop_while_swapping(&out);
        p.write("align.toml", config);
        let mut args = vec!["build", ".", "--out", "out"];
        args.extend(site.map(|site| ["--site", site]).into_iter().flatten());
        p.run(&args).expect(2);
        assert!(
            snapshot(&out) == before,
            "{site:?}: the last build's sites are back"
        );
    }
}

#[test]
fn hidden_static_files_are_left_out_but_those_hosts_read() {
    let p = project()
        .file(
            "static/.well-known/security.txt",
            "Contact: mailto:security@example.com\n",
        )
        .file("static/.nojekyll", "")
        .file("static/.DS_Store", "junk")
        .file("static/.git/config", "[core]\n")
        .file("static/img/.gitkeep", "");
    p.build().success();
    let files = p.site("public").files();
    assert!(
        files.contains(&".well-known/security.txt".to_string()),
        "{files:?}"
    );
    assert!(files.contains(&".nojekyll".to_string()), "{files:?}");
    for left_out in [".DS_Store", ".git/config", "img/.gitkeep"] {
        assert!(
            !files.contains(&left_out.to_string()),
            "{left_out}: {files:?}"
        );
    }
}

#[test]
fn out_may_not_be_the_project_its_content_or_a_folder_holding_them() {
    let p = project();
    let project_dir = p.path().to_str().unwrap().to_string();
    let before = snapshot(p.path());
    // A content warning the project has is not said: the folder is refused first.
    p.write(
        "content/initiatives/orphan.md",
        "+++\ntitle = \"Orphan\"\n+++\n",
    );
    // A folder still to be made and `..` after it lead where `mkdir -p` would.
    let via_new = format!("{project_dir}/new/../content");
    for out in [
        ".",
        "content",
        "content/pages",
        "..",
        project_dir.as_str(),
        "new/../content",
        "new/../x/../content/sub",
        "content/./new/../../content",
        via_new.as_str(),
    ] {
        let run = p.run(&["build", "--out", out, "--today", TODAY]);
        run.expect(2);
        assert!(run.stderr().contains("refusing"), "{out}: {}", run.stderr());
        assert!(
            run.warnings().is_empty() && run.errors().is_empty(),
            "{out}: {}",
            run.stderr()
        );
    }
    p.remove("content/initiatives/orphan.md");
    assert!(
        snapshot(p.path()) == before,
        "nothing in the project was written"
    );
    assert!(!p.path().parent().unwrap().join(".align-output").exists());
}

#[test]
fn out_may_not_be_a_foreign_folder_and_its_files_survive() {
    let p = project()
        .file("site/index.html", "hand-written")
        .file("site/css/a.css", "x");
    let before = snapshot(&p.path().join("site"));
    let run = p.build_into("site");
    run.expect(2);
    assert!(
        run.stderr().contains("was not made by align"),
        "{}",
        run.stderr()
    );
    assert!(snapshot(&p.path().join("site")) == before);
}

#[test]
fn an_empty_folder_becomes_an_output_and_is_marked() {
    let p = project();
    std::fs::create_dir(p.path().join("empty")).unwrap();
    p.build_into("empty").success();
    assert!(p.path().join("empty/.align-output").is_file());
    for site in common::SITES {
        assert!(p.site_in("empty", site).exists(".align-site"), "{site}");
        assert!(p.site_in("empty", site).exists("index.html"), "{site}");
    }
}

#[test]
fn a_foreign_folder_inside_the_output_is_never_replaced() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    std::fs::remove_dir_all(out.join("team")).unwrap();
    p.write("out/team/keep.txt", "mine");
    let before = snapshot(&out);
    let run = p.build();
    run.expect(2);
    assert!(run.stderr().contains("refusing"), "{}", run.stderr());
    assert!(snapshot(&out) == before, "no site was replaced");
}

#[cfg(unix)]
#[test]
fn a_site_folder_that_is_a_link_is_refused_and_what_it_leads_to_survives() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    // A web root made by copying a built site, marker and all, linked in as the site.
    let www = p.path().join("www");
    std::fs::rename(out.join("team"), &www).unwrap();
    p.write("www/uploads.txt", "keep");
    std::os::unix::fs::symlink(&www, out.join("team")).unwrap();
    let (before, linked) = (snapshot(&out), snapshot(&www));
    let run = p.build();
    run.expect(2);
    assert!(run.stderr().contains("symbolic link"), "{}", run.stderr());
    assert!(
        snapshot(&www) == linked,
        "nothing behind the link was touched"
    );
    assert!(snapshot(&out) == before, "the output is as it was");
    assert!(out.join("team").is_symlink());
}

/// An output folder linked to one not made yet is said to be so, for `out` itself and
/// for a folder above it; nothing is made behind the link.
#[cfg(unix)]
#[test]
fn an_output_linked_to_a_folder_not_made_yet_is_said_to_be_so() {
    let p = project();
    let www = p.path().join("www");
    std::os::unix::fs::symlink(&www, p.path().join("out")).unwrap();
    for out in ["out", "out/docs"] {
        let run = p.build_into(out);
        run.expect(2);
        let stderr = run.stderr();
        assert!(
            stderr.contains(&format!(
                "is a symbolic link to {}, which does not exist",
                www.display()
            )),
            "{out}: {stderr}"
        );
        assert!(!stderr.contains("File exists"), "{stderr}");
        assert!(!www.exists());
    }
}

#[test]
fn a_site_folder_that_is_a_file_is_named_in_the_error() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    std::fs::remove_dir_all(out.join("team")).unwrap();
    p.write("out/team", "not a folder");
    let before = snapshot(&out);
    let run = p.build();
    run.expect(2);
    assert!(
        run.stderr().contains("out/team: it is a file"),
        "{}",
        run.stderr()
    );
    assert!(snapshot(&out) == before);
}

#[test]
fn a_build_into_a_folder_another_build_holds_waits_its_turn() {
    let p = project();
    p.build().success();
    // What a build into `out` holds while it runs.
    // `--quiet` waits as long, and says nothing of it.
    for quiet in [false, true] {
        let held = std::fs::OpenOptions::new()
            .write(true)
            .open(p.path().join("out/.align-output"))
            .unwrap();
        held.lock().unwrap();
        let mut args = vec!["build", "--out", "out", "--today", TODAY];
        if quiet {
            args.push("--quiet");
        }
        let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_align"))
            .args(&args)
            .current_dir(p.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        assert!(second.try_wait().unwrap().is_none(), "it waits");
        drop(held);
        let output = second.wait_with_output().unwrap();
        assert!(output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.contains("waiting for another build into out to finish"),
            !quiet,
            "{stderr}"
        );
        if quiet {
            assert!(stderr.is_empty(), "{stderr}");
        }
    }
}

#[test]
fn a_stopped_build_s_temporary_folders_go_with_the_next_build() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    // What a build stopped by Ctrl-C leaves: a half-written site beside the finished ones.
    p.write("out/.align-tmp-team-Ab12Cd/index.html", "half");
    p.write("out/.align-tmp-exec-Zz99Yy/roadmap.html", "half");
    p.build().success();
    assert_eq!(
        align_entries(&out),
        [".align-output"],
        "only the output's marker is left"
    );
}

/// The names in an output folder that align gives its own files and folders
/// (`.align-output`, `.align-tmp-…`), in the folder's order.
fn align_entries(out: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".align-"))
        .collect()
}

#[test]
fn out_may_not_be_a_folder_the_build_reads() {
    for folder in ["static", "templates"] {
        let p = project().file(
            "content/pages/board.md",
            "+++\ntitle = \"CANARY-EXEC-7f3a\"\naudience = [\"exec\"]\n+++\n",
        );
        let first = p.build_into(folder);
        if first.code() == 2 {
            continue;
        }
        first.success();
        p.build_into(folder);
        p.site_in(folder, "public")
            .assert_nowhere("CANARY-EXEC-7f3a");
        panic!("--out {folder} was accepted");
    }
    // `content/` a link to a folder of the project: neither name takes the output.
    let p = project();
    std::fs::rename(p.path().join("content"), p.path().join("plans")).unwrap();
    std::os::unix::fs::symlink("plans", p.path().join("content")).unwrap();
    let before = snapshot(p.path());
    for out in ["plans/x", "new/../plans/x", "content/x", "plans"] {
        let run = p.run(&["build", "--out", out, "--today", TODAY]);
        run.expect(2);
        assert!(run.stderr().contains("refusing"), "{out}: {}", run.stderr());
    }
    assert!(
        snapshot(p.path()) == before,
        "nothing in the project was written"
    );
}

#[test]
fn site_flag_builds_only_the_named_sites() {
    let p = project();
    p.run(&["build", "--out", "out", "--site", "team", "--today", TODAY])
        .success();
    assert!(p.site("team").exists("index.html"));
    assert!(!p.path().join("out/exec").exists());
    assert!(!p.path().join("out/public").exists());
    p.run(&[
        "build", "--out", "two", "--site", "team", "--site", "public", "--today", TODAY,
    ])
    .success();
    assert!(p.site_in("two", "team").exists("index.html"));
    assert!(p.site_in("two", "public").exists("index.html"));
    assert!(!p.path().join("two/exec").exists());
}

#[test]
fn site_flag_leaves_the_other_sites_as_they_were() {
    let p = project();
    p.build().success();
    let exec = snapshot(&p.path().join("out/exec"));
    p.write(
        "content/pages/handbook.md",
        "# Handbook\n\nHow we work now.\n",
    );
    p.run(&["build", "--out", "out", "--site", "team", "--today", TODAY])
        .success();
    assert!(
        p.site("team")
            .read("pages/handbook.html")
            .contains("How we work now.")
    );
    assert!(snapshot(&p.path().join("out/exec")) == exec);
}

#[test]
fn pages_of_deleted_documents_are_removed() {
    let p = project().file("content/pages/old-news.md", "# Old news\n\nGone soon.\n");
    p.build().success();
    assert!(p.site("team").exists("pages/old-news.html"));
    p.remove("content/pages/old-news.md");
    p.build().success();
    for site in common::SITES {
        let site = p.site(site);
        assert!(!site.exists("pages/old-news.html"));
        site.assert_nowhere("old-news");
    }
    assert!(p.site("team").exists("pages/handbook.html"));
}

#[test]
fn the_default_output_is_public_in_the_project() {
    let p = project();
    p.run(&["build", "--today", TODAY]).success();
    assert!(p.path().join("public/.align-output").is_file());
    assert!(p.site_in("public", "exec").exists("index.html"));
    let parent = p.path().parent().unwrap();
    let name = p.path().file_name().unwrap().to_str().unwrap();
    p.run_in(parent, &["build", name, "--today", TODAY])
        .success();
    assert!(p.site_in("public", "team").exists("index.html"));
}

#[test]
fn check_writes_nothing() {
    let p = project();
    let before = snapshot(p.path());
    p.check().success();
    assert!(snapshot(p.path()) == before);
}

#[test]
fn every_site_has_its_markers_and_site_files() {
    let p = project();
    p.build().success();
    assert!(p.path().join("out/.align-output").is_file());
    for name in common::SITES {
        let site = p.site(name);
        for file in [
            ".align-site",
            "index.html",
            "404.html",
            "search-index.json",
            "graph.json",
            "sitemap.xml",
            "robots.txt",
            "feed.xml",
            "lists/index.html",
            "assets/style.css",
            "assets/print.css",
            "assets/search.js",
        ] {
            assert!(site.exists(file), "{name}/{file}");
        }
        let index: serde_json::Value =
            serde_json::from_str(&site.read("search-index.json")).unwrap();
        assert!(index.is_array(), "{name}");
        let graph: serde_json::Value = serde_json::from_str(&site.read("graph.json")).unwrap();
        assert_eq!(graph["site"], name);
    }
}

/// A project template that fails while rendering a document page.
const BAD_TEMPLATE: &str =
    "{% extends \"base.html\" %}\n{% block content %}{{ doc.nope.deeper }}{% endblock %}\n";

#[test]
fn a_template_error_leaves_the_previous_output_byte_identical() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    let before = snapshot(&out);
    p.write("templates/page.html", BAD_TEMPLATE);
    let run = p.build();
    run.expect(2);
    assert!(run.stderr().contains("page.html"), "{}", run.stderr());
    assert!(snapshot(&out) == before, "the output changed");
}

#[test]
fn a_template_error_names_its_file_and_line() {
    let p = project();
    p.write("templates/page.html", BAD_TEMPLATE);
    let run = p.build();
    run.expect(2);
    let stderr = run.stderr();
    // In the project folder as given, as a content error's file is.
    assert!(stderr.starts_with("./templates/page.html:2:"), "{stderr}");
    assert!(!stderr.contains("Error {"), "{stderr}");
    // And the page it was rendering, which the template's line does not say.
    let note = (stderr.lines())
        .find(|l| l.starts_with("  = note: rendering `"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        note.ends_with(".html` of site `exec`")
            || note.ends_with(".html` of site `team`")
            || note.ends_with(".html` of site `public`"),
        "{stderr}"
    );
    let (parent, name) = (p.path().parent().unwrap(), p.path().file_name().unwrap());
    let name = name.to_str().unwrap();
    let run = p.run_in(
        parent,
        &[
            "build",
            name,
            "--out",
            &format!("{name}/out"),
            "--today",
            TODAY,
        ],
    );
    run.expect(2);
    let stderr = run.stderr();
    assert!(
        stderr.starts_with(&format!("{name}/templates/page.html:2:")),
        "{stderr}"
    );
}

/// A document page template whose loops go on for ten billion rounds (`range` stops at
/// 100,000 items, but not loops inside loops), each round giving `body`.
fn endless(body: &str) -> String {
    format!(
        "{{% extends \"base.html\" %}}\n{{% block content %}}{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{body}{{% endfor %}}{{% endfor %}}{{% endblock %}}\n"
    )
}

/// How long a run stopped by a render limit may take before the test gives up on it.
const STOPPED_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

#[test]
fn a_template_that_writes_without_end_stops_at_its_output_limit() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    let before = snapshot(&out);
    let build = ["build", "--out", "out", "--today", TODAY];
    let one_mb = [("ALIGN_RENDER_MAX_MB", "1")];
    p.write("templates/page.html", endless("{{ doc.title }}"));
    let run = p.run_within(STOPPED_WITHIN, &build, &one_mb);
    run.expect(2);
    let stderr = run.stderr();
    assert!(
        stderr.starts_with("./templates/page.html: error: the page passed 1 MB of output: does a loop in the template never end? (ALIGN_RENDER_MAX_MB sets the limit in megabytes)\n  = note: rendering `"),
        "{stderr}"
    );
    assert!(snapshot(&out) == before, "the output changed");
    // A partial's output is held to it too, and named where it is called.
    p.remove("templates/page.html");
    p.write(
        "templates/_release.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}<p>{{ i }}</p>{% endfor %}{% endfor %}\n",
    );
    let run = p.run_within(STOPPED_WITHIN, &build, &one_mb);
    run.expect(2);
    let stderr = run.stderr();
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("(default theme) templates/release-plan.html:")
            && first.ends_with(": error: partial `_release.html` passed 1 MB of output: does a loop in the template never end? (ALIGN_RENDER_MAX_MB sets the limit in megabytes)"),
        "{stderr}"
    );
    assert!(snapshot(&out) == before, "the output changed");
    // Without the variable the limit is 512 MB: the theme's pages are far from it.
    p.remove("templates/_release.html");
    p.build().success();
}

#[test]
fn a_template_that_never_ends_is_stopped_at_its_time_limit() {
    let p = project();
    // A finding of the content's, which `check` says before it tries the templates.
    p.write(
        "content/objectives/old.md",
        "+++\ntitle = \"Old plan\"\nstatus = \"active\"\nperiod = \"2025-Q1\"\n+++\n",
    );
    p.build().success();
    let out = p.path().join("out");
    let before = snapshot(&out);
    p.write("templates/page.html", endless(""));
    let one_second = [("ALIGN_RENDER_TIMEOUT", "1")];
    for args in [
        &["build", "--out", "out", "--today", TODAY][..],
        &["check", "--today", TODAY],
    ] {
        let started = std::time::Instant::now();
        let run = p.run_within(STOPPED_WITHIN, args, &one_second);
        run.expect(2);
        let stderr = run.stderr();
        let lines: Vec<&str> = stderr.lines().collect();
        let at = (lines.iter())
            .position(|l| l.starts_with("error: rendering `"))
            .unwrap_or_else(|| panic!("{args:?}: {stderr}"));
        let line = lines[at];
        if args[0] == "check" {
            let finding = (lines.iter()).position(|l| l.ends_with("[period-ended]"));
            assert!(finding.is_some_and(|f| f < at), "{stderr}");
        }
        assert!(
            line.ends_with("` with template page.html has taken more than 1 s: does a loop in the template never end? (ALIGN_RENDER_TIMEOUT sets the limit in seconds)"),
            "{args:?}: {stderr}"
        );
        // Stopped soon after the limit, not when the loops would have ended.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{args:?}"
        );
    }
    assert!(snapshot(&out) == before, "the output changed");
    // Mended, the next build makes what the last good one made, and leaves nothing of
    // the stopped one behind (not even an empty temporary folder, which no snapshot of
    // files would show).
    p.remove("templates/page.html");
    p.build().success();
    assert!(
        snapshot(&out) == before,
        "the mended build's output differs"
    );
    assert_eq!(
        align_entries(&out),
        [".align-output"],
        "only the output's marker is left"
    );
}

/// Every template that does not parse is named in one run, not only the first; an error
/// a template would meet only with another one set aside is not.
#[test]
fn every_template_that_does_not_parse_is_named_in_one_run() {
    let p = project();
    p.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ doc.title }\n{% endblock %}\n",
    );
    p.write(
        "templates/list.html",
        "{% extends \"base.html\" %}\n{% block content %}{% for x in y %}\n{% endblock %}\n",
    );
    p.write(
        "templates/base.html",
        "<html>{% block content %}{% endblock %}\n",
    );
    for args in [&["build", "--out", "out"][..], &["check"]] {
        let run = p.run(&[args, &["--today", TODAY]].concat());
        run.expect(2);
        let stderr = run.stderr();
        let named: Vec<&str> = (stderr.lines())
            .filter(|l| l.contains(": error: "))
            .map(|l| l.split(':').next().unwrap())
            .collect();
        assert_eq!(
            named,
            ["./templates/list.html", "./templates/page.html"],
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("./templates/page.html:2:33: error:"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("./templates/list.html:3:4: error: Unknown tag"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_theme_template_failing_on_the_project_s_own_is_said_to_be_the_theme_s_each_on_its_own() {
    let p = project();
    p.write(
        "templates/base.html",
        "<html>{% block content %}{% endblock %}</html>\n",
    );
    let run = p.run(&["build", "--out", "out", "--today", TODAY]);
    run.expect(2);
    let stderr = run.stderr();
    // No `templates/404.html` is the project's: the theme's is named as the theme's.
    assert!(
        stderr.starts_with(
            "(default theme) templates/404.html:2:10: error: Block `title` is not defined in any parent template"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("(default theme) templates/page.html:2:10: error: Block `title`"),
        "{stderr}"
    );
    assert!(!stderr.contains("called from"), "{stderr}");
    assert_eq!(
        stderr
            .matches("= help: the project's own templates (base.html)")
            .count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_build_with_content_errors_says_a_template_error_too_as_check_does() {
    let p = project();
    p.write("content/pages/bad.md", "no title\n");
    p.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ doc.title }\n{% endblock %}\n",
    );
    for args in [&["build", "--out", "out"][..], &["check"]] {
        let run = p.run(&[args, &["--today", TODAY]].concat());
        run.expect(2);
        let stderr = run.stderr();
        assert!(
            stderr.contains("bad.md:1:1: error: document has no title"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("templates/page.html:2:33: error:"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_partial_that_calls_itself_fails_the_build_instead_of_crashing_it() {
    let p = project();
    p.build().success();
    let out = p.path().join("out");
    let before = snapshot(&out);
    p.write(
        "templates/_loop.html",
        "{{ partial(name=\"_again.html\") }}\n",
    );
    p.write(
        "templates/_again.html",
        "{{ partial(name=\"_loop.html\") }}\n",
    );
    p.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ partial(name=\"_loop.html\") }}{% endblock %}\n",
    );
    for args in [
        &["build", "--out", "out"][..],
        &["check"],
        &["check", "--format", "json"],
    ] {
        let run = p.run(&[args, &["--today", TODAY]].concat());
        run.expect(2);
        let stderr = run.stderr();
        assert!(
            stderr.contains(
                "error: partial `_loop.html` calls itself (_loop.html → _again.html → _loop.html): partials may go 16 deep"
            ),
            "{args:?}: {stderr}"
        );
        // Each place once, however deep the calls went before they were stopped.
        let error = stderr
            .split("\n\n")
            .find(|e| e.contains("calls itself"))
            .unwrap();
        assert_eq!(
            error.matches("= called from templates/_loop.html").count(),
            1,
            "{error}"
        );
        assert_eq!(
            error
                .matches("= called from templates/page.html:2:")
                .count(),
            1,
            "{error}"
        );
    }
    assert!(snapshot(&out) == before, "the output changed");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        std::fs::read_dir(&out)
            .unwrap()
            .filter(|e| !e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".align-tmp"))
            .count(),
        "no build folder left behind"
    );
}

#[test]
fn a_site_no_longer_in_the_config_leaves_the_output_with_a_full_build() {
    let p = project();
    p.build().success();
    assert!(p.site("public").exists("index.html"));
    std::fs::create_dir_all(p.path().join("out/notes")).unwrap();
    std::fs::write(p.path().join("out/notes/keep.txt"), "mine").unwrap();
    // The public site renamed: its old folder would stay published as it was.
    let config = std::fs::read_to_string(p.path().join("align.toml")).unwrap();
    p.write(
        "align.toml",
        config.replace("[sites.public]", "[sites.transparency]"),
    );
    // A build of chosen sites leaves the others alone.
    p.run(&["build", "--out", "out", "--today", TODAY, "--site", "team"])
        .success();
    assert!(p.site("public").exists("index.html"));
    let run = p.build();
    run.success();
    assert!(
        run.stderr()
            .contains("out/public: align.toml lists no site of that name any more"),
        "{}",
        run.stderr()
    );
    assert!(!p.path().join("out/public").exists());
    assert!(p.site("transparency").exists("index.html"));
    assert!(p.path().join("out/notes/keep.txt").exists(), "not align's");
    // `--quiet` prints only errors: the folder goes without a word.
    let config = std::fs::read_to_string(p.path().join("align.toml")).unwrap();
    p.write(
        "align.toml",
        config.replace("[sites.transparency]", "[sites.public]"),
    );
    let run = p.run(&["--quiet", "build", "--out", "out", "--today", TODAY]);
    run.success();
    assert_eq!(run.stderr(), "");
    assert!(!p.path().join("out/transparency").exists());
}
