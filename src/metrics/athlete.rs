//! Per-athlete views across runs: the cadence~speed fit, each run's cadence
//! residual against it, step length at a reference speed against the
//! athlete's own history (and height), and HR at a fixed easy speed band.
//!
//! Everything takes `&[RunMetrics]` and returns plain structs. Inputs are
//! sorted before any floating-point sum, so run order never changes a result
//! (not even in the last bit), and non-runs contribute nothing (their rows
//! carry no speed bins and no easy values).

use serde::{Deserialize, Serialize};

use super::stats::{WeightedMean, median, weighted_median};
use super::{RunMetrics, SpeedBin};

/// Runs need this much moving time with HR before their peak counts, s.
pub const MAX_HR_MIN_RUN_S: f64 = 600.0;
/// A peak must be held (cumulatively) this long, so one-sample spikes never count, s.
pub const MAX_HR_SUSTAINED_S: f64 = 30.0;
/// Percentile of the runs' sustained peaks taken as max HR: one run in fifty
/// may carry a strap artefact (cadence lock, static) without moving it.
pub const MAX_HR_PERCENTILE: f64 = 0.98;
/// Peaks from the last this many days before the latest run are used.
pub const MAX_HR_LOOKBACK_DAYS: i64 = 365;
/// Fewer qualifying runs than this: no estimate (each run uses its own max).
pub const MAX_HR_MIN_RUNS: usize = 5;

/// Max HR estimated from the history when none is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaxHrEstimate {
    pub bpm: f64,
    /// Runs whose sustained peak went into the percentile.
    pub runs: usize,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// The 98th percentile (linear interpolation) of the per-run sustained HR
/// peaks (highest bpm with ≥ 30 s at or above it) over runs with ≥ 10 min of
/// HR in the year before the latest such run; `None` under 5 runs.
pub fn estimate_max_hr<'a>(
    runs: impl IntoIterator<Item = &'a RunMetrics>,
) -> Option<MaxHrEstimate> {
    let mut peaks: Vec<(Option<chrono::DateTime<chrono::Utc>>, f64)> = runs
        .into_iter()
        .filter_map(|r| {
            let h = r.hr_histogram.as_ref()?;
            if h.total_s() < MAX_HR_MIN_RUN_S {
                return None;
            }
            Some((r.start, h.sustained_max_bpm(MAX_HR_SUSTAINED_S)?))
        })
        .collect();
    let latest = peaks.iter().filter_map(|p| p.0).max();
    if let Some(latest) = latest {
        let cutoff = latest - chrono::Duration::days(MAX_HR_LOOKBACK_DAYS);
        peaks.retain(|p| p.0.is_none_or(|t| t > cutoff));
    }
    if peaks.len() < MAX_HR_MIN_RUNS {
        return None;
    }
    let mut v: Vec<f64> = peaks.iter().map(|p| p.1).collect();
    v.sort_unstable_by(f64::total_cmp);
    Some(MaxHrEstimate {
        bpm: percentile_sorted(&v, MAX_HR_PERCENTILE),
        runs: v.len(),
        from: peaks.iter().filter_map(|p| p.0).min(),
        to: latest,
    })
}

/// Linear-interpolation percentile of sorted, non-empty values.
fn percentile_sorted(v: &[f64], p: f64) -> f64 {
    let k = (v.len() - 1) as f64 * p;
    let (i, f) = (k.floor() as usize, k.fract());
    let hi = v[(i + 1).min(v.len() - 1)];
    v[i] + (hi - v[i]) * f
}

/// Huber's tuning constant (95 % efficiency under normal errors).
pub const HUBER_K: f64 = 1.345;
/// The fit needs bins spanning at least this speed range.
pub const MIN_FIT_SPAN_MPS: f64 = 0.5;
const MAX_ITERATIONS: usize = 50;

