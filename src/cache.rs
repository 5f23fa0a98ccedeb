//! Incremental runs: per-file results keyed by the SHA-256 of the file's bytes,
//! and a stat index in front of it so that unchanged files are not even read.
//!
//! One binary file per output folder (`cache.bin`), written atomically at the
//! end of a run and holding only the entries that run used, so a deleted input
//! drops out. The key includes the heavylegs version and a hash of every
//! setting that changes per-file results; a mismatched, unreadable or corrupt
//! cache (bad checksum) is rebuilt, never trusted.
//!
//! Why binary: a warm run over 10,000 files used to spend most of its time
//! parsing a 40 MB JSON cache and cloning what it parsed. Now each entry stays
//! the bytes it was written as until a run asks for it, is decoded straight
//! into the value handed out (no copy kept), and a run that rewrites the cache
//! copies the bytes of the entries it reused instead of encoding them again.
//! A row's run metrics stay bytes even then, until a stage reads them
//! ([`deferred`]): a duplicate's never are.
//! The file is mapped rather than read into memory, its index is read in
//! place (no key copied) and searched by bisection, and which entries a run
//! used is a flag per entry. The save streams the file (reused payloads go
//! from the mapping straight to the new file) on a thread of its own, so the
//! run goes on meanwhile ([`PendingSave`]).
//! Layout ([`FORMAT`] 2): magic `HLCACHE\n`, format (u32 LE), checksum of the
//! rest (XXH3-64, u64 LE), index length (u64 LE), then the index (bincode:
//! settings key, entry keys with payload lengths in key order, stat index in
//! path order; an index out of order is corrupt) followed by the entry
//! payloads in index order (bincode, one per entry). An entry that does not
//! decode to exactly its length is a miss: its file is read again.
//!
//! The stat index is git's index and ccache's direct mode: a file whose path,
//! size, modification time, inode and inode-change time (where the platform
//! has them) all match what was recorded when it was last read is taken to be
//! unchanged, and its cached results are reused without reading or hashing it.
//! Any difference sends the file through reading and hashing again, so a
//! changed file is always re-read (its content hash then decides whether it
//! needs decoding). A file modified within [`SETTLE_NS`] of the run that read
//! it is not recorded ("racily clean" in git's words: a second write in the
//! same timestamp tick would be invisible), so it is hashed again next time.
//! `--rehash` skips the index for one run.

pub mod compact;
pub mod deferred;
pub mod record;

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::output::{WriteError, write_atomic_with};

const FILE_NAME: &str = "cache.bin";
/// What caches before [`FORMAT`] 1 were called: removed when a new one is written.
const OLD_FILE_NAME: &str = "cache.json";
const MAGIC: &[u8; 8] = b"HLCACHE\n";
/// The layout above; a file of another format is rebuilt.
pub const FORMAT: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8 + 8;

/// How old a file's modification time must be, against the start of the run
/// that reads it, for its stat to be recorded (coarse file systems tick in 2 s).
pub const SETTLE_NS: i64 = 3_000_000_000;

/// What `stat` says about a file; equal stamps mean "unchanged".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStat {
    pub size: u64,
    /// Modification time, ns since the Unix epoch.
    pub mtime_ns: i64,
    /// Inode number, where the platform has one (a replaced file gets a new one).
    pub inode: Option<u64>,
    /// Inode change time, ns (any write, rename or `touch -m` back in time moves it).
    pub ctime_ns: Option<i64>,
}

impl FileStat {
    pub fn of(meta: &std::fs::Metadata) -> FileStat {
        let mtime_ns =
            meta.modified()
                .map_or(0, |t| match t.duration_since(std::time::UNIX_EPOCH) {
                    Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
                    Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
                });
        #[cfg(unix)]
        let (inode, ctime_ns) = {
            use std::os::unix::fs::MetadataExt;
            (
                Some(meta.ino()),
                Some(meta.ctime().saturating_mul(1_000_000_000) + meta.ctime_nsec()),
            )
        };
        #[cfg(not(unix))]
        let (inode, ctime_ns) = (None, None);
        FileStat {
            size: meta.len(),
            mtime_ns,
            inode,
            ctime_ns,
        }
    }

