//! The first stage of one athlete: every input decoded (or taken from the
//! content-hash cache) into per-run rows, deduplicated, zones settled.
//!
//! The per-file step (decode + run metrics) sits behind the content-hash
//! cache; everything after it works on small per-run rows, never on series.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cache::deferred::Deferred;
use crate::cache::{Cache, CacheState, FileStat, PendingSave, StatEntry};
use crate::exit::Exit;
use crate::ingest::{self, KnownLeaves, Leaf, Record, Shortcut, Status, WalkOptions};
use crate::log::Log;
use crate::metrics::{self, MetricsConfig, RunMetrics};
use crate::settings::{AthleteJob, Job};
use crate::wellness::{self, Wellness};

/// The cached, per-file unit of work: an ingest record (series dropped once
/// the metrics are computed) with its run metrics.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    #[serde(with = "crate::cache::record")]
    pub record: Record,
    /// The run's metrics; from the cache, decoded when first used (see
    /// [`crate::cache::deferred`]): [`Item::metrics`].
    pub(crate) metrics: Deferred<RunMetrics>,
    /// Samples the activity had before its series was dropped.
    pub records: usize,
    /// The IANA zone at the first recorded position, for a run without its
    /// own UTC offset: looked up when the file is decoded and kept with it,
    /// because loading the lookup's boundary data costs more than the rest
    /// of a weekly run's dating.
    pub start_zone: Option<String>,
}

impl From<Record> for Item {
    fn from(record: Record) -> Item {
        Item {
            record,
            metrics: Deferred::default(),
            records: 0,
            start_zone: None,
        }
    }
}

impl Item {
    /// Computes metrics for runs and drops the series (kept with `keep_series`).
    pub fn from_decoded(mut record: Record, cfg: &MetricsConfig, keep_series: bool) -> Item {
        let (mut records, mut metrics, mut start_zone) = (0, None, None);
        if let Some(act) = record.activity.as_mut() {
            records = act.series.len();
            if record.status == Status::Ok {
                metrics = Some(Box::new(metrics::compute(act, cfg)));
                if crate::load::calendar::plausible_offset(act.utc_offset_s).is_none() {
                    start_zone = first_position(&act.series)
                        .and_then(|(lat, lon)| crate::load::calendar::zone_name_at(lat, lon));
                }
            }
            // Laps and pauses go with the samples: only the metrics read
            // them, and a history's cached rows would decode them every run.
            if !keep_series {
                act.series = Default::default();
                act.laps = Vec::new();
                act.pauses = Vec::new();
            }
        }
        Item {
            record,
            metrics: Deferred::new(metrics),
            records,
            start_zone,
        }
    }

    /// The run's metrics (none for a file that is not a run).
    pub fn metrics(&self) -> Option<&RunMetrics> {
        self.metrics.get()
    }

