//! Property: whatever the documents, audiences, audience blocks and references, no site
//! publishes a byte its audiences may not read. Random projects are built with the real
//! binary; every place that has an audience holds a unique canary, and every file of
//! every site is searched for the canaries it may not hold (and for the ones it must).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

mod common;

const SITES: [(&str, &[&str], bool); 3] = [
    ("exec", &["exec", "team"], false),
    ("team", &["team"], false),
    ("public", &["public"], true),
];
const AUDIENCES: [&str; 3] = ["exec", "team", "public"];
const KINDS: [&str; 5] = ["pages", "initiatives", "decisions", "changes", "objectives"];

#[derive(Debug, Clone)]
struct Doc {
    kind: usize,
    /// `None`: no `audience` field, so the default (team) applies.
    audience: Option<Vec<usize>>,
    /// Audience blocks in the body, each a non-empty set of audiences; nested when asked.
    blocks: Vec<Vec<usize>>,
    nested: bool,
    /// Other documents referenced from the body, and whether the link sits in the first block.
    links: Vec<(usize, bool)>,
    /// How each link is written: wiki id, wiki path id, relative `.md` link.
    forms: Vec<u8>,
    public_title: bool,
}

fn audience_set() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::btree_set(0..3usize, 1..=3).prop_map(|s| s.into_iter().collect())
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        0..KINDS.len(),
        prop::option::weighted(0.8, audience_set()),
        prop::collection::vec(audience_set(), 0..3),
        any::<bool>(),
        prop::collection::vec((0..8usize, any::<bool>()), 0..4),
        prop::collection::vec(0..3u8, 4),
        any::<bool>(),
    )
        .prop_map(
            |(kind, audience, blocks, nested, links, forms, public_title)| Doc {
                kind,
                audience,
                blocks,
                nested,
                links,
                forms,
                public_title,
            },
        )
}

fn names(set: &[usize]) -> Vec<&'static str> {
    set.iter().map(|&a| AUDIENCES[a]).collect()
}

fn path_of(docs: &[Doc], i: usize) -> String {
    format!("{}/d{i}", KINDS[docs[i].kind])
}

fn text_of(docs: &[Doc], i: usize) -> String {
    let doc = &docs[i];
    let mut front = format!("+++\nid = \"D-{i}\"\ntitle = \"Title CANARY-{i}-title\"\n");
    front.push_str(&format!("summary = \"Summary CANARY-{i}-summary\"\n"));
    front.push_str(&format!("owners = [\"Owner CANARY-{i}-owner\"]\n"));
    if let Some(audience) = &doc.audience {
        front.push_str(&format!("audience = {:?}\n", names(audience)));
    }
    if doc.public_title {
        front.push_str(&format!("public_title = \"Public CANARY-{i}-public\"\n"));
    }
    match KINDS[doc.kind] {
        "decisions" => front.push_str("status = \"accepted\"\ndate = 2026-10-01\n"),
        "initiatives" => front.push_str("status = \"planned\"\nhorizon = \"next\"\n"),
        "objectives" => front.push_str("period = \"2026-Q4\"\nstatus = \"active\"\n"),
        _ => {}
    }
    front.push_str("+++\n\nBody CANARY-");
    front.push_str(&format!("{i}-body.\n\n"));
    let link = |n: usize, target: usize| -> String {
        let form = doc.forms[n % doc.forms.len()];
        match form {
            0 => format!("See [[D-{target}]].\n"),
            1 => format!("See [[{}]].\n", path_of(docs, target)),
            _ => {
                let from = KINDS[doc.kind];
                let to = KINDS[docs[target].kind];
                let rel = if from == to {
                    format!("d{target}.md")
                } else {
                    format!("../{to}/d{target}.md")
                };
                format!("See [the other one]({rel}).\n")
            }
        }
    };
    let targets: Vec<(usize, bool)> = doc
        .links
        .iter()
        .filter(|(t, _)| *t < docs.len() && *t != i)
        .map(|&(t, in_block)| (t, in_block))
        .collect();
    let mut body = String::new();
    for (n, (target, in_block)) in targets.iter().enumerate() {
        if !in_block || doc.blocks.is_empty() {
            body.push_str(&link(n, *target));
        }
    }
    let mut closes = 0;
    for (b, block) in doc.blocks.iter().enumerate() {
        body.push_str(&format!(
            "\n<!-- audience: {} -->\n",
            names(block).join(", ")
        ));
        body.push_str(&format!("Block CANARY-{i}-block{b} text.\n"));
        if b == 0 {
            for (n, (target, in_block)) in targets.iter().enumerate() {
                if *in_block {
                    body.push_str(&link(n, *target));
                }
            }
        }
        if doc.nested {
            closes += 1;
        } else {
            body.push_str("<!-- /audience -->\n");
        }
    }
    for _ in 0..closes {
        body.push_str("<!-- /audience -->\n");
    }
    front + &body
}

