//! Display units. Everything is computed and stored in SI/metric; only the
//! Markdown and HTML writers convert (`report::fmt`), so JSON stays stable
//! for scripts. One enum for the flag, the pipeline file and the report.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    #[default]
    Metric,
    Imperial,
}

/// Kilometres in an international mile.
pub const KM_PER_MI: f64 = 1.609_344;
/// Metres in an international foot.
pub const M_PER_FT: f64 = 0.3048;
