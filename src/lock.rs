//! One run per output folder at a time: two cron jobs writing the same report
//! folder would interleave files. The lock is an OS advisory lock, so a killed
//! run never leaves a stale lock behind.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another heavylegs run is writing to {0} (lock held on {0}/.heavylegs.lock); try again when it has finished"
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

impl OutputLock {
    pub fn acquire(dir: &Path) -> Result<OutputLock, LockError> {
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
            .open(dir.join(".heavylegs.lock"))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(OutputLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(LockError::Busy(dir.to_path_buf())),
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
}
