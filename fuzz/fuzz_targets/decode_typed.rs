//! Any input: typed decoding into a derived `Order` (a class allowlist,
//! fields by name, an enum member, a data enum) and into nested std types
//! returns without panicking, and what decodes writes back consistently.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use pickle_fuzz::{check_typed, Order};

fuzz_target!(|data: &[u8]| {
    check_typed::<Order>(data);
    check_typed::<Vec<Order>>(data);
    let _ = pickle_core::from_slice::<HashMap<String, Vec<Option<f64>>>>(data);
});
