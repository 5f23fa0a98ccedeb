//! How runs felt, linked to the patterns: the runner's own ratings of runs
//! (Garmin `workout_feel` / `workout_rpe`, Strava perceived exertion, the
//! journal's `legs`) set against the weeks the rules flagged.
//!
//! A run is rated heavy when its feel is at most `felt_weak_max` (of 100),
//! its RPE at least `felt_easy_rpe_min` on a run whose heart rate was mostly
//! easy, or the journal's legs at least `felt_legs_min` (of 5). Each heavy
//! rating is placed in its load week and listed with the causes whose
//! evidence (in the window) or history episodes (before it) fall in that
//! week: "6 of the 9 runs you rated heavy came in weeks with a load spike or
//! short sleep". Only week-bound causes link (load, recovery, sleep, heat,
//! fuelling); a worn pair or a ferritin value is not about one week.
//! Evidence is capped per finding, so a long window may link fewer weeks
//! than the rule saw.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::intensity_mix::{Class, class};
use super::{Cause, Finding, Inputs, RunView, Status, plural};
use crate::wellness::Feel;

/// The ratings summary in `report.json` (`wellness.felt`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Felt {
    /// Ratings read (runs or journal days), up to the as-of day.
    pub rated: u32,
    /// Of those, rated heavy.
    pub heavy: u32,
    /// Heavy ratings in a week with a flagged pattern.
    pub heavy_with_cause: u32,
    /// The answer-first sentence.
    pub summary: String,
    /// The heavy ratings, oldest first.
    pub runs: Vec<FeltRun>,
}

/// One run (or journal day) rated heavy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeltRun {
    pub date: NaiveDate,
    /// ISO label of the load week it fell in.
    pub week: String,
    /// Input path of the run, when the rating names or matches one.
    pub file: Option<String>,
    /// The rating in words, e.g. "felt weak (25 of 100)".
    pub rating: String,
    /// Causes flagged in that week, in cause order.
    pub causes: Vec<Cause>,
}

/// Causes whose evidence is bound to a week.
const WEEKLY: [Cause; 5] = [
    Cause::Overtraining,
    Cause::Recovery,
    Cause::Sleep,
    Cause::Hydration,
    Cause::Nutrition,
];

/// Short names for the sentence (and the report's list of heavy runs).
pub fn name(c: Cause) -> &'static str {
    match c {
        Cause::Overtraining => "a load spike",
        Cause::Recovery => "too little recovery",
        Cause::Sleep => "short sleep",
        Cause::Hydration => "heat",
        Cause::Nutrition => "long runs fading late",
        _ => "another pattern",
    }
}

/// A run's start and an export's may differ by a few seconds, s.
const MATCH_S: i64 = 300;

/// The ratings linked to the findings, or `None` when no rating exists.
pub fn link(inputs: &Inputs, findings: &[Finding]) -> Option<Felt> {
    if inputs.wellness.feels.is_empty() {
        return None;
    }
    let t = inputs.thresholds;
    let to = inputs.window_to();
    let runs = inputs.all_runs();
    // Weeks (by start) with a week-bound pattern, per cause.
    let mut flagged: Vec<(NaiveDate, Cause)> = Vec::new();
    for f in findings.iter().filter(|f| WEEKLY.contains(&f.cause)) {
        if f.status == Status::Flagged {
            for e in &f.evidence {
                let day = e
                    .date
                    .as_deref()
                    .and_then(|d| d.parse::<NaiveDate>().ok())
                    .or_else(|| e.week.as_deref().and_then(iso_monday));
                if let Some(day) = day {
                    flagged.push((inputs.week_of(day).0, f.cause));
                }
            }
        }
        for ep in &f.history {
            let mut day = ep.from;
            while day <= ep.to {
                flagged.push((inputs.week_of(day).0, f.cause));
                day = day + chrono::Days::new(7);
            }
            flagged.push((inputs.week_of(ep.to).0, f.cause));
        }
    }
    flagged.sort_unstable();
    flagged.dedup();

    let mut rated = 0u32;
    let mut heavy: Vec<FeltRun> = Vec::new();
    for feel in &inputs.wellness.feels {
        let run = matched_run(feel, &runs);
        let Some(date) = run
            .map(|r| r.date)
            .or(feel.date)
            .or_else(|| feel.start.map(|s| s.with_timezone(&Utc).date_naive()))
        else {
            continue;
        };
        if date > to || (feel.feel.is_none() && feel.rpe.is_none() && feel.legs.is_none()) {
            continue;
        }
        rated += 1;
        let Some(rating) = heavy_rating(feel, run, t) else {
            continue;
        };
        let (start, week) = inputs.week_of(date);
        let causes: Vec<Cause> = flagged
            .iter()
            .filter(|(w, _)| *w == start)
            .map(|(_, c)| *c)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        heavy.push(FeltRun {
            date,
            week,
            file: run.map(|r| r.path.to_string()).or(feel.file.clone()),
            rating,
            causes,
        });
    }
    if rated == 0 {
        return None;
    }
    heavy.sort_by(|a, b| a.date.cmp(&b.date).then(a.file.cmp(&b.file)));
    heavy.dedup_by(|a, b| a.date == b.date && a.file == b.file && a.file.is_some());
    let with_cause = heavy.iter().filter(|h| !h.causes.is_empty()).count();
    let all: BTreeSet<Cause> = heavy
        .iter()
        .flat_map(|h| h.causes.iter().copied())
        .collect();
    let names: Vec<&str> = all.iter().map(|c| name(*c)).collect();
    let summary = if heavy.is_empty() {
        match rated {
            1 => "The one run you rated did not feel heavy.".to_string(),
            n => format!("None of the {n} runs you rated felt heavy."),
        }
    } else if with_cause == 0 {
        format!(
            "None of the {} you rated heavy came in a week with a pattern in the data: the \
             reason may lie outside it (illness, stress, life).",
            plural(heavy.len(), "run", "runs")
        )
    } else {
        format!(
            "{with_cause} of the {} you rated heavy came in weeks with {}.",
            plural(heavy.len(), "run", "runs"),
            or_list(&names)
        )
    };
    Some(Felt {
        rated,
        heavy: heavy.len() as u32,
        heavy_with_cause: with_cause as u32,
        summary,
        runs: heavy,
    })
}

