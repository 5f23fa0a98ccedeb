//! Garmin Training Center (TCX v2) → one [`Activity`] per `<Activity>`.
//!
//! Activities are found by local name wherever they sit, so a multisport file
//! (`MultiSportSession/FirstSport|NextSport/Activity`) yields each leg in file
//! order. Rules specific to TCX:
//! - laps come from `<Lap StartTime>`; the activity's timer time and distance
//!   are the sums of the laps' `TotalTimeSeconds`/`DistanceMeters` (the
//!   device's own totals), falling back to the trackpoints;
//! - trackpoint distance is the recorded `DistanceMeters` when nearly every
//!   point has one, else it is computed from positions like GPX;
//! - cadence is `<Cadence>` or the TPX `RunCadence`; Garmin's RunCadence is
//!   strides of one foot, Polar's `<Cadence>` may be either, so both go
//!   through [`normalize_xml_cadence`]'s median rule;
//! - a new `<Track>` after a gap longer than twice the usual sample interval
//!   is a pause (Garmin also opens a new track at every lap).

use chrono::{DateTime, Utc};

use super::DecodeError;
use super::xml::{self, XmlEvent, XmlReader};
use crate::activity::{
    Activity, CadenceRule, Format, Lap, Pause, Series, Source, Sport, normalize_xml_cadence,
};
use crate::limits::Limits;

const FORMAT: &str = "tcx";

/// A lap `StartTime` further than this from its first trackpoint is not trusted.
const LAP_START_TOLERANCE_S: f64 = 60.0;

/// Recorded trackpoint distance is used when at least this share of points carry it.
const RECORDED_DISTANCE_MIN_SHARE: f64 = 0.9;

#[derive(Debug, Clone)]
struct Point {
    track: u32,
    lap: usize,
    time: Option<DateTime<Utc>>,
    lat: f64,
    lon: f64,
    alt: f64,
    dist: f64,
    hr: f64,
    cad: f64,
    run_cad: f64,
    speed: f64,
    power: f64,
}

impl Point {
    fn new(track: u32, lap: usize) -> Self {
        let nan = f64::NAN;
        Point {
            track,
            lap,
            time: None,
            lat: nan,
            lon: nan,
            alt: nan,
            dist: nan,
            hr: nan,
            cad: nan,
            run_cad: nan,
            speed: nan,
            power: nan,
        }
    }
}

#[derive(Debug, Default)]
struct RawLap {
    start: Option<DateTime<Utc>>,
    total_time_s: Option<f64>,
    distance_m: Option<f64>,
}

#[derive(Debug, Default)]
struct RawActivity {
    sport_label: Option<String>,
    creator: Option<String>,
    laps: Vec<RawLap>,
    points: Vec<Point>,
    tracks: u32,
}

/// Decodes a TCX document into its activities, in file order.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    let (text, encoding_note) = xml::document_text(bytes, FORMAT)?;
    let (raws, author, courses, mut warnings) = parse(&text, limits)?;
    warnings.extend(encoding_note);
    let found = raws.len();
    let mut out = Vec::with_capacity(found);
    let mut skipped = Vec::new();
    for (i, raw) in raws.into_iter().enumerate() {
        match build(raw, author.as_deref(), &warnings) {
            Ok(a) => out.push(a),
            Err(why) => skipped.push(format!("activity {}: {why}", i + 1)),
        }
    }
    if out.is_empty() {
        return Err(DecodeError::NoData(if found == 0 && courses > 0 {
            "course without activities".into()
        } else if found == 0 {
            "no <Activity> in file".into()
        } else {
            skipped.join("; ")
        }));
    }
    if !skipped.is_empty() {
        for a in &mut out {
            a.warnings
                .push(format!("skipped without data: {}", skipped.join("; ")));
        }
    }
    Ok(out)
}

type ParseOut = (Vec<RawActivity>, Option<String>, usize, Vec<String>);

