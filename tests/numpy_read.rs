//! numpy writes, Rust reads: arrays of every dtype, 0-d to 3-d, empty, C
//! and Fortran order, strided, both byte orders, every protocol, in band and
//! out of band; numpy scalars; dtype objects; arrays a typed read refuses.
//! From the installed numpy 2.x (`python3`) and numpy 1.x at test time, and
//! from every numpy version of `tests/fixtures/numpy` (made by
//! `tools/make_numpy_fixtures.sh`: numpy 1.16 on Python 2.7 to numpy 2.2).
//! Each value is compared with what numpy itself says the pickle holds.
#![cfg(feature = "ndarray")]

mod common;
mod numpy;

use std::path::Path;

use ndarray::{Array, CowArray, Ix1, Ix2, IxDyn};
use numpy::TestElement;
use pickle_core::de::{Options, StringEncoding};
use pickle_core::numpy::{DType, Views};
use pickle_core::{Buffer, ErrorKind, FromPickle, Value};

/// One case of `numpy_pickles.py`.
enum Case {
    Array {
        name: String,
        dtype: String,
        shape: Vec<usize>,
        fortran: bool,
        values: Vec<u8>,
        pickle: Vec<u8>,
        buffers: Vec<Buffer>,
    },
    Scalar {
        name: String,
        dtype: String,
        value: String,
        pickle: Vec<u8>,
    },
    DType {
        name: String,
        type_string: String,
        pickle: Vec<u8>,
    },
    Refused {
        name: String,
        pickle: Vec<u8>,
    },
}

fn text(record: &[u8]) -> String {
    String::from_utf8(record.to_vec()).expect("ASCII")
}

fn parse(data: &[u8]) -> Vec<Case> {
    let rec = common::read_records(data);
    let mut cases = Vec::new();
    let mut i = 0;
    while i < rec.len() {
        match &rec[i][..] {
            b"array" => {
                let n: usize = text(&rec[i + 7]).parse().expect("a count");
                cases.push(Case::Array {
                    name: text(&rec[i + 1]),
                    dtype: text(&rec[i + 2]),
                    shape: text(&rec[i + 3])
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(|s| s.parse().expect("a dimension"))
                        .collect(),
                    fortran: rec[i + 4] == b"1",
                    values: rec[i + 5].clone(),
                    pickle: rec[i + 6].clone(),
                    buffers: rec[i + 8..i + 8 + n]
                        .iter()
                        .map(|b| Buffer::new(b.clone(), false))
                        .collect(),
                });
                i += 8 + n;
            }
            b"scalar" => {
                cases.push(Case::Scalar {
                    name: text(&rec[i + 1]),
                    dtype: text(&rec[i + 2]),
                    value: text(&rec[i + 3]),
                    pickle: rec[i + 4].clone(),
                });
                i += 5;
            }
            b"dtype" => {
                cases.push(Case::DType {
                    name: text(&rec[i + 1]),
                    type_string: text(&rec[i + 2]),
                    pickle: rec[i + 3].clone(),
                });
                i += 4;
            }
            b"refused" => {
                cases.push(Case::Refused {
                    name: text(&rec[i + 1]),
                    pickle: rec[i + 2].clone(),
                });
                i += 3;
            }
            other => panic!("unknown record {:?}", String::from_utf8_lossy(other)),
        }
    }
    cases
}

/// What the reads found, for the summary.
#[derive(Default, Debug)]
struct Tally {
    arrays: usize,
    views: usize,
    scalars: usize,
    dtypes: usize,
    refused: usize,
}

