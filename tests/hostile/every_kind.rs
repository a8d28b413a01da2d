//! The limits against every container kind and every opcode that claims a
//! length, reads a line, indexes the memo or opens a mark.

use pickle_core::de::{Decoder, Limits, Options};
use pickle_core::{ErrorKind, FromPickle, Value};

use super::common::cpu::Stopwatch;
use super::{bounded, common, refused, MAX_TIME};

/// A nest of containers of any kind, decoded without sharing: what a typed
/// decoder of recursive data does.
#[derive(Debug)]
struct Nest(Vec<Nest>);

impl FromPickle for Nest {
    fn from_pickle(d: Decoder<'_>) -> pickle_core::Result<Self> {
        match d.kind() {
            pickle_core::de::Kind::Dict => {
                let mut map = d.map()?;
                let mut out = Vec::new();
                while let Some((_, v)) = map.next_entry()? {
                    out.push(Nest::from_pickle(v)?);
                }
                Ok(Nest(out))
            }
            pickle_core::de::Kind::None => Ok(Nest(Vec::new())),
            _ => Ok(Nest(d.seq()?.decode_each(Nest::from_pickle)?)),
        }
    }
}

const DEEP: usize = 50_000;

/// `GET index` with the 4-byte form.
fn long_get(index: usize) -> [u8; 5] {
    let [a, b, c, d] = (index as u32).to_le_bytes();
    [b'j', a, b, c, d]
}

/// Protocol 4 nesting built inside out through the memo, so no marks stay
/// open: each level memoizes the one below, pops it, and `wrap`s a `GET` of it.
fn nested_via_memo(prefix: &[u8], leaf: &[u8], first_index: usize, wrap: &[u8]) -> Vec<u8> {
    let mut data = b"\x80\x04".to_vec();
    data.extend_from_slice(prefix);
    data.extend_from_slice(leaf);
    for level in 0..DEEP {
        data.extend_from_slice(b"\x940");
        let get = long_get(first_index + level);
        for &byte in wrap {
            if byte == b'@' {
                data.extend_from_slice(&get);
            } else {
                data.push(byte);
            }
        }
    }
    data.push(b'.');
    data
}

#[test]
fn deep_nesting_of_every_container_kind() {
    let _alone = common::memory::exclusive();
    let opts = Options::new();
    let tuples = [&b"\x80\x02N"[..], &vec![0x85; DEEP], b"."].concat();
    let dicts = [
        &b"\x80\x02}"[..],
        &b"N}".repeat(DEEP),
        &vec![b's'; DEEP],
        b".",
    ]
    .concat();
    let lists_by_appends = nested_via_memo(b"", b"N", 0, b"](@e");
    let frozensets = nested_via_memo(b"", b"N", 0, b"(@\x91");
    // {1: [(None,)]} decodes as a nest three levels deep.
    let shallow: Nest = opts
        .from_slice(b"\x80\x02}K\x01]N\x85as.")
        .expect("shallow");
    assert_eq!(shallow.0[0].0[0].0.len(), 1);
    for data in [&tuples, &dicts, &lists_by_appends, &frozensets] {
        refused::<Value>(&opts, data, ErrorKind::DepthLimit);
        refused::<Nest>(&opts, data, ErrorKind::DepthLimit);
    }
    // Objects: `m.C(prev)` by REDUCE, and `m.C.__new__(m.C, prev)` by NEWOBJ,
    // each level a call on the one below; and persistent ids of persistent ids.
    let global = b"\x8c\x01m\x94\x8c\x01C\x94\x93\x94";
    let reduces = nested_via_memo(global, b"N", 3, b"j\x02\x00\x00\x00@\x85R");
    let newobjs = nested_via_memo(global, b"N", 3, b"j\x02\x00\x00\x00@\x85\x81");
    let builds = nested_via_memo(global, b"N", 3, b"j\x02\x00\x00\x00)\x81@b");
    for data in [&reduces, &newobjs, &builds] {
        refused::<Value>(&opts, data, ErrorKind::DepthLimit);
    }
    let pids = [&b"\x80\x02N"[..], &vec![b'Q'; DEEP], b"."].concat();
    let keep = Options::new().persistent_ids(pickle_core::de::PersistentIds::Keep);
    refused::<Value>(&keep, &pids, ErrorKind::DepthLimit);
}

