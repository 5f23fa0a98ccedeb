//! Findings: one verdict per heavy-leg cause, with the evidence behind it.
//! One rule per module; thresholds and their sources live in [`crate::thresholds`].
//!
//! Rules read only per-run metrics, the weekly/daily load tables, breaks,
//! the athlete profile and the athlete's wellness (sleep, resting HR, HRV,
//! gear, ratings, ferritin). Each rule says `not_assessable` (and what would make
//! it assessable) rather than guessing, and words its summary as cautiously
//! as its evidence grade: these are patterns in watch data, never diagnoses.

mod circulation;
mod cool_down;
pub mod felt;
mod form;
mod hydration;
mod intensity_mix;
mod iron;
mod markers;
mod nutrition;
mod overtraining;
mod recovery;
mod shoes;
mod sleep;
#[cfg(test)]
mod testkit;
mod warm_up;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::load::{Break, Day, Week};
use crate::metrics::RunMetrics;
use crate::profile::AthleteProfile;
use crate::thresholds::{Thresholds, cite};
use crate::wellness::{self, Wellness};

pub use markers::{DaySpan, MarkerTrace, TraceDay, traces as marker_traces};

/// The causes from "Why do my legs feel heavy when I run?", with stable ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Overtraining,
    Recovery,
    Form,
    Sleep,
    Nutrition,
    Circulation,
    Hydration,
    Iron,
    WarmUp,
    CoolDown,
    Shoes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The data shows the pattern.
    Flagged,
    /// The data could show the pattern and does not.
    Clear,
    /// The data cannot show it; `summary` says what would.
    NotAssessable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    None,
    Low,
    Moderate,
    High,
}

/// One fact behind a finding: a week or a run, and the number that crossed a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// ISO week label when the evidence is a week.
    pub week: Option<String>,
    /// Local date of the run (YYYY-MM-DD) when the evidence is a run.
    pub date: Option<String>,
    /// Input path of the run.
    pub file: Option<String>,
    /// Metric name with unit, e.g. `ramp_pct`.
    pub metric: String,
    pub value: f64,
    /// The line it was compared against.
    pub limit: Option<f64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub cause: Cause,
    pub status: Status,
    pub severity: Severity,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    /// The rule in words with its numbers, e.g. "week-over-week distance > 30 %".
    pub threshold: String,
    /// Citation(s) with evidence grade, e.g. "Nielsen 2014, JOSPT 44(10) — grade C".
    pub source: String,
    pub advice: String,
    /// Episodes before the window, oldest first (never part of status/severity).
    #[serde(default)]
    pub history: Vec<Episode>,
}

/// A past occurrence of a cause's pattern, before the assessment window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// First and last local day of the episode.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub severity: Severity,
    /// One plain sentence, e.g. "Week of 21 Sep 2025: 52 km, twice your usual 26 km".
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

/// The days the verdicts judge (`report.json` → `window`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// First and last local day judged by the verdicts.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `--as-of` when given, else the latest run's local date.
    pub as_of: NaiveDate,
    /// The window's last week is unfinished (days after the last run and before as_of/today).
    pub partial_last_week: bool,
}

impl Cause {
    /// Every cause, in report order.
    pub const ALL: [Cause; 11] = [
        Cause::Overtraining,
        Cause::Recovery,
        Cause::Form,
        Cause::Sleep,
        Cause::Nutrition,
        Cause::Circulation,
        Cause::Hydration,
        Cause::Iron,
        Cause::WarmUp,
        Cause::CoolDown,
        Cause::Shoes,
    ];

