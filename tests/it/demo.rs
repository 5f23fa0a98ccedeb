//! The demo generator: its FIT files decode with an independent decoder
//! (fitparser) to the values written, the committed samples are exactly what
//! the generator produces, and the weekly distances in `truth.json` are what
//! the files themselves add up to.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use fitparser::Value;
use fitparser::profile::MesgNum;
use heavylegs::demo::fit_encode::{self, BaseType, Field, FitWriter, mesg};
use heavylegs::demo::{self, Truth};

use crate::common::{corpus_dir, sample, samples_dir};

const FIT_EPOCH: i64 = 631_065_600;

fn num(v: &Value) -> Option<f64> {
    Some(match v {
        Value::Timestamp(t) => t.timestamp() as f64,
        Value::Byte(x) | Value::Enum(x) | Value::UInt8(x) | Value::UInt8z(x) => *x as f64,
        Value::SInt8(x) => *x as f64,
        Value::SInt16(x) => *x as f64,
        Value::UInt16(x) | Value::UInt16z(x) => *x as f64,
        Value::SInt32(x) => *x as f64,
        Value::UInt32(x) | Value::UInt32z(x) => *x as f64,
        Value::Float32(x) => *x as f64,
        Value::Float64(x) => *x,
        _ => return None,
    })
}

fn field(rec: &fitparser::FitDataRecord, name: &str) -> Option<f64> {
    rec.fields()
        .iter()
        .find(|f| f.name() == name)
        .and_then(|f| num(f.value()))
}

#[test]
fn fit_crc_matches_trailer_of_sdk_sample() {
    // FIT SDK example activity (via python-fitparse, MIT), committed in samples/fit.
    let bytes = std::fs::read(sample("fit/fitparse__Activity.fit")).unwrap();
    let n = bytes.len();
    let stored = u16::from_le_bytes([bytes[n - 2], bytes[n - 1]]);
    assert_eq!(fit_encode::crc(&bytes[..n - 2]), stored);
    assert_ne!(stored, 0, "a zero trailer would make this test vacuous");
    // The same check over the shared corpus copy, when present.
    let Some(corpus) = corpus_dir() else {
        eprintln!("SKIP: corpus not found");
        return;
    };
    if let Ok(c) = std::fs::read(corpus.join("fit/fitparse__Activity.fit")) {
        assert_eq!(c, bytes);
    }
}

#[test]
fn cadence_85_and_a_half_strides_reads_as_171_spm() {
    let mut w = FitWriter::new();
    w.message(
        0,
        mesg::FILE_ID,
        &[
            Field::new(0, BaseType::Enum, 4),
            Field::new(1, BaseType::UInt16, 255),
        ],
    );
    w.message(
        1,
        mesg::RECORD,
        &[
            Field::new(253, BaseType::UInt32, 1_000_000_000),
            Field::new(4, BaseType::UInt8, 85),
            Field::new(53, BaseType::UInt8, 64),
            Field::scaled(78, BaseType::UInt32, 123.4, 5.0, 500.0),
        ],
    );
    let recs = fitparser::from_bytes(&w.finish()).expect("fitparser decodes our file");
    let r = recs
        .iter()
        .find(|r| r.kind() == MesgNum::Record)
        .expect("a record");
    let cad = field(r, "cadence").unwrap();
    let frac = field(r, "fractional_cadence").unwrap();
    assert_eq!((cad, frac), (85.0, 0.5));
    assert_eq!(
        heavylegs::activity::fit_running_cadence_to_spm(cad, Some(frac)),
        171.0
    );
    assert!((field(r, "enhanced_altitude").unwrap() - 123.4).abs() < 1e-9);
    // 1989-12-31 + 1e9 s = 2021-09-08T01:46:40Z
    assert_eq!(
        field(r, "timestamp").unwrap() as i64,
        1_000_000_000 + FIT_EPOCH
    );
}

