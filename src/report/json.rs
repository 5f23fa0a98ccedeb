//! `report.json`: the model as pretty JSON, always SI/metric with unit-named keys.

use super::RenderOptions;
use super::model::Report;

/// Pretty JSON with a trailing newline. Display units do not change it: cron
/// scripts read one schema whatever the human reports show.
pub fn render(report: &Report, _opts: &RenderOptions) -> Vec<u8> {
    // Sized up front: over a long history the file is ~10 MB, and growing the
    // buffer by doubling copied it about twice over.
    let mut bytes = Vec::with_capacity(size_hint(report));
    // Serializing plain structs with string keys cannot fail.
    if serde_json::to_writer_pretty(&mut bytes, report).is_err() {
        bytes.clear();
    }
    bytes.push(b'\n');
    bytes
}

/// A little over the pretty-printed size: per-row bytes measured on a 45-year
/// history (a run ~610 B, a speed point ~135 B, a week ~370 B), plus the rest.
fn size_hint(report: &Report) -> usize {
    512 * 1024
        + report.runs.len() * 640
        + report.speed_bins.len() * 160
        + report.weeks.len() * 420
        + report.inputs.warnings.len() * 200
        + (report.skipped.len() + report.rejected.len()) * 200
}
