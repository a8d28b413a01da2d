//! The general reader's backend of [`Decoder`](crate::Decoder): the
//! objects of the arena, read after the machine has run to `STOP`.

pub(crate) mod decoder;
pub(crate) mod instance;
mod map;
pub(crate) mod seq;

pub(crate) use decoder::{Ctx, NodeDecoder};
pub(crate) use instance::NodeInstance;
pub(crate) use map::NodeMap;
pub(crate) use seq::NodeSeq;
