//! Short sleep: the weekly mean of the nights a watch or journal recorded.
//!
//! Adults need at least 7 h a night (Watson et al. 2015 consensus); athletes
//! the same or more (Walsh et al. 2021). A week is short when its mean is
//! under `sleep_min_h` **and** at least half its recorded nights are: one
//! bad night in a normal week is not a habit. Weeks need `sleep_min_nights`
//! recorded nights (a watch left on the charger is no data, never 0 h).
//! Nights group into the same weeks as the load table; weeks before the
//! window become history episodes, consecutive ones merged.

use chrono::{Days, NaiveDate};

use super::{Cause, Dated, Episode, Evidence, Finding, Inputs, Rule, Severity, plural, round2};
use crate::thresholds::Thresholds;
use crate::wellness::{Night, origins_words};

const ADVICE: &str = "Aim for 7–9 hours of sleep a night, more in heavy training weeks; \
     regular bed and wake times help.";

/// One load week's recorded nights.
struct SleepWeek<'a> {
    start: NaiveDate,
    label: String,
    nights: Vec<&'a Night>,
}

impl SleepWeek<'_> {
    fn mean_h(&self) -> f64 {
        self.nights.iter().map(|n| hours(n)).sum::<f64>() / self.nights.len().max(1) as f64
    }

    fn short_nights(&self, t: &Thresholds) -> Vec<&Night> {
        self.nights
            .iter()
            .copied()
            .filter(|n| hours(n) < t.sleep_min_h)
            .collect()
    }

    fn usable(&self, t: &Thresholds) -> bool {
        self.nights.len() >= t.sleep_min_nights as usize
    }

    /// Mean under the floor and at least half the nights short.
    fn short(&self, t: &Thresholds) -> bool {
        self.usable(t)
            && self.mean_h() < t.sleep_min_h
            && self.short_nights(t).len() * 2 >= self.nights.len()
    }

    fn evidence(&self, t: &Thresholds) -> Evidence {
        let short = self.short_nights(t);
        Evidence {
            week: Some(self.label.clone()),
            date: None,
            file: None,
            metric: "sleep_mean_h".to_string(),
            value: round2(self.mean_h()),
            limit: Some(t.sleep_min_h),
            note: format!(
                "mean of {}, {} under {} h",
                plural(self.nights.len(), "night", "nights"),
                short.len(),
                t.sleep_min_h
            ),
        }
    }
}

fn hours(n: &Night) -> f64 {
    n.asleep_s / 3600.0
}

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Sleep,
        threshold: format!(
            "weekly mean sleep < {} h with at least half the week's nights under it (weeks with \
             ≥ {} nights of data)",
            t.sleep_min_h, t.sleep_min_nights
        ),
        fields: &["sleep_min_h", "sleep_min_nights", "sleep_very_short_h"],
        advice: ADVICE,
    };
    let to = inputs.window_to();
    let from = inputs.window_from();
    let nights: Vec<&Night> = inputs
        .wellness
        .nights
        .iter()
        .filter(|n| n.date <= to && n.asleep_s.is_finite() && n.asleep_s >= 0.0)
        .collect();
    let weeks = group(inputs, &nights);
    let (base, window): (Vec<&SleepWeek>, Vec<&SleepWeek>) =
        weeks.iter().partition(|w| w.start + Days::new(6) < from);
    let history = history(&base, t);
    let in_window: Vec<&Night> = nights.iter().copied().filter(|n| n.date >= from).collect();
    if in_window.is_empty() {
        let text = match nights.last() {
            Some(last) => format!(
                "No night of sleep was recorded in the window (the last one, from {}, is on {}).",
                origins_words(nights.iter().map(|n| n.origin)),
                last.date
            ),
            None => "No sleep data: activity files carry none. Add a Garmin Connect export \
                     (its sleep data), an Apple Health export or the hours you slept in your \
                     journal to assess it."
                .to_string(),
        };
        return Rule::with_history(rule.not_assessable(text), history);
    }
    let source = format!(
        "{} from {}",
        plural(in_window.len(), "night", "nights"),
        origins_words(in_window.iter().map(|n| n.origin))
    );
    let usable: Vec<&&SleepWeek> = window.iter().filter(|w| w.usable(t)).collect();
    if usable.is_empty() {
        return Rule::with_history(
            rule.not_assessable(format!(
                "{source} in the window, but no week has {} or more nights of data.",
                t.sleep_min_nights
            )),
            history,
        );
    }
    let short: Vec<&&SleepWeek> = usable.iter().copied().filter(|w| w.short(t)).collect();
    if short.is_empty() {
        let mean = usable.iter().map(|w| w.mean_h()).sum::<f64>() / usable.len() as f64;
        return Rule::with_history(
            rule.clear(format!(
                "{} with sleep data averaged {} h or more a night ({mean:.1} h on average; \
                 {source}).",
                capital_plural(usable.len()),
                t.sleep_min_h
            )),
            history,
        );
    }
    let mut evidence: Vec<Dated> = Vec::new();
    for w in &short {
        evidence.push((w.start, w.evidence(t)));
        // The week's two shortest nights, so the reader can find them.
        let mut nights = w.short_nights(t);
        nights.sort_by(|a, b| a.asleep_s.total_cmp(&b.asleep_s));
        for n in nights.into_iter().take(2) {
            evidence.push((
                n.date,
                Evidence::for_date(
                    n.date,
                    "sleep_h",
                    hours(n),
                    Some(t.sleep_min_h),
                    format!("night ending {}, from {}", n.date, n.origin.words()),
                ),
            ));
        }
    }
    let very_short = short.iter().any(|w| w.mean_h() < t.sleep_very_short_h);
    let severity = if short.len() >= 2 || very_short {
        Severity::Moderate
    } else {
        Severity::Low
    };
    Rule::with_history(
        rule.flagged(
            severity,
            format!(
                "{} of {} with sleep data averaged under {} h a night ({source}). Short sleep \
                 is linked with feeling worn out and slower recovery from training.",
                short.len(),
                plural(usable.len(), "week", "weeks"),
                t.sleep_min_h
            ),
            evidence,
        ),
        history,
    )
}

