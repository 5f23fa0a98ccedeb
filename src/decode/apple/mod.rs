//! Apple Health `export.xml` (the Health app's `export.zip`, unpacked as
//! `apple_health_export/`): one activity per `<Workout>`, runs joined with
//! the `<Record>` series recorded during them, and the wellness data (sleep,
//! resting heart rate, HRV SDNN) from the same file.
//!
//! Real exports hold several GB and list every `<Record>` grouped by type
//! (all heart rates, then all step counts, …) *before* the `<Workout>`
//! elements, so a run's samples cannot be joined on the fly. The file is
//! therefore streamed twice and never held:
//! 1. [`workouts`]: only `<Workout>` elements are looked at; their time
//!    spans are the few intervals worth keeping (hundreds to thousands).
//! 2. [`records`]: every `<Record>` whose type matters is tested against
//!    those spans (a binary search); only samples inside a run are kept.
//!    Sleep stages, resting HR and HRV are kept per night/day.
//!
//! Memory is thus bounded by the runs' own samples and the number of nights,
//! not by the file size (the bench `apple` and README measure it).
//!
//! Field names: Apple's own DTD at the top of every export, HealthKit's
//! identifiers (`HKQuantityTypeIdentifierHeartRate`, …), and the public
//! parsers dogsheep/healthkit-to-sqlite and tdda/applehealthdata.

mod scan;
mod series;
pub mod sleep;

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use chrono::{DateTime, NaiveDate, Utc};

use super::DecodeError;
use crate::activity::{Activity, CadenceRule, Format, Source, Sport};
use crate::limits::Limits;
use crate::wellness::{DayValue, HrvDay, HrvKind, Origin, Wellness};
pub(crate) use scan::parse_date;
use scan::{Item, Scan, each_attr, name};
use series::{Kind, Sample};

/// At most this many malformed-record warnings are listed per file; the rest are counted.
const MAX_WARNINGS: usize = 20;

/// One `<Workout>` and what became of it.
#[derive(Debug, Clone)]
pub struct Workout {
    /// `workoutActivityType` as written (`HKWorkoutActivityTypeRunning`).
    pub kind: String,
    /// Line of the `<Workout>` tag.
    pub line: u64,
    /// The activity (a run, or another sport to be skipped), or why it was refused.
    pub outcome: Result<Activity, DecodeError>,
    /// `WorkoutRoute/FileReference path` (`/workout-routes/route_….gpx`).
    pub route: Option<String>,
}

/// Everything one `export.xml` holds for heavylegs.
#[derive(Debug, Clone, Default)]
pub struct Export {
    pub workouts: Vec<Workout>,
    pub wellness: Wellness,
}

/// Decodes an in-memory `export.xml` (a zip member or a small file).
pub fn decode_export(bytes: &[u8], limits: &Limits) -> Result<Export, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    read(|| Ok(bytes), limits)
}

/// The activities of an in-memory export, for callers that want only those.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    let export = decode_export(bytes, limits)?;
    export
        .workouts
        .into_iter()
        .map(|w| w.outcome)
        .filter(|o| o.is_ok())
        .collect()
}

/// Reads an export from a source that can be opened twice (a file, a zip
/// member, bytes); each pass streams it once.
pub fn read<R: BufRead>(
    mut open: impl FnMut() -> io::Result<R>,
    limits: &Limits,
) -> Result<Export, DecodeError> {
    let io_err = |e: io::Error| DecodeError::Corrupt {
        format: scan::FORMAT,
        detail: format!("cannot read: {e}"),
    };
    let mut warnings = Warnings::default();
    let heads = workouts(open().map_err(io_err)?, limits, &mut warnings)?;
    let runs: Vec<usize> = heads
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_run() && h.span().is_ok())
        .map(|(i, _)| i)
        .collect();
    let mut joined = records(
        open().map_err(io_err)?,
        &heads,
        &runs,
        limits,
        &mut warnings,
    )?;
    let mut out = Export::default();
    for (i, head) in heads.into_iter().enumerate() {
        let samples = runs
            .iter()
            .position(|&r| r == i)
            .map(|k| std::mem::take(&mut joined.samples[k]))
            .unwrap_or_default();
        let preferred = joined
            .sources
            .iter()
            .position(|s| *s == head.source)
            .map(|i| i as u16);
        let route = head.route.clone();
        let kind = head.kind.clone();
        let line = head.line;
        out.workouts.push(Workout {
            kind,
            line,
            outcome: head.build(samples, preferred, limits),
            route,
        });
    }
    out.wellness = joined.wellness(warnings);
    Ok(out)
}

