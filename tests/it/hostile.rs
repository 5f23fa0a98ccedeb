//! Hostile input and hostile circumstances (issue 7): a file that claims
//! gigabytes, a flood of FIT definitions, a decoder that runs out of time,
//! entities pointing outside the document, an oversized file, an interrupted
//! run, an unwritable output folder and a full disk. Each must cost one
//! reason (or one clear error) and never the batch, the memory or the outputs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use heavylegs::decode::fit::{FitDecoder, decode_with};
use heavylegs::decode::{DecodeError, gpx, tcx};
use heavylegs::ingest::{Record, Status, WalkOptions, ingest};
use heavylegs::limits::Limits;

use crate::common::sample;
use crate::fit_bytes::{definition_flood, fit_crc};

const SMALL_RUN_FIT: &str = "fit/fitparse__garmin-fenix-5-run.fit";
const SMALL_GPX: &str = "gpx/gpxpy__track-with-less-sec-time.gpx";

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(sample(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn one_line_reason(r: &Record) -> &str {
    let reason = r
        .reason
        .as_deref()
        .unwrap_or_else(|| panic!("no reason: {r:?}"));
    assert!(!reason.is_empty() && !reason.contains('\n'), "{reason:?}");
    reason
}

/// Writes `files` into a fresh folder and walks it with `limits`; records by file name.
fn walk_files(
    files: &[(&str, &[u8])],
    limits: Limits,
) -> (tempfile::TempDir, Vec<(String, Record)>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let opts = WalkOptions {
        limits,
        ..WalkOptions::default()
    };
    let walked = ingest(&[dir.path().to_path_buf()], &opts);
    let named = walked
        .items
        .into_iter()
        .map(|r| {
            (
                Path::new(&r.path)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                r,
            )
        })
        .collect();
    (dir, named)
}

fn status_of<'a>(records: &'a [(String, Record)], name: &str) -> &'a Record {
    &records
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no record for {name}: {records:?}"))
        .1
}

#[test]
fn a_fit_header_claiming_gigabytes_costs_no_memory_and_one_reason() {
    let mut bytes = read(SMALL_RUN_FIT);
    assert_eq!(bytes[0], 14, "the sample has a 14-byte header");
    bytes[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let crc = fit_crc(&bytes[..12]);
    bytes[12..14].copy_from_slice(&crc.to_le_bytes());

    for decoder in [FitDecoder::Fast, FitDecoder::Fitparser] {
        let t = Instant::now();
        let result = decode_with(&bytes, &Limits::default(), decoder);
        let took = t.elapsed();
        // What it costs in memory: tests/alloc (a global allocator of its own binary).
        // What is there is salvaged, and the activity says why it may be short.
        let acts = result.unwrap_or_else(|e| panic!("{decoder:?}: {e}"));
        assert_eq!(acts.len(), 1);
        let warning = acts[0]
            .warnings
            .iter()
            .find(|w| w.contains("truncated"))
            .unwrap_or_else(|| panic!("{:?}", acts[0].warnings));
        assert!(!warning.contains('\n'), "{warning:?}");
        assert!(!acts[0].series.is_empty());
        eprintln!("4 GiB header claim, {decoder:?}: {took:?}; {warning}");
    }
}

#[test]
fn a_flood_of_fit_definitions_is_a_clean_outcome_with_both_decoders_and_the_batch_goes_on() {
    let flood = definition_flood(2_000_000);
    assert_eq!(flood.len(), 14 + 12_000_000 + 2);
    for decoder in [FitDecoder::Fast, FitDecoder::Fitparser] {
        let t = Instant::now();
        let result = decode_with(&flood, &Limits::default(), decoder);
        let took = t.elapsed();
        let err = result.expect_err("no records: nothing to analyse");
        let reason = err.to_string();
        assert!(!reason.contains('\n'), "{reason:?}");
        assert!(!matches!(err, DecodeError::Panic(_)), "{reason}");
        eprintln!("definition flood, {decoder:?}: {took:?}; {reason}");
    }

    let good = read(SMALL_RUN_FIT);
    let (_dir, records) = walk_files(
        &[("flood.fit", &flood), ("good.fit", &good)],
        Limits::default(),
    );
    assert_eq!(records.len(), 2, "{records:?}");
    let flood = status_of(&records, "flood.fit");
    assert_ne!(flood.status, Status::Ok);
    one_line_reason(flood);
    assert_eq!(status_of(&records, "good.fit").status, Status::Ok);
}

#[test]
fn the_time_budget_stops_a_fit_flood_in_both_engines() {
    // 20,000 messages: the deadline is read every 4,096 of them.
    let flood = definition_flood(20_000);
    let tiny = Limits {
        file_time_budget_s: 1e-9,
        ..Limits::default()
    };
    for decoder in [FitDecoder::Fast, FitDecoder::Fitparser] {
        let err = decode_with(&flood, &tiny, decoder).expect_err("over budget");
        assert!(
            matches!(&err, DecodeError::Limit(why) if why.contains("file_time_budget_s")),
            "{decoder:?}: {err}"
        );
        // Without the tiny budget it is an ordinary "no records" outcome.
        let plain = decode_with(&flood, &Limits::default(), decoder).unwrap_err();
        assert!(
            !matches!(plain, DecodeError::Limit(_)),
            "{decoder:?}: {plain}"
        );
    }
}

/// `bytes` with `n` comments after the XML declaration: the same document,
/// but enough events that the per-file deadline is read at least once.
fn padded_with_comments(bytes: &[u8], n: usize) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("utf-8 sample");
    let at = text.find("?>").map(|i| i + 2).expect("an XML declaration");
    let mut out = String::with_capacity(text.len() + n * 12);
    out.push_str(&text[..at]);
    for i in 0..n {
        out.push_str(&format!("<!--{i}-->"));
    }
    out.push_str(&text[at..]);
    out.into_bytes()
}

