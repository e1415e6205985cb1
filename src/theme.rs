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

/// Every file under `dir` by relative `/`-separated path and where it is, in name order;
/// nothing when `dir` is absent. Hidden files are skipped and symlinks are not followed.
fn files_under(dir: &Path) -> anyhow::Result<Vec<(String, std::path::PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel.to_string_lossy().replace('\\', "/");
        out.push((name, entry.into_path()));
    }
    Ok(out)
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
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut found: Vec<String> = Vec::new();
        for name in [
            "base.html",
            "page.html",
            "_fields.html",
            "_key_results.html",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            for part in text.split("id=\"").skip(1) {
                let id = &part[..part.find('"').unwrap()];
                if !id.contains("{{") {
                    found.push(id.to_string());
                }
            }
        }
        found.sort();
        let mut known: Vec<String> = PAGE_IDS.iter().map(ToString::to_string).collect();
        known.sort();
        assert_eq!(found, known);
    }
}
