//! Ten years of a Garmin export's wellness JSON (sleep, daily summaries with
//! hydration-only entries, HRV: ≈ 11,000 entries) read and settled.
//!
//! `cargo bench --no-default-features --bench wellness`

use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heavylegs::wellness::{Source, Wellness, read};
use serde_json::{Value, json};

const DAYS: i64 = 3653;

/// The three files, as an export writes them.
fn export() -> Vec<(Source, String, Vec<u8>)> {
    let day0 = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default();
    let (mut sleep, mut uds, mut hrv) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..DAYS {
        let d = (day0 + Duration::days(i)).to_string();
        let off_wrist = i % 37 == 0;
        sleep.push(if off_wrist {
            json!({"calendarDate": d, "sleepWindowConfirmationType": "OFF_WRIST"})
        } else {
            json!({
                "calendarDate": d,
                "sleepStartTimestampGMT": format!("{d}T05:40:00.0"),
                "sleepEndTimestampGMT": format!("{d}T13:10:00.0"),
                "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL",
                "deepSleepSeconds": 5400 + i % 600, "lightSleepSeconds": 14400,
                "remSleepSeconds": 6000, "awakeSleepSeconds": 1200, "unmeasurableSeconds": 0,
                "averageRespiration": 14.0, "awakeCount": 2,
                "sleepScores": {"overallScore": 80, "qualityScore": 77, "durationScore": 85},
            })
        });
        uds.push(json!({
            "calendarDate": d, "restingHeartRate": 45 + i % 7, "currentDayRestingHeartRate": 46,
            "minHeartRate": 42, "maxHeartRate": 170, "totalSteps": 9000,
            "allDayStress": {"aggregatorList": [{"type": "TOTAL", "averageStressLevel": 30},
                                                {"type": "AWAKE", "averageStressLevel": 35}]},
            "bodyBattery": {"chargedValue": 60, "drainedValue": 62, "statList": []},
        }));
        if i % 10 == 0 {
            uds.push(json!({"hydration": {"valueInML": 1800.0, "goalInML": 2500.0}}));
        }
        hrv.push(json!({"calendarDate": d, "metrics": [
            {"type": "HRV", "value": 60 + i % 9, "baselineLowerLimit": 55, "baselineUpperLimit": 72, "status": "IN_RANGE"},
            {"type": "HR", "value": 47, "baselineLowerLimit": 44, "baselineUpperLimit": 52},
            {"type": "SPO2", "value": 96},
        ]}));
    }
    let bytes = |v: Vec<Value>| serde_json::to_vec(&Value::Array(v)).unwrap_or_default();
    vec![
        (Source::GarminSleep, "a_sleepData.json".into(), bytes(sleep)),
        (Source::GarminDaily, "UDSFile_a.json".into(), bytes(uds)),
        (
            Source::GarminHealthStatus,
            "a_healthStatusData.json".into(),
            bytes(hrv),
        ),
    ]
}

fn ten_years(c: &mut Criterion) {
    let files = export();
    let total: usize = files.iter().map(|f| f.2.len()).sum();
    let mut group = c.benchmark_group("wellness");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("garmin_10_years", |b| {
        b.iter(|| {
            let mut w = Wellness::default();
            for (source, path, bytes) in &files {
                if let Ok(part) = read(*source, path, black_box(bytes)) {
                    w.extend(part);
                }
            }
            let w = w.finish();
            assert!(w.nights.len() > 3500 && w.hrv.len() == DAYS as usize);
            w
        })
    });
    group.finish();
}

criterion_group!(benches, ten_years);
criterion_main!(benches);
