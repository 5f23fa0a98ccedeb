//! The fitparser loop: one FIT object at a time, so that damage keeps what
//! precedes it instead of failing the whole file.
//!
//! Two of fitparser's parser bugs are avoided by editing a definition message
//! before fitparser reads it: a field whose size is not a multiple of its base
//! type (fitparser prints to stderr and reads bytes; developer fields
//! over-read or overflow) and a developer field without a description
//! (fitparser fails the rest of the file). Both become plain byte fields under
//! spare field numbers, which nothing reads, and a warning.

use fitparser::de::{DecodeOption, FitDataMessage, FitObject, FitStreamProcessor};
use fitparser::profile::field_types::FitBaseType;
use fitparser::{ErrorKind, Value};

use super::content::{Collector, Description, base_type_size};
use super::damage::{Damage, short_data};
use super::frame::Frame;
use super::message::Message;
use super::profile::{TIMESTAMP, field_description as fd, mesg};
use crate::decode::Deadline;
use crate::decode::DecodeError;

/// Feeds the framed bytes through fitparser into `sink`. `Ok(None)` means the
/// data was read to its end.
pub(super) fn run(
    bytes: &[u8],
    frame: &Frame,
    sink: &mut Collector,
    deadline: &mut Deadline,
) -> Result<Option<Damage>, DecodeError> {
    let mut parser = FitStreamProcessor::new();
    // CRCs were checked in `frame`; fitparser's checks would abort the file.
    parser.add_option(DecodeOption::SkipHeaderCrcValidation);
    parser.add_option(DecodeOption::SkipDataCrcValidation);
    let mut pos = 0;
    let mut seg = 0;
    while pos < frame.limit {
        deadline.check()?;
        let input = &bytes[pos..frame.limit];
        let segment = &frame.segments[seg.min(frame.segments.len() - 1)];
        let at_message = pos >= segment.data_start && pos < segment.data_end;
        let patched = if at_message && is_definition(input[0]) {
            patch_definition(input, |idx, num| {
                sink.dev_base_type(idx, num).map(base_type_size)
            })
        } else {
            None
        };
        let step = match &patched {
            Some((copy, note)) => {
                sink.warn(note.clone());
                parser
                    .deserialize_next(copy)
                    .map(|(rest, obj)| (copy.len() - rest.len(), obj))
            }
            None => parser
                .deserialize_next(input)
                .map(|(rest, obj)| (input.len() - rest.len(), obj)),
        };
        let (consumed, object) = match step {
            Ok(s) => s,
            Err(e) => {
                let found = damage(pos, &e);
                let at_end = matches!(found, Damage::Truncated { .. }) || pos + 2 >= frame.limit;
                return Ok(Some(match frame.short_by_bytes {
                    // Reading on into the CRC and beyond is the size's fault.
                    Some(short) if at_end && seg + 1 >= frame.segments.len() => {
                        short_data(pos, short)
                    }
                    _ => found,
                }));
            }
        };
        if consumed == 0 {
            return Ok(Some(Damage::Corrupt {
                at_byte: pos,
                detail: "parser made no progress".into(),
            }));
        }
        pos += consumed;
        if at_message && pos > segment.data_end {
            // fitparser would take the bytes after an overrun for a chained
            // file header (and overflows computing how many it needs).
            return Ok(Some(Damage::Corrupt {
                at_byte: pos - consumed,
                detail: format!(
                    "message runs {} bytes past the data size in the FIT header",
                    pos - segment.data_end
                ),
            }));
        }
        match object {
            FitObject::DataMessage(msg) => {
                sink.message(&msg)?;
                if msg.global() == mesg::FIELD_DESCRIPTION {
                    match describe(msg, &mut parser) {
                        Some(d) => sink.describe(d),
                        None => sink.warn("unreadable developer field description ignored".into()),
                    }
                }
            }
            FitObject::Crc(_) => {
                // Each chained file has its own definitions, accumulators and dev fields.
                parser.reset();
                sink.end_of_file();
                seg += 1;
            }
            FitObject::Header(_) | FitObject::DefinitionMessage(_) => {}
        }
    }
    Ok(frame.short_by_bytes.map(|short| short_data(pos, short)))
}

