//! Incremental runs: per-file results keyed by the SHA-256 of the file's bytes.
//!
//! One JSON file per output folder, written atomically at the end of a run and
//! holding only the entries that run used, so a deleted input drops out. The
//! key includes the heavylegs version and a hash of every setting that changes
//! per-file results; a mismatched or unreadable cache is rebuilt, never trusted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::output::{WriteError, write_atomic};

const FILE_NAME: &str = "cache.json";

#[derive(Serialize, Deserialize)]
struct OnDisk<T> {
    key: String,
    entries: BTreeMap<String, T>,
}

pub struct Cache<T> {
    path: PathBuf,
    key: String,
    old: BTreeMap<String, T>,
    kept: Mutex<BTreeMap<String, T>>,
    hits: std::sync::atomic::AtomicUsize,
}

/// What opening the cache found, for the run summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheState {
    Fresh,
    Loaded(usize),
    /// The file existed but was for other settings/versions or unreadable: rebuilt.
    Rebuilt(String),
}

impl<T: Serialize + DeserializeOwned + Clone> Cache<T> {
    /// `settings_key` must change whenever per-file results would change.
    pub fn open(dir: &Path, settings_key: &str) -> (Self, CacheState) {
        let path = dir.join(FILE_NAME);
        let key = format!("heavylegs {} / {settings_key}", env!("CARGO_PKG_VERSION"));
        let (old, state) = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (BTreeMap::new(), CacheState::Fresh)
            }
            Err(e) => (
                BTreeMap::new(),
                CacheState::Rebuilt(format!("unreadable: {e}")),
            ),
            Ok(bytes) => match serde_json::from_slice::<OnDisk<T>>(&bytes) {
                Ok(d) if d.key == key => {
                    let n = d.entries.len();
                    (d.entries, CacheState::Loaded(n))
                }
                Ok(_) => (
                    BTreeMap::new(),
                    CacheState::Rebuilt("made by another version or settings".into()),
                ),
                Err(e) => (
                    BTreeMap::new(),
                    CacheState::Rebuilt(format!("corrupt: {e}")),
                ),
            },
        };
        let cache = Cache {
            path,
            key,
            old,
            kept: Mutex::new(BTreeMap::new()),
            hits: Default::default(),
        };
        (cache, state)
    }

    /// A cache that never hits and never saves (`--no-cache`).
    pub fn disabled() -> Self {
        Cache {
            path: PathBuf::new(),
            key: String::new(),
            old: BTreeMap::new(),
            kept: Mutex::new(BTreeMap::new()),
            hits: Default::default(),
        }
    }

    pub fn get(&self, sha256: &str) -> Option<T> {
        let v = self.old.get(sha256)?.clone();
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.lock().insert(sha256.to_string(), v.clone());
        Some(v)
    }

    pub fn put(&self, sha256: &str, value: T) {
        self.lock().insert(sha256.to_string(), value);
    }

    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Writes the entries this run used or added; others (deleted inputs) are dropped.
    pub fn save(&self) -> Result<(), WriteError> {
        if self.path.as_os_str().is_empty() {
            return Ok(());
        }
        let kept = std::mem::take(&mut *self.lock());
        let disk = OnDisk {
            key: self.key.clone(),
            entries: kept,
        };
        let bytes = serde_json::to_vec(&disk).expect("cache entries serialize");
        write_atomic(&self.path, &bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, T>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_drops_unused_and_rebuilds_on_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let (c, st) = Cache::<u32>::open(dir.path(), "k1");
        assert_eq!(st, CacheState::Fresh);
        c.put("a", 1);
        c.put("b", 2);
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
}
