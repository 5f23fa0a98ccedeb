//! The report model: one plain serde struct that every writer renders and
//! that cron scripts read as `report.json`.
//!
//! The JSON schema is stable (`schema_version` 1). Keys carry SI/metric units
//! in their names whatever the display units; floats are rounded here, once,
//! so every writer shows the same numbers and two runs over the same inputs
//! give identical bytes except `generated_at`, the only volatile field.
//!
//! Top-level keys: `schema_version`, `generated_at`, `athlete`, `period`
//! (`from`, `to`), `window` (`from`, `to`, `as_of`, `partial_last_week`),
//! `timezone_source`, `display_units`, `inputs` (`ok`, `skipped`, `rejected`,
//! `duplicates` — duplicates are a subset of skipped — and `warnings`: what the
//! decoders salvaged or corrected, per input),
//! `weeks`, `findings`, `rejected`, `skipped`, `runs`, `cadence_fit`,
//! `speed_bins`, `window`, `changes` (what changed since the previous
//! report in the same folder, or null), `wellness` (only when the inputs
//! hold sleep, resting HR, HRV, gear, ratings or ferritin).

use std::borrow::Borrow;
use std::collections::BTreeSet;

use foldhash::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::findings::Window;
use crate::findings::{Cause, Evidence, Finding, Status};
use crate::ingest::{Record, Status as RecordStatus};
use crate::load::Week;
use crate::metrics::RunMetrics;

/// Bumped only when a key is renamed or removed; new keys keep the version.
pub const SCHEMA_VERSION: u32 = 1;

/// How the human-readable reports show distances, paces and temperatures.
/// JSON, CSV and Parquet are always SI/metric with unit-named keys.
pub use crate::units::Units;

/// The full report. Field order is the JSON key order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    /// RFC 3339 UTC; the only field that differs between two identical runs.
    pub generated_at: String,
    pub athlete: String,
    pub period: Period,
    /// The days the verdicts judge; `None` only when there are no runs.
    pub window: Option<Window>,
    /// Where local dates come from, e.g. `file offsets, else Europe/Berlin`.
    pub timezone_source: String,
    /// The units the Markdown/HTML were asked for (JSON stays metric).
    pub display_units: Units,
    pub inputs: InputCounts,
    pub weeks: Vec<WeekRow>,
    /// Flagged first, then by severity (high first), then by cause.
    pub findings: Vec<Finding>,
    pub rejected: Vec<InputIssue>,
    pub skipped: Vec<InputIssue>,
    /// Analysed runs, oldest first.
    pub runs: Vec<RunRow>,
    /// The athlete's cadence~speed line, when enough runs had cadence.
    pub cadence_fit: Option<CadenceFit>,
    /// One point per run per speed band: the scatter behind `cadence_fit`.
    pub speed_bins: Vec<SpeedPoint>,
    /// What changed since the previous `report.json` in the same folder; filled
    /// by [`super::write_all`], `None` when there was none (or it was unreadable).
    #[serde(default)]
    pub changes: Option<Changes>,
    /// Sleep, resting HR, HRV, gear and ratings read besides the runs; the
    /// key is absent when the inputs hold none (added in schema 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wellness: Option<super::wellness::WellnessSummary>,
}

/// The difference to the previous report written into the same folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// `generated_at` of the previous report.
    pub previous_generated_at: String,
    /// Last day the previous report covered.
    pub previous_to: Option<NaiveDate>,
    /// Runs (by input path) not in the previous report.
    pub new_runs: u32,
    /// Distance of those runs, km.
    pub new_distance_km: f64,
    /// Causes flagged now that were not flagged then.
    pub newly_flagged: Vec<Cause>,
    /// Causes flagged then that are not flagged now.
    pub cleared: Vec<Cause>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputCounts {
    pub ok: u32,
    pub skipped: u32,
    pub rejected: u32,
    /// Skipped because the same run arrived in a richer file (counted in `skipped` too).
    pub duplicates: u32,
    /// Every decoder warning of an input that was read (damage salvaged, bad
    /// CRC, dropped samples…), by path; damaged files are still `ok`.
    pub warnings: Vec<InputWarning>,
}

