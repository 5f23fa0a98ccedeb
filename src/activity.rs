//! The normalized run model every decoder produces and every later stage reads.
//!
//! Decoders are the only code that knows a file format; from here on a FIT
//! session, a GPX track and a TCX activity look the same. Columns carry their
//! unit in their name. A channel the file does not record is `None`; a single
//! missing sample inside a recorded channel is `NaN` (never `0.0`, which is a
//! real value for speed or power).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// The container format an activity was decoded from (decided by content, not name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Fit,
    Tcx,
    Gpx,
    /// Apple Health `export.xml` (one activity per `<Workout>`).
    #[serde(rename = "apple_health")]
    AppleHealth,
    /// Polar Flow account export `training-session-*.json`.
    #[serde(rename = "polar_flow")]
    PolarFlow,
}

impl Format {
    /// Richer sources win when the same run arrives twice (FIT > TCX, Apple
    /// Health, Polar JSON > GPX): an Apple workout with heart rate and
    /// cadence beats its own route GPX, which has positions only.
    pub fn richness(self) -> u8 {
        match self {
            Format::Fit => 3,
            Format::Tcx | Format::AppleHealth | Format::PolarFlow => 2,
            Format::Gpx => 1,
        }
    }

    /// The serde name (`fit`, `apple_health`): one spelling in JSON, CSV and logs.
    pub fn as_str(self) -> &'static str {
        crate::names::serde_name(&self)
    }
}

/// Sport as recorded by the file, folded to the few values heavylegs acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sport {
    Running,
    Walking,
    Hiking,
    Cycling,
    Swimming,
    Transition,
    Multisport,
    Generic,
    Other,
    /// The file does not say (common in GPX); the decoder may infer it.
    Unknown,
}

impl Sport {
    /// The serde name (`running`, `cycling`): one spelling in JSON, CSV and logs.
    pub fn as_str(self) -> &'static str {
        crate::names::serde_name(&self)
    }

    /// Parses the spellings FIT enum names, TCX `Sport=` and GPX `<type>` use.
    pub fn from_label(label: &str) -> Sport {
        let l = label.trim().to_ascii_lowercase();
        match l.as_str() {
            "running" | "run" | "trail_running" | "trail run" | "treadmill" | "virtual_run"
            | "virtualrun" | "trailrun" | "9" => Sport::Running,
            "walking" | "walk" => Sport::Walking,
            "hiking" | "hike" => Sport::Hiking,
            "cycling" | "biking" | "ride" | "bike" | "virtualride" | "e_biking" | "1" => {
                Sport::Cycling
            }
            "swimming" | "swim" => Sport::Swimming,
            "transition" => Sport::Transition,
            "multisport" => Sport::Multisport,
            "generic" => Sport::Generic,
            "" => Sport::Unknown,
            _ => Sport::Other,
        }
    }
}

/// How a file's cadence numbers were turned into steps per minute.
///
/// The "cadence is half" bug is the most repeated bug in running software, so
/// every activity says which rule produced its `cadence_spm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CadenceRule {
    /// FIT running cadence: 2 × (strides/min + fractional_cadence).
    FitStridesTimesTwo,
    /// The file's values were already steps/min (running median ≥ 120).
    AlreadySteps,
    /// The file's values looked like strides/min of one foot (median < 120), doubled.
    StridesDoubled,
    /// No cadence recorded.
    None,
}

/// Where the file came from. `path` names archive members (`export.zip!a/1.fit.gz`)
/// and multisport sessions (`tri.fit#3`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    /// SHA-256 (hex) of the input's bytes as stored (a member's own bytes in an archive).
    pub sha256: String,
    pub format: Format,
    /// Manufacturer/product or creator application, when the file names one.
    pub device: Option<String>,
}

/// A lap as recorded by the device (FIT lap, TCX `<Lap>`), times relative to the activity start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lap {
    pub start_s: f64,
    pub elapsed_s: f64,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
}

/// A span in which the device timer was stopped, relative to the activity start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub start_s: f64,
    pub end_s: f64,
}

/// One value per sample, in the units the names say.
pub type Channel = Option<Vec<f64>>;

/// The per-sample time series, column-oriented. Every present channel has
/// `time_s.len()` values; `time_s` is seconds since [`Activity::start`] and
/// never decreases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub time_s: Vec<f64>,
    pub distance_m: Channel,
    pub speed_mps: Channel,
    pub cadence_spm: Channel,
    pub heart_rate_bpm: Channel,
    pub altitude_m: Channel,
    pub lat_deg: Channel,
    pub lon_deg: Channel,
    pub power_w: Channel,
    pub stance_time_ms: Channel,
    pub stance_balance_pct: Channel,
    pub vertical_oscillation_mm: Channel,
    pub vertical_ratio_pct: Channel,
    pub step_length_mm: Channel,
    pub temperature_c: Channel,
}

