//! Rules about what reaches public sites and about the changelog.

use super::Ctx;
use crate::audience::may_show;
use crate::config::Home;
use crate::diag::Diagnostic;
use crate::model::{Kind, RelKind};

/// A public document that references a document its public site does not show: the link
/// turns into plain text there, which usually means the reference should not be public.
pub fn leaks(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let default = ctx.config.default_audience();
    let mut out = Vec::new();
    for (name, site) in ctx.config.sites.iter().filter(|(_, s)| s.public) {
        let shown: Vec<bool> = ctx
            .docs
            .iter()
            .map(|d| may_show(d, site, &default))
            .collect();
        for edge in &ctx.graph.edges {
            if shown[edge.from] && !shown[edge.to.doc] && edge.shown_to(&site.audiences) {
                let message = format!(
                    "public document {} references {}, which the public site `{name}` does not show",
                    ctx.name(edge.from),
                    ctx.name(edge.to.doc)
                );
                let diag = ctx.at_edge("public-links-internal", edge, message)
                    .with_help("make the target public too, or drop the reference from the public document");
                out.push(ctx.related(diag, edge.to.doc, "audience", "its audience"));
            }
        }
        let wanted: &[Kind] = match site.home {
            Home::Roadmap => &[Kind::Initiative, Kind::Objective],
            Home::ReleasePlan | Home::Changelog => &[Kind::Release],
            Home::Index => &Kind::ALL,
        };
        // The changelog lists only releases that went out, unless it shows unreleased work.
        let listed = |i: usize| {
            site.home != Home::Changelog
                || site.show_unreleased
                || matches!(ctx.status(i), Some("released" | "yanked"))
        };
        let empty = !ctx
            .docs
            .iter()
            .zip(&shown)
            .enumerate()
            .any(|(i, (d, s))| *s && wanted.contains(&d.kind) && listed(i));
        if empty {
            let message = format!(
                "the home page of public site `{name}` would be empty: no document it needs lists one of its audiences ({})",
                site.audiences.join(", ")
            );
            let location = crate::diag::Location::new(
                ctx.dir.join(crate::config::CONFIG_FILE),
                site.line.max(1),
                1,
            );
            out.push(Diagnostic::warning(location, message).with_rule("empty-public-home"));
        }
    }
    out
}

pub fn changelog(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Every release's version, sorted once: a breaking change looks up the one before.
    let versions = std::cell::OnceCell::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        if doc.kind != Kind::Change {
            continue;
        }
        let Some(edge) = ctx.graph.out_of(i, RelKind::Release).next() else {
            continue;
        };
        let release = edge.to.doc;
        if ctx.status(release) == Some("released")
            && doc.category.is_none()
            && doc.category_text.is_none()
        {
            let message = format!(
                "change {} is in released {} but has no category",
                ctx.name(i),
                ctx.name(release)
            );
            out.push(
                ctx.at("change-without-category", i, "release", message)
                    .with_help(
                        "set `category` (added, changed, deprecated, removed, fixed, security)",
                    ),
            );
        }
        if doc.breaking
            && let Some(kind) = minor_or_patch(ctx, release, &versions)
        {
            let message = format!(
                "breaking change {} ships in {}, a {kind} release; semantic versioning wants a new major version",
                ctx.name(i),
                ctx.name(release)
            );
            let diag = ctx.at("breaking-in-minor-release", i, "breaking", message);
            out.push(ctx.related(diag, release, "version", "the release version"));
        }
    }
    out
}

fn semver(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.trim_start_matches('v').split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let version = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(version)
}

/// "minor" or "patch" when the release keeps the major version of the release before it
/// (0.x releases may break in minor versions, as semver allows).
fn minor_or_patch(
    ctx: &Ctx<'_>,
    release: usize,
    versions: &std::cell::OnceCell<Vec<(u64, u64, u64)>>,
) -> Option<&'static str> {
    let version = semver(ctx.docs[release].version.as_deref()?)?;
    if version.0 == 0 {
        return None;
    }
    let versions = versions.get_or_init(|| {
        let mut all: Vec<_> = ctx
            .docs
            .iter()
            .filter(|d| d.kind == Kind::Release)
            .filter_map(|d| semver(d.version.as_deref()?))
            .collect();
        all.sort_unstable();
        all
    });
    let below = versions.partition_point(|v| *v < version);
    let previous = *versions.get(below.checked_sub(1)?)?;
    if previous.0 != version.0 {
        return None;
    }
    Some(if previous.1 != version.1 {
        "minor"
    } else {
        "patch"
    })
}
