//! pickle-core reads what CPython's unpickler reads, and refuses what it
//! refuses: on every bytes literal in CPython's pickle tests, every
//! truncation of each, and hostile inputs. Where CPython (with inert
//! stand-ins for globals) fails, we fail; where it succeeds, our re-encoding
//! of the decoded `Value` loads to an equal object. The few deliberate
//! differences are listed, with reasons, in `tests/python/check_agreement.py`.
//! No input may panic, take over a second, or allocate over 100 MB.

mod common;

use std::time::Duration;

use common::cpu::Stopwatch;

use pickle_core::{ErrorKind, Protocol, Value};

const MAX_TIME: Duration = Duration::from_secs(1);
const MAX_BYTES: usize = 100 << 20;

/// The protocol the input declares (its first `PROTO`), else 0.
fn declared_protocol(data: &[u8]) -> Protocol {
    match data {
        [0x80, p, ..] => Protocol::try_from(*p).unwrap_or(Protocol::V0),
        _ => Protocol::V0,
    }
}

fn kind_name(kind: ErrorKind) -> String {
    format!("{kind:?}")
}

/// Decodes and re-encodes one input; the outcome as the checker reads it.
fn outcome(data: &[u8]) -> (&'static str, Vec<u8>) {
    let decoded = pickle_core::from_slice::<Value>(data);
    let encoded = decoded.and_then(|v| {
        pickle_core::to_vec_with(&v, declared_protocol(data)).or_else(|e| match e.kind() {
            // A value the declared protocol cannot express (a hand-made pickle
            // mixing protocols): write it at the highest.
            ErrorKind::Unpicklable => pickle_core::to_vec(&v),
            _ => Err(e),
        })
    });
    match encoded {
        Ok(bytes) => ("ok", bytes),
        Err(e) => ("err", format!("{}: {e}", kind_name(e.kind())).into_bytes()),
    }
}

#[test]
fn agrees_with_cpython_on_its_test_literals_truncations_and_hostile_inputs() {
    let mut inputs = common::read_records(&common::python("agreement_inputs.py", &[], b""));
    let notice = inputs
        .first()
        .filter(|label| label.starts_with(b"notice: "));
    match notice {
        Some(notice) => {
            eprintln!("{}", String::from_utf8_lossy(notice));
            inputs.drain(..2);
            assert!(
                inputs.len() > 2 * 200,
                "expected the inputs beyond the literals"
            );
        }
        None => assert!(inputs.len() > 2 * 3000, "expected thousands of inputs"),
    }
    let mut records = Vec::new();
    let mut slow = Vec::new();
    for pair in inputs.chunks(2) {
        let (label, data) = (&pair[0], &pair[1]);
        let label_text = String::from_utf8_lossy(label).into_owned();
        let start = Stopwatch::start();
        let (result, peak) =
            common::memory::peak_during(|| std::panic::catch_unwind(|| outcome(data)));
        let elapsed = start.elapsed();
        let (status, payload) = result.unwrap_or_else(|_| panic!("`{label_text}` panicked"));
        if elapsed > MAX_TIME || peak > MAX_BYTES {
            slow.push(format!("{label_text}: {elapsed:?}, {} MB", peak >> 20));
        }
        records.extend([
            label.clone(),
            data.clone(),
            status.as_bytes().to_vec(),
            payload,
        ]);
    }
    assert!(
        slow.is_empty(),
        "inputs over a second or 100 MB:\n{}",
        slow.join("\n")
    );
    let report = common::python_text("check_agreement.py", &[], &common::write_records(&records));
    let total = inputs.len() / 2;
    let (notes, rest): (Vec<&str>, Vec<&str>) =
        report.lines().partition(|l| l.starts_with("note: "));
    // Where CPython's two unpicklers disagree, pickle-core follows the C one
    // (what `pickle.loads` runs); the checker lists those inputs.
    eprintln!(
        "CPython's C and pure-Python unpicklers differ on {} inputs; the C one is followed:\n{}",
        notes.len(),
        notes.join("\n")
    );
    let summary = rest.last().copied().unwrap_or_default();
    assert!(
        summary.starts_with(&format!(
            "{{\"total\": {total}, \"agreed\": {total}, \"mismatches\": 0,"
        )),
        "disagreements with CPython:\n{}",
        rest.join("\n")
    );
}
