//! align: one source of alignment documents, one static site per audience.

/// `println!` that never panics: what goes to a closed pipe (`align check | head`) is
/// dropped, and the exit status still says how the run went.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that never panics (see [`outln!`]).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprint!` that never panics (see [`outln!`]).
#[macro_export]
macro_rules! err_print {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod audience;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod digest;
pub mod file_bytes;
pub mod graph;
pub mod import;
pub mod load;
pub mod model;
pub mod prefetch;
pub mod project;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod theme;
pub mod today;
pub mod write;
