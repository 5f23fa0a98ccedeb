//! The coach's roster: every athlete on one row, those who need attention
//! first. The rows and their order live here; `report::roster` writes them.

use serde::{Deserialize, Serialize};

use crate::findings::Severity;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterRow {
    pub athlete: String,
    /// Flagged cause ids, most severe first.
    pub flagged: Vec<String>,
    pub max_severity: Severity,
    /// The latest week in the report window.
    pub week: Option<String>,
    pub distance_km: Option<f64>,
    pub ramp_pct: Option<f64>,
    pub acwr_rolling: Option<f64>,
    pub acwr_ewma: Option<f64>,
    pub runs: usize,
    pub rejected: usize,
    /// Relative path of the athlete's HTML report.
    pub report: String,
    /// Why the row (and the athlete's report) is from an earlier run; `None` when fresh.
    #[serde(default)]
    pub stale: Option<String>,
}

/// Attention order: most severe flag, then most flags, then highest ACWR, then name.
pub fn sort(rows: &mut [RosterRow]) {
    rows.sort_by(|a, b| {
        b.max_severity
            .cmp(&a.max_severity)
            .then(b.flagged.len().cmp(&a.flagged.len()))
            .then(
                b.acwr_rolling
                    .unwrap_or(0.0)
                    .total_cmp(&a.acwr_rolling.unwrap_or(0.0)),
            )
            .then(a.athlete.cmp(&b.athlete))
    });
}
