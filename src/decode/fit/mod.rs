//! FIT decoder: bytes → one [`Activity`] per session.
//!
//! Two engines read the messages; everything else is shared:
//! - [`frame`] checks headers, chaining and CRCs on the raw bytes, so bad
//!   headers are clean errors (not fitparser panics) and a CRC mismatch is a
//!   warning rather than a lost file;
//! - [`fast`] (the default) compiles each definition once and reads data
//!   messages in place; [`stream`] drives fitparser one object at a time
//!   (the reference, and the fallback the fast engine hands a file to when
//!   it meets something it does not cover). Both stop at damage and keep
//!   what precedes it, at the same byte;
//! - [`message`] is the view both give of a data message (raw values by
//!   field number), and [`content`] reads it with the constants of
//!   [`profile`]: times stay UTC whatever the machine's time zone,
//!   compressed distances accumulate with rollover, and a developer field
//!   never poses as a native one;
//! - [`assemble`] splits records, laps and pauses among sessions (a record
//!   belongs to the latest-starting session of its chained file whose span
//!   holds it, else the nearest), restarts a multisport leg's cumulative
//!   distance at the leg's first record, drops records that step back in
//!   time, and keeps a session without usable records as totals only.

mod assemble;
mod content;
mod damage;
mod fast;
mod frame;
mod message;
mod profile;
mod records;
mod stream;

use crate::activity::Activity;
use crate::decode::Deadline;
use crate::decode::DecodeError;
use crate::limits::Limits;

use damage::Damage;
pub use frame::crc16;
pub use profile::mesg;

/// Decodes a FIT file (chained files included) into its activities, one per
/// session in file order; a file that records without a session yields one
/// activity from its records.
///
/// Damage after some records is salvaged with a warning on each activity;
/// damage before any record is [`DecodeError::Truncated`] or
/// [`DecodeError::Corrupt`]. Settings, workout, monitoring and other
/// non-activity files are [`DecodeError::NotAnActivity`].
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    decode_with(bytes, limits, FitDecoder::default())
}

/// Which engine reads FIT messages. Both feed the same content layer, so
/// they differ only in speed and in what they can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FitDecoder {
    /// heavylegs' own reader: definitions once, data straight into columns;
    /// hands a file to fitparser when it meets something it does not cover.
    #[default]
    Fast,
    /// The `fitparser` crate's stream parser (the reference).
    Fitparser,
}

/// [`decode`] with an explicit engine.
pub fn decode_with(
    bytes: &[u8],
    limits: &Limits,
    decoder: FitDecoder,
) -> Result<Vec<Activity>, DecodeError> {
    let frame = frame::scan(bytes)?;
    let mut deadline = Deadline::start(limits);
    let mut collector = content::Collector::new(limits.max_records);
    let mut handed_over = None;
    let damage = match decoder {
        FitDecoder::Fast => match fast::run(bytes, &frame, &mut collector, &mut deadline)? {
            fast::Outcome::Read(damage) => damage,
            fast::Outcome::HandOver(why) => {
                collector = content::Collector::new(limits.max_records);
                handed_over = Some(format!("read by fitparser: {why}"));
                stream::run(bytes, &frame, &mut collector, &mut deadline)?
            }
        },
        FitDecoder::Fitparser => stream::run(bytes, &frame, &mut collector, &mut deadline)?,
    };
    let mut warnings = frame.warnings.clone();
    warnings.extend(handed_over);
    if let Some(damage) = damage {
        let kept = collector.records.len();
        let is_activity = collector.file_types.is_empty()
            || collector
                .file_types
                .contains(&profile::file_id::ACTIVITY_FILE);
        if kept == 0 && is_activity {
            return Err(match damage {
                Damage::Truncated { at_byte, detail } => DecodeError::Truncated {
                    format: "FIT",
                    detail: format!("{detail} at byte {at_byte}, before any record"),
                },
                Damage::Corrupt { at_byte, detail } => DecodeError::Corrupt {
                    format: "FIT",
                    detail: format!("{detail} at byte {at_byte}, before any record"),
                },
            });
        }
        warnings.push(match damage {
            Damage::Truncated { at_byte, detail } => {
                format!("truncated at byte {at_byte} ({detail}): kept {kept} records")
            }
            Damage::Corrupt { at_byte, detail } => {
                format!("unreadable data at byte {at_byte} ({detail}): kept {kept} records")
            }
        });
    }
    assemble::activities(collector, warnings)
}