/// A DAG of 2^60 leaves, of the container `level` makes from two `GET`s of
/// the level below (memo indices `i`, memoized as `i + 1`).
fn dag_of(level: impl Fn(u8) -> Vec<u8>) -> Vec<u8> {
    let mut data = b"\x80\x02Nq\x00".to_vec();
    for i in 0..60u8 {
        data.extend(level(i));
        data.extend_from_slice(&[b'q', i + 1, b'0']);
    }
    data.extend_from_slice(&[b'h', 60, b'.']);
    data
}

#[test]
fn shared_dags_of_every_kind_stay_shared_or_are_bounded() {
    let _alone = common::memory::exclusive();
    let tuples = dag_of(|i| vec![b'h', i, b'h', i, 0x86]);
    let dicts = dag_of(|i| vec![b'}', b'(', b'K', 1, b'h', i, b'K', 2, b'h', i, b'u']);
    let lists = dag_of(|i| vec![b'(', b'h', i, b'h', i, b'l']);
    let objects = {
        let mut data = b"\x80\x02cm\nC\nq\x00Nq\x01".to_vec();
        for i in 1..61u8 {
            data.extend_from_slice(&[b'h', 0, b'h', i, b'h', i, 0x86, b'R', b'q', i + 1, b'0']);
        }
        data.extend_from_slice(&[b'h', 61, b'.']);
        data
    };
    for data in [&tuples, &dicts, &lists, &objects] {
        let (value, peak) = common::memory::peak_during(|| pickle_core::from_slice::<Value>(data));
        let value = value.expect("a DAG decodes into shared values");
        assert!(peak < 1 << 20, "{peak} bytes");
        let written = pickle_core::to_vec(&value).expect("and writes back shared");
        assert!(written.len() < 2000, "{} bytes", written.len());
        if data != &objects {
            refused::<Nest>(&Options::new(), data, ErrorKind::AllocLimit);
        }
    }
}

#[test]
fn length_claims_of_every_length_prefixed_opcode() {
    let _alone = common::memory::exclusive();
    let small = Options::new().limits(Limits::new().max_alloc(1 << 20));
    // (opcode, width of its length, protocol that introduced it)
    let ops: [(u8, usize, u8); 12] = [
        (b'T', 4, 1), // BINSTRING
        (b'U', 1, 1), // SHORT_BINSTRING
        (b'X', 4, 1), // BINUNICODE
        (0x8c, 1, 4), // SHORT_BINUNICODE
        (0x8d, 8, 4), // BINUNICODE8
        (b'B', 4, 3), // BINBYTES
        (b'C', 1, 3), // SHORT_BINBYTES
        (0x8e, 8, 4), // BINBYTES8
        (0x96, 8, 5), // BYTEARRAY8
        (0x8a, 1, 2), // LONG1
        (0x8b, 4, 2), // LONG4 (signed)
        (0x95, 8, 4), // FRAME
    ];
    for (op, width, proto) in ops {
        let mut data = vec![0x80, proto, op];
        let claim: u64 = match width {
            1 => 0xff,
            4 if op == 0x8b => 0x7fff_ffff,
            4 => 0xffff_ffff,
            _ => 1 << 62,
        };
        data.extend_from_slice(&claim.to_le_bytes()[..width]);
        data.extend_from_slice(b"abc.");
        let kind = match width {
            // More than the input holds, but within the default limit.
            1 | 4 => ErrorKind::Truncated,
            _ => ErrorKind::LengthLimit,
        };
        refused::<Value>(&Options::new(), &data, kind);
        if width > 1 {
            refused::<Value>(&small, &data, ErrorKind::LengthLimit);
        }
    }
    refused::<Value>(
        &Options::new(),
        b"\x80\x02\x8b\xff\xff\xff\xffabc.",
        ErrorKind::InvalidArgument,
    );
    // A frame claiming more than follows.
    let mut frame = b"\x80\x04\x95".to_vec();
    frame.extend_from_slice(&1000u64.to_le_bytes());
    frame.extend_from_slice(b"N.");
    refused::<Value>(&Options::new(), &frame, ErrorKind::Truncated);
}

