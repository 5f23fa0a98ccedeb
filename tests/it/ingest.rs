//! Ingest: sniffing, gzip/zip expansion under limits, export layouts, dedupe.
//!
//! Leaf-level checks go through `walk` with a closure that records what it
//! was handed, so they hold whether or not the decoders are merged; the
//! end-to-end checks skip themselves while the decoders are stubs.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use heavylegs::activity::{Activity, CadenceRule, Format, Series, Sport};
use heavylegs::ingest::dedupe::dedupe;
use heavylegs::ingest::sniff::{Sniffed, sniff};
use heavylegs::ingest::{Leaf, Record, Status, WalkOptions, WalkStats, decode_leaf, ingest, walk};
use heavylegs::limits::Limits;

use crate::common::{corpus_dir, sample};

const RUN_FIT: &str = "fit/fitparse__garmin-fenix-5-run.fit";
const BIKE_FIT: &str = "fit/fitparse__garmin-fenix-5-bike.fit";
const ACTIVITY_FIT: &str = "fit/fitparse__Activity.fit";
const RUN_GPX: &str = "gpx/gpxpy__track-with-less-sec-time.gpx";
const HIKE_GPX: &str = "gpx/gpxpy__Mojstrovka.gpx";
const SUP_TCX: &str = "tcx/tcxreader__sup_activity_1.tcx";

/// `sha256sum samples/fit/fitparse__garmin-fenix-5-run.fit`
const RUN_FIT_SHA: &str = "db12d0986f3b707802480d6a79bc6bf5d3061010ffe98a1b99115dd44e75f5be";
/// `sha256sum samples/invalid/valid-gzip__fitparse__garmin-fenix-5-run.fit.gz`
const RUN_FIT_GZ_SHA: &str = "3e0cd58765caa072080a5431386bfa6a4becda633c39d4ae6ba3fae8a4012738";

/// What the walk handed to the per-leaf closure, or a record it made itself.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // a few per test, moved once
enum Item {
    Leaf {
        path: String,
        sha256: String,
        content_sha256: String,
    },
    Record(Record),
}

impl From<Record> for Item {
    fn from(r: Record) -> Self {
        Item::Record(r)
    }
}

impl Item {
    fn path(&self) -> &str {
        match self {
            Item::Leaf { path, .. } => path,
            Item::Record(r) => &r.path,
        }
    }
}

fn sha_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn leaves_of(inputs: &[PathBuf], limits: Limits) -> (Vec<Item>, WalkStats) {
    let opts = WalkOptions {
        limits,
        progress: None,
        ..Default::default()
    };
    let walked = walk(inputs, &opts, |leaf: &Leaf| {
        vec![Item::Leaf {
            path: leaf.path.clone(),
            sha256: leaf.sha256.clone(),
            content_sha256: sha_hex(leaf.bytes),
        }]
    });
    (walked.items, walked.stats)
}

fn rejected(items: &[Item]) -> Vec<(&str, &str)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Record(r) if r.status == Status::Rejected => {
                Some((r.path.as_str(), r.reason.as_deref().unwrap_or("")))
            }
            _ => None,
        })
        .collect()
}

fn leaf_count(items: &[Item]) -> usize {
    items
        .iter()
        .filter(|i| matches!(i, Item::Leaf { .. }))
        .count()
}

