//! Writes the demo athlete as an Apple Watch owner gets them: the Health
//! app's `export.zip` (`apple_health_export/export.xml` with its internal
//! DTD, `<Record>`s grouped by type before the `<Workout>`s, the
//! `workout-routes/*.gpx` beside it, and the clinical `export_cda.xml`).
//!
//! Like a real export, the phone also records distance during runs
//! (overlapping the watch's), sleep comes from watch stages and the phone's
//! in-bed/asleep block at once, and a ride is among the workouts. Step
//! counts are whole numbers per minute, as the watch stores them.

use std::fmt::Write as _;
use std::io::Write as _;

use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};

use super::DemoError;
use super::scenario::Scenario;
use super::simulate::SimRun;

const WATCH: &str = "Dana’s Apple Watch";
const PHONE: &str = "Dana’s iPhone";

/// The head of every export: Apple's DTD, shortened to the elements used.
const PROLOG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type                  CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
  average               CDATA #IMPLIED
  minimum               CDATA #IMPLIED
  maximum               CDATA #IMPLIED
  sum                   CDATA #IMPLIED
  unit                  CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  startDate     CDATA #IMPLIED
  endDate       CDATA #IMPLIED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
"#;

/// `2026-04-07 07:30:00 -0700`, Apple's spelling.
fn apple_date(t: DateTime<Utc>, offset_s: i32) -> String {
    let off = FixedOffset::east_opt(offset_s).unwrap_or(Utc.fix());
    t.with_timezone(&off)
        .format("%Y-%m-%d %H:%M:%S %z")
        .to_string()
}

fn record(out: &mut String, kind: &str, unit: &str, source: &str, s: &str, e: &str, value: &str) {
    let _ = writeln!(
        out,
        r#" <Record type="{kind}" sourceName="{source}" sourceVersion="10.1" unit="{unit}" creationDate="{e}" startDate="{s}" endDate="{e}" value="{value}"/>"#
    );
}

/// Samples of a run at `every` seconds (instants) with their time.
fn at(run: &SimRun, every: u32) -> impl Iterator<Item = (&super::simulate::Sample, DateTime<Utc>)> {
    let mut next = 0u32;
    run.samples
        .iter()
        .filter(move |s| {
            let take = s.t_s >= next;
            if take {
                next = s.t_s + every;
            }
            take
        })
        .map(|s| (s, run.start_utc + Duration::seconds(i64::from(s.t_s))))
}

/// `(from, to)` sample pairs `every` seconds apart, for interval records.
fn spans(run: &SimRun, every: u32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0usize;
    for (i, s) in run.samples.iter().enumerate().skip(1) {
        let last = i + 1 == run.samples.len();
        if s.t_s >= run.samples[from].t_s + every || last {
            out.push((from, i));
            from = i;
        }
    }
    out
}

