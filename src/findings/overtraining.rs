//! Overtraining: too many miles for what this runner recently handled.
//!
//! The window's weeks are judged against the runner's own capacity: the
//! highest complete week among the `capacity_weeks` before each week.
//! Three signals, each its own evidence item:
//!
//! - **capacity spike**: a week above `capacity_spike_ratio` × that highest
//!   week and at least `capacity_min_increase_km` above it (Nielsen 2014,
//!   Damsted 2019, against capacity as in Bertelsen 2017). A return to usual
//!   volume after one easy week stays within capacity, and a low-volume
//!   runner's ±30 % wobble stays under the absolute margin;
//! - **ACWR in context**: an acute:chronic ratio ≥ `acwr_spike` counts only in
//!   a week at least `capacity_min_increase_km` above the capacity (Gabbett 2016; the ratio alone is
//!   contested, Impellizzeri 2020, and is high after any easy spell);
//! - **rushed comeback** after a break (Blanch & Gabbett 2016), its own rule.
//!
//! Severity: `high` only for a large (≥ `capacity_high_ratio` × capacity)
//! spike backed by ACWR or a rushed comeback, in the last `spike_recent_days`;
//! `moderate` for a spike or rushed comeback; `low` for ACWR in context alone.
//! The same signals before the window become history episodes.

use chrono::{Days, NaiveDate};

use super::{
    Cause, Dated, Episode, Evidence, Finding, Inputs, Rule, Severity, capitalise, plural, round2,
};
use crate::load::{Break, Day, Week};
use crate::thresholds::Thresholds;

const ADVICE: &str = "Run fewer miles for a week or two and let your legs recover, then build \
     back up gradually over several weeks instead of jumping. After a break, start below your \
     old weekly distance and rebuild over a few weeks.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Overtraining,
        threshold: format!(
            "a week > {}× and ≥ {} km above the most run in any of the {} weeks before it \
             (needs {} such weeks) is a spike, ≥ {}× a large one; ACWR (rolling 7:28 or EWMA) ≥ \
             {} counts only in a week ≥ that margin above capacity; after a break of ≥ {} days below \
             {} % of usual volume, a return week > {}× the pre-break weekly distance, or with ACWR \
             ≥ {} after a break of a whole chronic window",
            t.capacity_spike_ratio,
            t.capacity_min_increase_km,
            t.capacity_weeks,
            t.capacity_min_weeks,
            t.capacity_high_ratio,
            t.acwr_spike,
            t.comeback_gap_days,
            t.comeback_volume_share * 100.0,
            t.comeback_return_ratio,
            t.acwr_spike,
        ),
        fields: &[
            "capacity_spike_ratio",
            "capacity_weeks",
            "capacity_min_weeks",
            "capacity_min_increase_km",
            "capacity_high_ratio",
            "spike_recent_days",
            "ramp_spike_pct",
            "acwr_spike",
            "acwr_min_history_days",
            "comeback_gap_days",
            "comeback_volume_share",
            "comeback_return_ratio",
        ],
        advice: ADVICE,
    };
    let all = inputs.all_weeks();
    let from = inputs.window_from();
    let as_of = inputs
        .window
        .map(|w| w.as_of)
        .or_else(|| all.last().map(|w| w.start + Days::new(6)))
        .unwrap_or(NaiveDate::MIN);
    let first_day = history_start(inputs, &all);
    let in_window = |w: &Week| w.start + Days::new(6) >= from;

    let mut judged = 0;
    let mut window_signals: Vec<Signal> = Vec::new();
    let mut past: Vec<Signal> = Vec::new();
    let mut ramp_named = 0;
    for (i, &w) in all.iter().enumerate() {
        let Some(cap) = capacity(&all[..i], t) else {
            continue;
        };
        let sig = judge_week(w, cap, first_day, t);
        if in_window(w) {
            judged += 1;
            match sig {
                Some(s) => window_signals.push(s),
                None => {
                    if w.ramp_pct
                        .is_some_and(|p| p.is_finite() && p > t.ramp_spike_pct)
                    {
                        ramp_named += 1;
                    }
                }
            }
        } else if let Some(s) = sig {
            past.push(s);
        }
    }
    let (mut comeback, past_comeback) = comebacks(inputs, &all, from);

    let history = episodes(&past, &past_comeback, t);
    let spikes: Vec<&Signal> = window_signals.iter().filter(|s| s.spike).collect();
    let acwr_only: Vec<&Signal> = window_signals.iter().filter(|s| !s.spike).collect();

    if judged == 0 && comeback.is_empty() {
        let f = rule.not_assessable(format!(
            "Needs {} complete weeks of runs before a week to know what this runner usually \
             handles; the window has no week with that much history before it.",
            t.capacity_min_weeks
        ));
        return Rule::with_history(f, history);
    }
    let ramp_note = if ramp_named > 0 {
        format!(
            " {} rose more than {} % over the week before but stayed within what you ran in the \
             previous {} weeks: not a spike.",
            plural(ramp_named, "week", "weeks"),
            t.ramp_spike_pct,
            t.capacity_weeks
        )
    } else {
        String::new()
    };
    if window_signals.is_empty() && comeback.is_empty() {
        let f = rule.clear(format!(
            "No week in the window went well above what you ran in the {} weeks before it, and \
             no rushed comeback after a break.{ramp_note}",
            t.capacity_weeks
        ));
        return Rule::with_history(f, history);
    }

    let mut parts = Vec::new();
    if !spikes.is_empty() {
        let worst = spikes.iter().map(|s| s.ratio).fold(0.0, f64::max);
        parts.push(format!(
            "{} went well above the most you ran in the {} weeks before (up to {:.1}×)",
            plural(spikes.len(), "week", "weeks"),
            t.capacity_weeks,
            worst
        ));
    }
    if !acwr_only.is_empty() {
        parts.push(format!(
            "{} went above your recent weeks with an acute:chronic load ratio of {} or more",
            plural(acwr_only.len(), "week", "weeks"),
            t.acwr_spike
        ));
    }
    if !comeback.is_empty() {
        parts.push(format!(
            "{} after a break went straight back to or above the pre-break load",
            plural(comeback.len(), "return week", "return weeks")
        ));
    }
    let recent_from = as_of
        .checked_sub_days(Days::new(u64::from(t.spike_recent_days.max(1)) - 1))
        .unwrap_or(NaiveDate::MIN);
    let recent = |d: NaiveDate| d + Days::new(6) >= recent_from;
    let large_recent = spikes
        .iter()
        .any(|s| s.ratio >= t.capacity_high_ratio && s.acwr.is_some() && recent(s.start));
    let comeback_with_spike = !comeback.is_empty() && spikes.iter().any(|s| recent(s.start));
    let severity = if large_recent || comeback_with_spike {
        Severity::High
    } else if !spikes.is_empty() || !comeback.is_empty() {
        Severity::Moderate
    } else {
        Severity::Low
    };
    let summary = format!(
        "{}. Sudden load increases beyond what you are used to are a common reason legs feel \
         heavy; the cut-offs come from studies with moderate evidence, so read them as a pattern, \
         not a verdict.{ramp_note}",
        capitalise(&parts.join("; "))
    );
    let mut evidence: Vec<Dated> = window_signals
        .into_iter()
        .flat_map(|s| s.evidence)
        .collect();
    evidence.append(&mut comeback);
    Rule::with_history(rule.flagged(severity, summary, evidence), history)
}

