//! "Since the last report": what changed against the `report.json` a previous
//! run left in the same output folder. Read before anything is written; a
//! missing, unreadable or foreign file simply means no comparison.
//!
//! Parsing a long history's `report.json` (13 MB over 8,000 runs) was a tenth
//! of a weekly run, so a run with a cache also keeps a [`Summary`] of the
//! report it wrote: the few fields a comparison needs, and the XXH3 of the
//! `report.json` bytes they came from. The summary is used only when the
//! report in the folder has exactly those bytes; any other file (edited,
//! replaced, written without a cache) is parsed as before.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use foldhash::HashSet;
use serde::{Deserialize, Serialize};

use crate::findings::{Cause, Status};

use super::model::{Changes, Report};

/// The summary's file name, in the athlete's cache folder.
pub const SUMMARY_FILE: &str = "report-summary.bin";

/// Bumped when [`Summary`]'s fields change: an older summary is then ignored.
const SUMMARY_FORMAT: u32 = 1;

/// Compares `report` with `dir/report.json`, when there is one to read:
/// through the summary at `summary` when it describes those very bytes.
pub fn since_previous(dir: &Path, summary: Option<&Path>, report: &Report) -> Option<Changes> {
    let previous = read_previous(dir)?;
    let kept = summary.and_then(|p| std::fs::read(p).ok());
    match kept.as_deref().and_then(|k| Summary::decode(k, &previous)) {
        Some(s) => compare(&s, report),
        None => since(&previous, report),
    }
}

/// The bytes of `dir/report.json`, when there is one (read before anything is written).
pub fn read_previous(dir: &Path) -> Option<Vec<u8>> {
    std::fs::read(dir.join(super::Format::Json.file_name())).ok()
}

/// Compares `report` with a previous `report.json`'s bytes.
pub fn since(previous: &[u8], report: &Report) -> Option<Changes> {
    let prev: Previous = serde_json::from_slice(previous).ok()?;
    compare(&prev.into_summary(), report)
}

/// What a comparison needs from a report, and which `report.json` it was
/// taken from. Written by the run that wrote that report ([`Summary::encode`]).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary<'a> {
    format: u32,
    /// XXH3-64 of the `report.json` bytes this summarises.
    report_xxh3: u64,
    #[serde(borrow)]
    generated_at: Cow<'a, str>,
    to: Option<NaiveDate>,
    /// Flagged causes, by id.
    #[serde(borrow)]
    flagged: Vec<Cow<'a, str>>,
    /// Every run's input path.
    #[serde(borrow)]
    runs: Vec<Cow<'a, str>>,
}

impl<'a> Summary<'a> {
    /// The summary of `report`, rendered as `json` (its `report.json` bytes).
    pub fn of(report: &'a Report, json: &[u8]) -> Self {
        Summary {
            format: SUMMARY_FORMAT,
            report_xxh3: xxhash_rust::xxh3::xxh3_64(json),
            generated_at: Cow::Borrowed(&report.generated_at),
            to: report.period.to,
            flagged: report
                .findings
                .iter()
                .filter(|f| f.status == Status::Flagged)
                .map(|f| Cow::Borrowed(f.cause.id()))
                .collect(),
            runs: report
                .runs
                .iter()
                .map(|r| Cow::Borrowed(r.path.as_str()))
                .collect(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        bincode::serde::encode_to_vec(self, bincode::config::standard())
            .expect("a summary of strings and numbers always encodes")
    }

    /// The summary in `bytes`, when it is of this format and describes
    /// exactly `report_json`; `None` sends the caller to the JSON.
    pub fn decode(bytes: &'a [u8], report_json: &[u8]) -> Option<Self> {
        let (s, _): (Summary, usize) =
            bincode::serde::borrow_decode_from_slice(bytes, bincode::config::standard()).ok()?;
        (s.format == SUMMARY_FORMAT && s.report_xxh3 == xxhash_rust::xxh3::xxh3_64(report_json))
            .then_some(s)
    }
}

/// The little a comparison needs from the previous report. Read as these
/// few typed fields, everything else skipped unparsed: over 10,000 runs,
/// building the whole report as loose JSON cost more than writing the new
/// one. Every field but `schema_version` and `generated_at` may be missing,
/// so an older schema (fewer keys) still compares.
#[derive(Debug, Deserialize)]
struct Previous<'a> {
    /// Required: a file without it is not a heavylegs report.
    #[allow(dead_code)]
    schema_version: u64,
    #[serde(borrow)]
    generated_at: Cow<'a, str>,
    #[serde(default)]
    period: Option<Period>,
    #[serde(default, borrow)]
    runs: Option<Vec<PreviousRun<'a>>>,
    #[serde(default)]
    findings: Option<Vec<PreviousFinding>>,
}

impl<'a> Previous<'a> {
    /// The same fields a kept summary holds; parsed, so it names no bytes.
    fn into_summary(self) -> Summary<'a> {
        Summary {
            format: SUMMARY_FORMAT,
            report_xxh3: 0,
            generated_at: self.generated_at,
            to: self
                .period
                .and_then(|p| p.to)
                .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
            flagged: self
                .findings
                .into_iter()
                .flatten()
                .filter(|f| f.status.as_deref() == Some("flagged"))
                .filter_map(|f| f.cause.map(Cow::Owned))
                .collect(),
            runs: self
                .runs
                .into_iter()
                .flatten()
                .filter_map(|r| r.path)
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Period {
    #[serde(default)]
    to: Option<String>,
}

/// Borrowed from the file's bytes unless the path has escapes: thousands of
/// paths are only looked up, never kept.
#[derive(Debug, Deserialize)]
struct PreviousRun<'a> {
    #[serde(default, borrow)]
    path: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct PreviousFinding {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    cause: Option<String>,
}

/// The comparison itself.
fn compare(prev: &Summary<'_>, report: &Report) -> Option<Changes> {
    let old_runs: HashSet<&str> = prev.runs.iter().map(|p| p.as_ref()).collect();
    let new: Vec<_> = report
        .runs
        .iter()
        .filter(|r| !old_runs.contains(r.path.as_str()))
        .collect();
    let was_flagged: BTreeSet<&str> = prev.flagged.iter().map(|c| c.as_ref()).collect();
    let now_flagged: BTreeSet<Cause> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Flagged)
        .map(|f| f.cause)
        .collect();
    Some(Changes {
        previous_generated_at: prev.generated_at.to_string(),
        previous_to: prev.to,
        new_runs: u32::try_from(new.len()).unwrap_or(u32::MAX),
        new_distance_km: super::model::r(new.iter().filter_map(|r| r.distance_km).sum(), 2),
        newly_flagged: now_flagged
            .iter()
            .filter(|c| !was_flagged.contains(c.id()))
            .copied()
            .collect(),
        cleared: Cause::ALL
            .into_iter()
            .filter(|c| was_flagged.contains(c.id()) && !now_flagged.contains(c))
            .collect(),
    })
}
