//! Per-run metrics: one [`RunMetrics`] row per run, each value a pure function
//! of the normalized [`Activity`](crate::activity::Activity).
//!
//! Later stages (weekly load, findings, reports, the cache) read only these
//! rows, never the raw series, so the row carries everything they need,
//! including the speed/cadence bins the per-athlete form fit uses.
//! Every metric that cannot be computed is `None` with a reason in
//! [`RunMetrics::null_reasons`]. Definitions, units and sources: `docs/metrics.md`.

pub mod athlete;
pub mod cadence;
pub mod clean;
pub mod config;
pub mod dynamics;
pub mod fatigue;
pub mod intensity;
mod stats;
pub mod stride;
pub mod warmup;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::activity::Activity;

pub use config::{MetricsConfig, Sex};
pub use stats::{WeightedMean, median, weighted_median};

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
    #[serde(with = "crate::cache::compact::time_opt")]
    pub start: Option<DateTime<Utc>>,
    pub elapsed_s: f64,
    pub moving_s: Option<f64>,
    pub paused_s: f64,
    pub distance_m: Option<f64>,
    pub mean_moving_speed_mps: Option<f64>,
    /// Samples dropped as GPS spikes / teleports.
    pub gps_spikes: u32,
    /// Moving seconds whose cadence was 0 or missing (sensor dropouts, excluded from cadence).
    pub cadence_dropout_s: f64,

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
    /// Speed of the run's easy part: lower quartile of its 1-minute mean speeds, m/s.
    pub easy_part_speed_mps: Option<f64>,
    /// Fastest 5 consecutive minutes of moving time (mean clean speed), m/s.
    pub best_5min_speed_mps: Option<f64>,

    pub mean_heart_rate_bpm: Option<f64>,
    pub max_heart_rate_bpm: Option<f64>,
    /// Seconds in HR zones 1–5.
    pub hr_zone_s: Option<[f64; 5]>,
    /// Which anchor built the HR zones: `threshold_hr`, `max_hr` or `observed_max_hr`
    /// (estimated from the history, see `athlete::estimate_max_hr`).
    pub hr_zone_basis: Option<String>,
    /// The max HR behind the %-of-max zones and TRIMP, bpm (configured or estimated).
    pub max_hr_used_bpm: Option<f64>,
    /// Banister TRIMP, arbitrary units.
    pub trimp: Option<f64>,
    /// Moving seconds at easy / moderate / hard intensity (Seiler's three zones:
    /// < 82 %, 82–88 %, ≥ 88 % of max HR; Friel zones 1–2 / 3 / 4–5 with a threshold HR).
    pub intensity_s: Option<[f64; 3]>,
    /// Moving seconds per whole bpm, kept so the athlete-level max-HR estimate
    /// can re-derive zones, intensity and TRIMP without decoding again.
    #[serde(default)]
    pub hr_histogram: Option<intensity::HrHistogram>,

    pub speed_bins: Vec<SpeedBin>,
    /// Why each `None` metric is `None` (metric name → reason).
    pub null_reasons: BTreeMap<String, String>,
}

/// Version of the per-run row: part of the cache key, so rows cached by an
/// older heavylegs with other fields or definitions are recomputed.
pub const ROW_VERSION: u32 = 4;

/// A metric value, or why it could not be computed (goes to `null_reasons`).
pub type Metric<T> = Result<T, String>;

/// A missing metric with its reason.
pub(crate) fn missing<T>(why: &str) -> Metric<T> {
    Err(why.to_string())
}

/// Moves a [`Metric`] into a row: the value, or `None` with its reason recorded.
fn put<T>(reasons: &mut BTreeMap<String, String>, name: &str, m: Metric<T>) -> Option<T> {
    match m {
        Ok(v) => Some(v),
        Err(why) => {
            reasons.insert(name.to_string(), why);
            None
        }
    }
}

