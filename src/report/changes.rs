//! "Since the last report": what changed against the `report.json` a previous
//! run left in the same output folder. Read before anything is written; a
//! missing, unreadable or foreign file simply means no comparison.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use foldhash::HashSet;
use serde::Deserialize;

use crate::findings::{Cause, Status};

use super::model::{Changes, Report};

/// Compares `report` with `dir/report.json`, when there is one to read.
pub fn since_previous(dir: &Path, report: &Report) -> Option<Changes> {
    since(&read_previous(dir)?, report)
}

/// The bytes of `dir/report.json`, when there is one (read before anything is written).
pub fn read_previous(dir: &Path) -> Option<Vec<u8>> {
    std::fs::read(dir.join(super::Format::Json.file_name())).ok()
}

/// Compares `report` with a previous `report.json`'s bytes.
pub fn since(previous: &[u8], report: &Report) -> Option<Changes> {
    let prev: Previous = serde_json::from_slice(previous).ok()?;
    compare(&prev, report)
}

/// The little a comparison needs from the previous report. Read as these
/// few typed fields, everything else skipped unparsed: over 10,000 runs,
/// building the whole report as loose JSON cost more than writing the new
/// one. Every field but `schema_version` and `generated_at` may be missing,
/// so an older schema (fewer keys) still compares.
#[derive(Debug, Deserialize)]
pub struct Previous<'a> {
    /// Required: a file without it is not a heavylegs report.
    #[allow(dead_code)]
    schema_version: u64,
    generated_at: String,
    #[serde(default)]
    period: Option<Period>,
    #[serde(default, borrow)]
    runs: Option<Vec<PreviousRun<'a>>>,
    #[serde(default)]
    findings: Option<Vec<PreviousFinding>>,
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
pub fn compare(prev: &Previous<'_>, report: &Report) -> Option<Changes> {
    let generated = prev.generated_at.clone();
    let previous_to = prev
        .period
        .as_ref()
        .and_then(|p| p.to.as_deref())
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let old_runs: HashSet<&str> = prev
        .runs
        .iter()
        .flatten()
        .filter_map(|r| r.path.as_deref())
        .collect();
    let new: Vec<_> = report
        .runs
        .iter()
        .filter(|r| !old_runs.contains(r.path.as_str()))
        .collect();
    let was_flagged: BTreeSet<&str> = prev
        .findings
        .iter()
        .flatten()
        .filter(|f| f.status.as_deref() == Some("flagged"))
        .filter_map(|f| f.cause.as_deref())
        .collect();
    let now_flagged: BTreeSet<Cause> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Flagged)
        .map(|f| f.cause)
        .collect();
    Some(Changes {
        previous_generated_at: generated,
        previous_to,
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
