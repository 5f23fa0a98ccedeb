//! "No easy days": most of the window's runs moderate or hard.
//!
//! Each run with heart rate is classed by where the median of its moving
//! time falls in Seiler's three zones (`RunMetrics::intensity_s`: easy below
//! 82 % of max HR, moderate 82–88 %, hard from 88 %). Endurance athletes who
//! improve train with most sessions easy, polarised (≈ 75–80 % easy, little in
//! between) or pyramidal (easy > moderate > hard) (Seiler 2010; Stöggl &
//! Sperlich 2014). A window where at least `no_easy_share` of the runs are
//! moderate or hard is far from both; it is reported under recovery as its
//! own signal, with its own evidence.

use super::{Dated, Evidence, Inputs, RunView, Severity, finite, plural};

/// Share of moderate-or-hard runs from which the signal is moderate rather than low.
const MODERATE_SHARE: f64 = 0.85;

/// Intensity class of one run, from its easy / moderate / hard seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Easy,
    Moderate,
    Hard,
}

/// The class holding the median second of the run's HR time.
pub(super) fn class(run: &RunView) -> Option<Class> {
    let s = run.metrics.intensity_s?;
    let total: f64 = s.iter().sum();
    if !total.is_finite() || total <= 0.0 {
        return None;
    }
    Some(if s[0] >= total / 2.0 {
        Class::Easy
    } else if s[0] + s[1] >= total / 2.0 {
        Class::Moderate
    } else {
        Class::Hard
    })
}

/// Baseline days before the window whose runs say what mix is usual for this runner.
const HABIT_DAYS: u64 = 84;

/// One signal block for the recovery rule.
pub(super) struct Signal {
    /// A clause for the summary, lower case.
    pub part: String,
    pub severity: Severity,
    pub evidence: Vec<Dated>,
    /// The 12 weeks before the window had the same mix: this runner's usual
    /// training, a note rather than a new reason for heavy legs now (the
    /// calibration on real runners: a habit flagged every month tells nothing).
    pub habit: bool,
}

/// The "no easy days" signal, or `None` when the window is not far from a
/// polarised or pyramidal mix (or has too few runs with heart rate).
pub(super) fn no_easy_days(inputs: &Inputs) -> Option<Signal> {
    let t = inputs.thresholds;
    let classed: Vec<(&RunView, Class)> = inputs
        .sorted_runs()
        .into_iter()
        .filter_map(|r| class(r).map(|c| (r, c)))
        .collect();
    let n = classed.len();
    if n < t.no_easy_min_runs as usize {
        return None;
    }
    let count = |c: Class| classed.iter().filter(|(_, k)| *k == c).count();
    let (easy, moderate, hard) = (
        count(Class::Easy),
        count(Class::Moderate),
        count(Class::Hard),
    );
    let share = (moderate + hard) as f64 / n as f64;
    if share < t.no_easy_share {
        return None;
    }
    let habit = usual_share(inputs).is_some_and(|usual| usual >= t.no_easy_share);
    let max_note = max_hr_note(&classed);
    let last = classed.last().map(|(r, _)| r.date)?;
    let mut evidence: Vec<Dated> = vec![(
        last,
        Evidence::for_date(
            last,
            "moderate_hard_run_share",
            share,
            Some(t.no_easy_share),
            format!(
                "{easy} easy, {moderate} moderate, {hard} hard of {n} runs with heart rate{max_note}"
            ),
        ),
    )];
    // The latest few non-easy runs, so the reader can check them.
    for (r, c) in classed
        .iter()
        .rev()
        .filter(|(_, c)| *c != Class::Easy)
        .take(3)
    {
        let word = if *c == Class::Hard {
            "hard"
        } else {
            "moderate"
        };
        let note = match (
            finite(r.metrics.mean_heart_rate_bpm),
            finite(r.metrics.max_hr_used_bpm),
        ) {
            (Some(h), Some(m)) if m > 0.0 => {
                format!("{word}: mean HR {h:.0} bpm, {:.0} % of max", h / m * 100.0)
            }
            _ => word.to_string(),
        };
        let s = r.metrics.intensity_s.unwrap_or_default();
        let total: f64 = s.iter().sum();
        evidence.push((
            r.date,
            Evidence::for_run(
                r,
                "moderate_hard_share",
                (s[1] + s[2]) / total.max(1.0),
                None,
                note,
            ),
        ));
    }
    Some(Signal {
        part: format!(
            "no easy days: {} of {} ({:.0} %) were moderate or hard, where endurance runners \
             usually keep most runs easy",
            moderate + hard,
            plural(n, "run with heart rate", "runs with heart rate"),
            share * 100.0
        ),
        severity: if share >= MODERATE_SHARE {
            Severity::Moderate
        } else {
            Severity::Low
        },
        evidence,
        habit,
    })
}