/// Malformed-record warnings, capped at [`MAX_WARNINGS`] lines plus a count.
#[derive(Debug, Default)]
struct Warnings {
    lines: Vec<String>,
    more: usize,
}

impl Warnings {
    fn push(&mut self, line: u64, what: impl FnOnce() -> String) {
        if self.lines.len() < MAX_WARNINGS {
            self.lines
                .push(format!("export.xml line {line}: {}", what()));
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.lines
                .push(format!("… and {} more malformed records", self.more));
        }
        self.lines
    }
}

/// A workout's start (with its local offset) and end.
type Span = ((DateTime<Utc>, i32), DateTime<Utc>);

/// A `<Workout>` as pass 1 reads it.
#[derive(Debug, Clone, Default)]
struct Head {
    line: u64,
    kind: String,
    source: String,
    start: Option<(DateTime<Utc>, i32)>,
    end: Option<(DateTime<Utc>, i32)>,
    bad_start: Option<String>,
    bad_end: Option<String>,
    duration_s: Option<f64>,
    distance_m: Option<f64>,
    steps: Option<f64>,
    indoor: bool,
    time_zone: Option<String>,
    temperature_c: Option<f64>,
    route: Option<String>,
}

impl Head {
    fn is_run(&self) -> bool {
        sport_of(&self.kind) == Sport::Running
    }

    /// Start and end, or why the workout cannot be placed in time.
    fn span(&self) -> Result<Span, String> {
        let start = self.start.ok_or_else(|| match &self.bad_start {
            Some(s) => format!("startDate {s:?} is not `YYYY-MM-DD hh:mm:ss ±hhmm`"),
            None => "no startDate".to_owned(),
        })?;
        let end = self.end.ok_or_else(|| match &self.bad_end {
            Some(s) => format!("endDate {s:?} is not `YYYY-MM-DD hh:mm:ss ±hhmm`"),
            None => "no endDate".to_owned(),
        })?;
        if end.0 <= start.0 {
            return Err(format!(
                "ends at {} before it starts at {}",
                end.0.to_rfc3339(),
                start.0.to_rfc3339()
            ));
        }
        Ok((start, end.0))
    }

    fn build(
        self,
        samples: Vec<Sample>,
        preferred_source: Option<u16>,
        limits: &Limits,
    ) -> Result<Activity, DecodeError> {
        let ((start, offset), end) = self.span().map_err(|detail| DecodeError::Corrupt {
            format: scan::FORMAT,
            detail: format!("Workout at line {}: {detail}", self.line),
        })?;
        let elapsed_s = (end - start).num_milliseconds() as f64 / 1000.0;
        let mut warnings = Vec::new();
        let joined = if self.is_run() {
            series::join(
                &samples,
                elapsed_s,
                preferred_source,
                self.temperature_c,
                limits,
                &mut warnings,
            )
        } else {
            series::Joined::default()
        };
        let distance_m = self.distance_m.or(joined.distance_m);
        let timer_s = self.duration_s.filter(|d| *d > 0.0);
        let device_avg_cadence_spm = match (self.steps, timer_s) {
            (Some(steps), Some(t)) if steps > 0.0 => Some(steps / (t / 60.0)),
            _ => None,
        };
        if self.is_run() && joined.series.is_empty() {
            warnings.push(
                "no heart-rate, step or distance records during the workout: totals only".into(),
            );
        }
        let mut series = joined.series;
        series.prune_empty_channels();
        let cadence_rule = if series.cadence_spm.is_some() {
            CadenceRule::AlreadySteps
        } else {
            CadenceRule::None
        };
        Ok(Activity {
            source: Source {
                path: String::new(),
                sha256: String::new(),
                format: Format::AppleHealth,
                device: (!self.source.is_empty()).then(|| self.source.clone()),
            },
            sport: sport_of(&self.kind),
            sub_sport: self.indoor.then(|| "treadmill".to_owned()),
            start,
            utc_offset_s: Some(offset),
            elapsed_s,
            timer_s,
            distance_m,
            device_avg_cadence_spm,
            cadence_rule,
            self_rating: None,
            laps: Vec::new(),
            pauses: Vec::new(),
            series,
            warnings,
        })
    }
}

