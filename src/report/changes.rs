//! "Since the last report": what changed against the `report.json` a previous
//! run left in the same output folder. Read before anything is written; a
//! missing, unreadable or foreign file simply means no comparison.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;

use crate::findings::{Cause, Status};

use super::model::{Changes, Report};

/// Compares `report` with `dir/report.json`, when there is one to read.
pub fn since_previous(dir: &Path, report: &Report) -> Option<Changes> {
    let bytes = std::fs::read(dir.join(super::Format::Json.file_name())).ok()?;
    let prev: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    compare(&prev, report)
}

/// The comparison itself, on the previous report as loose JSON so an older
/// schema (fewer keys) still compares.
pub fn compare(prev: &serde_json::Value, report: &Report) -> Option<Changes> {
    prev.get("schema_version")?.as_u64()?;
    let generated = prev.get("generated_at")?.as_str()?.to_owned();
    let previous_to = prev
        .pointer("/period/to")
        .and_then(|v| v.as_str())
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let old_runs: BTreeSet<&str> = prev
        .get("runs")
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|r| r.get("path")?.as_str()).collect())
        .unwrap_or_default();
    let new: Vec<_> = report
        .runs
        .iter()
        .filter(|r| !old_runs.contains(r.path.as_str()))
        .collect();
    let was_flagged: BTreeSet<&str> = prev
        .get("findings")
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter(|f| f.get("status").and_then(|s| s.as_str()) == Some("flagged"))
                .filter_map(|f| f.get("cause")?.as_str())
                .collect()
        })
        .unwrap_or_default();
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
