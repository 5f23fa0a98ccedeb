//! Lenient reading of exported JSON values: exports write numbers as
//! strings, dates as strings or epoch milliseconds, and leave keys out.
//! Every helper answers `None` for what it cannot read; the caller decides
//! whether that is a warning or simply no data.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

/// A number, or a string holding one (`"48"`, `" 52.5 "`).
pub fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|x| x.is_finite())
}

/// A string, or a number written as its decimal text (ids).
pub fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A calendar day: `"2026-03-02"` (anything after the first ten characters
/// is ignored, so `"2026-03-02T00:00:00.0"` works), `{"date": "…"}`, or epoch ms.
pub fn date(v: Option<&Value>) -> Option<NaiveDate> {
    match v? {
        Value::String(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        Value::Object(o) => date(o.get("date")),
        Value::Number(_) => time(v).map(|t| t.date_naive()),
        _ => None,
    }
}

/// An instant in GMT: `"2026-03-02T21:40:00.0"` (with or without fraction
/// or a trailing `Z`) or epoch milliseconds.
pub fn time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    match v? {
        Value::String(s) => {
            let s = s.trim().trim_end_matches('Z');
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
                .ok()
                .map(|t| t.and_utc())
                .or_else(|| {
                    s.parse::<i64>()
                        .ok()
                        .and_then(DateTime::from_timestamp_millis)
                })
        }
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .and_then(DateTime::from_timestamp_millis),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_dates_and_times_in_their_exported_spellings() {
        assert_eq!(num(Some(&json!("48"))), Some(48.0));
        assert_eq!(num(Some(&json!(52.5))), Some(52.5));
        assert_eq!(num(Some(&json!("n/a"))), None);
        assert_eq!(num(None), None);
        let d = NaiveDate::from_ymd_opt(2026, 3, 2);
        assert_eq!(date(Some(&json!("2026-03-02"))), d);
        assert_eq!(date(Some(&json!({"date": "2026-03-02T00:00:00.0"}))), d);
        assert_eq!(date(Some(&json!("03/02/2026"))), None);
        let t = time(Some(&json!("2026-03-02T21:40:00.0"))).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-02T21:40:00+00:00");
        assert_eq!(time(Some(&json!(t.timestamp_millis()))), Some(t));
        assert_eq!(time(Some(&json!("2026-03-02T21:40:00Z"))), Some(t));
        assert_eq!(
            text(Some(&json!(1234567890123u64))).as_deref(),
            Some("1234567890123")
        );
    }
}
