//! The example project builds and checks clean, and each home shows what its audience
//! needs and nothing it may not see.

use std::path::Path;
use std::process::Command;

fn build_example() -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let output = Command::new(env!("CARGO_BIN_EXE_align"))
        .args([
            "build",
            project.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--today",
            "2026-11-23",
        ])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    (out, stderr)
}

fn read(out: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(out.path().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn example_builds_and_checks_clean() {
    let (_out, stderr) = build_example();
    assert!(
        !stderr.contains("warning") && !stderr.contains("error"),
        "{stderr}"
    );
    checks_clean(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example"));
}

/// Asserts `align check --deny warnings` passes on `project`.
fn checks_clean(project: &Path) {
    let check = Command::new(env!("CARGO_BIN_EXE_align"))
        .args(["check", project.to_str().unwrap(), "--today", "2026-11-23"])
        .args(["--deny", "warnings"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn the_readmes_example_document_checks_clean_in_the_example_project() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("```markdown\n+++")
        .expect("the README's example")
        + 12;
    let end = start + readme[start..].find("```").unwrap();
    let example = &readme[start..end];
    // A copy of the example project with the README's document beside its own (under
    // another id: the README shows a document the example has).
    let copy = tempfile::tempdir().unwrap();
    for file in walk(&root.join("content-example")) {
        let to = copy
            .path()
            .join(file.strip_prefix(root.join("content-example")).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, to).unwrap();
    }
    let id = example
        .lines()
        .find_map(|l| l.strip_prefix("id = "))
        .expect("an id");
    std::fs::write(
        copy.path().join("content/initiatives/from-readme.md"),
        example.replace(&format!("id = {id}"), "id = \"I-FROM-README\""),
    )
    .unwrap();
    checks_clean(copy.path());
}

#[test]
fn exec_home_is_the_roadmap() {
    let (out, _) = build_example();
    let home = read(&out, "exec/index.html");
    assert!(home.contains("Strategy and objectives · 2026-Q4"));
    assert!(home.contains("Median time to first scheduled job"));
    assert!(
        home.contains("health-off-track"),
        "an off-track key result is shown as such"
    );
    assert!(
        home.contains("slipped from 2026-11-20"),
        "slipped targets show the first plan"
    );
    assert!(
        home.contains("<svg width="),
        "the quarter timeline is server-side SVG"
    );
    assert!(
        home.contains("Second region for dispatch</a>: on hold"),
        "on-hold work is a risk"
    );
    let objective = read(&out, "exec/objectives/activation-q4.html");
    assert!(
        objective.contains("Board note"),
        "exec-only blocks reach exec"
    );
    assert!(!read(&out, "team/objectives/activation-q4.html").contains("Board note"));
}

#[test]
fn team_home_is_the_release_plan() {
    let (out, _) = build_example();
    let home = read(&out, "team/index.html");
    let upcoming = home.find("Upcoming releases").unwrap();
    let released = home.find(">Released<").unwrap();
    assert!(
        upcoming < home.find("Sabrulo 4.1.0").unwrap()
            && home.find("Sabrulo 4.1.0").unwrap() < released
    );
    assert!(home.contains("Guided setup checklist") && home.contains("Dana Ruiz"));
    assert!(home.contains("lists/status/decision/accepted.html"));
    assert!(
        !home.contains("Board note"),
        "exec-only text stays off the team site"
    );
}

#[test]
fn public_home_is_the_changelog_and_hides_internal_work() {
    let (out, _) = build_example();
    let home = read(&out, "public/index.html");
    assert!(
        home.find("Sabrulo 4.0.0").unwrap() < home.find("Sabrulo 3.3.0").unwrap(),
        "newest first"
    );
    assert!(home.contains("API tokens now expire after 90 days") && home.contains("Breaking"));
    assert!(
        !home.contains("4.1.0"),
        "planned releases are not in the changelog"
    );
    for dir in walk(&out.path().join("public")) {
        let text = std::fs::read_to_string(&dir).unwrap_or_default();
        for secret in [
            "Board note",
            "180k",
            "Dana Ruiz",
            "Fast dispatch board",
            "In-app nudges",
            "now 41",
        ] {
            assert!(
                !text.contains(secret),
                "{secret} leaked into {}",
                dir.display()
            );
        }
    }
    let roadmap = read(&out, "public/roadmap.html");
    assert!(
        roadmap.contains("Getting started checklist"),
        "public_title replaces the title"
    );
    let feed = read(&out, "public/feed.xml");
    assert!(feed.contains("<id>https://alignment.sabrulo.example/public/releases/4-0-0.html</id>"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Plain text of a built file: tags dropped, the common entities decoded, whitespace
/// collapsed, so that prose from a source file can be searched for in it.
fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The longest run of plain words in a source line: what survives Markdown rendering intact.
fn plain_run(line: &str) -> String {
    line.split(|c: char| "*_[]`|#<>!\\{}".contains(c))
        .map(str::trim)
        .max_by_key(|run| run.len())
        .unwrap_or_default()
        .to_string()
}

/// Every secret the example holds, found from its sources rather than listed by hand: the
/// title and summary of each document a site may not show, and each line of each audience
/// block, must be absent from every byte that site publishes (pages, feeds, search index,
/// graph.json, sitemap).
#[test]
fn no_site_shows_text_its_audiences_may_not_read() {
    let (out, _) = build_example();
    let sites: [(&str, &[&str]); 3] = [
        ("exec", &["exec", "team"]),
        ("team", &["team"]),
        ("public", &["public"]),
    ];
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example/content");
    let mut secrets: Vec<(String, Vec<String>, String)> = Vec::new();
    for path in walk(&content) {
        let source = std::fs::read_to_string(&path).unwrap();
        let shown = path.strip_prefix(&content).unwrap().display().to_string();
        let field = |name: &str| {
            source.lines().find_map(|l| {
                let rest = l.strip_prefix(name)?.trim_start().strip_prefix('=')?;
                Some(rest.trim().trim_matches('"').to_string())
            })
        };
        let audience: Vec<String> = field("audience").map_or(vec!["team".into()], |a| {
            a.trim_matches(['[', ']'])
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .collect()
        });
        for text in [field("title"), field("summary")].into_iter().flatten() {
            let run = plain_run(&text);
            if run.len() >= 12 {
                secrets.push((run, audience.clone(), shown.clone()));
            }
        }
        let mut inside: Vec<Vec<String>> = Vec::new();
        for line in source.lines() {
            let trimmed = line.trim();
            if let Some(list) = trimmed
                .strip_prefix("<!-- audience:")
                .and_then(|r| r.strip_suffix("-->"))
            {
                inside.push(list.split(',').map(|s| s.trim().to_string()).collect());
            } else if trimmed == "<!-- /audience -->" {
                inside.pop();
            } else if let Some(block) = inside.last() {
                let run = plain_run(trimmed);
                if run.len() >= 20 {
                    secrets.push((run, block.clone(), shown.clone()));
                }
            }
        }
    }
    let blocks = secrets
        .iter()
        .filter(|(_, a, _)| !a.contains(&"public".to_string()));
    assert!(
        blocks.count() > 40,
        "the example keeps internal text to hide"
    );
    for (site, audiences) in sites {
        let files: Vec<(std::path::PathBuf, String)> = walk(&out.path().join(site))
            .into_iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(&p).ok()?;
                Some((p, plain_text(&text)))
            })
            .collect();
        for (secret, audience, source) in &secrets {
            if audience.iter().any(|a| audiences.contains(&a.as_str())) {
                continue;
            }
            for (file, text) in &files {
                assert!(
                    !text.contains(secret.as_str()),
                    "`{secret}` from {source} (for {audience:?}) reached {} on site {site}",
                    file.display()
                );
            }
        }
    }
}

/// Each site's navigation names every place once, the home under its view's name, and a
/// view page's heading says which view it is.
#[test]
fn navigation_names_each_place_once() {
    let (out, _) = build_example();
    for (site, home) in [
        ("exec", "Roadmap"),
        ("team", "Release plan"),
        ("public", "Changelog"),
    ] {
        let page = read(&out, &format!("{site}/index.html"));
        let nav = &page[page.find("<nav").unwrap()..page.find("</nav>").unwrap()];
        let mut labels = Vec::new();
        let mut hrefs = Vec::new();
        for item in nav.split("<li><a href=\"").skip(1) {
            let (href, rest) = item.split_once("\">").unwrap();
            let label = rest.split(['<', '\n']).next().unwrap().trim().to_string();
            assert!(
                !hrefs.contains(&href),
                "{site}: {href} twice in the navigation"
            );
            assert!(
                !labels.contains(&label),
                "{site}: `{label}` twice in the navigation"
            );
            hrefs.push(href);
            labels.push(label);
        }
        assert_eq!(labels[0], home, "{site}: the home is named after its view");
        assert!(labels.contains(&"Decision log".to_string()), "{labels:?}");
    }
    let roadmap = read(&out, "team/roadmap.html");
    assert!(
        roadmap.contains("<h1>Roadmap</h1>"),
        "a view's heading names the view"
    );
}

/// Public sites strip owners, so their release tables have no empty Owners column.
#[test]
fn release_tables_show_owners_only_where_there_are_some() {
    let (out, _) = build_example();
    assert!(read(&out, "team/release-plan.html").contains("<th scope=\"col\">Owners</th>"));
    let public = read(&out, "public/release-plan.html");
    assert!(
        public.contains("<th scope=\"col\">Initiative</th>"),
        "the public plan has tables"
    );
    assert!(
        !public.contains(">Owners<"),
        "an empty Owners column on the public site"
    );
}

/// A listed document says what it has of its kind, id, category, period, date and team,
/// with no separator before the first and no empty line where it has none of them.
#[test]
fn listed_documents_say_what_they_are_without_empty_lines() {
    let (out, _) = build_example();
    for file in ["team/release-plan.html", "team/lists/kind/change.html"] {
        let page = read(&out, file);
        assert!(!page.contains("class=\"meta\"></span>"), "{file}: {page}");
        assert!(!page.contains("class=\"meta\"> · "), "{file}: {page}");
    }
    let changes = read(&out, "team/lists/kind/change.html");
    assert!(
        changes.contains("<span class=\"meta\">Added</span>"),
        "{changes}"
    );
}
