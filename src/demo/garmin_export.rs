//! The demo athlete's Garmin account export (`garmin_export.zip`): sleep,
//! daily resting HR, nightly HRV, activity summaries and gear, laid out and
//! spelled as `DI_CONNECT/` JSON in a real export (see `docs/inputs.md`),
//! with injected truth:
//!
//! - short sleep: the 14 nights up to the last run average ≈ 6.0 h, every
//!   other week 7.5–8.3 h;
//! - a resting-HR rise: the last 7 days ≥ 8 bpm above a ≈ 48 bpm baseline;
//! - HRV below Garmin's own baseline band for the last 7 days;
//! - one pair of shoes past its own 700 km `maximumMeters`, counting the
//!   older runs the export's activity summaries list (before the FIT files).
//!
//! The export holds no activity files (the demo folder has them loose), so
//! no run is counted twice.

use std::io::Write;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::rng::Rng;
use super::scenario::{RunKind, Scenario};
use super::simulate::SimRun;

/// The export's file name in the demo folder.
pub const FILE_NAME: &str = "garmin_export.zip";

/// Days of wellness data before the first run (the baseline).
const LEAD_IN_DAYS: i64 = 42;
/// Older runs in the activity summaries: weeks before the first demo run.
const HISTORY_WEEKS: i64 = 20;
const BASELINE_RHR_BPM: f64 = 48.0;

/// What the export holds that a correct analysis must find.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellnessTruth {
    pub export: String,
    /// First and last wellness day in the export.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Usable (confirmed, staged) nights; OFF_WRIST / UNCONFIRMED ones are extra.
    pub nights: usize,
    pub no_data_nights: Vec<NaiveDate>,
    pub short_sleep: Block,
    /// Mean hours per ISO week outside the short-sleep block: lowest, highest.
    pub other_weeks_mean_h: (f64, f64),
    pub resting_hr_baseline_bpm: f64,
    pub resting_hr_rise: Block,
    pub hrv_below_band: Block,
    pub shoes: Vec<ShoeTruth>,
    /// Causes the wellness data makes flagged once the wellness rules read it.
    pub flagged: Vec<crate::findings::Cause>,
}

/// A run of days with its mean value (h, bpm or ms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub mean: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShoeTruth {
    pub gear_pk: u64,
    pub name: String,
    /// Distance of every activity linked to the pair, km.
    pub km: f64,
    pub max_km: f64,
    pub runs: usize,
}

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Garmin's GMT timestamp spelling: `2026-03-02T21:40:00.0`.
fn gmt(t: DateTime<Utc>) -> String {
    format!("{}.0", t.format("%Y-%m-%dT%H:%M:%S"))
}

fn local_to_utc(tz: Tz, d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
    tz.from_local_datetime(&d.and_time(t))
        .earliest()
        .unwrap_or_else(|| Utc.from_utc_datetime(&d.and_time(t)).with_timezone(&tz))
        .with_timezone(&Utc)
}

struct Activity {
    id: u64,
    start: DateTime<Utc>,
    distance_m: f64,
    name: String,
    tempo: bool,
}

