//! Within-run fatigue markers, all cut on moving time of the main part
//! (warm-up and cool-down excluded, see [`super::warmup`]):
//! form drift (cadence, step length, stance time in the first vs last third),
//! pace fade on long runs, aerobic decoupling on steady runs, and temperature.

use crate::activity::Series;

use super::Metric;
use super::clean::{Cleaned, dropouts};
use super::stats::WeightedMean;
use super::stride::{self, StepSource};

/// Drift in thirds needs at least this much moving time.
pub const MIN_DRIFT_S: f64 = 20.0 * 60.0;
/// Pace fade only for long runs (glycogen; Thomas et al. 2016 use > 90 min).
pub const MIN_FADE_S: f64 = 90.0 * 60.0;
/// Decoupling only for runs of an hour or more (Friel).
pub const MIN_DECOUPLING_S: f64 = 60.0 * 60.0;
/// "Steady": coefficient of variation of 1-minute mean speeds below 15 %.
pub const MAX_STEADY_CV: f64 = 0.15;

#[derive(Debug, Clone, PartialEq)]
pub struct FatigueStats {
    pub cadence_first_third_spm: Metric<f64>,
    pub cadence_last_third_spm: Metric<f64>,
    pub step_length_first_third_m: Metric<f64>,
    pub step_length_last_third_m: Metric<f64>,
    pub stance_time_first_third_ms: Metric<f64>,
    pub stance_time_last_third_ms: Metric<f64>,
    pub pace_fade_pct: Metric<f64>,
    pub decoupling_pct: Metric<f64>,
    pub temperature_mean_c: Metric<f64>,
    pub temperature_max_c: Metric<f64>,
}

/// Time-weighted mean of `value(i)` over moving samples whose moving-time
/// midpoint lies in `[from_s, to_s)`.
fn segment_mean(c: &Cleaned, from_s: f64, to_s: f64, value: impl Fn(usize) -> f64) -> Option<f64> {
    let mut m = WeightedMean::default();
    for (i, &w) in c.moving_dt_s.iter().enumerate() {
        let t = c.moving_mid_s[i];
        if w > 0.0 && t >= from_s && t < to_s {
            m.add(value(i), w);
        }
    }
    m.mean()
}

/// First and last third of the main part for one channel.
fn thirds(
    c: &Cleaned,
    (start, end): (f64, f64),
    name: &str,
    value: impl Fn(usize) -> f64,
) -> (Metric<f64>, Metric<f64>) {
    if c.moving_s < MIN_DRIFT_S {
        let why = format!("run shorter than {} min of moving time", MIN_DRIFT_S / 60.0);
        return (Err(why.clone()), Err(why));
    }
    let third = (end - start) / 3.0;
    let none = || format!("no {name} in that third");
    (
        segment_mean(c, start, start + third, &value).ok_or_else(none),
        segment_mean(c, end - third, end, &value).ok_or_else(none),
    )
}

pub fn fatigue(
    series: &Series,
    c: &Cleaned,
    step_source: Option<StepSource>,
    main: (f64, f64),
) -> FatigueStats {
    let cad = series.cadence_spm.as_deref();
    let (cadence_first_third_spm, cadence_last_third_spm) = match cad {
        None => (
            Err("no cadence recorded".into()),
            Err("no cadence recorded".into()),
        ),
        Some(cad) => thirds(c, main, "cadence", |i| {
            if dropouts::valid_cadence(cad[i]) {
                cad[i]
            } else {
                f64::NAN
            }
        }),
    };
    let (step_length_first_third_m, step_length_last_third_m) = match step_source {
        None => (Err("no step length".into()), Err("no step length".into())),
        Some(src) => thirds(c, main, "step length", |i| {
            stride::step_length_m(series, c, src, i)
        }),
    };
    let (stance_time_first_third_ms, stance_time_last_third_ms) =
        match series.stance_time_ms.as_deref() {
            None => (
                Err("no stance time recorded".into()),
                Err("no stance time recorded".into()),
            ),
            Some(st) => thirds(c, main, "stance time", |i| {
                if dropouts::valid_positive(st[i]) {
                    st[i]
                } else {
                    f64::NAN
                }
            }),
        };
    let (temperature_mean_c, temperature_max_c) = temperature(series, c);
    FatigueStats {
        cadence_first_third_spm,
        cadence_last_third_spm,
        step_length_first_third_m,
        step_length_last_third_m,
        stance_time_first_third_ms,
        stance_time_last_third_ms,
        pace_fade_pct: pace_fade(c, main),
        decoupling_pct: decoupling(series, c, main),
        temperature_mean_c,
        temperature_max_c,
    }
}