    /// Whether the file was last modified long enough before `run_start_ns`
    /// to be recorded: a later write in the same timestamp tick would leave
    /// mtime (and ctime) as they are. Only mtime counts here, as in git: a
    /// copy that keeps an old mtime gets a fresh ctime, which is compared,
    /// not waited for.
    pub fn settled(&self, run_start_ns: i64) -> bool {
        self.mtime_ns < run_start_ns.saturating_sub(SETTLE_NS)
    }
}

/// Now, ns since the Unix epoch.
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// One file of the stat index: its stamp and the result entries it produced, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatEntry {
    pub stat: FileStat,
    /// (leaf path, entry key) for every leaf of the file: the file itself, or its archive members.
    pub leaves: Vec<(String, String)>,
}

/// The body's first part; the payloads follow it in `entries` order. Read
/// in place: its strings borrow from the file. Entries are in key order and
/// stats in path order (as written from sorted maps), so lookups are binary
/// searches over the file's own bytes.
#[derive(Serialize, Deserialize)]
struct Index<'a> {
    key: &'a str,
    /// Entry key and the length of its payload.
    #[serde(borrow)]
    entries: Vec<(&'a str, u64)>,
    #[serde(borrow)]
    stats: Vec<(&'a str, StatRef<'a>)>,
}

/// [`StatEntry`] with borrowed strings: the same bytes on disk.
#[derive(Serialize, Deserialize)]
struct StatRef<'a> {
    stat: FileStat,
    #[serde(borrow)]
    leaves: Vec<(&'a str, &'a str)>,
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// Encodes one value the way entries are stored.
fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    bincode::serde::encode_to_vec(value, config()).map_err(|e| e.to_string())
}

/// Decodes a value that must take up exactly `bytes`.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let (v, used) =
        bincode::serde::decode_from_slice(bytes, config()).map_err(|e| e.to_string())?;
    if used == bytes.len() {
        Ok(v)
    } else {
        Err(format!("{} bytes left over", bytes.len() - used))
    }
}

/// A 64-bit check of the body (XXH3): catches a damaged file, not an
/// attacker. Fed in pieces (a save streams the body), it gives what one pass
/// over the whole would; at memory speed, where the word-at-a-time hash it
/// replaced took a tenth of a weekly run's cache read.
struct Checksum(xxhash_rust::xxh3::Xxh3);

impl Checksum {
    fn new() -> Checksum {
        Checksum(xxhash_rust::xxh3::Xxh3::new())
    }

    fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(self) -> u64 {
        self.0.digest()
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Where a string read in place lies in the file (it borrows from `file`).
fn span(file: &[u8], s: &str) -> Range<usize> {
    let at = s.as_ptr().addr() - file.as_ptr().addr();
    at..at + s.len()
}

/// One entry of the file: its key and its payload, as places in the file.
struct Slot {
    key: Range<usize>,
    payload: Range<usize>,
}

/// One file of the stored stat index; `leaves` indexes [`Loaded::leaves`].
struct OldStat {
    path: Range<usize>,
    stat: FileStat,
    leaves: Range<usize>,
}

/// A cache file read and checked: where its keys, payloads and stat index lie in `file`.
struct Loaded {
    file: memmap2::Mmap,
    entries: Vec<Slot>,
    stats: Vec<OldStat>,
    /// (leaf path, entry key) of every stat entry, one after the other.
    leaves: Vec<(Range<usize>, Range<usize>)>,
}

/// Maps the cache file. A cache is only ever replaced by renaming a new
/// file over it (`write_atomic_with`) and heavylegs holds the output lock
/// while it runs, so the mapped file is never changed under the mapping.
fn map(path: &Path) -> std::io::Result<Option<memmap2::Mmap>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() < HEADER_LEN as u64 {
        return Ok(None);
    }
    // SAFETY: see above; a file truncated in place by hand would fault
    // here, which the lock and the rename-only writes rule out for heavylegs.
    // `populate`: every page is read by the checksum at once, so map them all
    // in one go instead of faulting them in one by one.
    let file = unsafe { memmap2::MmapOptions::new().populate().map(&file)? };
    Ok(Some(file))
}

/// Why a file cannot be used: `Err(reason)` for the warning.
fn parse(file: memmap2::Mmap, key: &str) -> Result<Loaded, String> {
    let corrupt = |why: &str| format!("corrupt: {why}");
    let buf: &[u8] = &file;
    if buf.len() < HEADER_LEN || &buf[..8] != MAGIC {
        return Err(corrupt("not a heavylegs cache"));
    }
    let word = |at: usize| -> [u8; 8] {
        let mut w = [0u8; 8];
        w.copy_from_slice(&buf[at..at + 8]);
        w
    };
    let format = u32::from_le_bytes([buf[8], buf[9], buf[10], buf[11]]);
    if format != FORMAT {
        return Err("made by another version or settings".into());
    }
    let sum = u64::from_le_bytes(word(12));
    let index_len = usize::try_from(u64::from_le_bytes(word(20))).unwrap_or(usize::MAX);
    let body = &buf[HEADER_LEN..];
    if checksum(body) != sum {
        return Err(corrupt("checksum mismatch"));
    }
    if index_len > body.len() {
        return Err(corrupt("index longer than the file"));
    }
    let (index, used): (Index, usize) =
        bincode::serde::borrow_decode_from_slice(&body[..index_len], config())
            .map_err(|e| corrupt(&e.to_string()))?;
    if used != index_len {
        return Err(corrupt("index shorter than its length"));
    }
    if index.key != key {
        return Err("made by another version or settings".into());
    }
    let ascending = |a: &str, b: &str| a < b;
    if !index.entries.is_sorted_by(|a, b| ascending(a.0, b.0))
        || !index.stats.is_sorted_by(|a, b| ascending(a.0, b.0))
    {
        return Err(corrupt("index out of order"));
    }
    let mut at = HEADER_LEN + index_len;
    let mut entries = Vec::with_capacity(index.entries.len());
    for (k, len) in &index.entries {
        let end = usize::try_from(*len)
            .ok()
            .and_then(|l| at.checked_add(l))
            .filter(|&e| e <= buf.len())
            .ok_or_else(|| corrupt("entry past the end"))?;
        entries.push(Slot {
            key: span(buf, k),
            payload: at..end,
        });
        at = end;
    }
    let mut leaves = Vec::with_capacity(index.stats.len());
    let stats = index
        .stats
        .iter()
        .map(|(path, e)| {
            let first = leaves.len();
            leaves.extend(e.leaves.iter().map(|(l, k)| (span(buf, l), span(buf, k))));
            OldStat {
                path: span(buf, path),
                stat: e.stat,
                leaves: first..leaves.len(),
            }
        })
        .collect();
    drop(index);
    Ok(Loaded {
        file,
        entries,
        stats,
        leaves,
    })
}

pub struct Cache<T> {
    path: PathBuf,
    key: String,
    /// The file as read (mapped); entries are decoded from it when asked for.
    file: Option<memmap2::Mmap>,
    old: Vec<Slot>,
    /// Which of `old` this run used (by position: no lock, no key copied).
    used: Vec<AtomicBool>,
    old_stats: Vec<OldStat>,
    old_leaves: Vec<(Range<usize>, Range<usize>)>,
    /// Which of `old_stats` this run found unchanged.
    reused_stats: Vec<AtomicBool>,
    /// Entries this run computed, encoded.
    added: Mutex<BTreeMap<String, Vec<u8>>>,
    /// Stat entries of files this run read.
    stats: Mutex<BTreeMap<String, StatEntry>>,
    /// Set when this run's entries differ from what is on disk.
    dirty: AtomicBool,
    hits: AtomicUsize,
    /// Entries that no longer decode (a layout change without a version bump).
    undecodable: AtomicUsize,
    kind: PhantomData<fn() -> T>,
}

/// What opening the cache found, for the run summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheState {
    Fresh,
    Loaded(usize),
    /// The file existed but was for other settings/versions or unreadable: rebuilt.
    Rebuilt(String),
}

impl<T> Cache<T> {
    /// A cache that never hits and never saves (`--no-cache`).
    pub fn disabled() -> Self {
        Cache {
            path: PathBuf::new(),
            key: String::new(),
            file: None,
            old: Vec::new(),
            used: Vec::new(),
            old_stats: Vec::new(),
            old_leaves: Vec::new(),
            reused_stats: Vec::new(),
            added: Mutex::new(BTreeMap::new()),
            stats: Mutex::new(BTreeMap::new()),
            dirty: AtomicBool::new(false),
            hits: Default::default(),
            undecodable: Default::default(),
            kind: PhantomData,
        }
    }

    fn bytes(&self) -> &[u8] {
        self.file.as_deref().unwrap_or(&[])
    }

