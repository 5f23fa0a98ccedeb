//! Calibration on real variability: three real runners' histories (one row
//! per run, `../shared/real-runs/runner-{a,b,c}.csv`) go through the same
//! verdict path as the app, once per monthly window (as-of = each month's
//! last day). A cause flagged in most of a real runner's months is a
//! miscalibrated rule, not a finding.
//!
//! `cargo test --test it calibration -- --nocapture` prints the table.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use heavylegs::findings::Cause;
use heavylegs::metrics::RunMetrics;
use heavylegs::profile::AthleteProfile;

use crate::verdict_kit::{Row, month_ends, print_table, tally_months};

/// `$HEAVYLEGS_REAL_RUNS`, else `real-runs/` beside the shared corpus.
fn real_runs_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("HEAVYLEGS_REAL_RUNS")
        .map(PathBuf::from)
        .or_else(|| {
            let mut found = None;
            for base in [
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
                crate::common::corpus_dir()?.join(".."),
            ] {
                if base.join("real-runs").is_dir() {
                    found = Some(base.join("real-runs"));
                    break;
                }
            }
            found
        });
    if dir.is_none() {
        println!("SKIP: ../shared/real-runs not found (set HEAVYLEGS_REAL_RUNS)");
    }
    dir
}

fn num(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// One CSV row → a run's summary metrics (what the rules read from it).
fn parse(path: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).expect("real-runs csv readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (date, start, elapsed, moving, km) = (
        col("local_date"),
        col("start_utc"),
        col("elapsed_s"),
        col("moving_s"),
        col("distance_km"),
    );
    let (cad, step, stance, vo, hr, hr_max, temp) = (
        col("mean_cadence_spm"),
        col("step_length_m"),
        col("stance_time_ms"),
        col("vertical_oscillation_mm"),
        col("mean_heart_rate_bpm"),
        col("max_heart_rate_bpm"),
        col("temperature_mean_c"),
    );
    lines
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split(',').collect();
            let start: DateTime<Utc> = f[start].parse().expect("start_utc");
            let moving_s = num(f[moving]);
            let distance_m = num(f[km]).map(|k| k * 1000.0);
            let metrics = RunMetrics {
                path: format!("{}-{i}", path.file_stem().unwrap().to_string_lossy()),
                start: Some(start),
                elapsed_s: num(f[elapsed]).unwrap_or(0.0),
                moving_s,
                distance_m,
                mean_moving_speed_mps: distance_m
                    .zip(moving_s)
                    .filter(|(_, s)| *s > 0.0)
                    .map(|(d, s)| d / s),
                mean_cadence_spm: num(f[cad]),
                step_length_m: num(f[step]),
                stance_time_ms: num(f[stance]),
                vertical_oscillation_mm: num(f[vo]),
                mean_heart_rate_bpm: num(f[hr]),
                max_heart_rate_bpm: num(f[hr_max]),
                temperature_mean_c: num(f[temp]),
                ..RunMetrics::default()
            };
            Row {
                date: f[date].parse::<NaiveDate>().expect("local_date"),
                metrics,
            }
        })
        .collect()
}

#[test]
fn real_runners_are_not_flagged_most_months() {
    let Some(dir) = real_runs_dir() else {
        return;
    };
    let profile = AthleteProfile::default();
    for name in ["runner-a", "runner-b", "runner-c"] {
        let path = dir.join(format!("{name}.csv"));
        if !path.is_file() {
            println!("SKIP: {} missing", path.display());
            continue;
        }
        let rows = parse(&path);
        assert!(rows.len() > 100, "{name}: {} rows", rows.len());
        let ends = month_ends(&rows);
        let tally = tally_months(&rows, &profile, &ends);
        print_table(&format!("{name} ({} runs, {} monthly windows)", rows.len(), ends.len()), &tally);
        // The bar. A verdict is about "why do my legs feel heavy now": a
        // recreational runner's training pattern does not change every
        // month, so a load or recovery cause that fires in more than a third
        // of a real runner's months describes the runner's normal, not a
        // change worth a warning. `high` is for large, recent, well-supported
        // patterns: at most one month in ten.
        for cause in [Cause::Overtraining, Cause::Recovery] {
            let t = tally[&cause];
            assert!(t.assessable >= 6, "{name} {}: {t:?}", cause.id());
            assert!(
                t.flagged * 3 <= t.assessable,
                "{name} {}: flagged in {} of {} months",
                cause.id(),
                t.flagged,
                t.assessable
            );
            assert!(
                t.high * 10 <= t.assessable,
                "{name} {}: high in {} of {} months",
                cause.id(),
                t.high,
                t.assessable
            );
        }
    }
}
