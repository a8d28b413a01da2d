//! Rust writes numpy arrays, numpy reads them: every element type, 0-d to
//! 3-d, empty, C and Fortran order and a strided view, alone and in lists,
//! at protocols 0 to 5 and out of band, must be byte-identical to what
//! numpy's own `pickle.dumps` writes for the equal arrays, and load equal
//! to them (dtype, shape, values, contiguity, writable): numpy 2.x's names
//! checked against `python3`'s numpy 2.x, numpy 1.x's (the default)
//! against numpy 1.x (see `common::numpy1_python`).
#![cfg(feature = "ndarray")]

mod common;
mod numpy;

use std::path::Path;

use ndarray::{arr1, ArcArray1, Array1};
use numpy::{write_cases, WriteCase};
use pickle_core::numpy::{DType, NumpyNames};
use pickle_core::{ser, Protocol, ToPickle};

fn all_cases() -> Vec<WriteCase> {
    let mut cases = for_each_element!(write_cases());
    cases.push(WriteCase {
        name: "mixed dtypes list".into(),
        single: false,
        specs: vec![
            numpy::Spec::of(&numpy::array::<f32>(&[2]), 'C'),
            numpy::Spec::of(&numpy::array::<f64>(&[2]), 'C'),
            numpy::Spec::of(&numpy::array::<f32>(&[3]), 'C'),
        ],
        value: Box::new(vec![
            Box::new(numpy::array::<f32>(&[2])) as Box<dyn ToPickle>,
            Box::new(numpy::array::<f64>(&[2])),
            Box::new(numpy::array::<f32>(&[3])),
        ]),
    });
    cases
}

/// Writes every case at every protocol (and out of band) with `names`, and
/// has `interpreter`'s numpy check them; returns its summary line.
fn check_with(interpreter: &Path, names: NumpyNames) -> String {
    let cases = all_cases();
    let mut records: Vec<Vec<u8>> = Vec::new();
    let mut count = 0;
    for case in &cases {
        let ways = Protocol::ALL
            .iter()
            .map(|&p| (p, false))
            .chain([(Protocol::V5, true)]);
        for (protocol, oob) in ways {
            let (bytes, buffers) = ser::Options::new()
                .protocol(protocol)
                .numpy_names(names)
                .out_of_band_buffers(oob)
                .to_vec_with_buffers(&*case.value)
                .unwrap_or_else(|e| panic!("{} at protocol {protocol}: {e}", case.name));
            records.extend([
                case.name.clone().into_bytes(),
                protocol.as_u8().to_string().into_bytes(),
                (oob as u8).to_string().into_bytes(),
                (case.single as u8).to_string().into_bytes(),
                case.specs.len().to_string().into_bytes(),
            ]);
            records.extend(case.specs.iter().flat_map(numpy::Spec::records));
            records.extend([bytes, buffers.len().to_string().into_bytes()]);
            records.extend(buffers.iter().map(|b| b.data.to_vec()));
            count += 1;
        }
    }
    let report = common::python_text_with(
        interpreter,
        "numpy_check_writes.py",
        &[],
        &common::write_records(&records),
    );
    let summary = report.lines().last().unwrap_or_default().to_owned();
    let major = if names == NumpyNames::Numpy1 { 1 } else { 2 };
    assert_eq!(
        summary,
        format!(
            "{{\"numpy\": \"{major}\", \"total\": {count}, \"identical\": {count}, \"loaded\": {count}}}"
        ),
        "arrays that numpy writes otherwise or loads differently:\n{report}"
    );
    summary
}

#[test]
fn numpy_2_names_are_byte_identical_to_numpy_2() {
    let summary = check_with(Path::new("python3"), NumpyNames::Numpy2);
    eprintln!("numpy 2: {summary}");
}

#[test]
fn numpy_1_names_are_byte_identical_to_numpy_1() {
    let summary = check_with(&common::numpy1_python(), NumpyNames::Numpy1);
    eprintln!("numpy 1: {summary}");
}