fn p(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn read_sample(rel: &str) -> Vec<u8> {
    fs::read(sample(rel)).unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

// ---------------------------------------------------------------- sniffing

#[test]
fn sniff_recognises_each_kind_by_content() {
    let cases: &[(&str, Sniffed)] = &[
        (RUN_FIT, Sniffed::Fit),
        (BIKE_FIT, Sniffed::Fit),
        (ACTIVITY_FIT, Sniffed::Fit),
        (RUN_GPX, Sniffed::Gpx),
        (HIKE_GPX, Sniffed::Gpx),
        ("gpx/gpxpy__unicode_with_bom.gpx", Sniffed::Gpx),
        ("gpx/gpxpy__gpx-with-node-with-comments.gpx", Sniffed::Gpx),
        (SUP_TCX, Sniffed::Tcx),
        (
            "invalid/valid-gzip__fitparse__garmin-fenix-5-run.fit.gz",
            Sniffed::Gzip,
        ),
        (
            "invalid/valid-gzip__gpxpy__Mojstrovka.gpx.gz",
            Sniffed::Gzip,
        ),
        (
            "invalid/gzip-truncated__fitparse__garmin-fenix-5-run.fit.gz",
            Sniffed::Gzip,
        ),
        (
            "invalid/fit-named-gpx__fitparse__garmin-fenix-5-run.gpx",
            Sniffed::Fit,
        ),
        (
            "invalid/tcx-named-gpx__tcxreader__sup_activity_1.gpx",
            Sniffed::Tcx,
        ),
        (
            "invalid/zero-length.fit",
            Sniffed::Unknown("empty file (0 bytes)".into()),
        ),
        (
            "invalid/random-bytes-seed1234.fit",
            Sniffed::Unknown(
                "not a FIT, GPX, TCX, gzip or zip file (starts with bytes f7 c7 70 1d 01 17 e9 f1)"
                    .into(),
            ),
        ),
    ];
    for (rel, want) in cases {
        assert_eq!(&sniff(&read_sample(rel)), want, "{rel}");
    }
    assert_eq!(sniff(&zip_of(&[("a.fit", b"x")])), Sniffed::Zip);
    assert_eq!(sniff(&zip_of(&[])), Sniffed::Zip);
    assert_eq!(
        sniff(b"<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">"),
        Sniffed::Unknown("XML root <kml> is neither GPX, TCX nor Apple Health".into())
    );
}

/// Every corpus file against the oracle's own content sniffing.
#[test]
fn sniff_agrees_with_the_corpus_oracle() {
    let Some(corpus) = corpus_dir() else { return };
    let oracle: serde_json::Value =
        serde_json::from_slice(&fs::read(corpus.join("oracle.json")).unwrap()).unwrap();
    let files = oracle["files"].as_object().unwrap();
    assert!(files.len() >= 200, "oracle lists {} files", files.len());
    for (rel, entry) in files {
        let bytes = fs::read(corpus.join(rel)).unwrap();
        let got = match sniff(&bytes) {
            Sniffed::Fit => "fit",
            Sniffed::Gpx => "gpx",
            Sniffed::Tcx => "tcx",
            Sniffed::AppleHealth => "apple_health",
            Sniffed::PolarJson => "polar_flow",
            Sniffed::Gzip => "gzip",
            Sniffed::Zip => "zip",
            Sniffed::Unknown(r) if r == "empty file (0 bytes)" => "empty",
            Sniffed::Unknown(_) => "unknown",
        };
        assert_eq!(got, entry["sniffed_format"].as_str().unwrap(), "{rel}");
    }
}

/// The corpus' damaged gzips and the mislabeled files, through the walk.
#[test]
fn corpus_bad_files_through_the_walk() {
    let Some(corpus) = corpus_dir() else { return };
    let bad = corpus.join("bad");
    let oracle: serde_json::Value =
        serde_json::from_slice(&fs::read(corpus.join("oracle.json")).unwrap()).unwrap();
    let (items, stats) = leaves_of(std::slice::from_ref(&bad), Limits::default());
    assert_eq!(stats.files_seen, 13);
    assert_eq!(stats.ignored, 1, "README.md");
    let rejects = rejected(&items);
    let truncated =
        p(&bad.join("gzip-truncated__runpandas-data__Garmin_Fenix_6S_Pro-Running.fit.gz"));
    let bad_crc =
        p(&bad.join("gzip-bad-crc32__runpandas-data__Garmin_Fenix_6S_Pro-Running.fit.gz"));
    assert_eq!(
        rejects,
        vec![
            (
                bad_crc.as_str(),
                "corrupt gzip: CRC32 trailer does not match the inflated data"
            ),
            (
                truncated.as_str(),
                "truncated gzip: stream ends before its end marker and CRC32 trailer"
            ),
        ]
    );
    // Every other file is a leaf whose hash is the stored file's, per the oracle.
    assert_eq!(leaf_count(&items), 11);
    for item in &items {
        if let Item::Leaf { path, sha256, .. } = item {
            let rel = format!(
                "bad/{}",
                Path::new(path).file_name().unwrap().to_string_lossy()
            );
            assert_eq!(
                sha256,
                oracle["files"][&rel]["sha256"].as_str().unwrap(),
                "{rel}"
            );
        }
    }
    // Mislabeled files go by content; the record keeps the sniffed format.
    let limits = Limits::default();
    for (name, format) in [
        (
            "fit-named-gpx__runpandas-data__Garmin_Fenix_6S_Pro-Running.gpx",
            Format::Fit,
        ),
        (
            "valid-xml-not-gpx__runalyze__Runtastic.tcx.gpx",
            Format::Tcx,
        ),
    ] {
        let bytes = fs::read(bad.join(name)).unwrap();
        let leaf = Leaf {
            path: name.into(),
            bytes: &bytes,
            sha256: sha_hex(&bytes),
            stream: None,
        };
        let records = decode_leaf(&leaf, &limits);
        assert!(
            records.iter().all(|r| r.format == Some(format)),
            "{name}: {records:?}"
        );
    }
}

// ---------------------------------------------------------------- gzip

#[test]
fn gzip_damage_is_rejected_with_the_reason() {
    let truncated = sample("invalid/gzip-truncated__fitparse__garmin-fenix-5-run.fit.gz");
    let bad_crc = sample("invalid/gzip-bad-crc32__fitparse__garmin-fenix-5-run.fit.gz");
    let (items, stats) = leaves_of(&[truncated.clone(), bad_crc.clone()], Limits::default());
    assert_eq!(stats.leaves, 0);
    assert_eq!(
        rejected(&items),
        vec![
            (
                p(&bad_crc).as_str(),
                "corrupt gzip: CRC32 trailer does not match the inflated data"
            ),
            (
                p(&truncated).as_str(),
                "truncated gzip: stream ends before its end marker and CRC32 trailer"
            ),
        ]
    );
    // The record names the stored bytes it came from.
    match &items[0] {
        Item::Record(r) => assert_eq!(
            r.sha256,
            "f4cfb264ae128a5dc3483f345c67a4fd1f6f247296e317f51c384e811c7ab1a0"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn valid_gzip_leaves_carry_the_stored_hash_and_the_inflated_bytes() {
    let inputs = [
        sample("invalid/valid-gzip__fitparse__garmin-fenix-5-run.fit.gz"),
        sample("invalid/valid-gzip__gpxpy__Mojstrovka.gpx.gz"),
        sample("invalid/valid-gzip__tcxreader__sup_activity_1.tcx.gz"),
    ];
    let (items, stats) = leaves_of(&inputs, Limits::default());
    assert_eq!(stats.leaves, 3);
    assert_eq!(stats.bytes_read, 2671 + 2422 + 5787);
    let got: Vec<(String, String, String)> = items
        .iter()
        .map(|i| match i {
            Item::Leaf {
                path,
                sha256,
                content_sha256,
            } => (path.clone(), sha256.clone(), content_sha256.clone()),
            Item::Record(r) => panic!("unexpected record {r:?}"),
        })
        .collect();
    assert_eq!(got[0].0, p(&inputs[0]));
    assert_eq!(got[0].1, RUN_FIT_GZ_SHA);
    assert_eq!(got[0].2, RUN_FIT_SHA);
    // `sha256sum` of the plain gpx and tcx samples.
    assert_eq!(
        got[1].2,
        "ed9fe789e69b47349fda26001a68f5eddec878cd0d48b3c241811c2bfa2c7f7d"
    );
    assert_eq!(
        got[2].2,
        "142a036f891d022aafabfc4081d5932b70703c1a6b9d7c955f9abbf44c72dd66"
    );
}

#[test]
fn gzip_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.fit.gz");
    fs::write(&bomb, gzip(&vec![0u8; 16 << 20])).unwrap();
    let limits = Limits {
        max_decompressed_bytes: 4 << 20,
        max_compression_ratio: 5000,
        ..Limits::default()
    };
    let (items, _) = leaves_of(std::slice::from_ref(&bomb), limits);
    assert_eq!(
        rejected(&items),
        vec![(
            p(&bomb).as_str(),
            "limit exceeded: decompressed size over 4 MiB"
        )]
    );
    let (items, _) = leaves_of(std::slice::from_ref(&bomb), Limits::default());
    assert_eq!(
        rejected(&items),
        vec![(
            p(&bomb).as_str(),
            "limit exceeded: compression ratio over 200:1"
        )]
    );
}

// ---------------------------------------------------------------- zip

#[test]
fn zip_bomb_member_is_refused_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let run = read_sample(RUN_FIT);
    // 64 MiB of zeros deflate to about 64 KiB: ratio ~1000:1.
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    w.start_file("bomb.fit", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..64 {
        w.write_all(&chunk).unwrap();
    }
    w.start_file("run.fit", opts).unwrap();
    w.write_all(&run).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let export = dir.path().join("export.zip");
    fs::write(&export, &bytes).unwrap();

    let low = Limits {
        max_decompressed_bytes: 8 << 20,
        max_compression_ratio: 5000,
        ..Limits::default()
    };
    let (items, stats) = leaves_of(std::slice::from_ref(&export), low.clone());
    let bomb_path = format!("{}!bomb.fit", p(&export));
    assert_eq!(
        rejected(&items),
        vec![(
            bomb_path.as_str(),
            "limit exceeded: decompressed size over 8 MiB"
        )]
    );
    assert_eq!(stats.leaves, 1);
    assert!(matches!(&items[1], Item::Leaf { path, content_sha256, .. }
        if *path == format!("{}!run.fit", p(&export)) && content_sha256 == RUN_FIT_SHA));
    // The archive was read in place, not loaded twice.
    assert!(
        stats.bytes_read <= bytes.len() as u64 * 2,
        "{} read",
        stats.bytes_read
    );

    // A header that understates the size does not get past the streaming check.
    let mut lying = bytes.clone();
    understate_sizes(&mut lying, "bomb.fit", 1000);
    let liar = dir.path().join("liar.zip");
    fs::write(&liar, &lying).unwrap();
    let (items, _) = leaves_of(std::slice::from_ref(&liar), low);
    assert_eq!(
        rejected(&items),
        vec![(
            format!("{}!bomb.fit", p(&liar)).as_str(),
            "limit exceeded: decompressed size over 8 MiB"
        )]
    );

    // Default limits: the ratio trips first.
    let (items, _) = leaves_of(std::slice::from_ref(&export), Limits::default());
    assert_eq!(
        rejected(&items),
        vec![(
            bomb_path.as_str(),
            "limit exceeded: compression ratio over 200:1"
        )]
    );
}

/// Rewrites the uncompressed size of member `name` in its local and central headers.
fn understate_sizes(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        let (sig, size_at, name_len_at, name_at) = match &zip[at..at + 4] {
            b"PK\x03\x04" => ("local", at + 22, at + 26, at + 30),
            b"PK\x01\x02" => ("central", at + 24, at + 28, at + 46),
            _ => continue,
        };
        let name_len = u16::from_le_bytes([zip[name_len_at], zip[name_len_at + 1]]) as usize;
        if zip.get(name_at..name_at + name_len) == Some(name.as_bytes()) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
            let _ = sig;
        }
    }
    assert_eq!(patched, 2, "local and central header of {name}");
}

#[test]
fn nested_zips_stop_at_the_depth_limit_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let run = read_sample(RUN_FIT);
    let mut inner = zip_of(&[("run.fit", &run)]);
    for level in (1..20).rev() {
        inner = zip_of(&[(&format!("level{level}.zip"), &inner)]);
    }
    let nested = dir.path().join("nested.zip");
    fs::write(&nested, &inner).unwrap();
    let loose = dir.path().join("loose.fit");
    fs::write(&loose, &run).unwrap();

    let (items, stats) = leaves_of(&[dir.path().to_path_buf()], Limits::default());
    // Depth 1 is nested.zip; level1..level3 are depths 2..4; level4 would be depth 5.
    let deepest = format!("{}!level1.zip!level2.zip!level3.zip!level4.zip", p(&nested));
    assert_eq!(
        rejected(&items),
        vec![(
            deepest.as_str(),
            "limit exceeded: archive nesting deeper than 4 levels"
        )]
    );
    assert_eq!(stats.leaves, 1);
    assert_eq!(items[0].path(), p(&loose));

    // With room for all 20 levels the run inside is found.
    let deep = Limits {
        max_archive_depth: 20,
        ..Limits::default()
    };
    let (items, _) = leaves_of(std::slice::from_ref(&nested), deep);
    let levels: Vec<String> = (1..20).map(|l| format!("level{l}.zip")).collect();
    let want = format!("{}!{}!run.fit", p(&nested), levels.join("!"));
    assert!(
        matches!(&items[..], [Item::Leaf { path, content_sha256, .. }]
        if *path == want && content_sha256 == RUN_FIT_SHA),
        "{items:?}"
    );
}

#[test]
fn zip_damage_and_member_limits() {
    let dir = tempfile::tempdir().unwrap();
    let run = read_sample(RUN_FIT);
    let good = zip_of(&[
        ("a.fit", &run),
        ("b.fit", &run),
        ("c.fit", &run),
        ("d.fit", &run),
    ]);

    let cut = dir.path().join("cut.zip");
    fs::write(&cut, &good[..good.len() - 30]).unwrap();
    let (items, _) = leaves_of(std::slice::from_ref(&cut), Limits::default());
    let rejects = rejected(&items);
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0].0, p(&cut));
    assert!(
        rejects[0].1.starts_with("corrupt zip: "),
        "{}",
        rejects[0].1
    );

    // A stored member with one flipped data byte fails its CRC32.
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    w.start_file("flipped.fit", stored).unwrap();
    w.write_all(&run).unwrap();
    let mut flipped = w.finish().unwrap().into_inner();
    let data_at = 30 + "flipped.fit".len() + 100;
    flipped[data_at] ^= 0xff;
    let crc = dir.path().join("crc.zip");
    fs::write(&crc, &flipped).unwrap();
    let (items, _) = leaves_of(std::slice::from_ref(&crc), Limits::default());
    assert_eq!(
        rejected(&items),
        vec![(
            format!("{}!flipped.fit", p(&crc)).as_str(),
            "corrupt zip: member data does not match its CRC32"
        )]
    );

    let many = dir.path().join("many.zip");
    fs::write(&many, &good).unwrap();
    let few = Limits {
        max_archive_members: 3,
        ..Limits::default()
    };
    let (items, stats) = leaves_of(std::slice::from_ref(&many), few);
    assert_eq!(stats.leaves, 3);
    assert_eq!(
        rejected(&items),
        vec![(
            p(&many).as_str(),
            "limit exceeded: archive has 4 members, only the first 3 were read"
        )]
    );
}