/// The few sports heavylegs tells apart, from `HKWorkoutActivityType…`.
pub fn sport_of(kind: &str) -> Sport {
    match kind.strip_prefix("HKWorkoutActivityType").unwrap_or(kind) {
        "Running" => Sport::Running,
        "Walking" => Sport::Walking,
        "Hiking" => Sport::Hiking,
        "Cycling" | "HandCycling" => Sport::Cycling,
        "Swimming" => Sport::Swimming,
        _ => Sport::Other,
    }
}

/// Pass 1: the `<Workout>` elements with their metadata, statistics and route.
fn workouts<R: BufRead>(
    input: R,
    limits: &Limits,
    warnings: &mut Warnings,
) -> Result<Vec<Head>, DecodeError> {
    let mut scan = Scan::new(input, limits);
    let mut heads: Vec<Head> = Vec::new();
    // Depth of the open <Workout>, if any.
    let mut in_workout: Option<usize> = None;
    loop {
        let (item, line) = scan.next()?;
        match item {
            Item::Open {
                start,
                depth,
                empty,
            } => {
                let el = name(&start);
                if in_workout.is_none() && depth == 2 && el == "Workout" {
                    let mut h = Head {
                        line,
                        ..Head::default()
                    };
                    let mut total_distance: Option<(f64, String)> = None;
                    let mut duration: Option<(f64, String)> = None;
                    each_attr(&start, |k, v| match k {
                        "workoutActivityType" => h.kind = v.to_owned(),
                        "sourceName" => h.source = crate::decode::xml::unescape_predefined(v),
                        "startDate" => match parse_date(v) {
                            Some(t) => h.start = Some(t),
                            None => h.bad_start = Some(v.to_owned()),
                        },
                        "endDate" => match parse_date(v) {
                            Some(t) => h.end = Some(t),
                            None => h.bad_end = Some(v.to_owned()),
                        },
                        "duration" => {
                            duration = v.trim().parse().ok().map(|d| (d, "min".to_owned()));
                        }
                        "durationUnit" => {
                            if let Some(d) = duration.as_mut() {
                                d.1 = v.to_owned();
                            }
                        }
                        // Exports before iOS 16 put the distance on the workout itself.
                        "totalDistance" => {
                            total_distance = v.trim().parse().ok().map(|d| (d, "km".to_owned()));
                        }
                        "totalDistanceUnit" => {
                            if let Some(d) = total_distance.as_mut() {
                                d.1 = v.to_owned();
                            }
                        }
                        _ => {}
                    });
                    h.duration_s = duration.and_then(|(d, u)| seconds(d, &u));
                    h.distance_m = total_distance
                        .and_then(|(d, u)| metres(d, &u))
                        .filter(|d| *d > 0.0);
                    heads.push(h);
                    if !empty {
                        in_workout = Some(depth);
                    }
                    if heads.len() as u64 > limits.max_records {
                        return Err(DecodeError::Limit(format!(
                            "more than {} workouts (max_records)",
                            limits.max_records
                        )));
                    }
                } else if let (Some(_), Some(h)) = (in_workout, heads.last_mut()) {
                    workout_child(h, el, &start, line, warnings);
                }
            }
            Item::Close { depth } => {
                if in_workout == Some(depth) {
                    in_workout = None;
                }
            }
            Item::End(open) => {
                if let Some(open) = open {
                    warnings.push(line, || {
                        format!("truncated: {open}; what came before is used")
                    });
                    // A workout cut off by the truncation is incomplete.
                    if in_workout.is_some() {
                        heads.pop();
                    }
                }
                return Ok(heads);
            }
            Item::Other => {}
        }
    }
}

