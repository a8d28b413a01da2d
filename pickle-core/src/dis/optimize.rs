//! `pickletools.optimize`: drop the memo stores no memo read uses, number
//! the rest from 0, and frame the result again at protocol 4 and above.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::ser::framer::{Framer, FRAME_SIZE_TARGET};
use crate::text::int::TextInt;

use super::ops::Instructions;

/// What the first pass keeps of each opcode.
enum Kept {
    /// A memo store (`PUT`, `BINPUT`, `LONG_BINPUT`, `MEMOIZE`) of this key.
    Put(TextInt),
    /// A memo read (`GET`, `BINGET`, `LONG_BINGET`) of this key, at this offset.
    Get(TextInt, usize),
    /// Any other opcode, copied as it is: its byte range in the input.
    Copy(usize, usize),
}

/// See [`crate::dis::optimize`].
pub(super) fn optimize(pickle: &[u8]) -> Result<Vec<u8>> {
    // Every stored key (MEMOIZE numbers itself by how many keys there are).
    let mut stored: HashSet<TextInt> = HashSet::new();
    // Every key some opcode reads, and later its new index.
    let mut read: HashMap<TextInt, Option<u32>> = HashMap::new();
    let mut kept = Vec::new();
    let mut proto = 0u8;
    let mut proto_pos = 0;
    let mut header: &[u8] = &[];
    for instruction in Instructions::new(pickle) {
        let instruction = instruction?;
        let key = || {
            instruction.arg.memo_key().ok_or_else(|| {
                Error::at(
                    ErrorKind::InvalidArgument,
                    instruction.pos as u64,
                    format!("`{}` needs an integer argument", instruction.opcode.name()),
                )
            })
        };
        match instruction.opcode {
            Opcode::Put | Opcode::BinPut | Opcode::LongBinPut => {
                let key = key()?;
                stored.insert(key.clone());
                kept.push(Kept::Put(key));
            }
            Opcode::Memoize => {
                let key = TextInt::Small(stored.len() as i64);
                stored.insert(key.clone());
                kept.push(Kept::Put(key));
            }
            // Frames are rebuilt from scratch.
            Opcode::Frame => {}
            Opcode::Get | Opcode::BinGet | Opcode::LongBinGet => {
                proto = proto.max(instruction.opcode.proto());
                let key = key()?;
                read.insert(key.clone(), None);
                kept.push(Kept::Get(key, instruction.pos));
            }
            Opcode::Proto => {
                let declared = instruction.arg.as_small().unwrap_or(0);
                if declared > i64::from(proto) {
                    proto = u8::try_from(declared).unwrap_or(u8::MAX);
                    proto_pos = instruction.pos;
                }
                if instruction.pos == 0 {
                    header = &pickle[instruction.pos..instruction.end];
                } else {
                    kept.push(Kept::Copy(instruction.pos, instruction.end));
                }
            }
            _ => kept.push(Kept::Copy(instruction.pos, instruction.end)),
        }
    }
    drop(stored);

    // optimize writes through `pickle._Pickler(out, proto)`, which refuses
    // protocols it does not know.
    if proto > 5 {
        return Err(Error::at(
            ErrorKind::UnsupportedProtocol,
            proto_pos as u64,
            "pickle protocol must be <= 5",
        ));
    }
    let mut out = Framer::new(None);
    // The PROTO header goes before any frame.
    out.write(header);
    if proto >= 4 {
        out.start_framing();
    }
    let mut next_index: u32 = 0;
    let mut op = Vec::new();
    for step in kept {
        op.clear();
        match step {
            Kept::Put(key) => {
                let Some(slot) = read.get_mut(&key) else {
                    continue;
                };
                write_put(proto, next_index, &mut op);
                *slot = Some(next_index);
                next_index = next_index.checked_add(1).ok_or_else(|| {
                    Error::new(ErrorKind::MemoLimit, "more than 2**32 memo entries")
                })?;
            }
            Kept::Get(key, pos) => {
                let index = read.get(&key).copied().flatten();
                write_get(proto, index, pos, &mut op)?;
            }
            Kept::Copy(start, end) => {
                let bytes = &pickle[start..end];
                if bytes.len() > FRAME_SIZE_TARGET {
                    // Too large for a frame: the open frame ends before it.
                    out.write_unframed(bytes);
                    continue;
                }
                op.extend_from_slice(bytes);
            }
        }
        out.boundary()?;
        out.write(&op);
    }
    out.finish()
}

/// `_Pickler.put(idx)`.
fn write_put(proto: u8, index: u32, out: &mut Vec<u8>) {
    if proto >= 4 {
        out.push(Opcode::Memoize.byte());
    } else if proto >= 1 {
        match u8::try_from(index) {
            Ok(small) => out.extend_from_slice(&[Opcode::BinPut.byte(), small]),
            Err(_) => {
                out.push(Opcode::LongBinPut.byte());
                out.extend_from_slice(&index.to_le_bytes());
            }
        }
    } else {
        out.push(Opcode::Put.byte());
        out.extend_from_slice(format!("{index}\n").as_bytes());
    }
}

/// `_Pickler.get(i)`. A key whose store was not written before the read has
/// no index yet: Python then passes `None`, which protocol 0 writes as
/// `gNone` and the binary protocols refuse (a `TypeError`).
fn write_get(proto: u8, index: Option<u32>, pos: usize, out: &mut Vec<u8>) -> Result<()> {
    if proto >= 1 {
        let index = index.ok_or_else(|| {
            Error::at(
                ErrorKind::MemoMissing,
                pos as u64,
                "memo key is read before any store of it is written",
            )
        })?;
        match u8::try_from(index) {
            Ok(small) => out.extend_from_slice(&[Opcode::BinGet.byte(), small]),
            Err(_) => {
                out.push(Opcode::LongBinGet.byte());
                out.extend_from_slice(&index.to_le_bytes());
            }
        }
    } else {
        out.push(Opcode::Get.byte());
        match index {
            Some(index) => out.extend_from_slice(index.to_string().as_bytes()),
            None => out.extend_from_slice(b"None"),
        }
        out.push(b'\n');
    }
    Ok(())
}
