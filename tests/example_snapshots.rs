//! Snapshots of the example project's pages: the `<main>` element of an objective, a
//! decision and a site home, so any change to what they show is seen in review.
//! `INSTA_UPDATE=always cargo test --test example_snapshots` (or `cargo insta review`)
//! regenerates them.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use assert_cmd::Command;

/// The example built once for every test of this file, into a folder that lives as long
/// as the test process.
fn built() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
        let output = Command::cargo_bin("align")
            .unwrap()
            .arg("build")
            .arg(&project)
            .arg("--out")
            .arg(out.path())
            .args(["--today", "2026-11-23"])
            .env_remove("RUST_BACKTRACE")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(!stderr.contains("error:"), "{stderr}");
        out
    })
    .path()
}

/// The `<main>` element of a page, without blank lines and trailing spaces.
fn main_of(page: &str) -> String {
    let html = std::fs::read_to_string(built().join(page)).unwrap();
    let start = html.find("<main").expect("no <main>");
    let end = html.find("</main>").expect("no </main>") + "</main>".len();
    html[start..end]
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn exec_objective_page() {
    insta::assert_snapshot!(
        "exec_objective_activation_q4",
        main_of("exec/objectives/activation-q4.html")
    );
}

#[test]
fn team_decision_page() {
    insta::assert_snapshot!(
        "team_decision_0003_usage_pricing",
        main_of("team/decisions/0003-usage-pricing.html")
    );
}

#[test]
fn public_home_page() {
    insta::assert_snapshot!("public_home", main_of("public/index.html"));
}

#[test]
fn every_local_link_of_the_example_resolves() {
    for name in ["exec", "team", "public"] {
        let site = common::Site {
            root: built().join(name),
        };
        assert!(site.assert_links_resolve() > 0, "{name}");
    }
}
