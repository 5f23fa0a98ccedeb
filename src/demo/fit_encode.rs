//! A minimal FIT (protocol 2.0) activity encoder, written from the FIT SDK
//! protocol description so the demo needs no third-party writer.
//!
//! Only what a running activity needs: little-endian definition + data
//! messages for file_id, device_info, event, record, lap, session and
//! activity. Field numbers, base types and scales follow the FIT profile
//! (checked against fitparser 0.11's generated profile). Each message type
//! uses a fixed local message number and a fixed field list, so a file is a
//! pure function of its [`SimRun`](super::simulate::SimRun).

use super::scenario::Device;
use super::simulate::{SimRun, fit_timestamp, spm_to_strides};

/// FIT base types (the byte stored in a definition message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseType {
    Enum,
    SInt8,
    UInt8,
    UInt16,
    SInt32,
    UInt32,
    UInt32z,
}

impl BaseType {
    fn code(self) -> u8 {
        match self {
            BaseType::Enum => 0x00,
            BaseType::SInt8 => 0x01,
            BaseType::UInt8 => 0x02,
            BaseType::UInt16 => 0x84,
            BaseType::SInt32 => 0x85,
            BaseType::UInt32 => 0x86,
            BaseType::UInt32z => 0x8C,
        }
    }

    fn size(self) -> u8 {
        match self {
            BaseType::Enum | BaseType::SInt8 | BaseType::UInt8 => 1,
            BaseType::UInt16 => 2,
            BaseType::SInt32 | BaseType::UInt32 | BaseType::UInt32z => 4,
        }
    }
}

/// Global message numbers from the FIT profile (the decoder's table).
pub use crate::decode::fit::mesg;

/// FIT CRC of a byte slice (the decoder's CRC-16).
pub use crate::decode::fit::crc16 as crc;

/// One field value, already in the stored (scaled, offset) integer form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub num: u8,
    pub base: BaseType,
    pub raw: i64,
}

impl Field {
    pub fn new(num: u8, base: BaseType, raw: i64) -> Field {
        Field { num, base, raw }
    }

    /// Stores `value × scale − … ` as the profile's `(value + offset) × scale`, rounded.
    pub fn scaled(num: u8, base: BaseType, value: f64, scale: f64, offset: f64) -> Field {
        Field::new(num, base, ((value + offset) * scale).round() as i64)
    }

    /// The profile's "invalid" value for the base type (the field is absent for this sample).
    pub fn invalid(num: u8, base: BaseType) -> Field {
        let raw = match base {
            BaseType::Enum | BaseType::UInt8 => 0xFF,
            BaseType::SInt8 => 0x7F,
            BaseType::UInt16 => 0xFFFF,
            BaseType::SInt32 => 0x7FFF_FFFF,
            BaseType::UInt32 => 0xFFFF_FFFF,
            BaseType::UInt32z => 0,
        };
        Field::new(num, base, raw)
    }

    fn write(&self, out: &mut Vec<u8>) {
        // Values are clamped into the type's range so a wild simulated value
        // can never wrap into a plausible-looking wrong number.
        match self.base {
            BaseType::Enum | BaseType::UInt8 => out.push(self.raw.clamp(0, 0xFF) as u8),
            BaseType::SInt8 => out.push(self.raw.clamp(-128, 127) as i8 as u8),
            BaseType::UInt16 => {
                out.extend_from_slice(&(self.raw.clamp(0, 0xFFFF) as u16).to_le_bytes())
            }
            BaseType::SInt32 => out.extend_from_slice(
                &(self.raw.clamp(i32::MIN as i64, i32::MAX as i64) as i32).to_le_bytes(),
            ),
            BaseType::UInt32 | BaseType::UInt32z => {
                out.extend_from_slice(&(self.raw.clamp(0, u32::MAX as i64) as u32).to_le_bytes())
            }
        }
    }
}

/// A definition: global message number and (field number, base type) per field.
type Layout = (u16, Vec<(u8, BaseType)>);

/// Builds the message stream of one FIT file; [`FitWriter::finish`] adds header and CRC.
#[derive(Debug, Default)]
pub struct FitWriter {
    body: Vec<u8>,
    /// The field layout each local message number was last defined with.
    defined: [Option<Layout>; 16],
}

impl FitWriter {
    pub fn new() -> FitWriter {
        FitWriter::default()
    }

