//! The app: runs a command's stages in order and turns the outcome into an
//! exit code. Stage order is a straight line: ingest → metrics → load →
//! findings → report. Each athlete is independent, so a coach folder runs its
//! athletes in parallel alongside their files.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use serde_json::json;

use crate::cli::{Cli, Command, FailOn};
use crate::log::Log;
use crate::settings::Job;

/// Exit codes; documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Ok = 0,
    Failed = 1,
    Config = 2,
    Rejected = 3,
    FailOn = 4,
    Locked = 5,
    /// The inputs yielded no activity: nothing written, the previous report kept.
    Empty = 6,
    /// SIGINT/SIGTERM: stopped at a safe point, previous outputs intact.
    Interrupted = crate::interrupt::EXIT_CODE as isize,
}

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
        Command::Report(args) => match Job::from_report_args(args) {
            Ok(job) => crate::run::run_job(&job, &log),
            Err(e) => return config_error(&log, &e.to_string()),
        },
        Command::Run(args) => match Job::from_pipeline(args) {
            Ok(job) => crate::run::run_job(&job, &log),
            Err(e) => return config_error(&log, &e.to_string()),
        },
        Command::Check(args) => return check(&args.pipeline, &log),
        Command::Ingest(args) => crate::run::ingest_command(args, &log),
        Command::Demo(args) => demo(&args.dir, &log),
        Command::Inspect(args) => inspect(args, &log),
        Command::Roster(args) => crate::reduce::command(args, &log),
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

fn config_error(log: &Log, msg: &str) -> Exit {
    log.error(msg, &[]);
    Exit::Config
}

fn check(path: &Path, log: &Log) -> Exit {
    match crate::pipeline::Pipeline::load(path) {
        Ok(p) => match Job::from_pipeline_spec(p, None, &Default::default()) {
            Ok(job) => {
                log.info(
                    &format!("{}: ok", path.display()),
                    &[
                        ("athletes", json!(job.athletes.len())),
                        (
                            "inputs",
                            json!(job.athletes.iter().map(|a| a.inputs.len()).sum::<usize>()),
                        ),
                        ("fit_decoder", json!(job.fit_decoder)),
                    ],
                );
                Exit::Ok
            }
            Err(e) => config_error(log, &format!("{}: {e}", path.display())),
        },
        Err(e) => config_error(log, &e.to_string()),
    }
}

fn demo(dir: &Path, log: &Log) -> anyhow::Result<Exit> {
    let truth = crate::demo::generate_all(dir)
        .with_context(|| format!("writing the demo to {}", dir.display()))?;
    log.info(
        &format!("demo athletes written to {}", dir.display()),
        &[("files", json!(truth))],
    );
    Ok(Exit::Ok)
}

/// `heavylegs inspect`: one file's normalized view (and FIT messages) on stdout.
/// A file that cannot be read to the end still prints what was read, then exits 3.
fn inspect(args: &crate::cli::InspectArgs, log: &Log) -> anyhow::Result<Exit> {
    let opts = crate::inspect::Options {
        messages: args.messages,
        message: args.message.clone(),
        fit_decoder: args.decoder.fit_decoder.unwrap_or_default(),
        limits: Default::default(),
    };
    // Decoder panics are caught and reported; keep the default hook's backtrace noise off stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let found = crate::inspect::inspect(&args.file, &opts);
    let _ = std::panic::take_hook();
    let ins = match found {
        Ok(ins) => ins,
        Err(e @ crate::inspect::InspectError::MessagesNeedFit { .. }) => {
            return Ok(config_error(log, &e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        out_line(&serde_json::to_string_pretty(&ins)?)?;
    } else {
        let text = crate::inspect::render_text(&ins);
        out_line(text.trim_end())?;
    }
    if ins.rejected() {
        let why = ins
            .entries
            .iter()
            .filter(|e| e.status == crate::ingest::Status::Rejected)
            .find_map(|e| e.reason.clone())
            .or_else(|| ins.messages.as_ref().and_then(|m| m.error.clone()));
        log.error(&format!("{}: {}", ins.path, why.unwrap_or_default()), &[]);
        return Ok(Exit::Rejected);
    }
    Ok(Exit::Ok)
}

/// Whether to draw progress bars: only for people watching a terminal.
pub fn progress_wanted(job: &Job, log: &Log) -> bool {
    job.progress
        && !log.json
        && log.enabled(crate::log::Level::Info)
        && std::io::stderr().is_terminal()
}

/// The exit code a finished run earns; `empty` counts athletes held back
/// because their inputs yielded no activity.
pub fn exit_for(rejected: usize, flagged: usize, empty: usize, fail_on: Option<FailOn>) -> Exit {
    match fail_on {
        Some(FailOn::Flagged) if flagged > 0 => Exit::FailOn,
        Some(FailOn::Rejected) if rejected > 0 => Exit::FailOn,
        _ if empty > 0 => Exit::Empty,
        _ if rejected > 0 => Exit::Rejected,
        _ => Exit::Ok,
    }
}

/// Writes a line to stdout, turning a closed pipe into an error the caller maps to success.
pub fn out_line(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_rank_rejections_and_fail_on() {
        assert_eq!(exit_for(0, 3, 0, None), Exit::Ok);
        assert_eq!(exit_for(2, 0, 0, None), Exit::Rejected);
        assert_eq!(exit_for(0, 1, 0, Some(FailOn::Flagged)), Exit::FailOn);
        assert_eq!(exit_for(1, 0, 0, Some(FailOn::Flagged)), Exit::Rejected);
        assert_eq!(exit_for(1, 0, 0, Some(FailOn::Rejected)), Exit::FailOn);
        // Held-back athletes outrank rejections, not an explicit --fail-on.
        assert_eq!(exit_for(1, 0, 1, None), Exit::Empty);
        assert_eq!(exit_for(0, 1, 1, Some(FailOn::Flagged)), Exit::FailOn);
        assert_eq!(exit_for(0, 0, 1, Some(FailOn::Flagged)), Exit::Empty);
    }
}
