//! Links within a document's own page.

use super::Ctx;
use crate::diag::{Diagnostic, Location};

/// A link within a page (`[usage](#usage)`) to an anchor the page does not have: a
/// heading renamed or removed, or a typo. Readers click and nothing happens.
pub fn own_anchors(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The ids the project's own templates write, read at the first link no other id
    // answers.
    let mut templates: Option<Vec<String>> = None;
    for (i, doc) in ctx.docs.iter().enumerate() {
        for link in &doc.fragments {
            let written = &link.text[1..];
            let decoded = crate::graph::percent_decode(written);
            let ids = [written, &decoded];
            if ids.iter().any(|id| has_id(ctx, i, id))
                || ids.iter().any(|id| {
                    templates
                        .get_or_insert_with(|| crate::theme::project_page_ids(ctx.dir))
                        .iter()
                        .any(|known| known == id)
                })
            {
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
/// the default theme's own, a footnote or an element of the body's raw HTML, or the top of
/// the page. The ids of the project's own templates are looked up apart.
fn has_id(ctx: &Ctx<'_>, i: usize, id: &str) -> bool {
    let doc = &ctx.docs[i];
    doc.has_anchor(id)
        || id.strip_prefix("kr-").is_some_and(|kr| {
            doc.key_result(kr).is_some() || doc.unread_key_results.iter().any(|k| k == kr)
        })
        || theme_holds(ctx, i, id)
        || doc.body_ids.iter().any(|written| written == id)
        || doc.fragment_is_itself(id)
}

/// Whether the default theme's page of document `i` may hold the theme's id `id`: the
/// main element and the search box always, a section's heading only when the document has
/// what the section shows on at least one site.
fn theme_holds(ctx: &Ctx<'_>, i: usize, id: &str) -> bool {
    let doc = &ctx.docs[i];
    let leads = !ctx.graph.outgoing[i].is_empty();
    match id {
        "kr-heading" => !doc.key_results.is_empty(),
        "slips-heading" => !doc.target_history.is_empty(),
        "rationale-heading" => doc.rationale.as_deref().is_some_and(|r| !r.is_empty()),
        "why-heading" => leads,
        "relations-heading" => leads || !ctx.graph.incoming[i].is_empty(),
        _ => crate::theme::PAGE_IDS.contains(&id),
    }
}