// ---------------------------------------------------------------- discovery

#[test]
fn empty_folder_gives_nothing_and_missing_inputs_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let walked = ingest(&[dir.path().to_path_buf()], &WalkOptions::default());
    assert!(walked.items.is_empty());
    assert_eq!(walked.stats, WalkStats::default());

    let missing = dir.path().join("no-such-export");
    let walked = ingest(std::slice::from_ref(&missing), &WalkOptions::default());
    assert_eq!(walked.items.len(), 1);
    let r = &walked.items[0];
    assert_eq!(r.path, p(&missing));
    assert_eq!(r.status, Status::Rejected);
    assert_eq!(
        r.reason.as_deref(),
        Some("cannot read: No such file or directory (os error 2)")
    );
}

#[test]
fn hidden_and_irrelevant_files_are_counted_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("a/b")).unwrap();
    fs::create_dir_all(d.join(".git")).unwrap();
    fs::write(d.join(".git/HEAD.fit"), b"x").unwrap();
    fs::write(d.join(".DS_Store"), b"x").unwrap();
    fs::write(d.join("bikes.csv"), b"Bike Name,Bike Brand\n").unwrap();
    fs::write(d.join("a/photo.JPG"), b"x").unwrap();
    fs::write(d.join("a/b/run.fit"), read_sample(RUN_FIT)).unwrap();
    fs::write(d.join("a/0.gpx"), read_sample(RUN_GPX)).unwrap();
    let (items, stats) = leaves_of(&[d.to_path_buf()], Limits::default());
    assert_eq!(
        stats,
        WalkStats {
            files_seen: 2,
            leaves: 2,
            ignored: 4,
            bytes_read: 5597 + 983
        }
    );
    let paths: Vec<&str> = items.iter().map(Item::path).collect();
    assert_eq!(
        paths,
        vec![p(&d.join("a/0.gpx")), p(&d.join("a/b/run.fit"))]
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_rejected_with_the_os_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.fit");
    fs::write(&locked, read_sample(RUN_FIT)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        println!("SKIP: running as root, permissions are not enforced");
        return;
    }
    let walked = ingest(std::slice::from_ref(&locked), &WalkOptions::default());
    assert_eq!(walked.items.len(), 1);
    assert_eq!(walked.items[0].status, Status::Rejected);
    assert_eq!(
        walked.items[0].reason.as_deref(),
        Some("cannot read: Permission denied (os error 13)")
    );
}

