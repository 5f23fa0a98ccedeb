//! What heavylegs keeps from a FIT stream, gathered message by message.
//!
//! Values come through [`Message`] (raw numbers by field number, from either
//! engine) and are scaled here with the constants of [`super::profile`].
//! fitparser's own profile layer is bypassed because it reads local times in
//! the machine's time zone, sums compressed distances instead of accumulating
//! them, names developer fields like native ones, panics on 64-bit timestamps
//! and allocates ~37 times per record.

use fitparser::profile::{FieldDataType, get_field_variant_as_string};

use super::message::Message;
use super::profile::{
    TIMESTAMP, activity, event, file_id, mesg, record as rec, session, sport, totals,
};
use super::records::{Conv, RECORD_FIELDS, RecordWriter, Records, col};
use crate::decode::DecodeError;

/// Where a described developer field's value goes: its column, how it is
/// scaled, and its rank (a smaller rank wins when several hold a value).
#[derive(Debug, Clone, Copy)]
pub(super) struct DevTarget {
    pub col: usize,
    pub conv: Conv,
    pub rank: DevRank,
}

/// What a session and a lap both record: where they sit in time and their totals.
#[derive(Debug, Clone, Default)]
pub(super) struct Totals {
    /// Which chained FIT file it came from (0-based).
    pub file: u16,
    pub start: Option<u32>,
    pub timestamp: Option<u32>,
    pub elapsed_s: Option<f64>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
}

impl Totals {
    /// The shared fields of a session or lap message (same numbers in both).
    fn read(msg: &impl Message, mesg: u16, file: u16, timestamp: Option<u32>) -> Self {
        Totals {
            file,
            start: msg.date_time(totals::start_time(mesg).num),
            timestamp,
            elapsed_s: msg.scaled(totals::elapsed(mesg)),
            timer_s: msg.scaled(totals::timer(mesg)),
            distance_m: msg.scaled(totals::distance(mesg)),
        }
    }
}

/// A session message: its totals, sport and device cadence.
#[derive(Debug, Clone, Default)]
pub(super) struct SessionMsg {
    pub totals: Totals,
    pub sport: Option<u8>,
    pub sub_sport: Option<u8>,
    pub avg_cadence: Option<f64>,
    pub avg_fractional_cadence: Option<f64>,
    pub workout_feel: Option<f64>,
    pub workout_rpe: Option<f64>,
}

/// A timer start or stop event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TimerEvent {
    pub file: u16,
    pub time: u32,
    pub stop: bool,
}

/// A developer field's rank among those feeding one column (smaller wins):
/// its role, then its (developer index, field number).
pub(super) type DevRank = (DevRole, (u8, u8));

/// What a developer field can stand in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum DevRole {
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
    /// FIT base type code the values are stored in.
    base_type: u8,
    scale: f64,
    offset: f64,
    role: DevRole,
}

/// Everything kept from one input, across chained FIT files.
#[derive(Debug)]
pub(super) struct Collector {
    max_records: u64,
    pub records: Records,
    pub sessions: Vec<SessionMsg>,
    pub laps: Vec<Totals>,
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
    /// Described developer fields; a handful per file, so a list beats a map.
    dev_fields: Vec<((u8, u8), DevField)>,
    last_time: Option<u32>,
    distance_16ths: Rollover,
    /// Index of the chained FIT file being read.
    file: u16,
    /// Bumped whenever what a developer field means may change, so a reader
    /// that compiled record layouts knows to compile them again.
    generation: u32,
}

impl Collector {
    pub fn new(max_records: u64) -> Self {
        Collector {
            max_records,
            records: Records::default(),
            sessions: Vec::new(),
            laps: Vec::new(),
            timer_events: Vec::new(),
            file_types: Vec::new(),
            device: None,
            sport: None,
            utc_offset_s: None,
            records_without_time: 0,
            warnings: Vec::new(),
            dev_fields: Vec::new(),
            last_time: None,
            distance_16ths: Rollover::new(12),
            file: 0,
            generation: 0,
        }
    }

    pub fn warn(&mut self, note: String) {
        if !self.warnings.contains(&note) {
            self.warnings.push(note);
        }
    }

    /// A chained FIT file ended: its definitions and running values end with it.
    pub fn end_of_file(&mut self) {
        self.dev_fields.clear();
        self.last_time = None;
        self.distance_16ths = Rollover::new(12);
        self.file = self.file.saturating_add(1);
        self.generation = self.generation.wrapping_add(1);
    }

    /// Changes whenever developer field descriptions do (see [`Self::dev_target`]).
    pub fn generation(&self) -> u32 {
        self.generation
    }

