//! Skipped recovery: no rest days, the same load every day, long streaks.
//!
//! Foster's monotony (daily mean ÷ SD over a week) is high when every day
//! looks the same, which is what "no easy days, no rest days" does to the
//! load table; streaks count consecutive run days directly.

use chrono::{Days, NaiveDate};

use super::{Cause, Dated, Evidence, Finding, Inputs, Rule, Severity, capitalise, plural};
use crate::load::Day;

const ADVICE: &str = "Take at least one or two rest days a week and keep easy days truly easy, \
     so hard days and rest days alternate. Rest days are when the legs adapt to training.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Recovery,
        threshold: format!(
            "Foster monotony > {} (≥ {} worth a note); ≥ {} consecutive run days; weeks with \
             runs and no rest day; ≥ {:.0} % of runs moderate or hard (at least {} runs with HR)",
            t.monotony_flag,
            t.monotony_warn,
            t.streak_days,
            t.no_easy_share * 100.0,
            t.no_easy_min_runs
        ),
        fields: &[
            "monotony_flag",
            "monotony_warn",
            "streak_days",
            "no_easy_share",
            "no_easy_min_runs",
        ],
        advice: ADVICE,
    };
    let weeks = inputs.sorted_weeks();
    if weeks.is_empty() && inputs.days.is_empty() {
        return rule.not_assessable("Needs dated runs to build the daily and weekly load.");
    }

    let mut no_rest = Vec::new();
    let mut monotony_high = Vec::new();
    let mut monotony_warn = Vec::new();
    for w in &weeks {
        if w.runs > 0 && w.rest_days == 0 {
            let note = format!("{} runs, no rest day", w.runs);
            no_rest.push((
                w.start,
                Evidence::for_week(w, "rest_days", 0.0, Some(1.0), note),
            ));
        }
        let Some(m) = w.monotony.filter(|m| m.is_finite()) else {
            continue;
        };
        let strain = w
            .strain
            .filter(|s| s.is_finite())
            .map_or(String::new(), |s| format!(", strain {s:.0}"));
        if m > t.monotony_flag {
            let note = format!("every day carried similar load{strain}");
            monotony_high.push((
                w.start,
                Evidence::for_week(w, "monotony", m, Some(t.monotony_flag), note),
            ));
        } else if m >= t.monotony_warn {
            let note = format!("worth a note, below the {} flag{strain}", t.monotony_flag);
            monotony_warn.push((
                w.start,
                Evidence::for_week(w, "monotony", m, Some(t.monotony_warn), note),
            ));
        }
    }
    let streaks = if inputs.days.is_empty() {
        week_streaks(inputs)
    } else {
        day_streaks(inputs.days, t.streak_days)
    };

    let mut parts = Vec::new();
    if !monotony_high.is_empty() {
        parts.push(format!(
            "{} had a monotony above {} (little difference between days)",
            plural(monotony_high.len(), "week", "weeks"),
            t.monotony_flag
        ));
    }
    if !streaks.is_empty() {
        parts.push(format!(
            "{} of {} or more days in a row without a rest day",
            plural(streaks.len(), "streak", "streaks"),
            t.streak_days
        ));
    }
    if !no_rest.is_empty() {
        parts.push(format!(
            "{} without a single rest day",
            plural(no_rest.len(), "week", "weeks")
        ));
    }
    // Its own signal block (see intensity_mix.rs): most runs moderate or hard.
    let no_easy = super::intensity_mix::no_easy_days(inputs);
    if let Some(s) = &no_easy {
        parts.push(s.part.clone());
    }
    if parts.is_empty() {
        let warn = if monotony_warn.is_empty() {
            String::new()
        } else {
            format!(
                " {} reached a monotony of {}–{}: worth a note only.",
                plural(monotony_warn.len(), "week", "weeks"),
                t.monotony_warn,
                t.monotony_flag
            )
        };
        return rule.clear(format!(
            "Every week had a rest day, no streak reached {} days and monotony stayed at or below {}.{warn}",
            t.streak_days, t.monotony_flag
        ));
    }
    let severity = match (!monotony_high.is_empty(), !streaks.is_empty()) {
        (true, true) => Severity::High,
        (true, false) | (false, true) => Severity::Moderate,
        (false, false) => Severity::Low,
    };
    let severity = no_easy
        .as_ref()
        .map_or(severity, |s| severity.max(s.severity));
    let mut summary = parts.join("; ");
    summary.push_str(". Too little recovery is a common cause of heavy legs; monotony and streak limits are rules of thumb from small studies.");
    let mut evidence = monotony_high;
    evidence.extend(monotony_warn);
    evidence.extend(streaks);
    evidence.extend(no_rest);
    evidence.extend(no_easy.map(|s| s.evidence).unwrap_or_default());
    rule.flagged(severity, capitalise(&summary), evidence)
}

