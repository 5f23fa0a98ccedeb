//! Settings the per-run metrics depend on: the athlete's heart-rate anchors
//! (from the profile) and the cleaning thresholds. Defaults are stated in
//! `docs/metrics.md`; every one is a plain number a pipeline file can override.

use serde::{Deserialize, Serialize};

use crate::profile::AthleteProfile;

/// Sex as used by Banister's TRIMP weighting only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
    /// Not told: Banister's generic (male) factors 0.64 · e^(1.92·HRr).
    #[default]
    Unspecified,
}

impl Sex {
    /// `(a, b)` in TRIMP = Σ dt_min · HRr · a · e^(b · HRr) (Banister 1991).
    pub fn trimp_factors(self) -> (f64, f64) {
        match self {
            Sex::Female => (0.86, 1.67),
            Sex::Male | Sex::Unspecified => (0.64, 1.92),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    pub max_hr_bpm: Option<f64>,
    pub resting_hr_bpm: Option<f64>,
    /// Lactate-threshold HR; when set, zones are Friel's % of LTHR.
    pub threshold_hr_bpm: Option<f64>,
    /// Highest plausible HR seen over the athlete's whole history (the app
    /// fills it in); estimates max HR when neither anchor above is set.
    pub observed_max_hr_bpm: Option<f64>,
    pub height_cm: Option<f64>,
    pub sex: Sex,
    /// Below this speed a sample counts as standing, not moving.
    pub moving_speed_min_mps: f64,
    /// A gap between samples longer than this counts as moving only up to this long.
    pub max_sample_gap_s: f64,
    /// Faster than this is a GPS spike, not running (10 m/s ≈ 1:40 min/km).
    pub max_plausible_speed_mps: f64,
    /// Speed at which step lengths of different runs are compared (Lieberman 2015 used 3.0 m/s).
    pub reference_speed_mps: f64,
    /// Moving samples below this cadence are walking: kept in the cadence
    /// averages (as the watch does) but left out of easy cadence and speed bins.
    pub min_running_cadence_spm: f64,
    /// Resting HR assumed for TRIMP when the profile has none.
    pub default_resting_hr_bpm: f64,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            max_hr_bpm: None,
            resting_hr_bpm: None,
            threshold_hr_bpm: None,
            observed_max_hr_bpm: None,
            height_cm: None,
            sex: Sex::Unspecified,
            moving_speed_min_mps: 0.5,
            max_sample_gap_s: 10.0,
            max_plausible_speed_mps: 10.0,
            reference_speed_mps: 3.0,
            min_running_cadence_spm: 130.0,
            default_resting_hr_bpm: 60.0,
        }
    }
}

impl MetricsConfig {
    /// Defaults plus the athlete's own anchors (HR, height).
    pub fn from_profile(profile: &AthleteProfile) -> Self {
        MetricsConfig {
            max_hr_bpm: profile.max_hr_bpm,
            resting_hr_bpm: profile.resting_hr_bpm,
            threshold_hr_bpm: profile.threshold_hr_bpm,
            height_cm: profile.height_cm,
            ..MetricsConfig::default()
        }
    }
}