fn capital_plural(n: usize) -> String {
    if n == 1 {
        "The 1 week".to_string()
    } else {
        format!("All {n} weeks")
    }
}

/// Nights (sorted by date) grouped into load weeks, in order.
fn group<'a>(inputs: &Inputs, nights: &[&'a Night]) -> Vec<SleepWeek<'a>> {
    let mut weeks: Vec<SleepWeek> = Vec::new();
    for n in nights {
        let (start, label) = inputs.week_of(n.date);
        match weeks.last_mut() {
            Some(w) if w.start == start => w.nights.push(n),
            _ => weeks.push(SleepWeek {
                start,
                label,
                nights: vec![n],
            }),
        }
    }
    weeks
}

/// Short baseline weeks, consecutive ones merged into one episode.
fn history(base: &[&SleepWeek], t: &Thresholds) -> Vec<Episode> {
    let mut out: Vec<Episode> = Vec::new();
    for w in base.iter().filter(|w| w.short(t)) {
        let end = w.start + Days::new(6);
        let severity = if w.mean_h() < t.sleep_very_short_h {
            Severity::Moderate
        } else {
            Severity::Low
        };
        match out.last_mut() {
            Some(e) if e.to + Days::new(1) == w.start => {
                e.to = end;
                e.severity = e.severity.max(severity);
                e.evidence.push(w.evidence(t));
            }
            _ => out.push(Episode {
                from: w.start,
                to: end,
                severity,
                summary: String::new(),
                evidence: vec![w.evidence(t)],
            }),
        }
    }
    for e in &mut out {
        let mean = e.evidence.iter().map(|x| x.value).sum::<f64>() / e.evidence.len() as f64;
        e.summary = format!(
            "{} to {}: {} of short sleep ({mean:.1} h a night on average).",
            e.from.format("%-d %b %Y"),
            e.to.format("%-d %b %Y"),
            plural(e.evidence.len(), "week", "weeks")
        );
        e.evidence.truncate(super::EVIDENCE_CAP);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::*;
    use super::*;
    use crate::findings::Window;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;
    use crate::wellness::{Origin, Wellness};

    /// The window: 4 weeks from Monday 2 Mar 2026 to Sunday 29 Mar.
    fn window() -> Window {
        Window {
            from: d(2026, 3, 2),
            to: d(2026, 3, 29),
            as_of: d(2026, 3, 29),
            partial_last_week: false,
        }
    }

    fn assess_nights(nights: Vec<Night>) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let w = Wellness {
            nights,
            ..Wellness::default()
        }
        .finish();
        let win = window();
        assess(&Inputs {
            wellness: &w,
            window: Some(&win),
            ..Inputs::new(&profile, &t)
        })
    }

    /// Nights from `first`, one per entry of `hours`; NaN = no data that night.
    fn nights(first: NaiveDate, hours: &[f64]) -> Vec<Night> {
        hours
            .iter()
            .enumerate()
            .filter(|(_, h)| h.is_finite())
            .map(|(i, &h)| night(first + Days::new(i as u64), h))
            .collect()
    }

    /// A realistic night: light, deep and REM summing to `h`, confirmed.
    fn night(date: NaiveDate, h: f64) -> Night {
        let s = h * 3600.0;
        Night {
            date,
            start: None,
            end: None,
            asleep_s: s,
            deep_s: Some(s * 0.18),
            light_s: Some(s * 0.57),
            rem_s: Some(s * 0.25),
            awake_s: Some(1500.0),
            score: Some(75.0),
            confirmed: true,
            origin: Origin::GarminExport,
            path: "DI_CONNECT/DI-Connect-Wellness/2026-01-01_2026-04-11_1_sleepData.json"
                .to_string(),
        }
    }

    /// A usual week of 7.2–8.1 h nights.
    const USUAL: [f64; 7] = [7.4, 7.8, 7.2, 8.1, 7.5, 7.9, 7.6];

    #[test]
    fn no_nights_is_not_assessable_and_names_what_to_add() {
        let f = assess_nights(vec![]);
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.summary.contains("Garmin Connect export"), "{}", f.summary);
    }

    #[test]
    fn a_single_bad_night_in_normal_weeks_does_not_flag() {
        let mut hours: Vec<f64> = USUAL.iter().cycle().take(28).copied().collect();
        // A night before an early flight: the week's mean dips to 6.99 h,
        // but one short night is not a habit.
        hours[10] = 3.5;
        let f = assess_nights(nights(d(2026, 3, 2), &hours));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(
            f.summary
                .contains("28 nights from the Garmin Connect export"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn a_two_week_short_sleep_block_is_moderate_with_weeks_and_nights() {
        let mut hours: Vec<f64> = USUAL.to_vec();
        hours.extend([6.1, 6.4, 5.8, 6.9, 6.2, 7.3, 6.5]); // mean 6.46
        hours.extend([6.3, 5.6, 6.6, 6.0, 7.1, 6.8, 6.2]); // mean 6.37
        hours.extend(USUAL);
        let f = assess_nights(nights(d(2026, 3, 2), &hours));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        let weeks: Vec<(&str, f64)> = f
            .evidence
            .iter()
            .filter(|e| e.metric == "sleep_mean_h")
            .map(|e| (e.week.as_deref().unwrap(), e.value))
            .collect();
        assert_eq!(weeks, vec![("2026-W11", 6.46), ("2026-W12", 6.37)]);
        let short: Vec<&str> = f
            .evidence
            .iter()
            .filter(|e| e.metric == "sleep_h")
            .map(|e| e.date.as_deref().unwrap())
            .collect();
        assert_eq!(
            short,
            vec!["2026-03-09", "2026-03-11", "2026-03-17", "2026-03-19"]
        );
        assert!(f.summary.starts_with("2 of 4 weeks"), "{}", f.summary);
    }

    #[test]
    fn holidays_without_data_and_a_watch_that_records_some_nights() {
        let nan = f64::NAN;
        // Week 1 full; week 2 a holiday (watch at home); week 3 only 4 nights,
        // all short; week 4 only 3 nights (too few to judge).
        let mut hours: Vec<f64> = USUAL.to_vec();
        hours.extend([nan; 7]);
        hours.extend([6.0, nan, 6.2, nan, 5.9, 6.4, nan]);
        hours.extend([5.0, nan, nan, 5.5, nan, nan, 5.2]);
        let f = assess_nights(nights(d(2026, 3, 2), &hours));
        assert_eq!(f.status, Status::Flagged, "{}", f.summary);
        assert_eq!(f.severity, Severity::Low);
        assert!(f.summary.starts_with("1 of 2 weeks"), "{}", f.summary);
        assert!(f.summary.contains("14 nights"), "{}", f.summary);
        let only_sparse = nights(d(2026, 3, 23), &[5.0, nan, nan, 5.5, nan, nan, 5.2]);
        assert_eq!(assess_nights(only_sparse).status, Status::NotAssessable);
    }

    #[test]
    fn short_weeks_before_the_window_are_history_and_nights_after_as_of_are_ignored() {
        let mut hours: Vec<f64> = Vec::new();
        hours.extend([6.0; 14]); // 16 Feb – 1 Mar: two short weeks
        hours.extend(USUAL.iter().cycle().take(28));
        hours.extend([4.0; 7]); // after the as-of day
        let f = assess_nights(nights(d(2026, 2, 16), &hours));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert_eq!(f.history.len(), 1);
        assert_eq!(
            (f.history[0].from, f.history[0].to),
            (d(2026, 2, 16), d(2026, 3, 1))
        );
        assert!(f.history[0].summary.contains("2 weeks of short sleep"));
    }
}
