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
            // At the field of the cycle's first document, with the next one's as related
            // location.
            let diag = match cycle[..] {
                [one] => ctx.at(circle.rule, one, circle.field, (circle.itself)(ctx, one)),
                [first, next, ..] => {
                    let message = (circle.several)(ctx, &cycle);
                    let diag = ctx.at(circle.rule, first, circle.field, message);
                    ctx.related(diag, next, circle.field, "next in the cycle")
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
