//! A run's `<Record>` samples turned into the one-second columns every
//! other format produces.
//!
//! Apple records are either instants (heart rate, speed, the running
//! dynamics: interpolated between neighbours) or intervals with an amount
//! (steps and distance per few seconds: a step rate, and a cumulative
//! distance). Phone and watch both record steps and distance during a run;
//! summing them would double a run, so per series one source is used: the
//! workout's own, else the one with the most samples.

use crate::activity::Series;
use crate::limits::Limits;

/// The record types joined into a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    HeartRate,
    /// Steps counted over the record's interval.
    Steps,
    /// Metres covered over the record's interval.
    Distance,
    Speed,
    /// Apple's "stride" is one step: step length, mm.
    StrideLength,
    GroundContact,
    VerticalOscillation,
    Power,
}

const KINDS: [Kind; 8] = [
    Kind::HeartRate,
    Kind::Steps,
    Kind::Distance,
    Kind::Speed,
    Kind::StrideLength,
    Kind::GroundContact,
    Kind::VerticalOscillation,
    Kind::Power,
];

/// One record inside a run, times in seconds since the run's start, the
/// value already in the column's unit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sample {
    pub kind: Kind,
    pub start_s: f64,
    pub end_s: f64,
    pub value: f64,
    /// Index into the export's `sourceName`s (`u16::MAX` when none).
    pub source: u16,
}

/// Converts a record value to the column's unit; `None` for a unit not known.
pub(super) fn to_unit(kind: Kind, v: f64, unit: &str) -> Option<f64> {
    let x = match kind {
        Kind::HeartRate => match unit {
            "count/min" | "" => v,
            "count/s" | "Hz" => v * 60.0,
            _ => return None,
        },
        Kind::Steps => v,
        Kind::Distance => super::metres(v, unit)?,
        Kind::Speed => match unit {
            "m/s" => v,
            "km/hr" | "km/h" => v / 3.6,
            "mi/hr" | "mph" => v * 0.447_04,
            _ => return None,
        },
        Kind::StrideLength => super::metres(v, unit)? * 1000.0,
        Kind::GroundContact => match unit {
            "ms" => v,
            "s" => v * 1000.0,
            _ => return None,
        },
        Kind::VerticalOscillation => match unit {
            "cm" => v * 10.0,
            "mm" => v,
            "m" => v * 1000.0,
            "in" => v * 25.4,
            _ => return None,
        },
        Kind::Power => match unit {
            "W" | "" => v,
            _ => return None,
        },
    };
    x.is_finite().then_some(x)
}

/// Largest gap between two instant samples that is bridged by interpolation, s.
const MAX_GAP_S: f64 = 60.0;
/// How far an instant sample's value is held beyond the first or last one, s.
const HOLD_S: f64 = 10.0;
/// Step rates above this are counting glitches, steps/min.
const MAX_STEP_RATE: f64 = 300.0;

#[derive(Debug, Default)]
pub(super) struct Joined {
    pub series: Series,
    /// The distance the records add up to, when they hold any.
    pub distance_m: Option<f64>,
}

