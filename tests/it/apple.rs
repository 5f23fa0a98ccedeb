//! Apple Health `export.xml` / `export.zip` and Polar Flow training-session
//! JSON, from fixtures built here in the shapes the real exports have.

use std::io::Write;
use std::path::PathBuf;

use heavylegs::activity::Format;
use heavylegs::ingest::{Leaf, Record, Status, WalkOptions, decode_leaf, dedupe::dedupe, ingest};
use heavylegs::limits::Limits;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

const WATCH: &str = "Ana’s Apple Watch";
const PHONE: &str = "Ana’s iPhone";

const DTD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
]>
<HealthData locale="en_US">
 <ExportDate value="2026-04-10 20:00:00 -0700"/>
"#;

/// `2026-04-07 07:30:00 -0700` plus `s` seconds, Apple's spelling.
fn at(day: u32, h: u32, m: u32, s: i64) -> String {
    let t = chrono::NaiveDate::from_ymd_opt(2026, 4, day)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
        + chrono::Duration::seconds(s);
    format!("{} -0700", t.format("%Y-%m-%d %H:%M:%S"))
}

fn rec(kind: &str, unit: &str, source: &str, s: &str, e: &str, value: &str) -> String {
    format!(
        " <Record type=\"HKQuantityTypeIdentifier{kind}\" sourceName=\"{source}\" unit=\"{unit}\" creationDate=\"{e}\" startDate=\"{s}\" endDate=\"{e}\" value=\"{value}\"/>\n"
    )
}

fn sleep(source: &str, s: &str, e: &str, stage: &str) -> String {
    format!(
        " <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\" sourceName=\"{source}\" startDate=\"{s}\" endDate=\"{e}\" value=\"HKCategoryValueSleepAnalysis{stage}\"/>\n"
    )
}

