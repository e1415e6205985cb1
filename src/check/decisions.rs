//! Rules about the decision lifecycle.

use super::Ctx;
use crate::diag::Diagnostic;
use crate::model::{Kind, RelKind};

pub fn lifecycle(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        if doc.kind != Kind::Decision {
            continue;
        }
        let successors: Vec<usize> = ctx
            .graph
            .into(i, RelKind::Supersedes)
            .map(|e| e.from)
            .collect();
        let written = doc.status.as_deref().unwrap_or_default();
        // A successor that was itself superseded or deprecated later was accepted once.
        let ever_accepted = |s: usize| crate::model::ever_accepted(ctx.docs[s].status.as_deref());
        if written.starts_with("superseded") && !successors.iter().any(|&s| ever_accepted(s)) {
            let message = format!(
                "decision {} is superseded, but no accepted decision supersedes it",
                ctx.name(i)
            );
            out.push(
                ctx.at("superseded-without-successor", i, "status", message)
                    .with_help("add `supersedes` to the decision that replaced it"),
            );
        }
        // Decided, but on a day still to come: the log shows it decided already.
        if written == "rejected" || crate::model::ever_accepted(Some(written)) {
            out.extend(ctx.done_ahead(
                "decided-after-today",
                i,
                written,
                "the decision log shows it decided already",
                "correct the date, or keep it proposed until it is decided",
            ));
        }
        for edge in ctx.graph.out_of(i, RelKind::Supersedes) {
            let old = edge.to.doc;
            let old_status = ctx.docs[old].status.as_deref().unwrap_or_default();
            if matches!(old_status, "draft" | "proposed" | "rejected") {
                let message = format!(
                    "decision {} supersedes {}, which was never accepted (it is {old_status})",
                    ctx.name(i),
                    ctx.name(old)
                );
                let diag = ctx.at_edge("supersedes-unaccepted", edge, message);
                out.push(ctx.related(diag, old, "status", "its status"));
            }
        }
    }
    out
}
