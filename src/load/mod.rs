//! Weekly load: per-run rows become daily and weekly tables in the runner's
//! own calendar, with ramp, ACWR, monotony, streak and comeback rules.
//! polars lives behind this module; everything it returns is plain Rust.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One calendar day in the athlete's local time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Day {
    pub date: NaiveDate,
    pub distance_km: f64,
    pub moving_s: f64,
    pub runs: u32,
    /// TRIMP when every run that day has HR, else distance in km (see `load_unit`).
    pub load: f64,
    pub rest: bool,
}

/// One week (ISO, Monday start by default) in the athlete's local time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Week {
    /// ISO label like `2026-W23` (of the week's start date).
    pub week: String,
    pub start: NaiveDate,
    pub distance_km: f64,
    pub moving_s: f64,
    pub runs: u32,
    pub rest_days: u32,
    pub longest_run_km: f64,
    /// Longest run ÷ week distance, 0–1.
    pub longest_run_share: Option<f64>,
    pub long_runs_90min: u32,
    pub mean_cadence_spm: Option<f64>,
    /// Moving seconds at easy / moderate / hard intensity.
    pub intensity_s: [f64; 3],
    /// Distance change vs the previous week, %; None when the previous week had no distance.
    pub ramp_pct: Option<f64>,
    /// Acute:chronic ratio at the week's last day: rolling 7:28 (uncoupled) and EWMA.
    pub acwr_rolling: Option<f64>,
    pub acwr_ewma: Option<f64>,
    /// Foster monotony (mean ÷ SD of the 7 daily loads) and strain (weekly load × monotony).
    pub monotony: Option<f64>,
    pub strain: Option<f64>,
    /// Longest run of consecutive run days that ends in this week.
    pub streak_days: u32,
}

// The polars plan is in a submodule gated on the `tables` feature; the
// structs above stay available to findings and reports without polars.

/// A break in training and what followed it (Blanch & Gabbett 2016).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Break {
    /// First and last day of the gap (local dates).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: u32,
    /// Mean weekly distance over the 4 weeks before the gap, km.
    pub pre_break_weekly_km: f64,
    /// Return weeks (the first up to 3 weeks after the gap): ISO label and distance.
    pub return_weeks: Vec<(String, f64)>,
    /// Highest return-week distance ÷ pre-break weekly distance.
    pub return_ratio: Option<f64>,
}
