//! Scale-out through the binary: shards of one coach folder writing one
//! output tree at the same time, the roster reduce step, `--shard auto` under
//! a scheduler's variables, and the tables read back as one dataset.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::samples_dir;
use crate::common::{files_under, s};

/// The scheduler variables `--shard auto` reads; cleared on every child so the
/// tests do not depend on where they run (a CI job inside Slurm, say).
const SCHEDULER_VARS: [&str; 6] = [
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
];

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heavylegs"));
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for v in SCHEDULER_VARS {
        c.env_remove(v);
    }
    c
}

fn heavylegs(args: &[&str]) -> Output {
    command(args).output().expect("run heavylegs")
}

fn ok(run: &Output, what: &str) {
    assert_eq!(
        run.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn report_json(p: &Path) -> Value {
    let mut v: Value = serde_json::from_slice(
        &std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap_or_else(|e| panic!("{} is not whole JSON: {e}", p.display()));
    v["generated_at"] = Value::Null;
    v
}

/// A coach folder of `n` athletes made from the three committed coach
/// athletes; the k-th copy of each leaves out its k last runs, so no two
/// athletes have the same report.
fn coach_folder(dir: &Path, n: usize) -> Vec<String> {
    let bases = ["ana", "ben", "cy"];
    let mut names = Vec::new();
    for i in 0..n {
        let base = bases[i % bases.len()];
        let name = format!("{base}-{i:02}");
        let from = samples_dir().join("coach").join(base);
        let to = dir.join(&name);
        std::fs::create_dir_all(&to).unwrap();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&from)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let runs: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "fit" || e == "gpx"))
            .collect();
        let keep = runs.len() - i / bases.len();
        let left_out: BTreeSet<&PathBuf> = runs[keep..].iter().copied().collect();
        for f in files.iter().filter(|f| !left_out.contains(f)) {
            std::fs::copy(f, to.join(f.file_name().unwrap())).unwrap();
        }
        names.push(name);
    }
    names
}

/// Scheduler variables, extra flags, and what the error message must name.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);

const ROSTER: [&str; 3] = ["roster.json", "roster.csv", "roster.html"];

#[test]
fn shards_started_together_write_one_tree_and_the_roster_step_equals_an_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    let coach = dir.path().join("coach");
    let names = coach_folder(&coach, 9);
    let (whole, sharded) = (dir.path().join("whole"), dir.path().join("sharded"));

    ok(
        &heavylegs(&["report", "--athletes", s(&coach), "-o", s(&whole), "-q"]),
        "unsharded run",
    );

    // Four shards at once into one folder, as an Indexed Job on a shared volume does.
    let children: Vec<_> = (1..=4)
        .map(|i| {
            command(&[
                "report",
                "--athletes",
                s(&coach),
                "-o",
                s(&sharded),
                "-q",
                "--shard",
                &format!("{i}/4"),
            ])
            .spawn()
            .expect("start a shard")
        })
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        ok(
            &c.wait_with_output().unwrap(),
            &format!("shard {}/4", i + 1),
        );
    }
    for f in ROSTER {
        assert!(!sharded.join(f).exists(), "a shard wrote {f}");
    }
    // Every athlete once, every file whole, no temp file left behind.
    let all = files_under(&sharded);
    let temps: Vec<_> = all
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
    for name in &names {
        assert_eq!(
            report_json(&sharded.join(name).join("report.json")),
            report_json(&whole.join(name).join("report.json")),
            "{name}: sharded report differs from the unsharded one"
        );
        for t in ["weeks.csv", "days.csv", "activities.csv"] {
            assert_eq!(
                std::fs::read(sharded.join(name).join(t)).unwrap(),
                std::fs::read(whole.join(name).join(t)).unwrap(),
                "{name}/{t}"
            );
        }
    }

    let reduce = heavylegs(&["roster", s(&sharded)]);
    ok(&reduce, "roster step");
    for f in ROSTER {
        assert_eq!(
            std::fs::read(sharded.join(f)).unwrap(),
            std::fs::read(whole.join(f)).unwrap(),
            "{f}: the reduce step differs from the unsharded run's roster"
        );
    }
    let roster = report_json(&sharded.join("roster.json"));
    let listed: BTreeSet<&str> = roster["athletes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["athlete"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        names.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
    // Idempotent: the reduce over the unsharded output rewrites the same bytes.
    let before: Vec<Vec<u8>> = ROSTER
        .iter()
        .map(|f| std::fs::read(whole.join(f)).unwrap())
        .collect();
    ok(
        &heavylegs(&["roster", s(&whole), "-q"]),
        "roster step again",
    );
    for (f, b) in ROSTER.iter().zip(before) {
        assert_eq!(std::fs::read(whole.join(f)).unwrap(), b, "{f}");
    }
}

#[test]
fn locks_are_per_athlete_not_per_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let coach = samples_dir().join("coach");
    let shard_of = |name: &str| heavylegs::settings::shard_of(name, 3) + 1;
    // Another run writing ana: ana's shard refuses (exit 5), the shards without ana run.
    let held = heavylegs::lock::OutputLock::acquire(&out.join("ana")).unwrap();
    let ana = shard_of("ana");
    for i in 1..=3 {
        let run = heavylegs(&[
            "report",
            "--athletes",
            s(&coach),
            "-o",
            s(&out),
            "-q",
            "--shard",
            &format!("{i}/3"),
        ]);
        let has_ana = i == ana;
        assert_eq!(
            run.status.code(),
            Some(if has_ana { 5 } else { 0 }),
            "shard {i}/3: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        if has_ana {
            let err = String::from_utf8_lossy(&run.stderr);
            assert!(err.contains("another heavylegs run is writing to"), "{err}");
        }
    }
    assert!(!out.join("ana/report.json").exists());
    // An unsharded run needs every athlete and the roster: refused too, nothing written.
    let run = heavylegs(&["report", "--athletes", s(&coach), "-o", s(&out), "-q"]);
    assert_eq!(run.status.code(), Some(5));
    drop(held);
    // A roster step while another one holds the roster lock.
    let _roster = heavylegs::lock::OutputLock::acquire_roster(&out).unwrap();
    let run = heavylegs(&["roster", s(&out)]);
    assert_eq!(run.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&run.stderr).contains("the roster in"));
}

