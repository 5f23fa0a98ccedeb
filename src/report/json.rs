//! `report.json`: the model as pretty JSON, always SI/metric with unit-named keys.

use super::RenderOptions;
use super::model::Report;

/// Pretty JSON with a trailing newline. Display units do not change it: cron
/// scripts read one schema whatever the human reports show.
pub fn render(report: &Report, _opts: &RenderOptions) -> Vec<u8> {
    // Serializing plain structs with string keys cannot fail.
    let mut bytes = serde_json::to_vec_pretty(report).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
