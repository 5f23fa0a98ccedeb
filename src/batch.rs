//! A job's athletes in parallel: their output folders locked, each athlete
//! through [`crate::athlete::run`], the roster written, one summary line, and
//! the exit code the outcome earns.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;
use serde_json::json;

use crate::athlete::AthleteOutcome;
use crate::exit::{Exit, exit_for};
use crate::log::Log;
use crate::settings::{AthleteJob, Job};

/// Runs every athlete of `job` and returns the exit code the outcome earns.
pub fn run_job(job: &Job, log: &Log) -> anyhow::Result<Exit> {
    let t0 = Instant::now();
    let locks = lock_outputs(job)?;
    let multi = indicatif::MultiProgress::new();
    let show = progress_wanted(job, log);
    if !show {
        multi.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let outcomes: Vec<anyhow::Result<AthleteOutcome>> = job
        .athletes
        .par_iter()
        .map(|a| {
            let bar = multi.add(indicatif::ProgressBar::no_length());
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>12} {bar:30} {pos}/{len} files {per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_prefix(a.profile.name.clone());
            let r = run_athlete(a, job, log, Some(bar.clone()));
            bar.finish_and_clear();
            r
        })
        .collect();
    let mut done = Vec::new();
    for (a, r) in job.athletes.iter().zip(outcomes) {
        done.push(r.with_context(|| format!("athlete {}", a.profile.name))?);
    }
    crate::interrupt::checkpoint()?;
    if let Some(dir) = &job.roster_dir {
        let rows = roster_rows(job, &done)?;
        crate::report::roster::write(dir, &rows)?;
        log.info(
            &format!("Roster: {}", dir.join("roster.html").display()),
            &[],
        );
    }
    let rejected: usize = done.iter().map(|o| o.rejected).sum();
    let held_back = done.iter().filter(|o| o.held_back).count();
    // A held-back athlete's previous flags are in the roster, not in this run's verdict.
    let flagged: usize = done
        .iter()
        .filter(|o| !o.held_back)
        .map(|o| o.flagged.len())
        .sum();
    log.info(
        "done",
        &[
            ("athletes", json!(done.len())),
            ("runs", json!(done.iter().map(|o| o.ok).sum::<usize>())),
            (
                "skipped",
                json!(done.iter().map(|o| o.skipped).sum::<usize>()),
            ),
            ("rejected", json!(rejected)),
            (
                "duplicates",
                json!(done.iter().map(|o| o.duplicates).sum::<usize>()),
            ),
            (
                "decoded",
                json!(done.iter().map(|o| o.decoded).sum::<usize>()),
            ),
            (
                "cached",
                json!(done.iter().map(|o| o.cached.hits).sum::<usize>()),
            ),
            (
                "unchanged",
                json!(done.iter().map(|o| o.cached.unchanged_files).sum::<usize>()),
            ),
            ("held_back", json!(held_back)),
            (
                "seconds",
                json!((t0.elapsed().as_secs_f64() * 100.0).round() / 100.0),
            ),
        ],
    );
    drop(locks);
    Ok(exit_for(rejected, flagged, held_back, job.fail_on))
}

/// Locks each athlete's folder and, in an unsharded coach run, the roster:
/// runs over disjoint athletes (shards) never block each other.
fn lock_outputs(job: &Job) -> Result<Vec<crate::lock::OutputLock>, crate::lock::LockError> {
    let mut locks = Vec::new();
    for a in &job.athletes {
        locks.push(crate::lock::OutputLock::acquire(&a.out_dir)?);
    }
    if let Some(dir) = &job.roster_dir {
        locks.push(crate::lock::OutputLock::acquire_roster(dir)?);
    }
    Ok(locks)
}

/// Roster rows read back from the report.json just written, as `heavylegs
/// roster` reads them, so the two rosters are byte for byte the same; the
/// in-memory rows when the json format is off.
fn roster_rows(
    job: &Job,
    done: &[AthleteOutcome],
) -> Result<Vec<crate::roster::RosterRow>, crate::reduce::ReduceError> {
    if !job.formats.contains(&crate::output::OutputFormat::Json) {
        return Ok(done.iter().map(|o| o.roster.clone()).collect());
    }
    done.iter()
        .map(|o| {
            if !o.held_back {
                return crate::reduce::row_from_dir(&o.out_dir);
            }
            // Held back: the previous report (if any) is still in place; its
            // row, marked stale. Without one, the stale row the guard built.
            Ok(match crate::reduce::row_from_dir(&o.out_dir) {
                Ok(row) => crate::roster::RosterRow {
                    stale: o.roster.stale.clone(),
                    ..row
                },
                Err(_) => o.roster.clone(),
            })
        })
        .collect()
}

/// One athlete through its stages, then its folder written (nothing for a
/// held-back one) and its verdict line printed.
pub fn run_athlete(
    a: &AthleteJob,
    job: &Job,
    log: &Log,
    bar: Option<indicatif::ProgressBar>,
) -> anyhow::Result<AthleteOutcome> {
    let done = crate::athlete::run(a, job, log, bar)?;
    let Some(output) = done.output else {
        done.saving.finish(log);
        return Ok(done.outcome);
    };
    // The last safe point: from here this athlete's files are written (each atomically).
    crate::interrupt::checkpoint()?;
    crate::interrupt::enter(crate::interrupt::Stage::Writing);
    let written = output.write(&a.out_dir, &job.formats);
    done.saving.finish(log);
    written?;
    if log.enabled(crate::log::Level::Info) && !log.json {
        crate::output::out_line(&crate::report::verdict(&output.report, &a.out_dir))?;
    }
    // A history's rows are a million small allocations: freeing them took a
    // tenth of a weekly run, so it happens beside the next athlete (or exit).
    std::thread::spawn(move || drop(output));
    Ok(done.outcome)
}

/// Whether to draw progress bars: only for people watching a terminal.
fn progress_wanted(job: &Job, log: &Log) -> bool {
    job.progress
        && !log.json
        && log.enabled(crate::log::Level::Info)
        && std::io::stderr().is_terminal()
}
