//! FIT decoding throughput on the sample files (bytes/s).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use heavylegs::activity::Format;
use heavylegs::decode::decode;
use heavylegs::limits::Limits;

const FILES: [&str; 4] = [
    "fitparse__garmin-fenix-5-run.fit",
    "fitparse__compressed-speed-distance.fit",
    "fitparse__sample_mulitple_header.fit",
    "fitparse__activity-small-fenix2-run.fit",
];

fn fit(c: &mut Criterion) {
    let limits = Limits::default();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fit");
    let mut group = c.benchmark_group("decode_fit");
    for name in FILES {
        let bytes = std::fs::read(dir.join(name)).expect("sample FIT file");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &bytes, |b, bytes| {
            b.iter(|| decode(Format::Fit, bytes, &limits).expect("decodes"))
        });
    }
    group.finish();
}

criterion_group!(benches, fit);
criterion_main!(benches);
