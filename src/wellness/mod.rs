//! Wellness: what a watch and phone record besides runs — nights of sleep,
//! resting heart rate, HRV, shoes (gear) and how each run felt — in one
//! model, whatever export it came from.
//!
//! Readers (one per export format, each the only place that knows its
//! format's quirks) turn one file into a [`Wellness`] part; the athlete's
//! parts are joined with [`Wellness::extend`] and settled with
//! [`Wellness::finish`] (sorted, one night per date). Rules in `findings`
//! read the finished model. Dates are the runner's local calendar days.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

mod csv;
pub mod garmin;
pub mod journal;
mod lenient;
mod source;
pub mod strava;

pub use source::{Source, WellnessError, read};

/// Which export a value came from, named in evidence lines
/// ("84 nights from Garmin sleep data").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Garmin Connect account export (JSON under `DI_CONNECT/`).
    GarminExport,
    /// Watch-side wellness FIT files (sleep, monitoring, HRV status) or a FIT session field.
    GarminFit,
    /// Strava bulk export (`activities.csv`, `shoes.csv`).
    StravaExport,
    /// Apple Health `export.xml`.
    AppleHealth,
    /// Polar Flow account export.
    PolarFlow,
    /// The runner's own `journal.csv` or `[[journal]]` entries.
    Journal,
}

impl Origin {
    /// Where the data came from, in words ("84 nights from the Garmin
    /// Connect export").
    pub fn words(self) -> &'static str {
        match self {
            Origin::GarminExport => "the Garmin Connect export",
            Origin::GarminFit => "Garmin watch files",
            Origin::StravaExport => "the Strava export",
            Origin::AppleHealth => "Apple Health",
            Origin::PolarFlow => "Polar Flow",
            Origin::Journal => "your journal",
        }
    }
}

/// "the Garmin Connect export and your journal": the distinct origins in
/// order, joined for a sentence; "no source" when there are none.
pub fn origins_words(origins: impl IntoIterator<Item = Origin>) -> String {
    let mut all: Vec<Origin> = origins.into_iter().collect();
    all.sort_unstable();
    all.dedup();
    let words: Vec<&str> = all.iter().map(|o| o.words()).collect();
    match words.as_slice() {
        [] => "no source".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// One night's sleep, dated by the local morning it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Night {
    pub date: NaiveDate,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Time asleep (deep + light + REM, or the source's asleep total), s.
    pub asleep_s: f64,
    pub deep_s: Option<f64>,
    pub light_s: Option<f64>,
    pub rem_s: Option<f64>,
    pub awake_s: Option<f64>,
    /// The source's own 0–100 score, when it gives one.
    pub score: Option<f64>,
    /// Confirmed by the device or the runner (Garmin's `*_CONFIRMED*`);
    /// preferred when two sources report the same night.
    pub confirmed: bool,
    pub origin: Origin,
    /// Input path the night was read from.
    pub path: String,
}

/// One value per local day: resting heart rate (bpm) or ferritin (µg/L).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayValue {
    pub date: NaiveDate,
    pub value: f64,
    pub origin: Origin,
    pub path: String,
}

/// What an HRV value measures: rules compare a runner only with their own
/// baseline of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HrvKind {
    /// Root mean square of successive differences (Garmin nightly HRV, Polar).
    Rmssd,
    /// Standard deviation of NN intervals (Apple Health).
    Sdnn,
}

/// One day's HRV, ms, with the source's own baseline band when it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HrvDay {
    pub date: NaiveDate,
    pub value_ms: f64,
    pub kind: HrvKind,
    pub baseline_low_ms: Option<f64>,
    pub baseline_high_ms: Option<f64>,
    pub origin: Origin,
    pub path: String,
}

/// A pair of shoes (or other gear) as the export lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gear {
    /// The export's own key (Garmin `gearPk`, Strava shoe name).
    pub id: String,
    pub name: String,
    pub is_shoe: bool,
    pub retired: bool,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// The runner's own retire-at distance for this pair, km.
    pub max_km: Option<f64>,
    pub origin: Origin,
    pub path: String,
}

