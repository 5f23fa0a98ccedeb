//! Low iron: a ferritin value from a blood test decides; without one, at
//! most a nudge to ask a doctor.
//!
//! A ferritin value (the runner's journal, `ferritin_ug_l`) from the
//! `iron_ferritin_max_age_days` before the window's last day flags iron
//! below `iron_ferritin_low_ug_l` (Peeling et al. 2008: < 35 µg/L is
//! stage-1 iron deficiency in athletes) and clears it at or above. The HR
//! heuristic stays secondary: its evidence is attached, never the verdict.
//!
//! The heuristic (grade D): heart rate at the athlete's easy pace rising by
//! 5 bpm or more between two windows three weeks apart, with hot runs left
//! out and no matching rise in weekly distance. Many things raise easy HR
//! (a cold, stress, sleep, fatigue); the finding says so and never goes
//! above low severity.

use chrono::{Days, NaiveDate};

use super::{Cause, Dated, Evidence, Finding, Inputs, Rule, RunView, Severity, Status, finite};

const ADVICE: &str = "Only a blood test can tell. If you also feel unusually tired or out of \
     breath, ask a doctor whether checking iron (ferritin) makes sense; do not take iron \
     supplements without a test.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let to = inputs.window_to();
    let latest = inputs
        .wellness
        .ferritin
        .iter()
        .filter(|f| f.date <= to && f.value.is_finite() && f.value > 0.0)
        .max_by_key(|f| f.date);
    let max_age = i64::from(t.iron_ferritin_max_age_days);
    match latest {
        Some(f) if (to - f.date).num_days() <= max_age => from_ferritin(inputs, f),
        Some(f) => {
            let mut found = heuristic(inputs);
            found.summary.push_str(&format!(
                " Your last ferritin value ({} µg/L on {}) is more than {max_age} days old; a \
                 new blood test would decide.",
                f.value, f.date
            ));
            found
        }
        None => heuristic(inputs),
    }
}

/// The verdict from a recent ferritin value, the HR heuristic attached as
/// secondary evidence.
fn from_ferritin(inputs: &Inputs, f: &crate::wellness::DayValue) -> Finding {
    let t = inputs.thresholds;
    let hr = heuristic(inputs);
    let rule = Rule {
        cause: Cause::Iron,
        threshold: format!(
            "latest ferritin (within {} days) < {} µg/L; secondary: {}",
            t.iron_ferritin_max_age_days, t.iron_ferritin_low_ug_l, hr.threshold
        ),
        fields: &[
            "iron_ferritin_low_ug_l",
            "iron_ferritin_max_age_days",
            "iron_hr_rise_bpm",
            "iron_span_days",
            "iron_window_days",
            "iron_volume_rise_pct",
            "heat_c",
        ],
        advice: ADVICE,
    };
    let low = f.value < t.iron_ferritin_low_ug_l;
    let mut evidence: Vec<Dated> = vec![(
        f.date,
        Evidence::for_date(
            f.date,
            "ferritin_ug_l",
            f.value,
            Some(t.iron_ferritin_low_ug_l),
            format!("blood test result from {}", f.origin.words()),
        ),
    )];
    let hr_rose = hr.status == Status::Flagged;
    if hr_rose {
        evidence.extend(
            hr.evidence
                .iter()
                .filter_map(|e| Some((e.date.as_deref()?.parse().ok()?, e.clone()))),
        );
    }
    let value = format!(
        "Your ferritin of {} µg/L on {} (from {})",
        f.value,
        f.date.format("%-d %b %Y"),
        f.origin.words()
    );
    if low {
        let hr_note = if hr_rose {
            " Heart rate at your easy pace also rose without more mileage to explain it."
        } else {
            ""
        };
        return rule.flagged(
            Severity::Moderate,
            format!(
                "{value} is below {} µg/L, the level taken as iron depletion in athletes. Low \
                 iron stores can make legs feel heavy and tired.{hr_note} Talk to a doctor about \
                 it; do not take iron supplements without their advice.",
                t.iron_ferritin_low_ug_l
            ),
            evidence,
        );
    }
    let text = format!(
        "{value} is at or above {} µg/L, so low iron stores are unlikely to be the reason.",
        t.iron_ferritin_low_ug_l
    );
    if hr_rose {
        rule.noted(
            format!(
                "{text} Heart rate at your easy pace did rise without more mileage: look at the \
                 other causes (a cold, stress, sleep, accumulated fatigue)."
            ),
            evidence,
        )
    } else {
        rule.clear(text)
    }
}