/// Two runs (outdoor 7 Apr 07:30, 30 min, 6 km; indoor 8 Apr 18:00, 20 min,
/// 4 km), a ride, a broken workout; records grouped by type before the
/// workouts, the phone's distance overlapping the watch's, malformed records
/// among them, overlapping phone/watch sleep.
fn export_xml() -> String {
    let mut x = String::from(DTD);
    let runs = [(7, 7, 30, 1800i64, 6000.0), (8, 18, 0, 1200, 4000.0)];
    for &(d, h, m, len, _) in &runs {
        for s in (0..=len).step_by(5) {
            let bpm = 140 + (s / 300) as u32;
            x += &rec(
                "HeartRate",
                "count/min",
                WATCH,
                &at(d, h, m, s),
                &at(d, h, m, s),
                &bpm.to_string(),
            );
        }
    }
    // A heart rate outside any run: kept out of the runs.
    x += &rec(
        "HeartRate",
        "count/min",
        WATCH,
        &at(7, 12, 0, 0),
        &at(7, 12, 0, 0),
        "66",
    );
    // Malformed: a value that is not a number inside run 1, a date without offset, an end before its start.
    x += &rec(
        "HeartRate",
        "count/min",
        WATCH,
        &at(7, 7, 30, 62),
        &at(7, 7, 30, 62),
        "abc",
    );
    x += " <Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"w\" unit=\"count/min\" startDate=\"2026-04-07 07:45:00\" endDate=\"2026-04-07 07:45:00\" value=\"150\"/>\n";
    x += &rec(
        "HeartRate",
        "count/min",
        WATCH,
        &at(7, 7, 40, 0),
        &at(7, 7, 39, 0),
        "150",
    );
    for &(d, h, m, len, _) in &runs {
        for s in (0..len).step_by(60) {
            // 170 steps a minute on the watch; the phone counts the same steps too.
            x += &rec(
                "StepCount",
                "count",
                WATCH,
                &at(d, h, m, s),
                &at(d, h, m, s + 60),
                "170",
            );
        }
        x += &rec(
            "StepCount",
            "count",
            PHONE,
            &at(d, h, m, 0),
            &at(d, h, m, len),
            &(170 * len / 60).to_string(),
        );
    }
    for &(d, h, m, len, dist) in &runs {
        let per = dist / (len as f64 / 10.0) / 1000.0;
        for s in (0..len).step_by(10) {
            x += &rec(
                "DistanceWalkingRunning",
                "km",
                WATCH,
                &at(d, h, m, s),
                &at(d, h, m, s + 10),
                &format!("{per:.5}"),
            );
        }
        x += &rec(
            "DistanceWalkingRunning",
            "km",
            PHONE,
            &at(d, h, m, 0),
            &at(d, h, m, len),
            &format!("{:.3}", dist / 1000.0 * 1.03),
        );
    }
    for &(d, h, m, len, _) in &runs {
        for s in (0..=len).step_by(10) {
            let t = at(d, h, m, s);
            x += &rec("RunningStrideLength", "m", WATCH, &t, &t, "1.18");
            x += &rec("RunningGroundContactTime", "ms", WATCH, &t, &t, "245");
            x += &rec("RunningVerticalOscillation", "cm", WATCH, &t, &t, "8.6");
            x += &rec("RunningPower", "W", WATCH, &t, &t, "250");
        }
    }
    for d in [7, 8] {
        x += &rec(
            "RestingHeartRate",
            "count/min",
            WATCH,
            &at(d, 7, 0, 0),
            &at(d, 7, 0, 0),
            "51",
        );
        x += &rec(
            "HeartRateVariabilitySDNN",
            "ms",
            WATCH,
            &at(d, 6, 0, 0),
            &at(d, 6, 0, 0),
            "40",
        );
        x += &rec(
            "HeartRateVariabilitySDNN",
            "ms",
            WATCH,
            &at(d, 8, 0, 0),
            &at(d, 8, 0, 0),
            "50",
        );
    }
    // Night to 7 Apr: the phone says asleep 23:00–06:00, the watch has stages 23:30–06:30.
    x += &sleep(PHONE, &at(6, 22, 45, 0), &at(7, 6, 40, 0), "InBed");
    x += &sleep(
        PHONE,
        &at(6, 23, 0, 0),
        &at(7, 6, 0, 0),
        "AsleepUnspecified",
    );
    x += &sleep(WATCH, &at(6, 23, 30, 0), &at(7, 2, 0, 0), "AsleepCore");
    x += &sleep(WATCH, &at(7, 2, 0, 0), &at(7, 3, 0, 0), "AsleepDeep");
    x += &sleep(WATCH, &at(7, 3, 0, 0), &at(7, 3, 10, 0), "Awake");
    x += &sleep(WATCH, &at(7, 3, 10, 0), &at(7, 5, 30, 0), "AsleepCore");
    x += &sleep(WATCH, &at(7, 5, 30, 0), &at(7, 6, 30, 0), "AsleepREM");
    // Workouts after the records, as real exports list them.
    x += &format!(
        r#" <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" sourceName="{WATCH}" startDate="{}" endDate="{}">
  <MetadataEntry key="HKIndoorWorkout" value="0"/>
  <MetadataEntry key="HKTimeZone" value="America/Los_Angeles"/>
  <MetadataEntry key="HKWeatherTemperature" value="59 degF"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="{0}" endDate="{1}" sum="6" unit="km"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="{0}" endDate="{1}" average="143" unit="count/min"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierStepCount" startDate="{0}" endDate="{1}" sum="5100" unit="count"/>
  <WorkoutRoute sourceName="{WATCH}">
   <FileReference path="/workout-routes/route_2026-04-07_7.30am.gpx"/>
  </WorkoutRoute>
 </Workout>
"#,
        at(7, 7, 30, 0),
        at(7, 7, 30, 1800)
    );
    x += &format!(
        r#" <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="20" durationUnit="min" sourceName="{WATCH}" startDate="{}" endDate="{}">
  <MetadataEntry key="HKIndoorWorkout" value="1"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="{0}" endDate="{1}" sum="4" unit="km"/>
 </Workout>
"#,
        at(8, 18, 0, 0),
        at(8, 18, 0, 1200)
    );
    x += &format!(
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeCycling\" duration=\"60\" durationUnit=\"min\" sourceName=\"{WATCH}\" startDate=\"{}\" endDate=\"{}\"/>\n",
        at(9, 17, 0, 0),
        at(9, 18, 0, 0)
    );
    x += &format!(
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeRunning\" duration=\"20\" durationUnit=\"min\" sourceName=\"{WATCH}\" startDate=\"{}\" endDate=\"{}\"/>\n",
        at(10, 18, 0, 0),
        at(10, 17, 0, 0)
    );
    x += "</HealthData>\n";
    x
}

