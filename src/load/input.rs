//! What the load stage reads: one [`RunInput`] per run, and the rule
//! parameters in [`LoadConfig`]. Both are plain data so callers can build
//! them from [`RunMetrics`](crate::metrics::RunMetrics) or from tests.

use chrono::{DateTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::metrics::RunMetrics;

/// One run as the load stage sees it. Values that are NaN, infinite or
/// negative are treated as absent (0 for totals, `None` for optionals).
#[derive(Debug, Clone, PartialEq)]
pub struct RunInput {
    pub path: String,
    pub start_utc: DateTime<Utc>,
    /// Local time minus UTC at the start, from the file (FIT `activity.local_timestamp`).
    pub utc_offset_s: Option<i32>,
    /// Start position as (latitude, longitude) in degrees.
    pub start_lat_lon: Option<(f64, f64)>,
    pub distance_km: f64,
    pub moving_s: f64,
    pub elapsed_s: f64,
    pub trimp: Option<f64>,
    pub mean_cadence_spm: Option<f64>,
    /// Moving seconds at easy / moderate / hard intensity.
    pub intensity_s: Option<[f64; 3]>,
}

impl RunInput {
    /// The load-relevant part of a metrics row; `None` without a start time.
    /// The start position is not in [`RunMetrics`]; pass it from the activity.
    pub fn from_metrics(
        m: &RunMetrics,
        utc_offset_s: Option<i32>,
        start_lat_lon: Option<(f64, f64)>,
    ) -> Option<RunInput> {
        Some(RunInput {
            path: m.path.clone(),
            start_utc: m.start?,
            utc_offset_s,
            start_lat_lon,
            distance_km: m.distance_m.unwrap_or(0.0) / 1000.0,
            moving_s: m.moving_s.unwrap_or(m.elapsed_s),
            elapsed_s: m.elapsed_s,
            trimp: m.trimp,
            mean_cadence_spm: m.mean_cadence_spm,
            intensity_s: m.intensity_s,
        })
    }
}

/// The unit of every daily and weekly `load` value, chosen once per history
/// so that ratios (ACWR, monotony, strain) never mix units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadUnit {
    /// Banister TRIMP. Chosen when at least `trimp_min_share` of the runs have
    /// it; the other runs get `moving_s ×` the history's TRIMP per moving
    /// second, because TRIMP grows with duration first and intensity second.
    Trimp,
    /// Distance in km, used when too few runs carry heart rate.
    DistanceKm,
}

impl LoadUnit {
    pub fn as_str(self) -> &'static str {
        crate::names::serde_name(&self)
    }
}

/// Calendar settings and rule parameters. Defaults follow
/// `anchors-features.md` §3; definitions in [`rules`](super::rules).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadConfig {
    /// First day of the training week (ISO: Monday).
    pub week_start: Weekday,
    /// The athlete's IANA zone, used for runs without a file offset or position.
    pub timezone: Option<chrono_tz::Tz>,
    /// Look up the zone at the start position when the file has no offset.
    pub use_start_position: bool,
    /// Share of runs that must carry TRIMP for the history to use TRIMP as load.
    pub trimp_min_share: f64,
    /// A run at least this long (moving time) counts as a long run.
    pub long_run_s: f64,
    /// Acute and chronic windows, days (rolling sums and EWMA spans).
    pub acute_days: usize,
    pub chronic_days: usize,
    /// Monotony ceiling: identical daily loads make SD 0 and the ratio infinite.
    pub monotony_cap: f64,
    /// A break is at least this many days ...
    pub break_min_days: u32,
    /// ... at less than this share of the usual weekly distance ...
    pub break_volume_share: f64,
    /// ... where "usual" is the mean over this many weeks before it.
    pub break_baseline_weeks: u32,
    /// How many calendar weeks after a break count as the return.
    pub return_weeks: u32,
    /// Longest history accepted, days; longer spans mean a broken start time.
    pub max_span_days: i64,
    /// Extend the daily and weekly tables through this day even without runs
    /// (the report's as-of day), so rest days up to it are counted.
    pub extend_to: Option<chrono::NaiveDate>,
}

impl Default for LoadConfig {
    fn default() -> Self {
        LoadConfig {
            week_start: Weekday::Mon,
            timezone: None,
            use_start_position: true,
            trimp_min_share: 0.8,
            long_run_s: 90.0 * 60.0,
            acute_days: 7,
            chronic_days: 28,
            monotony_cap: 10.0,
            break_min_days: 14,
            break_volume_share: 0.25,
            break_baseline_weeks: 4,
            return_weeks: 3,
            max_span_days: 100 * 366,
            extend_to: None,
        }
    }
}