/// The `export.xml` text for a scenario's simulated runs.
pub fn export_xml(scenario: &Scenario, sims: &[SimRun]) -> String {
    let mut x = String::with_capacity(4 << 20);
    x.push_str(PROLOG);
    let off = sims.first().map_or(0, |s| s.utc_offset_s);
    let first = sims.first().map_or_else(Utc::now, |s| s.start_utc);
    let last = sims.last().map_or(first, |s| s.start_utc);
    let _ = writeln!(
        x,
        "<HealthData locale=\"en_US\">\n <ExportDate value=\"{}\"/>\n <Me HKCharacteristicTypeIdentifierDateOfBirth=\"1990-05-01\" HKCharacteristicTypeIdentifierBiologicalSex=\"HKBiologicalSexFemale\"/>",
        apple_date(last + Duration::days(2), off)
    );
    let days = (last - first).num_days() + 2;
    let day0 = (first + Duration::seconds(i64::from(off))).date_naive();
    // Heart rate: every half hour through the day, every 5 s during runs (grouped by type, in time order).
    let mut hr: Vec<(DateTime<Utc>, i32, f64)> = Vec::new();
    for d in 0..days {
        let Some(midnight) = (day0 + Duration::days(d)).and_hms_opt(0, 0, 0) else {
            continue;
        };
        let midnight = midnight.and_utc() - Duration::seconds(i64::from(off));
        for h in 0..48i32 {
            let bpm = if (14..44).contains(&h) { 72.0 } else { 55.0 } + f64::from(h % 5);
            hr.push((midnight + Duration::minutes(30 * i64::from(h)), off, bpm));
        }
    }
    for run in sims {
        for (s, t) in at(run, 5) {
            hr.push((t, run.utc_offset_s, s.heart_rate_bpm));
        }
    }
    hr.sort_by_key(|h| h.0);
    for (t, o, bpm) in hr {
        let d = apple_date(t, o);
        record(
            &mut x,
            "HKQuantityTypeIdentifierHeartRate",
            "count/min",
            WATCH,
            &d,
            &d,
            &format!("{bpm:.0}"),
        );
    }
    // Steps per minute, whole counts (the remainder carried to the next minute).
    for run in sims {
        let mut carried = 0.0;
        for (a, b) in spans(run, 60) {
            let (sa, sb) = (&run.samples[a], &run.samples[b]);
            let steps: f64 = run.samples[a + 1..=b]
                .iter()
                .zip(&run.samples[a..b])
                .map(|(n, p)| p.cadence_spm * f64::from(n.t_s - p.t_s) / 60.0)
                .sum::<f64>()
                + carried;
            let whole = steps.round();
            carried = steps - whole;
            let o = run.utc_offset_s;
            let s = apple_date(run.start_utc + Duration::seconds(i64::from(sa.t_s)), o);
            let e = apple_date(run.start_utc + Duration::seconds(i64::from(sb.t_s)), o);
            record(
                &mut x,
                "HKQuantityTypeIdentifierStepCount",
                "count",
                WATCH,
                &s,
                &e,
                &format!("{whole:.0}"),
            );
        }
    }
    // Distance: the watch every 10 s, the phone in the pocket every minute (overlapping).
    for (source, every) in [(WATCH, 10), (PHONE, 60)] {
        for run in sims {
            for (a, b) in spans(run, every) {
                let (sa, sb) = (&run.samples[a], &run.samples[b]);
                let km = (sb.distance_m - sa.distance_m).max(0.0) / 1000.0;
                let km = if source == PHONE { km * 1.02 } else { km };
                let o = run.utc_offset_s;
                let s = apple_date(run.start_utc + Duration::seconds(i64::from(sa.t_s)), o);
                let e = apple_date(run.start_utc + Duration::seconds(i64::from(sb.t_s)), o);
                record(
                    &mut x,
                    "HKQuantityTypeIdentifierDistanceWalkingRunning",
                    "km",
                    source,
                    &s,
                    &e,
                    &format!("{km:.5}"),
                );
            }
        }
    }
    // Speed and running dynamics from the watch every 20 s.
    type Pick = fn(&super::simulate::Sample) -> Option<f64>;
    let dynamics: [(&str, &str, Pick); 4] = [
        ("HKQuantityTypeIdentifierRunningSpeed", "km/hr", |s| {
            Some(s.speed_mps * 3.6)
        }),
        ("HKQuantityTypeIdentifierRunningStrideLength", "m", |s| {
            s.dynamics.as_ref().map(|d| d.step_length_mm / 1000.0)
        }),
        (
            "HKQuantityTypeIdentifierRunningGroundContactTime",
            "ms",
            |s| s.dynamics.as_ref().map(|d| d.stance_time_ms),
        ),
        (
            "HKQuantityTypeIdentifierRunningVerticalOscillation",
            "cm",
            |s| {
                s.dynamics
                    .as_ref()
                    .map(|d| d.vertical_oscillation_mm / 10.0)
            },
        ),
    ];
    for (kind, unit, pick) in dynamics {
        for run in sims {
            for (s, t) in at(run, 20) {
                if let Some(v) = pick(s) {
                    let d = apple_date(t, run.utc_offset_s);
                    record(&mut x, kind, unit, WATCH, &d, &d, &format!("{v:.3}"));
                }
            }
        }
    }
    // Wellness: resting HR and HRV each morning, then sleep (watch stages and phone block overlap).
    for d in 1..days {
        let Some(morning) = (day0 + Duration::days(d)).and_hms_opt(7, 0, 0) else {
            continue;
        };
        let t = apple_date(morning.and_utc() - Duration::seconds(i64::from(off)), off);
        record(
            &mut x,
            "HKQuantityTypeIdentifierRestingHeartRate",
            "count/min",
            WATCH,
            &t,
            &t,
            &format!("{}", 52 + d % 3),
        );
    }
    for d in 1..days {
        let Some(morning) = (day0 + Duration::days(d)).and_hms_opt(6, 50, 0) else {
            continue;
        };
        let t = apple_date(morning.and_utc() - Duration::seconds(i64::from(off)), off);
        record(
            &mut x,
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            "ms",
            WATCH,
            &t,
            &t,
            &format!("{}", 48 + d % 7),
        );
    }
    for d in 1..days {
        let Some(bed) = (day0 + Duration::days(d - 1)).and_hms_opt(22, 40, 0) else {
            continue;
        };
        let bed = bed.and_utc() - Duration::seconds(i64::from(off));
        let sleep = |x: &mut String, source: &str, from_min: i64, to_min: i64, stage: &str| {
            let s = apple_date(bed + Duration::minutes(from_min), off);
            let e = apple_date(bed + Duration::minutes(to_min), off);
            let _ = writeln!(
                x,
                r#" <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{source}" sourceVersion="17.1" creationDate="{e}" startDate="{s}" endDate="{e}" value="HKCategoryValueSleepAnalysis{stage}"/>"#
            );
        };
        // The last 14 nights are the Garmin export's short-sleep block
        // (≈ 5.75 h asleep instead of ≈ 7.75 h), so both exports tell one story.
        let cut = if d >= days - 14 { 120 } else { 0 };
        sleep(&mut x, PHONE, 0, 500 - cut, "InBed");
        sleep(&mut x, PHONE, 20, 470 - cut, "AsleepUnspecified");
        sleep(&mut x, WATCH, 15, 120, "AsleepCore");
        sleep(&mut x, WATCH, 120, 200, "AsleepDeep");
        sleep(&mut x, WATCH, 200, 210, "Awake");
        sleep(&mut x, WATCH, 210, 380 - cut, "AsleepCore");
        sleep(&mut x, WATCH, 380 - cut, 480 - cut, "AsleepREM");
    }
    // Workouts come last, as in real exports; a Sunday ride among them.
    for (plan, run) in scenario.runs.iter().zip(sims) {
        workout(&mut x, run, plan.temperature_c, true);
    }
    if let Some(run) = sims.first() {
        let o = run.utc_offset_s;
        let s = apple_date(run.start_utc + Duration::days(5) + Duration::hours(3), o);
        let e = apple_date(run.start_utc + Duration::days(5) + Duration::hours(4), o);
        let _ = writeln!(
            x,
            r#" <Workout workoutActivityType="HKWorkoutActivityTypeCycling" duration="60" durationUnit="min" sourceName="{WATCH}" sourceVersion="10.1" creationDate="{e}" startDate="{s}" endDate="{e}">
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceCycling" startDate="{s}" endDate="{e}" sum="24.1" unit="km"/>
 </Workout>"#
        );
    }
    x.push_str("</HealthData>\n");
    x
}