/// cadence_spm = intercept_spm + slope_spm_per_mps × speed_mps, fitted by
/// Huber-weighted iteratively reweighted least squares over all runs' speed
/// bins, each bin weighted by its seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CadenceSpeedFit {
    pub intercept_spm: f64,
    pub slope_spm_per_mps: f64,
    /// Robust residual scale: 1.4826 × weighted median |residual|, spm.
    pub scale_spm: f64,
    pub bins: usize,
    pub seconds: f64,
    pub min_speed_mps: f64,
    pub max_speed_mps: f64,
}

impl CadenceSpeedFit {
    pub fn predict_spm(&self, speed_mps: f64) -> f64 {
        self.intercept_spm + self.slope_spm_per_mps * speed_mps
    }
}

fn sorted_bins<'a>(runs: impl IntoIterator<Item = &'a RunMetrics>) -> Vec<&'a SpeedBin> {
    let mut bins: Vec<&SpeedBin> = runs.into_iter().flat_map(|r| &r.speed_bins).collect();
    bins.sort_by(|a, b| {
        a.speed_mps
            .total_cmp(&b.speed_mps)
            .then(a.cadence_spm.total_cmp(&b.cadence_spm))
            .then(a.seconds.total_cmp(&b.seconds))
            .then(
                a.step_length_m
                    .unwrap_or(f64::NAN)
                    .total_cmp(&b.step_length_m.unwrap_or(f64::NAN)),
            )
            .then(
                a.heart_rate_bpm
                    .unwrap_or(f64::NAN)
                    .total_cmp(&b.heart_rate_bpm.unwrap_or(f64::NAN)),
            )
    });
    bins
}

/// Weighted least squares line through `(x, y, w)`; `None` when x has no spread.
fn wls(points: &[(f64, f64, f64)]) -> Option<(f64, f64)> {
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for &(x, y, w) in points {
        sw += w;
        sx += w * x;
        sy += w * y;
    }
    if sw <= 0.0 {
        return None;
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for &(x, y, w) in points {
        sxx += w * (x - mx) * (x - mx);
        sxy += w * (x - mx) * (y - my);
    }
    if sxx <= 1e-12 {
        return None;
    }
    let slope = sxy / sxx;
    Some((my - slope * mx, slope))
}

/// The athlete's cadence~speed line, or `None` with fewer than 3 bins or a
/// speed span under [`MIN_FIT_SPAN_MPS`].
pub fn fit_cadence_speed<'a>(
    runs: impl IntoIterator<Item = &'a RunMetrics>,
) -> Option<CadenceSpeedFit> {
    let bins = sorted_bins(runs);
    let base: Vec<(f64, f64, f64)> = bins
        .iter()
        .filter(|b| b.speed_mps.is_finite() && b.cadence_spm.is_finite() && b.seconds > 0.0)
        .map(|b| (b.speed_mps, b.cadence_spm, b.seconds))
        .collect();
    let min_speed = base.iter().map(|p| p.0).reduce(f64::min)?;
    let max_speed = base.iter().map(|p| p.0).reduce(f64::max)?;
    if base.len() < 3 || max_speed - min_speed < MIN_FIT_SPAN_MPS {
        return None;
    }
    let (mut a, mut b) = wls(&base)?;
    let mut weighted = base.clone();
    let mut abs_res: Vec<(f64, f64)> = Vec::with_capacity(base.len());
    let mut scale = 0.0;
    for _ in 0..MAX_ITERATIONS {
        abs_res.clear();
        abs_res.extend(base.iter().map(|&(x, y, w)| ((y - a - b * x).abs(), w)));
        scale = 1.4826 * weighted_median(&mut abs_res).unwrap_or(0.0);
        if scale <= 1e-9 {
            break;
        }
        for (p, &(x, y, w)) in weighted.iter_mut().zip(&base) {
            let r = (y - a - b * x).abs();
            let h = if r <= HUBER_K * scale {
                1.0
            } else {
                HUBER_K * scale / r
            };
            p.2 = w * h;
        }
        let Some((a2, b2)) = wls(&weighted) else {
            break;
        };
        let done = (a2 - a).abs() < 1e-9 && (b2 - b).abs() < 1e-9;
        (a, b) = (a2, b2);
        if done {
            break;
        }
    }
    Some(CadenceSpeedFit {
        intercept_spm: a,
        slope_spm_per_mps: b,
        scale_spm: scale,
        bins: base.len(),
        seconds: base.iter().map(|p| p.2).sum(),
        min_speed_mps: min_speed,
        max_speed_mps: max_speed,
    })
}

