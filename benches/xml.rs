//! GPX/TCX decode throughput (MB/s) on the committed samples.
//!
//! `cargo bench --no-default-features --bench xml`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heavylegs::decode::{gpx, tcx};
use heavylegs::limits::Limits;

fn sample(dir: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(dir)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn xml_decode(c: &mut Criterion) {
    let limits = Limits::default();
    let mut group = c.benchmark_group("xml");
    for (dir, name) in [
        ("gpx", "georust-gpx__garmin-activity.gpx"),
        ("gpx", "gpxpy__cerknicko-jezero.gpx"),
        ("tcx", "tcxreader__sup_activity_1.tcx"),
    ] {
        let bytes = sample(dir, name);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let r = if dir == "gpx" {
                    gpx::decode(black_box(&bytes), &limits)
                } else {
                    tcx::decode(black_box(&bytes), &limits)
                };
                black_box(r.map(|a| a.len()).unwrap_or(0))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, xml_decode);
criterion_main!(benches);