/// Builds the run's columns on a one-second grid over `elapsed_s`.
pub(super) fn join(
    samples: &[Sample],
    elapsed_s: f64,
    preferred_source: Option<u16>,
    temperature_c: Option<f64>,
    limits: &Limits,
    warnings: &mut Vec<String>,
) -> Joined {
    if samples.is_empty() || elapsed_s.is_nan() || elapsed_s <= 0.0 {
        return Joined::default();
    }
    let max = limits.max_records.max(2) as f64;
    let step = if elapsed_s + 1.0 > max {
        warnings.push(format!(
            "run longer than {} one-second samples (max_records): resampled",
            limits.max_records
        ));
        (elapsed_s / (max - 1.0)).ceil()
    } else {
        1.0
    };
    let n = (elapsed_s / step).floor() as usize + 1;
    let time_s: Vec<f64> = (0..n).map(|i| i as f64 * step).collect();
    let mut s = Series {
        time_s,
        ..Series::default()
    };
    let mut distance_m = None;
    for kind in KINDS {
        let mut picked = pick_source(samples, kind, preferred_source);
        if picked.is_empty() {
            continue;
        }
        picked.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        let column = match kind {
            Kind::Steps => Some(step_rate(&picked, &s.time_s)),
            Kind::Distance => {
                let (col, total) = cumulative(&picked, &s.time_s);
                distance_m = Some(total);
                Some(col)
            }
            _ => Some(instants(&picked, &s.time_s)),
        };
        match kind {
            Kind::HeartRate => s.heart_rate_bpm = column,
            Kind::Steps => s.cadence_spm = column,
            Kind::Distance => s.distance_m = column,
            Kind::Speed => s.speed_mps = column,
            Kind::StrideLength => s.step_length_mm = column,
            Kind::GroundContact => s.stance_time_ms = column,
            Kind::VerticalOscillation => s.vertical_oscillation_mm = column,
            Kind::Power => s.power_w = column,
        }
    }
    if s.speed_mps.is_none()
        && let Some(d) = &s.distance_m
    {
        let seg = vec![0u32; d.len()];
        s.speed_mps = Some(crate::decode::xml::speed_from_distance(&s.time_s, d, &seg));
    }
    if let Some(t) = temperature_c {
        s.temperature_c = Some(vec![t; n]);
    }
    Joined {
        series: s,
        distance_m,
    }
}

/// The samples of `kind` from one source: the workout's own when it has
/// any, else the source with the most samples (ties: the lower index).
fn pick_source(samples: &[Sample], kind: Kind, preferred: Option<u16>) -> Vec<Sample> {
    let of_kind = samples.iter().filter(|x| x.kind == kind);
    let mut counts: Vec<(u16, usize)> = Vec::new();
    for x in of_kind.clone() {
        match counts.iter_mut().find(|(src, _)| *src == x.source) {
            Some(c) => c.1 += 1,
            None => counts.push((x.source, 1)),
        }
    }
    let chosen = match preferred.filter(|p| counts.iter().any(|(src, _)| src == p)) {
        Some(p) => p,
        None => match counts
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        {
            Some(&(src, _)) => src,
            None => return Vec::new(),
        },
    };
    of_kind.filter(|x| x.source == chosen).copied().collect()
}

/// Instant samples (sorted) interpolated onto the grid.
fn instants(picked: &[Sample], grid: &[f64]) -> Vec<f64> {
    let pts: Vec<(f64, f64)> = picked
        .iter()
        .map(|x| ((x.start_s + x.end_s) / 2.0, x.value))
        .collect();
    let mut j = 0;
    grid.iter()
        .map(|&t| {
            while j < pts.len() && pts[j].0 <= t {
                j += 1;
            }
            // pts[j-1].0 <= t < pts[j].0
            match (j.checked_sub(1).map(|i| pts[i]), pts.get(j).copied()) {
                (Some((t0, v0)), Some((t1, v1))) if t1 - t0 <= MAX_GAP_S => {
                    if t1 > t0 {
                        v0 + (v1 - v0) * (t - t0) / (t1 - t0)
                    } else {
                        v0
                    }
                }
                (Some((t0, v0)), _) if t - t0 <= HOLD_S => v0,
                (_, Some((t1, v1))) if t1 - t <= HOLD_S => v1,
                _ => f64::NAN,
            }
        })
        .collect()
}

/// Steps per interval as a rate (steps/min) over each grid second it covers.
fn step_rate(picked: &[Sample], grid: &[f64]) -> Vec<f64> {
    let mut out = vec![f64::NAN; grid.len()];
    let step = if grid.len() > 1 {
        grid[1] - grid[0]
    } else {
        1.0
    };
    for x in picked {
        let dur = x.end_s - x.start_s;
        if dur < 1.0 {
            continue;
        }
        let rate = x.value / dur * 60.0;
        if !(0.0..=MAX_STEP_RATE).contains(&rate) {
            continue;
        }
        let first = (x.start_s / step).ceil().max(0.0) as usize;
        let last = ((x.end_s / step).ceil() as usize).min(grid.len());
        for v in out.iter_mut().take(last).skip(first) {
            *v = rate;
        }
    }
    out
}