/// The most this runner ran in one finished week among the `capacity_weeks`
/// before a week, when at least `capacity_min_weeks` of them had runs.
fn capacity(before: &[&Week], t: &Thresholds) -> Option<f64> {
    let recent = &before[before.len().saturating_sub(t.capacity_weeks as usize)..];
    // The history's first week may be short: its distance is a lower bound
    // of what the runner handled, so it still counts.
    let complete: Vec<f64> = recent
        .iter()
        .filter(|w| !w.partial)
        .map(|w| w.distance_km)
        .filter(|km| km.is_finite())
        .collect();
    let with_runs = complete.iter().filter(|&&km| km > 0.0).count();
    if with_runs < t.capacity_min_weeks.max(1) as usize {
        return None;
    }
    complete.into_iter().reduce(f64::max).filter(|&m| m > 0.0)
}

/// One week's load signal: a capacity spike or ACWR above capacity.
struct Signal {
    start: NaiveDate,
    spike: bool,
    ratio: f64,
    acwr: Option<(&'static str, f64)>,
    evidence: Vec<Dated>,
}

/// A partial week is judged on what it already holds: it can only grow.
fn judge_week(w: &Week, cap: f64, first: NaiveDate, t: &Thresholds) -> Option<Signal> {
    let km = w.distance_km;
    if !km.is_finite() {
        return None;
    }
    let ratio = km / cap;
    let spike = ratio > t.capacity_spike_ratio && km - cap >= t.capacity_min_increase_km;
    let last_day = w.start + Days::new(6);
    let acwr = ((last_day - first).num_days() + 1 >= i64::from(t.acwr_min_history_days))
        .then(|| peak_acwr(w))
        .flatten()
        .filter(|&(_, v)| v >= t.acwr_spike)
        .filter(|_| km - cap >= t.capacity_min_increase_km);
    if !spike && acwr.is_none() {
        return None;
    }
    let ramp = w
        .ramp_pct
        .filter(|p| p.is_finite())
        .map_or(String::new(), |p| {
            format!("; {:+.0} % over the week before", round2(p))
        });
    let partial = if w.partial {
        " (week not finished)"
    } else {
        ""
    };
    let mut evidence = Vec::new();
    if spike {
        let note = format!(
            "{km:.1} km{partial} vs at most {cap:.1} km in the {} weeks before (+{:.1} km{ramp})",
            t.capacity_weeks,
            km - cap
        );
        evidence.push((
            w.start,
            Evidence::for_week(
                w,
                "capacity_ratio",
                ratio,
                Some(t.capacity_spike_ratio),
                note,
            ),
        ));
    }
    if let Some((metric, value)) = acwr {
        let note = format!(
            "rolling {}, EWMA {} (usual range {}–{}); {km:.1} km vs at most {cap:.1} km before",
            show(w.acwr_rolling),
            show(w.acwr_ewma),
            t.acwr_low,
            t.acwr_sweet_max
        );
        evidence.push((
            w.start,
            Evidence::for_week(w, metric, value, Some(t.acwr_spike), note),
        ));
    }
    Some(Signal {
        start: w.start,
        spike,
        ratio,
        acwr,
        evidence,
    })
}

/// Past signals as episodes: one per week, one per rushed return week.
fn episodes(past: &[Signal], comeback: &[Dated], t: &Thresholds) -> Vec<Episode> {
    let mut out: Vec<Episode> = past
        .iter()
        .map(|s| {
            let severity = if s.spike && s.ratio >= t.capacity_high_ratio && s.acwr.is_some() {
                Severity::High
            } else if s.spike {
                Severity::Moderate
            } else {
                Severity::Low
            };
            let km_note = s
                .evidence
                .first()
                .map(|(_, e)| e.note.clone())
                .unwrap_or_default();
            let summary = if s.spike {
                format!(
                    "Week of {}: {:.1}× the most run in the weeks before ({km_note}).",
                    s.start.format("%-d %b %Y"),
                    s.ratio
                )
            } else {
                format!(
                    "Week of {}: above the weeks before with a high acute:chronic ratio ({km_note}).",
                    s.start.format("%-d %b %Y")
                )
            };
            Episode {
                from: s.start,
                to: s.start + Days::new(6),
                severity,
                summary,
                evidence: s.evidence.iter().map(|(_, e)| e.clone()).collect(),
            }
        })
        .collect();
    out.extend(comeback.iter().map(|(date, e)| Episode {
        from: *date,
        to: *date + Days::new(6),
        severity: Severity::Moderate,
        summary: format!(
            "Week of {}: return after a break at or above the pre-break load ({}).",
            date.format("%-d %b %Y"),
            e.note
        ),
        evidence: vec![e.clone()],
    }));
    out
}

/// First day of the history: the earliest day or week start.
fn history_start(inputs: &Inputs, weeks: &[&Week]) -> NaiveDate {
    let first_week = weeks.first().map(|w| w.start);
    let first_day = inputs.all_days().first().map(|d| d.date);
    match (first_week, first_day) {
        (Some(w), Some(d)) => w.min(d),
        (Some(w), None) => w,
        (None, Some(d)) => d,
        (None, None) => NaiveDate::MIN,
    }
}

/// The larger of the two ACWR variants, with its metric name.
fn peak_acwr(w: &Week) -> Option<(&'static str, f64)> {
    let rolling = w
        .acwr_rolling
        .filter(|v| v.is_finite())
        .map(|v| ("acwr_rolling", v));
    let ewma = w
        .acwr_ewma
        .filter(|v| v.is_finite())
        .map(|v| ("acwr_ewma", v));
    match (rolling, ewma) {
        (Some(r), Some(e)) => Some(if e.1 > r.1 { e } else { r }),
        (r, e) => r.or(e),
    }
}

/// Rushed return weeks, split into those in the window (dated on or after
/// `from`) and those before it.
fn comebacks(inputs: &Inputs, weeks: &[&Week], from: NaiveDate) -> (Vec<Dated>, Vec<Dated>) {
    let t = inputs.thresholds;
    let mut out = Vec::new();
    let mut breaks: Vec<&Break> = inputs.baseline.breaks.iter().chain(inputs.breaks).collect();
    breaks.sort_by_key(|b| (b.from, b.to));
    breaks.dedup_by_key(|b| (b.from, b.to));
    let days = inputs.all_days();
    for b in breaks {
        if b.days < t.comeback_gap_days
            || !(b.pre_break_weekly_km > 0.0)
            || !quiet_enough(inputs, &days, b)
        {
            continue;
        }
        for (label, km) in &b.return_weeks {
            let week = weeks.iter().find(|w| &w.week == label);
            let date = week.map_or(b.to, |w| w.start);
            let ratio = km / b.pre_break_weekly_km;
            let context = format!(
                "{}-day break {} to {}; pre-break {:.1} km/week",
                b.days, b.from, b.to, b.pre_break_weekly_km
            );
            // An unfinished return week is not yet a return "above" anything.
            let partial = week.is_some_and(|w| w.partial);
            if ratio > t.comeback_return_ratio {
                let note = format!("{context}; return week {km:.1} km");
                out.push((
                    date,
                    evidence_for_label(label, "return_ratio", ratio, t.comeback_return_ratio, note),
                ));
            } else if partial {
                continue;
            }
            // ACWR after a short break mostly shows the chronic load's decay:
            // it counts alone only once a whole chronic window was missed.
            let long_break = b.days >= t.acwr_min_history_days;
            if let Some((metric, value)) = week
                .and_then(|w| peak_acwr(w))
                .filter(|&(_, v)| v >= t.acwr_spike)
                .filter(|_| long_break || ratio > t.comeback_return_ratio)
            {
                let note = format!("{context}; return-week {metric}");
                out.push((
                    date,
                    evidence_for_label(label, "return_acwr", value, t.acwr_spike, note),
                ));
            }
        }
    }
    // A return week counts in the window when its last day is in it.
    out.into_iter()
        .partition(|(date, _)| *date + Days::new(6) >= from)
}

/// Checks the gap really ran below the break volume share, when daily data exists.
fn quiet_enough(inputs: &Inputs, days: &[&Day], b: &Break) -> bool {
    // `days` is in date order: only the gap's stretch is read.
    let first = days.partition_point(|d| d.date < b.from);
    let in_gap: Vec<f64> = days[first..]
        .iter()
        .take_while(|d| d.date <= b.to)
        .map(|d| d.distance_km)
        .collect();
    if in_gap.is_empty() || b.days == 0 {
        return true;
    }
    let weekly_km = in_gap.iter().sum::<f64>() * 7.0 / f64::from(b.days);
    weekly_km < inputs.thresholds.comeback_volume_share * b.pre_break_weekly_km
}

fn evidence_for_label(label: &str, metric: &str, value: f64, limit: f64, note: String) -> Evidence {
    Evidence {
        week: Some(label.to_string()),
        date: None,
        file: None,
        metric: metric.to_string(),
        value: super::round2(value),
        limit: Some(limit),
        note,
    }
}

fn show(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "n/a".to_string(), |x| format!("{x:.2}"))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{Baseline, Status, Window, evaluate};
    use super::*;
    use crate::profile::AthleteProfile;

