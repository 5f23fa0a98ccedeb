//! Apple Health `export.xml` streaming speed and memory: writes a large
//! export in the real layout (DTD, records grouped by type, workouts last)
//! and times heavylegs' two-pass streamed read of it on one core.
//!
//! ```text
//! cargo run --release --no-default-features --example apple_throughput -- gen /tmp/export.xml 1024
//! /usr/bin/time -v target/release/examples/apple_throughput read /tmp/export.xml
//! ```
//!
//! `read` prints MB/s over the file size (both passes included: the file is
//! read twice); `/usr/bin/time -v` gives the peak memory ("Maximum resident
//! set size"). One untimed pass first puts the file in the page cache.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use heavylegs::limits::Limits;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, path, mb] if cmd == "gen" => generate(&PathBuf::from(path), mb.parse()?),
        [cmd, path] if cmd == "read" => read(&PathBuf::from(path)),
        _ => anyhow::bail!("usage: apple_throughput gen PATH SIZE_MB | read PATH"),
    }
}

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
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
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
<HealthData locale="en_US">
"#;

const DEVICE: &str = "&lt;&lt;HKDevice: 0x281c2e490&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.1&gt;";

/// Record types in the order real exports group them, with a value and how
/// many seconds apart they come (all day, every day).
const TYPES: &[(&str, &str, &str, i64)] = &[
    ("HeartRate", "count/min", "72", 300),
    ("StepCount", "count", "41", 240),
    ("DistanceWalkingRunning", "km", "0.031", 240),
    ("ActiveEnergyBurned", "kcal", "0.412", 60),
    ("BasalEnergyBurned", "kcal", "1.112", 60),
    ("RunningSpeed", "km/hr", "10.8", 1800),
    ("RunningPower", "W", "250", 1800),
];

fn generate(path: &PathBuf, mb: u64) -> anyhow::Result<()> {
    let target = mb << 20;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(HEAD.as_bytes())?;
    let mut written = HEAD.len() as u64;
    // Bytes per simulated day, estimated from one day's records.
    let per_day: u64 = TYPES
        .iter()
        .map(|(_, _, _, every)| (86_400 / every) as u64 * 330)
        .sum();
    let days = (target / per_day).max(1) as i64;
    let day0 = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or_default();
    for (kind, unit, value, every) in TYPES {
        let mut t = day0.and_hms_opt(0, 0, 0).unwrap_or_default();
        let end = t + Duration::days(days);
        while t < end {
            let s = t.format("%Y-%m-%d %H:%M:%S -0700");
            let e = (t + Duration::seconds(every.min(&60) / 2)).format("%Y-%m-%d %H:%M:%S -0700");
            let line = format!(
                " <Record type=\"HKQuantityTypeIdentifier{kind}\" sourceName=\"Dana’s Apple Watch\" sourceVersion=\"10.1\" device=\"{DEVICE}\" unit=\"{unit}\" creationDate=\"{e}\" startDate=\"{s}\" endDate=\"{e}\" value=\"{value}\"/>\n"
            );
            out.write_all(line.as_bytes())?;
            written += line.len() as u64;
            t += Duration::seconds(*every);
        }
    }
    // A run every other day, 45 minutes at 07:00.
    for d in (0..days).step_by(2) {
        let s = (day0 + Duration::days(d))
            .and_hms_opt(7, 0, 0)
            .unwrap_or_default();
        let e = s + Duration::minutes(45);
        let (s, e) = (
            s.format("%Y-%m-%d %H:%M:%S -0700"),
            e.format("%Y-%m-%d %H:%M:%S -0700"),
        );
        let w = format!(
            " <Workout workoutActivityType=\"HKWorkoutActivityTypeRunning\" duration=\"45\" durationUnit=\"min\" sourceName=\"Dana’s Apple Watch\" startDate=\"{s}\" endDate=\"{e}\">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierDistanceWalkingRunning\" startDate=\"{s}\" endDate=\"{e}\" sum=\"8.1\" unit=\"km\"/>\n </Workout>\n"
        );
        out.write_all(w.as_bytes())?;
        written += w.len() as u64;
    }
    out.write_all(b"</HealthData>\n")?;
    out.flush()?;
    println!(
        "wrote {} ({:.0} MB, {days} days)",
        path.display(),
        written as f64 / 1e6
    );
    Ok(())
}

fn read(path: &PathBuf) -> anyhow::Result<()> {
    let size = std::fs::metadata(path)?.len();
    // Untimed: into the page cache.
    let mut buf = vec![0u8; 1 << 20];
    let mut f = File::open(path)?;
    while f.read(&mut buf)? > 0 {}
    drop(buf);
    let limits = Limits {
        file_time_budget_s: 0.0,
        ..Limits::default()
    };
    let t = Instant::now();
    let export = heavylegs::decode::apple::read(
        || Ok(BufReader::with_capacity(1 << 20, File::open(path)?)),
        &limits,
    )?;
    let secs = t.elapsed().as_secs_f64();
    let runs = export
        .workouts
        .iter()
        .filter(|w| w.outcome.as_ref().is_ok_and(|a| a.is_run()))
        .count();
    println!(
        "{:.0} MB in {secs:.2} s: {:.0} MB/s (two streamed passes, one core); {} workouts, {runs} runs, {} samples joined",
        size as f64 / 1e6,
        size as f64 / 1e6 / secs,
        export.workouts.len(),
        export
            .workouts
            .iter()
            .filter_map(|w| w.outcome.as_ref().ok())
            .map(|a| a.series.len())
            .sum::<usize>()
    );
    Ok(())
}
