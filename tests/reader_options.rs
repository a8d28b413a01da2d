//! The reader's options, each checked against what CPython writes and reads:
//! streams of pickles, persistent ids, extension codes, out-of-band buffers,
//! Python 2 strings and names.

mod common;

use std::collections::HashMap;
use std::io::{BufReader, Read};

use pickle_core::de::borrow::reborrow;
use pickle_core::de::{Options, PersistentIds, StringEncoding};
use pickle_core::{Buffer, ErrorKind, Extensions, Protocol, Value};

fn fixtures() -> HashMap<String, Vec<u8>> {
    let records = common::read_records(&common::python("options_fixtures.py", &[], b""));
    records
        .chunks(2)
        .map(|pair| {
            (
                String::from_utf8(pair[0].clone()).expect("ascii names"),
                pair[1].clone(),
            )
        })
        .collect()
}

fn check_in_python(records: Vec<Vec<u8>>) {
    let report = common::python_text("check_options.py", &[], &common::write_records(records));
    assert!(report.ends_with("{\"failures\": 0}\n"), "{report}");
}

#[test]
fn from_reader_reads_one_pickle_at_a_time_like_pickle_load() {
    let stream = &fixtures()["stream"];
    let expected = [
        Value::List(vec![Value::Int(1), Value::str("a")]),
        Value::Dict(vec![(Value::str("b"), Value::Float(2.5))]),
        Value::Tuple(vec![Value::str("c"), Value::None]),
    ];
    // Buffered, as a file would be read.
    let mut reader = BufReader::new(&stream[..]);
    for want in &expected {
        let got: Value = pickle_core::from_reader(&mut reader).expect("one pickle");
        assert_eq!(&got, want);
    }
    let end = pickle_core::from_reader::<Value, _>(&mut reader).unwrap_err();
    assert_eq!(end.kind(), ErrorKind::Eof);
    // Unbuffered: the reader is left exactly after each STOP.
    let mut rest: &[u8] = stream;
    let first: Value = pickle_core::from_reader(&mut rest).expect("first pickle");
    assert_eq!(first, expected[0]);
    let mut remaining = Vec::new();
    rest.read_to_end(&mut remaining).expect("slice reads");
    let from_slice: Vec<Value> = {
        let second: Value = pickle_core::from_slice(&remaining).expect("second pickle");
        vec![second]
    };
    assert_eq!(from_slice[0], expected[1]);
}

#[test]
fn persistent_ids_are_refused_kept_or_loaded() {
    let fixtures = fixtures();
    let mut written = Vec::new();
    for proto in Protocol::ALL {
        let data = &fixtures[&format!("persistent {proto}")];
        let refused = pickle_core::from_slice::<Value>(data).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::PersistentId, "{refused}");

        let kept: Value = Options::new()
            .persistent_ids(PersistentIds::Keep)
            .from_slice(data)
            .expect("kept");
        let items = kept.as_slice().expect("a list");
        assert_eq!(items[0], Value::PersistentId(Box::new(Value::str("row7"))));
        assert_eq!(items[1].as_str(), Some("plain"));
        written.extend([
            format!("persistent {proto}").into_bytes(),
            pickle_core::to_vec_with(&kept, proto).expect("written"),
        ]);

        let load = |pid: &Value| -> Result<Value, String> {
            Ok(Value::str(format!(
                "row {}",
                pid.as_str().ok_or("pid is a str")?
            )))
        };
        let loaded: Value = Options::new()
            .persistent_ids(PersistentIds::Load(&load))
            .from_slice(data)
            .expect("loaded");
        assert_eq!(
            loaded.as_slice().expect("a list")[0].as_str(),
            Some("row row7")
        );
        let failing = |_: &Value| -> Result<Value, String> { Err("no such row".into()) };
        let err = Options::new()
            .persistent_ids(PersistentIds::Load(&failing))
            .from_slice::<Value>(data)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PersistentId);
        assert!(err.to_string().contains("no such row"), "{err}");
    }
    // CPython's persistent_load sees the same ids in what we wrote back.
    check_in_python(written);
}

