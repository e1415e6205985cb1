//! Rules about what reaches public sites and about the changelog.

use super::{Ctx, join_and};
use crate::audience::may_show;
use crate::config::Home;
use crate::diag::{Diagnostic, Location};
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
            // A decision the site hides does not make the one it shows `superseded` there.
            let (public, successor) = (edge.to.doc, edge.from);
            let superseded_by_internal = edge.kind == RelKind::Supersedes
                && shown[public]
                && !shown[successor]
                && crate::model::ever_accepted(ctx.docs[successor].status.as_deref())
                && ctx.docs[public].status.as_deref() != Some("superseded")
                && !ctx.graph.superseders(ctx.docs, public).any(|j| shown[j]);
            // Written in the public document itself, at either end: a record's
            // `Superseded by [2](…)` names the internal record 2 on the public page, but
            // written in the internal one it names nothing there.
            let own = edge.written_in;
            let other = if own == edge.from {
                edge.to.doc
            } else {
                edge.from
            };
            if shown[own]
                && !shown[other]
                && edge.shown_to(&site.audiences)
                && !superseded_by_internal
            {
                let message = format!(
                    "public document {} references {}, which the public site `{name}` does not show",
                    ctx.name(own),
                    ctx.name(other)
                );
                let diag = ctx.at_edge("public-links-internal", edge, message)
                    .with_help("make the target public too, or drop the reference from the public document");
                out.push(ctx.related(diag, other, "audience", "its audience"));
            }
            if superseded_by_internal {
                let as_written = match &ctx.docs[public].status {
                    Some(status) => format!("as {status}"),
                    None => "without a status".to_string(),
                };
                let message = format!(
                    "public decision {} is superseded by {}, which the public site `{name}` does not show, so that site shows it {as_written}",
                    ctx.name(public),
                    ctx.name(successor)
                );
                let diag = ctx.at_edge("superseded-by-internal", edge, message).with_help(
                    "make the superseding decision public too, or set the public decision's own status",
                );
                out.push(ctx.related(diag, public, "audience", "the public decision's audience"));
            }
        }
        out.extend(releases_without_changes(ctx, name, site, &shown));
        let wanted: &[Kind] = match site.home {
            Home::Roadmap => &[Kind::Initiative, Kind::Objective],
            Home::ReleasePlan | Home::Changelog => &[Kind::Release],
            Home::Index => &Kind::ALL,
        };
        // The changelog lists only releases that went out (`show_unreleased` adds the
        // changes in no release, below, and never a planned release).
        let listed =
            |i: usize| site.home != Home::Changelog || crate::model::release_shipped(ctx.status(i));
        let wanted_shown: Vec<usize> = (ctx.docs.iter().zip(&shown).enumerate())
            .filter(|(_, (d, s))| **s && wanted.contains(&d.kind))
            .map(|(i, _)| i)
            .collect();
        // Work in no release fills the release plan ("Not yet in a release"), and the
        // changelog of a site that shows unreleased changes.
        let unreleased = |i: usize| {
            let listed = match (site.home, ctx.docs[i].kind) {
                (Home::ReleasePlan, Kind::Change) => true,
                (Home::ReleasePlan, Kind::Initiative) => ctx.is_open(i),
                (Home::Changelog, Kind::Change) => site.show_unreleased,
                _ => false,
            };
            listed && ctx.graph.in_no_release(i)
        };
        let filled = (0..ctx.docs.len()).any(|i| shown[i] && unreleased(i));
        if !filled && !wanted_shown.iter().any(|&i| listed(i)) {
            let message = if wanted_shown.is_empty() {
                format!(
                    "the home page of public site `{name}` would be empty: no document it needs lists one of its audiences ({})",
                    site.audiences.join(", ")
                )
            } else {
                format!(
                    "the home page of public site `{name}` would be empty: none of its releases has gone out yet (a changelog lists released and yanked ones{})",
                    if site.show_unreleased {
                        ", and the changes in no release, of which it has none"
                    } else {
                        ""
                    }
                )
            };
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

/// A release that went out, shown on a public site that hides every change in it: its
/// changelog entry there says "No changes listed." Releases without changes at all are
/// left alone; some are written to say what they are in their summary.
fn releases_without_changes(
    ctx: &Ctx<'_>,
    name: &str,
    site: &crate::config::SiteConfig,
    shown: &[bool],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (release, doc) in ctx.docs.iter().enumerate() {
        if doc.kind != Kind::Release
            || !shown[release]
            || !crate::model::release_shipped(ctx.status(release))
        {
            continue;
        }
        let changes: Vec<&crate::graph::Edge> = ctx
            .graph
            .into(release, RelKind::Release)
            .filter(|edge| ctx.docs[edge.from].kind == Kind::Change)
            .collect();
        let Some(first) = changes.first() else {
            continue;
        };
        if changes
            .iter()
            .any(|edge| shown[edge.from] && edge.shown_to(&site.audiences))
        {
            continue;
        }
        let hidden = match changes.len() {
            1 => format!("the public site `{name}` does not show its one change"),
            n => format!("the public site `{name}` shows none of its {n} changes"),
        };
        let message = format!(
            "release {} went out, but {hidden}, so that site's changelog says \"No changes listed.\" for it",
            ctx.name(release)
        );
        let diag = ctx
            .at("release-without-public-changes", release, "audience", message)
            .with_help("add the site's audience to the changes customers should read about, or keep the release off the public site");
        out.push(ctx.related(diag, first.from, "audience", "a change's audience"));
    }
    out
}

/// Audience names that no site lists: in a document's `audience`, in an audience block's
/// marker, and in `default_audience` and `changelog_audience`. What they mark is shown
/// nowhere for them (audiences are matched exactly), which is usually a typo (`pubilc`,
/// `Exec`), but can be meant (`audience = ["draft"]`), hence a warning.
pub fn audiences(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut known: Vec<&str> = ctx
        .config
        .sites
        .values()
        .flat_map(|site| site.audiences.iter().map(String::as_str))
        .collect();
    known.sort_unstable();
    known.dedup();
    let unknown = |list: &[String]| -> Vec<String> {
        list.iter()
            .filter(|a| known.binary_search(&a.as_str()).is_err())
            .cloned()
            .collect()
    };
    // Known names by their lowercase form, for the help's "did you mean".
    let mut folded: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for k in &known {
        folded.entry(k.to_ascii_lowercase()).or_insert(k);
    }
    // The known names as every finding lists them: all of them, unless there are many.
    const LISTED: usize = 12;
    let listed = match known.len() {
        n if n <= LISTED => known.join(", "),
        n => format!("{} and {} more", known[..LISTED].join(", "), n - LISTED),
    };
    // What a finding says about the unknown names: each quoted, and what they hide.
    let finding = |names: &[String], whole: bool, what: &str| {
        let quoted: Vec<String> = names.iter().map(|a| format!("`{a}`")).collect();
        let (noun, verb) = if names.len() == 1 {
            ("audience", "is")
        } else {
            ("audiences", "are")
        };
        let outcome = if whole {
            format!(", so no site shows {what}")
        } else {
            format!("; only the sites of the other audiences listed there show {what}")
        };
        format!(
            "{noun} {} {verb} listed by no site (the sites list {listed}){outcome}",
            join_and(&quoted),
        )
    };
    let help = |names: &[String]| {
        let near = names.iter().find_map(|name| {
            folded
                .get(&name.to_ascii_lowercase())
                .map(|k| format!("audience names are matched exactly: did you mean `{k}`?"))
        });
        near.unwrap_or_else(|| {
            "correct the name or add it to a site's `audiences` in align.toml; if hiding is meant, set `unknown-audience = \"off\"` in [check.rules]".to_string()
        })
    };
    let mut out = Vec::new();
    let config_file = ctx.dir.join(crate::config::CONFIG_FILE);
    let settings = [
        (
            &ctx.config.default_audience,
            ctx.config.default_audience_line,
            "`default_audience`",
            "documents that name no audience",
        ),
        (
            &ctx.config.import.changelog_audience,
            ctx.config.import.changelog_audience_line,
            "`changelog_audience`",
            "the imported changelog",
        ),
    ];
    for (list, line, key, what) in settings {
        let Some(list) = list else { continue };
        let location = crate::diag::Location::new(&config_file, line.max(1), 1);
        if list.is_empty() {
            let message = format!("{key} is empty, so no site shows {what}");
            out.push(
                Diagnostic::warning(location, message)
                    .with_rule("unknown-audience")
                    .with_help(format!(
                        "name the audiences that may see {what}, or remove the setting; if hiding is meant, set `unknown-audience = \"off\"` in [check.rules]"
                    )),
            );
            continue;
        }
        let names = unknown(list);
        if names.is_empty() {
            continue;
        }
        let message = format!(
            "{key}: {}",
            finding(&names, names.len() == list.len(), what)
        );
        out.push(
            Diagnostic::warning(location, message)
                .with_rule("unknown-audience")
                .with_help(help(&names)),
        );
    }
    let changelog = ctx.config.import.changelog.as_deref();
    for (i, doc) in ctx.docs.iter().enumerate() {
        // The imported changelog's records take their audience from `changelog_audience`,
        // reported above; decision records in other formats may name their own.
        let from_changelog = doc.imported && Some(doc.source.as_path()) == changelog;
        if let Some(list) = doc.audience.as_ref().filter(|_| !from_changelog) {
            if list.is_empty() {
                let message = format!(
                    "the `audience` of {} is empty, so no site shows it",
                    ctx.name(i)
                );
                out.push(
                    ctx.at("unknown-audience", i, "audience", message).with_help(
                        "name the audiences that may see it, or remove the field to use `default_audience`; if hiding is meant, set `unknown-audience = \"off\"` in [check.rules]",
                    ),
                );
            }
            let names = unknown(list);
            if !names.is_empty() {
                let message = finding(&names, names.len() == list.len(), &ctx.name(i));
                out.push(
                    ctx.at("unknown-audience", i, "audience", message)
                        .with_help(help(&names)),
                );
            }
        }
        // Made once for the document's blocks: counting the lines from the body's start
        // for each of thousands of them took seconds.
        let mut lines = None;
        for block in &doc.blocks {
            let names = unknown(&block.audiences);
            if names.is_empty() {
                continue;
            }
            let index = lines.get_or_insert_with(|| crate::load::LineIndex::new(&doc.body));
            let line = doc.body_line + index.locate(block.open_marker.0).0;
            let what = format!("the text of this audience block in {}", ctx.name(i));
            let message = finding(&names, names.len() == block.audiences.len(), &what);
            out.push(
                ctx.at_line("unknown-audience", i, line, message)
                    .with_help(help(&names)),
            );
        }
    }
    out
}

pub fn changelog(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = duplicate_versions(ctx);
    out.extend(dates_out_of_order(ctx));
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

/// Two releases of one version: the changelog, its feed and the release plan would list
/// the version twice, each with part of its changes. `v1.2.0` and `1.2.0` are one version.
fn duplicate_versions(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (i, doc) in ctx.docs.iter().enumerate() {
        if doc.kind != Kind::Release {
            continue;
        }
        let Some(version) = doc
            .version
            .as_deref()
            .map(|v| v.trim().trim_start_matches('v'))
        else {
            continue;
        };
        if version.is_empty() {
            continue;
        }
        match first.get(version) {
            None => {
                first.insert(version, i);
            }
            Some(&earlier) => {
                let message = format!(
                    "release {} has the same version as {}: the changelog would list {version} twice",
                    ctx.name(i),
                    ctx.name(earlier)
                );
                let diag = ctx
                    .at("duplicate-version", i, "version", message)
                    .with_help("give each release its own version, or merge the two into one release document");
                out.push(ctx.related(diag, earlier, "version", "the same version"));
            }
        }
    }
    out
}

/// A release dated after a higher version: the changelog lists releases by date, so it
/// stands out of its place, and its date is most likely a typo (`2021-12-20` for
/// `2020-12-20`). Releases that have not gone out, pre-releases, and releases without a
/// date or a readable version are left out.
fn dates_out_of_order(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    // Only releases that went out: a planned one's date is a plan.
    let mut dated: Vec<(Vec<u64>, jiff::civil::Date, usize)> = (ctx.docs.iter().enumerate())
        .filter(|&(i, d)| d.kind == Kind::Release && crate::model::release_shipped(ctx.status(i)))
        .filter_map(|(i, d)| {
            let parts = version_numbers(d.version.as_deref()?)?;
            let date = d.date.as_ref()?.date()?;
            Some((parts, date, i))
        })
        .collect();
    dated.sort();
    let mut out = Vec::new();
    // From the highest version down: the earliest date among the versions above.
    // (Two releases of one version are `duplicate-version`'s.)
    let mut earliest: Option<(jiff::civil::Date, usize, &Vec<u64>)> = None;
    for (parts, date, i) in dated.iter().rev() {
        if let Some((first, higher, version)) = earliest
            && *date > first
            && parts != version
        {
            let message = format!(
                "release {} is dated {date}, after the higher version {}, dated {first}: the changelog, which lists releases by date, shows it out of its place",
                ctx.name(*i),
                ctx.name(higher)
            );
            let diag = ctx
                .at("release-date-order", *i, "date", message)
                .with_help("correct the date (a year typed wrong?), or the version");
            out.push(ctx.related(diag, higher, "date", "the higher version's date"));
        }
        if earliest.is_none_or(|(first, ..)| *date < first) {
            earliest = Some((*date, *i, parts));
        }
    }
    out
}

/// A version's numbers (`v1.2.3`: 1, 2 and 3, as many as it has); `None` for one with
/// a pre-release or build part, or anything but numbers.
fn version_numbers(text: &str) -> Option<Vec<u64>> {
    (text.trim().trim_start_matches('v').split('.'))
        .map(|part| part.parse().ok())
        .collect()
}

/// A semantic version's major, minor and patch, its pre-release and build parts left out.
fn semver(text: &str) -> Option<(u64, u64, u64)> {
    let core = text
        .trim()
        .trim_start_matches('v')
        .split(['-', '+'])
        .next()?;
    match version_numbers(core)?.as_slice() {
        &[major, minor, patch] => Some((major, minor, patch)),
        _ => None,
    }
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

/// Documents whose raw HTML is more than the sanitiser parses in linear time
/// (`render::html_load`): the sites that sanitise raw HTML show it as text.
pub fn raw_html(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let default = ctx.config.default_audience();
    let sanitising: Vec<_> = ctx
        .config
        .sites
        .iter()
        .filter(|(_, site)| site.raw_html() == crate::config::RawHtml::Sanitize)
        .collect();
    if sanitising.is_empty() {
        return Vec::new();
    }
    // Measured while each body was read: a check reads no body again.
    ctx.docs
        .iter()
        .enumerate()
        .filter(|(_, doc)| doc.html_past_bound)
        .filter_map(|(i, doc)| {
            let sites: Vec<String> = sanitising
                .iter()
                .filter(|(_, site)| may_show(doc, site, &default))
                .map(|(name, _)| format!("`{name}`"))
                .collect();
            let (shows, them) = match sites.len() {
                0 => return None,
                1 => ("site", "shows it"),
                _ => ("sites", "show it"),
            };
            let message = format!(
                "{} holds more raw HTML, or nests it deeper, than align sanitises, so the {shows} {} {them} as text",
                ctx.name(i),
                join_and(&sites)
            );
            let line = doc.body_line + crate::render::markdown::first_raw_html_line(&doc.body);
            Some(ctx.at_line("raw-html-limits", i, line, message).with_help(
                "close the elements its HTML opens and nest less, or split it into smaller documents",
            ))
        })
        .collect()
}

/// A file under `static/` where a site writes a file of its own: a view, list or site file
/// (`robots.txt`), a document's page, or a file a document links to. The site's file takes
/// the place, and the static file is not copied there.
pub fn shadowed_statics(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let default = ctx.config.default_audience();
    let shown = |doc: usize| {
        let doc = &ctx.docs[doc];
        ctx.config
            .sites
            .values()
            .any(|site| may_show(doc, site, &default))
    };
    let statics = crate::theme::project_statics(ctx.dir);
    // Most projects have no static files of their own: the map of every page is made
    // only for those that do (a tenth of the rules' time, on each edit in `serve`).
    if statics.is_empty() {
        return Vec::new();
    }
    let linked = (ctx.assets.iter())
        .filter(|(doc, ..)| shown(*doc))
        .map(|(doc, path, _)| (*doc, path.as_str()));
    let writes = crate::project::SiteWrites::new(ctx.docs, shown, linked);
    statics
        .into_iter()
        .filter_map(|(rel, path)| {
            let why = if rel.starts_with("lists/") {
                "`lists/` holds every site's lists".to_string()
            } else if crate::project::is_sitemap_part(&rel) {
                "a sitemap too long for one file is written in parts of that name".to_string()
            } else if let Some(clash) = writes.clash(&rel) {
                use crate::project::Clash;
                match clash {
                    Clash::Owned(path) if path == rel => format!("every site writes `{rel}` itself"),
                    Clash::Owned(path) if path.eq_ignore_ascii_case(&rel) => format!(
                        "every site writes `{path}` itself, the same file where file names ignore case (macOS, Windows, some hosts)"
                    ),
                    Clash::Owned(path) => {
                        format!("every site writes `{path}` itself, a file where this needs a folder")
                    }
                    Clash::Page(doc, path) => {
                        let doc = &ctx.docs[doc];
                        let (what, place) = if path == rel {
                            ("it is", String::new())
                        } else {
                            ("it goes under", format!(" (`{path}`), a file where this needs a folder"))
                        };
                        format!(
                            "{what} the page of `{}` ({}) on the sites that show it{place}",
                            doc.path_id, doc.title
                        )
                    }
                    Clash::OwnFolder => format!("every site writes its own files into `{rel}/`"),
                    Clash::Linked(doc, path) => {
                        let place = if path == rel {
                            String::new()
                        } else {
                            " (a file where this needs a folder)".to_string()
                        };
                        format!(
                            "`{}` links to `content/{path}`, which the sites that show it publish there{place}",
                            ctx.docs[doc].path_id
                        )
                    }
                    Clash::LinkedFolder(doc) => format!(
                        "`{}` links to a file under `content/{rel}/`, which the sites that show it publish there",
                        ctx.docs[doc].path_id
                    ),
                    Clash::Folder(doc) => {
                        let doc = &ctx.docs[doc];
                        format!(
                            "the sites that show `{}` ({}) write its page into a folder `{rel}`",
                            doc.path_id, doc.title
                        )
                    }
                }
            } else {
                return None;
            };
            let message = format!("`static/{rel}` is not copied: {why}");
            Some(
                Diagnostic::warning(Location::new(path, 1, 1), message)
                    .with_rule("shadowed-static-file")
                    .with_help(
                        "rename or move the file; to change a view or a page, override its template under `templates/` (docs/theming.md)",
                    ),
            )
        })
        .collect()
}
