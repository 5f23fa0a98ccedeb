//! Findings: one verdict per heavy-leg cause, with the evidence behind it.
//! One rule per module; thresholds and their sources live in [`crate::thresholds`].

use serde::{Deserialize, Serialize};

/// The causes from "Why do my legs feel heavy when I run?", with stable ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Overtraining,
    Recovery,
    Form,
    Sleep,
    Nutrition,
    Circulation,
    Hydration,
    Iron,
    WarmUp,
    CoolDown,
    Shoes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The data shows the pattern.
    Flagged,
    /// The data could show the pattern and does not.
    Clear,
    /// The data cannot show it; `summary` says what would.
    NotAssessable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    None,
    Low,
    Moderate,
    High,
}

/// One fact behind a finding: a week or a run, and the number that crossed a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// ISO week label when the evidence is a week.
    pub week: Option<String>,
    /// Local date of the run (YYYY-MM-DD) when the evidence is a run.
    pub date: Option<String>,
    /// Input path of the run.
    pub file: Option<String>,
    /// Metric name with unit, e.g. `ramp_pct`.
    pub metric: String,
    pub value: f64,
    /// The line it was compared against.
    pub limit: Option<f64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub cause: Cause,
    pub status: Status,
    pub severity: Severity,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    /// The rule in words with its numbers, e.g. "week-over-week distance > 30 %".
    pub threshold: String,
    /// Citation(s) with evidence grade, e.g. "Nielsen 2014, JOSPT 44(10) — grade C".
    pub source: String,
    pub advice: String,
}