/// One decoder warning about one input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputWarning {
    pub path: String,
    pub warning: String,
}

/// An input that was not analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputIssue {
    pub path: String,
    pub reason: String,
}

impl InputIssue {
    /// Skipped because the same run is counted from another file.
    pub fn is_duplicate(&self) -> bool {
        self.reason.starts_with(crate::ingest::dedupe::DUPLICATE_OF)
    }
}

/// Skipped files listed per kind in the HTML and Markdown reports.
pub const INPUTS_SHOWN: usize = 20;

/// The inputs not analysed, as the HTML and Markdown reports list them:
/// rejected files all (each wants looking at), then the skipped ones for
/// other reasons, then the duplicates, each of those two cut at
/// [`INPUTS_SHOWN`] (report.json and activities.csv keep every one). An
/// export imported twice, or a folder synced from two apps, holds thousands
/// of copies, and a page of them hides the few files skipped for a reason
/// worth reading.
pub struct InputLists<'r> {
    pub sections: [InputList<'r>; 3],
}

/// One list of [`InputLists`].
pub struct InputList<'r> {
    pub title: &'static str,
    /// What the list means, said under its title.
    pub note: Option<&'static str>,
    pub listed: Vec<&'r InputIssue>,
    /// How many there are (more than `listed` when cut short).
    pub total: usize,
}

impl<'r> InputLists<'r> {
    pub fn of(report: &'r Report) -> InputLists<'r> {
        let (duplicates, other): (Vec<&InputIssue>, Vec<&InputIssue>) =
            report.skipped.iter().partition(|i| i.is_duplicate());
        let list = |title, note, all: Vec<&'r InputIssue>, shown: usize| InputList {
            title,
            note,
            total: all.len(),
            listed: all.into_iter().take(shown).collect(),
        };
        InputLists {
            sections: [
                list(
                    "Rejected",
                    None,
                    report.rejected.iter().collect(),
                    usize::MAX,
                ),
                list("Skipped", None, other, INPUTS_SHOWN),
                list(
                    "Duplicates",
                    Some("Each is counted once, under the copy named."),
                    duplicates,
                    INPUTS_SHOWN,
                ),
            ],
        }
    }

    /// Whether a list was cut short.
    pub fn cut(&self) -> bool {
        self.sections.iter().any(|s| s.listed.len() < s.total)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekRow {
    /// ISO label, e.g. `2026-W23`.
    pub week: String,
    pub start: NaiveDate,
    pub distance_km: f64,
    pub moving_s: f64,
    pub runs: u32,
    pub rest_days: u32,
    pub longest_run_km: f64,
    pub ramp_pct: Option<f64>,
    pub acwr_rolling: Option<f64>,
    pub acwr_ewma: Option<f64>,
    pub monotony: Option<f64>,
    pub strain: Option<f64>,
    pub mean_cadence_spm: Option<f64>,
    /// Moving-time-weighted mean step length of the week's runs, m.
    pub step_length_m: Option<f64>,
    /// True when a flagged finding names this week in its evidence.
    pub flagged: bool,
}

/// Headline metrics of one run, for tables and charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    /// Local date, `YYYY-MM-DD`.
    pub date: Option<NaiveDate>,
    pub path: String,
    pub distance_km: Option<f64>,
    pub moving_s: Option<f64>,
    pub mean_speed_mps: Option<f64>,
    pub mean_cadence_spm: Option<f64>,
    pub median_cadence_spm: Option<f64>,
    pub step_length_m: Option<f64>,
    pub easy_speed_mps: Option<f64>,
    pub easy_cadence_spm: Option<f64>,
    /// Easy cadence minus the athlete's fit at the easy speed, spm (negative = lower than usual).
    pub cadence_residual_spm: Option<f64>,
    pub cadence_first_third_spm: Option<f64>,
    pub cadence_last_third_spm: Option<f64>,
    pub decoupling_pct: Option<f64>,
    pub pace_fade_pct: Option<f64>,
    pub warm_up_s: Option<f64>,
    pub cool_down_s: Option<f64>,
    pub temperature_mean_c: Option<f64>,
    pub mean_heart_rate_bpm: Option<f64>,
}

/// Cadence as a straight line of speed: `cadence_spm = intercept_spm + slope_spm_per_mps × speed_mps`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CadenceFit {
    pub intercept_spm: f64,
    pub slope_spm_per_mps: f64,
    /// Speed range the fit was built on, m/s; the line is drawn only there.
    pub min_speed_mps: f64,
    pub max_speed_mps: f64,
}

