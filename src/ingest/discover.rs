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
    pub files: Vec<PathBuf>,
    /// Hidden or irrelevant entries skipped (files and folders, each counted once).
    pub ignored: u64,
    /// Inputs or folders that could not be read, with the OS error.
    pub unreadable: Vec<(PathBuf, io::Error)>,
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
    let mut seen_dirs = HashSet::new();
    for input in inputs {
        match fs::metadata(input) {
            Ok(meta) if meta.is_dir() => walk_dir(input, &mut seen_dirs, &mut found),
            Ok(_) => {
                let name = input.file_name().map(|n| n.to_string_lossy());
                if name.is_some_and(|n| has_irrelevant_extension(&n)) {
                    found.ignored += 1;
                } else {
                    found.files.push(input.clone());
                }
            }
            Err(e) => found.unreadable.push((input.clone(), e)),
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

fn walk_dir(dir: &Path, seen_dirs: &mut HashSet<PathBuf>, found: &mut Discovered) {
    // Canonical paths catch symlink loops and a folder named twice.
    if let Ok(canonical) = fs::canonicalize(dir)
        && !seen_dirs.insert(canonical)
    {
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd.collect::<Result<Vec<_>, _>>(),
        Err(e) => Err(e),
    };
    let mut entries = match entries {
        Ok(entries) => entries,
        Err(e) => {
            found.unreadable.push((dir.to_path_buf(), e));
            return;
        }
    };
    // Cached: `file_name` allocates, and a sort would call it twice per comparison.
    entries.sort_by_cached_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        if is_hidden(&name) {
            found.ignored += 1;
            continue;
        }
        // file_type() does not follow symlinks; metadata() does, for linked files and folders.
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_symlink() => fs::metadata(&path).map(|m| m.is_dir()),
            Ok(t) => Ok(t.is_dir()),
            Err(e) => Err(e),
        };
        match is_dir {
            Ok(true) if IRRELEVANT_DIRS.contains(&name.as_ref()) => found.ignored += 1,
            Ok(true) => walk_dir(&path, seen_dirs, found),
            Ok(false) if has_irrelevant_extension(&name) => found.ignored += 1,
            Ok(false) => found.files.push(path),
            Err(e) => found.unreadable.push((path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder reached by two paths (two links to it) is walked by the first
    /// in name order, every time: a walk that let threads race for folders
    /// would make the paths (and every output) depend on timing. The first
    /// link closes the first half of a folder that parallel work would split.
    #[cfg(unix)]
    #[test]
    fn a_folder_reached_twice_is_walked_by_the_first_path_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("z/real")).unwrap();
        fs::write(d.join("z/real/run.fit"), b"x").unwrap();
        for i in 0..149 {
            fs::write(d.join(format!("f{i:03}.fit")), b"x").unwrap();
            fs::write(d.join(format!("i{i:03}.fit")), b"x").unwrap();
        }
        std::os::unix::fs::symlink(d.join("z/real"), d.join("g")).unwrap();
        std::os::unix::fs::symlink(d.join("z/real"), d.join("h")).unwrap();
        for _ in 0..20 {
            let found = discover(&[d.to_path_buf()]);
            let walked: Vec<&PathBuf> = found
                .files
                .iter()
                .filter(|p| p.ends_with("run.fit"))
                .collect();
            assert_eq!(walked, vec![&d.join("g/run.fit")]);
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
