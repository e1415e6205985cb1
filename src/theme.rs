//! The default theme, embedded in the binary, and a project's overrides: its own
//! `templates/` replace theme templates by name, its `static/` files are copied over the
//! theme's assets.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use rust_embed::Embed;
use walkdir::WalkDir;

#[derive(Embed)]
#[folder = "themes/default/"]
struct DefaultTheme;

/// The ids the default theme gives every document page besides its headings' and key
/// results' anchors: a link within the page may lead to them too, and a heading's anchor
/// never takes one of them (see [`crate::load::Anchors`]).
pub const PAGE_IDS: [&str; 8] = [
    "main",
    "search-input",
    "search-results",
    "kr-heading",
    "why-heading",
    "relations-heading",
    "rationale-heading",
    "slips-heading",
];

/// The default theme's templates a document's page is made with: the page, the base it
/// extends and the parts it includes or renders as partials.
pub const PAGE_TEMPLATES: [&str; 5] = [
    "base.html",
    "_header.html",
    "page.html",
    "_fields.html",
    "_key_results.html",
];

/// Whether `templates` make a document's page with the default theme's own templates:
/// none of [`PAGE_TEMPLATES`] is overridden, or each override is the theme's text.
pub fn page_is_default(templates: &[(String, String)]) -> bool {
    PAGE_TEMPLATES.iter().all(|&name| {
        let given = templates.iter().find(|(n, _)| n == name);
        let theme = DefaultTheme::get(&format!("templates/{name}"));
        matches!((given, theme), (Some((_, text)), Some(file)) if text.as_bytes() == &*file.data)
    })
}

/// The ids a project's own templates write as they are (`<section id="notes">`) where a
/// document's page may show them: in its overrides of [`PAGE_TEMPLATES`] and in templates
/// of its own, which only an override can include. An id made by an expression
/// (`id="{{ doc.id }}"`) is not known. Empty without a `templates/` folder.
pub fn project_page_ids(project: &Path) -> Vec<String> {
    let mut ids: Vec<String> = files_under(&project.join("templates"))
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _)| {
            PAGE_TEMPLATES.contains(&name.as_str())
                || DefaultTheme::get(&format!("templates/{name}")).is_none()
        })
        .filter_map(|(_, path)| std::fs::read_to_string(path).ok())
        .flat_map(|text| literal_ids(&text).map(str::to_string).collect::<Vec<_>>())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The values of the `id` attributes a template writes as they are, in order: quoted, with
/// no template expression or tag in them.
fn literal_ids(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("id=").filter_map(|(at, _)| {
        // `data-id=` or `aria-labelledby=` are other attributes.
        if !text[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            return None;
        }
        let rest = &text[at + 3..];
        let quote = rest.chars().next().filter(|&c| c == '"' || c == '\'')?;
        let value = &rest[1..rest[1..].find(quote)? + 1];
        (!value.is_empty() && !value.contains(['{', '}', '<', '>'])).then_some(value)
    })
}

/// Templates and static files, as the build uses them.
pub struct Theme {
    pub templates: Vec<(String, String)>,
    /// Files copied into every site, by path relative to the site root.
    pub files: Vec<(String, Cow<'static, [u8]>)>,
}

/// The default theme with the project's overrides applied, each list in name order.
pub fn load(project: &Path) -> anyhow::Result<Theme> {
    // By name: a project's file takes the place of the theme's of its name.
    let mut templates: BTreeMap<String, String> = BTreeMap::new();
    let mut files: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
    for name in DefaultTheme::iter() {
        let Some(file) = DefaultTheme::get(&name) else {
            continue;
        };
        if let Some(template) = name.strip_prefix("templates/") {
            let text = String::from_utf8(file.data.into_owned())
                .with_context(|| format!("theme template {name} is not UTF-8"))?;
            templates.insert(template.to_string(), text);
        } else if let Some(asset) = name.strip_prefix("static/") {
            files.insert(asset.to_string(), file.data);
        }
    }
    for (name, bytes) in read_tree(&project.join("templates"))? {
        let text =
            String::from_utf8(bytes).with_context(|| format!("template {name} is not UTF-8"))?;
        templates.insert(name, text);
    }
    for (name, bytes) in read_tree(&project.join("static"))? {
        files.insert(name, Cow::Owned(bytes));
    }
    Ok(Theme {
        templates: templates.into_iter().collect(),
        files: files.into_iter().collect(),
    })
}

/// Every file under `dir` by relative `/`-separated path, with its bytes.
fn read_tree(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    files_under(dir)?
        .into_iter()
        .map(|(name, path)| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok((name, bytes))
        })
        .collect()
}

/// The project's own files under `static/`, by path from a site's root and where they
/// are, without reading them; none when the folder cannot be read.
pub fn project_statics(project: &Path) -> Vec<(String, std::path::PathBuf)> {
    files_under(&project.join("static")).unwrap_or_default()
}

/// The path from a site's root of every static file a site is given: the default theme's
/// and the project's own, as [`load`] finds them, without reading them.
pub fn static_names(project: &Path) -> std::collections::HashSet<String> {
    let theme =
        DefaultTheme::iter().filter_map(|name| name.strip_prefix("static/").map(String::from));
    let own = project_statics(project).into_iter().map(|(name, _)| name);
    theme.chain(own).collect()
}

/// Fails as [`load`] would on the names of the project's templates and static files,
/// without reading them.
pub fn check_names(project: &Path) -> anyhow::Result<()> {
    files_under(&project.join("templates"))?;
    files_under(&project.join("static"))?;
    Ok(())
}

