//! End to end through the `heavylegs` binary: the README's main job, coach
//! folders, incremental runs, locks, pipeline files and exit codes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::samples_dir;
use crate::common::{heavylegs, read_json, s};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn flagged(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "flagged")
        .map(|f| f["cause"].as_str().unwrap().to_string())
        .collect()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The `done` summary line of a `--log-format json` run.
fn summary(out: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["msg"] == "done")
        .unwrap_or_else(|| panic!("no summary line in: {stderr}"))
}

#[test]
fn demo_report_flags_exactly_what_the_generator_injected() {
    let dir = tmp();
    let out = dir.path().join("report");
    // The truth lists what was injected over the whole 12-week history, so
    // the verdicts judge all 12 weeks (the default window is the last 4).
    let run = heavylegs(&[
        "report",
        "samples/demo",
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
    let truth = read_json(&samples_dir().join("demo/truth.json"));
    let report = read_json(&out.join("report.json"));

    assert_eq!(flagged(&report), strings(&truth["flagged"]));
    for never in strings(&truth["not_flagged"]) {
        assert!(
            !flagged(&report).contains(&never),
            "{never} must not be flagged"
        );
    }
    // The recovery verdict read resting HR and HRV: its rule and sources say so.
    let recovery = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["cause"] == "recovery")
        .unwrap();
    for cited in ["Buchheit 2014", "Plews et al. 2013"] {
        assert!(
            recovery["source"].as_str().unwrap().contains(cited),
            "{}",
            recovery["source"]
        );
    }
    assert!(
        recovery["threshold"]
            .as_str()
            .unwrap()
            .contains("resting HR"),
        "{}",
        recovery["threshold"]
    );
    // 52 files, the FIT+GPX twin counted once.
    assert_eq!(report["inputs"]["ok"], 50);
    assert_eq!(report["inputs"]["duplicates"], 1);
    assert_eq!(report["inputs"]["rejected"], 0);

    // Weekly distances match the generator's truth to 0.1 km.
    let weeks: Vec<(String, f64)> = report["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["week"].as_str().unwrap().to_string(),
                w["distance_km"].as_f64().unwrap(),
            )
        })
        .collect();
    for tw in truth["weeks"].as_array().unwrap() {
        let label = tw["week"].as_str().unwrap();
        let want = tw["distance_km"].as_f64().unwrap();
        let got = weeks
            .iter()
            .find(|(w, _)| w == label)
            .map(|(_, d)| *d)
            .unwrap_or(0.0);
        assert!(
            (got - want).abs() <= 0.1,
            "{label}: report {got} km, truth {want} km"
        );
    }

    // Control weeks produce no evidence for any flagged cause.
    let control: Vec<String> = truth["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "control")
        .flat_map(|p| strings(&p["weeks"]))
        .collect();
    for f in report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "flagged")
    {
        for e in f["evidence"].as_array().unwrap() {
            let week = e["week"].as_str().map(str::to_string).or_else(|| {
                let date =
                    chrono::NaiveDate::parse_from_str(e["date"].as_str()?, "%Y-%m-%d").ok()?;
                let iso = chrono::Datelike::iso_week(&date);
                Some(format!("{}-W{:02}", iso.year(), iso.week()))
            });
            if let Some(w) = week {
                assert!(
                    !control.contains(&w),
                    "{} has evidence in control week {w}: {e}",
                    f["cause"]
                );
            }
        }
    }
    // Every output the README promises, and the verdict on stdout.
    for f in [
        "report.html",
        "report.md",
        "report.json",
        "activities.parquet",
        "activities.csv",
        "weeks.parquet",
        "weeks.csv",
        "days.parquet",
        "days.csv",
    ] {
        assert!(
            out.join(f).metadata().map(|m| m.len() > 0).unwrap_or(false),
            "{f} missing"
        );
    }
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("Report: "), "{stdout}");
    assert_eq!(
        stdout.matches('⚑').count(),
        truth["flagged"].as_array().unwrap().len(),
        "{stdout}"
    );
}

