//! `align serve` under faults: killed mid-rebuild and restarted it has lost nothing and
//! serves what a clean build writes; an editor that writes a file in two steps never
//! leaves a broken build behind once the second step lands; requests made while files
//! change all succeed; a template that never ends stops the server with its reason shown.

mod common;
mod serve_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serve_support::{
    INITIATIVE, Project, Server, TIMEOUT, build, built_files, encode_path, page, strip_reload,
    wait_for,
};

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::files(dir)
        .into_iter()
        .map(|rel| {
            (
                rel.display().to_string(),
                std::fs::read(dir.join(&rel)).unwrap(),
            )
        })
        .collect()
}

/// The served bytes of every file a clean build of `project` writes equal that build.
fn assert_serves_a_clean_build(server: &Server, project: &Path, scratch: &Path) {
    let out = scratch.join(format!("clean-{}", server.port));
    build(project, &out);
    let mut wrong = Vec::new();
    for (path, bytes) in built_files(&out) {
        let response = server.get(&encode_path(&path));
        let body = if path.ends_with(".html") {
            strip_reload(&response.body).unwrap_or(response.body)
        } else {
            response.body
        };
        if response.status != 200 || body != bytes {
            wrong.push(format!("{path}: status {}", response.status));
        }
    }
    assert!(
        wrong.is_empty(),
        "served differs from a clean build: {wrong:?}"
    );
}

#[test]
fn killed_mid_rebuild_and_restarted_it_lost_nothing() {
    let project = Project::minimal();
    let scratch = tempfile::tempdir().unwrap();
    // A published build next to the project, which serve must never touch.
    let published = scratch.path().join("published");
    build(&project.path(), &published);
    let published_before = snapshot(&published);

    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    project.save(
        "content/pages/p.md",
        &page("Page P", "Second body text. See [[initiatives/a]]."),
    );
    let update = events
        .next(TIMEOUT)
        .expect("a rebuild after the first edit");
    assert!(update.errors.is_empty(), "{:?}", update.errors);
    let project_before = snapshot(&project.path());
    // Another edit, and the server is killed (SIGKILL) while it may be rebuilding.
    project.save(
        "content/initiatives/a.md",
        &INITIATIVE.replace("Alpha moves", "Alpha, killed mid-rebuild, moves"),
    );
    let project_after_edit = snapshot(&project.path());
    std::thread::sleep(Duration::from_millis(15));
    drop(events);
    drop(server);

    // Nothing in the project changed but the edit itself, and nothing was left behind.
    let now = snapshot(&project.path());
    assert_eq!(
        now.keys().collect::<Vec<_>>(),
        project_after_edit.keys().collect::<Vec<_>>(),
        "files appeared or vanished in the project"
    );
    assert_eq!(now, project_after_edit);
    assert_ne!(
        project_before, project_after_edit,
        "the second edit was written"
    );
    assert_eq!(
        snapshot(&published),
        published_before,
        "serve touched a published build"
    );

    let restarted = Server::start(&project.path(), &[]);
    let page = restarted.get("/team/initiatives/a.html").text();
    assert!(
        page.contains("killed mid-rebuild"),
        "the restart serves the last edit"
    );
    assert_serves_a_clean_build(&restarted, &project.path(), scratch.path());
}

