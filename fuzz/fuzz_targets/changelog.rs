//! The Keep a Changelog parser on any text.
#![no_main]

use align::import::changelog::parse_changelog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = parse_changelog(text);
    let _ = format!("{parsed:?}");
});