#[test]
fn generated_fit_decodes_with_the_values_written() {
    let scenario = demo::demo_athlete();
    let sims = demo::simulate_all(&scenario).unwrap();
    // The hot long run: long, dynamics, heat.
    let i = scenario
        .runs
        .iter()
        .position(|r| r.kind == demo::scenario::RunKind::HotLong)
        .unwrap();
    let sim = &sims[i];
    let bytes = fit_encode::encode_run(sim, &scenario.device);
    assert!(
        (20_000..70_000).contains(&bytes.len()),
        "size {}",
        bytes.len()
    );
    let recs = fitparser::from_bytes(&bytes).expect("decodes");

    let session = recs.iter().find(|r| r.kind() == MesgNum::Session).unwrap();
    let last = sim.samples.last().unwrap();
    assert_eq!(field(session, "total_distance").unwrap(), last.distance_m);
    assert_eq!(field(session, "total_timer_time").unwrap(), last.t_s as f64);
    assert_eq!(
        field(session, "total_elapsed_time").unwrap(),
        last.t_s as f64
    );
    assert!(field(session, "total_timer_time").unwrap() >= 90.0 * 60.0);
    assert_eq!(
        field(session, "start_time").unwrap() as i64,
        sim.start_utc.timestamp()
    );

    let activity = recs.iter().find(|r| r.kind() == MesgNum::Activity).unwrap();
    let ts = field(activity, "timestamp").unwrap() as i64;
    let local = field(activity, "local_timestamp").unwrap() as i64;
    // Saturday 2026-09-19 in Los Angeles is PDT.
    assert_eq!(local - ts, -7 * 3600);

    let records: Vec<_> = recs
        .iter()
        .filter(|r| r.kind() == MesgNum::Record)
        .collect();
    assert_eq!(records.len(), sim.samples.len());
    for (r, s) in records.iter().zip(&sim.samples) {
        let spm = 2.0 * (field(r, "cadence").unwrap() + field(r, "fractional_cadence").unwrap());
        assert_eq!(spm, s.cadence_spm);
        assert_eq!(field(r, "distance").unwrap(), s.distance_m);
        assert_eq!(field(r, "heart_rate").unwrap(), s.heart_rate_bpm);
        assert_eq!(field(r, "temperature").unwrap(), s.temperature_c);
        let d = s.dynamics.as_ref().unwrap();
        assert!((field(r, "stance_time").unwrap() - d.stance_time_ms).abs() < 0.051);
        assert!((field(r, "step_length").unwrap() - d.step_length_mm).abs() < 0.051);
        assert!((field(r, "vertical_ratio").unwrap() - d.vertical_ratio_pct).abs() < 0.0051);
    }
    // Recorded temperature is the heat the pattern needs.
    let mean_t =
        sim.samples.iter().map(|s| s.temperature_c).sum::<f64>() / sim.samples.len() as f64;
    assert!((30.0..=32.0).contains(&mean_t));
}

#[test]
fn every_demo_run_stays_in_a_plausible_range() {
    let scenario = demo::demo_athlete();
    for (plan, sim) in scenario
        .runs
        .iter()
        .zip(demo::simulate_all(&scenario).unwrap())
    {
        for s in &sim.samples {
            assert!(
                (158.0..=180.0).contains(&s.cadence_spm),
                "{} cadence {}",
                plan.id,
                s.cadence_spm
            );
            assert!(
                (2.55..=3.5).contains(&s.speed_mps),
                "{} speed {}",
                plan.id,
                s.speed_mps
            );
            // HR starts low and settles within the first minutes, as on a real watch.
            if s.t_s >= 180 {
                assert!(
                    (120.0..=176.0).contains(&s.heart_rate_bpm),
                    "{} hr {}",
                    plan.id,
                    s.heart_rate_bpm
                );
            }
        }
        let spacing = sim
            .samples
            .windows(2)
            .map(|w| w[1].t_s - w[0].t_s - sim.paused_between_s(w[0].t_s, w[1].t_s))
            .max()
            .unwrap();
        assert!((1..=5).contains(&spacing), "{} spacing {spacing}", plan.id);
    }
}

/// Haversine track length, m (same mean radius as the generator).
fn track_length_m(points: &[(f64, f64)]) -> f64 {
    let r = 6_371_008.8;
    points
        .windows(2)
        .map(|w| {
            let (la1, lo1) = (w[0].0.to_radians(), w[0].1.to_radians());
            let (la2, lo2) = (w[1].0.to_radians(), w[1].1.to_radians());
            let a = ((la2 - la1) / 2.0).sin().powi(2)
                + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
            2.0 * r * a.sqrt().asin()
        })
        .sum()
}

fn iso_label(d: NaiveDate) -> String {
    format!("{}-W{:02}", d.iso_week().year(), d.iso_week().week())
}

