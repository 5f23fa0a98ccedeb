//! Cleaning before any metric: which seconds are moving, which speeds are
//! GPS spikes, which cadence samples are sensor dropouts. One fix per module;
//! [`clean`] runs them in that order and hands the metric modules one
//! [`Cleaned`] view of the run.

pub mod dropouts;
pub mod moving;
pub mod spikes;

use crate::activity::Activity;

use super::MetricsConfig;

/// The run as the metric modules see it: per-sample moving seconds and clean
/// speeds, next to the untouched [`crate::activity::Series`].
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    /// Moving seconds each sample stands for (0 when paused or standing).
    pub moving_dt_s: Vec<f64>,
    /// Clean speed per sample, m/s (`NaN`: unknown or spike).
    pub speed_mps: Vec<f64>,
    /// Moving time elapsed at the middle of each sample's interval, s: the
    /// clock the warm-up, thirds and halves are cut on.
    pub moving_mid_s: Vec<f64>,
    pub moving_s: f64,
    pub gps_spikes: u32,
    /// Distance of the series with spike increments dropped.
    pub distance_m: Option<f64>,
    /// Moving seconds whose cadence was 0 or missing while a cadence channel was recorded.
    pub cadence_dropout_s: f64,
}

pub fn clean(activity: &Activity, cfg: &MetricsConfig) -> Cleaned {
    let series = &activity.series;
    let mut dt = moving::active_dt_s(&series.time_s, &activity.pauses, cfg.max_sample_gap_s);
    let speed = spikes::clean_speed(series, cfg.max_plausible_speed_mps);
    let cadence = series.cadence_spm.as_deref();
    let mut moving_mid_s = Vec::with_capacity(dt.len());
    let mut moving_s = 0.0;
    let mut dropout_s = 0.0;
    for (i, w) in dt.iter_mut().enumerate() {
        let c = cadence.map(|c| c[i]);
        if !moving::is_moving(speed.speed_mps[i], c, cfg.moving_speed_min_mps) {
            *w = 0.0;
        }
        moving_mid_s.push(moving_s + *w / 2.0);
        moving_s += *w;
        if c.is_some_and(|c| !dropouts::valid_cadence(c)) {
            dropout_s += *w;
        }
    }
    Cleaned {
        moving_dt_s: dt,
        speed_mps: speed.speed_mps,
        moving_mid_s,
        moving_s,
        gps_spikes: speed.spikes,
        distance_m: speed.distance_m,
        cadence_dropout_s: dropout_s,
    }
}
