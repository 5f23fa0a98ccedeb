//! What a weekly cron job relies on: a missing or empty input never replaces
//! last week's report, damaged files stay visible in every output, and
//! unchanged files are not read again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::common::{corpus_dir, samples_dir};
use crate::common::{files_under, heavylegs, read_json, s, stderr};

/// Every file under `dir` (recursively, the cache and lock included) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// The first `n` demo FIT files, copied into `dir` with their modification time an hour back.
fn demo_fits(dir: &Path, n: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let mut fits: Vec<PathBuf> = std::fs::read_dir(samples_dir().join("demo"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "fit"))
        .collect();
    fits.sort();
    fits.truncate(n);
    fits.iter()
        .map(|f| {
            let to = dir.join(f.file_name().unwrap());
            std::fs::copy(f, &to).unwrap();
            set_old_mtime(&to);
            to
        })
        .collect()
}

fn set_old_mtime(p: &Path) {
    let f = std::fs::File::options().write(true).open(p).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

/// The `done` summary line of a `--log-format json` run.
fn summary(out: &Output) -> Value {
    stderr(out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["msg"] == "done")
        .unwrap_or_else(|| panic!("no summary line in: {}", stderr(out)))
}

#[test]
fn a_missing_input_is_exit_2_and_the_previous_report_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    demo_fits(&runs, 4);
    let out = dir.path().join("out");
    let first = heavylegs(&["report", s(&runs), "-o", s(&out), "-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = snapshot(&out);
    assert!(before.keys().any(|p| p.ends_with("report.json")));

    let gone = dir.path().join("nonexistent");
    for args in [
        vec!["report", s(&gone), "-o", s(&out)],
        vec!["report", s(&runs), s(&gone), "-o", s(&out)],
    ] {
        let run = heavylegs(&args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        let err = stderr(&run);
        assert!(err.contains(s(&gone)), "names the path: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert_eq!(snapshot(&out), before, "nothing written");
    }
    let fresh = dir.path().join("fresh");
    let run = heavylegs(&["report", s(&gone), "-o", s(&fresh)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!fresh.exists(), "no output folder created");
    let ingest = heavylegs(&["ingest", s(&gone), "--jsonl"]);
    assert_eq!(ingest.status.code(), Some(2));
    assert!(ingest.stdout.is_empty());
}

#[test]
fn a_pipeline_input_that_does_not_exist_names_its_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("weekly.toml");
    let out = dir.path().join("out");
    std::fs::write(
        &p,
        format!(
            "[inputs]\npaths = [\n  \"samples/demo\",\n  \"{}\",\n]\n\n[output]\ndir = \"{}\"\n",
            s(&dir.path().join("share/runs")),
            s(&out)
        ),
    )
    .unwrap();
    for cmd in ["check", "run"] {
        let run = heavylegs(&[cmd, s(&p)]);
        assert_eq!(run.status.code(), Some(2), "{cmd}: {}", stderr(&run));
        let err = stderr(&run);
        assert!(
            err.contains("line 4") && err.contains("paths") && err.contains("share/runs"),
            "{cmd}: {err}"
        );
    }
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_empty_folder_after_a_good_run_keeps_the_previous_report() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let files = demo_fits(&runs, 4);
    let out = dir.path().join("out");
    let first = heavylegs(&["report", s(&runs), "-o", s(&out), "-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = snapshot(&out);

    // The share did not mount: the folder is there but empty.
    for f in &files {
        std::fs::remove_file(f).unwrap();
    }
    let run = heavylegs(&["report", s(&runs), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(6), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(&format!("no activities found in {}", s(&runs)))
            && err.contains("previous report kept"),
        "{err}"
    );
    assert!(
        run.stdout.is_empty(),
        "no verdict for a run that wrote nothing"
    );
    assert_eq!(snapshot(&out), before, "report, tables and cache untouched");

    // Only a broken file left: still nothing to report, still kept.
    std::fs::write(runs.join("broken.fit"), b"").unwrap();
    let run = heavylegs(&["report", s(&runs), "-o", s(&out), "-q"]);
    assert_eq!(run.status.code(), Some(6), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("1 input rejected"),
        "{}",
        stderr(&run)
    );
    assert_eq!(snapshot(&out), before);

    // Asked for explicitly, the empty report is written.
    let run = heavylegs(&["report", s(&runs), "-o", s(&out), "-q", "--allow-empty"]);
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["inputs"]["ok"], 0);
    assert_eq!(report["inputs"]["rejected"], 1);
}

#[test]
fn a_coach_athlete_whose_folder_emptied_keeps_the_report_and_is_stale_in_the_roster() {
    let dir = tempfile::tempdir().unwrap();
    let coach = dir.path().join("coach");
    demo_fits(&coach.join("ana"), 3);
    let ben = demo_fits(&coach.join("ben"), 3);
    let out = dir.path().join("out");
    let args = ["report", "--athletes", s(&coach), "-o", s(&out), "-q"];
    let first = heavylegs(&args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let ben_before = snapshot(&out.join("ben"));
    let roster = read_json(&out.join("roster.json"));
    let row = |r: &Value, name: &str| -> Value {
        r["athletes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["athlete"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&roster, "ben")["stale"], Value::Null);
    let ben_runs = row(&roster, "ben")["runs"].clone();

    for f in &ben {
        std::fs::remove_file(f).unwrap();
    }
    let run = heavylegs(&args);
    assert_eq!(run.status.code(), Some(6), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("previous report kept"),
        "{}",
        stderr(&run)
    );
    assert_eq!(snapshot(&out.join("ben")), ben_before, "ben's report stays");
    let roster = read_json(&out.join("roster.json"));
    let stale = row(&roster, "ben");
    assert!(
        stale["stale"]
            .as_str()
            .is_some_and(|s| s.contains("previous report")),
        "{stale}"
    );
    assert_eq!(stale["runs"], ben_runs, "the row is the previous one");
    assert_eq!(row(&roster, "ana")["stale"], Value::Null);
    let html = std::fs::read_to_string(out.join("roster.html")).unwrap();
    assert!(html.contains("(stale"), "roster.html marks it");
    let csv = std::fs::read_to_string(out.join("roster.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",stale"));
}

/// The three damaged kinds, made from good runs (three different runs, so
/// none is a duplicate of another).
fn damaged_demo_files(dir: &Path) -> [(PathBuf, &'static str); 3] {
    let src = tempfile::tempdir().unwrap();
    let good = demo_fits(src.path(), 3);
    std::fs::create_dir_all(dir).unwrap();

    let mut crc = std::fs::read(&good[0]).unwrap();
    *crc.last_mut().unwrap() ^= 0xFF;
    let crc_path = dir.join("crc-byte-flipped.fit");
    std::fs::write(&crc_path, &crc).unwrap();

    // A file whose sport is known before its records (the demo's and most
    // Garmin files say it only in the session, at the end: cut, they are "not a run").
    let whole =
        std::fs::read(samples_dir().join("fit/fitparse__compressed-speed-distance.fit")).unwrap();
    let cut_path = dir.join("truncated-mid-record.fit");
    std::fs::write(&cut_path, &whole[..whole.len() / 2 + 3]).unwrap();

    let mut big = std::fs::read(&good[2]).unwrap();
    let size = u32::from_le_bytes([big[4], big[5], big[6], big[7]]) + 100_000;
    big[4..8].copy_from_slice(&size.to_le_bytes());
    let header_crc = heavylegs::decode::fit::crc16(&big[..12]);
    big[12..14].copy_from_slice(&header_crc.to_le_bytes());
    let big_path = dir.join("header-data-size-too-large.fit");
    std::fs::write(&big_path, &big).unwrap();
    [
        (crc_path, "CRC mismatch"),
        (cut_path, "truncated at byte"),
        (big_path, "truncated at byte"),
    ]
}

/// Each damaged file is `ok` and carries a warning naming its damage in
/// `ingest --jsonl`, in `activities.csv` and in `report.json`.
fn damage_is_visible_everywhere(dir: &Path, files: &[(PathBuf, &str)]) {
    let run = heavylegs(&["ingest", s(dir), "--jsonl"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let lines: Vec<Value> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), files.len());
    for (path, damage) in files {
        let line = lines
            .iter()
            .find(|l| l["path"] == s(path))
            .unwrap_or_else(|| panic!("{} not listed", path.display()));
        assert_eq!(line["status"], "ok", "{line}");
        let warnings = line["warnings"].as_array().unwrap();
        assert!(
            warnings
                .iter()
                .any(|w| w.as_str().unwrap().contains(damage)),
            "{}: {warnings:?}",
            path.display()
        );
    }

    let tables = tempfile::tempdir().unwrap();
    let run = heavylegs(&["ingest", s(dir), "-o", s(tables.path()), "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let csv = std::fs::read_to_string(tables.path().join("activities.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert!(header.contains(&"warnings") && header.contains(&"device_avg_cadence_spm"));
    for (path, damage) in files {
        let row = csv
            .lines()
            .find(|l| l.starts_with(s(path)))
            .unwrap_or_else(|| panic!("no row for {}", path.display()));
        assert!(row.contains(",ok,") && row.contains(damage), "{row}");
    }

    let out = tempfile::tempdir().unwrap();
    let run = heavylegs(&["report", s(dir), "-o", s(out.path()), "-v"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let err = stderr(&run);
    let report = read_json(&out.path().join("report.json"));
    assert_eq!(report["inputs"]["ok"], files.len());
    let warnings = report["inputs"]["warnings"].as_array().unwrap();
    for (path, damage) in files {
        assert!(
            warnings
                .iter()
                .any(|w| w["path"] == s(path) && w["warning"].as_str().unwrap().contains(damage)),
            "{}: {warnings:?}",
            path.display()
        );
        assert!(
            err.lines()
                .any(|l| l.contains(s(path)) && l.contains("warning") && l.contains(damage)),
            "-v prints {}: {err}",
            path.display()
        );
    }
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(md.contains("3 files were damaged"), "{md}");
    assert!(md.contains("records before byte"), "{md}");
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(html.contains("3 files were damaged"));
}

#[test]
fn damaged_files_are_ok_with_a_warning_in_jsonl_tables_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let files = damaged_demo_files(dir.path());
    damage_is_visible_everywhere(dir.path(), &files);
}

#[test]
fn the_corpus_damaged_files_are_ok_with_a_warning_everywhere() {
    let Some(corpus) = corpus_dir() else {
        println!("SKIP the_corpus_damaged_files_are_ok_with_a_warning_everywhere: no corpus");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kinds = [
        (
            "crc-byte-flipped__fitparse__garmin-fenix-5-run.fit",
            "CRC mismatch",
        ),
        (
            "truncated-mid-record__runalyze__FR630-with-lth.fit",
            "truncated at byte",
        ),
        (
            "header-data-size-too-large__runpandas-data__Garmin_Fenix_6S_Pro-Running.fit",
            "truncated at byte",
        ),
    ];
    let mut files = Vec::new();
    for (name, damage) in kinds {
        let from = corpus.join("bad").join(name);
        if !from.exists() {
            println!("SKIP {name}: not in the corpus");
            return;
        }
        let to = dir.path().join(name);
        std::fs::copy(&from, &to).unwrap();
        files.push((to, damage));
    }
    damage_is_visible_everywhere(dir.path(), &files);
}

#[test]
fn unchanged_files_are_not_read_again_and_changed_ones_always_are() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let files = demo_fits(&runs, 6);
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["report", s(&runs), "-o", s(&out), "--log-format", "json"];
        args.extend_from_slice(extra);
        let o = heavylegs(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        summary(&o)
    };
    let cold = run(&[]);
    assert_eq!(cold["decoded"], 6, "{cold}");
    let cold_report = read_json(&out.join("report.json"));

    let warm = run(&[]);
    assert_eq!(warm["unchanged"], 6, "not read: {warm}");
    assert_eq!(warm["decoded"], 0, "{warm}");
    let mut a = read_json(&out.join("report.json"));
    let mut b = cold_report.clone();
    // `changes` compares with the report the warm run replaced: new by design.
    for v in [&mut a, &mut b] {
        v["generated_at"] = Value::Null;
        v["changes"] = Value::Null;
    }
    assert_eq!(a, b, "the stat-first run reports the same");

    let rehash = run(&["--rehash"]);
    assert_eq!(rehash["unchanged"], 0, "{rehash}");
    assert_eq!(
        rehash["cached"], 6,
        "read and hashed, not decoded: {rehash}"
    );
    assert_eq!(rehash["decoded"], 0);

    // Same size, same modification time, different bytes: only the inode
    // change time tells, and it must be enough.
    #[cfg(unix)]
    {
        let victim = &files[2];
        let mtime = std::fs::metadata(victim).unwrap().modified().unwrap();
        let mut bytes = std::fs::read(victim).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        std::fs::write(victim, &bytes).unwrap();
        std::fs::File::options()
            .write(true)
            .open(victim)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let changed = run(&[]);
        assert_eq!(changed["unchanged"], 5, "{changed}");
        assert_eq!(changed["decoded"], 1, "{changed}");
    }

    // A new file is read; the others are not.
    let extra = demo_fits(&dir.path().join("more"), 7).pop().unwrap();
    std::fs::copy(&extra, runs.join("new.fit")).unwrap();
    let grown = run(&[]);
    assert_eq!(grown["decoded"], 1, "{grown}");
    assert!(grown["unchanged"].as_u64().unwrap() >= 5, "{grown}");
}

/// A GPX file has no UTC offset, so its local date comes from the time zone
/// at its start position. A warm run takes that zone from the cache (without
/// loading the boundary data) and must date every run as the cold run did.
#[test]
fn a_warm_run_dates_gpx_runs_by_their_cached_start_zone() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    for entry in std::fs::read_dir(samples_dir().join("demo")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "gpx") {
            let to = runs.join(p.file_name().unwrap());
            std::fs::copy(&p, &to).unwrap();
            set_old_mtime(&to);
        }
    }
    let out = dir.path().join("out");
    let run = || {
        let o = heavylegs(&["report", s(&runs), "-o", s(&out), "--log-format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (summary(&o), read_json(&out.join("report.json")))
    };
    let (cold, cold_report) = run();
    let (warm, warm_report) = run();
    assert_eq!(warm["decoded"], 0, "{warm}");
    assert_eq!(warm["unchanged"], cold["runs"], "{warm}");
    let source = cold_report["timezone_source"].as_str().unwrap();
    #[cfg(feature = "geotz")]
    assert!(source.starts_with("start_position:"), "{source}");
    assert_eq!(
        warm_report["timezone_source"],
        cold_report["timezone_source"]
    );
    let dates = |r: &Value| -> Vec<Value> {
        r["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["date"].clone())
            .collect()
    };
    assert_eq!(dates(&warm_report), dates(&cold_report));
}