#[test]
fn extension_codes_need_the_registry_both_ways() {
    let fixtures = fixtures();
    let mut registry = Extensions::new();
    registry
        .add("collections", "OrderedDict", 7)
        .expect("fresh code");
    registry
        .add("fractions", "Fraction", 300)
        .expect("fresh code");
    registry
        .add("decimal", "Decimal", 70000)
        .expect("fresh code");
    assert!(
        registry.add("collections", "OrderedDict", 7).is_ok(),
        "registering twice is fine"
    );
    assert_eq!(
        registry.add("x", "Y", 7).unwrap_err().kind(),
        ErrorKind::Extension
    );
    let mut written = Vec::new();
    for proto in [Protocol::V2, Protocol::V3, Protocol::V4, Protocol::V5] {
        let data = &fixtures[&format!("extensions {proto}")];
        let err = pickle_core::from_slice::<Value>(data).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Extension, "{err}");
        let value: Value = Options::new()
            .extensions(&registry)
            .from_slice(data)
            .expect("registered");
        assert_eq!(
            value,
            Value::List(vec![
                Value::global("collections", "OrderedDict"),
                Value::global("fractions", "Fraction"),
                Value::global("decimal", "Decimal"),
            ])
        );
        let bytes = pickle_core::ser::Options::new()
            .protocol(proto)
            .extensions(&registry)
            .to_vec(&value)
            .expect("written");
        written.extend([format!("extensions {proto}").into_bytes(), bytes]);
    }
    check_in_python(written);
}

#[test]
fn out_of_band_buffers_round_trip() {
    let fixtures = fixtures();
    let data = &fixtures["buffers"];
    let buffers: Vec<Buffer> = (0..2)
        .map(|i| {
            let key = fixtures
                .keys()
                .find(|k| k.starts_with(&format!("buffer {i} ")))
                .expect("buffer fixture");
            Buffer::new(fixtures[key].clone(), key.ends_with(" 1"))
        })
        .collect();
    let err = pickle_core::from_slice::<Value>(data).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Buffer);
    let too_few = Options::new()
        .buffers(&buffers[..1])
        .from_slice::<Value>(data)
        .unwrap_err();
    assert_eq!(too_few.kind(), ErrorKind::Buffer);
    let value: Value = Options::new()
        .buffers(&buffers)
        .from_slice(data)
        .expect("buffers given");
    assert_eq!(
        value,
        Value::List(buffers.iter().cloned().map(Value::Buffer).collect())
    );
    let (bytes, out) = pickle_core::ser::Options::new()
        .out_of_band_buffers(true)
        .to_vec_with_buffers(&value)
        .expect("written");
    assert_eq!(out, buffers);
    let mut records = vec![
        b"buffers".to_vec(),
        bytes,
        out.len().to_string().into_bytes(),
    ];
    records.extend(out.into_iter().map(|b| b.data.to_vec()));
    check_in_python(records);
}