fn route_gpx() -> String {
    let mut g = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Apple Health Export\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n <trk><name>Route</name><trkseg>\n",
    );
    let start = chrono::DateTime::parse_from_rfc3339("2026-04-07T14:30:00Z").unwrap();
    for s in (0..=1800).step_by(5) {
        let t = start + chrono::Duration::seconds(s);
        let lat = 37.0 + s as f64 * (6000.0 / 1800.0) / 111_319.49;
        g += &format!(
            "  <trkpt lon=\"-122.000000\" lat=\"{lat:.7}\"><ele>10.0</ele><time>{}</time><extensions><speed>3.33</speed><course>0.0</course><hAcc>1.5</hAcc><vAcc>1.2</vAcc></extensions></trkpt>\n",
            t.format("%Y-%m-%dT%H:%M:%SZ")
        );
    }
    g + " </trkseg></trk>\n</gpx>\n"
}

fn decode(xml: &str) -> Vec<Record> {
    decode_leaf(
        &Leaf {
            path: "apple_health_export/export.xml".into(),
            bytes: xml.as_bytes(),
            sha256: "x".into(),
            stream: None,
        },
        &Limits::default(),
    )
}

fn median(v: &[f64]) -> f64 {
    let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn export_xml_gives_one_line_per_workout_and_the_wellness() {
    let recs = decode(&export_xml());
    let summary: Vec<(&str, Status, Option<&str>)> = recs
        .iter()
        .map(|r| (r.path.as_str(), r.status, r.reason.as_deref()))
        .collect();
    assert_eq!(recs.len(), 5, "{summary:#?}");
    assert!(recs.iter().all(|r| r.format == Some(Format::AppleHealth)));
    assert_eq!(recs[0].path, "apple_health_export/export.xml");
    assert_eq!(recs[1].path, "apple_health_export/export.xml#1");
    assert_eq!(recs[1].status, Status::Ok);
    assert_eq!(recs[2].status, Status::Ok);
    assert_eq!(recs[3].status, Status::Skipped);
    assert_eq!(recs[3].reason.as_deref(), Some("not a run: Cycling"));
    assert_eq!(recs[4].status, Status::Rejected);
    let why = recs[4].reason.as_deref().unwrap();
    assert!(
        why.contains("before it starts") && why.contains("line"),
        "{why}"
    );

    // The outdoor run: totals from the workout, series joined from records of the watch only.
    let run = recs[1].activity.as_ref().unwrap();
    assert_eq!(run.start.to_rfc3339(), "2026-04-07T14:30:00+00:00");
    assert_eq!(run.utc_offset_s, Some(-7 * 3600));
    assert_eq!(run.elapsed_s, 1800.0);
    assert_eq!(run.timer_s, Some(1800.0));
    assert_eq!(run.distance_m, Some(6000.0));
    assert_eq!(run.sub_sport, None);
    let s = &run.series;
    s.check().unwrap();
    assert_eq!(median(s.cadence_spm.as_ref().unwrap()), 170.0);
    let d = s.distance_m.as_ref().unwrap();
    assert!((d[d.len() - 1] - 6000.0).abs() < 1.0, "{}", d[d.len() - 1]);
    assert!((median(s.speed_mps.as_ref().unwrap()) - 6000.0 / 1800.0).abs() < 0.01);
    assert_eq!(median(s.step_length_mm.as_ref().unwrap()), 1180.0);
    assert_eq!(median(s.vertical_oscillation_mm.as_ref().unwrap()), 86.0);
    assert_eq!(median(s.stance_time_ms.as_ref().unwrap()), 245.0);
    assert_eq!(median(s.power_w.as_ref().unwrap()), 250.0);
    let hr = s.heart_rate_bpm.as_ref().unwrap();
    assert_eq!(hr[0], 140.0);
    assert!((s.temperature_c.as_ref().unwrap()[0] - 15.0).abs() < 1e-9);
    assert!(
        hr.iter().all(|h| *h < 150.0),
        "the 12:00 resting value stays out"
    );

    // The indoor run has no route and still counts with the watch's distance.
    let indoor = recs[2].activity.as_ref().unwrap();
    assert_eq!(indoor.sub_sport.as_deref(), Some("treadmill"));
    assert_eq!(indoor.distance_m, Some(4000.0));
    assert!(indoor.series.lat_deg.is_none());
    assert_eq!(median(indoor.series.cadence_spm.as_ref().unwrap()), 170.0);

    // Wellness: the merged night, resting HR and SDNN per day; malformed records name their line.
    let w = recs[0].wellness.as_deref().unwrap();
    assert_eq!(recs[0].status, Status::Ok);
    assert_eq!(w.nights.len(), 1);
    let n = &w.nights[0];
    assert_eq!(n.date.to_string(), "2026-04-07");
    // Asleep 23:00–06:30 once, not 7 h (phone) + 7 h (watch stages).
    assert_eq!(n.asleep_s, 7.5 * 3600.0);
    assert_eq!(n.deep_s, Some(3600.0));
    assert_eq!(n.path, "apple_health_export/export.xml");
    assert_eq!(w.resting_hr.len(), 2);
    assert_eq!(w.resting_hr[0].value, 51.0);
    assert_eq!(w.hrv.len(), 2);
    assert_eq!(w.hrv[0].value_ms, 45.0);
    assert_eq!(w.hrv[0].kind, heavylegs::wellness::HrvKind::Sdnn);
    let xml = export_xml();
    let line_of = |needle: &str| xml.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let warned = |needle: &str| w.warnings.iter().any(|x| x.contains(needle));
    assert!(
        warned(&format!(
            "line {}: record value \"abc\"",
            line_of("value=\"abc\"")
        )),
        "{:#?}",
        w.warnings
    );
    assert!(
        warned(&format!(
            "line {}: record startDate \"2026-04-07 07:45:00\"",
            line_of("startDate=\"2026-04-07 07:45:00\"")
        )),
        "{:#?}",
        w.warnings
    );
    assert!(warned("before it starts"), "{:#?}", w.warnings);
}

#[test]
fn entity_declarations_are_refused_and_truncation_keeps_what_came_before() {
    let lol = "<?xml version=\"1.0\"?><!DOCTYPE HealthData [<!ENTITY a \"aaaaaaaa\">]><HealthData>&a;</HealthData>";
    let recs = decode(lol);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].status, Status::Rejected);
    assert!(
        recs[0].reason.as_deref().unwrap().contains("entity"),
        "{:?}",
        recs[0].reason
    );

    let full = export_xml();
    let cut = &full[..full
        .find("<Workout workoutActivityType=\"HKWorkoutActivityTypeCycling\"")
        .unwrap()
        + 30];
    let recs = decode(cut);
    let ok = recs
        .iter()
        .filter(|r| r.status == Status::Ok && r.activity.is_some())
        .count();
    assert_eq!(ok, 2, "both complete runs survive the cut");
    let w = recs[0].wellness.as_deref().unwrap();
    assert!(
        w.warnings.iter().any(|x| x.contains("truncated")),
        "{:#?}",
        w.warnings
    );
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn export_zip_in(dir: &std::path::Path) -> PathBuf {
    let xml = export_xml();
    let gpx = route_gpx();
    let bytes = zip_of(&[
        ("apple_health_export/export.xml", xml.as_bytes()),
        (
            "apple_health_export/export_cda.xml",
            b"<?xml version=\"1.0\"?><ClinicalDocument/>",
        ),
        (
            "apple_health_export/workout-routes/route_2026-04-07_7.30am.gpx",
            gpx.as_bytes(),
        ),
    ]);
    let path = dir.join("export.zip");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn export_zip_route_gpx_is_its_workout_not_a_second_run() {
    let dir = tempfile::tempdir().unwrap();
    let zip = export_zip_in(dir.path());
    let mut walked = ingest(&[zip], &WalkOptions::default());
    dedupe(&mut walked.items);
    let route = walked
        .items
        .iter()
        .find(|r| r.path.ends_with("route_2026-04-07_7.30am.gpx"))
        .unwrap();
    assert_eq!(route.status, Status::Skipped, "{:?}", route.reason);
    assert!(
        route
            .duplicate_of
            .as_deref()
            .unwrap()
            .ends_with("export.xml#1"),
        "{:?}",
        route.duplicate_of
    );
    assert!(!walked.items.iter().any(|r| r.path.contains("export_cda")));
    assert_eq!(walked.stats.ignored, 1);
    let runs = walked
        .items
        .iter()
        .filter(|r| r.status == Status::Ok && r.activity.is_some())
        .count();
    assert_eq!(runs, 2);
}

#[cfg(feature = "tables")]
#[test]
fn heavylegs_report_reads_an_apple_export_zip() {
    let dir = tempfile::tempdir().unwrap();
    let zip = export_zip_in(dir.path());
    let out = dir.path().join("report");
    let run = crate::common::heavylegs(&[
        "report",
        crate::common::s(&zip),
        "-o",
        crate::common::s(&out),
        "--no-progress",
    ]);
    // Exit 3: the fixture's broken workout is a rejected input; the report is still written.
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("export.xml#4: rejected"), "{stderr}");
    assert!(stderr.contains("duplicates=1"), "{stderr}");
    let report = crate::common::read_json(&out.join("report.json"));
    // The malformed records are warnings naming the file and the line.
    let warnings = report["inputs"]["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w["path"]
            .as_str()
            .unwrap()
            .ends_with("export.zip!apple_health_export/export.xml")
            && w["warning"]
                .as_str()
                .unwrap()
                .contains("record value \"abc\"")),
        "{warnings:#?}"
    );
    let km: f64 = report["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["distance_km"].as_f64().unwrap())
        .sum();
    assert!((km - 10.0).abs() < 0.05, "{km}");
}