    /// A string of the file's index (checked as UTF-8 when it was read).
    fn text(&self, at: &Range<usize>) -> &str {
        std::str::from_utf8(&self.bytes()[at.clone()]).unwrap_or_default()
    }

    /// The position of `key` in `old`.
    fn find(&self, key: &[u8]) -> Option<usize> {
        let bytes = self.bytes();
        self.old
            .binary_search_by(|s| bytes[s.key.clone()].cmp(key))
            .ok()
    }

    fn find_stat(&self, file: &str) -> Option<usize> {
        let bytes = self.bytes();
        self.old_stats
            .binary_search_by(|s| bytes[s.path.clone()].cmp(file.as_bytes()))
            .ok()
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Entries found but not decodable this run (their files were read again).
    pub fn undecodable(&self) -> usize {
        self.undecodable.load(Ordering::Relaxed)
    }

    /// Whether this run used or computed `key`.
    pub fn holds(&self, key: &str) -> bool {
        self.find(key.as_bytes())
            .is_some_and(|i| self.used[i].load(Ordering::Relaxed))
            || lock(&self.added).contains_key(key)
    }

    /// Records the stat of a file read this run and the entries its leaves have.
    pub fn put_stat(&self, file: &str, entry: StatEntry) {
        let same = self.find_stat(file).is_some_and(|i| {
            let old = &self.old_stats[i];
            let leaves = &self.old_leaves[old.leaves.clone()];
            old.stat == entry.stat
                && leaves.len() == entry.leaves.len()
                && leaves
                    .iter()
                    .zip(&entry.leaves)
                    .all(|((l, k), (nl, nk))| self.text(l) == nl && self.text(k) == nk)
        });
        if !same {
            self.dirty.store(true, Ordering::Relaxed);
        }
        lock(&self.stats).insert(file.to_owned(), entry);
    }

    /// Writes the entries this run used or added; others (deleted inputs) are
    /// dropped. Nothing is written when that is exactly what is on disk.
    pub fn save(&self) -> Result<(), WriteError> {
        if self.path.as_os_str().is_empty() {
            return Ok(());
        }
        let added = std::mem::take(&mut *lock(&self.added));
        let new_stats = std::mem::take(&mut *lock(&self.stats));
        let used = self
            .used
            .iter()
            .filter(|u| u.load(Ordering::Relaxed))
            .count();
        // The stat index: files found unchanged, then those read this run.
        let mut stats: BTreeMap<&str, StatRef<'_>> = BTreeMap::new();
        for (old, _) in self
            .old_stats
            .iter()
            .zip(&self.reused_stats)
            .filter(|(_, r)| r.load(Ordering::Relaxed))
        {
            let leaves = self.old_leaves[old.leaves.clone()]
                .iter()
                .map(|(l, k)| (self.text(l), self.text(k)))
                .collect();
            stats.insert(
                self.text(&old.path),
                StatRef {
                    stat: old.stat,
                    leaves,
                },
            );
        }
        for (file, e) in &new_stats {
            let leaves = e.leaves.iter().map(|(l, k)| (l.as_str(), k.as_str()));
            stats.insert(
                file,
                StatRef {
                    stat: e.stat,
                    leaves: leaves.collect(),
                },
            );
        }
        let same = !self.dirty.load(Ordering::Relaxed)
            && added.is_empty()
            && used == self.old.len()
            && stats.len() == self.old_stats.len();
        if same {
            return Ok(());
        }
        // Reused entries are copied as the bytes they were read as.
        let bytes = self.bytes();
        let mut entries: BTreeMap<&str, &[u8]> = self
            .old
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| u.load(Ordering::Relaxed))
            .map(|(s, _)| (self.text(&s.key), &bytes[s.payload.clone()]))
            .collect();
        entries.extend(added.iter().map(|(k, v)| (k.as_str(), v.as_slice())));
        let index = Index {
            key: &self.key,
            entries: entries.iter().map(|(k, v)| (*k, v.len() as u64)).collect(),
            // A stat entry is only worth keeping while all its leaves are.
            stats: stats
                .into_iter()
                .filter(|(_, e)| e.leaves.iter().all(|(_, k)| entries.contains_key(k)))
                .collect(),
        };
        let index = encode(&index).map_err(|e| WriteError::Write {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        let mut sum = Checksum::new();
        sum.update(&index);
        for v in entries.values() {
            sum.update(v);
        }
        let sum = sum.finish();
        // Streamed: the reused payloads go from the mapped file to the new one.
        write_atomic_with(&self.path, |w| {
            w.write_all(MAGIC)?;
            w.write_all(&FORMAT.to_le_bytes())?;
            w.write_all(&sum.to_le_bytes())?;
            w.write_all(&(index.len() as u64).to_le_bytes())?;
            w.write_all(&index)?;
            for v in entries.values() {
                w.write_all(v)?;
            }
            Ok(())
        })?;
        if let Some(dir) = self.path.parent() {
            // The JSON cache of earlier versions is never read again.
            let _ = std::fs::remove_file(dir.join(OLD_FILE_NAME));
        }
        Ok(())
    }
}

impl<T: 'static> Cache<T> {
    /// [`Cache::save`] on a thread of its own, so the run goes on meanwhile;
    /// the handle waits for it (also when dropped: a save is never cut short).
    pub fn save_in_background(self) -> PendingSave {
        let path = self.path.clone();
        let spawned = std::thread::Builder::new()
            .name("cache-save".into())
            .spawn(move || self.save());
        PendingSave(Some(
            spawned.map_err(|source| WriteError::Write { path, source }),
        ))
    }
}

/// A save running in the background: [`PendingSave::wait`] for its outcome.
pub struct PendingSave(Option<Result<std::thread::JoinHandle<Result<(), WriteError>>, WriteError>>);

impl PendingSave {
    /// Nothing to wait for (the run did not save).
    pub fn none() -> PendingSave {
        PendingSave(None)
    }

