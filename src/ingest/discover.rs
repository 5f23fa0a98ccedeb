//! Turns the command line's mix of files and folders into a sorted list of
//! candidate files.
//!
//! Exports carry much that is not activity data (Garmin's JSON dumps,
//! photos, macOS resource forks); the wellness files heavylegs reads
//! ([`crate::wellness::Source`]) are let through by name. The rest is skipped
//! without a ledger line but counted, so the summary can say "412 files
//! ignored" instead of flooding the ledger with rejections.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

/// Extensions that are never activity data. Everything else is sniffed by
/// content, so a FIT file without an extension still gets read.
const IRRELEVANT_EXTENSIONS: &[&str] = &[
    "csv", "json", "txt", "md", "html", "htm", "css", "js", "pdf", "log", "ini", "yml", "yaml",
    "toml", "db", "sqlite", "jpg", "jpeg", "png", "gif", "heic", "webp", "bmp", "tif", "tiff",
    "svg", "mp4", "mov", "avi", "mp3", "wav", "m4a", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
    "odt", "ods", "epub", "exe", "dll", "so", "dylib", "apk", "jar", "parquet",
];

/// Folder names that only hold metadata copies of other files.
const IRRELEVANT_DIRS: &[&str] = &["__MACOSX"];

/// The files found under the inputs, plus what could not be looked at.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Regular files to process, sorted and without repeats.
    pub files: Vec<Found>,
    /// Hidden or irrelevant entries skipped (files and folders, each counted once).
    pub ignored: u64,
    /// Inputs or folders that could not be read, with the OS error.
    pub unreadable: Vec<(PathBuf, io::Error)>,
}

/// A file to process and its stat, taken while its folder was open: by the
/// folder's handle, not by path, and on every core (a weekly run of a large
/// history is mostly stats).
#[derive(Debug)]
pub struct Found {
    pub path: PathBuf,
    /// `None` when the stat failed; the file is then read (and fails there, named).
    pub meta: Option<fs::Metadata>,
}

impl Discovered {
    fn append(&mut self, mut other: Discovered) {
        self.files.append(&mut other.files);
        self.ignored += other.ignored;
        self.unreadable.append(&mut other.unreadable);
    }
}

/// Whether a file or archive member named `name` is skipped without a ledger line.
///
/// `name` may be a path (`a/b/.x.fit`, `__MACOSX/._run.fit`); any hidden
/// component or metadata folder makes it irrelevant.
pub fn is_ignored_name(name: &str) -> bool {
    let mut components = name.split(['/', '\\']).filter(|c| !c.is_empty()).peekable();
    while let Some(c) = components.next() {
        let is_last = components.peek().is_none();
        if is_hidden(c) || (!is_last && IRRELEVANT_DIRS.contains(&c)) {
            return true;
        }
        if is_last {
            return has_irrelevant_extension(c);
        }
    }
    false
}

fn is_hidden(component: &str) -> bool {
    component.starts_with('.') && component != "." && component != ".."
}

/// Files with an otherwise irrelevant extension that hold activity data:
/// Polar Flow's per-session JSON (`training-session-2026-04-07-….json`).
fn is_known_export_file(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower.starts_with("training-session-") && lower.ends_with(".json")
}

/// Apple Health's clinical-records twin of `export.xml` (HL7 CDA: lab
/// results, no workouts) is not activity data.
const IGNORED_FILE_NAMES: &[&str] = &["export_cda.xml"];

/// Wellness exports (`*_sleepData.json`, `activities.csv`, …) are read even
/// though their extensions are otherwise irrelevant.
fn has_irrelevant_extension(file_name: &str) -> bool {
    if is_known_export_file(file_name) || crate::wellness::Source::of_name(file_name).is_some() {
        return false;
    }
    if IGNORED_FILE_NAMES.contains(&file_name.to_ascii_lowercase().as_str()) {
        return true;
    }
    match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            IRRELEVANT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        }
        _ => false,
    }
}

/// Walks `inputs` (files or folders, recursively) in a deterministic order.
///
/// Hidden entries inside folders are skipped; a file named explicitly is
/// processed even if hidden, but not if its extension is irrelevant (so a
/// shell glob over an export does not turn `activities.csv` into a rejection).
/// Symlinked folders are followed once; loops are cut.
pub fn discover(inputs: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    let seen_dirs = Mutex::new(HashSet::new());
    for input in inputs {
        match fs::metadata(input) {
            Ok(meta) if meta.is_dir() => found.append(walk_dir(input, &seen_dirs)),
            Ok(meta) => {
                let name = input.file_name().map(|n| n.to_string_lossy());
                if name.is_some_and(|n| has_irrelevant_extension(&n)) {
                    found.ignored += 1;
                } else {
                    found.files.push(Found {
                        path: input.clone(),
                        meta: Some(meta),
                    });
                }
            }
            Err(e) => found.unreadable.push((input.clone(), e)),
        }
    }
    found.files.sort_by(|a, b| a.path.cmp(&b.path));
    found.files.dedup_by(|a, b| a.path == b.path);
    found
}

/// What one folder entry turned out to be.
enum Entry {
    File(Found),
    Folder(Discovered),
    Ignored,
    Unreadable(PathBuf, io::Error),
}