    fn assess_weeks(weeks: &[Week], breaks: &[Break]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assess(&Inputs {
            weeks,
            breaks,
            ..Inputs::new(&profile, &t)
        })
    }

    #[test]
    fn return_to_usual_volume_after_one_easy_week_is_not_a_spike() {
        // 67, 52, 46 km, one 7 km week, then 35 → 52 km: +49 % over the week
        // before, but no more than this runner ran two months ago.
        let ws = weeks(d(2026, 1, 5), &[60.0, 67.0, 52.0, 46.0, 7.0, 35.0, 52.0]);
        let f = assess_weeks(&ws, &[]);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(
            f.summary.contains("2 weeks rose more than 30 %"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn low_volume_wobble_is_not_a_spike() {
        // 12–21 km weeks: ±30 % week to week, never 8 km above the recent best.
        let ws = weeks(
            d(2026, 1, 5),
            &[12.0, 16.0, 13.0, 18.0, 14.0, 21.0, 15.0, 19.0, 12.0, 21.0],
        );
        assert_eq!(assess_weeks(&ws, &[]).status, Status::Clear);
    }

    #[test]
    fn a_week_at_twice_anything_before_is_a_spike_and_high_with_acwr() {
        let mut ws = weeks(d(2026, 1, 5), &[20.0, 22.0, 21.0, 20.0, 23.0, 46.0]);
        let f = assess_weeks(&ws, &[]);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(f.evidence.len(), 1);
        let e = &f.evidence[0];
        assert_eq!(e.metric, "capacity_ratio");
        assert_eq!(e.value, 2.0);
        assert_eq!(e.week.as_deref(), Some(ws[5].week.as_str()));
        // Backed by a high acute:chronic ratio and recent: high.
        ws[5].acwr_ewma = Some(1.8);
        let f = assess_weeks(&ws, &[]);
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.evidence.len(), 2);
        // ACWR alone, in a week within capacity, is not evidence.
        ws[5].distance_km = 22.5;
        assert_eq!(assess_weeks(&ws, &[]).status, Status::Clear);
    }

    #[test]
    fn a_partial_week_is_judged_only_on_what_it_already_holds() {
        let mut ws = weeks(d(2026, 1, 5), &[30.0, 30.0, 30.0, 30.0, 12.0]);
        ws[4].partial = true;
        ws[4].days_in_history = 3;
        assert_eq!(assess_weeks(&ws, &[]).status, Status::Clear);
        ws[4].distance_km = 45.0;
        let f = assess_weeks(&ws, &[]);
        assert_eq!(f.status, Status::Flagged);
        assert!(
            f.evidence[0].note.contains("week not finished"),
            "{:?}",
            f.evidence
        );
    }

    #[test]
    fn spikes_before_the_window_are_history_not_verdict() {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let all = weeks(
            d(2026, 1, 5),
            &[
                20.0, 20.0, 20.0, 20.0, 46.0, 20.0, 22.0, 21.0, 20.0, 22.0, 21.0, 20.0,
            ],
        );
        let (base, win) = all.split_at(8);
        let window = Window {
            from: win[0].start,
            to: win[3].start + Days::new(6),
            as_of: win[3].start + Days::new(6),
            partial_last_week: false,
        };
        let f = assess(&Inputs {
            weeks: win,
            baseline: Baseline {
                weeks: base,
                ..Baseline::default()
            },
            window: Some(&window),
            ..Inputs::new(&profile, &t)
        });
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert_eq!(f.history.len(), 1);
        assert_eq!(f.history[0].from, all[4].start);
        assert_eq!(f.history[0].severity, Severity::Moderate);
        assert!(
            f.history[0].summary.contains("2.3×"),
            "{}",
            f.history[0].summary
        );
    }

    fn pre_break_weeks() -> Vec<Week> {
        weeks(
            d(2026, 1, 5),
            &[30.0, 30.0, 30.0, 30.0, 0.0, 0.0, 0.0, 38.0, 18.0],
        )
    }

    #[test]
    fn rushed_comeback_is_its_own_evidence() {
        let ws = pre_break_weeks();
        let labels: Vec<String> = ws.iter().map(|w| w.week.clone()).collect();
        let b = Break {
            from: d(2026, 2, 2),
            to: d(2026, 2, 22),
            days: 21,
            pre_break_weekly_km: 30.0,
            return_weeks: vec![(labels[7].clone(), 38.0), (labels[8].clone(), 18.0)],
            return_ratio: Some(38.0 / 30.0),
            return_acwr_ewma_max: None,
        };
        let f = assess_weeks(&ws, std::slice::from_ref(&b));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].metric, "return_ratio");
        assert_eq!(f.evidence[0].value, 1.27);
        assert_eq!(f.evidence[0].week.as_deref(), Some(labels[7].as_str()));
    }