/// Speed drop, %, from the first to the last quarter of the main part:
/// (v_first − v_last) / v_first × 100 (positive = slowed down).
pub fn pace_fade(c: &Cleaned, (start, end): (f64, f64)) -> Metric<f64> {
    if c.moving_s < MIN_FADE_S {
        return Err(format!(
            "run shorter than {} min of moving time",
            MIN_FADE_S / 60.0
        ));
    }
    let q = (end - start) / 4.0;
    let v1 = segment_mean(c, start, start + q, |i| c.speed_mps[i]);
    let v2 = segment_mean(c, end - q, end, |i| c.speed_mps[i]);
    match (v1, v2) {
        (Some(v1), Some(v2)) if v1 > 0.0 => Ok((v1 - v2) / v1 * 100.0),
        _ => Err("no speed in the first or last quarter".into()),
    }
}

/// Friel's Pa:HR decoupling: efficiency factor EF = mean speed ÷ mean HR in
/// each half of the main part (samples with both), (EF1 − EF2) / EF1 × 100.
pub fn decoupling(series: &Series, c: &Cleaned, (start, end): (f64, f64)) -> Metric<f64> {
    if c.moving_s < MIN_DECOUPLING_S {
        return Err(format!(
            "run shorter than {} min of moving time",
            MIN_DECOUPLING_S / 60.0
        ));
    }
    let Some(hr) = series.heart_rate_bpm.as_deref() else {
        return Err("no heart rate recorded".into());
    };
    let cv = speed_cv(c, (start, end)).ok_or("no speed to judge steadiness")?;
    if cv >= MAX_STEADY_CV {
        return Err(format!(
            "not a steady run (speed CV {:.0} % ≥ {:.0} %)",
            cv * 100.0,
            MAX_STEADY_CV * 100.0
        ));
    }
    let mid = (start + end) / 2.0;
    let ef = |from: f64, to: f64| {
        let paired = |i: usize| dropouts::valid_heart_rate(hr[i]) && c.speed_mps[i].is_finite();
        let v = segment_mean(c, from, to, |i| {
            if paired(i) { c.speed_mps[i] } else { f64::NAN }
        })?;
        let h = segment_mean(c, from, to, |i| if paired(i) { hr[i] } else { f64::NAN })?;
        Some(v / h)
    };
    match (ef(start, mid), ef(mid, end)) {
        (Some(ef1), Some(ef2)) if ef1 > 0.0 => Ok((ef1 - ef2) / ef1 * 100.0),
        _ => Err("no paired speed and heart rate in one half".into()),
    }
}

/// Coefficient of variation (population SD ÷ mean) of the 1-minute mean
/// speeds of the main part; minutes with under 30 s of speed are skipped.
pub fn speed_cv(c: &Cleaned, (start, end): (f64, f64)) -> Option<f64> {
    let n = ((end - start) / 60.0).ceil().max(0.0) as usize;
    let mut minutes = vec![WeightedMean::default(); n];
    for (i, &w) in c.moving_dt_s.iter().enumerate() {
        let t = c.moving_mid_s[i];
        if w > 0.0
            && t >= start
            && t < end
            && let Some(m) = minutes.get_mut(((t - start) / 60.0) as usize)
        {
            m.add(c.speed_mps[i], w);
        }
    }
    let means: Vec<f64> = minutes
        .iter()
        .filter(|m| m.weight >= 30.0)
        .filter_map(|m| m.mean())
        .collect();
    if means.is_empty() {
        return None;
    }
    let k = means.len() as f64;
    let mean = means.iter().sum::<f64>() / k;
    let var = means.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / k;
    (mean > 0.0).then(|| var.sqrt() / mean)
}

