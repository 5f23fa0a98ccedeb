//! Shared by the calibration and scenario-bank tests: run the library's
//! verdict path (`heavylegs::verdicts::assess`, the app's own path) on run
//! rows for every monthly window, and count what each cause says.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use heavylegs::findings::{Cause, Finding, Severity, Status};
use heavylegs::load::{LoadConfig, TzSource};
use heavylegs::metrics::intensity::{HrHistogram, rederive};
use heavylegs::metrics::{MetricsConfig, RunMetrics, athlete};
use heavylegs::profile::AthleteProfile;
use heavylegs::thresholds::Thresholds;
use heavylegs::verdicts::{self, DatedRun, Options};

/// One run on a local date.
pub struct Row {
    pub date: NaiveDate,
    pub metrics: RunMetrics,
}

/// The findings as of `as_of` with the default 4-week window.
pub fn findings_as_of(rows: &[Row], profile: &AthleteProfile, as_of: NaiveDate) -> Vec<Finding> {
    let thresholds = Thresholds::default();
    let dated: Vec<DatedRun> = rows
        .iter()
        .map(|r| DatedRun {
            metrics: &r.metrics,
            date: r.date,
            tz_source: TzSource::FileOffset,
        })
        .collect();
    verdicts::assess(
        &dated,
        &Options {
            profile,
            thresholds: &thresholds,
            load: LoadConfig::default(),
            as_of: Some(as_of),
            window_weeks: 4,
            wellness: &heavylegs::wellness::EMPTY,
        },
    )
    .expect("verdicts never fail on plausible rows")
    .findings
}

/// The last day of every month from the second full month of the history to
/// the month of the last run (the first month has no baseline).
pub fn month_ends(rows: &[Row]) -> Vec<NaiveDate> {
    // Dates a broken exporter wrote (year 7526) are not months to judge.
    let plausible = || {
        rows.iter()
            .map(|r| r.date)
            .filter(|d| (1990..2100).contains(&d.year()))
    };
    let (Some(first), Some(last)) = (plausible().min(), plausible().max()) else {
        return vec![];
    };
    let mut out = Vec::new();
    let mut m = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).expect("month start");
    m = next_month(m);
    while m <= last {
        let end = next_month(m) - Duration::days(1);
        out.push(end.min(last));
        m = next_month(m);
    }
    out
}

fn next_month(d: NaiveDate) -> NaiveDate {
    if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    }
    .expect("valid month")
}

/// Per cause: months flagged, flagged high, and assessable.
#[derive(Default, Debug, Clone, Copy)]
pub struct Tally {
    pub flagged: usize,
    pub high: usize,
    pub assessable: usize,
}

pub fn tally_months(
    rows: &[Row],
    profile: &AthleteProfile,
    ends: &[NaiveDate],
) -> BTreeMap<Cause, Tally> {
    let mut out: BTreeMap<Cause, Tally> = BTreeMap::new();
    for &end in ends {
        for f in findings_as_of(rows, profile, end) {
            let t = out.entry(f.cause).or_default();
            if f.status != Status::NotAssessable {
                t.assessable += 1;
            }
            if f.status == Status::Flagged {
                t.flagged += 1;
                if f.severity == Severity::High {
                    t.high += 1;
                }
            }
        }
    }
    out
}

/// "overtraining  2/25 (high 0)" lines, one per cause.
pub fn print_table(name: &str, tally: &BTreeMap<Cause, Tally>) {
    println!("{name}:");
    for (cause, t) in tally {
        println!(
            "  {:<13} flagged {:>3} / {:>3} assessable months (high {})",
            cause.id(),
            t.flagged,
            t.assessable,
            t.high
        );
    }
}

/// `$HEAVYLEGS_REAL_RUNS`, else `real-runs/` beside the shared corpus
/// (`../shared/real-runs`); prints SKIP when neither exists.
pub fn real_runs_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("HEAVYLEGS_REAL_RUNS")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-runs")])
        .chain(crate::common::corpus_dir().map(|c| c.join("../real-runs")))
        .find(|p| p.is_dir());
    if dir.is_none() {
        println!("SKIP: ../shared/real-runs not found (set HEAVYLEGS_REAL_RUNS)");
    }
    dir
}

/// One real runner's history (`runner-a` …), one row per run as the rules
/// read it, with zones re-derived against the max HR estimated from the whole
/// history, as the app does before the verdicts. None (after a SKIP line)
/// when the shared folder is absent.
pub fn real_runner(name: &str) -> Option<Vec<Row>> {
    let path = real_runs_dir()?.join(format!("{name}.csv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let mut rows: Vec<Row> = lines
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| real_row(&header, l, i))
        .collect();
    if let Some(est) = athlete::estimate_max_hr(rows.iter().map(|r| &r.metrics)) {
        let cfg = MetricsConfig {
            observed_max_hr_bpm: Some(est.bpm),
            ..MetricsConfig::default()
        };
        for r in &mut rows {
            rederive(&mut r.metrics, &cfg);
        }
    }
    Some(rows)
}

/// One CSV row as a metrics row. The CSV has the run's mean and max HR only:
/// HR becomes a histogram around the mean (a quarter 8 bpm below, a half at,
/// a quarter 8 bpm above) plus 30 s at the recorded max; the mean cadence and
/// speed stand in for the easy-pace values.
fn real_row(header: &[&str], line: &str, i: usize) -> Row {
    let cells: BTreeMap<&str, &str> = header.iter().copied().zip(line.split(',')).collect();
    let num = |k: &str| {
        cells
            .get(k)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let date: NaiveDate = cells["local_date"].parse().expect("local_date");
    let start: DateTime<Utc> = cells["start_utc"].parse().expect("start_utc");
    let moving_s = num("moving_s");
    let distance_m = num("distance_km").map(|k| k * 1000.0);
    let mut m = RunMetrics {
        path: format!("{date}-{i}"),
        start: Some(start),
        elapsed_s: num("elapsed_s").or(moving_s).unwrap_or(0.0),
        moving_s,
        distance_m,
        mean_moving_speed_mps: distance_m
            .zip(moving_s)
            .filter(|(_, s)| *s > 0.0)
            .map(|(d, s)| d / s),
        mean_heart_rate_bpm: num("mean_heart_rate_bpm"),
        max_heart_rate_bpm: num("max_heart_rate_bpm"),
        mean_cadence_spm: num("mean_cadence_spm"),
        step_length_m: num("step_length_m"),
        stance_time_ms: num("stance_time_ms"),
        vertical_oscillation_mm: num("vertical_oscillation_mm"),
        temperature_mean_c: num("temperature_mean_c"),
        ..RunMetrics::default()
    };
    m.easy_cadence_spm = m.mean_cadence_spm;
    m.easy_speed_mps = m.mean_cadence_spm.and(m.mean_moving_speed_mps);
    m.vertical_ratio_pct = m
        .vertical_oscillation_mm
        .zip(m.step_length_m)
        .map(|(vo, sl)| vo / (sl * 1000.0) * 100.0);
    if let (Some(mean), Some(max), Some(s)) =
        (m.mean_heart_rate_bpm, m.max_heart_rate_bpm, moving_s)
    {
        let hr: Vec<f64> = (0..s.round() as usize)
            .map(|i| match i % 4 {
                0 => mean - 8.0,
                3 => mean + 8.0,
                _ => mean,
            })
            .chain(std::iter::repeat_n(max, 30))
            .collect();
        m.hr_histogram = HrHistogram::from_samples(&hr, &vec![1.0; hr.len()]);
    }
    Row { date, metrics: m }
}
