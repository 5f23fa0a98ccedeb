//! Turns a [`RunPlan`] into samples: speed, distance, position on a loop,
//! heart rate with a physiological lag, cadence from the runner's own
//! cadence~speed line, and running dynamics derived from those.
//!
//! Every value is quantized here to what the files can store (cm, whole bpm,
//! 1/128 stride, mm/s), so the FIT file, the GPX file and `truth.json` all
//! describe exactly the same run.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::DemoError;
use super::rng::Rng;
use super::scenario::{RunPlan, Runner};

/// Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
pub const FIT_EPOCH_OFFSET_S: i64 = 631_065_600;

/// FIT `date_time`: seconds since 1989-12-31T00:00:00Z.
pub fn fit_timestamp(t: DateTime<Utc>) -> i64 {
    t.timestamp() - FIT_EPOCH_OFFSET_S
}

/// Mean Earth radius (IUGG), m; the loop geometry and the tests' haversine share it.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Debug, Clone, PartialEq)]
pub struct Dynamics {
    pub vertical_oscillation_mm: f64,
    pub stance_time_ms: f64,
    pub stance_balance_pct: f64,
    pub step_length_mm: f64,
    pub vertical_ratio_pct: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Seconds since the run's start.
    pub t_s: u32,
    pub lat_deg: f64,
    pub lon_deg: f64,
    pub distance_m: f64,
    pub speed_mps: f64,
    pub altitude_m: f64,
    pub heart_rate_bpm: f64,
    pub cadence_spm: f64,
    pub temperature_c: f64,
    pub dynamics: Option<Dynamics>,
}

/// A simulated run, ready to be written in any format.
#[derive(Debug, Clone)]
pub struct SimRun {
    pub start_utc: DateTime<Utc>,
    /// Local time minus UTC at the start, seconds (DST-aware).
    pub utc_offset_s: i32,
    pub samples: Vec<Sample>,
    /// Timer stops as (stop, restart) seconds since the start.
    pub pauses: Vec<(u32, u32)>,
}

/// Totals as the FIT session stores them.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub distance_cm: u32,
    pub duration_s: u32,
    pub timer_s: u32,
    pub mean_speed_mps: f64,
    pub mean_heart_rate_bpm: f64,
    pub max_heart_rate_bpm: f64,
    pub mean_cadence_spm: f64,
    pub mean_temperature_c: f64,
}

/// An auto-lap (every full kilometre, plus the remainder).
#[derive(Debug, Clone, PartialEq)]
pub struct LapTotals {
    pub start_s: u32,
    pub end_s: u32,
    pub timer_s: u32,
    pub distance_m: f64,
    pub mean_heart_rate_bpm: f64,
    pub mean_cadence_spm: f64,
}

fn mean(it: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = it.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { s / n as f64 }
}

impl SimRun {
    pub fn duration_s(&self) -> u32 {
        self.samples.last().map_or(0, |s| s.t_s)
    }

    /// Seconds of stopped timer between two elapsed times.
    pub fn paused_between_s(&self, from_s: u32, to_s: u32) -> u32 {
        self.pauses
            .iter()
            .map(|&(a, b)| b.min(to_s).saturating_sub(a.max(from_s)))
            .sum()
    }

    pub fn timer_s(&self) -> u32 {
        self.duration_s() - self.paused_between_s(0, self.duration_s())
    }

    pub fn distance_m(&self) -> f64 {
        self.samples.last().map_or(0.0, |s| s.distance_m)
    }

    pub fn totals(&self) -> Totals {
        let s = &self.samples;
        let duration_s = self.duration_s();
        let timer_s = self.timer_s();
        let distance_m = self.distance_m();
        Totals {
            distance_cm: (distance_m * 100.0).round() as u32,
            duration_s,
            timer_s,
            mean_speed_mps: if timer_s > 0 {
                distance_m / timer_s as f64
            } else {
                0.0
            },
            mean_heart_rate_bpm: mean(s.iter().map(|x| x.heart_rate_bpm)),
            max_heart_rate_bpm: s.iter().map(|x| x.heart_rate_bpm).fold(0.0, f64::max),
            mean_cadence_spm: mean(s.iter().map(|x| x.cadence_spm)),
            mean_temperature_c: mean(s.iter().map(|x| x.temperature_c)),
        }
    }

    pub fn laps(&self) -> Vec<LapTotals> {
        let mut laps = Vec::new();
        let mut start = 0usize;
        let mut next_km = 1000.0;
        for (i, s) in self.samples.iter().enumerate() {
            let last = i + 1 == self.samples.len();
            if (s.distance_m >= next_km || last) && i > start {
                let part = &self.samples[start..=i];
                laps.push(LapTotals {
                    start_s: self.samples[start].t_s,
                    end_s: s.t_s,
                    timer_s: s.t_s
                        - self.samples[start].t_s
                        - self.paused_between_s(self.samples[start].t_s, s.t_s),
                    distance_m: s.distance_m - self.samples[start].distance_m,
                    mean_heart_rate_bpm: mean(part.iter().map(|x| x.heart_rate_bpm)),
                    mean_cadence_spm: mean(part.iter().map(|x| x.cadence_spm)),
                });
                start = i;
                while next_km <= s.distance_m {
                    next_km += 1000.0;
                }
            }
        }
        laps
    }
}

/// Cadence the way a FIT record stores it (whole strides + 1/128), back in steps/min.
fn quantize_cadence(spm: f64) -> f64 {
    let (whole, frac) = spm_to_strides(spm);
    2.0 * (whole as f64 + frac as f64 / 128.0)
}

