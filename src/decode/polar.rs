//! Polar Flow account export (`polar-user-data-export*.zip`): one
//! `training-session-*.json` per session, each exercise an activity.
//!
//! Field names, as public parsers of this export read them
//! (AlexanderFabisch/slither `slither/io/polar_json_loader.py`; the notebooks
//! listed in `docs/inputs.md`): top level `startTime`, `stopTime`,
//! `timezoneOffset` (minutes), `duration` (ISO 8601 `PT3601.5S`), `distance`
//! (m), `exercises[]` with the same fields plus `sport` (`RUNNING`,
//! `TREADMILL_RUNNING`, `CYCLING`, …) and `samples` {`heartRate`, `speed`,
//! `cadence`, `distance`, `altitude`: `[{dateTime, value}]`,
//! `recordedRoute`: `[{dateTime, latitude, longitude, altitude}]`}. Times are
//! local without an offset (`2026-04-07T07:30:00.000`); `timezoneOffset`
//! gives UTC. Speed samples are km/h (Polar's unit everywhere, AccessLink
//! sample type 1 "speed km/h"); cadence goes through the shared
//! strides-or-steps rule.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

use super::DecodeError;
use crate::activity::{Activity, CadenceRule, Format, Series, Source, Sport};
use crate::limits::Limits;

const FORMAT: &str = "Polar Flow JSON";

/// Every exercise of one training session.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| DecodeError::Corrupt {
        format: FORMAT,
        detail: format!("not JSON: {e}"),
    })?;
    let exercises = doc
        .get("exercises")
        .and_then(Value::as_array)
        .ok_or_else(|| DecodeError::NotAnActivity("no `exercises` array".into()))?;
    if exercises.is_empty() {
        return Err(DecodeError::NotAnActivity(
            "training session without exercises".into(),
        ));
    }
    let device = doc
        .get("deviceId")
        .or_else(|| doc.get("product"))
        .and_then(Value::as_str)
        .map(|d| format!("Polar {d}"));
    exercises
        .iter()
        .enumerate()
        .map(|(i, ex)| exercise(ex, &doc, i, device.clone(), limits))
        .collect()
}

/// A time as Polar writes it: local without offset (shifted by
/// `offset_min`), or with `Z`/an offset (taken as written).
fn parse_time(s: &str, offset_min: i64) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(local.and_utc() - chrono::Duration::minutes(offset_min))
}

/// ISO 8601 durations as Polar writes them: `PT3601.5S`, `PT1H2M3S`.
pub(crate) fn parse_duration(s: &str) -> Option<f64> {
    let rest = s.trim().strip_prefix("PT")?;
    let (mut total, mut num) = (0.0, String::new());
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' => num.push(c),
            'H' | 'M' | 'S' => {
                let v: f64 = num.parse().ok()?;
                num.clear();
                total += v * match c {
                    'H' => 3600.0,
                    'M' => 60.0,
                    _ => 1.0,
                };
            }
            _ => return None,
        }
    }
    num.is_empty().then_some(total)
}

fn sport(label: &str) -> (Sport, Option<String>) {
    let l = label.to_ascii_uppercase();
    if l.contains("RUNNING") {
        let sub = (l != "RUNNING").then(|| {
            l.trim_end_matches("_RUNNING")
                .to_ascii_lowercase()
                .replace('_', " ")
        });
        return (Sport::Running, sub);
    }
    (Sport::from_label(&l.replace('_', " ")), None)
}

fn field<'a>(ex: &'a Value, doc: &'a Value, key: &str) -> Option<&'a Value> {
    ex.get(key).or_else(|| doc.get(key))
}

fn exercise(
    ex: &Value,
    doc: &Value,
    index: usize,
    device: Option<String>,
    limits: &Limits,
) -> Result<Activity, DecodeError> {
    let which = || format!("exercise {}", index + 1);
    let offset_min = field(ex, doc, "timezoneOffset")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let start = field(ex, doc, "startTime")
        .and_then(Value::as_str)
        .and_then(|s| parse_time(s, offset_min))
        .ok_or_else(|| DecodeError::Corrupt {
            format: FORMAT,
            detail: format!("{}: no readable startTime", which()),
        })?;
    let stop = field(ex, doc, "stopTime")
        .and_then(Value::as_str)
        .and_then(|s| parse_time(s, offset_min));
    let duration_s = field(ex, doc, "duration")
        .and_then(Value::as_str)
        .and_then(parse_duration);
    let elapsed_s = match (stop, duration_s) {
        (Some(stop), _) if stop > start => (stop - start).num_milliseconds() as f64 / 1000.0,
        (_, Some(d)) if d > 0.0 => d,
        _ => {
            return Err(DecodeError::Corrupt {
                format: FORMAT,
                detail: format!("{}: stopTime is not after startTime", which()),
            });
        }
    };
    let (sport, sub_sport) = sport(ex.get("sport").and_then(Value::as_str).unwrap_or(""));
    let mut warnings = Vec::new();
    let series = samples(ex, start, offset_min, limits, &mut warnings)?;
    let mut series = series;
    let cadence_rule = match series.cadence_spm.as_mut() {
        Some(c) => crate::activity::normalize_xml_cadence(c),
        None => CadenceRule::None,
    };
    series.prune_empty_channels();
    let distance_m = field(ex, doc, "distance")
        .and_then(Value::as_f64)
        .filter(|d| *d > 0.0)
        .or_else(|| {
            series
                .distance_m
                .as_ref()
                .and_then(|d| d.iter().rev().find(|x| x.is_finite()).copied())
        });
    Ok(Activity {
        source: Source {
            path: String::new(),
            sha256: String::new(),
            format: Format::PolarFlow,
            device,
        },
        sport,
        sub_sport,
        start,
        utc_offset_s: i32::try_from(offset_min * 60).ok(),
        elapsed_s,
        timer_s: duration_s,
        distance_m,
        device_avg_cadence_spm: None,
        cadence_rule,
        self_rating: None,
        laps: Vec::new(),
        pauses: Vec::new(),
        series,
        warnings,
    })
}