    /// Stable snake_case id (same as the serde name).
    pub fn id(self) -> &'static str {
        match self {
            Cause::Overtraining => "overtraining",
            Cause::Recovery => "recovery",
            Cause::Form => "form",
            Cause::Sleep => "sleep",
            Cause::Nutrition => "nutrition",
            Cause::Circulation => "circulation",
            Cause::Hydration => "hydration",
            Cause::Iron => "iron",
            Cause::WarmUp => "warm_up",
            Cause::CoolDown => "cool_down",
            Cause::Shoes => "shoes",
        }
    }

    /// Human label, as the reports show it.
    pub fn title(self) -> &'static str {
        match self {
            Cause::Overtraining => "Overtraining / load spikes",
            Cause::Recovery => "Too little recovery",
            Cause::Form => "Running form (cadence, overstriding)",
            Cause::Sleep => "Sleep",
            Cause::Nutrition => "Nutrition / fuelling",
            Cause::Circulation => "Circulation",
            Cause::Hydration => "Hydration / heat",
            Cause::Iron => "Iron deficiency",
            Cause::WarmUp => "Warm-up",
            Cause::CoolDown => "Cool-down",
            Cause::Shoes => "Worn shoes",
        }
    }
}

/// Most evidence items kept per finding; the summary counts the rest.
pub const EVIDENCE_CAP: usize = 10;

/// One run as the rules see it: its metrics plus what the app derives
/// across runs (local date, residual against the athlete's cadence fit,
/// HR at the athlete's easy-pace band).
#[derive(Debug, Clone, Copy)]
pub struct RunView<'a> {
    pub path: &'a str,
    /// Local calendar date of the start.
    pub date: NaiveDate,
    pub metrics: &'a RunMetrics,
    /// Easy-pace cadence minus the athlete's cadence~speed fit at that speed, spm.
    pub cadence_residual_spm: Option<f64>,
    /// HR at the athlete's easy-pace band, bpm; falls back to the metric row.
    pub easy_hr_bpm: Option<f64>,
}

impl RunView<'_> {
    /// Moving time when known, else elapsed time, s.
    pub fn duration_s(&self) -> f64 {
        finite(self.metrics.moving_s).unwrap_or(self.metrics.elapsed_s)
    }

    pub fn distance_km(&self) -> Option<f64> {
        finite(self.metrics.distance_m).map(|m| m / 1000.0)
    }

    pub fn easy_hr(&self) -> Option<f64> {
        finite(self.easy_hr_bpm).or(finite(self.metrics.easy_heart_rate_bpm))
    }
}

/// Everything the rules read.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub runs: &'a [RunView<'a>],
    pub weeks: &'a [Week],
    pub days: &'a [Day],
    pub breaks: &'a [Break],
    pub profile: &'a AthleteProfile,
    pub thresholds: &'a Thresholds,
    /// The athlete's wellness (sleep, resting HR, HRV, gear, ratings,
    /// ferritin), finished. It is not split like the runs: rules read the
    /// days from [`Inputs::window_from`] to [`Inputs::window_to`] as the
    /// window and the days before as the baseline.
    pub wellness: &'a Wellness,
    /// Everything before the window: what the window is compared against.
    pub baseline: Baseline<'a>,
    /// The days judged; `None` when the caller judges everything it passes.
    pub window: Option<&'a Window>,
}

/// The runner's history before the assessment window. Rules read it as the
/// reference ("what this runner usually does") and for `history` episodes,
/// never for the verdict itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Baseline<'a> {
    pub runs: &'a [RunView<'a>],
    pub weeks: &'a [Week],
    pub days: &'a [Day],
    pub breaks: &'a [Break],
}

impl<'a> Inputs<'a> {
    /// Inputs with no runs, load or sleep; fill the rest with struct update syntax.
    pub fn new(profile: &'a AthleteProfile, thresholds: &'a Thresholds) -> Self {
        Inputs {
            runs: &[],
            weeks: &[],
            days: &[],
            breaks: &[],
            profile,
            thresholds,
            wellness: &wellness::EMPTY,
            baseline: Baseline::default(),
            window: None,
        }
    }

