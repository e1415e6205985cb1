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
        let ever_accepted = |s: usize| {
            let status = ctx.docs[s].status.as_deref().unwrap_or_default();
            status == "accepted" || status == "deprecated" || status.starts_with("superseded")
        };
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
        if let Some(cycle) = cycle_from(ctx, i)
            && cycle.iter().min() == Some(&i)
        {
            let names: Vec<String> = cycle.iter().map(|&d| ctx.name(d)).collect();
            let message = format!(
                "decisions supersede each other in a cycle: {}",
                names.join(" → ")
            );
            let diag = ctx.at("supersession-cycle", i, "supersedes", message);
            out.push(ctx.related(
                diag,
                cycle[1 % cycle.len()],
                "supersedes",
                "next in the cycle",
            ));
        }
    }
    out
}

/// The cycle through `start` along `supersedes`, if there is one.
fn cycle_from(ctx: &Ctx<'_>, start: usize) -> Option<Vec<usize>> {
    let mut path = vec![start];
    let mut stack = vec![(start, 0usize)];
    while let Some((node, next)) = stack.pop() {
        let targets: Vec<usize> = ctx
            .graph
            .out_of(node, RelKind::Supersedes)
            .map(|e| e.to.doc)
            .collect();
        if next >= targets.len() {
            path.pop();
            continue;
        }
        stack.push((node, next + 1));
        let target = targets[next];
        if target == start {
            return Some(path.clone());
        }
        if !path.contains(&target) && path.len() < 64 {
            path.push(target);
            stack.push((target, 0));
        }
    }
    None
}