/// What a site may show of a document, given where each canary sits.
fn allowed(docs: &[Doc], i: usize, site: &(&str, &[&str], bool)) -> (bool, Vec<String>) {
    let (_, audiences, public) = *site;
    let doc = &docs[i];
    let own: Vec<&str> = doc.audience.as_ref().map_or(vec!["team"], |a| names(a));
    let shown = own.iter().any(|a| audiences.contains(a));
    let mut may = Vec::new();
    if !shown {
        return (false, may);
    }
    if public && doc.public_title {
        may.push(format!("CANARY-{i}-public"));
    } else {
        may.push(format!("CANARY-{i}-title"));
    }
    may.push(format!("CANARY-{i}-summary"));
    may.push(format!("CANARY-{i}-body"));
    if !public {
        may.push(format!("CANARY-{i}-owner"));
    }
    // A block is shown when the site may read it and, nested, every block around it too.
    let mut open = true;
    for (b, block) in doc.blocks.iter().enumerate() {
        let readable = names(block).iter().any(|a| audiences.contains(a));
        let visible = if doc.nested {
            open && readable
        } else {
            readable
        };
        if doc.nested {
            open = visible;
        }
        if visible {
            may.push(format!("CANARY-{i}-block{b}"));
        }
    }
    (true, may)
}

fn every_canary(docs: &[Doc], i: usize) -> Vec<String> {
    let mut all: Vec<String> = ["title", "summary", "body", "owner", "public"]
        .iter()
        .map(|p| format!("CANARY-{i}-{p}"))
        .collect();
    all.extend((0..docs[i].blocks.len()).map(|b| format!("CANARY-{i}-block{b}")));
    all
}

fn files_of(dir: &Path) -> Vec<(String, String)> {
    common::files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (
                rel.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        })
        .collect()
}

fn check(docs: &[Doc]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let config = "title = \"P\"\ndefault_audience = [\"team\"]\n\
        [sites.exec]\ntitle = \"E\"\naudiences = [\"exec\", \"team\"]\nhome = \"roadmap\"\n\
        [sites.team]\ntitle = \"T\"\naudiences = [\"team\"]\nhome = \"release-plan\"\n\
        [sites.public]\ntitle = \"Pub\"\naudiences = [\"public\"]\npublic = true\nhome = \"changelog\"\nshow_unreleased = true\n";
    std::fs::write(dir.path().join("align.toml"), config).unwrap();
    for i in 0..docs.len() {
        let path = dir.path().join(format!("content/{}.md", path_of(docs, i)));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text_of(docs, i)).unwrap();
    }
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_align"))
        .args([
            "build",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--today", "2026-11-24", "-q"])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    prop_assert!(run.status.success(), "build failed: {stderr}");
    for site in &SITES {
        let files = files_of(&out.join(site.0));
        let mut may: BTreeSet<String> = BTreeSet::new();
        let mut pages = Vec::new();
        for i in 0..docs.len() {
            let (shown, list) = allowed(docs, i, site);
            if shown {
                pages.push(i);
            }
            may.extend(list);
        }
        for i in 0..docs.len() {
            for canary in every_canary(docs, i) {
                // Owner canaries contain the title canary's prefix only; compare whole tokens.
                let needle = format!("{canary} ");
                let needle_end = [
                    format!("{canary}."),
                    format!("{canary}\""),
                    format!("{canary}<"),
                ];
                if may.contains(&canary) {
                    continue;
                }
                for (path, text) in &files {
                    let found = text.contains(&needle)
                        || needle_end.iter().any(|n| text.contains(n.as_str()))
                        || text.ends_with(&canary);
                    prop_assert!(!found, "{canary} reached {path} on site {}", site.0);
                }
            }
        }
        // Not vacuous: every document the site shows has its page, with its body.
        for i in pages {
            let page = out.join(site.0).join(format!("{}.html", path_of(docs, i)));
            let text = std::fs::read_to_string(&page).unwrap_or_default();
            prop_assert!(
                text.contains(&format!("CANARY-{i}-body")),
                "{} lacks its body on site {}",
                page.display(),
                site.0
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_site_shows_what_its_audiences_may_not_read(docs in prop::collection::vec(doc(), 2..8)) {
        check(&docs)?;
    }
}