    /// Writes one data message, emitting a definition first when the local
    /// message number is new or was defined with another layout.
    pub fn message(&mut self, local: u8, global: u16, fields: &[Field]) {
        let local = local & 0x0F;
        let layout: Vec<(u8, BaseType)> = fields.iter().map(|f| (f.num, f.base)).collect();
        let slot = &mut self.defined[local as usize];
        if slot.as_ref() != Some(&(global, layout.clone())) {
            self.body.push(0x40 | local);
            self.body.push(0); // reserved
            self.body.push(0); // architecture: little endian
            self.body.extend_from_slice(&global.to_le_bytes());
            self.body.push(fields.len() as u8);
            for (num, base) in &layout {
                self.body
                    .extend_from_slice(&[*num, base.size(), base.code()]);
            }
            *slot = Some((global, layout));
        }
        self.body.push(local);
        for f in fields {
            f.write(&mut self.body);
        }
    }

    /// The complete file: 14-byte header (with header CRC), messages, data CRC.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 16);
        out.push(14);
        out.push(0x20); // protocol 2.0
        out.extend_from_slice(&2132u16.to_le_bytes()); // profile 21.32
        out.extend_from_slice(&(self.body.len() as u32).to_le_bytes());
        out.extend_from_slice(b".FIT");
        let header_crc = crc(&out);
        out.extend_from_slice(&header_crc.to_le_bytes());
        out.extend_from_slice(&self.body);
        let data_crc = crc(&out);
        out.extend_from_slice(&data_crc.to_le_bytes());
        out
    }
}

fn semicircles(deg: f64) -> i64 {
    (deg * (2_147_483_648.0 / 180.0)).round() as i64
}

