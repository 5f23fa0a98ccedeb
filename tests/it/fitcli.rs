//! The FIT engine switch (`--fit-decoder`, pipeline `fit_decoder`) and
//! `heavylegs inspect`, through the binary.

use std::path::Path;
use std::process::{Command, Output};

use heavylegs::activity::Format;
use heavylegs::limits::Limits;
use serde_json::Value;

use crate::common::sample;
use crate::common::{s, stderr};

fn heavylegs(args: &[&str]) -> Output {
    heavylegs_tz(args, "UTC")
}

/// Runs the binary with the machine's time zone set to `tz`.
fn heavylegs_tz(args: &[&str], tz: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heavylegs"))
        .args(args)
        .env("TZ", tz)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run heavylegs")
}

fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

fn summary(o: &Output) -> Value {
    stderr(o)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["msg"] == "done")
        .unwrap_or_else(|| panic!("no summary line in: {}", stderr(o)))
}

fn without_generated_at(mut report: Value) -> Value {
    report
        .as_object_mut()
        .expect("report is an object")
        .remove("generated_at")
        .expect("report has generated_at");
    // The second report into the same folder says what changed since the first.
    report
        .as_object_mut()
        .expect("report is an object")
        .remove("changes");
    report
}

#[test]
fn both_fit_decoders_give_the_same_report_and_switching_rebuilds_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let fast = heavylegs(&[
        "report",
        "samples/demo",
        "-o",
        s(&out),
        "--no-progress",
        "--log-format",
        "json",
    ]);
    assert_eq!(fast.status.code(), Some(0), "{}", stderr(&fast));
    let fast_report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();

    // Same output folder, so the same cache file: the engine is part of its key.
    let reference = heavylegs(&[
        "report",
        "samples/demo",
        "-o",
        s(&out),
        "--no-progress",
        "--log-format",
        "json",
        "--fit-decoder",
        "fitparser",
    ]);
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let first = summary(&fast);
    let done = summary(&reference);
    assert_eq!(
        done["cached"], 0,
        "engine switch must not reuse the cache: {done}"
    );
    assert!(first["decoded"].as_u64().unwrap() >= 50, "{first}");
    assert_eq!(done["decoded"], first["decoded"], "{done}");
    assert!(
        stderr(&reference).contains("rebuilt"),
        "{}",
        stderr(&reference)
    );
    let reference_report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();

    assert_eq!(reference_report["inputs"]["ok"], 50);
    assert_eq!(
        without_generated_at(fast_report),
        without_generated_at(reference_report)
    );
}

