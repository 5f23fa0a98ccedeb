//! A small hand-built season for the report writers: six weeks, one spike
//! week flagged, one clear and one not-assessable finding, a duplicate and a
//! rejected file whose name is an HTML injection attempt. Used by
//! `tests/it/report.rs` and by `examples/sample_report.rs` (screenshots).

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use heavylegs::findings::{Cause, Evidence, Finding, Severity, Status};
use heavylegs::ingest::{Record, Status as RecordStatus};
use heavylegs::load::Week;
use heavylegs::metrics::{RunMetrics, SpeedBin};
use heavylegs::report::{CadenceFit, RenderOptions, Report, ReportInputs, Units};

pub const EVIL: &str = "uploads/<script>alert(1)</script>.fit";

/// Week starts (Mondays) and distances, km: the fifth week is a +44 % spike.
pub const WEEKS: [(u32, u32, f64); 6] = [
    (5, 4, 20.0),
    (5, 11, 22.5),
    (5, 18, 24.0),
    (5, 25, 25.0),
    (6, 1, 36.0),
    (6, 8, 18.0),
];

pub fn fit() -> CadenceFit {
    CadenceFit {
        intercept_spm: 140.0,
        slope_spm_per_mps: 8.0,
        min_speed_mps: 2.5,
        max_speed_mps: 3.6,
    }
}

pub fn run(i: usize, start: DateTime<Utc>, km: f64, speed_mps: f64) -> RunMetrics {
    let wiggle = [-2.0, 1.0, 0.0, 2.0, -1.0][i % 5];
    let cadence = 140.0 + 8.0 * speed_mps + wiggle;
    let moving_s = km * 1000.0 / speed_mps;
    let long = moving_s >= 3600.0;
    RunMetrics {
        path: format!("runs/{}.fit", start.format("%Y-%m-%d")),
        start: Some(start),
        elapsed_s: moving_s + 60.0,
        moving_s: Some(moving_s),
        distance_m: Some(km * 1000.0),
        mean_moving_speed_mps: Some(speed_mps),
        mean_cadence_spm: Some(cadence),
        median_cadence_spm: Some(cadence + 0.5),
        step_length_m: Some(speed_mps / (cadence / 60.0)),
        easy_speed_mps: Some(speed_mps - 0.2),
        easy_cadence_spm: Some(cadence - 1.6),
        cadence_first_third_spm: Some(cadence + 1.0),
        cadence_last_third_spm: Some(cadence - if long { 4.0 } else { 0.5 }),
        decoupling_pct: long.then_some(3.0 + i as f64 * 0.4),
        temperature_mean_c: Some(14.0 + i as f64 * 0.5),
        warm_up_s: Some(420.0),
        mean_heart_rate_bpm: Some(142.0),
        speed_bins: [-0.4, 0.0, 0.4]
            .iter()
            .enumerate()
            .map(|(k, dv)| {
                let v = speed_mps + dv;
                let c = 140.0 + 8.0 * v + wiggle + k as f64 - 1.0;
                SpeedBin {
                    speed_mps: v,
                    cadence_spm: c,
                    step_length_m: Some(v / (c / 60.0)),
                    heart_rate_bpm: None,
                    seconds: 300.0,
                }
            })
            .collect(),
        ..RunMetrics::default()
    }
}

pub struct Season {
    pub records: Vec<Record>,
    pub metrics: Vec<RunMetrics>,
    pub weeks: Vec<Week>,
    pub findings: Vec<Finding>,
}

pub fn record(path: &str, status: RecordStatus, reason: Option<&str>, dup: Option<&str>) -> Record {
    Record {
        path: path.into(),
        sha256: String::new(),
        format: None,
        status,
        reason: reason.map(Into::into),
        duplicate_of: dup.map(Into::into),
        activity: None,
        wellness: None,
    }
}