/// One folder, its entries looked at in parallel (sub-folders too); the
/// result is in the order a one-by-one walk gives.
fn walk_dir(dir: &Path, seen_dirs: &Mutex<HashSet<PathBuf>>) -> Discovered {
    let mut found = Discovered::default();
    // Canonical paths catch symlink loops and a folder named twice.
    if let Ok(canonical) = fs::canonicalize(dir)
        && !seen_dirs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(canonical)
    {
        return found;
    }
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd.collect::<Result<Vec<_>, _>>(),
        Err(e) => Err(e),
    };
    let mut entries = match entries {
        Ok(entries) => entries,
        Err(e) => {
            found.unreadable.push((dir.to_path_buf(), e));
            return found;
        }
    };
    // Cached: `file_name` allocates, and a sort would call it twice per comparison.
    entries.sort_by_cached_key(|e| e.file_name());
    let looked: Vec<Entry> = entries
        .par_iter()
        .map(|entry| look_at(entry, seen_dirs))
        .collect();
    for entry in looked {
        match entry {
            Entry::File(file) => found.files.push(file),
            Entry::Folder(inner) => found.append(inner),
            Entry::Ignored => found.ignored += 1,
            Entry::Unreadable(path, e) => found.unreadable.push((path, e)),
        }
    }
    found
}

fn look_at(entry: &fs::DirEntry, seen_dirs: &Mutex<HashSet<PathBuf>>) -> Entry {
    let name = entry.file_name();
    let name = name.to_string_lossy();
    let path = entry.path();
    if is_hidden(&name) {
        return Entry::Ignored;
    }
    // file_type() does not follow symlinks; metadata() does, for linked files and folders.
    let kind = match entry.file_type() {
        Ok(t) if t.is_symlink() => fs::metadata(&path).map(|m| (m.is_dir(), Some(m))),
        Ok(t) => Ok((t.is_dir(), None)),
        Err(e) => Err(e),
    };
    match kind {
        Ok((true, _)) if IRRELEVANT_DIRS.contains(&name.as_ref()) => Entry::Ignored,
        Ok((true, _)) => Entry::Folder(walk_dir(&path, seen_dirs)),
        Ok((false, _)) if has_irrelevant_extension(&name) => Entry::Ignored,
        Ok((false, linked)) => {
            let meta = linked.or_else(|| entry.metadata().ok());
            Entry::File(Found { path, meta })
        }
        Err(e) => Entry::Unreadable(path, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Folders looked at in parallel still give the one-by-one order, and
    /// every file carries the stat the cache compares (a linked file its
    /// target's, as a stat by path would give).
    #[cfg(unix)]
    #[test]
    fn parallel_walk_keeps_path_order_and_stats_each_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut expected = Vec::new();
        for a in 0..6 {
            for b in 0..5 {
                let sub = d.join(format!("y{a}/m{b}"));
                fs::create_dir_all(&sub).unwrap();
                for c in 0..7 {
                    let file = sub.join(format!("r{c}.fit"));
                    fs::write(&file, vec![0u8; a * 100 + b * 10 + c]).unwrap();
                    expected.push((file, (a * 100 + b * 10 + c) as u64));
                }
                fs::write(sub.join(".hidden.fit"), b"x").unwrap();
                fs::write(sub.join("notes.txt"), b"x").unwrap();
            }
        }
        // A linked file, a linked folder that loops back, a dangling link.
        let target = d.join("y0/m0/r6.fit");
        std::os::unix::fs::symlink(&target, d.join("y5/linked.fit")).unwrap();
        std::os::unix::fs::symlink(d, d.join("y5/m4/loop")).unwrap();
        std::os::unix::fs::symlink(d.join("gone.fit"), d.join("y5/m4/dangling.fit")).unwrap();
        expected.push((d.join("y5/linked.fit"), 6));
        expected.sort();

        let found = discover(&[d.to_path_buf()]);
        let got: Vec<(PathBuf, u64)> = found
            .files
            .iter()
            .map(|f| (f.path.clone(), f.meta.as_ref().expect("stat taken").len()))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(found.ignored, 6 * 5 * 2);
        let unreadable: Vec<&Path> = found.unreadable.iter().map(|(p, _)| p.as_path()).collect();
        assert_eq!(unreadable, vec![d.join("y5/m4/dangling.fit")]);
        // The same stat as one taken by path, to the inode.
        use std::os::unix::fs::MetadataExt;
        for f in &found.files {
            let by_path = fs::metadata(&f.path).unwrap();
            let meta = f.meta.as_ref().unwrap();
            assert_eq!(
                (meta.ino(), meta.mtime_nsec()),
                (by_path.ino(), by_path.mtime_nsec())
            );
        }
    }

    #[test]
    fn irrelevant_names() {
        assert!(is_ignored_name("bikes.csv"));
        assert!(!is_ignored_name("activities.csv"));
        assert!(!is_ignored_name(
            "DI_CONNECT/DI-Connect-Wellness/1_sleepData.json"
        ));
        assert!(is_ignored_name(
            "DI_CONNECT/DI-Connect-User/user_profile.json"
        ));
        assert!(is_ignored_name("export/DI_CONNECT/x/user.JSON"));
        assert!(is_ignored_name("__MACOSX/activities/._1.fit"));
        assert!(is_ignored_name(".DS_Store"));
        assert!(is_ignored_name("a/.hidden/run.fit"));
        assert!(!is_ignored_name("activities/123.fit.gz"));
        assert!(!is_ignored_name("run"));
        assert!(!is_ignored_name("UploadedFiles_0-_Part1.zip"));
        assert!(!is_ignored_name("weird.FIT"));
        assert!(!is_ignored_name(
            "polar-user-data-export/training-session-2026-04-07-1-a.json"
        ));
        assert!(is_ignored_name("polar-user-data-export/account-data.json"));
        assert!(is_ignored_name("apple_health_export/export_cda.xml"));
        assert!(!is_ignored_name("apple_health_export/export.xml"));
    }
}