#[test]
fn inputs_are_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("run.fit"), read_sample(RUN_FIT)).unwrap();
    fs::write(
        d.join("export.zip"),
        zip_of(&[("x/run.fit.gz", &gzip(&read_sample(RUN_FIT)))]),
    )
    .unwrap();
    fs::copy(
        sample("invalid/gzip-bad-crc32__fitparse__garmin-fenix-5-run.fit.gz"),
        d.join("bad.fit.gz"),
    )
    .unwrap();
    let snapshot = || -> Vec<(String, String, u64)> {
        let mut v: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let meta = e.metadata().unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    sha_hex(&fs::read(e.path()).unwrap()),
                    meta.len(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot();
    let walked = ingest(&[d.to_path_buf()], &WalkOptions::default());
    assert_eq!(walked.items.len(), 3);
    assert_eq!(snapshot(), before);
}

#[test]
fn output_order_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = read_sample(RUN_FIT);
    let members: Vec<(String, Vec<u8>)> = (0..40)
        .map(|i| (format!("m/{i:02}.fit"), run.clone()))
        .collect();
    let refs: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    fs::write(d.join("b.zip"), zip_of(&refs)).unwrap();
    for i in 0..20 {
        fs::write(d.join(format!("f{i:02}.fit")), &run).unwrap();
    }
    // Found as f05/a.fit before f05.fit (path order), sorted the other way round ('.' < '/').
    fs::create_dir(d.join("f05")).unwrap();
    fs::write(d.join("f05/a.fit"), &run).unwrap();
    let first: Vec<String> = leaves_of(&[d.to_path_buf()], Limits::default())
        .0
        .iter()
        .map(|i| i.path().to_owned())
        .collect();
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(first, sorted);
    assert_eq!(first.len(), 61);
    for _ in 0..3 {
        let again: Vec<String> = leaves_of(&[d.to_path_buf()], Limits::default())
            .0
            .iter()
            .map(|i| i.path().to_owned())
            .collect();
        assert_eq!(again, first);
    }
}

