//! FIT engines side by side on single files held in memory: heavylegs' fast
//! reader, the fitparser crate alone, heavylegs on fitparser, and the CRC-16
//! pass every decoder must at least pay. Bytes/s, so files of any size compare.
//! The folder-wide, multi-thread numbers come from `examples/fit_throughput.rs`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use heavylegs::decode::fit::{FitDecoder, decode_with};
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

/// The FIT CRC (CRC-16/ARC), a byte at a time from a 256-entry table.
// TODO(lead): use decode::fit::crc16 once it is public.
fn crc16(bytes: &[u8]) -> u16 {
    const TABLE: [u16; 256] = {
        let mut t = [0u16; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u16;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0xA001
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    bytes.iter().fold(0u16, |crc, &b| {
        (crc >> 8) ^ TABLE[usize::from((crc ^ u16::from(b)) as u8)]
    })
}

criterion_group!(benches, engines);
criterion_main!(benches);
