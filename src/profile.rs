//! What the athlete tells heavylegs that the files cannot: name, time zone,
//! height, heart-rate anchors and shoes. Comes from a pipeline file or flags.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AthleteProfile {
    pub name: String,
    /// IANA time zone (e.g. `Europe/Berlin`) used when a file carries no UTC
    /// offset; a name that is not one fails the file (with its line), never silently.
    #[serde(with = "tz_name")]
    pub timezone: Option<chrono_tz::Tz>,
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

/// A time zone read and written by its IANA name.
mod tz_name {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tz: &Option<chrono_tz::Tz>, s: S) -> Result<S::Ok, S::Error> {
        match tz {
            Some(tz) => s.serialize_some(tz.name()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<chrono_tz::Tz>, D::Error> {
        let Some(name) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        name.parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "timezone: unknown time zone \"{name}\" (use an IANA name like Europe/Berlin)"
            ))
        })
    }
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
