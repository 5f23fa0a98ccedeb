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
        self_rating,
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

#[test]
fn layouts_changing_mid_file_read_like_fitparser() {
    // Records through every path of the fast engine, interleaved: planned
    // (local 3, compressed timestamps, a developer power field, speed with
    // an enhanced twin, fractional cadence), unplanned (local 0: a repeated
    // field; local 1: packed speed/distance), a developer field rescaled
    // between records, and a layout swapped out and back in.
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00, 0x00, 4]; // file_id: activity
    d.extend([0x41, 0, 0, 207, 0, 1, 3, 1, 0x02, 0x01, 0]); // developer_data_id 0
    // field_description: index, number, base type, name (16), scale, units (8)
    d.extend([
        0x42, 0, 0, 206, 0, 6, 0, 1, 0x02, 1, 1, 0x02, 2, 1, 0x02, 3, 16, 0x07, 6, 1, 0x02, 8, 8,
        0x07,
    ]);
    let describe_power = |d: &mut Vec<u8>, scale: u8| {
        d.extend([0x02, 0, 7, 0x84]);
        let mut name = b"Power".to_vec();
        name.resize(16, 0);
        d.extend(name);
        d.push(scale);
        d.extend(b"Watts\0\0\0");
    };
    describe_power(&mut d, 1);
    // local 3, no timestamp: hr, speed, enhanced speed, cadence, fraction,
    // latitude; developer field 7 (uint16) of developer 0
    let planned = [
        0x63, 0, 0, 20, 0, 6, 3, 1, 0x02, 6, 2, 0x84, 73, 4, 0x86, 4, 1, 0x02, 53, 1, 0x02, 0, 4,
        0x85, 1, 7, 2, 0,
    ];
    d.extend(planned);
    let t0 = 1_000_000_000u32; // a multiple of 32: compressed offsets count from 0
    let record = |d: &mut Vec<u8>, offset: u8, enhanced: u32, power: u16| {
        d.push(0xE0 | offset);
        d.push(140 + offset);
        d.extend(3000u16.to_le_bytes());
        d.extend(enhanced.to_le_bytes());
        d.extend([85, 64]);
        d.extend((1i32 << 29).to_le_bytes());
        d.extend(power.to_le_bytes());
    };
    // local 0: timestamp and heart rate twice (the last valid copy wins)
    d.extend([0x40, 0, 0, 20, 0, 3, 253, 4, 0x86, 3, 1, 0x02, 3, 1, 0x02]);
    let repeated = |d: &mut Vec<u8>, t: u32| {
        d.push(0x00);
        d.extend(t.to_le_bytes());
        d.extend([150, 0xFF]);
    };
    repeated(&mut d, t0);
    record(&mut d, 1, 3100, 250);
    record(&mut d, 2, 0xFFFF_FFFF, 251); // no enhanced speed: plain speed
    describe_power(&mut d, 10);
    record(&mut d, 3, 3200, 252);
    repeated(&mut d, t0 + 4);
    // local 3 swapped for a heart-rate-only layout, then back
    d.extend([0x43, 0, 0, 20, 0, 1, 3, 1, 0x02]);
    d.extend([0xE5, 99]);
    d.extend(planned);
    record(&mut d, 6, 3300, 253);
    // local 1: timestamp and packed speed/distance (Forerunner 70 style)
    d.extend([0x41, 0, 0, 20, 0, 2, 253, 4, 0x86, 8, 3, 0x0D]);
    for (i, packed) in [[0xC5, 0x12, 0x8A], [0xC5, 0xF2, 0xFF], [0xC5, 0x32, 0x00]]
        .into_iter()
        .enumerate()
    {
        d.push(0x01);
        d.extend((t0 + 7 + i as u32).to_le_bytes());
        d.extend(packed);
    }
    let file = crate::fit::fit_file(&d);
    let limits = Limits::default();
    let fast = decode_with(&file, &limits, FitDecoder::Fast).unwrap();
    let reference = decode_with(&file, &limits, FitDecoder::Fitparser).unwrap();
    assert_eq!(fast.len(), 1);
    assert_eq!(differences(&fast[0], &reference[0]), []);
    let s = &fast[0].series;
    assert_eq!(s.time_s, (0..10).map(f64::from).collect::<Vec<_>>());
    let nan = f64::NAN;
    let dbg = |v: &[f64]| format!("{v:?}");
    assert_eq!(
        dbg(s.heart_rate_bpm.as_deref().unwrap()),
        dbg(&[
            150.0, 141.0, 142.0, 143.0, 150.0, 99.0, 146.0, nan, nan, nan
        ])
    );
    assert_eq!(
        dbg(s.power_w.as_deref().unwrap()),
        dbg(&[nan, 250.0, 251.0, 25.2, nan, nan, 25.3, nan, nan, nan]),
        "developer power, rescaled by the second description"
    );
    assert_eq!(
        dbg(&s.speed_mps.as_deref().unwrap()[1..4]),
        dbg(&[3.1, 3.0, 3.2]),
        "enhanced speed, else plain"
    );
    assert_eq!(s.cadence_spm.as_deref().unwrap()[1], 85.5);
    // packed distance accumulates across the 12-bit rollover: 2209, 4095, then 3 is +4 → 4099 sixteenths
    let distance = s.distance_m.as_deref().unwrap();
    assert_eq!(
        dbg(&distance[7..]),
        dbg(&[2209.0 / 16.0, 4095.0 / 16.0, 4099.0 / 16.0])
    );
}