    pub fn metrics_mut(&mut self) -> Option<&mut RunMetrics> {
        self.metrics.get_mut()
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

/// The cache being written while the run goes on; [`Saving::finish`] waits for it.
pub struct Saving(PendingSave);

impl Saving {
    /// Waits for the cache to be written; a failure is a warning.
    pub fn finish(self, log: &Log) {
        if let Err(e) = self.0.wait() {
            log.warn(&format!("cache not saved: {e}"), &[]);
        }
    }
}

/// The athlete's cache folder, when the run has a cache: one per athlete, so
/// athletes running in parallel never share a file.
pub fn cache_folder(a: &AthleteJob, job: &Job) -> Option<PathBuf> {
    job.cache_dir
        .as_ref()
        .map(|d| d.join(crate::output::safe_name(&a.profile.name)))
}

/// What [`collect_items`] found for one athlete.
pub struct Collected {
    /// Every input's items, in input order; wellness records moved to `wellness`.
    pub items: Vec<Item>,
    /// Files decoded (not taken from the cache).
    pub decoded: usize,
    pub cached: CacheUse,
    /// The cache, still being written.
    pub saving: Saving,
    /// The athlete's wellness, from every input, finished.
    pub wellness: Wellness,
}

/// Decodes (or takes from the cache) every input of one athlete and computes
/// run metrics. The cache is saved in the background: finish the [`Saving`]
/// before the run ends.
pub fn collect_items(
    a: &AthleteJob,
    job: &Job,
    log: &Log,
    bar: Option<indicatif::ProgressBar>,
) -> Collected {
    let cfg = MetricsConfig::from_profile(&a.profile);
    let cache_dir = cache_folder(a, job);
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
        cache.put(&key, &items);
        items
    });
    let cached = CacheUse {
        hits: cache.hits(),
        unchanged_files: shortcut.unchanged.into_inner(),
    };
    if cache.undecodable() > 0 {
        log.debug(
            &format!(
                "{} cache entries did not decode; their files were read again",
                cache.undecodable()
            ),
            &[],
        );
    }
    // An interrupted walk used only part of the cache; saving would drop the rest.
    // So would a walk that found nothing (an unmounted share): keep it for when it is back.
    let held_back =
        !job.allow_empty && crate::guard::yielded_nothing(walked.items.iter().map(|i| &i.record));
    let saving = if crate::interrupt::requested() {
        log.debug("cache not saved: run interrupted", &[]);
        PendingSave::none()
    } else if held_back {
        log.debug("cache not saved: no activities found", &[]);
        PendingSave::none()
    } else {
        // Nothing below needs the file: it is written while the run goes on.
        cache.save_in_background()
    };
    let mut items = walked.items;
    if let Some(journal) = profile_journal(a) {
        items.push(Item::from(journal));
    }
    // The wellness records move out of the items (each keeps its warnings)
    // and are joined while the runs are deduplicated and their zones set.
    let parts: Vec<Wellness> = items
        .iter_mut()
        .filter_map(|i| i.record.wellness.as_deref_mut())
        .map(wellness::take_records)
        .collect();
    let (wellness, ()) = rayon::join(
        || wellness::gather_owned(parts),
        || {
            dedupe_items(&mut items);
            decode_run_metrics(&mut items, cache_dir.as_deref());
            apply_max_hr_estimate(&mut items, &cfg, job.as_of, log);
        },
    );
    log_warnings(&items, log);
    Collected {
        items,
        decoded: decoded.into_inner(),
        cached,
        saving: Saving(saving),
        wellness,
    }
}