/// Checks an array of `A`: the owned read (values bit for bit, shape,
/// memory order; from a slice and from a reader), the view (equal, and borrowed wherever the data is in
/// the machine's order, in the pickle's bytes (protocol 3 on) or a buffer,
/// and aligned), a read of the wrong dimension, and a `Value` read.
#[allow(clippy::too_many_arguments)]
fn check_array<A: TestElement>(
    opts: &Options<'_>,
    name: &str,
    dtype: &str,
    shape: &[usize],
    fortran: bool,
    values: &[u8],
    pickle: &[u8],
    buffers: &[Buffer],
    tally: &mut Tally,
) -> Result<(), String>
where
    Array<A, IxDyn>: FromPickle,
{
    let opts = opts.clone().buffers(buffers);
    let owned: Array<A, IxDyn> = opts.from_slice(pickle).map_err(|e| format!("owned: {e}"))?;
    if owned.shape() != shape {
        return Err(format!("shape {:?}, expected {shape:?}", owned.shape()));
    }
    let expected = A::from_bytes(values, cfg!(target_endian = "big"));
    let items: Vec<A> = owned.iter().copied().collect();
    if A::as_bytes(&items) != A::as_bytes(&expected) {
        return Err(format!("values {items:?}, expected {expected:?}"));
    }
    if fortran && owned.is_standard_layout() {
        return Err("Fortran-ordered data read into C order".into());
    }
    let streamed: Array<A, IxDyn> = opts
        .from_reader(pickle)
        .map_err(|e| format!("from a reader: {e}"))?;
    let streamed_items: Vec<A> = streamed.iter().copied().collect();
    if A::as_bytes(&streamed_items) != A::as_bytes(&items) {
        return Err(format!("from a reader: {streamed:?}"));
    }
    let views = Views::with_options(pickle, opts.clone());
    let view: CowArray<'_, A, IxDyn> = views
        .read(|d| views.array(d))
        .map_err(|e| format!("view: {e}"))?;
    let viewed: Vec<A> = view.iter().copied().collect();
    if A::as_bytes(&viewed) != A::as_bytes(&expected) || view.shape() != shape {
        return Err(format!("view {view:?}, expected {owned:?}"));
    }
    let native = !dtype.starts_with(if cfg!(target_endian = "big") {
        '<'
    } else {
        '>'
    });
    let aligned = |p: *const u8| p as usize % std::mem::align_of::<A>() == 0;
    let data_bytes = std::mem::size_of_val(&expected[..]);
    // Where the data lies: in a buffer, or in place in the pickle (found by
    // its bytes, from protocol 3 on, when they are unique in the pickle).
    let place = buffers.first().map(|b| b.data.as_ptr()).or_else(|| {
        let bytes = A::as_bytes(&expected);
        let found: Vec<usize> = (0..pickle.len().saturating_sub(bytes.len()) + 1)
            .filter(|&at| &pickle[at..at + bytes.len()] == bytes)
            .take(2)
            .collect();
        let protocol = if pickle[0] == 0x80 { pickle[1] } else { 0 };
        (protocol >= 3 && bytes.len() >= 8 && found.len() == 1).then(|| pickle[found[0]..].as_ptr())
    });
    let should_borrow = native && data_bytes > 0 && place.is_some_and(aligned);
    if should_borrow && !view.is_view() {
        return Err("the view copied data it could borrow".into());
    }
    if view.is_view() && data_bytes > 0 {
        tally.views += 1;
        let at = view.as_ptr().cast::<u8>();
        let inside = |s: &[u8]| s.as_ptr_range().contains(&at);
        if !(inside(pickle) || buffers.iter().any(|b| inside(&b.data))) {
            return Err("a view of memory that is neither the pickle nor a buffer".into());
        }
    }
    if shape.len() == 2 {
        opts.from_slice::<Array<A, Ix2>>(pickle)
            .map_err(|e| format!("as 2-d: {e}"))?;
        let err = opts.from_slice::<Array<A, Ix1>>(pickle).unwrap_err();
        if err.kind() != ErrorKind::Type || !err.message().contains("2-d") {
            return Err(format!("a 2-d array read as 1-d: {err}"));
        }
    }
    opts.from_slice::<Value>(pickle)
        .map_err(|e| format!("as a Value: {e}"))?;
    let _ = name;
    tally.arrays += 1;
    Ok(())
}

