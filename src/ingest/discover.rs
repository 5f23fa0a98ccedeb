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
    starts_with_ignore_case(file_name, "training-session-")
        && ends_with_ignore_case(file_name, ".json")
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Apple Health's clinical-records twin of `export.xml` (HL7 CDA: lab
/// results, no workouts) is not activity data.
const IGNORED_FILE_NAMES: &[&str] = &["export_cda.xml"];

/// Wellness exports (`*_sleepData.json`, `activities.csv`, …) are read even
/// though their extensions are otherwise irrelevant. An activity file's
/// name is checked without allocating: this runs for every file of every
/// run, cached or not.
fn has_irrelevant_extension(file_name: &str) -> bool {
    if IGNORED_FILE_NAMES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(file_name))
    {
        return true;
    }
    let irrelevant = match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => IRRELEVANT_EXTENSIONS
            .iter()
            .any(|e| e.eq_ignore_ascii_case(ext)),
        _ => false,
    };
    irrelevant
        && !is_known_export_file(file_name)
        && crate::wellness::Source::of_name(file_name).is_none()
}

/// Walks `inputs` (files or folders, recursively) in a deterministic order.
///
/// Hidden entries inside folders are skipped; a file named explicitly is
/// processed even if hidden, but not if its extension is irrelevant (so a
/// shell glob over an export does not turn `activities.csv` into a rejection).
/// Symlinked folders are followed once; loops are cut.
///
/// Real folders are listed in parallel, then joined in name order, so the
/// result is what a walk on one thread gives: a folder reached twice (two
/// links to it) is taken under the first path in that order, every time.
pub fn discover(inputs: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    let mut seen_dirs = HashSet::new();
    for input in inputs {
        match fs::metadata(input) {
            Ok(meta) if meta.is_dir() => list(input).join(&mut seen_dirs, &mut found),
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

/// One folder as listed, its real subfolders listed too.
struct Listing {
    /// Its canonical path (`None` when that cannot be had): what "seen" means.
    canonical: Option<PathBuf>,
    /// In name order; `Err` when the folder could not be read.
    entries: Result<Vec<Entry>, (PathBuf, io::Error)>,
}

enum Entry {
    File(PathBuf),
    Folder(Listing),
    /// A symlink to a folder: listed when the join reaches it, and only if
    /// its target was not seen before (links can form loops, and a hostile
    /// folder of links to links would otherwise be listed once per path).
    LinkedFolder(PathBuf),
    Ignored,
    Unreadable(PathBuf, io::Error),
}

/// Lists `dir` and, in parallel, its real subfolders (a tree: no loops, each
/// listed once); folders behind symlinks wait for the join.
fn list(dir: &Path) -> Listing {
    use rayon::prelude::*;
    let canonical = fs::canonicalize(dir).ok();
    let read = fs::read_dir(dir).and_then(|rd| rd.collect::<Result<Vec<_>, _>>());
    let mut dir_entries = match read {
        Ok(entries) => entries,
        Err(e) => {
            return Listing {
                canonical,
                entries: Err((dir.to_path_buf(), e)),
            };
        }
    };
    // Cached: `file_name` allocates, and a sort would call it twice per comparison.
    dir_entries.sort_by_cached_key(|e| e.file_name());
    let entries = dir_entries
        .par_iter()
        .map(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let path = entry.path();
            if is_hidden(&name) {
                return Entry::Ignored;
            }
            // file_type() does not follow symlinks; metadata() does, for linked files and folders.
            let kind = match entry.file_type() {
                Ok(t) if t.is_symlink() => fs::metadata(&path).map(|m| (m.is_dir(), true)),
                Ok(t) => Ok((t.is_dir(), false)),
                Err(e) => Err(e),
            };
            match kind {
                Ok((true, _)) if IRRELEVANT_DIRS.contains(&name.as_ref()) => Entry::Ignored,
                Ok((true, false)) => Entry::Folder(list(&path)),
                Ok((true, true)) => Entry::LinkedFolder(path),
                Ok((false, _)) if has_irrelevant_extension(&name) => Entry::Ignored,
                Ok((false, _)) => Entry::File(path),
                Err(e) => Entry::Unreadable(path, e),
            }
        })
        .collect();
    Listing {
        canonical,
        entries: Ok(entries),
    }
}

impl Listing {
    /// Adds what the listing found, in order, skipping folders seen before
    /// (canonical paths catch symlink loops and a folder named twice).
    fn join(self, seen_dirs: &mut HashSet<PathBuf>, found: &mut Discovered) {
        if let Some(c) = self.canonical
            && !seen_dirs.insert(c)
        {
            return;
        }
        let entries = match self.entries {
            Ok(entries) => entries,
            Err(unreadable) => {
                found.unreadable.push(unreadable);
                return;
            }
        };
        for entry in entries {
            match entry {
                Entry::File(path) => found.files.push(path),
                Entry::Folder(listing) => listing.join(seen_dirs, found),
                Entry::LinkedFolder(path) => {
                    let seen = fs::canonicalize(&path).is_ok_and(|c| seen_dirs.contains(&c));
                    if !seen {
                        list(&path).join(seen_dirs, found);
                    }
                }
                Entry::Ignored => found.ignored += 1,
                Entry::Unreadable(path, e) => found.unreadable.push((path, e)),
            }
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

    /// A link back to a folder above it ends the walk there, and a folder
    /// linked from two places is listed once, under the first path by name.
    #[cfg(unix)]
    #[test]
    fn symlink_loops_end_and_each_folder_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("a/b")).unwrap();
        fs::write(d.join("a/b/run.fit"), b"x").unwrap();
        fs::write(d.join("a/top.gpx"), b"x").unwrap();
        std::os::unix::fs::symlink(d, d.join("a/b/up")).unwrap();
        std::os::unix::fs::symlink(d.join("a/b"), d.join("c")).unwrap();
        let found = discover(&[d.to_path_buf()]);
        assert_eq!(
            found.files,
            vec![d.join("a/b/run.fit"), d.join("a/top.gpx")]
        );
        assert!(found.unreadable.is_empty());
    }

    /// Links to links, two per folder and ten deep, name 2¹⁰ paths to the
    /// same few folders: the file is found once, under the first path by
    /// name. (Links are only followed from the join, after checking the
    /// seen set, so a folder is listed at most once per link, never once a path.)
    #[cfg(unix)]
    #[test]
    fn a_folder_of_links_to_links_is_walked_once_per_folder() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for level in 0..=10 {
            fs::create_dir_all(d.join(format!("l{level}"))).unwrap();
        }
        fs::write(d.join("l10/run.fit"), b"x").unwrap();
        for level in 0..10 {
            for link in ["a", "b"] {
                std::os::unix::fs::symlink(
                    d.join(format!("l{}", level + 1)),
                    d.join(format!("l{level}/{link}")),
                )
                .unwrap();
            }
        }
        let found = discover(&[d.join("l0")]);
        assert_eq!(found.files.len(), 1, "{:?}", found.files);
        assert!(found.files[0].ends_with("a/a/a/a/a/a/a/a/a/a/run.fit"));
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
