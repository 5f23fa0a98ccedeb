//! Compact binary forms for values the cache holds by the thousand: a
//! weekly run decodes every cached row, and serde's general forms cost there
//! (a date parsed from its RFC 3339 text was a fifth of a row's decode, a
//! histogram's bins went through the sequence machinery one number at a time).

use chrono::{DateTime, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant as (seconds, nanoseconds) since the epoch: exact, where a
/// count of microseconds would round and one of nanoseconds overflows past 2262.
pub mod time {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        (t.timestamp(), t.timestamp_subsec_nanos()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let (secs, nanos) = <(i64, u32)>::deserialize(d)?;
        DateTime::from_timestamp(secs, nanos)
            .ok_or_else(|| de::Error::custom("instant out of range"))
    }
}

/// [`time`] for an optional instant.
pub mod time_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        t.map(|t| (t.timestamp(), t.timestamp_subsec_nanos()))
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<(i64, u32)>::deserialize(d)?
            .map(|(secs, nanos)| {
                DateTime::from_timestamp(secs, nanos)
                    .ok_or_else(|| de::Error::custom("instant out of range"))
            })
            .transpose()
    }
}

/// A list of numbers as one byte string (8 bytes each, little-endian).
pub mod f64s {
    use super::*;

    pub fn serialize<S: Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        d.deserialize_bytes(F64s)
    }

    struct F64s;

    impl<'de> Visitor<'de> for F64s {
        type Value = Vec<f64>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a byte string of little-endian f64s")
        }

        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<f64>, E> {
            if !bytes.len().is_multiple_of(8) {
                return Err(E::invalid_length(bytes.len(), &self));
            }
            Ok(bytes
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default()))
                .collect())
        }

        fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Vec<f64>, E> {
            self.visit_bytes(&bytes)
        }

        // Self-describing formats (JSON) hand bytes over as a sequence of numbers.
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
            let mut bytes = Vec::new();
            while let Some(b) = seq.next_element::<u8>()? {
                bytes.push(b);
            }
            self.visit_bytes(&bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct H(#[serde(with = "super::f64s")] Vec<f64>);

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct T(
        #[serde(with = "super::time")] chrono::DateTime<chrono::Utc>,
        #[serde(with = "super::time_opt")] Option<chrono::DateTime<chrono::Utc>>,
    );

    /// Exact to the nanosecond, before 1970 and past 2262 too.
    #[test]
    fn instants_round_trip_exactly() {
        let cfg = bincode::config::standard();
        for (secs, nanos) in [
            (0, 0),
            (1_790_000_000, 123_456_789),
            (-86_400 * 365 * 30, 1),
            (9_999_999_999, 999_999_999),
        ] {
            let t = chrono::DateTime::from_timestamp(secs, nanos).unwrap();
            for v in [T(t, Some(t)), T(t, None)] {
                let bytes = bincode::serde::encode_to_vec(&v, cfg).unwrap();
                let (back, _): (T, usize) = bincode::serde::decode_from_slice(&bytes, cfg).unwrap();
                assert_eq!(back, v);
            }
        }
    }

    #[test]
    fn numbers_round_trip_in_the_cache_and_in_json() {
        let h = H(vec![0.0, 1.5, -2.25, f64::MAX, 1e-300]);
        let cfg = bincode::config::standard();
        let bytes = bincode::serde::encode_to_vec(&h, cfg).unwrap();
        assert_eq!(bytes.len(), 1 + 5 * 8, "a length, then the numbers");
        let (back, _): (H, usize) = bincode::serde::decode_from_slice(&bytes, cfg).unwrap();
        assert_eq!(back, h);
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<H>(&json).unwrap(), h);
        let odd = bincode::serde::encode_to_vec(serde_bytes_of(&[1, 2, 3]), cfg).unwrap();
        assert!(bincode::serde::decode_from_slice::<H, _>(&odd, cfg).is_err());
    }

    fn serde_bytes_of(b: &[u8]) -> impl serde::Serialize + '_ {
        struct B<'a>(&'a [u8]);
        impl serde::Serialize for B<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        B(b)
    }
}