fn parse(text: &str, limits: &Limits) -> Result<ParseOut, DecodeError> {
    let mut r = XmlReader::new(text, FORMAT, "TrainingCenterDatabase", limits);
    let mut activities = Vec::new();
    let mut author: Option<String> = None;
    let mut courses = 0usize;
    // The open <Activity> and its depth; the open <Trackpoint> and its depth.
    let mut act: Option<(usize, RawActivity)> = None;
    let mut tp: Option<(usize, Point)> = None;
    loop {
        match r.next()? {
            XmlEvent::Open(start) => {
                let qname = start.name();
                let name = qname.local_name().into_inner();
                match (name, act.as_mut()) {
                    ("Activity", None) => {
                        let sport = xml::attr(&start, "Sport").map(|s| s.trim().to_string());
                        let raw = RawActivity {
                            sport_label: sport,
                            ..RawActivity::default()
                        };
                        act = Some((r.depth(), raw));
                    }
                    ("Course", None) => courses += 1,
                    ("Lap", Some((_, a))) if r.open(1) == Some("Activity") => {
                        let lap_start =
                            xml::attr(&start, "StartTime").and_then(|t| xml::parse_time(&t));
                        a.laps.push(RawLap {
                            start: lap_start.map(|s| s.0),
                            ..RawLap::default()
                        });
                    }
                    ("Track", Some((_, a))) => a.tracks += 1,
                    ("Trackpoint", Some((_, a))) => {
                        if a.points.len() as u64 >= limits.max_records {
                            return Err(DecodeError::Limit(format!(
                                "more than {} trackpoints in one activity (max_records)",
                                limits.max_records
                            )));
                        }
                        let lap = a.laps.len().saturating_sub(1);
                        tp = Some((r.depth(), Point::new(a.tracks, lap)));
                    }
                    _ => {}
                }
            }
            XmlEvent::Close => {
                let name = r.closed();
                let depth = r.depth();
                let parent = r.open(0);
                if tp.as_ref().is_some_and(|(d, _)| depth + 1 == *d) {
                    if let (Some((_, p)), Some((_, a))) = (tp.take(), act.as_mut()) {
                        a.points.push(p);
                    }
                } else if let Some((tdepth, p)) = tp.as_mut() {
                    let direct = depth == *tdepth;
                    let v = || xml::parse_f64(r.text()).unwrap_or(f64::NAN);
                    match name {
                        "Time" if direct => p.time = xml::parse_time(r.text()).map(|t| t.0),
                        "LatitudeDegrees" => p.lat = v(),
                        "LongitudeDegrees" => p.lon = v(),
                        "AltitudeMeters" if direct => p.alt = v(),
                        "DistanceMeters" if direct => p.dist = v(),
                        "Value" if parent == Some("HeartRateBpm") => p.hr = v(),
                        "Cadence" if direct => p.cad = v(),
                        "RunCadence" => p.run_cad = v(),
                        "Speed" => p.speed = v(),
                        "Watts" => p.power = v(),
                        _ => {}
                    }
                } else if act.as_ref().is_some_and(|(d, _)| depth + 1 == *d) {
                    if let Some((_, a)) = act.take() {
                        activities.push(a);
                    }
                } else if let Some((_, a)) = act.as_mut() {
                    match (name, parent) {
                        ("TotalTimeSeconds", Some("Lap")) => {
                            if let Some(l) = a.laps.last_mut() {
                                l.total_time_s = xml::parse_f64(r.text());
                            }
                        }
                        ("DistanceMeters", Some("Lap")) => {
                            if let Some(l) = a.laps.last_mut() {
                                l.distance_m = xml::parse_f64(r.text());
                            }
                        }
                        ("Name", Some("Creator")) if a.creator.is_none() => {
                            a.creator = Some(r.text().to_string()).filter(|t| !t.is_empty());
                        }
                        _ => {}
                    }
                } else if name == "Name" && parent == Some("Author") && depth == 2 {
                    author = Some(r.text().to_string()).filter(|t| !t.is_empty());
                }
            }
            XmlEvent::End => break,
        }
    }
    Ok((activities, author, courses, std::mem::take(&mut r.warnings)))
}

