//! Mutation property tests: the committed samples, damaged at random (bit
//! flips, bytes set to 0x00/0xFF/anything, truncation, insertion, chunk
//! duplication), through the whole per-file path (sniff → decode → metrics)
//! and through the walk with gzip and zip around them.
//!
//! Contract checked on every input:
//! - no `DecodeError::Panic` (a caught panic is still a bug: the FIT decoder
//!   pre-validates everything fitparser is known to panic on, see
//!   `samples/invalid/fitparser-panics/`); no dependency panic is currently
//!   known that we cannot prevent, so none is tolerated here;
//! - every rejection reason is non-empty and one line;
//! - every decoded activity keeps the series invariant: each present channel
//!   has `time_s.len()` values and `time_s` is finite and never decreases;
//! - `metrics::compute` returns (does not panic) on every decoded activity.
//!
//! Reproducers found by this test and by `fuzz/` live in
//! `samples/invalid/fuzz/` and are replayed by `fuzz_reproducers_hold_the_contract`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use proptest::sample::Index;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use heavylegs::activity::Activity;
use heavylegs::decode::{self, DecodeError};
use heavylegs::ingest::sniff::sniff;
use heavylegs::ingest::{Leaf, Record, WalkOptions, decode_leaf, walk};
use heavylegs::limits::Limits;
use heavylegs::metrics::{self, MetricsConfig};

use crate::common::samples_dir;

/// Seeds larger than this are left out to keep a case cheap in debug builds.
const MAX_SEED_BYTES: u64 = 200 * 1024;

/// `(name, bytes)` of every small file under the seed folders, sorted by name.
fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out = Vec::new();
        for dir in ["fit", "gpx", "tcx", "invalid"] {
            collect(&samples_dir().join(dir), &mut out);
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(out.len() > 20, "seed files found: {}", out.len());
        out
    })
}

fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if std::fs::metadata(&path).unwrap().len() < MAX_SEED_BYTES {
            let name = path
                .strip_prefix(samples_dir())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
}

/// One edit of a byte string; positions are fractions of the current length.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Duplicate { from: Index, len: usize, to: Index },
    Remove(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        Just(0x00u8),
        Just(0xFF),
        Just(0x7F),
        Just(0x80),
        any::<u8>()
    ];
    prop_oneof![
        3 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        3 => (any::<Index>(), byte.clone()).prop_map(|(i, v)| Mutation::SetByte(i, v)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), prop::collection::vec(byte, 1..16))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        1 => (any::<Index>(), 1usize..512, any::<Index>())
            .prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
        1 => (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    match m {
        Mutation::FlipBit(i, bit) if n > 0 => bytes[i.index(n)] ^= 1 << bit,
        Mutation::SetByte(i, v) if n > 0 => bytes[i.index(n)] = *v,
        Mutation::Truncate(i) => bytes.truncate(i.index(n + 1)),
        Mutation::Insert(i, v) => {
            let at = i.index(n + 1);
            bytes.splice(at..at, v.iter().copied());
        }
        Mutation::Duplicate { from, len, to } if n > 0 => {
            let start = from.index(n);
            let chunk = bytes[start..(start + len).min(n)].to_vec();
            let at = to.index(n + 1);
            bytes.splice(at..at, chunk);
        }
        Mutation::Remove(i, len) if n > 0 => {
            let start = i.index(n);
            bytes.drain(start..(start + len).min(n));
        }
        _ => {}
    }
}

/// A seed file with 1–8 mutations applied, and its name.
fn mutated() -> impl Strategy<Value = (String, Vec<u8>)> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..8)).prop_map(|(seed, ms)| {
        let (name, bytes) = &seeds()[seed.index(seeds().len())];
        let mut bytes = bytes.clone();
        for m in &ms {
            apply(&mut bytes, m);
        }
        (name.clone(), bytes)
    })
}

/// A reason or error message: non-empty, one line.
fn check_message(what: &str, msg: &str) -> Result<(), String> {
    if msg.trim().is_empty() || msg.contains('\n') || msg.contains('\r') {
        return Err(format!("{what}: message is empty or not one line: {msg:?}"));
    }
    Ok(())
}

/// The series invariant of [`heavylegs::activity::Series`].
fn check_activity(a: &Activity) -> Result<(), String> {
    a.series.check()?;
    for w in &a.warnings {
        check_message("warning", w)?;
    }
    Ok(())
}

/// sniff → decode → metrics for one input; `Err` names the broken promise.
/// A panic in metrics is not caught here (the test fails on it directly).
fn whole_path(bytes: &[u8]) -> Result<(), String> {
    let Some(format) = sniff(bytes).format() else {
        if let heavylegs::ingest::sniff::Sniffed::Unknown(reason) = sniff(bytes) {
            check_message("sniff", &reason)?;
        }
        return Ok(());
    };
    match decode::decode(format, bytes, &Limits::default()) {
        Err(DecodeError::Panic(msg)) => Err(format!("{format:?} decoder panicked: {msg}")),
        Err(e) => check_message("decode error", &e.to_string()),
        Ok(activities) => {
            let cfg = MetricsConfig::default();
            for a in &activities {
                check_activity(a)?;
                let m = metrics::compute(a, &cfg);
                for (k, why) in &m.null_reasons {
                    check_message(k, why)?;
                }
            }
            Ok(())
        }
    }
}

