//! Heart-rate intensity: mean/max HR, time in five zones, easy/moderate/hard
//! seconds and Banister's TRIMP.
//!
//! Zones come from, in order of preference:
//! 1. lactate-threshold HR (Friel's running zones, % of LTHR: Z2 ≥ 85, Z3 ≥ 90,
//!    Z4 ≥ 95, Z5 ≥ 100);
//! 2. max HR (Z2 ≥ 60, Z3 ≥ 70, Z4 ≥ 80, Z5 ≥ 90 % of max; everything below
//!    60 %, including under 50 %, counts as Z1 so the zones add up to HR time);
//! 3. neither: max HR estimated as the highest of the history's observed max
//!    (`observed_max_hr_bpm`, filled in by the app) and this run's max. Age is
//!    not known, so 220 − age is never used.

use serde::{Deserialize, Serialize};

use crate::activity::Series;

use super::clean::{Cleaned, dropouts};
use super::stats::WeightedMean;
use super::{Metric, MetricsConfig, missing};

pub const FRIEL_LTHR_EDGES: [f64; 4] = [0.85, 0.90, 0.95, 1.00];
pub const MAX_HR_EDGES: [f64; 4] = [0.60, 0.70, 0.80, 0.90];

/// Which anchor the zones were built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneBasis {
    ThresholdHr,
    MaxHr,
    ObservedMaxHr,
}

impl ZoneBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneBasis::ThresholdHr => "threshold_hr",
            ZoneBasis::MaxHr => "max_hr",
            ZoneBasis::ObservedMaxHr => "observed_max_hr",
        }
    }
}

/// Lower edges of zones 2–5, bpm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrZones {
    pub basis: ZoneBasis,
    pub edges_bpm: [f64; 4],
}

impl HrZones {
    /// Zone index 0–4 (Z1–Z5) of a heart rate.
    pub fn zone(&self, bpm: f64) -> usize {
        self.edges_bpm.iter().take_while(|&&e| bpm >= e).count()
    }
}

/// The max HR used for %-of-max zones and TRIMP: configured, else estimated.
pub fn max_hr_bpm(cfg: &MetricsConfig, run_max_bpm: Option<f64>) -> Option<(f64, ZoneBasis)> {
    if let Some(m) = cfg.max_hr_bpm.filter(|m| m.is_finite() && *m > 0.0) {
        return Some((m, ZoneBasis::MaxHr));
    }
    let est = [cfg.observed_max_hr_bpm, run_max_bpm]
        .into_iter()
        .flatten()
        .filter(|m| m.is_finite() && *m > 0.0)
        .reduce(f64::max)?;
    Some((est, ZoneBasis::ObservedMaxHr))
}

pub fn zones(cfg: &MetricsConfig, run_max_bpm: Option<f64>) -> Option<HrZones> {
    if let Some(lthr) = cfg.threshold_hr_bpm.filter(|m| m.is_finite() && *m > 0.0) {
        return Some(HrZones {
            basis: ZoneBasis::ThresholdHr,
            edges_bpm: FRIEL_LTHR_EDGES.map(|f| f * lthr),
        });
    }
    let (max, basis) = max_hr_bpm(cfg, run_max_bpm)?;
    Some(HrZones {
        basis,
        edges_bpm: MAX_HR_EDGES.map(|f| f * max),
    })
}

