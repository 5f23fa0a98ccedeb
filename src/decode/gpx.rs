//! GPX 1.0/1.1 tracks → one [`Activity`] per file.
//!
//! Why not the `gpx` crate: it drops every `<extensions>` (so no heart rate or
//! cadence), rejects real files gpxpy reads, and is about 13× slower
//! (research/deps-eval.md §3). This reader keeps what a run analysis needs:
//! position, elevation, time and the hr/cadence/power/temperature extensions,
//! matched by local name so Garmin `gpxtpx:`/`ns3:`, Movescount `gpxdata:` and
//! unprefixed writers all work.
//!
//! Rules (each one visible in the activity's warnings when it fires):
//! - all `<trk>`/`<trkseg>` points form one activity in time order; the gap
//!   between two segments is a [`Pause`] and adds no distance;
//! - points without `<time>` are dropped, but their positions still count
//!   toward distance (the runner did cover that ground); so are points whose
//!   time goes backwards (segments themselves are ordered by start time);
//! - distance is gpxpy's `length_2d` (see [`xml::distance_2d_m`]), cumulative
//!   per point; speed is its centred difference;
//! - cadence goes through [`normalize_xml_cadence`] for foot sports; a cycling
//!   track's rpm is not steps and is dropped;
//! - sport comes from the first `<trk><type>`, else is inferred from the
//!   median moving speed.

use chrono::{DateTime, Utc};

use super::DecodeError;
use super::xml::{self, XmlEvent, XmlReader};
use crate::activity::{
    Activity, CadenceRule, Format, Pause, Series, Source, Sport, normalize_xml_cadence,
};
use crate::limits::Limits;

const FORMAT: &str = "gpx";

/// Slower than this (m/s) between two points counts as standing still for sport inference.
const MOVING_MIN_MPS: f64 = 0.5;

#[derive(Debug, Clone)]
struct RawPoint {
    seg: u32,
    lat: f64,
    lon: f64,
    ele: f64,
    time: Option<DateTime<Utc>>,
    offset_s: Option<i32>,
    hr: f64,
    cad: f64,
    power: f64,
    temp: f64,
    /// 2-D distance from the previous kept point of the same segment.
    leg: f64,
}

impl RawPoint {
    fn new(seg: u32, lat: f64, lon: f64) -> Self {
        RawPoint {
            seg,
            lat,
            lon,
            ele: f64::NAN,
            time: None,
            offset_s: None,
            hr: f64::NAN,
            cad: f64::NAN,
            power: f64::NAN,
            temp: f64::NAN,
            leg: 0.0,
        }
    }
}

/// What one pass over the document collects.
#[derive(Default)]
struct Parsed {
    creator: Option<String>,
    track_type: Option<String>,
    points: Vec<RawPoint>,
    route_points: usize,
    bad_times: usize,
    warnings: Vec<String>,
}

/// Decodes a GPX document into one activity (all tracks merged in time order).
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    let (text, encoding_note) = xml::document_text(bytes, FORMAT)?;
    let mut parsed = parse(&text, limits)?;
    parsed.warnings.extend(encoding_note);
    build(parsed).map(|a| vec![a])
}

