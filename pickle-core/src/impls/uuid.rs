//! `uuid::Uuid` as Python's `uuid.UUID` (feature `uuid`).
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`Uuid`] | `uuid.UUID` | as CPython writes it: `UUID` is a Python class whose `__getstate__` gives `{'int': ...}` (with `is_safe` unknown, as `uuid.UUID(...)` makes it); reading ignores `is_safe` |
//!
//! ```
//! use pickle_core::Protocol;
//! use uuid::Uuid;
//!
//! let id = Uuid::from_u128(0x12345678_1234_5678_1234_567812345678);
//! let bytes = pickle_core::to_vec_with(&id, Protocol::V2)?;
//! // pickle.dumps(uuid.UUID("12345678-1234-5678-1234-567812345678"), protocol=2) in CPython 3.11
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02cuuid\nUUID\nq\x00)\x81q\x01}q\x02X\x03\x00\x00\x00intq\x03\x8a\x10xV4\x12xV4\x12xV4\x12xV4\x12sb."
//! );
//! assert_eq!(pickle_core::from_slice::<Uuid>(&bytes)?, id);
//! # Ok::<(), pickle_core::Error>(())
//! ```

use uuid::Uuid;

use crate::class::{ClassDesc, FieldDesc, Repr};
use crate::de::Decoder;
use crate::error::Result;
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{FromPickle, Pickler, ToPickle};

/// `uuid.UUID`: pickled with its state dict `{'int': n}`.
static UUID: ClassDesc = ClassDesc {
    module: "uuid",
    name: "UUID",
    repr: Repr::State,
    fields: &[FieldDesc {
        name: "int",
        aliases: &[],
        optional: false,
    }],
    aliases: &[],
    deny_unknown_fields: false,
    members: &[],
};

impl ToPickle for Uuid {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_instance(&UUID, &[&self.as_u128()])
    }
}

impl FromPickle for Uuid {
    /// From a `uuid.UUID`; its `int` must be below 2**128.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let mut instance = d.instance(&UUID)?;
        let mut int = None;
        while let Some((_, value)) = instance.next_field()? {
            int = Some(u128::from_pickle(value).map_err(|e| e.in_field("int"))?);
        }
        match int {
            Some(int) => Ok(Uuid::from_u128(int)),
            None => Err(instance.missing(0)),
        }
    }
}

/// `uuid.UUID`, for the generated Python classes.
impl PyType for Uuid {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::class(UUID.module, UUID.name)
    }
}