#[test]
fn a_file_written_in_two_steps_never_leaves_a_broken_build() {
    let project = Project::minimal();
    let scratch = tempfile::tempdir().unwrap();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    let path = project.file("content/pages/p.md");
    for (round, pause) in [0u64, 5, 40, 120].into_iter().enumerate() {
        let full = page(
            &format!("Page P, round {round}"),
            "Body. See [[initiatives/a]].",
        );
        // Step one: the file truncated in the middle of its frontmatter.
        std::fs::write(&path, &full[..12]).unwrap();
        std::thread::sleep(Duration::from_millis(pause));
        // Step two: the rest.
        std::fs::write(&path, &full).unwrap();
        let wanted = format!("Page P, round {round}");
        let settled = wait_for(TIMEOUT, || {
            let update = events.next(Duration::from_millis(500));
            let text = server.get("/team/pages/p.html").text();
            match update {
                Some(u) if !u.errors.is_empty() => None,
                _ if text.contains(&wanted) => Some(()),
                _ => None,
            }
        });
        assert!(
            settled.is_some(),
            "round {round} (pause {pause} ms): the complete file never replaced the broken one; stderr:\n{}",
            server.stderr().join("\n")
        );
        // No error arrives later for the half-written state.
        if let Some(late) = events.next(Duration::from_millis(300)) {
            assert!(
                late.errors.is_empty(),
                "round {round}: late errors {:?}",
                late.errors
            );
        }
    }
    // The editor pattern of a temp file renamed over the original, half-written first.
    let full = page("Page P, renamed over", "Body. See [[initiatives/a]].");
    let temp = path.with_file_name("p.md.tmp");
    std::fs::write(&temp, &full[..20]).unwrap();
    std::fs::write(&temp, &full).unwrap();
    std::fs::rename(&temp, &path).unwrap();
    let seen = wait_for(TIMEOUT, || {
        server
            .get("/team/pages/p.html")
            .text()
            .contains("Page P, renamed over")
            .then_some(())
    });
    assert!(seen.is_some(), "the renamed-over save was not served");
    assert_serves_a_clean_build(&server, &project.path(), scratch.path());
}

