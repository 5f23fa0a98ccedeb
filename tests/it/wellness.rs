//! Wellness exports end to end: the demo's Garmin export carries the truth it
//! was built with, and a Garmin-style and a Strava-style export zip give the
//! same runs as the loose files plus the wellness data.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use heavylegs::ingest::{self, Record, Status, WalkOptions};
use heavylegs::wellness::{self, Origin, Wellness};

use crate::common::samples_dir;

fn ingest_all(inputs: &[PathBuf]) -> Vec<Record> {
    ingest::ingest(inputs, &WalkOptions::default()).items
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn zip_bytes(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in members {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The members of the demo's Garmin export (JSON only).
fn demo_export_members() -> Vec<(String, Vec<u8>)> {
    let path = samples_dir()
        .join("demo")
        .join(heavylegs::demo::garmin_export::FILE_NAME);
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
            (f.name().to_owned(), bytes)
        })
        .collect()
}

#[test]
fn the_demo_export_holds_the_injected_truth() {
    let dir = tempfile::tempdir().unwrap();
    let truth = heavylegs::demo::generate(dir.path(), &heavylegs::demo::demo_athlete()).unwrap();
    let wt = truth.wellness.expect("the demo athlete has wellness truth");
    let records = ingest_all(&[dir.path().to_path_buf()]);
    let w = wellness::gather(records.iter().filter_map(|r| r.wellness.as_deref()));
    assert!(w.warnings.is_empty(), "{:?}", w.warnings);
    // Wellness inputs are ok, with no activity; runs keep their own records.
    let zipped: Vec<&Record> = records
        .iter()
        .filter(|r| r.path.contains(heavylegs::demo::garmin_export::FILE_NAME))
        .collect();
    assert_eq!(zipped.len(), 5);
    assert!(
        zipped
            .iter()
            .all(|r| r.status == Status::Ok && r.activity.is_none())
    );

    // (a) short sleep: the last 14 nights ≈ 6 h; every other full week 7.5–8.3 h.
    assert_eq!(w.nights.len(), wt.nights);
    let last = w.nights.last().unwrap().date;
    assert_eq!(last, wt.last_day);
    let short = mean(
        w.nights
            .iter()
            .filter(|n| n.date > last - Duration::days(14))
            .map(|n| n.asleep_s / 3600.0),
    );
    assert!((short - 6.0).abs() < 0.25, "short block {short:.2} h");
    let mut weeks: std::collections::BTreeMap<(i32, u32), Vec<f64>> = Default::default();
    for n in w
        .nights
        .iter()
        .filter(|n| n.date <= last - Duration::days(14))
    {
        let k = (n.date.iso_week().year(), n.date.iso_week().week());
        weeks.entry(k).or_default().push(n.asleep_s / 3600.0);
    }
    for (week, hours) in weeks.iter().filter(|(_, h)| h.len() == 7) {
        let m = mean(hours.iter().copied());
        assert!((7.5..=8.3).contains(&m), "week {week:?}: {m:.2} h");
    }
    // No-data nights (OFF_WRIST, UNCONFIRMED) are absent, not 0 h.
    for d in &wt.no_data_nights {
        assert!(w.nights.iter().all(|n| n.date != *d), "{d}");
    }

    // (b) resting HR: the last 7 days ≥ 8 bpm above the earlier baseline.
    let split = last - Duration::days(6);
    let base = mean(
        w.resting_hr
            .iter()
            .filter(|d| d.date < split)
            .map(|d| d.value),
    );
    assert!((base - 48.0).abs() < 1.0, "baseline {base:.1}");
    for d in w.resting_hr.iter().filter(|d| d.date >= split) {
        assert!(d.value >= base + 8.0, "{}: {} bpm", d.date, d.value);
    }

    // (c) HRV below Garmin's own band on each of the last 5+ days.
    let below: Vec<NaiveDate> = w
        .hrv
        .iter()
        .rev()
        .take_while(|h| h.baseline_low_ms.is_some_and(|low| h.value_ms < low))
        .map(|h| h.date)
        .collect();
    assert!(below.len() >= 5, "{below:?}");

    // (d) gear: every demo run is linked by start time; one pair past 700 km.
    let run_starts: BTreeSet<i64> = records
        .iter()
        .filter_map(|r| r.activity.as_ref())
        .map(|a| a.start.timestamp())
        .collect();
    let linked: BTreeSet<i64> = w
        .gear_uses
        .iter()
        .filter_map(|u| u.start)
        .map(|s| s.timestamp())
        .collect();
    assert!(run_starts.is_subset(&linked), "every run has its shoe");
    let km_of = |gear_id: &str| {
        let starts: BTreeSet<i64> = w
            .gear_uses
            .iter()
            .filter(|u| u.gear_id == gear_id)
            .filter_map(|u| u.start.map(|s| s.timestamp_millis()))
            .collect();
        w.activities
            .iter()
            .filter(|a| {
                a.start
                    .is_some_and(|s| starts.contains(&s.timestamp_millis()))
            })
            .filter_map(|a| a.distance_m)
            .sum::<f64>()
            / 1000.0
    };
    let past: Vec<&str> = w
        .gear
        .iter()
        .filter(|g| g.max_km.is_some_and(|max| km_of(&g.id) > max))
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(past, ["Pegasus 40"]);
    let peg = wt.shoes.iter().find(|s| s.name == "Pegasus 40").unwrap();
    assert!((km_of("70001") - peg.km).abs() < 0.1);
    assert!(peg.km > 700.0);
}

/// Five demo FIT files, by name.
fn some_fits() -> Vec<(String, Vec<u8>)> {
    let mut fits: Vec<PathBuf> = std::fs::read_dir(samples_dir().join("demo"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "fit"))
        .collect();
    fits.sort();
    fits.into_iter()
        .take(5)
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// (start, distance) of every ok run.
fn runs(records: &[Record]) -> BTreeSet<(i64, i64)> {
    records
        .iter()
        .filter(|r| r.status == Status::Ok)
        .filter_map(|r| r.activity.as_ref())
        .map(|a| {
            (
                a.start.timestamp(),
                a.distance_m.unwrap_or(0.0).round() as i64,
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn export_zips_give_the_loose_files_runs_and_their_wellness() {
    let dir = tempfile::tempdir().unwrap();
    let fits = some_fits();
    let loose = dir.path().join("loose");
    std::fs::create_dir(&loose).unwrap();
    for (name, bytes) in &fits {
        write(&loose, name, bytes);
    }
    let want = runs(&ingest_all(&[loose]));
    assert_eq!(want.len(), 5);

    // Garmin: activity files in a nested UploadedFiles zip, wellness JSON beside it.
    let inner = zip_bytes(&fits);
    let mut members = vec![(
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip".to_owned(),
        inner,
    )];
    members.extend(demo_export_members());
    members.push((
        "DI_CONNECT/DI-Connect-User/user_profile.json".to_owned(),
        br#"{"userName": "dana"}"#.to_vec(),
    ));
    let garmin = write(dir.path(), "garmin.zip", &zip_bytes(&members));
    let records = ingest_all(&[garmin]);
    assert_eq!(runs(&records), want);
    assert!(
        records
            .iter()
            .all(|r| !r.path.ends_with("user_profile.json"))
    );
    assert!(
        records.iter().all(|r| r.status != Status::Rejected),
        "nothing rejected"
    );
    let w = wellness::gather(records.iter().filter_map(|r| r.wellness.as_deref()));
    assert!(!w.nights.is_empty() && !w.resting_hr.is_empty() && !w.hrv.is_empty());
    assert_eq!(w.gear.len(), 2);
    assert!(w.nights.iter().all(|n| n.origin == Origin::GarminExport));

    // Strava: activities/*.fit.gz, activities.csv with a manual row, shoes.csv.
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    let mut csv = String::from(
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,\
         Distance,Activity Gear,Filename,Elapsed Time,Moving Time,Distance,Perceived Exertion\n",
    );
    for (i, (name, bytes)) in fits.iter().enumerate() {
        let id = 9000 + i;
        members.push((format!("activities/{id}.fit.gz"), gzip(bytes)));
        let start = heavylegs::decode::decode(
            heavylegs::activity::Format::Fit,
            bytes,
            &heavylegs::limits::Limits::default(),
        )
        .unwrap()[0]
            .start;
        csv.push_str(&format!(
            "{id},\"{}\",{name},Run,,1800,3.73,Pegasus,activities/{id}.fit.gz,1800,1790,6000.0,{}\n",
            start.format("%b %-d, %Y, %-I:%M:%S %p"),
            3 + i
        ));
    }
    csv.push_str(
        "9999,\"Nov 23, 2026, 3:00:00 PM\",Treadmill,Run,,1800,3.1,Pegasus,,1800,1800,5000.0,\n",
    );
    members.push(("activities.csv".into(), csv.into_bytes()));
    members.push((
        "shoes.csv".into(),
        b"Shoe Name,Shoe Brand,Shoe Model,Shoe Default Sport Types\nPegasus,Nike,Pegasus 40,Run\n"
            .to_vec(),
    ));
    members.push(("bikes.csv".into(), b"Bike Name,Bike Brand\n".to_vec()));
    let strava = write(dir.path(), "export_1234.zip", &zip_bytes(&members));
    let records = ingest_all(&[strava]);
    assert_eq!(runs(&records), want);
    let w: Wellness = wellness::gather(records.iter().filter_map(|r| r.wellness.as_deref()));
    assert!(w.warnings.is_empty(), "{:?}", w.warnings);
    assert_eq!(w.gear.len(), 1);
    assert_eq!(w.gear_uses.len(), 6);
    // Each use with a file names a run record's path; the manual one has none.
    for u in &w.gear_uses {
        match &u.file {
            Some(f) => assert!(
                records
                    .iter()
                    .any(|r| r.activity.is_some() && r.path.ends_with(f.as_str())),
                "{f}"
            ),
            None => assert!(u.start.is_some()),
        }
    }
    assert_eq!(w.feels.len(), 5);
    assert!(w.feels.iter().all(|f| f.origin == Origin::StravaExport));
}

#[test]
fn a_malformed_wellness_file_is_one_rejection_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let fits = some_fits();
    write(dir.path(), &fits[0].0, &fits[0].1);
    write(dir.path(), "1_sleepData.json", b"[{\"calendarDate\": ");
    write(
        dir.path(),
        "UDSFile_1.json",
        br#"[{"calendarDate": "2026-03-03", "restingHeartRate": 47}, {"hydration": {}}, 5]"#,
    );
    write(
        dir.path(),
        "journal.csv",
        b"date,sleep_h,legs\n2026-03-03,7.5,4\n",
    );
    let records = ingest_all(&[dir.path().to_path_buf()]);
    assert_eq!(records.len(), 4);
    let sleep = records
        .iter()
        .find(|r| r.path.ends_with("_sleepData.json"))
        .unwrap();
    assert_eq!(sleep.status, Status::Rejected);
    assert!(
        sleep
            .reason
            .as_deref()
            .unwrap()
            .starts_with("garmin_sleep: malformed JSON"),
        "{:?}",
        sleep.reason
    );
    let w = wellness::gather(records.iter().filter_map(|r| r.wellness.as_deref()));
    assert_eq!(w.resting_hr.len(), 1);
    assert_eq!(w.nights.len(), 1);
    assert_eq!(w.nights[0].origin, Origin::Journal);
    assert_eq!(w.warnings.len(), 1, "{:?}", w.warnings);
    assert!(w.warnings[0].contains("UDSFile_1.json: entry 3"));
    assert_eq!(runs(&records).len(), 1);
}
