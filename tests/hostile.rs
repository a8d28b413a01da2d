//! Hostile input: every limit returns its own error kind, quickly and within
//! a small memory bound, before memory is reserved.

mod common;

use std::time::Duration;

use common::cpu::Stopwatch;

use pickle_core::de::{Decoder, Limits, Options};
use pickle_core::{ErrorKind, FromPickle, Value};

/// CPU time (of the decoding thread, so that a loaded machine does not
/// count) within which every hostile input is handled, in a debug build:
/// the slowest takes about a quarter of it; a hang or a quadratic blow-up
/// on these inputs would take hours.
const MAX_TIME: Duration = Duration::from_secs(2);
const MAX_BYTES: usize = 100 << 20;

/// Decodes `data` into `T` with `opts`, from a slice and from a reader;
/// checks the error kind, the time and the memory taken.
fn refused<T: FromPickle + std::fmt::Debug>(opts: &Options<'_>, data: &[u8], kind: ErrorKind) {
    for streamed in [false, true] {
        let start = Stopwatch::start();
        let (result, peak) = common::memory::peak_during(|| {
            if streamed {
                opts.from_reader::<T, _>(data)
            } else {
                opts.from_slice::<T>(data)
            }
        });
        let elapsed = start.elapsed();
        let how = if streamed {
            "from_reader"
        } else {
            "from_slice"
        };
        let err = result.expect_err("hostile input must be refused");
        assert_eq!(err.kind(), kind, "{how}: {err}");
        assert!(err.offset().is_some(), "{how}: {err} has an offset");
        assert!(elapsed < MAX_TIME, "{how}: {kind:?} took {elapsed:?}");
        assert!(peak < MAX_BYTES, "{how}: {kind:?} took {} MB", peak >> 20);
    }
}

/// Decodes `data` into `T`, from a slice and from a reader; checks that it
/// decodes, within the time and memory bounds.
fn bounded<T: FromPickle + std::fmt::Debug>(opts: &Options<'_>, data: &[u8]) {
    for streamed in [false, true] {
        let start = Stopwatch::start();
        let (result, peak) = common::memory::peak_during(|| {
            let decoded = if streamed {
                opts.from_reader::<T, _>(data)
            } else {
                opts.from_slice::<T>(data)
            };
            decoded.map(drop)
        });
        let elapsed = start.elapsed();
        result.unwrap_or_else(|e| panic!("streamed {streamed}: {e}"));
        assert!(elapsed < MAX_TIME, "streamed {streamed}: took {elapsed:?}");
        assert!(
            peak < MAX_BYTES,
            "streamed {streamed}: took {} MB",
            peak >> 20
        );
    }
}

fn nested_lists(depth: usize) -> Vec<u8> {
    let mut data = b"\x80\x02".to_vec();
    data.extend(std::iter::repeat(b']').take(depth));
    data.extend(std::iter::repeat(b'a').take(depth - 1));
    data.push(b'.');
    data
}

/// A DAG of 2^60 leaves in 400 bytes: each list holds the previous one twice.
fn dag() -> Vec<u8> {
    let mut data = b"\x80\x02]q\x00".to_vec();
    for i in 0..60u8 {
        data.extend_from_slice(&[b'(', b'h', i, b'h', i, b'l', b'q', i + 1, b'0']);
    }
    data.extend_from_slice(&[b'h', 60, b'.']);
    data
}

/// A tree of lists, decoded without sharing.
#[derive(Debug)]
struct Tree(Vec<Tree>);

impl FromPickle for Tree {
    fn from_pickle(d: Decoder<'_>) -> pickle_core::Result<Self> {
        Ok(Tree(d.seq()?.decode_each(Tree::from_pickle)?))
    }
}

#[test]
fn depth_limit() {
    let _alone = common::memory::exclusive();
    let opts = Options::new();
    refused::<Value>(&opts, &nested_lists(200_000), ErrorKind::DepthLimit);
    refused::<Tree>(&opts, &nested_lists(200_000), ErrorKind::DepthLimit);
    let shallow = Options::new().limits(Limits::new().max_depth(10));
    refused::<Value>(&shallow, &nested_lists(20), ErrorKind::DepthLimit);
    assert!(shallow.from_slice::<Value>(&nested_lists(10)).is_ok());
    let tree: Tree = shallow
        .from_slice(&nested_lists(10))
        .expect("ten levels fit");
    assert_eq!(tree.0.len(), 1);
}

#[test]
fn mark_limit() {
    let _alone = common::memory::exclusive();
    let mut marks = vec![b'('; 1_000_000];
    marks.extend_from_slice(b"N.");
    refused::<Value>(&Options::new(), &marks, ErrorKind::MarkLimit);
}

