//! Heart-rate intensity: mean/max HR, time in five zones, easy/moderate/hard
//! seconds and Banister's TRIMP.
//!
//! Zones come from, in order of preference:
//! 1. lactate-threshold HR (Friel's running zones, % of LTHR: Z2 ≥ 85, Z3 ≥ 90,
//!    Z4 ≥ 95, Z5 ≥ 100);
//! 2. max HR (Z2 ≥ 60, Z3 ≥ 70, Z4 ≥ 80, Z5 ≥ 90 % of max; everything below
//!    60 %, including under 50 %, counts as Z1 so the zones add up to HR time);
//! 3. neither: max HR *estimated* from the athlete's history
//!    (`observed_max_hr_bpm`, filled in at athlete level by
//!    [`athlete::estimate_max_hr`](super::athlete::estimate_max_hr)); before
//!    that estimate exists (or with too little history) this run's own max.
//!    Age is not known, so 220 − age is never used.
//!
//! The five zones are for display. Easy / moderate / hard follow Seiler's
//! three-zone model: with a max-HR anchor, easy < 82 %, moderate 82–88 %,
//! hard ≥ 88 % of max (Seiler 2010, IJSPP 5:276–291, Table 1); with a
//! threshold anchor, Friel zones 1–2 / 3 / 4–5.
//!
//! Every HR-derived number is a function of the run's moving-time HR
//! histogram ([`HrHistogram`], seconds per whole bpm), which the row keeps, so
//! the athlete-level max-HR estimate can re-derive zones, easy/moderate/hard
//! and TRIMP later ([`rederive`]) without decoding the file again.

use serde::{Deserialize, Serialize};

use crate::activity::Series;

use super::clean::{Cleaned, dropouts};
use super::stats::WeightedMean;
use super::{Metric, MetricsConfig, missing};

pub const FRIEL_LTHR_EDGES: [f64; 4] = [0.85, 0.90, 0.95, 1.00];
pub const MAX_HR_EDGES: [f64; 4] = [0.60, 0.70, 0.80, 0.90];
/// Seiler's three zones on % of max HR: moderate from 82 %, hard from 88 %
/// (Seiler 2010, IJSPP 5:276–291, Table 1: zones 1–2 < 82 %, zone 3 82–87 %,
/// zones 4–5 ≥ 88 %).
pub const SEILER_MAX_EDGES: [f64; 2] = [0.82, 0.88];

/// Moving seconds per whole bpm (HR rounded to the nearest bpm), from `lo_bpm` up.
/// A few hundred bytes per run: enough to re-derive every HR number at athlete level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HrHistogram {
    pub lo_bpm: u16,
    #[serde(with = "crate::cache::compact::f64s")]
    pub seconds: Vec<f64>,
}

impl HrHistogram {
    /// Histogram of the moving samples with a valid HR; `None` when there are none.
    pub fn from_samples(hr: &[f64], moving_dt_s: &[f64]) -> Option<Self> {
        let pts: Vec<(u16, f64)> = hr
            .iter()
            .zip(moving_dt_s)
            .filter(|(h, w)| **w > 0.0 && dropouts::valid_heart_rate(**h))
            .map(|(h, w)| (h.round() as u16, *w))
            .collect();
        let lo = pts.iter().map(|p| p.0).min()?;
        let hi = pts.iter().map(|p| p.0).max()?;
        let mut seconds = vec![0.0; usize::from(hi - lo) + 1];
        for (b, w) in pts {
            seconds[usize::from(b - lo)] += w;
        }
        Some(HrHistogram {
            lo_bpm: lo,
            seconds,
        })
    }