/// Registers a developer field with fitparser (its parser needs the
/// description to read later developer values) and returns it as accepted by
/// fitparser's own rules (`DeveloperFieldDescription::try_from`).
fn describe(mut msg: FitDataMessage, parser: &mut FitStreamProcessor) -> Option<Description> {
    // fitparser turns a timestamp into a chrono date and panics on huge ones;
    // a field description needs none.
    msg.fields_mut().remove(&TIMESTAMP);
    // Raw numbers, as the fast engine reads them (the profile layer would
    // turn a known message number into its name).
    let (native_mesg, native_field) = (
        msg.unsigned(fd::NATIVE_MESG_NUM),
        msg.unsigned(fd::NATIVE_FIELD_NUM),
    );
    let n_extra = msg.developer_fields().len() + usize::from(msg.time_offset().is_some());
    let record = parser.decode_message(msg).ok()?;
    // fitparser appends developer fields and a compressed timestamp after
    // the native ones; only the native ones describe the field.
    let all = record.fields();
    let native = &all[..all.len().saturating_sub(n_extra)];
    let get = |num: u8| native.iter().find(|f| f.number() == num).map(|f| f.value());
    let (Some(Value::UInt8(index)), Some(Value::UInt8(number)), Some(Value::String(base))) = (
        get(fd::DEVELOPER_DATA_INDEX),
        get(fd::FIELD_DEFINITION_NUMBER),
        get(fd::FIT_BASE_TYPE_ID),
    ) else {
        return None;
    };
    Some(Description {
        index: *index,
        number: *number,
        base_type: base_type_code(FitBaseType::from(base.as_str())),
        name: match get(fd::FIELD_NAME) {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        },
        scale: match get(fd::SCALE) {
            Some(Value::UInt8(s)) => f64::from(*s),
            _ => 1.0,
        },
        offset: match get(fd::OFFSET) {
            Some(Value::SInt8(o)) => f64::from(*o),
            _ => 0.0,
        },
        native_mesg,
        native_field,
    })
}

/// The FIT code of a base type fitparser has named (unknown names → byte).
fn base_type_code(t: FitBaseType) -> u8 {
    match t {
        FitBaseType::Enum => 0x00,
        FitBaseType::Sint8 => 0x01,
        FitBaseType::Uint8 => 0x02,
        FitBaseType::Sint16 => 0x83,
        FitBaseType::Uint16 => 0x84,
        FitBaseType::Sint32 => 0x85,
        FitBaseType::Uint32 => 0x86,
        FitBaseType::String => 0x07,
        FitBaseType::Float32 => 0x88,
        FitBaseType::Float64 => 0x89,
        FitBaseType::Uint8z => 0x0A,
        FitBaseType::Uint16z => 0x8B,
        FitBaseType::Uint32z => 0x8C,
        FitBaseType::Byte => 0x0D,
        FitBaseType::Sint64 => 0x8E,
        FitBaseType::Uint64 => 0x8F,
        FitBaseType::Uint64z => 0x90,
        _ => 0x0D,
    }
}

fn damage(at_byte: usize, e: &fitparser::Error) -> Damage {
    match e.as_ref() {
        ErrorKind::UnexpectedEof(_) => Damage::Truncated {
            at_byte,
            detail: "file ends inside a message".into(),
        },
        ErrorKind::MissingDefinitionMessage(local, _) => Damage::Corrupt {
            at_byte,
            detail: format!("local message {local} used before it was defined"),
        },
        ErrorKind::ParseError(..) => Damage::Corrupt {
            at_byte,
            detail: "unreadable message".into(),
        },
        other => Damage::Corrupt {
            at_byte,
            detail: other.to_string(),
        },
    }
}

/// A normal (not compressed-timestamp) header with the definition bit.
fn is_definition(header: u8) -> bool {
    header & 0x80 == 0 && header & 0x40 != 0
}

const BYTE_TYPE: u8 = 0x0D;