fn parse(text: &str, limits: &Limits) -> Result<Parsed, DecodeError> {
    let mut r = XmlReader::new(text, FORMAT, "gpx", limits);
    let mut out = Parsed::default();
    let mut seg: u32 = 0;
    // The open <trkpt> and its depth.
    let mut cur: Option<(usize, RawPoint)> = None;
    loop {
        match r.next()? {
            XmlEvent::Open(start) => {
                let qname = start.name();
                let name = qname.local_name().into_inner();
                match name {
                    "gpx" if r.depth() == 1 => {
                        out.creator = xml::attr(&start, "creator")
                            .map(|c| c.trim().to_string())
                            .filter(|c| !c.is_empty());
                    }
                    "trkseg" | "trk" => seg += 1,
                    "trkpt" => {
                        if out.points.len() as u64 >= limits.max_records {
                            return Err(DecodeError::Limit(format!(
                                "more than {} track points (max_records)",
                                limits.max_records
                            )));
                        }
                        let coord = |k: &str| xml::attr(&start, k).and_then(|v| xml::parse_f64(&v));
                        let lat = coord("lat").unwrap_or(f64::NAN);
                        let lon = coord("lon").unwrap_or(f64::NAN);
                        cur = Some((r.depth(), RawPoint::new(seg, lat, lon)));
                    }
                    "rtept" => out.route_points += 1,
                    _ => {}
                }
            }
            XmlEvent::Close => {
                let name = r.closed();
                let depth = r.depth();
                let closes_point = cur.as_ref().is_some_and(|(d, _)| depth + 1 == *d);
                if closes_point {
                    if let Some((_, p)) = cur.take() {
                        out.points.push(p);
                    }
                } else if let Some((pdepth, p)) = cur.as_mut() {
                    let direct = depth == *pdepth;
                    if direct && name == "ele" {
                        p.ele = xml::parse_f64(r.text()).unwrap_or(f64::NAN);
                    } else if direct && name == "time" {
                        match xml::parse_time(r.text()) {
                            Some((t, off)) => (p.time, p.offset_s) = (Some(t), off),
                            None if !r.text().is_empty() => out.bad_times += 1,
                            None => {}
                        }
                    } else if let Some(slot) = extension_slot(p, name) {
                        *slot = xml::parse_f64(r.text()).unwrap_or(f64::NAN);
                    }
                } else if name == "type" && r.open(0) == Some("trk") && out.track_type.is_none() {
                    out.track_type = Some(r.text().to_string()).filter(|t| !t.is_empty());
                }
            }
            XmlEvent::End => break,
        }
    }
    out.warnings.append(&mut r.warnings);
    Ok(out)
}

/// The channel an extension element feeds, by local name under any prefix.
fn extension_slot<'p>(p: &'p mut RawPoint, name: &str) -> Option<&'p mut f64> {
    let is = |a: &str| name.eq_ignore_ascii_case(a);
    if is("hr") || is("heartrate") {
        Some(&mut p.hr)
    } else if is("cad") || is("cadence") {
        Some(&mut p.cad)
    } else if is("power") || is("watts") {
        Some(&mut p.power)
    } else if is("atemp") || is("temp") {
        Some(&mut p.temp)
    } else {
        None
    }
}

/// Sets each point's leg: the distance from the previous positioned point of
/// its segment, in file order (segment gaps add nothing).
fn measure_legs(points: &mut [RawPoint]) {
    let mut last: Option<(u32, f64, f64)> = None;
    for p in points.iter_mut() {
        p.leg = 0.0;
        if xml::valid_position(p.lat, p.lon) {
            if let Some((seg, lat, lon)) = last
                && seg == p.seg
            {
                p.leg = xml::distance_2d_m(lat, lon, p.lat, p.lon);
            }
            last = Some((p.seg, p.lat, p.lon));
        }
    }
}

/// Keeps the points `keep` accepts and returns how many were dropped. A
/// dropped point's leg is carried to the next kept point of its segment, so
/// the path through untimed or out-of-order points still counts; the first
/// kept point of a segment starts at leg 0.
fn retain_carrying_legs(
    points: &mut Vec<RawPoint>,
    mut keep: impl FnMut(&RawPoint) -> bool,
) -> usize {
    let before = points.len();
    let mut out = Vec::with_capacity(before);
    let mut carry = 0.0;
    let mut last_kept_seg: Option<u32> = None;
    for mut p in points.drain(..) {
        if keep(&p) {
            p.leg = if last_kept_seg == Some(p.seg) {
                p.leg + carry
            } else {
                0.0
            };
            carry = 0.0;
            last_kept_seg = Some(p.seg);
            out.push(p);
        } else if last_kept_seg == Some(p.seg) {
            carry += p.leg;
        }
    }
    *points = out;
    before - points.len()
}

