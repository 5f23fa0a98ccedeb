//! FIT engines side by side on single files held in memory: heavylegs' fast
//! reader, the fitparser crate alone, heavylegs on fitparser, and the CRC-16
//! pass every decoder must at least pay. Bytes/s, so files of any size compare.
//! The folder-wide, multi-thread numbers come from `examples/fit_throughput.rs`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use heavylegs::decode::fit::{FitDecoder, crc16, decode_with};
use heavylegs::limits::Limits;

const FILES: [&str; 3] = [
    "fit/fitparse__activity-small-fenix2-run.fit",
    "fit/fitparse__sample_mulitple_header.fit",
    "demo/2026-09-13-07-30-38.fit",
];

fn engines(c: &mut Criterion) {
    let limits = Limits::default();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut group = c.benchmark_group("fit_engines");
    for name in FILES {
        let bytes = std::fs::read(dir.join(name)).expect("sample FIT file");
        let short = name.rsplit('/').next().unwrap_or(name);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("crc16", short), &bytes, |b, bytes| {
            b.iter(|| crc16(bytes))
        });
        group.bench_with_input(BenchmarkId::new("fast", short), &bytes, |b, bytes| {
            b.iter(|| decode_with(bytes, &limits, FitDecoder::Fast).expect("decodes"))
        });
        group.bench_with_input(
            BenchmarkId::new("fitparser-crate", short),
            &bytes,
            |b, bytes| b.iter(|| fitparser::from_bytes(bytes).expect("fitparser reads it")),
        );
        group.bench_with_input(
            BenchmarkId::new("heavylegs-fitparser", short),
            &bytes,
            |b, bytes| {
                b.iter(|| decode_with(bytes, &limits, FitDecoder::Fitparser).expect("decodes"))
            },
        );
    }
    group.finish();
}

criterion_group!(benches, engines);
criterion_main!(benches);