/// Weekly km straight from the files: FIT session distance in the FIT's own
/// local time; GPX track length in the athlete's zone; a GPX starting within
/// a minute of a FIT run is the same run and counts once.
fn weekly_km_from_files(dir: &Path, tz: chrono_tz::Tz) -> BTreeMap<String, f64> {
    let mut fit_starts: Vec<i64> = Vec::new();
    let mut runs: Vec<(DateTime<Utc>, NaiveDate, f64)> = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "fit"))
    {
        let recs = fitparser::from_bytes(&std::fs::read(p).unwrap()).unwrap();
        let s = recs.iter().find(|r| r.kind() == MesgNum::Session).unwrap();
        let a = recs.iter().find(|r| r.kind() == MesgNum::Activity).unwrap();
        let offset =
            field(a, "local_timestamp").unwrap() as i64 - field(a, "timestamp").unwrap() as i64;
        let start = field(s, "start_time").unwrap() as i64;
        let local = DateTime::from_timestamp(start + offset, 0)
            .unwrap()
            .date_naive();
        fit_starts.push(start);
        runs.push((
            DateTime::from_timestamp(start, 0).unwrap(),
            local,
            field(s, "total_distance").unwrap(),
        ));
    }
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "gpx"))
    {
        let g: gpx::Gpx =
            gpx::read(std::io::BufReader::new(std::fs::File::open(p).unwrap())).unwrap();
        let pts: Vec<_> = g.tracks[0].segments[0].points.iter().collect();
        let start: DateTime<Utc> = pts[0].time.unwrap().format().unwrap().parse().unwrap();
        if fit_starts
            .iter()
            .any(|s| (s - start.timestamp()).abs() <= 60)
        {
            continue;
        }
        let xy: Vec<(f64, f64)> = pts.iter().map(|p| (p.point().y(), p.point().x())).collect();
        let local = tz.from_utc_datetime(&start.naive_utc()).date_naive();
        runs.push((start, local, track_length_m(&xy)));
    }
    let mut weeks = BTreeMap::new();
    for (_, local, m) in runs {
        *weeks.entry(iso_label(local)).or_insert(0.0) += m / 1000.0;
    }
    weeks
}

fn check_weeks_against_truth(dir: &Path) -> Truth {
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let tz: chrono_tz::Tz = truth.timezone.parse().unwrap();
    let from_files = weekly_km_from_files(dir, tz);
    for w in &truth.weeks {
        let got = from_files.get(&w.week).copied().unwrap_or(0.0);
        assert!(
            (got - w.distance_km).abs() < 0.1,
            "{} {}: files {got:.3} km, truth {} km",
            dir.display(),
            w.week,
            w.distance_km
        );
    }
    for k in from_files.keys() {
        assert!(
            truth.weeks.iter().any(|w| &w.week == k),
            "week {k} missing from truth"
        );
    }
    truth
}

#[test]
fn committed_demo_weeks_match_truth_and_story() {
    let dir = samples_dir().join("demo");
    let truth = check_weeks_against_truth(&dir);
    let km = |w: &str| {
        truth
            .weeks
            .iter()
            .find(|x| x.week == w)
            .unwrap()
            .distance_km
    };
    assert_eq!(truth.weeks.len(), 12);
    assert_eq!(truth.weeks[0].week, "2026-W36");
    assert_eq!(truth.weeks[11].week, "2026-W47");
    // (a) ramp ≥ +40 % week over week, then 3-week uncoupled ACWR ≥ 1.5.
    let ramp = km("2026-W39") / km("2026-W38");
    assert!(ramp > 1.40 && ramp < 1.50, "ramp {ramp}");
    let chronic = (km("2026-W36") + km("2026-W37") + km("2026-W38")) / 3.0;
    assert!(km("2026-W39") / chronic >= 1.5);
    // (b) no rest day in W41; control weeks keep ≥ 2.
    let w41 = truth.weeks.iter().find(|x| x.week == "2026-W41").unwrap();
    assert_eq!((w41.run_days, w41.rest_days), (7, 0));
    for w in ["2026-W36", "2026-W40"] {
        assert!(truth.weeks.iter().find(|x| x.week == w).unwrap().rest_days >= 2);
    }
    // (d) a 16-day gap: W43 empty, W44 only its Sunday.
    assert_eq!(km("2026-W43"), 0.0);
    let gap = truth
        .patterns
        .iter()
        .find(|p| p.kind == "comeback")
        .unwrap();
    assert_eq!(gap.expected["break_days"], 16.0);
    assert!(gap.expected["return_ratio"] > 1.0);
    // The both-exported run counts once and the DST switch shows in the offsets.
    assert_eq!(truth.duplicates.len(), 1);
    let offsets: std::collections::BTreeSet<i32> =
        truth.runs.iter().map(|r| r.utc_offset_s).collect();
    assert_eq!(
        offsets.into_iter().collect::<Vec<_>>(),
        vec![-8 * 3600, -7 * 3600]
    );
    // Size budget.
    let total: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total < 3_000_000, "samples/demo is {total} bytes");
}