impl RunMetrics {
    /// Names of the optional metrics that are `None` in this row (checked
    /// against the serde names by a test).
    pub fn none_fields(&self) -> Vec<&'static str> {
        let opts = [
            ("start", self.start.is_none()),
            ("moving_s", self.moving_s.is_none()),
            ("distance_m", self.distance_m.is_none()),
            (
                "mean_moving_speed_mps",
                self.mean_moving_speed_mps.is_none(),
            ),
            ("mean_cadence_spm", self.mean_cadence_spm.is_none()),
            ("median_cadence_spm", self.median_cadence_spm.is_none()),
            ("cadence_share_bands", self.cadence_share_bands.is_none()),
            ("step_length_m", self.step_length_m.is_none()),
            ("step_length_source", self.step_length_source.is_none()),
            ("stance_time_ms", self.stance_time_ms.is_none()),
            (
                "stance_balance_left_pct",
                self.stance_balance_left_pct.is_none(),
            ),
            (
                "vertical_oscillation_mm",
                self.vertical_oscillation_mm.is_none(),
            ),
            ("vertical_ratio_pct", self.vertical_ratio_pct.is_none()),
            ("easy_cadence_spm", self.easy_cadence_spm.is_none()),
            ("easy_speed_mps", self.easy_speed_mps.is_none()),
            ("easy_heart_rate_bpm", self.easy_heart_rate_bpm.is_none()),
            (
                "cadence_first_third_spm",
                self.cadence_first_third_spm.is_none(),
            ),
            (
                "cadence_last_third_spm",
                self.cadence_last_third_spm.is_none(),
            ),
            (
                "step_length_first_third_m",
                self.step_length_first_third_m.is_none(),
            ),
            (
                "step_length_last_third_m",
                self.step_length_last_third_m.is_none(),
            ),
            (
                "stance_time_first_third_ms",
                self.stance_time_first_third_ms.is_none(),
            ),
            (
                "stance_time_last_third_ms",
                self.stance_time_last_third_ms.is_none(),
            ),
            ("pace_fade_pct", self.pace_fade_pct.is_none()),
            ("decoupling_pct", self.decoupling_pct.is_none()),
            ("temperature_mean_c", self.temperature_mean_c.is_none()),
            ("temperature_max_c", self.temperature_max_c.is_none()),
            ("warm_up_s", self.warm_up_s.is_none()),
            ("cool_down_s", self.cool_down_s.is_none()),
            ("easy_part_speed_mps", self.easy_part_speed_mps.is_none()),
            ("best_5min_speed_mps", self.best_5min_speed_mps.is_none()),
            ("mean_heart_rate_bpm", self.mean_heart_rate_bpm.is_none()),
            ("max_heart_rate_bpm", self.max_heart_rate_bpm.is_none()),
            ("hr_zone_s", self.hr_zone_s.is_none()),
            ("hr_zone_basis", self.hr_zone_basis.is_none()),
            ("max_hr_used_bpm", self.max_hr_used_bpm.is_none()),
            ("trimp", self.trimp.is_none()),
            ("intensity_s", self.intensity_s.is_none()),
            ("hr_histogram", self.hr_histogram.is_none()),
        ];
        opts.iter().filter(|o| o.1).map(|o| o.0).collect()
    }

    /// Gives every `None` metric that has no reason yet the reason `why`.
    fn explain_rest(&mut self, why: &str) {
        for name in self.none_fields() {
            self.null_reasons
                .entry(name.to_string())
                .or_insert_with(|| why.to_string());
        }
    }
}

