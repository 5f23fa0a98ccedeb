//! Damaged inputs, said plainly: "3 files were damaged; …" with, per file,
//! what was kept ("kept the 1,204 records before byte 81,311").
//!
//! A damaged FIT file is decoded up to the damage and stays `ok`, so the
//! only trace is the decoder's warning (`report.json` → `inputs.warnings`).
//! This module reads those warnings back (the wording is the FIT decoder's,
//! `decode::fit` and its frame check; the tests here decode real damaged
//! files so the two cannot drift apart) and renders one self-contained
//! section for the Markdown and HTML writers.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::fmt::thousands;
use super::model::Report;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// The data stop (truncated) or turn unreadable at `at_byte`; the records before were kept.
    Cut {
        at_byte: u64,
        kept_records: u64,
        truncated: bool,
    },
    /// A header or file checksum does not match (or is missing); the data were kept as read.
    Checksum,
}

/// One damaged input file (sessions of one file count once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedFile {
    pub path: String,
    pub damage: Damage,
}

/// Reads one decoder warning; `None` for warnings that are not damage
/// (dropped samples, a mislabelled extension, an ignored tail…).
pub fn classify(warning: &str) -> Option<Damage> {
    for (prefix, truncated) in [
        ("truncated at byte ", true),
        ("unreadable data at byte ", false),
    ] {
        if let Some(rest) = warning.strip_prefix(prefix) {
            let at_byte = leading_number(rest)?;
            let kept = warning.rsplit_once("kept ")?.1;
            let kept_records = leading_number(kept)?;
            return Some(Damage::Cut {
                at_byte,
                kept_records,
                truncated,
            });
        }
    }
    let checksum = [
        "file CRC mismatch",
        "header CRC mismatch",
        "file CRC missing",
    ];
    checksum
        .iter()
        .any(|p| warning.starts_with(p))
        .then_some(Damage::Checksum)
}

fn leading_number(s: &str) -> Option<u64> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `run.fit#2` → `run.fit`: a multisport file's sessions carry the same file-level damage.
fn file_of(path: &str) -> &str {
    match path.rsplit_once('#') {
        Some((file, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => file,
        _ => path,
    }
}

/// The damaged files of a report, by path; a cut outranks a checksum note.
pub fn damaged(report: &Report) -> Vec<DamagedFile> {
    let mut by_file: BTreeMap<&str, Damage> = BTreeMap::new();
    for w in &report.inputs.warnings {
        let Some(d) = classify(&w.warning) else {
            continue;
        };
        let slot = by_file.entry(file_of(&w.path)).or_insert(d);
        if matches!(d, Damage::Cut { .. }) {
            *slot = d;
        }
    }
    by_file
        .into_iter()
        .map(|(path, damage)| DamagedFile {
            path: path.to_owned(),
            damage,
        })
        .collect()
}

impl Damage {
    /// "truncated; kept the 1,204 records before byte 81,311"
    pub fn describe(&self) -> String {
        match *self {
            Damage::Cut {
                at_byte,
                kept_records,
                truncated,
            } => format!(
                "{}; kept the {} record{} before byte {}",
                if truncated {
                    "truncated"
                } else {
                    "unreadable data"
                },
                thousands(kept_records),
                if kept_records == 1 { "" } else { "s" },
                thousands(at_byte)
            ),
            Damage::Checksum => "checksum mismatch; the data were kept as read".to_owned(),
        }
    }
}

/// "3 files were damaged; what precedes the damage was kept:" (`None` when none was).
pub fn headline(files: &[DamagedFile]) -> Option<String> {
    match files.len() {
        0 => None,
        1 => Some("1 file was damaged; what precedes the damage was kept:".to_owned()),
        n => Some(format!(
            "{} files were damaged; what precedes the damage was kept:",
            thousands(n as u64)
        )),
    }
}

/// The Markdown section (empty when nothing was damaged); `esc` is the writer's escaping.
pub fn markdown(report: &Report, esc: impl Fn(&str) -> String) -> String {
    let files = damaged(report);
    let Some(head) = headline(&files) else {
        return String::new();
    };
    let mut o = format!("## Damaged inputs\n\n{head}\n\n");
    for f in &files {
        let _ = writeln!(o, "- {}: {}", esc(&f.path), f.damage.describe());
    }
    o.push('\n');
    o
}

/// The HTML section (empty when nothing was damaged); `esc` is the writer's escaping.
pub fn html(report: &Report, esc: impl Fn(&str) -> String) -> String {
    let files = damaged(report);
    let Some(head) = headline(&files) else {
        return String::new();
    };
    let mut o = format!(
        "<section id=\"damaged\">\n<h2>Damaged inputs</h2>\n<p>{}</p>\n<ul class=\"files\">\n",
        esc(&head)
    );
    for f in &files {
        let _ = writeln!(
            o,
            "<li><code>{}</code> — {}</li>",
            esc(&f.path),
            esc(&f.damage.describe())
        );
    }
    o.push_str("</ul>\n</section>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Format;
    use crate::limits::Limits;

    fn sample(rel: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn damage_of(rel: &str) -> Vec<Damage> {
        let acts = crate::decode::decode(Format::Fit, &sample(rel), &Limits::default()).unwrap();
        acts[0]
            .warnings
            .iter()
            .filter_map(|w| classify(w))
            .collect()
    }

    #[test]
    fn reads_the_fit_decoders_own_warnings() {
        assert_eq!(
            damage_of("invalid/crc-byte-flipped__fitparse__garmin-fenix-5-run.fit"),
            [Damage::Checksum]
        );
        let cut =
            damage_of("invalid/truncated-mid-record__fitparse__activity-small-fenix2-run.fit");
        assert!(
            matches!(cut[..], [Damage::Cut { truncated: true, kept_records, at_byte }] if kept_records > 1000 && at_byte > 10_000),
            "{cut:?}"
        );
        let big = damage_of("invalid/header-data-size-too-large__fitparse__garmin-fenix-5-run.fit");
        assert!(
            big.iter().any(|d| matches!(
                d,
                Damage::Cut {
                    kept_records: 21,
                    truncated: true,
                    ..
                }
            )),
            "{big:?}"
        );
        assert_eq!(damage_of("fit/fitparse__garmin-fenix-5-run.fit"), []);
        assert_eq!(classify("3 records stepping back in time dropped"), None);
        assert_eq!(classify("content is FIT, name says .gpx"), None);
    }

    #[test]
    fn sentences() {
        assert_eq!(thousands(81_311), "81,311");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let cut = Damage::Cut {
            at_byte: 81_311,
            kept_records: 1_204,
            truncated: true,
        };
        assert_eq!(
            cut.describe(),
            "truncated; kept the 1,204 records before byte 81,311"
        );
        let file = DamagedFile {
            path: "a.fit".into(),
            damage: cut,
        };
        assert_eq!(headline(&[]), None);
        assert_eq!(
            headline(&[file.clone(), file.clone(), file]).unwrap(),
            "3 files were damaged; what precedes the damage was kept:"
        );
        assert_eq!(file_of("tri.fit#3"), "tri.fit");
        assert_eq!(file_of("a#b.fit"), "a#b.fit");
    }
}