impl CadenceFit {
    pub fn cadence_at(&self, speed_mps: f64) -> f64 {
        self.intercept_spm + self.slope_spm_per_mps * speed_mps
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeedPoint {
    pub date: Option<NaiveDate>,
    pub speed_mps: f64,
    pub cadence_spm: f64,
    pub step_length_m: Option<f64>,
    pub seconds: f64,
}

/// Everything the report is built from; the app fills it from its stages.
/// Records and metrics are rows or references to rows (`R`, `M`): the app
/// lends a whole history's rows without moving them.
#[derive(Debug)]
pub struct ReportInputs<'a, R = Record, M = RunMetrics> {
    pub athlete: &'a str,
    pub generated_at: DateTime<Utc>,
    /// IANA zone used for runs whose file carries no UTC offset; UTC when absent or unknown.
    pub timezone: Option<chrono_tz::Tz>,
    pub timezone_source: &'a str,
    pub display_units: Units,
    pub records: &'a [R],
    pub metrics: &'a [M],
    pub weeks: &'a [Week],
    pub findings: &'a [Finding],
    pub fit: Option<CadenceFit>,
    /// Local dates the load stage already resolved (path → date). Runs listed
    /// here use them, so report and weekly tables share one calendar; others
    /// fall back to the file offset, then `timezone`, then UTC.
    pub run_dates: &'a [(String, NaiveDate)],
}

impl Report {
    /// Builds the report: sorts every list and rounds every float, so the
    /// writers only format.
    pub fn new<R: Borrow<Record>, M: Borrow<RunMetrics>>(inp: &ReportInputs<'_, R, M>) -> Report {
        // Hashed: ordered maps compared 10,000 paths with a long shared prefix.
        let offsets: HashMap<&str, i32> = inp
            .records
            .iter()
            .map(Borrow::borrow)
            .filter_map(|r: &Record| Some((r.path.as_str(), r.activity.as_ref()?.utc_offset_s?)))
            .collect();
        let tz: Option<chrono_tz::Tz> = inp.timezone;
        let known: HashMap<&str, NaiveDate> = inp
            .run_dates
            .iter()
            .map(|(p, d)| (p.as_str(), *d))
            .collect();
        let local_date = |m: &RunMetrics| -> Option<NaiveDate> {
            if let Some(d) = known.get(m.path.as_str()) {
                return Some(*d);
            }
            let start = m.start?;
            if let Some(off) = offsets.get(m.path.as_str()) {
                let off = chrono::FixedOffset::east_opt(*off)?;
                return Some(start.with_timezone(&off).date_naive());
            }
            match tz {
                Some(tz) => Some(start.with_timezone(&tz).date_naive()),
                None => Some(start.date_naive()),
            }
        };

        let fit = inp
            .fit
            .filter(|f| f.intercept_spm.is_finite() && f.slope_spm_per_mps.is_finite());
        let mut runs: Vec<(Option<chrono::DateTime<Utc>>, RunRow)> = Vec::new();
        let mut speed_bins = Vec::new();
        for m in inp.metrics.iter().map(Borrow::borrow) {
            let date = local_date(m);
            runs.push((m.start, run_row(m, date, fit.as_ref())));
            for b in &m.speed_bins {
                if b.speed_mps.is_finite() && b.cadence_spm.is_finite() && b.seconds > 0.0 {
                    speed_bins.push(SpeedPoint {
                        date,
                        speed_mps: r(b.speed_mps, 2),
                        cadence_spm: r(b.cadence_spm, 1),
                        step_length_m: ro(b.step_length_m, 3),
                        seconds: r(b.seconds, 0),
                    });
                }
            }
        }
        runs.sort_by(|a, b| (a.1.date, a.0, &a.1.path).cmp(&(b.1.date, b.0, &b.1.path)));
        let runs: Vec<RunRow> = runs.into_iter().map(|(_, row)| row).collect();
        speed_bins.sort_by(|a, b| {
            (a.date, a.speed_mps, a.cadence_spm)
                .partial_cmp(&(b.date, b.speed_mps, b.cadence_spm))
                .unwrap_or(std::cmp::Ordering::Equal)
        });

        let mut findings: Vec<Finding> = inp.findings.iter().map(round_finding).collect();
        findings.sort_by(|a, b| {
            (
                status_rank(a.status),
                std::cmp::Reverse(a.severity),
                a.cause,
            )
                .cmp(&(
                    status_rank(b.status),
                    std::cmp::Reverse(b.severity),
                    b.cause,
                ))
        });
        let flagged_weeks: BTreeSet<&str> = findings
            .iter()
            .filter(|f| f.status == Status::Flagged)
            .flat_map(|f| f.evidence.iter().filter_map(|e| e.week.as_deref()))
            .collect();

        let mut weeks: Vec<WeekRow> = inp
            .weeks
            .iter()
            .map(|w| week_row(w, &runs, flagged_weeks.contains(w.week.as_str())))
            .collect();
        weeks.sort_by_key(|w| w.start);

        let (mut inputs, mut rejected, mut skipped) =
            (InputCounts::default(), Vec::new(), Vec::new());
        for rec in inp.records.iter().map(Borrow::borrow) {
            let wellness = rec.wellness.iter().flat_map(|w| &w.warnings);
            for w in rec
                .activity
                .iter()
                .flat_map(|a| &a.warnings)
                .chain(wellness)
            {
                inputs.warnings.push(InputWarning {
                    path: rec.path.clone(),
                    warning: w.clone(),
                });
            }
            let reason = || {
                rec.reason
                    .clone()
                    .unwrap_or_else(|| match &rec.duplicate_of {
                        Some(d) => format!("{}{d}", crate::ingest::dedupe::DUPLICATE_OF),
                        None => "no reason recorded".to_owned(),
                    })
            };
            match rec.status {
                // A wellness-only input (sleep, gear, …) is no run.
                RecordStatus::Ok if rec.activity.is_none() && rec.wellness.is_some() => {}
                RecordStatus::Ok => inputs.ok += 1,
                RecordStatus::Skipped => {
                    inputs.skipped += 1;
                    if rec.duplicate_of.is_some() {
                        inputs.duplicates += 1;
                    }
                    skipped.push(InputIssue {
                        path: rec.path.clone(),
                        reason: reason(),
                    });
                }
                RecordStatus::Rejected => {
                    inputs.rejected += 1;
                    rejected.push(InputIssue {
                        path: rec.path.clone(),
                        reason: reason(),
                    });
                }
            }
        }
        rejected.sort();
        skipped.sort();
        inputs.warnings.sort_by(|a, b| a.path.cmp(&b.path));

        let dates = runs.iter().filter_map(|r| r.date);
        let period = Period {
            from: dates
                .clone()
                .min()
                .or_else(|| weeks.first().map(|w| w.start)),
            to: dates
                .max()
                .or_else(|| weeks.last().map(|w| w.start + chrono::Days::new(6))),
        };

        Report {
            schema_version: SCHEMA_VERSION,
            generated_at: inp
                .generated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            athlete: inp.athlete.to_owned(),
            period,
            window: None,
            timezone_source: inp.timezone_source.to_owned(),
            display_units: inp.display_units,
            inputs,
            weeks,
            findings,
            rejected,
            skipped,
            runs,
            cadence_fit: fit.map(|f| CadenceFit {
                intercept_spm: r(f.intercept_spm, 2),
                slope_spm_per_mps: r(f.slope_spm_per_mps, 3),
                min_speed_mps: r(f.min_speed_mps, 2),
                max_speed_mps: r(f.max_speed_mps, 2),
            }),
            speed_bins,
            changes: None,
            wellness: None,
        }
    }