// ---------------------------------------------------------------- exports

/// Loose sample files as (name, content sha256) pairs.
fn loose_set(rels: &[&str]) -> BTreeSet<(String, String)> {
    rels.iter()
        .map(|rel| {
            let name = Path::new(rel)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, sha_hex(&read_sample(rel)))
        })
        .collect()
}

/// Leaves as (file name with any `.gz` dropped, content sha256) pairs.
/// Activity leaves by (file name, content hash); wellness files (read by name) are left out.
fn leaf_set(items: &[Item]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .filter(|i| heavylegs::wellness::Source::of_name(i.path()).is_none())
        .filter_map(|i| match i {
            Item::Leaf {
                path,
                content_sha256,
                ..
            } => {
                let name = path.rsplit(['/', '!']).next().unwrap();
                Some((
                    name.trim_end_matches(".gz").to_owned(),
                    content_sha256.clone(),
                ))
            }
            Item::Record(_) => None,
        })
        .collect()
}

fn garmin_export(dir: &Path) -> PathBuf {
    let part = zip_of(&[
        (RUN_FIT.trim_start_matches("fit/"), &read_sample(RUN_FIT)),
        (BIKE_FIT.trim_start_matches("fit/"), &read_sample(BIKE_FIT)),
        (
            ACTIVITY_FIT.trim_start_matches("fit/"),
            &read_sample(ACTIVITY_FIT),
        ),
    ]);
    let export = zip_of(&[
        (
            "DI_CONNECT/DI-Connect-Fitness/someone_summarizedActivities.json",
            b"[]",
        ),
        ("DI_CONNECT/DI-Connect-User/user_profile.json", b"{}"),
        (
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip",
            &part,
        ),
    ]);
    let path = dir.join("garmin_export.zip");
    fs::write(&path, export).unwrap();
    path
}

fn strava_export(dir: &Path) -> PathBuf {
    let export = zip_of(&[
        (
            "activities.csv",
            b"Activity ID,Activity Date,Activity Name,Filename\n101,\"Mar 2, 2026, 6:30:00 AM\",y,activities/101.fit.gz\n",
        ),
        ("activities/101.fit.gz", &gzip(&read_sample(RUN_FIT))),
        ("activities/102.gpx", &read_sample(RUN_GPX)),
        ("activities/103.tcx.gz", &gzip(&read_sample(SUP_TCX))),
        ("activities/104.gpx.gz", &gzip(&read_sample(HIKE_GPX))),
        ("media/photo.jpg", b"\xff\xd8\xff"),
        ("__MACOSX/activities/._101.fit.gz", b"\x00\x05\x16\x07"),
    ]);
    let path = dir.join("export_12345.zip");
    fs::write(&path, export).unwrap();
    path
}