/// Maximal runs of consecutive dates with at least one run, at least `min` long.
fn day_streaks(days: &[Day], min: u32) -> Vec<Dated> {
    let mut run_dates: Vec<NaiveDate> =
        days.iter().filter(|d| d.runs > 0).map(|d| d.date).collect();
    run_dates.sort_unstable();
    run_dates.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < run_dates.len() {
        let mut j = i;
        while j + 1 < run_dates.len()
            && run_dates[j].checked_add_days(Days::new(1)) == Some(run_dates[j + 1])
        {
            j += 1;
        }
        let len = (j - i + 1) as u32;
        if len >= min {
            let note = format!("{} to {}", run_dates[i], run_dates[j]);
            out.push((
                run_dates[j],
                Evidence::for_date(
                    run_dates[j],
                    "streak_days",
                    f64::from(len),
                    Some(f64::from(min)),
                    note,
                ),
            ));
        }
        i = j + 1;
    }
    out
}

/// Streaks from the weekly table when no daily table exists: a streak that
/// carries into the next week is reported only where it ends.
fn week_streaks(inputs: &Inputs) -> Vec<Dated> {
    let min = inputs.thresholds.streak_days;
    let weeks = inputs.sorted_weeks();
    let mut out = Vec::new();
    for (i, w) in weeks.iter().enumerate() {
        let continues = weeks.get(i + 1).is_some_and(|n| {
            n.start == w.start + Days::new(7)
                && n.streak_days >= w.streak_days + 1
                && n.streak_days > 7
        });
        if w.streak_days >= min && !continues {
            let note = "longest streak ending this week".to_string();
            out.push((
                w.start,
                Evidence::for_week(
                    w,
                    "streak_days",
                    f64::from(w.streak_days),
                    Some(f64::from(min)),
                    note,
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::*;
    use super::*;
    use crate::load::Week;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;

    fn assess_with(weeks: &[Week], days: &[Day]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assess(&Inputs {
            weeks,
            days,
            ..Inputs::new(&profile, &t)
        })
    }

    #[test]
    fn sixteen_days_in_a_row_is_a_streak_and_the_full_week_has_no_rest() {
        // Mon 2026-03-02: rest, then 16 run days (03-03..03-18), rest, 2 runs.
        let mut kms = vec![0.0];
        kms.extend(std::iter::repeat_n(5.0, 16));
        kms.extend([0.0, 6.0, 6.0]);
        let ds = days(d(2026, 3, 2), &kms);
        let mut ws = weeks(d(2026, 3, 2), &[30.0, 35.0, 20.0]);
        ws[1].runs = 7;
        ws[1].rest_days = 0;
        let f = assess_with(&ws, &ds);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        let streak = f
            .evidence
            .iter()
            .find(|e| e.metric == "streak_days")
            .unwrap();
        assert_eq!(streak.value, 16.0);
        assert_eq!(streak.date.as_deref(), Some("2026-03-18"));
        assert_eq!(streak.note, "2026-03-03 to 2026-03-18");
        let rest = f.evidence.iter().find(|e| e.metric == "rest_days").unwrap();
        assert_eq!(rest.week.as_deref(), Some("2026-W11"));
        assert_eq!(f.evidence.len(), 2);
    }

    #[test]
    fn high_monotony_plus_streak_is_high_and_warn_level_alone_is_clear() {
        let mut ws = weeks(d(2026, 3, 2), &[30.0, 30.0, 30.0]);
        ws[0].monotony = Some(2.4);
        ws[1].monotony = Some(1.7);
        ws[2].streak_days = 15;
        let f = assess_with(&ws, &[]);
        assert_eq!(f.severity, Severity::High);
        let m: Vec<f64> = f
            .evidence
            .iter()
            .filter(|e| e.metric == "monotony")
            .map(|e| e.value)
            .collect();
        assert_eq!(m, vec![2.4, 1.7]);

        let mut calm = weeks(d(2026, 3, 2), &[30.0, 30.0]);
        calm[1].monotony = Some(1.7);
        calm[1].streak_days = 5;
        let f = assess_with(&calm, &[]);
        assert_eq!(f.status, Status::Clear);
        assert!(
            f.summary.contains("1 week reached a monotony of 1.5–2"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn streak_spanning_weeks_is_reported_once_from_the_weekly_table() {
        let mut ws = weeks(d(2026, 3, 2), &[30.0, 35.0, 35.0, 20.0]);
        ws[0].streak_days = 4;
        ws[1].streak_days = 11;
        ws[2].streak_days = 18;
        ws[3].streak_days = 2;
        let f = assess_with(&ws, &[]);
        let s: Vec<_> = f
            .evidence
            .iter()
            .filter(|e| e.metric == "streak_days")
            .collect();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].value, 18.0);
    }

    #[test]
    fn regular_rest_days_are_clear_and_no_data_is_not_assessable() {
        let kms = [5.0, 0.0, 8.0, 5.0, 0.0, 6.0, 12.0, 0.0, 5.0, 6.0];
        let ws = weeks(d(2026, 3, 2), &[36.0, 11.0]);
        let f = assess_with(&ws, &days(d(2026, 3, 2), &kms));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert_eq!(assess_with(&[], &[]).status, Status::NotAssessable);
    }
}
