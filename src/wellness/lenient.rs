//! Lenient reading of exported JSON values: exports write numbers as
//! strings, dates as strings or epoch milliseconds, and leave keys out.
//! Every helper answers `None` for what it cannot read; the caller decides
//! whether that is a warning or simply no data.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

/// A number, or a string holding one (`"48"`, `" 52.5 "`).
pub fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|x| x.is_finite())
}

/// A string, or a number written as its decimal text (ids).
pub fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A calendar day: `"2026-03-02"` (anything after the first ten characters
/// is ignored, so `"2026-03-02T00:00:00.0"` works), `{"date": "…"}`, or epoch ms.
pub fn date(v: Option<&Value>) -> Option<NaiveDate> {
    match v? {
        Value::String(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        Value::Object(o) => date(o.get("date")),
        Value::Number(_) => time(v).map(|t| t.date_naive()),
        _ => None,
    }
}

/// An instant in GMT: `"2026-03-02T21:40:00.0"` (with or without fraction
/// or a trailing `Z`) or epoch milliseconds.
pub fn time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    match v? {
        Value::String(s) => {
            let s = s.trim().trim_end_matches('Z');
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
                .ok()
                .map(|t| t.and_utc())
                .or_else(|| {
                    s.parse::<i64>()
                        .ok()
                        .and_then(DateTime::from_timestamp_millis)
                })
        }
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .and_then(DateTime::from_timestamp_millis),
        _ => None,
    }
}

/// What a JSON value is, in words, for an error naming what stands where an array was expected.
pub(super) fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_dates_and_times_in_their_exported_spellings() {
        assert_eq!(num(Some(&json!("48"))), Some(48.0));
        assert_eq!(num(Some(&json!(52.5))), Some(52.5));
        assert_eq!(num(Some(&json!("n/a"))), None);
        assert_eq!(num(None), None);
        let d = NaiveDate::from_ymd_opt(2026, 3, 2);
        assert_eq!(date(Some(&json!("2026-03-02"))), d);
        assert_eq!(date(Some(&json!({"date": "2026-03-02T00:00:00.0"}))), d);
        assert_eq!(date(Some(&json!("03/02/2026"))), None);
        let t = time(Some(&json!("2026-03-02T21:40:00.0"))).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-02T21:40:00+00:00");
        assert_eq!(time(Some(&json!(t.timestamp_millis()))), Some(t));
        assert_eq!(time(Some(&json!("2026-03-02T21:40:00Z"))), Some(t));
        assert_eq!(
            text(Some(&json!(1234567890123u64))).as_deref(),
            Some("1234567890123")
        );
    }
}

/// Typed, lenient reading for the big daily files (a decade is ≈ 11,000
/// entries): fields that never fail, unknown keys skipped without building
/// a value tree. `serde_json::Value` stays in use for the small files.
pub mod typed {
    use std::fmt;
    use std::marker::PhantomData;

    use chrono::{DateTime, NaiveDate, Utc};
    use serde::Deserialize;
    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    /// A number, a numeric string, or `{"value": …}`; anything else is `None`.
    #[derive(Debug, Default, Clone, Copy, PartialEq)]
    pub struct Num(pub Option<f64>);

    /// A non-empty string, a number as its text, or `{"date": …}`; else `None`.
    #[derive(Debug, Default, Clone, PartialEq)]
    pub struct Text(pub Option<String>);

    /// An object read as `T`, or what else stood there (for the warning).
    #[derive(Debug, Clone, PartialEq)]
    pub enum Item<T> {
        Obj(T),
        Not(&'static str),
    }

    impl<T> Default for Item<T> {
        fn default() -> Self {
            Item::Not("nothing")
        }
    }

    /// A list of [`Item`]s; anything but a list is an empty one.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Many<T>(pub Vec<Item<T>>);

    impl<T> Default for Many<T> {
        fn default() -> Self {
            Many(Vec::new())
        }
    }

    fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    /// Reads a map, keeping the value of `key` read as `V`.
    fn map_key<'de, A, V>(mut map: A, key: &str) -> Result<Option<V>, A::Error>
    where
        A: MapAccess<'de>,
        V: Deserialize<'de>,
    {
        let mut found = None;
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if k == key {
                found = Some(map.next_value::<V>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    impl<'de> Deserialize<'de> for Num {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Num;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("anything")
                }
                fn visit_bool<E>(self, _: bool) -> Result<Num, E> {
                    Ok(Num(None))
                }
                fn visit_i64<E>(self, v: i64) -> Result<Num, E> {
                    Ok(Num(Some(v as f64)))
                }
                fn visit_u64<E>(self, v: u64) -> Result<Num, E> {
                    Ok(Num(Some(v as f64)))
                }
                fn visit_f64<E>(self, v: f64) -> Result<Num, E> {
                    Ok(Num(Some(v).filter(|x| x.is_finite())))
                }
                fn visit_str<E>(self, v: &str) -> Result<Num, E> {
                    Ok(Num(v.trim().parse::<f64>().ok().filter(|x| x.is_finite())))
                }
                fn visit_unit<E>(self) -> Result<Num, E> {
                    Ok(Num(None))
                }
                fn visit_none<E>(self) -> Result<Num, E> {
                    Ok(Num(None))
                }
                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Num, D::Error> {
                    Num::deserialize(d)
                }
                fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Num, A::Error> {
                    drain_seq(seq).map(|_| Num(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Num, A::Error> {
                    Ok(map_key::<A, Num>(map, "value")?.unwrap_or_default())
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de> Deserialize<'de> for Text {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Text;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("anything")
                }
                fn visit_bool<E>(self, _: bool) -> Result<Text, E> {
                    Ok(Text(None))
                }
                fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                    Ok(Text(Some(v.to_string())))
                }
                fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                    Ok(Text(Some(v.to_string())))
                }
                fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                    let whole = v.is_finite() && v.fract() == 0.0 && v.abs() < 9e15;
                    Ok(Text(Some(if whole {
                        (v as i64).to_string()
                    } else {
                        v.to_string()
                    })))
                }
                fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                    let v = v.trim();
                    Ok(Text((!v.is_empty()).then(|| v.to_owned())))
                }
                fn visit_unit<E>(self) -> Result<Text, E> {
                    Ok(Text(None))
                }
                fn visit_none<E>(self) -> Result<Text, E> {
                    Ok(Text(None))
                }
                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
                    Text::deserialize(d)
                }
                fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text, A::Error> {
                    drain_seq(seq).map(|_| Text(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
                    Ok(map_key::<A, Text>(map, "date")?.unwrap_or_default())
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Item<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Item<T>, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Item<T>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("anything")
                }
                fn visit_bool<E>(self, _: bool) -> Result<Item<T>, E> {
                    Ok(Item::Not("a boolean"))
                }
                fn visit_i64<E>(self, _: i64) -> Result<Item<T>, E> {
                    Ok(Item::Not("a number"))
                }
                fn visit_u64<E>(self, _: u64) -> Result<Item<T>, E> {
                    Ok(Item::Not("a number"))
                }
                fn visit_f64<E>(self, _: f64) -> Result<Item<T>, E> {
                    Ok(Item::Not("a number"))
                }
                fn visit_str<E>(self, _: &str) -> Result<Item<T>, E> {
                    Ok(Item::Not("a string"))
                }
                fn visit_unit<E>(self) -> Result<Item<T>, E> {
                    Ok(Item::Not("null"))
                }
                fn visit_none<E>(self) -> Result<Item<T>, E> {
                    Ok(Item::Not("null"))
                }
                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Item<T>, D::Error> {
                    Item::deserialize(d)
                }
                fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Item<T>, A::Error> {
                    drain_seq(seq).map(|_| Item::Not("an array"))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item<T>, A::Error> {
                    T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Item::Obj)
                }
            }
            d.deserialize_any(V(PhantomData))
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Many<T>, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Many<T>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("anything")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<T>, A::Error> {
                    let mut out = Vec::new();
                    while let Some(item) = seq.next_element::<Item<T>>()? {
                        out.push(item);
                    }
                    Ok(Many(out))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Many<T>, A::Error> {
                    map_key::<A, IgnoredAny>(map, "").map(|_| Many::default())
                }
                fn visit_bool<E>(self, _: bool) -> Result<Many<T>, E> {
                    Ok(Many::default())
                }
                fn visit_i64<E>(self, _: i64) -> Result<Many<T>, E> {
                    Ok(Many::default())
                }
                fn visit_u64<E>(self, _: u64) -> Result<Many<T>, E> {
                    Ok(Many::default())
                }
                fn visit_f64<E>(self, _: f64) -> Result<Many<T>, E> {
                    Ok(Many::default())
                }
                fn visit_str<E>(self, _: &str) -> Result<Many<T>, E> {
                    Ok(Many::default())
                }
                fn visit_unit<E>(self) -> Result<Many<T>, E> {
                    Ok(Many::default())
                }
                fn visit_none<E>(self) -> Result<Many<T>, E> {
                    Ok(Many::default())
                }
                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Many<T>, D::Error> {
                    Many::deserialize(d)
                }
            }
            d.deserialize_any(V(PhantomData))
        }
    }