#[test]
fn memo_limit() {
    let _alone = common::memory::exclusive();
    // One object memoized 100 000 times.
    let mut data = b"\x80\x04N".to_vec();
    data.extend(std::iter::repeat(0x94).take(100_000));
    data.push(b'.');
    let opts = Options::new().limits(Limits::new().max_memo(10_000));
    refused::<Value>(&opts, &data, ErrorKind::MemoLimit);
    assert!(Options::new().from_slice::<Value>(&data).is_ok());
}

#[test]
fn alloc_limit() {
    let _alone = common::memory::exclusive();
    let mut data = b"\x80\x02".to_vec();
    data.extend(std::iter::repeat(b']').take(100_000));
    data.push(b'.');
    let opts = Options::new().limits(Limits::new().max_alloc(1 << 20));
    refused::<Value>(&opts, &data, ErrorKind::AllocLimit);
}

#[test]
fn globals_named_by_a_long_memoized_string_are_charged() {
    let _alone = common::memory::exclusive();
    // A 1 MB string, memoized, then 10,000 globals whose module and name
    // are `GET`s of it: 5 bytes of input each, 2 MB of names each once
    // copied into the global.
    let mut data = b"\x80\x04X".to_vec();
    data.extend(u32::to_le_bytes(1 << 20));
    data.extend(std::iter::repeat(b'a').take(1 << 20));
    data.extend(b"\x94](");
    for _ in 0..10_000 {
        data.extend(b"h\x00h\x00\x93");
    }
    data.extend(b"e.");
    let opts = Options::new().limits(Limits::new().max_alloc(64 << 20));
    refused::<Value>(&opts, &data, ErrorKind::AllocLimit);
    refused::<Vec<pickle_core::Global>>(&opts, &data, ErrorKind::AllocLimit);
}

#[test]
fn shared_dag_is_shared_in_value_and_bounded_in_typed_decoding() {
    let _alone = common::memory::exclusive();
    let start = Stopwatch::start();
    let (value, peak) = common::memory::peak_during(|| pickle_core::from_slice::<Value>(&dag()));
    let value = value.expect("a DAG decodes into shared values");
    assert!(start.elapsed() < MAX_TIME && peak < 1 << 20, "{peak} bytes");
    let written = pickle_core::to_vec(&value).expect("and writes back with the sharing");
    assert!(
        written.len() < 1000,
        "written back in {} bytes",
        written.len()
    );
    refused::<Tree>(&Options::new(), &dag(), ErrorKind::AllocLimit);
}

#[test]
fn length_claims() {
    let _alone = common::memory::exclusive();
    let claim = (1u64 << 62).to_le_bytes();
    for op in [0x8e, 0x8d, 0x96, 0x95] {
        let mut data = vec![0x80, 0x05, op];
        data.extend_from_slice(&claim);
        data.extend_from_slice(b"abc.");
        refused::<Value>(&Options::new(), &data, ErrorKind::LengthLimit);
        // A stream that claims 2^62 bytes and ends: nothing is reserved up front.
        let start = Stopwatch::start();
        let (result, peak) =
            common::memory::peak_during(|| pickle_core::from_reader::<Value, _>(&data[..]));
        assert_eq!(result.unwrap_err().kind(), ErrorKind::LengthLimit);
        assert!(start.elapsed() < MAX_TIME && peak < MAX_BYTES);
    }
    // A claim within the allocation limit but beyond a stream's end: truncated.
    let opts = Options::new();
    let mut data = vec![0x80, 0x03, b'B'];
    data.extend_from_slice(&(64u32 << 20).to_le_bytes());
    data.extend_from_slice(b"short");
    let (result, peak) = common::memory::peak_during(|| opts.from_reader::<Value, _>(&data[..]));
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Truncated);
    assert!(
        peak < 1 << 20,
        "a short stream allocates what arrives, not what is claimed"
    );
}

#[test]
fn long_text_lines() {
    let _alone = common::memory::exclusive();
    for (op, tail) in [(b'I', &b"\n."[..]), (b'L', b"L\n."), (b'F', b"\n.")] {
        let mut data = vec![op];
        data.extend(std::iter::repeat(b'7').take(2_000_000));
        data.extend_from_slice(tail);
        refused::<Value>(&Options::new(), &data, ErrorKind::InvalidArgument);
    }
}

#[test]
fn memo_index_far_out() {
    let _alone = common::memory::exclusive();
    // LONG_BINPUT 0xffffffff: a sparse entry, not a 4-billion-slot array.
    let data = b"Nr\xff\xff\xff\xffj\xff\xff\xff\xff.";
    let (value, peak) = common::memory::peak_during(|| pickle_core::from_slice::<Value>(data));
    assert_eq!(value.expect("decodes"), Value::None);
    assert!(peak < 1 << 20);
}

