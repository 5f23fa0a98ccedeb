//! Display units. Everything is computed and stored in SI/metric; only the
//! Markdown and HTML writers convert, so JSON stays stable for scripts.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    #[default]
    Metric,
    Imperial,
}

pub const KM_PER_MILE: f64 = 1.609_344;

impl Units {
    pub fn distance(self, km: f64) -> f64 {
        match self {
            Units::Metric => km,
            Units::Imperial => km / KM_PER_MILE,
        }
    }

    pub fn distance_label(self) -> &'static str {
        match self {
            Units::Metric => "km",
            Units::Imperial => "mi",
        }
    }

    /// Pace in seconds per km or per mile from a speed in m/s.
    pub fn pace_s(self, speed_mps: f64) -> Option<f64> {
        (speed_mps > 0.0).then(|| {
            let per_km = 1000.0 / speed_mps;
            match self {
                Units::Metric => per_km,
                Units::Imperial => per_km * KM_PER_MILE,
            }
        })
    }

    pub fn temperature(self, c: f64) -> f64 {
        match self {
            Units::Metric => c,
            Units::Imperial => c * 9.0 / 5.0 + 32.0,
        }
    }

    pub fn temperature_label(self) -> &'static str {
        match self {
            Units::Metric => "°C",
            Units::Imperial => "°F",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert!((Units::Imperial.distance(10.0) - 6.2137).abs() < 1e-4);
        assert_eq!(Units::Metric.pace_s(4.0), Some(250.0));
        assert!((Units::Imperial.pace_s(4.0).unwrap() - 402.336).abs() < 1e-9);
        assert_eq!(Units::Imperial.temperature(30.0), 86.0);
        assert_eq!(Units::Metric.pace_s(0.0), None);
    }
}