/// Puts the timed points in time order without inventing a path: whole
/// segments are ordered by their first time (file order inside each), then
/// points whose time goes backwards are dropped. Returns warnings.
fn order_by_time(points: &mut Vec<RawPoint>) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut seg_start = std::collections::HashMap::new();
    for p in points.iter() {
        seg_start.entry(p.seg).or_insert(p.time);
    }
    let key = |p: &RawPoint| (seg_start.get(&p.seg).copied().flatten(), p.seg);
    if points.windows(2).any(|w| key(&w[1]) < key(&w[0])) {
        points.sort_by_key(key);
        warnings.push("track segments out of time order: reordered by start time".into());
    }
    let mut latest = None;
    let dropped = retain_carrying_legs(points, |p| {
        let ok = p.time >= latest;
        if ok {
            latest = p.time;
        }
        ok
    });
    if dropped > 0 {
        warnings.push(format!("{dropped} points going back in time dropped"));
    }
    warnings
}

fn build(mut parsed: Parsed) -> Result<Activity, DecodeError> {
    let mut warnings = std::mem::take(&mut parsed.warnings);
    let mut points = std::mem::take(&mut parsed.points);
    if points.is_empty() {
        return Err(DecodeError::NoData(if parsed.route_points > 0 {
            "route without timestamps".into()
        } else {
            "no track points".into()
        }));
    }
    measure_legs(&mut points);
    let total_points = points.len();
    let dropped = retain_carrying_legs(&mut points, |p| p.time.is_some());
    if points.is_empty() {
        return Err(DecodeError::NoData(if parsed.route_points > 0 {
            "route without timestamps".into()
        } else {
            "track points without timestamps".into()
        }));
    }
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} of {total_points} points without <time> dropped"
        ));
    }
    if parsed.bad_times > 0 {
        warnings.push(format!("{} unparsable <time> values", parsed.bad_times));
    }
    warnings.extend(order_by_time(&mut points));

    let start = points[0].time.unwrap_or_default();
    let time_s: Vec<f64> = points
        .iter()
        .map(|p| xml::seconds_between(start, p.time.unwrap_or(start)))
        .collect();
    let seg: Vec<u32> = points.iter().map(|p| p.seg).collect();
    let distance_m: Vec<f64> = points
        .iter()
        .scan(0.0, |total, p| {
            *total += p.leg;
            Some(*total)
        })
        .collect();
    let has_position = points.iter().any(|p| xml::valid_position(p.lat, p.lon));
    let speed_mps = has_position.then(|| xml::speed_from_distance(&time_s, &distance_m, &seg));

    let pauses: Vec<Pause> = (1..points.len())
        .filter(|&i| seg[i] != seg[i - 1] && time_s[i] > time_s[i - 1])
        .map(|i| Pause {
            start_s: time_s[i - 1],
            end_s: time_s[i],
        })
        .collect();

    let sport = match parsed.track_type.as_deref().map(Sport::from_label) {
        Some(s) if s != Sport::Unknown => s,
        _ => infer_sport(&time_s, &distance_m, &seg, &mut warnings),
    };

    let column = |f: fn(&RawPoint) -> f64| Some(points.iter().map(f).collect::<Vec<f64>>());
    let mut cadence = column(|p| p.cad);
    if matches!(sport, Sport::Cycling | Sport::Swimming) {
        if points.iter().any(|p| p.cad.is_finite()) {
            warnings.push(format!(
                "{} cadence is not steps/min: dropped",
                sport.as_str()
            ));
        }
        cadence = None;
    }
    let cadence_rule = cadence
        .as_mut()
        .map_or(CadenceRule::None, |c| normalize_xml_cadence(c));

    let (lat_deg, lon_deg) = xml::position_columns(points.iter().map(|p| (p.lat, p.lon)));
    let mut series = Series {
        time_s,
        distance_m: has_position.then_some(distance_m),
        speed_mps,
        cadence_spm: cadence,
        heart_rate_bpm: column(|p| p.hr),
        altitude_m: column(|p| p.ele),
        lat_deg: Some(lat_deg),
        lon_deg: Some(lon_deg),
        power_w: column(|p| p.power),
        temperature_c: column(|p| p.temp),
        ..Series::default()
    };
    series.prune_empty_channels();
    let elapsed_s = series.time_s.last().copied().unwrap_or(0.0);
    let distance = series.distance_m.as_ref().and_then(|d| d.last().copied());
    let utc_offset_s = points[0].offset_s.filter(|&o| o != 0);

    Ok(Activity {
        source: Source {
            path: String::new(),
            sha256: String::new(),
            format: Format::Gpx,
            device: parsed.creator,
        },
        sport,
        sub_sport: None,
        start,
        utc_offset_s,
        elapsed_s,
        timer_s: None,
        distance_m: distance,
        device_avg_cadence_spm: None,
        cadence_rule,
        self_rating: None,
        laps: Vec::new(),
        pauses,
        series,
        warnings,
    })
}

