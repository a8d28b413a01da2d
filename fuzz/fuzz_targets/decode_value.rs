//! Any input: decoding into `Value`, from a slice and from a reader, returns
//! (it never panics, hangs or allocates without bound), and both agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pickle_core::Value;

fuzz_target!(|data: &[u8]| {
    let from_slice = pickle_core::from_slice::<Value>(data);
    let from_reader = pickle_core::from_reader::<Value, _>(data);
    match (&from_slice, &from_reader) {
        (Ok(a), Ok(b)) => assert!(a == b, "slice and reader decode differently"),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{a} / {b}"),
        _ => panic!("slice and reader disagree: {from_slice:?} / {from_reader:?}"),
    }
});