    pub fn message(&mut self, msg: &impl Message) -> Result<(), DecodeError> {
        let time = self.resolve_time(msg);
        match msg.global() {
            mesg::RECORD => return self.record(msg, time),
            mesg::SESSION => self.sessions.push(SessionMsg {
                totals: Totals::read(msg, mesg::SESSION, self.file, time),
                sport: small(msg, session::SPORT.num),
                sub_sport: small(msg, session::SUB_SPORT.num),
                avg_cadence: msg.scaled(session::AVG_CADENCE),
                avg_fractional_cadence: msg.scaled(session::AVG_FRACTIONAL_CADENCE),
                workout_feel: msg.scaled(session::WORKOUT_FEEL),
                workout_rpe: msg.scaled(session::WORKOUT_RPE),
            }),
            mesg::LAP => self
                .laps
                .push(Totals::read(msg, mesg::LAP, self.file, time)),
            mesg::EVENT => {
                let kind = msg.unsigned(event::EVENT_TYPE.num);
                if let (Some(event::TIMER), Some(kind), Some(time)) =
                    (msg.unsigned(event::EVENT.num), kind, time)
                {
                    let stop = event::STOPS.contains(&kind);
                    if stop || kind == event::START {
                        self.timer_events.push(TimerEvent {
                            file: self.file,
                            time,
                            stop,
                        });
                    }
                }
            }
            mesg::ACTIVITY => {
                // Both are raw seconds, so the difference is the device's UTC
                // offset whatever time zone this machine is in.
                let local = msg.date_time(activity::LOCAL_TIMESTAMP.num);
                if let (None, Some(local), Some(utc)) = (self.utc_offset_s, local, time) {
                    self.utc_offset_s = Some(i64::from(local) - i64::from(utc));
                }
            }
            mesg::FILE_ID => {
                if let Some(t) = msg.unsigned(file_id::TYPE.num) {
                    self.file_types.push(t);
                }
                if self.device.is_none() {
                    self.device = device_name(msg);
                }
            }
            mesg::SPORT if self.sport.is_none() => {
                self.sport = Some((
                    small(msg, sport::SPORT.num),
                    small(msg, sport::SUB_SPORT.num),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// The message's time: its own timestamp, or a compressed-timestamp
    /// offset (5 bits) from the last one seen.
    fn resolve_time(&mut self, msg: &impl Message) -> Option<u32> {
        self.resolve_time_of(msg.date_time(TIMESTAMP), msg.time_offset())
    }

    /// [`Self::resolve_time`] from a message's own timestamp and time offset.
    #[inline]
    pub fn resolve_time_of(&mut self, own: Option<u32>, time_offset: Option<u8>) -> Option<u32> {
        if let Some(t) = own {
            self.last_time = Some(t);
            return Some(t);
        }
        let offset = u32::from(time_offset?);
        let base = self.last_time?;
        let mut t = (base & !0x1F).wrapping_add(offset);
        if offset < (base & 0x1F) {
            t = t.wrapping_add(0x20);
        }
        self.last_time = Some(t);
        Some(t)
    }

    /// A record read through the [`Message`] view: [`RECORD_FIELDS`], then
    /// the packed speed and distance of old devices where nothing else gave
    /// them, then developer fields.
    fn record(&mut self, msg: &impl Message, time: Option<u32>) -> Result<(), DecodeError> {
        let mut row = [f64::NAN; col::COUNT + 1];
        for k in RECORD_FIELDS {
            if row[k.col].is_nan()
                && let Some(raw) = msg.number(k.num)
            {
                let x = k.conv.apply(raw);
                if x.is_finite() {
                    row[k.col] = x;
                }
            }
        }
        // Forerunner 70-era devices pack 12-bit speed (1/100 m/s) and a 12-bit
        // rolling distance (1/16 m) into field 8.
        if let Some((speed, distance)) = msg
            .packed3(rec::COMPRESSED_SPEED_DISTANCE.num)
            .map(unpack_speed_distance)
        {
            if row[col::DISTANCE].is_nan() {
                row[col::DISTANCE] = self.distance_16ths.add(u64::from(distance)) as f64 / 16.0;
            }
            if row[col::SPEED].is_nan() {
                row[col::SPEED] = f64::from(speed) / 100.0;
            }
        }
        self.dev_values(msg, &mut row);
        if !row[col::FRACTIONAL_CADENCE].is_nan() {
            row[col::CADENCE] += row[col::FRACTIONAL_CADENCE];
        }
        if let Some(mut w) = self.start_record(time)? {
            for (c, &x) in row[..col::COUNT].iter().enumerate() {
                w.put(c, x);
            }
        }
        Ok(())
    }

    /// Starts keeping a record; `None` when it has no time (counted, not kept).
    #[inline]
    pub fn start_record(
        &mut self,
        time: Option<u32>,
    ) -> Result<Option<RecordWriter<'_>>, DecodeError> {
        let Some(time) = time else {
            self.records_without_time += 1;
            return Ok(None);
        };
        if self.records.len() as u64 >= self.max_records {
            return Err(DecodeError::Limit(format!(
                "more than {} records (limits.max_records)",
                self.max_records
            )));
        }
        Ok(Some(self.records.start(time, self.file)))
    }

    /// Power and heart rate from developer fields into `row` where it has
    /// none: the best-ranked value wins (see [`Self::dev_target`]).
    fn dev_values(&self, msg: &impl Message, row: &mut [f64; col::COUNT + 1]) {
        if self.dev_fields.is_empty() {
            return;
        }
        let mut best: [Option<(DevRank, f64)>; 2] = [None; 2];
        msg.dev_numbers(&mut |key, raw| {
            let Some(t) = self.dev_target(key) else {
                return;
            };
            let x = t.conv.apply(raw);
            let slot = &mut best[usize::from(t.col == col::HEART_RATE)];
            if x.is_finite() && slot.is_none_or(|(r, _)| t.rank < r) {
                *slot = Some((t.rank, x));
            }
        });
        for (c, found) in [col::DEV_POWER, col::HEART_RATE].into_iter().zip(best) {
            if let Some((_, x)) = found
                && row[c].is_nan()
            {
                row[c] = x;
            }
        }
    }

    /// Where developer field `key`'s values go, if it stands in for power or
    /// heart rate. Power: a declared native equivalent beats Stryd's "Power",
    /// which beats Garmin Running Power's "RP_Power"; ties (and heart rate)
    /// go to the lowest key.
    pub fn dev_target(&self, key: (u8, u8)) -> Option<DevTarget> {
        let d = self.dev_field(key)?;
        let col = match d.role {
            DevRole::NativePower | DevRole::StrydPower | DevRole::RunningPower => col::DEV_POWER,
            DevRole::HeartRate => col::HEART_RATE,
            DevRole::Other => return None,
        };
        Some(DevTarget {
            col,
            conv: Conv::linear(d.scale, d.offset),
            rank: (d.role, key),
        })
    }

    /// Registers a developer field description (each engine decides which
    /// description messages it accepts, see [`Description`]).
    pub fn describe(&mut self, d: Description) {
        let for_records = d.native_mesg.is_none_or(|m| m == u64::from(mesg::RECORD));
        let role = match (for_records, d.native_field) {
            (true, Some(7)) => DevRole::NativePower,
            (true, Some(3)) => DevRole::HeartRate,
            _ => match normalized(&d.name).as_str() {
                "power" => DevRole::StrydPower,
                "rppower" => DevRole::RunningPower,
                _ => DevRole::Other,
            },
        };
        let field = DevField {
            base_type: d.base_type,
            scale: d.scale,
            offset: d.offset,
            role,
        };
        let key = (d.index, d.number);
        self.generation = self.generation.wrapping_add(1);
        match self.dev_fields.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = field,
            None => self.dev_fields.push((key, field)),
        }
    }

    fn dev_field(&self, key: (u8, u8)) -> Option<&DevField> {
        self.dev_fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, d)| d)
    }

    /// Base type code of a described developer field.
    pub fn dev_base_type(&self, dev_index: u8, field: u8) -> Option<u8> {
        self.dev_field((dev_index, field)).map(|d| d.base_type)
    }
}

/// A developer field description (message 206) as accepted by the engine
/// that read it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Description {
    pub index: u8,
    pub number: u8,
    /// FIT base type code (`fit_base_type`, e.g. 0x84 = uint16).
    pub base_type: u8,
    pub name: String,
    pub scale: f64,
    pub offset: f64,
    pub native_mesg: Option<u64>,
    pub native_field: Option<u64>,
}