#[test]
fn garmin_export_yields_the_same_files_as_loose_copies() {
    let dir = tempfile::tempdir().unwrap();
    let export = garmin_export(dir.path());
    let (items, stats) = leaves_of(std::slice::from_ref(&export), Limits::default());
    assert!(rejected(&items).is_empty(), "{:?}", rejected(&items));
    // The three activity files and the activity summaries (a wellness file).
    assert_eq!(stats.leaves, 4);
    assert_eq!(stats.ignored, 1, "user_profile.json");
    assert_eq!(
        leaf_set(&items),
        loose_set(&[RUN_FIT, BIKE_FIT, ACTIVITY_FIT])
    );
    let part = format!(
        "{}!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!",
        p(&export)
    );
    assert!(
        items
            .iter()
            .filter(|i| !i.path().ends_with("_summarizedActivities.json"))
            .all(|i| i.path().starts_with(&part)),
        "{items:?}"
    );
    // Members' hashes are of their own bytes.
    assert!(
        items
            .iter()
            .any(|i| matches!(i, Item::Leaf { sha256, .. } if sha256 == RUN_FIT_SHA))
    );
}

#[test]
fn strava_export_yields_the_same_files_as_loose_copies() {
    let dir = tempfile::tempdir().unwrap();
    let export = strava_export(dir.path());
    let (items, stats) = leaves_of(std::slice::from_ref(&export), Limits::default());
    assert!(rejected(&items).is_empty(), "{:?}", rejected(&items));
    // Four activity files and activities.csv (a wellness file).
    assert_eq!(stats.leaves, 5);
    assert_eq!(stats.ignored, 2, "photo.jpg, __MACOSX");
    // Strava renames files; compare contents under Strava's names.
    let mut want = BTreeSet::new();
    want.insert(("101.fit".to_owned(), RUN_FIT_SHA.to_owned()));
    want.insert(("102.gpx".into(), sha_hex(&read_sample(RUN_GPX))));
    want.insert(("103.tcx".into(), sha_hex(&read_sample(SUP_TCX))));
    want.insert(("104.gpx".into(), sha_hex(&read_sample(HIKE_GPX))));
    assert_eq!(leaf_set(&items), want);
    // The .fit.gz member is hashed as stored (its gzip bytes), not as inflated.
    let fit_gz = items
        .iter()
        .find(|i| i.path().ends_with("!activities/101.fit.gz"))
        .unwrap();
    let stored = gzip(&read_sample(RUN_FIT));
    assert!(matches!(fit_gz, Item::Leaf { sha256, .. } if *sha256 == sha_hex(&stored)));
}

/// An export gives the same run/skip outcome per file as loose copies.
#[test]
fn exports_decode_like_loose_files() {
    let dir = tempfile::tempdir().unwrap();
    let loose_dir = dir.path().join("loose");
    fs::create_dir(&loose_dir).unwrap();
    for rel in [RUN_FIT, BIKE_FIT, ACTIVITY_FIT, RUN_GPX, SUP_TCX, HIKE_GPX] {
        fs::copy(
            sample(rel),
            loose_dir.join(Path::new(rel).file_name().unwrap()),
        )
        .unwrap();
    }
    let outcome = |records: &[Record]| -> BTreeSet<(String, Status, Option<String>)> {
        records
            .iter()
            .map(|r| (r.sha256.clone(), r.status, r.reason.clone()))
            .collect()
    };
    let loose = ingest(std::slice::from_ref(&loose_dir), &WalkOptions::default()).items;
    // The fenix 5 run is a run and the fenix 5 ride is not (corpus SOURCES.md).
    let by_name = |n: &str| loose.iter().find(|r| r.path.ends_with(n)).unwrap();
    assert_eq!(by_name("garmin-fenix-5-run.fit").status, Status::Ok);
    assert_eq!(
        by_name("garmin-fenix-5-bike.fit").reason.as_deref(),
        Some("not a run: cycling")
    );

    // Wellness files (read by name) are ok records without an activity.
    let activities_only = |rs: Vec<Record>| -> Vec<Record> {
        let (wellness, rest): (Vec<Record>, Vec<Record>) = rs
            .into_iter()
            .partition(|r| heavylegs::wellness::Source::of_name(&r.path).is_some());
        assert!(
            wellness
                .iter()
                .all(|r| r.status == Status::Ok && r.activity.is_none()),
            "{wellness:?}"
        );
        assert_eq!(wellness.len(), 1);
        rest
    };
    let garmin =
        activities_only(ingest(&[garmin_export(dir.path())], &WalkOptions::default()).items);
    let loose_fit: Vec<Record> = loose
        .iter()
        .filter(|r| r.format == Some(Format::Fit))
        .cloned()
        .collect();
    assert_eq!(outcome(&garmin), outcome(&loose_fit));

    let strava =
        activities_only(ingest(&[strava_export(dir.path())], &WalkOptions::default()).items);
    let statuses = |rs: &[Record]| -> Vec<Status> {
        let mut v: Vec<Status> = rs.iter().map(|r| r.status).collect();
        v.sort_by_key(|s| *s as u8);
        v
    };
    let loose_strava: Vec<Record> = loose
        .iter()
        .filter(|r| {
            [
                "run.fit",
                "less-sec-time.gpx",
                "sup_activity_1.tcx",
                "Mojstrovka.gpx",
            ]
            .iter()
            .any(|n| r.path.ends_with(n))
        })
        .cloned()
        .collect();
    assert_eq!(statuses(&strava), statuses(&loose_strava));
}