/// The easy-pace HR heuristic alone (no recent ferritin value).
fn heuristic(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Iron,
        threshold: format!(
            "mean easy-pace HR over {w} days ≥ {} bpm above the mean over {w} days ending {} days \
             earlier, runs > {} °C left out, unless weekly distance rose > {} %",
            t.iron_hr_rise_bpm,
            t.iron_span_days,
            t.heat_c,
            t.iron_volume_rise_pct,
            w = t.iron_window_days,
        ),
        fields: &[
            "iron_hr_rise_bpm",
            "iron_span_days",
            "iron_window_days",
            "iron_volume_rise_pct",
            "heat_c",
        ],
        advice: ADVICE,
    };
    // The earlier comparison window may reach into the baseline; only
    // comparisons ending in the assessment window are judged.
    let runs = inputs.all_runs();
    let judged_from = inputs.window_from();
    let with_hr: Vec<(&RunView, f64)> = runs
        .iter()
        .filter_map(|r| r.easy_hr().map(|h| (*r, h)))
        .collect();
    if with_hr.is_empty() {
        return rule.not_assessable(
            "Iron cannot be measured from running files, and no run has heart rate at easy pace \
             to watch for the indirect sign.",
        );
    }
    let cool: Vec<(&RunView, f64)> = with_hr
        .iter()
        .copied()
        .filter(|(r, _)| finite(r.metrics.temperature_mean_c).is_none_or(|c| c <= t.heat_c))
        .collect();
    let has_temp = with_hr
        .iter()
        .any(|(r, _)| finite(r.metrics.temperature_mean_c).is_some());

    let mut compared = 0;
    let mut explained = 0;
    let mut flagged: Vec<Dated> = Vec::new();
    let mut next_allowed = NaiveDate::MIN;
    let mut ends: Vec<NaiveDate> = cool.iter().map(|(r, _)| r.date).collect();
    ends.dedup();
    ends.retain(|e| *e >= judged_from);
    for end in ends {
        let Some(w) = Windows::ending(end, t.iron_window_days, t.iron_span_days) else {
            continue;
        };
        let recent = mean_in(&cool, w.recent_from, w.recent_to);
        let base = mean_in(&cool, w.base_from, w.base_to);
        let min = t.share_min_runs.max(1) as usize;
        let (Some((recent, nr)), Some((base, nb))) = (recent, base) else {
            continue;
        };
        if nr < min || nb < min {
            continue;
        }
        compared += 1;
        let rise = recent - base;
        if rise < t.iron_hr_rise_bpm || end < next_allowed {
            continue;
        }
        let base_km = weekly_km(inputs, w.base_from, w.base_to);
        let recent_km = weekly_km(inputs, w.recent_from, w.recent_to);
        if base_km > 0.0 && (recent_km / base_km - 1.0) * 100.0 > t.iron_volume_rise_pct {
            explained += 1;
            continue;
        }
        let note = format!(
            "easy-pace HR {base:.0} bpm ({} to {}) → {recent:.0} bpm ({} to {}); weekly distance \
             {base_km:.0} → {recent_km:.0} km",
            w.base_from, w.base_to, w.recent_from, w.recent_to
        );
        flagged.push((
            end,
            Evidence::for_date(
                end,
                "easy_hr_rise_bpm",
                rise,
                Some(t.iron_hr_rise_bpm),
                note,
            ),
        ));
        next_allowed = end + Days::new(u64::from(t.iron_window_days));
    }
    if compared == 0 {
        return rule.not_assessable(format!(
            "Iron cannot be measured from running files. The indirect sign needs easy-pace heart \
             rate from at least {} runs in each of two {}-day windows {} days apart.",
            t.share_min_runs.max(1),
            t.iron_window_days,
            t.iron_span_days
        ));
    }
    let heat_note = if has_temp {
        ""
    } else {
        " No temperature was recorded, so hot weather could not be ruled out."
    };
    if flagged.is_empty() {
        let vol = match explained {
            0 => String::new(),
            1 => " One rise went with a matching rise in weekly distance.".to_string(),
            n => format!(" {n} rises went with a matching rise in weekly distance."),
        };
        return rule.clear(format!(
            "Heart rate at easy pace did not rise by {} bpm or more over {} days without an \
             explanation.{vol}{heat_note} Iron itself cannot be measured from running files.",
            t.iron_hr_rise_bpm, t.iron_span_days
        ));
    }
    let top = flagged
        .iter()
        .map(|(_, e)| e.value)
        .fold(f64::MIN, f64::max);
    rule.flagged(
        Severity::Low,
        format!(
            "Heart rate at your easy pace rose by up to {top:.0} bpm over about {} weeks, without \
             more mileage{} to explain it. Many things can do this (a cold, stress, poor sleep, \
             accumulated fatigue). Low iron is one of them and is more common in female runners; \
             only a blood test can tell.{heat_note}",
            t.iron_span_days / 7,
            if has_temp { " or hot weather" } else { "" }
        ),
        flagged,
    )
}

