//! One athlete through every stage, and the `ingest` command.
//!
//! The per-file step (decode + run metrics) sits behind the content-hash
//! cache; everything after it works on small per-run rows, never on series.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::{Exit, exit_for, out_line, progress_wanted};
use crate::cache::{Cache, CacheState, FileStat, StatEntry};
use crate::cli::IngestArgs;
use crate::ingest::{self, KnownLeaves, Leaf, Record, Shortcut, Status, WalkOptions};
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
    pub cached: CacheUse,
    pub flagged: Vec<String>,
    pub roster: crate::roster::RosterRow,
    /// Held back: the inputs yielded no activity, so nothing was written.
    pub held_back: bool,
}

/// How much of a run the cache answered.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CacheUse {
    /// Leaves (files, archive members) whose results came from the cache.
    pub hits: usize,
    /// Files not even read: their stat matched the cache's index.
    pub unchanged_files: usize,
}

/// The cache's stat index in front of reading (see [`crate::cache`]).
struct StatFirst<'c> {
    cache: &'c Cache<Vec<Item>>,
    /// `--rehash`: read everything, still record stats.
    rehash: bool,
    run_start_ns: i64,
    unchanged: AtomicUsize,
}

impl Shortcut<Item> for StatFirst<'_> {
    type Stamp = FileStat;

    fn lookup(&self, path: &Path) -> Result<KnownLeaves<Item>, Option<FileStat>> {
        let Ok(meta) = std::fs::metadata(path) else {
            return Err(None);
        };
        let stat = FileStat::of(&meta);
        if !self.rehash
            && let Some(found) = self.cache.unchanged(&path.to_string_lossy(), &stat)
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(found);
        }
        Err(stat.settled(self.run_start_ns).then_some(stat))
    }

    fn remember(&self, path: &Path, stat: FileStat, produced: &[(&str, &Item)]) {
        let mut leaves: Vec<(String, String)> = Vec::new();
        for (leaf, item) in produced {
            let key = leaf_key(&item.record.sha256, leaf);
            if leaves.last().is_some_and(|(l, k)| l == leaf && *k == key) {
                continue;
            }
            // A leaf without an entry (refused before decoding) keeps the file read every run.
            if !self.cache.holds(&key) {
                return;
            }
            leaves.push((leaf.to_string(), key));
        }
        self.cache
            .put_stat(&path.to_string_lossy(), StatEntry { stat, leaves });
    }
}

/// The cache key of one leaf's results.
fn leaf_key(sha256: &str, leaf_path: &str) -> String {
    format!("{sha256}:{leaf_path}")
}

