//! The one table of pickle opcodes.
//!
//! Every opcode of protocols 0 to 5 is described here once, as data: its byte,
//! its name, the kind of argument that follows it, the protocol that introduced
//! it, its stack effect and a one-line summary. The table is generated from
//! CPython's own `pickletools.opcodes` (see `tools/gen_tables.py`), and the
//! reader, the writer and the disassembler all read it, as `pickletools` does
//! for Python.

mod table;

pub use table::Opcode;
use table::OPCODES;

/// How the argument that follows an opcode is encoded.
///
/// The names follow the argument descriptors of `pickletools` (`uint1`,
/// `decimalnl_short`, ...), which [`ArgKind::name`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArgKind {
    /// No argument.
    None,
    /// One unsigned byte.
    Uint1,
    /// Two-byte unsigned little-endian integer.
    Uint2,
    /// Four-byte signed little-endian integer.
    Int4,
    /// Four-byte unsigned little-endian integer.
    Uint4,
    /// Eight-byte unsigned little-endian integer.
    Uint8,
    /// Two's complement little-endian integer, its length in one byte.
    Long1,
    /// Two's complement little-endian integer, its length in four bytes.
    Long4,
    /// Byte string (a Python 2 `str`), its length in one byte.
    String1,
    /// Byte string (a Python 2 `str`), its length in a signed four-byte integer.
    String4,
    /// `bytes`, its length in one byte.
    Bytes1,
    /// `bytes`, its length in four bytes.
    Bytes4,
    /// `bytes`, its length in eight bytes.
    Bytes8,
    /// `bytearray`, its length in eight bytes.
    ByteArray8,
    /// UTF-8 text, its length in one byte.
    UnicodeString1,
    /// UTF-8 text, its length in four bytes.
    UnicodeString4,
    /// UTF-8 text, its length in eight bytes.
    UnicodeString8,
    /// A decimal integer (or `00`/`01` for a bool) ending in a newline.
    DecimalNlShort,
    /// A decimal integer with an optional `L` suffix, ending in a newline.
    DecimalNlLong,
    /// A float literal as Python's `repr` writes it, ending in a newline.
    FloatNl,
    /// An IEEE 754 double, big-endian.
    Float8,
    /// A quoted Python 2 string literal with escapes, ending in a newline.
    StringNl,
    /// A line of text without escapes.
    StringNlNoEscape,
    /// Two lines of text without escapes (module and name).
    StringNlNoEscapePair,
    /// Text in `raw-unicode-escape` encoding, ending in a newline.
    UnicodeStringNl,
}

impl ArgKind {
    /// The name `pickletools` gives this argument descriptor.
    pub const fn name(self) -> &'static str {
        match self {
            ArgKind::None => "",
            ArgKind::Uint1 => "uint1",
            ArgKind::Uint2 => "uint2",
            ArgKind::Int4 => "int4",
            ArgKind::Uint4 => "uint4",
            ArgKind::Uint8 => "uint8",
            ArgKind::Long1 => "long1",
            ArgKind::Long4 => "long4",
            ArgKind::String1 => "string1",
            ArgKind::String4 => "string4",
            ArgKind::Bytes1 => "bytes1",
            ArgKind::Bytes4 => "bytes4",
            ArgKind::Bytes8 => "bytes8",
            ArgKind::ByteArray8 => "bytearray8",
            ArgKind::UnicodeString1 => "unicodestring1",
            ArgKind::UnicodeString4 => "unicodestring4",
            ArgKind::UnicodeString8 => "unicodestring8",
            ArgKind::DecimalNlShort => "decimalnl_short",
            ArgKind::DecimalNlLong => "decimalnl_long",
            ArgKind::FloatNl => "floatnl",
            ArgKind::Float8 => "float8",
            ArgKind::StringNl => "stringnl",
            ArgKind::StringNlNoEscape => "stringnl_noescape",
            ArgKind::StringNlNoEscapePair => "stringnl_noescape_pair",
            ArgKind::UnicodeStringNl => "unicodestringnl",
        }
    }

    /// The size of a fixed-width argument in bytes, or `None` for arguments
    /// whose size depends on their content (length-prefixed or newline-ended).
    pub const fn fixed_len(self) -> Option<usize> {
        match self {
            ArgKind::None => Some(0),
            ArgKind::Uint1 => Some(1),
            ArgKind::Uint2 => Some(2),
            ArgKind::Int4 | ArgKind::Uint4 => Some(4),
            ArgKind::Uint8 | ArgKind::Float8 => Some(8),
            _ => None,
        }
    }

    /// For a length-prefixed argument, the width of its length field in bytes.
    pub const fn length_prefix(self) -> Option<usize> {
        match self {
            ArgKind::Long1 | ArgKind::String1 | ArgKind::Bytes1 | ArgKind::UnicodeString1 => {
                Some(1)
            }
            ArgKind::Long4 | ArgKind::String4 | ArgKind::Bytes4 | ArgKind::UnicodeString4 => {
                Some(4)
            }
            ArgKind::Bytes8 | ArgKind::ByteArray8 | ArgKind::UnicodeString8 => Some(8),
            _ => None,
        }
    }

    /// How many newline-terminated lines the argument occupies.
    pub const fn lines(self) -> usize {
        match self {
            ArgKind::DecimalNlShort
            | ArgKind::DecimalNlLong
            | ArgKind::FloatNl
            | ArgKind::StringNl
            | ArgKind::StringNlNoEscape
            | ArgKind::UnicodeStringNl => 1,
            ArgKind::StringNlNoEscapePair => 2,
            _ => 0,
        }
    }
}

