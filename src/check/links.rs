//! Links within a document's own page.

use super::Ctx;
use crate::diag::{Diagnostic, Location};
use crate::model::Document;

/// The ids the default theme gives every document page besides its headings' and key
/// results' anchors: a link within the page may lead to them too.
pub const THEME_IDS: [&str; 8] = [
    "main",
    "search-input",
    "search-results",
    "kr-heading",
    "why-heading",
    "relations-heading",
    "rationale-heading",
    "slips-heading",
];

/// A link within a page (`[usage](#usage)`) to an anchor the page does not have: a
/// heading renamed or removed, or a typo. Readers click and nothing happens.
pub fn own_anchors(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for doc in ctx.docs {
        for link in &doc.fragments {
            let written = &link.text[1..];
            if has_id(doc, written) || has_id(doc, &crate::graph::percent_decode(written)) {
                continue;
            }
            let location = Location::new(ctx.dir.join(&doc.source), link.line, link.col);
            let message = format!(
                "broken link: `{}` names no heading, key result or id of this page",
                link.text
            );
            out.push(
                Diagnostic::warning(location, message)
                    .with_rule("broken-anchor")
                    .with_help(
                        "link to a heading by its anchor (`#usage` for `## Usage`, or the `{#id}` the heading gives), to a key result as `#kr-<id>`, or remove the `#`",
                    ),
            );
        }
    }
    out
}

/// Whether the page of `doc` has an element with this id: a heading, a key result, the
/// theme's own, a footnote or an element of the body's raw HTML, or the top of the page.
fn has_id(doc: &Document, id: &str) -> bool {
    doc.has_anchor(id)
        || id.strip_prefix("kr-").is_some_and(|kr| {
            doc.key_result(kr).is_some() || doc.unread_key_results.iter().any(|k| k == kr)
        })
        || THEME_IDS.contains(&id)
        || doc.body_ids.iter().any(|written| written == id)
        || doc.fragment_is_itself(id)
}

#[cfg(test)]
mod tests {
    use super::THEME_IDS;

    #[test]
    fn the_theme_ids_are_those_the_default_theme_writes_on_a_page() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut found: Vec<String> = Vec::new();
        for name in [
            "base.html",
            "page.html",
            "_fields.html",
            "_key_results.html",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            for part in text.split("id=\"").skip(1) {
                let id = &part[..part.find('"').unwrap()];
                if !id.contains("{{") {
                    found.push(id.to_string());
                }
            }
        }
        found.sort();
        let mut known: Vec<String> = THEME_IDS.iter().map(ToString::to_string).collect();
        known.sort();
        assert_eq!(found, known);
    }
}
