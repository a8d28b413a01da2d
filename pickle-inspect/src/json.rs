//! `pickle-inspect json`: a [`Value`] as JSON, with everything Python would
//! run shown as data.
//!
//! The document is `Value`'s serde form (see `pickle_core::serde::value`
//! for the whole mapping), written by serde_json: plain JSON where it is
//! unambiguous (`null`, booleans, numbers that a double holds exactly,
//! strings, lists as arrays), and an object with one `$`-key for every
//! other kind (`{"$global": {"module": "os", "name": "system"}}`,
//! `{"$object": {"call": ..., "ops": [...]}}`, `{"$tuple": [...]}`,
//! `{"$dict": [[key, value], ...]}`, `{"$bytes": "00ff"}`, ...). An object
//! referenced more than once is written once, as `{"$id": 1, "value":
//! ...}`, and every other reference to it, cycles included, as `{"$ref":
//! 1}`; so the output is as small as the pickle's graph, never as large as
//! its unfolded tree. Every document reads back with `serde_json` into an
//! equal `Value` (a NaN as the NaN Python makes, whatever its payload).
//!
//! ```
//! use pickle_core::Value;
//!
//! // pickle.dumps(os.system, protocol=2) on Linux
//! let value: Value = pickle_core::from_slice(b"\x80\x02cposix\nsystem\nq\x00.")?;
//! assert_eq!(
//!     pickle_inspect::json::to_json(&value).unwrap(),
//!     r#"{"$global":{"module":"posix","name":"system"}}"#
//! );
//! # Ok::<(), pickle_core::Error>(())
//! ```

use pickle_core::Value;

/// Renders `v` as JSON (one line, no trailing newline).
///
/// # Errors
///
/// Only if serde_json refuses the document, which the serde form is made
/// never to give it (no map has a key other than a string).
pub fn to_json(v: &Value) -> serde_json::Result<String> {
    serde_json::to_string(v)
}