/// The fuzz targets' properties (`fuzz/src/lib.rs`), run here on every input
/// the fuzzers ever found failing (`tests/data/fuzz/`).
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_props;

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/fuzz exists")
        .map(|entry| entry.expect("readable entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let data = std::fs::read(&path).expect("readable finding");
        let start = Stopwatch::start();
        let (_, peak) = common::memory::peak_during(|| {
            let value = pickle_core::from_slice::<Value>(&data);
            let streamed = pickle_core::from_reader::<Value, _>(&data[..]);
            assert_eq!(value.is_ok(), streamed.is_ok(), "{}", path.display());
            fuzz_props::check_typed::<fuzz_props::Order>(&data);
            fuzz_props::check_roundtrip(&data);
            let _ = pickle_core::dis(&data);
            let _ = pickle_core::scan(&data);
        });
        assert!(
            start.elapsed() < MAX_TIME && peak < MAX_BYTES,
            "{}",
            path.display()
        );
    }
}

/// Found by the `roundtrip` fuzzer: a global named `.` was written below
/// protocol 4 as `getattr(module., '')`, with an empty name line that no
/// reader accepts; now writing refuses it.
#[test]
fn global_with_an_empty_name_line_is_unpicklable() {
    let value = Value::global("exceptions", ".");
    for protocol in [pickle_core::Protocol::V0, pickle_core::Protocol::V3] {
        let err = pickle_core::to_vec_with(&value, protocol).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unpicklable, "{err}");
    }
    let bytes = pickle_core::to_vec(&value).expect("protocol 5 names it on the stack");
    assert_eq!(pickle_core::from_slice::<Value>(&bytes).unwrap(), value);
    let newline = Value::global("os\nx", "system");
    assert_eq!(
        pickle_core::to_vec_with(&newline, pickle_core::Protocol::V2)
            .unwrap_err()
            .kind(),
        ErrorKind::Unpicklable
    );
}

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

/// The scan reads the same hostile inputs within the same bounds, and keeps
/// its report proportional to the input.
#[test]
fn scan_is_bounded_on_hostile_input() {
    let _alone = common::memory::exclusive();
    let long_name = "x".repeat(200);
    // A 200-byte name memoized, then called 100 000 times.
    let mut calls = b"\x80\x02cm\n".to_vec();
    calls.extend_from_slice(long_name.as_bytes());
    calls.extend_from_slice(b"\nq\x00");
    calls.extend(b"h\x00)R0".repeat(100_000));
    calls.extend_from_slice(b"N.");
    // A getattr chain 100 000 calls long.
    let mut chain = b"\x80\x02cbuiltins\ngetattr\nq\x00cm\nC\n".to_vec();
    for _ in 0..100_000 {
        chain.extend_from_slice(b"q\x010h\x00h\x01X\x01\x00\x00\x00a\x86R");
    }
    chain.push(b'.');
    // A memoized 1 MB attribute name, used by 100 000 getattr calls.
    let mut big_attr = b"\x80\x02cbuiltins\ngetattr\nq\x00cm\nC\nq\x01X\x00\x00\x10\x00".to_vec();
    big_attr.extend(vec![b'a'; 1 << 20]);
    big_attr.extend_from_slice(b"q\x02");
    big_attr.extend(b"h\x00h\x01h\x02\x86R0".repeat(100_000));
    big_attr.extend_from_slice(b"N.");
    let inputs = [
        nested_lists(200_000),
        dag(),
        [&vec![b'('; 1_000_000][..], b"N."].concat(),
        calls,
        chain,
        big_attr,
    ];
    for data in &inputs {
        let start = Stopwatch::start();
        let (report, peak) = common::memory::peak_during(|| pickle_core::scan(data));
        assert!(start.elapsed() < MAX_TIME, "took {:?}", start.elapsed());
        assert!(peak < MAX_BYTES, "took {} MB", peak >> 20);
        drop(report);
    }
    let report = pickle_core::scan(&inputs[3]);
    // One import and one call, made 100 000 times.
    let counts: Vec<u64> = report.findings.iter().map(|f| f.count).collect();
    assert_eq!(counts, [1, 100_000]);
    assert_eq!(report.verdict(), pickle_core::scan::Safety::Unknown);
}

#[test]
fn the_stopwatch_counts_cpu_time_not_sleep() {
    let watch = Stopwatch::start();
    std::thread::sleep(Duration::from_millis(200));
    if common::cpu::thread_cpu_time().is_some() {
        assert!(
            watch.elapsed() < Duration::from_millis(100),
            "{:?}",
            watch.elapsed()
        );
    }
    let watch = Stopwatch::start();
    let mut spins = 0u64;
    while watch.elapsed() < Duration::from_millis(50) {
        spins = std::hint::black_box(spins + 1);
    }
    assert!(spins > 0);
}