/// A run done in a piece of gear. The run is found by start time (a few
/// seconds of drift between export and file are normal) or by file path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GearUse {
    pub gear_id: String,
    pub start: Option<DateTime<Utc>>,
    /// Input path (or suffix of it) of the run's file, when the export names it.
    pub file: Option<String>,
    pub origin: Origin,
}

/// A link from gear to an activity by the export's own activity id
/// (Garmin `gearActivityDTOs`); [`Wellness::finish`] turns it into a
/// [`GearUse`] with the start time from [`Wellness::activities`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GearLink {
    pub gear_id: String,
    pub activity_id: String,
    pub origin: Origin,
    pub path: String,
}

/// An activity as an export's summary lists it (Garmin
/// `summarizedActivities`): what an activity id in a gear link means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportActivity {
    pub id: String,
    pub start: Option<DateTime<Utc>>,
    pub distance_m: Option<f64>,
    /// The export's own activity type (`running`, `trail_running`, …).
    pub sport: Option<String>,
    pub name: Option<String>,
    pub origin: Origin,
    pub path: String,
}

/// How one run felt to the runner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feel {
    /// The run's start, when known; else `date` and `file` find it.
    pub start: Option<DateTime<Utc>>,
    pub date: Option<NaiveDate>,
    pub file: Option<String>,
    /// Garmin `workout_feel`, 0 (very weak) – 100 (very strong).
    pub feel: Option<f64>,
    /// Rate of perceived exertion, 1–10.
    pub rpe: Option<f64>,
    /// The journal's `legs`, 1 (fresh) – 5 (very heavy).
    pub legs: Option<u8>,
    pub origin: Origin,
}

/// A dated free-text note from the runner's journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub date: NaiveDate,
    pub text: String,
}

/// Everything wellness an athlete's inputs hold. All fields are lists so an
/// empty model is `const` and parts join by appending.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Wellness {
    pub nights: Vec<Night>,
    pub resting_hr: Vec<DayValue>,
    pub hrv: Vec<HrvDay>,
    pub ferritin: Vec<DayValue>,
    pub gear: Vec<Gear>,
    pub gear_uses: Vec<GearUse>,
    pub feels: Vec<Feel>,
    pub notes: Vec<Note>,
    /// Gear links by activity id, resolved into `gear_uses` by [`Wellness::finish`].
    pub gear_links: Vec<GearLink>,
    /// Activities an export summarises (to resolve gear links).
    pub activities: Vec<ExportActivity>,
    /// One line each for what a reader could not use ("2026-03-04: sleep
    /// window ends before it starts"), shown like a damaged file's warnings.
    pub warnings: Vec<String>,
}

/// The model with nothing in it, for inputs that hold no wellness data.
pub static EMPTY: Wellness = Wellness {
    nights: Vec::new(),
    resting_hr: Vec::new(),
    hrv: Vec::new(),
    ferritin: Vec::new(),
    gear: Vec::new(),
    gear_uses: Vec::new(),
    feels: Vec::new(),
    notes: Vec::new(),
    gear_links: Vec::new(),
    activities: Vec::new(),
    warnings: Vec::new(),
};

impl Wellness {
    pub fn is_empty(&self) -> bool {
        self.nights.is_empty()
            && self.resting_hr.is_empty()
            && self.hrv.is_empty()
            && self.ferritin.is_empty()
            && self.gear.is_empty()
            && self.gear_uses.is_empty()
            && self.feels.is_empty()
            && self.notes.is_empty()
            && self.gear_links.is_empty()
            && self.activities.is_empty()
    }

    /// Appends another part (from another file) to this one.
    pub fn extend(&mut self, other: Wellness) {
        self.nights.extend(other.nights);
        self.resting_hr.extend(other.resting_hr);
        self.hrv.extend(other.hrv);
        self.ferritin.extend(other.ferritin);
        self.gear.extend(other.gear);
        self.gear_uses.extend(other.gear_uses);
        self.feels.extend(other.feels);
        self.notes.extend(other.notes);
        self.gear_links.extend(other.gear_links);
        self.activities.extend(other.activities);
        self.warnings.extend(other.warnings);
    }

