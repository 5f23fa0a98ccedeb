//! FIT throughput over a folder of real files: heavylegs' fast reader against
//! the fitparser crate and against the floor any decoder pays (read the bytes,
//! CRC-16 them), on 1 and more threads.
//!
//! ```text
//! scripts/replicate-fit.sh ../shared/corpus /tmp/fit-300mb 300
//! cargo run --release --no-default-features --example fit_throughput -- /tmp/fit-300mb --threads 1,2
//! ```
//!
//! Every engine reads each file from disk itself, so all pay the same I/O; one
//! untimed read pass first puts the folder in the page cache, so the numbers
//! are decoding, not disk. Files are spread over a rayon pool of the given
//! size, one file per task, and the wall time covers the whole folder; each
//! engine runs `--rounds` times, interleaved, and the best counts (noise on a
//! shared machine only adds time; the median is printed beside it).

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use heavylegs::decode::fit::{FitDecoder, crc16, decode_with};
use heavylegs::limits::Limits;
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Parser)]
#[command(about = "FIT decoding throughput: fast reader vs fitparser vs read+CRC")]
struct Args {
    /// Folder searched recursively for *.fit files.
    dir: PathBuf,
    /// Thread counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 2])]
    threads: Vec<usize>,
    /// Engines to measure, comma-separated (default: all four).
    #[arg(long, value_delimiter = ',', value_enum)]
    engines: Vec<Engine>,
    /// Timed passes per engine and pool size, interleaved across engines so
    /// a noisy neighbour hits them alike; the best counts (the median is
    /// shown beside it).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// One JSON document on stdout instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
enum Engine {
    /// Read the file and CRC-16 every byte: the floor.
    #[value(name = "read+crc")]
    #[serde(rename = "read+crc")]
    ReadCrc,
    /// heavylegs, `--fit-decoder fast`.
    #[value(name = "fast")]
    #[serde(rename = "fast")]
    Fast,
    /// `fitparser::from_bytes`, panics caught: the crate alone.
    #[value(name = "fitparser-crate")]
    #[serde(rename = "fitparser-crate")]
    FitparserCrate,
    /// heavylegs, `--fit-decoder fitparser` (fitparser plus normalization).
    #[value(name = "heavylegs-fitparser")]
    #[serde(rename = "heavylegs-fitparser")]
    HeavylegsFitparser,
}

const ALL: [Engine; 4] = [
    Engine::ReadCrc,
    Engine::Fast,
    Engine::FitparserCrate,
    Engine::HeavylegsFitparser,
];

/// One engine over the whole folder on one pool size.
#[derive(Debug, Clone, Serialize)]
struct Row {
    engine: Engine,
    threads: usize,
    files: usize,
    bytes: u64,
    /// Best of the rounds: noise on a shared machine only ever adds time.
    seconds: f64,
    median_seconds: f64,
    mb_per_s: f64,
    /// Samples decoded (fast, heavylegs-fitparser) or record messages (fitparser-crate).
    records: Option<u64>,
    records_per_s: Option<f64>,
    /// Files the engine could not read (error or panic; for heavylegs
    /// engines, files read fine but without an activity do not count).
    failed: usize,
}

#[derive(Debug, Clone, Serialize)]
struct Ratio {
    threads: usize,
    /// fast MB/s ÷ fitparser-crate MB/s (issue 8 target: ≥ 30).
    fast_speedup_vs_fitparser: Option<f64>,
    /// fast seconds ÷ read+crc seconds (issue 8 target: ≤ 3).
    fast_cost_vs_read_crc: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    dir: String,
    files: usize,
    bytes: u64,
    rows: Vec<Row>,
    ratios: Vec<Ratio>,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    bytes: u64,
    records: u64,
    failed: usize,
    checksum: u64,
}

impl Tally {
    fn add(self, o: Tally) -> Tally {
        Tally {
            bytes: self.bytes + o.bytes,
            records: self.records + o.records,
            failed: self.failed + o.failed,
            checksum: self.checksum.wrapping_add(o.checksum),
        }
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    assert_eq!(crc16(b"123456789"), 0xBB3D, "CRC-16/ARC check value");
    let files = fit_files(&args.dir);
    if files.is_empty() {
        eprintln!("no *.fit files under {}", args.dir.display());
        return std::process::ExitCode::from(2);
    }
    // Untimed pass: page cache warm, and the folder's size.
    let bytes: u64 = files
        .iter()
        .map(|p| std::fs::read(p).map_or(0, |b| b.len() as u64))
        .sum();
    let engines = if args.engines.is_empty() {
        ALL.to_vec()
    } else {
        args.engines.clone()
    };
    // fitparser panics on some files; they are counted as failed, not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let limits = Limits::default();
    let mut rows = Vec::new();
    for &threads in &args.threads {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .expect("thread pool");
        let mut times = vec![Vec::new(); engines.len()];
        let mut tallies = vec![Tally::default(); engines.len()];
        for _ in 0..args.rounds.max(1) {
            for (i, &engine) in engines.iter().enumerate() {
                let t0 = Instant::now();
                tallies[i] = pool.install(|| {
                    files
                        .par_iter()
                        .map(|p| run_one(engine, p, &limits))
                        .reduce(Tally::default, Tally::add)
                });
                times[i].push(t0.elapsed().as_secs_f64());
                std::hint::black_box(tallies[i].checksum);
            }
        }
        for (i, &engine) in engines.iter().enumerate() {
            let tally = tallies[i];
            let (seconds, median_seconds) = best_and_median(&mut times[i]);
            let records = (engine != Engine::ReadCrc).then_some(tally.records);
            rows.push(Row {
                engine,
                threads,
                files: files.len(),
                bytes: tally.bytes,
                seconds,
                median_seconds,
                mb_per_s: tally.bytes as f64 / 1e6 / seconds,
                records,
                records_per_s: records.map(|r| r as f64 / seconds),
                failed: tally.failed,
            });
            if !args.json {
                eprintln!(
                    "  {:<20} {threads} thread(s): best {seconds:.2} s, median {median_seconds:.2} s of {:.2?}",
                    name(engine),
                    times[i]
                );
            }
        }
    }
    let _ = std::panic::take_hook();
    let ratios = args
        .threads
        .iter()
        .map(|&threads| {
            let secs = |e: Engine| {
                rows.iter()
                    .find(|r| r.engine == e && r.threads == threads)
                    .map(|r| r.seconds)
            };
            let fast = secs(Engine::Fast);
            Ratio {
                threads,
                fast_speedup_vs_fitparser: fast
                    .zip(secs(Engine::FitparserCrate))
                    .map(|(f, p)| p / f),
                fast_cost_vs_read_crc: fast.zip(secs(Engine::ReadCrc)).map(|(f, c)| f / c),
            }
        })
        .collect();
    let report = Report {
        dir: args.dir.display().to_string(),
        files: files.len(),
        bytes,
        rows,
        ratios,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        );
    } else {
        print!("{}", table(&report));
    }
    std::process::ExitCode::SUCCESS
}

fn best_and_median(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2])
}

