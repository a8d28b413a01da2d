//! Any input: `dis` and `optimize` return without panicking, and an
//! optimized pickle reads back to the value the original reads to.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pickle_core::Value;

fuzz_target!(|data: &[u8]| {
    let _ = pickle_core::dis(data);
    let _ = pickle_core::dis::Options::new()
        .annotate(1)
        .indent_level(2)
        .dis(data);
    let Ok(optimized) = pickle_core::optimize(data) else {
        return;
    };
    if let Ok(original) = pickle_core::from_slice::<Value>(data) {
        let back = pickle_core::from_slice::<Value>(&optimized)
            .unwrap_or_else(|e| panic!("the optimized pickle does not read: {e}"));
        assert!(back == original, "optimizing changed the value");
    }
});
