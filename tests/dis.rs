//! `pickle_core::dis` and `pickle_core::optimize` against CPython's
//! `pickletools.dis` and `pickletools.optimize`, byte for byte.
//!
//! The pickles come from CPython at test time (`tests/python/dis_corpus.py`):
//! its own pickles of built-in values at every protocol, hand-assembled
//! pickles for the opcodes it no longer writes and for malformed input, and
//! strings of every code point. `tests/python/pickletools_oracle.py` tells
//! what pickletools makes of each; every expected text and byte string comes
//! from there. Truncated and mutated pickles check that we fail where
//! pickletools raises, at the same opcode, after printing the same text.

mod common;

use pickle_core::dis::Options;
use pickle_core::opcode::Opcode;
use pickle_core::{Protocol, Value};

/// A failure pickletools reported.
#[derive(Debug)]
struct PyError {
    /// Whether pickle_core words the message as Python does.
    exact: bool,
    /// The offset of the opcode being processed (dis only).
    offset: Option<u64>,
    message: String,
}

impl PyError {
    fn parse(record: &[u8], with_offset: bool) -> Option<PyError> {
        if record.is_empty() {
            return None;
        }
        let text = String::from_utf8(record.to_vec()).expect("the oracle writes UTF-8");
        let mut parts = text.splitn(if with_offset { 3 } else { 2 }, '\n');
        let exact = parts.next() == Some("exact");
        let offset = if with_offset {
            Some(parts.next().unwrap().parse().unwrap())
        } else {
            None
        };
        let message = parts.next().unwrap_or_default().to_owned();
        Some(PyError {
            exact,
            offset,
            message,
        })
    }
}

/// What pickletools made of one pickle.
struct Expected {
    dis_text: String,
    dis_error: Option<PyError>,
    optimized: Vec<u8>,
    optimize_error: Option<PyError>,
}

/// The named pickles of one section of `dis_corpus.py`.
fn corpus(section: &str) -> Vec<(String, Vec<u8>)> {
    let records = common::read_records(&common::python("dis_corpus.py", &[section], b""));
    records
        .chunks(2)
        .map(|pair| (String::from_utf8(pair[0].clone()).unwrap(), pair[1].clone()))
        .collect()
}

/// Runs pickletools on every pickle, in one Python process.
fn oracle(cases: &[(String, Vec<u8>)], args: &[&str]) -> Vec<Expected> {
    let input = common::write_records(cases.iter().map(|(_, data)| data));
    let records = common::read_records(&common::python("pickletools_oracle.py", args, &input));
    assert_eq!(records.len(), 4 * cases.len(), "four records per pickle");
    records
        .chunks(4)
        .map(|r| Expected {
            dis_text: String::from_utf8(r[0].clone()).expect("dis prints UTF-8"),
            dis_error: PyError::parse(&r[1], true),
            optimized: r[2].clone(),
            optimize_error: PyError::parse(&r[3], false),
        })
        .collect()
}

/// Where two texts first differ, for a readable failure.
fn first_difference(ours: &str, theirs: &str) -> String {
    let (mut ours_lines, mut their_lines) =
        (ours.split_inclusive('\n'), theirs.split_inclusive('\n'));
    for line in 1.. {
        match (ours_lines.next(), their_lines.next()) {
            (None, None) => return "texts are equal".into(),
            (a, b) if a != b => {
                return format!("line {line}:\n  ours:        {a:?}\n  pickletools: {b:?}")
            }
            _ => {}
        }
    }
    unreachable!()
}

