//! Ingest: discover inputs, unpack archives and gzip in memory, sniff each
//! leaf's format by content, decode it, and dedupe runs seen twice.
//!
//! Data flows one way: `discover` → `archive` (leaves) → `sniff` → `decode`
//! → [`Record`]s → `dedupe`. The per-leaf step is a closure so the app can put
//! a content-hash cache in front of decoding.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::activity::{Activity, Format};
use crate::decode;
use crate::decode::fit::FitDecoder;
use crate::limits::Limits;
use archive::{Counters, Expander, Keyed};
use sniff::Sniffed;

mod apple;
pub mod archive;
pub mod dedupe;
pub mod discover;
mod heap;
pub mod sniff;

/// What became of one input (a file, an archive member, or a session of a multisport file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A run, decoded.
    Ok,
    /// Readable but not analysed: not a run, not an activity, or a duplicate.
    Skipped,
    /// Damaged or refused by a limit; `reason` says which.
    Rejected,
}

/// One line of the ingest ledger. `activity` is present for `ok` records and
/// for skipped non-run activities; cached records carry it without its series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub path: String,
    pub sha256: String,
    pub format: Option<Format>,
    pub status: Status,
    pub reason: Option<String>,
    pub duplicate_of: Option<String>,
    pub activity: Option<Box<Activity>>,
    /// Wellness data the input held (sleep, resting HR, HRV, gear, how runs
    /// felt); a wellness-only input is `ok` with no activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wellness: Option<Box<crate::wellness::Wellness>>,
}

impl Record {
    /// A record for an input that yielded nothing to analyse because it is damaged or refused.
    pub fn rejected(path: String, sha256: String, reason: String) -> Record {
        Record {
            path,
            sha256,
            format: None,
            status: Status::Rejected,
            reason: Some(reason),
            duplicate_of: None,
            activity: None,
            wellness: None,
        }
    }
}

/// Opens a leaf's content again for reading, from its start.
pub type OpenStream<'a> = dyn Fn() -> std::io::Result<Box<dyn std::io::BufRead + 'a>> + Sync + 'a;

/// One decodable unit: a plain file, the content of a gzip, or an archive member.
#[derive(Clone)]
pub struct Leaf<'a> {
    /// Display path; members read `export.zip!activities/1.fit.gz`, nested
    /// archives `a.zip!inner.zip!x.fit`.
    pub path: String,
    /// The content to decode (already inflated when stored as gzip).
    pub bytes: &'a [u8],
    /// SHA-256 (hex) of the bytes as stored: the `.gz` bytes for `x.fit.gz`,
    /// the member's own content for an archive member.
    pub sha256: String,
    /// Set (and `bytes` empty) for an Apple Health `export.xml` too large to
    /// hold: the reader streams it from here instead, in bounded memory.
    pub stream: Option<&'a OpenStream<'a>>,
}

impl std::fmt::Debug for Leaf<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leaf")
            .field("path", &self.path)
            .field("bytes", &self.bytes.len())
            .field("sha256", &self.sha256)
            .field("stream", &self.stream.is_some())
            .finish()
    }
}

/// How a walk reads its inputs.
#[derive(Clone, Default)]
pub struct WalkOptions {
    pub limits: Limits,
    /// Advanced by one per input file finished (archives count once).
    pub progress: Option<ProgressBar>,
    /// Which engine reads FIT files ([`ingest`] passes it to [`decode_leaf_with`]).
    pub fit_decoder: FitDecoder,
}

impl std::fmt::Debug for WalkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalkOptions")
            .field("limits", &self.limits)
            .field("progress", &self.progress.is_some())
            .field("fit_decoder", &self.fit_decoder)
            .finish()
    }
}

/// Tallies of one walk, for the run summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkStats {
    /// Files on disk taken for processing (archives count once; ignored files not included).
    pub files_seen: u64,
    /// Leaves handed to the per-leaf step (plain files, inflated gzips, archive members).
    pub leaves: u64,
    /// Hidden or irrelevant files and archive members skipped without a record.
    pub ignored: u64,
    /// Bytes read from disk.
    pub bytes_read: u64,
}

