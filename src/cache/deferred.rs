//! A value the cache stores as a byte string of its own and decodes on first
//! use. A row's run metrics are three fifths of its bytes and most of its
//! decoding; a history of copies (one run as FIT, GPX and TCX, or exports
//! that overlap) holds thousands of rows whose metrics no stage reads once
//! they are found to be duplicates. Kept as bytes, a warm run never decodes them.
//!
//! On disk: an optional byte string, the value's own bincode. In memory: the
//! bytes the cache handed over and the value, decoded once (from any thread).

use std::sync::OnceLock;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub struct Deferred<T> {
    /// The cache's bytes, when the value came from the cache.
    stored: Option<Box<[u8]>>,
    /// The value: set when built, or decoded from `stored` on first use
    /// (`None` inside when there is no value, or its bytes did not decode).
    value: OnceLock<Option<Box<T>>>,
}

impl<T: DeserializeOwned> Deferred<T> {
    /// A value built in this run.
    pub fn new(value: Option<Box<T>>) -> Self {
        Deferred {
            stored: None,
            value: OnceLock::from(value),
        }
    }

    /// The value, decoded now if it has not been yet.
    pub fn get(&self) -> Option<&T> {
        self.value
            .get_or_init(|| self.decode().ok().flatten())
            .as_deref()
    }

    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.get();
        self.value.get_mut()?.as_deref_mut()
    }

    /// Decodes the value now and lets go of its bytes; the error says why
    /// they did not decode (the value then reads as absent).
    pub fn resolve(&mut self) -> Result<(), String> {
        if self.value.get().is_some() {
            self.stored = None;
            return Ok(());
        }
        let decoded = self.decode();
        self.stored = None;
        let failed = decoded.as_ref().err().cloned();
        let _ = self.value.set(decoded.ok().flatten());
        failed.map_or(Ok(()), Err)
    }

    fn decode(&self) -> Result<Option<Box<T>>, String> {
        self.stored
            .as_deref()
            .map(|bytes| super::decode::<T>(bytes).map(Box::new))
            .transpose()
    }
}

#[cfg(test)]
impl<T> Deferred<T> {
    /// A value as the cache would hand over these bytes.
    pub(crate) fn stored(bytes: &[u8]) -> Self {
        Deferred {
            stored: Some(bytes.into()),
            value: OnceLock::new(),
        }
    }
}

impl<T> Default for Deferred<T> {
    fn default() -> Self {
        Deferred {
            stored: None,
            value: OnceLock::from(None),
        }
    }
}

impl<T: Clone> Clone for Deferred<T> {
    fn clone(&self) -> Self {
        Deferred {
            stored: self.stored.clone(),
            value: self.value.clone(),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Deferred<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.value.get(), &self.stored) {
            (Some(value), _) => value.fmt(f),
            (None, Some(bytes)) => write!(f, "Deferred({} bytes)", bytes.len()),
            (None, None) => f.write_str("None"),
        }
    }
}

impl<T: Serialize> Serialize for Deferred<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.value.get() {
            // Decoded (and maybe changed since): its bytes are encoded afresh.
            Some(value) => match value {
                Some(v) => {
                    let bytes = super::encode(v.as_ref()).map_err(serde::ser::Error::custom)?;
                    s.serialize_some(&Bytes(&bytes))
                }
                None => s.serialize_none(),
            },
            None => match &self.stored {
                Some(bytes) => s.serialize_some(&Bytes(bytes)),
                None => s.serialize_none(),
            },
        }
    }
}

struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<'de, T> Deserialize<'de> for Deferred<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = d.deserialize_option(OptionalBytes)?;
        Ok(Deferred {
            value: match stored {
                Some(_) => OnceLock::new(),
                None => OnceLock::from(None),
            },
            stored,
        })
    }
}

struct OptionalBytes;

impl<'de> Visitor<'de> for OptionalBytes {
    type Value = Option<Box<[u8]>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an optional byte string")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_bytes(OwnedBytes).map(Some)
    }
}

struct OwnedBytes;

impl<'de> Visitor<'de> for OwnedBytes {
    type Value = Box<[u8]>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a byte string")
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Box<[u8]>, E> {
        Ok(bytes.into())
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Box<[u8]>, E> {
        Ok(bytes.into_boxed_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct V {
        name: String,
        xs: Vec<f64>,
    }

    fn through_bytes<T: Serialize + DeserializeOwned>(value: &T) -> T {
        super::super::decode(&super::super::encode(value).unwrap()).unwrap()
    }

    #[test]
    fn a_value_is_decoded_when_first_asked_for_and_changes_are_kept() {
        let v = V {
            name: "run".into(),
            xs: vec![1.5, -2.0],
        };
        let mut back: Deferred<V> = through_bytes(&Deferred::new(Some(Box::new(v.clone()))));
        assert!(back.value.get().is_none(), "not decoded before it is used");
        assert_eq!(back.get(), Some(&v));
        back.get_mut().unwrap().xs.push(3.0);
        // Written again, the changed value is what is stored.
        let again: Deferred<V> = through_bytes(&back);
        assert_eq!(again.get().unwrap().xs, [1.5, -2.0, 3.0]);
        // Passed through undecoded, the bytes are kept as they were.
        let untouched: Deferred<V> = through_bytes(&through_bytes(&again));
        assert!(untouched.value.get().is_none());
        assert_eq!(untouched.get(), again.get());
        // Decoded on purpose, the bytes are let go.
        let mut resolved: Deferred<V> = through_bytes(&again);
        resolved.resolve().unwrap();
        assert!(resolved.stored.is_none());
        assert_eq!(resolved.get(), again.get());
    }

    #[test]
    fn an_absent_value_stays_absent_and_bad_bytes_are_an_error() {
        let mut none: Deferred<V> = through_bytes(&Deferred::<V>::new(None));
        assert_eq!(none.get(), None);
        assert_eq!(none.resolve(), Ok(()));
        let mut bad = Deferred::<V>::stored(&[200, 1, 2]);
        assert!(bad.resolve().is_err());
        assert_eq!(
            bad.get(),
            None,
            "a value that did not decode reads as absent"
        );
    }
}
