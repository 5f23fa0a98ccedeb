//! Hand-built histories for the rule tests.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};

use super::RunView;
use crate::load::{Day, Week};
use crate::metrics::RunMetrics;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

/// A run on `date` (07:00 UTC) lasting `moving_s` over `km`, path `runs/<date>.fit`.
pub fn run(date: NaiveDate, moving_s: f64, km: f64) -> RunMetrics {
    let start = Utc.from_utc_datetime(&date.and_hms_opt(7, 0, 0).expect("valid time"));
    RunMetrics {
        path: format!("runs/{date}.fit"),
        start: Some(start),
        elapsed_s: moving_s,
        moving_s: Some(moving_s),
        distance_m: Some(km * 1000.0),
        mean_moving_speed_mps: Some(km * 1000.0 / moving_s),
        ..RunMetrics::default()
    }
}

/// Views over metric rows, dated by their UTC start.
pub fn views(ms: &[RunMetrics]) -> Vec<RunView<'_>> {
    ms.iter()
        .map(|m| RunView {
            path: &m.path,
            date: m
                .start
                .map(|s| s.date_naive())
                .expect("test runs have a start"),
            metrics: m,
            cadence_residual_spm: None,
            easy_hr_bpm: None,
        })
        .collect()
}

/// A week starting on `start` with `km` over `runs` runs; everything else neutral.
pub fn week(start: NaiveDate, km: f64, runs: u32) -> Week {
    let iso = start.iso_week();
    Week {
        week: format!("{}-W{:02}", iso.year(), iso.week()),
        start,
        distance_km: km,
        moving_s: km * 360.0,
        runs,
        rest_days: 7u32.saturating_sub(runs),
        longest_run_km: 0.0,
        longest_run_share: None,
        long_runs_90min: 0,
        mean_cadence_spm: None,
        intensity_s: [0.0; 3],
        ramp_pct: None,
        acwr_rolling: None,
        acwr_ewma: None,
        monotony: None,
        strain: None,
        streak_days: 0,
        load: km,
        days_in_history: 7,
        weeks_without_rest: 0,
        partial: false,
    }
}

/// Consecutive weeks from Monday `first` with the given distances; ramp % filled in.
pub fn weeks(first: NaiveDate, kms: &[f64]) -> Vec<Week> {
    let mut out: Vec<Week> = Vec::new();
    for (i, &km) in kms.iter().enumerate() {
        let mut w = week(first + chrono::Days::new(7 * i as u64), km, 4);
        if let Some(prev) = out.last()
            && prev.distance_km > 0.0
        {
            w.ramp_pct = Some((km / prev.distance_km - 1.0) * 100.0);
        }
        out.push(w);
    }
    out
}

/// One day with `km` run (a rest day when zero).
pub fn day(date: NaiveDate, km: f64) -> Day {
    Day {
        date,
        distance_km: km,
        moving_s: km * 360.0,
        runs: u32::from(km > 0.0),
        load: km,
        rest: km <= 0.0,
    }
}

/// Consecutive days from `first`, one per entry of `kms`.
pub fn days(first: NaiveDate, kms: &[f64]) -> Vec<Day> {
    kms.iter()
        .enumerate()
        .map(|(i, &km)| day(first + chrono::Days::new(i as u64), km))
        .collect()
}
