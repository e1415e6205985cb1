//! Links within a document's own page.

use super::Ctx;
use crate::diag::{Diagnostic, Location};
use crate::model::Document;

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
        || crate::theme::PAGE_IDS.contains(&id)
        || doc.body_ids.iter().any(|written| written == id)
        || doc.fragment_is_itself(id)
}
