//! Shared by the calibration and scenario-bank tests: run the library's
//! verdict path (`heavylegs::verdicts::assess`, the app's own path) on run
//! rows for every monthly window, and count what each cause says.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use heavylegs::findings::{Cause, Finding, Severity, Status};
use heavylegs::load::{LoadConfig, TzSource};
use heavylegs::metrics::RunMetrics;
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
        },
    )
    .expect("verdicts never fail on plausible rows")
    .findings
}

/// The last day of every month from the second full month of the history to
/// the month of the last run (the first month has no baseline).
pub fn month_ends(rows: &[Row]) -> Vec<NaiveDate> {
    // Dates a broken exporter wrote (year 7526) are not months to judge.
    let plausible = || rows.iter().map(|r| r.date).filter(|d| (1990..2100).contains(&d.year()));
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
