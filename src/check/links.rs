//! Links within a document's own page.

use super::Ctx;
use crate::diag::{Diagnostic, Location};

/// A link within a page (`[usage](#usage)`) to an anchor the page does not have: a
/// heading renamed or removed, or a typo. Readers click and nothing happens.
pub fn own_anchors(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        for link in &doc.fragments {
            let written = &link.text[1..];
            let decoded = crate::graph::percent_decode(written);
            if has_id(ctx, i, written) || has_id(ctx, i, &decoded) {
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

/// Whether the page of document `i` has an element with this id: a heading, a key result,
/// a footnote or an element of the body's raw HTML, the top of the page, or the theme's
/// own.
fn has_id(ctx: &Ctx<'_>, i: usize, id: &str) -> bool {
    let doc = &ctx.docs[i];
    doc.has_anchor(id)
        || id.strip_prefix("kr-").is_some_and(|kr| {
            doc.key_result(kr).is_some() || doc.unread_key_results.iter().any(|k| k == kr)
        })
        || doc.body_ids.iter().any(|written| written == id)
        || doc.fragment_is_itself(id)
        || theme_holds(ctx, i, id)
}

/// Whether the theme's page of document `i` may hold the id `id`. Of the default theme's
/// ids, the main element and the search box are on every page, a section's heading only
/// when the document has what the section shows on at least one site; the ids the
/// project's own templates write as they are may be on any page.
fn theme_holds(ctx: &Ctx<'_>, i: usize, id: &str) -> bool {
    let doc = &ctx.docs[i];
    let leads = !ctx.graph.outgoing[i].is_empty();
    match id {
        "kr-heading" => !doc.key_results.is_empty(),
        "slips-heading" => !doc.target_history.is_empty(),
        "rationale-heading" => doc.rationale.as_deref().is_some_and(|r| !r.is_empty()),
        "why-heading" => leads,
        "relations-heading" => leads || !ctx.graph.incoming[i].is_empty(),
        _ => crate::theme::PAGE_IDS.contains(&id) || doc.page_ids.iter().any(|known| known == id),
    }
}
