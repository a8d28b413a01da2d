//! What the fuzz targets share: a derived `Order` for typed decoding, and
//! the round-trip property.
//!
//! `Order` exercises what typed decoding does with hostile input: the class
//! allowlist (with an alias), fields by name, optional fields, an
//! `enum.Enum` member, a data enum picked by the instance's class, nested
//! options, vectors and tuples.

use pickle_core::de::{Options, PersistentIds};
use pickle_core::{ErrorKind, FromPickle, Protocol, ToPickle, Value};

/// `shop.models.Status`, an `enum.Enum` with an int and a str member.
#[derive(ToPickle, FromPickle, Debug, Clone, Copy, PartialEq)]
#[pickle(module = "shop.models", rename_all = "UPPERCASE")]
pub enum Status {
    /// `NEW = 1`
    #[pickle(value = 1)]
    New,
    /// `PAID = "paid"`
    #[pickle(value = "paid")]
    Paid,
}

/// How an order was paid: one Python class per variant in `shop.models`.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub enum Payment {
    /// `Card(last4=...)`, a plain class.
    Card {
        /// The card's last four digits.
        last4: String,
    },
    /// `Cash()`, a class without attributes.
    Cash,
    /// `Voucher(code)`, a namedtuple.
    Voucher(String),
}

/// `shop.models.Order`, a plain class (state in `BUILD`).
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models", alias = "shop.Order")]
pub struct Order {
    /// The order number.
    pub id: i64,
    /// Who ordered.
    pub customer: String,
    /// The total.
    pub price: f64,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// An optional note.
    #[pickle(default)]
    pub note: Option<String>,
    /// Where the order stands.
    #[pickle(default)]
    pub status: Option<Status>,
    /// How it was paid.
    #[pickle(default)]
    pub payment: Option<Payment>,
    /// Items and quantities.
    #[pickle(default)]
    pub lines: Vec<(String, u32)>,
}

/// Typed decoding into `T` of any input returns; when it decodes, writing
/// the value at each protocol and reading it back writes the same bytes
/// again (bytes, not values: a NaN price is not equal to itself).
///
/// Panics (a fuzzer finding) when the property fails.
pub fn check_typed<T: FromPickle + ToPickle>(data: &[u8]) {
    let Ok(first) = pickle_core::from_slice::<T>(data) else {
        return;
    };
    for protocol in Protocol::ALL {
        let bytes = pickle_core::to_vec_with(&first, protocol)
            .unwrap_or_else(|e| panic!("writing a decoded value at {protocol:?} failed: {e}"));
        let second = pickle_core::from_slice::<T>(&bytes)
            .unwrap_or_else(|e| panic!("reading it back at {protocol:?} failed: {e}"));
        let again = pickle_core::to_vec_with(&second, protocol)
            .unwrap_or_else(|e| panic!("writing it again at {protocol:?} failed: {e}"));
        assert!(
            again == bytes,
            "typed round trip at {protocol:?} changed the bytes"
        );
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