/// Builds the export zip and its truth.
pub fn build(
    scenario: &Scenario,
    sims: &[SimRun],
) -> Result<(Vec<u8>, WellnessTruth), super::DemoError> {
    let tz: Tz = scenario.timezone.parse().unwrap_or(chrono_tz::UTC);
    let mut rng = Rng::new(Rng::derive(scenario.seed, "garmin export"));
    let local_date = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
    let first_run = sims.iter().map(|s| s.start_utc).min().unwrap_or_default();
    let last_run = sims.iter().map(|s| s.start_utc).max().unwrap_or_default();
    let (first_day, last_day) = (
        local_date(first_run) - Duration::days(LEAD_IN_DAYS),
        local_date(last_run),
    );
    let short_from = last_day - Duration::days(13);
    let rise_from = last_day - Duration::days(6);

    // Nights, resting HR and HRV, one entry per day.
    let (mut sleep, mut uds, mut health) = (Vec::new(), Vec::new(), Vec::new());
    let mut no_data = Vec::new();
    let mut hours: Vec<(NaiveDate, f64)> = Vec::new();
    let mut week_target = 7.9;
    let mut day = first_day;
    while day <= last_day {
        use chrono::Datelike;
        if day.weekday() == chrono::Weekday::Mon {
            week_target = rng.uniform(7.7, 8.1);
        }
        let short = day >= short_from;
        let h = if short {
            rng.uniform(5.6, 6.4)
        } else {
            week_target + rng.uniform(-0.35, 0.35)
        };
        let bed = NaiveTime::from_hms_opt(22, 30, 0).unwrap_or(NaiveTime::MIN)
            + Duration::minutes(rng.uniform(0.0, 40.0) as i64);
        let start = local_to_utc(tz, day - Duration::days(1), bed);
        let awake_s = (rng.uniform(10.0, 30.0) as i64) * 60;
        let asleep_s = (h * 3600.0).round() as i64;
        let end = start + Duration::seconds(asleep_s + awake_s);
        let (deep, rem) = (
            (asleep_s as f64 * 0.18).round() as i64,
            (asleep_s as f64 * 0.24).round() as i64,
        );
        let light = asleep_s - deep - rem;
        let offset = (day - first_day).num_days();
        // Traps a real export has: a night off the wrist, one unconfirmed.
        if offset == 9 || offset == 23 {
            no_data.push(day);
            sleep.push(json!({
                "calendarDate": day.to_string(),
                "sleepStartTimestampGMT": gmt(start),
                "sleepEndTimestampGMT": gmt(end),
                "sleepWindowConfirmationType": if offset == 9 { "OFF_WRIST" } else { "UNCONFIRMED" },
            }));
        } else {
            hours.push((day, asleep_s as f64 / 3600.0));
            sleep.push(json!({
                "calendarDate": day.to_string(),
                "sleepStartTimestampGMT": gmt(start),
                "sleepEndTimestampGMT": gmt(end),
                "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL",
                "deepSleepSeconds": deep,
                "lightSleepSeconds": light,
                "remSleepSeconds": rem,
                "awakeSleepSeconds": awake_s,
                "unmeasurableSeconds": 0,
                "averageRespiration": 14.0,
                "awakeCount": 1,
                "sleepScores": {
                    "overallScore": if short { 58 } else { 80 },
                    "durationScore": if short { 52 } else { 86 },
                    "qualityScore": if short { 64 } else { 78 },
                },
            }));
        }
        let rhr = if day >= rise_from {
            (BASELINE_RHR_BPM + rng.uniform(9.0, 11.0)).round()
        } else {
            (BASELINE_RHR_BPM + rng.uniform(-1.5, 1.5)).round()
        };
        uds.push(json!({
            "userProfilePK": 1,
            "calendarDate": day.to_string(),
            "restingHeartRate": rhr,
            "currentDayRestingHeartRate": rhr,
            "minHeartRate": rhr - 3.0,
            "maxHeartRate": 171,
            "totalSteps": 9000 + (rng.uniform(0.0, 4000.0) as i64),
            "includesWellnessData": true,
            "allDayStress": {"aggregatorList": [
                {"type": "TOTAL", "averageStressLevel": if day >= rise_from { 41 } else { 27 }},
            ]},
            "bodyBattery": {"chargedValue": 60, "drainedValue": 62, "statList": []},
        }));
        if offset % 5 == 2 {
            uds.push(json!({"hydration": {"valueInML": 1800.0, "goalInML": 2500.0}}));
        }
        let below = day >= rise_from;
        let hrv = if below {
            rng.uniform(43.0, 49.0)
        } else {
            rng.uniform(58.0, 70.0)
        };
        health.push(json!({
            "calendarDate": day.to_string(),
            "metrics": [
                {"type": "HRV", "value": hrv.round(), "baselineLowerLimit": 56,
                 "baselineUpperLimit": 73, "status": if below { "LOW" } else { "IN_RANGE" }},
                {"type": "HR", "value": rhr, "baselineLowerLimit": 45,
                 "baselineUpperLimit": 52, "status": if below { "HIGH" } else { "IN_RANGE" }},
                {"type": "SPO2", "value": 96, "status": "IN_RANGE"},
                {"type": "SKIN_TEMP_C", "value": 0.1, "status": "IN_RANGE"},
            ],
        }));
        day += Duration::days(1);
    }

    // Activities: older runs (the shoe's earlier life), then the demo's own.
    let mut acts = Vec::new();
    let history_start = local_date(first_run) - Duration::days(HISTORY_WEEKS * 7);
    let mut d = history_start;
    let mut next_id = 14_000_000_000u64;
    while d < local_date(first_run) - Duration::days(1) {
        use chrono::Datelike;
        if matches!(
            d.weekday(),
            chrono::Weekday::Tue | chrono::Weekday::Thu | chrono::Weekday::Sat
        ) {
            let t = NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN);
            acts.push(Activity {
                id: next_id,
                start: local_to_utc(tz, d, t),
                distance_m: (rng.uniform(7.0, 11.0) * 100.0).round() * 10.0,
                name: "Morning Run".into(),
                tempo: false,
            });
            next_id += 1;
        }
        d += Duration::days(1);
    }
    for (plan, sim) in scenario.runs.iter().zip(sims) {
        acts.push(Activity {
            id: next_id,
            // Garmin's summary is to the second; the file to the millisecond.
            start: sim.start_utc,
            distance_m: sim.totals().distance_cm as f64 / 100.0,
            name: plan.id.clone(),
            tempo: matches!(plan.kind, RunKind::Tempo | RunKind::TempoNoWarmUp),
        });
        next_id += 1;
    }
    let summaries: Vec<Value> = acts
        .iter()
        .map(|a| {
            json!({
                "activityId": a.id,
                "name": a.name,
                "activityType": "running",
                "sportType": "RUNNING",
                "startTimeGmt": a.start.timestamp_millis(),
                "startTimeLocal": a.start.with_timezone(&tz).naive_local().and_utc().timestamp_millis(),
                "distance": a.distance_m * 100.0,
            })
        })
        .collect();

    // Gear: the old pair carries every easy and long run, the new one the tempos.
    let shoes = [
        (70_001u64, "Pegasus 40", "Nike Pegasus 40", 700_000.0, false),
        (
            70_002u64,
            "Endorphin Speed",
            "Saucony Endorphin Speed 4",
            600_000.0,
            true,
        ),
    ];
    let mut links = serde_json::Map::new();
    let mut shoe_truth = Vec::new();
    for (pk, name, _, max_m, tempo) in shoes {
        let mine: Vec<&Activity> = acts.iter().filter(|a| a.tempo == tempo).collect();
        links.insert(
            pk.to_string(),
            Value::Array(
                mine.iter()
                    .map(|a| json!({"activityId": a.id, "gearPk": pk}))
                    .collect(),
            ),
        );
        shoe_truth.push(ShoeTruth {
            gear_pk: pk,
            name: name.to_owned(),
            km: r1(mine.iter().map(|a| a.distance_m).sum::<f64>() / 1000.0),
            max_km: max_m / 1000.0,
            runs: mine.len(),
        });
    }
    let gear = json!([{
        "gearDTOS": shoes.iter().map(|(pk, name, model, max_m, tempo)| json!({
            "gearPk": pk,
            "uuid": format!("demo-{pk}"),
            "displayName": name,
            "customMakeModel": model,
            "gearTypeName": "Shoes",
            "gearStatusName": "active",
            "dateBegin": format!("{}T00:00:00.0", if *tempo { first_day } else { history_start }),
            "dateEnd": null,
            "maximumMeters": max_m,
        })).collect::<Vec<_>>(),
        "gearActivityDTOs": links,
    }]);

    let range = format!("{first_day}_{last_day}");
    let files: Vec<(String, Value)> = vec![
        (
            format!("DI_CONNECT/DI-Connect-Wellness/{range}_1001_sleepData.json"),
            Value::Array(sleep),
        ),
        (
            format!("DI_CONNECT/DI-Connect-Wellness/{range}_1001_healthStatusData.json"),
            Value::Array(health),
        ),
        (
            format!("DI_CONNECT/DI-Connect-Aggregator/UDSFile_{range}.json"),
            Value::Array(uds),
        ),
        (
            "DI_CONNECT/DI-Connect-Fitness/demo@example.com_0_summarizedActivities.json".into(),
            json!([{"summarizedActivitiesExport": summaries}]),
        ),
        (
            "DI_CONNECT/DI-Connect-Fitness/demo@example.com_gear.json".into(),
            gear,
        ),
    ];
    let zip = write_zip(&files)?;

    let mean = |from: NaiveDate, to: NaiveDate, xs: &[(NaiveDate, f64)]| {
        let v: Vec<f64> = xs
            .iter()
            .filter(|(d, _)| (from..=to).contains(d))
            .map(|(_, x)| *x)
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let mut weekly: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for (d, h) in hours.iter().filter(|(d, _)| *d < short_from) {
        weekly
            .entry(super::scenario::iso_week_label(*d))
            .or_default()
            .push(*h);
    }
    let week_means: Vec<f64> = weekly
        .values()
        .filter(|v| v.len() >= 4)
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        .collect();
    let lo = week_means.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = week_means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let rhr: Vec<(NaiveDate, f64)> = files[2]
        .1
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let d = e.get("calendarDate")?.as_str()?.parse().ok()?;
            Some((d, e.get("restingHeartRate")?.as_f64()?))
        })
        .collect();
    let hrv: Vec<(NaiveDate, f64)> = files[1]
        .1
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let d = e.get("calendarDate")?.as_str()?.parse().ok()?;
            Some((d, e.get("metrics")?.get(0)?.get("value")?.as_f64()?))
        })
        .collect();
    let truth = WellnessTruth {
        export: FILE_NAME.into(),
        first_day,
        last_day,
        nights: hours.len(),
        no_data_nights: no_data,
        short_sleep: Block {
            from: short_from,
            to: last_day,
            mean: r2(mean(short_from, last_day, &hours)),
        },
        other_weeks_mean_h: (r2(lo), r2(hi)),
        resting_hr_baseline_bpm: r1(mean(first_day, rise_from - Duration::days(1), &rhr)),
        resting_hr_rise: Block {
            from: rise_from,
            to: last_day,
            mean: r1(mean(rise_from, last_day, &rhr)),
        },
        hrv_below_band: Block {
            from: rise_from,
            to: last_day,
            mean: r1(mean(rise_from, last_day, &hrv)),
        },
        shoes: shoe_truth,
        flagged: vec![crate::findings::Cause::Sleep, crate::findings::Cause::Shoes],
    };
    Ok((zip, truth))
}

/// A stored-deflate zip with fixed timestamps, so the bytes never change.
fn write_zip(files: &[(String, Value)]) -> Result<Vec<u8>, super::DemoError> {
    let zip_err = |e: zip::result::ZipError| super::DemoError::Scenario(format!("export zip: {e}"));
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, value) in files {
        let text = serde_json::to_string(value)?;
        w.start_file(name.as_str(), opts).map_err(zip_err)?;
        w.write_all(text.as_bytes())
            .map_err(|e| zip_err(zip::result::ZipError::Io(e)))?;
    }
    Ok(w.finish().map_err(zip_err)?.into_inner())
}