/// What the walk's per-leaf step saw: the normal records plus contract breaks.
#[allow(clippy::large_enum_variant)] // one per leaf, moved once
enum Out {
    Record(Record),
    Broken(String),
}

impl From<Record> for Out {
    fn from(r: Record) -> Self {
        Out::Record(r)
    }
}

/// Walks `inputs` with the real per-leaf step plus the contract checks;
/// returns the contract breaks (a panic caught by the walk counts as one).
fn walk_breaks(inputs: &[PathBuf]) -> Vec<String> {
    let opts = WalkOptions::default();
    let walked = walk(inputs, &opts, |leaf: &Leaf| {
        let mut out: Vec<Out> = match whole_path(leaf.bytes) {
            Ok(()) => vec![],
            Err(e) => vec![Out::Broken(format!("{}: {e}", leaf.path))],
        };
        out.extend(decode_leaf(leaf, &opts.limits).into_iter().map(Out::Record));
        out
    });
    let mut breaks = vec![];
    for item in walked.items {
        match item {
            Out::Broken(e) => breaks.push(e),
            Out::Record(r) => {
                let reason = r.reason.as_deref().unwrap_or("");
                if r.reason.is_some()
                    && let Err(e) = check_message(&r.path, reason)
                {
                    breaks.push(e);
                }
                if reason.contains("decoder crashed") {
                    breaks.push(format!("{}: {reason}", r.path));
                }
                if let Some(a) = &r.activity
                    && let Err(e) = check_activity(a)
                {
                    breaks.push(format!("{}: {e}", r.path));
                }
            }
        }
    }
    breaks
}

/// `default`, or `$HEAVYLEGS_MUTATE_CASES` for a longer local hunt.
fn cases(default: u32) -> u32 {
    std::env::var("HEAVYLEGS_MUTATE_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        zip.start_file(*name, SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(256),
        max_shrink_iters: 2048,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Mutated samples through sniff → decode → metrics.
    #[test]
    fn mutated_samples_hold_the_contract((name, bytes) in mutated()) {
        if let Err(e) = whole_path(&bytes) {
            prop_assert!(false, "seed {name}, {} bytes: {e}", bytes.len());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(32),
        max_shrink_iters: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Mutated samples inside gzip (then the gzip itself damaged) and zip,
    /// through `ingest::walk` on a temp dir.
    #[test]
    fn mutated_archives_hold_the_contract(
        (name, bytes) in mutated(),
        gz_damage in prop::collection::vec(mutation(), 0..3),
        zip_damage in prop::collection::vec(mutation(), 0..3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = gzip(&bytes);
        for m in &gz_damage {
            apply(&mut gz, m);
        }
        std::fs::write(dir.path().join("a.fit.gz"), &gz).unwrap();
        let gz_clean = gzip(&bytes);
        let mut zip = zip_of(&[
            ("x/run.fit", &bytes),
            ("x/run.fit.gz", &gz_clean),
            ("y/inner.zip", &zip_of(&[("z.gpx.gz", &gz_clean)])),
        ]);
        for m in &zip_damage {
            apply(&mut zip, m);
        }
        std::fs::write(dir.path().join("export.zip"), &zip).unwrap();
        let breaks = walk_breaks(&[dir.path().to_path_buf()]);
        prop_assert!(breaks.is_empty(), "seed {name}: {breaks:#?}");
    }
}

/// Every unmutated seed holds the contract too (a cheap baseline).
#[test]
fn seeds_hold_the_contract() {
    for (name, bytes) in seeds() {
        whole_path(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// Reproducers kept from mutation and fuzzing runs (`samples/invalid/fuzz/`).
#[test]
fn fuzz_reproducers_hold_the_contract() {
    let dir = samples_dir().join("invalid/fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        whole_path(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let breaks = walk_breaks(std::slice::from_ref(&path));
        assert!(breaks.is_empty(), "{}: {breaks:#?}", path.display());
    }
}

/// Found by `mutated_samples_hold_the_contract`: quick-xml quotes a damaged
/// closing tag (`</time?\n</trk>`) in its message; the reason must stay one line.
#[test]
fn xml_error_quoting_a_newline_stays_one_line() {
    let bytes =
        std::fs::read(samples_dir().join("invalid/fuzz/xml-error-quotes-newline.gpx")).unwrap();
    let err =
        decode::decode(heavylegs::activity::Format::Gpx, &bytes, &Limits::default()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, DecodeError::Xml(_)), "{msg}");
    assert!(!msg.contains('\n') && msg.contains(r"\n"), "{msg}");
}

/// Found by `mutated_samples_hold_the_contract` (20 000 cases): fitparser's
/// `fit_file_header` computes `header_size - input.len()` for an incomplete
/// header and overflows when the size byte is smaller than what is left.
#[test]
fn fit_header_needed_overflow_is_not_a_panic() {
    let bytes =
        std::fs::read(samples_dir().join("invalid/fuzz/header-needed-sub-overflow.fit")).unwrap();
    let result = heavylegs::decode::fit::decode(&bytes, &Limits::default());
    assert!(!matches!(result, Err(DecodeError::Panic(_))), "{result:?}");
    whole_path(&bytes).unwrap();
}