/// The buffers given are shared by what is read, not copied; the buffers
/// written out of band share the value's bytes.
#[test]
fn out_of_band_buffers_are_shared_not_copied() {
    let fixtures = fixtures();
    let buffers = [
        Buffer::new(fixtures["buffer 0 1"].clone(), true),
        Buffer::new(fixtures["buffer 1 0"].clone(), false),
    ];
    let value: Value = Options::new()
        .buffers(&buffers)
        .from_slice(&fixtures["buffers"])
        .expect("buffers given");
    let Value::List(items) = &value else {
        panic!("a list, found {value:?}")
    };
    for (item, given) in items.iter().zip(&buffers) {
        let Value::Buffer(read) = item else {
            panic!("a buffer, found {item:?}")
        };
        assert_eq!(read, given);
        assert_eq!(read.data.as_ptr(), given.data.as_ptr(), "shares the bytes");
    }
    let (_, written) = pickle_core::ser::Options::new()
        .out_of_band_buffers(true)
        .to_vec_with_buffers(&value)
        .expect("written");
    for (out, given) in written.iter().zip(&buffers) {
        assert_eq!(out.data.as_ptr(), given.data.as_ptr(), "shares the bytes");
    }
    // A typed read hands out the given memory too.
    let parts: Vec<&[u8]> = Options::new()
        .buffers(&buffers)
        .from_slice_with(&fixtures["buffers"], |d| {
            d.seq()?
                .decode_each(|item| item.decode_bytes())?
                .into_iter()
                .map(|part| {
                    buffers
                        .iter()
                        .find_map(|b| reborrow(&b.data, part))
                        .ok_or_else(|| d.type_error("a buffer given by the caller"))
                })
                .collect()
        })
        .expect("read");
    assert_eq!(parts, [&b"readonly"[..], b"writable"]);
}

/// A `bytearray` is read in place from the input (`BYTEARRAY8`, or a
/// `bytearray(bytes)` call) until the pickle changes it, and then changed
/// as CPython changes it.
#[test]
fn bytearrays_are_read_in_place_until_changed() {
    let fixtures = fixtures();
    let input = &fixtures["bytearray8"];
    let in_place = Options::new()
        .from_slice_with(input, |d| Ok(reborrow(input, d.decode_bytes()?)))
        .expect("read");
    assert_eq!(in_place, Some(&[b'x'; 100][..]));
    let mut changed = 0;
    for (name, data) in &fixtures {
        if !name.starts_with("changed ") || name.ends_with(" loads") {
            continue;
        }
        let expected = &fixtures[&format!("{name} loads")];
        assert_eq!(expected, b"xbcde", "{name}: CPython's result");
        let value: Value = pickle_core::from_slice(data).expect(name);
        assert_eq!(value, Value::ByteArray(expected.clone()), "{name}");
        let typed: pickle_core::ByteArray = pickle_core::from_slice(data).expect(name);
        assert_eq!(typed.0, *expected, "{name}");
        changed += 1;
    }
    assert_eq!(changed, 8);
}

#[test]
fn python2_strings_follow_the_encoding_option() {
    let fixtures = fixtures();
    for name in ["py2 string", "py2 binstring"] {
        let data = &fixtures[name];
        // CPython's default, encoding='ASCII', refuses the byte 0xe9.
        let err = pickle_core::from_slice::<Value>(data).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
        let latin1: Value = Options::new()
            .string_encoding(StringEncoding::Latin1)
            .from_slice(data)
            .expect("latin-1");
        assert_eq!(latin1.as_str(), Some("café"));
        let bytes: Value = Options::new()
            .string_encoding(StringEncoding::Bytes)
            .from_slice(data)
            .expect("bytes");
        assert_eq!(bytes, Value::Bytes(b"caf\xe9".to_vec()));
        let utf8 = Options::new()
            .string_encoding(StringEncoding::Utf8)
            .from_slice::<Value>(data)
            .unwrap_err();
        assert_eq!(utf8.kind(), ErrorKind::InvalidArgument);
    }
}

#[test]
fn python2_names_are_renamed_unless_fix_imports_is_off() {
    // pickle.dumps(set([1]), 2) in CPython 3.11: `__builtin__.set` at protocol 2.
    let data = b"\x80\x02c__builtin__\nset\nq\x00]q\x01K\x01a\x85q\x02Rq\x03.";
    let folded: Value = pickle_core::from_slice(data).expect("renamed and folded");
    assert_eq!(folded, Value::Set(vec![Value::Int(1)]));
    let raw: Value = Options::new()
        .fix_imports(false)
        .from_slice(data)
        .expect("kept");
    let obj = raw.as_object().expect("an inert call");
    assert_eq!(
        obj.class(),
        Some(pickle_core::Global::new("__builtin__", "set"))
    );
}
