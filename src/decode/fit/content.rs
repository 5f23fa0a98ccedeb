//! What heavylegs keeps from a FIT stream, gathered message by message.
//!
//! Values are read from fitparser's raw messages by field number and scaled
//! here with the FIT profile's constants. fitparser's own profile layer is
//! bypassed for everything but developer-field descriptions because it reads
//! local times in the machine's time zone, sums compressed distances instead
//! of accumulating them, names developer fields like native ones, and panics
//! on 64-bit timestamps; and it allocates ~37 times per record.

use std::collections::HashMap;

use fitparser::Value;
use fitparser::de::{FitDataMessage, FitStreamProcessor};
use fitparser::profile::field_types::FitBaseType;
use fitparser::profile::{FieldDataType, get_field_variant_as_string};

use super::raw::{self, TIMESTAMP, date_time, field_u64, mesg, scaled, text};
use crate::activity::semicircles_to_deg;
use crate::decode::DecodeError;

/// One record message as compact numbers (`NaN` = not in this record).
#[derive(Debug, Clone, Copy)]
pub(super) struct Sample {
    /// FIT `date_time` of the record.
    pub time: u32,
    /// Which chained FIT file it came from (0-based).
    pub file: u16,
    pub distance_m: f64,
    pub speed_mps: f64,
    /// Device cadence plus its fraction, as stored (strides/min for running, rpm for cycling).
    pub cadence: f64,
    pub heart_rate_bpm: f64,
    pub altitude_m: f64,
    pub lat_deg: f64,
    pub lon_deg: f64,
    pub power_w: f64,
    /// Power from a developer field (Stryd, Garmin Running Power), used only
    /// when the session has no native power.
    pub dev_power_w: f64,
    pub stance_time_ms: f64,
    pub stance_balance_pct: f64,
    pub vertical_oscillation_mm: f64,
    pub vertical_ratio_pct: f64,
    pub step_length_mm: f64,
    pub temperature_c: f64,
}

/// A session message's totals.
#[derive(Debug, Clone, Default)]
pub(super) struct SessionMsg {
    pub file: u16,
    pub start: Option<u32>,
    pub timestamp: Option<u32>,
    pub elapsed_s: Option<f64>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub sport: Option<u8>,
    pub sub_sport: Option<u8>,
    pub avg_cadence: Option<f64>,
    pub avg_fractional_cadence: Option<f64>,
}

/// A lap message's totals.
#[derive(Debug, Clone, Default)]
pub(super) struct LapMsg {
    pub file: u16,
    pub start: Option<u32>,
    pub timestamp: Option<u32>,
    pub elapsed_s: Option<f64>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
}

/// A timer start or stop event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TimerEvent {
    pub file: u16,
    pub time: u32,
    pub stop: bool,
}

/// What a developer field can stand in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DevRole {
    /// Declared equivalent of native record power (`native_field_num` 7).
    NativePower,
    /// Stryd's "Power".
    StrydPower,
    /// Garmin Running Power's "RP_Power".
    RunningPower,
    /// Declared equivalent of native record heart rate (`native_field_num` 3).
    HeartRate,
    Other,
}

#[derive(Debug, Clone)]
struct DevField {
    base_size: usize,
    scale: f64,
    offset: f64,
    role: DevRole,
}

/// Everything kept from one input, across chained FIT files.
#[derive(Debug)]
pub(super) struct Collector {
    max_records: u64,
    pub samples: Vec<Sample>,
    pub sessions: Vec<SessionMsg>,
    pub laps: Vec<LapMsg>,
    pub timer_events: Vec<TimerEvent>,
    /// `file_id.type` of every chained file (4 = activity).
    pub file_types: Vec<u64>,
    pub device: Option<String>,
    /// The `sport` message's sport and sub-sport (files without a session still name it).
    pub sport: Option<(Option<u8>, Option<u8>)>,
    /// `activity.local_timestamp − activity.timestamp`, seconds.
    pub utc_offset_s: Option<i64>,
    pub records_without_time: usize,
    pub warnings: Vec<String>,
    dev_fields: HashMap<(u8, u8), DevField>,
    last_time: Option<u32>,
    distance_16ths: Rollover,
    /// Index of the chained FIT file being read.
    file: u16,
}

