//! No warm-up: hard efforts started without a few minutes of easy running.
//!
//! Only runs with a *distinct* hard effort are judged: their fastest 5
//! minutes are at least `hard_effort_speed_ratio` × the slower of the run's
//! own easy part and the athlete's usual easy speed (intervals, tempo blocks,
//! races). A run that is uniformly moderate-hard at the runner's usual pace
//! has nothing to warm up for; if most runs are like that, recovery says
//! "no easy days" instead. Runs without speed fall back to ≥ 5 minutes at
//! ≥ 88 % of max HR. The warm-up is the easy running before the first hard
//! segment (`RunMetrics::warm_up_s`). Fradkin 2010: warming up improved
//! performance in most studies; the injury evidence is weaker.

use super::{Cause, Evidence, Finding, Inputs, Rule, RunView, Severity, finite};

const ADVICE: &str = "Start hard sessions with 5–10 minutes of easy jogging, plus a few \
     strides or dynamic drills, before the first hard effort.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::WarmUp,
        threshold: format!(
            "runs with a distinct hard effort (fastest 5 min ≥ {} × easy speed; without speed \
             ≥ {} min at ≥ 88 % of max HR) and < {} min of easy running before it, in ≥ {} % of \
             hard runs (at least {})",
            t.hard_effort_speed_ratio,
            t.hard_effort_min_s / 60.0,
            t.warm_up_min_s / 60.0,
            t.warm_up_flag_share * 100.0,
            t.share_min_runs
        ),
        fields: &[
            "warm_up_min_s",
            "hard_effort_min_s",
            "hard_effort_speed_ratio",
            "warm_up_flag_share",
            "share_min_runs",
        ],
        advice: ADVICE,
    };
    let hard = match hard_runs(inputs) {
        Ok(hard) => hard,
        Err(summary) => return rule.not_assessable(summary),
    };
    if hard.is_empty() {
        return rule.clear(format!(
            "No run had a distinct hard effort (a 5-minute block at least {:.0} % faster than \
             easy running), so none needed a warm-up before one.",
            (t.hard_effort_speed_ratio - 1.0) * 100.0
        ));
    }
    let known: Vec<(&RunView, f64)> = hard
        .iter()
        .filter_map(|r| finite(r.metrics.warm_up_s).map(|w| (*r, w)))
        .collect();
    if known.is_empty() {
        return rule.not_assessable(format!(
            "{} hard runs found, but the time before the first hard effort could not be measured.",
            hard.len()
        ));
    }
    let missing: Vec<_> = known
        .iter()
        .filter(|(_, w)| *w < t.warm_up_min_s)
        .map(|&(r, w)| {
            let note = format!("{:.1} min easy before the first hard effort", w / 60.0);
            (
                r.date,
                Evidence::for_run(r, "warm_up_s", w, Some(t.warm_up_min_s), note),
            )
        })
        .collect();
    let share = missing.len() as f64 / known.len() as f64;
    let counts = format!(
        "{} of {} hard runs ({:.0} %) started the hard part with less than {} minutes of easy running",
        missing.len(),
        known.len(),
        share * 100.0,
        t.warm_up_min_s / 60.0
    );
    if missing.len() < t.share_min_runs as usize || share < t.warm_up_flag_share {
        return rule.clear(format!("{counts}; most hard sessions had a warm-up."));
    }
    rule.flagged(
        Severity::Low,
        format!(
            "{counts}. Legs that go hard from cold often feel heavy early in the run; a warm-up \
             mainly helps performance, its effect on injuries is less certain."
        ),
        missing,
    )
}