/// Whether a file or folder is left out of `templates/` or `static/`: a hidden one
/// (`.git/`, `.DS_Store`, `.gitkeep`), but for what hosts read at a site's root, at the
/// top of `static/`: `.well-known/` (`security.txt`), `.nojekyll` (GitHub Pages) and
/// `.htaccess`.
fn hidden(name: &str, depth: usize, statics: bool) -> bool {
    const PUBLISHED: [&str; 3] = [".well-known", ".nojekyll", ".htaccess"];
    name.starts_with('.') && !(statics && depth == 1 && PUBLISHED.contains(&name))
}

/// A warning for each symlink under the project's `templates/` and `static/`, which are
/// not followed: a file there that is a link is neither published nor used, and would
/// otherwise be missed without a word.
pub fn skipped_links(project: &Path) -> Vec<crate::diag::Diagnostic> {
    let mut found = Vec::new();
    for (folder, instead) in [
        (
            "templates",
            "the default theme's template of its name is used, if there is one",
        ),
        ("static", "it is not published"),
    ] {
        let Ok((_, links)) = walk_tree(&project.join(folder)) else {
            continue;
        };
        found.extend(links.into_iter().map(|link| {
            let message = format!(
                "a symlink under {folder}/ is not followed, so {instead}: put the file itself there"
            );
            crate::diag::Diagnostic::warning(crate::diag::Location::new(link, 1, 1), message)
                .without_source()
        }));
    }
    found
}

/// Every file under `dir` by relative `/`-separated path and where it is, in name order;
/// nothing when `dir` is absent. Hidden files are skipped (see [`hidden`]) and symlinks
/// are not followed.
/// A name that is not UTF-8 is an error.
fn files_under(dir: &Path) -> anyhow::Result<Vec<(String, std::path::PathBuf)>> {
    walk_tree(dir).map(|(files, _)| files)
}

/// [`files_under`], and the symlinks it skips.
type Tree = (Vec<(String, std::path::PathBuf)>, Vec<std::path::PathBuf>);

fn walk_tree(dir: &Path) -> anyhow::Result<Tree> {
    let statics = dir.file_name().is_some_and(|n| n == "static");
    let mut out = Vec::new();
    let mut links = Vec::new();
    if !dir.is_dir() {
        return Ok((out, links));
    }
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !hidden(&e.file_name().to_string_lossy(), e.depth(), statics)
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.path_is_symlink() && entry.depth() > 0 {
            links.push(entry.into_path());
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        // Published under a name changed by guessing, a file would not be where its
        // links look for it, and two such files could take one name.
        let Some(name) = rel.to_str() else {
            anyhow::bail!(
                "{}: the file's name is not valid UTF-8: rename it to publish it",
                entry.path().display()
            );
        };
        out.push((name.replace('\\', "/"), entry.into_path()));
    }
    Ok((out, links))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_file_replaces_the_theme_s_of_its_name_and_others_are_added() {
        let dir = tempfile::tempdir().unwrap();
        let stat = dir.path().join("static");
        std::fs::create_dir_all(&stat).unwrap();
        for i in 0..1_000 {
            std::fs::write(stat.join(format!("s{i}.css")), format!("{i}")).unwrap();
        }
        std::fs::create_dir_all(stat.join("assets")).unwrap();
        std::fs::write(stat.join("assets/style.css"), "mine").unwrap();
        let theme = load(dir.path()).unwrap();
        let default = load(Path::new("/nonexistent")).unwrap();
        assert_eq!(theme.files.len(), default.files.len() + 1_000);
        let file = |name: &str| theme.files.iter().find(|(n, _)| n == name).map(|(_, b)| b);
        assert_eq!(file("assets/style.css").map(|b| &b[..]), Some(&b"mine"[..]));
        assert_eq!(file("s7.css").map(|b| &b[..]), Some(&b"7"[..]));
        assert!(
            theme.files.windows(2).all(|w| w[0].0 < w[1].0),
            "in name order"
        );
        assert_eq!(theme.templates, default.templates);
    }

    #[test]
    fn the_theme_ids_are_those_the_default_theme_writes_on_a_page() {
        let mut found: Vec<String> = PAGE_TEMPLATES
            .iter()
            .map(|name| {
                DefaultTheme::get(&format!("templates/{name}"))
                    .unwrap()
                    .data
            })
            .flat_map(|data| {
                let text = String::from_utf8(data.into_owned()).unwrap();
                literal_ids(&text).map(str::to_string).collect::<Vec<_>>()
            })
            .collect();
        found.sort_unstable();
        let mut known = PAGE_IDS.map(str::to_string).to_vec();
        known.sort_unstable();
        assert_eq!(found, known);
    }

    #[test]
    fn literal_ids_are_the_id_attributes_written_as_they_are() {
        let text = r#"<div id="a" data-id="b" aria-labelledby="c"><p id='d'><i id="{{ x }}">
            <b id=e></b><h2
            id="f">"#;
        assert_eq!(literal_ids(text).collect::<Vec<_>>(), ["a", "d", "f"]);
    }

    #[test]
    fn a_project_s_page_ids_come_from_its_page_templates_and_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(templates.join("parts")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(templates.join(name), text).unwrap();
        write(
            "page.html",
            r#"<section id="notes">{% include "parts/team.html" %}</section>"#,
        );
        write(
            "parts/team.html",
            r#"<aside id="team"></aside><a id="notes"></a>"#,
        );
        // A list page's template is never part of a document's page.
        write("list.html", r#"<form id="filters"></form>"#);
        assert_eq!(project_page_ids(dir.path()), ["notes", "team"]);
        assert!(project_page_ids(Path::new("/nonexistent")).is_empty());
    }
}
