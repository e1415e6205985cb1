//! The template engine, with an optional memo: a page whose template context and templates
//! are unchanged since the last pass is not rendered again. `serve` uses the memo for
//! incremental rebuilds; since a page is a pure function of its context and templates, the
//! result is the same bytes a clean build writes.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use serde::Serialize;
use tera::{Kwargs, State, Tera};

/// Compiled templates, and what each one pulls in.
pub struct Renderer {
    tera: Tera,
    /// Per template: a hash of its own text and every template it extends or includes.
    closures: HashMap<String, blake3::Hash>,
    memo: Option<Mutex<Memo>>,
}

#[derive(Default)]
struct Memo {
    generation: u64,
    entries: HashMap<String, (blake3::Hash, Bytes, u64)>,
}

impl Renderer {
    /// A renderer that renders every page it is asked for.
    pub fn new(templates: &[(String, String)]) -> anyhow::Result<Self> {
        let mut tera = Tera::new();
        tera.register_filter("num", |x: f64, _: Kwargs, _: &State| {
            super::format_number(x)
        });
        tera.register_filter("slug", |x: &str, _: Kwargs, _: &State| {
            let s = crate::load::slug(x);
            if s.is_empty() {
                "unnamed".to_string()
            } else {
                s
            }
        });
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|err| located(&err.to_string(), "template error"))?;
        Ok(Renderer {
            tera,
            closures: closures(templates),
            memo: None,
        })
    }

    /// A renderer that remembers what it rendered, for rebuilds.
    pub fn with_memo(templates: &[(String, String)]) -> anyhow::Result<Self> {
        let mut renderer = Renderer::new(templates)?;
        renderer.memo = Some(Mutex::new(Memo::default()));
        Ok(renderer)
    }

    /// Carries the memo of an older renderer over, after templates changed: pages whose
    /// templates did not change are still reused.
    pub fn adopt_memo(&mut self, old: Renderer) {
        self.memo = old.memo;
    }

    /// Whether rendered pages are remembered between rebuilds (in `serve`).
    pub fn has_memo(&self) -> bool {
        self.memo.is_some()
    }

    /// Starts a rebuild pass; entries not used during it are dropped by [`Renderer::end_pass`].
    pub fn begin_pass(&self) {
        if let Some(memo) = &self.memo {
            memo.lock().unwrap_or_else(|e| e.into_inner()).generation += 1;
        }
    }

    pub fn end_pass(&self) {
        if let Some(memo) = &self.memo {
            let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
            let current = memo.generation;
            memo.entries.retain(|_, entry| entry.2 == current);
        }
    }

    /// Renders `template` with `ctx`; `key` names the output (site and path) for the memo.
    pub fn page<T: Serialize>(&self, key: &str, template: &str, ctx: &T) -> anyhow::Result<Bytes> {
        let Some(memo) = &self.memo else {
            return Ok(Bytes::from(self.render(template, ctx)?));
        };
        let mut hasher = blake3::Hasher::new();
        hasher.update(template.as_bytes());
        if let Some(closure) = self.closures.get(template) {
            hasher.update(closure.as_bytes());
        }
        crate::audience::hashing_items(|| crate::digest::hash_into(&mut hasher, ctx))?;
        let hash = hasher.finalize();
        self.remember(memo, key, hash, || {
            Ok(Bytes::from(self.render(template, ctx)?))
        })
    }

    /// Memoises any computed output under `key`, keyed by an input hash.
    pub fn memoised(&self, key: &str, hash: blake3::Hash, make: impl FnOnce() -> Bytes) -> Bytes {
        match &self.memo {
            None => make(),
            Some(memo) => self
                .remember(memo, key, hash, || Ok(make()))
                .unwrap_or_default(),
        }
    }

    fn remember(
        &self,
        memo: &Mutex<Memo>,
        key: &str,
        hash: blake3::Hash,
        make: impl FnOnce() -> anyhow::Result<Bytes>,
    ) -> anyhow::Result<Bytes> {
        {
            let mut guard = memo.lock().unwrap_or_else(|e| e.into_inner());
            let generation = guard.generation;
            if let Some(entry) = guard.entries.get_mut(key)
                && entry.0 == hash
            {
                entry.2 = generation;
                return Ok(entry.1.clone());
            }
        }
        let bytes = make()?;
        let mut guard = memo.lock().unwrap_or_else(|e| e.into_inner());
        let generation = guard.generation;
        guard
            .entries
            .insert(key.to_string(), (hash, bytes.clone(), generation));
        Ok(bytes)
    }

    pub fn render<T: Serialize>(&self, template: &str, ctx: &T) -> anyhow::Result<String> {
        let context = tera::Context::from_serialize(ctx)
            .map_err(|err| anyhow::anyhow!("template context for {template}: {err}"))?;
        self.tera
            .render(template, &context)
            .map_err(|err| located(&err.to_string(), &format!("template {template}")).into())
    }
}

