//! Errors a caller can act on, for pickles CPython writes: a global the
//! target did not name is `UnexpectedGlobal` wherever it appears, a pickle
//! cut short is `Truncated` at the byte where the input ended, and the
//! clean end of a stream of pickles is `Eof`.

mod common;

use std::collections::BTreeMap;

use pickle_core::{ErrorKind, FromPickle, Value};

#[derive(FromPickle, Debug)]
#[pickle(dict)]
#[allow(dead_code)]
struct Priced {
    price: f64,
}

/// (label, protocol, pickle) for each of `tests/python/error_kinds.py`'s cases.
fn cases() -> Vec<(String, u8, Vec<u8>)> {
    let records = common::read_records(&common::python("error_kinds.py", &[], b""));
    records
        .chunks(3)
        .map(|r| {
            (
                String::from_utf8(r[0].clone()).unwrap(),
                r[1][0],
                r[2].clone(),
            )
        })
        .collect()
}

#[test]
fn a_global_the_target_did_not_name_is_unexpected_wherever_it_is() {
    let mut checked = 0;
    for (label, protocol, bytes) in cases() {
        let found = match label.as_str() {
            "call" => "found a call of `posix.system`",
            "global" => "found the global `posix.system`",
            "instance" => "found an instance of `argparse.Namespace`",
            "class_call" => "found a call of `fractions.Fraction`",
            _ => continue,
        };
        let found = found.replace("posix.system", &os_system());
        let errors = [
            pickle_core::from_slice::<BTreeMap<String, f64>>(&bytes).unwrap_err(),
            pickle_core::from_slice::<BTreeMap<String, String>>(&bytes).unwrap_err(),
            pickle_core::from_slice::<Priced>(&bytes).unwrap_err(),
            pickle_core::from_reader::<Priced, _>(&bytes[..]).unwrap_err(),
        ];
        for e in errors {
            assert_eq!(
                e.kind(),
                ErrorKind::UnexpectedGlobal,
                "{label} @ {protocol}: {e}"
            );
            let text = e.to_string();
            assert!(text.contains(&found), "{label} @ {protocol}: {text}");
            assert!(
                text.contains("price"),
                "{label} @ {protocol}: the path in {text}"
            );
            assert!(e.offset().is_some(), "{label} @ {protocol}: {text}");
        }
        checked += 1;
    }
    assert_eq!(checked, 4 * 6);
}

/// How CPython names `os.system` in a pickle (`posix.system` on Unix).
fn os_system() -> String {
    let out = common::python_text("facts.py", &["os_system"], b"");
    out.trim().to_owned()
}

#[test]
fn a_pickle_cut_short_is_truncated_where_the_input_ends() {
    let mut cuts = 0;
    for (label, protocol, bytes) in cases() {
        if label != "list" {
            continue;
        }
        for end in 1..bytes.len() {
            let cut = &bytes[..end];
            let errors = [
                pickle_core::from_slice::<Vec<i64>>(cut).unwrap_err(),
                pickle_core::from_slice::<Value>(cut).unwrap_err(),
                pickle_core::from_reader::<Vec<i64>, _>(cut).unwrap_err(),
            ];
            for e in errors {
                assert_eq!(
                    e.kind(),
                    ErrorKind::Truncated,
                    "protocol {protocol}, {end} bytes: {e}"
                );
                assert_eq!(e.offset(), Some(end as u64), "protocol {protocol}: {e}");
            }
            cuts += 1;
        }
    }
    assert!(cuts > 6 * 300, "{cuts}");
}

#[test]
fn the_clean_end_of_a_stream_of_pickles_is_eof() {
    let mut streams = 0;
    for (label, protocol, bytes) in cases() {
        if label != "stream" {
            continue;
        }
        let mut file = &bytes[..];
        let mut read = Vec::new();
        let end = loop {
            match pickle_core::from_reader::<Value, _>(&mut file) {
                Ok(v) => read.push(v),
                Err(e) => break e,
            }
        };
        assert_eq!(end.kind(), ErrorKind::Eof, "protocol {protocol}: {end}");
        assert_eq!(read.len(), 3, "protocol {protocol}");
        assert_eq!(read[0], Value::Int(1));
        assert_eq!(read[2], Value::Str("four".into()));
        // A stream cut inside its last pickle ends in `Truncated` instead.
        let mut file = &bytes[..bytes.len() - 1];
        let end = loop {
            if let Err(e) = pickle_core::from_reader::<Value, _>(&mut file) {
                break e;
            }
        };
        assert_eq!(
            end.kind(),
            ErrorKind::Truncated,
            "protocol {protocol}: {end}"
        );
        streams += 1;
    }
    assert_eq!(streams, 6);
    let e = pickle_core::from_slice::<Value>(b"").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Eof, "{e}");
}