/// Simulates one planned run. The same plan and seed always give the same samples.
pub fn simulate(
    plan: &RunPlan,
    runner: &Runner,
    tz: Tz,
    home: (f64, f64),
    seed: u64,
) -> Result<SimRun, DemoError> {
    let local = tz
        .from_local_datetime(&plan.local_start)
        .single()
        .ok_or_else(|| DemoError::Scenario(format!("{}: local start is ambiguous", plan.id)))?;
    let start_utc = local.with_timezone(&Utc);
    let utc_offset_s = local.offset().fix().local_minus_utc();
    let mut rng = Rng::new(seed);

    let total_s: f64 = plan.segments.iter().map(|s| s.duration_s).sum();
    let total_s = total_s.round() as u32;
    if total_s == 0 {
        return Err(DemoError::Scenario(format!("{}: no segments", plan.id)));
    }
    let interval = plan.sample_interval_s.max(1);

    // Loop of ~1.2 km radius around home, each run starting at its own angle.
    let radius_m = 1200.0;
    let theta0 = rng.uniform(0.0, std::f64::consts::TAU);
    let (lat0, lon0) = home;
    let lat0_rad = lat0.to_radians();

    let mut distance = 0.0f64;
    let mut hr = runner.resting_hr_bpm + 25.0;
    let mut speed_noise = 0.0f64;
    let mut samples = Vec::with_capacity((total_s / interval + 2) as usize);
    let hr_lag = (-1.0f64 / 25.0).exp();

    for t in 0..=total_s {
        // Locate the segment and the fraction through it.
        let (seg, frac) = {
            let mut acc = 0.0;
            let mut found = (&plan.segments[plan.segments.len() - 1], 1.0);
            for seg in &plan.segments {
                if (t as f64) < acc + seg.duration_s {
                    found = (seg, (t as f64 - acc) / seg.duration_s);
                    break;
                }
                acc += seg.duration_s;
            }
            found
        };
        let base_speed = seg.speed_start_mps + (seg.speed_end_mps - seg.speed_start_mps) * frac;
        speed_noise = 0.9 * speed_noise + 0.1 * rng.uniform(-0.06, 0.06);
        let speed = base_speed * (1.0 + speed_noise);
        let hr_target = seg.hr_start_bpm + (seg.hr_end_bpm - seg.hr_start_bpm) * frac;
        hr = hr_target + (hr - hr_target) * hr_lag;
        if t > 0 {
            distance += speed;
        }
        let (pause_at, pause_len) = plan.pause.unwrap_or((u32::MAX, 0));
        if t == pause_at.saturating_add(1) {
            // Standing at the light: HR falls a little before running on.
            hr -= 15.0;
        }
        let elapsed = if t > pause_at { t + pause_len } else { t };
        let pause_edge = t == pause_at || t == pause_at.saturating_add(1);
        if t % interval != 0 && t != total_s && !pause_edge {
            continue;
        }
        let theta = theta0 + distance / radius_m;
        let lat = lat0 + (radius_m * theta.cos() / EARTH_RADIUS_M).to_degrees();
        let lon = lon0 + (radius_m * theta.sin() / (EARTH_RADIUS_M * lat0_rad.cos())).to_degrees();
        let cadence =
            runner.cadence_at(base_speed) + seg.cadence_shift_spm + rng.uniform(-1.0, 1.0);
        let cadence = quantize_cadence(cadence);
        let speed_q = (speed * 1000.0).round() / 1000.0;
        let temperature = (plan.temperature_c + rng.uniform(-0.6, 0.6)).round();
        let dynamics = plan.dynamics.then(|| {
            let step_length_mm = (speed_q * 60.0 / cadence * 10_000.0).round() / 10.0;
            let vo = (runner.vertical_oscillation_mm
                + 0.25 * (runner.easy_cadence_spm - cadence)
                + rng.uniform(-2.0, 2.0)
                + seg.fatigue * 6.0 * frac)
                * 10.0;
            let vo = vo.round() / 10.0;
            let gct = (runner.stance_time_ms - 45.0 * (base_speed - runner.easy_speed_mps)
                + 1.5 * (runner.easy_cadence_spm - cadence)
                + rng.uniform(-4.0, 4.0)
                + seg.fatigue * 15.0 * frac)
                .round();
            Dynamics {
                vertical_oscillation_mm: vo,
                stance_time_ms: gct,
                stance_balance_pct: ((50.2 + rng.uniform(-0.4, 0.4)) * 100.0).round() / 100.0,
                step_length_mm,
                vertical_ratio_pct: (vo / step_length_mm * 10_000.0).round() / 100.0,
            }
        });
        samples.push(Sample {
            t_s: elapsed,
            lat_deg: lat,
            lon_deg: lon,
            distance_m: (distance * 100.0).round() / 100.0,
            speed_mps: speed_q,
            altitude_m: ((150.0 + 8.0 * theta.sin() + 3.0 * (3.0 * theta).sin()) * 5.0).round()
                / 5.0,
            heart_rate_bpm: (hr + rng.uniform(-1.0, 1.0)).round(),
            cadence_spm: cadence,
            temperature_c: temperature,
            dynamics,
        });
    }
    let pauses = match plan.pause {
        Some((at, len)) if at < total_s => vec![(at, at + len)],
        _ => Vec::new(),
    };
    Ok(SimRun {
        start_utc,
        utc_offset_s,
        samples,
        pauses,
    })
}

/// FIT running cadence: whole strides/min of one foot plus the 1/128 fraction.
pub fn spm_to_strides(spm: f64) -> (u8, u8) {
    let strides = (spm / 2.0).max(0.0);
    let mut whole = strides.floor();
    let mut frac = ((strides - whole) * 128.0).round();
    if frac >= 128.0 {
        whole += 1.0;
        frac = 0.0;
    }
    (whole.min(254.0) as u8, frac as u8)
}
