//! `truth.json`: what the generated files contain and what a correct
//! analysis must conclude, computed from the simulated samples themselves
//! (the same quantized values the files store), never typed in by hand.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, FixedOffset, NaiveDate, Offset, Utc};
use serde::{Deserialize, Serialize};

use crate::findings::Cause;
use crate::profile::AthleteProfile;

use super::scenario::{RunKind, Scenario, file_names, iso_week_label};
use super::simulate::SimRun;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub athlete: String,
    pub timezone: String,
    pub generator: String,
    /// What the athlete would tell heavylegs (HR anchors, zone, height); pass it as the profile.
    pub profile: AthleteProfile,
    /// Every ISO week from the first run's week to the last run's, empty weeks included.
    pub weeks: Vec<WeekTruth>,
    pub runs: Vec<RunTruth>,
    /// Groups of files that hold the same run; each group counts once.
    pub duplicates: Vec<Vec<String>>,
    pub patterns: Vec<PatternTruth>,
    /// Verdicts over the whole history.
    pub flagged: Vec<Cause>,
    pub clear: Vec<Cause>,
    /// Not measurable from watch data: a report must not flag these.
    pub not_flagged: Vec<Cause>,
    pub notes: BTreeMap<String, String>,
    /// What the athlete's Garmin export (sleep, resting HR, HRV, gear) holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wellness: Option<super::garmin_export::WellnessTruth>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekTruth {
    pub week: String,
    pub start: NaiveDate,
    /// Sum of the runs' distances (duplicates once), km, rounded to 0.01.
    pub distance_km: f64,
    pub runs: u32,
    pub run_days: u32,
    pub rest_days: u32,
    pub longest_run_km: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunTruth {
    pub id: String,
    pub files: Vec<String>,
    pub kind: RunKind,
    /// Local ISO week and date of the start.
    pub week: String,
    pub local_date: NaiveDate,
    /// RFC 3339 with the local offset.
    pub local_start: String,
    pub start_utc: String,
    pub utc_offset_s: i32,
    pub distance_km: f64,
    /// Elapsed seconds (first to last sample) and timer seconds (pauses excluded).
    pub duration_s: u32,
    pub timer_s: u32,
    pub mean_cadence_spm: f64,
    pub mean_heart_rate_bpm: f64,
    pub temperature_c: f64,
    /// Easy running before the first hard segment, s (hard runs only).
    pub warm_up_s: Option<f64>,
    pub running_dynamics: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternTruth {
    pub kind: String,
    pub weeks: Vec<String>,
    /// Files carrying the pattern (FIT name, or GPX name for GPX-only runs).
    pub runs: Vec<String>,
    pub flagged: Vec<Cause>,
    pub clear: Vec<Cause>,
    /// Numbers a correct analysis should reproduce (names carry units; see `definitions`).
    pub expected: BTreeMap<String, f64>,
    pub note: String,
}

/// Rounds to 0.01 (and turns the empty sum's −0.0 into 0.0).
fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Friel's aerobic decoupling: (speed/HR) of the first half vs the second half, %.
pub fn decoupling_pct(run: &SimRun) -> f64 {
    let half = run.duration_s() / 2;
    let ef = |pick: &dyn Fn(u32) -> bool| {
        let (mut v, mut h) = (0.0, 0.0);
        for s in run.samples.iter().filter(|s| pick(s.t_s)) {
            v += s.speed_mps;
            h += s.heart_rate_bpm;
        }
        v / h
    };
    let first = ef(&|t| t < half);
    let second = ef(&|t| t >= half);
    (first - second) / first * 100.0
}

/// Speed drop of the last 25 % of the time against the first 25 %, %.
pub fn pace_fade_pct(run: &SimRun) -> f64 {
    let d = run.duration_s() as f64;
    let mean_speed = |lo: f64, hi: f64| {
        let v: Vec<f64> = run
            .samples
            .iter()
            .filter(|s| (s.t_s as f64) >= lo && (s.t_s as f64) < hi)
            .map(|s| s.speed_mps)
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let first = mean_speed(0.0, d * 0.25);
    let last = mean_speed(d * 0.75, d + 1.0);
    (first - last) / first * 100.0
}

fn mean_cadence(run: &SimRun) -> f64 {
    run.totals().mean_cadence_spm
}

/// Mean step length over the run, m (speed ÷ steps per second).
fn step_length_m(run: &SimRun) -> f64 {
    let v: Vec<f64> = run
        .samples
        .iter()
        .filter(|s| s.cadence_spm > 0.0)
        .map(|s| s.speed_mps * 60.0 / s.cadence_spm)
        .collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Builds the truth from the scenario and its simulated runs (same order).
pub fn build(scenario: &Scenario, sims: &[SimRun]) -> Truth {
    let mut runs = Vec::new();
    let mut daily_km: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut daily_runs: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    let mut longest: BTreeMap<String, f64> = BTreeMap::new();
    let mut duplicates = Vec::new();
    let mut by_id: BTreeMap<&str, (&SimRun, &RunTruth)> = BTreeMap::new();

    for (plan, sim) in scenario.runs.iter().zip(sims) {
        let off = FixedOffset::east_opt(sim.utc_offset_s).unwrap_or_else(|| Utc.fix());
        let local = sim.start_utc.with_timezone(&off);
        let date = local.date_naive();
        let files = file_names(plan);
        if files.len() > 1 {
            duplicates.push(files.clone());
        }
        // Distance as the FIT session stores it (cm).
        let km = sim.totals().distance_cm as f64 / 100_000.0;
        *daily_km.entry(date).or_default() += km;
        *daily_runs.entry(date).or_default() += 1;
        let week = iso_week_label(date);
        let l = longest.entry(week.clone()).or_default();
        *l = l.max(km);
        let warm_up_s = plan.kind.is_hard().then(|| match plan.kind {
            RunKind::Tempo => plan.segments.first().map_or(0.0, |s| s.duration_s),
            _ => 0.0,
        });
        runs.push(RunTruth {
            id: plan.id.clone(),
            files,
            kind: plan.kind,
            week,
            local_date: date,
            local_start: local.to_rfc3339(),
            start_utc: sim.start_utc.to_rfc3339(),
            utc_offset_s: sim.utc_offset_s,
            distance_km: r2(km),
            duration_s: sim.duration_s(),
            timer_s: sim.timer_s(),
            mean_cadence_spm: r1(mean_cadence(sim)),
            mean_heart_rate_bpm: r1(sim.totals().mean_heart_rate_bpm),
            temperature_c: r1(sim.totals().mean_temperature_c),
            warm_up_s,
            running_dynamics: plan.dynamics,
        });
    }
    for (plan, sim) in scenario.runs.iter().zip(sims) {
        if let Some(rt) = runs.iter().find(|r| r.id == plan.id) {
            by_id.insert(plan.id.as_str(), (sim, rt));
        }
    }

    // Weeks: first Monday to last Sunday, no gaps.
    let mut weeks = Vec::new();
    if let (Some(first), Some(last)) = (daily_km.keys().next(), daily_km.keys().next_back()) {
        use chrono::Datelike;
        let mut monday = *first - Duration::days(first.weekday().num_days_from_monday() as i64);
        while monday <= *last {
            let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
            let km: f64 = days.iter().filter_map(|d| daily_km.get(d)).sum();
            let n: u32 = days.iter().filter_map(|d| daily_runs.get(d)).sum();
            let run_days = days.iter().filter(|d| daily_runs.contains_key(d)).count() as u32;
            let label = iso_week_label(monday);
            weeks.push(WeekTruth {
                longest_run_km: r2(longest.get(&label).copied().unwrap_or(0.0)),
                week: label,
                start: monday,
                distance_km: r2(km),
                runs: n,
                run_days,
                rest_days: 7 - run_days,
            });
            monday += Duration::days(7);
        }
    }
    let week_km = |label: &str| {
        weeks
            .iter()
            .find(|w| w.week == label)
            .map(|w| w.distance_km)
    };
    let week_index = |label: &str| weeks.iter().position(|w| w.week == label);
    // Uncoupled acute:chronic: the week's distance over the mean of the 3 weeks before it.
    let acwr = |label: &str| {
        let i = week_index(label)?;
        if i < 3 {
            return None;
        }
        let chronic = weeks[i - 3..i].iter().map(|w| w.distance_km).sum::<f64>() / 3.0;
        Some(weeks[i].distance_km / chronic)
    };

    let file_of = |id: &str| {
        by_id
            .get(id)
            .map(|(_, r)| r.files[0].clone())
            .unwrap_or_default()
    };
    let mut patterns = Vec::new();
    for p in &scenario.patterns {
        let mut expected = BTreeMap::new();
        let first_week = p.weeks.first().cloned().unwrap_or_default();
        match p.kind.as_str() {
            "ramp" => {
                for w in &p.weeks {
                    if let (Some(i), Some(km)) = (week_index(w), week_km(w))
                        && i > 0
                    {
                        let prev = weeks[i - 1].distance_km;
                        expected.insert(format!("{w}.distance_km"), km);
                        expected.insert(format!("{w}.ramp_pct"), r1((km / prev - 1.0) * 100.0));
                        if let Some(a) = acwr(w) {
                            expected.insert(format!("{w}.acwr_uncoupled_3wk"), r2(a));
                        }
                    }
                }
            }
            "no_rest_days" => {
                for w in &p.weeks {
                    let Some(i) = week_index(w) else { continue };
                    let days: Vec<f64> = (0..7)
                        .map(|d| {
                            daily_km
                                .get(&(weeks[i].start + Duration::days(d)))
                                .copied()
                                .unwrap_or(0.0)
                        })
                        .collect();
                    let mean = days.iter().sum::<f64>() / 7.0;
                    let sd = (days.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 7.0).sqrt();
                    expected.insert(format!("{w}.rest_days"), weeks[i].rest_days as f64);
                    if sd > 0.0 {
                        expected.insert(format!("{w}.monotony_distance"), r2(mean / sd));
                    }
                }
                // Longest streak of consecutive run days inside the pattern weeks.
                let mut best = 0u32;
                let mut cur = 0u32;
                let mut prev: Option<NaiveDate> = None;
                for d in daily_km
                    .keys()
                    .filter(|d| p.weeks.contains(&iso_week_label(**d)))
                {
                    cur = if prev.is_some_and(|p| *d == p + Duration::days(1)) {
                        cur + 1
                    } else {
                        1
                    };
                    best = best.max(cur);
                    prev = Some(*d);
                }
                expected.insert("streak_days".into(), best as f64);
            }
            "hot_long_run" => {
                if let Some((sim, rt)) = p.runs.first().and_then(|id| by_id.get(id.as_str())) {
                    expected.insert("duration_min".into(), r1(sim.duration_s() as f64 / 60.0));
                    expected.insert("temperature_c".into(), rt.temperature_c);
                    expected.insert("decoupling_pct".into(), r1(decoupling_pct(sim)));
                    expected.insert("pace_fade_pct".into(), r1(pace_fade_pct(sim)));
                }
                if let Some((sim, _)) = scenario
                    .runs
                    .iter()
                    .zip(sims)
                    .find(|(pl, s)| pl.kind == RunKind::Long && s.duration_s() >= 5400)
                    .and_then(|(pl, _)| by_id.get(pl.id.as_str()))
                {
                    expected.insert(
                        "control_cool_long_run_decoupling_pct".into(),
                        r1(decoupling_pct(sim)),
                    );
                }
            }
            "comeback" => {
                let dates: Vec<NaiveDate> = daily_km.keys().copied().collect();
                if let Some((a, b)) = dates
                    .windows(2)
                    .map(|w| (w[0], w[1]))
                    .max_by_key(|(a, b)| (*b - *a).num_days())
                {
                    let gap_from = a + Duration::days(1);
                    let gap_days = (b - a).num_days() - 1;
                    expected.insert("break_days".into(), gap_days as f64);
                    let pre: f64 = daily_km
                        .range(gap_from - Duration::days(28)..gap_from)
                        .map(|(_, km)| km)
                        .sum();
                    let pre_weekly = pre / 4.0;
                    expected.insert("pre_break_weekly_km_28d".into(), r2(pre_weekly));
                    let best = p
                        .weeks
                        .iter()
                        .filter_map(|w| week_km(w))
                        .fold(0.0, f64::max);
                    expected.insert("max_return_week_km".into(), best);
                    expected.insert("return_ratio".into(), r2(best / pre_weekly));
                }
                for w in &p.weeks {
                    if let Some(a) = acwr(w) {
                        expected.insert(format!("{w}.acwr_uncoupled_3wk"), r2(a));
                    }
                }
            }
            "low_easy_cadence" => {
                let ids: BTreeSet<&str> = p.runs.iter().map(String::as_str).collect();
                let (mut low, mut other) = (Vec::new(), Vec::new());
                let (mut low_sl, mut other_sl) = (Vec::new(), Vec::new());
                for (pl, sim) in scenario.runs.iter().zip(sims) {
                    if ids.contains(pl.id.as_str()) {
                        low.push(mean_cadence(sim));
                        low_sl.push(step_length_m(sim));
                    } else if pl.kind == RunKind::Easy {
                        other.push(mean_cadence(sim));
                        other_sl.push(step_length_m(sim));
                    }
                }
                let m = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
                expected.insert("mean_cadence_spm".into(), r1(m(&low)));
                expected.insert("other_easy_runs_mean_cadence_spm".into(), r1(m(&other)));
                expected.insert("step_length_m".into(), r2(m(&low_sl)));
                expected.insert("other_easy_runs_step_length_m".into(), r2(m(&other_sl)));
            }
            "no_warm_up" => {
                expected.insert("warm_up_s".into(), 0.0);
                expected.insert("earlier_hard_runs_warm_up_s".into(), 600.0);
            }
            _ => {
                for w in &p.weeks {
                    if let Some(km) = week_km(w) {
                        expected.insert(format!("{w}.distance_km"), km);
                    }
                }
            }
        }
        let _ = first_week;
        patterns.push(PatternTruth {
            kind: p.kind.clone(),
            weeks: p.weeks.clone(),
            runs: p.runs.iter().map(|id| file_of(id)).collect(),
            flagged: p.flagged.clone(),
            clear: p.clear.clone(),
            expected,
            note: p.note.clone(),
        });
    }

    let mut notes = scenario.notes.clone();
    notes.insert(
        "definitions".into(),
        "week = local ISO week (Monday start); distance = FIT session total_distance (GPX: track length); \
         acwr_uncoupled_3wk = week km / mean km of the 3 weeks before; monotony_distance = mean/SD (population) \
         of the 7 daily km; decoupling_pct = Friel halves of mean speed / mean HR over the whole run; \
         pace_fade_pct = speed drop of the last 25 % of the time vs the first 25 %"
            .into(),
    );

    Truth {
        athlete: scenario.athlete.clone(),
        timezone: scenario.timezone.clone(),
        generator: format!("heavylegs demo generator v1, seed {:#x}", scenario.seed),
        profile: AthleteProfile {
            name: scenario.athlete.clone(),
            // Built-in scenario zones; `simulate_all` refuses an unknown one first.
            timezone: scenario.timezone.parse().ok(),
            height_cm: Some(scenario.height_cm),
            max_hr_bpm: Some(scenario.runner.max_hr_bpm),
            resting_hr_bpm: Some(scenario.runner.resting_hr_bpm),
            threshold_hr_bpm: None,
            shoes: Vec::new(),
            journal: Vec::new(),
        },
        weeks,
        runs,
        duplicates,
        patterns,
        flagged: scenario.flagged.clone(),
        clear: scenario.clear.clone(),
        not_flagged: scenario.not_flagged.clone(),
        notes,
        wellness: None,
    }
}