    /// Baseline and window weeks together, in start order.
    pub(crate) fn all_weeks(&self) -> Vec<&'a Week> {
        let mut weeks: Vec<&Week> = self.baseline.weeks.iter().chain(self.weeks).collect();
        weeks.sort_by_key(|a| a.start);
        weeks
    }

    /// Baseline and window days together, in date order.
    pub(crate) fn all_days(&self) -> Vec<&'a Day> {
        let mut days: Vec<&Day> = self.baseline.days.iter().chain(self.days).collect();
        days.sort_by_key(|d| d.date);
        days
    }

    /// Baseline and window runs together, in (date, path) order.
    pub(crate) fn all_runs(&self) -> Vec<&'a RunView<'a>> {
        let mut runs: Vec<&RunView> = self.baseline.runs.iter().chain(self.runs).collect();
        runs.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.path.cmp(b.path)));
        runs
    }

    /// First day judged: the window's, else the first window week's start.
    pub(crate) fn window_from(&self) -> NaiveDate {
        self.window.map(|w| w.from).unwrap_or_else(|| {
            self.sorted_weeks()
                .first()
                .map(|w| w.start)
                .or_else(|| self.days.iter().map(|d| d.date).min())
                .unwrap_or(NaiveDate::MIN)
        })
    }

    /// Last day judged: the window's, else the last day of the window weeks
    /// or runs. Wellness after it (a night after `--as-of`) is left out.
    pub(crate) fn window_to(&self) -> NaiveDate {
        self.window.map(|w| w.to).unwrap_or_else(|| {
            let week_end = self
                .weeks
                .iter()
                .map(|w| w.start + chrono::Days::new(6))
                .max();
            let run = self.runs.iter().map(|r| r.date).max();
            week_end.max(run).unwrap_or(NaiveDate::MAX)
        })
    }

    /// The load week a day falls in (start, label), so wellness groups into
    /// the same weeks as the runs; an ISO week when the load table has none.
    ///
    /// Every night of a history asks, so each half of the weeks is bisected
    /// (the load builds them in date order; weeks never overlap, so a week
    /// that holds the date is the one). A half out of order is scanned.
    pub(crate) fn week_of(&self, date: NaiveDate) -> (NaiveDate, String) {
        let holds = |w: &&Week| w.start <= date && date < w.start + chrono::Days::new(7);
        let in_half = |weeks: &'a [Week]| -> Option<&'a Week> {
            let after = weeks.partition_point(|w| w.start <= date);
            weeks[..after].last().filter(holds).or_else(|| {
                (!weeks.is_sorted_by_key(|w| w.start))
                    .then(|| weeks.iter().find(holds))
                    .flatten()
            })
        };
        match in_half(self.baseline.weeks).or_else(|| in_half(self.weeks)) {
            Some(w) => (w.start, w.week.clone()),
            None => {
                use chrono::Datelike;
                let monday =
                    date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
                let iso = date.iso_week();
                (monday, format!("{}-W{:02}", iso.year(), iso.week()))
            }
        }
    }

    /// Runs in (date, path) order, so output never depends on input order.
    pub(crate) fn sorted_runs(&self) -> Vec<&'a RunView<'a>> {
        let mut runs: Vec<&RunView> = self.runs.iter().collect();
        runs.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.path.cmp(b.path)));
        runs
    }

    /// Weeks in start order.
    pub(crate) fn sorted_weeks(&self) -> Vec<&'a Week> {
        let mut weeks: Vec<&Week> = self.weeks.iter().collect();
        weeks.sort_by_key(|a| a.start);
        weeks
    }
}

/// One verdict per cause, all 11, in [`Cause`] order.
pub fn evaluate(inputs: &Inputs) -> Vec<Finding> {
    vec![
        overtraining::assess(inputs),
        recovery::assess(inputs),
        form::assess(inputs),
        sleep::assess(inputs),
        nutrition::assess(inputs),
        circulation::assess(inputs),
        hydration::assess(inputs),
        iron::assess(inputs),
        warm_up::assess(inputs),
        cool_down::assess(inputs),
        shoes::assess(inputs),
    ]
}

impl Evidence {
    pub fn for_week(
        week: &Week,
        metric: &str,
        value: f64,
        limit: Option<f64>,
        note: String,
    ) -> Self {
        Evidence {
            week: Some(week.week.clone()),
            date: None,
            file: None,
            metric: metric.to_string(),
            value: round2(value),
            limit,
            note,
        }
    }