    /// A top-level array, seen by its first byte (so the error names what it is instead).
    pub fn array<'de, T: Deserialize<'de>>(
        bytes: &'de [u8],
    ) -> Result<Vec<Item<T>>, crate::wellness::WellnessError> {
        use crate::wellness::WellnessError;
        let first = bytes
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf);
        if first != Some(b'[') {
            // Let serde_json name the damage, or name what stands there instead.
            return match serde_json::from_slice::<serde_json::Value>(bytes) {
                Err(e) => Err(WellnessError::Json(e.to_string())),
                Ok(v) => Err(WellnessError::Layout(format!(
                    "a JSON array expected, found {}",
                    crate::wellness::lenient::kind(&v)
                ))),
            };
        }
        serde_json::from_slice::<Vec<Item<T>>>(bytes)
            .map_err(|e| WellnessError::Json(e.to_string()))
    }

    impl Text {
        /// A day: `YYYY-MM-DD…` or epoch milliseconds.
        pub fn date(&self) -> Option<NaiveDate> {
            let s = self.0.as_deref()?;
            match s
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            {
                Some(d) => Some(d),
                None => self.time().map(|t| t.date_naive()),
            }
        }

        /// A GMT instant: ISO text or epoch milliseconds.
        pub fn time(&self) -> Option<DateTime<Utc>> {
            super::time(Some(&serde_json::Value::String(self.0.clone()?)))
        }
    }
}

#[cfg(test)]
mod typed_tests {
    use super::typed::{self, Item, Many, Num, Text};
    use chrono::NaiveDate;

    #[derive(serde::Deserialize, Default, Debug)]
    #[serde(default)]
    struct E {
        n: Num,
        t: Text,
        m: Many<E>,
    }

    #[test]
    fn typed_fields_never_fail_the_file() {
        let got = typed::array::<E>(
            br#"[{"n": "7", "t": {"date": "2026-03-02"}, "m": [{"n": {"value": 3}}, 4], "x": [1, {}]},
                 {"n": [1], "t": 1772521200000.0, "m": "no"}, 5, null]"#,
        )
        .unwrap();
        let Item::Obj(a) = &got[0] else {
            panic!("first entry is an object")
        };
        assert_eq!(a.n, Num(Some(7.0)));
        assert_eq!(a.t.date(), NaiveDate::from_ymd_opt(2026, 3, 2));
        assert!(matches!(&a.m.0[0], Item::Obj(e) if e.n == Num(Some(3.0))));
        assert!(matches!(a.m.0[1], Item::Not("a number")));
        let Item::Obj(b) = &got[1] else {
            panic!("second entry is an object")
        };
        assert_eq!(b.n, Num(None));
        assert_eq!(
            b.t.time().map(|t| t.timestamp_millis()),
            Some(1772521200000)
        );
        assert!(b.m.0.is_empty());
        assert!(matches!(got[2], Item::Not("a number")));
        assert!(matches!(got[3], Item::Not("null")));
        let e = typed::array::<E>(b"{}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected layout: a JSON array expected, found an object"
        );
    }
}
