//! Any input: the inspector returns a report without panicking, and it
//! agrees with decoding on where reading stops.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pickle_core::de::{Options, PersistentIds};
use pickle_core::Value;

fuzz_target!(|data: &[u8]| {
    let report = pickle_core::scan(data);
    for pair in report.findings.windows(2) {
        assert!(pair[0].offset <= pair[1].offset, "findings out of order");
    }
    // Decoding keeps persistent ids as the scan does; the scan also reads
    // on past extension codes and out-of-band buffers, so only where
    // decoding succeeds must the scan have read the whole pickle.
    let decoded = Options::new()
        .persistent_ids(PersistentIds::Keep)
        .from_slice::<Value>(data);
    if decoded.is_ok() {
        assert!(
            report.error.is_none(),
            "scan failed where decoding did not: {:?}",
            report.error
        );
    }
});
