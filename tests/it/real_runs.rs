//! Intensity and form rules on three real runners' histories (one row per
//! run, `../shared/real-runs`): the easy/moderate/hard split from the max-HR
//! estimate, and how often the form rule flags a calendar month.
//! SKIP when the shared folder is absent.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use heavylegs::findings::{self, Cause, RunView, Status};
use heavylegs::metrics::intensity::{HrHistogram, rederive};
use heavylegs::metrics::{MetricsConfig, RunMetrics, athlete};
use heavylegs::profile::AthleteProfile;
use heavylegs::thresholds::Thresholds;

fn real_runs_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HEAVYLEGS_REAL_RUNS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-runs")),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_dir());
    if found.is_none() {
        println!(
            "SKIP: real runs not found (set HEAVYLEGS_REAL_RUNS or place them at ../shared/real-runs)"
        );
    }
    found
}

/// One CSV row as a metrics row. HR becomes a histogram around the mean
/// (a quarter 8 bpm below, a half at, a quarter 8 bpm above) plus 30 s at the
/// recorded max; running rows carry mean cadence and speed as their easy values.
fn row(header: &[&str], line: &str) -> Option<(NaiveDate, RunMetrics)> {
    let cells: BTreeMap<&str, &str> = header.iter().copied().zip(line.split(',')).collect();
    let num = |k: &str| cells.get(k).and_then(|v| v.parse::<f64>().ok());
    let date: NaiveDate = cells.get("local_date")?.parse().ok()?;
    let moving_s = num("moving_s")?;
    let km = num("distance_km")?;
    let start = Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0)?);
    let mut m = RunMetrics {
        path: format!("{date}-{}", cells.get("start_utc").copied().unwrap_or("")),
        start: Some(start),
        elapsed_s: num("elapsed_s").unwrap_or(moving_s),
        moving_s: Some(moving_s),
        distance_m: Some(km * 1000.0),
        mean_moving_speed_mps: (moving_s > 0.0).then(|| km * 1000.0 / moving_s),
        mean_heart_rate_bpm: num("mean_heart_rate_bpm"),
        max_heart_rate_bpm: num("max_heart_rate_bpm"),
        mean_cadence_spm: num("mean_cadence_spm"),
        step_length_m: num("step_length_m"),
        stance_time_ms: num("stance_time_ms"),
        vertical_oscillation_mm: num("vertical_oscillation_mm"),
        ..RunMetrics::default()
    };
    m.easy_cadence_spm = m.mean_cadence_spm;
    m.easy_speed_mps = m.mean_cadence_spm.and(m.mean_moving_speed_mps);
    m.vertical_ratio_pct = m
        .vertical_oscillation_mm
        .zip(m.step_length_m)
        .map(|(vo, sl)| vo / (sl * 1000.0) * 100.0);
    if let (Some(mean), Some(max)) = (m.mean_heart_rate_bpm, m.max_heart_rate_bpm) {
        let n = moving_s.round() as usize;
        let hr: Vec<f64> = (0..n)
            .map(|i| match i % 4 {
                0 => mean - 8.0,
                3 => mean + 8.0,
                _ => mean,
            })
            .chain(std::iter::repeat_n(max, 30))
            .collect();
        m.hr_histogram = HrHistogram::from_samples(&hr, &vec![1.0; hr.len()]);
    }
    Some((date, m))
}

fn runner(name: &str) -> Option<Vec<(NaiveDate, RunMetrics)>> {
    let text = std::fs::read_to_string(real_runs_dir()?.join(name)).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split(',').collect();
    Some(lines.filter_map(|l| row(&header, l)).collect())
}

/// Share of runs (≥ 10 min with HR) classed easy / moderate / hard after the estimate.
fn split(rows: &mut [(NaiveDate, RunMetrics)]) -> (f64, [f64; 3]) {
    let est = athlete::estimate_max_hr(rows.iter().map(|r| &r.1)).expect("enough HR runs");
    let cfg = MetricsConfig {
        observed_max_hr_bpm: Some(est.bpm),
        ..MetricsConfig::default()
    };
    let mut counts = [0.0; 3];
    for (_, m) in rows.iter_mut() {
        if m.hr_histogram.as_ref().is_none_or(|h| h.total_s() < 600.0) {
            continue;
        }
        rederive(m, &cfg);
        let s = m.intensity_s.expect("derived");
        let half = s.iter().sum::<f64>() / 2.0;
        let class = if s[0] >= half {
            0
        } else if s[0] + s[1] >= half {
            1
        } else {
            2
        };
        counts[class] += 1.0;
    }
    let n: f64 = counts.iter().sum();
    (est.bpm, counts.map(|c| c / n))
}

#[test]
fn real_runners_are_mostly_not_hard_against_an_estimated_max() {
    let mut hard_before = Vec::new();
    for name in ["runner-a.csv", "runner-b.csv", "runner-c.csv"] {
        let Some(mut rows) = runner(name) else {
            return;
        };
        // Before: each run against its own max, "hard" from 80 % of it.
        let with_hr: Vec<&RunMetrics> = rows
            .iter()
            .map(|r| &r.1)
            .filter(|m| {
                m.hr_histogram
                    .as_ref()
                    .is_some_and(|h| h.total_s() >= 600.0)
            })
            .collect();
        let before = with_hr
            .iter()
            .filter(|m| m.mean_heart_rate_bpm.unwrap() >= 0.8 * m.max_heart_rate_bpm.unwrap())
            .count() as f64
            / with_hr.len() as f64;
        let (max, [easy, moderate, hard]) = split(&mut rows);
        println!(
            "{name}: max HR {max:.0} bpm; easy {:.0} %, moderate {:.0} %, hard {:.0} % \
             (before: {:.0} % of runs at ≥ 80 % of their own max)",
            easy * 100.0,
            moderate * 100.0,
            hard * 100.0,
            before * 100.0
        );
        assert!((150.0..=215.0).contains(&max), "{name}: {max}");
        assert!(hard < 0.35, "{name}: {hard}");
        hard_before.push(before);
    }
    assert!(hard_before.iter().all(|b| *b > 0.9), "{hard_before:?}");
}

#[test]
fn form_flags_few_months_of_real_runners() {
    let t = Thresholds::default();
    let profile = AthleteProfile::default();
    for name in ["runner-a.csv", "runner-b.csv", "runner-c.csv"] {
        let Some(rows) = runner(name) else {
            return;
        };
        let mut months: BTreeMap<String, Vec<&(NaiveDate, RunMetrics)>> = BTreeMap::new();
        for r in &rows {
            months
                .entry(r.0.format("%Y-%m").to_string())
                .or_default()
                .push(r);
        }
        let (mut flagged, mut judged) = (0, 0);
        for runs in months.values() {
            let views: Vec<RunView> = runs
                .iter()
                .map(|(date, m)| RunView {
                    path: &m.path,
                    date: *date,
                    metrics: m,
                    cadence_residual_spm: None,
                    easy_hr_bpm: None,
                })
                .collect();
            let found = findings::evaluate(&findings::Inputs {
                runs: &views,
                ..findings::Inputs::new(&profile, &t)
            });
            let form = found.iter().find(|f| f.cause == Cause::Form).expect("form");
            if form.status != Status::NotAssessable {
                judged += 1;
            }
            if form.status == Status::Flagged {
                flagged += 1;
            }
        }
        println!("{name}: form flagged in {flagged} of {judged} months with cadence");
        assert!(
            flagged * 3 < judged.max(1),
            "{name}: {flagged} of {judged} months"
        );
    }
}
