//! One athlete through every stage, and the `ingest` command.
//!
//! The per-file step (decode + run metrics) sits behind the content-hash
//! cache; everything after it works on small per-run rows, never on series.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::{Exit, exit_for, out_line, progress_wanted};
use crate::cache::{Cache, CacheState};
use crate::cli::IngestArgs;
use crate::ingest::{self, Leaf, Record, Status, WalkOptions};
use crate::log::Log;
use crate::metrics::{self, MetricsConfig, RunMetrics};
use crate::settings::{AthleteJob, Job};

/// The cached, per-file unit of work: an ingest record (series dropped once
/// the metrics are computed) with its run metrics.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub record: Record,
    pub metrics: Option<RunMetrics>,
    /// Samples the activity had before its series was dropped.
    pub records: usize,
    /// First recorded position (lat, lon), for the time zone of files without an offset.
    pub start_lat_lon: Option<(f64, f64)>,
}

impl From<Record> for Item {
    fn from(record: Record) -> Item {
        Item {
            record,
            metrics: None,
            records: 0,
            start_lat_lon: None,
        }
    }
}

impl Item {
    /// Computes metrics for runs and drops the series (kept with `keep_series`).
    pub fn from_decoded(mut record: Record, cfg: &MetricsConfig, keep_series: bool) -> Item {
        let mut item = Item {
            records: 0,
            start_lat_lon: None,
            metrics: None,
            record: record.clone(),
        };
        if let Some(act) = record.activity.as_mut() {
            item.records = act.series.len();
            item.start_lat_lon = first_position(&act.series);
            if record.status == Status::Ok {
                item.metrics = Some(metrics::compute(act, cfg));
            }
            if !keep_series {
                act.series = Default::default();
            }
        }
        item.record = record;
        item
    }
}

