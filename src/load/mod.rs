//! Weekly load: per-run rows become daily and weekly tables in the runner's
//! own calendar, with ramp, ACWR, monotony, streak and comeback rules.
//! polars lives behind this module; everything it returns is plain Rust.
//! Its tables are written by `report::load_tables`.
//!
//! Stages: [`calendar`] puts each run on a local date (plain Rust), the
//! polars plan in `plan` aggregates days and weeks in one collect, and
//! [`rules`] adds the sequential rules (streaks, rest-free weeks, comebacks).
//! Rule definitions and sources: the [`rules`] module doc.

pub mod calendar;
mod input;
#[cfg(feature = "tables")]
mod plan;
pub mod rules;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use calendar::{TzSource, WeekCalendar};
pub use input::{LoadConfig, LoadUnit, RunInput};
#[cfg(feature = "tables")]
pub use plan::{build, build_dated};

/// Everything [`build`] produces: the daily and weekly tables, the breaks
/// found in them, and where each run landed in the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadTables {
    /// Every calendar day from the first to the last run, rest days included.
    pub days: Vec<Day>,
    pub weeks: Vec<Week>,
    pub breaks: Vec<Break>,
    /// Per input run, in input order: path, local date, and how the date was found.
    pub run_days: Vec<(String, NaiveDate, TzSource)>,
    /// The one unit every `load` value uses for the whole history.
    pub load_unit: LoadUnit,
    /// Runs whose TRIMP was missing in a TRIMP history and was estimated
    /// from moving time (see [`LoadUnit`]).
    pub imputed_load_runs: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("run history spans {days} days (limit {limit}); a start time is probably wrong")]
    SpanTooLong { days: i64, limit: i64 },
    #[cfg(feature = "tables")]
    #[error("load table computation failed: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
    #[error("load table {column} has an unexpected shape: {reason}")]
    Shape { column: String, reason: String },
    #[error(transparent)]
    Write(#[from] crate::output::WriteError),
}

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
    /// Weekly load in the history's [`LoadUnit`] (sum of the daily loads).
    pub load: f64,
    /// Days of this week inside the history (first to last run); edge weeks have fewer than 7.
    pub days_in_history: u32,
    /// Consecutive weeks without a rest day, ending with this one (0 when this week has one).
    pub weeks_without_rest: u32,
    /// The week is unfinished: it has days after the report's as-of day, or
    /// days after the last run up to as-of/today. Rules never judge rest
    /// days, monotony or weekly distance of a partial week as if complete.
    #[serde(default)]
    pub partial: bool,
}

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
    /// Highest EWMA acute:chronic ratio in the return weeks. The chronic EWMA
    /// decays through the gap, so this is the "pre-break decayed chronic load"
    /// comparison of Blanch & Gabbett 2016.
    pub return_acwr_ewma_max: Option<f64>,
}