    /// `(bpm, seconds)` for every non-empty bucket, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.seconds
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(i, s)| (f64::from(self.lo_bpm) + i as f64, *s))
    }

    pub fn total_s(&self) -> f64 {
        self.seconds.iter().sum()
    }

    /// The highest bpm with at least `min_s` of moving time at or above it: the
    /// run's peak without single-sample spikes (strap artefacts, dropouts).
    pub fn sustained_max_bpm(&self, min_s: f64) -> Option<f64> {
        let mut above = 0.0;
        for (i, s) in self.seconds.iter().enumerate().rev() {
            above += s;
            if above >= min_s {
                return Some(f64::from(self.lo_bpm) + i as f64);
            }
        }
        None
    }
}

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
        crate::names::serde_name(&self)
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
    // The athlete-level estimate wins over this run's max: a run above it is
    // more often a spike than a new maximum.
    let est = [cfg.observed_max_hr_bpm, run_max_bpm]
        .into_iter()
        .flatten()
        .find(|m| m.is_finite() && *m > 0.0)?;
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
    /// Easy / moderate / hard seconds (Seiler's three zones, see the module docs).
    pub intensity_s: Metric<[f64; 3]>,
    pub trimp: Metric<f64>,
    pub histogram: Option<HrHistogram>,
    pub max_used_bpm: Option<f64>,
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
            histogram: None,
            max_used_bpm: None,
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
            histogram: None,
            max_used_bpm: None,
        };
    };
    let histogram = HrHistogram::from_samples(hr, &c.moving_dt_s);
    let derived = match &histogram {
        Some(h) => derive(h, cfg, run_max),
        None => Derived::none("no moving sample with a valid heart rate"),
    };
    IntensityStats {
        mean_heart_rate_bpm: Ok(mean_bpm),
        max_heart_rate_bpm: run_max.ok_or_else(|| "no valid heart rate".to_string()),
        zone_basis: derived.basis,
        hr_zone_s: derived.hr_zone_s,
        intensity_s: derived.intensity_s,
        trimp: derived.trimp,
        histogram,
        max_used_bpm: derived.max_used_bpm,
    }
}

/// Every HR number that depends on the anchors, from a histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub basis: Option<ZoneBasis>,
    pub hr_zone_s: Metric<[f64; 5]>,
    pub intensity_s: Metric<[f64; 3]>,
    pub trimp: Metric<f64>,
    /// The max HR the %-of-max zones and TRIMP used, bpm.
    pub max_used_bpm: Option<f64>,
}

impl Derived {
    fn none(why: &str) -> Self {
        Derived {
            basis: None,
            hr_zone_s: missing(why),
            intensity_s: missing(why),
            trimp: missing(why),
            max_used_bpm: None,
        }
    }
}

/// Zones, easy/moderate/hard and TRIMP of one run's histogram.
pub fn derive(hist: &HrHistogram, cfg: &MetricsConfig, run_max: Option<f64>) -> Derived {
    let zones = zones(cfg, run_max);
    let max = max_hr_bpm(cfg, run_max);
    let rest = cfg.resting_hr_bpm.unwrap_or(cfg.default_resting_hr_bpm);
    let trimp_max = max.map(|m| m.0).filter(|&m| m > rest);
    let factors = cfg.sex.trimp_factors();
    let mut zone_s = [0.0; 5];
    let mut three = [0.0; 3];
    let mut trimp = 0.0;
    for (h, w) in hist.iter() {
        if let Some(z) = &zones {
            let i = z.zone(h);
            zone_s[i] += w;
            // Threshold zones keep Friel's 1–2 / 3 / 4–5 grouping; %-of-max zones use Seiler's edges.
            let k = match (z.basis, max) {
                (ZoneBasis::ThresholdHr, _) | (_, None) => [0, 0, 1, 2, 2][i],
                (_, Some((m, _))) => SEILER_MAX_EDGES.iter().take_while(|&&e| h >= e * m).count(),
            };
            three[k] += w;
        }
        if let Some(max) = trimp_max {
            trimp += trimp_increment(w, h, rest, max, factors);
        }
    }
    let no_anchor = || "no HR anchor".to_string();
    Derived {
        basis: zones.map(|z| z.basis),
        hr_zone_s: zones.map(|_| zone_s).ok_or_else(no_anchor),
        intensity_s: zones.map(|_| three).ok_or_else(no_anchor),
        trimp: trimp_max
            .map(|_| trimp)
            .ok_or_else(|| format!("max HR not above resting HR ({rest} bpm)")),
        max_used_bpm: max.map(|m| m.0),
    }
}