/// The run's easy cadence minus what the athlete's line predicts at the run's
/// easy speed, spm (negative = lower cadence than usual for that speed).
pub fn residual_spm(fit: &CadenceSpeedFit, run: &RunMetrics) -> Option<f64> {
    Some(run.easy_cadence_spm? - fit.predict_spm(run.easy_speed_mps?))
}

/// Half-width of the speed window around the reference speed, m/s.
pub const STEP_WINDOW_MPS: f64 = 0.5;

/// Step length at `speed_mps`, m: a seconds-weighted line through the run's
/// bins within ±0.5 m/s, evaluated at that speed. Needs bins on both sides
/// (interpolation, never extrapolation).
pub fn step_length_at_speed_m(run: &RunMetrics, speed_mps: f64) -> Option<f64> {
    let pts: Vec<(f64, f64, f64)> = run
        .speed_bins
        .iter()
        .filter(|b| (b.speed_mps - speed_mps).abs() <= STEP_WINDOW_MPS)
        .filter_map(|b| Some((b.speed_mps, b.step_length_m?, b.seconds)))
        .collect();
    let below = pts.iter().any(|p| p.0 < speed_mps);
    let above = pts.iter().any(|p| p.0 > speed_mps);
    if !(below && above) {
        return None;
    }
    let (a, b) = wls(&pts)?;
    Some(a + b * speed_mps)
}

/// The athlete's usual step length at the reference speed: median over runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepLengthHistory {
    pub reference_speed_mps: f64,
    pub median_m: f64,
    pub runs: usize,
}

pub fn step_length_history(
    runs: &[RunMetrics],
    reference_speed_mps: f64,
) -> Option<StepLengthHistory> {
    let mut v: Vec<f64> = runs
        .iter()
        .filter_map(|r| step_length_at_speed_m(r, reference_speed_mps))
        .collect();
    let n = v.len();
    Some(StepLengthHistory {
        reference_speed_mps,
        median_m: median(&mut v)?,
        runs: n,
    })
}

/// One run's step length at the reference speed, against history and height.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepLengthComparison {
    pub step_length_m: f64,
    /// (run − history median) / history median × 100.
    pub vs_history_pct: Option<f64>,
    /// Step length ÷ height (both m).
    pub height_ratio: Option<f64>,
}

pub fn compare_step_length(
    run: &RunMetrics,
    history: Option<&StepLengthHistory>,
    height_cm: Option<f64>,
    reference_speed_mps: f64,
) -> Option<StepLengthComparison> {
    let sl = step_length_at_speed_m(run, reference_speed_mps)?;
    Some(StepLengthComparison {
        step_length_m: sl,
        vs_history_pct: history
            .filter(|h| h.median_m > 0.0)
            .map(|h| (sl - h.median_m) / h.median_m * 100.0),
        height_ratio: height_cm.filter(|h| *h > 0.0).map(|h| sl / (h / 100.0)),
    })
}

/// A speed band `[lo, hi)`, m/s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpeedBand {
    pub lo_mps: f64,
    pub hi_mps: f64,
}

