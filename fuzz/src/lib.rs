//! What the fuzz targets share: a derived `Order` for typed decoding, and
//! the round-trip property.
//!
//! `Order` exercises what typed decoding does with hostile input: the class
//! allowlist (with an alias), fields by name, optional fields, an
//! `enum.Enum` member, a data enum picked by the instance's class, nested
//! options, vectors and tuples.

use pickle_core::de::{Options, PersistentIds};
use pickle_core::PyStr;
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

/// Typed decoding into `T` of any input returns, and the streaming reader
/// (which `from_slice` tries first) agrees with the general reader (which
/// `from_reader` uses); when it decodes, writing the value at each protocol
/// and reading it back writes the same bytes again (bytes, not values: a NaN
/// price is not equal to itself).
///
/// Panics (a fuzzer finding) when the property fails.
pub fn check_typed<T: FromPickle + ToPickle>(data: &[u8]) {
    let sliced = pickle_core::from_slice::<T>(data);
    let streamed = pickle_core::from_reader::<T, _>(data);
    let first = match (sliced, streamed) {
        (Ok(a), Ok(b)) => {
            let bytes = |v: &T| pickle_core::to_vec(v).map_err(|e| e.kind());
            assert!(bytes(&a) == bytes(&b), "the two readers decode differently");
            a
        }
        (Err(a), Err(b)) => {
            assert_eq!(
                a.kind(),
                b.kind(),
                "the two readers fail differently: {a} / {b}"
            );
            return;
        }
        (a, b) => panic!("the two readers disagree: {:?} / {:?}", a.err(), b.err()),
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

/// The Python 2 <-> 3 renaming tables of `_compat_pickle`, as the core has
/// them (private there).
#[allow(dead_code)]
#[path = "../../pickle-core/src/compat/mod.rs"]
mod compat;

/// Whether a global written below protocol 3 reads back under another name:
/// writing renames Python 3 names to Python 2 (`builtins` to
/// `__builtin__`), reading renames Python 2 names to Python 3, and a name
/// that is one but not the other comes back changed (`copy_reg.x` reads
/// back as `copyreg.x`), as with CPython.
fn renamed_below_3(module: &PyStr, name: &PyStr) -> bool {
    let (Some(m), Some(n)) = (module.as_str(), name.as_str()) else {
        return false;
    };
    let (m2, n2) = compat::to_python2(m, n).unwrap_or((m, n));
    compat::to_python3(m2, n2).unwrap_or((m2, n2)) != (m, n)
}

/// What a value holds that writing normalizes, as CPython's pickler does.
#[derive(Default)]
struct Normalized {
    /// A buffer: written in-band, it reads back as `bytes` or `bytearray`.
    buffers: bool,
    /// A global with a dotted name (a nested class): below protocol 4 it is
    /// written as `getattr(parent, name)`.
    dotted_globals: bool,
    /// A NaN other than Python's `float('nan')`: protocol 0 writes floats as
    /// text, and `nan` reads back as that one.
    nan_payloads: bool,
    /// A global (or `INST` class) that reads back renamed below protocol 3.
    py2_names: bool,
}

/// Walks `v` (each shared node once) for what writing normalizes.
fn normalized(v: &Value) -> Normalized {
    use pickle_core::{Call, Op};
    let mut found = Normalized::default();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Buffer(_) => found.buffers = true,
            Value::Float(f) => {
                found.nan_payloads |= f.is_nan() && f.to_bits() != f64::NAN.to_bits();
            }
            Value::Global(g) => {
                found.dotted_globals |= g.name.code_points().any(|c| c == u32::from('.'));
                found.py2_names |= renamed_below_3(&g.module, &g.name);
            }
            Value::Shared(inner) if seen.insert(std::sync::Arc::as_ptr(inner) as usize) => {
                stack.push(inner);
            }
            Value::List(items)
            | Value::Tuple(items)
            | Value::Set(items)
            | Value::FrozenSet(items) => {
                stack.extend(items);
            }
            Value::Dict(entries) => stack.extend(entries.iter().flat_map(|(k, v)| [k, v])),
            Value::PersistentId(pid) => stack.push(pid),
            Value::Object(obj) => {
                match &obj.call {
                    Call::Reduce { callable, args } => stack.extend([callable, args]),
                    Call::NewObj { cls, args } => stack.extend([cls, args]),
                    Call::NewObjEx { cls, args, kwargs } => stack.extend([cls, args, kwargs]),
                    Call::Inst { module, name, args } => {
                        // `INST` names are written as they are, and read
                        // back renamed.
                        found.py2_names |= compat::to_python3(
                            module.as_str().unwrap_or_default(),
                            name.as_str().unwrap_or_default(),
                        )
                        .is_some();
                        stack.extend(args);
                    }
                    Call::Obj { cls, args } => {
                        stack.push(cls);
                        stack.extend(args);
                    }
                    _ => {}
                }
                for op in &obj.ops {
                    match op {
                        Op::Build(x) | Op::Append(x) | Op::Add(x) => stack.push(x),
                        Op::SetItem(k, x) => stack.extend([k, x]),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Decode -> encode -> decode: a decoded value written back at each protocol
/// that can express it reads back equal.
///
/// Only where writing normalizes as CPython's pickler does may the value
/// read back differ: an in-band buffer reads back as `bytes` or
/// `bytearray`; below protocol 4 a nested class is written as
/// `getattr(parent, name)`; below protocol 3 a global spelled with a
/// Python 2 name, or a Python 3 name that writing spells as Python 2, may
/// read back under another name; at protocol 0 floats are text, and a NaN
/// reads back as Python's `float('nan')`. Then the value read back
/// must be a fixed point: written at the same protocol and read again, it is
/// unchanged.
///
/// Panics (a fuzzer finding) when the property fails.
pub fn check_roundtrip(data: &[u8]) {
    let Ok(first) = options().from_slice::<Value>(data) else {
        return;
    };
    let found = normalized(&first);
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
        let normalizes = found.buffers
            || (found.dotted_globals && protocol < Protocol::V4)
            || (found.nan_payloads && protocol == Protocol::V0)
            || (found.py2_names && protocol < Protocol::V3);
        assert!(
            normalizes,
            "round trip at {protocol:?} changed the value:\n{first:?}\n{second:?}"
        );
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