/// The metrics of one activity. Non-runs (and runs without samples) get a row
/// whose every metric is `None` with the reason, so callers can pass anything.
pub fn compute(activity: &Activity, cfg: &MetricsConfig) -> RunMetrics {
    let mut m = RunMetrics {
        path: activity.source.path.clone(),
        start: Some(activity.start),
        elapsed_s: activity.elapsed_s,
        ..RunMetrics::default()
    };
    if !activity.is_run() {
        m.explain_rest(&format!("not a run ({})", activity.sport.as_str()));
        return m;
    }
    let series = &activity.series;
    if series.is_empty() {
        m.explain_rest("no samples");
        return m;
    }
    // The model promises equal lengths; a decoder bug must not become a panic here.
    if let Some(bad) = series.unequal_channel() {
        m.explain_rest(&format!("channel {bad} has a different length than time_s"));
        return m;
    }
    let c = clean::clean(activity, cfg);
    let r = &mut m.null_reasons;
    m.moving_s = Some(c.moving_s);
    m.paused_s = (activity.elapsed_s - c.moving_s).max(0.0);
    m.gps_spikes = c.gps_spikes;
    m.cadence_dropout_s = c.cadence_dropout_s;
    m.distance_m = if c.gps_spikes == 0 {
        activity.distance_m.or(c.distance_m)
    } else {
        c.distance_m.or(activity.distance_m)
    };
    if m.distance_m.is_none() {
        r.insert(
            "distance_m".into(),
            "no distance, positions or session total".into(),
        );
    }
    let mut speed = WeightedMean::default();
    for (&v, &w) in c.speed_mps.iter().zip(&c.moving_dt_s) {
        speed.add(v, w);
    }
    m.mean_moving_speed_mps = put(
        r,
        "mean_moving_speed_mps",
        speed.mean().ok_or_else(|| "no speed".into()),
    );

    let cad = cadence::cadence(series, &c, cfg);
    m.mean_cadence_spm = put(r, "mean_cadence_spm", cad.mean_spm);
    m.median_cadence_spm = put(r, "median_cadence_spm", cad.median_spm);
    m.cadence_share_bands = put(r, "cadence_share_bands", cad.share_bands);
    m.easy_cadence_spm = put(r, "easy_cadence_spm", cad.easy_cadence_spm);
    m.easy_speed_mps = put(r, "easy_speed_mps", cad.easy_speed_mps);
    r.insert(
        "easy_heart_rate_bpm".into(),
        "set by the app from the athlete's easy speed band (athlete::easy_hr_at_speed)".into(),
    );

    let st = stride::stride(series, &c, cfg);
    m.step_length_source = st.source.map(|s| s.as_str().to_string());
    if let Err(why) = &st.step_length_m {
        r.insert("step_length_source".into(), why.clone());
    }
    m.step_length_m = put(r, "step_length_m", st.step_length_m);
    m.speed_bins = st.speed_bins;

    let dy = dynamics::dynamics(series, &c, cfg);
    m.stance_time_ms = put(r, "stance_time_ms", dy.stance_time_ms);
    m.stance_balance_left_pct = put(r, "stance_balance_left_pct", dy.stance_balance_left_pct);
    m.vertical_oscillation_mm = put(r, "vertical_oscillation_mm", dy.vertical_oscillation_mm);
    m.vertical_ratio_pct = put(r, "vertical_ratio_pct", dy.vertical_ratio_pct);

    let wu = warmup::warmup(series, &c);
    let main = wu.main_part(c.moving_s);
    m.warm_up_s = put(r, "warm_up_s", wu.warm_up_s);
    m.cool_down_s = put(r, "cool_down_s", wu.cool_down_s);
    m.easy_part_speed_mps = put(r, "easy_part_speed_mps", wu.easy_part_speed_mps);
    m.best_5min_speed_mps = put(r, "best_5min_speed_mps", wu.best_5min_speed_mps);

    let fa = fatigue::fatigue(series, &c, st.source, main);
    m.cadence_first_third_spm = put(r, "cadence_first_third_spm", fa.cadence_first_third_spm);
    m.cadence_last_third_spm = put(r, "cadence_last_third_spm", fa.cadence_last_third_spm);
    m.step_length_first_third_m = put(r, "step_length_first_third_m", fa.step_length_first_third_m);
    m.step_length_last_third_m = put(r, "step_length_last_third_m", fa.step_length_last_third_m);
    m.stance_time_first_third_ms = put(
        r,
        "stance_time_first_third_ms",
        fa.stance_time_first_third_ms,
    );
    m.stance_time_last_third_ms = put(r, "stance_time_last_third_ms", fa.stance_time_last_third_ms);
    m.pace_fade_pct = put(r, "pace_fade_pct", fa.pace_fade_pct);
    m.decoupling_pct = put(r, "decoupling_pct", fa.decoupling_pct);
    m.temperature_mean_c = put(r, "temperature_mean_c", fa.temperature_mean_c);
    m.temperature_max_c = put(r, "temperature_max_c", fa.temperature_max_c);

    let hr = intensity::intensity(series, &c, cfg);
    m.mean_heart_rate_bpm = put(r, "mean_heart_rate_bpm", hr.mean_heart_rate_bpm);
    m.max_heart_rate_bpm = put(r, "max_heart_rate_bpm", hr.max_heart_rate_bpm);
    m.hr_zone_basis = hr.zone_basis.map(|b| b.as_str().to_string());
    if let Err(why) = &hr.hr_zone_s {
        r.insert("hr_zone_basis".into(), why.clone());
    }
    m.hr_zone_s = put(r, "hr_zone_s", hr.hr_zone_s);
    m.intensity_s = put(r, "intensity_s", hr.intensity_s);
    m.trimp = put(r, "trimp", hr.trimp);
    m.max_hr_used_bpm = hr.max_used_bpm;
    if m.max_hr_used_bpm.is_none() {
        r.insert("max_hr_used_bpm".into(), "no HR anchor".into());
    }
    m.hr_histogram = hr.histogram;
    if m.hr_histogram.is_none() {
        r.insert(
            "hr_histogram".into(),
            "no moving sample with a valid heart rate".into(),
        );
    }
    m
}

