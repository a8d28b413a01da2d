//! A test case of a derived type: its name on the Python side, the value,
//! and checks that a pickle decodes back into it.

use std::fmt::Debug;
use std::rc::Rc;

use pickle_core::{FromPickle, ToPickle};

/// Decodes a pickle and compares it with the expected value.
pub type ReadCheck = Box<dyn Fn(&[u8]) -> Result<(), String>>;

/// Decodes a pickle with the streaming reader alone and checks it against
/// the general reader: `Ok(true)` if it decoded the same value, `Ok(false)`
/// if it gave up or failed (and `from_slice`, which then runs the general
/// reader, gives what that reader gives), `Err` if the two disagree.
pub type StreamCheck = Box<dyn Fn(&[u8]) -> Result<bool, String>>;

/// One case: its name in the Python cases, the value, and checks that a
/// pickle decodes into an equal value.
pub struct Case {
    pub name: &'static str,
    pub value: Rc<dyn ToPickle>,
    pub read: ReadCheck,
    pub stream: StreamCheck,
}

pub fn case<T>(name: &'static str, value: T) -> Case
where
    T: ToPickle + FromPickle + PartialEq + Debug + 'static,
{
    let value = Rc::new(value);
    let expected = Rc::clone(&value);
    Case {
        name,
        value,
        read: Box::new(move |bytes| match pickle_core::from_slice::<T>(bytes) {
            Ok(v) if v == *expected => Ok(()),
            Ok(v) => Err(format!("decoded {v:?}, expected {expected:?}")),
            Err(e) => Err(format!("error: {e}")),
        }),
        stream: Box::new(|bytes| {
            let Some(streamed) = pickle_core::__private::decode_streaming::<T>(bytes) else {
                let general = pickle_core::__private::decode_general::<T>(bytes);
                return match (pickle_core::from_slice::<T>(bytes), general) {
                    (Ok(a), Ok(b)) if a == b => Ok(false),
                    (Err(a), Err(b)) if a.to_string() == b.to_string() => Ok(false),
                    (a, b) => Err(format!("from_slice read {a:?}, the general reader {b:?}")),
                };
            };
            match pickle_core::__private::decode_general::<T>(bytes) {
                Ok(general) if general == streamed => Ok(true),
                Ok(general) => Err(format!(
                    "streaming read {streamed:?}, general read {general:?}"
                )),
                Err(e) => Err(format!("streaming read {streamed:?}, general failed: {e}")),
            }
        }),
    }
}