/// `MetadataEntry`, `WorkoutStatistics` and `FileReference` inside a workout.
fn workout_child(
    h: &mut Head,
    el: &str,
    start: &quick_xml::events::BytesStart<'_>,
    line: u64,
    warnings: &mut Warnings,
) {
    match el {
        "MetadataEntry" => {
            let (mut key, mut value) = (String::new(), String::new());
            each_attr(start, |k, v| match k {
                "key" => key = v.to_owned(),
                "value" => value = crate::decode::xml::unescape_predefined(v),
                _ => {}
            });
            match key.as_str() {
                "HKIndoorWorkout" => h.indoor = value.trim() == "1",
                "HKTimeZone" => h.time_zone = Some(value),
                "HKWeatherTemperature" => h.temperature_c = temperature_c(&value),
                _ => {}
            }
        }
        "WorkoutStatistics" => {
            let (mut kind, mut sum, mut unit) = (String::new(), None, String::new());
            let mut bad = None;
            each_attr(start, |k, v| match k {
                "type" => kind = v.to_owned(),
                "sum" => match v.trim().parse::<f64>() {
                    Ok(x) if x.is_finite() => sum = Some(x),
                    _ => bad = Some(v.to_owned()),
                },
                "unit" => unit = v.to_owned(),
                _ => {}
            });
            if let Some(bad) = bad {
                warnings.push(line, || {
                    format!("WorkoutStatistics sum {bad:?} is not a number")
                });
            }
            match kind.as_str() {
                "HKQuantityTypeIdentifierDistanceWalkingRunning" => {
                    if let Some(m) = sum.and_then(|s| metres(s, &unit)) {
                        h.distance_m = Some(m);
                    }
                }
                "HKQuantityTypeIdentifierStepCount" => h.steps = sum,
                _ => {}
            }
        }
        "FileReference" => {
            each_attr(start, |k, v| {
                if k == "path" {
                    h.route = Some(crate::decode::xml::unescape_predefined(v));
                }
            });
        }
        _ => {}
    }
}

/// What pass 2 collects.
struct Joined {
    /// Per run (indexed like `runs`), its samples.
    samples: Vec<Vec<Sample>>,
    sleep: Vec<sleep::Segment>,
    resting_hr: BTreeMap<NaiveDate, (f64, u32)>,
    hrv: BTreeMap<NaiveDate, (f64, u32)>,
    /// `sourceName`s of the kept samples; [`Sample::source`] indexes it.
    sources: Vec<String>,
}

impl Joined {
    fn wellness(self, warnings: Warnings) -> Wellness {
        let day_mean = |m: BTreeMap<NaiveDate, (f64, u32)>| {
            m.into_iter()
                .map(|(date, (sum, n))| (date, sum / f64::from(n)))
                .collect::<Vec<_>>()
        };
        Wellness {
            nights: sleep::nights(self.sleep),
            resting_hr: day_mean(self.resting_hr)
                .into_iter()
                .map(|(date, value)| DayValue {
                    date,
                    value,
                    origin: Origin::AppleHealth,
                    path: String::new(),
                })
                .collect(),
            hrv: day_mean(self.hrv)
                .into_iter()
                .map(|(date, value_ms)| HrvDay {
                    date,
                    value_ms,
                    kind: HrvKind::Sdnn,
                    baseline_low_ms: None,
                    baseline_high_ms: None,
                    origin: Origin::AppleHealth,
                    path: String::new(),
                })
                .collect(),
            warnings: warnings.finish(),
            ..Wellness::default()
        }
    }
}

/// What a `<Record type=…>` is to heavylegs.
enum Wanted {
    Run(Kind),
    Sleep,
    RestingHr,
    Hrv,
}

