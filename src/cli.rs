//! The command line: clap definitions (doc comments become `--help`) and dispatch.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use crate::build::{self, BuildOptions};
use crate::diag::{Diagnostic, Sources};
use crate::project::{Failure, Project};

/// Alignment documents in, one static site per audience out.
#[derive(Debug, Parser)]
#[command(name = "align", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print more about what is done.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every site (or the named ones) into the output folder.
    Build {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output folder [default: DIR/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Build only this site (repeatable).
        #[arg(long = "site", value_name = "NAME")]
        sites: Vec<String>,
        /// The date views and checks treat as today
        /// (YYYY-MM-DD; else SOURCE_DATE_EPOCH, else the clock).
        #[arg(long)]
        today: Option<String>,
    },
    /// Build every site in memory, serve them, rebuild on change and reload open pages.
    Serve {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(long, short, default_value_t = 3000)]
        port: u16,
        /// Address to listen on; only this machine by default.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the sites in a browser.
        #[arg(long)]
        open: bool,
        /// Serve the pages exactly as built: no watching, no reload script (every site, internal ones too).
        #[arg(long)]
        no_reload: bool,
        /// The date views and checks treat as today
        /// (YYYY-MM-DD; else SOURCE_DATE_EPOCH, else the clock).
        #[arg(long)]
        today: Option<String>,
    },
    /// Write a new document from its kind's template and print its path.
    New {
        /// strategy, objective, initiative, release, decision, change or page.
        kind: String,
        /// The document's title.
        title: String,
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The date the new document is created on
        /// (YYYY-MM-DD; else SOURCE_DATE_EPOCH, else the clock).
        #[arg(long)]
        today: Option<String>,
    },
    /// Write a starter project (refuses to overwrite one).
    Init {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The date the starter documents are written for
        /// (YYYY-MM-DD; else SOURCE_DATE_EPOCH, else the clock).
        #[arg(long)]
        today: Option<String>,
    },
    /// Report every error and warning without writing anything.
    Check {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Fail (exit 1) on warnings too: `--deny warnings`.
        #[arg(long, value_name = "warnings")]
        deny: Option<Deny>,
        /// The date views and checks treat as today
        /// (YYYY-MM-DD; else SOURCE_DATE_EPOCH, else the clock).
        #[arg(long)]
        today: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

/// Runs a command; returns the process exit status.
pub fn run(cli: Cli) -> i32 {
    // Checked here rather than by clap, which lets `-q build -v` through: the flags are
    // global, and each may stand on either side of the command.
    if cli.quiet && cli.verbose {
        crate::errln!("error: --quiet and --verbose cannot be used together");
        return 2;
    }
    crate::build::VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    // Places in a failure's message are the project folder's, as given.
    let project = match &cli.command {
        Command::Build { dir, .. }
        | Command::Serve { dir, .. }
        | Command::Check { dir, .. }
        | Command::New { dir, .. }
        | Command::Init { dir, .. } => dir.clone(),
    };
    let result = match cli.command {
        Command::Build {
            dir,
            out,
            sites,
            today,
        } => run_build(&cli_flags(cli.quiet), dir, out, sites, today),
        Command::New {
            kind,
            title,
            dir,
            today,
        } => run_new(&kind, &title, &dir, today),
        Command::Init { dir, today } => run_init(&cli_flags(cli.quiet), &dir, today),
        Command::Serve {
            dir,
            port,
            bind,
            open,
            no_reload,
            today,
        } => crate::serve::serve(crate::serve::ServeOptions {
            dir,
            bind,
            port,
            open,
            reload: !no_reload,
            today,
            quiet: cli.quiet,
        }),
        Command::Check {
            dir,
            format,
            deny,
            today,
        } => run_check(&cli_flags(cli.quiet), dir, format, deny.is_some(), today),
    };
    match result {
        Ok(code) => code,
        Err(failure) => report_failure(failure, &project),
    }
}

struct Flags {
    quiet: bool,
}

fn cli_flags(quiet: bool) -> Flags {
    Flags { quiet }
}

fn run_build(
    flags: &Flags,
    dir: PathBuf,
    out: Option<PathBuf>,
    sites: Vec<String>,
    today: Option<String>,
) -> Result<i32, Failure> {
    let started = Instant::now();
    let today = crate::today::resolve(today.as_deref())?;
    let out = out.unwrap_or_else(|| dir.join("public"));
    // An output folder the build may not write is said before anything about the
    // content, as a usage error is.
    let checked = dir.join(crate::config::CONFIG_FILE).is_file();
    if checked {
        crate::write::check_out(&out, &dir)?;
    }
    // However the build fails, a build stopped while swapping its sites in has its
    // output put back whole first (in a folder the build may write).
    let recover = |_: &Failure| {
        if checked {
            crate::write::recover(&out);
        }
    };
    let mut project = Project::open(&dir).inspect_err(recover)?;
    // A site name align.toml does not have is reported before anything about the content.
    build::select_sites(&project, &sites).inspect_err(recover)?;
    let loaded = started.elapsed();
    project.check(today);
    said_load_and_check(&project, started, loaded);
    // A project with errors is not built: its findings are said in the order `check`
    // says them (by file and line, errors and warnings together), and the last build's
    // output is left whole, as after any failed build.
    if project.error_count() > 0 {
        let shown = (project.diagnostics.iter()).filter(|d| !flags.quiet || d.is_error());
        print_diagnostics(shown, false);
        crate::write::recover(&out);
        // An error in the project's templates is said too, as `check` says it (exit
        // status 2): fixing the content alone would not make the build pass.
        build::check_templates(&project, today)?;
        build_failed(project.error_count());
        return Ok(1);
    }
    print_diagnostics(project.warnings(), flags.quiet);
    let options = BuildOptions {
        out: out.clone(),
        sites,
        today,
        progress: !flags.quiet,
    };
    let report = build::build(&project, &options)?;
    for path in report.removed.iter().filter(|_| !flags.quiet) {
        crate::errln!(
            "removed {}: align.toml lists no site of that name any more",
            path.display()
        );
    }
    if !flags.quiet {
        crate::errln!(
            "built {} site{} ({}) from {} document{} into {} in {} ms",
            report.sites.len(),
            plural(report.sites.len()),
            report.sites.join(", "),
            project.docs.len(),
            plural(project.docs.len()),
            out.display(),
            started.elapsed().as_millis()
        );
    }
    // The process ends here: freeing every document and view one by one would only delay
    // the exit (a quarter and a tenth of a second at 100,000 documents).
    std::mem::forget(project);
    std::mem::forget(report.views);
    Ok(0)
}

fn run_check(
    flags: &Flags,
    dir: PathBuf,
    format: Format,
    deny_warnings: bool,
    today: Option<String>,
) -> Result<i32, Failure> {
    let started = Instant::now();
    let today = crate::today::resolve(today.as_deref())?;
    let mut project = Project::open(&dir)?;
    let loaded = started.elapsed();
    project.check(today);
    said_load_and_check(&project, started, loaded);
    // An error in the project's templates ends the check as it would end a build (exit
    // status 2): said after the content's findings, without their count, which would
    // read as a check that passed; a program reading the findings gets none, as for any
    // error of exit status 2. The findings are printed before the templates are tried,
    // so that a render stopped for taking too long, which ends the process, comes after
    // them too.
    let diags = &project.diagnostics;
    // `--quiet` leaves out what does not fail the check: warnings, unless denied, and the
    // count; in every format.
    let shown = |d: &&Diagnostic| !flags.quiet || d.is_error() || deny_warnings;
    if format == Format::Text {
        let mut sources = Sources::default();
        for d in diags.iter().filter(shown) {
            crate::err_print!("{}", d.render_from(&mut sources));
        }
    }
    let mut template_error = build::check_templates(&project, today).err();
    match format {
        Format::Text => {
            let errors = project.error_count();
            if !flags.quiet && template_error.is_none() {
                crate::errln!(
                    "{} error{}, {} warning{}",
                    errors,
                    plural(errors),
                    diags.len() - errors,
                    plural(diags.len() - errors)
                );
            }
        }
        // Findings for a program: lost on a full disk, they would pass for none. A reader
        // that stops early (`| head`) closes the pipe, which is no failure.
        Format::Json | Format::Github => {
            if let Some(err) = template_error.take() {
                return Err(err);
            }
            let text = match format {
                Format::Json => {
                    let kept: Vec<Diagnostic> = diags.iter().filter(shown).cloned().collect();
                    format!("{}\n", crate::check::to_json(&kept))
                }
                _ => (diags.iter().filter(shown))
                    .map(|d| github_annotation(d) + "\n")
                    .collect(),
            };
            let mut out = std::io::stdout().lock();
            let written = std::io::Write::write_all(&mut out, text.as_bytes())
                .and_then(|()| std::io::Write::flush(&mut out));
            if let Err(err) = written
                && err.kind() != std::io::ErrorKind::BrokenPipe
            {
                crate::errln!("error: cannot write the findings: {err}");
                return Ok(2);
            }
        }
    }
    if let Some(err) = template_error {
        return Err(err);
    }
    let failed = project.error_count() > 0 || (deny_warnings && !diags.is_empty());
    Ok(i32::from(failed))
}

/// With `--verbose`: how long loading and the rules took.
fn said_load_and_check(project: &Project, started: Instant, loaded: std::time::Duration) {
    if crate::build::VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
        crate::errln!(
            "loaded {} document{} in {} ms, checked in {} ms",
            project.docs.len(),
            plural(project.docs.len()),
            loaded.as_millis(),
            (started.elapsed() - loaded).as_millis()
        );
    }
}