    /// Waits until the cache is written; what a foreground save would have returned.
    pub fn wait(mut self) -> Result<(), WriteError> {
        match self.0.take() {
            None => Ok(()),
            Some(Err(e)) => Err(e),
            Some(Ok(thread)) => thread.join().unwrap_or_else(|_| {
                Err(WriteError::Write {
                    path: PathBuf::from(FILE_NAME),
                    source: std::io::Error::other("the saving thread panicked"),
                })
            }),
        }
    }
}

impl Drop for PendingSave {
    fn drop(&mut self) {
        if let Some(Ok(thread)) = self.0.take() {
            let _ = thread.join();
        }
    }
}

impl<T: Serialize + DeserializeOwned> Cache<T> {
    /// `settings_key` must change whenever per-file results would change.
    pub fn open(dir: &Path, settings_key: &str) -> (Self, CacheState) {
        let path = dir.join(FILE_NAME);
        let key = format!("heavylegs {} / {settings_key}", env!("CARGO_PKG_VERSION"));
        let mut cache = Cache::disabled();
        let state = match map(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => CacheState::Fresh,
            Err(e) => CacheState::Rebuilt(format!("unreadable: {e}")),
            Ok(None) => CacheState::Rebuilt("corrupt: not a heavylegs cache".into()),
            Ok(Some(file)) => match parse(file, &key) {
                Ok(l) => {
                    let n = l.entries.len();
                    cache.used = l.entries.iter().map(|_| AtomicBool::new(false)).collect();
                    cache.reused_stats = l.stats.iter().map(|_| AtomicBool::new(false)).collect();
                    cache.file = Some(l.file);
                    cache.old = l.entries;
                    cache.old_stats = l.stats;
                    cache.old_leaves = l.leaves;
                    CacheState::Loaded(n)
                }
                Err(why) => CacheState::Rebuilt(why),
            },
        };
        cache.path = path;
        cache.key = key;
        cache.dirty = AtomicBool::new(!matches!(state, CacheState::Loaded(_)));
        (cache, state)
    }

    pub fn get(&self, key: &str) -> Option<T> {
        let i = self.find(key.as_bytes())?;
        self.decode_at(i)
    }

