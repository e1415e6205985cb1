//! The adr-tools / Nygard and log4brains body parser, status lines with relations, loose
//! dates and record dates, record numbers from file names and the HTML comment stripper.
#![no_main]

use align::import::adr::{
    number_from_stem, parse_adr_body, parse_loose_date, read_status, record_date,
    strip_html_comments,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = parse_adr_body(text);
    let _ = format!("{parsed:?}");
    for (n, line) in text.lines().take(64).enumerate() {
        let _ = read_status(line, n + 1);
        let _ = parse_loose_date(line);
        let _ = record_date(line);
        let _ = number_from_stem(line);
    }
    let stripped = strip_html_comments(text);
    assert!(stripped.len() <= text.len() + 1);
});