/// Reads one file and runs one engine over it.
fn run_one(engine: Engine, path: &Path, limits: &Limits) -> Tally {
    let Ok(bytes) = std::fs::read(path) else {
        return Tally {
            failed: 1,
            ..Tally::default()
        };
    };
    let mut t = Tally {
        bytes: bytes.len() as u64,
        ..Tally::default()
    };
    match engine {
        Engine::ReadCrc => t.checksum = u64::from(crc16(&bytes)),
        Engine::Fast | Engine::HeavylegsFitparser => {
            let decoder = if engine == Engine::Fast {
                FitDecoder::Fast
            } else {
                FitDecoder::Fitparser
            };
            let run = || decode_with(&bytes, limits, decoder);
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
                Ok(Ok(activities)) => {
                    t.records = activities.iter().map(|a| a.series.len() as u64).sum()
                }
                // Read to the end, nothing to analyse (settings, workouts, no samples).
                Ok(Err(e)) if e.is_skip() => {}
                _ => t.failed = 1,
            }
        }
        Engine::FitparserCrate => {
            match std::panic::catch_unwind(|| fitparser::from_bytes(&bytes)) {
                Ok(Ok(messages)) => {
                    t.records = messages
                        .iter()
                        .filter(|m| m.kind() == fitparser::profile::MesgNum::Record)
                        .count() as u64
                }
                _ => t.failed = 1,
            }
        }
    }
    t
}

/// Every `*.fit` (any case) under `dir`, sorted, symlinks not followed.
fn fit_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            let path = e.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && path
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("fit"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn name(e: Engine) -> &'static str {
    match e {
        Engine::ReadCrc => "read+crc",
        Engine::Fast => "fast",
        Engine::FitparserCrate => "fitparser-crate",
        Engine::HeavylegsFitparser => "heavylegs-fitparser",
    }
}

fn table(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} FIT files, {:.1} MB, under {}\n",
        r.files,
        r.bytes as f64 / 1e6,
        r.dir
    );
    let _ = writeln!(
        s,
        "{:<20} {:>7} {:>6} {:>9} {:>8} {:>8} {:>9} {:>12} {:>6}",
        "engine", "threads", "files", "MB", "best s", "median s", "MB/s", "records/s", "failed"
    );
    for row in &r.rows {
        let rps = row
            .records_per_s
            .map_or("-".to_owned(), |v| format!("{v:.0}"));
        let _ = writeln!(
            s,
            "{:<20} {:>7} {:>6} {:>9.1} {:>8.2} {:>8.2} {:>9.1} {:>12} {:>6}",
            name(row.engine),
            row.threads,
            row.files,
            row.bytes as f64 / 1e6,
            row.seconds,
            row.median_seconds,
            row.mb_per_s,
            rps,
            row.failed
        );
    }
    let _ = writeln!(s);
    for ratio in &r.ratios {
        let fmt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}×"));
        let _ = writeln!(
            s,
            "{} thread(s): fast is {} the speed of fitparser-crate (target ≥ 30×), \
             and costs {} the time of read+crc (target ≤ 3×)",
            ratio.threads,
            fmt(ratio.fast_speedup_vs_fitparser),
            fmt(ratio.fast_cost_vs_read_crc)
        );
    }
    s
}