    pub fn for_run(
        run: &RunView,
        metric: &str,
        value: f64,
        limit: Option<f64>,
        note: String,
    ) -> Self {
        Evidence {
            week: None,
            date: Some(run.date.format("%Y-%m-%d").to_string()),
            file: Some(run.path.to_string()),
            metric: metric.to_string(),
            value: round2(value),
            limit,
            note,
        }
    }

    pub fn for_date(
        date: NaiveDate,
        metric: &str,
        value: f64,
        limit: Option<f64>,
        note: String,
    ) -> Self {
        Evidence {
            week: None,
            date: Some(date.format("%Y-%m-%d").to_string()),
            file: None,
            metric: metric.to_string(),
            value: round2(value),
            limit,
            note,
        }
    }
}

/// Evidence with the date it is sorted by (a week's start or a run's date).
pub(crate) type Dated = (NaiveDate, Evidence);

/// The parts of a finding that do not depend on the verdict.
pub(crate) struct Rule {
    pub cause: Cause,
    pub threshold: String,
    /// [`Thresholds`] field names whose citations make up `source`.
    pub fields: &'static [&'static str],
    pub advice: &'static str,
}

impl Rule {
    pub fn not_assessable(&self, summary: impl Into<String>) -> Finding {
        self.finish(
            Status::NotAssessable,
            Severity::None,
            summary.into(),
            Vec::new(),
        )
    }

    pub fn clear(&self, summary: impl Into<String>) -> Finding {
        self.finish(Status::Clear, Severity::None, summary.into(), Vec::new())
    }

    pub fn flagged(
        &self,
        severity: Severity,
        summary: impl Into<String>,
        evidence: Vec<Dated>,
    ) -> Finding {
        self.finish(Status::Flagged, severity, summary.into(), evidence)
    }

    /// The same finding with past episodes attached (oldest first).
    pub fn with_history(mut f: Finding, mut history: Vec<Episode>) -> Finding {
        history.sort_by(|a, b| a.from.cmp(&b.from).then(a.to.cmp(&b.to)));
        f.history = history;
        f
    }

    /// Clear, but with the runs behind an informational note attached (a habit
    /// the evidence says does not cause heavy legs, e.g. skipping a cool-down).
    pub fn noted(&self, summary: impl Into<String>, evidence: Vec<Dated>) -> Finding {
        self.finish(Status::Clear, Severity::None, summary.into(), evidence)
    }

    /// Sorts evidence by date, then file, metric and week; keeps the latest
    /// [`EVIDENCE_CAP`] items and says in the summary how many were left out.
    fn finish(
        &self,
        status: Status,
        severity: Severity,
        mut summary: String,
        mut evidence: Vec<Dated>,
    ) -> Finding {
        evidence.sort_by(|(da, a), (db, b)| {
            da.cmp(db)
                .then_with(|| a.file.cmp(&b.file))
                .then_with(|| a.metric.cmp(&b.metric))
                .then_with(|| a.week.cmp(&b.week))
                .then_with(|| a.value.total_cmp(&b.value))
        });
        let dropped = evidence.len().saturating_sub(EVIDENCE_CAP);
        if dropped > 0 {
            summary.push_str(&format!(
                " The evidence lists the latest {EVIDENCE_CAP} items and {dropped} more."
            ));
        }
        Finding {
            cause: self.cause,
            status,
            severity,
            summary,
            evidence: evidence.into_iter().skip(dropped).map(|(_, e)| e).collect(),
            threshold: self.threshold.clone(),
            source: if self.fields.is_empty() {
                "none: no watch-derived measure; advice only".to_string()
            } else {
                cite(self.fields)
            },
            advice: self.advice.to_string(),
            history: Vec::new(),
        }
    }
}

