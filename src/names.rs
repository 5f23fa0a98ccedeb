//! One spelling per enum value: the name serde gives a unit variant (its
//! `rename`/`rename_all`) is also its label in text, CSV and logs, so no
//! hand-written `match` can drift from the JSON.

use serde::Serialize;
use serde::ser::{Impossible, Serializer};

/// The serde name of a unit enum variant (`Status::NotAssessable` →
/// `"not_assessable"` under `rename_all = "snake_case"`). Anything else
/// (a struct, a number, a variant with data) has no name and gives `""`.
pub fn serde_name<T: Serialize + ?Sized>(value: &T) -> &'static str {
    value.serialize(VariantName).unwrap_or("")
}

/// Not a unit variant.
#[derive(Debug)]
pub struct NoName;

impl std::fmt::Display for NoName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a unit enum variant")
    }
}

impl std::error::Error for NoName {}

impl serde::ser::Error for NoName {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NoName
    }
}

/// A serializer that only answers unit variants, with their name.
struct VariantName;

macro_rules! no_name {
    ($($method:ident($($ty:ty)?)),* $(,)?) => {
        $(fn $method(self $(, _: $ty)?) -> Result<&'static str, NoName> {
            Err(NoName)
        })*
    };
}

impl Serializer for VariantName {
    type Ok = &'static str;
    type Error = NoName;
    type SerializeSeq = Impossible<&'static str, NoName>;
    type SerializeTuple = Impossible<&'static str, NoName>;
    type SerializeTupleStruct = Impossible<&'static str, NoName>;
    type SerializeTupleVariant = Impossible<&'static str, NoName>;
    type SerializeMap = Impossible<&'static str, NoName>;
    type SerializeStruct = Impossible<&'static str, NoName>;
    type SerializeStructVariant = Impossible<&'static str, NoName>;

    no_name!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<&'static str, NoName> {
        Ok(variant)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<&'static str, NoName> {
        Err(NoName)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<&'static str, NoName> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NoName> {
        Err(NoName)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NoName> {
        Err(NoName)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NoName> {
        Err(NoName)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NoName> {
        Err(NoName)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NoName> {
        Err(NoName)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NoName> {
        Err(NoName)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NoName> {
        Err(NoName)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NoName> {
        Err(NoName)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Sample {
        NotAssessable,
        #[serde(rename = "md")]
        Markdown,
        Data(#[allow(dead_code)] u8),
    }

    #[test]
    fn unit_variants_give_their_serde_name_and_nothing_else_does() {
        assert_eq!(serde_name(&Sample::NotAssessable), "not_assessable");
        assert_eq!(serde_name(&Sample::Markdown), "md");
        assert_eq!(serde_name(&Sample::Data(1)), "");
        assert_eq!(serde_name(&3_u8), "");
        assert_eq!(
            serde_name(&Sample::NotAssessable),
            serde_json::to_value(Sample::NotAssessable).unwrap()
        );
    }
}
