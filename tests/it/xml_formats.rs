//! GPX and TCX decoders on real files: exact values on the samples, agreement
//! with gpxpy (oracle.json) and the `gpx` crate over the corpus, and clean
//! rejection of damaged or hostile XML.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use heavylegs::activity::{Activity, CadenceRule, Pause, Sport};
use heavylegs::decode::{DecodeError, gpx, tcx};
use heavylegs::limits::Limits;

use crate::common::{oracle, samples_dir};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sample_gpx(name: &str) -> Result<Vec<Activity>, DecodeError> {
    gpx::decode(
        &read(&samples_dir().join("gpx").join(name)),
        &Limits::default(),
    )
}

fn sample_tcx(name: &str) -> Result<Vec<Activity>, DecodeError> {
    tcx::decode(
        &read(&samples_dir().join("tcx").join(name)),
        &Limits::default(),
    )
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn only(mut v: Vec<Activity>) -> Activity {
    assert_eq!(v.len(), 1, "expected one activity");
    v.remove(0)
}

#[test]
fn gpx_garmin_connect_run_with_hr_and_cadence() {
    let a = only(sample_gpx("georust-gpx__garmin-activity.gpx").unwrap());
    assert_eq!(a.series.len(), 988);
    assert_eq!(a.start, utc("2017-07-29T14:46:35Z"));
    assert_eq!(a.elapsed_s, 5498.0); // 16:18:13 - 14:46:35
    assert_eq!(a.sport, Sport::Running); // <type>running</type>
    assert_eq!(a.source.device.as_deref(), Some("Garmin Connect"));
    assert!(a.pauses.is_empty());
    let hr = a.series.heart_rate_bpm.as_ref().unwrap();
    assert_eq!((hr[0], hr[987]), (74.0, 147.0));
    // ns3:cad non-zero median is 80 (strides/min) → doubled; first sample 79 → 158.
    assert_eq!(a.cadence_rule, CadenceRule::StridesDoubled);
    let cad = a.series.cadence_spm.as_ref().unwrap();
    assert_eq!((cad[0], cad[1]), (158.0, 0.0));
    // gpxpy length_2d from oracle.json: 12835.545128 m (same formula, so to 1e-6).
    let d = a.distance_m.unwrap();
    assert!((d / 12835.545128 - 1.0).abs() < 1e-6, "{d}");
    assert!(a.series.power_w.is_none());
    assert!(
        a.series
            .speed_mps
            .as_ref()
            .unwrap()
            .iter()
            .any(|v| *v > 1.0)
    );
}

#[test]
fn gpx_1_0_with_segments_becomes_pauses() {
    let a = only(sample_gpx("gpxpy__cerknicko-jezero.gpx").unwrap());
    // 8 <trkseg>, the first empty; 296 points, all timed.
    assert_eq!(a.series.len(), 296);
    assert_eq!(a.start, utc("2010-08-05T14:23:59Z"));
    assert_eq!(a.elapsed_s, 7190.0); // last point 16:23:49
    assert_eq!(a.pauses.len(), 6);
    // The first pause: 15:05:08 → 15:11:36.
    assert_eq!(
        a.pauses[0],
        Pause {
            start_s: 2469.0,
            end_s: 2857.0
        }
    );
    assert_eq!(a.cadence_rule, CadenceRule::None);
    assert!(a.series.heart_rate_bpm.is_none());
    let d = a.distance_m.unwrap();
    assert!((d / 4580.13701 - 1.0).abs() < 1e-6, "{d}");
}

#[test]
fn gpx_fractional_seconds_and_offsets() {
    let a = only(sample_gpx("gpxpy__track-with-less-sec-time.gpx").unwrap());
    // 15:43:13.000+01:00 and 15:43:13.994+01:00.
    assert_eq!(a.start, utc("2015-12-11T14:43:13Z"));
    assert_eq!(a.series.time_s, vec![0.0, 0.994]);
    assert_eq!(a.utc_offset_s, Some(3600));
    assert_eq!(a.sport, Sport::Running); // <type>run</type>
    assert_eq!(a.source.device.as_deref(), Some("NikePlus GPX Bridge"));
}

#[test]
fn gpx_empty_elements_and_no_motion() {
    let a = only(sample_gpx("georust-gpx__wahoo_example.gpx").unwrap());
    assert_eq!(a.series.len(), 3);
    assert!(a.series.altitude_m.is_none(), "<ele/> is not a value");
    assert_eq!(a.distance_m, Some(0.0));
    assert_eq!(a.sport, Sport::Unknown, "standing still: nothing to infer");
}

#[test]
fn gpx_without_track_is_skipped_not_rejected() {
    let e = sample_gpx("gpxpy__route.gpx").unwrap_err();
    assert_eq!(e, DecodeError::NoData("route without timestamps".into()));
    // BOM before <?xml, waypoints only.
    let e = sample_gpx("gpxpy__unicode_with_bom.gpx").unwrap_err();
    assert!(e.is_skip(), "{e}");
}

#[test]
fn gpx_damaged_samples_are_rejected_with_clear_text() {
    let dir = samples_dir().join("invalid");
    let e = gpx::decode(
        &read(&dir.join("unclosed-tags__georust-gpx__garmin-activity.gpx")),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "truncated gpx: unclosed <trkseg> at end of file (3 elements open)"
    );
    let e = gpx::decode(
        &read(&dir.join("valid-xml-not-gpx__heavylegs__polar-style-run.tcx.gpx")),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "corrupt gpx: XML root is <TrainingCenterDatabase>, not <gpx>"
    );
}

#[test]
fn tcx_garmin_style_run_laps_pause_and_run_cadence() {
    let a = only(sample_tcx("heavylegs__garmin-style-run.tcx").unwrap());
    assert_eq!(a.sport, Sport::Running);
    assert_eq!(a.source.device.as_deref(), Some("Forerunner 255"));
    assert_eq!(a.series.len(), 22);
    assert_eq!(a.start, utc("2024-03-10T07:00:00Z"));
    assert_eq!(a.elapsed_s, 140.0); // 07:02:20
    assert_eq!(a.timer_s, Some(110.0)); // 50 + 60
    assert_eq!(a.distance_m, Some(308.0)); // 140 + 168
    assert_eq!(a.laps.len(), 2);
    assert_eq!((a.laps[0].start_s, a.laps[0].elapsed_s), (0.0, 50.0));
    assert_eq!((a.laps[1].start_s, a.laps[1].elapsed_s), (50.0, 90.0));
    assert_eq!(
        a.pauses,
        vec![Pause {
            start_s: 75.0,
            end_s: 115.0
        }]
    );
    assert_eq!(a.cadence_rule, CadenceRule::StridesDoubled);
    assert_eq!(a.series.cadence_spm.as_ref().unwrap()[0], 168.0); // RunCadence 84
    assert_eq!(a.series.heart_rate_bpm.as_ref().unwrap()[0], 130.0);
    assert_eq!(a.series.speed_mps.as_ref().unwrap()[5], 2.8);
    assert_eq!(a.series.distance_m.as_ref().unwrap()[21], 294.0);
}

#[test]
fn tcx_polar_style_cadence_element() {
    let a = only(sample_tcx("heavylegs__polar-style-run.tcx").unwrap());
    assert_eq!(a.source.device.as_deref(), Some("Polar V800"));
    assert_eq!(a.start, utc("2024-03-12T17:30:00Z")); // 18:30 +01:00
    assert_eq!(a.series.len(), 12);
    assert_eq!(
        (a.timer_s, a.distance_m, a.elapsed_s),
        (Some(11.0), Some(33.0), 11.0)
    );
    // Non-zero <Cadence> median 90 → strides; zeros stay zero.
    assert_eq!(a.cadence_rule, CadenceRule::StridesDoubled);
    let cad = a.series.cadence_spm.as_ref().unwrap();
    assert_eq!((cad[0], cad[2], cad[11]), (0.0, 176.0, 182.0));
    assert!(a.pauses.is_empty());
}

#[test]
fn tcx_tcxreader_sup_activity() {
    let a = only(sample_tcx("tcxreader__sup_activity_1.tcx").unwrap());
    assert_eq!(a.sport, Sport::Other);
    assert_eq!(a.source.device.as_deref(), Some("vívoactive HR"));
    assert_eq!(a.series.len(), 111);
    assert_eq!(a.start, utc("2022-07-16T16:08:25Z"));
    assert_eq!(a.elapsed_s, 1112.0); // last 16:26:57
    assert_eq!(a.laps.len(), 2);
    assert_eq!(a.laps[1].start_s, 968.0); // 16:24:33
    assert!((a.timer_s.unwrap() - 1112.335).abs() < 1e-9);
    assert!((a.distance_m.unwrap() - 1157.51).abs() < 1e-9);
    assert_eq!(a.cadence_rule, CadenceRule::None);
}

#[test]
fn hostile_xml_is_rejected_fast() {
    let limits = Limits::default();
    let mut lol =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE gpx [\n <!ENTITY lol \"lol\">\n");
    lol.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        lol.push_str(&format!(" <!ENTITY lol{i} \"{prev}\">\n"));
    }
    lol.push_str("]>\n<gpx><trk><name>&lol9;</name></trk></gpx>\n");
    let t = Instant::now();
    let e = gpx::decode(lol.as_bytes(), &limits).unwrap_err();
    assert!(
        matches!(e, DecodeError::Xml(ref m) if m.contains("entit")),
        "{e}"
    );
    let e = tcx::decode(
        lol.replace("gpx", "TrainingCenterDatabase").as_bytes(),
        &limits,
    )
    .unwrap_err();
    assert!(matches!(e, DecodeError::Xml(_)), "{e}");

    let deep = format!(
        "<gpx><trk><trkseg><trkpt lat='1' lon='2'><extensions>{}",
        "<a>".repeat(100_000)
    );
    let e = gpx::decode(deep.as_bytes(), &limits).unwrap_err();
    assert!(
        matches!(e, DecodeError::Limit(ref m) if m.contains("max_xml_depth")),
        "{e}"
    );
    // Even with the depth limit lifted, 100k levels are linear work and end as "unclosed".
    let lifted = Limits {
        max_xml_depth: 1_000_000,
        ..Limits::default()
    };
    let e = gpx::decode(deep.as_bytes(), &lifted).unwrap_err();
    assert!(matches!(e, DecodeError::Truncated { .. }), "{e}");
    let attrs: String = (0..1000).map(|i| format!(" a{i}='x'")).collect();
    let e = gpx::decode(format!("<gpx{attrs}/>").as_bytes(), &limits).unwrap_err();
    assert!(
        matches!(e, DecodeError::Limit(ref m) if m.contains("max_xml_attributes")),
        "{e}"
    );
    let few = Limits {
        max_records: 2,
        ..Limits::default()
    };
    let three = "<gpx><trk><trkseg><trkpt lat='1' lon='1'/><trkpt lat='1' lon='1'/><trkpt lat='1' lon='1'/></trkseg></trk></gpx>";
    assert!(matches!(
        gpx::decode(three.as_bytes(), &few),
        Err(DecodeError::Limit(_))
    ));
    // Each case above is refused by a limit or the reader, not by running
    // out of memory or time; how long that took is printed, not asserted.
    eprintln!("hostile XML inputs: {:.3} s", t.elapsed().as_secs_f64());
}

