//! Dehydration and heat: heart rate drifting against pace on hot runs.
//!
//! On a hot day, cardiovascular drift from fluid loss and heat comes first
//! (Adams 2014: about +3 bpm per 1 % body mass lost), so decoupling above
//! 5 % on a run above 25 °C is attributed to heat and fluids, not fitness.

use super::{Cause, Evidence, Finding, Inputs, Rule, Severity, finite, plural};

const ADVICE: &str = "Drink water through the day, carry water on hot runs or runs over an \
     hour, run in the cooler hours and slow down in the heat.";

const WRIST_NOTE: &str = "Watch temperature sensors read high when worn on the wrist, so \
     treat the temperatures as approximate.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Hydration,
        threshold: format!(
            "mean run temperature > {} °C and aerobic decoupling > {} % ({} % = poor)",
            t.heat_c, t.decoupling_moderate_pct, t.decoupling_poor_pct
        ),
        fields: &["heat_c", "decoupling_moderate_pct", "decoupling_poor_pct"],
        advice: ADVICE,
    };
    let runs = inputs.sorted_runs();
    let with_temp: Vec<_> = runs
        .iter()
        .filter(|r| finite(r.metrics.temperature_mean_c).is_some())
        .collect();
    if with_temp.is_empty() {
        return rule.not_assessable(
            "No run recorded temperature, so heat cannot be told apart from other causes of \
             heart-rate drift.",
        );
    }
    let measured: Vec<_> = with_temp
        .iter()
        .filter(|r| finite(r.metrics.decoupling_pct).is_some())
        .collect();
    if measured.is_empty() {
        return rule.not_assessable(
            "Heart-rate drift needs heart rate on steady runs of an hour or more; none of the \
             runs with temperature has it.",
        );
    }
    let hot: Vec<_> = measured
        .iter()
        .filter(|r| finite(r.metrics.temperature_mean_c).is_some_and(|c| c > t.heat_c))
        .collect();
    let mut evidence = Vec::new();
    for r in &hot {
        let (Some(temp), Some(dec)) = (
            finite(r.metrics.temperature_mean_c),
            finite(r.metrics.decoupling_pct),
        ) else {
            continue;
        };
        if dec > t.decoupling_moderate_pct {
            let grade = if dec > t.decoupling_poor_pct {
                "large drift"
            } else {
                "moderate drift"
            };
            let note = format!("{temp:.1} °C mean; {grade}");
            evidence.push((
                r.date,
                Evidence::for_run(
                    r,
                    "decoupling_pct",
                    dec,
                    Some(t.decoupling_moderate_pct),
                    note,
                ),
            ));
        }
    }
    if evidence.is_empty() {
        let summary = if hot.is_empty() {
            format!(
                "None of {} with temperature and heart-rate drift data was above {} °C.",
                plural(measured.len(), "run", "runs"),
                t.heat_c
            )
        } else {
            format!(
                "{} above {} °C kept heart rate and pace together (drift ≤ {} %).",
                plural(hot.len(), "run", "runs"),
                t.heat_c,
                t.decoupling_moderate_pct
            )
        };
        return rule.clear(summary);
    }
    let severity = if evidence.len() >= t.share_min_runs as usize {
        Severity::Moderate
    } else {
        Severity::Low
    };
    rule.flagged(
        severity,
        format!(
            "{} of {} above {} °C showed heart rate drifting up against pace by more than {} %, \
             a typical sign of heat and fluid loss. {WRIST_NOTE}",
            evidence.len(),
            plural(hot.len(), "run", "runs"),
            t.heat_c,
            t.decoupling_moderate_pct
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{RunView, Status};
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

    fn hot_run(day: u32, temp: Option<f64>, decoupling: Option<f64>) -> RunMetrics {
        let mut m = run(d(2026, 7, day), 70.0 * 60.0, 13.0);
        m.temperature_mean_c = temp;
        m.decoupling_pct = decoupling;
        m
    }

    #[test]
    fn drift_on_hot_runs_is_flagged_and_cool_drift_is_not_counted() {
        let ms = vec![
            hot_run(3, Some(28.5), Some(8.2)),
            hot_run(10, Some(31.0), Some(12.0)),
            hot_run(12, Some(18.0), Some(9.0)), // cool: not heat
            hot_run(17, Some(27.0), Some(3.0)), // hot but steady
        ];
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert!(
            f.summary.starts_with("2 of 3 runs above 25 °C"),
            "{}",
            f.summary
        );
        let vals: Vec<f64> = f.evidence.iter().map(|e| e.value).collect();
        assert_eq!(vals, vec![8.2, 12.0]);
        assert_eq!(f.evidence[1].note, "31.0 °C mean; large drift");
    }

    #[test]
    fn steady_hot_runs_or_only_cool_runs_are_clear() {
        let hot_steady = vec![hot_run(3, Some(29.0), Some(4.0))];
        let f = assess_views(&views(&hot_steady));
        assert_eq!(f.status, Status::Clear);
        assert!(f.summary.starts_with("1 run above 25 °C"), "{}", f.summary);
        let cool = vec![hot_run(3, Some(15.0), Some(11.0))];
        assert_eq!(assess_views(&views(&cool)).status, Status::Clear);
    }

    #[test]
    fn without_temperature_or_heart_rate_it_is_not_assessable() {
        let no_temp = vec![hot_run(3, None, Some(9.0))];
        let f = assess_views(&views(&no_temp));
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.summary.contains("temperature"));
        let no_hr = vec![hot_run(3, Some(30.0), None)];
        let f = assess_views(&views(&no_hr));
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.summary.contains("heart rate"));
    }
}
