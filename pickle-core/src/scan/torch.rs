//! The legacy `torch.save` format (`_use_new_zipfile_serialization=False`,
//! and every file of PyTorch before 1.6): five pickles (a magic number,
//! the protocol version, system information, the object with its storages
//! as persistent ids, the sorted storage keys), then each storage's raw
//! bytes in key order, each after its element count as a little-endian
//! 64-bit integer. The scan reads the storages by what the pickles say and
//! fails on any byte they do not account for.

use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::value::{Global, Value};

/// `torch.serialization.MAGIC_NUMBER` (0x1950a86a20f9469cfc6c) as `LONG1`
/// writes it.
const MAGIC: [u8; 12] = [
    0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
];

/// Whether the pickle at `first` is the legacy format's magic number.
pub(super) fn is_legacy(input: &[u8], first: &Range<u64>) -> bool {
    let span = &input[first.start as usize..first.end as usize];
    span.len() < 64 && span.windows(MAGIC.len()).any(|w| w == MAGIC)
}

/// The bytes per element of a storage class (`torch.FloatStorage`).
fn element_size(storage: &Global) -> Option<u64> {
    if storage.module.as_str() != Some("torch") {
        return None;
    }
    Some(match storage.name.as_str()? {
        "DoubleStorage" | "LongStorage" | "ComplexFloatStorage" => 8,
        "FloatStorage" | "IntStorage" | "QInt32Storage" => 4,
        "HalfStorage" | "ShortStorage" | "BFloat16Storage" => 2,
        "ComplexDoubleStorage" => 16,
        "CharStorage" | "ByteStorage" | "BoolStorage" | "QUInt8Storage" | "QInt8Storage"
        | "QUInt4x2Storage" | "QUInt2x4Storage" | "UntypedStorage" => 1,
        _ => return None,
    })
}

fn bad(at: usize, message: String) -> Error {
    Error::at(ErrorKind::InvalidOperation, at as u64, message)
}

/// Reads the storages that start at `pos`, in the order of the keys that
/// the pickle at `keys` lists; where they end.
pub(super) fn storages(
    input: &[u8],
    mut pos: usize,
    keys: &Range<u64>,
    named: &[(String, Arc<Global>)],
) -> Result<usize> {
    let keys: Value =
        crate::from_slice(&input[keys.start as usize..keys.end as usize]).map_err(|e| {
            bad(
                pos,
                format!("the legacy torch format's storage keys cannot be read: {e}"),
            )
        })?;
    let keys = keys.resolve().as_slice().ok_or_else(|| {
        bad(
            pos,
            "the legacy torch format's storage keys are not a list".into(),
        )
    })?;
    for key in keys {
        let key = key.resolve().as_str().unwrap_or_default();
        let size = named
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, storage)| element_size(storage))
            .ok_or_else(|| {
                bad(
                    pos,
                    format!("storage `{key}` is not named by the pickle's persistent ids"),
                )
            })?;
        let header = input
            .get(pos..pos + 8)
            .ok_or_else(|| bad(pos, format!("storage `{key}` is missing")))?;
        let count = u64::from_le_bytes(header.try_into().expect("8 bytes"));
        let end = count
            .checked_mul(size)
            .and_then(|n| n.checked_add(pos as u64 + 8))
            .filter(|&end| end <= input.len() as u64)
            .ok_or_else(|| {
                bad(
                    pos,
                    format!("storage `{key}` runs past the end of the input"),
                )
            })?;
        pos = end as usize;
    }
    Ok(pos)
}
