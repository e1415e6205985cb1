//! The whole loader on one file: frontmatter, typed fields, title, body scan (links,
//! headings) and audience blocks. Every problem must be a diagnostic with a line inside
//! the file, never a panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use align::config::Config;
use libfuzzer_sys::fuzz_target;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        toml::from_str(
            "title = \"F\"\n[sites.team]\ntitle = \"T\"\naudiences = [\"team\"]\n\
             [sites.public]\ntitle = \"P\"\naudiences = [\"public\"]\npublic = true\n",
        )
        .expect("config")
    })
}

fuzz_target!(|text: &str| {
    for rel in [
        "content/objectives/o.md",
        "content/decisions/0001-x.md",
        "content/pages/p.md",
    ] {
        let (doc, diags) = align::load::load_text(Path::new(rel), text, config());
        // Counted as the loader counts them: a lone CR ends a line too.
        let lines = align::load::normalise(text).lines().count().max(1) + 1;
        for diag in &diags {
            assert!(
                diag.location.line >= 1 && diag.location.line <= lines,
                "line {} of a {lines}-line file: {}",
                diag.location.line,
                diag.message
            );
        }
        if let Some(doc) = doc {
            let _ = align::load::headings(&doc.body, &doc.key_results, &config().page_ids);
        }
    }
});
