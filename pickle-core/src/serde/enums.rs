//! Enums, in both of serde-pickle's forms: `'Variant'` or
//! `{'Variant': data}` (what it writes by default, and what this crate
//! writes), and `('Variant',)` or `('Variant', data)` (its "compat" form).

use ::serde::de::{self, DeserializeSeed, Visitor};

use super::de::Deserializer;
use crate::de::{Decoder, Kind, Map, Seq};
use crate::error::{Error, ErrorKind, Result};

/// The variant's name and data, about to be read.
pub(super) struct EnumAccess<'de, 'a> {
    de: Deserializer<'de, 'a>,
}

impl<'de, 'a> EnumAccess<'de, 'a> {
    pub(super) fn new(de: Deserializer<'de, 'a>) -> EnumAccess<'de, 'a> {
        EnumAccess { de }
    }
}

/// What holds the variant's data, to be checked for more after it.
enum Rest<'a> {
    /// A bare name: no data.
    None,
    /// The dict of one entry.
    Dict(Map<'a>),
    /// The tuple of the name and the data.
    Tuple(Seq<'a>),
}

/// The data of a variant, about to be read.
pub(super) struct VariantAccess<'de, 'a> {
    de: Deserializer<'de, 'a>,
    data: Option<Decoder<'a>>,
    rest: Rest<'a>,
}

fn not_a_variant(d: &Decoder<'_>) -> Error {
    d.type_error("an enum variant (a str, a dict of one entry, or a tuple of a str and the data)")
}

impl<'de, 'a> de::EnumAccess<'de> for EnumAccess<'de, 'a> {
    type Error = Error;
    type Variant = VariantAccess<'de, 'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantAccess<'de, 'a>)> {
        let de = self.de;
        let d = de.d;
        let (name, data, rest) = match d.kind() {
            Kind::Str => (d, None, Rest::None),
            Kind::Dict => {
                let mut map = d.map()?;
                let (name, data) = map.next_entry()?.ok_or_else(|| not_a_variant(&d))?;
                (name, Some(data), Rest::Dict(map))
            }
            Kind::Tuple | Kind::List => {
                let mut seq = d.seq()?;
                let name = seq.next_item()?.ok_or_else(|| not_a_variant(&d))?;
                // The data's decoder is taken after the name is read.
                let variant = seed.deserialize(de.at(name))?;
                let data = seq.next_item()?;
                return Ok((
                    variant,
                    VariantAccess {
                        de,
                        data,
                        rest: Rest::Tuple(seq),
                    },
                ));
            }
            _ => return Err(not_a_variant(&d)),
        };
        let variant = seed.deserialize(de.at(name))?;
        Ok((variant, VariantAccess { de, data, rest }))
    }
}

impl<'a> VariantAccess<'_, 'a> {
    /// The variant's data, which a variant with data must have.
    fn data(&self) -> Result<Decoder<'a>> {
        self.data.ok_or_else(|| {
            self.de.d.error(
                ErrorKind::Type,
                "expected the enum variant's data, found none",
            )
        })
    }

    /// Checks that nothing follows the variant's data.
    fn finish(self) -> Result<()> {
        let more = match self.rest {
            Rest::None => false,
            Rest::Dict(mut map) => map.next_entry()?.is_some(),
            Rest::Tuple(mut seq) => seq.next_item()?.is_some(),
        };
        if more {
            return Err(self.de.d.error(
                ErrorKind::Type,
                "an enum variant is a dict of one entry or a tuple of two items, found more",
            ));
        }
        Ok(())
    }
}

impl<'de> de::VariantAccess<'de> for VariantAccess<'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        // A unit variant's data, if any, must be `None`: anything else
        // would be dropped.
        if let Some(data) = self.data {
            data.decode_none()?;
        }
        self.finish()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        let value = seed.deserialize(self.de.at(self.data()?))?;
        self.finish()?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value> {
        let data = self.de.at(self.data()?);
        let value = de::Deserializer::deserialize_tuple(data, len, v)?;
        self.finish()?;
        Ok(value)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        let data = self.de.at(self.data()?);
        let value = de::Deserializer::deserialize_struct(data, "", fields, v)?;
        self.finish()?;
        Ok(value)
    }
}