/// Size in bytes of a FIT base type code; unknown codes count as 1 byte
/// (as fitparser reads them).
pub(super) fn base_type_size(code: u8) -> usize {
    match code {
        0x83 | 0x84 | 0x8B => 2,
        0x85 | 0x86 | 0x88 | 0x8C => 4,
        0x89 | 0x8E | 0x8F | 0x90 => 8,
        _ => 1,
    }
}

/// Lower case without spaces, dashes or underscores: "RP_Power" → "rppower".
fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// An enum field that fits a byte (sport, sub-sport).
fn small(msg: &impl Message, num: u8) -> Option<u8> {
    msg.unsigned(num).and_then(|x| u8::try_from(x).ok())
}

/// The 12-bit speed and 12-bit distance packed in record field 8 (3 bytes, LSB first).
fn unpack_speed_distance(b: [u8; 3]) -> (u16, u16) {
    let speed = u16::from(b[0]) | (u16::from(b[1] & 0x0F) << 8);
    let distance = u16::from(b[1] >> 4) | (u16::from(b[2]) << 4);
    (speed, distance)
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
fn device_name(msg: &impl Message) -> Option<String> {
    let maker = msg.unsigned(file_id::MANUFACTURER.num)?;
    let maker_name = variant_name(FieldDataType::Manufacturer, maker).unwrap_or(maker.to_string());
    // The profile's `product` sub-fields: garmin, dynastream, dynastream_oem, tacx → garmin_product; favero → favero_product.
    let product = msg
        .text(file_id::PRODUCT_NAME.num)
        .map(str::to_string)
        .or_else(|| {
            let p = msg.unsigned(file_id::PRODUCT.num)?;
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
        assert_eq!(unpack_speed_distance([0xC5, 0x12, 0x8A]), (0x2C5, 0x8A1));
    }

    #[test]
    fn dev_names_normalize() {
        assert_eq!(normalized("RP_Power"), "rppower");
        assert_eq!(normalized(" Power "), "power");
    }
}