#[test]
fn decode_leaf_rejects_unknown_content_and_keeps_sniffed_format() {
    let limits = Limits::default();
    let empty = Leaf {
        path: "x/zero.fit".into(),
        bytes: &[],
        sha256: sha_hex(&[]),
        stream: None,
    };
    let r = decode_leaf(&empty, &limits);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].status, Status::Rejected);
    assert_eq!(r[0].reason.as_deref(), Some("empty file (0 bytes)"));
    assert_eq!(r[0].format, None);

    let bytes = read_sample("invalid/fit-named-gpx__fitparse__garmin-fenix-5-run.gpx");
    let leaf = Leaf {
        path: "a.zip!run.gpx".into(),
        bytes: &bytes,
        sha256: RUN_FIT_SHA.into(),
        stream: None,
    };
    let records = decode_leaf(&leaf, &limits);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.format, Some(Format::Fit));
    assert_eq!(r.sha256, RUN_FIT_SHA);
    match &r.activity {
        Some(a) => {
            assert_eq!(r.status, Status::Ok);
            assert_eq!(a.source.path, "a.zip!run.gpx");
            assert!(
                a.warnings
                    .iter()
                    .any(|w| w == "content is FIT, name says .gpx"),
                "{:?}",
                a.warnings
            );
        }
        None => assert!(
            r.reason
                .as_deref()
                .unwrap()
                .ends_with("(content is FIT, name says .gpx)")
        ),
    }
}

// ---------------------------------------------------------------- dedupe

fn start(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 4, h, m, s).unwrap()
}

fn run_record(
    path: &str,
    sha: &str,
    format: Format,
    at: DateTime<Utc>,
    elapsed_s: f64,
    distance_m: f64,
) -> Record {
    let mut series = Series {
        time_s: vec![0.0, elapsed_s],
        ..Series::default()
    };
    series.distance_m = Some(vec![0.0, distance_m]);
    let mut activity = Activity::from_series(path, Sport::Running, at, series);
    activity.source.sha256 = sha.into();
    activity.source.format = format;
    activity.distance_m = Some(distance_m);
    activity.cadence_rule = CadenceRule::None;
    Record {
        path: path.into(),
        sha256: sha.into(),
        format: Some(format),
        status: Status::Ok,
        reason: None,
        duplicate_of: None,
        activity: Some(Box::new(activity)),
        wellness: None,
    }
}

fn outcome(records: &[Record]) -> Vec<(String, Status, Option<String>)> {
    let mut v: Vec<_> = records
        .iter()
        .map(|r| (r.path.clone(), r.status, r.duplicate_of.clone()))
        .collect();
    v.sort();
    v
}

fn dedupe_cases() -> Vec<Record> {
    let mut hr = run_record(
        "strava/9.gpx",
        "g9",
        Format::Gpx,
        start(18, 0, 0),
        1800.0,
        5000.0,
    );
    if let Some(a) = hr.activity.as_mut() {
        a.series.heart_rate_bpm = Some(vec![120.0, 150.0]);
    }
    vec![
        // Two copies of one FIT file.
        run_record(
            "garmin/a.fit",
            "aaa",
            Format::Fit,
            start(7, 0, 0),
            3600.0,
            10_000.0,
        ),
        run_record(
            "backup/a.fit",
            "aaa",
            Format::Fit,
            start(7, 0, 0),
            3600.0,
            10_000.0,
        ),
        // The same morning run as GPX: starts 30 s later, 0.3 % shorter, 1 % further.
        run_record(
            "strava/1.gpx",
            "bbb",
            Format::Gpx,
            start(7, 0, 30),
            3590.0,
            10_100.0,
        ),
        // An evening run the same day: kept.
        run_record(
            "garmin/b.fit",
            "ccc",
            Format::Fit,
            start(18, 0, 0),
            1800.0,
            5000.0,
        ),
        // Same start as the evening run but half the distance (a friend's watch? a warm-up): kept.
        run_record(
            "garmin/c.fit",
            "ddd",
            Format::Fit,
            start(18, 0, 20),
            900.0,
            2500.0,
        ),
        // Long run whose GPX copy starts 5 min late but covers 95.8 % of it.
        run_record(
            "garmin/long.fit",
            "eee",
            Format::Fit,
            start(9, 0, 0),
            7200.0,
            25_000.0,
        ),
        run_record(
            "strava/long.tcx",
            "fff",
            Format::Tcx,
            start(9, 5, 0),
            6900.0,
            24_000.0,
        ),
        // Two GPX copies of the evening run: the FIT of that run (garmin/b.fit) wins over
        // both, although one GPX records more channels.
        hr,
        run_record(
            "other/9.gpx",
            "g9b",
            Format::Gpx,
            start(18, 0, 5),
            1795.0,
            5010.0,
        ),
    ]
}