#[test]
fn the_time_budget_rejects_a_slow_xml_file_and_the_batch_goes_on() {
    type Decode = fn(&[u8], &Limits) -> Result<Vec<heavylegs::activity::Activity>, DecodeError>;
    let cases: [(&str, Decode); 2] = [
        ("gpx/gpxpy__Mojstrovka.gpx", gpx::decode),
        ("tcx/heavylegs__garmin-style-run.tcx", tcx::decode),
    ];
    let tiny = Limits {
        file_time_budget_s: 1e-9,
        ..Limits::default()
    };
    let off = Limits {
        file_time_budget_s: 0.0,
        ..Limits::default()
    };
    for (rel, decode) in cases {
        let plain = decode(&read(rel), &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"));
        // Two strides of events: the clock is read at least twice.
        let slow = padded_with_comments(&read(rel), 2 * 4096);
        let padded = decode(&slow, &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(
            padded[0].series.len(),
            plain[0].series.len(),
            "{rel}: comments change nothing"
        );
        assert_eq!(
            decode(&slow, &off).unwrap()[0].series.len(),
            plain[0].series.len(),
            "{rel}: 0 disables"
        );
        match decode(&slow, &tiny) {
            Err(DecodeError::Limit(why)) => {
                assert!(
                    why.starts_with("decoding took longer than 0.000000001 s"),
                    "{rel}: {why}"
                );
                assert!(why.contains("file_time_budget_s"), "{why}");
            }
            other => panic!("{rel}: expected the time budget to reject it, got {other:?}"),
        }
    }

    let slow = padded_with_comments(&read("gpx/gpxpy__Mojstrovka.gpx"), 2 * 4096);
    let small = read(SMALL_GPX);
    let (_dir, records) = walk_files(&[("slow.gpx", &slow), ("small.gpx", &small)], tiny);
    let slow = status_of(&records, "slow.gpx");
    assert_eq!(slow.status, Status::Rejected);
    assert!(
        one_line_reason(slow).starts_with("limit exceeded: decoding took longer than"),
        "{slow:?}"
    );
    // A file shorter than one stride of events never reads the clock: it decodes.
    assert_eq!(
        status_of(&records, "small.gpx").status,
        Status::Ok,
        "{records:?}"
    );
}

#[test]
fn external_entities_are_never_resolved() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "SECRET-FROM-DISK").unwrap();
    let body = "<gpx version=\"1.1\" creator=\"t\"><trk><name>&xxe;</name><trkseg>\
        <trkpt lat=\"46.0\" lon=\"14.0\"><time>2020-01-01T10:00:00Z</time></trkpt>\
        <trkpt lat=\"46.001\" lon=\"14.0\"><time>2020-01-01T10:00:30Z</time></trkpt>\
        </trkseg></trk></gpx>";
    let uri = format!("file://{}", secret.path().display());
    // An internal subset declaring an external entity is refused outright.
    let declared =
        format!("<?xml version=\"1.0\"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM \"{uri}\">]>{body}");
    match gpx::decode(declared.as_bytes(), &Limits::default()) {
        Err(DecodeError::Xml(why)) => assert!(why.contains("entity expansion is refused"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // An external DTD is never fetched: its entities stay undefined and are dropped with a warning.
    let external = format!("<?xml version=\"1.0\"?><!DOCTYPE gpx SYSTEM \"{uri}\">{body}");
    let acts =
        gpx::decode(external.as_bytes(), &Limits::default()).expect("decodes without the DTD");
    let shown = format!("{acts:?}");
    assert!(
        !shown.contains("SECRET-FROM-DISK"),
        "the file's content leaked into the activity"
    );
    assert!(
        acts[0]
            .warnings
            .iter()
            .any(|w| w.contains("undefined entity &xxe; ignored")),
        "{:?}",
        acts[0].warnings
    );
}

#[test]
fn a_file_over_max_file_bytes_is_refused_unread_and_the_rest_is_read() {
    let big = read(SMALL_RUN_FIT);
    let small = read(SMALL_GPX);
    assert!(big.len() > 4096 && small.len() < 4096);
    let limits = Limits {
        max_file_bytes: 4096,
        ..Limits::default()
    };
    let (_dir, records) = walk_files(&[("big.fit", &big), ("small.gpx", &small)], limits);
    let big = status_of(&records, "big.fit");
    assert_eq!(big.status, Status::Rejected);
    assert_eq!(one_line_reason(big), "limit exceeded: file size over 4 KiB");
    assert_eq!(status_of(&records, "small.gpx").status, Status::Ok);
}

// ---------------------------------------------------------------------------
// The binary under signals and failing disks.

fn heavylegs() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_heavylegs"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Every file under `dir` whose name marks it as a temp file of `write_atomic`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".tmp") {
                found.push(p);
            }
        }
    }
    found
}

