//! Every page of the built example passes the Nu Html Checker with zero errors, and the
//! Atom feeds carry what RFC 4287 requires. The checker (npm `vnu-jar`, run with Java) is
//! installed by `.ci/run` under /opt/align-tools (or `ALIGN_TOOLS`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn tools() -> PathBuf {
    PathBuf::from(std::env::var("ALIGN_TOOLS").unwrap_or_else(|_| "/opt/align-tools".to_string()))
}

fn build_example() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let status = Command::new(env!("CARGO_BIN_EXE_align"))
        .args([
            "build",
            project.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--today",
            "2026-11-23",
            "-q",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    out
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let jar = tools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let java_ok = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !jar.exists() || !java_ok {
        eprintln!("skipped: vnu-jar or java not installed");
        return;
    }
    let out = build_example();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "gnu"])
        .arg(out.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && report.trim().is_empty(),
        "validator errors:\n{report}"
    );
}

#[test]
fn feeds_carry_the_required_atom_elements() {
    let out = build_example();
    for site in ["exec", "team", "public"] {
        let feed = std::fs::read_to_string(out.path().join(site).join("feed.xml")).unwrap();
        assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
        let head = &feed[..feed.find("<entry>").expect("released versions are entries")];
        for element in ["<id>https://", "<title>", "<updated>", "<author><name>"] {
            assert!(head.contains(element), "{site} feed lacks {element}");
        }
        for entry in feed.split("<entry>").skip(1) {
            let entry = &entry[..entry.find("</entry>").expect("entries are closed")];
            assert!(
                entry.contains("<id>https://alignment.sabrulo.example/"),
                "{entry}"
            );
            assert!(
                entry.contains("<title>") && entry.contains("<updated>20"),
                "{entry}"
            );
            assert!(
                entry.contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://"),
                "{entry}"
            );
        }
        assert_eq!(
            feed.matches("<entry>").count(),
            feed.matches("</entry>").count()
        );
        assert!(feed.trim_end().ends_with("</feed>"));
    }
}
