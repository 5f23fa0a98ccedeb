//! The whole per-athlete pipeline on the demo athlete (52 files, 12 weeks):
//! decode + metrics + dedupe + weekly load + findings + report rendering,
//! without the cache. Throughput is in runs; the README turns it into runs/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heavylegs::log::Log;
use heavylegs::settings::{AthleteJob, Job};

fn demo_job(out: &std::path::Path) -> Job {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/demo");
    let args = heavylegs::cli::ReportArgs {
        inputs: vec![demo],
        athletes: None,
        output: out.to_path_buf(),
        profile: Default::default(),
        run: heavylegs::cli::RunControl {
            no_cache: true,
            no_progress: true,
            ..Default::default()
        },
    };
    Job::from_report_args(&args).expect("demo job")
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let job = demo_job(dir.path());
    let log = Log::new(true, false, false);
    let athlete: &AthleteJob = &job.athletes[0];
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(52));
    group.bench_function("demo_athlete_52_files", |b| {
        b.iter(|| heavylegs::batch::run_athlete(athlete, &job, &log, None).expect("report"))
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
