//! Any input that decodes: written back at every protocol that can express
//! it, it reads back equal (see `pickle_fuzz::check_roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pickle_fuzz::check_roundtrip(data));