/// Runs with a distinct hard effort, or why that cannot be known.
pub(super) fn hard_runs<'a>(inputs: &Inputs<'a>) -> Result<Vec<&'a RunView<'a>>, String> {
    let t = inputs.thresholds;
    let runs = inputs.sorted_runs();
    // The athlete's usual easy speed: median of the runs' easy-half speeds.
    let mut easy: Vec<f64> = runs
        .iter()
        .filter_map(|r| finite(r.metrics.easy_speed_mps))
        .collect();
    let usual_easy = crate::metrics::median(&mut easy);
    let judged: Vec<(&RunView, bool)> = runs
        .into_iter()
        .filter_map(|r| {
            let m = r.metrics;
            if let Some(best) = finite(m.best_5min_speed_mps) {
                let base = [finite(m.easy_part_speed_mps), usual_easy]
                    .into_iter()
                    .flatten()
                    .filter(|v| *v > 0.0)
                    .reduce(f64::min)?;
                return Some((r, best >= t.hard_effort_speed_ratio * base));
            }
            let hard = m.intensity_s?[2];
            Some((r, hard.is_finite() && hard >= t.hard_effort_min_s))
        })
        .collect();
    if judged.is_empty() {
        return Err(
            "Hard efforts are found from speed or heart rate over at least 20 minutes, and no \
             run has either."
                .to_string(),
        );
    }
    Ok(judged
        .into_iter()
        .filter(|(_, hard)| *hard)
        .map(|(r, _)| r)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::*;
    use super::*;
    use crate::metrics::RunMetrics;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;

    fn assess_views(vs: &[RunView]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assess(&Inputs {
            runs: vs,
            ..Inputs::new(&profile, &t)
        })
    }

    /// A run with `hard_s` in zones 4–5 and `warm_up_s` before it.
    fn session(day: u32, hard_s: f64, warm_up_s: Option<f64>) -> RunMetrics {
        let mut m = run(d(2026, 5, day), 3000.0, 10.0);
        m.intensity_s = Some([3000.0 - hard_s, 0.0, hard_s]);
        m.warm_up_s = warm_up_s;
        m
    }

    #[test]
    fn most_hard_sessions_without_warm_up_are_flagged() {
        let ms = vec![
            session(4, 1200.0, Some(60.0)),
            session(6, 0.0, None), // easy run: not counted
            session(8, 900.0, Some(120.0)),
            session(11, 900.0, Some(600.0)),
        ];
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Low);
        assert!(
            f.summary.starts_with("2 of 3 hard runs (67 %)"),
            "{}",
            f.summary
        );
        let vals: Vec<f64> = f.evidence.iter().map(|e| e.value).collect();
        assert_eq!(vals, vec![60.0, 120.0]);
        assert_eq!(
            f.evidence[0].note,
            "1.0 min easy before the first hard effort"
        );
    }

    #[test]
    fn warmed_up_sessions_or_no_hard_runs_are_clear() {
        let ms = vec![
            session(4, 1200.0, Some(600.0)),
            session(8, 900.0, Some(420.0)),
            session(11, 900.0, Some(100.0)),
        ];
        assert_eq!(assess_views(&views(&ms)).status, Status::Clear);
        let easy = vec![session(4, 120.0, None)];
        assert_eq!(assess_views(&views(&easy)).status, Status::Clear);
    }

    /// A 50-min run at `easy` m/s whose fastest 5 minutes reach `best`.
    fn paced(day: u32, easy: f64, best: f64, warm_up_s: f64) -> RunMetrics {
        let mut m = run(d(2026, 5, day), 3000.0, 3.0 * easy);
        m.easy_speed_mps = Some(easy);
        m.easy_part_speed_mps = Some(easy);
        m.best_5min_speed_mps = Some(best);
        m.warm_up_s = Some(warm_up_s);
        // Uniformly moderate-hard by heart rate: would have counted as hard before.
        m.intensity_s = Some([0.0, 1500.0, 1500.0]);
        m
    }

    #[test]
    fn uniformly_moderate_hard_runs_are_not_judged_only_distinct_efforts() {
        // Eight steady runs at the usual 3.0 m/s (best 5 min +4 %), none warmed up,
        // and two interval sessions (best 5 min at 3.6 m/s), one without a warm-up.
        let mut ms: Vec<RunMetrics> = (0..8).map(|i| paced(1 + 2 * i, 3.0, 3.12, 0.0)).collect();
        ms.push(paced(20, 3.0, 3.6, 600.0));
        ms.push(paced(23, 3.0, 3.6, 0.0));
        let f = assess_views(&views(&ms));
        assert!(
            f.summary.starts_with("1 of 2 hard runs (50 %)"),
            "{}",
            f.summary
        );
        assert_eq!(f.status, Status::Clear, "one run is under share_min_runs");
        // A uniform tempo run from the first step is judged against the usual easy speed.
        let mut tempo = paced(25, 3.5, 3.55, 0.0);
        tempo.easy_speed_mps = Some(3.4);
        ms.push(tempo);
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::Flagged, "{}", f.summary);
        assert!(f.summary.starts_with("2 of 3 hard runs"), "{}", f.summary);
    }

    #[test]
    fn no_heart_rate_is_not_assessable() {
        let ms = vec![run(d(2026, 5, 4), 3000.0, 10.0)];
        assert_eq!(assess_views(&views(&ms)).status, Status::NotAssessable);
    }
}
