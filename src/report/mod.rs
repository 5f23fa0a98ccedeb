//! Report writers: the [`Report`] model rendered as JSON, Markdown and one
//! self-contained HTML page, plus the activities, days and weeks tables.
//!
//! Writers follow hyperfine's exporters: each `render` returns bytes and never
//! opens a file; [`write_athlete`] (one line per [`OutputFormat`]) and
//! [`write_all`] write, through [`crate::output::write_atomic_all`].

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::ingest::Record;
use crate::load::{LoadError, LoadTables};
use crate::metrics::RunMetrics;
use crate::output::{OutputFormat, WriteError, write_atomic_all};

pub mod changes;
mod charts;
pub mod damage;
pub mod fmt;
pub mod html;
pub mod json;
pub mod load_tables;
pub mod markdown;
pub mod model;
mod plot;
pub mod roster;
pub mod tables;
pub mod wellness;
pub mod words;

pub use model::{CadenceFit, Changes, Report, ReportInputs, Units, Window};
pub use tables::{TablesError, write_tables};

/// How the human-readable reports are rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    pub units: Units,
}

/// A report file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Json, Format::Markdown, Format::Html];

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Markdown => "report.md",
            Format::Html => "report.html",
        }
    }

    pub fn render(self, report: &Report, opts: &RenderOptions) -> Vec<u8> {
        match self {
            Format::Json => json::render(report, opts),
            Format::Markdown => markdown::render(report, opts),
            Format::Html => html::render(report, opts),
        }
    }
}

/// What one athlete's folder is written from. Records and metrics are rows
/// or references to rows (`R`, `M`), as in [`ReportInputs`].
pub struct AthleteFiles<'a, R = Record, M = RunMetrics> {
    pub report: &'a Report,
    pub opts: &'a RenderOptions,
    pub load: &'a LoadTables,
    pub records: &'a [R],
    /// Every run the load used (the tables are not cut to the report window).
    pub metrics: &'a [M],
    /// Where the summary of the `report.json` written is kept for the next
    /// run's comparison ([`changes::Summary`]); `None` without a cache.
    pub summary: Option<&'a Path>,
}

/// Why an athlete's folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Tables(#[from] TablesError),
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Writes each of `formats` into `dir`, atomically file by file. Every writer
/// is registered here, one arm per format and no fallback: a new format is its
/// writer's file plus one arm (and one [`OutputFormat`] variant).
///
/// The files are rendered in parallel (the tables while the previous
/// `report.json` is read and compared), then written one by one in
/// `formats` order: the first failure stops the run there, as it always did.
pub fn write_athlete<R, M>(
    dir: &Path,
    files: &AthleteFiles<'_, R, M>,
    formats: &[OutputFormat],
) -> Result<(), OutputError>
where
    R: std::borrow::Borrow<Record> + Sync,
    M: std::borrow::Borrow<RunMetrics> + Sync,
{
    let tables_wanted = formats.contains(&OutputFormat::Tables);
    let (tables, documents) = rayon::join(
        || {
            tables_wanted.then(|| {
                rayon::join(
                    || load_tables::render_tables(files.load, &files.report.athlete),
                    || tables::render_tables(files.records, files.metrics, files.report),
                )
            })
        },
        || {
            // Read here, beside the tables: nothing is written before both are done.
            let report = Report {
                changes: changes::since_previous(dir, files.summary, files.report),
                ..files.report.clone()
            };
            formats
                .par_iter()
                .map(|format| {
                    let document = match format {
                        OutputFormat::Json => Format::Json,
                        OutputFormat::Md => Format::Markdown,
                        OutputFormat::Html => Format::Html,
                        OutputFormat::Tables => return None,
                    };
                    Some((document, document.render(&report, files.opts)))
                })
                .collect::<Vec<_>>()
        },
    );
    // In `formats` order, up to the first file that did not render.
    let (mut out, mut failed): (Vec<(PathBuf, Vec<u8>)>, Option<OutputError>) = (Vec::new(), None);
    let mut tables = tables;
    for document in documents {
        match document {
            Some((format, bytes)) => out.push((dir.join(format.file_name()), bytes)),
            None => {
                let Some((load, activities)) = tables.take() else {
                    continue;
                };
                match load
                    .map_err(OutputError::from)
                    .and_then(|l| Ok((l, activities.map_err(OutputError::from)?)))
                {
                    Ok((load, activities)) => {
                        out.extend(load.into_iter().map(|(n, b)| (dir.join(n), b)));
                        out.extend(activities.into_iter().map(|(n, b)| (dir.join(n), b)));
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
        }
    }
    write_atomic_all(&out)?;
    if let Some(summary) = files.summary {
        keep_summary(
            summary,
            files.report,
            &dir.join(Format::Json.file_name()),
            &out,
        );
    }
    failed.map_or(Ok(()), Err)
}

/// Writes the summary of the `report.json` just written, if one was. Best
/// effort: without it the next run parses the report, and a summary that
/// outlived its report is never used (it names the bytes it describes).
fn keep_summary(at: &Path, report: &Report, json_path: &Path, written: &[(PathBuf, Vec<u8>)]) {
    let Some((_, json)) = written.iter().find(|(p, _)| p == json_path) else {
        return;
    };
    let bytes = changes::Summary::of(report, json).encode();
    let _ = crate::output::write_atomic(at, &bytes);
}

/// Renders each format (in parallel) and writes it into `dir` atomically, in
/// `formats` order; returns the paths written. A `report.json` already in
/// `dir` is read first, so every format can say what changed since then (`changes`).
pub fn write_all(
    dir: &Path,
    report: &Report,
    opts: &RenderOptions,
    formats: &[Format],
) -> Result<Vec<PathBuf>, WriteError> {
    let report = &Report {
        changes: changes::since_previous(dir, None, report),
        ..report.clone()
    };
    let rendered: Vec<(PathBuf, Vec<u8>)> = formats
        .par_iter()
        .map(|format| (dir.join(format.file_name()), format.render(report, opts)))
        .collect();
    write_atomic_all(&rendered)?;
    Ok(rendered.into_iter().map(|(path, _)| path).collect())
}

/// The short stdout verdict: one line per flagged cause, then where the report is.
pub fn verdict(report: &Report, dir: &Path) -> String {
    let mut out = String::new();
    let mut any = false;
    for fd in report.flagged() {
        any = true;
        out.push_str(&format!(
            "⚑ {} ({}): {}\n",
            fmt::cause_label(fd.cause),
            fmt::severity_label(fd.severity),
            one_line(&fd.summary)
        ));
    }
    if !any {
        out.push_str(&format!(
            "No heavy-leg pattern flagged in {} runs ({} rejected, {} skipped).\n",
            report.inputs.ok, report.inputs.rejected, report.inputs.skipped
        ));
    }
    out.push_str(&format!(
        "Report: {}\n",
        dir.join(Format::Html.file_name()).display()
    ));
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
