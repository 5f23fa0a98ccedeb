//! No cool-down: informational only.
//!
//! The article lists skipping the cool-down, but Van Hooren & Peake 2018
//! found active cool-downs do little for recovery markers and nothing shown
//! for injuries, so this never rises above low severity.

use super::warm_up::hard_runs;
use super::{Cause, Evidence, Finding, Inputs, Rule, RunView, finite};

const ADVICE: &str = "A few minutes of easy jogging or walking after hard sessions is a pleasant \
     way to finish, but it is optional; rest days, sleep and food matter more for recovery.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::CoolDown,
        threshold: format!(
            "runs with a distinct hard effort (fastest 5 min ≥ {} × easy speed; without speed \
             ≥ {} min at ≥ 88 % of max HR) ending with < {} min of easy running, in ≥ {} % of \
             hard runs (at least {}); informational only",
            t.hard_effort_speed_ratio,
            t.hard_effort_min_s / 60.0,
            t.cool_down_min_s / 60.0,
            t.cool_down_flag_share * 100.0,
            t.share_min_runs
        ),
        fields: &[
            "cool_down_min_s",
            "hard_effort_min_s",
            "hard_effort_speed_ratio",
            "cool_down_flag_share",
            "share_min_runs",
        ],
        advice: ADVICE,
    };
    let hard = match hard_runs(inputs) {
        Ok(hard) => hard,
        Err(summary) => return rule.not_assessable(summary),
    };
    if hard.is_empty() {
        return rule.clear("No hard runs, so there was nothing to cool down from.");
    }
    let known: Vec<(&RunView, f64)> = hard
        .iter()
        .filter_map(|r| finite(r.metrics.cool_down_s).map(|c| (*r, c)))
        .collect();
    if known.is_empty() {
        return rule
            .not_assessable("The easy running after the last hard effort could not be measured.");
    }
    let missing: Vec<_> = known
        .iter()
        .filter(|(_, c)| *c < t.cool_down_min_s)
        .map(|&(r, c)| {
            let note = format!("{:.1} min easy after the last hard effort", c / 60.0);
            (
                r.date,
                Evidence::for_run(r, "cool_down_s", c, Some(t.cool_down_min_s), note),
            )
        })
        .collect();
    let share = missing.len() as f64 / known.len() as f64;
    let counts = format!(
        "{} of {} hard runs ({:.0} %) ended with less than {} minutes of easy running",
        missing.len(),
        known.len(),
        share * 100.0,
        t.cool_down_min_s / 60.0
    );
    if missing.len() < t.share_min_runs as usize || share < t.cool_down_flag_share {
        return rule.clear(format!("{counts}."));
    }
    // Never flagged: active cool-downs do little for recovery (Van Hooren &
    // Peake 2018), so their absence is not a cause of heavy legs, only a note.
    rule.noted(
        format!(
            "{counts}. For information only: studies find a cool-down does little for recovery, \
             so it is unlikely to be why your legs feel heavy."
        ),
        missing,
    )
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{Severity, Status};
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

    fn session(day: u32, hard_s: f64, cool_down_s: Option<f64>) -> RunMetrics {
        let mut m = run(d(2026, 5, day), 3000.0, 10.0);
        m.intensity_s = Some([3000.0 - hard_s, 0.0, hard_s]);
        m.cool_down_s = cool_down_s;
        m
    }

    #[test]
    fn abrupt_endings_are_low_and_informational() {
        let ms = vec![
            session(4, 1200.0, Some(30.0)),
            session(8, 900.0, Some(90.0)),
            session(11, 900.0, Some(900.0)),
        ];
        let f = assess_views(&views(&ms));
        assert_eq!(
            f.status,
            Status::Clear,
            "a missing cool-down is never a cause"
        );
        assert_eq!(f.severity, Severity::None);
        assert_eq!(f.evidence.len(), 2);
        assert!(f.summary.contains("For information only"));
        assert!(f.source.contains("Van Hooren & Peake 2018"));
    }

    #[test]
    fn cooled_down_sessions_are_clear() {
        let ms = vec![
            session(4, 1200.0, Some(400.0)),
            session(8, 900.0, Some(600.0)),
        ];
        assert_eq!(assess_views(&views(&ms)).status, Status::Clear);
    }

    #[test]
    fn no_heart_rate_or_unmeasured_cool_down_is_not_assessable() {
        let ms = vec![run(d(2026, 5, 4), 3000.0, 10.0)];
        assert_eq!(assess_views(&views(&ms)).status, Status::NotAssessable);
        let unmeasured = vec![session(4, 1200.0, None)];
        assert_eq!(
            assess_views(&views(&unmeasured)).status,
            Status::NotAssessable
        );
    }
}
