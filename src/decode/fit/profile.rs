//! The slice of the FIT profile heavylegs reads: message numbers, field
//! numbers, scales, offsets and units, in one table.
//!
//! Values are from the Garmin FIT SDK's Profile.xlsx (21.x, as generated into
//! fitparser's `profile/decode.rs`); a unit test decodes a raw value of every
//! entry through fitparser's profile layer and checks name, units, scale and
//! offset, so a typo here fails a test rather than a run. Fields are addressed
//! by number, never by name: a developer field may be called `distance` too.

/// Seconds from the Unix epoch to the FIT epoch, 1989-12-31T00:00:00Z.
pub(super) const FIT_EPOCH_UNIX_S: i64 = 631_065_600;

/// FIT `date_time` values below this count seconds since device power-on
/// ("system time"), not wall-clock time.
pub(super) const MIN_WALL_CLOCK: u32 = 0x1000_0000;

/// The timestamp field number, the same in every message.
pub(super) const TIMESTAMP: u8 = 253;

/// Global message numbers.
pub mod mesg {
    pub const FILE_ID: u16 = 0;
    pub const SPORT: u16 = 12;
    pub const SESSION: u16 = 18;
    pub const LAP: u16 = 19;
    pub const RECORD: u16 = 20;
    pub const EVENT: u16 = 21;
    pub const DEVICE_INFO: u16 = 23;
    pub const ACTIVITY: u16 = 34;
    pub const FIELD_DESCRIPTION: u16 = 206;
}

/// One profile field: stored value = (physical + offset) × scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Field {
    pub mesg: u16,
    pub num: u8,
    /// The profile's field name (checked against fitparser's profile in tests).
    pub name: &'static str,
    pub scale: f64,
    pub offset: f64,
    pub units: &'static str,
}

const fn field(
    mesg: u16,
    num: u8,
    name: &'static str,
    scale: f64,
    offset: f64,
    units: &'static str,
) -> Field {
    Field {
        mesg,
        num,
        name,
        scale,
        offset,
        units,
    }
}

use mesg::{ACTIVITY, EVENT, FILE_ID, RECORD, SPORT};

pub(super) mod record {
    use super::*;
    pub const LAT: Field = field(RECORD, 0, "position_lat", 1.0, 0.0, "semicircles");
    pub const LON: Field = field(RECORD, 1, "position_long", 1.0, 0.0, "semicircles");
    pub const ALTITUDE: Field = field(RECORD, 2, "altitude", 5.0, 500.0, "m");
    pub const HEART_RATE: Field = field(RECORD, 3, "heart_rate", 1.0, 0.0, "bpm");
    pub const CADENCE: Field = field(RECORD, 4, "cadence", 1.0, 0.0, "rpm");
    pub const DISTANCE: Field = field(RECORD, 5, "distance", 100.0, 0.0, "m");
    pub const SPEED: Field = field(RECORD, 6, "speed", 1000.0, 0.0, "m/s");
    pub const POWER: Field = field(RECORD, 7, "power", 1.0, 0.0, "watts");
    /// 12-bit speed (1/100 m/s) and 12-bit rolling distance (1/16 m), 3 bytes.
    pub const COMPRESSED_SPEED_DISTANCE: Field =
        field(RECORD, 8, "compressed_speed_distance", 1.0, 0.0, "");
    pub const TEMPERATURE: Field = field(RECORD, 13, "temperature", 1.0, 0.0, "C");
    pub const VERTICAL_OSCILLATION: Field =
        field(RECORD, 39, "vertical_oscillation", 10.0, 0.0, "mm");
    pub const STANCE_TIME: Field = field(RECORD, 41, "stance_time", 10.0, 0.0, "ms");
    pub const FRACTIONAL_CADENCE: Field =
        field(RECORD, 53, "fractional_cadence", 128.0, 0.0, "rpm");
    pub const ENHANCED_SPEED: Field = field(RECORD, 73, "enhanced_speed", 1000.0, 0.0, "m/s");
    pub const ENHANCED_ALTITUDE: Field = field(RECORD, 78, "enhanced_altitude", 5.0, 500.0, "m");
    pub const VERTICAL_RATIO: Field = field(RECORD, 83, "vertical_ratio", 100.0, 0.0, "percent");
    pub const STANCE_TIME_BALANCE: Field =
        field(RECORD, 84, "stance_time_balance", 100.0, 0.0, "percent");
    pub const STEP_LENGTH: Field = field(RECORD, 85, "step_length", 10.0, 0.0, "mm");
}