/// Encodes one simulated run as a FIT activity file.
pub fn encode_run(run: &SimRun, device: &Device) -> Vec<u8> {
    use BaseType::*;
    let mut w = FitWriter::new();
    let t0 = fit_timestamp(run.start_utc);
    let samples = &run.samples;
    let last_t = samples.last().map_or(0, |s| s.t_s);
    let t_end = t0 + last_t as i64;

    w.message(
        0,
        mesg::FILE_ID,
        &[
            Field::new(0, Enum, 4), // type: activity
            Field::new(1, UInt16, device.manufacturer as i64),
            Field::new(2, UInt16, device.product as i64),
            Field::new(3, UInt32z, device.serial as i64),
            Field::new(4, UInt32, t0),
        ],
    );
    w.message(
        1,
        mesg::DEVICE_INFO,
        &[
            Field::new(253, UInt32, t0),
            Field::new(0, UInt8, 0), // device_index: creator
            Field::new(2, UInt16, device.manufacturer as i64),
            Field::new(4, UInt16, device.product as i64),
            Field::new(3, UInt32z, device.serial as i64),
        ],
    );
    let event = |w: &mut FitWriter, t: i64, event_type: i64| {
        w.message(
            2,
            mesg::EVENT,
            &[
                Field::new(253, UInt32, t),
                Field::new(0, Enum, 0), // event: timer
                Field::new(1, Enum, event_type),
                Field::new(3, Enum, 0), // timer_trigger: manual
            ],
        );
    };
    event(&mut w, t0, 0); // start
    let mut pauses = run.pauses.iter().peekable();

    for s in samples {
        if let Some(&&(stop, restart)) = pauses.peek()
            && s.t_s >= restart
        {
            event(&mut w, t0 + stop as i64, 4); // stop_all
            event(&mut w, t0 + restart as i64, 0); // start
            pauses.next();
        }
        let (cad, frac) = spm_to_strides(s.cadence_spm);
        let mut f = vec![
            Field::new(253, UInt32, t0 + s.t_s as i64),
            Field::new(0, SInt32, semicircles(s.lat_deg)),
            Field::new(1, SInt32, semicircles(s.lon_deg)),
            Field::scaled(5, UInt32, s.distance_m, 100.0, 0.0),
            Field::scaled(73, UInt32, s.speed_mps, 1000.0, 0.0),
            Field::scaled(78, UInt32, s.altitude_m, 5.0, 500.0),
            Field::new(3, UInt8, s.heart_rate_bpm.round() as i64),
            Field::new(4, UInt8, cad as i64),
            Field::new(53, UInt8, frac as i64),
            Field::new(13, SInt8, s.temperature_c.round() as i64),
        ];
        if let Some(d) = &s.dynamics {
            f.extend([
                Field::scaled(39, UInt16, d.vertical_oscillation_mm, 10.0, 0.0),
                Field::scaled(41, UInt16, d.stance_time_ms, 10.0, 0.0),
                Field::scaled(84, UInt16, d.stance_balance_pct, 100.0, 0.0),
                Field::scaled(85, UInt16, d.step_length_mm, 10.0, 0.0),
                Field::scaled(83, UInt16, d.vertical_ratio_pct, 100.0, 0.0),
            ]);
        }
        w.message(3, mesg::RECORD, &f);
    }
    event(&mut w, t_end, 4); // stop_all

    let laps = run.laps();
    for (i, lap) in laps.iter().enumerate() {
        let (cad, frac) = spm_to_strides(lap.mean_cadence_spm);
        let last = i + 1 == laps.len();
        w.message(
            4,
            mesg::LAP,
            &[
                Field::new(253, UInt32, t0 + lap.end_s as i64),
                Field::new(254, UInt16, i as i64),
                Field::new(0, Enum, 9), // event: lap
                Field::new(1, Enum, 1), // event_type: stop
                Field::new(2, UInt32, t0 + lap.start_s as i64),
                Field::scaled(7, UInt32, (lap.end_s - lap.start_s) as f64, 1000.0, 0.0),
                Field::scaled(8, UInt32, lap.timer_s as f64, 1000.0, 0.0),
                Field::scaled(9, UInt32, lap.distance_m, 100.0, 0.0),
                Field::new(15, UInt8, lap.mean_heart_rate_bpm.round() as i64),
                Field::new(17, UInt8, cad as i64),
                Field::new(80, UInt8, frac as i64),
                Field::new(24, Enum, if last { 7 } else { 2 }), // session_end / distance
                Field::new(25, Enum, 1),                        // sport: running
            ],
        );
    }

    let total = run.totals();
    let (cad, frac) = spm_to_strides(total.mean_cadence_spm);
    let first = samples.first();
    w.message(
        5,
        mesg::SESSION,
        &[
            Field::new(253, UInt32, t_end),
            Field::new(254, UInt16, 0),
            Field::new(0, Enum, 8), // event: session
            Field::new(1, Enum, 1), // event_type: stop
            Field::new(2, UInt32, t0),
            Field::new(3, SInt32, first.map_or(0, |s| semicircles(s.lat_deg))),
            Field::new(4, SInt32, first.map_or(0, |s| semicircles(s.lon_deg))),
            Field::new(5, Enum, 1), // sport: running
            Field::new(6, Enum, 0), // sub_sport: generic
            Field::scaled(7, UInt32, last_t as f64, 1000.0, 0.0),
            Field::scaled(8, UInt32, total.timer_s as f64, 1000.0, 0.0),
            Field::new(9, UInt32, total.distance_cm as i64),
            Field::scaled(124, UInt32, total.mean_speed_mps, 1000.0, 0.0),
            Field::new(16, UInt8, total.mean_heart_rate_bpm.round() as i64),
            Field::new(17, UInt8, total.max_heart_rate_bpm.round() as i64),
            Field::new(18, UInt8, cad as i64),
            Field::new(92, UInt8, frac as i64),
            Field::new(57, SInt8, total.mean_temperature_c.round() as i64),
            Field::new(25, UInt16, 0), // first_lap_index
            Field::new(26, UInt16, laps.len() as i64),
            Field::new(28, Enum, 0), // trigger: activity_end
        ],
    );
    w.message(
        6,
        mesg::ACTIVITY,
        &[
            Field::new(253, UInt32, t_end),
            Field::scaled(0, UInt32, total.timer_s as f64, 1000.0, 0.0),
            Field::new(1, UInt16, 1),
            Field::new(2, Enum, 0),  // type: manual
            Field::new(3, Enum, 26), // event: activity
            Field::new(4, Enum, 1),  // event_type: stop
            Field::new(5, UInt32, t_end + run.utc_offset_s as i64),
        ],
    );
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_crc16_arc_check_value() {
        // The FIT CRC is CRC-16/ARC; its catalogued check value for "123456789" is 0xBB3D.
        assert_eq!(crc(b"123456789"), 0xBB3D);
        assert_eq!(crc(b""), 0);
    }

    #[test]
    fn cadence_splits_into_strides_and_fraction() {
        assert_eq!(spm_to_strides(171.0), (85, 64));
        assert_eq!(spm_to_strides(170.0), (85, 0));
        // 0.999 of a stride rounds up into the next whole stride, never fraction 128.
        assert_eq!(spm_to_strides(171.999), (86, 0));
    }

    #[test]
    fn header_is_14_bytes_with_valid_crcs() {
        let mut w = FitWriter::new();
        w.message(0, mesg::FILE_ID, &[Field::new(0, BaseType::Enum, 4)]);
        let bytes = w.finish();
        assert_eq!(bytes[0], 14);
        assert_eq!(&bytes[8..12], b".FIT");
        let data_len = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        // definition (6 + 3) + data (1 + 1)
        assert_eq!(data_len, 11);
        assert_eq!(bytes.len(), 14 + data_len + 2);
        assert_eq!(
            crc(&bytes[..12]),
            u16::from_le_bytes([bytes[12], bytes[13]])
        );
        // A file's CRC over everything including its trailer is 0.
        assert_eq!(crc(&bytes), 0);
    }
}
