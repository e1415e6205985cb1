//! Relations that lead in a circle: decisions that supersede each other, initiatives that
//! wait for each other, objectives that are each other's parents.

use super::Ctx;
use crate::diag::Diagnostic;
use crate::model::{Kind, RelKind};

/// A rule about one relation's cycles: where it reports them, and what it says of a
/// document that names itself and of a cycle through several.
struct Circle {
    relation: RelKind,
    rule: &'static str,
    field: &'static str,
    itself: fn(&Ctx<'_>, usize) -> String,
    several: fn(&Ctx<'_>, &[usize]) -> String,
}

const CIRCLES: [Circle; 3] = [
    Circle {
        relation: RelKind::Supersedes,
        rule: "supersession-cycle",
        field: "supersedes",
        itself: |ctx, d| format!("decision {} supersedes itself", ctx.name(d)),
        several: |ctx, cycle| {
            format!(
                "decisions supersede each other in a cycle: {}",
                names(ctx, cycle)
            )
        },
    },
    Circle {
        relation: RelKind::DependsOn,
        rule: "dependency-cycle",
        field: "depends_on",
        itself: |ctx, d| {
            format!(
                "initiative {} depends on itself, so it can never start",
                ctx.name(d)
            )
        },
        several: |ctx, cycle| {
            format!(
                "initiatives depend on each other in a cycle: {}; none of them can start before another has finished",
                names(ctx, cycle)
            )
        },
    },
    Circle {
        relation: RelKind::Parent,
        rule: "parent-cycle",
        field: "parent",
        itself: |ctx, d| {
            format!(
                "{} {} is its own parent, so it traces to no strategy",
                ctx.docs[d].kind.as_str(),
                ctx.name(d)
            )
        },
        several: |ctx, cycle| {
            format!(
                "{} are each other's parents in a cycle: {}; none of them traces to a strategy",
                plural(ctx, cycle),
                names(ctx, cycle)
            )
        },
    },
];

pub fn cycles(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for circle in &CIRCLES {
        for cycle in ctx.graph.cycles(circle.relation).cycles {
            // Where the cycle's first relation is written (in the field, or on the other
            // end, or in an imported record's status line), with the next one's as related
            // location.
            let written = |from: usize, to: usize| {
                ctx.graph
                    .out_of(from, circle.relation)
                    .find(|edge| edge.to.doc == to)
            };
            let at = |from: usize, to: usize, message: String| match written(from, to) {
                Some(edge) => ctx.at_edge(circle.rule, edge, message),
                None => ctx.at(circle.rule, from, circle.field, message),
            };
            let diag = match cycle[..] {
                [one] => at(one, one, (circle.itself)(ctx, one)),
                [first, next, ..] => {
                    let diag = at(first, next, (circle.several)(ctx, &cycle));
                    let after = cycle[2 % cycle.len()];
                    match written(next, after) {
                        Some(edge) => ctx.related_edge(diag, edge, "next in the cycle"),
                        None => ctx.related(diag, next, circle.field, "next in the cycle"),
                    }
                }
                [] => continue,
            };
            out.push(diag);
        }
    }
    out
}

fn names(ctx: &Ctx<'_>, cycle: &[usize]) -> String {
    let names: Vec<String> = cycle.iter().map(|&d| ctx.name(d)).collect();
    names.join(" → ")
}

/// `objectives`, `strategies`, or `documents` when the cycle mixes the two.
fn plural(ctx: &Ctx<'_>, cycle: &[usize]) -> &'static str {
    let all = |kind: Kind| cycle.iter().all(|&d| ctx.docs[d].kind == kind);
    if all(Kind::Objective) {
        "objectives"
    } else if all(Kind::Strategy) {
        "strategies"
    } else {
        "documents"
    }
}
