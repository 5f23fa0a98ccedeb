//! Garmin Connect account export (the GDPR "export your data" zip), JSON
//! under `DI_CONNECT/`. Each file is a JSON array; one bad entry is a
//! warning naming the file and day, a file that is not a JSON array is an
//! error. Field names as in the issue and the public parsers listed in
//! `docs/inputs.md`; numbers may come as strings.

use chrono::{NaiveDate, Utc};
use serde_json::Value;

use serde::Deserialize;

use super::lenient::typed::{self, Item, Many, Num, Text};
use super::lenient::{date, num, text, time};
use super::{
    DayValue, ExportActivity, Gear, GearLink, HrvDay, HrvKind, Night, Origin, Wellness,
    WellnessError,
};

const ORIGIN: Origin = Origin::GarminExport;

/// Confirmation types whose stages are real sleep; `UNCONFIRMED` and
/// `OFF_WRIST` nights are no data.
const CONFIRMED: &[&str] = &[
    "ENHANCED_CONFIRMED_FINAL",
    "ENHANCED_CONFIRMED",
    "MANUALLY_CONFIRMED",
];

/// Resting heart rates outside this range are a sensor or export error, bpm.
const RESTING_HR_BPM: std::ops::RangeInclusive<f64> = 25.0..=130.0;
/// Nightly rMSSD outside this range is a sensor or export error, ms.
const HRV_MS: std::ops::RangeInclusive<f64> = 3.0..=300.0;

fn array(bytes: &[u8]) -> Result<Vec<Value>, WellnessError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Array(a)) => Ok(a),
        Ok(other) => Err(WellnessError::Layout(format!(
            "a JSON array expected, found {}",
            super::lenient::kind(&other)
        ))),
        Err(e) => Err(WellnessError::Json(e.to_string())),
    }
}

/// Days after tomorrow (UTC) cannot have been measured yet.
fn in_future(d: NaiveDate) -> bool {
    d > Utc::now().date_naive() + chrono::Days::new(1)
}

/// One `*_sleepData.json` entry (other keys are skipped unread).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SleepEntry {
    calendar_date: Text,
    #[serde(rename = "sleepStartTimestampGMT")]
    start: Text,
    #[serde(rename = "sleepEndTimestampGMT")]
    end: Text,
    sleep_window_confirmation_type: Text,
    deep_sleep_seconds: Num,
    light_sleep_seconds: Num,
    rem_sleep_seconds: Num,
    awake_sleep_seconds: Num,
    sleep_scores: Item<Scores>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Scores {
    overall_score: Num,
}

/// One `UDSFile_*.json` entry.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct DailyEntry {
    calendar_date: Text,
    resting_heart_rate: Num,
    current_day_resting_heart_rate: Num,
}

/// One `*_healthStatusData.json` entry.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct HealthEntry {
    calendar_date: Text,
    metrics: Many<Metric>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Metric {
    #[serde(rename = "type")]
    kind: Text,
    value: Num,
    baseline_lower_limit: Num,
    baseline_upper_limit: Num,
}

/// The entry's object, or a warning naming its position and what stood there.
fn entry<T>(path: &str, i: usize, item: Item<T>, w: &mut Wellness) -> Option<T> {
    match item {
        Item::Obj(t) => Some(t),
        Item::Not(what) => {
            w.warnings.push(format!(
                "{path}: entry {}: an object expected, found {what}",
                i + 1
            ));
            None
        }
    }
}