macro_rules! dispatch {
    ($dtype:expr, $f:ident::<_>($($args:expr),*)) => {{
        let dtype: &str = $dtype;
        match &dtype[1..] {
            "b1" => $f::<bool>($($args),*),
            "i1" => $f::<i8>($($args),*),
            "i2" => $f::<i16>($($args),*),
            "i4" => $f::<i32>($($args),*),
            "i8" => $f::<i64>($($args),*),
            "u1" => $f::<u8>($($args),*),
            "u2" => $f::<u16>($($args),*),
            "u4" => $f::<u32>($($args),*),
            "u8" => $f::<u64>($($args),*),
            "f4" => $f::<f32>($($args),*),
            "f8" => $f::<f64>($($args),*),
            #[cfg(feature = "num-complex")]
            "c8" => $f::<num_complex::Complex<f32>>($($args),*),
            #[cfg(feature = "num-complex")]
            "c16" => $f::<num_complex::Complex<f64>>($($args),*),
            other => Err(format!("no element type for `{other}`")),
        }
    }};
}

fn check_scalar(opts: &Options<'_>, dtype: &str, value: &str, pickle: &[u8]) -> Result<(), String> {
    let read =
        |what: &str, r: pickle_core::Result<String>| r.map_err(|e| format!("as {what}: {e}"));
    let kind = &dtype[1..2];
    match kind {
        "b" => {
            let v = read(
                "bool",
                opts.from_slice::<bool>(pickle)
                    .map(|b| if b { "True" } else { "False" }.into()),
            )?;
            (v == value).then_some(()).ok_or(format!("read {v}"))?;
            // A bool is no int here, as Python's `True` is not read as one.
            opts.from_slice::<i64>(pickle)
                .err()
                .ok_or("a numpy bool read as an int")?;
        }
        "i" | "u" => {
            let v = read(
                "i128",
                opts.from_slice::<i128>(pickle).map(|v| v.to_string()),
            )?;
            (v == value).then_some(()).ok_or(format!("read {v}"))?;
            let expected: i128 = value.parse().expect("an int");
            let fits = i64::try_from(expected).is_ok();
            match opts.from_slice::<i64>(pickle) {
                Ok(v) if fits && i128::from(v) == expected => {}
                Err(e) if !fits && e.kind() == ErrorKind::OutOfRange => {}
                other => return Err(format!("as i64: {other:?}")),
            }
            let exact = (expected as f64) as i128 == expected;
            match opts.from_slice::<f64>(pickle) {
                Ok(f) if exact && f == expected as f64 => {}
                Err(_) if !exact => {}
                other => return Err(format!("as f64: {other:?}")),
            }
        }
        "f" => {
            let v = opts
                .from_slice::<f64>(pickle)
                .map_err(|e| format!("as f64: {e}"))?;
            let expected: f64 = value.parse().expect("a float");
            (v == expected).then_some(()).ok_or(format!("read {v}"))?;
            let err = opts
                .from_slice::<i64>(pickle)
                .err()
                .ok_or("a float scalar read as an int")?;
            if err.kind() != ErrorKind::Type || !err.message().contains("numpy scalar") {
                return Err(format!("as i64: {err}"));
            }
        }
        #[cfg(feature = "num-complex")]
        "c" => {
            let v: num_complex::Complex<f64> = opts
                .from_slice(pickle)
                .map_err(|e| format!("as complex: {e}"))?;
            let parts: Vec<f64> = value
                .split(' ')
                .map(|p| p.parse().expect("a float"))
                .collect();
            (v == num_complex::Complex::new(parts[0], parts[1]))
                .then_some(())
                .ok_or(format!("read {v}"))?;
            opts.from_slice::<f64>(pickle)
                .err()
                .ok_or("a complex scalar read as a float")?;
        }
        _ => return Err(format!("no check for `{dtype}`")),
    }
    opts.from_slice::<Value>(pickle)
        .map_err(|e| format!("as a Value: {e}"))?;
    Ok(())
}

