//! A data message as the content layer reads it: raw field values by
//! number, whichever engine parsed the bytes.
//!
//! [`Message`] is the seam between the two FIT engines and [`super::content`]:
//! the fast reader implements it over the message's bytes, and fitparser's
//! raw messages implement it here. Semantics follow fitparser's raw layer
//! (first valid element of an array, invalid markers as absent), so both
//! engines give the content layer the same numbers.

use fitparser::Value;
use fitparser::de::FitDataMessage;

/// Raw (unscaled) field values of one data message.
pub(super) trait Message {
    fn global(&self) -> u16;
    /// The 5-bit time offset of a compressed-timestamp header.
    fn time_offset(&self) -> Option<u8>;
    /// Field `num` as a number: the first valid element, finite.
    fn number(&self, num: u8) -> Option<f64>;
    /// Field `num` as a non-negative integer (first valid such element).
    fn unsigned(&self, num: u8) -> Option<u64>;
    /// A string field, trimmed; empty strings are `None`.
    fn text(&self, num: u8) -> Option<&str>;
    /// The first three bytes of a 3+ byte `byte`/`uint8` field (compressed speed/distance).
    fn packed3(&self, num: u8) -> Option<[u8; 3]>;
    /// Each developer field's `(developer index, field number)` and raw number.
    fn dev_numbers(&self, each: &mut dyn FnMut((u8, u8), f64));

    /// A FIT `date_time` (uint32 seconds since the FIT epoch). A wider base
    /// type holding a larger value is damage, not a date.
    fn date_time(&self, num: u8) -> Option<u32> {
        self.unsigned(num).and_then(|x| u32::try_from(x).ok())
    }

    /// `raw / scale - offset` of a profile field.
    #[inline(always)]
    fn scaled(&self, f: super::profile::Field) -> Option<f64> {
        self.number(f.num).map(|x| x / f.scale - f.offset)
    }
}

impl Message for FitDataMessage {
    fn global(&self) -> u16 {
        self.global_message_number()
    }
    fn time_offset(&self) -> Option<u8> {
        FitDataMessage::time_offset(self)
    }
    fn number(&self, num: u8) -> Option<f64> {
        self.fields().get(&num).and_then(number)
    }
    fn unsigned(&self, num: u8) -> Option<u64> {
        self.fields().get(&num).and_then(unsigned)
    }
    fn text(&self, num: u8) -> Option<&str> {
        match self.fields().get(&num) {
            Some(Value::String(s)) => Some(s.trim()).filter(|s| !s.is_empty()),
            _ => None,
        }
    }
    fn packed3(&self, num: u8) -> Option<[u8; 3]> {
        let Some(Value::Array(items)) = self.fields().get(&num) else {
            return None;
        };
        if items.len() < 3 {
            return None;
        }
        let mut b = [0u8; 3];
        for (slot, item) in b.iter_mut().zip(items) {
            *slot = match item {
                Value::Byte(x) | Value::UInt8(x) => *x,
                _ => return None,
            };
        }
        Some(b)
    }
    fn dev_numbers(&self, each: &mut dyn FnMut((u8, u8), f64)) {
        for (key, value) in self.developer_fields() {
            if let Some(x) = number(value) {
                each(*key, x);
            }
        }
    }
}

/// A numeric field as f64. Arrays yield their first valid element; strings,
/// non-finite floats and invalid markers yield `None`.
fn number(v: &Value) -> Option<f64> {
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
fn unsigned(v: &Value) -> Option<u64> {
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
}
