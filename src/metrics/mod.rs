//! Per-run metrics: one [`RunMetrics`] row per run, each value a pure function
//! of the normalized [`Activity`](crate::activity::Activity).
//!
//! Later stages (weekly load, findings, reports, the cache) read only these
//! rows, never the raw series, so the row carries everything they need,
//! including the speed/cadence bins the per-athlete form fit uses.
//! Every metric that cannot be computed is `None` with a reason in
//! [`RunMetrics::null_reasons`]. Definitions, units and sources: `docs/metrics.md`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Time spent at one speed band, with the cadence and step length held there.
/// The athlete-level cadence~speed fit is built from these bins of all runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeedBin {
    /// Centre of the speed band, m/s.
    pub speed_mps: f64,
    pub cadence_spm: f64,
    pub step_length_m: Option<f64>,
    pub heart_rate_bpm: Option<f64>,
    pub seconds: f64,
}

/// The metrics of one run. Field names carry units; fractions are 0–1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    pub path: String,
    pub start: Option<DateTime<Utc>>,
    pub elapsed_s: f64,
    pub moving_s: Option<f64>,
    pub paused_s: f64,
    pub distance_m: Option<f64>,
    pub mean_moving_speed_mps: Option<f64>,
    /// Samples dropped as GPS spikes / teleports.
    pub gps_spikes: u32,

    pub mean_cadence_spm: Option<f64>,
    pub median_cadence_spm: Option<f64>,
    /// Share of moving time with cadence <160, 160–170, 170–180, >180 spm.
    pub cadence_share_bands: Option<[f64; 4]>,
    /// Mean step length, m: recorded `step_length` when present, else speed ÷ cadence.
    pub step_length_m: Option<f64>,
    pub step_length_source: Option<String>,

    pub stance_time_ms: Option<f64>,
    pub stance_balance_left_pct: Option<f64>,
    pub vertical_oscillation_mm: Option<f64>,
    pub vertical_ratio_pct: Option<f64>,

    /// Cadence at easy effort (the run's slower-than-median moving samples), spm.
    pub easy_cadence_spm: Option<f64>,
    pub easy_speed_mps: Option<f64>,
    /// Mean HR while running at the athlete's easy-pace band (set by the app from bins), bpm.
    pub easy_heart_rate_bpm: Option<f64>,

    pub cadence_first_third_spm: Option<f64>,
    pub cadence_last_third_spm: Option<f64>,
    pub step_length_first_third_m: Option<f64>,
    pub step_length_last_third_m: Option<f64>,
    pub stance_time_first_third_ms: Option<f64>,
    pub stance_time_last_third_ms: Option<f64>,
    /// Pace fade, last 25 % vs first 25 % of moving time (speed drop, %), runs ≥ 90 min.
    pub pace_fade_pct: Option<f64>,
    /// Aerobic decoupling (Pa:HR, first vs second half), %, steady runs ≥ 60 min with HR.
    pub decoupling_pct: Option<f64>,
    pub temperature_mean_c: Option<f64>,
    pub temperature_max_c: Option<f64>,

    pub warm_up_s: Option<f64>,
    pub cool_down_s: Option<f64>,

    pub mean_heart_rate_bpm: Option<f64>,
    pub max_heart_rate_bpm: Option<f64>,
    /// Seconds in HR zones 1–5.
    pub hr_zone_s: Option<[f64; 5]>,
    /// Banister TRIMP, arbitrary units.
    pub trimp: Option<f64>,
    /// Moving seconds at easy / moderate / hard intensity (HR zones 1–2 / 3 / 4–5).
    pub intensity_s: Option<[f64; 3]>,

    pub speed_bins: Vec<SpeedBin>,
    /// Why each `None` metric is `None` (metric name → reason).
    pub null_reasons: BTreeMap<String, String>,
}
