//! Warm-up and cool-down detection on moving time.
//!
//! The run is cut into 1-minute blocks of moving time. A warm-up of `w`
//! minutes (5 ≤ w ≤ min(30, a third of the run)) exists when the first `w`
//! minutes are easier than the rest — mean speed at least 10 % slower, or mean
//! HR at least 10 bpm lower — *and* minute `w` itself is easier than the rest
//! (so the warm-up does not swallow the start of the main part). The longest
//! such `w` wins. The cool-down is found the same way from the end, against
//! the main part after the warm-up. Runs under 20 min are not analysed.
//!
//! The same minutes give the two speeds the warm-up rule uses to find runs
//! with *distinct* hard efforts: the run's easy part (lower quartile of its
//! 1-minute mean speeds) and its fastest 5 consecutive minutes.

use crate::activity::Series;

use super::Metric;
use super::clean::{Cleaned, dropouts};
use super::stats::WeightedMean;

pub const MIN_ANALYSABLE_S: f64 = 20.0 * 60.0;
pub const MIN_BLOCK_MIN: usize = 5;
pub const MAX_BLOCK_MIN: usize = 30;
/// "Easier" = mean speed ≤ (1 − 10 %) of the main part's, or HR ≥ 10 bpm lower.
pub const SPEED_FACTOR: f64 = 0.9;
pub const HR_DROP_BPM: f64 = 10.0;
/// Length of the fastest block, minutes.
pub const BEST_BLOCK_MIN: usize = 5;
/// A minute counts towards the easy-part quartile with at least this much moving speed time, s.
const MIN_MINUTE_S: f64 = 30.0;

#[derive(Debug, Clone, PartialEq)]
pub struct WarmupStats {
    pub warm_up_s: Metric<f64>,
    pub cool_down_s: Metric<f64>,
    pub easy_part_speed_mps: Metric<f64>,
    pub best_5min_speed_mps: Metric<f64>,
}

impl WarmupStats {
    /// Moving-time span `[start, end)` of the main part; no exclusion when not analysable.
    pub fn main_part(&self, moving_s: f64) -> (f64, f64) {
        let w = *self.warm_up_s.as_ref().unwrap_or(&0.0);
        let c = *self.cool_down_s.as_ref().unwrap_or(&0.0);
        (w, (moving_s - c).max(w))
    }
}

/// Prefix sums of per-minute speed and HR, so any block mean is O(1).
struct Minutes {
    speed: Vec<WeightedMean>,
    hr: Vec<WeightedMean>,
}

impl Minutes {
    fn range(v: &[WeightedMean], a: usize, b: usize) -> Option<f64> {
        let w = v[b].weight - v[a].weight;
        (w > 0.0).then(|| (v[b].sum - v[a].sum) / w)
    }

    /// Whether minutes `a..b` are easier than minutes `c..d`.
    fn easier(&self, (a, b): (usize, usize), (c, d): (usize, usize)) -> bool {
        let by_speed = Self::range(&self.speed, a, b)
            .zip(Self::range(&self.speed, c, d))
            .is_some_and(|(x, main)| x <= SPEED_FACTOR * main);
        let by_hr = Self::range(&self.hr, a, b)
            .zip(Self::range(&self.hr, c, d))
            .is_some_and(|(x, main)| x <= main - HR_DROP_BPM);
        by_speed || by_hr
    }
}

pub fn warmup(series: &Series, c: &Cleaned) -> WarmupStats {
    let not = |why: String| WarmupStats {
        warm_up_s: Err(why.clone()),
        cool_down_s: Err(why.clone()),
        easy_part_speed_mps: Err(why.clone()),
        best_5min_speed_mps: Err(why),
    };
    if c.moving_s < MIN_ANALYSABLE_S {
        return not(format!(
            "run shorter than {} min of moving time",
            MIN_ANALYSABLE_S / 60.0
        ));
    }
    let k = (c.moving_s / 60.0).ceil() as usize;
    let mut speed = vec![WeightedMean::default(); k];
    let mut hr = vec![WeightedMean::default(); k];
    let hr_ch = series.heart_rate_bpm.as_deref();
    for (i, &w) in c.moving_dt_s.iter().enumerate() {
        if w <= 0.0 {
            continue;
        }
        let b = ((c.moving_mid_s[i] / 60.0) as usize).min(k - 1);
        speed[b].add(c.speed_mps[i], w);
        if let Some(h) = hr_ch
            .map(|h| h[i])
            .filter(|&h| dropouts::valid_heart_rate(h))
        {
            hr[b].add(h, w);
        }
    }
    if speed.iter().all(|m| m.weight == 0.0) && hr.iter().all(|m| m.weight == 0.0) {
        return not("no speed or heart rate".into());
    }
    let prefix = |v: &[WeightedMean]| {
        let mut out = Vec::with_capacity(v.len() + 1);
        let mut acc = WeightedMean::default();
        out.push(acc);
        for m in v {
            acc.sum += m.sum;
            acc.weight += m.weight;
            out.push(acc);
        }
        out
    };
    let mins = Minutes {
        speed: prefix(&speed),
        hr: prefix(&hr),
    };
    let max_len = MAX_BLOCK_MIN.min(k / 3);

    let warm = (MIN_BLOCK_MIN..=max_len)
        .rev()
        .find(|&w| mins.easier((0, w), (w, k)) && mins.easier((w - 1, w), (w, k)))
        .unwrap_or(0);
    let cool = (MIN_BLOCK_MIN..=max_len)
        .rev()
        .filter(|&n| k - n > warm)
        .find(|&n| {
            mins.easier((k - n, k), (warm, k - n)) && mins.easier((k - n, k - n + 1), (warm, k - n))
        })
        .map_or(0.0, |n| c.moving_s - 60.0 * (k - n) as f64);
    let (easy_part_speed_mps, best_5min_speed_mps) = speeds(&speed, &mins.speed);
    WarmupStats {
        warm_up_s: Ok(60.0 * warm as f64),
        cool_down_s: Ok(cool),
        easy_part_speed_mps,
        best_5min_speed_mps,
    }
}