    pub fn flagged(&self) -> impl Iterator<Item = &Finding> {
        self.with_status(Status::Flagged)
    }

    /// The findings of one status, in report order.
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.status == status)
    }
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::Flagged => 0,
        Status::Clear => 1,
        Status::NotAssessable => 2,
    }
}

fn run_row(m: &RunMetrics, date: Option<NaiveDate>, fit: Option<&CadenceFit>) -> RunRow {
    let residual = match (fit, m.easy_speed_mps, m.easy_cadence_spm) {
        (Some(f), Some(v), Some(c)) if v.is_finite() && c.is_finite() => Some(c - f.cadence_at(v)),
        _ => None,
    };
    RunRow {
        date,
        path: m.path.clone(),
        distance_km: ro(m.distance_m.map(|d| d / 1000.0), 2),
        moving_s: ro(m.moving_s, 0),
        mean_speed_mps: ro(m.mean_moving_speed_mps, 2),
        mean_cadence_spm: ro(m.mean_cadence_spm, 1),
        median_cadence_spm: ro(m.median_cadence_spm, 1),
        step_length_m: ro(m.step_length_m, 3),
        easy_speed_mps: ro(m.easy_speed_mps, 2),
        easy_cadence_spm: ro(m.easy_cadence_spm, 1),
        cadence_residual_spm: ro(residual, 1),
        cadence_first_third_spm: ro(m.cadence_first_third_spm, 1),
        cadence_last_third_spm: ro(m.cadence_last_third_spm, 1),
        decoupling_pct: ro(m.decoupling_pct, 1),
        pace_fade_pct: ro(m.pace_fade_pct, 1),
        warm_up_s: ro(m.warm_up_s, 0),
        cool_down_s: ro(m.cool_down_s, 0),
        temperature_mean_c: ro(m.temperature_mean_c, 1),
        mean_heart_rate_bpm: ro(m.mean_heart_rate_bpm, 0),
    }
}

