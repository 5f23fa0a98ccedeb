//! Moving versus paused time. The device timer decides first (a stopped timer
//! is never moving), then speed: standing at a crossing with the timer running
//! is not running either. Long gaps between samples (GPS loss, smart recording
//! across a stop) count as moving only up to a cap, so a forgotten-pause gap
//! cannot inflate moving time.

use crate::activity::Pause;

use super::dropouts;

/// Seconds each sample stands for once timer pauses are cut out: the interval
/// `(t[i-1], t[i]]` minus its overlap with any pause, capped at `max_gap_s`.
/// The first sample stands for no time.
pub fn active_dt_s(time_s: &[f64], pauses: &[Pause], max_gap_s: f64) -> Vec<f64> {
    let mut sorted: Vec<Pause> = pauses
        .iter()
        .copied()
        .filter(|p| p.start_s.is_finite() && p.end_s.is_finite() && p.end_s > p.start_s)
        .collect();
    sorted.sort_unstable_by(|a, b| a.start_s.total_cmp(&b.start_s));
    let mut out = Vec::with_capacity(time_s.len());
    let mut first_pause = 0;
    for (i, &t) in time_s.iter().enumerate() {
        if i == 0 {
            out.push(0.0);
            continue;
        }
        let t0 = time_s[i - 1];
        let raw = t - t0;
        if !(raw.is_finite() && raw > 0.0) {
            out.push(0.0);
            continue;
        }
        // Time never decreases, so pauses ending before t0 are done with for good.
        while first_pause < sorted.len() && sorted[first_pause].end_s <= t0 {
            first_pause += 1;
        }
        let mut paused = 0.0;
        for p in &sorted[first_pause..] {
            if p.start_s >= t {
                break;
            }
            paused += (p.end_s.min(t) - p.start_s.max(t0)).max(0.0);
        }
        out.push((raw - paused).clamp(0.0, max_gap_s));
    }
    out
}

/// Whether a sample with running timer is moving. Clean speed decides when
/// known; else a recorded cadence (a footfall means running); else the timer.
pub fn is_moving(speed_mps: f64, cadence_spm: Option<f64>, min_speed_mps: f64) -> bool {
    if speed_mps.is_finite() {
        speed_mps >= min_speed_mps
    } else if let Some(c) = cadence_spm {
        dropouts::valid_cadence(c)
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_are_cut_and_gaps_capped() {
        let t = [0.0, 1.0, 2.0, 62.0, 63.0, 70.0, 71.0];
        // Timer stopped from 2 to 62 (fully inside one interval) and 69.5 to 70.
        let pauses = [
            Pause {
                start_s: 69.5,
                end_s: 70.0,
            },
            Pause {
                start_s: 2.0,
                end_s: 62.0,
            },
        ];
        let dt = active_dt_s(&t, &pauses, 5.0);
        assert_eq!(dt, vec![0.0, 1.0, 1.0, 0.0, 1.0, 5.0, 1.0]);
        // 63→70 is 7 s with 0.5 s paused = 6.5 s, capped at 5.
        let dt = active_dt_s(&t, &pauses, 10.0);
        assert_eq!(dt[5], 6.5);
    }

    #[test]
    fn duplicate_timestamps_stand_for_nothing() {
        assert_eq!(
            active_dt_s(&[0.0, 1.0, 1.0, 2.0], &[], 10.0),
            vec![0.0, 1.0, 0.0, 1.0]
        );
    }

    #[test]
    fn speed_then_cadence_then_timer() {
        assert!(is_moving(2.0, Some(0.0), 0.5));
        assert!(!is_moving(0.4, Some(170.0), 0.5));
        assert!(is_moving(f64::NAN, Some(170.0), 0.5));
        assert!(!is_moving(f64::NAN, Some(0.0), 0.5));
        assert!(is_moving(f64::NAN, None, 0.5));
    }
}