/// Tera reports `error: MESSAGE` and then ` --> NAME:LINE:COL` with the source line;
/// this puts the place first, as every other error does: `templates/NAME:LINE:COL: error:
/// MESSAGE`, then the source lines. Anything else is kept, after `fallback`.
fn located(text: &str, fallback: &str) -> TemplateError {
    let mut lines = text.lines();
    let place = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .map(str::trim);
    let (Some(first), Some(place)) = (lines.next(), place) else {
        return TemplateError(format!("{fallback}: {text}"));
    };
    let message = first.trim().strip_prefix("error:").unwrap_or(first).trim();
    let rest: Vec<&str> = lines
        .filter(|l| !l.trim_start().starts_with("--> "))
        .collect();
    TemplateError(
        format!("templates/{place}: error: {message}\n{}", rest.join("\n"))
            .trim_end()
            .to_string(),
    )
}

/// A template that does not compile or render, with its place when Tera knows it; printed
/// as it is, without further context.
#[derive(Debug)]
pub struct TemplateError(pub String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TemplateError {}

/// For each template, a hash over its text and the texts of everything it extends or
/// includes, found by scanning for `{% extends "…" %}` and `{% include "…" %}`.
fn closures(templates: &[(String, String)]) -> HashMap<String, blake3::Hash> {
    let texts: HashMap<&str, &str> = templates
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    texts
        .keys()
        .map(|&name| {
            let mut seen: Vec<&str> = Vec::new();
            let mut stack = vec![name];
            while let Some(current) = stack.pop() {
                if seen.contains(&current) {
                    continue;
                }
                seen.push(current);
                stack.extend(
                    references(texts.get(current).copied().unwrap_or_default())
                        .filter(|r| texts.contains_key(r)),
                );
            }
            seen.sort_unstable();
            let mut hasher = blake3::Hasher::new();
            for part in seen {
                hasher.update(part.as_bytes());
                hasher.update(texts.get(part).copied().unwrap_or_default().as_bytes());
            }
            (name.to_string(), hasher.finalize())
        })
        .collect()
}

fn references(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").filter_map(|tag| {
        let tag = tag.trim_start_matches('-').trim_start();
        let rest = tag
            .strip_prefix("extends")
            .or_else(|| tag.strip_prefix("include"))?;
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = &rest[1..];
        inner.find(quote).map(|end| &inner[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates(page: &str) -> Vec<(String, String)> {
        vec![
            (
                "base.html".into(),
                "<b>{% block c %}{% endblock %}</b>".into(),
            ),
            ("page.html".into(), page.into()),
            ("other.html".into(), "{{ x }}".into()),
        ]
    }

    #[test]
    fn closure_changes_when_a_parent_changes() {
        let a = closures(&templates(
            r#"{% extends "base.html" %}{% block c %}{{ x }}{% endblock %}"#,
        ));
        let mut changed =
            templates(r#"{% extends "base.html" %}{% block c %}{{ x }}{% endblock %}"#);
        changed[0].1 = "<i>{% block c %}{% endblock %}</i>".into();
        let b = closures(&changed);
        assert_ne!(a["page.html"], b["page.html"]);
        assert_eq!(a["other.html"], b["other.html"]);
    }

    #[test]
    fn memo_reuses_unchanged_pages() {
        let r = Renderer::with_memo(&templates("{{ x }}")).unwrap();
        r.begin_pass();
        let first = r
            .page("s/a", "page.html", &serde_json::json!({"x": 1}))
            .unwrap();
        let again = r
            .page("s/a", "page.html", &serde_json::json!({"x": 1}))
            .unwrap();
        assert_eq!(
            first.as_ptr(),
            again.as_ptr(),
            "same bytes object means it was not re-rendered"
        );
        let changed = r
            .page("s/a", "page.html", &serde_json::json!({"x": 2}))
            .unwrap();
        assert_eq!(&changed[..], b"2");
        r.end_pass();
    }
}
