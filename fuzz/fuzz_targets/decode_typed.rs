//! Any input: typed decoding into a derived-style `Order` (a class allowlist,
//! fields by position and name, an enum member) returns without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pickle_fuzz::Order;

fuzz_target!(|data: &[u8]| {
    let _ = pickle_core::from_slice::<Order>(data);
    let _ = pickle_core::from_slice::<Vec<Order>>(data);
    let _ = pickle_core::from_slice::<std::collections::HashMap<String, Vec<Option<f64>>>>(data);
});
