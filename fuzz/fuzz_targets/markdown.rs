//! Markdown rendering with reference rewriting and audience blocks, as a site renders a
//! body: the body is cut to what the site may see, links to documents are rewritten or
//! turned into text, and raw HTML is sanitised, escaped or allowed. Invariants: text in a
//! block for another audience never reaches the output, and sanitised or escaped output
//! never carries a script or a `javascript:` link.
#![no_main]

use std::collections::HashMap;

use align::config::{RawHtml, SiteConfig};
use align::graph::Target;
use align::model::Document;
use align::render::markdown::{LinkFate, LinkResolver, render};
use libfuzzer_sys::fuzz_target;

const CANARY: &str = "CANARY-7f3a";

/// The start tags of an HTML fragment (text between them cannot hold `<`, it is escaped).
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let after = &rest[at + 1..];
        let end = after.find('>').unwrap_or(after.len());
        if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push(&after[..end]);
        }
        rest = &after[end..];
    }
    out
}

/// The attributes whose value a browser follows or loads as an address.
const URL_ATTRIBUTES: &[&str] = &[
    "href", "src", "action", "formaction", "xlink:href", "poster", "cite", "data",
    "background", "srcset",
];

/// The `name="value"` attributes of a start tag's text (`a href="x" class="y"`); the
/// serialiser always quotes values with `"`, and `"` inside them is escaped.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].rsplit(' ').next().unwrap_or_default();
        let after = &rest[eq + 2..];
        let end = after.find('"').unwrap_or(after.len());
        out.push((name, &after[..end]));
        rest = &after[(end + 1).min(after.len())..];
    }
    out
}

fn site() -> SiteConfig {
    toml::from_str("title = \"T\"\naudiences = [\"team\"]\n").expect("site")
}

fuzz_target!(|input: (u8, &str)| {
    let (mode, text) = input;
    if text.contains("CANARY") {
        return;
    }
    // A block only executives may read, first, so nothing before it can swallow it.
    let body = format!("<!-- audience: exec -->\n{CANARY}\n<!-- /audience -->\n{text}");
    let Ok(blocks) = align::load::audience_blocks(&body) else {
        return;
    };
    let doc = Document {
        body,
        blocks,
        ..Document::default()
    };
    let site = site();
    let visible = align::audience::body_for(&doc, &site);
    assert!(
        !visible.contains(CANARY),
        "the exec block survived filtering"
    );

    let mut targets = HashMap::new();
    for (n, dest) in ["a", "b", "pages/a", "../x.md", "a#kr1", "b#part"]
        .into_iter()
        .enumerate()
    {
        targets.insert(
            dest.to_string(),
            Target {
                doc: n % 2,
                kr: None,
                anchor: None,
            },
        );
    }
    let fate = |target: &Target| {
        if target.doc == 0 {
            LinkFate::Visible {
                href: "pages/a.html".into(),
                title: "Page A".into(),
            }
        } else {
            LinkFate::Hidden
        }
    };
    let resolver = LinkResolver {
        targets: &targets,
        fate: &fate,
        own_anchor: None,
        key_results: &[],
        page_ids: &[],
        unpublished: &[],
        root: "../",
    };
    let raw = match mode % 3 {
        0 => RawHtml::Sanitize,
        1 => RawHtml::Escape,
        _ => RawHtml::Allow,
    };
    let html = render(&visible, &resolver, raw);
    assert!(!html.contains(CANARY));
    if raw != RawHtml::Allow {
        let lower = html.to_ascii_lowercase();
        // Text has `<` escaped, so this can only be a tag.
        assert!(!lower.contains("<script"), "a script survived: {html}");
        for tag in tags(&lower) {
            for (name, value) in attributes(tag) {
                let url = URL_ATTRIBUTES.contains(&name);
                assert!(
                    !(url && value.trim_start().starts_with("javascript:")),
                    "a javascript: URL survived in {tag}: {html}"
                );
            }
        }
    }
});