/// `*_sleepData.json`: one object per night, dated by `calendarDate` (the
/// local morning the night ended). Usable only when confirmed and with
/// sleep stages; total = deep + light + REM.
pub fn sleep(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let mut w = Wellness::default();
    for (i, item) in typed::array::<SleepEntry>(bytes)?.into_iter().enumerate() {
        let Some(o) = entry(path, i, item, &mut w) else {
            continue;
        };
        let Some(day) = o.calendar_date.date() else {
            w.warnings
                .push(format!("{path}: entry {}: no readable calendarDate", i + 1));
            continue;
        };
        // Older exports lack the field: stages alone then count, unconfirmed.
        let confirmed = match o.sleep_window_confirmation_type.0.as_deref() {
            Some(c) if CONFIRMED.contains(&c) => true,
            Some(_) => continue,
            None => false,
        };
        let (deep, light, rem) = (
            o.deep_sleep_seconds.0,
            o.light_sleep_seconds.0,
            o.rem_sleep_seconds.0,
        );
        if deep.is_none() && light.is_none() && rem.is_none() {
            continue;
        }
        let stages = [deep, light, rem];
        if stages.iter().flatten().any(|s| *s < 0.0) {
            w.warnings
                .push(format!("{path}: {day}: negative sleep stage seconds"));
            continue;
        }
        let asleep: f64 = stages.iter().flatten().sum();
        if asleep <= 0.0 {
            // Stage keys present but all zero: no measured sleep, not 0 h.
            continue;
        }
        if asleep > 20.0 * 3600.0 {
            w.warnings.push(format!(
                "{path}: {day}: {:.1} h of sleep is not plausible",
                asleep / 3600.0
            ));
            continue;
        }
        if in_future(day) {
            w.warnings
                .push(format!("{path}: {day}: night is in the future"));
            continue;
        }
        let mut start = o.start.time();
        let mut end = o.end.time();
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            w.warnings.push(format!(
                "{path}: {day}: sleep window ends before it starts; times dropped"
            ));
            (start, end) = (None, None);
        }
        let score = match o.sleep_scores {
            Item::Obj(s) => s.overall_score.0,
            Item::Not(_) => None,
        };
        w.nights.push(Night {
            date: day,
            start,
            end,
            asleep_s: asleep,
            deep_s: deep,
            light_s: light,
            rem_s: rem,
            awake_s: o.awake_sleep_seconds.0,
            score,
            confirmed,
            origin: ORIGIN,
            path: path.to_owned(),
        });
    }
    Ok(w)
}

/// `UDSFile_*.json` daily summaries: `restingHeartRate` (else
/// `currentDayRestingHeartRate`) per `calendarDate`. Hydration-only entries
/// and days without a resting HR carry nothing for heavylegs.
pub fn daily(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let mut w = Wellness::default();
    for (i, item) in typed::array::<DailyEntry>(bytes)?.into_iter().enumerate() {
        let Some(o) = entry(path, i, item, &mut w) else {
            continue;
        };
        let rhr = o
            .resting_heart_rate
            .0
            .or(o.current_day_resting_heart_rate.0)
            .filter(|b| *b > 0.0);
        let Some(day) = o.calendar_date.date() else {
            if rhr.is_some() {
                w.warnings.push(format!(
                    "{path}: entry {}: resting heart rate without a readable calendarDate",
                    i + 1
                ));
            }
            continue;
        };
        let Some(bpm) = rhr else {
            continue;
        };
        if !RESTING_HR_BPM.contains(&bpm) {
            w.warnings.push(format!(
                "{path}: {day}: resting heart rate {bpm} bpm is not plausible"
            ));
            continue;
        }
        if in_future(day) {
            w.warnings
                .push(format!("{path}: {day}: day is in the future"));
            continue;
        }
        w.resting_hr.push(DayValue {
            date: day,
            value: bpm,
            origin: ORIGIN,
            path: path.to_owned(),
        });
    }
    Ok(w)
}

/// `*_healthStatusData.json`: per `calendarDate`, `metrics[]`; the `HRV`
/// metric's `value` (ms, nightly rMSSD) with Garmin's own baseline band.
pub fn health_status(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let mut w = Wellness::default();
    for (i, item) in typed::array::<HealthEntry>(bytes)?.into_iter().enumerate() {
        let Some(o) = entry(path, i, item, &mut w) else {
            continue;
        };
        let Some(day) = o.calendar_date.date() else {
            w.warnings
                .push(format!("{path}: entry {}: no readable calendarDate", i + 1));
            continue;
        };
        let hrv = o.metrics.0.into_iter().find_map(|m| match m {
            Item::Obj(m) if m.kind.0.as_deref() == Some("HRV") => Some(m),
            _ => None,
        });
        let Some(m) = hrv else {
            continue;
        };
        let Some(ms) = m.value.0 else {
            continue;
        };
        if !HRV_MS.contains(&ms) {
            w.warnings
                .push(format!("{path}: {day}: HRV {ms} ms is not plausible"));
            continue;
        }
        if in_future(day) {
            w.warnings
                .push(format!("{path}: {day}: day is in the future"));
            continue;
        }
        let (mut low, mut high) = (m.baseline_lower_limit.0, m.baseline_upper_limit.0);
        if let (Some(l), Some(h)) = (low, high)
            && l > h
        {
            w.warnings.push(format!(
                "{path}: {day}: HRV baseline band {l}–{h} ms is inverted; band dropped"
            ));
            (low, high) = (None, None);
        }
        w.hrv.push(HrvDay {
            date: day,
            value_ms: ms,
            kind: HrvKind::Rmssd,
            baseline_low_ms: low,
            baseline_high_ms: high,
            origin: ORIGIN,
            path: path.to_owned(),
        });
    }
    Ok(w)
}

