//! Embeddings between Rust and numpy, both ways.
//!
//! `cargo run --example embeddings --features ndarray` writes a list of
//! `vectors.models.Embedding` records, each holding an `Array2<f32>`, and
//! the Python package `vectors` generated from the Rust type; then
//! `python3 examples/python/embeddings.py` loads them (instances of the
//! generated class whose `vectors` are real `numpy.ndarray`s), checks that
//! numpy pickles them again to the very same bytes, and pickles a batch of
//! numpy arrays at protocol 5 with out-of-band buffers, as a process hands
//! arrays to another; Rust reads that batch without copying the arrays'
//! data: each is a view into the buffers. It exits non-zero if any of it
//! fails. Needs `python3` with numpy.

use std::path::Path;
use std::process::{Command, ExitCode};

use ndarray::{Array2, CowArray, Ix2};
use pickle_core::numpy::{NumpyNames, Views};
use pickle_core::{ser, Buffer, FromPickle, ToPickle};

/// `@dataclass class Embedding` of the module `vectors.models`: the vectors
/// of one document's chunks, a row each.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "vectors.models")]
struct Embedding {
    doc_id: i64,
    model: String,
    vectors: Array2<f32>,
}

fn embeddings() -> Vec<Embedding> {
    (0..3)
        .map(|doc| Embedding {
            doc_id: doc,
            model: "mini-8".into(),
            vectors: Array2::from_shape_fn((doc as usize + 2, 8), |(chunk, i)| {
                ((doc * 31 + chunk as i64 * 7 + i as i64) % 17) as f32 / 16.0 - 0.5
            }),
        })
        .collect()
}

type Failure = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let scratch = std::env::temp_dir().join(format!("pickle-rs-embeddings-{}", std::process::id()));
    let result = run(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("embeddings: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(scratch: &Path) -> Result<(), Failure> {
    // The names numpy writes where the pickle goes: numpy 2's for numpy 2,
    // so that its pickles of the records are the same bytes.
    let names = match python(&["-c", "import numpy; print(numpy.__version__)"])?.trim() {
        v if v.starts_with("1.") => NumpyNames::Numpy1,
        _ => NumpyNames::Numpy2,
    };
    let records = embeddings();
    let bytes = ser::Options::new().numpy_names(names).to_vec(&records)?;
    assert_eq!(pickle_core::from_slice::<Vec<Embedding>>(&bytes)?, records);

    let mut stubs = pickle_core::stubs::Stubs::new();
    stubs.add::<Embedding>();
    stubs.write_package(&scratch.join("python"))?;
    std::fs::write(scratch.join("embeddings.pickle"), &bytes)?;
    println!(
        "Rust wrote {} embeddings ({} bytes, numpy names {names:?})",
        records.len(),
        bytes.len()
    );
    print!(
        "{}",
        python(&[script().as_str(), &scratch.to_string_lossy()])?
    );

    // What Python wrote: a batch of arrays, their data out of band.
    let pickle = std::fs::read(scratch.join("batch.pickle"))?;
    let count: usize = std::fs::read_to_string(scratch.join("batch.count"))?
        .trim()
        .parse()?;
    let buffers = (0..count)
        .map(|i| {
            Ok(Buffer::new(
                std::fs::read(scratch.join(format!("batch.{i}")))?,
                false,
            ))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let views = Views::with_buffers(&pickle, &buffers);
    let batch: Vec<CowArray<'_, f32, Ix2>> =
        views.read(|d| d.seq()?.decode_each(|item| views.array(item)))?;
    for (array, buffer) in batch.iter().zip(&buffers) {
        if !array.is_view() || array.as_ptr().cast::<u8>() != buffer.data.as_ptr() {
            return Err("an array of the batch was copied".into());
        }
    }
    let shapes: Vec<_> = batch.iter().map(|a| a.dim()).collect();
    let total: f32 = batch.iter().map(|a| a.sum()).sum();
    println!(
        "Rust read {} arrays {shapes:?} from a {}-byte pickle and {count} buffers, \
         as views into the buffers (no copy); their sum is {total}",
        batch.len(),
        pickle.len()
    );
    Ok(())
}

fn script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python/embeddings.py")
        .to_string_lossy()
        .into_owned()
}

/// Runs `python3` with `args`, the generated package on the path; its output.
fn python(args: &[&str]) -> Result<String, Failure> {
    let out = Command::new("python3").args(args).output()?;
    if !out.status.success() {
        return Err(format!(
            "python3 {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}
