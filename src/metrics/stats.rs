//! Time-weighted accumulators shared by the metric modules. A sample's weight
//! is the moving time it stands for, so uneven ("smart") recording intervals
//! do not bias the averages towards stretches with denser samples.

/// Running Σ w·x and Σ w.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeightedMean {
    pub sum: f64,
    pub weight: f64,
}

impl WeightedMean {
    /// Adds `x` with weight `w`; non-finite values and non-positive weights are ignored.
    #[inline]
    pub fn add(&mut self, x: f64, w: f64) {
        if x.is_finite() && w > 0.0 {
            self.sum += x * w;
            self.weight += w;
        }
    }

    /// The mean, or `None` when nothing was added.
    pub fn mean(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.sum / self.weight)
    }

    /// The mean only when at least `min_weight` was added.
    pub fn mean_if(&self, min_weight: f64) -> Option<f64> {
        if self.weight >= min_weight {
            self.mean()
        } else {
            None
        }
    }
}

/// Weighted median of `(value, weight)` pairs: the smallest value at which the
/// cumulative weight reaches half the total; when it lands exactly on half, the
/// mean of that value and the next (so equal weights give the ordinary median).
/// Reorders `pairs`. `None` for no positive weight.
///
/// Linear time: quickselect narrows the range holding the crossing, and only
/// that small range is sorted. The robust cadence~speed fit takes a median of
/// ~40,000 residuals per iteration over a long history; sorting them all each
/// time was most of its cost.
pub fn weighted_median(pairs: &mut [(f64, f64)]) -> Option<f64> {
    const SORT_BELOW: usize = 64;
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    if total <= 0.0 {
        return None;
    }
    let half = total / 2.0;
    let by_value = |a: &(f64, f64), b: &(f64, f64)| a.0.total_cmp(&b.0);
    // Invariant: everything sorted before `lo` weighs `below` < half, so the
    // first sorted index whose cumulative weight reaches half is in lo..hi.
    let (mut lo, mut hi, mut below) = (0, pairs.len(), 0.0);
    while hi - lo > SORT_BELOW {
        let k = lo + (hi - lo) / 2;
        pairs[lo..hi].select_nth_unstable_by(k - lo, by_value);
        let left: f64 = pairs[lo..k].iter().map(|p| p.1).sum();
        if below + left >= half {
            hi = k;
        } else {
            below += left;
            lo = k;
        }
    }
    pairs[lo..hi].sort_unstable_by(by_value);
    let mut cum = below;
    for i in lo..hi {
        let (v, w) = pairs[i];
        cum += w;
        if cum > half {
            return Some(v);
        }
        if cum == half {
            // The next value with weight: later in the range, else the
            // smallest of the (unsorted, all larger) rest.
            let next = pairs[i + 1..hi]
                .iter()
                .find(|p| p.1 > 0.0)
                .or_else(|| {
                    pairs[hi..]
                        .iter()
                        .filter(|p| p.1 > 0.0)
                        .min_by(|a, b| by_value(a, b))
                })
                .map_or(v, |p| p.0);
            return Some((v + next) / 2.0);
        }
    }
    // Only rounding in the sums gets here: the largest value, as a sort would end.
    pairs.iter().max_by(|a, b| by_value(a, b)).map(|p| p.0)
}

/// Ordinary median of finite values (sorts in place).
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_mean_skips_nan_and_zero_weight() {
        let mut m = WeightedMean::default();
        m.add(170.0, 1.0);
        m.add(180.0, 3.0);
        m.add(f64::NAN, 5.0);
        m.add(999.0, 0.0);
        assert_eq!(m.mean(), Some(177.5));
        assert_eq!(m.mean_if(4.0), Some(177.5));
        assert_eq!(m.mean_if(4.5), None);
        assert_eq!(WeightedMean::default().mean(), None);
    }

    /// The definition, by sorting everything: what the quickselect must equal.
    fn weighted_median_by_sorting(pairs: &mut [(f64, f64)]) -> Option<f64> {
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        if total <= 0.0 {
            return None;
        }
        let mut cum = 0.0;
        for (i, &(v, w)) in pairs.iter().enumerate() {
            cum += w;
            if cum > total / 2.0 {
                return Some(v);
            }
            if cum == total / 2.0 {
                let next = pairs[i + 1..].iter().find(|p| p.1 > 0.0).map_or(v, |p| p.0);
                return Some((v + next) / 2.0);
            }
        }
        pairs.last().map(|p| p.0)
    }

    proptest::proptest! {
        /// Whole-second and half-second weights (what samples carry) sum
        /// exactly in any order, so the answer must be identical, ties included.
        #[test]
        fn quickselect_median_equals_sorting(
            raw in proptest::collection::vec((0u16..400, 0u8..6), 0..600)
        ) {
            let pairs: Vec<(f64, f64)> = raw
                .iter()
                .map(|&(v, w)| (f64::from(v) / 2.0, f64::from(w) / 2.0))
                .collect();
            let fast = weighted_median(&mut pairs.clone());
            let slow = weighted_median_by_sorting(&mut pairs.clone());
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn weighted_median_cases() {
        assert_eq!(
            weighted_median(&mut [(4.0, 1.0), (1.0, 1.0), (3.0, 1.0), (2.0, 1.0)]),
            Some(2.5)
        );
        assert_eq!(
            weighted_median(&mut [(1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]),
            Some(2.0)
        );
        // 160 holds 3 of 4 seconds.
        assert_eq!(
            weighted_median(&mut [(170.0, 1.0), (160.0, 3.0)]),
            Some(160.0)
        );
        assert_eq!(weighted_median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 10.0]), Some(2.5));
    }
}