#[test]
fn committed_coach_weeks_match_truth() {
    for name in ["ana", "ben", "cy"] {
        check_weeks_against_truth(&samples_dir().join("coach").join(name));
    }
}

fn assert_same_tree(a: &Path, b: &Path) {
    let list = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    assert_eq!(list(a), list(b), "{} vs {}", a.display(), b.display());
    for n in list(a) {
        assert!(
            std::fs::read(a.join(&n)).unwrap() == std::fs::read(b.join(&n)).unwrap(),
            "{n:?} differs"
        );
    }
}

#[test]
fn regenerating_gives_identical_bytes_and_matches_committed_samples() {
    let t1 = tempfile::tempdir().unwrap();
    let t2 = tempfile::tempdir().unwrap();
    demo::generate(t1.path(), &demo::demo_athlete()).unwrap();
    demo::generate(t2.path(), &demo::demo_athlete()).unwrap();
    assert_same_tree(t1.path(), t2.path());
    assert_same_tree(t1.path(), &samples_dir().join("demo"));
    let c = tempfile::tempdir().unwrap();
    demo::generate_coach(c.path()).unwrap();
    for name in ["ana", "ben", "cy"] {
        assert_same_tree(
            &c.path().join(name),
            &samples_dir().join("coach").join(name),
        );
    }
}

