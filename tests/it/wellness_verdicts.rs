//! Wellness through the app's own verdict path: six months of steady running
//! plus a Garmin-style wellness history (sleep with a holiday gap, resting
//! HR, HRV, one pair of shoes) and a journal (ferritin, ratings). The window
//! holds a two-week short-sleep block, a resting-HR rise and an HRV drop;
//! the verdicts must find exactly those, and an earlier as-of day must not.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use heavylegs::findings::{Cause, Finding, Severity, Status};
use heavylegs::load::{LoadConfig, TzSource};
use heavylegs::metrics::RunMetrics;
use heavylegs::profile::AthleteProfile;
use heavylegs::thresholds::Thresholds;
use heavylegs::verdicts::{self, DatedRun, Options, Verdicts};
use heavylegs::wellness::{
    DayValue, Feel, Gear, GearUse, HrvDay, HrvKind, Night, Origin, Wellness,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// A deterministic wobble in [-1, 1] per index, as real days vary.
fn wobble(i: u64, salt: u64) -> f64 {
    ((i.wrapping_mul(7919).wrapping_add(salt * 104_729)) % 201) as f64 / 100.0 - 1.0
}

const FIRST: (i32, u32, u32) = (2026, 1, 5);
const LAST: (i32, u32, u32) = (2026, 6, 28);

/// Four runs a week (Tue, Thu, Sat, Sun long), about 40 km, mostly easy HR.
fn runs() -> Vec<(NaiveDate, RunMetrics)> {
    let (first, last) = (d(FIRST.0, FIRST.1, FIRST.2), d(LAST.0, LAST.1, LAST.2));
    let mut out = Vec::new();
    let mut day = first;
    let mut i = 0u64;
    while day <= last {
        let km = match day.weekday() {
            Weekday::Tue | Weekday::Thu | Weekday::Sat => 9.0 + wobble(i, 1),
            Weekday::Sun => 14.0 + 2.0 * wobble(i, 2),
            _ => 0.0,
        };
        if km > 0.0 {
            let moving = km * 330.0;
            let start = Utc.from_utc_datetime(&day.and_hms_opt(6, 30, 0).expect("time"));
            out.push((
                day,
                RunMetrics {
                    path: format!("garmin/{day}.fit"),
                    start: Some(start),
                    elapsed_s: moving + 60.0,
                    moving_s: Some(moving),
                    distance_m: Some(km * 1000.0),
                    mean_moving_speed_mps: Some(km * 1000.0 / moving),
                    intensity_s: Some([moving * 0.85, moving * 0.1, moving * 0.05]),
                    ..RunMetrics::default()
                },
            ));
            i += 1;
        }
        day += Duration::days(1);
    }
    out
}

const EXPORT: &str = "DI_CONNECT/DI-Connect-Wellness/2026_sleepData.json";

fn wellness(runs: &[(NaiveDate, RunMetrics)]) -> Wellness {
    let (first, last) = (d(FIRST.0, FIRST.1, FIRST.2), d(LAST.0, LAST.1, LAST.2));
    let mut w = Wellness::default();
    let mut day = first;
    let mut i = 0u64;
    while day <= last {
        // Holiday 9–18 Feb: the watch stayed at home.
        let away = day >= d(2026, 2, 9) && day <= d(2026, 2, 18);
        // Short sleep 8–21 Jun (a new baby, a deadline).
        let short = day >= d(2026, 6, 8) && day <= d(2026, 6, 21);
        if !away {
            let h = if short { 6.1 } else { 7.6 } + 0.5 * wobble(i, 3);
            w.nights.push(Night {
                date: day,
                start: None,
                end: None,
                asleep_s: h * 3600.0,
                deep_s: Some(h * 3600.0 * 0.2),
                light_s: Some(h * 3600.0 * 0.55),
                rem_s: Some(h * 3600.0 * 0.25),
                awake_s: Some(1200.0),
                score: None,
                confirmed: true,
                origin: Origin::GarminExport,
                path: EXPORT.into(),
            });
            // Resting HR 49 ± 2, up 7 bpm from 17 Jun.
            let rise = if day >= d(2026, 6, 17) { 7.0 } else { 0.0 };
            w.resting_hr.push(DayValue {
                date: day,
                value: (49.0 + 2.0 * wobble(i, 4) + rise).round(),
                origin: Origin::GarminExport,
                path: "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2026.json".into(),
            });
            // rMSSD 62 ms ± 15 %, 25 % lower from 16 Jun; Garmin's band from 50 ms.
            let drop = if day >= d(2026, 6, 16) { 0.75 } else { 1.0 };
            w.hrv.push(HrvDay {
                date: day,
                value_ms: (62.0 * (1.0 + 0.15 * wobble(i, 5)) * drop).round(),
                kind: HrvKind::Rmssd,
                baseline_low_ms: Some(50.0),
                baseline_high_ms: Some(75.0),
                origin: Origin::GarminExport,
                path: "DI_CONNECT/DI-Connect-Wellness/2026_healthStatusData.json".into(),
            });
        }
        day += Duration::days(1);
        i += 1;
    }
    w.ferritin.push(DayValue {
        date: d(2026, 6, 10),
        value: 28.0,
        origin: Origin::Journal,
        path: "journal.csv".into(),
    });
    w.gear.push(Gear {
        id: "7001".into(),
        name: "Daily trainer".into(),
        is_shoe: true,
        retired: false,
        since: Some(first),
        until: None,
        max_km: Some(800.0),
        origin: Origin::GarminExport,
        path: "DI_CONNECT/DI-Connect-Fitness/runner_gear.json".into(),
    });
    for (_, m) in runs {
        w.gear_uses.push(GearUse {
            gear_id: "7001".into(),
            start: m.start.map(|s| s + Duration::seconds(4)),
            file: None,
            origin: Origin::GarminExport,
        });
        // Every run rated on the watch: weak in the short-sleep weeks, else normal.
        let day = m.start.expect("start").date_naive();
        let weak = day >= d(2026, 6, 9) && day <= d(2026, 6, 21);
        w.feels.push(Feel {
            start: m.start,
            date: None,
            file: None,
            feel: Some(if weak { 25.0 } else { 50.0 }),
            rpe: None,
            legs: None,
            origin: Origin::GarminFit,
        });
    }
    // One heavy day in the baseline, in an ordinary week.
    w.feels.push(Feel {
        start: None,
        date: Some(d(2026, 3, 12)),
        file: None,
        feel: None,
        rpe: None,
        legs: Some(4),
        origin: Origin::Journal,
    });
    w.finish()
}

fn verdicts_as_of(rows: &[(NaiveDate, RunMetrics)], w: &Wellness, as_of: NaiveDate) -> Verdicts {
    let t = Thresholds::default();
    let profile = AthleteProfile::default();
    let dated: Vec<DatedRun> = rows
        .iter()
        .map(|(date, m)| DatedRun {
            metrics: m,
            date: *date,
            tz_source: TzSource::FileOffset,
        })
        .collect();
    verdicts::assess(
        &dated,
        &Options {
            profile: &profile,
            thresholds: &t,
            load: LoadConfig::default(),
            as_of: Some(as_of),
            window_weeks: 4,
            wellness: w,
        },
    )
    .expect("plausible rows")
}

fn get(v: &Verdicts, c: Cause) -> &Finding {
    v.findings
        .iter()
        .find(|f| f.cause == c)
        .expect("all causes")
}

#[test]
fn six_months_with_wellness_give_the_window_verdicts_a_coach_expects() {
    let rows = runs();
    let w = wellness(&rows);
    let v = verdicts_as_of(&rows, &w, d(2026, 6, 28));

    let sleep = get(&v, Cause::Sleep);
    assert_eq!(
        (sleep.status, sleep.severity),
        (Status::Flagged, Severity::Moderate),
        "{}",
        sleep.summary
    );
    let weeks: Vec<&str> = sleep
        .evidence
        .iter()
        .filter(|e| e.metric == "sleep_mean_h")
        .filter_map(|e| e.week.as_deref())
        .collect();
    assert_eq!(weeks, vec!["2026-W24", "2026-W25"]);
    assert!(
        sleep
            .summary
            .contains("28 nights from the Garmin Connect export"),
        "{}",
        sleep.summary
    );

    let rec = get(&v, Cause::Recovery);
    assert_eq!(rec.status, Status::Flagged, "{}", rec.summary);
    assert!(rec.severity >= Severity::Moderate, "{:?}", rec.severity);
    let metrics: Vec<&str> = rec.evidence.iter().map(|e| e.metric.as_str()).collect();
    assert!(metrics.contains(&"resting_hr_rise_bpm"), "{metrics:?}");
    assert!(metrics.contains(&"hrv_7d_ms"), "{metrics:?}");
    assert!(rec.summary.contains("under-recovered"), "{}", rec.summary);

    let over = get(&v, Cause::Overtraining);
    assert_ne!(over.status, Status::Flagged, "{}", over.summary);

    let iron = get(&v, Cause::Iron);
    assert_eq!(iron.status, Status::Flagged, "{}", iron.summary);
    assert!(iron.summary.contains("28 µg/L"), "{}", iron.summary);

    let shoes = get(&v, Cause::Shoes);
    assert_eq!(shoes.status, Status::Flagged, "{}", shoes.summary);
    assert!(
        shoes.summary.contains("'Daily trainer'"),
        "{}",
        shoes.summary
    );

    let felt = v.felt.as_ref().expect("ratings exist");
    // 8 runs in 9–21 Jun rated weak, all in the short-sleep weeks; the
    // journal's heavy day in March came in an ordinary week.
    assert_eq!(felt.heavy, 9, "{felt:?}");
    assert_eq!(felt.heavy_with_cause, 8, "{felt:?}");
    assert!(
        felt.summary.starts_with("8 of the 9 runs"),
        "{}",
        felt.summary
    );
    assert!(felt.summary.contains("short sleep"), "{}", felt.summary);
}

#[test]
fn an_earlier_as_of_day_judges_only_what_was_known_then() {
    let rows = runs();
    let w = wellness(&rows);
    // End of April: normal sleep and markers, the holiday gap is history,
    // the June ferritin value is not known yet.
    let v = verdicts_as_of(&rows, &w, d(2026, 4, 26));
    let sleep = get(&v, Cause::Sleep);
    assert_eq!(sleep.status, Status::Clear, "{}", sleep.summary);
    let rec = get(&v, Cause::Recovery);
    assert_ne!(rec.status, Status::Flagged, "{}", rec.summary);
    assert!(
        rec.summary.contains("stayed in your usual range"),
        "{}",
        rec.summary
    );
    let iron = get(&v, Cause::Iron);
    assert_ne!(iron.status, Status::Flagged, "{}", iron.summary);
    assert!(!iron.summary.contains("µg/L"), "{}", iron.summary);
    // Without wellness, sleep says what to add.
    let none = verdicts_as_of(&rows, &Wellness::default(), d(2026, 6, 28));
    assert_eq!(get(&none, Cause::Sleep).status, Status::NotAssessable);
    assert!(none.felt.is_none());
}