    #[test]
    fn gentle_comeback_or_short_gap_is_clear() {
        let ws = weeks(d(2026, 1, 5), &[30.0, 30.0, 30.0, 30.0, 0.0, 0.0, 20.0]);
        let gentle = Break {
            from: d(2026, 2, 2),
            to: d(2026, 2, 15),
            days: 14,
            pre_break_weekly_km: 30.0,
            return_weeks: vec![(ws[6].week.clone(), 20.0)],
            return_ratio: Some(20.0 / 30.0),
            return_acwr_ewma_max: None,
        };
        assert_eq!(
            assess_weeks(&ws, std::slice::from_ref(&gentle)).status,
            Status::Clear
        );
        let short = Break {
            days: 10,
            return_weeks: vec![(ws[6].week.clone(), 40.0)],
            ..gentle
        };
        assert_eq!(assess_weeks(&ws, &[short]).status, Status::Clear);
    }

    #[test]
    fn too_little_history_is_not_assessable() {
        let ws = weeks(d(2026, 1, 5), &[20.0, 25.0, 40.0]);
        assert_eq!(assess_weeks(&ws, &[]).status, Status::NotAssessable);
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assert_eq!(
            evaluate(&Inputs::new(&profile, &t))[0].status,
            Status::NotAssessable
        );
    }
}