impl Collector {
    pub fn new(max_records: u64) -> Self {
        Collector {
            max_records,
            samples: Vec::new(),
            sessions: Vec::new(),
            laps: Vec::new(),
            timer_events: Vec::new(),
            file_types: Vec::new(),
            device: None,
            sport: None,
            utc_offset_s: None,
            records_without_time: 0,
            warnings: Vec::new(),
            dev_fields: HashMap::new(),
            last_time: None,
            distance_16ths: Rollover::new(12),
            file: 0,
        }
    }

    pub fn warn(&mut self, note: String) {
        if !self.warnings.contains(&note) {
            self.warnings.push(note);
        }
    }

    /// Base-type size of a described developer field, as fitparser will read it.
    pub fn dev_base_size(&self, dev_index: u8, field: u8) -> Option<usize> {
        self.dev_fields
            .get(&(dev_index, field))
            .map(|d| d.base_size)
    }

    /// A chained FIT file ended: its definitions and running values end with it.
    pub fn end_of_file(&mut self) {
        self.dev_fields.clear();
        self.last_time = None;
        self.distance_16ths = Rollover::new(12);
        self.file = self.file.saturating_add(1);
    }

    pub fn message(
        &mut self,
        msg: FitDataMessage,
        parser: &mut FitStreamProcessor,
    ) -> Result<(), DecodeError> {
        let time = self.resolve_time(&msg);
        let f = msg.fields();
        match msg.global_message_number() {
            mesg::RECORD => return self.record(&msg, time),
            mesg::SESSION => self.sessions.push(SessionMsg {
                file: self.file,
                start: f.get(&2).and_then(date_time),
                timestamp: time,
                elapsed_s: scaled(f, 7, 1000.0, 0.0),
                timer_s: scaled(f, 8, 1000.0, 0.0),
                distance_m: scaled(f, 9, 100.0, 0.0),
                sport: small(f, 5),
                sub_sport: small(f, 6),
                avg_cadence: scaled(f, 18, 1.0, 0.0),
                avg_fractional_cadence: scaled(f, 92, 128.0, 0.0),
            }),
            mesg::LAP => self.laps.push(LapMsg {
                file: self.file,
                start: f.get(&2).and_then(date_time),
                timestamp: time,
                elapsed_s: scaled(f, 7, 1000.0, 0.0),
                timer_s: scaled(f, 8, 1000.0, 0.0),
                distance_m: scaled(f, 9, 100.0, 0.0),
            }),
            mesg::EVENT => {
                // event 0 = timer; event_type 0 = start, 1 stop, 4 stop_all,
                // 8 stop_disable, 9 stop_disable_all.
                if let (Some(0), Some(kind), Some(time)) = (field_u64(f, 0), field_u64(f, 1), time)
                {
                    let file = self.file;
                    match kind {
                        0 => self.timer_events.push(TimerEvent {
                            file,
                            time,
                            stop: false,
                        }),
                        1 | 4 | 8 | 9 => self.timer_events.push(TimerEvent {
                            file,
                            time,
                            stop: true,
                        }),
                        _ => {}
                    }
                }
            }
            mesg::ACTIVITY => {
                // Both are raw seconds, so the difference is the device's UTC
                // offset whatever time zone this machine is in.
                let local = f.get(&5).and_then(date_time);
                if let (None, Some(local), Some(utc)) = (self.utc_offset_s, local, time) {
                    self.utc_offset_s = Some(i64::from(local) - i64::from(utc));
                }
            }
            mesg::FILE_ID => {
                if let Some(t) = field_u64(f, 0) {
                    self.file_types.push(t);
                }
                if self.device.is_none() {
                    self.device = device_name(f);
                }
            }
            mesg::SPORT if self.sport.is_none() => {
                self.sport = Some((small(f, 0), small(f, 1)));
            }
            mesg::FIELD_DESCRIPTION => self.field_description(msg, parser),
            _ => {}
        }
        Ok(())
    }

