//! Any input: the inspector returns a report without panicking, in offset
//! order, and it agrees with decoding on the first pickle: where decoding
//! reads it, the scan reads it too.
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
    // on past extension codes and out-of-band buffers. joblib's arrays are
    // bytes the scan skips where decoding reads opcodes.
    let decoded = Options::new()
        .persistent_ids(PersistentIds::Keep)
        .from_slice::<Value>(data);
    let joblib = data.windows(17).any(|w| w == b"NumpyArrayWrapper");
    if decoded.is_ok() && !joblib {
        let first_broke = report.pickles.len() == 1 && report.error.is_some();
        assert!(
            !first_broke,
            "scan failed where decoding did not: {:?}",
            report.error
        );
    }
});