/// Two windows of `len` days: the recent one ending on `end`, the baseline
/// one ending `span` days earlier. Inclusive bounds.
struct Windows {
    base_from: NaiveDate,
    base_to: NaiveDate,
    recent_from: NaiveDate,
    recent_to: NaiveDate,
}

impl Windows {
    fn ending(end: NaiveDate, len: u32, span: u32) -> Option<Windows> {
        let back = u64::from(len.max(1) - 1);
        let base_to = end.checked_sub_days(Days::new(u64::from(span)))?;
        Some(Windows {
            base_from: base_to.checked_sub_days(Days::new(back))?,
            base_to,
            recent_from: end.checked_sub_days(Days::new(back))?,
            recent_to: end,
        })
    }
}

fn mean_in(runs: &[(&RunView, f64)], from: NaiveDate, to: NaiveDate) -> Option<(f64, usize)> {
    let xs: Vec<f64> = runs
        .iter()
        .filter(|(r, _)| r.date >= from && r.date <= to)
        .map(|&(_, h)| h)
        .collect();
    (!xs.is_empty()).then(|| (xs.iter().sum::<f64>() / xs.len() as f64, xs.len()))
}

/// Distance per week over [from, to], from the daily table when present, else
/// the runs. The window is clipped to the start of the history, so a window
/// reaching back before the first run does not read as low volume.
fn weekly_km(inputs: &Inputs, from: NaiveDate, to: NaiveDate) -> f64 {
    let days = inputs.all_days();
    let runs = inputs.all_runs();
    let first = if days.is_empty() {
        runs.iter().map(|r| r.date).min()
    } else {
        days.iter().map(|d| d.date).min()
    };
    let from = first.map_or(from, |f| from.max(f));
    if to < from {
        return 0.0;
    }
    let total: f64 = if days.is_empty() {
        runs.iter()
            .filter(|r| r.date >= from && r.date <= to)
            .filter_map(|r| r.distance_km())
            .sum()
    } else {
        days.iter()
            .filter(|d| d.date >= from && d.date <= to)
            .map(|d| d.distance_km)
            .sum()
    };
    total * 7.0 / ((to - from).num_days() + 1) as f64
}

#[cfg(test)]
mod tests {
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

    /// Runs every 3 days from 2026-03-02 with the given easy HR and distance.
    fn series(hr: &[f64], km: &[f64], temp: Option<f64>) -> Vec<RunMetrics> {
        hr.iter()
            .zip(km)
            .enumerate()
            .map(|(i, (&h, &k))| {
                let mut m = run(d(2026, 3, 2) + Days::new(3 * i as u64), 3000.0, k);
                m.easy_heart_rate_bpm = Some(h);
                m.temperature_mean_c = temp;
                m
            })
            .collect()
    }