#[test]
fn pipeline_fit_decoder_key_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[inputs]\npaths = [\"samples/demo\"]\nfit_decoder = \"fitparser\"\n",
    )
    .unwrap();
    let run = heavylegs(&["check", s(&good), "--log-format", "json"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let ok: Value = serde_json::from_str(stderr(&run).lines().next().unwrap()).unwrap();
    assert_eq!(ok["fit_decoder"], "fitparser", "{ok}");
    let default = dir.path().join("default.toml");
    std::fs::write(&default, "[inputs]\npaths = [\"samples/demo\"]\n").unwrap();
    let run = heavylegs(&["check", s(&default), "--log-format", "json"]);
    let ok: Value = serde_json::from_str(stderr(&run).lines().next().unwrap()).unwrap();
    assert_eq!(ok["fit_decoder"], "fast", "{ok}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[inputs]\npaths = [\"samples/demo\"]\nfit_decoder = \"fastest\"\n",
    )
    .unwrap();
    let run = heavylegs(&["check", s(&bad)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("fastest") && stderr(&run).contains("line 3"),
        "{}",
        stderr(&run)
    );
}

/// The official SDK counts 2809 records in this file (samples/fit/oracle.json);
/// its file_id names a Garmin fenix2 created 2015-08-15T15:32:41Z.
#[test]
fn inspect_shows_what_decode_reads_and_fitparser_messages() {
    let rel = "samples/fit/fitparse__activity-small-fenix2-run.fit";
    let bytes = std::fs::read(sample("fit/fitparse__activity-small-fenix2-run.fit")).unwrap();
    let decoded = heavylegs::decode::decode(Format::Fit, &bytes, &Limits::default()).unwrap();
    assert_eq!(decoded.len(), 1);

    let run = heavylegs(&["inspect", rel, "--json", "--message", "record"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let ins = json_out(&run);
    assert_eq!(ins["format"], "fit");
    assert_eq!(ins["fit_decoder"], "fast");
    assert_eq!(ins["bytes"], bytes.len());
    let entries = ins["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let a = &entries[0]["activity"];
    assert_eq!(entries[0]["status"], "ok");
    assert_eq!(a["device"], "garmin fenix2");
    assert_eq!(a["sport"], "running");
    assert_eq!(a["samples"], decoded[0].series.len());
    assert!(
        a["columns"]
            .as_array()
            .unwrap()
            .contains(&Value::from("cadence_spm"))
    );
    let msgs = ins["messages"]["messages"].as_array().unwrap();
    assert_eq!(
        msgs.len(),
        2809,
        "record messages vs the official SDK's count"
    );
    assert!(msgs.iter().all(|m| m["name"] == "record"));
    assert!(ins["messages"]["total"].as_u64().unwrap() > 2809);

    // Text form, and the same bytes whatever the machine's time zone.
    let utc = heavylegs_tz(&["inspect", rel, "--message", "file_id"], "UTC");
    let tokyo = heavylegs_tz(&["inspect", rel, "--message", "file_id"], "Asia/Tokyo");
    assert_eq!(utc.status.code(), Some(0), "{}", stderr(&utc));
    assert_eq!(utc.stdout, tokyo.stdout);
    let text = String::from_utf8(utc.stdout).unwrap();
    assert!(text.contains("  device     garmin fenix2\n"), "{text}");
    assert!(
        text.contains(&format!("  samples    {}\n", decoded[0].series.len())),
        "{text}"
    );
    assert!(text.contains("\nfile_id #0\n"), "{text}");
    assert!(text.contains("  manufacturer = garmin\n"), "{text}");
    assert!(
        text.contains("  time_created = 2015-08-15T15:32:41.000Z\n"),
        "{text}"
    );
}

#[test]
fn inspect_unwraps_gzip_and_refuses_messages_of_xml() {
    let plain = json_out(&heavylegs(&[
        "inspect",
        "samples/fit/fitparse__garmin-fenix-5-run.fit",
        "--json",
    ]));
    let gz = heavylegs(&[
        "inspect",
        "samples/invalid/valid-gzip__fitparse__garmin-fenix-5-run.fit.gz",
        "--json",
    ]);
    assert_eq!(gz.status.code(), Some(0), "{}", stderr(&gz));
    let gz = json_out(&gz);
    assert_eq!(gz["gzip_layers"], 1);
    assert_eq!(gz["format"], "fit");
    assert_eq!(gz["entries"][0]["activity"]["samples"], 21); // the SDK's record count
    assert_eq!(
        gz["entries"][0]["activity"],
        plain["entries"][0]["activity"]
    );
    let reference = json_out(&heavylegs(&[
        "inspect",
        "samples/fit/fitparse__garmin-fenix-5-run.fit",
        "--json",
        "--fit-decoder",
        "fitparser",
    ]));
    assert_eq!(reference["fit_decoder"], "fitparser");
    assert_eq!(reference["entries"], plain["entries"]);

    let gpx = heavylegs(&[
        "inspect",
        "samples/invalid/valid-gzip__gpxpy__Mojstrovka.gpx.gz",
        "--messages",
    ]);
    assert_eq!(gpx.status.code(), Some(2), "{}", stderr(&gpx));
    assert!(stderr(&gpx).contains("FIT files only"), "{}", stderr(&gpx));
}

#[test]
fn inspect_of_hostile_files_is_a_clean_rejection() {
    // fitparser panics on this one; the dump says so and the process exits 3.
    let run = heavylegs(&[
        "inspect",
        "samples/invalid/fitparser-panics/compressed_ts_huge_base.fit",
        "--messages",
        "--json",
    ]);
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let ins = json_out(&run);
    let err = ins["messages"]["error"].as_str().expect("dump error");
    assert!(err.starts_with("fitparser crashed"), "{err}");
    assert!(!stderr(&run).contains("panicked"), "{}", stderr(&run));

    let run = heavylegs(&["inspect", "samples/invalid/random-bytes.fit"]);
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("activity 1 of 1: rejected"), "{text}");
    assert!(text.contains("format     unknown"), "{text}");

    let run = heavylegs(&["inspect", "samples/no-such-file.fit"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("cannot read"), "{}", stderr(&run));
}

/// The benchmark's folder builder: copies until the size, distinct names, bad/ skipped.
#[test]
fn replicate_script_fills_a_folder_with_distinct_copies() {
    if Command::new("bash").arg("--version").output().is_err() {
        println!("SKIP replicate_script: no bash");
        return;
    }
    let src = tempfile::tempdir().unwrap();
    let good = std::fs::read(sample("fit/fitparse__sample_mulitple_header.fit")).unwrap();
    std::fs::create_dir_all(src.path().join("fit")).unwrap();
    std::fs::create_dir_all(src.path().join("bad")).unwrap();
    std::fs::write(src.path().join("fit/a.fit"), &good).unwrap();
    std::fs::write(src.path().join("bad/broken.fit"), b"not a fit file").unwrap();
    let dest = tempfile::tempdir().unwrap();
    let dest = dest.path().join("copies");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/replicate-fit.sh");
    let run = Command::new("bash")
        .arg(&script)
        .args([s(src.path()), s(&dest), "1"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    let copies: Vec<_> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // 80,854 bytes a copy: 13 copies are the first to reach 1 MB (1,000,000 bytes).
    assert_eq!(copies.len(), 13);
    for c in &copies {
        assert_eq!(std::fs::read(c).unwrap(), good, "{}", c.display());
    }
    assert!(stderr(&run).is_empty(), "{}", stderr(&run));

    let usage = Command::new("bash")
        .arg(&script)
        .args([s(src.path())])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}
