//! Cadence over moving time: mean, median, time in bands, and cadence at easy
//! effort. Dropouts (0 or missing while moving) are excluded, not averaged in.
//!
//! Easy cadence is defined on *running* samples: moving, a clean speed, and a
//! cadence of at least `min_running_cadence_spm` (walk breaks excluded). Of
//! those, the easy ones run at or below their time-weighted median speed;
//! easy cadence and easy speed are the time-weighted means over them.

use crate::activity::Series;

use super::clean::{Cleaned, dropouts};
use super::stats::{WeightedMean, weighted_median};
use super::{Metric, MetricsConfig, missing};

/// Lower edges of the bands after the first: <160, [160,170), [170,180), ≥180 spm.
pub const BAND_EDGES_SPM: [f64; 3] = [160.0, 170.0, 180.0];
/// Easy cadence needs at least this much running time.
pub const MIN_EASY_S: f64 = 60.0;

#[derive(Debug, Clone, PartialEq)]
pub struct CadenceStats {
    pub mean_spm: Metric<f64>,
    pub median_spm: Metric<f64>,
    pub share_bands: Metric<[f64; 4]>,
    pub easy_cadence_spm: Metric<f64>,
    pub easy_speed_mps: Metric<f64>,
}

impl CadenceStats {
    fn missing(why: &str) -> Self {
        CadenceStats {
            mean_spm: missing(why),
            median_spm: missing(why),
            share_bands: missing(why),
            easy_cadence_spm: missing(why),
            easy_speed_mps: missing(why),
        }
    }
}

pub fn band_index(spm: f64) -> usize {
    BAND_EDGES_SPM.iter().take_while(|&&e| spm >= e).count()
}

pub fn cadence(series: &Series, c: &Cleaned, cfg: &MetricsConfig) -> CadenceStats {
    let Some(cad) = series.cadence_spm.as_deref() else {
        return CadenceStats::missing("no cadence recorded");
    };
    let mut mean = WeightedMean::default();
    let mut bands = [0.0; 4];
    let mut by_cadence = Vec::with_capacity(cad.len());
    let mut by_speed = Vec::with_capacity(cad.len());
    for (i, (&x, &w)) in cad.iter().zip(&c.moving_dt_s).enumerate() {
        if w <= 0.0 || !dropouts::valid_cadence(x) {
            continue;
        }
        mean.add(x, w);
        bands[band_index(x)] += w;
        by_cadence.push((x, w));
        let v = c.speed_mps[i];
        if v.is_finite() && x >= cfg.min_running_cadence_spm {
            by_speed.push((v, w));
        }
    }
    let Some(mean_spm) = mean.mean() else {
        return CadenceStats::missing("no moving sample with cadence (all dropouts)");
    };
    for b in &mut bands {
        *b /= mean.weight;
    }
    let median_spm = weighted_median(&mut by_cadence).ok_or_else(|| "no cadence".to_string());
    let (easy_cadence_spm, easy_speed_mps) = easy(cad, c, cfg, &mut by_speed);
    CadenceStats {
        mean_spm: Ok(mean_spm),
        median_spm,
        share_bands: Ok(bands),
        easy_cadence_spm,
        easy_speed_mps,
    }
}