    /// The message's time: its own timestamp, or a compressed-timestamp
    /// offset (5 bits) from the last one seen.
    fn resolve_time(&mut self, msg: &FitDataMessage) -> Option<u32> {
        if let Some(t) = msg.fields().get(&TIMESTAMP).and_then(date_time) {
            self.last_time = Some(t);
            return Some(t);
        }
        let offset = u32::from(msg.time_offset()?);
        let base = self.last_time?;
        let mut t = (base & !0x1F).wrapping_add(offset);
        if offset < (base & 0x1F) {
            t = t.wrapping_add(0x20);
        }
        self.last_time = Some(t);
        Some(t)
    }

    fn record(&mut self, msg: &FitDataMessage, time: Option<u32>) -> Result<(), DecodeError> {
        let Some(time) = time else {
            self.records_without_time += 1;
            return Ok(());
        };
        if self.samples.len() as u64 >= self.max_records {
            return Err(DecodeError::Limit(format!(
                "more than {} records (limits.max_records)",
                self.max_records
            )));
        }
        let f = msg.fields();
        let nan = f64::NAN;
        let get = |num: u8, scale: f64, offset: f64| scaled(f, num, scale, offset);
        // Forerunner 70-era devices pack 12-bit speed (1/100 m/s) and a 12-bit
        // rolling distance (1/16 m) into field 8.
        let packed = f.get(&8).and_then(compressed_speed_distance);
        let distance_m = get(5, 100.0, 0.0)
            .or_else(|| packed.map(|(_, d)| self.distance_16ths.add(u64::from(d)) as f64 / 16.0));
        let speed_mps = get(73, 1000.0, 0.0)
            .or_else(|| get(6, 1000.0, 0.0))
            .or_else(|| packed.map(|(s, _)| f64::from(s) / 100.0));
        let cadence = get(4, 1.0, 0.0).map(|c| c + get(53, 128.0, 0.0).unwrap_or(0.0));
        let (dev_power_w, dev_heart_rate) = self.dev_values(msg);
        let position = |num: u8| {
            f.get(&num)
                .and_then(raw::number)
                .map(|s| semicircles_to_deg(s as i64))
        };
        self.samples.push(Sample {
            time,
            file: self.file,
            distance_m: distance_m.unwrap_or(nan),
            speed_mps: speed_mps.unwrap_or(nan),
            cadence: cadence.unwrap_or(nan),
            heart_rate_bpm: get(3, 1.0, 0.0).or(dev_heart_rate).unwrap_or(nan),
            altitude_m: get(78, 5.0, 500.0)
                .or_else(|| get(2, 5.0, 500.0))
                .unwrap_or(nan),
            lat_deg: position(0).unwrap_or(nan),
            lon_deg: position(1).unwrap_or(nan),
            power_w: get(7, 1.0, 0.0).unwrap_or(nan),
            dev_power_w: dev_power_w.unwrap_or(nan),
            stance_time_ms: get(41, 10.0, 0.0).unwrap_or(nan),
            stance_balance_pct: get(84, 100.0, 0.0).unwrap_or(nan),
            vertical_oscillation_mm: get(39, 10.0, 0.0).unwrap_or(nan),
            vertical_ratio_pct: get(83, 100.0, 0.0).unwrap_or(nan),
            step_length_mm: get(85, 10.0, 0.0).unwrap_or(nan),
            temperature_c: get(13, 1.0, 0.0).unwrap_or(nan),
        });
        Ok(())
    }

