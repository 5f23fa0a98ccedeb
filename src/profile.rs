//! What the athlete tells heavylegs that the files cannot: name, time zone,
//! height, heart-rate anchors and shoes. Comes from a pipeline file or flags.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AthleteProfile {
    pub name: String,
    /// IANA time zone (e.g. `Europe/Berlin`) used when a file carries no UTC offset.
    pub timezone: Option<String>,
    pub height_cm: Option<f64>,
    pub max_hr_bpm: Option<f64>,
    pub resting_hr_bpm: Option<f64>,
    /// Lactate-threshold HR; when set, zones are built from it instead of max HR.
    pub threshold_hr_bpm: Option<f64>,
    pub shoes: Vec<Shoe>,
    /// `[[journal]]`: the runner's own daily notes (sleep, legs, RPE, ferritin).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub journal: Vec<crate::wellness::journal::JournalEntry>,
}

/// A pair of shoes and the runs it was used for: from `since` (inclusive) to
/// `until` (inclusive, open when absent). Later-starting pairs win on overlaps
/// unless `runs` names files explicitly.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Shoe {
    pub name: String,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Input paths (or suffixes of them) worn with this pair.
    pub runs: Vec<String>,
    /// Distance already on the pair before the first analysed run, km.
    pub start_km: f64,
    /// Retire-at distance; defaults to the threshold config's `shoe_limit_km`.
    pub limit_km: Option<f64>,
}