/// Decodes (or takes from the cache) every input of one athlete and computes run metrics.
pub fn collect_items(
    a: &AthleteJob,
    job: &Job,
    log: &Log,
    bar: Option<indicatif::ProgressBar>,
) -> (Vec<Item>, usize, CacheUse) {
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
    let shortcut = StatFirst {
        cache: &cache,
        rehash: job.rehash,
        run_start_ns: crate::cache::now_ns(),
        unchanged: AtomicUsize::new(0),
    };
    let walked = ingest::walk_with(&a.inputs, &opts, &shortcut, |leaf: &Leaf| {
        let key = leaf_key(&leaf.sha256, &leaf.path);
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
    // So would a walk that found nothing (an unmounted share): keep it for when it is back.
    let held_back =
        !job.allow_empty && crate::guard::yielded_nothing(walked.items.iter().map(|i| &i.record));
    if crate::interrupt::requested() {
        log.debug("cache not saved: run interrupted", &[]);
    } else if held_back {
        log.debug("cache not saved: no activities found", &[]);
    } else if let Err(e) = cache.save() {
        log.warn(&format!("cache not saved: {e}"), &[]);
    }
    let cached = CacheUse {
        hits: cache.hits(),
        unchanged_files: shortcut.unchanged.into_inner(),
    };
    let mut items = walked.items;
    if let Some(journal) = profile_journal(a) {
        items.push(Item::from(journal));
    }
    dedupe_items(&mut items);
    apply_max_hr_estimate(&mut items, &cfg, job.as_of, log);
    log_warnings(&items, log);
    (items, decoded.into_inner(), cached)
}

/// The profile's `[[journal]]` entries as one wellness record.
fn profile_journal(a: &AthleteJob) -> Option<Record> {
    if a.profile.journal.is_empty() {
        return None;
    }
    let path = format!("{}[[journal]]", crate::settings::PROFILE_FILE);
    let w = crate::wellness::journal::entries(&path, &a.profile.journal);
    Some(Record {
        path,
        sha256: String::new(),
        format: None,
        status: Status::Ok,
        reason: None,
        duplicate_of: None,
        activity: None,
        wellness: Some(Box::new(w)),
    })
}

/// Without a configured max or threshold HR, estimates max HR from the
/// history and re-derives every run's zones, intensity and TRIMP from it
/// (per-file rows, cached or not, only knew their own run's max).
fn apply_max_hr_estimate(
    items: &mut [Item],
    cfg: &MetricsConfig,
    as_of: Option<chrono::NaiveDate>,
    log: &Log,
) {
    if cfg.max_hr_bpm.is_some() || cfg.threshold_hr_bpm.is_some() {
        return;
    }
    // `--as-of` reports as if run that day: later runs must not set the zones.
    // (UTC date plus a day of slack: the local date is only known after load.)
    let by_as_of = |m: &&metrics::RunMetrics| {
        as_of.is_none_or(|d| {
            m.start
                .is_none_or(|s| s.date_naive() <= d + chrono::Days::new(1))
        })
    };
    let ok = items
        .iter()
        .filter(|i| i.record.status == Status::Ok)
        .filter_map(|i| i.metrics.as_ref())
        .filter(by_as_of);
    let Some(est) = metrics::athlete::estimate_max_hr(ok) else {
        return;
    };
    log.debug(
        &format!(
            "max HR estimated at {:.0} bpm from {} runs",
            est.bpm, est.runs
        ),
        &[],
    );
    let cfg = MetricsConfig {
        observed_max_hr_bpm: Some(est.bpm),
        ..cfg.clone()
    };
    for m in items.iter_mut().filter_map(|i| i.metrics.as_mut()) {
        metrics::intensity::rederive(m, &cfg);
    }
}

/// `-v`: every decoder warning (salvaged damage, bad CRC, dropped samples) on stderr.
fn log_warnings(items: &[Item], log: &Log) {
    if !log.enabled(crate::log::Level::Debug) {
        return;
    }
    for item in items {
        let activity = item.record.activity.iter().flat_map(|a| &a.warnings);
        let wellness = item.record.wellness.iter().flat_map(|w| &w.warnings);
        for w in activity.chain(wellness) {
            let fields = [("path", json!(item.record.path)), ("warning", json!(w))];
            let fields: &[_] = if log.json { &fields } else { &[] };
            log.debug(&format!("{}: warning: {w}", item.record.path), fields);
        }
    }
}

/// A run whose inputs yielded no activity writes nothing (unless
/// `--allow-empty`): the previous report stays, one line says so, and the
/// roster keeps the athlete's previous row marked stale.
pub fn hold_back_empty(
    a: &AthleteJob,
    job: &Job,
    log: &Log,
    items: &[Item],
    decoded: usize,
    cached: CacheUse,
) -> Option<AthleteOutcome> {
    // An interrupted walk found nothing because it stopped: that is exit 130, not this.
    if job.allow_empty
        || crate::interrupt::requested()
        || !crate::guard::yielded_nothing(items.iter().map(|i| &i.record))
    {
        return None;
    }
    let rejected = items
        .iter()
        .filter(|i| i.record.status == Status::Rejected)
        .count();
    for i in items.iter().filter(|i| i.record.status == Status::Rejected) {
        log.warn(
            &format!(
                "{}: rejected ({})",
                i.record.path,
                i.record.reason.as_deref().unwrap_or("")
            ),
            &[],
        );
    }
    let fields = [
        ("athlete", json!(a.profile.name)),
        ("exit_code", json!(Exit::Empty as u8)),
    ];
    let fields: &[_] = if log.json { &fields } else { &[] };
    log.error(
        &crate::guard::empty_message(&a.inputs, &a.out_dir, rejected),
        fields,
    );
    let report = format!("{}/report.html", a.profile.name);
    let roster = crate::guard::stale_roster_row(job.roster_dir.as_deref(), &a.profile.name, report);
    Some(AthleteOutcome {
        name: a.profile.name.clone(),
        out_dir: a.out_dir.clone(),
        ok: 0,
        skipped: items.len() - rejected,
        rejected,
        duplicates: 0,
        decoded,
        cached,
        flagged: roster.flagged.clone(),
        roster,
        held_back: true,
    })
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
        // `dates=1`: files with implausible start times are rejected (caches
        // written before that check would keep them as runs). `wellness=1`:
        // wellness exports are read (older caches skipped them unread).
        "rows v{}|{}|{}|fit_decoder={}|dates=1|wellness=1",
        metrics::ROW_VERSION,
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
    let held_back = done.iter().filter(|o| o.held_back).count();
    // A held-back athlete's previous flags are in the roster, not in this run's verdict.
    let flagged: usize = done
        .iter()
        .filter(|o| !o.held_back)
        .map(|o| o.flagged.len())
        .sum();
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
                json!(done.iter().map(|o| o.cached.hits).sum::<usize>()),
            ),
            (
                "unchanged",
                json!(done.iter().map(|o| o.cached.unchanged_files).sum::<usize>()),
            ),
            ("held_back", json!(held_back)),
            (
                "seconds",
                json!((t0.elapsed().as_secs_f64() * 100.0).round() / 100.0),
            ),
        ],
    );
    drop(locks);
    Ok(exit_for(rejected, flagged, held_back, job.fail_on))
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
        .map(|o| {
            if !o.held_back {
                return crate::reduce::row_from_dir(&o.out_dir);
            }
            // Held back: the previous report (if any) is still in place; its
            // row, marked stale. Without one, the stale row the guard built.
            Ok(match crate::reduce::row_from_dir(&o.out_dir) {
                Ok(row) => crate::roster::RosterRow {
                    stale: o.roster.stale.clone(),
                    ..row
                },
                Err(_) => o.roster.clone(),
            })
        })
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
    log_warnings(&items, log);
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
    let m = item.metrics.as_ref();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A wellness record keeps its data through the on-disk cache (warm runs).
    #[test]
    fn cached_wellness_survives_a_warm_run() {
        let uds = br#"[{"calendarDate": "2026-03-03", "restingHeartRate": 47}]"#;
        let leaf = Leaf {
            path: "x.zip!DI_CONNECT/DI-Connect-Aggregator/UDSFile_1.json".into(),
            bytes: uds,
            sha256: "abc".into(),
        };
        let cfg = MetricsConfig::default();
        let items: Vec<Item> = ingest::decode_leaf(&leaf, &crate::limits::Limits::default())
            .into_iter()
            .map(|r| Item::from_decoded(r, &cfg, false))
            .collect();
        assert_eq!(items.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let (cache, _) = Cache::<Vec<Item>>::open(dir.path(), "k");
        cache.put("abc:leaf", items.clone());
        cache.save().unwrap();
        let (warm, _) = Cache::<Vec<Item>>::open(dir.path(), "k");
        let got = warm.get("abc:leaf").unwrap();
        assert_eq!(got[0].record.status, Status::Ok);
        assert_eq!(got[0].record.wellness, items[0].record.wellness);
        assert_eq!(got[0].record.wellness.as_ref().unwrap().resting_hr.len(), 1);
        let line = jsonl_line(&got[0]);
        assert_eq!(line["kind"], "wellness");
        assert_eq!(line["wellness"]["resting_hr_days"], 1);
    }

    #[test]
    fn journal_entries_in_athlete_toml() {
        let p: crate::profile::AthleteProfile = toml::from_str(
            "name = \"a\"\n[[journal]]\ndate = 2026-03-02\nlegs = 4\nsleep_h = 6.0\n\
             [[journal]]\ndate = \"2026-03-09\"\nferritin_ug_l = 22\nnote = \"blood test\"\n",
        )
        .unwrap();
        let w = crate::wellness::journal::entries("athlete.toml", &p.journal);
        assert_eq!(w.nights.len(), 1);
        assert_eq!(w.feels[0].legs, Some(4));
        assert_eq!(w.ferritin[0].value, 22.0);
        assert_eq!(w.notes[0].text, "blood test");
        let bad: Result<crate::profile::AthleteProfile, _> =
            toml::from_str("[[journal]]\ndate = 2026-03-02\nlegz = 4\n");
        assert!(bad.is_err(), "a misspelt key is an error, not ignored");
    }
}
