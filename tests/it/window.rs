//! End to end through the binary: the assessment window (`--window-weeks`,
//! `--as-of`, `report.json` → `window`) and files with impossible dates.

use std::path::Path;
use std::process::Output;

use crate::common::samples_dir;
use crate::common::{heavylegs, read_json, s};

fn ok(run: &Output) {
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A copy of the demo history with one GPX whose times are rewritten to
/// `year` (everything else intact), named `name`.
fn demo_with_rewritten_gpx(dir: &Path, name: &str, year: &str) {
    let demo = samples_dir().join("demo");
    let mut gpx = None;
    for e in std::fs::read_dir(&demo).expect("demo dir") {
        let p = e.expect("entry").path();
        let file = p.file_name().unwrap().to_string_lossy().to_string();
        if file.ends_with(".fit") || file.ends_with(".gpx") {
            std::fs::copy(&p, dir.join(&file)).expect("copy");
        }
        if file.ends_with(".gpx") && gpx.is_none() {
            gpx = Some(p);
        }
    }
    let text = std::fs::read_to_string(gpx.expect("a demo gpx")).expect("gpx text");
    assert!(text.contains("<time>2026-"), "demo gpx has 2026 times");
    let broken = text.replace("<time>2026-", &format!("<time>{year}-"));
    std::fs::write(dir.join(name), broken).expect("write broken gpx");
}

#[test]
fn a_file_dated_in_year_7526_is_rejected_and_the_athlete_still_gets_a_report() {
    let tmp = tempfile::tempdir().expect("tmp");
    let runs = tmp.path().join("runs");
    std::fs::create_dir(&runs).expect("mkdir");
    demo_with_rewritten_gpx(&runs, "broken-exporter.gpx", "7526");
    // And one whose points are dated 1970 (a zeroed clock).
    let text = std::fs::read_to_string(runs.join("broken-exporter.gpx")).expect("read");
    std::fs::write(
        runs.join("zero-clock.gpx"),
        text.replace("<time>7526-", "<time>1970-"),
    )
    .expect("write");
    let out = tmp.path().join("report");
    let run = heavylegs(&["report", s(&runs), "-o", s(&out), "--no-progress"]);
    // 3: finished, some inputs rejected (never 1: the athlete is not taken down).
    assert_eq!(
        run.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = read_json(&out.join("report.json"));
    let rejected = report["rejected"].as_array().expect("rejected list");
    let reason = |name: &str| {
        rejected
            .iter()
            .find(|r| r["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .and_then(|r| r["reason"].as_str())
            .unwrap_or_else(|| panic!("{name} not rejected: {rejected:?}"))
            .to_string()
    };
    let r = reason("broken-exporter.gpx");
    assert!(
        r.starts_with("start time 7526-") && r.ends_with("is implausible"),
        "{r}"
    );
    assert!(reason("zero-clock.gpx").starts_with("start time 1970-"));
    // The rest of the history is analysed as before: 50 runs, to November 2026.
    assert_eq!(report["inputs"]["ok"], 50);
    assert_eq!(report["inputs"]["rejected"], 2);
    assert_eq!(report["period"]["to"], "2026-11-22");
}

#[test]
fn as_of_ignores_later_runs_and_the_window_is_in_report_json() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("report");
    // Wednesday 2026-10-07: the week of 5 October is unfinished.
    let run = heavylegs(&[
        "report",
        "samples/demo",
        "-o",
        s(&out),
        "--no-progress",
        "--as-of",
        "2026-10-07",
        "--window-weeks",
        "3",
    ]);
    ok(&run);
    let report = read_json(&out.join("report.json"));
    let w = &report["window"];
    assert_eq!(w["as_of"], "2026-10-07");
    assert_eq!(w["to"], "2026-10-07");
    assert_eq!(w["from"], "2026-09-17");
    assert_eq!(w["partial_last_week"], true);
    // No run after the as-of day is in the report.
    assert!(report["period"]["to"].as_str().unwrap() <= "2026-10-07");
    for r in report["runs"].as_array().unwrap() {
        assert!(r["date"].as_str().unwrap() <= "2026-10-07", "{r}");
    }
    // The key order: `window` right after `period`.
    let text = std::fs::read_to_string(out.join("report.json")).unwrap();
    let (p, w, tz) = (
        text.find("\"period\"").unwrap(),
        text.find("\"window\"").unwrap(),
        text.find("\"timezone_source\"").unwrap(),
    );
    assert!(p < w && w < tz);
    // Verdicts judge the window: W39 (21–27 Sep, 52 km after at most 36)
    // is in it, so overtraining is flagged with that week as evidence.
    let ot = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["cause"] == "overtraining")
        .unwrap();
    assert_eq!(ot["status"], "flagged", "{ot}");
    assert!(ot["evidence"].to_string().contains("2026-W39"), "{ot}");
}

#[test]
fn default_window_is_four_weeks_and_past_patterns_are_history() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("report");
    let run = heavylegs(&["report", "samples/demo", "-o", s(&out), "--no-progress"]);
    ok(&run);
    let report = read_json(&out.join("report.json"));
    // The demo's last run is Sunday 22 November: a finished week.
    assert_eq!(report["window"]["as_of"], "2026-11-22");
    assert_eq!(report["window"]["from"], "2026-10-26");
    assert_eq!(report["window"]["partial_last_week"], false);
    let find = |c: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["cause"] == c)
            .unwrap()
            .clone()
    };
    // The W39 spike is before the window: history, not verdict evidence.
    let ot = find("overtraining");
    assert!(!ot["evidence"].to_string().contains("2026-W39"), "{ot}");
    assert!(
        ot["history"].to_string().contains("2026-W39"),
        "W39 spike should be a history episode: {ot}"
    );
}