/// Distance per interval as a cumulative distance, linear within each
/// interval; returns the column and the total.
fn cumulative(picked: &[Sample], grid: &[f64]) -> (Vec<f64>, f64) {
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(picked.len() * 2 + 1);
    pts.push((0.0, 0.0));
    let mut cum = 0.0;
    for x in picked {
        let s = x.start_s.max(pts.last().map_or(0.0, |p| p.0));
        pts.push((s, cum));
        cum += x.value.max(0.0);
        pts.push((x.end_s.max(s), cum));
    }
    let mut j = 0;
    let col = grid
        .iter()
        .map(|&t| {
            while j + 1 < pts.len() && pts[j + 1].0 <= t {
                j += 1;
            }
            let (t0, c0) = pts[j];
            match pts.get(j + 1) {
                Some(&(t1, c1)) if t1 > t0 && t >= t0 => c0 + (c1 - c0) * (t - t0) / (t1 - t0),
                _ => c0,
            }
        })
        .collect();
    (col, cum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(kind: Kind, start_s: f64, end_s: f64, value: f64, source: u16) -> Sample {
        Sample {
            kind,
            start_s,
            end_s,
            value,
            source,
        }
    }

    #[test]
    fn steps_become_a_rate_and_distance_accumulates_from_one_source() {
        let samples = vec![
            sample(Kind::Steps, 0.0, 10.0, 30.0, 0),
            sample(Kind::Steps, 10.0, 20.0, 29.0, 0),
            // The phone's copy of the same steps: not added.
            sample(Kind::Steps, 0.0, 20.0, 60.0, 1),
            sample(Kind::Distance, 0.0, 10.0, 30.0, 0),
            sample(Kind::Distance, 10.0, 20.0, 30.0, 0),
            sample(Kind::Distance, 0.0, 20.0, 61.0, 1),
            sample(Kind::HeartRate, 0.0, 0.0, 120.0, 0),
            sample(Kind::HeartRate, 10.0, 10.0, 140.0, 0),
        ];
        let mut w = Vec::new();
        let j = join(&samples, 20.0, Some(0), None, &Limits::default(), &mut w);
        let s = &j.series;
        assert_eq!(s.len(), 21);
        let cad = s.cadence_spm.as_ref().unwrap();
        assert_eq!(cad[5], 180.0);
        assert_eq!(cad[15], 174.0);
        assert_eq!(j.distance_m, Some(60.0));
        let d = s.distance_m.as_ref().unwrap();
        assert_eq!(d[5], 15.0);
        assert_eq!(d[20], 60.0);
        let hr = s.heart_rate_bpm.as_ref().unwrap();
        assert_eq!(hr[5], 130.0);
        assert_eq!(hr[20], 140.0);
        assert!((s.speed_mps.as_ref().unwrap()[10] - 3.0).abs() < 1e-9);
        // Without the workout's own source, the busier source is used.
        let j = join(&samples[2..3], 20.0, None, None, &Limits::default(), &mut w);
        assert_eq!(j.series.cadence_spm.as_ref().unwrap()[3], 180.0);
    }

    #[test]
    fn units() {
        assert_eq!(to_unit(Kind::Speed, 36.0, "km/hr"), Some(10.0));
        assert_eq!(to_unit(Kind::VerticalOscillation, 8.5, "cm"), Some(85.0));
        assert_eq!(to_unit(Kind::StrideLength, 1.2, "m"), Some(1200.0));
        assert_eq!(to_unit(Kind::Speed, 3.0, "furlong/fortnight"), None);
    }
}