/// A folder with `copies` copies (hard links) of the demo athlete's files: minutes of work in a debug build.
fn many_runs(root: &Path, copies: usize) -> (PathBuf, usize) {
    let demo = sample("demo");
    let files: Vec<PathBuf> = std::fs::read_dir(&demo)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "fit" || x == "gpx" || x == "tcx")
        })
        .collect();
    let inputs = root.join("runs");
    for c in 0..copies {
        let sub = inputs.join(format!("copy{c:03}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in &files {
            let to = sub.join(f.file_name().unwrap());
            if std::fs::hard_link(f, &to).is_err() {
                std::fs::copy(f, &to).unwrap();
            }
        }
    }
    (inputs, copies * files.len())
}

/// Waits until the process has read `bytes` (it is decoding inputs), or 5 s;
/// without /proc, a fixed pause.
fn wait_until_reading(pid: u32, bytes: u64) {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(5) {
        let Ok(io) = std::fs::read_to_string(format!("/proc/{pid}/io")) else {
            std::thread::sleep(Duration::from_millis(700));
            return;
        };
        let read = io
            .lines()
            .find_map(|l| l.strip_prefix("rchar: "))
            .and_then(|v| v.trim().parse::<u64>().ok());
        if read.is_some_and(|n| n >= bytes) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn wait_with_timeout(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let t = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if t.elapsed() > limit {
            let _ = child.kill();
            panic!("heavylegs did not stop within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(all(unix, feature = "tables"))]
#[test]
fn an_interrupted_run_leaves_the_previous_outputs_and_says_what_it_was_doing() {
    let dir = tempfile::tempdir().unwrap();
    let (inputs, files) = many_runs(dir.path(), 40);
    for signal in ["-INT", "-TERM"] {
        let out = dir.path().join(format!("out{signal}"));
        std::fs::create_dir_all(&out).unwrap();
        let previous = b"<html><body>last week's report</body></html>".to_vec();
        std::fs::write(out.join("report.html"), &previous).unwrap();
        let mut child = heavylegs()
            .args([
                "report",
                inputs.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--name",
                "Demo",
                "-q",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        wait_until_reading(child.id(), 2 << 20);
        let t = Instant::now();
        let kill = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = wait_with_timeout(&mut child, Duration::from_secs(20));
        let stopped_in = t.elapsed();
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();

        assert_eq!(
            status.code(),
            Some(130),
            "{signal}: {status:?}, stderr: {stderr}"
        );
        let line = stderr
            .lines()
            .find(|l| l.starts_with("heavylegs: interrupted"))
            .unwrap_or_else(|| panic!("{stderr}"));
        let (head, tail) = line
            .split_once(" files); ")
            .unwrap_or_else(|| panic!("{line}"));
        assert_eq!(tail, "previous outputs left intact", "{line}");
        let (done, total) = head
            .strip_prefix("heavylegs: interrupted while decoding (")
            .and_then(|s| s.split_once(" of "))
            .unwrap_or_else(|| panic!("{line}"));
        let (done, total): (usize, usize) = (done.parse().unwrap(), total.parse().unwrap());
        assert_eq!(total, files, "{line}");
        assert!(done < total, "{line}: stopped before the end");
        assert_eq!(
            std::fs::read(out.join("report.html")).unwrap(),
            previous,
            "{signal}: report.html touched"
        );
        assert!(
            !out.join("report.json").exists(),
            "{signal}: a new report was written"
        );
        assert!(
            temp_files(&out).is_empty(),
            "{signal}: {:?}",
            temp_files(&out)
        );
        eprintln!("{signal}: stopped {stopped_in:?} after the signal; {line}");
    }
}

/// The run's stderr, after checking it failed with exit 1 and one line.
#[cfg(feature = "tables")]
fn one_line_failure(run: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[cfg(feature = "tables")]
#[test]
fn an_output_folder_that_cannot_be_created_is_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let out = file.join("report");
    let run = heavylegs()
        .args(["report", "samples/demo", "-o", out.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    let stderr = one_line_failure(&run);
    assert!(
        stderr.starts_with(&format!(
            "error: cannot create output folder {}: ",
            out.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("Not a directory"), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

/// A tmpfs of `kib` KiB mounted on a temp folder, unmounted on drop; `None` where mounting is not allowed.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k"),
                "tmpfs",
                dir.path().to_str()?,
            ])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[cfg(feature = "tables")]
#[test]
fn a_full_disk_is_one_line_exit_1_and_leaves_the_previous_report() {
    let Some(disk) = SmallDisk::mount(96) else {
        println!(
            "SKIP a_full_disk_is_one_line_exit_1_and_leaves_the_previous_report: cannot mount a tmpfs (needs root)"
        );
        return;
    };
    let out = disk.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let previous = b"<html><body>last week's report</body></html>".to_vec();
    std::fs::write(out.join("report.html"), &previous).unwrap();
    let run = heavylegs()
        .args([
            "report",
            "samples/demo",
            "-o",
            out.to_str().unwrap(),
            "-q",
            "--no-cache",
        ])
        .output()
        .unwrap();
    let stderr = one_line_failure(&run);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("cannot write "),
        "{stderr}"
    );
    assert!(
        stderr.contains("No space left on device (os error 28)"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), previous);
    assert!(temp_files(&out).is_empty(), "{:?}", temp_files(&out));
}
