//! Running dynamics (chest strap, pod or newer wrist): ground contact (stance)
//! time, left/right stance balance, vertical oscillation and vertical ratio,
//! as time-weighted means over moving time, and Garmin's colour zones for them.
//!
//! The zones are Garmin's published population percentiles (purple > 95th,
//! blue 70–95th, green 30–70th, orange 5–30th, red < 5th of Garmin users):
//! context only, speed- and height-dependent, not targets and not diagnoses.

use serde::{Deserialize, Serialize};

use crate::activity::Series;

use super::clean::{Cleaned, dropouts};
use super::stats::WeightedMean;
use super::stride::{self, StepSource};
use super::{Metric, MetricsConfig};

#[derive(Debug, Clone, PartialEq)]
pub struct DynamicsStats {
    pub stance_time_ms: Metric<f64>,
    pub stance_balance_left_pct: Metric<f64>,
    pub vertical_oscillation_mm: Metric<f64>,
    /// Recorded VR, else oscillation ÷ step length × 100 per sample.
    pub vertical_ratio_pct: Metric<f64>,
}

fn channel_mean(ch: Option<&[f64]>, c: &Cleaned, name: &str, ok: fn(f64) -> bool) -> Metric<f64> {
    let Some(ch) = ch else {
        return Err(format!("no {name} recorded"));
    };
    let mut m = WeightedMean::default();
    for (&x, &w) in ch.iter().zip(&c.moving_dt_s) {
        if ok(x) {
            m.add(x, w);
        }
    }
    m.mean()
        .ok_or_else(|| format!("no moving sample with {name}"))
}

fn valid_balance(x: f64) -> bool {
    x.is_finite() && x > 0.0 && x < 100.0
}

pub fn dynamics(series: &Series, c: &Cleaned, _cfg: &MetricsConfig) -> DynamicsStats {
    let vo = series.vertical_oscillation_mm.as_deref();
    let vertical_ratio_pct = match (series.vertical_ratio_pct.as_deref(), vo) {
        (Some(vr), _) => channel_mean(Some(vr), c, "vertical ratio", dropouts::valid_positive),
        (None, Some(vo)) => match StepSource::of(series, c) {
            None => Err("no vertical ratio recorded and no step length to derive it".into()),
            Some(src) => {
                let mut m = WeightedMean::default();
                for (i, (&x, &w)) in vo.iter().zip(&c.moving_dt_s).enumerate() {
                    let step_mm = stride::step_length_m(series, c, src, i) * 1000.0;
                    if dropouts::valid_positive(x) && step_mm > 0.0 {
                        m.add(x / step_mm * 100.0, w);
                    }
                }
                m.mean()
                    .ok_or_else(|| "no moving sample with oscillation and step length".into())
            }
        },
        (None, None) => Err("no vertical ratio or oscillation recorded".into()),
    };
    DynamicsStats {
        stance_time_ms: channel_mean(
            series.stance_time_ms.as_deref(),
            c,
            "stance time",
            dropouts::valid_positive,
        ),
        stance_balance_left_pct: channel_mean(
            series.stance_balance_pct.as_deref(),
            c,
            "stance balance",
            valid_balance,
        ),
        vertical_oscillation_mm: channel_mean(
            vo,
            c,
            "vertical oscillation",
            dropouts::valid_positive,
        ),
        vertical_ratio_pct,
    }
}

/// Garmin's colour gauge, best-to-worst as Garmin orders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GarminZone {
    Purple,
    Blue,
    Green,
    Orange,
    Red,
}

/// Rounds to Garmin's display precision first, so the published tables
/// (whose rows meet at display steps, e.g. 8.1 | 8.2 cm) have no gaps.
fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

/// Cadence, spm: purple >183, blue 174–183, green 164–173, orange 153–163, red <153.
pub fn cadence_zone(spm: f64) -> Option<GarminZone> {
    let x = spm.is_finite().then(|| spm.round())?;
    Some(match x {
        x if x > 183.0 => GarminZone::Purple,
        x if x >= 174.0 => GarminZone::Blue,
        x if x >= 164.0 => GarminZone::Green,
        x if x >= 153.0 => GarminZone::Orange,
        _ => GarminZone::Red,
    })
}

/// Ground contact time, ms: purple <218, blue 218–248, green 249–277, orange 278–308, red >308.
pub fn stance_time_zone(ms: f64) -> Option<GarminZone> {
    let x = ms.is_finite().then(|| ms.round())?;
    Some(match x {
        x if x < 218.0 => GarminZone::Purple,
        x if x <= 248.0 => GarminZone::Blue,
        x if x <= 277.0 => GarminZone::Green,
        x if x <= 308.0 => GarminZone::Orange,
        _ => GarminZone::Red,
    })
}

