//! numpy's `dtype` objects: [`DType`], read from and written as numpy
//! pickles them (`numpy.dtype(name, False, True)`, then its state by `BUILD`).

use std::fmt;

use crate::de::{Decoder, Kind};
use crate::error::{ErrorKind, Result};
use crate::{FromPickle, Pickler, ToPickle};

/// What kind of values a [`DType`] describes (numpy's `dtype.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DTypeKind {
    /// `bool` (`'b'`).
    Bool,
    /// Signed integers, `int8` to `int64` (`'i'`).
    Int,
    /// Unsigned integers, `uint8` to `uint64` (`'u'`).
    UInt,
    /// Floats, `float16` to `float128` (`'f'`).
    Float,
    /// Complex numbers, `complex64` to `complex256` (`'c'`).
    Complex,
    /// Python objects (`'O'`): `dtype=object`.
    Object,
    /// Fixed-size `bytes` (`'S'`).
    Bytes,
    /// Fixed-size `str`, 4 bytes a code point (`'U'`).
    Str,
    /// Raw bytes (`'V'`), without fields.
    Void,
}

impl DTypeKind {
    /// numpy's character for the kind in a type string (`'f'` in `'<f8'`).
    pub fn code(self) -> char {
        match self {
            DTypeKind::Bool => 'b',
            DTypeKind::Int => 'i',
            DTypeKind::UInt => 'u',
            DTypeKind::Float => 'f',
            DTypeKind::Complex => 'c',
            DTypeKind::Object => 'O',
            DTypeKind::Bytes => 'S',
            DTypeKind::Str => 'U',
            DTypeKind::Void => 'V',
        }
    }

    fn of_code(code: char) -> Option<DTypeKind> {
        Some(match code {
            'b' => DTypeKind::Bool,
            'i' => DTypeKind::Int,
            'u' => DTypeKind::UInt,
            'f' => DTypeKind::Float,
            'c' => DTypeKind::Complex,
            'O' => DTypeKind::Object,
            // `'a'` is numpy's old name for `'S'`.
            'S' | 'a' => DTypeKind::Bytes,
            'U' => DTypeKind::Str,
            'V' => DTypeKind::Void,
            _ => return None,
        })
    }

    /// Whether the byte order matters for values of this kind of `itemsize`.
    fn has_byte_order(self, itemsize: usize) -> bool {
        match self {
            DTypeKind::Int | DTypeKind::UInt | DTypeKind::Float | DTypeKind::Complex => {
                itemsize > 1
            }
            DTypeKind::Str => true,
            DTypeKind::Bool | DTypeKind::Object | DTypeKind::Bytes | DTypeKind::Void => false,
        }
    }
}

/// The order of the bytes of a [`DType`]'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Least significant byte first (`'<'`).
    Little,
    /// Most significant byte first (`'>'`).
    Big,
    /// One-byte values, objects, bytes (`'|'`).
    NotApplicable,
}

impl ByteOrder {
    /// The machine's byte order.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "big") {
        ByteOrder::Big
    } else {
        ByteOrder::Little
    };

    fn code(self) -> char {
        match self {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::NotApplicable => '|',
        }
    }
}

/// A numpy `dtype` without fields: its kind, its size in bytes and its byte
/// order. Structured, sub-array and datetime dtypes are not represented.
///
/// Reads from a pickled `numpy.dtype` and writes as numpy pickles one. Its
/// [`Display`](fmt::Display) is numpy's `str(dtype)`: the name (`float64`)
/// in the machine's byte order, else the type string (`>f8`).
///
/// ```
/// use pickle_core::numpy::{ByteOrder, DType, DTypeKind};
///
/// // pickle.dumps(numpy.dtype(">f8"), protocol=2) with numpy 2.4
/// let data = b"\x80\x02cnumpy\ndtype\nq\x00X\x02\x00\x00\x00f8q\x01\x89\x88\x87q\x02Rq\x03(K\x03X\x01\x00\x00\x00>q\x04NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tq\x05b.";
/// let dtype: DType = pickle_core::from_slice(data)?;
/// assert_eq!(dtype, DType::new(DTypeKind::Float, 8, ByteOrder::Big).unwrap());
/// assert_eq!(dtype.to_string(), ">f8");
/// assert_eq!(pickle_core::to_vec_with(&dtype, pickle_core::Protocol::V2)?, data);
/// # Ok::<(), pickle_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DType {
    kind: DTypeKind,
    itemsize: usize,
    byte_order: ByteOrder,
}