/// ", max HR 188 bpm (estimated from your history)" — what the classes rest on.
fn max_hr_note(classed: &[(&RunView, Class)]) -> String {
    let Some((r, _)) = classed.last() else {
        return String::new();
    };
    match (
        r.metrics.hr_zone_basis.as_deref(),
        finite(r.metrics.max_hr_used_bpm),
    ) {
        (Some("observed_max_hr"), Some(m)) => {
            format!("; max HR {m:.0} bpm, estimated from your history (set it for precision)")
        }
        (Some("max_hr"), Some(m)) => format!("; max HR {m:.0} bpm as configured"),
        (Some("threshold_hr"), _) => "; zones from your threshold HR".to_string(),
        _ => String::new(),
    }
}

/// Share of moderate-or-hard runs in the `HABIT_DAYS` before the window, when
/// at least `no_easy_min_runs` of them have heart rate.
fn usual_share(inputs: &Inputs) -> Option<f64> {
    let from = inputs.window_from();
    let since = from.checked_sub_days(chrono::Days::new(HABIT_DAYS))?;
    let classes: Vec<Class> = inputs
        .baseline
        .runs
        .iter()
        .filter(|r| r.date >= since && r.date < from)
        .filter_map(class)
        .collect();
    if classes.len() < inputs.thresholds.no_easy_min_runs as usize {
        return None;
    }
    let not_easy = classes.iter().filter(|c| **c != Class::Easy).count();
    Some(not_easy as f64 / classes.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::metrics::RunMetrics;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;

    /// Four runs a week for four weeks; `mix[i]` = seconds easy/moderate/hard of run i.
    fn history(mix: &[[f64; 3]]) -> Vec<RunMetrics> {
        mix.iter()
            .enumerate()
            .map(|(i, &s)| {
                let day =
                    d(2026, 3, 2) + chrono::Days::new((i / 4 * 7 + [0, 2, 4, 6][i % 4]) as u64);
                let mut m = run(day, s.iter().sum(), 8.0);
                m.intensity_s = Some(s);
                m.mean_heart_rate_bpm = Some(158.0);
                m.max_hr_used_bpm = Some(188.0);
                m.hr_zone_basis = Some("observed_max_hr".into());
                m
            })
            .collect()
    }

    fn signal(ms: &[RunMetrics]) -> Option<Signal> {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let vs = views(ms);
        no_easy_days(&Inputs {
            runs: &vs,
            ..Inputs::new(&profile, &t)
        })
    }

    const EASY: [f64; 3] = [2700.0, 200.0, 100.0];
    const STEADY_MODERATE: [f64; 3] = [600.0, 2000.0, 400.0];
    const INTERVALS: [f64; 3] = [1800.0, 300.0, 900.0];

    #[test]
    fn every_run_moderate_is_no_easy_days() {
        let mut mix = vec![STEADY_MODERATE; 14];
        mix.extend([EASY, EASY]);
        let s = signal(&history(&mix)).expect("flagged");
        assert_eq!(s.severity, Severity::Moderate, "14 of 16 = 88 %");
        assert!(
            s.part
                .starts_with("no easy days: 14 of 16 runs with heart rate (88 %)"),
            "{}",
            s.part
        );
        let head = &s.evidence[0].1;
        assert_eq!(head.metric, "moderate_hard_run_share");
        assert!(
            head.note.starts_with("2 easy, 14 moderate, 0 hard of 16"),
            "{}",
            head.note
        );
        assert!(head.note.contains("estimated from your history"));
        assert_eq!(s.evidence.len(), 4);
    }

    #[test]
    fn a_polarised_week_is_not_flagged_even_with_hard_intervals() {
        // Three easy runs and one interval session a week: the interval run is mostly easy time.
        let mix: Vec<[f64; 3]> = (0..16)
            .map(|i| if i % 4 == 1 { INTERVALS } else { EASY })
            .collect();
        assert!(signal(&history(&mix)).is_none());
        // Half the runs moderate: pyramidal-ish, still not flagged.
        let mix: Vec<[f64; 3]> = (0..16)
            .map(|i| if i % 2 == 0 { STEADY_MODERATE } else { EASY })
            .collect();
        assert!(signal(&history(&mix)).is_none());
    }

    #[test]
    fn too_few_runs_with_heart_rate_say_nothing() {
        assert!(signal(&history(&[STEADY_MODERATE; 5])).is_none());
        let s = signal(&history(&[STEADY_MODERATE; 6])).expect("6 runs is enough");
        assert_eq!(s.severity, Severity::Moderate);
    }
}
