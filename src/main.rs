//! The `align` binary: parse the command line, run, exit with the status.

use clap::Parser;

/// A build allocates and frees millions of small strings and template values from every
/// core at once; mimalloc keeps that fast as projects grow (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options set before the first allocation, unless the environment sets them
/// (`MIMALLOC_*`): arenas are committed as they are used rather than up front (10,000
/// documents: a peak of about 200 MB instead of 290 MB), and pages freed by one stage of a
/// build are kept for a second before they go back to the system, so that the next stage
/// reuses them instead of faulting in fresh ones (half the page faults; 10,000 documents
/// 10 % faster for 25 MB more at the peak, 100,000 documents 10 % faster; see
/// bench/README.md).
#[cfg(target_os = "linux")]
const ALLOCATOR_OPTIONS: [(&str, libmimalloc_sys::mi_option_t, std::ffi::c_long); 2] = [
    // Their numbers in mimalloc's `mi_option_t`.
    ("MIMALLOC_ARENA_EAGER_COMMIT", 4, 0),
    ("MIMALLOC_PURGE_DELAY", 15, 1000),
];

#[cfg(target_os = "linux")]
extern "C" fn configure_allocator() {
    for (variable, option, value) in ALLOCATOR_OPTIONS {
        if std::env::var_os(variable).is_none() {
            // SAFETY: sets an integer option; runs before anything is allocated.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}

/// Runs `configure_allocator` when the program is loaded, before `main` and before the
/// runtime allocates anything (mimalloc reserves its first arena on the first allocation).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_allocator;

/// `serve` keeps freed pages for ten seconds instead of one: its rebuilds come a fraction
/// of a second apart while someone types, and each one freed the pages the next one
/// faulted in again (a title edit at 10,000 documents: 5,200–5,800 page faults against
/// 1,800–2,100, and about a tenth of its CPU time), for about 30 MB more resident (746
/// against 718 MB after ten edits).
#[cfg(target_os = "linux")]
fn configure_serve_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an integer option; mimalloc reads it when it next schedules a purge.
        unsafe { libmimalloc_sys::mi_option_set(15, 10_000) };
    }
}

fn main() {
    let cli = align::cli::Cli::parse();
    #[cfg(target_os = "linux")]
    if matches!(cli.command, align::cli::Command::Serve { .. }) {
        configure_serve_allocator();
    }
    std::process::exit(align::cli::run(cli));
}
