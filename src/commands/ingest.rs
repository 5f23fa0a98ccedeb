//! `heavylegs ingest`: inputs decoded and listed (`--jsonl`) or written as
//! tables (`-o`), no analysis.

use std::time::Instant;

use serde_json::json;

use crate::athlete::Item;
use crate::athlete::collect::{dedupe_items, log_warnings};
use crate::cli::IngestArgs;
use crate::exit::{Exit, exit_for};
use crate::ingest::{self, Leaf, Record, Status, WalkOptions};
use crate::log::Log;
use crate::metrics::RunMetrics;
use crate::output::out_line;
use crate::settings::IngestJob;

/// `heavylegs ingest`: decode and list, no analysis.
pub fn run(args: &IngestArgs, log: &Log) -> anyhow::Result<Exit> {
    let t0 = Instant::now();
    let job = IngestJob::from_args(args);
    let keep_series = job.output.is_some();
    let opts = WalkOptions {
        limits: job.limits.clone(),
        progress: None,
        fit_decoder: job.fit_decoder,
    };
    let walked = ingest::walk(&job.inputs, &opts, |leaf: &Leaf| {
        ingest::decode_leaf_with(leaf, &job.limits, job.fit_decoder)
            .into_iter()
            .map(|r| Item::from_decoded(r, &job.metrics, keep_series))
            .collect::<Vec<Item>>()
    });
    crate::interrupt::checkpoint()?;
    crate::interrupt::enter(crate::interrupt::Stage::Writing);
    let mut items = walked.items;
    dedupe_items(&mut items);
    log_warnings(&items, log);
    if job.jsonl {
        for item in &items {
            out_line(&jsonl_line(item).to_string())?;
        }
    }
    if let Some(dir) = &job.output {
        let _lock = crate::lock::OutputLock::acquire(dir)?;
        let records: Vec<Record> = items.iter().map(|i| i.record.clone()).collect();
        let metrics: Vec<RunMetrics> = items.iter().filter_map(|i| i.metrics().cloned()).collect();
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
        let activities: Vec<&crate::activity::Activity> = records
            .iter()
            .filter_map(|r| r.activity.as_deref())
            .collect();
        crate::report::tables::write_samples(dir, &activities)?;
    }
    let count = |s: Status| items.iter().filter(|i| i.record.status == s).count();
    let wellness = items
        .iter()
        .filter(|i| i.record.status == Status::Ok && i.record.activity.is_none())
        .count();
    let dups = items
        .iter()
        .filter(|i| i.record.duplicate_of.is_some())
        .count();
    let rejected = count(Status::Rejected);
    log.info(
        "ingest summary",
        &[
            ("files", json!(walked.stats.files_seen)),
            ("ok", json!(count(Status::Ok) - wellness)),
            ("wellness", json!(wellness)),
            ("skipped", json!(count(Status::Skipped))),
            ("rejected", json!(rejected)),
            ("duplicates", json!(dups)),
            (
                "seconds",
                json!((t0.elapsed().as_secs_f64() * 100.0).round() / 100.0),
            ),
        ],
    );
    Ok(exit_for(rejected, 0, 0, None))
}

/// The documented `ingest --jsonl` object (null where unknown).
pub fn jsonl_line(item: &Item) -> serde_json::Value {
    let r = &item.record;
    let a = r.activity.as_ref();
    let m = item.metrics();
    let w = r.wellness.as_deref();
    let kind = match (a, w) {
        (Some(_), _) => Some("activity"),
        (None, Some(_)) => Some("wellness"),
        (None, None) => crate::wellness::Source::of_name(&r.path).map(|_| "wellness"),
    };
    let warnings: Vec<&String> = a
        .iter()
        .flat_map(|a| &a.warnings)
        .chain(w.iter().flat_map(|w| &w.warnings))
        .collect();
    json!({
        "path": r.path,
        "sha256": r.sha256,
        "kind": kind,
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
        // heavylegs' own: the mean over moving time (stops and walking breaks excluded).
        "avg_cadence_spm": m.and_then(|m| m.mean_cadence_spm),
        // The session's own average, as the watch and Garmin Connect show it.
        "device_avg_cadence_spm": a.and_then(|a| a.device_avg_cadence_spm).map(|c| crate::report::model::r(c, 1)),
        "records": a.map(|_| item.records),
        "device": a.and_then(|a| a.source.device.clone()),
        "duplicate_of": r.duplicate_of,
        "moving_s": m.and_then(|m| m.moving_s),
        "median_cadence_spm": m.and_then(|m| m.median_cadence_spm),
        "step_length_m": m.and_then(|m| m.step_length_m),
        "warm_up_s": m.and_then(|m| m.warm_up_s),
        "cool_down_s": m.and_then(|m| m.cool_down_s),
        "decoupling_pct": m.and_then(|m| m.decoupling_pct),
        "warnings": warnings,
        // Wellness records: how much of each kind the file held.
        "wellness": w.map(|w| json!({
            "nights": w.nights.len(),
            "resting_hr_days": w.resting_hr.len(),
            "hrv_days": w.hrv.len(),
            "gear": w.gear.len(),
            "gear_uses": w.gear_uses.len() + w.gear_links.len(),
            "activities": w.activities.len(),
            "feels": w.feels.len(),
            "ferritin": w.ferritin.len(),
            "notes": w.notes.len(),
        })),
    })
}