/// Everything a walk produced, sorted by path (then activity index within a file).
#[derive(Debug, Clone)]
pub struct Walked<T> {
    pub items: Vec<T>,
    pub stats: WalkStats,
}

/// Discovers files under `inputs`, expands archives and gzip, and calls
/// `per_leaf` on every leaf, in parallel. Inputs are only opened for reading.
///
/// Problems that stop a path before it becomes a leaf (missing input,
/// permission denied, damaged gzip or zip, a limit) come back as rejected
/// [`Record`]s converted into `T`. The output order does not depend on
/// scheduling: it is sorted by leaf path, keeping each leaf's own order.
pub fn walk<T, F>(inputs: &[PathBuf], opts: &WalkOptions, per_leaf: F) -> Walked<T>
where
    T: From<Record> + Send,
    F: Fn(&Leaf) -> Vec<T> + Sync,
{
    walk_with(inputs, opts, &NoShortcut, per_leaf)
}

/// What a [`Shortcut`] already holds for a file: per leaf (in the file's
/// order) its path and the items it produced.
pub type KnownLeaves<T> = Vec<(String, Vec<T>)>;

/// A per-file step in front of reading: the caller may know a file is
/// unchanged (by its stat, as git's index does) and hand back its items so
/// that the file is neither read nor hashed.
pub trait Shortcut<T>: Sync {
    /// What to remember about a file that had to be read (taken before reading).
    type Stamp: Send;
    /// The file's items without reading it, or else the stamp to remember once read.
    fn lookup(&self, path: &Path) -> Result<KnownLeaves<T>, Option<Self::Stamp>>;
    /// Called after `path` was read, with each item and the leaf path it came from.
    fn remember(&self, path: &Path, stamp: Self::Stamp, produced: &[(&str, &T)]);
}

/// Every file is read.
pub struct NoShortcut;

impl<T> Shortcut<T> for NoShortcut {
    type Stamp = ();
    fn lookup(&self, _: &Path) -> Result<KnownLeaves<T>, Option<()>> {
        Err(None)
    }
    fn remember(&self, _: &Path, _: (), _: &[(&str, &T)]) {}
}

/// [`walk`] with a [`Shortcut`] asked about each file before it is opened.
pub fn walk_with<T, F, S>(
    inputs: &[PathBuf],
    opts: &WalkOptions,
    shortcut: &S,
    per_leaf: F,
) -> Walked<T>
where
    T: From<Record> + Send,
    F: Fn(&Leaf) -> Vec<T> + Sync,
    S: Shortcut<T>,
{
    let found = discover::discover(inputs);
    crate::interrupt::files_found(found.files.len());
    if let Some(bar) = &opts.progress {
        bar.set_length(found.files.len() as u64);
    }
    let counters = Counters::default();
    let expander = Expander::new(&opts.limits, &per_leaf, &counters);
    // Keys apart from the items: an item can be large, and moving thousands
    // of them through a sort (and out of their keys) cost more than the sort.
    let (mut keys, mut items): (Vec<(String, usize)>, Vec<T>) = found
        .files
        .par_iter()
        .flat_map_iter(|path| {
            // After SIGINT/SIGTERM the remaining files are passed over; the caller stops after the walk.
            if crate::interrupt::requested() {
                return Vec::new();
            }
            let out = match shortcut.lookup(path) {
                Ok(known) => known
                    .into_iter()
                    .flat_map(|(leaf, items)| {
                        items.into_iter().enumerate().map(move |(n, item)| Keyed {
                            path: leaf.clone(),
                            n,
                            item,
                        })
                    })
                    .collect(),
                Err(stamp) => {
                    let out = expander.file(path);
                    if let Some(stamp) = stamp {
                        let produced: Vec<(&str, &T)> =
                            out.iter().map(|k| (k.path.as_str(), &k.item)).collect();
                        shortcut.remember(path, stamp, &produced);
                    }
                    out
                }
            };
            crate::interrupt::file_done();
            if let Some(bar) = &opts.progress {
                bar.inc(1);
            }
            out
        })
        .map(|k| ((k.path, k.n), k.item))
        .unzip();
    for (path, err) in &found.unreadable {
        let path = path.to_string_lossy().into_owned();
        for k in expander.reject(path, "", format!("cannot read: {err}")) {
            keys.push((k.path, k.n));
            items.push(k.item);
        }
    }
    // Files are found in path order, so usually nothing moves here.
    if !keys.is_sorted() {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
        items = order.iter().filter_map(|&i| slots[i].take()).collect();
    }
    Walked {
        items,
        stats: WalkStats {
            files_seen: found.files.len() as u64,
            leaves: counters.leaves.load(Ordering::Relaxed),
            ignored: found.ignored + counters.ignored.load(Ordering::Relaxed),
            bytes_read: counters.bytes_read.load(Ordering::Relaxed),
        },
    }
}

