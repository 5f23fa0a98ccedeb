//! Too few carbs on long runs: late fade on runs of 90 minutes or more.
//!
//! Fuelling is not in the files, so this only looks for its footprint: a
//! long run whose pace falls away at the end, or whose HR drifts against
//! pace on a cool day (hot days are left to the hydration rule).

use super::{Cause, Evidence, Finding, Inputs, Rule, Severity, finite, plural};

const ADVICE: &str = "Eat carbohydrate before long runs and take about 30–60 g of carbohydrate \
     per hour on runs longer than about 90 minutes (up to 90 g/h beyond 2.5 hours). Logging \
     what you ate helps tell fuelling from pacing.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Nutrition,
        threshold: format!(
            "runs ≥ {} min: pace fade (last 25 % vs first 25 %) > {} %, or aerobic decoupling > {} % \
             on runs not above {} °C",
            t.long_run_s / 60.0,
            t.pace_fade_pct,
            t.decoupling_poor_pct,
            t.heat_c
        ),
        fields: &[
            "long_run_s",
            "pace_fade_pct",
            "decoupling_poor_pct",
            "heat_c",
        ],
        advice: ADVICE,
    };
    let long: Vec<_> = inputs
        .sorted_runs()
        .into_iter()
        .filter(|r| r.duration_s() >= t.long_run_s)
        .collect();
    if long.is_empty() {
        return rule.not_assessable(format!(
            "No run lasted {} minutes or more, where fuelling starts to matter.",
            t.long_run_s / 60.0
        ));
    }
    let measured: Vec<_> = long
        .iter()
        .filter(|r| {
            finite(r.metrics.pace_fade_pct).is_some() || finite(r.metrics.decoupling_pct).is_some()
        })
        .collect();
    if measured.is_empty() {
        return rule.not_assessable(format!(
            "{} lasted {} minutes or more, but neither pace fade nor heart-rate drift could be \
             measured on them.",
            plural(long.len(), "run", "runs"),
            t.long_run_s / 60.0
        ));
    }
    let mut evidence = Vec::new();
    let mut faded = 0;
    for r in &measured {
        let minutes = r.duration_s() / 60.0;
        let hot = finite(r.metrics.temperature_mean_c).is_some_and(|c| c > t.heat_c);
        let mut hit = false;
        if let Some(fade) = finite(r.metrics.pace_fade_pct).filter(|&f| f > t.pace_fade_pct) {
            let note = format!(
                "{minutes:.0} min run slowed late{}",
                if hot { " (also hot)" } else { "" }
            );
            evidence.push((
                r.date,
                Evidence::for_run(r, "pace_fade_pct", fade, Some(t.pace_fade_pct), note),
            ));
            hit = true;
        }
        if let Some(dec) =
            finite(r.metrics.decoupling_pct).filter(|&x| x > t.decoupling_poor_pct && !hot)
        {
            let note = format!("{minutes:.0} min run; heart rate drifted against pace");
            evidence.push((
                r.date,
                Evidence::for_run(r, "decoupling_pct", dec, Some(t.decoupling_poor_pct), note),
            ));
            hit = true;
        }
        faded += usize::from(hit);
    }
    if faded == 0 {
        let n = measured.len();
        let summary = if n == 1 {
            "The one measured long run held its pace to the end without a large fade.".to_string()
        } else {
            format!("None of the {n} measured long runs faded late.")
        };
        return rule.clear(summary);
    }
    let severity = if faded >= t.share_min_runs as usize && faded * 2 >= measured.len() {
        Severity::Moderate
    } else {
        Severity::Low
    };
    rule.flagged(
        severity,
        format!(
            "{faded} of {} faded late (pace or heart-rate drift): possible under-fuelling. \
             Fuelling is not recorded in the files, so pacing, heat or fatigue may explain it too.",
            plural(measured.len(), "long run", "long runs")
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

    fn long_run(
        day: u32,
        fade: Option<f64>,
        decoupling: Option<f64>,
        temp: Option<f64>,
    ) -> RunMetrics {
        let mut m = run(d(2026, 6, day), 100.0 * 60.0, 20.0);
        m.pace_fade_pct = fade;
        m.decoupling_pct = decoupling;
        m.temperature_mean_c = temp;
        m
    }

    #[test]
    fn two_faded_long_runs_of_three_are_possible_under_fuelling() {
        let ms = vec![
            long_run(7, Some(14.0), Some(4.0), Some(15.0)),
            long_run(14, Some(3.0), Some(12.5), Some(12.0)),
            long_run(21, Some(2.0), Some(3.0), None),
        ];
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert!(
            f.summary.contains("2 of 3 long runs faded"),
            "{}",
            f.summary
        );
        assert!(f.summary.contains("possible under-fuelling"));
        let got: Vec<(&str, f64)> = f
            .evidence
            .iter()
            .map(|e| (e.metric.as_str(), e.value))
            .collect();
        assert_eq!(got, vec![("pace_fade_pct", 14.0), ("decoupling_pct", 12.5)]);
        assert_eq!(f.evidence[0].file.as_deref(), Some("runs/2026-06-07.fit"));
    }

    #[test]
    fn drift_on_a_hot_day_is_left_to_hydration_and_steady_runs_are_clear() {
        let ms = vec![
            long_run(7, Some(4.0), Some(14.0), Some(29.0)),
            long_run(14, Some(4.5), None, None),
        ];
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
    }

    #[test]
    fn no_long_runs_or_no_measure_is_not_assessable() {
        let short = vec![run(d(2026, 6, 7), 80.0 * 60.0, 15.0)];
        let f = assess_views(&views(&short));
        assert_eq!(f.status, Status::NotAssessable);
        assert!(
            f.summary.contains("No run lasted 90 minutes"),
            "{}",
            f.summary
        );
        let unmeasured = vec![long_run(7, None, None, None)];
        assert_eq!(
            assess_views(&views(&unmeasured)).status,
            Status::NotAssessable
        );
    }
}
