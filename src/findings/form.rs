//! Poor form: low cadence and overstriding, from relative evidence only.
//!
//! A run counts as low-cadence when its easy-pace cadence is below the
//! ~170 spm rule of thumb *and* clearly below the athlete's own
//! cadence~speed fit at that speed, so a tall or slow runner is not flagged
//! for being who they are. The step-length trend compares the recent
//! residual with the earlier one: at the same speed, fewer steps means
//! longer steps, the only overstriding proxy these files allow.

use chrono::Days;

use super::{
    Cause, Dated, Evidence, Finding, Inputs, Rule, RunView, Severity, capitalise, finite, plural,
};

const ADVICE: &str = "Work on cadence: at easy pace aim for about 5 % more steps per minute \
     (a metronome app helps), with shorter, quicker steps landing closer under your body. \
     Change it gradually over a few weeks.";

const NOT_MEASURABLE: &str = "Footstrike is not measurable from these files, and cadence or \
     step length alone cannot diagnose overstriding.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Form,
        threshold: format!(
            "easy-pace cadence < {} spm and ≤ {} spm vs your own cadence~speed fit, in ≥ {} % of \
             runs (at least {}); mean residual in the last {} days ≥ {} spm lower than before \
             (longer steps at the same speed)",
            t.cadence_low_spm,
            t.cadence_residual_spm,
            t.form_flag_share * 100.0,
            t.share_min_runs,
            t.form_drift_window_days,
            t.form_drift_spm.abs(),
        ),
        fields: &[
            "cadence_low_spm",
            "cadence_residual_spm",
            "form_drift_spm",
            "form_flag_share",
            "form_drift_window_days",
        ],
        advice: ADVICE,
    };
    let runs: Vec<(&RunView, f64)> = inputs
        .sorted_runs()
        .into_iter()
        .filter_map(|r| finite(r.metrics.easy_cadence_spm).map(|c| (r, c)))
        .collect();
    if runs.is_empty() {
        return rule.not_assessable(format!(
            "No run recorded cadence at easy pace; a watch or foot pod that records cadence is needed. {NOT_MEASURABLE}"
        ));
    }
    let has_fit = runs
        .iter()
        .any(|(r, _)| finite(r.cadence_residual_spm).is_some());

    let mut low = Vec::new();
    for &(r, cadence) in &runs {
        if cadence >= t.cadence_low_spm {
            continue;
        }
        let residual = finite(r.cadence_residual_spm);
        let note = match residual {
            Some(res) if res <= t.cadence_residual_spm => {
                format!("{:.1} spm below your own cadence at this speed", -res)
            }
            Some(_) => continue,
            None if has_fit => continue,
            None => "below the rule of thumb; no personal fit available".to_string(),
        };
        let note = match finite(r.metrics.easy_speed_mps) {
            Some(v) => format!("{note} ({v:.2} m/s)"),
            None => note,
        };
        low.push((
            r.date,
            Evidence::for_run(
                r,
                "easy_cadence_spm",
                cadence,
                Some(t.cadence_low_spm),
                note,
            ),
        ));
    }
    let share = low.len() as f64 / runs.len() as f64;
    // A recurring pattern (at least `share_min_runs` runs) flags at low severity;
    // a habit (at least `form_flag_share` of runs) at moderate.
    let low_flag = low.len() >= t.share_min_runs as usize;
    let low_habit = low_flag && share >= t.form_flag_share;
    let drift = residual_drift(
        &runs,
        t.form_drift_window_days,
        t.share_min_runs.max(1) as usize + 1,
    )
    .filter(|(_, e)| e.value <= t.form_drift_spm)
    .map(|(date, e)| {
        (
            date,
            Evidence {
                limit: Some(t.form_drift_spm),
                ..e
            },
        )
    });

    let low_text = format!(
        "{} of {} runs with cadence ({:.0} %) had an easy-pace cadence below {} spm{}",
        low.len(),
        runs.len(),
        share * 100.0,
        t.cadence_low_spm,
        if has_fit {
            " and well below your own usual cadence at that speed"
        } else {
            ""
        }
    );
    if !low_flag && drift.is_none() {
        return rule.clear(format!(
            "{low_text} (fewer than the {} runs needed to flag), and steps did not lengthen at \
             the same speed. {NOT_MEASURABLE}",
            t.share_min_runs
        ));
    }
    let mut parts = Vec::new();
    let mut evidence: Vec<Dated> = Vec::new();
    if low_flag {
        parts.push(low_text);
        evidence.extend(low);
    }
    if let Some((date, e)) = drift {
        parts.push(format!(
            "in the last {} days you took about {:.1} fewer steps per minute than before at the \
             same speed, i.e. longer steps",
            t.form_drift_window_days, -e.value
        ));
        evidence.push((date, e));
    }
    // Relative evidence never goes above moderate.
    let severity = if low_habit && has_fit {
        Severity::Moderate
    } else {
        Severity::Low
    };
    let fit_note = if has_fit {
        ""
    } else {
        " Your own cadence~speed fit was not available, so this compares with the rule of thumb only."
    };
    let summary = format!(
        "{}. A low cadence with long steps can make legs work harder; this is a relative pattern, \
         not a diagnosis.{fit_note} {NOT_MEASURABLE}",
        capitalise(&parts.join("; "))
    );
    rule.flagged(severity, summary, evidence)
}