    /// Sorts every list by date and keeps one night per date: a confirmed
    /// night over an unconfirmed one, then the longer sleep (phone and watch
    /// report overlapping nights; a minute is never counted twice). The
    /// dropped nights leave one warning per pair of sources, with how many
    /// and their first and last dates: two exports that overlap by years
    /// would otherwise say so once a night.
    pub fn finish(mut self) -> Wellness {
        self.nights.sort_by(|a, b| {
            a.date
                .cmp(&b.date)
                .then(b.confirmed.cmp(&a.confirmed))
                .then(b.asleep_s.total_cmp(&a.asleep_s))
                .then(a.path.cmp(&b.path))
        });
        let mut kept: Vec<Night> = Vec::with_capacity(self.nights.len());
        // (dropped from, kept from) → (nights, first date, last date); nights come in date order.
        let mut dropped: std::collections::BTreeMap<
            (String, String),
            (usize, NaiveDate, NaiveDate),
        > = Default::default();
        for night in self.nights {
            match kept.last() {
                Some(k) if k.date == night.date => {
                    let pair = dropped
                        .entry((night.path, k.path.clone()))
                        .or_insert((0, night.date, night.date));
                    pair.0 += 1;
                    pair.2 = night.date;
                }
                _ => kept.push(night),
            }
        }
        self.nights = kept;
        for ((path, kept_from), (n, first, last)) in dropped {
            self.warnings.push(match n {
                1 => format!("{path}: night of {first} also in {kept_from}, counted from that file"),
                _ => format!(
                    "{path}: {n} nights ({first} to {last}) also in {kept_from}, counted from that file"
                ),
            });
        }
        self.resting_hr
            .sort_by(|a, b| a.date.cmp(&b.date).then(a.path.cmp(&b.path)));
        self.resting_hr.dedup_by_key(|d| d.date);
        self.hrv
            .sort_by(|a, b| a.date.cmp(&b.date).then(a.path.cmp(&b.path)));
        self.hrv
            .dedup_by(|a, b| a.date == b.date && a.kind == b.kind);
        self.ferritin.sort_by_key(|a| a.date);
        self.notes.sort_by_key(|a| a.date);
        self.gear
            .sort_by(|a, b| (a.origin, &a.id, &a.path).cmp(&(b.origin, &b.id, &b.path)));
        self.gear
            .dedup_by(|a, b| a.origin == b.origin && a.id == b.id);
        self.resolve_gear_links();
        self
    }

    /// Gear links by activity id become gear uses with the activity's start
    /// (links are drained, so finishing twice adds nothing). Links to ids no
    /// summary lists leave one warning per file.
    fn resolve_gear_links(&mut self) {
        let starts: foldhash::HashMap<(Origin, &str), Option<DateTime<Utc>>> = self
            .activities
            .iter()
            .map(|a| ((a.origin, a.id.as_str()), a.start))
            .collect();
        let mut unresolved: std::collections::BTreeMap<String, usize> = Default::default();
        for link in std::mem::take(&mut self.gear_links) {
            match starts.get(&(link.origin, link.activity_id.as_str())) {
                Some(Some(start)) => self.gear_uses.push(GearUse {
                    gear_id: link.gear_id,
                    start: Some(*start),
                    file: None,
                    origin: link.origin,
                }),
                _ => *unresolved.entry(link.path).or_default() += 1,
            }
        }
        for (path, n) in unresolved {
            self.warnings.push(format!(
                "{path}: {n} gear link(s) name activities with no start time in any activity summary"
            ));
        }
        self.gear_uses
            .sort_by(|a, b| (a.start, &a.file, &a.gear_id).cmp(&(b.start, &b.file, &b.gear_id)));
        self.gear_uses.dedup();
    }
}

/// One athlete's wellness from the parts their inputs held, finished.
pub fn gather<'a>(parts: impl IntoIterator<Item = &'a Wellness>) -> Wellness {
    gather_owned(parts.into_iter().cloned())
}

