//! Cron safety: what a run must refuse to do so that a weekly job never
//! replaces last week's good report with an empty one.
//!
//! - an input that does not exist is a command-line error (exit 2) found
//!   before anything is opened for writing;
//! - inputs that yield no activity at all (an unmounted share, a sync that
//!   failed) write nothing: the previous report stays, the run says so in one
//!   line and exits [`crate::exit::Exit::Empty`], unless `--allow-empty`.
//!   In coach mode only that athlete is held back; the roster marks the row
//!   it kept from the previous run as stale.

use std::path::{Path, PathBuf};

use crate::ingest::Record;
use crate::roster::RosterRow;

/// The first input that does not exist (a dangling symlink counts as missing).
pub fn first_missing<'a>(inputs: impl IntoIterator<Item = &'a PathBuf>) -> Option<&'a Path> {
    inputs
        .into_iter()
        .find(|p| std::fs::metadata(p).is_err())
        .map(PathBuf::as_path)
}

/// The command-line error for a missing input.
pub fn missing_message(path: &Path) -> String {
    format!("input not found: {} (nothing was written)", path.display())
}

/// True when the walk produced no activity at all: no run, no other sport,
/// nothing salvaged. Rejected or ignored files alone do not count.
pub fn yielded_nothing<'a>(records: impl IntoIterator<Item = &'a Record>) -> bool {
    !records.into_iter().any(|r| r.activity.is_some())
}

/// The one line a held-back run prints.
pub fn empty_message(inputs: &[PathBuf], out_dir: &Path, rejected: usize) -> String {
    let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let rejected = match rejected {
        0 => String::new(),
        1 => " (1 input rejected)".to_owned(),
        n => format!(" ({n} inputs rejected)"),
    };
    let kept = if previous_report_exists(out_dir) {
        "previous report kept"
    } else {
        "no report written"
    };
    format!(
        "no activities found in {}{rejected}; {kept} (--allow-empty writes an empty report)",
        names.join(", ")
    )
}

/// Whether `dir` holds a report from an earlier run.
pub fn previous_report_exists(dir: &Path) -> bool {
    ["report.json", "report.md", "report.html"]
        .iter()
        .any(|f| dir.join(f).is_file())
}

/// The roster row for an athlete held back this run: the row the previous
/// roster had for them (their report is still that one), marked stale; a
/// bare row when there was none.
pub fn stale_roster_row(roster_dir: Option<&Path>, athlete: &str, report: String) -> RosterRow {
    let previous = roster_dir.and_then(|d| previous_row(&d.join("roster.json"), athlete));
    let mut row = previous.unwrap_or_else(|| RosterRow {
        athlete: athlete.to_owned(),
        flagged: Vec::new(),
        max_severity: crate::findings::Severity::None,
        week: None,
        distance_km: None,
        ramp_pct: None,
        acwr_rolling: None,
        acwr_ewma: None,
        runs: 0,
        rejected: 0,
        report,
        stale: None,
    });
    row.stale = Some("no activities found in the last run; previous report kept".into());
    row
}

fn previous_row(roster_json: &Path, athlete: &str) -> Option<RosterRow> {
    let bytes = std::fs::read(roster_json).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v["athletes"]
        .as_array()?
        .iter()
        .filter(|r| r["athlete"] == athlete)
        .find_map(|r| serde_json::from_value::<RosterRow>(r.clone()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_inputs_and_empty_walks() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().to_path_buf();
        let gone = here.join("gone");
        let inputs = [here.clone(), gone.clone()];
        assert_eq!(first_missing(&inputs), Some(gone.as_path()));
        assert_eq!(first_missing(&inputs[..1]), None);
        assert!(missing_message(&gone).contains("gone"));

        let none: [Record; 0] = [];
        assert!(yielded_nothing(&none));
        let rejected = Record::rejected("x.fit".into(), String::new(), "empty file".into());
        assert!(yielded_nothing([&rejected]));

        let msg = empty_message(std::slice::from_ref(&here), &here, 1);
        assert!(msg.contains("no report written") && msg.contains("1 input rejected"));
        std::fs::write(here.join("report.json"), b"{}").unwrap();
        assert!(
            empty_message(std::slice::from_ref(&here), &here, 0).contains("previous report kept")
        );
    }

    #[test]
    fn stale_row_keeps_the_previous_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let mut row = stale_roster_row(None, "ana", "ana/report.html".into());
        assert!(row.stale.is_some());
        row.stale = None;
        row.runs = 12;
        std::fs::write(
            dir.path().join("roster.json"),
            serde_json::to_vec(&serde_json::json!({"schema_version": 1, "athletes": [row]}))
                .unwrap(),
        )
        .unwrap();
        let again = stale_roster_row(Some(dir.path()), "ana", "ana/report.html".into());
        assert_eq!(again.runs, 12);
        assert!(again.stale.is_some());
    }
}