/// Fields shared by session and lap messages (same numbers in both).
pub(super) mod totals {
    use super::*;
    pub const fn start_time(mesg: u16) -> Field {
        field(mesg, 2, "start_time", 1.0, 0.0, "")
    }
    pub const fn elapsed(mesg: u16) -> Field {
        field(mesg, 7, "total_elapsed_time", 1000.0, 0.0, "s")
    }
    pub const fn timer(mesg: u16) -> Field {
        field(mesg, 8, "total_timer_time", 1000.0, 0.0, "s")
    }
    pub const fn distance(mesg: u16) -> Field {
        field(mesg, 9, "total_distance", 100.0, 0.0, "m")
    }
}

pub(super) mod session {
    use super::*;
    pub const SPORT: Field = field(mesg::SESSION, 5, "sport", 1.0, 0.0, "");
    pub const SUB_SPORT: Field = field(mesg::SESSION, 6, "sub_sport", 1.0, 0.0, "");
    pub const AVG_CADENCE: Field = field(mesg::SESSION, 18, "avg_cadence", 1.0, 0.0, "rpm");
    pub const AVG_FRACTIONAL_CADENCE: Field = field(
        mesg::SESSION,
        92,
        "avg_fractional_cadence",
        128.0,
        0.0,
        "rpm",
    );
    /// How the run felt, asked by the watch after the run: 0 (very weak) – 100 (very strong).
    pub const WORKOUT_FEEL: Field = field(mesg::SESSION, 192, "workout_feel", 1.0, 0.0, "");
    /// Rate of perceived exertion, stored × 10 (10 – 100).
    pub const WORKOUT_RPE: Field = field(mesg::SESSION, 193, "workout_rpe", 10.0, 0.0, "");
}

pub(super) mod event {
    use super::*;
    pub const EVENT: Field = field(super::EVENT, 0, "event", 1.0, 0.0, "");
    pub const EVENT_TYPE: Field = field(super::EVENT, 1, "event_type", 1.0, 0.0, "");
    /// `event` value of timer events.
    pub const TIMER: u64 = 0;
    /// `event_type` values: start, and the four kinds of stop.
    pub const START: u64 = 0;
    pub const STOPS: [u64; 4] = [1, 4, 8, 9];
}

pub(super) mod activity {
    use super::*;
    pub const LOCAL_TIMESTAMP: Field = field(ACTIVITY, 5, "local_timestamp", 1.0, 0.0, "");
}

pub(super) mod file_id {
    use super::*;
    pub const TYPE: Field = field(FILE_ID, 0, "type", 1.0, 0.0, "");
    pub const MANUFACTURER: Field = field(FILE_ID, 1, "manufacturer", 1.0, 0.0, "");
    pub const PRODUCT: Field = field(FILE_ID, 2, "product", 1.0, 0.0, "");
    pub const PRODUCT_NAME: Field = field(FILE_ID, 8, "product_name", 1.0, 0.0, "");
    /// `file_id.type` of activity files.
    pub const ACTIVITY_FILE: u64 = 4;
}

/// Field numbers of `field_description` (message 206), the developer-field
/// schema; read raw, so no scales.
pub(super) mod field_description {
    pub const DEVELOPER_DATA_INDEX: u8 = 0;
    pub const FIELD_DEFINITION_NUMBER: u8 = 1;
    pub const FIT_BASE_TYPE_ID: u8 = 2;
    pub const FIELD_NAME: u8 = 3;
    pub const SCALE: u8 = 6;
    pub const OFFSET: u8 = 7;
    pub const UNITS: u8 = 8;
    pub const FIT_BASE_UNIT_ID: u8 = 13;
    pub const NATIVE_MESG_NUM: u8 = 14;
    pub const NATIVE_FIELD_NUM: u8 = 15;
}

pub(super) mod sport {
    use super::*;
    pub const SPORT: Field = field(super::SPORT, 0, "sport", 1.0, 0.0, "");
    pub const SUB_SPORT: Field = field(super::SPORT, 1, "sub_sport", 1.0, 0.0, "");
}