/// What an opcode takes from or leaves on the stack, in `pickletools` terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StackItem {
    /// Any object.
    Any,
    /// The mark object.
    Mark,
    /// The objects above the topmost mark.
    StackSlice,
    /// An `int`.
    Int,
    /// An `int` or a `bool`.
    IntOrBool,
    /// A `bytes` or a `str`, depending on the unpickler's encoding.
    BytesOrStr,
    /// A `bytes`.
    Bytes,
    /// A `bytearray`.
    ByteArray,
    /// An out-of-band buffer.
    Buffer,
    /// `None`.
    None,
    /// A `bool`.
    Bool,
    /// A `str`.
    Str,
    /// A `float`.
    Float,
    /// A `list`.
    List,
    /// A `tuple`.
    Tuple,
    /// A `dict`.
    Dict,
    /// A `set`.
    Set,
    /// A `frozenset`.
    FrozenSet,
}

impl StackItem {
    /// The name `pickletools` gives this stack object.
    pub const fn name(self) -> &'static str {
        match self {
            StackItem::Any => "any",
            StackItem::Mark => "mark",
            StackItem::StackSlice => "stackslice",
            StackItem::Int => "int",
            StackItem::IntOrBool => "int_or_bool",
            StackItem::BytesOrStr => "bytes_or_str",
            StackItem::Bytes => "bytes",
            StackItem::ByteArray => "bytearray",
            StackItem::Buffer => "buffer",
            StackItem::None => "None",
            StackItem::Bool => "bool",
            StackItem::Str => "str",
            StackItem::Float => "float",
            StackItem::List => "list",
            StackItem::Tuple => "tuple",
            StackItem::Dict => "dict",
            StackItem::Set => "set",
            StackItem::FrozenSet => "frozenset",
        }
    }
}

/// The description of one opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpcodeInfo {
    /// The opcode itself.
    pub opcode: Opcode,
    /// Its name as Python spells it (`SHORT_BINUNICODE`).
    pub name: &'static str,
    /// The kind of argument that follows the opcode byte.
    pub arg: ArgKind,
    /// The protocol that introduced it.
    pub proto: u8,
    /// What it takes from the stack.
    pub stack_before: &'static [StackItem],
    /// What it leaves on the stack.
    pub stack_after: &'static [StackItem],
    /// A one-line summary (the first sentence of the `pickletools` doc).
    pub doc: &'static str,
    /// The first line of the `pickletools` doc, which `pickletools.dis` prints
    /// as the annotation (it can say more than [`doc`](OpcodeInfo::doc), as
    /// for `PUT`: "... The stack is not popped.").
    pub doc_first_line: &'static str,
}

/// Maps every byte to its index in [`OPCODES`], or `NONE_INDEX`.
const NONE_INDEX: u8 = u8::MAX;
static BY_BYTE: [u8; 256] = {
    let mut by_byte = [NONE_INDEX; 256];
    let mut i = 0;
    while i < OPCODES.len() {
        by_byte[OPCODES[i].opcode as usize] = i as u8;
        i += 1;
    }
    by_byte
};

impl Opcode {
    /// The opcode encoded by `byte`, if any.
    #[inline]
    pub fn from_byte(byte: u8) -> Option<Opcode> {
        match BY_BYTE[byte as usize] {
            NONE_INDEX => None,
            index => Some(OPCODES[index as usize].opcode),
        }
    }

    /// The byte that encodes this opcode.
    #[inline]
    pub const fn byte(self) -> u8 {
        self as u8
    }

    /// The description of this opcode.
    #[inline]
    pub fn info(self) -> &'static OpcodeInfo {
        &OPCODES[BY_BYTE[self as usize] as usize]
    }

    /// The opcode's name as Python spells it.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The kind of argument that follows the opcode byte.
    #[inline]
    pub fn arg(self) -> ArgKind {
        self.info().arg
    }

    /// The protocol that introduced this opcode.
    pub fn proto(self) -> u8 {
        self.info().proto
    }

    /// All opcodes, in `pickletools.opcodes` order.
    pub fn all() -> impl ExactSizeIterator<Item = &'static OpcodeInfo> {
        OPCODES.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_opcode_of_protocols_0_to_5() {
        assert_eq!(Opcode::all().len(), 68);
        let mut seen = [false; 256];
        for info in Opcode::all() {
            assert!(!seen[info.opcode as usize], "`{}` listed twice", info.name);
            seen[info.opcode as usize] = true;
            assert_eq!(Opcode::from_byte(info.opcode.byte()), Some(info.opcode));
            assert_eq!(info.opcode.info().name, info.name);
            assert!(info.proto <= 5);
        }
        assert_eq!(Opcode::from_byte(b'z'), None);
    }
}