/// Route file name as Apple writes it (`route_2026-09-01_6.30am.gpx`).
pub fn route_name(run: &SimRun) -> String {
    let off = FixedOffset::east_opt(run.utc_offset_s).unwrap_or(Utc.fix());
    let local = run.start_utc.with_timezone(&off);
    format!("route_{}.gpx", local.format("%Y-%m-%d_%-I.%M%P"))
}

fn workout(x: &mut String, run: &SimRun, temperature_c: f64, outdoor: bool) {
    let o = run.utc_offset_s;
    let (Some(first), Some(last)) = (run.samples.first(), run.samples.last()) else {
        return;
    };
    let end_t = run.start_utc + Duration::seconds(i64::from(last.t_s));
    let paused: u32 = run.pauses.iter().map(|(a, b)| b.saturating_sub(*a)).sum();
    let timer_min = f64::from(last.t_s - first.t_s - paused.min(last.t_s)) / 60.0;
    let (s, e) = (apple_date(run.start_utc, o), apple_date(end_t, o));
    let km = last.distance_m / 1000.0;
    let steps: f64 = run
        .samples
        .windows(2)
        .map(|w| w[0].cadence_spm * f64::from(w[1].t_s - w[0].t_s) / 60.0)
        .sum();
    let hr = run.samples.iter().map(|s| s.heart_rate_bpm).sum::<f64>() / run.samples.len() as f64;
    let deg_f = temperature_c * 9.0 / 5.0 + 32.0;
    let _ = writeln!(
        x,
        r#" <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="{timer_min:.4}" durationUnit="min" sourceName="{WATCH}" sourceVersion="10.1" creationDate="{e}" startDate="{s}" endDate="{e}">
  <MetadataEntry key="HKIndoorWorkout" value="{}"/>
  <MetadataEntry key="HKTimeZone" value="America/Los_Angeles"/>
  <MetadataEntry key="HKWeatherTemperature" value="{deg_f:.1} degF"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="{s}" endDate="{e}" sum="{km:.4}" unit="km"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="{s}" endDate="{e}" average="{hr:.1}" unit="count/min"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierStepCount" startDate="{s}" endDate="{e}" sum="{steps:.0}" unit="count"/>"#,
        u8::from(!outdoor)
    );
    if outdoor {
        let _ = writeln!(
            x,
            r#"  <WorkoutRoute sourceName="{WATCH}" startDate="{s}" endDate="{e}">
   <FileReference path="/workout-routes/{}"/>
  </WorkoutRoute>"#,
            route_name(run)
        );
    }
    x.push_str(" </Workout>\n");
}