fn build(
    raw: RawActivity,
    author: Option<&str>,
    file_warnings: &[String],
) -> Result<Activity, String> {
    let mut warnings = file_warnings.to_vec();
    let RawActivity {
        sport_label,
        creator,
        laps,
        mut points,
        ..
    } = raw;
    let total = points.len();
    points.retain(|p| p.time.is_some());
    if points.is_empty() {
        return Err(if total == 0 {
            "no trackpoints".into()
        } else {
            format!("none of {total} trackpoints has a <Time>")
        });
    }
    if points.len() < total {
        warnings.push(format!(
            "{} of {total} trackpoints without <Time> dropped",
            total - points.len()
        ));
    }
    if points.windows(2).any(|w| w[1].time < w[0].time) {
        points.sort_by_key(|p| p.time);
        warnings.push("trackpoints out of time order: sorted by time".into());
    }
    let first_time = points[0].time.unwrap_or_default();
    let lap_start = laps.first().and_then(|l| l.start);
    // The timer may start before the first GPS fix: trust the first lap's
    // StartTime when it is earlier by no more than the laps' own timer total
    // (a wrong time zone on the lap would be off by whole hours).
    let lap_timer_total: f64 = laps.iter().filter_map(|l| l.total_time_s).sum();
    let start = match lap_start {
        Some(ls) if ls <= first_time => {
            let lead_s = xml::seconds_between(ls, first_time);
            if lead_s <= LAP_START_TOLERANCE_S.max(lap_timer_total) {
                ls
            } else {
                warnings.push(format!(
                    "first lap StartTime is {lead_s:.0} s before the first trackpoint: trackpoints used"
                ));
                first_time
            }
        }
        _ => first_time,
    };
    let time_s: Vec<f64> = points
        .iter()
        .map(|p| xml::seconds_between(start, p.time.unwrap_or(start)))
        .collect();
    let track: Vec<u32> = points.iter().map(|p| p.track).collect();
    let end_s = time_s.last().copied().unwrap_or(0.0);

    // Distance: recorded when (nearly) complete, else from positions.
    let recorded = points.iter().filter(|p| p.dist.is_finite()).count();
    let positioned = points
        .iter()
        .filter(|p| xml::valid_position(p.lat, p.lon))
        .count();
    let distance_m: Option<Vec<f64>> = if recorded as f64
        >= RECORDED_DISTANCE_MIN_SHARE * points.len() as f64
        || (recorded > 0 && positioned < 2)
    {
        Some(points.iter().map(|p| p.dist).collect())
    } else if positioned >= 2 {
        if recorded > 0 {
            warnings.push(format!(
                "DistanceMeters on only {recorded} of {} trackpoints: distance computed from positions",
                points.len()
            ));
        }
        Some(distance_from_positions(&points))
    } else {
        None
    };
    let speed_mps = if points.iter().any(|p| p.speed.is_finite()) {
        Some(points.iter().map(|p| p.speed).collect())
    } else {
        distance_m
            .as_ref()
            .map(|d| xml::speed_from_distance(&time_s, d, &track))
    };

    let sport = sport_label
        .as_deref()
        .map_or(Sport::Unknown, Sport::from_label);
    let mut cadence: Vec<f64> = points
        .iter()
        .map(|p| {
            if p.run_cad.is_finite() {
                p.run_cad
            } else {
                p.cad
            }
        })
        .collect();
    let cadence_rule = if !cadence.iter().any(|v| v.is_finite()) {
        CadenceRule::None
    } else if matches!(sport, Sport::Cycling | Sport::Swimming) {
        warnings.push(format!(
            "{} cadence is not steps/min: dropped",
            sport.as_str()
        ));
        cadence.clear();
        CadenceRule::None
    } else {
        normalize_xml_cadence(&mut cadence)
    };

    // Garmin also opens a new <Track> at every lap, so a track boundary is a
    // pause only when its gap is longer than twice the usual sample interval.
    let usual_dt = xml::median((1..time_s.len()).map(|i| time_s[i] - time_s[i - 1])).unwrap_or(1.0);
    let pauses: Vec<Pause> = (1..points.len())
        .filter(|&i| {
            track[i] != track[i - 1] && time_s[i] - time_s[i - 1] > 2.0 * usual_dt.max(1.0)
        })
        .map(|i| Pause {
            start_s: time_s[i - 1],
            end_s: time_s[i],
        })
        .collect();

    let out_laps = build_laps(&laps, &points, &time_s, start, end_s);
    let lap_timer: Vec<f64> = laps.iter().filter_map(|l| l.total_time_s).collect();
    let lap_dist: Vec<f64> = laps.iter().filter_map(|l| l.distance_m).collect();
    let timer_s = (!lap_timer.is_empty()).then(|| lap_timer.iter().sum());
    let series_distance = distance_m
        .as_ref()
        .and_then(|d| d.iter().rev().find(|v| v.is_finite()).copied());
    let distance = if lap_dist.iter().sum::<f64>() > 0.0 {
        Some(lap_dist.iter().sum())
    } else {
        series_distance
    };

    let column = |f: fn(&Point) -> f64| Some(points.iter().map(f).collect::<Vec<f64>>());
    let (lat_deg, lon_deg) = xml::position_columns(points.iter().map(|p| (p.lat, p.lon)));
    let mut series = Series {
        time_s,
        distance_m,
        speed_mps,
        cadence_spm: (!cadence.is_empty()).then_some(cadence),
        heart_rate_bpm: column(|p| p.hr),
        altitude_m: column(|p| p.alt),
        lat_deg: Some(lat_deg),
        lon_deg: Some(lon_deg),
        power_w: column(|p| p.power),
        ..Series::default()
    };
    series.prune_empty_channels();

    Ok(Activity {
        source: Source {
            path: String::new(),
            sha256: String::new(),
            format: Format::Tcx,
            device: creator.or_else(|| author.map(str::to_string)),
        },
        sport,
        sub_sport: None,
        start,
        utc_offset_s: None,
        elapsed_s: end_s,
        timer_s,
        distance_m: distance,
        device_avg_cadence_spm: None,
        cadence_rule,
        self_rating: None,
        laps: out_laps,
        pauses,
        series,
        warnings,
    })
}