#[test]
fn demo_report_snapshots() {
    let dir = tmp();
    let out = dir.path().join("r");
    let run = heavylegs(&["report", "samples/demo", "-o", s(&out), "-q", "--no-cache"]);
    assert_eq!(run.status.code(), Some(0));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let json = std::fs::read_to_string(out.join("report.json")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // The recovery verdict cites resting HR and HRV: its card draws those
    // two, each with the rule's line and its ▼, not the weekly load.
    let card = &html[html.find("id=\"cause-recovery\"").unwrap()..];
    let card = &card[..card.find("</article>").unwrap()];
    assert_eq!(card.matches("<svg").count(), 2, "{card}");
    for label in ["Resting HR (bpm)", "HRV, rMSSD (ms)"] {
        assert!(card.contains(&format!("aria-label=\"{label}\"")), "{label}");
    }
    assert_eq!(card.matches("class=\"limit\"").count(), 2);
    assert_eq!(card.matches("out of your usual range, at worst").count(), 2);
    let html = super::report::html_text(&html);
    insta::with_settings!({filters => vec![
        (r#""generated_at": "[^"]+""#, r#""generated_at": "[generated_at]""#),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[timestamp]"),
    ]}, {
        insta::assert_snapshot!("demo_report_md", md);
        insta::assert_snapshot!("demo_report_json", json);
        insta::assert_snapshot!("demo_report_html_text", html);
    });
}

#[test]
fn same_inputs_give_identical_outputs_apart_from_generated_at() {
    let dir = tmp();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for o in [&a, &b] {
        assert_eq!(
            heavylegs(&["report", "samples/demo", "-o", s(o), "-q"])
                .status
                .code(),
            Some(0)
        );
    }
    for f in [
        "report.md",
        "report.html",
        "weeks.csv",
        "days.csv",
        "activities.csv",
    ] {
        let strip = |p: PathBuf| {
            String::from_utf8(std::fs::read(p).unwrap())
                .unwrap()
                .lines()
                .filter(|l| !l.contains("generated_at") && !l.contains("Generated"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            strip(a.join(f)),
            strip(b.join(f)),
            "{f} differs between two runs"
        );
    }
    let mut ja = read_json(&a.join("report.json"));
    let mut jb = read_json(&b.join("report.json"));
    ja["generated_at"] = Value::Null;
    jb["generated_at"] = Value::Null;
    assert_eq!(ja, jb);
}

#[test]
fn coach_folder_gives_one_report_per_athlete_and_a_roster_in_attention_order() {
    let dir = tmp();
    let out = dir.path().join("coach");
    let run = heavylegs(&[
        "report",
        "--athletes",
        "samples/coach",
        "-o",
        s(&out),
        "--no-progress",
        // Each truth covers the athlete's whole 12-week history.
        "--window-weeks",
        "12",
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let roster = read_json(&out.join("roster.json"));
    let rows = roster["athletes"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let name = row["athlete"].as_str().unwrap();
        let truth = read_json(&samples_dir().join(format!("coach/{name}/truth.json")));
        let report = read_json(&out.join(name).join("report.json"));
        assert_eq!(flagged(&report), strings(&truth["flagged"]), "{name}");
        assert_eq!(
            strings(&row["flagged"]),
            strings(&truth["flagged"]),
            "{name} roster row"
        );
    }
    // The clean athlete comes last; flagged athletes first.
    assert_eq!(rows[2]["athlete"], "ben");
    assert!(
        rows[..2]
            .iter()
            .all(|r| !r["flagged"].as_array().unwrap().is_empty())
    );
    assert!(out.join("roster.csv").exists() && out.join("roster.html").exists());
}

#[test]
fn adding_one_file_decodes_one_file_and_matches_a_cold_run() {
    let dir = tmp();
    let inputs = dir.path().join("runs");
    std::fs::create_dir(&inputs).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples_dir().join("demo"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "fit" || e == "gpx" || e == "toml")
        })
        .collect();
    files.sort();
    let held_back = files
        .iter()
        .rposition(|p| p.extension().is_some_and(|e| e == "fit"))
        .unwrap();
    let late = files.remove(held_back);
    for f in &files {
        std::fs::copy(f, inputs.join(f.file_name().unwrap())).unwrap();
    }
    let warm = dir.path().join("warm");
    let args = |o: &Path| {
        vec![
            "report".to_string(),
            s(&inputs).to_string(),
            "-o".into(),
            s(o).to_string(),
            "--log-format".into(),
            "json".into(),
        ]
    };
    let first = Command::new(env!("CARGO_BIN_EXE_heavylegs"))
        .args(args(&warm))
        .output()
        .unwrap();
    assert_eq!(
        summary(&first)["decoded"],
        files.len() - 1,
        "toml is not decoded"
    );

    let first_report = dir.path().join("first-report.json");
    std::fs::copy(warm.join("report.json"), &first_report).unwrap();
    std::fs::copy(&late, inputs.join(late.file_name().unwrap())).unwrap();
    let second = Command::new(env!("CARGO_BIN_EXE_heavylegs"))
        .args(args(&warm))
        .output()
        .unwrap();
    let sum = summary(&second);
    assert_eq!(sum["decoded"], 1, "{sum}");
    assert_eq!(sum["cached"], files.len() - 1);

    // The cold run gets the same previous report, so its `changes` compare alike.
    let cold = dir.path().join("cold");
    std::fs::create_dir_all(&cold).unwrap();
    std::fs::copy(&first_report, cold.join("report.json")).unwrap();
    let third = Command::new(env!("CARGO_BIN_EXE_heavylegs"))
        .args(args(&cold))
        .arg("--no-cache")
        .output()
        .unwrap();
    assert_eq!(summary(&third)["decoded"], files.len());
    let w = read_json(&warm.join("report.json"));
    // The warm folder held the first report: its `changes` name the added run.
    assert_eq!(w["changes"]["new_runs"], 1, "{}", w["changes"]);
    // Byte for byte, but for when each was made.
    let bytes = |o: &Path, name: &str| {
        let text = std::fs::read_to_string(o.join(name)).unwrap();
        let at = read_json(&o.join("report.json"))["generated_at"]
            .as_str()
            .unwrap()
            .to_owned();
        // Only the report's own time: `changes.previous_generated_at` may
        // hold the same second and must compare as it is.
        text.replacen(&format!("\"generated_at\": \"{at}\""), "GENERATED_AT", 1)
    };
    for name in ["report.json", "activities.csv"] {
        let (w, c) = (bytes(&warm, name), bytes(&cold, name));
        let first = w.lines().zip(c.lines()).find(|(a, b)| a != b);
        assert!(
            w == c,
            "{name}: warm (cached) run differs from a cold run; first differing line: {first:?}"
        );
    }

    // A corrupt cache is rebuilt, never trusted.
    let cache = std::fs::read_dir(warm.join(".cache"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("cache.bin");
    let mut bytes = std::fs::read(&cache).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40; // one flipped bit: the checksum catches it
    std::fs::write(&cache, &bytes).unwrap();
    let fourth = Command::new(env!("CARGO_BIN_EXE_heavylegs"))
        .args(args(&warm))
        .output()
        .unwrap();
    assert_eq!(summary(&fourth)["decoded"], files.len());
    assert!(String::from_utf8_lossy(&fourth.stderr).contains("rebuilt"));
}

#[test]
fn a_second_run_on_a_locked_output_refuses_with_a_clear_message() {
    let dir = tmp();
    let out = dir.path().join("out");
    let _held = heavylegs::lock::OutputLock::acquire(&out).unwrap();
    let run = heavylegs(&["report", "samples/demo", "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(5));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("another heavylegs run is writing to"), "{err}");
    assert!(!out.join("report.json").exists());
}

#[test]
fn a_failed_write_leaves_the_previous_report_intact() {
    let dir = tmp();
    let out = dir.path().join("out");
    assert_eq!(
        heavylegs(&["report", "samples/demo", "-o", s(&out), "-q"])
            .status
            .code(),
        Some(0)
    );
    let before = std::fs::read(out.join("report.html")).unwrap();
    // The Markdown target becomes a folder: that write fails midway through the run.
    std::fs::remove_file(out.join("report.md")).unwrap();
    std::fs::create_dir(out.join("report.md")).unwrap();
    let run = heavylegs(&["report", "samples/demo", "-o", s(&out), "-q"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("report.md"));
    assert_eq!(
        std::fs::read(out.join("report.html")).unwrap(),
        before,
        "html must be the previous one"
    );
    read_json(&out.join("report.json"));
    let temps: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

#[test]
fn rejected_inputs_are_listed_and_change_the_exit_code() {
    let dir = tmp();
    let out = dir.path().join("out");
    let run = heavylegs(&[
        "report",
        "samples/demo",
        "samples/invalid/zero-length.fit",
        "samples/invalid/gzip-truncated__fitparse__garmin-fenix-5-run.fit.gz",
        "-o",
        s(&out),
        "-q",
    ]);
    assert_eq!(run.status.code(), Some(3));
    let report = read_json(&out.join("report.json"));
    let rejected: Vec<String> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}: {}", r["path"], r["reason"]))
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert!(rejected[0].contains("truncated gzip"), "{rejected:?}");
    assert!(rejected[1].contains("empty file"), "{rejected:?}");
    assert_eq!(report["inputs"]["ok"], 50, "the rest of the batch goes on");
    let fail_on = heavylegs(&[
        "report",
        "samples/demo",
        "-o",
        s(&dir.path().join("o2")),
        "-q",
        "--fail-on",
        "flagged",
    ]);
    assert_eq!(fail_on.status.code(), Some(4));
}

#[test]
fn every_shipped_pipeline_validates_and_runs() {
    let dir = tmp();
    let mut seen = 0;
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap()
    {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        seen += 1;
        let check = heavylegs(&["check", s(&p)]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}: {}",
            p.display(),
            String::from_utf8_lossy(&check.stderr)
        );
        let out = dir.path().join(p.file_stem().unwrap());
        let run = heavylegs(&["run", s(&p), "-o", s(&out), "-q"]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}: {}",
            p.display(),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            out.join("report.json").exists() || out.join("roster.json").exists(),
            "{}",
            p.display()
        );
    }
    assert!(seen >= 3);
}

#[test]
fn a_pipeline_with_a_typo_names_the_key_and_exits_2() {
    let dir = tmp();
    let p = dir.path().join("typo.toml");
    std::fs::write(
        &p,
        "[inputs]\npaths = [\"samples/demo\"]\n\n[window]\nweek = 4\n",
    )
    .unwrap();
    let run = heavylegs(&["check", s(&p)]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("week") && err.contains("line 5"), "{err}");
}

#[test]
fn ingest_jsonl_lists_every_activity_and_every_failure() {
    let run = heavylegs(&[
        "ingest",
        "samples/fit",
        "samples/invalid/zero-length.fit",
        "--jsonl",
    ]);
    let lines: Vec<Value> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let keys = [
        "path",
        "sha256",
        "format",
        "status",
        "reason",
        "sport",
        "sub_sport",
        "start_time",
        "utc_offset_s",
        "elapsed_s",
        "timer_s",
        "distance_m",
        "avg_cadence_spm",
        "records",
        "device",
        "duplicate_of",
    ];
    for l in &lines {
        for k in keys {
            assert!(l.get(k).is_some(), "{k} missing in {l}");
        }
    }
    let fenix = lines
        .iter()
        .find(|l| {
            l["path"]
                .as_str()
                .unwrap()
                .ends_with("garmin-fenix-5-run.fit")
        })
        .unwrap();
    assert_eq!(fenix["status"], "ok");
    assert_eq!(fenix["sport"], "running");
    assert_eq!(fenix["records"], 21);
    let empty = lines
        .iter()
        .find(|l| l["path"].as_str().unwrap().ends_with("zero-length.fit"))
        .unwrap();
    assert_eq!(empty["status"], "rejected");
    assert!(empty["reason"].as_str().unwrap().contains("empty"));
    let multi: Vec<_> = lines
        .iter()
        .filter(|l| l["path"].as_str().unwrap().contains("mulitple_header.fit#"))
        .collect();
    assert!(
        multi.len() >= 3,
        "a multisport file yields one line per session"
    );
    assert!(
        multi.iter().any(|l| l["status"] == "ok"),
        "its run leg is a run"
    );
    assert_eq!(run.status.code(), Some(3));

    let dir = tmp();
    let tables = heavylegs(&["ingest", "samples/fit", "-o", s(dir.path()), "-q"]);
    assert_eq!(
        tables.status.code(),
        Some(0),
        "damaged samples/fit files are salvaged, not rejected"
    );
    for f in ["activities.parquet", "activities.csv", "samples.parquet"] {
        assert!(
            dir.path()
                .join(f)
                .metadata()
                .map(|m| m.len() > 0)
                .unwrap_or(false),
            "{f} missing"
        );
    }
    let csv = std::fs::read_to_string(dir.path().join("activities.csv")).unwrap();
    assert_eq!(
        csv.lines().count() - 1,
        lines.len() - 1,
        "one row per activity (zero-length.fit was not an input here)"
    );
}
