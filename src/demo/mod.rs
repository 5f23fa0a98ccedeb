//! A synthetic but realistic demo athlete (and a small coach squad), written
//! as the FIT and GPX files a watch and Strava would export, plus a
//! `truth.json` saying what a correct analysis must find.
//!
//! `heavylegs demo DIR` calls [`generate`]; `samples/demo` and
//! `samples/coach/<athlete>` are its committed output. Everything is
//! deterministic: same scenario, same bytes.

pub mod apple_write;
pub mod fit_encode;
pub mod garmin_export;
pub mod gpx_write;
mod rng;
pub mod scenario;
pub mod simulate;
pub mod truth;

use std::path::{Path, PathBuf};

pub use scenario::{Scenario, coach_athletes, demo_athlete};
pub use truth::Truth;

use chrono_tz::Tz;

use crate::output::{WriteError, write_atomic};
use scenario::Export;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("bad scenario: {0}")]
    Scenario(String),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("cannot serialize truth: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot create {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Simulates every run of a scenario (in scenario order).
pub fn simulate_all(scenario: &Scenario) -> Result<Vec<simulate::SimRun>, DemoError> {
    let tz: Tz = scenario
        .timezone
        .parse()
        .map_err(|_| DemoError::Scenario(format!("unknown time zone {}", scenario.timezone)))?;
    scenario
        .runs
        .iter()
        .map(|plan| {
            let seed = rng::Rng::derive(scenario.seed, &plan.id);
            simulate::simulate(plan, &scenario.runner, tz, scenario.home, seed)
        })
        .collect()
}

/// Writes the scenario's FIT/GPX files and `truth.json` into `dir` (created
/// if missing; existing files of the same names are replaced) and returns the truth.
pub fn generate(dir: &Path, scenario: &Scenario) -> Result<Truth, DemoError> {
    std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let sims = simulate_all(scenario)?;
    for (plan, sim) in scenario.runs.iter().zip(&sims) {
        let names = scenario::file_names(plan);
        if plan.export != Export::Gpx {
            write_atomic(
                &dir.join(&names[0]),
                &fit_encode::encode_run(sim, &scenario.device),
            )?;
        }
        if plan.export != Export::Fit {
            let title = match plan
                .local_start
                .format("%H")
                .to_string()
                .parse::<u32>()
                .unwrap_or(12)
            {
                0..=11 => "Morning Run",
                12..=16 => "Afternoon Run",
                _ => "Evening Run",
            };
            let gpx = gpx_write::write_gpx(sim, title, 5);
            write_atomic(
                &dir.join(names.last().map_or("run.gpx", String::as_str)),
                gpx.as_bytes(),
            )?;
        }
    }
    let mut truth = truth::build(scenario, &sims);
    if scenario.garmin_export {
        let (zip, wellness) = garmin_export::build(scenario, &sims)?;
        write_atomic(&dir.join(garmin_export::FILE_NAME), &zip)?;
        truth.wellness = Some(wellness);
    }
    let mut json = serde_json::to_string_pretty(&truth)?;
    json.push('\n');
    write_atomic(&dir.join("truth.json"), json.as_bytes())?;
    // The folder's own athlete profile, read by `heavylegs report DIR`.
    let profile = format!(
        "# What this athlete's files cannot say (read by `heavylegs report` for this folder).\n{}",
        toml::to_string(&truth.profile).unwrap_or_default()
    );
    write_atomic(&dir.join(crate::settings::PROFILE_FILE), profile.as_bytes())?;
    Ok(truth)
}

/// Writes the scenario as an Apple Health `export.zip` (plus the folder's
/// `athlete.toml`) into `dir`: the same runs as [`generate`], as an Apple
/// Watch owner exports them.
pub fn generate_apple(dir: &Path, scenario: &Scenario) -> Result<(), DemoError> {
    std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    write_atomic(&dir.join("export.zip"), &apple_write::export_zip(scenario)?)?;
    let sims = simulate_all(scenario)?;
    let truth = truth::build(scenario, &sims);
    let profile = format!(
        "# What this athlete's files cannot say (read by `heavylegs report` for this folder).\n{}",
        toml::to_string(&truth.profile).unwrap_or_default()
    );
    write_atomic(&dir.join(crate::settings::PROFILE_FILE), profile.as_bytes())?;
    Ok(())
}

/// Writes the demo athlete to `dir/demo` (and as an Apple Health export to
/// `dir/apple`) and the coach folder to `dir/coach`; returns how many
/// athletes were written.
pub fn generate_all(dir: &Path) -> Result<usize, DemoError> {
    generate(&dir.join("demo"), &demo_athlete())?;
    generate_apple(&dir.join("apple"), &demo_athlete())?;
    Ok(1 + generate_coach(&dir.join("coach"))?.len())
}

/// Writes the three coach athletes into `dir/<athlete>/`.
pub fn generate_coach(dir: &Path) -> Result<Vec<(String, Truth)>, DemoError> {
    coach_athletes()
        .into_iter()
        .map(|(name, s)| generate(&dir.join(&name), &s).map(|t| (name, t)))
        .collect()
}
