//! One writer per output folder at a time: two cron jobs writing the same
//! report folder would interleave files. Locks are per athlete folder (and
//! one for the roster files of a coach folder), never per output root, so
//! shards of one coach folder write into one tree side by side while two runs
//! over the same athlete still refuse each other. The lock is an OS advisory
//! lock, so a killed run never leaves a stale lock behind.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Holds the lock file's path.
    #[error(
        "another heavylegs run is writing to {} (lock held on {}); try again when it has finished",
        busy_target(.0),
        .0.display()
    )]
    Busy(PathBuf),
    /// Its parent is a file, or no permission: the usual "unwritable output folder".
    #[error("cannot create output folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot lock output folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Held for the whole run; released on drop (or when the process dies).
pub struct OutputLock {
    _file: File,
}

/// The lock of an athlete's (or a single run's) report folder.
pub const FOLDER_LOCK: &str = ".heavylegs.lock";
/// The lock of a coach folder's `roster.{html,json,csv}`.
pub const ROSTER_LOCK: &str = ".roster.lock";

fn busy_target(lock: &Path) -> String {
    let dir = lock.parent().unwrap_or(Path::new("."));
    if lock.file_name().is_some_and(|n| n == ROSTER_LOCK) {
        format!("the roster in {}", dir.display())
    } else {
        dir.display().to_string()
    }
}

impl OutputLock {
    /// Locks the report folder `dir` (created if missing).
    pub fn acquire(dir: &Path) -> Result<OutputLock, LockError> {
        Self::acquire_file(dir, FOLDER_LOCK)
    }

    /// Locks the roster files in the coach output folder `dir`, not the athletes' folders under it.
    pub fn acquire_roster(dir: &Path) -> Result<OutputLock, LockError> {
        Self::acquire_file(dir, ROSTER_LOCK)
    }

    fn acquire_file(dir: &Path, name: &str) -> Result<OutputLock, LockError> {
        let io = |source| LockError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|source| LockError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(name))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(OutputLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(LockError::Busy(dir.join(name))),
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_until_first_drops() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path()).unwrap();
        let err = OutputLock::acquire(dir.path())
            .err()
            .expect("second lock must fail");
        assert!(err.to_string().contains("another heavylegs run"), "{err}");
        drop(first);
        OutputLock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn roster_and_athlete_folders_lock_apart() {
        let dir = tempfile::tempdir().unwrap();
        let roster = OutputLock::acquire_roster(dir.path()).unwrap();
        // Another shard's athletes and the folder itself stay free.
        let _ana = OutputLock::acquire(&dir.path().join("ana")).unwrap();
        let _ben = OutputLock::acquire(&dir.path().join("ben")).unwrap();
        let err = OutputLock::acquire(&dir.path().join("ana"))
            .err()
            .expect("the same athlete twice must fail");
        assert!(err.to_string().contains("ana"), "{err}");
        let err = OutputLock::acquire_roster(dir.path())
            .err()
            .expect("the roster twice must fail");
        assert!(err.to_string().contains("the roster in"), "{err}");
        drop(roster);
        OutputLock::acquire_roster(dir.path()).unwrap();
    }
}
