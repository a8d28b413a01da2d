//! [`Value`]'s serde form: plain where plain data is unambiguous, tagged
//! where it is not, so that a `Value` survives any self-describing serde
//! format (JSON, ...) and comes back equal, globals, objects and sharing
//! included.
//!
//! Through this crate's [`Serializer`](super::Serializer) and
//! [`Deserializer`](super::Deserializer), a `Value` (as a field of a serde
//! type, say) is no such form: it is written and read as the Python
//! object it is, exactly as [`crate::to_vec`] and [`crate::from_slice`]
//! write and read it (see [`object`]).
//!
//! | Python | serde form (shown as JSON) |
//! |---|---|
//! | `None`, `bool`, `str` | unit (`null`), bool, string |
//! | `int` within ±2^53 | integer |
//! | `int` beyond ±2^53 | `{"$int": "123456789012345678901"}` (any double reads the rest exactly) |
//! | `float` | float; `{"$float": "nan"}`, `"inf"`, `"-inf"` |
//! | `str` with a lone surrogate | `{"$codepoints": [104, 56448]}` |
//! | `bytes`, `bytearray` | `{"$bytes": "00ff"}`, `{"$bytearray": "00ff"}` (hex) |
//! | `list` | sequence |
//! | `tuple`, `set`, `frozenset` | `{"$tuple": [...]}`, `{"$set": [...]}`, `{"$frozenset": [...]}` |
//! | `dict` | `{"$dict": [[key, value], ...]}` (keys need not be strings) |
//! | a global | `{"$global": {"module": "os", "name": "system"}}` |
//! | an object built by a call | `{"$object": {"call": {...}, "ops": [...]}}` |
//! | an out-of-band buffer | `{"$buffer": "00ff", "readonly": true}` |
//! | a persistent id | `{"$persistent_id": ...}` |
//! | an object referenced again | `{"$id": 1, "value": ...}` first, `{"$ref": 1}` after |
//!
//! An object's `call` is `{"kind": "reduce", "callable": ..., "args": ...}`,
//! `{"kind": "newobj", "cls": ..., "args": ...}`, `{"kind": "newobj_ex",
//! "cls": ..., "args": ..., "kwargs": ...}`, `{"kind": "inst", "cls":
//! {"$global": ...}, "args": [...]}` or `{"kind": "obj", "cls": ...,
//! "args": [...]}`; its `ops` are `{"build": state}`, `{"append": item}`,
//! `{"setitem": [key, value]}` and `{"add": item}`, in order. A reference
//! back into an object still being read (a cycle) is a `{"$ref": n}` inside
//! the `{"$id": n, ...}`. This is the JSON `pickle-inspect json` prints.
//!
//! Reading also takes what other formats make of plain data: a map whose
//! first key is no tag is a `dict` (of string keys, from JSON), serde bytes
//! are `bytes`. A NaN reads back as the NaN Python makes, whatever its bits.
//!
//! ```
//! use pickle_core::Value;
//!
//! // pickle.dumps({'a': (1, b'\x00')}, protocol=2)
//! let value: Value = pickle_core::from_slice(
//!     b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01c_codecs\nencode\nq\x02X\x01\x00\x00\x00\x00q\x03X\x06\x00\x00\x00latin1q\x04\x86q\x05Rq\x06\x86q\x07s.",
//! )?;
//! let json = serde_json::to_string(&value).unwrap();
//! assert_eq!(json, r#"{"$dict":[["a",{"$tuple":[1,{"$bytes":"00"}]}]]}"#);
//! assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), value);
//! # Ok::<(), pickle_core::Error>(())
//! ```

mod read;
mod write;

use ::serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::object;
use crate::Value;

pub(crate) use write::serialize;

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object::serialize_value(self, s)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        object::ask(
            Box::new(|d| d.to_value().map(|v| Box::new(v) as Box<dyn std::any::Any>)),
            d,
            read::ValueVisitor,
        )
    }
}

/// Hex digits of `bytes`, as the tags of bytes hold them.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// The bytes of hex digits; `None` if they are not pairs of hex digits.
fn unhex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let high = (pair[0] as char).to_digit(16)?;
            let low = (pair[1] as char).to_digit(16)?;
            Some((high << 4 | low) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_round_trips_and_rejects_odd_text() {
        assert_eq!(super::hex(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(super::unhex("00abFF"), Some(vec![0, 0xab, 0xff]));
        assert_eq!(super::unhex("abc"), None);
        assert_eq!(super::unhex("zz"), None);
    }
}