/// The sample lists joined on their timestamps (Polar records every second).
fn samples(
    ex: &Value,
    start: DateTime<Utc>,
    offset_min: i64,
    limits: &Limits,
    warnings: &mut Vec<String>,
) -> Result<Series, DecodeError> {
    let Some(s) = ex.get("samples") else {
        return Ok(Series::default());
    };
    let route = s
        .get("recordedRoute")
        .or_else(|| ex.get("route"))
        .and_then(Value::as_array);
    let list = |k: &str| s.get(k).and_then(Value::as_array);
    let mut bad = 0usize;
    let mut timed = |v: &Value| -> Option<f64> {
        let t = v
            .get("dateTime")
            .and_then(Value::as_str)
            .and_then(|t| parse_time(t, offset_min));
        if t.is_none() {
            bad += 1;
        }
        Some((t? - start).num_milliseconds() as f64 / 1000.0)
    };
    // (time, column, value); columns: hr, speed, cadence, distance, altitude, lat, lon
    let mut cells: Vec<(f64, usize, f64)> = Vec::new();
    for (col, key, scale) in [
        (0, "heartRate", 1.0),
        (1, "speed", 1.0 / 3.6),
        (2, "cadence", 1.0),
        (3, "distance", 1.0),
        (4, "altitude", 1.0),
    ] {
        for v in list(key).into_iter().flatten() {
            let (Some(t), Some(x)) = (timed(v), v.get("value").and_then(Value::as_f64)) else {
                continue;
            };
            cells.push((t, col, x * scale));
        }
    }
    for p in route.into_iter().flatten() {
        let Some(t) = timed(p) else { continue };
        let lat = p.get("latitude").and_then(Value::as_f64);
        let lon = p.get("longitude").and_then(Value::as_f64);
        if let (Some(lat), Some(lon)) = (lat, lon)
            && crate::decode::xml::valid_position(lat, lon)
        {
            cells.push((t, 5, lat));
            cells.push((t, 6, lon));
        }
        if let Some(a) = p.get("altitude").and_then(Value::as_f64) {
            cells.push((t, 4, a));
        }
    }
    if bad > 0 {
        warnings.push(format!("{bad} samples without a readable dateTime dropped"));
    }
    cells.retain(|c| c.0.is_finite() && c.2.is_finite());
    cells.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut time_s: Vec<f64> = cells.iter().map(|c| c.0).collect();
    time_s.dedup();
    if time_s.len() as u64 > limits.max_records {
        return Err(DecodeError::Limit(format!(
            "more than {} samples (max_records)",
            limits.max_records
        )));
    }
    let n = time_s.len();
    let mut cols: Vec<Option<Vec<f64>>> = vec![None; 7];
    let mut row = 0;
    for (t, col, v) in cells {
        while time_s[row] < t {
            row += 1;
        }
        cols[col].get_or_insert_with(|| vec![f64::NAN; n])[row] = v;
    }
    let mut it = cols.into_iter();
    let mut next = || it.next().flatten();
    Ok(Series {
        time_s,
        heart_rate_bpm: next(),
        speed_mps: next(),
        cadence_spm: next(),
        distance_m: next(),
        altitude_m: next(),
        lat_deg: next(),
        lon_deg: next(),
        ..Series::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sports() {
        assert_eq!(parse_duration("PT3601.5S"), Some(3601.5));
        assert_eq!(parse_duration("PT1H2M3S"), Some(3723.0));
        assert_eq!(parse_duration("P1D"), None);
        assert_eq!(sport("RUNNING"), (Sport::Running, None));
        assert_eq!(
            sport("TREADMILL_RUNNING"),
            (Sport::Running, Some("treadmill".into()))
        );
        assert_eq!(sport("CYCLING").0, Sport::Cycling);
    }

    #[test]
    fn local_times_shift_by_the_offset() {
        let t = parse_time("2026-04-07T07:30:00.000", 120).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-04-07T05:30:00+00:00");
    }
}
