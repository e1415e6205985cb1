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
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let check = Command::new(env!("CARGO_BIN_EXE_align"))
        .args([
            "check",
            project.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--deny",
            "warnings",
        ])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
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
