//! Pickle protocol versions.

use std::fmt;

use crate::error::{Error, ErrorKind};

/// A pickle protocol version, 0 to 5.
///
/// The default is [`Protocol::V5`], the highest (CPython's `pickle.HIGHEST_PROTOCOL`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// Protocol 0: text opcodes, readable by any Python.
    V0,
    /// Protocol 1: binary opcodes of Python 1.x/2.x.
    V1,
    /// Protocol 2 (Python 2.3): `NEWOBJ`, `PROTO`, `TUPLE1-3`, bools, `LONG1`.
    V2,
    /// Protocol 3 (Python 3.0): `bytes`.
    V3,
    /// Protocol 4 (Python 3.4): framing, `STACK_GLOBAL`, `MEMOIZE`, sets, large objects.
    V4,
    /// Protocol 5 (Python 3.8): `bytearray` and out-of-band buffers.
    #[default]
    V5,
}

impl Protocol {
    /// The highest protocol, 5.
    pub const HIGHEST: Protocol = Protocol::V5;

    /// All protocols, from 0 to 5.
    pub const ALL: [Protocol; 6] = [
        Protocol::V0,
        Protocol::V1,
        Protocol::V2,
        Protocol::V3,
        Protocol::V4,
        Protocol::V5,
    ];

    /// The protocol number.
    pub const fn as_u8(self) -> u8 {
        self as u8
    }
}

impl TryFrom<u8> for Protocol {
    type Error = Error;

    fn try_from(v: u8) -> Result<Protocol, Error> {
        Protocol::ALL.get(v as usize).copied().ok_or_else(|| {
            Error::new(
                ErrorKind::UnsupportedProtocol,
                format!("unsupported pickle protocol: {v}"),
            )
        })
    }
}

impl From<Protocol> for u8 {
    fn from(p: Protocol) -> u8 {
        p.as_u8()
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_u8())
    }
}