/// Re-derives a row's HR numbers with `cfg` (e.g. once the athlete-level max-HR
/// estimate exists). Rows without a histogram are left as they are.
pub fn rederive(m: &mut super::RunMetrics, cfg: &MetricsConfig) {
    let Some(hist) = &m.hr_histogram else {
        return;
    };
    let d = derive(hist, cfg, m.max_heart_rate_bpm);
    m.hr_zone_basis = d.basis.map(|b| b.as_str().to_string());
    m.max_hr_used_bpm = d.max_used_bpm;
    let r = &mut m.null_reasons;
    m.hr_zone_s = super::put(r, "hr_zone_s", d.hr_zone_s);
    m.intensity_s = super::put(r, "intensity_s", d.intensity_s);
    m.trimp = super::put(r, "trimp", d.trimp);
    for (name, v) in [
        ("hr_zone_s", m.hr_zone_s.is_some()),
        ("intensity_s", m.intensity_s.is_some()),
        ("trimp", m.trimp.is_some()),
        ("max_hr_used_bpm", m.max_hr_used_bpm.is_some()),
    ] {
        if v {
            r.remove(name);
        }
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
    fn estimated_max_is_the_fallback_and_beats_the_run_max() {
        let cfg = MetricsConfig {
            observed_max_hr_bpm: Some(185.0),
            ..Default::default()
        };
        // A run peaking at 190 does not move the history's estimate.
        let z = zones(&cfg, Some(190.0)).unwrap();
        assert_eq!(z.basis, ZoneBasis::ObservedMaxHr);
        assert_eq!(z.edges_bpm, [111.0, 129.5, 148.0, 166.5]);
        // Without an estimate the run's own max is used.
        let z = zones(&MetricsConfig::default(), Some(190.0)).unwrap();
        assert_eq!(z.edges_bpm, [114.0, 133.0, 152.0, 171.0]);
        assert!(zones(&MetricsConfig::default(), None).is_none());
    }

    #[test]
    fn histogram_drops_spikes_from_the_sustained_max() {
        let mut hr = vec![150.0; 600];
        hr.extend([151.4, 151.6, 240.0, 0.0]);
        let dt = vec![1.0; hr.len()];
        let h = HrHistogram::from_samples(&hr, &dt).unwrap();
        assert_eq!((h.lo_bpm, h.seconds.len()), (150, 91));
        assert_eq!(h.total_s(), 603.0, "the 0 is a dropout");
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![(150.0, 600.0), (151.0, 1.0), (152.0, 1.0), (240.0, 1.0)]
        );
        assert_eq!(h.sustained_max_bpm(30.0), Some(150.0));
        assert_eq!(h.sustained_max_bpm(1.0), Some(240.0));
    }

    #[test]
    fn rederive_moves_a_steady_run_from_hard_to_moderate() {
        // 40 min at 160 bpm; the run's own max is 170, the history's estimate 190.
        let (mut s, c) = cleaned_1hz(&vec![3.0; 2401], None);
        let mut hr = vec![160.0; 2401];
        hr[2400] = 170.0;
        s.heart_rate_bpm = Some(hr);
        let r = intensity(&s, &c, &MetricsConfig::default());
        // 160/170 = 94 %: hard against its own max.
        assert_eq!(r.intensity_s, Ok([0.0, 0.0, 2400.0]));
        let mut m = crate::metrics::RunMetrics {
            max_heart_rate_bpm: r.max_heart_rate_bpm.clone().ok(),
            hr_histogram: r.histogram.clone(),
            ..Default::default()
        };
        let cfg = MetricsConfig {
            observed_max_hr_bpm: Some(190.0),
            ..Default::default()
        };
        rederive(&mut m, &cfg);
        // 160/190 = 84 %: moderate in Seiler's three zones; the last second at 170 is 89 %.
        assert_eq!(m.intensity_s, Some([0.0, 2399.0, 1.0]));
        assert_eq!(m.max_hr_used_bpm, Some(190.0));
        assert_eq!(m.hr_zone_basis.as_deref(), Some("observed_max_hr"));
        assert!(m.trimp.is_some_and(|t| t > 0.0));
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
        // Seiler: 114 and 133 < 82 % of 190 (155.8) easy, 171 ≥ 88 % (167.2) hard.
        assert_eq!(r.intensity_s, Ok([2.0, 0.0, 2.0]));
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
