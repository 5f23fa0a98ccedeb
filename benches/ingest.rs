//! Walk throughput over a folder of sample copies: files/s and MB/s.
//!
//! `walk_only` measures discovery, reading, gzip/zip expansion and hashing
//! (the closure does nothing); `ingest` adds sniffing and decoding.

use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heavylegs::ingest::{Leaf, Record, WalkOptions, ingest, walk};

const SAMPLES: &[&str] = &[
    "fit/fitparse__garmin-fenix-5-run.fit",
    "fit/fitparse__garmin-fenix-5-bike.fit",
    "gpx/gpxpy__Mojstrovka.gpx",
    "tcx/tcxreader__sup_activity_1.tcx",
    "invalid/valid-gzip__fitparse__garmin-fenix-5-run.fit.gz",
    "invalid/valid-gzip__gpxpy__Mojstrovka.gpx.gz",
];
const COPIES: usize = 50;

/// Loose copies of every sample plus one zip holding the same copies; returns (files, bytes).
fn build_folder(dir: &Path) -> (u64, u64) {
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let (mut files, mut bytes) = (0u64, 0u64);
    for copy in 0..COPIES {
        for rel in SAMPLES {
            let data = fs::read(samples.join(rel)).expect("sample present");
            let name = format!(
                "{copy:03}-{}",
                Path::new(rel).file_name().unwrap().to_string_lossy()
            );
            fs::write(dir.join(&name), &data).unwrap();
            zip.start_file(format!("activities/{name}"), opts).unwrap();
            zip.write_all(&data).unwrap();
            files += 1;
            bytes += data.len() as u64;
        }
    }
    let zip = zip.finish().unwrap().into_inner();
    bytes += zip.len() as u64;
    files += 1;
    fs::write(dir.join("export.zip"), zip).unwrap();
    (files, bytes)
}

fn bench_walk(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (files, bytes) = build_folder(dir.path());
    let inputs = vec![dir.path().to_path_buf()];
    let opts = WalkOptions::default();

    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(Throughput::Elements(files));
    group.bench_function("walk_only_files", |b| {
        b.iter(|| {
            walk(&inputs, &opts, |leaf: &Leaf| -> Vec<Record> {
                std::hint::black_box(leaf.bytes.len());
                Vec::new()
            })
        })
    });
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("walk_only_bytes", |b| {
        b.iter(|| {
            walk(&inputs, &opts, |leaf: &Leaf| -> Vec<Record> {
                std::hint::black_box(leaf.bytes.len());
                Vec::new()
            })
        })
    });
    group.throughput(Throughput::Elements(files));
    group.bench_function("ingest_files", |b| b.iter(|| ingest(&inputs, &opts)));
    group.finish();
}

criterion_group!(benches, bench_walk);
criterion_main!(benches);