    /// Power and heart rate from developer fields, keyed by (developer index,
    /// field number); the best-ranked role wins, ties by lowest key.
    fn dev_values(&self, msg: &FitDataMessage) -> (Option<f64>, Option<f64>) {
        /// (role rank, developer key) of the power value kept so far.
        type Rank = (DevRole, (u8, u8));
        let mut power: Option<(Rank, f64)> = None;
        let mut heart_rate: Option<((u8, u8), f64)> = None;
        for (key, value) in msg.developer_fields() {
            let Some(desc) = self.dev_fields.get(key) else {
                continue;
            };
            let Some(x) = raw::number(value)
                .map(|x| x / desc.scale - desc.offset)
                .filter(|x| x.is_finite())
            else {
                continue;
            };
            match desc.role {
                DevRole::NativePower | DevRole::StrydPower | DevRole::RunningPower => {
                    let rank = (desc.role, *key);
                    if power.is_none_or(|(r, _)| rank < r) {
                        power = Some((rank, x));
                    }
                }
                DevRole::HeartRate => {
                    if heart_rate.is_none_or(|(k, _)| *key < k) {
                        heart_rate = Some((*key, x));
                    }
                }
                DevRole::Other => {}
            }
        }
        (power.map(|p| p.1), heart_rate.map(|h| h.1))
    }

    /// Registers a developer field. fitparser must decode this message too:
    /// its parser needs the description to read later developer values.
    fn field_description(&mut self, mut msg: FitDataMessage, parser: &mut FitStreamProcessor) {
        // fitparser turns a timestamp into a chrono date and panics on huge
        // ones; a field description needs none.
        msg.fields_mut().remove(&TIMESTAMP);
        let n_dev = msg.developer_fields().len();
        let n_extra = n_dev + usize::from(msg.time_offset().is_some());
        let Ok(record) = parser.decode_message(msg) else {
            self.warn("unreadable developer field description ignored".into());
            return;
        };
        // fitparser appends developer fields and a compressed timestamp after
        // the native ones; only the native ones describe the field.
        let all = record.fields();
        let native = &all[..all.len().saturating_sub(n_extra)];
        let get = |num: u8| native.iter().find(|f| f.number() == num).map(|f| f.value());
        // Mirror fitparser's own acceptance rules (DeveloperFieldDescription::try_from).
        let (Some(Value::UInt8(index)), Some(Value::UInt8(number)), Some(Value::String(base))) =
            (get(0), get(1), get(2))
        else {
            return;
        };
        let scale = match get(6) {
            Some(Value::UInt8(s)) => f64::from(*s),
            _ => 1.0,
        };
        let offset = match get(7) {
            Some(Value::SInt8(o)) => f64::from(*o),
            _ => 0.0,
        };
        let name = match get(3) {
            Some(Value::String(s)) => s.as_str(),
            _ => "",
        };
        let native_mesg = get(14).and_then(raw::unsigned);
        let native_field = get(15).and_then(raw::unsigned);
        let for_records = native_mesg.is_none_or(|m| m == u64::from(mesg::RECORD));
        let role = match (for_records, native_field) {
            (true, Some(7)) => DevRole::NativePower,
            (true, Some(3)) => DevRole::HeartRate,
            _ => match normalized(name).as_str() {
                "power" => DevRole::StrydPower,
                "rppower" => DevRole::RunningPower,
                _ => DevRole::Other,
            },
        };
        self.dev_fields.insert(
            (*index, *number),
            DevField {
                base_size: base_type_size(FitBaseType::from(base.as_str())),
                scale,
                offset,
                role,
            },
        );
    }
}

/// Lower case without spaces, dashes or underscores: "RP_Power" → "rppower".
fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Size of a developer field's base type as fitparser's parser reads it.
fn base_type_size(t: FitBaseType) -> usize {
    match t {
        FitBaseType::Sint16 | FitBaseType::Uint16 | FitBaseType::Uint16z => 2,
        FitBaseType::Sint32 | FitBaseType::Uint32 | FitBaseType::Uint32z | FitBaseType::Float32 => {
            4
        }
        FitBaseType::Float64 | FitBaseType::Sint64 | FitBaseType::Uint64 | FitBaseType::Uint64z => {
            8
        }
        _ => 1,
    }
}

