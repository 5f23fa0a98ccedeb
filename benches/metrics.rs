//! Cost of `metrics::compute` per record on a synthetic 2-hour 1 Hz run with
//! every channel present (speed, distance, positions, cadence, HR, dynamics,
//! temperature). Criterion's throughput line gives the per-record cost.

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use heavylegs::activity::{Activity, Series, Sport};
use heavylegs::metrics::{self, MetricsConfig};

fn synthetic_run(n: usize) -> Activity {
    let t: Vec<f64> = (0..n).map(|i| i as f64).collect();
    // Speed wanders 2.6–3.4 m/s; the other channels follow it.
    let speed: Vec<f64> = t.iter().map(|&x| 3.0 + 0.4 * (x / 97.0).sin()).collect();
    let mut dist = Vec::with_capacity(n);
    let mut acc = 0.0;
    for v in &speed {
        acc += v;
        dist.push(acc);
    }
    let map = |f: &dyn Fn(f64) -> f64| Some(speed.iter().map(|&v| f(v)).collect::<Vec<f64>>());
    let series = Series {
        lat_deg: Some(dist.iter().map(|d| 47.0 + d / 111_195.0).collect()),
        lon_deg: Some(vec![8.0; n]),
        distance_m: Some(dist),
        cadence_spm: map(&|v| 150.0 + 8.0 * v),
        heart_rate_bpm: map(&|v| 100.0 + 15.0 * v),
        stance_time_ms: map(&|v| 330.0 - 25.0 * v),
        stance_balance_pct: Some(vec![50.2; n]),
        vertical_oscillation_mm: map(&|v| 80.0 + 3.0 * v),
        vertical_ratio_pct: map(&|v| 9.0 - 0.4 * v),
        step_length_mm: map(&|v| v / ((150.0 + 8.0 * v) / 60.0) * 1000.0),
        temperature_c: Some(vec![21.0; n]),
        speed_mps: Some(speed.clone()),
        time_s: t,
        ..Series::default()
    };
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 7, 0, 0).unwrap();
    Activity::from_series("bench.fit", Sport::Running, start, series)
}

fn bench(c: &mut Criterion) {
    let n = 7200;
    let run = synthetic_run(n);
    let cfg = MetricsConfig {
        max_hr_bpm: Some(190.0),
        ..MetricsConfig::default()
    };
    let mut g = c.benchmark_group("metrics");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("compute_2h_1hz", |b| {
        b.iter(|| metrics::compute(black_box(&run), &cfg))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
