//! Zip archives: PyTorch's format (`archive/data.pkl`, the storages under
//! `archive/data/`, TorchScript code under `archive/code/`), `.npz` (a zip
//! of `.npy` files), and any other zip of pickles. Members are found by the
//! central directory, as PyTorch, numpy and Python's `zipfile` find them,
//! and read whatever their CRC or encryption flag says: PyTorch loads such
//! archives, so the scan reads what it would load.

use std::io::{Read, Seek};

use ::zip::read::ZipReadOptions;
use ::zip::ZipArchive;

use crate::container::{self, sniff, unreadable, Kind, Options};
use crate::report::{Content, Location, Part};

/// Names of members that hold pickles whatever their first bytes.
const PICKLE_EXTENSIONS: &[&str] = &[
    ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin", ".ckpt", ".dat", ".data", ".npy",
];

/// What a member of a PyTorch archive is, by its name.
enum TorchMember {
    /// A storage's raw bytes (`archive/data/0`).
    Storage,
    /// TorchScript code or debug information, which `torch.load` hands to
    /// `torch.jit.load` to run.
    Code,
    /// Version, byte order, alignment, serialization id.
    Metadata,
    /// Anything else: read by its content.
    Other,
}

fn torch_member(name: &str) -> TorchMember {
    let rest = name.split_once('/').map_or(name, |(_, rest)| rest);
    if rest.starts_with("data/") {
        TorchMember::Storage
    } else if rest.starts_with("code/") || rest.ends_with(".py") || rest.ends_with(".debug_pkl") {
        TorchMember::Code
    } else if matches!(
        rest,
        "version"
            | "byteorder"
            | ".format_version"
            | ".storage_alignment"
            | ".data/version"
            | ".data/serialization_id"
    ) || rest.starts_with(".data/")
    {
        TorchMember::Metadata
    } else {
        TorchMember::Other
    }
}

pub(crate) fn scan<R: Read + Seek>(
    reader: R,
    location: Location,
    opts: &Options,
    depth: usize,
    parts: &mut Vec<Part>,
) {
    let mut archive = match ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            parts.push(unreadable(
                location,
                "zip",
                format!("a zip archive that cannot be opened: {e}"),
            ));
            return;
        }
    };
    let names: Vec<String> = (0..archive.len())
        .map(|i| {
            archive
                .name_for_index(i)
                .and_then(Result::ok)
                .map_or_else(|| format!("(member {i})"), |n| n.into_owned())
        })
        .collect();
    let torch = names
        .iter()
        .any(|n| n == "data.pkl" || n.ends_with("/data.pkl") || n.ends_with("/constants.pkl"));
    for (i, name) in names.iter().enumerate() {
        let mut at = location.clone();
        at.push(name.clone());
        let part = |content| Part {
            location: at.clone(),
            format: if torch { "torch" } else { "zip" },
            content,
        };
        if torch {
            match torch_member(name) {
                TorchMember::Storage => {
                    parts.push(part(Content::Data("tensor storage (raw bytes)".into())));
                    continue;
                }
                TorchMember::Code => {
                    parts.push(part(Content::Opaque(
                        "TorchScript code: `torch.load` runs it through `torch.jit.load`, and this scan does not judge code".into(),
                    )));
                    continue;
                }
                TorchMember::Metadata => {
                    parts.push(part(Content::Data("metadata".into())));
                    continue;
                }
                TorchMember::Other => {}
            }
        }
        let read = ZipReadOptions::new()
            .ignore_crc32(true)
            .ignore_encryption_flag(true);
        let mut member = match archive.by_index_with_options(i, read) {
            Ok(m) => m,
            Err(e) => {
                parts.push(unreadable(
                    at,
                    "zip",
                    format!("a member that cannot be read: {e}"),
                ));
                continue;
            }
        };
        if member.is_dir() {
            continue;
        }
        if member.size() > opts.max_member {
            let why = format!(
                "a member of {} bytes, over the limit of {}",
                member.size(),
                opts.max_member
            );
            parts.push(unreadable(at, "zip", why));
            continue;
        }
        let mut head = Vec::with_capacity(8);
        if let Err(e) = member.by_ref().take(8).read_to_end(&mut head) {
            parts.push(unreadable(
                at,
                "zip",
                format!("a member that cannot be read: {e}"),
            ));
            continue;
        }
        let named = PICKLE_EXTENSIONS.iter().any(|ext| name.ends_with(ext));
        let looks = matches!(sniff(&head), Kind::Zip | Kind::Npy) || is_pickle_start(&head);
        if !named && !looks {
            parts.push(part(Content::Data(
                "not a pickle by its name or first bytes (not read)".into(),
            )));
            continue;
        }
        let mut data = head;
        let limit = opts.max_member.saturating_sub(data.len() as u64);
        if let Err(e) = member.take(limit).read_to_end(&mut data) {
            parts.push(unreadable(
                at,
                "zip",
                format!("a member that cannot be read: {e}"),
            ));
            continue;
        }
        container::scan(&data, at, opts, depth + 1, parts);
    }
}

/// Whether bytes start as a pickle of protocol 2 or later does.
fn is_pickle_start(head: &[u8]) -> bool {
    matches!(head, [0x80, 2..=5, ..])
}
