//! What a file is, by its first bytes (PyTorch and numpy load files by
//! their content, whatever their name): a zip archive (PyTorch's format,
//! `.npz`, any zip of pickles), a `.npy` array, a joblib file compressed
//! with gzip, zlib, bz2, xz or lzma, or else a stream of pickles.

use std::io::{Cursor, Read};

use pickle_core::de::Limits;
use pickle_core::scan::{Policy, Scanner};

use crate::report::{Content, Location, Part};
use crate::{npy, zip};

/// How deep containers may nest (a zip in a zip in a gzip ...).
const MAX_DEPTH: usize = 4;

/// What the scan of a file accepts and how far it reads.
#[derive(Clone, Debug)]
pub struct Options {
    /// The policy names are judged by.
    pub policy: Policy,
    /// The largest member of a container (or decompressed file) read, in
    /// bytes; a larger one is unreadable.
    pub max_member: u64,
    /// What a pickle stream's scan may keep, at least (it may always keep
    /// as much as the stream's own size).
    pub min_scan_memory: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            policy: Policy::new(),
            max_member: 16 << 30,
            min_scan_memory: 256 << 20,
        }
    }
}

/// A compression joblib applies to a whole file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    Gzip,
    Zlib,
    Bz2,
    Xz,
    Lzma,
    /// lz4, or zlib in joblib's format before 0.10 (`ZF`): not read.
    Unsupported(&'static str),
}

/// What the bytes of a file or member are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Zip,
    Npy,
    Compressed(Compression),
    Pickle,
}

pub(crate) fn sniff(head: &[u8]) -> Kind {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        Kind::Zip
    } else if starts(b"\x93NUMPY") {
        Kind::Npy
    } else if starts(b"\x1f\x8b") {
        Kind::Compressed(Compression::Gzip)
    } else if head.first() == Some(&0x78) {
        Kind::Compressed(Compression::Zlib)
    } else if starts(b"BZh") {
        Kind::Compressed(Compression::Bz2)
    } else if starts(b"\xfd7zXZ") {
        Kind::Compressed(Compression::Xz)
    } else if starts(b"\x5d\x00\x00") {
        Kind::Compressed(Compression::Lzma)
    } else if starts(b"\x04\x22\x4d\x18") {
        Kind::Compressed(Compression::Unsupported("lz4"))
    } else if starts(b"ZF") {
        Kind::Compressed(Compression::Unsupported("joblib's zlib format before 0.10"))
    } else {
        Kind::Pickle
    }
}

/// Scans a stream of pickles at `location`.
pub(crate) fn pickles(
    bytes: &[u8],
    location: Location,
    format: &'static str,
    opts: &Options,
) -> Part {
    // What the scan keeps stays within the stream's own size, or the floor.
    let budget = bytes.len().max(opts.min_scan_memory);
    let limits = Limits::new().max_alloc(budget);
    let report = Scanner::new()
        .policy(&opts.policy)
        .limits(limits)
        .scan(bytes);
    Part {
        location,
        format,
        content: Content::Pickles(report),
    }
}

pub(crate) fn unreadable(location: Location, format: &'static str, why: String) -> Part {
    Part {
        location,
        format,
        content: Content::Unreadable(why),
    }
}

/// Scans `bytes` found at `location`, by what they are.
pub(crate) fn scan(
    bytes: &[u8],
    location: Location,
    opts: &Options,
    depth: usize,
    parts: &mut Vec<Part>,
) {
    if depth > MAX_DEPTH {
        parts.push(unreadable(
            location,
            "container",
            "containers nested too deep".into(),
        ));
        return;
    }
    match sniff(bytes) {
        Kind::Zip => zip::scan(Cursor::new(bytes), location, opts, depth, parts),
        Kind::Npy => npy::scan(bytes, location, opts, parts),
        Kind::Compressed(c) => match decompress(bytes, c, opts.max_member) {
            Ok(data) => {
                let mut inner = location;
                inner.push(format!("({} decompressed)", name(c)));
                scan(&data, inner, opts, depth + 1, parts);
            }
            Err(why) => parts.push(unreadable(location, "compressed", why)),
        },
        Kind::Pickle => parts.push(pickles(bytes, location, "pickle", opts)),
    }
}

fn name(c: Compression) -> &'static str {
    match c {
        Compression::Gzip => "gzip",
        Compression::Zlib => "zlib",
        Compression::Bz2 => "bz2",
        Compression::Xz => "xz",
        Compression::Lzma => "lzma",
        Compression::Unsupported(what) => what,
    }
}

fn decompress(bytes: &[u8], c: Compression, max: u64) -> Result<Vec<u8>, String> {
    let reader: Box<dyn Read + '_> = match c {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Compression::Zlib => Box::new(flate2::read::ZlibDecoder::new(bytes)),
        Compression::Bz2 => Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
        Compression::Xz => Box::new(lzma_rust2::XzReader::new(bytes, true)),
        Compression::Lzma => Box::new(
            lzma_rust2::LzmaReader::new_mem_limit(bytes, u32::MAX, None)
                .map_err(|e| format!("not an lzma stream: {e}"))?,
        ),
        Compression::Unsupported(what) => {
            return Err(format!(
                "compressed with {what}, which the scan does not read"
            ))
        }
    };
    let mut out = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("{} data that cannot be decompressed: {e}", name(c)))?;
    if out.len() as u64 > max {
        return Err(format!("decompresses to more than {max} bytes"));
    }
    Ok(out)
}