fn wanted(kind: &str) -> Option<Wanted> {
    let k = kind.strip_prefix("HKQuantityTypeIdentifier");
    Some(match k {
        Some("HeartRate") => Wanted::Run(Kind::HeartRate),
        Some("StepCount") => Wanted::Run(Kind::Steps),
        Some("DistanceWalkingRunning") => Wanted::Run(Kind::Distance),
        Some("RunningSpeed") => Wanted::Run(Kind::Speed),
        Some("RunningStrideLength") => Wanted::Run(Kind::StrideLength),
        Some("RunningGroundContactTime") => Wanted::Run(Kind::GroundContact),
        Some("RunningVerticalOscillation") => Wanted::Run(Kind::VerticalOscillation),
        Some("RunningPower") => Wanted::Run(Kind::Power),
        Some("RestingHeartRate") => Wanted::RestingHr,
        Some("HeartRateVariabilitySDNN") => Wanted::Hrv,
        _ if kind == "HKCategoryTypeIdentifierSleepAnalysis" => Wanted::Sleep,
        _ => return None,
    })
}

/// Pass 2: records joined into the runs' spans; wellness per night and day.
fn records<R: BufRead>(
    input: R,
    heads: &[Head],
    runs: &[usize],
    limits: &Limits,
    warnings: &mut Warnings,
) -> Result<Joined, DecodeError> {
    // Run spans in ms, sorted by start (workouts are listed in time order, but not promised).
    let mut spans: Vec<(i64, i64, usize)> = runs
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| {
            let ((s, _), e) = heads[i].span().ok()?;
            Some((s.timestamp_millis(), e.timestamp_millis(), k))
        })
        .collect();
    spans.sort_unstable();
    let mut out = Joined {
        samples: vec![Vec::new(); runs.len()],
        sleep: Vec::new(),
        resting_hr: BTreeMap::new(),
        hrv: BTreeMap::new(),
        sources: Vec::new(),
    };
    let mut sources: Vec<String> = Vec::new();
    let mut capped = vec![false; runs.len()];
    // Reused per record, so a record costs no allocation.
    let (mut s, mut e, mut value, mut unit) =
        (String::new(), String::new(), String::new(), String::new());
    let mut scan = Scan::new(input, limits);
    loop {
        let (item, line) = scan.next()?;
        let start = match item {
            Item::Open { start, depth, .. } if depth == 2 && name(&start) == "Record" => start,
            Item::End(_) => {
                out.sources = sources;
                return Ok(out);
            }
            _ => continue,
        };
        let mut want = None;
        let mut source = u16::MAX;
        for buf in [&mut s, &mut e, &mut value, &mut unit] {
            buf.clear();
        }
        // `type` comes first in Apple's records: an unwanted type costs one attribute.
        let mut unwanted = false;
        for a in start.attributes().with_checks(false).flatten() {
            let v: &str = &a.value;
            match a.key.local_name().into_inner() {
                "type" => {
                    want = wanted(v);
                    if want.is_none() {
                        unwanted = true;
                        break;
                    }
                }
                "startDate" => s.push_str(v),
                "endDate" => e.push_str(v),
                "value" => value.push_str(v),
                "unit" => unit.push_str(v),
                "sourceName" => {
                    source = match sources.iter().position(|x| x == v) {
                        Some(i) => i as u16,
                        None if sources.len() < usize::from(u16::MAX) => {
                            sources.push(v.to_owned());
                            (sources.len() - 1) as u16
                        }
                        None => u16::MAX,
                    };
                }
                _ => {}
            }
        }
        let Some(want) = want.filter(|_| !unwanted) else {
            continue;
        };
        let Some((start_t, offset)) = parse_date(&s) else {
            warnings.push(line, || {
                format!("record startDate {s:?} is not `YYYY-MM-DD hh:mm:ss ±hhmm`; skipped")
            });
            continue;
        };
        let Some((end_t, _)) = parse_date(&e) else {
            warnings.push(line, || {
                format!("record endDate {e:?} is not `YYYY-MM-DD hh:mm:ss ±hhmm`; skipped")
            });
            continue;
        };
        if end_t < start_t {
            warnings.push(line, || {
                format!("record ends ({e}) before it starts ({s}); skipped")
            });
            continue;
        }
        let (s_ms, e_ms) = (start_t.timestamp_millis(), end_t.timestamp_millis());
        match want {
            Wanted::Run(kind) => {
                // The last run starting at or before this record.
                let at = spans.partition_point(|&(rs, _, _)| rs <= s_ms);
                let Some(&(rs, re, k)) = at.checked_sub(1).map(|i| &spans[i]) else {
                    continue;
                };
                if e_ms > re + 1000 {
                    continue;
                }
                let Some(v) = number(&value) else {
                    warnings.push(line, || {
                        format!("record value {value:?} is not a number; skipped")
                    });
                    continue;
                };
                let Some(v) = series::to_unit(kind, v, &unit) else {
                    warnings.push(line, || {
                        format!("record unit {unit:?} is not understood; skipped")
                    });
                    continue;
                };
                if out.samples[k].len() as u64 >= limits.max_records {
                    if !capped[k] {
                        capped[k] = true;
                        warnings.push(line, || {
                            format!(
                                "more than {} samples in one run (max_records)",
                                limits.max_records
                            )
                        });
                    }
                    continue;
                }
                out.samples[k].push(Sample {
                    kind,
                    start_s: (s_ms - rs) as f64 / 1000.0,
                    end_s: (e_ms - rs) as f64 / 1000.0,
                    value: v,
                    source,
                });
            }
            Wanted::Sleep => {
                if let Some(stage) = sleep::Stage::from_value(&value) {
                    out.sleep.push(sleep::Segment {
                        start: start_t,
                        end: end_t,
                        offset_s: offset,
                        stage,
                    });
                } else {
                    warnings.push(line, || {
                        format!("sleep value {value:?} is not known; skipped")
                    });
                }
            }
            Wanted::RestingHr | Wanted::Hrv => {
                let Some(v) = number(&value).filter(|v| *v > 0.0) else {
                    warnings.push(line, || {
                        format!("record value {value:?} is not a number; skipped")
                    });
                    continue;
                };
                let date = local_date(start_t, offset);
                let map = if matches!(want, Wanted::Hrv) {
                    &mut out.hrv
                } else {
                    &mut out.resting_hr
                };
                let slot = map.entry(date).or_insert((0.0, 0));
                slot.0 += v;
                slot.1 += 1;
            }
        }
    }
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The local calendar day of an instant at the offset Apple wrote.
pub(crate) fn local_date(t: DateTime<Utc>, offset_s: i32) -> NaiveDate {
    (t + chrono::Duration::seconds(i64::from(offset_s))).date_naive()
}