/// Decodes with heavylegs' own decoder; any error fails the test, naming the file.
fn heavylegs_decode(
    format: heavylegs::activity::Format,
    path: &Path,
) -> Vec<heavylegs::activity::Activity> {
    let bytes = std::fs::read(path).unwrap();
    heavylegs::decode::decode(format, &bytes, &heavylegs::limits::Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn heavylegs_decoder_reads_the_hot_long_run() {
    use heavylegs::activity::{CadenceRule, Format, Sport};
    let path = samples_dir().join("demo/2026-09-19-10-45-27.fit");
    let acts = heavylegs_decode(Format::Fit, &path);
    assert_eq!(acts.len(), 1);
    let a = &acts[0];
    assert_eq!(a.sport, Sport::Running);
    // Values below were read from the file with fitdecode 0.11 (CRC check on).
    assert_eq!(a.start.to_rfc3339(), "2026-09-19T17:45:27+00:00");
    assert_eq!(a.utc_offset_s, Some(-7 * 3600));
    assert!((a.distance_m.unwrap() - 17014.08).abs() < 0.005);
    assert!((a.timer_s.unwrap() - 5854.0).abs() < 1e-9);
    assert_eq!(a.cadence_rule, CadenceRule::FitStridesTimesTwo);
    assert!((a.device_avg_cadence_spm.unwrap() - 172.0).abs() < 1e-9);
    assert_eq!(a.laps.len(), 18);
    let cad = a.series.cadence_spm.as_ref().unwrap();
    let mut sorted: Vec<f64> = cad.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    assert!((165.0..=178.0).contains(&median), "median cadence {median}");
    let temp = a.series.temperature_c.as_ref().unwrap();
    assert!(temp.iter().all(|t| (30.0..=32.0).contains(t)));
    assert!(a.series.stance_time_ms.is_some() && a.series.step_length_mm.is_some());
}

#[test]
fn heavylegs_decoder_matches_truth_for_every_demo_file() {
    use heavylegs::activity::{CadenceRule, Format};
    let dir = samples_dir().join("demo");
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    for run in &truth.runs {
        for file in &run.files {
            let format = if file.ends_with(".fit") {
                Format::Fit
            } else {
                Format::Gpx
            };
            let acts = heavylegs_decode(format, &dir.join(file));
            assert_eq!(acts.len(), 1, "{file}");
            let a = &acts[0];
            let km = a.distance_m.unwrap_or(0.0) / 1000.0;
            assert!(
                (km - run.distance_km).abs() < 0.05,
                "{file}: {km} km vs truth {}",
                run.distance_km
            );
            assert_eq!(a.start.to_rfc3339(), run.start_utc, "{file}");
            match format {
                Format::Fit => {
                    assert_eq!(a.utc_offset_s, Some(run.utc_offset_s), "{file}");
                    assert_eq!(a.cadence_rule, CadenceRule::FitStridesTimesTwo, "{file}");
                    assert_eq!(a.timer_s, Some(run.timer_s as f64), "{file}");
                    let paused = (run.duration_s - run.timer_s) as f64;
                    let got: f64 = a.pauses.iter().map(|p| p.end_s - p.start_s).sum();
                    assert!(
                        (got - paused).abs() < 1e-9,
                        "{file}: pauses {got} s vs {paused} s"
                    );
                }
                _ => {
                    assert_eq!(a.utc_offset_s, None, "{file}");
                    assert_eq!(a.cadence_rule, CadenceRule::AlreadySteps, "{file}");
                }
            }
        }
    }
}

#[test]
fn strava_style_gpx_twin_carries_steps_per_minute_and_no_offset() {
    let dir = samples_dir().join("demo");
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let pair = &truth.duplicates[0];
    let text = std::fs::read_to_string(dir.join(&pair[1])).unwrap();
    assert!(text.contains(r#"creator="StravaGPX""#) && text.contains("<type>running</type>"));
    let grab = |tag: &str| -> Vec<f64> {
        text.split(&format!("<gpxtpx:{tag}>"))
            .skip(1)
            .map(|s| s.split('<').next().unwrap().parse().unwrap())
            .collect()
    };
    let mut cad = grab("cad");
    assert!(cad.len() > 300);
    assert_eq!(
        heavylegs::activity::normalize_xml_cadence(&mut cad),
        heavylegs::activity::CadenceRule::AlreadySteps
    );
    assert!(
        grab("hr")
            .iter()
            .skip(36)
            .all(|h| (120.0..=176.0).contains(h))
    );
    // Same start as the FIT twin, in UTC with Z, no offset anywhere.
    let g: gpx::Gpx = gpx::read(text.as_bytes()).unwrap();
    let first = g.tracks[0].segments[0].points[0]
        .time
        .unwrap()
        .format()
        .unwrap();
    let run = truth.runs.iter().find(|r| r.files == *pair).unwrap();
    let start: DateTime<Utc> = first.parse().unwrap();
    assert_eq!(start.to_rfc3339(), run.start_utc);
    assert!(first.ends_with('Z'));
}

#[test]
fn laps_add_up_to_the_session() {
    let scenario = demo::demo_athlete();
    let sims = demo::simulate_all(&scenario).unwrap();
    for sim in &sims {
        let laps = sim.laps();
        let km = sim.distance_m() / 1000.0;
        // Auto-lap closes at the first sample past each full km (samples are ≤ 5 s apart).
        assert!(
            (km.floor() as usize..=km.ceil() as usize).contains(&laps.len()),
            "{km} km"
        );
        for l in &laps[..laps.len() - 1] {
            assert!(
                (l.distance_m - 1000.0).abs() < 5.0 * 3.5,
                "lap {}",
                l.distance_m
            );
        }
        let sum: f64 = laps.iter().map(|l| l.distance_m).sum();
        assert!((sum - sim.distance_m()).abs() < 1e-6);
        assert_eq!(laps.last().unwrap().end_s, sim.duration_s());
    }
}

#[test]
fn paused_run_has_timer_events_and_shorter_timer_time() {
    let dir = samples_dir().join("demo");
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let paused: Vec<_> = truth
        .runs
        .iter()
        .filter(|r| r.timer_s != r.duration_s)
        .collect();
    assert_eq!(paused.len(), 1);
    let run = paused[0];
    assert_eq!(run.duration_s - run.timer_s, 95);
    let recs = fitparser::from_bytes(&std::fs::read(dir.join(&run.files[0])).unwrap()).unwrap();
    let s = recs.iter().find(|r| r.kind() == MesgNum::Session).unwrap();
    assert_eq!(field(s, "total_timer_time").unwrap(), run.timer_s as f64);
    assert_eq!(
        field(s, "total_elapsed_time").unwrap(),
        run.duration_s as f64
    );
    let events: Vec<String> = recs
        .iter()
        .filter(|r| r.kind() == MesgNum::Event)
        .map(|r| {
            r.fields()
                .iter()
                .find(|f| f.name() == "event_type")
                .unwrap()
                .value()
                .to_string()
        })
        .collect();
    assert_eq!(events, ["start", "stop_all", "start", "stop_all"]);
    // No record inside the pause.
    let start = field(s, "start_time").unwrap();
    let times: Vec<f64> = recs
        .iter()
        .filter(|r| r.kind() == MesgNum::Record)
        .map(|r| field(r, "timestamp").unwrap() - start)
        .collect();
    let gap = times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    assert_eq!(gap, 96.0);
}
