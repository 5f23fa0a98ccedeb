//! Report writers: the [`Report`] model rendered as JSON, Markdown and one
//! self-contained HTML page, plus the activities tables.
//!
//! Writers follow hyperfine's exporters: each `render` returns bytes and never
//! opens a file; [`write_all`] is the only place that writes, through
//! [`crate::output::write_atomic`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::output::{WriteError, write_atomic};

pub mod changes;
mod charts;
pub mod damage;
pub mod fmt;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
mod plot;
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

/// Renders each format and writes it into `dir` atomically; returns the paths written, in `formats` order.
/// A `report.json` already in `dir` is read first, so every format can say
/// what changed since then (`changes`).
pub fn write_all(
    dir: &Path,
    report: &Report,
    opts: &RenderOptions,
    formats: &[Format],
) -> Result<Vec<PathBuf>, WriteError> {
    let changes = changes::since_previous(dir, report);
    let with_changes;
    let report = if changes.is_some() {
        with_changes = Report {
            changes,
            ..report.clone()
        };
        &with_changes
    } else {
        report
    };
    let mut written = Vec::with_capacity(formats.len());
    for format in formats {
        let path = dir.join(format.file_name());
        write_atomic(&path, &format.render(report, opts))?;
        written.push(path);
    }
    Ok(written)
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