fn seconds(v: f64, unit: &str) -> Option<f64> {
    let f = match unit {
        "min" => 60.0,
        "s" | "sec" => 1.0,
        "hr" | "h" => 3600.0,
        _ => return None,
    };
    Some(v * f).filter(|x| x.is_finite() && *x >= 0.0)
}

pub(crate) fn metres(v: f64, unit: &str) -> Option<f64> {
    let f = match unit {
        "km" => 1000.0,
        "m" => 1.0,
        "mi" => 1609.344,
        "yd" => 0.9144,
        "ft" => 0.3048,
        "cm" => 0.01,
        _ => return None,
    };
    Some(v * f).filter(|x| x.is_finite() && *x >= 0.0)
}

/// `HKWeatherTemperature` values read `68 degF` or `20 degC`.
fn temperature_c(value: &str) -> Option<f64> {
    let mut parts = value.split_whitespace();
    let v: f64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("degF") => Some((v - 32.0) * 5.0 / 9.0),
        Some("degC") | None => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_sports() {
        assert_eq!(sport_of("HKWorkoutActivityTypeRunning"), Sport::Running);
        assert_eq!(sport_of("HKWorkoutActivityTypeCycling"), Sport::Cycling);
        assert_eq!(
            sport_of("HKWorkoutActivityTypeTraditionalStrengthTraining"),
            Sport::Other
        );
        assert_eq!(metres(5.2, "km"), Some(5200.0));
        assert!((metres(1.0, "mi").unwrap() - 1609.344).abs() < 1e-9);
        assert_eq!(metres(1.0, "furlong"), None);
        assert!((temperature_c("68 degF").unwrap() - 20.0).abs() < 1e-9);
        assert_eq!(temperature_c("21.5 degC"), Some(21.5));
        assert_eq!(seconds(31.5, "min"), Some(1890.0));
    }
}