/// Every entry above, for the profile cross-check.
#[cfg(test)]
pub(super) fn all() -> Vec<Field> {
    use record::*;
    let mut v = vec![
        LAT,
        LON,
        ALTITUDE,
        HEART_RATE,
        CADENCE,
        DISTANCE,
        SPEED,
        POWER,
        COMPRESSED_SPEED_DISTANCE,
        TEMPERATURE,
        VERTICAL_OSCILLATION,
        STANCE_TIME,
        FRACTIONAL_CADENCE,
        ENHANCED_SPEED,
        ENHANCED_ALTITUDE,
        VERTICAL_RATIO,
        STANCE_TIME_BALANCE,
        STEP_LENGTH,
        session::SPORT,
        session::SUB_SPORT,
        session::AVG_CADENCE,
        session::AVG_FRACTIONAL_CADENCE,
        event::EVENT,
        event::EVENT_TYPE,
        activity::LOCAL_TIMESTAMP,
        file_id::TYPE,
        file_id::MANUFACTURER,
        file_id::PRODUCT,
        file_id::PRODUCT_NAME,
        sport::SPORT,
        sport::SUB_SPORT,
    ];
    for m in [mesg::SESSION, mesg::LAP] {
        v.extend([
            totals::start_time(m),
            totals::elapsed(m),
            totals::timer(m),
            totals::distance(m),
        ]);
    }
    v
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use fitparser::Value;
    use fitparser::profile::MesgNum;

    use super::*;

    /// Decodes raw value 40000 of `f` through fitparser's generated profile.
    /// A field with components (altitude, speed) comes back as the field it
    /// expands into (`enhanced_…`), which has the same scale and offset.
    fn through_profile(f: &Field) -> (String, String, Value) {
        let mut raw = HashMap::from([(f.num, Value::UInt32(40_000))]);
        let fields = MesgNum::from(f.mesg)
            .decode_message(&mut raw, &mut HashMap::new(), &HashSet::new())
            .unwrap_or_else(|e| panic!("{}: {e}", f.name));
        if let Some(d) = fields.iter().find(|d| d.number() == f.num) {
            return (
                d.name().to_string(),
                d.units().to_string(),
                d.value().clone(),
            );
        }
        let expanded = format!("enhanced_{}", f.name);
        let d = fields
            .iter()
            .find(|d| d.name() == expanded)
            .unwrap_or_else(|| panic!("{} not decoded: {fields:?}", f.name));
        (f.name.to_string(), d.units().to_string(), d.value().clone())
    }

    #[test]
    fn compressed_speed_distance_components_match_the_fit_profile() {
        // 40000 = 0x9C40: speed 0xC40 = 3136 (1/100 m/s), distance 9 (1/16 m).
        let f = record::COMPRESSED_SPEED_DISTANCE;
        let mut raw = HashMap::from([(f.num, Value::UInt32(40_000))]);
        let fields = MesgNum::from(f.mesg)
            .decode_message(&mut raw, &mut HashMap::new(), &HashSet::new())
            .unwrap();
        let value = |name: &str| match fields.iter().find(|d| d.name() == name).map(|d| d.value()) {
            Some(Value::Float64(x)) => *x,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(value("enhanced_speed"), 31.36);
        assert_eq!(value("distance"), 9.0 / 16.0);
    }

    #[test]
    fn every_entry_matches_the_fit_profile() {
        for f in all()
            .into_iter()
            .filter(|f| *f != record::COMPRESSED_SPEED_DISTANCE)
        {
            let (name, units, value) = through_profile(&f);
            assert_eq!(name, f.name, "mesg {} field {}", f.mesg, f.num);
            assert_eq!(units, f.units, "{} units", f.name);
            let expected = 40_000.0 / f.scale - f.offset;
            match value {
                Value::Float64(x) => assert!((x - expected).abs() < 1e-9, "{}: {x}", f.name),
                // Unscaled numbers, enums (named), dates and byte arrays pass through.
                _ => assert!(
                    f.scale == 1.0 && f.offset == 0.0,
                    "{} scaled by the profile but 1/0 here",
                    f.name
                ),
            }
        }
    }

    #[test]
    fn fit_epoch() {
        // 2017-06-11T14:35:24Z (unix 1497191724) is FIT time 866126124.
        assert_eq!(FIT_EPOCH_UNIX_S + 866_126_124, 1_497_191_724);
    }
}
