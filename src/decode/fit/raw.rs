//! fitparser's raw field values (before its profile layer) read as numbers,
//! plus the few FIT profile constants heavylegs needs.
//!
//! Fields are addressed by message and field number from the FIT profile
//! (Profile.xlsx, as generated into fitparser's `profile/decode.rs`), never
//! by name: a developer field may be called `total_distance` too.

use std::collections::HashMap;

use fitparser::Value;

/// Seconds from the Unix epoch to the FIT epoch, 1989-12-31T00:00:00Z.
pub(super) const FIT_EPOCH_UNIX_S: i64 = 631_065_600;

/// FIT `date_time` values below this count seconds since device power-on
/// ("system time"), not wall-clock time.
pub(super) const MIN_WALL_CLOCK: u32 = 0x1000_0000;

/// The timestamp field number, the same in every message.
pub(super) const TIMESTAMP: u8 = 253;

/// Global message numbers.
pub(super) mod mesg {
    pub const FILE_ID: u16 = 0;
    pub const SPORT: u16 = 12;
    pub const SESSION: u16 = 18;
    pub const LAP: u16 = 19;
    pub const RECORD: u16 = 20;
    pub const EVENT: u16 = 21;
    pub const ACTIVITY: u16 = 34;
    pub const FIELD_DESCRIPTION: u16 = 206;
}

/// A numeric field as f64. Arrays yield their first valid element; strings,
/// non-finite floats and invalid markers yield `None`.
pub(super) fn number(v: &Value) -> Option<f64> {
    let x = match v {
        Value::Byte(x) | Value::Enum(x) | Value::UInt8(x) | Value::UInt8z(x) => f64::from(*x),
        Value::SInt8(x) => f64::from(*x),
        Value::SInt16(x) => f64::from(*x),
        Value::UInt16(x) | Value::UInt16z(x) => f64::from(*x),
        Value::SInt32(x) => f64::from(*x),
        Value::UInt32(x) | Value::UInt32z(x) => f64::from(*x),
        Value::SInt64(x) => *x as f64,
        Value::UInt64(x) | Value::UInt64z(x) => *x as f64,
        Value::Float32(x) => f64::from(*x),
        Value::Float64(x) => *x,
        Value::Array(vs) => return vs.iter().find_map(number),
        Value::Timestamp(_) | Value::String(_) | Value::Invalid => return None,
    };
    x.is_finite().then_some(x)
}

/// A non-negative integer field (enums, counts, times).
pub(super) fn unsigned(v: &Value) -> Option<u64> {
    match v {
        Value::Byte(x) | Value::Enum(x) | Value::UInt8(x) | Value::UInt8z(x) => Some(u64::from(*x)),
        Value::UInt16(x) | Value::UInt16z(x) => Some(u64::from(*x)),
        Value::UInt32(x) | Value::UInt32z(x) => Some(u64::from(*x)),
        Value::UInt64(x) | Value::UInt64z(x) => Some(*x),
        Value::SInt8(x) => u64::try_from(*x).ok(),
        Value::SInt16(x) => u64::try_from(*x).ok(),
        Value::SInt32(x) => u64::try_from(*x).ok(),
        Value::SInt64(x) => u64::try_from(*x).ok(),
        Value::Array(vs) => vs.iter().find_map(unsigned),
        _ => None,
    }
}

/// A FIT `date_time` (uint32 seconds since the FIT epoch). A wider base type
/// holding a larger value is damage, not a date (fitparser's chrono panic).
pub(super) fn date_time(v: &Value) -> Option<u32> {
    unsigned(v).and_then(|x| u32::try_from(x).ok())
}

/// A string field, trimmed; empty strings are `None`.
pub(super) fn text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// Field `num` as `raw / scale - offset`, the FIT profile's scaling rule.
pub(super) fn scaled(fields: &HashMap<u8, Value>, num: u8, scale: f64, offset: f64) -> Option<f64> {
    fields
        .get(&num)
        .and_then(number)
        .map(|x| x / scale - offset)
}

/// Field `num` as an unsigned integer.
pub(super) fn field_u64(fields: &HashMap<u8, Value>, num: u8) -> Option<u64> {
    fields.get(&num).and_then(unsigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_raw_values() {
        assert_eq!(number(&Value::UInt16(1234)), Some(1234.0));
        assert_eq!(number(&Value::SInt8(-5)), Some(-5.0));
        assert_eq!(number(&Value::Float32(f32::NAN)), None);
        assert_eq!(
            number(&Value::Array(vec![Value::Invalid, Value::UInt8(7)])),
            Some(7.0)
        );
        assert_eq!(number(&Value::String("x".into())), None);
    }

    #[test]
    fn date_time_rejects_values_wider_than_u32() {
        assert_eq!(date_time(&Value::UInt32(866_126_124)), Some(866_126_124));
        assert_eq!(date_time(&Value::SInt64(0x7FFF_FFFF_FFFF_FFF0)), None);
        assert_eq!(date_time(&Value::SInt32(-1)), None);
    }

    #[test]
    fn fit_epoch() {
        // 2017-06-11T14:35:24Z (unix 1497191724) is FIT time 866126124.
        assert_eq!(FIT_EPOCH_UNIX_S + 866_126_124, 1_497_191_724);
    }
}