fn run_new(
    kind: &str,
    title: &str,
    dir: &std::path::Path,
    today: Option<String>,
) -> Result<i32, Failure> {
    let Some(kind) = crate::model::Kind::parse(kind) else {
        let names: Vec<&str> = crate::model::Kind::ALL.iter().map(|k| k.as_str()).collect();
        let meant = crate::diag::nearest(&kind.to_lowercase(), names.iter().copied(), |_| 2)
            .map(|meant| format!(": did you mean `{meant}`?"))
            .unwrap_or_default();
        return Err(
            anyhow::anyhow!("unknown kind `{kind}`{meant} (kinds: {})", names.join(", ")).into(),
        );
    };
    let today = crate::today::resolve(today.as_deref())?;
    let path = crate::scaffold::new_document(dir, kind, title, today)?;
    crate::outln!("{}", path.display());
    Ok(0)
}

fn run_init(flags: &Flags, dir: &std::path::Path, today: Option<String>) -> Result<i32, Failure> {
    let today = crate::today::resolve(today.as_deref())?;
    for path in crate::scaffold::init(dir, today)? {
        if !flags.quiet {
            crate::outln!("{}", path.display());
        }
    }
    Ok(0)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn github_annotation(d: &Diagnostic) -> String {
    let level = if d.is_error() { "error" } else { "warning" };
    let title = d.rule.unwrap_or("align");
    // Line ends escaped as the format asks, and any other control character (an escape
    // sequence in a field) shown as `�`, as in the text format.
    let escape = |s: &str| {
        crate::diag::printable(
            &s.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A"),
        )
        .into_owned()
    };
    // A property ends at `,` and the properties at `::`: a file name holding them (or a
    // line end) would write an annotation of its own.
    let property = |s: &str| escape(s).replace(':', "%3A").replace(',', "%2C");
    format!(
        "::{level} file={},line={},col={},title={}::{}",
        property(&d.location.path.display().to_string()),
        d.location.line,
        d.location.col,
        property(title),
        escape(&d.message)
    )
}

fn print_diagnostics<'a>(diags: impl Iterator<Item = &'a Diagnostic>, quiet: bool) {
    if quiet {
        return;
    }
    let mut sources = Sources::default();
    for d in diags {
        crate::err_print!("{}", d.render_from(&mut sources));
    }
}

/// The last line of a build that content errors stopped.
fn build_failed(errors: usize) {
    crate::errln!(
        "error: build failed with {errors} error{}; nothing was written, and any earlier output is as it was",
        plural(errors)
    );
}

fn report_failure(failure: Failure, project: &std::path::Path) -> i32 {
    match failure {
        Failure::Content(diags) => {
            // Warnings were printed when the project was loaded; errors stop the build here.
            let mut sources = Sources::default();
            for d in diags.iter().filter(|d| d.is_error()) {
                crate::err_print!("{}", d.render_from(&mut sources));
            }
            build_failed(diags.iter().filter(|d| d.is_error()).count());
            1
        }
        Failure::Config(diags) => {
            for d in &diags {
                crate::err_print!("{}", d.render());
            }
            2
        }
        Failure::Usage(err) => {
            crate::errln!("{}", crate::project::usage_message(&err, project));
            2
        }
    }
}