/// `runs` sorted by date (undated first), so the week's runs are one slice
/// found by binary search: a 45-year history has ~2,300 weeks and 8,000 runs.
fn week_row(w: &Week, runs: &[RunRow], flagged: bool) -> WeekRow {
    let end = w.start + chrono::Days::new(7);
    let (first, last) = (
        runs.partition_point(|r| r.date < Some(w.start)),
        runs.partition_point(|r| r.date < Some(end)),
    );
    let (mut sum, mut weight) = (0.0, 0.0);
    for run in &runs[first..last.max(first)] {
        if let (Some(sl), Some(t)) = (run.step_length_m, run.moving_s) {
            sum += sl * t;
            weight += t;
        }
    }
    WeekRow {
        week: w.week.clone(),
        start: w.start,
        distance_km: r(w.distance_km, 2),
        moving_s: r(w.moving_s, 0),
        runs: w.runs,
        rest_days: w.rest_days,
        longest_run_km: r(w.longest_run_km, 2),
        ramp_pct: ro(w.ramp_pct, 1),
        acwr_rolling: ro(w.acwr_rolling, 2),
        acwr_ewma: ro(w.acwr_ewma, 2),
        monotony: ro(w.monotony, 2),
        strain: ro(w.strain, 0),
        mean_cadence_spm: ro(w.mean_cadence_spm, 1),
        step_length_m: ro((weight > 0.0).then(|| sum / weight), 3),
        flagged,
    }
}

fn round_finding(f: &Finding) -> Finding {
    let mut f = f.clone();
    f.evidence = f
        .evidence
        .iter()
        .map(|e| Evidence {
            value: r(e.value, 2),
            limit: ro(e.limit, 2),
            ..e.clone()
        })
        .collect();
    f
}

/// Rounds to `decimals`; non-finite values stay as they are (serde_json writes them as null).
pub(crate) fn r(x: f64, decimals: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let p = 10f64.powi(decimals);
    let v = (x * p).round() / p;
    if v == 0.0 { 0.0 } else { v } // no "-0.0" in the JSON
}