/// Laps relative to the activity start: the recorded `StartTime` when it is
/// inside the activity and not before the previous lap, else the lap's first
/// trackpoint, else the previous lap's start. Every recorded lap is kept
/// (empty laps carry timer and distance too). Each lap lasts until the next
/// one starts, the last until the final sample.
fn build_laps(
    laps: &[RawLap],
    points: &[Point],
    time_s: &[f64],
    start: DateTime<Utc>,
    end_s: f64,
) -> Vec<Lap> {
    let first_point_s = |lap: usize| points.iter().position(|p| p.lap == lap).map(|i| time_s[i]);
    let mut starts = Vec::with_capacity(laps.len());
    let mut previous = 0.0_f64;
    for (i, l) in laps.iter().enumerate() {
        let recorded = l.start.map(|t| xml::seconds_between(start, t));
        let s = match (recorded, first_point_s(i)) {
            (Some(r), _) if (previous - 1e-9..=end_s + 1.0).contains(&r) => r,
            (_, Some(p)) => p,
            _ => previous,
        };
        previous = s.max(previous);
        starts.push(s);
    }
    laps.iter()
        .enumerate()
        .map(|(i, l)| {
            let next = starts.get(i + 1).copied().unwrap_or(end_s);
            Lap {
                start_s: starts[i],
                elapsed_s: (next - starts[i]).max(0.0),
                timer_s: l.total_time_s,
                distance_m: l.distance_m,
            }
        })
        .collect()
}