/// Column names in output order; [`Series::column`] resolves them.
pub const COLUMNS: [&str; 15] = [
    "time_s",
    "distance_m",
    "speed_mps",
    "cadence_spm",
    "heart_rate_bpm",
    "altitude_m",
    "lat_deg",
    "lon_deg",
    "power_w",
    "stance_time_ms",
    "stance_balance_pct",
    "vertical_oscillation_mm",
    "vertical_ratio_pct",
    "step_length_mm",
    "temperature_c",
];

impl Series {
    pub fn len(&self) -> usize {
        self.time_s.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time_s.is_empty()
    }

    /// The first present channel whose length differs from `time_s`.
    pub fn unequal_channel(&self) -> Option<&'static str> {
        let n = self.len();
        COLUMNS
            .into_iter()
            .find(|c| self.column(c).is_some_and(|v| v.len() != n))
    }

    /// The model's promise, checked: every present channel as long as
    /// `time_s`, and `time_s` finite and never decreasing. `Err` says what broke.
    pub fn check(&self) -> Result<(), String> {
        if let Some(c) = self.unequal_channel() {
            return Err(format!(
                "channel {c} has {} values, time_s has {}",
                self.column(c).map_or(0, <[f64]>::len),
                self.len()
            ));
        }
        if let Some(t) = self.time_s.iter().find(|t| !t.is_finite()) {
            return Err(format!("time_s holds {t}"));
        }
        if let Some(i) = self.time_s.windows(2).position(|w| w[1] < w[0]) {
            return Err(format!(
                "time_s decreases at {i}: {} -> {}",
                self.time_s[i],
                self.time_s[i + 1]
            ));
        }
        Ok(())
    }

    /// A column by its [`COLUMNS`] name (`time_s` included).
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        let ch = match name {
            "time_s" => return Some(&self.time_s),
            "distance_m" => &self.distance_m,
            "speed_mps" => &self.speed_mps,
            "cadence_spm" => &self.cadence_spm,
            "heart_rate_bpm" => &self.heart_rate_bpm,
            "altitude_m" => &self.altitude_m,
            "lat_deg" => &self.lat_deg,
            "lon_deg" => &self.lon_deg,
            "power_w" => &self.power_w,
            "stance_time_ms" => &self.stance_time_ms,
            "stance_balance_pct" => &self.stance_balance_pct,
            "vertical_oscillation_mm" => &self.vertical_oscillation_mm,
            "vertical_ratio_pct" => &self.vertical_ratio_pct,
            "step_length_mm" => &self.step_length_mm,
            "temperature_c" => &self.temperature_c,
            _ => return None,
        };
        ch.as_deref()
    }

    /// Drops channels that hold no finite value at all, so "present" means "recorded".
    pub fn prune_empty_channels(&mut self) {
        for ch in [
            &mut self.distance_m,
            &mut self.speed_mps,
            &mut self.cadence_spm,
            &mut self.heart_rate_bpm,
            &mut self.altitude_m,
            &mut self.lat_deg,
            &mut self.lon_deg,
            &mut self.power_w,
            &mut self.stance_time_ms,
            &mut self.stance_balance_pct,
            &mut self.vertical_oscillation_mm,
            &mut self.vertical_ratio_pct,
            &mut self.step_length_mm,
            &mut self.temperature_c,
        ] {
            if ch
                .as_ref()
                .is_some_and(|v| !v.iter().any(|x| x.is_finite()))
            {
                *ch = None;
            }
        }
    }
}

/// The runner's own rating of one run, as the watch asks after it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SelfRating {
    /// 0 (very weak) – 100 (very strong).
    pub feel: Option<f64>,
    /// Rate of perceived exertion, 1–10.
    pub rpe: Option<f64>,
}

impl SelfRating {
    /// Keeps values inside their scales; `None` when neither is left.
    pub fn new(feel: Option<f64>, rpe: Option<f64>) -> Option<SelfRating> {
        let feel = feel.filter(|f| (0.0..=100.0).contains(f));
        let rpe = rpe.filter(|r| (1.0..=10.0).contains(r));
        (feel.is_some() || rpe.is_some()).then_some(SelfRating { feel, rpe })
    }
}