/// Decodes the cached metrics of the runs left after deduplication, in
/// parallel; duplicates and skipped files keep theirs as bytes. The cache
/// file's checksum held, so metrics that do not decode mean a cache written
/// by hand or by a bug: that run is rejected with the reason, not dropped
/// from the load unseen (its copies, already marked its duplicates, stay
/// skipped until the cache is deleted).
fn decode_run_metrics(items: &mut [Item], cache_dir: Option<&Path>) {
    use rayon::prelude::*;
    items
        .par_iter_mut()
        .filter(|i| i.record.status == Status::Ok)
        .for_each(|i| {
            if let Err(e) = i.metrics.resolve() {
                let folder = cache_dir.map(|d| format!(" {}", d.display()));
                i.record.status = Status::Rejected;
                i.record.reason = Some(format!(
                    "its cached metrics did not decode ({e}); delete the cache folder{} to read it again",
                    folder.unwrap_or_default()
                ));
            }
        });
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
        .filter_map(Item::metrics)
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
    // Only runs reach the load and the tables; a duplicate's or a rejected
    // file's row keeps its own zones.
    let runs = items.iter_mut().filter(|i| i.record.status == Status::Ok);
    for m in runs.filter_map(Item::metrics_mut) {
        metrics::intensity::rederive(m, &cfg);
    }
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

/// `-v`: every decoder warning (salvaged damage, bad CRC, dropped samples) on stderr.
pub(crate) fn log_warnings(items: &[Item], log: &Log) {
    if !log.enabled(crate::log::Level::Debug) {
        return;
    }
    for item in items {
        // A wellness part's warnings (a malformed record's line) read like a run's.
        let r = &item.record;
        let activity = r.activity.iter().flat_map(|a| &a.warnings);
        for w in activity.chain(r.wellness.iter().flat_map(|w| &w.warnings)) {
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

/// Runs dedupe on the records where they are.
pub(crate) fn dedupe_items(items: &mut [Item]) {
    ingest::dedupe::dedupe_in(items, |i| &i.record, |i| &mut i.record);
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
#[cfg(test)]
mod tests {
    use super::*;

    /// Runs kept after deduplication have their cached metrics decoded; a
    /// duplicate keeps its bytes, and metrics that do not decode reject the
    /// run with the reason instead of dropping it from the load unseen.
    #[test]
    fn only_kept_runs_decode_their_metrics_and_a_bad_row_is_rejected() {
        let good = RunMetrics {
            path: "good.fit".into(),
            elapsed_s: 1800.0,
            ..Default::default()
        };
        let good_bytes = crate::cache::deferred::Deferred::new(Some(Box::new(good)));
        let good_bytes =
            bincode::serde::encode_to_vec(&good_bytes, bincode::config::standard()).unwrap();
        let (good_row, _): (Deferred<RunMetrics>, usize) =
            bincode::serde::decode_from_slice(&good_bytes, bincode::config::standard()).unwrap();
        let item = |path: &str, status: Status, metrics: Deferred<RunMetrics>| {
            let mut record = Record::rejected(path.into(), "h".into(), String::new());
            record.status = status;
            record.reason = None;
            Item {
                metrics,
                ..Item::from(record)
            }
        };
        let mut items = vec![
            item("good.fit", Status::Ok, good_row),
            item("bad.fit", Status::Ok, Deferred::stored(&[200, 1, 2])),
            item("copy.fit", Status::Skipped, Deferred::stored(&[200, 1, 2])),
        ];
        decode_run_metrics(&mut items, Some(Path::new("out/.cache/ann")));
        assert_eq!(items[0].record.status, Status::Ok);
        assert_eq!(items[0].metrics().map(|m| m.elapsed_s), Some(1800.0));
        assert_eq!(items[1].record.status, Status::Rejected);
        let why = items[1].record.reason.as_deref().unwrap_or_default();
        assert!(
            why.contains("did not decode") && why.contains("out/.cache/ann"),
            "{why}"
        );
        assert_eq!(
            items[2].record.status,
            Status::Skipped,
            "a duplicate is left alone"
        );
        assert!(format!("{:?}", items[2].metrics).contains("3 bytes"));
    }

    /// A cached row keeps what the later stages read, not what only the
    /// metrics needed: the samples, laps and pauses go once they are computed.
    #[test]
    fn a_row_drops_samples_laps_and_pauses_unless_asked_to_keep_them() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/demo/2026-09-01-06-30-34.fit"
        );
        let bytes = std::fs::read(path).unwrap();
        let leaf = Leaf {
            path: path.into(),
            bytes: &bytes,
            sha256: "h".into(),
            stream: None,
        };
        let decoded = ingest::decode_leaf(&leaf, &crate::limits::Limits::default());
        let cfg = MetricsConfig::default();
        let kept = Item::from_decoded(decoded[0].clone(), &cfg, true);
        let a = kept.record.activity.as_deref().unwrap();
        assert!(
            !a.series.is_empty() && !a.laps.is_empty(),
            "the sample has laps"
        );
        let row = Item::from_decoded(decoded[0].clone(), &cfg, false);
        let a = row.record.activity.as_deref().unwrap();
        assert!(a.series.is_empty() && a.laps.is_empty() && a.pauses.is_empty());
        assert_eq!(row.records, kept.records, "the sample count is kept");
        assert_eq!(
            row.metrics().map(|m| m.moving_s),
            kept.metrics().map(|m| m.moving_s)
        );
    }

    /// A wellness record keeps its data through the on-disk cache (warm runs).
    #[test]
    fn cached_wellness_survives_a_warm_run() {
        let uds = br#"[{"calendarDate": "2026-03-03", "restingHeartRate": 47}]"#;
        let leaf = Leaf {
            path: "x.zip!DI_CONNECT/DI-Connect-Aggregator/UDSFile_1.json".into(),
            bytes: uds,
            sha256: "abc".into(),
            stream: None,
        };
        let cfg = MetricsConfig::default();
        let items: Vec<Item> = ingest::decode_leaf(&leaf, &crate::limits::Limits::default())
            .into_iter()
            .map(|r| Item::from_decoded(r, &cfg, false))
            .collect();
        assert_eq!(items.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let (cache, _) = Cache::<Vec<Item>>::open(dir.path(), "k");
        cache.put("abc:leaf", &items);
        cache.save().unwrap();
        let (warm, _) = Cache::<Vec<Item>>::open(dir.path(), "k");
        let got = warm.get("abc:leaf").unwrap();
        assert_eq!(got[0].record.status, Status::Ok);
        assert_eq!(got[0].record.wellness, items[0].record.wellness);
        assert_eq!(got[0].record.wellness.as_ref().unwrap().resting_hr.len(), 1);
        let line = crate::commands::jsonl_line(&got[0]);
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