/// Tallies of one comparison run.
#[derive(Default)]
struct Tally {
    cases: usize,
    dis_ok: usize,
    dis_errors: usize,
    optimized: usize,
    optimize_errors: usize,
    /// Errors whose message Python words differently (see LOOSE in the oracle).
    loose_messages: usize,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, name: &str, what: String) {
        self.failures.push(format!("{name}: {what}"));
    }

    fn assert_clean(&self, label: &str) {
        eprintln!(
            "{label}: {} pickles; dis identical on {} and failing identically on {}; \
             optimize identical on {} and failing identically on {}; \
             {} messages compared loosely",
            self.cases,
            self.dis_ok,
            self.dis_errors,
            self.optimized,
            self.optimize_errors,
            self.loose_messages
        );
        assert!(
            self.failures.is_empty(),
            "{label}: {} of {} pickles differ from pickletools; the first ones:\n{}",
            self.failures.len(),
            self.cases,
            self.failures
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Our messages match Python's, but for the first letter (lowercase here).
fn same_message(ours: &str, theirs: &PyError) -> bool {
    !theirs.exact || ours == theirs.message
}

/// Compares our dis (with `options`) and, if `check_optimize`, our optimize
/// with what pickletools made of each pickle.
fn compare(
    cases: &[(String, Vec<u8>)],
    expected: &[Expected],
    options: &Options,
    check_optimize: bool,
) -> Tally {
    let mut tally = Tally::default();
    for ((name, data), expected) in cases.iter().zip(expected) {
        tally.cases += 1;
        match (options.dis(data), &expected.dis_error) {
            (Ok(text), None) if text == expected.dis_text => tally.dis_ok += 1,
            (Ok(text), None) => {
                tally.fail(name, first_difference(&text, &expected.dis_text));
            }
            (Ok(_), Some(theirs)) => tally.fail(
                name,
                format!("dis succeeded, pickletools raised {:?}", theirs.message),
            ),
            (Err(ours), None) => tally.fail(
                name,
                format!("dis failed with {}, pickletools succeeded", ours.error),
            ),
            (Err(ours), Some(theirs)) => {
                if ours.partial_text != expected.dis_text {
                    tally.fail(
                        name,
                        format!(
                            "partial text differs ({}), {}",
                            ours.error,
                            first_difference(&ours.partial_text, &expected.dis_text)
                        ),
                    );
                } else if ours.error.offset() != theirs.offset {
                    tally.fail(
                        name,
                        format!(
                            "error offset {:?}, pickletools was at {:?} ({})",
                            ours.error.offset(),
                            theirs.offset,
                            ours.error
                        ),
                    );
                } else if !same_message(ours.error.message(), theirs) {
                    tally.fail(
                        name,
                        format!(
                            "message {:?}, pickletools says {:?}",
                            ours.error.message(),
                            theirs.message
                        ),
                    );
                } else {
                    tally.dis_errors += 1;
                    tally.loose_messages += usize::from(!theirs.exact);
                }
            }
        }
        if !check_optimize {
            continue;
        }
        match (pickle_core::optimize(data), &expected.optimize_error) {
            (Ok(bytes), None) if bytes == expected.optimized => tally.optimized += 1,
            (Ok(bytes), None) => tally.fail(
                name,
                format!(
                    "optimize differs: {} bytes, pickletools {} bytes, first difference at {:?}",
                    bytes.len(),
                    expected.optimized.len(),
                    bytes
                        .iter()
                        .zip(&expected.optimized)
                        .position(|(a, b)| a != b)
                ),
            ),
            (Ok(_), Some(theirs)) => tally.fail(
                name,
                format!(
                    "optimize succeeded, pickletools raised {:?}",
                    theirs.message
                ),
            ),
            (Err(ours), None) => tally.fail(
                name,
                format!("optimize failed with {ours}, pickletools succeeded"),
            ),
            (Err(ours), Some(theirs)) if same_message(ours.message(), theirs) => {
                tally.optimize_errors += 1;
                tally.loose_messages += usize::from(!theirs.exact);
            }
            (Err(ours), Some(theirs)) => tally.fail(
                name,
                format!(
                    "optimize message {:?}, pickletools says {:?}",
                    ours.message(),
                    theirs.message
                ),
            ),
        }
    }
    tally
}

fn check_section(section: &str) -> Tally {
    let cases = corpus(section);
    let expected = oracle(&cases, &[]);
    let tally = compare(&cases, &expected, &Options::new(), true);
    tally.assert_clean(section);
    tally
}

#[test]
fn cpython_pickles_of_built_in_values_disassemble_and_optimize_as_pickletools() {
    let tally = check_section("values");
    // 50 values at 6 protocols, less 4 that protocols 0 and 1 cannot write
    // (an int past the digit limit, a __slots__ instance), and 8 pickles of
    // persistent ids and out-of-band buffers.
    assert_eq!(tally.cases, 50 * 6 - 4 + 8);
    assert!(
        tally.dis_errors >= 4,
        "the ints past repr()'s digit limit fail"
    );
}

#[test]
fn handmade_pickles_disassemble_and_optimize_as_pickletools() {
    let tally = check_section("handmade");
    assert!(tally.dis_errors > 60, "the malformed pickles fail");
    assert!(tally.dis_ok > 40, "the valid pickles disassemble");
}

#[test]
fn every_code_point_is_shown_as_python_repr_shows_it() {
    let tally = check_section("codepoints");
    assert_eq!(tally.dis_ok, tally.cases);
}

#[test]
fn the_corpus_uses_every_opcode() {
    let mut seen = std::collections::BTreeSet::new();
    for section in ["values", "handmade"] {
        for (_, data) in corpus(section) {
            let text = match Options::new().dis(&data) {
                Ok(text) => text,
                Err(e) => e.partial_text,
            };
            for line in text.lines() {
                // "   12: \x94 MEMOIZE ..." -> "MEMOIZE" (the byte column is 5 wide)
                let name = line
                    .split_once(": ")
                    .and_then(|(_, rest)| rest.get(5..))
                    .and_then(|rest| rest.split_whitespace().next());
                if let Some(name) = name {
                    seen.insert(name.to_owned());
                }
            }
        }
    }
    let missing: Vec<_> = Opcode::all()
        .map(|info| info.name)
        .filter(|name| !seen.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "opcodes never disassembled: {missing:?}"
    );
}

#[test]
fn annotate_and_indent_level_match_pickletools() {
    let mut cases = corpus("values");
    cases.retain(|(name, data)| {
        (name.ends_with("/p0") || name.ends_with("/p4")) && data.len() < 20_000
    });
    cases.extend(corpus("handmade"));
    for (annotate, indent) in [(1, 0), (30, 2), (70, 7)] {
        let (annotate_arg, indent_arg) = (annotate.to_string(), indent.to_string());
        let args = [
            "--annotate",
            &annotate_arg,
            "--indent",
            &indent_arg,
            "--no-optimize",
        ];
        let expected = oracle(&cases, &args);
        let options = Options::new().annotate(annotate).indent_level(indent);
        compare(&cases, &expected, &options, false)
            .assert_clean(&format!("annotate={annotate} indentlevel={indent}"));
    }
}

/// A small deterministic generator for mutations (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn truncated_mutated_and_random_pickles_fail_as_pickletools_does() {
    let mut sources = corpus("values");
    sources.retain(|(_, data)| data.len() <= 600);
    sources.extend(
        corpus("handmade")
            .into_iter()
            .filter(|(_, d)| d.len() <= 600),
    );
    let mut cases = Vec::new();
    // Every prefix of the small pickles.
    for (name, data) in &sources {
        let step = if data.len() > 200 { 7 } else { 1 };
        for len in (0..data.len()).step_by(step) {
            cases.push((format!("{name}[..{len}]"), data[..len].to_vec()));
        }
    }
    // Mutations: a byte replaced, inserted or deleted, or a range duplicated.
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for round in 0..6000 {
        let (name, data) = &sources[rng.below(sources.len())];
        let mut data = data.clone();
        if data.is_empty() {
            continue;
        }
        let at = rng.below(data.len());
        let how = rng.below(4);
        match how {
            0 => data[at] = rng.next() as u8,
            1 => data.insert(at, rng.next() as u8),
            2 => {
                data.remove(at);
            }
            _ => {
                let end = (at + 1 + rng.below(8)).min(data.len());
                let copy = data[at..end].to_vec();
                data.splice(at..at, copy);
            }
        }
        cases.push((format!("{name} mutation {round} ({how} at {at})"), data));
    }
    // Random bytes, mostly opcodes with arguments that run off the end.
    let opcode_bytes: Vec<u8> = Opcode::all().map(|info| info.opcode.byte()).collect();
    for round in 0..1500 {
        let len = rng.below(24);
        let data: Vec<u8> = (0..len)
            .map(|_| match rng.below(3) {
                0 => rng.next() as u8,
                _ => opcode_bytes[rng.below(opcode_bytes.len())],
            })
            .collect();
        cases.push((format!("random {round}"), data));
    }
    let expected = oracle(&cases, &[]);
    let tally = compare(&cases, &expected, &Options::new(), true);
    tally.assert_clean("truncated, mutated and random");
    assert!(tally.dis_errors > tally.cases / 2);
}

#[test]
fn max_output_stops_a_quadratic_disassembly() {
    // 20 000 nested marks indent each of 20 000 lines by up to 80 000 blanks.
    let mut data = vec![b'('; 20_000];
    data.extend_from_slice(b"N.");
    let err = Options::new().max_output(1 << 20).dis(&data).unwrap_err();
    assert_eq!(err.error.kind(), pickle_core::ErrorKind::AllocLimit);
    assert!(err.partial_text.len() <= 1 << 20);
    // What was produced is whole lines, the same as without the limit (the
    // first 2 000 marks make about 8 MB of text, past the limit).
    assert!(err.partial_text.ends_with('\n'));
    let unlimited = Options::new().dis(&data[..2_000]).unwrap_err().partial_text;
    assert!(unlimited.len() > err.partial_text.len());
    assert!(unlimited.starts_with(&err.partial_text));
    // A huge indent level or annotation column is refused, not allocated.
    let err = Options::new()
        .indent_level(usize::MAX)
        .dis(b"(N.")
        .unwrap_err();
    assert_eq!(err.error.kind(), pickle_core::ErrorKind::AllocLimit);
    let err = Options::new().annotate(usize::MAX).dis(b"N.").unwrap_err();
    assert_eq!(err.error.kind(), pickle_core::ErrorKind::AllocLimit);
    // A string argument longer than the limit is refused before it is shown.
    let mut big = b"\x80\x04\x8e".to_vec();
    big.extend_from_slice(&(100_000u64).to_le_bytes());
    big.extend_from_slice(&[b'x'; 100_000]);
    big.push(b'.');
    let err = Options::new().max_output(50_000).dis(&big).unwrap_err();
    assert_eq!(err.error.kind(), pickle_core::ErrorKind::AllocLimit);
    assert_eq!(err.error.offset(), Some(2));
    assert_eq!(err.partial_text, "    0: \\x80 PROTO      4\n");
}

// --- the snapshot gallery -------------------------------------------------

/// Built-in values, written by pickle_core at every protocol.
fn gallery() -> Vec<(&'static str, Value)> {
    let text = |s: &str| Value::str(s);
    let shared = Value::shared(Value::List(vec![Value::Int(1), Value::Int(2)]));
    vec![
        ("none", Value::None),
        (
            "bools",
            Value::List(vec![Value::Bool(true), Value::Bool(false)]),
        ),
        (
            "ints",
            Value::List(vec![
                Value::Int(0),
                Value::Int(255),
                Value::Int(65_535),
                Value::Int(-1),
                Value::Int(i64::MAX),
                Value::BigInt(pickle_core::BigInt::from(u128::MAX)),
            ]),
        ),
        (
            "floats",
            Value::List(vec![
                Value::Float(1.5),
                Value::Float(-0.0),
                Value::Float(f64::INFINITY),
                Value::Float(1e-310),
            ]),
        ),
        (
            "strs",
            Value::List(vec![
                text(""),
                text("it's"),
                text("caf\u{e9} \u{20ac} \u{1f600}"),
                text("tab\tnew\nline"),
            ]),
        ),
        (
            "bytes",
            Value::List(vec![
                Value::Bytes(b"\x00\xffabc".to_vec()),
                Value::ByteArray(b"it's".to_vec()),
            ]),
        ),
        (
            "containers",
            Value::Tuple(vec![
                Value::List(vec![Value::Int(1)]),
                Value::Tuple(vec![]),
                Value::Dict(vec![(text("k"), Value::None)]),
                Value::Set(vec![Value::Int(1), Value::Int(2)]),
                Value::FrozenSet(vec![Value::Int(3)]),
            ]),
        ),
        ("shared", Value::List(vec![shared.clone(), shared])),
        ("global", Value::global("collections", "OrderedDict")),
    ]
}

#[test]
fn snapshot_gallery_of_built_in_values() {
    let mut cases = Vec::new();
    for (name, value) in gallery() {
        for protocol in Protocol::ALL {
            let data = pickle_core::to_vec_with(&value, protocol).expect("the value is picklable");
            cases.push((format!("{name}/p{}", protocol.as_u8()), data));
        }
    }
    // The snapshots are what pickletools prints, too.
    let expected = oracle(&cases, &[]);
    compare(&cases, &expected, &Options::new(), true).assert_clean("gallery");
    for chunk in cases.chunks(Protocol::ALL.len()) {
        let name = chunk[0].0.split('/').next().unwrap();
        let mut gallery_text = String::new();
        for (case, data) in chunk {
            gallery_text.push_str(&format!("# {case}\n"));
            gallery_text.push_str(&pickle_core::dis(data).expect("our own pickles are valid"));
        }
        insta::assert_snapshot!(name, gallery_text);
    }
}
