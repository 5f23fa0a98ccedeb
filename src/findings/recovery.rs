//! Skipped recovery: no rest days, the same load every day, long streaks.
//!
//! Foster's monotony (daily mean ÷ SD over a week) is high when every day
//! looks the same, which is what "no easy days, no rest days" does to the
//! load table; streaks count consecutive run days directly. Monotony flags
//! when at least two of the window's complete weeks exceed the limit.
//!
//! The verdict judges the window's complete weeks only: an unfinished
//! (partial) week is never judged on rest days or monotony. A streak counts
//! when it ends in the window (its days before the window count in full).
//! Weeks without a rest day flag when they are a change from the runner's
//! habit: at least `rest_habit_share` of the last 12 baseline weeks had a
//! rest day (or the baseline is too short to say). For a runner who
//! habitually runs every day they are a note; the streak rule speaks. The same signals
//! before the window become history episodes, consecutive weeks merged.
//! Each signal is one block of parts and evidence in [`Signals`], so another
//! signal is one more block.

use chrono::{Days, NaiveDate};

use super::{Cause, Dated, Episode, Evidence, Finding, Inputs, Rule, Severity, capitalise, plural};
use crate::load::{Day, Week};
use crate::thresholds::Thresholds;

const ADVICE: &str = "Take at least one or two rest days a week and keep easy days truly easy, \
     so hard days and rest days alternate. Rest days are when the legs adapt to training.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    // The resting-HR and HRV markers are part of this verdict only when the
    // inputs hold them; then their thresholds (and sources) are the rule's too.
    let w = inputs.wellness;
    let with_markers = !w.resting_hr.is_empty() || !w.hrv.is_empty();
    let mut threshold = format!(
        "Foster monotony > {} in ≥ 2 weeks (≥ {} or one week worth a note); ≥ {} consecutive \
         run days; complete \
         weeks with runs and no rest day, when ≥ {} % of the runner's recent weeks had one; \
         unfinished weeks are not judged; ≥ {:.0} % of the window's runs moderate or hard \
         (at least {} runs with HR)",
        t.monotony_flag,
        t.monotony_warn,
        t.streak_days,
        t.rest_habit_share * 100.0,
        t.no_easy_share * 100.0,
        t.no_easy_min_runs
    );
    if with_markers {
        threshold.push_str(&format!(
            "; 7-day mean resting HR ≥ {} bpm above the runner's {}-day baseline on ≥ {} days, \
             or 7-day mean ln HRV (≥ {} nights) below the baseline mean − {} SD, for ≥ {} \
             days in a row",
            t.rhr_rise_bpm,
            t.marker_baseline_days,
            t.rhr_min_days,
            t.hrv_min_nights,
            t.hrv_band_sd,
            t.marker_min_run_days
        ));
    }
    let rule = Rule {
        cause: Cause::Recovery,
        threshold,
        fields: if with_markers {
            &[
                "monotony_flag",
                "monotony_warn",
                "streak_days",
                "rest_habit_share",
                "no_easy_share",
                "no_easy_min_runs",
                "marker_baseline_days",
                "rhr_rise_bpm",
                "rhr_min_days",
                "hrv_band_sd",
                "hrv_min_nights",
                "marker_min_run_days",
            ]
        } else {
            &[
                "monotony_flag",
                "monotony_warn",
                "streak_days",
                "rest_habit_share",
                "no_easy_share",
                "no_easy_min_runs",
            ]
        },
        advice: ADVICE,
    };
    let weeks = inputs.sorted_weeks();
    if weeks.is_empty() && inputs.days.is_empty() {
        return rule.not_assessable("Needs dated runs to build the daily and weekly load.");
    }
    let from = inputs.window_from();
    let history = history(inputs, from, t);

    let s = week_signals(&weeks, t);
    let streaks: Vec<Dated> = if inputs.days.is_empty() && inputs.baseline.days.is_empty() {
        week_streaks(&weeks, t.streak_days)
    } else {
        day_streaks(&inputs.all_days(), t.streak_days)
            .into_iter()
            .filter(|(end, _)| *end >= from)
            .collect()
    };
    let no_rest_flags = !s.no_rest.is_empty() && rest_is_habit(inputs, t);
    // Distance-based daily loads make one week's monotony noisy (Foster used
    // session RPE): one week above the flag is a note, two are a pattern.
    let mut s = s;
    if s.monotony_high.len() == 1 {
        s.monotony_warn.append(&mut s.monotony_high);
    }

    let mut parts = Vec::new();
    if !s.monotony_high.is_empty() {
        parts.push(format!(
            "{} had a monotony above {} (little difference between days)",
            plural(s.monotony_high.len(), "week", "weeks"),
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
    if no_rest_flags {
        parts.push(format!(
            "{} without a single rest day",
            plural(s.no_rest.len(), "week", "weeks")
        ));
    }
    // Its own signal block (see intensity_mix.rs): most runs moderate or hard.
    // A habitual mix is a note, like a habitual week without rest.
    let (no_easy, usual_mix) = match super::intensity_mix::no_easy_days(inputs) {
        Some(n) if n.habit => (None, Some(n)),
        n => (n, None),
    };
    if let Some(n) = &no_easy {
        parts.push(n.part.clone());
    }
    // Its own signal block (see markers.rs): resting HR and HRV against the
    // runner's own range.
    let markers = super::markers::assess(inputs);
    if let Some(p) = &markers.part {
        parts.push(p.clone());
    }
    let mut history = history;
    history.extend(markers.history);
    let data_note = marker_note(&markers.used, &markers.unjudged, markers.part.is_some());
    let partial = if weeks.iter().any(|w| w.partial) {
        " The unfinished last week is not judged on rest days or monotony."
    } else {
        ""
    };
    if parts.is_empty() {
        let mut notes = String::new();
        if !s.no_rest.is_empty() {
            notes.push_str(&format!(
                " {} had no rest day, as most of your recent weeks: worth a note only.",
                plural(s.no_rest.len(), "week", "weeks")
            ));
        }
        if !s.monotony_warn.is_empty() {
            notes.push_str(&format!(
                " {} reached a monotony of {}–{}: worth a note only.",
                plural(s.monotony_warn.len(), "week", "weeks"),
                t.monotony_warn,
                t.monotony_flag
            ));
        }
        if let Some(n) = &usual_mix {
            notes.push_str(&format!(
                " {}, as in the 12 weeks before: your usual mix, so not a new reason for heavy \
                 legs, but more easy runs would give your legs more recovery.",
                capitalise(&n.part)
            ));
        }
        let text = format!(
            "The window's weeks had rest days, no streak reached {} days and monotony stayed at \
             or below {}.{notes}{partial}{data_note}",
            t.streak_days, t.monotony_flag
        );
        let f = match usual_mix {
            Some(n) => rule.noted(text, n.evidence),
            None => rule.clear(text),
        };
        return Rule::with_history(f, history);
    }
    let severity = match (!s.monotony_high.is_empty(), !streaks.is_empty()) {
        (true, true) => Severity::High,
        (true, false) | (false, true) => Severity::Moderate,
        (false, false) => Severity::Low,
    };
    let severity = no_easy
        .as_ref()
        .map_or(severity, |n| severity.max(n.severity))
        .max(markers.severity);
    let mut summary = parts.join("; ");
    summary.push_str(
        ". Too little recovery is a common cause of heavy legs; monotony and streak \
         limits are rules of thumb from small studies.",
    );
    summary.push_str(partial);
    summary.push_str(&data_note);
    if let Some(n) = &usual_mix {
        summary.push_str(&format!(
            " {}, as in the 12 weeks before (your usual mix).",
            capitalise(&n.part)
        ));
    }
    let mut evidence = s.monotony_high;
    evidence.extend(s.monotony_warn);
    evidence.extend(streaks);
    evidence.extend(s.no_rest);
    evidence.extend(no_easy.map(|n| n.evidence).unwrap_or_default());
    evidence.extend(markers.evidence);
    Rule::with_history(
        rule.flagged(severity, capitalise(&summary), evidence),
        history,
    )
}

/// " Read from resting HR on 28 days from …" — which recovery markers were
/// read, whether they stayed in range, and what could not be judged.
fn marker_note(used: &Option<String>, unjudged: &[String], out: bool) -> String {
    let mut note = match (used, out || !unjudged.is_empty()) {
        (None, _) => String::new(),
        (Some(u), true) => format!(" Recovery markers read: {u}."),
        (Some(u), false) => format!(" Recovery markers ({u}) stayed in your usual range."),
    };
    if !unjudged.is_empty() {
        note.push_str(&format!(" Not judged: {}.", unjudged.join("; ")));
    }
    note
}

/// Whether this runner usually takes a rest day: at least `rest_habit_share`
/// of the last 12 complete baseline weeks with runs had one. With fewer than
/// 4 such weeks the habit is unknown and a week without rest counts.
fn rest_is_habit(inputs: &Inputs, t: &Thresholds) -> bool {
    let mut base: Vec<&Week> = inputs
        .baseline
        .weeks
        .iter()
        .filter(|w| complete(w) && w.runs > 0)
        .collect();
    base.sort_by_key(|w| w.start);
    let recent = &base[base.len().saturating_sub(12)..];
    if recent.len() < 4 {
        return true;
    }
    let with_rest = recent.iter().filter(|w| w.rest_days > 0).count();
    with_rest as f64 >= t.rest_habit_share * recent.len() as f64
}

/// The week-level signals of complete weeks.
#[derive(Default)]
struct Signals {
    no_rest: Vec<Dated>,
    monotony_high: Vec<Dated>,
    monotony_warn: Vec<Dated>,
}

fn complete(w: &Week) -> bool {
    !w.partial && w.days_in_history >= 7
}

fn week_signals(weeks: &[&Week], t: &Thresholds) -> Signals {
    let mut s = Signals::default();
    for w in weeks.iter().filter(|w| complete(w)) {
        if w.runs > 0 && w.rest_days == 0 {
            let note = format!("{} runs, no rest day", w.runs);
            s.no_rest.push((
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
            s.monotony_high.push((
                w.start,
                Evidence::for_week(w, "monotony", m, Some(t.monotony_flag), note),
            ));
        } else if m >= t.monotony_warn {
            let note = format!("worth a note, below the {} flag{strain}", t.monotony_flag);
            s.monotony_warn.push((
                w.start,
                Evidence::for_week(w, "monotony", m, Some(t.monotony_warn), note),
            ));
        }
    }
    s
}

/// Baseline weeks with a signal, consecutive ones merged into one episode;
/// streaks that ended before the window are episodes of their own.
fn history(inputs: &Inputs, from: NaiveDate, t: &Thresholds) -> Vec<Episode> {
    let mut base: Vec<&Week> = inputs.baseline.weeks.iter().collect();
    base.sort_by_key(|w| w.start);
    let mut out: Vec<Episode> = Vec::new();
    let mut open: Option<Episode> = None;
    for w in base {
        let s = week_signals(&[w], t);
        let high = !s.monotony_high.is_empty();
        if s.no_rest.is_empty() && !high {
            out.extend(open.take());
            continue;
        }
        let mut ev: Vec<Evidence> = s.monotony_high.into_iter().map(|(_, e)| e).collect();
        ev.extend(s.no_rest.into_iter().map(|(_, e)| e));
        let severity = if high {
            Severity::Moderate
        } else {
            Severity::Low
        };
        let end = w.start + Days::new(6);
        match open.as_mut() {
            Some(e) if e.to + Days::new(1) == w.start => {
                e.to = end;
                e.severity = e.severity.max(severity);
                e.evidence.extend(ev);
            }
            _ => {
                out.extend(open.take());
                open = Some(Episode {
                    from: w.start,
                    to: end,
                    severity,
                    summary: String::new(),
                    evidence: ev,
                });
            }
        }
    }
    out.extend(open);
    for e in &mut out {
        let weeks = ((e.to - e.from).num_days() + 1) / 7;
        e.summary = format!(
            "{} to {}: {} without a rest day or with every day alike.",
            e.from.format("%-d %b %Y"),
            e.to.format("%-d %b %Y"),
            plural(weeks as usize, "week", "weeks")
        );
        e.evidence.truncate(super::EVIDENCE_CAP);
    }
    let days = inputs.all_days();
    for (end, ev) in day_streaks(&days, t.streak_days) {
        if end >= from {
            continue;
        }
        let len = ev.value as u64;
        let start = end - Days::new(len.saturating_sub(1));
        out.push(Episode {
            from: start,
            to: end,
            severity: Severity::Moderate,
            summary: format!(
                "{} to {}: {len} days in a row without a rest day.",
                start.format("%-d %b %Y"),
                end.format("%-d %b %Y")
            ),
            evidence: vec![ev],
        });
    }
    out
}

/// Maximal runs of consecutive dates with at least one run, at least `min` long.
fn day_streaks(days: &[&Day], min: u32) -> Vec<Dated> {
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
fn week_streaks(weeks: &[&Week], min: u32) -> Vec<Dated> {
    let mut out = Vec::new();
    for (i, w) in weeks.iter().enumerate() {
        let continues = weeks.get(i + 1).is_some_and(|n| {
            n.start == w.start + Days::new(7) && n.streak_days > w.streak_days && n.streak_days > 7
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
        ws[1].monotony = Some(2.2);
        ws[2].streak_days = 15;
        let f = assess_with(&ws, &[]);
        assert_eq!(f.severity, Severity::High);
        let m: Vec<f64> = f
            .evidence
            .iter()
            .filter(|e| e.metric == "monotony")
            .map(|e| e.value)
            .collect();
        assert_eq!(m, vec![2.4, 2.2]);
        // One week above the flag is a note only.
        ws[1].monotony = Some(1.7);
        ws[2].streak_days = 5;
        assert_eq!(assess_with(&ws, &[]).status, Status::Clear);

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
    fn an_unfinished_week_is_not_judged_and_one_busy_week_is_a_note() {
        // The last week has 5 runs in 5 days so far: unfinished, not judged.
        let mut ws = weeks(d(2026, 3, 2), &[30.0, 30.0, 25.0]);
        ws[2].runs = 5;
        ws[2].rest_days = 0;
        ws[2].days_in_history = 5;
        ws[2].partial = true;
        let f = assess_with(&ws, &[]);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(f.summary.contains("unfinished last week"), "{}", f.summary);
        // A complete week without rest, with no baseline to say otherwise: low.
        ws[0].runs = 7;
        ws[0].rest_days = 0;
        let f = assess_with(&ws, &[]);
        assert_eq!((f.status, f.severity), (Status::Flagged, Severity::Low));
        assert_eq!(f.evidence.len(), 1);
    }

    #[test]
    fn a_week_without_rest_is_a_note_for_a_habitual_daily_runner() {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let mut habit = weeks(d(2026, 1, 5), &[40.0; 8]);
        for w in &mut habit {
            w.runs = 7;
            w.rest_days = 0;
        }
        let mut win = weeks(d(2026, 3, 2), &[40.0, 40.0]);
        win[0].runs = 7;
        win[0].rest_days = 0;
        let base = crate::findings::Baseline {
            weeks: &habit,
            ..Default::default()
        };
        let f = assess(&Inputs {
            weeks: &win,
            baseline: base,
            ..Inputs::new(&profile, &t)
        });
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(
            f.summary.contains("as most of your recent weeks"),
            "{}",
            f.summary
        );
        // The same week for a runner who usually rests: flagged.
        let usual = weeks(d(2026, 1, 5), &[40.0; 8]);
        let f = assess(&Inputs {
            weeks: &win,
            baseline: crate::findings::Baseline {
                weeks: &usual,
                ..Default::default()
            },
            ..Inputs::new(&profile, &t)
        });
        assert_eq!(f.status, Status::Flagged);
    }

    #[test]
    fn baseline_weeks_without_rest_are_one_merged_episode() {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let mut base = weeks(d(2026, 1, 5), &[30.0, 30.0, 30.0, 30.0]);
        for w in &mut base[1..3] {
            w.runs = 7;
            w.rest_days = 0;
        }
        let win = weeks(d(2026, 2, 2), &[30.0, 30.0]);
        let f = assess(&Inputs {
            weeks: &win,
            baseline: crate::findings::Baseline {
                weeks: &base,
                ..Default::default()
            },
            ..Inputs::new(&profile, &t)
        });
        assert_eq!(f.status, Status::Clear);
        assert_eq!(f.history.len(), 1);
        assert_eq!(
            (f.history[0].from, f.history[0].to),
            (d(2026, 1, 12), d(2026, 1, 25))
        );
        assert!(
            f.history[0].summary.contains("2 weeks"),
            "{}",
            f.history[0].summary
        );
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