/// An enum field that fits a byte (sport, sub-sport).
fn small(f: &HashMap<u8, Value>, num: u8) -> Option<u8> {
    field_u64(f, num).and_then(|x| u8::try_from(x).ok())
}

/// The 12-bit speed and 12-bit distance packed in record field 8 (3 bytes, LSB first).
fn compressed_speed_distance(v: &Value) -> Option<(u16, u16)> {
    let Value::Array(items) = v else {
        return None;
    };
    let mut b = [0u8; 3];
    for (slot, item) in b.iter_mut().zip(items) {
        *slot = match item {
            Value::Byte(x) | Value::UInt8(x) => *x,
            _ => return None,
        };
    }
    if items.len() < 3 {
        return None;
    }
    let speed = u16::from(b[0]) | (u16::from(b[1] & 0x0F) << 8);
    let distance = u16::from(b[1] >> 4) | (u16::from(b[2]) << 4);
    Some((speed, distance))
}

/// The FIT SDK's accumulator for rolling counters: each value adds its
/// difference from the last one, modulo 2^bits. (fitparser adds the raw
/// values instead, which turns a 6.2 km run into 79.8 km.)
#[derive(Debug, Clone)]
struct Rollover {
    mask: u64,
    last: u64,
    total: u64,
}

impl Rollover {
    fn new(bits: u32) -> Self {
        Rollover {
            mask: (1 << bits) - 1,
            last: 0,
            total: 0,
        }
    }

    fn add(&mut self, value: u64) -> u64 {
        self.total += value.wrapping_sub(self.last) & self.mask;
        self.last = value;
        self.total
    }
}

/// "manufacturer product" from `file_id`, with Garmin product names resolved.
fn device_name(f: &HashMap<u8, Value>) -> Option<String> {
    let maker = field_u64(f, 1)?;
    let maker_name = variant_name(FieldDataType::Manufacturer, maker).unwrap_or(maker.to_string());
    // The profile's `product` sub-fields: garmin, dynastream, dynastream_oem, tacx → garmin_product; favero → favero_product.
    let product = f.get(&8).and_then(text).map(str::to_string).or_else(|| {
        let p = field_u64(f, 2)?;
        let table = match maker {
            1 | 13 | 15 | 89 => Some(FieldDataType::GarminProduct),
            263 => Some(FieldDataType::FaveroProduct),
            _ => None,
        };
        Some(
            table
                .and_then(|t| variant_name(t, p))
                .unwrap_or(p.to_string()),
        )
    });
    Some(match product {
        Some(p) => format!("{maker_name} {p}"),
        None => maker_name,
    })
}

/// The profile's name for an enum value, if it has one.
pub(super) fn variant_name(t: FieldDataType, value: u64) -> Option<String> {
    let v = i64::try_from(value).ok()?;
    t.is_named_variant(v)
        .then(|| get_field_variant_as_string(t, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollover_accumulates_differences_not_values() {
        let mut acc = Rollover::new(12);
        assert_eq!(acc.add(100), 100);
        assert_eq!(acc.add(300), 300);
        // wraps past 4095: 4000 → 50 is +146
        assert_eq!(acc.add(4000), 4000);
        assert_eq!(acc.add(50), 4146);
    }

    #[test]
    fn packed_speed_and_distance_unpack_lsb_first() {
        // speed 0x2C5 = 709 (7.09 m/s), distance 0x8A1 = 2209 (138.06 m)
        let v = Value::Array(vec![
            Value::Byte(0xC5),
            Value::Byte(0x12),
            Value::Byte(0x8A),
        ]);
        assert_eq!(compressed_speed_distance(&v), Some((0x2C5, 0x8A1)));
    }

    #[test]
    fn dev_names_normalize() {
        assert_eq!(normalized("RP_Power"), "rppower");
        assert_eq!(normalized(" Power "), "power");
    }
}
