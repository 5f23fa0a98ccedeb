//! Atomic output: every file heavylegs writes goes to a temporary name in the
//! same folder and is renamed over the target, so a crash or a full disk never
//! leaves a half-written report behind. Lines on stdout go through
//! [`out_line`].

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a run can write into an athlete's folder (`[output] formats`); the
/// serde name is the one users type. Each has its writer in `report::write_athlete`,
/// matched without a fallback, so a format without a writer does not compile.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// `report.json`, the stable machine-readable report.
    Json,
    /// `report.md`.
    Md,
    /// `report.html`, one self-contained page.
    Html,
    /// `activities`, `days` and `weeks` as Parquet and CSV.
    Tables,
}

impl OutputFormat {
    /// Every format, in the order a run writes them by default.
    pub const ALL: [OutputFormat; 4] = [
        OutputFormat::Json,
        OutputFormat::Md,
        OutputFormat::Html,
        OutputFormat::Tables,
    ];

    /// The name in pipeline files and messages.
    pub fn name(self) -> &'static str {
        crate::names::serde_name(&self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot create output folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path` through a temp file + fsync + rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] for content written in pieces (buffered), so a large
/// file need not be assembled in memory first.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    stage(path, write)?.commit()
}

/// Several files, each atomically: written and synced side by side (the
/// syncs overlap), then moved into place in order. The first failure stops
/// there: the files before it are in place, it and the ones after are not
/// (their temporary files are removed), as writing them one by one would leave it.
pub fn write_atomic_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), WriteError> {
    use rayon::prelude::*;
    let staged: Vec<Result<Staged, WriteError>> = files
        .par_iter()
        .map(|(path, bytes)| stage(path, |w| w.write_all(bytes)))
        .collect();
    for file in staged {
        file?.commit()?;
    }
    Ok(())
}

/// A file written and synced under a temporary name in its folder, not yet
/// in place; dropped uncommitted, the temporary file is removed.
struct Staged {
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    fn commit(mut self) -> Result<(), WriteError> {
        fs::rename(&self.tmp, &self.path).map_err(|source| WriteError::Write {
            path: self.path.clone(),
            source,
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn stage(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staged = Staged {
        tmp: dir.join(format!(".{name}.{}.tmp", std::process::id())),
        path: path.to_path_buf(),
        committed: false,
    };
    let result = (|| {
        let file = fs::File::create(&staged.tmp)?;
        let mut f = std::io::BufWriter::with_capacity(256 * 1024, file);
        write(&mut f)?;
        let f = f
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()
    })();
    match result {
        Ok(()) => Ok(staged),
        Err(source) => Err(WriteError::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes a line to stdout, turning a closed pipe into an error the caller maps to success.
pub fn out_line(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")
}

/// A file-name-safe form of a free-text name (athlete names become folder names).
pub fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches('.');
    if s.is_empty() {
        "athlete".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/report.json");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "temp files left behind: {names:?}");
    }

    #[test]
    fn failed_write_keeps_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.json");
        write_atomic(&p, b"good").unwrap();
        // A directory squatting on the temp name makes the write fail before the rename.
        let tmp = dir
            .path()
            .join(format!(".report.json.{}.tmp", std::process::id()));
        fs::create_dir(&tmp).unwrap();
        assert!(write_atomic(&p, b"bad").is_err());
        assert_eq!(fs::read(&p).unwrap(), b"good");
    }

    #[test]
    fn a_failure_in_a_set_stops_there_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in ["a.json", "c.json"] {
            write_atomic(&d.join(name), b"old").unwrap();
        }
        // `b` cannot be written: its folder is a file.
        fs::write(d.join("blocker"), b"").unwrap();
        let files = vec![
            (d.join("a.json"), b"new".to_vec()),
            (d.join("blocker").join("b.json"), b"new".to_vec()),
            (d.join("c.json"), b"new".to_vec()),
        ];
        let err = write_atomic_all(&files).unwrap_err();
        assert!(err.to_string().contains("blocker"), "{err}");
        assert_eq!(
            fs::read(d.join("a.json")).unwrap(),
            b"new",
            "before the failure"
        );
        assert_eq!(
            fs::read(d.join("c.json")).unwrap(),
            b"old",
            "after it: untouched"
        );
        let left: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");

        fs::remove_file(d.join("blocker")).unwrap();
        write_atomic_all(&files).unwrap();
        for (path, _) in &files {
            assert_eq!(fs::read(path).unwrap(), b"new");
        }
    }
}