#[test]
fn shard_auto_takes_the_index_from_slurm_or_kubernetes() {
    let dir = tempfile::tempdir().unwrap();
    let coach = samples_dir().join("coach");
    let athletes_of = |out: &Path| -> BTreeSet<String> {
        std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect()
    };
    let expected = |i: u64, n: u64| -> BTreeSet<String> {
        ["ana", "ben", "cy"]
            .into_iter()
            .filter(|a| heavylegs::settings::shard_of(a, n) == i)
            .map(String::from)
            .collect()
    };
    // One `--shard auto` run with the scheduler's variables: the athletes it wrote.
    let shard_auto = |name: &str, extra: &[&str], vars: &[(&str, &str)]| -> BTreeSet<String> {
        let out = dir.path().join(name);
        let mut args = vec![
            "report",
            "--athletes",
            s(&coach),
            "-o",
            s(&out),
            "-q",
            "--shard",
            "auto",
        ];
        args.extend_from_slice(extra);
        let run = command(&args).envs(vars.iter().copied()).output().unwrap();
        ok(&run, name);
        if out.exists() {
            athletes_of(&out)
        } else {
            BTreeSet::new()
        }
    };
    // Slurm `--array=1-2`: task 2 is the second of two shards.
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_MAX", "2"),
        ("SLURM_ARRAY_TASK_COUNT", "2"),
    ];
    assert_eq!(shard_auto("slurm", &[], &slurm), expected(1, 2));
    // Kubernetes: the index from the pod, the count from the flag.
    assert_eq!(
        shard_auto(
            "k8s",
            &["--shard-count", "2"],
            &[("JOB_COMPLETION_INDEX", "0")]
        ),
        expected(0, 2)
    );

    // Missing or inconsistent variables: exit 2, the message names them.
    let cases: [Case<'_>; 4] = [
        (&[], &[], "JOB_COMPLETION_INDEX"),
        (&[("JOB_COMPLETION_INDEX", "1")], &[], "--shard-count"),
        (
            &[("JOB_COMPLETION_INDEX", "2")],
            &["--shard-count", "2"],
            "JOB_COMPLETION_INDEX=2",
        ),
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "5"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ],
            &[],
            "SLURM_ARRAY_TASK_ID=5",
        ),
    ];
    for (vars, extra, says) in cases {
        let out = dir.path().join("bad");
        let mut args = vec![
            "report",
            "--athletes",
            s(&coach),
            "-o",
            s(&out),
            "--shard",
            "auto",
        ];
        args.extend_from_slice(extra);
        let run = command(&args).envs(vars.iter().copied()).output().unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{vars:?}: {err}");
        assert!(err.contains(says), "{vars:?}: {err}");
        assert!(!out.exists(), "nothing written on a config error");
    }
}

#[test]
fn the_roster_step_refuses_a_folder_without_reports() {
    let dir = tempfile::tempdir().unwrap();
    let run = heavylegs(&["roster", s(dir.path())]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("report.json"));
    let run = heavylegs(&["roster", s(&dir.path().join("missing"))]);
    assert_eq!(run.status.code(), Some(2));
    let help = heavylegs(&["roster", "--help"]);
    ok(&help, "roster --help");
    let text = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "--shard",
        "report.json",
        "heavylegs roster out",
        "Exit codes",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}

#[test]
fn the_tables_of_a_coach_folder_read_back_as_one_dataset() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ok(
        &heavylegs(&["report", "--athletes", "samples/coach", "-o", s(&out), "-q"]),
        "coach run",
    );
    for table in ["weeks", "days", "activities"] {
        let glob = format!("{}/*/{table}.parquet", s(&out));
        let df = LazyFrame::scan_parquet(glob.as_str().into(), ScanArgsParquet::default())
            .and_then(|lf| lf.collect())
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        let athletes = df.column("athlete").unwrap().str().unwrap();
        assert_eq!(
            athletes.null_count(),
            0,
            "{table}: every row names its athlete"
        );
        let mut per: BTreeMap<String, usize> = BTreeMap::new();
        for a in athletes.iter().flatten() {
            *per.entry(a.to_string()).or_default() += 1;
        }
        let keys: Vec<&str> = per.keys().map(String::as_str).collect();
        assert_eq!(keys, ["ana", "ben", "cy"], "{table}");
        // Each athlete's rows are exactly its own file's rows.
        for (a, n) in &per {
            let csv = std::fs::read_to_string(out.join(a).join(format!("{table}.csv"))).unwrap();
            assert_eq!(*n, csv.lines().count() - 1, "{table} rows of {a}");
        }
        if table == "weeks" {
            for c in ["load_trimp", "load_distance_km", "week", "distance_km"] {
                assert!(df.column(c).is_ok(), "weeks: {c} missing");
            }
        }
    }
}