impl DType {
    /// A dtype of values of `itemsize` bytes, in `byte_order` where that
    /// matters (else it is [`ByteOrder::NotApplicable`], and vice versa: a
    /// byte order that matters and is not given is the machine's). `None`
    /// for a size numpy has no such dtype of (`int16` is 2 bytes; `bytes`,
    /// `str` and `void` take any size, `str` a multiple of 4).
    pub fn new(kind: DTypeKind, itemsize: usize, byte_order: ByteOrder) -> Option<DType> {
        let valid = match kind {
            DTypeKind::Bool => itemsize == 1,
            DTypeKind::Int | DTypeKind::UInt => matches!(itemsize, 1 | 2 | 4 | 8),
            DTypeKind::Float => matches!(itemsize, 2 | 4 | 8 | 12 | 16),
            DTypeKind::Complex => matches!(itemsize, 8 | 16 | 24 | 32),
            DTypeKind::Object => matches!(itemsize, 4 | 8),
            DTypeKind::Str => itemsize % 4 == 0,
            DTypeKind::Bytes | DTypeKind::Void => true,
        };
        if !valid {
            return None;
        }
        let byte_order = match (kind.has_byte_order(itemsize), byte_order) {
            (false, _) => ByteOrder::NotApplicable,
            (true, ByteOrder::NotApplicable) => ByteOrder::NATIVE,
            (true, order) => order,
        };
        Some(DType {
            kind,
            itemsize,
            byte_order,
        })
    }

    /// The dtype of a fixed-size number in the machine's byte order (for
    /// [`Element::DTYPE`](super::Element::DTYPE)).
    pub(crate) const fn native(kind: DTypeKind, itemsize: usize) -> DType {
        let byte_order = if itemsize > 1 && !matches!(kind, DTypeKind::Bool) {
            ByteOrder::NATIVE
        } else {
            ByteOrder::NotApplicable
        };
        DType {
            kind,
            itemsize,
            byte_order,
        }
    }

    /// The kind of values.
    pub fn kind(&self) -> DTypeKind {
        self.kind
    }

    /// The size of one value in bytes (numpy's `dtype.itemsize`).
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// The order of the bytes of a value.
    pub fn byte_order(&self) -> ByteOrder {
        self.byte_order
    }

    /// Whether values are in the other byte order than the machine's.
    pub fn is_swapped(&self) -> bool {
        self.byte_order != ByteOrder::NotApplicable && self.byte_order != ByteOrder::NATIVE
    }

    /// Whether this is the same dtype in either byte order.
    pub(crate) fn same_values(&self, other: &DType) -> bool {
        self.kind == other.kind && self.itemsize == other.itemsize
    }

    /// numpy's `dtype.name`: `float64`, `int8`, `bool`, `object`, `bytes40`, ...
    pub fn name(&self) -> String {
        let bits = self.itemsize * 8;
        match self.kind {
            DTypeKind::Bool => "bool".to_owned(),
            DTypeKind::Object => "object".to_owned(),
            DTypeKind::Int => format!("int{bits}"),
            DTypeKind::UInt => format!("uint{bits}"),
            DTypeKind::Float => format!("float{bits}"),
            DTypeKind::Complex => format!("complex{bits}"),
            DTypeKind::Bytes => format!("bytes{bits}"),
            DTypeKind::Str => format!("str{bits}"),
            DTypeKind::Void => format!("void{bits}"),
        }
    }