#[test]
fn not_xml_and_empty_inputs() {
    let limits = Limits::default();
    assert_eq!(gpx::decode(b"", &limits), Err(DecodeError::Empty));
    let e = gpx::decode(b"\x0e\x10\xd9\x07.FIT", &limits).unwrap_err();
    assert_eq!(
        e.to_string(),
        "corrupt gpx: not XML: content starts with bytes 0e 10 d9 07 2e 46 49 54"
    );
    // Whitespace before <?xml, an unbound prefix and comments are tolerated.
    let ok = "  \n<?xml version='1.0'?><!-- c --><gpx><trk><trkseg><trkpt lat='1' lon='1'><time>2020-01-01T00:00:00Z</time><li:x>1</li:x></trkpt></trkseg></trk></gpx>";
    assert_eq!(
        gpx::decode(ok.as_bytes(), &limits).unwrap()[0].series.len(),
        1
    );
}

fn oracle_files<'a>(
    o: &'a serde_json::Value,
    prefix: &str,
) -> Vec<(&'a String, &'a serde_json::Value)> {
    let files = o["files"].as_object().expect("files object");
    files
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .collect()
}

/// Files gpxpy reads that we refuse on purpose, with the reason (none so far).
const GPX_EXPECTED_DIFFERENCES: &[(&str, &str)] = &[];

