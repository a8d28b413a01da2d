//! What the fuzz targets share: a typed target that mirrors a derived
//! `Order`, and the round-trip property.
//!
//! `Order` is written by hand the way `#[derive(FromPickle)]` expands, so
//! that typed decoding (class allowlist, fields by position and by name, an
//! enum member, nested options and vectors) is fuzzed before the derive
//! lands on `main`.

use pickle_core::class::{ClassDesc, FieldDesc, Member, MemberValue, Repr};
use pickle_core::de::{Decoder, Options, PersistentIds};
use pickle_core::{ErrorKind, FromPickle, Protocol, Result, Value};

const fn field(name: &'static str, optional: bool) -> FieldDesc {
    FieldDesc {
        name,
        aliases: &[],
        optional,
    }
}

/// `shop.models.Status`, an `enum.Enum` with int and str members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `NEW = 1`
    New,
    /// `PAID = "paid"`
    Paid,
}

/// The class description of [`Status`].
pub static STATUS: ClassDesc = ClassDesc {
    module: "shop.models",
    name: "Status",
    repr: Repr::Enum,
    fields: &[],
    aliases: &[],
    deny_unknown_fields: false,
    members: &[
        Member {
            name: "NEW",
            value: MemberValue::Int(1),
        },
        Member {
            name: "PAID",
            value: MemberValue::Str("paid"),
        },
    ],
};

impl FromPickle for Status {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        match d.enum_member(&STATUS)? {
            0 => Ok(Status::New),
            _ => Ok(Status::Paid),
        }
    }
}

/// `shop.models.Order`, a plain class (state in `BUILD`).
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub id: i64,
    pub customer: String,
    pub price: f64,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub status: Option<Status>,
    pub lines: Vec<(String, u32)>,
}

/// The class description of [`Order`].
pub static ORDER: ClassDesc = ClassDesc {
    module: "shop.models",
    name: "Order",
    repr: Repr::State,
    fields: &[
        field("id", false),
        field("customer", false),
        field("price", false),
        field("tags", false),
        field("note", true),
        field("status", true),
        field("lines", true),
    ],
    aliases: &["shop.Order"],
    deny_unknown_fields: false,
    members: &[],
};

impl FromPickle for Order {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let mut inst = d.instance(&ORDER)?;
        let (mut id, mut customer, mut price, mut tags) = (None, None, None, None);
        let (mut note, mut status, mut lines) = (None, None, None);
        while let Some((index, value)) = inst.next_field()? {
            let name = ORDER.fields[index].name;
            let at = |e: pickle_core::Error| e.in_field(name);
            match index {
                0 => id = Some(i64::from_pickle(value).map_err(at)?),
                1 => customer = Some(String::from_pickle(value).map_err(at)?),
                2 => price = Some(f64::from_pickle(value).map_err(at)?),
                3 => tags = Some(Vec::from_pickle(value).map_err(at)?),
                4 => note = Some(Option::from_pickle(value).map_err(at)?),
                5 => status = Some(Option::from_pickle(value).map_err(at)?),
                _ => lines = Some(Vec::from_pickle(value).map_err(at)?),
            }
        }
        let order = Order {
            id: id.ok_or_else(|| inst.missing(0))?,
            customer: customer.ok_or_else(|| inst.missing(1))?,
            price: price.ok_or_else(|| inst.missing(2))?,
            tags: tags.ok_or_else(|| inst.missing(3))?,
            note: note.unwrap_or_default(),
            status: status.unwrap_or_default(),
            lines: lines.unwrap_or_default(),
        };
        Ok(order)
    }
}

/// Reading options of the round trip: persistent ids kept as data, so that
/// they are written back too.
fn options() -> Options<'static> {
    Options::new().persistent_ids(PersistentIds::Keep)
}

/// Decode -> encode -> decode: a decoded value written back at each protocol
/// that can express it reads back equal.
///
/// Where writing normalizes, as CPython's pickler does (an in-band buffer
/// reads back as `bytes` or `bytearray`; below protocol 4 a nested class is
/// written as `getattr(parent, name)`; below protocol 3 a global spelled
/// with a Python 2 name reads back under its Python 3 name), the value read
/// back must be a fixed point: written at the same protocol and read again,
/// it is unchanged.
///
/// Panics (a fuzzer finding) when the property fails.
pub fn check_roundtrip(data: &[u8]) {
    let Ok(first) = options().from_slice::<Value>(data) else {
        return;
    };
    for protocol in Protocol::ALL {
        let bytes = match pickle_core::to_vec_with(&first, protocol) {
            Ok(bytes) => bytes,
            // Not expressible at this protocol, or nested deeper than the
            // writer's limit (low protocols add levels: `set` is a call).
            Err(e) if matches!(e.kind(), ErrorKind::Unpicklable | ErrorKind::RecursionLimit) => {
                continue
            }
            Err(e) => panic!("writing a decoded value at {protocol:?} failed: {e}"),
        };
        let second = match options().from_slice::<Value>(&bytes) {
            Ok(v) => v,
            Err(e) if e.kind() == ErrorKind::DepthLimit => continue,
            Err(e) => panic!("reading back at {protocol:?} failed: {e}\n{bytes:?}"),
        };
        if first == second {
            continue;
        }
        let again = pickle_core::to_vec_with(&second, protocol)
            .unwrap_or_else(|e| panic!("writing the re-read value at {protocol:?} failed: {e}"));
        let third = options()
            .from_slice::<Value>(&again)
            .unwrap_or_else(|e| panic!("reading back twice at {protocol:?} failed: {e}"));
        assert!(
            second == third,
            "round trip at {protocol:?} is no fixed point:\n{first:?}\n{second:?}\n{third:?}"
        );
    }
}