/// Mean over moving time and maximum over all samples, °C.
fn temperature(series: &Series, c: &Cleaned) -> (Metric<f64>, Metric<f64>) {
    let Some(t) = series.temperature_c.as_deref() else {
        return (
            Err("no temperature recorded".into()),
            Err("no temperature recorded".into()),
        );
    };
    let mut m = WeightedMean::default();
    for (&x, &w) in t.iter().zip(&c.moving_dt_s) {
        m.add(x, w);
    }
    let max = t.iter().copied().filter(|x| x.is_finite()).reduce(f64::max);
    (
        m.mean()
            .ok_or_else(|| "no moving sample with temperature".into()),
        max.ok_or_else(|| "no temperature sample".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::cleaned_1hz;

    fn repeat(parts: &[(f64, usize)]) -> Vec<f64> {
        let mut v = vec![parts[0].0];
        for &(x, n) in parts {
            v.extend(std::iter::repeat_n(x, n));
        }
        v
    }

    #[test]
    fn thirds_of_the_main_part() {
        // 30 min at 3 m/s; cadence 170 / 172 / 176 in the three 10-minute thirds.
        let speed = repeat(&[(3.0, 1800)]);
        let cad = repeat(&[(170.0, 600), (172.0, 600), (176.0, 600)]);
        let (mut s, c) = cleaned_1hz(&speed, Some(&cad));
        s.stance_time_ms = Some(repeat(&[(250.0, 600), (0.0, 600), (262.0, 600)]));
        let f = fatigue(&s, &c, Some(StepSource::SpeedOverCadence), (0.0, 1800.0));
        assert_eq!(f.cadence_first_third_spm, Ok(170.0));
        assert_eq!(f.cadence_last_third_spm, Ok(176.0));
        assert!((f.step_length_first_third_m.unwrap() - 3.0 / (170.0 / 60.0)).abs() < 1e-12);
        assert_eq!(f.stance_time_first_third_ms, Ok(250.0));
        assert_eq!(f.stance_time_last_third_ms, Ok(262.0));
        assert_eq!(
            f.pace_fade_pct,
            Err("run shorter than 90 min of moving time".into())
        );
        // Excluding a 6-minute warm-up moves the first third to minutes 6–14: 4 min at 170, 4 at 172.
        let f = fatigue(&s, &c, None, (360.0, 1800.0));
        assert_eq!(f.cadence_first_third_spm, Ok(171.0));
    }

    #[test]
    fn pace_fade_last_vs_first_quarter() {
        // 100 min: 25 min at 3.0, 50 min at 2.9, 25 min at 2.7 → fade (3.0 − 2.7)/3.0 = 10 %.
        let speed = repeat(&[(3.0, 1500), (2.9, 3000), (2.7, 1500)]);
        let (_, c) = cleaned_1hz(&speed, None);
        let fade = pace_fade(&c, (0.0, 6000.0)).unwrap();
        assert!((fade - 10.0).abs() < 1e-9, "{fade}");
    }

    #[test]
    fn decoupling_of_a_steady_hour() {
        // 60 min at 3.0 m/s; HR 140 then 147 → EF1 = 3/140, EF2 = 3/147, decoupling = 1 − 140/147.
        let speed = repeat(&[(3.0, 3600)]);
        let (mut s, c) = cleaned_1hz(&speed, None);
        s.heart_rate_bpm = Some(repeat(&[(140.0, 1800), (147.0, 1800)]));
        let d = decoupling(&s, &c, (0.0, 3600.0)).unwrap();
        assert!((d - (1.0 - 140.0 / 147.0) * 100.0).abs() < 1e-9, "{d}");
        assert!((d - 4.761_904_761_9).abs() < 1e-6);
    }

    #[test]
    fn intervals_are_not_steady() {
        // Alternating minutes at 2.0 and 4.0 m/s: CV = 1/3.
        let mut parts = Vec::new();
        for _ in 0..30 {
            parts.push((2.0, 60));
            parts.push((4.0, 60));
        }
        let (mut s, c) = cleaned_1hz(&repeat(&parts), None);
        s.heart_rate_bpm = Some(vec![150.0; s.len()]);
        assert!((speed_cv(&c, (0.0, 3600.0)).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!(
            decoupling(&s, &c, (0.0, 3600.0))
                .unwrap_err()
                .starts_with("not a steady run")
        );
    }

    #[test]
    fn temperature_mean_and_max() {
        let (mut s, c) = cleaned_1hz(&[3.0, 3.0, 0.0, 3.0], None);
        s.temperature_c = Some(vec![20.0, 22.0, 30.0, f64::NAN]);
        let (mean, max) = temperature(&s, &c);
        // Moving samples 1 (22 °C) and 3 (NaN); the standing sample still counts for the max.
        assert_eq!((mean, max), (Ok(22.0), Ok(30.0)));
    }
}
