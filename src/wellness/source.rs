//! Which wellness export a file is (by its name: exports name these files
//! consistently, and their JSON/CSV content alone is ambiguous), and the one
//! entry point that reads it.

use super::{Wellness, garmin, journal, strava};

/// A wellness file heavylegs reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Garmin `DI-Connect-Wellness/*_sleepData.json`.
    GarminSleep,
    /// Garmin `DI-Connect-Aggregator/UDSFile_*.json` (daily summaries).
    GarminDaily,
    /// Garmin `DI-Connect-Wellness/*_healthStatusData.json` (nightly HRV).
    GarminHealthStatus,
    /// Garmin `DI-Connect-Fitness/*_summarizedActivities.json`.
    GarminActivities,
    /// Garmin `DI-Connect-Fitness/*_gear.json`.
    GarminGear,
    /// Strava bulk export `activities.csv`.
    StravaActivities,
    /// Strava bulk export `shoes.csv`.
    StravaShoes,
    /// The runner's own `journal.csv`.
    Journal,
}

impl Source {
    /// The source a file or archive member name stands for, from its last
    /// path component (case-insensitive); `None` for everything else.
    pub fn of_name(path: &str) -> Option<Source> {
        let name = path
            .rsplit(['/', '\\', '!'])
            .next()
            .unwrap_or(path)
            .to_ascii_lowercase();
        // A gzipped copy is read inflated, under its stored name.
        let name = name.strip_suffix(".gz").unwrap_or(&name).to_owned();
        let json = name.ends_with(".json");
        Some(match name.as_str() {
            "activities.csv" => Source::StravaActivities,
            "shoes.csv" => Source::StravaShoes,
            "journal.csv" => Source::Journal,
            n if json && n.ends_with("_sleepdata.json") => Source::GarminSleep,
            n if json && n.starts_with("udsfile_") => Source::GarminDaily,
            n if json && n.ends_with("_healthstatusdata.json") => Source::GarminHealthStatus,
            n if json && n.ends_with("_summarizedactivities.json") => Source::GarminActivities,
            n if json && n.ends_with("_gear.json") => Source::GarminGear,
            _ => return None,
        })
    }

    /// The ledger's name for it (`ingest --jsonl` `kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::GarminSleep => "garmin_sleep",
            Source::GarminDaily => "garmin_daily",
            Source::GarminHealthStatus => "garmin_health_status",
            Source::GarminActivities => "garmin_activities",
            Source::GarminGear => "garmin_gear",
            Source::StravaActivities => "strava_activities",
            Source::StravaShoes => "strava_shoes",
            Source::Journal => "journal",
        }
    }
}

/// Why a whole wellness file could not be used (one entry's trouble is a
/// warning in [`Wellness::warnings`] instead).
#[derive(Debug, thiserror::Error)]
pub enum WellnessError {
    #[error("malformed JSON: {0}")]
    Json(String),
    #[error("not UTF-8 text")]
    NotText,
    #[error("unexpected layout: {0}")]
    Layout(String),
    #[error("unknown columns {columns} (a localised export? heavylegs reads the English header)")]
    UnknownColumns { columns: String },
    #[error("missing column {0}")]
    MissingColumn(String),
    /// Named like a wellness file but something else heavylegs knows
    /// (its own `activities.csv` table): skipped, not rejected.
    #[error("not a wellness export: {0}")]
    NotWellness(&'static str),
}

impl WellnessError {
    /// True when the file is to be skipped rather than rejected.
    pub fn is_skip(&self) -> bool {
        matches!(self, WellnessError::NotWellness(_))
    }
}

/// Reads one wellness file. `path` is the display path, named in warnings.
pub fn read(source: Source, path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    match source {
        Source::GarminSleep => garmin::sleep(path, bytes),
        Source::GarminDaily => garmin::daily(path, bytes),
        Source::GarminHealthStatus => garmin::health_status(path, bytes),
        Source::GarminActivities => garmin::activities(path, bytes),
        Source::GarminGear => garmin::gear(path, bytes),
        Source::StravaActivities => strava::activities(path, bytes),
        Source::StravaShoes => strava::shoes(path, bytes),
        Source::Journal => journal::csv(path, bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_exports_write_them() {
        let s = |n| Source::of_name(n);
        assert_eq!(
            s("x.zip!DI_CONNECT/DI-Connect-Wellness/2025-01-01_2025-04-11_123_sleepData.json"),
            Some(Source::GarminSleep)
        );
        assert_eq!(
            s("DI_CONNECT/DI-Connect-Aggregator/UDSFile_2025-01-01_2025-04-11.json"),
            Some(Source::GarminDaily)
        );
        assert_eq!(
            s("a/u_0_summarizedActivities.json"),
            Some(Source::GarminActivities)
        );
        assert_eq!(s("a/u_gear.json"), Some(Source::GarminGear));
        assert_eq!(s("export_1/activities.csv"), Some(Source::StravaActivities));
        assert_eq!(s("export_1/SHOES.CSV"), Some(Source::StravaShoes));
        assert_eq!(s("a/1_sleepData.json.gz"), Some(Source::GarminSleep));
        assert_eq!(s("journal.csv"), Some(Source::Journal));
        assert_eq!(s("DI-Connect-User/user_profile.json"), None);
        assert_eq!(s("bikes.csv"), None);
        assert_eq!(s("activities/123.fit.gz"), None);
    }
}
