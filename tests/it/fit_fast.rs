//! The fast FIT engine against fitparser, record by record: every FIT file
//! of `samples/` and, when present, the shared corpus (its `bad/` included).
//! Session totals against the official SDK are checked by `fit_oracle`,
//! which decodes with the default (fast) engine.

use std::path::{Path, PathBuf};

use heavylegs::activity::Activity;
use heavylegs::decode::DecodeError;
use heavylegs::decode::fit::{FitDecoder, decode_with};
use heavylegs::limits::Limits;

use crate::common::{corpus_dir, samples_dir};

fn fit_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fit_files(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("fit")) {
            out.push(p);
        }
    }
}

/// Columns, totals and structure of two decodes of the same activity, as
/// (what, fast, fitparser) for everything that differs. Debug text compares
/// NaN with NaN as equal, which is what "absent sample" means here.
fn differences(fast: &Activity, reference: &Activity) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut check = |what: &str, a: String, b: String| {
        if a != b {
            let cut = |s: String| s.chars().take(300).collect::<String>();
            out.push((what.to_string(), cut(a), cut(b)));
        }
    };
    macro_rules! columns {
        ($($c:ident),*) => {
            $(check(stringify!($c), format!("{:?}", fast.series.$c), format!("{:?}", reference.series.$c));)*
        };
    }
    columns!(
        time_s,
        distance_m,
        speed_mps,
        cadence_spm,
        heart_rate_bpm,
        altitude_m,
        lat_deg,
        lon_deg,
        power_w,
        stance_time_ms,
        stance_balance_pct,
        vertical_oscillation_mm,
        vertical_ratio_pct,
        step_length_mm,
        temperature_c
    );
    macro_rules! fields {
        ($($f:ident),*) => {
            $(check(stringify!($f), format!("{:?}", fast.$f), format!("{:?}", reference.$f));)*
        };
    }
    fields!(
        source,
        sport,
        sub_sport,
        start,
        utc_offset_s,
        elapsed_s,
        timer_s,
        distance_m,
        device_avg_cadence_spm,
        cadence_rule,
        laps,
        pauses
    );
    let hand_over = |w: &&String| !w.starts_with("read by fitparser:");
    check(
        "warnings",
        format!(
            "{:?}",
            fast.warnings.iter().filter(hand_over).collect::<Vec<_>>()
        ),
        format!("{:?}", reference.warnings),
    );
    out
}