fn first_position(s: &crate::activity::Series) -> Option<(f64, f64)> {
    let (lat, lon) = (s.lat_deg.as_ref()?, s.lon_deg.as_ref()?);
    lat.iter()
        .zip(lon)
        .find(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
}

/// What one athlete's run produced, for the summary and the roster.
#[derive(Debug, Clone, Serialize)]
pub struct AthleteOutcome {
    pub name: String,
    pub out_dir: PathBuf,
    pub ok: usize,
    pub skipped: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub decoded: usize,
    pub cached: usize,
    pub flagged: Vec<String>,
    pub roster: crate::roster::RosterRow,
}

/// Decodes (or takes from the cache) every input of one athlete and computes run metrics.
pub fn collect_items(
    a: &AthleteJob,
    job: &Job,
    log: &Log,
    bar: Option<indicatif::ProgressBar>,
) -> (Vec<Item>, usize, usize) {
    let cfg = MetricsConfig::from_profile(&a.profile);
    // One cache per athlete, so athletes running in parallel never share a file.
    let cache_dir = job
        .cache_dir
        .as_ref()
        .map(|d| d.join(crate::output::safe_name(&a.profile.name)));
    let (cache, state) = match &cache_dir {
        Some(dir) => Cache::<Vec<Item>>::open(dir, &settings_key(a, job)),
        None => (Cache::disabled(), CacheState::Fresh),
    };
    if let CacheState::Rebuilt(why) = &state {
        log.warn(
            &format!(
                "cache {} rebuilt: {why}",
                cache_dir
                    .as_ref()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default()
            ),
            &[],
        );
    }
    let decoded = AtomicUsize::new(0);
    let opts = WalkOptions {
        limits: job.limits.clone(),
        progress: bar,
        fit_decoder: job.fit_decoder,
    };
    let walked = ingest::walk(&a.inputs, &opts, |leaf: &Leaf| {
        let key = format!("{}:{}", leaf.sha256, leaf.path);
        if let Some(items) = cache.get(&key) {
            return items;
        }
        decoded.fetch_add(1, Ordering::Relaxed);
        let items: Vec<Item> = ingest::decode_leaf_with(leaf, &job.limits, job.fit_decoder)
            .into_iter()
            .map(|r| Item::from_decoded(r, &cfg, false))
            .collect();
        cache.put(&key, items.clone());
        items
    });
    // An interrupted walk used only part of the cache; saving would drop the rest.
    if crate::interrupt::requested() {
        log.debug("cache not saved: run interrupted", &[]);
    } else if let Err(e) = cache.save() {
        log.warn(&format!("cache not saved: {e}"), &[]);
    }
    let cached = cache.hits();
    let mut items = walked.items;
    dedupe_items(&mut items);
    (items, decoded.into_inner(), cached)
}

/// Runs dedupe on the records and copies the verdicts back.
fn dedupe_items(items: &mut [Item]) {
    let mut records: Vec<Record> = items.iter().map(|i| i.record.clone()).collect();
    ingest::dedupe::dedupe(&mut records);
    for (item, r) in items.iter_mut().zip(records) {
        if r.duplicate_of.is_some() {
            item.record.status = r.status;
            item.record.reason = r.reason;
            item.record.duplicate_of = r.duplicate_of;
        }
    }
}

/// Settings that change per-file results; the cache is invalid when they change.
fn settings_key(a: &AthleteJob, job: &Job) -> String {
    let cfg = MetricsConfig::from_profile(&a.profile);
    format!(
        "{}|{}|fit_decoder={}",
        serde_json::to_string(&cfg).unwrap_or_default(),
        serde_json::to_string(&job.limits).unwrap_or_default(),
        serde_json::to_string(&job.fit_decoder).unwrap_or_default()
    )
}

pub fn run_job(job: &Job, log: &Log) -> anyhow::Result<Exit> {
    let t0 = Instant::now();
    let locks = lock_outputs(job)?;
    let multi = indicatif::MultiProgress::new();
    let show = progress_wanted(job, log);
    if !show {
        multi.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let outcomes: Vec<anyhow::Result<AthleteOutcome>> = job
        .athletes
        .par_iter()
        .map(|a| {
            let bar = multi.add(indicatif::ProgressBar::no_length());
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>12} {bar:30} {pos}/{len} files {per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_prefix(a.profile.name.clone());
            let r = crate::analyse::athlete(a, job, log, Some(bar.clone()));
            bar.finish_and_clear();
            r
        })
        .collect();
    let mut done = Vec::new();
    for (a, r) in job.athletes.iter().zip(outcomes) {
        done.push(r.with_context(|| format!("athlete {}", a.profile.name))?);
    }
    crate::interrupt::checkpoint()?;
    if let Some(dir) = &job.roster_dir {
        let rows = roster_rows(job, &done)?;
        crate::roster::write(dir, &rows)?;
        log.info(
            &format!("Roster: {}", dir.join("roster.html").display()),
            &[],
        );
    }
    let rejected: usize = done.iter().map(|o| o.rejected).sum();
    let flagged: usize = done.iter().map(|o| o.flagged.len()).sum();
    log.info(
        "done",
        &[
            ("athletes", json!(done.len())),
            ("runs", json!(done.iter().map(|o| o.ok).sum::<usize>())),
            (
                "skipped",
                json!(done.iter().map(|o| o.skipped).sum::<usize>()),
            ),
            ("rejected", json!(rejected)),
            (
                "duplicates",
                json!(done.iter().map(|o| o.duplicates).sum::<usize>()),
            ),
            (
                "decoded",
                json!(done.iter().map(|o| o.decoded).sum::<usize>()),
            ),
            (
                "cached",
                json!(done.iter().map(|o| o.cached).sum::<usize>()),
            ),
            (
                "seconds",
                json!((t0.elapsed().as_secs_f64() * 100.0).round() / 100.0),
            ),
        ],
    );
    drop(locks);
    Ok(exit_for(rejected, flagged, job.fail_on))
}

/// Locks each athlete's folder and, in an unsharded coach run, the roster:
/// runs over disjoint athletes (shards) never block each other.
fn lock_outputs(job: &Job) -> Result<Vec<crate::lock::OutputLock>, crate::lock::LockError> {
    let mut locks = Vec::new();
    for a in &job.athletes {
        locks.push(crate::lock::OutputLock::acquire(&a.out_dir)?);
    }
    if let Some(dir) = &job.roster_dir {
        locks.push(crate::lock::OutputLock::acquire_roster(dir)?);
    }
    Ok(locks)
}

/// Roster rows read back from the report.json just written, as `heavylegs
/// roster` reads them, so the two rosters are byte for byte the same; the
/// in-memory rows when the json format is off.
fn roster_rows(
    job: &Job,
    done: &[AthleteOutcome],
) -> Result<Vec<crate::roster::RosterRow>, crate::reduce::ReduceError> {
    if !job.formats.iter().any(|f| f == "json") {
        return Ok(done.iter().map(|o| o.roster.clone()).collect());
    }
    done.iter()
        .map(|o| crate::reduce::row_from_dir(&o.out_dir))
        .collect()
}

/// `heavylegs ingest`: decode and list, no analysis.
pub fn ingest_command(args: &IngestArgs, log: &Log) -> anyhow::Result<Exit> {
    let t0 = Instant::now();
    let limits = crate::limits::Limits::default();
    let cfg = MetricsConfig::default();
    let keep_series = args.output.is_some();
    let fit_decoder = args.decoder.fit_decoder.unwrap_or_default();
    let opts = WalkOptions {
        limits: limits.clone(),
        progress: None,
        fit_decoder,
    };
    let walked = ingest::walk(&args.inputs, &opts, |leaf: &Leaf| {
        ingest::decode_leaf_with(leaf, &limits, fit_decoder)
            .into_iter()
            .map(|r| Item::from_decoded(r, &cfg, keep_series))
            .collect::<Vec<Item>>()
    });
    crate::interrupt::checkpoint()?;
    crate::interrupt::enter(crate::interrupt::Stage::Writing);
    let mut items = walked.items;
    dedupe_items(&mut items);
    if args.jsonl {
        for item in &items {
            out_line(&jsonl_line(item).to_string())?;
        }
    }
    if let Some(dir) = &args.output {
        let _lock = crate::lock::OutputLock::acquire(dir)?;
        let records: Vec<Record> = items.iter().map(|i| i.record.clone()).collect();
        let metrics: Vec<RunMetrics> = items.iter().filter_map(|i| i.metrics.clone()).collect();
        let report = crate::report::Report::new(&crate::report::ReportInputs {
            athlete: "",
            generated_at: chrono::Utc::now(),
            timezone: None,
            timezone_source: "",
            display_units: Default::default(),
            records: &records,
            metrics: &metrics,
            weeks: &[],
            findings: &[],
            fit: None,
            run_dates: &[],
        });
        crate::report::write_tables(dir, &records, &metrics, &report)?;
        let activities: Vec<&crate::activity::Activity> =
            records.iter().filter_map(|r| r.activity.as_ref()).collect();
        crate::report::tables::write_samples(dir, &activities)?;
    }
    let count = |s: Status| items.iter().filter(|i| i.record.status == s).count();
    let dups = items
        .iter()
        .filter(|i| i.record.duplicate_of.is_some())
        .count();
    let rejected = count(Status::Rejected);
    log.info(
        "ingest summary",
        &[
            ("files", json!(walked.stats.files_seen)),
            ("ok", json!(count(Status::Ok))),
            ("skipped", json!(count(Status::Skipped))),
            ("rejected", json!(rejected)),
            ("duplicates", json!(dups)),
            (
                "seconds",
                json!((t0.elapsed().as_secs_f64() * 100.0).round() / 100.0),
            ),
        ],
    );
    Ok(exit_for(rejected, 0, None))
}

/// The documented `ingest --jsonl` object (null where unknown).
pub fn jsonl_line(item: &Item) -> serde_json::Value {
    let r = &item.record;
    let a = r.activity.as_ref();
    let m = item.metrics.as_ref();
    json!({
        "path": r.path,
        "sha256": r.sha256,
        "format": r.format.map(|f| f.as_str()),
        "status": r.status,
        "reason": r.reason,
        "sport": a.map(|a| a.sport.as_str()),
        "sub_sport": a.and_then(|a| a.sub_sport.clone()),
        "start_time": a.map(|a| a.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "utc_offset_s": a.and_then(|a| a.utc_offset_s),
        "elapsed_s": a.map(|a| a.elapsed_s),
        "timer_s": a.and_then(|a| a.timer_s),
        "distance_m": a.and_then(|a| a.distance_m),
        "avg_cadence_spm": m.and_then(|m| m.mean_cadence_spm).or(a.and_then(|a| a.device_avg_cadence_spm)),
        "records": a.map(|_| item.records),
        "device": a.and_then(|a| a.source.device.clone()),
        "duplicate_of": r.duplicate_of,
        "moving_s": m.and_then(|m| m.moving_s),
        "median_cadence_spm": m.and_then(|m| m.median_cadence_spm),
        "step_length_m": m.and_then(|m| m.step_length_m),
        "warm_up_s": m.and_then(|m| m.warm_up_s),
        "cool_down_s": m.and_then(|m| m.cool_down_s),
        "decoupling_pct": m.and_then(|m| m.decoupling_pct),
    })
}