/// Guesses the sport of an unlabeled track from its median moving speed.
fn infer_sport(time_s: &[f64], dist_m: &[f64], seg: &[u32], warnings: &mut Vec<String>) -> Sport {
    let steps = (1..time_s.len()).filter_map(|i| {
        let dt = time_s[i] - time_s[i - 1];
        (seg[i] == seg[i - 1] && dt > 0.0).then(|| (dist_m[i] - dist_m[i - 1]) / dt)
    });
    let Some(v) = xml::median(steps.filter(|&v| v >= MOVING_MIN_MPS)) else {
        return Sport::Unknown;
    };
    let sport = if v < 1.6 {
        Sport::Walking
    } else if v <= 6.5 {
        Sport::Running
    } else if v > 7.0 {
        Sport::Cycling
    } else {
        return Sport::Unknown;
    };
    warnings.push(format!(
        "sport inferred from speed: {} (median moving speed {v:.2} m/s)",
        sport.as_str()
    ));
    sport
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_SEGMENTS: &str = r#"<?xml version="1.0"?>
<gpx creator="hand" xmlns:x="urn:x"><trk><type>running</type>
 <trkseg>
  <trkpt lat="46.0" lon="14.0"><time>2020-01-01T10:00:00Z</time><extensions><x:hr>120</x:hr><x:cad>85</x:cad></extensions></trkpt>
  <trkpt lat="46.001" lon="14.0"/>
  <trkpt lat="46.002" lon="14.0"><time>2020-01-01T10:00:30Z</time><extensions><x:hr>130</x:hr><x:cad>87</x:cad></extensions></trkpt>
 </trkseg>
 <trkseg>
  <trkpt lat="46.003" lon="14.0"><time>2020-01-01T10:02:00+0000</time></trkpt>
  <trkpt lat="46.004" lon="14.0"><time>2020-01-01T10:02:30.5Z</time></trkpt>
 </trkseg></trk></gpx>"#;

    #[test]
    fn segments_pause_and_untimed_points() {
        let a = &decode(TWO_SEGMENTS.as_bytes(), &Limits::default()).unwrap()[0];
        assert_eq!(a.sport, Sport::Running);
        assert_eq!(a.source.device.as_deref(), Some("hand"));
        assert_eq!(a.series.time_s, vec![0.0, 30.0, 120.0, 150.5]);
        assert_eq!(
            a.pauses,
            vec![Pause {
                start_s: 30.0,
                end_s: 120.0
            }]
        );
        // 0.001° lat = 111.319 m; the path through the untimed point counts
        // (2 legs), the gap between segments does not.
        let d = a.series.distance_m.as_ref().unwrap();
        for (got, legs) in d.iter().zip([0.0, 2.0, 2.0, 3.0]) {
            assert!((got - legs * 111.319_490_793).abs() < 1e-6, "{d:?}");
        }
        assert_eq!(a.cadence_rule, CadenceRule::StridesDoubled);
        assert_eq!(a.series.cadence_spm.as_ref().unwrap()[1], 174.0);
        assert!(
            a.warnings
                .iter()
                .any(|w| w.contains("1 of 5 points without <time>"))
        );
    }

    #[test]
    fn route_only_is_no_data() {
        let gpx = r#"<gpx><rte><rtept lat="1" lon="2"/></rte></gpx>"#;
        let e = decode(gpx.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e, DecodeError::NoData("route without timestamps".into()));
    }
}