#[test]
fn a_developer_field_redescribed_after_its_definition_is_read_as_fitparser_reads_it() {
    // Found by fuzz/fit_differential: fitparser reads a developer field with
    // the description it has when the data message comes, so "Power" as
    // uint8 then redescribed as uint16 makes the same 1-byte field read two
    // bytes (and the message one byte longer).
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00, 0x00, 4]; // file_id: activity
    d.extend([
        0x41, 0, 0, 206, 0, 4, 0, 1, 0x02, 1, 1, 0x02, 2, 1, 0x02, 3, 8, 0x07,
    ]);
    let describe = |d: &mut Vec<u8>, base: u8| {
        d.extend([0x01, 0, 7, base]);
        d.extend(b"Power\0\0\0");
    };
    describe(&mut d, 0x02);
    d.extend([0x62, 0, 0, 20, 0, 1, 253, 4, 0x86, 1, 7, 1, 0]); // record: time; dev 7 (1 byte)
    let t0 = 1_000_000_000u32;
    d.push(0x02);
    d.extend(t0.to_le_bytes());
    d.push(200);
    describe(&mut d, 0x84);
    for (i, power) in [300u16, 310].into_iter().enumerate() {
        d.push(0x02);
        d.extend((t0 + 1 + i as u32).to_le_bytes());
        d.extend(power.to_le_bytes());
    }
    let file = crate::fit::fit_file(&d);
    let limits = Limits::default();
    let fast = decode_with(&file, &limits, FitDecoder::Fast).unwrap();
    let reference = decode_with(&file, &limits, FitDecoder::Fitparser).unwrap();
    assert_eq!(differences(&fast[0], &reference[0]), []);
    assert_eq!(fast[0].series.time_s, [0.0, 1.0, 2.0]);
    assert_eq!(
        fast[0].series.power_w.as_deref(),
        Some(&[200.0, 300.0, 310.0][..])
    );
}

#[test]
fn workout_feel_and_rpe_are_read_alike_and_become_a_feel() {
    use heavylegs::demo::fit_encode::{BaseType as B, Field, FitWriter};
    let t0 = 1_100_000_000i64;
    let file = |feel: i64, rpe: i64| {
        let mut w = FitWriter::new();
        w.message(0, 0, &[Field::new(0, B::Enum, 4)]);
        for i in 0..3 {
            w.message(
                1,
                20,
                &[
                    Field::new(253, B::UInt32, t0 + i),
                    Field::new(3, B::UInt8, 140),
                ],
            );
        }
        w.message(
            2,
            18,
            &[
                Field::new(253, B::UInt32, t0 + 2),
                Field::new(2, B::UInt32, t0),
                Field::new(5, B::Enum, 1),
                Field::new(7, B::UInt32, 2000),
                Field::new(192, B::UInt8, feel),
                Field::new(193, B::UInt8, rpe),
            ],
        );
        w.finish()
    };
    let limits = Limits::default();
    let rated = file(25, 70);
    let fast = decode_with(&rated, &limits, FitDecoder::Fast).unwrap();
    let reference = decode_with(&rated, &limits, FitDecoder::Fitparser).unwrap();
    assert!(differences(&fast[0], &reference[0]).is_empty());
    let r = fast[0].self_rating.expect("rated");
    assert_eq!((r.feel, r.rpe), (Some(25.0), Some(7.0)));
    // Invalid markers (0xFF) mean "not asked": no rating.
    let unrated = decode_with(&file(0xFF, 0xFF), &limits, FitDecoder::Fast).unwrap();
    assert_eq!(unrated[0].self_rating, None);
    // The ingest record carries it as a Feel of this run.
    let leaf = heavylegs::ingest::Leaf {
        path: "rated.fit".into(),
        bytes: &rated,
        sha256: String::new(),
        stream: None,
    };
    let rec = heavylegs::ingest::decode_leaf(&leaf, &limits);
    let feels = &rec[0].wellness.as_ref().expect("a feel").feels;
    assert_eq!(feels.len(), 1);
    assert_eq!(feels[0].rpe, Some(7.0));
    assert_eq!(feels[0].file.as_deref(), Some("rated.fit"));
    assert_eq!(feels[0].start, Some(fast[0].start));
}