/// Vertical oscillation (table in cm, input mm): purple <6.4, blue 6.4–8.1,
/// green 8.2–9.7, orange 9.8–11.5, red >11.5.
pub fn vertical_oscillation_zone(mm: f64) -> Option<GarminZone> {
    let cm = mm.is_finite().then(|| round_to(mm / 10.0, 0.1))?;
    Some(match cm {
        x if x < 6.35 => GarminZone::Purple,
        x if x < 8.15 => GarminZone::Blue,
        x if x < 9.75 => GarminZone::Green,
        x if x < 11.55 => GarminZone::Orange,
        _ => GarminZone::Red,
    })
}

/// Vertical ratio, %: purple <6.1, blue 6.1–7.4, green 7.5–8.6, orange 8.7–10.1, red >10.1.
pub fn vertical_ratio_zone(pct: f64) -> Option<GarminZone> {
    let x = pct.is_finite().then(|| round_to(pct, 0.1))?;
    Some(match x {
        x if x < 6.05 => GarminZone::Purple,
        x if x < 7.45 => GarminZone::Blue,
        x if x < 8.65 => GarminZone::Green,
        x if x < 10.15 => GarminZone::Orange,
        _ => GarminZone::Red,
    })
}

/// Ground-contact balance (left %): green within 50.7 L–50.7 R, orange
/// 50.8–52.2 to either side, red beyond 52.2. Garmin has no purple or blue here.
pub fn stance_balance_zone(left_pct: f64) -> Option<GarminZone> {
    let x = left_pct.is_finite().then(|| round_to(left_pct, 0.1))?;
    let off = (x - 50.0).abs();
    Some(match off {
        d if d < 0.75 => GarminZone::Green,
        d if d < 2.25 => GarminZone::Orange,
        _ => GarminZone::Red,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::cleaned_1hz;

    #[test]
    fn means_skip_zero_readings() {
        let (mut s, c) = cleaned_1hz(&[3.0, 3.0, 3.0, 3.0], Some(&[180.0; 4]));
        s.stance_time_ms = Some(vec![999.0, 250.0, 0.0, 260.0]);
        s.stance_balance_pct = Some(vec![50.0, 49.0, 51.0, 0.0]);
        s.vertical_oscillation_mm = Some(vec![80.0, 90.0, 100.0, 110.0]);
        let d = dynamics(&s, &c, &MetricsConfig::default());
        assert_eq!(d.stance_time_ms, Ok(255.0));
        assert_eq!(d.stance_balance_left_pct, Ok(50.0));
        assert_eq!(d.vertical_oscillation_mm, Ok(100.0));
        // No VR channel: VO ÷ (3.0 m/s ÷ 3 steps/s = 1000 mm) × 100 → 9, 10, 11 %.
        assert!((d.vertical_ratio_pct.unwrap() - 10.0).abs() < 1e-12);
    }

    #[test]
    fn missing_channels_say_so() {
        let (s, c) = cleaned_1hz(&[3.0, 3.0], None);
        let d = dynamics(&s, &c, &MetricsConfig::default());
        assert_eq!(d.stance_time_ms, Err("no stance time recorded".to_string()));
        assert!(d.vertical_ratio_pct.is_err());
    }

    #[test]
    fn zone_edges_follow_garmin_tables() {
        use GarminZone::*;
        assert_eq!(cadence_zone(183.4), Some(Blue));
        assert_eq!(cadence_zone(183.6), Some(Purple));
        assert_eq!(cadence_zone(164.0), Some(Green));
        assert_eq!(cadence_zone(163.0), Some(Orange));
        assert_eq!(cadence_zone(152.0), Some(Red));
        assert_eq!(stance_time_zone(217.0), Some(Purple));
        assert_eq!(stance_time_zone(248.0), Some(Blue));
        assert_eq!(stance_time_zone(249.0), Some(Green));
        assert_eq!(stance_time_zone(308.0), Some(Orange));
        assert_eq!(stance_time_zone(309.0), Some(Red));
        assert_eq!(vertical_oscillation_zone(63.0), Some(Purple));
        assert_eq!(vertical_oscillation_zone(81.0), Some(Blue));
        assert_eq!(vertical_oscillation_zone(82.0), Some(Green));
        assert_eq!(vertical_oscillation_zone(115.0), Some(Orange));
        assert_eq!(vertical_oscillation_zone(116.0), Some(Red));
        assert_eq!(vertical_ratio_zone(6.0), Some(Purple));
        assert_eq!(vertical_ratio_zone(7.4), Some(Blue));
        assert_eq!(vertical_ratio_zone(7.5), Some(Green));
        assert_eq!(vertical_ratio_zone(10.1), Some(Orange));
        assert_eq!(vertical_ratio_zone(10.2), Some(Red));
        assert_eq!(stance_balance_zone(50.7), Some(Green));
        assert_eq!(stance_balance_zone(49.3), Some(Green));
        assert_eq!(stance_balance_zone(47.8), Some(Orange));
        assert_eq!(stance_balance_zone(52.3), Some(Red));
        assert_eq!(cadence_zone(f64::NAN), None);
    }
}