#[cfg(test)]
pub(crate) mod testutil {
    use chrono::TimeZone;

    use super::clean::{Cleaned, clean};
    use super::*;
    use crate::activity::{Series, Sport};

    pub fn activity(series: Series) -> Activity {
        let start = Utc.with_ymd_and_hms(2026, 5, 4, 6, 0, 0).unwrap();
        Activity::from_series("test.fit", Sport::Running, start, series)
    }

    /// A 1 Hz series with the given speeds (and cadence), cleaned with defaults.
    pub fn cleaned_1hz(speed: &[f64], cadence: Option<&[f64]>) -> (Series, Cleaned) {
        let series = Series {
            time_s: (0..speed.len()).map(|i| i as f64).collect(),
            speed_mps: Some(speed.to_vec()),
            cadence_spm: cadence.map(<[f64]>::to_vec),
            ..Series::default()
        };
        let a = activity(series);
        let c = clean(&a, &MetricsConfig::default());
        (a.series, c)
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::activity;
    use super::*;

    /// `none_fields` is written by hand: it must name every optional metric,
    /// by its JSON name, and nothing else.
    #[test]
    fn none_fields_names_every_optional_metric_as_the_json_does() {
        let empty = RunMetrics::default();
        let json = serde_json::to_value(&empty).unwrap();
        let nulls: std::collections::BTreeSet<&str> = json
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| k.as_str())
            .collect();
        let listed: std::collections::BTreeSet<&str> = empty.none_fields().into_iter().collect();
        assert_eq!(listed, nulls);
    }
    use crate::activity::{Series, Sport};

    fn steady_run(minutes: usize) -> Activity {
        let n = minutes * 60 + 1;
        let series = Series {
            time_s: (0..n).map(|i| i as f64).collect(),
            speed_mps: Some(vec![3.0; n]),
            distance_m: Some((0..n).map(|i| 3.0 * i as f64).collect()),
            cadence_spm: Some(vec![170.0; n]),
            heart_rate_bpm: Some(vec![150.0; n]),
            ..Series::default()
        };
        activity(series)
    }