/// Mean residual in the recent window minus the mean before it, spm.
fn residual_drift(runs: &[(&RunView, f64)], window_days: u32, min_each: usize) -> Option<Dated> {
    let with: Vec<(&RunView, f64)> = runs
        .iter()
        .filter_map(|&(r, _)| finite(r.cadence_residual_spm).map(|res| (r, res)))
        .collect();
    let last = with.last()?.0.date;
    let cutoff = last.checked_sub_days(Days::new(u64::from(window_days)))?;
    let (recent, before): (Vec<_>, Vec<_>) = with.iter().partition(|(r, _)| r.date > cutoff);
    if recent.len() < min_each || before.len() < min_each {
        return None;
    }
    let mean = |xs: &[&(&RunView, f64)]| xs.iter().map(|(_, v)| v).sum::<f64>() / xs.len() as f64;
    let (m_recent, m_before) = (mean(&recent), mean(&before));
    let note = format!(
        "mean cadence vs own fit {m_before:+.1} spm over {} earlier {} vs {m_recent:+.1} spm over the last {}",
        before.len(),
        if before.len() == 1 { "run" } else { "runs" },
        plural(recent.len(), "run", "runs")
    );
    Some((
        last,
        Evidence::for_date(
            last,
            "cadence_residual_change_spm",
            m_recent - m_before,
            None,
            note,
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::*;
    use super::*;
    use crate::metrics::RunMetrics;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;

    fn with_cadence(cadences: &[f64]) -> Vec<RunMetrics> {
        cadences
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let mut m = run(d(2026, 4, 1 + 2 * i as u32), 3000.0, 9.0);
                m.easy_cadence_spm = Some(c);
                m.easy_speed_mps = Some(2.8);
                m
            })
            .collect()
    }

    fn assess_views(views: &[RunView]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assess(&Inputs {
            runs: views,
            ..Inputs::new(&profile, &t)
        })
    }

    #[test]
    fn low_on_both_counts_in_half_the_runs_is_flagged() {
        let ms = with_cadence(&[162.0, 175.0, 164.0, 176.0]);
        let mut vs = views(&ms);
        for (v, res) in vs.iter_mut().zip([-7.0, 1.0, -6.0, 2.0]) {
            v.cadence_residual_spm = Some(res);
        }
        let f = assess_views(&vs);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(f.evidence.len(), 2);
        assert_eq!(f.evidence[0].value, 162.0);
        assert_eq!(f.evidence[0].limit, Some(170.0));
        assert_eq!(f.evidence[0].date.as_deref(), Some("2026-04-01"));
        assert_eq!(
            f.evidence[0].note,
            "7.0 spm below your own cadence at this speed (2.80 m/s)"
        );
        assert!(
            f.summary.starts_with("2 of 4 runs with cadence (50 %)"),
            "{}",
            f.summary
        );
        assert!(f.summary.contains("Footstrike is not measurable"));
    }

    #[test]
    fn low_by_rule_of_thumb_but_normal_for_the_athlete_is_clear() {
        // 164 spm everywhere, but that is this runner's own norm (residual ~0).
        let ms = with_cadence(&[164.0, 163.0, 165.0, 164.0]);
        let mut vs = views(&ms);
        for v in &mut vs {
            v.cadence_residual_spm = Some(-1.0);
        }
        let f = assess_views(&vs);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(f.summary.starts_with("0 of 4 runs"), "{}", f.summary);
    }

    #[test]
    fn without_a_personal_fit_the_rule_of_thumb_gives_low_severity() {
        let ms = with_cadence(&[160.0, 161.0, 178.0]);
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.evidence.len(), 2);
        assert!(f.summary.contains("rule of thumb only"));
    }

    #[test]
    fn steps_lengthening_at_the_same_speed_is_a_low_flag() {
        // Residuals: +1, 0, +2 early (April 1–5), then −3, −2, −4 late (May 20–24).
        let mut ms = with_cadence(&[175.0, 175.0, 175.0]);
        for i in 0..3u32 {
            let mut m = run(d(2026, 5, 20 + 2 * i), 3000.0, 9.0);
            m.easy_cadence_spm = Some(172.0);
            ms.push(m);
        }
        let mut vs = views(&ms);
        for (v, res) in vs.iter_mut().zip([1.0, 0.0, 2.0, -3.0, -2.0, -4.0]) {
            v.cadence_residual_spm = Some(res);
        }
        let f = assess_views(&vs);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].metric, "cadence_residual_change_spm");
        assert_eq!(f.evidence[0].value, -4.0); // −3 − (+1)
        assert_eq!(f.evidence[0].date.as_deref(), Some("2026-05-24"));
    }

    #[test]
    fn no_cadence_is_not_assessable() {
        let ms = vec![run(d(2026, 4, 1), 3000.0, 9.0)];
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.summary.contains("Footstrike is not measurable"));
    }
}
