//! Number, unit and label formatting shared by the Markdown and HTML writers,
//! so both show the same text for the same value.

use crate::findings::{Cause, Severity, Status};

use super::model::Units;

pub use crate::units::{KM_PER_MI, M_PER_FT};

/// Human label of a cause (one wording everywhere: [`Cause::title`]).
pub fn cause_label(c: Cause) -> &'static str {
    c.title()
}

/// The stable snake_case id (matches the JSON).
pub fn cause_id(c: Cause) -> &'static str {
    c.id()
}

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Flagged => "flagged",
        Status::Clear => "clear",
        Status::NotAssessable => "not assessable",
    }
}

/// The serde name (`none`, `low`, `moderate`, `high`), as in the JSON and the roster.
pub fn severity_label(s: Severity) -> &'static str {
    crate::names::serde_name(&s)
}

/// Distance with unit, from km.
pub fn distance(km: f64, units: Units) -> String {
    match units {
        Units::Metric => format!("{km:.2} km"),
        Units::Imperial => format!("{:.2} mi", km / KM_PER_MI),
    }
}

/// Distance in the display unit, as a number (charts).
pub fn distance_value(km: f64, units: Units) -> f64 {
    match units {
        Units::Metric => km,
        Units::Imperial => km / KM_PER_MI,
    }
}

pub fn distance_unit(units: Units) -> &'static str {
    match units {
        Units::Metric => "km",
        Units::Imperial => "mi",
    }
}

/// Pace `m:ss /km` or `/mi` from a speed in m/s.
pub fn pace(speed_mps: f64, units: Units) -> String {
    if !(speed_mps.is_finite() && speed_mps > 0.0) {
        return "–".into();
    }
    let (metres, unit) = match units {
        Units::Metric => (1000.0, "km"),
        Units::Imperial => (KM_PER_MI * 1000.0, "mi"),
    };
    let secs = (metres / speed_mps).round() as i64;
    format!("{}:{:02} /{unit}", secs / 60, secs % 60)
}

/// Speed in the chart unit (km/h or mph) from m/s.
pub fn speed_value(speed_mps: f64, units: Units) -> f64 {
    match units {
        Units::Metric => speed_mps * 3.6,
        Units::Imperial => speed_mps * 3.6 / KM_PER_MI,
    }
}

pub fn speed_unit(units: Units) -> &'static str {
    match units {
        Units::Metric => "km/h",
        Units::Imperial => "mph",
    }
}

pub fn temperature(c: f64, units: Units) -> String {
    match units {
        Units::Metric => format!("{c:.0} °C"),
        Units::Imperial => format!("{:.0} °F", c * 9.0 / 5.0 + 32.0),
    }
}

/// Step length in the display unit, as a number (charts).
pub fn step_length_value(m: f64, units: Units) -> f64 {
    match units {
        Units::Metric => m,
        Units::Imperial => m / M_PER_FT,
    }
}

pub fn step_length_unit(units: Units) -> &'static str {
    match units {
        Units::Metric => "m",
        Units::Imperial => "ft",
    }
}

pub fn step_length(m: f64, units: Units) -> String {
    format!(
        "{:.2} {}",
        step_length_value(m, units),
        step_length_unit(units)
    )
}

/// `h:mm:ss` or `m:ss`.
pub fn duration(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "–".into();
    }
    let s = s.round() as i64;
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// "1,204"
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A plain number: integers without decimals, else up to 2 decimals, trailing zeros cut.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}

pub fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.filter(|v| v.is_finite())
        .map(f)
        .unwrap_or_else(|| "–".into())
}

/// A metric value with its unit converted for display when the metric name
/// says it is a distance, speed or temperature; other metrics keep their unit suffix.
pub fn metric_value(metric: &str, value: f64, units: Units) -> String {
    if metric.ends_with("_km") {
        distance(value, units)
    } else if metric.ends_with("_mps") {
        pace(value, units)
    } else if metric.ends_with("_c") {
        temperature(value, units)
    } else if let Some(unit) = metric_unit(metric) {
        format!("{} {unit}", num(value))
    } else {
        num(value)
    }
}

fn metric_unit(metric: &str) -> Option<&'static str> {
    const SUFFIXES: [(&str, &str); 8] = [
        ("_pct", "%"),
        ("_spm", "spm"),
        ("_bpm", "bpm"),
        ("_s", "s"),
        ("_m", "m"),
        ("_ms", "ms"),
        ("_days", "days"),
        ("_mm", "mm"),
    ];
    SUFFIXES
        .iter()
        .find(|(s, _)| metric.ends_with(s))
        .map(|(_, u)| *u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imperial_conversions() {
        assert_eq!(distance(10.0, Units::Imperial), "6.21 mi");
        assert_eq!(
            format!("{:.2}", distance_value(10.0, Units::Imperial)),
            "6.21"
        );
        // 5:00 /km = 3.333 m/s = 8:03 /mi (1609.344 m / 3.3333 m/s = 482.8 s).
        assert_eq!(pace(1000.0 / 300.0, Units::Metric), "5:00 /km");
        assert_eq!(pace(1000.0 / 300.0, Units::Imperial), "8:03 /mi");
        assert_eq!(temperature(25.0, Units::Imperial), "77 °F");
        assert_eq!(step_length(1.0, Units::Imperial), "3.28 ft");
    }

    #[test]
    fn numbers_and_durations() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(1.50), "1.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(duration(3725.0), "1:02:05");
        assert_eq!(duration(65.0), "1:05");
        assert_eq!(metric_value("ramp_pct", 42.0, Units::Metric), "42 %");
        assert_eq!(
            metric_value("weekly_distance_km", 16.09344, Units::Imperial),
            "10.00 mi"
        );
    }
}