/// A part's records, moved out: a history's exports hold tens of thousands
/// of nights and days, and copying them ([`gather`]) was a tenth of a weekly
/// run. The part keeps its warnings (the report lists them under the file
/// they name) and nothing else.
pub fn take_records(part: &mut Wellness) -> Wellness {
    let records = std::mem::take(part);
    part.warnings.clone_from(&records.warnings);
    records
}

/// One athlete's wellness from parts already taken ([`take_records`]), finished.
pub fn gather_owned(parts: impl IntoIterator<Item = Wellness>) -> Wellness {
    let mut all = Wellness::default();
    for part in parts {
        all.extend(part);
    }
    all.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn night(date: NaiveDate, hours: f64, confirmed: bool, path: &str) -> Night {
        Night {
            date,
            start: None,
            end: None,
            asleep_s: hours * 3600.0,
            deep_s: None,
            light_s: None,
            rem_s: None,
            awake_s: None,
            score: None,
            confirmed,
            origin: Origin::GarminExport,
            path: path.to_owned(),
        }
    }

    /// Taking the parts' records gives what copying them gives, and leaves
    /// each part its warnings only.
    #[test]
    fn taking_the_records_equals_copying_them_and_leaves_the_warnings() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let part = |path: &str, hours: f64, warning: &str| Wellness {
            nights: vec![
                night(d, hours, false, path),
                night(d.succ_opt().unwrap(), hours, true, path),
            ],
            warnings: vec![warning.to_owned()],
            ..Wellness::default()
        };
        let parts = vec![
            part("phone", 8.0, "phone: odd line"),
            part("watch", 6.5, ""),
        ];
        let copied = gather(&parts);
        let mut taken_from = parts.clone();
        let taken = gather_owned(taken_from.iter_mut().map(take_records));
        assert_eq!(taken, copied);
        assert_eq!(copied.nights.len(), 2, "one night per date");
        for (left, was) in taken_from.iter().zip(&parts) {
            assert_eq!(left.warnings, was.warnings);
            assert_eq!(
                left,
                &Wellness {
                    warnings: was.warnings.clone(),
                    ..Wellness::default()
                }
            );
        }
    }

    #[test]
    fn one_night_per_date_preferring_the_confirmed_one() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut w = Wellness {
            nights: vec![night(d, 8.0, false, "phone"), night(d, 6.5, true, "watch")],
            ..Wellness::default()
        };
        w.extend(Wellness {
            nights: vec![night(d.succ_opt().unwrap(), 7.0, true, "watch")],
            ..Wellness::default()
        });
        let w = w.finish();
        assert_eq!(w.nights.len(), 2);
        assert_eq!(w.nights[0].path, "watch");
        assert_eq!(w.nights[0].asleep_s, 6.5 * 3600.0);
        assert_eq!(w.warnings.len(), 1);
        assert!(w.warnings[0].contains("phone"), "{:?}", w.warnings);
    }

    /// Two sources that overlap for a year leave one line for the pair, not
    /// one a night; a lone overlap keeps naming its night.
    #[test]
    fn overlapping_sources_are_named_once_per_pair() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let days = |n: u64, hours: f64, path: &str| -> Vec<Night> {
            (0..n)
                .map(|i| night(d + chrono::Days::new(i), hours, false, path))
                .collect()
        };
        let mut w = Wellness {
            nights: days(365, 7.0, "export-2025.zip"),
            ..Wellness::default()
        };
        w.extend(Wellness {
            nights: days(365, 6.0, "export-2026.zip"),
            ..Wellness::default()
        });
        w.extend(Wellness {
            nights: days(1, 5.0, "phone.csv"),
            ..Wellness::default()
        });
        let w = w.finish();
        assert_eq!(w.nights.len(), 365);
        assert!(w.nights.iter().all(|n| n.path == "export-2025.zip"));
        assert_eq!(
            w.warnings,
            vec![
                "export-2026.zip: 365 nights (2025-01-01 to 2025-12-31) also in export-2025.zip, counted from that file",
                "phone.csv: night of 2025-01-01 also in export-2025.zip, counted from that file",
            ]
        );
    }
}
