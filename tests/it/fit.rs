//! FIT decoder on the sample files, checked against the official Garmin SDK
//! values copied from the shared corpus oracle (samples/fit/oracle.json).

use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use heavylegs::activity::{Activity, CadenceRule, Format, Sport};
use heavylegs::decode::{DecodeError, decode};
use heavylegs::limits::Limits;
use serde_json::Value;

use crate::common::sample;

fn decode_sample(rel: &str) -> Result<Vec<Activity>, DecodeError> {
    decode_with(rel, &Limits::default())
}

fn decode_with(rel: &str, limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    let bytes = std::fs::read(sample(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    decode(Format::Fit, &bytes, limits)
}

/// The oracle entry of a sample FIT file.
/// The one activity of `samples/fit/<name>` and the SDK's oracle entry for it.
fn single_activity(name: &str) -> (Activity, Value) {
    let mut acts = decode_sample(&format!("fit/{name}")).unwrap();
    assert_eq!(acts.len(), 1, "{name}");
    (acts.remove(0), oracle(name))
}

fn oracle(name: &str) -> Value {
    let text = std::fs::read_to_string(sample("fit/oracle.json")).expect("samples/fit/oracle.json");
    let all: Value = serde_json::from_str(&text).expect("oracle json");
    all["files"][name].clone()
}

fn utc(iso: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(iso)
        .expect("iso time")
        .with_timezone(&Utc)
}

/// Official SDK session totals vs ours: distance within 0.5 % or 5 m, timer
/// within 1 s, start time and sport equal, running cadence within 1 spm.
fn assert_session(a: &Activity, s: &Value, label: &str) {
    assert_eq!(
        a.sport,
        Sport::from_label(s["sport"].as_str().unwrap()),
        "{label} sport"
    );
    assert_eq!(
        a.start,
        utc(s["start_time"].as_str().unwrap()),
        "{label} start"
    );
    if let Some(d) = s["total_distance"].as_f64() {
        let ours = a
            .distance_m
            .unwrap_or_else(|| panic!("{label}: no distance"));
        assert!(
            (ours - d).abs() <= (0.005 * d).max(5.0),
            "{label} distance {ours} vs {d}"
        );
    }
    if let Some(t) = s["total_timer_time"].as_f64() {
        let ours = a.timer_s.unwrap_or_else(|| panic!("{label}: no timer"));
        assert!((ours - t).abs() <= 1.0, "{label} timer {ours} vs {t}");
    }
    if let Some(e) = s["total_elapsed_time"].as_f64() {
        assert!(
            (a.elapsed_s - e).abs() <= 1.0,
            "{label} elapsed {} vs {e}",
            a.elapsed_s
        );
    }
    let cadence = s["avg_running_cadence"]
        .as_f64()
        .or(s["avg_cadence"].as_f64());
    if let (Some(c), true) = (cadence, matches!(a.sport, Sport::Running | Sport::Walking)) {
        let want = 2.0 * (c + s["avg_fractional_cadence"].as_f64().unwrap_or(0.0));
        let ours = a
            .device_avg_cadence_spm
            .unwrap_or_else(|| panic!("{label}: no avg cadence"));
        assert!(
            (ours - want).abs() <= 1.0,
            "{label} avg cadence {ours} vs {want}"
        );
    }
}

fn last_finite(v: &[f64]) -> f64 {
    v.iter()
        .rev()
        .copied()
        .find(|x| x.is_finite())
        .expect("a finite value")
}

fn mean_finite(v: &[f64]) -> f64 {
    let f: Vec<f64> = v
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    f.iter().sum::<f64>() / f.len() as f64
}

#[test]
fn fenix5_run_matches_the_sdk() {
    let name = "fitparse__garmin-fenix-5-run.fit";
    let (a, o) = &single_activity(name);
    assert_session(a, &o["sessions"][0], name);
    assert_eq!(a.series.len() as u64, o["record_count"].as_u64().unwrap());
    assert_eq!(a.source.device.as_deref(), Some("garmin fenix5"));
    assert_eq!(a.source.format, Format::Fit);
    assert_eq!(a.sub_sport.as_deref(), Some("generic"));
    assert_eq!(a.cadence_rule, CadenceRule::FitStridesTimesTwo);
    assert_eq!(a.laps.len() as u64, o["lap_count"].as_u64().unwrap());
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    // Running dynamics and the basics are all there.
    for col in [
        "distance_m",
        "speed_mps",
        "cadence_spm",
        "heart_rate_bpm",
        "altitude_m",
        "lat_deg",
        "lon_deg",
        "stance_time_ms",
        "stance_balance_pct",
        "vertical_oscillation_mm",
        "vertical_ratio_pct",
        "step_length_mm",
        "temperature_c",
    ] {
        assert!(a.series.column(col).is_some(), "{col} missing");
    }
    assert!(a.series.power_w.is_none(), "no power sensor on this run");
    // Record cadence is in steps/min: its mean sits near the device's own average.
    let mean = mean_finite(a.series.cadence_spm.as_ref().unwrap());
    let avg = a.device_avg_cadence_spm.unwrap();
    assert!(
        (mean - avg).abs() < 10.0,
        "record mean {mean} vs session {avg}"
    );
    // Records end at the oracle's last record time.
    let last = o["record_time_range"][1].as_str().unwrap();
    let end = a.start + chrono::Duration::seconds(*a.series.time_s.last().unwrap() as i64);
    assert_eq!(end, utc(last));
    // Last record distance agrees with the session total.
    let d = last_finite(a.series.distance_m.as_ref().unwrap());
    assert!((d - a.distance_m.unwrap()).abs() <= 5.0, "{d}");
}

#[test]
fn fenix5_walk_cadence_is_doubled_and_bike_cadence_is_not() {
    let walk = &decode_sample("fit/fitparse__garmin-fenix-5-walk.fit").unwrap()[0];
    assert_session(
        walk,
        &oracle("fitparse__garmin-fenix-5-walk.fit")["sessions"][0],
        "walk",
    );
    assert_eq!(walk.sport, Sport::Walking);
    assert_eq!(walk.cadence_rule, CadenceRule::FitStridesTimesTwo);
    let walk_mean = mean_finite(walk.series.cadence_spm.as_ref().unwrap());
    assert!(walk_mean > 80.0, "walking steps/min, got {walk_mean}");

    let bike = &decode_sample("fit/fitparse__garmin-fenix-5-bike.fit").unwrap()[0];
    assert_session(
        bike,
        &oracle("fitparse__garmin-fenix-5-bike.fit")["sessions"][0],
        "bike",
    );
    assert_eq!(bike.sport, Sport::Cycling);
    assert_eq!(bike.cadence_rule, CadenceRule::None);
    assert_eq!(bike.device_avg_cadence_spm, None);
}

#[test]
fn fenix2_run_matches_the_sdk() {
    let name = "fitparse__activity-small-fenix2-run.fit";
    let (a, o) = &single_activity(name);
    assert_session(a, &o["sessions"][0], name);
    assert_eq!(a.series.len() as u64, o["record_count"].as_u64().unwrap());
    assert_eq!(a.source.device.as_deref(), Some("garmin fenix2"));
    let d = last_finite(a.series.distance_m.as_ref().unwrap());
    let total = a.distance_m.unwrap();
    assert!(
        (d - total).abs() <= (0.005 * total).max(5.0),
        "{d} vs {total}"
    );
    assert!(a.series.time_s.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn compressed_speed_distance_is_accumulated_with_rollover() {
    // The SDK refuses this Forerunner 70 file (compressed timestamps);
    // fitdecode reads 755 records and the session says 10248.67 m.
    let name = "fitparse__compressed-speed-distance.fit";
    let (a, o) = &single_activity(name);
    assert_eq!(a.sport, Sport::Running);
    assert_eq!(
        a.series.len() as u64,
        o["fitdecode"]["record_count"].as_u64().unwrap()
    );
    let total = o["sessions"][0]["total_distance"].as_f64().unwrap();
    assert!((a.distance_m.unwrap() - total).abs() < 0.01);
    let distance = a.series.distance_m.as_ref().unwrap();
    let last = last_finite(distance);
    // fitparser's sum would give many times the session distance
    assert!(
        (last - total).abs() <= (0.005 * total).max(5.0),
        "last record {last} vs session {total}"
    );
    assert!(
        distance
            .windows(2)
            .all(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Less)),
        "distance never decreases"
    );
    // the FR70 had no clock: its dates are power-on seconds, and we say so
    assert!(
        a.warnings.iter().any(|w| w.contains("clock not set")),
        "{:?}",
        a.warnings
    );
    let speed = a.series.speed_mps.as_ref().unwrap();
    assert!(speed.iter().any(|s| *s > 1.0));
}

#[test]
fn multisport_chained_file_yields_one_activity_per_session_in_order() {
    let name = "fitparse__sample_mulitple_header.fit";
    let o = oracle(name);
    let acts = decode_sample(&format!("fit/{name}")).unwrap();
    let sessions = o["sessions"].as_array().unwrap();
    assert_eq!(acts.len(), sessions.len());
    let sports: Vec<Sport> = acts.iter().map(|a| a.sport).collect();
    assert_eq!(
        sports,
        [
            Sport::Swimming,
            Sport::Transition,
            Sport::Cycling,
            Sport::Transition,
            Sport::Running
        ]
    );
    for (i, (a, s)) in acts.iter().zip(sessions).enumerate() {
        assert_session(a, s, &format!("{name} session {i}"));
    }
    let records: usize = acts.iter().map(|a| a.series.len()).sum();
    assert_eq!(records as u64, o["record_count"].as_u64().unwrap());
    // Every session's records fall inside it, relative to its own start.
    for a in &acts {
        if let (Some(first), Some(last)) = (a.series.time_s.first(), a.series.time_s.last()) {
            assert!(
                *first >= 0.0 && *last <= a.elapsed_s + 1.0,
                "{first}..{last} vs {}",
                a.elapsed_s
            );
        }
    }
    let run = &acts[4];
    assert_eq!(run.cadence_rule, CadenceRule::FitStridesTimesTwo);
    assert!(run.series.stance_time_ms.is_some());
}

#[test]
fn settings_file_is_not_an_activity() {
    assert_eq!(
        decode_sample("fit/fitparse__Settings.fit"),
        Err(DecodeError::NotAnActivity("settings file".into()))
    );
}

#[test]
fn activity_chained_with_settings_keeps_the_activity() {
    let name = "fitparse__activity-settings.fit";
    let acts = decode_sample(&format!("fit/{name}")).unwrap();
    assert_eq!(acts.len(), 1);
    assert_session(&acts[0], &oracle(name)["sessions"][0], name);
    assert_eq!(acts[0].series.len(), 14);
}

#[test]
fn records_without_timestamps_are_no_data() {
    // DeveloperData.fit: 3 records, no session, no timestamp anywhere.
    match decode_sample("fit/fitparse__DeveloperData.fit") {
        Err(DecodeError::NoData(why)) => assert!(why.contains("3 records"), "{why}"),
        other => panic!("expected NoData, got {other:?}"),
    }
}

#[test]
fn developer_fields_never_replace_native_ones() {
    // Stryd writes developer "Distance" and "Speed" beside the native fields
    // and "Form Power", which is not power.
    let name = "fitparse__developer-types-sample.fit";
    let o = oracle(name);
    let a = &decode_sample(&format!("fit/{name}")).unwrap()[0];
    assert_session(a, &o["sessions"][0], name);
    assert_eq!(a.series.len() as u64, o["record_count"].as_u64().unwrap());
    let total = a.distance_m.unwrap();
    let last = last_finite(a.series.distance_m.as_ref().unwrap());
    assert!(
        (last - total).abs() <= (0.005 * total).max(5.0),
        "{last} vs {total}"
    );
    // The session averages 218 W of native power; records carry it.
    let power = a.series.power_w.as_ref().expect("native power");
    let mean = mean_finite(power);
    let avg = o["sessions"][0]["avg_power"].as_f64().unwrap();
    assert!(
        (mean - avg).abs() < 0.05 * avg,
        "record power {mean} vs session {avg}"
    );
}

#[test]
fn undefined_local_message_keeps_what_precedes_it() {
    // strava-android: an undefined local message after 473 records; the
    // session message (written first by Strava) precedes the damage.
    let name = "fitparse__strava-android-app-201.10-b1218918.fit";
    let (a, o) = &single_activity(name);
    assert_session(a, &o["sessions"][0], name);
    assert_eq!(a.series.len() as u64, o["record_count"].as_u64().unwrap());
    let w = a.warnings.join(" | ");
    assert!(
        w.contains("unreadable data at byte 7471")
            && w.contains("local message 11")
            && w.contains("kept 473 records"),
        "{w}"
    );
}

#[test]
fn no_session_file_becomes_one_activity_from_its_records() {
    // An Edge 1040 ride with records, events and an activity message but no session.
    let name = "garmin-fit-python-sdk__WithGearChangeData.fit";
    let (a, o) = &single_activity(name);
    assert_eq!(a.series.len() as u64, o["record_count"].as_u64().unwrap());
    let first = utc(o["record_time_range"][0].as_str().unwrap());
    let last = utc(o["record_time_range"][1].as_str().unwrap());
    assert_eq!(a.start, first);
    assert_eq!(a.elapsed_s, (last - first).num_seconds() as f64);
    assert_eq!(a.sport, Sport::Unknown, "no session and no sport message");
    assert_eq!(a.timer_s, None);
    assert_eq!(a.source.device.as_deref(), Some("garmin edge_1040"));
    let local = o["activity"][0]["local_timestamp"].as_i64().unwrap();
    let utc_s = utc(o["activity"][0]["timestamp"].as_str().unwrap()).timestamp() - 631_065_600;
    assert_eq!(a.utc_offset_s, Some((local - utc_s) as i32));
    let d = last_finite(a.series.distance_m.as_ref().unwrap());
    assert_eq!(a.distance_m, Some(d), "distance from the records");
}

#[test]
fn bad_file_crc_is_a_warning() {
    for rel in [
        "fit/fitparse__activity-filecrc.fit",
        "invalid/crc-byte-flipped__fitparse__garmin-fenix-5-run.fit",
    ] {
        let acts = decode_sample(rel).unwrap();
        assert_eq!(acts.len(), 1, "{rel}");
        assert!(
            acts[0]
                .warnings
                .iter()
                .any(|w| w.starts_with("file CRC mismatch")),
            "{rel}: {:?}",
            acts[0].warnings
        );
    }
    let flipped =
        &decode_sample("invalid/crc-byte-flipped__fitparse__garmin-fenix-5-run.fit").unwrap()[0];
    assert_eq!(flipped.series.len(), 21);
}

#[test]
fn truncation_keeps_what_precedes_it() {
    let eof = &decode_sample("fit/fitparse__activity-unexpected-eof.fit").unwrap()[0];
    assert_eq!(
        eof.series.len() as u64,
        oracle("fitparse__activity-unexpected-eof.fit")["record_count"]
            .as_u64()
            .unwrap()
    );
    assert!(
        eof.warnings
            .iter()
            .any(|w| w.starts_with("truncated at byte")),
        "{:?}",
        eof.warnings
    );

    let full = &decode_sample("fit/fitparse__activity-small-fenix2-run.fit").unwrap()[0];
    let cut =
        &decode_sample("invalid/truncated-mid-record__fitparse__activity-small-fenix2-run.fit")
            .unwrap()[0];
    let k = cut.series.len();
    assert!(k > 1000 && k < full.series.len(), "{k}");
    assert_eq!(cut.series.time_s[..], full.series.time_s[..k]);
    assert_eq!(
        cut.series.distance_m.as_ref().unwrap()[..],
        full.series.distance_m.as_ref().unwrap()[..k]
    );
    let w = cut.warnings.join(" | ");
    assert!(
        w.contains("truncated at byte") && w.contains(&format!("kept {k} records")),
        "{w}"
    );
    // no session survived the cut: distance comes from the records
    assert_eq!(cut.timer_s, None);

    let big =
        &decode_sample("invalid/header-data-size-too-large__fitparse__garmin-fenix-5-run.fit")
            .unwrap()[0];
    assert_eq!(big.series.len(), 21);
    let w = big.warnings.join(" | ");
    assert!(
        w.contains("truncated at byte") && w.contains("kept 21 records"),
        "{w}"
    );
}

#[test]
fn damage_before_any_record_is_an_error_with_a_reason() {
    assert_eq!(
        decode_sample("invalid/zero-length.fit"),
        Err(DecodeError::Empty)
    );
    match decode_sample("invalid/random-bytes.fit") {
        Err(DecodeError::Corrupt {
            format: "FIT",
            detail,
        }) => {
            assert!(
                detail.contains("header size byte") || detail.contains(".FIT"),
                "{detail}"
            )
        }
        other => panic!("random bytes: {other:?}"),
    }
    match decode_sample("invalid/truncated-in-first-message__fitparse__garmin-fenix-5-run.fit") {
        Err(DecodeError::Truncated {
            format: "FIT",
            detail,
        }) => {
            assert!(detail.contains("before any record"), "{detail}")
        }
        other => panic!("20-byte cut: {other:?}"),
    }
}

#[test]
fn fitparser_panic_reproducers_never_panic() {
    let dir = sample("invalid/fitparser-panics");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let result = decode(Format::Fit, &bytes, &Limits::default());
        assert!(
            !matches!(result, Err(DecodeError::Panic(_))),
            "{name}: {result:?}"
        );
        seen += 1;
        match name.as_str() {
            "header_crc_slice_oob.fit" | "header_nocrc_slice_oob.fit" => match &result {
                Err(DecodeError::Corrupt { detail, .. }) => {
                    assert!(detail.contains("header size byte"), "{name}: {detail}")
                }
                other => panic!("{name}: {other:?}"),
            },
            "activity_plus_2_zero_bytes.fit" => {
                let acts = result.unwrap();
                assert_eq!(acts[0].series.len(), 14);
                assert!(
                    acts[0]
                        .warnings
                        .iter()
                        .any(|w| w.contains("2 trailing bytes"))
                );
            }
            _ => {}
        }
    }
    assert_eq!(seen, 8);
}

#[test]
fn max_records_limit_is_enforced() {
    let limits = Limits {
        max_records: 10,
        ..Limits::default()
    };
    match decode_with("fit/fitparse__garmin-fenix-5-run.fit", &limits) {
        Err(DecodeError::Limit(why)) => assert!(why.contains("max_records"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// Set in the child processes of the time-zone test.
const TZ_CHILD: &str = "HEAVYLEGS_FIT_TZ_CHILD";

/// The UTC offset is `activity.local_timestamp − activity.timestamp`, both raw
/// from the oracle, and the start is the oracle's UTC start.
#[test]
fn utc_offset_comes_from_raw_local_minus_utc() {
    let o = oracle("fitparse__garmin-fenix-5-run.fit");
    let local_fit_s = o["activity"][0]["local_timestamp"].as_i64().unwrap();
    let utc_fit_s = utc(o["activity"][0]["timestamp"].as_str().unwrap()).timestamp() - 631_065_600;
    let a = &decode_sample("fit/fitparse__garmin-fenix-5-run.fit").unwrap()[0];
    assert_eq!(a.utc_offset_s, Some((local_fit_s - utc_fit_s) as i32));
    assert_eq!(
        a.utc_offset_s,
        Some(-7 * 3600),
        "recorded on US Pacific daylight time"
    );
    assert_eq!(
        a.start,
        utc(o["sessions"][0]["start_time"].as_str().unwrap())
    );
    if std::env::var_os(TZ_CHILD).is_some() {
        // Prove the child really runs in another zone.
        let local = chrono::Local.offset_from_utc_datetime(&a.start.naive_utc());
        assert_ne!(local.local_minus_utc(), 0, "TZ did not take effect");
    }
}

/// Re-runs the test above in child processes with other machine time zones.
#[test]
fn utc_offset_and_start_do_not_depend_on_the_machine_time_zone() {
    if std::env::var_os(TZ_CHILD).is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    // POSIX rules, so no tz database is needed.
    for tz in ["EST5EDT,M3.2.0,M11.1.0", "IST-5:30"] {
        let out = Command::new(&exe)
            .args([
                "fit::utc_offset_comes_from_raw_local_minus_utc",
                "--exact",
                "--test-threads=1",
            ])
            .env("TZ", tz)
            .env(TZ_CHILD, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "TZ={tz}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// FIT CRC-16 for the hand-built file below (table from the FIT protocol document).
pub(crate) fn crc16(bytes: &[u8]) -> u16 {
    const T: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    bytes.iter().fold(0, |mut c, &b| {
        for n in [b & 15, b >> 4] {
            let t = T[usize::from(c & 15)];
            c = ((c >> 4) & 0x0FFF) ^ t ^ T[usize::from(n)];
        }
        c
    })
}

/// A 12-byte-header FIT file around `data`, with its file CRC.
pub(crate) fn fit_file(data: &[u8]) -> Vec<u8> {
    let mut b = vec![12, 0x10, 0x08, 0x08];
    b.extend((data.len() as u32).to_le_bytes());
    b.extend(b".FIT");
    b.extend(data);
    let crc = crc16(&b);
    b.extend(crc.to_le_bytes());
    b
}

#[test]
fn misaligned_field_size_is_read_as_bytes_with_a_warning() {
    // file_id (type = activity), then a record whose heart_rate (field 3) is
    // declared uint16 with 3 bytes — fitparser would print to stderr.
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00];
    d.extend([0x00, 4]);
    d.extend([0x41, 0, 0, 20, 0, 3, 253, 4, 0x86, 5, 4, 0x86, 3, 3, 0x84]);
    for (i, t) in [1_000_000_000u32, 1_000_000_001].iter().enumerate() {
        d.push(0x01);
        d.extend(t.to_le_bytes());
        d.extend((1000 * (i as u32 + 1)).to_le_bytes()); // distance 10 m, 20 m
        d.extend([150, 0, 0]);
    }
    let acts = decode(Format::Fit, &fit_file(&d), &Limits::default()).unwrap();
    let a = &acts[0];
    assert_eq!(a.series.time_s, [0.0, 1.0]);
    assert_eq!(a.series.distance_m.as_deref(), Some(&[10.0, 20.0][..]));
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("message 20 field 3: size 3")),
        "{:?}",
        a.warnings
    );
    assert_eq!(a.start.timestamp(), 631_065_600 + 1_000_000_000);
}

#[test]
fn developer_field_named_like_a_native_one_does_not_replace_it() {
    // A record with native distance (field 5) = 10 m and a developer field
    // described as "distance" (uint32, scale 1) = 999; plus one named "Power".
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00, 0x00, 4];
    // developer_data_id (207): developer_data_index (3) = 0
    d.extend([0x41, 0, 0, 207, 0, 1, 3, 1, 0x02, 0x01, 0]);
    // field_description (206): 0 index, 1 number, 2 base type, 3 name (16 bytes), 8 units (8 bytes)
    d.extend([
        0x42, 0, 0, 206, 0, 5, 0, 1, 0x02, 1, 1, 0x02, 2, 1, 0x02, 3, 16, 0x07, 8, 8, 0x07,
    ]);
    let mut desc = |num: u8, name: &str, units: &str| {
        let mut n = name.as_bytes().to_vec();
        n.resize(16, 0);
        let mut u = units.as_bytes().to_vec();
        u.resize(8, 0);
        d.extend([0x02, 0, num, 0x86]);
        d.extend(n);
        d.extend(u);
    };
    desc(5, "distance", "m");
    desc(7, "Power", "Watts");
    let d = {
        let mut d = d;
        // record: timestamp, distance; developer fields (5, 4 bytes, idx 0), (7, 4 bytes, idx 0)
        d.extend([
            0x63, 0, 0, 20, 0, 2, 253, 4, 0x86, 5, 4, 0x86, 2, 5, 4, 0, 7, 4, 0,
        ]);
        d.push(0x03);
        d.extend(1_000_000_000u32.to_le_bytes());
        d.extend(1000u32.to_le_bytes());
        d.extend(999u32.to_le_bytes());
        d.extend(250u32.to_le_bytes());
        d
    };
    let a = &decode(Format::Fit, &fit_file(&d), &Limits::default()).unwrap()[0];
    assert_eq!(a.series.distance_m.as_deref(), Some(&[10.0][..]));
    assert_eq!(
        a.series.power_w.as_deref(),
        Some(&[250.0][..]),
        "Stryd-style power used without native power"
    );
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}
