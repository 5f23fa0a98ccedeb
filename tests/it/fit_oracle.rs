//! Every FIT file of the shared corpus against the official Garmin SDK
//! (oracle.json): session totals, record-derived distance and record counts.
//! Disagreements fail unless explained in `ALLOWED`.

use std::collections::BTreeMap;

use heavylegs::activity::{Activity, Format, Sport};
use heavylegs::decode::{DecodeError, decode};
use heavylegs::limits::Limits;
use serde_json::Value;

use crate::common::corpus_dir;

/// Known, explained disagreements: (file, check, why).
const ALLOWED: &[(&str, &str, &str)] = &[];

fn within(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= (0.005 * theirs.abs()).max(5.0)
}

/// What differs between our activity and one SDK session, if anything.
fn session_problems(a: &Activity, s: &Value) -> Vec<String> {
    let mut p = Vec::new();
    if let Some(sport) = s["sport"].as_str() {
        if a.sport != Sport::from_label(sport) {
            p.push(format!("sport {:?} vs {sport}", a.sport));
        }
    }
    if let Some(start) = s["start_time"].as_str() {
        let theirs = chrono::DateTime::parse_from_rfc3339(start).map(|t| t.timestamp());
        if theirs.ok() != Some(a.start.timestamp()) {
            p.push(format!("start {} vs {start}", a.start));
        }
    }
    if let Some(d) = s["total_distance"].as_f64() {
        match a.distance_m {
            Some(ours) if within(ours, d) => {}
            other => p.push(format!("distance {other:?} vs {d}")),
        }
    }
    if let Some(t) = s["total_timer_time"].as_f64() {
        match a.timer_s {
            Some(ours) if (ours - t).abs() <= 1.0 => {}
            other => p.push(format!("timer {other:?} vs {t}")),
        }
    }
    let cadence = s["avg_running_cadence"]
        .as_f64()
        .or(s["avg_cadence"].as_f64());
    if let (Some(c), true) = (cadence, matches!(a.sport, Sport::Running | Sport::Walking)) {
        let want = 2.0 * (c + s["avg_fractional_cadence"].as_f64().unwrap_or(0.0));
        match a.device_avg_cadence_spm {
            Some(ours) if (ours - want).abs() <= 1.0 => {}
            other => p.push(format!("avg cadence {other:?} vs {want}")),
        }
    }
    p
}

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.agree += usize::from(ok);
    }
}

#[test]
fn fit_corpus_agrees_with_the_official_sdk() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("SKIP: shared corpus not found (set HEAVYLEGS_CORPUS)");
        return;
    };
    let oracle: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("oracle.json")).unwrap())
            .unwrap();
    let mut files: Vec<String> = Vec::new();
    for dir in ["fit", "bad"] {
        for entry in std::fs::read_dir(corpus.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if name.ends_with(".fit") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();

    let mut sessions = Tally::default();
    let mut record_distance = Tally::default();
    let mut record_counts = Tally::default();
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems: Vec<(String, &str, String)> = Vec::new();
    for rel in &files {
        let o = &oracle["files"][rel.as_str()];
        let bytes = std::fs::read(corpus.join(rel)).unwrap();
        let result = decode(Format::Fit, &bytes, &Limits::default());
        let sdk_reads = matches!(o["integrity"].as_str(), Some("ok" | "ok_header_crc_zero"));
        let acts = match result {
            Ok(acts) => {
                *outcomes.entry("decoded").or_default() += 1;
                acts
            }
            Err(e) => {
                let kind = if e.is_skip() { "skipped" } else { "rejected" };
                *outcomes.entry(kind).or_default() += 1;
                if matches!(e, DecodeError::Panic(_)) || (sdk_reads && !e.is_skip()) {
                    problems.push((rel.clone(), "rejected", e.to_string()));
                }
                let sdk_sessions = o["sessions"].as_array().map_or(0, |s| s.len());
                if sdk_sessions > 0 {
                    sessions.total += sdk_sessions;
                    problems.push((rel.clone(), "session", format!("no activity: {e}")));
                }
                continue;
            }
        };
        let sdk_sessions = o["sessions"].as_array().cloned().unwrap_or_default();
        for (i, s) in sdk_sessions.iter().enumerate() {
            let Some(a) = acts.get(i) else {
                sessions.add(false);
                problems.push((rel.clone(), "session", format!("session {i} missing")));
                continue;
            };
            let p = session_problems(a, s);
            sessions.add(p.is_empty());
            if !p.is_empty() {
                problems.push((
                    rel.clone(),
                    "session",
                    format!("session {i}: {}", p.join(", ")),
                ));
            }
            let last = a
                .series
                .distance_m
                .as_ref()
                .and_then(|d| d.iter().rev().copied().find(|x| x.is_finite()));
            if let (Some(last), Some(total)) = (last, s["total_distance"].as_f64()) {
                let ok = within(last, total);
                record_distance.add(ok);
                if !ok {
                    problems.push((
                        rel.clone(),
                        "record_distance",
                        format!("session {i}: last record {last:.2} vs session {total}"),
                    ));
                }
            }
        }
        // The SDK refuses compressed timestamps (count 0); fitdecode reads them.
        let want = match o["record_count"].as_u64() {
            Some(0) | None => o["fitdecode"]["record_count"].as_u64().unwrap_or(0),
            Some(n) => n,
        };
        let ours: usize = acts.iter().map(|a| a.series.len()).sum();
        record_counts.add(ours as u64 == want);
        if ours as u64 != want {
            problems.push((rel.clone(), "record_count", format!("{ours} vs {want}")));
        }
    }

    println!("FIT files: {} ({outcomes:?})", files.len());
    println!(
        "FIT sessions agreeing: {}/{}",
        sessions.agree, sessions.total
    );
    println!(
        "FIT record-derived distance agreeing: {}/{}",
        record_distance.agree, record_distance.total
    );
    println!(
        "FIT record counts agreeing: {}/{}",
        record_counts.agree, record_counts.total
    );
    let mut unexplained = Vec::new();
    for (file, check, what) in &problems {
        let name = file.rsplit('/').next().unwrap();
        match ALLOWED.iter().find(|(f, c, _)| *f == name && c == check) {
            Some((_, _, why)) => println!("  allowed  {name} [{check}] {what} — {why}"),
            None => unexplained.push(format!("{name} [{check}] {what}")),
        }
    }
    let stale: Vec<_> = ALLOWED
        .iter()
        .filter(|(f, c, _)| !problems.iter().any(|(p, pc, _)| p.ends_with(f) && pc == c))
        .collect();
    assert!(
        stale.is_empty(),
        "allow-list entries that now agree: {stale:?}"
    );
    assert!(
        unexplained.is_empty(),
        "unexplained disagreements:\n{}",
        unexplained.join("\n")
    );
}
