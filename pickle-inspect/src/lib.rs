//! Look inside Python pickles and the machine-learning files made of them,
//! without running anything.
//!
//! [`scan_file`] reads a file by what its bytes are: a PyTorch checkpoint
//! (a zip archive, or the legacy format of several pickles and raw
//! storages), a numpy `.npy` or `.npz`, a joblib dump (plain or compressed
//! with gzip, zlib, bz2, xz or lzma, its arrays spliced between opcodes),
//! any zip of pickles, or a stream of pickles. Every pickle in it is judged
//! by one [`Policy`](pickle_core::scan::Policy) (see
//! [`pickle_core::scan`](mod@pickle_core::scan)); what cannot be read fails the gate.
//!
//! ```no_run
//! use pickle_inspect::{scan_file, Options, Verdict};
//!
//! let opts = Options::default();
//! let report = scan_file("model.pt".as_ref(), &opts);
//! if report.verdict() != Verdict::Pass {
//!     eprintln!("refusing {}", report.path);
//! }
//! ```
//!
//! `pickle-inspect scan PATH...` is the same as a command for CI gates.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod container;
pub mod json;
mod npy;
pub mod render;
mod report;
mod walk;
mod zip;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use container::Options;
pub use report::{Content, FileReport, Location, Part, Verdict};
pub use walk::{files, scan_all};

use container::{sniff, Kind};

/// Scans the file at `path`; a file that cannot be read is an unreadable
/// part.
pub fn scan_file(path: &Path, opts: &Options) -> FileReport {
    let shown = path.display().to_string();
    let mut parts = Vec::new();
    let location = vec![shown.clone()];
    match open(path) {
        Ok((file, head)) if sniff(&head) == Kind::Zip => {
            // Members are read from the file as needed: a checkpoint's
            // storages are never loaded into memory.
            zip::scan(file, location, opts, 0, &mut parts);
        }
        Ok((mut file, mut data)) => match file.read_to_end(&mut data) {
            Ok(_) => container::scan(&data, location, opts, 0, &mut parts),
            Err(e) => parts.push(container::unreadable(
                location,
                "file",
                format!("cannot read the file: {e}"),
            )),
        },
        Err(e) => parts.push(container::unreadable(
            location,
            "file",
            format!("cannot read the file: {e}"),
        )),
    }
    FileReport { path: shown, parts }
}

/// Scans bytes (standard input, or a file already in memory) shown as
/// `name`.
pub fn scan_bytes(name: &str, bytes: &[u8], opts: &Options) -> FileReport {
    let mut parts = Vec::new();
    container::scan(bytes, vec![name.to_owned()], opts, 0, &mut parts);
    FileReport {
        path: name.to_owned(),
        parts,
    }
}

/// Opens `path` and reads its first bytes.
fn open(path: &Path) -> std::io::Result<(File, Vec<u8>)> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(8);
    (&mut file).take(8).read_to_end(&mut head)?;
    Ok((file, head))
}
