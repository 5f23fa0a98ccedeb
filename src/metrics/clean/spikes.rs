//! GPS spikes: a fix that lands hundreds of metres off, or a speed sample no
//! runner can produce. Such samples are dropped from everything derived from
//! speed or distance (mean speed, step length from speed, speed bins, pace
//! fade, decoupling) and counted, so a report can say how much was removed.
//!
//! A sample is a spike when its recorded speed, the speed implied by its
//! distance increment, or the speed implied by its position jump from the last
//! accepted fix exceeds the plausible maximum.

use crate::activity::Series;

/// Speeds with spikes removed, plus the distance they leave.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanSpeed {
    /// Per sample, m/s: the recorded speed, else Δdistance/Δt, else position
    /// change/Δt; `NaN` when unknown or a spike.
    pub speed_mps: Vec<f64>,
    pub spikes: u32,
    /// Σ distance increments with spike increments dropped; `None` when the
    /// series holds neither distance nor positions.
    pub distance_m: Option<f64>,
}

/// After this many rejections in a row the last accepted fix is taken to be
/// the bad one, and the current fix becomes the new reference.
const MAX_CONSECUTIVE_REJECTS: u32 = 3;

/// Great-circle distance, m (haversine on a 6 371 008.8 m mean-radius sphere).
pub fn haversine_m(lat1_deg: f64, lon1_deg: f64, lat2_deg: f64, lon2_deg: f64) -> f64 {
    const R_M: f64 = 6_371_008.8;
    let (p1, p2) = (lat1_deg.to_radians(), lat2_deg.to_radians());
    let dp = p2 - p1;
    let dl = (lon2_deg - lon1_deg).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R_M * a.sqrt().min(1.0).asin()
}

pub fn clean_speed(series: &Series, max_speed_mps: f64) -> CleanSpeed {
    let n = series.len();
    let t = &series.time_s;
    let speed = series.speed_mps.as_deref();
    let dist = series.distance_m.as_deref();
    let pos = series.lat_deg.as_deref().zip(series.lon_deg.as_deref());

    let mut out = Vec::with_capacity(n);
    let mut spikes = 0u32;
    let mut total_m = 0.0;
    let mut have_distance = false;
    // Last finite cumulative distance (value, time).
    let mut last_d: Option<(f64, f64)> = None;
    // Last accepted fix (lat, lon, time) and how many fixes were rejected since.
    let mut last_fix: Option<(f64, f64, f64)> = None;
    let mut rejects = 0u32;

    for i in 0..n {
        let ti = t[i];
        let mut spike = false;
        let recorded = speed.map_or(f64::NAN, |s| s[i]);
        if recorded.is_finite() && recorded > max_speed_mps {
            spike = true;
        }

        let mut dist_inc = f64::NAN;
        let mut dist_speed = f64::NAN;
        if let Some(d) = dist {
            let di = d[i];
            if di.is_finite() {
                if let Some((d0, t0)) = last_d {
                    let inc = (di - d0).max(0.0);
                    dist_inc = inc;
                    let dt = ti - t0;
                    if dt > 0.0 {
                        dist_speed = inc / dt;
                        if dist_speed > max_speed_mps {
                            spike = true;
                        }
                    }
                }
                last_d = Some((di, ti));
            }
        }

        let mut pos_inc = f64::NAN;
        let mut pos_speed = f64::NAN;
        if let Some((lat, lon)) = pos {
            let (la, lo) = (lat[i], lon[i]);
            if la.is_finite() && lo.is_finite() {
                match last_fix {
                    None => last_fix = Some((la, lo, ti)),
                    Some((la0, lo0, t0)) => {
                        let d = haversine_m(la0, lo0, la, lo);
                        let dt = ti - t0;
                        let jump = dt > 0.0 && d / dt > max_speed_mps;
                        if jump && rejects < MAX_CONSECUTIVE_REJECTS {
                            rejects += 1;
                            spike = true;
                        } else {
                            if !jump && dt > 0.0 {
                                pos_speed = d / dt;
                                pos_inc = d;
                            }
                            rejects = 0;
                            last_fix = Some((la, lo, ti));
                        }
                    }
                }
            }
        }

        let inc = if dist.is_some() { dist_inc } else { pos_inc };
        if dist.is_some() || pos.is_some() {
            have_distance = true;
        }
        if spike {
            spikes += 1;
            out.push(f64::NAN);
            continue;
        }
        if inc.is_finite() {
            total_m += inc;
        }
        let v = if recorded.is_finite() {
            recorded
        } else if dist_speed.is_finite() {
            dist_speed
        } else {
            pos_speed
        };
        out.push(v);
    }
    CleanSpeed {
        speed_mps: out,
        spikes,
        distance_m: have_distance.then_some(total_m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(t: &[f64]) -> Series {
        Series {
            time_s: t.to_vec(),
            ..Series::default()
        }
    }

    #[test]
    fn recorded_speed_spike_is_dropped() {
        let mut s = series(&[0.0, 1.0, 2.0, 3.0]);
        s.speed_mps = Some(vec![3.0, 3.0, 25.0, 3.0]);
        s.distance_m = Some(vec![0.0, 3.0, 6.0, 9.0]);
        let c = clean_speed(&s, 10.0);
        assert_eq!(c.spikes, 1);
        assert!(c.speed_mps[2].is_nan());
        assert_eq!(c.speed_mps[3], 3.0);
        // Increments 3 + (spike) + 3.
        assert_eq!(c.distance_m, Some(6.0));
    }

    #[test]
    fn distance_jump_is_a_spike_and_its_increment_is_dropped() {
        let mut s = series(&[0.0, 1.0, 2.0, 3.0]);
        s.distance_m = Some(vec![0.0, 3.0, 503.0, 506.0]);
        let c = clean_speed(&s, 10.0);
        assert_eq!(c.spikes, 1);
        assert!(c.speed_mps[0].is_nan());
        assert_eq!(c.speed_mps[1], 3.0);
        assert!(c.speed_mps[2].is_nan());
        assert_eq!(c.speed_mps[3], 3.0);
        assert_eq!(c.distance_m, Some(6.0));
    }

    #[test]
    fn position_teleport_is_rejected_against_last_good_fix() {
        // 0.0001° latitude ≈ 11.12 m; the third fix jumps ~1.1 km north and back.
        let mut s = series(&[0.0, 5.0, 10.0, 15.0]);
        s.lat_deg = Some(vec![0.0, 0.0001, 0.0101, 0.0002]);
        s.lon_deg = Some(vec![0.0, 0.0, 0.0, 0.0]);
        let c = clean_speed(&s, 10.0);
        assert_eq!(c.spikes, 1);
        assert!(c.speed_mps[2].is_nan());
        let step_m = haversine_m(0.0, 0.0, 0.0001, 0.0);
        assert!((step_m - 11.119).abs() < 0.01, "{step_m}");
        assert!((c.speed_mps[1] - step_m / 5.0).abs() < 1e-9);
        // Fix 3 is measured from fix 1 (the last accepted) over 10 s.
        assert!((c.speed_mps[3] - step_m / 10.0).abs() < 1e-6);
        assert!((c.distance_m.unwrap() - 2.0 * step_m).abs() < 1e-6);
    }

    #[test]
    fn no_distance_source_gives_none() {
        let mut s = series(&[0.0, 1.0]);
        s.speed_mps = Some(vec![3.0, 3.0]);
        let c = clean_speed(&s, 10.0);
        assert_eq!(c.distance_m, None);
        assert_eq!(c.speed_mps, vec![3.0, 3.0]);
    }
}
