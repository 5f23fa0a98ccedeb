//! The subcommands, one file each: every one takes its parsed arguments,
//! builds its settings through [`crate::settings`], calls the library and
//! returns an [`Exit`]. This file picks the command and maps the errors that
//! reach it (interrupt, lock, closed pipe) to their exit codes.

mod check;
mod demo;
mod ingest;
mod inspect;
mod report;
mod roster;
mod run;

use std::io::Write;

use serde_json::json;

use crate::cli::{Cli, Command};
pub use crate::exit::Exit;
use crate::log::Log;

pub use ingest::jsonl_line;

/// Runs one parsed command line to its exit code.
pub fn main(cli: Cli) -> Exit {
    let log = Log::new(
        cli.quiet,
        cli.verbose,
        matches!(cli.log_format, crate::cli::LogFormat::Json),
    );
    // Only the commands that stop at safe points take over the signals; the others keep the default.
    if matches!(
        cli.command,
        Command::Report(_) | Command::Run(_) | Command::Ingest(_)
    ) && let Err(e) = crate::interrupt::install()
    {
        log.debug(&format!("no SIGINT/SIGTERM handler: {e}"), &[]);
    }
    // A missing input is a typo or an unmounted share: refuse before anything is written.
    let named_inputs: Vec<&std::path::PathBuf> = match &cli.command {
        Command::Report(args) => args.inputs.iter().chain(&args.athletes).collect(),
        Command::Ingest(args) => args.inputs.iter().collect(),
        _ => Vec::new(),
    };
    if let Some(missing) = crate::guard::first_missing(named_inputs) {
        return config_error(&log, &crate::guard::missing_message(missing));
    }
    let result = match &cli.command {
        Command::Report(args) => report::run(args, &log),
        Command::Run(args) => run::run(args, &log),
        Command::Check(args) => Ok(check::run(args, &log)),
        Command::Ingest(args) => ingest::run(args, &log),
        Command::Demo(args) => demo::run(args, &log),
        Command::Inspect(args) => inspect::run(args, &log),
        Command::Roster(args) => roster::run(args, &log),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if let Some(i) = e
                .chain()
                .find_map(|c| c.downcast_ref::<crate::interrupt::Interrupted>())
            {
                interrupted(&log, i);
                return Exit::Interrupted;
            }
            if let Some(crate::lock::LockError::Busy(_)) =
                e.downcast_ref::<crate::lock::LockError>()
            {
                log.error(&e.to_string(), &[]);
                return Exit::Locked;
            }
            // A closed stdout (`heavylegs ingest --jsonl | head`) is not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return Exit::Ok;
            }
            log.error(&format!("{e:#}"), &[]);
            Exit::Failed
        }
    }
}

/// One line on stderr whatever the verbosity: the run did not do what was asked.
fn interrupted(log: &Log, i: &crate::interrupt::Interrupted) {
    if log.json {
        log.error(
            &i.to_string(),
            &[("exit_code", json!(Exit::Interrupted as u8))],
        );
    } else {
        let _ = writeln!(std::io::stderr().lock(), "heavylegs: {i}");
    }
}

/// A bad command line, pipeline or configuration: one line, exit 2, nothing written.
fn config_error(log: &Log, msg: &str) -> Exit {
    log.error(msg, &[]);
    Exit::Config
}
