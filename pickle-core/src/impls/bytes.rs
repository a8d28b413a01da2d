//! Byte strings. A `Vec<u8>` is a list of ints, as serde writes it; these
//! wrappers are Python's `bytes` and `bytearray`.

use std::ops::{Deref, DerefMut};

use crate::de::Decoder;
use crate::error::Result;
use crate::{FromPickle, Pickler, ToPickle};

/// Borrowed bytes, written as a Python `bytes` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes<'a>(pub &'a [u8]);

impl ToPickle for Bytes<'_> {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_bytes(self.0)
    }
}

/// Owned bytes, written and read as a Python `bytes` object (reading also
/// takes a `bytearray` or a buffer).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteBuf(pub Vec<u8>);

/// Owned bytes, written and read as a Python `bytearray` (reading also takes
/// `bytes` or a buffer).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteArray(pub Vec<u8>);

macro_rules! owned_bytes {
    ($($t:ident => $write:ident),*) => {$(
        impl ToPickle for $t {
            fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
                p.$write(&self.0)
            }
        }

        impl FromPickle for $t {
            fn from_pickle(d: Decoder<'_>) -> Result<Self> {
                d.decode_bytes().map(|b| $t(b.to_vec()))
            }
        }

        impl Deref for $t {
            type Target = Vec<u8>;
            fn deref(&self) -> &Vec<u8> {
                &self.0
            }
        }

        impl DerefMut for $t {
            fn deref_mut(&mut self) -> &mut Vec<u8> {
                &mut self.0
            }
        }

        impl From<Vec<u8>> for $t {
            fn from(v: Vec<u8>) -> $t {
                $t(v)
            }
        }

        impl From<$t> for Vec<u8> {
            fn from(v: $t) -> Vec<u8> {
                v.0
            }
        }
    )*};
}
owned_bytes!(ByteBuf => write_bytes, ByteArray => write_bytearray);