/// The run's easy-part speed (lower quartile of its 1-minute means) and its
/// fastest 5 consecutive minutes, from per-minute means and their prefix sums.
fn speeds(minutes: &[WeightedMean], prefix: &[WeightedMean]) -> (Metric<f64>, Metric<f64>) {
    let mut means: Vec<f64> = minutes
        .iter()
        .filter(|m| m.weight >= MIN_MINUTE_S)
        .filter_map(WeightedMean::mean)
        .collect();
    if means.len() < BEST_BLOCK_MIN {
        let why = "fewer than 5 minutes with speed".to_string();
        return (Err(why.clone()), Err(why));
    }
    means.sort_unstable_by(f64::total_cmp);
    let easy = means[(means.len() - 1) / 4];
    let best = (BEST_BLOCK_MIN..prefix.len())
        .filter_map(|b| {
            let a = b - BEST_BLOCK_MIN;
            // Most of the block must carry speed, so a block of GPS gaps cannot win.
            (prefix[b].weight - prefix[a].weight >= 0.8 * 60.0 * BEST_BLOCK_MIN as f64)
                .then(|| Minutes::range(prefix, a, b))
                .flatten()
        })
        .reduce(f64::max);
    (
        Ok(easy),
        best.ok_or_else(|| "no 5-minute block with speed".to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::cleaned_1hz;

    fn run(blocks: &[(f64, usize)]) -> Vec<f64> {
        let mut v = vec![blocks[0].0];
        for &(speed, minutes) in blocks {
            v.extend(std::iter::repeat_n(speed, minutes * 60));
        }
        v
    }

    #[test]
    fn finds_warm_up_and_cool_down() {
        // 8 min at 2.5 m/s, 16 min at 3.0, 6 min at 2.4 (see docs/metrics.md for the arithmetic).
        let (s, c) = cleaned_1hz(&run(&[(2.5, 8), (3.0, 16), (2.4, 6)]), None);
        let w = warmup(&s, &c);
        assert_eq!(w.warm_up_s, Ok(480.0));
        assert_eq!(w.cool_down_s, Ok(360.0));
        assert_eq!(w.main_part(c.moving_s), (480.0, 1440.0));
        // 30 minutes: the lower quartile is minute 7 of the sorted means (2.5 m/s);
        // the fastest 5 minutes lie inside the 3.0 block.
        assert_eq!(w.easy_part_speed_mps, Ok(2.5));
        assert!((w.best_5min_speed_mps.unwrap() - 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_steady_run_has_no_block_faster_than_its_easy_part() {
        let (s, c) = cleaned_1hz(&run(&[(3.0, 25)]), None);
        let w = warmup(&s, &c);
        assert_eq!(w.easy_part_speed_mps, Ok(3.0));
        assert_eq!(w.best_5min_speed_mps, Ok(3.0));
    }

    #[test]
    fn steady_run_has_none_but_is_analysed() {
        let (s, c) = cleaned_1hz(&run(&[(3.0, 25)]), None);
        let w = warmup(&s, &c);
        assert_eq!((w.warm_up_s, w.cool_down_s), (Ok(0.0), Ok(0.0)));
    }

    #[test]
    fn short_warm_up_does_not_count() {
        // 4 easy minutes are below the 5-minute minimum.
        let (s, c) = cleaned_1hz(&run(&[(2.0, 4), (3.0, 26)]), None);
        assert_eq!(warmup(&s, &c).warm_up_s, Ok(0.0));
    }

    #[test]
    fn heart_rate_alone_can_mark_it() {
        // Same speed throughout; HR 120 for 6 min, then 145.
        let (mut s, c) = cleaned_1hz(&run(&[(3.0, 30)]), None);
        let hr: Vec<f64> = (0..s.len())
            .map(|i| if i <= 360 { 120.0 } else { 145.0 })
            .collect();
        s.heart_rate_bpm = Some(hr);
        assert_eq!(warmup(&s, &c).warm_up_s, Ok(360.0));
    }

    #[test]
    fn short_run_is_not_analysable() {
        let (s, c) = cleaned_1hz(&run(&[(3.0, 19)]), None);
        let w = warmup(&s, &c);
        assert_eq!(
            w.warm_up_s,
            Err("run shorter than 20 min of moving time".into())
        );
    }
}