pub fn season() -> Season {
    let mut metrics = Vec::new();
    let mut weeks = Vec::new();
    let mut prev: Option<f64> = None;
    for (w, (month, day, km)) in WEEKS.iter().enumerate() {
        let start = NaiveDate::from_ymd_opt(2026, *month, *day).unwrap();
        // Tuesday, Thursday and Saturday runs: a quarter, a quarter, half of the week.
        for (k, (offset, share)) in [(1u64, 0.25), (3, 0.25), (5, 0.5)].iter().enumerate() {
            let date = start + chrono::Days::new(*offset);
            let t = Utc.from_utc_datetime(&date.and_hms_opt(6, 0, 0).unwrap());
            let speed = if k == 2 { 2.9 } else { 3.2 };
            metrics.push(run(metrics.len(), t, km * share, speed));
        }
        let ramp = prev.map(|p| (km - p) / p * 100.0);
        prev = Some(*km);
        weeks.push(Week {
            week: format!("2026-W{}", start.iso_week().week()),
            start,
            distance_km: *km,
            moving_s: km * 330.0,
            runs: 3,
            rest_days: 4,
            longest_run_km: km * 0.5,
            longest_run_share: Some(0.5),
            long_runs_90min: 0,
            mean_cadence_spm: Some(165.0 + [0.0, 1.0, -0.5, 0.5, -3.0, 1.5][w]),
            intensity_s: [0.0; 3],
            ramp_pct: ramp,
            acwr_rolling: (w >= 3).then(|| [1.05, 1.423, 0.68][w - 3]),
            acwr_ewma: (w >= 3).then(|| [1.02, 1.38, 0.8][w - 3]),
            monotony: Some(0.9 + w as f64 * 0.05),
            strain: None,
            streak_days: 1,
            load: *km,
            days_in_history: 7,
            weeks_without_rest: 0,
            partial: false,
        });
    }
    // A 10 km run at exactly 5:00 /km, late on a Sunday evening UTC: Monday in Berlin.
    let sunday_night = Utc.with_ymd_and_hms(2026, 5, 10, 23, 30, 0).unwrap();
    let mut ten = run(99, sunday_night, 10.0, 1000.0 / 300.0);
    ten.path = "runs/ten-k.fit".into();
    metrics.push(ten);

    let mut records: Vec<Record> = metrics
        .iter()
        .map(|m| record(&m.path, RecordStatus::Ok, None, None))
        .collect();
    records.push(record(
        "runs/2026-05-05.gpx",
        RecordStatus::Skipped,
        None,
        Some("runs/2026-05-05.fit"),
    ));
    records.push(record(
        "rides/commute.fit",
        RecordStatus::Skipped,
        Some("not a run: cycling"),
        None,
    ));
    records.push(record(
        EVIL,
        RecordStatus::Rejected,
        Some("not a FIT file: bad header"),
        None,
    ));

    let findings = vec![
        Finding {
            cause: Cause::Iron,
            status: Status::NotAssessable,
            severity: Severity::None,
            summary: "Iron status cannot be read from watch data.".into(),
            evidence: vec![],
            threshold: String::new(),
            source: "Peeling et al. 2008, Eur J Appl Physiol 103:381–391 — grade B".into(),
            advice: "A ferritin blood test answers it (below 35 µg/L is low for athletes).".into(),
            history: vec![],
        },
        Finding {
            cause: Cause::Form,
            status: Status::Clear,
            severity: Severity::None,
            summary: "Easy-pace cadence sits on your own cadence~speed line.".into(),
            evidence: vec![],
            threshold: "easy cadence < 165 spm and below own line".into(),
            source: "Heiderscheit et al. 2011, MSSE 43(2):296–302 — grade B".into(),
            advice: String::new(),
            history: vec![],
        },
        Finding {
            cause: Cause::Overtraining,
            status: Status::Flagged,
            severity: Severity::High,
            summary: "Week 2026-W23 ran 44 % more than the week before.".into(),
            evidence: vec![
                Evidence {
                    week: Some("2026-W23".into()),
                    date: None,
                    file: None,
                    metric: "ramp_pct".into(),
                    value: 44.004,
                    limit: Some(30.0),
                    note: "distance vs previous week".into(),
                },
                Evidence {
                    week: Some("2026-W23".into()),
                    date: Some("2026-06-06".into()),
                    file: Some("runs/2026-06-06.fit".into()),
                    metric: "longest_run_km".into(),
                    value: 18.0,
                    limit: None,
                    note: "half of the week in one run".into(),
                },
            ],
            threshold: "week-over-week distance > 30 %".into(),
            source: "Nielsen et al. 2014, JOSPT 44(10):739–747 — grade C (https://doi.org/10.2519/jospt.2014.5164)"
                .into(),
            advice: "Hold next week at or below 25 km and add a rest day.".into(),
            history: vec![],
        },
    ];
    Season {
        records,
        metrics,
        weeks,
        findings,
    }
}

pub fn build(s: &Season, units: Units) -> Report {
    Report::new(&ReportInputs {
        athlete: "Sam <Runner>",
        generated_at: Utc.with_ymd_and_hms(2026, 6, 15, 7, 0, 0).unwrap(),
        timezone: Some(chrono_tz::Tz::Europe__Berlin),
        timezone_source: "file offsets, else Europe/Berlin",
        display_units: units,
        records: &s.records,
        metrics: &s.metrics,
        weeks: &s.weeks,
        findings: &s.findings,
        fit: Some(fit()),
        run_dates: &[],
    })
}

pub fn sample() -> Report {
    build(&season(), Units::Metric)
}

pub fn metric() -> RenderOptions {
    RenderOptions {
        units: Units::Metric,
    }
}

pub fn imperial() -> RenderOptions {
    RenderOptions {
        units: Units::Imperial,
    }
}