/// Files whose length differs from gpxpy's on purpose: gpxpy measures every
/// point, we measure the path between timed points only.
const GPX_LENGTH_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "gpx/gpxpy__cerknicko-without-times.gpx",
        "291 of 296 points have no <time>; only the last segment's 5 timed points form the activity",
    ),
    (
        "gpx/gpxpy__korita-zbevnica.gpx",
        "a whole 358-point segment has no <time> and cannot be placed in the timeline",
    ),
];

#[test]
fn gpx_corpus_agrees_with_gpxpy() {
    let Some((dir, o)) = oracle("gpx_corpus_agrees_with_gpxpy") else {
        return;
    };
    let limits = Limits::default();
    let (mut compared, mut agreed, mut decoded, mut skipped) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (name, entry) in oracle_files(&o, "gpx/") {
        let result = gpx::decode(&read(&dir.join(name)), &limits);
        match &result {
            Ok(_) => decoded += 1,
            Err(e) if e.is_skip() => skipped += 1,
            Err(e) => {
                let gpxpy_ok = entry["gpxpy_ok"].as_bool() == Some(true);
                let excused = GPX_EXPECTED_DIFFERENCES.iter().any(|(n, _)| n == name);
                if gpxpy_ok && !excused {
                    failures.push(format!("{name}: gpxpy reads it, we reject: {e}"));
                }
                continue;
            }
        }
        let timed = entry["start_time"].is_string() && entry["end_time"] != entry["start_time"];
        if entry["gpxpy_ok"].as_bool() != Some(true) || !timed || entry["points"].as_u64() < Some(2)
        {
            continue;
        }
        let Ok(acts) = result else {
            failures.push(format!(
                "{name}: gpxpy has timed points, we skip: {result:?}"
            ));
            continue;
        };
        let theirs = entry["length_2d"].as_f64().unwrap_or(0.0);
        let ours = acts[0].distance_m.unwrap_or(0.0);
        compared += 1;
        let ok = if theirs == 0.0 {
            ours == 0.0
        } else {
            (ours / theirs - 1.0).abs() <= 0.01
        };
        if ok {
            agreed += 1;
        } else if GPX_LENGTH_EXCEPTIONS.iter().any(|(n, _)| n == name) {
            println!("expected difference {name}: gpxpy {theirs:.1} m, ours {ours:.1} m");
        } else {
            failures.push(format!(
                "{name}: length_2d gpxpy {theirs:.1} m vs ours {ours:.1} m"
            ));
        }
    }
    println!(
        "gpx corpus: {decoded} decoded, {skipped} skipped (no data); length_2d within 1 % of gpxpy on {agreed}/{compared}"
    );
    assert!(compared >= 30, "only {compared} files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tcx_corpus_agrees_with_oracle() {
    let Some((dir, o)) = oracle("tcx_corpus_agrees_with_oracle") else {
        return;
    };
    let limits = Limits::default();
    let (mut files, mut acts_checked) = (0, 0);
    let mut failures = Vec::new();
    for (name, entry) in oracle_files(&o, "tcx/") {
        files += 1;
        let result = tcx::decode(&read(&dir.join(name)), &limits);
        let expected: Vec<&serde_json::Value> = entry["activities"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|x| x["trackpoints"].as_u64() > Some(0))
                    .collect()
            })
            .unwrap_or_default();
        let acts = match result {
            Ok(a) => a,
            Err(e) if e.is_skip() && expected.is_empty() => continue,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if acts.len() != expected.len() {
            failures.push(format!(
                "{name}: {} activities, oracle has {} with trackpoints",
                acts.len(),
                expected.len()
            ));
            continue;
        }
        for (a, x) in acts.iter().zip(&expected) {
            acts_checked += 1;
            let pts = x["trackpoints"].as_u64().unwrap_or(0) as usize;
            let dropped = a
                .warnings
                .iter()
                .any(|w| w.contains("without <Time> dropped"));
            if a.series.len() != pts && !(dropped && a.series.len() < pts) {
                failures.push(format!(
                    "{name}: {} trackpoints, oracle {pts}",
                    a.series.len()
                ));
            }
            let lap_sum: f64 = a.laps.iter().filter_map(|l| l.distance_m).sum();
            let want = x["sum_lap_distance_m"].as_f64().unwrap_or(0.0);
            if (lap_sum - want).abs() > 0.01 {
                failures.push(format!(
                    "{name}: lap distance sum {lap_sum} vs oracle {want}"
                ));
            }
            let timer = a.timer_s.unwrap_or(0.0);
            let want_t = x["sum_lap_time_s"].as_f64().unwrap_or(0.0);
            if (timer - want_t).abs() > 0.01 {
                failures.push(format!("{name}: lap time sum {timer} vs oracle {want_t}"));
            }
            if x["laps"].as_u64() != Some(a.laps.len() as u64) {
                failures.push(format!(
                    "{name}: {} laps vs oracle {}",
                    a.laps.len(),
                    x["laps"]
                ));
            }
            let sport = Sport::from_label(x["sport"].as_str().unwrap_or(""));
            if sport != a.sport {
                failures.push(format!("{name}: sport {:?} vs oracle {sport:?}", a.sport));
            }
        }
    }
    println!(
        "tcx corpus: {files} files, {acts_checked} activities match oracle lap sums and trackpoint counts"
    );
    assert!(acts_checked >= 20, "only {acts_checked} activities checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_corpus_xml_files_are_errors_with_clear_text() {
    let Some((dir, _)) = oracle("bad_corpus_xml_files_are_errors_with_clear_text") else {
        return;
    };
    let limits = Limits::default();
    let bad = dir.join("bad");
    let e = gpx::decode(
        &read(&bad.join("unclosed-tags__runalyze__garmin-ns3-extension.gpx")),
        &limits,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("unclosed <trkseg> at end of file"),
        "{e}"
    );
    let e = gpx::decode(
        &read(&bad.join("valid-xml-not-gpx__runalyze__Runtastic.tcx.gpx")),
        &limits,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "corrupt gpx: XML root is <TrainingCenterDatabase>, not <gpx>"
    );
    let e = gpx::decode(
        &read(&bad.join("fit-named-gpx__runpandas-data__Garmin_Fenix_6S_Pro-Running.gpx")),
        &limits,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("corrupt gpx: not XML: content starts with bytes"),
        "{e}"
    );
    assert!(!e.is_skip());
}

/// Points with a time, as the `gpx` crate reads them: (lat, lon, unix ms).
fn gpx_crate_points(bytes: &[u8]) -> Option<Vec<(f64, f64, i64)>> {
    let doc = ::gpx::read(bytes).ok()?;
    let mut out = Vec::new();
    for track in &doc.tracks {
        for seg in &track.segments {
            for p in &seg.points {
                let Some(t) = p.time else { continue };
                let text = t.format().ok()?;
                let ms = DateTime::parse_from_rfc3339(&text).ok()?.timestamp_millis();
                out.push((p.point().y(), p.point().x(), ms));
            }
        }
    }
    Some(out)
}

#[test]
fn gpx_crate_differential() {
    let mut paths: Vec<_> = std::fs::read_dir(samples_dir().join("gpx"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    if let Some((dir, _)) = oracle("gpx_crate_differential (corpus part)") {
        paths.extend(
            std::fs::read_dir(dir.join("gpx"))
                .unwrap()
                .flatten()
                .map(|e| e.path()),
        )
    }
    paths.sort();
    let limits = Limits::default();
    let (mut both, mut they_reject, mut points) = (0, Vec::new(), 0usize);
    let mut reordered = Vec::new();
    let mut failures = Vec::new();
    for path in &paths {
        let bytes = read(path);
        let ours = gpx::decode(&bytes, &limits);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(mut theirs) = gpx_crate_points(&bytes) else {
            if ours.is_ok() {
                they_reject.push(name);
            }
            continue;
        };
        let Ok(acts) = ours else {
            if !theirs.is_empty() {
                failures.push(format!(
                    "{name}: gpx reads {} timed points, we: {ours:?}",
                    theirs.len()
                ));
            }
            continue;
        };
        let a = &acts[0];
        if a.warnings
            .iter()
            .any(|w| w.contains("reordered by start time"))
        {
            reordered.push(name);
            continue;
        }
        // Our documented rule: points whose time goes backwards are dropped.
        let mut latest = i64::MIN;
        theirs.retain(|p| {
            let keep = p.2 >= latest;
            latest = latest.max(p.2);
            keep
        });
        both += 1;
        if theirs.len() != a.series.len() {
            failures.push(format!(
                "{name}: {} points vs gpx crate {}",
                a.series.len(),
                theirs.len()
            ));
            continue;
        }
        let lat = a.series.lat_deg.as_ref().unwrap();
        let lon = a.series.lon_deg.as_ref().unwrap();
        let start_ms = a.start.timestamp_millis();
        for (i, (la, lo, ms)) in theirs.iter().enumerate() {
            let t_ms = start_ms + (a.series.time_s[i] * 1000.0).round() as i64;
            if (lat[i] - la).abs() > 1e-9 || (lon[i] - lo).abs() > 1e-9 || t_ms != *ms {
                failures.push(format!(
                    "{name} point {i}: ours ({}, {}, {t_ms}) gpx ({la}, {lo}, {ms})",
                    lat[i], lon[i]
                ));
                break;
            }
            points += 1;
        }
    }
    println!(
        "gpx crate differential: {both} files read by both, {points} points identical; \
         gpx rejects {} files we read: {:?}; not compared (segments reordered): {reordered:?}",
        they_reject.len(),
        they_reject
    );
    assert!(both >= 10, "only {both} files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