#[test]
fn requests_while_files_change_all_succeed() {
    let project = Project::minimal();
    let server = Arc::new(Server::start(&project.path(), &[]));
    let done = Arc::new(AtomicBool::new(false));
    let failed = Arc::new(AtomicUsize::new(0));
    let served = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|n| {
            let (server, done, failed, served) =
                (server.clone(), done.clone(), failed.clone(), served.clone());
            std::thread::spawn(move || {
                let paths = [
                    "/team/pages/p.html",
                    "/team/index.html",
                    "/team/initiatives/a.html",
                    "/team/search-index.json",
                    "/public/index.html",
                ];
                let mut i = n;
                while !done.load(Ordering::Relaxed) {
                    let response = server.get(paths[i % paths.len()]);
                    if response.status != 200 || response.body.is_empty() {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    served.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                    // Each request is a connection of its own, whose port waits a minute
                    // once closed: unpaced, four clients used up the machine's ephemeral
                    // ports and the tests beside this one could not connect.
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        })
        .collect();
    for n in 0..12 {
        project.save(
            "content/pages/p.md",
            &page(&format!("Page P {n}"), "Body. See [[initiatives/a]]."),
        );
        std::thread::sleep(Duration::from_millis(60));
    }
    done.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let served = served.load(Ordering::Relaxed);
    assert!(served > 100, "only {served} requests made");
    assert_eq!(failed.load(Ordering::Relaxed), 0, "of {served} requests");
}

#[test]
fn a_project_folder_removed_and_made_again_or_replaced_is_watched_again() {
    let project = Project::minimal();
    let scratch = tempfile::tempdir().unwrap();
    let server = Server::start(&project.path(), &[]);
    let copy = common::copy_tree;
    let kept = scratch.path().join("kept");
    copy(&project.path(), &kept);
    let served = |wanted: &str| {
        wait_for(TIMEOUT, || {
            (server.get("/team/pages/p.html").text().contains(wanted)).then_some(())
        })
        .is_some()
    };
    // Removed and made again (a fresh clone): an edit to the new folder is served.
    std::fs::remove_dir_all(project.path()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    copy(&kept, &project.path());
    project.write(
        "content/pages/p.md",
        &page("Page P, cloned again", "Body. See [[initiatives/a]]."),
    );
    assert!(served("Page P, cloned again"), "{:?}", server.stderr());
    // Moved away and another copied in its place.
    let gone = scratch.path().join("gone");
    std::fs::rename(project.path(), &gone).unwrap();
    copy(&kept, &project.path());
    project.write(
        "content/pages/p.md",
        &page("Page P, copied in", "Body. See [[initiatives/a]]."),
    );
    assert!(served("Page P, copied in"), "{:?}", server.stderr());
    assert_serves_a_clean_build(&server, &project.path(), scratch.path());
}

#[test]
fn a_folder_a_content_link_leads_into_swapped_for_a_copy_is_read_again() {
    let project = Project::minimal();
    project.write("shared/a.md", &page("Linked", "Version one."));
    std::os::unix::fs::symlink("../../shared/a.md", project.file("content/pages/linked.md"))
        .unwrap();
    let server = Server::start(&project.path(), &[]);
    assert!(
        server
            .get("/team/pages/linked.html")
            .text()
            .contains("Version one.")
    );
    // A copy with other words, then renamed over the folder, as a sync tool does it.
    project.write("shared.new/a.md", &page("Linked", "Version two."));
    std::fs::rename(project.file("shared"), project.file("shared.old")).unwrap();
    std::fs::rename(project.file("shared.new"), project.file("shared")).unwrap();
    let served = wait_for(TIMEOUT, || {
        (server.get("/team/pages/linked.html").text())
            .contains("Version two.")
            .then_some(())
    });
    assert!(served.is_some(), "{:?}", server.stderr());
}

#[test]
fn symlinks_out_of_the_project_are_not_watched() {
    let project = Project::minimal();
    std::fs::create_dir_all(project.file("static")).unwrap();
    std::os::unix::fs::symlink("/", project.file("static/root")).unwrap();
    std::os::unix::fs::symlink(project.outside(), project.file("static/ext")).unwrap();
    let server = Server::start(&project.path(), &[]);
    let mut events = server.events();
    // Writes where the links lead rebuild nothing, and the server is up to serve the
    // edit that follows.
    for n in 0..3 {
        std::fs::write(project.outside().join(format!("kick-{n}.txt")), "x").unwrap();
    }
    assert!(
        events.next(Duration::from_millis(800)).is_none(),
        "{:?}",
        server.stderr()
    );
    project.write(
        "content/pages/p.md",
        &page("Page P, edited", "Body. See [[initiatives/a]]."),
    );
    events.expect();
    assert!(
        server
            .get("/team/pages/p.html")
            .text()
            .contains("Page P, edited")
    );
    // The rebuild's updates end: no watch of the links' targets keeps rebuilding.
    let mut more = 0;
    while events.next(Duration::from_millis(600)).is_some() {
        more += 1;
        assert!(more < 5, "rebuilds without end: {:?}", server.stderr());
    }
}

#[test]
fn a_template_that_never_ends_stops_the_server_with_its_reason_shown() {
    let project = Project::minimal();
    let dir = project.path();
    let mut server = Server::start_with(
        Path::new("."),
        &[dir.to_str().unwrap()],
        &[("ALIGN_RENDER_TIMEOUT", std::ffi::OsStr::new("1"))],
    );
    let mut events = server.events_for("/team/initiatives/a.html");
    // Loops inside loops: ten billion rounds, which `range`'s own limit does not stop.
    project.save(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}{% endblock %}",
    );
    let stops = "align serve stops: mend the template, then start it again";
    let errors = wait_for(Duration::from_secs(30), || {
        let update = events.next(Duration::from_millis(100))?;
        (!update.errors.is_empty()).then_some(update.errors)
    })
    .expect("the open page is told why");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("error: rendering `")
            && errors[0].ends_with(" has taken more than 1 s: does a loop in the template never end? (ALIGN_RENDER_TIMEOUT sets the limit in seconds)"),
        "{errors:?}"
    );
    assert_eq!(errors[1], stops);
    let status = server.exited(TIMEOUT).expect("the server stops");
    assert_eq!(status.code(), Some(2));
    let stderr = server.stderr();
    assert!(stderr.iter().any(|l| l == &errors[0]), "{stderr:?}");
    assert!(stderr.iter().any(|l| l == stops), "{stderr:?}");
}