/// The objects of every `key` list inside the file's top-level array
/// (`[{"summarizedActivitiesExport": [...]}]`, `[{"gearDTOS": [...]}]`).
fn nested<'a>(all: &'a [Value], key: &str) -> impl Iterator<Item = &'a Value> {
    all.iter()
        .filter_map(move |v| v.get(key))
        .filter_map(Value::as_array)
        .flatten()
}

/// `*_summarizedActivities.json`: id, GMT start (epoch ms), distance (cm),
/// type and name of every activity; used to place gear links in time.
pub fn activities(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let all = array(bytes)?;
    // `[]` is an export without activities; anything else must hold the list.
    if !all.is_empty()
        && !all
            .iter()
            .any(|v| v.get("summarizedActivitiesExport").is_some())
    {
        return Err(WellnessError::Layout(
            "no summarizedActivitiesExport list".into(),
        ));
    }
    let mut w = Wellness::default();
    for (i, v) in nested(&all, "summarizedActivitiesExport").enumerate() {
        let Some(id) = text(v.get("activityId")) else {
            w.warnings
                .push(format!("{path}: activity {}: no activityId", i + 1));
            continue;
        };
        let start = time(v.get("startTimeGmt"));
        if start.is_none() {
            w.warnings
                .push(format!("{path}: activity {id}: no readable startTimeGmt"));
        }
        let sport = match v.get("activityType") {
            Some(Value::Object(t)) => text(t.get("typeKey")),
            other => text(other),
        };
        w.activities.push(ExportActivity {
            id,
            start,
            distance_m: num(v.get("distance")).map(|cm| cm / 100.0),
            sport,
            name: text(v.get("name")),
            origin: ORIGIN,
            path: path.to_owned(),
        });
    }
    Ok(w)
}