    fn decode_at(&self, i: usize) -> Option<T> {
        let Ok(v) = decode(&self.bytes()[self.old[i].payload.clone()]) else {
            self.undecodable.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        self.used[i].store(true, Ordering::Relaxed);
        Some(v)
    }

    /// Stores what this run computed for `key` (encoded now: no copy is kept).
    pub fn put(&self, key: &str, value: &T) {
        let Ok(bytes) = encode(value) else {
            return;
        };
        self.dirty.store(true, Ordering::Relaxed);
        lock(&self.added).insert(key.to_string(), bytes);
    }

    /// The entries of a file whose stat matches the index, without reading it:
    /// one `(leaf path, value)` per leaf, in the file's order. `None` when the
    /// file is new, its stat differs, or an entry is missing or undecodable.
    pub fn unchanged(&self, file: &str, stat: &FileStat) -> Option<Vec<(String, T)>> {
        let s = self.find_stat(file)?;
        let entry = &self.old_stats[s];
        if entry.stat != *stat {
            return None;
        }
        let leaves = &self.old_leaves[entry.leaves.clone()];
        let bytes = self.bytes();
        let slots = leaves
            .iter()
            .map(|(_, k)| self.find(&bytes[k.clone()]))
            .collect::<Option<Vec<usize>>>()?;
        let mut found = Vec::with_capacity(leaves.len());
        for ((leaf, _), i) in leaves.iter().zip(slots) {
            found.push((self.text(leaf).to_owned(), self.decode_at(i)?));
        }
        self.reused_stats[s].store(true, Ordering::Relaxed);
        Some(found)
    }
}

fn lock<X>(m: &Mutex<X>) -> std::sync::MutexGuard<'_, X> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_drops_unused_and_rebuilds_on_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let (c, st) = Cache::<u32>::open(dir.path(), "k1");
        assert_eq!(st, CacheState::Fresh);
        c.put("a", &1);
        c.put("b", &2);
        c.save().unwrap();

        let (c, st) = Cache::<u32>::open(dir.path(), "k1");
        assert_eq!(st, CacheState::Loaded(2));
        assert_eq!(c.get("a"), Some(1));
        assert_eq!(c.hits(), 1);
        c.save().unwrap(); // "b" was not used: dropped

        let (c, _) = Cache::<u32>::open(dir.path(), "k1");
        assert_eq!(c.get("b"), None);
        assert_eq!(c.get("a"), Some(1));

        let (_, st) = Cache::<u32>::open(dir.path(), "k2");
        assert!(matches!(st, CacheState::Rebuilt(_)));

        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        let (c, st) = Cache::<u32>::open(dir.path(), "k1");
        assert!(
            matches!(st, CacheState::Rebuilt(ref r) if r.starts_with("corrupt")),
            "{st:?}"
        );
        assert_eq!(c.get("a"), None);
    }

    fn stamp(size: u64, mtime_ns: i64) -> FileStat {
        FileStat {
            size,
            mtime_ns,
            inode: Some(7),
            ctime_ns: Some(mtime_ns),
        }
    }

    #[test]
    fn stat_index_reuses_only_exact_matches_and_unchanged_runs_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = Cache::<u32>::open(dir.path(), "k");
        c.put("h1:a.zip!x", &1);
        c.put("h2:a.zip!y", &2);
        let leaves = vec![
            ("a.zip!x".to_owned(), "h1:a.zip!x".to_owned()),
            ("a.zip!y".to_owned(), "h2:a.zip!y".to_owned()),
        ];
        c.put_stat(
            "a.zip",
            StatEntry {
                stat: stamp(10, 5),
                leaves,
            },
        );
        c.save().unwrap();

        let (c, _) = Cache::<u32>::open(dir.path(), "k");
        assert_eq!(c.unchanged("a.zip", &stamp(11, 5)), None, "size differs");
        assert_eq!(c.unchanged("a.zip", &stamp(10, 6)), None, "mtime differs");
        let mut moved = stamp(10, 5);
        moved.inode = Some(8);
        assert_eq!(c.unchanged("a.zip", &moved), None, "inode differs");
        assert_eq!(c.unchanged("b.zip", &stamp(10, 5)), None, "new file");
        assert_eq!(
            c.unchanged("a.zip", &stamp(10, 5)),
            Some(vec![("a.zip!x".into(), 1), ("a.zip!y".into(), 2)])
        );
        assert_eq!(c.hits(), 2);
        let before = std::fs::read(dir.path().join(FILE_NAME)).unwrap();
        let modified = std::fs::metadata(dir.path().join(FILE_NAME))
            .unwrap()
            .modified()
            .unwrap();
        c.save().unwrap();
        assert_eq!(std::fs::read(dir.path().join(FILE_NAME)).unwrap(), before);
        assert_eq!(
            std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .modified()
                .unwrap(),
            modified,
            "an unchanged run does not rewrite the cache"
        );

