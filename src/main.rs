//! The `align` binary: parse the command line, run, exit with the status.

use clap::Parser;

/// A build allocates and frees millions of small strings and template values from every
/// core at once; mimalloc keeps that fast as projects grow (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = align::cli::Cli::parse();
    std::process::exit(align::cli::run(cli));
}