    #[test]
    fn steady_hour_end_to_end() {
        let a = steady_run(65);
        let cfg = MetricsConfig {
            max_hr_bpm: Some(190.0),
            resting_hr_bpm: Some(50.0),
            ..Default::default()
        };
        let m = compute(&a, &cfg);
        assert_eq!(m.moving_s, Some(3900.0));
        assert_eq!(m.paused_s, 0.0);
        assert_eq!(m.distance_m, Some(11_700.0));
        assert_eq!(m.mean_moving_speed_mps, Some(3.0));
        assert_eq!(m.mean_cadence_spm, Some(170.0));
        assert_eq!(m.cadence_share_bands, Some([0.0, 0.0, 1.0, 0.0]));
        assert!((m.step_length_m.unwrap() - 3.0 / (170.0 / 60.0)).abs() < 1e-12);
        assert_eq!(m.step_length_source.as_deref(), Some("speed_over_cadence"));
        assert_eq!(m.speed_bins.len(), 1);
        assert_eq!(
            (m.speed_bins[0].speed_mps, m.speed_bins[0].seconds),
            (3.125, 3900.0)
        );
        assert_eq!((m.warm_up_s, m.cool_down_s), (Some(0.0), Some(0.0)));
        assert_eq!(m.decoupling_pct, Some(0.0));
        assert_eq!(
            m.null_reasons["pace_fade_pct"],
            "run shorter than 90 min of moving time"
        );
        // 150 bpm = 78.9 % of 190 → zone 3 for all 3900 s.
        assert_eq!(m.hr_zone_s, Some([0.0, 0.0, 3900.0, 0.0, 0.0]));
        // 78.9 % of max is below Seiler's 82 %: easy.
        assert_eq!(m.intensity_s, Some([3900.0, 0.0, 0.0]));
        assert_eq!(m.max_hr_used_bpm, Some(190.0));
        assert_eq!(m.hr_histogram.as_ref().map(|h| h.total_s()), Some(3900.0));
        let hrr: f64 = 100.0 / 140.0;
        let expect = 65.0 * hrr * 0.64 * (1.92 * hrr).exp();
        assert!((m.trimp.unwrap() - expect).abs() < 1e-9);
        for name in m.none_fields() {
            assert!(m.null_reasons.contains_key(name), "{name} has no reason");
        }
    }

    #[test]
    fn unequal_channels_are_refused_not_panicked_on() {
        let mut a = steady_run(30);
        a.series.cadence_spm = Some(vec![170.0; 10]);
        let m = compute(&a, &MetricsConfig::default());
        assert_eq!(m.mean_cadence_spm, None);
        assert_eq!(
            m.null_reasons["mean_cadence_spm"],
            "channel cadence_spm has a different length than time_s"
        );
    }

    #[test]
    fn non_run_gets_reasons_only() {
        let mut a = steady_run(30);
        a.sport = Sport::Cycling;
        let m = compute(&a, &MetricsConfig::default());
        assert_eq!(m.mean_cadence_spm, None);
        assert!(m.speed_bins.is_empty());
        assert_eq!(m.null_reasons["mean_cadence_spm"], "not a run (cycling)");
        for name in m.none_fields() {
            assert!(m.null_reasons.contains_key(name), "{name} has no reason");
        }
    }

    #[test]
    fn every_none_has_a_reason_on_a_bare_series() {
        // Time only: no speed, cadence or HR at all.
        let series = Series {
            time_s: (0..100).map(|i| i as f64).collect(),
            ..Series::default()
        };
        let m = compute(&activity(series), &MetricsConfig::default());
        assert_eq!(m.moving_s, Some(99.0));
        for name in m.none_fields() {
            assert!(m.null_reasons.contains_key(name), "{name} has no reason");
        }
    }

    #[test]
    fn pauses_and_spikes_are_reported() {
        let mut a = steady_run(30);
        a.pauses.push(crate::activity::Pause {
            start_s: 600.0,
            end_s: 660.0,
        });
        if let Some(s) = a.series.speed_mps.as_mut() {
            s[100] = 40.0;
        }
        let m = compute(&a, &MetricsConfig::default());
        assert_eq!(m.moving_s, Some(1740.0));
        assert_eq!(m.paused_s, 60.0);
        assert_eq!(m.gps_spikes, 1);
        // The spike's 3 m increment is dropped from the series distance.
        assert_eq!(m.distance_m, Some(5397.0));
    }
}