/// [`walk`] with [`decode_leaf`] as the per-leaf step.
pub fn ingest(inputs: &[PathBuf], opts: &WalkOptions) -> Walked<Record> {
    let limits = &opts.limits;
    let fit_decoder = opts.fit_decoder;
    walk(inputs, opts, |leaf| {
        decode_leaf_with(leaf, limits, fit_decoder)
    })
}

/// Sniffs and decodes one leaf: one record per activity in it.
///
/// Runs are `ok`; other sports and files without an activity are `skipped`;
/// damage is `rejected` with the decoder's reason. When the file holds more
/// than one activity, each record's path gets `#1`, `#2`, … in file order.
pub fn decode_leaf(leaf: &Leaf, limits: &Limits) -> Vec<Record> {
    decode_leaf_with(leaf, limits, FitDecoder::default())
}

/// [`decode_leaf`] with an explicit FIT engine (`--fit-decoder`).
pub fn decode_leaf_with(leaf: &Leaf, limits: &Limits, fit_decoder: FitDecoder) -> Vec<Record> {
    if let Some(open) = leaf.stream {
        return apple::records(leaf, decode::apple::read(open, limits));
    }
    if let Some(source) = crate::wellness::Source::of_name(&leaf.path) {
        return vec![wellness_record(leaf, source)];
    }
    let sniffed = sniff::sniff(leaf.bytes);
    if sniffed == Sniffed::AppleHealth {
        return apple::records(leaf, decode::apple::decode_export(leaf.bytes, limits));
    }
    let Some(format) = sniffed.format() else {
        let reason = match sniffed {
            Sniffed::Gzip => "gzip content was not unpacked before decoding".to_owned(),
            Sniffed::Zip => "zip content was not unpacked before decoding".to_owned(),
            Sniffed::Unknown(reason) => reason,
            other => format!("{other:?} content has no decoder"),
        };
        return vec![Record::rejected(
            leaf.path.clone(),
            leaf.sha256.clone(),
            reason,
        )];
    };
    let mislabel = mislabel_warning(&leaf.path, format);
    let base = Record {
        path: leaf.path.clone(),
        sha256: leaf.sha256.clone(),
        format: Some(format),
        status: Status::Rejected,
        reason: None,
        duplicate_of: None,
        activity: None,
        wellness: None,
    };
    let activities = match decode::decode_with(format, leaf.bytes, limits, fit_decoder) {
        Ok(activities) => activities,
        Err(e) => {
            let status = if e.is_skip() {
                Status::Skipped
            } else {
                Status::Rejected
            };
            let reason = match &mislabel {
                Some(note) => format!("{e} ({note})"),
                None => e.to_string(),
            };
            return vec![Record {
                status,
                reason: Some(reason),
                ..base
            }];
        }
    };
    if activities.is_empty() {
        let reason = "not an activity: the file holds no activity".to_owned();
        return vec![Record {
            status: Status::Skipped,
            reason: Some(reason),
            ..base
        }];
    }
    let numbered = activities.len() > 1;
    activities
        .into_iter()
        .enumerate()
        .map(|(i, mut activity)| {
            let path = if numbered {
                format!("{}#{}", leaf.path, i + 1)
            } else {
                leaf.path.clone()
            };
            activity.source.path = path.clone();
            activity.source.sha256 = leaf.sha256.clone();
            activity.source.format = format;
            if let Some(note) = &mislabel {
                activity.warnings.push(note.clone());
            }
            let (status, reason) = activity_status(&activity);
            let wellness = activity.self_rating.map(|r| {
                Box::new(crate::wellness::Wellness {
                    feels: vec![crate::wellness::Feel {
                        start: Some(activity.start),
                        date: None,
                        file: Some(path.clone()),
                        feel: r.feel,
                        rpe: r.rpe,
                        legs: None,
                        origin: crate::wellness::Origin::GarminFit,
                    }],
                    ..Default::default()
                })
            });
            Record {
                path,
                status,
                reason,
                activity: Some(Box::new(activity)),
                wellness,
                ..base.clone()
            }
        })
        .collect()
}