#[test]
fn dedupe_keeps_the_richest_copy() {
    let mut records = dedupe_cases();
    dedupe(&mut records);
    let got = outcome(&records);
    let s = |p: &str, st: Status, d: Option<&str>| (p.to_owned(), st, d.map(str::to_owned));
    assert_eq!(
        got,
        vec![
            s("backup/a.fit", Status::Ok, None),
            s("garmin/a.fit", Status::Skipped, Some("backup/a.fit")),
            s("garmin/b.fit", Status::Ok, None),
            s("garmin/c.fit", Status::Ok, None),
            s("garmin/long.fit", Status::Ok, None),
            s("other/9.gpx", Status::Skipped, Some("garmin/b.fit")),
            s("strava/1.gpx", Status::Skipped, Some("backup/a.fit")),
            s("strava/9.gpx", Status::Skipped, Some("garmin/b.fit")),
            s("strava/long.tcx", Status::Skipped, Some("garmin/long.fit")),
        ]
    );
    let loser = records.iter().find(|r| r.path == "strava/1.gpx").unwrap();
    assert_eq!(loser.reason.as_deref(), Some("duplicate of backup/a.fit"));
}

/// A folder imported many times over: every run still counted once, and
/// the same runs kept as from one import (copies are grouped by content and
/// only one of each is compared with the rest).
#[test]
fn an_export_imported_thirty_times_counts_each_run_once() {
    let mut once = dedupe_cases();
    dedupe(&mut once);
    let kept_once: Vec<String> = outcome(&once)
        .into_iter()
        .filter(|(_, st, _)| *st == Status::Ok)
        .map(|(p, _, _)| p)
        .collect();
    let mut many: Vec<Record> = Vec::new();
    for copy in 0..30 {
        for mut r in dedupe_cases() {
            r.path = format!("import{copy:02}/{}", r.path);
            many.push(r);
        }
    }
    dedupe(&mut many);
    let mut kept: Vec<String> = many
        .iter()
        .filter(|r| r.status == Status::Ok)
        .map(|r| r.path.split_once('/').unwrap().1.to_owned())
        .collect();
    kept.sort();
    assert_eq!(kept, kept_once);
    for r in many.iter().filter(|r| r.status == Status::Skipped) {
        let winner = r.duplicate_of.as_deref().unwrap();
        let winner = many.iter().find(|w| w.path == winner).unwrap();
        assert_eq!(winner.status, Status::Ok, "{} points at a kept run", r.path);
    }
}

#[test]
fn dedupe_does_not_depend_on_input_order() {
    let mut reference = dedupe_cases();
    dedupe(&mut reference);
    let want = outcome(&reference);
    let n = dedupe_cases().len();
    for rotation in 0..n {
        for reverse in [false, true] {
            let mut records = dedupe_cases();
            records.rotate_left(rotation);
            if reverse {
                records.reverse();
            }
            dedupe(&mut records);
            assert_eq!(
                outcome(&records),
                want,
                "rotation {rotation}, reversed {reverse}"
            );
        }
    }
}

#[test]
fn dedupe_prefers_more_channels_within_a_format_and_ignores_non_ok() {
    let mut with_hr = run_record(
        "z/late.gpx",
        "x1",
        Format::Gpx,
        start(6, 0, 0),
        1000.0,
        3000.0,
    );
    if let Some(a) = with_hr.activity.as_mut() {
        a.series.heart_rate_bpm = Some(vec![100.0, 140.0]);
    }
    let plain = run_record(
        "a/early.gpx",
        "x2",
        Format::Gpx,
        start(6, 0, 10),
        1000.0,
        3000.0,
    );
    let mut rejected = run_record(
        "a/rejected.fit",
        "x3",
        Format::Fit,
        start(6, 0, 0),
        1000.0,
        3000.0,
    );
    rejected.status = Status::Rejected;
    // Same file twice but two sessions of a multisport file: different starts, kept apart.
    let leg1 = run_record(
        "tri.fit#2",
        "tri",
        Format::Fit,
        start(12, 0, 0),
        600.0,
        2000.0,
    );
    let leg2 = run_record(
        "tri.fit#4",
        "tri",
        Format::Fit,
        start(13, 0, 0),
        600.0,
        2000.0,
    );
    let mut records = vec![plain, with_hr, rejected, leg1, leg2];
    dedupe(&mut records);
    assert_eq!(records[0].duplicate_of.as_deref(), Some("z/late.gpx"));
    assert_eq!(records[1].status, Status::Ok);
    assert_eq!(records[2].status, Status::Rejected);
    assert_eq!(records[2].duplicate_of, None);
    assert_eq!(records[3].status, Status::Ok);
    assert_eq!(records[4].status, Status::Ok);
}

#[test]
fn dedupe_prefers_an_intact_copy_over_a_salvaged_one() {
    let intact = run_record(
        "z/run.fit",
        "s1",
        Format::Fit,
        start(8, 0, 0),
        3000.0,
        9000.0,
    );
    let mut salvaged = run_record(
        "a/run.fit",
        "s2",
        Format::Fit,
        start(8, 0, 0),
        3000.0,
        9000.0,
    );
    if let Some(a) = salvaged.activity.as_mut() {
        a.warnings.push("file CRC mismatch; data kept".into());
    }
    let mut records = vec![salvaged, intact];
    dedupe(&mut records);
    assert_eq!(records[0].duplicate_of.as_deref(), Some("z/run.fit"));
    assert_eq!(records[1].status, Status::Ok);
}