/// Cumulative 2-D distance along positioned trackpoints, within `<Track>` segments.
fn distance_from_positions(points: &[Point]) -> Vec<f64> {
    let mut total = 0.0;
    let mut last: Option<(u32, f64, f64)> = None;
    points
        .iter()
        .map(|p| {
            if xml::valid_position(p.lat, p.lon) {
                if let Some((t, lat, lon)) = last
                    && t == p.track
                {
                    total += xml::distance_2d_m(lat, lon, p.lat, p.lon);
                }
                last = Some((p.track, p.lat, p.lon));
            }
            total
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &str = r#"<?xml version="1.0"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><MultiSportSession><Id>2020-01-01T10:00:00Z</Id>
 <FirstSport><Activity Sport="Biking"><Id>2020-01-01T10:00:00Z</Id>
  <Lap StartTime="2020-01-01T10:00:00Z"><TotalTimeSeconds>10</TotalTimeSeconds><DistanceMeters>50</DistanceMeters>
   <Track><Trackpoint><Time>2020-01-01T10:00:00Z</Time><DistanceMeters>0</DistanceMeters><Cadence>90</Cadence></Trackpoint>
   <Trackpoint><Time>2020-01-01T10:00:10Z</Time><DistanceMeters>50</DistanceMeters><Cadence>90</Cadence></Trackpoint></Track></Lap>
  <Creator><Name>Forerunner 945</Name></Creator></Activity></FirstSport>
 <NextSport><Activity Sport="Running"><Id>2020-01-01T10:01:00Z</Id>
  <Lap StartTime="2020-01-01T10:01:00Z"><TotalTimeSeconds>20</TotalTimeSeconds><DistanceMeters>60</DistanceMeters>
   <Track><Trackpoint><Time>2020-01-01T10:01:00Z</Time><DistanceMeters>0</DistanceMeters>
     <Extensions><ns3:TPX xmlns:ns3="urn:x"><ns3:RunCadence>85</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>
   <Trackpoint><Time>2020-01-01T10:01:10Z</Time><DistanceMeters>20</DistanceMeters>
     <Extensions><ns3:TPX xmlns:ns3="urn:x"><ns3:RunCadence>86</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>
   <Trackpoint><Time>2020-01-01T10:01:20Z</Time><DistanceMeters>40</DistanceMeters>
     <Extensions><ns3:TPX xmlns:ns3="urn:x"><ns3:RunCadence>86</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint></Track>
   <Track><Trackpoint><Time>2020-01-01T10:02:00Z</Time><DistanceMeters>60</DistanceMeters>
     <Extensions><ns3:TPX xmlns:ns3="urn:x"><ns3:RunCadence>87</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint></Track>
  </Lap></Activity></NextSport>
</MultiSportSession></Activities></TrainingCenterDatabase>"#;

    #[test]
    fn multisport_legs_laps_and_cadence() {
        let acts = decode(MULTI.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(acts.len(), 2);
        let (bike, run) = (&acts[0], &acts[1]);
        assert_eq!((bike.sport, run.sport), (Sport::Cycling, Sport::Running));
        assert_eq!(bike.source.device.as_deref(), Some("Forerunner 945"));
        assert_eq!(bike.series.cadence_spm, None);
        assert_eq!(run.cadence_rule, CadenceRule::StridesDoubled);
        assert_eq!(
            run.series.cadence_spm.as_deref(),
            Some(&[170.0, 172.0, 172.0, 174.0][..])
        );
        assert_eq!(run.series.time_s, vec![0.0, 10.0, 20.0, 60.0]);
        // Track boundary after a 40 s gap (usual interval 10 s) is a pause.
        assert_eq!(
            run.pauses,
            vec![Pause {
                start_s: 20.0,
                end_s: 60.0
            }]
        );
        assert_eq!((run.timer_s, run.distance_m), (Some(20.0), Some(60.0)));
        assert_eq!(run.laps.len(), 1);
        assert_eq!(run.laps[0].elapsed_s, 60.0);
    }

    #[test]
    fn wrong_root_is_rejected() {
        let e = decode(b"<gpx version='1.1'/>", &Limits::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "corrupt tcx: XML root is <gpx>, not <TrainingCenterDatabase>"
        );
    }
}