/// Summaries are joined clauses; the first letter of the sentence goes up.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// Drops NaN and infinities so a bad metric reads as missing.
pub(crate) fn finite(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite())
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// "1 run" / "3 runs".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;

    #[test]
    fn evaluate_returns_all_eleven_causes_in_order_even_with_no_data() {
        let profile = AthleteProfile::default();
        let thresholds = Thresholds::default();
        let findings = evaluate(&Inputs::new(&profile, &thresholds));
        let causes: Vec<Cause> = findings.iter().map(|f| f.cause).collect();
        assert_eq!(causes, Cause::ALL.to_vec());
        let mut sorted = causes.clone();
        sorted.sort();
        assert_eq!(causes, sorted, "ALL must follow the enum order");
        // With nothing to read, nothing can be flagged.
        assert!(findings.iter().all(|f| f.status != Status::Flagged));
        assert!(
            findings
                .iter()
                .all(|f| !f.source.is_empty() && !f.advice.is_empty())
        );
    }

    /// Bisection finds the week a scan finds, for days before, inside, between
    /// and after the weeks, in the baseline or the window half, and a half out
    /// of order still answers.
    #[test]
    fn week_of_finds_the_week_a_scan_finds() {
        use chrono::Datelike;
        let profile = AthleteProfile::default();
        let thresholds = Thresholds::default();
        // Mondays from 5 Jan 2026, a gap of two weeks after the sixth.
        let mut all = weeks(d(2026, 1, 5), &[10.0; 6]);
        all.extend(weeks(d(2026, 3, 2), &[12.0; 6]));
        let scan = |weeks: &[Week], date: NaiveDate| {
            weeks
                .iter()
                .find(|w| w.start <= date && date < w.start + chrono::Days::new(7))
                .map(|w| (w.start, w.week.clone()))
        };
        let mut shuffled = all[4..].to_vec();
        shuffled.swap(0, 5);
        for (base, window) in [(&all[..4], &all[4..]), (&all[..4], &shuffled[..])] {
            let inputs = Inputs {
                weeks: window,
                baseline: Baseline {
                    weeks: base,
                    ..Baseline::default()
                },
                ..Inputs::new(&profile, &thresholds)
            };
            for day in 0..140 {
                let date = d(2025, 12, 20) + chrono::Days::new(day);
                let (start, label) = inputs.week_of(date);
                match scan(&all, date) {
                    Some(found) => assert_eq!((start, label), found, "{date}"),
                    // Outside every week: the ISO week, from its Monday.
                    None => {
                        assert_eq!(start.weekday(), chrono::Weekday::Mon, "{date}");
                        assert!(start <= date && date < start + chrono::Days::new(7));
                    }
                }
            }
        }
    }

    #[test]
    fn evaluate_is_independent_of_run_order() {
        let profile = AthleteProfile::default();
        let thresholds = Thresholds::default();
        let mut ms: Vec<RunMetrics> = (0..6)
            .map(|i| {
                let mut m = run(d(2026, 3, 2 + i * 3), 100.0 * 60.0, 20.0);
                m.pace_fade_pct = Some(12.0 + i as f64);
                m
            })
            .collect();
        let forward = views(&ms);
        let a = evaluate(&Inputs {
            runs: &forward,
            ..Inputs::new(&profile, &thresholds)
        });
        ms.reverse();
        let backward = views(&ms);
        let b = evaluate(&Inputs {
            runs: &backward,
            ..Inputs::new(&profile, &thresholds)
        });
        assert_eq!(a, b);
    }

    #[test]
    fn evidence_is_capped_with_the_latest_items_kept() {
        let rule = Rule {
            cause: Cause::Form,
            threshold: String::new(),
            fields: &[],
            advice: "",
        };
        let ev: Vec<Dated> = (0..13)
            .map(|i| {
                let date = d(2026, 1, 1 + i);
                (
                    date,
                    Evidence::for_date(date, "x", i as f64, None, String::new()),
                )
            })
            .rev()
            .collect();
        let f = rule.flagged(Severity::Low, "Seen.", ev);
        assert_eq!(f.evidence.len(), EVIDENCE_CAP);
        assert_eq!(f.evidence[0].date.as_deref(), Some("2026-01-04"));
        assert_eq!(f.evidence[9].date.as_deref(), Some("2026-01-13"));
        assert!(
            f.summary.ends_with("latest 10 items and 3 more."),
            "{}",
            f.summary
        );
    }
}