    /// numpy's `dtype.str`: `<f8`, `|b1`, `|O`, `>U3`, ...
    pub fn type_string(&self) -> String {
        let order = self.byte_order.code();
        match self.kind {
            DTypeKind::Object => format!("{order}O"),
            DTypeKind::Str => format!("{order}U{}", self.itemsize / 4),
            kind => format!("{order}{}{}", kind.code(), self.itemsize),
        }
    }

    /// The name numpy's `dtype.__reduce__` gives: `f8`, `b1`, `O8`, `S5`, `U3`.
    fn reduce_name(&self) -> String {
        match self.kind {
            DTypeKind::Str => format!("U{}", self.itemsize / 4),
            kind => format!("{}{}", kind.code(), self.itemsize),
        }
    }

    /// Whether numpy holds one object of this dtype (the built-in types in
    /// the machine's byte order), so that its arrays share it and a pickle
    /// writes it once.
    fn is_one_object(&self) -> bool {
        !self.is_swapped()
            && !matches!(
                self.kind,
                DTypeKind::Bytes | DTypeKind::Str | DTypeKind::Void
            )
    }

    /// The dtype numpy makes of `name` (`f8`, `S5`...), the byte order
    /// character and the item size of its state (-1 unless flexible).
    fn from_parts(name: &str, order: char, elsize: i64) -> Option<DType> {
        let mut chars = name.chars();
        let kind = DTypeKind::of_code(chars.next()?)?;
        let digits = chars.as_str();
        let count: usize = match digits {
            "" => 0,
            _ if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok()?,
            _ => return None,
        };
        let itemsize = match kind {
            DTypeKind::Bytes | DTypeKind::Void | DTypeKind::Str if elsize >= 0 => {
                usize::try_from(elsize).ok()?
            }
            DTypeKind::Str => count.checked_mul(4)?,
            _ => count,
        };
        let byte_order = match order {
            '<' => ByteOrder::Little,
            '>' => ByteOrder::Big,
            '=' | '|' => ByteOrder::NotApplicable,
            _ => return None,
        };
        DType::new(kind, itemsize, byte_order)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_swapped() {
            f.write_str(&self.type_string())
        } else {
            f.write_str(&self.name())
        }
    }
}

/// A `str`, or the `bytes` a Python 2 `str` is read as with
/// `StringEncoding::Bytes`.
fn text<'a>(d: &Decoder<'a>, what: &str) -> Result<&'a str> {
    match d.kind() {
        Kind::Bytes => std::str::from_utf8(d.decode_bytes()?).map_err(|_| d.type_error(what)),
        _ => d.decode_str(),
    }
}

/// The byte order character and item size in a dtype's state:
/// `(3, order, subarray, names, fields, elsize, alignment, flags)`, and a
/// ninth item, the metadata, in version 4.
fn read_state(state: &Decoder<'_>) -> Result<(char, i64)> {
    let expected = "a dtype state of 8 or 9 items";
    let items = super::items(state, 9, expected)?;
    let [version, order, subarray, names, fields, elsize, ..] = items[..] else {
        return Err(state.type_error(expected));
    };
    match version.decode_i64()? {
        3 if items.len() == 8 => {}
        4 if items.len() == 9 => {}
        v => {
            return Err(version.error(
                ErrorKind::Type,
                format!(
                    "dtype state version {v} of {} items is not supported",
                    items.len()
                ),
            ))
        }
    }
    if !(subarray.is_none() && names.is_none() && fields.is_none()) {
        return Err(state.error(
            ErrorKind::Type,
            "structured and sub-array dtypes are not supported",
        ));
    }
    if items.len() == 9 && !items[8].is_none() {
        return Err(state.error(
            ErrorKind::Type,
            "dtypes with metadata (such as datetimes) are not supported",
        ));
    }
    let order_text = text(&order, "a byte order")?;
    let mut chars = order_text.chars();
    let (Some(code), None) = (chars.next(), chars.next()) else {
        return Err(order.error(
            ErrorKind::Type,
            format!("`{order_text}` is not a byte order"),
        ));
    };
    Ok((code, elsize.decode_i64()?))
}

