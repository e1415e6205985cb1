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

fn main() {
    let cli = align::cli::Cli::parse();
    std::process::exit(align::cli::run(cli));
}
