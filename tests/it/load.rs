//! Weekly load on constructed histories. Every expected number is computed
//! here by hand or from the published formula, never by calling the code
//! under test.

use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use heavylegs::load::{LoadConfig, LoadError, LoadUnit, RunInput, TzSource, build};
use heavylegs::report::load_tables::write_tables;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn run(start: DateTime<Utc>, km: f64) -> RunInput {
    RunInput {
        path: format!("run-{}.fit", start.format("%Y%m%dT%H%M")),
        start_utc: start,
        utc_offset_s: None,
        start_lat_lon: None,
        distance_km: km,
        moving_s: km * 360.0,
        elapsed_s: km * 380.0,
        trimp: None,
        mean_cadence_spm: None,
        intensity_s: None,
    }
}

/// One run at 07:00 UTC on each day `first + i` with a non-zero distance.
fn daily(first: &str, km: &[f64]) -> Vec<RunInput> {
    let t0 = utc(&format!("{first}T07:00:00Z"));
    km.iter()
        .enumerate()
        .filter(|(_, k)| **k > 0.0)
        .map(|(i, &k)| run(t0 + Duration::days(i as i64), k))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

/// Williams et al. 2017: EWMA_t = λ·x_t + (1 − λ)·EWMA_t−1, λ = 2/(N+1), seeded with x_0.
fn ewma(x: &[f64], n: f64) -> Vec<f64> {
    let lambda = 2.0 / (n + 1.0);
    let mut out = Vec::new();
    let mut e = x[0];
    for (t, &v) in x.iter().enumerate() {
        if t > 0 {
            e = lambda * v + (1.0 - lambda) * e;
        }
        out.push(e);
    }
    out
}

#[test]
fn ramp_zero_week_and_previous_zero() {
    // Monday 2026-01-05 (2026-W02) onwards.
    let mut km = vec![0.0; 28];
    km[0] = 10.0; // W02: 10 + 10 + 20 = 40
    km[2] = 10.0;
    km[5] = 20.0;
    km[7] = 25.0; // W03: 25 + 25 = 50 → +25 %
    km[10] = 25.0;
    // W04: no run at all → −100 %
    km[27] = 30.0; // W05 (Sunday): 30, previous week 0 → no ramp
    let t = build(&daily("2026-01-05", &km), &LoadConfig::default()).unwrap();
    let labels: Vec<_> = t.weeks.iter().map(|w| w.week.as_str()).collect();
    assert_eq!(labels, ["2026-W02", "2026-W03", "2026-W04", "2026-W05"]);
    let dist: Vec<_> = t.weeks.iter().map(|w| w.distance_km).collect();
    assert_eq!(dist, [40.0, 50.0, 0.0, 30.0]);
    let ramps: Vec<_> = t.weeks.iter().map(|w| w.ramp_pct).collect();
    assert_eq!(ramps, [None, Some(25.0), Some(-100.0), None]);

    let empty = &t.weeks[2];
    assert_eq!(
        (empty.runs, empty.rest_days, empty.days_in_history),
        (0, 7, 7)
    );
    assert_eq!(
        (empty.monotony, empty.strain, empty.longest_run_share),
        (None, None, None)
    );
    assert_eq!(t.days.len(), 28);
    assert_eq!(t.days.iter().filter(|d| d.rest).count(), 28 - 6);
    assert_eq!(t.weeks[0].longest_run_km, 20.0);
    assert_eq!(t.weeks[0].longest_run_share, Some(0.5));
    assert_eq!(t.load_unit, LoadUnit::DistanceKm);
}

#[test]
fn acwr_rolling_and_ewma_from_the_formula() {
    // 5 weeks of a varied pattern with rest days, growing 10 % a week.
    let pattern = [8.0, 0.0, 5.0, 10.0, 0.0, 6.0, 15.0];
    let km: Vec<f64> = (0..35)
        .map(|i| pattern[i % 7] * (1.0 + 0.1 * (i / 7) as f64))
        .collect();
    let t = build(&daily("2026-01-05", &km), &LoadConfig::default()).unwrap();
    assert_eq!(t.weeks.len(), 5);
    let acute = ewma(&km, 7.0);
    let chronic = ewma(&km, 28.0);
    for (w, week) in t.weeks.iter().enumerate() {
        let last = 7 * w + 6;
        if last < 27 {
            assert_eq!(
                (week.acwr_rolling, week.acwr_ewma),
                (None, None),
                "{}",
                week.week
            );
            continue;
        }
        let sum7: f64 = km[last - 6..=last].iter().sum();
        let sum28: f64 = km[last - 27..=last].iter().sum();
        let rolling = week.acwr_rolling.unwrap();
        assert!(
            close(rolling, sum7 / (sum28 / 4.0)),
            "{}: {rolling} vs {}",
            week.week,
            sum7 / (sum28 / 4.0)
        );
        let ew = week.acwr_ewma.unwrap();
        assert!(
            close(ew, acute[last] / chronic[last]),
            "{}: {ew} vs {}",
            week.week,
            acute[last] / chronic[last]
        );
    }
    // Week 4 (days 21–27): acute 1.3 × 44, chronic (44 + 48.4 + 52.8 + 57.2) ÷ 4.
    let expected_w4 = 57.2 / ((44.0 + 48.4 + 52.8 + 57.2) / 4.0);
    assert!(close(t.weeks[3].acwr_rolling.unwrap(), expected_w4));
}

#[test]
fn short_history_has_no_acwr() {
    let km = vec![5.0; 27];
    let t = build(&daily("2026-01-05", &km), &LoadConfig::default()).unwrap();
    assert_eq!(t.days.len(), 27);
    assert!(
        t.weeks
            .iter()
            .all(|w| w.acwr_rolling.is_none() && w.acwr_ewma.is_none())
    );
}

#[test]
fn monotony_and_strain() {
    // W02: 10, 0, 10, 0, 10, 0, 10. W03: 5 km every day. History Mon–Sun, Mon–Sun.
    let mut km = vec![10.0, 0.0, 10.0, 0.0, 10.0, 0.0, 10.0];
    km.extend([5.0; 7]);
    let t = build(&daily("2026-01-05", &km), &LoadConfig::default()).unwrap();
    let mean = 40.0 / 7.0;
    let sd = (400.0_f64 / 7.0 - mean * mean).sqrt(); // population SD
    let m = t.weeks[0].monotony.unwrap();
    assert!(close(m, mean / sd), "{m}");
    assert!(close(m, 1.154_700_538_379_251_5)); // = sqrt(4/3)
    assert!(close(t.weeks[0].strain.unwrap(), 40.0 * m));
    // Identical loads: SD 0 → capped at 10, strain 35 × 10.
    assert_eq!(t.weeks[1].monotony, Some(10.0));
    assert_eq!(t.weeks[1].strain, Some(350.0));
    assert_eq!(t.weeks[1].rest_days, 0);
}

#[test]
fn partial_edge_weeks_have_no_monotony() {
    // Starts on a Wednesday: W02 has 5 days in the history.
    let t = build(
        &daily("2026-01-07", &[5.0, 6.0, 7.0, 8.0, 9.0]),
        &LoadConfig::default(),
    )
    .unwrap();
    assert_eq!(t.weeks.len(), 1);
    assert_eq!(t.weeks[0].days_in_history, 5);
    assert_eq!(t.weeks[0].monotony, None);
    assert_eq!(t.weeks[0].start, date("2026-01-05"));
}

#[test]
fn streaks_and_weeks_without_rest() {
    // W02: run Mon, rest Tue, run Wed–Sun (5). W03: every day (→ 12).
    // W04: Mon, Tue (→ 14), rest Wed, run Thu (1).
    let mut km = vec![5.0, 0.0, 5.0, 5.0, 5.0, 5.0, 5.0];
    km.extend([5.0; 7]);
    km.extend([5.0, 5.0, 0.0, 5.0]);
    let t = build(&daily("2026-01-05", &km), &LoadConfig::default()).unwrap();
    let streaks: Vec<_> = t.weeks.iter().map(|w| w.streak_days).collect();
    assert_eq!(streaks, [5, 12, 14]);
    let no_rest: Vec<_> = t.weeks.iter().map(|w| w.weeks_without_rest).collect();
    assert_eq!(no_rest, [0, 1, 0]);
}

#[test]
fn comeback_after_a_three_week_gap() {
    // 28 days × 5 km (35 km/week) from Mon 2026-01-05, rest Mon 2 Feb – Sat 21 Feb
    // (20 days), then Sun 22 Feb 10 km, W09 2 × 10 km, W10 3 × 10 km, W11 10 km.
    let mut km = vec![5.0; 28];
    km.extend([0.0; 20]);
    km.push(10.0); // Sun 22 Feb, W08
    km.extend([10.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0]); // W09
    km.extend([10.0, 0.0, 10.0, 0.0, 10.0, 0.0, 0.0]); // W10
    km.push(10.0); // Mon 9 Mar, W11
    let t = build(&daily("2026-01-05", &km), &LoadConfig::default()).unwrap();
    assert_eq!(t.breaks.len(), 1, "{:?}", t.breaks);
    let b = &t.breaks[0];
    assert_eq!(
        (b.from, b.to, b.days),
        (date("2026-02-02"), date("2026-02-21"), 20)
    );
    assert_eq!(b.pre_break_weekly_km, 35.0);
    let expected: Vec<(String, f64)> = vec![
        ("2026-W08".into(), 10.0),
        ("2026-W09".into(), 20.0),
        ("2026-W10".into(), 30.0),
    ];
    assert_eq!(b.return_weeks, expected);
    assert!(close(b.return_ratio.unwrap(), 30.0 / 35.0));
    // Highest EWMA ratio over the return weeks' last days (Sundays 22 Feb, 1 Mar, 8 Mar).
    let (acute, chronic) = (ewma(&km, 7.0), ewma(&km, 28.0));
    let best = [48usize, 55, 62]
        .iter()
        .map(|&i| acute[i] / chronic[i])
        .fold(f64::MIN, f64::max);
    assert!(close(b.return_acwr_ewma_max.unwrap(), best));
}

#[test]
fn la_sunday_evening_stays_in_its_week() {
    // Sunday 7 June 2026 18:30 PDT = Monday 01:30 UTC; Monday 8 June 07:00 PDT.
    let mut sunday = run(utc("2026-06-08T01:30:00Z"), 10.0);
    let monday = run(utc("2026-06-08T14:00:00Z"), 8.0);
    sunday.utc_offset_s = Some(-7 * 3600);
    let la: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
    // File offset on the first run, configured zone for the second.
    let cfg = LoadConfig {
        timezone: Some(la),
        ..Default::default()
    };
    let t = build(&[sunday.clone(), monday.clone()], &cfg).unwrap();
    assert_eq!(t.run_days[0].1, date("2026-06-07"));
    assert_eq!(t.run_days[0].2, TzSource::FileOffset);
    assert_eq!(
        (t.run_days[1].1, t.run_days[1].2),
        (date("2026-06-08"), TzSource::Configured)
    );
    let weeks: Vec<_> = t.weeks.iter().map(|w| (w.week.as_str(), w.runs)).collect();
    assert_eq!(weeks, [("2026-W23", 1), ("2026-W24", 1)]);
    // Without any zone the Sunday run falls on Monday in UTC: both in W24.
    let mut bare = sunday;
    bare.utc_offset_s = None;
    let t = build(&[bare, monday], &LoadConfig::default()).unwrap();
    assert_eq!(t.run_days[0].2, TzSource::Utc);
    assert_eq!(t.weeks.len(), 1);
    assert_eq!((t.weeks[0].week.as_str(), t.weeks[0].runs), ("2026-W24", 2));
}

#[test]
fn plus_thirteen_zone_moves_run_to_monday() {
    // Sunday 11 Jan 2026 11:30 UTC is Monday 00:30 at UTC+13 (Tonga, NZ summer).
    let mut r = run(utc("2026-01-11T11:30:00Z"), 10.0);
    r.utc_offset_s = Some(13 * 3600);
    let t = build(std::slice::from_ref(&r), &LoadConfig::default()).unwrap();
    assert_eq!(t.run_days[0].1, date("2026-01-12"));
    assert_eq!(t.weeks[0].week, "2026-W03");
    r.utc_offset_s = None;
    let tonga: chrono_tz::Tz = "Pacific/Tongatapu".parse().unwrap();
    let t = build(
        std::slice::from_ref(&r),
        &LoadConfig {
            timezone: Some(tonga),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (t.run_days[0].1, t.run_days[0].2),
        (date("2026-01-12"), TzSource::Configured)
    );
    assert_eq!(t.weeks[0].week, "2026-W03");
}

#[cfg(feature = "geotz")]
#[test]
fn start_position_zone_beats_configured_zone() {
    // Auckland start, athlete configured in Berlin: the position decides (NZDT +13).
    let mut r = run(utc("2026-01-11T11:30:00Z"), 10.0);
    r.start_lat_lon = Some((-36.8485, 174.7633));
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let t = build(
        &[r],
        &LoadConfig {
            timezone: Some(berlin),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (t.run_days[0].1, t.run_days[0].2),
        (date("2026-01-12"), TzSource::StartPosition)
    );
}

#[test]
fn berlin_dst_week() {
    // CEST starts Sunday 29 March 2026 01:00 UTC.
    // Sat 28 Mar 23:30 UTC = Sun 29 Mar 00:30 CET → W13 (UTC would say Saturday, also W13).
    // Sun 29 Mar 22:30 UTC = Mon 30 Mar 00:30 CEST → W14 (a fixed +1 h would say Sunday 23:30, W13).
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let runs = [
        run(utc("2026-03-23T17:00:00Z"), 8.0),
        run(utc("2026-03-28T23:30:00Z"), 10.0),
        run(utc("2026-03-29T22:30:00Z"), 12.0),
    ];
    let t = build(
        &runs,
        &LoadConfig {
            timezone: Some(berlin),
            ..Default::default()
        },
    )
    .unwrap();
    let dates: Vec<_> = t.run_days.iter().map(|r| r.1).collect();
    assert_eq!(
        dates,
        [date("2026-03-23"), date("2026-03-29"), date("2026-03-30")]
    );
    let weeks: Vec<_> = t
        .weeks
        .iter()
        .map(|w| (w.week.as_str(), w.runs, w.distance_km))
        .collect();
    assert_eq!(weeks, [("2026-W13", 2, 18.0), ("2026-W14", 1, 12.0)]);
    assert_eq!(t.weeks[0].days_in_history, 7);
}

#[test]
fn sunday_week_start() {
    let cfg = LoadConfig {
        week_start: Weekday::Sun,
        ..Default::default()
    };
    // Sun 29 Mar and Sat 4 Apr 2026 share a Sunday-start week labelled by Sunday's ISO week.
    let runs = [
        run(utc("2026-03-29T08:00:00Z"), 5.0),
        run(utc("2026-04-04T08:00:00Z"), 6.0),
    ];
    let t = build(&runs, &cfg).unwrap();
    assert_eq!(t.weeks.len(), 1);
    assert_eq!(
        (t.weeks[0].week.as_str(), t.weeks[0].start),
        ("2026-W13", date("2026-03-29"))
    );
}

#[test]
fn trimp_unit_needs_eighty_percent_and_imputes_the_rest() {
    let mut runs = daily("2026-01-05", &[10.0, 10.0, 10.0, 10.0, 10.0]);
    // Four of five runs (80 %) with TRIMP; each 3,600 s moving.
    for (r, t) in runs.iter_mut().zip([100.0, 120.0, 80.0, 100.0]) {
        r.trimp = Some(t);
    }
    let t = build(&runs, &LoadConfig::default()).unwrap();
    assert_eq!(t.load_unit, LoadUnit::Trimp);
    assert_eq!(t.imputed_load_runs, 1);
    // Imputed: 3,600 s × (400 TRIMP ÷ 14,400 s) = 100.
    let loads: Vec<_> = t.days.iter().map(|d| d.load).collect();
    assert_eq!(loads, [100.0, 120.0, 80.0, 100.0, 100.0]);
    // Three of five (60 %): distance for everyone.
    runs[3].trimp = None;
    let t = build(&runs, &LoadConfig::default()).unwrap();
    assert_eq!(t.load_unit, LoadUnit::DistanceKm);
    assert!(t.days.iter().all(|d| d.load == 10.0));
}

#[test]
fn cadence_is_moving_time_weighted_and_long_runs_counted() {
    let mut a = run(utc("2026-01-05T07:00:00Z"), 10.0);
    a.moving_s = 3_000.0;
    a.mean_cadence_spm = Some(160.0);
    a.intensity_s = Some([2_000.0, 800.0, 200.0]);
    let mut b = run(utc("2026-01-07T07:00:00Z"), 20.0);
    b.moving_s = 6_000.0; // ≥ 90 min
    b.mean_cadence_spm = Some(172.0);
    b.intensity_s = Some([5_000.0, 1_000.0, 0.0]);
    let c = run(utc("2026-01-08T07:00:00Z"), 5.0); // no cadence
    let t = build(&[a, b, c], &LoadConfig::default()).unwrap();
    let w = &t.weeks[0];
    // (160 × 3000 + 172 × 6000) ÷ 9000 = 168.
    assert!(close(w.mean_cadence_spm.unwrap(), 168.0));
    assert_eq!(w.long_runs_90min, 1);
    assert_eq!(w.intensity_s, [7_000.0, 1_800.0, 200.0]);
    assert_eq!(w.moving_s, 10_800.0);
}

#[test]
fn bad_inputs_do_not_panic() {
    assert!(build(&[], &LoadConfig::default()).unwrap().weeks.is_empty());
    let mut r = run(utc("2026-01-05T07:00:00Z"), f64::NAN);
    r.moving_s = f64::INFINITY;
    r.trimp = Some(-5.0);
    let t = build(&[r], &LoadConfig::default()).unwrap();
    assert_eq!(
        (t.days[0].distance_km, t.days[0].runs, t.days[0].rest),
        (0.0, 1, false)
    );
    let far = [
        run(utc("1900-01-01T07:00:00Z"), 5.0),
        run(utc("2026-01-05T07:00:00Z"), 5.0),
    ];
    assert!(matches!(
        build(&far, &LoadConfig::default()),
        Err(LoadError::SpanTooLong { .. })
    ));
}

#[test]
fn tables_are_written_with_units_in_column_names() {
    let km: Vec<f64> = (0..30)
        .map(|i| if i % 3 == 1 { 0.0 } else { 6.0 })
        .collect();
    let t = build(&daily("2026-01-05", &km), &LoadConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_tables(dir.path(), &t, "ana").unwrap();
    let weeks_csv = std::fs::read_to_string(dir.path().join("weeks.csv")).unwrap();
    let header = weeks_csv.lines().next().unwrap();
    for name in [
        "week",
        "start",
        "distance_km",
        "moving_s",
        "load_distance_km",
        "load_trimp",
        "acwr_ewma",
        "streak_days",
        "athlete",
    ] {
        assert!(
            header.split(',').any(|h| h == name),
            "{name} missing from {header}"
        );
    }
    assert_eq!(weeks_csv.lines().count(), 1 + 5);
    // Distance history: TRIMP column empty, every row names its athlete.
    let cols: Vec<&str> = header.split(',').collect();
    let trimp = cols.iter().position(|c| *c == "load_trimp").unwrap();
    for row in weeks_csv.lines().skip(1) {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields[trimp], "", "{row}");
        assert_eq!(fields.last(), Some(&"ana"), "{row}");
    }
    let days_csv = std::fs::read_to_string(dir.path().join("days.csv")).unwrap();
    assert_eq!(days_csv.lines().count(), 1 + 30);
    assert!(
        days_csv.lines().nth(1).unwrap().starts_with("2026-01-05,6"),
        "{}",
        days_csv.lines().nth(1).unwrap()
    );
    for name in ["days.parquet", "weeks.parquet"] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
    }
}
