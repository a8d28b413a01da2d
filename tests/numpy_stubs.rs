//! Derived classes with array fields: the generated Python class annotates
//! them `numpy.typing.NDArray[numpy.float32]` (and so on), passes
//! `mypy --strict` with numpy installed, and CPython with numpy pickles
//! its instances (made with the generated constructors and `numpy.array`)
//! byte for byte as Rust writes them, at protocols 0 to 5; their fields
//! load as real `numpy.ndarray`s.
#![cfg(all(feature = "ndarray", feature = "num-complex"))]

mod common;

use std::path::Path;
use std::process::Command;

use ndarray::{array, Array1, Array2, Array3, ArrayD, IxDyn};
use num_complex::Complex;
use pickle_core::numpy::NumpyNames;
use pickle_core::stubs::{Stubs, TypeExpr};
use pickle_core::{ser, FromPickle, Protocol, ToPickle};

/// `npgen.Sample`: an array field of each element type and dimension kind.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "npgen")]
struct Sample {
    name: String,
    flags: Array1<bool>,
    counts: Array1<i64>,
    pixels: Array2<u8>,
    weights: Array2<f32>,
    grid: Array3<f64>,
    anything: ArrayD<i16>,
    spectrum: Array1<Complex<f64>>,
}

fn sample(i: i16) -> (String, Sample) {
    let f = f32::from(i);
    let expr = format!(
        "npgen.Sample(name='s{i}', flags=np.array([True, False]), \
         counts=np.array([{i}, -1], dtype=np.int64), \
         pixels=np.array([[0, 255], [{i}, 7]], dtype=np.uint8), \
         weights=np.array([[{f:?}, 0.5, -1.0]], dtype=np.float32), \
         grid=np.zeros((1, 2, 2)), anything=np.array({i}, dtype=np.int16), \
         spectrum=np.array([1 + 2j]))"
    );
    let value = Sample {
        name: format!("s{i}"),
        flags: array![true, false],
        counts: array![i64::from(i), -1],
        pixels: array![[0, 255], [i as u8, 7]],
        weights: array![[f, 0.5, -1.0]],
        grid: Array3::zeros((1, 2, 2)),
        anything: ArrayD::from_elem(IxDyn(&[]), i),
        spectrum: array![Complex::new(1.0, 2.0)],
    };
    (expr, value)
}

fn stubs() -> Stubs {
    let mut stubs = Stubs::new();
    stubs.add::<Sample>();
    stubs
}

#[test]
fn arrays_annotate_as_numpy_typing_ndarray() {
    let cases = [
        (
            TypeExpr::of::<Array1<bool>>(),
            "numpy.typing.NDArray[numpy.bool_]",
        ),
        (
            TypeExpr::of::<Array2<i8>>(),
            "numpy.typing.NDArray[numpy.int8]",
        ),
        (
            TypeExpr::of::<ArrayD<u64>>(),
            "numpy.typing.NDArray[numpy.uint64]",
        ),
        (
            TypeExpr::of::<Array2<f32>>(),
            "numpy.typing.NDArray[numpy.float32]",
        ),
        (
            TypeExpr::of::<Array3<f64>>(),
            "numpy.typing.NDArray[numpy.float64]",
        ),
        (
            TypeExpr::of::<Array1<Complex<f32>>>(),
            "numpy.typing.NDArray[numpy.complex64]",
        ),
        (
            TypeExpr::of::<Option<ndarray::ArcArray2<Complex<f64>>>>(),
            "typing.Optional[numpy.typing.NDArray[numpy.complex128]]",
        ),
    ];
    for (expr, text) in cases {
        assert_eq!(expr.to_string(), text);
    }
    let source = stubs().module_source("npgen").unwrap();
    for line in [
        "import numpy\n",
        "import numpy.typing\n",
        "    flags: numpy.typing.NDArray[numpy.bool_]\n",
        "    weights: numpy.typing.NDArray[numpy.float32]\n",
        "    anything: numpy.typing.NDArray[numpy.int16]\n",
    ] {
        assert!(source.contains(line), "missing {line:?} in:\n{source}");
    }
}

/// A list of records (sharing one dtype object per element type, in numpy
/// as in the pickle) and one record alone, at every protocol.
#[test]
fn cpython_pickles_the_generated_classes_as_rust_does() {
    let dir = common::scratch_dir("numpy_stubs");
    stubs().write_package(&dir).unwrap();
    let records: Vec<(String, Sample)> = (1..4).map(sample).collect();
    let list_expr = format!(
        "[{}]",
        records
            .iter()
            .map(|(e, _)| e.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let list: Vec<Sample> = records.iter().map(|(_, v)| v.clone()).collect();
    let cases: [(&str, &dyn ToPickle); 2] = [(&records[0].0, &records[0].1), (&list_expr, &list)];
    let mut input: Vec<Vec<u8>> = Vec::new();
    for (expr, value) in cases {
        for protocol in Protocol::ALL {
            let bytes = ser::Options::new()
                .protocol(protocol)
                .numpy_names(NumpyNames::Numpy2)
                .to_vec(value)
                .unwrap();
            input.extend([
                expr.as_bytes().to_vec(),
                protocol.as_u8().to_string().into_bytes(),
                bytes,
            ]);
        }
    }
    let report = common::python_text(
        "numpy_stubs.py",
        &[dir.to_str().unwrap()],
        &common::write_records(&input),
    );
    let total = cases.len() * Protocol::ALL.len();
    assert_eq!(
        report.lines().last().unwrap_or_default(),
        format!("{{\"total\": {total}, \"identical\": {total}}}"),
        "{report}"
    );
    // And back: Rust reads what it wrote.
    let bytes = pickle_core::to_vec(&list).unwrap();
    assert_eq!(
        pickle_core::from_slice::<Vec<Sample>>(&bytes).unwrap(),
        list
    );
}

fn mypy(dir: &Path, target: &[&str]) -> std::process::Output {
    Command::new("python3")
        .args(["-m", "mypy", "--strict", "--no-error-summary"])
        .args(["--python-version", "3.10"])
        .arg("--cache-dir")
        .arg(Path::new(env!("CARGO_TARGET_TMPDIR")).join("mypy-cache"))
        .current_dir(dir)
        .args(target)
        .output()
        .expect("python3 runs")
}

#[test]
fn mypy_strict_accepts_the_generated_module_with_numpy() {
    let dir = common::scratch_dir("numpy_stubs_mypy");
    stubs().write_package(&dir).unwrap();
    let out = mypy(&dir, &["-p", "npgen"]);
    assert!(
        out.status.success(),
        "mypy --strict (are mypy and numpy installed?):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // An array of floats used as an array of ints is caught: the
    // annotations are real, element types included.
    std::fs::write(
        dir.join("misuse.py"),
        "import numpy\nimport numpy.typing\nimport npgen\n\n\n\
         def counts(s: npgen.Sample) -> numpy.typing.NDArray[numpy.int64]:\n    return s.weights\n",
    )
    .unwrap();
    let out = mypy(&dir, &["misuse.py"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("misuse.py:7: error: Incompatible return value type"),
        "mypy should catch the misuse:\n{text}"
    );
}
