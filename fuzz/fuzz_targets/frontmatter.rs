//! Frontmatter splitting and parsing (TOML `+++` and YAML `---`), and the line lookups
//! diagnostics use, on any text.
#![no_main]

use align::load::LineIndex;
use align::load::frontmatter::{key_lines, nested_line, parse, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(split) = split(text) else {
        return;
    };
    // The parts are slices of the input, and the body starts after the frontmatter.
    assert!(split.body.len() <= text.len());
    assert!(split.body_line >= 1);
    let _ = parse(&split);
    let lines = LineIndex::new(split.front);
    for (key, line) in key_lines(&split) {
        assert!(line >= 1, "{key} at line 0");
        let _ = nested_line(&split, &lines, line, &key);
    }
});