fn easy(
    cad: &[f64],
    c: &Cleaned,
    cfg: &MetricsConfig,
    by_speed: &mut [(f64, f64)],
) -> (Metric<f64>, Metric<f64>) {
    let running_s: f64 = by_speed.iter().map(|p| p.1).sum();
    if running_s < MIN_EASY_S {
        let why = format!(
            "under {MIN_EASY_S} s of running with both speed and cadence ≥ {} spm",
            cfg.min_running_cadence_spm
        );
        return (Err(why.clone()), Err(why));
    }
    let Some(median_speed) = weighted_median(by_speed) else {
        return (
            Err("no running samples".into()),
            Err("no running samples".into()),
        );
    };
    let mut easy_cad = WeightedMean::default();
    let mut easy_speed = WeightedMean::default();
    for (i, (&x, &w)) in cad.iter().zip(&c.moving_dt_s).enumerate() {
        let v = c.speed_mps[i];
        if w > 0.0
            && dropouts::valid_cadence(x)
            && x >= cfg.min_running_cadence_spm
            && v.is_finite()
            && v <= median_speed
        {
            easy_cad.add(x, w);
            easy_speed.add(v, w);
        }
    }
    let none = || "no easy samples".to_string();
    (
        easy_cad.mean().ok_or_else(none),
        easy_speed.mean().ok_or_else(none),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::cleaned_1hz;

    #[test]
    fn bands_are_half_open() {
        assert_eq!(band_index(159.9), 0);
        assert_eq!(band_index(160.0), 1);
        assert_eq!(band_index(179.99), 2);
        assert_eq!(band_index(180.0), 3);
    }

    #[test]
    fn mean_median_bands_skip_dropouts_and_pauses() {
        // Six 1-s samples; the first stands for no time, one is a dropout, one is standing.
        let speed = [3.0, 3.0, 3.0, 0.2, 3.0, 3.0];
        let cad = [170.0, 150.0, 0.0, 170.0, 165.0, 182.0];
        let (s, c) = cleaned_1hz(&speed, Some(&cad));
        let cfg = MetricsConfig::default();
        let r = cadence(&s, &c, &cfg);
        // Moving valid samples: 150, 165, 182 (1 s each).
        assert_eq!(r.mean_spm, Ok((150.0 + 165.0 + 182.0) / 3.0));
        assert_eq!(r.median_spm, Ok(165.0));
        assert_eq!(r.share_bands, Ok([1.0 / 3.0, 1.0 / 3.0, 0.0, 1.0 / 3.0]));
        assert_eq!(c.cadence_dropout_s, 1.0);
        assert!(r.easy_cadence_spm.is_err(), "3 s is under the easy minimum");
    }

    #[test]
    fn easy_cadence_is_the_slower_half() {
        // 1 + 120 samples: 40 s at 2.5 m/s/160 spm, 40 s at 3.0/170, 40 s at 3.5/180.
        let mut speed = vec![2.5];
        let mut cad = vec![160.0];
        for (v, x) in [(2.5, 160.0), (3.0, 170.0), (3.5, 180.0)] {
            speed.extend(std::iter::repeat_n(v, 40));
            cad.extend(std::iter::repeat_n(x, 40));
        }
        let (s, c) = cleaned_1hz(&speed, Some(&cad));
        let r = cadence(&s, &c, &MetricsConfig::default());
        // Median speed is 3.0 (cumulative 80 of 120 s passes 60 there): easy = 2.5 and 3.0 samples.
        assert_eq!(r.easy_cadence_spm, Ok(165.0));
        assert_eq!(r.easy_speed_mps, Ok(2.75));
        assert_eq!(r.mean_spm, Ok(170.0));
    }

    #[test]
    fn walking_is_not_easy_running() {
        let mut speed = vec![1.5];
        let mut cad = vec![110.0];
        for (v, x) in [(1.5, 110.0), (3.0, 170.0), (3.2, 172.0)] {
            speed.extend(std::iter::repeat_n(v, 40));
            cad.extend(std::iter::repeat_n(x, 40));
        }
        let (s, c) = cleaned_1hz(&speed, Some(&cad));
        let r = cadence(&s, &c, &MetricsConfig::default());
        // Running samples: 40 s at 3.0 and 40 s at 3.2; median lands exactly at half → 3.1,
        // so easy = the 3.0 samples only.
        assert_eq!(r.easy_cadence_spm, Ok(170.0));
        assert_eq!(r.easy_speed_mps, Ok(3.0));
    }

    #[test]
    fn no_cadence_channel_gives_reasons() {
        let (s, c) = cleaned_1hz(&[3.0, 3.0], None);
        let r = cadence(&s, &c, &MetricsConfig::default());
        assert_eq!(r.mean_spm, Err("no cadence recorded".to_string()));
    }
}
