//! The `align` binary: parse the command line, run, exit with the status.

use clap::Parser;

/// A build allocates and frees millions of small strings and template values from every
/// core at once; mimalloc keeps that fast as projects grow (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options set before the first allocation, unless the environment sets them
/// (`MIMALLOC_*`):
/// - arenas are committed when they are reserved, not piece by piece as they are used,
///   where the system overcommits memory (Linux's default; where it does not, a whole
///   arena committed up front would count a gigabyte against its commit limit).
///   Committing as used took an `mprotect` for every few hundred kilobytes (6,700 in a
///   build of 100,000 documents against 15), each holding the address space's lock while
///   the other core faulted pages in; committed memory is not touched, so the peak RSS is
///   the same.
/// - transparent huge pages are off for the process: mimalloc asks for them for arenas
///   committed at once, and a fault in a huge-page region first compacts memory to find
///   2 MB, which cost more system time than the TLB saved (and raised the 10,000-document
///   peak from about 200 MB to 290 MB). The browser `serve --open` starts gets the
///   system's setting back.
/// - pages freed by one stage are kept for ten seconds before they go back to the system,
///   so that the next stage reuses them instead of faulting in fresh ones. A build of
///   100,000 documents takes ten seconds: with a one-second delay it handed back and
///   faulted in again 100,000 pages (530,000 faults against 430,000, 0.3 s of system
///   time); `serve`'s rebuilds come a fraction of a second apart while someone types, and
///   each one freed the pages the next one faulted in again (a title edit at 10,000
///   documents: 5,200–5,800 page faults against 1,800–2,100).
///
/// See bench/README.md and bench/HISTORY.md.
#[cfg(target_os = "linux")]
const ALLOCATOR_OPTIONS: [(&str, libmimalloc_sys::mi_option_t, std::ffi::c_long); 3] = [
    // Their numbers in mimalloc's `mi_option_t`.
    // 2: eagerly where the system overcommits.
    ("MIMALLOC_ARENA_EAGER_COMMIT", 4, 2),
    ("MIMALLOC_ALLOW_THP", 43, 0),
    ("MIMALLOC_PURGE_DELAY", 15, 10_000),
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
