//! Intensity and form rules on three real runners' histories (one row per
//! run, `../shared/real-runs`): the easy/moderate/hard split from the max-HR
//! estimate, and how often the form rule flags a calendar month.
//! SKIP when the shared folder is absent.

use std::collections::BTreeMap;

use heavylegs::findings::{self, Cause, RunView, Status};
use heavylegs::metrics::intensity::rederive;
use heavylegs::metrics::{MetricsConfig, RunMetrics, athlete};
use heavylegs::profile::AthleteProfile;
use heavylegs::thresholds::Thresholds;

use crate::verdict_kit::{Row, real_runner};

/// Share of runs (≥ 10 min with HR) classed easy / moderate / hard after the estimate.
fn split(rows: &mut [Row]) -> (f64, [f64; 3]) {
    let est = athlete::estimate_max_hr(rows.iter().map(|r| &r.metrics)).expect("enough HR runs");
    let cfg = MetricsConfig {
        observed_max_hr_bpm: Some(est.bpm),
        ..MetricsConfig::default()
    };
    let mut counts = [0.0; 3];
    for m in rows.iter_mut().map(|r| &mut r.metrics) {
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
    for name in ["runner-a", "runner-b", "runner-c"] {
        let Some(mut rows) = real_runner(name) else {
            return;
        };
        // Before: each run against its own max, "hard" from 80 % of it.
        let with_hr: Vec<&RunMetrics> = rows
            .iter()
            .map(|r| &r.metrics)
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
    for name in ["runner-a", "runner-b", "runner-c"] {
        let Some(rows) = real_runner(name) else {
            return;
        };
        let mut months: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
        for r in &rows {
            months
                .entry(r.date.format("%Y-%m").to_string())
                .or_default()
                .push(r);
        }
        let (mut flagged, mut judged) = (0, 0);
        for runs in months.values() {
            let views: Vec<RunView> = runs
                .iter()
                .map(|r| RunView {
                    path: &r.metrics.path,
                    date: r.date,
                    metrics: &r.metrics,
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