/// Decodes each file with both engines; returns (files compared, records
/// compared, unreadable files with their reason).
fn compare(files: &[PathBuf], root: &Path) -> (usize, usize, Vec<String>) {
    let limits = Limits::default();
    let mut records = 0;
    let mut unreadable = Vec::new();
    let mut failures = Vec::new();
    for path in files {
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let bytes = std::fs::read(path).unwrap();
        let fast = decode_with(&bytes, &limits, FitDecoder::Fast);
        let reference = decode_with(&bytes, &limits, FitDecoder::Fitparser);
        match (fast, reference) {
            (Ok(a), Ok(b)) => {
                if a.len() != b.len() {
                    failures.push(format!("{name}: {} vs {} activities", a.len(), b.len()));
                    continue;
                }
                for (i, (x, y)) in a.iter().zip(&b).enumerate() {
                    records += x.series.time_s.len();
                    for (what, fx, fy) in differences(x, y) {
                        failures.push(format!(
                            "{name} #{i} {what}:\n  fast      {fx}\n  fitparser {fy}"
                        ));
                    }
                }
            }
            (Err(a), Err(b)) => {
                if a != b {
                    failures.push(format!("{name}: fast says `{a}`, fitparser `{b}`"));
                }
                unreadable.push(format!("{name}: {a}"));
            }
            (a, b) => failures.push(format!(
                "{name}: fast {:?} vs fitparser {:?}",
                a.map(|v| v.len()).map_err(|e: DecodeError| e.to_string()),
                b.map(|v| v.len()).map_err(|e| e.to_string())
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (files.len(), records, unreadable)
}

#[test]
fn fast_engine_equals_fitparser_on_every_sample_record() {
    let root = samples_dir();
    let mut files = Vec::new();
    fit_files(&root, &mut files);
    assert!(files.len() >= 60, "samples hold {} FIT files", files.len());
    let (n, records, unreadable) = compare(&files, &root);
    println!(
        "samples: {n} FIT files, {records} records equal; unreadable by both:\n  {}",
        unreadable.join("\n  ")
    );
    assert!(records > 100_000, "only {records} records compared");
}

#[test]
fn fast_engine_equals_fitparser_on_every_corpus_record() {
    let Some(root) = corpus_dir() else {
        return;
    };
    let mut files = Vec::new();
    fit_files(&root, &mut files);
    let (n, records, unreadable) = compare(&files, &root);
    println!(
        "corpus: {n} FIT files, {records} records equal; unreadable by both:\n  {}",
        unreadable.join("\n  ")
    );
    assert!(n >= 100, "corpus holds {n} FIT files");
}

/// Decodes `file` with both engines: the fast one must have handed it over
/// (its warning starts with `note`) and agree with fitparser.
fn handed_over(file: &[u8], note: &str) -> Activity {
    let limits = Limits::default();
    let fast = decode_with(file, &limits, FitDecoder::Fast).unwrap();
    let reference = decode_with(file, &limits, FitDecoder::Fitparser).unwrap();
    let prefix = format!("read by fitparser: {note}");
    assert!(
        fast[0].warnings.iter().any(|w| w.starts_with(&prefix)),
        "{:?}",
        fast[0].warnings
    );
    assert!(differences(&fast[0], &reference[0]).is_empty());
    fast.into_iter().next().unwrap()
}

#[test]
fn unknown_base_types_are_read_as_bytes_like_fitparser_does() {
    // A record definition whose heart-rate field claims base type 0x1F and
    // whose cadence field claims 0x0C (uint32z without its endian bit, as
    // one bike computer in the corpus writes serial numbers) over 2 bytes:
    // fitparser reads both as uint8 elements, first valid one wins.
    let mut data = vec![0x40, 0, 0, 20, 0, 3, 253, 4, 0x86, 3, 1, 0x1F, 4, 2, 0x0C];
    data.extend([0x00]);
    data.extend(1_000_000_000u32.to_le_bytes());
    data.extend([150, 0xFF, 85]);
    let file = crate::fit::fit_file(&data);
    let limits = Limits::default();
    let fast = decode_with(&file, &limits, FitDecoder::Fast).unwrap();
    let reference = decode_with(&file, &limits, FitDecoder::Fitparser).unwrap();
    assert!(fast[0].warnings.is_empty(), "{:?}", fast[0].warnings);
    assert!(differences(&fast[0], &reference[0]).is_empty());
    assert_eq!(fast[0].series.heart_rate_bpm, Some(vec![150.0]));
    assert_eq!(fast[0].series.cadence_spm, Some(vec![85.0]));
}

#[test]
fn big_endian_definitions_read_like_little_endian_ones() {
    // The same record (time, heart rate 150, distance 12.34 m) in both byte orders.
    let record = |big: bool| {
        let mut d = vec![0x40, 0, u8::from(big)];
        d.extend(if big {
            20u16.to_be_bytes()
        } else {
            20u16.to_le_bytes()
        });
        d.extend([3, 253, 4, 0x86, 3, 1, 0x02, 5, 4, 0x86]);
        d.push(0x00);
        let t = 1_000_000_000u32;
        let dist = 1234u32;
        if big {
            d.extend(t.to_be_bytes());
            d.push(150);
            d.extend(dist.to_be_bytes());
        } else {
            d.extend(t.to_le_bytes());
            d.push(150);
            d.extend(dist.to_le_bytes());
        }
        crate::fit::fit_file(&d)
    };
    let limits = Limits::default();
    for engine in [FitDecoder::Fast, FitDecoder::Fitparser] {
        let little = decode_with(&record(false), &limits, engine).unwrap();
        let big = decode_with(&record(true), &limits, engine).unwrap();
        assert_eq!(little[0].series.distance_m, Some(vec![12.34]), "{engine:?}");
        assert!(differences(&little[0], &big[0]).is_empty(), "{engine:?}");
    }
}

#[test]
fn undescribed_developer_fields_without_spare_numbers_are_handed_over() {
    // Found by the fit_differential fuzz target (on a file we may not ship,
    // so rebuilt by hand): a definition with 250 native fields (numbers
    // 0-249) and 5 undescribed developer fields. The fitparser engine drops
    // such fields by renumbering them into unused native numbers, and there
    // are only 2; the fast engine must hand the file over, not guess.
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00]; // file_id: type
    d.extend([0x00, 4]);
    d.extend([0x61, 0, 0, 55, 0, 250]);
    for n in 0..250u8 {
        d.extend([n, 1, 0x02]);
    }
    d.push(5);
    for n in 0..5u8 {
        d.extend([n, 1, 0]);
    }
    // A record definition and one record after it.
    d.extend([0x42, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02]);
    d.push(0x02);
    d.extend(1_000_000_000u32.to_le_bytes());
    d.push(140);
    let fast = handed_over(
        &crate::fit::fit_file(&d),
        "message 55 defines 250 native and 5",
    );
    assert_eq!(fast.series.heart_rate_bpm, Some(vec![140.0]));
}