/// A wellness export file (known by its name): `ok` with no activity and the
/// data in `wellness`, or `rejected` when the whole file is unusable.
fn wellness_record(leaf: &Leaf, source: crate::wellness::Source) -> Record {
    match crate::wellness::read(source, &leaf.path, leaf.bytes) {
        Ok(w) => Record {
            path: leaf.path.clone(),
            sha256: leaf.sha256.clone(),
            format: None,
            status: Status::Ok,
            reason: None,
            duplicate_of: None,
            activity: None,
            wellness: Some(Box::new(w)),
        },
        Err(e) => Record {
            status: if e.is_skip() {
                Status::Skipped
            } else {
                Status::Rejected
            },
            ..Record::rejected(
                leaf.path.clone(),
                leaf.sha256.clone(),
                format!("{}: {e}", source.as_str()),
            )
        },
    }
}

/// `ok`, `skipped` (not a run) or `rejected` (implausible start) for one decoded activity.
pub(crate) fn activity_status(activity: &Activity) -> (Status, Option<String>) {
    if let Some(bad) = implausible_time(activity) {
        (Status::Rejected, Some(bad))
    } else if activity.is_run() {
        (Status::Ok, None)
    } else {
        (
            Status::Skipped,
            Some(format!("not a run: {}", activity.sport.as_str())),
        )
    }
}

/// Earliest start accepted: no consumer GPS watch recorded runs before 1990,
/// and FIT's epoch (1989-12-31) is what a zeroed timestamp decodes to.
const EARLIEST_PLAUSIBLE: (i32, u32, u32) = (1990, 1, 1);

/// `start time 7526-03-14 is implausible` when the activity starts before
/// 1990 or more than a day after now: a broken exporter or a zeroed clock
/// (points dated 1970 put the start there). The file is rejected; the
/// athlete's report goes on. A single stray record time later in a file is
/// left to the decoder's own cleaning: real files carry such glitches.
fn implausible_time(a: &crate::activity::Activity) -> Option<String> {
    let (y, m, d) = EARLIEST_PLAUSIBLE;
    let earliest = chrono::NaiveDate::from_ymd_opt(y, m, d)?
        .and_hms_opt(0, 0, 0)?
        .and_utc();
    let latest = chrono::Utc::now() + chrono::Duration::days(1);
    (a.start < earliest || a.start > latest)
        .then(|| format!("start time {} is implausible", a.start.format("%Y-%m-%d")))
}

/// "content is FIT, name says .gpx" when the file name's extension (ignoring
/// a trailing `.gz`) names another activity format than the content.
fn mislabel_warning(path: &str, content: Format) -> Option<String> {
    let name = path
        .rsplit(['/', '\\', '!'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let (_, ext) = name.rsplit_once('.')?;
    let named = match ext {
        "fit" => Format::Fit,
        "gpx" => Format::Gpx,
        "tcx" => Format::Tcx,
        _ => return None,
    };
    (named != content).then(|| {
        format!(
            "content is {}, name says .{ext}",
            content.as_str().to_ascii_uppercase()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mislabel_warning_reads_the_last_name() {
        assert_eq!(
            mislabel_warning("a.zip!x/run.gpx", Format::Fit).as_deref(),
            Some("content is FIT, name says .gpx")
        );
        assert_eq!(
            mislabel_warning("runs/x.TCX.gz", Format::Gpx).as_deref(),
            Some("content is GPX, name says .tcx")
        );
        assert_eq!(mislabel_warning("runs/x.fit.gz", Format::Fit), None);
        assert_eq!(mislabel_warning("runs/x", Format::Fit), None);
        assert_eq!(mislabel_warning("runs.gpx/x.dat", Format::Fit), None);
    }
}