        // A file not seen this run drops out with its entries.
        let (c, _) = Cache::<u32>::open(dir.path(), "k");
        c.save().unwrap();
        let (c, st) = Cache::<u32>::open(dir.path(), "k");
        assert_eq!(st, CacheState::Loaded(0));
        assert_eq!(c.unchanged("a.zip", &stamp(10, 5)), None);
    }

    #[test]
    fn items_round_trip_with_and_without_wellness_and_damage_is_caught() {
        use crate::athlete::collect::Item;
        use crate::ingest::Record;
        let dir = tempfile::tempdir().unwrap();
        let start = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let activity = crate::activity::Activity::from_series(
            "a.fit",
            crate::activity::Sport::Running,
            start,
            crate::activity::Series::default(),
        );
        let mut plain = Record::rejected("a.fit".into(), "h".into(), "bad".into());
        plain.activity = Some(Box::new(activity.clone()));
        let plain = Item::from(plain);
        let mut rich = Record::rejected("b.csv".into(), "h2".into(), "why".into());
        rich.wellness = Some(Box::new(crate::wellness::Wellness {
            warnings: vec!["2026-03-04: sleep window ends before it starts".into()],
            ..Default::default()
        }));
        rich.activity = Some(Box::new(crate::activity::Activity {
            self_rating: crate::activity::SelfRating::new(Some(75.0), Some(6.0)),
            warnings: vec!["salvaged".into()],
            ..activity
        }));
        let rich = Item {
            start_zone: Some("Europe/Zurich".into()),
            records: 3,
            ..Item::from(rich)
        };
        let (c, _) = Cache::<Vec<Item>>::open(dir.path(), "k");
        c.put("p", &vec![plain.clone(), rich.clone()]);
        c.save().unwrap();
        let (c, st) = Cache::<Vec<Item>>::open(dir.path(), "k");
        assert_eq!(st, CacheState::Loaded(1));
        let back = c.get("p").unwrap();
        let json =
            |i: &Item| serde_json::to_string(&(&i.record, i.records, &i.start_zone)).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(json(&back[0]), json(&plain));
        assert_eq!(json(&back[1]), json(&rich));
        assert!(back[1].record.wellness.is_some());

        // A truncated file is corrupt, not half-read.
        let path = dir.path().join(FILE_NAME);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        let (c, st) = Cache::<Vec<Item>>::open(dir.path(), "k");
        assert!(
            matches!(st, CacheState::Rebuilt(ref r) if r.starts_with("corrupt")),
            "{st:?}"
        );
        assert!(c.get("p").is_none());
    }

    /// The same run, twice: once saved in the foreground, once in the background.
    fn run_and_save(dir: &Path, background: bool) -> Vec<u8> {
        let (c, _) = Cache::<Vec<u32>>::open(dir, "k");
        // Reused by stat, reused by content, dropped, added.
        assert_eq!(
            c.unchanged("a.fit", &stamp(10, 5)),
            Some(vec![("a.fit".into(), vec![1, 2])])
        );
        assert_eq!(c.get("h2:b.fit"), Some(vec![3]));
        c.put("h4:d.fit", &vec![4, 5, 6]);
        c.put_stat(
            "d.fit",
            StatEntry {
                stat: stamp(12, 6),
                leaves: vec![("d.fit".into(), "h4:d.fit".into())],
            },
        );
        if background {
            c.save_in_background().wait().unwrap();
        } else {
            c.save().unwrap();
        }
        std::fs::read(dir.join(FILE_NAME)).unwrap()
    }

    #[test]
    fn a_background_save_writes_what_a_foreground_save_does() {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        for d in &dirs {
            let (c, _) = Cache::<Vec<u32>>::open(d.path(), "k");
            c.put("h1:a.fit", &vec![1, 2]);
            c.put("h2:b.fit", &vec![3]);
            c.put("h3:c.fit", &vec![7]);
            c.put_stat(
                "a.fit",
                StatEntry {
                    stat: stamp(10, 5),
                    leaves: vec![("a.fit".into(), "h1:a.fit".into())],
                },
            );
            c.save().unwrap();
        }
        let front = run_and_save(dirs[0].path(), false);
        let back = run_and_save(dirs[1].path(), true);
        assert_eq!(front, back);
        let (c, st) = Cache::<Vec<u32>>::open(dirs[1].path(), "k");
        assert_eq!(st, CacheState::Loaded(3), "c.fit was not used: dropped");
        assert_eq!(c.get("h3:c.fit"), None);
        assert_eq!(
            c.unchanged("d.fit", &stamp(12, 6)),
            Some(vec![("d.fit".into(), vec![4, 5, 6])])
        );
        assert_eq!(
            c.unchanged("a.fit", &stamp(10, 5)),
            Some(vec![("a.fit".into(), vec![1, 2])])
        );
        // Nothing to save, nothing to wait for.
        PendingSave::none().wait().unwrap();
        Cache::<u32>::disabled()
            .save_in_background()
            .wait()
            .unwrap();
    }

    #[test]
    fn a_background_save_that_fails_says_so() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the cache's folder should be: the save cannot create it.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, b"").unwrap();
        let (c, _) = Cache::<u32>::open(&blocked.join("sub"), "k");
        c.put("a", &1);
        assert!(c.save_in_background().wait().is_err());
    }

    #[test]
    fn the_checksum_fed_in_pieces_is_the_checksum_of_the_whole() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let whole = checksum(&bytes);
        for cuts in [
            vec![0, 1000],
            vec![3, 11, 12, 500, 997],
            vec![7, 8, 9, 16, 17],
        ] {
            let mut c = Checksum::new();
            let mut at = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                c.update(&bytes[at..cut]);
                at = cut;
            }
            assert_eq!(c.finish(), whole);
        }
        assert_ne!(checksum(&bytes[1..]), whole);
    }

    #[test]
    fn an_index_out_of_order_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = Cache::<u32>::open(dir.path(), "k");
        let key = c.key.clone();
        // A well-formed file, checksum and all, whose keys are not sorted:
        // its lookups would miss, so it is rebuilt instead.
        let index = Index {
            key: &key,
            entries: vec![("b", 1), ("a", 1)],
            stats: Vec::new(),
        };
        let mut body = encode(&index).unwrap();
        let index_len = body.len() as u64;
        body.extend(encode(&2u32).unwrap());
        body.extend(encode(&1u32).unwrap());
        let mut file = MAGIC.to_vec();
        file.extend(FORMAT.to_le_bytes());
        file.extend(checksum(&body).to_le_bytes());
        file.extend(index_len.to_le_bytes());
        file.extend(&body);
        std::fs::write(dir.path().join(FILE_NAME), &file).unwrap();
        let (c, st) = Cache::<u32>::open(dir.path(), "k");
        assert_eq!(
            st,
            CacheState::Rebuilt("corrupt: index out of order".into())
        );
        assert_eq!(c.get("a"), None);
        // The same entries in order are read.
        let index = Index {
            key: &key,
            entries: vec![("a", 1), ("b", 1)],
            stats: Vec::new(),
        };
        let mut body = encode(&index).unwrap();
        body.extend(encode(&1u32).unwrap());
        body.extend(encode(&2u32).unwrap());
        file.truncate(HEADER_LEN);
        file[12..20].copy_from_slice(&checksum(&body).to_le_bytes());
        file.extend(&body);
        std::fs::write(dir.path().join(FILE_NAME), &file).unwrap();
        let (c, st) = Cache::<u32>::open(dir.path(), "k");
        assert_eq!(st, CacheState::Loaded(2));
        assert_eq!((c.get("a"), c.get("b")), (Some(1), Some(2)));
        // An empty file is not a cache.
        std::fs::write(dir.path().join(FILE_NAME), b"").unwrap();
        let (_, st) = Cache::<u32>::open(dir.path(), "k");
        assert_eq!(
            st,
            CacheState::Rebuilt("corrupt: not a heavylegs cache".into())
        );
    }

    #[test]
    fn fresh_files_are_not_settled() {
        let now = now_ns();
        assert!(!stamp(1, now).settled(now));
        assert!(!stamp(1, now - SETTLE_NS / 2).settled(now));
        assert!(stamp(1, now - 2 * SETTLE_NS).settled(now));
        let meta = std::fs::metadata(file!()).or_else(|_| std::fs::metadata("Cargo.toml"));
        if let Ok(meta) = meta {
            let s = FileStat::of(&meta);
            assert_eq!(s.size, meta.len());
            assert!(s.mtime_ns > 0);
        }
    }
}
