//! An ingest [`Record`] as the binary cache stores it (`#[serde(with)]` on
//! `athlete::collect::Item::record`). The cache's format has no field names,
//! so every field is written, always, in this order: the record's own serde
//! form skips an absent `wellness` (and an activity's absent `self_rating`),
//! which would shift every field after it. Destructured field by field, so a
//! field added to `Record` or `Activity` fails to compile here until it is
//! stored too. A test (`skipped_fields_are_all_mirrored`) fails when another
//! type gains a `skip_serializing_if`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::activity::{
    Activity, CadenceRule, Format, Lap, Pause, SelfRating, Series, Source, Sport,
};
use crate::ingest::{Record, Status};
use crate::wellness::Wellness;

#[derive(Serialize)]
struct Out<'a> {
    path: &'a str,
    sha256: &'a str,
    format: &'a Option<Format>,
    status: Status,
    reason: &'a Option<String>,
    duplicate_of: &'a Option<String>,
    activity: Option<ActivityOut<'a>>,
    wellness: &'a Option<Box<Wellness>>,
}

#[derive(Deserialize)]
struct In {
    path: String,
    sha256: String,
    format: Option<Format>,
    status: Status,
    reason: Option<String>,
    duplicate_of: Option<String>,
    activity: Option<ActivityIn>,
    wellness: Option<Box<Wellness>>,
}

pub fn serialize<S: Serializer>(r: &Record, s: S) -> Result<S::Ok, S::Error> {
    let Record {
        path,
        sha256,
        format,
        status,
        reason,
        duplicate_of,
        activity,
        wellness,
    } = r;
    Out {
        path,
        sha256,
        format,
        status: *status,
        reason,
        duplicate_of,
        activity: activity.as_deref().map(activity_out),
        wellness,
    }
    .serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
    let In {
        path,
        sha256,
        format,
        status,
        reason,
        duplicate_of,
        activity,
        wellness,
    } = In::deserialize(d)?;
    Ok(Record {
        path,
        sha256,
        format,
        status,
        reason,
        duplicate_of,
        activity: activity.map(|a| Box::new(activity_in(a))),
        wellness,
    })
}

#[derive(Serialize)]
struct ActivityOut<'a> {
    source: &'a Source,
    sport: &'a Sport,
    sub_sport: &'a Option<String>,
    #[serde(with = "super::compact::time")]
    start: chrono::DateTime<chrono::Utc>,
    utc_offset_s: Option<i32>,
    elapsed_s: f64,
    timer_s: Option<f64>,
    distance_m: Option<f64>,
    device_avg_cadence_spm: Option<f64>,
    cadence_rule: &'a CadenceRule,
    self_rating: Option<SelfRating>,
    laps: &'a [Lap],
    pauses: &'a [Pause],
    series: &'a Series,
    warnings: &'a [String],
}

#[derive(Deserialize)]
struct ActivityIn {
    source: Source,
    sport: Sport,
    sub_sport: Option<String>,
    #[serde(with = "super::compact::time")]
    start: chrono::DateTime<chrono::Utc>,
    utc_offset_s: Option<i32>,
    elapsed_s: f64,
    timer_s: Option<f64>,
    distance_m: Option<f64>,
    device_avg_cadence_spm: Option<f64>,
    cadence_rule: CadenceRule,
    self_rating: Option<SelfRating>,
    laps: Vec<Lap>,
    pauses: Vec<Pause>,
    series: Series,
    warnings: Vec<String>,
}

fn activity_out(a: &Activity) -> ActivityOut<'_> {
    let Activity {
        source,
        sport,
        sub_sport,
        start,
        utc_offset_s,
        elapsed_s,
        timer_s,
        distance_m,
        device_avg_cadence_spm,
        cadence_rule,
        self_rating,
        laps,
        pauses,
        series,
        warnings,
    } = a;
    ActivityOut {
        source,
        sport,
        sub_sport,
        start: *start,
        utc_offset_s: *utc_offset_s,
        elapsed_s: *elapsed_s,
        timer_s: *timer_s,
        distance_m: *distance_m,
        device_avg_cadence_spm: *device_avg_cadence_spm,
        cadence_rule,
        self_rating: *self_rating,
        laps,
        pauses,
        series,
        warnings,
    }
}

fn activity_in(a: ActivityIn) -> Activity {
    let ActivityIn {
        source,
        sport,
        sub_sport,
        start,
        utc_offset_s,
        elapsed_s,
        timer_s,
        distance_m,
        device_avg_cadence_spm,
        cadence_rule,
        self_rating,
        laps,
        pauses,
        series,
        warnings,
    } = a;
    Activity {
        source,
        sport,
        sub_sport,
        start,
        utc_offset_s,
        elapsed_s,
        timer_s,
        distance_m,
        device_avg_cadence_spm,
        cadence_rule,
        self_rating,
        laps,
        pauses,
        series,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    /// Every `skip_serializing_if` in the crate, as `file: field line`. One
    /// on a type the cache stores shifts its binary form: mirror that type
    /// here (as `Record` and `Activity` are), then list it.
    const MIRRORED: &[&str] = &[
        "src/ingest/mod.rs: pub wellness: Option<Box<crate::wellness::Wellness>>,",
        "src/activity.rs: pub self_rating: Option<SelfRating>,",
    ];
    /// The same on types the cache never stores (reports, profiles, the demo's truth).
    const NOT_CACHED: &[&str] = &[
        "src/demo/truth.rs: pub wellness: Option<super::garmin_export::WellnessTruth>,",
        "src/profile.rs: pub journal: Vec<crate::wellness::journal::JournalEntry>,",
        "src/report/model.rs: pub wellness: Option<super::wellness::WellnessSummary>,",
        "src/report/wellness.rs: pub markers: Vec<MarkerTrace>,",
    ];

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn skipped_fields_are_all_mirrored() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&root.join("src"), &mut files);
        let needle = ["skip_serializing", "_if"].concat();
        let mut found = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if l.contains(&needle) && l.trim_start().starts_with("#[serde") {
                    let rel = f.strip_prefix(root).unwrap().display().to_string();
                    let field = lines.get(i + 1).map_or("", |l| l.trim());
                    found.push(format!("{rel}: {field}"));
                }
            }
        }
        found.sort();
        let mut want: Vec<String> = MIRRORED
            .iter()
            .chain(NOT_CACHED)
            .map(|s| s.to_string())
            .collect();
        want.sort();
        assert_eq!(
            found, want,
            "a new skip_serializing_if: see this module's docs"
        );
    }
}