    #[test]
    fn unexplained_rise_of_six_bpm_is_a_low_nudge() {
        // Runs every 3 days from 03-02: HR 140 for 5 runs, then 144 and 146; 10 km each.
        let hr = [
            140.0, 140.0, 140.0, 140.0, 140.0, 144.0, 144.0, 146.0, 146.0, 146.0, 146.0, 146.0,
        ];
        let ms = series(&hr, &[10.0; 12], Some(12.0));
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Low);
        // First end date where 14-day windows 21 days apart differ by ≥ 5:
        // end 03-26: recent 03-13..03-26 = 140,144,144,146,146 → 144.0, base
        // 02-20..03-05 = 140,140 → rise 4.0 (no); end 03-29: recent 03-16..03-29 =
        // 144,144,146,146,146 → 145.2, base 02-23..03-08 = 140 → rise 5.2. The next
        // two ends fall inside the same episode and are not repeated.
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].date.as_deref(), Some("2026-03-29"));
        assert_eq!(f.evidence[0].value, 5.2);
        assert!(f.summary.contains("only a blood test can tell"));
        assert!(!f.summary.to_lowercase().contains("you have"));
    }

    #[test]
    fn rise_with_doubled_mileage_or_flat_hr_is_clear() {
        let hr = [
            140.0, 140.0, 140.0, 140.0, 140.0, 143.0, 144.0, 146.0, 146.0, 146.0, 146.0, 146.0,
        ];
        let km = [
            8.0, 8.0, 8.0, 8.0, 8.0, 12.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0,
        ];
        let f = assess_views(&views(&series(&hr, &km, None)));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(
            f.summary.contains("matching rise in weekly distance"),
            "{}",
            f.summary
        );
        assert!(f.summary.contains("could not be ruled out"));

        let flat = series(&[141.0; 12], &[10.0; 12], None);
        assert_eq!(assess_views(&views(&flat)).status, Status::Clear);
    }

    #[test]
    fn hot_runs_are_left_out() {
        let hr = [
            140.0, 140.0, 140.0, 140.0, 140.0, 143.0, 144.0, 146.0, 146.0, 146.0, 146.0, 146.0,
        ];
        let mut ms = series(&hr, &[10.0; 12], Some(12.0));
        for m in ms.iter_mut().skip(5) {
            m.temperature_mean_c = Some(30.0);
        }
        assert_eq!(assess_views(&views(&ms)).status, Status::NotAssessable);
    }

    #[test]
    fn no_heart_rate_or_too_short_history_is_not_assessable() {
        let ms = vec![run(d(2026, 3, 2), 3000.0, 10.0)];
        assert_eq!(assess_views(&views(&ms)).status, Status::NotAssessable);
        let short = series(&[140.0, 150.0, 150.0], &[10.0; 3], None);
        assert_eq!(assess_views(&views(&short)).status, Status::NotAssessable);
    }

    fn with_ferritin(vs: &[RunView], values: &[(NaiveDate, f64)]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let w = crate::wellness::Wellness {
            ferritin: values
                .iter()
                .map(|&(date, value)| crate::wellness::DayValue {
                    date,
                    value,
                    origin: crate::wellness::Origin::Journal,
                    path: "journal.csv".into(),
                })
                .collect(),
            ..Default::default()
        };
        assess(&Inputs {
            runs: vs,
            wellness: &w,
            ..Inputs::new(&profile, &t)
        })
    }

    #[test]
    fn a_low_ferritin_flags_and_a_normal_one_clears_with_the_hr_rise_secondary() {
        // The runs alone show an unexplained easy-HR rise (see above).
        let hr = [
            140.0, 140.0, 140.0, 140.0, 140.0, 144.0, 144.0, 146.0, 146.0, 146.0, 146.0, 146.0,
        ];
        let ms = series(&hr, &[10.0; 12], Some(12.0));
        let vs = views(&ms);
        let f = with_ferritin(&vs, &[(d(2025, 11, 1), 60.0), (d(2026, 3, 20), 22.0)]);
        assert_eq!(
            (f.status, f.severity),
            (Status::Flagged, Severity::Moderate)
        );
        assert_eq!(f.evidence[0].metric, "ferritin_ug_l");
        assert_eq!(f.evidence[0].value, 22.0);
        assert!(f.evidence.iter().any(|e| e.metric == "easy_hr_rise_bpm"));
        assert!(f.summary.contains("22 µg/L"), "{}", f.summary);
        assert!(f.source.starts_with("Peeling"), "{}", f.source);

        // A normal value clears iron although easy HR rose; the rise stays as a note.
        let f = with_ferritin(&vs, &[(d(2026, 3, 20), 48.0)]);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(f.summary.contains("other causes"), "{}", f.summary);
        assert!(f.evidence.iter().any(|e| e.metric == "easy_hr_rise_bpm"));

        // A normal value and flat HR: clear without evidence.
        let flat = series(&[141.0; 12], &[10.0; 12], None);
        let f = with_ferritin(&views(&flat), &[(d(2026, 3, 1), 80.0)]);
        assert_eq!(f.status, Status::Clear);
        assert!(f.evidence.is_empty());
    }

    #[test]
    fn an_old_ferritin_value_does_not_decide_and_no_runs_with_a_value_is_assessable() {
        let flat = series(&[141.0; 12], &[10.0; 12], None);
        let f = with_ferritin(&views(&flat), &[(d(2025, 6, 1), 20.0)]);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(
            f.summary.contains("more than 180 days old"),
            "{}",
            f.summary
        );
        // A blood test makes iron assessable even without heart rate.
        let ms = vec![run(d(2026, 3, 2), 3000.0, 10.0)];
        let f = with_ferritin(&views(&ms), &[(d(2026, 2, 20), 30.0)]);
        assert_eq!(f.status, Status::Flagged);
    }
}