/// Banister TRIMP of one sample: dt_min · HRr · a · e^(b·HRr), HRr clamped to 0–1.
#[inline]
pub fn trimp_increment(
    dt_s: f64,
    hr_bpm: f64,
    rest_bpm: f64,
    max_bpm: f64,
    (a, b): (f64, f64),
) -> f64 {
    let hrr = ((hr_bpm - rest_bpm) / (max_bpm - rest_bpm)).clamp(0.0, 1.0);
    dt_s / 60.0 * hrr * a * (b * hrr).exp()
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntensityStats {
    pub mean_heart_rate_bpm: Metric<f64>,
    pub max_heart_rate_bpm: Metric<f64>,
    pub zone_basis: Option<ZoneBasis>,
    pub hr_zone_s: Metric<[f64; 5]>,
    /// Easy (Z1–2), moderate (Z3), hard (Z4–5) seconds.
    pub intensity_s: Metric<[f64; 3]>,
    pub trimp: Metric<f64>,
}

pub fn intensity(series: &Series, c: &Cleaned, cfg: &MetricsConfig) -> IntensityStats {
    let Some(hr) = series.heart_rate_bpm.as_deref() else {
        let no = "no heart rate recorded";
        return IntensityStats {
            mean_heart_rate_bpm: missing(no),
            max_heart_rate_bpm: missing(no),
            zone_basis: None,
            hr_zone_s: missing(no),
            intensity_s: missing(no),
            trimp: missing(no),
        };
    };
    let mut mean = WeightedMean::default();
    for (&h, &w) in hr.iter().zip(&c.moving_dt_s) {
        if dropouts::valid_heart_rate(h) {
            mean.add(h, w);
        }
    }
    // Max over every sample: the peak often comes just after stopping.
    let run_max = hr
        .iter()
        .copied()
        .filter(|&h| dropouts::valid_heart_rate(h))
        .reduce(f64::max);
    let Some(mean_bpm) = mean.mean() else {
        let why = "no moving sample with a valid heart rate";
        return IntensityStats {
            mean_heart_rate_bpm: missing(why),
            max_heart_rate_bpm: run_max.ok_or_else(|| "no valid heart rate".to_string()),
            zone_basis: None,
            hr_zone_s: missing(why),
            intensity_s: missing(why),
            trimp: missing(why),
        };
    };
    let zones = zones(cfg, run_max);
    let rest = cfg.resting_hr_bpm.unwrap_or(cfg.default_resting_hr_bpm);
    let trimp_max = max_hr_bpm(cfg, run_max).map(|m| m.0).filter(|&m| m > rest);
    let factors = cfg.sex.trimp_factors();
    let mut zone_s = [0.0; 5];
    let mut trimp = 0.0;
    for (&h, &w) in hr.iter().zip(&c.moving_dt_s) {
        if w <= 0.0 || !dropouts::valid_heart_rate(h) {
            continue;
        }
        if let Some(z) = &zones {
            zone_s[z.zone(h)] += w;
        }
        if let Some(max) = trimp_max {
            trimp += trimp_increment(w, h, rest, max, factors);
        }
    }
    let hr_zone_s = zones
        .map(|_| zone_s)
        .ok_or_else(|| "no HR anchor".to_string());
    IntensityStats {
        mean_heart_rate_bpm: Ok(mean_bpm),
        max_heart_rate_bpm: run_max.ok_or_else(|| "no valid heart rate".to_string()),
        zone_basis: zones.map(|z| z.basis),
        intensity_s: hr_zone_s.clone().map(|z| [z[0] + z[1], z[2], z[3] + z[4]]),
        hr_zone_s,
        trimp: trimp_max
            .map(|_| trimp)
            .ok_or_else(|| format!("max HR not above resting HR ({rest} bpm)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::cleaned_1hz;

    #[test]
    fn friel_zones_from_threshold() {
        let cfg = MetricsConfig {
            threshold_hr_bpm: Some(160.0),
            max_hr_bpm: Some(190.0),
            ..Default::default()
        };
        let z = zones(&cfg, None).unwrap();
        assert_eq!(z.basis, ZoneBasis::ThresholdHr);
        assert_eq!(z.edges_bpm, [136.0, 144.0, 152.0, 160.0]);
        assert_eq!(
            (z.zone(135.9), z.zone(136.0), z.zone(151.0), z.zone(175.0)),
            (0, 1, 2, 4)
        );
    }

    #[test]
    fn observed_max_is_the_fallback() {
        let cfg = MetricsConfig {
            observed_max_hr_bpm: Some(185.0),
            ..Default::default()
        };
        let z = zones(&cfg, Some(190.0)).unwrap();
        assert_eq!(z.basis, ZoneBasis::ObservedMaxHr);
        assert_eq!(z.edges_bpm, [114.0, 133.0, 152.0, 171.0]);
        assert!(zones(&MetricsConfig::default(), None).is_none());
    }

    #[test]
    fn trimp_matches_banister_by_hand() {
        // HRr = (150 − 60)/(190 − 60) = 0.6923…; 1 min → 0.6923 · 0.64 · e^(1.92·0.6923) = 1.6740.
        let x = trimp_increment(60.0, 150.0, 60.0, 190.0, (0.64, 1.92));
        let hrr: f64 = 90.0 / 130.0;
        assert!((x - hrr * 0.64 * (1.92 * hrr).exp()).abs() < 1e-12);
        assert!((x - 1.674_0).abs() < 1e-4, "{x}");
        assert_eq!(trimp_increment(60.0, 50.0, 60.0, 190.0, (0.64, 1.92)), 0.0);
    }

    #[test]
    fn zones_intensity_and_trimp_over_moving_time() {
        // 4 moving seconds at 114, 133, 171, 171 bpm with max 190, rest 60; a standing sample at 200.
        let (mut s, c) = cleaned_1hz(&[3.0, 3.0, 3.0, 3.0, 3.0, 0.0], None);
        s.heart_rate_bpm = Some(vec![100.0, 114.0, 133.0, 171.0, 171.0, 200.0]);
        let cfg = MetricsConfig {
            max_hr_bpm: Some(190.0),
            ..Default::default()
        };
        let r = intensity(&s, &c, &cfg);
        assert_eq!(
            r.mean_heart_rate_bpm,
            Ok((114.0 + 133.0 + 171.0 + 171.0) / 4.0)
        );
        assert_eq!(r.max_heart_rate_bpm, Ok(200.0));
        assert_eq!(r.hr_zone_s, Ok([0.0, 1.0, 1.0, 0.0, 2.0]));
        assert_eq!(r.intensity_s, Ok([1.0, 1.0, 2.0]));
        let expect: f64 = [114.0_f64, 133.0, 171.0, 171.0]
            .iter()
            .map(|h| {
                let r = (h - 60.0) / 130.0;
                r * 0.64 * (1.92 * r).exp() / 60.0
            })
            .sum();
        assert!((r.trimp.unwrap() - expect).abs() < 1e-12);
    }
}
