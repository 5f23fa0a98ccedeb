//! Ten years of near-daily running (~4,000 runs) through the weekly-load
//! stage: calendar resolution, the polars day/week plan and the rules.

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use heavylegs::load::{LoadConfig, RunInput, TzSource, build};
use heavylegs::metrics::RunMetrics;
use heavylegs::profile::AthleteProfile;
use heavylegs::thresholds::Thresholds;
use heavylegs::verdicts::{self, DatedRun, Options};

/// Deterministic history: most days one run, some days two, ~1 in 8 rest,
/// a mix of file offsets, HR and cadence.
fn history() -> Vec<RunInput> {
    let t0: DateTime<Utc> = "2016-01-04T06:30:00Z".parse().unwrap_or_default();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 1000) as f64 / 1000.0
    };
    let mut runs = Vec::new();
    for day in 0..3653 {
        let n = match next() {
            x if x < 0.12 => 0,
            x if x < 0.25 => 2,
            _ => 1,
        };
        for k in 0..n {
            let km = 4.0 + 16.0 * next();
            let moving_s = km * (300.0 + 60.0 * next());
            runs.push(RunInput {
                path: format!("run-{day}-{k}.fit"),
                start_utc: t0 + Duration::days(day) + Duration::hours(10 * k),
                utc_offset_s: (next() < 0.9).then_some(3600),
                start_lat_lon: None,
                distance_km: km,
                moving_s,
                elapsed_s: moving_s * 1.05,
                trimp: (next() < 0.95).then(|| moving_s / 60.0 * (1.0 + next())),
                mean_cadence_spm: Some(160.0 + 20.0 * next()),
                intensity_s: Some([moving_s * 0.7, moving_s * 0.2, moving_s * 0.1]),
            });
        }
    }
    runs
}

fn bench_load(c: &mut Criterion) {
    let runs = history();
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap_or(chrono_tz::UTC);
    let cfg = LoadConfig {
        timezone: Some(berlin),
        ..Default::default()
    };
    c.bench_function(
        &format!("load::build {} runs / 10 years", runs.len()),
        |b| b.iter(|| build(std::hint::black_box(&runs), &cfg)),
    );
}

/// The whole analysis after decoding, as the app runs it: load tables, the
/// 4-week window against the 10-year baseline, all 11 findings with history.
fn bench_verdicts(c: &mut Criterion) {
    let runs = history();
    let metrics: Vec<RunMetrics> = runs
        .iter()
        .map(|r| RunMetrics {
            path: r.path.clone(),
            start: Some(r.start_utc),
            elapsed_s: r.elapsed_s,
            moving_s: Some(r.moving_s),
            distance_m: Some(r.distance_km * 1000.0),
            mean_moving_speed_mps: Some(r.distance_km * 1000.0 / r.moving_s),
            mean_cadence_spm: r.mean_cadence_spm,
            easy_cadence_spm: r.mean_cadence_spm,
            easy_speed_mps: Some(r.distance_km * 1000.0 / r.moving_s),
            trimp: r.trimp,
            intensity_s: r.intensity_s,
            ..RunMetrics::default()
        })
        .collect();
    let dated: Vec<DatedRun> = metrics
        .iter()
        .map(|m| DatedRun {
            metrics: m,
            date: m.start.map(|s| s.date_naive()).unwrap_or_default(),
            tz_source: TzSource::FileOffset,
        })
        .collect();
    let profile = AthleteProfile::default();
    let thresholds = Thresholds::default();
    let opts = Options {
        profile: &profile,
        thresholds: &thresholds,
        load: LoadConfig::default(),
        as_of: None,
        window_weeks: 4,
        wellness: &heavylegs::wellness::EMPTY,
    };
    c.bench_function(
        &format!("verdicts::assess {} runs / 10 years", runs.len()),
        |b| b.iter(|| verdicts::assess(std::hint::black_box(&dated), &opts)),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench_load, bench_verdicts
}
criterion_main!(benches);