/// The athlete's easy band: median of the runs' easy speeds ± 0.25 m/s.
pub fn easy_speed_band<'a>(runs: impl IntoIterator<Item = &'a RunMetrics>) -> Option<SpeedBand> {
    let mut v: Vec<f64> = runs
        .into_iter()
        .filter_map(|r| r.easy_speed_mps)
        .filter(|v| v.is_finite())
        .collect();
    let m = median(&mut v)?;
    Some(SpeedBand {
        lo_mps: m - 0.25,
        hi_mps: m + 0.25,
    })
}

/// Seconds of a band a run needs before its HR there counts.
pub const MIN_EASY_HR_S: f64 = 60.0;

/// Mean HR over the run's bins whose centre lies in the band (seconds-weighted),
/// for the iron/fitness rule "HR at a fixed easy speed over weeks".
pub fn easy_hr_at_speed(run: &RunMetrics, band: SpeedBand) -> Option<f64> {
    let mut m = WeightedMean::default();
    for b in &run.speed_bins {
        if b.speed_mps >= band.lo_mps
            && b.speed_mps < band.hi_mps
            && let Some(h) = b.heart_rate_bpm
        {
            m.add(h, b.seconds);
        }
    }
    m.mean_if(MIN_EASY_HR_S)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::intensity::HrHistogram;

    /// A run on day `day` with 20 min at `base` bpm and `peak_s` seconds at `peak` bpm.
    fn hr_run(day: i64, base: f64, peak: f64, peak_s: f64) -> RunMetrics {
        let hr: Vec<f64> = std::iter::repeat_n(base, 1200)
            .chain(std::iter::repeat_n(peak, peak_s as usize))
            .collect();
        let dt = vec![1.0; hr.len()];
        RunMetrics {
            start: Some(chrono::DateTime::from_timestamp(1_750_000_000 + day * 86_400, 0).unwrap()),
            hr_histogram: HrHistogram::from_samples(&hr, &dt),
            ..Default::default()
        }
    }

    #[test]
    fn max_hr_estimate_ignores_spikes_and_old_runs() {
        // 60 runs peaking at 170–189 for a minute; one with a 2-s strap spike at 230;
        // one two years back at 200 for ten minutes.
        let mut runs: Vec<RunMetrics> = (0..60)
            .map(|i| hr_run(400 + i, 140.0, 170.0 + (i % 20) as f64, 60.0))
            .collect();
        runs.push(hr_run(450, 150.0, 230.0, 2.0));
        runs.push(hr_run(0, 150.0, 200.0, 600.0));
        let e = estimate_max_hr(&runs).unwrap();
        assert_eq!(e.runs, 61, "the old run is outside the year");
        // Peaks: 150 once (the spike run), 170..189 three times each.
        assert!((188.0..=189.0).contains(&e.bpm), "{}", e.bpm);
        assert!(estimate_max_hr(&runs[..4]).is_none(), "under 5 runs");
    }

    fn bin(speed_mps: f64, cadence_spm: f64, seconds: f64) -> SpeedBin {
        SpeedBin {
            speed_mps,
            cadence_spm,
            step_length_m: None,
            heart_rate_bpm: None,
            seconds,
        }
    }

    fn run(bins: Vec<SpeedBin>) -> RunMetrics {
        RunMetrics {
            speed_bins: bins,
            ..Default::default()
        }
    }

    #[test]
    fn exact_line_is_recovered() {
        // cadence = 120 + 16 × speed exactly.
        let runs = [
            run(vec![bin(2.5, 160.0, 60.0), bin(3.0, 168.0, 100.0)]),
            run(vec![bin(3.5, 176.0, 40.0)]),
        ];
        let f = fit_cadence_speed(&runs).unwrap();
        assert!((f.intercept_spm - 120.0).abs() < 1e-9);
        assert!((f.slope_spm_per_mps - 16.0).abs() < 1e-9);
        assert_eq!((f.bins, f.seconds), (3, 200.0));
    }

    #[test]
    fn an_outlier_bin_is_downweighted() {
        // Five bins on cadence = 120 + 16 v, one walking-like outlier at 3.25 m/s.
        let mut bins: Vec<SpeedBin> = [2.25, 2.5, 2.75, 3.0, 3.5]
            .iter()
            .map(|&v| bin(v, 120.0 + 16.0 * v, 100.0))
            .collect();
        bins.push(bin(3.25, 120.0, 100.0));
        let f = fit_cadence_speed(&[run(bins.clone())]).unwrap();
        let ols = wls(&bins
            .iter()
            .map(|b| (b.speed_mps, b.cadence_spm, b.seconds))
            .collect::<Vec<_>>())
        .unwrap();
        assert!((f.slope_spm_per_mps - 16.0).abs() < (ols.1 - 16.0).abs());
        assert!(
            (f.predict_spm(3.0) - 168.0).abs() < 3.0,
            "{}",
            f.predict_spm(3.0)
        );
    }

    #[test]
    fn narrow_span_gives_no_fit() {
        let runs = [run(vec![
            bin(3.0, 170.0, 60.0),
            bin(3.25, 172.0, 60.0),
            bin(3.0, 171.0, 60.0),
        ])];
        assert!(fit_cadence_speed(&runs).is_none());
    }

    #[test]
    fn residual_at_easy_speed() {
        let fit = CadenceSpeedFit {
            intercept_spm: 120.0,
            slope_spm_per_mps: 16.0,
            scale_spm: 1.0,
            bins: 3,
            seconds: 1.0,
            min_speed_mps: 2.0,
            max_speed_mps: 4.0,
        };
        let r = RunMetrics {
            easy_cadence_spm: Some(160.0),
            easy_speed_mps: Some(2.75),
            ..Default::default()
        };
        assert_eq!(residual_spm(&fit, &r), Some(-4.0));
        assert_eq!(residual_spm(&fit, &RunMetrics::default()), None);
    }

    #[test]
    fn step_length_interpolated_and_compared() {
        let mut a = bin(2.875, 170.0, 60.0);
        a.step_length_m = Some(1.00);
        let mut b = bin(3.125, 172.0, 60.0);
        b.step_length_m = Some(1.10);
        let r = run(vec![a.clone(), b]);
        assert!((step_length_at_speed_m(&r, 3.0).unwrap() - 1.05).abs() < 1e-12);
        // One side only: no extrapolation.
        assert_eq!(step_length_at_speed_m(&run(vec![a]), 3.0), None);
        let h = StepLengthHistory {
            reference_speed_mps: 3.0,
            median_m: 1.0,
            runs: 4,
        };
        let c = compare_step_length(&r, Some(&h), Some(175.0), 3.0).unwrap();
        assert!((c.vs_history_pct.unwrap() - 5.0).abs() < 1e-9);
        assert!((c.height_ratio.unwrap() - 0.6).abs() < 1e-12);
    }

    #[test]
    fn easy_band_and_hr() {
        let runs: Vec<RunMetrics> = [2.6, 2.8, 3.0]
            .iter()
            .map(|&v| RunMetrics {
                easy_speed_mps: Some(v),
                ..Default::default()
            })
            .collect();
        let band = easy_speed_band(&runs).unwrap();
        assert!((band.lo_mps - 2.55).abs() < 1e-12 && (band.hi_mps - 3.05).abs() < 1e-12);
        let mut b1 = bin(2.625, 165.0, 40.0);
        b1.heart_rate_bpm = Some(140.0);
        let mut b2 = bin(2.875, 168.0, 120.0);
        b2.heart_rate_bpm = Some(144.0);
        let mut b3 = bin(3.125, 170.0, 100.0);
        b3.heart_rate_bpm = Some(160.0);
        assert_eq!(
            easy_hr_at_speed(&run(vec![b1.clone(), b2, b3]), band),
            Some(143.0)
        );
        assert_eq!(
            easy_hr_at_speed(&run(vec![b1]), band),
            None,
            "40 s is under a minute"
        );
    }
}