fn polar_session(sport: &str, start: &str, route: bool) -> String {
    let mut hr = Vec::new();
    let mut speed = Vec::new();
    let mut cad = Vec::new();
    let mut dist = Vec::new();
    let mut pts = Vec::new();
    let t0 = chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M:%S%.f").unwrap();
    for s in 0..=600i64 {
        let t = (t0 + chrono::Duration::seconds(s)).format("%Y-%m-%dT%H:%M:%S%.3f");
        hr.push(format!(
            r#"{{"dateTime": "{t}", "value": {}}}"#,
            130 + s / 60
        ));
        speed.push(format!(r#"{{"dateTime": "{t}", "value": 10.8}}"#));
        cad.push(format!(r#"{{"dateTime": "{t}", "value": 84}}"#));
        dist.push(format!(r#"{{"dateTime": "{t}", "value": {}}}"#, s * 3));
        pts.push(format!(
            r#"{{"dateTime": "{t}", "latitude": {:.6}, "longitude": 13.4, "altitude": 35.0}}"#,
            52.5 + s as f64 * 3.0 / 111_319.49
        ));
    }
    let route = if route {
        format!(r#", "recordedRoute": [{}]"#, pts.join(","))
    } else {
        String::new()
    };
    format!(
        r#"{{"exportVersion": "1.6", "name": "Session", "startTime": "{start}", "stopTime": "2026-04-07T08:40:00.000", "timezoneOffset": 120, "duration": "PT600S", "distance": 1800.0, "sport": "{sport}",
"exercises": [{{"startTime": "{start}", "stopTime": "{}", "timezoneOffset": 120, "duration": "PT600S", "distance": 1800.0, "sport": "{sport}",
"samples": {{"heartRate": [{}], "speed": [{}], "cadence": [{}], "distance": [{}]{route}}}}}]}}"#,
        (t0 + chrono::Duration::seconds(600)).format("%Y-%m-%dT%H:%M:%S%.3f"),
        hr.join(","),
        speed.join(","),
        cad.join(","),
        dist.join(",")
    )
}

#[test]
fn polar_training_sessions_with_a_route_and_on_a_treadmill() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("polar-user-data-export");
    std::fs::create_dir(&export).unwrap();
    let road = polar_session("RUNNING", "2026-04-07T08:30:00.000", true);
    let mill = polar_session("TREADMILL_RUNNING", "2026-04-08T18:00:00.000", false);
    std::fs::write(export.join("training-session-2026-04-07-1-a.json"), road).unwrap();
    std::fs::write(export.join("training-session-2026-04-08-2-b.json"), mill).unwrap();
    std::fs::write(export.join("account-data.json"), "{\"username\": \"x\"}").unwrap();
    let walked = ingest(&[export], &WalkOptions::default());
    assert_eq!(
        walked.items.len(),
        2,
        "{:#?}",
        walked
            .items
            .iter()
            .map(|r| (&r.path, &r.reason))
            .collect::<Vec<_>>()
    );
    assert_eq!(walked.stats.ignored, 1);
    let road = walked.items[0].activity.as_ref().unwrap();
    assert_eq!(walked.items[0].status, Status::Ok);
    assert_eq!(road.source.format, Format::PolarFlow);
    assert_eq!(road.start.to_rfc3339(), "2026-04-07T06:30:00+00:00");
    assert_eq!(road.utc_offset_s, Some(7200));
    assert_eq!(road.elapsed_s, 600.0);
    assert_eq!(road.distance_m, Some(1800.0));
    assert_eq!(road.series.len(), 601);
    assert!((road.series.speed_mps.as_ref().unwrap()[10] - 3.0).abs() < 1e-9);
    assert_eq!(
        road.series.cadence_spm.as_ref().unwrap()[10],
        168.0,
        "strides doubled"
    );
    assert!(road.series.lat_deg.is_some());
    let mill = walked.items[1].activity.as_ref().unwrap();
    assert_eq!(walked.items[1].status, Status::Ok);
    assert_eq!(mill.sub_sport.as_deref(), Some("treadmill"));
    assert!(mill.series.lat_deg.is_none());
    assert_eq!(mill.series.heart_rate_bpm.as_ref().unwrap()[600], 140.0);
}

/// `cargo run --example write_samples` rewrites `samples/apple`.
#[test]
fn apple_sample_is_the_generator_output() {
    let t = tempfile::tempdir().unwrap();
    heavylegs::demo::generate_apple(t.path(), &heavylegs::demo::demo_athlete()).unwrap();
    let dir = crate::common::samples_dir().join("apple");
    for name in ["export.zip", "athlete.toml"] {
        assert!(
            std::fs::read(t.path().join(name)).unwrap() == std::fs::read(dir.join(name)).unwrap(),
            "{name} differs from a fresh `heavylegs demo`"
        );
    }
}

/// The Apple export of the demo athlete tells the same story as its FIT files.
#[cfg(feature = "tables")]
#[test]
fn apple_sample_report_matches_the_demo_truth() {
    use crate::common::{heavylegs, read_json, s, samples_dir};
    let truth = read_json(&samples_dir().join("demo/truth.json"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let run = heavylegs(&[
        "report",
        "samples/apple",
        "-o",
        s(&out),
        "--no-progress",
        "--window-weeks",
        "12",
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = read_json(&out.join("report.json"));
    let flagged = |r: &serde_json::Value| -> std::collections::BTreeSet<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == "flagged")
            .map(|f| f["cause"].as_str().unwrap().to_owned())
            .collect()
    };
    let want: std::collections::BTreeSet<String> = truth["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        // Apple Health records no shoes: the worn pair is in the Garmin export's gear only.
        .filter(|c| c != "shoes")
        .collect();
    assert_eq!(flagged(&report), want);
    assert_eq!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["cause"] == "shoes")
            .map(|f| f["status"].clone()),
        Some(serde_json::json!("not_assessable"))
    );
    for tw in truth["weeks"].as_array().unwrap() {
        let label = tw["week"].as_str().unwrap();
        let got = report["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["week"] == label)
            .and_then(|w| w["distance_km"].as_f64())
            .unwrap_or(0.0);
        let want = tw["distance_km"].as_f64().unwrap();
        assert!(
            (got - want).abs() <= 0.5,
            "{label}: Apple {got} km, truth {want} km"
        );
    }
    // Cadence per run within 2 spm of the truth; every run found once, no route counted twice.
    let mut walked = ingest(
        &[samples_dir().join("apple/export.zip")],
        &WalkOptions::default(),
    );
    dedupe(&mut walked.items);
    let runs: Vec<_> = walked
        .items
        .iter()
        .filter(|r| r.status == Status::Ok)
        .filter_map(|r| r.activity.as_ref())
        .collect();
    let truth_runs = truth["runs"].as_array().unwrap();
    assert_eq!(runs.len(), truth_runs.len());
    for tr in truth_runs {
        let start =
            chrono::DateTime::parse_from_rfc3339(tr["start_utc"].as_str().unwrap()).unwrap();
        let a = runs
            .iter()
            .find(|a| {
                (a.start - start.with_timezone(&chrono::Utc))
                    .num_seconds()
                    .abs()
                    <= 2
            })
            .unwrap_or_else(|| panic!("run {start} missing"));
        let cad: Vec<f64> = a
            .series
            .cadence_spm
            .as_ref()
            .unwrap()
            .iter()
            .copied()
            .filter(|c| c.is_finite())
            .collect();
        let mean = cad.iter().sum::<f64>() / cad.len() as f64;
        let want = tr["mean_cadence_spm"].as_f64().unwrap();
        assert!(
            (mean - want).abs() <= 2.0,
            "{start}: cadence {mean:.1} vs {want}"
        );
    }
}

/// An export above the size limits is streamed from disk (and from its zip)
/// instead of being held, with the same ledger as the in-memory read.
#[test]
fn large_exports_are_streamed_with_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("apple_health_export");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("export.xml"), export_xml()).unwrap();
    let small = WalkOptions {
        limits: Limits {
            max_file_bytes: 4096,
            max_decompressed_bytes: 4096,
            ..Limits::default()
        },
        ..WalkOptions::default()
    };
    type Line = (String, Status, Option<String>, Option<f64>, usize);
    let view = |items: &[Record]| -> Vec<Line> {
        items
            .iter()
            .map(|r| {
                (
                    r.path.rsplit('/').next().unwrap().to_owned(),
                    r.status,
                    r.reason.clone(),
                    r.activity.as_ref().and_then(|a| a.distance_m),
                    r.activity.as_ref().map_or(0, |a| a.series.len()),
                )
            })
            .collect()
    };
    let held = ingest(std::slice::from_ref(&folder), &WalkOptions::default());
    let streamed = ingest(std::slice::from_ref(&folder), &small);
    assert_eq!(view(&streamed.items), view(&held.items));
    assert_eq!(streamed.items[0].sha256, held.items[0].sha256);
    assert_eq!(streamed.items[1].status, Status::Ok);

    let zip = export_zip_in(dir.path());
    let from_zip = ingest(&[zip], &small);
    let xml: Vec<_> = from_zip
        .items
        .iter()
        .filter(|r| r.path.contains("export.xml"))
        .cloned()
        .collect();
    assert_eq!(view(&xml), view(&held.items));
}
