//! Python's text formats, as the protocol 0 opcodes use them, and the
//! `repr()` of the values that `pickletools.dis` and `Value`'s `Display` show
//! (`repr.rs`).
//!
//! The text opcodes (`INT`, `LONG`, `FLOAT`, `STRING`, `UNICODE`, `GET`,
//! `PUT`) carry numbers and strings in the syntax of CPython's C functions
//! (`strtol`, `PyLong_FromString`, `PyOS_string_to_double`,
//! `PyBytes_DecodeEscape`, the `raw-unicode-escape` codec). These functions
//! reproduce them exactly, so that what CPython accepts we accept, and what we
//! write CPython reads back to the same value.

pub(crate) mod escape;
pub(crate) mod float;
pub(crate) mod int;
mod printable_table;
pub(crate) mod repr;

/// The part of a line CPython's C parsers see: C strings end at the first NUL.
pub(crate) fn c_string(line: &[u8]) -> &[u8] {
    match line.iter().position(|&b| b == 0) {
        Some(nul) => &line[..nul],
        None => line,
    }
}

/// `Py_ISSPACE`: the whitespace CPython's parsers skip.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}
