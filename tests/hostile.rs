//! Hostile input: every limit returns its own error kind, quickly and within
//! a small memory bound, before memory is reserved.

mod common;
#[path = "hostile/every_kind.rs"]
mod every_kind;

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