/// One activity (a FIT session, a GPX file, a TCX `<Activity>`), normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub source: Source,
    pub sport: Sport,
    /// The file's own sub-sport label (`trail`, `treadmill`, …), lower case.
    pub sub_sport: Option<String>,
    /// Start of the activity, UTC.
    pub start: DateTime<Utc>,
    /// Local time minus UTC at the start, when the file records it (FIT `activity.local_timestamp`).
    pub utc_offset_s: Option<i32>,
    /// Wall-clock duration from first to last sample (or the session's own value).
    pub elapsed_s: f64,
    /// Timer time from the file's session/laps (excludes pauses), when recorded.
    pub timer_s: Option<f64>,
    /// Total distance: the session total when recorded, else the series' own.
    pub distance_m: Option<f64>,
    /// Average cadence the device itself stored for the session, steps/min.
    pub device_avg_cadence_spm: Option<f64>,
    pub cadence_rule: CadenceRule,
    /// How the runner rated the run on the watch (FIT session `workout_feel`, `workout_rpe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_rating: Option<SelfRating>,
    pub laps: Vec<Lap>,
    pub pauses: Vec<Pause>,
    pub series: Series,
    /// Non-fatal problems met while decoding (salvaged data, bad CRC, dropped samples…).
    pub warnings: Vec<String>,
}

impl Activity {
    /// An activity that is only its samples: no totals, laps, pauses or
    /// warnings, elapsed time from the series. For synthetic runs (tests,
    /// benches); decoders fill in what their file records.
    pub fn from_series(path: &str, sport: Sport, start: DateTime<Utc>, series: Series) -> Activity {
        Activity {
            source: Source {
                path: path.into(),
                sha256: String::new(),
                format: Format::Fit,
                device: None,
            },
            sport,
            sub_sport: None,
            start,
            utc_offset_s: None,
            elapsed_s: series.time_s.last().copied().unwrap_or(0.0),
            timer_s: None,
            distance_m: None,
            device_avg_cadence_spm: None,
            cadence_rule: CadenceRule::FitStridesTimesTwo,
            self_rating: None,
            laps: Vec::new(),
            pauses: Vec::new(),
            series,
            warnings: Vec::new(),
        }
    }

    /// Runs are what heavylegs analyses; treadmill and trail runs included.
    pub fn is_run(&self) -> bool {
        self.sport == Sport::Running
    }

    /// Local start time when the UTC offset is known.
    pub fn local_start(&self) -> Option<DateTime<FixedOffset>> {
        let off = FixedOffset::east_opt(self.utc_offset_s?)?;
        Some(self.start.with_timezone(&off))
    }
}

/// Steps/min from FIT running cadence (strides/min of one foot plus its 1/128 fraction).
pub fn fit_running_cadence_to_spm(cadence_rpm: f64, fractional: Option<f64>) -> f64 {
    2.0 * (cadence_rpm + fractional.unwrap_or(0.0))
}

/// Degrees from FIT semicircles (2^31 semicircles = 180°).
pub fn semicircles_to_deg(semicircles: i64) -> f64 {
    semicircles as f64 * (180.0 / 2_147_483_648.0)
}

/// Decides whether a GPX/TCX cadence series is strides or steps, and converts it to steps/min.
///
/// Running step rates sit at 140–200 spm; one-foot stride rates at 70–100. A
/// median of the non-zero samples below 120 can only be strides.
pub fn normalize_xml_cadence(values: &mut [f64]) -> CadenceRule {
    let mut nz: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    if nz.is_empty() {
        return CadenceRule::None;
    }
    let mid = nz.len() / 2;
    let (_, median, _) = nz.select_nth_unstable_by(mid, f64::total_cmp);
    if *median < 120.0 {
        for v in values.iter_mut() {
            *v *= 2.0;
        }
        CadenceRule::StridesDoubled
    } else {
        CadenceRule::AlreadySteps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cadence_is_doubled_with_fraction() {
        assert_eq!(fit_running_cadence_to_spm(88.0, Some(0.5)), 177.0);
        assert_eq!(fit_running_cadence_to_spm(85.0, None), 170.0);
    }

    #[test]
    fn xml_cadence_rule_decides_by_median() {
        let mut strides = vec![0.0, 84.0, 86.0, 85.0, f64::NAN];
        assert_eq!(
            normalize_xml_cadence(&mut strides),
            CadenceRule::StridesDoubled
        );
        assert_eq!(strides[1], 168.0);
        let mut steps = vec![168.0, 172.0, 0.0];
        assert_eq!(normalize_xml_cadence(&mut steps), CadenceRule::AlreadySteps);
        assert_eq!(steps[1], 172.0);
        let mut none: Vec<f64> = vec![0.0, 0.0];
        assert_eq!(normalize_xml_cadence(&mut none), CadenceRule::None);
    }

    #[test]
    fn semicircles_convert() {
        assert!((semicircles_to_deg(1 << 30) - 90.0).abs() < 1e-12);
    }
}