impl FromPickle for DType {
    /// From a `numpy.dtype` as numpy pickles it; a structured, sub-array or
    /// datetime dtype is a [`Type`](ErrorKind::Type) error.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let mut args = d.call_args("numpy", "dtype")?;
        // `dtype(name, align, copy)`; the flags do not change the type.
        if args.len() > 3 {
            return Err(d.shape_error("`numpy.dtype` of at most 3 arguments"));
        }
        let name_arg = args
            .next_item()?
            .ok_or_else(|| d.shape_error("`numpy.dtype` of a type name"))?;
        let name = text(&name_arg, "a dtype name")?;
        let (order, elsize) = match d.state()? {
            Some(state) => read_state(&state)?,
            None => ('=', -1),
        };
        DType::from_parts(name, order, elsize).ok_or_else(|| {
            let size = match elsize {
                0.. => format!(" of item size {elsize}"),
                _ => String::new(),
            };
            name_arg.error(
                ErrorKind::Type,
                format!("`{order}{name}`{size} is not a dtype this crate reads"),
            )
        })
    }
}

impl ToPickle for DType {
    /// As numpy pickles the dtype. numpy holds one object of each built-in
    /// dtype in the machine's byte order, so it is written once per pickle
    /// and fetched from the memo after that, as numpy's arrays share it.
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let order = self.byte_order.code().to_string();
        let (elsize, alignment, flags): (i64, i64, i64) = match self.kind {
            // NPY_OBJECT_DTYPE_FLAGS
            DTypeKind::Object => (-1, -1, 63),
            // NPY_NEEDS_INIT
            DTypeKind::Str => (self.itemsize as i64, 4, 8),
            DTypeKind::Bytes | DTypeKind::Void => (self.itemsize as i64, 1, 0),
            _ => (-1, -1, 0),
        };
        let state = (3, order.as_str(), (), (), (), elsize, alignment, flags);
        let identity = self
            .is_one_object()
            .then(|| format!("numpy.dtype {}", self.type_string()));
        let name = self.reduce_name();
        p.write_reduce_with_state(
            identity.as_deref(),
            "numpy",
            "dtype",
            &[&name.as_str(), &false, &true],
            &state,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{ByteOrder, DType, DTypeKind};

    #[test]
    fn names_and_type_strings_are_numpy_s() {
        let cases = [
            (
                DType::new(DTypeKind::Float, 8, ByteOrder::Little),
                "float64",
                "<f8",
            ),
            (
                DType::new(DTypeKind::Bool, 1, ByteOrder::Big),
                "bool",
                "|b1",
            ),
            (
                DType::new(DTypeKind::Object, 8, ByteOrder::Little),
                "object",
                "|O",
            ),
            (
                DType::new(DTypeKind::Str, 12, ByteOrder::Big),
                "str96",
                ">U3",
            ),
            (
                DType::new(DTypeKind::Complex, 16, ByteOrder::NotApplicable),
                "complex128",
                "<c16",
            ),
        ];
        for (dtype, name, type_string) in cases {
            let dtype = dtype.expect("a dtype");
            assert_eq!(dtype.name(), name);
            assert_eq!(dtype.type_string(), type_string);
        }
        assert_eq!(DType::new(DTypeKind::Int, 3, ByteOrder::Little), None);
        assert_eq!(DType::new(DTypeKind::Str, 6, ByteOrder::Little), None);
    }

    #[test]
    fn parts_that_are_no_dtype_are_refused() {
        for (name, order, elsize) in [
            ("x8", '<', -1),
            ("f3", '<', -1),
            ("f8x", '<', -1),
            ("i99999999999999999999999", '<', -1),
            ("", '<', -1),
            ("f8", '!', -1),
            ("U3", '<', 13),
        ] {
            assert_eq!(DType::from_parts(name, order, elsize), None, "{name}");
        }
        assert_eq!(
            DType::from_parts("S5", '|', 5),
            DType::new(DTypeKind::Bytes, 5, ByteOrder::NotApplicable)
        );
    }
}