/// A same-length copy of the definition message at the start of `input` that
/// fitparser can read safely, with a note on what changed; `None` when it is
/// fine as it is (or too short to judge, which fitparser reports as truncation).
///
/// `dev_size(developer index, field number)` gives the base-type size of a
/// described developer field.
fn patch_definition(
    input: &[u8],
    dev_size: impl Fn(u8, u8) -> Option<usize>,
) -> Option<(Vec<u8>, String)> {
    let has_dev = input[0] & 0x20 != 0;
    let n_native = usize::from(*input.get(5)?);
    let native_end = 6 + 3 * n_native;
    let n_dev = if has_dev {
        usize::from(*input.get(native_end)?)
    } else {
        0
    };
    let len = native_end + usize::from(has_dev) + 3 * n_dev;
    let def = input.get(..len)?;
    let global = u16::from_le_bytes([def[3], def[4]]);
    let global = if def[2] == 1 {
        global.swap_bytes()
    } else {
        global
    };

    let mut copy = def.to_vec();
    let mut notes = Vec::new();
    for i in 0..n_native {
        let at = 6 + 3 * i;
        let (num, size, code) = (def[at], usize::from(def[at + 1]), def[at + 2]);
        if size % base_type_size(code & 0x9F) != 0 {
            copy[at + 2] = BYTE_TYPE;
            notes.push(format!(
                "message {global} field {num}: size {size} is not a multiple of its type; read as bytes"
            ));
        }
    }
    let dev_ok = (0..n_dev).all(|i| {
        let at = native_end + 1 + 3 * i;
        let (num, size, idx) = (def[at], usize::from(def[at + 1]), def[at + 2]);
        dev_size(idx, num).is_some_and(|s| size % s == 0)
    });
    if !dev_ok {
        if n_native + n_dev > 255 {
            return None;
        }
        // Move the developer fields into the native list as bytes, under
        // numbers this definition does not use; keep the length unchanged
        // by leaving a developer-field count of zero at the end.
        let used: Vec<u8> = (0..n_native).map(|i| def[6 + 3 * i]).collect();
        let mut spare = (0..=251u8).rev().filter(|n| !used.contains(n));
        let mut out = def[..5].to_vec();
        out.push((n_native + n_dev) as u8);
        out.extend_from_slice(&copy[6..native_end]);
        for i in 0..n_dev {
            let at = native_end + 1 + 3 * i;
            out.extend([spare.next()?, def[at + 1], BYTE_TYPE]);
        }
        out.push(0);
        debug_assert_eq!(out.len(), def.len());
        copy = out;
        notes.push(format!(
            "message {global}: developer fields without a usable description dropped"
        ));
    }
    (!notes.is_empty()).then(|| (copy, notes.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Definition of local message 0 for global message 20 (record), little endian.
    fn definition(fields: &[[u8; 3]], dev: Option<&[[u8; 3]]>) -> Vec<u8> {
        let mut d = vec![if dev.is_some() { 0x60 } else { 0x40 }, 0, 0, 20, 0];
        d.push(fields.len() as u8);
        d.extend(fields.iter().flatten());
        if let Some(dev) = dev {
            d.push(dev.len() as u8);
            d.extend(dev.iter().flatten());
        }
        d
    }

    #[test]
    fn aligned_definitions_are_left_alone() {
        let d = definition(&[[253, 4, 0x86], [3, 1, 0x02]], Some(&[[0, 2, 0]]));
        assert_eq!(patch_definition(&d, |_, _| Some(2)), None);
    }

    #[test]
    fn misaligned_native_field_becomes_bytes() {
        let d = definition(&[[253, 4, 0x86], [7, 3, 0x84]], None);
        let (copy, note) = patch_definition(&d, |_, _| None).unwrap();
        assert_eq!(copy.len(), d.len());
        assert_eq!(&copy[9..12], &[7, 3, BYTE_TYPE]);
        assert!(note.contains("message 20 field 7: size 3"), "{note}");
    }

    #[test]
    fn undescribed_or_misaligned_dev_fields_become_spare_native_bytes() {
        let d = definition(&[[253, 4, 0x86]], Some(&[[0, 3, 0], [1, 1, 0]]));
        // field (0, 0) is uint16 but 3 bytes long
        let (copy, note) = patch_definition(&d, |_, n| Some(if n == 0 { 2 } else { 1 })).unwrap();
        assert_eq!(copy.len(), d.len());
        assert_eq!(copy[5], 3, "three native fields now");
        assert_eq!(&copy[9..15], &[251, 3, BYTE_TYPE, 250, 1, BYTE_TYPE]);
        assert_eq!(copy[15], 0, "no developer fields left");
        assert!(note.contains("developer fields"), "{note}");
        // an undescribed one triggers the same
        assert!(patch_definition(&d, |_, _| None).is_some());
    }

    #[test]
    fn short_definition_is_left_to_the_parser() {
        let d = definition(&[[253, 4, 0x86], [7, 3, 0x84]], None);
        assert_eq!(patch_definition(&d[..8], |_, _| None), None);
    }
}