/// Rounds an optional value; a non-finite value becomes `None`.
pub(crate) fn ro(x: Option<f64>, decimals: i32) -> Option<f64> {
    x.filter(|v| v.is_finite()).map(|v| r(v, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_stable_and_drops_negative_zero() {
        assert_eq!(r(12.3456, 2), 12.35);
        assert_eq!(r(-0.0001, 2), 0.0);
        assert!(r(-0.0001, 2).is_sign_positive());
        assert_eq!(ro(Some(f64::NAN), 1), None);
    }

    #[test]
    fn a_week_takes_the_step_length_of_its_own_runs_only() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d);
        let run = |date: Option<NaiveDate>, step: f64, moving: f64| RunRow {
            date,
            path: String::new(),
            distance_km: None,
            moving_s: Some(moving),
            mean_speed_mps: None,
            mean_cadence_spm: None,
            median_cadence_spm: None,
            step_length_m: Some(step),
            easy_speed_mps: None,
            easy_cadence_spm: None,
            cadence_residual_spm: None,
            cadence_first_third_spm: None,
            cadence_last_third_spm: None,
            decoupling_pct: None,
            pace_fade_pct: None,
            warm_up_s: None,
            cool_down_s: None,
            temperature_mean_c: None,
            mean_heart_rate_bpm: None,
        };
        // Sorted as Report::new sorts them: undated first, then by date.
        let runs = [
            run(None, 9.0, 100.0),
            run(day(1), 5.0, 100.0), // Sunday, the week before
            run(day(2), 1.0, 100.0), // Monday 2 March
            run(day(5), 1.3, 300.0),
            run(day(8), 1.2, 100.0), // Sunday
            run(day(9), 7.0, 100.0), // the next Monday
        ];
        let week = |start: NaiveDate| Week {
            week: String::new(),
            start,
            days_in_history: 7,
            distance_km: 0.0,
            moving_s: 0.0,
            runs: 0,
            rest_days: 0,
            longest_run_km: 0.0,
            longest_run_share: None,
            long_runs_90min: 0,
            mean_cadence_spm: None,
            intensity_s: [0.0; 3],
            load: 0.0,
            ramp_pct: None,
            acwr_rolling: None,
            acwr_ewma: None,
            monotony: None,
            strain: None,
            streak_days: 0,
            weeks_without_rest: 0,
            partial: false,
        };
        let step = |d: u32| week_row(&week(day(d).unwrap()), &runs, false).step_length_m;
        // (1.0×100 + 1.3×300 + 1.2×100) / 500
        assert_eq!(step(2), Some(1.22));
        assert_eq!(step(9), Some(7.0));
        assert_eq!(step(23), None, "a week without runs");
    }

    #[test]
    fn inputs_count_duplicates_inside_skipped() {
        let rec = |path: &str, status, dup: Option<&str>, reason: Option<&str>| Record {
            path: path.into(),
            sha256: String::new(),
            format: None,
            status,
            reason: reason.map(Into::into),
            duplicate_of: dup.map(Into::into),
            activity: None,
            wellness: None,
        };
        let records = [
            rec("b.fit", RecordStatus::Ok, None, None),
            rec("a.gpx", RecordStatus::Skipped, Some("b.fit"), None),
            rec("c.fit", RecordStatus::Skipped, None, Some("cycling")),
            rec("z.fit", RecordStatus::Rejected, None, Some("bad header")),
        ];
        let report = Report::new(&ReportInputs {
            athlete: "A",
            generated_at: DateTime::from_timestamp(0, 0).unwrap(),
            timezone: None,
            timezone_source: "utc",
            display_units: Units::Metric,
            records: &records,
            metrics: &[] as &[RunMetrics],
            weeks: &[],
            findings: &[],
            fit: None,
            run_dates: &[],
        });
        assert_eq!(
            report.inputs,
            InputCounts {
                ok: 1,
                skipped: 2,
                rejected: 1,
                duplicates: 1,
                warnings: Vec::new(),
            }
        );
        assert_eq!(
            report.skipped[0],
            InputIssue {
                path: "a.gpx".into(),
                reason: "duplicate of b.fit".into()
            }
        );
        assert_eq!(report.rejected[0].reason, "bad header");
        assert_eq!(
            report.period,
            Period {
                from: None,
                to: None
            }
        );
    }
}