fn check_refused(opts: &Options<'_>, name: &str, pickle: &[u8]) -> Result<(), String> {
    let err = opts
        .from_slice::<Array<f64, IxDyn>>(pickle)
        .err()
        .ok_or("read")?;
    let expected = match name.split(' ').next() {
        Some("object") => "dtype=object",
        Some("structured") => "structured",
        _ => "metadata",
    };
    if err.kind() != ErrorKind::Type || !err.message().contains(expected) {
        return Err(format!("refused with {:?}: {err}", err.kind()));
    }
    if err.offset().is_none() {
        return Err(format!("no offset: {err}"));
    }
    // A `Value` keeps it, inert.
    opts.from_slice::<Value>(pickle)
        .map_err(|e| format!("as a Value: {e}"))?;
    Ok(())
}

/// Reads every case; returns the failures and what was read.
fn check_all(cases: &[Case], opts: &Options<'_>) -> (Vec<String>, Tally) {
    let mut failures = Vec::new();
    let mut tally = Tally::default();
    for case in cases {
        let (name, result) = match case {
            Case::Array {
                name,
                dtype,
                shape,
                fortran,
                values,
                pickle,
                buffers,
            } => (
                name,
                dispatch!(
                    dtype,
                    check_array::<_>(
                        opts, name, dtype, shape, *fortran, values, pickle, buffers, &mut tally
                    )
                ),
            ),
            Case::Scalar {
                name,
                dtype,
                value,
                pickle,
            } => {
                tally.scalars += 1;
                (name, check_scalar(opts, dtype, value, pickle))
            }
            Case::DType {
                name,
                type_string,
                pickle,
            } => {
                tally.dtypes += 1;
                let result = match opts.from_slice::<DType>(pickle) {
                    Ok(d) if d.type_string() == *type_string => Ok(()),
                    Ok(d) => Err(format!("read `{}`", d.type_string())),
                    Err(e) => Err(e.to_string()),
                };
                (name, result)
            }
            Case::Refused { name, pickle } => {
                tally.refused += 1;
                (name, check_refused(opts, name, pickle))
            }
        };
        if let Err(e) = result {
            failures.push(format!("{name}: {e}"));
        }
    }
    (failures, tally)
}

fn assert_all_read(source: &str, cases: &[Case], opts: &Options<'_>) {
    let (failures, tally) = check_all(cases, opts);
    assert!(
        failures.is_empty(),
        "{source}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(tally.arrays > 0 && tally.scalars > 0 && tally.dtypes > 0 && tally.refused > 0);
    eprintln!("{source}: {tally:?}");
}

#[test]
fn arrays_numpy_2_writes_are_read() {
    let cases = parse(&common::python("numpy_pickles.py", &["--full"], b""));
    assert_all_read("numpy 2", &cases, &Options::new());
}

#[test]
fn arrays_numpy_1_writes_are_read() {
    let data = common::run_python(
        &common::numpy1_python(),
        "numpy_pickles.py",
        &["--full"],
        b"",
    );
    assert_all_read("numpy 1", &parse(&data), &Options::new());
}

/// Every fixture: Python 2's read with `encoding='latin1'`, as numpy asks
/// (and with `encoding='bytes'`), Python 3's with the default options.
#[test]
fn arrays_of_every_numpy_version_are_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/numpy");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/numpy")
        .map(|e| e.expect("an entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 9, "fixtures of 9 numpy versions: {files:?}");
    for file in files {
        let name = file
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let cases = parse(&std::fs::read(&file).expect("readable"));
        if name.starts_with("python2.") {
            for encoding in [StringEncoding::Latin1, StringEncoding::Bytes] {
                let opts = Options::new().string_encoding(encoding);
                assert_all_read(&format!("{name} {encoding:?}"), &cases, &opts);
            }
            // Python 3's default, ASCII, cannot read their data, as in Python.
            let (failures, _) = check_all(&cases, &Options::new());
            assert!(!failures.is_empty(), "{name}: read as ASCII");
        } else {
            assert_all_read(&name, &cases, &Options::new());
        }
    }
}
