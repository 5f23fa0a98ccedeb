//! Step length (one footfall to the next, Garmin's "stride length") and the
//! speed bins the per-athlete cadence~speed fit is built from.
//!
//! Step length comes from the recorded `step_length` channel when the run has
//! one (footpod or watch estimate), else from speed ÷ (cadence/60). One run
//! never mixes the two sources.

use crate::activity::Series;

use super::clean::{Cleaned, dropouts};
use super::stats::WeightedMean;
use super::{Metric, MetricsConfig, SpeedBin};

/// Width of a speed bin, m/s.
pub const BIN_WIDTH_MPS: f64 = 0.25;
/// Bins with less moving time than this are dropped as noise.
pub const MIN_BIN_S: f64 = 30.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepSource {
    Recorded,
    SpeedOverCadence,
}

impl StepSource {
    pub fn as_str(self) -> &'static str {
        match self {
            StepSource::Recorded => "recorded",
            StepSource::SpeedOverCadence => "speed_over_cadence",
        }
    }

    /// Recorded when any moving sample has a real `step_length` value.
    pub fn of(series: &Series, c: &Cleaned) -> Option<StepSource> {
        if let Some(sl) = series.step_length_mm.as_deref()
            && sl
                .iter()
                .zip(&c.moving_dt_s)
                .any(|(&x, &w)| w > 0.0 && dropouts::valid_positive(x))
        {
            return Some(StepSource::Recorded);
        }
        (series.cadence_spm.is_some() && c.speed_mps.iter().any(|v| v.is_finite()))
            .then_some(StepSource::SpeedOverCadence)
    }
}