/// `*_gear.json`: `gearDTOS` (the pairs) and `gearActivityDTOs` (gearPk →
/// the activity ids done in it).
pub fn gear(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let all = array(bytes)?;
    if !all.is_empty() && !all.iter().any(|v| v.get("gearDTOS").is_some()) {
        return Err(WellnessError::Layout("no gearDTOS list".into()));
    }
    let mut w = Wellness::default();
    for (i, g) in nested(&all, "gearDTOS").enumerate() {
        let Some(id) = text(g.get("gearPk")) else {
            w.warnings
                .push(format!("{path}: gear {}: no gearPk", i + 1));
            continue;
        };
        let name = text(g.get("displayName"))
            .or_else(|| text(g.get("customMakeModel")))
            .unwrap_or_else(|| format!("gear {id}"));
        let type_name = text(g.get("gearTypeName")).unwrap_or_default();
        let status = text(g.get("gearStatusName")).unwrap_or_default();
        w.gear.push(Gear {
            id,
            name,
            is_shoe: type_name.eq_ignore_ascii_case("shoes"),
            retired: status.eq_ignore_ascii_case("retired"),
            since: date(g.get("dateBegin")),
            until: date(g.get("dateEnd")),
            max_km: num(g.get("maximumMeters"))
                .filter(|m| *m > 0.0)
                .map(|m| m / 1000.0),
            origin: ORIGIN,
            path: path.to_owned(),
        });
    }
    for links in all.iter().filter_map(|v| v.get("gearActivityDTOs")) {
        let Some(links) = links.as_object() else {
            w.warnings
                .push(format!("{path}: gearActivityDTOs is not an object"));
            continue;
        };
        for (pk, list) in links {
            for l in list.as_array().into_iter().flatten() {
                match text(l.get("activityId")) {
                    Some(activity_id) => w.gear_links.push(GearLink {
                        gear_id: text(l.get("gearPk")).unwrap_or_else(|| pk.clone()),
                        activity_id,
                        origin: ORIGIN,
                        path: path.to_owned(),
                    }),
                    None => w
                        .warnings
                        .push(format!("{path}: gear {pk}: a link without an activityId")),
                }
            }
        }
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLEEP: &str = r#"[
      {"calendarDate": "2026-03-03", "sleepStartTimestampGMT": "2026-03-02T21:40:00.0",
       "sleepEndTimestampGMT": "2026-03-03T05:10:00.0", "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL",
       "deepSleepSeconds": 5400, "lightSleepSeconds": 14400, "remSleepSeconds": 6000,
       "awakeSleepSeconds": 1200, "unmeasurableSeconds": 0,
       "sleepScores": {"overallScore": 81, "qualityScore": 77, "durationScore": 85}},
      {"calendarDate": "2026-03-04", "sleepWindowConfirmationType": "OFF_WRIST"},
      {"calendarDate": "2026-03-05", "sleepWindowConfirmationType": "UNCONFIRMED",
       "sleepStartTimestampGMT": "2026-03-04T22:00:00.0", "sleepEndTimestampGMT": "2026-03-05T06:00:00.0"},
      {"calendarDate": "2026-03-06", "sleepWindowConfirmationType": "ENHANCED_CONFIRMED",
       "deepSleepSeconds": 0, "lightSleepSeconds": 0, "remSleepSeconds": 0},
      {"calendarDate": "2026-03-07", "sleepWindowConfirmationType": "MANUALLY_CONFIRMED",
       "deepSleepSeconds": "3600", "lightSleepSeconds": "18000", "remSleepSeconds": null,
       "sleepStartTimestampGMT": "2026-03-07T06:00:00.0", "sleepEndTimestampGMT": "2026-03-06T23:00:00.0"},
      {"calendarDate": "not a date", "deepSleepSeconds": 3600},
      17
    ]"#;

    #[test]
    fn sleep_reads_confirmed_nights_with_stages_only() {
        let w = sleep("x_sleepData.json", SLEEP.as_bytes()).unwrap();
        let dates: Vec<String> = w.nights.iter().map(|n| n.date.to_string()).collect();
        // OFF_WRIST, UNCONFIRMED and all-zero stage nights are no data, never 0 h.
        assert_eq!(dates, ["2026-03-03", "2026-03-07"]);
        let n = &w.nights[0];
        assert_eq!(n.asleep_s, 5400.0 + 14400.0 + 6000.0);
        assert_eq!(n.awake_s, Some(1200.0));
        assert_eq!(n.score, Some(81.0));
        assert!(n.confirmed);
        assert_eq!(n.start.unwrap().to_rfc3339(), "2026-03-02T21:40:00+00:00");
        // Stage seconds as strings, REM null: deep + light.
        assert_eq!(w.nights[1].asleep_s, 21600.0);
        assert_eq!(w.nights[1].start, None, "inverted window dropped");
        assert_eq!(w.warnings.len(), 3, "{:?}", w.warnings);
        assert!(w.warnings[0].contains("2026-03-07: sleep window ends before it starts"));
        assert!(w.warnings[1].contains("entry 6: no readable calendarDate"));
        assert!(w.warnings[2].contains("entry 7: an object expected, found a number"));
        assert!(
            w.warnings
                .iter()
                .all(|l| l.starts_with("x_sleepData.json: "))
        );
    }

    #[test]
    fn malformed_files_are_errors() {
        let e = sleep("s.json", b"[{\"calendarDate\": ").unwrap_err();
        assert!(e.to_string().starts_with("malformed JSON"), "{e}");
        let e = daily("u.json", b"{\"calendarDate\": \"2026-03-03\"}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected layout: a JSON array expected, found an object"
        );
    }

    #[test]
    fn daily_summaries_skip_hydration_only_entries() {
        let uds = r#"[
          {"calendarDate": "2026-03-03", "restingHeartRate": 48, "currentDayRestingHeartRate": 47,
           "minHeartRate": 45, "allDayStress": {"aggregatorList": [{"type": "TOTAL", "averageStressLevel": 30}]},
           "bodyBattery": {"statList": []}},
          {"hydration": {"valueInML": 500.0, "goalInML": 2000.0}},
          {"calendarDate": "2026-03-04", "currentDayRestingHeartRate": "51"},
          {"calendarDate": "2026-03-05", "totalSteps": 3000},
          {"calendarDate": "2026-03-06", "restingHeartRate": 400}
        ]"#;
        let w = daily("UDSFile_1.json", uds.as_bytes()).unwrap();
        let got: Vec<(String, f64)> = w
            .resting_hr
            .iter()
            .map(|d| (d.date.to_string(), d.value))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-03-03".to_owned(), 48.0),
                ("2026-03-04".to_owned(), 51.0)
            ]
        );
        assert_eq!(w.warnings.len(), 1, "{:?}", w.warnings);
        assert!(w.warnings[0].contains("2026-03-06: resting heart rate 400 bpm"));
    }

    #[test]
    fn health_status_gives_hrv_with_the_watch_band() {
        let hs = r#"[
          {"calendarDate": "2026-03-03", "metrics": [
            {"type": "HR", "value": 47, "baselineLowerLimit": 44, "baselineUpperLimit": 52, "status": "IN_RANGE"},
            {"type": "HRV", "value": 62.0, "baselineLowerLimit": 55, "baselineUpperLimit": 75, "status": "IN_RANGE"},
            {"type": "SKIN_TEMP_C", "value": -0.2}]},
          {"calendarDate": "2026-03-04", "metrics": [{"type": "SPO2", "value": 96}]},
          {"calendarDate": "2026-03-05", "metrics": [{"type": "HRV", "value": "48"}]}
        ]"#;
        let w = health_status("h_healthStatusData.json", hs.as_bytes()).unwrap();
        assert_eq!(w.hrv.len(), 2);
        assert_eq!(w.hrv[0].value_ms, 62.0);
        assert_eq!(w.hrv[0].baseline_low_ms, Some(55.0));
        assert_eq!(w.hrv[0].baseline_high_ms, Some(75.0));
        assert_eq!(w.hrv[0].kind, HrvKind::Rmssd);
        assert_eq!(w.hrv[1].value_ms, 48.0);
        assert_eq!(w.hrv[1].baseline_low_ms, None);
        assert!(w.warnings.is_empty());
    }

    #[test]
    fn gear_links_by_activity_id_get_the_activity_start() {
        let acts = r#"[{"summarizedActivitiesExport": [
          {"activityId": 1001, "startTimeGmt": 1772521200000, "distance": 1000000.0,
           "activityType": "running", "name": "Morning Run"},
          {"activityId": "1002", "startTimeGmt": 1772607600000.0, "distance": 600000,
           "activityType": "running", "name": "Easy"}
        ]}]"#;
        let gear_json = r#"[{"gearDTOS": [
          {"gearPk": 77, "displayName": "Pegasus", "customMakeModel": "Nike Pegasus 40",
           "gearTypeName": "Shoes", "gearStatusName": "retired", "dateBegin": "2025-06-01T00:00:00.0",
           "dateEnd": "2026-03-10T00:00:00.0", "maximumMeters": 700000.0},
          {"gearPk": 78, "customMakeModel": "Saucony Ride", "gearTypeName": "Shoes",
           "gearStatusName": "active", "maximumMeters": 0}
        ],
        "gearActivityDTOs": {"77": [{"activityId": 1001, "gearPk": 77}, {"activityId": 1002, "gearPk": 77}],
                             "78": [{"activityId": 9999, "gearPk": 78}]}}]"#;
        let mut w = activities("u_summarizedActivities.json", acts.as_bytes()).unwrap();
        assert_eq!(w.activities[0].distance_m, Some(10_000.0));
        w.extend(gear("u_gear.json", gear_json.as_bytes()).unwrap());
        let w = w.finish();
        assert_eq!(w.gear.len(), 2);
        let peg = &w.gear[0];
        assert_eq!((peg.id.as_str(), peg.name.as_str()), ("77", "Pegasus"));
        assert!(peg.is_shoe && peg.retired);
        assert_eq!(peg.max_km, Some(700.0));
        assert_eq!(peg.since, NaiveDate::from_ymd_opt(2025, 6, 1));
        assert_eq!(w.gear[1].name, "Saucony Ride");
        assert_eq!(w.gear[1].max_km, None);
        let starts: Vec<i64> = w
            .gear_uses
            .iter()
            .map(|u| u.start.unwrap().timestamp_millis())
            .collect();
        assert_eq!(starts, [1772521200000, 1772607600000]);
        assert!(w.gear_uses.iter().all(|u| u.gear_id == "77"));
        assert_eq!(w.warnings.len(), 1, "{:?}", w.warnings);
        assert!(w.warnings[0].starts_with("u_gear.json: 1 gear link"));
    }
}
