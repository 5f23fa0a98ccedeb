//! The roster as a reduce step: `roster.{html,json,csv}` rebuilt from the
//! athletes' `report.json` files alone (no input is decoded), so shards that
//! each wrote their athletes' folders into one output tree are folded into
//! one roster afterwards (`heavylegs roster OUT`). An unsharded coach run
//! builds its roster through the same function, so both give the same bytes.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::findings::{Severity, Status};
use crate::roster::RosterRow;

#[derive(Debug, thiserror::Error)]
pub enum ReduceError {
    #[error("{path}: not a folder (give the output folder of a coach run)")]
    NotAFolder { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a heavylegs report: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: report schema_version {found}, this heavylegs reads {expected}")]
    Schema {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error(
        "no athlete reports in {path} (expected {path}/<athlete>/report.json; did the runs write the json format?)"
    )]
    Empty { path: PathBuf },
    #[error(transparent)]
    Write(#[from] crate::output::WriteError),
}

/// The schema version of `report.json` this reduce reads (see `report::model`).
const REPORT_SCHEMA: u32 = 1;

/// The part of `report.json` a roster row needs; other keys are ignored.
#[derive(Deserialize)]
struct ReportHead {
    schema_version: u32,
    athlete: String,
    inputs: Counts,
    weeks: Vec<WeekHead>,
    findings: Vec<FindingHead>,
}

#[derive(Deserialize)]
struct Counts {
    ok: usize,
    rejected: usize,
}

#[derive(Deserialize)]
struct WeekHead {
    week: String,
    distance_km: f64,
    ramp_pct: Option<f64>,
    acwr_rolling: Option<f64>,
    acwr_ewma: Option<f64>,
}

#[derive(Deserialize)]
struct FindingHead {
    cause: String,
    status: Status,
    severity: Severity,
}

/// One roster row from the bytes of `<folder>/report.json`. The report lists
/// findings flagged first, most severe first, so its order is the roster's.
pub fn row_from_report(bytes: &[u8], folder: &str, path: &Path) -> Result<RosterRow, ReduceError> {
    let r: ReportHead = serde_json::from_slice(bytes).map_err(|source| ReduceError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    if r.schema_version != REPORT_SCHEMA {
        return Err(ReduceError::Schema {
            path: path.to_path_buf(),
            found: r.schema_version,
            expected: REPORT_SCHEMA,
        });
    }
    let flagged: Vec<&FindingHead> = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Flagged)
        .collect();
    // Weeks are in date order; the last one is the latest in the report window.
    let last = r.weeks.last();
    Ok(RosterRow {
        athlete: r.athlete,
        flagged: flagged.iter().map(|f| f.cause.clone()).collect(),
        max_severity: flagged
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::None),
        week: last.map(|w| w.week.clone()),
        distance_km: last.map(|w| w.distance_km),
        ramp_pct: last.and_then(|w| w.ramp_pct),
        acwr_rolling: last.and_then(|w| w.acwr_rolling),
        acwr_ewma: last.and_then(|w| w.acwr_ewma),
        runs: r.inputs.ok,
        rejected: r.inputs.rejected,
        report: format!("{folder}/report.html"),
        stale: None,
    })
}

/// The roster row of one athlete's report folder (`dir/report.json`).
pub fn row_from_dir(dir: &Path) -> Result<RosterRow, ReduceError> {
    let path = dir.join("report.json");
    let bytes = std::fs::read(&path).map_err(|source| ReduceError::Read {
        path: path.clone(),
        source,
    })?;
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    row_from_report(&bytes, &folder, &path)
}

/// What a rebuild found: the rows it wrote and the folders it left out.
#[derive(Debug)]
pub struct Rebuilt {
    pub rows: Vec<RosterRow>,
    pub files: Vec<PathBuf>,
    /// Subfolders without a `report.json` (not an athlete's report, or one still being written).
    pub without_report: Vec<PathBuf>,
}

/// Rebuilds `out/roster.{html,json,csv}` from every `out/<athlete>/report.json`.
/// Deterministic: the same reports give the same bytes, whatever the order the
/// folders were written in. The caller holds the roster lock.
pub fn rebuild(out: &Path) -> Result<Rebuilt, ReduceError> {
    if !out.is_dir() {
        return Err(ReduceError::NotAFolder {
            path: out.to_path_buf(),
        });
    }
    let read = |source| ReduceError::Read {
        path: out.to_path_buf(),
        source,
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(out).map_err(read)? {
        let entry = entry.map_err(read)?;
        // Dot folders are heavylegs' own (.cache) or hidden.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.path().is_dir() {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    let (with, without): (Vec<PathBuf>, Vec<PathBuf>) = dirs
        .into_iter()
        .partition(|d| d.join("report.json").is_file());
    if with.is_empty() {
        return Err(ReduceError::Empty {
            path: out.to_path_buf(),
        });
    }
    let rows = with
        .iter()
        .map(|d| row_from_dir(d))
        .collect::<Result<Vec<_>, _>>()?;
    let files = crate::report::roster::write(out, &rows)?;
    Ok(Rebuilt {
        rows,
        files,
        without_report: without,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(athlete: &str, findings: &str, weeks: &str) -> String {
        format!(
            r#"{{"schema_version": 1, "generated_at": "2026-12-04T10:00:00Z", "athlete": "{athlete}",
            "inputs": {{"ok": 12, "skipped": 1, "rejected": 2, "duplicates": 1}},
            "weeks": [{weeks}], "findings": [{findings}], "runs": []}}"#
        )
    }

    const WEEKS: &str = r#"{"week": "2026-W46", "start": "2026-11-09", "distance_km": 30.0, "ramp_pct": null, "acwr_rolling": 1.0, "acwr_ewma": 1.1},
        {"week": "2026-W47", "start": "2026-11-16", "distance_km": 42.5, "ramp_pct": 41.7, "acwr_rolling": 1.52, "acwr_ewma": 1.48}"#;

    #[test]
    fn a_row_from_a_report() {
        let findings = r#"{"cause": "overtraining", "status": "flagged", "severity": "high"},
            {"cause": "form", "status": "flagged", "severity": "low"},
            {"cause": "recovery", "status": "clear", "severity": "none"}"#;
        let text = report("Ana", findings, WEEKS);
        let row = row_from_report(text.as_bytes(), "ana", Path::new("ana/report.json")).unwrap();
        assert_eq!(row.athlete, "Ana");
        assert_eq!(row.flagged, ["overtraining", "form"]);
        assert_eq!(row.max_severity, Severity::High);
        assert_eq!(row.week.as_deref(), Some("2026-W47"));
        assert_eq!(row.distance_km, Some(42.5));
        assert_eq!(row.ramp_pct, Some(41.7));
        assert_eq!((row.acwr_rolling, row.acwr_ewma), (Some(1.52), Some(1.48)));
        assert_eq!((row.runs, row.rejected), (12, 2));
        assert_eq!(row.report, "ana/report.html");

        let calm = report("Ben", "", "");
        let row = row_from_report(calm.as_bytes(), "ben", Path::new("x")).unwrap();
        assert_eq!((row.max_severity, row.week.clone()), (Severity::None, None));
        assert!(row.flagged.is_empty());
    }

    #[test]
    fn foreign_or_newer_reports_are_named() {
        let p = Path::new("out/x/report.json");
        let err = row_from_report(b"{\"rows\": []}", "x", p).unwrap_err();
        assert!(err.to_string().contains("out/x/report.json"), "{err}");
        let newer = report("A", "", "").replace("\"schema_version\": 1", "\"schema_version\": 2");
        let err = row_from_report(newer.as_bytes(), "x", p).unwrap_err();
        assert!(matches!(err, ReduceError::Schema { found: 2, .. }), "{err}");
    }

    #[test]
    fn rebuild_reads_every_athlete_folder_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        assert!(matches!(rebuild(out), Err(ReduceError::Empty { .. })));
        for (folder, sev) in [("cy", "low"), ("ana", "high"), ("ben", "moderate")] {
            let f = format!(r#"{{"cause": "form", "status": "flagged", "severity": "{sev}"}}"#);
            std::fs::create_dir(out.join(folder)).unwrap();
            std::fs::write(
                out.join(folder).join("report.json"),
                report(folder, &f, WEEKS),
            )
            .unwrap();
        }
        // Not athletes: heavylegs' cache, a folder without a report, a file.
        std::fs::create_dir_all(out.join(".cache/ana")).unwrap();
        std::fs::write(out.join(".cache/ana/report.json"), "{}").unwrap();
        std::fs::create_dir(out.join("notes")).unwrap();
        std::fs::write(out.join("README.txt"), "hi").unwrap();

        let first = rebuild(out).unwrap();
        assert_eq!(first.without_report, [out.join("notes")]);
        let bytes = |n: &str| std::fs::read(out.join(n)).unwrap();
        let roster: serde_json::Value = serde_json::from_slice(&bytes("roster.json")).unwrap();
        let order: Vec<&str> = roster["athletes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["athlete"].as_str().unwrap())
            .collect();
        assert_eq!(order, ["ana", "ben", "cy"], "attention order");
        let before: Vec<Vec<u8>> = ["roster.json", "roster.csv", "roster.html"]
            .iter()
            .map(|n| bytes(n))
            .collect();
        rebuild(out).unwrap();
        let after: Vec<Vec<u8>> = ["roster.json", "roster.csv", "roster.html"]
            .iter()
            .map(|n| bytes(n))
            .collect();
        assert_eq!(before, after, "a second rebuild gives the same bytes");

        std::fs::write(out.join("ben/report.json"), b"{ torn").unwrap();
        let err = rebuild(out).unwrap_err();
        assert!(err.to_string().contains("ben"), "{err}");
    }
}