/// Step length of sample `i`, m (`NaN` when unknown or a dropout).
#[inline]
pub fn step_length_m(series: &Series, c: &Cleaned, src: StepSource, i: usize) -> f64 {
    match src {
        StepSource::Recorded => {
            let x = series.step_length_mm.as_deref().map_or(f64::NAN, |s| s[i]);
            if dropouts::valid_positive(x) {
                x / 1000.0
            } else {
                f64::NAN
            }
        }
        StepSource::SpeedOverCadence => {
            let cad = series.cadence_spm.as_deref().map_or(f64::NAN, |s| s[i]);
            let v = c.speed_mps[i];
            if dropouts::valid_cadence(cad) && v.is_finite() {
                v / (cad / 60.0)
            } else {
                f64::NAN
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StrideStats {
    pub step_length_m: Metric<f64>,
    pub source: Option<StepSource>,
    pub speed_bins: Vec<SpeedBin>,
}

#[derive(Default, Clone, Copy)]
struct BinAcc {
    cadence: WeightedMean,
    step: WeightedMean,
    hr: WeightedMean,
}

pub fn stride(series: &Series, c: &Cleaned, cfg: &MetricsConfig) -> StrideStats {
    let src = StepSource::of(series, c);
    let step_length_m = match src {
        None => Err("no step_length recorded and no speed with cadence".to_string()),
        Some(src) => {
            let mut m = WeightedMean::default();
            for (i, &w) in c.moving_dt_s.iter().enumerate() {
                m.add(step_length_m(series, c, src, i), w);
            }
            m.mean()
                .ok_or_else(|| "no moving sample with a step length".to_string())
        }
    };
    StrideStats {
        step_length_m,
        source: src,
        speed_bins: speed_bins(series, c, cfg, src),
    }
}

/// Moving time of running samples (see [`super::cadence`]) in 0.25 m/s speed
/// bands, with the cadence, step length and HR held there (time-weighted).
pub fn speed_bins(
    series: &Series,
    c: &Cleaned,
    cfg: &MetricsConfig,
    src: Option<StepSource>,
) -> Vec<SpeedBin> {
    let Some(cad) = series.cadence_spm.as_deref() else {
        return Vec::new();
    };
    let hr = series.heart_rate_bpm.as_deref();
    // Capped so a silly configured maximum cannot allocate without bound (100 m/s).
    let n_bins = ((cfg.max_plausible_speed_mps / BIN_WIDTH_MPS).floor() as usize + 1).min(400);
    let mut bins = vec![BinAcc::default(); n_bins];
    for (i, &w) in c.moving_dt_s.iter().enumerate() {
        let (v, x) = (c.speed_mps[i], cad[i]);
        if w <= 0.0
            || !v.is_finite()
            || !dropouts::valid_cadence(x)
            || x < cfg.min_running_cadence_spm
        {
            continue;
        }
        let Some(b) = bins.get_mut((v / BIN_WIDTH_MPS).floor() as usize) else {
            continue;
        };
        b.cadence.add(x, w);
        if let Some(src) = src {
            b.step.add(step_length_m(series, c, src, i), w);
        }
        if let Some(h) = hr.map(|h| h[i]).filter(|&h| dropouts::valid_heart_rate(h)) {
            b.hr.add(h, w);
        }
    }
    bins.iter()
        .enumerate()
        .filter(|(_, b)| b.cadence.weight >= MIN_BIN_S)
        .filter_map(|(k, b)| {
            Some(SpeedBin {
                speed_mps: (k as f64 + 0.5) * BIN_WIDTH_MPS,
                cadence_spm: b.cadence.mean()?,
                step_length_m: b.step.mean(),
                heart_rate_bpm: b.hr.mean(),
                seconds: b.cadence.weight,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::cleaned_1hz;

    #[test]
    fn step_length_from_speed_over_cadence() {
        // 3.0 m/s at 180 spm = 3 steps/s → 1.0 m; 2.8 m/s at 168 spm → 1.0 m too.
        let (s, c) = cleaned_1hz(&[3.0, 3.0, 2.8], Some(&[180.0, 180.0, 168.0]));
        let r = stride(&s, &c, &MetricsConfig::default());
        assert_eq!(r.source, Some(StepSource::SpeedOverCadence));
        assert!((r.step_length_m.unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn recorded_step_length_wins_and_skips_zeros() {
        let (mut s, c) = cleaned_1hz(&[3.0, 3.0, 3.0, 3.0], Some(&[180.0; 4]));
        s.step_length_mm = Some(vec![900.0, 1100.0, 0.0, 1200.0]);
        let r = stride(&s, &c, &MetricsConfig::default());
        assert_eq!(r.source, Some(StepSource::Recorded));
        assert!((r.step_length_m.unwrap() - 1.15).abs() < 1e-12);
    }

    #[test]
    fn bins_are_time_weighted_and_short_ones_dropped() {
        // 40 s at 2.9 m/s / 174 spm / 140 bpm, 40 s at 3.1 / 180 / 150, 20 s at 3.4 (dropped).
        let mut speed = vec![2.9];
        let mut cad = vec![174.0];
        let mut hr = vec![140.0];
        for (v, x, h, n) in [
            (2.9, 174.0, 140.0, 40),
            (3.1, 180.0, 150.0, 40),
            (3.4, 182.0, 155.0, 20),
        ] {
            speed.extend(std::iter::repeat_n(v, n));
            cad.extend(std::iter::repeat_n(x, n));
            hr.extend(std::iter::repeat_n(h, n));
        }
        let (mut s, c) = cleaned_1hz(&speed, Some(&cad));
        s.heart_rate_bpm = Some(hr);
        let r = stride(&s, &c, &MetricsConfig::default());
        assert_eq!(r.speed_bins.len(), 2);
        let b = &r.speed_bins[0];
        assert_eq!(
            (b.speed_mps, b.cadence_spm, b.heart_rate_bpm, b.seconds),
            (2.875, 174.0, Some(140.0), 40.0)
        );
        assert!((b.step_length_m.unwrap() - 2.9 / (174.0 / 60.0)).abs() < 1e-12);
        let b = &r.speed_bins[1];
        assert_eq!(
            (b.speed_mps, b.cadence_spm, b.seconds),
            (3.125, 180.0, 40.0)
        );
    }
}