/// What the module documentation says of the two generations of names:
/// numpy 1's load everywhere (numpy 2 warns at protocol 5 only), numpy 2's
/// load on numpy 2, and on numpy 1 (1.26) below protocol 5 only.
#[test]
fn each_generation_of_names_loads_where_the_documentation_says() {
    let a = numpy::array::<f64>(&[2, 3]);
    let mut records = Vec::new();
    for names in [NumpyNames::Numpy1, NumpyNames::Numpy2] {
        for protocol in Protocol::ALL {
            let bytes = ser::Options::new()
                .protocol(protocol)
                .numpy_names(names)
                .to_vec(&a)
                .expect("written");
            records.push(format!("{names:?} {protocol}").into_bytes());
            records.push(bytes);
        }
    }
    let input = common::write_records(&records);
    let numpy2 = common::python_text("numpy_load_names.py", &[], &input);
    let numpy1 =
        common::python_text_with(&common::numpy1_python(), "numpy_load_names.py", &[], &input);
    let expected = |names: &str, protocol: u8, numpy: u8| match (names, protocol, numpy) {
        ("Numpy1", 5, 2) => "DeprecationWarning",
        ("Numpy2", 5, 1) => "ModuleNotFoundError",
        _ => "ok",
    };
    for (numpy, report) in [(1, &numpy1), (2, &numpy2)] {
        for line in report.lines() {
            let mut words = line.split(' ');
            let (names, protocol, outcome) = (
                words.next().unwrap_or_default(),
                words.next().and_then(|p| p.parse().ok()).unwrap_or(99),
                words.next().unwrap_or_default(),
            );
            assert_eq!(
                outcome,
                expected(names, protocol, numpy),
                "{names} at protocol {protocol} on numpy {numpy}"
            );
        }
        assert_eq!(report.lines().count(), 12, "{report}");
    }
}

/// Out of band, an `ArcArray`'s elements are handed out, not copied; an
/// `Array`'s are copied once into its buffer, never into the pickle.
#[test]
fn out_of_band_buffers_share_an_arc_arrays_elements() {
    let shared: ArcArray1<f32> = Array1::from(vec![1.0; 1 << 16]).into_shared();
    let (pickle, buffers) = ser::Options::new()
        .out_of_band_buffers(true)
        .to_vec_with_buffers(&shared)
        .expect("written");
    assert!(pickle.len() < 200, "the data is not in the pickle");
    assert_eq!(buffers.len(), 1);
    assert_eq!(buffers[0].data.as_ptr(), shared.as_ptr().cast::<u8>());
    assert_eq!(buffers[0].data.len(), 4 << 16);

    let owned = arr1(&[1u16, 2, 3]);
    let (_, buffers) = ser::Options::new()
        .out_of_band_buffers(true)
        .to_vec_with_buffers(&owned)
        .expect("written");
    assert_ne!(buffers[0].data.as_ptr(), owned.as_ptr().cast::<u8>());
    assert_eq!(&buffers[0].data[..], [1, 0, 2, 0, 3, 0]);
}

/// dtype objects, of every kind, at every protocol, and twice in a list
/// (fetched from the memo where numpy holds one object of the dtype).
#[test]
fn dtypes_alone_are_byte_identical_to_numpy() {
    use pickle_core::numpy::{ByteOrder, DTypeKind};
    let dtypes = [
        (
            DType::new(DTypeKind::Float, 8, ByteOrder::Little),
            "np.dtype('<f8')",
        ),
        (
            DType::new(DTypeKind::Float, 8, ByteOrder::Big),
            "np.dtype('>f8')",
        ),
        (
            DType::new(DTypeKind::Bool, 1, ByteOrder::NotApplicable),
            "np.dtype('?')",
        ),
        (
            DType::new(DTypeKind::Object, 8, ByteOrder::NotApplicable),
            "np.dtype('O')",
        ),
        (
            DType::new(DTypeKind::Bytes, 5, ByteOrder::NotApplicable),
            "np.dtype('S5')",
        ),
        (
            DType::new(DTypeKind::Str, 12, ByteOrder::Little),
            "np.dtype('<U3')",
        ),
        (
            DType::new(DTypeKind::Void, 4, ByteOrder::NotApplicable),
            "np.dtype('V4')",
        ),
        (
            DType::new(DTypeKind::Float, 2, ByteOrder::Little),
            "np.dtype('<f2')",
        ),
        (
            DType::new(DTypeKind::Complex, 16, ByteOrder::Big),
            "np.dtype('>c16')",
        ),
        (
            DType::new(DTypeKind::UInt, 1, ByteOrder::Big),
            "np.dtype('u1')",
        ),
    ];
    let mut records = Vec::new();
    for (dtype, expr) in &dtypes {
        let dtype = dtype.expect("a dtype");
        for protocol in Protocol::ALL {
            records.push(expr.as_bytes().to_vec());
            records.push(protocol.as_u8().to_string().into_bytes());
            records.push(pickle_core::to_vec_with(&dtype, protocol).expect("written"));
            let back: DType =
                pickle_core::from_slice(records.last().expect("pushed")).expect("read");
            assert_eq!(back, dtype, "{expr}");
        }
        // Twice in a list: one object, if numpy holds one.
        records.push(format!("[{expr}, {expr}]").into_bytes());
        records.push(b"5".to_vec());
        records.push(pickle_core::to_vec(&[dtype, dtype]).expect("written"));
    }
    let report = common::python_text(
        "numpy_check_values.py",
        &[],
        &common::write_records(&records),
    );
    let n = dtypes.len() * (Protocol::ALL.len() + 1);
    assert_eq!(
        report.lines().last().unwrap_or_default(),
        format!("{{\"total\": {n}, \"identical\": {n}}}"),
        "{report}"
    );
}