fn or_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn iso_monday(label: &str) -> Option<NaiveDate> {
    let (y, w) = label.split_once("-W")?;
    NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, chrono::Weekday::Mon)
}

/// The run a rating is about: by file name, else by start time, else the
/// only (first) run on its date.
fn matched_run<'a>(feel: &Feel, runs: &[&'a RunView<'a>]) -> Option<&'a RunView<'a>> {
    let named = feel.file.as_deref().filter(|f| !f.is_empty());
    if let Some(r) = named.and_then(|f| runs.iter().find(|r| r.path.ends_with(f))) {
        return Some(r);
    }
    if let Some(s) = feel.start {
        let s = s.timestamp();
        return runs
            .iter()
            .filter_map(|r| Some((r, (r.metrics.start?.timestamp() - s).abs())))
            .filter(|(_, d)| *d <= MATCH_S)
            .min_by_key(|(_, d)| *d)
            .map(|(r, _)| *r);
    }
    let date = feel.date?;
    runs.iter().find(|r| r.date == date).copied()
}

/// The rating in words when it says heavy.
fn heavy_rating(
    feel: &Feel,
    run: Option<&RunView>,
    t: &crate::thresholds::Thresholds,
) -> Option<String> {
    let mut why = Vec::new();
    if let Some(f) = feel.feel.filter(|f| f.is_finite() && *f <= t.felt_weak_max) {
        why.push(format!("felt weak ({f:.0} of 100)"));
    }
    let easy = run.and_then(class) == Some(Class::Easy);
    if let Some(r) = feel
        .rpe
        .filter(|r| easy && r.is_finite() && *r >= t.felt_easy_rpe_min)
    {
        why.push(format!("effort {r:.0} of 10 on an easy run"));
    }
    if let Some(l) = feel.legs.filter(|l| *l >= t.felt_legs_min) {
        why.push(format!("legs {l} of 5"));
    }
    (!why.is_empty()).then(|| why.join(", "))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{Evidence, Severity, Window};
    use super::*;
    use crate::metrics::RunMetrics;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;
    use crate::wellness::{Origin, Wellness};

    fn finding(cause: Cause, status: Status, weeks: &[&str]) -> Finding {
        Finding {
            cause,
            status,
            severity: Severity::Moderate,
            summary: String::new(),
            evidence: weeks
                .iter()
                .map(|w| Evidence {
                    week: Some((*w).into()),
                    date: None,
                    file: None,
                    metric: "x".into(),
                    value: 1.0,
                    limit: None,
                    note: String::new(),
                })
                .collect(),
            threshold: String::new(),
            source: String::new(),
            advice: String::new(),
            history: vec![],
        }
    }

    fn feel(start: Option<chrono::DateTime<Utc>>, date: Option<NaiveDate>) -> Feel {
        Feel {
            start,
            date,
            file: None,
            feel: None,
            rpe: None,
            legs: None,
            origin: Origin::GarminFit,
        }
    }

    #[test]
    fn heavy_ratings_are_linked_to_the_patterns_of_their_week() {
        // Runs on Tue/Thu of four weeks from Mon 2 Mar; every run mostly easy
        // HR except 12 Mar (hard).
        let mut ms: Vec<RunMetrics> = Vec::new();
        for w in 0..4u64 {
            for day in [1u64, 3] {
                let mut m = run(d(2026, 3, 2) + chrono::Days::new(7 * w + day), 3000.0, 8.0);
                m.intensity_s = Some([2500.0, 400.0, 100.0]);
                ms.push(m);
            }
        }
        ms[3].intensity_s = Some([300.0, 700.0, 2000.0]); // 12 Mar, hard
        let vs = views(&ms);
        let start = |i: usize| ms[i].start.map(|s| s + chrono::Duration::seconds(2));
        let mut feels = vec![
            // 3 Mar (W10): felt weak; no pattern that week.
            Feel {
                feel: Some(25.0),
                ..feel(start(0), None)
            },
            // 10 Mar (W11, load spike): felt very weak.
            Feel {
                feel: Some(0.0),
                ..feel(start(2), None)
            },
            // 12 Mar (W11): RPE 8 on a hard run is not "heavy".
            Feel {
                rpe: Some(8.0),
                ..feel(start(3), None)
            },
            // 17 Mar (W12, short sleep): RPE 8 on an easy run.
            Feel {
                rpe: Some(8.0),
                ..feel(start(4), None)
            },
            // 26 Mar (W13): journal legs 4, matched by date.
            Feel {
                legs: Some(4),
                origin: Origin::Journal,
                ..feel(None, Some(d(2026, 3, 26)))
            },
            // 24 Mar: felt strong.
            Feel {
                feel: Some(75.0),
                ..feel(start(6), None)
            },
        ];
        // After the as-of day: ignored.
        feels.push(Feel {
            legs: Some(5),
            ..feel(None, Some(d(2026, 4, 2)))
        });
        let w = Wellness {
            feels,
            ..Wellness::default()
        };
        let findings = vec![
            finding(Cause::Overtraining, Status::Flagged, &["2026-W11"]),
            finding(Cause::Sleep, Status::Flagged, &["2026-W12"]),
            // Clear findings' evidence (notes) does not link.
            finding(Cause::Recovery, Status::Clear, &["2026-W10"]),
        ];
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let win = Window {
            from: d(2026, 3, 2),
            to: d(2026, 3, 29),
            as_of: d(2026, 3, 29),
            partial_last_week: false,
        };
        let inputs = Inputs {
            runs: &vs,
            wellness: &w,
            window: Some(&win),
            ..Inputs::new(&profile, &t)
        };
        let felt = link(&inputs, &findings).expect("ratings exist");
        assert_eq!((felt.rated, felt.heavy, felt.heavy_with_cause), (6, 4, 2));
        assert_eq!(
            felt.summary,
            "2 of the 4 runs you rated heavy came in weeks with a load spike or short sleep."
        );
        let listed: Vec<(NaiveDate, &str, Vec<Cause>)> = felt
            .runs
            .iter()
            .map(|r| (r.date, r.rating.as_str(), r.causes.clone()))
            .collect();
        assert_eq!(
            listed,
            vec![
                (d(2026, 3, 3), "felt weak (25 of 100)", vec![]),
                (
                    d(2026, 3, 10),
                    "felt weak (0 of 100)",
                    vec![Cause::Overtraining]
                ),
                (
                    d(2026, 3, 17),
                    "effort 8 of 10 on an easy run",
                    vec![Cause::Sleep]
                ),
                (d(2026, 3, 26), "legs 4 of 5", vec![]),
            ]
        );
        assert_eq!(felt.runs[3].file.as_deref(), Some("runs/2026-03-26.fit"));
    }

    #[test]
    fn no_ratings_is_none_and_good_ratings_say_so() {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let ms = vec![run(d(2026, 3, 3), 3000.0, 8.0)];
        let vs = views(&ms);
        let inputs = Inputs {
            runs: &vs,
            ..Inputs::new(&profile, &t)
        };
        assert!(link(&inputs, &[]).is_none());
        let w = Wellness {
            feels: vec![Feel {
                feel: Some(75.0),
                ..feel(ms[0].start, None)
            }],
            ..Wellness::default()
        };
        let felt = link(
            &Inputs {
                wellness: &w,
                ..inputs
            },
            &[],
        )
        .unwrap();
        assert_eq!(felt.summary, "The one run you rated did not feel heavy.");
    }
}