/// A route GPX as the export writes it: positions, speed, course, accuracy; no heart rate.
pub fn route_gpx(run: &SimRun, every: u32) -> String {
    let mut g = String::with_capacity(run.samples.len() * 64);
    g.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<gpx version="1.1" creator="Apple Health Export" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
        "\n"
    ));
    let _ = writeln!(
        g,
        " <metadata>\n  <time>{}</time>\n </metadata>\n <trk>\n  <name>Route</name>\n  <trkseg>",
        run.start_utc.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let mut pts: Vec<_> = at(run, every).collect();
    if let (Some(s), Some(last)) = (pts.last().map(|p| p.0.t_s), run.samples.last())
        && s != last.t_s
    {
        pts.push((last, run.start_utc + Duration::seconds(i64::from(last.t_s))));
    }
    for (s, t) in pts {
        let _ = writeln!(
            g,
            r#"   <trkpt lon="{:.6}" lat="{:.6}"><ele>{:.1}</ele><time>{}</time><extensions><speed>{:.2}</speed><course>-1.0</course><hAcc>1.5</hAcc><vAcc>1.2</vAcc></extensions></trkpt>"#,
            s.lon_deg,
            s.lat_deg,
            s.altitude_m,
            t.format("%Y-%m-%dT%H:%M:%SZ"),
            s.speed_mps
        );
    }
    g.push_str("  </trkseg>\n </trk>\n</gpx>\n");
    g
}

/// The whole `export.zip`, deterministic (fixed member times).
pub fn export_zip(scenario: &Scenario) -> Result<Vec<u8>, DemoError> {
    let sims = super::simulate_all(scenario)?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::default());
    let io = |e: std::io::Error| DemoError::Io {
        path: "export.zip".into(),
        source: e,
    };
    let zerr = |e: zip::result::ZipError| io(std::io::Error::other(e));
    zip.start_file("apple_health_export/export.xml", opts)
        .map_err(zerr)?;
    zip.write_all(export_xml(scenario, &sims).as_bytes())
        .map_err(io)?;
    zip.start_file("apple_health_export/export_cda.xml", opts)
        .map_err(zerr)?;
    zip.write_all(b"<?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"></ClinicalDocument>\n")
        .map_err(io)?;
    for run in &sims {
        zip.start_file(
            format!("apple_health_export/workout-routes/{}", route_name(run)),
            opts,
        )
        .map_err(zerr)?;
        zip.write_all(route_gpx(run, 20).as_bytes()).map_err(io)?;
    }
    let cursor = zip.finish().map_err(zerr)?;
    Ok(cursor.into_inner())
}
