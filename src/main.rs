//! The `align` binary: parse the command line, run, exit with the status.

use clap::Parser;

fn main() {
    let cli = align::cli::Cli::parse();
    std::process::exit(align::cli::run(cli));
}