#[test]
fn memo_indices_far_out_and_missing() {
    let _alone = common::memory::exclusive();
    let opts = Options::new();
    refused::<Value>(&opts, b"j\xff\xff\xff\xff.", ErrorKind::MemoMissing);
    refused::<Value>(&opts, b"g4294967295\n.", ErrorKind::MemoMissing);
    refused::<Value>(
        &opts,
        b"Np99999999999999999999999\n.",
        ErrorKind::InvalidArgument,
    );
    refused::<Value>(&opts, b"Nr\xff\xff\xff\xffh\x00.", ErrorKind::MemoMissing);
    // 100 000 puts at scattered indices: a sparse memo, bounded by `max_memo`.
    let mut data = b"N".to_vec();
    for i in 0..100_000u32 {
        data.push(b'r');
        data.extend_from_slice(&i.wrapping_mul(2_654_435_761).to_le_bytes());
    }
    data.push(b'.');
    bounded::<Value>(&opts, &data);
    let few = Options::new().limits(Limits::new().max_memo(1000));
    refused::<Value>(&few, &data, ErrorKind::MemoLimit);
}

#[test]
fn mark_floods() {
    let _alone = common::memory::exclusive();
    for tail in [&b"N."[..], b".", b"t.", b"l."] {
        let data = [&vec![b'('; 1_000_000][..], tail].concat();
        refused::<Value>(&Options::new(), &data, ErrorKind::MarkLimit);
    }
    // Marks opened and closed a million times: fine.
    bounded::<Value>(
        &Options::new(),
        &[&b"(t0".repeat(1_000_000)[..], b"N."].concat(),
    );
}

#[test]
fn long_text_lines_of_every_text_opcode() {
    let _alone = common::memory::exclusive();
    let long = vec![b'a'; 1_100_000];
    let small = Options::new().limits(Limits::new().max_alloc(1 << 20));
    for op in [
        &b"S'"[..],
        b"V",
        b"cmodule\n",
        b"c",
        b"(imodule\n",
        b"g",
        b"p",
        b"I",
        b"F",
    ] {
        // No newline: truncated, having allocated nothing for the line.
        let unterminated = [op, &long].concat();
        refused::<Value>(&Options::new(), &unterminated, ErrorKind::Truncated);
        // From a stream, the line itself counts against the limit.
        let start = Stopwatch::start();
        let (result, peak) =
            common::memory::peak_during(|| small.from_reader::<Value, _>(&unterminated[..]));
        assert_eq!(result.unwrap_err().kind(), ErrorKind::LengthLimit);
        assert!(start.elapsed() < MAX_TIME && peak < 4 << 20, "{peak} bytes");
    }
    // Well-formed megabyte names and strings decode, in memory of their size.
    let global = [&b"c"[..], &long, b"\nname\n."].concat();
    bounded::<Value>(&Options::new(), &global);
    let text = [&b"V"[..], &long, b"\n."].concat();
    bounded::<Value>(&Options::new(), &text);
}

#[test]
fn stack_floods_through_dup_and_get() {
    let _alone = common::memory::exclusive();
    let small = Options::new().limits(Limits::new().max_alloc(1 << 20));
    let dups = [&b"N"[..], &vec![b'2'; 1_000_000], b"."].concat();
    let gets = [&b"Np0\n"[..], &b"g0\n".repeat(400_000), b"."].concat();
    let bingets = [&b"\x80\x02Nq\x00"[..], &b"h\x00".repeat(500_000), b"."].concat();
    for data in [&dups, &gets, &bingets] {
        bounded::<Value>(&Options::new(), data);
        refused::<Value>(&small, data, ErrorKind::AllocLimit);
    }
    // Into a list: half a million references to one object.
    let appended = [&b"\x80\x02Nq\x00](h\x00"[..], &b"2".repeat(500_000), b"e."].concat();
    bounded::<Value>(&Options::new(), &appended);
    refused::<Value>(&small, &appended, ErrorKind::AllocLimit);
}
